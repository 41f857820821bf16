// SPDX-License-Identifier: GPL-2.0
/*
 * vCPU fd: registers, the run page, and the RUN loop.
 *
 * The loop enters the guest with preemption and interrupts disabled and
 * handles each exit with interrupts enabled again, so host interrupts that
 * caused an exit are taken right away. Exits the kernel can finish loop
 * straight back into the guest; the rest return to userspace.
 *
 * Host state VM exit does not restore (SDM Vol. 3C 28.5 lists what it
 * does): the user's DS/ES/FS/GS selectors, KERNEL_GS_BASE (a 64-bit guest
 * can SWAPGS it), CR2, DR7/DEBUGCTL, and the GDT and TR limits, which exit
 * sets to 0xffff and 0x67.
 *
 * FPU/SSE/AVX state: each vCPU has its own XSAVE area (vcpu->guest_fpu,
 * from the kernel's fpu_alloc_guest_fpstate()). RUN swaps it in once,
 * before the loop, with fpu_swap_kvm_fpstate(): the user's registers are
 * saved into the task's own area and the task's FPU pointer now names the
 * guest's area, whose contents are loaded into the registers. From then on
 * the kernel treats the guest's registers as this task's: a context switch
 * (cond_resched(), sleeping in HLT) or a kernel_fpu_begin() in an
 * interrupt saves them into the guest's area and sets TIF_NEED_FPU_LOAD,
 * so enter_guest() reloads them, with IRQs off, when that flag is set.
 * Exits handled in the kernel cost no FPU work at all; RUN swaps back
 * once before returning to userspace. Swapping on every entry would
 * cost an XSAVE and an XRSTOR per exit.
 *
 * XCR0 is not switched by VMX: enter_guest() loads the guest's (kept by
 * the XSETBV exit handler) with IRQs off while the guest has CR4.OSXSAVE
 * set and it differs from the host's, and restores the host's right after
 * the exit, before anything can use XSAVE with it (the guest's XCR0 is
 * always a subset of the host's, so the host's XSAVE saves every
 * component the guest can change).
 */
#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/hw_breakpoint.h>
#include <linux/mm.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <asm/debugreg.h>
#include <asm/desc.h>
#include <asm/fpu/api.h>
#include <asm/fpu/xcr.h>
#include <asm/msr.h>
#include <asm/special_insns.h>
#include <asm/tlbflush.h>
#include <asm/trapnr.h>
#include "caps.h"
#include "cpuid.h"
#include "exit.h"
#include "genl.h"
#include "interrupts.h"
#include "mv.h"
#include "validate.h"
#include "vcpu_state.h"
#include "vmcs.h"
#include "vmenter.h"
#include "vmcs_setup.h"
#include "vmx_cpu.h"
#include "vmx_ops.h"
#include "trace.h"


void mv_vcpu_skip_insn(struct mv_vcpu *vcpu, unsigned int len)
{
	unsigned long rip = vmcs_readl(GUEST_RIP) + len;

	/* Outside 64-bit code, EIP wraps at 4 GiB. */
	if (!(vmcs_read64(GUEST_IA32_EFER) & EFER_LMA) ||
	    !(vmcs_read32(GUEST_CS_AR_BYTES) & BIT(13)))
		rip &= 0xffffffff;
	vmcs_writel(GUEST_RIP, rip);
	/* Stepping over an instruction ends STI / MOV SS blocking. */
	vmcs_clear_bits32(GUEST_INTERRUPTIBILITY_INFO,
			  GUEST_INTR_STATE_STI | GUEST_INTR_STATE_MOV_SS);
}

void mv_vcpu_advance_rip(struct mv_vcpu *vcpu)
{
	mv_vcpu_skip_insn(vcpu, vmcs_read32(VM_EXIT_INSTRUCTION_LEN));
}

static void inject_exception(u8 vector, bool has_error, u32 error)
{
	u32 info = vector | INTR_TYPE_HARD_EXCEPTION | INTR_INFO_VALID_MASK;

	/* No error code is delivered in real mode (SDM Vol. 3C 26.2.1.3). */
	if (has_error && (vmcs_readl(GUEST_CR0) & X86_CR0_PE)) {
		info |= INTR_INFO_DELIVER_CODE_MASK;
		vmcs_write32(VM_ENTRY_EXCEPTION_ERROR_CODE, error);
	}
	vmcs_write32(VM_ENTRY_INTR_INFO_FIELD, info);
}

void mv_vcpu_inject_ud(struct mv_vcpu *vcpu)
{
	inject_exception(X86_TRAP_UD, false, 0);
}

void mv_vcpu_inject_gp(struct mv_vcpu *vcpu)
{
	inject_exception(X86_TRAP_GP, true, 0);
}

void mv_internal_error(struct mv_vcpu *vcpu, u32 suberror, const u64 *data,
		       u32 ndata)
{
	struct mv_run *run = vcpu->run;

	run->exit_reason = MV_EXIT_INTERNAL_ERROR;
	memset(&run->internal, 0, sizeof(run->internal));
	run->internal.suberror = suberror;
	run->internal.ndata = min_t(u32, ndata, ARRAY_SIZE(run->internal.data));
	memcpy(run->internal.data, data, run->internal.ndata * sizeof(u64));
}

/*
 * An exit that interrupted the delivery of an event (IDT-vectoring info
 * valid) must re-inject that event, or it is lost (SDM Vol. 3C 28.2.4).
 */
static void requeue_interrupted_event(void)
{
	u32 idt = vmcs_read32(IDT_VECTORING_INFO_FIELD);

	if (!(idt & VECTORING_INFO_VALID_MASK))
		return;
	vmcs_write32(VM_ENTRY_INTR_INFO_FIELD, idt & ~BIT(12));
	if (idt & VECTORING_INFO_DELIVER_CODE_MASK)
		vmcs_write32(VM_ENTRY_EXCEPTION_ERROR_CODE,
			     vmcs_read32(IDT_VECTORING_ERROR_CODE));
	vmcs_write32(VM_ENTRY_INSTRUCTION_LEN,
		     vmcs_read32(VM_EXIT_INSTRUCTION_LEN));
}

/* Host state saved once per RUN, restored before returning to userspace. */
struct host_user_state {
	u16 ds, es, fs, gs;
	unsigned long fs_base, kernel_gs_base;
	u64 xcr0;		/* 0 if the host has not enabled XSAVE */
};

static void save_host_user_state(struct host_user_state *h)
{
	savesegment(ds, h->ds);
	savesegment(es, h->es);
	savesegment(fs, h->fs);
	savesegment(gs, h->gs);
	rdmsrl(MSR_FS_BASE, h->fs_base);
	rdmsrl(MSR_KERNEL_GS_BASE, h->kernel_gs_base);
	h->xcr0 = mv_host_xcr0();
}

static void restore_host_user_state(const struct host_user_state *h)
{
	if (unlikely(h->ds | h->es)) {
		loadsegment(ds, h->ds);
		loadsegment(es, h->es);
	}
	/* Loading a selector reloads the base: restore the base after. */
	if (unlikely(h->fs)) {
		loadsegment(fs, h->fs);
		wrmsrl(MSR_FS_BASE, h->fs_base);
	}
	if (unlikely(h->gs)) {
		unsigned long flags;

		/* In the kernel, the user's GS base is in KERNEL_GS_BASE. */
		local_irq_save(flags);
		load_gs_index(h->gs);
		wrmsrl(MSR_KERNEL_GS_BASE, h->kernel_gs_base);
		local_irq_restore(flags);
	}
}

/*
 * One guest entry and exit; preemption disabled, VMCS current. Returns 0
 * with the exit reason in @reason (bit 31 set if the entry failed its
 * checks), or -EIO if VMLAUNCH/VMRESUME itself failed.
 */
/* Per-exit cycle statistics for netlink; off for overhead measurements. */
static bool exit_stats = true;
module_param(exit_stats, bool, 0644);
MODULE_PARM_DESC(exit_stats, "collect per-exit-reason cycle statistics (default 1)");

/* Statistics, tracepoints and sampling at VM exit; IRQs off. */
static void note_exit(struct mv_vcpu *vcpu, u32 reason, u64 tsc)
{
	u32 period = READ_ONCE(mv_sample_period);

	/* Counted when handled, at the next entry (stats.h). */
	WRITE_ONCE(vcpu->exit_reason, reason & 0xffff);
	if (likely(READ_ONCE(exit_stats) &&
		   vcpu->exit_reason < MV_NR_EXIT_REASONS)) {
		vcpu->exit_tsc = tsc;
		WRITE_ONCE(vcpu->stats_row,
			   &vcpu->xstats->row[vcpu->exit_reason]);
	} else {
		WRITE_ONCE(vcpu->stats_row, NULL);
	}
	if (trace_minivisor_exit_enabled())
		trace_minivisor_exit(vcpu->vm->id, vcpu->id, reason,
				     vmcs_readl(EXIT_QUALIFICATION),
				     vmcs_readl(GUEST_RIP));
	if (period && ++vcpu->sample_count >= period) {
		vcpu->sample_count = 0;
		vcpu->sample_pending = true;
		vcpu->sample_qual = vmcs_readl(EXIT_QUALIFICATION);
		vcpu->sample_rip = vmcs_readl(GUEST_RIP);
		vcpu->sample_tsc = tsc;
	}
}

static int enter_guest(struct mv_vcpu *vcpu, const struct host_user_state *h,
		       u32 *reason)
{
	int cpu = smp_processor_id();
	bool guest_long = vmcs_read64(GUEST_IA32_EFER) & EFER_LMA;
	struct mv_host_syscall_msrs host_syscall;
	unsigned long debugctl;
	bool syscall_loaded;
	u64 guest_xcr0, exit_tsc;
	int failed;

	BUILD_BUG_ON(MV_VMCS_HOST_RSP != HOST_RSP);
	BUILD_BUG_ON(offsetof(struct mv_vcpu, gprs) != 0);
	BUILD_BUG_ON(sizeof(struct mv_run) > MV_RUN_HEADER_SIZE);
	BUILD_BUG_ON(MV_RUN_IO_DATA_OFFSET + MV_RUN_IO_DATA_MAX > PAGE_SIZE);

	vmcs_writel(HOST_FS_BASE, h->fs_base);

	local_irq_disable();
	/*
	 * The guest's FPU registers were swapped in by RUN; if a context
	 * switch or kernel FPU use saved them since, reload them now. IRQs
	 * are off, so nothing can take them away again before the entry.
	 */
	fpregs_assert_state_consistent();
	if (test_thread_flag(TIF_NEED_FPU_LOAD))
		switch_fpu_return();
	guest_xcr0 = h->xcr0;
	if (h->xcr0 && (vmcs_readl(GUEST_CR4) & X86_CR4_OSXSAVE))
		guest_xcr0 = vcpu->xcr0;

	/* CR3 (PCID) and CR4 can change under us until IRQs are off. */
	vmcs_writel(HOST_CR3, __read_cr3());
	vmcs_writel(HOST_CR4, cr4_read_shadow());

	if (mv_has_preempt_timer())
		vmcs_write32(VMX_PREEMPTION_TIMER_VALUE,
			     mv_caps.preempt_timer_value);

	WRITE_ONCE(vcpu->in_guest, true);
	/*
	 * Publish in_guest before reading the event queue; pairs with the
	 * barrier in kick_vcpu() (see the comment atop interrupts.c).
	 */
	smp_mb();
	mv_inject_pending_events(vcpu);

	debugctl = get_debugctlmsr();
	if (guest_long)
		wrmsrl(MSR_KERNEL_GS_BASE, vcpu->guest_kernel_gs_base);
	if (native_read_cr2() != vcpu->cr2)
		native_write_cr2(vcpu->cr2);
	/* VMX does not switch the SYSCALL MSRs (msr.c). */
	syscall_loaded = mv_msr_load_guest(vcpu, &host_syscall);

	if (guest_xcr0 != h->xcr0)
		xsetbv(XCR_XFEATURE_ENABLED_MASK, guest_xcr0);
	if (trace_minivisor_entry_enabled())
		trace_minivisor_entry(vcpu->vm->id, vcpu->id,
				      vmcs_readl(GUEST_RIP));
	/*
	 * The previous exit is handled: from its exit to this entry. The
	 * row stays noted (genl.c tells a handled exit by in_guest) until the
	 * next exit replaces it, or a failed VMLAUNCH/VMRESUME clears it.
	 */
	if (vcpu->stats_row)
		mv_stats_row_add(vcpu->stats_row, rdtsc() - vcpu->exit_tsc);
	failed = mv_vmx_enter(vcpu->gprs, vcpu->launched);
	exit_tsc = rdtsc();
	if (guest_xcr0 != h->xcr0)
		xsetbv(XCR_XFEATURE_ENABLED_MASK, h->xcr0);
	if (syscall_loaded)
		mv_msr_restore_host(&host_syscall);
	WRITE_ONCE(vcpu->in_guest, false);

	vcpu->cr2 = native_read_cr2();
	if (guest_long) {
		rdmsrl(MSR_KERNEL_GS_BASE, vcpu->guest_kernel_gs_base);
		wrmsrl(MSR_KERNEL_GS_BASE, h->kernel_gs_base);
	}
	if (hw_breakpoint_active())
		hw_breakpoint_restore();
	if (debugctl)
		update_debugctlmsr(debugctl);
	load_fixmap_gdt(cpu);
	invalidate_tss_limit();

	if (!failed) {
		*reason = vmcs_read32(VM_EXIT_REASON);
		if (!(*reason & VMX_EXIT_REASONS_FAILED_VMENTRY))
			vcpu->launched = true;
		note_exit(vcpu, *reason, exit_tsc);
		/* An NMI that caused the exit goes to the host's handler now,
		 * while NMIs are still blocked by the exit (SDM 28.1).
		 */
		if ((*reason & 0xffff) == EXIT_REASON_EXCEPTION_NMI &&
		    (vmcs_read32(VM_EXIT_INTR_INFO) & INTR_INFO_INTR_TYPE_MASK) ==
		    INTR_TYPE_NMI_INTR)
			asm volatile("int $2");
	} else {
		/* No exit: the next entry must not count the last one again. */
		WRITE_ONCE(vcpu->stats_row, NULL);
	}

	local_irq_enable();
	return failed ? -EIO : 0;
}

static int complete_pending(struct mv_vcpu *vcpu)
{
	switch (vcpu->pending) {
	case MV_PENDING_PIO_IN:
		return mv_complete_pio_in(vcpu);
	case MV_PENDING_MMIO_READ:
		return mv_complete_mmio_read(vcpu);
	case MV_PENDING_MSR_READ:
	case MV_PENDING_MSR_WRITE:
		return mv_complete_msr(vcpu);
	default:
		return 1;
	}
}

/*
 * The exit in the run page goes to userspace unless its range is
 * ring-served (ring.c): then the request is posted and, unless it is a
 * posted write, its completion awaited here, finishing a read as RUN
 * would after a classic exit. Also resumes an access a signal
 * interrupted. Returns like an exit handler (exit.h).
 */
static int serve_ring_exit(struct mv_vcpu *vcpu)
{
	struct mv_ring_op *op = &vcpu->ring_op;
	int ret;

	for (;;) {
		if (op->state == MV_RING_OP_IDLE && !mv_ring_claim(vcpu))
			return 0;
		if (op->state == MV_RING_OP_POST) {
			ret = mv_ring_post(vcpu);
			if (ret)
				return ret == -EPIPE ? 0 : ret;
			if (op->state == MV_RING_OP_IDLE)
				return 1;	/* a posted write */
		}
		ret = mv_ring_await(vcpu);
		if (ret)
			return ret == -EPIPE ? 0 : ret;
		if (op->req.flags & MV_RING_REQ_WRITE)
			return 1;
		preempt_disable();
		mv_vmcs_load(vcpu);
		ret = complete_pending(vcpu);
		vcpu->run->guest_rip = vmcs_readl(GUEST_RIP);
		preempt_enable();
		/* 0: the write half of a read-modify-write; serve it too. */
		if (ret)
			return ret;
	}
}

static int vcpu_run(struct mv_vcpu *vcpu)
{
	struct mv_run *run = vcpu->run;
	struct host_user_state host;
	u32 reason;
	int ret;

	run->exit_reason = MV_EXIT_NONE;
	if (READ_ONCE(run->immediate_exit)) {
		run->exit_reason = MV_EXIT_INTR;
		return -EINTR;
	}
	save_host_user_state(&host);
	/* The guest's FPU registers stay loaded for the whole loop. */
	fpu_swap_kvm_fpstate(&vcpu->guest_fpu, true);

	if (mv_ring_check_broken(vcpu)) {
		ret = 0;
	} else if (vcpu->ring_op.state != MV_RING_OP_IDLE) {
		ret = serve_ring_exit(vcpu);
	} else {
		preempt_disable();
		mv_vmcs_load(vcpu);
		ret = complete_pending(vcpu);
		preempt_enable();
	}

	while (ret > 0) {
		/* HLT with interrupts enabled: sleep until an event is queued. */
		if (vcpu->halted) {
			if (wait_event_interruptible(vcpu->wq,
						     mv_vcpu_has_events(vcpu))) {
				ret = -EINTR;
				break;
			}
			vcpu->halted = false;
		}
		if (signal_pending(current)) {
			ret = -EINTR;
			break;
		}
		if (vcpu->sample_pending) {
			vcpu->sample_pending = false;
			mv_genl_exit_sample(vcpu, rdtsc() - vcpu->sample_tsc);
		}
		cond_resched();

		preempt_disable();
		mv_vmcs_load(vcpu);
		if (enter_guest(vcpu, &host, &reason)) {
			run->exit_reason = MV_EXIT_FAIL_ENTRY;
			run->fail_entry.hardware_exit_reason = 0;
			run->fail_entry.exit_qualification = 0;
			run->fail_entry.vm_instruction_error =
				vmcs_read32(VM_INSTRUCTION_ERROR);
			ret = 0;
		} else {
			/* A failed entry delivered nothing that could be lost. */
			if (!(reason & VMX_EXIT_REASONS_FAILED_VMENTRY))
				requeue_interrupted_event();
			ret = mv_handle_exit(vcpu, reason);
		}
		run->guest_rip = vmcs_readl(GUEST_RIP);
		preempt_enable();
		if (ret == 0)
			ret = serve_ring_exit(vcpu);
	}

	/* A signal in HLT, before an entry or in a ring wait (ring.c). */
	if (ret == -EINTR)
		run->exit_reason = MV_EXIT_INTR;
	fpu_swap_kvm_fpstate(&vcpu->guest_fpu, false);
	restore_host_user_state(&host);
	if (ret == 0)
		vcpu->stats.userspace_exits++;
	return ret;
}

static long vcpu_get_regs(struct mv_vcpu *vcpu, void __user *argp)
{
	struct mv_regs regs;

	preempt_disable();
	mv_vmcs_load(vcpu);
	mv_vcpu_read_regs(vcpu, &regs);
	preempt_enable();
	return copy_to_user(argp, &regs, sizeof(regs)) ? -EFAULT : 0;
}

static long vcpu_set_regs(struct mv_vcpu *vcpu, void __user *argp)
{
	struct mv_regs regs;
	int ret;

	if (copy_from_user(&regs, argp, sizeof(regs)))
		return -EFAULT;
	ret = mv_check_regs(&regs);
	if (ret)
		return ret;
	preempt_disable();
	mv_vmcs_load(vcpu);
	mv_vcpu_write_regs(vcpu, &regs);
	preempt_enable();
	return 0;
}

static long vcpu_get_sregs(struct mv_vcpu *vcpu, void __user *argp)
{
	struct mv_sregs sregs;

	preempt_disable();
	mv_vmcs_load(vcpu);
	mv_vcpu_read_sregs(vcpu, &sregs);
	preempt_enable();
	return copy_to_user(argp, &sregs, sizeof(sregs)) ? -EFAULT : 0;
}

static long vcpu_set_sregs(struct mv_vcpu *vcpu, void __user *argp)
{
	struct mv_limits lim = {
		.max_gpa = mv_caps.max_gpa,
		.cr4_fixed1 = mv_caps.cr4_fixed1,
	};
	struct mv_sregs sregs;
	int ret;

	if (copy_from_user(&sregs, argp, sizeof(sregs)))
		return -EFAULT;
	ret = mv_check_sregs(&sregs, &lim);
	if (ret)
		return ret;
	preempt_disable();
	mv_vmcs_load(vcpu);
	mv_vcpu_write_sregs(vcpu, &sregs);
	preempt_enable();
	return 0;
}

static long mv_vcpu_ioctl(struct file *filp, unsigned int cmd,
			  unsigned long arg)
{
	struct mv_vcpu *vcpu = filp->private_data;
	void __user *argp = (void __user *)arg;
	long ret;

	switch (cmd) {
	/* Queueing events must not wait for a RUN in progress. */
	case MV_INTERRUPT:
		return mv_vcpu_queue_interrupt(vcpu, argp);
	case MV_NMI:
		return mv_vcpu_queue_nmi(vcpu, arg);
	case MV_RUN:
		if (arg)
			return -EINVAL;
		break;
	case MV_GET_REGS:
	case MV_SET_REGS:
	case MV_GET_SREGS:
	case MV_SET_SREGS:
	case MV_GET_EXIT_STATS:
	case MV_SET_CPUID:
	case MV_GET_CPUID:
	case MV_SET_MSR_POLICY:
		break;
	default:
		return -ENOTTY;
	}

	if (mutex_lock_killable(&vcpu->mutex))
		return -EINTR;
	switch (cmd) {
	case MV_RUN:
		ret = vcpu_run(vcpu);
		break;
	case MV_GET_REGS:
		ret = vcpu_get_regs(vcpu, argp);
		break;
	case MV_SET_REGS:
		ret = vcpu_set_regs(vcpu, argp);
		break;
	case MV_GET_SREGS:
		ret = vcpu_get_sregs(vcpu, argp);
		break;
	case MV_SET_SREGS:
		ret = vcpu_set_sregs(vcpu, argp);
		break;
	case MV_GET_EXIT_STATS:
		ret = copy_to_user(argp, &vcpu->stats, sizeof(vcpu->stats)) ?
		      -EFAULT : 0;
		break;
	case MV_SET_CPUID:
		ret = mv_cpuid_set(vcpu, argp);
		break;
	case MV_GET_CPUID:
		ret = mv_cpuid_get(vcpu, argp);
		break;
	case MV_SET_MSR_POLICY:
		ret = mv_msr_set_policy(vcpu, argp);
		break;
	default:
		ret = -ENOTTY;
	}
	mutex_unlock(&vcpu->mutex);
	return ret;
}

static vm_fault_t mv_vcpu_fault(struct vm_fault *vmf)
{
	struct mv_vcpu *vcpu = vmf->vma->vm_file->private_data;

	if (vmf->pgoff != 0)
		return VM_FAULT_SIGBUS;
	vmf->page = virt_to_page(vcpu->run);
	get_page(vmf->page);
	return 0;
}

static const struct vm_operations_struct mv_vcpu_vm_ops = {
	.fault = mv_vcpu_fault,
};

static int mv_vcpu_mmap(struct file *filp, struct vm_area_struct *vma)
{
	if (vma->vm_pgoff != 0 || vma->vm_end - vma->vm_start > PAGE_SIZE)
		return -EINVAL;
	vma->vm_ops = &mv_vcpu_vm_ops;
	return 0;
}

static void free_vcpu(struct mv_vcpu *vcpu)
{
	kvfree(vcpu->xstats);
	mv_cpuid_free_vcpu(vcpu);
	fpu_free_guest_fpstate(&vcpu->guest_fpu);
	free_page((unsigned long)vcpu->run);
	free_page((unsigned long)vcpu->vmcs);
	kfree(vcpu);
}

static int mv_vcpu_release(struct inode *inode, struct file *filp)
{
	struct mv_vcpu *vcpu = filp->private_data;
	struct mv_vm *vm = vcpu->vm;

	mv_vmcs_clear(vcpu);
	mv_ring_vcpu_release(vcpu);
	mutex_lock(&vm->lock);
	vm->vcpus[vcpu->id] = NULL;
	vm->nr_vcpus--;
	mutex_unlock(&vm->lock);
	free_vcpu(vcpu);
	mv_vm_put(vm);
	return 0;
}

static const struct file_operations mv_vcpu_fops = {
	.owner		= THIS_MODULE,
	.unlocked_ioctl	= mv_vcpu_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.mmap		= mv_vcpu_mmap,
	.release	= mv_vcpu_release,
	.llseek		= noop_llseek,
};

static struct mv_vcpu *alloc_vcpu(struct mv_vm *vm, u32 id)
{
	struct mv_vcpu *vcpu;

	vcpu = kzalloc(sizeof(*vcpu), GFP_KERNEL_ACCOUNT);
	if (!vcpu)
		return NULL;
	vcpu->vmcs = (void *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
	vcpu->run = (void *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
	vcpu->xstats = kvzalloc(sizeof(*vcpu->xstats), GFP_KERNEL_ACCOUNT);
	if (!vcpu->vmcs || !vcpu->run || !vcpu->xstats) {
		free_vcpu(vcpu);
		return NULL;
	}
	vcpu->vm = vm;
	vcpu->id = id;
	/* x87 state only, the value at reset (SDM Vol. 1 13.3). */
	vcpu->xcr0 = XFEATURE_MASK_FP;
	/* DR6 and DR7 at reset (SDM Vol. 3A 9.1.1). */
	vcpu->dr6 = 0xffff0ff0;
	vcpu->dr7 = 0x400;
	if (!fpu_alloc_guest_fpstate(&vcpu->guest_fpu) ||
	    mv_cpuid_init_vcpu(vcpu)) {
		free_vcpu(vcpu);
		return NULL;
	}
	mv_msr_init_vcpu(vcpu);
	vcpu->cpu = -1;
	vcpu->host_cpu = -1;
	vcpu->vmcs_pa = __pa(vcpu->vmcs);
	vcpu->proc_ctls = mv_caps.proc_ctls;
	mutex_init(&vcpu->mutex);
	spin_lock_init(&vcpu->irq_lock);
	init_waitqueue_head(&vcpu->wq);
	INIT_LIST_HEAD(&vcpu->loaded_node);
	/* SDM Vol. 3C 25.2: the VMCS starts with the revision identifier. */
	*(u32 *)vcpu->vmcs = mv_caps.revision_id;
	return vcpu;
}

int mv_create_vcpu_fd(struct mv_vm *vm, unsigned long id)
{
	struct mv_vcpu *vcpu;
	int fd, ret;

	if (id >= MV_MAX_VCPUS)
		return -EINVAL;

	mutex_lock(&vm->lock);
	if (vm->vcpus[id]) {
		ret = -EEXIST;
		goto err_unlock;
	}
	vcpu = alloc_vcpu(vm, id);
	if (!vcpu) {
		ret = -ENOMEM;
		goto err_unlock;
	}

	/* VMCLEAR puts a new VMCS into the "clear" launch state. */
	preempt_disable();
	ret = mv_vmclear(vcpu->vmcs_pa);
	if (!ret) {
		mv_vmcs_load(vcpu);
		mv_vmcs_setup(vcpu);
	}
	preempt_enable();
	if (ret)
		goto err_free;

	kref_get(&vm->ref);
	fd = anon_inode_getfd("minivisor-vcpu", &mv_vcpu_fops, vcpu,
			      O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		ret = fd;
		goto err_put_vm;
	}
	vm->vcpus[id] = vcpu;
	vm->nr_vcpus++;
	mutex_unlock(&vm->lock);
	return fd;

err_put_vm:
	mv_vm_put(vm);	/* never the last reference: the VM fd holds one */
	mv_vmcs_clear(vcpu);
err_free:
	free_vcpu(vcpu);
err_unlock:
	mutex_unlock(&vm->lock);
	return ret;
}

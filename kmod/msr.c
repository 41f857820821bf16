// SPDX-License-Identifier: GPL-2.0
/*
 * RDMSR/WRMSR exits. There is no MSR bitmap, so every guest RDMSR and
 * WRMSR exits (SDM Vol. 3C 26.1.3: without "use MSR bitmaps" they exit
 * unconditionally). The MSRs of mv_msr_is_kernel() are emulated here;
 * the rest follow the vCPU's policy: #GP(0), or an MV_EXIT_MSR exit that
 * the next RUN completes (mv_complete_msr).
 *
 * Where each MSR lives: EFER, PAT, SYSENTER_* and FS/GS base in VMCS
 * guest-state fields, loaded on entry (SDM Vol. 3C 26.3.2.1); the TSC as
 * the VMCS TSC offset; KERNEL_GS_BASE in vcpu->guest_kernel_gs_base,
 * switched by enter_guest(); STAR/LSTAR/CSTAR/SFMASK in vcpu->msrs,
 * switched by mv_msr_load_guest()/mv_msr_restore_host(); the MTRRs and
 * APIC base in vcpu->msrs only (nothing consumes them: EPT maps guest
 * memory write-back and there is no APIC yet).
 */
#include <linux/kernel.h>
#include <linux/uaccess.h>
#include <asm/msr.h>
#include <asm/processor.h>
#include "exit.h"
#include "msr.h"
#include "mv.h"
#include "vcpu_state.h"
#include "vmcs.h"

void mv_msr_init_vcpu(struct mv_vcpu *vcpu)
{
	vcpu->msrs.apic_base = mv_msr_apic_base_default(vcpu->id);
	vcpu->msrs.policy = MV_MSR_POLICY_GP;
}

static bool tsc_offsetting(void)
{
	return vmcs_read32(CPU_BASED_VM_EXEC_CONTROL) &
	       CPU_BASED_USE_TSC_OFFSETTING;
}

/* 0, or -EINVAL for #GP. @msr is one of mv_msr_is_kernel(). */
static int msr_read(struct mv_vcpu *vcpu, u32 msr, u64 *val)
{
	int slot;

	switch (msr) {
	case MSR_EFER:
		*val = vmcs_read64(GUEST_IA32_EFER);
		return 0;
	case MSR_IA32_TSC:
		/* What the guest's RDTSC returns, SDM Vol. 3C 26.6.5. */
		*val = rdtsc() + (tsc_offsetting() ? vmcs_read64(TSC_OFFSET) : 0);
		return 0;
	case MSR_IA32_APICBASE:
		*val = vcpu->msrs.apic_base;
		return 0;
	case MSR_IA32_SYSENTER_CS:
		*val = vmcs_read32(GUEST_SYSENTER_CS);
		return 0;
	case MSR_IA32_SYSENTER_ESP:
		*val = vmcs_readl(GUEST_SYSENTER_ESP);
		return 0;
	case MSR_IA32_SYSENTER_EIP:
		*val = vmcs_readl(GUEST_SYSENTER_EIP);
		return 0;
	case MSR_IA32_CR_PAT:
		*val = vmcs_read64(GUEST_IA32_PAT);
		return 0;
	case MSR_STAR:
		*val = vcpu->msrs.star;
		return 0;
	case MSR_LSTAR:
		*val = vcpu->msrs.lstar;
		return 0;
	case MSR_CSTAR:
		*val = vcpu->msrs.cstar;
		return 0;
	case MSR_SYSCALL_MASK:
		*val = vcpu->msrs.sfmask;
		return 0;
	case MSR_FS_BASE:
		*val = vmcs_readl(GUEST_FS_BASE);
		return 0;
	case MSR_GS_BASE:
		*val = vmcs_readl(GUEST_GS_BASE);
		return 0;
	case MSR_KERNEL_GS_BASE:
		*val = vcpu->guest_kernel_gs_base;
		return 0;
	case MSR_MTRRcap:
		*val = MV_MTRRCAP;
		return 0;
	case MSR_MTRRdefType:
		*val = vcpu->msrs.mtrr_def_type;
		return 0;
	case MSR_IA32_MISC_ENABLE:
		*val = MV_MISC_ENABLE;
		return 0;
	case MSR_IA32_UCODE_REV:
		*val = MV_UCODE_REV;
		return 0;
	}
	slot = mv_msr_fixed_mtrr_slot(msr);
	if (slot < 0)
		return -EINVAL;
	*val = vcpu->msrs.mtrr_fixed[slot];
	return 0;
}

/* 0, or -EINVAL for #GP. @msr is one of mv_msr_is_kernel(). */
static int msr_write(struct mv_vcpu *vcpu, u32 msr, u64 val)
{
	int slot;

	switch (msr) {
	case MSR_EFER:
		return mv_vcpu_set_efer(vcpu, val);
	case MSR_IA32_TSC:
		/*
		 * Move the guest's TSC by moving the offset. Without TSC
		 * offsetting the guest reads the host's TSC, which only the
		 * host may change: the write is dropped.
		 */
		if (tsc_offsetting())
			vmcs_write64(TSC_OFFSET, val - rdtsc());
		return 0;
	case MSR_IA32_APICBASE:
		if (!mv_msr_apic_base_valid(val, boot_cpu_data.x86_phys_bits))
			return -EINVAL;
		/* The BSP flag is read-only (SDM Vol. 3A 10.4.4). */
		vcpu->msrs.apic_base = (val & ~MV_APIC_BASE_BSP) |
			(mv_msr_apic_base_default(vcpu->id) & MV_APIC_BASE_BSP);
		return 0;
	case MSR_IA32_SYSENTER_CS:
		vmcs_write32(GUEST_SYSENTER_CS, val);
		return 0;
	case MSR_IA32_SYSENTER_ESP:
		if (!mv_msr_canonical(val))
			return -EINVAL;
		vmcs_writel(GUEST_SYSENTER_ESP, val);
		return 0;
	case MSR_IA32_SYSENTER_EIP:
		if (!mv_msr_canonical(val))
			return -EINVAL;
		vmcs_writel(GUEST_SYSENTER_EIP, val);
		return 0;
	case MSR_IA32_CR_PAT:
		if (!mv_msr_pat_valid(val))
			return -EINVAL;
		vmcs_write64(GUEST_IA32_PAT, val);
		return 0;
	case MSR_STAR:
		vcpu->msrs.star = val;
		return 0;
	case MSR_LSTAR:
	case MSR_CSTAR:
		if (!mv_msr_canonical(val))
			return -EINVAL;
		if (msr == MSR_LSTAR)
			vcpu->msrs.lstar = val;
		else
			vcpu->msrs.cstar = val;
		return 0;
	case MSR_SYSCALL_MASK:
		/* RFLAGS bits 63:32 are reserved (SDM Vol. 3A 2.3). */
		if (val >> 32)
			return -EINVAL;
		vcpu->msrs.sfmask = val;
		return 0;
	case MSR_FS_BASE:
	case MSR_GS_BASE:
	case MSR_KERNEL_GS_BASE:
		if (!mv_msr_canonical(val))
			return -EINVAL;
		if (msr == MSR_FS_BASE)
			vmcs_writel(GUEST_FS_BASE, val);
		else if (msr == MSR_GS_BASE)
			vmcs_writel(GUEST_GS_BASE, val);
		else
			vcpu->guest_kernel_gs_base = val;
		return 0;
	case MSR_MTRRcap:
		return -EINVAL;		/* read-only */
	case MSR_MTRRdefType:
		if (!mv_msr_mtrr_def_type_valid(val))
			return -EINVAL;
		vcpu->msrs.mtrr_def_type = val;
		return 0;
	case MSR_IA32_MISC_ENABLE:
		/* Fixed: rewriting the value is fine, changing it is not. */
		return val == MV_MISC_ENABLE ? 0 : -EINVAL;
	case MSR_IA32_UCODE_REV:
		/* Writing asks the CPU to latch the revision: nothing to do. */
		return 0;
	}
	slot = mv_msr_fixed_mtrr_slot(msr);
	if (slot < 0 || !mv_msr_fixed_mtrr_valid(val))
		return -EINVAL;
	vcpu->msrs.mtrr_fixed[slot] = val;
	return 0;
}

/* An MSR the kernel does not emulate: #GP, or ask userspace. */
static int unknown_msr(struct mv_vcpu *vcpu, u32 msr, bool write, u64 val)
{
	struct mv_run *run = vcpu->run;

	if (vcpu->msrs.policy != MV_MSR_POLICY_EXIT) {
		mv_vcpu_inject_gp(vcpu);
		return 1;
	}
	run->exit_reason = MV_EXIT_MSR;
	memset(&run->msr, 0, sizeof(run->msr));
	run->msr.index = msr;
	run->msr.is_write = write;
	run->msr.data = write ? val : 0;
	vcpu->msrs.exit_insn_len = vmcs_read32(VM_EXIT_INSTRUCTION_LEN);
	vcpu->pending = write ? MV_PENDING_MSR_WRITE : MV_PENDING_MSR_READ;
	return 0;
}

/* RDMSR writes EDX:EAX, zero-extending both (SDM Vol. 2B "RDMSR"). */
static void set_edx_eax(struct mv_vcpu *vcpu, u64 val)
{
	vcpu->gprs[MV_RAX] = (u32)val;
	vcpu->gprs[MV_RDX] = val >> 32;
}

int mv_handle_rdmsr(struct mv_vcpu *vcpu)
{
	u32 msr = vcpu->gprs[MV_RCX];
	u64 val;

	if (!mv_msr_is_kernel(msr))
		return unknown_msr(vcpu, msr, false, 0);
	if (msr_read(vcpu, msr, &val)) {
		mv_vcpu_inject_gp(vcpu);
		return 1;
	}
	set_edx_eax(vcpu, val);
	mv_vcpu_advance_rip(vcpu);
	return 1;
}

int mv_handle_wrmsr(struct mv_vcpu *vcpu)
{
	u32 msr = vcpu->gprs[MV_RCX];
	u64 val = (u64)(u32)vcpu->gprs[MV_RDX] << 32 | (u32)vcpu->gprs[MV_RAX];

	if (!mv_msr_is_kernel(msr))
		return unknown_msr(vcpu, msr, true, val);
	if (msr_write(vcpu, msr, val)) {
		mv_vcpu_inject_gp(vcpu);
		return 1;
	}
	mv_vcpu_advance_rip(vcpu);
	return 1;
}

/* Next RUN after MV_EXIT_MSR; VMCS current, preemption disabled. */
int mv_complete_msr(struct mv_vcpu *vcpu)
{
	struct mv_exit_msr *m = &vcpu->run->msr;
	int action = mv_msr_completion_action(READ_ONCE(m->error));

	/* A bad value leaves the exit pending: RUN can be retried. */
	if (action < 0)
		return action;
	if (action) {
		vcpu->pending = MV_PENDING_NONE;
		mv_vcpu_inject_gp(vcpu);
		return 1;
	}
	if (vcpu->pending == MV_PENDING_MSR_READ)
		set_edx_eax(vcpu, READ_ONCE(m->data));
	vcpu->pending = MV_PENDING_NONE;
	mv_vcpu_skip_insn(vcpu, vcpu->msrs.exit_insn_len);
	return 1;
}

long mv_msr_set_policy(struct mv_vcpu *vcpu, void __user *argp)
{
	struct mv_msr_policy p;
	int ret;

	if (copy_from_user(&p, argp, sizeof(p)))
		return -EFAULT;
	ret = mv_msr_check_policy(&p);
	if (ret)
		return ret;
	vcpu->msrs.policy = p.policy;
	return 0;
}

/*
 * SYSCALL reads STAR/LSTAR/CSTAR/SFMASK (SDM Vol. 2B "SYSCALL"), which
 * VM entry does not load, so they must hold the guest's values while it
 * runs. Only if the guest has SYSCALL enabled (EFER.SCE; without it
 * SYSCALL is #UD and the MSRs are unused): eight WRMSRs per entry/exit is
 * not free. The guest cannot read them without an exit, so the values
 * need not be read back after the exit.
 */
bool mv_msr_load_guest(struct mv_vcpu *vcpu, struct mv_host_syscall_msrs *h)
{
	lockdep_assert_irqs_disabled();
	if (!(vmcs_read64(GUEST_IA32_EFER) & EFER_SCE))
		return false;
	rdmsrl(MSR_STAR, h->star);
	rdmsrl(MSR_LSTAR, h->lstar);
	rdmsrl(MSR_CSTAR, h->cstar);
	rdmsrl(MSR_SYSCALL_MASK, h->sfmask);
	wrmsrl(MSR_STAR, vcpu->msrs.star);
	wrmsrl(MSR_LSTAR, vcpu->msrs.lstar);
	wrmsrl(MSR_CSTAR, vcpu->msrs.cstar);
	wrmsrl(MSR_SYSCALL_MASK, vcpu->msrs.sfmask);
	return true;
}

void mv_msr_restore_host(const struct mv_host_syscall_msrs *h)
{
	lockdep_assert_irqs_disabled();
	wrmsrl(MSR_STAR, h->star);
	wrmsrl(MSR_LSTAR, h->lstar);
	wrmsrl(MSR_CSTAR, h->cstar);
	wrmsrl(MSR_SYSCALL_MASK, h->sfmask);
}

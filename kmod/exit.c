// SPDX-License-Identifier: GPL-2.0
/*
 * Exit dispatch: one table indexed by basic exit reason (SDM Vol. 3C
 * Appendix C). A reason without a handler stops the vCPU with a
 * structured internal error; nothing a guest does reaches a BUG().
 */
#include <linux/kernel.h>
#include <linux/nospec.h>
#include <asm/processor.h>
#include <asm/processor-flags.h>
#include <asm/trapnr.h>
#include "cpuid.h"
#include "exit.h"
#include "mv.h"
#include "vcpu_state.h"
#include "vmcs.h"

typedef int (*mv_exit_handler_t)(struct mv_vcpu *vcpu);

static int unhandled_exit(struct mv_vcpu *vcpu, u32 reason)
{
	u64 data[4] = {
		reason,
		vmcs_readl(EXIT_QUALIFICATION),
		vmcs_readl(GUEST_RIP),
		vmcs_read64(GUEST_PHYSICAL_ADDRESS),
	};

	mv_internal_error(vcpu, MV_INTERNAL_UNHANDLED_EXIT, data,
			  ARRAY_SIZE(data));
	return 0;
}

static int handle_exception_nmi(struct mv_vcpu *vcpu)
{
	u32 info = vmcs_read32(VM_EXIT_INTR_INFO);

	/* NMIs were already passed to the host right after the exit. */
	if ((info & INTR_INFO_INTR_TYPE_MASK) == INTR_TYPE_NMI_INTR)
		return 1;
	/* A machine check in the guest belongs to the host's handler. */
	if ((info & INTR_INFO_VECTOR_MASK) == X86_TRAP_MC) {
		asm volatile("int $0x12");
		return 1;
	}
	/* No other exception is intercepted. */
	return unhandled_exit(vcpu, EXIT_REASON_EXCEPTION_NMI);
}

static int handle_external_interrupt(struct mv_vcpu *vcpu)
{
	/* Still pending in the local APIC; taken once IRQs are enabled. */
	return 1;
}

static int handle_triple_fault(struct mv_vcpu *vcpu)
{
	vcpu->run->exit_reason = MV_EXIT_SHUTDOWN;
	return 0;
}

/*
 * HLT with interrupts enabled waits in the kernel for a queued event (the
 * run loop sleeps, vcpu->halted); with interrupts disabled and no NMI to
 * wait for, nothing can ever wake the guest, so the VMM is told. A queued
 * NMI counts only if NMIs are not blocked: a guest still in its NMI
 * handler (no IRET yet) cannot take it, so it cannot end the HLT.
 */
static int handle_hlt(struct mv_vcpu *vcpu)
{
	bool nmi_blocked = vmcs_read32(GUEST_INTERRUPTIBILITY_INFO) &
			   GUEST_INTR_STATE_NMI;

	mv_vcpu_advance_rip(vcpu);
	if (!(vmcs_readl(GUEST_RFLAGS) & X86_EFLAGS_IF) &&
	    (nmi_blocked || !READ_ONCE(vcpu->irqs.nmis))) {
		vcpu->run->exit_reason = MV_EXIT_HLT;
		return 0;
	}
	/* Nothing runs the guest while halted: the blocking stays. */
	vcpu->halt_nmi_blocked = nmi_blocked;
	vcpu->halted = true;
	return 1;
}

/*
 * Interrupt and NMI windows: the guest can now take the event that was
 * waiting; mv_inject_pending_events() injects it on this very entry and
 * turns the window exiting off once nothing waits.
 */
static int handle_event_window(struct mv_vcpu *vcpu)
{
	return 1;
}

/* Instructions that are no-ops for a guest without devices to flush
 * (INVD, WBINVD: its memory is write-back RAM the host keeps coherent)
 * or without a monitor to wait on (MONITOR/MWAIT: a MWAIT that returns
 * at once is architecturally allowed, SDM Vol. 2B "MWAIT").
 */
static int handle_nop_insn(struct mv_vcpu *vcpu)
{
	mv_vcpu_advance_rip(vcpu);
	return 1;
}

/*
 * The guest has no performance counters (CPUID leaf 0xA reads as zeros,
 * cpuid.c): every counter index is invalid, and RDPMC with an invalid
 * index raises #GP (SDM Vol. 2B "RDPMC").
 */
static int handle_rdpmc(struct mv_vcpu *vcpu)
{
	mv_vcpu_inject_gp(vcpu);
	return 1;
}

/* No nested virtualization: VMX instructions raise #UD, as they do when
 * CR4.VMXE is clear (which is what the guest sees).
 */
static int handle_vmx_insn(struct mv_vcpu *vcpu)
{
	mv_vcpu_inject_ud(vcpu);
	return 1;
}

/*
 * VMCALL: minivisor's hypercalls (uapi/minivisor.h). VMCALL is 3 bytes
 * (0F 01 C1) whatever the mode, so MV_HC_FLOOR steps over it without
 * reading the exit's instruction length: it is the cheapest exit the
 * module returns from, the benchmarks' floor.
 */
static int handle_vmcall(struct mv_vcpu *vcpu)
{
	unsigned long *rax = &vcpu->gprs[MV_RAX];

	if (*rax == MV_HC_FLOOR) {
		mv_vcpu_skip_insn(vcpu, 3);
		return 1;
	}
	/* As for KVM's hypercalls, only the guest kernel may make them. */
	if ((vmcs_read32(GUEST_SS_AR_BYTES) >> 5) & 3)
		*rax = -EPERM;
	else if (*rax == MV_HC_NOP)
		*rax = 0;
	else
		*rax = -EOPNOTSUPP;
	mv_vcpu_advance_rip(vcpu);
	return 1;
}

/*
 * CPUID: answered from the vCPU's table (cpuid.c; semantics in the uapi
 * header), with the fix-ups that depend on guest state at this moment.
 * CPUID exits unconditionally (SDM Vol. 3C 26.1.2).
 */
static int handle_cpuid(struct mv_vcpu *vcpu)
{
	u32 function = vcpu->gprs[MV_RAX], index = vcpu->gprs[MV_RCX];
	struct mv_cpuid_regs r;

	mv_cpuid_lookup(vcpu->cpuid, vcpu->cpuid_nent, function, index, &r);
	mv_cpuid_fixup(function, mv_vcpu_cr4(vcpu) & X86_CR4_OSXSAVE, &r);
	/* CPUID.(0DH,0):EBX: the XSAVE area size for the current XCR0. */
	if (function == 0xd && index == 0 && r.eax)
		r.ebx = mv_cpuid_xsave_size(vcpu->cpuid, vcpu->cpuid_nent,
					    vcpu->xcr0);
	/* CPUID zero-extends into RAX..RDX in 64-bit mode. */
	vcpu->gprs[MV_RAX] = r.eax;
	vcpu->gprs[MV_RBX] = r.ebx;
	vcpu->gprs[MV_RCX] = r.ecx;
	vcpu->gprs[MV_RDX] = r.edx;
	mv_vcpu_advance_rip(vcpu);
	return 1;
}

/*
 * XSETBV exits unconditionally (SDM Vol. 3C 26.1.2). The checks of the
 * instruction's pseudocode (SDM Vol. 2C "XSETBV") that come after the VM
 * exit: CPL 0, ECX = 0 (XCR0 is the only XCR), and a value that keeps x87,
 * has SSE under AVX and sets only bits the guest's CPUID offers and the
 * host has enabled (the host's XSAVE must save all of them). The new XCR0
 * is loaded by enter_guest(), around each entry.
 */
static int handle_xsetbv(struct mv_vcpu *vcpu)
{
	u64 xcr0 = (u32)vcpu->gprs[MV_RAX] | (u64)(u32)vcpu->gprs[MV_RDX] << 32;
	u32 cpl = (vmcs_read32(GUEST_SS_AR_BYTES) >> 5) & 3;
	u64 supported;

	supported = mv_cpuid_xcr0_mask(vcpu->cpuid, vcpu->cpuid_nent,
				       mv_host_xcr0());
	if (cpl || (u32)vcpu->gprs[MV_RCX] != XCR_XFEATURE_ENABLED_MASK ||
	    !mv_xcr0_valid(xcr0, supported)) {
		mv_vcpu_inject_gp(vcpu);
		return 1;
	}
	vcpu->xcr0 = xcr0;
	mv_vcpu_advance_rip(vcpu);
	return 1;
}

/* The guest used its slice (caps.c); the run loop checks signals next. */
static int handle_preemption_timer(struct mv_vcpu *vcpu)
{
	return 1;
}

static const mv_exit_handler_t mv_exit_handlers[] = {
	[EXIT_REASON_EXCEPTION_NMI]		= handle_exception_nmi,
	[EXIT_REASON_EXTERNAL_INTERRUPT]	= handle_external_interrupt,
	[EXIT_REASON_TRIPLE_FAULT]		= handle_triple_fault,
	[EXIT_REASON_CPUID]			= handle_cpuid,
	[EXIT_REASON_INTERRUPT_WINDOW]		= handle_event_window,
	[EXIT_REASON_NMI_WINDOW]		= handle_event_window,
	[EXIT_REASON_HLT]			= handle_hlt,
	[EXIT_REASON_INVD]			= handle_nop_insn,
	[EXIT_REASON_WBINVD]			= handle_nop_insn,
	[EXIT_REASON_RDPMC]			= handle_rdpmc,
	[EXIT_REASON_VMCALL]			= handle_vmcall,
	[EXIT_REASON_VMCLEAR]			= handle_vmx_insn,
	[EXIT_REASON_VMLAUNCH]			= handle_vmx_insn,
	[EXIT_REASON_VMPTRLD]			= handle_vmx_insn,
	[EXIT_REASON_VMPTRST]			= handle_vmx_insn,
	[EXIT_REASON_VMREAD]			= handle_vmx_insn,
	[EXIT_REASON_VMRESUME]			= handle_vmx_insn,
	[EXIT_REASON_VMWRITE]			= handle_vmx_insn,
	[EXIT_REASON_VMOFF]			= handle_vmx_insn,
	[EXIT_REASON_VMON]			= handle_vmx_insn,
	[EXIT_REASON_CR_ACCESS]			= mv_handle_cr_access,
	[EXIT_REASON_DR_ACCESS]			= mv_handle_dr_access,
	[EXIT_REASON_IO_INSTRUCTION]		= mv_handle_io,
	[EXIT_REASON_MSR_READ]			= mv_handle_rdmsr,
	[EXIT_REASON_MSR_WRITE]			= mv_handle_wrmsr,
	[EXIT_REASON_MWAIT_INSTRUCTION]		= handle_nop_insn,
	[EXIT_REASON_MONITOR_INSTRUCTION]	= handle_nop_insn,
	[EXIT_REASON_EPT_VIOLATION]		= mv_handle_ept_violation,
	[EXIT_REASON_INVEPT]			= handle_vmx_insn,
	[EXIT_REASON_PREEMPTION_TIMER]		= handle_preemption_timer,
	[EXIT_REASON_INVVPID]			= handle_vmx_insn,
	[EXIT_REASON_XSETBV]			= handle_xsetbv,
	[EXIT_REASON_VMFUNC]			= handle_vmx_insn,
};

int mv_handle_exit(struct mv_vcpu *vcpu, u32 exit_reason)
{
	u32 basic = exit_reason & 0xffff;
	mv_exit_handler_t handler = NULL;

	vcpu->stats.total_exits++;
	if (basic < MV_NR_EXIT_REASONS)
		vcpu->stats.exits[basic]++;

	/* Bit 31: the entry itself failed its checks (SDM Vol. 3C 27.8). */
	if (exit_reason & VMX_EXIT_REASONS_FAILED_VMENTRY) {
		struct mv_run *run = vcpu->run;

		run->exit_reason = MV_EXIT_FAIL_ENTRY;
		run->fail_entry.hardware_exit_reason = exit_reason;
		run->fail_entry.exit_qualification =
			vmcs_readl(EXIT_QUALIFICATION);
		run->fail_entry.vm_instruction_error = 0;
		return 0;
	}

	if (basic < ARRAY_SIZE(mv_exit_handlers))
		handler = mv_exit_handlers[array_index_nospec(basic,
					   ARRAY_SIZE(mv_exit_handlers))];
	if (!handler)
		return unhandled_exit(vcpu, basic);

	return handler(vcpu);
}

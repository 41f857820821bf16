// SPDX-License-Identifier: GPL-2.0
/*
 * Exit dispatch: one table indexed by basic exit reason (SDM Vol. 3C
 * Appendix C). A reason without a handler stops the vCPU with a
 * structured internal error; nothing a guest does reaches a BUG().
 */
#include <linux/kernel.h>
#include <linux/nospec.h>
#include <asm/processor.h>
#include <asm/trapnr.h>
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

static int handle_hlt(struct mv_vcpu *vcpu)
{
	mv_vcpu_advance_rip(vcpu);
	vcpu->run->exit_reason = MV_EXIT_HLT;
	return 0;
}

/* Instructions that are no-ops for a guest without devices to flush
 * (INVD) or without a monitor to wait on (MONITOR/MWAIT: a MWAIT that
 * returns at once is architecturally allowed, SDM Vol. 2B "MWAIT").
 */
static int handle_nop_insn(struct mv_vcpu *vcpu)
{
	mv_vcpu_advance_rip(vcpu);
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

#define MV_CPUID_SIGNATURE_LEAF	0x40000000

/*
 * CPUID: the host's values with VMX hidden and the hypervisor bit set
 * (CPUID.1:ECX[31], reserved for hypervisors), and a signature leaf.
 */
static int handle_cpuid(struct mv_vcpu *vcpu)
{
	u32 leaf = vcpu->gprs[MV_RAX], sub = vcpu->gprs[MV_RCX];
	u32 eax, ebx, ecx, edx;

	if (leaf == MV_CPUID_SIGNATURE_LEAF) {
		eax = MV_CPUID_SIGNATURE_LEAF;
		memcpy(&ebx, "mini", 4);
		memcpy(&ecx, "viso", 4);
		memcpy(&edx, "r   ", 4);
	} else {
		cpuid_count(leaf, sub, &eax, &ebx, &ecx, &edx);
		if (leaf == 1) {
			ecx &= ~(BIT(X86_FEATURE_VMX & 31) |
				 BIT(X86_FEATURE_OSXSAVE & 31));
			ecx |= BIT(X86_FEATURE_HYPERVISOR & 31);
			if (mv_vcpu_cr4(vcpu) & X86_CR4_OSXSAVE)
				ecx |= BIT(X86_FEATURE_OSXSAVE & 31);
			/* Initial APIC ID: the vCPU id. */
			ebx = (ebx & 0x00ffffff) | vcpu->id << 24;
		}
	}
	vcpu->gprs[MV_RAX] = eax;
	vcpu->gprs[MV_RBX] = ebx;
	vcpu->gprs[MV_RCX] = ecx;
	vcpu->gprs[MV_RDX] = edx;
	mv_vcpu_advance_rip(vcpu);
	return 1;
}

static const mv_exit_handler_t mv_exit_handlers[] = {
	[EXIT_REASON_EXCEPTION_NMI]		= handle_exception_nmi,
	[EXIT_REASON_EXTERNAL_INTERRUPT]	= handle_external_interrupt,
	[EXIT_REASON_TRIPLE_FAULT]		= handle_triple_fault,
	[EXIT_REASON_CPUID]			= handle_cpuid,
	[EXIT_REASON_HLT]			= handle_hlt,
	[EXIT_REASON_INVD]			= handle_nop_insn,
	[EXIT_REASON_VMCALL]			= handle_vmx_insn,
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
	[EXIT_REASON_IO_INSTRUCTION]		= mv_handle_io,
	[EXIT_REASON_MSR_READ]			= mv_handle_rdmsr,
	[EXIT_REASON_MSR_WRITE]			= mv_handle_wrmsr,
	[EXIT_REASON_MWAIT_INSTRUCTION]		= handle_nop_insn,
	[EXIT_REASON_MONITOR_INSTRUCTION]	= handle_nop_insn,
	[EXIT_REASON_EPT_VIOLATION]		= mv_handle_ept_violation,
	[EXIT_REASON_INVEPT]			= handle_vmx_insn,
	[EXIT_REASON_INVVPID]			= handle_vmx_insn,
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

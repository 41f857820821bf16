// SPDX-License-Identifier: GPL-2.0
/*
 * Names for exit reasons and errors, for messages and --stats.
 * Tables with designated initializers; a gap or an out-of-range number
 * reads as "unknown", never NULL.
 */
#include <stddef.h>

#include "libminivisor.h"
#include "../util.h"

/*
 * Basic VM-exit reasons, SDM Vol. 3C Appendix C. Unlisted numbers are not
 * defined by the SDM.
 */
static const char *const vmx_exit_reason_names[MV_NR_EXIT_REASONS] = {
	[0]  = "EXCEPTION_NMI",
	[1]  = "EXTERNAL_INTERRUPT",
	[2]  = "TRIPLE_FAULT",
	[3]  = "INIT_SIGNAL",
	[4]  = "SIPI",
	[5]  = "IO_SMI",
	[6]  = "OTHER_SMI",
	[7]  = "INTERRUPT_WINDOW",
	[8]  = "NMI_WINDOW",
	[9]  = "TASK_SWITCH",
	[10] = "CPUID",
	[11] = "GETSEC",
	[12] = "HLT",
	[13] = "INVD",
	[14] = "INVLPG",
	[15] = "RDPMC",
	[16] = "RDTSC",
	[17] = "RSM",
	[18] = "VMCALL",
	[19] = "VMCLEAR",
	[20] = "VMLAUNCH",
	[21] = "VMPTRLD",
	[22] = "VMPTRST",
	[23] = "VMREAD",
	[24] = "VMRESUME",
	[25] = "VMWRITE",
	[26] = "VMXOFF",
	[27] = "VMXON",
	[28] = "CR_ACCESS",
	[29] = "DR_ACCESS",
	[30] = "IO_INSTRUCTION",
	[31] = "MSR_READ",
	[32] = "MSR_WRITE",
	[33] = "INVALID_GUEST_STATE",
	[34] = "MSR_LOADING",
	[36] = "MWAIT",
	[37] = "MONITOR_TRAP_FLAG",
	[39] = "MONITOR",
	[40] = "PAUSE",
	[41] = "MACHINE_CHECK",
	[43] = "TPR_BELOW_THRESHOLD",
	[44] = "APIC_ACCESS",
	[45] = "VIRTUALIZED_EOI",
	[46] = "GDTR_IDTR",
	[47] = "LDTR_TR",
	[48] = "EPT_VIOLATION",
	[49] = "EPT_MISCONFIG",
	[50] = "INVEPT",
	[51] = "RDTSCP",
	[52] = "PREEMPTION_TIMER",
	[53] = "INVVPID",
	[54] = "WBINVD",
	[55] = "XSETBV",
	[56] = "APIC_WRITE",
	[57] = "RDRAND",
	[58] = "INVPCID",
	[59] = "VMFUNC",
	[60] = "ENCLS",
	[61] = "RDSEED",
	[62] = "PML_FULL",
	[63] = "XSAVES",
	[64] = "XRSTORS",
	[65] = "PCONFIG",
	[66] = "SPP_EVENT",
	[67] = "UMWAIT",
	[68] = "TPAUSE",
	[69] = "LOADIWKEY",
	[70] = "ENCLV",
	[72] = "ENQCMD_PASID_FAIL",
	[73] = "ENQCMDS_PASID_FAIL",
	[74] = "BUS_LOCK",
	[75] = "NOTIFY",
	[76] = "SEAMCALL",
	[77] = "TDCALL",
	[78] = "RDMSRLIST",
	[79] = "WRMSRLIST",
};

/* VM-instruction error numbers, SDM Vol. 3C 31.4 (Table 31-1). */
static const char *const vm_instruction_error_names[] = {
	[1]  = "VMCALL executed in VMX root operation",
	[2]  = "VMCLEAR with invalid physical address",
	[3]  = "VMCLEAR with VMXON pointer",
	[4]  = "VMLAUNCH with non-clear VMCS",
	[5]  = "VMRESUME with non-launched VMCS",
	[6]  = "VMRESUME after VMXOFF",
	[7]  = "VM entry with invalid control field(s)",
	[8]  = "VM entry with invalid host-state field(s)",
	[9]  = "VMPTRLD with invalid physical address",
	[10] = "VMPTRLD with VMXON pointer",
	[11] = "VMPTRLD with incorrect VMCS revision identifier",
	[12] = "VMREAD/VMWRITE from/to unsupported VMCS component",
	[13] = "VMWRITE to read-only VMCS component",
	[15] = "VMXON executed in VMX root operation",
	[16] = "VM entry with invalid executive-VMCS pointer",
	[17] = "VM entry with non-launched executive VMCS",
	[18] = "VM entry with executive-VMCS pointer not VMXON pointer",
	[19] = "VMCALL with non-clear VMCS",
	[20] = "VMCALL with invalid VM-exit control fields",
	[22] = "VMCALL with incorrect MSEG revision identifier",
	[23] = "VMXOFF under dual-monitor treatment of SMIs and SMM",
	[24] = "VMCALL with invalid SMM-monitor features",
	[25] = "VM entry with invalid VM-execution control fields in executive VMCS",
	[26] = "VM entry with events blocked by MOV SS",
	[28] = "invalid operand to INVEPT/INVVPID",
};

static const char *const exit_names[] = {
	[MV_EXIT_NONE]		 = "NONE",
	[MV_EXIT_HLT]		 = "HLT",
	[MV_EXIT_IO]		 = "IO",
	[MV_EXIT_MMIO]		 = "MMIO",
	[MV_EXIT_SHUTDOWN]	 = "SHUTDOWN",
	[MV_EXIT_FAIL_ENTRY]	 = "FAIL_ENTRY",
	[MV_EXIT_INTERNAL_ERROR] = "INTERNAL_ERROR",
	[MV_EXIT_INTR]		 = "INTR",
	[MV_EXIT_MSR]		 = "MSR",
};

static const char *const internal_suberror_names[] = {
	[MV_INTERNAL_UNHANDLED_EXIT] = "UNHANDLED_EXIT",
	[MV_INTERNAL_EMULATION]	     = "EMULATION",
	[MV_INTERNAL_STRING_IO]	     = "STRING_IO",
	[MV_INTERNAL_RING]	     = "RING",
};

/* The uapi names without the MV_RING_ERR_ prefix. */
static const char *const ring_err_names[] = {
	[MV_RING_ERR_REQ_HEAD]	   = "REQ_HEAD",
	[MV_RING_ERR_CPL_TAIL]	   = "CPL_TAIL",
	[MV_RING_ERR_CPL_VCPU]	   = "CPL_VCPU",
	[MV_RING_ERR_CPL_SEQ]	   = "CPL_SEQ",
	[MV_RING_ERR_CPL_RESERVED] = "CPL_RESERVED",
};

static const char *lookup(const char *const *table, size_t n, uint32_t i)
{
	if (i >= n || !table[i])
		return "unknown";
	return table[i];
}

const char *mv_vmx_exit_reason_name(uint32_t basic_reason)
{
	return lookup(vmx_exit_reason_names, ARRAY_SIZE(vmx_exit_reason_names),
		      basic_reason);
}

const char *mv_vm_instruction_error_name(uint32_t error)
{
	return lookup(vm_instruction_error_names,
		      ARRAY_SIZE(vm_instruction_error_names), error);
}

const char *mv_exit_name(uint32_t exit_reason)
{
	return lookup(exit_names, ARRAY_SIZE(exit_names), exit_reason);
}

const char *mv_internal_suberror_name(uint32_t suberror)
{
	return lookup(internal_suberror_names,
		      ARRAY_SIZE(internal_suberror_names), suberror);
}

const char *mv_ring_err_name(uint64_t err)
{
	if (err >= ARRAY_SIZE(ring_err_names))
		return "unknown";
	return lookup(ring_err_names, ARRAY_SIZE(ring_err_names),
		      (uint32_t)err);
}

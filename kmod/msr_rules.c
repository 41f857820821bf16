// SPDX-License-Identifier: GPL-2.0
/*
 * Pure rules for guest MSRs: which ones the kernel emulates, which values
 * are valid (a WRMSR of an invalid one raises #GP, as on hardware), and
 * the policy for the others. No hardware access: tested by KUnit.
 */
#include <linux/bits.h>
#include <linux/errno.h>
#include <asm/msr-index.h>
#include "msr.h"

/* The fixed-range MTRRs, SDM Vol. 3A 11.11.2.2, in mv_msrs order. */
static const u32 fixed_mtrrs[MV_MTRR_NR_FIXED] = {
	MSR_MTRRfix64K_00000,
	MSR_MTRRfix16K_80000, MSR_MTRRfix16K_A0000,
	MSR_MTRRfix4K_C0000, MSR_MTRRfix4K_C8000,
	MSR_MTRRfix4K_D0000, MSR_MTRRfix4K_D8000,
	MSR_MTRRfix4K_E0000, MSR_MTRRfix4K_E8000,
	MSR_MTRRfix4K_F0000, MSR_MTRRfix4K_F8000,
};

int mv_msr_fixed_mtrr_slot(u32 index)
{
	int i;

	for (i = 0; i < MV_MTRR_NR_FIXED; i++)
		if (fixed_mtrrs[i] == index)
			return i;
	return -1;
}

bool mv_msr_is_kernel(u32 index)
{
	switch (index) {
	case MSR_EFER:
	case MSR_IA32_TSC:
	case MSR_IA32_APICBASE:
	case MSR_IA32_SYSENTER_CS:
	case MSR_IA32_SYSENTER_ESP:
	case MSR_IA32_SYSENTER_EIP:
	case MSR_IA32_CR_PAT:
	case MSR_STAR:
	case MSR_LSTAR:
	case MSR_CSTAR:
	case MSR_SYSCALL_MASK:
	case MSR_FS_BASE:
	case MSR_GS_BASE:
	case MSR_KERNEL_GS_BASE:
	case MSR_MTRRcap:
	case MSR_MTRRdefType:
	case MSR_IA32_MISC_ENABLE:
	case MSR_IA32_UCODE_REV:
		return true;
	default:
		return mv_msr_fixed_mtrr_slot(index) >= 0;
	}
}

/*
 * Memory types, SDM Vol. 3A table 11-8 (MTRR) and 11-10 (PAT): 0 UC,
 * 1 WC, 4 WT, 5 WP, 6 WB; 7 (UC-) only in the PAT; 2, 3 and >7 reserved.
 */
bool mv_msr_mem_type_valid(u8 type, bool pat)
{
	switch (type) {
	case 0: case 1: case 4: case 5: case 6:
		return true;
	case 7:
		return pat;
	default:
		return false;
	}
}

/* Eight one-byte fields; each must be a valid type (SDM Vol. 3A 11.12.2). */
static bool bytes_valid(u64 val, bool pat)
{
	int i;

	for (i = 0; i < 8; i++)
		if (!mv_msr_mem_type_valid((val >> (8 * i)) & 0xff, pat))
			return false;
	return true;
}

bool mv_msr_pat_valid(u64 val)
{
	return bytes_valid(val, true);
}

bool mv_msr_fixed_mtrr_valid(u64 val)
{
	return bytes_valid(val, false);
}

/* IA32_MTRR_DEF_TYPE, SDM Vol. 3A 11.11.2.1: type[7:0], FE[10], E[11]. */
bool mv_msr_mtrr_def_type_valid(u64 val)
{
	if (val & ~(0xffULL | BIT_ULL(10) | BIT_ULL(11)))
		return false;
	return mv_msr_mem_type_valid(val & 0xff, false);
}

/*
 * IA32_APIC_BASE, SDM Vol. 3A 10.4.4: bits 7:0 and 9 are reserved, bit 10
 * (x2APIC enable) is reserved without x2APIC (hidden in CPUID), and the
 * base may not exceed MAXPHYADDR.
 */
bool mv_msr_apic_base_valid(u64 val, unsigned int phys_bits)
{
	u64 allowed = MV_APIC_BASE_BSP | MV_APIC_BASE_ENABLE |
		      (GENMASK_ULL(phys_bits - 1, 12));

	return !(val & ~allowed);
}

/* After reset: enabled, at 0xfee00000, BSP flag on vCPU 0 only. */
u64 mv_msr_apic_base_default(u32 vcpu_id)
{
	return MV_APIC_DEFAULT_BASE | MV_APIC_BASE_ENABLE |
	       (vcpu_id == 0 ? MV_APIC_BASE_BSP : 0);
}

/*
 * WRMSR of an address MSR (FS/GS base, KERNEL_GS_BASE, LSTAR, CSTAR,
 * SYSENTER_ESP/EIP) raises #GP if the value is not canonical (SDM Vol. 4,
 * the notes to those MSRs). 48-bit linear addresses: the default CPUID
 * hides 5-level paging (CPUID.7:ECX[16] is not passed).
 */
bool mv_msr_canonical(u64 addr)
{
	return (u64)((s64)(addr << 16) >> 16) == addr;
}

int mv_msr_check_policy(const struct mv_msr_policy *p)
{
	if (p->reserved)
		return -EINVAL;
	if (p->policy != MV_MSR_POLICY_GP && p->policy != MV_MSR_POLICY_EXIT)
		return -EINVAL;
	return 0;
}

int mv_msr_completion_action(u8 error)
{
	return error <= 1 ? error : -EINVAL;
}

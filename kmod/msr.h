/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest MSRs: the ones the kernel emulates (msr.c), the rules for their
 * values and the policy for the rest (msr_rules.c, pure functions tested
 * by tests/kunit/msr_test.c).
 */
#ifndef MV_MSR_H
#define MV_MSR_H

#include <linux/types.h>
#include <minivisor.h>

struct mv_vcpu;

#define MV_MTRR_NR_FIXED	11

/*
 * IA32_MTRRCAP (SDM Vol. 3A 11.11.2.1): VCNT = 0 variable ranges, FIX = 1
 * (fixed ranges supported), WC = 1, no SMRR. With VCNT = 0 the variable
 * range MSRs (IA32_MTRR_PHYSBASEn/PHYSMASKn) do not exist and follow the
 * policy for unknown MSRs.
 */
#define MV_MTRRCAP		(BIT_ULL(8) | BIT_ULL(10))
/*
 * IA32_MISC_ENABLE (SDM Vol. 4 table 2-2): fast strings on, BTS and PEBS
 * unavailable (bits 11, 12), no performance monitoring (bit 7), no
 * Enhanced SpeedStep, no MONITOR/MWAIT (bit 18) and no CPUID limit.
 */
#define MV_MISC_ENABLE		(BIT_ULL(0) | BIT_ULL(11) | BIT_ULL(12))
/*
 * IA32_BIOS_SIGN_ID (microcode revision) reads as revision 1 in bits
 * 63:32: a guest OS writes 0, runs CPUID and reads it back (SDM Vol. 3A
 * 9.11.7.1), and a revision of 0 would look like no microcode at all.
 */
#define MV_UCODE_REV		(1ULL << 32)
/* IA32_APIC_BASE (SDM Vol. 3A 10.4.4): BSP flag, global enable, base. */
#define MV_APIC_BASE_BSP	BIT_ULL(8)
#define MV_APIC_BASE_ENABLE	BIT_ULL(11)
#define MV_APIC_DEFAULT_BASE	0xfee00000ULL

/* Per-vCPU MSR state not kept in the VMCS. */
struct mv_msrs {
	u64 star, lstar, cstar, sfmask;	/* loaded by mv_msr_load_guest */
	u64 apic_base;
	u64 mtrr_def_type;
	u64 mtrr_fixed[MV_MTRR_NR_FIXED];
	u32 policy;			/* MV_MSR_POLICY_* */
	u8 exit_insn_len;		/* of the RDMSR/WRMSR sent to userspace */
};

/* Host SYSCALL MSRs, saved by mv_msr_load_guest for mv_msr_restore_host. */
struct mv_host_syscall_msrs {
	u64 star, lstar, cstar, sfmask;
};

/* ---- pure rules (msr_rules.c) ---- */
bool mv_msr_is_kernel(u32 index);
/* Index 0..10 into mv_msrs.mtrr_fixed for a fixed-range MTRR, else -1. */
int mv_msr_fixed_mtrr_slot(u32 index);
bool mv_msr_mem_type_valid(u8 type, bool pat);
bool mv_msr_pat_valid(u64 val);
bool mv_msr_fixed_mtrr_valid(u64 val);
bool mv_msr_mtrr_def_type_valid(u64 val);
bool mv_msr_apic_base_valid(u64 val, unsigned int phys_bits);
u64 mv_msr_apic_base_default(u32 vcpu_id);
bool mv_msr_canonical(u64 addr);
int mv_msr_check_policy(const struct mv_msr_policy *p);
/* Completion of MV_EXIT_MSR: 0 ok, 1 inject #GP, -EINVAL for bad @error. */
int mv_msr_completion_action(u8 error);

/* ---- handlers and ioctls (msr.c) ---- */
void mv_msr_init_vcpu(struct mv_vcpu *vcpu);
int mv_handle_rdmsr(struct mv_vcpu *vcpu);
int mv_handle_wrmsr(struct mv_vcpu *vcpu);
int mv_complete_msr(struct mv_vcpu *vcpu);
long mv_msr_set_policy(struct mv_vcpu *vcpu, void __user *argp);
/*
 * STAR/LSTAR/CSTAR/SFMASK are not switched by VM entry or exit (SDM Vol.
 * 3C 26.3.2.1, 27.5.1 list what is). Call with interrupts disabled, right
 * before VM entry and right after VM exit, in the same IRQ-off region.
 */
bool mv_msr_load_guest(struct mv_vcpu *vcpu, struct mv_host_syscall_msrs *h);
void mv_msr_restore_host(const struct mv_host_syscall_msrs *h);

#endif /* MV_MSR_H */

// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite minivisor_controls: kmod/controls.[ch], the pure helpers
 * that fit VMX control words and CR0/CR4 to the capability MSRs.
 *
 * Expected values are spelled out from the SDM rules (Vol. 3D A.3, A.7,
 * A.8), never computed with the functions under test. Where a row names a
 * CPU, the capability MSR is representative of that kind of CPU (the
 * SDM's "default1" classes, which the kernel's asm/vmx.h records as
 * *_ALWAYSON_WITHOUT_TRUE_MSR, plus plausible allowed-1 halves), not a
 * dump of a real one: the only raw value measured on Bochs' Skylake-X so
 * far is IA32_VMX_BASIC (0xd810000000002b, bit 55 set, so caps.c reads the
 * TRUE_ control MSRs there).
 */
#include <kunit/test.h>
#include <linux/bits.h>
#include <linux/errno.h>
#include <linux/module.h>
#include <linux/string.h>
#include <asm/processor-flags.h>
#include <asm/vmx.h>
#include "controls.h"

/* A capability MSR: allowed 1-settings in 63:32, allowed 0-settings 31:0. */
#define CAP(may_be_one, must_be_one) \
	(((u64)(u32)(may_be_one) << 32) | (u32)(must_be_one))

/* Representative: a CPU without posted interrupts (Bochs 2.7 has none). */
#define PIN_CAP_NO_POSTED	CAP(0x7f, PIN_BASED_ALWAYSON_WITHOUT_TRUE_MSR)
/* Representative: everything but MTF, which Bochs 2.7 lacks. */
#define PROC_MAY_BE_ONE		(~(u32)(BIT(0) | CPU_BASED_MONITOR_TRAP_FLAG))
#define PROC_CAP_NO_MTF		CAP(PROC_MAY_BE_ONE, \
				    CPU_BASED_ALWAYSON_WITHOUT_TRUE_MSR)
/* The TRUE_ MSR lets CR3-load/store exiting be 0 (SDM Vol. 3D A.3.2). */
#define PROC_TRUE_CAP_NO_MTF	CAP(PROC_MAY_BE_ONE, \
				    CPU_BASED_ALWAYSON_WITHOUT_TRUE_MSR & \
				    ~(CPU_BASED_CR3_LOAD_EXITING | \
				      CPU_BASED_CR3_STORE_EXITING))
/* Representative secondary controls: EPT, VPID, UG, RDTSCP; no INVPCID. */
#define PROC2_MAY_BE_ONE	(SECONDARY_EXEC_ENABLE_EPT | \
				 SECONDARY_EXEC_ENABLE_VPID | \
				 SECONDARY_EXEC_UNRESTRICTED_GUEST | \
				 SECONDARY_EXEC_ENABLE_RDTSCP)
#define EXIT_CAP		CAP(0x01ffffff, VM_EXIT_ALWAYSON_WITHOUT_TRUE_MSR)
#define ENTRY_CAP		CAP(0x0003ffff, \
				    VM_ENTRY_ALWAYSON_WITHOUT_TRUE_MSR)

struct adjust_case {
	const char *name;
	u32 required;
	u32 optional;
	u64 cap_msr;
	int want_ret;
	u32 want_out;		/* checked when want_ret == 0 */
	u32 want_missing;	/* checked when want_ret != 0 */
};

static const struct adjust_case adjust_cases[] = {
	{
		.name = "no_constraints_required_kept",
		.required = CPU_BASED_HLT_EXITING,
		.cap_msr = CAP(~0u, 0),
		.want_out = CPU_BASED_HLT_EXITING,
	}, {
		.name = "optional_allowed_kept",
		.optional = CPU_BASED_USE_TSC_OFFSETTING,
		.cap_msr = CAP(~0u, 0),
		.want_out = CPU_BASED_USE_TSC_OFFSETTING,
	}, {
		.name = "optional_forbidden_dropped",
		.required = CPU_BASED_HLT_EXITING,
		.optional = CPU_BASED_MONITOR_TRAP_FLAG,
		.cap_msr = CAP(~CPU_BASED_MONITOR_TRAP_FLAG, 0),
		.want_out = CPU_BASED_HLT_EXITING,
	}, {
		.name = "required_forbidden_missing_reported",
		.required = CPU_BASED_HLT_EXITING | CPU_BASED_MONITOR_TRAP_FLAG,
		.cap_msr = CAP(~CPU_BASED_MONITOR_TRAP_FLAG, 0),
		.want_ret = -EOPNOTSUPP,
		.want_missing = CPU_BASED_MONITOR_TRAP_FLAG,
	}, {
		.name = "two_required_forbidden_both_reported",
		.required = CPU_BASED_HLT_EXITING |
			    CPU_BASED_MONITOR_TRAP_FLAG |
			    CPU_BASED_UNCOND_IO_EXITING,
		.cap_msr = CAP(~(CPU_BASED_MONITOR_TRAP_FLAG |
				 CPU_BASED_UNCOND_IO_EXITING), 0),
		.want_ret = -EOPNOTSUPP,
		.want_missing = CPU_BASED_MONITOR_TRAP_FLAG |
				CPU_BASED_UNCOND_IO_EXITING,
	}, {
		.name = "required_forbidden_optional_not_reported",
		.required = CPU_BASED_MONITOR_TRAP_FLAG,
		.optional = CPU_BASED_PAUSE_EXITING,
		.cap_msr = CAP(~(CPU_BASED_MONITOR_TRAP_FLAG |
				 CPU_BASED_PAUSE_EXITING), 0),
		.want_ret = -EOPNOTSUPP,
		.want_missing = CPU_BASED_MONITOR_TRAP_FLAG,
	}, {
		.name = "must_be_one_forced",
		.cap_msr = CAP(~0u, PIN_BASED_ALWAYSON_WITHOUT_TRUE_MSR),
		.want_out = PIN_BASED_ALWAYSON_WITHOUT_TRUE_MSR,
	}, {
		.name = "must_be_one_also_required",
		.required = BIT(1) | PIN_BASED_NMI_EXITING,
		.cap_msr = CAP(~0u, PIN_BASED_ALWAYSON_WITHOUT_TRUE_MSR),
		.want_out = PIN_BASED_ALWAYSON_WITHOUT_TRUE_MSR |
			    PIN_BASED_NMI_EXITING,
	}, {
		.name = "msr_all_zero_nothing_requested",
		.cap_msr = 0,
		.want_out = 0,
	}, {
		.name = "msr_all_zero_optional_all_dropped",
		.optional = ~0u,
		.cap_msr = 0,
		.want_out = 0,
	}, {
		.name = "msr_all_zero_required_missing",
		.required = CPU_BASED_HLT_EXITING |
			    CPU_BASED_ACTIVATE_SECONDARY_CONTROLS,
		.cap_msr = 0,
		.want_ret = -EOPNOTSUPP,
		.want_missing = CPU_BASED_HLT_EXITING |
				CPU_BASED_ACTIVATE_SECONDARY_CONTROLS,
	}, {
		.name = "msr_all_one_everything_forced",
		.cap_msr = ~0ull,
		.want_out = ~0u,
	}, {
		.name = "msr_all_one_required_all_bits",
		.required = ~0u,
		.cap_msr = ~0ull,
		.want_out = ~0u,
	}, {
		.name = "pin_no_posted_intr_dropped",
		.required = PIN_BASED_EXT_INTR_MASK | PIN_BASED_NMI_EXITING,
		.optional = PIN_BASED_VIRTUAL_NMIS | PIN_BASED_POSTED_INTR,
		.cap_msr = PIN_CAP_NO_POSTED,
		.want_out = PIN_BASED_ALWAYSON_WITHOUT_TRUE_MSR |
			    PIN_BASED_EXT_INTR_MASK | PIN_BASED_NMI_EXITING |
			    PIN_BASED_VIRTUAL_NMIS,
	}, {
		.name = "proc_default1_forced_mtf_optional_dropped",
		.required = CPU_BASED_HLT_EXITING |
			    CPU_BASED_UNCOND_IO_EXITING |
			    CPU_BASED_ACTIVATE_SECONDARY_CONTROLS,
		.optional = CPU_BASED_USE_TSC_OFFSETTING |
			    CPU_BASED_MONITOR_TRAP_FLAG,
		.cap_msr = PROC_CAP_NO_MTF,
		.want_out = CPU_BASED_ALWAYSON_WITHOUT_TRUE_MSR |
			    CPU_BASED_HLT_EXITING |
			    CPU_BASED_UNCOND_IO_EXITING |
			    CPU_BASED_ACTIVATE_SECONDARY_CONTROLS |
			    CPU_BASED_USE_TSC_OFFSETTING,
	}, {
		.name = "proc_mtf_required_missing",
		.required = CPU_BASED_HLT_EXITING |
			    CPU_BASED_MONITOR_TRAP_FLAG,
		.cap_msr = PROC_CAP_NO_MTF,
		.want_ret = -EOPNOTSUPP,
		.want_missing = CPU_BASED_MONITOR_TRAP_FLAG,
	}, {
		.name = "true_proc_cr3_exiting_left_off",
		.required = CPU_BASED_HLT_EXITING,
		.cap_msr = PROC_TRUE_CAP_NO_MTF,
		.want_out = (CPU_BASED_ALWAYSON_WITHOUT_TRUE_MSR &
			     ~(CPU_BASED_CR3_LOAD_EXITING |
			       CPU_BASED_CR3_STORE_EXITING)) |
			    CPU_BASED_HLT_EXITING,
	}, {
		.name = "proc2_ept_ug_invpcid_dropped",
		.required = SECONDARY_EXEC_ENABLE_EPT |
			    SECONDARY_EXEC_UNRESTRICTED_GUEST,
		.optional = SECONDARY_EXEC_ENABLE_VPID |
			    SECONDARY_EXEC_ENABLE_RDTSCP |
			    SECONDARY_EXEC_ENABLE_INVPCID,
		.cap_msr = CAP(PROC2_MAY_BE_ONE, 0),
		.want_out = SECONDARY_EXEC_ENABLE_EPT |
			    SECONDARY_EXEC_UNRESTRICTED_GUEST |
			    SECONDARY_EXEC_ENABLE_VPID |
			    SECONDARY_EXEC_ENABLE_RDTSCP,
	}, {
		.name = "proc2_no_unrestricted_guest_missing",
		.required = SECONDARY_EXEC_ENABLE_EPT |
			    SECONDARY_EXEC_UNRESTRICTED_GUEST,
		.cap_msr = CAP(SECONDARY_EXEC_ENABLE_EPT, 0),
		.want_ret = -EOPNOTSUPP,
		.want_missing = SECONDARY_EXEC_UNRESTRICTED_GUEST,
	}, {
		.name = "exit_default1_forced",
		.required = VM_EXIT_HOST_ADDR_SPACE_SIZE |
			    VM_EXIT_SAVE_DEBUG_CONTROLS |
			    VM_EXIT_LOAD_IA32_EFER | VM_EXIT_SAVE_IA32_EFER |
			    VM_EXIT_LOAD_IA32_PAT | VM_EXIT_SAVE_IA32_PAT,
		.cap_msr = EXIT_CAP,
		.want_out = VM_EXIT_ALWAYSON_WITHOUT_TRUE_MSR |
			    VM_EXIT_HOST_ADDR_SPACE_SIZE |
			    VM_EXIT_LOAD_IA32_EFER | VM_EXIT_SAVE_IA32_EFER |
			    VM_EXIT_LOAD_IA32_PAT | VM_EXIT_SAVE_IA32_PAT,
	}, {
		.name = "entry_default1_forced",
		.required = VM_ENTRY_LOAD_DEBUG_CONTROLS |
			    VM_ENTRY_LOAD_IA32_EFER | VM_ENTRY_LOAD_IA32_PAT,
		.cap_msr = ENTRY_CAP,
		.want_out = VM_ENTRY_ALWAYSON_WITHOUT_TRUE_MSR |
			    VM_ENTRY_LOAD_IA32_EFER | VM_ENTRY_LOAD_IA32_PAT,
	}, {
		.name = "entry_cap_too_narrow_missing",
		.required = VM_ENTRY_LOAD_IA32_EFER | VM_ENTRY_LOAD_IA32_PAT,
		.cap_msr = CAP(0x000011ff, VM_ENTRY_ALWAYSON_WITHOUT_TRUE_MSR),
		.want_ret = -EOPNOTSUPP,
		.want_missing = VM_ENTRY_LOAD_IA32_EFER |
				VM_ENTRY_LOAD_IA32_PAT,
	},
};

static void adjust_case_desc(const struct adjust_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(adjust, adjust_cases, adjust_case_desc);

static void mv_test_adjust_controls(struct kunit *test)
{
	const struct adjust_case *c = test->param_value;
	u32 out = 0xdeadbeef, missing = 0xdeadbeef;
	int ret;

	ret = mv_adjust_controls(c->required, c->optional, c->cap_msr,
				 &out, &missing);
	KUNIT_ASSERT_EQ(test, ret, c->want_ret);
	if (ret)
		KUNIT_EXPECT_EQ_MSG(test, missing, c->want_missing,
				    "missing 0x%08x, want 0x%08x",
				    missing, c->want_missing);
	else
		KUNIT_EXPECT_EQ_MSG(test, out, c->want_out,
				    "control word 0x%08x, want 0x%08x",
				    out, c->want_out);
}

/* Intel CPUs report these for CR0 (PE, NE, PG must be 1; SDM A.7). */
#define CR0_FIXED0	(X86_CR0_PE | X86_CR0_NE | X86_CR0_PG)
#define CR0_FIXED1	0xffffffffull
#define CR4_FIXED0	X86_CR4_VMXE
/* Representative: VME..OSXMMEXCPT, VMXE, FSGSBASE, PCIDE, OSXSAVE, SMEP/AP. */
#define CR4_FIXED1	0x3727ffull

struct fixed_case {
	const char *name;
	u64 val;
	u64 fixed0;
	u64 fixed1;
	u64 want;
};

static const struct fixed_case fixed_cases[] = {
	{
		.name = "cr0_zero_gets_pe_ne_pg",
		.val = 0,
		.fixed0 = CR0_FIXED0, .fixed1 = CR0_FIXED1,
		.want = X86_CR0_PE | X86_CR0_NE | X86_CR0_PG,
	}, {
		.name = "cr0_reset_value_keeps_cd_nw",
		.val = X86_CR0_CD | X86_CR0_NW | X86_CR0_ET,
		.fixed0 = CR0_FIXED0, .fixed1 = CR0_FIXED1,
		.want = X86_CR0_CD | X86_CR0_NW | X86_CR0_ET |
			X86_CR0_PE | X86_CR0_NE | X86_CR0_PG,
	}, {
		.name = "cr0_bits_above_31_cleared",
		.val = BIT_ULL(32) | BIT_ULL(63) | X86_CR0_WP,
		.fixed0 = CR0_FIXED0, .fixed1 = CR0_FIXED1,
		.want = X86_CR0_WP | X86_CR0_PE | X86_CR0_NE | X86_CR0_PG,
	}, {
		.name = "cr4_vmxe_forced",
		.val = X86_CR4_PAE,
		.fixed0 = CR4_FIXED0, .fixed1 = CR4_FIXED1,
		.want = X86_CR4_PAE | X86_CR4_VMXE,
	}, {
		.name = "cr4_unsupported_bits_cleared",
		.val = X86_CR4_PAE | X86_CR4_PKE | X86_CR4_LA57 | X86_CR4_SMXE,
		.fixed0 = CR4_FIXED0, .fixed1 = CR4_FIXED1,
		.want = X86_CR4_PAE | X86_CR4_VMXE,
	}, {
		.name = "no_constraints_identity",
		.val = 0x123456789abcdef0ull,
		.fixed0 = 0, .fixed1 = ~0ull,
		.want = 0x123456789abcdef0ull,
	}, {
		.name = "msrs_all_zero_clear_everything",
		.val = ~0ull,
		.fixed0 = 0, .fixed1 = 0,
		.want = 0,
	}, {
		.name = "msrs_all_one_set_everything",
		.val = 0,
		.fixed0 = ~0ull, .fixed1 = ~0ull,
		.want = ~0ull,
	}, {
		/* Inconsistent MSRs: the allowed-1 mask has the last word. */
		.name = "fixed1_wins_over_fixed0",
		.val = 0,
		.fixed0 = BIT_ULL(5), .fixed1 = ~BIT_ULL(5),
		.want = 0,
	},
};

static void fixed_case_desc(const struct fixed_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(fixed, fixed_cases, fixed_case_desc);

static void mv_test_apply_fixed_bits(struct kunit *test)
{
	const struct fixed_case *c = test->param_value;
	u64 got = mv_apply_fixed_bits(c->val, c->fixed0, c->fixed1);

	KUNIT_EXPECT_EQ_MSG(test, got, c->want, "got 0x%016llx, want 0x%016llx",
			    got, c->want);
}

static struct kunit_case mv_controls_cases[] = {
	KUNIT_CASE_PARAM(mv_test_adjust_controls, adjust_gen_params),
	KUNIT_CASE_PARAM(mv_test_apply_fixed_bits, fixed_gen_params),
	{}
};

static struct kunit_suite mv_controls_suite = {
	.name = "minivisor_controls",
	.test_cases = mv_controls_cases,
};

kunit_test_suite(mv_controls_suite);

MODULE_LICENSE("GPL");

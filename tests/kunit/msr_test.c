// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite minivisor_msr: kmod/msr_rules.c, the pure rules behind the
 * RDMSR/WRMSR exits: which MSRs the kernel emulates (the rest follow the
 * vCPU's policy), which values a WRMSR may write without #GP (PAT and
 * MTRR memory types, MTRRdefType reserved bits, APIC base, canonical
 * addresses), the MV_SET_MSR_POLICY argument and MV_EXIT_MSR completion.
 */
#include <kunit/test.h>
#include <linux/bits.h>
#include <linux/errno.h>
#include <linux/module.h>
#include <linux/string.h>
#include <asm/msr-index.h>
#include "msr.h"

#define DESC(type)							\
static void type##_case_desc(const struct type##_case *c, char *desc)	\
{									\
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);			\
}

/* ---- which MSRs the kernel handles ------------------------------------ */

struct kernel_case {
	const char *name;
	u32 index;
	bool kernel;
	int fixed_slot;
};

static const struct kernel_case kernel_cases[] = {
	{ "efer", MSR_EFER, true, -1 },
	{ "tsc", MSR_IA32_TSC, true, -1 },
	{ "apic_base", MSR_IA32_APICBASE, true, -1 },
	{ "sysenter_cs", MSR_IA32_SYSENTER_CS, true, -1 },
	{ "sysenter_esp", MSR_IA32_SYSENTER_ESP, true, -1 },
	{ "sysenter_eip", MSR_IA32_SYSENTER_EIP, true, -1 },
	{ "pat", MSR_IA32_CR_PAT, true, -1 },
	{ "star", MSR_STAR, true, -1 },
	{ "lstar", MSR_LSTAR, true, -1 },
	{ "cstar", MSR_CSTAR, true, -1 },
	{ "sfmask", MSR_SYSCALL_MASK, true, -1 },
	{ "fs_base", MSR_FS_BASE, true, -1 },
	{ "gs_base", MSR_GS_BASE, true, -1 },
	{ "kernel_gs_base", MSR_KERNEL_GS_BASE, true, -1 },
	{ "mtrrcap", MSR_MTRRcap, true, -1 },
	{ "mtrr_def_type", MSR_MTRRdefType, true, -1 },
	{ "misc_enable", MSR_IA32_MISC_ENABLE, true, -1 },
	{ "ucode_rev", MSR_IA32_UCODE_REV, true, -1 },
	{ "fix64k_00000", MSR_MTRRfix64K_00000, true, 0 },
	{ "fix16k_80000", MSR_MTRRfix16K_80000, true, 1 },
	{ "fix16k_a0000", MSR_MTRRfix16K_A0000, true, 2 },
	{ "fix4k_c0000", MSR_MTRRfix4K_C0000, true, 3 },
	{ "fix4k_f8000", MSR_MTRRfix4K_F8000, true, 10 },
	/* Not emulated: the policy decides. */
	{ "mtrr_physbase0", 0x200, false, -1 },
	{ "mtrr_physmask7", 0x20f, false, -1 },
	{ "platform_info", MSR_PLATFORM_INFO, false, -1 },
	{ "feature_control", MSR_IA32_FEAT_CTL, false, -1 },
	{ "tsc_adjust", MSR_IA32_TSC_ADJUST, false, -1 },
	{ "tsc_aux", MSR_TSC_AUX, false, -1 },
	{ "mcg_cap", MSR_IA32_MCG_CAP, false, -1 },
	{ "spec_ctrl", MSR_IA32_SPEC_CTRL, false, -1 },
	{ "x2apic_range", 0x802, false, -1 },
	{ "no_such_msr", 0x4d565f31, false, -1 },
	{ "index_u32_max", 0xffffffff, false, -1 },
};

DESC(kernel)
KUNIT_ARRAY_PARAM(kernel, kernel_cases, kernel_case_desc);

static void mv_test_is_kernel(struct kunit *test)
{
	const struct kernel_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, mv_msr_is_kernel(c->index), c->kernel);
	KUNIT_EXPECT_EQ(test, mv_msr_fixed_mtrr_slot(c->index), c->fixed_slot);
}

/* ---- values a WRMSR may write ------------------------------------------ */

enum value_kind { PAT, FIXED_MTRR, DEF_TYPE, APIC_BASE, CANONICAL };

struct value_case {
	const char *name;
	enum value_kind kind;
	u64 val;
	bool valid;
};

static const struct value_case value_cases[] = {
	{ "pat_power_on", PAT, 0x0007040600070406ULL, true },
	{ "pat_linux", PAT, 0x0007010600070106ULL, true },
	{ "pat_all_uc_minus", PAT, 0x0707070707070707ULL, true },
	{ "pat_type2_low", PAT, 0x0007040600070402ULL, false },
	{ "pat_type3_high", PAT, 0x0307040600070406ULL, false },
	{ "pat_type8", PAT, 0x0000000000000008ULL, false },
	{ "fixed_all_wb", FIXED_MTRR, 0x0606060606060606ULL, true },
	{ "fixed_mixed", FIXED_MTRR, 0x0001040506000104ULL, true },
	{ "fixed_uc_minus", FIXED_MTRR, 0x0000000000000007ULL, false },
	{ "fixed_type2", FIXED_MTRR, 0x0200000000000000ULL, false },
	{ "def_type_zero", DEF_TYPE, 0, true },
	{ "def_type_e_fe_wb", DEF_TYPE, 0xc06, true },
	{ "def_type_reserved_bit8", DEF_TYPE, 0x106, false },
	{ "def_type_reserved_bit12", DEF_TYPE, 0x1006, false },
	{ "def_type_type7", DEF_TYPE, 0x807, false },
	{ "def_type_high", DEF_TYPE, BIT_ULL(32), false },
	{ "apic_default_bsp", APIC_BASE, 0xfee00900, true },
	{ "apic_disabled", APIC_BASE, 0xfee00000, true },
	{ "apic_top_of_36_bits", APIC_BASE, 0xffffff000ULL | BIT(11), true },
	{ "apic_above_36_bits", APIC_BASE, BIT_ULL(36) | BIT(11), false },
	{ "apic_reserved_bit0", APIC_BASE, 0xfee00801, false },
	{ "apic_reserved_bit9", APIC_BASE, 0xfee00a00, false },
	{ "apic_x2apic_enable", APIC_BASE, 0xfee00c00, false },
	{ "canonical_zero", CANONICAL, 0, true },
	{ "canonical_low_top", CANONICAL, 0x00007fffffffffffULL, true },
	{ "canonical_high_bottom", CANONICAL, 0xffff800000000000ULL, true },
	{ "canonical_all_ones", CANONICAL, ~0ULL, true },
	{ "noncanonical_bit47", CANONICAL, 0x0000800000000000ULL, false },
	{ "noncanonical_bit63", CANONICAL, 0x8000000000000000ULL, false },
	{ "noncanonical_hole", CANONICAL, 0xfff0000000000000ULL, false },
};

DESC(value)
KUNIT_ARRAY_PARAM(value, value_cases, value_case_desc);

static void mv_test_values(struct kunit *test)
{
	const struct value_case *c = test->param_value;
	bool got = false;

	switch (c->kind) {
	case PAT:
		got = mv_msr_pat_valid(c->val);
		break;
	case FIXED_MTRR:
		got = mv_msr_fixed_mtrr_valid(c->val);
		break;
	case DEF_TYPE:
		got = mv_msr_mtrr_def_type_valid(c->val);
		break;
	case APIC_BASE:
		got = mv_msr_apic_base_valid(c->val, 36);
		break;
	case CANONICAL:
		got = mv_msr_canonical(c->val);
		break;
	}
	KUNIT_EXPECT_EQ(test, got, c->valid);
}

static void mv_test_apic_base_default(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, mv_msr_apic_base_default(0), 0xfee00900ULL);
	KUNIT_EXPECT_EQ(test, mv_msr_apic_base_default(1), 0xfee00800ULL);
	KUNIT_EXPECT_TRUE(test,
			  mv_msr_apic_base_valid(mv_msr_apic_base_default(0),
						 36));
}

/* The fixed values are valid values of their own MSRs. */
static void mv_test_fixed_values(struct kunit *test)
{
	/* MTRRcap: VCNT (7:0) = 0, FIX (8), WC (10). */
	KUNIT_EXPECT_EQ(test, MV_MTRRCAP & 0xff, 0ULL);
	KUNIT_EXPECT_TRUE(test, MV_MTRRCAP & BIT_ULL(8));
	/* MISC_ENABLE: fast strings, no BTS/PEBS, no MWAIT, no perfmon. */
	KUNIT_EXPECT_EQ(test, MV_MISC_ENABLE, 0x1801ULL);
}

/* ---- policy and completion --------------------------------------------- */

struct policy_case {
	const char *name;
	struct mv_msr_policy p;
	int want;
};

static const struct policy_case policy_cases[] = {
	{ "gp", { MV_MSR_POLICY_GP, 0 }, 0 },
	{ "exit", { MV_MSR_POLICY_EXIT, 0 }, 0 },
	{ "policy_2", { 2, 0 }, -EINVAL },
	{ "policy_u32_max", { 0xffffffff, 0 }, -EINVAL },
	{ "reserved_nonzero", { MV_MSR_POLICY_GP, 1 }, -EINVAL },
	{ "reserved_high_bit", { MV_MSR_POLICY_EXIT, BIT(31) }, -EINVAL },
};

DESC(policy)
KUNIT_ARRAY_PARAM(policy, policy_cases, policy_case_desc);

static void mv_test_policy(struct kunit *test)
{
	const struct policy_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, mv_msr_check_policy(&c->p), c->want);
}

struct completion_case {
	const char *name;
	u8 error;
	int want;
};

static const struct completion_case completion_cases[] = {
	{ "complete", 0, 0 },
	{ "inject_gp", 1, 1 },
	{ "error_2", 2, -EINVAL },
	{ "error_255", 255, -EINVAL },
};

DESC(completion)
KUNIT_ARRAY_PARAM(completion, completion_cases, completion_case_desc);

static void mv_test_completion(struct kunit *test)
{
	const struct completion_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, mv_msr_completion_action(c->error), c->want);
}

static struct kunit_case mv_msr_cases[] = {
	KUNIT_CASE_PARAM(mv_test_is_kernel, kernel_gen_params),
	KUNIT_CASE_PARAM(mv_test_values, value_gen_params),
	KUNIT_CASE(mv_test_apic_base_default),
	KUNIT_CASE(mv_test_fixed_values),
	KUNIT_CASE_PARAM(mv_test_policy, policy_gen_params),
	KUNIT_CASE_PARAM(mv_test_completion, completion_gen_params),
	{}
};

static struct kunit_suite mv_msr_suite = {
	.name = "minivisor_msr",
	.test_cases = mv_msr_cases,
};

kunit_test_suite(mv_msr_suite);

MODULE_LICENSE("GPL");

// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite minivisor_cpuid: kmod/cpuid.[ch]. The default table is
 * built from a synthetic host table (a Skylake-like CPU with every feature
 * bit set in the leaves minivisor filters), so each row checks that one
 * bit is hidden or passed, independently of the machine running the test.
 * Then lookup (with and without index significance, a missing leaf), the
 * OSXSAVE fix-up, the XSAVE helpers (area size, XCR0 mask, XSETBV's value
 * checks) and MV_SET_CPUID's table checks.
 */
#include <kunit/test.h>
#include <linux/bits.h>
#include <linux/errno.h>
#include <linux/module.h>
#include <linux/string.h>
#include "cpuid.h"

#define SIG	MV_CPUID_INDEX_SIGNIFICANT

static const struct mv_cpuid_entry host[] = {
	{ .function = 0, .eax = 0x16, .ebx = 0x756e6547 },
	{ .function = 1, .eax = 0x50654, .ebx = 0x05100800,
	  .ecx = ~0u, .edx = ~0u },
	{ .function = 4, .index = 0, .flags = SIG, .eax = 0x121 },
	{ .function = 4, .index = 1, .flags = SIG, .eax = 0x122 },
	{ .function = 6, .eax = ~0u },			/* dropped */
	{ .function = 7, .index = 0, .flags = SIG, .eax = 1,
	  .ebx = ~0u, .ecx = ~0u, .edx = ~0u },
	{ .function = 7, .index = 1, .flags = SIG, .eax = ~0u },	/* dropped */
	{ .function = 0xa, .eax = 0x07300404 },		/* dropped: PMU */
	{ .function = 0xb, .index = 0, .flags = SIG, .eax = 1, .ebx = 2,
	  .ecx = 0x100, .edx = 0x33 },
	{ .function = 0xb, .index = 1, .flags = SIG, .eax = 4, .ebx = 8,
	  .ecx = 0x201, .edx = 0x33 },
	/* XSAVE: x87, SSE, AVX, MPX, AVX-512, PKRU; only 0-2 are kept. */
	{ .function = 0xd, .index = 0, .flags = SIG, .eax = 0x2ff,
	  .ebx = 0xa88, .ecx = 0xa88, .edx = 0x1 },
	{ .function = 0xd, .index = 1, .flags = SIG, .eax = 0xf,
	  .ebx = 0xa88, .ecx = 0x1800 },
	{ .function = 0xd, .index = 2, .flags = SIG, .eax = 256, .ebx = 576 },
	{ .function = 0xd, .index = 5, .flags = SIG, .eax = 64, .ebx = 1088 },
	{ .function = 0x80000000, .eax = 0x80000008 + 8 },
	{ .function = 0x80000001, .ebx = ~0u, .ecx = ~0u, .edx = ~0u },
	{ .function = 0x80000007, .edx = ~0u },
	{ .function = 0x80000008, .eax = 0x3027, .ebx = ~0u },
};

#define VCPU_ID	3
/* The host kernel enabled everything the synthetic CPU has. */
#define HOST_XCR0	0x2ffull

struct filter_case {
	const char *name;
	u32 function, index;
	int reg;		/* 0 EAX .. 3 EDX */
	u32 mask;		/* bits checked */
	u32 want;		/* their expected value */
	bool present;
};

static const struct filter_case filter_cases[] = {
	{ "max_basic_capped", 0, 0, 0, ~0u, 0x16, true },
	{ "vmx_hidden", 1, 0, 2, BIT(5), 0, true },
	{ "smx_hidden", 1, 0, 2, BIT(6), 0, true },
	{ "pcid_hidden", 1, 0, 2, BIT(17), 0, true },
	{ "x2apic_hidden", 1, 0, 2, BIT(21), 0, true },
	{ "tsc_deadline_hidden", 1, 0, 2, BIT(24), 0, true },
	{ "xsave_kept", 1, 0, 2, BIT(26), BIT(26), true },
	{ "avx_fma_f16c_kept", 1, 0, 2, BIT(12) | BIT(28) | BIT(29),
	  BIT(12) | BIT(28) | BIT(29), true },
	{ "osxsave_clear_in_table", 1, 0, 2, BIT(27), 0, true },
	{ "hypervisor_set", 1, 0, 2, BIT(31), BIT(31), true },
	{ "sse3_sse42_popcnt_kept", 1, 0, 2,
	  BIT(0) | BIT(20) | BIT(23), BIT(0) | BIT(20) | BIT(23), true },
	{ "apic_hidden", 1, 0, 3, BIT(9), 0, true },
	{ "mce_mca_hidden", 1, 0, 3, BIT(7) | BIT(14), 0, true },
	{ "htt_hidden", 1, 0, 3, BIT(28), 0, true },
	{ "linux_basics_kept", 1, 0, 3,
	  0x0701b971 /* FPU TSC MSR PAE CX8 SEP MTRR PGE CMOV PAT FXSR SSE SSE2 */,
	  0x0701b971, true },
	{ "initial_apic_id", 1, 0, 1, 0xff000000, VCPU_ID << 24, true },
	{ "leaf1_ebx_low_kept", 1, 0, 1, 0xffff, 0x0800, true },
	{ "leaf4_subleaf1", 4, 1, 0, ~0u, 0x122, true },
	{ "leaf6_dropped", 6, 0, 0, ~0u, 0, false },
	{ "leaf7_max_subleaf_0", 7, 0, 0, ~0u, 0, true },
	{ "leaf7_smep_smap_kept", 7, 0, 1, BIT(7) | BIT(20),
	  BIT(7) | BIT(20), true },
	{ "leaf7_tsc_adjust_hle_rtm_hidden", 7, 0, 1,
	  BIT(1) | BIT(4) | BIT(11), 0, true },
	{ "leaf7_ecx_hidden", 7, 0, 2, ~0u, 0, true },
	{ "leaf7_avx2_kept", 7, 0, 1, BIT(5), BIT(5), true },
	{ "leaf7_avx512_hidden", 7, 0, 1, BIT(16) | BIT(17) | BIT(30) | BIT(31),
	  0, true },
	{ "leaf7_subleaf1_dropped", 7, 1, 0, ~0u, 0, false },
	{ "leaf0xa_pmu_dropped", 0xa, 0, 0, ~0u, 0, false },
	{ "leaf0xb_x2apic_id_0", 0xb, 0, 3, ~0u, VCPU_ID, true },
	{ "leaf0xb_x2apic_id_1", 0xb, 1, 3, ~0u, VCPU_ID, true },
	{ "leaf0xb_level_kept", 0xb, 1, 2, ~0u, 0x201, true },
	{ "leaf0xd_xcr0_x87_sse_avx", 0xd, 0, 0, ~0u, 7, true },
	{ "leaf0xd_size_at_reset", 0xd, 0, 1, ~0u, 576, true },
	{ "leaf0xd_max_size_avx", 0xd, 0, 2, ~0u, 832, true },
	{ "leaf0xd_xcr0_high_clear", 0xd, 0, 3, ~0u, 0, true },
	{ "leaf0xd_1_xsaveopt_xgetbv1", 0xd, 1, 0, ~0u, BIT(0) | BIT(2), true },
	{ "leaf0xd_1_ebx_clear", 0xd, 1, 1, ~0u, 0, true },
	{ "leaf0xd_2_avx_kept", 0xd, 2, 0, ~0u, 256, true },
	{ "leaf0xd_2_avx_offset", 0xd, 2, 1, ~0u, 576, true },
	{ "leaf0xd_5_dropped", 0xd, 5, 0, ~0u, 0, false },
	{ "signature_max", MV_CPUID_SIGNATURE_LEAF, 0, 0, ~0u,
	  MV_CPUID_SIGNATURE_LEAF, true },
	{ "signature_ebx", MV_CPUID_SIGNATURE_LEAF, 0, 1, ~0u,
	  0x696e696d /* "mini" */, true },
	{ "signature_ecx", MV_CPUID_SIGNATURE_LEAF, 0, 2, ~0u,
	  0x6f736976 /* "viso" */, true },
	{ "signature_edx", MV_CPUID_SIGNATURE_LEAF, 0, 3, ~0u, 'r', true },
	{ "max_ext_capped", 0x80000000, 0, 0, ~0u, 0x80000008, true },
	{ "ext1_lm_nx_syscall_kept", 0x80000001, 0, 3,
	  BIT(29) | BIT(20) | BIT(11), BIT(29) | BIT(20) | BIT(11), true },
	{ "ext1_rdtscp_hidden", 0x80000001, 0, 3, BIT(27), 0, true },
	{ "ext7_invariant_tsc_only", 0x80000007, 0, 3, ~0u, BIT(8), true },
	{ "ext8_addr_sizes", 0x80000008, 0, 0, ~0u, 0x3027, true },
	{ "ext8_ebx_hidden", 0x80000008, 0, 1, ~0u, 0, true },
};

static void filter_case_desc(const struct filter_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(filter, filter_cases, filter_case_desc);

static void mv_test_default_table(struct kunit *test)
{
	const struct filter_case *c = test->param_value;
	struct mv_cpuid_entry *tab;
	struct mv_cpuid_regs r;
	u32 n, regs[4];
	bool found;

	tab = kunit_kcalloc(test, MV_CPUID_HOST_MAX + 1, sizeof(*tab),
			    GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, tab);
	n = mv_cpuid_build_default(host, ARRAY_SIZE(host), HOST_XCR0, VCPU_ID,
				   tab, MV_CPUID_HOST_MAX + 1);
	/* What the kernel builds, MV_SET_CPUID must accept. */
	KUNIT_ASSERT_EQ(test, mv_cpuid_check(tab, n), 0);
	found = mv_cpuid_lookup(tab, n, c->function, c->index, &r);
	KUNIT_EXPECT_EQ(test, found, c->present);
	regs[0] = r.eax;
	regs[1] = r.ebx;
	regs[2] = r.ecx;
	regs[3] = r.edx;
	KUNIT_EXPECT_EQ(test, regs[c->reg] & c->mask, c->want);
}

/* The default table must fit: a short output buffer truncates, no overrun. */
static void mv_test_default_table_truncated(struct kunit *test)
{
	struct mv_cpuid_entry tab[4];
	u32 n;

	n = mv_cpuid_build_default(host, ARRAY_SIZE(host), HOST_XCR0, 0, tab,
				   ARRAY_SIZE(tab));
	KUNIT_EXPECT_LE(test, n, (u32)ARRAY_SIZE(tab));
}

/* A host whose kernel did not enable XSAVE (CPUID.1:ECX.OSXSAVE clear):
 * XSAVE, AVX and its relatives and leaf 0xD are hidden.
 */
static void mv_test_default_table_no_osxsave(struct kunit *test)
{
	struct mv_cpuid_entry h[ARRAY_SIZE(host)], *tab;
	struct mv_cpuid_regs r;
	u32 i, n;

	memcpy(h, host, sizeof(h));
	for (i = 0; i < ARRAY_SIZE(h); i++)
		if (h[i].function == 1)
			h[i].ecx &= ~BIT(27);
	tab = kunit_kcalloc(test, MV_CPUID_HOST_MAX + 1, sizeof(*tab),
			    GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, tab);
	n = mv_cpuid_build_default(h, ARRAY_SIZE(h), HOST_XCR0, 0, tab,
				   MV_CPUID_HOST_MAX + 1);
	KUNIT_ASSERT_TRUE(test, mv_cpuid_lookup(tab, n, 1, 0, &r));
	KUNIT_EXPECT_EQ(test, r.ecx & (BIT(12) | BIT(26) | BIT(28) | BIT(29)),
			0u);
	KUNIT_ASSERT_TRUE(test, mv_cpuid_lookup(tab, n, 7, 0, &r));
	KUNIT_EXPECT_EQ(test, r.ebx & BIT(5), 0u);
	KUNIT_EXPECT_FALSE(test, mv_cpuid_lookup(tab, n, 0xd, 0, &r));
	KUNIT_EXPECT_EQ(test, mv_cpuid_xcr0_mask(tab, n, 0x2ff), 1ull);
}

/*
 * A CPU with AVX under a host kernel whose XCR0 holds only x87 and SSE
 * (e.g. booted with AVX disabled): AVX and its leaf 0xD subleaf must not
 * be offered, as XSETBV could never enable them.
 */
static void mv_test_default_table_host_xcr0_no_avx(struct kunit *test)
{
	struct mv_cpuid_entry *tab;
	struct mv_cpuid_regs r;
	u32 n;

	tab = kunit_kcalloc(test, MV_CPUID_HOST_MAX + 1, sizeof(*tab),
			    GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, tab);
	n = mv_cpuid_build_default(host, ARRAY_SIZE(host), 0x3, 0, tab,
				   MV_CPUID_HOST_MAX + 1);
	KUNIT_ASSERT_TRUE(test, mv_cpuid_lookup(tab, n, 1, 0, &r));
	KUNIT_EXPECT_EQ(test, r.ecx & BIT(26), BIT(26));	/* XSAVE */
	KUNIT_EXPECT_EQ(test, r.ecx & (BIT(12) | BIT(28) | BIT(29)), 0u);
	KUNIT_ASSERT_TRUE(test, mv_cpuid_lookup(tab, n, 7, 0, &r));
	KUNIT_EXPECT_EQ(test, r.ebx & BIT(5), 0u);		/* AVX2 */
	KUNIT_ASSERT_TRUE(test, mv_cpuid_lookup(tab, n, 0xd, 0, &r));
	KUNIT_EXPECT_EQ(test, r.eax, 0x3u);
	KUNIT_EXPECT_EQ(test, r.ecx, 576u);
	KUNIT_EXPECT_FALSE(test, mv_cpuid_lookup(tab, n, 0xd, 2, &r));
	KUNIT_EXPECT_EQ(test, mv_cpuid_xcr0_mask(tab, n, 0x2ff), 0x3ull);
}

/* ---- XSAVE helpers ---------------------------------------------------- */

static const struct mv_cpuid_entry xsave_table[] = {
	{ .function = 0xd, .index = 0, .flags = SIG, .eax = 0x207,
	  .edx = 0x4 },
	{ .function = 0xd, .index = 2, .flags = SIG, .eax = 256, .ebx = 576 },
	{ .function = 0xd, .index = 9, .flags = SIG, .eax = 8, .ebx = 2688 },
};

static void mv_test_xsave_size(struct kunit *test)
{
	const struct mv_cpuid_entry *t = xsave_table;
	u32 n = ARRAY_SIZE(xsave_table);

	KUNIT_EXPECT_EQ(test, mv_cpuid_xsave_size(t, n, 0x1), 576u);
	KUNIT_EXPECT_EQ(test, mv_cpuid_xsave_size(t, n, 0x3), 576u);
	KUNIT_EXPECT_EQ(test, mv_cpuid_xsave_size(t, n, 0x7), 832u);
	KUNIT_EXPECT_EQ(test, mv_cpuid_xsave_size(t, n, 0x207), 2696u);
	/* A component without a subleaf adds nothing. */
	KUNIT_EXPECT_EQ(test, mv_cpuid_xsave_size(t, n, 0x23), 576u);
	KUNIT_EXPECT_EQ(test, mv_cpuid_xsave_size(NULL, 0, 0x7), 576u);
}

static void mv_test_xcr0_mask(struct kunit *test)
{
	const struct mv_cpuid_entry *t = xsave_table;
	u32 n = ARRAY_SIZE(xsave_table);

	/* Capped to x87|SSE|AVX, and to what the host enabled. */
	KUNIT_EXPECT_EQ(test, mv_cpuid_xcr0_mask(t, n, 0x2ff), 0x7ull);
	KUNIT_EXPECT_EQ(test, mv_cpuid_xcr0_mask(t, n, 0x3), 0x3ull);
	/* x87 always; no leaf 0xD, no XSAVE host: x87 only. */
	KUNIT_EXPECT_EQ(test, mv_cpuid_xcr0_mask(t, n, 0), 0x1ull);
	KUNIT_EXPECT_EQ(test, mv_cpuid_xcr0_mask(NULL, 0, 0x2ff), 0x1ull);
}

struct xcr0_case {
	const char *name;
	u64 xcr0, supported;
	bool valid;
};

static const struct xcr0_case xcr0_cases[] = {
	{ "x87", 0x1, 0x7, true },
	{ "x87_sse", 0x3, 0x7, true },
	{ "x87_sse_avx", 0x7, 0x7, true },
	{ "zero", 0x0, 0x7, false },
	{ "no_x87", 0x6, 0x7, false },
	{ "sse_only", 0x2, 0x7, false },
	{ "avx_without_sse", 0x5, 0x7, false },
	{ "avx_not_supported", 0x7, 0x3, false },
	{ "avx512_not_supported", 0xe7, 0x7, false },
	{ "pkru_not_supported", 0x207, 0x7, false },
	{ "bit32_reserved", 0x100000007ull, 0x7, false },
	{ "bit63_reserved", 0x8000000000000007ull, 0x7, false },
};

static void xcr0_case_desc(const struct xcr0_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(xcr0, xcr0_cases, xcr0_case_desc);

static void mv_test_xcr0_valid(struct kunit *test)
{
	const struct xcr0_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, mv_xcr0_valid(c->xcr0, c->supported), c->valid);
}

/* ---- lookup ----------------------------------------------------------- */

static const struct mv_cpuid_entry table[] = {
	{ .function = 0, .eax = 7, .ebx = 0x11 },
	{ .function = 1, .index = 0, .eax = 0x100 },
	{ .function = 4, .index = 0, .flags = SIG, .eax = 0x400 },
	{ .function = 4, .index = 2, .flags = SIG, .eax = 0x402 },
	{ .function = 0x80000000, .eax = 0x80000001 },
};

struct lookup_case {
	const char *name;
	u32 function, index;
	bool found;
	u32 eax, ebx;
};

static const struct lookup_case lookup_cases[] = {
	{ "leaf0", 0, 0, true, 7, 0x11 },
	{ "leaf0_index_ignored", 0, 5, true, 7, 0x11 },
	{ "leaf1_index_ignored", 1, 0xffffffff, true, 0x100, 0 },
	{ "leaf4_index0", 4, 0, true, 0x400, 0 },
	{ "leaf4_index2", 4, 2, true, 0x402, 0 },
	{ "leaf4_index1_missing", 4, 1, false, 0, 0 },
	{ "leaf2_missing", 2, 0, false, 0, 0 },
	{ "above_max_basic_zeros", 0x20, 0, false, 0, 0 },
	{ "ext_leaf", 0x80000000, 0, true, 0x80000001, 0 },
	{ "hypervisor_leaf_missing", 0x40000000, 0, false, 0, 0 },
};

static void lookup_case_desc(const struct lookup_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(lookup, lookup_cases, lookup_case_desc);

static void mv_test_lookup(struct kunit *test)
{
	const struct lookup_case *c = test->param_value;
	struct mv_cpuid_regs r;

	/* Garbage in @out must not leak through on a miss. */
	memset(&r, 0xa5, sizeof(r));
	KUNIT_EXPECT_EQ(test, mv_cpuid_lookup(table, ARRAY_SIZE(table),
					      c->function, c->index, &r),
			c->found);
	KUNIT_EXPECT_EQ(test, r.eax, c->eax);
	KUNIT_EXPECT_EQ(test, r.ebx, c->ebx);
	if (!c->found) {
		KUNIT_EXPECT_EQ(test, r.ecx, 0u);
		KUNIT_EXPECT_EQ(test, r.edx, 0u);
	}
}

static void mv_test_lookup_empty_table(struct kunit *test)
{
	struct mv_cpuid_regs r;

	KUNIT_EXPECT_FALSE(test, mv_cpuid_lookup(NULL, 0, 0, 0, &r));
	KUNIT_EXPECT_EQ(test, r.eax | r.ebx | r.ecx | r.edx, 0u);
}

/* ---- fix-ups ---------------------------------------------------------- */

struct fixup_case {
	const char *name;
	u32 function;
	u32 ecx_in;
	bool osxsave;
	u32 ecx_out;
};

static const struct fixup_case fixup_cases[] = {
	{ "leaf1_cr4_osxsave_sets", 1, BIT(26), true, BIT(26) | BIT(27) },
	{ "leaf1_no_cr4_osxsave_clears", 1, BIT(26) | BIT(27), false, BIT(26) },
	{ "leaf1_table_bit_ignored", 1, BIT(27), false, 0 },
	{ "other_leaf_untouched", 7, BIT(27), false, BIT(27) },
	{ "other_leaf_not_set", 7, 0, true, 0 },
};

static void fixup_case_desc(const struct fixup_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(fixup, fixup_cases, fixup_case_desc);

static void mv_test_fixup(struct kunit *test)
{
	const struct fixup_case *c = test->param_value;
	struct mv_cpuid_regs r = { .eax = 1, .ebx = 2, .ecx = c->ecx_in,
				   .edx = 4 };

	mv_cpuid_fixup(c->function, c->osxsave, &r);
	KUNIT_EXPECT_EQ(test, r.ecx, c->ecx_out);
	KUNIT_EXPECT_EQ(test, r.eax, 1u);
	KUNIT_EXPECT_EQ(test, r.ebx, 2u);
	KUNIT_EXPECT_EQ(test, r.edx, 4u);
}

/* ---- MV_SET_CPUID table checks ---------------------------------------- */

struct check_case {
	const char *name;
	struct mv_cpuid_entry e[2];
	u32 n;
	int want;
};

static const struct check_case check_cases[] = {
	{ "empty_ok", {}, 0, 0 },
	{ "one_ok", { { .function = 1 } }, 1, 0 },
	{ "two_functions_ok", { { .function = 1 }, { .function = 2 } }, 2, 0 },
	{ "two_indexes_ok", { { .function = 4, .flags = SIG },
			      { .function = 4, .index = 1, .flags = SIG } },
	  2, 0 },
	{ "reserved_nonzero", { { .function = 1, .reserved = 1 } }, 1,
	  -EINVAL },
	{ "unknown_flag", { { .function = 1, .flags = BIT(1) } }, 1, -EINVAL },
	{ "index_without_flag", { { .function = 1, .index = 1 } }, 1,
	  -EINVAL },
	{ "duplicate_function", { { .function = 1 }, { .function = 1 } }, 2,
	  -EINVAL },
	{ "duplicate_index", { { .function = 4, .flags = SIG },
			       { .function = 4, .flags = SIG } }, 2, -EINVAL },
	{ "mixed_significance", { { .function = 4 },
				  { .function = 4, .index = 1, .flags = SIG } },
	  2, -EINVAL },
	{ "too_many", {}, MV_CPUID_MAX_ENTRIES + 1, -E2BIG },
};

static void check_case_desc(const struct check_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(check, check_cases, check_case_desc);

static void mv_test_check(struct kunit *test)
{
	const struct check_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, mv_cpuid_check(c->e, c->n), c->want);
}

static struct kunit_case mv_cpuid_cases[] = {
	KUNIT_CASE_PARAM(mv_test_default_table, filter_gen_params),
	KUNIT_CASE(mv_test_default_table_truncated),
	KUNIT_CASE(mv_test_default_table_no_osxsave),
	KUNIT_CASE(mv_test_default_table_host_xcr0_no_avx),
	KUNIT_CASE(mv_test_xsave_size),
	KUNIT_CASE(mv_test_xcr0_mask),
	KUNIT_CASE_PARAM(mv_test_xcr0_valid, xcr0_gen_params),
	KUNIT_CASE_PARAM(mv_test_lookup, lookup_gen_params),
	KUNIT_CASE(mv_test_lookup_empty_table),
	KUNIT_CASE_PARAM(mv_test_fixup, fixup_gen_params),
	KUNIT_CASE_PARAM(mv_test_check, check_gen_params),
	{}
};

static struct kunit_suite mv_cpuid_suite = {
	.name = "minivisor_cpuid",
	.test_cases = mv_cpuid_cases,
};

kunit_test_suite(mv_cpuid_suite);

MODULE_LICENSE("GPL");

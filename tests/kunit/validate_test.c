// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite minivisor_validate: kmod/validate.[ch], the checks of ioctl
 * arguments (memory slots, general and segment registers) that run before
 * any lock is taken. Each row is one rule, accepted just inside its limit
 * and refused just outside it.
 *
 * The limits are representative, not read from a CPU: 32 slots, a 36-bit
 * guest-physical space, and a CR4_FIXED1 that allows VME..OSXMMEXCPT,
 * VMXE, FSGSBASE, PCIDE, OSXSAVE, SMEP and SMAP but not UMIP, LA57, SMXE
 * or PKE.
 */
#include <kunit/test.h>
#include <linux/bits.h>
#include <linux/errno.h>
#include <linux/module.h>
#include <linux/stddef.h>
#include <linux/string.h>
#include <asm/msr-index.h>
#include <asm/processor-flags.h>
#include "validate.h"

#define SZ_PAGE		0x1000ull
#define MAX_GPA		BIT_ULL(36)
#define MAX_SLOTS	32
#define UADDR		0x7f1234560000ull	/* a plausible mmap() result */

static const struct mv_limits limits = {
	.max_slots = MAX_SLOTS,
	.max_vcpus = 8,
	.max_gpa = MAX_GPA,
	.cr4_fixed1 = 0x3727ff,
};

/* ---- mv_check_slot_request() --------------------------------------------- */

struct slot_case {
	const char *name;
	struct mv_memory_slot req;
	int want;
};

#define SLOT(s, f, gpa, size, uaddr) {					\
	.slot = (s), .flags = (f), .guest_phys_addr = (gpa),		\
	.memory_size = (size), .userspace_addr = (uaddr),		\
}

static const struct slot_case slot_cases[] = {
	/* Create. */
	{ "create_ok", SLOT(0, 0, 0, 0x100000, UADDR), 0 },
	{ "create_one_page_ok", SLOT(1, 0, 0xfee00000, SZ_PAGE, UADDR), 0 },
	{ "readonly_flag_ok",
	  SLOT(0, MV_MEM_READONLY, 0xc0000, 0x40000, UADDR), 0 },
	{ "unknown_flag_bit1",
	  SLOT(0, BIT(1), 0, SZ_PAGE, UADDR), -EINVAL },
	{ "unknown_flag_bit31",
	  SLOT(0, BIT(31), 0, SZ_PAGE, UADDR), -EINVAL },
	{ "last_slot_ok", SLOT(MAX_SLOTS - 1, 0, 0, SZ_PAGE, UADDR), 0 },
	{ "slot_eq_max_slots",
	  SLOT(MAX_SLOTS, 0, 0, SZ_PAGE, UADDR), -EINVAL },
	{ "slot_u32_max", SLOT(U32_MAX, 0, 0, SZ_PAGE, UADDR), -EINVAL },
	/* Alignment of each field, by one byte and by half a page. */
	{ "gpa_unaligned_by_1",
	  SLOT(0, 0, SZ_PAGE + 1, SZ_PAGE, UADDR), -EINVAL },
	{ "gpa_unaligned_by_half_page",
	  SLOT(0, 0, 0x800, SZ_PAGE, UADDR), -EINVAL },
	{ "size_unaligned_by_1",
	  SLOT(0, 0, 0, SZ_PAGE + 1, UADDR), -EINVAL },
	{ "size_below_one_page",
	  SLOT(0, 0, 0, 0x800, UADDR), -EINVAL },
	{ "uaddr_unaligned_by_1",
	  SLOT(0, 0, 0, SZ_PAGE, UADDR + 1), -EINVAL },
	{ "uaddr_unaligned_by_half_page",
	  SLOT(0, 0, 0, SZ_PAGE, UADDR + 0x800), -EINVAL },
	/* The guest-physical limit: [gpa, gpa + size) within max_gpa. */
	{ "end_exactly_at_max_gpa",
	  SLOT(0, 0, MAX_GPA - SZ_PAGE, SZ_PAGE, UADDR), 0 },
	{ "whole_gpa_space",
	  SLOT(0, 0, 0, MAX_GPA, UADDR), 0 },
	{ "end_one_page_past_max_gpa",
	  SLOT(0, 0, MAX_GPA - SZ_PAGE, 2 * SZ_PAGE, UADDR), -EINVAL },
	{ "gpa_at_max_gpa",
	  SLOT(0, 0, MAX_GPA, SZ_PAGE, UADDR), -EINVAL },
	{ "size_one_page_over_max_gpa",
	  SLOT(0, 0, 0, MAX_GPA + SZ_PAGE, UADDR), -EINVAL },
	/* Sums that wrap around 2^64 must not slip under the limit. */
	{ "gpa_plus_size_wraps",
	  SLOT(0, 0, 0xfffffffffffff000ull, 2 * SZ_PAGE, UADDR), -EINVAL },
	{ "size_wraps_gpa",
	  SLOT(0, 0, SZ_PAGE, 0xfffffffffffff000ull, UADDR), -EINVAL },
	{ "uaddr_plus_size_wraps",
	  SLOT(0, 0, 0, 2 * SZ_PAGE, 0xfffffffffffff000ull), -EINVAL },
	{ "uaddr_end_at_2_pow_64",
	  SLOT(0, 0, 0, SZ_PAGE, 0xfffffffffffff000ull), -EINVAL },
	/* Delete: memory_size == 0 and nothing else but the slot number. */
	{ "delete_ok", SLOT(3, 0, 0, 0, 0), 0 },
	{ "delete_last_slot_ok", SLOT(MAX_SLOTS - 1, 0, 0, 0, 0), 0 },
	{ "delete_slot_eq_max_slots",
	  SLOT(MAX_SLOTS, 0, 0, 0, 0), -EINVAL },
	{ "delete_with_gpa", SLOT(3, 0, SZ_PAGE, 0, 0), -EINVAL },
	{ "delete_with_uaddr", SLOT(3, 0, 0, 0, UADDR), -EINVAL },
	{ "delete_with_readonly_flag",
	  SLOT(3, MV_MEM_READONLY, 0, 0, 0), -EINVAL },
	{ "delete_with_unknown_flag", SLOT(3, BIT(7), 0, 0, 0), -EINVAL },
	{ "delete_with_unaligned_gpa", SLOT(3, 0, 0x10, 0, 0), -EINVAL },
};

static void slot_case_desc(const struct slot_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(slot, slot_cases, slot_case_desc);

static void mv_test_check_slot_request(struct kunit *test)
{
	const struct slot_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, mv_check_slot_request(&c->req, &limits), c->want);
}

/* ---- mv_ranges_overlap() ------------------------------------------------- */

struct overlap_case {
	const char *name;
	u64 a, alen, b, blen;
	bool want;
};

static const struct overlap_case overlap_cases[] = {
	{ "adjacent_a_below_b", 0x0000, 0x1000, 0x1000, 0x1000, false },
	{ "adjacent_b_below_a", 0x1000, 0x1000, 0x0000, 0x1000, false },
	{ "disjoint_far_apart", 0x0000, 0x1000, 0x100000, 0x1000, false },
	{ "identical", 0x4000, 0x2000, 0x4000, 0x2000, true },
	{ "b_inside_a", 0x0000, 0x10000, 0x4000, 0x1000, true },
	{ "a_inside_b", 0x4000, 0x1000, 0x0000, 0x10000, true },
	{ "same_start_a_shorter", 0x4000, 0x1000, 0x4000, 0x3000, true },
	{ "same_end_b_shorter", 0x4000, 0x3000, 0x6000, 0x1000, true },
	{ "a_straddles_start_of_b", 0x3000, 0x2000, 0x4000, 0x2000, true },
	{ "a_straddles_end_of_b", 0x5000, 0x2000, 0x4000, 0x2000, true },
	{ "one_byte_in_common", 0x0000, 0x1001, 0x1000, 0x1000, true },
	{ "one_byte_ranges_equal", 0x1234, 1, 0x1234, 1, true },
	{ "one_byte_ranges_adjacent", 0x1234, 1, 0x1235, 1, false },
	{ "at_top_of_gpa_space", MAX_GPA - 0x2000, 0x2000,
	  MAX_GPA - 0x1000, 0x1000, true },
};

static void overlap_case_desc(const struct overlap_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(overlap, overlap_cases, overlap_case_desc);

static void mv_test_ranges_overlap(struct kunit *test)
{
	const struct overlap_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, mv_ranges_overlap(c->a, c->alen, c->b, c->blen),
			c->want);
	/* Overlap is symmetric. */
	KUNIT_EXPECT_EQ(test, mv_ranges_overlap(c->b, c->blen, c->a, c->alen),
			c->want);
}

/* ---- mv_check_regs() ----------------------------------------------------- */

struct regs_case {
	const char *name;
	u64 rflags;
	int want;
};

/* Every RFLAGS bit that is defined (SDM Vol. 1 3.4.3): 0-21 but 3, 5, 15. */
#define RFLAGS_DEFINED	(GENMASK_ULL(21, 0) & \
			 ~(BIT_ULL(3) | BIT_ULL(5) | BIT_ULL(15)))

static const struct regs_case regs_cases[] = {
	{ "reset_value_0x2", X86_EFLAGS_FIXED, 0 },
	{ "if_set", X86_EFLAGS_FIXED | X86_EFLAGS_IF, 0 },
	{ "all_defined_bits", RFLAGS_DEFINED, 0 },
	{ "bit1_clear_zero", 0, -EINVAL },
	{ "bit1_clear_if_set", X86_EFLAGS_IF, -EINVAL },
	{ "bit1_clear_all_others_defined",
	  RFLAGS_DEFINED & ~X86_EFLAGS_FIXED, -EINVAL },
	{ "reserved_bit3", X86_EFLAGS_FIXED | BIT_ULL(3), -EINVAL },
	{ "reserved_bit5", X86_EFLAGS_FIXED | BIT_ULL(5), -EINVAL },
	{ "reserved_bit15", X86_EFLAGS_FIXED | BIT_ULL(15), -EINVAL },
	{ "reserved_bit22", X86_EFLAGS_FIXED | BIT_ULL(22), -EINVAL },
	{ "reserved_bit32", X86_EFLAGS_FIXED | BIT_ULL(32), -EINVAL },
	{ "reserved_bit63", X86_EFLAGS_FIXED | BIT_ULL(63), -EINVAL },
	{ "all_ones", ~0ull, -EINVAL },
};

static void regs_case_desc(const struct regs_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(regs, regs_cases, regs_case_desc);

static void mv_test_check_regs(struct kunit *test)
{
	const struct regs_case *c = test->param_value;
	struct mv_regs regs;

	/* Only RFLAGS is constrained: fill everything else with garbage. */
	memset(&regs, 0xa5, sizeof(regs));
	regs.rflags = c->rflags;
	KUNIT_EXPECT_EQ(test, mv_check_regs(&regs), c->want);
}

/* ---- mv_check_segment() -------------------------------------------------- */

/* Flat 32-bit code segment: execute/read, accessed. */
static const struct mv_segment flat_code = {
	.base = 0, .limit = 0xffffffff, .selector = 0x8,
	.type = 0xb, .s = 1, .dpl = 0, .present = 1,
	.avl = 0, .l = 0, .db = 1, .g = 1, .unusable = 0,
};

/* One u8 field of struct mv_segment set to a value. */
struct segment_case {
	const char *name;
	size_t off;
	u8 val;
	int want;
};

#define SEG(n, field, v, w) {						\
	.name = (n), .off = offsetof(struct mv_segment, field),	\
	.val = (v), .want = (w),					\
}

static const struct segment_case segment_cases[] = {
	SEG("type_0", type, 0, 0),
	SEG("type_15", type, 15, 0),
	SEG("type_16", type, 16, -EINVAL),
	SEG("type_255", type, 255, -EINVAL),
	SEG("dpl_3", dpl, 3, 0),
	SEG("dpl_4", dpl, 4, -EINVAL),
	SEG("s_0", s, 0, 0),
	SEG("s_2", s, 2, -EINVAL),
	SEG("present_0", present, 0, 0),
	SEG("present_2", present, 2, -EINVAL),
	SEG("avl_1", avl, 1, 0),
	SEG("avl_2", avl, 2, -EINVAL),
	SEG("l_1", l, 1, 0),
	SEG("l_2", l, 2, -EINVAL),
	SEG("db_0", db, 0, 0),
	SEG("db_2", db, 2, -EINVAL),
	SEG("g_0", g, 0, 0),
	SEG("g_2", g, 2, -EINVAL),
	SEG("unusable_1", unusable, 1, 0),
	SEG("unusable_2", unusable, 2, -EINVAL),
	SEG("unusable_128", unusable, 128, -EINVAL),
	SEG("reserved_1", reserved, 1, -EINVAL),
	SEG("reserved_128", reserved, 128, -EINVAL),
};

static void segment_case_desc(const struct segment_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(segment, segment_cases, segment_case_desc);

static void mv_test_check_segment(struct kunit *test)
{
	const struct segment_case *c = test->param_value;
	struct mv_segment seg = flat_code;

	KUNIT_ASSERT_EQ(test, mv_check_segment(&seg), 0);
	((u8 *)&seg)[c->off] = c->val;
	KUNIT_EXPECT_EQ(test, mv_check_segment(&seg), c->want);
}

/* ---- mv_check_sregs(): control registers and EFER ------------------------ */

#define CR0_RESET	(X86_CR0_CD | X86_CR0_NW | X86_CR0_ET)
#define CR0_PROT	(X86_CR0_PE | X86_CR0_ET | X86_CR0_NE)
#define CR0_PAGED	(CR0_PROT | X86_CR0_PG | X86_CR0_WP)
#define CR4_LONG	(X86_CR4_PAE | X86_CR4_PGE | X86_CR4_OSFXSR | \
			 X86_CR4_OSXMMEXCPT)
#define EFER_LONG	(EFER_SCE | EFER_LME | EFER_LMA | EFER_NX)

struct cregs_case {
	const char *name;
	u64 cr0, cr3, cr4, efer;
	u8 cs_l, cs_db;
	int want;
};

static const struct cregs_case cregs_cases[] = {
	/* Valid states. */
	{ .name = "real_mode_reset_state", .cr0 = CR0_RESET },
	{ .name = "real_mode_cache_disabled_only",
	  .cr0 = X86_CR0_CD | X86_CR0_ET },
	{ .name = "protected_mode_no_paging", .cr0 = CR0_PROT, .cs_db = 1 },
	{ .name = "protected_mode_pae_paging", .cr0 = CR0_PAGED,
	  .cr3 = 0x1000, .cr4 = X86_CR4_PAE, .cs_db = 1 },
	{ .name = "lme_set_before_paging", .cr0 = CR0_PROT,
	  .cr4 = X86_CR4_PAE, .efer = EFER_LME, .cs_db = 1 },
	{ .name = "long_mode_64bit_cs", .cr0 = CR0_PAGED, .cr3 = 0x1000,
	  .cr4 = CR4_LONG, .efer = EFER_LONG, .cs_l = 1 },
	{ .name = "long_mode_compat_cs", .cr0 = CR0_PAGED, .cr3 = 0x1000,
	  .cr4 = CR4_LONG, .efer = EFER_LONG, .cs_db = 1 },
	{ .name = "cs_l_and_d_outside_long_mode", .cr0 = CR0_PROT,
	  .cs_l = 1, .cs_db = 1 },
	{ .name = "all_cr0_bits_defined",
	  .cr0 = X86_CR0_PE | X86_CR0_MP | X86_CR0_EM | X86_CR0_TS |
		 X86_CR0_ET | X86_CR0_NE | X86_CR0_WP | X86_CR0_AM |
		 X86_CR0_NW | X86_CR0_CD | X86_CR0_PG },
	/* PCIDE left out: it is valid only in IA-32e mode (SDM 26.3.1.1). */
	{ .name = "cr4_fixed1_bits_but_vmxe_pcide", .cr0 = CR0_PROT,
	  .cr4 = 0x3727ff & ~(X86_CR4_VMXE | X86_CR4_PCIDE) },
	{ .name = "cr4_pcide_in_long_mode", .cr0 = CR0_PAGED, .cr3 = 0x1000,
	  .cr4 = CR4_LONG | X86_CR4_PCIDE, .efer = EFER_LONG, .cs_l = 1 },
	{ .name = "cr4_pcide_outside_long_mode", .cr0 = CR0_PROT,
	  .cr4 = X86_CR4_PCIDE, .want = -EINVAL },
	{ .name = "cr4_pcide_pae_paging_not_long", .cr0 = CR0_PAGED,
	  .cr3 = 0x1000, .cr4 = X86_CR4_PAE | X86_CR4_PCIDE, .want = -EINVAL },
	{ .name = "cr3_last_page_below_max_gpa", .cr0 = CR0_PAGED,
	  .cr3 = MAX_GPA - SZ_PAGE, .cr4 = X86_CR4_PAE },
	/* CR0 (the #GP rules of MOV to CR0, SDM Vol. 3A 2.5). */
	{ .name = "cr0_reserved_bit6", .cr0 = CR0_PROT | BIT_ULL(6),
	  .want = -EINVAL },
	{ .name = "cr0_reserved_bit17", .cr0 = CR0_PROT | BIT_ULL(17),
	  .want = -EINVAL },
	{ .name = "cr0_reserved_bit32", .cr0 = CR0_PROT | BIT_ULL(32),
	  .want = -EINVAL },
	{ .name = "cr0_pg_without_pe", .cr0 = X86_CR0_PG | X86_CR0_ET,
	  .want = -EINVAL },
	{ .name = "cr0_nw_without_cd", .cr0 = X86_CR0_NW | X86_CR0_ET,
	  .want = -EINVAL },
	/* CR4. */
	{ .name = "cr4_pke_not_in_fixed1", .cr0 = CR0_PROT,
	  .cr4 = X86_CR4_PKE, .want = -EINVAL },
	{ .name = "cr4_smxe_not_in_fixed1", .cr0 = CR0_PROT,
	  .cr4 = X86_CR4_SMXE, .want = -EINVAL },
	{ .name = "cr4_bit63", .cr0 = CR0_PROT, .cr4 = BIT_ULL(63),
	  .want = -EINVAL },
	{ .name = "cr4_vmxe_though_in_fixed1", .cr0 = CR0_PROT,
	  .cr4 = X86_CR4_VMXE, .want = -EINVAL },
	/* CR3 within guest-physical space. */
	{ .name = "cr3_eq_max_gpa", .cr0 = CR0_PAGED, .cr3 = MAX_GPA,
	  .cr4 = X86_CR4_PAE, .want = -EINVAL },
	{ .name = "cr3_far_above_max_gpa", .cr0 = CR0_PAGED,
	  .cr3 = 0xfffffffffffff000ull, .cr4 = X86_CR4_PAE,
	  .want = -EINVAL },
	/* EFER. */
	{ .name = "efer_unknown_bit1", .cr0 = CR0_PROT, .efer = BIT_ULL(1),
	  .want = -EINVAL },
	{ .name = "efer_svme", .cr0 = CR0_PROT, .efer = EFER_SVME,
	  .want = -EINVAL },
	{ .name = "efer_bit63", .cr0 = CR0_PROT, .efer = BIT_ULL(63),
	  .want = -EINVAL },
	{ .name = "lma_without_lme_or_pg", .cr0 = CR0_PROT,
	  .efer = EFER_LMA, .want = -EINVAL },
	{ .name = "lma_with_lme_without_pg", .cr0 = CR0_PROT,
	  .cr4 = X86_CR4_PAE, .efer = EFER_LME | EFER_LMA, .want = -EINVAL },
	{ .name = "lma_with_pg_without_lme", .cr0 = CR0_PAGED,
	  .cr4 = X86_CR4_PAE, .efer = EFER_LMA, .want = -EINVAL },
	{ .name = "lme_and_pg_without_lma", .cr0 = CR0_PAGED,
	  .cr4 = CR4_LONG, .efer = EFER_LONG & ~EFER_LMA, .cs_l = 1,
	  .want = -EINVAL },
	{ .name = "long_mode_without_pae", .cr0 = CR0_PAGED,
	  .cr4 = CR4_LONG & ~X86_CR4_PAE, .efer = EFER_LONG, .cs_l = 1,
	  .want = -EINVAL },
	/* SDM Vol. 3C 26.3.1.2: CS.L and CS.D both set in IA-32e mode. */
	{ .name = "long_mode_cs_l_and_d", .cr0 = CR0_PAGED,
	  .cr4 = CR4_LONG, .efer = EFER_LONG, .cs_l = 1, .cs_db = 1,
	  .want = -EINVAL },
};

static void cregs_case_desc(const struct cregs_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(cregs, cregs_cases, cregs_case_desc);

/* Flat segments that every mode below accepts; CS.L and CS.D per row. */
static void init_sregs(struct mv_sregs *s)
{
	static const struct mv_segment data = {
		.limit = 0xffffffff, .type = 0x3, .s = 1, .present = 1,
		.db = 1, .g = 1,
	};
	static const struct mv_segment tss = {
		.limit = 0x67, .selector = 0x18, .type = 0xb, .present = 1,
	};

	memset(s, 0, sizeof(*s));
	s->cs = flat_code;
	s->ds = data;
	s->es = data;
	s->fs = data;
	s->gs = data;
	s->ss = data;
	s->tr = tss;
	s->ldt.unusable = 1;
	s->gdt.limit = 0x1f;
	s->idt.limit = 0xfff;
}

static void mv_test_check_sregs_cregs(struct kunit *test)
{
	const struct cregs_case *c = test->param_value;
	struct mv_sregs s;

	init_sregs(&s);
	s.cr0 = c->cr0;
	s.cr3 = c->cr3;
	s.cr4 = c->cr4;
	s.efer = c->efer;
	s.cs.l = c->cs_l;
	s.cs.db = c->cs_db;
	KUNIT_EXPECT_EQ_MSG(test, mv_check_sregs(&s, &limits), c->want,
			    "cr0 0x%llx cr3 0x%llx cr4 0x%llx efer 0x%llx cs.l %u cs.d %u",
			    c->cr0, c->cr3, c->cr4, c->efer, c->cs_l,
			    c->cs_db);
}

/* ---- mv_check_sregs(): every other field, on a valid long-mode state ----- */

/* One field of struct mv_sregs (1, 2 or 8 bytes wide) set to a value. */
struct field_case {
	const char *name;
	size_t off;
	size_t width;
	u64 val;
	int want;
};

#define FIELD(n, field, v, w) {						\
	.name = (n), .off = offsetof(struct mv_sregs, field),		\
	.width = sizeof_field(struct mv_sregs, field),			\
	.val = (v), .want = (w),					\
}

static const struct field_case field_cases[] = {
	/* Unconstrained fields. */
	FIELD("cr2_any", cr2, ~0ull, 0),
	FIELD("gdt_base_any", gdt.base, 0xffff800000001000ull, 0),
	FIELD("idt_limit_any", idt.limit, 0xffff, 0),
	FIELD("fs_base_any", fs.base, 0x00007fffdeadb000ull, 0),
	/* Reserved and padding fields must be zero. */
	FIELD("reserved_0", reserved[0], 1, -EINVAL),
	FIELD("reserved_1", reserved[1], 1, -EINVAL),
	FIELD("reserved_2", reserved[2], 1, -EINVAL),
	FIELD("reserved_3", reserved[3], BIT_ULL(63), -EINVAL),
	FIELD("gdt_reserved_0", gdt.reserved[0], 1, -EINVAL),
	FIELD("gdt_reserved_1", gdt.reserved[1], 0x8000, -EINVAL),
	FIELD("gdt_reserved_2", gdt.reserved[2], 1, -EINVAL),
	FIELD("idt_reserved_0", idt.reserved[0], 1, -EINVAL),
	FIELD("idt_reserved_1", idt.reserved[1], 1, -EINVAL),
	FIELD("idt_reserved_2", idt.reserved[2], 0x8000, -EINVAL),
	/* Every segment register goes through mv_check_segment(). */
	FIELD("cs_reserved", cs.reserved, 1, -EINVAL),
	FIELD("ds_reserved", ds.reserved, 1, -EINVAL),
	FIELD("es_reserved", es.reserved, 1, -EINVAL),
	FIELD("fs_reserved", fs.reserved, 1, -EINVAL),
	FIELD("gs_reserved", gs.reserved, 1, -EINVAL),
	FIELD("ss_reserved", ss.reserved, 1, -EINVAL),
	FIELD("tr_reserved", tr.reserved, 1, -EINVAL),
	FIELD("ldt_reserved", ldt.reserved, 1, -EINVAL),
	FIELD("cs_type_16", cs.type, 16, -EINVAL),
	FIELD("ds_dpl_4", ds.dpl, 4, -EINVAL),
	FIELD("es_present_2", es.present, 2, -EINVAL),
	FIELD("fs_g_2", fs.g, 2, -EINVAL),
	FIELD("gs_avl_2", gs.avl, 2, -EINVAL),
	FIELD("ss_s_2", ss.s, 2, -EINVAL),
	FIELD("tr_type_16", tr.type, 16, -EINVAL),
	FIELD("ldt_unusable_2", ldt.unusable, 2, -EINVAL),
};

static void field_case_desc(const struct field_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(field, field_cases, field_case_desc);

static void set_field(struct kunit *test, void *obj, size_t off,
		      size_t width, u64 val)
{
	u8 *p = (u8 *)obj + off;
	u16 v16 = val;
	u8 v8 = val;

	switch (width) {
	case 1:
		memcpy(p, &v8, 1);
		break;
	case 2:
		memcpy(p, &v16, 2);
		break;
	case 8:
		memcpy(p, &val, 8);
		break;
	default:
		KUNIT_FAIL(test, "field of %zu bytes", width);
	}
}

static void mv_test_check_sregs_fields(struct kunit *test)
{
	const struct field_case *c = test->param_value;
	struct mv_sregs s;

	init_sregs(&s);
	s.cr0 = CR0_PAGED;
	s.cr3 = 0x1000;
	s.cr4 = CR4_LONG;
	s.efer = EFER_LONG;
	s.cs.l = 1;
	s.cs.db = 0;
	KUNIT_ASSERT_EQ(test, mv_check_sregs(&s, &limits), 0);

	set_field(test, &s, c->off, c->width, c->val);
	KUNIT_EXPECT_EQ(test, mv_check_sregs(&s, &limits), c->want);
}

static struct kunit_case mv_validate_cases[] = {
	KUNIT_CASE_PARAM(mv_test_check_slot_request, slot_gen_params),
	KUNIT_CASE_PARAM(mv_test_ranges_overlap, overlap_gen_params),
	KUNIT_CASE_PARAM(mv_test_check_regs, regs_gen_params),
	KUNIT_CASE_PARAM(mv_test_check_segment, segment_gen_params),
	KUNIT_CASE_PARAM(mv_test_check_sregs_cregs, cregs_gen_params),
	KUNIT_CASE_PARAM(mv_test_check_sregs_fields, field_gen_params),
	{}
};

static struct kunit_suite mv_validate_suite = {
	.name = "minivisor_validate",
	.test_cases = mv_validate_cases,
};

kunit_test_suite(mv_validate_suite);

MODULE_LICENSE("GPL");

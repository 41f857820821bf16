// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite minivisor_insn_emulate: kmod/insn_emulate.c, the ALU,
 * flags and register-write rules the MMIO path applies after a read.
 * Expected flags are worked out by hand from the "Flags Affected" section
 * of each instruction (SDM Vol. 2A/2B) and the flag definitions of SDM
 * Vol. 1 3.4.3.1; extension and register writes from SDM Vol. 1 3.4.1.1
 * and Vol. 2B "MOVZX", "MOVSX/MOVSXD".
 */
#include <kunit/test.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/string.h>
#include "insn_emulate.h"

#define CF X86_EFLAGS_CF
#define PF X86_EFLAGS_PF
#define AF X86_EFLAGS_AF
#define ZF X86_EFLAGS_ZF
#define SF X86_EFLAGS_SF
#define OF X86_EFLAGS_OF
/* Bits an ALU operation must leave alone: IF, DF and the fixed bit 1. */
#define KEEP (X86_EFLAGS_IF | X86_EFLAGS_DF | X86_EFLAGS_FIXED)

struct alu_case {
	const char *name;
	enum mv_alu_op op;
	u8 size;
	u64 dst, src;
	unsigned long flags_in;	/* CF feeds ADC/SBB */
	u64 want;
	unsigned long want_flags;	/* status flags only */
};

static const struct alu_case alu_cases[] = {
	/* ADD: CF unsigned carry, OF signed overflow, AF carry out of bit 3. */
	{ "add8_7f_1_of_sf_af",	MV_ALU_ADD, 1, 0x7f, 1, 0, 0x80, OF | SF | AF },
	{ "add8_ff_1_cf_zf_pf_af", MV_ALU_ADD, 1, 0xff, 1, 0, 0, CF | ZF | PF | AF },
	{ "add8_80_80_cf_of_zf", MV_ALU_ADD, 1, 0x80, 0x80, 0, 0, CF | OF | ZF | PF },
	{ "add8_ignores_upper_bits", MV_ALU_ADD, 1, 0x1ff, 0x301, 0, 0, CF | ZF | PF | AF },
	{ "add16_7fff_1",	MV_ALU_ADD, 2, 0x7fff, 1, 0, 0x8000, OF | SF | AF | PF },
	{ "add32_ffffffff_1",	MV_ALU_ADD, 4, 0xffffffff, 1, 0, 0, CF | ZF | PF | AF },
	{ "add32_1_2_pf",	MV_ALU_ADD, 4, 1, 2, 0, 3, PF },
	{ "add64_max_1",	MV_ALU_ADD, 8, 0x7fffffffffffffffULL, 1, 0,
	  0x8000000000000000ULL, OF | SF | AF | PF },
	{ "add64_carry_out",	MV_ALU_ADD, 8, ~0ULL, 2, 0, 1, CF | AF },
	{ "add_ignores_cf_in",	MV_ALU_ADD, 4, 1, 1, CF, 2, 0 },
	{ "add_clears_stale_flags", MV_ALU_ADD, 4, 1, 1,
	  CF | PF | AF | ZF | SF | OF, 2, 0 },
	/* ADC: CF in is added. */
	{ "adc8_ff_0_cf",	MV_ALU_ADC, 1, 0xff, 0, CF, 0, CF | ZF | PF | AF },
	{ "adc8_7f_0_cf_of",	MV_ALU_ADC, 1, 0x7f, 0, CF, 0x80, OF | SF | AF },
	{ "adc8_no_cf_in",	MV_ALU_ADC, 1, 1, 1, 0, 2, 0 },
	{ "adc64_max_max_cf",	MV_ALU_ADC, 8, ~0ULL, ~0ULL, CF, ~0ULL,
	  CF | SF | PF | AF },
	/* SUB/CMP: CF borrow, OF signed overflow, AF borrow from bit 4. */
	{ "sub8_0_1",		MV_ALU_SUB, 1, 0, 1, 0, 0xff, CF | SF | AF | PF },
	{ "sub8_80_1_of",	MV_ALU_SUB, 1, 0x80, 1, 0, 0x7f, OF | AF },
	{ "sub8_7f_ff_of_cf",	MV_ALU_SUB, 1, 0x7f, 0xff, 0, 0x80, CF | OF | SF },
	{ "sub32_5_5_zf",	MV_ALU_SUB, 4, 5, 5, 0, 0, ZF | PF },
	{ "sub16_8000_1",	MV_ALU_SUB, 2, 0x8000, 1, 0, 0x7fff, OF | AF | PF },
	{ "sub64_1_2",		MV_ALU_SUB, 8, 1, 2, 0, ~0ULL, CF | SF | AF | PF },
	{ "sub_ignores_cf_in",	MV_ALU_SUB, 4, 3, 1, CF, 2, 0 },
	{ "sbb8_5_5_cf",	MV_ALU_SBB, 1, 5, 5, CF, 0xff, CF | SF | AF | PF },
	{ "sbb32_0_max_cf",	MV_ALU_SBB, 4, 0, 0xffffffff, CF, 0,
	  CF | AF | ZF | PF },
	{ "sbb16_no_cf_in",	MV_ALU_SBB, 2, 3, 1, 0, 2, 0 },
	{ "cmp64_1_2",		MV_ALU_CMP, 8, 1, 2, 0, ~0ULL, CF | SF | AF | PF },
	{ "cmp8_80_7f_of",	MV_ALU_CMP, 1, 0x80, 0x7f, 0, 1, OF | AF },
	{ "cmp32_equal",	MV_ALU_CMP, 4, 0x12345678, 0x12345678, CF, 0,
	  ZF | PF },
	{ "cmp16_above",	MV_ALU_CMP, 2, 0x1000, 0x0fff, 0, 1, AF },
	/* Logical: CF = OF = 0, AF 0 here (undefined), PF of bits 7:0. */
	{ "and8_zero_clears_cf_of", MV_ALU_AND, 1, 0xf0, 0x0f, CF | OF | AF, 0,
	  ZF | PF },
	{ "and32_sign",		MV_ALU_AND, 4, 0x80000000, 0xffffffff, 0,
	  0x80000000, SF | PF },
	{ "and64_upper",	MV_ALU_AND, 8, 0xff00000000000000ULL, ~0ULL, 0,
	  0xff00000000000000ULL, SF | PF },
	{ "or16_pf_low_byte_only", MV_ALU_OR, 2, 0x0100, 0x0003, 0, 0x0103, PF },
	{ "or64_sign",		MV_ALU_OR, 8, 0x8000000000000000ULL, 1, OF,
	  0x8000000000000001ULL, SF },
	{ "or8_two_bits_pf",	MV_ALU_OR, 1, 0x01, 0x02, CF, 0x03, PF },
	{ "or8_7_bits",		MV_ALU_OR, 1, 0x70, 0x0f, 0, 0x7f, 0 },
	{ "xor64_self",		MV_ALU_XOR, 8, 0xdeadbeef, 0xdeadbeef, CF, 0,
	  ZF | PF },
	{ "xor8_55_aa",		MV_ALU_XOR, 1, 0x55, 0xaa, 0, 0xff, SF | PF },
	{ "test32_disjoint",	MV_ALU_TEST, 4, 1, 2, CF | OF, 0, ZF | PF },
	{ "test8_sign",		MV_ALU_TEST, 1, 0x80, 0xff, 0, 0x80, SF },
	{ "test16_word",	MV_ALU_TEST, 2, 0x8001, 0xffff, 0, 0x8001, SF },
};

static void alu_case_desc(const struct alu_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(alu, alu_cases, alu_case_desc);

static void insn_emulate_alu(struct kunit *test)
{
	const struct alu_case *c = test->param_value;
	unsigned long rflags = c->flags_in | KEEP;
	u64 res;

	res = mv_alu(c->op, c->size, c->dst, c->src, &rflags);
	KUNIT_EXPECT_EQ(test, res, c->want);
	KUNIT_EXPECT_EQ(test, rflags & MV_ALU_FLAGS, c->want_flags);
	KUNIT_EXPECT_EQ(test, rflags & ~(unsigned long)MV_ALU_FLAGS,
			(unsigned long)KEEP);
}

/*
 * Cross-check against the definitions, bit by bit, for every pair of
 * 8-bit operands: the carry and overflow rules stated another way
 * (wide arithmetic instead of sign and carry tricks).
 */
static void insn_emulate_alu8_exhaustive(struct kunit *test)
{
	static const enum mv_alu_op ops[] = {
		MV_ALU_ADD, MV_ALU_ADC, MV_ALU_SUB, MV_ALU_SBB, MV_ALU_CMP,
	};
	unsigned int k, a, b, cf, bad = 0;

	for (k = 0; k < ARRAY_SIZE(ops); k++)
		for (a = 0; a < 256; a++)
			for (b = 0; b < 256; b++)
				for (cf = 0; cf < 2; cf++) {
					bool add = ops[k] == MV_ALU_ADD ||
						   ops[k] == MV_ALU_ADC;
					int c = (ops[k] == MV_ALU_ADC ||
						 ops[k] == MV_ALU_SBB) ? cf : 0;
					int wide = add ? (int)a + b + c :
						   (int)a - b - c;
					int swide = add ? (s8)a + (s8)b + c :
						    (s8)a - (s8)b - c;
					int nib = add ? (a & 15) + (b & 15) + c :
						  (a & 15) - (b & 15) - c;
					unsigned long want = 0, rflags = cf;
					u8 r = wide;
					u64 res;

					if (wide < 0 || wide > 255)
						want |= CF;
					if (swide < -128 || swide > 127)
						want |= OF;
					if (nib < 0 || nib > 15)
						want |= AF;
					if (!r)
						want |= ZF;
					if (r & 0x80)
						want |= SF;
					if (!(hweight8(r) & 1))
						want |= PF;
					res = mv_alu(ops[k], 1, a, b, &rflags);
					if (res != r || (rflags & MV_ALU_FLAGS) != want)
						bad++;
				}
	KUNIT_EXPECT_EQ(test, bad, 0);
}

struct extend_case {
	const char *name;
	u64 val;
	u8 from, to;
	bool sign;
	u64 want;
};

static const struct extend_case extend_cases[] = {
	{ "zx8_to_32",		0x80, 1, 4, false, 0x80 },
	{ "sx8_to_32",		0x80, 1, 4, true, 0xffffff80 },
	{ "sx8_to_16",		0x80, 1, 2, true, 0xff80 },
	{ "sx8_to_64",		0x80, 1, 8, true, 0xffffffffffffff80ULL },
	{ "sx8_positive",	0x7f, 1, 8, true, 0x7f },
	{ "sx8_ignores_upper",	0x1234567f, 1, 4, true, 0x7f },
	{ "zx8_ignores_upper",	0x12345680, 1, 8, false, 0x80 },
	{ "zx16_to_64",		0x8000, 2, 8, false, 0x8000 },
	{ "sx16_to_64",		0x8000, 2, 8, true, 0xffffffffffff8000ULL },
	{ "sx16_to_32",		0xfffe, 2, 4, true, 0xfffffffe },
	{ "zx16_to_16",		0xffff, 2, 2, false, 0xffff },
	{ "sx32_to_64",		0x80000000, 4, 8, true, 0xffffffff80000000ULL },
	{ "sx32_to_32",		0x80000000, 4, 4, true, 0x80000000 },
};

static void extend_case_desc(const struct extend_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(extend, extend_cases, extend_case_desc);

static void insn_emulate_extend(struct kunit *test)
{
	const struct extend_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, mv_extend(c->val, c->from, c->to, c->sign),
			c->want);
}

#define REGV 0x1122334455667788UL

struct reg_case {
	const char *name;
	unsigned long reg;
	u64 val;		/* written by mv_reg_put */
	u8 size;
	bool high8;
	unsigned long want_put;
	u64 want_get;		/* mv_reg_get of @reg */
};

static const struct reg_case reg_cases[] = {
	{ "byte_keeps_63_8",	REGV, 0xaa, 1, false, 0x11223344556677aaUL, 0x88 },
	{ "high_byte_keeps_rest", REGV, 0xaa, 1, true, 0x112233445566aa88UL, 0x77 },
	{ "byte_drops_excess",	REGV, 0x1ff, 1, false, 0x11223344556677ffUL, 0x88 },
	{ "word_keeps_63_16",	REGV, 0xbbcc, 2, false, 0x112233445566bbccUL,
	  0x7788 },
	{ "dword_zeroes_63_32",	REGV, 0xdeadbeef, 4, false, 0xdeadbeefUL,
	  0x55667788 },
	{ "dword_drops_excess",	REGV, 0xffffffff00000001ULL, 4, false, 1,
	  0x55667788 },
	{ "qword_replaces",	REGV, 0x0123456789abcdefULL, 8, false,
	  0x0123456789abcdefUL, REGV },
};

static void reg_case_desc(const struct reg_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(reg, reg_cases, reg_case_desc);

static void insn_emulate_reg(struct kunit *test)
{
	const struct reg_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, mv_reg_put(c->reg, c->val, c->size, c->high8),
			c->want_put);
	KUNIT_EXPECT_EQ(test, mv_reg_get(c->reg, c->size, c->high8),
			c->want_get);
}

struct index_case {
	const char *name;
	unsigned long reg;
	s64 delta;
	u8 addr_size;
	unsigned long want;
};

static const struct index_case index_cases[] = {
	{ "up64",		0x1000, 1, 8, 0x1001 },
	{ "down64_qword",	0x1000, -8, 8, 0xff8 },
	{ "down64_wraps",	0, -1, 8, ~0UL },
	{ "down32_wraps_zero_ext", 0xffffffff00000000UL, -1, 4, 0xffffffffUL },
	{ "up32_drops_63_32",	0x12345678fffffffcUL, 4, 4, 0 },
	{ "down16_keeps_63_16",	0x12340000, -1, 2, 0x1234ffff },
	{ "up16_wraps_in_16",	0x1234ffff, 2, 2, 0x12340001 },
};

static void index_case_desc(const struct index_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(index, index_cases, index_case_desc);

static void insn_emulate_index(struct kunit *test)
{
	const struct index_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, mv_index_add(c->reg, c->delta, c->addr_size),
			c->want);
}

static void insn_emulate_writes_result(struct kunit *test)
{
	enum mv_alu_op op;

	for (op = 0; op < MV_NR_ALU_OPS; op++)
		KUNIT_EXPECT_EQ_MSG(test, mv_alu_writes_result(op),
				    op != MV_ALU_CMP && op != MV_ALU_TEST,
				    "op %d", op);
}

static struct kunit_case insn_emulate_cases[] = {
	KUNIT_CASE_PARAM(insn_emulate_alu, alu_gen_params),
	KUNIT_CASE(insn_emulate_alu8_exhaustive),
	KUNIT_CASE_PARAM(insn_emulate_extend, extend_gen_params),
	KUNIT_CASE_PARAM(insn_emulate_reg, reg_gen_params),
	KUNIT_CASE_PARAM(insn_emulate_index, index_gen_params),
	KUNIT_CASE(insn_emulate_writes_result),
	{}
};

static struct kunit_suite insn_emulate_suite = {
	.name = "minivisor_insn_emulate",
	.test_cases = insn_emulate_cases,
};

kunit_test_suite(insn_emulate_suite);

MODULE_LICENSE("GPL");

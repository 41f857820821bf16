// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite minivisor_insn_decode: kmod/insn_decode.c, the decoder the
 * MMIO path uses to learn size, register/immediate and length of the
 * instruction that faulted. Expected values are worked out by hand from
 * the SDM's encoding tables (Vol. 2A 2.1-2.2, Vol. 2B "MOV").
 */
#include <kunit/test.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/string.h>
#include "insn_decode.h"

struct decode_case {
	const char *name;
	u8 bytes[MV_INSN_MAX_LEN];
	u8 avail;
	enum mv_insn_mode mode;
	int want_ret;
	/* checked when want_ret == 0 */
	u8 len, size, op, reg;
	bool high8;
	u64 imm;
};

#define M64 MV_INSN_MODE_64
#define M32 MV_INSN_MODE_32
#define M16 MV_INSN_MODE_16
#define LOAD MV_INSN_LOAD
#define STR MV_INSN_STORE_REG
#define STI MV_INSN_STORE_IMM

static const struct decode_case decode_cases[] = {
	/* Stores from registers. */
	{ "mov_m8_al_base",	{ 0x88, 0x07 }, 2, M64, 0, 2, 1, STR, 0 },
	{ "mov_m8_ah_no_rex",	{ 0x88, 0x20 }, 2, M64, 0, 2, 1, STR, 0, true },
	{ "mov_m8_spl_with_rex", { 0x40, 0x88, 0x20 }, 3, M64, 0, 3, 1, STR, 4 },
	{ "mov_m8_r9b_rex_r",	{ 0x44, 0x88, 0x08 }, 3, M64, 0, 3, 1, STR, 9 },
	{ "mov_m32_eax",	{ 0x89, 0x03 }, 2, M64, 0, 2, 4, STR, 0 },
	{ "mov_m16_ax_opsize",	{ 0x66, 0x89, 0x03 }, 3, M64, 0, 3, 2, STR, 0 },
	{ "mov_m64_rax_rex_w",	{ 0x48, 0x89, 0x03 }, 3, M64, 0, 3, 8, STR, 0 },
	{ "mov_m64_r15_rex_wr",	{ 0x4c, 0x89, 0x3b }, 3, M64, 0, 3, 8, STR, 15 },
	{ "rex_w_beats_opsize",	{ 0x66, 0x48, 0x89, 0x03 }, 4, M64, 0, 4, 8, STR, 0 },
	/* Loads. */
	{ "mov_r8_m8",		{ 0x8a, 0x0e }, 2, M64, 0, 2, 1, LOAD, 1 },
	{ "mov_bh_m8",		{ 0x8a, 0x3e }, 2, M64, 0, 2, 1, LOAD, 3, true },
	{ "mov_r32_m32",	{ 0x8b, 0x16 }, 2, M64, 0, 2, 4, LOAD, 2 },
	{ "mov_r12_m64",	{ 0x4c, 0x8b, 0x26 }, 3, M64, 0, 3, 8, LOAD, 12 },
	{ "mov_r9d_m32_rex_r",	{ 0x44, 0x8b, 0x0e }, 3, M64, 0, 3, 4, LOAD, 9 },
	/* Addressing forms: only the length depends on them. */
	{ "disp8",		{ 0x8b, 0x47, 0x10 }, 3, M64, 0, 3, 4, LOAD, 0 },
	{ "disp32",		{ 0x8b, 0x87, 0, 1, 0, 0 }, 6, M64, 0, 6, 4, LOAD, 0 },
	{ "sib",		{ 0x8b, 0x04, 0x8b }, 3, M64, 0, 3, 4, LOAD, 0 },
	{ "sib_disp8",		{ 0x8b, 0x44, 0x8b, 0x08 }, 4, M64, 0, 4, 4, LOAD, 0 },
	{ "sib_disp32",		{ 0x8b, 0x84, 0x8b, 1, 2, 3, 4 }, 7, M64, 0, 7, 4, LOAD, 0 },
	{ "sib_no_base_disp32",	{ 0x8b, 0x04, 0x25, 0, 0, 0, 0xfe }, 7, M64, 0, 7, 4, LOAD, 0 },
	{ "rip_relative",	{ 0x8b, 0x05, 0, 0, 0, 0 }, 6, M64, 0, 6, 4, LOAD, 0 },
	{ "r12_base_needs_sib",	{ 0x41, 0x8b, 0x04, 0x24 }, 4, M64, 0, 4, 4, LOAD, 0 },
	{ "r13_base_needs_disp8", { 0x41, 0x8b, 0x45, 0x00 }, 4, M64, 0, 4, 4, LOAD, 0 },
	{ "segment_prefix",	{ 0x65, 0x8b, 0x03 }, 3, M64, 0, 3, 4, LOAD, 0 },
	{ "addr32_prefix_64",	{ 0x67, 0x8b, 0x03 }, 3, M64, 0, 3, 4, LOAD, 0 },
	/* Immediate stores. */
	{ "mov_m8_imm8",	{ 0xc6, 0x00, 0x80 }, 3, M64, 0, 3, 1, STI, 0, false, 0xffffffffffffff80ULL },
	{ "mov_m16_imm16",	{ 0x66, 0xc7, 0x00, 0x34, 0x12 }, 5, M64, 0, 5, 2, STI, 0, false, 0x1234 },
	{ "mov_m32_imm32",	{ 0xc7, 0x00, 0x78, 0x56, 0x34, 0x12 }, 6, M64, 0, 6, 4, STI, 0, false, 0x12345678 },
	{ "mov_m64_imm32_sext",	{ 0x48, 0xc7, 0x00, 0, 0, 0, 0x80 }, 7, M64, 0, 7, 8, STI, 0, false, 0xffffffff80000000ULL },
	{ "imm_after_disp8",	{ 0xc7, 0x40, 0x08, 1, 0, 0, 0 }, 7, M64, 0, 7, 4, STI, 0, false, 1 },
	/* 32- and 16-bit code. */
	{ "m32_no_rex_0x48_is_opcode", { 0x48, 0x89, 0x03 }, 3, M32, -EINVAL },
	{ "m32_default_32",	{ 0x89, 0x03 }, 2, M32, 0, 2, 4, STR, 0 },
	{ "m32_opsize_16",	{ 0x66, 0x89, 0x03 }, 3, M32, 0, 3, 2, STR, 0 },
	{ "m16_default_16",	{ 0x89, 0x07 }, 2, M16, 0, 2, 2, STR, 0 },
	{ "m16_opsize_32",	{ 0x66, 0x89, 0x07 }, 3, M16, 0, 3, 4, STR, 0 },
	{ "m16_direct_disp16",	{ 0x8b, 0x06, 0x00, 0x10 }, 4, M16, 0, 4, 2, LOAD, 0 },
	{ "m16_disp8",		{ 0x8b, 0x47, 0x02 }, 3, M16, 0, 3, 2, LOAD, 0 },
	{ "m16_addr32_sib",	{ 0x67, 0x8b, 0x04, 0x24 }, 4, M16, 0, 4, 2, LOAD, 0 },
	{ "m32_addr16",		{ 0x67, 0x8b, 0x06, 0x00, 0x10 }, 5, M32, 0, 5, 4, LOAD, 0 },
	/* Rejected. */
	{ "register_operand",	{ 0x89, 0xc0 }, 2, M64, -EINVAL },
	{ "unsupported_opcode",	{ 0x01, 0x03 }, 2, M64, -EINVAL },
	{ "c7_not_slash0",	{ 0xc7, 0x08, 0, 0, 0, 0 }, 6, M64, -EINVAL },
	{ "truncated_modrm",	{ 0x89 }, 1, M64, -EINVAL },
	{ "truncated_disp32",	{ 0x8b, 0x87, 0, 0 }, 4, M64, -EINVAL },
	{ "truncated_imm",	{ 0xc7, 0x00, 1, 2 }, 4, M64, -EINVAL },
	{ "prefixes_only",	{ 0x66, 0x66, 0x66 }, 3, M64, -EINVAL },
	{ "empty",		{ 0 }, 0, M64, -EINVAL },
	{ "longer_than_15",	{ 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
				  0x66, 0x66, 0x66, 0x66, 0xc7, 0x00, 1 }, 15, M64, -EINVAL },
};

static void decode_case_desc(const struct decode_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(decode, decode_cases, decode_case_desc);

static void insn_decode_table(struct kunit *test)
{
	const struct decode_case *c = test->param_value;
	struct mv_insn insn;
	int ret;

	memset(&insn, 0xa5, sizeof(insn));
	ret = mv_insn_decode(c->bytes, c->avail, c->mode, &insn);
	KUNIT_ASSERT_EQ(test, ret, c->want_ret);
	if (ret)
		return;
	KUNIT_EXPECT_EQ(test, insn.len, c->len);
	KUNIT_EXPECT_EQ(test, insn.size, c->size);
	KUNIT_EXPECT_EQ(test, insn.op, c->op);
	KUNIT_EXPECT_EQ(test, insn.reg, c->reg);
	KUNIT_EXPECT_EQ(test, insn.high8, c->high8);
	KUNIT_EXPECT_EQ(test, insn.imm, c->imm);
}

/* The decoder must never read past @avail, whatever the bytes say. */
static void insn_decode_respects_avail(struct kunit *test)
{
	static const u8 full[] = { 0x48, 0xc7, 0x84, 0x8b, 1, 2, 3, 4,
				   5, 6, 7, 8 };
	struct mv_insn insn;
	unsigned int avail;

	for (avail = 0; avail < sizeof(full); avail++) {
		u8 *buf = kunit_kmalloc(test, avail ? avail : 1, GFP_KERNEL);

		KUNIT_ASSERT_NOT_NULL(test, buf);
		memcpy(buf, full, avail);
		KUNIT_EXPECT_EQ(test, mv_insn_decode(buf, avail, M64, &insn),
				-EINVAL);
	}
	KUNIT_EXPECT_EQ(test, mv_insn_decode(full, sizeof(full), M64, &insn), 0);
	KUNIT_EXPECT_EQ(test, insn.len, sizeof(full));
}

static struct kunit_case insn_decode_cases[] = {
	KUNIT_CASE_PARAM(insn_decode_table, decode_gen_params),
	KUNIT_CASE(insn_decode_respects_avail),
	{}
};

static struct kunit_suite insn_decode_suite = {
	.name = "minivisor_insn_decode",
	.test_cases = insn_decode_cases,
};

kunit_test_suite(insn_decode_suite);

MODULE_LICENSE("GPL");

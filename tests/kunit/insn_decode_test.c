// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite minivisor_insn_decode: kmod/insn_decode.c, the decoder the
 * MMIO path uses to learn size, register/immediate and length of the
 * instruction that faulted. Expected values are worked out by hand from
 * the SDM's encoding tables (Vol. 2A 2.1-2.2 and Appendix A; Vol. 2B
 * "MOV", "MOVZX", "MOVSX/MOVSXD", "STOS", "MOVS", "ADD" and the other
 * ALU instructions, "TEST", "XCHG").
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
	u8 reg_size;		/* 0: same as size */
	u8 alu;			/* checked for MV_INSN_ALU_* */
	bool src_imm;
	bool rep;
	u8 addr_size;		/* 0: not checked */
	u8 seg;			/* checked for MV_INSN_MOVS */
};

#define M64 MV_INSN_MODE_64
#define M32 MV_INSN_MODE_32
#define M16 MV_INSN_MODE_16
#define LOAD MV_INSN_LOAD
#define STR MV_INSN_STORE_REG
#define STI MV_INSN_STORE_IMM
#define LZX MV_INSN_LOAD_ZX
#define LSX MV_INSN_LOAD_SX
#define AMEM MV_INSN_ALU_MEM
#define AREG MV_INSN_ALU_REG
#define XCHG MV_INSN_XCHG
#define STOS MV_INSN_STOS
#define MOVS MV_INSN_MOVS

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
	/* MOV with an absolute address (moffs), no ModRM: rAX only. */
	{ "mov_moffs64_eax",	{ 0xa1, 0, 0, 0, 0xd0, 0, 0, 0, 0 }, 9, M64, 0, 9, 4, LOAD, 0 },
	{ "mov_rax_moffs64_rex_w", { 0x48, 0xa1, 0, 0, 0, 0xd0, 0, 0, 0, 0 }, 10, M64, 0, 10, 8, LOAD, 0 },
	{ "mov_al_moffs32_addrsize", { 0x67, 0xa0, 0, 0, 0, 0xd0 }, 6, M64, 0, 6, 1, LOAD, 0 },
	{ "mov_moffs32_eax_pm",	{ 0xa3, 0x20, 0, 0xe0, 0xfe }, 5, M32, 0, 5, 4, STR, 0 },
	{ "mov_moffs16_al_real", { 0xa2, 0x34, 0x12 }, 3, M16, 0, 3, 1, STR, 0 },
	{ "mov_moffs_ax_opsize_pm", { 0x66, 0xa3, 0, 0, 0, 0xd0 }, 6, M32, 0, 6, 2, STR, 0 },
	{ "mov_moffs_rex_b_still_rax", { 0x41, 0xa1, 0, 0, 0, 0xd0, 0, 0, 0, 0 }, 10, M64, 0, 10, 4, LOAD, 0 },
	{ "moffs64_cut_short",	{ 0xa1, 0, 0, 0, 0xd0 }, 5, M64, -EINVAL },
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
	/* MOVZX, MOVSX (0F B6/B7/BE/BF), MOVSXD (63): size is the memory
	 * operand, reg_size the destination.
	 */
	{ "movzx_r32_m8",	{ 0x0f, 0xb6, 0x03 }, 3, M64, 0, 3, 1, LZX, 0, .reg_size = 4 },
	{ "movzx_r16_m8",	{ 0x66, 0x0f, 0xb6, 0x03 }, 4, M64, 0, 4, 1, LZX, 0, .reg_size = 2 },
	{ "movzx_r64_m8_rex_wr", { 0x4c, 0x0f, 0xb6, 0x0b }, 4, M64, 0, 4, 1, LZX, 9, .reg_size = 8 },
	{ "movzx_esp_not_ah",	{ 0x0f, 0xb6, 0x23 }, 3, M64, 0, 3, 1, LZX, 4, .reg_size = 4 },
	{ "movzx_r32_m16",	{ 0x0f, 0xb7, 0x0b }, 3, M64, 0, 3, 2, LZX, 1, .reg_size = 4 },
	{ "movzx_r16_m16",	{ 0x66, 0x0f, 0xb7, 0x03 }, 4, M64, 0, 4, 2, LZX, 0, .reg_size = 2 },
	{ "movsx_r32_m8",	{ 0x0f, 0xbe, 0x03 }, 3, M64, 0, 3, 1, LSX, 0, .reg_size = 4 },
	{ "movsx_r16_m8",	{ 0x66, 0x0f, 0xbe, 0x03 }, 4, M64, 0, 4, 1, LSX, 0, .reg_size = 2 },
	{ "movsx_r64_m16",	{ 0x48, 0x0f, 0xbf, 0x13 }, 4, M64, 0, 4, 2, LSX, 2, .reg_size = 8 },
	{ "movsx_m16_disp32",	{ 0x0f, 0xbf, 0x83, 0, 8, 0, 0 }, 7, M64, 0, 7, 2, LSX, 0, .reg_size = 4 },
	{ "m32_movzx_r32_m8",	{ 0x0f, 0xb6, 0x03 }, 3, M32, 0, 3, 1, LZX, 0, .reg_size = 4 },
	{ "m16_movsx_r16_m8",	{ 0x0f, 0xbe, 0x07 }, 3, M16, 0, 3, 1, LSX, 0, .reg_size = 2 },
	{ "movsxd_r64_m32",	{ 0x48, 0x63, 0x03 }, 3, M64, 0, 3, 4, LSX, 0, .reg_size = 8 },
	{ "movsxd_r15_m32",	{ 0x4c, 0x63, 0x3b }, 3, M64, 0, 3, 4, LSX, 15, .reg_size = 8 },
	{ "movsxd_r32_m32",	{ 0x63, 0x03 }, 2, M64, 0, 2, 4, LSX, 0, .reg_size = 4 },
	{ "movsxd_r16_m16",	{ 0x66, 0x63, 0x03 }, 3, M64, 0, 3, 2, LSX, 0, .reg_size = 2 },
	{ "m32_63_is_arpl",	{ 0x63, 0x03 }, 2, M32, -EINVAL },
	{ "f3_0f_b8_is_popcnt",	{ 0xf3, 0x0f, 0xb8, 0x03 }, 4, M64, -EINVAL },
	{ "f3_0f_b6_rejected",	{ 0xf3, 0x0f, 0xb6, 0x03 }, 4, M64, -EINVAL },
	{ "movzx_register",	{ 0x0f, 0xb6, 0xc0 }, 3, M64, -EINVAL },
	{ "two_byte_truncated",	{ 0x0f }, 1, M64, -EINVAL },
	{ "two_byte_other",	{ 0x0f, 0x05 }, 2, M64, -EINVAL },
	/* STOS and MOVS: no ModRM; REP, address size and (MOVS) segment. */
	{ "stosb",		{ 0xaa }, 1, M64, 0, 1, 1, STOS, 0, .addr_size = 8 },
	{ "rep_stosb",		{ 0xf3, 0xaa }, 2, M64, 0, 2, 1, STOS, 0, .rep = true, .addr_size = 8 },
	{ "stosd",		{ 0xab }, 1, M64, 0, 1, 4, STOS, 0, .addr_size = 8 },
	{ "stosw",		{ 0x66, 0xab }, 2, M64, 0, 2, 2, STOS, 0, .addr_size = 8 },
	{ "rep_stosq",		{ 0xf3, 0x48, 0xab }, 3, M64, 0, 3, 8, STOS, 0, .rep = true, .addr_size = 8 },
	{ "rep_stosd_addr32",	{ 0x67, 0xf3, 0xab }, 3, M64, 0, 3, 4, STOS, 0, .rep = true, .addr_size = 4 },
	{ "m32_rep_stosd",	{ 0xf3, 0xab }, 2, M32, 0, 2, 4, STOS, 0, .rep = true, .addr_size = 4 },
	{ "m32_stosd_addr16",	{ 0x67, 0xab }, 2, M32, 0, 2, 4, STOS, 0, .addr_size = 2 },
	{ "m16_stosw",		{ 0xab }, 1, M16, 0, 1, 2, STOS, 0, .addr_size = 2 },
	{ "m16_stosw_addr32",	{ 0x67, 0xab }, 2, M16, 0, 2, 2, STOS, 0, .addr_size = 4 },
	{ "repne_stosb",	{ 0xf2, 0xaa }, 2, M64, -EINVAL },
	{ "movsb",		{ 0xa4 }, 1, M64, 0, 1, 1, MOVS, 0, .addr_size = 8, .seg = MV_SEG_DS },
	{ "rep_movsd",		{ 0xf3, 0xa5 }, 2, M64, 0, 2, 4, MOVS, 0, .rep = true, .addr_size = 8, .seg = MV_SEG_DS },
	{ "movsq_fs",		{ 0x64, 0x48, 0xa5 }, 3, M64, 0, 3, 8, MOVS, 0, .addr_size = 8, .seg = MV_SEG_FS },
	{ "movsb_es",		{ 0x26, 0xa4 }, 2, M64, 0, 2, 1, MOVS, 0, .addr_size = 8, .seg = MV_SEG_ES },
	{ "movsw_gs_last_wins",	{ 0x2e, 0x65, 0x66, 0xa5 }, 4, M64, 0, 4, 2, MOVS, 0, .addr_size = 8, .seg = MV_SEG_GS },
	{ "m16_rep_movsb_ss",	{ 0x36, 0xf3, 0xa4 }, 3, M16, 0, 3, 1, MOVS, 0, .rep = true, .addr_size = 2, .seg = MV_SEG_SS },
	{ "repne_movsb",	{ 0xf2, 0xa4 }, 2, M64, -EINVAL },
	/* ALU with a memory destination, register source. */
	{ "add_m32_r32",	{ 0x01, 0x03 }, 2, M64, 0, 2, 4, AMEM, 0, .alu = MV_ALU_ADD },
	{ "add_m8_ah",		{ 0x00, 0x23 }, 2, M64, 0, 2, 1, AMEM, 0, true, .alu = MV_ALU_ADD },
	{ "or_m32_ecx",		{ 0x09, 0x0b }, 2, M64, 0, 2, 4, AMEM, 1, .alu = MV_ALU_OR },
	{ "or_m8_cl",		{ 0x08, 0x0b }, 2, M64, 0, 2, 1, AMEM, 1, .alu = MV_ALU_OR },
	{ "adc_m32",		{ 0x11, 0x03 }, 2, M64, 0, 2, 4, AMEM, 0, .alu = MV_ALU_ADC },
	{ "sbb_m16",		{ 0x66, 0x19, 0x03 }, 3, M64, 0, 3, 2, AMEM, 0, .alu = MV_ALU_SBB },
	{ "and_m64_rax",	{ 0x48, 0x21, 0x03 }, 3, M64, 0, 3, 8, AMEM, 0, .alu = MV_ALU_AND },
	{ "and_m8_r10b",	{ 0x44, 0x20, 0x13 }, 3, M64, 0, 3, 1, AMEM, 10, .alu = MV_ALU_AND },
	{ "sub_m32",		{ 0x29, 0x03 }, 2, M64, 0, 2, 4, AMEM, 0, .alu = MV_ALU_SUB },
	{ "sub_m8",		{ 0x28, 0x03 }, 2, M64, 0, 2, 1, AMEM, 0, .alu = MV_ALU_SUB },
	{ "xor_m32",		{ 0x31, 0x03 }, 2, M64, 0, 2, 4, AMEM, 0, .alu = MV_ALU_XOR },
	{ "xor_m8",		{ 0x30, 0x03 }, 2, M64, 0, 2, 1, AMEM, 0, .alu = MV_ALU_XOR },
	{ "cmp_m8_r8",		{ 0x38, 0x03 }, 2, M64, 0, 2, 1, AMEM, 0, .alu = MV_ALU_CMP },
	{ "cmp_m32_r32",	{ 0x39, 0x03 }, 2, M64, 0, 2, 4, AMEM, 0, .alu = MV_ALU_CMP },
	{ "test_m8_r8",		{ 0x84, 0x03 }, 2, M64, 0, 2, 1, AMEM, 0, .alu = MV_ALU_TEST },
	{ "test_m64_r64",	{ 0x48, 0x85, 0x03 }, 3, M64, 0, 3, 8, AMEM, 0, .alu = MV_ALU_TEST },
	{ "lock_add_m32",	{ 0xf0, 0x01, 0x03 }, 3, M64, 0, 3, 4, AMEM, 0, .alu = MV_ALU_ADD },
	/* ALU into a register from memory. */
	{ "add_r32_m32",	{ 0x03, 0x03 }, 2, M64, 0, 2, 4, AREG, 0, .alu = MV_ALU_ADD },
	{ "add_r8_m8",		{ 0x02, 0x03 }, 2, M64, 0, 2, 1, AREG, 0, .alu = MV_ALU_ADD },
	{ "or_r32_m32",		{ 0x0b, 0x0b }, 2, M64, 0, 2, 4, AREG, 1, .alu = MV_ALU_OR },
	{ "or_r8_m8",		{ 0x0a, 0x0b }, 2, M64, 0, 2, 1, AREG, 1, .alu = MV_ALU_OR },
	{ "adc_r64_m64",	{ 0x48, 0x13, 0x03 }, 3, M64, 0, 3, 8, AREG, 0, .alu = MV_ALU_ADC },
	{ "sbb_r8_m8",		{ 0x1a, 0x03 }, 2, M64, 0, 2, 1, AREG, 0, .alu = MV_ALU_SBB },
	{ "and_r32_m32",	{ 0x23, 0x03 }, 2, M64, 0, 2, 4, AREG, 0, .alu = MV_ALU_AND },
	{ "and_dh_m8",		{ 0x22, 0x33 }, 2, M64, 0, 2, 1, AREG, 2, true, .alu = MV_ALU_AND },
	{ "sub_r32_m32",	{ 0x2b, 0x03 }, 2, M64, 0, 2, 4, AREG, 0, .alu = MV_ALU_SUB },
	{ "xor_r32_m32",	{ 0x33, 0x03 }, 2, M64, 0, 2, 4, AREG, 0, .alu = MV_ALU_XOR },
	{ "xor_r16_m16",	{ 0x66, 0x33, 0x03 }, 3, M64, 0, 3, 2, AREG, 0, .alu = MV_ALU_XOR },
	{ "cmp_r32_m32",	{ 0x3b, 0x03 }, 2, M64, 0, 2, 4, AREG, 0, .alu = MV_ALU_CMP },
	{ "cmp_r13_m64",	{ 0x4c, 0x3b, 0x2b }, 3, M64, 0, 3, 8, AREG, 13, .alu = MV_ALU_CMP },
	/* Immediate group 1 (80/81/83) and TEST imm (F6/F7 /0). */
	{ "or_m8_imm8",		{ 0x80, 0x0b, 0x0f }, 3, M64, 0, 3, 1, AMEM, 0, false, 0x0f, .alu = MV_ALU_OR, .src_imm = true },
	{ "xor_m8_imm8_sext",	{ 0x80, 0x33, 0x80 }, 3, M64, 0, 3, 1, AMEM, 0, false, 0xffffffffffffff80ULL, .alu = MV_ALU_XOR, .src_imm = true },
	{ "add_m8_imm8_rex_no_reg", { 0x44, 0x80, 0x03, 0x01 }, 4, M64, 0, 4, 1, AMEM, 0, false, 1, .alu = MV_ALU_ADD, .src_imm = true },
	{ "and_m32_imm32",	{ 0x81, 0x23, 0xff, 0, 0, 0 }, 6, M64, 0, 6, 4, AMEM, 0, false, 0xff, .alu = MV_ALU_AND, .src_imm = true },
	{ "add_m16_imm16",	{ 0x66, 0x81, 0x03, 0x34, 0x12 }, 5, M64, 0, 5, 2, AMEM, 0, false, 0x1234, .alu = MV_ALU_ADD, .src_imm = true },
	{ "sub_m64_imm32_sext",	{ 0x48, 0x81, 0x2b, 0, 0, 0, 0x80 }, 7, M64, 0, 7, 8, AMEM, 0, false, 0xffffffff80000000ULL, .alu = MV_ALU_SUB, .src_imm = true },
	{ "adc_m32_imm32",	{ 0x81, 0x13, 1, 0, 0, 0 }, 6, M64, 0, 6, 4, AMEM, 0, false, 1, .alu = MV_ALU_ADC, .src_imm = true },
	{ "sbb_m32_imm8",	{ 0x83, 0x1b, 1 }, 3, M64, 0, 3, 4, AMEM, 0, false, 1, .alu = MV_ALU_SBB, .src_imm = true },
	{ "cmp_m32_imm8",	{ 0x83, 0x3b, 0x05 }, 3, M64, 0, 3, 4, AMEM, 0, false, 5, .alu = MV_ALU_CMP, .src_imm = true },
	{ "add_m64_imm8_minus1", { 0x48, 0x83, 0x03, 0xff }, 4, M64, 0, 4, 8, AMEM, 0, false, ~0ULL, .alu = MV_ALU_ADD, .src_imm = true },
	{ "or_m16_imm8_sext",	{ 0x66, 0x83, 0x0b, 0x80 }, 4, M64, 0, 4, 2, AMEM, 0, false, 0xffffffffffffff80ULL, .alu = MV_ALU_OR, .src_imm = true },
	{ "and_m32_imm8_r12_disp8", { 0x41, 0x83, 0x64, 0x24, 0x08, 0xfe }, 6, M64, 0, 6, 4, AMEM, 0, false, 0xfffffffffffffffeULL, .alu = MV_ALU_AND, .src_imm = true },
	{ "cmp_m8_imm8",	{ 0x80, 0x3b, 0x7f }, 3, M64, 0, 3, 1, AMEM, 0, false, 0x7f, .alu = MV_ALU_CMP, .src_imm = true },
	{ "test_m8_imm8",	{ 0xf6, 0x03, 0x01 }, 3, M64, 0, 3, 1, AMEM, 0, false, 1, .alu = MV_ALU_TEST, .src_imm = true },
	{ "test_m32_imm32",	{ 0xf7, 0x03, 0, 0, 0, 0x80 }, 6, M64, 0, 6, 4, AMEM, 0, false, 0xffffffff80000000ULL, .alu = MV_ALU_TEST, .src_imm = true },
	{ "test_m16_imm16",	{ 0x66, 0xf7, 0x03, 0x34, 0x12 }, 5, M64, 0, 5, 2, AMEM, 0, false, 0x1234, .alu = MV_ALU_TEST, .src_imm = true },
	{ "test_m64_imm32",	{ 0x48, 0xf7, 0x03, 1, 0, 0, 0 }, 7, M64, 0, 7, 8, AMEM, 0, false, 1, .alu = MV_ALU_TEST, .src_imm = true },
	{ "m16_or_m16_imm16",	{ 0x81, 0x0f, 0x00, 0x80 }, 4, M16, 0, 4, 2, AMEM, 0, false, 0xffffffffffff8000ULL, .alu = MV_ALU_OR, .src_imm = true },
	{ "f6_not_rejected",	{ 0xf6, 0x13 }, 2, M64, -EINVAL },
	{ "f7_neg_rejected",	{ 0xf7, 0x1b }, 2, M64, -EINVAL },
	{ "f6_slash1_rejected",	{ 0xf6, 0x0b, 0x01 }, 3, M64, -EINVAL },
	{ "group1_register",	{ 0x80, 0xc0, 0x01 }, 3, M64, -EINVAL },
	{ "group1_truncated_imm8", { 0x83, 0x03 }, 2, M64, -EINVAL },
	{ "group1_truncated_imm32", { 0x81, 0x03, 0, 0 }, 4, M64, -EINVAL },
	{ "alu_register_form",	{ 0x01, 0xc0 }, 2, M64, -EINVAL },
	/* XCHG with memory. */
	{ "xchg_m32_eax",	{ 0x87, 0x03 }, 2, M64, 0, 2, 4, XCHG, 0 },
	{ "xchg_m8_ah",		{ 0x86, 0x23 }, 2, M64, 0, 2, 1, XCHG, 0, true },
	{ "xchg_m64_rcx",	{ 0x48, 0x87, 0x0b }, 3, M64, 0, 3, 8, XCHG, 1 },
	{ "xchg_m64_r15",	{ 0x4c, 0x87, 0x3b }, 3, M64, 0, 3, 8, XCHG, 15 },
	{ "xchg_register",	{ 0x87, 0xc0 }, 2, M64, -EINVAL },
	/* Rejected. */
	{ "register_operand",	{ 0x89, 0xc0 }, 2, M64, -EINVAL },
	{ "lea_is_no_access",	{ 0x8d, 0x03 }, 2, M64, -EINVAL },
	{ "inc_m32_unsupported", { 0xff, 0x03 }, 2, M64, -EINVAL },
	{ "lods_unsupported",	{ 0xac }, 1, M64, -EINVAL },
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
	KUNIT_EXPECT_EQ(test, insn.reg_size, c->reg_size ?: c->size);
	if (c->op == AMEM || c->op == AREG)
		KUNIT_EXPECT_EQ(test, insn.alu, c->alu);
	KUNIT_EXPECT_EQ(test, insn.src_imm, c->src_imm);
	KUNIT_EXPECT_EQ(test, insn.rep, c->rep);
	if (c->addr_size)
		KUNIT_EXPECT_EQ(test, insn.addr_size, c->addr_size);
	if (c->op == MOVS)
		KUNIT_EXPECT_EQ(test, insn.seg, c->seg);
}

/*
 * Every accepted row, cut short anywhere before its end, is rejected: the
 * decoder needs all of an instruction's bytes and reads none beyond.
 */
static void insn_decode_truncated(struct kunit *test)
{
	const struct decode_case *c = test->param_value;
	struct mv_insn insn;
	unsigned int avail;

	if (c->want_ret)
		return;
	for (avail = 0; avail < c->len; avail++) {
		u8 *buf = kunit_kmalloc(test, avail ? avail : 1, GFP_KERNEL);

		KUNIT_ASSERT_NOT_NULL(test, buf);
		memcpy(buf, c->bytes, avail);
		KUNIT_EXPECT_EQ_MSG(test, mv_insn_decode(buf, avail, c->mode, &insn),
				    -EINVAL, "avail %u", avail);
	}
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
	KUNIT_CASE_PARAM(insn_decode_truncated, decode_gen_params),
	KUNIT_CASE(insn_decode_respects_avail),
	{}
};

static struct kunit_suite insn_decode_suite = {
	.name = "minivisor_insn_decode",
	.test_cases = insn_decode_cases,
};

kunit_test_suite(insn_decode_suite);

MODULE_LICENSE("GPL");

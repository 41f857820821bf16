/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Decoder for the instructions a guest uses to touch MMIO. It only needs
 * what the EPT-violation exit does not give us: the kind of access, the
 * access size, the register or immediate involved, and the instruction
 * length (the VM-exit instruction-length field is not valid for EPT
 * violations, SDM Vol. 3C 28.2.5). The address itself comes from the exit.
 *
 * Pure function of its input bytes, tested by the minivisor_insn_decode
 * KUnit suite. What the decoded instruction does is computed by
 * insn_emulate.c.
 */
#ifndef MV_INSN_DECODE_H
#define MV_INSN_DECODE_H

#include <linux/types.h>

/* Default operand and address size of the code being decoded. */
enum mv_insn_mode {
	MV_INSN_MODE_16,	/* real mode, or CS.D = 0 */
	MV_INSN_MODE_32,	/* CS.D = 1 */
	MV_INSN_MODE_64,	/* IA-32e mode with CS.L = 1 */
};

enum mv_insn_op {
	MV_INSN_NONE,		/* not decoded (never returned) */
	MV_INSN_LOAD,		/* register <- memory */
	MV_INSN_STORE_REG,	/* memory <- register */
	MV_INSN_STORE_IMM,	/* memory <- immediate */
	MV_INSN_LOAD_ZX,	/* register <- zero-extended memory (MOVZX) */
	MV_INSN_LOAD_SX,	/* register <- sign-extended memory (MOVSX/D) */
	MV_INSN_ALU_MEM,	/* memory <- memory alu register/immediate */
	MV_INSN_ALU_REG,	/* register <- register alu memory */
	MV_INSN_XCHG,		/* memory <-> register */
	MV_INSN_STOS,		/* ES:rDI <- rAX */
	MV_INSN_MOVS,		/* ES:rDI <- seg:rSI */
};

/*
 * ALU operations, numbered as ModRM.reg of opcodes 80/81/83 and bits 5:3
 * of opcodes 00..3D encode them (SDM Vol. 2A Table A-6, "Immediate
 * Group 1"), so that the decoder can take the number from either.
 */
enum mv_alu_op {
	MV_ALU_ADD,
	MV_ALU_OR,
	MV_ALU_ADC,
	MV_ALU_SBB,
	MV_ALU_AND,
	MV_ALU_SUB,
	MV_ALU_XOR,
	MV_ALU_CMP,		/* SUB that writes only the flags */
	MV_ALU_TEST,		/* AND that writes only the flags */
	MV_NR_ALU_OPS
};

/* Segment registers as instructions encode them (SDM Vol. 2A 3.7.4). */
enum mv_seg {
	MV_SEG_ES, MV_SEG_CS, MV_SEG_SS, MV_SEG_DS, MV_SEG_FS, MV_SEG_GS,
};

#define MV_INSN_MAX_LEN		15	/* SDM Vol. 2A 2.3.11 */

struct mv_insn {
	u8 len;			/* bytes, prefixes included */
	u8 size;		/* memory access size: 1, 2, 4 or 8 */
	u8 op;			/* enum mv_insn_op */
	u8 reg;			/* GPR number 0..15 (register operand) */
	bool high8;		/* reg is AH/CH/DH/BH: bits 15:8 of reg */
	u8 reg_size;		/* register operand size; > size for MOVZX/SX */
	u8 alu;			/* enum mv_alu_op, for MV_INSN_ALU_* */
	bool src_imm;		/* ALU_MEM: the source is imm, not reg */
	bool rep;		/* STOS/MOVS with an F3 prefix */
	u8 addr_size;		/* address size in bytes: 2, 4 or 8 */
	u8 seg;			/* enum mv_seg of a MOVS source */
	u64 imm;		/* immediate, sign-extended to 64 bits */
};

/*
 * Decode @bytes (@avail of them readable). Returns 0, or -EINVAL for an
 * instruction outside the supported set (the caller reports the bytes to
 * userspace as an emulation failure).
 */
int mv_insn_decode(const u8 *bytes, unsigned int avail,
		   enum mv_insn_mode mode, struct mv_insn *out);

#endif /* MV_INSN_DECODE_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Decoder for the instructions a guest uses to touch MMIO. It only needs
 * what the EPT-violation exit does not give us: the access size, the
 * register or immediate involved, and the instruction length (the
 * VM-exit instruction-length field is not valid for EPT violations, SDM
 * Vol. 3C 28.2.5). The address itself comes from the exit.
 *
 * Pure function of its input bytes, tested by the minivisor_insn_decode
 * KUnit suite.
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
	MV_INSN_LOAD,		/* register <- memory */
	MV_INSN_STORE_REG,	/* memory <- register */
	MV_INSN_STORE_IMM,	/* memory <- immediate */
};

#define MV_INSN_MAX_LEN		15	/* SDM Vol. 2A 2.3.11 */

struct mv_insn {
	u8 len;			/* bytes, prefixes included */
	u8 size;		/* memory access size: 1, 2, 4 or 8 */
	u8 op;			/* enum mv_insn_op */
	u8 reg;			/* GPR number 0..15 (register operand) */
	bool high8;		/* reg is AH/CH/DH/BH: bits 15:8 of reg */
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

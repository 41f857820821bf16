// SPDX-License-Identifier: GPL-2.0
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include "insn_decode.h"

/* Opcode properties. */
#define D_BYTE		BIT(0)	/* 8-bit operand regardless of prefixes */
#define D_MODRM		BIT(1)	/* a ModRM byte with a memory operand */
#define D_SLASH0	BIT(2)	/* ModRM.reg must be 0 (opcode extension) */
#define D_GROUP		BIT(3)	/* ModRM.reg is the ALU op, no register */
#define D_IMM		BIT(4)	/* immediate of operand size, at most 32 bits */
#define D_IMM8		BIT(5)	/* 8-bit immediate, sign-extended */
#define D_STRING	BIT(6)	/* string instruction: no ModRM, REP allowed */
#define D_ONLY64	BIT(7)	/* another instruction outside 64-bit mode */
#define D_MOFFS		BIT(8)	/* no ModRM: an absolute address of the
				 * address size follows; the register is rAX
				 */

struct opcode_desc {
	u8 op;		/* enum mv_insn_op; MV_INSN_NONE: not accepted */
	u16 flags;
	u8 alu;		/* enum mv_alu_op, for MV_INSN_ALU_* */
	u8 src;		/* memory operand size of MOVZX/MOVSX(D), else 0 */
};

/* Index of a two-byte opcode 0F xx in the table below. */
#define TWO_BYTE(b)	(0x100 | (b))

/*
 * The ALU instructions 00..3B come in fours (SDM Vol. 2A Table A-2):
 * r/m8 op= r8, r/m op= r, r8 op= r/m8, r op= r/m. For CMP, "op=" only
 * sets the flags.
 */
#define ALU_FOUR(base, alu)						\
	[(base) + 0] = { MV_INSN_ALU_MEM, D_MODRM | D_BYTE, alu },	\
	[(base) + 1] = { MV_INSN_ALU_MEM, D_MODRM, alu },		\
	[(base) + 2] = { MV_INSN_ALU_REG, D_MODRM | D_BYTE, alu },	\
	[(base) + 3] = { MV_INSN_ALU_REG, D_MODRM, alu }

/*
 * Every instruction accepted for MMIO, indexed by opcode: one-byte
 * opcodes at 0x00..0xff, two-byte ones (0F xx) at TWO_BYTE(xx). SDM
 * Vol. 2A Appendix A (opcode map) and Vol. 2B for each instruction.
 */
static const struct opcode_desc opcodes[0x200] = {
	ALU_FOUR(0x00, MV_ALU_ADD),
	ALU_FOUR(0x08, MV_ALU_OR),
	ALU_FOUR(0x10, MV_ALU_ADC),
	ALU_FOUR(0x18, MV_ALU_SBB),
	ALU_FOUR(0x20, MV_ALU_AND),
	ALU_FOUR(0x28, MV_ALU_SUB),
	ALU_FOUR(0x30, MV_ALU_XOR),
	ALU_FOUR(0x38, MV_ALU_CMP),
	/* MOVSXD r, r/m32; 63 is ARPL outside 64-bit mode. */
	[0x63] = { MV_INSN_LOAD_SX, D_MODRM | D_ONLY64, 0, 4 },
	/* Immediate group 1: ModRM.reg selects the operation. */
	[0x80] = { MV_INSN_ALU_MEM, D_MODRM | D_BYTE | D_GROUP | D_IMM },
	[0x81] = { MV_INSN_ALU_MEM, D_MODRM | D_GROUP | D_IMM },
	[0x83] = { MV_INSN_ALU_MEM, D_MODRM | D_GROUP | D_IMM8 },
	[0x84] = { MV_INSN_ALU_MEM, D_MODRM | D_BYTE, MV_ALU_TEST },
	[0x85] = { MV_INSN_ALU_MEM, D_MODRM, MV_ALU_TEST },
	[0x86] = { MV_INSN_XCHG, D_MODRM | D_BYTE },
	[0x87] = { MV_INSN_XCHG, D_MODRM },
	[0x88] = { MV_INSN_STORE_REG, D_MODRM | D_BYTE },
	[0x89] = { MV_INSN_STORE_REG, D_MODRM },
	[0x8a] = { MV_INSN_LOAD, D_MODRM | D_BYTE },
	[0x8b] = { MV_INSN_LOAD, D_MODRM },
	/*
	 * MOV AL/rAX <-> moffs: what assemblers pick for an absolute address
	 * and the accumulator (e.g. 32-bit code's mov 0xfee00020, %eax).
	 */
	[0xa0] = { MV_INSN_LOAD, D_MOFFS | D_BYTE },
	[0xa1] = { MV_INSN_LOAD, D_MOFFS },
	[0xa2] = { MV_INSN_STORE_REG, D_MOFFS | D_BYTE },
	[0xa3] = { MV_INSN_STORE_REG, D_MOFFS },
	[0xa4] = { MV_INSN_MOVS, D_STRING | D_BYTE },
	[0xa5] = { MV_INSN_MOVS, D_STRING },
	[0xaa] = { MV_INSN_STOS, D_STRING | D_BYTE },
	[0xab] = { MV_INSN_STOS, D_STRING },
	[0xc6] = { MV_INSN_STORE_IMM, D_MODRM | D_BYTE | D_SLASH0 | D_IMM },
	[0xc7] = { MV_INSN_STORE_IMM, D_MODRM | D_SLASH0 | D_IMM },
	/* Group 3 /0 is TEST r/m, imm; the rest (NOT, NEG, MUL...) is not. */
	[0xf6] = { MV_INSN_ALU_MEM, D_MODRM | D_BYTE | D_SLASH0 | D_IMM,
		   MV_ALU_TEST },
	[0xf7] = { MV_INSN_ALU_MEM, D_MODRM | D_SLASH0 | D_IMM, MV_ALU_TEST },
	[TWO_BYTE(0xb6)] = { MV_INSN_LOAD_ZX, D_MODRM, 0, 1 },
	[TWO_BYTE(0xb7)] = { MV_INSN_LOAD_ZX, D_MODRM, 0, 2 },
	[TWO_BYTE(0xbe)] = { MV_INSN_LOAD_SX, D_MODRM, 0, 1 },
	[TWO_BYTE(0xbf)] = { MV_INSN_LOAD_SX, D_MODRM, 0, 2 },
};

struct prefixes {
	bool opsize;		/* 0x66 */
	bool addrsize;		/* 0x67 */
	bool rep;		/* 0xf3 */
	bool repne;		/* 0xf2 */
	u8 seg;			/* enum mv_seg: the last override, or DS */
	u8 rex;			/* 0x40..0x4f in 64-bit mode, else 0 */
};

/* Legacy prefix @b into @pfx; false if @b is not one (SDM Vol. 2A 2.1.1). */
static bool legacy_prefix(u8 b, struct prefixes *pfx)
{
	switch (b) {
	case 0x26:
	case 0x2e:
	case 0x36:
	case 0x3e:
		/* ES, CS, SS, DS: the segment number is in bits 4:3. */
		pfx->seg = (b >> 3) & 3;
		break;
	case 0x64:
	case 0x65:
		pfx->seg = b == 0x64 ? MV_SEG_FS : MV_SEG_GS;
		break;
	case 0x66:
		pfx->opsize = true;
		break;
	case 0x67:
		pfx->addrsize = true;
		break;
	case 0xf0:
		break;	/* LOCK: the emulated RMW is one read and one write */
	case 0xf2:
		pfx->repne = true;
		break;
	case 0xf3:
		pfx->rep = true;
		break;
	default:
		return false;
	}
	return true;
}

/* Length of ModRM + SIB + displacement starting at @p, or -EINVAL. */
static int modrm_length(const u8 *p, unsigned int avail, bool addr16)
{
	u8 modrm, mod, rm;
	int len = 1;

	if (avail < 1)
		return -EINVAL;
	modrm = p[0];
	mod = modrm >> 6;
	rm = modrm & 7;
	if (mod == 3)
		return -EINVAL;		/* register operand: not memory */

	if (addr16) {
		/* SDM Vol. 2A Table 2-1 */
		if (mod == 0 && rm == 6)
			return len + 2;
		return len + (mod == 1 ? 1 : mod == 2 ? 2 : 0);
	}

	/* SDM Vol. 2A Tables 2-2 and 2-3 */
	if (rm == 4) {
		if (avail < 2)
			return -EINVAL;
		len++;
		if (mod == 0 && (p[1] & 7) == 5)
			return len + 4;
	} else if (mod == 0 && rm == 5) {
		return len + 4;		/* disp32, or RIP-relative in 64-bit */
	}
	return len + (mod == 1 ? 1 : mod == 2 ? 4 : 0);
}

/* SDM Vol. 1 3.6.1 and Vol. 2A 2.2.1.2 (REX.W beats 66). */
static unsigned int operand_size(const struct opcode_desc *d,
				 const struct prefixes *pfx,
				 enum mv_insn_mode mode)
{
	if (d->flags & D_BYTE)
		return 1;
	if (mode == MV_INSN_MODE_64 && (pfx->rex & 8))
		return 8;
	if (mode == MV_INSN_MODE_16)
		return pfx->opsize ? 4 : 2;
	return pfx->opsize ? 2 : 4;
}

/* SDM Vol. 1 3.6.1 and 3.7.5: 67 toggles 16/32, or picks 32 in 64-bit. */
static unsigned int address_size(const struct prefixes *pfx,
				 enum mv_insn_mode mode)
{
	switch (mode) {
	case MV_INSN_MODE_64:
		return pfx->addrsize ? 4 : 8;
	case MV_INSN_MODE_32:
		return pfx->addrsize ? 2 : 4;
	default:
		return pfx->addrsize ? 4 : 2;
	}
}

static u64 read_imm(const u8 *p, unsigned int size)
{
	switch (size) {
	case 1:
		return (u64)(s64)(s8)p[0];
	case 2:
		return (u64)(s64)(s16)(p[0] | p[1] << 8);
	default:
		return (u64)(s64)(s32)((u32)p[0] | (u32)p[1] << 8 |
				       (u32)p[2] << 16 | (u32)p[3] << 24);
	}
}

int mv_insn_decode(const u8 *bytes, unsigned int avail,
		   enum mv_insn_mode mode, struct mv_insn *out)
{
	struct prefixes pfx = { .seg = MV_SEG_DS };
	const struct opcode_desc *d;
	unsigned int i = 0, idx, opsize, imm_size;
	u8 modrm;
	int mlen;

	avail = min_t(unsigned int, avail, MV_INSN_MAX_LEN);

	for (; i < avail; i++) {
		u8 b = bytes[i];

		if (legacy_prefix(b, &pfx))
			pfx.rex = 0;	/* REX counts only right before opcode */
		else if (mode == MV_INSN_MODE_64 && (b & 0xf0) == 0x40)
			pfx.rex = b;
		else
			break;
	}
	if (i >= avail)
		return -EINVAL;

	idx = bytes[i++];
	if (idx == 0x0f) {
		if (i >= avail)
			return -EINVAL;
		/* F2/F3 before 0F select other instructions (F3 0F B8 is
		 * POPCNT, SDM Vol. 2A 2.1.2): accept none of them.
		 */
		if (pfx.rep || pfx.repne)
			return -EINVAL;
		idx = TWO_BYTE(bytes[i++]);
	}
	d = &opcodes[idx];
	if (d->op == MV_INSN_NONE)
		return -EINVAL;
	if ((d->flags & D_ONLY64) && mode != MV_INSN_MODE_64)
		return -EINVAL;

	memset(out, 0, sizeof(*out));
	out->op = d->op;
	out->alu = d->alu;
	opsize = operand_size(d, &pfx, mode);
	out->reg_size = opsize;
	out->size = d->src ? min_t(unsigned int, d->src, opsize) : opsize;
	out->addr_size = address_size(&pfx, mode);

	if (d->flags & D_STRING) {
		/* F2 with STOS/MOVS is not architecturally a REP (SDM Vol. 2B
		 * "REP/REPE/REPZ/REPNE/REPNZ"); leave it to the CPU's owner.
		 */
		if (pfx.repne)
			return -EINVAL;
		out->rep = pfx.rep;
		out->seg = pfx.seg;	/* MOVS source; STOS always uses ES */
		out->reg = 0;		/* STOS stores rAX */
		out->len = i;
		return 0;
	}

	if (d->flags & D_MOFFS) {
		/* The offset is as wide as an address (SDM Vol. 2A 2.2.1.4). */
		if (i + out->addr_size > avail)
			return -EINVAL;
		out->reg = 0;
		out->len = i + out->addr_size;
		return 0;
	}

	if (i >= avail)
		return -EINVAL;
	modrm = bytes[i];
	if ((d->flags & D_SLASH0) && ((modrm >> 3) & 7))
		return -EINVAL;

	mlen = modrm_length(&bytes[i], avail - i, out->addr_size == 2);
	if (mlen < 0)
		return mlen;
	i += mlen;
	if (i > avail)
		return -EINVAL;		/* displacement cut short */

	if (d->flags & D_GROUP) {
		out->alu = (modrm >> 3) & 7;
	} else if (!(d->flags & D_SLASH0)) {
		out->reg = ((modrm >> 3) & 7) | ((pfx.rex & 4) ? 8 : 0);
		/* Without REX, byte registers 4..7 are AH, CH, DH, BH. */
		if (out->reg_size == 1 && !pfx.rex && out->reg >= 4 &&
		    out->reg < 8) {
			out->high8 = true;
			out->reg -= 4;
		}
	}

	if (d->flags & (D_IMM | D_IMM8)) {
		imm_size = d->flags & D_IMM8 ? 1 : min_t(unsigned int, opsize, 4);
		if (i + imm_size > avail)
			return -EINVAL;
		out->imm = read_imm(&bytes[i], imm_size);
		out->src_imm = out->op == MV_INSN_ALU_MEM;
		i += imm_size;
	}
	out->len = i;
	return 0;
}

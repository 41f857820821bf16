// SPDX-License-Identifier: GPL-2.0
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include "insn_decode.h"

/* Opcode properties. */
#define OP_BYTE		BIT(0)	/* 8-bit operand regardless of prefixes */
#define OP_SLASH0	BIT(1)	/* ModRM.reg must be 0 (opcode extension) */
#define OP_IMM		BIT(2)	/* immediate of operand size, at most 32 bits */

struct opcode_desc {
	u8 opcode;
	u8 flags;
	u8 op;		/* enum mv_insn_op */
};

/* One-byte opcodes accepted for MMIO (SDM Vol. 2B, MOV). */
static const struct opcode_desc opcodes[] = {
	{ 0x88, OP_BYTE,			MV_INSN_STORE_REG },
	{ 0x89, 0,				MV_INSN_STORE_REG },
	{ 0x8a, OP_BYTE,			MV_INSN_LOAD },
	{ 0x8b, 0,				MV_INSN_LOAD },
	{ 0xc6, OP_BYTE | OP_SLASH0 | OP_IMM,	MV_INSN_STORE_IMM },
	{ 0xc7, OP_SLASH0 | OP_IMM,		MV_INSN_STORE_IMM },
};

struct prefixes {
	bool opsize;		/* 0x66 */
	bool addrsize;		/* 0x67 */
	u8 rex;			/* 0x40..0x4f in 64-bit mode, else 0 */
};

static bool is_legacy_prefix(u8 b)
{
	switch (b) {
	case 0x26: case 0x2e: case 0x36: case 0x3e: case 0x64: case 0x65:
	case 0x66: case 0x67: case 0xf0: case 0xf2: case 0xf3:
		return true;
	}
	return false;
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

static unsigned int operand_size(const struct opcode_desc *d,
				 const struct prefixes *pfx,
				 enum mv_insn_mode mode)
{
	if (d->flags & OP_BYTE)
		return 1;
	if (mode == MV_INSN_MODE_64 && (pfx->rex & 8))
		return 8;
	if (mode == MV_INSN_MODE_16)
		return pfx->opsize ? 4 : 2;
	return pfx->opsize ? 2 : 4;
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
	const struct opcode_desc *d = NULL;
	struct prefixes pfx = {};
	unsigned int i = 0, k, imm_size;
	bool addr16;
	u8 modrm;
	int mlen;

	avail = min_t(unsigned int, avail, MV_INSN_MAX_LEN);

	for (; i < avail; i++) {
		u8 b = bytes[i];

		if (is_legacy_prefix(b)) {
			pfx.opsize |= b == 0x66;
			pfx.addrsize |= b == 0x67;
			pfx.rex = 0;	/* REX counts only right before opcode */
		} else if (mode == MV_INSN_MODE_64 && (b & 0xf0) == 0x40) {
			pfx.rex = b;
		} else {
			break;
		}
	}
	if (i >= avail)
		return -EINVAL;

	for (k = 0; k < ARRAY_SIZE(opcodes); k++) {
		if (opcodes[k].opcode == bytes[i]) {
			d = &opcodes[k];
			break;
		}
	}
	if (!d)
		return -EINVAL;
	i++;

	if (i >= avail)
		return -EINVAL;
	modrm = bytes[i];
	if ((d->flags & OP_SLASH0) && ((modrm >> 3) & 7))
		return -EINVAL;

	addr16 = (mode == MV_INSN_MODE_16) != pfx.addrsize &&
		 mode != MV_INSN_MODE_64;
	mlen = modrm_length(&bytes[i], avail - i, addr16);
	if (mlen < 0)
		return mlen;
	i += mlen;

	memset(out, 0, sizeof(*out));
	out->op = d->op;
	out->size = operand_size(d, &pfx, mode);
	out->reg = ((modrm >> 3) & 7) | ((pfx.rex & 4) ? 8 : 0);
	/* Without REX, byte registers 4..7 are AH, CH, DH, BH. */
	if (out->size == 1 && !pfx.rex && out->reg >= 4 && out->reg < 8) {
		out->high8 = true;
		out->reg -= 4;
	}

	if (d->flags & OP_IMM) {
		imm_size = min_t(unsigned int, out->size, 4);
		if (i + imm_size > avail)
			return -EINVAL;
		out->imm = read_imm(&bytes[i], imm_size);
		i += imm_size;
	}
	if (i > avail)
		return -EINVAL;
	out->len = i;
	return 0;
}

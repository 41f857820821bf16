// SPDX-License-Identifier: GPL-2.0
/*
 * ALU and register semantics of the instructions the MMIO path emulates.
 * Flags follow the "Flags Affected" section of each instruction in SDM
 * Vol. 2A/2B (ADD, ADC, SUB, SBB, CMP, AND, OR, XOR, TEST) and the
 * definitions of SDM Vol. 1 3.4.3.1.
 */
#include <linux/bitops.h>
#include <linux/kernel.h>
#include "insn_emulate.h"

/*
 * AF is the carry or borrow out of bit 3. Bit 4 of dst ^ src ^ result is
 * exactly that (the sum bit without the carry, xored with the actual sum
 * bit), and X86_EFLAGS_AF is bit 4, so the expression is the flag itself.
 */
static unsigned long aux_carry(u64 dst, u64 src, u64 res)
{
	return (dst ^ src ^ res) & X86_EFLAGS_AF;
}

u64 mv_alu(enum mv_alu_op op, unsigned int size, u64 dst, u64 src,
	   unsigned long *rflags)
{
	u64 mask = mv_size_mask(size);
	u64 sign = 1ULL << (size * 8 - 1);
	u64 carry = !!(*rflags & X86_EFLAGS_CF);
	unsigned long flags = 0;
	u64 res;

	dst &= mask;
	src &= mask;
	switch (op) {
	case MV_ALU_ADD:
	case MV_ALU_ADC:
		if (op == MV_ALU_ADD)
			carry = 0;
		res = (dst + src + carry) & mask;
		/* Unsigned overflow: the truncated sum wrapped below dst. */
		if (res < dst || (carry && res == dst))
			flags |= X86_EFLAGS_CF;
		/* Signed overflow: both inputs' sign differs from the sum's. */
		if ((dst ^ res) & (src ^ res) & sign)
			flags |= X86_EFLAGS_OF;
		flags |= aux_carry(dst, src, res);
		break;
	case MV_ALU_SUB:
	case MV_ALU_SBB:
	case MV_ALU_CMP:
		if (op != MV_ALU_SBB)
			carry = 0;
		res = (dst - src - carry) & mask;
		/* Borrow: src (plus the borrow in) exceeds dst. */
		if (dst < src || (carry && dst == src))
			flags |= X86_EFLAGS_CF;
		/* Signed overflow: signs of dst and src differ and the
		 * result's sign is not dst's.
		 */
		if ((dst ^ src) & (dst ^ res) & sign)
			flags |= X86_EFLAGS_OF;
		flags |= aux_carry(dst, src, res);
		break;
	case MV_ALU_OR:
		res = dst | src;
		break;
	case MV_ALU_XOR:
		res = dst ^ src;
		break;
	default:	/* AND, TEST */
		res = dst & src;
		break;
	}
	/*
	 * The logical operations clear CF and OF (left clear above); their
	 * AF is undefined, and 0 is what this emulation gives it.
	 */
	if (!res)
		flags |= X86_EFLAGS_ZF;
	if (res & sign)
		flags |= X86_EFLAGS_SF;
	/* PF: even number of set bits in the least significant byte only. */
	if (!(hweight8(res & 0xff) & 1))
		flags |= X86_EFLAGS_PF;

	*rflags = (*rflags & ~(unsigned long)MV_ALU_FLAGS) | flags;
	return res;
}

u64 mv_extend(u64 val, unsigned int from, unsigned int to, bool sign)
{
	u64 from_mask = mv_size_mask(from);

	val &= from_mask;
	if (sign && (val >> (from * 8 - 1) & 1))
		val |= ~from_mask;
	return val & mv_size_mask(to);
}

u64 mv_reg_get(unsigned long reg, unsigned int size, bool high8)
{
	if (high8)
		return (reg >> 8) & 0xff;
	return reg & mv_size_mask(size);
}

unsigned long mv_reg_put(unsigned long reg, u64 val, unsigned int size,
			 bool high8)
{
	switch (size) {
	case 1:
		if (high8)
			return (reg & ~0xff00UL) | (val & 0xff) << 8;
		return (reg & ~0xffUL) | (val & 0xff);
	case 2:
		return (reg & ~0xffffUL) | (val & 0xffff);
	case 4:
		return val & 0xffffffff;
	default:
		return val;
	}
}

unsigned long mv_index_add(unsigned long reg, s64 delta,
			   unsigned int addr_size)
{
	return mv_reg_put(reg, reg + delta, addr_size, false);
}

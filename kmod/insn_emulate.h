/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a decoded MMIO instruction computes: the ALU operations with their
 * architectural status flags, zero/sign extension and the register-write
 * rules of each operand size. Pure functions, tested by the
 * minivisor_insn_emulate KUnit suite; exit_mmio.c applies them to the
 * guest's registers.
 */
#ifndef MV_INSN_EMULATE_H
#define MV_INSN_EMULATE_H

#include <linux/types.h>
#include <asm/processor-flags.h>
#include "insn_decode.h"

/* The status flags the ALU operations define (SDM Vol. 1 3.4.3.1). */
#define MV_ALU_FLAGS	(X86_EFLAGS_CF | X86_EFLAGS_PF | X86_EFLAGS_AF | \
			 X86_EFLAGS_ZF | X86_EFLAGS_SF | X86_EFLAGS_OF)

/*
 * @op on the low @size bytes of @dst and @src (dst op src, so SUB and
 * CMP compute dst - src). Returns the result, truncated to @size bytes,
 * and replaces the status flags in *@rflags; every other bit of it is
 * kept. ADC and SBB take their carry in from *@rflags.
 */
u64 mv_alu(enum mv_alu_op op, unsigned int size, u64 dst, u64 src,
	   unsigned long *rflags);

/* CMP and TEST write only the flags. */
static inline bool mv_alu_writes_result(enum mv_alu_op op)
{
	return op != MV_ALU_CMP && op != MV_ALU_TEST;
}

/* @val's low @from bytes, zero- or sign-extended to @to bytes. */
u64 mv_extend(u64 val, unsigned int from, unsigned int to, bool sign);

/* The @size-byte operand in register value @reg (AH..BH if @high8). */
u64 mv_reg_get(unsigned long reg, unsigned int size, bool high8);

/*
 * Register value @reg after writing @size-byte @val to it: 8- and 16-bit
 * writes keep the other bits, 32-bit ones zero bits 63:32 (SDM Vol. 1
 * 3.4.1.1), 64-bit ones replace it.
 */
unsigned long mv_reg_put(unsigned long reg, u64 val, unsigned int size,
			 bool high8);

/*
 * Index or count register @reg after adding @delta at @addr_size bytes
 * (rSI, rDI, rCX of a string instruction, SDM Vol. 1 3.6.1): it wraps
 * within the address size, the way mv_reg_put writes it.
 */
unsigned long mv_index_add(unsigned long reg, s64 delta,
			   unsigned int addr_size);

/* Mask of the low @size bytes (1, 2, 4 or 8). */
static inline u64 mv_size_mask(unsigned int size)
{
	return size >= 8 ? ~0ULL : (1ULL << (size * 8)) - 1;
}

#endif /* MV_INSN_EMULATE_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Thin wrappers around the VMX instructions. Each reports failure as the
 * SDM defines it (Vol. 3C 31.2): CF=1 is VMfailInvalid, ZF=1 is
 * VMfailValid with the reason in VM_INSTRUCTION_ERROR.
 */
#ifndef MV_VMX_OPS_H
#define MV_VMX_OPS_H

#include <linux/types.h>
#include <linux/errno.h>

/* Returns 0 on success, -EIO on VMfailInvalid/VMfailValid. */
static inline int mv_vmxon(u64 phys)
{
	bool fail;

	asm volatile("vmxon %[pa]"
		     : "=@ccbe" (fail)
		     : [pa] "m" (phys)
		     : "memory", "cc");
	return fail ? -EIO : 0;
}

static inline void mv_vmxoff(void)
{
	asm volatile("vmxoff" ::: "memory", "cc");
}

static inline int mv_vmclear(u64 phys)
{
	bool fail;

	asm volatile("vmclear %[pa]"
		     : "=@ccbe" (fail)
		     : [pa] "m" (phys)
		     : "memory", "cc");
	return fail ? -EIO : 0;
}

static inline int mv_vmptrld(u64 phys)
{
	bool fail;

	asm volatile("vmptrld %[pa]"
		     : "=@ccbe" (fail)
		     : [pa] "m" (phys)
		     : "memory", "cc");
	return fail ? -EIO : 0;
}

/* INVEPT descriptor and types, SDM Vol. 3C 31.3 ("INVEPT"). */
#define MV_INVEPT_SINGLE_CONTEXT	1
#define MV_INVEPT_ALL_CONTEXT		2

static inline int mv_invept(unsigned long type, u64 eptp)
{
	struct { u64 eptp, reserved; } desc = { eptp, 0 };
	bool fail;

	asm volatile("invept %[desc], %[type]"
		     : "=@ccbe" (fail)
		     : [desc] "m" (desc), [type] "r" (type)
		     : "memory", "cc");
	return fail ? -EIO : 0;
}

#endif /* MV_VMX_OPS_H */

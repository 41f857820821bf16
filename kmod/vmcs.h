/* SPDX-License-Identifier: GPL-2.0 */
/*
 * VMCS field accessors, typed by field width.
 *
 * A field encoding carries its width in bits 14:13 (SDM Vol. 3C 25.11.2,
 * "VMREAD, VMWRITE, and Encodings of VMCS Fields"): 0 = 16-bit, 1 = 64-bit,
 * 2 = 32-bit, 3 = natural width. Bit 0 selects the high half of a 64-bit
 * field, which only 32-bit hosts use. The accessors below refuse, at
 * compile time, a constant encoding of the wrong width, so a 32-bit write
 * to a 64-bit field cannot silently truncate.
 *
 * The field names come from the kernel's <asm/vmx.h>.
 */
#ifndef MV_VMCS_H
#define MV_VMCS_H

#include <linux/build_bug.h>
#include <asm/vmx.h>

#define MV_VMCS_WIDTH(field)	(((field) >> 13) & 3)
#define MV_VMCS_W16		0
#define MV_VMCS_W64		1
#define MV_VMCS_W32		2
#define MV_VMCS_WNAT		3

void mv_vmwrite_error(unsigned long field, unsigned long value);
void mv_vmread_error(unsigned long field);

static __always_inline unsigned long __mv_vmread(unsigned long field)
{
	unsigned long value;
	bool fail;

	asm volatile("vmread %[field], %[value]"
		     : [value] "=rm" (value), "=@ccbe" (fail)
		     : [field] "r" (field)
		     : "cc");
	if (unlikely(fail)) {
		mv_vmread_error(field);
		return 0;
	}
	return value;
}

static __always_inline void __mv_vmwrite(unsigned long field,
					 unsigned long value)
{
	bool fail;

	asm volatile("vmwrite %[value], %[field]"
		     : "=@ccbe" (fail)
		     : [field] "r" (field), [value] "rm" (value)
		     : "cc");
	if (unlikely(fail))
		mv_vmwrite_error(field, value);
}

#define MV_CHECK_WIDTH(field, width)					\
	BUILD_BUG_ON(__builtin_constant_p(field) &&			\
		     (MV_VMCS_WIDTH(field) != (width) || ((field) & 1)))

static __always_inline u16 vmcs_read16(unsigned long field)
{
	MV_CHECK_WIDTH(field, MV_VMCS_W16);
	return __mv_vmread(field);
}

static __always_inline u32 vmcs_read32(unsigned long field)
{
	MV_CHECK_WIDTH(field, MV_VMCS_W32);
	return __mv_vmread(field);
}

static __always_inline u64 vmcs_read64(unsigned long field)
{
	MV_CHECK_WIDTH(field, MV_VMCS_W64);
	return __mv_vmread(field);
}

static __always_inline unsigned long vmcs_readl(unsigned long field)
{
	MV_CHECK_WIDTH(field, MV_VMCS_WNAT);
	return __mv_vmread(field);
}

static __always_inline void vmcs_write16(unsigned long field, u16 value)
{
	MV_CHECK_WIDTH(field, MV_VMCS_W16);
	__mv_vmwrite(field, value);
}

static __always_inline void vmcs_write32(unsigned long field, u32 value)
{
	MV_CHECK_WIDTH(field, MV_VMCS_W32);
	__mv_vmwrite(field, value);
}

static __always_inline void vmcs_write64(unsigned long field, u64 value)
{
	MV_CHECK_WIDTH(field, MV_VMCS_W64);
	__mv_vmwrite(field, value);
}

static __always_inline void vmcs_writel(unsigned long field,
					unsigned long value)
{
	MV_CHECK_WIDTH(field, MV_VMCS_WNAT);
	__mv_vmwrite(field, value);
}

static __always_inline void vmcs_set_bits32(unsigned long field, u32 mask)
{
	vmcs_write32(field, vmcs_read32(field) | mask);
}

static __always_inline void vmcs_clear_bits32(unsigned long field, u32 mask)
{
	vmcs_write32(field, vmcs_read32(field) & ~mask);
}

#endif /* MV_VMCS_H */

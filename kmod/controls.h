/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Pure helpers for VMX control words and fixed CR bits: no hardware access,
 * so KUnit can test them on any machine.
 */
#ifndef MV_CONTROLS_H
#define MV_CONTROLS_H

#include <linux/types.h>

/*
 * Adjust a VMX control word against its capability MSR (SDM Vol. 3D A.3):
 * bits 31:0 of the MSR are the allowed 0-settings (a 1 there means the
 * control must be 1), bits 63:32 the allowed 1-settings (a 0 there means
 * the control must be 0).
 *
 * @required bits must all be allowed to be 1; @optional bits are kept only
 * where allowed. Returns 0 and stores the word in @out, or -EOPNOTSUPP and
 * stores the unsupported required bits in @missing.
 */
int mv_adjust_controls(u32 required, u32 optional, u64 cap_msr,
		       u32 *out, u32 *missing);

/*
 * Apply the IA32_VMX_CR{0,4}_FIXED{0,1} rules (SDM Vol. 3D A.7, A.8): bits
 * set in @fixed0 are forced to 1, bits clear in @fixed1 are forced to 0.
 */
static inline u64 mv_apply_fixed_bits(u64 val, u64 fixed0, u64 fixed1)
{
	return (val | fixed0) & fixed1;
}

#endif /* MV_CONTROLS_H */

// SPDX-License-Identifier: GPL-2.0
#include <linux/errno.h>
#include "controls.h"

int mv_adjust_controls(u32 required, u32 optional, u64 cap_msr,
		       u32 *out, u32 *missing)
{
	u32 must_be_one = (u32)cap_msr;
	u32 may_be_one = (u32)(cap_msr >> 32);
	u32 ctl = required | optional;

	*missing = required & ~may_be_one;
	if (*missing)
		return -EOPNOTSUPP;

	ctl &= may_be_one;
	ctl |= must_be_one;
	*out = ctl;
	return 0;
}

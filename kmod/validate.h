/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Validation of ioctl arguments. Pure functions of their inputs, so they
 * can be unit-tested with KUnit and run before any lock is taken.
 * Each returns 0 or -EINVAL.
 */
#ifndef MV_VALIDATE_H
#define MV_VALIDATE_H

#include <linux/types.h>
#include <minivisor.h>

/* Limits that depend on the CPU, filled from struct mv_vmx_caps. */
struct mv_limits {
	u32 max_slots;
	u32 max_vcpus;
	u64 max_gpa;		/* highest guest-physical address + 1 */
	u64 cr4_fixed1;		/* CR4 bits the CPU allows in VMX operation */
};

/*
 * Shape of a MV_SET_MEMORY_SLOT request on its own: flags, alignment,
 * range. Overlap and occupancy depend on the VM and are checked by the
 * caller with the VM lock held.
 */
int mv_check_slot_request(const struct mv_memory_slot *req,
			  const struct mv_limits *lim);

/*
 * True if [a, a + alen) and [b, b + blen) intersect. Lengths are > 0 and
 * neither range may wrap past 2^64 (mv_check_slot_request guarantees it).
 */
static inline bool mv_ranges_overlap(u64 a, u64 alen, u64 b, u64 blen)
{
	return a < b + blen && b < a + alen;
}

int mv_check_regs(const struct mv_regs *regs);
int mv_check_segment(const struct mv_segment *seg);
int mv_check_sregs(const struct mv_sregs *sregs, const struct mv_limits *lim);

#endif /* MV_VALIDATE_H */

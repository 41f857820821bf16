/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-vCPU exit statistics for generic netlink (genl.c): for each basic
 * exit reason the count, the total and largest number of host TSC cycles
 * from the VM exit to the next VM entry, and a log2 histogram of those
 * cycles (uapi/minivisor.h, "Generic netlink"). Tested by the KUnit suite
 * minivisor_stats.
 *
 * The hot path must cost little next to an exit (issue 6 asks for < 3%
 * of a CPUID exit), so at VM exit only the TSC and the reason are noted
 * (vcpu.c) and at the next entry mv_stats_handled() adds the exit to its
 * reason's histogram, total and maximum: no separate counters. A reason's
 * count is the sum of its histogram, plus one while an exit of that
 * reason is still being handled (a vCPU asleep in HLT); readers build
 * that view with mv_stats_snapshot().
 *
 * The vCPU thread writes; readers read without a lock. Each field is an
 * aligned u64 written with WRITE_ONCE, so a reader sees every field whole,
 * though a snapshot taken while an exit is accounted may be one exit
 * apart between fields.
 */
#ifndef MV_STATS_H
#define MV_STATS_H

#include <linux/compiler.h>
#include <linux/log2.h>
#include <linux/minmax.h>
#include <linux/types.h>
#include <minivisor.h>

struct mv_reason_acc {
	u64 cycles_total;
	u64 cycles_max;
	u64 hist[MV_STATS_HIST_BUCKETS];
};

/* What the vCPU accumulates. */
struct mv_vcpu_stats {
	struct mv_reason_acc reason[MV_NR_EXIT_REASONS];
};

/* What readers get: the counts made explicit. */
struct mv_reason_view {
	u64 count;
	u64 cycles_total;
	u64 cycles_max;
	u64 hist[MV_STATS_HIST_BUCKETS];
};

struct mv_stats_view {
	u64 exits_total;
	struct mv_reason_view reason[MV_NR_EXIT_REASONS];
};

/* The histogram bucket of an exit that took @cycles. */
static inline unsigned int mv_stats_bucket(u64 cycles)
{
	if (cycles < 2)
		return 0;
	return min_t(unsigned int, ilog2(cycles), MV_STATS_HIST_BUCKETS - 1);
}

/* An exit of basic reason @reason (< MV_NR_EXIT_REASONS) was handled. */
static inline void mv_stats_handled(struct mv_vcpu_stats *s, u32 reason,
				    u64 cycles)
{
	struct mv_reason_acc *r = &s->reason[reason];
	unsigned int b = mv_stats_bucket(cycles);

	WRITE_ONCE(r->hist[b], r->hist[b] + 1);
	WRITE_ONCE(r->cycles_total, r->cycles_total + cycles);
	if (cycles > r->cycles_max)
		WRITE_ONCE(r->cycles_max, cycles);
}

/*
 * Fill @v from @s; @inflight is the reason of an exit being handled, or a
 * negative number if none is.
 */
void mv_stats_snapshot(struct mv_stats_view *v, const struct mv_vcpu_stats *s,
		       int inflight);

/* Add @v to @sum, reason by reason (VM totals). */
void mv_stats_view_add(struct mv_stats_view *sum,
		       const struct mv_stats_view *v);

/* Zero @s (exits accounted at the same moment may survive). */
void mv_stats_reset(struct mv_vcpu_stats *s);

#endif /* MV_STATS_H */

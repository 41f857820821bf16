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
 * aligned 64-bit word changed by a single instruction (local64_t, whose
 * inc/add are one unlocked instruction: only one thread writes them; the
 * maximum with WRITE_ONCE), so a reader sees every field whole, though a
 * snapshot taken while an exit is accounted may be one exit apart
 * between fields. Measured in Bochs: see the closing note of issue 6 and
 * `make bench` ("cpuid, statistics off").
 */
#ifndef MV_STATS_H
#define MV_STATS_H

#include <linux/bitops.h>
#include <linux/compiler.h>
#include <linux/minmax.h>
#include <linux/types.h>
#include <asm/local64.h>
#include <minivisor.h>

/*
 * What the vCPU accumulates, laid out for the fewest instructions at VM
 * entry: a reason's histogram row is 256 bytes and its cycle sums 16,
 * so both are found with a shift.
 */
struct mv_cycles_acc {
	local64_t total;
	u64 max;
};

struct mv_vcpu_stats {
	local64_t hist[MV_NR_EXIT_REASONS][MV_STATS_HIST_BUCKETS];
	struct mv_cycles_acc cycles[MV_NR_EXIT_REASONS];
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
	/* __fls(1) == 0: 0 and 1 cycle share bucket 0, as the uapi says. */
	return min_t(unsigned int, __fls(cycles | 1),
		     MV_STATS_HIST_BUCKETS - 1);
}

/* An exit of basic reason @reason (< MV_NR_EXIT_REASONS) was handled. */
static inline void mv_stats_handled(struct mv_vcpu_stats *s, u32 reason,
				    u64 cycles)
{
	struct mv_cycles_acc *c = &s->cycles[reason];

	/* One instruction each; readers use local64_read(). */
	local64_inc(&s->hist[reason][mv_stats_bucket(cycles)]);
	local64_add(cycles, &c->total);
	if (cycles > c->max)
		WRITE_ONCE(c->max, cycles);
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

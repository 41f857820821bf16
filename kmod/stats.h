/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-vCPU exit statistics for generic netlink (genl.c): for each basic
 * exit reason the count, the total and largest number of host TSC cycles
 * from the VM exit to the next VM entry, and a log2 histogram of those
 * cycles (uapi/minivisor.h, "Generic netlink"). Tested by the KUnit suite
 * minivisor_stats.
 *
 * The hot path must cost little next to an exit (issue 6 asks for < 3%
 * of a CPUID exit), so at VM exit only the TSC and the reason's row are
 * noted (vcpu.c) and at the next entry mv_stats_row_add() adds the exit
 * to the row's histogram, total and maximum: no separate counters. A
 * reason's count is the sum of its histogram, plus one while an exit of
 * that reason is still being handled (a vCPU asleep in HLT); readers
 * build that view with mv_stats_snapshot().
 *
 * The vCPU thread writes; readers read without a lock. Each field is an
 * aligned 64-bit word changed by a single instruction (local64_t, whose
 * inc/add are one unlocked instruction: only one thread writes them;
 * the maximum with WRITE_ONCE), so a reader sees every field whole, though a snapshot taken
 * while an exit is accounted may be one exit apart between fields.
 * Measured in Bochs: see `make bench` ("statistics off" rows).
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
 * What the vCPU accumulates for one exit reason, laid out for the fewest
 * instructions at VM entry: one 512-byte row (found with a shift when the
 * exit is noted) holds the total and the largest number of cycles in its
 * first two words and a counter per power of two in the others: word k
 * (2 <= k <= 63) counts the exits that took [2^k, 2^(k+1)) cycles, word 2
 * also those under 4 cycles (no real exit is that short), so the word is
 * found with one BSR, without a clamp, and never lands on the first two.
 * Readers fold words 31..63 into the uapi's last bucket.
 */
#define MV_STATS_ROW_TOTAL	0
#define MV_STATS_ROW_MAX	1
#define MV_STATS_FIRST_BUCKET	2
#define MV_STATS_ROW_WORDS	64

struct mv_stats_row {
	union {
		local64_t w[MV_STATS_ROW_WORDS];
		struct {
			local64_t total;	/* w[MV_STATS_ROW_TOTAL] */
			u64 max;		/* w[MV_STATS_ROW_MAX] */
		};
	};
};

struct mv_vcpu_stats {
	struct mv_stats_row row[MV_NR_EXIT_REASONS];
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

/* The row's counter of an exit that took @cycles. */
static inline unsigned long mv_stats_word(u64 cycles)
{
	return __fls(cycles | BIT(MV_STATS_FIRST_BUCKET));
}

/* The uapi's histogram bucket of an exit that took @cycles. */
static inline unsigned long mv_stats_bucket(u64 cycles)
{
	return min_t(unsigned long, mv_stats_word(cycles),
		     MV_STATS_HIST_BUCKETS - 1);
}

/* An exit of the reason of row @r was handled in @cycles. */
static inline void mv_stats_row_add(struct mv_stats_row *r, u64 cycles)
{
	/* One instruction each; readers use local64_read(). */
	local64_inc(&r->w[mv_stats_word(cycles)]);
	local64_add(cycles, &r->total);
	/* Only this thread writes max: its own read needs no READ_ONCE. */
	if (cycles > r->max)
		WRITE_ONCE(r->max, cycles);
}

/* An exit of basic reason @reason (< MV_NR_EXIT_REASONS) was handled. */
static inline void mv_stats_handled(struct mv_vcpu_stats *s, u32 reason,
				    u64 cycles)
{
	mv_stats_row_add(&s->row[reason], cycles);
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

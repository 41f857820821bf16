/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-vCPU exit statistics for generic netlink (genl.c): for each basic
 * exit reason the count, the total and largest number of host TSC cycles
 * from the VM exit to the next VM entry, and a log2 histogram of those
 * cycles (uapi/minivisor.h, "Generic netlink"). Pure functions, tested by
 * the KUnit suite minivisor_stats.
 *
 * So the histogram of a reason sums to its count, or to one less while an
 * exit of that reason is being handled.
 *
 * The vCPU thread writes; netlink readers read without a lock. Each field
 * is an aligned u64, so a reader sees every field whole, though a row
 * read while an exit is accounted may be one exit apart between fields.
 */
#ifndef MV_STATS_H
#define MV_STATS_H

#include <linux/types.h>
#include <minivisor.h>

struct mv_reason_stats {
	u64 count;
	u64 cycles_total;
	u64 cycles_max;
	u64 hist[MV_STATS_HIST_BUCKETS];
};

struct mv_vcpu_stats {
	u64 exits_total;
	struct mv_reason_stats reason[MV_NR_EXIT_REASONS];
};

/* The histogram bucket of an exit that took @cycles. */
unsigned int mv_stats_bucket(u64 cycles);

/*
 * An exit of basic reason @reason happened: counted at once, so an exit
 * still being handled (a vCPU asleep in HLT) shows in the count...
 */
void mv_stats_count(struct mv_vcpu_stats *s, u32 reason);
/* ... and its cycles when its handling ends, at the next VM entry. */
void mv_stats_cycles(struct mv_vcpu_stats *s, u32 reason, u64 cycles);

/* Add @s to @sum, reason by reason (VM totals). */
void mv_stats_add(struct mv_vcpu_stats *sum, const struct mv_vcpu_stats *s);

/* Zero @s (see the comment above about concurrent exits). */
void mv_stats_reset(struct mv_vcpu_stats *s);

#endif /* MV_STATS_H */

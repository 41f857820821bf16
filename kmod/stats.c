// SPDX-License-Identifier: GPL-2.0
/* Exit statistics; see stats.h. */
#include <linux/compiler.h>
#include <linux/kernel.h>
#include <linux/log2.h>
#include <linux/string.h>
#include "stats.h"

unsigned int mv_stats_bucket(u64 cycles)
{
	unsigned int b;

	if (cycles < 2)
		return 0;
	b = ilog2(cycles);
	return min_t(unsigned int, b, MV_STATS_HIST_BUCKETS - 1);
}

void mv_stats_count(struct mv_vcpu_stats *s, u32 reason)
{
	if (reason >= MV_NR_EXIT_REASONS)
		return;
	/* WRITE_ONCE: lock-free readers must see whole values. */
	WRITE_ONCE(s->exits_total, s->exits_total + 1);
	WRITE_ONCE(s->reason[reason].count, s->reason[reason].count + 1);
}

void mv_stats_cycles(struct mv_vcpu_stats *s, u32 reason, u64 cycles)
{
	struct mv_reason_stats *r;
	unsigned int b = mv_stats_bucket(cycles);

	if (reason >= MV_NR_EXIT_REASONS)
		return;
	r = &s->reason[reason];
	WRITE_ONCE(r->cycles_total, r->cycles_total + cycles);
	if (cycles > r->cycles_max)
		WRITE_ONCE(r->cycles_max, cycles);
	WRITE_ONCE(r->hist[b], r->hist[b] + 1);
}

void mv_stats_add(struct mv_vcpu_stats *sum, const struct mv_vcpu_stats *s)
{
	unsigned int i, b;

	sum->exits_total += READ_ONCE(s->exits_total);
	for (i = 0; i < MV_NR_EXIT_REASONS; i++) {
		const struct mv_reason_stats *r = &s->reason[i];
		struct mv_reason_stats *t = &sum->reason[i];
		u64 max = READ_ONCE(r->cycles_max);

		t->count += READ_ONCE(r->count);
		t->cycles_total += READ_ONCE(r->cycles_total);
		if (max > t->cycles_max)
			t->cycles_max = max;
		for (b = 0; b < MV_STATS_HIST_BUCKETS; b++)
			t->hist[b] += READ_ONCE(r->hist[b]);
	}
}

void mv_stats_reset(struct mv_vcpu_stats *s)
{
	unsigned int i, b;

	WRITE_ONCE(s->exits_total, 0);
	for (i = 0; i < MV_NR_EXIT_REASONS; i++) {
		struct mv_reason_stats *r = &s->reason[i];

		WRITE_ONCE(r->count, 0);
		WRITE_ONCE(r->cycles_total, 0);
		WRITE_ONCE(r->cycles_max, 0);
		for (b = 0; b < MV_STATS_HIST_BUCKETS; b++)
			WRITE_ONCE(r->hist[b], 0);
	}
}

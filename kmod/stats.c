// SPDX-License-Identifier: GPL-2.0
/* Exit statistics: the reader's side; see stats.h. */
#include <linux/kernel.h>
#include <linux/string.h>
#include "stats.h"

void mv_stats_snapshot(struct mv_stats_view *v, const struct mv_vcpu_stats *s,
		       int inflight)
{
	unsigned int i, b;

	memset(v, 0, sizeof(*v));
	for (i = 0; i < MV_NR_EXIT_REASONS; i++) {
		struct mv_reason_view *o = &v->reason[i];

		const struct mv_stats_row *r = &s->row[i];

		for (b = MV_STATS_FIRST_BUCKET; b < MV_STATS_ROW_WORDS; b++) {
			u64 n = local64_read(&r->w[b]);

			o->hist[min_t(unsigned int, b, MV_STATS_HIST_BUCKETS - 1)] += n;
			o->count += n;
		}
		if (inflight == i)
			o->count++;
		o->cycles_total = local64_read(&r->total);
		o->cycles_max = READ_ONCE(r->max);
		v->exits_total += o->count;
	}
}

void mv_stats_view_add(struct mv_stats_view *sum,
		       const struct mv_stats_view *v)
{
	unsigned int i, b;

	sum->exits_total += v->exits_total;
	for (i = 0; i < MV_NR_EXIT_REASONS; i++) {
		const struct mv_reason_view *r = &v->reason[i];
		struct mv_reason_view *t = &sum->reason[i];

		t->count += r->count;
		t->cycles_total += r->cycles_total;
		t->cycles_max = max(t->cycles_max, r->cycles_max);
		for (b = 0; b < MV_STATS_HIST_BUCKETS; b++)
			t->hist[b] += r->hist[b];
	}
}

void mv_stats_reset(struct mv_vcpu_stats *s)
{
	unsigned int i, b;

	for (i = 0; i < MV_NR_EXIT_REASONS; i++)
		for (b = 0; b < MV_STATS_ROW_WORDS; b++)
			if (b == MV_STATS_ROW_MAX)
				WRITE_ONCE(s->row[i].max, 0);
			else
				local64_set(&s->row[i].w[b], 0);
}

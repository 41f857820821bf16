// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite minivisor_stats: kmod/stats.[ch], the per-exit statistics
 * behind the netlink family: histogram buckets at their edges, accounting
 * handled exits, the in-flight exit, VM totals and reset.
 */
#include <kunit/test.h>
#include <linux/module.h>
#include <linux/slab.h>
#include "stats.h"

struct bucket_case {
	u64 cycles;
	unsigned int bucket;
};

static const struct bucket_case bucket_cases[] = {
	{ 0, 2 }, { 1, 2 }, { 2, 2 }, { 3, 2 }, { 4, 2 }, { 7, 2 }, { 8, 3 },
	{ 1023, 9 },
	{ 1024, 10 }, { 1025, 10 }, { (1ULL << 30) - 1, 29 },
	{ 1ULL << 30, 30 }, { (1ULL << 31) - 1, 30 }, { 1ULL << 31, 31 },
	{ 1ULL << 40, 31 }, { ~0ULL, 31 },
};

static void bucket_case_desc(const struct bucket_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "cycles_%llu", c->cycles);
}
KUNIT_ARRAY_PARAM(bucket, bucket_cases, bucket_case_desc);

static void mv_test_bucket(struct kunit *test)
{
	const struct bucket_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, mv_stats_bucket(c->cycles), c->bucket);
}

static struct mv_vcpu_stats *new_stats(struct kunit *test)
{
	struct mv_vcpu_stats *s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, s);
	return s;
}

static struct mv_stats_view *new_view(struct kunit *test)
{
	struct mv_stats_view *v = kunit_kzalloc(test, sizeof(*v), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, v);
	return v;
}

static void mv_test_handled(struct kunit *test)
{
	struct mv_vcpu_stats *s = new_stats(test);
	struct mv_stats_view *v = new_view(test);
	const struct mv_reason_view *r = &v->reason[10];

	mv_stats_handled(s, 10, 100);
	mv_stats_handled(s, 10, 5000);
	mv_stats_handled(s, 10, 120);
	mv_stats_handled(s, 30, 7);
	mv_stats_snapshot(v, s, -1);
	KUNIT_EXPECT_EQ(test, v->exits_total, 4ull);
	KUNIT_EXPECT_EQ(test, r->count, 3ull);
	KUNIT_EXPECT_EQ(test, r->cycles_total, 5220ull);
	KUNIT_EXPECT_EQ(test, r->cycles_max, 5000ull);
	KUNIT_EXPECT_EQ(test, r->hist[6], 2ull);	/* 100, 120: 64..127 */
	KUNIT_EXPECT_EQ(test, r->hist[12], 1ull);	/* 5000: 4096..8191 */
	KUNIT_EXPECT_EQ(test, v->reason[30].count, 1ull);
	KUNIT_EXPECT_EQ(test, v->reason[30].hist[2], 1ull);
	KUNIT_EXPECT_EQ(test, v->reason[12].count, 0ull);
}

/*
 * Exits of 2^31 cycles and more (a long HLT or a VMM that takes its time)
 * share the last bucket, and the shortest ones bucket 2; neither touches
 * the total or the maximum, which share their row.
 */
static void mv_test_extremes(struct kunit *test)
{
	struct mv_vcpu_stats *s = new_stats(test);
	struct mv_stats_view *v = new_view(test);
	const struct mv_reason_view *r = &v->reason[MV_NR_EXIT_REASONS - 1];
	u64 cycles[] = { 1ULL << 31, 1ULL << 40, ~0ULL >> 1, 0, 1 };
	unsigned int i, b;

	for (i = 0; i < ARRAY_SIZE(cycles); i++) {
		/* As at run time: local64_add() takes no 64-bit immediate. */
		OPTIMIZER_HIDE_VAR(cycles[i]);
		mv_stats_handled(s, MV_NR_EXIT_REASONS - 1, cycles[i]);
	}
	mv_stats_snapshot(v, s, -1);
	KUNIT_EXPECT_EQ(test, r->count, 5ull);
	KUNIT_EXPECT_EQ(test, r->hist[MV_STATS_HIST_BUCKETS - 1], 3ull);
	KUNIT_EXPECT_EQ(test, r->hist[2], 2ull);
	KUNIT_EXPECT_EQ(test, r->hist[0] + r->hist[1], 0ull);
	KUNIT_EXPECT_EQ(test, r->cycles_max, ~0ULL >> 1);
	KUNIT_EXPECT_EQ(test, r->cycles_total,
			(1ULL << 31) + (1ULL << 40) + (~0ULL >> 1) + 1);
	for (b = 0; b < MV_STATS_HIST_BUCKETS; b++)
		KUNIT_EXPECT_EQ(test, v->reason[0].hist[b], 0ull);
	KUNIT_EXPECT_EQ(test, v->exits_total, 5ull);
}

/* An exit still being handled counts, without cycles. */
static void mv_test_inflight(struct kunit *test)
{
	struct mv_vcpu_stats *s = new_stats(test);
	struct mv_stats_view *v = new_view(test);

	mv_stats_handled(s, 30, 7);
	mv_stats_snapshot(v, s, 12);
	KUNIT_EXPECT_EQ(test, v->exits_total, 2ull);
	KUNIT_EXPECT_EQ(test, v->reason[12].count, 1ull);
	KUNIT_EXPECT_EQ(test, v->reason[12].cycles_total, 0ull);
	KUNIT_EXPECT_EQ(test, v->reason[12].hist[0], 0ull);
	/* Out-of-table reasons are ignored. */
	mv_stats_snapshot(v, s, MV_NR_EXIT_REASONS);
	KUNIT_EXPECT_EQ(test, v->exits_total, 1ull);
}

static void mv_test_add_and_reset(struct kunit *test)
{
	struct mv_vcpu_stats *a = new_stats(test), *b = new_stats(test);
	struct mv_stats_view *va = new_view(test), *vb = new_view(test);
	struct mv_stats_view *sum = new_view(test);

	mv_stats_handled(a, 10, 100);
	mv_stats_handled(a, 12, 1 << 20);
	mv_stats_handled(b, 10, 300);
	mv_stats_snapshot(va, a, -1);
	mv_stats_snapshot(vb, b, -1);
	mv_stats_view_add(sum, va);
	mv_stats_view_add(sum, vb);
	KUNIT_EXPECT_EQ(test, sum->exits_total, 3ull);
	KUNIT_EXPECT_EQ(test, sum->reason[10].count, 2ull);
	KUNIT_EXPECT_EQ(test, sum->reason[10].cycles_total, 400ull);
	KUNIT_EXPECT_EQ(test, sum->reason[10].cycles_max, 300ull);
	KUNIT_EXPECT_EQ(test, sum->reason[10].hist[6], 1ull);
	KUNIT_EXPECT_EQ(test, sum->reason[10].hist[8], 1ull);
	KUNIT_EXPECT_EQ(test, sum->reason[12].hist[20], 1ull);

	mv_stats_reset(a);
	mv_stats_snapshot(va, a, -1);
	KUNIT_EXPECT_EQ(test, va->exits_total, 0ull);
	KUNIT_EXPECT_EQ(test, va->reason[12].cycles_max, 0ull);
	KUNIT_EXPECT_EQ(test, va->reason[12].hist[20], 0ull);
	/* b is untouched. */
	mv_stats_snapshot(vb, b, -1);
	KUNIT_EXPECT_EQ(test, vb->reason[10].count, 1ull);
}

static struct kunit_case mv_stats_cases[] = {
	KUNIT_CASE_PARAM(mv_test_bucket, bucket_gen_params),
	KUNIT_CASE(mv_test_handled),
	KUNIT_CASE(mv_test_extremes),
	KUNIT_CASE(mv_test_inflight),
	KUNIT_CASE(mv_test_add_and_reset),
	{}
};

static struct kunit_suite mv_stats_suite = {
	.name = "minivisor_stats",
	.test_cases = mv_stats_cases,
};
kunit_test_suite(mv_stats_suite);

MODULE_LICENSE("GPL");

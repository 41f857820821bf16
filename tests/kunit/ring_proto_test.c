// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite minivisor_ring_proto: kmod/ring_proto.[ch], the shared-ring
 * protocol on plain memory standing in for the mapped area. The tests play
 * the VMM's part by writing the shared indices and records directly,
 * including the hostile values a VMM could write.
 */
#include <kunit/test.h>
#include <linux/errno.h>
#include <linux/module.h>
#include <linux/string.h>
#include "ring_proto.h"

#define NR_VCPUS	8

/* ---- setup arguments -------------------------------------------------- */

static struct mv_ring_setup good_setup(void)
{
	return (struct mv_ring_setup){
		.req_entries = 64, .cpl_entries = 8,
		.req_eventfd = 3, .kick_eventfd = 4,
	};
}

struct setup_case {
	const char *name;
	void (*mutate)(struct mv_ring_setup *s);
	int want;
};

static void m_none(struct mv_ring_setup *s)
{
}

static void m_req_npot(struct mv_ring_setup *s)
{
	s->req_entries = 48;
}

static void m_req_small(struct mv_ring_setup *s)
{
	s->req_entries = 1;
}

static void m_req_min(struct mv_ring_setup *s)
{
	s->req_entries = 2;
}

static void m_req_big(struct mv_ring_setup *s)
{
	s->req_entries = 131072;
}

static void m_req_max(struct mv_ring_setup *s)
{
	s->req_entries = 65536;
}

static void m_req_zero(struct mv_ring_setup *s)
{
	s->req_entries = 0;
}

static void m_cpl_small(struct mv_ring_setup *s)
{
	s->cpl_entries = 4;
}

static void m_cpl_npot(struct mv_ring_setup *s)
{
	s->cpl_entries = 12;
}

static void m_busy_max(struct mv_ring_setup *s)
{
	s->busy_poll_us = 1000;
}

static void m_busy_big(struct mv_ring_setup *s)
{
	s->busy_poll_us = 1001;
}

static void m_flags(struct mv_ring_setup *s)
{
	s->flags = 1;
}

static void m_no_req_fd(struct mv_ring_setup *s)
{
	s->req_eventfd = -1;
}

static void m_bad_req_fd(struct mv_ring_setup *s)
{
	s->req_eventfd = -2;
}

static void m_no_kick_fd(struct mv_ring_setup *s)
{
	s->kick_eventfd = -1;
}

static void m_reserved(struct mv_ring_setup *s)
{
	s->reserved[1] = 1;
}

static void m_layout(struct mv_ring_setup *s)
{
	s->layout.mmap_size = 1;
}

static const struct setup_case setup_cases[] = {
	{ "valid", m_none, 0 },
	{ "req_not_power_of_two", m_req_npot, -EINVAL },
	{ "req_below_minimum", m_req_small, -EINVAL },
	{ "req_minimum", m_req_min, 0 },
	{ "req_zero", m_req_zero, -EINVAL },
	{ "req_above_maximum", m_req_big, -EINVAL },
	{ "req_maximum", m_req_max, 0 },
	{ "cpl_fewer_than_vcpus", m_cpl_small, -EINVAL },
	{ "cpl_not_power_of_two", m_cpl_npot, -EINVAL },
	{ "busy_poll_maximum", m_busy_max, 0 },
	{ "busy_poll_too_long", m_busy_big, -EINVAL },
	{ "flags_set", m_flags, -EINVAL },
	{ "no_req_eventfd", m_no_req_fd, 0 },
	{ "req_eventfd_negative", m_bad_req_fd, -EINVAL },
	{ "no_kick_eventfd", m_no_kick_fd, -EINVAL },
	{ "reserved_set", m_reserved, -EINVAL },
	{ "layout_not_zero", m_layout, -EINVAL },
};

static void setup_case_desc(const struct setup_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}
KUNIT_ARRAY_PARAM(setup, setup_cases, setup_case_desc);

static void mv_test_check_setup(struct kunit *test)
{
	const struct setup_case *c = test->param_value;
	struct mv_ring_setup s = good_setup();

	c->mutate(&s);
	KUNIT_EXPECT_EQ(test, mv_ring_check_setup(&s, NR_VCPUS), c->want);
}

/* ---- layout ----------------------------------------------------------- */

static void check_layout(struct kunit *test, u32 req, u32 cpl)
{
	struct mv_ring_layout l;
	u32 ctrl[] = { 0, 0, 0, 0, 0, 0, 0, 0 };
	unsigned int i;

	mv_ring_compute_layout(req, cpl, &l);
	ctrl[0] = l.req_head;
	ctrl[1] = l.req_tail;
	ctrl[2] = l.cpl_head;
	ctrl[3] = l.cpl_tail;
	ctrl[4] = l.req_mask;
	ctrl[5] = l.cpl_mask;
	ctrl[6] = l.kernel_flags;
	ctrl[7] = l.user_flags;
	/* Control words: aligned, inside the first page, all distinct. */
	for (i = 0; i < ARRAY_SIZE(ctrl); i++) {
		KUNIT_EXPECT_EQ(test, ctrl[i] % 4, 0u);
		KUNIT_EXPECT_LT(test, ctrl[i], (u32)PAGE_SIZE);
		if (i)
			KUNIT_EXPECT_NE(test, ctrl[i], ctrl[i - 1]);
	}
	KUNIT_EXPECT_EQ(test, l.req_entries, req);
	KUNIT_EXPECT_EQ(test, l.cpl_entries, cpl);
	KUNIT_EXPECT_EQ(test, l.req_array % PAGE_SIZE, 0u);
	KUNIT_EXPECT_EQ(test, l.cpl_array % PAGE_SIZE, 0u);
	KUNIT_EXPECT_GE(test, l.req_array, (u32)PAGE_SIZE);
	KUNIT_EXPECT_GE(test, (u64)l.cpl_array,
			(u64)l.req_array + req * sizeof(struct mv_ring_req));
	KUNIT_EXPECT_GE(test, l.mmap_size,
			(u64)l.cpl_array + cpl * sizeof(struct mv_ring_cpl));
	KUNIT_EXPECT_EQ(test, l.mmap_size % PAGE_SIZE, 0ull);
	for (i = 0; i < ARRAY_SIZE(l.reserved); i++)
		KUNIT_EXPECT_EQ(test, l.reserved[i], 0ull);
}

static void mv_test_layout(struct kunit *test)
{
	check_layout(test, 2, 8);
	check_layout(test, 64, 8);
	check_layout(test, 65536, 65536);
	/* Record sizes are ABI. */
	KUNIT_EXPECT_EQ(test, sizeof(struct mv_ring_req), (size_t)32);
	KUNIT_EXPECT_EQ(test, sizeof(struct mv_ring_cpl), (size_t)24);
}

/* ---- ranges ----------------------------------------------------------- */

static struct mv_ring_range rr(u32 space, u32 flags, u64 base, u64 len)
{
	return (struct mv_ring_range){
		.space = space, .flags = flags, .base = base, .len = len,
	};
}

static void mv_test_range_add_find(struct kunit *test)
{
	struct mv_ring_range_ent tab[MV_RING_MAX_RANGES];
	const struct mv_ring_range_ent *e;
	struct mv_ring_range r;
	u32 n = 0;

	r = rr(MV_RING_SPACE_MMIO, MV_RING_RANGE_POSTED, 0xfe010000, 0x1000);
	KUNIT_ASSERT_EQ(test, mv_ring_range_update(tab, &n, &r), 0);
	r = rr(MV_RING_SPACE_PIO, 0, 0xe0, 8);
	KUNIT_ASSERT_EQ(test, mv_ring_range_update(tab, &n, &r), 0);
	KUNIT_EXPECT_EQ(test, n, 2u);

	e = mv_ring_range_find(tab, n, MV_RING_SPACE_MMIO, 0xfe010000, 8);
	KUNIT_ASSERT_NOT_NULL(test, e);
	KUNIT_EXPECT_EQ(test, e->flags, (u32)MV_RING_RANGE_POSTED);
	/* The last bytes fit; one byte more straddles the end. */
	KUNIT_EXPECT_NOT_NULL(test, mv_ring_range_find(tab, n,
			MV_RING_SPACE_MMIO, 0xfe010ff8, 8));
	KUNIT_EXPECT_NULL(test, mv_ring_range_find(tab, n,
			MV_RING_SPACE_MMIO, 0xfe010ff9, 8));
	KUNIT_EXPECT_NULL(test, mv_ring_range_find(tab, n,
			MV_RING_SPACE_MMIO, 0xfe00fffc, 8));
	/* Spaces are separate: port 0xe0 is not GPA 0xe0. */
	KUNIT_EXPECT_NULL(test, mv_ring_range_find(tab, n,
			MV_RING_SPACE_MMIO, 0xe0, 1));
	e = mv_ring_range_find(tab, n, MV_RING_SPACE_PIO, 0xe4, 4);
	KUNIT_ASSERT_NOT_NULL(test, e);
	KUNIT_EXPECT_EQ(test, e->flags, 0u);
	KUNIT_EXPECT_NULL(test, mv_ring_range_find(tab, n,
			MV_RING_SPACE_PIO, 0xe6, 4));
}

static void mv_test_range_errors(struct kunit *test)
{
	struct mv_ring_range_ent tab[MV_RING_MAX_RANGES];
	struct mv_ring_range r;
	u32 n = 0, i;

	r = rr(MV_RING_SPACE_MMIO, 0, 0x1000, 0x1000);
	KUNIT_ASSERT_EQ(test, mv_ring_range_update(tab, &n, &r), 0);

	r = rr(MV_RING_SPACE_MMIO, 0, 0x1fff, 1);
	KUNIT_EXPECT_EQ(test, mv_ring_range_update(tab, &n, &r), -EEXIST);
	r = rr(MV_RING_SPACE_MMIO, 0, 0, 0x1001);
	KUNIT_EXPECT_EQ(test, mv_ring_range_update(tab, &n, &r), -EEXIST);
	/* The same addresses as ports are another range. */
	r = rr(MV_RING_SPACE_PIO, 0, 0x1000, 0x1000);
	KUNIT_EXPECT_EQ(test, mv_ring_range_update(tab, &n, &r), 0);

	r = rr(2, 0, 0x5000, 1);
	KUNIT_EXPECT_EQ(test, mv_ring_range_update(tab, &n, &r), -EINVAL);
	r = rr(MV_RING_SPACE_MMIO, 4, 0x5000, 1);
	KUNIT_EXPECT_EQ(test, mv_ring_range_update(tab, &n, &r), -EINVAL);
	r = rr(MV_RING_SPACE_MMIO, 0, 0x5000, 0);
	KUNIT_EXPECT_EQ(test, mv_ring_range_update(tab, &n, &r), -EINVAL);
	r = rr(MV_RING_SPACE_MMIO, 0, ~0ull - 0xfff, 0x1000);
	KUNIT_EXPECT_EQ(test, mv_ring_range_update(tab, &n, &r), -EINVAL);
	r = rr(MV_RING_SPACE_PIO, 0, 0xfff0, 0x11);
	KUNIT_EXPECT_EQ(test, mv_ring_range_update(tab, &n, &r), -EINVAL);
	r = rr(MV_RING_SPACE_PIO, 0, 0xfff0, 0x10);
	KUNIT_EXPECT_EQ(test, mv_ring_range_update(tab, &n, &r), 0);
	r = rr(MV_RING_SPACE_MMIO, 0, 0x5000, 1);
	r.reserved = 1;
	KUNIT_EXPECT_EQ(test, mv_ring_range_update(tab, &n, &r), -EINVAL);
	KUNIT_EXPECT_EQ(test, n, 3u);

	/* Removal needs the exact range; POSTED is irrelevant to it. */
	r = rr(MV_RING_SPACE_MMIO, MV_RING_RANGE_REMOVE, 0x1000, 0x800);
	KUNIT_EXPECT_EQ(test, mv_ring_range_update(tab, &n, &r), -ENOENT);
	r = rr(MV_RING_SPACE_MMIO,
	       MV_RING_RANGE_REMOVE | MV_RING_RANGE_POSTED, 0x1000, 0x1000);
	KUNIT_EXPECT_EQ(test, mv_ring_range_update(tab, &n, &r), 0);
	KUNIT_EXPECT_EQ(test, n, 2u);
	KUNIT_EXPECT_NULL(test, mv_ring_range_find(tab, n,
			MV_RING_SPACE_MMIO, 0x1000, 1));
	KUNIT_EXPECT_NOT_NULL(test, mv_ring_range_find(tab, n,
			MV_RING_SPACE_PIO, 0x1000, 1));

	/* The table fills at MV_RING_MAX_RANGES. */
	for (i = n; i < MV_RING_MAX_RANGES; i++) {
		r = rr(MV_RING_SPACE_MMIO, 0, 0x100000 + i * 0x1000, 0x1000);
		KUNIT_ASSERT_EQ(test, mv_ring_range_update(tab, &n, &r), 0);
	}
	r = rr(MV_RING_SPACE_MMIO, 0, 0x900000, 0x1000);
	KUNIT_EXPECT_EQ(test, mv_ring_range_update(tab, &n, &r), -ENOSPC);
	KUNIT_EXPECT_EQ(test, n, (u32)MV_RING_MAX_RANGES);
}

/* ---- producing requests ----------------------------------------------- */

struct fake_ring {
	void *area;
	struct mv_ring_layout l;
	struct mv_ring_view v;
};

static void fake_ring_init(struct kunit *test, struct fake_ring *f, u32 req,
			   u32 cpl)
{
	mv_ring_compute_layout(req, cpl, &f->l);
	f->area = kunit_kzalloc(test, f->l.mmap_size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, f->area);
	memset(f->area, 0xa5, f->l.mmap_size);	/* init must clear indices */
	mv_ring_view_init(&f->v, f->area, &f->l);
}

static u32 shared(struct fake_ring *f, u32 off)
{
	return *(u32 *)((u8 *)f->area + off);
}

static void set_shared(struct fake_ring *f, u32 off, u32 val)
{
	*(u32 *)((u8 *)f->area + off) = val;
}

static struct mv_ring_req write_req(u64 addr, u64 val)
{
	struct mv_ring_req r = {
		.addr = addr, .len = 8, .flags = MV_RING_REQ_WRITE,
		.reserved = 0xffff,	/* must not reach the ring */
	};

	memcpy(r.data, &val, 8);
	return r;
}

static void mv_test_view_init(struct kunit *test)
{
	struct fake_ring f;

	fake_ring_init(test, &f, 4, 8);
	KUNIT_EXPECT_EQ(test, shared(&f, f.l.req_mask), 3u);
	KUNIT_EXPECT_EQ(test, shared(&f, f.l.cpl_mask), 7u);
	KUNIT_EXPECT_EQ(test, shared(&f, f.l.req_head), 0u);
	KUNIT_EXPECT_EQ(test, shared(&f, f.l.req_tail), 0u);
	KUNIT_EXPECT_EQ(test, shared(&f, f.l.cpl_head), 0u);
	KUNIT_EXPECT_EQ(test, shared(&f, f.l.cpl_tail), 0u);
	KUNIT_EXPECT_EQ(test, shared(&f, f.l.kernel_flags), 0u);
	KUNIT_EXPECT_EQ(test, shared(&f, f.l.user_flags), 0u);
	KUNIT_EXPECT_EQ(test, f.v.next_seq, 1ull);
}

/* Fill, find it full, let the consumer free one slot, go on. */
static void mv_test_produce_full(struct kunit *test)
{
	struct mv_ring_req r;
	struct fake_ring f;
	u64 bad = 0, i;

	fake_ring_init(test, &f, 4, 8);
	for (i = 0; i < 4; i++) {
		r = write_req(0x1000, 100 + i);
		KUNIT_ASSERT_EQ(test, mv_ring_produce(&f.v, &r, &bad), 1);
		KUNIT_EXPECT_EQ(test, r.seq, i + 1);
	}
	KUNIT_EXPECT_EQ(test, shared(&f, f.l.req_tail), 4u);
	r = write_req(0x1000, 104);
	KUNIT_EXPECT_EQ(test, mv_ring_produce(&f.v, &r, &bad), 0);
	/* Full: nothing written, no sequence number used. */
	KUNIT_EXPECT_EQ(test, shared(&f, f.l.req_tail), 4u);
	KUNIT_EXPECT_EQ(test, f.v.next_seq, 5ull);

	set_shared(&f, f.l.req_head, 1);
	KUNIT_ASSERT_EQ(test, mv_ring_produce(&f.v, &r, &bad), 1);
	KUNIT_EXPECT_EQ(test, r.seq, 5ull);
	/* Slot 4 & 3 = 0 now holds seq 5, reserved cleared. */
	KUNIT_EXPECT_EQ(test, f.v.req[0].seq, 5ull);
	KUNIT_EXPECT_EQ(test, f.v.req[0].reserved, 0);
	KUNIT_EXPECT_EQ(test, f.v.req[0].data[0], 104);
	KUNIT_EXPECT_EQ(test, f.v.req[1].seq, 2ull);
}

/* Indices wrap at 2^32 without a hiccup. */
static void mv_test_produce_wrap(struct kunit *test)
{
	struct mv_ring_req r;
	struct fake_ring f;
	u64 bad = 0;
	u32 i, start = 0xfffffffe;

	fake_ring_init(test, &f, 4, 8);
	f.v.req_tail_k = start;
	set_shared(&f, f.l.req_head, start);
	for (i = 0; i < 4; i++) {
		r = write_req(0x1000, i);
		KUNIT_ASSERT_EQ(test, mv_ring_produce(&f.v, &r, &bad), 1);
	}
	KUNIT_EXPECT_EQ(test, shared(&f, f.l.req_tail), 2u);
	r = write_req(0x1000, 4);
	KUNIT_EXPECT_EQ(test, mv_ring_produce(&f.v, &r, &bad), 0);
	set_shared(&f, f.l.req_head, 0);	/* consumed two, across 2^32 */
	KUNIT_EXPECT_EQ(test, mv_ring_produce(&f.v, &r, &bad), 1);
	KUNIT_EXPECT_EQ(test, f.v.req[2].seq, 5ull);	/* index 2 & 3 */
}

struct head_case {
	const char *name;
	u32 tail, head;
	int want;
};

static const struct head_case head_cases[] = {
	{ "empty", 10, 10, 1 },
	{ "full", 10, 6, 0 },
	{ "head_past_tail", 10, 11, -MV_RING_ERR_REQ_HEAD },
	{ "head_far_behind", 10, 5, -MV_RING_ERR_REQ_HEAD },
	{ "head_garbage", 10, 0xdeadbeef, -MV_RING_ERR_REQ_HEAD },
	{ "wrapped_ok", 1, 0xfffffffe, 1 },
	{ "wrapped_past_tail", 0xfffffffe, 1, -MV_RING_ERR_REQ_HEAD },
};

static void head_case_desc(const struct head_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}
KUNIT_ARRAY_PARAM(head, head_cases, head_case_desc);

static void mv_test_produce_hostile_head(struct kunit *test)
{
	const struct head_case *c = test->param_value;
	struct mv_ring_req r = write_req(0x1000, 1);
	struct fake_ring f;
	u64 bad = 0;
	int ret;

	fake_ring_init(test, &f, 4, 8);
	f.v.req_tail_k = c->tail;
	set_shared(&f, f.l.req_tail, c->tail);
	set_shared(&f, f.l.req_head, c->head);
	ret = mv_ring_produce(&f.v, &r, &bad);
	KUNIT_EXPECT_EQ(test, ret, c->want);
	if (ret < 0) {
		KUNIT_EXPECT_EQ(test, bad, (u64)c->head);
		/* A refused request leaves the ring as it was. */
		KUNIT_EXPECT_EQ(test, shared(&f, f.l.req_tail), c->tail);
		KUNIT_EXPECT_EQ(test, f.v.next_seq, 1ull);
	}
}

/* ---- consuming completions -------------------------------------------- */

static void push_cpl(struct fake_ring *f, u64 seq, u32 vcpu, u64 data,
		     u32 reserved)
{
	u32 tail = shared(f, f->l.cpl_tail);
	struct mv_ring_cpl *c = &f->v.cpl[tail & (f->v.cpl_entries - 1)];

	c->seq = seq;
	c->vcpu = vcpu;
	c->reserved = reserved;
	memcpy(c->data, &data, 8);
	set_shared(f, f->l.cpl_tail, tail + 1);
}

static void mv_test_consume(struct kunit *test)
{
	struct mv_ring_waiter w[NR_VCPUS] = {};
	struct fake_ring f;
	u64 bad = 0, val;

	fake_ring_init(test, &f, 4, 8);
	KUNIT_EXPECT_EQ(test, mv_ring_consume(&f.v, w, NR_VCPUS, &bad), 0);

	w[1] = (struct mv_ring_waiter){ .waiting = true, .seq = 7 };
	w[3] = (struct mv_ring_waiter){ .waiting = true, .seq = 9 };
	push_cpl(&f, 9, 3, 0x3333, 0);
	push_cpl(&f, 7, 1, 0x1111, 0);
	KUNIT_EXPECT_EQ(test, mv_ring_consume(&f.v, w, NR_VCPUS, &bad), 2);
	KUNIT_EXPECT_TRUE(test, w[1].done);
	KUNIT_EXPECT_TRUE(test, w[3].done);
	memcpy(&val, w[1].data, 8);
	KUNIT_EXPECT_EQ(test, val, 0x1111ull);
	memcpy(&val, w[3].data, 8);
	KUNIT_EXPECT_EQ(test, val, 0x3333ull);
	KUNIT_EXPECT_EQ(test, shared(&f, f.l.cpl_head), 2u);
	KUNIT_EXPECT_FALSE(test, w[0].done);
}

struct cpl_case {
	const char *name;
	u64 seq;
	u32 vcpu, reserved;
	int want;
	u64 want_bad;
};

/* vCPU 2 waits for seq 5; vCPU 4 already has its completion. */
static const struct cpl_case cpl_cases[] = {
	{ "match", 5, 2, 0, 1, 0 },
	{ "wrong_seq", 6, 2, 0, -MV_RING_ERR_CPL_SEQ, 6 },
	{ "old_seq", 4, 2, 0, -MV_RING_ERR_CPL_SEQ, 4 },
	{ "vcpu_not_waiting", 5, 1, 0, -MV_RING_ERR_CPL_VCPU, 1 },
	{ "vcpu_already_done", 5, 4, 0, -MV_RING_ERR_CPL_VCPU, 4 },
	{ "vcpu_out_of_range", 5, NR_VCPUS, 0, -MV_RING_ERR_CPL_VCPU,
	  NR_VCPUS },
	{ "vcpu_huge", 5, 0xffffffff, 0, -MV_RING_ERR_CPL_VCPU, 0xffffffff },
	{ "reserved_set", 5, 2, 0x80, -MV_RING_ERR_CPL_RESERVED, 0x80 },
};

static void cpl_case_desc(const struct cpl_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}
KUNIT_ARRAY_PARAM(cpl, cpl_cases, cpl_case_desc);

static void mv_test_consume_hostile(struct kunit *test)
{
	const struct cpl_case *c = test->param_value;
	struct mv_ring_waiter w[NR_VCPUS] = {};
	struct fake_ring f;
	u64 bad = 0;
	int ret;

	fake_ring_init(test, &f, 4, 8);
	w[2] = (struct mv_ring_waiter){ .waiting = true, .seq = 5 };
	w[4] = (struct mv_ring_waiter){ .waiting = true, .done = true,
					 .seq = 3 };
	push_cpl(&f, c->seq, c->vcpu, 0x42, c->reserved);
	ret = mv_ring_consume(&f.v, w, NR_VCPUS, &bad);
	KUNIT_EXPECT_EQ(test, ret, c->want);
	if (ret < 0) {
		KUNIT_EXPECT_EQ(test, bad, c->want_bad);
		KUNIT_EXPECT_FALSE(test, w[2].done);
		/* The bad record is not consumed. */
		KUNIT_EXPECT_EQ(test, shared(&f, f.l.cpl_head), 0u);
	} else {
		KUNIT_EXPECT_TRUE(test, w[2].done);
	}
}

/* A good completion before a bad one is still delivered. */
static void mv_test_consume_partial(struct kunit *test)
{
	struct mv_ring_waiter w[NR_VCPUS] = {};
	struct fake_ring f;
	u64 bad = 0;

	fake_ring_init(test, &f, 4, 8);
	w[0] = (struct mv_ring_waiter){ .waiting = true, .seq = 1 };
	push_cpl(&f, 1, 0, 0, 0);
	push_cpl(&f, 1, 0, 0, 0);		/* a duplicate */
	KUNIT_EXPECT_EQ(test, mv_ring_consume(&f.v, w, NR_VCPUS, &bad),
			-MV_RING_ERR_CPL_VCPU);
	KUNIT_EXPECT_TRUE(test, w[0].done);
	KUNIT_EXPECT_EQ(test, shared(&f, f.l.cpl_head), 1u);
}

static void mv_test_consume_hostile_tail(struct kunit *test)
{
	struct mv_ring_waiter w[NR_VCPUS] = {};
	struct fake_ring f;
	u64 bad = 0;

	fake_ring_init(test, &f, 4, 8);
	w[0] = (struct mv_ring_waiter){ .waiting = true, .seq = 1 };
	/* 9 records announced in a ring of 8. */
	set_shared(&f, f.l.cpl_tail, 9);
	KUNIT_EXPECT_EQ(test, mv_ring_consume(&f.v, w, NR_VCPUS, &bad),
			-MV_RING_ERR_CPL_TAIL);
	KUNIT_EXPECT_EQ(test, bad, 9ull);
	/* Behind our head: also impossible. */
	f.v.cpl_head_k = 100;
	set_shared(&f, f.l.cpl_tail, 99);
	KUNIT_EXPECT_EQ(test, mv_ring_consume(&f.v, w, NR_VCPUS, &bad),
			-MV_RING_ERR_CPL_TAIL);
	KUNIT_EXPECT_FALSE(test, w[0].done);
}

static void mv_test_consume_wrap(struct kunit *test)
{
	struct mv_ring_waiter w[NR_VCPUS] = {};
	struct fake_ring f;
	u64 bad = 0;
	u32 i;

	fake_ring_init(test, &f, 4, 8);
	f.v.cpl_head_k = 0xfffffffd;
	set_shared(&f, f.l.cpl_tail, 0xfffffffd);
	for (i = 0; i < 6; i++) {
		w[i] = (struct mv_ring_waiter){ .waiting = true, .seq = 10 + i };
		push_cpl(&f, 10 + i, i, i, 0);
	}
	KUNIT_EXPECT_EQ(test, shared(&f, f.l.cpl_tail), 3u);
	KUNIT_EXPECT_EQ(test, mv_ring_consume(&f.v, w, NR_VCPUS, &bad), 6);
	for (i = 0; i < 6; i++) {
		KUNIT_EXPECT_TRUE(test, w[i].done);
		KUNIT_EXPECT_EQ(test, w[i].data[0], (u8)i);
	}
	KUNIT_EXPECT_EQ(test, shared(&f, f.l.cpl_head), 3u);
}

static struct kunit_case mv_ring_proto_cases[] = {
	KUNIT_CASE_PARAM(mv_test_check_setup, setup_gen_params),
	KUNIT_CASE(mv_test_layout),
	KUNIT_CASE(mv_test_range_add_find),
	KUNIT_CASE(mv_test_range_errors),
	KUNIT_CASE(mv_test_view_init),
	KUNIT_CASE(mv_test_produce_full),
	KUNIT_CASE(mv_test_produce_wrap),
	KUNIT_CASE_PARAM(mv_test_produce_hostile_head, head_gen_params),
	KUNIT_CASE(mv_test_consume),
	KUNIT_CASE_PARAM(mv_test_consume_hostile, cpl_gen_params),
	KUNIT_CASE(mv_test_consume_partial),
	KUNIT_CASE(mv_test_consume_hostile_tail),
	KUNIT_CASE(mv_test_consume_wrap),
	{}
};

static struct kunit_suite mv_ring_proto_suite = {
	.name = "minivisor_ring_proto",
	.test_cases = mv_ring_proto_cases,
};
kunit_test_suite(mv_ring_proto_suite);

MODULE_LICENSE("GPL");

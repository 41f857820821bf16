// SPDX-License-Identifier: GPL-2.0
/*
 * The ring consumer (ring_service.c) and the ring wrappers of
 * libminivisor, against fake shared memory (tests/ring_fake.h) with the
 * test playing the kernel.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "test.h"
#include "ring_fake.h"
#include "util.h"
#include "exit.h"
#include "ring_service.h"
#include "vcpu_ctx.h"
#include "devices/bus.h"
#include "devices/mmio_test.h"
#include "devices/ring_test.h"

#define NR_VCPUS	4
#define RT_DATA		(MV_RING_TEST_MMIO_BASE + MV_RING_TEST_DATA)
#define RT_CHECKSUM	(MV_RING_TEST_MMIO_BASE + MV_RING_TEST_CHECKSUM)
#define RT_COUNT	(MV_RING_TEST_MMIO_BASE + MV_RING_TEST_COUNT)
#define RT_ERRORS	(MV_RING_TEST_MMIO_BASE + MV_RING_TEST_ERRORS)
#define STOP_PORT	0x80	/* the stopper device below */

struct fixture {
	struct ring_fake f;
	struct mv_bus bus;
	struct mv_mmio_test mmio;
	struct mv_ring_test rt;
	struct mv_vcpu_ctx ctxs[NR_VCPUS];
	struct mv_ring_service svc;
	unsigned int stops;		/* on_stop calls */
	unsigned int last_stop_id;
};

/* A port that stops the writing vCPU, as debug-exit does. */
static void stopper_access(void *opaque, struct mv_vcpu_ctx *ctx,
			   uint64_t addr, void *data, unsigned int len,
			   bool is_write)
{
	(void)opaque;
	(void)addr;
	if (is_write)
		mv_vcpu_stop(ctx, 7, "stopper");
	else
		memset(data, 0, len);
}

static void on_stop(void *arg, struct mv_vcpu_ctx *ctx)
{
	struct fixture *x = arg;

	x->stops++;
	x->last_stop_id = ctx->id;
}

static struct fixture *fixture_new(uint32_t req_entries, uint32_t cpl_entries)
{
	struct fixture *x = calloc(1, sizeof(*x));
	unsigned int i;

	ring_fake_init_area(&x->f, req_entries, cpl_entries);
	CHECK_EQ(mv_rings_attach(&x->f.rings, x->f.area, x->f.size,
				 &x->f.layout), 0);
	mv_bus_init(&x->bus, NULL);
	CHECK_EQ(mv_mmio_test_init(&x->mmio, &x->bus), 0);
	CHECK_EQ(mv_ring_test_init(&x->rt, &x->bus), 0);
	CHECK_EQ(mv_bus_register(&x->bus, MV_SPACE_PIO, STOP_PORT, 1,
				 stopper_access, NULL, "stopper"), 0);
	for (i = 0; i < NR_VCPUS; i++)
		mv_vcpu_ctx_init(&x->ctxs[i], i, NULL, 0);
	CHECK_EQ(mv_ring_service_init(&x->svc, &x->f.rings, &x->bus, x->ctxs,
				      NR_VCPUS, on_stop, x), 0);
	return x;
}

static void fixture_free(struct fixture *x)
{
	mv_ring_service_destroy(&x->svc);
	mv_bus_destroy(&x->bus);
	ring_fake_free(&x->f);
	free(x);
}

static uint64_t cpl_value(const struct mv_ring_cpl *c)
{
	uint64_t v;

	memcpy(&v, c->data, sizeof(v));
	return v;
}

static uint32_t shared(const uint32_t *p)
{
	return ring_fake_load(p);
}

/* ---- libminivisor: the layout checks ------------------------------- */

TEST(ring_attach_pointers)
{
	struct ring_fake f;
	uint8_t *base;

	ring_fake_init_area(&f, 8, 4);
	CHECK_EQ(mv_rings_attach(&f.rings, f.area, f.size, &f.layout), 0);
	base = f.area;
	CHECK(f.rings.req_head == (uint32_t *)(base + 192));
	CHECK(f.rings.req_tail == (uint32_t *)(base + 64));
	CHECK(f.rings.cpl_head == (uint32_t *)(base + 128));
	CHECK(f.rings.cpl_tail == (uint32_t *)(base + 256));
	CHECK(f.rings.kernel_flags == (uint32_t *)base);
	CHECK(f.rings.user_flags == (uint32_t *)(base + 320));
	CHECK(f.rings.cpl == (struct mv_ring_cpl *)(base + 512));
	CHECK(f.rings.req == (struct mv_ring_req *)(base + f.layout.req_array));
	CHECK_EQ(f.rings.req_mask, 7);
	CHECK_EQ(f.rings.cpl_mask, 3);
	CHECK(!f.rings.mapped);
	ring_fake_free(&f);
}

TEST(ring_attach_rejects_bad_layouts)
{
	struct ring_fake f;
	struct mv_ring_layout l;
	uint32_t bad_mask = 3;

	ring_fake_init_area(&f, 8, 4);

	l = f.layout;
	l.req_tail = (uint32_t)f.size - 2;		/* past the end */
	CHECK_EQ(mv_rings_attach(&f.rings, f.area, f.size, &l), -EPROTO);
	CHECK_CONTAINS(mv_last_error(), "inconsistent layout");

	l = f.layout;
	l.cpl_head = 130;				/* misaligned */
	CHECK_EQ(mv_rings_attach(&f.rings, f.area, f.size, &l), -EPROTO);

	l = f.layout;
	l.req_entries = 16;				/* array too long */
	CHECK_EQ(mv_rings_attach(&f.rings, f.area, f.size, &l), -EPROTO);

	l = f.layout;
	l.cpl_entries = 3;				/* not a power of 2 */
	CHECK_EQ(mv_rings_attach(&f.rings, f.area, f.size, &l), -EPROTO);

	l = f.layout;
	l.mmap_size = f.size + 4096;
	CHECK_EQ(mv_rings_attach(&f.rings, f.area, f.size, &l), -EPROTO);

	l = f.layout;
	l.req_array = 0xfffffff8;			/* no wrap-around */
	CHECK_EQ(mv_rings_attach(&f.rings, f.area, f.size, &l), -EPROTO);

	/* The shared mask must say what the layout says. */
	memcpy((uint8_t *)f.area + f.layout.req_mask, &bad_mask,
	       sizeof(bad_mask));
	CHECK_EQ(mv_rings_attach(&f.rings, f.area, f.size, &f.layout),
		 -EPROTO);
	CHECK(!f.rings.req);	/* nothing filled in on failure */
	ring_fake_free(&f);
}

TEST(ring_lib_wrappers_without_module)
{
	struct mv_rings r;

	/* Not a VM fd: the ioctl fails, everything is released. */
	CHECK(mv_setup_rings(-1, 64, 8, 0, false, &r) < 0);
	CHECK_CONTAINS(mv_last_error(), "MV_SETUP_RINGS");
	CHECK_EQ(r.req_eventfd, -1);
	CHECK_EQ(r.kick_eventfd, -1);
	CHECK(!r.area);
	mv_destroy_rings(&r);	/* twice is fine */
	CHECK(mv_set_ring_range(-1, MV_RING_SPACE_PIO, 0xe0, 8, 0) < 0);
	CHECK_CONTAINS(mv_last_error(), "MV_SET_RING_RANGE");
}

/* ---- the batch function ------------------------------------------- */

TEST(ring_sync_read_and_write)
{
	struct fixture *x = fixture_new(8, 8);
	struct mv_ring_cpl c;

	ring_fake_push(&x->f, 2, MV_MMIO_TEST_BASE + MV_MMIO_TEST_ID_REG, 8,
		       0, 0);
	ring_fake_push(&x->f, 1, MV_MMIO_TEST_BASE + 0x10, 4,
		       MV_RING_REQ_WRITE, 0xdeadbeef);
	ring_fake_push(&x->f, 3, MV_MMIO_TEST_BASE + 0x10, 2, 0, 0);
	CHECK_EQ(mv_ring_service_batch(&x->svc), 3);
	CHECK_EQ(shared(x->f.rings.req_head), 3);
	CHECK_EQ(shared(x->f.rings.cpl_tail), 3);

	CHECK(ring_fake_pop_cpl(&x->f, &c));
	CHECK_EQ(c.seq, 1);
	CHECK_EQ(c.vcpu, 2);
	CHECK_EQ(c.reserved, 0);
	CHECK_EQ(cpl_value(&c), MV_MMIO_TEST_ID);

	CHECK(ring_fake_pop_cpl(&x->f, &c));	/* a write: data zero */
	CHECK_EQ(c.seq, 2);
	CHECK_EQ(c.vcpu, 1);
	CHECK_EQ(cpl_value(&c), 0);
	CHECK_EQ(x->mmio.scratch[0x10], 0xef);

	CHECK(ring_fake_pop_cpl(&x->f, &c));	/* read sees the write */
	CHECK_EQ(c.seq, 3);
	CHECK_EQ(cpl_value(&c), 0xbeef);	/* only len bytes */
	CHECK(!ring_fake_pop_cpl(&x->f, &c));

	CHECK_EQ(mv_ring_service_batch(&x->svc), 0);	/* nothing new */
	CHECK_EQ(x->svc.served, 3);
	CHECK_EQ(x->svc.completed, 3);
	CHECK_EQ(x->svc.bugs, 0);
	CHECK_EQ(x->stops, 0);
	fixture_free(x);
}

TEST(ring_posted_writes_in_order)
{
	struct fixture *x = fixture_new(8, 8);
	struct mv_ring_cpl c;
	uint64_t i;

	/* Posted writes then a sync read: the read sees all of them. */
	for (i = 1; i <= 5; i++)
		ring_fake_push(&x->f, 0, RT_DATA, 8,
			       MV_RING_REQ_WRITE | MV_RING_REQ_POSTED, i);
	ring_fake_push(&x->f, 0, RT_COUNT, 8, 0, 0);
	CHECK_EQ(mv_ring_service_batch(&x->svc), 6);
	CHECK_EQ(shared(x->f.rings.req_head), 6);
	CHECK_EQ(shared(x->f.rings.cpl_tail), 1);
	CHECK(ring_fake_pop_cpl(&x->f, &c));
	CHECK_EQ(c.seq, 6);
	CHECK_EQ(cpl_value(&c), 5);
	CHECK_EQ(x->rt.stream[0].errors, 0);
	fixture_free(x);
}

TEST(ring_pio_requests)
{
	struct fixture *x = fixture_new(8, 8);
	struct mv_ring_cpl c;

	ring_fake_push(&x->f, 1, MV_RING_TEST_PIO_BASE, 4,
		       MV_RING_REQ_PIO | MV_RING_REQ_WRITE, 1);
	ring_fake_push(&x->f, 1, MV_RING_TEST_PIO_BASE + 4, 4,
		       MV_RING_REQ_PIO, 0);
	CHECK_EQ(mv_ring_service_batch(&x->svc), 2);
	CHECK(ring_fake_pop_cpl(&x->f, &c));
	CHECK(ring_fake_pop_cpl(&x->f, &c));
	CHECK_EQ(cpl_value(&c),
		 (uint32_t)mv_ring_test_fold(MV_RING_TEST_SEED, 1));
	CHECK_EQ(x->rt.stream[1].count, 1);
	/* An MMIO request at the port's number is not the port. */
	CHECK_EQ(x->rt.stream[1].errors, 0);
	fixture_free(x);
}

/* Indices near 2^32 wrap; records wrap around the arrays many times. */
TEST(ring_index_wraparound)
{
	struct fixture *x = fixture_new(4, 2);
	struct mv_ring_cpl c;
	uint32_t start = 0xfffffffa;
	uint64_t v = 0;
	unsigned int round, k;

	ring_fake_set_indices(&x->f, start);
	x->svc.req_head = start;
	x->svc.cpl_tail = start;
	for (round = 0; round < 10; round++) {
		for (k = 0; k < 3; k++)
			ring_fake_push(&x->f, round % NR_VCPUS, RT_DATA, 8,
				       MV_RING_REQ_WRITE | MV_RING_REQ_POSTED,
				       ++v);
		ring_fake_push(&x->f, round % NR_VCPUS, RT_ERRORS, 8, 0, 0);
		CHECK_EQ(mv_ring_service_batch(&x->svc), 4);
		CHECK(ring_fake_pop_cpl(&x->f, &c));
		CHECK_EQ(c.seq, x->f.seq);
		CHECK_EQ(c.vcpu, round % NR_VCPUS);
		CHECK(!ring_fake_pop_cpl(&x->f, &c));
	}
	CHECK_EQ(shared(x->f.rings.req_head), start + 40);
	CHECK_EQ(shared(x->f.rings.cpl_tail), start + 10);
	CHECK_EQ(x->svc.bugs, 0);
	fixture_free(x);
}

TEST(ring_need_kick)
{
	struct fixture *x = fixture_new(8, 8);
	uint64_t v = 0;
	int efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);

	CHECK(efd >= 0);
	x->f.rings.kick_eventfd = efd;

	/* No sleeper: no write. */
	ring_fake_push(&x->f, 0, RT_COUNT, 8, 0, 0);
	CHECK_EQ(mv_ring_service_batch(&x->svc), 1);
	CHECK_EQ(read(efd, &v, sizeof(v)), -1);
	CHECK_EQ(errno, EAGAIN);
	CHECK_EQ(x->svc.kicks, 0);

	/* A vCPU sleeps: one write of 1 per batch. */
	ring_fake_store(x->f.rings.kernel_flags, MV_RING_KF_NEED_KICK);
	ring_fake_push(&x->f, 0, RT_COUNT, 8, 0, 0);
	ring_fake_push(&x->f, 1, RT_COUNT, 8, 0, 0);
	CHECK_EQ(mv_ring_service_batch(&x->svc), 2);
	CHECK_EQ(read(efd, &v, sizeof(v)), (ssize_t)sizeof(v));
	CHECK_EQ(v, 1);
	CHECK_EQ(x->svc.kicks, 1);

	/* An empty batch publishes nothing and kicks nobody. */
	CHECK_EQ(mv_ring_service_batch(&x->svc), 0);
	CHECK_EQ(read(efd, &v, sizeof(v)), -1);
	fixture_free(x);	/* closes efd */
}

TEST(ring_kernel_broken_serves_nothing)
{
	struct fixture *x = fixture_new(8, 8);

	ring_fake_store(x->f.rings.kernel_flags, MV_RING_KF_BROKEN);
	ring_fake_push(&x->f, 0, RT_DATA, 8, MV_RING_REQ_WRITE, 1);
	CHECK_EQ(mv_ring_service_batch(&x->svc), 0);
	CHECK_EQ(x->rt.stream[0].count, 0);
	CHECK_EQ(shared(x->f.rings.req_head), 0);
	fixture_free(x);
}

TEST(ring_device_stop_reported_once)
{
	struct fixture *x = fixture_new(8, 8);
	struct mv_ring_cpl c;

	ring_fake_push(&x->f, 2, STOP_PORT, 1,
		       MV_RING_REQ_PIO | MV_RING_REQ_WRITE, 0);
	ring_fake_push(&x->f, 2, STOP_PORT, 1,
		       MV_RING_REQ_PIO | MV_RING_REQ_WRITE, 0);
	/* A stop is not a protocol bug: the requests still complete. */
	CHECK_EQ(mv_ring_service_batch(&x->svc), 2);
	CHECK(ring_fake_pop_cpl(&x->f, &c));
	CHECK(ring_fake_pop_cpl(&x->f, &c));
	CHECK_EQ(x->stops, 1);
	CHECK_EQ(x->last_stop_id, 2);
	CHECK(x->ctxs[2].stop);
	CHECK_EQ(x->ctxs[2].exit_status, 7);
	CHECK(!x->ctxs[0].stop);
	fixture_free(x);
}

/* A protocol bug: stops through vCPU 0, serves nothing after it. */
static void check_bug(struct fixture *x, const char *what,
		      uint32_t served_before)
{
	CHECK_EQ(mv_ring_service_batch(&x->svc), -EPROTO);
	CHECK_EQ(x->svc.bugs, 1);
	CHECK(x->ctxs[0].stop);
	CHECK_EQ(x->ctxs[0].exit_status, MV_STATUS_VM_ERROR);
	CHECK_CONTAINS(x->ctxs[0].stop_msg, "ring protocol violation");
	CHECK_CONTAINS(x->ctxs[0].stop_msg, what);
	CHECK_EQ(x->stops, 1);
	CHECK_EQ(x->last_stop_id, 0);
	CHECK_EQ(shared(x->f.rings.req_head), served_before);
	/* Broken for good: later batches do nothing, report nothing. */
	ring_fake_push(&x->f, 0, RT_COUNT, 8, 0, 0);
	CHECK_EQ(mv_ring_service_batch(&x->svc), -EPROTO);
	CHECK_EQ(x->svc.bugs, 1);
	CHECK_EQ(x->stops, 1);
	CHECK_EQ(shared(x->f.rings.req_head), served_before);
}

TEST(ring_seq_gap)
{
	struct fixture *x = fixture_new(8, 8);

	ring_fake_push(&x->f, 0, RT_COUNT, 8, 0, 0);
	x->f.seq++;	/* seq 2 is lost */
	ring_fake_push(&x->f, 0, RT_DATA, 8, MV_RING_REQ_WRITE, 1);
	check_bug(x, "gap in the sequence numbers", 1);
	CHECK_CONTAINS(x->ctxs[0].stop_msg, "seq 3");
	CHECK_EQ(x->rt.stream[0].count, 0);	/* not performed */
	CHECK_EQ(shared(x->f.rings.cpl_tail), 1);
	fixture_free(x);
}

TEST(ring_seq_duplicate)
{
	struct fixture *x = fixture_new(8, 8);

	ring_fake_push(&x->f, 0, RT_DATA, 8,
		       MV_RING_REQ_WRITE | MV_RING_REQ_POSTED, 1);
	x->f.seq--;
	ring_fake_push(&x->f, 0, RT_DATA, 8,
		       MV_RING_REQ_WRITE | MV_RING_REQ_POSTED, 1);
	check_bug(x, "duplicate", 1);
	CHECK_EQ(x->rt.stream[0].count, 1);	/* posted exactly once */
	fixture_free(x);
}

/* Each garbage record on a fresh fixture, as the only request. */
TEST(ring_hostile_requests)
{
	static const struct {
		uint32_t vcpu;
		uint64_t addr;
		uint8_t len, flags;
		uint16_t reserved;
		const char *what;
	} cases[] = {
		{ 0, RT_DATA, 3, MV_RING_REQ_WRITE, 0, "width" },
		{ 0, RT_DATA, 0, MV_RING_REQ_WRITE, 0, "width" },
		{ 0, RT_DATA, 16, 0, 0, "width" },
		{ 0, RT_DATA, 8, 0x80, 0, "unknown request flags" },
		{ 0, RT_DATA, 8, 0xff, 0, "unknown request flags" },
		{ 0, RT_DATA, 8, MV_RING_REQ_POSTED, 0, "posted read" },
		{ NR_VCPUS, RT_DATA, 8, 0, 0, "does not exist" },
		{ 0xffffffff, RT_DATA, 8, 0, 0, "does not exist" },
		{ 0, 0xe0, 8, MV_RING_REQ_PIO, 0, "8-byte port" },
		{ 0, 0x10000, 1, MV_RING_REQ_PIO, 0, "port beyond" },
		{ 0, 0xffff, 2, MV_RING_REQ_PIO, 0, "port beyond" },
		{ 0, RT_DATA, 8, 0, 1, "reserved" },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct fixture *x = fixture_new(8, 8);
		struct mv_ring_req r;

		memset(&r, 0xa5, sizeof(r));	/* garbage data bytes */
		r.seq = 1;
		r.vcpu = cases[i].vcpu;
		r.addr = cases[i].addr;
		r.len = cases[i].len;
		r.flags = cases[i].flags;
		r.reserved = cases[i].reserved;
		ring_fake_push_raw(&x->f, &r);
		x->f.seq = 1;
		check_bug(x, cases[i].what, 0);
		CHECK_EQ(shared(x->f.rings.cpl_tail), 0);
		CHECK_EQ(x->rt.stream[0].count + x->rt.stream[0].errors, 0);
		fixture_free(x);
	}
}

TEST(ring_req_tail_out_of_range)
{
	struct fixture *x = fixture_new(8, 8);

	/* The kernel claims 9 requests in an 8-entry ring. */
	ring_fake_store(x->f.rings.req_tail, 9);
	check_bug(x, "req_tail more than a ring ahead", 0);
	fixture_free(x);
}

TEST(ring_completion_ring_full)
{
	struct fixture *x = fixture_new(8, 2);

	/* The kernel never consumes: the third completion has no room. */
	ring_fake_push(&x->f, 0, RT_COUNT, 8, 0, 0);
	ring_fake_push(&x->f, 1, RT_COUNT, 8, 0, 0);
	ring_fake_push(&x->f, 2, RT_COUNT, 8, 0, 0);
	CHECK_EQ(mv_ring_service_batch(&x->svc), -EPROTO);
	CHECK_CONTAINS(x->ctxs[0].stop_msg, "completion ring full");
	CHECK_EQ(shared(x->f.rings.cpl_tail), 2);
	CHECK_EQ(shared(x->f.rings.req_head), 2);
	CHECK_EQ(x->svc.bugs, 1);
	CHECK_EQ(x->svc.served, 2);	/* the third reached no device */
	fixture_free(x);
}

TEST(ring_cpl_head_out_of_range)
{
	struct fixture *x = fixture_new(8, 2);

	/* cpl_head "ahead" of our tail: used wraps to a huge number. */
	ring_fake_store(x->f.rings.cpl_head, 5);
	ring_fake_push(&x->f, 0, RT_COUNT, 8, 0, 0);
	CHECK_EQ(mv_ring_service_batch(&x->svc), -EPROTO);
	CHECK_CONTAINS(x->ctxs[0].stop_msg, "cpl_head out of range");
	fixture_free(x);
}

/* ---- the thread ---------------------------------------------------- */

static void sleep_a_little(void)
{
	struct timespec ts = { 0, 100000 };	/* 100 us */

	nanosleep(&ts, NULL);
}

/*
 * Plays NR_VCPUS vCPUs: each streams DATA values (some posted, some
 * sync) and reads its checksum back, waiting for its completions like
 * the kernel does; at the end each stream must match.
 */
static void thread_roundtrip(bool polling)
{
	struct fixture *x = fixture_new(8, 8);
	uint64_t expect[NR_VCPUS], next[NR_VCPUS] = { 0 };
	uint64_t waiting_seq[NR_VCPUS] = { 0 };
	const unsigned int per_vcpu = 200;
	unsigned int done = 0, i, spins = 0;
	struct mv_ring_cpl c;
	int req_efd = -1, kick_efd;

	for (i = 0; i < NR_VCPUS; i++)
		expect[i] = MV_RING_TEST_SEED;
	if (!polling) {
		req_efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		CHECK(req_efd >= 0);
	}
	kick_efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	x->f.rings.req_eventfd = req_efd;
	x->f.rings.kick_eventfd = kick_efd;
	CHECK_EQ(mv_ring_service_start(&x->svc, polling), 0);

	while (done < NR_VCPUS && spins < 2000000) {
		uint64_t one = 1;
		bool pushed = false;

		/* Hand completions to their waiters. */
		while (ring_fake_pop_cpl(&x->f, &c)) {
			CHECK(c.vcpu < NR_VCPUS);
			CHECK_EQ(c.seq, waiting_seq[c.vcpu]);
			if (next[c.vcpu] > per_vcpu) {
				CHECK_EQ(cpl_value(&c), expect[c.vcpu]);
				done++;
			}
			waiting_seq[c.vcpu] = 0;
		}
		/* Every vCPU that is not waiting makes its next access. */
		for (i = 0; i < NR_VCPUS; i++) {
			uint32_t used = x->f.req_tail_k -
					ring_fake_load(x->f.rings.req_head);

			if (waiting_seq[i] || next[i] > per_vcpu ||
			    used == x->f.rings.req_mask + 1)
				continue;
			if (next[i] == per_vcpu) {
				waiting_seq[i] = ring_fake_push(&x->f, i,
							RT_CHECKSUM, 8, 0, 0);
			} else {
				uint64_t v = ++next[i];
				bool posted = v % 3;

				expect[i] = mv_ring_test_fold(expect[i], v);
				/* A sync DATA write waits too. */
				if (posted) {
					ring_fake_push(&x->f, i, RT_DATA, 8,
						MV_RING_REQ_WRITE |
						MV_RING_REQ_POSTED, v);
				} else {
					waiting_seq[i] = ring_fake_push(&x->f,
						i, RT_DATA, 8,
						MV_RING_REQ_WRITE, v);
				}
				pushed = true;
				continue;
			}
			next[i]++;
			pushed = true;
		}
		if (pushed && req_efd >= 0)
			CHECK_EQ(write(req_efd, &one, sizeof(one)),
				 (ssize_t)sizeof(one));
		if (!pushed) {
			spins++;
			if (spins % 64 == 0)
				sleep_a_little();
			else
				sched_yield();
		}
	}
	CHECK_EQ(done, NR_VCPUS);
	mv_ring_service_stop(&x->svc);
	CHECK_EQ(x->svc.bugs, 0);
	CHECK_EQ(x->stops, 0);
	for (i = 0; i < NR_VCPUS; i++) {
		CHECK_EQ(x->rt.stream[i].count, per_vcpu);
		CHECK_EQ(x->rt.stream[i].errors, 0);
		CHECK_EQ(x->rt.stream[i].checksum, expect[i]);
	}
	CHECK_EQ(shared(x->f.rings.req_head), x->f.req_tail_k);
	fixture_free(x);
}

TEST(ring_thread_eventfd)
{
	thread_roundtrip(false);
}

TEST(ring_thread_polling)
{
	thread_roundtrip(true);
}

TEST(ring_thread_stop_idle_and_broken)
{
	struct fixture *x = fixture_new(8, 8);
	int efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);

	/* Idle, sleeping on the request eventfd: stop must not hang. */
	x->f.rings.req_eventfd = efd;
	CHECK_EQ(mv_ring_service_start(&x->svc, false), 0);
	sleep_a_little();
	mv_ring_service_stop(&x->svc);
	mv_ring_service_stop(&x->svc);	/* twice is fine */

	/* The kernel broke the rings and signals nothing: no hang either. */
	ring_fake_store(x->f.rings.kernel_flags, MV_RING_KF_BROKEN);
	ring_fake_push(&x->f, 0, RT_DATA, 8, MV_RING_REQ_WRITE, 1);
	CHECK_EQ(mv_ring_service_start(&x->svc, true), 0);
	sleep_a_little();
	mv_ring_service_stop(&x->svc);
	CHECK_EQ(x->rt.stream[0].count, 0);

	/* Eventfd mode needs a request eventfd. */
	x->f.rings.req_eventfd = -1;
	CHECK_EQ(mv_ring_service_start(&x->svc, false), -EINVAL);
	close(efd);
	fixture_free(x);
}

TEST(ring_range_names)
{
	struct fixture *x = fixture_new(8, 8);
	char buf[256], small[12];

	CHECK(mv_ring_name_known(&x->bus, "ring-test"));
	CHECK(mv_ring_name_known(&x->bus, "stopper"));
	CHECK(!mv_ring_name_known(&x->bus, "ring"));
	CHECK(!mv_ring_name_known(&x->bus, ""));
	/* Ports first, then MMIO by address; ring-test once. */
	mv_ring_list_names(&x->bus, buf, sizeof(buf));
	CHECK_STREQ(buf, "stopper, ring-test, mmio_test");
	mv_ring_list_names(&x->bus, small, sizeof(small));
	CHECK_STREQ(small, "stopper");
	fixture_free(x);
}

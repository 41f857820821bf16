// SPDX-License-Identifier: GPL-2.0
/* The ring-test device (devices/ring_test.h), through the bus. */
#include <stdint.h>

#include "test.h"
#include "vcpu_ctx.h"
#include "devices/bus.h"
#include "devices/ring_test.h"

#define BASE	MV_RING_TEST_MMIO_BASE
#define PORT	MV_RING_TEST_PIO_BASE

struct rt {
	struct mv_bus bus;
	struct mv_ring_test dev;
	struct mv_vcpu_ctx ctx[MV_RING_TEST_MAX_VCPUS + 1];
};

static void rt_init(struct rt *r)
{
	unsigned int i;

	mv_bus_init(&r->bus, NULL);
	CHECK_EQ(mv_ring_test_init(&r->dev, &r->bus), 0);
	for (i = 0; i <= MV_RING_TEST_MAX_VCPUS; i++)
		mv_vcpu_ctx_init(&r->ctx[i], i, NULL, 0);
}

static uint64_t rd(struct rt *r, unsigned int vcpu, enum mv_space space,
		   uint64_t addr, unsigned int len)
{
	uint64_t v = 0;

	mv_bus_access(&r->bus, space, &r->ctx[vcpu], addr, &v, len, false);
	return v;
}

static void wr(struct rt *r, unsigned int vcpu, enum mv_space space,
	       uint64_t addr, uint64_t v, unsigned int len)
{
	mv_bus_access(&r->bus, space, &r->ctx[vcpu], addr, &v, len, true);
}

#define MMIO_RD(r, c, off)	rd(r, c, MV_SPACE_MMIO, BASE + (off), 8)
#define MMIO_WR(r, c, off, v)	wr(r, c, MV_SPACE_MMIO, BASE + (off), v, 8)

/* FNV-1a over 64-bit words, written out independently of the device. */
static uint64_t fnv1a(const uint64_t *v, unsigned int n)
{
	uint64_t sum = 14695981039346656037ULL;
	unsigned int i;

	for (i = 0; i < n; i++) {
		sum ^= v[i];
		sum *= 1099511628211ULL;
	}
	return sum;
}

TEST(ring_test_registration)
{
	struct rt r;

	rt_init(&r);
	CHECK_STREQ(mv_bus_find(&r.bus, MV_SPACE_MMIO, BASE, 8)->name,
		    "ring-test");
	CHECK_STREQ(mv_bus_find(&r.bus, MV_SPACE_PIO, PORT, 4)->name,
		    "ring-test");
	CHECK_EQ(mv_bus_find(&r.bus, MV_SPACE_MMIO, BASE, 8)->len,
		 MV_RING_TEST_MMIO_SIZE);
	CHECK_EQ(mv_bus_find(&r.bus, MV_SPACE_PIO, PORT, 4)->len,
		 MV_RING_TEST_PIO_SIZE);
	CHECK_EQ(mv_ring_test_fold(MV_RING_TEST_SEED, 7),
		 fnv1a((uint64_t[]){ 7 }, 1));
	mv_bus_destroy(&r.bus);
}

TEST(ring_test_sequence_ok)
{
	uint64_t vals[100];
	unsigned int i;
	struct rt r;

	rt_init(&r);
	CHECK_EQ(MMIO_RD(&r, 0, MV_RING_TEST_CHECKSUM), fnv1a(vals, 0));
	for (i = 0; i < 100; i++) {
		vals[i] = i + 1;
		MMIO_WR(&r, 0, MV_RING_TEST_DATA, vals[i]);
	}
	CHECK_EQ(MMIO_RD(&r, 0, MV_RING_TEST_CHECKSUM), fnv1a(vals, 100));
	CHECK_EQ(MMIO_RD(&r, 0, MV_RING_TEST_COUNT), 100);
	CHECK_EQ(MMIO_RD(&r, 0, MV_RING_TEST_ERRORS), 0);
	/* Other vCPUs' streams are untouched. */
	CHECK_EQ(MMIO_RD(&r, 1, MV_RING_TEST_COUNT), 0);
	CHECK_EQ(MMIO_RD(&r, 1, MV_RING_TEST_CHECKSUM), fnv1a(vals, 0));
	mv_bus_destroy(&r.bus);
}

TEST(ring_test_skip_and_duplicate)
{
	uint64_t vals[] = { 1, 2, 4, 5, 5, 6 };
	unsigned int i;
	struct rt r;

	rt_init(&r);
	for (i = 0; i < 6; i++)
		MMIO_WR(&r, 3, MV_RING_TEST_DATA, vals[i]);
	/* 4 after 2 (lost 3), 5 after 5 (duplicate): two errors. */
	CHECK_EQ(MMIO_RD(&r, 3, MV_RING_TEST_ERRORS), 2);
	CHECK_EQ(MMIO_RD(&r, 3, MV_RING_TEST_COUNT), 6);
	/* The checksum covers what arrived, so the guest sees a mismatch. */
	CHECK_EQ(MMIO_RD(&r, 3, MV_RING_TEST_CHECKSUM), fnv1a(vals, 6));
	CHECK_EQ(r.dev.stream[3].last, 6);
	mv_bus_destroy(&r.bus);
}

TEST(ring_test_bad_accesses)
{
	struct rt r;
	unsigned int len;

	rt_init(&r);
	MMIO_WR(&r, 0, MV_RING_TEST_DATA, 1);
	/* Narrow accesses: ignored, reads all-ones, counted. */
	for (len = 1; len <= 4; len *= 2) {
		wr(&r, 0, MV_SPACE_MMIO, BASE + MV_RING_TEST_DATA, 2, len);
		CHECK_EQ(rd(&r, 0, MV_SPACE_MMIO, BASE + MV_RING_TEST_COUNT,
			    len), (1ULL << (8 * len)) - 1);
	}
	CHECK_EQ(MMIO_RD(&r, 0, MV_RING_TEST_ERRORS), 6);
	CHECK_EQ(MMIO_RD(&r, 0, MV_RING_TEST_COUNT), 1);
	/* Wrong direction and unknown registers. */
	CHECK_EQ(MMIO_RD(&r, 0, MV_RING_TEST_DATA), UINT64_MAX);
	CHECK_EQ(MMIO_RD(&r, 0, MV_RING_TEST_RESET), UINT64_MAX);
	MMIO_WR(&r, 0, MV_RING_TEST_CHECKSUM, 5);
	MMIO_WR(&r, 0, 0x28, 5);
	CHECK_EQ(MMIO_RD(&r, 0, 0xff8), UINT64_MAX);
	MMIO_WR(&r, 0, 0x4, 2);		/* misaligned DATA */
	CHECK_EQ(MMIO_RD(&r, 0, MV_RING_TEST_ERRORS), 12);
	CHECK_EQ(MMIO_RD(&r, 0, MV_RING_TEST_CHECKSUM),
		 fnv1a((uint64_t[]){ 1 }, 1));
	mv_bus_destroy(&r.bus);
}

TEST(ring_test_reset)
{
	struct rt r;

	rt_init(&r);
	MMIO_WR(&r, 2, MV_RING_TEST_DATA, 1);
	MMIO_WR(&r, 2, MV_RING_TEST_DATA, 3);
	MMIO_WR(&r, 1, MV_RING_TEST_DATA, 1);
	MMIO_WR(&r, 2, MV_RING_TEST_RESET, 0xabc);
	CHECK_EQ(MMIO_RD(&r, 2, MV_RING_TEST_COUNT), 0);
	CHECK_EQ(MMIO_RD(&r, 2, MV_RING_TEST_ERRORS), 0);
	CHECK_EQ(MMIO_RD(&r, 2, MV_RING_TEST_CHECKSUM), MV_RING_TEST_SEED);
	/* The sequence starts again at 1. */
	MMIO_WR(&r, 2, MV_RING_TEST_DATA, 1);
	CHECK_EQ(MMIO_RD(&r, 2, MV_RING_TEST_ERRORS), 0);
	/* Only that vCPU's state. */
	CHECK_EQ(MMIO_RD(&r, 1, MV_RING_TEST_COUNT), 1);
	mv_bus_destroy(&r.bus);
}

TEST(ring_test_pio)
{
	uint64_t vals[] = { 1, 2, 3 };
	unsigned int i;
	struct rt r;

	rt_init(&r);
	for (i = 0; i < 3; i++)
		wr(&r, 5, MV_SPACE_PIO, PORT + MV_RING_TEST_PIO_DATA, vals[i],
		   4);
	CHECK_EQ(rd(&r, 5, MV_SPACE_PIO, PORT + MV_RING_TEST_PIO_CHECKSUM,
		    4), (uint32_t)fnv1a(vals, 3));
	/* The same state as MMIO. */
	CHECK_EQ(MMIO_RD(&r, 5, MV_RING_TEST_COUNT), 3);
	CHECK_EQ(MMIO_RD(&r, 5, MV_RING_TEST_CHECKSUM), fnv1a(vals, 3));
	/* A 32-bit value is zero-extended into the same sequence. */
	MMIO_WR(&r, 5, MV_RING_TEST_DATA, 4);
	wr(&r, 5, MV_SPACE_PIO, PORT, 5, 4);
	CHECK_EQ(MMIO_RD(&r, 5, MV_RING_TEST_ERRORS), 0);
	/* Bad width, direction and offset. */
	wr(&r, 5, MV_SPACE_PIO, PORT, 6, 1);
	wr(&r, 5, MV_SPACE_PIO, PORT, 6, 2);
	CHECK_EQ(rd(&r, 5, MV_SPACE_PIO, PORT + 4, 2), 0xffff);
	CHECK_EQ(rd(&r, 5, MV_SPACE_PIO, PORT, 4), 0xffffffff);
	wr(&r, 5, MV_SPACE_PIO, PORT + 4, 6, 4);
	wr(&r, 5, MV_SPACE_PIO, PORT + 2, 6, 4);
	CHECK_EQ(MMIO_RD(&r, 5, MV_RING_TEST_ERRORS), 6);
	CHECK_EQ(MMIO_RD(&r, 5, MV_RING_TEST_COUNT), 5);
	mv_bus_destroy(&r.bus);
}

TEST(ring_test_vcpu_out_of_range)
{
	struct rt r;
	unsigned int i;

	rt_init(&r);
	/* vCPU MAX: no stream; the access is refused and the VM stopped. */
	MMIO_WR(&r, MV_RING_TEST_MAX_VCPUS, MV_RING_TEST_DATA, 1);
	CHECK_EQ(MMIO_RD(&r, MV_RING_TEST_MAX_VCPUS, MV_RING_TEST_COUNT),
		 UINT64_MAX);
	CHECK(r.ctx[MV_RING_TEST_MAX_VCPUS].stop);
	CHECK_CONTAINS(r.ctx[MV_RING_TEST_MAX_VCPUS].stop_msg,
		       "ring-test device: vCPU 8");
	for (i = 0; i < MV_RING_TEST_MAX_VCPUS; i++) {
		CHECK_EQ(r.dev.stream[i].count, 0);
		CHECK_EQ(r.dev.stream[i].errors, 0);
	}
	/* Without a context (no vCPU at all): refused, no crash. */
	{
		uint64_t v = 0;

		mv_bus_access(&r.bus, MV_SPACE_MMIO, NULL,
			      BASE + MV_RING_TEST_COUNT, &v, 8, false);
		CHECK_EQ(v, UINT64_MAX);
	}
	mv_bus_destroy(&r.bus);
}

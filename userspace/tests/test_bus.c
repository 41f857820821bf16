// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdint.h>

#include "test.h"
#include "devices/bus.h"
#include "util.h"

struct recorder {
	unsigned int calls;
	uint64_t addr;
	unsigned int len;
	bool is_write;
	uint8_t fill;
};

static void record(void *opaque, struct mv_vcpu_ctx *vcpu, uint64_t addr,
		   void *data, unsigned int len, bool is_write)
{
	struct recorder *r = opaque;

	(void)vcpu;
	r->calls++;
	r->addr = addr;
	r->len = len;
	r->is_write = is_write;
	if (!is_write)
		memset(data, r->fill, len);
}

/* A bus with MMIO [0x1000, 0x2000) and PIO [0x3f8, 0x400). */
static void two_range_bus(struct mv_bus *bus, struct recorder *rec)
{
	mv_bus_init(bus, NULL);
	CHECK_EQ(mv_bus_register(bus, MV_SPACE_MMIO, 0x1000, 0x1000, record,
				 rec, "a"), 0);
	CHECK_EQ(mv_bus_register(bus, MV_SPACE_PIO, 0x3f8, 8, record, rec,
				 "b"), 0);
}

TEST(bus_overlaps_rejected)
{
	static const struct {
		uint64_t base, len;
		int ret;
	} cases[] = {
		{ 0x1000, 0x1000, -EEXIST },	/* identical */
		{ 0x0800, 0x0801, -EEXIST },	/* overlaps the first byte */
		{ 0x1fff, 0x0010, -EEXIST },	/* overlaps the last byte */
		{ 0x1800, 0x0010, -EEXIST },	/* inside */
		{ 0x0000, 0x4000, -EEXIST },	/* around */
		{ 0x1000, 0x0001, -EEXIST },	/* first byte only */
		{ 0x0800, 0x0800, 0 },		/* adjacent below */
		{ 0x2000, 0x0800, 0 },		/* adjacent above */
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct recorder rec = { 0 };
		struct mv_bus bus;
		int ret;

		two_range_bus(&bus, &rec);
		ret = mv_bus_register(&bus, MV_SPACE_MMIO, cases[i].base,
				      cases[i].len, record, &rec, "x");
		if (ret != cases[i].ret)
			mv_test_fail(__FILE__, __LINE__, "case %u: ret %d, want %d",
				     i, ret, cases[i].ret);
		CHECK_EQ(bus.nr_ranges[MV_SPACE_MMIO], ret ? 1 : 2);
	}
}

TEST(bus_spaces_are_separate)
{
	struct recorder rec = { 0 };
	struct mv_bus bus;

	two_range_bus(&bus, &rec);
	/* The same numbers in the other space do not conflict. */
	CHECK_EQ(mv_bus_register(&bus, MV_SPACE_PIO, 0x1000, 0x10, record,
				 &rec, "p"), 0);
	CHECK_EQ(mv_bus_register(&bus, MV_SPACE_MMIO, 0x3f8, 8, record, &rec,
				 "m"), 0);
	CHECK(mv_bus_find(&bus, MV_SPACE_PIO, 0x1000, 1)->name[0] == 'p');
	CHECK(mv_bus_find(&bus, MV_SPACE_MMIO, 0x3f8, 1)->name[0] == 'm');
}

TEST(bus_invalid_ranges)
{
	struct recorder rec = { 0 };
	struct mv_bus bus;

	mv_bus_init(&bus, NULL);
	CHECK_EQ(mv_bus_register(&bus, MV_SPACE_MMIO, 0x1000, 0, record, &rec,
				 "zero"), -EINVAL);
	CHECK_EQ(mv_bus_register(&bus, MV_SPACE_MMIO, 0x1000, 1, NULL, &rec,
				 "nofn"), -EINVAL);
	CHECK_EQ(mv_bus_register(&bus, MV_SPACE_MMIO, UINT64_MAX, 2, record,
				 &rec, "wrap"), -EINVAL);
	CHECK_EQ(mv_bus_register(&bus, MV_SPACE_PIO, 0xfffe, 3, record, &rec,
				 "pio-wrap"), -EINVAL);
	CHECK_EQ(mv_bus_register(&bus, MV_SPACE_PIO, 0x10000, 1, record, &rec,
				 "pio-high"), -EINVAL);
	CHECK_EQ(mv_bus_register(&bus, MV_NR_SPACES, 0, 1, record, &rec,
				 "space"), -EINVAL);
	CHECK_EQ(bus.nr_ranges[MV_SPACE_MMIO] + bus.nr_ranges[MV_SPACE_PIO], 0);

	/* The very ends of each space are fine. */
	CHECK_EQ(mv_bus_register(&bus, MV_SPACE_PIO, 0xffff, 1, record, &rec,
				 "pio-top"), 0);
	CHECK_EQ(mv_bus_register(&bus, MV_SPACE_MMIO, UINT64_MAX, 1, record,
				 &rec, "mmio-top"), 0);
	CHECK(mv_bus_find(&bus, MV_SPACE_MMIO, UINT64_MAX, 1));
	CHECK(!mv_bus_find(&bus, MV_SPACE_MMIO, UINT64_MAX, 2));
	CHECK(mv_bus_find(&bus, MV_SPACE_PIO, 0xffff, 1));
	CHECK(!mv_bus_find(&bus, MV_SPACE_PIO, 0xffff, 2));
}

TEST(bus_full)
{
	struct recorder rec = { 0 };
	struct mv_bus bus;
	unsigned int i;

	mv_bus_init(&bus, NULL);
	/* Registered in descending order to exercise the sorted insert. */
	for (i = 0; i < MV_BUS_MAX_RANGES; i++)
		CHECK_EQ(mv_bus_register(&bus, MV_SPACE_PIO,
					 0x1000 - 0x10 * (i + 1), 0x10, record,
					 &rec, "r"), 0);
	CHECK_EQ(mv_bus_register(&bus, MV_SPACE_PIO, 0x2000, 1, record, &rec,
				 "one too many"), -ENOSPC);
	for (i = 1; i < MV_BUS_MAX_RANGES; i++)
		CHECK(bus.ranges[MV_SPACE_PIO][i - 1].base <
		      bus.ranges[MV_SPACE_PIO][i].base);
	for (i = 0; i < MV_BUS_MAX_RANGES; i++) {
		const struct mv_io_range *r =
			mv_bus_find(&bus, MV_SPACE_PIO, 0x1000 - 0x10 * (i + 1) + 0xf, 1);

		CHECK(r && r->base == 0x1000 - 0x10 * (i + 1));
	}
}

TEST(bus_lookup_boundaries)
{
	struct recorder rec = { 0 };
	struct mv_bus bus;

	two_range_bus(&bus, &rec);
	CHECK(!mv_bus_find(&bus, MV_SPACE_MMIO, 0x0fff, 1));
	CHECK(mv_bus_find(&bus, MV_SPACE_MMIO, 0x1000, 1));
	CHECK(mv_bus_find(&bus, MV_SPACE_MMIO, 0x1000, 8));
	CHECK(mv_bus_find(&bus, MV_SPACE_MMIO, 0x1fff, 1));
	CHECK(mv_bus_find(&bus, MV_SPACE_MMIO, 0x1ff8, 8));
	CHECK(!mv_bus_find(&bus, MV_SPACE_MMIO, 0x1ff9, 8));	/* straddles */
	CHECK(!mv_bus_find(&bus, MV_SPACE_MMIO, 0x0ffc, 8));	/* straddles */
	CHECK(!mv_bus_find(&bus, MV_SPACE_MMIO, 0x2000, 1));
	CHECK(!mv_bus_find(&bus, MV_SPACE_MMIO, 0x1000, 0));
	CHECK(!mv_bus_find(&bus, MV_SPACE_MMIO, UINT64_MAX, 8));
	CHECK(mv_bus_find(&bus, MV_SPACE_PIO, 0x3f8, 1));
	CHECK(mv_bus_find(&bus, MV_SPACE_PIO, 0x3ff, 1));
	CHECK(mv_bus_find(&bus, MV_SPACE_PIO, 0x3fc, 4));
	CHECK(!mv_bus_find(&bus, MV_SPACE_PIO, 0x3fe, 4));
	CHECK(!mv_bus_find(&bus, MV_SPACE_PIO, 0x3f7, 1));
	CHECK(!mv_bus_find(&bus, MV_SPACE_PIO, 0x400, 1));
	CHECK(!mv_bus_find(&bus, MV_SPACE_PIO, 0x1000, 1));
}

TEST(bus_access_dispatch_and_unhandled)
{
	struct recorder rec = { .fill = 0x5a };
	uint8_t data[8];
	struct mv_bus bus;

	two_range_bus(&bus, &rec);
	memset(data, 0, sizeof(data));
	mv_bus_access(&bus, MV_SPACE_MMIO, NULL, 0x1ffc, data, 4, false);
	CHECK_EQ(rec.calls, 1);
	CHECK_EQ(rec.addr, 0x1ffc);	/* absolute, not an offset */
	CHECK_EQ(rec.len, 4);
	CHECK(!rec.is_write);
	CHECK_EQ(data[0], 0x5a);
	CHECK_EQ(data[3], 0x5a);
	CHECK_EQ(data[4], 0);

	memset(data, 0, sizeof(data));
	mv_bus_access(&bus, MV_SPACE_MMIO, NULL, 0x1ffc, data, 8, false);
	CHECK_EQ(rec.calls, 1);		/* straddles: unhandled */
	CHECK_EQ(data[0], 0xff);
	CHECK_EQ(data[7], 0xff);
	CHECK_EQ(bus.unhandled_reads[MV_SPACE_MMIO], 1);

	memset(data, 0, sizeof(data));
	mv_bus_access(&bus, MV_SPACE_PIO, NULL, 0x80, data, 2, false);
	CHECK_EQ(data[0], 0xff);
	CHECK_EQ(data[1], 0xff);
	CHECK_EQ(data[2], 0);		/* only len bytes */
	mv_bus_access(&bus, MV_SPACE_PIO, NULL, 0x80, data, 1, true);
	mv_bus_access(&bus, MV_SPACE_PIO, NULL, 0x3f8, data, 1, true);
	CHECK_EQ(rec.calls, 2);
	CHECK(rec.is_write);
	CHECK_EQ(bus.unhandled_reads[MV_SPACE_PIO], 1);
	CHECK_EQ(bus.unhandled_writes[MV_SPACE_PIO], 1);
	CHECK_EQ(bus.unhandled_writes[MV_SPACE_MMIO], 0);
}

TEST(bus_unhandled_log_is_limited)
{
	struct mv_memfile m;
	struct mv_bus bus;
	uint8_t data[4] = { 0x34, 0x12 };
	const char *text, *p;
	unsigned int i, lines = 0;

	mv_memfile_open(&m);
	mv_bus_init(&bus, m.f);
	mv_bus_access(&bus, MV_SPACE_PIO, NULL, 0x80, data, 2, true);
	mv_bus_access(&bus, MV_SPACE_MMIO, NULL, 0xfee00000, data, 4, false);
	for (i = 0; i < 100; i++)
		mv_bus_access(&bus, MV_SPACE_PIO, NULL, 0x81, data, 1, true);
	text = mv_memfile_text(&m);
	CHECK_CONTAINS(text, "unhandled port write at 0x80 (2 bytes, value 0x1234) ignored");
	CHECK_CONTAINS(text, "unhandled MMIO read at 0xfee00000 (4 bytes) returns all-ones");
	CHECK_CONTAINS(text, "further unhandled accesses are not reported");
	for (p = text; *p; p++)
		lines += *p == '\n';
	CHECK_EQ(lines, MV_BUS_WARN_LIMIT + 1);
	CHECK_EQ(bus.unhandled_writes[MV_SPACE_PIO], 101);
	mv_memfile_close(&m);
}

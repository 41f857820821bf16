// SPDX-License-Identifier: GPL-2.0
#include "test.h"
#include "stats.h"

TEST(stats_table_rendering)
{
	struct mv_exit_stats st;
	struct mv_memfile m;

	memset(&st, 0, sizeof(st));
	st.exits[10] = 3;
	st.exits[12] = 1;
	st.exits[30] = 1234567;
	st.exits[95] = 2;
	st.total_exits = 1234573;
	st.userspace_exits = 1234568;
	mv_memfile_open(&m);
	mv_print_exit_stats(m.f, &st);
	CHECK_STREQ(mv_memfile_text(&m),
		    "\n"
		    "--- exit statistics ---\n"
		    "reason  name                            count\n"
		    "    10  CPUID                               3\n"
		    "    12  HLT                                 1\n"
		    "    30  IO_INSTRUCTION                1234567\n"
		    "    95  unknown                             2\n"
		    "total exits: 1234573\n"
		    "exits to userspace: 1234568\n");
	mv_memfile_close(&m);
}

TEST(stats_table_empty)
{
	struct mv_exit_stats st;
	struct mv_memfile m;

	memset(&st, 0, sizeof(st));
	mv_memfile_open(&m);
	mv_print_exit_stats(m.f, &st);
	CHECK_STREQ(mv_memfile_text(&m),
		    "\n"
		    "--- exit statistics ---\n"
		    "reason  name                            count\n"
		    "total exits: 0\n"
		    "exits to userspace: 0\n");
	mv_memfile_close(&m);
}

TEST(stats_unhandled)
{
	struct mv_memfile m;
	struct mv_bus bus;

	mv_bus_init(&bus, NULL);
	bus.unhandled_writes[MV_SPACE_PIO] = 5;
	bus.unhandled_reads[MV_SPACE_MMIO] = 1;
	mv_memfile_open(&m);
	mv_print_unhandled_stats(m.f, &bus);
	CHECK_STREQ(mv_memfile_text(&m),
		    "unhandled port writes: 5\n"
		    "unhandled MMIO reads: 1\n");
	mv_memfile_close(&m);
}

TEST(stats_per_vcpu_and_total)
{
	struct mv_exit_stats a, b, sum;
	struct mv_memfile m;

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	memset(&sum, 0, sizeof(sum));
	a.exits[12] = 1;
	a.exits[30] = 10;
	a.total_exits = 11;
	a.userspace_exits = 11;
	b.exits[30] = 5;
	b.exits[1] = 7;
	b.total_exits = 12;
	b.userspace_exits = 5;
	mv_add_exit_stats(&sum, &a);
	mv_add_exit_stats(&sum, &b);
	CHECK_EQ(sum.exits[1], 7);
	CHECK_EQ(sum.exits[12], 1);
	CHECK_EQ(sum.exits[30], 15);
	CHECK_EQ(sum.total_exits, 23);
	CHECK_EQ(sum.userspace_exits, 16);

	mv_memfile_open(&m);
	mv_print_exit_stats_titled(m.f, "exit statistics: all vCPUs", &sum);
	CHECK_STREQ(mv_memfile_text(&m),
		    "\n"
		    "--- exit statistics: all vCPUs ---\n"
		    "reason  name                            count\n"
		    "     1  EXTERNAL_INTERRUPT                  7\n"
		    "    12  HLT                                 1\n"
		    "    30  IO_INSTRUCTION                     15\n"
		    "total exits: 23\n"
		    "exits to userspace: 16\n");
	mv_memfile_close(&m);
}

TEST(stats_ring_counters)
{
	struct mv_exit_stats a, b, sum;
	struct mv_memfile m;

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	memset(&sum, 0, sizeof(sum));
	a.total_exits = 3;
	a.userspace_exits = 1;
	a.ring_posted = 1000;
	a.ring_waited = 20;
	b.ring_waited = 5;
	b.ring_full_waits = 2;
	mv_add_exit_stats(&sum, &a);
	mv_add_exit_stats(&sum, &b);
	CHECK_EQ(sum.ring_posted, 1000);
	CHECK_EQ(sum.ring_waited, 25);
	CHECK_EQ(sum.ring_full_waits, 2);

	mv_memfile_open(&m);
	mv_print_exit_stats(m.f, &sum);
	CHECK_STREQ(mv_memfile_text(&m),
		    "\n"
		    "--- exit statistics ---\n"
		    "reason  name                            count\n"
		    "total exits: 3\n"
		    "exits to userspace: 1\n"
		    "ring posted writes: 1000\n"
		    "ring waited requests: 25\n"
		    "ring full waits: 2\n");
	mv_memfile_close(&m);

	/* Any one non-zero counter prints all three. */
	memset(&a, 0, sizeof(a));
	a.ring_full_waits = 1;
	mv_memfile_open(&m);
	mv_print_exit_stats(m.f, &a);
	CHECK_CONTAINS(mv_memfile_text(&m),
		       "exits to userspace: 0\n"
		       "ring posted writes: 0\n"
		       "ring waited requests: 0\n"
		       "ring full waits: 1\n");
	mv_memfile_close(&m);
}

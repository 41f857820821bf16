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

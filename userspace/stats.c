// SPDX-License-Identifier: GPL-2.0
#include "stats.h"
#include "lib/libminivisor.h"

void mv_print_exit_stats(FILE *out, const struct mv_exit_stats *st)
{
	mv_print_exit_stats_titled(out, "exit statistics", st);
}

void mv_add_exit_stats(struct mv_exit_stats *sum,
		       const struct mv_exit_stats *st)
{
	unsigned int i;

	for (i = 0; i < MV_NR_EXIT_REASONS; i++)
		sum->exits[i] += st->exits[i];
	sum->total_exits += st->total_exits;
	sum->userspace_exits += st->userspace_exits;
	sum->ring_posted += st->ring_posted;
	sum->ring_waited += st->ring_waited;
	sum->ring_full_waits += st->ring_full_waits;
}

void mv_print_exit_stats_titled(FILE *out, const char *title,
				const struct mv_exit_stats *st)
{
	unsigned int i;

	fprintf(out, "\n--- %s ---\n", title);
	fprintf(out, "%6s  %-24s %12s\n", "reason", "name", "count");
	for (i = 0; i < MV_NR_EXIT_REASONS; i++) {
		if (!st->exits[i])
			continue;
		fprintf(out, "%6u  %-24s %12llu\n", i,
			mv_vmx_exit_reason_name(i),
			(unsigned long long)st->exits[i]);
	}
	fprintf(out, "total exits: %llu\n",
		(unsigned long long)st->total_exits);
	fprintf(out, "exits to userspace: %llu\n",
		(unsigned long long)st->userspace_exits);
	/* Only runs that used the rings (--ring) have these. */
	if (!st->ring_posted && !st->ring_waited && !st->ring_full_waits)
		return;
	fprintf(out, "ring posted writes: %llu\n",
		(unsigned long long)st->ring_posted);
	fprintf(out, "ring waited requests: %llu\n",
		(unsigned long long)st->ring_waited);
	fprintf(out, "ring full waits: %llu\n",
		(unsigned long long)st->ring_full_waits);
}

void mv_print_unhandled_stats(FILE *out, const struct mv_bus *bus)
{
	static const char *const space_names[MV_NR_SPACES] = {
		[MV_SPACE_PIO] = "port", [MV_SPACE_MMIO] = "MMIO",
	};
	unsigned int s;

	for (s = 0; s < MV_NR_SPACES; s++) {
		if (bus->unhandled_reads[s])
			fprintf(out, "unhandled %s reads: %llu\n",
				space_names[s],
				(unsigned long long)bus->unhandled_reads[s]);
		if (bus->unhandled_writes[s])
			fprintf(out, "unhandled %s writes: %llu\n",
				space_names[s],
				(unsigned long long)bus->unhandled_writes[s]);
	}
}

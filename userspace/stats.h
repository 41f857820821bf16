/* SPDX-License-Identifier: GPL-2.0 */
/* `run --stats`: the exit-statistics table. */
#ifndef MV_STATS_H
#define MV_STATS_H

#include <stdio.h>
#include <minivisor.h>

#include "devices/bus.h"

/*
 * Prints, after a blank line and "--- exit statistics ---", one line per
 * non-zero basic exit reason ("%6u  %-24s %12llu": number, SDM name,
 * count), then "total exits: N" and "exits to userspace: N", then, if
 * any of them is non-zero, "ring posted writes: N", "ring waited
 * requests: N" and "ring full waits: N".
 */
void mv_print_exit_stats(FILE *out, const struct mv_exit_stats *st);

/*
 * The same table with another title line ("--- TITLE ---"), e.g. for one
 * vCPU of several.
 */
void mv_print_exit_stats_titled(FILE *out, const char *title,
				const struct mv_exit_stats *st);

/* @sum += @st, counter by counter (for the all-vCPUs total). */
void mv_add_exit_stats(struct mv_exit_stats *sum,
		       const struct mv_exit_stats *st);

/* "unhandled port reads: N" and the like, for the non-zero counters. */
void mv_print_unhandled_stats(FILE *out, const struct mv_bus *bus);

#endif /* MV_STATS_H */

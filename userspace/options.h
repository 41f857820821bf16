/* SPDX-License-Identifier: GPL-2.0 */
/* Command-line options of `minivisor run`, parsed without global state. */
#ifndef MV_OPTIONS_H
#define MV_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "loader.h"

/* The most --cpus accepts; the module's caps.max_vcpus may be lower. */
#define MV_CPUS_MAX	8

struct mv_run_opts {
	uint64_t mem_size;
	enum mv_entry entry;
	bool stats;
	unsigned int cpus;	/* --cpus: number of vCPUs, 1..MV_CPUS_MAX */
	uint32_t msr_policy;	/* MV_MSR_POLICY_*; default GP */
	bool help;		/* --help seen: print usage, ignore the rest */
	const char *guest;	/* points into argv */
};

/*
 * argv[0] is the subcommand ("run"). Accepts --mem SIZE / --mem=SIZE /
 * -m SIZE, --entry real|long / --entry=..., --msr-policy gp|exit /
 * --msr-policy=..., --cpus N / --cpus=N, --stats, -h / --help, "--",
 * and exactly one GUEST path. Returns 0, or -1 with a one-line message
 * naming the problem and the expected form in @err.
 */
int mv_parse_run_opts(int argc, char *const argv[], struct mv_run_opts *o,
		      char *err, size_t errlen);

/*
 * Checks a --mem value: at least MV_MEM_MIN, at most MV_MEM_MAX, a
 * multiple of 4 KiB. Returns 0 or -1 with a message in @err.
 */
int mv_check_mem_size(const char *arg, uint64_t size, char *err,
		      size_t errlen);

void mv_print_run_usage(FILE *out);

#endif /* MV_OPTIONS_H */

/* SPDX-License-Identifier: GPL-2.0 */
/* `minivisor stats`, `top` and `events`: the generic netlink commands. */
#ifndef MV_STATS_CMD_H
#define MV_STATS_CMD_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

enum mv_nl_cmd { MV_NLCMD_STATS, MV_NLCMD_TOP, MV_NLCMD_EVENTS };

/* The options of the three commands (each accepts only its own). */
struct mv_nl_opts {
	bool help;
	int64_t vm;			/* --vm ID, -1 if absent */
	int64_t vcpu;			/* --vcpu N, -1 if absent */
	bool json;			/* --json */
	bool reset;			/* --reset */
	double interval;		/* --interval SECONDS, default 1 */
	unsigned long iterations;	/* --iterations N, 0: until SIGINT */
	bool have_sample;
	uint32_t sample;		/* --sample N */
	unsigned long count;		/* --count N, 0: until SIGINT */
};

/*
 * Parses argv (argv[0] is the command name; "--opt VALUE" and
 * "--opt=VALUE" both work). Returns 0, or -1 after printing the problem
 * and "Try 'minivisor CMD --help'." to @err.
 */
int mv_nl_parse_args(enum mv_nl_cmd cmd, int argc, char *argv[],
		     struct mv_nl_opts *o, FILE *err);

void mv_print_stats_usage(FILE *out);
void mv_print_top_usage(FILE *out);
void mv_print_events_usage(FILE *out);

/* The commands: argv[0] is the command name; return the exit status. */
int mv_cmd_stats(int argc, char *argv[]);
int mv_cmd_top(int argc, char *argv[]);
int mv_cmd_events(int argc, char *argv[]);

#endif /* MV_STATS_CMD_H */

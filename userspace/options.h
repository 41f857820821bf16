/* SPDX-License-Identifier: GPL-2.0 */
/* Command-line options of `minivisor run`, parsed without global state. */
#ifndef MV_OPTIONS_H
#define MV_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "loader.h"
#include "hv/hv.h"

/* The most --cpus accepts; the module's caps.max_vcpus may be lower. */
#define MV_CPUS_MAX	8

/* --ring: at most this many NAMEs, each at most MV_RING_NAME_MAX - 1 long. */
#define MV_RING_OPTS_MAX	16
#define MV_RING_NAME_MAX	32
#define MV_RING_ENTRIES_DEFAULT	64
#define MV_RING_ENTRIES_MIN	2	/* MV_RING_MIN_REQ_ENTRIES */
#define MV_RING_ENTRIES_MAX	65536	/* MV_RING_MAX_ENTRIES */
#define MV_RING_BUSY_POLL_MAX	1000	/* MV_RING_MAX_BUSY_POLL_US */

struct mv_ring_opt {
	char name[MV_RING_NAME_MAX];	/* a bus range name */
	bool posted;			/* NAME:posted */
};

struct mv_run_opts {
	enum mv_hv_kind hv;	/* --hv: minivisor (default) or kvm */
	uint64_t mem_size;
	enum mv_entry entry;
	bool stats;
	unsigned int cpus;	/* --cpus: number of vCPUs, 1..MV_CPUS_MAX */
	uint32_t msr_policy;	/* MV_MSR_POLICY_*; default GP */
	bool help;		/* --help seen: print usage, ignore the rest */
	/* Exit forwarding through rings: none when nr_rings is 0. */
	struct mv_ring_opt rings[MV_RING_OPTS_MAX];
	unsigned int nr_rings;
	uint32_t ring_entries;	/* --ring-entries: request ring size */
	uint32_t ring_busy_poll_us; /* --ring-busy-poll */
	bool ring_poll;		/* --ring-poll: the device thread spins */
	/* --coalesced NAME (KVM only): the devices' coalesced writes. */
	char coalesced[MV_RING_OPTS_MAX][MV_RING_NAME_MAX];
	unsigned int nr_coalesced;
	const char *guest;	/* points into argv */
	/* --kernel: boot a Linux bzImage instead of a flat GUEST.bin. */
	const char *kernel;
	const char *initrd;	/* --initrd, with --kernel only */
	const char *cmdline;	/* --cmdline, with --kernel only */
	bool mem_given;		/* --mem seen (else the mode's default) */
};

/*
 * argv[0] is the subcommand ("run"). Accepts --hv minivisor|kvm /
 * --hv=..., --mem SIZE / --mem=SIZE / -m SIZE, --entry real|long /
 * --entry=..., --msr-policy gp|exit / --msr-policy=..., --cpus N /
 * --cpus=N, --stats, --ring NAME[:posted|:sync] (repeatable; not with
 * --hv kvm), --ring-entries N, --ring-busy-poll US, --ring-poll (the last
 * three only with --ring), --coalesced NAME (repeatable; --hv kvm only),
 * --kernel BZIMAGE [--initrd FILE] [--cmdline STR] (instead of a GUEST
 * path; not with --entry), -h / --help, "--", and exactly one GUEST path
 * unless --kernel. Whether a --ring or --coalesced NAME exists is checked
 * later, against the bus (run.c). Returns 0, or -1 with a one-line
 * message naming the problem and the expected form in @err.
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

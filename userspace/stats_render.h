/* SPDX-License-Identifier: GPL-2.0 */
/*
 * `minivisor stats`, `top` and `events`: the data they show, as plain
 * structs filled in by genl.c, and every piece of text they print. Pure
 * functions (no netlink, no clock), so the unit tests cover them whole.
 */
#ifndef MV_STATS_RENDER_H
#define MV_STATS_RENDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <minivisor.h>

/* One MV_A_REASON nest. */
struct mv_stats_reason {
	uint32_t id;			/* basic exit reason */
	uint64_t count;
	uint64_t cycles_total;
	uint64_t cycles_max;
	uint64_t hist[MV_STATS_HIST_BUCKETS];
};

/* One MV_CMD_GET_STATS message: a vCPU's statistics or the VM's totals. */
struct mv_stats_vcpu {
	uint32_t id;			/* vCPU id; 0 and unused if is_total */
	bool is_total;			/* the message had no MV_A_VCPU_ID */
	uint64_t exits_total;
	size_t nr_reasons;
	struct mv_stats_reason *reasons;	/* malloc'd, in message order */
};

/* One VM: what MV_CMD_LIST_VMS says about it and its statistics. */
struct mv_stats_vm {
	uint32_t id;
	uint32_t pid;
	uint32_t nr_vcpus;
	uint64_t mem_bytes;
	bool have_info;			/* pid, nr_vcpus, mem_bytes are set */
	size_t nr_vcpu_stats;
	struct mv_stats_vcpu *vcpus;	/* malloc'd, one per vCPU message */
	bool have_total;
	struct mv_stats_vcpu total;	/* the dump's last message */
};

/* One event of the events group. */
struct mv_event {
	uint8_t cmd;			/* MV_CMD_VM_CREATED, ... */
	uint32_t vm_id;
	uint32_t vcpu_id;
	uint32_t pid;
	uint32_t reason;
	uint64_t exit_qual;
	uint64_t guest_rip;
	uint64_t cycles;
};

/* Appends a copy of @r; 0 or -ENOMEM. */
int mv_stats_vcpu_add_reason(struct mv_stats_vcpu *v,
			     const struct mv_stats_reason *r);
/* Appends a copy of @v (taking over its reasons) to @vm; 0 or -ENOMEM. */
int mv_stats_vm_add_vcpu(struct mv_stats_vm *vm, struct mv_stats_vcpu *v);
void mv_stats_vcpu_free(struct mv_stats_vcpu *v);
/* Frees the vCPU and total statistics; keeps id and the list info. */
void mv_stats_vm_free_stats(struct mv_stats_vm *vm);
void mv_stats_vms_free(struct mv_stats_vm *vms, size_t nr);

/* The reason with this id in @v, or NULL. */
const struct mv_stats_reason *mv_stats_find_reason(const struct mv_stats_vcpu *v,
						   uint32_t id);

/*
 * Exits of @r whose cycles have been added: the sum of its histogram
 * (COUNT, or COUNT - 1 while one exit is being handled).
 */
uint64_t mv_stats_handled(const struct mv_stats_reason *r);
/* Mean cycles per handled exit: cycles_total / handled, 0 if none. */
uint64_t mv_stats_mean(const struct mv_stats_reason *r);

/*
 * The compact histogram: the non-zero buckets as "2^K:N" separated by
 * spaces, where 2^K is the lower bound of the bucket in cycles (bucket 0,
 * "2^0", also holds exits of 0 cycles; the last one is "2^31+", everything
 * from 2^31 on). "-" if every bucket is zero. Truncated with "..." if
 * @len is too small. Returns @buf.
 */
char *mv_stats_hist_format(const uint64_t hist[MV_STATS_HIST_BUCKETS],
			   char *buf, size_t len);

/* "64 MiB", "12 KiB", "1000 bytes": the largest unit dividing @bytes. */
char *mv_stats_size_format(uint64_t bytes, char *buf, size_t len);

/*
 * The VM list: a header line "    VM      PID  vCPUs  MEMORY", then one
 * line per VM; "no VMs" if @nr is 0.
 */
void mv_stats_print_vm_list(FILE *out, const struct mv_stats_vm *vms,
			    size_t nr);

/*
 * One vCPU's (or the totals') table: a title line ("vCPU N: E exits" or
 * "total (all vCPUs): E exits"), then, unless there are no reasons,
 * a header and one row per reason sorted by reason number:
 * REASON NAME COUNT CYCLES-TOTAL MEAN MAX HISTOGRAM. MEAN is "-" when no
 * exit of that reason has been handled yet.
 */
void mv_stats_print_vcpu(FILE *out, const struct mv_stats_vcpu *v);

/* "VM ID (pid P, N vCPUs, MEM)" then each vCPU table and the totals. */
void mv_stats_print_vm(FILE *out, const struct mv_stats_vm *vm);

/* @s as a JSON string literal, quotes included. */
void mv_json_string(FILE *out, const char *s);

/*
 * One JSON document:
 *   {"vms":[{"id":..,"pid":..,"nr_vcpus":..,"mem_bytes":..,
 *            "vcpus":[{"id":..,"exits_total":..,"reasons":[R,...]}],
 *            "totals":{"exits_total":..,"reasons":[R,...]} or null}]}
 * R = {"id":..,"name":"..","count":..,"cycles_total":..,"cycles_max":..,
 *      "cycles_mean":..,"hist":[32 numbers]}.
 * "pid", "nr_vcpus", "mem_bytes" are omitted when !have_info.
 */
void mv_stats_print_json(FILE *out, const struct mv_stats_vm *vms, size_t nr);

/* ---- top ---- */

struct mv_top_row {
	uint32_t id;			/* basic exit reason */
	uint64_t delta;			/* exits during the interval */
	double rate;			/* delta / seconds */
};

/*
 * The rates between two snapshots of the same vCPU or totals, @seconds
 * apart: one row per reason of @cur whose count grew, at most @max_rows
 * (the highest), sorted by rate (highest first, then by reason number). A
 * reason missing from @prev (or @prev NULL) counts from zero; a count
 * lower than in @prev (statistics reset in between) counts from zero too.
 * @total_rate gets the EXITS_TOTAL rate, with the same rules. Returns the
 * number of rows. @seconds <= 0 gives rates of 0.
 */
size_t mv_top_compute(const struct mv_stats_vcpu *prev,
		      const struct mv_stats_vcpu *cur, double seconds,
		      struct mv_top_row *rows, size_t max_rows,
		      double *total_rate);

/*
 * "TITLE: R exits/s" then, if any, a header (EXITS/S REASON NAME EXITS)
 * and one line per row: the rate, the reason number and name, the delta;
 * "  (no exits)" otherwise.
 */
void mv_top_print(FILE *out, const char *title, const struct mv_top_row *rows,
		  size_t nr, double total_rate);

/*
 * One VM of `top`: mv_top_print() of the totals, titled "VM ID (pid P,
 * N vCPUs, MEM)", then "  per vCPU:  0: R/s  1: R/s". @prev (the same VM
 * in the previous snapshot) may be NULL: counts then start from zero.
 */
void mv_top_print_vm(FILE *out, const struct mv_stats_vm *prev,
		     const struct mv_stats_vm *cur, double seconds);

/* ---- events ---- */

/*
 * One line (with '\n'):
 *   "vm-created vm=1 pid=1234"
 *   "vm-destroyed vm=1"
 *   "exit vm=1 vcpu=0 reason=30 IO_INSTRUCTION qual=0x3f80008 rip=0x10004 cycles=5120"
 *   "event cmd=N vm=1" for a command this tool does not know.
 */
void mv_event_print(FILE *out, const struct mv_event *ev);

#endif /* MV_STATS_RENDER_H */

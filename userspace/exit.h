/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Dispatch of one exit from MV_RUN: device accesses go to the bus, the
 * exits that end the run record why in the vCPU context.
 */
#ifndef MV_EXIT_H
#define MV_EXIT_H

#include <stdbool.h>
#include <stddef.h>

#include "vcpu_ctx.h"
#include "devices/bus.h"

/* Exit statuses of the tool for the ways a run ends (README.md). */
#define MV_STATUS_HALT		0
#define MV_STATUS_SETUP_ERROR	1
#define MV_STATUS_SHUTDOWN	2
#define MV_STATUS_USAGE		2
#define MV_STATUS_VM_ERROR	3
#define MV_STATUS_GUEST_PANIC	4	/* a Linux guest's kernel panicked */
#define MV_STATUS_INTERRUPTED	130

/*
 * Handles ctx->run->exit_reason. Returns true if the vCPU should run
 * again, false once it stopped (ctx->stop set, with exit_status and
 * stop_msg). Fields the module filled in are validated against the run
 * page size before use; a malformed exit stops the vCPU with
 * MV_STATUS_VM_ERROR.
 */
bool mv_handle_exit(struct mv_vcpu_ctx *ctx, struct mv_bus *bus);

/* The message for a failed VM entry (struct mv_exit_fail_entry). */
void mv_describe_fail_entry(const struct mv_exit_fail_entry *fe,
			    unsigned long long rip, char *buf, size_t len);
/* The message for an MSR the module left to the tool (struct mv_exit_msr). */
void mv_describe_msr_exit(const struct mv_exit_msr *m, unsigned long long rip,
			  char *buf, size_t len);
/* The message for an internal error (struct mv_exit_internal). */
void mv_describe_internal(const struct mv_exit_internal *in,
			  unsigned long long rip, char *buf, size_t len);

#endif /* MV_EXIT_H */

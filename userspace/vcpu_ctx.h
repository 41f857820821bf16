/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the VMM keeps per vCPU while it runs: the run page the exit
 * dispatcher reads, and how the vCPU stopped (set by the dispatcher or by
 * a device, e.g. the debug-exit port).
 */
#ifndef MV_VCPU_CTX_H
#define MV_VCPU_CTX_H

#include <stdbool.h>
#include <stddef.h>
#include <minivisor.h>

struct mv_vcpu_ctx {
	unsigned int id;
	struct mv_run *run;	/* run_size bytes: the header + the I/O data */
	size_t run_size;
	bool stop;		/* the run loop ends after this exit */
	int exit_status;	/* the tool's exit status once stopped */
	char stop_msg[1024];	/* why, for stderr (no "minivisor: " prefix) */
};

void mv_vcpu_ctx_init(struct mv_vcpu_ctx *ctx, unsigned int id,
		      struct mv_run *run, size_t run_size);

/*
 * Stop the vCPU after the current exit with @status and a message. The
 * first stop wins: later calls for the same run are ignored, so a string
 * OUT that hits the debug-exit port twice reports the first value.
 */
void mv_vcpu_stop(struct mv_vcpu_ctx *ctx, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif /* MV_VCPU_CTX_H */

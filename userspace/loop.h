/* SPDX-License-Identifier: GPL-2.0 */
/* The RUN loop of one vCPU, with MV_RUN behind a function pointer. */
#ifndef MV_LOOP_H
#define MV_LOOP_H

#include <signal.h>

#include "vcpu_ctx.h"
#include "devices/bus.h"

/*
 * One MV_RUN: 0 when an exit is in the run page, -EINTR when interrupted
 * by a signal, another negative errno on failure (message in
 * mv_last_error()).
 */
typedef int mv_run_fn(void *arg);

/*
 * Runs until the vCPU stops and returns its exit status (ctx->stop_msg
 * says why). -EINTR (or an MV_EXIT_INTR exit) runs again unless *@stop
 * was set, e.g. by a SIGINT handler: then MV_STATUS_INTERRUPTED.
 */
int mv_run_loop(struct mv_vcpu_ctx *ctx, struct mv_bus *bus,
		mv_run_fn *run_once, void *arg, volatile sig_atomic_t *stop);

#endif /* MV_LOOP_H */

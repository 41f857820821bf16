// SPDX-License-Identifier: GPL-2.0
#include <errno.h>

#include "loop.h"
#include "exit.h"
#include "lib/libminivisor.h"

int mv_run_loop(struct mv_vcpu_ctx *ctx, struct mv_bus *bus,
		mv_run_fn *run_once, void *arg, volatile sig_atomic_t *stop)
{
	int ret;

	for (;;) {
		if (*stop) {
			mv_vcpu_stop(ctx, MV_STATUS_INTERRUPTED, "interrupted");
			return ctx->exit_status;
		}
		ret = run_once(arg);
		if (ret == -EINTR)
			continue;	/* *stop decides */
		if (ret < 0) {
			mv_vcpu_stop(ctx, MV_STATUS_VM_ERROR, "%s",
				     mv_last_error());
			return ctx->exit_status;
		}
		if (!mv_handle_exit(ctx, bus))
			return ctx->exit_status;
	}
}

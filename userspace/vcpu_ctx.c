// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "vcpu_ctx.h"

void mv_vcpu_ctx_init(struct mv_vcpu_ctx *ctx, unsigned int id,
		      struct mv_run *run, size_t run_size)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->id = id;
	ctx->run = run;
	ctx->run_size = run_size;
}

void mv_vcpu_stop(struct mv_vcpu_ctx *ctx, int status, const char *fmt, ...)
{
	va_list ap;

	if (ctx->stop)
		return;
	ctx->stop = true;
	ctx->exit_status = status;
	va_start(ap, fmt);
	vsnprintf(ctx->stop_msg, sizeof(ctx->stop_msg), fmt, ap);
	va_end(ap);
}

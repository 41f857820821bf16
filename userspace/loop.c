// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <string.h>

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
		/*
		 * A backend may perform device accesses itself (KVM's
		 * coalesced writes), and a device may have stopped the vCPU.
		 */
		if (ctx->stop)
			return ctx->exit_status;
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

void mv_stop_group_init(struct mv_stop_group *g, volatile sig_atomic_t *stop,
			unsigned int nr_vcpus, mv_kick_fn *kick,
			void *kick_arg)
{
	memset(g, 0, sizeof(*g));
	pthread_mutex_init(&g->lock, NULL);
	g->stop = stop;
	g->nr_vcpus = nr_vcpus;
	g->kick = kick;
	g->kick_arg = kick_arg;
}

void mv_stop_group_destroy(struct mv_stop_group *g)
{
	pthread_mutex_destroy(&g->lock);
}

bool mv_stop_group_report(struct mv_stop_group *g,
			  const struct mv_vcpu_ctx *ctx)
{
	bool first;
	unsigned int i;

	pthread_mutex_lock(&g->lock);
	first = !g->decided;
	if (first) {
		g->decided = true;
		g->vcpu_id = ctx->id;
		g->exit_status = ctx->exit_status;
		memcpy(g->stop_msg, ctx->stop_msg, sizeof(g->stop_msg));
		g->stop_msg[sizeof(g->stop_msg) - 1] = '\0';
	}
	pthread_mutex_unlock(&g->lock);
	if (!first)
		return false;
	/* Set only after the decision: a loop that sees it finds it made. */
	*g->stop = 1;
	for (i = 0; i < g->nr_vcpus; i++)
		if (i != ctx->id && g->kick)
			g->kick(g->kick_arg, i);
	return true;
}

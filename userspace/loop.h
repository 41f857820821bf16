/* SPDX-License-Identifier: GPL-2.0 */
/* The RUN loop of one vCPU, with MV_RUN behind a function pointer. */
#ifndef MV_LOOP_H
#define MV_LOOP_H

#include <pthread.h>
#include <signal.h>
#include <stdbool.h>

#include "vcpu_ctx.h"
#include "devices/bus.h"

/*
 * One MV_RUN (mv_hv_vcpu_run()): 0 when an exit is in the run page,
 * -EINTR when interrupted by a signal, another negative errno on failure
 * (message in mv_last_error()).
 */
typedef int mv_run_fn(void *arg);

/*
 * Runs until the vCPU stops and returns its exit status (ctx->stop_msg
 * says why). -EINTR (or an MV_EXIT_INTR exit) runs again unless *@stop
 * was set, e.g. by a SIGINT handler: then MV_STATUS_INTERRUPTED. A stop
 * of @ctx during @run_once (a device the backend called) ends it too.
 */
int mv_run_loop(struct mv_vcpu_ctx *ctx, struct mv_bus *bus,
		mv_run_fn *run_once, void *arg, volatile sig_atomic_t *stop);

/*
 * Several vCPUs of one VM, one thread each: the first vCPU whose run loop
 * ends decides the VM's exit status and message; it then sets the shared
 * stop flag and kicks every other vCPU (@kick, e.g. pthread_kill() with a
 * signal whose handler sets immediate_exit in that vCPU's run page), so
 * their loops end with MV_STATUS_INTERRUPTED, which is not reported.
 * A SIGINT sets the flag without a report: the first loop to see it ends
 * as "interrupted" and reports that.
 */
typedef void mv_kick_fn(void *arg, unsigned int vcpu_id);

struct mv_stop_group {
	pthread_mutex_t lock;
	volatile sig_atomic_t *stop;	/* the flag every run loop polls */
	unsigned int nr_vcpus;
	mv_kick_fn *kick;
	void *kick_arg;
	/* The first stop (under lock). */
	bool decided;
	unsigned int vcpu_id;
	int exit_status;
	char stop_msg[1024];
};

void mv_stop_group_init(struct mv_stop_group *g, volatile sig_atomic_t *stop,
			unsigned int nr_vcpus, mv_kick_fn *kick,
			void *kick_arg);
void mv_stop_group_destroy(struct mv_stop_group *g);

/*
 * Called by each vCPU thread when its run loop has returned. The first
 * caller's status and message become the group's; it sets *stop and
 * kicks all other vCPUs. Returns true for that first caller.
 */
bool mv_stop_group_report(struct mv_stop_group *g,
			  const struct mv_vcpu_ctx *ctx);

#endif /* MV_LOOP_H */

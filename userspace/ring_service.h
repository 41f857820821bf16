/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The device side of exit forwarding through shared rings: a thread that
 * takes the kernel's requests in ring order, performs each on the device
 * bus and, unless the request is posted, writes its completion.
 *
 * mv_ring_service_batch() is the whole protocol on plain memory (the
 * struct mv_rings pointers), so unit tests drive it without a kernel;
 * mv_ring_service_start()/_stop() add the thread and the waiting.
 *
 * Handlers get the context of the request's vCPU from @ctxs, an array the
 * service owns for its thread (not the vCPU threads' own contexts, which
 * their threads write while the service runs). When a handler stops a
 * vCPU (mv_vcpu_stop()), or the service finds a protocol bug, the service
 * calls @on_stop with that context, once per context.
 */
#ifndef MV_RING_SERVICE_H
#define MV_RING_SERVICE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "vcpu_ctx.h"
#include "devices/bus.h"
#include "lib/libminivisor.h"

/* Called from the service thread; must not block on that thread. */
typedef void mv_ring_stop_fn(void *arg, struct mv_vcpu_ctx *ctx);

/* Polling mode: sched_yield() after this many empty polls in a row. */
#define MV_RING_POLL_YIELD	1024

struct mv_ring_service {
	struct mv_rings *rings;
	struct mv_bus *bus;
	struct mv_vcpu_ctx *ctxs;	/* [nr_vcpus], indexed by vCPU id */
	unsigned int nr_vcpus;
	mv_ring_stop_fn *on_stop;
	void *stop_arg;
	bool *stop_reported;		/* [nr_vcpus] */

	/* The indices the VMM owns: written here, never read back. */
	uint32_t req_head;
	uint32_t cpl_tail;
	uint64_t last_seq;		/* of the last request served */
	bool broken;			/* a protocol bug: serve no more */

	/* Counters (service thread only; read them after _stop()). */
	uint64_t served;		/* requests performed on the bus */
	uint64_t completed;		/* completions written */
	uint64_t kicks;			/* writes to kick_eventfd */
	uint64_t bugs;			/* protocol violations found */

	/* The thread. */
	bool polling;			/* spin on req_tail, no eventfd */
	int stop_fd;			/* eventfd: wakes the thread */
	atomic_bool stopping;
	pthread_t thread;
	bool started;
};

/*
 * @ctxs: one context per vCPU, ctxs[i].id == i. Allocates; 0 or -errno.
 * The service starts where a fresh ring pair starts (all indices 0) and
 * reads nothing from the shared area here.
 */
__attribute__((warn_unused_result))
int mv_ring_service_init(struct mv_ring_service *s, struct mv_rings *rings,
			 struct mv_bus *bus, struct mv_vcpu_ctx *ctxs,
			 unsigned int nr_vcpus, mv_ring_stop_fn *on_stop,
			 void *stop_arg);
/* Stops the thread if started and frees; safe after a failed init. */
void mv_ring_service_destroy(struct mv_ring_service *s);

/*
 * Serves every request published so far, in ring order, then publishes
 * req_head, and kicks the kernel if a vCPU sleeps. Returns the number of
 * requests consumed, or -EPROTO once a protocol bug was found (the VM is
 * then stopped through ctxs[0] and nothing is served any more).
 */
int mv_ring_service_batch(struct mv_ring_service *s);

/* The thread: waits for requests and serves them until _stop(). */
__attribute__((warn_unused_result))
int mv_ring_service_start(struct mv_ring_service *s, bool polling);
/* Wakes the thread and joins it; returns at once if it never started. */
void mv_ring_service_stop(struct mv_ring_service *s);

/* For --ring NAME: whether any range of @bus is registered under @name. */
bool mv_ring_name_known(const struct mv_bus *bus, const char *name);
/*
 * The distinct range names of @bus, in space then address order, as
 * "a, b, c" in @buf (as many whole names as fit in @len bytes).
 */
void mv_ring_list_names(const struct mv_bus *bus, char *buf, size_t len);

#endif /* MV_RING_SERVICE_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Interrupt test device: lets a guest ask the VMM to queue interrupts or
 * NMIs for it from another thread, as a real device would, and read back
 * how many were queued, so the guest can check that every queued event
 * is delivered exactly once.
 *
 * Ports 0xf8..0xff:
 *   0xf8  write (32-bit): bits 7:0 vector (2 = NMI, else 32..255),
 *         bits 30:8 count; bit 31 clear: the device's thread queues the
 *         events (as a real device would, while the vCPU runs); bit 31
 *         set: they are queued before the OUT completes, from the vCPU's
 *         own thread, so they are all pending when the guest resumes (if
 *         the module's queue stays full for 100 ms, the rest are dropped
 *         and counted in `errors`: nothing may drain it during the OUT).
 *         read (32-bit): external interrupts queued so far.
 *   0xfc  read (32-bit): NMIs queued so far.
 * Other accesses read all-ones and are ignored. A bad vector or a count of
 * 0 is counted in `errors` and ignored.
 */
#ifndef MV_IRQ_TEST_H
#define MV_IRQ_TEST_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "bus.h"

#define MV_IRQ_TEST_PORT	0xf8
#define MV_IRQ_TEST_PORTS	8
#define MV_IRQ_TEST_NMI_VECTOR	2
#define MV_IRQ_TEST_MAX_CMDS	8
#define MV_IRQ_TEST_SYNC	(1u << 31)

/* Queue one event: 0, -EAGAIN (queue full: retried), or -errno (dropped). */
typedef int mv_irq_inject_fn(void *arg, unsigned int vector);

struct mv_irq_test {
	mv_irq_inject_fn *inject;
	void *inject_arg;

	pthread_t thread;
	bool thread_started;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	/* Commands waiting for the thread, oldest first (under lock). */
	struct { uint8_t vector; uint32_t count; } cmds[MV_IRQ_TEST_MAX_CMDS];
	unsigned int nr_cmds;
	atomic_bool stopping;	/* read by the thread without the lock */

	atomic_uint irqs_queued;
	atomic_uint nmis_queued;
	atomic_uint errors;
};

/* Starts the injector thread; 0 or -errno. */
__attribute__((warn_unused_result))
int mv_irq_test_init(struct mv_irq_test *t, struct mv_bus *bus,
		     mv_irq_inject_fn *inject, void *inject_arg);
/* Stops the thread (dropping what it has not queued yet). */
void mv_irq_test_destroy(struct mv_irq_test *t);

#endif /* MV_IRQ_TEST_H */

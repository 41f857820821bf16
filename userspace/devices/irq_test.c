// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <string.h>
#include <time.h>

#include "irq_test.h"

/* How long the thread backs off when the kernel's queue is full. */
#define RETRY_NS	50000
/*
 * A synchronous request (bit 31) runs on the vCPU's own thread, inside the
 * guest's OUT: if the guest is the vCPU the events go to, nothing drains
 * the queue until the OUT completes, and retrying for ever would wedge the
 * VMM (even SIGTERM only reaches the vCPU's run loop). Give up after this
 * many full-queue retries in a row (100 ms) and drop the rest.
 */
#define SYNC_RETRIES	2000

/*
 * Queue @n events. A full kernel queue is retried after a pause, but not
 * once the device is being torn down: a guest that stopped consuming
 * events must not keep the VMM from exiting.
 */
static void queue_batch(struct mv_irq_test *t, uint8_t vector, uint32_t n,
			bool sync)
{
	const struct timespec backoff = { 0, RETRY_NS };
	atomic_uint *queued = vector == MV_IRQ_TEST_NMI_VECTOR ?
			      &t->nmis_queued : &t->irqs_queued;
	uint32_t done = 0, full = 0;

	while (done < n && !atomic_load(&t->stopping)) {
		int ret;

		/*
		 * Count before queueing: the guest may take the event before
		 * inject() even returns, and must never see more events than
		 * the device reports. Take the count back if it fails.
		 */
		atomic_fetch_add(queued, 1);
		ret = t->inject(t->inject_arg, vector);
		if (ret)
			atomic_fetch_sub(queued, 1);
		if (ret == -EAGAIN) {
			if (sync && ++full >= SYNC_RETRIES) {
				atomic_fetch_add(&t->errors, n - done);
				return;
			}
			nanosleep(&backoff, NULL);
			continue;
		}
		full = 0;
		if (ret) {
			atomic_fetch_add(&t->errors, 1);
			return;
		}
		done++;
	}
}

static void *injector(void *arg)
{
	struct mv_irq_test *t = arg;

	pthread_mutex_lock(&t->lock);
	for (;;) {
		uint8_t vector;
		uint32_t count;

		while (!t->nr_cmds && !atomic_load(&t->stopping))
			pthread_cond_wait(&t->cond, &t->lock);
		if (atomic_load(&t->stopping))
			break;
		vector = t->cmds[0].vector;
		count = t->cmds[0].count;
		memmove(&t->cmds[0], &t->cmds[1],
			--t->nr_cmds * sizeof(t->cmds[0]));
		pthread_mutex_unlock(&t->lock);
		queue_batch(t, vector, count, false);
		pthread_mutex_lock(&t->lock);
	}
	pthread_mutex_unlock(&t->lock);
	return NULL;
}

static void submit(struct mv_irq_test *t, uint32_t cmd)
{
	uint8_t vector = cmd & 0xff;
	uint32_t count = (cmd & ~MV_IRQ_TEST_SYNC) >> 8;

	if (!count || (vector != MV_IRQ_TEST_NMI_VECTOR && vector < 32)) {
		atomic_fetch_add(&t->errors, 1);
		return;
	}
	if (cmd & MV_IRQ_TEST_SYNC) {
		queue_batch(t, vector, count, true);
		return;
	}
	pthread_mutex_lock(&t->lock);
	if (t->nr_cmds == MV_IRQ_TEST_MAX_CMDS) {
		atomic_fetch_add(&t->errors, 1);
	} else {
		t->cmds[t->nr_cmds].vector = vector;
		t->cmds[t->nr_cmds].count = count;
		t->nr_cmds++;
		pthread_cond_signal(&t->cond);
	}
	pthread_mutex_unlock(&t->lock);
}

static void irq_test_access(void *opaque, struct mv_vcpu_ctx *vcpu,
			    uint64_t addr, void *data, unsigned int len,
			    bool is_write)
{
	struct mv_irq_test *t = opaque;
	uint32_t val = 0xffffffff;

	(void)vcpu;
	if (is_write) {
		if (addr == MV_IRQ_TEST_PORT && len == 4) {
			memcpy(&val, data, 4);
			submit(t, val);
		}
		return;
	}
	if (addr == MV_IRQ_TEST_PORT && len == 4)
		val = atomic_load(&t->irqs_queued);
	else if (addr == MV_IRQ_TEST_PORT + 4 && len == 4)
		val = atomic_load(&t->nmis_queued);
	memset(data, 0xff, len);
	memcpy(data, &val, len < 4 ? len : 4);
}

int mv_irq_test_init(struct mv_irq_test *t, struct mv_bus *bus,
		     mv_irq_inject_fn *inject, void *inject_arg)
{
	int ret;

	memset(t, 0, sizeof(*t));
	t->inject = inject;
	t->inject_arg = inject_arg;
	atomic_init(&t->irqs_queued, 0);
	atomic_init(&t->nmis_queued, 0);
	atomic_init(&t->errors, 0);
	atomic_init(&t->stopping, false);
	ret = mv_bus_register(bus, MV_SPACE_PIO, MV_IRQ_TEST_PORT,
			      MV_IRQ_TEST_PORTS, irq_test_access, t, "irq-test");
	if (ret)
		return ret;
	pthread_mutex_init(&t->lock, NULL);
	pthread_cond_init(&t->cond, NULL);
	ret = pthread_create(&t->thread, NULL, injector, t);
	if (ret) {
		pthread_cond_destroy(&t->cond);
		pthread_mutex_destroy(&t->lock);
		return -ret;
	}
	t->thread_started = true;
	return 0;
}

void mv_irq_test_destroy(struct mv_irq_test *t)
{
	if (!t->thread_started)
		return;
	pthread_mutex_lock(&t->lock);
	atomic_store(&t->stopping, true);
	pthread_cond_signal(&t->cond);
	pthread_mutex_unlock(&t->lock);
	pthread_join(t->thread, NULL);
	pthread_cond_destroy(&t->cond);
	pthread_mutex_destroy(&t->lock);
	t->thread_started = false;
}

// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <time.h>

#include "test.h"
#include "devices/bus.h"
#include "devices/irq_test.h"

/*
 * A fake kernel queue: records the vectors in order, reports "full" on
 * every third call (the device must retry those), fails for vector 99.
 */
struct fake_kernel {
	pthread_mutex_t lock;
	unsigned int calls;
	unsigned int n;
	uint8_t vectors[4096];
};

static int fake_inject(void *arg, unsigned int vector)
{
	struct fake_kernel *k = arg;
	int ret = 0;

	pthread_mutex_lock(&k->lock);
	if (++k->calls % 3 == 0)
		ret = -EAGAIN;
	else if (vector == 99)
		ret = -EIO;
	else if (k->n < sizeof(k->vectors))
		k->vectors[k->n++] = vector;
	pthread_mutex_unlock(&k->lock);
	return ret;
}

static uint32_t port_read32(struct mv_bus *bus, uint16_t port)
{
	uint32_t v = 0;

	mv_bus_access(bus, MV_SPACE_PIO, NULL, port, &v, 4, false);
	return v;
}

static void port_write32(struct mv_bus *bus, uint16_t port, uint32_t v)
{
	mv_bus_access(bus, MV_SPACE_PIO, NULL, port, &v, 4, true);
}

/* Wait (up to 5 s) until the device reports @irqs and @nmis queued. */
static int wait_counts(struct mv_bus *bus, uint32_t irqs, uint32_t nmis)
{
	const struct timespec tick = { 0, 1000000 };
	int i;

	for (i = 0; i < 5000; i++) {
		if (port_read32(bus, MV_IRQ_TEST_PORT) == irqs &&
		    port_read32(bus, MV_IRQ_TEST_PORT + 4) == nmis)
			return 0;
		nanosleep(&tick, NULL);
	}
	return -1;
}

TEST(irq_test_queues_in_order_and_retries_full_queue)
{
	struct fake_kernel k = { .lock = PTHREAD_MUTEX_INITIALIZER };
	struct mv_irq_test t;
	struct mv_bus bus;
	unsigned int i;

	mv_bus_init(&bus, NULL);
	CHECK_EQ(mv_irq_test_init(&t, &bus, fake_inject, &k), 0);
	CHECK_EQ(port_read32(&bus, MV_IRQ_TEST_PORT), 0);

	port_write32(&bus, MV_IRQ_TEST_PORT, 100u << 8 | 0x20);
	port_write32(&bus, MV_IRQ_TEST_PORT, 5u << 8 | MV_IRQ_TEST_NMI_VECTOR);
	port_write32(&bus, MV_IRQ_TEST_PORT, 3u << 8 | 0x31);
	CHECK_EQ(wait_counts(&bus, 103, 5), 0);
	mv_irq_test_destroy(&t);

	/* Every event reached the kernel once, in the order asked for. */
	CHECK_EQ(k.n, 108);
	for (i = 0; i < 100; i++)
		CHECK_EQ(k.vectors[i], 0x20);
	for (; i < 105; i++)
		CHECK_EQ(k.vectors[i], MV_IRQ_TEST_NMI_VECTOR);
	for (; i < 108; i++)
		CHECK_EQ(k.vectors[i], 0x31);
	CHECK_EQ(atomic_load(&t.errors), 0);
}

TEST(irq_test_sync_command_queues_before_returning)
{
	struct fake_kernel k = { .lock = PTHREAD_MUTEX_INITIALIZER };
	struct mv_irq_test t;
	struct mv_bus bus;

	mv_bus_init(&bus, NULL);
	CHECK_EQ(mv_irq_test_init(&t, &bus, fake_inject, &k), 0);
	port_write32(&bus, MV_IRQ_TEST_PORT, MV_IRQ_TEST_SYNC | 7u << 8 | 0x22);
	/* No waiting: the OUT itself queued all seven. */
	CHECK_EQ(port_read32(&bus, MV_IRQ_TEST_PORT), 7);
	mv_irq_test_destroy(&t);
	CHECK_EQ(k.n, 7);
	CHECK_EQ(k.vectors[6], 0x22);
}

TEST(irq_test_rejects_bad_commands)
{
	struct fake_kernel k = { .lock = PTHREAD_MUTEX_INITIALIZER };
	struct mv_irq_test t;
	struct mv_bus bus;
	uint16_t narrow = 0;

	mv_bus_init(&bus, NULL);
	CHECK_EQ(mv_irq_test_init(&t, &bus, fake_inject, &k), 0);
	port_write32(&bus, MV_IRQ_TEST_PORT, 10u << 8 | 0x1f);	/* exception */
	port_write32(&bus, MV_IRQ_TEST_PORT, 0u << 8 | 0x20);	/* count 0 */
	CHECK_EQ(atomic_load(&t.errors), 2);

	/* A kernel error drops the rest of that batch and is counted. */
	port_write32(&bus, MV_IRQ_TEST_PORT, 4u << 8 | 99);
	port_write32(&bus, MV_IRQ_TEST_PORT, 2u << 8 | 0x40);
	CHECK_EQ(wait_counts(&bus, 2, 0), 0);
	CHECK_EQ(atomic_load(&t.errors), 3);

	/* Narrow reads and other ports read all-ones. */
	mv_bus_access(&bus, MV_SPACE_PIO, NULL, MV_IRQ_TEST_PORT, &narrow, 2,
		      false);
	CHECK_EQ(narrow, 0xffff);
	CHECK_EQ(port_read32(&bus, MV_IRQ_TEST_PORT + 2), 0xffffffffu);
	mv_irq_test_destroy(&t);
	CHECK_EQ(k.n, 2);
}

/* A kernel queue that stays full forever: teardown must still finish. */
static int always_full(void *arg, unsigned int vector)
{
	(void)arg;
	(void)vector;
	return -EAGAIN;
}

TEST(irq_test_teardown_while_queue_full)
{
	const struct timespec pause = { 0, 5000000 };
	struct mv_irq_test t;
	struct mv_bus bus;

	mv_bus_init(&bus, NULL);
	CHECK_EQ(mv_irq_test_init(&t, &bus, always_full, NULL), 0);
	port_write32(&bus, MV_IRQ_TEST_PORT, 10u << 8 | 0x20);
	nanosleep(&pause, NULL);
	mv_irq_test_destroy(&t);	/* returns: the test would hang otherwise */
	CHECK_EQ(port_read32(&bus, MV_IRQ_TEST_PORT), 0);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Several vCPU threads of one VM without the module: the bus lock under
 * concurrent accesses, and how the first stop of one vCPU stops the
 * others (struct mv_stop_group with scripted MV_RUNs).
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>

#include "test.h"
#include "exit.h"
#include "loop.h"
#include "vcpu_ctx.h"
#include "devices/bus.h"
#include "devices/console.h"
#include "devices/debug_exit.h"
#include "devices/mmio_test.h"
#include "lib/libminivisor.h"

#define NR_THREADS	4
#define NR_ACCESSES	20000
#define RUN_SIZE	4096

struct bus_worker {
	struct mv_bus *bus;
	struct mv_vcpu_ctx ctx;
	pthread_t thread;
	unsigned int id;
};

static void *bus_worker_fn(void *arg)
{
	struct bus_worker *w = arg;
	char line[2] = { (char)('a' + w->id), '\n' };
	uint64_t v;
	unsigned int i;

	for (i = 0; i < NR_ACCESSES; i++) {
		/* mmio_test counts every write in a plain uint64_t. */
		v = i;
		mv_bus_access(w->bus, MV_SPACE_MMIO, &w->ctx,
			      MV_MMIO_TEST_BASE + 8 * w->id, &v, 8, true);
		/* The bus counts unhandled accesses in plain counters. */
		v = 0;
		mv_bus_access(w->bus, MV_SPACE_PIO, &w->ctx, 0x80, &v, 1,
			      true);
		/* The console's line buffer: no byte lost. */
		mv_bus_access(w->bus, MV_SPACE_PIO, &w->ctx, 0x3f8, &line[0],
			      1, true);
		mv_bus_access(w->bus, MV_SPACE_PIO, &w->ctx, 0x3f8, &line[1],
			      1, true);
	}
	return NULL;
}

TEST(bus_concurrent_accesses_are_serialised)
{
	static struct mv_mmio_test mmio;
	static struct bus_worker w[NR_THREADS];
	struct mv_console con;
	struct mv_memfile out;
	struct mv_bus bus;
	unsigned int i, counts[NR_THREADS] = { 0 };
	unsigned int newlines = 0, others = 0;
	uint64_t writes = 0;
	const char *text, *p;

	mv_memfile_open(&out);
	mv_bus_init(&bus, NULL);
	CHECK_EQ(mv_console_init(&con, &bus, out.f), 0);
	CHECK_EQ(mv_mmio_test_init(&mmio, &bus), 0);
	for (i = 0; i < NR_THREADS; i++) {
		w[i].bus = &bus;
		w[i].id = i;
		mv_vcpu_ctx_init(&w[i].ctx, i, NULL, 0);
		CHECK_EQ(pthread_create(&w[i].thread, NULL, bus_worker_fn,
					&w[i]), 0);
	}
	for (i = 0; i < NR_THREADS; i++)
		pthread_join(w[i].thread, NULL);

	mv_bus_access(&bus, MV_SPACE_MMIO, NULL, MV_MMIO_TEST_BASE + 0xff8,
		      &writes, 8, false);
	CHECK_EQ(writes, NR_THREADS * NR_ACCESSES);
	CHECK_EQ(bus.unhandled_writes[MV_SPACE_PIO],
		 NR_THREADS * NR_ACCESSES);
	mv_console_flush(&con);
	text = mv_memfile_text(&out);
	CHECK_EQ(strlen(text), 2 * NR_THREADS * NR_ACCESSES);
	/*
	 * Bytes of different vCPUs may interleave (so may a real 8250's),
	 * but none may be lost or garbled.
	 */
	for (p = text; *p; p++) {
		if (*p == '\n')
			newlines++;
		else if (*p >= 'a' && *p < 'a' + NR_THREADS)
			counts[*p - 'a']++;
		else
			others++;
	}
	CHECK_EQ(newlines, NR_THREADS * NR_ACCESSES);
	CHECK_EQ(others, 0);
	for (i = 0; i < NR_THREADS; i++)
		CHECK_EQ(counts[i], NR_ACCESSES);
	mv_memfile_close(&out);
	mv_bus_destroy(&bus);
}

static int trylock_result;

static void probe_access(void *opaque, struct mv_vcpu_ctx *vcpu,
			 uint64_t addr, void *data, unsigned int len,
			 bool is_write)
{
	struct mv_bus *bus = opaque;

	(void)vcpu;
	(void)addr;
	(void)data;
	(void)len;
	(void)is_write;
	trylock_result = pthread_mutex_trylock(&bus->lock);
	if (!trylock_result)
		pthread_mutex_unlock(&bus->lock);
}

TEST(bus_handler_runs_under_the_lock)
{
	struct mv_bus bus;
	uint8_t v = 0;

	mv_bus_init(&bus, NULL);
	CHECK_EQ(mv_bus_register(&bus, MV_SPACE_PIO, 0x100, 1, probe_access,
				 &bus, "probe"), 0);
	trylock_result = -1;
	mv_bus_access(&bus, MV_SPACE_PIO, NULL, 0x100, &v, 1, true);
	CHECK_EQ(trylock_result, EBUSY);
	/* Released afterwards. */
	CHECK_EQ(pthread_mutex_trylock(&bus.lock), 0);
	pthread_mutex_unlock(&bus.lock);
	mv_bus_destroy(&bus);
}

/* --- stop propagation --------------------------------------------------- */

struct kick_log {
	unsigned int kicked[8];
	unsigned int nr;
};

static void log_kick(void *arg, unsigned int id)
{
	struct kick_log *k = arg;

	k->kicked[k->nr++] = id;
}

TEST(stop_group_first_report_wins)
{
	volatile sig_atomic_t stop = 0;
	struct mv_stop_group g;
	struct mv_vcpu_ctx a, b;
	struct kick_log k = { .nr = 0 };

	mv_stop_group_init(&g, &stop, 3, log_kick, &k);
	mv_vcpu_ctx_init(&a, 1, NULL, 0);
	mv_vcpu_ctx_init(&b, 0, NULL, 0);
	mv_vcpu_stop(&a, 5, "guest wrote 0x05 to the debug-exit port");
	mv_vcpu_stop(&b, MV_STATUS_INTERRUPTED, "interrupted");

	CHECK(mv_stop_group_report(&g, &a));
	CHECK_EQ(stop, 1);
	CHECK_EQ(k.nr, 2);		/* everyone but vCPU 1 */
	CHECK_EQ(k.kicked[0], 0);
	CHECK_EQ(k.kicked[1], 2);
	CHECK(!mv_stop_group_report(&g, &b));
	CHECK_EQ(k.nr, 2);		/* no second round of kicks */
	CHECK_EQ(g.vcpu_id, 1);
	CHECK_EQ(g.exit_status, 5);
	CHECK_STREQ(g.stop_msg, "guest wrote 0x05 to the debug-exit port");
	mv_stop_group_destroy(&g);
}

/*
 * Two vCPU threads on scripted MV_RUNs: @stopper_id leaves through the
 * debug-exit port after a few exits; the other one spins (exits of type
 * INTR, as a host timer would make) until it is kicked, when RUN returns
 * -EINTR as the module does after the kick signal.
 */
struct fake_vcpu {
	struct fake_vm *vm;
	struct mv_vcpu_ctx ctx;
	struct mv_run *run;
	unsigned int id;
	atomic_bool kicked;
	unsigned int runs;
	pthread_t thread;
};

struct fake_vm {
	struct fake_vcpu vcpus[2];
	struct mv_bus bus;
	struct mv_stop_group group;
	volatile sig_atomic_t stop;
	int stopper_id;		/* -1: nobody stops; an outside "SIGINT" */
	atomic_uint kicks;
};

static int fake_vcpu_run(void *arg)
{
	struct fake_vcpu *v = arg;

	v->runs++;
	memset(v->run, 0, RUN_SIZE);
	if (atomic_load(&v->kicked)) {
		v->run->exit_reason = MV_EXIT_INTR;
		return -EINTR;
	}
	if ((int)v->id == v->vm->stopper_id && v->runs == 50) {
		v->run->exit_reason = MV_EXIT_IO;
		v->run->io.direction = MV_IO_OUT;
		v->run->io.size = 1;
		v->run->io.port = 0xf4;
		v->run->io.count = 1;
		v->run->io.data_offset = MV_RUN_IO_DATA_OFFSET;
		((uint8_t *)v->run)[MV_RUN_IO_DATA_OFFSET] = 0x2a;
		return 0;
	}
	if (v->vm->stopper_id < 0 && v->id == 0 && v->runs == 50)
		v->vm->stop = 1;	/* what the SIGINT handler does */
	sched_yield();
	v->run->exit_reason = MV_EXIT_INTR;
	return 0;
}

static void fake_kick(void *arg, unsigned int id)
{
	struct fake_vm *vm = arg;

	atomic_fetch_add(&vm->kicks, 1);
	atomic_store(&vm->vcpus[id].kicked, true);
}

static void *fake_vcpu_thread(void *arg)
{
	struct fake_vcpu *v = arg;

	mv_run_loop(&v->ctx, &v->vm->bus, fake_vcpu_run, v, &v->vm->stop);
	mv_stop_group_report(&v->vm->group, &v->ctx);
	return NULL;
}

static void run_fake_vm(struct fake_vm *vm, int stopper_id)
{
	unsigned int i;

	memset(vm, 0, sizeof(*vm));
	vm->stopper_id = stopper_id;
	mv_bus_init(&vm->bus, NULL);
	CHECK_EQ(mv_debug_exit_init(&vm->bus), 0);
	mv_stop_group_init(&vm->group, &vm->stop, 2, fake_kick, vm);
	for (i = 0; i < 2; i++) {
		struct fake_vcpu *v = &vm->vcpus[i];

		v->vm = vm;
		v->id = i;
		v->run = calloc(1, RUN_SIZE);
		mv_vcpu_ctx_init(&v->ctx, i, v->run, RUN_SIZE);
	}
	for (i = 0; i < 2; i++)
		CHECK_EQ(pthread_create(&vm->vcpus[i].thread, NULL,
					fake_vcpu_thread, &vm->vcpus[i]), 0);
	for (i = 0; i < 2; i++) {
		pthread_join(vm->vcpus[i].thread, NULL);
		free(vm->vcpus[i].run);
	}
	mv_stop_group_destroy(&vm->group);
	mv_bus_destroy(&vm->bus);
}

TEST(stop_one_vcpu_stops_the_vm)
{
	static struct fake_vm vm;
	int id;

	for (id = 0; id < 2; id++) {
		run_fake_vm(&vm, id);
		CHECK_EQ(vm.group.vcpu_id, (unsigned int)id);
		CHECK_EQ(vm.group.exit_status, 0x2a);
		CHECK_CONTAINS(vm.group.stop_msg,
			       "guest wrote 0x2a to the debug-exit port");
		CHECK_EQ(vm.kicks, 1);
		CHECK(vm.stop);
		/* The other vCPU ended as interrupted, not reported. */
		CHECK_EQ(vm.vcpus[!id].ctx.exit_status, MV_STATUS_INTERRUPTED);
	}
}

TEST(stop_interrupt_stops_every_vcpu)
{
	static struct fake_vm vm;

	run_fake_vm(&vm, -1);
	CHECK_EQ(vm.group.exit_status, MV_STATUS_INTERRUPTED);
	CHECK_STREQ(vm.group.stop_msg, "interrupted");
	CHECK_EQ(vm.vcpus[0].ctx.exit_status, MV_STATUS_INTERRUPTED);
	CHECK_EQ(vm.vcpus[1].ctx.exit_status, MV_STATUS_INTERRUPTED);
}

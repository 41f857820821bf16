// SPDX-License-Identifier: GPL-2.0
/*
 * `minivisor run`: one VM, one memory slot for all of RAM at GPA 0, N
 * vCPUs, the default devices; RUN and dispatch exits until a vCPU stops.
 * The hypervisor is minivisor or, with --hv kvm, KVM, behind hv/hv.h:
 * nothing here depends on which. With --ring, the named devices' ranges
 * are served through minivisor's shared rings by a device thread
 * (ring_service.c) instead of exits; with --coalesced, KVM buffers their
 * writes instead.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "run.h"
#include "bzimage.h"
#include "exit.h"
#include "loader.h"
#include "loop.h"
#include "options.h"
#include "pc.h"
#include "ring_service.h"
#include "size.h"
#include "stats.h"
#include "vcpu_ctx.h"
#include "devices/bus.h"
#include "devices/console.h"
#include "devices/debug_exit.h"
#include "devices/irq_test.h"
#include "devices/mmio_test.h"
#include "devices/ring_test.h"
#include "hv/hv.h"
#include "lib/libminivisor.h"

/*
 * Set by SIGINT/SIGTERM, and by the first vCPU that stops (see
 * struct mv_stop_group); every vCPU's run loop ends once it is set.
 */
static volatile sig_atomic_t stop_requested;
/*
 * The vCPU this thread runs. The handler sets immediate_exit in it too
 * (mv_hv_vcpu_request_exit()): a signal that lands after the loop
 * checked stop_requested but before the run entered the guest would
 * otherwise be lost until the next exit (a guest spinning without exits
 * would never stop).
 */
static _Thread_local struct mv_hv_vcpu *volatile thread_vcpu;

/* SIGINT and SIGTERM stop the VM; SIGUSR1 is the kick between vCPUs. */
#define MV_KICK_SIGNAL	SIGUSR1

static void on_stop_signal(int sig)
{
	struct mv_hv_vcpu *v = thread_vcpu;

	(void)sig;
	stop_requested = 1;
	if (v)
		mv_hv_vcpu_request_exit(v);
}

static void stop_signal_set(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGTERM);
	sigaddset(set, MV_KICK_SIGNAL);
}

static int install_signal_handlers(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0;	/* no SA_RESTART: MV_RUN must return -EINTR */
	if (sigaction(SIGINT, &sa, NULL) || sigaction(SIGTERM, &sa, NULL) ||
	    sigaction(MV_KICK_SIGNAL, &sa, NULL))
		return -errno;
	return 0;
}

struct vm;

/* One vCPU and the thread that runs it. */
struct vcpu_thread {
	struct vm *vm;
	struct mv_hv_vcpu *vcpu;
	struct mv_vcpu_ctx ctx;
	pthread_t thread;
	bool started;		/* pthread_create() succeeded (main thread) */
	bool running;		/* may be kicked (under vm->kick_lock) */
	pthread_t self;		/* set by the thread itself, under kick_lock */
};

struct vm {
	int image_fd;
	struct mv_hv *hv;
	unsigned int nr_vcpus;
	struct vcpu_thread vcpus[MV_CPUS_MAX];
	struct mv_stop_group stop;
	pthread_mutex_t kick_lock;
	struct mv_bus bus;
	struct mv_console console;
	struct mv_mmio_test mmio_test;
	struct mv_irq_test irq_test;
	struct mv_ring_test ring_test;
	/* --kernel: the legacy PC instead of the test devices above. */
	bool linux_guest;
	struct mv_pc pc;
	bool tty_raw;			/* stdin's settings to restore */
	struct termios tty_saved;
	/* --ring: the rings and their device thread (unused without). */
	bool ring_poll;
	struct mv_rings rings;
	struct mv_ring_service ring_svc;
	bool ring_svc_inited;
	/*
	 * The contexts ring-served accesses run with: the device thread's
	 * own, one per vCPU, so it never writes a vCPU thread's context.
	 */
	struct mv_vcpu_ctx ring_ctxs[MV_CPUS_MAX];
};

/* Checks of the request against what the hypervisor offers. */
static int check_caps(const struct mv_run_opts *o, const struct mv_hv_caps *c)
{
	char mem[32];

	mv_format_size(o->mem_size, mem, sizeof(mem));
	if (c->run_size < sizeof(struct mv_run)) {
		fprintf(stderr, "minivisor: the module's run page (%zu bytes) is smaller than struct mv_run (%zu): build kmod/ and userspace/ from the same tree\n",
			c->run_size, sizeof(struct mv_run));
		return -1;
	}
	if (c->max_mem && o->mem_size > c->max_mem) {
		fprintf(stderr, "minivisor: --mem %s exceeds %s's limit of %llu bytes of guest memory per VM: use a smaller --mem\n",
			mem, c->name, (unsigned long long)c->max_mem);
		return -1;
	}
	if (c->max_gpa && o->mem_size > c->max_gpa) {
		fprintf(stderr, "minivisor: --mem %s exceeds the highest guest-physical address %s supports (0x%llx): use a smaller --mem\n",
			mem, c->name, (unsigned long long)c->max_gpa);
		return -1;
	}
	if (o->cpus > c->max_vcpus) {
		fprintf(stderr, "minivisor: --cpus %u exceeds %s's limit of %u vCPUs per VM (see `minivisor caps`): use --cpus %u or fewer\n",
			o->cpus, c->name, c->max_vcpus, c->max_vcpus);
		return -1;
	}
	if (!o->kernel && o->entry == MV_ENTRY_REAL && !c->real_mode) {
		fprintf(stderr, "minivisor: --entry real needs the VMX \"unrestricted guest\" feature, which this CPU or module lacks (see `minivisor caps`): use --entry long\n");
		return -1;
	}
	return 0;
}

/*
 * The irq-test device's injector: vector 2 means an NMI. The events
 * always go to vCPU 0, whichever vCPU wrote the command.
 */
static int inject_event(void *arg, unsigned int vector)
{
	const struct vm *vm = arg;

	if (vector == MV_IRQ_TEST_NMI_VECTOR)
		return mv_hv_queue_nmi(vm->vcpus[0].vcpu);
	return mv_hv_queue_interrupt(vm->vcpus[0].vcpu, vector);
}

/* The PC's interrupt controller delivers every vector to vCPU 0. */
static int inject_irq(void *arg, unsigned int vector)
{
	const struct vm *vm = arg;

	return mv_hv_queue_interrupt(vm->vcpus[0].vcpu, vector);
}

/*
 * An interactive console for a Linux guest: the guest's tty echoes and
 * edits lines, so ours must not; ^C still stops the VM (ISIG stays).
 */
static void console_tty_raw(struct vm *vm)
{
	struct termios t;

	if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &vm->tty_saved))
		return;
	t = vm->tty_saved;
	t.c_lflag &= ~(ICANON | ECHO);
	t.c_iflag &= ~(ICRNL | IXON);
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	if (!tcsetattr(STDIN_FILENO, TCSANOW, &t))
		vm->tty_raw = true;
}

static void console_tty_restore(struct vm *vm)
{
	if (vm->tty_raw)
		tcsetattr(STDIN_FILENO, TCSANOW, &vm->tty_saved);
	vm->tty_raw = false;
}

static int setup_devices(struct vm *vm)
{
	int ret;

	mv_bus_init(&vm->bus, stderr);
	if (vm->linux_guest) {
		console_tty_raw(vm);
		ret = mv_pc_init(&vm->pc, &vm->bus, inject_irq, vm, stdout,
				 STDIN_FILENO);
		if (ret)
			fprintf(stderr, "minivisor: registering the PC devices failed: %s (a bug in userspace/devices)\n",
				strerror(-ret));
		return ret;
	}
	ret = mv_console_init(&vm->console, &vm->bus, stdout);
	if (!ret)
		ret = mv_debug_exit_init(&vm->bus);
	if (!ret)
		ret = mv_mmio_test_init(&vm->mmio_test, &vm->bus);
	if (!ret)
		ret = mv_irq_test_init(&vm->irq_test, &vm->bus, inject_event, vm);
	if (!ret)
		ret = mv_ring_test_init(&vm->ring_test, &vm->bus);
	if (ret)
		fprintf(stderr, "minivisor: registering the default devices failed: %s (a bug in userspace/devices)\n",
			strerror(-ret));
	return ret;
}

/* Serves every range of the bus named @r->name through the rings. */
static int add_ring_ranges(struct vm *vm, const struct mv_ring_opt *r)
{
	static const uint32_t ring_space[MV_NR_SPACES] = {
		[MV_SPACE_PIO] = MV_RING_SPACE_PIO,
		[MV_SPACE_MMIO] = MV_RING_SPACE_MMIO,
	};
	unsigned int s, i;

	for (s = 0; s < MV_NR_SPACES; s++) {
		for (i = 0; i < vm->bus.nr_ranges[s]; i++) {
			const struct mv_io_range *io = &vm->bus.ranges[s][i];

			if (strcmp(io->name, r->name))
				continue;
			if (mv_set_ring_range(vm->hv->vm_fd, ring_space[s],
					      io->base, io->len,
					      r->posted ? MV_RING_RANGE_POSTED
							: 0) < 0)
				return -1;
		}
	}
	return 0;
}

/* The smallest power of two >= @n (@n <= MV_RING_MAX_ENTRIES). */
static uint32_t pow2_at_least(uint32_t n)
{
	uint32_t p = 1;

	while (p < n)
		p <<= 1;
	return p;
}

/*
 * --ring: the rings, the ranges they serve and the device thread's state
 * (the thread starts with the vCPUs). Returns 0 or an exit status.
 */
static int setup_rings(struct vm *vm, const struct mv_run_opts *o)
{
	char names[512];
	uint32_t cpl_entries;
	unsigned int i;
	int ret;

	if (!o->nr_rings)
		return 0;
	/* Unknown names first: a typo is likelier than a module problem. */
	for (i = 0; i < o->nr_rings; i++) {
		if (mv_ring_name_known(&vm->bus, o->rings[i].name))
			continue;
		mv_ring_list_names(&vm->bus, names, sizeof(names));
		fprintf(stderr, "minivisor run: --ring %s: no device range is registered under that name; use one of: %s\nTry 'minivisor run --help'.\n",
			o->rings[i].name, names);
		return MV_STATUS_USAGE;
	}
	/* One waiting request per vCPU must always fit (uapi). */
	cpl_entries = vm->hv->caps.max_vcpus > 8 ? vm->hv->caps.max_vcpus : 8;
	if (cpl_entries > MV_RING_MAX_ENTRIES)
		cpl_entries = MV_RING_MAX_ENTRIES;
	cpl_entries = pow2_at_least(cpl_entries);
	if (mv_setup_rings(vm->hv->vm_fd, o->ring_entries, cpl_entries,
			   o->ring_busy_poll_us, o->ring_poll, &vm->rings) < 0)
		goto fail_lib;
	vm->ring_poll = o->ring_poll;
	for (i = 0; i < o->nr_rings; i++)
		if (add_ring_ranges(vm, &o->rings[i]))
			goto fail_lib;
	for (i = 0; i < vm->nr_vcpus; i++)
		mv_vcpu_ctx_init(&vm->ring_ctxs[i], i, NULL, 0);
	ret = mv_ring_service_init(&vm->ring_svc, &vm->rings, &vm->bus,
				   vm->ring_ctxs, vm->nr_vcpus,
				   NULL, NULL);
	if (ret) {
		fprintf(stderr, "minivisor: cannot set up the ring device thread: %s\n",
			strerror(-ret));
		return MV_STATUS_SETUP_ERROR;
	}
	vm->ring_svc_inited = true;
	return 0;

fail_lib:
	fprintf(stderr, "minivisor: %s\n", mv_last_error());
	return MV_STATUS_SETUP_ERROR;
}

/* --coalesced: KVM buffers the writes to every range of each NAME. */
static int setup_coalesced(struct vm *vm, const struct mv_run_opts *o)
{
	char names[512];
	unsigned int i, s, r;

	for (i = 0; i < o->nr_coalesced; i++) {
		if (mv_ring_name_known(&vm->bus, o->coalesced[i]))
			continue;
		mv_ring_list_names(&vm->bus, names, sizeof(names));
		fprintf(stderr, "minivisor run: --coalesced %s: no device range is registered under that name; use one of: %s\nTry 'minivisor run --help'.\n",
			o->coalesced[i], names);
		return MV_STATUS_USAGE;
	}
	for (i = 0; i < o->nr_coalesced; i++) {
		for (s = 0; s < MV_NR_SPACES; s++) {
			for (r = 0; r < vm->bus.nr_ranges[s]; r++) {
				const struct mv_io_range *io =
					&vm->bus.ranges[s][r];

				if (strcmp(io->name, o->coalesced[i]))
					continue;
				if (mv_hv_add_coalesced(vm->hv, s, io->base,
							io->len) < 0) {
					fprintf(stderr, "minivisor: --coalesced %s: %s\n",
						o->coalesced[i], mv_last_error());
					return MV_STATUS_SETUP_ERROR;
				}
			}
		}
	}
	return 0;
}

/* The vCPUs, each with the entry state (vCPU i: RBX = i, its own stack). */
static int setup_vcpus(struct vm *vm, const struct mv_run_opts *o,
		       const struct mv_regs *regs,
		       const struct mv_sregs *sregs)
{
	unsigned int i;

	for (i = 0; i < o->cpus; i++) {
		struct mv_regs r = *regs;
		struct mv_hv_vcpu *v;

		if (mv_hv_create_vcpu(vm->hv, i, &v) < 0)
			return -1;
		vm->vcpus[i].vcpu = v;
		vm->nr_vcpus = i + 1;
		/* README.md, multi-vCPU guests. */
		r.rbx = i;
		r.rsp -= (uint64_t)i * MV_VCPU_STACK_SIZE;
		if (mv_hv_set_sregs(v, sregs) < 0 || mv_hv_set_regs(v, &r) < 0)
			return -1;
		/* The CPUID table stays the hypervisor's default. */
		if (o->msr_policy != MV_MSR_POLICY_GP &&
		    mv_hv_set_msr_policy(v, o->msr_policy) < 0)
			return -1;
	}
	return 0;
}

/* Everything up to the first RUN. Returns 0 or an exit status. */
static int setup_vm(struct vm *vm, const struct mv_run_opts *o)
{
	struct mv_sregs sregs;
	struct mv_regs regs;
	char err[512];
	int ret;

	/* The guest file first: its errors are the likelier ones. */
	if (!o->kernel) {
		vm->image_fd = mv_open_flat(o->guest, o->mem_size, err,
					    sizeof(err));
		if (vm->image_fd < 0) {
			fprintf(stderr, "minivisor: %s\n", err);
			return MV_STATUS_SETUP_ERROR;
		}
	}
	if (mv_hv_open(o->hv, &vm->hv) < 0)
		goto fail_lib;
	if (check_caps(o, &vm->hv->caps))
		return MV_STATUS_SETUP_ERROR;
	if (mv_hv_create_vm(vm->hv) < 0 ||
	    mv_hv_add_ram(vm->hv, o->mem_size) < 0)
		goto fail_lib;
	if (o->kernel) {
		struct mv_linux_args la = {
			.kernel = o->kernel, .initrd = o->initrd,
			.cmdline = o->cmdline,
		};

		if (mv_load_linux(&la, vm->hv->ram, vm->hv->ram_size, &regs,
				  &sregs, err, sizeof(err)) < 0) {
			fprintf(stderr, "minivisor: %s\n", err);
			return MV_STATUS_SETUP_ERROR;
		}
	} else if (mv_load_flat_fd(vm->image_fd, o->guest, o->entry,
				   vm->hv->ram, vm->hv->ram_size, &regs,
				   &sregs, err, sizeof(err)) < 0) {
		fprintf(stderr, "minivisor: %s\n", err);
		return MV_STATUS_SETUP_ERROR;
	}
	if (setup_vcpus(vm, o, &regs, &sregs))
		goto fail_lib;
	if (setup_devices(vm))
		return MV_STATUS_SETUP_ERROR;
	ret = setup_rings(vm, o);
	if (!ret)
		ret = setup_coalesced(vm, o);
	return ret;

fail_lib:
	fprintf(stderr, "minivisor: %s\n", mv_last_error());
	return MV_STATUS_SETUP_ERROR;
}

static int run_vcpu(void *arg)
{
	return mv_hv_vcpu_run(arg);
}

/*
 * A vCPU thread that is not running yet needs no kick: the stop flag is
 * set before any kick, and its loop checks the flag first.
 */
static void kick_vcpu(void *arg, unsigned int id)
{
	struct vm *vm = arg;
	struct vcpu_thread *t;

	if (id >= vm->nr_vcpus)
		return;
	t = &vm->vcpus[id];
	pthread_mutex_lock(&vm->kick_lock);
	if (t->running)
		pthread_kill(t->self, MV_KICK_SIGNAL);
	pthread_mutex_unlock(&vm->kick_lock);
}

static void set_running(struct vcpu_thread *t, bool running)
{
	pthread_mutex_lock(&t->vm->kick_lock);
	t->self = pthread_self();
	t->running = running;
	pthread_mutex_unlock(&t->vm->kick_lock);
}

/*
 * The ring device thread stopped a vCPU (a device asked to, or the
 * rings broke): that stops the VM like a vCPU thread's own stop. The
 * stop group kicks every vCPU but the reporter, which here is not the
 * caller: kick that one too, it may be running the guest.
 */
static void ring_stop(void *arg, struct mv_vcpu_ctx *ctx)
{
	struct vm *vm = arg;

	mv_stop_group_report(&vm->stop, ctx);
	kick_vcpu(vm, ctx->id);
}

/* The thread of one vCPU: its RUN loop, then the stop of the VM. */
static void *vcpu_thread_fn(void *arg)
{
	struct vcpu_thread *t = arg;
	sigset_t set;

	/* The handler must find the vCPU before a signal can arrive. */
	thread_vcpu = t->vcpu;
	set_running(t, true);
	stop_signal_set(&set);
	pthread_sigmask(SIG_UNBLOCK, &set, NULL);
	mv_run_loop(&t->ctx, &t->vm->bus, run_vcpu, t->vcpu,
		    &stop_requested);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	set_running(t, false);
	thread_vcpu = NULL;
	mv_stop_group_report(&t->vm->stop, &t->ctx);
	return NULL;
}

/*
 * Runs every vCPU in its own thread until the VM stops; returns the exit
 * status of the first stop. The calling thread keeps SIGINT, SIGTERM and
 * the kick blocked, so they are delivered to the vCPU threads.
 */
static int run_vcpus(struct vm *vm)
{
	unsigned int i;
	int ret;

	pthread_mutex_init(&vm->kick_lock, NULL);
	mv_stop_group_init(&vm->stop, &stop_requested, vm->nr_vcpus,
			   kick_vcpu, vm);
	for (i = 0; i < vm->nr_vcpus; i++) {
		struct vcpu_thread *t = &vm->vcpus[i];

		t->vm = vm;
		mv_vcpu_ctx_init(&t->ctx, t->vcpu->id, t->vcpu->run,
				 t->vcpu->run_size);
		mv_hv_vcpu_bind(t->vcpu, &t->ctx, &vm->bus);
	}
	/*
	 * The device thread first, so the first ring request finds it; it
	 * keeps the stop signals blocked like this thread.
	 */
	if (vm->ring_svc_inited) {
		vm->ring_svc.on_stop = ring_stop;
		vm->ring_svc.stop_arg = vm;
		ret = mv_ring_service_start(&vm->ring_svc, vm->ring_poll);
		if (ret) {
			vm->stop.exit_status = MV_STATUS_SETUP_ERROR;
			snprintf(vm->stop.stop_msg, sizeof(vm->stop.stop_msg),
				 "cannot start the ring device thread: %s",
				 strerror(-ret));
			return vm->stop.exit_status;
		}
	}
	for (i = 0; i < vm->nr_vcpus; i++) {
		struct vcpu_thread *t = &vm->vcpus[i];

		ret = pthread_create(&t->thread, NULL, vcpu_thread_fn, t);
		if (ret) {
			/* Stop the ones already running; this is the error. */
			t->ctx.exit_status = MV_STATUS_SETUP_ERROR;
			snprintf(t->ctx.stop_msg, sizeof(t->ctx.stop_msg),
				 "cannot start the thread of vCPU %u: %s",
				 i, strerror(ret));
			mv_stop_group_report(&vm->stop, &t->ctx);
			break;
		}
		t->started = true;
	}
	for (i = 0; i < vm->nr_vcpus; i++) {
		if (vm->vcpus[i].started)
			pthread_join(vm->vcpus[i].thread, NULL);
		vm->vcpus[i].started = false;
	}
	/*
	 * No vCPU runs any more, so no request can come: stopping cannot
	 * hang, whether or not the kernel broke the rings. The devices
	 * then see what the hypervisor still buffers (--coalesced).
	 */
	if (vm->ring_svc_inited)
		mv_ring_service_stop(&vm->ring_svc);
	mv_hv_flush(vm->hv);
	return vm->stop.exit_status;
}

static void print_stats(struct vm *vm)
{
	struct mv_hv_vcpu *vcpus[MV_CPUS_MAX];
	unsigned int i;

	for (i = 0; i < vm->nr_vcpus; i++)
		vcpus[i] = vm->vcpus[i].vcpu;
	if (mv_hv_print_stats(vm->hv, stdout, vcpus, vm->nr_vcpus) < 0) {
		fprintf(stderr, "minivisor: %s\n", mv_last_error());
		return;
	}
	mv_print_unhandled_stats(stdout, &vm->bus);
	if (vm->linux_guest && mv_pc_cycles_to_init(&vm->pc))
		printf("boot: \"%s\" after %llu host TSC cycles from setup\n",
		       MV_PC_INIT_MARK,
		       (unsigned long long)mv_pc_cycles_to_init(&vm->pc));
	fflush(stdout);
}

/* Also after a partial setup (a zeroed mutex is an unlocked one). */
static void teardown_vm(struct vm *vm)
{
	unsigned int i;

	if (vm->linux_guest)
		mv_pc_destroy(&vm->pc);
	console_tty_restore(vm);
	mv_irq_test_destroy(&vm->irq_test);
	if (vm->ring_svc_inited)
		mv_ring_service_destroy(&vm->ring_svc);
	vm->ring_svc_inited = false;
	mv_destroy_rings(&vm->rings);
	mv_bus_destroy(&vm->bus);
	for (i = 0; i < vm->nr_vcpus; i++)
		mv_hv_destroy_vcpu(vm->vcpus[i].vcpu);
	mv_hv_close(vm->hv);
	vm->hv = NULL;
	if (vm->image_fd >= 0)
		close(vm->image_fd);
}

/*
 * How a Linux guest ended, from what its devices saw (pc.h): a panic on
 * the console wins over the reboot or halt that followed it; HLT with
 * interrupts off is how `poweroff` ends without ACPI.
 */
static void linux_outcome(struct vm *vm, int *status)
{
	struct mv_stop_group *st = &vm->stop;

	mv_uart_flush(&vm->pc.uart);
	if (atomic_load(&vm->pc.panicked)) {
		*status = MV_STATUS_GUEST_PANIC;
		st->exit_status = *status;
		snprintf(st->stop_msg, sizeof(st->stop_msg),
			 "the guest kernel panicked: %.900s",
			 vm->pc.panic_line);
	} else if (*status == MV_STATUS_HALT &&
		   !atomic_load(&vm->pc.rebooted) &&
		   !strncmp(st->stop_msg, "guest halted", 12)) {
		snprintf(st->stop_msg, sizeof(st->stop_msg),
			 "the guest powered off (HLT with interrupts disabled)");
	}
}

int mv_cmd_run(int argc, char *argv[])
{
	static struct vm vm;	/* mmio_test holds 2 KiB: keep it off the stack */
	struct mv_run_opts o;
	sigset_t set, old;
	char err[512];
	int status;

	if (mv_parse_run_opts(argc, argv, &o, err, sizeof(err))) {
		fprintf(stderr, "minivisor run: %s\nTry 'minivisor run --help'.\n",
			err);
		return MV_STATUS_USAGE;
	}
	if (o.help) {
		mv_print_run_usage(stdout);
		return 0;
	}

	memset(&vm, 0, sizeof(vm));
	vm.linux_guest = o.kernel != NULL;
	vm.image_fd = -1;
	vm.rings.req_eventfd = vm.rings.kick_eventfd = -1;
	stop_requested = 0;
	/*
	 * Block the stop signals before any thread starts (the irq-test
	 * device's among them): only the vCPU threads unblock them, so a
	 * SIGINT always interrupts an MV_RUN.
	 */
	stop_signal_set(&set);
	pthread_sigmask(SIG_BLOCK, &set, &old);
	status = setup_vm(&vm, &o);
	if (status) {
		teardown_vm(&vm);
		pthread_sigmask(SIG_SETMASK, &old, NULL);
		return status;
	}

	if (install_signal_handlers()) {
		fprintf(stderr, "minivisor: cannot install signal handlers: %s\n",
			strerror(errno));
		teardown_vm(&vm);
		pthread_sigmask(SIG_SETMASK, &old, NULL);
		return MV_STATUS_SETUP_ERROR;
	}
	status = run_vcpus(&vm);

	/* The guest's last partial line first, then why it stopped. */
	if (vm.linux_guest)
		linux_outcome(&vm, &status);
	else
		mv_console_flush(&vm.console);
	if (vm.nr_vcpus > 1)
		fprintf(stderr, "minivisor: vCPU %u: %s\n", vm.stop.vcpu_id,
			vm.stop.stop_msg);
	else
		fprintf(stderr, "minivisor: %s\n", vm.stop.stop_msg);
	if (o.stats)
		print_stats(&vm);
	mv_stop_group_destroy(&vm.stop);
	pthread_mutex_destroy(&vm.kick_lock);
	teardown_vm(&vm);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return status;
}

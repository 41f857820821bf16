// SPDX-License-Identifier: GPL-2.0
/*
 * `minivisor run`: one VM, one memory slot for all of RAM at GPA 0, one
 * vCPU, the default devices; RUN and dispatch exits until the vCPU stops.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "run.h"
#include "exit.h"
#include "loader.h"
#include "loop.h"
#include "options.h"
#include "size.h"
#include "stats.h"
#include "vcpu_ctx.h"
#include "devices/bus.h"
#include "devices/console.h"
#include "devices/debug_exit.h"
#include "devices/irq_test.h"
#include "devices/mmio_test.h"
#include "lib/libminivisor.h"

/* Set by SIGINT/SIGTERM; the run loop ends with MV_STATUS_INTERRUPTED. */
static volatile sig_atomic_t stop_requested;
/*
 * The run page of the running vCPU. The handler sets immediate_exit in it
 * too: a signal that lands after the loop checked stop_requested but
 * before MV_RUN entered the guest would otherwise be lost until the next
 * exit (a guest spinning without exits would never stop).
 */
static struct mv_run *volatile signal_run;

static void on_stop_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
	if (signal_run)
		((volatile struct mv_run *)signal_run)->immediate_exit = 1;
}

static int install_signal_handlers(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0;	/* no SA_RESTART: MV_RUN must return -EINTR */
	if (sigaction(SIGINT, &sa, NULL) || sigaction(SIGTERM, &sa, NULL))
		return -errno;
	return 0;
}

struct vm {
	int image_fd;
	int sys_fd;
	int vm_fd;
	struct mv_caps caps;
	struct mv_mem_region ram;
	struct mv_vcpu vcpu;
	struct mv_bus bus;
	struct mv_console console;
	struct mv_mmio_test mmio_test;
	struct mv_irq_test irq_test;
};

/* Checks of the request against what the module offers. */
static int check_caps(const struct mv_run_opts *o, const struct mv_caps *c)
{
	char mem[32];

	mv_format_size(o->mem_size, mem, sizeof(mem));
	if (c->run_mmap_size < sizeof(struct mv_run)) {
		fprintf(stderr, "minivisor: the module's run page (%u bytes) is smaller than struct mv_run (%zu): build kmod/ and userspace/ from the same tree\n",
			c->run_mmap_size, sizeof(struct mv_run));
		return -1;
	}
	if (c->max_mem && o->mem_size > c->max_mem) {
		fprintf(stderr, "minivisor: --mem %s exceeds the module's limit of %llu bytes of guest memory per VM: use a smaller --mem\n",
			mem, (unsigned long long)c->max_mem);
		return -1;
	}
	if (c->max_gpa && o->mem_size > c->max_gpa) {
		fprintf(stderr, "minivisor: --mem %s exceeds the highest guest-physical address the module supports (0x%llx): use a smaller --mem\n",
			mem, (unsigned long long)c->max_gpa);
		return -1;
	}
	if (o->entry == MV_ENTRY_REAL &&
	    !(c->features & MV_FEAT_UNRESTRICTED_GUEST)) {
		fprintf(stderr, "minivisor: --entry real needs the VMX \"unrestricted guest\" feature, which this CPU or module lacks (see `minivisor caps`): use --entry long\n");
		return -1;
	}
	return 0;
}

/* The irq-test device's injector: vector 2 means an NMI. */
static int inject_event(void *arg, unsigned int vector)
{
	const struct vm *vm = arg;

	if (vector == MV_IRQ_TEST_NMI_VECTOR)
		return mv_queue_nmi(vm->vcpu.fd);
	return mv_queue_interrupt(vm->vcpu.fd, vector);
}

static int setup_devices(struct vm *vm)
{
	int ret;

	mv_bus_init(&vm->bus, stderr);
	ret = mv_console_init(&vm->console, &vm->bus, stdout);
	if (!ret)
		ret = mv_debug_exit_init(&vm->bus);
	if (!ret)
		ret = mv_mmio_test_init(&vm->mmio_test, &vm->bus);
	if (!ret)
		ret = mv_irq_test_init(&vm->irq_test, &vm->bus, inject_event, vm);
	if (ret)
		fprintf(stderr, "minivisor: registering the default devices failed: %s (a bug in userspace/devices)\n",
			strerror(-ret));
	return ret;
}

/* Everything up to the first RUN. Returns 0 or an exit status. */
static int setup_vm(struct vm *vm, const struct mv_run_opts *o)
{
	struct mv_sregs sregs;
	struct mv_regs regs;
	char err[512];

	/* The guest file first: its errors are the likelier ones. */
	vm->image_fd = mv_open_flat(o->guest, o->mem_size, err, sizeof(err));
	if (vm->image_fd < 0) {
		fprintf(stderr, "minivisor: %s\n", err);
		return MV_STATUS_SETUP_ERROR;
	}
	vm->sys_fd = mv_open_system(NULL);
	if (vm->sys_fd < 0)
		goto fail_lib;
	if (mv_get_caps(vm->sys_fd, &vm->caps) < 0)
		goto fail_lib;
	if (check_caps(o, &vm->caps))
		return MV_STATUS_SETUP_ERROR;
	vm->vm_fd = mv_create_vm(vm->sys_fd);
	if (vm->vm_fd < 0)
		goto fail_lib;
	if (mv_add_memory(vm->vm_fd, 0, 0, o->mem_size, 0, &vm->ram) < 0)
		goto fail_lib;
	if (mv_load_flat_fd(vm->image_fd, o->guest, o->entry, vm->ram.host,
			    vm->ram.size, &regs, &sregs, err, sizeof(err)) < 0) {
		fprintf(stderr, "minivisor: %s\n", err);
		return MV_STATUS_SETUP_ERROR;
	}
	if (mv_create_vcpu(vm->vm_fd, 0, vm->caps.run_mmap_size,
			   &vm->vcpu) < 0)
		goto fail_lib;
	if (mv_set_sregs(&vm->vcpu, &sregs) < 0 ||
	    mv_set_regs(&vm->vcpu, &regs) < 0)
		goto fail_lib;
	/* The CPUID table stays the module's default (see uapi). */
	if (o->msr_policy != MV_MSR_POLICY_GP &&
	    mv_set_msr_policy(&vm->vcpu, o->msr_policy) < 0)
		goto fail_lib;
	if (setup_devices(vm))
		return MV_STATUS_SETUP_ERROR;
	return 0;

fail_lib:
	fprintf(stderr, "minivisor: %s\n", mv_last_error());
	return MV_STATUS_SETUP_ERROR;
}

static int run_vcpu(void *arg)
{
	return mv_run(arg);
}

static void print_stats(struct vm *vm)
{
	struct mv_exit_stats st;

	if (mv_get_exit_stats(&vm->vcpu, &st) < 0) {
		fprintf(stderr, "minivisor: %s\n", mv_last_error());
		return;
	}
	mv_print_exit_stats(stdout, &st);
	mv_print_unhandled_stats(stdout, &vm->bus);
	fflush(stdout);
}

static void teardown_vm(struct vm *vm)
{
	mv_irq_test_destroy(&vm->irq_test);
	mv_destroy_vcpu(&vm->vcpu);
	mv_remove_memory(vm->vm_fd, &vm->ram);
	if (vm->vm_fd >= 0)
		close(vm->vm_fd);
	if (vm->sys_fd >= 0)
		close(vm->sys_fd);
	if (vm->image_fd >= 0)
		close(vm->image_fd);
}

int mv_cmd_run(int argc, char *argv[])
{
	static struct vm vm;	/* mmio_test holds 2 KiB: keep it off the stack */
	struct mv_vcpu_ctx ctx;
	struct mv_run_opts o;
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
	vm.image_fd = vm.sys_fd = vm.vm_fd = -1;
	vm.vcpu.fd = -1;
	status = setup_vm(&vm, &o);
	if (status) {
		teardown_vm(&vm);
		return status;
	}

	if (install_signal_handlers()) {
		fprintf(stderr, "minivisor: cannot install signal handlers: %s\n",
			strerror(errno));
		teardown_vm(&vm);
		return MV_STATUS_SETUP_ERROR;
	}
	mv_vcpu_ctx_init(&ctx, vm.vcpu.id, vm.vcpu.run, vm.vcpu.run_size);
	signal_run = vm.vcpu.run;
	status = mv_run_loop(&ctx, &vm.bus, run_vcpu, &vm.vcpu,
			     &stop_requested);
	signal_run = NULL;

	/* The guest's last partial line first, then why it stopped. */
	mv_console_flush(&vm.console);
	fprintf(stderr, "minivisor: %s\n", ctx.stop_msg);
	if (o.stats)
		print_stats(&vm);
	teardown_vm(&vm);
	return status;
}

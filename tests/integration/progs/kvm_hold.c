// SPDX-License-Identifier: GPL-2.0
/*
 * kvm_hold: keep a KVM VM with one vCPU alive until told to stop.
 *
 * While a KVM VM exists, kvm_intel has VMX on (VMXON on every CPU), so
 * minivisor must refuse to create a VM (-EBUSY) rather than fight over
 * VMX. The coexistence scenario runs this in the background, waits for
 * "kvm_hold: ready", checks minivisor's refusal, then sends SIGTERM and
 * checks that minivisor works again once kvm_hold has exited.
 *
 * Exit status: 0 after SIGTERM/SIGINT (VM destroyed), 1 on any error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/kvm.h>

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: kvm_hold [--help]\n"
		"Opens /dev/kvm, creates a VM with one vCPU (so kvm_intel turns\n"
		"VMX on), prints \"kvm_hold: ready\" and waits. On SIGTERM or\n"
		"SIGINT it destroys the VM, prints \"kvm_hold: released\" and\n"
		"exits 0. Exits 1, with the reason on stderr, if any step fails.\n");
}

static int fail(const char *what, const char *hint)
{
	int err = errno;

	fprintf(stderr, "kvm_hold: %s: %s%s%s\n", what, strerror(err),
		hint ? "; " : "", hint ? hint : "");
	return 1;
}

int main(int argc, char **argv)
{
	struct sigaction sa;
	sigset_t block, old;
	int kvm, vm, vcpu, version;

	if (argc == 2 && !strcmp(argv[1], "--help")) {
		usage(stdout);
		return 0;
	}
	if (argc != 1) {
		usage(stderr);
		return 1;
	}

	/*
	 * Block the signals until we wait for them, so that one arriving
	 * between "ready" and sigsuspend() is not lost.
	 */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	if (sigprocmask(SIG_BLOCK, &block, &old) ||
	    sigaction(SIGTERM, &sa, NULL) || sigaction(SIGINT, &sa, NULL))
		return fail("installing signal handlers", NULL);

	kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm < 0)
		return fail("open /dev/kvm",
			    errno == ENOENT ? "is kvm_intel loaded?" : NULL);
	version = ioctl(kvm, KVM_GET_API_VERSION, 0);
	if (version != KVM_API_VERSION) {
		fprintf(stderr, "kvm_hold: KVM_GET_API_VERSION returned %d, expected %d\n",
			version, KVM_API_VERSION);
		return 1;
	}
	vm = ioctl(kvm, KVM_CREATE_VM, 0);
	if (vm < 0)
		return fail("KVM_CREATE_VM",
			    errno == EBUSY ? "VMX is held by another hypervisor (minivisor with a VM?)" : NULL);
	vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	if (vcpu < 0)
		return fail("KVM_CREATE_VCPU", NULL);

	printf("kvm_hold: ready\n");
	fflush(stdout);

	while (!stop)
		sigsuspend(&old);

	close(vcpu);
	close(vm);
	close(kvm);
	printf("kvm_hold: released\n");
	fflush(stdout);
	return 0;
}

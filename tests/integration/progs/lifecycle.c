// SPDX-License-Identifier: GPL-2.0
/*
 * lifecycle: the life of minivisor objects as the rest of the system sees
 * it (tests/integration/scenarios/15-lifecycle.sh).
 *
 *   lifecycle hold sys|vm|vcpu|runmap|ringmap
 *       Keep one kind of reference to the module and nothing else, print
 *       "lifecycle: holding KIND" and wait for SIGTERM/SIGINT; then drop
 *       it and print "lifecycle: released". runmap: the run page of a
 *       vCPU stays mapped with every fd closed; ringmap: the same for a
 *       VM's ring area. While a VM is held (vm, vcpu, runmap, ringmap),
 *       VMX stays on, so it also keeps kvm_intel from creating VMs.
 *   lifecycle try-unload
 *       delete_module("minivisor", O_NONBLOCK) must be refused (EBUSY or
 *       EWOULDBLOCK) and the module still listed: exit 0; exit 1 if it
 *       was unloaded.
 *   lifecycle run [--expect-busy]
 *       Create a VM with a vCPU and a memory slot and run a guest to its
 *       first exit (OUT 0x5a to port 0x80). With --expect-busy, CREATE_VM
 *       must fail with EBUSY instead (another hypervisor holds VMX).
 *   lifecycle cycles N [--slab-kb K] [--free-kb K]
 *       N create/run/destroy cycles like `run` (with exit rings, a CPUID
 *       table and a read-only slot as well), after 20 warm-up cycles, with
 *       MemFree, Slab, SUnreclaim and VmallocUsed (/proc/meminfo, caches
 *       dropped, slab caches shrunk) measured before and after, and the
 *       slab caches that grew named: SUnreclaim may grow by at most
 *       --slab-kb (default 128) KiB and MemFree drop by at most --free-kb
 *       (default 1024) KiB. Then max_vms VMs must still fit (no VM
 *       leaked its slot in the count) and one more fail with ENOSPC.
 *
 * Exit status 0 on success, 1 on a failed check, 2 on a usage error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <minivisor.h>

#define MEM_SIZE	(64u << 10)
#define CODE_GPA	0x1000u
#define OUT_PORT	0x80u
#define OUT_VALUE	0x5au
#define WARMUP		20

static struct mv_caps caps;
static uint8_t *guest_mem;	/* MEM_SIZE, RW */
static uint8_t *ro_mem;		/* a page, read-only */

__attribute__((format(printf, 1, 2), noreturn))
static void die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "lifecycle: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	exit(1);
}

static int open_sys(void)
{
	int fd = open("/dev/minivisor", O_RDWR | O_CLOEXEC);

	if (fd < 0)
		die("open /dev/minivisor: %s", strerror(errno));
	if (ioctl(fd, MV_GET_CAPS, &caps))
		die("MV_GET_CAPS: %s", strerror(errno));
	return fd;
}

static void setup_memory(void)
{
	guest_mem = mmap(NULL, MEM_SIZE, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ro_mem = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (guest_mem == MAP_FAILED || ro_mem == MAP_FAILED)
		die("mmap: %s", strerror(errno));
	/* mov al, 0x5a; out 0x80, al; hlt */
	memcpy(guest_mem + CODE_GPA,
	       (const uint8_t[]){ 0xb0, OUT_VALUE, 0xe6, OUT_PORT, 0xf4 }, 5);
}

struct vm {
	int vm, vcpu;
	struct mv_run *run;
	void *ring;
	size_t ring_size;
	int efd;
};

/* A VM with a slot and a vCPU at the guest's first instruction. */
static void vm_create(int sys, struct vm *v, bool extras)
{
	struct mv_memory_slot slot = {
		.slot = 0, .guest_phys_addr = 0, .memory_size = MEM_SIZE,
		.userspace_addr = (uintptr_t)guest_mem,
	};
	struct mv_sregs sregs;
	struct mv_regs regs;

	memset(v, 0, sizeof(*v));
	v->efd = -1;
	v->vm = ioctl(sys, MV_CREATE_VM, 0);
	if (v->vm < 0)
		die("MV_CREATE_VM: %s", strerror(errno));
	if (ioctl(v->vm, MV_SET_MEMORY_SLOT, &slot))
		die("MV_SET_MEMORY_SLOT: %s", strerror(errno));
	v->vcpu = ioctl(v->vm, MV_CREATE_VCPU, 0);
	if (v->vcpu < 0)
		die("MV_CREATE_VCPU: %s", strerror(errno));
	v->run = mmap(NULL, caps.run_mmap_size, PROT_READ | PROT_WRITE,
		      MAP_SHARED, v->vcpu, 0);
	if (v->run == MAP_FAILED)
		die("mmap of the run page: %s", strerror(errno));
	if (ioctl(v->vcpu, MV_GET_SREGS, &sregs))
		die("MV_GET_SREGS: %s", strerror(errno));
	sregs.cs.base = 0;
	sregs.cs.selector = 0;
	if (ioctl(v->vcpu, MV_SET_SREGS, &sregs))
		die("MV_SET_SREGS: %s", strerror(errno));
	memset(&regs, 0, sizeof(regs));
	regs.rip = CODE_GPA;
	regs.rflags = 2;
	if (ioctl(v->vcpu, MV_SET_REGS, &regs))
		die("MV_SET_REGS: %s", strerror(errno));
	if (extras) {
		struct mv_memory_slot ro = {
			.slot = 1, .flags = MV_MEM_READONLY,
			.guest_phys_addr = 0x100000, .memory_size = 4096,
			.userspace_addr = (uintptr_t)ro_mem,
		};
		struct mv_ring_setup rs = { .req_entries = 4, .cpl_entries = 8,
					    .req_eventfd = -1 };
		struct mv_ring_range range = { .space = MV_RING_SPACE_PIO,
					       .base = 0x300, .len = 4 };
		struct {
			struct mv_cpuid hdr;
			struct mv_cpuid_entry e[2];
		} cpuid = { .hdr.nent = 2 };

		cpuid.e[0].function = 0;
		cpuid.e[0].eax = 1;
		cpuid.e[1].function = 1;
		if (ioctl(v->vm, MV_SET_MEMORY_SLOT, &ro))
			die("MV_SET_MEMORY_SLOT read-only: %s", strerror(errno));
		v->efd = eventfd(0, EFD_CLOEXEC);
		if (v->efd < 0)
			die("eventfd: %s", strerror(errno));
		rs.cpl_entries = caps.max_vcpus;
		rs.kick_eventfd = v->efd;
		if (ioctl(v->vm, MV_SETUP_RINGS, &rs))
			die("MV_SETUP_RINGS: %s", strerror(errno));
		if (ioctl(v->vm, MV_SET_RING_RANGE, &range))
			die("MV_SET_RING_RANGE: %s", strerror(errno));
		v->ring_size = rs.layout.mmap_size;
		v->ring = mmap(NULL, v->ring_size, PROT_READ | PROT_WRITE,
			       MAP_SHARED, v->vm, MV_RING_MMAP_OFFSET);
		if (v->ring == MAP_FAILED)
			die("mmap of the rings: %s", strerror(errno));
		if (ioctl(v->vcpu, MV_SET_CPUID, &cpuid))
			die("MV_SET_CPUID: %s", strerror(errno));
	}
}

static void vm_run_first_exit(struct vm *v)
{
	if (ioctl(v->vcpu, MV_RUN, 0))
		die("MV_RUN: %s", strerror(errno));
	if (v->run->exit_reason != MV_EXIT_IO || v->run->io.port != OUT_PORT ||
	    ((uint8_t *)v->run)[v->run->io.data_offset] != OUT_VALUE)
		die("the guest's first exit is %u (port 0x%x), expected OUT 0x%x to 0x%x",
		    v->run->exit_reason, v->run->io.port, OUT_VALUE, OUT_PORT);
}

static void vm_destroy(struct vm *v)
{
	if (v->ring)
		munmap(v->ring, v->ring_size);
	munmap(v->run, caps.run_mmap_size);
	close(v->vcpu);
	close(v->vm);
	if (v->efd >= 0)
		close(v->efd);
}

/* ---- hold ---------------------------------------------------------------- */

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static int cmd_hold(const char *kind)
{
	struct sigaction sa;
	sigset_t block, old;
	struct vm v;
	int sys;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigprocmask(SIG_BLOCK, &block, &old);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);

	sys = open_sys();
	if (strcmp(kind, "sys")) {
		setup_memory();
		vm_create(sys, &v, !strcmp(kind, "ringmap"));
		close(sys);
		sys = -1;
		if (!strcmp(kind, "vm")) {
			munmap(v.run, caps.run_mmap_size);
			close(v.vcpu);
		} else if (!strcmp(kind, "vcpu")) {
			munmap(v.run, caps.run_mmap_size);
			close(v.vm);
		} else if (!strcmp(kind, "runmap")) {
			close(v.vcpu);
			close(v.vm);
		} else if (!strcmp(kind, "ringmap")) {
			munmap(v.run, caps.run_mmap_size);
			close(v.vcpu);
			close(v.vm);
			close(v.efd);
		} else {
			fprintf(stderr, "lifecycle: unknown kind %s\n", kind);
			return 2;
		}
	}
	printf("lifecycle: holding %s\n", kind);
	fflush(stdout);
	while (!stop)
		sigsuspend(&old);
	/* Exiting drops whatever is left. */
	printf("lifecycle: released\n");
	fflush(stdout);
	return 0;
}

/* ---- try-unload ------------------------------------------------------------ */

static bool module_listed(void)
{
	char line[256];
	bool found = false;
	FILE *f = fopen("/proc/modules", "r");

	if (!f)
		die("/proc/modules: %s", strerror(errno));
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "minivisor ", 10))
			found = true;
	fclose(f);
	return found;
}

static int cmd_try_unload(void)
{
	long ret = syscall(SYS_delete_module, "minivisor", O_NONBLOCK);
	int err = errno;

	if (ret == 0 || !module_listed()) {
		printf("lifecycle: minivisor was unloaded while a reference was held\n");
		return 1;
	}
	if (err != EBUSY && err != EWOULDBLOCK) {
		printf("lifecycle: delete_module failed with %s, expected EBUSY or EWOULDBLOCK\n",
		       strerror(err));
		return 1;
	}
	printf("lifecycle: unloading refused (%s), module still loaded\n", strerror(err));
	return 0;
}

/* ---- run ------------------------------------------------------------------- */

static int cmd_run(bool expect_busy)
{
	int sys = open_sys();
	struct vm v;
	int vm;

	if (expect_busy) {
		vm = ioctl(sys, MV_CREATE_VM, 0);
		if (vm >= 0 || errno != EBUSY) {
			printf("lifecycle: MV_CREATE_VM %s, expected EBUSY\n",
			       vm >= 0 ? "succeeded" : strerror(errno));
			return 1;
		}
		printf("lifecycle: MV_CREATE_VM refused with EBUSY\n");
		return 0;
	}
	setup_memory();
	vm_create(sys, &v, true);
	vm_run_first_exit(&v);
	vm_destroy(&v);
	close(sys);
	printf("lifecycle: a guest ran to its first exit (OUT 0x%x to port 0x%x)\n",
	       OUT_VALUE, OUT_PORT);
	return 0;
}

/* ---- cycles ---------------------------------------------------------------- */

struct meminfo {
	long free, slab, sunreclaim, vmalloc;	/* KiB */
};

#define MAX_CACHES	512

/* /proc/slabinfo: objects in use and KiB of slabs, per cache. */
struct slabs {
	unsigned int n;
	char name[MAX_CACHES][64];
	long objs[MAX_CACHES], kib[MAX_CACHES];
};

static void read_slabs(struct slabs *s)
{
	char line[512], name[64];
	long active, num, size, per, pages, aslabs, nslabs;
	FILE *f = fopen("/proc/slabinfo", "r");

	s->n = 0;
	if (!f)
		return;
	while (fgets(line, sizeof(line), f) && s->n < MAX_CACHES) {
		if (sscanf(line, "%63s %ld %ld %ld %ld %ld : tunables %*d %*d %*d : slabdata %ld %ld",
			   name, &active, &num, &size, &per, &pages, &aslabs, &nslabs) != 8)
			continue;
		snprintf(s->name[s->n], sizeof(s->name[0]), "%s", name);
		s->objs[s->n] = active;
		s->kib[s->n] = nslabs * pages * 4;
		s->n++;
	}
	fclose(f);
}

/* The caches that grew: where a leak would be. */
static void print_slab_growth(const struct slabs *a, const struct slabs *b)
{
	unsigned int i, j;

	for (i = 0; i < b->n; i++) {
		long objs = b->objs[i], kib = b->kib[i];

		for (j = 0; j < a->n; j++)
			if (!strcmp(a->name[j], b->name[i])) {
				objs -= a->objs[j];
				kib -= a->kib[j];
				break;
			}
		if (objs >= 100 || kib >= 16)
			printf("lifecycle:   slab %-24s %+6ld objects %+5ld KiB\n",
			       b->name[i], objs, kib);
	}
}

/* Give every slab cache's empty slabs back to the page allocator. */
static void shrink_slabs(void)
{
	char path[512];
	struct dirent *d;
	DIR *dir = opendir("/sys/kernel/slab");
	int fd;

	if (!dir)
		return;
	while ((d = readdir(dir))) {
		if (d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/sys/kernel/slab/%s/shrink", d->d_name);
		fd = open(path, O_WRONLY);
		if (fd < 0)
			continue;
		/* Best effort: a cache that cannot shrink just stays. */
		if (write(fd, "1", 1) != 1)
			errno = 0;
		close(fd);
	}
	closedir(dir);
}

static void read_meminfo(struct meminfo *m)
{
	char line[256];
	FILE *f;
	int fd;

	/* Page cache and reclaimable slab out of the way. */
	sync();
	fd = open("/proc/sys/vm/drop_caches", O_WRONLY);
	if (fd < 0 || write(fd, "3", 1) != 1)
		die("drop_caches: %s", strerror(errno));
	close(fd);
	/* Objects freed after an RCU grace period: let it pass. */
	usleep(200000);
	shrink_slabs();
	f = fopen("/proc/meminfo", "r");
	if (!f)
		die("/proc/meminfo: %s", strerror(errno));
	memset(m, 0, sizeof(*m));
	while (fgets(line, sizeof(line), f)) {
		sscanf(line, "MemFree: %ld kB", &m->free);
		sscanf(line, "Slab: %ld kB", &m->slab);
		sscanf(line, "SUnreclaim: %ld kB", &m->sunreclaim);
		sscanf(line, "VmallocUsed: %ld kB", &m->vmalloc);
	}
	fclose(f);
}

static void cycle(int sys)
{
	struct vm v;

	vm_create(sys, &v, true);
	vm_run_first_exit(&v);
	vm_destroy(&v);
}

static int cmd_cycles(long n, long slab_kb, long free_kb)
{
	static struct slabs sa, sb;
	struct meminfo a, b;
	int sys = open_sys(), fds[64];
	unsigned int i, made = 0;
	int failed = 0;
	long k;

	setup_memory();
	for (k = 0; k < WARMUP; k++)
		cycle(sys);
	read_meminfo(&a);
	read_slabs(&sa);
	for (k = 0; k < n; k++)
		cycle(sys);
	read_meminfo(&b);
	read_slabs(&sb);
	printf("lifecycle: %ld cycles (VM, vCPU, 2 slots, rings, CPUID, RUN to the first exit)\n", n);
	printf("lifecycle: MemFree %ld -> %ld KiB (%+ld), Slab %ld -> %ld (%+ld), SUnreclaim %ld -> %ld (%+ld), VmallocUsed %ld -> %ld (%+ld)\n",
	       a.free, b.free, b.free - a.free, a.slab, b.slab, b.slab - a.slab,
	       a.sunreclaim, b.sunreclaim, b.sunreclaim - a.sunreclaim,
	       a.vmalloc, b.vmalloc, b.vmalloc - a.vmalloc);
	print_slab_growth(&sa, &sb);
	if (b.sunreclaim - a.sunreclaim > slab_kb) {
		printf("lifecycle: FAIL: SUnreclaim grew by %ld KiB (tolerance %ld KiB)\n",
		       b.sunreclaim - a.sunreclaim, slab_kb);
		failed = 1;
	}
	if (a.free - b.free > free_kb) {
		printf("lifecycle: FAIL: MemFree dropped by %ld KiB (tolerance %ld KiB)\n",
		       a.free - b.free, free_kb);
		failed = 1;
	}
	/* Every VM's slot in the global count came back. */
	while (made < caps.max_vms + 1 && made < 64) {
		int fd = ioctl(sys, MV_CREATE_VM, 0);

		if (fd < 0)
			break;
		fds[made++] = fd;
	}
	if (made != caps.max_vms || errno != ENOSPC) {
		printf("lifecycle: FAIL: %u VMs could be created after the cycles (max_vms %u), then %s\n",
		       made, caps.max_vms, strerror(errno));
		failed = 1;
	} else {
		printf("lifecycle: max_vms (%u) VMs fit after the cycles, one more gets ENOSPC\n",
		       caps.max_vms);
	}
	for (i = 0; i < made; i++)
		close(fds[i]);
	close(sys);
	return failed;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: lifecycle hold sys|vm|vcpu|runmap|ringmap\n"
		"       lifecycle try-unload\n"
		"       lifecycle run [--expect-busy]\n"
		"       lifecycle cycles N [--slab-kb K] [--free-kb K]\n"
		"See the comment at the top of tests/integration/progs/lifecycle.c.\n");
}

int main(int argc, char **argv)
{
	long n, slab_kb = 128, free_kb = 1024;
	int i;

	if (argc >= 2 && !strcmp(argv[1], "--help")) {
		usage(stdout);
		return 0;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 3 && !strcmp(argv[1], "hold"))
		return cmd_hold(argv[2]);
	if (argc == 2 && !strcmp(argv[1], "try-unload"))
		return cmd_try_unload();
	if (argc >= 2 && !strcmp(argv[1], "run"))
		return cmd_run(argc == 3 && !strcmp(argv[2], "--expect-busy"));
	if (argc >= 3 && !strcmp(argv[1], "cycles")) {
		n = atol(argv[2]);
		for (i = 3; i + 1 < argc; i += 2) {
			if (!strcmp(argv[i], "--slab-kb"))
				slab_kb = atol(argv[i + 1]);
			else if (!strcmp(argv[i], "--free-kb"))
				free_kb = atol(argv[i + 1]);
			else
				break;
		}
		if (n > 0 && i == argc)
			return cmd_cycles(n, slab_kb, free_kb);
	}
	usage(stderr);
	return 2;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * vm_cost: what a VM costs to create and to keep, on minivisor or on KVM,
 * measured the same way on both (for `make bench`, scripts/bench.sh).
 *
 *   vm_cost create mv|kvm [REPEAT]
 *       Host TSC cycles from opening the device to the first exit of a
 *       VM with one vCPU and MEM_SIZE (64 MiB) of guest memory, whose
 *       first guest instruction is an OUT: open, CREATE_VM, the memory
 *       slot, CREATE_VCPU, register set-up and RUN until that OUT. The
 *       guest memory is mapped (not touched) before the clock starts, so
 *       the figure includes what each hypervisor does to it: minivisor
 *       pins every page when the slot is created, KVM maps pages as the
 *       guest first touches them. Printed per phase and in total, for the
 *       median of REPEAT (default 5) runs, as
 *           MVBENCH HV vm-create TOTAL open=.. vm=.. mem=.. vcpu=.. run=..
 *   vm_cost mem mv|kvm
 *       Kernel memory per VM and per vCPU, guest memory excluded: the
 *       drop of free memory (MemFree, plus the pages in the per-CPU page
 *       lists of /proc/zoneinfo) while VMS VMs with one vCPU each
 *       exist, each having run to its first exit, less the guest pages
 *       (one 4 KiB page each, touched by this program), divided by VMS;
 *       per vCPU the same for one VM with VCPUS vCPUs against one with
 *       one vCPU. The median of 5 rounds, in bytes, as
 *           MVBENCH HV vm-mem BYTES
 *           MVBENCH HV vcpu-mem BYTES
 *       The figure includes every page the kernel allocates for the VM:
 *       VMCS, EPT or shadow tables, per-vCPU state, the run page, slab
 *       objects; and the page tables this process needs for its
 *       mappings. Objects the slab allocator places in partly used slabs
 *       that existed before are not seen, so small objects are
 *       undercounted on both hypervisors alike. It is as exact as the
 *       free memory is quiet: run it in an idle
 *       system (the benchmark PC runs nothing else).
 *
 * Exit status 0, or 1 with a message naming the failed step.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <x86intrin.h>
#include <linux/kvm.h>
#include <minivisor.h>

#define MEM_SIZE	(64ull << 20)
#define CODE_GPA	0x0u		/* in the first page: see mem_of() */
#define OUT_PORT	0x80u
#define VMS		16	/* minivisor's limit of VMs alive at once */
#define VCPUS		8
#define ROUNDS		5
#define MAX_REPEAT	51

static const char *hv_name;
static int is_kvm;

static void die(const char *what)
{
	fprintf(stderr, "vm_cost %s: %s: %s\n", hv_name, what, strerror(errno));
	exit(1);
}

static void die_msg(const char *what)
{
	fprintf(stderr, "vm_cost %s: %s\n", hv_name, what);
	exit(1);
}

/* One VM as this program keeps it. */
struct vm {
	int sys_fd;
	int vm_fd;
	int vcpu_fd[VCPUS];
	void *run[VCPUS];
	size_t run_size;
	unsigned int nr_vcpus;
	uint8_t *mem;
	uint64_t mem_size;
};

static void vm_open(struct vm *vm)
{
	vm->sys_fd = open(is_kvm ? "/dev/kvm" : "/dev/minivisor",
			  O_RDWR | O_CLOEXEC);
	if (vm->sys_fd < 0)
		die(is_kvm ? "open /dev/kvm (modprobe kvm_intel)" :
		    "open /dev/minivisor (insmod minivisor.ko)");
}

static void vm_create(struct vm *vm)
{
	vm->vm_fd = ioctl(vm->sys_fd, is_kvm ? KVM_CREATE_VM : MV_CREATE_VM, 0);
	if (vm->vm_fd < 0)
		die("CREATE_VM");
	if (is_kvm) {
		/* Intel needs a TSS area below 4 GiB outside RAM for real mode. */
		if (ioctl(vm->vm_fd, KVM_SET_TSS_ADDR, 0xfffbd000ul) < 0)
			die("KVM_SET_TSS_ADDR");
		vm->run_size = ioctl(vm->sys_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	} else {
		struct mv_caps caps;

		if (ioctl(vm->sys_fd, MV_GET_CAPS, &caps) < 0)
			die("MV_GET_CAPS");
		vm->run_size = caps.run_mmap_size;
	}
}

/* The guest: OUT %al, $0x80 at CODE_GPA, then HLT (never reached). */
static void vm_map_memory(struct vm *vm, uint64_t size)
{
	vm->mem_size = size;
	vm->mem = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (vm->mem == MAP_FAILED)
		die("mmap guest memory");
	vm->mem[CODE_GPA] = 0xe6;
	vm->mem[CODE_GPA + 1] = OUT_PORT;
	vm->mem[CODE_GPA + 2] = 0xf4;
}

static void vm_add_memory(struct vm *vm)
{
	int ret;

	if (is_kvm) {
		struct kvm_userspace_memory_region r = {
			.slot = 0, .guest_phys_addr = 0,
			.memory_size = vm->mem_size,
			.userspace_addr = (uintptr_t)vm->mem,
		};

		ret = ioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &r);
	} else {
		struct mv_memory_slot s = {
			.slot = 0, .guest_phys_addr = 0,
			.memory_size = vm->mem_size,
			.userspace_addr = (uintptr_t)vm->mem,
		};

		ret = ioctl(vm->vm_fd, MV_SET_MEMORY_SLOT, &s);
	}
	if (ret < 0)
		die("set memory slot");
}

/* vCPU @i in real mode at 0:CODE_GPA. */
static void vm_add_vcpu(struct vm *vm, unsigned int i)
{
	int fd = ioctl(vm->vm_fd, is_kvm ? KVM_CREATE_VCPU : MV_CREATE_VCPU, i);

	if (fd < 0)
		die("CREATE_VCPU");
	vm->vcpu_fd[i] = fd;
	vm->nr_vcpus = i + 1;
	vm->run[i] = mmap(NULL, vm->run_size, PROT_READ | PROT_WRITE,
			  MAP_SHARED, fd, 0);
	if (vm->run[i] == MAP_FAILED)
		die("mmap the run page");
	if (is_kvm) {
		struct kvm_sregs s;
		struct kvm_regs r = { .rip = CODE_GPA, .rflags = 2 };

		if (ioctl(fd, KVM_GET_SREGS, &s) < 0)
			die("KVM_GET_SREGS");
		s.cs.selector = 0;
		s.cs.base = 0;
		if (ioctl(fd, KVM_SET_SREGS, &s) < 0 ||
		    ioctl(fd, KVM_SET_REGS, &r) < 0)
			die("KVM_SET_(S)REGS");
	} else {
		struct mv_sregs s;
		struct mv_regs r = { .rip = CODE_GPA, .rflags = 2 };

		if (ioctl(fd, MV_GET_SREGS, &s) < 0)
			die("MV_GET_SREGS");
		s.cs.selector = 0;
		s.cs.base = 0;
		if (ioctl(fd, MV_SET_SREGS, &s) < 0 ||
		    ioctl(fd, MV_SET_REGS, &r) < 0)
			die("MV_SET_(S)REGS");
	}
}

/* RUN vCPU @i until its OUT to OUT_PORT. */
static void vm_run_to_out(struct vm *vm, unsigned int i)
{
	for (;;) {
		if (ioctl(vm->vcpu_fd[i], is_kvm ? KVM_RUN : MV_RUN, 0) < 0) {
			if (errno == EINTR)
				continue;
			die("RUN");
		}
		if (is_kvm) {
			const struct kvm_run *run = vm->run[i];

			if (run->exit_reason == KVM_EXIT_IO &&
			    run->io.port == OUT_PORT)
				return;
			if (run->exit_reason != KVM_EXIT_INTR)
				die_msg("the first exit is not the guest's OUT");
		} else {
			const struct mv_run *run = vm->run[i];

			if (run->exit_reason == MV_EXIT_IO &&
			    run->io.port == OUT_PORT)
				return;
			if (run->exit_reason != MV_EXIT_INTR)
				die_msg("the first exit is not the guest's OUT");
		}
	}
}

static void vm_destroy(struct vm *vm)
{
	unsigned int i;

	for (i = 0; i < vm->nr_vcpus; i++) {
		munmap(vm->run[i], vm->run_size);
		close(vm->vcpu_fd[i]);
	}
	close(vm->vm_fd);
	close(vm->sys_fd);
	munmap(vm->mem, vm->mem_size);
	memset(vm, 0, sizeof(*vm));
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static int cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return x < y ? -1 : x > y;
}

enum { P_OPEN, P_VM, P_MEM, P_VCPU, P_RUN, NR_PHASES };

static void bench_create(int repeat)
{
	static const char *const names[NR_PHASES] = {
		"open", "vm", "mem", "vcpu", "run",
	};
	uint64_t phase[NR_PHASES][MAX_REPEAT], total[MAX_REPEAT];
	uint64_t med_total = 0;
	int r, p, median = -1;

	for (r = 0; r < repeat; r++) {
		uint64_t t[NR_PHASES + 1];
		struct vm vm = { 0 };

		vm_map_memory(&vm, MEM_SIZE);
		t[0] = __rdtsc();
		vm_open(&vm);
		t[1] = __rdtsc();
		vm_create(&vm);
		t[2] = __rdtsc();
		vm_add_memory(&vm);
		t[3] = __rdtsc();
		vm_add_vcpu(&vm, 0);
		t[4] = __rdtsc();
		vm_run_to_out(&vm, 0);
		t[5] = __rdtsc();
		vm_destroy(&vm);
		for (p = 0; p < NR_PHASES; p++)
			phase[p][r] = t[p + 1] - t[p];
		total[r] = t[NR_PHASES] - t[0];
	}
	/* The run whose total is the median, with its own phases. */
	{
		uint64_t sorted[MAX_REPEAT];

		memcpy(sorted, total, sizeof(total[0]) * repeat);
		qsort(sorted, repeat, sizeof(sorted[0]), cmp_u64);
		med_total = sorted[repeat / 2];
		for (r = 0; r < repeat && median < 0; r++)
			if (total[r] == med_total)
				median = r;
	}
	printf("MVBENCH %s vm-create %llu", hv_name,
	       (unsigned long long)med_total);
	for (p = 0; p < NR_PHASES; p++)
		printf(" %s=%llu", names[p],
		       (unsigned long long)phase[p][median]);
	printf("\n");
}

/*
 * Free memory in bytes: MemFree plus the pages parked in the per-CPU
 * page lists (the "count:" lines of /proc/zoneinfo), which MemFree does
 * not count but which any allocation takes first; without them a few
 * hundred KiB of kernel allocations can leave MemFree unchanged.
 */
static long long mem_free(void)
{
	char line[256];
	long long kb = -1, pcp = 0, n;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		die("open /proc/meminfo");
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "MemFree: %lld kB", &kb) == 1)
			break;
	fclose(f);
	if (kb < 0)
		die_msg("no MemFree in /proc/meminfo");
	f = fopen("/proc/zoneinfo", "r");
	if (!f)
		die("open /proc/zoneinfo");
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, " count: %lld", &n) == 1)
			pcp += n;
	fclose(f);
	return kb * 1024 + pcp * 4096;
}

/* Let freed pages settle back (RCU callbacks, per-CPU lists). */
static void settle(void)
{
	int fd = open("/proc/sys/vm/drop_caches", O_WRONLY);

	if (fd >= 0) {
		if (write(fd, "3\n", 2) < 0)
			fprintf(stderr, "vm_cost: drop_caches: %s\n",
				strerror(errno));
		close(fd);
	}
	usleep(200000);
}

/* Bytes MemFree drops while @nr_vms VMs of @nr_vcpus vCPUs each exist. */
static long long mem_of(unsigned int nr_vms, unsigned int nr_vcpus)
{
	static struct vm vms[VMS];
	long long before, after;
	unsigned int v, i;

	settle();
	before = mem_free();
	for (v = 0; v < nr_vms; v++) {
		vm_map_memory(&vms[v], 4096);
		vm_open(&vms[v]);
		vm_create(&vms[v]);
		vm_add_memory(&vms[v]);
		for (i = 0; i < nr_vcpus; i++) {
			vm_add_vcpu(&vms[v], i);
			vm_run_to_out(&vms[v], i);
		}
	}
	settle();
	after = mem_free();
	for (v = 0; v < nr_vms; v++)
		vm_destroy(&vms[v]);
	/* The guest page of each VM is this process's memory, not kernel's. */
	return before - after - (long long)nr_vms * 4096;
}

static void bench_mem(void)
{
	long long per_vm[ROUNDS], per_vcpu[ROUNDS];
	int r;

	for (r = 0; r < ROUNDS; r++) {
		long long one = mem_of(1, 1);

		per_vm[r] = mem_of(VMS, 1) / VMS;
		per_vcpu[r] = (mem_of(1, VCPUS) - one) / (VCPUS - 1);
	}
	qsort(per_vm, ROUNDS, sizeof(per_vm[0]), cmp_ll);
	qsort(per_vcpu, ROUNDS, sizeof(per_vcpu[0]), cmp_ll);
	printf("MVBENCH %s vm-mem %lld\n", hv_name, per_vm[ROUNDS / 2]);
	printf("MVBENCH %s vcpu-mem %lld\n", hv_name, per_vcpu[ROUNDS / 2]);
}

static void usage(FILE *out)
{
	fputs("Usage: vm_cost create mv|kvm [REPEAT]\n"
	      "       vm_cost mem mv|kvm\n"
	      "Cycles to create a VM and reach its first guest instruction, or\n"
	      "kernel memory per VM and per vCPU, on minivisor (mv) or KVM.\n",
	      out);
}

int main(int argc, char **argv)
{
	int repeat = 5;

	if (argc > 1 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		usage(stdout);
		return 0;
	}
	if (argc < 3 || (strcmp(argv[2], "mv") && strcmp(argv[2], "kvm"))) {
		usage(stderr);
		return 1;
	}
	hv_name = strcmp(argv[2], "kvm") ? "minivisor" : "kvm";
	is_kvm = !strcmp(argv[2], "kvm");
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(argv[1], "create")) {
		if (argc > 3)
			repeat = atoi(argv[3]);
		if (repeat < 1 || repeat > MAX_REPEAT) {
			fprintf(stderr, "vm_cost: REPEAT must be 1..%d\n",
				MAX_REPEAT);
			return 1;
		}
		bench_create(repeat);
		return 0;
	}
	if (!strcmp(argv[1], "mem")) {
		bench_mem();
		return 0;
	}
	usage(stderr);
	return 1;
}

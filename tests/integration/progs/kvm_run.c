// SPDX-License-Identifier: GPL-2.0
/*
 * kvm_run: run a minivisor test guest (guests/NAME.bin) under KVM, with the
 * flat-binary conventions of `minivisor run` (userspace/README.md): image
 * at guest-physical 0x10000, --entry real or --entry long with the same
 * register state, page tables and GDT, the console's THR and LSR, the
 * debug-exit port 0xf4 and the mmio_test device at 0xfe000000.
 *
 * So a guest can be checked on a second implementation of those
 * conventions (a guest that fails here too is wrong, not minivisor), and a
 * benchmark payload can be run under KVM in the same boot.
 *
 * Exit status: the byte the guest wrote to port 0xf4; 125 for a setup
 * error; 126 for any other way the guest stopped.
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
#include <linux/kvm.h>

#define MEM_SIZE	(64u << 20)
#define LOAD_ADDR	0x10000u

#define PORT_COM1_THR	0x3f8
#define PORT_COM1_LSR	0x3fd
#define PORT_DEBUG_EXIT	0xf4

/* mmio_test: scratch, then an 8-byte ID, then a count of writes. */
#define TESTDEV_BASE	0xfe000000ull
#define TESTDEV_SIZE	0x1000u
#define TESTDEV_ID	0x800u
#define TESTDEV_WRITES	0xff8u
#define TESTDEV_ID_VALUE 0x8877665544332211ull

/* --entry long: GDT, page tables (4 GiB identity map) and stack. */
#define GDT_ADDR	0x500u
#define PML4_ADDR	0x1000u
#define PDPT_ADDR	0x2000u
#define PD_ADDR		0x3000u		/* four PDs, 0x3000..0x6fff */
#define LONG_RSP	0x10000u

static uint8_t testdev_scratch[TESTDEV_ID];
static uint64_t testdev_writes;

static void die(const char *what)
{
	fprintf(stderr, "kvm_run: %s: %s\n", what, strerror(errno));
	exit(125);
}

static void testdev_access(uint64_t off, uint8_t *data, uint32_t len,
			   int is_write)
{
	uint32_t i;

	/* Every write counts once; writes to read-only bytes are dropped. */
	if (is_write) {
		testdev_writes++;
		for (i = 0; i < len; i++)
			if (off + i < TESTDEV_ID)
				testdev_scratch[off + i] = data[i];
		return;
	}
	for (i = 0; i < len; i++) {
		uint64_t o = off + i;

		if (o < TESTDEV_ID)
			data[i] = testdev_scratch[o];
		else if (o < TESTDEV_ID + 8)
			data[i] = TESTDEV_ID_VALUE >> (8 * (o - TESTDEV_ID));
		else if (o >= TESTDEV_WRITES && o < TESTDEV_SIZE)
			data[i] = testdev_writes >> (8 * (o - TESTDEV_WRITES));
		else
			data[i] = 0;
	}
}

/* Without this the guest's CPUID is empty and EFER.LME is reserved. */
static void setup_cpuid(int kvm, int vcpu)
{
	struct kvm_cpuid2 *cpuid;
	int nent = 256;

	cpuid = calloc(1, sizeof(*cpuid) + nent * sizeof(cpuid->entries[0]));
	if (!cpuid)
		die("calloc");
	cpuid->nent = nent;
	if (ioctl(kvm, KVM_GET_SUPPORTED_CPUID, cpuid))
		die("KVM_GET_SUPPORTED_CPUID");
	if (ioctl(vcpu, KVM_SET_CPUID2, cpuid))
		die("KVM_SET_CPUID2");
	free(cpuid);
}

static void setup_real(int vcpu)
{
	struct kvm_sregs s;
	struct kvm_regs r;

	if (ioctl(vcpu, KVM_GET_SREGS, &s))
		die("KVM_GET_SREGS");
	s.cs.selector = s.ds.selector = s.es.selector = 0x1000;
	s.ss.selector = s.fs.selector = s.gs.selector = 0x1000;
	s.cs.base = s.ds.base = s.es.base = 0x10000;
	s.ss.base = s.fs.base = s.gs.base = 0x10000;
	if (ioctl(vcpu, KVM_SET_SREGS, &s))
		die("KVM_SET_SREGS");
	memset(&r, 0, sizeof(r));
	r.rip = 0;
	r.rsp = 0xfffe;
	r.rflags = 2;
	if (ioctl(vcpu, KVM_SET_REGS, &r))
		die("KVM_SET_REGS");
}

static void setup_long(int vcpu, uint8_t *mem)
{
	uint64_t *gdt = (uint64_t *)(mem + GDT_ADDR);
	uint64_t *pml4 = (uint64_t *)(mem + PML4_ADDR);
	uint64_t *pdpt = (uint64_t *)(mem + PDPT_ADDR);
	uint64_t *pd = (uint64_t *)(mem + PD_ADDR);
	struct kvm_segment code = {
		.base = 0, .limit = 0xffffffff, .selector = 0x08, .type = 11,
		.present = 1, .s = 1, .l = 1, .g = 1,
	};
	struct kvm_segment data = {
		.base = 0, .limit = 0xffffffff, .selector = 0x10, .type = 3,
		.present = 1, .s = 1, .db = 1, .g = 1,
	};
	struct kvm_sregs s;
	struct kvm_regs r;
	int i;

	gdt[1] = 0x00af9b000000ffffull;
	gdt[2] = 0x00cf93000000ffffull;
	pml4[0] = PDPT_ADDR | 3;
	for (i = 0; i < 4; i++)
		pdpt[i] = (PD_ADDR + i * 0x1000) | 3;
	for (i = 0; i < 4 * 512; i++)
		pd[i] = ((uint64_t)i << 21) | 0x83;	/* P, RW, 2 MiB */

	if (ioctl(vcpu, KVM_GET_SREGS, &s))
		die("KVM_GET_SREGS");
	s.cs = code;
	s.ds = s.es = s.fs = s.gs = s.ss = data;
	s.gdt.base = GDT_ADDR;
	s.gdt.limit = 3 * 8 - 1;
	s.cr3 = PML4_ADDR;
	s.cr4 = 1u << 5;			/* PAE */
	s.cr0 = 0x80000031;			/* PG | NE | ET | PE */
	s.efer = (1u << 8) | (1u << 10);	/* LME | LMA */
	if (ioctl(vcpu, KVM_SET_SREGS, &s))
		die("KVM_SET_SREGS");
	memset(&r, 0, sizeof(r));
	r.rip = LOAD_ADDR;
	r.rsp = LONG_RSP;
	r.rflags = 2;
	if (ioctl(vcpu, KVM_SET_REGS, &r))
		die("KVM_SET_REGS");
}

static int handle_io(struct kvm_run *run)
{
	uint8_t *data = (uint8_t *)run + run->io.data_offset;
	uint32_t n = run->io.size * run->io.count;
	uint32_t i;

	if (run->io.direction == KVM_EXIT_IO_OUT) {
		switch (run->io.port) {
		case PORT_COM1_THR:
			fwrite(data, 1, n, stdout);
			fflush(stdout);
			return -1;
		case PORT_DEBUG_EXIT:
			return data[0];
		}
		return -1;
	}
	for (i = 0; i < n; i++)
		data[i] = run->io.port == PORT_COM1_LSR ? 0x60 : 0xff;
	return -1;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: kvm_run [--entry real|long] GUEST.bin\n"
		   "Runs a minivisor test guest under KVM; exits with the\n"
		   "byte the guest writes to port 0xf4.\n");
}

int main(int argc, char **argv)
{
	int kvm, vm, vcpu, img, i, is_long = 0, code;
	const char *path = NULL;
	struct kvm_userspace_memory_region region;
	struct kvm_run *run;
	uint8_t *mem;
	ssize_t n;
	long run_size;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help")) {
			usage(stdout);
			return 0;
		} else if (!strcmp(argv[i], "--entry") && i + 1 < argc) {
			i++;
			if (!strcmp(argv[i], "long"))
				is_long = 1;
			else if (strcmp(argv[i], "real")) {
				usage(stderr);
				return 125;
			}
		} else if (!path) {
			path = argv[i];
		} else {
			usage(stderr);
			return 125;
		}
	}
	if (!path) {
		usage(stderr);
		return 125;
	}

	kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm < 0)
		die("open /dev/kvm");
	vm = ioctl(kvm, KVM_CREATE_VM, 0);
	if (vm < 0)
		die("KVM_CREATE_VM");
	mem = mmap(NULL, MEM_SIZE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (mem == MAP_FAILED)
		die("mmap guest memory");
	img = open(path, O_RDONLY | O_CLOEXEC);
	if (img < 0)
		die(path);
	n = read(img, mem + LOAD_ADDR, MEM_SIZE - LOAD_ADDR);
	if (n < 0)
		die(path);
	close(img);

	region = (struct kvm_userspace_memory_region){
		.slot = 0, .guest_phys_addr = 0, .memory_size = MEM_SIZE,
		.userspace_addr = (uintptr_t)mem,
	};
	if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &region))
		die("KVM_SET_USER_MEMORY_REGION");
	vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	if (vcpu < 0)
		die("KVM_CREATE_VCPU");
	run_size = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (run_size < 0)
		die("KVM_GET_VCPU_MMAP_SIZE");
	run = mmap(NULL, run_size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
	if (run == MAP_FAILED)
		die("mmap vcpu");

	setup_cpuid(kvm, vcpu);
	if (is_long)
		setup_long(vcpu, mem);
	else
		setup_real(vcpu);

	for (;;) {
		if (ioctl(vcpu, KVM_RUN, 0) && errno != EINTR)
			die("KVM_RUN");
		switch (run->exit_reason) {
		case KVM_EXIT_IO:
			code = handle_io(run);
			if (code >= 0)
				return code;
			break;
		case KVM_EXIT_MMIO:
			if (run->mmio.phys_addr >= TESTDEV_BASE &&
			    run->mmio.phys_addr < TESTDEV_BASE + TESTDEV_SIZE) {
				testdev_access(run->mmio.phys_addr - TESTDEV_BASE,
					       run->mmio.data, run->mmio.len,
					       run->mmio.is_write);
				break;
			}
			fprintf(stderr, "kvm_run: MMIO %s at 0x%llx outside every device\n",
				run->mmio.is_write ? "write" : "read",
				(unsigned long long)run->mmio.phys_addr);
			return 126;
		default:
			fprintf(stderr, "kvm_run: unexpected exit reason %u\n",
				run->exit_reason);
			return 126;
		}
	}
}

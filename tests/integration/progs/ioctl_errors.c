// SPDX-License-Identifier: GPL-2.0
/*
 * ioctl_errors: the rejection rules of uapi/minivisor.h, checked against
 * the running module, printed as TAP.
 *
 * Every negative case asserts the exact errno and then that the rejected
 * call changed nothing: the state read back is the state before, or the
 * valid request the bad one resembles still succeeds (as in KVM's
 * tools/testing/selftests/kvm/x86_64/set_sregs_test.c). A few positive
 * cases set up what the negative ones need.
 *
 * Needs /dev/minivisor and VMX free (no KVM VM alive). Exit status 0 if
 * every case passed, 1 otherwise ("Bail out!" if it could not go on).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <minivisor.h>

#include "tap.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define PAGE_SIZE	4096ul
#define SLOT_SIZE	0x10000ul	/* 64 KiB */

/* A command that no fd knows: our magic, an unused number. */
#define MV_BOGUS		_IO(MV_IOCTL_MAGIC, 0x7f)
/* KVM's magic with MV_CREATE_VM's number and shape. */
#define FOREIGN_MAGIC_CMD	_IO(0xAE, 0x02)
/* MV_GET_CAPS's number with the wrong direction: a different command. */
#define MV_GET_CAPS_WRONG_DIR	_IOW(MV_IOCTL_MAGIC, 0x01, struct mv_caps)

static const char *errno_name(int err)
{
	switch (err) {
	case 0:		return "0";
	case EPERM:	return "EPERM";
	case ENOENT:	return "ENOENT";
	case EINTR:	return "EINTR";
	case EBADF:	return "EBADF";
	case ENOMEM:	return "ENOMEM";
	case EFAULT:	return "EFAULT";
	case EBUSY:	return "EBUSY";
	case EEXIST:	return "EEXIST";
	case ENODEV:	return "ENODEV";
	case EINVAL:	return "EINVAL";
	case ENOSPC:	return "ENOSPC";
	case ENOTTY:	return "ENOTTY";
	case E2BIG:	return "E2BIG";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	default:	return strerror(err);
	}
}

/*
 * One negative case: @ret is the syscall's return value, read together
 * with errno before anything else can change errno.
 */
__attribute__((format(printf, 3, 4)))
static bool expect_errno(long ret, int want, const char *fmt, ...)
{
	int err = errno;
	bool pass = ret == -1 && err == want;
	va_list ap;

	va_start(ap, fmt);
	tap_vresult(pass, fmt, ap);
	va_end(ap);
	if (!pass)
		printf("#   got %ld (errno %s), want -1 (errno %s)\n",
		       ret, ret == -1 ? errno_name(err) : "-",
		       errno_name(want));
	return pass;
}

/* One positive case: @ret must be >= 0. */
__attribute__((format(printf, 2, 3)))
static bool expect_ok(long ret, const char *fmt, ...)
{
	int err = errno;
	bool pass = ret >= 0;
	va_list ap;

	va_start(ap, fmt);
	tap_vresult(pass, fmt, ap);
	va_end(ap);
	if (!pass)
		printf("#   got -1 (errno %s), want success\n", errno_name(err));
	return pass;
}

/* ---------------------------------------------------------------------- */
/* Memory the cases point at                                               */
/* ---------------------------------------------------------------------- */

static void *map_or_bail(size_t len, int prot)
{
	void *p = mmap(NULL, len, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		bail("mmap %zu bytes: %s", len, strerror(errno));
	return p;
}

static void *guest_mem;		/* RW, 4 * SLOT_SIZE */
static void *ro_mem;		/* PROT_READ, SLOT_SIZE */
static void *no_access;		/* PROT_NONE, SLOT_SIZE: a bad pointer */

/*
 * A user address that is never mapped: below vm.mmap_min_addr (64 KiB by
 * default) nothing can be, and a static binary is loaded far above it.
 */
#define UNMAPPED_ADDR	PAGE_SIZE

static uint64_t mem_at(unsigned long off)
{
	return (uintptr_t)guest_mem + off;
}

/* ---------------------------------------------------------------------- */
/* System fd                                                               */
/* ---------------------------------------------------------------------- */

static void test_system(int sys, struct mv_caps *caps)
{
	struct mv_caps c;
	unsigned int i;
	bool zero;
	int vm;

	expect_ok(ioctl(sys, MV_GET_API_VERSION, 0),
		  "system: GET_API_VERSION succeeds");
	tap_result(ioctl(sys, MV_GET_API_VERSION, 0) == MV_API_VERSION,
		   "system: GET_API_VERSION returns %d", MV_API_VERSION);
	expect_errno(ioctl(sys, MV_GET_API_VERSION, 1), EINVAL,
		     "system: GET_API_VERSION with a non-zero argument -> EINVAL");

	/* 0xff everywhere, so that fields the kernel does not write show. */
	memset(&c, 0xff, sizeof(c));
	if (!expect_ok(ioctl(sys, MV_GET_CAPS, &c), "system: GET_CAPS succeeds"))
		bail("cannot go on without the caps");
	*caps = c;
	tap_result(c.api_version == MV_API_VERSION,
		   "system: caps.api_version is %d", MV_API_VERSION);
	zero = true;
	for (i = 0; i < ARRAY_SIZE(c.reserved); i++)
		zero = zero && c.reserved[i] == 0;
	tap_result(zero, "system: caps.reserved[] is all zero");
	tap_result(c.run_mmap_size >= MV_RUN_IO_DATA_OFFSET + MV_RUN_IO_DATA_MAX,
		   "system: caps.run_mmap_size (%u) holds the run page and its I/O data area",
		   c.run_mmap_size);
	tap_result(c.max_vms >= 1 && c.max_vcpus >= 1 && c.max_slots >= 1 &&
		   c.max_gpa >= PAGE_SIZE && c.max_mem >= PAGE_SIZE,
		   "system: caps limits are non-zero (vms %u vcpus %u slots %u)",
		   c.max_vms, c.max_vcpus, c.max_slots);
	printf("# caps: max_vms %u max_vcpus %u max_slots %u max_mem 0x%llx max_gpa 0x%llx features 0x%x\n",
	       c.max_vms, c.max_vcpus, c.max_slots,
	       (unsigned long long)c.max_mem, (unsigned long long)c.max_gpa,
	       c.features);

	expect_errno(ioctl(sys, MV_GET_CAPS, NULL), EFAULT,
		     "system: GET_CAPS to NULL -> EFAULT");
	expect_errno(ioctl(sys, MV_GET_CAPS, no_access), EFAULT,
		     "system: GET_CAPS to a PROT_NONE page -> EFAULT");

	expect_errno(ioctl(sys, MV_BOGUS, 0), ENOTTY,
		     "system: unknown command -> ENOTTY");
	expect_errno(ioctl(sys, FOREIGN_MAGIC_CMD, 0), ENOTTY,
		     "system: KVM's CREATE_VM command -> ENOTTY");
	expect_errno(ioctl(sys, MV_GET_CAPS_WRONG_DIR, &c), ENOTTY,
		     "system: GET_CAPS number with _IOW direction -> ENOTTY");
	expect_errno(ioctl(sys, MV_SET_MEMORY_SLOT, NULL), ENOTTY,
		     "system: a VM command (SET_MEMORY_SLOT) -> ENOTTY");
	expect_errno(ioctl(sys, MV_RUN, 0), ENOTTY,
		     "system: a vCPU command (RUN) -> ENOTTY");

	expect_errno(ioctl(sys, MV_CREATE_VM, 1), EINVAL,
		     "system: CREATE_VM with flags 1 -> EINVAL");
	expect_errno(ioctl(sys, MV_CREATE_VM, ~0ul), EINVAL,
		     "system: CREATE_VM with flags ~0 -> EINVAL");
	vm = ioctl(sys, MV_CREATE_VM, 0);
	if (expect_ok(vm, "system: CREATE_VM with flags 0 still succeeds"))
		close(vm);
}

/* ---------------------------------------------------------------------- */
/* VM fd: memory slots                                                     */
/* ---------------------------------------------------------------------- */

struct slot_case {
	const char *what;
	struct mv_memory_slot req;
	int err;
};

static long set_slot(int vm, uint32_t slot, uint32_t flags, uint64_t gpa,
		     uint64_t size, uint64_t uaddr)
{
	struct mv_memory_slot req = {
		.slot = slot, .flags = flags, .guest_phys_addr = gpa,
		.memory_size = size, .userspace_addr = uaddr,
	};

	return ioctl(vm, MV_SET_MEMORY_SLOT, &req);
}

/*
 * A create that should have been rejected but was not is undone, so that
 * one missing check does not make the cases after it fail too.
 */
static void run_slot_case(int vm, const struct slot_case *c)
{
	struct mv_memory_slot req = c->req;
	long ret = ioctl(vm, MV_SET_MEMORY_SLOT, &req);

	expect_errno(ret, c->err, "slot: %s -> %s", c->what, errno_name(c->err));
	if (ret == 0 && req.memory_size &&
	    set_slot(vm, req.slot, 0, 0, 0, 0) == 0)
		printf("#   (deleted slot %u again)\n", req.slot);
}

static void run_slot_cases(int vm, const struct slot_case *c, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		run_slot_case(vm, &c[i]);
}

static void test_slots(int vm, const struct mv_caps *caps)
{
	/* A page-aligned GPA range that ends exactly at max_gpa. */
	uint64_t top = (caps->max_gpa & ~(PAGE_SIZE - 1)) - PAGE_SIZE;
	const struct slot_case empty_vm[] = {
		{ "gpa not 4 KiB aligned",
		  { 0, 0, 0x800, SLOT_SIZE, mem_at(0) }, EINVAL },
		{ "size not 4 KiB aligned",
		  { 0, 0, 0, SLOT_SIZE + 1, mem_at(0) }, EINVAL },
		{ "userspace_addr not 4 KiB aligned",
		  { 0, 0, 0, SLOT_SIZE, mem_at(8) }, EINVAL },
		{ "unknown flag bit 1",
		  { 0, 1u << 1, 0, SLOT_SIZE, mem_at(0) }, EINVAL },
		{ "unknown flag bit 31",
		  { 0, 1u << 31, 0, SLOT_SIZE, mem_at(0) }, EINVAL },
		{ "slot == max_slots",
		  { caps->max_slots, 0, 0, SLOT_SIZE, mem_at(0) }, EINVAL },
		{ "slot 0xffffffff",
		  { 0xffffffff, 0, 0, SLOT_SIZE, mem_at(0) }, EINVAL },
		{ "gpa + size one page beyond max_gpa",
		  { 0, 0, top, 2 * PAGE_SIZE, mem_at(0) }, EINVAL },
		{ "gpa == max_gpa",
		  { 0, 0, caps->max_gpa & ~(PAGE_SIZE - 1), PAGE_SIZE, mem_at(0) },
		  EINVAL },
		{ "gpa + size wraps around 2^64",
		  { 0, 0, ~(PAGE_SIZE - 1), 2 * PAGE_SIZE, mem_at(0) }, EINVAL },
		{ "userspace_addr + size wraps around 2^64",
		  { 0, 0, 0, 2 * PAGE_SIZE, ~(PAGE_SIZE - 1) }, EINVAL },
		{ "userspace_addr not mapped",
		  { 0, 0, 0, PAGE_SIZE, UNMAPPED_ADDR }, EFAULT },
		{ "userspace_addr in a PROT_NONE mapping",
		  { 0, 0, 0, SLOT_SIZE, (uintptr_t)no_access }, EFAULT },
		{ "userspace_addr in kernel space",
		  { 0, 0, 0, SLOT_SIZE, 0xffff888000000000ull }, EFAULT },
		{ "writable slot on PROT_READ memory",
		  { 0, 0, 0, SLOT_SIZE, (uintptr_t)ro_mem }, EFAULT },
		{ "delete of an unused slot",
		  { 0, 0, 0, 0, 0 }, EINVAL },
	};
	const struct slot_case slot0_used[] = {
		{ "create on used slot 0 (other gpa)",
		  { 0, 0, 4 * SLOT_SIZE, SLOT_SIZE, mem_at(SLOT_SIZE) }, EEXIST },
		{ "resize slot 0 in place",
		  { 0, 0, 0, 2 * SLOT_SIZE, mem_at(0) }, EEXIST },
		{ "slot 1 overlapping the end of slot 0",
		  { 1, 0, SLOT_SIZE - PAGE_SIZE, SLOT_SIZE, mem_at(SLOT_SIZE) },
		  EEXIST },
		{ "slot 1 inside slot 0",
		  { 1, 0, PAGE_SIZE, PAGE_SIZE, mem_at(SLOT_SIZE) }, EEXIST },
		{ "slot 1 containing slot 0",
		  { 1, 0, 0, 2 * SLOT_SIZE, mem_at(SLOT_SIZE) }, EEXIST },
		{ "delete slot 0 with gpa != 0",
		  { 0, 0, PAGE_SIZE, 0, 0 }, EINVAL },
		{ "delete slot 0 with flags != 0",
		  { 0, MV_MEM_READONLY, 0, 0, 0 }, EINVAL },
		{ "delete slot 0 with userspace_addr != 0",
		  { 0, 0, 0, 0, mem_at(0) }, EINVAL },
	};

	run_slot_cases(vm, empty_vm, ARRAY_SIZE(empty_vm));
	expect_errno(ioctl(vm, MV_SET_MEMORY_SLOT, NULL), EFAULT,
		     "slot: argument NULL -> EFAULT");
	expect_errno(ioctl(vm, MV_SET_MEMORY_SLOT, no_access), EFAULT,
		     "slot: argument in a PROT_NONE page -> EFAULT");

	/* Nothing was created above: slot 0 at gpa 0 is free. */
	if (!expect_ok(set_slot(vm, 0, 0, 0, SLOT_SIZE, mem_at(0)),
		       "slot: after the rejections, slot 0 at [0, 64K) is created"))
		bail("cannot test occupied slots");

	run_slot_cases(vm, slot0_used, ARRAY_SIZE(slot0_used));

	/* Slot 0 is unchanged: still [0, 64K), still there. */
	expect_ok(set_slot(vm, 1, 0, SLOT_SIZE, SLOT_SIZE, mem_at(SLOT_SIZE)),
		  "slot: slot 1 right after slot 0, at [64K, 128K), is created");
	run_slot_case(vm, &(const struct slot_case){
		"slot 2 on the last page of slot 0, still there",
		{ 2, 0, SLOT_SIZE - PAGE_SIZE, PAGE_SIZE, mem_at(2 * SLOT_SIZE) },
		EEXIST });
	expect_ok(set_slot(vm, 0, 0, 0, 0, 0), "slot: delete slot 0 succeeds");
	expect_errno(set_slot(vm, 0, 0, 0, 0, 0), EINVAL,
		     "slot: delete slot 0 again -> EINVAL");
	expect_ok(set_slot(vm, 0, 0, 0, SLOT_SIZE, mem_at(0)),
		  "slot: slot 0 at [0, 64K) is created again");

	/* Read-only memory can back a read-only slot. */
	expect_ok(set_slot(vm, 2, MV_MEM_READONLY, 4 * SLOT_SIZE, SLOT_SIZE,
			   (uintptr_t)ro_mem),
		  "slot: read-only slot on PROT_READ memory is created");
}

/* ---------------------------------------------------------------------- */
/* VM fd: vCPUs and unknown commands                                       */
/* ---------------------------------------------------------------------- */

static int test_vm_vcpus(int vm, const struct mv_caps *caps)
{
	int vcpu, vcpu1;

	expect_errno(ioctl(vm, MV_BOGUS, 0), ENOTTY,
		     "vm: unknown command -> ENOTTY");
	expect_errno(ioctl(vm, MV_GET_API_VERSION, 0), ENOTTY,
		     "vm: a system command (GET_API_VERSION) -> ENOTTY");
	expect_errno(ioctl(vm, MV_RUN, 0), ENOTTY,
		     "vm: a vCPU command (RUN) -> ENOTTY");

	expect_errno(ioctl(vm, MV_CREATE_VCPU, (unsigned long)caps->max_vcpus),
		     EINVAL, "vm: CREATE_VCPU id == max_vcpus -> EINVAL");
	expect_errno(ioctl(vm, MV_CREATE_VCPU, ~0ul), EINVAL,
		     "vm: CREATE_VCPU id ~0 -> EINVAL");
	vcpu = ioctl(vm, MV_CREATE_VCPU, 0ul);
	if (!expect_ok(vcpu, "vm: after the rejections, CREATE_VCPU 0 succeeds"))
		bail("cannot test vCPUs");
	expect_errno(ioctl(vm, MV_CREATE_VCPU, 0ul), EEXIST,
		     "vm: CREATE_VCPU 0 again -> EEXIST");
	/* After vCPU 0 exists, so that a truncating check cannot create it. */
	expect_errno(ioctl(vm, MV_CREATE_VCPU, 1ul << 32), EINVAL,
		     "vm: CREATE_VCPU id 1 << 32 (0 if truncated) -> EINVAL");
	if (caps->max_vcpus > 1) {
		vcpu1 = ioctl(vm, MV_CREATE_VCPU, 1ul);
		if (expect_ok(vcpu1, "vm: after the duplicate, CREATE_VCPU 1 succeeds"))
			close(vcpu1);
	}
	return vcpu;
}

/* ---------------------------------------------------------------------- */
/* vCPU fd: registers                                                      */
/* ---------------------------------------------------------------------- */

static void test_regs(int vcpu)
{
	static const struct {
		const char *what;
		uint64_t rflags;
	} bad[] = {
		{ "bit 1 (always 1) clear", 0x0 },
		{ "reserved bit 3 set", 0x2 | 1ull << 3 },
		{ "reserved bit 5 set", 0x2 | 1ull << 5 },
		{ "reserved bit 15 set", 0x2 | 1ull << 15 },
		{ "reserved bit 22 set", 0x2 | 1ull << 22 },
		{ "reserved bit 63 set", 0x2 | 1ull << 63 },
	};
	struct mv_regs good = {
		.rax = 0x1111111111111111, .rbx = 0x2222222222222222,
		.rcx = 0x3333333333333333, .rdx = 0x4444444444444444,
		.rsi = 0x5555555555555555, .rdi = 0x6666666666666666,
		.rsp = 0x7770, .rbp = 0x8888888888888888,
		.r8 = 8, .r9 = 9, .r10 = 10, .r11 = 11,
		.r12 = 12, .r13 = 13, .r14 = 14, .r15 = 15,
		.rip = 0x1234, .rflags = 0x2 | 1ull << 0 /* CF */,
	};
	struct mv_regs before, after, r;
	size_t i;
	long ret;

	expect_errno(ioctl(vcpu, MV_GET_REGS, NULL), EFAULT,
		     "regs: GET_REGS to NULL -> EFAULT");
	expect_errno(ioctl(vcpu, MV_GET_REGS, no_access), EFAULT,
		     "regs: GET_REGS to a PROT_NONE page -> EFAULT");
	expect_errno(ioctl(vcpu, MV_SET_REGS, NULL), EFAULT,
		     "regs: SET_REGS from NULL -> EFAULT");
	expect_errno(ioctl(vcpu, MV_SET_REGS, no_access), EFAULT,
		     "regs: SET_REGS from a PROT_NONE page -> EFAULT");

	expect_ok(ioctl(vcpu, MV_SET_REGS, &good), "regs: SET_REGS of valid values");
	memset(&before, 0, sizeof(before));
	expect_ok(ioctl(vcpu, MV_GET_REGS, &before), "regs: GET_REGS");
	tap_result(!memcmp(&before, &good, sizeof(good)),
		   "regs: GET_REGS returns what SET_REGS set");

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		r = good;
		r.rflags = bad[i].rflags;
		r.rax = ~good.rax;	/* would show if applied in part */
		ret = ioctl(vcpu, MV_SET_REGS, &r);
		expect_errno(ret, EINVAL,
			     "regs: SET_REGS rflags 0x%llx (%s) -> EINVAL",
			     (unsigned long long)bad[i].rflags, bad[i].what);
		memset(&after, 0, sizeof(after));
		ioctl(vcpu, MV_GET_REGS, &after);
		tap_result(!memcmp(&before, &after, sizeof(after)),
			   "regs: ... and GET_REGS still returns the old values");
		if (ret == 0)
			ioctl(vcpu, MV_SET_REGS, &before);
	}
}

/* ---------------------------------------------------------------------- */
/* vCPU fd: special registers                                              */
/* ---------------------------------------------------------------------- */

#define EFER_LME	(1ull << 8)
#define EFER_LMA	(1ull << 10)
#define CR0_PE		(1ull << 0)
#define CR0_PG		(1ull << 31)
#define CR4_PAE		(1ull << 5)

/* Set one field of struct mv_sregs, of @size bytes at @off. */
struct sregs_case {
	const char *what;
	size_t off;
	size_t size;
	uint64_t value;
};

#define SREGS_FIELD(field, val) \
	offsetof(struct mv_sregs, field), \
	sizeof(((struct mv_sregs *)0)->field), (val)

static void sregs_set_field(struct mv_sregs *s, const struct sregs_case *c)
{
	/* x86 is little-endian: the low @size bytes of value come first. */
	memcpy((uint8_t *)s + c->off, &c->value, c->size);
}

static bool sregs_reserved_zero(const struct mv_sregs *s)
{
	const struct mv_segment *segs[] = {
		&s->cs, &s->ds, &s->es, &s->fs, &s->gs, &s->ss, &s->tr, &s->ldt,
	};
	bool zero = true;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(segs); i++)
		zero = zero && segs[i]->reserved == 0;
	for (i = 0; i < ARRAY_SIZE(s->gdt.reserved); i++)
		zero = zero && s->gdt.reserved[i] == 0 && s->idt.reserved[i] == 0;
	for (i = 0; i < ARRAY_SIZE(s->reserved); i++)
		zero = zero && s->reserved[i] == 0;
	return zero;
}

/* Rejected SET_SREGS, then GET_SREGS must still return @before. */
static void expect_sregs_rejected(int vcpu, struct mv_sregs *bad,
				  const struct mv_sregs *before,
				  const char *what)
{
	struct mv_sregs after;
	long ret = ioctl(vcpu, MV_SET_SREGS, bad);

	expect_errno(ret, EINVAL, "sregs: SET_SREGS with %s -> EINVAL", what);
	memset(&after, 0, sizeof(after));
	ioctl(vcpu, MV_GET_SREGS, &after);
	tap_result(!memcmp(before, &after, sizeof(after)),
		   "sregs: ... and GET_SREGS still returns the old values");
	/* Undo an accepted bad state, so the next cases start clean. */
	if (ret == 0)
		ioctl(vcpu, MV_SET_SREGS, before);
}

static void test_sregs(int vcpu)
{
	static const struct sregs_case cases[] = {
		{ "reserved[0] = 1", SREGS_FIELD(reserved[0], 1) },
		{ "reserved[3] = 1", SREGS_FIELD(reserved[3], 1) },
		{ "cs.reserved = 1", SREGS_FIELD(cs.reserved, 1) },
		{ "ldt.reserved = 0x80", SREGS_FIELD(ldt.reserved, 0x80) },
		{ "gdt.reserved[0] = 1", SREGS_FIELD(gdt.reserved[0], 1) },
		{ "idt.reserved[2] = 1", SREGS_FIELD(idt.reserved[2], 1) },
		{ "ds.type = 16", SREGS_FIELD(ds.type, 16) },
		{ "tr.type = 255", SREGS_FIELD(tr.type, 255) },
		{ "ss.dpl = 4", SREGS_FIELD(ss.dpl, 4) },
		{ "es.s = 2", SREGS_FIELD(es.s, 2) },
		{ "fs.present = 2", SREGS_FIELD(fs.present, 2) },
		{ "gs.avl = 2", SREGS_FIELD(gs.avl, 2) },
		{ "cs.l = 2", SREGS_FIELD(cs.l, 2) },
		{ "ds.db = 2", SREGS_FIELD(ds.db, 2) },
		{ "ss.g = 2", SREGS_FIELD(ss.g, 2) },
		{ "ldt.unusable = 2", SREGS_FIELD(ldt.unusable, 2) },
	};
	struct mv_sregs init, before, s;
	size_t i;

	expect_errno(ioctl(vcpu, MV_GET_SREGS, NULL), EFAULT,
		     "sregs: GET_SREGS to NULL -> EFAULT");
	expect_errno(ioctl(vcpu, MV_GET_SREGS, no_access), EFAULT,
		     "sregs: GET_SREGS to a PROT_NONE page -> EFAULT");
	expect_errno(ioctl(vcpu, MV_SET_SREGS, NULL), EFAULT,
		     "sregs: SET_SREGS from NULL -> EFAULT");
	expect_errno(ioctl(vcpu, MV_SET_SREGS, no_access), EFAULT,
		     "sregs: SET_SREGS from a PROT_NONE page -> EFAULT");

	/*
	 * Start from the vCPU's own state, moved a little (CR2, a data
	 * segment base) so that "unchanged" is not just "still at reset".
	 */
	memset(&init, 0xff, sizeof(init));
	if (!expect_ok(ioctl(vcpu, MV_GET_SREGS, &init), "sregs: GET_SREGS"))
		bail("cannot test SET_SREGS without a valid state");
	tap_result(sregs_reserved_zero(&init),
		   "sregs: GET_SREGS zeroes every reserved field");
	init.cr2 = 0x12345000;
	init.es.base = 0x20000;
	init.es.selector = 0x2000;
	if (!expect_ok(ioctl(vcpu, MV_SET_SREGS, &init),
		       "sregs: SET_SREGS of the vCPU's state, with CR2 and ES changed"))
		bail("cannot test SET_SREGS without a valid state");
	memset(&before, 0, sizeof(before));
	ioctl(vcpu, MV_GET_SREGS, &before);
	tap_result(before.cr2 == init.cr2 && before.es.base == init.es.base &&
		   before.es.selector == init.es.selector,
		   "sregs: GET_SREGS returns the CR2 and ES that were set");

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		s = before;
		sregs_set_field(&s, &cases[i]);
		expect_sregs_rejected(vcpu, &s, &before, cases[i].what);
	}

	s = before;
	s.cr4 |= 1ull << 63;
	expect_sregs_rejected(vcpu, &s, &before, "CR4 bit 63 (reserved) set");

	/* EFER.LMA is derived: it must equal LME && CR0.PG. */
	s = before;
	s.efer = (s.efer & ~EFER_LME) | EFER_LMA;
	s.cr0 &= ~CR0_PG;
	expect_sregs_rejected(vcpu, &s, &before, "EFER.LMA = 1, LME = 0, PG = 0");
	s = before;
	s.efer |= EFER_LME | EFER_LMA;
	s.cr0 &= ~CR0_PG;
	expect_sregs_rejected(vcpu, &s, &before, "EFER.LMA = 1, LME = 1, PG = 0");
	s = before;
	s.efer = (s.efer | EFER_LME) & ~EFER_LMA;
	s.cr0 |= CR0_PG | CR0_PE;
	s.cr4 |= CR4_PAE;
	expect_sregs_rejected(vcpu, &s, &before, "EFER.LMA = 0, LME = 1, PG = 1");
}

/* ---------------------------------------------------------------------- */
/* vCPU fd: run page, RUN, stats, unknown commands                         */
/* ---------------------------------------------------------------------- */

static volatile sig_atomic_t alarm_fired;

static void on_alarm(int sig)
{
	(void)sig;
	alarm_fired = 1;
}

/*
 * A state SET_SREGS accepts (it checks the architectural rules) but VM
 * entry rejects: with unrestricted guest, CS must be type 3 or an accessed
 * code segment (SDM Vol. 3C 26.3.1.2); type 1 is neither. RUN must report
 * MV_EXIT_FAIL_ENTRY with basic reason 33 and bit 31 set, and the vCPU
 * must run once the state is fixed: a HLT at guest-physical 0.
 */
static void test_entry_failure(int vcpu, struct mv_run *run)
{
	struct mv_sregs good, bad;
	struct mv_regs regs;
	long ret;

	((volatile uint8_t *)guest_mem)[0] = 0xf4;	/* HLT */
	if (!expect_ok(ioctl(vcpu, MV_GET_SREGS, &good), "entry: GET_SREGS") ||
	    !expect_ok(ioctl(vcpu, MV_GET_REGS, &regs), "entry: GET_REGS"))
		return;
	good.cs.selector = 0;
	good.cs.base = 0;
	good.cs.limit = 0xffff;
	good.cs.type = 11;
	good.cr0 &= ~0x80000001ULL;	/* real mode: PE = PG = 0 */
	bad = good;
	bad.cs.type = 1;
	regs.rip = 0;
	regs.rflags = 2;
	expect_ok(ioctl(vcpu, MV_SET_REGS, &regs), "entry: SET_REGS rip 0");
	expect_ok(ioctl(vcpu, MV_SET_SREGS, &bad),
		  "entry: SET_SREGS accepts CS type 1 (VM entry will not)");

	run->immediate_exit = 0;
	run->exit_reason = MV_EXIT_NONE;
	ret = ioctl(vcpu, MV_RUN, 0);
	expect_ok(ret, "entry: RUN with an invalid guest state returns 0");
	tap_result(run->exit_reason == MV_EXIT_FAIL_ENTRY,
		   "entry: ... exit_reason MV_EXIT_FAIL_ENTRY (got %u)",
		   run->exit_reason);
	tap_result(run->fail_entry.hardware_exit_reason == 0x80000021,
		   "entry: ... hardware exit reason 0x80000021 (got 0x%llx)",
		   (unsigned long long)run->fail_entry.hardware_exit_reason);

	expect_ok(ioctl(vcpu, MV_SET_SREGS, &good), "entry: SET_SREGS CS type 11");
	run->exit_reason = MV_EXIT_NONE;
	ret = ioctl(vcpu, MV_RUN, 0);
	expect_ok(ret, "entry: RUN after fixing the state returns 0");
	tap_result(run->exit_reason == MV_EXIT_HLT,
		   "entry: ... the guest ran to its HLT (exit_reason %u)",
		   run->exit_reason);
	if (expect_ok(ioctl(vcpu, MV_GET_REGS, &regs), "entry: GET_REGS"))
		tap_result(regs.rip == 1, "entry: ... RIP is past the HLT (0x%llx)",
			   (unsigned long long)regs.rip);
}

/*
 * MV_EXIT_MSR and its completion, in the real-mode state test_entry_failure
 * left (CS base 0, guest_mem at guest-physical 0, HLT at 0): at 0x100,
 * MOV ECX, 0x4d565f31 (an MSR no CPU defines); RDMSR; WRMSR; HLT.
 */
static void test_msr_exit(int vcpu, struct mv_run *run)
{
	static const uint8_t code[] = {
		0x66, 0xb9, 0x31, 0x5f, 0x56, 0x4d,	/* mov $0x4d565f31, %ecx */
		0x0f, 0x32,				/* rdmsr */
		0x0f, 0x30,				/* wrmsr */
		0xf4,					/* hlt */
	};
	struct mv_msr_policy pol = { MV_MSR_POLICY_EXIT, 0 };
	struct mv_sregs sregs;
	struct mv_regs regs;
	long ret;

	memcpy((uint8_t *)guest_mem + 0x100, code, sizeof(code));
	if (!expect_ok(ioctl(vcpu, MV_GET_SREGS, &sregs), "msr exit: GET_SREGS") ||
	    !expect_ok(ioctl(vcpu, MV_GET_REGS, &regs), "msr exit: GET_REGS"))
		return;
	sregs.ss.selector = 0;
	sregs.ss.base = 0;
	sregs.ss.limit = 0xffff;
	regs.rsp = 0x800;
	regs.rip = 0x100;
	expect_ok(ioctl(vcpu, MV_SET_SREGS, &sregs), "msr exit: SET_SREGS");
	expect_ok(ioctl(vcpu, MV_SET_REGS, &regs), "msr exit: SET_REGS rip 0x100");
	expect_ok(ioctl(vcpu, MV_SET_MSR_POLICY, &pol),
		  "msr exit: SET_MSR_POLICY exit");

	run->exit_reason = MV_EXIT_NONE;
	expect_ok(ioctl(vcpu, MV_RUN, 0), "msr exit: RUN");
	tap_result(run->exit_reason == MV_EXIT_MSR && run->msr.index == 0x4d565f31 &&
		   !run->msr.is_write && !run->msr.error,
		   "msr exit: RDMSR 0x4d565f31 -> MV_EXIT_MSR read (reason %u, index 0x%x, is_write %u)",
		   run->exit_reason, run->msr.index, run->msr.is_write);
	run->msr.data = 0x1122334455667788ULL;
	run->msr.error = 0;
	expect_ok(ioctl(vcpu, MV_RUN, 0), "msr exit: RUN completes the read");
	/* WRMSR writes EDX:EAX, which the completed RDMSR loaded. */
	tap_result(run->exit_reason == MV_EXIT_MSR && run->msr.is_write &&
		   run->msr.data == 0x1122334455667788ULL,
		   "msr exit: ... then WRMSR of the value read (data 0x%llx)",
		   (unsigned long long)run->msr.data);
	run->msr.error = 2;
	ret = ioctl(vcpu, MV_RUN, 0);
	expect_errno(ret, EINVAL, "msr exit: RUN with error = 2 -> EINVAL");
	run->msr.error = 0;
	expect_ok(ioctl(vcpu, MV_RUN, 0), "msr exit: RUN completes the write");
	tap_result(run->exit_reason == MV_EXIT_HLT,
		   "msr exit: ... and the guest reaches its HLT (reason %u)",
		   run->exit_reason);
	if (expect_ok(ioctl(vcpu, MV_GET_REGS, &regs), "msr exit: GET_REGS"))
		tap_result(regs.rip == 0x10b && regs.rax == 0x55667788 &&
			   regs.rdx == 0x11223344,
			   "msr exit: RIP 0x10b, EDX:EAX = the data (rip 0x%llx rax 0x%llx rdx 0x%llx)",
			   (unsigned long long)regs.rip,
			   (unsigned long long)regs.rax,
			   (unsigned long long)regs.rdx);

	/*
	 * error = 1: #GP instead. In real mode it vectors through IVT entry
	 * 13, which is zero: CS:IP = 0:0, where the HLT is.
	 */
	regs.rip = 0x100;
	regs.rsp = 0x800;
	expect_ok(ioctl(vcpu, MV_SET_REGS, &regs), "msr exit: SET_REGS rip 0x100");
	expect_ok(ioctl(vcpu, MV_RUN, 0), "msr exit: RUN");
	run->msr.error = 1;
	expect_ok(ioctl(vcpu, MV_RUN, 0), "msr exit: RUN with error = 1");
	tap_result(run->exit_reason == MV_EXIT_HLT && run->guest_rip == 1,
		   "msr exit: ... injects #GP: the guest runs the IVT's 0:0 HLT (reason %u, rip 0x%llx)",
		   run->exit_reason, (unsigned long long)run->guest_rip);

	/* The default policy: #GP without asking userspace. */
	pol.policy = MV_MSR_POLICY_GP;
	expect_ok(ioctl(vcpu, MV_SET_MSR_POLICY, &pol),
		  "msr exit: SET_MSR_POLICY gp");
	expect_ok(ioctl(vcpu, MV_SET_REGS, &regs), "msr exit: SET_REGS rip 0x100");
	expect_ok(ioctl(vcpu, MV_RUN, 0), "msr exit: RUN");
	tap_result(run->exit_reason == MV_EXIT_HLT && run->guest_rip == 1,
		   "msr exit: policy gp: #GP straight away (reason %u, rip 0x%llx)",
		   run->exit_reason, (unsigned long long)run->guest_rip);
}

static void test_run(int vcpu, const struct mv_caps *caps)
{
	size_t size = (caps->run_mmap_size + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
	struct mv_exit_stats st;
	struct sigaction sa;
	struct mv_run *run;
	unsigned int i;
	void *p;
	bool zero;
	long ret;

	expect_errno(ioctl(vcpu, MV_BOGUS, 0), ENOTTY,
		     "vcpu: unknown command -> ENOTTY");
	expect_errno(ioctl(vcpu, MV_GET_CAPS, no_access), ENOTTY,
		     "vcpu: a system command (GET_CAPS) -> ENOTTY");
	expect_errno(ioctl(vcpu, MV_CREATE_VCPU, 1ul), ENOTTY,
		     "vcpu: a VM command (CREATE_VCPU) -> ENOTTY");
	expect_errno(ioctl(vcpu, MV_SET_MEMORY_SLOT, no_access), ENOTTY,
		     "vcpu: a VM command (SET_MEMORY_SLOT) -> ENOTTY");

	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, PAGE_SIZE);
	expect_errno(p == MAP_FAILED ? -1 : 0, EINVAL,
		     "vcpu: mmap at offset 4096 -> EINVAL");
	if (p != MAP_FAILED)
		munmap(p, size);
	p = mmap(NULL, size + PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
		 vcpu, 0);
	expect_errno(p == MAP_FAILED ? -1 : 0, EINVAL,
		     "vcpu: mmap one page more than run_mmap_size -> EINVAL");
	if (p != MAP_FAILED)
		munmap(p, size + PAGE_SIZE);

	run = mmap(NULL, caps->run_mmap_size, PROT_READ | PROT_WRITE,
		   MAP_SHARED, vcpu, 0);
	if (!expect_ok(run == MAP_FAILED ? -1 : 0,
		       "vcpu: mmap of run_mmap_size bytes at offset 0 succeeds"))
		return;

	/*
	 * RUN must return before entering the guest. If it entered it
	 * anyway, the alarm's signal gets it out (also as -EINTR, so the
	 * alarm is checked too).
	 */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sigaction(SIGALRM, &sa, NULL);
	run->immediate_exit = 1;
	run->exit_reason = MV_EXIT_NONE;
	alarm(2);
	ret = ioctl(vcpu, MV_RUN, 0);
	expect_errno(ret, EINTR, "vcpu: RUN with immediate_exit set -> EINTR");
	alarm(0);
	tap_result(run->exit_reason == MV_EXIT_INTR,
		   "vcpu: ... and exit_reason is MV_EXIT_INTR (got %u)",
		   run->exit_reason);
	tap_result(!alarm_fired, "vcpu: ... at once, without entering the guest");
	test_entry_failure(vcpu, run);
	test_msr_exit(vcpu, run);
	munmap(run, caps->run_mmap_size);

	expect_errno(ioctl(vcpu, MV_GET_EXIT_STATS, NULL), EFAULT,
		     "vcpu: GET_EXIT_STATS to NULL -> EFAULT");
	memset(&st, 0xff, sizeof(st));
	expect_ok(ioctl(vcpu, MV_GET_EXIT_STATS, &st), "vcpu: GET_EXIT_STATS");
	zero = true;
	for (i = 0; i < ARRAY_SIZE(st.reserved); i++)
		zero = zero && st.reserved[i] == 0;
	tap_result(zero, "vcpu: exit stats reserved[] is all zero");
}

/* ---------------------------------------------------------------------- */
/* CPUID table and MSR policy                                              */
/* ---------------------------------------------------------------------- */

#define CPUID_BUF_BYTES	(sizeof(struct mv_cpuid) + \
			 (MV_CPUID_MAX_ENTRIES + 1) * sizeof(struct mv_cpuid_entry))

static struct mv_cpuid *cpuid_alloc(void)
{
	struct mv_cpuid *c = calloc(1, CPUID_BUF_BYTES);

	if (!c)
		bail("out of memory");
	return c;
}

/* The vCPU's table into @c (room for MV_CPUID_MAX_ENTRIES); -1 on error. */
static long get_cpuid(int vcpu, struct mv_cpuid *c)
{
	memset(c, 0, CPUID_BUF_BYTES);
	c->nent = MV_CPUID_MAX_ENTRIES;
	return ioctl(vcpu, MV_GET_CPUID, c);
}

static bool cpuid_equal(const struct mv_cpuid *a, const struct mv_cpuid *b)
{
	return a->nent == b->nent &&
	       !memcmp(a->entries, b->entries,
		       a->nent * sizeof(struct mv_cpuid_entry));
}

static void expect_cpuid_unchanged(int vcpu, const struct mv_cpuid *before,
				   const char *what)
{
	struct mv_cpuid *now = cpuid_alloc();

	tap_result(get_cpuid(vcpu, now) == 0 && cpuid_equal(now, before),
		   "cpuid: table unchanged after %s", what);
	free(now);
}

struct cpuid_case {
	const char *what;
	uint32_t nent, hdr_reserved;
	struct mv_cpuid_entry e[2];
	int want;
};

#define SIGNIF	MV_CPUID_INDEX_SIGNIFICANT

static const struct cpuid_case cpuid_cases[] = {
	{ "nent = MAX + 1", MV_CPUID_MAX_ENTRIES + 1, 0, {}, E2BIG },
	{ "nent = 0xffffffff", 0xffffffff, 0, {}, E2BIG },
	{ "header reserved != 0", 1, 1, { { .function = 1 } }, EINVAL },
	{ "entry reserved != 0", 1, 0, { { .function = 1, .reserved = 1 } },
	  EINVAL },
	{ "unknown entry flag", 1, 0, { { .function = 1, .flags = 2 } },
	  EINVAL },
	{ "index != 0 without INDEX_SIGNIFICANT", 1, 0,
	  { { .function = 1, .index = 1 } }, EINVAL },
	{ "duplicate function", 2, 0, { { .function = 1 }, { .function = 1 } },
	  EINVAL },
	{ "duplicate function/index", 2, 0,
	  { { .function = 4, .flags = SIGNIF },
	    { .function = 4, .flags = SIGNIF } }, EINVAL },
	{ "function with and without INDEX_SIGNIFICANT", 2, 0,
	  { { .function = 4 }, { .function = 4, .index = 1, .flags = SIGNIF } },
	  EINVAL },
};

static void test_cpuid(int vcpu)
{
	struct mv_cpuid *before = cpuid_alloc(), *c = cpuid_alloc();
	struct mv_cpuid hdr = { 0 };
	const struct mv_cpuid_entry *e;
	char *two_pages, *edge;
	bool sig = false;
	uint32_t i;
	size_t k;

	/* GET: sizing, errors, the default table. */
	expect_errno(ioctl(vcpu, MV_GET_CPUID, NULL), EFAULT,
		     "cpuid: GET_CPUID from NULL -> EFAULT");
	hdr.reserved = 1;
	hdr.nent = MV_CPUID_MAX_ENTRIES;
	expect_errno(ioctl(vcpu, MV_GET_CPUID, &hdr), EINVAL,
		     "cpuid: GET_CPUID with reserved != 0 -> EINVAL");
	hdr.reserved = 0;
	hdr.nent = 0;
	expect_errno(ioctl(vcpu, MV_GET_CPUID, &hdr), E2BIG,
		     "cpuid: GET_CPUID with no room -> E2BIG");
	tap_result(hdr.nent > 0 && hdr.nent <= MV_CPUID_MAX_ENTRIES,
		   "cpuid: E2BIG reports the entry count (%u)", hdr.nent);
	if (!expect_ok(get_cpuid(vcpu, before), "cpuid: GET_CPUID"))
		bail("cannot read the CPUID table");
	tap_result(before->nent == hdr.nent,
		   "cpuid: GET_CPUID returns that many entries");
	for (i = 0; i < before->nent; i++) {
		e = &before->entries[i];
		if (e->function == MV_CPUID_SIGNATURE_LEAF &&
		    !memcmp(&e->ebx, "mini", 4) && !memcmp(&e->ecx, "viso", 4) &&
		    !memcmp(&e->edx, "r\0\0\0", 4))
			sig = true;
		if (e->function == 1)
			tap_result((e->ecx & 1u << 31) && !(e->ecx & 1u << 5) &&
				   !(e->edx & 1u << 9),
				   "cpuid: default leaf 1: hypervisor set, VMX and APIC clear");
	}
	tap_result(sig, "cpuid: default table has the \"minivisor\" signature leaf");

	/* SET: every rejection leaves the table as it was. */
	for (k = 0; k < ARRAY_SIZE(cpuid_cases); k++) {
		const struct cpuid_case *cc = &cpuid_cases[k];

		memset(c, 0, CPUID_BUF_BYTES);
		c->nent = cc->nent;
		c->reserved = cc->hdr_reserved;
		memcpy(c->entries, cc->e, sizeof(cc->e));
		expect_errno(ioctl(vcpu, MV_SET_CPUID, c), cc->want,
			     "cpuid: SET_CPUID %s -> %s", cc->what,
			     errno_name(cc->want));
		expect_cpuid_unchanged(vcpu, before, cc->what);
	}
	expect_errno(ioctl(vcpu, MV_SET_CPUID, NULL), EFAULT,
		     "cpuid: SET_CPUID from NULL -> EFAULT");
	expect_errno(ioctl(vcpu, MV_SET_CPUID, no_access), EFAULT,
		     "cpuid: SET_CPUID from a PROT_NONE page -> EFAULT");
	/* A readable header whose entries run into an unreadable page. */
	two_pages = mmap(NULL, 2 * PAGE_SIZE, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (two_pages == MAP_FAILED || mprotect(two_pages + PAGE_SIZE,
						PAGE_SIZE, PROT_NONE))
		bail("mmap: %s", strerror(errno));
	edge = two_pages + PAGE_SIZE - sizeof(struct mv_cpuid);
	((struct mv_cpuid *)edge)->nent = 1;
	((struct mv_cpuid *)edge)->reserved = 0;
	expect_errno(ioctl(vcpu, MV_SET_CPUID, edge), EFAULT,
		     "cpuid: SET_CPUID with entries in a PROT_NONE page -> EFAULT");
	expect_cpuid_unchanged(vcpu, before, "EFAULT");
	/* GET into too small a buffer: entries cross into PROT_NONE. */
	((struct mv_cpuid *)edge)->nent = MV_CPUID_MAX_ENTRIES;
	expect_errno(ioctl(vcpu, MV_GET_CPUID, edge), EFAULT,
		     "cpuid: GET_CPUID with entries in a PROT_NONE page -> EFAULT");
	munmap(two_pages, 2 * PAGE_SIZE);

	/* Valid tables replace it; the default can be put back. */
	memset(c, 0, CPUID_BUF_BYTES);
	c->nent = 2;
	c->entries[0] = (struct mv_cpuid_entry){ .function = 0, .eax = 1 };
	c->entries[1] = (struct mv_cpuid_entry){ .function = 4, .index = 3,
						 .flags = SIGNIF, .ebx = 7 };
	expect_ok(ioctl(vcpu, MV_SET_CPUID, c), "cpuid: SET_CPUID 2 entries");
	expect_cpuid_unchanged(vcpu, c, "SET_CPUID 2 entries (reads back)");
	memset(c, 0, CPUID_BUF_BYTES);
	expect_ok(ioctl(vcpu, MV_SET_CPUID, c), "cpuid: SET_CPUID 0 entries");
	expect_cpuid_unchanged(vcpu, c, "SET_CPUID 0 entries (reads back)");
	expect_ok(ioctl(vcpu, MV_SET_CPUID, before),
		  "cpuid: SET_CPUID of the default table");
	expect_cpuid_unchanged(vcpu, before, "restoring the default");
	free(before);
	free(c);
}

static void test_msr_policy(int vcpu)
{
	static const struct {
		const char *what;
		struct mv_msr_policy p;
	} bad[] = {
		{ "policy 2", { 2, 0 } },
		{ "policy 0xffffffff", { 0xffffffff, 0 } },
		{ "reserved != 0", { MV_MSR_POLICY_GP, 1 } },
	};
	struct mv_msr_policy p = { MV_MSR_POLICY_EXIT, 0 };
	size_t i;

	expect_errno(ioctl(vcpu, MV_SET_MSR_POLICY, NULL), EFAULT,
		     "msr: SET_MSR_POLICY from NULL -> EFAULT");
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		expect_errno(ioctl(vcpu, MV_SET_MSR_POLICY, &bad[i].p), EINVAL,
			     "msr: SET_MSR_POLICY %s -> EINVAL", bad[i].what);
	expect_ok(ioctl(vcpu, MV_SET_MSR_POLICY, &p),
		  "msr: SET_MSR_POLICY exit");
	p.policy = MV_MSR_POLICY_GP;
	expect_ok(ioctl(vcpu, MV_SET_MSR_POLICY, &p), "msr: SET_MSR_POLICY gp");
}

int main(int argc, char **argv)
{
	struct mv_caps caps;
	int sys, vm, vcpu;

	if (argc > 1) {
		printf("usage: ioctl_errors\n"
		       "Checks how /dev/minivisor rejects bad ioctls; prints TAP,\n"
		       "exits 0 if every case passed.\n");
		return strcmp(argv[1], "--help") ? 1 : 0;
	}

	guest_mem = map_or_bail(4 * SLOT_SIZE, PROT_READ | PROT_WRITE);
	ro_mem = map_or_bail(SLOT_SIZE, PROT_READ);
	no_access = map_or_bail(SLOT_SIZE, PROT_NONE);

	sys = open("/dev/minivisor", O_RDWR | O_CLOEXEC);
	if (sys < 0)
		bail("open /dev/minivisor: %s (is the module loaded?)",
		     strerror(errno));

	test_system(sys, &caps);

	vm = ioctl(sys, MV_CREATE_VM, 0);
	if (vm < 0)
		bail("CREATE_VM: %s", strerror(errno));
	test_slots(vm, &caps);
	vcpu = test_vm_vcpus(vm, &caps);
	test_regs(vcpu);
	test_sregs(vcpu);
	test_cpuid(vcpu);
	test_msr_policy(vcpu);
	test_run(vcpu, &caps);

	close(vcpu);
	close(vm);
	close(sys);
	printf("1..%u\n", tap_count);
	printf("# %u passed, %u failed\n", tap_count - tap_failed, tap_failed);
	return tap_failed ? 1 : 0;
}

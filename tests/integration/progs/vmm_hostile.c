// SPDX-License-Identifier: GPL-2.0
/*
 * vmm_hostile: a VMM that works against its own guest's memory, forks,
 * dies at every stage of setting a VM up, races the shared pages, and
 * (on a PC with two CPUs) takes a vCPU's CPU away; printed as TAP.
 *
 *   vmm_hostile [--only CASE] [--race N] CLASS...
 *                            CLASS: memory fork kill ring hotplug
 *   vmm_hostile keepbusy     a SCHED_IDLE spinner per CPU (see there)
 *
 * Each class ends with a line "CASES <class> <n> tried, <outcome>" (n
 * attack cases, each made of several checks) that a README table quotes.
 *
 * memory   Guest RAM is the VMM's anonymous memory, pinned when the slot
 *          is created (docs/memory.md). While a vCPU thread runs a guest
 *          that increments a counter in its RAM, reads it back and
 *          reports it (and a marker word the VMM planted) every 64
 *          increments, another thread munmap()s the memory, maps
 *          something else over it with MAP_FIXED, mremap()s it,
 *          madvise(MADV_DONTNEED)s it, mprotect(PROT_NONE)s it, churns
 *          all of these, and deletes / replaces the data slot and the
 *          code slot under the running vCPU. Asserted: the guest never
 *          notices the VMM's mapping changes (every report exactly 64
 *          above the last, the original marker), the VMM's new mappings
 *          are unrelated to the guest (zeros; a marker written there is
 *          not seen), mremap() and mprotect() keep the same pages
 *          (coherent both ways), the pages stay pinned until the VM is
 *          destroyed and every pin is released then
 *          (/proc/vmstat nr_foll_pin_acquired - nr_foll_pin_released);
 *          a deleted data slot turns the next access into an MMIO exit
 *          in its range and a re-created one is seen from the next
 *          access; a deleted code slot stops the vCPU with
 *          MV_INTERNAL_EMULATION (an instruction fetch, 0 bytes).
 * fork     A child inherits the system, VM and vCPU fds, the run page
 *          mapping and the guest memory. There is no owner check (unlike
 *          KVM's kvm->mm != current->mm -> EIO): the fds work in the
 *          child as in the parent, on the same VM and vCPU, serialised by
 *          the vCPU's mutex. Asserted, in the child: GET_REGS, the
 *          inherited run page, a new run page mapping, SET_REGS, RUN
 *          continuing the guest, CREATE_VCPU, a memory slot of the
 *          child's own memory, CREATE_VM, a new ring mapping all work;
 *          the inherited ring mapping is absent (VM_DONTCOPY, as
 *          documented); the child's copy of guest memory is a snapshot
 *          (pinned pages are copied at fork) that the guest neither
 *          writes nor reads. In the parent afterwards: the child's
 *          SET_REGS and RUNs are the vCPU's, its vCPU 1 was released at
 *          its exit, its slot stays with the VM; a child SIGKILLed in RUN
 *          releases the vCPU (a GET_REGS that waited returns) and the
 *          parent goes on; a child keeps the VM alive after the parent
 *          closed everything. No pin or module reference is left.
 * kill     A child is SIGKILLed after open, CREATE_VM, the memory slots,
 *          CREATE_VCPU, the run page mmap, the ring setup, in RUN with the
 *          guest spinning, in RUN waiting for a ring completion, in RUN
 *          asleep in HLT, in RUN waiting for room in a full ring, with an
 *          IN exit awaiting its data, and with two vCPU threads (HLT and
 *          spinning). Each time: it dies of SIGKILL at once, the module's
 *          reference count returns to 0 and no page stays pinned.
 * ring     What progs/ring_hostile (scenario 10) does not: the VMM
 *          overwrites the words only the kernel writes (req_tail,
 *          cpl_head, kernel_flags) and the masks, and the kernel must
 *          neither read them back nor be misled; a thread rewrites a
 *          completion record right after publishing it (the VM either
 *          gets the good record or stops with a ring error); with two
 *          CPUs, a thread scribbles over the run page while ring-served
 *          accesses go on, and every request the kernel writes must still
 *          have the form uapi/minivisor.h promises (XFAIL: port requests
 *          of 8 bytes get through, a known bug).
 * hotplug  (2 CPUs; root) CPU 1 taken offline and back with no VM, with
 *          an idle VM whose VMCS was last active on CPU 1, under a
 *          running vCPU pinned to CPU 1 (it must go on on CPU 0 without a
 *          glitch), under a vCPU asleep in HLT (an interrupt wakes it on
 *          CPU 0), a VM created while CPU 1 is offline then running on
 *          it, the last VM destroyed while CPU 1 is offline, and offline
 *          / online cycles under a running vCPU.
 *
 * Guests are a few bytes of real-mode code at guest-physical 0x400 (one
 * 4 KiB code slot at 0; the data slot, 1 MiB at 0x10000, is DS). Every
 * wait is bounded. Exit status 0 if every check passed, 1 otherwise, 2
 * for a usage error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <minivisor.h>

#include "tap.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define PAGE		4096ul

#define CODE_SIZE	0x1000ul	/* slot 0 at guest-physical 0 */
#define DATA_GPA	0x10000ul	/* slot 1: DS base */
#define DATA_SIZE	(1ul << 20)
#define DATA_SEL	0x1000
#define GUEST_RSP	0xf00
#define EXTRA_GPA	0x200000ul	/* slot 2 (the fork child's) */
#define EXTRA_SIZE	0x10000ul

/* Data page words (DS:0). */
#define W_COUNT		0		/* counter the guests increment */
#define W_MARK		4		/* marker the VMM plants */
#define W_IRQS		8		/* interrupts the handler took */

/* Ports. 0xe4..0xe7 are ring-served synchronously, 0xe8..0xef posted. */
#define PORT_COUNT	0xe0		/* OUT: the counter */
#define PORT_BAD	0xe1		/* OUT: a read-back mismatch */
#define PORT_MARK	0xe2		/* OUT: the marker word */
#define PORT_IRQ	0xe3		/* OUT: the interrupt handler ran */
#define PORT_RD		0xe4		/* IN: ring-served read */
#define PORT_WR		0xe8		/* OUT: ring-served posted write */
#define PORT_PIN	0x70		/* IN: a classic exit */

#define IRQ_VECTOR	0x20
#define MEM_STEP	64		/* increments between two reports */

/* Entry points of the guests below. */
#define RIP_MEM		0x400
#define RIP_FORK	0x480
#define RIP_FORK_JMP	0x48a		/* after fork's OUT */
#define RIP_SPIN	0x4c0
#define RIP_HALT	0x500
#define RIP_IRQ		0x540
#define RIP_READER	0x580
#define RIP_WRITER	0x5c0
#define RIP_PIN		0x600

/*
 * 16-bit real-mode code, CS base 0, DS base 0x10000 (objdump -m i8086).
 * Memory operands use the ModRM form (8B/89 /r with a disp16).
 */
static const uint8_t g_mem[] = {	/* 0x400 */
	0xb9, 0x40, 0x00,		/* 400: mov cx, 64 */
	0x66, 0x8b, 0x06, 0x00, 0x00,	/* 403: mov eax, [0] */
	0x66, 0x40,			/* 408: inc eax */
	0x66, 0x89, 0x06, 0x00, 0x00,	/* 40a: mov [0], eax */
	0x66, 0x3b, 0x06, 0x00, 0x00,	/* 40f: cmp eax, [0] */
	0x75, 0x0f,			/* 414: jne 425 */
	0xe2, 0xeb,			/* 416: loop 403 */
	0x66, 0xe7, PORT_COUNT,		/* 418: out 0xe0, eax */
	0x66, 0x8b, 0x06, 0x04, 0x00,	/* 41b: mov eax, [4] */
	0x66, 0xe7, PORT_MARK,		/* 420: out 0xe2, eax */
	0xeb, 0xdb,			/* 423: jmp 400 */
	0x66, 0xe7, PORT_BAD,		/* 425: out 0xe1, eax */
	0xfa,				/* 428: cli */
	0xf4,				/* 429: hlt */
};
static const uint8_t g_fork[] = {	/* 0x480 */
	0x66, 0x40,			/* 480: inc eax */
	0x66, 0x89, 0x06, 0x00, 0x00,	/* 482: mov [0], eax */
	0x66, 0xe7, PORT_COUNT,		/* 487: out 0xe0, eax */
	0xeb, 0xf4,			/* 48a: jmp 480 */
};
static const uint8_t g_spin[] = {	/* 0x4c0 */
	0x66, 0xff, 0x06, 0x00, 0x00,	/* 4c0: inc dword [0] */
	0xeb, 0xf9,			/* 4c5: jmp 4c0 */
};
static const uint8_t g_halt[] = {	/* 0x500 */
	0x66, 0xc7, 0x06, 0x04, 0x00,	/* 500: mov dword [4], 1 */
	0x01, 0x00, 0x00, 0x00,
	0xfb,				/* 509: sti */
	0xf4,				/* 50a: hlt */
	0xeb, 0xfd,			/* 50b: jmp 50a */
};
static const uint8_t g_irq[] = {	/* 0x540: vector 0x20 */
	0x66, 0xff, 0x06, 0x08, 0x00,	/* 540: inc dword [8] */
	0x66, 0x50,			/* 545: push eax */
	0x66, 0x8b, 0x06, 0x08, 0x00,	/* 547: mov eax, [8] */
	0x66, 0xe7, PORT_IRQ,		/* 54c: out 0xe3, eax */
	0x66, 0x58,			/* 54f: pop eax */
	0xcf,				/* 551: iret */
};
static const uint8_t g_reader[] = {	/* 0x580 */
	0x66, 0xe5, PORT_RD,		/* 580: in eax, 0xe4 */
	0x66, 0xe7, PORT_COUNT,		/* 583: out 0xe0, eax */
	0xeb, 0xf8,			/* 586: jmp 580 */
};
static const uint8_t g_writer[] = {	/* 0x5c0 */
	0x66, 0x40,			/* 5c0: inc eax */
	0x66, 0xe7, PORT_WR,		/* 5c2: out 0xe8, eax */
	0xeb, 0xf9,			/* 5c5: jmp 5c0 */
};
static const uint8_t g_pin[] = {	/* 0x600 */
	0x66, 0xe5, PORT_PIN,		/* 600: in eax, 0x70 */
	0xf4,				/* 603: hlt */
};

static const struct {
	uint32_t at;
	const uint8_t *code;
	size_t len;
} guest_code[] = {
	{ RIP_MEM, g_mem, sizeof(g_mem) },
	{ RIP_FORK, g_fork, sizeof(g_fork) },
	{ RIP_SPIN, g_spin, sizeof(g_spin) },
	{ RIP_HALT, g_halt, sizeof(g_halt) },
	{ RIP_IRQ, g_irq, sizeof(g_irq) },
	{ RIP_READER, g_reader, sizeof(g_reader) },
	{ RIP_WRITER, g_writer, sizeof(g_writer) },
	{ RIP_PIN, g_pin, sizeof(g_pin) },
};

/*
 * For anything that must happen, in the PC's milliseconds (in Bochs,
 * 25 million emulated instructions a second, a few wall seconds); what
 * it waits for takes a few milliseconds.
 */
#define WAIT_MS		3000

static const char *errno_name(int err)
{
	switch (err) {
	case 0:		return "0";
	case ENOENT:	return "ENOENT";
	case EINTR:	return "EINTR";
	case EIO:	return "EIO";
	case ENXIO:	return "ENXIO";
	case EBADF:	return "EBADF";
	case ENOMEM:	return "ENOMEM";
	case EFAULT:	return "EFAULT";
	case EBUSY:	return "EBUSY";
	case EEXIST:	return "EEXIST";
	case EINVAL:	return "EINVAL";
	case ENOSPC:	return "ENOSPC";
	case ENOTTY:	return "ENOTTY";
	case EPERM:	return "EPERM";
	case EACCES:	return "EACCES";
	default:	return strerror(err);
	}
}

/* ---------------------------------------------------------------------- */
/* Time, signals, /proc and /sys                                           */
/* ---------------------------------------------------------------------- */

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000ll + ts.tv_nsec / 1000000;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

static void on_usr1(int sig)
{
	(void)sig;
}

static pid_t gettid_(void)
{
	return (pid_t)syscall(SYS_gettid);
}

/*
 * Pages pinned system-wide and not yet unpinned, or LONG_MIN. The per-CPU
 * vmstat deltas are folded first (vm.stat_refresh), or the two counters
 * could each lag by a few pages.
 */
static long pins_outstanding(void)
{
	int fd = open("/proc/sys/vm/stat_refresh", O_WRONLY | O_CLOEXEC);
	long acq = -1, rel = -1, v;
	char name[64];
	FILE *f;

	if (fd >= 0) {
		if (write(fd, "1", 1) != 1)
			diag("vm.stat_refresh: %s", strerror(errno));
		close(fd);
	}
	f = fopen("/proc/vmstat", "r");
	if (!f)
		return LONG_MIN;
	while (fscanf(f, "%63s %ld", name, &v) == 2) {
		if (!strcmp(name, "nr_foll_pin_acquired"))
			acq = v;
		else if (!strcmp(name, "nr_foll_pin_released"))
			rel = v;
	}
	fclose(f);
	return acq < 0 || rel < 0 ? LONG_MIN : acq - rel;
}

/* The module's reference count, or -1. */
static long module_refcnt(void)
{
	FILE *f = fopen("/sys/module/minivisor/refcnt", "r");
	long n = -1;

	if (!f)
		return -1;
	if (fscanf(f, "%ld", &n) != 1)
		n = -1;
	fclose(f);
	return n;
}

/* Until the reference count is @want (a last fput may lag): its value. */
static long refcnt_settle(long want)
{
	long n = module_refcnt();
	int i;

	for (i = 0; i < 400 && n != want; i++) {
		sleep_ms(5);
		n = module_refcnt();
	}
	return n;
}

static long pins_settle(long want)
{
	long n = pins_outstanding();
	int i;

	for (i = 0; i < 400 && n != want; i++) {
		sleep_ms(5);
		n = pins_outstanding();
	}
	return n;
}

/* The state letter of thread @tid of this process, or '?'. */
static char thread_state(pid_t tid)
{
	char path[64], buf[512], *p;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", (int)tid);
	f = fopen(path, "r");
	if (!f)
		return '?';
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	p = strrchr(buf, ')');
	return p && p[1] == ' ' ? p[2] : '?';
}

/* "state S on CPU n, n ticks" of thread @tid, for diagnostics. */
static void thread_diag(pid_t tid)
{
	char path[64], buf[1024], *p, *tok, *save = NULL;
	unsigned long ticks = 0;
	int field = 2, cpu = -1;
	char state = '?';
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", (int)tid);
	f = fopen(path, "r");
	if (!f) {
		diag("  thread %d: %s", (int)tid, strerror(errno));
		return;
	}
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	p = strrchr(buf, ')');
	if (!p)
		return;
	for (tok = strtok_r(p + 1, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		field++;
		if (field == 3)
			state = tok[0];
		else if (field == 14 || field == 15)
			ticks += strtoul(tok, NULL, 10);
		else if (field == 39)
			cpu = atoi(tok);
	}
	diag("  thread %d: state %c, last on CPU %d, %lu ticks of CPU time",
	     (int)tid, state, cpu, ticks);
	/* Where it is in the kernel (root only). */
	snprintf(path, sizeof(path), "/proc/self/task/%d/stack", (int)tid);
	f = fopen(path, "r");
	if (!f)
		return;
	while (fgets(buf, sizeof(buf), f)) {
		buf[strcspn(buf, "\n")] = 0;
		diag("    %s", buf);
	}
	fclose(f);
}

/* Is [@p, @p + @len) mapped in this process? */
static bool is_mapped(void *p, size_t len)
{
	return madvise(p, len, MADV_NORMAL) == 0 || errno != ENOMEM;
}

/* ---------------------------------------------------------------------- */
/* Classes and cases: the CASES lines                                      */
/* ---------------------------------------------------------------------- */

static const char *cls_name;
static const char *only_case;	/* --only: run just the case of this name */
static unsigned int cls_cases, cls_failed_cases, cls_first_check;
static unsigned int cls_xfail_cases;	/* passed, but only as a known bug */
static unsigned int case_failed_at_start;
static bool case_open;

static void case_end(void)
{
	if (case_open && tap_failed != case_failed_at_start)
		cls_failed_cases++;
	case_open = false;
}

/* False if --only names another case (the caller skips this one). */
static bool case_begin(const char *name)
{
	case_end();
	if (only_case && strcmp(only_case, name))
		return false;
	cls_cases++;
	case_failed_at_start = tap_failed;
	case_open = true;
	diag("%s: case %s (at %lld ms)", cls_name, name, now_ms());
	return true;
}

static void class_begin(const char *name)
{
	cls_name = name;
	cls_cases = cls_failed_cases = cls_xfail_cases = 0;
	cls_first_check = tap_count;
}

static void class_end(const char *extra)
{
	char xf[64] = "";

	case_end();
	if (cls_xfail_cases)
		snprintf(xf, sizeof(xf), ", %u XFAIL (a known bug)",
			 cls_xfail_cases);
	if (cls_failed_cases)
		printf("CASES %s %u tried, %u FAILED%s (%u checks)%s\n", cls_name,
		       cls_cases, cls_failed_cases, xf,
		       tap_count - cls_first_check, extra ? extra : "");
	else if (cls_xfail_cases)
		printf("CASES %s %u tried, %u as documented%s (%u checks)%s\n",
		       cls_name, cls_cases, cls_cases - cls_xfail_cases, xf,
		       tap_count - cls_first_check, extra ? extra : "");
	else
		printf("CASES %s %u tried, all as documented (%u checks)%s\n",
		       cls_name, cls_cases, tap_count - cls_first_check,
		       extra ? extra : "");
	fflush(stdout);
}

/* ---------------------------------------------------------------------- */
/* A guest VM: code slot, data slot, one vCPU, optional rings              */
/* ---------------------------------------------------------------------- */

static struct mv_caps caps;
static uint32_t cpl_min;

struct gvm {
	int sys;			/* not owned */
	int vm, vcpu;
	struct mv_run *run;
	uint8_t *code, *data;
	int req_efd, kick_efd;
	struct mv_ring_layout l;
	uint8_t *ring;
	uint32_t *req_head, *req_tail, *cpl_head, *cpl_tail;
	uint32_t *kflags, *uflags, *req_mask, *cpl_mask;
	struct mv_ring_req *req;
	struct mv_ring_cpl *cpl;
	const char *failed;		/* the step that failed */
};

static void gvm_init(struct gvm *g, int sys)
{
	memset(g, 0, sizeof(*g));
	g->sys = sys;
	g->vm = g->vcpu = g->req_efd = g->kick_efd = -1;
}

static void *map_anon(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

static void write_guest_code(uint8_t *code)
{
	size_t i;

	memset(code, 0xf4, CODE_SIZE);		/* HLT everywhere else */
	memset(code, 0, 0x400);			/* the IVT */
	/* IVT entry: offset, then segment 0. */
	code[IRQ_VECTOR * 4] = RIP_IRQ & 0xff;
	code[IRQ_VECTOR * 4 + 1] = RIP_IRQ >> 8;
	for (i = 0; i < ARRAY_SIZE(guest_code); i++)
		memcpy(code + guest_code[i].at, guest_code[i].code,
		       guest_code[i].len);
}

static int gvm_fail(struct gvm *g, const char *what)
{
	g->failed = what;
	return -1;
}

static int gvm_memory(struct gvm *g)
{
	g->code = map_anon(CODE_SIZE);
	g->data = map_anon(DATA_SIZE);
	if (!g->code || !g->data)
		return gvm_fail(g, "mmap of guest memory");
	write_guest_code(g->code);
	return 0;
}

static int gvm_vm(struct gvm *g)
{
	g->vm = ioctl(g->sys, MV_CREATE_VM, 0);
	return g->vm < 0 ? gvm_fail(g, "MV_CREATE_VM") : 0;
}

static int set_slot(int vm, uint32_t slot, uint64_t gpa, uint64_t size,
		    void *mem)
{
	struct mv_memory_slot s = {
		.slot = slot, .guest_phys_addr = gpa, .memory_size = size,
		.userspace_addr = (uintptr_t)mem,
	};

	return ioctl(vm, MV_SET_MEMORY_SLOT, &s);
}

static int del_slot(int vm, uint32_t slot)
{
	struct mv_memory_slot s = { .slot = slot };

	return ioctl(vm, MV_SET_MEMORY_SLOT, &s);
}

static int gvm_slots(struct gvm *g)
{
	if (set_slot(g->vm, 0, 0, CODE_SIZE, g->code))
		return gvm_fail(g, "MV_SET_MEMORY_SLOT 0 (code)");
	if (set_slot(g->vm, 1, DATA_GPA, DATA_SIZE, g->data))
		return gvm_fail(g, "MV_SET_MEMORY_SLOT 1 (data)");
	return 0;
}

static int vcpu_setup(int vcpu, uint64_t rip)
{
	struct mv_sregs s;
	struct mv_regs r;

	if (ioctl(vcpu, MV_GET_SREGS, &s))
		return -1;
	s.cs.selector = 0;
	s.cs.base = 0;
	s.cs.limit = 0xffff;
	s.cs.type = 11;
	s.ds.selector = DATA_SEL;
	s.ds.base = DATA_GPA;
	s.ds.limit = 0xffff;
	s.ds.type = 3;
	s.ss.selector = 0;
	s.ss.base = 0;
	s.ss.limit = 0xffff;
	s.cr0 &= ~0x80000001ull;	/* real mode: PE = PG = 0 */
	if (ioctl(vcpu, MV_SET_SREGS, &s))
		return -1;
	memset(&r, 0, sizeof(r));
	r.rip = rip;
	r.rsp = GUEST_RSP;
	r.rflags = 2;
	return ioctl(vcpu, MV_SET_REGS, &r);
}

static int gvm_vcpu(struct gvm *g)
{
	g->vcpu = ioctl(g->vm, MV_CREATE_VCPU, 0ul);
	return g->vcpu < 0 ? gvm_fail(g, "MV_CREATE_VCPU") : 0;
}

static int gvm_runpage(struct gvm *g)
{
	void *p = mmap(NULL, caps.run_mmap_size, PROT_READ | PROT_WRITE,
		       MAP_SHARED, g->vcpu, 0);

	if (p == MAP_FAILED)
		return gvm_fail(g, "mmap of the run page");
	g->run = p;
	return 0;
}

static int gvm_regs(struct gvm *g, uint64_t rip)
{
	return vcpu_setup(g->vcpu, rip) ? gvm_fail(g, "SET_SREGS/SET_REGS") : 0;
}

static void ring_pointers(struct gvm *g)
{
	g->req_head = (uint32_t *)(g->ring + g->l.req_head);
	g->req_tail = (uint32_t *)(g->ring + g->l.req_tail);
	g->cpl_head = (uint32_t *)(g->ring + g->l.cpl_head);
	g->cpl_tail = (uint32_t *)(g->ring + g->l.cpl_tail);
	g->kflags = (uint32_t *)(g->ring + g->l.kernel_flags);
	g->uflags = (uint32_t *)(g->ring + g->l.user_flags);
	g->req_mask = (uint32_t *)(g->ring + g->l.req_mask);
	g->cpl_mask = (uint32_t *)(g->ring + g->l.cpl_mask);
	g->req = (struct mv_ring_req *)(g->ring + g->l.req_array);
	g->cpl = (struct mv_ring_cpl *)(g->ring + g->l.cpl_array);
}

static void *map_rings(int vm, const struct mv_ring_layout *l)
{
	void *p = mmap(NULL, l->mmap_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		       vm, MV_RING_MMAP_OFFSET);

	return p == MAP_FAILED ? NULL : p;
}

/*
 * Rings of @req_entries (the smallest completion ring), mapped; ports
 * 0xe4..0xe7 synchronous and 0xe8..0xef posted.
 */
static int gvm_rings(struct gvm *g, uint32_t req_entries)
{
	struct mv_ring_setup s;
	struct mv_ring_range r = { .space = MV_RING_SPACE_PIO, .len = 4 };

	g->req_efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	g->kick_efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (g->req_efd < 0 || g->kick_efd < 0)
		return gvm_fail(g, "eventfd");
	memset(&s, 0, sizeof(s));
	s.req_entries = req_entries;
	s.cpl_entries = cpl_min;
	s.req_eventfd = g->req_efd;
	s.kick_eventfd = g->kick_efd;
	if (ioctl(g->vm, MV_SETUP_RINGS, &s))
		return gvm_fail(g, "MV_SETUP_RINGS");
	g->l = s.layout;
	g->ring = map_rings(g->vm, &g->l);
	if (!g->ring)
		return gvm_fail(g, "mmap of the rings");
	ring_pointers(g);
	r.base = PORT_RD;
	if (ioctl(g->vm, MV_SET_RING_RANGE, &r))
		return gvm_fail(g, "MV_SET_RING_RANGE 0xe4..0xe7");
	r.base = PORT_WR;
	r.len = 8;
	r.flags = MV_RING_RANGE_POSTED;
	if (ioctl(g->vm, MV_SET_RING_RANGE, &r))
		return gvm_fail(g, "MV_SET_RING_RANGE 0xe8..0xef posted");
	return 0;
}

/* Memory, VM, slots, vCPU, run page, registers; rings if @req_entries. */
static int gvm_create(struct gvm *g, int sys, uint64_t rip,
		      uint32_t req_entries)
{
	gvm_init(g, sys);
	if (gvm_memory(g) || gvm_vm(g) || gvm_slots(g) || gvm_vcpu(g) ||
	    gvm_runpage(g) || gvm_regs(g, rip))
		return -1;
	if (req_entries && gvm_rings(g, req_entries))
		return -1;
	return 0;
}

static void gvm_create_or_bail(struct gvm *g, int sys, uint64_t rip,
			       uint32_t req_entries)
{
	if (gvm_create(g, sys, rip, req_entries))
		bail("setting up a VM: %s failed: %s", g->failed,
		     errno_name(errno));
}

static void gvm_destroy(struct gvm *g)
{
	if (g->ring)
		munmap(g->ring, g->l.mmap_size);
	if (g->run)
		munmap(g->run, caps.run_mmap_size);
	if (g->vcpu >= 0)
		close(g->vcpu);
	if (g->vm >= 0)
		close(g->vm);
	if (g->req_efd >= 0)
		close(g->req_efd);
	if (g->kick_efd >= 0)
		close(g->kick_efd);
	if (g->code)
		munmap(g->code, CODE_SIZE);
	if (g->data)
		munmap(g->data, DATA_SIZE);
	gvm_init(g, g->sys);
}

static uint32_t ld32(const void *p)
{
	return __atomic_load_n((const uint32_t *)p, __ATOMIC_ACQUIRE);
}

static void st32(void *p, uint32_t v)
{
	__atomic_store_n((uint32_t *)p, v, __ATOMIC_RELEASE);
}

static uint32_t io_value(const struct mv_run *run)
{
	uint32_t v;

	memcpy(&v, (const uint8_t *)run + MV_RUN_IO_DATA_OFFSET, sizeof(v));
	return v;
}

/* ---------------------------------------------------------------------- */
/* A vCPU thread that runs a guest and records its reports                 */
/* ---------------------------------------------------------------------- */

/*
 * The main thread never polls with sleeps while a guest spins: on one CPU
 * every millisecond the poller sleeps is spent emulating the guest's
 * loop (in Bochs 25000 instructions each). It blocks on the runner's
 * eventfd instead, armed before it checks its condition; the runner
 * writes it after anything it records (reports, marker, interrupt, a
 * handled exit, its end) if armed.
 */
struct runner {
	struct gvm *g;
	int vcpu;			/* g->vcpu unless set */
	struct mv_run *run;		/* g->run unless set */
	int pin_cpu;			/* -1: no affinity change */
	uint32_t step;			/* counter step between reports, 0: any */
	/* MMIO or internal-error exits: true to go on. */
	bool (*on_exit)(struct runner *r);
	void *arg;

	pthread_t t;
	int efd;
	atomic_bool armed;
	atomic_int tid;
	atomic_bool stop, done, exit_handled;
	atomic_uint reports, counter, marker, bad, irqs, jumps;
	atomic_uint cpu_mask;		/* CPUs the reports came from */
	atomic_uint reports_on[2];
	uint32_t prev;
	bool have_prev;
	/* How it ended, and the registers then (read on its own CPU). */
	struct mv_regs final_regs;
	long ret;
	int err;
	uint32_t exit_reason;
	char why[200];
};

static void runner_init(struct runner *r, struct gvm *g)
{
	memset(r, 0, sizeof(*r));
	r->g = g;
	r->vcpu = g->vcpu;
	r->run = g->run;
	r->pin_cpu = -1;
	r->step = MEM_STEP;
	r->efd = -1;
}

static bool pin_self(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set) == 0;
}

static bool unpin_self(void)
{
	cpu_set_t set;
	int i;

	CPU_ZERO(&set);
	for (i = 0; i < CPU_SETSIZE; i++)
		CPU_SET(i, &set);
	return sched_setaffinity(0, sizeof(set), &set) == 0;
}

static void runner_notify(struct runner *r)
{
	uint64_t one = 1;

	if (atomic_exchange(&r->armed, false) &&
	    write(r->efd, &one, sizeof(one)) != sizeof(one))
		abort();
}

static void *runner_main(void *arg)
{
	struct runner *r = arg;
	struct mv_run *run = r->run;
	uint32_t v;
	int cpu;

	atomic_store(&r->tid, gettid_());
	if (r->pin_cpu >= 0 && !pin_self(r->pin_cpu)) {
		snprintf(r->why, sizeof(r->why), "sched_setaffinity(CPU %d): %s",
			 r->pin_cpu, errno_name(errno));
		goto out;
	}
	while (!atomic_load(&r->stop)) {
		r->ret = ioctl(r->vcpu, MV_RUN, 0);
		r->err = errno;
		r->exit_reason = run->exit_reason;
		if (r->ret < 0) {
			if (r->err == EINTR)
				continue;
			snprintf(r->why, sizeof(r->why), "RUN: %s",
				 errno_name(r->err));
			break;
		}
		if (run->exit_reason == MV_EXIT_IO &&
		    run->io.direction == MV_IO_OUT && run->io.count == 1) {
			v = io_value(run);
			switch (run->io.port) {
			case PORT_COUNT:
				if (r->have_prev && r->step &&
				    v != r->prev + r->step)
					atomic_fetch_add(&r->jumps, 1);
				r->prev = v;
				r->have_prev = true;
				atomic_store(&r->counter, v);
				cpu = sched_getcpu();
				if (cpu >= 0 && cpu < 32)
					atomic_fetch_or(&r->cpu_mask, 1u << cpu);
				if (cpu == 0 || cpu == 1)
					atomic_fetch_add(&r->reports_on[cpu], 1);
				atomic_fetch_add(&r->reports, 1);
				runner_notify(r);
				continue;
			case PORT_MARK:
				atomic_store(&r->marker, v);
				runner_notify(r);
				continue;
			case PORT_IRQ:
				atomic_fetch_add(&r->irqs, 1);
				runner_notify(r);
				continue;
			case PORT_BAD:
				atomic_fetch_add(&r->bad, 1);
				snprintf(r->why, sizeof(r->why),
					 "the guest read back another value than it wrote (eax 0x%x)",
					 v);
				goto out;
			default:
				break;
			}
		}
		if ((run->exit_reason == MV_EXIT_MMIO ||
		     run->exit_reason == MV_EXIT_INTERNAL_ERROR) &&
		    r->on_exit) {
			bool go_on = r->on_exit(r);

			atomic_store(&r->exit_handled, true);
			runner_notify(r);
			if (go_on)
				continue;
		}
		if (!r->why[0])
			snprintf(r->why, sizeof(r->why),
				 "unexpected exit %u at rip 0x%llx",
				 run->exit_reason,
				 (unsigned long long)run->guest_rip);
		break;
	}
out:
	ioctl(r->vcpu, MV_GET_REGS, &r->final_regs);
	atomic_store(&r->done, true);
	atomic_store(&r->armed, true);
	runner_notify(r);
	return NULL;
}

static bool runner_start(struct runner *r)
{
	r->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (r->efd < 0 || pthread_create(&r->t, NULL, runner_main, r)) {
		tap_result(false, "%s: start a vCPU thread", cls_name);
		if (r->efd >= 0)
			close(r->efd);
		return false;
	}
	return true;
}

/*
 * Until @cond(r, @arg) holds; false if the runner ended without it or
 * after @ms (guest) milliseconds.
 */
static bool runner_wait(struct runner *r, bool (*cond)(struct runner *, unsigned int),
			unsigned int arg, long ms)
{
	long long end = now_ms() + ms, left;
	struct pollfd pfd = { .fd = r->efd, .events = POLLIN };
	uint64_t cnt;

	for (;;) {
		atomic_store(&r->armed, true);
		if (cond(r, arg))
			return true;
		if (atomic_load(&r->done))
			return false;
		left = end - now_ms();
		if (left <= 0)
			return false;
		if (poll(&pfd, 1, (int)left) > 0 &&
		    read(r->efd, &cnt, sizeof(cnt)) < 0 && errno != EAGAIN)
			return false;
	}
}

static bool c_reports(struct runner *r, unsigned int n)
{
	return atomic_load(&r->reports) >= n;
}

static bool c_on_cpu0(struct runner *r, unsigned int n)
{
	return atomic_load(&r->reports_on[0]) >= n;
}

static bool c_on_cpu1(struct runner *r, unsigned int n)
{
	return atomic_load(&r->reports_on[1]) >= n;
}

static bool c_marker(struct runner *r, unsigned int m)
{
	return atomic_load(&r->marker) == m;
}

static bool c_irqs(struct runner *r, unsigned int n)
{
	return atomic_load(&r->irqs) >= n;
}

static bool c_done(struct runner *r, unsigned int unused)
{
	(void)unused;
	return atomic_load(&r->done);
}

static bool c_exit_handled(struct runner *r, unsigned int unused)
{
	(void)unused;
	return atomic_load(&r->exit_handled);
}

/* Until @n reports in all (or the runner ended); false after @ms. */
static bool wait_reports(struct runner *r, unsigned int n, long ms)
{
	return runner_wait(r, c_reports, n, ms);
}

/* Stop it and join; false (and it is left alone) if it does not stop. */
static bool runner_stop(struct runner *r)
{
	long long end = now_ms() + WAIT_MS;

	atomic_store(&r->stop, true);
	r->run->immediate_exit = 1;
	while (!atomic_load(&r->done)) {
		pthread_kill(r->t, SIGUSR1);
		if (now_ms() >= end) {
			tap_result(false, "%s: the vCPU thread stops when signalled",
				   cls_name);
			return false;
		}
		runner_wait(r, c_done, 0, 10);
	}
	pthread_join(r->t, NULL);
	close(r->efd);
	r->efd = -1;
	r->run->immediate_exit = 0;
	return true;
}

/* The runner is still going and has seen nothing wrong. */
static bool runner_healthy(struct runner *r)
{
	return !atomic_load(&r->done) && !atomic_load(&r->bad) &&
	       !atomic_load(&r->jumps);
}

/* Exits of @vcpu by reason, the busiest first, and where it is. */
static void vcpu_exit_diag(int vcpu)
{
	struct mv_exit_stats st;
	struct mv_regs regs;
	unsigned int i, k, best;
	char buf[256];
	int n;

	memset(&st, 0, sizeof(st));
	memset(&regs, 0, sizeof(regs));
	if (ioctl(vcpu, MV_GET_EXIT_STATS, &st) || ioctl(vcpu, MV_GET_REGS, &regs)) {
		diag("  vCPU stats: %s", errno_name(errno));
		return;
	}
	n = snprintf(buf, sizeof(buf), "  vCPU: rip 0x%llx, %llu exits, %llu to userspace; by reason:",
		     (unsigned long long)regs.rip,
		     (unsigned long long)st.total_exits,
		     (unsigned long long)st.userspace_exits);
	for (k = 0; k < 5; k++) {
		best = MV_NR_EXIT_REASONS;
		for (i = 0; i < MV_NR_EXIT_REASONS; i++)
			if (st.exits[i] && (best == MV_NR_EXIT_REASONS ||
					    st.exits[i] > st.exits[best]))
				best = i;
		if (best == MV_NR_EXIT_REASONS)
			break;
		n += snprintf(buf + n, sizeof(buf) - n, " %u:%llu", best,
			      (unsigned long long)st.exits[best]);
		st.exits[best] = 0;
		if (n >= (int)sizeof(buf))
			break;
	}
	diag("%s", buf);
}

static void runner_diag(struct runner *r)
{
	diag("  vCPU thread: %u reports, counter %u, marker 0x%x, %u jumps, %u bad, %s%s",
	     atomic_load(&r->reports), atomic_load(&r->counter),
	     atomic_load(&r->marker), atomic_load(&r->jumps),
	     atomic_load(&r->bad),
	     atomic_load(&r->done) ? "ended: " : "running",
	     atomic_load(&r->done) ? r->why : "");
}

/* ---------------------------------------------------------------------- */
/* memory: the VMM's mapping changes under a running guest                */
/* ---------------------------------------------------------------------- */

#define M1		0x4d310001u	/* the marker the guest starts with */
#define M2		0x4d320002u	/* written into a new mapping */
#define M3		0x4d330003u	/* in a replacement slot */
#define M_OLD		0xdead0001u

static int mem_sys = -1;
static long mem_pins_base;

static bool check_pins(long want, const char *what)
{
	long n;

	if (want == LONG_MIN)
		return true;
	n = pins_settle(want);
	return tap_result(n == want, "%s: pinned pages outstanding back to %ld (%ld)",
			  what, want, n);
}

/* A VM running the memory guest with marker M1; its runner started. */
static bool mem_start(struct gvm *g, struct runner *r)
{
	bool pass;

	gvm_create_or_bail(g, mem_sys, RIP_MEM, 0);
	st32(g->data + W_MARK, M1);
	runner_init(r, g);
	if (!runner_start(r))
		return false;
	pass = wait_reports(r, 3, WAIT_MS) && runner_healthy(r) &&
	       atomic_load(&r->marker) == M1;
	if (!tap_result(pass, "%s: the guest runs and reports (counter %u, marker 0x%x)",
			cls_name, atomic_load(&r->counter),
			atomic_load(&r->marker))) {
		runner_diag(r);
		runner_stop(r);
		gvm_destroy(g);
		return false;
	}
	return true;
}

/* After the attack: @n more reports, each 64 above the last, marker @mark. */
static bool mem_goes_on(struct runner *r, unsigned int n, uint32_t mark,
			const char *what)
{
	unsigned int base = atomic_load(&r->reports);
	uint32_t c0 = atomic_load(&r->counter);
	bool pass;

	pass = wait_reports(r, base + n, WAIT_MS) && runner_healthy(r) &&
	       atomic_load(&r->counter) > c0 &&
	       atomic_load(&r->marker) == mark;
	if (!tap_result(pass, "%s: %s: the guest goes on, each report 64 above the last, marker 0x%x (counter %u -> %u)",
			cls_name, what, mark, c0, atomic_load(&r->counter)))
		runner_diag(r);
	return pass;
}

/* Wait until the runner reports marker @mark. */
static bool mem_sees_marker(struct runner *r, uint32_t mark)
{
	return runner_wait(r, c_marker, mark, WAIT_MS);
}

static void mem_finish(struct gvm *g, struct runner *r, const char *what)
{
	if (!runner_stop(r))
		return;		/* the thread may still use g */
	gvm_destroy(g);
	check_pins(mem_pins_base, what);
}

static void mem_munmap(void)
{
	struct runner r;
	struct gvm g;
	long pins;
	void *p, *q;

	if (!case_begin("munmap"))
		return;
	if (!mem_start(&g, &r))
		return;
	pins = pins_outstanding();
	tap_result(munmap(g.code, CODE_SIZE) == 0 && munmap(g.data, DATA_SIZE) == 0,
		   "munmap: both slots' memory unmapped while the vCPU runs");
	p = g.code;
	q = g.data;
	g.code = g.data = NULL;
	mem_goes_on(&r, 5, M1, "munmap");
	if (pins != LONG_MIN)
		tap_result(pins_outstanding() == pins,
			   "munmap: the slots' pages stay pinned (%ld outstanding)",
			   pins);
	g.code = mmap(p, CODE_SIZE, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	g.data = mmap(q, DATA_SIZE, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	if (g.code == MAP_FAILED || g.data == MAP_FAILED) {
		tap_result(false, "munmap: new memory mapped at the same addresses");
		g.code = g.code == MAP_FAILED ? NULL : g.code;
		g.data = g.data == MAP_FAILED ? NULL : g.data;
	} else {
		tap_result(ld32(g.data + W_COUNT) == 0 && g.code[RIP_MEM] == 0,
			   "munmap: the new mapping at the same address is zeros, not the guest's memory");
		st32(g.data + W_MARK, M2);
		mem_goes_on(&r, 5, M1, "munmap + mmap MAP_FIXED");
		tap_result(ld32(g.data + W_COUNT) == 0,
			   "munmap: the guest's counter never appears in the new mapping");
	}
	mem_finish(&g, &r, "munmap: VM destroyed");
}

static void mem_map_fixed(void)
{
	struct runner r;
	struct gvm g;
	void *p;

	if (!case_begin("mmap-fixed-over"))
		return;
	if (!mem_start(&g, &r))
		return;
	p = mmap(g.data, DATA_SIZE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	if (!tap_result(p == g.data,
			"mmap-fixed-over: fresh memory mapped with MAP_FIXED over the live slot memory")) {
		mem_finish(&g, &r, "mmap-fixed-over");
		return;
	}
	tap_result(ld32(g.data + W_COUNT) == 0,
		   "mmap-fixed-over: the new mapping reads zeros");
	st32(g.data + W_MARK, M2);
	mem_goes_on(&r, 5, M1, "mmap-fixed-over");
	tap_result(ld32(g.data + W_COUNT) == 0,
		   "mmap-fixed-over: the guest's writes do not reach the new mapping");
	mem_finish(&g, &r, "mmap-fixed-over: VM destroyed");
}

static void mem_mremap(void)
{
	struct runner r;
	struct gvm g;
	uint32_t v1, v2;
	void *target, *p;

	if (!case_begin("mremap"))
		return;
	if (!mem_start(&g, &r))
		return;
	/* A free place to move to. */
	target = mmap(NULL, DATA_SIZE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
		      -1, 0);
	if (target == MAP_FAILED)
		bail("mmap: %s", strerror(errno));
	p = mremap(g.data, DATA_SIZE, DATA_SIZE, MREMAP_MAYMOVE | MREMAP_FIXED,
		   target);
	if (!tap_result(p == target,
			"mremap: the slot memory moved to another address while the vCPU runs")) {
		munmap(target, DATA_SIZE);
		mem_finish(&g, &r, "mremap");
		return;
	}
	tap_result(!is_mapped(g.data, DATA_SIZE),
		   "mremap: nothing is mapped at the old address any more");
	g.data = p;
	mem_goes_on(&r, 3, M1, "mremap");
	v1 = ld32(g.data + W_COUNT);
	mem_goes_on(&r, 3, M1, "mremap, later");
	v2 = ld32(g.data + W_COUNT);
	tap_result(v1 && v2 > v1,
		   "mremap: the moved mapping still shows the guest's counter growing (%u -> %u): the same pages",
		   v1, v2);
	st32(g.data + W_MARK, M2);
	tap_result(mem_sees_marker(&r, M2),
		   "mremap: a marker written at the new address reaches the guest");
	mem_finish(&g, &r, "mremap: VM destroyed");
}

static void mem_dontneed(void)
{
	struct runner r;
	struct gvm g;

	if (!case_begin("madvise-dontneed"))
		return;
	if (!mem_start(&g, &r))
		return;
	if (!tap_result(madvise(g.data, DATA_SIZE, MADV_DONTNEED) == 0,
			"madvise-dontneed: MADV_DONTNEED on the live slot memory succeeds")) {
		mem_finish(&g, &r, "madvise-dontneed");
		return;
	}
	tap_result(ld32(g.data + W_COUNT) == 0 && ld32(g.data + W_MARK) == 0,
		   "madvise-dontneed: the VMM now reads fresh zero pages there");
	st32(g.data + W_MARK, M2);
	mem_goes_on(&r, 5, M1, "madvise-dontneed");
	tap_result(ld32(g.data + W_COUNT) == 0,
		   "madvise-dontneed: the guest keeps its pinned pages; its writes do not show in the VMM's");
	mem_finish(&g, &r, "madvise-dontneed: VM destroyed");
}

static void mem_mprotect(void)
{
	struct runner r;
	struct gvm g;
	uint32_t v1, v2;

	if (!case_begin("mprotect"))
		return;
	if (!mem_start(&g, &r))
		return;
	if (!tap_result(mprotect(g.data, DATA_SIZE, PROT_NONE) == 0 &&
			mprotect(g.code, CODE_SIZE, PROT_NONE) == 0,
			"mprotect: both slots' memory made PROT_NONE while the vCPU runs")) {
		mem_finish(&g, &r, "mprotect");
		return;
	}
	mem_goes_on(&r, 5, M1, "mprotect PROT_NONE");
	tap_result(mprotect(g.data, DATA_SIZE, PROT_READ | PROT_WRITE) == 0 &&
		   mprotect(g.code, CODE_SIZE, PROT_READ | PROT_WRITE) == 0,
		   "mprotect: read/write again");
	v1 = ld32(g.data + W_COUNT);
	mem_goes_on(&r, 3, M1, "mprotect back to read/write");
	v2 = ld32(g.data + W_COUNT);
	tap_result(v1 && v2 > v1,
		   "mprotect: the VMM sees the guest's counter grow again (%u -> %u)",
		   v1, v2);
	st32(g.data + W_MARK, M2);
	tap_result(mem_sees_marker(&r, M2),
		   "mprotect: a marker the VMM writes reaches the guest");
	mem_finish(&g, &r, "mprotect: VM destroyed");
}

static void mem_churn(void)
{
	unsigned int round, fails = 0;
	struct runner r;
	struct gvm g;
	void *p;

	if (!case_begin("churn"))
		return;
	if (!mem_start(&g, &r))
		return;
	for (round = 0; round < 8; round++) {
		unsigned int rep = atomic_load(&r.reports);

		p = mmap(g.data, DATA_SIZE, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
		fails += p != g.data;
		st32(g.data + W_MARK, M2);
		fails += munmap(g.data, DATA_SIZE) != 0;
		fails += munmap(g.code, CODE_SIZE) != 0;
		p = mmap(g.code, CODE_SIZE, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
		fails += p != g.code;
		memset(g.code, 0xf4, CODE_SIZE);	/* HLT: must not matter */
		p = mmap(g.data, DATA_SIZE, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
		fails += p != g.data;
		fails += madvise(g.data, DATA_SIZE, MADV_DONTNEED) != 0;
		fails += mprotect(g.data, DATA_SIZE, PROT_NONE) != 0;
		fails += mprotect(g.data, DATA_SIZE, PROT_READ | PROT_WRITE) != 0;
		/* Let the guest run a report between rounds. */
		wait_reports(&r, rep + 1, WAIT_MS);
	}
	tap_result(!fails, "churn: 8 rounds of MAP_FIXED, munmap, mmap, HLT written over the code, MADV_DONTNEED, mprotect (%u calls failed)",
		   fails);
	mem_goes_on(&r, 3, M1, "churn");
	mem_finish(&g, &r, "churn: VM destroyed");
}

/* ---- deleting / replacing slots under a running vCPU ------------------- */

struct replace {
	uint8_t *new_data;
	atomic_bool hit;
	uint32_t exit_reason;		/* of the exit the hook saw */
	uint64_t gpa;
	uint32_t len;
	bool is_write;
	int readd;			/* SET_MEMORY_SLOT result */
	int readd_err;
	uint32_t suberror;
	uint64_t data0, data2;
};

/* The data slot was deleted: this access is MMIO. Replace and go on. */
static bool replace_data_slot(struct runner *r)
{
	struct replace *x = r->arg;
	struct mv_run *run = r->run;
	struct gvm *g = r->g;
	uint64_t off;

	if (atomic_load(&x->hit))
		return false;
	x->exit_reason = run->exit_reason;
	if (run->exit_reason != MV_EXIT_MMIO) {
		x->suberror = run->internal.suberror;
		x->data0 = run->internal.data[0];
		x->data2 = run->internal.data[2];
		atomic_store(&x->hit, true);
		return false;
	}
	x->gpa = run->mmio.phys_addr;
	x->len = run->mmio.len;
	x->is_write = run->mmio.is_write;
	if (x->gpa < DATA_GPA || x->gpa + x->len > DATA_GPA + PAGE ||
	    x->len > 8) {
		atomic_store(&x->hit, true);
		return false;
	}
	/* What a VMM moving guest RAM does: copy, then map the copy. */
	memcpy(x->new_data, g->data, DATA_SIZE);
	st32(x->new_data + W_MARK, M3);
	st32(g->data + W_MARK, M_OLD);
	off = x->gpa - DATA_GPA;
	if (x->is_write)
		memcpy(x->new_data + off, run->mmio.data, x->len);
	else
		memcpy(run->mmio.data, x->new_data + off, x->len);
	x->readd = set_slot(g->vm, 1, DATA_GPA, DATA_SIZE, x->new_data);
	x->readd_err = errno;
	atomic_store(&x->hit, true);
	return x->readd == 0;
}

static bool wait_flag(atomic_bool *f, long ms)
{
	long long end = now_ms() + ms;

	while (!atomic_load(f)) {
		if (now_ms() >= end)
			return false;
		sleep_ms(1);
	}
	return true;
}

static void replace_diag(const struct replace *x)
{
	diag("  the exit: reason %u, gpa 0x%llx len %u; internal suberror %u data[0] 0x%llx data[2] %llu",
	     x->exit_reason, (unsigned long long)x->gpa, x->len, x->suberror,
	     (unsigned long long)x->data0, (unsigned long long)x->data2);
}

static void mem_slot_replace(void)
{
	struct replace x = { 0 };
	struct runner r;
	struct gvm g;
	uint32_t old0, v1, v2;
	bool pass;

	if (!case_begin("slot-replace"))
		return;
	x.new_data = map_anon(DATA_SIZE);
	if (!x.new_data)
		bail("mmap: %s", strerror(errno));
	if (!mem_start(&g, &r)) {
		munmap(x.new_data, DATA_SIZE);
		return;
	}
	r.on_exit = replace_data_slot;
	r.arg = &x;
	tap_result(del_slot(g.vm, 1) == 0,
		   "slot-replace: data slot deleted while the vCPU runs");
	pass = runner_wait(&r, c_exit_handled, 0, WAIT_MS) &&
	       x.exit_reason == MV_EXIT_MMIO &&
	       x.gpa >= DATA_GPA && x.gpa + x.len <= DATA_GPA + 8;
	if (!tap_result(pass, "slot-replace: the guest's next access is an MMIO exit in the deleted range (gpa 0x%llx, len %u, %s)",
			(unsigned long long)x.gpa, x.len,
			x.is_write ? "write" : "read")) {
		replace_diag(&x);
		runner_diag(&r);
		mem_finish(&g, &r, "slot-replace");
		munmap(x.new_data, DATA_SIZE);
		return;
	}
	tap_result(x.readd == 0,
		   "slot-replace: the slot re-created at once from a copy in other memory (%s)",
		   x.readd ? errno_name(x.readd_err) : "ok");
	old0 = ld32(g.data + W_COUNT);
	mem_goes_on(&r, 5, M3, "slot-replace: the guest now reads the new memory");
	v1 = ld32(x.new_data + W_COUNT);
	wait_reports(&r, atomic_load(&r.reports) + 2, WAIT_MS);
	v2 = ld32(x.new_data + W_COUNT);
	tap_result(v2 > v1 && ld32(g.data + W_COUNT) == old0 && old0 < v1,
		   "slot-replace: its writes go to the new memory (%u -> %u), the old stays at %u",
		   v1, v2, old0);
	mem_finish(&g, &r, "slot-replace: VM destroyed");
	munmap(x.new_data, DATA_SIZE);
}

/* The code slot was deleted: an instruction fetch stopped the vCPU. */
static bool readd_code_slot(struct runner *r)
{
	struct replace *x = r->arg;
	struct mv_run *run = r->run;

	if (atomic_load(&x->hit))
		return false;
	x->exit_reason = run->exit_reason;
	if (run->exit_reason != MV_EXIT_INTERNAL_ERROR) {
		x->gpa = run->mmio.phys_addr;
		atomic_store(&x->hit, true);
		return false;
	}
	x->suberror = run->internal.suberror;
	x->data0 = run->internal.data[0];
	x->data2 = run->internal.data[2];
	x->readd = set_slot(r->g->vm, 0, 0, CODE_SIZE, r->g->code);
	x->readd_err = errno;
	atomic_store(&x->hit, true);
	return x->readd == 0;
}

static void mem_code_slot(void)
{
	struct replace x = { 0 };
	struct runner r;
	struct gvm g;
	bool pass;

	if (!case_begin("code-slot-delete"))
		return;
	if (!mem_start(&g, &r))
		return;
	r.on_exit = readd_code_slot;
	r.arg = &x;
	tap_result(del_slot(g.vm, 0) == 0,
		   "code-slot-delete: the code slot deleted while the vCPU runs");
	pass = runner_wait(&r, c_exit_handled, 0, WAIT_MS) &&
	       x.exit_reason == MV_EXIT_INTERNAL_ERROR &&
	       x.suberror == MV_INTERNAL_EMULATION &&
	       x.data0 >= RIP_MEM && x.data0 < RIP_MEM + sizeof(g_mem) &&
	       x.data2 == 0;
	if (!tap_result(pass, "code-slot-delete: RUN -> MV_EXIT_INTERNAL_ERROR, MV_INTERNAL_EMULATION at a fetch from the guest's code, 0 bytes (suberror %u, gpa 0x%llx, %llu bytes)",
			x.suberror, (unsigned long long)x.data0,
			(unsigned long long)x.data2)) {
		replace_diag(&x);
		runner_diag(&r);
	}
	tap_result(x.readd == 0, "code-slot-delete: the code slot re-created (%s)",
		   x.readd ? errno_name(x.readd_err) : "ok");
	mem_goes_on(&r, 3, M1, "code-slot-delete: re-created");
	mem_finish(&g, &r, "code-slot-delete: VM destroyed");
}

static void class_memory(void)
{
	class_begin("memory");
	mem_sys = open("/dev/minivisor", O_RDWR | O_CLOEXEC);
	if (mem_sys < 0)
		bail("open /dev/minivisor: %s", strerror(errno));
	mem_pins_base = pins_outstanding();
	if (mem_pins_base == LONG_MIN)
		diag("no nr_foll_pin_* in /proc/vmstat: not counting pinned pages");
	mem_munmap();
	mem_map_fixed();
	mem_mremap();
	mem_dontneed();
	mem_mprotect();
	mem_churn();
	mem_slot_replace();
	mem_code_slot();
	close(mem_sys);
	class_end(NULL);
}

/* ---------------------------------------------------------------------- */
/* fork: the child inherits every fd                                       */
/* ---------------------------------------------------------------------- */

#define CHILD_CHECKS	24

struct child_log {
	unsigned int n;
	struct {
		bool pass;
		char what[200];
	} r[CHILD_CHECKS];
};

static struct child_log *clog;

__attribute__((format(printf, 2, 3)))
static bool child_check(bool pass, const char *fmt, ...)
{
	va_list ap;

	if (clog->n >= CHILD_CHECKS)
		return pass;
	clog->r[clog->n].pass = pass;
	va_start(ap, fmt);
	vsnprintf(clog->r[clog->n].what, sizeof(clog->r[0].what), fmt, ap);
	va_end(ap);
	clog->n++;
	return pass;
}

static void child_report(const char *who)
{
	unsigned int i;

	for (i = 0; i < clog->n; i++)
		tap_result(clog->r[i].pass, "fork: %s: %s", who, clog->r[i].what);
}

/*
 * waitpid, bounded: the status or -1. Blocks in poll() on a pidfd rather
 * than polling with sleeps (each sleep is costly while a guest spins).
 */
static int wait_child(pid_t pid, long ms)
{
	long long end = now_ms() + ms, left;
	int status, pfd_fd;
	struct pollfd pfd;
	pid_t got;

	pfd_fd = (int)syscall(SYS_pidfd_open, pid, 0);
	for (;;) {
		got = waitpid(pid, &status, WNOHANG);
		if (got == pid)
			break;
		left = end - now_ms();
		if (got < 0 || left <= 0) {
			status = -1;
			break;
		}
		if (pfd_fd >= 0) {
			pfd = (struct pollfd){ .fd = pfd_fd, .events = POLLIN };
			poll(&pfd, 1, (int)left);
		} else {
			sleep_ms(1);
		}
	}
	if (pfd_fd >= 0)
		close(pfd_fd);
	return status;
}

/* RUN once: 0 and the OUT value of the fork guest, or -1. */
static long run_out(int vcpu, struct mv_run *run, uint32_t *val)
{
	long ret = ioctl(vcpu, MV_RUN, 0);

	if (ret)
		return -1;
	if (run->exit_reason != MV_EXIT_IO || run->io.port != PORT_COUNT ||
	    run->io.direction != MV_IO_OUT)
		return -1;
	*val = io_value(run);
	return 0;
}

static void fork_child_main(struct gvm *g)
{
	struct mv_regs regs;
	struct mv_run *run2;
	uint8_t *ring2, *own;
	uint32_t v = 0;
	long ret;
	int fd;

	/* The inherited fds, as they are. */
	memset(&regs, 0, sizeof(regs));
	ret = ioctl(g->vcpu, MV_GET_REGS, &regs);
	child_check(ret == 0 && (uint32_t)regs.rax == 1 && regs.rip == RIP_FORK_JMP,
		    "GET_REGS on the inherited vCPU fd works (ret %ld, eax %u, rip 0x%llx)",
		    ret, (uint32_t)regs.rax, (unsigned long long)regs.rip);
	child_check(g->run->exit_reason == MV_EXIT_IO &&
		    g->run->io.port == PORT_COUNT && io_value(g->run) == 1,
		    "the inherited run page mapping shows the parent's last exit (OUT 0xe0 = 1)");
	run2 = mmap(NULL, caps.run_mmap_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		    g->vcpu, 0);
	child_check(run2 != MAP_FAILED && run2->exit_reason == MV_EXIT_IO &&
		    run2->guest_rip == g->run->guest_rip,
		    "a new mmap of the run page from the inherited vCPU fd works, same page");
	child_check(!is_mapped(g->ring, g->l.mmap_size),
		    "the ring mapping is not inherited (VM_DONTCOPY, as documented)");
	ring2 = map_rings(g->vm, &g->l);
	child_check(ring2 && ld32(ring2 + g->l.req_tail) == 0 &&
		    ld32(ring2 + g->l.req_mask) == g->l.req_entries - 1,
		    "a new mmap of the rings from the inherited VM fd works (the same area)");

	regs.rbx = 0xc0ffee;
	child_check(ioctl(g->vcpu, MV_SET_REGS, &regs) == 0,
		    "SET_REGS on the inherited vCPU fd works");
	ret = run_out(g->vcpu, g->run, &v);
	child_check(ret == 0 && v == 2,
		    "RUN on the inherited vCPU fd continues the parent's guest (OUT 0xe0 = %u, want 2)",
		    v);
	child_check(ld32(g->data + W_COUNT) == 1,
		    "the child's copy of guest memory is a snapshot: the guest's write of 2 is not in it (reads %u)",
		    ld32(g->data + W_COUNT));
	/* Scribble HLT over the child's copy of the code. */
	memset(g->code + RIP_FORK, 0xf4, sizeof(g_fork));
	ret = run_out(g->vcpu, g->run, &v);
	child_check(ret == 0 && v == 3,
		    "HLT written over the child's copy of the code does not reach the guest (OUT 0xe0 = %u, want 3)",
		    v);

	fd = ioctl(g->vm, MV_CREATE_VCPU, 1ul);
	child_check(fd >= 0, "CREATE_VCPU 1 on the inherited VM fd works (%s)",
		    fd < 0 ? errno_name(errno) : "ok");
	own = map_anon(EXTRA_SIZE);
	child_check(own && set_slot(g->vm, 2, EXTRA_GPA, EXTRA_SIZE, own) == 0,
		    "SET_MEMORY_SLOT 2 with the child's own memory works");
	fd = ioctl(g->sys, MV_CREATE_VM, 0);
	child_check(fd >= 0, "CREATE_VM on the inherited system fd works (%s)",
		    fd < 0 ? errno_name(errno) : "ok");
	/* Exit holding all of it: exit releases it. */
	_exit(0);
}

/* A thread of the parent that calls GET_REGS (it may have to wait). */
struct blocked_ioctl {
	int fd;
	struct mv_regs regs;
	atomic_bool done;
	long ret;
	int err;
};

static void *blocked_get_regs(void *arg)
{
	struct blocked_ioctl *b = arg;

	b->ret = ioctl(b->fd, MV_GET_REGS, &b->regs);
	b->err = errno;
	atomic_store(&b->done, true);
	return NULL;
}

static void fork_killed_in_run(struct gvm *g)
{
	struct blocked_ioctl b = { .fd = g->vcpu };
	struct mv_regs regs;
	int p[2], status;
	uint32_t c0, v = 0, eax;
	long long t0;
	pthread_t t;
	pid_t pid;
	char c = 0;
	bool moving = false, pass;

	if (!case_begin("child-killed-in-run"))
		return;
	memset(&regs, 0, sizeof(regs));
	ioctl(g->vcpu, MV_GET_REGS, &regs);
	eax = (uint32_t)regs.rax;
	regs.rip = RIP_SPIN;
	if (ioctl(g->vcpu, MV_SET_REGS, &regs) || pipe2(p, O_CLOEXEC))
		bail("SET_REGS / pipe: %s", strerror(errno));
	c0 = ld32(g->data + W_COUNT);
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		bail("fork: %s", strerror(errno));
	if (pid == 0) {
		close(p[0]);
		if (write(p[1], "r", 1) != 1)
			_exit(4);
		ioctl(g->vcpu, MV_RUN, 0);	/* spins until killed */
		_exit(3);
	}
	close(p[1]);
	if (read(p[0], &c, 1) != 1)
		c = 0;
	close(p[0]);
	/* The guest counts in the pinned page the parent still maps. */
	t0 = now_ms();
	while (now_ms() - t0 < WAIT_MS && !moving) {
		moving = ld32(g->data + W_COUNT) != c0;
		if (!moving)
			sleep_ms(1);
	}
	tap_result(c == 'r' && moving,
		   "child-killed-in-run: the child runs the inherited vCPU; the parent's mapping shows its guest counting");
	if (pthread_create(&t, NULL, blocked_get_regs, &b))
		bail("pthread_create: %s", strerror(errno));
	sleep_ms(1);	/* (while the child's guest spins: costly in Bochs) */
	tap_result(!atomic_load(&b.done),
		   "child-killed-in-run: the parent's GET_REGS waits for the child's RUN (one ioctl at a time per vCPU)");
	kill(pid, SIGKILL);
	status = wait_child(pid, WAIT_MS);
	tap_result(status != -1 && WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
		   "child-killed-in-run: the child dies of SIGKILL (status 0x%x)", status);
	pass = wait_flag(&b.done, WAIT_MS) && b.ret == 0 &&
	       b.regs.rip >= RIP_SPIN && b.regs.rip < RIP_SPIN + sizeof(g_spin);
	if (!tap_result(pass, "child-killed-in-run: then the parent's GET_REGS returns, rip in the spin loop (0x%llx)",
			(unsigned long long)b.regs.rip)) {
		if (!atomic_load(&b.done)) {
			diag("  GET_REGS still blocked: not going on with this VM");
			return;
		}
	}
	pthread_join(t, NULL);
	regs = b.regs;
	regs.rip = RIP_FORK;
	regs.rax = eax;
	pass = ioctl(g->vcpu, MV_SET_REGS, &regs) == 0 &&
	       run_out(g->vcpu, g->run, &v) == 0 && v == eax + 1;
	tap_result(pass, "child-killed-in-run: the parent runs the vCPU on (OUT 0xe0 = %u, want %u)",
		   v, eax + 1);
}

static void class_fork(void)
{
	struct gvm g;
	struct mv_regs regs;
	long pins0, refs0, refs_sys, refs;
	uint32_t v = 0;
	bool pass;
	int status, sys, fd, p[2];
	pid_t pid;
	char c;

	class_begin("fork");
	only_case = NULL;	/* its cases build on each other */
	clog = mmap(NULL, sizeof(*clog), PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (clog == MAP_FAILED)
		bail("mmap: %s", strerror(errno));
	sys = open("/dev/minivisor", O_RDWR | O_CLOEXEC);
	if (sys < 0)
		bail("open /dev/minivisor: %s", strerror(errno));
	refs_sys = module_refcnt();
	pins0 = pins_outstanding();
	gvm_create_or_bail(&g, sys, RIP_FORK, 4);

	if (!case_begin("child-uses-inherited-fds"))
		return;
	pass = run_out(g.vcpu, g.run, &v) == 0 && v == 1 &&
	       ld32(g.data + W_COUNT) == 1;
	tap_result(pass, "fork: the parent ran its guest to its first OUT (%u)", v);
	refs0 = module_refcnt();
	clog->n = 0;
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		bail("fork: %s", strerror(errno));
	if (pid == 0)
		fork_child_main(&g);
	status = wait_child(pid, 4 * WAIT_MS);
	tap_result(status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0,
		   "fork: the child ran its checks and exited (status 0x%x)", status);
	child_report("child");
	memset(&regs, 0, sizeof(regs));
	pass = ioctl(g.vcpu, MV_GET_REGS, &regs) == 0 && regs.rbx == 0xc0ffee;
	tap_result(pass, "fork: the child's SET_REGS is the vCPU's state: the parent reads rbx 0x%llx",
		   (unsigned long long)regs.rbx);
	tap_result(ld32(g.data + W_COUNT) == 3,
		   "fork: the guest's writes during the child's RUNs are in the parent's mapping (%u, want 3)",
		   ld32(g.data + W_COUNT));
	pass = run_out(g.vcpu, g.run, &v) == 0 && v == 4;
	tap_result(pass, "fork: the parent's RUN continues after the child's (OUT 0xe0 = %u, want 4)",
		   v);
	fd = ioctl(g.vm, MV_CREATE_VCPU, 1ul);
	tap_result(fd >= 0,
		   "fork: the child's vCPU 1 was released when it exited: the parent creates vCPU 1 (%s)",
		   fd < 0 ? errno_name(errno) : "ok");
	if (fd >= 0)
		close(fd);
	tap_result(set_slot(g.vm, 2, EXTRA_GPA, EXTRA_SIZE, g.data) == -1 &&
		   errno == EEXIST && del_slot(g.vm, 2) == 0,
		   "fork: the child's slot 2 stays with the VM after the child exited (EEXIST), and deletes");
	if (pins0 != LONG_MIN) {
		long want = pins0 + (long)((CODE_SIZE + DATA_SIZE) / PAGE);
		long n = pins_settle(want);

		tap_result(n == want,
			   "fork: pinned pages: exactly the parent's two slots' again (%ld, want %ld)",
			   n - pins0, want - pins0);
	}
	refs = refcnt_settle(refs0);
	tap_result(refs == refs0,
		   "fork: the module's reference count is back to the parent's own (%ld)",
		   refs);

	fork_killed_in_run(&g);

	if (!case_begin("child-outlives-parent-fds"))
		return;
	if (pipe2(p, O_CLOEXEC))
		bail("pipe: %s", strerror(errno));
	clog->n = 0;
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		bail("fork: %s", strerror(errno));
	if (pid == 0) {
		uint32_t before, got = 0;
		struct mv_regs rr;
		bool ok;

		close(p[1]);
		if (read(p[0], &c, 1) != 1)
			_exit(4);
		memset(&rr, 0, sizeof(rr));
		ioctl(g.vcpu, MV_GET_REGS, &rr);
		before = (uint32_t)rr.rax;
		ok = run_out(g.vcpu, g.run, &got) == 0 && got == before + 1;
		child_check(ok, "with every fd of the parent closed, the child still runs the VM (OUT 0xe0 = %u, want %u)",
			    got, before + 1);
		_exit(0);
	}
	close(p[0]);
	/* Everything of the parent's goes; the child holds the VM alone. */
	gvm_destroy(&g);
	refs = module_refcnt();
	tap_result(refs > refs_sys,
		   "child-outlives-parent-fds: with the parent's VM fds closed the module is still in use (%ld): the child's",
		   refs);
	if (write(p[1], "g", 1) != 1)
		bail("write: %s", strerror(errno));
	close(p[1]);
	status = wait_child(pid, 4 * WAIT_MS);
	tap_result(status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0,
		   "child-outlives-parent-fds: the child exited (status 0x%x)", status);
	child_report("child-outlives-parent-fds");
	refs = refcnt_settle(refs_sys);
	tap_result(refs == refs_sys,
		   "child-outlives-parent-fds: then the VM is gone: reference count %ld (the system fd only)",
		   refs);
	check_pins(pins0, "child-outlives-parent-fds");
	close(sys);
	munmap(clog, sizeof(*clog));
	class_end(NULL);
}

/* ---------------------------------------------------------------------- */
/* kill: SIGKILL at every stage                                            */
/* ---------------------------------------------------------------------- */

enum stage {
	ST_OPEN, ST_VM, ST_SLOTS, ST_VCPU, ST_RUNPAGE, ST_RINGS,
	ST_RUN_GUEST, ST_RUN_RING_WAIT, ST_RUN_HLT, ST_RUN_RING_FULL,
	ST_IN_PENDING, ST_TWO_VCPUS, NR_STAGES
};

static const char *const stage_name[NR_STAGES] = {
	"after open", "after CREATE_VM", "after the memory slots",
	"after CREATE_VCPU", "after mmap of the run page",
	"after ring setup, mmap and ranges", "in RUN, the guest spinning",
	"in RUN, waiting for a ring completion", "in RUN, asleep in HLT",
	"in RUN, waiting for room in a full ring",
	"with an IN exit awaiting its data",
	"with two vCPU threads (HLT and spinning)",
};

struct kill_child {
	struct gvm *g;
	int fd;				/* pipe to the parent */
	enum stage st;
	pid_t tid;			/* a vCPU thread that must sleep */
	int vcpu2;			/* ST_TWO_VCPUS */
	uint32_t c0;
};

static void child_say(int fd, char c)
{
	if (write(fd, &c, 1) != 1)
		_exit(4);
}

static bool kc_wait(bool (*cond)(struct kill_child *), struct kill_child *k)
{
	long long end = now_ms() + WAIT_MS;

	while (!cond(k)) {
		if (now_ms() >= end)
			return false;
		sleep_ms(1);
	}
	return true;
}

static bool kc_spinning(struct kill_child *k)
{
	return ld32(k->g->data + W_COUNT) != k->c0;
}

static bool kc_need_kick(struct kill_child *k)
{
	return ld32(k->g->kflags) & MV_RING_KF_NEED_KICK;
}

static bool kc_halted(struct kill_child *k)
{
	return ld32(k->g->data + W_MARK) == 1 && k->tid &&
	       thread_state(k->tid) == 'S';
}

static bool kc_full(struct kill_child *k)
{
	return ld32(k->g->req_tail) - ld32(k->g->req_head) ==
	       k->g->l.req_entries && kc_need_kick(k);
}

static bool kc_two(struct kill_child *k)
{
	return kc_halted(k) && kc_spinning(k);
}

static void *kc_run_thread(void *arg)
{
	struct kill_child *k = arg;

	k->tid = gettid_();
	ioctl(k->g->vcpu, MV_RUN, 0);
	return NULL;
}

static void *kc_run2_thread(void *arg)
{
	struct kill_child *k = arg;

	ioctl(k->vcpu2, MV_RUN, 0);
	return NULL;
}

/* In the child: get to @st, say 'r' to the parent, wait for SIGKILL. */
static void kill_child_main(enum stage st, int fd)
{
	struct kill_child k = { .st = st, .fd = fd, .vcpu2 = -1 };
	bool (*cond)(struct kill_child *) = NULL;
	struct gvm g;
	pthread_t t;
	uint64_t rip = RIP_SPIN;
	int sys;

	sys = open("/dev/minivisor", O_RDWR | O_CLOEXEC);
	if (sys < 0)
		_exit(10);
	if (st == ST_OPEN)
		goto ready;
	gvm_init(&g, sys);
	k.g = &g;
	if (gvm_memory(&g) || gvm_vm(&g))
		_exit(11);
	if (st == ST_VM)
		goto ready;
	if (gvm_slots(&g))
		_exit(12);
	if (st == ST_SLOTS)
		goto ready;
	if (gvm_vcpu(&g))
		_exit(13);
	if (st == ST_VCPU)
		goto ready;
	if (gvm_runpage(&g))
		_exit(14);
	if (st == ST_RUNPAGE)
		goto ready;
	if (gvm_rings(&g, st == ST_RUN_RING_FULL ? MV_RING_MIN_REQ_ENTRIES : 4))
		_exit(15);
	if (st == ST_RINGS)
		goto ready;

	switch (st) {
	case ST_RUN_GUEST:
		rip = RIP_SPIN;
		cond = kc_spinning;
		break;
	case ST_RUN_RING_WAIT:
		rip = RIP_READER;
		cond = kc_need_kick;
		break;
	case ST_RUN_HLT:
		rip = RIP_HALT;
		cond = kc_halted;
		break;
	case ST_RUN_RING_FULL:
		rip = RIP_WRITER;
		cond = kc_full;
		break;
	case ST_IN_PENDING:
		rip = RIP_PIN;
		break;
	case ST_TWO_VCPUS:
		rip = RIP_HALT;
		cond = kc_two;
		k.vcpu2 = ioctl(g.vm, MV_CREATE_VCPU, 1ul);
		if (k.vcpu2 < 0 || vcpu_setup(k.vcpu2, RIP_SPIN))
			_exit(16);
		break;
	default:
		_exit(17);
	}
	if (gvm_regs(&g, rip))
		_exit(18);
	if (st == ST_IN_PENDING) {
		if (ioctl(g.vcpu, MV_RUN, 0) || g.run->exit_reason != MV_EXIT_IO ||
		    g.run->io.port != PORT_PIN || g.run->io.direction != MV_IO_IN)
			_exit(19);
		goto ready;
	}
	k.c0 = ld32(g.data + W_COUNT);
	if (pthread_create(&t, NULL, kc_run_thread, &k))
		_exit(20);
	if (k.vcpu2 >= 0 && pthread_create(&t, NULL, kc_run2_thread, &k))
		_exit(21);
	if (!kc_wait(cond, &k))
		_exit(22);
ready:
	child_say(fd, 'r');
	for (;;)
		pause();
}

static void class_kill(void)
{
	long pins0, refs, t_ms;
	unsigned int st;
	long long t0;
	int p[2], status;
	struct pollfd pfd;
	pid_t pid;
	char c;

	class_begin("kill");
	refs = refcnt_settle(0);
	if (!tap_result(refs == 0, "kill: no minivisor fd is open before (reference count %ld)",
			refs))
		return;
	pins0 = pins_outstanding();
	for (st = 0; st < NR_STAGES; st++) {
		if (!case_begin(stage_name[st]))
			continue;
		if (pipe2(p, O_CLOEXEC))
			bail("pipe: %s", strerror(errno));
		fflush(stdout);
		pid = fork();
		if (pid < 0)
			bail("fork: %s", strerror(errno));
		if (pid == 0) {
			close(p[0]);
			kill_child_main(st, p[1]);
		}
		close(p[1]);
		pfd = (struct pollfd){ .fd = p[0], .events = POLLIN };
		c = 0;
		if (poll(&pfd, 1, 4 * WAIT_MS) <= 0 || read(p[0], &c, 1) != 1)
			c = 0;
		close(p[0]);
		if (!tap_result(c == 'r', "kill %s: the child got there", stage_name[st])) {
			status = wait_child(pid, 100);
			if (status != -1 && WIFEXITED(status))
				diag("  the child exited with %d (the step that failed)",
				     WEXITSTATUS(status));
		}
		t0 = now_ms();
		kill(pid, SIGKILL);
		status = wait_child(pid, WAIT_MS);
		t_ms = now_ms() - t0;
		tap_result(status != -1 && WIFSIGNALED(status) &&
			   WTERMSIG(status) == SIGKILL,
			   "kill %s: SIGKILL ends it (%ld ms, status 0x%x)",
			   stage_name[st], t_ms, status);
		refs = refcnt_settle(0);
		tap_result(refs == 0,
			   "kill %s: the module's reference count is back to 0 (%ld)",
			   stage_name[st], refs);
		if (pins0 != LONG_MIN) {
			long n = pins_settle(pins0);

			tap_result(n == pins0,
				   "kill %s: no page stays pinned (%ld outstanding, %ld before)",
				   stage_name[st], n, pins0);
		}
	}
	class_end(NULL);
}

/* ---------------------------------------------------------------------- */
/* ring: what ring_hostile does not do                                     */
/* ---------------------------------------------------------------------- */

static int ring_sys = -1;

static void kick(struct gvm *g)
{
	uint64_t one = 1;

	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (write(g->kick_efd, &one, sizeof(one)) != sizeof(one))
		diag("write to kick_eventfd: %s", strerror(errno));
}

/* Until req_tail is @want (reading req_eventfd to re-arm); false after @ms. */
static bool wait_tail(struct gvm *g, uint32_t want, long ms)
{
	long long end = now_ms() + ms;
	struct pollfd pfd = { .fd = g->req_efd, .events = POLLIN };
	uint64_t cnt;

	while (ld32(g->req_tail) != want) {
		if (now_ms() >= end)
			return false;
		if (poll(&pfd, 1, 5) > 0 &&
		    read(g->req_efd, &cnt, sizeof(cnt)) < 0 && errno != EAGAIN)
			return false;
	}
	return true;
}

struct kowned {
	struct gvm *g;
	unsigned int n;
	unsigned int served;
	bool bad_record, timed_out;
	struct mv_ring_req first_bad;
};

/*
 * Serve @n reads; the record of request i must be at (i) & the real
 * mask, whatever the VMM wrote over the masks.
 */
static void *kowned_device(void *arg)
{
	struct kowned *k = arg;
	struct gvm *g = k->g;
	uint32_t mask = g->l.req_entries - 1, cmask = g->l.cpl_entries - 1;
	struct mv_ring_req r;
	struct mv_ring_cpl c;
	unsigned int i;

	for (i = 0; i < k->n; i++) {
		if (!wait_tail(g, i + 1, WAIT_MS)) {
			k->timed_out = true;
			return NULL;
		}
		r = g->req[i & mask];
		if (!k->bad_record &&
		    (r.seq != i + 1 || r.addr != PORT_RD || r.len != 4 ||
		     r.flags != MV_RING_REQ_PIO || r.vcpu != 0)) {
			k->bad_record = true;
			k->first_bad = r;
		}
		st32(g->req_head, i + 1);
		memset(&c, 0, sizeof(c));
		c.seq = r.seq;
		c.vcpu = r.vcpu;
		c.data[0] = i & 0xff;
		c.data[3] = 0xab;
		g->cpl[i & cmask] = c;
		st32(g->cpl_tail, i + 1);
		kick(g);
		k->served++;
	}
	return NULL;
}

static void ring_kernel_owned(void)
{
	struct kowned k = { .n = 8 };
	unsigned int i, good = 0, restored = 0;
	struct gvm g;
	pthread_t t;
	uint32_t v = 0;

	if (!case_begin("kernel-owned-words"))
		return;
	gvm_create_or_bail(&g, ring_sys, RIP_READER, 4);
	k.g = &g;
	if (pthread_create(&t, NULL, kowned_device, &k))
		bail("pthread_create: %s", strerror(errno));
	for (i = 0; i < k.n; i++) {
		/* Garbage in every word only the kernel may write. */
		st32(g.req_mask, 0);
		st32(g.cpl_mask, 0);
		st32(g.req_tail, 0x77777777u);
		st32(g.cpl_head, 0x55555555u);
		st32(g.kflags, 0xffffffffu);
		if (ioctl(g.vcpu, MV_RUN, 0) || g.run->exit_reason != MV_EXIT_IO ||
		    g.run->io.port != PORT_COUNT)
			break;
		v = io_value(g.run);
		good += v == (0xab000000u | i);
		restored += ld32(g.req_tail) == i + 1 &&
			    ld32(g.cpl_head) == i + 1;
	}
	pthread_join(t, NULL);
	tap_result(i == k.n && good == k.n && !k.timed_out,
		   "kernel-owned-words: %u ring-served reads with req_tail, cpl_head, kernel_flags and both masks overwritten before each: every IN got its completion (%u right, last 0x%x)",
		   k.n, good, v);
	if (!tap_result(!k.bad_record,
			"kernel-owned-words: each request sits at seq - 1 under the real mask, well formed (the masks in the page are not read)"))
		diag("  bad record: seq %llu addr 0x%llx len %u flags 0x%x vcpu %u",
		     (unsigned long long)k.first_bad.seq,
		     (unsigned long long)k.first_bad.addr, k.first_bad.len,
		     k.first_bad.flags, k.first_bad.vcpu);
	tap_result(restored == k.n,
		   "kernel-owned-words: the kernel republishes req_tail and cpl_head from its own copies (%u/%u)",
		   restored, k.n);
	diag("kernel-owned-words: kernel_flags now 0x%x (rewritten only when a vCPU starts or stops sleeping)",
	     ld32(g.kflags));
	gvm_destroy(&g);
}

/* ---- a completion record rewritten right after it is published ------- */

struct cpl_racer {
	struct gvm *g;
	atomic_bool stop;
	unsigned int served, scribbles;
	bool timed_out;
};

static void *cpl_racer_main(void *arg)
{
	struct cpl_racer *x = arg;
	struct gvm *g = x->g;
	uint32_t head = 0, cmask = g->l.cpl_entries - 1, mask = g->l.req_entries - 1;
	struct mv_ring_cpl c, bad;
	struct mv_ring_req r;
	unsigned int k;

	while (!atomic_load(&x->stop)) {
		if (!wait_tail(g, head + 1, 50)) {
			if (ld32(g->kflags) & MV_RING_KF_BROKEN)
				break;
			continue;
		}
		r = g->req[head & mask];
		st32(g->req_head, ++head);
		memset(&c, 0, sizeof(c));
		c.seq = r.seq;
		c.vcpu = r.vcpu;
		memcpy(c.data, &r.seq, 4);
		bad = c;
		bad.seq = r.seq + 1000;
		g->cpl[(head - 1) & cmask] = c;
		st32(g->cpl_tail, head);
		kick(g);
		x->served++;
		/* Now flip the published record between bad and good. */
		for (k = 0; k < 64 && !atomic_load(&x->stop); k++) {
			g->cpl[(head - 1) & cmask] = (k & 1) ? c : bad;
			x->scribbles++;
			if (k % 8 == 7)
				sched_yield();
		}
		g->cpl[(head - 1) & cmask] = c;
	}
	return NULL;
}

static void ring_cpl_race(void)
{
	struct cpl_racer x = { 0 };
	unsigned int i, ok = 0, stopped = 0, wrong = 0;
	char extra[64];
	struct gvm g;
	pthread_t t;
	uint32_t v;
	long ret;

	if (!case_begin("completion-rewritten-after-publish"))
		return;
	gvm_create_or_bail(&g, ring_sys, RIP_READER, 4);
	x.g = &g;
	if (pthread_create(&t, NULL, cpl_racer_main, &x))
		bail("pthread_create: %s", strerror(errno));
	for (i = 0; i < 40; i++) {
		ret = ioctl(g.vcpu, MV_RUN, 0);
		if (ret == 0 && g.run->exit_reason == MV_EXIT_IO &&
		    g.run->io.port == PORT_COUNT) {
			v = io_value(g.run);
			if (v == i + 1)
				ok++;
			else
				wrong++;
			continue;
		}
		if (ret == 0 && g.run->exit_reason == MV_EXIT_INTERNAL_ERROR &&
		    g.run->internal.suberror == MV_INTERNAL_RING &&
		    g.run->internal.data[0] == MV_RING_ERR_CPL_SEQ &&
		    g.run->internal.data[1] == i + 1 + 1000)
			stopped++;
		else
			wrong++;
		break;
	}
	atomic_store(&x.stop, true);
	pthread_join(t, NULL);
	tap_result(!wrong && ok + stopped == i + (stopped ? 1 : 0) && ok + stopped > 0,
		   "completion-rewritten-after-publish: each read got the good record's data, or the VM stopped with MV_RING_ERR_CPL_SEQ and the bad seq; nothing else (%u good, %u stopped, %u other, %u rewrites)",
		   ok, stopped, wrong, x.scribbles);
	if (stopped) {
		ret = ioctl(g.vcpu, MV_RUN, 0);
		tap_result(ret == 0 && g.run->exit_reason == MV_EXIT_INTERNAL_ERROR &&
			   g.run->internal.suberror == MV_INTERNAL_RING,
			   "completion-rewritten-after-publish: the stopped VM stays stopped");
	}
	snprintf(extra, sizeof(extra), "%u good, %u stopped", ok, stopped);
	diag("completion-rewritten-after-publish: %s", extra);
	gvm_destroy(&g);
}

/* ---- the run page scribbled while ring-served accesses go on -------- */

/*
 * The guest OUTs to port 0xe8, in an 8-port posted range, so its exits
 * never reach userspace: the kernel writes each one into the run page,
 * reads it back (mv_ring_claim()) and posts it. Meanwhile a thread keeps
 * writing the run page's exit fields: mostly io.size = 8, which fits the
 * 8-port range but is no port I/O size. With two CPUs the scribbler and
 * the vCPU are pinned apart so the writes land inside that window; with
 * one they can only land at a preemption point. A device thread checks
 * every request against the form uapi/minivisor.h promises.
 */
struct scribbler {
	struct mv_run *run;
	int cpu;			/* -1: anywhere */
	atomic_bool stop;
	unsigned long writes;
};

static void *scribble_main(void *arg)
{
	struct scribbler *s = arg;
	volatile struct mv_run *run = s->run;
	uint32_t x = 0x12345678;

	if (s->cpu >= 0)
		pin_self(s->cpu);
	while (!atomic_load(&s->stop)) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		switch (x & 15) {
		case 0:
			run->io.count = (x >> 8) & 3;
			break;
		case 1:
			run->io.port = (x & 0x100) ? PORT_WR + 4 : PORT_RD;
			break;
		case 2:
			run->io.direction = (x >> 8) & 1;
			break;
		case 3:
			run->exit_reason = (x & 0x100) ? MV_EXIT_MMIO : MV_EXIT_IO;
			break;
		case 4:
			run->io.size = (x >> 8) & 0xff;
			break;
		default:
			run->io.size = 8;
			break;
		}
		s->writes++;
		if (s->cpu < 0 && !(s->writes & 63))
			sched_yield();
	}
	return NULL;
}

struct validator {
	struct gvm *g;
	unsigned int want;		/* notify once this many arrived */
	int efd;
	atomic_bool stop;
	atomic_uint requests;
	unsigned int malformed;		/* other than the known bug's */
	unsigned int pio_len8;		/* the known bug: port I/O of 8 bytes */
	struct mv_ring_req first_bad, first_len8;
	const char *why;
};

/* The form uapi/minivisor.h promises for every request. */
static const char *request_flaw(const struct mv_ring_req *r, uint64_t want_seq)
{
	unsigned int i;

	if (r->seq != want_seq)
		return "seq not the next one";
	if (r->vcpu != 0)
		return "vcpu";
	if (r->reserved)
		return "reserved not 0";
	if (r->flags & ~(MV_RING_REQ_WRITE | MV_RING_REQ_PIO | MV_RING_REQ_POSTED))
		return "unknown flags";
	if ((r->flags & MV_RING_REQ_POSTED) && !(r->flags & MV_RING_REQ_WRITE))
		return "POSTED without WRITE";
	if (r->flags & MV_RING_REQ_PIO) {
		if (r->len != 1 && r->len != 2 && r->len != 4)
			return "port I/O len not 1, 2 or 4";
		if (r->addr > 0xffff)
			return "port above 0xffff";
	} else if (r->len != 1 && r->len != 2 && r->len != 4 && r->len != 8) {
		return "MMIO len not 1, 2, 4 or 8";
	}
	for (i = r->len < 8 ? r->len : 8; i < 8; i++)
		if (r->data[i])
			return "data past len not 0";
	if (!(r->flags & MV_RING_REQ_WRITE))
		for (i = 0; i < 8; i++)
			if (r->data[i])
				return "read with data";
	return NULL;
}

static void *validate_main(void *arg)
{
	struct validator *v = arg;
	struct gvm *g = v->g;
	uint32_t head = 0, ct = 0, mask = g->l.req_entries - 1;
	uint32_t cmask = g->l.cpl_entries - 1, tail;
	struct mv_ring_req r;
	struct mv_ring_cpl c;
	const char *flaw;
	uint64_t one = 1;
	unsigned int n;

	while (!atomic_load(&v->stop)) {
		tail = ld32(g->req_tail);
		if (tail == head) {
			wait_tail(g, head + 1, 20);
			continue;
		}
		while (head != tail) {
			r = g->req[head & mask];
			n = atomic_fetch_add(&v->requests, 1) + 1;
			flaw = request_flaw(&r, n);
			if (flaw && (r.flags & MV_RING_REQ_PIO) && r.len == 8 &&
			    !request_flaw(&(struct mv_ring_req){ .seq = r.seq,
					.addr = r.addr, .vcpu = r.vcpu, .len = 4,
					.flags = r.flags }, n) &&
			    !memcmp(r.data + 4, "\0\0\0\0", 4)) {
				if (!v->pio_len8)
					v->first_len8 = r;
				v->pio_len8++;
			} else if (flaw) {
				if (!v->malformed) {
					v->first_bad = r;
					v->why = flaw;
				}
				v->malformed++;
			}
			head++;
			st32(g->req_head, head);
			if (!(r.flags & MV_RING_REQ_POSTED)) {
				memset(&c, 0, sizeof(c));
				c.seq = r.seq;
				c.vcpu = r.vcpu;
				g->cpl[ct & cmask] = c;
				st32(g->cpl_tail, ++ct);
			}
			if (n == v->want &&
			    write(v->efd, &one, sizeof(one)) != sizeof(one))
				abort();
		}
		kick(g);
	}
	return NULL;
}

/* A vCPU thread that takes whatever exits come, until stopped. */
struct race_vcpu {
	struct gvm *g;
	int cpu;
	atomic_bool stop;
	unsigned int runs, classic, stops, failures;
	int err;
};

static void *race_vcpu_main(void *arg)
{
	struct race_vcpu *x = arg;
	struct mv_run *run = x->g->run;

	if (x->cpu >= 0)
		pin_self(x->cpu);
	while (!atomic_load(&x->stop)) {
		if (ioctl(x->g->vcpu, MV_RUN, 0) < 0) {
			if (errno == EINTR)
				continue;
			x->err = errno;
			x->failures++;
			break;
		}
		x->runs++;
		/* An exit as the kernel wrote it, maybe scribbled over since. */
		if (run->exit_reason == MV_EXIT_IO || run->exit_reason == MV_EXIT_MMIO) {
			x->classic++;
			continue;
		}
		/* Anything else ends the guest: a documented stop. */
		x->stops++;
		break;
	}
	return NULL;
}

static void req_diag(const char *what, unsigned int n, const char *why,
		     const struct mv_ring_req *r)
{
	diag("  %s (%u; %s): seq %llu addr 0x%llx len %u flags 0x%x vcpu %u reserved %u data %02x%02x%02x%02x%02x%02x%02x%02x",
	     what, n, why, (unsigned long long)r->seq,
	     (unsigned long long)r->addr, r->len, r->flags, r->vcpu,
	     r->reserved, r->data[0], r->data[1], r->data[2], r->data[3],
	     r->data[4], r->data[5], r->data[6], r->data[7]);
}

static void ring_runpage_race(unsigned int want)
{
	struct scribbler s = { .cpu = -1 };
	struct validator v = { .want = want };
	struct race_vcpu x = { .cpu = -1 };
	struct pollfd pfd;
	pthread_t ts, tv, tx;
	struct mv_regs regs;
	struct gvm g;
	bool two = sysconf(_SC_NPROCESSORS_ONLN) >= 2;
	bool got;

	if (!case_begin("run-page-scribbled"))
		return;
	gvm_create_or_bail(&g, ring_sys, RIP_WRITER, 8);
	s.run = g.run;
	v.g = &g;
	x.g = &g;
	if (two) {
		s.cpu = 0;
		x.cpu = 1;
	}
	v.efd = eventfd(0, EFD_CLOEXEC);
	if (v.efd < 0)
		bail("eventfd: %s", strerror(errno));
	if (pthread_create(&tv, NULL, validate_main, &v) ||
	    pthread_create(&ts, NULL, scribble_main, &s) ||
	    pthread_create(&tx, NULL, race_vcpu_main, &x))
		bail("pthread_create: %s", strerror(errno));
	pfd = (struct pollfd){ .fd = v.efd, .events = POLLIN };
	got = poll(&pfd, 1, 4 * WAIT_MS) > 0;
	atomic_store(&x.stop, true);
	g.run->immediate_exit = 1;
	pthread_kill(tx, SIGUSR1);
	pthread_join(tx, NULL);
	atomic_store(&s.stop, true);
	pthread_join(ts, NULL);
	atomic_store(&v.stop, true);
	pthread_join(tv, NULL);
	close(v.efd);

	tap_result(got && !x.failures,
		   "%s: %u posted OUTs served while the run page was written %lu times; RUN never failed (%u returns to userspace, %u stops%s%s)",
		   cls_name, want, s.writes, x.classic, x.stops,
		   x.failures ? ", RUN: " : "", x.failures ? errno_name(x.err) : "");
	if (!tap_result(!v.malformed,
			"run-page-scribbled: every one of the %u requests has the promised form (seq, len for its space, flags, data, reserved), but for the known bug below",
			atomic_load(&v.requests)))
		req_diag("malformed", v.malformed, v.why, &v.first_bad);
	/*
	 * XFAIL, a known bug: mv_ring_claim() re-reads the exit from the
	 * run page and accepts a length of 8 whatever the space, so a VMM
	 * that writes io.size = 8 there gets port requests of 8 bytes,
	 * which uapi/minivisor.h rules out (the fix: 8 only for MMIO). The
	 * check passes while the bug shows and fails (XPASS) once it is
	 * fixed, so that it is turned into a plain check then. That the
	 * scribbles landed at all shows in the exits that reached
	 * userspace (io.count != 1).
	 */
	if (v.pio_len8) {
		tap_result(true, "run-page-scribbled: XFAIL known bug: %u port I/O requests of 8 bytes (io.size re-read from the run page)",
			   v.pio_len8);
		cls_xfail_cases++;
		req_diag("the first", v.pio_len8, "port I/O len 8", &v.first_len8);
	} else if (x.classic) {
		tap_result(false, "run-page-scribbled: XPASS: no port I/O request of 8 bytes although %u exits show the scribbles landed: the known bug is fixed? make this a plain check",
			   x.classic);
	} else {
		tap_result(false, "run-page-scribbled: no scribble ever landed between the kernel's write of an exit and its read: nothing was tested");
	}
	g.run->immediate_exit = 0;
	tap_result(ioctl(g.vcpu, MV_GET_REGS, &regs) == 0,
		   "run-page-scribbled: the vCPU still answers GET_REGS");
	gvm_destroy(&g);
}

static void class_ring(unsigned int race_requests)
{
	class_begin(sysconf(_SC_NPROCESSORS_ONLN) >= 2 ? "ring-smp" : "ring");
	ring_sys = open("/dev/minivisor", O_RDWR | O_CLOEXEC);
	if (ring_sys < 0)
		bail("open /dev/minivisor: %s", strerror(errno));
	ring_kernel_owned();
	ring_cpl_race();
	/*
	 * On one CPU the scribbler could only write between the kernel's
	 * write of an exit and its read at a preemption point: 3 million
	 * writes landed there 0 times in 2000 exits. Scenario 18 runs it
	 * with the two threads on two CPUs.
	 */
	if (sysconf(_SC_NPROCESSORS_ONLN) >= 2)
		ring_runpage_race(race_requests);
	else
		diag("run-page-scribbled: needs 2 CPUs (scenario 18 runs it)");
	close(ring_sys);
	class_end(" (plus progs/ring_hostile in scenario 10)");
}

/* ---------------------------------------------------------------------- */
/* hotplug: CPU 1 goes away and comes back                                 */
/* ---------------------------------------------------------------------- */

#define CPU1_ONLINE	"/sys/devices/system/cpu/cpu1/online"

static int hp_sys = -1;

static int cpu1_set(int online)
{
	int fd = open(CPU1_ONLINE, O_WRONLY | O_CLOEXEC);
	char c = online ? '1' : '0';
	ssize_t n;
	int err;

	if (fd < 0)
		return -errno;
	n = write(fd, &c, 1);
	err = errno;
	close(fd);
	return n == 1 ? 0 : -err;
}

static int cpu1_online(void)
{
	FILE *f = fopen(CPU1_ONLINE, "r");
	int v = -1;

	if (!f)
		return -1;
	if (fscanf(f, "%d", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

static bool hp_set(int online, const char *what)
{
	int ret = cpu1_set(online);

	return tap_result(ret == 0 && cpu1_online() == online,
			  "%s: CPU 1 %s (%s)", what,
			  online ? "back online" : "taken offline",
			  ret ? errno_name(-ret) : "ok");
}

/* A VM with the memory guest and a runner pinned to @cpu (-1: none). */
static bool hp_start(struct gvm *g, struct runner *r, int cpu, const char *what)
{
	bool pass;

	gvm_create_or_bail(g, hp_sys, RIP_MEM, 0);
	st32(g->data + W_MARK, M1);
	runner_init(r, g);
	r->pin_cpu = cpu;
	if (!runner_start(r))
		return false;
	pass = wait_reports(r, 3, WAIT_MS) && runner_healthy(r) &&
	       (cpu < 0 || atomic_load(&r->cpu_mask) == 1u << cpu);
	if (!tap_result(pass, "%s: a guest runs%s%s (CPUs seen 0x%x)", what,
			cpu >= 0 ? " pinned to CPU " : "",
			cpu == 1 ? "1" : cpu == 0 ? "0" : "",
			atomic_load(&r->cpu_mask))) {
		runner_diag(r);
		thread_diag(atomic_load(&r->tid));
		if (runner_stop(r)) {
			vcpu_exit_diag(g->vcpu);
			gvm_destroy(g);
		}
		return false;
	}
	return true;
}

static bool hp_goes_on_cpu(struct runner *r, int cpu, unsigned int n,
			   const char *what)
{
	unsigned int base = atomic_load(&r->reports_on[cpu]);
	bool pass;

	pass = runner_wait(r, cpu ? c_on_cpu1 : c_on_cpu0, base + n, WAIT_MS) &&
	       runner_healthy(r);
	if (!tap_result(pass, "%s: the guest goes on on CPU %d, every report 64 above the last (%u reports there, counter %u)",
			what, cpu, atomic_load(&r->reports_on[cpu]) - base,
			atomic_load(&r->counter)))
		runner_diag(r);
	return pass;
}

static bool hp_pin_thread(struct runner *r, int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(atomic_load(&r->tid), sizeof(set), &set) == 0;
}

static void hp_finish(struct gvm *g, struct runner *r)
{
	if (!runner_stop(r))
		return;
	if (tap_failed != case_failed_at_start)
		vcpu_exit_diag(g->vcpu);
	gvm_destroy(g);
}

static void hp_no_vm(void)
{
	struct runner r;
	struct gvm g;

	if (!case_begin("no-vm"))
		return;
	if (!hp_set(0, "no-vm") || !hp_set(1, "no-vm"))
		return;
	if (hp_start(&g, &r, 1, "no-vm: afterwards"))
		hp_finish(&g, &r);
}

static void hp_idle_vm(void)
{
	struct mv_regs a, b;
	struct runner r;
	struct gvm g;
	uint32_t c0;

	if (!case_begin("idle-vm"))
		return;
	if (!hp_start(&g, &r, 1, "idle-vm"))
		return;
	if (!runner_stop(&r))
		return;
	/* Read by the vCPU thread on CPU 1: the VMCS stays active there. */
	a = r.final_regs;
	memset(&b, 0, sizeof(b));
	c0 = ld32(g.data + W_COUNT);
	if (!hp_set(0, "idle-vm: the vCPU's VMCS last active on CPU 1")) {
		gvm_destroy(&g);
		return;
	}
	tap_result(ioctl(g.vcpu, MV_GET_REGS, &b) == 0 && !memcmp(&a, &b, sizeof(a)),
		   "idle-vm: GET_REGS from CPU 0 reads the same registers (the VMCS was cleared to memory, not lost)");
	runner_init(&r, &g);
	if (runner_start(&r)) {
		hp_goes_on_cpu(&r, 0, 3, "idle-vm: RUN after the offline");
		tap_result(atomic_load(&r.counter) > c0,
			   "idle-vm: the counter continues (%u -> %u)", c0,
			   atomic_load(&r.counter));
		if (!runner_stop(&r))
			return;
	}
	if (!hp_set(1, "idle-vm")) {
		gvm_destroy(&g);
		return;
	}
	runner_init(&r, &g);
	r.pin_cpu = 1;
	if (runner_start(&r)) {
		hp_goes_on_cpu(&r, 1, 3, "idle-vm: pinned to CPU 1 again");
		hp_finish(&g, &r);
	} else {
		gvm_destroy(&g);
	}
}

static void hp_running(void)
{
	struct runner r;
	struct gvm g;

	if (!case_begin("running-vcpu"))
		return;
	if (!hp_start(&g, &r, 1, "running-vcpu"))
		return;
	if (!hp_set(0, "running-vcpu: under a vCPU running on it")) {
		hp_finish(&g, &r);
		return;
	}
	hp_goes_on_cpu(&r, 0, 5, "running-vcpu: moved off CPU 1");
	if (!hp_set(1, "running-vcpu")) {
		hp_finish(&g, &r);
		return;
	}
	tap_result(hp_pin_thread(&r, 1), "running-vcpu: its thread pinned to CPU 1 again");
	hp_goes_on_cpu(&r, 1, 3, "running-vcpu: back on CPU 1");
	hp_finish(&g, &r);
}

static void hp_halted(void)
{
	struct mv_interrupt irq = { .vector = IRQ_VECTOR };
	struct runner r;
	struct gvm g;
	long long end;

	if (!case_begin("halted-vcpu"))
		return;
	gvm_create_or_bail(&g, hp_sys, RIP_HALT, 0);
	runner_init(&r, &g);
	r.pin_cpu = 1;
	if (!runner_start(&r)) {
		gvm_destroy(&g);
		return;
	}
	end = now_ms() + WAIT_MS;
	while (!(ld32(g.data + W_MARK) == 1 && atomic_load(&r.tid) &&
		 thread_state(atomic_load(&r.tid)) == 'S') && now_ms() < end)
		sleep_ms(1);
	if (!tap_result(now_ms() < end,
			"halted-vcpu: the vCPU sleeps in HLT on CPU 1")) {
		diag("  marker %u, vCPU thread %d in state %c", ld32(g.data + W_MARK),
		     atomic_load(&r.tid), thread_state(atomic_load(&r.tid)));
		runner_diag(&r);
		hp_finish(&g, &r);
		return;
	}
	if (!hp_set(0, "halted-vcpu: under a vCPU asleep in HLT")) {
		hp_finish(&g, &r);
		return;
	}
	tap_result(ioctl(g.vcpu, MV_INTERRUPT, &irq) == 0,
		   "halted-vcpu: MV_INTERRUPT vector 0x%x queued", IRQ_VECTOR);
	runner_wait(&r, c_irqs, 1, WAIT_MS);
	tap_result(atomic_load(&r.irqs) == 1 && ld32(g.data + W_IRQS) == 1,
		   "halted-vcpu: the interrupt woke it and the guest's handler ran once (%u)",
		   ld32(g.data + W_IRQS));
	hp_set(1, "halted-vcpu");
	hp_finish(&g, &r);
}

static void hp_vm_while_offline(void)
{
	struct runner r;
	struct gvm g;

	if (!case_begin("vm-created-while-offline"))
		return;
	if (!hp_set(0, "vm-created-while-offline"))
		return;
	gvm_create_or_bail(&g, hp_sys, RIP_MEM, 0);
	st32(g.data + W_MARK, M1);
	if (!hp_set(1, "vm-created-while-offline: with a VM alive (VMXON in the online callback)")) {
		gvm_destroy(&g);
		return;
	}
	runner_init(&r, &g);
	r.pin_cpu = 1;
	if (runner_start(&r)) {
		hp_goes_on_cpu(&r, 1, 3, "vm-created-while-offline: pinned to CPU 1");
		hp_finish(&g, &r);
	} else {
		gvm_destroy(&g);
	}
}

static void hp_destroy_while_offline(void)
{
	struct runner r;
	struct gvm g;

	if (!case_begin("vm-destroyed-while-offline"))
		return;
	if (!hp_start(&g, &r, 1, "vm-destroyed-while-offline"))
		return;
	if (!runner_stop(&r))
		return;
	if (!hp_set(0, "vm-destroyed-while-offline")) {
		gvm_destroy(&g);
		return;
	}
	gvm_destroy(&g);	/* the last VM: VMXOFF on the online CPUs */
	if (!hp_set(1, "vm-destroyed-while-offline: no VM alive"))
		return;
	if (hp_start(&g, &r, 1, "vm-destroyed-while-offline: a new VM"))
		hp_finish(&g, &r);
}

static void hp_cycles(void)
{
	unsigned int i, ok = 0;
	struct runner r;
	struct gvm g;

	if (!case_begin("cycles"))
		return;
	if (!hp_start(&g, &r, -1, "cycles"))
		return;
	for (i = 0; i < 3; i++) {
		unsigned int rep = atomic_load(&r.reports);

		ok += cpu1_set(0) == 0;
		wait_reports(&r, rep + 2, WAIT_MS);
		ok += cpu1_set(1) == 0;
		wait_reports(&r, rep + 4, WAIT_MS);
	}
	tap_result(ok == 6, "cycles: CPU 1 offline and online 3 times under a running vCPU (%u/6 writes)",
		   ok);
	{
		unsigned int base = atomic_load(&r.reports);
		bool pass = wait_reports(&r, base + 3, WAIT_MS) && runner_healthy(&r);

		if (!tap_result(pass, "cycles: the guest went on throughout, every report 64 above the last (counter %u)",
				atomic_load(&r.counter)))
			runner_diag(&r);
	}
	hp_finish(&g, &r);
}

static void class_hotplug(void)
{
	class_begin("hotplug");
	if (cpu1_online() < 0)
		bail("%s is missing: this kernel cannot take CPU 1 offline", CPU1_ONLINE);
	if (cpu1_online() == 0 && cpu1_set(1))
		bail("CPU 1 is offline and cannot be brought online");
	/* The main thread stays on CPU 0, out of the way. */
	if (!pin_self(0))
		bail("sched_setaffinity(CPU 0): %s", strerror(errno));
	hp_sys = open("/dev/minivisor", O_RDWR | O_CLOEXEC);
	if (hp_sys < 0)
		bail("open /dev/minivisor: %s", strerror(errno));
	hp_no_vm();
	hp_idle_vm();
	hp_running();
	hp_halted();
	hp_vm_while_offline();
	hp_destroy_while_offline();
	hp_cycles();
	if (cpu1_online() != 1)
		cpu1_set(1);
	close(hp_sys);
	unpin_self();
	class_end(NULL);
}

/* ---------------------------------------------------------------------- */
/* keepbusy: no CPU of the PC goes idle                                     */
/* ---------------------------------------------------------------------- */

/*
 * In Bochs with two CPUs, an idle CPU now and then misses its wake-up: a
 * thread made runnable on it waits seconds (state R, no CPU time), and
 * once a CPU offline soft-locked in stop_machine ("CPU#0 stuck for 26s!
 * [migration/0]") with no VM at all. The kernel's idle loop waits in
 * MWAIT (no cpuidle driver) and a waker only writes the idle task's
 * flags instead of sending an IPI; that wake-up is what seems lost. A
 * SCHED_IDLE thread spinning on each CPU keeps every CPU out of the idle
 * loop: wake-ups become real IPIs and the tick keeps running, and the
 * spinners yield to anything else at once. Scenario 18 runs this in the
 * background.
 */
static void *keepbusy_thread(void *arg)
{
	int cpu = (int)(intptr_t)arg;
	struct sched_param sp = { 0 };
	volatile unsigned long n = 0;

	sched_setscheduler(0, SCHED_IDLE, &sp);
	for (;;) {
		/* Back to our CPU after it was offline (affinity broken). */
		if (!(n++ & 0xfffff) && sched_getcpu() != cpu)
			pin_self(cpu);
	}
	return NULL;
}

static int keepbusy(void)
{
	long i, ncpu = sysconf(_SC_NPROCESSORS_CONF);
	pthread_t t;

	if (ncpu > 64)
		ncpu = 64;
	for (i = 0; i < ncpu; i++)
		if (pthread_create(&t, NULL, keepbusy_thread, (void *)(intptr_t)i))
			return 1;
	printf("vmm_hostile: keepbusy: %ld SCHED_IDLE spinners\n", ncpu);
	fflush(stdout);
	for (;;)
		pause();
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: vmm_hostile [--race N] [--only CASE] CLASS...\n"
		"CLASS: memory fork kill ring hotplug (hotplug needs 2 CPUs).\n"
		"vmm_hostile keepbusy: a SCHED_IDLE spinner per CPU until killed.\n"
		"A hostile VMM against /dev/minivisor; prints TAP and a\n"
		"'CASES <class> <n> tried, <outcome>' line per class; exits 0 if\n"
		"every check passed. --race N: requests of the run-page race (500).\n"
		"--only CASE: only the case of that name (not for fork).\n");
}

int main(int argc, char **argv)
{
	unsigned int race = 500;
	struct sigaction sa;
	int i, sys;

	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;	/* no SA_RESTART: RUN returns EINTR */
	sigaction(SIGUSR1, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	if (!strcmp(argv[1], "keepbusy"))
		return keepbusy();
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help")) {
			usage(stdout);
			return 0;
		}
		if (!strcmp(argv[i], "--race") && i + 1 < argc) {
			race = (unsigned int)strtoul(argv[++i], NULL, 0);
			continue;
		}
		if (!strcmp(argv[i], "--only") && i + 1 < argc) {
			only_case = argv[++i];
			continue;
		}
		if (strcmp(argv[i], "memory") && strcmp(argv[i], "fork") &&
		    strcmp(argv[i], "kill") && strcmp(argv[i], "ring") &&
		    strcmp(argv[i], "hotplug")) {
			usage(stderr);
			return 2;
		}
	}

	sys = open("/dev/minivisor", O_RDWR | O_CLOEXEC);
	if (sys < 0)
		bail("open /dev/minivisor: %s (is the module loaded?)",
		     strerror(errno));
	if (ioctl(sys, MV_GET_CAPS, &caps))
		bail("GET_CAPS: %s", strerror(errno));
	close(sys);
	for (cpl_min = 1; cpl_min < caps.max_vcpus; cpl_min <<= 1)
		;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--race") || !strcmp(argv[i], "--only"))
			i++;
		else if (!strcmp(argv[i], "memory"))
			class_memory();
		else if (!strcmp(argv[i], "fork"))
			class_fork();
		else if (!strcmp(argv[i], "kill"))
			class_kill();
		else if (!strcmp(argv[i], "ring"))
			class_ring(race);
		else
			class_hotplug();
	}

	printf("1..%u\n", tap_count);
	printf("# %u passed, %u failed\n", tap_count - tap_failed, tap_failed);
	return tap_failed ? 1 : 0;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * ioctl_fuzz: a structure-aware fuzzer of the /dev/minivisor ABI.
 *
 *   ioctl_fuzz [--seed N] [--calls N] [--threads N] [--progress N]
 *
 * Each thread owns a "world": a model of the objects it created (system
 * fd, VMs, vCPUs, memory slots and the memory behind them, run-page and
 * ring mappings, ring setups and ranges, queued interrupts) and draws
 * actions from it: mostly realistic ones on live objects, with one field
 * at a time mutated, plus whole-object attacks (wrong fd kinds, bad
 * pointers, unknown and malformed ioctl numbers, closing or unmapping
 * under a running vCPU, two RUNs on one vCPU, fork() with inherited fds,
 * SIGKILL at random points). Guests are a few bytes of real-mode code the
 * fuzzer writes into guest memory (OUT, IN, HLT, CPUID, MMIO loads and
 * stores, string I/O, RDMSR/WRMSR, VMCALL, UD2, a triple fault, an
 * endless loop, STI;HLT waiting for queued interrupts) or random bytes.
 *
 * Every result is checked where the ABI (uapi/minivisor.h) decides it:
 * the exact errno of a rejected request (when several rules are broken,
 * any of their errnos), that a failed SET leaves the state as GET read it
 * before, that GET returns what SET set, the exact exits of the scripted
 * guests and the data they carry, the order and number of delivered
 * interrupts, the sequence numbers and records of the exit rings and the
 * way a corrupted ring stops its VM, the VM and vCPU limits, and the
 * sanity of every run page. Where the outcome depends on things the model
 * cannot know (another thread, a killed child, random guest code) only
 * the set of possible outcomes is checked and the errors are counted.
 *
 * A violation is printed as "VIOLATION ..." with the seed, thread and
 * call number. At the end a summary: calls per operation, results per
 * errno, exits per reason, and per class of attack the cases tried, the
 * calls made, the errors expected and the violations.
 *
 * Deterministic from the seed: thread i draws from seed + i, so a run
 * repeats its actions, as long as their outcomes do: what depends on
 * timing (a RUN cut short by the timer, where a SIGKILL lands, how
 * threads interleave) can make two runs of one seed part ways.
 *
 * RUN is always bounded by a per-thread timer whose signal makes it
 * return EINTR. Its lengths are in units of one cheap ioctl's duration,
 * measured at start: the guest kernel's clock runs at very different
 * speeds on hardware and in emulators (in Bochs it crawls), and a guest
 * spinning until the timer fires costs emulated instructions.
 *
 * Exit status: 0 if there was no violation and at least --calls calls
 * were made; 1 otherwise; 2 for a usage or setup error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
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
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <minivisor.h>

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define PAGE		4096ul
#define PAGE_ALIGN(x)	(((x) + PAGE - 1) & ~(PAGE - 1))

#define MAX_THREADS	8
#define M_SLOTS		32	/* model arrays; caps.max_slots must fit */
#define M_VCPUS		8
#define W_VMS		6	/* VM entries per world */
#define N_REGIONS	24	/* guest-memory regions per world */
#define REGION_MAX	(256ul << 10)
#define BASE_SIZE	(64ul << 10)	/* slot at GPA 0 the scripts use */
#define MAX_EXTRA	3	/* extra mappings per vCPU or ring */

/* Guest-physical layout of the scripted real-mode guests (in the base). */
#define IVT_GPA		0x0
#define STUB_GPA	0x800	/* 256 interrupt stubs of 8 bytes */
#define CODE_GPA(id)	(0x2000 + (id) * 0x400)
#define STACK_TOP(id)	(0x7000 + (id) * 0x200)
#define SBUF_GPA(id)	(0x8000 + (id) * 0x1000)	/* string I/O */
#define MMIO_GPA	0xd0000000ull	/* DS base for MMIO scripts */
#define PORT_ECHO	0x81
#define PORT_VEC	0xe0	/* interrupt stubs write their vector */

/* ---------------------------------------------------------------------- */
/* Random numbers (splitmix64), deterministic per world                    */
/* ---------------------------------------------------------------------- */

struct rng {
	uint64_t s;
};

static uint64_t rnd(struct rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static uint32_t below(struct rng *r, uint32_t n)
{
	return n ? (uint32_t)(rnd(r) % n) : 0;
}

/* True with probability @num / @den. */
static bool chance(struct rng *r, uint32_t num, uint32_t den)
{
	return below(r, den) < num;
}

/* An "interesting" 64-bit value: boundaries, single bits, or random. */
static uint64_t rnd_value(struct rng *r)
{
	static const uint64_t special[] = {
		0, 1, 2, 0x7f, 0x80, 0xff, 0x100, 0xfff, 0x1000, 0xffff,
		0x10000, 0x7fffffff, 0x80000000, 0xffffffff, 0x100000000ull,
		0x7fffffffffffffffull, 0x8000000000000000ull, ~0ull,
		0x0000800000000000ull, 0xffff800000000000ull,
		0x00007ffffffff000ull, 0xfffffffffffff000ull,
	};

	switch (below(r, 4)) {
	case 0:
		return special[below(r, ARRAY_SIZE(special))];
	case 1:
		return 1ull << below(r, 64);
	case 2:
		return rnd(r) & 0xffff;
	default:
		return rnd(r);
	}
}

/* ---------------------------------------------------------------------- */
/* Statistics, shared with forked children (MAP_SHARED)                    */
/* ---------------------------------------------------------------------- */

enum op {
	OP_GET_API_VERSION, OP_GET_CAPS, OP_CREATE_VM, OP_SET_MEMORY_SLOT,
	OP_CREATE_VCPU, OP_SETUP_RINGS, OP_SET_RING_RANGE, OP_RUN,
	OP_GET_REGS, OP_SET_REGS, OP_GET_SREGS, OP_SET_SREGS,
	OP_GET_EXIT_STATS, OP_INTERRUPT, OP_NMI, OP_SET_CPUID, OP_GET_CPUID,
	OP_SET_MSR_POLICY, OP_BOGUS, OP_OPEN, OP_CLOSE, OP_MMAP, OP_MUNMAP,
	OP_MREMAP, OP_FORK, OP_KILL, NR_OPS
};

static const char *const op_name[NR_OPS] = {
	"MV_GET_API_VERSION", "MV_GET_CAPS", "MV_CREATE_VM",
	"MV_SET_MEMORY_SLOT", "MV_CREATE_VCPU", "MV_SETUP_RINGS",
	"MV_SET_RING_RANGE", "MV_RUN", "MV_GET_REGS", "MV_SET_REGS",
	"MV_GET_SREGS", "MV_SET_SREGS", "MV_GET_EXIT_STATS", "MV_INTERRUPT",
	"MV_NMI", "MV_SET_CPUID", "MV_GET_CPUID", "MV_SET_MSR_POLICY",
	"unknown/malformed ioctl", "open /dev/minivisor", "close",
	"mmap", "munmap", "mremap", "fork", "SIGKILL",
};

enum cls {
	C_SYS, C_VMLIFE, C_SLOT, C_VCPU, C_REGS, C_SREGS, C_RUNSCRIPT,
	C_RUNCHAOS, C_CPUID, C_MSR, C_IRQ, C_RINGSETUP, C_RINGPROTO, C_MMAP,
	C_WRONGFD, C_BADCMD, C_BADPTR, C_RACE, C_FORK, C_KILL, NR_CLS
};

static const char *const cls_name[NR_CLS] = {
	"system-fd", "vm-lifecycle", "memory-slots", "vcpu-create", "regs",
	"sregs", "run-scripted", "run-chaotic", "cpuid", "msr", "irq-nmi",
	"ring-setup", "ring-protocol", "mmap-munmap", "wrong-fd-kind",
	"bad-ioctl-number", "bad-pointer", "races", "fork-inherit",
	"sigkill-child",
};

#define NR_EXIT_SLOTS	12	/* MV_EXIT_* 0..8 */
#define NR_ERRNO	135

struct stats {
	atomic_uint_fast64_t calls;
	atomic_uint_fast64_t op_calls[NR_OPS];
	atomic_uint_fast64_t errnos[NR_ERRNO];	/* [0]: success */
	atomic_uint_fast64_t exits[NR_EXIT_SLOTS];
	atomic_uint_fast64_t internal[8];	/* by suberror */
	atomic_uint_fast64_t cls_cases[NR_CLS];
	atomic_uint_fast64_t cls_calls[NR_CLS];
	atomic_uint_fast64_t cls_errors[NR_CLS];
	atomic_uint_fast64_t cls_viol[NR_CLS];
	atomic_uint_fast64_t cls_ns[NR_CLS];	/* guest-clock time spent */
	atomic_uint_fast64_t violations;
	atomic_uint_fast64_t printed;
	atomic_uint_fast64_t run_ns;		/* time inside MV_RUN */
	atomic_uint_fast64_t run_intr_ns;	/* of it, RUNs ending in EINTR */
};

static struct stats *st;
static uint64_t opt_seed;
static uint64_t opt_calls = 10000;
static unsigned int opt_threads = 1;
static uint64_t opt_progress;
static uint32_t opt_only = ~0u;	/* classes of actions to draw (--only) */
static bool opt_trace;			/* a line per action (--trace 1) */
static struct mv_caps caps;
static size_t run_size;

/* ---------------------------------------------------------------------- */
/* The model                                                               */
/* ---------------------------------------------------------------------- */

enum slot_state { S_FREE, S_USED, S_UNKNOWN };

struct slot {
	enum slot_state st;
	uint64_t gpa, size;
	uint32_t flags;
};

struct map {
	void *addr;
	size_t len;
};

struct vcpu {
	bool exists;		/* the kernel object is alive */
	int fd;			/* -1: closed (a mapping may keep it alive) */
	struct mv_run *run;	/* our MAP_SHARED run page, or NULL */
	struct map extra[MAX_EXTRA];
	bool known;		/* nothing pending in the kernel; state ours */
	bool maybe_halted;	/* may sleep in HLT until an event */
	bool msr_pending;	/* an MSR exit may await its completion */
	bool pending;		/* a read (IN, MMIO, MSR) may await its data */
	bool policy_exit;	/* MV_MSR_POLICY_EXIT (if policy_known) */
	bool policy_known;
	unsigned int irq_bound;	/* interrupts that may still be queued */
	char hist[48][24];	/* debugging: the last events */
	unsigned int nhist;
	unsigned int nmi_bound;
	uint64_t total_exits, user_exits;	/* last MV_GET_EXIT_STATS */
	struct mv_sregs reset;	/* the state at creation */
};

struct ring_model {
	int state;		/* 0 none, 1 set up, 2 maybe (unknown) */
	struct mv_ring_layout layout;
	int req_efd, kick_efd;
	uint8_t *area;		/* our full MAP_SHARED mapping, or NULL */
	struct map extra[MAX_EXTRA];
	struct mv_ring_range ranges[MV_RING_MAX_RANGES];
	unsigned int nranges;
	uint64_t next_seq;
	uint32_t req_head;	/* ours: consumer of the request ring */
	uint32_t cpl_tail;	/* ours: producer of the completion ring */
	bool awaiting[M_VCPUS];
	uint64_t await_seq[M_VCPUS];
	bool blind;		/* requests may have gone by unread */
	uint32_t corrupt;	/* bit e: MV_RING_ERR e may stop the VM */
	bool broken;		/* the kernel said so */
	struct mv_ring_req last[4];	/* the last requests read */
	unsigned int nlast;
};

struct vm {
	bool exists;		/* alive: fd, a vCPU or a ring mapping */
	int fd;
	struct slot slots[M_SLOTS];
	struct vcpu vcpus[M_VCPUS];
	struct ring_model ring;
	int base_slot;		/* slot at GPA 0, BASE_SIZE, RW; -1 */
	int base_region;
};

enum rkind { R_FREE, R_RW, R_RO, R_NONE, R_MEMFD };

struct region {
	enum rkind kind;
	uint8_t *addr;
	size_t len;		/* accessible bytes from addr */
};

/* Children record what they may change, before they try (write-ahead). */
struct child_log {
	uint32_t slot_touched[W_VMS];	/* bit per slot */
	unsigned int irqs[W_VMS][M_VCPUS];
	unsigned int nmis[W_VMS][M_VCPUS];
};

struct world {
	int idx;
	struct rng rng;
	int sys_fd;
	struct vm vms[W_VMS];
	uint8_t *arena;		/* N_REGIONS * REGION_MAX, PROT_NONE base */
	struct region regions[N_REGIONS];
	uint8_t *none_page;	/* a PROT_NONE page */
	uint8_t *ro_page;	/* a PROT_READ page */
	uint8_t *edge;		/* RW page followed by a PROT_NONE page */
	uint64_t calls;		/* made by this world */
	uint64_t calls_seen;	/* at the last step */
	unsigned int idle_steps;	/* steps in a row without a call */
	int sub;		/* variant of the last action, for --trace */
	int go[2];		/* child -> parent: "kill me now" */
	unsigned int kill_after;	/* in a child: actions before that */
	unsigned int max_vms;	/* VMs this world keeps at most */
	enum cls cls;
	uint64_t action;	/* actions done, for messages */
	bool child;		/* in a forked child */
	bool exclusive;		/* alone: global counts are decidable */
	struct child_log *log;	/* in a child: what it may change */
	struct child_log *shared_log;	/* MAP_SHARED, for the children */
};

/* fd creation waits while a race closes an fd under a running thread. */
static pthread_rwlock_t fd_lock = PTHREAD_RWLOCK_INITIALIZER;

/* ---------------------------------------------------------------------- */
/* Output (write(2) only: usable in forked children of threads)            */
/* ---------------------------------------------------------------------- */

__attribute__((format(printf, 1, 2)))
static void say(const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(buf))
		n = sizeof(buf) - 1;
	if (write(STDOUT_FILENO, buf, n) < 0)
		return;
}

static const char *ename(int e)
{
	static const struct {
		int e;
		const char *n;
	} names[] = {
		{ 0, "ok" }, { EPERM, "EPERM" }, { ENOENT, "ENOENT" },
		{ EINTR, "EINTR" }, { EIO, "EIO" }, { ENXIO, "ENXIO" },
		{ E2BIG, "E2BIG" }, { EBADF, "EBADF" }, { EAGAIN, "EAGAIN" },
		{ ENOMEM, "ENOMEM" }, { EACCES, "EACCES" }, { EFAULT, "EFAULT" },
		{ EBUSY, "EBUSY" }, { EEXIST, "EEXIST" }, { ENODEV, "ENODEV" },
		{ EINVAL, "EINVAL" }, { ENOTTY, "ENOTTY" }, { ENOSPC, "ENOSPC" },
		{ EPIPE, "EPIPE" }, { EOPNOTSUPP, "EOPNOTSUPP" },
		{ EOVERFLOW, "EOVERFLOW" }, { EPERM, "EPERM" },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(names); i++)
		if (names[i].e == e)
			return names[i].n;
	return "errno?";
}

static void add(atomic_uint_fast64_t *a, uint64_t n)
{
	atomic_fetch_add_explicit(a, n, memory_order_relaxed);
}

__attribute__((format(printf, 2, 3)))
static void violation(struct world *w, const char *fmt, ...)
{
	char msg[768];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	add(&st->violations, 1);
	add(&st->cls_viol[w->cls], 1);
	if (atomic_fetch_add(&st->printed, 1) < 100)
		say("VIOLATION seed %" PRIu64 " thread %d%s action %" PRIu64
		    " call %" PRIu64 " [%s]: %s\n", opt_seed, w->idx,
		    w->child ? " (child)" : "", w->action, w->calls,
		    cls_name[w->cls], msg);
}

/* ---------------------------------------------------------------------- */
/* System call wrappers that count                                         */
/* ---------------------------------------------------------------------- */

struct res {
	long ret;
	int err;
};

static void note(struct world *w, enum op op, int err, bool module_call)
{
	w->calls++;
	if (module_call)
		add(&st->calls, 1);
	add(&st->op_calls[op], 1);
	add(&st->cls_calls[w->cls], 1);
	add(&st->errnos[err < NR_ERRNO ? err : NR_ERRNO - 1], 1);
	if (opt_progress && module_call &&
	    atomic_load(&st->calls) % opt_progress == 0)
		dprintf(STDERR_FILENO, "ioctl_fuzz: seed %" PRIu64 ": %" PRIu64 " calls, %" PRIu64 " violations\n",
			opt_seed, (uint64_t)atomic_load(&st->calls),
			(uint64_t)atomic_load(&st->violations));
}

static struct res xioctl(struct world *w, enum op op, int fd,
			 unsigned long cmd, unsigned long arg)
{
	struct res r;

	r.ret = ioctl(fd, cmd, arg);
	r.err = r.ret < 0 ? errno : 0;
	note(w, op, r.err, true);
	return r;
}

static struct res xioctlp(struct world *w, enum op op, int fd,
			  unsigned long cmd, const void *arg)
{
	return xioctl(w, op, fd, cmd, (unsigned long)(uintptr_t)arg);
}

static void *xmmap(struct world *w, void *addr, size_t len, int prot,
		   int flags, int fd, off_t off, int *err)
{
	void *p;

	p = mmap(addr, len, prot, flags, fd, off);
	*err = p == MAP_FAILED ? errno : 0;
	note(w, OP_MMAP, *err, true);
	return p;
}

static void xmunmap(struct world *w, void *addr, size_t len)
{
	int e = munmap(addr, len) ? errno : 0;

	note(w, OP_MUNMAP, e, true);
}

static void xclose(struct world *w, int fd)
{
	int e = close(fd) ? errno : 0;

	note(w, OP_CLOSE, e, true);
}

/* Bit for an errno in an "acceptable" set. */
static uint64_t eb(int e)
{
	return e == EOPNOTSUPP ? 1ull << 63 : e < 63 ? 1ull << e : 0;
}

/*
 * Judge a result: success acceptable if @ok, failures acceptable if their
 * errno is in @errs. Counts the expected errors; a mismatch is a
 * violation. Returns true if the call succeeded.
 */
static bool judge(struct world *w, const char *what, struct res r, bool ok,
		  uint64_t errs)
{
	if (r.ret >= 0) {
		if (!ok)
			violation(w, "%s succeeded (returned %ld), expected failure", what, r.ret);
		return true;
	}
	if (!(errs & eb(r.err))) {
		char want[256] = "";
		int e;

		for (e = 1; e < 64; e++)
			if (errs & eb(e) && e != 63)
				snprintf(want + strlen(want), sizeof(want) - strlen(want),
					 " %s", ename(e));
		if (errs & eb(EOPNOTSUPP))
			snprintf(want + strlen(want), sizeof(want) - strlen(want), " EOPNOTSUPP");
		violation(w, "%s failed with %s (%d), expected%s%s%s", what,
			  ename(r.err), r.err, ok ? " success" : "",
			  ok && errs ? " or" : "", want);
	} else {
		add(&st->cls_errors[w->cls], 1);
	}
	return false;
}

/* ---------------------------------------------------------------------- */
/* Per-thread RUN timer: RUN must come back with EINTR when it fires       */
/* ---------------------------------------------------------------------- */

/*
 * Timers are in "units": the guest-clock time one cheap ioctl takes,
 * measured at start. Emulators run the guest's clock at odd speeds (in
 * Bochs it crawls against the work done), and a guest spinning until a
 * timer fires costs emulated instructions: waits scale with the machine.
 */
static uint64_t unit_ns = 1000;
#define T_BLOCK		40	/* a guest spinning in a loop */
#define T_CHAOS		10	/* random code, per RUN (up to 5x) */
#define T_SLEEP		300	/* a vCPU asleep in HLT (the host idles) */
#define T_RING		300	/* a vCPU waiting for a completion */
#define T_STEP		5000	/* an exit that should come at once */
#define T_REFIRE	2000	/* the timer's period after it first fired */

static unsigned int U(unsigned int units)
{
	uint64_t us = (units * unit_ns + 999) / 1000;

	return us ? (unsigned int)(us < 10000000 ? us : 10000000) : 1;
}

static _Thread_local timer_t t_timer;
static _Thread_local bool t_timer_ok;

static void on_sigusr1(int sig)
{
	(void)sig;
}

static void timer_thread_init(void)
{
	struct sigevent sev;

	memset(&sev, 0, sizeof(sev));
	sev.sigev_notify = SIGEV_THREAD_ID;
	sev.sigev_signo = SIGUSR1;
	sev._sigev_un._tid = gettid();
	t_timer_ok = timer_create(CLOCK_MONOTONIC, &sev, &t_timer) == 0;
}

static void timer_thread_exit(void)
{
	if (t_timer_ok)
		timer_delete(t_timer);
	t_timer_ok = false;
}

static void timer_arm(unsigned int us)
{
	struct itimerspec its;

	memset(&its, 0, sizeof(its));
	its.it_value.tv_sec = us / 1000000;
	its.it_value.tv_nsec = (long)(us % 1000000) * 1000;
	/*
	 * Then periodic: a signal that fires before the ioctl is entered
	 * (the thread was preempted) is followed by another one inside it.
	 * Not too often: handling a signal has its cost too.
	 */
	its.it_interval.tv_nsec = (long)(unit_ns * T_REFIRE);
	its.it_interval.tv_sec = its.it_interval.tv_nsec / 1000000000;
	its.it_interval.tv_nsec %= 1000000000;
	if (t_timer_ok)
		timer_settime(t_timer, 0, &its, NULL);
}

static void timer_disarm(void)
{
	struct itimerspec its;

	memset(&its, 0, sizeof(its));
	if (t_timer_ok)
		timer_settime(t_timer, 0, &its, NULL);
}

__attribute__((format(printf, 3, 4)))
static void vhist(struct world *w, struct vcpu *v, const char *fmt, ...)
{
	char *e = v->hist[v->nhist++ % 48];
	va_list ap;
	int n = snprintf(e, 24, "%" PRIu64 ":", w->action);

	va_start(ap, fmt);
	vsnprintf(e + n, 24 - n, fmt, ap);
	va_end(ap);
}

static void vhist_dump(struct vcpu *v)
{
	char buf[1200] = "";
	unsigned int i, n = v->nhist < 48 ? v->nhist : 48;

	for (i = v->nhist - n; i < v->nhist; i++)
		snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), " %s", v->hist[i % 48]);
	say("  history:%s\n", buf);
}

/* ---------------------------------------------------------------------- */
/* Model helpers                                                           */
/* ---------------------------------------------------------------------- */

static bool vcpu_alive(const struct vcpu *v)
{
	unsigned int i;

	if (v->fd >= 0 || v->run)
		return true;
	for (i = 0; i < MAX_EXTRA; i++)
		if (v->extra[i].addr)
			return true;
	return false;
}

static bool ring_mapped(const struct ring_model *rm)
{
	unsigned int i;

	if (rm->area)
		return true;
	for (i = 0; i < MAX_EXTRA; i++)
		if (rm->extra[i].addr)
			return true;
	return false;
}

static void ring_forget(struct ring_model *rm)
{
	if (rm->req_efd >= 0)
		close(rm->req_efd);
	if (rm->kick_efd >= 0)
		close(rm->kick_efd);
	memset(rm, 0, sizeof(*rm));
	rm->req_efd = -1;
	rm->kick_efd = -1;
}

static void vm_reset_model(struct vm *vm)
{
	unsigned int i;

	ring_forget(&vm->ring);
	memset(vm, 0, sizeof(*vm));
	vm->fd = -1;
	vm->base_slot = -1;
	vm->base_region = -1;
	vm->ring.req_efd = -1;
	vm->ring.kick_efd = -1;
	for (i = 0; i < M_VCPUS; i++)
		vm->vcpus[i].fd = -1;
}

/* After any close/munmap: drop objects whose last reference went. */
static void vm_refresh(struct vm *vm)
{
	bool alive = vm->fd >= 0 || ring_mapped(&vm->ring);
	unsigned int i;

	for (i = 0; i < M_VCPUS; i++) {
		struct vcpu *v = &vm->vcpus[i];

		if (v->exists && !vcpu_alive(v)) {
			struct ring_model *rm = &vm->ring;

			/*
			 * Released: the kernel forgets its ring request. A
			 * completion we already wrote for it now matches no
			 * waiter and stops the VM when read.
			 */
			rm->awaiting[i] = false;
			memset(v, 0, sizeof(*v));
			v->fd = -1;
		}
		alive = alive || v->exists;
	}
	if (vm->exists && !alive)
		vm_reset_model(vm);
}

static unsigned int world_live_vms(const struct world *w)
{
	unsigned int i, n = 0;

	for (i = 0; i < W_VMS; i++)
		n += w->vms[i].exists;
	return n;
}

static struct vm *pick_vm(struct world *w, bool need_fd)
{
	unsigned int i, n = 0, k;
	struct vm *c[W_VMS];

	for (i = 0; i < W_VMS; i++)
		if (w->vms[i].exists && (!need_fd || w->vms[i].fd >= 0))
			c[n++] = &w->vms[i];
	if (!n)
		return NULL;
	k = below(&w->rng, n);
	return c[k];
}

static struct vcpu *pick_vcpu(struct world *w, struct vm *vm, bool need_fd)
{
	unsigned int i, n = 0;
	struct vcpu *c[M_VCPUS];

	for (i = 0; i < M_VCPUS; i++)
		if (vm->vcpus[i].exists && (!need_fd || vm->vcpus[i].fd >= 0))
			c[n++] = &vm->vcpus[i];
	return n ? c[below(&w->rng, n)] : NULL;
}

static unsigned int vcpu_id(const struct vm *vm, const struct vcpu *v)
{
	return (unsigned int)(v - vm->vcpus);
}

/* ---------------------------------------------------------------------- */
/* Guest memory regions (inside a PROT_NONE arena, never reused by others) */
/* ---------------------------------------------------------------------- */

static uint8_t *region_base(const struct world *w, unsigned int i)
{
	return w->arena + i * REGION_MAX;
}

/* Replace region @i's mapping; R_NONE makes the whole slot PROT_NONE. */
static bool region_set(struct world *w, unsigned int i, enum rkind kind,
		       size_t len)
{
	uint8_t *a = region_base(w, i);
	int prot, fd = -1;
	unsigned int k;
	void *p;

	/* A slot on it keeps the old pages: it is no VM's base any more. */
	for (k = 0; k < W_VMS; k++)
		if (w->vms[k].base_region == (int)i) {
			w->vms[k].base_slot = -1;
			w->vms[k].base_region = -1;
		}

	if (kind == R_NONE || kind == R_FREE) {
		p = mmap(a, REGION_MAX, PROT_NONE,
			 MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		note(w, OP_MUNMAP, p == MAP_FAILED ? errno : 0, false);
		w->regions[i] = (struct region){ kind, a, 0 };
		return p != MAP_FAILED;
	}
	/* The rest of the slot is PROT_NONE. */
	prot = kind == R_RO ? PROT_READ : PROT_READ | PROT_WRITE;
	p = mmap(a, REGION_MAX, PROT_NONE,
		 MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p != MAP_FAILED && kind == R_MEMFD) {
		fd = memfd_create("ioctl_fuzz", MFD_CLOEXEC);
		if (fd < 0 || ftruncate(fd, len)) {
			if (fd >= 0)
				close(fd);
			w->regions[i] = (struct region){ R_NONE, a, 0 };
			return false;
		}
		p = mmap(a, len, prot, MAP_FIXED | MAP_SHARED, fd, 0);
		close(fd);
	} else if (p != MAP_FAILED) {
		p = mmap(a, len, prot, MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	}
	note(w, OP_MMAP, p == MAP_FAILED ? errno : 0, false);
	if (p == MAP_FAILED) {
		w->regions[i] = (struct region){ R_NONE, a, 0 };
		return false;
	}
	w->regions[i] = (struct region){ kind, a, len };
	return true;
}

/*
 * Would pinning [@uaddr, +@size) succeed? 1 yes, 0 no (EFAULT), -1 the
 * model cannot tell (memory outside our arena).
 */
static int pin_outcome(const struct world *w, uint64_t uaddr, uint64_t size,
		       bool writable)
{
	uint64_t a0 = (uintptr_t)w->arena, a1 = a0 + N_REGIONS * REGION_MAX;
	uint64_t end = uaddr + size, p;
	bool outside = false;

	/* Below mmap_min_addr nothing can be mapped; kernel half neither. */
	if (uaddr < 0x10000 || uaddr >= 0x0000800000000000ull)
		return 0;
	if (uaddr < a0 || uaddr >= a1)
		return -1;
	if (end > a1) {
		outside = true;
		end = a1;
	}
	for (p = uaddr; p < end;) {
		unsigned int i = (unsigned int)((p - a0) / REGION_MAX);
		const struct region *r = &w->regions[i];
		uint64_t rs = (uintptr_t)region_base(w, i);
		uint64_t acc_end = rs + r->len;

		if (r->kind == R_FREE || r->kind == R_NONE || p >= acc_end)
			return 0;
		if (writable && r->kind == R_RO)
			return 0;
		p = acc_end < end ? acc_end : end;
		if (p == acc_end && acc_end < rs + REGION_MAX && p < end)
			return 0;	/* runs into the PROT_NONE tail */
	}
	return outside ? -1 : 1;
}

/* A userspace address for a slot: mostly inside a region. */
static uint64_t pick_uaddr(struct world *w, uint64_t size, int *region)
{
	unsigned int i = below(&w->rng, N_REGIONS);
	const struct region *r = &w->regions[i];

	*region = -1;
	switch (below(&w->rng, 12)) {
	case 0:
		return 0x1000 * (1 + below(&w->rng, 15));	/* unmapped */
	case 1:
		return 0xffff888000000000ull;			/* kernel */
	case 2:
		return (uintptr_t)w->none_page;
	case 3:
		return (uintptr_t)w->ro_page;
	case 4:
		return (uintptr_t)region_base(w, i) + below(&w->rng, REGION_MAX / PAGE) * PAGE;
	default:
		*region = (int)i;
		if (r->len >= size && r->len)
			return (uintptr_t)r->addr +
			       below(&w->rng, (uint32_t)((r->len - size) / PAGE + 1)) * PAGE;
		return (uintptr_t)region_base(w, i);
	}
}

/* ---------------------------------------------------------------------- */
/* The ABI's rules, as the oracle                                          */
/* ---------------------------------------------------------------------- */

#define RFLAGS_RESERVED	(~0x3fffffull | 1ull << 3 | 1ull << 5 | 1ull << 15)

static bool regs_valid(const struct mv_regs *r)
{
	return (r->rflags & 2) && !(r->rflags & RFLAGS_RESERVED);
}

#define CR0_PE	(1ull << 0)
#define CR0_ET	(1ull << 4)
#define CR0_NE	(1ull << 5)
#define CR0_NW	(1ull << 29)
#define CR0_CD	(1ull << 30)
#define CR0_PG	(1ull << 31)
#define CR0_VALID	(0x3full | 1ull << 16 | 1ull << 18 | CR0_NW | CR0_CD | CR0_PG)
#define CR4_PAE		(1ull << 5)
#define CR4_VMXE	(1ull << 13)
#define CR4_PCIDE	(1ull << 17)
#define EFER_SCE	(1ull << 0)
#define EFER_LME	(1ull << 8)
#define EFER_LMA	(1ull << 10)
#define EFER_NX		(1ull << 11)
#define EFER_VALID	(EFER_SCE | EFER_LME | EFER_LMA | EFER_NX)

static bool seg_valid(const struct mv_segment *s)
{
	return !s->reserved && s->type <= 15 && s->dpl <= 3 &&
	       (s->s | s->present | s->avl | s->l | s->db | s->g | s->unusable) <= 1;
}

static struct mv_segment *sreg_seg(struct mv_sregs *s, unsigned int i)
{
	struct mv_segment *segs[] = {
		&s->cs, &s->ds, &s->es, &s->fs, &s->gs, &s->ss, &s->tr, &s->ldt,
	};

	return segs[i];
}

/*
 * SET_SREGS accepts a state iff: reserved fields are zero, segment fields
 * are in range, CR0 has only architectural bits and obeys MOV CR0's #GP
 * rules (PG needs PE, NW needs CD), CR4 only bits the CPU allows without
 * VMXE, CR3 below max_gpa, EFER known bits with LMA == LME && PG, IA-32e
 * mode with PAE, PCIDE only in IA-32e mode, and not CS.L with CS.D there.
 */
static bool sregs_valid(const struct mv_sregs *s)
{
	struct mv_sregs c = *s;
	bool lm;
	unsigned int i;

	for (i = 0; i < 4; i++)
		if (s->reserved[i])
			return false;
	for (i = 0; i < 8; i++)
		if (!seg_valid(sreg_seg(&c, i)))
			return false;
	for (i = 0; i < 3; i++)
		if (s->gdt.reserved[i] || s->idt.reserved[i])
			return false;
	if (s->cr0 & ~CR0_VALID)
		return false;
	if ((s->cr0 & CR0_PG) && !(s->cr0 & CR0_PE))
		return false;
	if ((s->cr0 & CR0_NW) && !(s->cr0 & CR0_CD))
		return false;
	if (s->cr4 & (~caps.vmx_cr4_fixed1 | CR4_VMXE))
		return false;
	if (s->cr3 >= caps.max_gpa)
		return false;
	if (s->efer & ~EFER_VALID)
		return false;
	lm = (s->efer & EFER_LME) && (s->cr0 & CR0_PG);
	if (!!(s->efer & EFER_LMA) != lm)
		return false;
	if (lm && !(s->cr4 & CR4_PAE))
		return false;
	if (!lm && (s->cr4 & CR4_PCIDE))
		return false;
	if (lm && s->cs.l && s->cs.db)
		return false;
	return true;
}

/* What GET_SREGS returns after SET_SREGS of @s. */
static void sregs_normalize(struct mv_sregs *s)
{
	unsigned int i;

	for (i = 0; i < 8; i++) {
		struct mv_segment *g = sreg_seg(s, i);

		if (g->unusable) {
			g->type = g->s = g->dpl = g->present = 0;
			g->avl = g->l = g->db = g->g = 0;
		}
	}
}

static bool sregs_equal(const struct mv_sregs *a, const struct mv_sregs *b)
{
	return !memcmp(a, b, sizeof(*a));
}

static const char *sregs_diff(const struct mv_sregs *a, const struct mv_sregs *b)
{
	static const char *const seg_names[] = {
		"cs", "ds", "es", "fs", "gs", "ss", "tr", "ldt",
	};
	struct mv_sregs x = *a, y = *b;
	unsigned int i;

	for (i = 0; i < 8; i++)
		if (memcmp(sreg_seg(&x, i), sreg_seg(&y, i), sizeof(struct mv_segment)))
			return seg_names[i];
	if (memcmp(&x.gdt, &y.gdt, sizeof(x.gdt)))
		return "gdt";
	if (memcmp(&x.idt, &y.idt, sizeof(x.idt)))
		return "idt";
	if (x.cr0 != y.cr0)
		return "cr0";
	if (x.cr2 != y.cr2)
		return "cr2";
	if (x.cr3 != y.cr3)
		return "cr3";
	if (x.cr4 != y.cr4)
		return "cr4";
	if (x.efer != y.efer)
		return "efer";
	return "reserved";
}

/* ---------------------------------------------------------------------- */
/* Run pages and exits                                                     */
/* ---------------------------------------------------------------------- */

static const char *exit_name(uint32_t r)
{
	static const char *const names[] = {
		"NONE", "HLT", "IO", "MMIO", "SHUTDOWN", "FAIL_ENTRY",
		"INTERNAL_ERROR", "INTR", "MSR",
	};

	return r < ARRAY_SIZE(names) ? names[r] : "?";
}

/* The run page after RUN returned @r must be a well-formed exit. */
static void check_run_page(struct world *w, const struct mv_run *run,
			   struct res r)
{
	unsigned int i;

	if (r.ret < 0) {
		if (r.err == EINTR && run->exit_reason != MV_EXIT_INTR)
			violation(w, "RUN failed with EINTR but exit_reason is %u", run->exit_reason);
		return;
	}
	switch (run->exit_reason) {
	case MV_EXIT_HLT:
	case MV_EXIT_SHUTDOWN:
		break;
	case MV_EXIT_IO:
		if (run->io.direction > 1 ||
		    (run->io.size != 1 && run->io.size != 2 && run->io.size != 4) ||
		    !run->io.count ||
		    run->io.count * run->io.size > MV_RUN_IO_DATA_MAX ||
		    run->io.data_offset != MV_RUN_IO_DATA_OFFSET ||
		    run->io.reserved)
			violation(w, "malformed IO exit: dir %u size %u port 0x%x count %u offset %u reserved %u",
				  run->io.direction, run->io.size, run->io.port,
				  run->io.count, run->io.data_offset, run->io.reserved);
		break;
	case MV_EXIT_MMIO:
		if ((run->mmio.len != 1 && run->mmio.len != 2 &&
		     run->mmio.len != 4 && run->mmio.len != 8) ||
		    run->mmio.is_write > 1 || run->mmio.reserved[0] ||
		    run->mmio.reserved[1] || run->mmio.reserved[2]) {
			violation(w, "malformed MMIO exit: len %u is_write %u",
				  run->mmio.len, run->mmio.is_write);
			break;
		}
		for (i = run->mmio.len; i < 8; i++)
			if (run->mmio.data[i])
				violation(w, "MMIO exit: data byte %u past len %u is 0x%x",
					  i, run->mmio.len, run->mmio.data[i]);
		if (!run->mmio.is_write)
			for (i = 0; i < 8; i++)
				if (run->mmio.data[i]) {
					violation(w, "MMIO read exit carries data");
					break;
				}
		break;
	case MV_EXIT_FAIL_ENTRY:
		if (!(run->fail_entry.hardware_exit_reason & 0x80000000u) &&
		    !run->fail_entry.vm_instruction_error)
			violation(w, "FAIL_ENTRY without bit 31 or an instruction error (reason 0x%llx)",
				  (unsigned long long)run->fail_entry.hardware_exit_reason);
		break;
	case MV_EXIT_INTERNAL_ERROR:
		if (run->internal.suberror < MV_INTERNAL_UNHANDLED_EXIT ||
		    run->internal.suberror > MV_INTERNAL_RING ||
		    run->internal.ndata > 16)
			violation(w, "malformed internal error: suberror %u ndata %u",
				  run->internal.suberror, run->internal.ndata);
		else
			add(&st->internal[run->internal.suberror], 1);
		break;
	case MV_EXIT_MSR:
		if (run->msr.is_write > 1 || run->msr.error ||
		    run->msr.reserved[0] || run->msr.reserved[1])
			violation(w, "malformed MSR exit: is_write %u error %u",
				  run->msr.is_write, run->msr.error);
		break;
	default:
		violation(w, "RUN returned 0 with exit_reason %u", run->exit_reason);
	}
}

static bool map_run(struct world *w, struct vcpu *v)
{
	int err;
	void *p;

	if (v->run)
		return true;
	if (v->fd < 0)
		return false;
	p = xmmap(w, NULL, run_size, PROT_READ | PROT_WRITE, MAP_SHARED, v->fd, 0, &err);
	if (p == MAP_FAILED) {
		violation(w, "mmap of a vCPU's run page failed: %s", ename(err));
		return false;
	}
	v->run = p;
	return true;
}

static void ring_drain(struct world *w, struct vm *vm);

/*
 * RUN with a timer: EINTR if the guest is still inside after @us. Checks
 * the run page and the set of errnos RUN may return, counts the exit.
 */
static struct res do_run(struct world *w, struct vm *vm, struct vcpu *v,
			 unsigned int us)
{
	struct timespec t0, t1;
	uint64_t ns;
	struct res r;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	timer_arm(us);
	r = xioctl(w, OP_RUN, v->fd, MV_RUN, 0);
	timer_disarm();
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ns = (uint64_t)(t1.tv_sec - t0.tv_sec) * 1000000000ull + (uint64_t)t1.tv_nsec - (uint64_t)t0.tv_nsec;
	add(&st->run_ns, ns);
	if (r.ret < 0)
		add(&st->run_intr_ns, ns);
	if (r.ret < 0) {
		uint64_t ok = eb(EINTR);

		if (v->msr_pending || !v->known)
			ok |= eb(EINVAL);	/* a bad MSR completion */
		judge(w, "RUN", r, true, ok);
		if (r.err == EINTR)
			add(&st->exits[MV_EXIT_INTR], 1);
	} else if (r.ret != 0) {
		violation(w, "RUN returned %ld", r.ret);
	}
	if (v->run) {
		check_run_page(w, v->run, r);
		if (r.ret == 0 && v->run->exit_reason < NR_EXIT_SLOTS)
			add(&st->exits[v->run->exit_reason], 1);
		v->msr_pending = (r.ret == 0 && v->run->exit_reason == MV_EXIT_MSR) ||
				 (r.ret < 0 && v->msr_pending);
		if (r.ret == 0)
			v->pending = v->run->exit_reason == MV_EXIT_MSR ||
				     (v->run->exit_reason == MV_EXIT_IO &&
				      v->run->io.direction == MV_IO_IN) ||
				     (v->run->exit_reason == MV_EXIT_MMIO && !v->run->mmio.is_write);
	} else {
		v->msr_pending = true;	/* unknown: allow EINVAL later */
		v->pending = true;
	}
	if (vm->ring.state)
		ring_drain(w, vm);
	return r;
}

static bool nmi_stub_exit(const struct mv_run *run);

/*
 * do_run(), letting a queued NMI interject: its stub reports vector 2 and
 * returns to where the guest was. Any other exit is the caller's.
 */
static struct res do_run_nmi(struct world *w, struct vm *vm, struct vcpu *v,
			     unsigned int us)
{
	struct res r;
	unsigned int i;

	for (i = 0; i < 4; i++) {
		r = do_run(w, vm, v, us);
		if (r.ret || !v->run || !v->nmi_bound || !nmi_stub_exit(v->run))
			break;
		v->nmi_bound--;
	}
	return r;
}

/* ---------------------------------------------------------------------- */
/* Exit rings: reading requests, writing completions                       */
/* ---------------------------------------------------------------------- */

static uint32_t *ring_u32(struct ring_model *rm, uint32_t off)
{
	return (uint32_t *)(rm->area + off);
}

/*
 * Read every new request: records must be well formed and numbered 1, 2,
 * 3, ... without gaps; note which vCPUs now wait for a completion.
 */
static void ring_drain(struct world *w, struct vm *vm)
{
	struct ring_model *rm = &vm->ring;
	uint32_t tail, mask, kflags;
	unsigned int i;

	if (rm->state != 1)
		return;
	if (!rm->area) {
		if (rm->nranges)
			rm->blind = true;
		return;
	}
	mask = rm->layout.req_entries - 1;
	kflags = __atomic_load_n(ring_u32(rm, rm->layout.kernel_flags), __ATOMIC_ACQUIRE);
	if ((kflags & MV_RING_KF_BROKEN) && !rm->broken) {
		if (!rm->corrupt)
			violation(w, "ring marked BROKEN although the VMM never corrupted it");
		rm->broken = true;
	}
	tail = __atomic_load_n(ring_u32(rm, rm->layout.req_tail), __ATOMIC_ACQUIRE);
	if (tail - rm->req_head > rm->layout.req_entries) {
		if (!rm->corrupt && !rm->blind)
			violation(w, "req_tail %u is more than %u ahead of our head %u",
				  tail, rm->layout.req_entries, rm->req_head);
		rm->req_head = tail;
		rm->blind = true;
		return;
	}
	for (; rm->req_head != tail; rm->req_head++) {
		struct mv_ring_req q;
		uint32_t allowed;
		bool pio, len_ok;

		memcpy(&q, rm->area + rm->layout.req_array +
		       (rm->req_head & mask) * sizeof(q), sizeof(q));
		if (rm->blind) {
			rm->next_seq = q.seq;
			rm->blind = false;
		}
		pio = q.flags & MV_RING_REQ_PIO;
		allowed = MV_RING_REQ_WRITE | MV_RING_REQ_PIO | MV_RING_REQ_POSTED;
		len_ok = q.len == 1 || q.len == 2 || q.len == 4 || (!pio && q.len == 8);
		if (q.seq != rm->next_seq)
			violation(w, "ring request seq %llu, expected %llu (lost, duplicated or reordered)",
				  (unsigned long long)q.seq, (unsigned long long)rm->next_seq);
		if (q.vcpu >= M_VCPUS || !len_ok || (q.flags & ~allowed) ||
		    q.reserved ||
		    ((q.flags & MV_RING_REQ_POSTED) && !(q.flags & MV_RING_REQ_WRITE)) ||
		    (pio && q.addr > 0xffff))
			violation(w, "malformed ring request: seq %llu vcpu %u len %u flags 0x%x reserved %u addr 0x%llx",
				  (unsigned long long)q.seq, q.vcpu, q.len, q.flags,
				  q.reserved, (unsigned long long)q.addr);
		for (i = (q.flags & MV_RING_REQ_WRITE) ? q.len : 0; i < 8 && len_ok; i++)
			if (q.data[i]) {
				violation(w, "ring request seq %llu: data byte %u not zero",
					  (unsigned long long)q.seq, i);
				break;
			}
		rm->next_seq = q.seq + 1;
		if (!(q.flags & MV_RING_REQ_POSTED) && q.vcpu < M_VCPUS) {
			if (rm->awaiting[q.vcpu] && !rm->corrupt)
				violation(w, "vCPU %u posted request %llu while %llu still awaits completion",
					  q.vcpu, (unsigned long long)q.seq,
					  (unsigned long long)rm->await_seq[q.vcpu]);
			rm->awaiting[q.vcpu] = true;
			rm->await_seq[q.vcpu] = q.seq;
		}
		if (rm->nlast == ARRAY_SIZE(rm->last)) {
			memmove(rm->last, rm->last + 1, sizeof(rm->last) - sizeof(rm->last[0]));
			rm->nlast--;
		}
		rm->last[rm->nlast++] = q;
	}
	__atomic_store_n(ring_u32(rm, rm->layout.req_head), rm->req_head, __ATOMIC_RELEASE);
}

static void ring_kick(struct ring_model *rm)
{
	uint64_t one = 1;

	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (rm->kick_efd >= 0 && write(rm->kick_efd, &one, sizeof(one)) < 0)
		return;
}

/* Publish one completion record (valid or not). */
static void ring_put_cpl(struct ring_model *rm, const struct mv_ring_cpl *c)
{
	uint32_t mask = rm->layout.cpl_entries - 1;

	memcpy(rm->area + rm->layout.cpl_array + (rm->cpl_tail & mask) * sizeof(*c),
	       c, sizeof(*c));
	rm->cpl_tail++;
	__atomic_store_n(ring_u32(rm, rm->layout.cpl_tail), rm->cpl_tail, __ATOMIC_RELEASE);
	ring_kick(rm);
}

/* Complete vCPU @id's awaited request with @data. */
static bool ring_complete(struct vm *vm, unsigned int id, uint64_t data)
{
	struct ring_model *rm = &vm->ring;
	struct mv_ring_cpl c;

	if (!rm->area || !rm->awaiting[id])
		return false;
	memset(&c, 0, sizeof(c));
	c.seq = rm->await_seq[id];
	c.vcpu = id;
	memcpy(c.data, &data, sizeof(c.data));
	ring_put_cpl(rm, &c);
	rm->awaiting[id] = false;
	return true;
}

static void ring_complete_all(struct world *w, struct vm *vm)
{
	unsigned int i;

	for (i = 0; i < M_VCPUS; i++)
		if (vm->ring.awaiting[i])
			ring_complete(vm, i, rnd(&w->rng));
}

/* Is [addr, addr + len) of @space served by a registered range? */
static bool ring_covers(const struct vm *vm, uint32_t space, uint64_t addr,
			uint32_t len)
{
	const struct ring_model *rm = &vm->ring;
	unsigned int i;

	if (rm->state == 2)
		return true;
	for (i = 0; i < rm->nranges; i++) {
		const struct mv_ring_range *g = &rm->ranges[i];

		if (g->space == space && addr + len > g->base &&
		    addr < g->base + g->len)
			return true;
	}
	return false;
}

/* ---------------------------------------------------------------------- */
/* Actions: system fd                                                      */
/* ---------------------------------------------------------------------- */

static bool world_open_sys(struct world *w)
{
	int fd;

	if (w->sys_fd >= 0)
		return true;
	pthread_rwlock_rdlock(&fd_lock);
	fd = open("/dev/minivisor", O_RDWR | O_CLOEXEC);
	pthread_rwlock_unlock(&fd_lock);
	note(w, OP_OPEN, fd < 0 ? errno : 0, true);
	if (fd < 0) {
		violation(w, "open /dev/minivisor: %s", ename(errno));
		return false;
	}
	w->sys_fd = fd;
	return true;
}

static void act_sys(struct world *w)
{
	struct mv_caps c;
	struct res r;
	unsigned long arg;

	w->cls = C_SYS;
	if (!world_open_sys(w))
		return;
	switch (below(&w->rng, 4)) {
	case 0:
		arg = chance(&w->rng, 1, 2) ? 0 : rnd_value(&w->rng) | 1;
		r = xioctl(w, OP_GET_API_VERSION, w->sys_fd, MV_GET_API_VERSION, arg);
		if (judge(w, "GET_API_VERSION", r, !arg, eb(EINVAL)) &&
		    r.ret != MV_API_VERSION)
			violation(w, "GET_API_VERSION returned %ld", r.ret);
		break;
	case 1:
		memset(&c, 0xa5, sizeof(c));
		r = xioctlp(w, OP_GET_CAPS, w->sys_fd, MV_GET_CAPS, &c);
		if (judge(w, "GET_CAPS", r, true, 0)) {
			unsigned int i;

			if (memcmp(&c, &caps, offsetof(struct mv_caps, reserved)))
				violation(w, "GET_CAPS changed between calls");
			for (i = 0; i < ARRAY_SIZE(c.reserved); i++)
				if (c.reserved[i])
					violation(w, "caps.reserved[%u] = 0x%llx", i,
						  (unsigned long long)c.reserved[i]);
		}
		break;
	case 2:
		/* Close and reopen the system fd: VMs do not depend on it. */
		xclose(w, w->sys_fd);
		w->sys_fd = -1;
		world_open_sys(w);
		break;
	default:
		/* CREATE_VM with flags: must be EINVAL, nothing created. */
		arg = rnd_value(&w->rng) | 1ull << below(&w->rng, 64);
		r = xioctl(w, OP_CREATE_VM, w->sys_fd, MV_CREATE_VM, arg);
		if (judge(w, "CREATE_VM with flags", r, false, eb(EINVAL)))
			xclose(w, (int)r.ret);
	}
}

/* ---------------------------------------------------------------------- */
/* Actions: VMs and vCPUs                                                  */
/* ---------------------------------------------------------------------- */

static struct vm *create_vm(struct world *w)
{
	unsigned int i, live = world_live_vms(w);
	struct vm *vm = NULL;
	struct res r;
	uint64_t errs = eb(ENOMEM);

	if (!world_open_sys(w))
		return NULL;
	for (i = 0; i < W_VMS; i++)
		if (!w->vms[i].exists) {
			vm = &w->vms[i];
			break;
		}
	if (!vm)
		return NULL;
	/* Only a lone world knows every VM alive. */
	if (!w->exclusive || live >= caps.max_vms)
		errs |= eb(ENOSPC);
	pthread_rwlock_rdlock(&fd_lock);
	r = xioctl(w, OP_CREATE_VM, w->sys_fd, MV_CREATE_VM, 0);
	pthread_rwlock_unlock(&fd_lock);
	if (!judge(w, "CREATE_VM", r, !w->exclusive || live < caps.max_vms, errs))
		return NULL;
	vm_reset_model(vm);
	vm->exists = true;
	vm->fd = (int)r.ret;
	return vm;
}

static void destroy_vm(struct world *w, struct vm *vm)
{
	unsigned int i, j;

	for (i = 0; i < M_VCPUS; i++) {
		struct vcpu *v = &vm->vcpus[i];

		if (!v->exists)
			continue;
		if (v->fd >= 0)
			xclose(w, v->fd);
		v->fd = -1;
		if (v->run)
			xmunmap(w, v->run, run_size);
		v->run = NULL;
		for (j = 0; j < MAX_EXTRA; j++)
			if (v->extra[j].addr) {
				xmunmap(w, v->extra[j].addr, v->extra[j].len);
				v->extra[j].addr = NULL;
			}
	}
	if (vm->ring.area)
		xmunmap(w, vm->ring.area, vm->ring.layout.mmap_size);
	vm->ring.area = NULL;
	for (j = 0; j < MAX_EXTRA; j++)
		if (vm->ring.extra[j].addr) {
			xmunmap(w, vm->ring.extra[j].addr, vm->ring.extra[j].len);
			vm->ring.extra[j].addr = NULL;
		}
	if (vm->fd >= 0)
		xclose(w, vm->fd);
	vm->fd = -1;
	vm_refresh(vm);
	if (vm->exists)
		violation(w, "model: VM still referenced after destroy");
}

static struct vcpu *create_vcpu(struct world *w, struct vm *vm, unsigned long id)
{
	bool dup = id < M_VCPUS && vm->vcpus[id].exists;
	struct vcpu *v;
	struct res r;

	pthread_rwlock_rdlock(&fd_lock);
	r = xioctl(w, OP_CREATE_VCPU, vm->fd, MV_CREATE_VCPU, id);
	pthread_rwlock_unlock(&fd_lock);
	if (id >= caps.max_vcpus) {
		if (judge(w, "CREATE_VCPU out of range", r, false, eb(EINVAL)))
			xclose(w, (int)r.ret);
		return NULL;
	}
	if (dup) {
		if (judge(w, "CREATE_VCPU of a used id", r, false, eb(EEXIST)))
			xclose(w, (int)r.ret);
		return NULL;
	}
	if (!judge(w, "CREATE_VCPU", r, true, eb(ENOMEM)))
		return NULL;
	v = &vm->vcpus[id];
	memset(v, 0, sizeof(*v));
	v->exists = true;
	v->fd = (int)r.ret;
	v->known = true;
	v->policy_known = true;
	r = xioctlp(w, OP_GET_SREGS, v->fd, MV_GET_SREGS, &v->reset);
	judge(w, "GET_SREGS of a new vCPU", r, true, 0);
	if (!sregs_valid(&v->reset))
		violation(w, "a new vCPU's state fails SET_SREGS's own rules");
	return v;
}

static void act_vm_lifecycle(struct world *w)
{
	struct vm *vm;
	struct vcpu *v;
	unsigned int i, n;

	w->cls = C_VMLIFE;
	switch (below(&w->rng, 6)) {
	case 0:
	case 1:
		if (world_live_vms(w) < w->max_vms || chance(&w->rng, 1, 8))
			create_vm(w);
		break;
	case 2:
		vm = pick_vm(w, false);
		if (vm)
			destroy_vm(w, vm);
		break;
	case 3:
		/* Close the VM fd only: its vCPUs keep it alive. */
		vm = pick_vm(w, true);
		if (vm) {
			xclose(w, vm->fd);
			vm->fd = -1;
			vm_refresh(vm);
		}
		break;
	case 4:
		/*
		 * Fill up to max_vms: the one past the limit must fail with
		 * ENOSPC (decidable only if this world is alone). Then free.
		 */
		if (!w->exclusive || !chance(&w->rng, 1, 4))
			break;
		n = 0;
		{
			int fds[64];
			struct res r = { 0, 0 };

			while (n < caps.max_vms + 1 && n < ARRAY_SIZE(fds)) {
				r = xioctl(w, OP_CREATE_VM, w->sys_fd, MV_CREATE_VM, 0);
				if (r.ret < 0)
					break;
				fds[n++] = (int)r.ret;
			}
			if (r.ret >= 0)
				violation(w, "created %u VMs, more than max_vms %u", n, caps.max_vms);
			else if (r.err != ENOSPC && r.err != ENOMEM)
				violation(w, "CREATE_VM number %u failed with %s, expected ENOSPC",
					  n + 1, ename(r.err));
			else if (n + world_live_vms(w) != caps.max_vms)
				violation(w, "CREATE_VM failed after %u + %u VMs, max_vms is %u",
					  n, world_live_vms(w), caps.max_vms);
			for (i = 0; i < n; i++)
				xclose(w, fds[i]);
		}
		break;
	default:
		/* A zombie: vCPU run page mapped, every fd closed. */
		vm = pick_vm(w, false);
		if (!vm)
			break;
		v = pick_vcpu(w, vm, true);
		if (!v || !map_run(w, v))
			break;
		xclose(w, v->fd);
		v->fd = -1;
		vm_refresh(vm);
	}
}

static void act_vcpu(struct world *w)
{
	struct vm *vm = pick_vm(w, true);
	unsigned long id;

	w->cls = C_VCPU;
	if (!vm)
		vm = create_vm(w);
	if (!vm || vm->fd < 0)
		return;
	switch (below(&w->rng, 5)) {
	case 0:
		id = caps.max_vcpus + below(&w->rng, 8);
		break;
	case 1:
		id = rnd_value(&w->rng);
		break;
	case 2:
		id = (1ul << 32) | below(&w->rng, M_VCPUS);	/* truncation */
		break;
	default:
		id = below(&w->rng, caps.max_vcpus);
	}
	create_vcpu(w, vm, id);
}

/* ---------------------------------------------------------------------- */
/* Actions: memory slots                                                   */
/* ---------------------------------------------------------------------- */

static uint64_t slot_total(const struct vm *vm, bool *unknown)
{
	uint64_t t = 0;
	unsigned int i;

	*unknown = false;
	for (i = 0; i < caps.max_slots && i < M_SLOTS; i++) {
		if (vm->slots[i].st == S_USED)
			t += vm->slots[i].size;
		if (vm->slots[i].st == S_UNKNOWN)
			*unknown = true;
	}
	return t;
}

/*
 * SET_MEMORY_SLOT with the model's prediction. Returns 1 if it
 * succeeded.
 */
static bool set_slot(struct world *w, struct vm *vm, struct mv_memory_slot *req)
{
	uint64_t errs = 0, total;
	bool ok_allowed = true, unknown, creating = req->memory_size != 0;
	const char *why = "";
	struct slot *s = req->slot < M_SLOTS ? &vm->slots[req->slot] : NULL;
	struct res r;
	unsigned int i;
	int pin;

	/* The order the checks are made in is not the ABI's: a request
	 * breaking several rules may get any of their errnos.
	 */
	if (req->slot >= caps.max_slots) {
		errs |= eb(EINVAL);
		ok_allowed = false;
		why = "slot number";
	}
	if (req->flags & ~MV_MEM_READONLY) {
		errs |= eb(EINVAL);
		ok_allowed = false;
		why = "flags";
	}
	if (!creating) {
		if (req->flags || req->guest_phys_addr || req->userspace_addr) {
			errs |= eb(EINVAL);
			ok_allowed = false;
			why = "delete with fields";
		}
		if (!s || s->st == S_FREE) {
			errs |= eb(EINVAL);
			ok_allowed = false;
			why = "delete of a free slot";
		} else if (s->st == S_UNKNOWN) {
			errs |= eb(EINVAL);
		}
	} else {
		if ((req->guest_phys_addr | req->memory_size | req->userspace_addr) & (PAGE - 1) ||
		    req->memory_size > caps.max_gpa ||
		    req->guest_phys_addr > caps.max_gpa - req->memory_size ||
		    req->userspace_addr + req->memory_size < req->userspace_addr) {
			errs |= eb(EINVAL);
			ok_allowed = false;
			why = "alignment or range";
		}
		if (s && s->st == S_USED) {
			errs |= eb(EEXIST);
			ok_allowed = false;
			why = "slot used";
		}
		for (i = 0; i < M_SLOTS; i++) {
			const struct slot *o = &vm->slots[i];

			if (o->st == S_UNKNOWN || (s && s->st == S_UNKNOWN))
				errs |= eb(EEXIST);
			if (o->st == S_USED &&
			    req->guest_phys_addr < o->gpa + o->size &&
			    o->gpa < req->guest_phys_addr + req->memory_size) {
				errs |= eb(EEXIST);
				ok_allowed = false;
				why = "overlap";
			}
		}
		total = slot_total(vm, &unknown);
		if (unknown)
			errs |= eb(ENOSPC);
		if (req->memory_size > caps.max_mem - total) {
			errs |= eb(ENOSPC);
			ok_allowed = false;
			why = "max_mem";
		}
		pin = pin_outcome(w, req->userspace_addr, req->memory_size,
				  !(req->flags & MV_MEM_READONLY));
		if (pin <= 0)
			errs |= eb(EFAULT);
		if (pin == 0) {
			ok_allowed = false;
			why = "memory not pinnable";
		}
		errs |= eb(ENOMEM);
	}
	if (w->log && req->slot < M_SLOTS)
		w->log->slot_touched[vm - w->vms] |= 1u << req->slot;
	r = xioctlp(w, OP_SET_MEMORY_SLOT, vm->fd, MV_SET_MEMORY_SLOT, req);
	judge(w, creating ? "SET_MEMORY_SLOT create" : "SET_MEMORY_SLOT delete",
	      r, ok_allowed, errs);
	if (r.ret == 0 && !ok_allowed) {
		uint64_t a0 = (uintptr_t)w->arena;
		int ri = req->userspace_addr >= a0 && req->userspace_addr < a0 + N_REGIONS * REGION_MAX ?
			 (int)((req->userspace_addr - a0) / REGION_MAX) : -1;

		say("  slot %u flags 0x%x gpa 0x%llx size 0x%llx uaddr 0x%llx: predicted failure (%s); region %d kind %d len 0x%zx\n",
		    req->slot, req->flags, (unsigned long long)req->guest_phys_addr,
		    (unsigned long long)req->memory_size, (unsigned long long)req->userspace_addr,
		    why, ri, ri >= 0 ? (int)w->regions[ri].kind : -1, ri >= 0 ? w->regions[ri].len : 0);
	}
	if (!s)
		return r.ret == 0;
	if (r.ret == 0) {
		if (creating) {
			*s = (struct slot){ S_USED, req->guest_phys_addr,
					    req->memory_size, req->flags };
		} else {
			s->st = S_FREE;
			if ((int)req->slot == vm->base_slot)
				vm->base_slot = -1;
		}
	} else if (s->st == S_UNKNOWN && !creating && r.err == EINVAL &&
		   !req->flags && !req->guest_phys_addr && !req->userspace_addr) {
		s->st = S_FREE;		/* a valid delete found it free */
	}
	return r.ret == 0;
}

static uint64_t rnd_gpa(struct world *w)
{
	switch (below(&w->rng, 8)) {
	case 0:
		return rnd_value(&w->rng);
	case 1:
		return caps.max_gpa - PAGE * (1 + below(&w->rng, 4));
	case 2:
		return (uint64_t)below(&w->rng, 16) << 30;
	default:
		return (uint64_t)below(&w->rng, 0x4000) * PAGE;
	}
}

static uint64_t rnd_size(struct world *w)
{
	switch (below(&w->rng, 10)) {
	case 0:
		return rnd_value(&w->rng);
	case 1:
		return caps.max_mem + PAGE * below(&w->rng, 2);
	case 2:
		return (uint64_t)(1 + below(&w->rng, 4)) << 30;	/* huge */
	case 3:
		return PAGE * (1 + below(&w->rng, 4)) + below(&w->rng, 2) * 0x800;
	default:
		return PAGE * (1 + below(&w->rng, REGION_MAX / PAGE));
	}
}

/* Is region @i some VM's base memory (the scripts write into it)? */
static bool region_is_base(const struct world *w, int i)
{
	unsigned int k;

	for (k = 0; k < W_VMS; k++)
		if (w->vms[k].exists && w->vms[k].base_slot >= 0 && w->vms[k].base_region == i)
			return true;
	return false;
}

/* Ensure region @i is accessible RW memory of at least @len bytes. */
static bool region_ensure_rw(struct world *w, unsigned int i, size_t len)
{
	struct region *r = &w->regions[i];

	if ((r->kind == R_RW || r->kind == R_MEMFD) && r->len >= len)
		return true;
	/* Replacing another VM's base would leave its slot on the old pages. */
	if (region_is_base(w, (int)i))
		return false;
	return region_set(w, i, chance(&w->rng, 1, 4) ? R_MEMFD : R_RW, len);
}

/* Free every slot overlapping [gpa, +size) and slot @slot itself. */
static bool clear_slots(struct world *w, struct vm *vm, uint64_t gpa,
			uint64_t size, unsigned int slot)
{
	struct mv_memory_slot req;
	unsigned int i;

	for (i = 0; i < M_SLOTS && i < caps.max_slots; i++) {
		struct slot *s = &vm->slots[i];

		if (s->st == S_FREE)
			continue;
		if (i != slot && s->st == S_USED &&
		    !(gpa < s->gpa + s->size && s->gpa < gpa + size))
			continue;
		memset(&req, 0, sizeof(req));
		req.slot = i;
		set_slot(w, vm, &req);
		if (s->st != S_FREE)
			return false;
	}
	return true;
}

/* The base slot: GPA [0, BASE_SIZE) on an RW region the scripts write. */
static bool ensure_base(struct world *w, struct vm *vm)
{
	struct mv_memory_slot req;
	unsigned int ri, slot;

	if (vm->base_slot >= 0 && vm->slots[vm->base_slot].st == S_USED) {
		const struct region *r = &w->regions[vm->base_region];

		if ((r->kind == R_RW || r->kind == R_MEMFD) && r->len >= BASE_SIZE)
			return true;
	}
	ri = below(&w->rng, N_REGIONS);
	slot = below(&w->rng, caps.max_slots < M_SLOTS ? caps.max_slots : M_SLOTS);
	if (!clear_slots(w, vm, 0, BASE_SIZE, slot))
		return false;
	/* No other VM's base may sit on this region: they would share it. */
	if (!region_ensure_rw(w, ri, BASE_SIZE))
		return false;
	memset(&req, 0, sizeof(req));
	req.slot = slot;
	req.memory_size = BASE_SIZE;
	req.userspace_addr = (uintptr_t)w->regions[ri].addr;
	if (!set_slot(w, vm, &req))
		return false;
	vm->base_slot = (int)slot;
	vm->base_region = (int)ri;
	return true;
}

static void act_slot(struct world *w)
{
	struct vm *vm = pick_vm(w, true);
	struct mv_memory_slot req;
	unsigned int i, nslots = caps.max_slots < M_SLOTS ? caps.max_slots : M_SLOTS;
	int region;

	w->cls = C_SLOT;
	if (!vm)
		return;
	memset(&req, 0, sizeof(req));
	req.slot = below(&w->rng, nslots);
	switch (below(&w->rng, 10)) {
	case 0:
	case 1:
		/* Delete, sometimes with a field set. */
		if (chance(&w->rng, 1, 4)) {
			switch (below(&w->rng, 3)) {
			case 0:
				req.flags = 1u << below(&w->rng, 32);
				break;
			case 1:
				req.guest_phys_addr = rnd_value(&w->rng) | PAGE;
				break;
			default:
				req.userspace_addr = rnd_value(&w->rng) | PAGE;
			}
		}
		break;
	case 2:
		/* Slot number out of range, or garbage flags. */
		req.slot = chance(&w->rng, 1, 2) ? caps.max_slots + below(&w->rng, 4)
						  : (uint32_t)rnd(&w->rng);
		req.memory_size = PAGE;
		req.userspace_addr = pick_uaddr(w, PAGE, &region);
		break;
	case 3:
		/* Overlap an existing slot. */
		for (i = 0; i < nslots; i++) {
			const struct slot *s = &vm->slots[(i + req.slot) % nslots];

			if (s->st == S_USED) {
				req.guest_phys_addr = s->gpa + PAGE * below(&w->rng, (uint32_t)(s->size / PAGE));
				break;
			}
		}
		req.memory_size = PAGE * (1 + below(&w->rng, 8));
		req.userspace_addr = pick_uaddr(w, req.memory_size, &region);
		break;
	default:
		/* Plausible creates with one field mutated. */
		req.guest_phys_addr = rnd_gpa(w);
		req.memory_size = rnd_size(w);
		req.userspace_addr = pick_uaddr(w, req.memory_size < REGION_MAX ? req.memory_size : PAGE, &region);
		if (chance(&w->rng, 1, 5))
			req.flags = MV_MEM_READONLY;
		if (chance(&w->rng, 1, 12))
			req.flags |= 1u << below(&w->rng, 32);
		if (chance(&w->rng, 1, 12))
			req.userspace_addr |= 1 + below(&w->rng, PAGE - 1);
		if (chance(&w->rng, 1, 12))
			req.guest_phys_addr |= 1 + below(&w->rng, PAGE - 1);
		/* Make real memory behind it now and then. */
		if (region >= 0 && !region_is_base(w, region) && chance(&w->rng, 1, 3) &&
		    req.memory_size <= REGION_MAX && !(req.memory_size & (PAGE - 1))) {
			static const enum rkind kinds[] = { R_RW, R_RW, R_RO, R_NONE, R_MEMFD };
			enum rkind k = kinds[below(&w->rng, ARRAY_SIZE(kinds))];

			region_set(w, (unsigned int)region, k, req.memory_size);
			req.userspace_addr = (uintptr_t)w->regions[region].addr;
		}
	}
	set_slot(w, vm, &req);
}

static bool need_vcpu(struct world *w, struct vm **pvm, struct vcpu **pv);

/* ---------------------------------------------------------------------- */
/* Actions: registers                                                      */
/* ---------------------------------------------------------------------- */

static void act_regs(struct world *w)
{
	struct vm *vm;
	struct vcpu *v;
	struct mv_regs before, set, after;
	uint64_t *g = (uint64_t *)&set;
	bool valid;
	struct res r;

	w->cls = C_REGS;
	if (!need_vcpu(w, &vm, &v))
		return;
	r = xioctlp(w, OP_GET_REGS, v->fd, MV_GET_REGS, &before);
	if (!judge(w, "GET_REGS", r, true, 0))
		return;
	set = before;
	g[below(&w->rng, sizeof(set) / 8)] = rnd_value(&w->rng);
	if (chance(&w->rng, 1, 2))
		set.rflags = chance(&w->rng, 1, 2) ? 2 | (rnd(&w->rng) & 0x3f7fd5) /* valid bits */
						   : rnd_value(&w->rng);
	valid = regs_valid(&set);
	r = xioctlp(w, OP_SET_REGS, v->fd, MV_SET_REGS, &set);
	judge(w, "SET_REGS", r, valid, valid ? 0 : eb(EINVAL));
	memset(&after, 0x5a, sizeof(after));
	if (!judge(w, "GET_REGS", xioctlp(w, OP_GET_REGS, v->fd, MV_GET_REGS, &after), true, 0))
		return;
	if (r.ret == 0 && memcmp(&after, &set, sizeof(set)))
		violation(w, "GET_REGS does not return what SET_REGS set");
	if (r.ret < 0 && memcmp(&after, &before, sizeof(before)))
		violation(w, "a failed SET_REGS changed the registers");
	if (r.ret == 0)
		v->known = false;
}

static void mutate_sregs(struct world *w, struct mv_sregs *s)
{
	struct mv_segment *seg = sreg_seg(s, below(&w->rng, 8));

	switch (below(&w->rng, 16)) {
	case 0:
		s->reserved[below(&w->rng, 4)] = rnd_value(&w->rng) | 1;
		break;
	case 1:
		seg->reserved = 1 + below(&w->rng, 255);
		break;
	case 2:
		seg->type = below(&w->rng, 2) ? below(&w->rng, 16) : 16 + below(&w->rng, 240);
		break;
	case 3: {
		uint8_t *f[] = { &seg->s, &seg->present, &seg->avl, &seg->l,
				 &seg->db, &seg->g, &seg->unusable, &seg->dpl };

		*f[below(&w->rng, ARRAY_SIZE(f))] = below(&w->rng, 2) ? below(&w->rng, 2)
								   : (uint8_t)rnd(&w->rng);
		break;
	}
	case 4:
		seg->base = rnd_value(&w->rng);	/* non-canonical, huge */
		break;
	case 5:
		seg->limit = (uint32_t)rnd_value(&w->rng);
		seg->selector = (uint16_t)rnd(&w->rng);
		break;
	case 6:
		s->gdt.reserved[below(&w->rng, 3)] = 1;
		break;
	case 7:
		s->idt.limit = below(&w->rng, 2) ? 0 : (uint16_t)rnd(&w->rng);
		s->idt.base = rnd_value(&w->rng);
		break;
	case 8:
		s->cr0 = rnd_value(&w->rng);
		break;
	case 9:
		s->cr0 ^= 1ull << below(&w->rng, 32);
		break;
	case 10:
		s->cr4 ^= 1ull << below(&w->rng, 24);
		break;
	case 11:
		s->cr3 = rnd_value(&w->rng);
		break;
	case 12:
		s->efer ^= 1ull << below(&w->rng, 12);
		break;
	case 13:
		/* A consistent long-mode set (entry may still reject it). */
		s->cr0 |= CR0_PE | CR0_PG;
		s->cr4 |= CR4_PAE;
		s->efer |= EFER_LME | EFER_LMA;
		s->cs.l = below(&w->rng, 2);
		s->cs.db = !s->cs.l;
		break;
	case 14:
		/* Protected mode with whatever segments. */
		s->cr0 |= CR0_PE;
		break;
	default:
		s->cr2 = rnd_value(&w->rng);
	}
}

static void act_sregs(struct world *w)
{
	struct vm *vm;
	struct vcpu *v;
	struct mv_sregs before, set, after, want;
	unsigned int n;
	bool valid;
	struct res r;

	w->cls = C_SREGS;
	if (!need_vcpu(w, &vm, &v))
		return;
	r = xioctlp(w, OP_GET_SREGS, v->fd, MV_GET_SREGS, &before);
	if (!judge(w, "GET_SREGS", r, true, 0))
		return;
	if (!sregs_valid(&before))
		violation(w, "GET_SREGS returned a state SET_SREGS would reject");
	set = chance(&w->rng, 1, 3) ? v->reset : before;
	for (n = 1 + below(&w->rng, 2); n; n--)
		mutate_sregs(w, &set);
	valid = sregs_valid(&set);
	r = xioctlp(w, OP_SET_SREGS, v->fd, MV_SET_SREGS, &set);
	judge(w, "SET_SREGS", r, valid, valid ? 0 : eb(EINVAL));
	memset(&after, 0x5a, sizeof(after));
	if (!judge(w, "GET_SREGS", xioctlp(w, OP_GET_SREGS, v->fd, MV_GET_SREGS, &after), true, 0))
		return;
	want = r.ret == 0 ? set : before;
	if (r.ret == 0)
		sregs_normalize(&want);
	if (!sregs_equal(&after, &want))
		violation(w, "%s: GET_SREGS differs in %s",
			  r.ret == 0 ? "SET_SREGS then GET_SREGS" : "a failed SET_SREGS changed state",
			  sregs_diff(&after, &want));
	if (r.ret == 0)
		v->known = false;
}

/* ---------------------------------------------------------------------- */
/* Guest programs                                                          */
/* ---------------------------------------------------------------------- */

struct prog {
	uint8_t b[64];
	unsigned int n;
};

static void emit(struct prog *p, const uint8_t *b, unsigned int n)
{
	memcpy(p->b + p->n, b, n);
	p->n += n;
}

#define EMIT(p, ...) emit(p, (const uint8_t[]){ __VA_ARGS__ }, \
			  sizeof((const uint8_t[]){ __VA_ARGS__ }))

static void emit_mov_eax(struct prog *p, uint32_t v)
{
	EMIT(p, 0x66, 0xb8, v, v >> 8, v >> 16, v >> 24);
}

static void emit_mov_ecx(struct prog *p, uint32_t v)
{
	EMIT(p, 0x66, 0xb9, v, v >> 8, v >> 16, v >> 24);
}

static void emit_mov_edx(struct prog *p, uint32_t v)
{
	EMIT(p, 0x66, 0xba, v, v >> 8, v >> 16, v >> 24);
}

static void emit_mov_dx(struct prog *p, uint16_t v)
{
	EMIT(p, 0xba, v, v >> 8);
}

enum xk { X_END, X_IO, X_MMIO, X_HLT, X_SHUTDOWN, X_MSR, X_BLOCK };

/* One exit the script expects, and what to answer. */
struct xstep {
	enum xk kind;
	bool write;
	uint32_t size;		/* IO item size, MMIO len */
	uint32_t count;		/* IO items */
	uint64_t addr;		/* port, GPA, MSR index */
	uint64_t data;		/* expected data (writes) */
	uint64_t reply;		/* data for reads */
	const uint8_t *bytes;	/* string I/O: expected / reply bytes */
};

struct script {
	const char *name;
	struct prog p;
	struct xstep x[6];
	unsigned int nx;
	bool want_idt0;		/* IDT limit 0: exceptions triple-fault */
	bool check_cpuid;
	uint32_t cpuid_fn, cpuid_idx;
	uint8_t sbuf[64];	/* string I/O data */
	unsigned int sbuf_len;
};

static uint8_t *base_mem(struct world *w, struct vm *vm)
{
	return w->regions[vm->base_region].addr;
}

/*
 * The interrupt stubs, vector v at STUB_GPA + 8v: push ax; mov al, v;
 * out 0xe0, al; pop ax; iret. An NMI may come in the middle of a script:
 * it reports itself and returns with the registers as they were.
 */
static void write_ivt(uint8_t *mem)
{
	unsigned int v;

	for (v = 0; v < 256; v++) {
		uint8_t *s = mem + STUB_GPA + v * 8;
		uint16_t off = (uint16_t)(STUB_GPA + v * 8);

		s[0] = 0x50;
		s[1] = 0xb0;
		s[2] = (uint8_t)v;
		s[3] = 0xe6;
		s[4] = PORT_VEC;
		s[5] = 0x58;
		s[6] = 0xcf;
		memcpy(mem + IVT_GPA + v * 4, &off, 2);
		memset(mem + IVT_GPA + v * 4 + 2, 0, 2);
	}
}

/* The exit of the NMI stub's OUT (vector 2 to PORT_VEC). */
static bool nmi_stub_exit(const struct mv_run *run)
{
	return run->exit_reason == MV_EXIT_IO && run->io.port == PORT_VEC &&
	       run->io.direction == MV_IO_OUT &&
	       ((const uint8_t *)run)[MV_RUN_IO_DATA_OFFSET] == 2;
}

static struct res push_irq(struct world *w, struct vm *vm, struct vcpu *v,
			   uint32_t vector, uint32_t reserved);

/* An interrupt that wakes a vCPU asleep in HLT; with IF = 0 it stays queued. */
static void queue_wake(struct world *w, struct vm *vm, struct vcpu *v)
{
	if (v->irq_bound < MV_MAX_PENDING_IRQS)
		push_irq(w, vm, v, 32 + below(&w->rng, 224), 0);
}

/*
 * Put the vCPU into the scripts' known state: flat real mode, CS:IP at its
 * code, DS based at MMIO_GPA, IF = 0, nothing pending in the kernel. A
 * pending completion (IN, MMIO read, MSR) is flushed by a RUN into a HLT
 * sled; a vCPU asleep in HLT is woken by a queued interrupt it will not
 * take (IF = 0). Returns false if that could not be established.
 */
static bool vcpu_reset_known(struct world *w, struct vm *vm, struct vcpu *v,
			     bool idt0)
{
	unsigned int id = vcpu_id(vm, v), tries;
	uint8_t *mem = base_mem(w, vm);
	struct mv_sregs s = v->reset;
	struct mv_regs regs;
	struct res r;

	s.cs.base = 0;
	s.cs.selector = 0;
	s.ss.base = 0;
	s.ss.selector = 0;
	s.es.base = 0;
	s.es.selector = 0;
	s.ds.base = MMIO_GPA;
	s.ds.selector = 0;
	s.idt.base = IVT_GPA;
	s.idt.limit = idt0 ? 0 : 0x3ff;
	memset(&regs, 0, sizeof(regs));
	regs.rflags = 2;
	regs.rsp = STACK_TOP(id);
	regs.rip = CODE_GPA(id);
	write_ivt(mem);
	memset(mem + CODE_GPA(id), 0xf4, 0x40);		/* HLT sled */
	if (!judge(w, "SET_SREGS (script reset)",
		   xioctlp(w, OP_SET_SREGS, v->fd, MV_SET_SREGS, &s), true, 0))
		return false;
	if (!judge(w, "SET_REGS (script reset)",
		   xioctlp(w, OP_SET_REGS, v->fd, MV_SET_REGS, &regs), true, 0))
		return false;
	if (v->known && !v->maybe_halted && !v->pending)
		return true;
	/*
	 * Asleep in HLT it would wait for an event: queue one it will not
	 * take (IF = 0) rather than wait for the timer.
	 */
	if (v->maybe_halted)
		queue_wake(w, vm, v);
	for (tries = 0; tries < 4; tries++) {
		if (v->run) {
			v->run->immediate_exit = 0;
			v->run->msr.error = 0;
		}
		r = do_run(w, vm, v, U(T_STEP));
		if (r.ret == 0 && v->run && v->run->exit_reason == MV_EXIT_INTERNAL_ERROR &&
		    v->run->internal.suberror == MV_INTERNAL_RING)
			return false;
		if (r.ret == 0 && v->run && nmi_stub_exit(v->run)) {
			/* Let the NMI's stub IRET: NMIs stay blocked until then. */
			if (v->nmi_bound)
				v->nmi_bound--;
			continue;
		}
		if (r.ret == 0 && !v->pending)
			break;
		if (r.ret == 0)
			continue;	/* a read: the next RUN completes it */
		/* Asleep in HLT, or a ring wait: wake it, complete it. */
		if (vm->ring.state)
			ring_complete_all(w, vm);
		queue_wake(w, vm, v);
	}
	if (tries == 4)
		return false;
	/* Now nothing is pending; set the state again over the flush. */
	if (!judge(w, "SET_SREGS (script reset)",
		   xioctlp(w, OP_SET_SREGS, v->fd, MV_SET_SREGS, &s), true, 0) ||
	    !judge(w, "SET_REGS (script reset)",
		   xioctlp(w, OP_SET_REGS, v->fd, MV_SET_REGS, &regs), true, 0))
		return false;
	v->known = true;
	v->maybe_halted = false;
	v->msr_pending = false;
	v->pending = false;
	return true;
}

/* A port no ring range serves and the scripts' fixed ports avoid. */
static uint16_t free_port(struct world *w, struct vm *vm, uint32_t size)
{
	unsigned int i;

	for (i = 0; i < 8; i++) {
		uint16_t p = (uint16_t)(0x300 + below(&w->rng, 0x100));

		if (!ring_covers(vm, MV_RING_SPACE_PIO, p, size))
			return p;
	}
	return 0;
}

static void x_io(struct script *sc, bool write, uint32_t size, uint16_t port,
		 uint64_t data, uint64_t reply)
{
	sc->x[sc->nx++] = (struct xstep){ X_IO, write, size, 1, port, data, reply, NULL };
}

static void x_simple(struct script *sc, enum xk k)
{
	sc->x[sc->nx++] = (struct xstep){ .kind = k };
}

static uint64_t size_mask(uint32_t size)
{
	return size >= 8 ? ~0ull : (1ull << (size * 8)) - 1;
}

/* The scripts' MMIO window is no RAM and not ring-served. */
static bool mmio_window_free(const struct vm *vm)
{
	unsigned int i;

	for (i = 0; i < M_SLOTS; i++)
		if (vm->slots[i].st == S_UNKNOWN ||
		    (vm->slots[i].st == S_USED && vm->slots[i].gpa < MMIO_GPA + 0x10000 &&
		     MMIO_GPA < vm->slots[i].gpa + vm->slots[i].size))
			return false;
	return !ring_covers(vm, MV_RING_SPACE_MMIO, MMIO_GPA, 0x10000);
}

/* Build a random script whose exits the ABI fixes. */
static bool build_script(struct world *w, struct vm *vm, struct vcpu *v,
			 struct script *sc)
{
	static const uint32_t sizes[] = { 1, 2, 4 };
	uint32_t size = sizes[below(&w->rng, 3)], val = (uint32_t)rnd(&w->rng);
	uint16_t port = free_port(w, vm, 4), off;
	uint64_t gpa;
	unsigned int i;
	bool echo_ok = !ring_covers(vm, MV_RING_SPACE_PIO, PORT_ECHO, 4) &&
		       !ring_covers(vm, MV_RING_SPACE_PIO, PORT_VEC, 1);
	bool mmio_ok = mmio_window_free(vm);

	memset(sc, 0, sizeof(*sc));
	if (!port || !echo_ok)
		return false;

	switch (below(&w->rng, mmio_ok ? 13 : 10)) {
	case 0:
		sc->name = "out";
		emit_mov_eax(&sc->p, val);
		emit_mov_dx(&sc->p, port);
		if (size == 4)
			EMIT(&sc->p, 0x66);
		EMIT(&sc->p, size == 1 ? 0xee : 0xef, 0xf4);
		x_io(sc, true, size, port, val & size_mask(size), 0);
		x_simple(sc, X_HLT);
		break;
	case 1:
		sc->name = "in-echo";
		emit_mov_dx(&sc->p, port);
		if (size == 4)
			EMIT(&sc->p, 0x66);
		EMIT(&sc->p, size == 1 ? 0xec : 0xed);
		if (size == 4)
			EMIT(&sc->p, 0x66);
		EMIT(&sc->p, size == 1 ? 0xe6 : 0xe7, PORT_ECHO, 0xf4);
		x_io(sc, false, size, port, 0, val & size_mask(size));
		x_io(sc, true, size, PORT_ECHO, val & size_mask(size), 0);
		x_simple(sc, X_HLT);
		break;
	case 2:
		sc->name = "hlt";
		EMIT(&sc->p, 0xf4);
		x_simple(sc, X_HLT);
		break;
	case 3:
		sc->name = "cpuid";
		sc->check_cpuid = true;
		sc->cpuid_fn = chance(&w->rng, 1, 2) ? below(&w->rng, 0x20)
			       : chance(&w->rng, 1, 2) ? 0x80000000 + below(&w->rng, 9)
			       : (uint32_t)rnd_value(&w->rng);
		if (sc->cpuid_fn == 0xd)
			sc->cpuid_fn = 0xe;
		sc->cpuid_idx = below(&w->rng, 4);
		emit_mov_eax(&sc->p, sc->cpuid_fn);
		emit_mov_ecx(&sc->p, sc->cpuid_idx);
		EMIT(&sc->p, 0x0f, 0xa2, 0xf4);
		x_simple(sc, X_HLT);
		break;
	case 4:
		sc->name = "ud2-triple-fault";
		sc->want_idt0 = true;
		EMIT(&sc->p, 0x0f, 0x0b);
		x_simple(sc, X_SHUTDOWN);
		break;
	case 5:
		sc->name = "ud2-handler";
		EMIT(&sc->p, 0x0f, 0x0b);
		x_io(sc, true, 1, PORT_VEC, 6, 0);
		break;
	case 6:
		sc->name = "rep-outsb";
		sc->sbuf_len = 1 + below(&w->rng, sizeof(sc->sbuf));
		for (i = 0; i < sc->sbuf_len; i++)
			sc->sbuf[i] = (uint8_t)rnd(&w->rng);
		emit_mov_dx(&sc->p, port);
		EMIT(&sc->p, 0xb9, sc->sbuf_len, 0,			/* mov cx, n */
		     0xbe, SBUF_GPA(vcpu_id(vm, v)) & 0xff,
		     SBUF_GPA(vcpu_id(vm, v)) >> 8,			/* mov si, buf */
		     0xfc, 0xf3, 0x26, 0x6e, 0xf4);			/* cld; rep es outsb */
		sc->x[sc->nx++] = (struct xstep){ X_IO, true, 1, sc->sbuf_len, port, 0, 0, sc->sbuf };
		x_simple(sc, X_HLT);
		break;
	case 7:
		sc->name = "rep-insb";
		sc->sbuf_len = 1 + below(&w->rng, sizeof(sc->sbuf));
		for (i = 0; i < sc->sbuf_len; i++)
			sc->sbuf[i] = (uint8_t)rnd(&w->rng);
		emit_mov_dx(&sc->p, port);
		EMIT(&sc->p, 0xb9, sc->sbuf_len, 0,
		     0xbf, SBUF_GPA(vcpu_id(vm, v)) & 0xff,
		     SBUF_GPA(vcpu_id(vm, v)) >> 8,			/* mov di, buf */
		     0xfc, 0xf3, 0x6c, 0xf4);				/* cld; rep insb */
		sc->x[sc->nx++] = (struct xstep){ X_IO, false, 1, sc->sbuf_len, port, 0, 0, sc->sbuf };
		x_simple(sc, X_HLT);
		break;
	case 8:
		sc->name = "vmcall";
		val = chance(&w->rng, 1, 2) ? 0 : (uint32_t)rnd(&w->rng);
		emit_mov_eax(&sc->p, val);
		EMIT(&sc->p, 0x0f, 0x01, 0xc1, 0x66, 0xe7, PORT_ECHO, 0xf4);
		x_io(sc, true, 4, PORT_ECHO, val == 0 ? 0 : (uint32_t)-95, 0);
		x_simple(sc, X_HLT);
		break;
	case 9:
		sc->name = "loop";
		EMIT(&sc->p, 0xeb, 0xfe);
		x_simple(sc, X_BLOCK);
		break;
	case 10:
		sc->name = "mmio-write";
		off = (uint16_t)(below(&w->rng, 0x1000) * 2);
		gpa = MMIO_GPA + off;
		emit_mov_eax(&sc->p, val);
		EMIT(&sc->p, 0xbb, off, off >> 8, 0x89, 0x07, 0xf4);	/* mov bx, off; mov [bx], ax */
		sc->x[sc->nx++] = (struct xstep){ X_MMIO, true, 2, 1, gpa, val & 0xffff, 0, NULL };
		x_simple(sc, X_HLT);
		break;
	case 11:
		sc->name = "mmio-read-echo";
		off = (uint16_t)(below(&w->rng, 0x1000) * 2);
		gpa = MMIO_GPA + off;
		EMIT(&sc->p, 0xbb, off, off >> 8, 0x8b, 0x07,		/* mov ax, [bx] */
		     0xe7, PORT_ECHO, 0xf4);
		sc->x[sc->nx++] = (struct xstep){ X_MMIO, false, 2, 1, gpa, 0, val & 0xffff, NULL };
		x_io(sc, true, 2, PORT_ECHO, val & 0xffff, 0);
		x_simple(sc, X_HLT);
		break;
	default: {
		uint8_t imm = (uint8_t)rnd(&w->rng);

		sc->name = "mmio-rmw";
		off = (uint16_t)(below(&w->rng, 0x1000) * 2);
		gpa = MMIO_GPA + off;
		EMIT(&sc->p, 0xbb, off, off >> 8, 0x83, 0x07, imm, 0xf4);	/* add word [bx], imm8 */
		sc->x[sc->nx++] = (struct xstep){ X_MMIO, false, 2, 1, gpa, 0, val & 0xffff, NULL };
		sc->x[sc->nx++] = (struct xstep){ X_MMIO, true, 2, 1, gpa,
			(val + (uint16_t)(int16_t)(int8_t)imm) & 0xffff, 0, NULL };
		x_simple(sc, X_HLT);
	}
	}
	return true;
}

/* MSR scripts: unknown MSRs under each policy, and a kernel-emulated one. */
static void build_msr_script(struct world *w, struct script *sc, bool *set_exit)
{
	uint32_t msr = 0x4d560000 + below(&w->rng, 0x10000);	/* no CPU has these */
	uint32_t lo = (uint32_t)rnd(&w->rng), hi = (uint32_t)rnd(&w->rng);

	memset(sc, 0, sizeof(*sc));
	*set_exit = chance(&w->rng, 1, 2);
	switch (below(&w->rng, 3)) {
	case 0:
		sc->name = *set_exit ? "rdmsr-exit" : "rdmsr-gp";
		emit_mov_ecx(&sc->p, msr);
		EMIT(&sc->p, 0x0f, 0x32, 0x66, 0xe7, PORT_ECHO, 0xf4);
		if (*set_exit) {
			sc->x[sc->nx++] = (struct xstep){ X_MSR, false, 8, 1, msr, 0,
							  (uint64_t)hi << 32 | lo, NULL };
			x_io(sc, true, 4, PORT_ECHO, lo, 0);
			x_simple(sc, X_HLT);
		} else {
			x_io(sc, true, 1, PORT_VEC, 13, 0);
		}
		break;
	case 1:
		sc->name = *set_exit ? "wrmsr-exit" : "wrmsr-gp";
		emit_mov_ecx(&sc->p, msr);
		emit_mov_eax(&sc->p, lo);
		emit_mov_edx(&sc->p, hi);
		EMIT(&sc->p, 0x0f, 0x30, 0xf4);
		if (*set_exit) {
			sc->x[sc->nx++] = (struct xstep){ X_MSR, true, 8, 1, msr,
							  (uint64_t)hi << 32 | lo, 0, NULL };
			x_simple(sc, X_HLT);
		} else {
			x_io(sc, true, 1, PORT_VEC, 13, 0);
		}
		break;
	default:
		/* IA32_SYSENTER_CS is emulated: it reads back what was written. */
		sc->name = "sysenter-cs-roundtrip";
		emit_mov_ecx(&sc->p, 0x174);
		emit_mov_eax(&sc->p, lo);
		emit_mov_edx(&sc->p, 0);
		EMIT(&sc->p, 0x0f, 0x30, 0x66, 0x31, 0xc0,		/* wrmsr; xor eax, eax */
		     0x0f, 0x32, 0x66, 0xe7, PORT_ECHO, 0xf4);		/* rdmsr; out; hlt */
		x_io(sc, true, 4, PORT_ECHO, lo, 0);
		x_simple(sc, X_HLT);
	}
}

/* Where a vCPU is and what our memory holds there, after a surprise. */
static void dump_vcpu(struct world *w, struct vm *vm, struct vcpu *v)
{
	struct mv_run *run = v->run;
	uint8_t *mem = base_mem(w, vm);
	const uint8_t *c = mem + CODE_GPA(vcpu_id(vm, v));
	struct mv_sregs sr;
	struct mv_regs regs;

	ioctl(v->fd, MV_GET_REGS, &regs);
	ioctl(v->fd, MV_GET_SREGS, &sr);
	say("  detail: vcpu %u guest_rip 0x%llx rip 0x%llx rflags 0x%llx rbx 0x%llx rsi 0x%llx; cs base 0x%llx sel %x ds base 0x%llx cr0 0x%llx efer 0x%llx idt 0x%llx/%x; code %02x %02x %02x %02x %02x %02x; base slot %d region %d kind %d len %zu gpa 0x%llx size 0x%llx; sled@rip %02x\n",
	    vcpu_id(vm, v), (unsigned long long)run->guest_rip, (unsigned long long)regs.rip,
	    (unsigned long long)regs.rflags, (unsigned long long)regs.rbx, (unsigned long long)regs.rsi,
	    (unsigned long long)sr.cs.base, sr.cs.selector, (unsigned long long)sr.ds.base,
	    (unsigned long long)sr.cr0, (unsigned long long)sr.efer,
	    (unsigned long long)sr.idt.base, sr.idt.limit,
	    c[0], c[1], c[2], c[3], c[4], c[5], vm->base_slot, vm->base_region,
	    w->regions[vm->base_region].kind, w->regions[vm->base_region].len,
	    (unsigned long long)vm->slots[vm->base_slot].gpa,
	    (unsigned long long)vm->slots[vm->base_slot].size,
	    regs.rip < BASE_SIZE ? mem[regs.rip] : 0);
	vhist_dump(v);
}

/* Compare one exit with the step the script expects; answer reads. */
static bool check_step(struct world *w, struct vm *vm, struct vcpu *v,
		       const struct script *sc, const struct xstep *x)
{
	struct mv_run *run = v->run;
	uint8_t *mem = base_mem(w, vm);
	uint64_t data = 0;

	switch (x->kind) {
	case X_HLT:
		if (run->exit_reason != MV_EXIT_HLT)
			goto mismatch;
		return true;
	case X_SHUTDOWN:
		if (run->exit_reason != MV_EXIT_SHUTDOWN)
			goto mismatch;
		return true;
	case X_IO:
		if (run->exit_reason != MV_EXIT_IO || run->io.port != x->addr ||
		    run->io.size != x->size || run->io.direction != (x->write ? MV_IO_OUT : MV_IO_IN) ||
		    run->io.count != x->count)
			goto mismatch;
		if (x->bytes && x->write) {
			if (memcmp((uint8_t *)run + run->io.data_offset, mem + SBUF_GPA(vcpu_id(vm, v)),
				   x->count)) {
				violation(w, "script %s: OUTS data differs from guest memory", sc->name);
				return false;
			}
		} else if (x->bytes) {
			memcpy((uint8_t *)run + MV_RUN_IO_DATA_OFFSET, x->bytes, x->count);
		} else if (x->write) {
			memcpy(&data, (uint8_t *)run + MV_RUN_IO_DATA_OFFSET, x->size);
			if (data != x->data) {
				violation(w, "script %s: OUT port 0x%llx data 0x%llx, expected 0x%llx",
					  sc->name, (unsigned long long)x->addr,
					  (unsigned long long)data, (unsigned long long)x->data);
				return false;
			}
		} else {
			memcpy((uint8_t *)run + MV_RUN_IO_DATA_OFFSET, &x->reply, x->size);
		}
		return true;
	case X_MMIO:
		if (run->exit_reason != MV_EXIT_MMIO || run->mmio.phys_addr != x->addr ||
		    run->mmio.len != x->size || run->mmio.is_write != x->write)
			goto mismatch;
		if (x->write) {
			memcpy(&data, run->mmio.data, 8);
			if (data != x->data) {
				violation(w, "script %s: MMIO write data 0x%llx, expected 0x%llx",
					  sc->name, (unsigned long long)data, (unsigned long long)x->data);
				return false;
			}
		} else {
			memset(run->mmio.data, 0, 8);
			memcpy(run->mmio.data, &x->reply, x->size);
		}
		return true;
	case X_MSR:
		if (run->exit_reason != MV_EXIT_MSR || run->msr.index != x->addr ||
		    run->msr.is_write != x->write)
			goto mismatch;
		if (x->write && run->msr.data != x->data) {
			violation(w, "script %s: WRMSR data 0x%llx, expected 0x%llx", sc->name,
				  (unsigned long long)run->msr.data, (unsigned long long)x->data);
			return false;
		}
		if (!x->write)
			run->msr.data = x->reply;
		run->msr.error = 0;
		return true;
	default:
		return false;
	}
mismatch:
	violation(w, "script %s: exit %s (io port 0x%x size %u dir %u count %u; mmio 0x%llx len %u w %u; msr 0x%x; internal %u [0x%llx 0x%llx 0x%llx]) where step %u expected kind %d addr 0x%llx size %u",
		  sc->name, exit_name(run->exit_reason), run->io.port, run->io.size,
		  run->io.direction, run->io.count,
		  (unsigned long long)run->mmio.phys_addr, run->mmio.len, run->mmio.is_write,
		  run->msr.index, run->internal.suberror,
		  (unsigned long long)run->internal.data[0],
		  (unsigned long long)run->internal.data[1],
		  (unsigned long long)run->internal.data[2],
		  (unsigned int)(x - sc->x), x->kind, (unsigned long long)x->addr, x->size);
	dump_vcpu(w, vm, v);
	return false;
}

/* Expected CPUID output from the vCPU's table, by the uapi's rules. */
static bool cpuid_expect(const struct mv_cpuid *t, uint32_t fn, uint32_t idx,
			 uint32_t out[4])
{
	uint32_t i;

	for (i = 0; i < t->nent; i++) {
		const struct mv_cpuid_entry *e = &t->entries[i];

		if (e->function == fn &&
		    (!(e->flags & MV_CPUID_INDEX_SIGNIFICANT) || e->index == idx)) {
			out[0] = e->eax;
			out[1] = e->ebx;
			out[2] = e->ecx;
			out[3] = e->edx;
			if (fn == 1)
				out[2] &= ~(1u << 27);	/* OSXSAVE = CR4.OSXSAVE = 0 */
			return true;
		}
	}
	memset(out, 0, 4 * sizeof(uint32_t));
	return false;
}

#define CPUID_BYTES	(sizeof(struct mv_cpuid) + \
			 (MV_CPUID_MAX_ENTRIES + 1) * sizeof(struct mv_cpuid_entry))

/* Run a script from the known state; every exit must be the expected one. */
static void run_script(struct world *w, struct vm *vm, struct vcpu *v,
		       struct script *sc)
{
	unsigned int id = vcpu_id(vm, v), i, tries;
	uint8_t *mem = base_mem(w, vm);
	struct mv_cpuid *table = NULL;
	struct res r;

	if (sc->check_cpuid) {
		table = calloc(1, CPUID_BYTES);
		if (!table)
			return;
		table->nent = MV_CPUID_MAX_ENTRIES;
		if (!judge(w, "GET_CPUID", xioctlp(w, OP_GET_CPUID, v->fd, MV_GET_CPUID, table),
			   true, 0)) {
			free(table);
			return;
		}
	}
	if (!vcpu_reset_known(w, vm, v, sc->want_idt0)) {
		free(table);
		return;
	}
	memcpy(mem + CODE_GPA(id), sc->p.b, sc->p.n);
	vhist(w, v, "S%s", sc->name);
	if (sc->sbuf_len)
		memcpy(mem + SBUF_GPA(id), sc->sbuf, sc->sbuf_len);
	v->run->immediate_exit = 0;
	for (i = 0; i < sc->nx; i++) {
		const struct xstep *x = &sc->x[i];

		if (x->kind == X_BLOCK) {
			r = do_run_nmi(w, vm, v, U(T_BLOCK));
			if (r.ret == 0)
				violation(w, "script %s: RUN returned exit %s (port 0x%x), expected to stay in the guest",
					  sc->name, exit_name(v->run->exit_reason), v->run->io.port);
			v->known = false;
			break;
		}
		/*
		 * EINTR is allowed (slow emulation): RUN must resume. A
		 * queued NMI may interject (IF does not stop it): its stub
		 * reports vector 2 and returns to the script.
		 */
		for (tries = 0; tries < 6; tries++) {
			r = do_run(w, vm, v, U(T_STEP));
			if (r.ret == 0 && v->nmi_bound && nmi_stub_exit(v->run) &&
			    !(x->kind == X_IO && x->addr == PORT_VEC && x->data == 2)) {
				v->nmi_bound--;
				vhist(w, v, "n");
				continue;
			}
			if (r.ret == 0 || r.err != EINTR)
				break;
		}
		if (r.ret != 0) {
			if (r.err != EINTR)
				violation(w, "script %s: RUN failed with %s", sc->name, ename(r.err));
			v->known = false;
			break;
		}
		if (!check_step(w, vm, v, sc, x)) {
			v->known = false;
			break;
		}
		v->msr_pending = false;
		/* After a read exit a completion is pending until RUN. */
		v->known = x->write || x->kind == X_HLT || x->kind == X_SHUTDOWN;
	}
	if (i == sc->nx && sc->nx && sc->x[sc->nx - 1].kind == X_HLT) {
		if (v->run->guest_rip != CODE_GPA(id) + sc->p.n)
			violation(w, "script %s: HLT exit at rip 0x%llx, expected 0x%x", sc->name,
				  (unsigned long long)v->run->guest_rip, CODE_GPA(id) + sc->p.n);
		if (sc->check_cpuid) {
			struct mv_regs regs;
			uint32_t want[4];

			cpuid_expect(table, sc->cpuid_fn, sc->cpuid_idx, want);
			if (judge(w, "GET_REGS", xioctlp(w, OP_GET_REGS, v->fd, MV_GET_REGS, &regs), true, 0) &&
			    (regs.rax != want[0] || (sc->cpuid_fn != 0xd && regs.rbx != want[1]) ||
			     regs.rcx != want[2] || regs.rdx != want[3]))
				violation(w, "CPUID(0x%x, %u) gave %llx %llx %llx %llx, the table says %x %x %x %x",
					  sc->cpuid_fn, sc->cpuid_idx,
					  (unsigned long long)regs.rax, (unsigned long long)regs.rbx,
					  (unsigned long long)regs.rcx, (unsigned long long)regs.rdx,
					  want[0], want[1], want[2], want[3]);
		}
		for (i = 0; i < sc->nx; i++)
			if (sc->x[i].kind == X_IO && !sc->x[i].write && sc->x[i].bytes &&
			    memcmp(mem + SBUF_GPA(id), sc->x[i].bytes, sc->x[i].count))
				violation(w, "script %s: INS did not store the data in guest memory",
					  sc->name);
		v->known = true;
	}
	free(table);
}

/* ---------------------------------------------------------------------- */
/* Actions: running guests                                                 */
/* ---------------------------------------------------------------------- */

/* A VM and one of its vCPUs with an fd; created if there is none. */
static bool need_vcpu(struct world *w, struct vm **pvm, struct vcpu **pv)
{
	struct vm *vm = pick_vm(w, false);
	struct vcpu *v = vm ? pick_vcpu(w, vm, true) : NULL;

	if (!v && !w->child) {
		if (!vm || vm->fd < 0 || chance(&w->rng, 1, 4))
			vm = pick_vm(w, true);
		if (!vm && world_live_vms(w) >= w->max_vms) {
			/* Make room: a VM whose fd is closed goes. */
			vm = pick_vm(w, false);
			if (vm)
				destroy_vm(w, vm);
			vm = NULL;
		}
		if (!vm)
			vm = create_vm(w);
		if (vm && vm->fd >= 0)
			v = create_vcpu(w, vm, below(&w->rng, caps.max_vcpus));
	}
	if (!v)
		return false;
	*pvm = vm;
	*pv = v;
	return true;
}

/* VM and vCPU ready for scripts: base slot, run page. */
static bool need_script_vcpu(struct world *w, struct vm **pvm, struct vcpu **pv)
{
	struct vm *vm;
	struct vcpu *v;

	if (!need_vcpu(w, &vm, &v))
		return false;
	if (vm->fd < 0 && (vm->base_slot < 0 || w->regions[vm->base_region].len < BASE_SIZE)) {
		/* No way to give it memory any more. */
		if (chance(&w->rng, 1, 2))
			destroy_vm(w, vm);
		return false;
	}
	if (!map_run(w, v))
		return false;
	if (vm->base_slot < 0 || w->regions[vm->base_region].len < BASE_SIZE) {
		if (vm->fd < 0 || !ensure_base(w, vm))
			return false;
	}
	if (vm->ring.broken) {
		struct res r;

		/* A stopped VM only ever reports its ring error. */
		v->run->immediate_exit = 0;
		r = do_run_nmi(w, vm, v, U(T_STEP));
		(void)r;
		if (chance(&w->rng, 1, 2))
			destroy_vm(w, vm);
		return false;
	}
	*pvm = vm;
	*pv = v;
	return true;
}

/*
 * Regression: an exit inside an STI shadow that returns to userspace with
 * the instruction not done (an MMIO access the kernel cannot decode:
 * `sti; inc word [bx]`), then the VMM moves the vCPU on with IF = 0. The
 * vCPU must run; minivisor used to keep "blocking by STI", which VM entry
 * rejects with IF = 0, so every later RUN failed entry.
 */
static void sti_shadow_script(struct world *w, struct vm *vm, struct vcpu *v)
{
	unsigned int id = vcpu_id(vm, v);
	uint8_t *mem = base_mem(w, vm);
	struct mv_regs regs;
	struct res r;

	if (v->nmi_bound || !mmio_window_free(vm) || !vcpu_reset_known(w, vm, v, false))
		return;
	memcpy(mem + CODE_GPA(id), (const uint8_t[]){ 0xfb, 0xff, 0x07 }, 3);
	mem[CODE_GPA(id) + 0x10] = 0xf4;
	vhist(w, v, "Ssti-shadow");
	r = do_run_nmi(w, vm, v, U(T_STEP));
	if (r.ret || v->run->exit_reason != MV_EXIT_INTERNAL_ERROR ||
	    v->run->internal.suberror != MV_INTERNAL_EMULATION ||
	    v->run->internal.data[0] != MMIO_GPA || v->run->internal.data[1] != CODE_GPA(id) + 1) {
		if (r.ret == 0)
			violation(w, "sti; inc word [mmio]: exit %s suberror %u data 0x%llx 0x%llx, expected an emulation failure at 0x%x",
				  exit_name(v->run->exit_reason), v->run->internal.suberror,
				  (unsigned long long)v->run->internal.data[0],
				  (unsigned long long)v->run->internal.data[1], CODE_GPA(id) + 1);
		v->known = false;
		return;
	}
	memset(&regs, 0, sizeof(regs));
	regs.rip = CODE_GPA(id) + 0x10;
	regs.rflags = 2;
	regs.rsp = STACK_TOP(id);
	judge(w, "SET_REGS", xioctlp(w, OP_SET_REGS, v->fd, MV_SET_REGS, &regs), true, 0);
	r = do_run_nmi(w, vm, v, U(T_STEP));
	if (r.ret || v->run->exit_reason != MV_EXIT_HLT) {
		if (r.ret == 0)
			violation(w, "after an exit in an STI shadow and SET_REGS with IF = 0: exit %s (hardware reason 0x%llx), expected HLT",
				  exit_name(v->run->exit_reason),
				  (unsigned long long)v->run->fail_entry.hardware_exit_reason);
		v->known = false;
		return;
	}
	v->known = true;
}

static void act_run_script(struct world *w)
{
	struct script sc;
	struct vm *vm;
	struct vcpu *v;

	w->cls = C_RUNSCRIPT;
	if (!need_script_vcpu(w, &vm, &v))
		return;
	if (chance(&w->rng, 1, 14)) {
		sti_shadow_script(w, vm, v);
		return;
	}
	if (!build_script(w, vm, v, &sc))
		return;
	run_script(w, vm, v, &sc);
}

static void act_run_chaos(struct world *w)
{
	struct vm *vm;
	struct vcpu *v;
	struct res r;
	unsigned int i, n;
	uint8_t *mem;

	w->cls = C_RUNCHAOS;
	if (!need_vcpu(w, &vm, &v))
		return;
	switch (below(&w->rng, 6)) {
	case 0:
		/* immediate_exit: EINTR at once, exit_reason INTR. */
		if (!map_run(w, v))
			return;
		v->run->immediate_exit = 1 + below(&w->rng, 255);
		r = do_run_nmi(w, vm, v, U(T_STEP));
		if (r.ret != -1 || r.err != EINTR || v->run->exit_reason != MV_EXIT_INTR)
			violation(w, "RUN with immediate_exit: ret %ld %s exit %u, expected EINTR/INTR",
				  r.ret, ename(r.err), v->run->exit_reason);
		v->run->immediate_exit = 0;
		return;
	case 1:
		/* RUN's argument must be 0. */
		r = xioctl(w, OP_RUN, v->fd, MV_RUN, rnd_value(&w->rng) | 1);
		judge(w, "RUN with an argument", r, false, eb(EINVAL));
		return;
	case 2:
	case 3:
		/* Random code in a mutated (SET_SREGS-valid) state. */
		if (!need_script_vcpu(w, &vm, &v) || !vcpu_reset_known(w, vm, v, chance(&w->rng, 1, 3)))
			return;
		mem = base_mem(w, vm);
		for (i = 0; i < 24; i++)
			mem[CODE_GPA(vcpu_id(vm, v)) + i] = (uint8_t)rnd(&w->rng);
		if (chance(&w->rng, 1, 2)) {
			struct mv_sregs s;

			if (judge(w, "GET_SREGS", xioctlp(w, OP_GET_SREGS, v->fd, MV_GET_SREGS, &s), true, 0)) {
				mutate_sregs(w, &s);
				if (sregs_valid(&s))
					judge(w, "SET_SREGS", xioctlp(w, OP_SET_SREGS, v->fd, MV_SET_SREGS, &s),
					      true, 0);
			}
		}
		break;
	default:
		/* Whatever state the vCPU is in. */
		map_run(w, v);
		if (v->run && chance(&w->rng, 1, 4)) {
			/* Scribble over the exit fields the kernel wrote. */
			uint8_t *p = (uint8_t *)v->run + 8;

			for (i = 0; i < 16; i++)
				p[below(&w->rng, MV_RUN_HEADER_SIZE - 8)] = (uint8_t)rnd(&w->rng);
			v->run->immediate_exit = 0;
		}
	}
	v->known = false;
	v->maybe_halted = true;
	vhist(w, v, "C");
	n = 1 + below(&w->rng, 4);
	for (i = 0; i < n; i++) {
		if (v->run) {
			v->run->msr.error = below(&w->rng, 8) ? 0 : (uint8_t)rnd(&w->rng);
			v->run->immediate_exit = 0;
		}
		r = do_run_nmi(w, vm, v, U(T_CHAOS + below(&w->rng, 4 * T_CHAOS)));
		if (r.ret < 0)
			break;
		if (vm->ring.state == 1 && chance(&w->rng, 3, 4))
			ring_complete_all(w, vm);
	}
}

/* ---------------------------------------------------------------------- */
/* Actions: CPUID table and MSR policy                                     */
/* ---------------------------------------------------------------------- */

/* The uapi's rules for MV_SET_CPUID; 0 or the errno. */
static int cpuid_check(const struct mv_cpuid *c)
{
	uint32_t i, j;

	if (c->reserved)
		return EINVAL;
	if (c->nent > MV_CPUID_MAX_ENTRIES)
		return E2BIG;
	for (i = 0; i < c->nent; i++) {
		const struct mv_cpuid_entry *e = &c->entries[i];

		if (e->reserved || (e->flags & ~MV_CPUID_INDEX_SIGNIFICANT))
			return EINVAL;
		if (!(e->flags & MV_CPUID_INDEX_SIGNIFICANT) && e->index)
			return EINVAL;
		for (j = 0; j < i; j++) {
			const struct mv_cpuid_entry *f = &c->entries[j];

			if (f->function != e->function)
				continue;
			if (!(e->flags & f->flags & MV_CPUID_INDEX_SIGNIFICANT) ||
			    e->index == f->index)
				return EINVAL;
		}
	}
	return 0;
}

static void act_cpuid(struct world *w)
{
	struct mv_cpuid *before = calloc(1, CPUID_BYTES), *set = calloc(1, CPUID_BYTES),
			*after = calloc(1, CPUID_BYTES);
	struct vm *vm;
	struct vcpu *v;
	struct res r;
	uint32_t i;
	int want;

	w->cls = C_CPUID;
	if (!before || !set || !after || !need_vcpu(w, &vm, &v))
		goto out;
	if (chance(&w->rng, 1, 4)) {
		/* GET sizing: too small a buffer gives E2BIG and the count. */
		memset(before, 0, sizeof(*before));
		before->nent = below(&w->rng, 4);
		before->reserved = chance(&w->rng, 1, 6);
		r = xioctlp(w, OP_GET_CPUID, v->fd, MV_GET_CPUID, before);
		if (before->reserved) {
			judge(w, "GET_CPUID with reserved set", r, false, eb(EINVAL));
		} else if (r.ret < 0) {
			judge(w, "GET_CPUID into a small buffer", r, false, eb(E2BIG));
			if (r.err == E2BIG && before->nent > MV_CPUID_MAX_ENTRIES)
				violation(w, "GET_CPUID E2BIG reports %u entries", before->nent);
		}
		goto out;
	}
	before->nent = MV_CPUID_MAX_ENTRIES;
	if (!judge(w, "GET_CPUID", xioctlp(w, OP_GET_CPUID, v->fd, MV_GET_CPUID, before), true, 0))
		goto out;
	memcpy(set, before, CPUID_BYTES);
	switch (below(&w->rng, 9)) {
	case 0:
		set->nent = MV_CPUID_MAX_ENTRIES + 1 + below(&w->rng, 2) * (uint32_t)rnd(&w->rng);
		break;
	case 1:
		set->reserved = 1 + below(&w->rng, 100);
		break;
	case 2:
		if (set->nent)
			set->entries[below(&w->rng, set->nent)].reserved = 1;
		break;
	case 3:
		if (set->nent)
			set->entries[below(&w->rng, set->nent)].flags |= 1u << below(&w->rng, 32);
		break;
	case 4:
		if (set->nent)
			set->entries[below(&w->rng, set->nent)].index = 1 + below(&w->rng, 8);
		break;
	case 5:
		/* Duplicate an entry. */
		if (set->nent && set->nent < MV_CPUID_MAX_ENTRIES) {
			set->entries[set->nent] = set->entries[below(&w->rng, set->nent)];
			set->nent++;
		}
		break;
	case 6:
		set->nent = below(&w->rng, set->nent + 1);
		break;
	default:
		/* Valid changes: new values, a new leaf. */
		for (i = 0; i < set->nent; i++)
			if (chance(&w->rng, 1, 8))
				set->entries[i].ebx = (uint32_t)rnd(&w->rng);
		if (set->nent < MV_CPUID_MAX_ENTRIES && chance(&w->rng, 1, 2)) {
			struct mv_cpuid_entry *e = &set->entries[set->nent++];

			memset(e, 0, sizeof(*e));
			e->function = 0x40000100 + below(&w->rng, 0x100);
			e->eax = (uint32_t)rnd(&w->rng);
			e->edx = (uint32_t)rnd(&w->rng);
		}
	}
	want = cpuid_check(set);
	r = xioctlp(w, OP_SET_CPUID, v->fd, MV_SET_CPUID, set);
	judge(w, "SET_CPUID", r, !want, want ? eb(want) : eb(ENOMEM));
	after->nent = MV_CPUID_MAX_ENTRIES;
	if (!judge(w, "GET_CPUID", xioctlp(w, OP_GET_CPUID, v->fd, MV_GET_CPUID, after), true, 0))
		goto out;
	if (r.ret == 0) {
		if (after->nent != set->nent ||
		    memcmp(after->entries, set->entries, set->nent * sizeof(set->entries[0])))
			violation(w, "GET_CPUID does not return the table SET_CPUID set");
	} else if (after->nent != before->nent ||
		   memcmp(after->entries, before->entries, before->nent * sizeof(before->entries[0]))) {
		violation(w, "a failed SET_CPUID changed the table");
	}
out:
	free(before);
	free(set);
	free(after);
}

static void act_msr(struct world *w)
{
	struct mv_msr_policy pol;
	struct script sc;
	struct vm *vm;
	struct vcpu *v;
	bool want_exit, valid;
	struct res r;

	w->cls = C_MSR;
	if (!need_vcpu(w, &vm, &v))
		return;
	if (chance(&w->rng, 1, 3)) {
		pol.policy = chance(&w->rng, 1, 2) ? below(&w->rng, 2) : (uint32_t)rnd_value(&w->rng);
		pol.reserved = chance(&w->rng, 1, 4) ? (uint32_t)rnd_value(&w->rng) : 0;
		valid = pol.policy <= 1 && !pol.reserved;
		r = xioctlp(w, OP_SET_MSR_POLICY, v->fd, MV_SET_MSR_POLICY, &pol);
		if (judge(w, "SET_MSR_POLICY", r, valid, valid ? 0 : eb(EINVAL))) {
			v->policy_known = true;
			v->policy_exit = pol.policy == MV_MSR_POLICY_EXIT;
		}
		return;
	}
	if (!need_script_vcpu(w, &vm, &v))
		return;
	build_msr_script(w, &sc, &want_exit);
	pol.policy = want_exit ? MV_MSR_POLICY_EXIT : MV_MSR_POLICY_GP;
	pol.reserved = 0;
	if (!judge(w, "SET_MSR_POLICY", xioctlp(w, OP_SET_MSR_POLICY, v->fd, MV_SET_MSR_POLICY, &pol),
		   true, 0))
		return;
	v->policy_known = true;
	v->policy_exit = want_exit;
	if (sc.nx && sc.x[0].kind == X_MSR && chance(&w->rng, 1, 3)) {
		/* A bad completion value: RUN fails EINVAL, the exit stays. */
		if (!vcpu_reset_known(w, vm, v, false))
			return;
		memcpy(base_mem(w, vm) + CODE_GPA(vcpu_id(vm, v)), sc.p.b, sc.p.n);
		r = do_run_nmi(w, vm, v, U(T_STEP));
		if (r.ret != 0 || v->run->exit_reason != MV_EXIT_MSR) {
			if (r.ret == 0 || r.err != EINTR)
				violation(w, "MSR script: first RUN gave %s, expected an MSR exit",
					  r.ret ? ename(r.err) : exit_name(v->run->exit_reason));
			v->known = false;
			return;
		}
		v->run->msr.error = 2 + below(&w->rng, 254);
		r = do_run_nmi(w, vm, v, U(T_STEP));
		judge(w, "RUN completing an MSR exit with error > 1", r, false, eb(EINVAL));
		v->run->msr.error = 0;
		r = do_run_nmi(w, vm, v, U(T_STEP));
		if (r.ret != 0 || (v->run->exit_reason != MV_EXIT_HLT && v->run->exit_reason != MV_EXIT_IO))
			violation(w, "RUN after fixing the MSR completion: %s %s",
				  ename(r.err), exit_name(v->run->exit_reason));
		v->known = false;
		return;
	}
	run_script(w, vm, v, &sc);
}

/* ---------------------------------------------------------------------- */
/* Actions: interrupts and NMIs                                            */
/* ---------------------------------------------------------------------- */

static struct res push_irq(struct world *w, struct vm *vm, struct vcpu *v,
			   uint32_t vector, uint32_t reserved)
{
	struct mv_interrupt irq = { vector, reserved };
	bool valid = vector >= 32 && vector <= 255 && !reserved;
	struct res r;

	if (w->log && valid)
		w->log->irqs[vm - w->vms][vcpu_id(vm, v)]++;
	r = xioctlp(w, OP_INTERRUPT, v->fd, MV_INTERRUPT, &irq);
	judge(w, "MV_INTERRUPT", r, valid,
	      valid ? (v->irq_bound >= MV_MAX_PENDING_IRQS ? eb(EAGAIN) : 0) : eb(EINVAL));
	if (r.ret == 0) {
		v->irq_bound++;
		vhist(w, v, "P%u", vector);
	}
	return r;
}

static struct res push_nmi(struct world *w, struct vm *vm, struct vcpu *v,
			   unsigned long arg)
{
	bool vnmi = caps.features & MV_FEAT_VIRTUAL_NMI;
	uint64_t errs = arg ? eb(EINVAL) : 0;
	struct res r;

	if (!vnmi)
		errs |= eb(EOPNOTSUPP);
	if (v->nmi_bound >= MV_MAX_PENDING_IRQS)
		errs |= eb(EAGAIN);
	if (w->log && !arg)
		w->log->nmis[vm - w->vms][vcpu_id(vm, v)]++;
	r = xioctl(w, OP_NMI, v->fd, MV_NMI, arg);
	judge(w, "MV_NMI", r, !arg && vnmi, errs);
	if (r.ret == 0)
		v->nmi_bound++;
	return r;
}

/* `L: sti; hlt; jmp L`: each RUN delivers one queued event, or sleeps. */
static bool irq_loop_setup(struct world *w, struct vm *vm, struct vcpu *v)
{
	uint8_t *mem;

	if (ring_covers(vm, MV_RING_SPACE_PIO, PORT_VEC, 1))
		return false;
	if (!vcpu_reset_known(w, vm, v, false))
		return false;
	mem = base_mem(w, vm);
	memcpy(mem + CODE_GPA(vcpu_id(vm, v)), (const uint8_t[]){ 0xfb, 0xf4, 0xeb, 0xfc }, 4);
	v->known = false;
	v->maybe_halted = true;
	return true;
}

/*
 * One RUN of the interrupt loop: the vector delivered (the stub's OUT), or
 * -1 if the guest slept until the timer (nothing deliverable).
 */
static int irq_loop_run(struct world *w, struct vm *vm, struct vcpu *v)
{
	struct res r = do_run_nmi(w, vm, v, U(T_SLEEP));

	/*
	 * EINTR: asleep in HLT with nothing to deliver, or the timer was
	 * quicker than the delivery. A second, longer RUN tells them apart.
	 */
	if (r.ret < 0 && r.err == EINTR)
		r = do_run(w, vm, v, U(4 * T_SLEEP));
	if (r.ret < 0)
		return -1;
	if (v->run->exit_reason != MV_EXIT_IO || v->run->io.port != PORT_VEC ||
	    v->run->io.size != 1) {
		violation(w, "interrupt loop: exit %s (port 0x%x), expected an OUT to 0x%x",
			  exit_name(v->run->exit_reason), v->run->io.port, PORT_VEC);
		dump_vcpu(w, vm, v);
		return -2;
	}
	return ((uint8_t *)v->run)[MV_RUN_IO_DATA_OFFSET];
}

/* Deliver everything queued; true if the queue ended up empty. */
static bool irq_drain(struct world *w, struct vm *vm, struct vcpu *v)
{
	unsigned int n, limit = v->irq_bound + v->nmi_bound + 4;
	int vec;

	for (n = 0; n < limit + 300; n++) {
		vec = irq_loop_run(w, vm, v);
		if (vec == -2)
			return false;
		if (vec == -1)
			break;
		vhist(w, v, "d%d", vec);
		if (vec == 2 && v->nmi_bound) {
			v->nmi_bound--;
		} else if (vec >= 32 && v->irq_bound) {
			v->irq_bound--;
		} else {
			if (vec >= 32 || vec == 2)
				violation(w, "vector %d delivered more often than queued", vec);
			else
				violation(w, "interrupt loop delivered vector %d (an exception)", vec);
			vhist_dump(v);
		}
	}
	vhist(w, v, "Z%u", v->irq_bound);
	v->irq_bound = 0;
	return true;
}

/*
 * Regression: the delivery of an interrupt is cut short by an exit that
 * returns to userspace (the stack it pushes to is MMIO: an emulation
 * failure), the kernel keeps the interrupt for re-injection, and the VMM
 * then sets RFLAGS.IF = 0. RUN must work (the interrupt waits for IF = 1);
 * minivisor used to leave the injection in the VMCS, which VM entry
 * rejects with IF = 0, on every RUN. The interrupt must still come, once.
 */
static void irq_held_script(struct world *w, struct vm *vm, struct vcpu *v)
{
	unsigned int id = vcpu_id(vm, v);
	uint32_t vector = 32 + below(&w->rng, 224);
	struct mv_sregs s;
	struct mv_regs regs;
	uint8_t *mem;
	struct res r;
	int vec;

	if (v->nmi_bound || !mmio_window_free(vm) || !irq_loop_setup(w, vm, v) ||
	    !irq_drain(w, vm, v))
		return;
	mem = base_mem(w, vm);
	/* sti; nop; nop; hlt; and at +0x10 a hlt for IF = 0. */
	memcpy(mem + CODE_GPA(id), (const uint8_t[]){ 0xfb, 0x90, 0x90, 0xf4 }, 4);
	mem[CODE_GPA(id) + 0x10] = 0xf4;
	if (!judge(w, "GET_SREGS", xioctlp(w, OP_GET_SREGS, v->fd, MV_GET_SREGS, &s), true, 0))
		return;
	s.ss.base = MMIO_GPA;
	memset(&regs, 0, sizeof(regs));
	regs.rip = CODE_GPA(id);
	regs.rflags = 2;
	regs.rsp = 0x100;
	if (!judge(w, "SET_SREGS", xioctlp(w, OP_SET_SREGS, v->fd, MV_SET_SREGS, &s), true, 0) ||
	    !judge(w, "SET_REGS", xioctlp(w, OP_SET_REGS, v->fd, MV_SET_REGS, &regs), true, 0) ||
	    push_irq(w, vm, v, vector, 0).ret)
		return;
	vhist(w, v, "Sirq-held");
	v->known = false;
	r = do_run_nmi(w, vm, v, U(T_STEP));
	if (r.ret || v->run->exit_reason != MV_EXIT_INTERNAL_ERROR ||
	    v->run->internal.suberror != MV_INTERNAL_EMULATION) {
		if (r.ret == 0)
			violation(w, "interrupt pushing to an MMIO stack: exit %s suberror %u, expected an emulation failure",
				  exit_name(v->run->exit_reason), v->run->internal.suberror);
		return;
	}
	/* The VMM moves on with interrupts off and a sane stack. */
	s.ss.base = 0;
	regs.rip = CODE_GPA(id) + 0x10;
	regs.rsp = STACK_TOP(id);
	judge(w, "SET_SREGS", xioctlp(w, OP_SET_SREGS, v->fd, MV_SET_SREGS, &s), true, 0);
	judge(w, "SET_REGS", xioctlp(w, OP_SET_REGS, v->fd, MV_SET_REGS, &regs), true, 0);
	r = do_run_nmi(w, vm, v, U(T_STEP));
	if (r.ret || v->run->exit_reason != MV_EXIT_HLT) {
		if (r.ret == 0)
			violation(w, "after an interrupted delivery and SET_REGS with IF = 0: exit %s (hardware reason 0x%llx), expected HLT",
				  exit_name(v->run->exit_reason),
				  (unsigned long long)v->run->fail_entry.hardware_exit_reason);
		return;
	}
	/* IF = 1 again: the interrupt comes, once. */
	memcpy(mem + CODE_GPA(id), (const uint8_t[]){ 0xfb, 0xf4, 0xeb, 0xfc }, 4);
	regs.rip = CODE_GPA(id);
	judge(w, "SET_REGS", xioctlp(w, OP_SET_REGS, v->fd, MV_SET_REGS, &regs), true, 0);
	vec = irq_loop_run(w, vm, v);
	if (vec != (int)vector)
		violation(w, "the interrupt held back over IF = 0 came as %d, expected %u", vec, vector);
	else
		v->irq_bound--;
	vec = irq_loop_run(w, vm, v);
	if (vec >= 0)
		violation(w, "after the held-back interrupt, vector %d was delivered too", vec);
	v->maybe_halted = true;
}

static void act_irq(struct world *w)
{
	struct vm *vm;
	struct vcpu *v;
	uint8_t q[16];
	unsigned int i, k, got_nmi = 0, nmis = 0, next = 0;
	int vec;

	w->cls = C_IRQ;
	if (!need_vcpu(w, &vm, &v))
		return;
	switch (below(&w->rng, 5)) {
	case 0:
		push_irq(w, vm, v, chance(&w->rng, 1, 2) ? below(&w->rng, 32) : (uint32_t)rnd_value(&w->rng),
			 chance(&w->rng, 1, 3) ? (uint32_t)rnd_value(&w->rng) : 0);
		return;
	case 1:
		push_nmi(w, vm, v, chance(&w->rng, 1, 2) ? rnd_value(&w->rng) : 0);
		return;
	case 2:
		if (v->irq_bound < MV_MAX_PENDING_IRQS)
			push_irq(w, vm, v, 32 + below(&w->rng, 224), 0);
		return;
	default:
		break;
	}
	if (chance(&w->rng, 1, 4)) {
		if (need_script_vcpu(w, &vm, &v))
			irq_held_script(w, vm, v);
		return;
	}
	/* Order and count: drain, queue k, every one comes once, in order. */
	if (!need_script_vcpu(w, &vm, &v) || !irq_loop_setup(w, vm, v) || !irq_drain(w, vm, v))
		return;
	if (chance(&w->rng, 1, 10)) {
		/* The queue holds MV_MAX_PENDING_IRQS, then EAGAIN. */
		for (i = 0; i < MV_MAX_PENDING_IRQS; i++)
			if (push_irq(w, vm, v, 32 + (i % 224), 0).ret)
				return;
		push_irq(w, vm, v, 40, 0);
		return;
	}
	k = 1 + below(&w->rng, ARRAY_SIZE(q));
	for (i = 0; i < k; i++) {
		q[i] = (uint8_t)(32 + below(&w->rng, 224));
		if (push_irq(w, vm, v, q[i], 0).ret)
			return;
		if (!v->nmi_bound && chance(&w->rng, 1, 8) && push_nmi(w, vm, v, 0).ret == 0)
			nmis++;
	}
	for (i = 0; i < k + nmis + 1; i++) {
		vec = irq_loop_run(w, vm, v);
		if (vec == -2)
			return;
		if (vec == -1)
			break;
		if (vec == 2) {
			got_nmi++;
			if (v->nmi_bound)
				v->nmi_bound--;
			continue;
		}
		vhist(w, v, "D%d", vec);
		if (next >= k || vec != q[next]) {
			violation(w, "interrupt %u delivered vector %d, expected %d (queued in order:%s)",
				  next, vec, next < k ? q[next] : -1, k > 1 ? " yes" : "");
			return;
		}
		next++;
		v->irq_bound--;
	}
	if (next != k)
		violation(w, "%u of %u queued interrupts delivered", next, k);
	if (got_nmi > nmis)
		violation(w, "%u NMIs delivered, %u queued", got_nmi, nmis);
}

/* ---------------------------------------------------------------------- */
/* Actions: ring setup, ranges, mmap                                       */
/* ---------------------------------------------------------------------- */

static bool pow2(uint32_t x)
{
	return x && !(x & (x - 1));
}

static bool layout_sane(const struct mv_ring_layout *l)
{
	uint64_t req_end = (uint64_t)l->req_array + (uint64_t)l->req_entries * sizeof(struct mv_ring_req);
	uint64_t cpl_end = (uint64_t)l->cpl_array + (uint64_t)l->cpl_entries * sizeof(struct mv_ring_cpl);
	uint32_t idx[] = { l->req_head, l->req_tail, l->req_mask, l->cpl_head,
			   l->cpl_tail, l->cpl_mask, l->kernel_flags, l->user_flags };
	unsigned int i, j;

	if (!l->mmap_size || l->mmap_size & (PAGE - 1) || req_end > l->mmap_size ||
	    cpl_end > l->mmap_size || l->req_array % 8 || l->cpl_array % 8 ||
	    (l->req_array < l->cpl_array ? req_end > l->cpl_array : cpl_end > l->req_array))
		return false;
	for (i = 0; i < ARRAY_SIZE(idx); i++) {
		if (idx[i] % 4 || idx[i] + 4 > l->mmap_size ||
		    (idx[i] + 4 > l->req_array && idx[i] < req_end) ||
		    (idx[i] + 4 > l->cpl_array && idx[i] < cpl_end))
			return false;
		for (j = 0; j < i; j++)
			if (idx[i] == idx[j])
				return false;
	}
	for (i = 0; i < ARRAY_SIZE(l->reserved); i++)
		if (l->reserved[i])
			return false;
	return true;
}

static bool map_ring(struct world *w, struct vm *vm)
{
	struct ring_model *rm = &vm->ring;
	int err;
	void *p;

	if (rm->area || rm->state != 1 || vm->fd < 0)
		return rm->area != NULL;
	p = xmmap(w, NULL, rm->layout.mmap_size, PROT_READ | PROT_WRITE, MAP_SHARED, vm->fd, 0, &err);
	if (p == MAP_FAILED) {
		judge(w, "mmap of the rings", (struct res){ -1, err }, true, eb(ENOMEM));
		return false;
	}
	rm->area = p;
	return true;
}

/* MV_SETUP_RINGS with one value mutated now and then. */
static void ring_setup(struct world *w, struct vm *vm, bool valid_only)
{
	struct ring_model *rm = &vm->ring;
	struct mv_ring_setup s;
	int req = -1, kick = -1, bad_fd = -1;
	uint64_t errs = 0;
	bool val_ok, fds_ok = true, ok;
	struct res r;

	memset(&s, 0, sizeof(s));
	s.req_entries = 1u << (1 + below(&w->rng, chance(&w->rng, 1, 20) ? 16 : 8));
	s.cpl_entries = 1u << (3 + below(&w->rng, chance(&w->rng, 1, 20) ? 14 : 4));
	/* Spinning costs emulated time: mostly none, rarely the most. */
	s.busy_poll_us = chance(&w->rng, 1, 4) ? 1 + below(&w->rng, 20) :
			 chance(&w->rng, 1, 30) ? MV_RING_MAX_BUSY_POLL_US : 0;
	pthread_rwlock_rdlock(&fd_lock);
	req = chance(&w->rng, 1, 5) ? -1 : eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	kick = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	pthread_rwlock_unlock(&fd_lock);
	s.req_eventfd = req;
	s.kick_eventfd = kick;
	if (!valid_only) {
		switch (below(&w->rng, 16)) {
		case 0:
			s.req_entries = chance(&w->rng, 1, 2) ? below(&w->rng, 2) : (uint32_t)rnd_value(&w->rng);
			break;
		case 1:
			s.req_entries = MV_RING_MAX_ENTRIES * 2;
			break;
		case 2:
			s.cpl_entries = chance(&w->rng, 1, 2) ? caps.max_vcpus / 2 : (uint32_t)rnd_value(&w->rng);
			break;
		case 3:
			s.busy_poll_us = MV_RING_MAX_BUSY_POLL_US + 1 + below(&w->rng, 100000);
			break;
		case 4:
			s.flags = 1u << below(&w->rng, 32);
			break;
		case 5:
			s.reserved[below(&w->rng, 2)] = rnd_value(&w->rng) | 1;
			break;
		case 6:
			((uint32_t *)&s.layout)[below(&w->rng, sizeof(s.layout) / 4)] = 1 + below(&w->rng, 1000);
			break;
		case 7:
			s.req_eventfd = -2 - (int)below(&w->rng, 100);
			break;
		case 8:
			s.kick_eventfd = chance(&w->rng, 1, 2) ? -1 : -(int)below(&w->rng, 1000) - 2;
			break;
		case 9:
			/* Not an eventfd: the system fd, or a closed number. */
			bad_fd = chance(&w->rng, 1, 2) ? w->sys_fd : 1000 + (int)below(&w->rng, 1000);
			if (chance(&w->rng, 1, 2))
				s.kick_eventfd = bad_fd;
			else
				s.req_eventfd = bad_fd;
			if (bad_fd < 0)
				bad_fd = 999;
			break;
		case 10:
			if (req >= 0)
				s.kick_eventfd = req;	/* one eventfd for both */
			break;
		default:
			break;
		}
	}
	val_ok = pow2(s.req_entries) && s.req_entries >= MV_RING_MIN_REQ_ENTRIES &&
		 s.req_entries <= MV_RING_MAX_ENTRIES && pow2(s.cpl_entries) &&
		 s.cpl_entries >= caps.max_vcpus && s.cpl_entries <= MV_RING_MAX_ENTRIES &&
		 s.busy_poll_us <= MV_RING_MAX_BUSY_POLL_US && !s.flags &&
		 s.req_eventfd >= -1 && s.kick_eventfd >= 0 && !s.reserved[0] && !s.reserved[1];
	{
		static const struct mv_ring_layout zero;

		if (memcmp(&s.layout, &zero, sizeof(zero)))
			val_ok = false;
	}
	if (!val_ok)
		errs |= eb(EINVAL);
	if ((s.req_eventfd >= 0 && s.req_eventfd != req) || (s.kick_eventfd >= 0 && s.kick_eventfd != kick &&
							     s.kick_eventfd != req)) {
		errs |= eb(EBADF);
		fds_ok = false;
	}
	if (s.kick_eventfd >= 0 && s.kick_eventfd == s.req_eventfd) {
		errs |= eb(EINVAL);
		fds_ok = false;
	}
	if (rm->state)
		errs |= eb(EBUSY);
	ok = val_ok && fds_ok && rm->state != 1;
	errs |= eb(ENOMEM);
	r = xioctlp(w, OP_SETUP_RINGS, vm->fd, MV_SETUP_RINGS, &s);
	judge(w, "SETUP_RINGS", r, ok, errs);
	if (r.ret == 0) {
		if (!layout_sane(&s.layout) || s.layout.req_entries != s.req_entries ||
		    s.layout.cpl_entries != s.cpl_entries)
			violation(w, "SETUP_RINGS returned a bad layout (size %llu req %u@%u cpl %u@%u)",
				  (unsigned long long)s.layout.mmap_size, s.layout.req_entries,
				  s.layout.req_array, s.layout.cpl_entries, s.layout.cpl_array);
		ring_forget(rm);
		rm->state = 1;
		rm->layout = s.layout;
		rm->req_efd = req;
		rm->kick_efd = kick;
		rm->next_seq = 1;
		if (chance(&w->rng, 7, 8))
			map_ring(w, vm);
		return;
	}
	if (req >= 0)
		close(req);
	if (kick >= 0)
		close(kick);
}

/* MV_SET_RING_RANGE, predicted from the model of registered ranges. */
static bool ring_range(struct world *w, struct vm *vm, struct mv_ring_range *g)
{
	struct ring_model *rm = &vm->ring;
	bool bad, found = false, overlap = false, ok;
	unsigned int i, at = 0;
	uint64_t errs;
	struct res r;

	bad = (g->space != MV_RING_SPACE_PIO && g->space != MV_RING_SPACE_MMIO) ||
	      (g->flags & ~(MV_RING_RANGE_POSTED | MV_RING_RANGE_REMOVE)) || g->reserved ||
	      !g->len || g->base + g->len < g->base ||
	      (g->space == MV_RING_SPACE_PIO && g->base + g->len > 0x10000);
	for (i = 0; i < rm->nranges; i++) {
		const struct mv_ring_range *o = &rm->ranges[i];

		if (o->space == g->space && o->base == g->base && o->len == g->len) {
			found = true;
			at = i;
		}
		if (o->space == g->space && g->base < o->base + o->len && o->base < g->base + g->len)
			overlap = true;
	}
	if (rm->state == 0) {
		errs = eb(ENXIO);
		ok = false;
	} else if (rm->state == 2) {
		errs = eb(ENXIO) | eb(EINVAL) | eb(ENOENT) | eb(EEXIST) | eb(ENOSPC);
		ok = !bad;
	} else if (bad) {
		errs = eb(EINVAL);
		ok = false;
	} else if (g->flags & MV_RING_RANGE_REMOVE) {
		errs = found ? 0 : eb(ENOENT);
		ok = found;
	} else {
		errs = overlap ? eb(EEXIST) : rm->nranges >= MV_RING_MAX_RANGES ? eb(ENOSPC) : 0;
		ok = !errs;
	}
	r = xioctlp(w, OP_SET_RING_RANGE, vm->fd, MV_SET_RING_RANGE, g);
	judge(w, "SET_RING_RANGE", r, ok, errs);
	if (r.ret == 0 && rm->state == 1) {
		if (g->flags & MV_RING_RANGE_REMOVE) {
			if (found)
				rm->ranges[at] = rm->ranges[--rm->nranges];
		} else if (rm->nranges < MV_RING_MAX_RANGES) {
			rm->ranges[rm->nranges] = *g;
			rm->ranges[rm->nranges].flags &= MV_RING_RANGE_POSTED;
			rm->nranges++;
		}
	}
	return r.ret == 0;
}

static void act_ring_setup(struct world *w)
{
	struct vm *vm = pick_vm(w, true);
	struct mv_ring_range g;

	w->cls = C_RINGSETUP;
	if (!vm)
		return;
	if (vm->ring.state != 1 || chance(&w->rng, 1, 6)) {
		ring_setup(w, vm, false);
		return;
	}
	memset(&g, 0, sizeof(g));
	g.space = chance(&w->rng, 1, 8) ? (uint32_t)rnd_value(&w->rng) : below(&w->rng, 2);
	if (g.space == MV_RING_SPACE_PIO) {
		g.base = chance(&w->rng, 1, 8) ? rnd_value(&w->rng) : 0x100 + below(&w->rng, 0x100);
		g.len = chance(&w->rng, 1, 8) ? rnd_value(&w->rng) : 1 + below(&w->rng, 8);
	} else {
		g.base = chance(&w->rng, 1, 8) ? rnd_value(&w->rng) : 0xe0000000ull + below(&w->rng, 64) * 0x100;
		g.len = chance(&w->rng, 1, 8) ? rnd_value(&w->rng) : 0x100;
	}
	if (chance(&w->rng, 1, 3))
		g.flags |= MV_RING_RANGE_POSTED;
	if (chance(&w->rng, 1, 3) && vm->ring.nranges) {
		g = vm->ring.ranges[below(&w->rng, vm->ring.nranges)];
		g.flags = MV_RING_RANGE_REMOVE | (chance(&w->rng, 1, 2) ? MV_RING_RANGE_POSTED : 0);
	}
	if (chance(&w->rng, 1, 12))
		g.flags |= 1u << below(&w->rng, 32);
	if (chance(&w->rng, 1, 12))
		g.reserved = rnd_value(&w->rng) | 1;
	ring_range(w, vm, &g);
}

/* ---------------------------------------------------------------------- */
/* Actions: the ring protocol                                              */
/* ---------------------------------------------------------------------- */

/*
 * A guest does OUT then IN on a ring-served port and echoes what it read
 * to a classic port: the requests must appear in the ring with the next
 * sequence numbers and the right fields, the vCPU must wait for each
 * non-posted one, and the completion's data must reach the guest.
 */
static void ring_script(struct world *w, struct vm *vm, struct vcpu *v)
{
	struct ring_model *rm = &vm->ring;
	struct mv_ring_range g;
	bool posted = chance(&w->rng, 1, 2);
	unsigned int id = vcpu_id(vm, v), i, size = 1u << below(&w->rng, 3);
	uint32_t val = (uint32_t)rnd(&w->rng), reply = (uint32_t)rnd(&w->rng);
	uint64_t m = size_mask(size), seq0, got = 0;
	uint16_t port = 0;
	struct prog p;
	struct res r;

	for (i = 0; i < 8 && !port; i++) {
		uint16_t c = (uint16_t)(0x200 + below(&w->rng, 0x100) * 4);

		if (!ring_covers(vm, MV_RING_SPACE_PIO, c, 4))
			port = c;
	}
	if (!port || rm->awaiting[id] || !vcpu_reset_known(w, vm, v, false))
		return;
	/* Ring accesses stay pending in the kernel until completed. */
	v->known = false;
	memset(&g, 0, sizeof(g));
	g.space = MV_RING_SPACE_PIO;
	g.base = port;
	g.len = 4;
	g.flags = posted ? MV_RING_RANGE_POSTED : 0;
	if (!ring_range(w, vm, &g))
		return;
	/* The kernel never reads back what it owns: scribble over it. */
	if (chance(&w->rng, 1, 3)) {
		*ring_u32(rm, rm->layout.cpl_head) = (uint32_t)rnd(&w->rng);
		*ring_u32(rm, rm->layout.req_mask) = (uint32_t)rnd(&w->rng);
		*ring_u32(rm, rm->layout.kernel_flags) = (uint32_t)rnd(&w->rng) & ~MV_RING_KF_BROKEN;
	}
	if (chance(&w->rng, 1, 3))
		*ring_u32(rm, rm->layout.user_flags) ^= MV_RING_UF_POLLING;
	memset(&p, 0, sizeof(p));
	emit_mov_dx(&p, port);
	emit_mov_eax(&p, val);
	if (size == 4)
		EMIT(&p, 0x66);
	EMIT(&p, size == 1 ? 0xee : 0xef);		/* out dx, al/ax/eax */
	emit_mov_eax(&p, 0);
	if (size == 4)
		EMIT(&p, 0x66);
	EMIT(&p, size == 1 ? 0xec : 0xed);		/* in al/ax/eax, dx */
	if (size == 4)
		EMIT(&p, 0x66);
	EMIT(&p, size == 1 ? 0xe6 : 0xe7, PORT_ECHO, 0xf4);
	memcpy(base_mem(w, vm) + CODE_GPA(id), p.b, p.n);
	ring_drain(w, vm);
	seq0 = rm->next_seq;

	if (!posted) {
		/* The OUT waits for its completion. */
		r = do_run_nmi(w, vm, v, U(T_RING));
		if (r.ret == 0 || r.err != EINTR || rm->nlast == 0 || !rm->awaiting[id]) {
			violation(w, "ring OUT: RUN %s exit %s, %u requests; expected to wait for the completion",
				  ename(r.err), r.ret ? "-" : exit_name(v->run->exit_reason), rm->nlast);
			goto out;
		}
		{
			const struct mv_ring_req *q = &rm->last[rm->nlast - 1];

			memcpy(&got, q->data, 8);
			if (q->seq != seq0 || q->addr != port || q->len != size || q->vcpu != id ||
			    q->flags != (MV_RING_REQ_WRITE | MV_RING_REQ_PIO) || got != (val & m))
				violation(w, "ring OUT request: seq %llu/%llu addr 0x%llx len %u vcpu %u flags 0x%x data 0x%llx (wanted 0x%llx)",
					  (unsigned long long)q->seq, (unsigned long long)seq0,
					  (unsigned long long)q->addr, q->len, q->vcpu, q->flags,
					  (unsigned long long)got, (unsigned long long)(val & m));
		}
		ring_complete(vm, id, rnd(&w->rng));
		seq0++;
	}
	/* The IN waits (after a posted OUT that did not). */
	r = do_run_nmi(w, vm, v, U(T_RING));
	if (r.ret == 0 || r.err != EINTR || !rm->awaiting[id] || rm->nlast == 0) {
		violation(w, "ring IN: RUN %s exit %s; expected to wait for the completion",
			  ename(r.err), r.ret ? "-" : exit_name(v->run->exit_reason));
		goto out;
	}
	if (posted) {
		const struct mv_ring_req *q = rm->nlast >= 2 ? &rm->last[rm->nlast - 2] : NULL;

		if (q)
			memcpy(&got, q->data, 8);
		if (!q || q->seq != seq0 || q->addr != port || q->len != size ||
		    q->flags != (MV_RING_REQ_WRITE | MV_RING_REQ_PIO | MV_RING_REQ_POSTED) ||
		    got != (val & m))
			violation(w, "posted ring OUT request missing or wrong");
		seq0++;
	}
	{
		const struct mv_ring_req *q = &rm->last[rm->nlast - 1];

		if (q->seq != seq0 || q->addr != port || q->len != size || q->vcpu != id ||
		    q->flags != MV_RING_REQ_PIO)
			violation(w, "ring IN request: seq %llu/%llu addr 0x%llx len %u flags 0x%x",
				  (unsigned long long)q->seq, (unsigned long long)seq0,
				  (unsigned long long)q->addr, q->len, q->flags);
	}
	ring_complete(vm, id, reply);
	r = do_run_nmi(w, vm, v, U(T_STEP));
	memcpy(&got, (uint8_t *)v->run + MV_RUN_IO_DATA_OFFSET, 8);
	if (r.ret != 0 || v->run->exit_reason != MV_EXIT_IO || v->run->io.port != PORT_ECHO ||
	    (got & m) != (reply & m))
		violation(w, "ring IN completion: RUN %s exit %s port 0x%x data 0x%llx, expected OUT 0x%x of 0x%llx",
			  ename(r.err), exit_name(v->run->exit_reason), v->run->io.port,
			  (unsigned long long)(got & m), PORT_ECHO, (unsigned long long)(reply & m));
	else
		v->known = true;
out:
	g.flags = MV_RING_RANGE_REMOVE;
	ring_range(w, vm, &g);
	if (!v->known)
		v->maybe_halted = true;
}

/*
 * The VMM corrupts the rings; the next vCPU to use them stops the VM with
 * MV_INTERNAL_RING naming what was wrong, and every RUN after that too.
 */
static void ring_corrupt(struct world *w, struct vm *vm, struct vcpu *v)
{
	struct ring_model *rm = &vm->ring;
	unsigned int id = vcpu_id(vm, v), kind = below(&w->rng, 5);
	struct mv_ring_range g;
	struct mv_ring_cpl c;
	uint64_t bad = 0;
	uint16_t port = 0x2fc;
	struct prog p;
	struct res r;
	int err;

	if (rm->awaiting[id] || ring_covers(vm, MV_RING_SPACE_PIO, port, 1) ||
	    !vcpu_reset_known(w, vm, v, false))
		return;
	memset(&g, 0, sizeof(g));
	g.space = MV_RING_SPACE_PIO;
	g.base = port;
	g.len = 1;
	if (!ring_range(w, vm, &g))
		return;
	memset(&p, 0, sizeof(p));
	emit_mov_dx(&p, port);
	EMIT(&p, 0xee, 0xf4);			/* out dx, al; hlt */
	memcpy(base_mem(w, vm) + CODE_GPA(id), p.b, p.n);
	ring_drain(w, vm);
	memset(&c, 0, sizeof(c));
	switch (kind) {
	case 0:
		err = MV_RING_ERR_CPL_RESERVED;
		c.vcpu = id;
		c.reserved = (uint32_t)rnd(&w->rng) | 1;
		bad = c.reserved;
		break;
	case 1:
		err = MV_RING_ERR_CPL_VCPU;
		c.vcpu = caps.max_vcpus + below(&w->rng, 1000);
		bad = c.vcpu;
		break;
	case 2:
		err = MV_RING_ERR_CPL_TAIL;
		bad = rm->cpl_tail + rm->layout.cpl_entries + 1 + below(&w->rng, 1000);
		break;
	case 3:
		err = MV_RING_ERR_REQ_HEAD;
		bad = rm->req_head + 1 + below(&w->rng, 1000);
		break;
	default:
		err = MV_RING_ERR_CPL_SEQ;
		break;
	}
	rm->corrupt |= 1u << err;
	if (kind == 0 || kind == 1) {
		ring_put_cpl(rm, &c);
	} else if (kind == 2) {
		__atomic_store_n(ring_u32(rm, rm->layout.cpl_tail), (uint32_t)bad, __ATOMIC_RELEASE);
		ring_kick(rm);
	} else if (kind == 3) {
		__atomic_store_n(ring_u32(rm, rm->layout.req_head), (uint32_t)bad, __ATOMIC_RELEASE);
	} else {
		/* Let it post and wait, then answer with the wrong seq. */
		r = do_run_nmi(w, vm, v, U(T_RING));
		if (r.ret == 0 || !rm->awaiting[id])
			goto check;
		c.vcpu = id;
		c.seq = rm->await_seq[id] + 1 + below(&w->rng, 100);
		bad = c.seq;
		ring_put_cpl(rm, &c);
	}
	r = do_run_nmi(w, vm, v, U(T_RING));
check:
	v->known = false;
	if (r.ret != 0 || v->run->exit_reason != MV_EXIT_INTERNAL_ERROR ||
	    v->run->internal.suberror != MV_INTERNAL_RING) {
		violation(w, "corrupted ring (MV_RING_ERR %d): RUN %s exit %s, expected MV_INTERNAL_RING",
			  err, r.ret ? ename(r.err) : "0", exit_name(v->run->exit_reason));
		return;
	}
	if (v->run->internal.data[0] != (uint64_t)err ||
	    (kind < 4 && v->run->internal.data[1] != (kind == 2 || kind == 3 ? (uint32_t)bad : bad)) ||
	    (kind == 4 && v->run->internal.data[1] != bad))
		violation(w, "corrupted ring: data %llu/0x%llx, expected %d/0x%llx",
			  (unsigned long long)v->run->internal.data[0],
			  (unsigned long long)v->run->internal.data[1], err, (unsigned long long)bad);
	rm->broken = true;
	if (!(*ring_u32(rm, rm->layout.kernel_flags) & MV_RING_KF_BROKEN))
		violation(w, "ring stopped but kernel_flags lacks MV_RING_KF_BROKEN");
}

static bool rm_unusable(const struct ring_model *rm)
{
	return rm->state != 1 || rm->corrupt || rm->blind;
}

static void act_ring_proto(struct world *w)
{
	struct vm *vm;
	struct vcpu *v;

	w->cls = C_RINGPROTO;
	if (!need_script_vcpu(w, &vm, &v))
		return;
	if (vm->ring.state == 0 && vm->fd >= 0)
		ring_setup(w, vm, true);
	if (vm->fd < 0 || rm_unusable(&vm->ring) || !map_ring(w, vm))
		return;
	if (chance(&w->rng, 1, 8))
		ring_corrupt(w, vm, v);
	else
		ring_script(w, vm, v);
}

/* ---------------------------------------------------------------------- */
/* Actions: mmap and munmap                                                */
/* ---------------------------------------------------------------------- */

static struct map *free_extra(struct map *e)
{
	unsigned int i;

	for (i = 0; i < MAX_EXTRA; i++)
		if (!e[i].addr)
			return &e[i];
	return NULL;
}

static void act_mmap(struct world *w)
{
	static const size_t lens[] = { 1, 100, PAGE - 1, PAGE, PAGE + 1, 2 * PAGE, 16 * PAGE };
	struct vm *vm = pick_vm(w, false);
	struct vcpu *v = vm ? pick_vcpu(w, vm, false) : NULL;
	size_t len = lens[below(&w->rng, ARRAY_SIZE(lens))];
	off_t off = chance(&w->rng, 2, 3) ? 0 : (off_t)(PAGE * (1 + below(&w->rng, 16)));
	int flags = chance(&w->rng, 3, 4) ? MAP_SHARED : MAP_PRIVATE;
	int prot = chance(&w->rng, 3, 4) ? PROT_READ | PROT_WRITE : PROT_READ;
	struct ring_model *rm;
	struct map *e;
	unsigned int i;
	bool ok;
	int err;
	void *p;

	w->cls = C_MMAP;
	if (!vm)
		return;
	rm = &vm->ring;
	switch (below(&w->rng, 8)) {
	case 0:
	case 1:
		/* A vCPU's run page: offset 0, at most one page. */
		if (!v || v->fd < 0)
			return;
		ok = off == 0 && PAGE_ALIGN(len) <= PAGE_ALIGN(run_size);
		p = xmmap(w, NULL, len, prot, flags, v->fd, off, &err);
		if (!judge(w, "mmap of a vCPU fd", (struct res){ p == MAP_FAILED ? -1 : 0, err },
			   ok, eb(EINVAL)))
			return;
		/* Read it: the kernel's page, whatever the flags. */
		(void)*(volatile uint32_t *)((uint8_t *)p + offsetof(struct mv_run, exit_reason));
		e = free_extra(v->extra);
		if (e && chance(&w->rng, 3, 4)) {
			*e = (struct map){ p, len };
		} else {
			xmunmap(w, p, len);
		}
		return;
	case 2:
		/* The rings: offset 0, exactly mmap_size, MAP_SHARED. */
		if (vm->fd < 0)
			return;
		if (rm->state == 1 && chance(&w->rng, 1, 2))
			len = rm->layout.mmap_size + (chance(&w->rng, 1, 2) ? 0 : PAGE * below(&w->rng, 3));
		p = xmmap(w, NULL, len, prot, flags, vm->fd, off, &err);
		if (rm->state == 0)
			judge(w, "mmap of a VM fd without rings", (struct res){ p == MAP_FAILED ? -1 : 0, err },
			      false, eb(ENXIO));
		else
			judge(w, "mmap of the rings", (struct res){ p == MAP_FAILED ? -1 : 0, err },
			      rm->state == 2 || (off == 0 && PAGE_ALIGN(len) == rm->layout.mmap_size &&
						 flags == MAP_SHARED),
			      eb(EINVAL) | eb(ENOMEM) | (rm->state == 2 ? eb(ENXIO) : 0));
		if (p == MAP_FAILED)
			return;
		e = free_extra(rm->extra);
		if (e && chance(&w->rng, 1, 2))
			*e = (struct map){ p, len };
		else
			xmunmap(w, p, len);
		return;
	case 3:
		/* The system fd has no mmap. */
		if (!world_open_sys(w))
			return;
		p = xmmap(w, NULL, PAGE, PROT_READ, MAP_SHARED, w->sys_fd, 0, &err);
		judge(w, "mmap of the system fd", (struct res){ p == MAP_FAILED ? -1 : 0, err },
		      false, eb(ENODEV));
		if (p != MAP_FAILED)
			xmunmap(w, p, PAGE);
		return;
	case 4:
		/* Unmap extras, partly or fully. */
		for (i = 0; i < MAX_EXTRA; i++) {
			struct map *m = v && chance(&w->rng, 1, 2) ? &v->extra[i] : &rm->extra[i];

			if (!m->addr)
				continue;
			if (m->len > PAGE && chance(&w->rng, 1, 2)) {
				/* All but the first page: that one stays mapped. */
				xmunmap(w, (uint8_t *)m->addr + PAGE, PAGE_ALIGN(m->len) - PAGE);
				m->len = PAGE;
				continue;
			}
			xmunmap(w, m->addr, m->len);
			m->addr = NULL;
		}
		vm_refresh(vm);
		return;
	case 5:
		/* mremap: run mappings may grow, ring mappings (DONTEXPAND) not. */
		e = NULL;
		for (i = 0; i < MAX_EXTRA && !e; i++) {
			if (v && v->extra[i].addr)
				e = &v->extra[i];
			else if (rm->extra[i].addr)
				e = &rm->extra[i];
		}
		if (!e)
			return;
		p = mremap(e->addr, e->len, PAGE_ALIGN(e->len) + PAGE, MREMAP_MAYMOVE);
		note(w, OP_MREMAP, p == MAP_FAILED ? errno : 0, true);
		if (p != MAP_FAILED) {
			if (e >= rm->extra && e < rm->extra + MAX_EXTRA)
				violation(w, "mremap grew a ring mapping (VM_DONTEXPAND)");
			e->addr = p;
			e->len = PAGE_ALIGN(e->len) + PAGE;
		} else if (!(e >= rm->extra && e < rm->extra + MAX_EXTRA)) {
			violation(w, "mremap of a run-page mapping failed: %s", ename(errno));
		}
		return;
	case 6:
		/* Drop or restore the main mappings. */
		if (v && v->run && chance(&w->rng, 1, 2)) {
			xmunmap(w, v->run, run_size);
			v->run = NULL;
			vm_refresh(vm);
		} else if (rm->area && chance(&w->rng, 1, 3)) {
			xmunmap(w, rm->area, rm->layout.mmap_size);
			rm->area = NULL;
			vm_refresh(vm);
		} else if (v) {
			map_run(w, v);
			if (rm->state == 1)
				map_ring(w, vm);
		}
		return;
	default:
		/* The run page of a vCPU whose fd is closed still works. */
		if (!v || v->fd >= 0 || !v->run)
			return;
		(void)*(volatile uint32_t *)&v->run->exit_reason;
		v->run->immediate_exit = 0;
		return;
	}
}

/* ---------------------------------------------------------------------- */
/* Actions: wrong fds, bad numbers, bad pointers                           */
/* ---------------------------------------------------------------------- */

struct cmd_desc {
	unsigned long cmd;
	enum op op;
	int kind;		/* 0 system, 1 VM, 2 vCPU */
};

static const struct cmd_desc cmds[] = {
	{ MV_GET_API_VERSION, OP_GET_API_VERSION, 0 },
	{ MV_GET_CAPS, OP_GET_CAPS, 0 },
	{ MV_CREATE_VM, OP_CREATE_VM, 0 },
	{ MV_SET_MEMORY_SLOT, OP_SET_MEMORY_SLOT, 1 },
	{ MV_CREATE_VCPU, OP_CREATE_VCPU, 1 },
	{ MV_SETUP_RINGS, OP_SETUP_RINGS, 1 },
	{ MV_SET_RING_RANGE, OP_SET_RING_RANGE, 1 },
	{ MV_RUN, OP_RUN, 2 },
	{ MV_GET_REGS, OP_GET_REGS, 2 },
	{ MV_SET_REGS, OP_SET_REGS, 2 },
	{ MV_GET_SREGS, OP_GET_SREGS, 2 },
	{ MV_SET_SREGS, OP_SET_SREGS, 2 },
	{ MV_GET_EXIT_STATS, OP_GET_EXIT_STATS, 2 },
	{ MV_INTERRUPT, OP_INTERRUPT, 2 },
	{ MV_NMI, OP_NMI, 2 },
	{ MV_SET_CPUID, OP_SET_CPUID, 2 },
	{ MV_GET_CPUID, OP_GET_CPUID, 2 },
	{ MV_SET_MSR_POLICY, OP_SET_MSR_POLICY, 2 },
};

static bool cmd_valid_for(unsigned long cmd, int kind)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cmds); i++)
		if (cmds[i].cmd == cmd && cmds[i].kind == kind)
			return true;
	return false;
}

/* An fd of @kind from the world, or -1. */
static int fd_of_kind(struct world *w, int kind, struct vm **pvm, struct vcpu **pv)
{
	struct vm *vm;
	struct vcpu *v;

	*pvm = NULL;
	*pv = NULL;
	if (kind == 0)
		return world_open_sys(w) ? w->sys_fd : -1;
	vm = pick_vm(w, kind == 1);
	if (!vm)
		return -1;
	*pvm = vm;
	if (kind == 1)
		return vm->fd;
	v = pick_vcpu(w, vm, true);
	*pv = v;
	return v ? v->fd : -1;
}

static uint8_t scratch[8192] __attribute__((aligned(4096)));

static void act_wrong_fd(struct world *w)
{
	const struct cmd_desc *c = &cmds[below(&w->rng, ARRAY_SIZE(cmds))];
	int kind = (c->kind + 1 + (int)below(&w->rng, 2)) % 3;
	struct vm *vm;
	struct vcpu *v;
	struct res r;
	int fd;

	w->cls = C_WRONGFD;
	fd = fd_of_kind(w, kind, &vm, &v);
	if (fd < 0)
		return;
	/* A harmless argument, should the command wrongly run. */
	memset(scratch, 0, sizeof(scratch));
	r = xioctl(w, OP_BOGUS, fd, c->cmd,
		   _IOC_SIZE(c->cmd) ? (unsigned long)(uintptr_t)scratch : 0);
	if (judge(w, "a command of another fd kind", r, false, eb(ENOTTY)) && r.ret > 0)
		xclose(w, (int)r.ret);
}

static void act_bad_cmd(struct world *w)
{
	const struct cmd_desc *c = &cmds[below(&w->rng, ARRAY_SIZE(cmds))];
	unsigned long cmd = c->cmd;
	struct vm *vm;
	struct vcpu *v;
	struct res r;
	int fd;

	w->cls = C_BADCMD;
	fd = fd_of_kind(w, c->kind, &vm, &v);
	if (fd < 0)
		return;
	switch (below(&w->rng, 7)) {
	case 0:		/* size +- a little, or 0 */
		cmd = _IOC(_IOC_DIR(cmd), _IOC_TYPE(cmd), _IOC_NR(cmd),
			   chance(&w->rng, 1, 3) ? 0 : (_IOC_SIZE(cmd) + (chance(&w->rng, 1, 2) ? 1 : -1)) & 0x3fff);
		break;
	case 1:		/* any size */
		cmd = _IOC(_IOC_DIR(cmd), _IOC_TYPE(cmd), _IOC_NR(cmd), below(&w->rng, 0x4000));
		break;
	case 2:		/* another direction */
		cmd = _IOC((_IOC_DIR(cmd) + 1 + below(&w->rng, 3)) & 3, _IOC_TYPE(cmd), _IOC_NR(cmd),
			   _IOC_SIZE(cmd));
		break;
	case 3:		/* another magic: KVM's, or any */
		cmd = _IOC(_IOC_DIR(cmd), chance(&w->rng, 1, 2) ? 0xae : below(&w->rng, 256),
			   _IOC_NR(cmd), _IOC_SIZE(cmd));
		break;
	case 4:		/* an unused number (0x27 and 0x2c.. are unused) */
		cmd = _IOC(_IOC_DIR(cmd), MV_IOCTL_MAGIC,
			   chance(&w->rng, 1, 2) ? 0x27 + below(&w->rng, 2) * 5 : below(&w->rng, 256),
			   _IOC_SIZE(cmd));
		break;
	case 5:		/* random 32 bits */
		cmd = (uint32_t)rnd(&w->rng);
		break;
	default:	/* bits above 32 (the kernel sees an unsigned int) */
		cmd = (unsigned long)rnd(&w->rng) << 32 | (uint32_t)rnd(&w->rng);
		break;
	}
	if (cmd_valid_for(cmd & 0xffffffffu, c->kind))
		return;
	memset(scratch, 0, sizeof(scratch));
	r = xioctl(w, OP_BOGUS, fd, cmd, (unsigned long)(uintptr_t)scratch);
	if (judge(w, "an unknown ioctl number", r, false, eb(ENOTTY)) && r.ret > 0)
		xclose(w, (int)r.ret);
}

/* A pointer the kernel cannot copy from or to. */
static unsigned long bad_ptr(struct world *w, size_t size, bool *readable)
{
	*readable = false;
	switch (below(&w->rng, 7)) {
	case 0:
		return 0;
	case 1:
		return 0x1000;
	case 2:
		return (uintptr_t)w->none_page;
	case 3:
		return 0xffff888000000000ul;
	case 4:
		return 0x8000000000000000ul;
	case 5:
		/* Starts on a RW page, runs into PROT_NONE. */
		return (uintptr_t)w->edge + PAGE - (size > 1 ? 1 + below(&w->rng, (uint32_t)size - 1) : 1);
	default:
		*readable = true;
		return (uintptr_t)w->ro_page;
	}
}

static void act_bad_ptr(struct world *w)
{
	static const struct { unsigned long cmd; enum op op; int kind; bool out; } pc[] = {
		{ MV_GET_CAPS, OP_GET_CAPS, 0, true },
		{ MV_SET_MEMORY_SLOT, OP_SET_MEMORY_SLOT, 1, false },
		{ MV_SETUP_RINGS, OP_SETUP_RINGS, 1, true },
		{ MV_SET_RING_RANGE, OP_SET_RING_RANGE, 1, false },
		{ MV_GET_REGS, OP_GET_REGS, 2, true },
		{ MV_SET_REGS, OP_SET_REGS, 2, false },
		{ MV_GET_SREGS, OP_GET_SREGS, 2, true },
		{ MV_SET_SREGS, OP_SET_SREGS, 2, false },
		{ MV_GET_EXIT_STATS, OP_GET_EXIT_STATS, 2, true },
		{ MV_INTERRUPT, OP_INTERRUPT, 2, false },
		{ MV_SET_CPUID, OP_SET_CPUID, 2, false },
		{ MV_GET_CPUID, OP_GET_CPUID, 2, true },
		{ MV_SET_MSR_POLICY, OP_SET_MSR_POLICY, 2, false },
	};
	unsigned int k = below(&w->rng, ARRAY_SIZE(pc));
	struct mv_sregs sb, sa;
	struct mv_regs rb, ra;
	struct vm *vm;
	struct vcpu *v;
	unsigned long p;
	bool readable, ok;
	struct res r;
	int fd;

	w->cls = C_BADPTR;
	fd = fd_of_kind(w, pc[k].kind, &vm, &v);
	if (fd < 0)
		return;
	if (pc[k].cmd == MV_SETUP_RINGS && vm && chance(&w->rng, 1, 2)) {
		/*
		 * Valid values on a read-only page: the rings are made, the
		 * layout cannot be copied out: EFAULT, and no rings remain.
		 */
		struct mv_ring_setup *s = (struct mv_ring_setup *)w->edge;
		int efd = eventfd(0, EFD_CLOEXEC);

		if (efd < 0 || vm->ring.state)
			goto skip_rings;
		memset(s, 0, sizeof(*s));
		s->req_entries = 4;
		s->cpl_entries = caps.max_vcpus;
		s->req_eventfd = -1;
		s->kick_eventfd = efd;
		mprotect(w->edge, PAGE, PROT_READ);
		r = xioctlp(w, OP_SETUP_RINGS, fd, MV_SETUP_RINGS, s);
		mprotect(w->edge, PAGE, PROT_READ | PROT_WRITE);
		judge(w, "SETUP_RINGS with a read-only argument", r, false, eb(EFAULT));
		{
			struct mv_ring_range g = { MV_RING_SPACE_PIO, 0, 0x100, 1, 0 };

			r = xioctlp(w, OP_SET_RING_RANGE, fd, MV_SET_RING_RANGE, &g);
			judge(w, "SET_RING_RANGE after a failed SETUP_RINGS", r, false, eb(ENXIO));
		}
skip_rings:
		if (efd >= 0)
			close(efd);
		return;
	}
	p = bad_ptr(w, _IOC_SIZE(pc[k].cmd), &readable);
	if (v) {
		xioctlp(w, OP_GET_REGS, fd, MV_GET_REGS, &rb);
		xioctlp(w, OP_GET_SREGS, fd, MV_GET_SREGS, &sb);
	}
	r = xioctl(w, pc[k].op, fd, pc[k].cmd, p);
	/* A read-only page holds zeros: SETs then judge the zeros. */
	if (readable && !pc[k].out) {
		if (r.ret == 0 && v)
			v->known = false;
		return;
	}
	ok = false;
	if (readable && pc[k].cmd == MV_GET_CPUID) {
		/* nent 0: E2BIG, then the count cannot be written. */
		judge(w, "GET_CPUID on a read-only page", r, false, eb(EFAULT) | eb(E2BIG));
		return;
	}
	if (readable && pc[k].cmd == MV_SETUP_RINGS) {
		judge(w, "SETUP_RINGS of zeros", r, false, eb(EINVAL));
		return;
	}
	judge(w, "an ioctl with a bad pointer", r, ok, eb(EFAULT));
	if (v) {
		xioctlp(w, OP_GET_REGS, fd, MV_GET_REGS, &ra);
		xioctlp(w, OP_GET_SREGS, fd, MV_GET_SREGS, &sa);
		if (memcmp(&ra, &rb, sizeof(ra)) || memcmp(&sa, &sb, sizeof(sa)))
			violation(w, "%s with a bad pointer changed the vCPU's registers", op_name[pc[k].op]);
	}
}

/* MV_GET_EXIT_STATS: counters only grow; reserved stays zero. */
static void act_stats(struct world *w)
{
	struct mv_exit_stats s;
	struct vm *vm;
	struct vcpu *v;
	unsigned int i;
	uint64_t sum = 0;

	w->cls = C_RUNCHAOS;
	if (!need_vcpu(w, &vm, &v))
		return;
	if (!judge(w, "GET_EXIT_STATS", xioctlp(w, OP_GET_EXIT_STATS, v->fd, MV_GET_EXIT_STATS, &s),
		   true, 0))
		return;
	for (i = 0; i < ARRAY_SIZE(s.reserved); i++)
		if (s.reserved[i])
			violation(w, "exit stats reserved[%u] = %llu", i, (unsigned long long)s.reserved[i]);
	for (i = 0; i < MV_NR_EXIT_REASONS; i++)
		sum += s.exits[i];
	if (sum > s.total_exits)
		violation(w, "exit stats: %llu exits by reason, %llu in total",
			  (unsigned long long)sum, (unsigned long long)s.total_exits);
	if (s.total_exits < v->total_exits || s.userspace_exits < v->user_exits)
		violation(w, "exit stats went backwards");
	v->total_exits = s.total_exits;
	v->user_exits = s.userspace_exits;
}

/* ---------------------------------------------------------------------- */
/* Actions: races between threads                                         */
/* ---------------------------------------------------------------------- */

struct helper {
	pthread_t t;
	struct world hw;	/* for counting; never touches the model */
	int fd;
	unsigned int nruns, us;
	bool want_vectors;	/* record the vectors the stubs report */
	struct mv_run *run;
	sem_t started;
	atomic_int stop;
	unsigned int n, nintr;
	int vec[64];
	unsigned int nvec;
};

static void *helper_main(void *arg)
{
	struct helper *h = arg;
	unsigned int i;
	struct res r;

	timer_thread_init();
	sem_post(&h->started);
	for (i = 0; i < h->nruns && !atomic_load(&h->stop); i++) {
		timer_arm(h->us);
		r = xioctl(&h->hw, OP_RUN, h->fd, MV_RUN, 0);
		timer_disarm();
		h->n++;
		/* EBADF: the fd was closed before this RUN began. */
		judge(&h->hw, "RUN racing another thread", r, true, eb(EINTR) | eb(EBADF) | eb(EINVAL));
		if (r.ret < 0) {
			h->nintr++;
			if (r.err == EBADF)
				break;
			continue;
		}
		if (h->want_vectors && h->run && h->run->exit_reason == MV_EXIT_IO &&
		    h->run->io.port == PORT_VEC && h->nvec < ARRAY_SIZE(h->vec))
			h->vec[h->nvec++] = ((uint8_t *)h->run)[MV_RUN_IO_DATA_OFFSET];
	}
	timer_thread_exit();
	return NULL;
}

static bool helper_start(struct world *w, struct helper *h, struct vcpu *v,
			 unsigned int nruns, unsigned int us)
{
	memset(h, 0, sizeof(*h));
	h->hw = *w;
	h->hw.cls = C_RACE;
	h->hw.calls = 0;
	h->fd = v->fd;
	h->run = v->run;
	h->nruns = nruns;
	h->us = us;
	sem_init(&h->started, 0, 0);
	if (pthread_create(&h->t, NULL, helper_main, h))
		return false;
	/* Blocking: a spinning waiter would keep the new thread off the CPU. */
	while (sem_wait(&h->started) && errno == EINTR)
		;
	sem_destroy(&h->started);
	usleep(U(below(&w->rng, T_BLOCK)));
	return true;
}

static void helper_join(struct world *w, struct helper *h)
{
	pthread_join(h->t, NULL);
	w->calls += h->hw.calls;
}

static void act_race(struct world *w)
{
	struct helper h, h2;
	struct vm *vm;
	struct vcpu *v;
	unsigned int id, kind = below(&w->rng, 11), i, k = 0, n;
	uint8_t *mem;
	uint8_t q[32];
	struct res r;

	w->cls = C_RACE;
	if (!need_script_vcpu(w, &vm, &v) || !vcpu_reset_known(w, vm, v, false))
		return;
	id = vcpu_id(vm, v);
	mem = base_mem(w, vm);
	w->sub = (int)kind;
	if (kind == 4) {
		if (!irq_loop_setup(w, vm, v) || !irq_drain(w, vm, v))
			return;
	} else if (kind == 2) {
		/* L: mov es:[0x4000], al; inc al; jmp L */
		memcpy(mem + CODE_GPA(id), (const uint8_t[]){ 0x26, 0xa2, 0x00, 0x40, 0xfe, 0xc0, 0xeb, 0xf7 }, 8);
	} else if (kind == 5 && !ring_covers(vm, MV_RING_SPACE_PIO, 0x3f0, 1)) {
		/* L: out 0x3f0, al; inc al; jmp L: an exit per iteration. */
		memcpy(mem + CODE_GPA(id), (const uint8_t[]){ 0xe6, 0xf0, 0xfe, 0xc0, 0xeb, 0xfa }, 6);
		mem[CODE_GPA(id) + 1] = 0xf0;
		memcpy(mem + CODE_GPA(id), (const uint8_t[]){ 0xba, 0xf0, 0x03, 0xee, 0xfe, 0xc0, 0xeb, 0xfb }, 8);
	} else if (chance(&w->rng, 1, 2)) {
		memcpy(mem + CODE_GPA(id), (const uint8_t[]){ 0xfb, 0xf4, 0xeb, 0xfc }, 4);	/* sti; hlt loop */
	} else {
		memcpy(mem + CODE_GPA(id), (const uint8_t[]){ 0xeb, 0xfe }, 2);		/* jmp $ */
	}
	v->known = false;
	v->maybe_halted = true;
	v->msr_pending = true;
	v->pending = true;

	switch (kind) {
	case 0:
		/* close() the vCPU fd while RUN is inside. */
		if (!helper_start(w, &h, v, 2, U(T_BLOCK)))
			return;
		pthread_rwlock_wrlock(&fd_lock);
		xclose(w, v->fd);
		v->fd = -1;
		helper_join(w, &h);
		pthread_rwlock_unlock(&fd_lock);
		vm_refresh(vm);
		break;
	case 1:
		/* Two threads RUN on one vCPU fd at once; and a third. */
		if (!helper_start(w, &h, v, 3, U(T_BLOCK)))
			return;
		if (chance(&w->rng, 1, 2) && helper_start(w, &h2, v, 2, U(T_BLOCK))) {
			r = do_run(w, vm, v, U(T_BLOCK));
			helper_join(w, &h2);
		} else {
			r = do_run(w, vm, v, U(T_BLOCK));
		}
		helper_join(w, &h);
		break;
	case 2:
		/* munmap (PROT_NONE over) the guest memory the guest writes. */
		if (!helper_start(w, &h, v, 2, U(T_BLOCK)))
			return;
		region_set(w, (unsigned int)vm->base_region, R_NONE, 0);
		helper_join(w, &h);
		break;
	case 3: {
		/* Delete the slot the guest runs from. */
		struct mv_memory_slot req = { .slot = (uint32_t)vm->base_slot };

		if (vm->fd < 0 || !helper_start(w, &h, v, 2, U(T_BLOCK)))
			return;
		set_slot(w, vm, &req);
		helper_join(w, &h);
		break;
	}
	case 4:
		/* Interrupts queued while the vCPU sleeps in HLT: in order. */
		k = 1 + below(&w->rng, ARRAY_SIZE(q));
		if (!helper_start(w, &h, v, k + 4, U(T_SLEEP)))
			return;
		h.want_vectors = true;
		for (i = 0; i < k; i++) {
			q[i] = (uint8_t)(32 + below(&w->rng, 224));
			if (push_irq(w, vm, v, q[i], 0).ret) {
				k = i;
				break;
			}
			if (chance(&w->rng, 1, 3))
				usleep(U(below(&w->rng, T_BLOCK)));
		}
		helper_join(w, &h);
		for (i = 0, n = 0; i < h.nvec; i++) {
			vhist(w, v, "R%d", h.vec[i]);
			if (h.vec[i] == 2) {
				if (v->nmi_bound)
					v->nmi_bound--;
				continue;
			}
			if (n >= k || h.vec[i] != q[n]) {
				violation(w, "interrupt %u delivered as vector %d, queued %d", n, h.vec[i],
					  n < k ? q[n] : -1);
				break;
			}
			n++;
			v->irq_bound--;
		}
		break;
	case 5:
		/* Scribble on the run page while RUN returns and re-enters. */
		if (!helper_start(w, &h, v, 6, U(T_BLOCK)))
			return;
		for (i = 0; i < 50 && h.n < h.nruns; i++) {
			uint8_t *p = (uint8_t *)v->run;

			p[8 + below(&w->rng, run_size - 8)] = (uint8_t)rnd(&w->rng);
			if (chance(&w->rng, 1, 8))
				v->run->immediate_exit = (uint8_t)below(&w->rng, 2);
			usleep(U(below(&w->rng, 10)));
		}
		atomic_store(&h.stop, 1);
		helper_join(w, &h);
		v->run->immediate_exit = 0;
		break;
	case 6:
		/* Ring setup and ranges change under a running vCPU; serve it. */
		if (vm->fd < 0 || !helper_start(w, &h, v, 4, U(T_BLOCK)))
			return;
		if (vm->ring.state == 0)
			ring_setup(w, vm, true);
		if (vm->ring.state == 1 && map_ring(w, vm) && !vm->ring.corrupt) {
			struct mv_ring_range g = { MV_RING_SPACE_PIO, 0, 0x3f0, 1, 0 };

			g.flags = chance(&w->rng, 1, 2) ? MV_RING_RANGE_POSTED : 0;
			if (ring_range(w, vm, &g)) {
				for (i = 0; i < 20; i++) {
					ring_drain(w, vm);
					ring_complete_all(w, vm);
					usleep(U(10));
				}
				g.flags = MV_RING_RANGE_REMOVE;
				ring_range(w, vm, &g);
			}
		}
		atomic_store(&h.stop, 1);
		/* A vCPU may still wait for a completion: give it. */
		for (i = 0; i < 10; i++) {
			ring_drain(w, vm);
			ring_complete_all(w, vm);
			usleep(U(T_BLOCK));
		}
		helper_join(w, &h);
		ring_drain(w, vm);
		break;
	case 7:
		/* Close the VM fd and the ring mapping under a running vCPU. */
		if (!helper_start(w, &h, v, 2, U(T_BLOCK)))
			return;
		if (vm->ring.area && chance(&w->rng, 1, 2)) {
			xmunmap(w, vm->ring.area, vm->ring.layout.mmap_size);
			vm->ring.area = NULL;
		}
		if (vm->fd >= 0) {
			xclose(w, vm->fd);
			vm->fd = -1;
		}
		helper_join(w, &h);
		vm_refresh(vm);
		break;
	case 8: {
		/* GET/SET while RUN holds the vCPU: they wait, then work. */
		struct mv_regs regs;
		struct mv_sregs s;

		if (!helper_start(w, &h, v, 1, U(T_BLOCK)))
			return;
		r = xioctlp(w, OP_GET_REGS, v->fd, MV_GET_REGS, &regs);
		judge(w, "GET_REGS during RUN", r, true, 0);
		r = xioctlp(w, OP_GET_SREGS, v->fd, MV_GET_SREGS, &s);
		if (judge(w, "GET_SREGS during RUN", r, true, 0) && !sregs_valid(&s))
			violation(w, "GET_SREGS during RUN returned an invalid state");
		helper_join(w, &h);
		break;
	}
	case 9: {
		/* Another vCPU of the VM comes and goes meanwhile. */
		struct vcpu *o;

		if (vm->fd < 0 || !helper_start(w, &h, v, 2, U(T_BLOCK)))
			return;
		o = create_vcpu(w, vm, below(&w->rng, caps.max_vcpus));
		if (o) {
			if (chance(&w->rng, 1, 2))
				map_run(w, o);
			if (chance(&w->rng, 1, 2)) {
				xclose(w, o->fd);
				o->fd = -1;
				vm_refresh(vm);
			}
		}
		helper_join(w, &h);
		break;
	}
	default: {
		/* Map and unmap the run page meanwhile. */
		int err;
		void *p;

		if (!helper_start(w, &h, v, 2, U(T_BLOCK)))
			return;
		for (i = 0; i < 5; i++) {
			p = xmmap(w, NULL, run_size, PROT_READ | PROT_WRITE, MAP_SHARED, v->fd, 0, &err);
			if (p == MAP_FAILED) {
				violation(w, "mmap of the run page during RUN: %s", ename(err));
				break;
			}
			(void)*(volatile uint32_t *)p;
			xmunmap(w, p, run_size);
		}
		helper_join(w, &h);
	}
	}
}

/* ---------------------------------------------------------------------- */
/* Actions: fork() with inherited fds, SIGKILL at random points            */
/* ---------------------------------------------------------------------- */

static void child_main(struct world *w)
{
	unsigned int i, n;

	w->child = true;
	w->exclusive = false;
	w->log = w->shared_log;
	w->rng.s = rnd(&w->rng) ^ 0x6368696c64ull;
	timer_thread_init();
	/* Ring mappings are not inherited (VM_DONTCOPY). */
	for (i = 0; i < W_VMS; i++) {
		struct ring_model *rm = &w->vms[i].ring;

		rm->area = NULL;
		memset(rm->extra, 0, sizeof(rm->extra));
		rm->corrupt |= ~0u;	/* the parent completes; not us */
		rm->blind = true;
	}
	n = 3 + below(&w->rng, 20);
	for (i = 0; i < n && atomic_load(&st->calls) < opt_calls; i++) {
		w->action++;
		if (w->kill_after && i == w->kill_after && write(w->go[1], "", 1) < 0)
			break;
		switch (below(&w->rng, 10)) {
		case 0:
		case 1:
			act_run_chaos(w);
			break;
		case 2:
			act_regs(w);
			break;
		case 3:
			act_sregs(w);
			break;
		case 4:
			act_slot(w);
			break;
		case 5:
			act_vcpu(w);
			break;
		case 6:
			w->cls = C_IRQ;
			{
				struct vm *vm;
				struct vcpu *v;

				if (need_vcpu(w, &vm, &v))
					push_irq(w, vm, v, 32 + below(&w->rng, 224), 0);
			}
			break;
		case 7:
			act_cpuid(w);
			break;
		case 8:
			act_vm_lifecycle(w);
			break;
		default:
			act_bad_cmd(w);
		}
		w->cls = C_FORK;
	}
	_exit(0);
}

/* After a child: what it may have changed becomes unknown, then known. */
static void heal_after_child(struct world *w)
{
	struct child_log *log = w->shared_log;
	struct mv_memory_slot req;
	unsigned int i, j;

	for (i = 0; i < W_VMS; i++) {
		struct vm *vm = &w->vms[i];

		if (!vm->exists)
			continue;
		for (j = 0; j < M_VCPUS; j++) {
			struct vcpu *v = &vm->vcpus[j];

			if (!v->exists)
				continue;
			v->known = false;
			v->maybe_halted = true;
			v->msr_pending = true;
			v->pending = true;
			v->policy_known = false;
			v->irq_bound += log->irqs[i][j];
			v->nmi_bound += log->nmis[i][j];
			v->total_exits = v->user_exits = 0;
		}
		for (j = 0; j < M_SLOTS; j++) {
			if (!(log->slot_touched[i] & (1u << j)))
				continue;
			vm->slots[j].st = S_UNKNOWN;
			if ((int)j == vm->base_slot)
				vm->base_slot = -1;
			if (vm->fd < 0)
				continue;
			memset(&req, 0, sizeof(req));
			req.slot = j;
			set_slot(w, vm, &req);
		}
	}
}

static void act_fork(struct world *w, bool kill_it)
{
	int status = 0;
	pid_t pid;

	w->cls = kill_it ? C_KILL : C_FORK;
	if (w->child || !world_live_vms(w))
		return;
	memset(w->shared_log, 0, sizeof(*w->shared_log));
	if (pipe2(w->go, O_CLOEXEC))
		return;
	pthread_rwlock_rdlock(&fd_lock);
	pid = fork();
	if (pid == 0) {
		close(w->go[0]);
		w->kill_after = kill_it ? 1 + below(&w->rng, 3) : 0;
		child_main(w);
	}
	pthread_rwlock_unlock(&fd_lock);
	close(w->go[1]);
	note(w, OP_FORK, pid < 0 ? errno : 0, false);
	if (pid < 0)
		return;
	if (kill_it) {
		char c;

		/*
		 * Somewhere in its actions, not before it made any: it
		 * writes a byte after a few, or the pipe closes as it exits.
		 */
		while (read(w->go[0], &c, 1) < 0 && errno == EINTR)
			;
		usleep(U(below(&w->rng, 4 * T_BLOCK)));
		note(w, OP_KILL, kill(pid, SIGKILL) ? errno : 0, false);
	}
	close(w->go[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (WIFSIGNALED(status) && !(kill_it && WTERMSIG(status) == SIGKILL))
		violation(w, "child %d died of signal %d", pid, WTERMSIG(status));
	else if (WIFEXITED(status) && WEXITSTATUS(status))
		violation(w, "child %d exited %d", pid, WEXITSTATUS(status));
	heal_after_child(w);
}

/* ---------------------------------------------------------------------- */
/* The world loop                                                          */
/* ---------------------------------------------------------------------- */

/* The class world_step() draws for @x (0..999), to honour --only. */
static enum cls step_class(unsigned int x)
{
	static const struct {
		unsigned int below;
		enum cls cls;
	} t[] = {
		{ 30, C_SYS }, { 90, C_VMLIFE }, { 130, C_VCPU }, { 220, C_SLOT },
		{ 270, C_REGS }, { 330, C_SREGS }, { 480, C_RUNSCRIPT },
		{ 570, C_RUNCHAOS }, { 610, C_CPUID }, { 650, C_MSR },
		{ 700, C_IRQ }, { 745, C_RINGSETUP }, { 790, C_RINGPROTO },
		{ 840, C_MMAP }, { 870, C_WRONGFD }, { 910, C_BADCMD },
		{ 950, C_BADPTR }, { 980, C_RACE }, { 990, C_FORK }, { 1000, C_KILL },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(t); i++)
		if (x < t[i].below)
			return t[i].cls;
	return C_KILL;
}

static uint64_t now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

static void world_step(struct world *w)
{
	uint64_t t0 = now_ns();
	unsigned int x;

	do
		x = below(&w->rng, 1000);
	while (!(opt_only & 1u << step_class(x)));
	w->action++;
	/*
	 * Actions find nothing to act on (say, only VMs whose fd is closed):
	 * start afresh with a new VM and vCPU.
	 */
	if (w->calls == w->calls_seen && ++w->idle_steps >= 20) {
		struct vm *vm = pick_vm(w, false);
		struct vcpu *v;

		w->idle_steps = 0;
		w->cls = C_VMLIFE;
		if (vm)
			destroy_vm(w, vm);
		need_vcpu(w, &vm, &v);
	} else if (w->calls != w->calls_seen) {
		w->idle_steps = 0;
	}
	w->calls_seen = w->calls;
	if (opt_trace)
		say("trace: thread %d action %" PRIu64 " draw %u calls %" PRIu64 " (last: %s %d)\n",
		    w->idx, w->action, x, w->calls, cls_name[w->cls], w->sub);
	w->sub = -1;
	if (!world_live_vms(w)) {
		w->cls = C_VMLIFE;
		create_vm(w);
	} else if (x < 30) {
		act_sys(w);
	} else if (x < 90) {
		act_vm_lifecycle(w);
	} else if (x < 130) {
		act_vcpu(w);
	} else if (x < 220) {
		act_slot(w);
	} else if (x < 270) {
		act_regs(w);
	} else if (x < 330) {
		act_sregs(w);
	} else if (x < 480) {
		act_run_script(w);
	} else if (x < 550) {
		act_run_chaos(w);
	} else if (x < 570) {
		act_stats(w);
	} else if (x < 610) {
		act_cpuid(w);
	} else if (x < 650) {
		act_msr(w);
	} else if (x < 700) {
		act_irq(w);
	} else if (x < 745) {
		act_ring_setup(w);
	} else if (x < 790) {
		act_ring_proto(w);
	} else if (x < 840) {
		act_mmap(w);
	} else if (x < 870) {
		act_wrong_fd(w);
	} else if (x < 910) {
		act_bad_cmd(w);
	} else if (x < 950) {
		act_bad_ptr(w);
	} else if (x < 980) {
		act_race(w);
	} else if (x < 990) {
		act_fork(w, false);
	} else {
		act_fork(w, true);
	}
	add(&st->cls_cases[w->cls], 1);
	t0 = now_ns() - t0;
	add(&st->cls_ns[w->cls], t0);
}

static void *world_main(void *arg)
{
	struct world *w = arg;
	unsigned int i;

	timer_thread_init();
	while (atomic_load(&st->calls) < opt_calls)
		world_step(w);
	w->cls = C_VMLIFE;
	for (i = 0; i < W_VMS; i++)
		if (w->vms[i].exists)
			destroy_vm(w, &w->vms[i]);
	if (w->sys_fd >= 0)
		close(w->sys_fd);
	timer_thread_exit();
	return NULL;
}

static bool world_init(struct world *w, int idx)
{
	unsigned int i;
	void *p;

	memset(w, 0, sizeof(*w));
	w->idx = idx;
	w->rng.s = opt_seed + (uint64_t)idx * 0x9e3779b97f4a7c15ull;
	w->sys_fd = -1;
	w->exclusive = opt_threads == 1;
	w->max_vms = (caps.max_vms - 1) / opt_threads;
	if (w->max_vms < 1)
		w->max_vms = 1;
	if (w->max_vms > W_VMS)
		w->max_vms = W_VMS;
	for (i = 0; i < W_VMS; i++)
		vm_reset_model(&w->vms[i]);
	p = mmap(NULL, N_REGIONS * REGION_MAX, PROT_NONE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return false;
	w->arena = p;
	for (i = 0; i < N_REGIONS; i++)
		w->regions[i] = (struct region){ R_FREE, region_base(w, i), 0 };
	p = mmap(NULL, 4 * PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return false;
	w->none_page = p;
	w->ro_page = (uint8_t *)p + PAGE;
	w->edge = (uint8_t *)p + 2 * PAGE;
	if (mprotect(w->ro_page, PAGE, PROT_READ) ||
	    mprotect(w->edge, PAGE, PROT_READ | PROT_WRITE))
		return false;
	p = mmap(NULL, sizeof(struct child_log), PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return false;
	w->shared_log = p;
	return true;
}

/* ---------------------------------------------------------------------- */
/* Summary and main                                                        */
/* ---------------------------------------------------------------------- */

static void summary(double secs)
{
	static const char *const internal_names[] = {
		"", "unhandled-exit", "emulation", "string-io", "ring",
	};
	uint64_t calls = atomic_load(&st->calls);
	unsigned int i;

	say("ioctl_fuzz: seed %" PRIu64 ", %u thread(s): %" PRIu64 " calls in %.1f s (%.0f calls/s), %" PRIu64 " violations\n",
	    opt_seed, opt_threads, calls, secs, secs > 0 ? calls / secs : 0.0,
	    (uint64_t)atomic_load(&st->violations));
	say("time inside MV_RUN: %.2f s, %.2f s of it in RUNs that ended with EINTR\n",
	    atomic_load(&st->run_ns) / 1e9, atomic_load(&st->run_intr_ns) / 1e9);
	say("calls per operation:\n");
	for (i = 0; i < NR_OPS; i++)
		if (atomic_load(&st->op_calls[i]))
			say("  %-26s %10" PRIu64 "\n", op_name[i], (uint64_t)atomic_load(&st->op_calls[i]));
	say("results by errno:\n");
	for (i = 0; i < NR_ERRNO; i++)
		if (atomic_load(&st->errnos[i]))
			say("  %-26s %10" PRIu64 "\n", i ? ename((int)i) : "success",
			    (uint64_t)atomic_load(&st->errnos[i]));
	say("RUN results by exit reason:\n");
	for (i = 1; i < NR_EXIT_SLOTS && i <= MV_EXIT_MSR; i++)
		say("  %-26s %10" PRIu64 "\n", exit_name(i), (uint64_t)atomic_load(&st->exits[i]));
	for (i = 1; i < ARRAY_SIZE(internal_names); i++)
		say("    internal %-17s %10" PRIu64 "\n", internal_names[i],
		    (uint64_t)atomic_load(&st->internal[i]));
	say("attack classes (cases = actions, calls, expected errors, violations, guest-clock ms):\n");
	for (i = 0; i < NR_CLS; i++)
		say("CLASS %-18s cases %8" PRIu64 " calls %9" PRIu64 " errors %8" PRIu64 " violations %" PRIu64 " ms %.1f\n",
		    cls_name[i], (uint64_t)atomic_load(&st->cls_cases[i]),
		    (uint64_t)atomic_load(&st->cls_calls[i]),
		    (uint64_t)atomic_load(&st->cls_errors[i]),
		    (uint64_t)atomic_load(&st->cls_viol[i]),
		    atomic_load(&st->cls_ns[i]) / 1e6);
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: ioctl_fuzz [--seed N] [--calls N] [--threads N] [--progress N]\n"
		"                  [--only MASK] [--trace 1]\n"
		"A structure-aware fuzzer of /dev/minivisor (needs the module loaded\n"
		"and VMX free). Makes at least --calls (default 10000) calls that\n"
		"reach the module, from --threads (default 1, at most %d) threads,\n"
		"each with its own objects; --progress N prints a line every N calls\n"
		"(on stderr).\n"
		"The seed (default: from the clock) is printed; the same seed repeats\n"
		"a one-thread run. Prints every ABI violation and a summary; exits 0\n"
		"only with no violation and at least --calls calls made.\n"
		"--only MASK draws only the classes of actions whose bit is set\n"
		"(bit i: the i-th CLASS line of the summary), to chase one class;\n"
		"--trace 1 prints a line per action.\n",
		MAX_THREADS);
}

static bool parse_u64(const char *s, uint64_t *out)
{
	char *end;

	errno = 0;
	*out = strtoull(s, &end, 0);
	return !errno && *s && !*end;
}

int main(int argc, char **argv)
{
	struct world *worlds;
	pthread_t threads[MAX_THREADS];
	struct timespec t0, t1;
	struct sigaction sa;
	uint64_t v;
	unsigned int i;
	bool seeded = false;
	double secs;
	int fd;

	for (i = 1; i < (unsigned int)argc; i++) {
		if (!strcmp(argv[i], "--help")) {
			usage(stdout);
			return 0;
		}
		if (i + 1 >= (unsigned int)argc || !parse_u64(argv[i + 1], &v)) {
			usage(stderr);
			return 2;
		}
		if (!strcmp(argv[i], "--seed")) {
			opt_seed = v;
			seeded = true;
		} else if (!strcmp(argv[i], "--calls")) {
			opt_calls = v;
		} else if (!strcmp(argv[i], "--threads") && v >= 1 && v <= MAX_THREADS) {
			opt_threads = (unsigned int)v;
		} else if (!strcmp(argv[i], "--progress")) {
			opt_progress = v;
		} else if (!strcmp(argv[i], "--trace")) {
			opt_trace = v;
		} else if (!strcmp(argv[i], "--only")) {
			opt_only = (uint32_t)v;
		} else {
			usage(stderr);
			return 2;
		}
		i++;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (!seeded)
		opt_seed = (uint64_t)t0.tv_nsec ^ (uint64_t)t0.tv_sec << 20 ^ (uint64_t)getpid();

	/*
	 * Short sleeps stay short (the default slack of 50 us is an age in
	 * an emulator's guest clock); threads and children inherit it.
	 */
	prctl(PR_SET_TIMERSLACK, 1ul, 0ul, 0ul, 0ul);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigusr1;	/* no SA_RESTART: RUN returns EINTR */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	st = mmap(NULL, sizeof(*st), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	worlds = calloc(opt_threads, sizeof(*worlds));
	if (st == MAP_FAILED || !worlds) {
		fprintf(stderr, "ioctl_fuzz: out of memory\n");
		return 2;
	}
	fd = open("/dev/minivisor", O_RDWR | O_CLOEXEC);
	if (fd < 0 || ioctl(fd, MV_GET_CAPS, &caps)) {
		fprintf(stderr, "ioctl_fuzz: /dev/minivisor: %s (is the module loaded?)\n",
			strerror(errno));
		return 2;
	}
	{
		struct timespec a, b;
		unsigned int k;

		clock_gettime(CLOCK_MONOTONIC, &a);
		for (k = 0; k < 200; k++)
			ioctl(fd, MV_GET_API_VERSION, 0);
		clock_gettime(CLOCK_MONOTONIC, &b);
		unit_ns = ((uint64_t)(b.tv_sec - a.tv_sec) * 1000000000ull + b.tv_nsec - a.tv_nsec) / 200;
		if (unit_ns < 100)
			unit_ns = 100;
	}
	close(fd);
	run_size = caps.run_mmap_size;
	if (caps.max_vcpus > M_VCPUS || caps.max_slots > M_SLOTS || run_size != PAGE) {
		fprintf(stderr, "ioctl_fuzz: caps beyond the model (vcpus %u slots %u run %zu)\n",
			caps.max_vcpus, caps.max_slots, run_size);
		return 2;
	}
	say("ioctl_fuzz: seed %" PRIu64 " calls %" PRIu64 " threads %u (time unit %" PRIu64 " ns; max_vms %u max_vcpus %u max_slots %u max_gpa 0x%llx features 0x%x)\n",
	    opt_seed, opt_calls, opt_threads, unit_ns, caps.max_vms, caps.max_vcpus, caps.max_slots,
	    (unsigned long long)caps.max_gpa, caps.features);

	for (i = 0; i < opt_threads; i++)
		if (!world_init(&worlds[i], (int)i)) {
			fprintf(stderr, "ioctl_fuzz: setting up thread %u: %s\n", i, strerror(errno));
			return 2;
		}
	if (opt_threads == 1) {
		world_main(&worlds[0]);
	} else {
		for (i = 0; i < opt_threads; i++)
			if (pthread_create(&threads[i], NULL, world_main, &worlds[i])) {
				fprintf(stderr, "ioctl_fuzz: pthread_create failed\n");
				return 2;
			}
		for (i = 0; i < opt_threads; i++)
			pthread_join(threads[i], NULL);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	summary(secs);
	if (atomic_load(&st->calls) < opt_calls) {
		say("ioctl_fuzz: only %" PRIu64 " calls made\n", (uint64_t)atomic_load(&st->calls));
		return 1;
	}
	return atomic_load(&st->violations) ? 1 : 0;
}

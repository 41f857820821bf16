// SPDX-License-Identifier: GPL-2.0
/*
 * ring_hostile: a VMM that abuses the shared exit rings of
 * uapi/minivisor.h ("exit forwarding through shared rings"), with raw
 * ioctls, printed as TAP.
 *
 * The guests are a few real-mode bytes at guest-physical 0 (CS base 0):
 *   WRITER  OUT 1, 2, 3, ... (32-bit, EAX counting up) to port 0xe0, ECX
 *           times, then HLT (ECX = 0: about 2^32 times, "forever");
 *   READER  IN EAX from port 0xe4, then HLT.
 * Cases, each on a VM of its own:
 *   - a completion done right: the read gets its data (the control);
 *   - (a) garbage in req_head, (b) a completion with the wrong seq, (c) the
 *     wrong vcpu, (d) a non-zero reserved field, (e) cpl_tail far ahead:
 *     RUN returns 0 with MV_EXIT_INTERNAL_ERROR / MV_INTERNAL_RING, data[0]
 *     the MV_RING_ERR_* and data[1] the bad value, kernel_flags has
 *     MV_RING_KF_BROKEN, and the next RUN says the same;
 *   - (f) SIGKILL of a process whose vCPU waits for a completion that
 *     never comes: it dies at once;
 *   - (g) the vCPU and VM fds closed and the rings unmapped while a thread
 *     waits in RUN: a signal still ends that RUN with EINTR;
 *   - (h) a 2-entry request ring, posted writes and a slow consumer: every
 *     request arrives once, in order, seqs 1..N without gaps, with its
 *     data, and the full ring made the vCPU wait (ring_full_waits > 0);
 *   - (i) MV_SETUP_RINGS, mmap and MV_SET_RING_RANGE reject bad input with
 *     the documented errno.
 * Then, with every fd closed, the module's reference count must be 0
 * (nothing leaked by the cases above).
 *
 * Every wait is bounded (the PC may be a slow emulator: the limits are
 * generous), so a kernel that never answers fails a check rather than
 * hanging. Needs /dev/minivisor and VMX free (no KVM VM alive). Exit
 * status 0 if every case passed, 1 otherwise ("Bail out!" if it could not
 * go on).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <minivisor.h>

#include "tap.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define PAGE_SIZE	4096ul
#define MEM_SIZE	0x10000ul	/* guest RAM at guest-physical 0 */

#define PORT_DATA	0xe0		/* the WRITER's port */
#define PORT_READ	0xe4		/* the READER's port */
#define PORT_RANGE	8		/* ring range [0xe0, 0xe8) */

#define WRITER_RIP	0x100
#define READER_RIP	0x200
#define GUEST_RSP	0x800

#define READ_VALUE	0x12345678u	/* what a good completion returns */
#define WAIT_MS		20000		/* for anything the kernel must do */
#define RUN_SECS	30		/* a RUN that must return */

static const char *errno_name(int err)
{
	switch (err) {
	case 0:		return "0";
	case ENOENT:	return "ENOENT";
	case EINTR:	return "EINTR";
	case ENXIO:	return "ENXIO";
	case EBADF:	return "EBADF";
	case ENOMEM:	return "ENOMEM";
	case EFAULT:	return "EFAULT";
	case EBUSY:	return "EBUSY";
	case EEXIST:	return "EEXIST";
	case ENODEV:	return "ENODEV";
	case EINVAL:	return "EINVAL";
	case ENOSPC:	return "ENOSPC";
	case ENOTTY:	return "ENOTTY";
	case EPIPE:	return "EPIPE";
	default:	return strerror(err);
	}
}

/* @ret and errno of a syscall, read before anything else changes errno. */
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
/* Time, signals                                                           */
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

static volatile sig_atomic_t alarm_fired;
static volatile sig_atomic_t usr1_seen;

static void on_alarm(int sig)
{
	(void)sig;
	alarm_fired = 1;
}

static void on_usr1(int sig)
{
	(void)sig;
	usr1_seen = 1;
}

/* Without SA_RESTART: a signal ends the blocked ioctl with EINTR. */
static void install_handlers(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sigaction(SIGALRM, &sa, NULL);
	sa.sa_handler = on_usr1;
	sigaction(SIGUSR1, &sa, NULL);
}

/*
 * Start a helper thread with SIGALRM blocked, so that the alarm that
 * bounds a RUN in the main thread interrupts that RUN and nothing else.
 */
static int start_thread(pthread_t *t, void *(*fn)(void *), void *arg)
{
	sigset_t set, old;
	int ret;

	sigemptyset(&set);
	sigaddset(&set, SIGALRM);
	pthread_sigmask(SIG_BLOCK, &set, &old);
	ret = pthread_create(t, NULL, fn, arg);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return ret;
}

/* ---------------------------------------------------------------------- */
/* A VM with one vCPU, and its rings                                       */
/* ---------------------------------------------------------------------- */

static int sys_fd = -1;
static struct mv_caps caps;
static uint32_t cpl_min;	/* smallest valid cpl_entries */

struct hvm {
	int vm, vcpu;
	struct mv_run *run;
	uint8_t *mem;
	int req_efd, kick_efd;
	struct mv_ring_layout l;
	uint8_t *ring;		/* the mapping, l.mmap_size bytes */
	uint32_t *req_head, *req_tail, *cpl_head, *cpl_tail;
	uint32_t *kflags, *uflags;
	uint32_t req_mask, cpl_mask;
	struct mv_ring_req *req;
	struct mv_ring_cpl *cpl;
};

static uint32_t ld_acquire(const uint32_t *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static void st_release(uint32_t *p, uint32_t v)
{
	__atomic_store_n(p, v, __ATOMIC_RELEASE);
}

static const uint8_t guest_writer[] = {
	0xba, PORT_DATA, 0x00,		/* 0x100: mov dx, 0xe0 */
	0x66, 0x40,			/* 0x103: inc eax */
	0x66, 0xef,			/* 0x105: out dx, eax */
	0x66, 0x49,			/* 0x107: dec ecx */
	0x75, 0xf8,			/* 0x109: jnz 0x103 */
	0xf4,				/* 0x10b: hlt */
};

static const uint8_t guest_reader[] = {
	0xba, PORT_READ, 0x00,		/* 0x200: mov dx, 0xe4 */
	0x66, 0xed,			/* 0x203: in eax, dx */
	0xf4,				/* 0x205: hlt */
};

/*
 * A VM with MEM_SIZE bytes of RAM at 0 holding both guests and vCPU 0 in
 * real mode (CS base 0) at @rip, with RAX = 0 and RCX = @rcx. Bails on
 * failure: the other integration scenarios cover these steps.
 */
static void hvm_create(struct hvm *h, uint64_t rip, uint64_t rcx)
{
	struct mv_memory_slot slot;
	struct mv_sregs s;
	struct mv_regs r;

	memset(h, 0, sizeof(*h));
	h->req_efd = h->kick_efd = -1;
	h->mem = mmap(NULL, MEM_SIZE, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (h->mem == MAP_FAILED)
		bail("mmap guest memory: %s", strerror(errno));
	h->mem[0] = 0xf4;			/* HLT, just in case */
	memcpy(h->mem + WRITER_RIP, guest_writer, sizeof(guest_writer));
	memcpy(h->mem + READER_RIP, guest_reader, sizeof(guest_reader));

	h->vm = ioctl(sys_fd, MV_CREATE_VM, 0);
	if (h->vm < 0)
		bail("CREATE_VM: %s", strerror(errno));
	slot = (struct mv_memory_slot){
		.slot = 0, .guest_phys_addr = 0, .memory_size = MEM_SIZE,
		.userspace_addr = (uintptr_t)h->mem,
	};
	if (ioctl(h->vm, MV_SET_MEMORY_SLOT, &slot))
		bail("SET_MEMORY_SLOT: %s", strerror(errno));
	h->vcpu = ioctl(h->vm, MV_CREATE_VCPU, 0ul);
	if (h->vcpu < 0)
		bail("CREATE_VCPU: %s", strerror(errno));
	h->run = mmap(NULL, caps.run_mmap_size, PROT_READ | PROT_WRITE,
		      MAP_SHARED, h->vcpu, 0);
	if (h->run == MAP_FAILED)
		bail("mmap of the run page: %s", strerror(errno));

	if (ioctl(h->vcpu, MV_GET_SREGS, &s))
		bail("GET_SREGS: %s", strerror(errno));
	s.cs.selector = 0;
	s.cs.base = 0;
	s.cs.limit = 0xffff;
	s.cs.type = 11;
	s.ss.selector = 0;
	s.ss.base = 0;
	s.ss.limit = 0xffff;
	s.cr0 &= ~0x80000001ull;	/* real mode: PE = PG = 0 */
	if (ioctl(h->vcpu, MV_SET_SREGS, &s))
		bail("SET_SREGS (real mode, CS base 0): %s", strerror(errno));
	memset(&r, 0, sizeof(r));
	r.rip = rip;
	r.rcx = rcx;
	r.rsp = GUEST_RSP;
	r.rflags = 2;
	if (ioctl(h->vcpu, MV_SET_REGS, &r))
		bail("SET_REGS: %s", strerror(errno));
}

/* MV_SETUP_RINGS with its own eventfds; -1 with errno on failure. */
static int hvm_setup_rings(struct hvm *h, uint32_t req_entries,
			   uint32_t cpl_entries, uint32_t busy_poll_us)
{
	struct mv_ring_setup s;

	if (h->req_efd < 0)
		h->req_efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (h->kick_efd < 0)
		h->kick_efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (h->req_efd < 0 || h->kick_efd < 0)
		bail("eventfd: %s", strerror(errno));
	memset(&s, 0, sizeof(s));
	s.req_entries = req_entries;
	s.cpl_entries = cpl_entries;
	s.req_eventfd = h->req_efd;
	s.kick_eventfd = h->kick_efd;
	s.busy_poll_us = busy_poll_us;
	if (ioctl(h->vm, MV_SETUP_RINGS, &s))
		return -1;
	h->l = s.layout;
	return 0;
}

/* mmap the rings as h->l describes; -1 with errno on failure. */
static int hvm_map_rings(struct hvm *h)
{
	void *p = mmap(NULL, h->l.mmap_size, PROT_READ | PROT_WRITE,
		       MAP_SHARED, h->vm, MV_RING_MMAP_OFFSET);

	if (p == MAP_FAILED)
		return -1;
	h->ring = p;
	h->req_head = (uint32_t *)(h->ring + h->l.req_head);
	h->req_tail = (uint32_t *)(h->ring + h->l.req_tail);
	h->cpl_head = (uint32_t *)(h->ring + h->l.cpl_head);
	h->cpl_tail = (uint32_t *)(h->ring + h->l.cpl_tail);
	h->kflags = (uint32_t *)(h->ring + h->l.kernel_flags);
	h->uflags = (uint32_t *)(h->ring + h->l.user_flags);
	h->req_mask = *(uint32_t *)(h->ring + h->l.req_mask);
	h->cpl_mask = *(uint32_t *)(h->ring + h->l.cpl_mask);
	h->req = (struct mv_ring_req *)(h->ring + h->l.req_array);
	h->cpl = (struct mv_ring_cpl *)(h->ring + h->l.cpl_array);
	return 0;
}

static int hvm_range(struct hvm *h, uint32_t space, uint64_t base,
		     uint64_t len, uint32_t flags)
{
	struct mv_ring_range r = {
		.space = space, .flags = flags, .base = base, .len = len,
	};

	return ioctl(h->vm, MV_SET_RING_RANGE, &r);
}

/* Rings of @req_entries and the smallest completion ring, mapped, and
 * the port range [0xe0, 0xe8) registered with @range_flags. Bails on
 * failure (test_setup_errors checks these steps one by one).
 */
static void hvm_rings(struct hvm *h, uint32_t req_entries,
		      uint32_t range_flags)
{
	if (hvm_setup_rings(h, req_entries, cpl_min, 0))
		bail("SETUP_RINGS req %u cpl %u: %s", req_entries, cpl_min,
		     errno_name(errno));
	if (hvm_map_rings(h))
		bail("mmap of the rings (%llu bytes): %s",
		     (unsigned long long)h->l.mmap_size, errno_name(errno));
	if (hvm_range(h, MV_RING_SPACE_PIO, PORT_DATA, PORT_RANGE, range_flags))
		bail("SET_RING_RANGE ports 0x%x..0x%x: %s", PORT_DATA,
		     PORT_DATA + PORT_RANGE - 1, errno_name(errno));
}

static void hvm_destroy(struct hvm *h)
{
	if (h->ring)
		munmap(h->ring, h->l.mmap_size);
	if (h->run && h->run != MAP_FAILED)
		munmap(h->run, caps.run_mmap_size);
	if (h->vcpu >= 0)
		close(h->vcpu);
	if (h->vm >= 0)
		close(h->vm);
	if (h->req_efd >= 0)
		close(h->req_efd);
	if (h->kick_efd >= 0)
		close(h->kick_efd);
	munmap(h->mem, MEM_SIZE);
	memset(h, 0, sizeof(*h));
	h->vm = h->vcpu = h->req_efd = h->kick_efd = -1;
}

/*
 * RUN, ended by SIGALRM after @secs if the kernel never returns. Returns
 * RUN's result (errno kept); *@timed_out says whether the alarm ended it.
 */
static long hvm_run(struct hvm *h, unsigned int secs, bool *timed_out)
{
	long ret;
	int err;

	h->run->immediate_exit = 0;
	h->run->exit_reason = MV_EXIT_NONE;
	alarm_fired = 0;
	alarm(secs);
	ret = ioctl(h->vcpu, MV_RUN, 0);
	err = errno;
	alarm(0);
	*timed_out = ret < 0 && err == EINTR && alarm_fired;
	errno = err;
	return ret;
}

/*
 * Wait until the request ring holds a record past @head: poll req_eventfd
 * (read it to re-arm), re-checking req_tail each time. False after @ms.
 */
static bool wait_request(struct hvm *h, uint32_t head, long ms)
{
	long long end = now_ms() + ms;
	struct pollfd pfd = { .fd = h->req_efd, .events = POLLIN };
	uint64_t cnt;

	for (;;) {
		if (ld_acquire(h->req_tail) != head)
			return true;
		if (now_ms() >= end)
			return false;
		if (poll(&pfd, 1, 100) > 0 &&
		    read(h->req_efd, &cnt, sizeof(cnt)) < 0 && errno != EAGAIN)
			return false;
	}
}

/* The VMM side of "kick": fence, then write the eventfd if asked to. */
static void kick_if_needed(struct hvm *h)
{
	uint64_t one = 1;

	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (ld_acquire(h->kflags) & MV_RING_KF_NEED_KICK)
		if (write(h->kick_efd, &one, sizeof(one)) != sizeof(one))
			diag("write to kick_eventfd: %s", strerror(errno));
}

/* A hostile VMM kicks whether or not it is asked to (that is harmless). */
static void kick_always(struct hvm *h)
{
	uint64_t one = 1;

	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (write(h->kick_efd, &one, sizeof(one)) != sizeof(one))
		diag("write to kick_eventfd: %s", strerror(errno));
}

/* Until kernel_flags has NEED_KICK (a vCPU sleeps in the kernel). */
static bool wait_need_kick(struct hvm *h, long ms)
{
	long long end = now_ms() + ms;

	while (!(ld_acquire(h->kflags) & MV_RING_KF_NEED_KICK)) {
		if (now_ms() >= end)
			return false;
		sleep_ms(1);
	}
	return true;
}

/* ---------------------------------------------------------------------- */
/* One request, answered right or wrong                                    */
/* ---------------------------------------------------------------------- */

enum answer {
	ANSWER_GOOD,		/* the right completion */
	ANSWER_BAD_HEAD,	/* (a) req_head = req_tail + 1000 */
	ANSWER_BAD_SEQ,		/* (b) seq + 1 */
	ANSWER_BAD_VCPU,	/* (c) a vCPU that does not wait */
	ANSWER_BAD_RESERVED,	/* (d) reserved = 0xdead */
	ANSWER_BAD_TAIL,	/* (e) cpl_tail 1000 ahead, no record */
};

struct responder {
	struct hvm *h;
	enum answer answer;
	bool got;		/* a request was seen */
	struct mv_ring_req req;	/* the first one */
	uint64_t bad;		/* the value the kernel must report */
};

static void *respond(void *arg)
{
	struct responder *r = arg;
	struct hvm *h = r->h;
	uint32_t head = ld_acquire(h->req_head);	/* ours to write */
	uint32_t tail, ct;
	struct mv_ring_cpl c;

	if (!wait_request(h, head, WAIT_MS))
		return NULL;
	r->req = h->req[head & h->req_mask];
	r->got = true;

	if (r->answer == ANSWER_BAD_HEAD) {
		tail = ld_acquire(h->req_tail);
		r->bad = (uint32_t)(tail + 1000);
		st_release(h->req_head, (uint32_t)r->bad);
		kick_always(h);
		return NULL;
	}
	st_release(h->req_head, head + 1);
	ct = *h->cpl_tail;				/* ours */
	if (r->answer == ANSWER_BAD_TAIL) {
		r->bad = (uint32_t)(ct + 1000);
		st_release(h->cpl_tail, (uint32_t)r->bad);
		kick_always(h);
		return NULL;
	}
	memset(&c, 0, sizeof(c));
	c.seq = r->req.seq;
	c.vcpu = r->req.vcpu;
	c.data[0] = READ_VALUE & 0xff;
	c.data[1] = READ_VALUE >> 8 & 0xff;
	c.data[2] = READ_VALUE >> 16 & 0xff;
	c.data[3] = READ_VALUE >> 24;
	switch (r->answer) {
	case ANSWER_BAD_SEQ:
		c.seq = r->bad = r->req.seq + 1;
		break;
	case ANSWER_BAD_VCPU:
		c.vcpu = r->req.vcpu + 3;
		r->bad = c.vcpu;
		break;
	case ANSWER_BAD_RESERVED:
		c.reserved = 0xdead;
		r->bad = c.reserved;
		break;
	default:
		break;
	}
	h->cpl[ct & h->cpl_mask] = c;
	st_release(h->cpl_tail, ct + 1);
	if (r->answer == ANSWER_GOOD)
		kick_if_needed(h);
	else
		kick_always(h);
	return NULL;
}

static const char *ring_err_name(uint64_t e)
{
	switch (e) {
	case MV_RING_ERR_REQ_HEAD:	return "MV_RING_ERR_REQ_HEAD";
	case MV_RING_ERR_CPL_TAIL:	return "MV_RING_ERR_CPL_TAIL";
	case MV_RING_ERR_CPL_VCPU:	return "MV_RING_ERR_CPL_VCPU";
	case MV_RING_ERR_CPL_SEQ:	return "MV_RING_ERR_CPL_SEQ";
	case MV_RING_ERR_CPL_RESERVED:	return "MV_RING_ERR_CPL_RESERVED";
	default:			return "?";
	}
}

/* RUN returned 0 with the MV_INTERNAL_RING exit @err, value @bad? */
static void expect_ring_error(struct hvm *h, long ret, bool timed_out,
			      uint64_t err, uint64_t bad, bool check_bad,
			      const char *what, const char *which)
{
	struct mv_run *run = h->run;
	bool pass;

	pass = ret == 0 && run->exit_reason == MV_EXIT_INTERNAL_ERROR &&
	       run->internal.suberror == MV_INTERNAL_RING &&
	       run->internal.ndata >= 2 && run->internal.data[0] == err &&
	       (!check_bad || run->internal.data[1] == bad);
	tap_result(pass, "%s: %s RUN -> 0, MV_EXIT_INTERNAL_ERROR, MV_INTERNAL_RING, data[0] %s%s",
		   what, which, ring_err_name(err),
		   check_bad ? ", data[1] the bad value" : "");
	if (!pass) {
		if (ret < 0)
			diag("  RUN returned -1 (errno %s)%s", errno_name(errno),
			     timed_out ? ": still blocked after the time limit" : "");
		else
			diag("  exit_reason %u suberror %u ndata %u data[0] %llu (%s) data[1] 0x%llx; want data[1] 0x%llx",
			     run->exit_reason, run->internal.suberror,
			     run->internal.ndata,
			     (unsigned long long)run->internal.data[0],
			     ring_err_name(run->internal.data[0]),
			     (unsigned long long)run->internal.data[1],
			     (unsigned long long)bad);
	}
}

/*
 * One VM, one vCPU, one answer. GOOD: the READER gets READ_VALUE. The
 * others: the VM stops with the matching MV_RING_ERR_*.
 */
static void test_answer(enum answer answer, const char *what, uint64_t err)
{
	struct responder r = { .answer = answer };
	struct mv_exit_stats st;
	bool timed_out, writer = answer == ANSWER_BAD_HEAD;
	struct mv_regs regs;
	struct hvm h;
	pthread_t t;
	long ret;

	/*
	 * (a) needs a stream of accesses into a small ring (the corrupted
	 * head is read when the next request is appended); the others one
	 * read that waits for its completion.
	 */
	hvm_create(&h, writer ? WRITER_RIP : READER_RIP, 0);
	hvm_rings(&h, writer ? 2 : 4, writer ? MV_RING_RANGE_POSTED : 0);
	r.h = &h;
	if (start_thread(&t, respond, &r))
		bail("pthread_create: %s", strerror(errno));
	ret = hvm_run(&h, RUN_SECS, &timed_out);
	pthread_join(t, NULL);

	if (!tap_result(r.got, "%s: the request reached the request ring", what)) {
		hvm_destroy(&h);
		return;
	}
	if (!writer)
		tap_result(r.req.seq == 1 && r.req.addr == PORT_READ &&
			   r.req.len == 4 && r.req.flags == MV_RING_REQ_PIO &&
			   r.req.vcpu == 0 && r.req.reserved == 0 &&
			   !memcmp(r.req.data, "\0\0\0\0\0\0\0\0", 8),
			   "%s: request: seq 1, port 0x%x, len 4, a read (flags PIO only), vcpu 0, data and reserved 0 (seq %llu addr 0x%llx len %u flags 0x%x vcpu %u)",
			   what, PORT_READ, (unsigned long long)r.req.seq,
			   (unsigned long long)r.req.addr, r.req.len,
			   r.req.flags, r.req.vcpu);

	if (answer == ANSWER_GOOD) {
		tap_result(ret == 0 && h.run->exit_reason == MV_EXIT_HLT,
			   "%s: RUN -> 0 with MV_EXIT_HLT after the read (ret %ld, exit_reason %u%s)",
			   what, ret, h.run->exit_reason,
			   timed_out ? ", still blocked after the time limit" : "");
		memset(&regs, 0, sizeof(regs));
		ioctl(h.vcpu, MV_GET_REGS, &regs);
		tap_result((uint32_t)regs.rax == READ_VALUE && regs.rip == READER_RIP + 6,
			   "%s: the IN got the completion's data (eax 0x%x, rip 0x%llx)",
			   what, (uint32_t)regs.rax, (unsigned long long)regs.rip);
		memset(&st, 0, sizeof(st));
		ioctl(h.vcpu, MV_GET_EXIT_STATS, &st);
		tap_result(st.ring_waited == 1 && st.ring_posted == 0 &&
			   st.ring_full_waits == 0,
			   "%s: stats: ring_waited 1, ring_posted 0, ring_full_waits 0 (%llu, %llu, %llu)",
			   what, (unsigned long long)st.ring_waited,
			   (unsigned long long)st.ring_posted,
			   (unsigned long long)st.ring_full_waits);
		tap_result(!(ld_acquire(h.kflags) & MV_RING_KF_BROKEN),
			   "%s: kernel_flags has no MV_RING_KF_BROKEN", what);
		hvm_destroy(&h);
		return;
	}

	expect_ring_error(&h, ret, timed_out, err, r.bad, true, what, "the");
	tap_result(ld_acquire(h.kflags) & MV_RING_KF_BROKEN,
		   "%s: kernel_flags has MV_RING_KF_BROKEN (0x%x)", what,
		   ld_acquire(h.kflags));
	ret = hvm_run(&h, RUN_SECS, &timed_out);
	expect_ring_error(&h, ret, timed_out, err, r.bad, false, what,
			  "a second");
	hvm_destroy(&h);
}

/* ---------------------------------------------------------------------- */
/* (f) SIGKILL while a vCPU waits for a completion                        */
/* ---------------------------------------------------------------------- */

struct kill_watch {
	struct hvm *h;
	int fd;			/* the pipe to the parent */
};

/* In the child: tell the parent once the vCPU sleeps for its completion. */
static void *kill_watch(void *arg)
{
	struct kill_watch *w = arg;
	char c = wait_need_kick(w->h, WAIT_MS) ? 'w' : 't';

	if (write(w->fd, &c, 1) != 1)
		_exit(4);
	return NULL;
}

static void test_sigkill(void)
{
	struct pollfd pfd;
	struct kill_watch w;
	long long t0, waited;
	int p[2], status = 0;
	char c = 0;
	pid_t pid, got = 0;

	fflush(stdout);
	if (pipe2(p, O_CLOEXEC))
		bail("pipe: %s", strerror(errno));
	pid = fork();
	if (pid < 0)
		bail("fork: %s", strerror(errno));
	if (pid == 0) {
		struct hvm h;
		pthread_t t;
		bool timed_out;

		close(p[0]);
		hvm_create(&h, READER_RIP, 0);
		hvm_rings(&h, 4, 0);
		w = (struct kill_watch){ &h, p[1] };
		if (start_thread(&t, kill_watch, &w))
			_exit(5);
		/* Nobody completes the read: this waits until SIGKILL. */
		hvm_run(&h, 120, &timed_out);
		c = 'r';
		if (write(p[1], &c, 1) != 1)
			_exit(4);
		_exit(3);
	}
	close(p[1]);
	pfd = (struct pollfd){ .fd = p[0], .events = POLLIN };
	if (poll(&pfd, 1, 2 * WAIT_MS) <= 0 || read(p[0], &c, 1) != 1)
		c = 0;
	tap_result(c == 'w',
		   "sigkill: the child's vCPU waits in the kernel for a completion (NEED_KICK set)%s",
		   c == 't' ? ": NEED_KICK never set" :
		   c == 'r' ? ": RUN returned" : c ? "" : ": no word from the child");
	t0 = now_ms();
	kill(pid, SIGKILL);
	while (now_ms() - t0 < 10000) {
		got = waitpid(pid, &status, WNOHANG);
		if (got != 0)
			break;
		sleep_ms(5);
	}
	waited = now_ms() - t0;
	if (!tap_result(got == pid,
			"sigkill: waitpid returns within 10 s of SIGKILL (%lld ms)",
			waited))
		diag("  the child is stuck: the wait is not killable");
	else
		tap_result(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
			   "sigkill: the child died of SIGKILL (status 0x%x)",
			   status);
	close(p[0]);
}

/* ---------------------------------------------------------------------- */
/* (g) fds closed and rings unmapped under a waiting RUN                  */
/* ---------------------------------------------------------------------- */

struct blocked_run {
	int vcpu;
	volatile bool done;
	long ret;
	int err;
};

static void *blocked_run(void *arg)
{
	struct blocked_run *b = arg;

	b->ret = ioctl(b->vcpu, MV_RUN, 0);
	b->err = errno;
	__atomic_store_n(&b->done, true, __ATOMIC_RELEASE);
	return NULL;
}

static bool wait_done(struct blocked_run *b, long ms)
{
	long long end = now_ms() + ms;

	while (!__atomic_load_n(&b->done, __ATOMIC_ACQUIRE)) {
		if (now_ms() >= end)
			return false;
		sleep_ms(5);
	}
	return true;
}

static void test_close_during_wait(void)
{
	struct blocked_run b = { 0 };
	struct mv_run *run;
	long long t0;
	struct hvm h;
	pthread_t t;
	bool sleeping;

	hvm_create(&h, READER_RIP, 0);
	hvm_rings(&h, 4, 0);
	b.vcpu = h.vcpu;
	usr1_seen = 0;
	if (start_thread(&t, blocked_run, &b))
		bail("pthread_create: %s", strerror(errno));
	sleeping = wait_need_kick(&h, WAIT_MS);
	tap_result(sleeping && !b.done,
		   "close: the RUN thread waits in the kernel for its completion");
	if (!sleeping) {
		/* Let it go: complete nothing, just interrupt it. */
		pthread_kill(t, SIGUSR1);
		if (wait_done(&b, 10000)) {
			pthread_join(t, NULL);
		} else {
			diag("  the RUN thread is stuck; not joining it");
			h.run = NULL;
		}
		hvm_destroy(&h);
		return;
	}

	/* Pull everything away from under it. */
	run = h.run;
	tap_result(close(h.vcpu) == 0 && close(h.vm) == 0 &&
		   munmap(h.ring, h.l.mmap_size) == 0,
		   "close: vCPU and VM fds closed, rings unmapped, while RUN waits");
	h.vcpu = h.vm = -1;
	h.ring = NULL;
	sleep_ms(50);
	tap_result(!b.done, "close: ... RUN still waits");

	t0 = now_ms();
	pthread_kill(t, SIGUSR1);
	if (!tap_result(wait_done(&b, 10000), "close: a signal ends that RUN within 10 s (%lld ms)",
			now_ms() - t0)) {
		diag("  the RUN thread is stuck; not joining it");
		h.run = NULL;	/* it may still use the run page */
		hvm_destroy(&h);
		return;
	}
	pthread_join(t, NULL);
	tap_result(b.ret == -1 && b.err == EINTR && usr1_seen,
		   "close: ... with -1/EINTR (got %ld, errno %s)", b.ret,
		   b.ret < 0 ? errno_name(b.err) : "-");
	tap_result(run->exit_reason == MV_EXIT_INTR,
		   "close: ... and exit_reason MV_EXIT_INTR (got %u)",
		   run->exit_reason);
	hvm_destroy(&h);	/* the run page, eventfds and memory */
}

/* ---------------------------------------------------------------------- */
/* (h) back-pressure from a full ring, order and gaps                     */
/* ---------------------------------------------------------------------- */

#define STREAM_N	1000u

struct consumer {
	struct hvm *h;
	uint32_t n;		/* records consumed */
	bool full_seen;		/* saw the ring full with a vCPU waiting */
	bool bad;		/* a record was wrong (the first is below) */
	struct mv_ring_req first_bad;
	uint32_t first_bad_at;	/* its position, from 1 */
	bool timed_out;
};

static void *consume(void *arg)
{
	struct consumer *c = arg;
	struct hvm *h = c->h;
	uint32_t head = ld_acquire(h->req_head), tail, v;
	struct mv_ring_req r;
	long long end;

	/* First let the vCPU fill the ring and wait for room. */
	end = now_ms() + WAIT_MS;
	while (now_ms() < end) {
		tail = ld_acquire(h->req_tail);
		if (tail - head == h->l.req_entries &&
		    (ld_acquire(h->kflags) & MV_RING_KF_NEED_KICK)) {
			c->full_seen = true;
			break;
		}
		sleep_ms(1);
	}

	while (c->n < STREAM_N) {
		if (!wait_request(h, head, WAIT_MS)) {
			c->timed_out = true;
			break;
		}
		tail = ld_acquire(h->req_tail);
		while (head != tail && c->n < STREAM_N) {
			r = h->req[head & h->req_mask];
			c->n++;
			memcpy(&v, r.data, 4);
			if (!c->bad &&
			    (r.seq != c->n || r.addr != PORT_DATA ||
			     r.len != 4 || r.vcpu != 0 || r.reserved ||
			     r.flags != (MV_RING_REQ_WRITE | MV_RING_REQ_PIO |
					 MV_RING_REQ_POSTED) ||
			     v != c->n ||
			     memcmp(r.data + 4, "\0\0\0\0", 4))) {
				c->bad = true;
				c->first_bad = r;
				c->first_bad_at = c->n;
			}
			head++;
			/* One slot at a time, and slowly now and then. */
			st_release(h->req_head, head);
			kick_if_needed(h);
			if (c->n % 64 == 0)
				sleep_ms(2);
		}
	}
	return NULL;
}

static void test_backpressure(void)
{
	struct consumer c = { 0 };
	struct mv_exit_stats st;
	struct mv_regs regs;
	bool timed_out;
	struct hvm h;
	pthread_t t;
	long ret;

	hvm_create(&h, WRITER_RIP, STREAM_N);
	hvm_rings(&h, MV_RING_MIN_REQ_ENTRIES, MV_RING_RANGE_POSTED);
	c.h = &h;
	if (start_thread(&t, consume, &c))
		bail("pthread_create: %s", strerror(errno));
	ret = hvm_run(&h, 120, &timed_out);
	tap_result(ret == 0 && h.run->exit_reason == MV_EXIT_HLT,
		   "full ring: %u posted OUTs through a %u-entry ring, then RUN -> 0 with MV_EXIT_HLT (ret %ld, exit_reason %u%s)",
		   STREAM_N, MV_RING_MIN_REQ_ENTRIES, ret, h.run->exit_reason,
		   timed_out ? ", still blocked after the time limit" : "");
	pthread_join(t, NULL);

	tap_result(c.full_seen,
		   "full ring: the consumer saw the ring full and the vCPU waiting for room (NEED_KICK)");
	tap_result(c.n == STREAM_N && !c.timed_out,
		   "full ring: the consumer got %u records (got %u%s)",
		   STREAM_N, c.n, c.timed_out ? ", then nothing more" : "");
	if (!tap_result(!c.bad,
			"full ring: seqs 1..%u in order without gaps, each an OUT to 0x%x of 4 bytes, posted, vcpu 0, data = seq",
			c.n, PORT_DATA))
		diag("  record %u: seq %llu addr 0x%llx len %u flags 0x%x vcpu %u reserved %u data %02x %02x %02x %02x %02x %02x %02x %02x",
		     c.first_bad_at, (unsigned long long)c.first_bad.seq,
		     (unsigned long long)c.first_bad.addr, c.first_bad.len,
		     c.first_bad.flags, c.first_bad.vcpu,
		     c.first_bad.reserved, c.first_bad.data[0],
		     c.first_bad.data[1], c.first_bad.data[2],
		     c.first_bad.data[3], c.first_bad.data[4],
		     c.first_bad.data[5], c.first_bad.data[6],
		     c.first_bad.data[7]);
	memset(&regs, 0, sizeof(regs));
	ioctl(h.vcpu, MV_GET_REGS, &regs);
	tap_result((uint32_t)regs.rax == STREAM_N && (uint32_t)regs.rcx == 0,
		   "full ring: the guest did all %u OUTs (eax %u, ecx %u)",
		   STREAM_N, (uint32_t)regs.rax, (uint32_t)regs.rcx);
	memset(&st, 0, sizeof(st));
	ioctl(h.vcpu, MV_GET_EXIT_STATS, &st);
	diag("stats: ring_posted %llu ring_waited %llu ring_full_waits %llu userspace_exits %llu",
	     (unsigned long long)st.ring_posted,
	     (unsigned long long)st.ring_waited,
	     (unsigned long long)st.ring_full_waits,
	     (unsigned long long)st.userspace_exits);
	tap_result(st.ring_posted == STREAM_N && st.ring_waited == 0,
		   "full ring: stats ring_posted %u, ring_waited 0", STREAM_N);
	tap_result(st.ring_full_waits > 0 && st.ring_full_waits <= STREAM_N,
		   "full ring: stats ring_full_waits > 0 (%llu)",
		   (unsigned long long)st.ring_full_waits);
	tap_result(!(ld_acquire(h.kflags) & MV_RING_KF_BROKEN),
		   "full ring: kernel_flags has no MV_RING_KF_BROKEN");
	hvm_destroy(&h);
}

/* ---------------------------------------------------------------------- */
/* (i) setup, mmap and range rejections                                    */
/* ---------------------------------------------------------------------- */

struct setup_case {
	const char *what;
	uint32_t req_entries, cpl_entries, busy_poll_us, flags;
	uint64_t reserved1;
	int req_fd, kick_fd;	/* -2: the VM's eventfd */
	int err;
};

static long try_setup(struct hvm *h, const struct setup_case *c)
{
	struct mv_ring_setup s;

	memset(&s, 0, sizeof(s));
	s.req_entries = c->req_entries;
	s.cpl_entries = c->cpl_entries;
	s.busy_poll_us = c->busy_poll_us;
	s.flags = c->flags;
	s.reserved[1] = c->reserved1;
	s.req_eventfd = c->req_fd == -2 ? h->req_efd : c->req_fd;
	s.kick_eventfd = c->kick_fd == -2 ? h->kick_efd : c->kick_fd;
	return ioctl(h->vm, MV_SETUP_RINGS, &s);
}

static bool mmap_fails(struct hvm *h, size_t len, off_t off, int flags)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, flags, h->vm, off);

	if (p == MAP_FAILED)
		return true;
	munmap(p, len);
	return false;
}

static void test_setup_errors(void)
{
	int pfd[2], closed_fd;
	struct hvm h;
	uint32_t i;
	bool pass;

	if (pipe2(pfd, O_CLOEXEC))
		bail("pipe: %s", strerror(errno));
	closed_fd = dup(pfd[0]);
	close(closed_fd);		/* a number that is no open fd */

	hvm_create(&h, READER_RIP, 0);
	h.req_efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	h.kick_efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (h.req_efd < 0 || h.kick_efd < 0)
		bail("eventfd: %s", strerror(errno));

	/* Before MV_SETUP_RINGS. */
	expect_errno(hvm_range(&h, MV_RING_SPACE_PIO, PORT_DATA, PORT_RANGE, 0),
		     ENXIO, "setup: SET_RING_RANGE before SETUP_RINGS -> ENXIO");
	tap_result(mmap_fails(&h, PAGE_SIZE, 0, MAP_SHARED),
		   "setup: mmap of the VM fd before SETUP_RINGS fails");

	{
		const uint32_t M = MV_RING_MAX_ENTRIES, C = cpl_min;
		const struct setup_case cases[] = {
			{ "req_entries 0", 0, C, 0, 0, 0, -2, -2, EINVAL },
			{ "req_entries 1 (below MV_RING_MIN_REQ_ENTRIES)", 1, C, 0, 0, 0, -2, -2, EINVAL },
			{ "req_entries 3 (not a power of two)", 3, C, 0, 0, 0, -2, -2, EINVAL },
			{ "req_entries 96 (not a power of two)", 96, C, 0, 0, 0, -2, -2, EINVAL },
			{ "req_entries 2 * MV_RING_MAX_ENTRIES", 2 * M, C, 0, 0, 0, -2, -2, EINVAL },
			{ "req_entries 0x80000000", 0x80000000u, C, 0, 0, 0, -2, -2, EINVAL },
			{ "cpl_entries 0", 4, 0, 0, 0, 0, -2, -2, EINVAL },
			{ "cpl_entries below max_vcpus", 4, C / 2, 0, 0, 0, -2, -2, EINVAL },
			{ "cpl_entries not a power of two", 4, 3 * C, 0, 0, 0, -2, -2, EINVAL },
			{ "cpl_entries 2 * MV_RING_MAX_ENTRIES", 4, 2 * M, 0, 0, 0, -2, -2, EINVAL },
			{ "busy_poll_us MV_RING_MAX_BUSY_POLL_US + 1", 4, C, MV_RING_MAX_BUSY_POLL_US + 1, 0, 0, -2, -2, EINVAL },
			{ "flags 1", 4, C, 0, 1, 0, -2, -2, EINVAL },
			{ "reserved[1] != 0", 4, C, 0, 0, 1, -2, -2, EINVAL },
			{ "req_eventfd a pipe", 4, C, 0, 0, 0, pfd[0], -2, EBADF },
			{ "req_eventfd not an open fd", 4, C, 0, 0, 0, closed_fd, -2, EBADF },
			{ "kick_eventfd a pipe", 4, C, 0, 0, 0, -2, pfd[1], EBADF },
			{ "kick_eventfd not an open fd", 4, C, 0, 0, 0, -2, closed_fd, EBADF },
			{ "kick_eventfd -1 (it is required)", 4, C, 0, 0, 0, -2, -1, EINVAL },
			{ "req_eventfd -3 (below -1)", 4, C, 0, 0, 0, -3, -2, EINVAL },
		};

		for (i = 0; i < ARRAY_SIZE(cases); i++) {
			/* Below max_vcpus is nothing when max_vcpus is 1. */
			if (C < 2 && !strcmp(cases[i].what,
					     "cpl_entries below max_vcpus"))
				continue;
			expect_errno(try_setup(&h, &cases[i]), cases[i].err,
				     "setup: SETUP_RINGS with %s -> %s",
				     cases[i].what, errno_name(cases[i].err));
		}
	}

	/* Nothing was set up above: a valid request succeeds now. */
	if (!expect_ok(hvm_setup_rings(&h, 8, cpl_min, 5),
		       "setup: after the rejections, SETUP_RINGS req 8 cpl %u succeeds",
		       cpl_min)) {
		hvm_destroy(&h);
		close(pfd[0]);
		close(pfd[1]);
		return;
	}
	pass = h.l.req_entries == 8 && h.l.cpl_entries == cpl_min &&
	       h.l.mmap_size % PAGE_SIZE == 0 &&
	       h.l.req_array + 8 * sizeof(struct mv_ring_req) <= h.l.mmap_size &&
	       h.l.cpl_array + cpl_min * sizeof(struct mv_ring_cpl) <= h.l.mmap_size &&
	       h.l.req_head % 4 == 0 && h.l.req_tail % 4 == 0 &&
	       h.l.cpl_head % 4 == 0 && h.l.cpl_tail % 4 == 0 &&
	       h.l.kernel_flags % 4 == 0 && h.l.user_flags % 4 == 0 &&
	       h.l.req_array % 8 == 0 && h.l.cpl_array % 8 == 0 &&
	       h.l.req_head + 4 <= h.l.mmap_size &&
	       h.l.req_tail + 4 <= h.l.mmap_size &&
	       h.l.cpl_head + 4 <= h.l.mmap_size &&
	       h.l.cpl_tail + 4 <= h.l.mmap_size &&
	       h.l.req_mask + 4 <= h.l.mmap_size &&
	       h.l.cpl_mask + 4 <= h.l.mmap_size &&
	       h.l.kernel_flags + 4 <= h.l.mmap_size &&
	       h.l.user_flags + 4 <= h.l.mmap_size &&
	       !h.l.reserved[0] && !h.l.reserved[1] && !h.l.reserved[2] &&
	       !h.l.reserved[3];
	tap_result(pass, "setup: layout: the sizes asked for, aligned offsets inside mmap_size (%llu), reserved 0",
		   (unsigned long long)h.l.mmap_size);

	expect_errno(try_setup(&h, &(const struct setup_case){
			"", 8, cpl_min, 0, 0, 0, -2, -2, 0 }),
		     EBUSY, "setup: a second SETUP_RINGS -> EBUSY");

	tap_result(mmap_fails(&h, h.l.mmap_size + PAGE_SIZE, 0, MAP_SHARED),
		   "setup: mmap of mmap_size + 4096 bytes fails");
	if (h.l.mmap_size > PAGE_SIZE)
		tap_result(mmap_fails(&h, h.l.mmap_size - PAGE_SIZE, 0, MAP_SHARED),
			   "setup: mmap of mmap_size - 4096 bytes fails");
	tap_result(mmap_fails(&h, h.l.mmap_size, PAGE_SIZE, MAP_SHARED),
		   "setup: mmap at offset 4096 fails");
	tap_result(mmap_fails(&h, h.l.mmap_size, 0, MAP_PRIVATE),
		   "setup: a MAP_PRIVATE mmap fails");
	if (expect_ok(hvm_map_rings(&h) ? -1 : 0,
		      "setup: mmap of mmap_size bytes at MV_RING_MMAP_OFFSET succeeds"))
		tap_result(h.req_mask == 7 && h.cpl_mask == cpl_min - 1 &&
			   *h.req_head == 0 && *h.req_tail == 0 &&
			   *h.cpl_head == 0 && *h.cpl_tail == 0 &&
			   *h.kflags == 0 && *h.uflags == 0,
			   "setup: the mapping holds the masks (%u, %u), indices and flags 0",
			   h.req_mask, h.cpl_mask);

	/* Ranges. */
	expect_errno(hvm_range(&h, 2, PORT_DATA, PORT_RANGE, 0), EINVAL,
		     "range: space 2 -> EINVAL");
	expect_errno(hvm_range(&h, MV_RING_SPACE_PIO, PORT_DATA, PORT_RANGE, 1u << 2),
		     EINVAL, "range: unknown flag bit 2 -> EINVAL");
	{
		struct mv_ring_range r = {
			.space = MV_RING_SPACE_PIO, .base = PORT_DATA,
			.len = PORT_RANGE, .reserved = 1,
		};

		expect_errno(ioctl(h.vm, MV_SET_RING_RANGE, &r), EINVAL,
			     "range: reserved != 0 -> EINVAL");
	}
	expect_errno(hvm_range(&h, MV_RING_SPACE_PIO, PORT_DATA, 0, 0), EINVAL,
		     "range: len 0 -> EINVAL");
	expect_errno(hvm_range(&h, MV_RING_SPACE_MMIO, ~0ull - 3, 8, 0), EINVAL,
		     "range: MMIO range that wraps past 2^64 -> EINVAL");
	expect_errno(hvm_range(&h, MV_RING_SPACE_PIO, 0xfffc, 8, 0), EINVAL,
		     "range: port range past 0xffff -> EINVAL");
	if (expect_ok(hvm_range(&h, MV_RING_SPACE_PIO, 0xfff8, 8, 0),
		      "range: port range 0xfff8..0xffff is accepted"))
		expect_ok(hvm_range(&h, MV_RING_SPACE_PIO, 0xfff8, 8,
				    MV_RING_RANGE_REMOVE),
			  "range: ... and removed");
	expect_ok(hvm_range(&h, MV_RING_SPACE_PIO, PORT_DATA, PORT_RANGE, 0),
		  "range: ports 0xe0..0xe7 registered");
	expect_errno(hvm_range(&h, MV_RING_SPACE_PIO, PORT_DATA + 4, PORT_RANGE, 0),
		     EEXIST, "range: ports 0xe4..0xeb (overlapping) -> EEXIST");
	expect_errno(hvm_range(&h, MV_RING_SPACE_PIO, PORT_DATA + 2, 2,
			       MV_RING_RANGE_POSTED),
		     EEXIST, "range: ports 0xe2..0xe3 (inside) -> EEXIST");
	expect_errno(hvm_range(&h, MV_RING_SPACE_PIO, 0, 0x100, 0),
		     EEXIST, "range: ports 0..0xff (around) -> EEXIST");
	expect_ok(hvm_range(&h, MV_RING_SPACE_MMIO, PORT_DATA, PORT_RANGE, 0),
		  "range: MMIO 0xe0..0xe7 does not overlap the ports");
	expect_errno(hvm_range(&h, MV_RING_SPACE_PIO, PORT_DATA, 4,
			       MV_RING_RANGE_REMOVE),
		     ENOENT, "range: removing ports 0xe0..0xe3 (part of a range) -> ENOENT");
	expect_errno(hvm_range(&h, MV_RING_SPACE_PIO, 0x300, 1,
			       MV_RING_RANGE_REMOVE),
		     ENOENT, "range: removing port 0x300 (never registered) -> ENOENT");
	expect_ok(hvm_range(&h, MV_RING_SPACE_PIO, PORT_DATA, PORT_RANGE,
			    MV_RING_RANGE_REMOVE),
		  "range: removing ports 0xe0..0xe7 (exactly) succeeds");
	expect_errno(hvm_range(&h, MV_RING_SPACE_PIO, PORT_DATA, PORT_RANGE,
			       MV_RING_RANGE_REMOVE),
		     ENOENT, "range: removing them again -> ENOENT");
	expect_ok(hvm_range(&h, MV_RING_SPACE_PIO, PORT_DATA + 4, PORT_RANGE, 0),
		  "range: ports 0xe4..0xeb, rejected before, now fit");

	/* Two ranges are registered (MMIO 0xe0, PIO 0xe4): fill the table. */
	pass = true;
	for (i = 2; i < MV_RING_MAX_RANGES && pass; i++)
		pass = hvm_range(&h, MV_RING_SPACE_MMIO, 0x100000ull * i,
				 PAGE_SIZE, 0) == 0;
	if (tap_result(pass, "range: %u ranges (MV_RING_MAX_RANGES) registered",
		       MV_RING_MAX_RANGES))
		expect_errno(hvm_range(&h, MV_RING_SPACE_MMIO, 0x100000ull * i,
				       PAGE_SIZE, 0),
			     ENOSPC, "range: one more -> ENOSPC");

	hvm_destroy(&h);
	close(pfd[0]);
	close(pfd[1]);
}

/* ---------------------------------------------------------------------- */

/* The module's reference count, or -1 if /sys does not say. */
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

int main(int argc, char **argv)
{
	long refs;
	int i;

	if (argc > 1) {
		printf("usage: ring_hostile\n"
		       "Abuses the shared exit rings of /dev/minivisor as a hostile\n"
		       "VMM would; prints TAP, exits 0 if every case passed.\n");
		return strcmp(argv[1], "--help") ? 1 : 0;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	install_handlers();

	sys_fd = open("/dev/minivisor", O_RDWR | O_CLOEXEC);
	if (sys_fd < 0)
		bail("open /dev/minivisor: %s (is the module loaded?)",
		     strerror(errno));
	if (ioctl(sys_fd, MV_GET_CAPS, &caps))
		bail("GET_CAPS: %s", strerror(errno));
	for (cpl_min = 1; cpl_min < caps.max_vcpus; cpl_min <<= 1)
		;
	diag("caps: max_vcpus %u, so the smallest completion ring has %u entries",
	     caps.max_vcpus, cpl_min);

	test_setup_errors();
	test_answer(ANSWER_GOOD, "good completion", 0);
	test_answer(ANSWER_BAD_HEAD, "(a) req_head garbage",
		    MV_RING_ERR_REQ_HEAD);
	test_answer(ANSWER_BAD_SEQ, "(b) wrong seq", MV_RING_ERR_CPL_SEQ);
	test_answer(ANSWER_BAD_VCPU, "(c) wrong vcpu", MV_RING_ERR_CPL_VCPU);
	test_answer(ANSWER_BAD_RESERVED, "(d) reserved != 0",
		    MV_RING_ERR_CPL_RESERVED);
	test_answer(ANSWER_BAD_TAIL, "(e) cpl_tail far ahead",
		    MV_RING_ERR_CPL_TAIL);
	/* Before any thread of ours is left behind: fork. */
	test_sigkill();
	test_backpressure();
	test_close_during_wait();

	close(sys_fd);
	/* A file's last fput may be deferred a little: give it 2 s. */
	for (i = 0; i < 200 && (refs = module_refcnt()) > 0; i++)
		sleep_ms(10);
	if (refs < 0)
		diag("no /sys/module/minivisor/refcnt: not checking the module's references");
	else
		tap_result(refs == 0,
			   "every fd closed: the module's reference count is 0 (%ld)",
			   refs);

	printf("1..%u\n", tap_count);
	printf("# %u passed, %u failed\n", tap_count - tap_failed, tap_failed);
	return tap_failed ? 1 : 0;
}

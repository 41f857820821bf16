// SPDX-License-Identifier: GPL-2.0
/*
 * The ring consumer (ring_service.h). Memory ordering follows
 * uapi/minivisor.h: req_tail and cpl_head, which the kernel owns, are
 * loaded with acquire; req_head and cpl_tail, which we own, are stored
 * with release after the records they cover were read or written; a full
 * barrier separates those stores from the read of kernel_flags that
 * decides whether to kick a sleeping vCPU.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "ring_service.h"
#include "exit.h"

#define REQ_FLAGS_KNOWN	(MV_RING_REQ_WRITE | MV_RING_REQ_PIO | \
			 MV_RING_REQ_POSTED)
#define PIO_SPACE_SIZE	0x10000ULL

static uint32_t load_acquire(const uint32_t *p)
{
	return atomic_load_explicit((_Atomic uint32_t *)p,
				    memory_order_acquire);
}

static void store_release(uint32_t *p, uint32_t v)
{
	atomic_store_explicit((_Atomic uint32_t *)p, v, memory_order_release);
}

static uint32_t kernel_flags(const struct mv_ring_service *s)
{
	return atomic_load_explicit((_Atomic uint32_t *)s->rings->kernel_flags,
				    memory_order_relaxed);
}

static void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#endif
}

int mv_ring_service_init(struct mv_ring_service *s, struct mv_rings *rings,
			 struct mv_bus *bus, struct mv_vcpu_ctx *ctxs,
			 unsigned int nr_vcpus, mv_ring_stop_fn *on_stop,
			 void *stop_arg)
{
	memset(s, 0, sizeof(*s));
	s->stop_fd = -1;
	atomic_init(&s->stopping, false);
	if (!nr_vcpus)
		return -EINVAL;
	s->stop_reported = calloc(nr_vcpus, sizeof(*s->stop_reported));
	if (!s->stop_reported)
		return -ENOMEM;
	s->rings = rings;
	s->bus = bus;
	s->ctxs = ctxs;
	s->nr_vcpus = nr_vcpus;
	s->on_stop = on_stop;
	s->stop_arg = stop_arg;
	return 0;
}

void mv_ring_service_destroy(struct mv_ring_service *s)
{
	mv_ring_service_stop(s);
	free(s->stop_reported);
	s->stop_reported = NULL;
}

/* Hands a newly stopped context to the owner, once per context. */
static void report_stop(struct mv_ring_service *s, struct mv_vcpu_ctx *ctx)
{
	if (!ctx->stop || s->stop_reported[ctx->id])
		return;
	s->stop_reported[ctx->id] = true;
	if (s->on_stop)
		s->on_stop(s->stop_arg, ctx);
}

/*
 * Everything here is a guarantee of the kernel's, so a violation is a
 * module bug: stop the VM (through vCPU 0, which always exists) and
 * serve nothing more rather than guess.
 */
static void protocol_bug(struct mv_ring_service *s, const char *what,
			 const struct mv_ring_req *r)
{
	s->bugs++;
	s->broken = true;
	if (r)
		mv_vcpu_stop(&s->ctxs[0], MV_STATUS_VM_ERROR,
			     "ring protocol violation by the module: %s (request slot %u: seq %llu, vcpu %u, addr 0x%llx, len %u, flags 0x%x, reserved 0x%x; last seq served %llu): a bug in kmod/ring.c, see dmesg",
			     what, s->req_head,
			     (unsigned long long)r->seq, r->vcpu,
			     (unsigned long long)r->addr, r->len, r->flags,
			     r->reserved, (unsigned long long)s->last_seq);
	else
		mv_vcpu_stop(&s->ctxs[0], MV_STATUS_VM_ERROR,
			     "ring protocol violation by the module: %s (req_head %u, cpl_tail %u, last seq served %llu): a bug in kmod/ring.c, see dmesg",
			     what, s->req_head, s->cpl_tail,
			     (unsigned long long)s->last_seq);
	report_stop(s, &s->ctxs[0]);
}

/* NULL if @r is a request the kernel may produce, else what is wrong. */
static const char *check_request(const struct mv_ring_service *s,
				 const struct mv_ring_req *r)
{
	bool pio = r->flags & MV_RING_REQ_PIO;

	if (r->seq != s->last_seq + 1)
		return r->seq <= s->last_seq ? "duplicate or old sequence number"
					     : "gap in the sequence numbers";
	if (r->vcpu >= s->nr_vcpus)
		return "request from a vCPU that does not exist";
	if (r->flags & ~REQ_FLAGS_KNOWN)
		return "unknown request flags";
	if ((r->flags & MV_RING_REQ_POSTED) && !(r->flags & MV_RING_REQ_WRITE))
		return "posted read";
	if (r->len != 1 && r->len != 2 && r->len != 4 && r->len != 8)
		return "access width not 1, 2, 4 or 8";
	if (pio && r->len == 8)
		return "8-byte port access";
	if (pio && (r->addr >= PIO_SPACE_SIZE ||
		    r->len > PIO_SPACE_SIZE - r->addr))
		return "port beyond 0xffff";
	if (r->reserved)
		return "reserved field not 0";
	return NULL;
}

/*
 * Whether the completion ring has a free slot. A vCPU waits for at most
 * one completion and the ring holds at least one slot per vCPU, so it
 * cannot be full: if it is, the kernel's cpl_head is wrong.
 */
static bool cpl_has_room(struct mv_ring_service *s)
{
	struct mv_rings *rg = s->rings;
	/* Acquire: the kernel has copied the records it consumed. */
	uint32_t used = s->cpl_tail - load_acquire(rg->cpl_head);

	if (used < rg->cpl_mask + 1)
		return true;
	protocol_bug(s, used > rg->cpl_mask + 1 ? "cpl_head out of range" :
						  "completion ring full",
		     NULL);
	return false;
}

/* Writes and publishes the completion of @r (cpl_has_room() said yes). */
static void complete(struct mv_ring_service *s, const struct mv_ring_req *r,
		     const uint8_t data[8])
{
	struct mv_rings *rg = s->rings;
	struct mv_ring_cpl c;

	memset(&c, 0, sizeof(c));
	c.seq = r->seq;
	c.vcpu = r->vcpu;
	if (!(r->flags & MV_RING_REQ_WRITE))
		memcpy(c.data, data, sizeof(c.data));
	memcpy(&rg->cpl[s->cpl_tail & rg->cpl_mask], &c, sizeof(c));
	s->cpl_tail++;
	/* Release: the record is written before the kernel can see it. */
	store_release(rg->cpl_tail, s->cpl_tail);
	s->completed++;
}

/*
 * Performs one checked request on the bus. False: not performed, stop
 * the batch (no room for its completion: checked first, so a device
 * never sees an access whose vCPU could not be released).
 */
static bool serve(struct mv_ring_service *s, const struct mv_ring_req *r)
{
	bool is_write = r->flags & MV_RING_REQ_WRITE;
	bool posted = r->flags & MV_RING_REQ_POSTED;
	struct mv_vcpu_ctx *ctx = &s->ctxs[r->vcpu];
	uint8_t data[8];

	if (!posted && !cpl_has_room(s))
		return false;
	if (is_write)
		memcpy(data, r->data, sizeof(data));
	else
		memset(data, 0, sizeof(data));
	mv_bus_access(s->bus, r->flags & MV_RING_REQ_PIO ? MV_SPACE_PIO :
			      MV_SPACE_MMIO,
		      ctx, r->addr, data, r->len, is_write);
	s->served++;
	s->last_seq = r->seq;
	/* The stop is decided before the completion lets the vCPU resume. */
	report_stop(s, ctx);
	if (!posted)
		complete(s, r, data);
	return true;
}

int mv_ring_service_batch(struct mv_ring_service *s)
{
	struct mv_rings *rg = s->rings;
	uint32_t tail, head, avail;
	int n = 0;

	if (s->broken)
		return -EPROTO;
	/* The VM is stopped for good: no device side effects any more. */
	if (kernel_flags(s) & MV_RING_KF_BROKEN)
		return 0;
	/* Acquire: the records up to tail are written before we read them. */
	tail = load_acquire(rg->req_tail);
	head = s->req_head;
	avail = tail - head;
	if (avail > rg->req_mask + 1) {
		protocol_bug(s, "req_tail more than a ring ahead of req_head",
			     NULL);
		return -EPROTO;
	}
	while (head != tail) {
		struct mv_ring_req r;
		const char *bug;

		/* One copy: every check and use below sees the same record. */
		memcpy(&r, &rg->req[head & rg->req_mask], sizeof(r));
		/* Compiler barrier: use @r only, never reload the record. */
		atomic_signal_fence(memory_order_seq_cst);
		bug = check_request(s, &r);
		if (bug) {
			protocol_bug(s, bug, &r);
			break;
		}
		if (!serve(s, &r))
			break;
		head++;
		n++;
		s->req_head = head;
	}
	if (n) {
		/* Release: our copies are taken before the slots are reused. */
		store_release(rg->req_head, s->req_head);
		/*
		 * A vCPU sets NEED_KICK, has a full barrier, then re-reads
		 * the indices: with our barrier between publishing and
		 * reading the flag, one of us always sees the other.
		 */
		atomic_thread_fence(memory_order_seq_cst);
		if (kernel_flags(s) & MV_RING_KF_NEED_KICK &&
		    rg->kick_eventfd >= 0) {
			uint64_t one = 1;

			/* EAGAIN: the counter is non-zero, a wake-up is due. */
			if (write(rg->kick_eventfd, &one, sizeof(one)) ==
			    sizeof(one))
				s->kicks++;
		}
	}
	return s->broken ? -EPROTO : n;
}

/* Blocks until the stop eventfd fires (a broken VM has no work left). */
static void wait_for_stop(struct mv_ring_service *s)
{
	struct pollfd p = { .fd = s->stop_fd, .events = POLLIN };

	while (!atomic_load(&s->stopping))
		(void)poll(&p, 1, -1);
}

/* Sleeps until requests or a stop are signalled. */
static void wait_for_requests(struct mv_ring_service *s)
{
	struct pollfd p[2] = {
		{ .fd = s->rings->req_eventfd, .events = POLLIN },
		{ .fd = s->stop_fd, .events = POLLIN },
	};
	uint64_t v;
	ssize_t got;

	if (poll(p, 2, -1) <= 0)
		return;		/* EINTR: the loop checks again */
	/*
	 * Reset before serving: a signal after this read stays pending,
	 * so requests published during the next batch wake us again.
	 */
	if (p[0].revents & POLLIN) {
		got = read(s->rings->req_eventfd, &v, sizeof(v));
		(void)got;	/* EAGAIN: someone else reset it; harmless */
	}
}

static void *service_thread(void *arg)
{
	struct mv_ring_service *s = arg;
	unsigned int idle = 0;

	while (!atomic_load(&s->stopping)) {
		int n = mv_ring_service_batch(s);

		if (n < 0 || kernel_flags(s) & MV_RING_KF_BROKEN) {
			wait_for_stop(s);
			break;
		}
		if (!s->polling) {
			wait_for_requests(s);
			continue;
		}
		if (n > 0) {
			idle = 0;
			continue;
		}
		cpu_relax();
		if (++idle % MV_RING_POLL_YIELD == 0)
			sched_yield();	/* fewer CPUs than busy threads */
	}
	return NULL;
}

int mv_ring_service_start(struct mv_ring_service *s, bool polling)
{
	int ret;

	if (!polling && s->rings->req_eventfd < 0)
		return -EINVAL;
	s->polling = polling;
	atomic_store(&s->stopping, false);
	s->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (s->stop_fd < 0)
		return -errno;
	ret = pthread_create(&s->thread, NULL, service_thread, s);
	if (ret) {
		close(s->stop_fd);
		s->stop_fd = -1;
		return -ret;
	}
	s->started = true;
	return 0;
}

void mv_ring_service_stop(struct mv_ring_service *s)
{
	uint64_t one = 1;
	ssize_t got;

	if (s->started) {
		atomic_store(&s->stopping, true);
		/* A non-blocking eventfd fails only with a full counter. */
		got = write(s->stop_fd, &one, sizeof(one));
		(void)got;
		pthread_join(s->thread, NULL);
		s->started = false;
	}
	if (s->stop_fd >= 0)
		close(s->stop_fd);
	s->stop_fd = -1;
}

/* ---- range names, for run --ring NAME ---- */

bool mv_ring_name_known(const struct mv_bus *bus, const char *name)
{
	unsigned int s, i;

	for (s = 0; s < MV_NR_SPACES; s++)
		for (i = 0; i < bus->nr_ranges[s]; i++)
			if (!strcmp(bus->ranges[s][i].name, name))
				return true;
	return false;
}

void mv_ring_list_names(const struct mv_bus *bus, char *buf, size_t len)
{
	const char *seen[MV_NR_SPACES * MV_BUS_MAX_RANGES];
	unsigned int nr_seen = 0, s, i, j;
	size_t pos = 0;

	buf[0] = '\0';
	for (s = 0; s < MV_NR_SPACES; s++) {
		for (i = 0; i < bus->nr_ranges[s]; i++) {
			const char *name = bus->ranges[s][i].name;
			int n;

			for (j = 0; j < nr_seen && strcmp(seen[j], name); j++)
				;
			if (j < nr_seen)
				continue;
			seen[nr_seen++] = name;
			n = snprintf(buf + pos, len - pos, "%s%s",
				     pos ? ", " : "", name);
			if (n < 0 || (size_t)n >= len - pos) {
				buf[pos] = '\0';	/* whole names only */
				return;
			}
			pos += (size_t)n;
		}
	}
}

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A fake shared ring area for the unit tests: laid out per a made-up
 * struct mv_ring_layout (not the module's, on purpose: the consumer must
 * only follow the offsets), with the kernel's side played by the test.
 */
#ifndef MV_TEST_RING_FAKE_H
#define MV_TEST_RING_FAKE_H

#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/libminivisor.h"

struct ring_fake {
	void *area;
	size_t size;
	struct mv_ring_layout layout;
	struct mv_rings rings;
	uint32_t req_tail_k;	/* the kernel's own copies */
	uint32_t cpl_head_k;
	uint64_t seq;		/* the last seq pushed */
};

/* Offsets are scrambled (not in uapi order) to catch hard-coded ones. */
static inline void ring_fake_layout(struct mv_ring_layout *l,
				    uint32_t req_entries, uint32_t cpl_entries)
{
	memset(l, 0, sizeof(*l));
	l->kernel_flags = 0;
	l->req_tail = 64;
	l->cpl_head = 128;
	l->req_head = 192;
	l->cpl_tail = 256;
	l->user_flags = 320;
	l->req_mask = 324;
	l->cpl_mask = 328;
	l->cpl_array = 512;
	l->req_array = l->cpl_array +
		       cpl_entries * (uint32_t)sizeof(struct mv_ring_cpl);
	l->req_array = (l->req_array + 63) & ~63u;
	l->req_entries = req_entries;
	l->cpl_entries = cpl_entries;
	l->mmap_size = l->req_array +
		       (uint64_t)req_entries * sizeof(struct mv_ring_req);
}

/* Allocates the area and writes the constant masks, as the kernel does. */
static inline void ring_fake_init_area(struct ring_fake *f,
				       uint32_t req_entries,
				       uint32_t cpl_entries)
{
	uint32_t m;

	memset(f, 0, sizeof(*f));
	ring_fake_layout(&f->layout, req_entries, cpl_entries);
	f->size = f->layout.mmap_size;
	f->area = aligned_alloc(64, (f->size + 63) & ~(size_t)63);
	memset(f->area, 0, f->size);
	m = req_entries - 1;
	memcpy((uint8_t *)f->area + f->layout.req_mask, &m, sizeof(m));
	m = cpl_entries - 1;
	memcpy((uint8_t *)f->area + f->layout.cpl_mask, &m, sizeof(m));
	f->rings.req_eventfd = -1;
	f->rings.kick_eventfd = -1;
}

static inline void ring_fake_free(struct ring_fake *f)
{
	/* Closes the test's eventfds in rings; the area is not mmap()ed. */
	mv_destroy_rings(&f->rings);
	free(f->area);
	f->area = NULL;
}

static inline uint32_t ring_fake_load(const uint32_t *p)
{
	return atomic_load_explicit((_Atomic uint32_t *)p,
				    memory_order_acquire);
}

static inline void ring_fake_store(uint32_t *p, uint32_t v)
{
	atomic_store_explicit((_Atomic uint32_t *)p, v, memory_order_release);
}

/* Starts all indices at @start, as if the rings had wrapped that far. */
static inline void ring_fake_set_indices(struct ring_fake *f, uint32_t start)
{
	f->req_tail_k = f->cpl_head_k = start;
	ring_fake_store(f->rings.req_head, start);
	ring_fake_store(f->rings.req_tail, start);
	ring_fake_store(f->rings.cpl_head, start);
	ring_fake_store(f->rings.cpl_tail, start);
}

/* The kernel produces one request (any fields, hostile ones too). */
static inline void ring_fake_push_raw(struct ring_fake *f,
				      const struct mv_ring_req *r)
{
	struct mv_rings *rg = &f->rings;

	memcpy(&rg->req[f->req_tail_k & rg->req_mask], r, sizeof(*r));
	f->req_tail_k++;
	ring_fake_store(rg->req_tail, f->req_tail_k);
}

/* The next request in sequence; returns its seq. */
static inline uint64_t ring_fake_push(struct ring_fake *f, uint32_t vcpu,
				      uint64_t addr, unsigned int len,
				      uint8_t flags, uint64_t value)
{
	struct mv_ring_req r;

	memset(&r, 0, sizeof(r));
	r.seq = ++f->seq;
	r.addr = addr;
	r.vcpu = vcpu;
	r.len = (uint8_t)len;
	r.flags = flags;
	if (flags & MV_RING_REQ_WRITE)
		memcpy(r.data, &value, len);
	ring_fake_push_raw(f, &r);
	return r.seq;
}

/* The kernel consumes one completion; 0 if there is none. */
static inline int ring_fake_pop_cpl(struct ring_fake *f, struct mv_ring_cpl *c)
{
	struct mv_rings *rg = &f->rings;

	if (ring_fake_load(rg->cpl_tail) == f->cpl_head_k)
		return 0;
	memcpy(c, &rg->cpl[f->cpl_head_k & rg->cpl_mask], sizeof(*c));
	f->cpl_head_k++;
	ring_fake_store(rg->cpl_head, f->cpl_head_k);
	return 1;
}

#endif /* MV_TEST_RING_FAKE_H */

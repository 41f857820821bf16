// SPDX-License-Identifier: GPL-2.0
/*
 * The ring protocol's pure half (see ring_proto.h). The memory ordering
 * follows the uapi header: a producer writes its record, then publishes
 * the index with a release store; a consumer loads the index with an
 * acquire, reads the records, then hands the slots back with a release
 * store of its own index.
 */
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/string.h>
#include <asm/barrier.h>
#include "ring_proto.h"
#include "validate.h"

static bool entries_ok(u32 n, u32 min)
{
	return n >= min && n <= MV_RING_MAX_ENTRIES && is_power_of_2(n);
}

int mv_ring_check_setup(const struct mv_ring_setup *s, u32 max_vcpus)
{
	const struct mv_ring_layout *l = &s->layout;
	unsigned int i;

	if (!entries_ok(s->req_entries, MV_RING_MIN_REQ_ENTRIES) ||
	    !entries_ok(s->cpl_entries, max(max_vcpus, 1u)))
		return -EINVAL;
	if (s->busy_poll_us > MV_RING_MAX_BUSY_POLL_US || s->flags)
		return -EINVAL;
	if (s->req_eventfd < -1 || s->kick_eventfd < 0)
		return -EINVAL;
	for (i = 0; i < ARRAY_SIZE(s->reserved); i++)
		if (s->reserved[i])
			return -EINVAL;
	/* layout is output only, but it is copied in: no garbage accepted. */
	if (memchr_inv(l, 0, sizeof(*l)))
		return -EINVAL;
	return 0;
}

void mv_ring_compute_layout(u32 req_entries, u32 cpl_entries,
			    struct mv_ring_layout *l)
{
	u32 req_bytes = PAGE_ALIGN(req_entries * sizeof(struct mv_ring_req));
	u32 cpl_bytes = PAGE_ALIGN(cpl_entries * sizeof(struct mv_ring_cpl));

	memset(l, 0, sizeof(*l));
	l->req_head = MV_RING_OFF_REQ_HEAD;
	l->req_tail = MV_RING_OFF_REQ_TAIL;
	l->cpl_head = MV_RING_OFF_CPL_HEAD;
	l->cpl_tail = MV_RING_OFF_CPL_TAIL;
	l->req_mask = MV_RING_OFF_REQ_MASK;
	l->cpl_mask = MV_RING_OFF_CPL_MASK;
	l->kernel_flags = MV_RING_OFF_KFLAGS;
	l->user_flags = MV_RING_OFF_UFLAGS;
	l->req_array = MV_RING_CTRL_SIZE;
	l->cpl_array = MV_RING_CTRL_SIZE + req_bytes;
	l->req_entries = req_entries;
	l->cpl_entries = cpl_entries;
	l->mmap_size = (u64)MV_RING_CTRL_SIZE + req_bytes + cpl_bytes;
}

void mv_ring_view_init(struct mv_ring_view *v, void *area,
		       const struct mv_ring_layout *l)
{
	u8 *base = area;

	memset(v, 0, sizeof(*v));
	v->req_head = (u32 *)(base + l->req_head);
	v->req_tail = (u32 *)(base + l->req_tail);
	v->cpl_head = (u32 *)(base + l->cpl_head);
	v->cpl_tail = (u32 *)(base + l->cpl_tail);
	v->kflags = (u32 *)(base + l->kernel_flags);
	v->uflags = (u32 *)(base + l->user_flags);
	v->req = (struct mv_ring_req *)(base + l->req_array);
	v->cpl = (struct mv_ring_cpl *)(base + l->cpl_array);
	v->req_entries = l->req_entries;
	v->cpl_entries = l->cpl_entries;
	v->next_seq = 1;
	*(u32 *)(base + l->req_mask) = l->req_entries - 1;
	*(u32 *)(base + l->cpl_mask) = l->cpl_entries - 1;
	*v->req_head = 0;
	*v->req_tail = 0;
	*v->cpl_head = 0;
	*v->cpl_tail = 0;
	*v->kflags = 0;
	*v->uflags = 0;
}

static int check_range(const struct mv_ring_range *r)
{
	u32 known = MV_RING_RANGE_POSTED | MV_RING_RANGE_REMOVE;

	if (r->space != MV_RING_SPACE_PIO && r->space != MV_RING_SPACE_MMIO)
		return -EINVAL;
	if ((r->flags & ~known) || r->reserved || !r->len)
		return -EINVAL;
	/* The range must end at or below 2^64 - 1: no wrap. */
	if (r->base + r->len < r->base)
		return -EINVAL;
	if (r->space == MV_RING_SPACE_PIO && r->base + r->len > 0x10000)
		return -EINVAL;
	return 0;
}

int mv_ring_range_update(struct mv_ring_range_ent *tab, u32 *n,
			 const struct mv_ring_range *r)
{
	u32 i;
	int ret = check_range(r);

	if (ret)
		return ret;
	if (r->flags & MV_RING_RANGE_REMOVE) {
		/* POSTED describes how a range serves, not which range. */
		for (i = 0; i < *n; i++) {
			if (tab[i].space == r->space && tab[i].base == r->base &&
			    tab[i].len == r->len) {
				tab[i] = tab[--*n];
				return 0;
			}
		}
		return -ENOENT;
	}
	for (i = 0; i < *n; i++)
		if (tab[i].space == r->space &&
		    mv_ranges_overlap(tab[i].base, tab[i].len, r->base, r->len))
			return -EEXIST;
	if (*n >= MV_RING_MAX_RANGES)
		return -ENOSPC;
	tab[*n] = (struct mv_ring_range_ent){
		.space = r->space,
		.flags = r->flags & MV_RING_RANGE_POSTED,
		.base = r->base,
		.len = r->len,
	};
	++*n;
	return 0;
}

const struct mv_ring_range_ent *
mv_ring_range_find(const struct mv_ring_range_ent *tab, u32 n, u32 space,
		   u64 addr, u32 len)
{
	u32 i;

	for (i = 0; i < n; i++) {
		const struct mv_ring_range_ent *e = &tab[i];

		if (e->space == space && addr >= e->base &&
		    addr - e->base < e->len && len <= e->len - (addr - e->base))
			return e;
	}
	return NULL;
}

int mv_ring_produce(struct mv_ring_view *v, struct mv_ring_req *r, u64 *bad)
{
	u32 tail = v->req_tail_k;
	/* Acquire: the VMM is done reading the slots before its head. */
	u32 head = smp_load_acquire(v->req_head);
	u32 used = tail - head;

	/*
	 * The consumer's head can only be in [tail - entries, tail]; any
	 * other value is garbage (the subtraction wraps to a huge count).
	 */
	if (used > v->req_entries) {
		*bad = head;
		return -MV_RING_ERR_REQ_HEAD;
	}
	if (used == v->req_entries)
		return 0;
	r->seq = v->next_seq++;
	r->reserved = 0;
	v->req[tail & (v->req_entries - 1)] = *r;
	v->req_tail_k = tail + 1;
	/* Release: the record is written before the VMM can see it. */
	smp_store_release(v->req_tail, tail + 1);
	return 1;
}

static int match_cpl(struct mv_ring_waiter *w, u32 nw,
		     const struct mv_ring_cpl *c, u64 *bad)
{
	struct mv_ring_waiter *waiter;

	if (c->reserved) {
		*bad = c->reserved;
		return -MV_RING_ERR_CPL_RESERVED;
	}
	if (c->vcpu >= nw || !w[c->vcpu].waiting || w[c->vcpu].done) {
		*bad = c->vcpu;
		return -MV_RING_ERR_CPL_VCPU;
	}
	waiter = &w[c->vcpu];
	if (c->seq != waiter->seq) {
		*bad = c->seq;
		return -MV_RING_ERR_CPL_SEQ;
	}
	memcpy(waiter->data, c->data, sizeof(waiter->data));
	waiter->done = true;
	return 0;
}

int mv_ring_consume(struct mv_ring_view *v, struct mv_ring_waiter *w, u32 nw,
		    u64 *bad)
{
	u32 head = v->cpl_head_k;
	/* Acquire: pairs with the VMM's release of cpl_tail. */
	u32 tail = smp_load_acquire(v->cpl_tail);
	u32 avail = tail - head;
	int n = 0, ret = 0;

	if (avail > v->cpl_entries) {
		*bad = tail;
		return -MV_RING_ERR_CPL_TAIL;
	}
	while (head != tail) {
		struct mv_ring_cpl c;

		/* One copy of the record: the VMM may change it under us. */
		memcpy(&c, &v->cpl[head & (v->cpl_entries - 1)], sizeof(c));
		/* Compiler barrier: use @c only, never reload the record. */
		barrier();
		ret = match_cpl(w, nw, &c, bad);
		if (ret)
			break;
		head++;
		n++;
	}
	if (n) {
		v->cpl_head_k = head;
		/* Release: our copies are taken before the slots are reused. */
		smp_store_release(v->cpl_head, head);
	}
	return ret ? ret : n;
}

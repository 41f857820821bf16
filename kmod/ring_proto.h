/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The shared-ring protocol of uapi/minivisor.h ("exit forwarding through
 * shared rings") as pure functions over a mapped area: layout, argument
 * checks, the range table, producing requests and consuming completions.
 * No locking and no sleeping here: ring.c serialises callers and waits;
 * the KUnit suite minivisor_ring_proto drives these on plain memory.
 *
 * Everything the VMM can write (req_head, cpl_tail, completion records,
 * user_flags) is read exactly once per use with READ_ONCE or an acquire
 * load, into a local, and only the local is checked and used.
 */
#ifndef MV_RING_PROTO_H
#define MV_RING_PROTO_H

#include <linux/types.h>
#include <minivisor.h>

/* Offsets of the control words in the first page of the mapping; each
 * index has a cache line of its own so producer and consumer do not
 * false-share.
 */
#define MV_RING_OFF_REQ_HEAD	0
#define MV_RING_OFF_REQ_TAIL	64
#define MV_RING_OFF_CPL_HEAD	128
#define MV_RING_OFF_CPL_TAIL	192
#define MV_RING_OFF_REQ_MASK	256
#define MV_RING_OFF_CPL_MASK	260
#define MV_RING_OFF_KFLAGS	320
#define MV_RING_OFF_UFLAGS	384
#define MV_RING_CTRL_SIZE	4096

/* Pointers into one VM's mapped area, plus the indices the kernel owns. */
struct mv_ring_view {
	u32 *req_head, *req_tail, *cpl_head, *cpl_tail;
	u32 *kflags, *uflags;
	struct mv_ring_req *req;
	struct mv_ring_cpl *cpl;
	u32 req_entries, cpl_entries;
	/* Kernel-owned; the shared copies are only ever written. */
	u32 req_tail_k;
	u32 cpl_head_k;
	u64 next_seq;		/* seq of the next request, from 1 */
};

/* One vCPU's request awaiting completion. */
struct mv_ring_waiter {
	bool waiting;		/* a request with @seq is outstanding */
	bool done;		/* its completion arrived: @data is valid */
	u64 seq;
	u8 data[8];
};

struct mv_ring_range_ent {
	u32 space;		/* MV_RING_SPACE_* */
	u32 flags;		/* MV_RING_RANGE_POSTED */
	u64 base;
	u64 len;
};

/* -EINVAL unless every field of @s is acceptable (fds are not checked). */
int mv_ring_check_setup(const struct mv_ring_setup *s, u32 max_vcpus);
/* Fill @l for @req_entries and @cpl_entries (already checked). */
void mv_ring_compute_layout(u32 req_entries, u32 cpl_entries,
			    struct mv_ring_layout *l);
/* Point @v into @area, laid out as @l; writes the masks, zeroes indices. */
void mv_ring_view_init(struct mv_ring_view *v, void *area,
		       const struct mv_ring_layout *l);

/*
 * The range table. mv_ring_range_update() applies an MV_SET_RING_RANGE
 * request to @tab (holding *@n entries, room for MV_RING_MAX_RANGES) and
 * returns 0 or the documented -errno, leaving @tab unchanged on failure.
 */
int mv_ring_range_update(struct mv_ring_range_ent *tab, u32 *n,
			 const struct mv_ring_range *r);
/* The entry holding all of [addr, addr + len) in @space, or NULL. */
const struct mv_ring_range_ent *
mv_ring_range_find(const struct mv_ring_range_ent *tab, u32 n, u32 space,
		   u64 addr, u32 len);

/*
 * Append @r (seq is assigned here and returned in @r->seq) and publish
 * req_tail. Returns 1 if appended, 0 if the ring is full, or
 * -MV_RING_ERR_REQ_HEAD with the head read in *@bad if the VMM's head is
 * impossible.
 */
int mv_ring_produce(struct mv_ring_view *v, struct mv_ring_req *r, u64 *bad);

/*
 * Consume every completion the VMM has published, matching each to the
 * waiter of its vCPU (@w has @nw entries, indexed by vCPU id). Returns the
 * number consumed, or -MV_RING_ERR_* with the offending value in *@bad
 * (the completion that failed is not consumed).
 */
int mv_ring_consume(struct mv_ring_view *v, struct mv_ring_waiter *w, u32 nw,
		    u64 *bad);

#endif /* MV_RING_PROTO_H */

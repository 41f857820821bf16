// SPDX-License-Identifier: GPL-2.0
/* VM fd: the shared request/completion rings (MV_SETUP_RINGS). */
#include <errno.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "libminivisor.h"
#include "internal.h"

static bool is_pow2(uint32_t n)
{
	return n && !(n & (n - 1));
}

/* A __u32 field at byte offset @off lies inside @size bytes, aligned. */
static bool u32_ok(uint32_t off, size_t size)
{
	return !(off & 3) && size >= 4 && off <= size - 4;
}

/* @n records of @rec bytes at @off lie inside @size bytes, aligned. */
static bool array_ok(uint32_t off, uint32_t n, size_t rec, size_t size)
{
	return !(off & 7) && off <= size && n <= (size - off) / rec;
}

int mv_rings_attach(struct mv_rings *r, void *area, size_t size,
		    const struct mv_ring_layout *l)
{
	uint8_t *base = area;
	const uint32_t offs[] = {
		l->req_head, l->req_tail, l->req_mask, l->cpl_head,
		l->cpl_tail, l->cpl_mask, l->kernel_flags, l->user_flags,
	};
	uint32_t req_mask, cpl_mask;
	unsigned int i;

	/*
	 * The layout comes from the module; a bad one would make every
	 * later access a wild pointer, so check it once here.
	 */
	if (!is_pow2(l->req_entries) || !is_pow2(l->cpl_entries) ||
	    l->mmap_size != size)
		goto bad;
	for (i = 0; i < sizeof(offs) / sizeof(offs[0]); i++)
		if (!u32_ok(offs[i], size))
			goto bad;
	if (!array_ok(l->req_array, l->req_entries,
		      sizeof(struct mv_ring_req), size) ||
	    !array_ok(l->cpl_array, l->cpl_entries,
		      sizeof(struct mv_ring_cpl), size))
		goto bad;
	memcpy(&req_mask, base + l->req_mask, sizeof(req_mask));
	memcpy(&cpl_mask, base + l->cpl_mask, sizeof(cpl_mask));
	if (req_mask != l->req_entries - 1 || cpl_mask != l->cpl_entries - 1)
		goto bad;

	r->area = area;
	r->size = size;
	r->layout = *l;
	r->req_head = (uint32_t *)(base + l->req_head);
	r->req_tail = (uint32_t *)(base + l->req_tail);
	r->cpl_head = (uint32_t *)(base + l->cpl_head);
	r->cpl_tail = (uint32_t *)(base + l->cpl_tail);
	r->kernel_flags = (uint32_t *)(base + l->kernel_flags);
	r->user_flags = (uint32_t *)(base + l->user_flags);
	r->req = (struct mv_ring_req *)(base + l->req_array);
	r->cpl = (struct mv_ring_cpl *)(base + l->cpl_array);
	r->req_mask = req_mask;
	r->cpl_mask = cpl_mask;
	return 0;

bad:
	return mv_fail(EPROTO, "MV_SETUP_RINGS returned an inconsistent layout (%u request and %u completion entries, mapping of %llu bytes): module and tool out of sync, build kmod/ and userspace/ from the same tree",
		       l->req_entries, l->cpl_entries,
		       (unsigned long long)l->mmap_size);
}

static int new_eventfd(const char *what)
{
	int fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	int err;

	if (fd >= 0)
		return fd;
	err = errno;
	return mv_fail(err, "cannot create the %s eventfd for the rings: %s",
		       what, strerror(err));
}

int mv_setup_rings(int vm_fd, uint32_t req_entries, uint32_t cpl_entries,
		   uint32_t busy_poll_us, bool polling, struct mv_rings *out)
{
	struct mv_ring_setup s;
	void *area;
	int ret, err;

	memset(out, 0, sizeof(*out));
	out->req_eventfd = -1;
	out->kick_eventfd = -1;

	ret = new_eventfd("kick");
	if (ret < 0)
		return ret;
	out->kick_eventfd = ret;
	if (!polling) {
		ret = new_eventfd("request");
		if (ret < 0)
			goto fail;
		out->req_eventfd = ret;
	}

	memset(&s, 0, sizeof(s));
	s.req_entries = req_entries;
	s.cpl_entries = cpl_entries;
	s.req_eventfd = out->req_eventfd;
	s.kick_eventfd = out->kick_eventfd;
	s.busy_poll_us = busy_poll_us;
	if (ioctl(vm_fd, MV_SETUP_RINGS, &s) < 0) {
		err = errno;
		switch (err) {
		case ENOTTY:
			ret = mv_fail(err, "the module does not support exit forwarding through rings (MV_SETUP_RINGS): load a module built from the same tree, or run without --ring");
			break;
		case EINVAL:
			ret = mv_fail(err, "MV_SETUP_RINGS refused %u request entries, %u completion entries, busy poll %u us: check --ring-entries and --ring-busy-poll against uapi/minivisor.h",
				      req_entries, cpl_entries, busy_poll_us);
			break;
		case EBUSY:
			ret = mv_fail(err, "MV_SETUP_RINGS: this VM has rings already (a bug in the tool)");
			break;
		default:
			ret = mv_fail(err, "MV_SETUP_RINGS failed: %s",
				      strerror(err));
			break;
		}
		goto fail;
	}

	if (s.layout.mmap_size == 0 || s.layout.mmap_size > SIZE_MAX) {
		ret = mv_fail(EPROTO, "MV_SETUP_RINGS returned a mapping size of %llu bytes: module and tool out of sync",
			      (unsigned long long)s.layout.mmap_size);
		goto fail;
	}
	area = mmap(NULL, s.layout.mmap_size, PROT_READ | PROT_WRITE,
		    MAP_SHARED, vm_fd, MV_RING_MMAP_OFFSET);
	if (area == MAP_FAILED) {
		err = errno;
		ret = mv_fail(err, "cannot mmap the rings (%llu bytes) of the VM: %s",
			      (unsigned long long)s.layout.mmap_size,
			      strerror(err));
		goto fail;
	}
	ret = mv_rings_attach(out, area, s.layout.mmap_size, &s.layout);
	if (ret < 0) {
		munmap(area, s.layout.mmap_size);
		goto fail;
	}
	out->mapped = true;
	/*
	 * Tell the kernel not to signal requests before any vCPU runs: the
	 * consumer spins on req_tail instead.
	 */
	if (polling)
		atomic_store_explicit((_Atomic uint32_t *)out->user_flags,
				      MV_RING_UF_POLLING, memory_order_release);
	return 0;

fail:
	mv_destroy_rings(out);
	return ret;
}

void mv_destroy_rings(struct mv_rings *r)
{
	if (r->area && r->mapped)
		munmap(r->area, r->size);
	if (r->req_eventfd >= 0)
		close(r->req_eventfd);
	if (r->kick_eventfd >= 0)
		close(r->kick_eventfd);
	memset(r, 0, sizeof(*r));
	r->req_eventfd = -1;
	r->kick_eventfd = -1;
}

int mv_set_ring_range(int vm_fd, uint32_t space, uint64_t base, uint64_t len,
		      uint32_t flags)
{
	const char *sp = space == MV_RING_SPACE_PIO ? "ports" : "MMIO";
	const char *op = flags & MV_RING_RANGE_REMOVE ? "unregister" :
			 "register";
	struct mv_ring_range req;
	int err;

	memset(&req, 0, sizeof(req));
	req.space = space;
	req.flags = flags;
	req.base = base;
	req.len = len;
	if (ioctl(vm_fd, MV_SET_RING_RANGE, &req) == 0)
		return 0;
	err = errno;
	switch (err) {
	case ENXIO:
		return mv_fail(err, "cannot %s ring range %s 0x%llx+0x%llx: the VM has no rings yet (a bug in the tool: MV_SETUP_RINGS first)",
			       op, sp, (unsigned long long)base,
			       (unsigned long long)len);
	case EEXIST:
		return mv_fail(err, "ring range %s 0x%llx+0x%llx overlaps a range registered already: give each --ring NAME once",
			       sp, (unsigned long long)base,
			       (unsigned long long)len);
	case ENOSPC:
		return mv_fail(err, "ring range %s 0x%llx+0x%llx: the module serves at most %d ranges through the rings: give fewer --ring options",
			       sp, (unsigned long long)base,
			       (unsigned long long)len, MV_RING_MAX_RANGES);
	case ENOENT:
		return mv_fail(err, "cannot unregister ring range %s 0x%llx+0x%llx: it is not registered",
			       sp, (unsigned long long)base,
			       (unsigned long long)len);
	default:
		return mv_fail(err, "MV_SET_RING_RANGE (%s %s 0x%llx+0x%llx, flags 0x%x) failed: %s",
			       op, sp, (unsigned long long)base,
			       (unsigned long long)len, flags, strerror(err));
	}
}

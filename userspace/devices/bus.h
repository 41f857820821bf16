/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The device model: a table of port-I/O and MMIO ranges, each served by
 * one handler. Devices register their ranges once at setup with
 * mv_bus_register(); the exit dispatcher calls mv_bus_access() for every
 * access the guest makes outside RAM.
 */
#ifndef MV_BUS_H
#define MV_BUS_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct mv_vcpu_ctx;

enum mv_space {
	MV_SPACE_PIO,		/* addresses are ports, 0..0xffff */
	MV_SPACE_MMIO,		/* addresses are guest-physical */
	MV_NR_SPACES,
};

/*
 * One access of @len bytes (1, 2, 4 or 8) at absolute address @addr (a
 * port or a guest-physical address) inside the handler's range.
 * Write: @data holds the value, little-endian. Read: the handler must fill
 * all @len bytes of @data. @data may be unaligned: use memcpy. A handler
 * that wants the VM to stop calls mv_vcpu_stop(@vcpu, ...).
 */
typedef void mv_io_fn(void *opaque, struct mv_vcpu_ctx *vcpu, uint64_t addr,
		      void *data, unsigned int len, bool is_write);

struct mv_io_range {
	uint64_t base;
	uint64_t len;
	mv_io_fn *fn;
	void *opaque;
	const char *name;
};

#define MV_BUS_MAX_RANGES	32	/* per space */
#define MV_BUS_WARN_LIMIT	8	/* unhandled accesses reported */

struct mv_bus {
	/* Sorted by base, never overlapping. */
	struct mv_io_range ranges[MV_NR_SPACES][MV_BUS_MAX_RANGES];
	unsigned int nr_ranges[MV_NR_SPACES];
	/* Accesses no range claimed. */
	uint64_t unhandled_reads[MV_NR_SPACES];
	uint64_t unhandled_writes[MV_NR_SPACES];
	FILE *log;		/* where unhandled accesses are reported */
	unsigned int warned;
	/*
	 * Serialises mv_bus_access() between vCPU threads: one access at a
	 * time across all devices of the VM (coarse, but every device and
	 * the counters above are then safe without locks of their own).
	 * Registration happens before the vCPU threads start and is not
	 * locked.
	 */
	pthread_mutex_t lock;
};

/* @log may be NULL (report nothing). */
void mv_bus_init(struct mv_bus *bus, FILE *log);
/* Releases the lock; the bus is unusable afterwards. */
void mv_bus_destroy(struct mv_bus *bus);

/*
 * Claims [base, base + len) of @space for @fn. Returns 0, or
 *   -EINVAL  len 0, no handler, range wraps or (PIO) goes past 0xffff;
 *   -EEXIST  overlaps a registered range;
 *   -ENOSPC  MV_BUS_MAX_RANGES ranges already registered.
 * Nothing is changed on failure.
 */
__attribute__((warn_unused_result))
int mv_bus_register(struct mv_bus *bus, enum mv_space space, uint64_t base,
		    uint64_t len, mv_io_fn *fn, void *opaque, const char *name);

/*
 * The range holding all of [addr, addr + len), or NULL. An access that
 * straddles the end of a range belongs to no range.
 */
const struct mv_io_range *mv_bus_find(const struct mv_bus *bus,
				      enum mv_space space, uint64_t addr,
				      unsigned int len);

/*
 * Performs one access, holding bus->lock around the handler (handlers must
 * not call mv_bus_access() themselves). Unclaimed: a read returns all-ones, a write is
 * dropped, both are counted and the first MV_BUS_WARN_LIMIT are logged.
 */
void mv_bus_access(struct mv_bus *bus, enum mv_space space,
		   struct mv_vcpu_ctx *vcpu, uint64_t addr, void *data,
		   unsigned int len, bool is_write);

#endif /* MV_BUS_H */

// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <string.h>

#include "bus.h"

#define MV_PIO_SPACE_SIZE	0x10000ULL

void mv_bus_init(struct mv_bus *bus, FILE *log)
{
	memset(bus, 0, sizeof(*bus));
	bus->log = log;
	pthread_mutex_init(&bus->lock, NULL);
}

void mv_bus_destroy(struct mv_bus *bus)
{
	pthread_mutex_destroy(&bus->lock);
}

/* Index of the first range whose base is > addr (0..n). */
static unsigned int upper_bound(const struct mv_io_range *r, unsigned int n,
				uint64_t addr)
{
	unsigned int lo = 0, hi = n;

	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;

		if (r[mid].base <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* [base, base + len) holds [addr, addr + alen); all lengths > 0. */
static bool range_holds(const struct mv_io_range *r, uint64_t addr,
			uint64_t alen)
{
	/* Written so that nothing can wrap. */
	return addr >= r->base && addr - r->base < r->len &&
	       alen <= r->len - (addr - r->base);
}

int mv_bus_register(struct mv_bus *bus, enum mv_space space, uint64_t base,
		    uint64_t len, mv_io_fn *fn, void *opaque, const char *name)
{
	struct mv_io_range *r;
	unsigned int n, i;

	if ((unsigned int)space >= MV_NR_SPACES || !fn || len == 0)
		return -EINVAL;
	if (len - 1 > UINT64_MAX - base)
		return -EINVAL;
	if (space == MV_SPACE_PIO &&
	    (base >= MV_PIO_SPACE_SIZE || len > MV_PIO_SPACE_SIZE - base))
		return -EINVAL;

	r = bus->ranges[space];
	n = bus->nr_ranges[space];
	i = upper_bound(r, n, base);
	/* The neighbours in sorted order are the only candidates. */
	if (i > 0 && r[i - 1].len > base - r[i - 1].base)
		return -EEXIST;
	if (i < n && r[i].base - base < len)
		return -EEXIST;
	if (n == MV_BUS_MAX_RANGES)
		return -ENOSPC;

	memmove(&r[i + 1], &r[i], (n - i) * sizeof(*r));
	r[i] = (struct mv_io_range){
		.base = base, .len = len, .fn = fn, .opaque = opaque,
		.name = name ? name : "?",
	};
	bus->nr_ranges[space] = n + 1;
	return 0;
}

const struct mv_io_range *mv_bus_find(const struct mv_bus *bus,
				      enum mv_space space, uint64_t addr,
				      unsigned int len)
{
	const struct mv_io_range *r;
	unsigned int i;

	if ((unsigned int)space >= MV_NR_SPACES || len == 0)
		return NULL;
	r = bus->ranges[space];
	i = upper_bound(r, bus->nr_ranges[space], addr);
	if (i == 0 || !range_holds(&r[i - 1], addr, len))
		return NULL;
	return &r[i - 1];
}

static void log_unhandled(struct mv_bus *bus, enum mv_space space,
			  uint64_t addr, const void *data, unsigned int len,
			  bool is_write)
{
	uint64_t val = 0;

	if (!bus->log || bus->warned > MV_BUS_WARN_LIMIT)
		return;
	if (bus->warned++ == MV_BUS_WARN_LIMIT) {
		fprintf(bus->log, "minivisor: further unhandled accesses are not reported\n");
		return;
	}
	if (is_write) {
		memcpy(&val, data, len < sizeof(val) ? len : sizeof(val));
		fprintf(bus->log, "minivisor: unhandled %s write at 0x%llx (%u bytes, value 0x%llx) ignored\n",
			space == MV_SPACE_PIO ? "port" : "MMIO",
			(unsigned long long)addr, len,
			(unsigned long long)val);
	} else {
		fprintf(bus->log, "minivisor: unhandled %s read at 0x%llx (%u bytes) returns all-ones\n",
			space == MV_SPACE_PIO ? "port" : "MMIO",
			(unsigned long long)addr, len);
	}
}

void mv_bus_access(struct mv_bus *bus, enum mv_space space,
		   struct mv_vcpu_ctx *vcpu, uint64_t addr, void *data,
		   unsigned int len, bool is_write)
{
	const struct mv_io_range *r = mv_bus_find(bus, space, addr, len);

	pthread_mutex_lock(&bus->lock);
	if (r) {
		r->fn(r->opaque, vcpu, addr, data, len, is_write);
	} else if ((unsigned int)space < MV_NR_SPACES) {
		if (is_write) {
			bus->unhandled_writes[space]++;
		} else {
			bus->unhandled_reads[space]++;
			memset(data, 0xff, len);
		}
		log_unhandled(bus, space, addr, data, len, is_write);
	}
	pthread_mutex_unlock(&bus->lock);
}

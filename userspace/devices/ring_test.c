// SPDX-License-Identifier: GPL-2.0
/*
 * The ring-test device (ring_test.h). A bad access is ignored (a read
 * returns all-ones, like an unclaimed address) and counted in the
 * vCPU's errors, so the guest sees it in ERRORS rather than as a crash.
 */
#include <string.h>

#include "ring_test.h"
#include "exit.h"
#include "vcpu_ctx.h"

uint64_t mv_ring_test_fold(uint64_t sum, uint64_t v)
{
	return (sum ^ v) * MV_RING_TEST_PRIME;
}

static void stream_reset(struct mv_ring_test_stream *st)
{
	memset(st, 0, sizeof(*st));
	st->checksum = MV_RING_TEST_SEED;
}

static void stream_data(struct mv_ring_test_stream *st, uint64_t v)
{
	/*
	 * Count a gap once and resynchronise on the value received, so one
	 * lost access is one error, not one per later value.
	 */
	if (v != st->last + 1)
		st->errors++;
	st->last = v;
	st->checksum = mv_ring_test_fold(st->checksum, v);
	st->count++;
}

/*
 * The stream of the accessing vCPU, or NULL. --cpus allows no more
 * vCPUs than the device has streams; a larger id means the tool and the
 * device disagree, which must not index past the array.
 */
static struct mv_ring_test_stream *stream_of(struct mv_ring_test *dev,
					     struct mv_vcpu_ctx *ctx)
{
	if (!ctx)
		return NULL;
	if (ctx->id >= MV_RING_TEST_MAX_VCPUS) {
		mv_vcpu_stop(ctx, MV_STATUS_VM_ERROR,
			     "ring-test device: vCPU %u accessed it, but it keeps state for vCPUs 0..%d only (a bug in the tool: MV_RING_TEST_MAX_VCPUS < MV_CPUS_MAX)",
			     ctx->id, MV_RING_TEST_MAX_VCPUS - 1);
		return NULL;
	}
	return &dev->stream[ctx->id];
}

static void put_value(void *data, unsigned int len, uint64_t v)
{
	/* Little-endian host: the low @len bytes of @v. */
	memcpy(data, &v, len);
}

static void ring_test_mmio(void *opaque, struct mv_vcpu_ctx *ctx,
			   uint64_t addr, void *data, unsigned int len,
			   bool is_write)
{
	struct mv_ring_test_stream *st = stream_of(opaque, ctx);
	uint64_t off = addr - MV_RING_TEST_MMIO_BASE;
	uint64_t v = 0;

	if (!st) {
		if (!is_write)
			memset(data, 0xff, len);
		return;
	}
	if (len != 8)
		goto bad;
	if (is_write) {
		memcpy(&v, data, sizeof(v));
		if (off == MV_RING_TEST_DATA)
			stream_data(st, v);
		else if (off == MV_RING_TEST_RESET)
			stream_reset(st);
		else
			goto bad;
		return;
	}
	switch (off) {
	case MV_RING_TEST_CHECKSUM:
		v = st->checksum;
		break;
	case MV_RING_TEST_COUNT:
		v = st->count;
		break;
	case MV_RING_TEST_ERRORS:
		v = st->errors;
		break;
	default:
		goto bad;
	}
	put_value(data, len, v);
	return;

bad:
	st->errors++;
	if (!is_write)
		memset(data, 0xff, len);
}

static void ring_test_pio(void *opaque, struct mv_vcpu_ctx *ctx,
			  uint64_t addr, void *data, unsigned int len,
			  bool is_write)
{
	struct mv_ring_test_stream *st = stream_of(opaque, ctx);
	uint64_t off = addr - MV_RING_TEST_PIO_BASE;
	uint32_t v = 0;

	if (!st) {
		if (!is_write)
			memset(data, 0xff, len);
		return;
	}
	if (len != 4)
		goto bad;
	if (is_write && off == MV_RING_TEST_PIO_DATA) {
		memcpy(&v, data, sizeof(v));
		stream_data(st, v);
		return;
	}
	if (!is_write && off == MV_RING_TEST_PIO_CHECKSUM) {
		put_value(data, len, (uint32_t)st->checksum);
		return;
	}
bad:
	st->errors++;
	if (!is_write)
		memset(data, 0xff, len);
}

int mv_ring_test_init(struct mv_ring_test *dev, struct mv_bus *bus)
{
	unsigned int i;
	int ret;

	for (i = 0; i < MV_RING_TEST_MAX_VCPUS; i++)
		stream_reset(&dev->stream[i]);
	ret = mv_bus_register(bus, MV_SPACE_MMIO, MV_RING_TEST_MMIO_BASE,
			      MV_RING_TEST_MMIO_SIZE, ring_test_mmio, dev,
			      MV_RING_TEST_NAME);
	if (ret)
		return ret;
	return mv_bus_register(bus, MV_SPACE_PIO, MV_RING_TEST_PIO_BASE,
			       MV_RING_TEST_PIO_SIZE, ring_test_pio, dev,
			       MV_RING_TEST_NAME);
}

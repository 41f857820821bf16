// SPDX-License-Identifier: GPL-2.0
#include <string.h>

#include "mmio_test.h"

/* Byte @n (0 = least significant) of @v. */
static uint8_t byte_of(uint64_t v, unsigned int n)
{
	return (uint8_t)(v >> (8 * n));
}

static uint8_t mmio_test_read_byte(const struct mv_mmio_test *dev,
				   uint64_t off)
{
	if (off < MV_MMIO_TEST_SCRATCH + MV_MMIO_TEST_SCRATCH_SIZE)
		return dev->scratch[off - MV_MMIO_TEST_SCRATCH];
	if (off - MV_MMIO_TEST_ID_REG < 8)
		return byte_of(MV_MMIO_TEST_ID, off - MV_MMIO_TEST_ID_REG);
	if (off - MV_MMIO_TEST_WRITES_REG < 8)
		return byte_of(dev->writes, off - MV_MMIO_TEST_WRITES_REG);
	return 0;
}

static void mmio_test_access(void *opaque, struct mv_vcpu_ctx *vcpu,
			     uint64_t addr, void *data, unsigned int len,
			     bool is_write)
{
	struct mv_mmio_test *dev = opaque;
	uint64_t off = addr - dev->base;
	uint8_t *bytes = data;
	unsigned int i;

	(void)vcpu;
	/* The bus only passes accesses that lie inside the 4 KiB. */
	for (i = 0; i < len; i++) {
		uint64_t o = off + i;

		if (!is_write)
			bytes[i] = mmio_test_read_byte(dev, o);
		else if (o < MV_MMIO_TEST_SCRATCH + MV_MMIO_TEST_SCRATCH_SIZE)
			dev->scratch[o - MV_MMIO_TEST_SCRATCH] = bytes[i];
	}
	if (is_write)
		dev->writes++;
}

int mv_mmio_test_init(struct mv_mmio_test *dev, struct mv_bus *bus)
{
	memset(dev, 0, sizeof(*dev));
	dev->base = MV_MMIO_TEST_BASE;
	return mv_bus_register(bus, MV_SPACE_MMIO, dev->base,
			       MV_MMIO_TEST_SIZE, mmio_test_access, dev,
			       "mmio_test");
}

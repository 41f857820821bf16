/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A 4 KiB MMIO device for guests that test loads and stores of every
 * width, sign extension and the MMIO exit path itself:
 *   0x000..0x7ff  scratch RAM, read/write, initially zero
 *   0x800..0x807  ID, read-only: the bytes of MV_MMIO_TEST_ID
 *   0x808..0xff7  read-only, reads zero
 *   0xff8..0xfff  read-only: write accesses seen so far (each counts once)
 * Each byte of an access is decoded on its own (little-endian), so an
 * access may straddle two areas. Writes to read-only bytes are dropped.
 */
#ifndef MV_MMIO_TEST_H
#define MV_MMIO_TEST_H

#include <stdint.h>

#include "bus.h"

#define MV_MMIO_TEST_BASE	0xfe000000ULL
#define MV_MMIO_TEST_SIZE	0x1000
#define MV_MMIO_TEST_SCRATCH	0x000
#define MV_MMIO_TEST_SCRATCH_SIZE 0x800
#define MV_MMIO_TEST_ID_REG	0x800
#define MV_MMIO_TEST_ID		0x8877665544332211ULL
#define MV_MMIO_TEST_WRITES_REG	0xff8

struct mv_mmio_test {
	uint64_t base;
	uint8_t scratch[MV_MMIO_TEST_SCRATCH_SIZE];
	uint64_t writes;
};

__attribute__((warn_unused_result))
int mv_mmio_test_init(struct mv_mmio_test *dev, struct mv_bus *bus);

#endif /* MV_MMIO_TEST_H */

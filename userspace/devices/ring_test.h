/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A checksumming device for testing exit forwarding: the guest streams a
 * sequence 1, 2, 3, ... to a DATA register and now and then reads back a
 * checksum of what the device received; both sides compute the same
 * checksum, so any access lost, duplicated, reordered or corrupted on
 * the way (classic exits or rings, posted or synchronous) shows up as a
 * mismatch the guest reports. State is kept per vCPU (the writer's id),
 * so several vCPUs can stream at once and each checks its own stream.
 *
 * MMIO, MV_RING_TEST_MMIO_BASE, 8-byte accesses (others are ignored and
 * counted as errors):
 *   0x00 DATA      write: the next value of this vCPU's sequence
 *   0x08 CHECKSUM  read: the checksum of this vCPU's DATA writes
 *   0x10 COUNT     read: this vCPU's DATA writes so far
 *   0x18 ERRORS    read: this vCPU's bad accesses so far (a DATA value
 *                  that is not the previous one + 1, a bad width, an
 *                  unknown register)
 *   0x20 RESET     write: any value resets this vCPU's state
 * Port I/O, MV_RING_TEST_PIO_BASE, 4-byte accesses, the same state:
 *   +0 DATA (out)  +4 CHECKSUM (in: low 32 bits)
 *
 * Checksum: FNV-1a over 64-bit words. It starts at MV_RING_TEST_SEED and
 * each DATA value v (zero-extended to 64 bits) updates it as
 *   sum = (sum ^ v) * MV_RING_TEST_PRIME   (mod 2^64)
 */
#ifndef MV_RING_TEST_H
#define MV_RING_TEST_H

#include <stdint.h>

#include "bus.h"

#define MV_RING_TEST_MMIO_BASE	0xfe010000ULL
#define MV_RING_TEST_MMIO_SIZE	0x1000
#define MV_RING_TEST_PIO_BASE	0xe0
#define MV_RING_TEST_PIO_SIZE	8

#define MV_RING_TEST_DATA	0x00
#define MV_RING_TEST_CHECKSUM	0x08
#define MV_RING_TEST_COUNT	0x10
#define MV_RING_TEST_ERRORS	0x18
#define MV_RING_TEST_RESET	0x20

#define MV_RING_TEST_PIO_DATA	0
#define MV_RING_TEST_PIO_CHECKSUM 4

#define MV_RING_TEST_SEED	0xcbf29ce484222325ULL
#define MV_RING_TEST_PRIME	0x100000001b3ULL

/* The name both ranges are registered under (for `run --ring NAME`). */
#define MV_RING_TEST_NAME	"ring-test"

#define MV_RING_TEST_MAX_VCPUS	8

struct mv_ring_test_stream {
	uint64_t last;		/* the last DATA value, 0 before the first */
	uint64_t checksum;
	uint64_t count;
	uint64_t errors;
};

struct mv_ring_test {
	struct mv_ring_test_stream stream[MV_RING_TEST_MAX_VCPUS];
};

/* Registers both ranges on @bus. */
__attribute__((warn_unused_result))
int mv_ring_test_init(struct mv_ring_test *dev, struct mv_bus *bus);

/* The checksum after @v, from @sum (exported for the unit tests). */
uint64_t mv_ring_test_fold(uint64_t sum, uint64_t v);

#endif /* MV_RING_TEST_H */

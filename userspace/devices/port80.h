/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The POST-code port 0x80 (and 0xed, the other port Linux may use for
 * its I/O delay, io_delay=0xed). A write stores the byte; a read returns
 * the last byte written to that port. Linux's outb_p() writes 0x80 after
 * slow ISA accesses, so the handler does nothing more than store a byte.
 */
#ifndef MV_PORT80_H
#define MV_PORT80_H

#include <stdint.h>

#include "bus.h"

#define MV_PORT80_PORT		0x80
#define MV_PORT80_DELAY_PORT	0xed

struct mv_port80 {
	uint8_t last;		/* last byte written to 0x80 (the POST code) */
	uint8_t last_ed;	/* last byte written to 0xed */
};

/* Registers 0x80 and 0xed; 0 or the mv_bus_register error. */
__attribute__((warn_unused_result))
int mv_port80_init(struct mv_port80 *p, struct mv_bus *bus);

#endif /* MV_PORT80_H */

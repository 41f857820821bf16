/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The PC's pair of Intel 8259A programmable interrupt controllers: the
 * master at ports 0x20-0x21 (IRQ 0-7), the slave at 0xa0-0xa1 (IRQ 8-15)
 * cascaded on the master's IR2, and the edge/level control registers
 * (ELCR) at 0x4d0-0x4d1.
 *
 * Delivery: the CPU's INTA cycle happens inside the model. Whenever the
 * master would assert INTR, the model acknowledges at once (the highest
 * priority request moves from IRR to ISR, on both chips for a slave
 * line) and hands the vector to inject(), which queues it into the vCPU;
 * the guest's EOI then clears ISR and lets the next request through. So,
 * as on hardware, at most one vector per priority level is outstanding.
 * If inject() returns -EAGAIN the request stays in IRR (nothing is
 * acknowledged) and is retried at the next PIC event: a line change, any
 * PIC register access, or mv_pic_kick(). Another error drops the request
 * (IRR cleared, ISR untouched) and counts it in `errors`.
 *
 * What is modelled: ICW1-ICW4 (vector base, single/cascade, AEOI, special
 * fully nested mode), OCW1 (IMR), OCW2 (non-specific, specific and
 * rotating EOIs, set priority, rotate in AEOI), OCW3 (IRR/ISR read
 * select, poll, special mask mode), edge detection per input, rotating
 * priority. Approximations, all documented in pic.c: every input is
 * edge-triggered (ICW1.LTIM and the ELCR are stored and read back only),
 * IR2 of the master is always the slave's output whatever ICW3 says, no
 * spurious IRQ7/IRQ15 is ever generated (a request cannot vanish between
 * INTR and INTA here), nothing is delivered before a chip has completed
 * its ICW sequence, and 8080 mode (ICW4.uPM = 0) is treated as 8086 mode.
 *
 * Locking: the bus lock (see irq_line.h); mv_pic_set_irq() and
 * mv_pic_kick() must be called with it held.
 */
#ifndef MV_PIC_H
#define MV_PIC_H

#include <stdbool.h>
#include <stdint.h>

#include "bus.h"
#include "irq_line.h"
#include "irq_test.h"	/* mv_irq_inject_fn */

#define MV_PIC_MASTER_PORT	0x20
#define MV_PIC_SLAVE_PORT	0xa0
#define MV_PIC_ELCR_PORT	0x4d0
#define MV_PIC_CASCADE_IRQ	2
#define MV_PIC_NR_IRQS		16

struct mv_pic_chip {
	uint8_t irr;		/* interrupt request register */
	uint8_t isr;		/* in-service register */
	uint8_t imr;		/* interrupt mask register */
	uint8_t input;		/* current level of each IR input */
	uint8_t elcr;		/* edge/level control (stored only) */
	uint8_t elcr_mask;	/* writable ELCR bits */
	uint8_t vector_base;	/* ICW2 & 0xf8 */
	uint8_t icw3;
	uint8_t priority_add;	/* IR with the highest priority (rotation) */
	uint8_t init_state;	/* next ICW expected: 0 none, 2, 3 or 4 */
	bool initialized;	/* an ICW sequence has completed */
	bool icw4_needed;	/* ICW1.IC4 */
	bool single;		/* ICW1.SNGL */
	bool ltim;		/* ICW1.LTIM (stored only) */
	bool auto_eoi;		/* ICW4.AEOI */
	bool sfnm;		/* ICW4.SFNM */
	bool rotate_on_aeoi;	/* OCW2 "rotate in automatic EOI mode" */
	bool read_isr;		/* OCW3: reads at A0=0 return ISR, not IRR */
	bool poll;		/* OCW3.P: the next A0=0 read is a poll */
	bool special_mask;	/* OCW3 special mask mode */
};

struct mv_pic {
	struct mv_pic_chip chip[2];	/* [0] master, [1] slave */
	mv_irq_inject_fn *inject;
	void *inject_arg;
	bool retry;		/* inject() said -EAGAIN: a request waits */
	uint64_t injected;	/* vectors accepted by inject() */
	uint64_t errors;	/* requests dropped by an inject() error */
};

/*
 * Registers the PIC's ports (0 or the mv_bus_register() error). Both chips
 * start uninitialised with all lines masked, as a BIOS would leave them;
 * nothing is delivered until the guest programs them.
 */
__attribute__((warn_unused_result))
int mv_pic_init(struct mv_pic *pic, struct mv_bus *bus,
		mv_irq_inject_fn *inject, void *arg);

/* Input @irq (0..15; 2 is the cascade and is ignored) is now at @level. */
void mv_pic_set_irq(void *pic, unsigned int irq, bool level);

/* The line a device holds to drive IRQ @irq of @pic. */
struct mv_irq_line mv_pic_irq_line(struct mv_pic *pic, unsigned int irq);

/* Retries a delivery inject() refused with -EAGAIN (bus lock held). */
void mv_pic_kick(struct mv_pic *pic);

#endif /* MV_PIC_H */

// SPDX-License-Identifier: GPL-2.0
/*
 * The 8259A pair. References are to the Intel 8259A datasheet (order
 * number 231468); the priority logic follows its "Interrupt Sequence" and
 * "Priority Modes" sections.
 */
#include <errno.h>
#include <string.h>

#include "pic.h"

#define MASTER	0
#define SLAVE	1

/* Command words at A0 = 0, told apart by bits 4 and 3. */
#define ICW1_BIT	0x10
#define OCW3_BIT	0x08
#define ICW1_IC4	0x01
#define ICW1_SNGL	0x02
#define ICW1_LTIM	0x08
#define ICW4_AEOI	0x02
#define ICW4_SFNM	0x10
#define OCW3_RIS	0x01
#define OCW3_RR		0x02
#define OCW3_P		0x04
#define OCW3_SMM	0x20
#define OCW3_ESMM	0x40

/*
 * ELCR bits that exist: IRQ 0, 1, 2, 8 and 13 are always edge-triggered
 * on a PC (the PIIX datasheet's ELCR1/ELCR2), so their bits read 0.
 */
#define ELCR_MASK_MASTER	0xf8
#define ELCR_MASK_SLAVE		0xde

/*
 * Priority (0 = highest) of the highest-priority bit of @mask, counting
 * from c->priority_add (the IR that has the highest priority after a
 * rotation); 8 if @mask is empty.
 */
static unsigned int highest_priority(const struct mv_pic_chip *c,
				     uint8_t mask)
{
	unsigned int prio;

	if (!mask)
		return 8;
	for (prio = 0; !(mask & (1u << ((prio + c->priority_add) & 7)));
	     prio++)
		;
	return prio;
}

/*
 * The IR this chip would present on INT now, or -1: the highest-priority
 * unmasked request, if no in-service level of equal or higher priority
 * blocks it (fully nested mode). In special mask mode an in-service level
 * that is masked does not block ("enables interrupts from all levels ...
 * that are not masked"); in special fully nested mode the master's
 * in-service cascade input does not block the slave, so a higher-priority
 * slave request can nest.
 */
static int chip_request(const struct mv_pic_chip *c, bool master)
{
	unsigned int prio = highest_priority(c, c->irr & ~c->imr);
	uint8_t blocking = c->isr;

	if (prio == 8 || !c->initialized || c->init_state)
		return -1;
	if (c->special_mask)
		blocking &= ~c->imr;
	if (master && c->sfnm)
		blocking &= ~(1u << MV_PIC_CASCADE_IRQ);
	if (prio >= highest_priority(c, blocking))
		return -1;
	return (int)((prio + c->priority_add) & 7);
}

/*
 * The master's IR2 follows the slave's INT output as a level. On hardware
 * the master would latch a rising edge of that output; following the
 * level instead is equivalent for every sequence the acknowledge cycle
 * below can produce, and cannot lose a request when the slave's output
 * stays high across an acknowledge (special fully nested mode).
 */
static void cascade_update(struct mv_pic *pic)
{
	struct mv_pic_chip *m = &pic->chip[MASTER];
	const uint8_t bit = 1u << MV_PIC_CASCADE_IRQ;

	if (chip_request(&pic->chip[SLAVE], false) >= 0)
		m->irr |= bit;
	else
		m->irr &= ~bit;
}

/*
 * The INTA cycle's effect on one chip: the request leaves IRR (all inputs
 * are edge-triggered here) and enters ISR unless in automatic EOI mode,
 * where the second INTA pulse performs the EOI (and rotates, if so set).
 */
static void chip_ack(struct mv_pic_chip *c, unsigned int irq)
{
	c->irr &= ~(1u << irq);
	if (!c->auto_eoi)
		c->isr |= 1u << irq;
	else if (c->rotate_on_aeoi)
		c->priority_add = (irq + 1) & 7;
}

/*
 * Delivers what the master presents, as long as it presents something.
 * Each pass acknowledges one request, which either blocks every request
 * of lower priority (ISR) or leaves IRR (AEOI), so the loop ends.
 */
static void pic_update(struct mv_pic *pic)
{
	struct mv_pic_chip *m = &pic->chip[MASTER], *s = &pic->chip[SLAVE];

	pic->retry = false;
	for (;;) {
		int irq, sirq = -1;
		unsigned int vector;
		int ret;

		cascade_update(pic);
		irq = chip_request(m, true);
		if (irq < 0)
			return;
		if (irq == MV_PIC_CASCADE_IRQ) {
			sirq = chip_request(s, false);
			vector = s->vector_base + (unsigned int)sirq;
		} else {
			vector = m->vector_base + (unsigned int)irq;
		}

		ret = pic->inject(pic->inject_arg, vector);
		if (ret == -EAGAIN) {
			/* Nothing acknowledged: the next event retries. */
			pic->retry = true;
			return;
		}
		if (ret) {
			/* Dropped: out of IRR, never in service. */
			pic->errors++;
			if (sirq >= 0)
				s->irr &= ~(1u << sirq);
			else
				m->irr &= ~(1u << irq);
			continue;
		}
		pic->injected++;
		chip_ack(m, (unsigned int)irq);
		if (sirq >= 0)
			chip_ack(s, (unsigned int)sirq);
	}
}

void mv_pic_set_irq(void *opaque, unsigned int irq, bool level)
{
	struct mv_pic *pic = opaque;
	struct mv_pic_chip *c;
	uint8_t bit;

	/*
	 * IRQ 2 is the cascade (on the ISA bus its pin is wired to IRQ 9);
	 * the master's IR2 only ever follows the slave.
	 */
	if (irq >= MV_PIC_NR_IRQS || irq == MV_PIC_CASCADE_IRQ)
		return;
	c = &pic->chip[irq >> 3];
	bit = 1u << (irq & 7);
	/*
	 * Edge-triggered: "an interrupt request is executed by a low-to-high
	 * transition on an IR input". The IRR bit stays set while the input
	 * goes low again (the datasheet needs it high until the first INTA;
	 * a device pulsing the line relies on the latch instead), and a
	 * masked request stays in IRR: the IMR acts after the IRR.
	 */
	if (level && !(c->input & bit))
		c->irr |= bit;
	if (level)
		c->input |= bit;
	else
		c->input &= ~bit;
	pic_update(pic);
}

struct mv_irq_line mv_pic_irq_line(struct mv_pic *pic, unsigned int irq)
{
	return (struct mv_irq_line){
		.set = mv_pic_set_irq, .chip = pic, .irq = irq,
	};
}

void mv_pic_kick(struct mv_pic *pic)
{
	if (pic->retry)
		pic_update(pic);
}

/*
 * ICW1 resets the chip ("Initialization Command Word 1" in the datasheet):
 * the edge sense circuit is reset, so an input that is high must go low
 * and high again to request (IRR is cleared, the remembered input level
 * is kept), IMR is cleared, IR0 gets the highest priority, special mask
 * mode is cleared, status read is set to IRR, and without IC4 the ICW4
 * functions are zero.
 */
static void chip_icw1(struct mv_pic_chip *c, uint8_t val)
{
	c->irr = 0;
	c->isr = 0;
	c->imr = 0;
	c->priority_add = 0;
	c->special_mask = false;
	c->read_isr = false;
	c->poll = false;
	c->auto_eoi = false;
	c->sfnm = false;
	c->rotate_on_aeoi = false;
	c->icw4_needed = val & ICW1_IC4;
	c->single = val & ICW1_SNGL;
	c->ltim = val & ICW1_LTIM;
	c->init_state = 2;
}

/* The highest-priority in-service IR, or -1. */
static int chip_highest_isr(const struct mv_pic_chip *c)
{
	unsigned int prio = highest_priority(c, c->isr);

	return prio == 8 ? -1 : (int)((prio + c->priority_add) & 7);
}

/*
 * OCW2: bits 7:5 are R, SL, EOI; bits 2:0 the level for SL. Rotation
 * gives the lowest priority to the IR just serviced (or to L for "set
 * priority"), i.e. the highest to the next one.
 */
static void chip_ocw2(struct mv_pic_chip *c, uint8_t val)
{
	unsigned int level = val & 7;
	int irq;

	switch (val >> 5) {
	case 0:		/* rotate in AEOI mode (clear) */
	case 4:		/* rotate in AEOI mode (set) */
		c->rotate_on_aeoi = val >> 7;
		break;
	case 1:		/* non-specific EOI */
	case 5:		/* rotate on non-specific EOI */
		irq = chip_highest_isr(c);
		if (irq < 0)
			break;
		c->isr &= ~(1u << irq);
		if (val & 0x80)
			c->priority_add = (irq + 1) & 7;
		break;
	case 3:		/* specific EOI */
	case 7:		/* rotate on specific EOI */
		c->isr &= ~(1u << level);
		if (val & 0x80)
			c->priority_add = (level + 1) & 7;
		break;
	case 6:		/* set priority: L becomes the lowest */
		c->priority_add = (level + 1) & 7;
		break;
	default:	/* 2: no operation */
		break;
	}
}

/* OCW3; ESMM gates SMM, RR gates RIS, as in the datasheet's table. */
static void chip_ocw3(struct mv_pic_chip *c, uint8_t val)
{
	if (val & OCW3_ESMM)
		c->special_mask = val & OCW3_SMM;
	if (val & OCW3_RR)
		c->read_isr = val & OCW3_RIS;
	c->poll = val & OCW3_P;
}

static void chip_write(struct mv_pic *pic, unsigned int n, unsigned int a0,
		       uint8_t val)
{
	struct mv_pic_chip *c = &pic->chip[n];

	if (!a0) {
		if (val & ICW1_BIT)
			chip_icw1(c, val);
		else if (val & OCW3_BIT)
			chip_ocw3(c, val);
		else
			chip_ocw2(c, val);
		return;
	}
	switch (c->init_state) {
	case 2:
		/* x86 mode: T7-T3 are the vector, the IR supplies 2:0. */
		c->vector_base = val & 0xf8;
		c->init_state = c->single ? (c->icw4_needed ? 4 : 0) : 3;
		break;
	case 3:
		/* Stored only: the PC wiring fixes the cascade on IR2. */
		c->icw3 = val;
		c->init_state = c->icw4_needed ? 4 : 0;
		break;
	case 4:
		/* uPM (8086 vs 8080), M/S and BUF do not matter here. */
		c->auto_eoi = val & ICW4_AEOI;
		c->sfnm = val & ICW4_SFNM;
		c->init_state = 0;
		break;
	default:	/* OCW1 */
		c->imr = val;
		return;
	}
	if (!c->init_state)
		c->initialized = true;
}

/*
 * Poll command: the read acts as an INTA (the request is acknowledged,
 * but nothing is injected: the guest polled instead of taking it) and
 * returns 0x80 | level, or 0 with no request. Since the model
 * acknowledges every deliverable request as it arrives, a poll only finds
 * one when injection was refused or the chip is the slave behind a masked
 * cascade: guests that rely on poll mode are not supported beyond that.
 */
static uint8_t chip_poll(struct mv_pic *pic, unsigned int n)
{
	struct mv_pic_chip *c = &pic->chip[n];
	int irq;

	c->poll = false;
	if (n == MASTER)
		cascade_update(pic);
	irq = chip_request(c, n == MASTER);
	if (irq < 0)
		return 0;
	chip_ack(c, (unsigned int)irq);
	return 0x80 | (uint8_t)irq;
}

static uint8_t chip_read(struct mv_pic *pic, unsigned int n, unsigned int a0)
{
	struct mv_pic_chip *c = &pic->chip[n];

	if (c->poll)
		return chip_poll(pic, n);
	if (a0)
		return c->imr;
	if (n == MASTER)
		cascade_update(pic);
	return c->read_isr ? c->isr : c->irr;
}

/* Byte accesses; a wider one is that many bytes at consecutive ports. */
static void pic_access(void *opaque, struct mv_vcpu_ctx *vcpu, uint64_t addr,
		       void *data, unsigned int len, bool is_write)
{
	struct mv_pic *pic = opaque;
	uint8_t *bytes = data;
	unsigned int i;

	(void)vcpu;
	for (i = 0; i < len; i++) {
		uint64_t port = addr + i;
		unsigned int n = (port & 0xf0) == MV_PIC_SLAVE_PORT;

		if (is_write)
			chip_write(pic, n, port & 1, bytes[i]);
		else
			bytes[i] = chip_read(pic, n, port & 1);
	}
	/* Any access may have unmasked, ended or acknowledged something. */
	pic_update(pic);
}

/*
 * ELCR: stored and read back so that firmware-style probing works, but
 * delivery stays edge-triggered for every line (no device here holds a
 * level-triggered line).
 */
static void elcr_access(void *opaque, struct mv_vcpu_ctx *vcpu,
			uint64_t addr, void *data, unsigned int len,
			bool is_write)
{
	struct mv_pic *pic = opaque;
	uint8_t *bytes = data;
	unsigned int i;

	(void)vcpu;
	for (i = 0; i < len; i++) {
		struct mv_pic_chip *c = &pic->chip[(addr + i) & 1];

		if (is_write)
			c->elcr = bytes[i] & c->elcr_mask;
		else
			bytes[i] = c->elcr;
	}
}

int mv_pic_init(struct mv_pic *pic, struct mv_bus *bus,
		mv_irq_inject_fn *inject, void *arg)
{
	int ret;

	memset(pic, 0, sizeof(*pic));
	pic->inject = inject;
	pic->inject_arg = arg;
	pic->chip[MASTER].imr = 0xff;
	pic->chip[SLAVE].imr = 0xff;
	pic->chip[MASTER].elcr_mask = ELCR_MASK_MASTER;
	pic->chip[SLAVE].elcr_mask = ELCR_MASK_SLAVE;

	ret = mv_bus_register(bus, MV_SPACE_PIO, MV_PIC_MASTER_PORT, 2,
			      pic_access, pic, "pic-master");
	if (!ret)
		ret = mv_bus_register(bus, MV_SPACE_PIO, MV_PIC_SLAVE_PORT, 2,
				      pic_access, pic, "pic-slave");
	if (!ret)
		ret = mv_bus_register(bus, MV_SPACE_PIO, MV_PIC_ELCR_PORT, 2,
				      elcr_access, pic, "pic-elcr");
	return ret;
}

// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdint.h>

#include "test.h"
#include "devices/bus.h"
#include "devices/pic.h"

/* Records injected vectors; refuses with -EAGAIN while `full` is set. */
struct fake_cpu {
	unsigned int n;
	uint8_t vectors[64];
	bool full;
	unsigned int refused;
};

static int fake_inject(void *arg, unsigned int vector)
{
	struct fake_cpu *cpu = arg;

	if (cpu->full) {
		cpu->refused++;
		return -EAGAIN;
	}
	if (vector == 0x3d)	/* IRQ 13: a hard error, for the drop test */
		return -EIO;
	if (cpu->n < sizeof(cpu->vectors))
		cpu->vectors[cpu->n++] = (uint8_t)vector;
	return 0;
}

static uint8_t inb(struct mv_bus *bus, uint16_t port)
{
	uint8_t v = 0;

	mv_bus_access(bus, MV_SPACE_PIO, NULL, port, &v, 1, false);
	return v;
}

static void outb(struct mv_bus *bus, uint16_t port, uint8_t v)
{
	mv_bus_access(bus, MV_SPACE_PIO, NULL, port, &v, 1, true);
}

/* Device side: the bus lock is held around line changes, as required. */
static void pulse(struct mv_bus *bus, struct mv_pic *pic, unsigned int irq)
{
	struct mv_irq_line line = mv_pic_irq_line(pic, irq);

	pthread_mutex_lock(&bus->lock);
	mv_irq_line_pulse(&line);
	pthread_mutex_unlock(&bus->lock);
}

static void set_line(struct mv_bus *bus, struct mv_pic *pic, unsigned int irq,
		     bool level)
{
	pthread_mutex_lock(&bus->lock);
	mv_pic_set_irq(pic, irq, level);
	pthread_mutex_unlock(&bus->lock);
}

/* arch/x86/kernel/i8259.c: probe_8259A() then init_8259A(0). */
static void linux_init(struct mv_bus *bus, uint8_t icw4)
{
	outb(bus, 0xa1, 0xff);
	outb(bus, 0x21, 0xfb);
	outb(bus, 0x21, 0xff);
	outb(bus, 0x20, 0x11);		/* ICW1: edge, cascade, ICW4 */
	outb(bus, 0x21, 0x30);		/* ICW2: vectors 0x30-0x37 */
	outb(bus, 0x21, 0x04);		/* ICW3: slave on IR2 */
	outb(bus, 0x21, icw4);		/* ICW4: 8086 mode (+AEOI) */
	outb(bus, 0xa0, 0x11);
	outb(bus, 0xa1, 0x38);		/* vectors 0x38-0x3f */
	outb(bus, 0xa1, 0x02);		/* slave ID 2 */
	outb(bus, 0xa1, 0x01);
	outb(bus, 0x21, 0xff);		/* restore the masks */
	outb(bus, 0xa1, 0xff);
}

static uint8_t read_isr(struct mv_bus *bus, uint16_t cmd)
{
	uint8_t v;

	outb(bus, cmd, 0x0b);
	v = inb(bus, cmd);
	outb(bus, cmd, 0x0a);
	return v;
}

TEST(pic_probe_reads_back_imr)
{
	struct fake_cpu cpu = { 0 };
	struct mv_pic pic, other;
	struct mv_bus bus;

	mv_bus_init(&bus, NULL);
	CHECK_EQ(mv_pic_init(&pic, &bus, fake_inject, &cpu), 0);
	CHECK_EQ(inb(&bus, 0x21), 0xff);	/* masked until programmed */
	outb(&bus, 0x21, 0xfb);
	CHECK_EQ(inb(&bus, 0x21), 0xfb);
	outb(&bus, 0x21, 0xff);
	CHECK_EQ(inb(&bus, 0x21), 0xff);
	outb(&bus, 0xa1, 0x5a);
	CHECK_EQ(inb(&bus, 0xa1), 0x5a);
	/* A second PIC on the same bus is refused. */
	CHECK(mv_pic_init(&other, &bus, fake_inject, &cpu) != 0);
	mv_bus_destroy(&bus);
}

TEST(pic_nothing_delivered_before_init)
{
	struct fake_cpu cpu = { 0 };
	struct mv_pic pic;
	struct mv_bus bus;

	mv_bus_init(&bus, NULL);
	CHECK_EQ(mv_pic_init(&pic, &bus, fake_inject, &cpu), 0);
	outb(&bus, 0x21, 0x00);
	pulse(&bus, &pic, 0);
	CHECK_EQ(cpu.n, 0);
	/* ICW1 clears IRR: the early edge is forgotten. */
	linux_init(&bus, 0x01);
	outb(&bus, 0x21, 0xfe);
	CHECK_EQ(cpu.n, 0);
	pulse(&bus, &pic, 0);
	CHECK_EQ(cpu.n, 1);
	mv_bus_destroy(&bus);
}

TEST(pic_linux_flow_irq0)
{
	struct fake_cpu cpu = { 0 };
	struct mv_pic pic;
	struct mv_bus bus;

	mv_bus_init(&bus, NULL);
	CHECK_EQ(mv_pic_init(&pic, &bus, fake_inject, &cpu), 0);
	linux_init(&bus, 0x01);
	outb(&bus, 0x21, 0xfa);		/* unmask IRQ0 and the cascade */

	pulse(&bus, &pic, 0);
	CHECK_EQ(cpu.n, 1);
	CHECK_EQ(cpu.vectors[0], 0x30);
	CHECK_EQ(read_isr(&bus, 0x20), 0x01);
	CHECK_EQ(inb(&bus, 0x20), 0x00);	/* IRR */

	/* A second edge before the EOI waits in IRR. */
	pulse(&bus, &pic, 0);
	CHECK_EQ(cpu.n, 1);
	CHECK_EQ(inb(&bus, 0x20), 0x01);
	outb(&bus, 0x20, 0x20);			/* non-specific EOI */
	CHECK_EQ(cpu.n, 2);
	CHECK_EQ(cpu.vectors[1], 0x30);
	CHECK_EQ(read_isr(&bus, 0x20), 0x01);
	CHECK_EQ(inb(&bus, 0x20), 0x00);

	/* Only one edge is remembered, however many arrive. */
	pulse(&bus, &pic, 0);
	pulse(&bus, &pic, 0);
	pulse(&bus, &pic, 0);
	outb(&bus, 0x20, 0x60);			/* specific EOI, IR0 */
	CHECK_EQ(cpu.n, 3);
	outb(&bus, 0x20, 0x20);
	CHECK_EQ(cpu.n, 3);
	CHECK_EQ(read_isr(&bus, 0x20), 0x00);
	mv_bus_destroy(&bus);
}

TEST(pic_mask_holds_request)
{
	struct fake_cpu cpu = { 0 };
	struct mv_pic pic;
	struct mv_bus bus;

	mv_bus_init(&bus, NULL);
	CHECK_EQ(mv_pic_init(&pic, &bus, fake_inject, &cpu), 0);
	linux_init(&bus, 0x01);
	pulse(&bus, &pic, 1);
	pulse(&bus, &pic, 4);
	CHECK_EQ(cpu.n, 0);
	CHECK_EQ(inb(&bus, 0x20), 0x12);	/* IRR holds masked edges */
	outb(&bus, 0x21, 0xef);			/* unmask IRQ4 only */
	CHECK_EQ(cpu.n, 1);
	CHECK_EQ(cpu.vectors[0], 0x34);
	outb(&bus, 0x21, 0xed);			/* IRQ1: higher, nests */
	CHECK_EQ(cpu.n, 2);
	CHECK_EQ(cpu.vectors[1], 0x31);
	CHECK_EQ(read_isr(&bus, 0x20), 0x12);
	/* Linux masks while handling: the mask does not end service. */
	outb(&bus, 0x21, 0xff);
	outb(&bus, 0x20, 0x20);			/* ends IRQ1 (highest) */
	CHECK_EQ(read_isr(&bus, 0x20), 0x10);
	outb(&bus, 0x20, 0x20);
	CHECK_EQ(read_isr(&bus, 0x20), 0x00);
	CHECK_EQ(cpu.n, 2);
	mv_bus_destroy(&bus);
}

TEST(pic_priority_blocks_lower)
{
	struct fake_cpu cpu = { 0 };
	struct mv_pic pic;
	struct mv_bus bus;

	mv_bus_init(&bus, NULL);
	CHECK_EQ(mv_pic_init(&pic, &bus, fake_inject, &cpu), 0);
	linux_init(&bus, 0x01);
	outb(&bus, 0x21, 0x00);
	pulse(&bus, &pic, 3);
	CHECK_EQ(cpu.n, 1);
	pulse(&bus, &pic, 5);			/* lower: waits */
	pulse(&bus, &pic, 3);			/* equal: waits */
	CHECK_EQ(cpu.n, 1);
	pulse(&bus, &pic, 0);			/* higher: nests */
	CHECK_EQ(cpu.n, 2);
	CHECK_EQ(cpu.vectors[1], 0x30);
	outb(&bus, 0x20, 0x20);			/* ends IRQ0 */
	CHECK_EQ(cpu.n, 2);
	outb(&bus, 0x20, 0x20);			/* ends IRQ3: IRQ3 again */
	CHECK_EQ(cpu.n, 3);
	CHECK_EQ(cpu.vectors[2], 0x33);
	outb(&bus, 0x20, 0x20);			/* then IRQ5 */
	CHECK_EQ(cpu.n, 4);
	CHECK_EQ(cpu.vectors[3], 0x35);
	mv_bus_destroy(&bus);
}

TEST(pic_slave_needs_both_eois)
{
	struct fake_cpu cpu = { 0 };
	struct mv_pic pic;
	struct mv_bus bus;

	mv_bus_init(&bus, NULL);
	CHECK_EQ(mv_pic_init(&pic, &bus, fake_inject, &cpu), 0);
	linux_init(&bus, 0x01);
	outb(&bus, 0x21, 0xfb);			/* cascade unmasked */
	outb(&bus, 0xa1, 0xaf);			/* IRQ12 and IRQ14 */

	pulse(&bus, &pic, 12);
	CHECK_EQ(cpu.n, 1);
	CHECK_EQ(cpu.vectors[0], 0x3c);
	CHECK_EQ(read_isr(&bus, 0x20), 0x04);
	CHECK_EQ(read_isr(&bus, 0xa0), 0x10);

	pulse(&bus, &pic, 12);
	pulse(&bus, &pic, 14);
	CHECK_EQ(cpu.n, 1);
	CHECK_EQ(inb(&bus, 0xa0), 0x50);
	/* Linux: specific EOI to the slave, then to the master's IR2. */
	outb(&bus, 0xa0, 0x64);
	CHECK_EQ(cpu.n, 1);			/* the master still blocks */
	outb(&bus, 0x20, 0x62);
	CHECK_EQ(cpu.n, 2);
	CHECK_EQ(cpu.vectors[1], 0x3c);

	/* Non-specific EOIs, master first: IRQ14 once both are done. */
	outb(&bus, 0x20, 0x20);
	CHECK_EQ(cpu.n, 2);
	outb(&bus, 0xa0, 0x20);
	CHECK_EQ(cpu.n, 3);
	CHECK_EQ(cpu.vectors[2], 0x3e);
	outb(&bus, 0xa0, 0x20);
	outb(&bus, 0x20, 0x20);
	CHECK_EQ(read_isr(&bus, 0x20), 0);
	CHECK_EQ(read_isr(&bus, 0xa0), 0);

	/* A masked cascade holds every slave line. */
	outb(&bus, 0x21, 0xff);
	pulse(&bus, &pic, 14);
	CHECK_EQ(cpu.n, 3);
	outb(&bus, 0x21, 0xfb);
	CHECK_EQ(cpu.n, 4);
	CHECK_EQ(cpu.vectors[3], 0x3e);
	mv_bus_destroy(&bus);
}

TEST(pic_edges_not_levels)
{
	struct fake_cpu cpu = { 0 };
	struct mv_pic pic;
	struct mv_bus bus;

	mv_bus_init(&bus, NULL);
	CHECK_EQ(mv_pic_init(&pic, &bus, fake_inject, &cpu), 0);
	linux_init(&bus, 0x01);
	outb(&bus, 0x21, 0x00);
	set_line(&bus, &pic, 1, true);
	CHECK_EQ(cpu.n, 1);
	outb(&bus, 0x20, 0x20);
	set_line(&bus, &pic, 1, true);		/* still high: no edge */
	CHECK_EQ(cpu.n, 1);
	set_line(&bus, &pic, 1, false);
	set_line(&bus, &pic, 1, true);
	CHECK_EQ(cpu.n, 2);
	/* IRQ 2 is the cascade, IRQ 16 does not exist: both ignored. */
	set_line(&bus, &pic, 2, true);
	set_line(&bus, &pic, 16, true);
	CHECK_EQ(cpu.n, 2);
	mv_bus_destroy(&bus);
}

TEST(pic_retries_full_queue)
{
	struct fake_cpu cpu = { 0 };
	struct mv_pic pic;
	struct mv_bus bus;

	mv_bus_init(&bus, NULL);
	CHECK_EQ(mv_pic_init(&pic, &bus, fake_inject, &cpu), 0);
	linux_init(&bus, 0x01);
	outb(&bus, 0x21, 0xfa);
	cpu.full = true;
	pulse(&bus, &pic, 0);
	CHECK(cpu.refused >= 1);
	CHECK(pic.retry);
	CHECK_EQ(read_isr(&bus, 0x20), 0);	/* not acknowledged */
	CHECK_EQ(inb(&bus, 0x20), 0x01);
	cpu.full = false;
	pthread_mutex_lock(&bus.lock);
	mv_pic_kick(&pic);
	pthread_mutex_unlock(&bus.lock);
	CHECK_EQ(cpu.n, 1);
	CHECK_EQ(cpu.vectors[0], 0x30);
	CHECK(!pic.retry);

	/* Any register access retries too. */
	outb(&bus, 0x20, 0x20);
	cpu.full = true;
	pulse(&bus, &pic, 0);
	cpu.full = false;
	CHECK_EQ(inb(&bus, 0x21), 0xfa);
	CHECK_EQ(cpu.n, 2);
	mv_bus_destroy(&bus);
}

TEST(pic_inject_error_drops_request)
{
	struct fake_cpu cpu = { 0 };
	struct mv_pic pic;
	struct mv_bus bus;

	mv_bus_init(&bus, NULL);
	CHECK_EQ(mv_pic_init(&pic, &bus, fake_inject, &cpu), 0);
	linux_init(&bus, 0x01);
	outb(&bus, 0x21, 0xfb);
	outb(&bus, 0xa1, 0x00);
	pulse(&bus, &pic, 13);			/* vector 0x3d fails */
	CHECK_EQ(pic.errors, 1);
	CHECK_EQ(read_isr(&bus, 0x20), 0);
	CHECK_EQ(read_isr(&bus, 0xa0), 0);
	pulse(&bus, &pic, 9);
	CHECK_EQ(cpu.n, 1);
	CHECK_EQ(cpu.vectors[0], 0x39);
	mv_bus_destroy(&bus);
}

TEST(pic_auto_eoi)
{
	struct fake_cpu cpu = { 0 };
	struct mv_pic pic;
	struct mv_bus bus;

	mv_bus_init(&bus, NULL);
	CHECK_EQ(mv_pic_init(&pic, &bus, fake_inject, &cpu), 0);
	linux_init(&bus, 0x03);			/* ICW4: 8086, AEOI */
	outb(&bus, 0x21, 0xfa);
	pulse(&bus, &pic, 0);
	pulse(&bus, &pic, 0);
	CHECK_EQ(cpu.n, 2);
	CHECK_EQ(read_isr(&bus, 0x20), 0);
	mv_bus_destroy(&bus);
}

TEST(pic_rotation_and_special_mask)
{
	struct fake_cpu cpu = { 0 };
	struct mv_pic pic;
	struct mv_bus bus;

	mv_bus_init(&bus, NULL);
	CHECK_EQ(mv_pic_init(&pic, &bus, fake_inject, &cpu), 0);
	linux_init(&bus, 0x01);
	outb(&bus, 0x21, 0x00);

	/* Set priority: IR4 lowest, so IR5 is now the highest. */
	outb(&bus, 0x20, 0xc4);
	cpu.full = true;
	pulse(&bus, &pic, 0);
	pulse(&bus, &pic, 6);
	cpu.full = false;
	pthread_mutex_lock(&bus.lock);
	mv_pic_kick(&pic);
	pthread_mutex_unlock(&bus.lock);
	CHECK_EQ(cpu.n, 1);
	CHECK_EQ(cpu.vectors[0], 0x36);
	/* Rotate on non-specific EOI: IR6 becomes lowest, IR0 follows. */
	outb(&bus, 0x20, 0xa0);
	CHECK_EQ(cpu.n, 2);
	CHECK_EQ(cpu.vectors[1], 0x30);
	outb(&bus, 0x20, 0x20);
	CHECK_EQ(read_isr(&bus, 0x20), 0);

	/* Special mask mode: a masked in-service level blocks nothing. */
	outb(&bus, 0x20, 0xc7);			/* back to IR0 highest */
	pulse(&bus, &pic, 1);
	CHECK_EQ(cpu.n, 3);
	pulse(&bus, &pic, 3);
	CHECK_EQ(cpu.n, 3);
	outb(&bus, 0x20, 0x68);			/* SMM on */
	outb(&bus, 0x21, 0x02);			/* mask the in-service IR1 */
	CHECK_EQ(cpu.n, 4);
	CHECK_EQ(cpu.vectors[3], 0x33);
	outb(&bus, 0x20, 0x48);			/* SMM off */
	outb(&bus, 0x20, 0x63);
	outb(&bus, 0x20, 0x61);
	CHECK_EQ(read_isr(&bus, 0x20), 0);
	mv_bus_destroy(&bus);
}

TEST(pic_poll_command)
{
	struct fake_cpu cpu = { 0 };
	struct mv_pic pic;
	struct mv_bus bus;

	mv_bus_init(&bus, NULL);
	CHECK_EQ(mv_pic_init(&pic, &bus, fake_inject, &cpu), 0);
	linux_init(&bus, 0x01);
	outb(&bus, 0x21, 0x00);
	cpu.full = true;
	pulse(&bus, &pic, 5);
	outb(&bus, 0x20, 0x0c);			/* OCW3: poll */
	CHECK_EQ(inb(&bus, 0x20), 0x85);
	CHECK_EQ(read_isr(&bus, 0x20), 0x20);	/* the poll acknowledged */
	outb(&bus, 0x20, 0x0c);
	CHECK_EQ(inb(&bus, 0x20), 0x00);	/* nothing pending */
	cpu.full = false;
	outb(&bus, 0x20, 0x20);
	CHECK_EQ(cpu.n, 0);
	mv_bus_destroy(&bus);
}

TEST(pic_elcr_and_icw1_reset)
{
	struct fake_cpu cpu = { 0 };
	struct mv_pic pic;
	struct mv_bus bus;
	uint16_t w = 0;

	mv_bus_init(&bus, NULL);
	CHECK_EQ(mv_pic_init(&pic, &bus, fake_inject, &cpu), 0);
	outb(&bus, 0x4d0, 0xff);
	outb(&bus, 0x4d1, 0xff);
	CHECK_EQ(inb(&bus, 0x4d0), 0xf8);
	CHECK_EQ(inb(&bus, 0x4d1), 0xde);
	mv_bus_access(&bus, MV_SPACE_PIO, NULL, 0x4d0, &w, 2, false);
	CHECK_EQ(w, 0xdef8);

	linux_init(&bus, 0x01);
	outb(&bus, 0x21, 0x00);
	set_line(&bus, &pic, 1, true);
	CHECK_EQ(cpu.n, 1);
	/* ICW1 clears ISR and IMR; a line held high needs a new edge. */
	outb(&bus, 0x20, 0x11);
	CHECK_EQ(read_isr(&bus, 0x20), 0);
	outb(&bus, 0x21, 0x50);
	outb(&bus, 0x21, 0x04);
	outb(&bus, 0x21, 0x01);
	CHECK_EQ(inb(&bus, 0x21), 0x00);
	CHECK_EQ(cpu.n, 1);
	set_line(&bus, &pic, 1, false);
	set_line(&bus, &pic, 1, true);
	CHECK_EQ(cpu.n, 2);
	CHECK_EQ(cpu.vectors[1], 0x51);
	mv_bus_destroy(&bus);
}

// SPDX-License-Identifier: GPL-2.0
#include <stdint.h>

#include "test.h"
#include "vcpu_ctx.h"
#include "devices/bus.h"
#include "devices/i8042.h"

struct resets {
	unsigned int n;
	struct mv_vcpu_ctx *vcpu;
};

static void on_reset(void *arg, struct mv_vcpu_ctx *vcpu)
{
	struct resets *r = arg;

	r->n++;
	r->vcpu = vcpu;
}

static uint8_t in8(struct mv_bus *bus, uint16_t port)
{
	uint8_t v = 0;

	mv_bus_access(bus, MV_SPACE_PIO, NULL, port, &v, 1, false);
	return v;
}

static void out8(struct mv_bus *bus, struct mv_vcpu_ctx *vcpu, uint16_t port,
		 uint8_t v)
{
	mv_bus_access(bus, MV_SPACE_PIO, vcpu, port, &v, 1, true);
}

static uint8_t status(struct mv_bus *bus)
{
	return in8(bus, MV_I8042_CMD_PORT);
}

/* A controller command with one reply, as Linux's i8042_command() does. */
static int command_reply(struct mv_bus *bus, uint8_t cmd)
{
	out8(bus, NULL, MV_I8042_CMD_PORT, cmd);
	if (!(status(bus) & MV_I8042_STR_OBF))
		return -1;
	return in8(bus, MV_I8042_DATA_PORT);
}

TEST(i8042_linux_probe_sequence)
{
	struct resets r = { 0 };
	struct mv_i8042 kbd;
	struct mv_bus bus;
	uint8_t st;

	mv_bus_init(&bus, NULL);
	CHECK_EQ(mv_i8042_init(&kbd, &bus, on_reset, &r), 0);
	st = status(&bus);
	CHECK_EQ(st & (MV_I8042_STR_OBF | MV_I8042_STR_IBF), 0);
	CHECK(st & MV_I8042_STR_SYS);
	CHECK(st & MV_I8042_STR_KEYLOCK);
	CHECK_EQ(command_reply(&bus, 0xaa), 0x55);
	CHECK_EQ(status(&bus) & MV_I8042_STR_OBF, 0);
	CHECK(status(&bus) & MV_I8042_STR_CMD);
	CHECK_EQ(command_reply(&bus, 0xab), 0x00);

	/* Command byte round trip. */
	CHECK_EQ(command_reply(&bus, 0x20), MV_I8042_CTR_DEFAULT);
	out8(&bus, NULL, MV_I8042_CMD_PORT, 0x60);
	out8(&bus, NULL, MV_I8042_DATA_PORT, 0x74);
	CHECK_EQ(status(&bus) & MV_I8042_STR_CMD, 0);
	CHECK_EQ(command_reply(&bus, 0x20), 0x74);
	out8(&bus, NULL, MV_I8042_CMD_PORT, 0xae);
	out8(&bus, NULL, MV_I8042_CMD_PORT, 0xa8);
	CHECK_EQ(command_reply(&bus, 0x20), 0x44);
	out8(&bus, NULL, MV_I8042_CMD_PORT, 0xad);
	out8(&bus, NULL, MV_I8042_CMD_PORT, 0xa7);
	CHECK_EQ(command_reply(&bus, 0x20), 0x74);

	/* No aux port: the loopback fails, the interface test says so. */
	out8(&bus, NULL, MV_I8042_CMD_PORT, 0xd3);
	out8(&bus, NULL, MV_I8042_DATA_PORT, 0x5a);
	CHECK(status(&bus) & MV_I8042_STR_OBF);
	CHECK(in8(&bus, MV_I8042_DATA_PORT) != 0x5a);
	CHECK_EQ(command_reply(&bus, 0xa9), MV_I8042_AUX_TEST_NONE);

	/* No keyboard line: keyboard bytes get no answer. */
	out8(&bus, NULL, MV_I8042_DATA_PORT, 0xf2);
	CHECK_EQ(status(&bus) & MV_I8042_STR_OBF, 0);
	CHECK_EQ(r.n, 0);
	mv_bus_destroy(&bus);
}

struct fake_pic {
	bool level;
	unsigned int rises;
};

static void fake_set(void *chip, unsigned int irq, bool level)
{
	struct fake_pic *pic = chip;

	(void)irq;
	if (level && !pic->level)
		pic->rises++;
	pic->level = level;
}

TEST(i8042_keyboard_answers_with_irq)
{
	struct fake_pic pic = { 0 };
	struct mv_irq_line line = { fake_set, &pic, MV_I8042_KBD_IRQ };
	struct mv_i8042 kbd;
	struct mv_bus bus;

	mv_bus_init(&bus, NULL);
	CHECK_EQ(mv_i8042_init(&kbd, &bus, NULL, NULL), 0);
	mv_i8042_set_kbd_irq(&kbd, line);
	/* Controller replies do not interrupt. */
	CHECK_EQ(command_reply(&bus, 0x20), MV_I8042_CTR_DEFAULT);
	CHECK_EQ(pic.rises, 0);

	/* Identify: ACK, 0xab, 0x41 (translated), one edge per byte. */
	out8(&bus, NULL, MV_I8042_DATA_PORT, 0xf2);
	CHECK(pic.level);
	CHECK_EQ(in8(&bus, MV_I8042_DATA_PORT), 0xfa);
	CHECK_EQ(in8(&bus, MV_I8042_DATA_PORT), 0xab);
	CHECK_EQ(in8(&bus, MV_I8042_DATA_PORT), 0x41);
	CHECK(!pic.level);
	CHECK_EQ(pic.rises, 3);
	CHECK_EQ(status(&bus) & MV_I8042_STR_OBF, 0);

	/* A command with a parameter: two ACKs. */
	out8(&bus, NULL, MV_I8042_DATA_PORT, 0xed);
	out8(&bus, NULL, MV_I8042_DATA_PORT, 0x00);
	CHECK_EQ(in8(&bus, MV_I8042_DATA_PORT), 0xfa);
	CHECK_EQ(in8(&bus, MV_I8042_DATA_PORT), 0xfa);
	CHECK_EQ(status(&bus) & MV_I8042_STR_OBF, 0);

	/* Reset: ACK and BAT passed; untranslated identify: 0xab 0x83. */
	out8(&bus, NULL, MV_I8042_CMD_PORT, 0x60);
	out8(&bus, NULL, MV_I8042_DATA_PORT, 0x01);
	out8(&bus, NULL, MV_I8042_DATA_PORT, 0xff);
	CHECK_EQ(in8(&bus, MV_I8042_DATA_PORT), 0xfa);
	CHECK_EQ(in8(&bus, MV_I8042_DATA_PORT), 0xaa);
	out8(&bus, NULL, MV_I8042_DATA_PORT, 0xf2);
	CHECK_EQ(in8(&bus, MV_I8042_DATA_PORT), 0xfa);
	CHECK_EQ(in8(&bus, MV_I8042_DATA_PORT), 0xab);
	CHECK_EQ(in8(&bus, MV_I8042_DATA_PORT), 0x83);

	/* Keyboard interrupt disabled in the command byte: no line. */
	out8(&bus, NULL, MV_I8042_CMD_PORT, 0x60);
	out8(&bus, NULL, MV_I8042_DATA_PORT, 0x00);
	out8(&bus, NULL, MV_I8042_DATA_PORT, 0xee);
	CHECK(!pic.level);
	CHECK_EQ(in8(&bus, MV_I8042_DATA_PORT), 0xee);
	/* An empty buffer reads the last byte again. */
	CHECK_EQ(in8(&bus, MV_I8042_DATA_PORT), 0xee);
	mv_bus_destroy(&bus);
}

TEST(i8042_reset_via_pulse_and_output_port)
{
	struct resets r = { 0 };
	struct mv_vcpu_ctx vcpu;
	struct mv_i8042 kbd;
	struct mv_bus bus;

	mv_vcpu_ctx_init(&vcpu, 0, NULL, 0);
	mv_bus_init(&bus, NULL);
	CHECK_EQ(mv_i8042_init(&kbd, &bus, on_reset, &r), 0);
	/* 0xff pulses nothing, 0xfd pulses line 1 only. */
	out8(&bus, &vcpu, MV_I8042_CMD_PORT, 0xff);
	out8(&bus, &vcpu, MV_I8042_CMD_PORT, 0xfd);
	CHECK_EQ(r.n, 0);
	/* Linux's reboot: outb(0xfe, 0x64). */
	out8(&bus, &vcpu, MV_I8042_CMD_PORT, 0xfe);
	CHECK_EQ(r.n, 1);
	CHECK(r.vcpu == &vcpu);
	out8(&bus, &vcpu, MV_I8042_CMD_PORT, 0xf0);
	CHECK_EQ(r.n, 2);

	/* Output port: A20 alone keeps running, bit 0 clear resets. */
	CHECK_EQ(command_reply(&bus, 0xd0), MV_I8042_OUT_DEFAULT);
	out8(&bus, &vcpu, MV_I8042_CMD_PORT, 0xd1);
	out8(&bus, &vcpu, MV_I8042_DATA_PORT, 0x03);
	CHECK_EQ(r.n, 2);
	out8(&bus, &vcpu, MV_I8042_CMD_PORT, 0xd1);
	out8(&bus, &vcpu, MV_I8042_DATA_PORT, 0x02);
	CHECK_EQ(r.n, 3);
	CHECK_EQ(command_reply(&bus, 0xd0), 0x02);
	mv_bus_destroy(&bus);
}

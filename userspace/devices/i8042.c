// SPDX-License-Identifier: GPL-2.0
#include <string.h>

#include "i8042.h"

/* Keyboard commands and answers (IBM PS/2 keyboard). */
#define KBD_ACK		0xfa
#define KBD_BAT_OK	0xaa
#define KBD_ECHO	0xee
#define KBD_CMD_SETLEDS	0xed
#define KBD_CMD_SCANSET	0xf0
#define KBD_CMD_GETID	0xf2
#define KBD_CMD_SETREP	0xf3
#define KBD_CMD_RESET	0xff

static void update_irq(struct mv_i8042 *kbd)
{
	bool level = kbd->ob_count && kbd->ob[kbd->ob_head].from_kbd &&
		     (kbd->ctr & MV_I8042_CTR_KBDINT);

	if (level == kbd->irq_level)
		return;
	kbd->irq_level = level;
	mv_irq_line_set(&kbd->kbd_irq, level);
}

/* Queues a byte for 0x60; a full queue drops it (a guest not reading). */
static void ob_push(struct mv_i8042 *kbd, uint8_t byte, bool from_kbd,
		    bool timeout)
{
	unsigned int slot;

	if (kbd->ob_count == MV_I8042_QUEUE)
		return;
	slot = (kbd->ob_head + kbd->ob_count++) % MV_I8042_QUEUE;
	kbd->ob[slot].byte = byte;
	kbd->ob[slot].from_kbd = from_kbd;
	kbd->ob[slot].timeout = timeout;
	update_irq(kbd);
}

static uint8_t ob_pop(struct mv_i8042 *kbd)
{
	if (kbd->ob_count) {
		kbd->last_read = kbd->ob[kbd->ob_head].byte;
		kbd->ob_head = (kbd->ob_head + 1) % MV_I8042_QUEUE;
		kbd->ob_count--;
		/*
		 * The 8042 holds one byte: reading it drops OBF and the line,
		 * and the next byte from the keyboard raises them again, a
		 * fresh edge for the 8259.
		 */
		if (kbd->irq_level) {
			kbd->irq_level = false;
			mv_irq_line_set(&kbd->kbd_irq, false);
		}
		update_irq(kbd);
	}
	return kbd->last_read;
}

static void reply(struct mv_i8042 *kbd, uint8_t byte)
{
	ob_push(kbd, byte, false, false);
}

static void kbd_reply(struct mv_i8042 *kbd, uint8_t byte)
{
	ob_push(kbd, byte, true, false);
}

static void reset_cpu(struct mv_i8042 *kbd, struct mv_vcpu_ctx *vcpu)
{
	if (kbd->on_reset)
		kbd->on_reset(kbd->reset_arg, vcpu);
}

/* A byte for the keyless keyboard; see i8042.h. */
static void kbd_write(struct mv_i8042 *kbd, uint8_t val)
{
	if (!kbd->kbd_irq.set)
		return;		/* no keyboard */
	if (kbd->kbd_cmd) {
		uint8_t cmd = kbd->kbd_cmd;

		kbd->kbd_cmd = 0;
		kbd_reply(kbd, KBD_ACK);
		/* 0xf0 0x00 asks for the current scan code set: 2. */
		if (cmd == KBD_CMD_SCANSET && val == 0)
			kbd_reply(kbd, kbd->ctr & MV_I8042_CTR_XLATE ?
				  0x41 : 0x02);
		return;
	}
	switch (val) {
	case KBD_CMD_RESET:
		kbd_reply(kbd, KBD_ACK);
		kbd_reply(kbd, KBD_BAT_OK);
		break;
	case KBD_CMD_GETID:
		/* MF2 keyboard: 0xab 0x83, seen as 0xab 0x41 translated. */
		kbd_reply(kbd, KBD_ACK);
		kbd_reply(kbd, 0xab);
		kbd_reply(kbd, kbd->ctr & MV_I8042_CTR_XLATE ? 0x41 : 0x83);
		break;
	case KBD_ECHO:
		kbd_reply(kbd, KBD_ECHO);
		break;
	case KBD_CMD_SETLEDS:
	case KBD_CMD_SCANSET:
	case KBD_CMD_SETREP:
		kbd->kbd_cmd = val;
		kbd_reply(kbd, KBD_ACK);
		break;
	default:
		kbd_reply(kbd, KBD_ACK);
		break;
	}
}

/* The data byte of a two-byte controller command. */
static void command_data(struct mv_i8042 *kbd, struct mv_vcpu_ctx *vcpu,
			 uint8_t cmd, uint8_t val)
{
	switch (cmd) {
	case 0x60:
		kbd->ctr = val;
		update_irq(kbd);
		break;
	case 0xd1:
		kbd->outport = val;
		if (!(val & MV_I8042_OUT_RESET))
			reset_cpu(kbd, vcpu);
		break;
	case 0xd2:
		kbd_reply(kbd, val);
		break;
	case 0xd3:
		reply(kbd, 0xfe);	/* no aux port: no loopback */
		break;
	case 0xd4:
		ob_push(kbd, 0xfe, false, true);	/* no aux device */
		break;
	}
}

static void command(struct mv_i8042 *kbd, struct mv_vcpu_ctx *vcpu,
		    uint8_t cmd)
{
	/* Pulse output lines: bits 3:0 low select the lines, bit 0 reset. */
	if (cmd >= 0xf0) {
		if (!(cmd & 0x01))
			reset_cpu(kbd, vcpu);
		return;
	}
	switch (cmd) {
	case 0x20:
		reply(kbd, kbd->ctr);
		break;
	case 0x60:
	case 0xd1:
	case 0xd2:
	case 0xd3:
	case 0xd4:
		kbd->pending_cmd = cmd;
		break;
	case 0xa7:
		kbd->ctr |= MV_I8042_CTR_AUXDIS;
		break;
	case 0xa8:
		kbd->ctr &= ~MV_I8042_CTR_AUXDIS;
		break;
	case 0xa9:
		reply(kbd, MV_I8042_AUX_TEST_NONE);
		break;
	case 0xaa:
		reply(kbd, 0x55);
		break;
	case 0xab:
		reply(kbd, 0x00);
		break;
	case 0xad:
		kbd->ctr |= MV_I8042_CTR_KBDDIS;
		break;
	case 0xae:
		kbd->ctr &= ~MV_I8042_CTR_KBDDIS;
		break;
	case 0xd0:
		reply(kbd, kbd->outport);
		break;
	default:
		break;
	}
}

static uint8_t read_status(const struct mv_i8042 *kbd)
{
	uint8_t val = MV_I8042_STR_KEYLOCK;

	if (kbd->ctr & MV_I8042_CTR_SYS)
		val |= MV_I8042_STR_SYS;
	if (kbd->last_was_cmd)
		val |= MV_I8042_STR_CMD;
	if (kbd->ob_count) {
		val |= MV_I8042_STR_OBF;
		if (kbd->ob[kbd->ob_head].timeout)
			val |= MV_I8042_STR_TIMEOUT;
	}
	return val;
}

/*
 * Both ports are byte ports (each registered alone, so the bus only hands
 * us accesses of one byte).
 */
static void i8042_access(void *opaque, struct mv_vcpu_ctx *vcpu,
			 uint64_t addr, void *data, unsigned int len,
			 bool is_write)
{
	struct mv_i8042 *kbd = opaque;
	uint8_t val;

	if (!is_write) {
		memset(data, 0xff, len);	/* defensive: len is 1 */
		*(uint8_t *)data = addr == MV_I8042_CMD_PORT ?
				   read_status(kbd) : ob_pop(kbd);
		return;
	}
	val = *(const uint8_t *)data;
	if (addr == MV_I8042_CMD_PORT) {
		kbd->last_was_cmd = true;
		/* A new command abandons one still waiting for its data. */
		kbd->pending_cmd = 0;
		command(kbd, vcpu, val);
		return;
	}
	kbd->last_was_cmd = false;
	if (kbd->pending_cmd) {
		uint8_t cmd = kbd->pending_cmd;

		kbd->pending_cmd = 0;
		command_data(kbd, vcpu, cmd, val);
		return;
	}
	kbd_write(kbd, val);
}

int mv_i8042_init(struct mv_i8042 *kbd, struct mv_bus *bus,
		  mv_i8042_reset_fn *on_reset, void *arg)
{
	int ret;

	memset(kbd, 0, sizeof(*kbd));
	kbd->ctr = MV_I8042_CTR_DEFAULT;
	kbd->outport = MV_I8042_OUT_DEFAULT;
	kbd->on_reset = on_reset;
	kbd->reset_arg = arg;
	ret = mv_bus_register(bus, MV_SPACE_PIO, MV_I8042_DATA_PORT, 1,
			      i8042_access, kbd, "i8042-data");
	if (ret)
		return ret;
	return mv_bus_register(bus, MV_SPACE_PIO, MV_I8042_CMD_PORT, 1,
			       i8042_access, kbd, "i8042-cmd");
}

void mv_i8042_set_kbd_irq(struct mv_i8042 *kbd, struct mv_irq_line irq)
{
	kbd->kbd_irq = irq;
	kbd->irq_level = false;
}

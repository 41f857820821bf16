/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The 8042 keyboard controller at ports 0x60 (data) and 0x64 (status /
 * command), enough for Linux's i8042 driver to probe it quickly and for
 * the guest's reboot (a pulse of the CPU reset line: command 0xfe, which
 * Linux's reboot path writes, or 0xd1 with output-port bit 0 clear) to
 * end the VM through a callback.
 *
 * Status (0x64 read): OBF when a byte waits at 0x60; IBF never (the
 * controller consumes writes at once); SYS from the command byte (set, as
 * after POST); CMD/DATA (last write was to 0x64); keylock bit set (not
 * inhibited, so Linux does not warn "Keylock active").
 *
 * Controller commands: 0x20 read / 0x60 write the command byte (default
 * 0x65: translation on, aux disabled, system flag, keyboard interrupt
 * on), 0xaa self test (0x55), 0xab keyboard interface test (0x00),
 * 0xad/0xae keyboard disable/enable, 0xa7/0xa8 aux disable/enable (the
 * command byte bit only), 0xd0/0xd1 read/write the output port, 0xd2 write
 * the keyboard output buffer, 0xf0-0xff pulse output lines (bit 0 clear:
 * reset). Others are ignored.
 *
 * There is no aux (mouse) port. 0xd3 (write aux output buffer, Linux's
 * loopback probe) answers 0xfe instead of echoing, and 0xa9 (aux interface
 * test) answers 0x02 ("clock line stuck high": nothing connected), so
 * Linux drops the aux port at once instead of spending 250 ms on its IRQ
 * 12 delivery test. 0xd4 (write to the aux device) answers 0xfe with the
 * timeout status bit.
 *
 * Keyboard: bytes written to 0x60 outside a controller command go to the
 * keyboard. With a keyboard IRQ line connected (mv_i8042_set_kbd_irq()),
 * a keyboard without keys answers them: 0xfa (ACK) to every command and
 * parameter, 0xff reset: 0xfa 0xaa, 0xf2 identify: 0xfa 0xab 0x83 (0x41
 * when translating), 0xee echo: 0xee; Linux's atkbd then finds an AT
 * keyboard that never sends a key. The line is driven high while a
 * keyboard byte waits and the command byte enables the keyboard
 * interrupt. With no line connected the keyboard is absent and its bytes
 * are dropped without an answer: an answer nobody reads would stay in the
 * output buffer and be taken by Linux as the reply to its next polled
 * controller command; atkbd then gives up after its own timeouts, in its
 * background probe.
 */
#ifndef MV_I8042_H
#define MV_I8042_H

#include <stdbool.h>
#include <stdint.h>

#include "bus.h"
#include "irq_line.h"

struct mv_vcpu_ctx;

#define MV_I8042_DATA_PORT	0x60
#define MV_I8042_CMD_PORT	0x64
#define MV_I8042_KBD_IRQ	1
#define MV_I8042_QUEUE		8

/* Status register (0x64 read). */
#define MV_I8042_STR_OBF	0x01
#define MV_I8042_STR_IBF	0x02
#define MV_I8042_STR_SYS	0x04
#define MV_I8042_STR_CMD	0x08
#define MV_I8042_STR_KEYLOCK	0x10	/* 1: not inhibited */
#define MV_I8042_STR_AUXDATA	0x20
#define MV_I8042_STR_TIMEOUT	0x40

/* Controller command byte. */
#define MV_I8042_CTR_KBDINT	0x01
#define MV_I8042_CTR_AUXINT	0x02
#define MV_I8042_CTR_SYS	0x04
#define MV_I8042_CTR_KBDDIS	0x10
#define MV_I8042_CTR_AUXDIS	0x20
#define MV_I8042_CTR_XLATE	0x40
#define MV_I8042_CTR_DEFAULT	0x65

/* Output port. */
#define MV_I8042_OUT_RESET	0x01	/* 0: CPU reset asserted */
#define MV_I8042_OUT_A20	0x02
#define MV_I8042_OUT_DEFAULT	0x03

#define MV_I8042_AUX_TEST_NONE	0x02	/* 0xa9 answer: no aux device */

/* The guest pulsed the CPU reset line (called from the vCPU's thread). */
typedef void mv_i8042_reset_fn(void *arg, struct mv_vcpu_ctx *vcpu);

struct mv_i8042 {
	uint8_t ctr;		/* controller command byte */
	uint8_t outport;
	bool last_was_cmd;	/* status bit 3 */
	uint8_t pending_cmd;	/* controller command awaiting its data byte */
	uint8_t kbd_cmd;	/* keyboard command awaiting its parameter */
	struct {
		uint8_t byte;
		bool from_kbd;	/* raises the keyboard interrupt */
		bool timeout;	/* status bit 6 while this byte waits */
	} ob[MV_I8042_QUEUE];
	unsigned int ob_head, ob_count;
	uint8_t last_read;	/* 0x60 reads this when nothing waits */

	struct mv_irq_line kbd_irq;
	bool irq_level;
	mv_i8042_reset_fn *on_reset;
	void *reset_arg;
};

/* Registers ports 0x60 and 0x64; 0 or the mv_bus_register error. */
__attribute__((warn_unused_result))
int mv_i8042_init(struct mv_i8042 *kbd, struct mv_bus *bus,
		  mv_i8042_reset_fn *on_reset, void *arg);

/* Connects the keyboard interrupt (IRQ 1) and with it the keyboard. */
void mv_i8042_set_kbd_irq(struct mv_i8042 *kbd, struct mv_irq_line irq);

#endif /* MV_I8042_H */

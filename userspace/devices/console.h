/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A minimal 8250-style UART at COM1 (ports 0x3f8..0x3ff), output only:
 * bytes written to THR go to a FILE (the tool's stdout), flushed on every
 * newline and by mv_console_flush(). LSR always reports the transmitter
 * empty, so guests that poll LSR before each byte work; no interrupts.
 */
#ifndef MV_CONSOLE_H
#define MV_CONSOLE_H

#include <stdint.h>
#include <stdio.h>

#include "bus.h"

#define MV_CONSOLE_BASE		0x3f8
#define MV_CONSOLE_PORTS	8

/* Register offsets from the base (the 8250/16550 map). */
#define MV_UART_THR	0	/* write, DLAB=0: transmit holding */
#define MV_UART_RBR	0	/* read,  DLAB=0: receive buffer */
#define MV_UART_DLL	0	/* DLAB=1: divisor latch low */
#define MV_UART_IER	1	/* DLAB=0: interrupt enable */
#define MV_UART_DLM	1	/* DLAB=1: divisor latch high */
#define MV_UART_IIR	2	/* read: interrupt identification */
#define MV_UART_FCR	2	/* write: FIFO control */
#define MV_UART_LCR	3	/* line control; bit 7 is DLAB */
#define MV_UART_MCR	4	/* modem control */
#define MV_UART_LSR	5	/* line status */
#define MV_UART_MSR	6	/* modem status */
#define MV_UART_SCR	7	/* scratch */

#define MV_UART_LCR_DLAB	0x80
#define MV_UART_LSR_THRE	0x20	/* transmit holding register empty */
#define MV_UART_LSR_TEMT	0x40	/* transmitter empty */
#define MV_UART_IIR_NO_INT	0x01

struct mv_console {
	FILE *out;
	uint16_t base;
	uint8_t ier, lcr, mcr, scr, dll, dlm;
};

/* Registers the console at MV_CONSOLE_BASE; 0 or the mv_bus_register error. */
__attribute__((warn_unused_result))
int mv_console_init(struct mv_console *con, struct mv_bus *bus, FILE *out);

/* Writes out what the guest printed since the last newline. */
void mv_console_flush(struct mv_console *con);

#endif /* MV_CONSOLE_H */

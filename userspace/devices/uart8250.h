/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A 16550A UART (the PC's COM ports), complete enough for Linux's 8250
 * driver to detect it as a 16550A and to run an interrupt-driven console
 * and tty on it.
 *
 * Output: every byte the guest writes to THR goes to a FILE at once (the
 * transmitter is infinitely fast, so LSR.THRE and LSR.TEMT are always set),
 * flushed at each newline, when the guest turns the THRE interrupt off (the
 * end of an interrupt-driven burst, e.g. a shell prompt) and by
 * mv_uart_flush(). Each complete output line (without its "\n" and a
 * trailing "\r") is also handed to an optional line tap.
 *
 * Input: an optional file descriptor (the tool's stdin) is read by a thread
 * of the device, which queues the bytes into the 16-byte receive FIFO and
 * waits, never drops, while the FIFO is full: a guest that reads slowly
 * only slows the input down. No overrun happens from the host side.
 *
 * Interrupts: one line (IRQ 4 for COM1), driven as a level that is high
 * while an enabled interrupt is pending and MCR.OUT2 is set (on a PC, OUT2
 * gates the UART's INTR pin onto the ISA bus; Linux sets it to use the
 * IRQ). Sources, highest priority first, as in the 16550A datasheet:
 * receiver line status (overrun, only in loopback), receive data available
 * or character timeout, THR empty, modem status.
 *
 * Approximations:
 *  - the divisor, word length, parity and stop bits are stored and read
 *    back but do not affect anything (no baud-rate pacing);
 *  - the character timeout interrupt (FIFO mode, fewer bytes than the
 *    trigger level) is reported at once instead of after 4 character times;
 *  - no parity/framing errors or breaks are ever received;
 *  - the modem inputs read CTS, DSR and DCD asserted and RI clear (a
 *    null-modem cable to a ready host); in loopback they follow MCR as the
 *    datasheet describes (Linux's probe checks this).
 *
 * Locking: as for every device, the state is protected by the bus's lock;
 * the reader thread takes it.
 */
#ifndef MV_UART8250_H
#define MV_UART8250_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "bus.h"
#include "irq_line.h"

#define MV_UART_COM1_BASE	0x3f8
#define MV_UART_COM1_IRQ	4
#define MV_UART8250_PORTS	8
#define MV_UART_FIFO_SIZE	16
#define MV_UART_LINE_MAX	512	/* longer lines reach the tap cut */

/* Register offsets from the base. */
#define MV_8250_RBR	0	/* read, DLAB=0: receive buffer */
#define MV_8250_THR	0	/* write, DLAB=0: transmit holding */
#define MV_8250_DLL	0	/* DLAB=1: divisor latch, low byte */
#define MV_8250_IER	1	/* DLAB=0: interrupt enable */
#define MV_8250_DLM	1	/* DLAB=1: divisor latch, high byte */
#define MV_8250_IIR	2	/* read: interrupt identification */
#define MV_8250_FCR	2	/* write: FIFO control */
#define MV_8250_LCR	3	/* line control */
#define MV_8250_MCR	4	/* modem control */
#define MV_8250_LSR	5	/* line status */
#define MV_8250_MSR	6	/* modem status */
#define MV_8250_SCR	7	/* scratch */

#define MV_8250_IER_ERDAI	0x01	/* receive data available */
#define MV_8250_IER_ETBEI	0x02	/* THR empty */
#define MV_8250_IER_ELSI	0x04	/* receiver line status */
#define MV_8250_IER_EDSSI	0x08	/* modem status */

#define MV_8250_IIR_NO_INT	0x01
#define MV_8250_IIR_MSI		0x00
#define MV_8250_IIR_THRI	0x02
#define MV_8250_IIR_RDI		0x04
#define MV_8250_IIR_RLSI	0x06
#define MV_8250_IIR_TIMEOUT	0x0c
#define MV_8250_IIR_FIFO	0xc0	/* FIFOs enabled */

#define MV_8250_FCR_ENABLE	0x01
#define MV_8250_FCR_CLEAR_RX	0x02
#define MV_8250_FCR_CLEAR_TX	0x04
#define MV_8250_FCR_TRIGGER	0xc0

#define MV_8250_LCR_DLAB	0x80

#define MV_8250_MCR_DTR		0x01
#define MV_8250_MCR_RTS		0x02
#define MV_8250_MCR_OUT1	0x04
#define MV_8250_MCR_OUT2	0x08
#define MV_8250_MCR_LOOP	0x10

#define MV_8250_LSR_DR		0x01
#define MV_8250_LSR_OE		0x02
#define MV_8250_LSR_PE		0x04
#define MV_8250_LSR_FE		0x08
#define MV_8250_LSR_BI		0x10
#define MV_8250_LSR_THRE	0x20
#define MV_8250_LSR_TEMT	0x40
#define MV_8250_LSR_FIFOE	0x80	/* an error byte is in the FIFO */
#define MV_8250_LSR_ERRORS	0x1e

#define MV_8250_MSR_DCTS	0x01
#define MV_8250_MSR_DDSR	0x02
#define MV_8250_MSR_TERI	0x04
#define MV_8250_MSR_DDCD	0x08
#define MV_8250_MSR_CTS		0x10
#define MV_8250_MSR_DSR		0x20
#define MV_8250_MSR_RI		0x40
#define MV_8250_MSR_DCD		0x80

/*
 * Called with each complete output line, on the vCPU thread that wrote
 * the newline, under the bus lock: record, don't touch the bus.
 */
typedef void mv_uart_line_fn(void *arg, const char *line);

struct mv_uart {
	struct mv_bus *bus;
	uint16_t base;
	struct mv_irq_line irq;
	bool irq_level;		/* what the line was last driven to */

	uint8_t ier, lcr, mcr, scr, dll, dlm, fcr;
	uint8_t lsr_errors;	/* MV_8250_LSR_ERRORS bits, cleared by LSR read */
	uint8_t msr;		/* lines (7:4) and deltas (3:0) */
	bool thri_pending;	/* THR-empty interrupt armed */

	uint8_t rx[MV_UART_FIFO_SIZE];
	unsigned int rx_head, rx_count;

	FILE *out;
	mv_uart_line_fn *on_line;
	void *line_arg;
	char line[MV_UART_LINE_MAX];
	size_t line_len;

	/* The input reader (none if in_fd < 0). */
	int in_fd;
	int wake_fd;		/* eventfd: written to stop the reader */
	pthread_t reader;
	bool reader_started;
	bool stopping;		/* under bus->lock */
	pthread_cond_t rx_space; /* with bus->lock: FIFO space or stopping */
};

/*
 * Registers the UART at @base (8 ports) on @bus; output goes to @out (may
 * be NULL: discarded); when @in_fd >= 0 a thread reads it until EOF and
 * feeds the receiver (the caller keeps owning @in_fd and closes it after
 * mv_uart_destroy()). Returns 0 or -errno (the mv_bus_register error).
 * mv_uart_destroy() must be called before the bus is destroyed.
 */
__attribute__((warn_unused_result))
int mv_uart_init(struct mv_uart *u, struct mv_bus *bus, uint16_t base,
		 struct mv_irq_line irq, FILE *out, int in_fd);

/* Sets (or with NULL removes) the line tap; call before the guest runs. */
void mv_uart_set_line_tap(struct mv_uart *u, mv_uart_line_fn *fn, void *arg);

/*
 * Queues up to @len received bytes as if they had arrived on the wire and
 * updates the interrupt line; returns how many fitted in the FIFO (none
 * while in loopback mode: the serial input is disconnected then).
 * The caller holds bus->lock.
 */
size_t mv_uart_receive(struct mv_uart *u, const uint8_t *buf, size_t len);

/*
 * Writes out what the guest printed since the last newline. Needs no
 * lock (stdio locks the FILE): call it when a vCPU goes idle (HLT) and
 * before exiting.
 */
void mv_uart_flush(struct mv_uart *u);

/*
 * Stops and joins the reader thread, flushes the output. Only after a
 * successful mv_uart_init().
 */
void mv_uart_destroy(struct mv_uart *u);

#endif /* MV_UART8250_H */

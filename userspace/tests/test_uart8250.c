// SPDX-License-Identifier: GPL-2.0
#include <stdint.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "test.h"
#include "devices/bus.h"
#include "devices/uart8250.h"

#define BASE	0x2f8	/* not COM1: nothing here depends on the base */

/* An interrupt controller input that records the level and its edges. */
struct fake_pic {
	bool level;
	unsigned int rises;
	unsigned int irq;
};

static void fake_set(void *chip, unsigned int irq, bool level)
{
	struct fake_pic *pic = chip;

	pic->irq = irq;
	if (level && !pic->level)
		pic->rises++;
	pic->level = level;
}

static uint8_t rd(struct mv_bus *bus, unsigned int reg)
{
	uint8_t v = 0;

	mv_bus_access(bus, MV_SPACE_PIO, NULL, BASE + reg, &v, 1, false);
	return v;
}

static void wr(struct mv_bus *bus, unsigned int reg, uint8_t v)
{
	mv_bus_access(bus, MV_SPACE_PIO, NULL, BASE + reg, &v, 1, true);
}

struct uart_fixture {
	struct mv_bus bus;
	struct mv_uart u;
	struct fake_pic pic;
	struct mv_memfile out;
};

static void setup(struct uart_fixture *f, int in_fd)
{
	struct mv_irq_line line = { fake_set, &f->pic, 3 };

	memset(&f->pic, 0, sizeof(f->pic));
	mv_memfile_open(&f->out);
	mv_bus_init(&f->bus, NULL);
	CHECK_EQ(mv_uart_init(&f->u, &f->bus, BASE, line, f->out.f, in_fd), 0);
}

static void teardown(struct uart_fixture *f)
{
	mv_uart_destroy(&f->u);
	mv_bus_destroy(&f->bus);
	mv_memfile_close(&f->out);
}

/* drivers/tty/serial/8250/8250_port.c autoconfig(), in order. */
TEST(uart_passes_linux_autoconfig_as_16550a)
{
	struct uart_fixture f;
	uint8_t save_ier, save_mcr, save_lcr;

	setup(&f, -1);
	/* The IER existence test: bits 3:0 read back, 7:4 stay 0. */
	save_ier = rd(&f.bus, MV_8250_IER);
	wr(&f.bus, MV_8250_IER, 0);
	CHECK_EQ(rd(&f.bus, MV_8250_IER) & 0x0f, 0);
	wr(&f.bus, MV_8250_IER, 0x0f);
	CHECK_EQ(rd(&f.bus, MV_8250_IER) & 0x0f, 0x0f);
	wr(&f.bus, MV_8250_IER, 0xff);
	CHECK_EQ(rd(&f.bus, MV_8250_IER), 0x0f);
	wr(&f.bus, MV_8250_IER, save_ier);

	/* Scratch register. */
	wr(&f.bus, MV_8250_SCR, 0xa5);
	CHECK_EQ(rd(&f.bus, MV_8250_SCR), 0xa5);

	/* The loopback test: MCR LOOP|OUT2|RTS must read MSR 0x9x. */
	save_mcr = rd(&f.bus, MV_8250_MCR);
	save_lcr = rd(&f.bus, MV_8250_LCR);
	wr(&f.bus, MV_8250_MCR, MV_8250_MCR_LOOP | 0x0a);
	CHECK_EQ(rd(&f.bus, MV_8250_MSR) & 0xf0, 0x90);
	wr(&f.bus, MV_8250_MCR, save_mcr);
	/* Back to the host's lines: CTS, DSR, DCD. */
	CHECK_EQ(rd(&f.bus, MV_8250_MSR) & 0xf0, 0xb0);

	/* EFR probe (LCR 0xbf), then the FIFO bits of IIR. */
	wr(&f.bus, MV_8250_LCR, 0xbf);
	wr(&f.bus, 2, 0);
	wr(&f.bus, MV_8250_LCR, 0);
	CHECK_EQ(rd(&f.bus, MV_8250_IIR) & 0xc0, 0);
	wr(&f.bus, MV_8250_FCR, MV_8250_FCR_ENABLE);
	CHECK_EQ(rd(&f.bus, MV_8250_IIR) >> 6, 3);	/* 16550A */

	/* autoconfig_16550a: no EFR (reads non-zero under LCR 0x80/0xbf). */
	wr(&f.bus, MV_8250_LCR, 0x80);
	CHECK(rd(&f.bus, 2) != 0);
	wr(&f.bus, MV_8250_LCR, 0xbf);
	CHECK(rd(&f.bus, 2) != 0);
	/* Not a TI16750: IIR bit 5 stays clear with the 64-byte bit. */
	wr(&f.bus, MV_8250_LCR, 0);
	wr(&f.bus, MV_8250_FCR, MV_8250_FCR_ENABLE | 0x20);
	CHECK_EQ(rd(&f.bus, MV_8250_IIR) >> 5, 6);
	wr(&f.bus, MV_8250_LCR, save_lcr);

	/* No interrupt pending, nothing received, transmitter empty. */
	CHECK_EQ(rd(&f.bus, MV_8250_IIR), 0xc1);
	CHECK_EQ(rd(&f.bus, MV_8250_LSR), 0x60);
	CHECK(!f.pic.level);
	teardown(&f);
}

TEST(uart_divisor_latch_round_trip)
{
	struct uart_fixture f;

	setup(&f, -1);
	wr(&f.bus, MV_8250_IER, 0x05);
	wr(&f.bus, MV_8250_LCR, MV_8250_LCR_DLAB | 0x03);
	wr(&f.bus, MV_8250_DLL, 0x01);
	wr(&f.bus, MV_8250_DLM, 0x02);
	CHECK_EQ(rd(&f.bus, MV_8250_DLL), 0x01);
	CHECK_EQ(rd(&f.bus, MV_8250_DLM), 0x02);
	CHECK_EQ(rd(&f.bus, MV_8250_LCR), 0x83);
	wr(&f.bus, MV_8250_LCR, 0x03);
	/* DLAB clear: the same ports are IER and (empty) RBR again. */
	CHECK_EQ(rd(&f.bus, MV_8250_IER), 0x05);
	CHECK_EQ(f.out.len, 0);
	/* A write to DLL is not output. */
	wr(&f.bus, MV_8250_LCR, MV_8250_LCR_DLAB);
	wr(&f.bus, MV_8250_THR, 'x');
	CHECK_EQ(strlen(mv_memfile_text(&f.out)), 0);
	teardown(&f);
}

TEST(uart_output_reaches_file)
{
	struct uart_fixture f;
	const char *s = "boot\r\nok";

	setup(&f, -1);
	setvbuf(f.out.f, NULL, _IOFBF, 4096);
	for (; *s; s++)
		wr(&f.bus, MV_8250_THR, (uint8_t)*s);
	/* Flushed at the newline; the rest waits for a flush. */
	CHECK_EQ(f.out.len, 6);
	mv_uart_flush(&f.u);
	CHECK_EQ(f.out.len, 8);
	CHECK(!memcmp(f.out.buf, "boot\r\nok", 8));

	/* Turning the THRE interrupt off flushes too (end of a burst). */
	wr(&f.bus, MV_8250_IER, MV_8250_IER_ETBEI);
	wr(&f.bus, MV_8250_THR, '$');
	CHECK_EQ(f.out.len, 8);
	wr(&f.bus, MV_8250_IER, 0);
	CHECK_EQ(f.out.len, 9);

	/* Loopback: bytes go back to the receiver, not to the file. */
	wr(&f.bus, MV_8250_MCR, MV_8250_MCR_LOOP);
	wr(&f.bus, MV_8250_THR, 'L');
	CHECK_EQ(rd(&f.bus, MV_8250_LSR) & MV_8250_LSR_DR, MV_8250_LSR_DR);
	CHECK_EQ(rd(&f.bus, MV_8250_RBR), 'L');
	mv_uart_flush(&f.u);
	CHECK_EQ(f.out.len, 9);
	teardown(&f);
}

TEST(uart_thre_interrupt)
{
	struct uart_fixture f;

	setup(&f, -1);
	/* Pending but not enabled, then enabled but OUT2 clear: low. */
	wr(&f.bus, MV_8250_IER, MV_8250_IER_ETBEI);
	CHECK(!f.pic.level);
	CHECK_EQ(rd(&f.bus, MV_8250_IIR), MV_8250_IIR_THRI);
	/* The IIR read acknowledged it. */
	CHECK_EQ(rd(&f.bus, MV_8250_IIR), MV_8250_IIR_NO_INT);

	wr(&f.bus, MV_8250_MCR, MV_8250_MCR_OUT2);
	CHECK(!f.pic.level);
	/* ETBEI 0 -> 1 with THR empty raises it again (Linux's THRE test). */
	wr(&f.bus, MV_8250_IER, 0);
	wr(&f.bus, MV_8250_IER, MV_8250_IER_ETBEI);
	CHECK(f.pic.level);
	CHECK_EQ(f.pic.irq, 3);
	CHECK_EQ(f.pic.rises, 1);
	/* Rewriting IER with ETBEI already set does not. */
	CHECK_EQ(rd(&f.bus, MV_8250_IIR), MV_8250_IIR_THRI);
	CHECK(!f.pic.level);
	wr(&f.bus, MV_8250_IER, MV_8250_IER_ETBEI);
	CHECK(!f.pic.level);

	/* Writing THR: sent at once, THR empty again, a new edge. */
	wr(&f.bus, MV_8250_THR, 'a');
	CHECK(f.pic.level);
	CHECK_EQ(f.pic.rises, 2);
	wr(&f.bus, MV_8250_THR, 'b');
	CHECK_EQ(f.pic.rises, 3);

	/* OUT2 gates the line; loopback forces it off too. */
	wr(&f.bus, MV_8250_MCR, 0);
	CHECK(!f.pic.level);
	wr(&f.bus, MV_8250_MCR, MV_8250_MCR_OUT2 | MV_8250_MCR_LOOP);
	CHECK(!f.pic.level);
	wr(&f.bus, MV_8250_MCR, MV_8250_MCR_OUT2);
	CHECK(f.pic.level);
	/* Disabling the interrupt drops the line. */
	wr(&f.bus, MV_8250_IER, 0);
	CHECK(!f.pic.level);
	CHECK_EQ(rd(&f.bus, MV_8250_IIR), MV_8250_IIR_NO_INT);
	teardown(&f);
}

TEST(uart_receive_raises_dr_and_irq)
{
	struct uart_fixture f;
	const uint8_t in[20] = "0123456789abcdefghij";
	size_t n;
	int i;

	setup(&f, -1);
	wr(&f.bus, MV_8250_MCR, MV_8250_MCR_OUT2);
	wr(&f.bus, MV_8250_IER, MV_8250_IER_ERDAI);

	/* FIFOs off: a single receive holding register. */
	pthread_mutex_lock(&f.bus.lock);
	CHECK_EQ(mv_uart_receive(&f.u, in, 2), 1);
	pthread_mutex_unlock(&f.bus.lock);
	CHECK(f.pic.level);
	CHECK_EQ(rd(&f.bus, MV_8250_IIR), MV_8250_IIR_RDI);
	CHECK_EQ(rd(&f.bus, MV_8250_LSR), 0x61);
	CHECK_EQ(rd(&f.bus, MV_8250_RBR), '0');
	CHECK(!f.pic.level);
	CHECK_EQ(rd(&f.bus, MV_8250_LSR), 0x60);
	CHECK_EQ(rd(&f.bus, MV_8250_IIR), MV_8250_IIR_NO_INT);

	/* FIFOs on, trigger level 8: 16 bytes fit, the rest wait. */
	wr(&f.bus, MV_8250_FCR, MV_8250_FCR_ENABLE | 0x80);
	pthread_mutex_lock(&f.bus.lock);
	CHECK_EQ(mv_uart_receive(&f.u, in, 4), 4);
	pthread_mutex_unlock(&f.bus.lock);
	/* Below the trigger level: a character timeout. */
	CHECK_EQ(rd(&f.bus, MV_8250_IIR), 0xc0 | MV_8250_IIR_TIMEOUT);
	pthread_mutex_lock(&f.bus.lock);
	n = mv_uart_receive(&f.u, in + 4, 16);
	pthread_mutex_unlock(&f.bus.lock);
	CHECK_EQ(n, 12);
	CHECK_EQ(rd(&f.bus, MV_8250_IIR), 0xc0 | MV_8250_IIR_RDI);
	for (i = 0; i < 16; i++)
		CHECK_EQ(rd(&f.bus, MV_8250_RBR), in[i]);
	CHECK(!f.pic.level);
	CHECK_EQ(rd(&f.bus, MV_8250_LSR) & MV_8250_LSR_DR, 0);

	/* Receive data outranks THRE; FCR clears the receive FIFO. */
	pthread_mutex_lock(&f.bus.lock);
	CHECK_EQ(mv_uart_receive(&f.u, in, 1), 1);
	pthread_mutex_unlock(&f.bus.lock);
	wr(&f.bus, MV_8250_IER, MV_8250_IER_ERDAI | MV_8250_IER_ETBEI);
	CHECK_EQ(rd(&f.bus, MV_8250_IIR) & 0x0f, MV_8250_IIR_TIMEOUT);
	wr(&f.bus, MV_8250_FCR, MV_8250_FCR_ENABLE | MV_8250_FCR_CLEAR_RX);
	CHECK_EQ(rd(&f.bus, MV_8250_LSR) & MV_8250_LSR_DR, 0);
	CHECK_EQ(rd(&f.bus, MV_8250_IIR) & 0x0f, MV_8250_IIR_THRI);
	teardown(&f);
}

TEST(uart_line_status_and_modem_priorities)
{
	struct uart_fixture f;
	int i;

	setup(&f, -1);
	wr(&f.bus, MV_8250_FCR, MV_8250_FCR_ENABLE);
	wr(&f.bus, MV_8250_MCR, MV_8250_MCR_LOOP);
	/* 17 bytes in loopback: the 17th overruns. */
	for (i = 0; i < 17; i++)
		wr(&f.bus, MV_8250_THR, (uint8_t)i);
	wr(&f.bus, MV_8250_IER, 0x0f);
	CHECK_EQ(rd(&f.bus, MV_8250_IIR) & 0x0f, MV_8250_IIR_RLSI);
	CHECK_EQ(rd(&f.bus, MV_8250_LSR) & MV_8250_LSR_OE, MV_8250_LSR_OE);
	CHECK_EQ(rd(&f.bus, MV_8250_LSR) & MV_8250_LSR_OE, 0);
	CHECK_EQ(rd(&f.bus, MV_8250_IIR) & 0x0f, MV_8250_IIR_RDI);
	wr(&f.bus, MV_8250_FCR, MV_8250_FCR_ENABLE | MV_8250_FCR_CLEAR_RX);
	CHECK_EQ(rd(&f.bus, MV_8250_IIR) & 0x0f, MV_8250_IIR_THRI);
	CHECK_EQ(rd(&f.bus, MV_8250_IIR) & 0x0f, MV_8250_IIR_MSI);
	/* Entering loopback changed CTS/DSR/DCD: the deltas, cleared. */
	CHECK_EQ(rd(&f.bus, MV_8250_MSR), 0x0b);
	CHECK_EQ(rd(&f.bus, MV_8250_IIR), 0xc1);
	/* In loopback OUT1 drives RI; its trailing edge sets TERI. */
	wr(&f.bus, MV_8250_MCR, MV_8250_MCR_LOOP | MV_8250_MCR_OUT1);
	CHECK_EQ(rd(&f.bus, MV_8250_MSR), MV_8250_MSR_RI);
	wr(&f.bus, MV_8250_MCR, MV_8250_MCR_LOOP);
	CHECK_EQ(rd(&f.bus, MV_8250_MSR), MV_8250_MSR_TERI);
	teardown(&f);
}

struct lines {
	unsigned int n;
	char text[4][MV_UART_LINE_MAX];
};

static void record_line(void *arg, const char *line)
{
	struct lines *l = arg;

	if (l->n < 4)
		snprintf(l->text[l->n], sizeof(l->text[0]), "%s", line);
	l->n++;
}

TEST(uart_line_tap)
{
	const char *s = "Kernel panic - not syncing: x\r\n\nend";
	struct uart_fixture f;
	struct lines l = { 0 };
	unsigned int i;

	setup(&f, -1);
	mv_uart_set_line_tap(&f.u, record_line, &l);
	for (; *s; s++)
		wr(&f.bus, MV_8250_THR, (uint8_t)*s);
	CHECK_EQ(l.n, 2);
	CHECK_STREQ(l.text[0], "Kernel panic - not syncing: x");
	CHECK_STREQ(l.text[1], "");
	wr(&f.bus, MV_8250_THR, '\n');
	CHECK_EQ(l.n, 3);
	CHECK_STREQ(l.text[2], "end");
	/* An overlong line arrives cut, not split. */
	for (i = 0; i < 2 * MV_UART_LINE_MAX; i++)
		wr(&f.bus, MV_8250_THR, 'y');
	wr(&f.bus, MV_8250_THR, '\n');
	CHECK_EQ(l.n, 4);
	CHECK_EQ(strlen(l.text[3]), MV_UART_LINE_MAX - 1);
	teardown(&f);
}

/* Wait (up to 5 s) until LSR.DR is @dr. */
static int wait_dr(struct mv_bus *bus, bool dr)
{
	const struct timespec tick = { 0, 1000000 };
	int i;

	for (i = 0; i < 5000; i++) {
		if (!!(rd(bus, MV_8250_LSR) & MV_8250_LSR_DR) == dr)
			return 0;
		nanosleep(&tick, NULL);
	}
	return -1;
}

TEST(uart_reader_thread_feeds_fifo_without_dropping)
{
	struct uart_fixture f;
	uint8_t buf[40];
	int fds[2], i;

	CHECK_EQ(pipe(fds), 0);
	setup(&f, fds[0]);
	wr(&f.bus, MV_8250_FCR, MV_8250_FCR_ENABLE);
	wr(&f.bus, MV_8250_MCR, MV_8250_MCR_OUT2);
	wr(&f.bus, MV_8250_IER, MV_8250_IER_ERDAI);
	for (i = 0; i < 40; i++)
		buf[i] = (uint8_t)(i + 1);
	/* More than the FIFO holds: the reader waits for the guest. */
	CHECK_EQ(write(fds[1], buf, sizeof(buf)), (ssize_t)sizeof(buf));
	for (i = 0; i < 40; i++) {
		CHECK_EQ(wait_dr(&f.bus, true), 0);
		CHECK(f.pic.level);
		CHECK_EQ(rd(&f.bus, MV_8250_RBR), i + 1);
	}
	CHECK_EQ(wait_dr(&f.bus, false), 0);
	CHECK(!f.pic.level);

	/* Teardown while the reader waits for FIFO space. */
	CHECK_EQ(write(fds[1], buf, sizeof(buf)), (ssize_t)sizeof(buf));
	CHECK_EQ(wait_dr(&f.bus, true), 0);
	teardown(&f);
	close(fds[0]);
	close(fds[1]);
}

TEST(uart_reader_stops_at_eof_and_on_destroy)
{
	struct uart_fixture f;
	int fds[2];

	/* Idle reader: destroy wakes it through the eventfd. */
	CHECK_EQ(pipe(fds), 0);
	setup(&f, fds[0]);
	teardown(&f);
	/* EOF: the thread ends by itself; destroy still joins it. */
	setup(&f, fds[0]);
	close(fds[1]);
	CHECK_EQ(rd(&f.bus, MV_8250_LSR) & MV_8250_LSR_DR, 0);
	teardown(&f);
	close(fds[0]);
}

// SPDX-License-Identifier: GPL-2.0
#include <stdint.h>
#include <stdlib.h>

#include "test.h"
#include "vcpu_ctx.h"
#include "devices/bus.h"
#include "devices/console.h"
#include "devices/debug_exit.h"
#include "devices/mmio_test.h"

static uint64_t pio_read(struct mv_bus *bus, struct mv_vcpu_ctx *ctx,
			 uint16_t port, unsigned int len)
{
	uint64_t v = 0;

	mv_bus_access(bus, MV_SPACE_PIO, ctx, port, &v, len, false);
	return v;
}

static void pio_write(struct mv_bus *bus, struct mv_vcpu_ctx *ctx,
		      uint16_t port, uint64_t v, unsigned int len)
{
	mv_bus_access(bus, MV_SPACE_PIO, ctx, port, &v, len, true);
}

static uint64_t mmio_read(struct mv_bus *bus, uint64_t gpa, unsigned int len)
{
	uint64_t v = 0;

	mv_bus_access(bus, MV_SPACE_MMIO, NULL, gpa, &v, len, false);
	return v;
}

static void mmio_write(struct mv_bus *bus, uint64_t gpa, uint64_t v,
		       unsigned int len)
{
	mv_bus_access(bus, MV_SPACE_MMIO, NULL, gpa, &v, len, true);
}


TEST(console_thr_goes_to_output)
{
	struct mv_bus bus;
	struct mv_console con;
	struct mv_memfile m;
	const char *s = "hi\n";

	mv_memfile_open(&m);
	mv_bus_init(&bus, NULL);
	CHECK_EQ(mv_console_init(&con, &bus, m.f), 0);
	for (; *s; s++)
		pio_write(&bus, NULL, 0x3f8, (uint8_t)*s, 1);
	/* Flushed on the newline, without an explicit flush. */
	CHECK_EQ(m.len, 3);
	CHECK(m.buf && !memcmp(m.buf, "hi\n", 3));
	pio_write(&bus, NULL, 0x3f8, 'x', 1);
	mv_console_flush(&con);
	CHECK_EQ(m.len, 4);
	CHECK(!memcmp(m.buf, "hi\nx", 4));
	mv_memfile_close(&m);
}

TEST(console_buffers_until_newline)
{
	struct mv_bus bus;
	struct mv_console con;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	CHECK(f != NULL);
	/* A private buffer: without a flush, nothing reaches buf. */
	setvbuf(f, NULL, _IOFBF, 4096);
	mv_bus_init(&bus, NULL);
	CHECK_EQ(mv_console_init(&con, &bus, f), 0);
	pio_write(&bus, NULL, 0x3f8, 'a', 1);
	pio_write(&bus, NULL, 0x3f8, 'b', 1);
	CHECK_EQ(len, 0);
	pio_write(&bus, NULL, 0x3f8, '\n', 1);
	CHECK_EQ(len, 3);
	fclose(f);
	free(buf);
}

TEST(console_registers)
{
	struct mv_bus bus;
	struct mv_console con;
	struct mv_memfile m;

	mv_memfile_open(&m);
	mv_bus_init(&bus, NULL);
	CHECK_EQ(mv_console_init(&con, &bus, m.f), 0);

	CHECK_EQ(pio_read(&bus, NULL, 0x3fd, 1), 0x60);	/* LSR */
	CHECK_EQ(pio_read(&bus, NULL, 0x3fa, 1), 0x01);	/* IIR */
	CHECK_EQ(pio_read(&bus, NULL, 0x3f8, 1), 0);		/* RBR */
	CHECK_EQ(pio_read(&bus, NULL, 0x3fe, 1), 0);		/* MSR */
	CHECK_EQ(pio_read(&bus, NULL, 0x3fb, 1), 0);		/* LCR */

	pio_write(&bus, NULL, 0x3ff, 0xa5, 1);			/* SCR */
	CHECK_EQ(pio_read(&bus, NULL, 0x3ff, 1), 0xa5);
	pio_write(&bus, NULL, 0x3f9, 0xff, 1);			/* IER */
	CHECK_EQ(pio_read(&bus, NULL, 0x3f9, 1), 0x0f);
	pio_write(&bus, NULL, 0x3fc, 0xff, 1);			/* MCR */
	CHECK_EQ(pio_read(&bus, NULL, 0x3fc, 1), 0x1f);
	pio_write(&bus, NULL, 0x3fd, 0x00, 1);			/* LSR: RO */
	CHECK_EQ(pio_read(&bus, NULL, 0x3fd, 1), 0x60);

	/* DLAB: 0x3f8/0x3f9 become the divisor latch, no output. */
	pio_write(&bus, NULL, 0x3fb, 0x83, 1);
	pio_write(&bus, NULL, 0x3f8, 0x01, 1);
	pio_write(&bus, NULL, 0x3f9, 0x00, 1);
	CHECK_EQ(pio_read(&bus, NULL, 0x3f8, 1), 0x01);
	CHECK_EQ(pio_read(&bus, NULL, 0x3f9, 1), 0x00);
	CHECK_EQ(pio_read(&bus, NULL, 0x3fb, 1), 0x83);
	pio_write(&bus, NULL, 0x3fb, 0x03, 1);
	CHECK_EQ(pio_read(&bus, NULL, 0x3f9, 1), 0x0f);	/* IER again */
	mv_console_flush(&con);
	CHECK_EQ(m.len, 0);

	/* A 16-bit read of LCR/MCR and a 32-bit read across LSR. */
	CHECK_EQ(pio_read(&bus, NULL, 0x3fb, 2), 0x1f03);
	CHECK_EQ(pio_read(&bus, NULL, 0x3fc, 4), 0xa5006000 | 0x1f);

	/* A 16-bit write to THR is two byte writes: THR then IER. */
	pio_write(&bus, NULL, 0x3f8, 0x0041, 2);
	mv_console_flush(&con);
	CHECK_EQ(m.len, 1);
	CHECK(m.buf && m.buf[0] == 'A');
	CHECK_EQ(pio_read(&bus, NULL, 0x3f9, 1), 0);
	mv_memfile_close(&m);
}

TEST(debug_exit_stops_with_the_byte)
{
	struct mv_vcpu_ctx ctx;
	struct mv_bus bus;

	mv_vcpu_ctx_init(&ctx, 0, NULL, 0);
	mv_bus_init(&bus, NULL);
	CHECK_EQ(mv_debug_exit_init(&bus), 0);

	CHECK_EQ(pio_read(&bus, &ctx, 0xf4, 1), 0xff);
	CHECK_EQ(pio_read(&bus, &ctx, 0xf4, 4), 0xffffffff);
	pio_write(&bus, &ctx, 0xf5, 7, 1);	/* ignored */
	CHECK(!ctx.stop);

	pio_write(&bus, &ctx, 0xf4, 0x1242, 2);	/* low byte counts */
	CHECK(ctx.stop);
	CHECK_EQ(ctx.exit_status, 0x42);
	CHECK_CONTAINS(ctx.stop_msg, "guest wrote 0x42 to the debug-exit port 0xf4");

	pio_write(&bus, &ctx, 0xf4, 0x07, 1);	/* the first stop wins */
	CHECK_EQ(ctx.exit_status, 0x42);
}

TEST(debug_exit_zero_and_ff)
{
	struct mv_vcpu_ctx ctx;
	struct mv_bus bus;

	mv_bus_init(&bus, NULL);
	CHECK_EQ(mv_debug_exit_init(&bus), 0);
	mv_vcpu_ctx_init(&ctx, 0, NULL, 0);
	pio_write(&bus, &ctx, 0xf4, 0, 1);
	CHECK(ctx.stop);
	CHECK_EQ(ctx.exit_status, 0);
	mv_vcpu_ctx_init(&ctx, 0, NULL, 0);
	pio_write(&bus, &ctx, 0xf4, 0xff, 1);
	CHECK_EQ(ctx.exit_status, 255);
}

TEST(default_devices_do_not_collide)
{
	static struct mv_mmio_test dev;
	struct mv_console con;
	struct mv_bus bus;

	mv_bus_init(&bus, NULL);
	CHECK_EQ(mv_console_init(&con, &bus, stdout), 0);
	CHECK_EQ(mv_debug_exit_init(&bus), 0);
	CHECK_EQ(mv_mmio_test_init(&dev, &bus), 0);
	/* A second instance is refused. */
	CHECK(mv_console_init(&con, &bus, stdout) != 0);
	CHECK(mv_debug_exit_init(&bus) != 0);
}

TEST(mmio_test_scratch)
{
	static struct mv_mmio_test dev;
	const uint64_t B = MV_MMIO_TEST_BASE;
	struct mv_bus bus;
	unsigned int len;

	mv_bus_init(&bus, NULL);
	CHECK_EQ(mv_mmio_test_init(&dev, &bus), 0);

	CHECK_EQ(mmio_read(&bus, B, 8), 0);
	CHECK_EQ(mmio_read(&bus, B + 0x7f8, 8), 0);

	mmio_write(&bus, B + 0x10, 0x0123456789abcdefULL, 8);
	CHECK_EQ(mmio_read(&bus, B + 0x10, 8), 0x0123456789abcdefULL);
	CHECK_EQ(mmio_read(&bus, B + 0x10, 1), 0xef);
	CHECK_EQ(mmio_read(&bus, B + 0x11, 2), 0xabcd);
	CHECK_EQ(mmio_read(&bus, B + 0x14, 4), 0x01234567);
	CHECK_EQ(mmio_read(&bus, B + 0x17, 1), 0x01);

	/* Narrow writes change only their bytes. */
	mmio_write(&bus, B + 0x12, 0xffff, 2);
	CHECK_EQ(mmio_read(&bus, B + 0x10, 8), 0x01234567ffffcdefULL);
	mmio_write(&bus, B + 0x17, 0x80, 1);
	CHECK_EQ(mmio_read(&bus, B + 0x10, 8), 0x80234567ffffcdefULL);

	/* Every width at the very end of the scratch area. */
	for (len = 1; len <= 8; len *= 2) {
		mmio_write(&bus, B + 0x800 - len, 0x1122334455667788ULL, len);
		CHECK_EQ(mmio_read(&bus, B + 0x800 - len, len),
			 0x1122334455667788ULL &
			 (len == 8 ? ~0ULL : (1ULL << (8 * len)) - 1));
	}
}

TEST(mmio_test_id_register)
{
	static struct mv_mmio_test dev;
	const uint64_t B = MV_MMIO_TEST_BASE;
	struct mv_bus bus;

	mv_bus_init(&bus, NULL);
	CHECK_EQ(mv_mmio_test_init(&dev, &bus), 0);

	CHECK_EQ(mmio_read(&bus, B + 0x800, 8), 0x8877665544332211ULL);
	CHECK_EQ(mmio_read(&bus, B + 0x800, 4), 0x44332211);
	CHECK_EQ(mmio_read(&bus, B + 0x800, 2), 0x2211);
	CHECK_EQ(mmio_read(&bus, B + 0x800, 1), 0x11);
	CHECK_EQ(mmio_read(&bus, B + 0x804, 4), 0x88776655);
	CHECK_EQ(mmio_read(&bus, B + 0x806, 2), 0x8877);
	CHECK_EQ(mmio_read(&bus, B + 0x807, 1), 0x88);
	CHECK_EQ(mmio_read(&bus, B + 0x803, 1), 0x44);
	/* Past the ID: zero. */
	CHECK_EQ(mmio_read(&bus, B + 0x808, 8), 0);
	CHECK_EQ(mmio_read(&bus, B + 0xff0, 8), 0);
	/* Straddling scratch and ID: each byte decoded on its own. */
	mmio_write(&bus, B + 0x7fc, 0xddccbbaa, 4);
	CHECK_EQ(mmio_read(&bus, B + 0x7fc, 8), 0x44332211ddccbbaaULL);
	/* Read-only: writes are dropped, the scratch part of one is kept. */
	mmio_write(&bus, B + 0x800, 0, 8);
	CHECK_EQ(mmio_read(&bus, B + 0x800, 8), 0x8877665544332211ULL);
	mmio_write(&bus, B + 0x7fe, 0, 4);
	CHECK_EQ(mmio_read(&bus, B + 0x7fc, 8), 0x443322110000bbaaULL);
}

TEST(mmio_test_write_counter)
{
	static struct mv_mmio_test dev;
	const uint64_t B = MV_MMIO_TEST_BASE;
	struct mv_bus bus;

	mv_bus_init(&bus, NULL);
	CHECK_EQ(mv_mmio_test_init(&dev, &bus), 0);

	CHECK_EQ(mmio_read(&bus, B + 0xff8, 8), 0);
	mmio_write(&bus, B, 1, 1);
	mmio_write(&bus, B, 1, 8);
	mmio_write(&bus, B + 0x800, 1, 4);	/* ignored, still counted */
	mmio_write(&bus, B + 0xff8, 99, 8);	/* ignored, still counted */
	CHECK_EQ(mmio_read(&bus, B + 0xff8, 8), 4);
	CHECK_EQ(mmio_read(&bus, B + 0xff8, 1), 4);
	CHECK_EQ(mmio_read(&bus, B + 0xffc, 4), 0);
	/* Reads do not count. */
	CHECK_EQ(mmio_read(&bus, B + 0xff8, 4), 4);

	/* Outside the 4 KiB: unhandled, all-ones, not counted. */
	CHECK_EQ(mmio_read(&bus, B + 0x1000, 4), 0xffffffff);
	CHECK_EQ(mmio_read(&bus, B + 0xffc, 8), ~0ULL);
	mmio_write(&bus, B + 0x1000, 1, 1);
	mmio_write(&bus, B - 1, 1, 1);
	CHECK_EQ(mmio_read(&bus, B + 0xff8, 8), 4);
	CHECK_EQ(bus.unhandled_writes[MV_SPACE_MMIO], 2);
}

// SPDX-License-Identifier: GPL-2.0
#include <stdint.h>
#include <time.h>

#include "test.h"
#include "devices/bus.h"
#include "devices/pit.h"

#define EPOCH_NS	5000000000ull
#define LATCH_250HZ	4773	/* Linux: (1193182 + HZ / 2) / HZ */

struct fake_clock {
	uint64_t ns;
};

static uint64_t fake_now(void *arg)
{
	return ((struct fake_clock *)arg)->ns;
}

/* The first instant at which @ticks PIT ticks have passed. */
static uint64_t tick_ns(uint64_t ticks)
{
	return EPOCH_NS + (ticks * 1000000000ull + MV_PIT_HZ - 1) / MV_PIT_HZ;
}

static void at_tick(struct fake_clock *clk, uint64_t ticks)
{
	clk->ns = tick_ns(ticks);
}

/* An irq line that counts rising edges. */
struct fake_line {
	unsigned int rises;
	bool level;
};

static void fake_set(void *chip, unsigned int irq, bool level)
{
	struct fake_line *l = chip;

	(void)irq;
	if (level && !l->level)
		l->rises++;
	l->level = level;
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

/* LSB then MSB, as Linux reads a counter. */
static uint16_t read_counter(struct mv_bus *bus, uint16_t port)
{
	uint16_t v = inb(bus, port);

	return v | (uint16_t)(inb(bus, port) << 8);
}

static void write_counter(struct mv_bus *bus, uint16_t port, uint16_t v)
{
	outb(bus, port, v & 0xff);
	outb(bus, port, v >> 8);
}

static uint64_t update(struct mv_bus *bus, struct mv_pit *pit)
{
	uint64_t next;

	pthread_mutex_lock(&bus->lock);
	next = mv_pit_update(pit);
	pthread_mutex_unlock(&bus->lock);
	return next;
}

static void setup(struct mv_bus *bus, struct mv_pit *pit,
		  struct fake_clock *clk, struct fake_line *line)
{
	struct mv_irq_line irq0 = { .set = fake_set, .chip = line };

	clk->ns = EPOCH_NS;
	mv_bus_init(bus, NULL);
	CHECK_EQ(mv_pit_init_manual(pit, bus, irq0, fake_now, clk), 0);
}

static void teardown(struct mv_bus *bus, struct mv_pit *pit)
{
	mv_pit_destroy(pit);
	mv_bus_destroy(bus);
}

/* arch/x86/kernel/tsc.c: quick_pit_calibrate() and pit_calibrate_tsc(). */
TEST(pit_channel2_linux_calibration)
{
	struct fake_line line = { 0 };
	struct fake_clock clk;
	struct mv_pit pit;
	struct mv_bus bus;

	setup(&bus, &pit, &clk, &line);
	outb(&bus, 0x61, (inb(&bus, 0x61) & ~0x02) | 0x01);
	outb(&bus, 0x43, 0xb0);			/* ch2, LSB/MSB, mode 0 */
	outb(&bus, 0x42, 0xff);
	outb(&bus, 0x42, 0xff);
	CHECK_EQ(inb(&bus, 0x61) & 0x20, 0);
	at_tick(&clk, 1000);
	CHECK_EQ(inb(&bus, 0x42), (0xffff - 1000) & 0xff);
	CHECK_EQ(inb(&bus, 0x42), (0xffff - 1000) >> 8);
	/* The MSB steps down every 256 ticks, as the quick path expects. */
	at_tick(&clk, 0x100 * 3 + 5);
	inb(&bus, 0x42);
	CHECK_EQ(inb(&bus, 0x42), 0xfc);
	at_tick(&clk, 0xfffe);
	CHECK_EQ(inb(&bus, 0x61) & 0x20, 0);
	at_tick(&clk, 0xffff);			/* terminal count: OUT2 high */
	CHECK_EQ(inb(&bus, 0x61) & 0x20, 0x20);
	CHECK_EQ(read_counter(&bus, 0x42), 0);
	at_tick(&clk, 0xffff + 6);		/* counts on, wrapping */
	CHECK_EQ(read_counter(&bus, 0x42), 0xfffa);
	CHECK_EQ(inb(&bus, 0x61) & 0x20, 0x20);
	/* Channel 2 never touches irq0. */
	CHECK_EQ(update(&bus, &pit), MV_PIT_NEVER);
	CHECK_EQ(line.rises, 0);
	teardown(&bus, &pit);
}

TEST(pit_gate_suspends_mode0)
{
	struct fake_line line = { 0 };
	struct fake_clock clk;
	struct mv_pit pit;
	struct mv_bus bus;

	setup(&bus, &pit, &clk, &line);
	outb(&bus, 0x43, 0x90);			/* ch2, LSB only, mode 0 */
	outb(&bus, 0x42, 100);			/* gate low: holds */
	at_tick(&clk, 50);
	CHECK_EQ(inb(&bus, 0x42), 100);
	outb(&bus, 0x61, 0x01);
	at_tick(&clk, 80);
	CHECK_EQ(inb(&bus, 0x42), 70);
	outb(&bus, 0x61, 0x00);
	at_tick(&clk, 200);
	CHECK_EQ(inb(&bus, 0x42), 70);
	CHECK_EQ(inb(&bus, 0x61) & 0x20, 0);
	outb(&bus, 0x61, 0x01);
	at_tick(&clk, 270);
	CHECK_EQ(inb(&bus, 0x42), 0);
	CHECK_EQ(inb(&bus, 0x61) & 0x20, 0x20);
	teardown(&bus, &pit);
}

TEST(pit_latch_holds_both_bytes)
{
	struct fake_line line = { 0 };
	struct fake_clock clk;
	struct mv_pit pit;
	struct mv_bus bus;

	setup(&bus, &pit, &clk, &line);
	outb(&bus, 0x43, 0x34);			/* ch0, LSB/MSB, mode 2 */
	write_counter(&bus, 0x40, LATCH_250HZ);
	at_tick(&clk, 100);
	outb(&bus, 0x43, 0x00);			/* latch ch0 */
	at_tick(&clk, 200);
	CHECK_EQ(inb(&bus, 0x40), (LATCH_250HZ - 100) & 0xff);
	outb(&bus, 0x43, 0x00);			/* ignored: still latched */
	at_tick(&clk, 300);
	CHECK_EQ(inb(&bus, 0x40), (LATCH_250HZ - 100) >> 8);
	/* Released: live again. */
	CHECK_EQ(read_counter(&bus, 0x40), LATCH_250HZ - 300);

	/* Read-back: status first, then the count, both latched. */
	outb(&bus, 0x43, 0xc2);
	at_tick(&clk, 400);
	CHECK_EQ(inb(&bus, 0x40), 0xb4);	/* OUT, LSB/MSB, mode 2 */
	CHECK_EQ(read_counter(&bus, 0x40), LATCH_250HZ - 300);
	CHECK_EQ(read_counter(&bus, 0x40), LATCH_250HZ - 400);
	/* Status only; the counter reads on live. */
	outb(&bus, 0x43, 0xe2);
	CHECK_EQ(inb(&bus, 0x40), 0xb4);
	CHECK_EQ(read_counter(&bus, 0x40), LATCH_250HZ - 400);
	/* A mode word sets NULL COUNT until a count is written. */
	outb(&bus, 0x43, 0x34);
	outb(&bus, 0x43, 0xe2);
	CHECK_EQ(inb(&bus, 0x40), 0xf4);	/* and OUT high */
	/* The control port reads as nothing. */
	CHECK_EQ(inb(&bus, 0x43), 0xff);
	teardown(&bus, &pit);
}

TEST(pit_mode2_periodic_without_drift_or_flood)
{
	struct fake_line line = { 0 };
	struct fake_clock clk;
	struct mv_pit pit;
	struct mv_bus bus;
	unsigned int i;

	setup(&bus, &pit, &clk, &line);
	CHECK_EQ(update(&bus, &pit), MV_PIT_NEVER);	/* idle at reset */
	outb(&bus, 0x43, 0x34);
	write_counter(&bus, 0x40, LATCH_250HZ);
	CHECK_EQ(update(&bus, &pit), tick_ns(LATCH_250HZ));
	at_tick(&clk, LATCH_250HZ - 1);
	CHECK_EQ(update(&bus, &pit), tick_ns(LATCH_250HZ));
	CHECK_EQ(line.rises, 0);
	CHECK_EQ(read_counter(&bus, 0x40), 1);
	for (i = 1; i <= 3; i++) {
		at_tick(&clk, i * LATCH_250HZ);
		CHECK_EQ(update(&bus, &pit), tick_ns((i + 1) * LATCH_250HZ));
		CHECK_EQ(line.rises, i);
		CHECK(!line.level);		/* a pulse */
	}
	/* Five periods late: one edge, and the grid is unchanged. */
	at_tick(&clk, 8 * LATCH_250HZ + 10);
	CHECK_EQ(update(&bus, &pit), tick_ns(9 * LATCH_250HZ));
	CHECK_EQ(line.rises, 4);
	CHECK_EQ(update(&bus, &pit), tick_ns(9 * LATCH_250HZ));
	CHECK_EQ(line.rises, 4);
	/* Far on, still on the grid. */
	at_tick(&clk, 250000ull * LATCH_250HZ);
	CHECK_EQ(update(&bus, &pit), tick_ns(250001ull * LATCH_250HZ));
	CHECK_EQ(line.rises, 5);
	CHECK_EQ(pit.irq0_edges, 5);
	teardown(&bus, &pit);
}

TEST(pit_mode2_new_count_at_period_end)
{
	struct fake_line line = { 0 };
	struct fake_clock clk;
	struct mv_pit pit;
	struct mv_bus bus;

	setup(&bus, &pit, &clk, &line);
	outb(&bus, 0x43, 0x34);
	write_counter(&bus, 0x40, 100);
	at_tick(&clk, 50);
	write_counter(&bus, 0x40, 40);		/* no mode word: pending */
	at_tick(&clk, 70);
	CHECK_EQ(read_counter(&bus, 0x40), 30);
	at_tick(&clk, 100);
	CHECK_EQ(update(&bus, &pit), tick_ns(140));
	CHECK_EQ(line.rises, 1);
	at_tick(&clk, 110);
	CHECK_EQ(read_counter(&bus, 0x40), 30);
	at_tick(&clk, 180);
	CHECK_EQ(update(&bus, &pit), tick_ns(220));
	CHECK_EQ(line.rises, 2);
	teardown(&bus, &pit);
}

TEST(pit_mode0_oneshot_level)
{
	struct fake_line line = { 0 };
	struct fake_clock clk;
	struct mv_pit pit;
	struct mv_bus bus;

	setup(&bus, &pit, &clk, &line);
	outb(&bus, 0x43, 0x30);			/* ch0, LSB/MSB, mode 0 */
	write_counter(&bus, 0x40, 1000);
	at_tick(&clk, 999);
	CHECK_EQ(update(&bus, &pit), tick_ns(1000));
	CHECK_EQ(line.rises, 0);
	at_tick(&clk, 1000);
	CHECK_EQ(update(&bus, &pit), MV_PIT_NEVER);
	CHECK_EQ(line.rises, 1);
	CHECK(line.level);			/* OUT stays high */
	at_tick(&clk, 5000);
	CHECK_EQ(update(&bus, &pit), MV_PIT_NEVER);
	CHECK_EQ(line.rises, 1);
	CHECK(line.level);
	/* The first byte of a new count: OUT low, counting stops. */
	outb(&bus, 0x40, 0x10);
	CHECK(!line.level);
	CHECK_EQ(update(&bus, &pit), MV_PIT_NEVER);
	at_tick(&clk, 6000);
	outb(&bus, 0x40, 0x00);			/* count 16 */
	CHECK_EQ(update(&bus, &pit), tick_ns(6016));
	at_tick(&clk, 6016);
	CHECK_EQ(update(&bus, &pit), MV_PIT_NEVER);
	CHECK_EQ(line.rises, 2);
	/* Linux's shutdown: mode 0 and a count of 0, i.e. 65536. */
	outb(&bus, 0x43, 0x30);
	CHECK(!line.level);
	write_counter(&bus, 0x40, 0);
	CHECK_EQ(update(&bus, &pit), tick_ns(6016 + 65536));
	teardown(&bus, &pit);
}

/* drivers/clocksource/i8253.c: oneshot is mode 4, one count per event. */
TEST(pit_mode4_linux_oneshot)
{
	struct fake_line line = { 0 };
	struct fake_clock clk;
	struct mv_pit pit;
	struct mv_bus bus;

	setup(&bus, &pit, &clk, &line);
	outb(&bus, 0x43, 0x38);
	CHECK_EQ(update(&bus, &pit), MV_PIT_NEVER);
	write_counter(&bus, 0x40, 500);
	/* OUT strobes low at count 0 and rises one tick later. */
	CHECK_EQ(update(&bus, &pit), tick_ns(501));
	at_tick(&clk, 501);
	CHECK_EQ(update(&bus, &pit), MV_PIT_NEVER);
	CHECK_EQ(line.rises, 1);
	CHECK(!line.level);
	/* An edge due before the next write is delivered first. */
	at_tick(&clk, 1000);
	write_counter(&bus, 0x40, 500);
	at_tick(&clk, 1600);
	write_counter(&bus, 0x40, 300);
	CHECK_EQ(line.rises, 2);
	CHECK_EQ(update(&bus, &pit), tick_ns(1901));
	/* Rewriting before it fires restarts it. */
	at_tick(&clk, 1800);
	write_counter(&bus, 0x40, 300);
	CHECK_EQ(update(&bus, &pit), tick_ns(2101));
	CHECK_EQ(line.rises, 2);
	teardown(&bus, &pit);
}

TEST(pit_mode3_square_wave_and_port_b)
{
	struct fake_line line = { 0 };
	struct fake_clock clk;
	struct mv_pit pit;
	struct mv_bus bus;
	uint8_t a, b;

	setup(&bus, &pit, &clk, &line);
	CHECK_EQ(inb(&bus, 0x61) & 0xef, 0x00);
	outb(&bus, 0x61, 0xff);			/* only bits 3:0 stick */
	a = inb(&bus, 0x61);
	b = inb(&bus, 0x61);
	CHECK_EQ(a & 0xcf, 0x0f);
	CHECK_EQ((a ^ b) & 0x10, 0x10);		/* refresh toggles */
	outb(&bus, 0x61, 0x03);			/* gate + speaker */
	CHECK_EQ(inb(&bus, 0x61) & 0x0f, 0x03);

	outb(&bus, 0x43, 0xb6);			/* ch2, LSB/MSB, mode 3 */
	write_counter(&bus, 0x42, 10);
	at_tick(&clk, 4);
	CHECK_EQ(inb(&bus, 0x61) & 0x20, 0x20);
	CHECK_EQ(read_counter(&bus, 0x42), 2);	/* 10, 8, 6, 4, 2 */
	at_tick(&clk, 5);
	CHECK_EQ(inb(&bus, 0x61) & 0x20, 0);
	CHECK_EQ(read_counter(&bus, 0x42), 10);
	outb(&bus, 0x43, 0xe8);			/* read-back status ch2 */
	CHECK_EQ(inb(&bus, 0x42), 0x36);	/* OUT low, LSB/MSB, mode 3 */
	at_tick(&clk, 10);
	CHECK_EQ(inb(&bus, 0x61) & 0x20, 0x20);
	/* Odd count 7: high for 4 ticks, low for 3. */
	outb(&bus, 0x43, 0xb6);
	write_counter(&bus, 0x42, 7);
	at_tick(&clk, 13);
	CHECK_EQ(inb(&bus, 0x61) & 0x20, 0x20);
	at_tick(&clk, 14);
	CHECK_EQ(inb(&bus, 0x61) & 0x20, 0);
	at_tick(&clk, 17);
	CHECK_EQ(inb(&bus, 0x61) & 0x20, 0x20);
	/* Gate low forces OUT high; a rising gate restarts the count. */
	at_tick(&clk, 21);
	CHECK_EQ(inb(&bus, 0x61) & 0x20, 0);
	outb(&bus, 0x61, 0x00);
	CHECK_EQ(inb(&bus, 0x61) & 0x20, 0x20);
	outb(&bus, 0x61, 0x01);
	CHECK_EQ(read_counter(&bus, 0x42), 6);
	teardown(&bus, &pit);
}

TEST(pit_access_modes_and_bcd)
{
	struct fake_line line = { 0 };
	struct fake_clock clk;
	struct mv_pit pit;
	struct mv_bus bus;

	setup(&bus, &pit, &clk, &line);
	outb(&bus, 0x43, 0x60);			/* ch1, MSB only, mode 0 */
	outb(&bus, 0x41, 0x12);			/* count 0x1200 */
	at_tick(&clk, 0x100);
	CHECK_EQ(inb(&bus, 0x41), 0x11);
	CHECK_EQ(inb(&bus, 0x41), 0x11);
	outb(&bus, 0x43, 0x50);			/* ch1, LSB only */
	outb(&bus, 0x41, 0x80);
	at_tick(&clk, 0x110);
	CHECK_EQ(inb(&bus, 0x41), 0x70);
	outb(&bus, 0x43, 0x40);			/* latch, LSB only */
	at_tick(&clk, 0x120);
	CHECK_EQ(inb(&bus, 0x41), 0x70);
	CHECK_EQ(inb(&bus, 0x41), 0x60);

	outb(&bus, 0x43, 0x71);			/* ch1, LSB/MSB, mode 0, BCD */
	write_counter(&bus, 0x41, 0x1000);
	at_tick(&clk, 0x121);
	CHECK_EQ(read_counter(&bus, 0x41), 0x0999);
	at_tick(&clk, 0x120 + 1000 + 1);	/* wraps to 9999 */
	CHECK_EQ(read_counter(&bus, 0x41), 0x9999);
	write_counter(&bus, 0x41, 0x0000);	/* 0 is 10000 */
	at_tick(&clk, 0x120 + 1000 + 2);
	CHECK_EQ(read_counter(&bus, 0x41), 0x9999);
	teardown(&bus, &pit);
}

static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* The real thread: ~1 kHz for ~100 ms. */
TEST(pit_thread_ticks_in_real_time)
{
	const struct timespec pause = { 0, 100000000 };
	struct fake_line line = { 0 };
	struct mv_irq_line irq0 = { .set = fake_set, .chip = &line };
	uint64_t start, elapsed;
	struct mv_pit pit;
	struct mv_bus bus;

	mv_bus_init(&bus, NULL);
	CHECK_EQ(mv_pit_init(&pit, &bus, irq0), 0);
	start = mono_ms();
	outb(&bus, 0x43, 0x34);
	write_counter(&bus, 0x40, 1193);	/* 1000.15 Hz */
	nanosleep(&pause, NULL);
	mv_pit_destroy(&pit);
	elapsed = mono_ms() - start;
	/* Never more than one per period; most of them on an idle host. */
	CHECK(line.rises <= elapsed + 2);
	CHECK(line.rises >= 40);
	CHECK_EQ(line.rises, pit.irq0_edges);
	mv_bus_destroy(&bus);
}

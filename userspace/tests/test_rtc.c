// SPDX-License-Identifier: GPL-2.0
#include <stdint.h>

#include "test.h"
#include "devices/bus.h"
#include "devices/rtc.h"

struct fake_clock {
	struct timespec now;
};

static void fake_clock(void *arg, struct timespec *now)
{
	*now = ((struct fake_clock *)arg)->now;
}

static uint8_t cmos_read(struct mv_bus *bus, uint8_t index)
{
	uint8_t v = 0;

	mv_bus_access(bus, MV_SPACE_PIO, NULL, MV_RTC_PORT, &index, 1, true);
	mv_bus_access(bus, MV_SPACE_PIO, NULL, MV_RTC_PORT + 1, &v, 1, false);
	return v;
}

static void cmos_write(struct mv_bus *bus, uint8_t index, uint8_t v)
{
	mv_bus_access(bus, MV_SPACE_PIO, NULL, MV_RTC_PORT, &index, 1, true);
	mv_bus_access(bus, MV_SPACE_PIO, NULL, MV_RTC_PORT + 1, &v, 1, true);
}

/* 2024-02-29 21:07:09 UTC, a Thursday. */
#define T0	1709240829

static void setup(struct mv_bus *bus, struct mv_rtc *rtc,
		  struct fake_clock *clk)
{
	clk->now.tv_sec = T0;
	clk->now.tv_nsec = 0;
	mv_bus_init(bus, NULL);
	CHECK_EQ(mv_rtc_init(rtc, bus), 0);
	mv_rtc_set_clock(rtc, fake_clock, clk);
}

TEST(rtc_defaults_bcd_24h)
{
	struct fake_clock clk;
	struct mv_rtc rtc;
	struct mv_bus bus;

	setup(&bus, &rtc, &clk);
	CHECK_EQ(cmos_read(&bus, MV_RTC_REG_A), 0x26);
	CHECK_EQ(cmos_read(&bus, MV_RTC_REG_B), 0x02);
	CHECK_EQ(cmos_read(&bus, MV_RTC_REG_C), 0x00);
	CHECK_EQ(cmos_read(&bus, MV_RTC_REG_D), 0x80);
	CHECK_EQ(cmos_read(&bus, MV_RTC_SECONDS), 0x09);
	CHECK_EQ(cmos_read(&bus, MV_RTC_MINUTES), 0x07);
	CHECK_EQ(cmos_read(&bus, MV_RTC_HOURS), 0x21);
	CHECK_EQ(cmos_read(&bus, MV_RTC_WEEKDAY), 5);
	CHECK_EQ(cmos_read(&bus, MV_RTC_MDAY), 0x29);
	CHECK_EQ(cmos_read(&bus, MV_RTC_MONTH), 0x02);
	CHECK_EQ(cmos_read(&bus, MV_RTC_YEAR), 0x24);
	CHECK_EQ(cmos_read(&bus, MV_RTC_CENTURY), 0x20);
	/* The clock runs. */
	clk.now.tv_sec += 61;
	CHECK_EQ(cmos_read(&bus, MV_RTC_SECONDS), 0x10);
	CHECK_EQ(cmos_read(&bus, MV_RTC_MINUTES), 0x08);
	mv_bus_destroy(&bus);
}

TEST(rtc_binary_and_12h_modes)
{
	struct fake_clock clk;
	struct mv_rtc rtc;
	struct mv_bus bus;

	setup(&bus, &rtc, &clk);
	cmos_write(&bus, MV_RTC_REG_B, MV_RTC_B_DM_BINARY | MV_RTC_B_24H);
	CHECK_EQ(cmos_read(&bus, MV_RTC_HOURS), 21);
	CHECK_EQ(cmos_read(&bus, MV_RTC_MDAY), 29);
	CHECK_EQ(cmos_read(&bus, MV_RTC_YEAR), 24);
	CHECK_EQ(cmos_read(&bus, MV_RTC_CENTURY), 20);
	/* 12-hour: 21h is 9 PM (bit 7). */
	cmos_write(&bus, MV_RTC_REG_B, MV_RTC_B_DM_BINARY);
	CHECK_EQ(cmos_read(&bus, MV_RTC_HOURS), 0x80 | 9);
	cmos_write(&bus, MV_RTC_REG_B, 0);
	CHECK_EQ(cmos_read(&bus, MV_RTC_HOURS), 0x89);
	/* Midnight is 12 AM, noon 12 PM. */
	clk.now.tv_sec = T0 - 21 * 3600;
	CHECK_EQ(cmos_read(&bus, MV_RTC_HOURS), 0x12);
	clk.now.tv_sec = T0 - 9 * 3600;
	CHECK_EQ(cmos_read(&bus, MV_RTC_HOURS), 0x92);
	clk.now.tv_sec = T0 - 10 * 3600;
	CHECK_EQ(cmos_read(&bus, MV_RTC_HOURS), 0x11);
	mv_bus_destroy(&bus);
}

TEST(rtc_nvram_round_trip_and_index_masking)
{
	struct fake_clock clk;
	struct mv_rtc rtc;
	struct mv_bus bus;
	uint8_t v = 0;
	unsigned int i;

	setup(&bus, &rtc, &clk);
	for (i = 0x0e; i < MV_RTC_SIZE; i++)
		if (i != MV_RTC_CENTURY)
			cmos_write(&bus, (uint8_t)i, (uint8_t)(i ^ 0x5a));
	for (i = 0x0e; i < MV_RTC_SIZE; i++)
		if (i != MV_RTC_CENTURY)
			CHECK_EQ(cmos_read(&bus, (uint8_t)i), i ^ 0x5a);
	/* Alarm registers are storage. */
	cmos_write(&bus, 0x01, 0x42);
	CHECK_EQ(cmos_read(&bus, 0x01), 0x42);
	/* Bit 7 of the index is the NMI mask, not part of the index. */
	CHECK_EQ(cmos_read(&bus, MV_RTC_NMI_MASK | 0x20), 0x20 ^ 0x5a);
	CHECK(rtc.nmi_masked);
	cmos_write(&bus, MV_RTC_NMI_MASK | 0x21, 0x77);
	CHECK_EQ(cmos_read(&bus, 0x21), 0x77);
	CHECK(!rtc.nmi_masked);
	CHECK_EQ(cmos_read(&bus, MV_RTC_NMI_MASK | MV_RTC_REG_D), 0x80);
	/* Port 0x70 is write-only. */
	mv_bus_access(&bus, MV_SPACE_PIO, NULL, MV_RTC_PORT, &v, 1, false);
	CHECK_EQ(v, 0xff);
	/* C and D are read-only; UIP cannot be written. */
	cmos_write(&bus, MV_RTC_REG_D, 0);
	CHECK_EQ(cmos_read(&bus, MV_RTC_REG_D), 0x80);
	cmos_write(&bus, MV_RTC_REG_C, 0xf0);
	CHECK_EQ(cmos_read(&bus, MV_RTC_REG_C), 0);
	cmos_write(&bus, MV_RTC_REG_A, 0xa6);
	CHECK_EQ(cmos_read(&bus, MV_RTC_REG_A), 0x26);
	mv_bus_destroy(&bus);
}

TEST(rtc_uip_only_just_before_the_update)
{
	struct fake_clock clk;
	struct mv_rtc rtc;
	struct mv_bus bus;

	setup(&bus, &rtc, &clk);
	clk.now.tv_nsec = 999000000;
	CHECK_EQ(cmos_read(&bus, MV_RTC_REG_A), 0x26);
	clk.now.tv_nsec = 999800000;
	CHECK_EQ(cmos_read(&bus, MV_RTC_REG_A), 0xa6);
	/* No updates while SET is on, so no UIP either. */
	cmos_write(&bus, MV_RTC_REG_B, MV_RTC_B_SET | MV_RTC_B_24H);
	CHECK_EQ(cmos_read(&bus, MV_RTC_REG_A), 0x26);
	mv_bus_destroy(&bus);
}

/* mc146818_set_time(): SET, write the registers, clear SET. */
TEST(rtc_guest_sets_the_time)
{
	struct fake_clock clk;
	struct mv_rtc rtc;
	struct mv_bus bus;

	setup(&bus, &rtc, &clk);
	cmos_write(&bus, MV_RTC_REG_B, MV_RTC_B_SET | MV_RTC_B_24H);
	/* Frozen: time passing does not show. */
	clk.now.tv_sec += 5;
	CHECK_EQ(cmos_read(&bus, MV_RTC_SECONDS), 0x09);
	cmos_write(&bus, MV_RTC_YEAR, 0x99);
	cmos_write(&bus, MV_RTC_MONTH, 0x12);
	cmos_write(&bus, MV_RTC_MDAY, 0x31);
	cmos_write(&bus, MV_RTC_HOURS, 0x23);
	cmos_write(&bus, MV_RTC_MINUTES, 0x59);
	cmos_write(&bus, MV_RTC_SECONDS, 0x58);
	cmos_write(&bus, MV_RTC_CENTURY, 0x19);
	cmos_write(&bus, MV_RTC_REG_B, MV_RTC_B_24H);
	CHECK_EQ(cmos_read(&bus, MV_RTC_SECONDS), 0x58);
	clk.now.tv_sec += 2;
	CHECK_EQ(cmos_read(&bus, MV_RTC_SECONDS), 0x00);
	CHECK_EQ(cmos_read(&bus, MV_RTC_YEAR), 0x00);
	CHECK_EQ(cmos_read(&bus, MV_RTC_CENTURY), 0x20);
	CHECK_EQ(cmos_read(&bus, MV_RTC_MONTH), 0x01);
	CHECK_EQ(cmos_read(&bus, MV_RTC_WEEKDAY), 7);	/* 2000-01-01: Sat */
	/* One field of the running clock. */
	cmos_write(&bus, MV_RTC_MINUTES, 0x30);
	CHECK_EQ(cmos_read(&bus, MV_RTC_MINUTES), 0x30);
	CHECK_EQ(cmos_read(&bus, MV_RTC_HOURS), 0x00);
	mv_bus_destroy(&bus);
}

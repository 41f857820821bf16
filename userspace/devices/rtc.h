/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The PC's CMOS real-time clock and NVRAM (a Motorola MC146818A) at ports
 * 0x70 (index; bit 7 is the NMI mask, stored but with no effect) and 0x71
 * (data). 128 bytes:
 *
 *   0x00-0x09  time: seconds, (alarm), minutes, (alarm), hours, (alarm),
 *              day of week (1 = Sunday), day of month, month, year % 100;
 *              read from the host clock (UTC), plus an offset the guest
 *              sets by writing the time registers
 *   0x0a       status A: divider and rate bits (0x26 from a PC BIOS);
 *              UIP (bit 7) is set during the last 244 us of each second,
 *              the window in which the datasheet guarantees that an
 *              update is coming, and 0 otherwise
 *   0x0b       status B: SET (bit 7) freezes the time registers so the
 *              guest can write them; clearing it starts the clock from
 *              what was written. DM (bit 2): 1 binary, 0 BCD; 24/12
 *              (bit 1): 1 24-hour, 0 12-hour with bit 7 of the hour = PM.
 *              Default 0x02 (BCD, 24h), as a PC BIOS leaves it
 *   0x0c       status C: reads 0 (no interrupt flags are ever raised) and
 *              would be cleared by the read
 *   0x0d       status D: 0x80 (VRT: the battery is good, time is valid)
 *   0x32       century, in the mode of status B (0x20 in BCD)
 *   others     NVRAM: read back what was written (0 initially); the alarm
 *              registers are plain storage
 *
 * Not emulated: the RTC interrupt (IRQ 8: periodic, alarm, update-ended),
 * the divider reset and square-wave output. Changing DM or 24/12 takes
 * effect immediately for all time registers (the chip would need the
 * time to be rewritten). The day of week is computed from the date;
 * writes to it are ignored.
 */
#ifndef MV_RTC_H
#define MV_RTC_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "bus.h"

#define MV_RTC_PORT	0x70
#define MV_RTC_PORTS	2

#define MV_RTC_SECONDS	0x00
#define MV_RTC_MINUTES	0x02
#define MV_RTC_HOURS	0x04
#define MV_RTC_WEEKDAY	0x06
#define MV_RTC_MDAY	0x07
#define MV_RTC_MONTH	0x08
#define MV_RTC_YEAR	0x09
#define MV_RTC_REG_A	0x0a
#define MV_RTC_REG_B	0x0b
#define MV_RTC_REG_C	0x0c
#define MV_RTC_REG_D	0x0d
#define MV_RTC_CENTURY	0x32
#define MV_RTC_SIZE	128

#define MV_RTC_A_UIP	0x80
#define MV_RTC_A_DEFAULT 0x26	/* 32.768 kHz time base, 1024 Hz rate */
#define MV_RTC_B_SET	0x80
#define MV_RTC_B_UIE	0x10
#define MV_RTC_B_DM_BINARY 0x04
#define MV_RTC_B_24H	0x02
#define MV_RTC_B_DEFAULT MV_RTC_B_24H
#define MV_RTC_D_VRT	0x80
#define MV_RTC_NMI_MASK	0x80	/* in the index byte */

/* The host's wall clock (UTC); tests inject their own. */
typedef void mv_rtc_clock_fn(void *arg, struct timespec *now);

struct mv_rtc {
	uint8_t cmos[MV_RTC_SIZE];	/* time registers valid while frozen */
	uint8_t index;			/* 0..127 */
	bool nmi_masked;		/* bit 7 of the last index write */
	bool frozen;			/* SET: time registers hold the latch */
	int64_t offset;			/* guest time - host time, seconds */
	mv_rtc_clock_fn *clock;
	void *clock_arg;
};

/* Registers ports 0x70-0x71; 0 or the mv_bus_register error. */
__attribute__((warn_unused_result))
int mv_rtc_init(struct mv_rtc *rtc, struct mv_bus *bus);

/* Replaces the clock (default: CLOCK_REALTIME). */
void mv_rtc_set_clock(struct mv_rtc *rtc, mv_rtc_clock_fn *fn, void *arg);

#endif /* MV_RTC_H */

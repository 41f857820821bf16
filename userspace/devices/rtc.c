// SPDX-License-Identifier: GPL-2.0
#include <string.h>

#include "rtc.h"

/*
 * MC146818A: UIP rises 244 us before each update (once a second) and the
 * time registers are stable whenever UIP reads 0. Our registers change
 * exactly at the second boundary, so UIP is raised in the window before.
 */
#define UIP_WINDOW_NS	244000L

static void host_clock(void *arg, struct timespec *now)
{
	(void)arg;
	clock_gettime(CLOCK_REALTIME, now);
}

static bool is_time_reg(unsigned int idx)
{
	switch (idx) {
	case MV_RTC_SECONDS:
	case MV_RTC_MINUTES:
	case MV_RTC_HOURS:
	case MV_RTC_WEEKDAY:
	case MV_RTC_MDAY:
	case MV_RTC_MONTH:
	case MV_RTC_YEAR:
	case MV_RTC_CENTURY:
		return true;
	default:
		return false;
	}
}

static bool binary_mode(const struct mv_rtc *rtc)
{
	return rtc->cmos[MV_RTC_REG_B] & MV_RTC_B_DM_BINARY;
}

static uint8_t encode(const struct mv_rtc *rtc, unsigned int v)
{
	return binary_mode(rtc) ? (uint8_t)v : (uint8_t)((v / 10) << 4 | v % 10);
}

static unsigned int decode(const struct mv_rtc *rtc, uint8_t v)
{
	return binary_mode(rtc) ? v : (v >> 4) * 10 + (v & 0x0f);
}

/* 12-hour mode: 12, 1..11 with bit 7 set for PM (12 PM is noon). */
static uint8_t encode_hour(const struct mv_rtc *rtc, unsigned int hour)
{
	unsigned int h12 = hour % 12 ? hour % 12 : 12;

	if (rtc->cmos[MV_RTC_REG_B] & MV_RTC_B_24H)
		return encode(rtc, hour);
	return encode(rtc, h12) | (hour >= 12 ? 0x80 : 0);
}

static unsigned int decode_hour(const struct mv_rtc *rtc, uint8_t v)
{
	if (rtc->cmos[MV_RTC_REG_B] & MV_RTC_B_24H)
		return decode(rtc, v);
	return decode(rtc, v & 0x7f) % 12 + (v & 0x80 ? 12 : 0);
}

/* The guest's current time into the time registers of @regs. */
static void fill_time(const struct mv_rtc *rtc, uint8_t *regs)
{
	struct timespec now;
	struct tm tm;
	time_t t;

	rtc->clock(rtc->clock_arg, &now);
	t = (time_t)(now.tv_sec + rtc->offset);
	gmtime_r(&t, &tm);
	regs[MV_RTC_SECONDS] = encode(rtc, (unsigned int)tm.tm_sec);
	regs[MV_RTC_MINUTES] = encode(rtc, (unsigned int)tm.tm_min);
	regs[MV_RTC_HOURS] = encode_hour(rtc, (unsigned int)tm.tm_hour);
	regs[MV_RTC_WEEKDAY] = encode(rtc, (unsigned int)tm.tm_wday + 1);
	regs[MV_RTC_MDAY] = encode(rtc, (unsigned int)tm.tm_mday);
	regs[MV_RTC_MONTH] = encode(rtc, (unsigned int)tm.tm_mon + 1);
	regs[MV_RTC_YEAR] = encode(rtc, (unsigned int)(tm.tm_year + 1900) % 100);
	regs[MV_RTC_CENTURY] = encode(rtc, (unsigned int)(tm.tm_year + 1900) / 100);
}

/* The clock restarts from the time the guest wrote into the registers. */
static void commit_time(struct mv_rtc *rtc)
{
	const uint8_t *r = rtc->cmos;
	struct timespec now;
	struct tm tm = { 0 };

	tm.tm_sec = (int)decode(rtc, r[MV_RTC_SECONDS]);
	tm.tm_min = (int)decode(rtc, r[MV_RTC_MINUTES]);
	tm.tm_hour = (int)decode_hour(rtc, r[MV_RTC_HOURS]);
	tm.tm_mday = (int)decode(rtc, r[MV_RTC_MDAY]);
	tm.tm_mon = (int)decode(rtc, r[MV_RTC_MONTH]) - 1;
	tm.tm_year = (int)(decode(rtc, r[MV_RTC_CENTURY]) * 100 +
			   decode(rtc, r[MV_RTC_YEAR])) - 1900;
	rtc->clock(rtc->clock_arg, &now);
	rtc->offset = (int64_t)timegm(&tm) - (int64_t)now.tv_sec;
}

static uint8_t rtc_read(struct mv_rtc *rtc)
{
	unsigned int idx = rtc->index;
	uint8_t regs[MV_RTC_SIZE], val;
	struct timespec now;

	if (is_time_reg(idx) && !rtc->frozen) {
		fill_time(rtc, regs);
		return regs[idx];
	}
	switch (idx) {
	case MV_RTC_REG_A:
		val = rtc->cmos[idx] & ~MV_RTC_A_UIP;
		rtc->clock(rtc->clock_arg, &now);
		/* SET inhibits updates, and UIP with them. */
		if (!rtc->frozen && now.tv_nsec >= 1000000000L - UIP_WINDOW_NS)
			val |= MV_RTC_A_UIP;
		return val;
	case MV_RTC_REG_C:
		/* Flags clear on read; none are raised (no IRQ 8). */
		val = rtc->cmos[idx];
		rtc->cmos[idx] = 0;
		return val;
	default:
		return rtc->cmos[idx];
	}
}

static void rtc_write(struct mv_rtc *rtc, uint8_t val)
{
	unsigned int idx = rtc->index;

	if (is_time_reg(idx)) {
		if (rtc->frozen) {
			rtc->cmos[idx] = val;
			return;
		}
		/* Set one field of the running clock. */
		fill_time(rtc, rtc->cmos);
		rtc->cmos[idx] = val;
		commit_time(rtc);
		return;
	}
	switch (idx) {
	case MV_RTC_REG_A:
		rtc->cmos[idx] = val & ~MV_RTC_A_UIP;	/* UIP is read-only */
		break;
	case MV_RTC_REG_B:
		if ((val & MV_RTC_B_SET) && !rtc->frozen) {
			/* SET also clears UIE (datasheet); latch, new mode. */
			rtc->cmos[idx] = val & ~MV_RTC_B_UIE;
			fill_time(rtc, rtc->cmos);
			rtc->frozen = true;
			break;
		}
		if (!(val & MV_RTC_B_SET) && rtc->frozen) {
			/* Written in the mode in effect while frozen. */
			commit_time(rtc);
			rtc->frozen = false;
		}
		rtc->cmos[idx] = val;
		break;
	case MV_RTC_REG_C:
	case MV_RTC_REG_D:
		break;				/* read-only */
	default:
		rtc->cmos[idx] = val;
		break;
	}
}

/*
 * Port 0x70 is write-only on a PC (reads return all-ones here, as in
 * QEMU); a write selects the register and sets the NMI mask (bit 7).
 * Byte accesses are what guests use; wider ones are split into bytes.
 */
static void rtc_access(void *opaque, struct mv_vcpu_ctx *vcpu, uint64_t addr,
		       void *data, unsigned int len, bool is_write)
{
	struct mv_rtc *rtc = opaque;
	uint8_t *bytes = data;
	unsigned int i;

	(void)vcpu;
	for (i = 0; i < len; i++) {
		uint64_t port = addr + i;

		if (port == MV_RTC_PORT && is_write) {
			rtc->index = bytes[i] & ~MV_RTC_NMI_MASK;
			rtc->nmi_masked = bytes[i] & MV_RTC_NMI_MASK;
		} else if (port == MV_RTC_PORT + 1 && is_write) {
			rtc_write(rtc, bytes[i]);
		} else if (port == MV_RTC_PORT + 1) {
			bytes[i] = rtc_read(rtc);
		} else if (!is_write) {
			bytes[i] = 0xff;
		}
	}
}

int mv_rtc_init(struct mv_rtc *rtc, struct mv_bus *bus)
{
	memset(rtc, 0, sizeof(*rtc));
	rtc->clock = host_clock;
	rtc->cmos[MV_RTC_REG_A] = MV_RTC_A_DEFAULT;
	rtc->cmos[MV_RTC_REG_B] = MV_RTC_B_DEFAULT;
	rtc->cmos[MV_RTC_REG_D] = MV_RTC_D_VRT;
	return mv_bus_register(bus, MV_SPACE_PIO, MV_RTC_PORT, MV_RTC_PORTS,
			       rtc_access, rtc, "rtc");
}

void mv_rtc_set_clock(struct mv_rtc *rtc, mv_rtc_clock_fn *fn, void *arg)
{
	rtc->clock = fn ? fn : host_clock;
	rtc->clock_arg = fn ? arg : NULL;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * The 8254 PIT. References are to the Intel 8254 datasheet (order number
 * 231164), "Mode Definitions" and "Read Operations".
 *
 * Each channel's state is a position d (CLK ticks since the count was
 * loaded) that advances with the clock while the channel counts. The
 * counter value, OUT and the time of the next OUT edge are functions of d,
 * so nothing runs per tick and reads follow real time exactly. Ticks are
 * integers on one axis (tick 0 = mv_pit_init()), so a periodic channel's
 * edges stay at start + k * count forever: no drift.
 *
 * Approximations:
 *  - A written count is loaded at once; the datasheet loads it "on the
 *    next CLK pulse", one tick (838 ns) later.
 *  - Mode 3's counter readback decrements by two from the (even) count in
 *    each half period, as the datasheet describes for even counts; for odd
 *    counts the half periods have the right lengths ((N+1)/2 high,
 *    (N-1)/2 low) but the intermediate values are approximate. A count
 *    written while counting takes effect at the end of the whole period,
 *    not of the half period.
 *  - On irq0, modes 0 and 1 drive OUT's level (high at terminal count,
 *    low when reprogrammed); the other modes pulse the line at each rising
 *    edge of OUT and otherwise leave it low. The 8259 only sees edges, and
 *    the edges are where the datasheet puts them, except that a mode word
 *    that sets OUT high (modes 1-5) gives no edge.
 *  - The mode word resets the channel's byte pointers and drops unread
 *    latches (the datasheet: "all control logic is immediately reset").
 *  - Channels 0 and 1 have their gates tied high, as on a PC; channel 1
 *    counts but drives nothing.
 */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "pit.h"

#define NSEC_PER_SEC	1000000000ull

#define PORT_B_GATE2	0x01
#define PORT_B_RW_MASK	0x0f	/* gate, speaker, parity/IOCHK enables */
#define PORT_B_REFRESH	0x10
#define PORT_B_OUT2	0x20

static uint64_t ns_to_ticks(uint64_t ns)
{
	return ns / NSEC_PER_SEC * MV_PIT_HZ +
	       ns % NSEC_PER_SEC * MV_PIT_HZ / NSEC_PER_SEC;
}

/* Rounded up, so that ns_to_ticks(ticks_to_ns(t)) >= t. */
static uint64_t ticks_to_ns(uint64_t t)
{
	return t / MV_PIT_HZ * NSEC_PER_SEC +
	       (t % MV_PIT_HZ * NSEC_PER_SEC + MV_PIT_HZ - 1) / MV_PIT_HZ;
}

static uint64_t now_tick(const struct mv_pit *pit)
{
	uint64_t ns = pit->clock(pit->clock_arg);

	return ns > pit->epoch_ns ? ns_to_ticks(ns - pit->epoch_ns) : 0;
}

static uint64_t monotonic_ns(void *arg)
{
	struct timespec ts;

	(void)arg;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * NSEC_PER_SEC + (uint64_t)ts.tv_nsec;
}

static uint32_t modulus(const struct mv_pit_channel *c)
{
	return c->bcd ? 10000 : 0x10000;
}

static uint16_t to_bcd(uint32_t v)
{
	return (uint16_t)(v % 10 | (v / 10 % 10) << 4 | (v / 100 % 10) << 8 |
			  (v / 1000 % 10) << 12);
}

/* A written count: 0 is the largest, 2^16 binary or 10^4 BCD. */
static uint32_t written_count(const struct mv_pit_channel *c, uint32_t v)
{
	if (c->bcd)
		v = (v & 0xf) + (v >> 4 & 0xf) * 10 + (v >> 8 & 0xf) * 100 +
		    (v >> 12 & 0xf) * 1000;
	return v ? v : modulus(c);
}

static uint64_t chan_d(const struct mv_pit_channel *c, uint64_t now)
{
	return c->d_base + (c->counting ? now - c->start_tick : 0);
}

/*
 * Modes 2 and 3: a count written while counting "does not affect the
 * current counting sequence"; it is loaded at the end of the current
 * cycle. Applied lazily, at the first look at the channel after that.
 */
static void chan_sync(struct mv_pit_channel *c, uint64_t now)
{
	uint64_t d;

	if (!c->has_pending || !c->counting || (c->mode != 2 && c->mode != 3))
		return;
	d = chan_d(c, now);
	if (d < c->count)
		return;
	c->d_base = d - c->count;
	c->start_tick = now;
	c->count = c->pending;
	c->has_pending = false;
}

static void chan_freeze(struct mv_pit_channel *c, uint64_t now)
{
	c->d_base = chan_d(c, now);
	c->counting = false;
}

static void chan_start(struct mv_pit_channel *c, uint32_t count,
		       uint64_t now)
{
	c->count = count;
	c->d_base = 0;
	c->start_tick = now;
	c->counting = c->gate;
	c->loaded = true;
}

/* The counter element's value, 0 .. modulus - 1, binary. */
static uint32_t chan_value(const struct mv_pit_channel *c, uint64_t now)
{
	uint32_t m = modulus(c), n = c->count;
	uint64_t d = chan_d(c, now);
	uint32_t p, even, high;

	switch (c->mode) {
	case 2:
		/* N, N-1, ..., 1, then reloaded: never 0 (except N = 2^16). */
		return (n - (uint32_t)(d % n)) % m;
	case 3:
		p = (uint32_t)(d % n);
		even = n & ~1u;
		high = (n + 1) / 2;
		return (p < high ? even - 2 * p : even - 2 * (p - high)) % m;
	default:
		/* Counts down through 0 and wraps ("continues counting"). */
		return (uint32_t)((n + m - d % m) % m);
	}
}

static bool chan_out(const struct mv_pit_channel *c, uint64_t now)
{
	uint64_t d = chan_d(c, now);

	switch (c->mode) {
	case 0:
		/* Low from the mode word until terminal count, then high. */
		return c->loaded && d >= c->count;
	case 1:
		/* Low from the trigger until terminal count. */
		return !c->counting || d >= c->count;
	case 2:
		/* Low for the one tick the counter holds 1. */
		return !c->counting || d % c->count != c->count - 1;
	case 3:
		/* High for ceil(N/2) ticks, low for floor(N/2). */
		return !c->counting || d % c->count < (c->count + 1) / 2;
	default:
		/* 4, 5: a one-tick low strobe when the counter reaches 0. */
		return !c->counting || d != c->count;
	}
}

/*
 * The tick of OUT's next rising edge after @now, or MV_PIT_NEVER: at
 * terminal count in modes 0 and 1, at the end of the strobe in modes 4 and
 * 5, at each reload in modes 2 and 3 (d a multiple of the count).
 */
static uint64_t chan_next_edge(const struct mv_pit_channel *c, uint64_t now)
{
	uint64_t d = chan_d(c, now), target;

	if (!c->counting || !c->loaded)
		return MV_PIT_NEVER;
	switch (c->mode) {
	case 0:
	case 1:
		target = c->count;
		break;
	case 4:
	case 5:
		target = (uint64_t)c->count + 1;
		break;
	default:
		target = (d / c->count + 1) * c->count;
		break;
	}
	return d < target ? now + (target - d) : MV_PIT_NEVER;
}

/* A complete count was written. */
static void chan_load(struct mv_pit_channel *c, uint32_t count, uint64_t now)
{
	chan_sync(c, now);
	switch (c->mode) {
	case 0:
	case 4:
		/* Both restart with the new count ("retriggerable"). */
		c->has_pending = false;
		chan_start(c, count, now);
		break;
	case 2:
	case 3:
		if (c->loaded) {
			c->pending = count;
			c->has_pending = true;
		} else {
			chan_start(c, count, now);
		}
		break;
	default:
		/* 1, 5: loaded by the next gate trigger. */
		c->pending = count;
		c->has_pending = true;
		c->loaded = true;
		break;
	}
}

static void chan_set_gate(struct mv_pit_channel *c, bool gate, uint64_t now)
{
	if (gate == c->gate)
		return;
	chan_sync(c, now);
	c->gate = gate;
	if (!c->loaded)
		return;
	switch (c->mode) {
	case 0:
	case 4:
		/* GATE low suspends counting, high resumes it. */
		if (gate) {
			c->start_tick = now;
			c->counting = true;
		} else {
			chan_freeze(c, now);
		}
		break;
	case 2:
	case 3:
		/* Low stops counting (OUT high); a rising edge reloads. */
		if (gate) {
			if (c->has_pending) {
				c->count = c->pending;
				c->has_pending = false;
			}
			chan_start(c, c->count, now);
		} else {
			chan_freeze(c, now);
		}
		break;
	default:
		/* 1, 5: a rising edge (re)triggers; the level is ignored. */
		if (gate) {
			if (c->has_pending) {
				c->count = c->pending;
				c->has_pending = false;
			}
			chan_start(c, c->count, now);
		}
		break;
	}
}

static void chan_control(struct mv_pit_channel *c, uint8_t val, uint64_t now)
{
	chan_sync(c, now);
	chan_freeze(c, now);	/* the value is undefined until a count */
	c->mode = val >> 1 & 7;
	if (c->mode > 5)	/* 6 and 7 are aliases of 2 and 3 */
		c->mode -= 4;
	c->rw = val >> 4 & 3;
	c->bcd = val & 1;
	c->loaded = false;
	c->has_pending = false;
	c->write_msb = false;
	c->read_msb = false;
	c->count_latched = false;
	c->status_latched = false;
}

static void chan_latch_count(struct mv_pit_channel *c, uint64_t now)
{
	uint32_t v;

	/* A second latch before the first is read is ignored. */
	if (c->count_latched)
		return;
	v = chan_value(c, now);
	c->latch = c->bcd ? to_bcd(v) : (uint16_t)v;
	c->count_latched = true;
}

static void chan_latch_status(struct mv_pit_channel *c, uint64_t now)
{
	if (c->status_latched)
		return;
	/* OUT, NULL COUNT, RW1 RW0, M2 M1 M0, BCD. */
	c->status = (uint8_t)(chan_out(c, now) << 7 |
			      (!c->loaded || c->has_pending) << 6 |
			      c->rw << 4 | c->mode << 1 | c->bcd);
	c->status_latched = true;
}

static void chan_write(struct mv_pit_channel *c, uint8_t val, uint64_t now)
{
	uint32_t v;

	switch (c->rw) {
	case 1:
		v = val;
		break;
	case 2:
		v = (uint32_t)val << 8;
		break;
	default:
		if (!c->write_msb) {
			c->write_lsb = val;
			c->write_msb = true;
			/*
			 * Mode 0: "writing the first byte disables counting;
			 * OUT is set low immediately".
			 */
			if (c->mode == 0) {
				chan_freeze(c, now);
				c->loaded = false;
			}
			return;
		}
		c->write_msb = false;
		v = c->write_lsb | (uint32_t)val << 8;
		break;
	}
	chan_load(c, written_count(c, v), now);
}

/*
 * A status latched by read-back is read first, then a latched count
 * (released once all its bytes are read), else the live counter: two
 * unlatched reads of an LSB/MSB counter sample it twice, as on hardware.
 */
static uint8_t chan_read(struct mv_pit_channel *c, uint64_t now)
{
	bool msb, done;
	uint16_t v;

	if (c->status_latched) {
		c->status_latched = false;
		return c->status;
	}
	if (c->count_latched) {
		v = c->latch;
	} else {
		uint32_t x = chan_value(c, now);

		v = c->bcd ? to_bcd(x) : (uint16_t)x;
	}
	switch (c->rw) {
	case 1:
		msb = false;
		done = true;
		break;
	case 2:
		msb = true;
		done = true;
		break;
	default:
		msb = c->read_msb;
		c->read_msb = !msb;
		done = msb;
		break;
	}
	if (done)
		c->count_latched = false;
	return msb ? v >> 8 : v & 0xff;
}

static void pit_control(struct mv_pit *pit, uint8_t val, uint64_t now)
{
	unsigned int sc = val >> 6, i;

	if (sc == 3) {
		/* Read-back: bit 5 clear latches counts, bit 4 status. */
		for (i = 0; i < 3; i++) {
			struct mv_pit_channel *c = &pit->ch[i];

			if (!(val & 2u << i))
				continue;
			chan_sync(c, now);
			if (!(val & 0x20))
				chan_latch_count(c, now);
			if (!(val & 0x10))
				chan_latch_status(c, now);
		}
		return;
	}
	chan_sync(&pit->ch[sc], now);
	if (!(val & 0x30))
		chan_latch_count(&pit->ch[sc], now);
	else
		chan_control(&pit->ch[sc], val, now);
}

static void irq0_set(struct mv_pit *pit, bool level)
{
	pit->irq0_high = level;
	mv_irq_line_set(&pit->irq0, level);
}

static void irq0_lower(struct mv_pit *pit)
{
	if (pit->irq0_high)
		irq0_set(pit, false);
}

/* Delivers channel 0's edge if it is due: one, however many are due. */
static void irq0_catch_up(struct mv_pit *pit, uint64_t now)
{
	if (pit->irq0_next > now)
		return;
	pit->irq0_next = MV_PIT_NEVER;
	pit->irq0_edges++;
	if (pit->irq0_high)
		irq0_set(pit, false);
	irq0_set(pit, true);
	if (pit->ch[0].mode != 0 && pit->ch[0].mode != 1)
		irq0_set(pit, false);
}

/* After any change: when is channel 0's next edge? Wakes the thread. */
static void irq0_rearm(struct mv_pit *pit, uint64_t now)
{
	uint64_t old = pit->irq0_next;
	uint64_t one = 1;

	chan_sync(&pit->ch[0], now);
	pit->irq0_next = chan_next_edge(&pit->ch[0], now);
	if (pit->irq0_next != old && pit->wake_fd >= 0 &&
	    write(pit->wake_fd, &one, sizeof(one)) < 0) {
		/* Only EAGAIN (counter full): the thread wakes anyway. */
	}
}

uint64_t mv_pit_update(struct mv_pit *pit)
{
	uint64_t now = now_tick(pit);

	irq0_catch_up(pit, now);
	chan_sync(&pit->ch[0], now);
	pit->irq0_next = chan_next_edge(&pit->ch[0], now);
	if (pit->irq0_next == MV_PIT_NEVER)
		return MV_PIT_NEVER;
	return pit->epoch_ns + ticks_to_ns(pit->irq0_next);
}

static void pit_access(void *opaque, struct mv_vcpu_ctx *vcpu, uint64_t addr,
		       void *data, unsigned int len, bool is_write)
{
	struct mv_pit *pit = opaque;
	uint64_t now = now_tick(pit);
	uint8_t *bytes = data;
	unsigned int i;

	(void)vcpu;
	/* An edge due before the guest's change is delivered first. */
	irq0_catch_up(pit, now);
	for (i = 0; i < len; i++) {
		unsigned int reg = (unsigned int)(addr - MV_PIT_PORT) + i;
		struct mv_pit_channel *c = &pit->ch[reg < 3 ? reg : 0];

		if (reg < 3)
			chan_sync(c, now);
		if (is_write && reg == 3) {
			/* A mode word for channel 0 resets its OUT. */
			if (!(bytes[i] >> 6) && (bytes[i] & 0x30))
				irq0_lower(pit);
			pit_control(pit, bytes[i], now);
		} else if (is_write) {
			/* Mode 0 OUT goes low on a count write. */
			if (reg == 0)
				irq0_lower(pit);
			chan_write(c, bytes[i], now);
		} else {
			/* The control port reads as a no-operation. */
			bytes[i] = reg == 3 ? 0xff : chan_read(c, now);
		}
	}
	irq0_rearm(pit, now);
}

static void port_b_access(void *opaque, struct mv_vcpu_ctx *vcpu,
			  uint64_t addr, void *data, unsigned int len,
			  bool is_write)
{
	struct mv_pit *pit = opaque;
	struct mv_pit_channel *c2 = &pit->ch[2];
	uint64_t now = now_tick(pit);
	uint8_t *bytes = data;

	(void)vcpu;
	(void)addr;
	(void)len;	/* the range is one port long */
	irq0_catch_up(pit, now);
	chan_sync(c2, now);
	if (is_write) {
		pit->port_b = bytes[0] & PORT_B_RW_MASK;
		chan_set_gate(c2, bytes[0] & PORT_B_GATE2, now);
	} else {
		/*
		 * The refresh bit toggles every 15 us on hardware; toggling
		 * on each read is enough for loops that wait for a change.
		 */
		pit->refresh = !pit->refresh;
		bytes[0] = pit->port_b | (pit->refresh ? PORT_B_REFRESH : 0) |
			   (chan_out(c2, now) ? PORT_B_OUT2 : 0);
	}
	irq0_rearm(pit, now);
}

static void *pit_thread(void *arg)
{
	struct mv_pit *pit = arg;
	struct pollfd fds[2] = {
		{ .fd = pit->timer_fd, .events = POLLIN },
		{ .fd = pit->wake_fd, .events = POLLIN },
	};

	while (!atomic_load(&pit->stopping)) {
		struct itimerspec its = { 0 };
		uint64_t next, buf;

		pthread_mutex_lock(&pit->bus->lock);
		next = mv_pit_update(pit);
		pthread_mutex_unlock(&pit->bus->lock);
		/* An all-zero it_value would disarm: 0 ns is long past. */
		if (next != MV_PIT_NEVER) {
			its.it_value.tv_sec = (time_t)(next / NSEC_PER_SEC);
			its.it_value.tv_nsec = (long)(next % NSEC_PER_SEC);
			if (!next)
				its.it_value.tv_nsec = 1;
		}
		timerfd_settime(pit->timer_fd, TFD_TIMER_ABSTIME, &its, NULL);
		if (poll(fds, 2, -1) < 0)
			continue;	/* EINTR: look again */
		/*
		 * Drain before looking at the state: a reprogramming after
		 * this point writes wake_fd again, so none is missed.
		 */
		if ((fds[1].revents & POLLIN) &&
		    read(pit->wake_fd, &buf, sizeof(buf)) < 0)
			buf = 0;
		if ((fds[0].revents & POLLIN) &&
		    read(pit->timer_fd, &buf, sizeof(buf)) < 0)
			buf = 0;
	}
	return NULL;
}

static int pit_setup(struct mv_pit *pit, struct mv_bus *bus,
		     struct mv_irq_line irq0, mv_pit_clock_fn *clock,
		     void *clock_arg)
{
	unsigned int i;
	int ret;

	memset(pit, 0, sizeof(*pit));
	pit->bus = bus;
	pit->irq0 = irq0;
	pit->clock = clock;
	pit->clock_arg = clock_arg;
	pit->epoch_ns = clock(clock_arg);
	pit->irq0_next = MV_PIT_NEVER;
	pit->timer_fd = -1;
	pit->wake_fd = -1;
	atomic_init(&pit->stopping, false);
	for (i = 0; i < 3; i++) {
		pit->ch[i].count = 0x10000;
		pit->ch[i].rw = 3;
		/* Channel 2's gate is port 0x61 bit 0, which starts clear. */
		pit->ch[i].gate = i != 2;
	}
	ret = mv_bus_register(bus, MV_SPACE_PIO, MV_PIT_PORT, MV_PIT_PORTS,
			      pit_access, pit, "pit");
	if (!ret)
		ret = mv_bus_register(bus, MV_SPACE_PIO, MV_PIT_PORT_B, 1,
				      port_b_access, pit, "pit-port-b");
	return ret;
}

int mv_pit_init_manual(struct mv_pit *pit, struct mv_bus *bus,
		       struct mv_irq_line irq0, mv_pit_clock_fn *clock,
		       void *clock_arg)
{
	return pit_setup(pit, bus, irq0, clock, clock_arg);
}

int mv_pit_init(struct mv_pit *pit, struct mv_bus *bus,
		struct mv_irq_line irq0)
{
	int ret = pit_setup(pit, bus, irq0, monotonic_ns, NULL);

	if (ret)
		return ret;
	pit->timer_fd = timerfd_create(CLOCK_MONOTONIC,
				       TFD_NONBLOCK | TFD_CLOEXEC);
	if (pit->timer_fd < 0)
		return -errno;
	pit->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (pit->wake_fd < 0) {
		ret = -errno;
		goto err;
	}
	ret = pthread_create(&pit->thread, NULL, pit_thread, pit);
	if (ret) {
		ret = -ret;
		goto err;
	}
	pit->thread_started = true;
	return 0;
err:
	if (pit->wake_fd >= 0)
		close(pit->wake_fd);
	close(pit->timer_fd);
	pit->wake_fd = -1;
	pit->timer_fd = -1;
	return ret;
}

void mv_pit_destroy(struct mv_pit *pit)
{
	uint64_t one = 1;

	if (pit->thread_started) {
		atomic_store(&pit->stopping, true);
		if (write(pit->wake_fd, &one, sizeof(one)) < 0) {
			/* EAGAIN: the counter is full, a wake-up is due. */
		}
		pthread_join(pit->thread, NULL);
		pit->thread_started = false;
	}
	if (pit->wake_fd >= 0)
		close(pit->wake_fd);
	if (pit->timer_fd >= 0)
		close(pit->timer_fd);
	pit->wake_fd = -1;
	pit->timer_fd = -1;
}

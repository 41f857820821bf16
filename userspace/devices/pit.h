/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The Intel 8254 programmable interval timer at ports 0x40-0x43, plus the
 * PC's system control port B (0x61) for channel 2's gate and output.
 *
 * Time: the counters follow a clock (CLOCK_MONOTONIC by default) at the
 * PC's 1193182 Hz input, computed on demand from when counting started,
 * so the guest reads real elapsed time (Linux calibrates its TSC against
 * channel 2 this way). Channel 0's OUT drives IRQ 0 through an
 * mv_irq_line: a thread sleeps until the next rising edge of OUT (a
 * timerfd on CLOCK_MONOTONIC, absolute expiries computed from when the
 * count was loaded, so periodic modes do not drift), takes the bus lock
 * and drives the line. If the thread wakes late (the VMM was not
 * scheduled) it delivers one edge for all the periods it missed: ticks
 * are dropped, never queued up and flooded into the guest.
 *
 * Port 0x61: bit 0 channel 2 gate, bit 1 speaker data, bits 2-3 parity
 * and channel-check enables (all four stored); bit 4 toggles on every
 * read (the refresh-cycle toggle); bit 5 channel 2 OUT; bits 6-7 read 0.
 *
 * Modes 0, 2, 3 and 4 are modelled in full, 1 and 5 too, but on a PC only
 * channel 2's gate can trigger them. The approximations are documented
 * in pit.c.
 *
 * Locking: the bus lock (see irq_line.h); mv_pit_update() must be called
 * with it held.
 */
#ifndef MV_PIT_H
#define MV_PIT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "bus.h"
#include "irq_line.h"

#define MV_PIT_PORT		0x40
#define MV_PIT_PORTS		4
#define MV_PIT_PORT_B		0x61	/* system control port B */
#define MV_PIT_HZ		1193182u
#define MV_PIT_NEVER		UINT64_MAX

/* The time now, in ns, on a monotonic clock. */
typedef uint64_t mv_pit_clock_fn(void *arg);

struct mv_pit_channel {
	/*
	 * The counter's position is d clock ticks into its count: d_base
	 * plus, while counting, the ticks since start_tick. Everything
	 * else (the counter value, OUT, the next edge) is derived from d.
	 */
	uint64_t d_base;
	uint64_t start_tick;
	uint32_t count;		/* the count in use, 1..0x10000 */
	uint32_t pending;	/* a written count not loaded yet */
	bool has_pending;
	bool loaded;		/* a count was written since the mode word */
	bool counting;
	bool gate;
	uint8_t mode;		/* 0..5 */
	uint8_t rw;		/* 1 LSB, 2 MSB, 3 LSB then MSB */
	bool bcd;
	bool write_msb;		/* LSB/MSB: the next write is the MSB */
	uint8_t write_lsb;
	bool read_msb;		/* LSB/MSB: the next read is the MSB */
	bool count_latched;
	uint16_t latch;
	bool status_latched;
	uint8_t status;
};

struct mv_pit {
	struct mv_pit_channel ch[3];
	struct mv_bus *bus;
	struct mv_irq_line irq0;
	bool irq0_high;		/* the level last driven on irq0 */
	uint64_t irq0_next;	/* tick of channel 0's next edge, or NEVER */
	uint64_t irq0_edges;	/* edges driven on irq0 */
	uint8_t port_b;		/* the stored bits 3:0 of port 0x61 */
	bool refresh;

	mv_pit_clock_fn *clock;
	void *clock_arg;
	uint64_t epoch_ns;	/* tick 0 */

	/* The timer thread; none with mv_pit_init_manual(). */
	pthread_t thread;
	bool thread_started;
	int timer_fd;
	int wake_fd;		/* eventfd: reprogrammed, or stopping */
	atomic_bool stopping;
};

/*
 * Registers the ports and starts the timer thread; 0 or -errno. All
 * channels start idle (mode 0, no count): channel 0 raises nothing until
 * the guest programs it.
 */
__attribute__((warn_unused_result))
int mv_pit_init(struct mv_pit *pit, struct mv_bus *bus,
		struct mv_irq_line irq0);

/*
 * For unit tests: the same device on the clock @clock (ns), without a
 * thread; the test calls mv_pit_update() where the thread would wake.
 */
__attribute__((warn_unused_result))
int mv_pit_init_manual(struct mv_pit *pit, struct mv_bus *bus,
		       struct mv_irq_line irq0, mv_pit_clock_fn *clock,
		       void *clock_arg);

/*
 * The timer thread's step (bus lock held): drives irq0 if channel 0's
 * next edge is due (one edge however many are due), and returns the
 * clock time (ns) of the next one, or MV_PIT_NEVER.
 */
uint64_t mv_pit_update(struct mv_pit *pit);

/* Stops and joins the thread, closes its descriptors. */
void mv_pit_destroy(struct mv_pit *pit);

#endif /* MV_PIT_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * An interrupt request line from a device to an interrupt controller (the
 * 8259 pair on a PC). A device holds a struct mv_irq_line and drives it
 * high or low; the controller decides what the CPU sees (an ISA line is
 * edge-triggered at the 8259: a vector is raised on a low-to-high change).
 *
 * Locking: device state, the controller's state and every call on a line
 * are protected by the device bus's lock (struct mv_bus.lock). Handlers
 * called by mv_bus_access() already hold it; a device's own thread (a
 * timer, a console reader) must take it around its work.
 */
#ifndef MV_IRQ_LINE_H
#define MV_IRQ_LINE_H

#include <stdbool.h>
#include <stddef.h>

/* The controller's input: line @irq is now at @level. */
typedef void mv_irq_set_fn(void *chip, unsigned int irq, bool level);

struct mv_irq_line {
	mv_irq_set_fn *set;	/* NULL: the line is not connected */
	void *chip;
	unsigned int irq;
};

static inline void mv_irq_line_set(const struct mv_irq_line *line,
				   bool level)
{
	if (line && line->set)
		line->set(line->chip, line->irq, level);
}

/* One edge: a device that signals an event rather than a state. */
static inline void mv_irq_line_pulse(const struct mv_irq_line *line)
{
	mv_irq_line_set(line, true);
	mv_irq_line_set(line, false);
}

#endif /* MV_IRQ_LINE_H */

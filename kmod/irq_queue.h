/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-vCPU queue of pending external interrupts and NMIs: a fixed ring of
 * vectors in the order the VMM queued them, and a count of NMIs. Pure data
 * structure (the caller holds the lock), tested by KUnit.
 */
#ifndef MV_IRQ_QUEUE_H
#define MV_IRQ_QUEUE_H

#include <linux/types.h>
#include <minivisor.h>

struct mv_irq_queue {
	u8 vectors[MV_MAX_PENDING_IRQS];
	u16 head;		/* index of the oldest vector */
	u16 count;		/* vectors queued, <= MV_MAX_PENDING_IRQS */
	u16 nmis;		/* NMIs queued, <= MV_MAX_PENDING_IRQS */
};

/* 0, or -EAGAIN when full. */
int mv_irq_queue_push(struct mv_irq_queue *q, u8 vector);
/* Oldest vector in @vector; false if empty. Does not remove it. */
bool mv_irq_queue_peek(const struct mv_irq_queue *q, u8 *vector);
void mv_irq_queue_pop(struct mv_irq_queue *q);
int mv_irq_queue_push_nmi(struct mv_irq_queue *q);

#endif /* MV_IRQ_QUEUE_H */

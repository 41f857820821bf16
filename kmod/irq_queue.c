// SPDX-License-Identifier: GPL-2.0
#include <linux/errno.h>
#include "irq_queue.h"

int mv_irq_queue_push(struct mv_irq_queue *q, u8 vector)
{
	if (q->count >= MV_MAX_PENDING_IRQS)
		return -EAGAIN;
	q->vectors[(q->head + q->count) % MV_MAX_PENDING_IRQS] = vector;
	q->count++;
	return 0;
}

bool mv_irq_queue_peek(const struct mv_irq_queue *q, u8 *vector)
{
	if (!q->count)
		return false;
	*vector = q->vectors[q->head];
	return true;
}

void mv_irq_queue_pop(struct mv_irq_queue *q)
{
	if (!q->count)
		return;
	q->head = (q->head + 1) % MV_MAX_PENDING_IRQS;
	q->count--;
}

int mv_irq_queue_push_nmi(struct mv_irq_queue *q)
{
	if (q->nmis >= MV_MAX_PENDING_IRQS)
		return -EAGAIN;
	q->nmis++;
	return 0;
}

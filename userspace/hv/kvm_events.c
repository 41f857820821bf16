// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <string.h>

#include "hv/kvm_events.h"

void mv_kvm_evq_init(struct mv_kvm_evq *q)
{
	memset(q, 0, sizeof(*q));
}

int mv_kvm_evq_push_irq(struct mv_kvm_evq *q, unsigned int vector)
{
	if (vector < MV_KVM_MIN_VECTOR || vector > 255)
		return -EINVAL;
	if (q->nr_irqs == MV_MAX_PENDING_IRQS)
		return -EAGAIN;
	q->irq[(q->irq_head + q->nr_irqs) % MV_MAX_PENDING_IRQS] =
		(uint8_t)vector;
	q->nr_irqs++;
	return 0;
}

int mv_kvm_evq_push_nmi(struct mv_kvm_evq *q)
{
	if (q->nr_nmis == MV_MAX_PENDING_IRQS)
		return -EAGAIN;
	q->nr_nmis++;
	return 0;
}

bool mv_kvm_evq_pending(const struct mv_kvm_evq *q)
{
	return q->nr_irqs || q->nr_nmis;
}

bool mv_kvm_evq_irq_to_inject(const struct mv_kvm_evq *q, bool ready,
			      bool if_flag, uint8_t *vector)
{
	if (!q->nr_irqs || !ready || !if_flag)
		return false;
	*vector = q->irq[q->irq_head];
	return true;
}

void mv_kvm_evq_irq_taken(struct mv_kvm_evq *q)
{
	if (!q->nr_irqs)
		return;
	q->irq_head = (q->irq_head + 1) % MV_MAX_PENDING_IRQS;
	q->nr_irqs--;
}

bool mv_kvm_evq_irq_waiting(const struct mv_kvm_evq *q)
{
	return q->nr_irqs != 0;
}

bool mv_kvm_evq_nmi_query_needed(const struct mv_kvm_evq *q)
{
	return q->nmi_in_kvm;
}

bool mv_kvm_evq_nmi_to_inject(struct mv_kvm_evq *q, bool kvm_nmi_pending)
{
	if (!kvm_nmi_pending)
		q->nmi_in_kvm = false;
	return q->nr_nmis && !kvm_nmi_pending;
}

void mv_kvm_evq_nmi_taken(struct mv_kvm_evq *q)
{
	if (!q->nr_nmis)
		return;
	q->nr_nmis--;
	q->nmi_in_kvm = true;
}

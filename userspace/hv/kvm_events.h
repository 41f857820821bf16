/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The interrupts and NMIs the VMM queued for one vCPU under KVM, waiting
 * in userspace until KVM can take them without losing one. Pure data:
 * the caller holds the vCPU's lock around every call and does the
 * ioctls (hv/kvm.c).
 *
 * Why a queue of our own: without an in-kernel irqchip KVM holds at most
 * one external interrupt (KVM_INTERRUPT overwrites the one not yet
 * delivered) and at most one pending NMI beyond the one being delivered
 * (more are dropped, as on real hardware). minivisor promises every
 * queued event delivered exactly once, interrupts in order, so events
 * wait here: an interrupt goes to KVM only when kvm_run says KVM is
 * ready for one (the interrupt window, which request_interrupt_window
 * makes KVM exit for), an NMI only when KVM has none pending.
 */
#ifndef MV_HV_KVM_EVENTS_H
#define MV_HV_KVM_EVENTS_H

#include <stdbool.h>
#include <stdint.h>
#include <minivisor.h>

#define MV_KVM_MIN_VECTOR	32	/* 0..31 are exceptions */

struct mv_kvm_evq {
	uint8_t irq[MV_MAX_PENDING_IRQS];	/* vectors, a ring */
	unsigned int irq_head;			/* oldest */
	unsigned int nr_irqs;
	unsigned int nr_nmis;
	/* An NMI was handed to KVM that KVM may not have delivered yet. */
	bool nmi_in_kvm;
};

void mv_kvm_evq_init(struct mv_kvm_evq *q);

/* 0; -EINVAL for a vector outside 32..255; -EAGAIN when full. */
int mv_kvm_evq_push_irq(struct mv_kvm_evq *q, unsigned int vector);
/* 0; -EAGAIN when MV_MAX_PENDING_IRQS NMIs wait. */
int mv_kvm_evq_push_nmi(struct mv_kvm_evq *q);

/* Anything waiting in the queue (what wakes a vCPU halted with IF = 1). */
bool mv_kvm_evq_pending(const struct mv_kvm_evq *q);

/*
 * The interrupt to give KVM now, if one waits and kvm_run says the guest
 * can take it (ready_for_interrupt_injection and if_flag, as KVM set
 * them at the last exit). Then KVM_INTERRUPT it and, only if that
 * succeeded, call mv_kvm_evq_irq_taken().
 */
bool mv_kvm_evq_irq_to_inject(const struct mv_kvm_evq *q, bool ready,
			      bool if_flag, uint8_t *vector);
void mv_kvm_evq_irq_taken(struct mv_kvm_evq *q);
/* Interrupts still wait: set kvm_run->request_interrupt_window. */
bool mv_kvm_evq_irq_waiting(const struct mv_kvm_evq *q);

/*
 * Whether KVM must be asked (KVM_GET_VCPU_EVENTS) if its NMI is still
 * pending before another is given: only after we gave it one.
 */
bool mv_kvm_evq_nmi_query_needed(const struct mv_kvm_evq *q);
/*
 * An NMI to give KVM now (KVM_NMI), given whether KVM still has one
 * pending; clears nmi_in_kvm when it has not. Then, if KVM_NMI
 * succeeded, mv_kvm_evq_nmi_taken().
 */
bool mv_kvm_evq_nmi_to_inject(struct mv_kvm_evq *q, bool kvm_nmi_pending);
void mv_kvm_evq_nmi_taken(struct mv_kvm_evq *q);

#endif /* MV_HV_KVM_EVENTS_H */

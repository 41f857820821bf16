/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Event injection: external interrupts and NMIs queued by the VMM are
 * injected on VM entry when the guest can take them; otherwise interrupt-
 * or NMI-window exiting asks the CPU to exit as soon as it can (SDM Vol.
 * 3C 25.6.2, 26.7.5, 26.7.6).
 */
#ifndef MV_INTERRUPTS_H
#define MV_INTERRUPTS_H

#include <linux/types.h>

struct mv_vcpu;

/* MV_INTERRUPT / MV_NMI: queue, then kick or wake the vCPU. */
int mv_vcpu_queue_interrupt(struct mv_vcpu *vcpu, void __user *argp);
int mv_vcpu_queue_nmi(struct mv_vcpu *vcpu, unsigned long arg);

/* Just before VM entry, IRQs off, VMCS current. */
void mv_inject_pending_events(struct mv_vcpu *vcpu);
/*
 * Userspace set RFLAGS.IF = 0: an external interrupt set up for (re-)
 * injection must wait. VMCS loaded.
 */
void mv_vcpu_hold_injected_irq(struct mv_vcpu *vcpu);
/* True if something could wake a halted vCPU. */
bool mv_vcpu_has_events(struct mv_vcpu *vcpu);

#endif /* MV_INTERRUPTS_H */

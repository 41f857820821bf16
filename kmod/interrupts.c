// SPDX-License-Identifier: GPL-2.0
/*
 * The queue is written by any VMM thread (MV_INTERRUPT, MV_NMI) and read
 * by the vCPU thread right before each VM entry, both under irq_lock.
 *
 * A queued event must not wait for the next unrelated exit. The vCPU
 * thread sets in_guest (IRQs off) before it looks at the queue; the
 * queueing thread publishes the event before it reads in_guest. With a
 * full barrier on both sides, either the vCPU sees the event before
 * entry, or the queueing thread sees in_guest and sends an IPI, which
 * (external-interrupt exiting being on) makes the guest exit at once; an
 * IPI that arrives while IRQs are still off before entry is taken right
 * after entry, with the same effect. A halted vCPU sleeps on its wait
 * queue and is woken instead.
 */
#include <linux/sched.h>
#include <linux/smp.h>
#include <linux/uaccess.h>
#include <linux/wait.h>
#include <asm/processor-flags.h>
#include <asm/trapnr.h>
#include "caps.h"
#include "interrupts.h"
#include "mv.h"
#include "vmcs.h"

static void kick_ipi(void *unused)
{
	/* The interrupt itself caused the VM exit; nothing else to do. */
}

static void kick_vcpu(struct mv_vcpu *vcpu)
{
	int cpu;

	wake_up_interruptible(&vcpu->wq);
	/* Pairs with the barrier after in_guest is set in vcpu.c. */
	smp_mb();
	if (!READ_ONCE(vcpu->in_guest))
		return;
	cpu = READ_ONCE(vcpu->cpu);
	if (cpu >= 0 && cpu != get_cpu())
		smp_call_function_single(cpu, kick_ipi, NULL, 0);
	put_cpu();
}

int mv_vcpu_queue_interrupt(struct mv_vcpu *vcpu, void __user *argp)
{
	struct mv_interrupt irq;
	int ret;

	if (copy_from_user(&irq, argp, sizeof(irq)))
		return -EFAULT;
	if (irq.reserved || irq.vector < 32 || irq.vector > 255)
		return -EINVAL;

	spin_lock_irq(&vcpu->irq_lock);
	ret = mv_irq_queue_push(&vcpu->irqs, irq.vector);
	spin_unlock_irq(&vcpu->irq_lock);
	if (!ret)
		kick_vcpu(vcpu);
	return ret;
}

int mv_vcpu_queue_nmi(struct mv_vcpu *vcpu, unsigned long arg)
{
	int ret;

	if (arg)
		return -EINVAL;
	/* Without virtual NMIs the CPU cannot tell us when NMIs unblock. */
	if (!(mv_caps.pin_ctls & PIN_BASED_VIRTUAL_NMIS))
		return -EOPNOTSUPP;

	spin_lock_irq(&vcpu->irq_lock);
	ret = mv_irq_queue_push_nmi(&vcpu->irqs);
	spin_unlock_irq(&vcpu->irq_lock);
	if (!ret)
		kick_vcpu(vcpu);
	return ret;
}

/* Can a vCPU halted with RFLAGS.IF = 1 (see handle_hlt()) take an event? */
bool mv_vcpu_has_events(struct mv_vcpu *vcpu)
{
	return READ_ONCE(vcpu->irqs.count) || READ_ONCE(vcpu->irq_held) ||
	       (READ_ONCE(vcpu->irqs.nmis) && !vcpu->halt_nmi_blocked);
}

/*
 * An exit that cut the delivery of an interrupt short leaves it in the
 * VMCS for re-injection (vcpu.c); if that exit went to userspace and the
 * VMM then cleared RFLAGS.IF, VM entry would reject the injection (SDM
 * Vol. 3C 26.3.1.5) on every RUN. Take it back and keep it, to be
 * injected first when the guest can take interrupts again: still
 * delivered once, and in order.
 */
void mv_vcpu_hold_injected_irq(struct mv_vcpu *vcpu)
{
	u32 info = vmcs_read32(VM_ENTRY_INTR_INFO_FIELD);

	if ((info & (INTR_INFO_VALID_MASK | INTR_INFO_INTR_TYPE_MASK)) !=
	    (INTR_INFO_VALID_MASK | INTR_TYPE_EXT_INTR))
		return;
	vmcs_write32(VM_ENTRY_INTR_INFO_FIELD, 0);
	spin_lock_irq(&vcpu->irq_lock);
	vcpu->held_vector = info & INTR_INFO_VECTOR_MASK;
	WRITE_ONCE(vcpu->irq_held, true);
	spin_unlock_irq(&vcpu->irq_lock);
}

static void set_window_exiting(struct mv_vcpu *vcpu, u32 bit, bool on)
{
	u32 ctls = on ? vcpu->proc_ctls | bit : vcpu->proc_ctls & ~bit;

	if (ctls != vcpu->proc_ctls) {
		vcpu->proc_ctls = ctls;
		vmcs_write32(CPU_BASED_VM_EXEC_CONTROL, ctls);
	}
}

void mv_inject_pending_events(struct mv_vcpu *vcpu)
{
	struct mv_irq_queue *q = &vcpu->irqs;
	u32 blocking, info = 0;
	bool irq_window, nmi_window;
	u8 vector;

	if (!READ_ONCE(q->count) && !READ_ONCE(q->nmis) && !vcpu->irq_held &&
	    !(vcpu->proc_ctls & (CPU_BASED_INTR_WINDOW_EXITING |
				 CPU_BASED_NMI_WINDOW_EXITING)))
		return;

	blocking = vmcs_read32(GUEST_INTERRUPTIBILITY_INFO);
	spin_lock(&vcpu->irq_lock);
	/*
	 * One event per entry, and none while another (a re-injected one,
	 * or an exception a handler raised) is already set up.
	 */
	if (!(vmcs_read32(VM_ENTRY_INTR_INFO_FIELD) & INTR_INFO_VALID_MASK)) {
		/* SDM Vol. 3C 26.3.1.5: NMI injection needs no NMI, STI or
		 * MOV-SS blocking; external interrupts need RFLAGS.IF = 1
		 * and no STI or MOV-SS blocking.
		 */
		if (q->nmis && !(blocking & (GUEST_INTR_STATE_NMI |
					     GUEST_INTR_STATE_STI |
					     GUEST_INTR_STATE_MOV_SS))) {
			info = X86_TRAP_NMI | INTR_TYPE_NMI_INTR;
			q->nmis--;
		} else if ((vcpu->irq_held || q->count) &&
			   (vmcs_readl(GUEST_RFLAGS) & X86_EFLAGS_IF) &&
			   !(blocking & (GUEST_INTR_STATE_STI |
					 GUEST_INTR_STATE_MOV_SS))) {
			if (vcpu->irq_held) {
				vector = vcpu->held_vector;
				WRITE_ONCE(vcpu->irq_held, false);
			} else {
				mv_irq_queue_peek(q, &vector);
				mv_irq_queue_pop(q);
			}
			info = vector | INTR_TYPE_EXT_INTR;
		}
	}
	irq_window = q->count || vcpu->irq_held;
	nmi_window = q->nmis;
	spin_unlock(&vcpu->irq_lock);

	if (info)
		vmcs_write32(VM_ENTRY_INTR_INFO_FIELD, info | INTR_INFO_VALID_MASK);
	set_window_exiting(vcpu, CPU_BASED_INTR_WINDOW_EXITING, irq_window);
	set_window_exiting(vcpu, CPU_BASED_NMI_WINDOW_EXITING, nmi_window);
}

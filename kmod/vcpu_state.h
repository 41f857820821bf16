/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Conversion between the uapi register structs and the VMCS, and the
 * guest control-register state the host owns (CR0/CR4 masks, EFER.LMA).
 * All functions need the vCPU's VMCS current on this CPU.
 */
#ifndef MV_VCPU_STATE_H
#define MV_VCPU_STATE_H

#include <minivisor.h>

struct mv_vcpu;

void mv_vcpu_read_regs(struct mv_vcpu *vcpu, struct mv_regs *regs);
void mv_vcpu_write_regs(struct mv_vcpu *vcpu, const struct mv_regs *regs);
void mv_vcpu_read_sregs(struct mv_vcpu *vcpu, struct mv_sregs *sregs);
void mv_vcpu_write_sregs(struct mv_vcpu *vcpu, const struct mv_sregs *sregs);

/* Guest-visible CR0/CR4 (read shadows merged with the real values). */
u64 mv_vcpu_cr0(struct mv_vcpu *vcpu);
u64 mv_vcpu_cr4(struct mv_vcpu *vcpu);
/*
 * Emulate a guest write of CR0/CR4/EFER. Return 0, or -EINVAL if the
 * value would raise #GP on real hardware (the caller injects it).
 */
int mv_vcpu_set_cr0(struct mv_vcpu *vcpu, u64 cr0);
int mv_vcpu_set_cr4(struct mv_vcpu *vcpu, u64 cr4);
int mv_vcpu_set_efer(struct mv_vcpu *vcpu, u64 efer);

#endif /* MV_VCPU_STATE_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * VM-exit handlers. Contract, for every handler and mv_handle_exit():
 *   1        the exit is handled; enter the guest again
 *   0        return to userspace; vcpu->run describes why
 *   -errno   RUN fails with this error
 * Handlers run with preemption disabled and the vCPU's VMCS current.
 */
#ifndef MV_EXIT_H
#define MV_EXIT_H

#include <linux/types.h>

struct mv_vcpu;

int mv_handle_exit(struct mv_vcpu *vcpu, u32 exit_reason);

int mv_handle_io(struct mv_vcpu *vcpu);
int mv_complete_pio_in(struct mv_vcpu *vcpu);

int mv_handle_ept_violation(struct mv_vcpu *vcpu);
int mv_complete_mmio_read(struct mv_vcpu *vcpu);

int mv_handle_cr_access(struct mv_vcpu *vcpu);
int mv_handle_dr_access(struct mv_vcpu *vcpu);
/* RDMSR/WRMSR: msr.h */

#endif /* MV_EXIT_H */

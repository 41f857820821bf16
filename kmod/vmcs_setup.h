/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MV_VMCS_SETUP_H
#define MV_VMCS_SETUP_H

struct mv_vcpu;

/* Fill a freshly VMCLEARed, current VMCS: controls, host and guest state. */
void mv_vmcs_setup(struct mv_vcpu *vcpu);
/* Host state that differs per CPU; after the VMCS moved to this CPU. */
void mv_vmcs_set_host_percpu(void);

#endif /* MV_VMCS_SETUP_H */

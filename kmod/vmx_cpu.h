/* SPDX-License-Identifier: GPL-2.0 */
/*
 * VMX operation per CPU: on while at least one VM exists, off otherwise,
 * so that minivisor and kvm_intel can take turns on one machine.
 */
#ifndef MV_VMX_CPU_H
#define MV_VMX_CPU_H

struct mv_vcpu;

int mv_vmx_cpu_init(void);
void mv_vmx_cpu_exit(void);

/* Take/drop a reference on VMX operation; the first one enables it on
 * every online CPU (-EBUSY if another hypervisor holds VMX).
 */
int mv_vmx_get(void);
void mv_vmx_put(void);

/* Make @vcpu's VMCS current on this CPU (preemption disabled). */
void mv_vmcs_load(struct mv_vcpu *vcpu);
/* VMCLEAR @vcpu's VMCS wherever it is active (may sleep). */
void mv_vmcs_clear(struct mv_vcpu *vcpu);
/* INVEPT for a VM's EPTP on every CPU. */
void mv_invept_all_cpus(u64 eptp);

#endif /* MV_VMX_CPU_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The "minivisor" generic netlink family (uapi/minivisor.h, "Generic
 * netlink"): VM listing, exit statistics, and the events group.
 */
#ifndef MV_GENL_H
#define MV_GENL_H

#include <linux/types.h>

struct mv_vm;
struct mv_vcpu;

/* Every N-th exit of a vCPU is sampled; 0: off (MV_CMD_SET_SAMPLING). */
extern unsigned int mv_sample_period;

int mv_genl_init(void);
void mv_genl_exit(void);

/* Announce a VM's creation (@created) or destruction; may sleep. */
void mv_genl_vm_event(struct mv_vm *vm, bool created);
/*
 * Announce the exit vcpu->sample_* describes, @cycles after it happened;
 * process context, may sleep.
 */
void mv_genl_exit_sample(struct mv_vcpu *vcpu, u64 cycles);

#endif /* MV_GENL_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Access to guest memory from exit handlers (string I/O, instruction
 * fetch). Physical accesses go through the memory slots; linear ones walk
 * the guest's page tables first. The vCPU's VMCS must be current.
 */
#ifndef MV_GUEST_MEM_H
#define MV_GUEST_MEM_H

#include <linux/types.h>

struct mv_vm;
struct mv_vcpu;

/* -EFAULT if any byte lies outside every slot (or, for writes, in a
 * read-only slot).
 */
int mv_guest_phys_read(struct mv_vm *vm, u64 gpa, void *buf, unsigned int len);
int mv_guest_phys_write(struct mv_vm *vm, u64 gpa, const void *buf,
			unsigned int len);

/* Translate a guest linear address; -EFAULT if not mapped. */
int mv_guest_linear_to_phys(struct mv_vcpu *vcpu, u64 gla, u64 *gpa);
int mv_guest_linear_read(struct mv_vcpu *vcpu, u64 gla, void *buf,
			 unsigned int len);
int mv_guest_linear_write(struct mv_vcpu *vcpu, u64 gla, const void *buf,
			  unsigned int len);

#endif /* MV_GUEST_MEM_H */

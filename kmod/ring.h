/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Exit forwarding through shared rings (uapi/minivisor.h): the VM's ring
 * object, its ioctls and mmap, and the vCPU side that turns a port-I/O or
 * MMIO exit in a ring-served range into a request and waits for its
 * completion without returning to userspace.
 */
#ifndef MV_RING_H
#define MV_RING_H

#include <linux/types.h>
#include <minivisor.h>

struct mv_vm;
struct mv_vcpu;
struct vm_area_struct;

enum mv_ring_op_state {
	MV_RING_OP_IDLE,	/* no ring access in flight */
	MV_RING_OP_POST,	/* @req waits for room in the request ring */
	MV_RING_OP_WAIT,	/* @req is posted and waits for completion */
};

/* A vCPU's ring access; it survives a RUN that returns -EINTR. */
struct mv_ring_op {
	enum mv_ring_op_state state;
	bool posted;		/* no completion: done once in the ring */
	bool counted_full;	/* ring_full_waits counted for this one */
	struct mv_ring_req req;
};

long mv_ring_setup(struct mv_vm *vm, void __user *argp);
long mv_ring_set_range(struct mv_vm *vm, void __user *argp);
int mv_ring_mmap(struct mv_vm *vm, struct vm_area_struct *vma);
/* Frees the VM's rings; the VM is going away, nobody uses them. */
void mv_ring_destroy(struct mv_vm *vm);
/* The vCPU fd is closing: forget its outstanding request. */
void mv_ring_vcpu_release(struct mv_vcpu *vcpu);

/*
 * The vCPU side, called without preemption disabled (they sleep).
 *
 * mv_ring_claim(): the exit just written to the run page (MV_EXIT_IO of
 *   one item or MV_EXIT_MMIO) lies in a ring-served range: it becomes
 *   vcpu->ring_op (state POST) and true is returned.
 * mv_ring_post(): waits for room and appends the request; state becomes
 *   WAIT, or IDLE for a posted write.
 * mv_ring_await(): waits for the completion; a read's data is put in the
 *   run page where the classic completion path expects it. State IDLE.
 * Both return 0, -EINTR (a signal; call again on the next RUN), or
 * -EPIPE when the VM's rings are broken, with the run page then holding
 * the MV_INTERNAL_RING exit.
 * mv_ring_check_broken(): -EPIPE (and the exit) if the rings are broken.
 */
bool mv_ring_claim(struct mv_vcpu *vcpu);
int mv_ring_post(struct mv_vcpu *vcpu);
int mv_ring_await(struct mv_vcpu *vcpu);
int mv_ring_check_broken(struct mv_vcpu *vcpu);

#endif /* MV_RING_H */

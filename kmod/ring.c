// SPDX-License-Identifier: GPL-2.0
/*
 * Shared request/completion rings between a VM and its VMM's device
 * thread (uapi/minivisor.h, "exit forwarding through shared rings").
 *
 * One ring pair per VM, shared by its vCPUs. ring->lock serialises the
 * kernel's side of both rings: producing a request (any vCPU), consuming
 * completions (whichever waiting vCPU gets there first hands each
 * completion to its vCPU's waiter slot) and the sleeper count behind
 * MV_RING_KF_NEED_KICK. It is a spinlock because ring_wait() evaluates
 * its conditions in wait_event(), where sleeping is not allowed.
 *
 * Every vCPU that waits sleeps on ring->wq, woken by the kick eventfd's
 * wait-queue callback (the VMM writes it after publishing), by another
 * vCPU that consumed a completion meant for it, or by the rings breaking.
 * Waits are interruptible: a signal ends RUN with -EINTR and the access
 * stays in vcpu->ring_op for the next RUN, so nothing is lost or posted
 * twice, and SIGKILL always frees the thread.
 */
#include <linux/eventfd.h>
#include <linux/file.h>
#include <linux/mm.h>
#include <linux/poll.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include <linux/wait.h>
#include "mv.h"
#include "ring.h"
#include "ring_proto.h"
#include "trace.h"

struct mv_ring {
	void *area;			/* vmalloc_user(), mmap()ed by the VMM */
	struct mv_ring_layout layout;

	spinlock_t lock;		/* view, waiters, sleepers, broken */
	struct mv_ring_view view;
	struct mv_ring_waiter waiters[MV_MAX_VCPUS];
	unsigned int sleepers;		/* vCPUs in ring_wait()'s sleep */
	u32 kflags;			/* our copy of kernel_flags */
	int broken;			/* MV_RING_ERR_*, 0 while healthy */
	u64 broken_val;
	wait_queue_head_t wq;

	u32 busy_poll_us;
	struct eventfd_ctx *req_efd;	/* NULL: the VMM polls */
	struct eventfd_ctx *kick_efd;
	wait_queue_entry_t kick_wait;	/* on kick_efd's wait queue */
	poll_table kick_pt;

	rwlock_t ranges_lock;
	struct mv_ring_range_ent ranges[MV_RING_MAX_RANGES];
	u32 nr_ranges;
};

static struct mv_ring *vm_ring(struct mv_vm *vm)
{
	/* Published once by mv_ring_setup(), never changed until free. */
	return smp_load_acquire(&vm->ring);
}

/* ---- setup, ranges, mmap, teardown ------------------------------------ */

/* Runs under the eventfd's wait-queue lock with IRQs off: only wake. */
static int kick_wakeup(wait_queue_entry_t *wait, unsigned int mode, int sync,
		       void *key)
{
	struct mv_ring *ring = container_of(wait, struct mv_ring, kick_wait);

	wake_up_all(&ring->wq);
	return 0;
}

static void kick_queue_proc(struct file *file, wait_queue_head_t *wqh,
			    poll_table *pt)
{
	struct mv_ring *ring = container_of(pt, struct mv_ring, kick_pt);

	add_wait_queue(wqh, &ring->kick_wait);
}

/* Take a reference on the eventfd @fd and hook our wake-up into it. */
static int attach_kick_eventfd(struct mv_ring *ring, int fd)
{
	struct fd f = fdget(fd);
	struct eventfd_ctx *ctx;

	if (!f.file)
		return -EBADF;
	ctx = eventfd_ctx_fileget(f.file);
	if (IS_ERR(ctx)) {
		fdput(f);
		return -EBADF;
	}
	ring->kick_efd = ctx;
	init_waitqueue_func_entry(&ring->kick_wait, kick_wakeup);
	init_poll_funcptr(&ring->kick_pt, kick_queue_proc);
	vfs_poll(f.file, &ring->kick_pt);
	fdput(f);
	return 0;
}

static void detach_kick_eventfd(struct mv_ring *ring)
{
	u64 cnt;

	/* After this returns kick_wakeup() is not running and won't run. */
	eventfd_ctx_remove_wait_queue(ring->kick_efd, &ring->kick_wait, &cnt);
	eventfd_ctx_put(ring->kick_efd);
}

static void free_ring(struct mv_ring *ring)
{
	vfree(ring->area);
	kfree(ring);
}

long mv_ring_setup(struct mv_vm *vm, void __user *argp)
{
	struct mv_ring_setup s;
	struct mv_ring *ring;
	int ret;

	if (copy_from_user(&s, argp, sizeof(s)))
		return -EFAULT;
	ret = mv_ring_check_setup(&s, MV_MAX_VCPUS);
	if (ret)
		return ret;

	ring = kzalloc(sizeof(*ring), GFP_KERNEL_ACCOUNT);
	if (!ring)
		return -ENOMEM;
	spin_lock_init(&ring->lock);
	rwlock_init(&ring->ranges_lock);
	init_waitqueue_head(&ring->wq);
	ring->busy_poll_us = s.busy_poll_us;
	mv_ring_compute_layout(s.req_entries, s.cpl_entries, &ring->layout);
	ring->area = vmalloc_user(ring->layout.mmap_size);
	if (!ring->area) {
		ret = -ENOMEM;
		goto err_free;
	}
	mv_ring_view_init(&ring->view, ring->area, &ring->layout);

	if (s.req_eventfd >= 0) {
		ring->req_efd = eventfd_ctx_fdget(s.req_eventfd);
		if (IS_ERR(ring->req_efd)) {
			ret = -EBADF;
			goto err_free;
		}
	}
	ret = attach_kick_eventfd(ring, s.kick_eventfd);
	if (ret)
		goto err_put_req;
	/* One eventfd for both directions would wake us on our own signal. */
	if (ring->req_efd == ring->kick_efd) {
		ret = -EINVAL;
		goto err_detach;
	}

	s.layout = ring->layout;
	if (copy_to_user(argp, &s, sizeof(s))) {
		ret = -EFAULT;
		goto err_detach;
	}

	mutex_lock(&vm->lock);
	if (vm->ring) {
		mutex_unlock(&vm->lock);
		ret = -EBUSY;
		goto err_detach;
	}
	/* Pairs with vm_ring(): the ring is complete before it is seen. */
	smp_store_release(&vm->ring, ring);
	mutex_unlock(&vm->lock);
	return 0;

err_detach:
	detach_kick_eventfd(ring);
err_put_req:
	if (ring->req_efd)
		eventfd_ctx_put(ring->req_efd);
err_free:
	free_ring(ring);
	return ret;
}

long mv_ring_set_range(struct mv_vm *vm, void __user *argp)
{
	struct mv_ring *ring = vm_ring(vm);
	struct mv_ring_range r;
	int ret;

	if (copy_from_user(&r, argp, sizeof(r)))
		return -EFAULT;
	if (!ring)
		return -ENXIO;
	write_lock(&ring->ranges_lock);
	ret = mv_ring_range_update(ring->ranges, &ring->nr_ranges, &r);
	write_unlock(&ring->ranges_lock);
	return ret;
}

int mv_ring_mmap(struct mv_vm *vm, struct vm_area_struct *vma)
{
	struct mv_ring *ring = vm_ring(vm);

	if (!ring)
		return -ENXIO;
	if (vma->vm_pgoff != MV_RING_MMAP_OFFSET >> PAGE_SHIFT ||
	    vma->vm_end - vma->vm_start != ring->layout.mmap_size ||
	    !(vma->vm_flags & VM_SHARED))
		return -EINVAL;
	/* A forked child gets no mapping: the rings belong to the VMM. */
	vma->vm_flags |= VM_DONTCOPY;
	return remap_vmalloc_range(vma, ring->area, 0);
}

void mv_ring_destroy(struct mv_vm *vm)
{
	struct mv_ring *ring = vm->ring;

	if (!ring)
		return;
	detach_kick_eventfd(ring);
	if (ring->req_efd)
		eventfd_ctx_put(ring->req_efd);
	free_ring(ring);
	vm->ring = NULL;
}

void mv_ring_vcpu_release(struct mv_vcpu *vcpu)
{
	struct mv_ring *ring = vm_ring(vcpu->vm);

	if (!ring)
		return;
	spin_lock(&ring->lock);
	ring->waiters[vcpu->id] = (struct mv_ring_waiter){};
	spin_unlock(&ring->lock);
}

/* ---- the vCPU side ---------------------------------------------------- */

static int ring_error_exit(struct mv_vcpu *vcpu, struct mv_ring *ring)
{
	u64 data[2];

	spin_lock(&ring->lock);
	data[0] = ring->broken;
	data[1] = ring->broken_val;
	spin_unlock(&ring->lock);
	vcpu->ring_op.state = MV_RING_OP_IDLE;
	vcpu->pending = MV_PENDING_NONE;
	mv_internal_error(vcpu, MV_INTERNAL_RING, data, ARRAY_SIZE(data));
	return -EPIPE;
}

int mv_ring_check_broken(struct mv_vcpu *vcpu)
{
	struct mv_ring *ring = vm_ring(vcpu->vm);

	if (ring && READ_ONCE(ring->broken))
		return ring_error_exit(vcpu, ring);
	return 0;
}

/* Called with ring->lock held: the VMM corrupted the rings. */
static void break_ring(struct mv_ring *ring, int err, u64 val)
{
	if (ring->broken)
		return;
	WRITE_ONCE(ring->broken, err);
	ring->broken_val = val;
	ring->kflags |= MV_RING_KF_BROKEN;
	WRITE_ONCE(*ring->view.kflags, ring->kflags);
	pr_warn_ratelimited("minivisor: VM stopped: its VMM corrupted the exit rings (MV_RING_ERR %d, value %#llx)\n",
			    err, val);
}

/*
 * Wait until @cond is true. Spin first if the VMM asked for it, then
 * advertise NEED_KICK and sleep. wait_event's set_current_state() is the
 * full barrier between publishing the flag and re-reading the indices in
 * @cond, pairing with the VMM's fence between its index store and its
 * flag load.
 */
static int ring_wait(struct mv_ring *ring, struct mv_vcpu *vcpu,
		     bool (*cond)(struct mv_ring *, struct mv_vcpu *))
{
	int ret;

	if (cond(ring, vcpu))
		return 0;
	if (ring->busy_poll_us) {
		u64 end = ktime_get_ns() + ring->busy_poll_us * NSEC_PER_USEC;

		do {
			cpu_relax();
			if (cond(ring, vcpu))
				return 0;
		} while (ktime_get_ns() < end && !need_resched() &&
			 !signal_pending(current));
	}

	spin_lock(&ring->lock);
	if (!ring->sleepers++) {
		ring->kflags |= MV_RING_KF_NEED_KICK;
		WRITE_ONCE(*ring->view.kflags, ring->kflags);
	}
	spin_unlock(&ring->lock);

	ret = wait_event_interruptible(ring->wq, cond(ring, vcpu));

	spin_lock(&ring->lock);
	if (!--ring->sleepers) {
		ring->kflags &= ~MV_RING_KF_NEED_KICK;
		WRITE_ONCE(*ring->view.kflags, ring->kflags);
	}
	spin_unlock(&ring->lock);
	return ret ? -EINTR : 0;
}

bool mv_ring_claim(struct mv_vcpu *vcpu)
{
	struct mv_ring *ring = vm_ring(vcpu->vm);
	const struct mv_ring_range_ent *e;
	struct mv_run *run = vcpu->run;
	struct mv_ring_req req = { .vcpu = vcpu->id };
	u32 space;

	if (!ring)
		return false;
	/*
	 * The exit was written by this thread just now, but the run page is
	 * shared with the VMM: read each field once and check it.
	 */
	switch (READ_ONCE(run->exit_reason)) {
	case MV_EXIT_IO:
		if (READ_ONCE(run->io.count) != 1)
			return false;
		space = MV_RING_SPACE_PIO;
		req.addr = READ_ONCE(run->io.port);
		req.len = READ_ONCE(run->io.size);
		req.flags = MV_RING_REQ_PIO;
		if (READ_ONCE(run->io.direction) == MV_IO_OUT) {
			req.flags |= MV_RING_REQ_WRITE;
			memcpy(req.data, (u8 *)run + MV_RUN_IO_DATA_OFFSET, 4);
		}
		break;
	case MV_EXIT_MMIO:
		space = MV_RING_SPACE_MMIO;
		req.addr = READ_ONCE(run->mmio.phys_addr);
		req.len = READ_ONCE(run->mmio.len);
		if (READ_ONCE(run->mmio.is_write)) {
			req.flags = MV_RING_REQ_WRITE;
			memcpy(req.data, run->mmio.data, sizeof(req.data));
		}
		break;
	default:
		return false;
	}
	if (req.len != 1 && req.len != 2 && req.len != 4 && req.len != 8)
		return false;
	/* Bytes past the access are not the guest's to show. */
	memset(req.data + req.len, 0, sizeof(req.data) - req.len);

	read_lock(&ring->ranges_lock);
	e = mv_ring_range_find(ring->ranges, ring->nr_ranges, space, req.addr,
			       req.len);
	if (e && (e->flags & MV_RING_RANGE_POSTED) &&
	    (req.flags & MV_RING_REQ_WRITE))
		req.flags |= MV_RING_REQ_POSTED;
	read_unlock(&ring->ranges_lock);
	if (!e)
		return false;

	vcpu->ring_op = (struct mv_ring_op){
		.state = MV_RING_OP_POST,
		.posted = req.flags & MV_RING_REQ_POSTED,
		.req = req,
	};
	return true;
}

/* ring_wait() condition: try to append vcpu->ring_op.req. */
static bool try_post(struct mv_ring *ring, struct mv_vcpu *vcpu)
{
	struct mv_ring_op *op = &vcpu->ring_op;
	bool signal = false, done = true;
	u64 bad;
	int ret;

	spin_lock(&ring->lock);
	if (ring->broken)
		goto out;
	ret = mv_ring_produce(&ring->view, &op->req, &bad);
	if (ret < 0) {
		break_ring(ring, -ret, bad);
		goto out_wake;
	}
	if (!ret) {
		if (!op->counted_full) {
			op->counted_full = true;
			vcpu->stats.ring_full_waits++;
		}
		done = false;
		goto out;
	}
	if (!op->posted)
		ring->waiters[vcpu->id] = (struct mv_ring_waiter){
			.waiting = true, .seq = op->req.seq,
		};
	trace_minivisor_ring_post(vcpu->vm->id, vcpu->id, op->req.seq,
				  op->req.addr, op->req.len, op->req.flags);
	signal = ring->req_efd &&
		 !(READ_ONCE(*ring->view.uflags) & MV_RING_UF_POLLING);
out:
	spin_unlock(&ring->lock);
	if (signal)
		eventfd_signal(ring->req_efd, 1);
	return done;
out_wake:
	spin_unlock(&ring->lock);
	wake_up_all(&ring->wq);
	return true;
}

int mv_ring_post(struct mv_vcpu *vcpu)
{
	struct mv_ring *ring = vm_ring(vcpu->vm);
	struct mv_ring_op *op = &vcpu->ring_op;
	int ret;

	ret = ring_wait(ring, vcpu, try_post);
	if (ret)
		return ret;
	if (READ_ONCE(ring->broken))
		return ring_error_exit(vcpu, ring);
	if (op->posted) {
		vcpu->stats.ring_posted++;
		op->state = MV_RING_OP_IDLE;
	} else {
		op->state = MV_RING_OP_WAIT;
	}
	return 0;
}

/* ring_wait() condition: has this vCPU's completion arrived? */
static bool completion_arrived(struct mv_ring *ring, struct mv_vcpu *vcpu)
{
	bool done, woke_other = false;
	u64 bad;
	int n;

	spin_lock(&ring->lock);
	if (ring->broken) {
		spin_unlock(&ring->lock);
		return true;
	}
	done = ring->waiters[vcpu->id].done;
	if (!done) {
		n = mv_ring_consume(&ring->view, ring->waiters, MV_MAX_VCPUS,
				    &bad);
		if (n < 0)
			break_ring(ring, -n, bad);
		done = ring->waiters[vcpu->id].done || ring->broken;
		/* Completions for other vCPUs, or the rings broke. */
		woke_other = n != 0;
	}
	spin_unlock(&ring->lock);
	if (woke_other)
		wake_up_all(&ring->wq);
	return done;
}

int mv_ring_await(struct mv_vcpu *vcpu)
{
	struct mv_ring *ring = vm_ring(vcpu->vm);
	struct mv_ring_op *op = &vcpu->ring_op;
	struct mv_run *run = vcpu->run;
	u8 data[8];
	int ret;

	ret = ring_wait(ring, vcpu, completion_arrived);
	if (ret)
		return ret;
	spin_lock(&ring->lock);
	if (ring->broken) {
		spin_unlock(&ring->lock);
		return ring_error_exit(vcpu, ring);
	}
	memcpy(data, ring->waiters[vcpu->id].data, sizeof(data));
	ring->waiters[vcpu->id] = (struct mv_ring_waiter){};
	spin_unlock(&ring->lock);

	trace_minivisor_ring_complete(vcpu->vm->id, vcpu->id, op->req.seq);
	vcpu->stats.ring_waited++;
	op->state = MV_RING_OP_IDLE;
	if (op->req.flags & MV_RING_REQ_WRITE)
		return 0;
	/* Where the classic path expects userspace to put a read's data. */
	if (op->req.flags & MV_RING_REQ_PIO)
		memcpy((u8 *)run + MV_RUN_IO_DATA_OFFSET, data, op->req.len);
	else
		memcpy(run->mmio.data, data, sizeof(run->mmio.data));
	return 0;
}

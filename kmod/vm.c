// SPDX-License-Identifier: GPL-2.0
/*
 * VM objects and the VM fd: memory slots, vCPU creation, and the exit
 * rings (ring.c), which are the only thing mmap() of a VM fd maps.
 *
 * Guest memory is anonymous memory of the VMM. A slot pins its pages for
 * its whole lifetime (FOLL_LONGTERM) and maps them with EPT; there is no
 * MMU notifier, so the VMM must not expect munmap() or fork() to change
 * what the guest sees while the slot exists. Pinning keeps the exit paths
 * free of page faults; docs/memory.md explains the trade-off.
 */
#include <linux/anon_inodes.h>
#include <linux/atomic.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/idr.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include "caps.h"
#include "genl.h"
#include "mv.h"
#include "validate.h"
#include "vmx_cpu.h"

static atomic_t mv_nr_vms = ATOMIC_INIT(0);
static DEFINE_IDA(mv_vm_ids);
LIST_HEAD(mv_vms);
DEFINE_MUTEX(mv_vms_lock);

struct mv_vm *mv_vm_get_by_id(u32 id)
{
	struct mv_vm *vm, *found = NULL;

	mutex_lock(&mv_vms_lock);
	list_for_each_entry(vm, &mv_vms, node) {
		if (vm->id == id) {
			kref_get(&vm->ref);
			found = vm;
			break;
		}
	}
	mutex_unlock(&mv_vms_lock);
	return found;
}

struct mv_memslot *mv_find_slot(struct mv_vm *vm, u64 gpa)
{
	int i;

	for (i = 0; i < MV_MAX_SLOTS; i++) {
		struct mv_memslot *s = vm->slots[i];

		if (s && gpa >= s->gpa && gpa - s->gpa < s->size)
			return s;
	}
	return NULL;
}

static void unmap_and_unpin(struct mv_vm *vm, struct mv_memslot *slot,
			    unsigned long npages_mapped)
{
	unsigned long i;

	for (i = 0; i < npages_mapped; i++)
		mv_ept_unmap(&vm->ept, slot->gpa + i * PAGE_SIZE);
	if (npages_mapped)
		mv_invept_all_cpus(mv_ept_pointer(&vm->ept));
	unpin_user_pages_dirty_lock(slot->pages, slot->npages,
				    !(slot->flags & MV_MEM_READONLY));
}

static void free_slot(struct mv_memslot *slot)
{
	kvfree(slot->pages);
	kfree(slot);
}

static int add_slot(struct mv_vm *vm, const struct mv_memory_slot *req)
{
	u64 perms = (req->flags & MV_MEM_READONLY) ?
		    MV_EPT_READ | MV_EPT_EXEC : MV_EPT_RWX;
	unsigned int gup = FOLL_LONGTERM;
	struct mv_memslot *slot;
	unsigned long i;
	long pinned;
	int ret, k;

	for (k = 0; k < MV_MAX_SLOTS; k++) {
		struct mv_memslot *s = vm->slots[k];

		if (s && mv_ranges_overlap(s->gpa, s->size,
					   req->guest_phys_addr,
					   req->memory_size))
			return -EEXIST;
	}
	if (req->memory_size > MV_MAX_MEM - vm->mem_total)
		return -ENOSPC;

	slot = kzalloc(sizeof(*slot), GFP_KERNEL_ACCOUNT);
	if (!slot)
		return -ENOMEM;
	slot->gpa = req->guest_phys_addr;
	slot->size = req->memory_size;
	slot->uaddr = req->userspace_addr;
	slot->flags = req->flags;
	slot->npages = req->memory_size >> PAGE_SHIFT;
	slot->pages = kvmalloc_array(slot->npages, sizeof(*slot->pages),
				     GFP_KERNEL_ACCOUNT);
	if (!slot->pages) {
		ret = -ENOMEM;
		goto err_free_slot;
	}

	if (!(req->flags & MV_MEM_READONLY))
		gup |= FOLL_WRITE;
	pinned = pin_user_pages_fast(slot->uaddr, slot->npages, gup,
				     slot->pages);
	if (pinned != slot->npages) {
		if (pinned > 0)
			unpin_user_pages(slot->pages, pinned);
		ret = pinned < 0 ? pinned : -EFAULT;
		goto err_free_slot;
	}

	for (i = 0; i < slot->npages; i++) {
		ret = mv_ept_map(&vm->ept, slot->gpa + i * PAGE_SIZE,
				 page_to_phys(slot->pages[i]), perms);
		if (ret)
			goto err_unmap;
	}

	write_lock(&vm->slots_lock);
	vm->slots[req->slot] = slot;
	write_unlock(&vm->slots_lock);
	vm->mem_total += slot->size;
	return 0;

err_unmap:
	unmap_and_unpin(vm, slot, i);
err_free_slot:
	free_slot(slot);
	return ret;
}

static int set_memory_slot(struct mv_vm *vm, void __user *argp)
{
	struct mv_memory_slot req;
	struct mv_limits lim = {
		.max_slots = MV_MAX_SLOTS,
		.max_gpa = mv_caps.max_gpa,
	};
	struct mv_memslot *slot;
	int ret;

	if (copy_from_user(&req, argp, sizeof(req)))
		return -EFAULT;
	ret = mv_check_slot_request(&req, &lim);
	if (ret)
		return ret;

	mutex_lock(&vm->lock);
	slot = vm->slots[req.slot];
	if (req.memory_size == 0) {
		if (!slot) {
			ret = -EINVAL;
			goto out;
		}
		write_lock(&vm->slots_lock);
		vm->slots[req.slot] = NULL;
		write_unlock(&vm->slots_lock);
		vm->mem_total -= slot->size;
		unmap_and_unpin(vm, slot, slot->npages);
		free_slot(slot);
	} else if (slot) {
		ret = -EEXIST;
	} else {
		ret = add_slot(vm, &req);
	}
out:
	mutex_unlock(&vm->lock);
	return ret;
}

static void mv_vm_release_ref(struct kref *ref);

/* kref_put_mutex() calls this with mv_vms_lock held. */
static void mv_vm_release_locked(struct kref *ref)
{
	struct mv_vm *vm = container_of(ref, struct mv_vm, ref);

	list_del(&vm->node);
	mutex_unlock(&mv_vms_lock);
	mv_vm_release_ref(ref);
}

static void mv_vm_release_ref(struct kref *ref)
{
	struct mv_vm *vm = container_of(ref, struct mv_vm, ref);
	int i;

	mv_genl_vm_event(vm, false);
	mv_ring_destroy(vm);
	for (i = 0; i < MV_MAX_SLOTS; i++) {
		if (vm->slots[i]) {
			unmap_and_unpin(vm, vm->slots[i], vm->slots[i]->npages);
			free_slot(vm->slots[i]);
		}
	}
	mv_ept_destroy(&vm->ept);
	ida_free(&mv_vm_ids, vm->id);
	kfree(vm);
	mv_vmx_put();
	atomic_dec(&mv_nr_vms);
}

void mv_vm_put(struct mv_vm *vm)
{
	/*
	 * The last put unlists the VM under mv_vms_lock, so a netlink reader
	 * that finds it on the list can still take a reference.
	 */
	kref_put_mutex(&vm->ref, mv_vm_release_locked, &mv_vms_lock);
}

static long mv_vm_ioctl(struct file *filp, unsigned int cmd,
			unsigned long arg)
{
	struct mv_vm *vm = filp->private_data;

	switch (cmd) {
	case MV_SET_MEMORY_SLOT:
		return set_memory_slot(vm, (void __user *)arg);
	case MV_CREATE_VCPU:
		return mv_create_vcpu_fd(vm, arg);
	case MV_SETUP_RINGS:
		return mv_ring_setup(vm, (void __user *)arg);
	case MV_SET_RING_RANGE:
		return mv_ring_set_range(vm, (void __user *)arg);
	default:
		return -ENOTTY;
	}
}

static int mv_vm_mmap(struct file *filp, struct vm_area_struct *vma)
{
	return mv_ring_mmap(filp->private_data, vma);
}

static int mv_vm_release(struct inode *inode, struct file *filp)
{
	mv_vm_put(filp->private_data);
	return 0;
}

static const struct file_operations mv_vm_fops = {
	.owner		= THIS_MODULE,
	.unlocked_ioctl	= mv_vm_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.mmap		= mv_vm_mmap,
	.release	= mv_vm_release,
	.llseek		= noop_llseek,
};

int mv_create_vm_fd(unsigned long flags)
{
	struct mv_vm *vm;
	int ret, fd;

	if (flags)
		return -EINVAL;
	if (atomic_inc_return(&mv_nr_vms) > MV_MAX_VMS) {
		ret = -ENOSPC;
		goto err_count;
	}

	vm = kzalloc(sizeof(*vm), GFP_KERNEL_ACCOUNT);
	if (!vm) {
		ret = -ENOMEM;
		goto err_count;
	}
	kref_init(&vm->ref);
	mutex_init(&vm->lock);
	rwlock_init(&vm->slots_lock);
	INIT_LIST_HEAD(&vm->node);
	vm->pid = task_tgid_nr(current);

	ret = ida_alloc_min(&mv_vm_ids, 1, GFP_KERNEL);
	if (ret < 0)
		goto err_free_vm;
	vm->id = ret;
	ret = mv_ept_init(&vm->ept);
	if (ret)
		goto err_free_id;
	ret = mv_vmx_get();
	if (ret)
		goto err_destroy_ept;

	/*
	 * Listed and announced before the fd exists (once it does, another
	 * thread may close it at once); from then on the last put unlists.
	 */
	mutex_lock(&mv_vms_lock);
	list_add_tail(&vm->node, &mv_vms);
	mutex_unlock(&mv_vms_lock);
	mv_genl_vm_event(vm, true);
	fd = anon_inode_getfd("minivisor-vm", &mv_vm_fops, vm, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		ret = fd;
		goto err_unlist;
	}
	return fd;

err_unlist:
	mutex_lock(&mv_vms_lock);
	list_del(&vm->node);
	mutex_unlock(&mv_vms_lock);
	mv_genl_vm_event(vm, false);
	mv_vmx_put();
err_destroy_ept:
	mv_ept_destroy(&vm->ept);
err_free_id:
	ida_free(&mv_vm_ids, vm->id);
err_free_vm:
	kfree(vm);
err_count:
	atomic_dec(&mv_nr_vms);
	return ret;
}

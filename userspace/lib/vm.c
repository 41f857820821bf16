// SPDX-License-Identifier: GPL-2.0
/* VM fd: memory slots and vCPU creation. */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "libminivisor.h"
#include "internal.h"

int mv_add_memory(int vm_fd, uint32_t slot, uint64_t gpa, uint64_t size,
		  uint32_t flags, struct mv_mem_region *out)
{
	struct mv_memory_slot req;
	void *host;
	int err;

	memset(out, 0, sizeof(*out));
	if (size == 0 || (size | gpa) & 4095)
		return mv_fail(EINVAL, "memory slot %u: address 0x%llx and size 0x%llx must be non-zero multiples of 4 KiB",
			       slot, (unsigned long long)gpa,
			       (unsigned long long)size);
	if (size > SIZE_MAX)
		return mv_fail(EINVAL, "memory slot %u: size 0x%llx does not fit the address space",
			       slot, (unsigned long long)size);

	/*
	 * MAP_POPULATE touches every page for writing, so copy-on-write of
	 * the shared zero page is broken before the module pins the pages:
	 * what this process writes later is what the guest sees.
	 */
	host = mmap(NULL, size, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_POPULATE,
		    -1, 0);
	if (host == MAP_FAILED) {
		err = errno;
		return mv_fail(err, "cannot allocate %llu bytes of guest memory: %s (try a smaller --mem)",
			       (unsigned long long)size, strerror(err));
	}

	memset(&req, 0, sizeof(req));
	req.slot = slot;
	req.flags = flags;
	req.guest_phys_addr = gpa;
	req.memory_size = size;
	req.userspace_addr = (uintptr_t)host;
	if (ioctl(vm_fd, MV_SET_MEMORY_SLOT, &req) < 0) {
		err = errno;
		munmap(host, size);
		switch (err) {
		case ENOSPC:
			return mv_fail(err, "memory slot %u (%llu bytes): the module's max_mem is reached (see `minivisor caps`; use a smaller --mem)",
				       slot, (unsigned long long)size);
		case EEXIST:
			return mv_fail(err, "memory slot %u at 0x%llx: slot in use or overlapping another slot",
				       slot, (unsigned long long)gpa);
		default:
			return mv_fail(err, "MV_SET_MEMORY_SLOT (slot %u, gpa 0x%llx, size 0x%llx) failed: %s",
				       slot, (unsigned long long)gpa,
				       (unsigned long long)size, strerror(err));
		}
	}

	out->host = host;
	out->gpa = gpa;
	out->size = size;
	out->slot = slot;
	out->flags = flags;
	return 0;
}

void mv_remove_memory(int vm_fd, struct mv_mem_region *region)
{
	struct mv_memory_slot req;

	if (!region->host)
		return;
	if (vm_fd >= 0) {
		memset(&req, 0, sizeof(req));
		req.slot = region->slot;
		/* Best effort: closing the VM fd deletes the slot anyway. */
		(void)ioctl(vm_fd, MV_SET_MEMORY_SLOT, &req);
	}
	munmap(region->host, region->size);
	memset(region, 0, sizeof(*region));
}

int mv_create_vcpu(int vm_fd, unsigned int id, size_t run_size,
		   struct mv_vcpu *out)
{
	void *run;
	int fd, err;

	out->fd = -1;
	out->id = id;
	out->run = NULL;
	out->run_size = 0;
	if (run_size < sizeof(struct mv_run))
		return mv_fail(EINVAL, "run page size %zu from MV_GET_CAPS is smaller than struct mv_run (%zu): module and tool out of sync",
			       run_size, sizeof(struct mv_run));

	fd = ioctl(vm_fd, MV_CREATE_VCPU, (unsigned long)id);
	if (fd < 0) {
		err = errno;
		return mv_fail(err, "cannot create vCPU %u: %s", id,
			       strerror(err));
	}
	run = mmap(NULL, run_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (run == MAP_FAILED) {
		err = errno;
		close(fd);
		return mv_fail(err, "cannot mmap the run page of vCPU %u: %s",
			       id, strerror(err));
	}
	out->fd = fd;
	out->run = run;
	out->run_size = run_size;
	return 0;
}

void mv_destroy_vcpu(struct mv_vcpu *vcpu)
{
	if (vcpu->run)
		munmap(vcpu->run, vcpu->run_size);
	if (vcpu->fd >= 0)
		close(vcpu->fd);
	vcpu->run = NULL;
	vcpu->run_size = 0;
	vcpu->fd = -1;
}

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libminivisor: thin wrappers over the /dev/minivisor ioctls.
 *
 * Every function returns 0 (or a file descriptor) on success and a negative
 * errno on failure; after a failure mv_last_error() holds a one-line
 * message that names the cause and, where there is one, the fix. The
 * message lives in thread-local storage and is overwritten by the next
 * failing call of the same thread.
 */
#ifndef LIBMINIVISOR_H
#define LIBMINIVISOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <minivisor.h>

#define MV_DEVICE_PATH	"/dev/minivisor"
/* Environment variable that overrides MV_DEVICE_PATH (tests use it). */
#define MV_DEVICE_ENV	"MINIVISOR_DEVICE"

/* The message of the last failing call of this thread ("" if none). */
const char *mv_last_error(void);
/*
 * Sets that message (printf format) and returns -@err: for code layered
 * on the library that reports through mv_last_error() too (hv/kvm.c).
 */
int mv_fail(int err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * Opens the system fd and checks that the module speaks MV_API_VERSION.
 * @path NULL: $MINIVISOR_DEVICE if set and not empty, else MV_DEVICE_PATH.
 * Returns the fd.
 */
int mv_open_system(const char *path);
int mv_get_caps(int sys_fd, struct mv_caps *caps);
/* Returns a VM fd. -EBUSY: VMX is held by another hypervisor. */
int mv_create_vm(int sys_fd);

/* A memory slot backed by anonymous memory of this process. */
struct mv_mem_region {
	void *host;		/* NULL when unused */
	uint64_t gpa;
	uint64_t size;
	uint32_t slot;
	uint32_t flags;		/* MV_MEM_* */
};

/*
 * mmap()s @size bytes of zeroed anonymous memory, pre-faulted for writing
 * (so the pages the module pins are the ones this process later writes),
 * and registers it as memory slot @slot at @gpa.
 */
int mv_add_memory(int vm_fd, uint32_t slot, uint64_t gpa, uint64_t size,
		  uint32_t flags, struct mv_mem_region *out);
/* Deletes the slot (if vm_fd >= 0) and unmaps the memory. */
void mv_remove_memory(int vm_fd, struct mv_mem_region *region);

struct mv_vcpu {
	int fd;			/* -1 when unused */
	unsigned int id;
	struct mv_run *run;	/* run_size bytes mmap()ed from fd */
	size_t run_size;
};

/* Creates vCPU @id and maps its run page (@run_size: caps.run_mmap_size). */
int mv_create_vcpu(int vm_fd, unsigned int id, size_t run_size,
		   struct mv_vcpu *out);
void mv_destroy_vcpu(struct mv_vcpu *vcpu);

int mv_get_regs(const struct mv_vcpu *vcpu, struct mv_regs *regs);
int mv_set_regs(const struct mv_vcpu *vcpu, const struct mv_regs *regs);
int mv_get_sregs(const struct mv_vcpu *vcpu, struct mv_sregs *sregs);
int mv_set_sregs(const struct mv_vcpu *vcpu, const struct mv_sregs *sregs);
/*
 * One MV_RUN. 0: the exit is in vcpu->run. -EINTR: a signal arrived (or
 * run->immediate_exit was set); the caller decides whether to run again.
 */
int mv_run(const struct mv_vcpu *vcpu);
int mv_get_exit_stats(const struct mv_vcpu *vcpu, struct mv_exit_stats *st);
/* MV_MSR_POLICY_GP or MV_MSR_POLICY_EXIT for MSRs the module does not handle. */
int mv_set_msr_policy(const struct mv_vcpu *vcpu, uint32_t policy);
/*
 * Queue an external interrupt (vector 32..255) or an NMI for a vCPU; safe
 * from any thread, also during MV_RUN. 0 or -errno: -EAGAIN when
 * MV_MAX_PENDING_IRQS events already wait (retry later). They set no
 * error message: callers in device threads handle the errno themselves.
 */
int mv_queue_interrupt(int vcpu_fd, unsigned int vector);
int mv_queue_nmi(int vcpu_fd);

/*
 * Exit forwarding through shared rings (uapi: MV_SETUP_RINGS). The
 * pointers point into the shared mapping; the indices are accessed only
 * with the atomics the uapi ordering rules ask for (see ring_service.c).
 */
struct mv_rings {
	void *area;		/* the mapping; NULL when unused */
	size_t size;		/* layout.mmap_size */
	bool mapped;		/* area is an mmap() of the VM fd (else fake) */
	int req_eventfd;	/* -1 in polling mode */
	int kick_eventfd;	/* -1 when unused */
	uint32_t *req_head, *req_tail, *cpl_head, *cpl_tail;
	uint32_t *kernel_flags, *user_flags;
	struct mv_ring_req *req;
	struct mv_ring_cpl *cpl;
	/* Local copies: the shared masks are never read back after setup. */
	uint32_t req_mask, cpl_mask;
	struct mv_ring_layout layout;
};

/*
 * Creates the eventfds (none for requests if @polling: the consumer
 * busy-polls req_tail, and MV_RING_UF_POLLING is set in user_flags),
 * issues MV_SETUP_RINGS and maps the rings. @req_entries and
 * @cpl_entries are powers of two (see struct mv_ring_setup).
 */
int mv_setup_rings(int vm_fd, uint32_t req_entries, uint32_t cpl_entries,
		   uint32_t busy_poll_us, bool polling, struct mv_rings *out);
/*
 * Fills the pointers of @r from @layout for the @size bytes at @area,
 * after checking that every field lies inside the area, aligned, and
 * that the shared masks match the entry counts. mv_setup_rings() uses
 * it; unit tests call it on fake shared memory. Leaves the fds alone.
 */
int mv_rings_attach(struct mv_rings *r, void *area, size_t size,
		    const struct mv_ring_layout *layout);
/*
 * Unmaps (if mapped) and closes the eventfds; safe twice, and on a
 * zeroed struct whose fds were set to -1.
 */
void mv_destroy_rings(struct mv_rings *r);
/*
 * MV_SET_RING_RANGE: serve [base, base + len) of @space (MV_RING_SPACE_*)
 * through the rings; @flags MV_RING_RANGE_POSTED and/or _REMOVE.
 */
int mv_set_ring_range(int vm_fd, uint32_t space, uint64_t base, uint64_t len,
		      uint32_t flags);

/* Names for diagnostics (exit_names.c). Never NULL. */
/* SDM Vol. 3C App. C basic exit reason (low 16 bits), or "unknown". */
const char *mv_vmx_exit_reason_name(uint32_t basic_reason);
/* SDM Vol. 3C 31.4 VM-instruction error number, or "unknown". */
const char *mv_vm_instruction_error_name(uint32_t error);
/* struct mv_run.exit_reason (MV_EXIT_*), or "unknown". */
const char *mv_exit_name(uint32_t exit_reason);
/* struct mv_exit_internal.suberror (MV_INTERNAL_*), or "unknown". */
const char *mv_internal_suberror_name(uint32_t suberror);
/* MV_INTERNAL_RING data[0] (MV_RING_ERR_*) as "CPL_SEQ" etc., or "unknown". */
const char *mv_ring_err_name(uint64_t err);

#endif /* LIBMINIVISOR_H */

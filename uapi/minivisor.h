/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * minivisor userspace ABI: the one header shared by kmod/ and userspace/.
 *
 * Three kinds of file descriptor, as in KVM:
 *   /dev/minivisor  system fd: API version, capabilities, create a VM
 *   VM fd           memory slots, vCPU creation
 *   vCPU fd         registers, RUN, exit statistics; mmap() of struct mv_run
 *
 * Rules that hold for every ioctl:
 *   - every reserved/padding field must be zero on input, or -EINVAL;
 *   - the argument is copied in once; a failed copy is -EFAULT;
 *   - an unknown command is -ENOTTY;
 *   - on any failure the object's state is unchanged.
 * Numbers are grouped by the fd they act on and are never reused.
 */
#ifndef _UAPI_MINIVISOR_H
#define _UAPI_MINIVISOR_H

#include <linux/types.h>
#include <linux/ioctl.h>

#define MV_API_VERSION		1

/* Not registered in ioctl-number.rst; chosen to avoid KVM's 0xAE. */
#define MV_IOCTL_MAGIC		0xB6

/* ---------------------------------------------------------------------- */
/* System fd (/dev/minivisor)                                              */
/* ---------------------------------------------------------------------- */

/* Returns MV_API_VERSION. The argument must be 0. */
#define MV_GET_API_VERSION	_IO(MV_IOCTL_MAGIC, 0x00)
/* Fills struct mv_caps. */
#define MV_GET_CAPS		_IOR(MV_IOCTL_MAGIC, 0x01, struct mv_caps)
/*
 * Returns a new VM fd. The argument (flags) must be 0.
 * -EBUSY: VMX is held by another hypervisor (e.g. kvm_intel with a VM).
 * -ENOSPC: MV_CAPS max_vms reached.
 */
#define MV_CREATE_VM		_IO(MV_IOCTL_MAGIC, 0x02)

/* struct mv_caps.features */
#define MV_FEAT_EPT			(1u << 0)
#define MV_FEAT_UNRESTRICTED_GUEST	(1u << 1)
#define MV_FEAT_VPID			(1u << 2)
#define MV_FEAT_PREEMPTION_TIMER	(1u << 3)
#define MV_FEAT_VIRTUAL_NMI		(1u << 4)
#define MV_FEAT_EPT_AD			(1u << 5)
#define MV_FEAT_INSOUTS_INFO		(1u << 6)

struct mv_caps {
	/* out */
	__u32 api_version;
	__u32 run_mmap_size;	/* bytes to mmap() on a vCPU fd at offset 0 */
	__u32 features;		/* MV_FEAT_* */
	__u32 max_vms;		/* VMs alive at once, system-wide */
	__u32 max_vcpus;	/* per VM */
	__u32 max_slots;	/* memory slots per VM */
	__u64 max_mem;		/* bytes of guest memory per VM */
	__u64 max_gpa;		/* highest guest-physical address + 1 */
	/* Raw IA32_VMX_* MSRs as read at module load. */
	__u64 vmx_basic;
	__u64 vmx_pinbased_ctls;	/* the TRUE_ variant where it exists */
	__u64 vmx_procbased_ctls;
	__u64 vmx_procbased_ctls2;
	__u64 vmx_exit_ctls;
	__u64 vmx_entry_ctls;
	__u64 vmx_misc;
	__u64 vmx_ept_vpid_cap;
	__u64 vmx_cr0_fixed0;
	__u64 vmx_cr0_fixed1;
	__u64 vmx_cr4_fixed0;
	__u64 vmx_cr4_fixed1;
	__u64 reserved[8];
};

/* ---------------------------------------------------------------------- */
/* VM fd                                                                   */
/* ---------------------------------------------------------------------- */

#define MV_MEM_READONLY		(1u << 0)

/*
 * Create or delete a memory slot. Guest memory is anonymous memory of the
 * calling process; its pages are pinned while the slot exists and mapped
 * into the guest with EPT.
 *
 * Create: memory_size != 0, slot unused, guest_phys_addr, memory_size and
 *         userspace_addr 4 KiB aligned, range below max_gpa, no overlap
 *         with another slot (-EEXIST), total below max_mem (-ENOSPC).
 * Delete: memory_size == 0 on a used slot (other fields must be zero).
 * A slot cannot be resized in place: delete it first (-EEXIST).
 */
struct mv_memory_slot {
	/* in */
	__u32 slot;
	__u32 flags;		/* MV_MEM_* */
	__u64 guest_phys_addr;
	__u64 memory_size;
	__u64 userspace_addr;
};

#define MV_SET_MEMORY_SLOT	_IOW(MV_IOCTL_MAGIC, 0x10, struct mv_memory_slot)
/* Returns a new vCPU fd. The argument is the vCPU id, < max_vcpus. */
#define MV_CREATE_VCPU		_IO(MV_IOCTL_MAGIC, 0x11)

/* ---- exit forwarding through shared rings (0x12..0x13) -------------- */

/*
 * Port-I/O and MMIO accesses to ranges registered with MV_SET_RING_RANGE
 * do not return the vCPU thread to userspace. The kernel writes a request
 * record into a request ring shared with the VMM; a device thread consumes
 * it and, for every request that is not posted, writes a completion
 * record into a completion ring. The vCPU waits in the kernel for that
 * completion; for a posted write it does not wait at all.
 *
 * Setup, once per VM: MV_SETUP_RINGS, then mmap() the VM fd at offset
 * MV_RING_MMAP_OFFSET for layout.mmap_size bytes (MAP_SHARED, read and
 * write), then register ranges. Everything is freed with the VM.
 *
 * Layout. layout.* are byte offsets from the start of the mapping:
 *   req_head, req_tail, cpl_head, cpl_tail    __u32 ring indices
 *   req_mask, cpl_mask                        __u32, entries - 1 (constant)
 *   kernel_flags                              __u32, MV_RING_KF_*
 *   user_flags                                __u32, MV_RING_UF_*
 *   req_array, cpl_array                      the record arrays
 * Indices run freely over all 32-bit values; record i lives at
 * array[i & mask]; a ring holds tail - head records (mod 2^32), 0 up to
 * its size.
 *
 * Ownership and memory ordering:
 *   request ring     the kernel produces: it writes the record, then
 *                    stores req_tail with release semantics. The VMM
 *                    loads req_tail with acquire, reads the records
 *                    [req_head, req_tail), then stores req_head with
 *                    release; the kernel may then reuse those slots.
 *   completion ring  the VMM produces: writes the record, then stores
 *                    cpl_tail with release. The kernel loads cpl_tail
 *                    with acquire, reads the records, then stores
 *                    cpl_head with release.
 *   Only the owner writes an index; the kernel keeps its own copy of the
 *   indices it owns and never reads them back from the shared page.
 *
 * Notification:
 *   kernel -> VMM   after publishing requests the kernel signals
 *                   req_eventfd (poll()/epoll/read() it), unless the
 *                   VMM has set MV_RING_UF_POLLING (it busy-polls
 *                   req_tail) or gave no eventfd (-1).
 *   VMM -> kernel   a vCPU that must wait (for a completion, or for room
 *                   in a full request ring) spins up to busy_poll_us,
 *                   then sets MV_RING_KF_NEED_KICK and sleeps. After
 *                   publishing cpl_tail or req_head the VMM issues a full
 *                   memory barrier, reads kernel_flags and, if
 *                   NEED_KICK is set, writes 1 to kick_eventfd. (The
 *                   kernel sets the flag, has a full barrier, then
 *                   re-reads the indices before sleeping, so one of the
 *                   two sides always sees the other.) Writing the eventfd
 *                   when the flag is clear is harmless.
 *
 * Guarantees:
 *   - Nothing is lost, duplicated or reordered. Each request carries a
 *     sequence number, 1, 2, 3, ... per VM, without gaps. Per vCPU, ring
 *     order is guest program order. A VMM that serves requests in ring
 *     order gives a read the effect of every posted write before it.
 *   - A full request ring applies back-pressure: the vCPU waits.
 *   - Waits are interruptible. On a signal RUN returns -EINTR with
 *     MV_EXIT_INTR and the access stays pending: the next RUN resumes
 *     waiting for room (the request is then posted exactly once) or for
 *     the same completion (which may be written while the vCPU is out of
 *     RUN).
 *   - A vCPU has at most one request awaiting completion, so a completion
 *     ring with at least max_vcpus entries never overflows.
 *   - The kernel reads each index and record the VMM can write once and
 *     checks it. A request head outside [tail - entries, tail], a
 *     completion tail more than cpl entries ahead, or a completion that
 *     matches no waiting request (wrong vcpu or seq, non-zero reserved)
 *     stops the whole VM: every vCPU's RUN then returns
 *     MV_EXIT_INTERNAL_ERROR with suberror MV_INTERNAL_RING (data[0] one
 *     of MV_RING_ERR_*, data[1] the offending value) and the kernel sets
 *     MV_RING_KF_BROKEN. The VM cannot run again. Indices and records
 *     are checked when the kernel uses them: the request head when it
 *     posts, completions when a vCPU waits for one.
 *   - struct mv_exit_stats counts per vCPU: ring_posted posted writes,
 *     ring_waited requests that waited for their completion,
 *     ring_full_waits accesses that found the request ring full (once
 *     per access, however long it waited).
 *
 * What is ring-served: IN/OUT and INS/OUTS of one item, and every MMIO
 * access the decoder makes (see struct mv_exit_mmio: a read-modify-write
 * is a read request, then a write request), when the whole access lies in
 * a registered range. REP INS/OUTS moving several items use the classic
 * MV_EXIT_IO exit even inside a ring range.
 */
#define MV_RING_MMAP_OFFSET	0
#define MV_RING_MAX_ENTRIES	65536	/* per ring, a power of two */
#define MV_RING_MIN_REQ_ENTRIES	2
#define MV_RING_MAX_BUSY_POLL_US	1000
#define MV_RING_MAX_RANGES	32

/*
 * kernel_flags (written by the kernel only). BROKEN: the VM is stopped;
 * no eventfd is signalled when that happens.
 */
#define MV_RING_KF_NEED_KICK	(1u << 0)	/* a vCPU sleeps: kick it */
#define MV_RING_KF_BROKEN	(1u << 1)
/* user_flags (written by the VMM only, at any time) */
#define MV_RING_UF_POLLING	(1u << 0)	/* don't signal req_eventfd */

/* struct mv_ring_req.flags */
#define MV_RING_REQ_WRITE	(1u << 0)	/* else a read */
#define MV_RING_REQ_PIO		(1u << 1)	/* addr is a port, else a GPA */
#define MV_RING_REQ_POSTED	(1u << 2)	/* no completion expected */

/*
 * Requests the kernel writes always have: len 1, 2 or 4 for port I/O and
 * 1, 2, 4 or 8 for MMIO; data bytes past len zero; POSTED only with
 * WRITE; reserved 0.
 */
struct mv_ring_req {
	__u64 seq;		/* 1, 2, 3, ... per VM */
	__u64 addr;		/* guest-physical address or port */
	__u8  data[8];		/* write: the value (little-endian); read: 0 */
	__u32 vcpu;		/* id of the vCPU that made the access */
	__u8  len;		/* 1, 2, 4 or 8 */
	__u8  flags;		/* MV_RING_REQ_* */
	__u16 reserved;		/* 0 */
};

struct mv_ring_cpl {
	__u64 seq;		/* of the request completed */
	__u8  data[8];		/* read: the value; write: ignored */
	__u32 vcpu;		/* the request's vcpu */
	__u32 reserved;		/* must be 0 */
};

struct mv_ring_layout {
	/* out: byte offsets into the mapping, and sizes */
	__u32 req_head, req_tail, req_mask, req_array;
	__u32 cpl_head, cpl_tail, cpl_mask, cpl_array;
	__u32 kernel_flags, user_flags;
	__u32 req_entries, cpl_entries;
	__u64 mmap_size;
	__u64 reserved[4];
};

/*
 * in: req_entries a power of two, MV_RING_MIN_REQ_ENTRIES..
 *     MV_RING_MAX_ENTRIES; cpl_entries a power of two, caps.max_vcpus..
 *     MV_RING_MAX_ENTRIES; req_eventfd an eventfd or -1; kick_eventfd an
 *     eventfd (not -1, and not the same eventfd as req_eventfd);
 *     busy_poll_us <= MV_RING_MAX_BUSY_POLL_US; flags, reserved and
 *     layout 0. -EINVAL for a bad value, -EBADF if an fd is not an
 *     eventfd, -EBUSY if the VM's rings exist already.
 * out: layout.
 * mmap() of the VM fd: -ENXIO before MV_SETUP_RINGS; -EINVAL unless the
 * offset is MV_RING_MMAP_OFFSET, the length layout.mmap_size and the
 * mapping MAP_SHARED. A child of fork() does not inherit the mapping.
 */
struct mv_ring_setup {
	__u32 req_entries;
	__u32 cpl_entries;
	__s32 req_eventfd;
	__s32 kick_eventfd;
	__u32 busy_poll_us;
	__u32 flags;
	__u64 reserved[2];
	struct mv_ring_layout layout;
};

#define MV_SETUP_RINGS		_IOWR(MV_IOCTL_MAGIC, 0x12, struct mv_ring_setup)

#define MV_RING_SPACE_PIO	0	/* base and len in ports, 0..0xffff */
#define MV_RING_SPACE_MMIO	1	/* guest-physical addresses */

/* struct mv_ring_range.flags */
#define MV_RING_RANGE_POSTED	(1u << 0)	/* writes do not wait */
#define MV_RING_RANGE_REMOVE	(1u << 1)	/* unregister base/len */

/*
 * Register [base, base + len) of a space as ring-served, or with
 * MV_RING_RANGE_REMOVE unregister the range registered with exactly this
 * space, base and len (MV_RING_RANGE_POSTED is ignored then). -ENXIO before
 * MV_SETUP_RINGS; -EINVAL bad space, flags, reserved, len 0, wrap, or a
 * port range past 0xffff; -EEXIST overlap; -ENOSPC MV_RING_MAX_RANGES
 * ranges already; -ENOENT removing a range that is not registered. Takes
 * effect for the next access of every vCPU.
 */
struct mv_ring_range {
	__u32 space;		/* MV_RING_SPACE_* */
	__u32 flags;		/* MV_RING_RANGE_* */
	__u64 base;
	__u64 len;
	__u64 reserved;		/* must be 0 */
};

#define MV_SET_RING_RANGE	_IOW(MV_IOCTL_MAGIC, 0x13, struct mv_ring_range)

/* ---------------------------------------------------------------------- */
/* vCPU fd                                                                 */
/* ---------------------------------------------------------------------- */

struct mv_regs {
	/* in/out */
	__u64 rax, rbx, rcx, rdx, rsi, rdi, rsp, rbp;
	__u64 r8, r9, r10, r11, r12, r13, r14, r15;
	__u64 rip, rflags;
};

/* Segment register in the unpacked form of SDM Vol. 3A 3.4.5. */
struct mv_segment {
	__u64 base;
	__u32 limit;		/* byte granular, as the VMCS holds it */
	__u16 selector;
	__u8  type;		/* 0..15 */
	__u8  s;		/* 0/1: code or data (1), system (0) */
	__u8  dpl;		/* 0..3 */
	__u8  present;		/* 0/1 */
	__u8  avl;		/* 0/1 */
	__u8  l;		/* 0/1: 64-bit code segment */
	__u8  db;		/* 0/1 */
	__u8  g;		/* 0/1 */
	__u8  unusable;		/* 0/1 */
	__u8  reserved;		/* must be 0 */
};

struct mv_dtable {
	__u64 base;
	__u16 limit;
	__u16 reserved[3];	/* must be 0 */
};

struct mv_sregs {
	/* in/out */
	struct mv_segment cs, ds, es, fs, gs, ss, tr, ldt;
	struct mv_dtable gdt, idt;
	__u64 cr0, cr2, cr3, cr4;
	__u64 efer;		/* LMA must equal LME && CR0.PG */
	__u64 reserved[4];	/* must be 0 */
};

/* struct mv_run.exit_reason */
#define MV_EXIT_NONE		0
/*
 * MV_EXIT_HLT: HLT with interrupts disabled and no NMI queued that the
 * guest can take (NMIs stay blocked until its NMI handler's IRET), so
 * nothing can wake the guest. With RFLAGS.IF = 1, HLT waits in the kernel
 * instead, for an interrupt or a deliverable NMI.
 * MV_EXIT_INTR: RUN failed with EINTR (a signal, or immediate_exit); the
 * guest is resumable with another RUN.
 */
#define MV_EXIT_HLT		1
#define MV_EXIT_IO		2	/* port I/O, see run->io */
#define MV_EXIT_MMIO		3	/* access outside every slot, run->mmio */
#define MV_EXIT_SHUTDOWN	4	/* triple fault */
#define MV_EXIT_FAIL_ENTRY	5	/* VM entry failed, run->fail_entry */
#define MV_EXIT_INTERNAL_ERROR	6	/* run->internal */
#define MV_EXIT_INTR		7	/* signal or immediate_exit */
#define MV_EXIT_MSR		8	/* unhandled MSR, run->msr */

#define MV_IO_IN		0
#define MV_IO_OUT		1

/*
 * Port I/O exit. Data lives in the run page at data_offset, count items of
 * size bytes each (count > 1 only for INS/OUTS).
 * OUT: the instruction is already complete when RUN returns.
 * IN:  userspace fills the data; the next RUN completes the instruction.
 */
struct mv_exit_io {
	__u8  direction;	/* MV_IO_IN / MV_IO_OUT */
	__u8  size;		/* 1, 2 or 4 */
	__u16 port;
	__u32 count;
	__u32 data_offset;	/* from the start of struct mv_run */
	__u32 reserved;
};

/*
 * MMIO exit: a load or store to a guest-physical address outside every slot
 * (or a store to a read-only slot). The kernel decodes the MOV family
 * (with MOVZX/MOVSX/MOVSXD), STOS and MOVS (one element per exit, the
 * other side in RAM), and the read-modify-write, TEST, CMP and XCHG forms.
 * Write: data[0..len) holds the value; the instruction is complete.
 * Read:  userspace fills data[0..len); the next RUN completes the
 *        instruction (register with the right extension, RFLAGS for
 *        arithmetic). For a read-modify-write or XCHG, that RUN returns at
 *        once with the write exit (is_write = 1) of the result, the
 *        instruction then being complete.
 * Undecodable instructions stop the vCPU with MV_INTERNAL_EMULATION.
 */
struct mv_exit_mmio {
	__u64 phys_addr;
	__u8  data[8];
	__u32 len;		/* 1, 2, 4 or 8 */
	__u8  is_write;
	__u8  reserved[3];
};

/*
 * Failed VM entry. Either VMLAUNCH/VMRESUME failed (vm_instruction_error,
 * SDM Vol. 3C 31.4) or the entry failed the guest-state checks and caused a
 * VM exit with bit 31 set (hardware_exit_reason and exit_qualification,
 * SDM Vol. 3C 27.8).
 */
struct mv_exit_fail_entry {
	__u64 hardware_exit_reason;
	__u64 exit_qualification;
	__u32 vm_instruction_error;
	__u32 reserved;
};

/* struct mv_exit_internal.suberror */
/*
 * UNHANDLED_EXIT: data[0] basic exit reason, [1] exit qualification (for
 *   MSR exits: the MSR number), [2] guest RIP, [3] guest-physical address
 *   (for WRMSR: the value written).
 * EMULATION: an MMIO instruction the kernel could not decode. data[0] the
 *   guest-physical address accessed, [1] guest RIP, [2] number of
 *   instruction bytes fetched (0..15), [3] and [4] those bytes packed
 *   little-endian, 8 per entry (byte 0 in the low byte of data[3]).
 * STRING_IO: INS/OUTS whose memory operand is not guest RAM (or whose
 *   guest page tables do not map it). data[0] the I/O exit qualification,
 *   [1] guest RIP.
 */
#define MV_INTERNAL_UNHANDLED_EXIT	1
#define MV_INTERNAL_EMULATION		2
#define MV_INTERNAL_STRING_IO		3
/*
 * RING: the VM's shared rings were corrupted by the VMM (see "exit
 *   forwarding through shared rings"). data[0] MV_RING_ERR_*, [1] the
 *   offending value (index, vcpu, seq or reserved field).
 */
#define MV_INTERNAL_RING		4

#define MV_RING_ERR_REQ_HEAD		1	/* req_head out of range */
#define MV_RING_ERR_CPL_TAIL		2	/* cpl_tail out of range */
#define MV_RING_ERR_CPL_VCPU		3	/* no such vCPU waiting */
#define MV_RING_ERR_CPL_SEQ		4	/* seq not the awaited one */
#define MV_RING_ERR_CPL_RESERVED	5	/* reserved field not 0 */

struct mv_exit_internal {
	__u32 suberror;
	__u32 ndata;		/* valid entries of data[] */
	__u64 data[16];
};

/*
 * RDMSR/WRMSR of an MSR the kernel does not handle, with the vCPU's MSR
 * policy MV_MSR_POLICY_EXIT (see "CPUID and MSRs" below).
 */
struct mv_exit_msr {
	__u32 index;		/* out: ECX */
	__u8  is_write;		/* out: 1 WRMSR, 0 RDMSR */
	__u8  error;		/* in: 0 complete, 1 inject #GP */
	__u8  reserved[2];
	__u64 data;		/* out (write) / in (read): EDX:EAX */
};

/*
 * struct mv_run occupies less than MV_RUN_HEADER_SIZE bytes and may grow up
 * to it; the I/O data area starts there.
 */
#define MV_RUN_HEADER_SIZE	1024
/* I/O data area inside the run page. */
#define MV_RUN_IO_DATA_OFFSET	MV_RUN_HEADER_SIZE
#define MV_RUN_IO_DATA_MAX	3072

/* mmap()ed from a vCPU fd at offset 0, caps.run_mmap_size bytes. */
struct mv_run {
	/* in */
	__u8  immediate_exit;	/* non-zero: RUN returns -EINTR at once */
	__u8  padding1[7];
	/* out */
	__u32 exit_reason;	/* MV_EXIT_* */
	__u32 padding2;
	__u64 guest_rip;	/* at the time of the exit */
	union {
		struct mv_exit_io io;
		struct mv_exit_mmio mmio;
		struct mv_exit_fail_entry fail_entry;
		struct mv_exit_internal internal;
		struct mv_exit_msr msr;
		__u8 padding[256];
	};
};

#define MV_RUN			_IO(MV_IOCTL_MAGIC, 0x20)
#define MV_GET_REGS		_IOR(MV_IOCTL_MAGIC, 0x21, struct mv_regs)
/*
 * RFLAGS: bit 1 set, reserved bits clear (-EINVAL). Setting IF = 0 also
 * ends an interrupt shadow (after STI) the guest was in, and an interrupt
 * whose delivery an exit cut short waits until IF = 1 again.
 */
#define MV_SET_REGS		_IOW(MV_IOCTL_MAGIC, 0x22, struct mv_regs)
#define MV_GET_SREGS		_IOR(MV_IOCTL_MAGIC, 0x23, struct mv_sregs)
#define MV_SET_SREGS		_IOW(MV_IOCTL_MAGIC, 0x24, struct mv_sregs)

/* Basic VM-exit reasons are 0..MV_NR_EXIT_REASONS-1 (SDM Vol. 3C App. C). */
#define MV_NR_EXIT_REASONS	96

struct mv_exit_stats {
	/* out */
	__u64 total_exits;
	__u64 exits[MV_NR_EXIT_REASONS];	/* indexed by basic reason */
	__u64 userspace_exits;			/* RUN returns to userspace */
	/* Accesses served through the rings instead of userspace exits. */
	__u64 ring_posted;		/* posted writes */
	__u64 ring_waited;		/* requests that waited for completion */
	__u64 ring_full_waits;		/* times the request ring was full */
	__u64 reserved[4];
};

#define MV_GET_EXIT_STATS	_IOR(MV_IOCTL_MAGIC, 0x28, struct mv_exit_stats)

/*
 * vCPU ioctl numbers reserved for work in progress (issue 3):
 *   0x25..0x27  interrupt and NMI injection
 *   0x29..0x2b  CPUID table and MSR policy
 */

/* ---- interrupts (0x25..0x27) ---------------------------------------- */

/*
 * Queue an external interrupt for this vCPU. Any thread may call it, also
 * while another thread is inside MV_RUN on the same vCPU: the vCPU is
 * kicked out of the guest (or woken from HLT) and injects the vector as
 * soon as the guest can take it (RFLAGS.IF = 1, no STI or MOV-SS
 * blocking, SDM Vol. 3C 25.4.2), using interrupt-window exiting to learn
 * when that is. Interrupts are delivered in the order queued, each exactly
 * once. At most MV_MAX_PENDING_IRQS wait at a time: -EAGAIN beyond that.
 * vector: 32..255 (0..31 are exceptions: -EINVAL).
 */
#define MV_MAX_PENDING_IRQS	256

struct mv_interrupt {
	/* in */
	__u32 vector;
	__u32 reserved;		/* must be 0 */
};

#define MV_INTERRUPT		_IOW(MV_IOCTL_MAGIC, 0x25, struct mv_interrupt)

/*
 * Queue an NMI (argument must be 0). Delivered when the guest is not
 * blocking NMIs (SDM Vol. 3C 25.4.2; NMI-window exiting tells when), each
 * queued NMI exactly once, at most MV_MAX_PENDING_IRQS waiting (-EAGAIN).
 * -EOPNOTSUPP if the CPU lacks virtual NMIs (MV_FEAT_VIRTUAL_NMI).
 */
#define MV_NMI			_IO(MV_IOCTL_MAGIC, 0x26)

/* ---- CPUID and MSRs (0x29..0x2b) ------------------------------------- */

/*
 * CPUID table of a vCPU. A guest CPUID (EAX = function, ECX = index) is
 * answered from this table and never from the host directly:
 *   - an entry matches if its function equals EAX and, if it has
 *     MV_CPUID_INDEX_SIGNIFICANT, its index equals ECX (otherwise ECX is
 *     ignored and index must be 0);
 *   - a function/index with no matching entry returns EAX = EBX = ECX =
 *     EDX = 0. (Real Intel CPUs return the highest basic leaf for an
 *     out-of-range function, SDM Vol. 2A "CPUID"; minivisor returns zeros
 *     so that a missing leaf reads as "no features", whatever the table.)
 *   - two fix-ups are applied at lookup time to whatever the table says:
 *     CPUID.1:ECX.OSXSAVE[27] follows the guest's CR4.OSXSAVE, and
 *     CPUID.(0DH,0):EBX (if EAX is not 0) is the XSAVE area size for the
 *     guest's current XCR0, from the table's leaf 0xD subleaves.
 *   - leaf 0xD subleaf 0 EDX:EAX also limits what XSETBV accepts: the
 *     guest may enable only x87, SSE and AVX state that the table offers
 *     and the host has enabled in its own XCR0 (other values: #GP).
 *
 * A new vCPU starts with a default table derived from the host's CPUID:
 * VMX, SMX and everything minivisor does not virtualize are hidden (among
 * them the local APIC, CPUID.1:EDX[9], since there is no APIC emulation
 * yet; x2APIC, TSC-deadline, PCID, AVX-512 and other XSAVE state beyond
 * x87/SSE/AVX, XSAVEC/XSAVES, MCE/MCA, performance monitoring, TSX,
 * RDTSCP); XSAVE, AVX, AVX2, FMA, F16C and leaf 0xD subleaves 0-2 pass
 * if the host kernel has enabled XSAVE; the hypervisor bit
 * CPUID.1:ECX[31] is set; the initial APIC id (CPUID.1:EBX[31:24]) and the
 * x2APIC id of leaves 0xB/0x1F (EDX) are the vCPU id; and leaf 0x40000000
 * reads EAX = 0x40000000 (the highest hypervisor leaf) and
 * EBX:ECX:EDX = "minivisor\0\0\0". MV_GET_CPUID returns it.
 */
#define MV_CPUID_MAX_ENTRIES		256
#define MV_CPUID_INDEX_SIGNIFICANT	(1u << 0)
#define MV_CPUID_SIGNATURE_LEAF		0x40000000

struct mv_cpuid_entry {
	__u32 function;
	__u32 index;		/* 0 unless MV_CPUID_INDEX_SIGNIFICANT */
	__u32 flags;		/* MV_CPUID_* */
	__u32 eax, ebx, ecx, edx;
	__u32 reserved;		/* must be 0 */
};

struct mv_cpuid {
	__u32 nent;		/* SET: in; GET: in capacity, out count */
	__u32 reserved;		/* must be 0 */
	struct mv_cpuid_entry entries[];
};

/*
 * Replace the table. nent <= MV_CPUID_MAX_ENTRIES (-E2BIG); every entry
 * valid: flags only MV_CPUID_INDEX_SIGNIFICANT, reserved 0, index 0
 * without that flag, no two entries matching the same function/index and
 * no function with both kinds of entry (-EINVAL). nent = 0 is allowed:
 * every CPUID then returns zeros.
 */
#define MV_SET_CPUID		_IOW(MV_IOCTL_MAGIC, 0x29, struct mv_cpuid)
/*
 * Read the table. In: nent = room in entries[]. Out: nent = entries
 * written. -E2BIG if they do not fit; nent then says how many there are.
 */
#define MV_GET_CPUID		_IOWR(MV_IOCTL_MAGIC, 0x2a, struct mv_cpuid)

/*
 * MSRs. RDMSR/WRMSR of these are handled in the kernel: IA32_EFER,
 * IA32_TSC (a write moves the guest's TSC offset), IA32_APIC_BASE (stored
 * only, no APIC emulation), IA32_SYSENTER_CS/ESP/EIP, IA32_PAT, STAR,
 * LSTAR, CSTAR, SFMASK, FS_BASE, GS_BASE, KERNEL_GS_BASE, IA32_MTRRCAP
 * (read-only: fixed ranges and WC, no variable ranges), IA32_MTRR_DEF_TYPE
 * and the 11 fixed-range MTRRs (stored), IA32_MISC_ENABLE (fixed value;
 * writing it unchanged is accepted), IA32_BIOS_SIGN_ID (microcode
 * revision 1 in bits 63:32; writes ignored). A bad value for one of them
 * raises #GP, as the CPU would.
 *
 * Debug registers: MOV to and from DR0-DR7 is emulated on a per-vCPU copy
 * (DR4/DR5 alias DR6/DR7 unless CR4.DE, which makes them #UD; reserved
 * bits of DR6/DR7 as the SDM fixes them, #GP for bits 63:32 set). The
 * copy is never loaded into the hardware: the guest's breakpoints are
 * accepted but do not fire.
 *
 * Any other MSR follows the vCPU's policy:
 *   MV_MSR_POLICY_GP    (the default) the guest gets #GP(0);
 *   MV_MSR_POLICY_EXIT  RUN returns MV_EXIT_MSR with run->msr. For a
 *       read, userspace fills data; for a write, data is the value. The
 *       next RUN completes the instruction: error = 0 finishes it (a read
 *       loads EDX:EAX from data), error = 1 injects #GP(0) instead; any
 *       other value fails RUN with -EINVAL and keeps the exit pending.
 */
#define MV_MSR_POLICY_GP	0
#define MV_MSR_POLICY_EXIT	1

struct mv_msr_policy {
	/* in */
	__u32 policy;		/* MV_MSR_POLICY_* */
	__u32 reserved;		/* must be 0 */
};

#define MV_SET_MSR_POLICY	_IOW(MV_IOCTL_MAGIC, 0x2b, struct mv_msr_policy)

/* MV_EXIT_MSR and struct mv_exit_msr (run->msr) are defined above
 * struct mv_run, which holds it.
 */

/* ---------------------------------------------------------------------- */
/* Hypercalls                                                              */
/* ---------------------------------------------------------------------- */

/*
 * VMCALL with the number in RAX; the result replaces RAX. From CPL > 0
 * every number but MV_HC_FLOOR returns -EPERM; an unknown one -EOPNOTSUPP.
 * (The other VMX instructions raise #UD in the guest.)
 *   MV_HC_NOP    returns 0: a hypercall handled in the kernel.
 *   MV_HC_FLOOR  RAX unchanged: only steps over the VMCALL, the cheapest
 *                exit minivisor returns from (the benchmarks' floor).
 */
#define MV_HC_NOP		0
#define MV_HC_FLOOR		0x4d56464cULL	/* "MVFL" */

/* ---------------------------------------------------------------------- */
/* Generic netlink: statistics and events                                  */
/* ---------------------------------------------------------------------- */

/*
 * Family MV_GENL_NAME, version MV_GENL_VERSION (a reply's genlmsghdr
 * carries it; a request with another version gets -EOPNOTSUPP). Every
 * command needs CAP_NET_ADMIN; attributes are validated against a strict
 * policy and errors come with an extended-ack message naming the
 * attribute.
 *
 * A bad dump request (LIST_VMS, GET_STATS: wrong version, missing or
 * unknown VM_ID / VCPU_ID) is answered with an NLMSG_DONE whose status is
 * the negative errno, followed by the extended-ack attributes
 * (NLM_F_ACK_TLVS); a request that fails the attribute policy, or a
 * command without the needed flag or capability, gets an NLMSG_ERROR.
 *
 * MV_CMD_LIST_VMS (dump, no attributes): one message per VM alive:
 *   VM_ID, PID (of the process that created it), NR_VCPUS, MEM_BYTES.
 * MV_CMD_GET_STATS (dump, VM_ID required, VCPU_ID optional): one message
 *   per vCPU (VM_ID, VCPU_ID, EXITS_TOTAL, then one nested REASON per
 *   exit reason seen since the last reset), then, without VCPU_ID, one
 *   message with the VM's totals over its vCPUs in the same form.
 *   -ENOENT (with extack) if the VM or vCPU does not exist.
 * MV_CMD_RESET_STATS (do, VM_ID required, VCPU_ID optional): zero them.
 *   Exits being handled at that moment may still be counted.
 * MV_CMD_SET_SAMPLING (do, SAMPLE_PERIOD): every SAMPLE_PERIOD-th exit of
 *   each vCPU (of every VM) is announced as MV_CMD_EXIT_SAMPLE on the
 *   events group; 0 (the default) turns sampling off.
 * Events, multicast on MV_GENL_MCGRP_EVENTS:
 *   MV_CMD_VM_CREATED    VM_ID, PID
 *   MV_CMD_VM_DESTROYED  VM_ID
 *   MV_CMD_EXIT_SAMPLE   VM_ID, VCPU_ID, REASON_ID, EXIT_QUAL,
 *                        GUEST_RIP, CYCLES
 *
 * A REASON nest: REASON_ID (basic exit reason, SDM Vol. 3C App. C), COUNT,
 * CYCLES_TOTAL, CYCLES_MAX, HIST. Cycles are host TSC cycles from the VM
 * exit to the next VM entry of that vCPU: the time spent handling the
 * exit, including any time in userspace or waiting in the kernel. An exit
 * is counted when it happens and its cycles are added when it has been
 * handled, so while one is in progress (e.g. a vCPU asleep in HLT) its
 * reason's HIST sums to COUNT - 1. HIST is
 * an array of MV_STATS_HIST_BUCKETS __u64: bucket i (2 <= i < last)
 * counts the exits that took [2^i, 2^(i+1)) cycles, bucket 2 also those
 * under 4 cycles (no real exit is that short; buckets 0 and 1 stay 0),
 * the last bucket everything longer. Statistics
 * are collected while the module parameter exit_stats is 1 (the default;
 * writable in /sys/module/minivisor/parameters/).
 */
#define MV_GENL_NAME		"minivisor"
#define MV_GENL_VERSION		1
#define MV_GENL_MCGRP_EVENTS	"events"
#define MV_STATS_HIST_BUCKETS	32

enum mv_genl_cmd {
	MV_CMD_UNSPEC,
	MV_CMD_LIST_VMS,
	MV_CMD_GET_STATS,
	MV_CMD_RESET_STATS,
	MV_CMD_SET_SAMPLING,
	MV_CMD_VM_CREATED,
	MV_CMD_VM_DESTROYED,
	MV_CMD_EXIT_SAMPLE,
	__MV_CMD_MAX,
};
#define MV_CMD_MAX	(__MV_CMD_MAX - 1)

enum mv_genl_attr {
	MV_A_UNSPEC,
	MV_A_PAD,
	MV_A_VM_ID,		/* u32 */
	MV_A_VCPU_ID,		/* u32 */
	MV_A_PID,		/* u32 */
	MV_A_NR_VCPUS,		/* u32 */
	MV_A_MEM_BYTES,		/* u64 */
	MV_A_EXITS_TOTAL,	/* u64 */
	MV_A_REASON,		/* nested: the MV_A_REASON_* below */
	MV_A_REASON_ID,		/* u32 */
	MV_A_COUNT,		/* u64 */
	MV_A_CYCLES_TOTAL,	/* u64 */
	MV_A_CYCLES_MAX,	/* u64 */
	MV_A_HIST,		/* binary: __u64[MV_STATS_HIST_BUCKETS] */
	MV_A_SAMPLE_PERIOD,	/* u32 */
	MV_A_EXIT_QUAL,		/* u64 */
	MV_A_GUEST_RIP,		/* u64 */
	MV_A_CYCLES,		/* u64 */
	__MV_A_MAX,
};
#define MV_A_MAX	(__MV_A_MAX - 1)

#endif /* _UAPI_MINIVISOR_H */

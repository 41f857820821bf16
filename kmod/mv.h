/* SPDX-License-Identifier: GPL-2.0 */
/*
 * minivisor core objects: a VM (memory slots, EPT, vCPUs) and a vCPU (one
 * VMCS, its guest registers and the shared run page).
 */
#ifndef MV_H
#define MV_H

#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/wait.h>
#include <asm/page.h>
#include <asm/fpu/types.h>
#include <minivisor.h>
#include "ept.h"
#include "insn_decode.h"
#include "irq_queue.h"
#include "msr.h"
#include "ring.h"
#include "stats.h"

#define MV_MAX_VMS		16
#define MV_MAX_VCPUS		8
#define MV_MAX_SLOTS		32
#define MV_MAX_MEM		(16ULL << 30)

struct mv_memslot {
	u64 gpa;
	u64 size;
	u64 uaddr;
	u32 flags;		/* MV_MEM_* */
	unsigned long npages;
	struct page **pages;	/* pinned for the slot's lifetime */
};

struct mv_vm {
	struct kref ref;	/* the VM fd and every vCPU hold one */
	u32 id;			/* for netlink: 1, 2, ... (an IDA) */
	pid_t pid;		/* tgid of the creator */
	struct list_head node;	/* on mv_vms, under mv_vms_lock */
	struct mutex lock;	/* slot changes, vCPU creation */
	/*
	 * Exit handlers look slots up with preemption off: they take
	 * slots_lock for reading; a slot is unpublished under the write
	 * lock before its pages are unpinned.
	 */
	rwlock_t slots_lock;
	struct mv_memslot *slots[MV_MAX_SLOTS];
	u64 mem_total;
	struct mv_ept ept;
	struct mv_vcpu *vcpus[MV_MAX_VCPUS];
	unsigned int nr_vcpus;
	struct mv_ring *ring;	/* ring.c; set once, under lock */
};

/* Indices into mv_vcpu.gprs: the x86 register numbers (SDM Vol. 2A 2.1.5). */
enum mv_gpr {
	MV_RAX, MV_RCX, MV_RDX, MV_RBX, MV_RSP, MV_RBP, MV_RSI, MV_RDI,
	MV_R8, MV_R9, MV_R10, MV_R11, MV_R12, MV_R13, MV_R14, MV_R15,
	MV_NR_GPRS
};

/* What the next RUN must finish before entering the guest. */
enum mv_pending {
	MV_PENDING_NONE,
	MV_PENDING_PIO_IN,	/* IN/INS: data in the run page */
	MV_PENDING_MMIO_READ,	/* load: data in run->mmio.data */
	MV_PENDING_MSR_READ,	/* RDMSR: data (or error) in run->msr */
	MV_PENDING_MSR_WRITE,	/* WRMSR: error in run->msr */
};

struct mv_pending_pio {
	u8 size;
	bool string;
	bool rep;
	u8 addr_size;		/* bytes: 2, 4 or 8 */
	u32 count;
};

struct mv_vcpu {
	/* Guest GPRs other than RSP (which lives in the VMCS); mv_vmx_enter
	 * loads and stores them, so this must stay the first member.
	 */
	unsigned long gprs[MV_NR_GPRS];

	struct mv_vm *vm;
	u32 id;
	struct mutex mutex;	/* one ioctl at a time on this vCPU */

	void *vmcs;
	u64 vmcs_pa;
	int cpu;		/* where the VMCS is active, or -1 */
	int host_cpu;		/* CPU whose host state the VMCS holds, or -1 */
	bool launched;		/* VMLAUNCH done since the last VMCLEAR */
	struct list_head loaded_node;	/* on mv_loaded_vmcss of ->cpu */

	struct mv_run *run;	/* shared with userspace via mmap */
	u32 proc_ctls;		/* primary controls as last written */

	/* Pending events; see interrupts.c for the kick protocol. */
	spinlock_t irq_lock;
	struct mv_irq_queue irqs;
	wait_queue_head_t wq;	/* a halted vCPU sleeps here */
	bool halted;		/* HLT with IF = 1: wait for an event */
	bool halt_nmi_blocked;	/* ... and queued NMIs cannot wake it */
	/*
	 * An external interrupt taken out of the VMCS's injection field
	 * (mv_vcpu_hold_injected_irq()); injected before the queue's.
	 */
	bool irq_held;
	u8 held_vector;
	bool in_guest;		/* between event check and VM exit */

	enum mv_pending pending;
	struct mv_pending_pio pio;
	struct mv_insn mmio_insn;	/* MMIO instruction awaiting its read */
	u64 mmio_gpa;		/* and the address of that read */
	struct mv_ring_op ring_op;	/* ring-served access in flight */

	u64 cr0_shadow_mask;	/* CR0 bits owned by the host */
	u64 cr4_shadow_mask;
	u64 guest_kernel_gs_base;
	struct mv_msrs msrs;	/* msr.c */
	struct mv_cpuid_entry *cpuid;	/* cpuid.c; replaced by MV_SET_CPUID */
	u32 cpuid_nent;
	unsigned long cr2;	/* not in the VMCS; switched by hand */
	/* CR8 (TPR[7:4]): MOV CR8 always exits (exit_cr.c), 0 at reset. */
	u8 cr8;
	/* The guest's view of its debug registers (exit_dr.c). */
	unsigned long dr[4];
	unsigned long dr6, dr7;

	/*
	 * The guest's x87/SSE/AVX registers (an XSAVE area owned by the
	 * kernel's FPU code) and XCR0; vcpu.c says when they are live.
	 */
	struct fpu_guest guest_fpu;
	u64 xcr0;

	struct mv_exit_stats stats;
	/*
	 * Per-reason cycles for netlink (stats.h), and the exit being
	 * handled or last handled (in_guest tells): its row (NULL: none, or
	 * statistics off), host TSC when it happened, and basic reason.
	 */
	struct mv_vcpu_stats *xstats;
	struct mv_stats_row *stats_row;
	u64 exit_tsc;
	u32 exit_reason;
	/* Exit sampling for the netlink events group (genl.c). */
	u32 sample_count;
	bool sample_pending;
	u64 sample_qual, sample_rip, sample_tsc;
};

/* vm.c */
extern struct list_head mv_vms;		/* every VM alive */
extern struct mutex mv_vms_lock;
void mv_vm_put(struct mv_vm *vm);
/* The VM with @id, with a reference held, or NULL. */
struct mv_vm *mv_vm_get_by_id(u32 id);
struct mv_memslot *mv_find_slot(struct mv_vm *vm, u64 gpa);
int mv_create_vm_fd(unsigned long flags);

/* vcpu.c */
int mv_create_vcpu_fd(struct mv_vm *vm, unsigned long id);
/* Step over the exiting instruction (length from the VMCS, or given). */
void mv_vcpu_advance_rip(struct mv_vcpu *vcpu);
void mv_vcpu_skip_insn(struct mv_vcpu *vcpu, unsigned int len);
void mv_vcpu_inject_ud(struct mv_vcpu *vcpu);
void mv_vcpu_inject_gp(struct mv_vcpu *vcpu);
void mv_internal_error(struct mv_vcpu *vcpu, u32 suberror,
		       const u64 *data, u32 ndata);

#endif /* MV_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The hypervisor under the VMM, chosen with `minivisor run --hv`:
 * minivisor (/dev/minivisor, hv/minivisor.c, a thin layer over
 * libminivisor) or KVM (/dev/kvm, hv/kvm.c). Everything above this
 * interface is the same for both -- run.c, the exit dispatcher (exit.c,
 * loop.c) and every device -- so a guest can be compared on the two
 * hypervisors with the same device code.
 *
 * The common currency is minivisor's ABI: registers are struct mv_regs /
 * mv_sregs, and every vCPU has a struct mv_run page of run_size bytes in
 * which the backend reports each exit exactly as MV_RUN does, and from
 * which it takes the results (IN data, MMIO read data, the MSR result)
 * on the next run. A backend that is not minivisor translates.
 *
 * Functions return 0 (or a count) or a negative errno; on failure
 * mv_last_error() (lib/libminivisor.h) names the cause and the fix.
 * Threads: mv_hv_vcpu_run() and the setters on a vCPU's own thread (or
 * before it starts); mv_hv_queue_interrupt()/_nmi() from any thread, also
 * while the vCPU runs; mv_hv_vcpu_request_exit() from a signal handler
 * on the vCPU's thread.
 */
#ifndef MV_HV_H
#define MV_HV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <minivisor.h>

#include "vcpu_ctx.h"
#include "devices/bus.h"

enum mv_hv_kind {
	MV_HV_MINIVISOR,	/* the default */
	MV_HV_KVM,
};

/* "minivisor" or "kvm", as --hv spells them. */
const char *mv_hv_kind_name(enum mv_hv_kind kind);
/* Parses a --hv value; 0 or -EINVAL. */
int mv_hv_parse_kind(const char *s, enum mv_hv_kind *kind);

/* What `minivisor run` checks its options against. */
struct mv_hv_caps {
	const char *name;	/* "the module" or "KVM", for messages */
	size_t run_size;	/* bytes of each vCPU's struct mv_run page */
	unsigned int max_vcpus;	/* per VM */
	uint64_t max_mem;	/* bytes of guest memory per VM; 0: no limit */
	uint64_t max_gpa;	/* guest-physical end; 0: no limit known */
	bool real_mode;		/* can start a guest in real mode */
	bool rings;		/* minivisor's shared exit rings (--ring) */
	bool coalesced;		/* KVM's coalesced MMIO (--coalesced) */
};

struct mv_hv_ops;

/* A hypervisor with (at most) one VM; the backend embeds it. */
struct mv_hv {
	const struct mv_hv_ops *ops;
	enum mv_hv_kind kind;
	struct mv_hv_caps caps;
	int vm_fd;		/* -1 before mv_hv_create_vm() */
	void *ram;		/* guest RAM at GPA 0, NULL before add_ram */
	uint64_t ram_size;
};

/* One vCPU; the backend embeds it. */
struct mv_hv_vcpu {
	struct mv_hv *hv;
	unsigned int id;
	struct mv_run *run;	/* what exit.c reads and writes */
	size_t run_size;
};

struct mv_hv_ops {
	int (*create_vm)(struct mv_hv *hv);
	int (*add_ram)(struct mv_hv *hv, uint64_t size);
	int (*create_vcpu)(struct mv_hv *hv, unsigned int id,
			   struct mv_hv_vcpu **out);
	int (*set_regs)(struct mv_hv_vcpu *v, const struct mv_regs *regs);
	int (*set_sregs)(struct mv_hv_vcpu *v, const struct mv_sregs *sregs);
	int (*set_msr_policy)(struct mv_hv_vcpu *v, uint32_t policy);
	void (*bind)(struct mv_hv_vcpu *v, struct mv_vcpu_ctx *ctx,
		     struct mv_bus *bus);
	int (*run)(struct mv_hv_vcpu *v);
	void (*request_exit)(struct mv_hv_vcpu *v);
	int (*queue_interrupt)(struct mv_hv_vcpu *v, unsigned int vector);
	int (*queue_nmi)(struct mv_hv_vcpu *v);
	/* NULL if the backend has no coalesced writes. */
	int (*add_coalesced)(struct mv_hv *hv, enum mv_space space,
			     uint64_t base, uint64_t len);
	void (*flush)(struct mv_hv *hv);
	int (*print_stats)(struct mv_hv *hv, FILE *out,
			   struct mv_hv_vcpu *const *vcpus, unsigned int n);
	void (*destroy_vcpu)(struct mv_hv_vcpu *v);
	void (*close)(struct mv_hv *hv);
};

/*
 * Opens the hypervisor's device (/dev/minivisor, or $MINIVISOR_DEVICE;
 * /dev/kvm, or $MINIVISOR_KVM_DEVICE) and reads its capabilities into
 * (*out)->caps. Nothing else is created yet.
 */
int mv_hv_open(enum mv_hv_kind kind, struct mv_hv **out);
/* Frees everything, the VM and guest RAM too; NULL is fine. */
void mv_hv_close(struct mv_hv *hv);

/* Creates the VM. -EBUSY: another hypervisor holds VMX. */
int mv_hv_create_vm(struct mv_hv *hv);
/* Zeroed guest RAM of @size bytes at GPA 0: hv->ram, hv->ram_size. */
int mv_hv_add_ram(struct mv_hv *hv, uint64_t size);
/* vCPU @id with its run page (caps.run_size bytes). */
int mv_hv_create_vcpu(struct mv_hv *hv, unsigned int id,
		      struct mv_hv_vcpu **out);
void mv_hv_destroy_vcpu(struct mv_hv_vcpu *v);	/* NULL is fine */

int mv_hv_set_regs(struct mv_hv_vcpu *v, const struct mv_regs *regs);
int mv_hv_set_sregs(struct mv_hv_vcpu *v, const struct mv_sregs *sregs);
/* MV_MSR_POLICY_GP or _EXIT for MSRs the hypervisor does not handle. */
int mv_hv_set_msr_policy(struct mv_hv_vcpu *v, uint32_t policy);

/*
 * The vCPU's context and the device bus, for device accesses the backend
 * performs itself (KVM's coalesced writes, drained on the vCPU's thread
 * before each exit is returned). A device may stop the vCPU there
 * (ctx->stop); the run loop checks after every run.
 */
void mv_hv_vcpu_bind(struct mv_hv_vcpu *v, struct mv_vcpu_ctx *ctx,
		     struct mv_bus *bus);

/*
 * Runs the guest until an exit for the VMM: 0 with the exit in v->run,
 * -EINTR (and MV_EXIT_INTR) once v->run->immediate_exit is set or a
 * signal interrupted minivisor's MV_RUN, another -errno on failure.
 * HLT with interrupts enabled sleeps in here until an event is queued.
 */
int mv_hv_vcpu_run(struct mv_hv_vcpu *v);
/*
 * Async-signal-safe: sets immediate_exit, so that the run in progress
 * (or the next one) returns -EINTR soon. It stays set: for stopping.
 */
void mv_hv_vcpu_request_exit(struct mv_hv_vcpu *v);

/*
 * Queue an external interrupt (vector 32..255) or an NMI for @v. Any
 * thread, also while @v runs (it is kicked out of the guest, or woken
 * from HLT); each is delivered once, interrupts in order. -EAGAIN when
 * MV_MAX_PENDING_IRQS wait already; -EINVAL for a bad vector. No
 * message is set (device threads handle the errno).
 */
int mv_hv_queue_interrupt(struct mv_hv_vcpu *v, unsigned int vector);
int mv_hv_queue_nmi(struct mv_hv_vcpu *v);

/*
 * KVM's coalesced MMIO (or PIO): writes to [base, base + len) of @space
 * are buffered by the hypervisor and performed on the bus later, in
 * order, before the next exit of any vCPU is handled. -EOPNOTSUPP where
 * the backend has none (minivisor: use the shared rings).
 */
int mv_hv_add_coalesced(struct mv_hv *hv, enum mv_space space,
			uint64_t base, uint64_t len);
/* Performs what the hypervisor still buffers; after the vCPUs stopped. */
void mv_hv_flush(struct mv_hv *hv);

/* `run --stats`: the backend's exit statistics of @vcpus, to @out. */
int mv_hv_print_stats(struct mv_hv *hv, FILE *out,
		      struct mv_hv_vcpu *const *vcpus, unsigned int n);

/* Backends (hv/minivisor.c, hv/kvm.c). */
int mv_hv_minivisor_open(struct mv_hv **out);
int mv_hv_kvm_open(struct mv_hv **out);

#endif /* MV_HV_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The KVM backend's translations between KVM's ABI and minivisor's, as
 * pure functions on plain memory (the unit tests drive them with fake
 * struct kvm_run buffers): registers, segment state, every exit KVM
 * returns to userspace into the struct mv_run page the exit dispatcher
 * reads, the results written back before the next KVM_RUN, and the CPUID
 * table a vCPU gets.
 */
#ifndef MV_HV_KVM_XLATE_H
#define MV_HV_KVM_XLATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/kvm.h>
#include <minivisor.h>

/*
 * KVM moves the data of one port-I/O exit (a string instruction's items,
 * count * size) in one page; the mv_run page the backend hands out has
 * room for that much after minivisor's header.
 */
#define MV_KVM_PIO_DATA_MAX	4096
#define MV_KVM_RUN_SIZE		(MV_RUN_IO_DATA_OFFSET + MV_KVM_PIO_DATA_MAX)

void mv_kvm_regs_from_mv(struct kvm_regs *k, const struct mv_regs *m);
void mv_kvm_regs_to_mv(struct mv_regs *m, const struct kvm_regs *k);
/*
 * @k comes in as KVM's current state (KVM_GET_SREGS): what minivisor's
 * struct has no field for (CR8, the pending-interrupt bitmap) is left as
 * KVM has it, and so is the APIC base but for its enable bit, cleared
 * (no local APIC; KVM shows that bit as CPUID.1:EDX.APIC).
 */
void mv_kvm_sregs_from_mv(struct kvm_sregs *k, const struct mv_sregs *m);
void mv_kvm_sregs_to_mv(struct mv_sregs *m, const struct kvm_sregs *k);

/* What a KVM exit means for the backend's run loop. */
enum mv_kvm_xlate {
	MV_KVM_EXIT,	/* the exit is in the mv_run page, for the VMM */
	MV_KVM_RERUN,	/* nothing for the VMM (interrupt window): run again */
	MV_KVM_HALTED,	/* HLT with IF = 1: sleep until an event, then run */
};

/* What the next KVM_RUN needs back from the mv_run page first. */
enum mv_kvm_completion {
	MV_KVM_CPL_NONE,
	MV_KVM_CPL_PIO_IN,	/* the IN data (count * size bytes) */
	MV_KVM_CPL_MMIO_READ,	/* mmio.data[0..len) */
	MV_KVM_CPL_MSR,		/* msr.error, and msr.data of a RDMSR */
};

/*
 * Translates the exit in @kr (@kr_size bytes mapped, the PIO data page
 * included) into @run (@run_size bytes, at least MV_KVM_RUN_SIZE for
 * string I/O): MV_EXIT_IO with the data at MV_RUN_IO_DATA_OFFSET,
 * MV_EXIT_MMIO, MV_EXIT_HLT (IF = 0), MV_EXIT_SHUTDOWN,
 * MV_EXIT_FAIL_ENTRY, MV_EXIT_MSR, KVM_EXIT_INTERNAL_ERROR as
 * MV_EXIT_INTERNAL_ERROR / MV_INTERNAL_KVM_ERROR, and any other exit --
 * or one the devices cannot take (an MMIO length other than 1, 2, 4, 8)
 * -- as MV_EXIT_INTERNAL_ERROR / MV_INTERNAL_KVM_EXIT with the KVM
 * reason. guest_rip is 0: KVM does not report it (the backend reads it
 * for the exits that print it, mv_kvm_exit_wants_rip()). *@cpl says what
 * mv_kvm_complete() must copy back before the next KVM_RUN.
 */
enum mv_kvm_xlate mv_kvm_exit_to_mv(const struct kvm_run *kr, size_t kr_size,
				    struct mv_run *run, size_t run_size,
				    enum mv_kvm_completion *cpl);
/* Exits whose messages show the guest's RIP (those that end the run). */
bool mv_kvm_exit_wants_rip(uint32_t mv_exit_reason);

/*
 * Copies the VMM's results of the last exit from @run into @kr, where
 * KVM takes them on the next KVM_RUN. 0, or -EINVAL for an msr.error
 * other than 0 or 1 (as MV_RUN, the exit then stays pending) or a data
 * area that does not fit either page.
 */
int mv_kvm_complete(struct kvm_run *kr, size_t kr_size,
		    const struct mv_run *run, size_t run_size,
		    enum mv_kvm_completion cpl);

/*
 * KVM_GET_SUPPORTED_CPUID's table, made what the guest sees under
 * minivisor as far as KVM allows: VMX hidden (no nested VMX), the
 * hypervisor bit set, no local APIC, x2APIC or TSC-deadline timer (the
 * PIC and PIT stay in userspace, no in-kernel irqchip), the initial APIC
 * id and x2APIC id the vCPU id; leaf 0x40000000 keeps KVM's signature
 * ("KVMKVMKVM", which is what the guest runs on) with 0x40000001 as the
 * highest hypervisor leaf, and 0x40000001 reads zero: no paravirtual
 * features (kvmclock, PV EOI, ...), so a guest takes the same paths as
 * under minivisor. Adds that leaf if missing and @room allows. Returns
 * the number of entries.
 */
unsigned int mv_kvm_cpuid_adjust(struct kvm_cpuid_entry2 *e, unsigned int n,
				 unsigned int room, unsigned int vcpu_id);

#endif /* MV_HV_KVM_XLATE_H */

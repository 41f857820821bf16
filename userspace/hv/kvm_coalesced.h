/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The consumer side of KVM's coalesced MMIO/PIO ring (one page per VM,
 * mapped from every vCPU fd at KVM_COALESCED_MMIO_PAGE_OFFSET pages).
 * KVM appends a record for each write to a registered zone instead of
 * exiting: it writes coalesced_mmio[last], then advances last (mod the
 * ring size) with a write barrier, and falls back to an ordinary exit
 * while the ring is full (one slot always stays free). The VMM performs
 * the records from first to last, in order, and advances first after
 * each. Pure memory, so the unit tests drive it with a fake ring.
 */
#ifndef MV_HV_KVM_COALESCED_H
#define MV_HV_KVM_COALESCED_H

#include <stdint.h>
#include <linux/kvm.h>

/* KVM_COALESCED_MMIO_MAX with x86's 4 KiB page (the uapi uses PAGE_SIZE). */
#define MV_KVM_COALESCED_PAGE	4096u
#define MV_KVM_COALESCED_MAX						\
	((MV_KVM_COALESCED_PAGE - sizeof(struct kvm_coalesced_mmio_ring)) / \
	 sizeof(struct kvm_coalesced_mmio))

/* Performs one record (a copy: the slot may be reused once it returns). */
typedef void mv_kvm_coalesced_fn(void *arg, const struct kvm_coalesced_mmio *e);

/*
 * Performs every record published so far, oldest first, through @fn,
 * and gives each slot back. @max is the ring's number of slots
 * (MV_KVM_COALESCED_MAX for KVM's). Returns the number of records
 * performed, or -EPROTO if KVM's index is out of range (nothing is
 * performed then). The caller serialises consumers (vCPU threads).
 */
int mv_kvm_coalesced_drain(struct kvm_coalesced_mmio_ring *ring,
			   uint32_t max, mv_kvm_coalesced_fn *fn, void *arg);

#endif /* MV_HV_KVM_COALESCED_H */

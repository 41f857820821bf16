/* SPDX-License-Identifier: GPL-2.0 */
/*
 * `run --stats` under KVM. KVM handles most exits in the kernel and has
 * no per-reason table like minivisor's MV_GET_EXIT_STATS, so the backend
 * counts what userspace itself sees: every return of KVM_RUN by KVM exit
 * reason, and what it did about events. The output says so, and never
 * looks like minivisor's in-kernel table.
 */
#ifndef MV_HV_KVM_STATS_H
#define MV_HV_KVM_STATS_H

#include <stdint.h>
#include <stdio.h>

#define MV_KVM_STATS_REASONS	64	/* KVM_EXIT_* below this, one each */

struct mv_kvm_stats {
	uint64_t exits[MV_KVM_STATS_REASONS];	/* KVM_RUN returns by reason */
	uint64_t exits_other;			/* reasons >= the above */
	uint64_t irqs_injected;			/* KVM_INTERRUPT */
	uint64_t nmis_injected;			/* KVM_NMI */
	uint64_t hlt_sleeps;			/* HLT, IF = 1: slept in the VMM */
};

/* One KVM_RUN return with @reason (KVM_EXIT_INTR for -EINTR). */
void mv_kvm_stats_count(struct mv_kvm_stats *st, uint32_t reason);
void mv_kvm_stats_add(struct mv_kvm_stats *sum, const struct mv_kvm_stats *st);

/*
 * After a blank line, "--- TITLE ---", a note that only exits to
 * userspace are counted, "%6u  %-24s %12llu" rows (KVM exit reason,
 * KVM_EXIT_ name, count) for the non-zero reasons, then "exits to
 * userspace: N", "interrupts injected: N", "NMIs injected: N" and
 * "HLT sleeps in the VMM: N".
 */
void mv_kvm_print_stats(FILE *out, const char *title,
			const struct mv_kvm_stats *st);

#endif /* MV_HV_KVM_STATS_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Names of KVM's exit reasons and internal-error suberrors, and the
 * MV_EXIT_INTERNAL_ERROR suberrors only the KVM backend produces (so the
 * exit dispatcher can describe them; the module's own are small numbers,
 * see uapi/minivisor.h). No <linux/kvm.h> needed to include this.
 */
#ifndef MV_HV_KVM_NAMES_H
#define MV_HV_KVM_NAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <minivisor.h>

#define MV_INTERNAL_KVM_BASE	0x4b564d00u	/* "KVM" */
/*
 * KVM returned an exit the VMM cannot take: data[0] the KVM_EXIT_*
 * reason; for KVM_EXIT_MMIO [1] address, [2] length, [3] is_write; for
 * KVM_EXIT_IO [1] port, [2] size, [3] count, [4] direction.
 */
#define MV_INTERNAL_KVM_EXIT	(MV_INTERNAL_KVM_BASE + 1)
/* KVM_EXIT_INTERNAL_ERROR: data[0] KVM's suberror, [1..] KVM's data. */
#define MV_INTERNAL_KVM_ERROR	(MV_INTERNAL_KVM_BASE + 2)

static inline bool mv_internal_is_kvm(uint32_t suberror)
{
	return (suberror & ~0xffu) == MV_INTERNAL_KVM_BASE;
}

/* "KVM_EXIT_IO" etc., or "KVM_EXIT_?" for a number it does not know. */
const char *mv_kvm_exit_name(uint32_t reason);
/* KVM_INTERNAL_ERROR_* in words, or "unknown". */
const char *mv_kvm_internal_name(uint32_t suberror);

/* The stop message of an MV_INTERNAL_KVM_* exit, one or more lines. */
void mv_kvm_describe_internal(const struct mv_exit_internal *in,
			      unsigned long long rip, char *buf, size_t len);

#endif /* MV_HV_KVM_NAMES_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest's CPUID: a per-vCPU table (uapi struct mv_cpuid_entry), a
 * default table filtered from the host's, and the lookup a CPUID exit
 * uses. Everything but mv_cpuid_read_host() and the ioctls is a pure
 * function over its arguments (tests/kunit/cpuid_test.c).
 */
#ifndef MV_CPUID_H
#define MV_CPUID_H

#include <linux/types.h>
#include <asm/fpu/xcr.h>
#include <asm/processor-flags.h>
#include <asm/tlbflush.h>
#include <minivisor.h>

struct mv_vcpu;

/* Entries the default table can hold; more than enough for the leaves
 * mv_cpuid_read_host() collects.
 */
#define MV_CPUID_HOST_MAX	96

struct mv_cpuid_regs {
	u32 eax, ebx, ecx, edx;
};

/* 0 if the table is acceptable to MV_SET_CPUID, else -EINVAL / -E2BIG. */
int mv_cpuid_check(const struct mv_cpuid_entry *e, u32 n);

/*
 * The entry matching @function/@index, or NULL. A missing leaf reads as
 * zeros: the caller clears @out in that case (mv_cpuid_lookup does).
 */
const struct mv_cpuid_entry *mv_cpuid_find(const struct mv_cpuid_entry *e,
					   u32 n, u32 function, u32 index);
/* Fill @out for CPUID(@function, @index); returns whether an entry matched. */
bool mv_cpuid_lookup(const struct mv_cpuid_entry *e, u32 n, u32 function,
		     u32 index, struct mv_cpuid_regs *out);
/* Fix-ups that depend on guest state at the time of the CPUID. */
void mv_cpuid_fixup(u32 function, bool cr4_osxsave, struct mv_cpuid_regs *r);

/* XCR0 bits a guest may set: x87, SSE, AVX (see cpuid.c). */
#define MV_XCR0_SUPPORTED	0x7ULL

/* CPUID.(0DH,0):EBX for @xcr0: the XSAVE area size, from table @e. */
u32 mv_cpuid_xsave_size(const struct mv_cpuid_entry *e, u32 n, u64 xcr0);
/* The XCR0 bits the guest's table offers that the host has enabled. */
u64 mv_cpuid_xcr0_mask(const struct mv_cpuid_entry *e, u32 n, u64 host_xcr0);
/* May XSETBV load @xcr0 into XCR0, given the @supported bits? */
bool mv_xcr0_valid(u64 xcr0, u64 supported);

/* The host's XCR0, or 0 if the host kernel has not enabled XSAVE. */
static inline u64 mv_host_xcr0(void)
{
	return (cr4_read_shadow() & X86_CR4_OSXSAVE) ?
		xgetbv(XCR_XFEATURE_ENABLED_MASK) : 0;
}

/*
 * Build the default table into @out (room for @max entries) from @host
 * (what mv_cpuid_read_host() returned, or a synthetic table in tests) and
 * the host's XCR0 (mv_host_xcr0()). Returns the number of entries.
 */
u32 mv_cpuid_build_default(const struct mv_cpuid_entry *host, u32 nhost,
			   u64 host_xcr0, u32 vcpu_id,
			   struct mv_cpuid_entry *out, u32 max);
/* The host's CPUID leaves the default table may use; returns the count. */
u32 mv_cpuid_read_host(struct mv_cpuid_entry *out, u32 max);

/* Per-vCPU table management (vcpu.c calls these). */
int mv_cpuid_init_vcpu(struct mv_vcpu *vcpu);
void mv_cpuid_free_vcpu(struct mv_vcpu *vcpu);
long mv_cpuid_set(struct mv_vcpu *vcpu, void __user *argp);
long mv_cpuid_get(struct mv_vcpu *vcpu, void __user *argp);

#endif /* MV_CPUID_H */

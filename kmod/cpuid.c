// SPDX-License-Identifier: GPL-2.0
/*
 * The guest's CPUID (SDM Vol. 2A "CPUID"). CPUID always causes a VM exit
 * (SDM Vol. 3C 26.1.2), so every guest CPUID is answered from the vCPU's
 * table; the host's values reach the guest only through the default table
 * built here when the vCPU is created.
 *
 * The default table is an allow-list: a leaf the filter below does not
 * name is left out (and reads as zeros), and in the leaves it names only
 * the listed feature bits pass. A bit may pass only if minivisor either
 * does not need to do anything for the feature (it is plain instruction
 * set, executed natively) or emulates what it implies (MSRs, CR4 bits,
 * exits). Hidden on purpose, with the reason:
 *   VMX, SMX        no nested virtualization, no GETSEC
 *   APIC, x2APIC, TSC-deadline   no local APIC emulation yet
 *   AVX-512, AMX, MPX, PKU   XCR0 is limited to x87, SSE and AVX
 *   XSAVEC, XSAVES  no compacted-format sizes, IA32_XSS not switched
 *   MCE, MCA        no machine-check MSRs
 *   PCID, INVPCID   INVPCID is not enabled in the secondary controls
 *   RDTSCP, RDPID   IA32_TSC_AUX is not switched
 *   DS, PEBS, PDCM, leaf 0xA, leaf 6   no PMU, thermal or power MSRs
 *   MONITOR/MWAIT   they are no-ops here; an idle loop would spin on them
 *   HTT             one logical processor per package
 *   TSC_ADJUST      IA32_TSC_ADJUST is not emulated
 */
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <asm/page.h>
#include <asm/fpu/types.h>
#include <asm/processor.h>
#include "cpuid.h"
#include "mv.h"

#define MAX_BASIC_LEAF		0x1f
#define MAX_EXT_LEAF		0x80000008

/* CPUID.1:ECX / EDX bits, SDM Vol. 2A table 3-10 and 3-11. */
#define C1_ECX_XSAVE		BIT(26)
#define C1_ECX_OSXSAVE		BIT(27)
#define C1_ECX_AVX_ALL	(BIT(12) /* FMA */ | BIT(28) /* AVX */ |	\
			 BIT(29) /* F16C */)
#define C1_ECX_HYPERVISOR	BIT(31)	/* reserved for hypervisor use */

#define C1_ECX_ALLOWED	(BIT(0) /* SSE3 */ | BIT(1) /* PCLMULQDQ */ |	\
			 BIT(9) /* SSSE3 */ | BIT(13) /* CMPXCHG16B */ |	\
			 BIT(19) /* SSE4.1 */ | BIT(20) /* SSE4.2 */ |	\
			 BIT(22) /* MOVBE */ | BIT(23) /* POPCNT */ |	\
			 BIT(25) /* AES */ | BIT(30) /* RDRAND */ |	\
			 C1_ECX_XSAVE | C1_ECX_AVX_ALL)
#define C1_EDX_ALLOWED	(BIT(0) /* FPU */ | BIT(1) /* VME */ |		\
			 BIT(2) /* DE */ | BIT(3) /* PSE */ |		\
			 BIT(4) /* TSC */ | BIT(5) /* MSR */ |		\
			 BIT(6) /* PAE */ | BIT(8) /* CX8 */ |		\
			 BIT(11) /* SEP */ | BIT(12) /* MTRR */ |	\
			 BIT(13) /* PGE */ | BIT(15) /* CMOV */ |	\
			 BIT(16) /* PAT */ | BIT(17) /* PSE-36 */ |	\
			 BIT(19) /* CLFSH */ | BIT(23) /* MMX */ |	\
			 BIT(24) /* FXSR */ | BIT(25) /* SSE */ |	\
			 BIT(26) /* SSE2 */ | BIT(27) /* SS */)
/* EBX[15:0]: brand index, CLFLUSH line size; [31:24] is the APIC id. */
#define C1_EBX_ALLOWED	0x0000ffffu

/* CPUID.(EAX=7,ECX=0):EBX, SDM Vol. 2A table 3-8. */
#define C7_EBX_AVX2	BIT(5)
#define C7_EBX_ALLOWED	(BIT(0) /* FSGSBASE */ | BIT(3) /* BMI1 */ |	\
			 BIT(7) /* SMEP */ | BIT(8) /* BMI2 */ |	\
			 BIT(9) /* ERMS */ | BIT(19) /* ADX */ |	\
			 BIT(20) /* SMAP */ | BIT(23) /* CLFLUSHOPT */ |	\
			 BIT(24) /* CLWB */ | BIT(29) /* SHA */ |	\
			 C7_EBX_AVX2)
/* CPUID.(EAX=0DH,ECX=1):EAX: XSAVEOPT, XGETBV with ECX = 1. */
#define CD1_EAX_ALLOWED	(BIT(0) | BIT(2))
/* The legacy area and the XSAVE header (SDM Vol. 1 13.4). */
#define XSAVE_LEGACY_SIZE	576

/* CPUID.80000001H. */
#define E1_ECX_ALLOWED	(BIT(0) /* LAHF-SAHF */ | BIT(5) /* LZCNT */ |	\
			 BIT(8) /* PREFETCHW */)
#define E1_EDX_ALLOWED	(BIT(11) /* SYSCALL */ | BIT(20) /* NX */ |	\
			 BIT(26) /* 1 GiB pages */ | BIT(29) /* LM */)
/* CPUID.80000007H:EDX[8]: invariant TSC (the offset keeps it so). */
#define E7_EDX_ALLOWED	BIT(8)

struct cpuid_filter {
	u32 function;
	u32 eax, ebx, ecx, edx;		/* bits that pass */
};

static const struct cpuid_filter cpuid_filters[] = {
	{ 0x0,		~0u, ~0u, ~0u, ~0u },	/* EAX capped below */
	{ 0x1,		~0u, C1_EBX_ALLOWED, C1_ECX_ALLOWED, C1_EDX_ALLOWED },
	{ 0x2,		~0u, ~0u, ~0u, ~0u },	/* cache descriptors */
	{ 0x4,		~0u, ~0u, ~0u, ~0u },	/* cache parameters */
	{ 0x7,		0, C7_EBX_ALLOWED, 0, 0 },
	{ 0xb,		~0u, ~0u, ~0u, 0 },	/* EDX: x2APIC id, set below */
	{ 0xd,		~0u, ~0u, ~0u, 0 },	/* XSAVE: fixed up below */
	{ 0x1f,		~0u, ~0u, ~0u, 0 },
	{ 0x80000000,	~0u, ~0u, ~0u, ~0u },	/* EAX capped below */
	{ 0x80000001,	~0u, 0, E1_ECX_ALLOWED, E1_EDX_ALLOWED },
	{ 0x80000002,	~0u, ~0u, ~0u, ~0u },	/* brand string */
	{ 0x80000003,	~0u, ~0u, ~0u, ~0u },
	{ 0x80000004,	~0u, ~0u, ~0u, ~0u },
	{ 0x80000006,	~0u, ~0u, ~0u, ~0u },	/* L2 cache */
	{ 0x80000007,	0, 0, 0, E7_EDX_ALLOWED },
	{ 0x80000008,	~0u, 0, 0, 0 },		/* address sizes */
};

static const struct cpuid_filter *find_filter(u32 function)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cpuid_filters); i++)
		if (cpuid_filters[i].function == function)
			return &cpuid_filters[i];
	return NULL;
}

/* Leaves whose output depends on ECX (SDM Vol. 2A "CPUID", table 3-8). */
static bool index_significant(u32 function)
{
	switch (function) {
	case 0x4: case 0x7: case 0xb: case 0xd: case 0xf: case 0x10:
	case 0x12: case 0x14: case 0x17: case 0x18: case 0x1f:
		return true;
	default:
		return false;
	}
}

/* Does entry @e answer CPUID(@function, @index)? */
static bool entry_matches(const struct mv_cpuid_entry *e, u32 function,
			  u32 index)
{
	if (e->function != function)
		return false;
	return !(e->flags & MV_CPUID_INDEX_SIGNIFICANT) || e->index == index;
}

int mv_cpuid_check(const struct mv_cpuid_entry *e, u32 n)
{
	u32 i, j;

	if (n > MV_CPUID_MAX_ENTRIES)
		return -E2BIG;
	for (i = 0; i < n; i++) {
		if (e[i].reserved || e[i].flags & ~MV_CPUID_INDEX_SIGNIFICANT)
			return -EINVAL;
		if (!(e[i].flags & MV_CPUID_INDEX_SIGNIFICANT) && e[i].index)
			return -EINVAL;
		/*
		 * Two entries for one function conflict unless both are
		 * index-significant with different indexes. Quadratic, but
		 * n <= 256 and this runs once per MV_SET_CPUID.
		 */
		for (j = 0; j < i; j++) {
			if (e[j].function != e[i].function)
				continue;
			if (!(e[i].flags & e[j].flags &
			      MV_CPUID_INDEX_SIGNIFICANT) ||
			    e[i].index == e[j].index)
				return -EINVAL;
		}
	}
	return 0;
}

const struct mv_cpuid_entry *mv_cpuid_find(const struct mv_cpuid_entry *e,
					   u32 n, u32 function, u32 index)
{
	u32 i;

	for (i = 0; i < n; i++)
		if (entry_matches(&e[i], function, index))
			return &e[i];
	return NULL;
}

bool mv_cpuid_lookup(const struct mv_cpuid_entry *e, u32 n, u32 function,
		     u32 index, struct mv_cpuid_regs *out)
{
	const struct mv_cpuid_entry *hit = mv_cpuid_find(e, n, function, index);

	if (!hit) {
		/* Documented in uapi: a missing leaf reads as zeros. */
		*out = (struct mv_cpuid_regs){ 0 };
		return false;
	}
	out->eax = hit->eax;
	out->ebx = hit->ebx;
	out->ecx = hit->ecx;
	out->edx = hit->edx;
	return true;
}

u32 mv_cpuid_xsave_size(const struct mv_cpuid_entry *e, u32 n, u64 xcr0)
{
	const struct mv_cpuid_entry *c;
	u32 size = XSAVE_LEGACY_SIZE;
	unsigned int i;

	/* Subleaf i >= 2: EAX is the size, EBX the offset of component i. */
	for (i = 2; i < 64; i++) {
		if (!(xcr0 & BIT_ULL(i)))
			continue;
		c = mv_cpuid_find(e, n, 0xd, i);
		if (c && c->eax + c->ebx > size)
			size = c->eax + c->ebx;
	}
	return size;
}

u64 mv_cpuid_xcr0_mask(const struct mv_cpuid_entry *e, u32 n, u64 host_xcr0)
{
	const struct mv_cpuid_entry *c = mv_cpuid_find(e, n, 0xd, 0);
	u64 mask = c ? c->eax | (u64)c->edx << 32 : 0;

	/* x87 is always allowed: XCR0 is 1 even without XSAVE support. */
	return (mask & host_xcr0 & MV_XCR0_SUPPORTED) | XFEATURE_MASK_FP;
}

bool mv_xcr0_valid(u64 xcr0, u64 supported)
{
	/* SDM Vol. 2C "XSETBV" and Vol. 1 13.3: x87 must stay enabled, AVX
	 * needs SSE, and only bits the processor supports may be set.
	 * (The rules for AVX-512, MPX and AMX do not apply: supported never
	 * includes them.)
	 */
	if (!(xcr0 & XFEATURE_MASK_FP))
		return false;
	if ((xcr0 & XFEATURE_MASK_YMM) && !(xcr0 & XFEATURE_MASK_SSE))
		return false;
	return !(xcr0 & ~supported);
}

void mv_cpuid_fixup(u32 function, bool cr4_osxsave, struct mv_cpuid_regs *r)
{
	/* CPUID.1:ECX.OSXSAVE[27] reflects CR4.OSXSAVE (SDM Vol. 2A). */
	if (function == 1) {
		r->ecx &= ~C1_ECX_OSXSAVE;
		if (cr4_osxsave)
			r->ecx |= C1_ECX_OSXSAVE;
	}
}

u32 mv_cpuid_build_default(const struct mv_cpuid_entry *host, u32 nhost,
			   u64 host_xcr0, u32 vcpu_id,
			   struct mv_cpuid_entry *out, u32 max)
{
	const struct mv_cpuid_entry *h1, *hd;
	const struct cpuid_filter *f;
	struct mv_cpuid_entry *e;
	u32 i, n = 0;
	u64 xcr0_mask = 0;

	/*
	 * XSAVE is offered only if the host kernel enabled it (OSXSAVE);
	 * AVX only if the CPU can enable its state (leaf 0xD) and the host
	 * kernel did (its XCR0): the guest's XCR0 is loaded on the host's
	 * XSAVE area layout, and XSETBV checks against the same mask
	 * (mv_cpuid_xcr0_mask()). The guest's XCR0 may hold x87, SSE and
	 * AVX (MV_XCR0_SUPPORTED).
	 */
	h1 = mv_cpuid_find(host, nhost, 1, 0);
	hd = mv_cpuid_find(host, nhost, 0xd, 0);
	if (h1 && (h1->ecx & C1_ECX_XSAVE) && (h1->ecx & C1_ECX_OSXSAVE) &&
	    hd)
		xcr0_mask = (hd->eax | (u64)hd->edx << 32) & host_xcr0 &
			    MV_XCR0_SUPPORTED;

	for (i = 0; i < nhost && n + 1 < max; i++) {
		f = find_filter(host[i].function);
		if (!f)
			continue;
		/* Only subleaf 0 of leaf 7 is passed (its EAX says so). */
		if (host[i].function == 7 && host[i].index)
			continue;
		/* Leaf 0xD: subleaf 0, 1, and 2 (AVX) if AVX is offered. */
		if (host[i].function == 0xd &&
		    (!(xcr0_mask & XFEATURE_MASK_FP) || host[i].index > 2 ||
		     (host[i].index == 2 && !(xcr0_mask & XFEATURE_MASK_YMM))))
			continue;
		e = &out[n++];
		*e = host[i];
		e->reserved = 0;
		e->eax &= f->eax;
		e->ebx &= f->ebx;
		e->ecx &= f->ecx;
		e->edx &= f->edx;
		switch (e->function) {
		case 0x0:
			e->eax = min_t(u32, e->eax, MAX_BASIC_LEAF);
			break;
		case 0x1:
			/* Initial APIC id, SDM Vol. 3A 10.4.6; HV bit. */
			e->ebx |= vcpu_id << 24;
			e->ecx |= C1_ECX_HYPERVISOR;
			if (!(xcr0_mask & XFEATURE_MASK_FP))
				e->ecx &= ~C1_ECX_XSAVE;
			if (!(xcr0_mask & XFEATURE_MASK_YMM))
				e->ecx &= ~C1_ECX_AVX_ALL;
			break;
		case 0x7:
			if (!(xcr0_mask & XFEATURE_MASK_YMM))
				e->ebx &= ~C7_EBX_AVX2;
			break;
		case 0xd:
			if (e->index == 0) {
				/* EBX: size for XCR0 at reset (x87 only),
				 * updated on each CPUID (mv_cpuid_fixup);
				 * ECX: size for every offered component.
				 */
				e->eax = xcr0_mask;
				e->edx = 0;
				e->ebx = XSAVE_LEGACY_SIZE;
				e->ecx = mv_cpuid_xsave_size(host, nhost,
							     xcr0_mask);
			} else if (e->index == 1) {
				e->eax &= CD1_EAX_ALLOWED;
				e->ebx = 0;
				e->ecx = 0;
			}
			break;
		case 0xb:
		case 0x1f:
			/* EDX: the x2APIC id of this logical processor. */
			e->edx = vcpu_id;
			break;
		case 0x80000000:
			e->eax = min_t(u32, e->eax, MAX_EXT_LEAF);
			break;
		}
	}
	if (n < max) {
		/*
		 * Leaves 0x40000000..0x4FFFFFFF are reserved for hypervisors
		 * (SDM Vol. 2A "CPUID", "Invalid/reserved" note): EAX is the
		 * highest such leaf, EBX:ECX:EDX the vendor signature.
		 */
		e = &out[n++];
		*e = (struct mv_cpuid_entry){
			.function = MV_CPUID_SIGNATURE_LEAF,
			.eax = MV_CPUID_SIGNATURE_LEAF,
		};
		memcpy(&e->ebx, "mini", 4);
		memcpy(&e->ecx, "viso", 4);
		memcpy(&e->edx, "r\0\0\0", 4);
	}
	return n;
}

static bool add_host_leaf(struct mv_cpuid_entry *out, u32 *n, u32 max,
			  u32 function, u32 index)
{
	struct mv_cpuid_entry *e;

	if (*n >= max)
		return false;
	e = &out[(*n)++];
	*e = (struct mv_cpuid_entry){ .function = function };
	if (index_significant(function)) {
		e->flags = MV_CPUID_INDEX_SIGNIFICANT;
		e->index = index;
	}
	cpuid_count(function, index, &e->eax, &e->ebx, &e->ecx, &e->edx);
	return true;
}

/* The subleaves of @function: until the CPU reports the end of the list. */
static void add_host_subleaves(struct mv_cpuid_entry *out, u32 *n, u32 max,
			       u32 function)
{
	const struct mv_cpuid_entry *e;
	u32 index;

	for (index = 0; index < 64; index++) {
		if (!add_host_leaf(out, n, max, function, index))
			return;
		e = &out[*n - 1];
		if (function == 4 && !(e->eax & 0x1f))
			return;		/* cache type 0: no more caches */
		if ((function == 0xb || function == 0x1f) &&
		    !(e->ecx & 0xff00))
			return;		/* level type 0: invalid level */
		if (function == 7)
			return;		/* only subleaf 0 is used */
		if (function == 0xd && index == 2)
			return;		/* x87, SSE, AVX: subleaves 0-2 */
	}
}

u32 mv_cpuid_read_host(struct mv_cpuid_entry *out, u32 max)
{
	u32 n = 0, top, function;

	top = min_t(u32, cpuid_eax(0), MAX_BASIC_LEAF);
	for (function = 0; function <= top; function++) {
		if (!find_filter(function))
			continue;
		if (index_significant(function))
			add_host_subleaves(out, &n, max, function);
		else
			add_host_leaf(out, &n, max, function, 0);
	}
	top = cpuid_eax(0x80000000);
	if (top < 0x80000000)
		return n;
	top = min_t(u32, top, MAX_EXT_LEAF);
	for (function = 0x80000000; function <= top; function++)
		if (find_filter(function))
			add_host_leaf(out, &n, max, function, 0);
	return n;
}

int mv_cpuid_init_vcpu(struct mv_vcpu *vcpu)
{
	struct mv_cpuid_entry *host;
	u32 nhost;

	host = kcalloc(MV_CPUID_HOST_MAX, sizeof(*host), GFP_KERNEL);
	if (!host)
		return -ENOMEM;
	vcpu->cpuid = kcalloc(MV_CPUID_HOST_MAX + 1, sizeof(*vcpu->cpuid),
			      GFP_KERNEL_ACCOUNT);
	if (!vcpu->cpuid) {
		kfree(host);
		return -ENOMEM;
	}
	nhost = mv_cpuid_read_host(host, MV_CPUID_HOST_MAX);
	vcpu->cpuid_nent = mv_cpuid_build_default(host, nhost, mv_host_xcr0(),
						  vcpu->id, vcpu->cpuid,
						  MV_CPUID_HOST_MAX + 1);
	kfree(host);
	return 0;
}

void mv_cpuid_free_vcpu(struct mv_vcpu *vcpu)
{
	kvfree(vcpu->cpuid);
	vcpu->cpuid = NULL;
	vcpu->cpuid_nent = 0;
}

/* Called with vcpu->mutex held. */
long mv_cpuid_set(struct mv_vcpu *vcpu, void __user *argp)
{
	struct mv_cpuid __user *ucpuid = argp;
	struct mv_cpuid_entry *entries = NULL;
	struct mv_cpuid hdr;
	int ret;

	if (copy_from_user(&hdr, ucpuid, sizeof(hdr)))
		return -EFAULT;
	if (hdr.reserved)
		return -EINVAL;
	if (hdr.nent > MV_CPUID_MAX_ENTRIES)
		return -E2BIG;
	if (hdr.nent) {
		entries = vmemdup_user(ucpuid->entries,
				       array_size(hdr.nent, sizeof(*entries)));
		if (IS_ERR(entries))
			return PTR_ERR(entries);
	}
	ret = mv_cpuid_check(entries, hdr.nent);
	if (ret) {
		kvfree(entries);
		return ret;
	}
	kvfree(vcpu->cpuid);
	vcpu->cpuid = entries;
	vcpu->cpuid_nent = hdr.nent;
	return 0;
}

/* Called with vcpu->mutex held. */
long mv_cpuid_get(struct mv_vcpu *vcpu, void __user *argp)
{
	struct mv_cpuid __user *ucpuid = argp;
	struct mv_cpuid hdr;

	if (copy_from_user(&hdr, ucpuid, sizeof(hdr)))
		return -EFAULT;
	if (hdr.reserved)
		return -EINVAL;
	if (hdr.nent < vcpu->cpuid_nent) {
		if (put_user(vcpu->cpuid_nent, &ucpuid->nent))
			return -EFAULT;
		return -E2BIG;
	}
	if (copy_to_user(ucpuid->entries, vcpu->cpuid,
			 array_size(vcpu->cpuid_nent, sizeof(*vcpu->cpuid))))
		return -EFAULT;
	if (put_user(vcpu->cpuid_nent, &ucpuid->nent))
		return -EFAULT;
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/align.h>
#include <asm/processor-flags.h>
#include <asm/msr-index.h>
#include "validate.h"

#define MV_PAGE_MASK	(4096ULL - 1)

int mv_check_slot_request(const struct mv_memory_slot *req,
			  const struct mv_limits *lim)
{
	if (req->slot >= lim->max_slots)
		return -EINVAL;
	if (req->flags & ~MV_MEM_READONLY)
		return -EINVAL;

	/* Delete: everything but the slot number must be zero. */
	if (req->memory_size == 0)
		return (req->flags || req->guest_phys_addr ||
			req->userspace_addr) ? -EINVAL : 0;

	if ((req->guest_phys_addr | req->memory_size | req->userspace_addr) &
	    MV_PAGE_MASK)
		return -EINVAL;
	/* Written so that neither sum can wrap. */
	if (req->memory_size > lim->max_gpa ||
	    req->guest_phys_addr > lim->max_gpa - req->memory_size)
		return -EINVAL;
	if (req->userspace_addr + req->memory_size < req->userspace_addr)
		return -EINVAL;
	return 0;
}

/*
 * RFLAGS bit 1 is always 1; bits 3, 5, 15 and 63:22 are reserved and must
 * be 0 (SDM Vol. 3C 26.3.1.4, checks on guest RIP and RFLAGS).
 */
#define MV_RFLAGS_RESERVED	(~0x3fffffULL | BIT_ULL(3) | BIT_ULL(5) | \
				 BIT_ULL(15))

int mv_check_regs(const struct mv_regs *regs)
{
	if (!(regs->rflags & X86_EFLAGS_FIXED))
		return -EINVAL;
	if (regs->rflags & MV_RFLAGS_RESERVED)
		return -EINVAL;
	return 0;
}

int mv_check_segment(const struct mv_segment *seg)
{
	if (seg->reserved)
		return -EINVAL;
	if (seg->type > 15 || seg->dpl > 3)
		return -EINVAL;
	if ((seg->s | seg->present | seg->avl | seg->l | seg->db | seg->g |
	     seg->unusable) > 1)
		return -EINVAL;
	return 0;
}

#define MV_CR0_VALID	(X86_CR0_PE | X86_CR0_MP | X86_CR0_EM | X86_CR0_TS | \
			 X86_CR0_ET | X86_CR0_NE | X86_CR0_WP | X86_CR0_AM | \
			 X86_CR0_NW | X86_CR0_CD | X86_CR0_PG)
#define MV_EFER_VALID	(EFER_SCE | EFER_LME | EFER_LMA | EFER_NX)

int mv_check_sregs(const struct mv_sregs *s, const struct mv_limits *lim)
{
	const struct mv_segment *segs[] = {
		&s->cs, &s->ds, &s->es, &s->fs, &s->gs, &s->ss, &s->tr, &s->ldt,
	};
	bool long_mode;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(s->reserved); i++)
		if (s->reserved[i])
			return -EINVAL;
	for (i = 0; i < ARRAY_SIZE(segs); i++)
		if (mv_check_segment(segs[i]))
			return -EINVAL;
	for (i = 0; i < ARRAY_SIZE(s->gdt.reserved); i++)
		if (s->gdt.reserved[i] || s->idt.reserved[i])
			return -EINVAL;

	/* CR0: architecturally defined bits only; the #GP rules of MOV CR0. */
	if (s->cr0 & ~MV_CR0_VALID)
		return -EINVAL;
	if ((s->cr0 & X86_CR0_PG) && !(s->cr0 & X86_CR0_PE))
		return -EINVAL;
	if ((s->cr0 & X86_CR0_NW) && !(s->cr0 & X86_CR0_CD))
		return -EINVAL;

	/* CR4: what the CPU allows, minus VMX (no nested virtualization). */
	if (s->cr4 & (~lim->cr4_fixed1 | X86_CR4_VMXE))
		return -EINVAL;

	if (s->cr3 >= lim->max_gpa)
		return -EINVAL;

	/* EFER.LMA is derived state: it must match LME && CR0.PG. */
	if (s->efer & ~MV_EFER_VALID)
		return -EINVAL;
	long_mode = (s->efer & EFER_LME) && (s->cr0 & X86_CR0_PG);
	if (!!(s->efer & EFER_LMA) != long_mode)
		return -EINVAL;
	if (long_mode && !(s->cr4 & X86_CR4_PAE))
		return -EINVAL;
	/* SDM Vol. 3C 26.3.1.1: CR4.PCIDE only in IA-32e mode. */
	if (!long_mode && (s->cr4 & X86_CR4_PCIDE))
		return -EINVAL;
	/* SDM Vol. 3C 26.3.1.2: in IA-32e mode, CS.L = 1 requires CS.D = 0. */
	if (long_mode && s->cs.l && s->cs.db)
		return -EINVAL;
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
#include <linux/kernel.h>
#include <asm/msr-index.h>
#include <asm/processor.h>
#include <asm/processor-flags.h>
#include "caps.h"
#include "controls.h"
#include "guest_mem.h"
#include "interrupts.h"
#include "mv.h"
#include "vcpu_state.h"
#include "vmcs.h"

struct seg_fields {
	u32 selector, limit, ar, base;
};

#define SEG(name) { GUEST_##name##_SELECTOR, GUEST_##name##_LIMIT, \
		    GUEST_##name##_AR_BYTES, GUEST_##name##_BASE }

enum {
	SEG_CS, SEG_DS, SEG_ES, SEG_FS, SEG_GS, SEG_SS, SEG_TR, SEG_LDTR,
	SEG_COUNT
};

static const struct seg_fields seg_fields[SEG_COUNT] = {
	[SEG_CS] = SEG(CS), [SEG_DS] = SEG(DS), [SEG_ES] = SEG(ES),
	[SEG_FS] = SEG(FS), [SEG_GS] = SEG(GS), [SEG_SS] = SEG(SS),
	[SEG_TR] = SEG(TR), [SEG_LDTR] = SEG(LDTR),
};

/* Access-rights layout, SDM Vol. 3C 25.4.1 Table 25-2. */
#define VMCS_AR_TYPE_MASK	0xf
#define VMCS_AR_S		BIT(4)
#define VMCS_AR_DPL_SHIFT	5
#define VMCS_AR_P		BIT(7)
#define VMCS_AR_AVL		BIT(12)
#define VMCS_AR_L		BIT(13)
#define VMCS_AR_DB		BIT(14)
#define VMCS_AR_G		BIT(15)
#define VMCS_AR_UNUSABLE	BIT(16)

static u32 segment_to_ar(const struct mv_segment *s)
{
	if (s->unusable)
		return VMCS_AR_UNUSABLE;
	return s->type | (s->s ? VMCS_AR_S : 0) | s->dpl << VMCS_AR_DPL_SHIFT |
	       (s->present ? VMCS_AR_P : 0) | (s->avl ? VMCS_AR_AVL : 0) |
	       (s->l ? VMCS_AR_L : 0) | (s->db ? VMCS_AR_DB : 0) | (s->g ? VMCS_AR_G : 0);
}

static void read_segment(int seg, struct mv_segment *s)
{
	const struct seg_fields *f = &seg_fields[seg];
	u32 ar = vmcs_read32(f->ar);

	s->selector = vmcs_read16(f->selector);
	s->limit = vmcs_read32(f->limit);
	s->base = vmcs_readl(f->base);
	s->type = ar & VMCS_AR_TYPE_MASK;
	s->s = !!(ar & VMCS_AR_S);
	s->dpl = (ar >> VMCS_AR_DPL_SHIFT) & 3;
	s->present = !!(ar & VMCS_AR_P);
	s->avl = !!(ar & VMCS_AR_AVL);
	s->l = !!(ar & VMCS_AR_L);
	s->db = !!(ar & VMCS_AR_DB);
	s->g = !!(ar & VMCS_AR_G);
	s->unusable = !!(ar & VMCS_AR_UNUSABLE);
	s->reserved = 0;
}

static void write_segment(int seg, const struct mv_segment *s)
{
	const struct seg_fields *f = &seg_fields[seg];

	vmcs_write16(f->selector, s->selector);
	vmcs_write32(f->limit, s->limit);
	vmcs_writel(f->base, s->base);
	vmcs_write32(f->ar, segment_to_ar(s));
}

void mv_vcpu_read_regs(struct mv_vcpu *vcpu, struct mv_regs *r)
{
	r->rax = vcpu->gprs[MV_RAX];
	r->rbx = vcpu->gprs[MV_RBX];
	r->rcx = vcpu->gprs[MV_RCX];
	r->rdx = vcpu->gprs[MV_RDX];
	r->rsi = vcpu->gprs[MV_RSI];
	r->rdi = vcpu->gprs[MV_RDI];
	r->rsp = vmcs_readl(GUEST_RSP);
	r->rbp = vcpu->gprs[MV_RBP];
	r->r8 = vcpu->gprs[MV_R8];
	r->r9 = vcpu->gprs[MV_R9];
	r->r10 = vcpu->gprs[MV_R10];
	r->r11 = vcpu->gprs[MV_R11];
	r->r12 = vcpu->gprs[MV_R12];
	r->r13 = vcpu->gprs[MV_R13];
	r->r14 = vcpu->gprs[MV_R14];
	r->r15 = vcpu->gprs[MV_R15];
	r->rip = vmcs_readl(GUEST_RIP);
	r->rflags = vmcs_readl(GUEST_RFLAGS);
}

void mv_vcpu_write_regs(struct mv_vcpu *vcpu, const struct mv_regs *r)
{
	vcpu->gprs[MV_RAX] = r->rax;
	vcpu->gprs[MV_RBX] = r->rbx;
	vcpu->gprs[MV_RCX] = r->rcx;
	vcpu->gprs[MV_RDX] = r->rdx;
	vcpu->gprs[MV_RSI] = r->rsi;
	vcpu->gprs[MV_RDI] = r->rdi;
	vmcs_writel(GUEST_RSP, r->rsp);
	vcpu->gprs[MV_RBP] = r->rbp;
	vcpu->gprs[MV_R8] = r->r8;
	vcpu->gprs[MV_R9] = r->r9;
	vcpu->gprs[MV_R10] = r->r10;
	vcpu->gprs[MV_R11] = r->r11;
	vcpu->gprs[MV_R12] = r->r12;
	vcpu->gprs[MV_R13] = r->r13;
	vcpu->gprs[MV_R14] = r->r14;
	vcpu->gprs[MV_R15] = r->r15;
	vmcs_writel(GUEST_RIP, r->rip);
	vmcs_writel(GUEST_RFLAGS, r->rflags);
	/*
	 * Blocking by STI, and injecting an external interrupt, need IF = 1
	 * (SDM Vol. 3C 26.3.1.5: VM entry fails otherwise). After an exit in
	 * an STI shadow or in the middle of an interrupt's delivery, a VMM
	 * that clears IF would leave a vCPU that can never enter again.
	 */
	if (!(r->rflags & X86_EFLAGS_IF)) {
		vmcs_clear_bits32(GUEST_INTERRUPTIBILITY_INFO,
				  GUEST_INTR_STATE_STI);
		mv_vcpu_hold_injected_irq(vcpu);
	}
}

/*
 * CR0 bits the host owns: those VMX fixes (NE on every CPU so far) apart
 * from PE and PG, which unrestricted guest frees (SDM Vol. 3C 26.3.1.1),
 * plus PG itself, because turning paging on or off switches IA-32e mode,
 * which the VMM must mirror in EFER.LMA and the entry controls.
 */
static u64 cr0_host_mask(void)
{
	return (mv_caps.cr0_fixed0 & ~(u64)(X86_CR0_PE | X86_CR0_PG)) |
	       ~mv_caps.cr0_fixed1 | X86_CR0_PG;
}

static u64 cr0_hw_value(u64 cr0)
{
	u64 fixed0 = mv_caps.cr0_fixed0 & ~(u64)(X86_CR0_PE | X86_CR0_PG);

	return mv_apply_fixed_bits(cr0, fixed0, mv_caps.cr0_fixed1);
}

/* CR4: VMXE and everything the CPU does not allow belong to the host. */
static u64 cr4_host_mask(void)
{
	return mv_caps.cr4_fixed0 | ~mv_caps.cr4_fixed1;
}

u64 mv_vcpu_cr0(struct mv_vcpu *vcpu)
{
	return (vmcs_readl(GUEST_CR0) & ~vcpu->cr0_shadow_mask) |
	       (vmcs_readl(CR0_READ_SHADOW) & vcpu->cr0_shadow_mask);
}

u64 mv_vcpu_cr4(struct mv_vcpu *vcpu)
{
	return (vmcs_readl(GUEST_CR4) & ~vcpu->cr4_shadow_mask) |
	       (vmcs_readl(CR4_READ_SHADOW) & vcpu->cr4_shadow_mask);
}

static void write_guest_cr0(struct mv_vcpu *vcpu, u64 cr0)
{
	vcpu->cr0_shadow_mask = cr0_host_mask();
	vmcs_writel(CR0_GUEST_HOST_MASK, vcpu->cr0_shadow_mask);
	vmcs_writel(CR0_READ_SHADOW, cr0);
	vmcs_writel(GUEST_CR0, cr0_hw_value(cr0));
}

static void write_guest_cr4(struct mv_vcpu *vcpu, u64 cr4)
{
	vcpu->cr4_shadow_mask = cr4_host_mask();
	vmcs_writel(CR4_GUEST_HOST_MASK, vcpu->cr4_shadow_mask);
	vmcs_writel(CR4_READ_SHADOW, cr4);
	vmcs_writel(GUEST_CR4, mv_apply_fixed_bits(cr4, mv_caps.cr4_fixed0,
						   mv_caps.cr4_fixed1));
}

static void write_guest_efer(u64 efer)
{
	u32 entry = vmcs_read32(VM_ENTRY_CONTROLS);

	/* SDM Vol. 3C 26.3.1.1: "IA-32e mode guest" must equal EFER.LMA. */
	if (efer & EFER_LMA)
		entry |= VM_ENTRY_IA32E_MODE;
	else
		entry &= ~VM_ENTRY_IA32E_MODE;
	vmcs_write32(VM_ENTRY_CONTROLS, entry);
	vmcs_write64(GUEST_IA32_EFER, efer);
}

/*
 * PAE paging outside IA-32e mode takes its four PDPTEs from the VMCS when
 * EPT is on (SDM Vol. 3C 26.3.2.4); the CPU loads them itself on guest
 * MOV to CR0/CR3/CR4 that do not exit, so the emulated paths do it here.
 * With @check, a present PDPTE with a reserved bit set (bits 2:1, 8:5,
 * 63:MAXPHYADDR; SDM Vol. 3A 4.4.1) loads nothing and returns -EINVAL:
 * the guest's MOV to CR0 then raises #GP, as on a CPU, instead of leaving
 * PDPTEs that fail every VM entry (SDM Vol. 3C 26.3.1.6). SET_SREGS loads
 * them unchecked: VM entry reports a bad one to the VMM.
 */
static int load_pdptrs(struct mv_vcpu *vcpu, u64 cr3, bool check)
{
	static const u32 fields[] = {
		GUEST_PDPTR0, GUEST_PDPTR1, GUEST_PDPTR2, GUEST_PDPTR3,
	};
	u64 rsvd = GENMASK_ULL(63, boot_cpu_data.x86_phys_bits) |
		   GENMASK_ULL(8, 5) | GENMASK_ULL(2, 1);
	u64 pdpte[4] = {};
	int i;

	if (mv_guest_phys_read(vcpu->vm, cr3 & 0xffffffe0, pdpte, sizeof(pdpte)))
		memset(pdpte, 0, sizeof(pdpte));
	for (i = 0; check && i < 4; i++)
		if ((pdpte[i] & 1) && (pdpte[i] & rsvd))
			return -EINVAL;
	for (i = 0; i < 4; i++)
		vmcs_write64(fields[i], pdpte[i]);
	return 0;
}

void mv_vcpu_read_sregs(struct mv_vcpu *vcpu, struct mv_sregs *s)
{
	memset(s, 0, sizeof(*s));
	read_segment(SEG_CS, &s->cs);
	read_segment(SEG_DS, &s->ds);
	read_segment(SEG_ES, &s->es);
	read_segment(SEG_FS, &s->fs);
	read_segment(SEG_GS, &s->gs);
	read_segment(SEG_SS, &s->ss);
	read_segment(SEG_TR, &s->tr);
	read_segment(SEG_LDTR, &s->ldt);
	s->gdt.base = vmcs_readl(GUEST_GDTR_BASE);
	s->gdt.limit = vmcs_read32(GUEST_GDTR_LIMIT);
	s->idt.base = vmcs_readl(GUEST_IDTR_BASE);
	s->idt.limit = vmcs_read32(GUEST_IDTR_LIMIT);
	s->cr0 = mv_vcpu_cr0(vcpu);
	s->cr2 = vcpu->cr2;
	s->cr3 = vmcs_readl(GUEST_CR3);
	s->cr4 = mv_vcpu_cr4(vcpu);
	s->efer = vmcs_read64(GUEST_IA32_EFER);
}

void mv_vcpu_write_sregs(struct mv_vcpu *vcpu, const struct mv_sregs *s)
{
	write_segment(SEG_CS, &s->cs);
	write_segment(SEG_DS, &s->ds);
	write_segment(SEG_ES, &s->es);
	write_segment(SEG_FS, &s->fs);
	write_segment(SEG_GS, &s->gs);
	write_segment(SEG_SS, &s->ss);
	write_segment(SEG_TR, &s->tr);
	write_segment(SEG_LDTR, &s->ldt);
	vmcs_writel(GUEST_GDTR_BASE, s->gdt.base);
	vmcs_write32(GUEST_GDTR_LIMIT, s->gdt.limit);
	vmcs_writel(GUEST_IDTR_BASE, s->idt.base);
	vmcs_write32(GUEST_IDTR_LIMIT, s->idt.limit);
	vcpu->cr2 = s->cr2;
	vmcs_writel(GUEST_CR3, s->cr3);
	write_guest_cr0(vcpu, s->cr0);
	write_guest_cr4(vcpu, s->cr4);
	write_guest_efer(s->efer);
	if ((s->cr0 & X86_CR0_PG) && (s->cr4 & X86_CR4_PAE) &&
	    !(s->efer & EFER_LMA))
		load_pdptrs(vcpu, s->cr3, false);
}

int mv_vcpu_set_cr0(struct mv_vcpu *vcpu, u64 cr0)
{
	u64 old = mv_vcpu_cr0(vcpu);
	u64 efer = vmcs_read64(GUEST_IA32_EFER);
	u64 cr4 = mv_vcpu_cr4(vcpu);

	/* #GP conditions of MOV to CR0, SDM Vol. 2B "MOV-Move to/from
	 * Control Registers".
	 */
	if (cr0 >> 32)
		return -EINVAL;
	if ((cr0 & X86_CR0_PG) && !(cr0 & X86_CR0_PE))
		return -EINVAL;
	if ((cr0 & X86_CR0_NW) && !(cr0 & X86_CR0_CD))
		return -EINVAL;

	if (!(old & X86_CR0_PG) && (cr0 & X86_CR0_PG)) {
		if (efer & EFER_LME) {
			/* Activating IA-32e mode, SDM Vol. 3A 10.8.5. */
			if (!(cr4 & X86_CR4_PAE))
				return -EINVAL;
			efer |= EFER_LMA;
		} else if ((cr4 & X86_CR4_PAE) &&
			   load_pdptrs(vcpu, vmcs_readl(GUEST_CR3), true)) {
			return -EINVAL;
		}
	} else if ((old & X86_CR0_PG) && !(cr0 & X86_CR0_PG)) {
		efer &= ~EFER_LMA;
	}

	write_guest_efer(efer);
	write_guest_cr0(vcpu, cr0);
	return 0;
}

int mv_vcpu_set_cr4(struct mv_vcpu *vcpu, u64 cr4)
{
	u64 efer = vmcs_read64(GUEST_IA32_EFER);

	if (cr4 & (~mv_caps.cr4_fixed1 | X86_CR4_VMXE))
		return -EINVAL;
	if ((efer & EFER_LMA) && !(cr4 & X86_CR4_PAE))
		return -EINVAL;
	write_guest_cr4(vcpu, cr4);
	return 0;
}

#define MV_EFER_WRITABLE	(EFER_SCE | EFER_LME | EFER_NX)

int mv_vcpu_set_efer(struct mv_vcpu *vcpu, u64 efer)
{
	u64 old = vmcs_read64(GUEST_IA32_EFER);

	/* LMA is read-only; LME cannot change while paging is on. */
	if (efer & ~(MV_EFER_WRITABLE | EFER_LMA))
		return -EINVAL;
	if (((efer ^ old) & EFER_LME) && (mv_vcpu_cr0(vcpu) & X86_CR0_PG))
		return -EINVAL;
	write_guest_efer((efer & ~EFER_LMA) | (old & EFER_LMA));
	return 0;
}

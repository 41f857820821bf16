// SPDX-License-Identifier: GPL-2.0
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/string.h>
#include <asm/msr-index.h>
#include <asm/processor-flags.h>
#include "guest_mem.h"
#include "mv.h"
#include "vmcs.h"

/* Copy within one guest page. @write selects the direction. */
static int phys_copy_page(struct mv_vm *vm, u64 gpa, void *buf,
			  unsigned int len, bool write)
{
	struct mv_memslot *slot;
	void *va;
	int ret = -EFAULT;

	read_lock(&vm->slots_lock);
	slot = mv_find_slot(vm, gpa);
	if (slot && !(write && (slot->flags & MV_MEM_READONLY))) {
		struct page *page = slot->pages[(gpa - slot->gpa) >> PAGE_SHIFT];

		va = page_address(page) + offset_in_page(gpa);
		if (write)
			memcpy(va, buf, len);
		else
			memcpy(buf, va, len);
		ret = 0;
	}
	read_unlock(&vm->slots_lock);
	return ret;
}

static int phys_copy(struct mv_vm *vm, u64 gpa, void *buf, unsigned int len,
		     bool write)
{
	while (len) {
		unsigned int chunk = min_t(unsigned int, len,
					   PAGE_SIZE - offset_in_page(gpa));
		int ret = phys_copy_page(vm, gpa, buf, chunk, write);

		if (ret)
			return ret;
		gpa += chunk;
		buf += chunk;
		len -= chunk;
	}
	return 0;
}

int mv_guest_phys_read(struct mv_vm *vm, u64 gpa, void *buf, unsigned int len)
{
	return phys_copy(vm, gpa, buf, len, false);
}

int mv_guest_phys_write(struct mv_vm *vm, u64 gpa, const void *buf,
			unsigned int len)
{
	return phys_copy(vm, gpa, (void *)buf, len, true);
}

#define PTE_PRESENT	BIT_ULL(0)
#define PTE_PS		BIT_ULL(7)
#define PTE_ADDR_MASK	GENMASK_ULL(51, 12)

/*
 * Walk the guest's paging structures (SDM Vol. 3A 4.3-4.5). Permission
 * bits are not checked: the walk serves the hypervisor's own accesses on
 * behalf of an instruction the CPU already allowed to start.
 */
int mv_guest_linear_to_phys(struct mv_vcpu *vcpu, u64 gla, u64 *gpa)
{
	unsigned long cr0 = vmcs_readl(GUEST_CR0);
	unsigned long cr4 = vmcs_readl(GUEST_CR4);
	u64 efer = vmcs_read64(GUEST_IA32_EFER);
	u64 table, entry;
	int level, shift;

	if (!(cr0 & X86_CR0_PG)) {
		*gpa = gla;
		return 0;
	}

	if (efer & EFER_LMA) {
		/* 4-level (or 5-level with CR4.LA57), 9 bits a level. */
		level = (cr4 & X86_CR4_LA57) ? 5 : 4;
		table = vmcs_readl(GUEST_CR3) & PTE_ADDR_MASK;
	} else if (cr4 & X86_CR4_PAE) {
		/* PAE: the four PDPTEs were loaded into the VMCS. */
		static const unsigned long pdptr[] = {
			GUEST_PDPTR0, GUEST_PDPTR1, GUEST_PDPTR2, GUEST_PDPTR3,
		};

		entry = vmcs_read64(pdptr[(gla >> 30) & 3]);
		if (!(entry & PTE_PRESENT))
			return -EFAULT;
		table = entry & PTE_ADDR_MASK;
		level = 2;
	} else {
		/* 32-bit paging: two levels of 4-byte entries. */
		u32 e32;

		table = vmcs_readl(GUEST_CR3) & 0xfffff000;
		if (mv_guest_phys_read(vcpu->vm, table + ((gla >> 22) & 0x3ff) * 4,
				       &e32, 4) || !(e32 & PTE_PRESENT))
			return -EFAULT;
		if ((e32 & PTE_PS) && (cr4 & X86_CR4_PSE)) {
			/* 4 MiB page; bits 20:13 hold address bits 39:32. */
			*gpa = (e32 & 0xffc00000) | ((u64)(e32 >> 13 & 0xff) << 32) |
			       (gla & 0x3fffff);
			return 0;
		}
		table = e32 & 0xfffff000;
		if (mv_guest_phys_read(vcpu->vm, table + ((gla >> 12) & 0x3ff) * 4,
				       &e32, 4) || !(e32 & PTE_PRESENT))
			return -EFAULT;
		*gpa = (e32 & 0xfffff000) | (gla & 0xfff);
		return 0;
	}

	for (; level > 0; level--) {
		shift = 12 + 9 * (level - 1);
		if (mv_guest_phys_read(vcpu->vm, table + ((gla >> shift) & 511) * 8,
				       &entry, 8) || !(entry & PTE_PRESENT))
			return -EFAULT;
		/* Large pages at the 1 GiB (PDPTE) and 2 MiB (PDE) levels. */
		if ((level == 2 || level == 3) && (entry & PTE_PS)) {
			u64 mask = BIT_ULL(shift) - 1;

			*gpa = (entry & PTE_ADDR_MASK & ~mask) | (gla & mask);
			return 0;
		}
		table = entry & PTE_ADDR_MASK;
	}
	*gpa = table | (gla & 0xfff);
	return 0;
}

static int linear_copy(struct mv_vcpu *vcpu, u64 gla, void *buf,
		       unsigned int len, bool write)
{
	while (len) {
		unsigned int chunk = min_t(unsigned int, len,
					   PAGE_SIZE - offset_in_page(gla));
		u64 gpa;
		int ret;

		ret = mv_guest_linear_to_phys(vcpu, gla, &gpa);
		if (!ret)
			ret = phys_copy(vcpu->vm, gpa, buf, chunk, write);
		if (ret)
			return ret;
		gla += chunk;
		buf += chunk;
		len -= chunk;
	}
	return 0;
}

int mv_guest_linear_read(struct mv_vcpu *vcpu, u64 gla, void *buf,
			 unsigned int len)
{
	return linear_copy(vcpu, gla, buf, len, false);
}

int mv_guest_linear_write(struct mv_vcpu *vcpu, u64 gla, const void *buf,
			  unsigned int len)
{
	return linear_copy(vcpu, gla, (void *)buf, len, true);
}

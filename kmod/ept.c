// SPDX-License-Identifier: GPL-2.0
/*
 * EPT tables are built under the VM lock (they may allocate) and read by
 * the CPU while vCPUs run; entries are written with WRITE_ONCE so the
 * processor never sees a torn entry. Removing a mapping needs an INVEPT,
 * which the caller issues once per batch.
 */
#include <linux/gfp.h>
#include <linux/mm.h>
#include <asm/vmx.h>
#include "ept.h"

#define EPT_LEVELS		4
#define EPT_ENTRIES		512
#define EPT_ADDR_MASK		GENMASK_ULL(51, 12)
/* Leaf: write-back memory type (bits 5:3 = 6), guest PAT ignored. */
#define EPT_MT_WB		6ULL
#define EPT_LEAF_ATTRS		(EPT_MT_WB << VMX_EPT_MT_EPTE_SHIFT | \
				 VMX_EPT_IPAT_BIT)

static inline unsigned int ept_index(u64 gpa, int level)
{
	return (gpa >> (12 + 9 * level)) & (EPT_ENTRIES - 1);
}

static u64 *alloc_table(struct mv_ept *ept)
{
	u64 *table = (u64 *)get_zeroed_page(GFP_KERNEL_ACCOUNT);

	if (table)
		ept->nr_tables++;
	return table;
}

int mv_ept_init(struct mv_ept *ept)
{
	ept->nr_tables = 0;
	ept->pml4 = alloc_table(ept);
	return ept->pml4 ? 0 : -ENOMEM;
}

static void free_level(u64 *table, int level)
{
	int i;

	if (level > 0) {
		for (i = 0; i < EPT_ENTRIES; i++) {
			u64 e = table[i];

			if (e & MV_EPT_RWX)
				free_level(__va(e & EPT_ADDR_MASK), level - 1);
		}
	}
	free_page((unsigned long)table);
}

void mv_ept_destroy(struct mv_ept *ept)
{
	if (ept->pml4)
		free_level(ept->pml4, EPT_LEVELS - 1);
	ept->pml4 = NULL;
	ept->nr_tables = 0;
}

u64 mv_ept_pointer(const struct mv_ept *ept)
{
	/* Bits 2:0 memory type WB, bits 5:3 walk length - 1. */
	return __pa(ept->pml4) | VMX_EPTP_PWL_4 | VMX_EPTP_MT_WB;
}

/* Walk to the leaf table for @gpa, allocating tables if @alloc. */
static u64 *leaf_table(struct mv_ept *ept, u64 gpa, bool alloc)
{
	u64 *table = ept->pml4;
	int level;

	for (level = EPT_LEVELS - 1; level > 0; level--) {
		u64 *entry = &table[ept_index(gpa, level)];
		u64 *next;

		if (*entry & MV_EPT_RWX) {
			table = __va(*entry & EPT_ADDR_MASK);
			continue;
		}
		if (!alloc)
			return NULL;
		next = alloc_table(ept);
		if (!next)
			return NULL;
		/* Non-leaf entries grant everything; leaves restrict. */
		WRITE_ONCE(*entry, __pa(next) | MV_EPT_RWX);
		table = next;
	}
	return table;
}

int mv_ept_map(struct mv_ept *ept, u64 gpa, u64 hpa, u64 perms)
{
	u64 *table = leaf_table(ept, gpa, true);

	if (!table)
		return -ENOMEM;
	WRITE_ONCE(table[ept_index(gpa, 0)],
		   (hpa & EPT_ADDR_MASK) | (perms & MV_EPT_RWX) | EPT_LEAF_ATTRS);
	return 0;
}

void mv_ept_unmap(struct mv_ept *ept, u64 gpa)
{
	u64 *table = leaf_table(ept, gpa, false);

	if (table)
		WRITE_ONCE(table[ept_index(gpa, 0)], 0);
}

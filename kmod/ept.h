/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Extended page tables: 4-level, 4 KiB leaves, write-back memory type
 * (SDM Vol. 3C 29.3, "The Extended Page Table Mechanism").
 */
#ifndef MV_EPT_H
#define MV_EPT_H

#include <linux/types.h>

#define MV_EPT_READ	BIT_ULL(0)
#define MV_EPT_WRITE	BIT_ULL(1)
#define MV_EPT_EXEC	BIT_ULL(2)
#define MV_EPT_RWX	(MV_EPT_READ | MV_EPT_WRITE | MV_EPT_EXEC)

struct mv_ept {
	u64 *pml4;		/* kernel virtual address of the root table */
	unsigned long nr_tables;	/* pages used by tables, root included */
};

int mv_ept_init(struct mv_ept *ept);
void mv_ept_destroy(struct mv_ept *ept);
/* EPT pointer for the VMCS (SDM Vol. 3C 25.6.11). */
u64 mv_ept_pointer(const struct mv_ept *ept);
/* Map one 4 KiB guest page; may sleep (allocates tables). */
int mv_ept_map(struct mv_ept *ept, u64 gpa, u64 hpa, u64 perms);
/* Remove one 4 KiB mapping; the caller invalidates (INVEPT). */
void mv_ept_unmap(struct mv_ept *ept, u64 gpa);

#endif /* MV_EPT_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest memory layout and the flat-binary loader.
 *
 * A flat binary is loaded byte for byte at guest-physical MV_LOAD_ADDR
 * (0x10000) and entered there, either in real mode (--entry real) or in
 * 64-bit long mode (--entry long). README.md "Flat-binary guest
 * conventions" is the guest-facing description of the same state; keep
 * the two in step.
 *
 * Real mode: CS = DS = ES = SS = FS = GS = 0x1000 (base 0x10000, limit
 * 0xffff), IP = 0, SP = 0xfffe, CR0 = ET, paging and protection off.
 * The CPU runs it with "unrestricted guest" (SDM Vol. 3C 25.6.2), so the
 * segment state is the real-mode one: base = selector << 4, 64 KiB limit,
 * accessed read/write data (type 3) and accessed code (type 0xb) for CS.
 *
 * Long mode: the VMM writes into guest RAM
 *   0x0500  a GDT: null, 0x08 64-bit code, 0x10 data
 *   0x1000  PML4, 0x2000 PDPT, 0x3000..0x6fff four page directories that
 *           identity-map 0..4 GiB with 2 MiB pages (so the MMIO hole at
 *           3..4 GiB, e.g. mmio_test at 0xfe000000, is reachable)
 * and enters at RIP = 0x10000 with RSP = 0x10000 (the stack grows down
 * into 0x7000..0xffff), CR0 = PE|ET|NE|PG, CR4 = PAE, EFER = LME|LMA and a
 * flat CS/DS/... with TR a busy 64-bit TSS (VM entry needs a usable TR,
 * SDM Vol. 3C 26.3.1.2) and the IDT empty.
 */
#ifndef MV_LOADER_H
#define MV_LOADER_H

#include <stddef.h>
#include <stdint.h>
#include <minivisor.h>

enum mv_entry {
	MV_ENTRY_REAL,
	MV_ENTRY_LONG,
};

/* Guest RAM: one slot at GPA 0. */
#define MV_MEM_DEFAULT		(64ULL << 20)
/*
 * With several vCPUs, vCPU i starts with RSP (SP in real mode) this much
 * lower than vCPU 0's, and RBX = i.
 */
#define MV_VCPU_STACK_SIZE	0x1000ULL
#define MV_MEM_MIN		(2ULL << 20)
#define MV_MEM_MAX		(3ULL << 30)	/* 3..4 GiB is the MMIO hole */
#define MV_MEM_ALIGN		4096ULL

#define MV_LOAD_ADDR		0x10000ULL

/* Real-mode entry. */
#define MV_REAL_SEGMENT		0x1000		/* MV_LOAD_ADDR >> 4 */
#define MV_REAL_SP		0xfffe

/* Long-mode entry. */
#define MV_GDT_ADDR		0x500ULL
#define MV_GDT_ENTRIES		3
#define MV_SEL_CODE64		0x08
#define MV_SEL_DATA		0x10
#define MV_PML4_ADDR		0x1000ULL
#define MV_PDPT_ADDR		0x2000ULL
#define MV_PD_ADDR		0x3000ULL	/* MV_IDMAP_GIB tables */
#define MV_IDMAP_GIB		4
#define MV_PT_END		(MV_PD_ADDR + MV_IDMAP_GIB * 0x1000ULL)
#define MV_LONG_RSP		0x10000ULL

/* Page-table entry bits (SDM Vol. 3A 4.5). */
#define MV_PTE_P		(1ULL << 0)
#define MV_PTE_RW		(1ULL << 1)
#define MV_PTE_PS		(1ULL << 7)	/* in a PDE: 2 MiB page */
#define MV_PTE_ADDR_MASK	0x000ffffffffff000ULL

/* Control-register bits. */
#define MV_CR0_PE		(1ULL << 0)
#define MV_CR0_ET		(1ULL << 4)
#define MV_CR0_NE		(1ULL << 5)
#define MV_CR0_PG		(1ULL << 31)
#define MV_CR4_PAE		(1ULL << 5)
#define MV_EFER_LME		(1ULL << 8)
#define MV_EFER_LMA		(1ULL << 10)
#define MV_RFLAGS_FIXED		(1ULL << 1)

/* Segment types (SDM Vol. 3A 3.4.5.1, 3.5). */
#define MV_SEG_TYPE_DATA_RW_ACCESSED	0x3
#define MV_SEG_TYPE_CODE_RX_ACCESSED	0xb
#define MV_SEG_TYPE_TSS_BUSY		0xb	/* 32- or 64-bit busy TSS */

/*
 * Writes the identity-map page tables into @mem (guest RAM seen from the
 * host, at least MV_PT_END bytes) and returns the CR3 value.
 */
uint64_t mv_build_page_tables(void *mem);

/* Writes the GDT into @mem at MV_GDT_ADDR; returns its limit. */
uint16_t mv_build_gdt(void *mem);

/* Encodes a segment descriptor as it sits in a GDT (SDM Vol. 3A 3.4.5). */
uint64_t mv_gdt_entry(const struct mv_segment *seg);

/* The initial registers (regs and sregs are zeroed first). */
void mv_entry_regs(enum mv_entry entry, struct mv_regs *regs);
void mv_entry_sregs(enum mv_entry entry, struct mv_sregs *sregs);

/*
 * Checks that an image of @image_size bytes fits in @mem_size bytes of RAM
 * at MV_LOAD_ADDR. Returns 0, or -EINVAL / -EFBIG with a message in @err.
 */
int mv_check_image_fits(uint64_t image_size, uint64_t mem_size,
			char *err, size_t errlen);

/*
 * Opens the flat binary @path and checks what can be checked before
 * reading it (not a directory; a regular file's size fits @mem_size).
 * Returns the fd, or a negative errno with a message naming @path, the
 * cause and the fix in @err.
 */
int mv_open_flat(const char *path, uint64_t mem_size, char *err,
		 size_t errlen);

/*
 * Reads the image from @fd (named @path in messages) into @mem at
 * MV_LOAD_ADDR and, for MV_ENTRY_LONG, writes the page tables and the
 * GDT. Fills @regs and @sregs with the entry state. Returns 0 or a
 * negative errno with a message in @err.
 */
int mv_load_flat_fd(int fd, const char *path, enum mv_entry entry,
		    void *mem, uint64_t mem_size, struct mv_regs *regs,
		    struct mv_sregs *sregs, char *err, size_t errlen);

/* mv_open_flat() + mv_load_flat_fd(). */
int mv_load_flat(const char *path, enum mv_entry entry, void *mem,
		 uint64_t mem_size, struct mv_regs *regs,
		 struct mv_sregs *sregs, char *err, size_t errlen);

#endif /* MV_LOADER_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The Linux bzImage loader: the 64-bit boot protocol of the kernel's
 * Documentation/x86/boot.rst ("64-bit BOOT PROTOCOL"). The guest starts
 * in long mode at the protected-mode kernel's load address + 0x200 with
 * RSI pointing at a zero page (struct boot_params): the image's setup
 * header, an e820 memory map, the command line and the initrd.
 *
 * Guest-physical layout (all below 1 MiB is RAM in the e820 map up to
 * 0x9fc00; the kernel copies what it needs before it reuses it):
 *   0x00500  GDT: null, null, 0x10 64-bit code (__BOOT_CS), 0x18 data
 *            (__BOOT_DS), the selectors the protocol requires
 *   0x01000  identity-map page tables for 0..4 GiB (loader.h)
 *   0x07000  the zero page
 *   0x20000  the command line
 *   pref_address (16 MiB for Debian's kernels), or 16 MiB rounded up to
 *            kernel_alignment: the protected-mode kernel
 *   top of RAM, below initrd_addr_max and above the kernel's init_size:
 *            the initrd, page-aligned
 */
#ifndef MV_BZIMAGE_H
#define MV_BZIMAGE_H

#include <stddef.h>
#include <stdint.h>
#include <minivisor.h>

#define MV_LINUX_MEM_DEFAULT	(128ULL << 20)
#define MV_LINUX_ZERO_PAGE	0x7000ULL
#define MV_LINUX_CMDLINE	0x20000ULL
#define MV_LINUX_CMDLINE_MAX	0x10000ULL	/* room reserved for it */
#define MV_LINUX_KERNEL_MIN	0x1000000ULL	/* 16 MiB */
#define MV_LINUX_SEL_CS		0x10		/* __BOOT_CS */
#define MV_LINUX_SEL_DS		0x18		/* __BOOT_DS */
#define MV_LINUX_DEFAULT_CMDLINE "console=ttyS0 panic=-1"

/* Low-memory RAM ends where a PC's EBDA would start. */
#define MV_E820_LOW_END		0x9fc00ULL
#define MV_E820_RAM		1
#define MV_E820_RESERVED	2
#define MV_E820_MAX		128	/* entries the zero page holds */

/* What the loader needs from an image's setup header. */
struct mv_bzimage {
	uint64_t setup_size;	/* bytes before the protected-mode kernel */
	uint16_t version;	/* boot protocol version */
	uint16_t xloadflags;
	uint32_t kernel_alignment;
	uint32_t init_size;	/* memory the kernel needs from its start */
	uint32_t cmdline_size;	/* longest command line, without the NUL */
	uint32_t initrd_addr_max;
	uint64_t pref_address;
	unsigned int hdr_end;	/* end offset of the setup header */
};

struct mv_e820_entry {
	uint64_t addr;
	uint64_t size;
	uint32_t type;
};

/*
 * Checks and decodes the setup header of the @len bytes at @img. Returns 0
 * or -ENOEXEC with a message naming the problem and the fix in @err.
 */
int mv_bzimage_parse(const uint8_t *img, size_t len, struct mv_bzimage *bz,
		     char *err, size_t errlen);

/* The guest's memory map for @mem_size bytes of RAM at 0; returns count. */
unsigned int mv_e820_build(uint64_t mem_size, struct mv_e820_entry *e,
			   unsigned int max);

/* Where the kernel goes for @bz (the protocol's alignment rules). */
uint64_t mv_bzimage_load_addr(const struct mv_bzimage *bz);

struct mv_linux_args {
	const char *kernel;	/* path of the bzImage */
	const char *initrd;	/* path, or NULL */
	const char *cmdline;	/* NULL: MV_LINUX_DEFAULT_CMDLINE */
};

/*
 * Loads the kernel (and initrd) into @mem (@mem_size bytes of guest RAM at
 * GPA 0), writes the zero page, command line, GDT and page tables, and
 * fills @regs/@sregs with the 64-bit entry state. Returns 0 or a negative
 * errno with a message naming the file, the cause and the fix in @err.
 */
int mv_load_linux(const struct mv_linux_args *a, void *mem,
		  uint64_t mem_size, struct mv_regs *regs,
		  struct mv_sregs *sregs, char *err, size_t errlen);

#endif /* MV_BZIMAGE_H */

// SPDX-License-Identifier: GPL-2.0
/* Flat-binary loader and the entry state; see loader.h for the layout. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "loader.h"
#include "size.h"

/* Guest RAM is little-endian, as is the host (x86-64 only). */
static void put64(void *mem, uint64_t gpa, uint64_t val)
{
	memcpy((uint8_t *)mem + gpa, &val, sizeof(val));
}

uint64_t mv_build_page_tables(void *mem)
{
	uint64_t gib, mib2;

	memset((uint8_t *)mem + MV_PML4_ADDR, 0, MV_PT_END - MV_PML4_ADDR);
	put64(mem, MV_PML4_ADDR, MV_PDPT_ADDR | MV_PTE_P | MV_PTE_RW);
	for (gib = 0; gib < MV_IDMAP_GIB; gib++) {
		uint64_t pd = MV_PD_ADDR + gib * 0x1000;

		put64(mem, MV_PDPT_ADDR + gib * 8, pd | MV_PTE_P | MV_PTE_RW);
		/* 512 2 MiB pages per directory: 1 GiB each. */
		for (mib2 = 0; mib2 < 512; mib2++)
			put64(mem, pd + mib2 * 8,
			      (gib << 30 | mib2 << 21) |
			      MV_PTE_P | MV_PTE_RW | MV_PTE_PS);
	}
	return MV_PML4_ADDR;
}

uint64_t mv_gdt_entry(const struct mv_segment *seg)
{
	/* The descriptor holds 20 limit bits, in 4 KiB units when G = 1. */
	uint64_t limit = seg->g ? seg->limit >> 12 : seg->limit & 0xfffff;
	uint64_t base = seg->base & 0xffffffff;

	return (limit & 0xffff) |
	       (base & 0xffffff) << 16 |
	       (uint64_t)(seg->type & 0xf) << 40 |
	       (uint64_t)(seg->s & 1) << 44 |
	       (uint64_t)(seg->dpl & 3) << 45 |
	       (uint64_t)(seg->present & 1) << 47 |
	       (limit >> 16 & 0xf) << 48 |
	       (uint64_t)(seg->avl & 1) << 52 |
	       (uint64_t)(seg->l & 1) << 53 |
	       (uint64_t)(seg->db & 1) << 54 |
	       (uint64_t)(seg->g & 1) << 55 |
	       (base >> 24) << 56;
}

static struct mv_segment long_code_segment(void)
{
	return (struct mv_segment){
		.selector = MV_SEL_CODE64, .base = 0, .limit = 0xffffffff,
		.type = MV_SEG_TYPE_CODE_RX_ACCESSED, .s = 1, .present = 1,
		.l = 1, .db = 0, .g = 1,
	};
}

static struct mv_segment long_data_segment(void)
{
	return (struct mv_segment){
		.selector = MV_SEL_DATA, .base = 0, .limit = 0xffffffff,
		.type = MV_SEG_TYPE_DATA_RW_ACCESSED, .s = 1, .present = 1,
		.db = 1, .g = 1,
	};
}

uint16_t mv_build_gdt(void *mem)
{
	struct mv_segment code = long_code_segment();
	struct mv_segment data = long_data_segment();

	/* The descriptors are encoded from the very segments the sregs load. */
	put64(mem, MV_GDT_ADDR, 0);
	put64(mem, MV_GDT_ADDR + MV_SEL_CODE64, mv_gdt_entry(&code));
	put64(mem, MV_GDT_ADDR + MV_SEL_DATA, mv_gdt_entry(&data));
	return MV_GDT_ENTRIES * 8 - 1;
}

void mv_entry_regs(enum mv_entry entry, struct mv_regs *regs)
{
	memset(regs, 0, sizeof(*regs));
	regs->rflags = MV_RFLAGS_FIXED;
	if (entry == MV_ENTRY_LONG) {
		regs->rip = MV_LOAD_ADDR;
		regs->rsp = MV_LONG_RSP;
	} else {
		regs->rip = 0;
		regs->rsp = MV_REAL_SP;
	}
}

static void entry_sregs_real(struct mv_sregs *s)
{
	struct mv_segment seg = {
		.selector = MV_REAL_SEGMENT,
		.base = (uint64_t)MV_REAL_SEGMENT << 4,
		.limit = 0xffff,
		.type = MV_SEG_TYPE_DATA_RW_ACCESSED, .s = 1, .present = 1,
	};

	s->ds = s->es = s->fs = s->gs = s->ss = seg;
	seg.type = MV_SEG_TYPE_CODE_RX_ACCESSED;
	s->cs = seg;

	/* As after RESET (SDM Vol. 3A 9.1.1), but with a usable TR. */
	s->tr = (struct mv_segment){
		.limit = 0xffff, .type = MV_SEG_TYPE_TSS_BUSY, .present = 1,
	};
	s->gdt.limit = 0xffff;
	s->idt.limit = 0xffff;
	s->cr0 = MV_CR0_ET;
}

static void entry_sregs_long(struct mv_sregs *s)
{
	s->cs = long_code_segment();
	s->ds = s->es = s->fs = s->gs = s->ss = long_data_segment();
	s->tr = (struct mv_segment){
		.limit = 0x67, .type = MV_SEG_TYPE_TSS_BUSY, .present = 1,
	};
	s->gdt.base = MV_GDT_ADDR;
	s->gdt.limit = MV_GDT_ENTRIES * 8 - 1;
	s->idt.base = 0;
	s->idt.limit = 0;
	s->cr0 = MV_CR0_PE | MV_CR0_ET | MV_CR0_NE | MV_CR0_PG;
	s->cr3 = MV_PML4_ADDR;
	s->cr4 = MV_CR4_PAE;
	s->efer = MV_EFER_LME | MV_EFER_LMA;
}

void mv_entry_sregs(enum mv_entry entry, struct mv_sregs *sregs)
{
	memset(sregs, 0, sizeof(*sregs));
	/* No LDT: VM entry skips the checks of an unusable LDTR. */
	sregs->ldt.unusable = 1;
	if (entry == MV_ENTRY_LONG)
		entry_sregs_long(sregs);
	else
		entry_sregs_real(sregs);
}

int mv_check_image_fits(uint64_t image_size, uint64_t mem_size,
			char *err, size_t errlen)
{
	char mem[32];

	if (image_size == 0) {
		snprintf(err, errlen, "the image is empty (a flat binary's first byte is its entry point)");
		return -EINVAL;
	}
	if (mem_size < MV_MEM_MIN) {
		snprintf(err, errlen, "guest memory of %llu bytes is below the minimum of 2M",
			 (unsigned long long)mem_size);
		return -EINVAL;
	}
	if (image_size > mem_size - MV_LOAD_ADDR) {
		mv_format_size(mem_size, mem, sizeof(mem));
		snprintf(err, errlen, "the image is %llu bytes, but only %llu bytes of guest memory lie between the load address 0x%llx and the top of memory 0x%llx (--mem %s): use a larger --mem",
			 (unsigned long long)image_size,
			 (unsigned long long)(mem_size - MV_LOAD_ADDR),
			 MV_LOAD_ADDR, (unsigned long long)mem_size, mem);
		return -EFBIG;
	}
	return 0;
}

/* Reads up to @cap bytes; returns the count, or -errno. */
static long long read_all(int fd, uint8_t *buf, uint64_t cap)
{
	uint64_t done = 0;

	while (done < cap) {
		size_t chunk = cap - done > (1u << 30) ? 1u << 30
						       : (size_t)(cap - done);
		ssize_t n = read(fd, buf + done, chunk);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		done += (uint64_t)n;
	}
	return (long long)done;
}

int mv_open_flat(const char *path, uint64_t mem_size, char *err,
		 size_t errlen)
{
	char why[384];
	struct stat st;
	int fd, ret;

	ret = mv_check_image_fits(1, mem_size, why, sizeof(why));
	if (ret) {
		snprintf(err, errlen, "%s: %s", path, why);
		return ret;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		snprintf(err, errlen, "cannot open guest image %s: %s", path,
			 strerror(-ret));
		return ret;
	}
	if (fstat(fd, &st) < 0) {
		ret = -errno;
		snprintf(err, errlen, "cannot stat guest image %s: %s", path,
			 strerror(-ret));
		goto fail;
	}
	if (S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "guest image %s is a directory: name a flat binary file", path);
		ret = -EISDIR;
		goto fail;
	}
	/* Regular files: refuse before reading, with the exact size. */
	if (S_ISREG(st.st_mode)) {
		ret = mv_check_image_fits((uint64_t)st.st_size, mem_size, why,
					  sizeof(why));
		if (ret) {
			snprintf(err, errlen, "%s: %s", path, why);
			goto fail;
		}
	}
	return fd;
fail:
	close(fd);
	return ret;
}

int mv_load_flat_fd(int fd, const char *path, enum mv_entry entry,
		    void *mem, uint64_t mem_size, struct mv_regs *regs,
		    struct mv_sregs *sregs, char *err, size_t errlen)
{
	uint64_t cap = mem_size - MV_LOAD_ADDR;
	char why[384];
	long long got;
	uint8_t extra;
	int ret;

	ret = mv_check_image_fits(1, mem_size, why, sizeof(why));
	if (ret) {
		snprintf(err, errlen, "%s: %s", path, why);
		return ret;
	}
	got = read_all(fd, (uint8_t *)mem + MV_LOAD_ADDR, cap);
	if (got < 0) {
		snprintf(err, errlen, "cannot read guest image %s: %s", path,
			 strerror((int)-got));
		return (int)got;
	}
	/* It filled RAM up to the top (a pipe, or a file that grew): more? */
	if ((uint64_t)got == cap && read_all(fd, &extra, 1) == 1) {
		snprintf(err, errlen, "%s: the image is larger than the %llu bytes of guest memory above the load address 0x%llx: use a larger --mem",
			 path, (unsigned long long)cap, MV_LOAD_ADDR);
		return -EFBIG;
	}
	ret = mv_check_image_fits((uint64_t)got, mem_size, why, sizeof(why));
	if (ret) {
		snprintf(err, errlen, "%s: %s", path, why);
		return ret;
	}

	if (entry == MV_ENTRY_LONG) {
		mv_build_page_tables(mem);
		mv_build_gdt(mem);
	}
	mv_entry_regs(entry, regs);
	mv_entry_sregs(entry, sregs);
	return 0;
}

int mv_load_flat(const char *path, enum mv_entry entry, void *mem,
		 uint64_t mem_size, struct mv_regs *regs,
		 struct mv_sregs *sregs, char *err, size_t errlen)
{
	int fd = mv_open_flat(path, mem_size, err, errlen);
	int ret;

	if (fd < 0)
		return fd;
	ret = mv_load_flat_fd(fd, path, entry, mem, mem_size, regs, sregs,
			      err, errlen);
	close(fd);
	return ret;
}

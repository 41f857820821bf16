// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test.h"
#include "loader.h"

#define MEM_SIZE	(2u << 20)

static uint64_t get64(const uint8_t *mem, uint64_t gpa)
{
	uint64_t v;

	memcpy(&v, mem + gpa, sizeof(v));
	return v;
}

/*
 * Walks the 4-level tables in @mem like the CPU (SDM Vol. 3A 4.5) for a
 * supervisor write: returns the physical address, or ~0 if not mapped
 * writable.
 */
static uint64_t walk(const uint8_t *mem, uint64_t cr3, uint64_t va)
{
	const uint64_t need = MV_PTE_P | MV_PTE_RW;
	uint64_t e;

	e = get64(mem, (cr3 & MV_PTE_ADDR_MASK) + ((va >> 39) & 511) * 8);
	if ((e & need) != need || (e & MV_PTE_PS))
		return ~0ULL;
	e = get64(mem, (e & MV_PTE_ADDR_MASK) + ((va >> 30) & 511) * 8);
	if ((e & need) != need || (e & MV_PTE_PS))
		return ~0ULL;
	e = get64(mem, (e & MV_PTE_ADDR_MASK) + ((va >> 21) & 511) * 8);
	if ((e & need) != need || !(e & MV_PTE_PS))
		return ~0ULL;
	/* A 2 MiB page: bits 20:13 of the entry are reserved (PAT at 12). */
	if (e & 0x1fe000)
		return ~0ULL;
	return (e & MV_PTE_ADDR_MASK & ~0x1fffffULL) | (va & 0x1fffff);
}

TEST(loader_page_tables_identity_map)
{
	uint8_t *mem = calloc(1, MEM_SIZE);
	uint64_t cr3, va;
	unsigned int i;

	memset(mem, 0xab, MV_PT_END);		/* stale bytes get cleared */
	cr3 = mv_build_page_tables(mem);
	CHECK_EQ(cr3, 0x1000);

	/* Every 2 MiB page of 0..4 GiB, at its first and last byte. */
	for (va = 0; va < (4ULL << 30); va += 2ULL << 20) {
		if (walk(mem, cr3, va) != va ||
		    walk(mem, cr3, va + 0x1fffff) != va + 0x1fffff) {
			mv_test_fail(__FILE__, __LINE__, "va 0x%llx not identity-mapped",
				     (unsigned long long)va);
			break;
		}
	}
	CHECK_EQ(walk(mem, cr3, 0xfe000ff8), 0xfe000ff8);
	CHECK_EQ(walk(mem, cr3, 0x12345), 0x12345);
	/* Nothing above 4 GiB. */
	CHECK_EQ(walk(mem, cr3, 4ULL << 30), ~0ULL);
	CHECK_EQ(walk(mem, cr3, 1ULL << 39), ~0ULL);
	CHECK_EQ(walk(mem, cr3, 0xffffffff80000000ULL), ~0ULL);

	/* The entries themselves. */
	CHECK_EQ(get64(mem, 0x1000), 0x2003);
	for (i = 1; i < 512; i++)
		CHECK_EQ(get64(mem, 0x1000 + i * 8), 0);
	CHECK_EQ(get64(mem, 0x2000), 0x3003);
	CHECK_EQ(get64(mem, 0x2008), 0x4003);
	CHECK_EQ(get64(mem, 0x2010), 0x5003);
	CHECK_EQ(get64(mem, 0x2018), 0x6003);
	for (i = 4; i < 512; i++)
		CHECK_EQ(get64(mem, 0x2000 + i * 8), 0);
	CHECK_EQ(get64(mem, 0x3000), 0x83);
	CHECK_EQ(get64(mem, 0x3008), 0x200083);
	CHECK_EQ(get64(mem, 0x3ff8), 0x3fe00083);
	CHECK_EQ(get64(mem, 0x4000), 0x40000083);
	CHECK_EQ(get64(mem, 0x6ff8), 0xffe00083);
	/* Nothing written outside 0x1000..0x6fff. */
	CHECK_EQ(mem[0xfff], 0xab);
	CHECK_EQ(mem[0x7000], 0);
	free(mem);
}

TEST(loader_gdt)
{
	uint8_t *mem = calloc(1, MEM_SIZE);

	CHECK_EQ(mv_build_gdt(mem), 0x17);
	CHECK_EQ(get64(mem, 0x500), 0);
	CHECK_EQ(get64(mem, 0x508), 0x00af9b000000ffffULL);
	CHECK_EQ(get64(mem, 0x510), 0x00cf93000000ffffULL);
	CHECK_EQ(mem[0x518], 0);
	CHECK_EQ(mem[0x4ff], 0);
	free(mem);
}

TEST(loader_gdt_entry_encoding)
{
	struct mv_segment s;

	/* Byte-granular, odd base: every field lands in its place. */
	memset(&s, 0, sizeof(s));
	s.base = 0x12345678;
	s.limit = 0xabcde;
	s.type = 0x9;
	s.s = 0;
	s.dpl = 3;
	s.present = 1;
	s.avl = 1;
	s.db = 0;
	s.g = 0;
	CHECK_EQ(mv_gdt_entry(&s), 0x121ae9345678bcdeULL);

	/* The 32-bit flat code segment everyone knows. */
	memset(&s, 0, sizeof(s));
	s.limit = 0xffffffff;
	s.type = 0xa;
	s.s = 1;
	s.present = 1;
	s.db = 1;
	s.g = 1;
	CHECK_EQ(mv_gdt_entry(&s), 0x00cf9a000000ffffULL);
}

static void check_segment(const struct mv_segment *s, uint16_t sel,
			  uint64_t base, uint32_t limit, uint8_t type,
			  uint8_t sbit, uint8_t l, uint8_t db, uint8_t g)
{
	CHECK_EQ(s->selector, sel);
	CHECK_EQ(s->base, base);
	CHECK_EQ(s->limit, limit);
	CHECK_EQ(s->type, type);
	CHECK_EQ(s->s, sbit);
	CHECK_EQ(s->dpl, 0);
	CHECK_EQ(s->present, 1);
	CHECK_EQ(s->l, l);
	CHECK_EQ(s->db, db);
	CHECK_EQ(s->g, g);
	CHECK_EQ(s->unusable, 0);
	CHECK_EQ(s->reserved, 0);
	CHECK_EQ(s->avl, 0);
}

TEST(loader_long_entry_state)
{
	struct mv_sregs s;
	struct mv_regs r;
	const struct mv_segment *data[] = { &s.ds, &s.es, &s.fs, &s.gs, &s.ss };
	uint8_t *mem = calloc(1, MEM_SIZE);
	unsigned int i;

	mv_entry_sregs(MV_ENTRY_LONG, &s);
	check_segment(&s.cs, 0x08, 0, 0xffffffff, 0xb, 1, 1, 0, 1);
	for (i = 0; i < 5; i++)
		check_segment(data[i], 0x10, 0, 0xffffffff, 0x3, 1, 0, 1, 1);
	check_segment(&s.tr, 0, 0, 0x67, 0xb, 0, 0, 0, 0);
	CHECK_EQ(s.ldt.unusable, 1);
	CHECK_EQ(s.gdt.base, 0x500);
	CHECK_EQ(s.gdt.limit, 0x17);
	CHECK_EQ(s.idt.base, 0);
	CHECK_EQ(s.idt.limit, 0);
	CHECK_EQ(s.cr0, 0x80000031);
	CHECK_EQ(s.cr3, 0x1000);
	CHECK_EQ(s.cr4, 0x20);
	CHECK_EQ(s.efer, 0x500);
	CHECK_EQ(s.reserved[0] | s.reserved[1] | s.reserved[2] | s.reserved[3], 0);

	/* The loaded segments match the GDT descriptors of their selectors. */
	mv_build_gdt(mem);
	CHECK_EQ(mv_gdt_entry(&s.cs), get64(mem, 0x500 + s.cs.selector));
	CHECK_EQ(mv_gdt_entry(&s.ss), get64(mem, 0x500 + s.ss.selector));

	mv_entry_regs(MV_ENTRY_LONG, &r);
	CHECK_EQ(r.rip, 0x10000);
	CHECK_EQ(r.rsp, 0x10000);
	CHECK_EQ(r.rsp % 16, 0);
	CHECK(r.rsp > MV_PT_END);
	CHECK_EQ(r.rflags, 0x2);
	CHECK_EQ(r.rax | r.rbx | r.rcx | r.rdx | r.rsi | r.rdi | r.rbp, 0);
	free(mem);
}

TEST(loader_real_entry_state)
{
	struct mv_sregs s;
	struct mv_regs r;
	const struct mv_segment *data[] = { &s.ds, &s.es, &s.fs, &s.gs, &s.ss };
	unsigned int i;

	mv_entry_sregs(MV_ENTRY_REAL, &s);
	check_segment(&s.cs, 0x1000, 0x10000, 0xffff, 0xb, 1, 0, 0, 0);
	for (i = 0; i < 5; i++)
		check_segment(data[i], 0x1000, 0x10000, 0xffff, 0x3, 1, 0, 0, 0);
	check_segment(&s.tr, 0, 0, 0xffff, 0xb, 0, 0, 0, 0);
	CHECK_EQ(s.ldt.unusable, 1);
	CHECK_EQ(s.gdt.base, 0);
	CHECK_EQ(s.gdt.limit, 0xffff);
	CHECK_EQ(s.idt.base, 0);
	CHECK_EQ(s.idt.limit, 0xffff);
	CHECK_EQ(s.cr0, 0x10);
	CHECK_EQ(s.cr3 | s.cr4 | s.efer, 0);
	CHECK_EQ(s.cs.base, (uint64_t)s.cs.selector << 4);
	CHECK_EQ(s.cs.base, MV_LOAD_ADDR);

	mv_entry_regs(MV_ENTRY_REAL, &r);
	CHECK_EQ(r.rip, 0);
	CHECK_EQ(r.rsp, 0xfffe);
	CHECK_EQ(r.rflags, 0x2);
}

TEST(loader_image_fits)
{
	char err[512];

	CHECK_EQ(mv_check_image_fits(1, MEM_SIZE, err, sizeof(err)), 0);
	CHECK_EQ(mv_check_image_fits(MEM_SIZE - 0x10000, MEM_SIZE, err,
				     sizeof(err)), 0);
	CHECK_EQ(mv_check_image_fits(MEM_SIZE - 0x10000 + 1, MEM_SIZE, err,
				     sizeof(err)), -EFBIG);
	CHECK_CONTAINS(err, "the image is 2031617 bytes, but only 2031616 bytes of guest memory lie between the load address 0x10000 and the top of memory 0x200000 (--mem 2M): use a larger --mem");
	CHECK_EQ(mv_check_image_fits(0, MEM_SIZE, err, sizeof(err)), -EINVAL);
	CHECK_CONTAINS(err, "empty");
	CHECK_EQ(mv_check_image_fits(1, 0x8000, err, sizeof(err)), -EINVAL);
	CHECK_EQ(mv_check_image_fits(UINT64_MAX, MEM_SIZE, err, sizeof(err)),
		 -EFBIG);
}

/* Writes @len bytes of a pattern to a new temporary file; returns its path. */
static char *temp_image(size_t len)
{
	char *path = strdup("/tmp/mv-test-image-XXXXXX");
	int fd = mkstemp(path);
	uint8_t *buf = malloc(len + 1);
	size_t i;

	for (i = 0; i < len; i++)
		buf[i] = (uint8_t)(i * 7 + 1);
	CHECK(fd >= 0);
	CHECK_EQ(write(fd, buf, len), len);
	close(fd);
	free(buf);
	return path;
}

TEST(loader_load_flat_long)
{
	uint8_t *mem = calloc(1, MEM_SIZE);
	char *path = temp_image(1000);
	struct mv_sregs s;
	struct mv_regs r;
	char err[512] = "";

	CHECK_EQ(mv_load_flat(path, MV_ENTRY_LONG, mem, MEM_SIZE, &r, &s, err,
			      sizeof(err)), 0);
	CHECK_STREQ(err, "");
	CHECK_EQ(mem[0x10000], 1);
	CHECK_EQ(mem[0x10000 + 999], (uint8_t)(999 * 7 + 1));
	CHECK_EQ(mem[0x10000 + 1000], 0);
	CHECK_EQ(get64(mem, 0x508), 0x00af9b000000ffffULL);
	CHECK_EQ(walk(mem, s.cr3, 0xfe000000), 0xfe000000);
	CHECK_EQ(r.rip, 0x10000);
	CHECK_EQ(s.efer, 0x500);
	unlink(path);
	free(path);
	free(mem);
}

TEST(loader_load_flat_real_exact_fit)
{
	uint8_t *mem = calloc(1, MEM_SIZE);
	char *path = temp_image(MEM_SIZE - 0x10000);
	struct mv_sregs s;
	struct mv_regs r;
	char err[512];

	CHECK_EQ(mv_load_flat(path, MV_ENTRY_REAL, mem, MEM_SIZE, &r, &s, err,
			      sizeof(err)), 0);
	CHECK_EQ(mem[MEM_SIZE - 1], (uint8_t)((MEM_SIZE - 0x10001) * 7 + 1));
	/* Real mode: no page tables, no GDT. */
	CHECK_EQ(get64(mem, 0x1000), 0);
	CHECK_EQ(get64(mem, 0x508), 0);
	CHECK_EQ(s.cr0, 0x10);
	unlink(path);
	free(path);
	free(mem);
}

TEST(loader_load_flat_errors)
{
	uint8_t *mem = calloc(1, MEM_SIZE);
	char *big = temp_image(MEM_SIZE - 0x10000 + 1);
	char *empty = temp_image(0);
	struct mv_sregs s;
	struct mv_regs r;
	char err[512];
	int fd;

	CHECK_EQ(mv_load_flat(big, MV_ENTRY_REAL, mem, MEM_SIZE, &r, &s, err,
			      sizeof(err)), -EFBIG);
	CHECK_CONTAINS(err, big);
	CHECK_CONTAINS(err, "use a larger --mem");
	CHECK_EQ(mem[0x10000], 0);	/* refused before reading */

	CHECK_EQ(mv_load_flat(empty, MV_ENTRY_REAL, mem, MEM_SIZE, &r, &s, err,
			      sizeof(err)), -EINVAL);
	CHECK_CONTAINS(err, "empty");

	CHECK_EQ(mv_load_flat("/nonexistent/guest.bin", MV_ENTRY_REAL, mem,
			      MEM_SIZE, &r, &s, err, sizeof(err)), -ENOENT);
	CHECK_CONTAINS(err, "cannot open guest image /nonexistent/guest.bin: No such file or directory");

	CHECK_EQ(mv_load_flat("/tmp", MV_ENTRY_REAL, mem, MEM_SIZE, &r, &s,
			      err, sizeof(err)), -EISDIR);
	CHECK_CONTAINS(err, "is a directory");

	/* A non-regular file that is too big is caught while reading. */
	fd = open(big, O_RDONLY);
	CHECK(fd >= 0);
	CHECK_EQ(mv_load_flat_fd(fd, "pipe", MV_ENTRY_LONG, mem, MEM_SIZE, &r,
				 &s, err, sizeof(err)), -EFBIG);
	CHECK_CONTAINS(err, "pipe: the image is larger than the 2031616 bytes");
	CHECK_EQ(get64(mem, 0x1000), 0);	/* no tables on failure */
	close(fd);

	unlink(big);
	unlink(empty);
	free(big);
	free(empty);
	free(mem);
}

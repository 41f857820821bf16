// SPDX-License-Identifier: GPL-2.0
/*
 * The bzImage loader against synthetic images: a setup header with the
 * fields the 64-bit boot protocol uses, and a recognisable payload.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test.h"
#include "bzimage.h"
#include "loader.h"

#define SETUP_SECTS	4
#define SETUP_SIZE	((SETUP_SECTS + 1) * 512)
#define PAYLOAD		8192
#define IMG_SIZE	(SETUP_SIZE + PAYLOAD)
#define MEM		(40ULL << 20)

static void p16(uint8_t *p, size_t off, uint16_t v)
{
	memcpy(p + off, &v, 2);
}

static void p32(uint8_t *p, size_t off, uint32_t v)
{
	memcpy(p + off, &v, 4);
}

static void p64(uint8_t *p, size_t off, uint64_t v)
{
	memcpy(p + off, &v, 8);
}

static uint32_t g32(const uint8_t *p, size_t off)
{
	uint32_t v;

	memcpy(&v, p + off, 4);
	return v;
}

static uint64_t g64(const uint8_t *p, size_t off)
{
	uint64_t v;

	memcpy(&v, p + off, 8);
	return v;
}

/* A header like Debian 6.1's vmlinuz has, scaled down. */
static void make_image(uint8_t *img)
{
	size_t i;

	memset(img, 0, IMG_SIZE);
	img[0x1f1] = SETUP_SECTS;
	p16(img, 0x1fe, 0xaa55);
	img[0x200] = 0xeb;		/* jmp: header ends at 0x202 + 0x6a */
	img[0x201] = 0x6a;
	p32(img, 0x202, 0x53726448);
	p16(img, 0x206, 0x020f);
	img[0x211] = 0x01;		/* LOADED_HIGH */
	p32(img, 0x22c, 0x7fffffff);	/* initrd_addr_max */
	p32(img, 0x230, 0x200000);	/* kernel_alignment */
	img[0x234] = 1;			/* relocatable */
	p16(img, 0x236, 0x7f);		/* xloadflags: XLF_KERNEL_64, ... */
	p32(img, 0x238, 2047);		/* cmdline_size */
	p64(img, 0x258, 0x1000000);	/* pref_address */
	p32(img, 0x260, 0x100000);	/* init_size: 1 MiB */
	for (i = 0; i < PAYLOAD; i++)
		img[SETUP_SIZE + i] = (uint8_t)(i * 7 + 3);
}

static char *write_tmp(const uint8_t *buf, size_t len)
{
	char *path = strdup("/tmp/mv-test-bzimage-XXXXXX");
	int fd = mkstemp(path);

	CHECK(fd >= 0);
	CHECK_EQ(write(fd, buf, len), len);
	close(fd);
	return path;
}

TEST(bzimage_parse_header)
{
	static uint8_t img[IMG_SIZE];
	struct mv_bzimage bz;
	char err[256];

	make_image(img);
	CHECK_EQ(mv_bzimage_parse(img, IMG_SIZE, &bz, err, sizeof(err)), 0);
	CHECK_EQ(bz.setup_size, SETUP_SIZE);
	CHECK_EQ(bz.version, 0x020f);
	CHECK_EQ(bz.kernel_alignment, 0x200000);
	CHECK_EQ(bz.init_size, 0x100000);
	CHECK_EQ(bz.cmdline_size, 2047);
	CHECK_EQ(bz.initrd_addr_max, 0x7fffffff);
	CHECK_EQ(bz.pref_address, 0x1000000);
	CHECK_EQ(bz.hdr_end, 0x26c);
	CHECK_EQ(mv_bzimage_load_addr(&bz), 0x1000000);

	/* setup_sects 0 means 4. */
	img[0x1f1] = 0;
	CHECK_EQ(mv_bzimage_parse(img, IMG_SIZE, &bz, err, sizeof(err)), 0);
	CHECK_EQ(bz.setup_size, SETUP_SIZE);
}

TEST(bzimage_parse_rejects)
{
	static uint8_t img[IMG_SIZE];
	struct mv_bzimage bz;
	char err[256];

	make_image(img);
	img[0x202] = 'X';
	CHECK_EQ(mv_bzimage_parse(img, IMG_SIZE, &bz, err, sizeof(err)),
		 -ENOEXEC);
	CHECK_CONTAINS(err, "not a Linux bzImage");

	make_image(img);
	p16(img, 0x1fe, 0);
	CHECK_EQ(mv_bzimage_parse(img, IMG_SIZE, &bz, err, sizeof(err)),
		 -ENOEXEC);

	make_image(img);
	p16(img, 0x206, 0x020b);
	CHECK_EQ(mv_bzimage_parse(img, IMG_SIZE, &bz, err, sizeof(err)),
		 -ENOEXEC);
	CHECK_CONTAINS(err, "2.11 is too old");

	make_image(img);
	p16(img, 0x236, 0x7e);
	CHECK_EQ(mv_bzimage_parse(img, IMG_SIZE, &bz, err, sizeof(err)),
		 -ENOEXEC);
	CHECK_CONTAINS(err, "64-bit entry");

	make_image(img);
	CHECK_EQ(mv_bzimage_parse(img, SETUP_SIZE, &bz, err, sizeof(err)),
		 -ENOEXEC);
	CHECK_CONTAINS(err, "truncated");
	CHECK_EQ(mv_bzimage_parse(img, 0x100, &bz, err, sizeof(err)),
		 -ENOEXEC);

	make_image(img);
	p32(img, 0x230, 0x300000);
	CHECK_EQ(mv_bzimage_parse(img, IMG_SIZE, &bz, err, sizeof(err)),
		 -ENOEXEC);
	CHECK_CONTAINS(err, "power of two");
}

TEST(bzimage_load_addr_alignment)
{
	struct mv_bzimage bz = { .kernel_alignment = 0x200000 };

	bz.pref_address = 0;
	CHECK_EQ(mv_bzimage_load_addr(&bz), MV_LINUX_KERNEL_MIN);
	bz.pref_address = 0x100000;	/* below our minimum */
	CHECK_EQ(mv_bzimage_load_addr(&bz), MV_LINUX_KERNEL_MIN);
	bz.pref_address = 0x1100000;
	CHECK_EQ(mv_bzimage_load_addr(&bz), 0x1200000);
}

TEST(bzimage_e820)
{
	struct mv_e820_entry e[MV_E820_MAX];
	unsigned int n = mv_e820_build(128ULL << 20, e, MV_E820_MAX);

	CHECK_EQ(n, 3);
	CHECK_EQ(e[0].addr, 0);
	CHECK_EQ(e[0].size, MV_E820_LOW_END);
	CHECK_EQ(e[0].type, MV_E820_RAM);
	CHECK_EQ(e[1].addr, MV_E820_LOW_END);
	CHECK_EQ(e[1].addr + e[1].size, 0x100000);
	CHECK_EQ(e[1].type, MV_E820_RESERVED);
	CHECK_EQ(e[2].addr, 0x100000);
	CHECK_EQ(e[2].addr + e[2].size, 128ULL << 20);
	CHECK_EQ(e[2].type, MV_E820_RAM);
	/* Never more than the caller has room for. */
	CHECK_EQ(mv_e820_build(128ULL << 20, e, 2), 2);
}

TEST(bzimage_load)
{
	static uint8_t img[IMG_SIZE];
	static const uint8_t initrd[5000] = { 0x1f, 0x8b, [4999] = 0x42 };
	uint8_t *mem = calloc(1, MEM);
	struct mv_linux_args a = { .cmdline = "console=ttyS0 quiet" };
	struct mv_regs regs;
	struct mv_sregs sregs;
	char *kpath, *ipath, err[512];
	const uint8_t *zp;
	uint64_t rd, code;

	CHECK(mem != NULL);
	if (!mem)
		return;
	make_image(img);
	kpath = write_tmp(img, IMG_SIZE);
	ipath = write_tmp(initrd, sizeof(initrd));
	a.kernel = kpath;
	a.initrd = ipath;
	CHECK_EQ(mv_load_linux(&a, mem, MEM, &regs, &sregs, err, sizeof(err)),
		 0);

	/* The protected-mode kernel at 16 MiB, entered at + 0x200. */
	CHECK(!memcmp(mem + 0x1000000, img + SETUP_SIZE, PAYLOAD));
	CHECK_EQ(regs.rip, 0x1000200);
	CHECK_EQ(regs.rsi, MV_LINUX_ZERO_PAGE);
	CHECK_EQ(regs.rflags, 2);	/* interrupts off */

	zp = mem + MV_LINUX_ZERO_PAGE;
	CHECK_EQ(g32(zp, 0x202), 0x53726448);	/* header copied */
	CHECK_EQ(zp[0x210], 0xff);		/* type_of_loader */
	CHECK_EQ(g32(zp, 0x228), MV_LINUX_CMDLINE);
	CHECK_STREQ((const char *)mem + MV_LINUX_CMDLINE,
		    "console=ttyS0 quiet");
	CHECK_EQ(zp[0x1e8], 3);			/* e820 entries */
	CHECK_EQ(g64(zp, 0x2d0 + 2 * 20), 0x100000);
	CHECK_EQ(g64(zp, 0x2d0 + 2 * 20 + 8), MEM - 0x100000);
	CHECK_EQ(g32(zp, 0x2d0 + 2 * 20 + 16), MV_E820_RAM);

	/* The initrd at the top of RAM, page-aligned, above the kernel. */
	rd = g32(zp, 0x218) | (uint64_t)g32(zp, 0x0c0) << 32;
	CHECK_EQ(g32(zp, 0x21c), sizeof(initrd));
	CHECK_EQ(rd & 0xfff, 0);
	CHECK(rd >= 0x1000000 + 0x100000);
	CHECK(rd + sizeof(initrd) <= MEM);
	CHECK(!memcmp(mem + rd, initrd, sizeof(initrd)));

	/* __BOOT_CS / __BOOT_DS in a GDT that matches the sregs. */
	CHECK_EQ(sregs.cs.selector, 0x10);
	CHECK_EQ(sregs.ds.selector, 0x18);
	CHECK_EQ(sregs.ss.selector, 0x18);
	CHECK_EQ(sregs.gdt.base, MV_GDT_ADDR);
	CHECK_EQ(sregs.gdt.limit, 31);
	memcpy(&code, mem + MV_GDT_ADDR + 0x10, 8);
	CHECK_EQ(code, mv_gdt_entry(&sregs.cs));
	CHECK(code & (1ULL << 53));		/* L: 64-bit code */
	CHECK(sregs.efer & MV_EFER_LMA);
	CHECK(sregs.cr0 & MV_CR0_PG);

	unlink(kpath);
	unlink(ipath);
	free(kpath);
	free(ipath);
	free(mem);
}

TEST(bzimage_load_errors)
{
	static uint8_t img[IMG_SIZE];
	uint8_t *mem = calloc(1, MEM);
	struct mv_linux_args a = { 0 };
	struct mv_regs regs;
	struct mv_sregs sregs;
	char *kpath, err[512], longcmd[3000];

	CHECK(mem != NULL);
	if (!mem)
		return;
	make_image(img);
	kpath = write_tmp(img, IMG_SIZE);

	a.kernel = "/nonexistent/vmlinuz";
	CHECK_EQ(mv_load_linux(&a, mem, MEM, &regs, &sregs, err, sizeof(err)),
		 -ENOENT);
	CHECK_CONTAINS(err, "/nonexistent/vmlinuz");

	a.kernel = kpath;
	memset(longcmd, 'x', sizeof(longcmd) - 1);
	longcmd[sizeof(longcmd) - 1] = 0;
	a.cmdline = longcmd;
	CHECK_EQ(mv_load_linux(&a, mem, MEM, &regs, &sregs, err, sizeof(err)),
		 -E2BIG);
	CHECK_CONTAINS(err, "at most 2047");

	/* 16 MiB + 1 MiB init_size does not fit in 16 MiB of RAM. */
	a.cmdline = NULL;
	CHECK_EQ(mv_load_linux(&a, mem, 16ULL << 20, &regs, &sregs, err,
			       sizeof(err)), -EFBIG);
	CHECK_CONTAINS(err, "--mem");

	/* An initrd larger than what is left above the kernel. */
	a.initrd = kpath;
	CHECK_EQ(mv_load_linux(&a, mem, 0x1100000 + 0x1000, &regs, &sregs,
			       err, sizeof(err)), -EFBIG);
	CHECK_CONTAINS(err, "initrd");

	unlink(kpath);
	free(kpath);
	free(mem);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Linux bzImage loader; bzimage.h has the layout. Field offsets are those
 * of struct boot_params and struct setup_header in the kernel's
 * arch/x86/include/uapi/asm/bootparam.h (the boot protocol's ABI).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bzimage.h"
#include "loader.h"

/* struct setup_header, at its offsets in the image and the zero page. */
#define HDR_SETUP_SECTS		0x1f1
#define HDR_BOOT_FLAG		0x1fe
#define HDR_JUMP		0x200
#define HDR_MAGIC		0x202
#define HDR_VERSION		0x206
#define HDR_TYPE_OF_LOADER	0x210
#define HDR_RAMDISK_IMAGE	0x218
#define HDR_RAMDISK_SIZE	0x21c
#define HDR_CMD_LINE_PTR	0x228
#define HDR_INITRD_ADDR_MAX	0x22c
#define HDR_KERNEL_ALIGNMENT	0x230
#define HDR_XLOADFLAGS		0x236
#define HDR_CMDLINE_SIZE	0x238
#define HDR_PREF_ADDRESS	0x258
#define HDR_INIT_SIZE		0x260
#define HDR_MIN_END		0x264	/* through init_size (protocol 2.10) */
#define HDR_MAX_END		0x290	/* struct boot_params gives it this much */

/* struct boot_params outside the setup header. */
#define BP_EXT_RAMDISK_IMAGE	0x0c0
#define BP_EXT_RAMDISK_SIZE	0x0c4
#define BP_EXT_CMD_LINE_PTR	0x0c8
#define BP_E820_ENTRIES		0x1e8
#define BP_E820_TABLE		0x2d0
#define BP_SIZE			0x1000

#define BOOT_FLAG		0xaa55
#define HDR_SIGNATURE		0x53726448	/* "HdrS" */
#define XLF_KERNEL_64		(1u << 0)
#define MIN_VERSION		0x020c		/* xloadflags, 64-bit entry */
#define ENTRY_64_OFFSET		0x200
#define LOADER_UNDEFINED	0xff		/* type_of_loader */
#define PAGE			0x1000ULL
/* The protocol's default when initrd_addr_max is 0 (before 2.03). */
#define INITRD_ADDR_MAX_OLD	0x37ffffff

static uint16_t get16(const uint8_t *p, size_t off)
{
	return (uint16_t)(p[off] | p[off + 1] << 8);
}

static uint32_t get32(const uint8_t *p, size_t off)
{
	uint32_t v;

	memcpy(&v, p + off, sizeof(v));
	return v;
}

static uint64_t get64(const uint8_t *p, size_t off)
{
	uint64_t v;

	memcpy(&v, p + off, sizeof(v));
	return v;
}

static void put32(uint8_t *p, size_t off, uint32_t v)
{
	memcpy(p + off, &v, sizeof(v));
}

static void put64(uint8_t *p, size_t off, uint64_t v)
{
	memcpy(p + off, &v, sizeof(v));
}

int mv_bzimage_parse(const uint8_t *img, size_t len, struct mv_bzimage *bz,
		     char *err, size_t errlen)
{
	unsigned int sects;

	memset(bz, 0, sizeof(*bz));
	if (len < HDR_MIN_END || get32(img, HDR_MAGIC) != HDR_SIGNATURE ||
	    get16(img, HDR_BOOT_FLAG) != BOOT_FLAG) {
		snprintf(err, errlen, "not a Linux bzImage (no \"HdrS\" boot header at offset 0x%x): pass a bzImage such as /boot/vmlinuz-*, not a vmlinux ELF or a compressed file",
			 HDR_MAGIC);
		return -ENOEXEC;
	}
	bz->version = get16(img, HDR_VERSION);
	if (bz->version < MIN_VERSION) {
		snprintf(err, errlen, "boot protocol %u.%02u is too old: the 64-bit entry needs 2.12 (Linux 3.8 or later)",
			 bz->version >> 8, bz->version & 0xff);
		return -ENOEXEC;
	}
	bz->xloadflags = get16(img, HDR_XLOADFLAGS);
	if (!(bz->xloadflags & XLF_KERNEL_64)) {
		snprintf(err, errlen, "the kernel has no 64-bit entry point (XLF_KERNEL_64 clear in xloadflags): use an x86-64 kernel");
		return -ENOEXEC;
	}
	/* The setup header ends at 0x202 + the jump's displacement byte. */
	bz->hdr_end = HDR_JUMP + 2 + img[HDR_JUMP + 1];
	if (bz->hdr_end < HDR_MIN_END || bz->hdr_end > HDR_MAX_END)
		bz->hdr_end = bz->hdr_end < HDR_MIN_END ? HDR_MIN_END :
			      HDR_MAX_END;
	sects = img[HDR_SETUP_SECTS] ? img[HDR_SETUP_SECTS] : 4;
	bz->setup_size = (uint64_t)(sects + 1) * 512;
	if (bz->setup_size >= len) {
		snprintf(err, errlen, "truncated bzImage: %zu bytes, but the setup code alone takes %llu",
			 len, (unsigned long long)bz->setup_size);
		return -ENOEXEC;
	}
	bz->kernel_alignment = get32(img, HDR_KERNEL_ALIGNMENT);
	bz->init_size = get32(img, HDR_INIT_SIZE);
	bz->cmdline_size = get32(img, HDR_CMDLINE_SIZE);
	bz->initrd_addr_max = get32(img, HDR_INITRD_ADDR_MAX);
	if (!bz->initrd_addr_max)
		bz->initrd_addr_max = INITRD_ADDR_MAX_OLD;
	bz->pref_address = get64(img, HDR_PREF_ADDRESS);
	if (bz->kernel_alignment & (bz->kernel_alignment - 1)) {
		snprintf(err, errlen, "bad bzImage: kernel_alignment 0x%x is not a power of two",
			 bz->kernel_alignment);
		return -ENOEXEC;
	}
	return 0;
}

uint64_t mv_bzimage_load_addr(const struct mv_bzimage *bz)
{
	uint64_t align = bz->kernel_alignment ? bz->kernel_alignment : PAGE;
	uint64_t addr = bz->pref_address >= MV_LINUX_KERNEL_MIN ?
			bz->pref_address : MV_LINUX_KERNEL_MIN;

	return (addr + align - 1) & ~(align - 1);
}

unsigned int mv_e820_build(uint64_t mem_size, struct mv_e820_entry *e,
			   unsigned int max)
{
	const struct mv_e820_entry map[] = {
		{ 0, MV_E820_LOW_END, MV_E820_RAM },
		/* Where a PC has its EBDA, video memory and BIOS. */
		{ MV_E820_LOW_END, 0x100000 - MV_E820_LOW_END,
		  MV_E820_RESERVED },
		{ 0x100000, mem_size - 0x100000, MV_E820_RAM },
	};
	unsigned int i, n = 0;

	for (i = 0; i < sizeof(map) / sizeof(map[0]) && n < max; i++)
		if (map[i].size && map[i].addr < mem_size)
			e[n++] = map[i];
	return n;
}

/* Reads all of @path into a new buffer; 0 or -errno with @err set. */
static int slurp(const char *path, const char *what, uint8_t **buf,
		 size_t *len, char *err, size_t errlen)
{
	struct stat st;
	ssize_t got;
	size_t off = 0;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "cannot open %s %s: %s", what, path,
			 strerror(errno));
		return -errno;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_size <= 0) {
		snprintf(err, errlen, "%s %s is not a non-empty regular file",
			 what, path);
		close(fd);
		return -EINVAL;
	}
	*len = (size_t)st.st_size;
	*buf = malloc(*len);
	if (!*buf) {
		close(fd);
		snprintf(err, errlen, "out of memory reading %s %s", what, path);
		return -ENOMEM;
	}
	while (off < *len) {
		got = read(fd, *buf + off, *len - off);
		if (got <= 0) {
			snprintf(err, errlen, "cannot read %s %s: %s", what,
				 path, got ? strerror(errno) : "file shrank");
			free(*buf);
			close(fd);
			return got ? -errno : -EIO;
		}
		off += (size_t)got;
	}
	close(fd);
	return 0;
}

/* The GDT the 64-bit boot protocol asks for. */
static void build_linux_gdt(uint8_t *mem, struct mv_sregs *s)
{
	uint64_t gdt[4] = { 0, 0, mv_gdt_entry(&s->cs), mv_gdt_entry(&s->ds) };

	memcpy(mem + MV_GDT_ADDR, gdt, sizeof(gdt));
	s->gdt.base = MV_GDT_ADDR;
	s->gdt.limit = sizeof(gdt) - 1;
}

static int place_initrd(const struct mv_linux_args *a,
			const struct mv_bzimage *bz, uint64_t kernel_end,
			uint8_t *mem, uint64_t mem_size, uint8_t *zp,
			char *err, size_t errlen)
{
	uint64_t top = mem_size, addr;
	uint8_t *buf;
	size_t len;
	int ret;

	ret = slurp(a->initrd, "initrd", &buf, &len, err, errlen);
	if (ret)
		return ret;
	if ((uint64_t)bz->initrd_addr_max + 1 < top)
		top = (uint64_t)bz->initrd_addr_max + 1;
	addr = top > len ? (top - len) & ~(PAGE - 1) : 0;
	if (addr < kernel_end) {
		snprintf(err, errlen, "initrd %s (%zu bytes) does not fit between the kernel's end (0x%llx) and the top of guest memory (0x%llx): use a larger --mem",
			 a->initrd, len, (unsigned long long)kernel_end,
			 (unsigned long long)top);
		free(buf);
		return -EFBIG;
	}
	memcpy(mem + addr, buf, len);
	free(buf);
	put32(zp, HDR_RAMDISK_IMAGE, (uint32_t)addr);
	put32(zp, HDR_RAMDISK_SIZE, (uint32_t)len);
	put32(zp, BP_EXT_RAMDISK_IMAGE, (uint32_t)(addr >> 32));
	put32(zp, BP_EXT_RAMDISK_SIZE, (uint32_t)((uint64_t)len >> 32));
	return 0;
}

int mv_load_linux(const struct mv_linux_args *a, void *guest_mem,
		  uint64_t mem_size, struct mv_regs *regs,
		  struct mv_sregs *sregs, char *err, size_t errlen)
{
	const char *cmdline = a->cmdline ? a->cmdline : MV_LINUX_DEFAULT_CMDLINE;
	struct mv_e820_entry e820[MV_E820_MAX];
	uint8_t *mem = guest_mem, *zp, *img;
	uint64_t load, kernel_len, kernel_end;
	struct mv_bzimage bz;
	char why[384];
	unsigned int i, n;
	size_t len;
	int ret;

	ret = slurp(a->kernel, "kernel", &img, &len, err, errlen);
	if (ret)
		return ret;
	ret = mv_bzimage_parse(img, len, &bz, why, sizeof(why));
	if (ret) {
		snprintf(err, errlen, "kernel %s: %s", a->kernel, why);
		goto out;
	}
	if (strlen(cmdline) > bz.cmdline_size ||
	    strlen(cmdline) >= MV_LINUX_CMDLINE_MAX) {
		snprintf(err, errlen, "the command line is %zu bytes; this kernel takes at most %u: shorten --cmdline",
			 strlen(cmdline), bz.cmdline_size);
		ret = -E2BIG;
		goto out;
	}
	load = mv_bzimage_load_addr(&bz);
	kernel_len = len - bz.setup_size;
	kernel_end = load + (bz.init_size > kernel_len ? bz.init_size :
			     kernel_len);
	if (kernel_end > mem_size) {
		snprintf(err, errlen, "kernel %s needs guest memory up to 0x%llx (loaded at 0x%llx, init_size 0x%x) but there are only %llu MiB: use a larger --mem",
			 a->kernel, (unsigned long long)kernel_end,
			 (unsigned long long)load, bz.init_size,
			 (unsigned long long)(mem_size >> 20));
		ret = -EFBIG;
		goto out;
	}
	memcpy(mem + load, img + bz.setup_size, kernel_len);

	/* The zero page: the image's setup header plus what we add. */
	zp = mem + MV_LINUX_ZERO_PAGE;
	memset(zp, 0, BP_SIZE);
	memcpy(zp + HDR_SETUP_SECTS, img + HDR_SETUP_SECTS,
	       bz.hdr_end - HDR_SETUP_SECTS);
	zp[HDR_TYPE_OF_LOADER] = LOADER_UNDEFINED;
	memcpy(mem + MV_LINUX_CMDLINE, cmdline, strlen(cmdline) + 1);
	put32(zp, HDR_CMD_LINE_PTR, (uint32_t)MV_LINUX_CMDLINE);
	put32(zp, BP_EXT_CMD_LINE_PTR, 0);
	n = mv_e820_build(mem_size, e820, MV_E820_MAX);
	zp[BP_E820_ENTRIES] = (uint8_t)n;
	for (i = 0; i < n; i++) {
		/* struct boot_e820_entry: packed, 20 bytes. */
		put64(zp, BP_E820_TABLE + i * 20, e820[i].addr);
		put64(zp, BP_E820_TABLE + i * 20 + 8, e820[i].size);
		put32(zp, BP_E820_TABLE + i * 20 + 16, e820[i].type);
	}
	if (a->initrd) {
		ret = place_initrd(a, &bz, kernel_end, mem, mem_size, zp, err,
				   errlen);
		if (ret)
			goto out;
	}

	/* Long mode as for a flat guest, with the protocol's selectors. */
	mv_build_page_tables(mem);
	mv_entry_regs(MV_ENTRY_LONG, regs);
	mv_entry_sregs(MV_ENTRY_LONG, sregs);
	sregs->cs.selector = MV_LINUX_SEL_CS;
	sregs->ds.selector = MV_LINUX_SEL_DS;
	sregs->es = sregs->fs = sregs->gs = sregs->ss = sregs->ds;
	build_linux_gdt(mem, sregs);
	regs->rip = load + ENTRY_64_OFFSET;
	regs->rsi = MV_LINUX_ZERO_PAGE;
	/* Any stack will do: the kernel's first instructions set its own. */
	regs->rsp = MV_LINUX_ZERO_PAGE;
	ret = 0;
out:
	free(img);
	return ret;
}

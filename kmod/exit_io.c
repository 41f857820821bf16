// SPDX-License-Identifier: GPL-2.0
/*
 * Port I/O exits, forwarded to userspace through the run page.
 *
 * OUT/OUTS complete before RUN returns (the data is in the run page); IN
 * and INS complete on the next RUN, once userspace has filled the data.
 * A REP string instruction is split into chunks that fit the data area:
 * the guest's RCX/RSI/RDI are advanced per chunk and RIP only after the
 * last one, so the guest re-executes the instruction for the rest, which
 * is what the CPU itself does when a REP string instruction is
 * interrupted (SDM Vol. 2B "REP/REPE/REPZ/REPNE/REPNZ").
 */
#include <linux/kernel.h>
#include <linux/string.h>
#include <asm/processor-flags.h>
#include "caps.h"
#include "exit.h"
#include "guest_mem.h"
#include "mv.h"
#include "vmcs.h"

/* Exit qualification for I/O instructions, SDM Vol. 3C Table 28-5. */
#define IOQ_SIZE(q)		(((q) & 7) + 1)
#define IOQ_IN			BIT(3)
#define IOQ_STRING		BIT(4)
#define IOQ_REP			BIT(5)
#define IOQ_PORT(q)		((q) >> 16 & 0xffff)

/* VM-exit instruction information for INS/OUTS, SDM Vol. 3C Table 28-8. */
#define IOINFO_ADDR_SIZE(i)	(((i) >> 7) & 7)	/* 0: 16, 1: 32, 2: 64 */
#define IOINFO_SEG(i)		(((i) >> 15) & 7)

static const u32 seg_base_field[] = {
	GUEST_ES_BASE, GUEST_CS_BASE, GUEST_SS_BASE,
	GUEST_DS_BASE, GUEST_FS_BASE, GUEST_GS_BASE,
};

static inline u64 addr_mask(u8 addr_size)
{
	return addr_size == 8 ? ~0ULL : (1ULL << (addr_size * 8)) - 1;
}

/* Replace the low @size bytes of @reg, as a 16- or 32-bit update would. */
static void update_index_reg(unsigned long *reg, u64 val, u8 addr_size)
{
	u64 mask = addr_mask(addr_size);

	/* 32-bit results zero-extend in 64-bit mode; 16-bit ones merge. */
	if (addr_size == 4)
		*reg = val & mask;
	else
		*reg = (*reg & ~mask) | (val & mask);
}

static void fill_io_exit(struct mv_vcpu *vcpu, u8 dir, u8 size, u16 port,
			 u32 count)
{
	struct mv_run *run = vcpu->run;

	run->exit_reason = MV_EXIT_IO;
	run->io.direction = dir;
	run->io.size = size;
	run->io.port = port;
	run->io.count = count;
	run->io.data_offset = MV_RUN_IO_DATA_OFFSET;
	run->io.reserved = 0;
}

static u8 *io_data(struct mv_vcpu *vcpu)
{
	return (u8 *)vcpu->run + MV_RUN_IO_DATA_OFFSET;
}

/*
 * Number of items this chunk of a string instruction moves: all of RCX
 * (masked to the address size) for REP, else one, capped by the data area.
 */
static u32 string_count(struct mv_vcpu *vcpu, bool rep, u8 addr_size, u8 size)
{
	u64 count = rep ? vcpu->gprs[MV_RCX] & addr_mask(addr_size) : 1;

	return min_t(u64, count, MV_RUN_IO_DATA_MAX / size);
}

/* Move string items between guest memory at @base + @index and @buf. */
static int string_copy(struct mv_vcpu *vcpu, u64 seg_base, unsigned long *index,
		       u8 addr_size, u8 size, u32 count, u8 *buf, bool to_guest)
{
	bool down = vmcs_readl(GUEST_RFLAGS) & X86_EFLAGS_DF;
	u64 idx = *index & addr_mask(addr_size);
	u32 i;
	int ret;

	for (i = 0; i < count; i++) {
		u64 gla = seg_base + idx;

		if (addr_size != 8)
			gla &= 0xffffffff;
		ret = to_guest ?
		      mv_guest_linear_write(vcpu, gla, buf + i * size, size) :
		      mv_guest_linear_read(vcpu, gla, buf + i * size, size);
		if (ret)
			return ret;
		idx += down ? -(u64)size : size;
	}
	update_index_reg(index, idx, addr_size);
	return 0;
}

static int string_io_fault(struct mv_vcpu *vcpu, u64 qual)
{
	u64 data[2] = { qual, vmcs_readl(GUEST_RIP) };

	mv_internal_error(vcpu, MV_INTERNAL_STRING_IO, data, ARRAY_SIZE(data));
	return 0;
}

/* Finish a string instruction chunk: RCX down, RIP on if done. */
static void string_chunk_done(struct mv_vcpu *vcpu, bool rep, u8 addr_size,
			      u32 count)
{
	if (rep) {
		u64 left = (vcpu->gprs[MV_RCX] & addr_mask(addr_size)) - count;

		update_index_reg(&vcpu->gprs[MV_RCX], left, addr_size);
		if (left)
			return;
	}
	mv_vcpu_advance_rip(vcpu);
}

int mv_handle_io(struct mv_vcpu *vcpu)
{
	u64 qual = vmcs_readl(EXIT_QUALIFICATION);
	u8 size = IOQ_SIZE(qual);
	u16 port = IOQ_PORT(qual);
	bool in = qual & IOQ_IN;
	bool rep = qual & IOQ_REP;
	u32 info, count;
	u8 addr_size;
	u64 seg_base;

	if (!(qual & IOQ_STRING)) {
		if (in) {
			vcpu->pending = MV_PENDING_PIO_IN;
			vcpu->pio = (struct mv_pending_pio){ .size = size,
							     .count = 1 };
			fill_io_exit(vcpu, MV_IO_IN, size, port, 1);
			return 0;
		}
		memcpy(io_data(vcpu), &vcpu->gprs[MV_RAX], size);
		fill_io_exit(vcpu, MV_IO_OUT, size, port, 1);
		mv_vcpu_advance_rip(vcpu);
		return 0;
	}

	/* INS/OUTS need the address size and segment from the exit. */
	if (!mv_has_insouts_info())
		return string_io_fault(vcpu, qual);
	info = vmcs_read32(VMX_INSTRUCTION_INFO);
	addr_size = 2 << IOINFO_ADDR_SIZE(info);
	if (addr_size > 8)
		return string_io_fault(vcpu, qual);
	count = string_count(vcpu, rep, addr_size, size);
	if (!count) {
		/* REP with RCX = 0 does nothing. */
		mv_vcpu_advance_rip(vcpu);
		return 1;
	}

	if (in) {
		vcpu->pending = MV_PENDING_PIO_IN;
		vcpu->pio = (struct mv_pending_pio){
			.size = size, .string = true, .rep = rep,
			.addr_size = addr_size, .count = count,
		};
		fill_io_exit(vcpu, MV_IO_IN, size, port, count);
		return 0;
	}

	/* OUTS reads DS:rSI, or the override the exit reports. */
	seg_base = vmcs_readl(seg_base_field[min_t(u32, IOINFO_SEG(info), 5)]);
	if (string_copy(vcpu, seg_base, &vcpu->gprs[MV_RSI], addr_size, size,
			count, io_data(vcpu), false))
		return string_io_fault(vcpu, qual);
	fill_io_exit(vcpu, MV_IO_OUT, size, port, count);
	string_chunk_done(vcpu, rep, addr_size, count);
	return 0;
}

int mv_complete_pio_in(struct mv_vcpu *vcpu)
{
	struct mv_pending_pio *pio = &vcpu->pio;
	u8 *data = io_data(vcpu);

	vcpu->pending = MV_PENDING_NONE;
	if (!pio->string) {
		unsigned long *rax = &vcpu->gprs[MV_RAX];
		u64 val = 0;

		/* IN to EAX zero-extends like any 32-bit write; AL/AX merge. */
		memcpy(&val, data, pio->size);
		if (pio->size == 4)
			*rax = val;
		else
			*rax = (*rax & ~((1UL << (pio->size * 8)) - 1)) | val;
		mv_vcpu_advance_rip(vcpu);
		return 1;
	}

	/* INS always stores to ES:rDI (SDM Vol. 2A "INS/INSB/INSW/INSD"). */
	if (string_copy(vcpu, vmcs_readl(GUEST_ES_BASE), &vcpu->gprs[MV_RDI],
			pio->addr_size, pio->size, pio->count, data, true))
		return string_io_fault(vcpu, vmcs_readl(EXIT_QUALIFICATION));
	string_chunk_done(vcpu, pio->rep, pio->addr_size, pio->count);
	return 1;
}

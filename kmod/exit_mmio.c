// SPDX-License-Identifier: GPL-2.0
/*
 * EPT violations on guest-physical addresses outside every slot (or
 * stores to a read-only slot) are MMIO: the faulting instruction is
 * fetched and decoded (insn_decode.c) and forwarded to userspace as
 * MV_EXIT_MMIO exits, each one access of the instruction:
 *
 *   store (MOV, STOS, MOVS to MMIO)   one write exit; the instruction is
 *                                     complete when RUN returns
 *   load (MOV, MOVZX, MOVSX(D),       one read exit (vcpu->pending =
 *   ALU reg, mem; MOVS from MMIO)     MV_PENDING_MMIO_READ); the next
 *                                     RUN finishes the instruction
 *   CMP/TEST with memory              a read exit; the next RUN sets the
 *                                     flags and goes on with the guest
 *   read-modify-write (ALU mem, reg   a read exit; the next RUN computes
 *   or imm; XCHG)                     the result and the flags and returns
 *                                     at once with the write exit, the
 *                                     instruction then complete
 *
 * So the per-vCPU state is only the decoded instruction and its address
 * between the read exit and the next RUN; a write never waits for
 * userspace, as the ABI says a write exit is a completed instruction.
 *
 * STOS and MOVS move one element per exit (an exit carries at most 8
 * bytes, and merging elements would change the accesses a device sees).
 * With REP, rSI/rDI/rCX advance per element and RIP only once rCX
 * reaches 0: the guest re-executes the instruction for the rest, as after
 * an interrupted REP (SDM Vol. 2B "REP/REPE/REPZ/REPNE/REPNZ"). The RAM
 * side of MOVS goes through the guest's page tables; a MOVS from MMIO to
 * MMIO is not emulated (the RAM access fails: emulation failure).
 */
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/string.h>
#include <asm/msr-index.h>
#include <asm/processor-flags.h>
#include "exit.h"
#include "guest_mem.h"
#include "insn_emulate.h"
#include "mv.h"
#include "vmcs.h"

/* EPT-violation exit qualification, SDM Vol. 3C Table 28-7. */
#define EPTQ_READ		BIT(0)
#define EPTQ_WRITE		BIT(1)
#define EPTQ_FETCH		BIT(2)
#define EPTQ_GLA_VALID		BIT(7)
#define EPTQ_GLA_TRANSLATED	BIT(8)	/* 0: a paging-structure access */
#define EPTQ_NMI_UNBLOCK	BIT(12)

#define CS_AR_L			BIT(13)
#define CS_AR_DB		BIT(14)

static enum mv_insn_mode guest_insn_mode(void)
{
	u32 ar = vmcs_read32(GUEST_CS_AR_BYTES);

	if ((vmcs_read64(GUEST_IA32_EFER) & EFER_LMA) && (ar & CS_AR_L))
		return MV_INSN_MODE_64;
	return (ar & CS_AR_DB) ? MV_INSN_MODE_32 : MV_INSN_MODE_16;
}

/* Fetch up to MV_INSN_MAX_LEN bytes at CS:RIP; returns how many. */
static unsigned int fetch_insn(struct mv_vcpu *vcpu, enum mv_insn_mode mode,
			       u8 *buf)
{
	u64 gla = vmcs_readl(GUEST_CS_BASE) + vmcs_readl(GUEST_RIP);
	unsigned int got = 0;

	if (mode != MV_INSN_MODE_64)
		gla &= 0xffffffff;
	/* Page by page: the instruction may end before an unmapped page. */
	while (got < MV_INSN_MAX_LEN) {
		unsigned int chunk = min_t(unsigned int, MV_INSN_MAX_LEN - got,
					   PAGE_SIZE - offset_in_page(gla + got));

		if (mv_guest_linear_read(vcpu, gla + got, buf + got, chunk))
			break;
		got += chunk;
	}
	return got;
}

static int emulation_failure(struct mv_vcpu *vcpu, u64 gpa, const u8 *bytes,
			     unsigned int len)
{
	u64 data[5] = { gpa, vmcs_readl(GUEST_RIP), len, 0, 0 };

	if (len)
		memcpy(&data[3], bytes, min_t(unsigned int, len, 16));
	mv_internal_error(vcpu, MV_INTERNAL_EMULATION, data, ARRAY_SIZE(data));
	return 0;
}

static unsigned long get_gpr(struct mv_vcpu *vcpu, u8 reg)
{
	return reg == MV_RSP ? vmcs_readl(GUEST_RSP) : vcpu->gprs[reg];
}

static void set_gpr(struct mv_vcpu *vcpu, u8 reg, unsigned long val)
{
	if (reg == MV_RSP)
		vmcs_writel(GUEST_RSP, val);
	else
		vcpu->gprs[reg] = val;
}

/* The instruction's register operand, at its size. */
static u64 reg_operand(struct mv_vcpu *vcpu, const struct mv_insn *insn)
{
	return mv_reg_get(get_gpr(vcpu, insn->reg), insn->reg_size,
			  insn->high8);
}

static void set_reg_operand(struct mv_vcpu *vcpu, const struct mv_insn *insn,
			    u64 val)
{
	set_gpr(vcpu, insn->reg, mv_reg_put(get_gpr(vcpu, insn->reg), val,
					    insn->reg_size, insn->high8));
}

static void mmio_exit(struct mv_vcpu *vcpu, u64 gpa, unsigned int len,
		      bool is_write, u64 val)
{
	struct mv_run *run = vcpu->run;

	run->exit_reason = MV_EXIT_MMIO;
	run->mmio.phys_addr = gpa;
	run->mmio.len = len;
	run->mmio.is_write = is_write;
	memset(run->mmio.reserved, 0, sizeof(run->mmio.reserved));
	memset(run->mmio.data, 0, sizeof(run->mmio.data));
	if (is_write)
		memcpy(run->mmio.data, &val, len);
}

/* Forward a read; the next RUN finishes the instruction. */
static int mmio_read_exit(struct mv_vcpu *vcpu, u64 gpa)
{
	mmio_exit(vcpu, gpa, vcpu->mmio_insn.size, false, 0);
	vcpu->mmio_gpa = gpa;
	vcpu->pending = MV_PENDING_MMIO_READ;
	return 0;
}

/*
 * Linear address of a string operand: the segment base (only FS and GS
 * have one in 64-bit mode, SDM Vol. 3A 3.4.4) plus the index register at
 * the address size; outside 64-bit mode it wraps at 4 GiB.
 */
static u64 string_gla(struct mv_vcpu *vcpu, const struct mv_insn *insn,
		      u8 seg, u8 index, enum mv_insn_mode mode)
{
	static const u32 seg_base_field[] = {
		[MV_SEG_ES] = GUEST_ES_BASE, [MV_SEG_CS] = GUEST_CS_BASE,
		[MV_SEG_SS] = GUEST_SS_BASE, [MV_SEG_DS] = GUEST_DS_BASE,
		[MV_SEG_FS] = GUEST_FS_BASE, [MV_SEG_GS] = GUEST_GS_BASE,
	};
	u64 base = 0, gla;

	if (mode != MV_INSN_MODE_64 || seg == MV_SEG_FS || seg == MV_SEG_GS)
		base = vmcs_readl(seg_base_field[seg]);
	gla = base + (vcpu->gprs[index] & mv_size_mask(insn->addr_size));
	return mode == MV_INSN_MODE_64 ? gla : gla & 0xffffffff;
}

/*
 * One element of STOS/MOVS is done: step rDI (and rSI) by the element
 * size, down if RFLAGS.DF; with REP count rCX down and leave RIP on the
 * instruction until rCX is 0 (SDM Vol. 2B "STOS", "MOVS", "REP").
 */
static void string_element_done(struct mv_vcpu *vcpu,
				const struct mv_insn *insn)
{
	bool down = vmcs_readl(GUEST_RFLAGS) & X86_EFLAGS_DF;
	s64 delta = down ? -(s64)insn->size : insn->size;
	unsigned long *rcx = &vcpu->gprs[MV_RCX];

	vcpu->gprs[MV_RDI] = mv_index_add(vcpu->gprs[MV_RDI], delta,
					  insn->addr_size);
	if (insn->op == MV_INSN_MOVS)
		vcpu->gprs[MV_RSI] = mv_index_add(vcpu->gprs[MV_RSI], delta,
						  insn->addr_size);
	if (insn->rep) {
		*rcx = mv_index_add(*rcx, -1, insn->addr_size);
		if (*rcx & mv_size_mask(insn->addr_size))
			return;
	}
	mv_vcpu_skip_insn(vcpu, insn->len);
}

static int handle_string(struct mv_vcpu *vcpu, u64 gpa, u64 qual,
			 enum mv_insn_mode mode)
{
	const struct mv_insn *insn = &vcpu->mmio_insn;
	u64 val = 0;

	/* A REP with rCX = 0 accesses nothing, so it cannot fault here. */
	if (insn->rep &&
	    !(vcpu->gprs[MV_RCX] & mv_size_mask(insn->addr_size)))
		return -EIO;

	if (insn->op == MV_INSN_STOS) {
		if (!(qual & EPTQ_WRITE))
			return -EIO;
		val = mv_reg_get(vcpu->gprs[MV_RAX], insn->size, false);
	} else if (qual & EPTQ_WRITE) {
		/* MOVS from RAM to MMIO: the source read already succeeded. */
		u64 src = string_gla(vcpu, insn, insn->seg, MV_RSI, mode);

		if (mv_guest_linear_read(vcpu, src, &val, insn->size))
			return -EIO;
	} else {
		/* MOVS from MMIO; the next RUN stores to ES:rDI. */
		return mmio_read_exit(vcpu, gpa);
	}
	mmio_exit(vcpu, gpa, insn->size, true, val);
	string_element_done(vcpu, insn);
	return 0;
}

/* Does an access reported as @qual fit what @insn does first? */
static bool access_matches(const struct mv_insn *insn, u64 qual)
{
	switch (insn->op) {
	case MV_INSN_STORE_REG:
	case MV_INSN_STORE_IMM:
		return qual & EPTQ_WRITE;
	case MV_INSN_ALU_MEM:
		/*
		 * A read-modify-write (XCHG below too) reads first, but which
		 * of the read and write bits the CPU sets for it is not ours
		 * to rely on (SDM Vol. 3C Table 28-7 defines them per access,
		 * not per instruction): accept either.
		 */
		if (mv_alu_writes_result(insn->alu))
			return true;
		return !(qual & EPTQ_WRITE);
	case MV_INSN_XCHG:
		return true;
	case MV_INSN_STOS:
	case MV_INSN_MOVS:
		return true;	/* checked by handle_string() */
	default:
		return !(qual & EPTQ_WRITE);
	}
}

int mv_handle_ept_violation(struct mv_vcpu *vcpu)
{
	u64 qual = vmcs_readl(EXIT_QUALIFICATION);
	u64 gpa = vmcs_read64(GUEST_PHYSICAL_ADDRESS);
	struct mv_insn *insn = &vcpu->mmio_insn;
	u8 bytes[MV_INSN_MAX_LEN];
	enum mv_insn_mode mode;
	unsigned int got;
	u64 val;

	/*
	 * An EPT violation during an IRET that unblocked NMIs must re-block
	 * them before the instruction is retried (SDM Vol. 3C 28.2.3).
	 */
	if ((qual & EPTQ_NMI_UNBLOCK) &&
	    !(vmcs_read32(IDT_VECTORING_INFO_FIELD) & VECTORING_INFO_VALID_MASK))
		vmcs_set_bits32(GUEST_INTERRUPTIBILITY_INFO,
				GUEST_INTR_STATE_NMI);

	/* Executing from MMIO cannot be emulated by a load/store decoder. */
	if (qual & EPTQ_FETCH)
		return emulation_failure(vcpu, gpa, NULL, 0);
	/*
	 * Nor can a page walk through MMIO: @gpa is a paging-structure entry
	 * the CPU wanted, not the instruction's operand (SDM Vol. 3C Table
	 * 28-7, bits 7 and 8).
	 */
	if ((qual & EPTQ_GLA_VALID) && !(qual & EPTQ_GLA_TRANSLATED))
		return emulation_failure(vcpu, gpa, NULL, 0);

	mode = guest_insn_mode();
	got = fetch_insn(vcpu, mode, bytes);
	if (mv_insn_decode(bytes, got, mode, insn))
		return emulation_failure(vcpu, gpa, bytes, got);
	/* The decoded direction must agree with what the CPU reported. */
	if (!access_matches(insn, qual))
		return emulation_failure(vcpu, gpa, bytes, got);

	switch (insn->op) {
	case MV_INSN_STORE_REG:
	case MV_INSN_STORE_IMM:
		val = insn->op == MV_INSN_STORE_IMM ? insn->imm :
		      reg_operand(vcpu, insn);
		mmio_exit(vcpu, gpa, insn->size, true, val);
		mv_vcpu_skip_insn(vcpu, insn->len);
		return 0;
	case MV_INSN_STOS:
	case MV_INSN_MOVS:
		if (handle_string(vcpu, gpa, qual, mode))
			return emulation_failure(vcpu, gpa, bytes, got);
		return 0;
	default:
		return mmio_read_exit(vcpu, gpa);
	}
}

/*
 * The second half of every instruction whose first access was a read:
 * userspace has put the value in run->mmio.data.
 */
int mv_complete_mmio_read(struct mv_vcpu *vcpu)
{
	const struct mv_insn *insn = &vcpu->mmio_insn;
	struct mv_run *run = vcpu->run;
	unsigned long rflags;
	u64 val = 0, res;

	vcpu->pending = MV_PENDING_NONE;
	memcpy(&val, run->mmio.data, insn->size);

	switch (insn->op) {
	case MV_INSN_LOAD:
		set_reg_operand(vcpu, insn, val);
		break;
	case MV_INSN_LOAD_ZX:
	case MV_INSN_LOAD_SX:
		set_reg_operand(vcpu, insn,
				mv_extend(val, insn->size, insn->reg_size,
					  insn->op == MV_INSN_LOAD_SX));
		break;
	case MV_INSN_ALU_REG:
		rflags = vmcs_readl(GUEST_RFLAGS);
		res = mv_alu(insn->alu, insn->size, reg_operand(vcpu, insn),
			     val, &rflags);
		vmcs_writel(GUEST_RFLAGS, rflags);
		if (mv_alu_writes_result(insn->alu))
			set_reg_operand(vcpu, insn, res);
		break;
	case MV_INSN_ALU_MEM:
		rflags = vmcs_readl(GUEST_RFLAGS);
		res = mv_alu(insn->alu, insn->size, val,
			     insn->src_imm ? insn->imm : reg_operand(vcpu, insn),
			     &rflags);
		vmcs_writel(GUEST_RFLAGS, rflags);
		if (!mv_alu_writes_result(insn->alu))
			break;
		/* The write half of a read-modify-write: back to userspace. */
		mmio_exit(vcpu, vcpu->mmio_gpa, insn->size, true, res);
		mv_vcpu_skip_insn(vcpu, insn->len);
		run->guest_rip = vmcs_readl(GUEST_RIP);
		return 0;
	case MV_INSN_XCHG:
		/* XCHG with memory is always locked (SDM Vol. 2B "XCHG"); one
		 * vCPU's read then write exit is what userspace can order.
		 */
		res = reg_operand(vcpu, insn);
		set_reg_operand(vcpu, insn, val);
		mmio_exit(vcpu, vcpu->mmio_gpa, insn->size, true, res);
		mv_vcpu_skip_insn(vcpu, insn->len);
		run->guest_rip = vmcs_readl(GUEST_RIP);
		return 0;
	case MV_INSN_MOVS:
		if (mv_guest_linear_write(vcpu,
					  string_gla(vcpu, insn, MV_SEG_ES,
						     MV_RDI, guest_insn_mode()),
					  &val, insn->size))
			return emulation_failure(vcpu, vcpu->mmio_gpa, NULL, 0);
		string_element_done(vcpu, insn);
		return 1;
	default:
		return emulation_failure(vcpu, vcpu->mmio_gpa, NULL, 0);
	}
	mv_vcpu_skip_insn(vcpu, insn->len);
	return 1;
}

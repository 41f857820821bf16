// SPDX-License-Identifier: GPL-2.0
/*
 * EPT violations on guest-physical addresses outside every slot (or
 * stores to a read-only slot) are MMIO: the faulting instruction is
 * fetched and decoded (insn_decode.c), stores complete at once with the
 * value in run->mmio.data, loads complete on the next RUN.
 */
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/string.h>
#include <asm/msr-index.h>
#include "exit.h"
#include "guest_mem.h"
#include "mv.h"
#include "vmcs.h"

/* EPT-violation exit qualification, SDM Vol. 3C Table 28-7. */
#define EPTQ_READ		BIT(0)
#define EPTQ_WRITE		BIT(1)
#define EPTQ_FETCH		BIT(2)
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

static u64 read_gpr(struct mv_vcpu *vcpu, u8 reg, bool high8)
{
	if (high8)
		return vcpu->gprs[reg] >> 8;
	if (reg == MV_RSP)
		return vmcs_readl(GUEST_RSP);
	return vcpu->gprs[reg];
}

int mv_handle_ept_violation(struct mv_vcpu *vcpu)
{
	u64 qual = vmcs_readl(EXIT_QUALIFICATION);
	u64 gpa = vmcs_read64(GUEST_PHYSICAL_ADDRESS);
	struct mv_insn *insn = &vcpu->mmio_insn;
	struct mv_run *run = vcpu->run;
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

	mode = guest_insn_mode();
	got = fetch_insn(vcpu, mode, bytes);
	if (mv_insn_decode(bytes, got, mode, insn))
		return emulation_failure(vcpu, gpa, bytes, got);
	/* The decoded direction must agree with what the CPU reported. */
	if (!!(qual & EPTQ_WRITE) != (insn->op != MV_INSN_LOAD))
		return emulation_failure(vcpu, gpa, bytes, got);

	run->exit_reason = MV_EXIT_MMIO;
	run->mmio.phys_addr = gpa;
	run->mmio.len = insn->size;
	run->mmio.is_write = insn->op != MV_INSN_LOAD;
	memset(run->mmio.reserved, 0, sizeof(run->mmio.reserved));
	memset(run->mmio.data, 0, sizeof(run->mmio.data));

	if (insn->op == MV_INSN_LOAD) {
		vcpu->pending = MV_PENDING_MMIO_READ;
		return 0;
	}

	val = insn->op == MV_INSN_STORE_IMM ? insn->imm :
	      read_gpr(vcpu, insn->reg, insn->high8);
	memcpy(run->mmio.data, &val, insn->size);
	mv_vcpu_skip_insn(vcpu, insn->len);
	return 0;
}

int mv_complete_mmio_read(struct mv_vcpu *vcpu)
{
	const struct mv_insn *insn = &vcpu->mmio_insn;
	unsigned long *reg = &vcpu->gprs[insn->reg];
	unsigned long old, val = 0;

	vcpu->pending = MV_PENDING_NONE;
	memcpy(&val, vcpu->run->mmio.data, insn->size);

	old = insn->reg == MV_RSP && !insn->high8 ? vmcs_readl(GUEST_RSP) : *reg;
	switch (insn->size) {
	case 1:
		if (insn->high8)
			val = (old & ~0xff00UL) | (val & 0xff) << 8;
		else
			val = (old & ~0xffUL) | val;
		break;
	case 2:
		val = (old & ~0xffffUL) | val;
		break;
	default:
		/* 32-bit loads zero-extend; 64-bit ones replace. */
		break;
	}
	if (insn->reg == MV_RSP && !insn->high8)
		vmcs_writel(GUEST_RSP, val);
	else
		*reg = val;
	mv_vcpu_skip_insn(vcpu, insn->len);
	return 1;
}

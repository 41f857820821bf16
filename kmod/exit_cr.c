// SPDX-License-Identifier: GPL-2.0
/*
 * Control-register exits: writes of the host-owned CR0/CR4 bits, CLTS,
 * LMSW, and MOV to and from CR8. (MSR exits are in msr.c.)
 */
#include <linux/kernel.h>
#include "exit.h"
#include "mv.h"
#include "vcpu_state.h"
#include "vmcs.h"

/* CR-access exit qualification, SDM Vol. 3C Table 28-3. */
#define CRQ_CR(q)		((q) & 15)
#define CRQ_TYPE(q)		(((q) >> 4) & 3)
#define CRQ_GPR(q)		(((q) >> 8) & 15)
#define CRQ_LMSW_DATA(q)	(((q) >> 16) & 0xffff)

enum { CR_MOV_TO, CR_MOV_FROM, CR_CLTS, CR_LMSW };

static unsigned long read_gpr(struct mv_vcpu *vcpu, unsigned int reg)
{
	return reg == MV_RSP ? vmcs_readl(GUEST_RSP) : vcpu->gprs[reg];
}

static void write_gpr(struct mv_vcpu *vcpu, unsigned int reg, unsigned long val)
{
	if (reg == MV_RSP)
		vmcs_writel(GUEST_RSP, val);
	else
		vcpu->gprs[reg] = val;
}

/*
 * CR8 is the guest's own: the local APIC it would alias is the host's.
 * Bits 63:4 are reserved (#GP). Without APIC emulation the value does not
 * mask injected interrupts; it only reads back.
 */
static int set_cr8(struct mv_vcpu *vcpu, u64 val)
{
	if (val & ~0xfULL)
		return -EINVAL;
	vcpu->cr8 = val;
	return 0;
}

static int unhandled_cr(struct mv_vcpu *vcpu, u64 qual)
{
	u64 data[4] = { EXIT_REASON_CR_ACCESS, qual, vmcs_readl(GUEST_RIP), 0 };

	mv_internal_error(vcpu, MV_INTERNAL_UNHANDLED_EXIT, data,
			  ARRAY_SIZE(data));
	return 0;
}

int mv_handle_cr_access(struct mv_vcpu *vcpu)
{
	u64 qual = vmcs_readl(EXIT_QUALIFICATION);
	u64 val;
	int ret;

	switch (CRQ_TYPE(qual)) {
	case CR_MOV_TO:
		val = read_gpr(vcpu, CRQ_GPR(qual));
		if (CRQ_CR(qual) == 0)
			ret = mv_vcpu_set_cr0(vcpu, val);
		else if (CRQ_CR(qual) == 4)
			ret = mv_vcpu_set_cr4(vcpu, val);
		else if (CRQ_CR(qual) == 8)
			ret = set_cr8(vcpu, val);
		else
			return unhandled_cr(vcpu, qual);
		break;
	case CR_MOV_FROM:
		/* Only CR8 exits: CR0/CR4 reads come from the read shadows. */
		if (CRQ_CR(qual) != 8)
			return unhandled_cr(vcpu, qual);
		write_gpr(vcpu, CRQ_GPR(qual), vcpu->cr8);
		ret = 0;
		break;
	case CR_CLTS:
		ret = mv_vcpu_set_cr0(vcpu, mv_vcpu_cr0(vcpu) & ~X86_CR0_TS);
		break;
	case CR_LMSW:
		/* LMSW writes CR0[3:0] but cannot clear PE. */
		val = mv_vcpu_cr0(vcpu);
		val = (val & ~0xeULL) | (CRQ_LMSW_DATA(qual) & 0xf);
		ret = mv_vcpu_set_cr0(vcpu, val);
		break;
	default:
		return unhandled_cr(vcpu, qual);
	}

	if (ret) {
		mv_vcpu_inject_gp(vcpu);
		return 1;
	}
	mv_vcpu_advance_rip(vcpu);
	return 1;
}

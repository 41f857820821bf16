// SPDX-License-Identifier: GPL-2.0
/*
 * Control-register and MSR exits: the host-owned CR0/CR4 bits and EFER.
 * Every MSR access exits (no MSR bitmap yet); only EFER is emulated, the
 * rest stop the vCPU with an internal error naming the MSR.
 */
#include <linux/kernel.h>
#include <asm/msr-index.h>
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
		else
			return unhandled_cr(vcpu, qual);
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
		/* MOV from CR0/CR4 reads the shadows and never exits. */
		return unhandled_cr(vcpu, qual);
	}

	if (ret) {
		mv_vcpu_inject_gp(vcpu);
		return 1;
	}
	mv_vcpu_advance_rip(vcpu);
	return 1;
}

static int unhandled_msr(struct mv_vcpu *vcpu, u32 reason, u32 msr)
{
	u64 data[4] = { reason, msr, vmcs_readl(GUEST_RIP),
			(u64)vcpu->gprs[MV_RDX] << 32 | (u32)vcpu->gprs[MV_RAX] };

	mv_internal_error(vcpu, MV_INTERNAL_UNHANDLED_EXIT, data,
			  ARRAY_SIZE(data));
	return 0;
}

int mv_handle_rdmsr(struct mv_vcpu *vcpu)
{
	u32 msr = vcpu->gprs[MV_RCX];
	u64 val;

	switch (msr) {
	case MSR_EFER:
		val = vmcs_read64(GUEST_IA32_EFER);
		break;
	default:
		return unhandled_msr(vcpu, EXIT_REASON_MSR_READ, msr);
	}
	/* RDMSR writes EDX:EAX, zero-extending both. */
	vcpu->gprs[MV_RAX] = (u32)val;
	vcpu->gprs[MV_RDX] = val >> 32;
	mv_vcpu_advance_rip(vcpu);
	return 1;
}

int mv_handle_wrmsr(struct mv_vcpu *vcpu)
{
	u32 msr = vcpu->gprs[MV_RCX];
	u64 val = (u64)(u32)vcpu->gprs[MV_RDX] << 32 | (u32)vcpu->gprs[MV_RAX];

	switch (msr) {
	case MSR_EFER:
		if (mv_vcpu_set_efer(vcpu, val)) {
			mv_vcpu_inject_gp(vcpu);
			return 1;
		}
		break;
	default:
		return unhandled_msr(vcpu, EXIT_REASON_MSR_WRITE, msr);
	}
	mv_vcpu_advance_rip(vcpu);
	return 1;
}

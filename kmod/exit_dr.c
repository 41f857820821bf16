// SPDX-License-Identifier: GPL-2.0
/*
 * MOV to and from debug registers (MOV-DR exiting is always on). The
 * guest's DR0-DR3, DR6 and DR7 live in the vCPU and never reach the
 * hardware, whose debug registers stay the host's: the guest can save,
 * restore and program them, but its breakpoints do not fire (documented
 * in uapi/minivisor.h). That is enough for an OS that initialises them,
 * and it keeps host breakpoints (hw_breakpoint, perf) intact.
 */
#include <linux/kernel.h>
#include <asm/msr-index.h>
#include <asm/processor-flags.h>
#include "exit.h"
#include "mv.h"
#include "vcpu_state.h"
#include "vmcs.h"

/* MOV-DR exit qualification, SDM Vol. 3C Table 28-4. */
#define DRQ_DR(q)		((q) & 7)
#define DRQ_FROM_DR		BIT(4)
#define DRQ_GPR(q)		(((q) >> 8) & 15)

/*
 * Bits of DR6 and DR7 a write can change; the others read as fixed
 * values (SDM Vol. 3B 18.2.3, 18.2.4; RTM's DR6 bit 16 is not offered).
 */
#define MV_DR6_WRITABLE		0x0000e00fULL
#define MV_DR6_FIXED_1		0xffff0ff0ULL
#define MV_DR7_WRITABLE		0xffff23ffULL
#define MV_DR7_FIXED_1		0x400ULL

static unsigned long get_gpr(struct mv_vcpu *vcpu, unsigned int reg)
{
	return reg == MV_RSP ? vmcs_readl(GUEST_RSP) : vcpu->gprs[reg];
}

static void set_gpr(struct mv_vcpu *vcpu, unsigned int reg, unsigned long v)
{
	if (reg == MV_RSP)
		vmcs_writel(GUEST_RSP, v);
	else
		vcpu->gprs[reg] = v;
}

int mv_handle_dr_access(struct mv_vcpu *vcpu)
{
	u64 qual = vmcs_readl(EXIT_QUALIFICATION);
	unsigned int dr = DRQ_DR(qual), reg = DRQ_GPR(qual);
	bool long_mode = vmcs_read64(GUEST_IA32_EFER) & EFER_LMA;
	u64 val;

	/* DR4/DR5: #UD with CR4.DE, else DR6/DR7 (SDM Vol. 2A "MOV"). */
	if (dr == 4 || dr == 5) {
		if (mv_vcpu_cr4(vcpu) & X86_CR4_DE) {
			mv_vcpu_inject_ud(vcpu);
			return 1;
		}
		dr += 2;
	}

	if (qual & DRQ_FROM_DR) {
		val = dr < 4 ? vcpu->dr[dr] : dr == 6 ? vcpu->dr6 : vcpu->dr7;
		/* Outside 64-bit mode the destination is 32 bits wide. */
		set_gpr(vcpu, reg, long_mode ? val : (u32)val);
		mv_vcpu_advance_rip(vcpu);
		return 1;
	}

	val = get_gpr(vcpu, reg);
	if (!long_mode)
		val = (u32)val;
	if (dr < 4) {
		vcpu->dr[dr] = val;
	} else {
		/* Bits 63:32 of DR6 and DR7 must be 0 (SDM Vol. 2A "MOV"). */
		if (val >> 32) {
			mv_vcpu_inject_gp(vcpu);
			return 1;
		}
		if (dr == 6)
			vcpu->dr6 = (val & MV_DR6_WRITABLE) | MV_DR6_FIXED_1;
		else
			vcpu->dr7 = (val & MV_DR7_WRITABLE) | MV_DR7_FIXED_1;
	}
	mv_vcpu_advance_rip(vcpu);
	return 1;
}

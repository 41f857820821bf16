/* SPDX-License-Identifier: GPL-2.0 */
/*
 * VMX capabilities, probed once at module load from the IA32_VMX_* MSRs
 * (SDM Vol. 3D Appendix A) into one struct, and the control words derived
 * from them. Read everywhere through mv_caps and the predicates below.
 */
#ifndef MV_CAPS_H
#define MV_CAPS_H

#include <linux/types.h>
#include <asm/msr-index.h>
#include <asm/vmx.h>

struct mv_vmx_caps {
	/* Raw MSRs; the TRUE_ controls where IA32_VMX_BASIC[55] says so. */
	u64 basic;
	u64 pinbased;
	u64 procbased;
	u64 procbased2;
	u64 exit;
	u64 entry;
	u64 misc;
	u64 ept_vpid;
	u64 cr0_fixed0, cr0_fixed1;
	u64 cr4_fixed0, cr4_fixed1;

	u32 revision_id;	/* IA32_VMX_BASIC[30:0] */
	u32 vmcs_size;		/* IA32_VMX_BASIC[44:32] */

	/* Control words every VMCS starts from (adjusted, see caps.c). */
	u32 pin_ctls;
	u32 proc_ctls;
	u32 proc2_ctls;
	u32 exit_ctls;
	u32 entry_ctls;

	u64 max_gpa;		/* 1 << guest physical-address width */
	u32 preempt_timer_value; /* VMX-preemption timer slice, if enabled */
};

extern struct mv_vmx_caps mv_caps;

int mv_caps_probe(void);
u32 mv_caps_features(void);	/* MV_FEAT_* for struct mv_caps */

static inline bool mv_has_vpid(void)
{
	return mv_caps.proc2_ctls & SECONDARY_EXEC_ENABLE_VPID;
}

static inline bool mv_has_insouts_info(void)
{
	return mv_caps.basic & VMX_BASIC_INOUT;
}

static inline bool mv_has_preempt_timer(void)
{
	return mv_caps.pin_ctls & PIN_BASED_VMX_PREEMPTION_TIMER;
}

static inline bool mv_has_invept_single(void)
{
	return mv_caps.ept_vpid & VMX_EPT_EXTENT_CONTEXT_BIT;
}

#endif /* MV_CAPS_H */

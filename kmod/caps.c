// SPDX-License-Identifier: GPL-2.0
/*
 * Probe VMX support once, at module load. Every requirement is checked in
 * its own block and named in the error, so a user on an unsupported CPU
 * learns what is missing rather than getting a bare -EOPNOTSUPP.
 */
#include <linux/kernel.h>
#include <linux/printk.h>
#include <asm/cpufeature.h>
#include <asm/msr.h>
#include <asm/processor.h>
#include <asm/tsc.h>
#include <minivisor.h>
#include "caps.h"
#include "controls.h"

struct mv_vmx_caps mv_caps;

/*
 * Controls every guest needs. Host-state and guest-state switching of
 * EFER and PAT lets the guest own both without host exposure; external
 * interrupts and NMIs must exit so the host keeps its interrupts.
 */
#define MV_PIN_REQUIRED		(PIN_BASED_EXT_INTR_MASK | PIN_BASED_NMI_EXITING)
#define MV_PIN_OPTIONAL		(PIN_BASED_VIRTUAL_NMIS |		\
				 PIN_BASED_VMX_PREEMPTION_TIMER)

/*
 * Longest stretch of guest time without a VM exit. External interrupts
 * normally bound it, but not on a tickless CPU, and not under Bochs 2.7,
 * which keeps host interrupts masked in a guest entered with RFLAGS.IF = 0
 * from a host with IF = 0; the preemption timer guarantees that the run
 * loop sees signals and reschedules at least this often.
 */
#define MV_GUEST_SLICE_US	4000

/*
 * CR8 load/store exiting: without them (and without a TPR shadow) MOV
 * to/from CR8 in a 64-bit guest reaches the host CPU's local-APIC TPR
 * (SDM Vol. 3C 25.3), which then stays the guest's after the VM exit.
 * RDPMC exiting: otherwise the guest reads the host's performance
 * counters; WBINVD exiting (secondary): otherwise it flushes the host
 * CPU's caches at will (exit.c).
 */
#define MV_PROC_REQUIRED	(CPU_BASED_HLT_EXITING |		\
				 CPU_BASED_CR8_LOAD_EXITING |		\
				 CPU_BASED_CR8_STORE_EXITING |		\
				 CPU_BASED_RDPMC_EXITING |		\
				 CPU_BASED_UNCOND_IO_EXITING |		\
				 CPU_BASED_MOV_DR_EXITING |		\
				 CPU_BASED_MWAIT_EXITING |		\
				 CPU_BASED_MONITOR_EXITING |		\
				 CPU_BASED_ACTIVATE_SECONDARY_CONTROLS)
#define MV_PROC_OPTIONAL	(CPU_BASED_USE_TSC_OFFSETTING)

#define MV_PROC2_REQUIRED	(SECONDARY_EXEC_ENABLE_EPT |		\
				 SECONDARY_EXEC_UNRESTRICTED_GUEST |	\
				 SECONDARY_EXEC_WBINVD_EXITING)
#define MV_PROC2_OPTIONAL	(SECONDARY_EXEC_ENABLE_VPID |		\
				 SECONDARY_EXEC_ENABLE_RDTSCP |		\
				 SECONDARY_EXEC_ENABLE_INVPCID)

#define MV_EXIT_REQUIRED	(VM_EXIT_HOST_ADDR_SPACE_SIZE |		\
				 VM_EXIT_SAVE_DEBUG_CONTROLS |		\
				 VM_EXIT_LOAD_IA32_EFER |		\
				 VM_EXIT_SAVE_IA32_EFER |		\
				 VM_EXIT_LOAD_IA32_PAT |		\
				 VM_EXIT_SAVE_IA32_PAT)
#define MV_EXIT_OPTIONAL	0

#define MV_ENTRY_REQUIRED	(VM_ENTRY_LOAD_DEBUG_CONTROLS |		\
				 VM_ENTRY_LOAD_IA32_EFER |		\
				 VM_ENTRY_LOAD_IA32_PAT)
#define MV_ENTRY_OPTIONAL	0

static int adjust(const char *what, u32 req, u32 opt, u64 msr, u32 *out)
{
	u32 missing;
	int ret;

	ret = mv_adjust_controls(req, opt, msr, out, &missing);
	if (ret)
		pr_err("minivisor: CPU lacks required %s controls 0x%08x (capability MSR 0x%016llx)\n",
		       what, missing, msr);
	return ret;
}

static int probe_controls(void)
{
	struct mv_vmx_caps *c = &mv_caps;
	int ret;

	ret = adjust("pin-based", MV_PIN_REQUIRED, MV_PIN_OPTIONAL,
		     c->pinbased, &c->pin_ctls);
	if (!ret)
		ret = adjust("processor-based", MV_PROC_REQUIRED,
			     MV_PROC_OPTIONAL, c->procbased, &c->proc_ctls);
	if (!ret)
		ret = adjust("secondary processor-based (EPT, unrestricted guest)",
			     MV_PROC2_REQUIRED, MV_PROC2_OPTIONAL,
			     c->procbased2, &c->proc2_ctls);
	if (!ret)
		ret = adjust("VM-exit", MV_EXIT_REQUIRED, MV_EXIT_OPTIONAL,
			     c->exit, &c->exit_ctls);
	if (!ret)
		ret = adjust("VM-entry", MV_ENTRY_REQUIRED, MV_ENTRY_OPTIONAL,
			     c->entry, &c->entry_ctls);
	return ret;
}

static void read_msrs(void)
{
	struct mv_vmx_caps *c = &mv_caps;
	bool true_ctls;

	rdmsrl(MSR_IA32_VMX_BASIC, c->basic);
	/*
	 * IA32_VMX_BASIC[55]: the TRUE_ MSRs exist and report which of the
	 * "default1" controls may be 0 (SDM Vol. 3D A.2); with EPT we need
	 * CR3-load/store exiting off, which only the TRUE_ MSRs allow.
	 */
	true_ctls = c->basic & VMX_BASIC_TRUE_CTLS;
	rdmsrl(true_ctls ? MSR_IA32_VMX_TRUE_PINBASED_CTLS :
	       MSR_IA32_VMX_PINBASED_CTLS, c->pinbased);
	rdmsrl(true_ctls ? MSR_IA32_VMX_TRUE_PROCBASED_CTLS :
	       MSR_IA32_VMX_PROCBASED_CTLS, c->procbased);
	rdmsrl(true_ctls ? MSR_IA32_VMX_TRUE_EXIT_CTLS :
	       MSR_IA32_VMX_EXIT_CTLS, c->exit);
	rdmsrl(true_ctls ? MSR_IA32_VMX_TRUE_ENTRY_CTLS :
	       MSR_IA32_VMX_ENTRY_CTLS, c->entry);
	rdmsrl(MSR_IA32_VMX_MISC, c->misc);
	rdmsrl(MSR_IA32_VMX_CR0_FIXED0, c->cr0_fixed0);
	rdmsrl(MSR_IA32_VMX_CR0_FIXED1, c->cr0_fixed1);
	rdmsrl(MSR_IA32_VMX_CR4_FIXED0, c->cr4_fixed0);
	rdmsrl(MSR_IA32_VMX_CR4_FIXED1, c->cr4_fixed1);

	/* The secondary controls MSR exists only if the primary allows it. */
	if (c->procbased >> 32 & CPU_BASED_ACTIVATE_SECONDARY_CONTROLS)
		rdmsrl(MSR_IA32_VMX_PROCBASED_CTLS2, c->procbased2);
	if (c->procbased2 >> 32 & (SECONDARY_EXEC_ENABLE_EPT |
				   SECONDARY_EXEC_ENABLE_VPID))
		rdmsrl(MSR_IA32_VMX_EPT_VPID_CAP, c->ept_vpid);

	c->revision_id = c->basic & 0x7fffffff;
	c->vmcs_size = (c->basic >> VMX_BASIC_VMCS_SIZE_SHIFT) & 0x1fff;
	c->max_gpa = 1ULL << min_t(u8, boot_cpu_data.x86_phys_bits, 48);
}

int mv_caps_probe(void)
{
	struct mv_vmx_caps *c = &mv_caps;
	u64 feat_ctl;
	int ret;

	/* CPUID.1:ECX.VMX[bit 5], SDM Vol. 3C 24.6 */
	if (!boot_cpu_has(X86_FEATURE_VMX)) {
		pr_err("minivisor: CPU has no VMX (Intel VT-x); it cannot run here\n");
		return -EOPNOTSUPP;
	}

	/*
	 * IA32_FEATURE_CONTROL must be locked with VMX enabled outside SMX
	 * (SDM Vol. 3C 24.7). Firmware (or the kernel's feat_ctl code) owns
	 * that MSR; we never write it.
	 */
	if (rdmsrl_safe(MSR_IA32_FEAT_CTL, &feat_ctl) ||
	    !(feat_ctl & FEAT_CTL_LOCKED) ||
	    !(feat_ctl & FEAT_CTL_VMX_ENABLED_OUTSIDE_SMX)) {
		pr_err("minivisor: VMX is disabled by firmware (IA32_FEATURE_CONTROL=0x%llx); enable VT-x in the BIOS\n",
		       feat_ctl);
		return -EOPNOTSUPP;
	}

	read_msrs();

	/* A VMCS region is one page here; SDM Vol. 3D A.1 allows up to 4 KiB. */
	if (c->vmcs_size > PAGE_SIZE) {
		pr_err("minivisor: VMCS size %u exceeds a page\n", c->vmcs_size);
		return -EOPNOTSUPP;
	}
	/* IA32_VMX_BASIC[53:50]: VMCS memory type must be write-back. */
	if (((c->basic & VMX_BASIC_MEM_TYPE_MASK) >> VMX_BASIC_MEM_TYPE_SHIFT) !=
	    VMX_BASIC_MEM_TYPE_WB) {
		pr_err("minivisor: VMCS memory type is not write-back\n");
		return -EOPNOTSUPP;
	}

	ret = probe_controls();
	if (ret)
		return ret;

	/* Injection waits for the guest with interrupt-window exiting. */
	if (!(c->procbased >> 32 & CPU_BASED_INTR_WINDOW_EXITING)) {
		pr_err("minivisor: CPU lacks interrupt-window exiting\n");
		return -EOPNOTSUPP;
	}
	/* NMI-window exiting exists exactly when virtual NMIs do (A.3.2). */
	if ((c->pin_ctls & PIN_BASED_VIRTUAL_NMIS) &&
	    !(c->procbased >> 32 & CPU_BASED_NMI_WINDOW_EXITING))
		c->pin_ctls &= ~PIN_BASED_VIRTUAL_NMIS;

	/* The timer counts down at TSC >> IA32_VMX_MISC[4:0] (A.6). */
	if (mv_has_preempt_timer()) {
		u64 ticks = (u64)tsc_khz * MV_GUEST_SLICE_US / 1000;

		ticks >>= c->misc & VMX_MISC_PREEMPTION_TIMER_RATE_MASK;
		c->preempt_timer_value = clamp_t(u64, ticks, 1, U32_MAX);
	}

	/* EPT: 4-level walks, write-back paging structures, INVEPT. */
	if (!(c->ept_vpid & VMX_EPT_PAGE_WALK_4_BIT)) {
		pr_err("minivisor: EPT lacks 4-level page walks\n");
		return -EOPNOTSUPP;
	}
	if (!(c->ept_vpid & VMX_EPTP_WB_BIT)) {
		pr_err("minivisor: EPT lacks write-back paging-structure memory type\n");
		return -EOPNOTSUPP;
	}
	if (!(c->ept_vpid & VMX_EPT_INVEPT_BIT) ||
	    !(c->ept_vpid & (VMX_EPT_EXTENT_CONTEXT_BIT |
			     VMX_EPT_EXTENT_GLOBAL_BIT))) {
		pr_err("minivisor: CPU lacks INVEPT\n");
		return -EOPNOTSUPP;
	}
	return 0;
}

u32 mv_caps_features(void)
{
	const struct mv_vmx_caps *c = &mv_caps;
	u32 f = MV_FEAT_EPT | MV_FEAT_UNRESTRICTED_GUEST;

	if (mv_has_vpid())
		f |= MV_FEAT_VPID;
	if (c->pinbased >> 32 & PIN_BASED_VMX_PREEMPTION_TIMER)
		f |= MV_FEAT_PREEMPTION_TIMER;
	if (c->pin_ctls & PIN_BASED_VIRTUAL_NMIS)
		f |= MV_FEAT_VIRTUAL_NMI;
	if (c->ept_vpid & VMX_EPT_AD_BIT)
		f |= MV_FEAT_EPT_AD;
	if (mv_has_insouts_info())
		f |= MV_FEAT_INSOUTS_INFO;
	return f;
}

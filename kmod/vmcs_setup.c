// SPDX-License-Identifier: GPL-2.0
/*
 * Initial VMCS contents. The rules come from SDM Vol. 3C chapter 26
 * ("VM Entries"), which lists every check VM entry makes on the control,
 * host-state and guest-state areas.
 */
#include <linux/kernel.h>
#include <asm/cpu_entry_area.h>
#include <asm/desc.h>
#include <asm/msr.h>
#include <asm/processor.h>
#include <asm/segment.h>
#include <asm/special_insns.h>
#include <asm/tlbflush.h>
#include <asm/trapnr.h>
#include "caps.h"
#include "mv.h"
#include "vcpu_state.h"
#include "vmcs.h"
#include "vmenter.h"
#include "vmcs_setup.h"

/* DR7 bit 10 reads as 1 (SDM Vol. 3B 18.2.4). */
#define MV_DR7_FIXED_1	0x400


static void setup_controls(struct mv_vcpu *vcpu)
{
	vmcs_write32(PIN_BASED_VM_EXEC_CONTROL, mv_caps.pin_ctls);
	vmcs_write32(CPU_BASED_VM_EXEC_CONTROL, vcpu->proc_ctls);
	/* No VPID yet: each entry and exit flushes the guest's TLB. */
	vmcs_write32(SECONDARY_VM_EXEC_CONTROL,
		     mv_caps.proc2_ctls & ~SECONDARY_EXEC_ENABLE_VPID);
	vmcs_write32(VM_EXIT_CONTROLS, mv_caps.exit_ctls);
	vmcs_write32(VM_ENTRY_CONTROLS, mv_caps.entry_ctls);

	/* #MC is the host's: intercept it and hand it over (exit.c). */
	vmcs_write32(EXCEPTION_BITMAP, BIT(X86_TRAP_MC));
	vmcs_write32(PAGE_FAULT_ERROR_CODE_MASK, 0);
	vmcs_write32(PAGE_FAULT_ERROR_CODE_MATCH, 0);
	vmcs_write32(CR3_TARGET_COUNT, 0);
	vmcs_write32(VM_EXIT_MSR_STORE_COUNT, 0);
	vmcs_write32(VM_EXIT_MSR_LOAD_COUNT, 0);
	vmcs_write32(VM_ENTRY_MSR_LOAD_COUNT, 0);
	vmcs_write32(VM_ENTRY_INTR_INFO_FIELD, 0);
	vmcs_write64(TSC_OFFSET, 0);
	vmcs_write64(EPT_POINTER, mv_ept_pointer(&vcpu->vm->ept));
	/* SDM Vol. 3C 26.3.1.5: all ones unless VMCS shadowing is used. */
	vmcs_write64(VMCS_LINK_POINTER, ~0ULL);
}

static void setup_host_constant(void)
{
	struct desc_ptr idt;
	u64 msr;

	vmcs_writel(HOST_CR0, read_cr0());
	vmcs_write16(HOST_CS_SELECTOR, __KERNEL_CS);
	vmcs_write16(HOST_SS_SELECTOR, __KERNEL_DS);
	/*
	 * DS/ES/FS/GS are loaded as null on exit; vcpu.c restores the user's
	 * selectors before returning to userspace when they were not null.
	 */
	vmcs_write16(HOST_DS_SELECTOR, 0);
	vmcs_write16(HOST_ES_SELECTOR, 0);
	vmcs_write16(HOST_FS_SELECTOR, 0);
	vmcs_write16(HOST_GS_SELECTOR, 0);
	vmcs_write16(HOST_TR_SELECTOR, GDT_ENTRY_TSS * 8);

	/* Linux has one IDT for all CPUs. */
	store_idt(&idt);
	vmcs_writel(HOST_IDTR_BASE, idt.address);
	vmcs_writel(HOST_RIP, (unsigned long)mv_vmx_exit);

	rdmsrl(MSR_IA32_SYSENTER_CS, msr);
	vmcs_write32(HOST_IA32_SYSENTER_CS, msr);
	rdmsrl(MSR_IA32_SYSENTER_EIP, msr);
	vmcs_writel(HOST_IA32_SYSENTER_EIP, msr);
	rdmsrl(MSR_EFER, msr);
	vmcs_write64(HOST_IA32_EFER, msr);
	rdmsrl(MSR_IA32_CR_PAT, msr);
	vmcs_write64(HOST_IA32_PAT, msr);
}

void mv_vmcs_set_host_percpu(void)
{
	int cpu = smp_processor_id();
	unsigned long sysenter_esp;

	vmcs_writel(HOST_TR_BASE,
		    (unsigned long)&get_cpu_entry_area(cpu)->tss.x86_tss);
	vmcs_writel(HOST_GDTR_BASE, (unsigned long)get_cpu_gdt_ro(cpu));
	vmcs_writel(HOST_GS_BASE, cpu_kernelmode_gs_base(cpu));
	rdmsrl(MSR_IA32_SYSENTER_ESP, sysenter_esp);
	vmcs_writel(HOST_IA32_SYSENTER_ESP, sysenter_esp);
}

/*
 * A vCPU starts in real mode at 0000:0000 with flat 64 KiB segments, a
 * state VM entry accepts with unrestricted guest; the VMM normally
 * replaces it with SET_SREGS/SET_REGS before the first RUN.
 */
static void setup_guest_initial(struct mv_vcpu *vcpu)
{
	struct mv_sregs sregs = {};
	struct mv_regs regs = { .rflags = X86_EFLAGS_FIXED };
	struct mv_segment *segs[] = {
		&sregs.cs, &sregs.ds, &sregs.es, &sregs.fs, &sregs.gs, &sregs.ss,
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(segs); i++) {
		segs[i]->limit = 0xffff;
		segs[i]->type = 3;	/* read/write data, accessed */
		segs[i]->s = 1;
		segs[i]->present = 1;
	}
	sregs.cs.type = 11;		/* execute/read code, accessed */
	sregs.tr.limit = 0xffff;
	sregs.tr.type = 11;		/* busy TSS, SDM Vol. 3C 26.3.1.2 */
	sregs.tr.present = 1;
	sregs.ldt.unusable = 1;
	sregs.gdt.limit = 0xffff;
	sregs.idt.limit = 0xffff;
	sregs.cr0 = X86_CR0_ET;

	vmcs_write32(GUEST_INTERRUPTIBILITY_INFO, 0);
	vmcs_write32(GUEST_ACTIVITY_STATE, GUEST_ACTIVITY_ACTIVE);
	vmcs_writel(GUEST_PENDING_DBG_EXCEPTIONS, 0);
	vmcs_writel(GUEST_DR7, MV_DR7_FIXED_1);
	vmcs_write64(GUEST_IA32_DEBUGCTL, 0);
	/* Power-on PAT value, SDM Vol. 3A 11.12.4. */
	vmcs_write64(GUEST_IA32_PAT, 0x0007040600070406ULL);
	vmcs_write32(GUEST_SYSENTER_CS, 0);
	vmcs_writel(GUEST_SYSENTER_ESP, 0);
	vmcs_writel(GUEST_SYSENTER_EIP, 0);

	mv_vcpu_write_regs(vcpu, &regs);
	mv_vcpu_write_sregs(vcpu, &sregs);
}

void mv_vmcs_setup(struct mv_vcpu *vcpu)
{
	setup_controls(vcpu);
	setup_host_constant();
	mv_vmcs_set_host_percpu();
	setup_guest_initial(vcpu);
}

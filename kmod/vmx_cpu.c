// SPDX-License-Identifier: GPL-2.0
/*
 * VMX operation on every online CPU while at least one VM exists.
 *
 * Turning VMX on only for the lifetime of VMs (as Linux 6.1's KVM does)
 * lets minivisor and kvm_intel be loaded together and take turns. Both
 * use CR4.VMXE as the "VMX is held" flag: a CPU with CR4.VMXE already set
 * belongs to someone else, and we back off with -EBUSY.
 *
 * Every VMCS made active on a CPU is kept on that CPU's list, so it can be
 * VMCLEARed before VMXOFF (SDM Vol. 3C 25.11.1: software must VMCLEAR an
 * active VMCS before it can be used on another CPU or before VMXOFF, or
 * its cached contents are lost).
 */
#include <linux/cpu.h>
#include <linux/cpuhotplug.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/printk.h>
#include <linux/smp.h>
#include <asm/tlbflush.h>
#include "caps.h"
#include "mv.h"
#include "vmcs_setup.h"
#include "vmx_cpu.h"
#include "vmx_ops.h"

static DEFINE_PER_CPU(void *, mv_vmxon_region);
static DEFINE_PER_CPU(bool, mv_vmx_on);
static DEFINE_PER_CPU(struct mv_vcpu *, mv_current_vcpu);
static DEFINE_PER_CPU(struct list_head, mv_loaded_vmcss);

static DEFINE_MUTEX(mv_vmx_lock);	/* mv_vmx_users, hotplug vs. get/put */
static unsigned int mv_vmx_users;
static atomic_t mv_vmx_busy_cpus;
static atomic_t mv_vmx_failed_cpus;
static enum cpuhp_state mv_hp_state;

/* Runs on the target CPU with interrupts off (IPI or hotplug callback). */
static void vmx_on_this_cpu(void *unused)
{
	void *region = this_cpu_read(mv_vmxon_region);
	unsigned long cr0 = read_cr0();
	unsigned long cr4 = cr4_read_shadow();

	if (cr4 & X86_CR4_VMXE) {
		atomic_inc(&mv_vmx_busy_cpus);
		return;
	}
	/* SDM Vol. 3C 24.8: CR0 and CR4 must satisfy the VMX fixed bits. */
	if ((cr0 & mv_caps.cr0_fixed0) != mv_caps.cr0_fixed0 ||
	    (cr0 & ~mv_caps.cr0_fixed1) ||
	    ((cr4 | X86_CR4_VMXE) & mv_caps.cr4_fixed0) != mv_caps.cr4_fixed0 ||
	    ((cr4 | X86_CR4_VMXE) & ~mv_caps.cr4_fixed1)) {
		atomic_inc(&mv_vmx_failed_cpus);
		return;
	}

	*(u32 *)region = mv_caps.revision_id;
	cr4_set_bits(X86_CR4_VMXE);
	if (mv_vmxon(__pa(region))) {
		cr4_clear_bits(X86_CR4_VMXE);
		atomic_inc(&mv_vmx_failed_cpus);
		return;
	}
	this_cpu_write(mv_vmx_on, true);
	/* Drop any EPT translations a previous VMX user left behind. */
	mv_invept(MV_INVEPT_ALL_CONTEXT, 0);
}

static void vmclear_loaded_vmcss(void)
{
	struct list_head *list = this_cpu_ptr(&mv_loaded_vmcss);
	struct mv_vcpu *vcpu, *tmp;

	list_for_each_entry_safe(vcpu, tmp, list, loaded_node) {
		mv_vmclear(vcpu->vmcs_pa);
		list_del_init(&vcpu->loaded_node);
		vcpu->cpu = -1;
		vcpu->launched = false;
	}
	this_cpu_write(mv_current_vcpu, NULL);
}

static void vmx_off_this_cpu(void *unused)
{
	if (!this_cpu_read(mv_vmx_on))
		return;
	vmclear_loaded_vmcss();
	mv_vmxoff();
	cr4_clear_bits(X86_CR4_VMXE);
	this_cpu_write(mv_vmx_on, false);
}

int mv_vmx_get(void)
{
	int busy, failed, ret = 0;

	/* Same order as the hotplug callbacks: hotplug lock, then ours. */
	cpus_read_lock();
	mutex_lock(&mv_vmx_lock);
	if (mv_vmx_users++)
		goto out;

	atomic_set(&mv_vmx_busy_cpus, 0);
	atomic_set(&mv_vmx_failed_cpus, 0);
	on_each_cpu(vmx_on_this_cpu, NULL, 1);
	busy = atomic_read(&mv_vmx_busy_cpus);
	failed = atomic_read(&mv_vmx_failed_cpus);
	if (busy || failed) {
		on_each_cpu(vmx_off_this_cpu, NULL, 1);
		mv_vmx_users--;
	}

	if (busy) {
		pr_warn_ratelimited("minivisor: VMX is in use by another hypervisor on %d CPU(s) (kvm_intel with a VM?); VM creation refused\n",
				    busy);
		ret = -EBUSY;
	} else if (failed) {
		pr_err_ratelimited("minivisor: VMXON failed on %d CPU(s)\n",
				   failed);
		ret = -EIO;
	}
out:
	mutex_unlock(&mv_vmx_lock);
	cpus_read_unlock();
	return ret;
}

void mv_vmx_put(void)
{
	cpus_read_lock();
	mutex_lock(&mv_vmx_lock);
	if (!WARN_ON(!mv_vmx_users) && !--mv_vmx_users)
		on_each_cpu(vmx_off_this_cpu, NULL, 1);
	mutex_unlock(&mv_vmx_lock);
	cpus_read_unlock();
}

static void vmclear_on_this_cpu(void *arg)
{
	struct mv_vcpu *vcpu = arg;

	if (vcpu->cpu != raw_smp_processor_id())
		return;
	mv_vmclear(vcpu->vmcs_pa);
	list_del_init(&vcpu->loaded_node);
	if (this_cpu_read(mv_current_vcpu) == vcpu)
		this_cpu_write(mv_current_vcpu, NULL);
	vcpu->cpu = -1;
	vcpu->launched = false;
}

void mv_vmcs_clear(struct mv_vcpu *vcpu)
{
	int cpu = READ_ONCE(vcpu->cpu);

	if (cpu >= 0)
		smp_call_function_single(cpu, vmclear_on_this_cpu, vcpu, 1);
}

void mv_vmcs_load(struct mv_vcpu *vcpu)
{
	int cpu = smp_processor_id();
	unsigned long flags;

	if (vcpu->cpu != cpu) {
		/* Active elsewhere: SDM requires VMCLEAR there first. */
		if (vcpu->cpu >= 0)
			smp_call_function_single(vcpu->cpu,
						 vmclear_on_this_cpu, vcpu, 1);
		local_irq_save(flags);
		list_add(&vcpu->loaded_node, this_cpu_ptr(&mv_loaded_vmcss));
		vcpu->cpu = cpu;
		local_irq_restore(flags);
	}
	if (this_cpu_read(mv_current_vcpu) != vcpu) {
		if (mv_vmptrld(vcpu->vmcs_pa))
			pr_err_ratelimited("minivisor: VMPTRLD failed for vCPU %u\n",
					   vcpu->id);
		this_cpu_write(mv_current_vcpu, vcpu);
	}
	/* TR, GDT, GS and SYSENTER stack differ per CPU. */
	if (vcpu->host_cpu != cpu) {
		mv_vmcs_set_host_percpu();
		vcpu->host_cpu = cpu;
	}
}

static void invept_this_cpu(void *arg)
{
	u64 eptp = *(u64 *)arg;

	if (!this_cpu_read(mv_vmx_on))
		return;
	if (mv_has_invept_single())
		mv_invept(MV_INVEPT_SINGLE_CONTEXT, eptp);
	else
		mv_invept(MV_INVEPT_ALL_CONTEXT, 0);
}

void mv_invept_all_cpus(u64 eptp)
{
	on_each_cpu(invept_this_cpu, &eptp, 1);
}

/* CPU hotplug: a CPU coming online while VMs exist needs VMX too. */
static int mv_cpu_online(unsigned int cpu)
{
	int ret = 0;

	mutex_lock(&mv_vmx_lock);
	if (mv_vmx_users) {
		atomic_set(&mv_vmx_busy_cpus, 0);
		atomic_set(&mv_vmx_failed_cpus, 0);
		local_irq_disable();
		vmx_on_this_cpu(NULL);
		local_irq_enable();
		if (atomic_read(&mv_vmx_busy_cpus) ||
		    atomic_read(&mv_vmx_failed_cpus))
			ret = -EIO;
	}
	mutex_unlock(&mv_vmx_lock);
	return ret;
}

static int mv_cpu_offline(unsigned int cpu)
{
	local_irq_disable();
	vmx_off_this_cpu(NULL);
	local_irq_enable();
	return 0;
}

static void free_vmxon_regions(void)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		free_page((unsigned long)per_cpu(mv_vmxon_region, cpu));
		per_cpu(mv_vmxon_region, cpu) = NULL;
	}
}

int mv_vmx_cpu_init(void)
{
	int cpu, ret;

	for_each_possible_cpu(cpu) {
		struct page *page;

		INIT_LIST_HEAD(&per_cpu(mv_loaded_vmcss, cpu));
		page = alloc_pages_node(cpu_to_node(cpu),
					GFP_KERNEL | __GFP_ZERO, 0);
		if (!page) {
			ret = -ENOMEM;
			goto err_free_regions;
		}
		per_cpu(mv_vmxon_region, cpu) = page_address(page);
	}

	ret = cpuhp_setup_state_nocalls(CPUHP_AP_ONLINE_DYN, "minivisor:online",
					mv_cpu_online, mv_cpu_offline);
	if (ret < 0)
		goto err_free_regions;
	mv_hp_state = ret;
	return 0;

err_free_regions:
	free_vmxon_regions();
	return ret;
}

void mv_vmx_cpu_exit(void)
{
	cpuhp_remove_state_nocalls(mv_hp_state);
	free_vmxon_regions();
}

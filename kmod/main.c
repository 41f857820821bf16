// SPDX-License-Identifier: GPL-2.0
/*
 * minivisor: a small hypervisor that drives Intel VMX itself.
 *
 * /dev/minivisor is the system fd: API version, capabilities, VM creation.
 */
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/uaccess.h>
#include <minivisor.h>
#include "caps.h"
#include "genl.h"
#include "mv.h"
#include "vmx_cpu.h"

static long get_caps(void __user *argp)
{
	struct mv_caps caps = {
		.api_version = MV_API_VERSION,
		.run_mmap_size = PAGE_SIZE,
		.features = mv_caps_features(),
		.max_vms = MV_MAX_VMS,
		.max_vcpus = MV_MAX_VCPUS,
		.max_slots = MV_MAX_SLOTS,
		.max_mem = MV_MAX_MEM,
		.max_gpa = mv_caps.max_gpa,
		.vmx_basic = mv_caps.basic,
		.vmx_pinbased_ctls = mv_caps.pinbased,
		.vmx_procbased_ctls = mv_caps.procbased,
		.vmx_procbased_ctls2 = mv_caps.procbased2,
		.vmx_exit_ctls = mv_caps.exit,
		.vmx_entry_ctls = mv_caps.entry,
		.vmx_misc = mv_caps.misc,
		.vmx_ept_vpid_cap = mv_caps.ept_vpid,
		.vmx_cr0_fixed0 = mv_caps.cr0_fixed0,
		.vmx_cr0_fixed1 = mv_caps.cr0_fixed1,
		.vmx_cr4_fixed0 = mv_caps.cr4_fixed0,
		.vmx_cr4_fixed1 = mv_caps.cr4_fixed1,
	};

	return copy_to_user(argp, &caps, sizeof(caps)) ? -EFAULT : 0;
}

static long mv_dev_ioctl(struct file *filp, unsigned int cmd,
			 unsigned long arg)
{
	switch (cmd) {
	case MV_GET_API_VERSION:
		return arg ? -EINVAL : MV_API_VERSION;
	case MV_GET_CAPS:
		return get_caps((void __user *)arg);
	case MV_CREATE_VM:
		return mv_create_vm_fd(arg);
	default:
		return -ENOTTY;
	}
}

static const struct file_operations mv_dev_fops = {
	.owner		= THIS_MODULE,
	.unlocked_ioctl	= mv_dev_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.llseek		= noop_llseek,
};

static struct miscdevice mv_dev = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= "minivisor",
	.fops	= &mv_dev_fops,
	.mode	= 0660,
};

static int __init mv_init(void)
{
	int ret;

	ret = mv_caps_probe();
	if (ret)
		return ret;
	ret = mv_vmx_cpu_init();
	if (ret)
		return ret;
	ret = mv_genl_init();
	if (ret)
		goto err_cpu_exit;
	ret = misc_register(&mv_dev);
	if (ret)
		goto err_genl_exit;
	return 0;

err_genl_exit:
	mv_genl_exit();
err_cpu_exit:
	mv_vmx_cpu_exit();
	return ret;
}

static void __exit mv_exit(void)
{
	misc_deregister(&mv_dev);
	mv_genl_exit();
	mv_vmx_cpu_exit();
}

module_init(mv_init);
module_exit(mv_exit);
MODULE_DESCRIPTION("minivisor: a small Intel VMX hypervisor");
MODULE_LICENSE("GPL");

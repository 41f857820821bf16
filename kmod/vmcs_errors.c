// SPDX-License-Identifier: GPL-2.0
/*
 * VMREAD/VMWRITE failures, reported with the VM-instruction error (SDM
 * Vol. 3C 31.4), out of line so the accessors stay small.
 */
#include <linux/printk.h>
#include "vmcs.h"

/* VMREAD without the error path, so a failure here cannot recurse. */
static unsigned long vm_instruction_error(void)
{
	unsigned long value = 0;

	asm volatile("vmread %[field], %[value]"
		     : [value] "+rm" (value)
		     : [field] "r" ((unsigned long)VM_INSTRUCTION_ERROR)
		     : "cc");
	return value;
}

noinline void mv_vmwrite_error(unsigned long field, unsigned long value)
{
	pr_err_ratelimited("minivisor: vmwrite failed: field 0x%lx value 0x%lx error %lu\n",
			   field, value, vm_instruction_error());
}

noinline void mv_vmread_error(unsigned long field)
{
	pr_err_ratelimited("minivisor: vmread failed: field 0x%lx error %lu\n",
			   field, vm_instruction_error());
}

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared between vmenter.S and C: <asm/vmx.h> cannot be included from
 * assembly, so the one field encoding the entry code needs is repeated
 * here and checked against it at build time (vcpu.c).
 */
#ifndef MV_VMENTER_H
#define MV_VMENTER_H

#define MV_VMCS_HOST_RSP	0x00006c14	/* SDM Vol. 3D B.4.4 */

#ifndef __ASSEMBLY__
#include <linux/types.h>

/* 0 after a VM exit, 1 if VMLAUNCH/VMRESUME failed. */
int mv_vmx_enter(unsigned long *gprs, bool launched);
/* Where VM exits land (HOST_RIP). */
extern const char mv_vmx_exit[];
#endif

#endif /* MV_VMENTER_H */

/* SPDX-License-Identifier: GPL-2.0 */
/* What the KVM backend offers beyond hv.h: its device and `caps --hv kvm`. */
#ifndef MV_HV_KVM_H
#define MV_HV_KVM_H

#include <stdio.h>

#define MV_KVM_DEVICE_PATH	"/dev/kvm"
/* Environment variable that overrides MV_KVM_DEVICE_PATH (tests use it). */
#define MV_KVM_DEVICE_ENV	"MINIVISOR_KVM_DEVICE"

/*
 * Opens the KVM device and checks its API version. Returns the fd, or
 * -errno with a message naming the cause and the fix (mv_last_error()).
 */
int mv_kvm_open_device(void);

/* `minivisor caps --hv kvm`: what KVM offers that --hv kvm uses. */
int mv_kvm_print_caps(FILE *out);

#endif /* MV_HV_KVM_H */

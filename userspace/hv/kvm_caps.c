// SPDX-License-Identifier: GPL-2.0
/* `minivisor caps --hv kvm`: the KVM facts `run --hv kvm` depends on. */
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/kvm.h>

#include "hv/kvm.h"
#include "util.h"

/* A module parameter as sysfs shows it ("Y", "N", "1", ...) or "?". */
static void read_param(const char *module, const char *param, char *buf,
		       size_t len)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "/sys/module/%s/parameters/%s", module,
		 param);
	snprintf(buf, len, "?");
	f = fopen(path, "r");
	if (!f)
		return;
	if (fgets(buf, (int)len, f))
		buf[strcspn(buf, "\n")] = '\0';
	fclose(f);
}

int mv_kvm_print_caps(FILE *out)
{
	static const struct {
		long cap;
		const char *name;
	} caps[] = {
		{ KVM_CAP_NR_VCPUS,		"vCPUs (recommended)" },
		{ KVM_CAP_MAX_VCPUS,		"vCPUs (maximum)" },
		{ KVM_CAP_NR_MEMSLOTS,		"memory slots" },
		{ KVM_CAP_IMMEDIATE_EXIT,	"immediate exit" },
		{ KVM_CAP_COALESCED_MMIO,	"coalesced MMIO page" },
		{ KVM_CAP_COALESCED_PIO,	"coalesced PIO" },
		{ KVM_CAP_X86_USER_SPACE_MSR,	"user-space MSR exits" },
		{ KVM_CAP_VCPU_EVENTS,		"vCPU events" },
	};
	static const struct {
		const char *module, *param;
	} params[] = {
		{ "kvm_intel", "ept" },
		{ "kvm_intel", "unrestricted_guest" },
		{ "kvm_intel", "nested" },
		{ "kvm", "ignore_msrs" },
	};
	char val[32];
	unsigned int i;
	long r;
	int fd;

	fd = mv_kvm_open_device();
	if (fd < 0)
		return fd;
	fprintf(out, "hypervisor: KVM (%s)\n", MV_KVM_DEVICE_PATH);
	fprintf(out, "api version: %d\n", ioctl(fd, KVM_GET_API_VERSION, 0));
	fprintf(out, "capabilities (KVM_CHECK_EXTENSION):\n");
	for (i = 0; i < ARRAY_SIZE(caps); i++) {
		r = ioctl(fd, KVM_CHECK_EXTENSION, caps[i].cap);
		fprintf(out, "  %-24s %ld\n", caps[i].name, r < 0 ? 0 : r);
	}
	r = ioctl(fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	fprintf(out, "  %-24s %ld bytes\n", "vCPU mmap", r < 0 ? 0 : r);
	fprintf(out, "module parameters:\n");
	for (i = 0; i < ARRAY_SIZE(params); i++) {
		read_param(params[i].module, params[i].param, val, sizeof(val));
		fprintf(out, "  %s.%-18s %s\n", params[i].module,
			params[i].param, val);
	}
	close(fd);
	return 0;
}

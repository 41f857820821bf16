// SPDX-License-Identifier: GPL-2.0
/* System fd: open, API version, capabilities, VM creation. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "libminivisor.h"
#include "internal.h"

int mv_open_system(const char *path)
{
	int fd, version, err;

	if (!path)
		path = getenv(MV_DEVICE_ENV);
	if (!path || !*path)
		path = MV_DEVICE_PATH;
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		err = errno;
		return mv_fail(err, "cannot open %s: %s (is minivisor.ko loaded? insmod kmod/minivisor.ko)",
			       path, strerror(err));
	}

	version = ioctl(fd, MV_GET_API_VERSION, 0);
	if (version < 0) {
		err = errno;
		close(fd);
		return mv_fail(err, "%s: MV_GET_API_VERSION failed: %s (is %s really the minivisor device?)",
			       path, strerror(err), path);
	}
	if (version != MV_API_VERSION) {
		close(fd);
		return mv_fail(EPROTO, "%s speaks API version %d, this tool was built for %d: build kmod/ and userspace/ from the same tree",
			       path, version, MV_API_VERSION);
	}
	return fd;
}

int mv_get_caps(int sys_fd, struct mv_caps *caps)
{
	memset(caps, 0, sizeof(*caps));
	if (ioctl(sys_fd, MV_GET_CAPS, caps) < 0) {
		int err = errno;

		return mv_fail(err, "MV_GET_CAPS failed: %s", strerror(err));
	}
	return 0;
}

int mv_create_vm(int sys_fd)
{
	int fd = ioctl(sys_fd, MV_CREATE_VM, 0);
	int err;

	if (fd >= 0)
		return fd;
	err = errno;
	switch (err) {
	case EBUSY:
		return mv_fail(err, "cannot create a VM: VMX is busy (EBUSY): another hypervisor holds it (kvm_intel with a VM?); stop that VM or rmmod kvm_intel");
	case ENOSPC:
		return mv_fail(err, "cannot create a VM: the module's limit of VMs alive at once is reached (see `minivisor caps`)");
	default:
		return mv_fail(err, "cannot create a VM: %s (see dmesg for the module's reason)",
			       strerror(err));
	}
}

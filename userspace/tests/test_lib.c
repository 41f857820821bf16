// SPDX-License-Identifier: GPL-2.0
/*
 * libminivisor without a module: the failure paths that need no
 * /dev/minivisor, and their messages.
 */
#include <errno.h>
#include <stdlib.h>

#include "test.h"
#include "lib/libminivisor.h"

TEST(lib_open_missing_device)
{
	CHECK_EQ(mv_open_system("/nonexistent/minivisor"), -ENOENT);
	CHECK_STREQ(mv_last_error(),
		    "cannot open /nonexistent/minivisor: No such file or directory (is minivisor.ko loaded? insmod kmod/minivisor.ko)");
}

TEST(lib_open_env_override)
{
	const char *old = getenv(MV_DEVICE_ENV);
	char *saved = old ? strdup(old) : NULL;

	setenv(MV_DEVICE_ENV, "/nonexistent/other", 1);
	CHECK_EQ(mv_open_system(NULL), -ENOENT);
	CHECK_CONTAINS(mv_last_error(), "cannot open /nonexistent/other:");
	if (saved)
		setenv(MV_DEVICE_ENV, saved, 1);
	else
		unsetenv(MV_DEVICE_ENV);
	free(saved);
}

TEST(lib_open_wrong_device)
{
	/* /dev/null opens but knows no minivisor ioctl. */
	CHECK_EQ(mv_open_system("/dev/null"), -ENOTTY);
	CHECK_CONTAINS(mv_last_error(), "/dev/null: MV_GET_API_VERSION failed");
	CHECK_CONTAINS(mv_last_error(), "really the minivisor device");
}

TEST(lib_bad_fds)
{
	struct mv_vcpu vcpu = { .fd = -1, .id = 3 };
	struct mv_exit_stats st;
	struct mv_caps caps;
	struct mv_regs regs;

	CHECK_EQ(mv_get_caps(-1, &caps), -EBADF);
	CHECK_CONTAINS(mv_last_error(), "MV_GET_CAPS failed: Bad file descriptor");
	CHECK_EQ(mv_create_vm(-1), -EBADF);
	CHECK_CONTAINS(mv_last_error(), "cannot create a VM: Bad file descriptor");
	CHECK_EQ(mv_run(&vcpu), -EBADF);
	CHECK_CONTAINS(mv_last_error(), "vCPU 3: MV_RUN failed");
	CHECK_EQ(mv_get_regs(&vcpu, &regs), -EBADF);
	CHECK_CONTAINS(mv_last_error(), "vCPU 3: MV_GET_REGS failed");
	CHECK_EQ(mv_get_exit_stats(&vcpu, &st), -EBADF);
}

TEST(lib_add_memory_validation)
{
	struct mv_mem_region r;

	CHECK_EQ(mv_add_memory(-1, 0, 0, 0, 0, &r), -EINVAL);
	CHECK_CONTAINS(mv_last_error(), "must be non-zero multiples of 4 KiB");
	CHECK_EQ(mv_add_memory(-1, 0, 0x800, 4096, 0, &r), -EINVAL);
	CHECK_EQ(mv_add_memory(-1, 0, 0, 4097, 0, &r), -EINVAL);
	CHECK(r.host == NULL);
	/* Valid shape, no VM: the mapping is undone. */
	CHECK_EQ(mv_add_memory(-1, 1, 0, 4096, 0, &r), -EBADF);
	CHECK_CONTAINS(mv_last_error(), "MV_SET_MEMORY_SLOT (slot 1, gpa 0x0, size 0x1000) failed");
	CHECK(r.host == NULL);
	mv_remove_memory(-1, &r);	/* no-op on an unused region */
}

TEST(lib_create_vcpu_validation)
{
	struct mv_vcpu vcpu;

	CHECK_EQ(mv_create_vcpu(-1, 0, 64, &vcpu), -EINVAL);
	CHECK_CONTAINS(mv_last_error(), "smaller than struct mv_run");
	CHECK_EQ(vcpu.fd, -1);
	CHECK_EQ(mv_create_vcpu(-1, 2, 4096, &vcpu), -EBADF);
	CHECK_CONTAINS(mv_last_error(), "cannot create vCPU 2");
	mv_destroy_vcpu(&vcpu);		/* no-op on an unused vCPU */
	CHECK_EQ(vcpu.fd, -1);
}

TEST(lib_uapi_layout)
{
	/* The I/O data area must not overlap the header. */
	CHECK(sizeof(struct mv_run) <= MV_RUN_HEADER_SIZE);
	CHECK_EQ(MV_RUN_IO_DATA_OFFSET + MV_RUN_IO_DATA_MAX, 4096);
	CHECK_EQ(sizeof(((struct mv_run *)0)->mmio.data), 8);
}

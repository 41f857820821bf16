// SPDX-License-Identifier: GPL-2.0
/* vCPU fd: registers, RUN, exit statistics. */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>

#include "libminivisor.h"
#include "internal.h"

static int vcpu_ioctl(const struct mv_vcpu *vcpu, unsigned long cmd,
		      void *arg, const char *name)
{
	int err;

	if (ioctl(vcpu->fd, cmd, arg) == 0)
		return 0;
	err = errno;
	if (err == EINVAL && (cmd == MV_SET_REGS || cmd == MV_SET_SREGS))
		return mv_fail(err, "vCPU %u: %s rejected the register state (reserved bits or an invalid combination; see dmesg)",
			       vcpu->id, name);
	return mv_fail(err, "vCPU %u: %s failed: %s", vcpu->id, name,
		       strerror(err));
}

int mv_get_regs(const struct mv_vcpu *vcpu, struct mv_regs *regs)
{
	memset(regs, 0, sizeof(*regs));
	return vcpu_ioctl(vcpu, MV_GET_REGS, regs, "MV_GET_REGS");
}

int mv_set_regs(const struct mv_vcpu *vcpu, const struct mv_regs *regs)
{
	return vcpu_ioctl(vcpu, MV_SET_REGS, (void *)regs, "MV_SET_REGS");
}

int mv_get_sregs(const struct mv_vcpu *vcpu, struct mv_sregs *sregs)
{
	memset(sregs, 0, sizeof(*sregs));
	return vcpu_ioctl(vcpu, MV_GET_SREGS, sregs, "MV_GET_SREGS");
}

int mv_set_sregs(const struct mv_vcpu *vcpu, const struct mv_sregs *sregs)
{
	return vcpu_ioctl(vcpu, MV_SET_SREGS, (void *)sregs, "MV_SET_SREGS");
}

int mv_run(const struct mv_vcpu *vcpu)
{
	int err;

	if (ioctl(vcpu->fd, MV_RUN, 0) == 0)
		return 0;
	err = errno;
	if (err == EINTR)
		return mv_fail(err, "vCPU %u: MV_RUN interrupted by a signal",
			       vcpu->id);
	return mv_fail(err, "vCPU %u: MV_RUN failed: %s (see dmesg)",
		       vcpu->id, strerror(err));
}

int mv_queue_interrupt(int vcpu_fd, unsigned int vector)
{
	struct mv_interrupt irq = { .vector = vector };

	if (ioctl(vcpu_fd, MV_INTERRUPT, &irq) == 0)
		return 0;
	return -errno;
}

int mv_set_msr_policy(const struct mv_vcpu *vcpu, uint32_t policy)
{
	struct mv_msr_policy p = { .policy = policy };

	return vcpu_ioctl(vcpu, MV_SET_MSR_POLICY, &p, "MV_SET_MSR_POLICY");
}

int mv_queue_nmi(int vcpu_fd)
{
	if (ioctl(vcpu_fd, MV_NMI, 0) == 0)
		return 0;
	return -errno;
}

int mv_get_exit_stats(const struct mv_vcpu *vcpu, struct mv_exit_stats *st)
{
	memset(st, 0, sizeof(*st));
	return vcpu_ioctl(vcpu, MV_GET_EXIT_STATS, st, "MV_GET_EXIT_STATS");
}

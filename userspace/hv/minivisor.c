// SPDX-License-Identifier: GPL-2.0
/*
 * The minivisor backend of hv.h: libminivisor's wrappers, one for one.
 * The run page is the module's own, so exits need no translation, and
 * interrupts, NMIs and HLT are the module's business (MV_INTERRUPT,
 * MV_NMI, the HLT sleep in MV_RUN).
 */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "hv/hv.h"
#include "lib/libminivisor.h"
#include "stats.h"

struct mv_hv_mv_vcpu {
	struct mv_hv_vcpu common;
	struct mv_vcpu vcpu;
};

struct mv_hv_mv {
	struct mv_hv common;
	int sys_fd;
	struct mv_caps caps;
	struct mv_mem_region ram;
};

static struct mv_hv_mv *to_mv(struct mv_hv *hv)
{
	return (struct mv_hv_mv *)hv;
}

static struct mv_hv_mv_vcpu *to_mv_vcpu(struct mv_hv_vcpu *v)
{
	return (struct mv_hv_mv_vcpu *)v;
}

static int mv_create_vm_op(struct mv_hv *hv)
{
	int fd = mv_create_vm(to_mv(hv)->sys_fd);

	if (fd < 0)
		return fd;
	hv->vm_fd = fd;
	return 0;
}

static int mv_add_ram_op(struct mv_hv *hv, uint64_t size)
{
	struct mv_hv_mv *m = to_mv(hv);
	int ret = mv_add_memory(hv->vm_fd, 0, 0, size, 0, &m->ram);

	if (ret < 0)
		return ret;
	hv->ram = m->ram.host;
	hv->ram_size = m->ram.size;
	return 0;
}

static int mv_create_vcpu_op(struct mv_hv *hv, unsigned int id,
			     struct mv_hv_vcpu **out)
{
	struct mv_hv_mv_vcpu *v = calloc(1, sizeof(*v));
	int ret;

	if (!v)
		return mv_fail(ENOMEM, "vCPU %u: out of memory", id);
	ret = mv_create_vcpu(hv->vm_fd, id, to_mv(hv)->caps.run_mmap_size,
			     &v->vcpu);
	if (ret < 0) {
		free(v);
		return ret;
	}
	v->common.hv = hv;
	v->common.id = id;
	v->common.run = v->vcpu.run;
	v->common.run_size = v->vcpu.run_size;
	*out = &v->common;
	return 0;
}

static void mv_destroy_vcpu_op(struct mv_hv_vcpu *v)
{
	mv_destroy_vcpu(&to_mv_vcpu(v)->vcpu);
	free(to_mv_vcpu(v));
}

static int mv_set_regs_op(struct mv_hv_vcpu *v, const struct mv_regs *regs)
{
	return mv_set_regs(&to_mv_vcpu(v)->vcpu, regs);
}

static int mv_set_sregs_op(struct mv_hv_vcpu *v, const struct mv_sregs *s)
{
	return mv_set_sregs(&to_mv_vcpu(v)->vcpu, s);
}

static int mv_set_msr_policy_op(struct mv_hv_vcpu *v, uint32_t policy)
{
	return mv_set_msr_policy(&to_mv_vcpu(v)->vcpu, policy);
}

static int mv_run_op(struct mv_hv_vcpu *v)
{
	return mv_run(&to_mv_vcpu(v)->vcpu);
}

/* From a signal handler: one store to the shared page. */
static void mv_request_exit_op(struct mv_hv_vcpu *v)
{
	((volatile struct mv_run *)v->run)->immediate_exit = 1;
}

static int mv_queue_interrupt_op(struct mv_hv_vcpu *v, unsigned int vector)
{
	return mv_queue_interrupt(to_mv_vcpu(v)->vcpu.fd, vector);
}

static int mv_queue_nmi_op(struct mv_hv_vcpu *v)
{
	return mv_queue_nmi(to_mv_vcpu(v)->vcpu.fd);
}

/* The module's in-kernel table per vCPU, then the sum (README.md). */
static int mv_print_stats_op(struct mv_hv *hv, FILE *out,
			     struct mv_hv_vcpu *const *vcpus, unsigned int n)
{
	struct mv_exit_stats st, sum = { 0 };
	char title[64];
	unsigned int i;
	int ret;

	(void)hv;
	for (i = 0; i < n; i++) {
		ret = mv_get_exit_stats(&to_mv_vcpu(vcpus[i])->vcpu, &st);
		if (ret < 0)
			return ret;
		if (n == 1) {
			mv_print_exit_stats(out, &st);
			return 0;
		}
		snprintf(title, sizeof(title), "exit statistics: vCPU %u", i);
		mv_print_exit_stats_titled(out, title, &st);
		mv_add_exit_stats(&sum, &st);
	}
	if (n > 1)
		mv_print_exit_stats_titled(out, "exit statistics: all vCPUs",
					   &sum);
	return 0;
}

static void mv_close_op(struct mv_hv *hv)
{
	struct mv_hv_mv *m = to_mv(hv);

	mv_remove_memory(hv->vm_fd, &m->ram);
	if (hv->vm_fd >= 0)
		close(hv->vm_fd);
	if (m->sys_fd >= 0)
		close(m->sys_fd);
	free(m);
}

static const struct mv_hv_ops mv_ops = {
	.create_vm = mv_create_vm_op,
	.add_ram = mv_add_ram_op,
	.create_vcpu = mv_create_vcpu_op,
	.set_regs = mv_set_regs_op,
	.set_sregs = mv_set_sregs_op,
	.set_msr_policy = mv_set_msr_policy_op,
	.run = mv_run_op,
	.request_exit = mv_request_exit_op,
	.queue_interrupt = mv_queue_interrupt_op,
	.queue_nmi = mv_queue_nmi_op,
	.print_stats = mv_print_stats_op,
	.destroy_vcpu = mv_destroy_vcpu_op,
	.close = mv_close_op,
};

int mv_hv_minivisor_open(struct mv_hv **out)
{
	struct mv_hv_mv *m = calloc(1, sizeof(*m));
	struct mv_hv_caps *c;
	int ret;

	if (!m)
		return mv_fail(ENOMEM, "out of memory");
	m->common.ops = &mv_ops;
	m->common.kind = MV_HV_MINIVISOR;
	m->common.vm_fd = -1;
	m->sys_fd = mv_open_system(NULL);
	if (m->sys_fd < 0) {
		ret = m->sys_fd;
		free(m);
		return ret;
	}
	ret = mv_get_caps(m->sys_fd, &m->caps);
	if (ret < 0) {
		mv_close_op(&m->common);
		return ret;
	}
	c = &m->common.caps;
	c->name = "the module";
	c->run_size = m->caps.run_mmap_size;
	c->max_vcpus = m->caps.max_vcpus;
	c->max_mem = m->caps.max_mem;
	c->max_gpa = m->caps.max_gpa;
	c->real_mode = m->caps.features & MV_FEAT_UNRESTRICTED_GUEST;
	c->rings = true;
	*out = &m->common;
	return 0;
}

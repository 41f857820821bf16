// SPDX-License-Identifier: GPL-2.0
/* The backend-independent half of hv.h: names and dispatch. */
#include <errno.h>
#include <string.h>

#include "hv/hv.h"
#include "lib/libminivisor.h"

const char *mv_hv_kind_name(enum mv_hv_kind kind)
{
	return kind == MV_HV_KVM ? "kvm" : "minivisor";
}

int mv_hv_parse_kind(const char *s, enum mv_hv_kind *kind)
{
	if (!strcmp(s, "minivisor")) {
		*kind = MV_HV_MINIVISOR;
		return 0;
	}
	if (!strcmp(s, "kvm")) {
		*kind = MV_HV_KVM;
		return 0;
	}
	return -EINVAL;
}

int mv_hv_open(enum mv_hv_kind kind, struct mv_hv **out)
{
	*out = NULL;
	if (kind == MV_HV_KVM)
		return mv_hv_kvm_open(out);
	return mv_hv_minivisor_open(out);
}

void mv_hv_close(struct mv_hv *hv)
{
	if (hv)
		hv->ops->close(hv);
}

int mv_hv_create_vm(struct mv_hv *hv)
{
	return hv->ops->create_vm(hv);
}

int mv_hv_add_ram(struct mv_hv *hv, uint64_t size)
{
	return hv->ops->add_ram(hv, size);
}

int mv_hv_create_vcpu(struct mv_hv *hv, unsigned int id,
		      struct mv_hv_vcpu **out)
{
	*out = NULL;
	return hv->ops->create_vcpu(hv, id, out);
}

void mv_hv_destroy_vcpu(struct mv_hv_vcpu *v)
{
	if (v)
		v->hv->ops->destroy_vcpu(v);
}

int mv_hv_set_regs(struct mv_hv_vcpu *v, const struct mv_regs *regs)
{
	return v->hv->ops->set_regs(v, regs);
}

int mv_hv_set_sregs(struct mv_hv_vcpu *v, const struct mv_sregs *sregs)
{
	return v->hv->ops->set_sregs(v, sregs);
}

int mv_hv_set_msr_policy(struct mv_hv_vcpu *v, uint32_t policy)
{
	return v->hv->ops->set_msr_policy(v, policy);
}

void mv_hv_vcpu_bind(struct mv_hv_vcpu *v, struct mv_vcpu_ctx *ctx,
		     struct mv_bus *bus)
{
	if (v->hv->ops->bind)
		v->hv->ops->bind(v, ctx, bus);
}

int mv_hv_vcpu_run(struct mv_hv_vcpu *v)
{
	return v->hv->ops->run(v);
}

void mv_hv_vcpu_request_exit(struct mv_hv_vcpu *v)
{
	v->hv->ops->request_exit(v);
}

int mv_hv_queue_interrupt(struct mv_hv_vcpu *v, unsigned int vector)
{
	return v->hv->ops->queue_interrupt(v, vector);
}

int mv_hv_queue_nmi(struct mv_hv_vcpu *v)
{
	return v->hv->ops->queue_nmi(v);
}

int mv_hv_add_coalesced(struct mv_hv *hv, enum mv_space space,
			uint64_t base, uint64_t len)
{
	if (!hv->ops->add_coalesced)
		return mv_fail(EOPNOTSUPP, "%s has no coalesced MMIO: use --ring NAME:posted (posted writes through the shared rings) instead",
			       hv->caps.name);
	return hv->ops->add_coalesced(hv, space, base, len);
}

void mv_hv_flush(struct mv_hv *hv)
{
	if (hv->ops->flush)
		hv->ops->flush(hv);
}

int mv_hv_print_stats(struct mv_hv *hv, FILE *out,
		      struct mv_hv_vcpu *const *vcpus, unsigned int n)
{
	return hv->ops->print_stats(hv, out, vcpus, n);
}

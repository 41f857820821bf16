// SPDX-License-Identifier: GPL-2.0
/*
 * The "minivisor" generic netlink family. Requests are validated by the
 * family's strict policy before any handler runs (an attribute a request
 * may not carry is NLA_UNSPEC here, which strict validation rejects);
 * handlers check presence and existence and say what is wrong through
 * extended ack. Statistics are read without stopping the vCPUs (stats.h
 * says what a reader may see).
 */
#include <linux/slab.h>
#include <net/genetlink.h>
#include "genl.h"
#include "mv.h"
#include "stats.h"

unsigned int mv_sample_period;

static struct genl_family mv_genl_family;

static const struct nla_policy mv_genl_policy[MV_A_MAX + 1] = {
	[MV_A_VM_ID]		= { .type = NLA_U32 },
	[MV_A_VCPU_ID]		= NLA_POLICY_MAX(NLA_U32, MV_MAX_VCPUS - 1),
	[MV_A_SAMPLE_PERIOD]	= { .type = NLA_U32 },
};

enum { MV_GENL_GRP_EVENTS };

static const struct genl_multicast_group mv_genl_mcgrps[] = {
	[MV_GENL_GRP_EVENTS] = { .name = MV_GENL_MCGRP_EVENTS },
};

/* A reason nest is at most this big; a vCPU's message holds them all. */
#define REASON_NEST_MAX	(nla_total_size(0) + nla_total_size(4) +	\
			 3 * nla_total_size_64bit(8) +			\
			 nla_total_size_64bit(8 * MV_STATS_HIST_BUCKETS))
#define STATS_MSG_MAX	(NLMSG_HDRLEN + GENL_HDRLEN + 64 +		\
			 MV_NR_EXIT_REASONS * REASON_NEST_MAX)

static bool version_ok(const struct nlmsghdr *nlh,
		       struct netlink_ext_ack *extack)
{
	const struct genlmsghdr *g = nlmsg_data(nlh);

	if (g->version == MV_GENL_VERSION)
		return true;
	NL_SET_ERR_MSG_MOD(extack, "unsupported family version: this module speaks MV_GENL_VERSION 1");
	return false;
}

static int pre_doit(const struct genl_ops *ops, struct sk_buff *skb,
		    struct genl_info *info)
{
	return version_ok(info->nlhdr, info->extack) ? 0 : -EOPNOTSUPP;
}

/* ---- MV_CMD_LIST_VMS ---------------------------------------------------- */

/*
 * Dump requests are checked in the first round of their dumpit, not in
 * .start: Linux 6.1 gives .start no extended ack (cb->extack is NULL
 * there), while an error returned by dumpit reaches the requester as the
 * status of NLMSG_DONE with the message attached (netlink_dump_done()).
 * cb->args[DUMP_CHECKED] says the request has passed.
 */
#define DUMP_CHECKED	5

static int put_vm(struct sk_buff *skb, struct netlink_callback *cb,
		  struct mv_vm *vm)
{
	void *hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				cb->nlh->nlmsg_seq, &mv_genl_family,
				NLM_F_MULTI, MV_CMD_LIST_VMS);

	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_u32(skb, MV_A_VM_ID, vm->id) ||
	    nla_put_u32(skb, MV_A_PID, vm->pid) ||
	    nla_put_u32(skb, MV_A_NR_VCPUS, READ_ONCE(vm->nr_vcpus)) ||
	    nla_put_u64_64bit(skb, MV_A_MEM_BYTES, READ_ONCE(vm->mem_total),
			      MV_A_PAD)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

/* cb->args[0]: the id of the last VM sent (VMs are listed by age). */
static int list_vms_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct mv_vm *vm;

	if (!cb->args[DUMP_CHECKED]) {
		if (!version_ok(cb->nlh, cb->extack))
			return -EOPNOTSUPP;
		cb->args[DUMP_CHECKED] = 1;
	}
	mutex_lock(&mv_vms_lock);
	list_for_each_entry(vm, &mv_vms, node) {
		if (vm->id <= cb->args[0])
			continue;
		if (put_vm(skb, cb, vm))
			break;
		cb->args[0] = vm->id;
	}
	mutex_unlock(&mv_vms_lock);
	return skb->len;
}

/* ---- MV_CMD_GET_STATS / MV_CMD_RESET_STATS ------------------------------ */

static int put_reason(struct sk_buff *skb, u32 id,
		      const struct mv_reason_view *r)
{
	struct nlattr *nest;

	nest = nla_nest_start(skb, MV_A_REASON);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u32(skb, MV_A_REASON_ID, id) ||
	    nla_put_u64_64bit(skb, MV_A_COUNT, r->count, MV_A_PAD) ||
	    nla_put_u64_64bit(skb, MV_A_CYCLES_TOTAL, r->cycles_total,
			      MV_A_PAD) ||
	    nla_put_u64_64bit(skb, MV_A_CYCLES_MAX, r->cycles_max, MV_A_PAD) ||
	    nla_put_64bit(skb, MV_A_HIST, sizeof(r->hist), r->hist,
			  MV_A_PAD)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/* One stats message: a vCPU's (@vcpu_id >= 0) or the VM's totals. */
static int put_stats(struct sk_buff *skb, struct netlink_callback *cb,
		     u32 vm_id, int vcpu_id, const struct mv_stats_view *s)
{
	void *hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				cb->nlh->nlmsg_seq, &mv_genl_family,
				NLM_F_MULTI, MV_CMD_GET_STATS);
	unsigned int i;

	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_u32(skb, MV_A_VM_ID, vm_id) ||
	    (vcpu_id >= 0 && nla_put_u32(skb, MV_A_VCPU_ID, vcpu_id)) ||
	    nla_put_u64_64bit(skb, MV_A_EXITS_TOTAL, s->exits_total,
			      MV_A_PAD))
		goto cancel;
	for (i = 0; i < MV_NR_EXIT_REASONS; i++)
		if (s->reason[i].count && put_reason(skb, i, &s->reason[i]))
			goto cancel;
	genlmsg_end(skb, hdr);
	return 0;
cancel:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

/*
 * The VM (with a reference) and vCPU filter (-1: all) a stats request
 * names, or an error with extack. @attrs have passed the policy.
 */
static struct mv_vm *stats_target(struct nlattr **attrs, int *vcpu_id,
				  struct netlink_ext_ack *extack)
{
	struct mv_vm *vm;

	if (!attrs[MV_A_VM_ID]) {
		NL_SET_ERR_MSG_MOD(extack, "MV_A_VM_ID is required (MV_CMD_LIST_VMS lists the VMs)");
		return ERR_PTR(-EINVAL);
	}
	vm = mv_vm_get_by_id(nla_get_u32(attrs[MV_A_VM_ID]));
	if (!vm) {
		NL_SET_ERR_MSG_ATTR(extack, attrs[MV_A_VM_ID], "no VM with this id");
		return ERR_PTR(-ENOENT);
	}
	*vcpu_id = -1;
	if (attrs[MV_A_VCPU_ID]) {
		*vcpu_id = nla_get_u32(attrs[MV_A_VCPU_ID]);
		if (!READ_ONCE(vm->vcpus[*vcpu_id])) {
			NL_SET_ERR_MSG_ATTR(extack, attrs[MV_A_VCPU_ID],
					    "the VM has no vCPU with this id");
			mv_vm_put(vm);
			return ERR_PTR(-ENOENT);
		}
	}
	return vm;
}

static int get_stats_start(struct netlink_callback *cb)
{
	/* A vCPU's message carries every reason: make room for it. */
	cb->min_dump_alloc = STATS_MSG_MAX;
	return 0;
}

/* A vCPU's statistics as readers see them (stats.h). */
static void snapshot(struct mv_stats_view *v, const struct mv_vcpu *vcpu)
{
	/* An exit is being handled: noted, and the guest not running. */
	int inflight = READ_ONCE(vcpu->stats_row) && !READ_ONCE(vcpu->in_guest) ?
		       (int)READ_ONCE(vcpu->exit_reason) : -1;

	mv_stats_snapshot(v, vcpu->xstats, inflight);
}

/*
 * cb->args[0]: the next vCPU index; cb->args[1]: the totals were sent.
 * The VM is looked up again each round: if it is gone, the dump ends.
 */
static int get_stats_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct nlattr **attrs = genl_dumpit_info(cb)->attrs;
	struct mv_stats_view *view, *sum;
	struct mv_vm *vm;
	unsigned int i;
	int vcpu_id, err = 0;

	if (!cb->args[DUMP_CHECKED]) {
		if (!version_ok(cb->nlh, cb->extack))
			return -EOPNOTSUPP;
		vm = stats_target(attrs, &vcpu_id, cb->extack);
		if (IS_ERR(vm))
			return PTR_ERR(vm);
		cb->args[DUMP_CHECKED] = 1;
	} else {
		/* Gone since the first round: the dump just ends. */
		vm = stats_target(attrs, &vcpu_id, NULL);
		if (IS_ERR(vm))
			return 0;
	}
	view = kvmalloc(sizeof(*view), GFP_KERNEL);
	sum = kvzalloc(sizeof(*sum), GFP_KERNEL);
	if (!view || !sum) {
		err = -ENOMEM;
		goto out;
	}
	mutex_lock(&vm->lock);	/* vCPUs are created and freed under it */
	for (i = cb->args[0]; i < MV_MAX_VCPUS; i++) {
		struct mv_vcpu *v = vm->vcpus[i];

		if (!v || (vcpu_id >= 0 && vcpu_id != i))
			continue;
		snapshot(view, v);
		err = put_stats(skb, cb, vm->id, i, view);
		if (err)
			break;
	}
	cb->args[0] = i;
	if (!err && vcpu_id < 0 && !cb->args[1]) {
		for (i = 0; i < MV_MAX_VCPUS; i++) {
			if (!vm->vcpus[i])
				continue;
			snapshot(view, vm->vcpus[i]);
			mv_stats_view_add(sum, view);
		}
		err = put_stats(skb, cb, vm->id, -1, sum);
		if (!err)
			cb->args[1] = 1;
	}
	mutex_unlock(&vm->lock);
out:
	kvfree(sum);
	kvfree(view);
	mv_vm_put(vm);
	/* Nothing fitted in an empty buffer: give up rather than loop. */
	if (err && !skb->len)
		return err;
	return skb->len;
}

static int reset_stats_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct mv_vm *vm;
	unsigned int i;
	int vcpu_id;

	vm = stats_target(info->attrs, &vcpu_id, info->extack);
	if (IS_ERR(vm))
		return PTR_ERR(vm);
	mutex_lock(&vm->lock);
	for (i = 0; i < MV_MAX_VCPUS; i++)
		if (vm->vcpus[i] && (vcpu_id < 0 || vcpu_id == i))
			mv_stats_reset(vm->vcpus[i]->xstats);
	mutex_unlock(&vm->lock);
	mv_vm_put(vm);
	return 0;
}

/* ---- MV_CMD_SET_SAMPLING and events -------------------------------------- */

static int set_sampling_doit(struct sk_buff *skb, struct genl_info *info)
{
	if (!info->attrs[MV_A_SAMPLE_PERIOD]) {
		NL_SET_ERR_MSG_MOD(info->extack, "MV_A_SAMPLE_PERIOD is required (0 turns sampling off)");
		return -EINVAL;
	}
	WRITE_ONCE(mv_sample_period,
		   nla_get_u32(info->attrs[MV_A_SAMPLE_PERIOD]));
	return 0;
}

static struct sk_buff *event_new(u8 cmd, void **hdr)
{
	struct sk_buff *msg;

	if (!genl_has_listeners(&mv_genl_family, &init_net,
				MV_GENL_GRP_EVENTS))
		return NULL;
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return NULL;
	*hdr = genlmsg_put(msg, 0, 0, &mv_genl_family, 0, cmd);
	if (!*hdr) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

static void event_send(struct sk_buff *msg, void *hdr, int err)
{
	if (err) {
		nlmsg_free(msg);
		return;
	}
	genlmsg_end(msg, hdr);
	genlmsg_multicast(&mv_genl_family, msg, 0, MV_GENL_GRP_EVENTS,
			  GFP_KERNEL);
}

void mv_genl_vm_event(struct mv_vm *vm, bool created)
{
	struct sk_buff *msg;
	void *hdr;
	int err;

	msg = event_new(created ? MV_CMD_VM_CREATED : MV_CMD_VM_DESTROYED,
			&hdr);
	if (!msg)
		return;
	err = nla_put_u32(msg, MV_A_VM_ID, vm->id);
	if (!err && created)
		err = nla_put_u32(msg, MV_A_PID, vm->pid);
	event_send(msg, hdr, err);
}

void mv_genl_exit_sample(struct mv_vcpu *vcpu, u64 cycles)
{
	struct sk_buff *msg;
	void *hdr;
	int err;

	msg = event_new(MV_CMD_EXIT_SAMPLE, &hdr);
	if (!msg)
		return;
	err = nla_put_u32(msg, MV_A_VM_ID, vcpu->vm->id) ||
	      nla_put_u32(msg, MV_A_VCPU_ID, vcpu->id) ||
	      nla_put_u32(msg, MV_A_REASON_ID, vcpu->exit_reason) ||
	      nla_put_u64_64bit(msg, MV_A_EXIT_QUAL, vcpu->sample_qual,
				MV_A_PAD) ||
	      nla_put_u64_64bit(msg, MV_A_GUEST_RIP, vcpu->sample_rip,
				MV_A_PAD) ||
	      nla_put_u64_64bit(msg, MV_A_CYCLES, cycles, MV_A_PAD);
	event_send(msg, hdr, err);
}

/* ---- the family ---------------------------------------------------------- */

static const struct genl_ops mv_genl_ops[] = {
	{
		.cmd	= MV_CMD_LIST_VMS,
		.dumpit	= list_vms_dump,
		.flags	= GENL_ADMIN_PERM,
	},
	{
		.cmd	= MV_CMD_GET_STATS,
		.start	= get_stats_start,
		.dumpit	= get_stats_dump,
		.flags	= GENL_ADMIN_PERM,
	},
	{
		.cmd	= MV_CMD_RESET_STATS,
		.doit	= reset_stats_doit,
		.flags	= GENL_ADMIN_PERM,
	},
	{
		.cmd	= MV_CMD_SET_SAMPLING,
		.doit	= set_sampling_doit,
		.flags	= GENL_ADMIN_PERM,
	},
};

static struct genl_family mv_genl_family __ro_after_init = {
	.name		= MV_GENL_NAME,
	.version	= MV_GENL_VERSION,
	.maxattr	= MV_A_MAX,
	.policy		= mv_genl_policy,
	.pre_doit	= pre_doit,
	.module		= THIS_MODULE,
	.ops		= mv_genl_ops,
	.n_ops		= ARRAY_SIZE(mv_genl_ops),
	.mcgrps		= mv_genl_mcgrps,
	.n_mcgrps	= ARRAY_SIZE(mv_genl_mcgrps),
};

int mv_genl_init(void)
{
	return genl_register_family(&mv_genl_family);
}

void mv_genl_exit(void)
{
	genl_unregister_family(&mv_genl_family);
}

// SPDX-License-Identifier: GPL-2.0
/* The client of the "minivisor" generic netlink family, on libnl (genl.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/netlink.h>
#include <netlink/netlink.h>
#include <netlink/attr.h>
#include <netlink/msg.h>
#include <netlink/genl/genl.h>
#include <netlink/genl/ctrl.h>

#include "genl.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

/* Replies of a stats dump can be ~30 KiB each (every reason's histogram). */
#define MV_GENL_MSG_BUF		(64 * 1024)
#define MV_GENL_RCVBUF		(1024 * 1024)
#define HIST_BYTES		(MV_STATS_HIST_BUCKETS * sizeof(uint64_t))

static const char *const attr_names[MV_A_MAX + 1] = {
	[MV_A_PAD]		= "MV_A_PAD",
	[MV_A_VM_ID]		= "MV_A_VM_ID",
	[MV_A_VCPU_ID]		= "MV_A_VCPU_ID",
	[MV_A_PID]		= "MV_A_PID",
	[MV_A_NR_VCPUS]		= "MV_A_NR_VCPUS",
	[MV_A_MEM_BYTES]	= "MV_A_MEM_BYTES",
	[MV_A_EXITS_TOTAL]	= "MV_A_EXITS_TOTAL",
	[MV_A_REASON]		= "MV_A_REASON",
	[MV_A_REASON_ID]	= "MV_A_REASON_ID",
	[MV_A_COUNT]		= "MV_A_COUNT",
	[MV_A_CYCLES_TOTAL]	= "MV_A_CYCLES_TOTAL",
	[MV_A_CYCLES_MAX]	= "MV_A_CYCLES_MAX",
	[MV_A_HIST]		= "MV_A_HIST",
	[MV_A_SAMPLE_PERIOD]	= "MV_A_SAMPLE_PERIOD",
	[MV_A_EXIT_QUAL]	= "MV_A_EXIT_QUAL",
	[MV_A_GUEST_RIP]	= "MV_A_GUEST_RIP",
	[MV_A_CYCLES]		= "MV_A_CYCLES",
};

static const char *const cmd_names[MV_CMD_MAX + 1] = {
	[MV_CMD_LIST_VMS]	= "MV_CMD_LIST_VMS",
	[MV_CMD_GET_STATS]	= "MV_CMD_GET_STATS",
	[MV_CMD_RESET_STATS]	= "MV_CMD_RESET_STATS",
	[MV_CMD_SET_SAMPLING]	= "MV_CMD_SET_SAMPLING",
	[MV_CMD_VM_CREATED]	= "MV_CMD_VM_CREATED",
	[MV_CMD_VM_DESTROYED]	= "MV_CMD_VM_DESTROYED",
	[MV_CMD_EXIT_SAMPLE]	= "MV_CMD_EXIT_SAMPLE",
};

#define U32_POLICY	{ .type = NLA_U32, .minlen = 4, .maxlen = 4 }
#define U64_POLICY	{ .type = NLA_U64, .minlen = 8, .maxlen = 8 }

/*
 * Top-level attributes of every message the module sends. Exact sizes:
 * a u32 of 8 bytes is as wrong as one of 2. MV_A_PAD is the kernel's
 * alignment padding (any length).
 */
static const struct nla_policy mv_policy[MV_A_MAX + 1] = {
	[MV_A_VM_ID]		= U32_POLICY,
	[MV_A_VCPU_ID]		= U32_POLICY,
	[MV_A_PID]		= U32_POLICY,
	[MV_A_NR_VCPUS]		= U32_POLICY,
	[MV_A_MEM_BYTES]	= U64_POLICY,
	[MV_A_EXITS_TOTAL]	= U64_POLICY,
	[MV_A_REASON]		= { .type = NLA_NESTED },
	[MV_A_REASON_ID]	= U32_POLICY,
	[MV_A_SAMPLE_PERIOD]	= U32_POLICY,
	[MV_A_EXIT_QUAL]	= U64_POLICY,
	[MV_A_GUEST_RIP]	= U64_POLICY,
	[MV_A_CYCLES]		= U64_POLICY,
};

/* Inside an MV_A_REASON nest. */
static const struct nla_policy mv_reason_policy[MV_A_MAX + 1] = {
	[MV_A_REASON_ID]	= U32_POLICY,
	[MV_A_COUNT]		= U64_POLICY,
	[MV_A_CYCLES_TOTAL]	= U64_POLICY,
	[MV_A_CYCLES_MAX]	= U64_POLICY,
	[MV_A_HIST]		= { .type = NLA_UNSPEC, .minlen = HIST_BYTES,
				    .maxlen = HIST_BYTES },
};

static const char *attr_name(int type)
{
	if (type > 0 && type <= MV_A_MAX && attr_names[type])
		return attr_names[type];
	return "an attribute";
}

static const char *cmd_name(int cmd)
{
	if (cmd > 0 && cmd <= MV_CMD_MAX && cmd_names[cmd])
		return cmd_names[cmd];
	return "a message";
}

static int fail(char *err, size_t len, int ret, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int fail(char *err, size_t len, int ret, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
	return ret;
}

/*
 * After nla_parse() refused @head: the first attribute the policy
 * refuses, for the message (nla_parse() only says that one was bad).
 */
static int first_bad_attr(struct nlattr *head, int len,
			  const struct nla_policy *policy)
{
	struct nlattr *nla;
	int rem;

	nla_for_each_attr(nla, head, len, rem) {
		int one = nla_total_size(nla_len(nla));

		if (one > rem)
			one = rem;
		if (nla_validate(nla, one, MV_A_MAX, policy) < 0)
			return nla_type(nla);
	}
	return 0;
}

/*
 * The generic netlink header of @msg (one of @cmds, zero-terminated) and
 * its attributes checked against mv_policy into @tb.
 */
static int parse_top(struct nl_msg *msg, const uint8_t *cmds, struct nlattr **tb,
		     uint8_t *cmd, char *err, size_t len)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct genlmsghdr *gnlh;
	const uint8_t *c;
	int ret;

	if (!genlmsg_valid_hdr(nlh, 0))
		return fail(err, len, -EBADMSG,
			    "malformed reply from the minivisor module: message too short for a generic netlink header");
	gnlh = genlmsg_hdr(nlh);
	for (c = cmds; *c && *c != gnlh->cmd; c++)
		;
	if (!*c)
		return fail(err, len, -EBADMSG,
			    "unexpected reply from the minivisor module: command %u where %s was expected",
			    gnlh->cmd, cmd_name(cmds[0]));
	if (gnlh->version != MV_GENL_VERSION)
		return fail(err, len, -EPROTO,
			    "the minivisor module speaks generic netlink version %u, this tool version %d: rebuild the tool and the module from the same tree",
			    gnlh->version, MV_GENL_VERSION);
	ret = genlmsg_parse(nlh, 0, tb, MV_A_MAX, mv_policy);
	if (ret < 0)
		return fail(err, len, -EBADMSG,
			    "malformed %s from the minivisor module: %s has the wrong size or type (%s)",
			    cmd_name(gnlh->cmd),
			    attr_name(first_bad_attr(genlmsg_attrdata(gnlh, 0),
						     genlmsg_attrlen(gnlh, 0),
						     mv_policy)),
			    nl_geterror(ret));
	*cmd = gnlh->cmd;
	return 0;
}

/* 0 if every attribute of the zero-terminated @req is in @tb. */
static int require(struct nlattr **tb, const int *req, const char *what,
		   char *err, size_t len)
{
	for (; *req; req++)
		if (!tb[*req])
			return fail(err, len, -EBADMSG,
				    "malformed %s from the minivisor module: %s is missing",
				    what, attr_name(*req));
	return 0;
}

int mv_genl_parse_vm(struct nl_msg *msg, struct mv_stats_vm *vm,
		     char *err, size_t len)
{
	static const uint8_t cmds[] = { MV_CMD_LIST_VMS, 0 };
	static const int req[] = { MV_A_VM_ID, MV_A_PID, MV_A_NR_VCPUS,
				   MV_A_MEM_BYTES, 0 };
	struct nlattr *tb[MV_A_MAX + 1];
	uint8_t cmd;
	int ret;

	ret = parse_top(msg, cmds, tb, &cmd, err, len);
	if (!ret)
		ret = require(tb, req, "MV_CMD_LIST_VMS", err, len);
	if (ret)
		return ret;
	memset(vm, 0, sizeof(*vm));
	vm->id = nla_get_u32(tb[MV_A_VM_ID]);
	vm->pid = nla_get_u32(tb[MV_A_PID]);
	vm->nr_vcpus = nla_get_u32(tb[MV_A_NR_VCPUS]);
	vm->mem_bytes = nla_get_u64(tb[MV_A_MEM_BYTES]);
	vm->have_info = true;
	return 0;
}

static int parse_reason(struct nlattr *nest, struct mv_stats_reason *r,
			char *err, size_t len)
{
	static const int req[] = { MV_A_REASON_ID, MV_A_COUNT,
				   MV_A_CYCLES_TOTAL, MV_A_CYCLES_MAX,
				   MV_A_HIST, 0 };
	struct nlattr *tb[MV_A_MAX + 1];
	int ret;

	ret = nla_parse_nested(tb, MV_A_MAX, nest, mv_reason_policy);
	if (ret < 0)
		return fail(err, len, -EBADMSG,
			    "malformed MV_CMD_GET_STATS from the minivisor module: %s in MV_A_REASON has the wrong size or type (%s; MV_A_HIST must be %zu bytes)",
			    attr_name(first_bad_attr(nla_data(nest), nla_len(nest),
						     mv_reason_policy)),
			    nl_geterror(ret), HIST_BYTES);
	ret = require(tb, req, "MV_A_REASON of MV_CMD_GET_STATS", err, len);
	if (ret)
		return ret;
	memset(r, 0, sizeof(*r));
	r->id = nla_get_u32(tb[MV_A_REASON_ID]);
	r->count = nla_get_u64(tb[MV_A_COUNT]);
	r->cycles_total = nla_get_u64(tb[MV_A_CYCLES_TOTAL]);
	r->cycles_max = nla_get_u64(tb[MV_A_CYCLES_MAX]);
	memcpy(r->hist, nla_data(tb[MV_A_HIST]), HIST_BYTES);
	return 0;
}

int mv_genl_parse_stats(struct nl_msg *msg, struct mv_stats_vcpu *v,
			uint32_t *vm_id, char *err, size_t len)
{
	static const uint8_t cmds[] = { MV_CMD_GET_STATS, 0 };
	static const int req[] = { MV_A_VM_ID, MV_A_EXITS_TOTAL, 0 };
	struct nlattr *tb[MV_A_MAX + 1];
	struct genlmsghdr *gnlh;
	struct nlattr *nla;
	uint8_t cmd;
	int ret, rem;

	memset(v, 0, sizeof(*v));
	ret = parse_top(msg, cmds, tb, &cmd, err, len);
	if (!ret)
		ret = require(tb, req, "MV_CMD_GET_STATS", err, len);
	if (ret)
		return ret;
	*vm_id = nla_get_u32(tb[MV_A_VM_ID]);
	v->is_total = !tb[MV_A_VCPU_ID];
	v->id = v->is_total ? 0 : nla_get_u32(tb[MV_A_VCPU_ID]);
	v->exits_total = nla_get_u64(tb[MV_A_EXITS_TOTAL]);

	/* nla_parse() keeps only the last MV_A_REASON: walk them all. */
	gnlh = genlmsg_hdr(nlmsg_hdr(msg));
	nla_for_each_attr(nla, genlmsg_attrdata(gnlh, 0),
			  genlmsg_attrlen(gnlh, 0), rem) {
		struct mv_stats_reason r;

		if (nla_type(nla) != MV_A_REASON)
			continue;
		ret = parse_reason(nla, &r, err, len);
		if (!ret && mv_stats_vcpu_add_reason(v, &r))
			ret = fail(err, len, -ENOMEM, "out of memory");
		if (ret) {
			mv_stats_vcpu_free(v);
			return ret;
		}
	}
	return 0;
}

int mv_genl_parse_event(struct nl_msg *msg, struct mv_event *ev,
			char *err, size_t len)
{
	static const uint8_t cmds[] = { MV_CMD_VM_CREATED, MV_CMD_VM_DESTROYED,
					MV_CMD_EXIT_SAMPLE, 0 };
	static const int req_created[] = { MV_A_VM_ID, MV_A_PID, 0 };
	static const int req_destroyed[] = { MV_A_VM_ID, 0 };
	static const int req_sample[] = { MV_A_VM_ID, MV_A_VCPU_ID,
					  MV_A_REASON_ID, MV_A_EXIT_QUAL,
					  MV_A_GUEST_RIP, MV_A_CYCLES, 0 };
	struct nlattr *tb[MV_A_MAX + 1];
	const int *req;
	uint8_t cmd;
	int ret;

	memset(ev, 0, sizeof(*ev));
	ret = parse_top(msg, cmds, tb, &cmd, err, len);
	if (ret)
		return ret;
	req = cmd == MV_CMD_VM_CREATED ? req_created :
	      cmd == MV_CMD_VM_DESTROYED ? req_destroyed : req_sample;
	ret = require(tb, req, cmd_name(cmd), err, len);
	if (ret)
		return ret;
	ev->cmd = cmd;
	ev->vm_id = nla_get_u32(tb[MV_A_VM_ID]);
	if (tb[MV_A_PID])
		ev->pid = nla_get_u32(tb[MV_A_PID]);
	if (cmd == MV_CMD_EXIT_SAMPLE) {
		ev->vcpu_id = nla_get_u32(tb[MV_A_VCPU_ID]);
		ev->reason = nla_get_u32(tb[MV_A_REASON_ID]);
		ev->exit_qual = nla_get_u64(tb[MV_A_EXIT_QUAL]);
		ev->guest_rip = nla_get_u64(tb[MV_A_GUEST_RIP]);
		ev->cycles = nla_get_u64(tb[MV_A_CYCLES]);
	}
	return 0;
}

/* ---- receive callbacks ---- */

static int req_fail(struct mv_genl_req *req, int error)
{
	req->error = error;
	req->done = true;
	return NL_STOP;
}

int mv_genl_list_cb(struct nl_msg *msg, void *arg)
{
	struct mv_genl_req *req = arg;
	struct mv_stats_vm vm, *n;
	int ret;

	ret = mv_genl_parse_vm(msg, &vm, req->g->err, sizeof(req->g->err));
	if (ret)
		return req_fail(req, ret);
	n = realloc(req->vms, (req->nr + 1) * sizeof(*n));
	if (!n) {
		snprintf(req->g->err, sizeof(req->g->err), "out of memory");
		return req_fail(req, -ENOMEM);
	}
	n[req->nr++] = vm;
	req->vms = n;
	return NL_OK;
}

int mv_genl_stats_cb(struct nl_msg *msg, void *arg)
{
	struct mv_genl_req *req = arg;
	struct mv_stats_vcpu v;
	uint32_t vm_id;
	int ret;

	ret = mv_genl_parse_stats(msg, &v, &vm_id, req->g->err,
				  sizeof(req->g->err));
	if (ret)
		return req_fail(req, ret);
	if (vm_id != req->vm->id) {
		mv_stats_vcpu_free(&v);
		snprintf(req->g->err, sizeof(req->g->err),
			 "unexpected reply from the minivisor module: statistics of VM %u where VM %u was asked for",
			 vm_id, req->vm->id);
		return req_fail(req, -EBADMSG);
	}
	if (v.is_total) {
		mv_stats_vcpu_free(&req->vm->total);
		req->vm->total = v;
		req->vm->have_total = true;
		return NL_OK;
	}
	if (mv_stats_vm_add_vcpu(req->vm, &v)) {
		mv_stats_vcpu_free(&v);
		snprintf(req->g->err, sizeof(req->g->err), "out of memory");
		return req_fail(req, -ENOMEM);
	}
	return NL_OK;
}

int mv_genl_event_cb(struct nl_msg *msg, void *arg)
{
	struct mv_genl_req *req = arg;
	struct mv_event ev;
	char err[256];
	int ret;

	if (mv_genl_parse_event(msg, &ev, err, sizeof(err))) {
		fprintf(stderr, "minivisor: ignoring an event: %s\n", err);
		return NL_SKIP;
	}
	ret = req->fn ? req->fn(&ev, req->fn_arg) : 0;
	if (ret < 0)
		return req_fail(req, ret);
	if (ret > 0) {
		req->done = true;
		return NL_STOP;
	}
	return NL_OK;
}

/*
 * The NLMSGERR_ATTR_MSG of an error (NLMSG_ERROR, or NLMSG_DONE of a
 * dump) whose TLVs start @off bytes into @nlh's payload.
 */
static void get_extack(struct mv_genl *g, struct nlmsghdr *nlh, int off)
{
	static const struct nla_policy policy[NLMSGERR_ATTR_MAX + 1] = {
		[NLMSGERR_ATTR_MSG]	= { .type = NLA_STRING },
		[NLMSGERR_ATTR_OFFS]	= { .type = NLA_U32 },
	};
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	int attrlen = nlmsg_datalen(nlh) - off;

	g->extack[0] = '\0';
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS) || attrlen <= 0)
		return;
	if (nla_parse(tb, NLMSGERR_ATTR_MAX,
		      (struct nlattr *)((char *)nlmsg_data(nlh) + off), attrlen,
		      policy) < 0 || !tb[NLMSGERR_ATTR_MSG])
		return;
	snprintf(g->extack, sizeof(g->extack), "%s",
		 (const char *)nla_data(tb[NLMSGERR_ATTR_MSG]));
}

int mv_genl_error_cb(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	struct mv_genl_req *req = arg;
	/* libnl passes the payload of the NLMSG_ERROR: its header precedes. */
	struct nlmsghdr *nlh = (struct nlmsghdr *)((char *)e - NLMSG_HDRLEN);
	int off = sizeof(*e);

	(void)nla;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED) &&
	    e->msg.nlmsg_len >= NLMSG_HDRLEN) {
		uint32_t req_len = e->msg.nlmsg_len - NLMSG_HDRLEN;

		/* A bogus length must not take @off out of the message. */
		if (req_len > (uint32_t)nlmsg_datalen(nlh))
			req_len = nlmsg_datalen(nlh);
		off += req_len;
	}
	get_extack(req->g, nlh, NLMSG_ALIGN(off));
	return req_fail(req, e->error < 0 ? e->error : -EIO);
}

int mv_genl_finish_cb(struct nl_msg *msg, void *arg)
{
	struct mv_genl_req *req = arg;
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	int error = 0;

	req->done = true;
	if (nlmsg_datalen(nlh) >= (int)sizeof(int))
		memcpy(&error, nlmsg_data(nlh), sizeof(int));
	if (error < 0) {
		get_extack(req->g, nlh, NLMSG_ALIGN(sizeof(int)));
		req->error = error;
	}
	return NL_STOP;
}

static int ack_cb(struct nl_msg *msg, void *arg)
{
	struct mv_genl_req *req = arg;

	(void)msg;
	req->done = true;
	return NL_STOP;
}

static int seq_ok_cb(struct nl_msg *msg, void *arg)
{
	(void)msg;
	(void)arg;
	return NL_OK;
}

/* ---- requests ---- */

/* g->err for a failed @what: cause, fix, and the kernel's own words. */
static int describe(struct mv_genl *g, const char *what, int error)
{
	char kernel[300] = "";

	if (g->extack[0])
		snprintf(kernel, sizeof(kernel), " (kernel: %s)", g->extack);
	switch (error) {
	case -EPERM:
	case -EACCES:
		snprintf(g->err, sizeof(g->err),
			 "%s: permission denied: the minivisor netlink commands need CAP_NET_ADMIN (run as root)%s",
			 what, kernel);
		break;
	case -EOPNOTSUPP:
		snprintf(g->err, sizeof(g->err),
			 "%s: the module refused generic netlink version %d: rebuild the tool and the module from the same tree%s",
			 what, MV_GENL_VERSION, kernel);
		break;
	case -ENOENT:
		snprintf(g->err, sizeof(g->err),
			 "%s: no such VM or vCPU%s", what, kernel);
		break;
	default:
		snprintf(g->err, sizeof(g->err), "%s: %s%s", what,
			 strerror(-error), kernel);
	}
	return error;
}

/*
 * Sends @msg (consumed) and receives until the reply is complete,
 * handing each message to @valid (may be NULL for a "do" command).
 */
static int transact(struct mv_genl *g, struct nl_msg *msg,
		    int (*valid)(struct nl_msg *, void *),
		    struct mv_genl_req *req, const char *what)
{
	struct nl_cb *cb;
	int ret;

	req->g = g;
	req->error = 0;
	req->done = false;
	g->err[0] = g->extack[0] = '\0';
	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!cb) {
		nlmsg_free(msg);
		snprintf(g->err, sizeof(g->err), "%s: out of memory", what);
		return -ENOMEM;
	}
	if (valid)
		nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, valid, req);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, mv_genl_finish_cb, req);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, ack_cb, req);
	nl_cb_err(cb, NL_CB_CUSTOM, mv_genl_error_cb, req);

	ret = nl_send_auto(g->sk, msg);
	nlmsg_free(msg);
	if (ret < 0) {
		nl_cb_put(cb);
		snprintf(g->err, sizeof(g->err), "%s: sending the request: %s",
			 what, nl_geterror(ret));
		return -EIO;
	}
	while (!req->done) {
		ret = nl_recvmsgs(g->sk, cb);
		if (ret < 0 && !req->error) {
			snprintf(g->err, sizeof(g->err),
				 "%s: receiving the reply: %s", what,
				 nl_geterror(ret));
			req->error = -EIO;
			break;
		}
		if (ret < 0)
			break;
	}
	nl_cb_put(cb);
	/* Parse errors come with their message; the kernel's get one here. */
	if (req->error && !g->err[0])
		return describe(g, what, req->error);
	return req->error;
}

/* A request for @cmd (NLM_F_DUMP if @dump), or NULL (g->err set). */
static struct nl_msg *new_request(struct mv_genl *g, uint8_t cmd, bool dump)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (msg && genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, g->family, 0,
			       dump ? NLM_F_DUMP : 0, cmd, MV_GENL_VERSION))
		return msg;
	nlmsg_free(msg);
	snprintf(g->err, sizeof(g->err), "%s: out of memory", cmd_name(cmd));
	return NULL;
}

int mv_genl_open(struct mv_genl *g)
{
	int one = 1, ret;

	memset(g, 0, sizeof(*g));
	g->sk = nl_socket_alloc();
	if (!g->sk) {
		snprintf(g->err, sizeof(g->err), "out of memory");
		return -ENOMEM;
	}
	ret = genl_connect(g->sk);
	if (ret < 0) {
		snprintf(g->err, sizeof(g->err),
			 "cannot open a generic netlink socket: %s",
			 nl_geterror(ret));
		mv_genl_close(g);
		return -EIO;
	}
	/* Extended acks: the kernel's message with every error. */
	(void)setsockopt(nl_socket_get_fd(g->sk), SOL_NETLINK, NETLINK_EXT_ACK,
			 &one, sizeof(one));
	nl_socket_enable_msg_peek(g->sk);
	nl_socket_set_msg_buf_size(g->sk, MV_GENL_MSG_BUF);
	(void)nl_socket_set_buffer_size(g->sk, MV_GENL_RCVBUF, 0);
	g->family = genl_ctrl_resolve(g->sk, MV_GENL_NAME);
	if (g->family < 0) {
		ret = g->family;
		if (ret == -NLE_OBJ_NOTFOUND)
			snprintf(g->err, sizeof(g->err),
				 "generic netlink family \"%s\" not found: the minivisor module is not loaded (insmod kmod/minivisor.ko)",
				 MV_GENL_NAME);
		else
			snprintf(g->err, sizeof(g->err),
				 "cannot look up generic netlink family \"%s\": %s",
				 MV_GENL_NAME, nl_geterror(ret));
		mv_genl_close(g);
		return ret == -NLE_OBJ_NOTFOUND ? -ENOENT : -EIO;
	}
	return 0;
}

void mv_genl_close(struct mv_genl *g)
{
	if (g->sk)
		nl_socket_free(g->sk);
	g->sk = NULL;
}

int mv_genl_fd(const struct mv_genl *g)
{
	return nl_socket_get_fd(g->sk);
}

int mv_genl_list_vms(struct mv_genl *g, struct mv_stats_vm **vms, size_t *nr)
{
	struct mv_genl_req req = { 0 };
	struct nl_msg *msg = new_request(g, MV_CMD_LIST_VMS, true);
	int ret;

	*vms = NULL;
	*nr = 0;
	if (!msg)
		return -ENOMEM;
	ret = transact(g, msg, mv_genl_list_cb, &req, "listing the VMs");
	if (ret) {
		mv_stats_vms_free(req.vms, req.nr);
		return ret;
	}
	*vms = req.vms;
	*nr = req.nr;
	return 0;
}

int mv_genl_get_stats(struct mv_genl *g, struct mv_stats_vm *vm, int vcpu_id)
{
	struct mv_genl_req req = { .vm = vm };
	struct nl_msg *msg = new_request(g, MV_CMD_GET_STATS, true);
	char what[64];
	int ret;

	if (!msg)
		return -ENOMEM;
	if (nla_put_u32(msg, MV_A_VM_ID, vm->id) ||
	    (vcpu_id >= 0 && nla_put_u32(msg, MV_A_VCPU_ID, vcpu_id))) {
		nlmsg_free(msg);
		snprintf(g->err, sizeof(g->err), "out of memory");
		return -ENOMEM;
	}
	mv_stats_vm_free_stats(vm);
	snprintf(what, sizeof(what), "statistics of VM %u", vm->id);
	ret = transact(g, msg, mv_genl_stats_cb, &req, what);
	if (ret)
		mv_stats_vm_free_stats(vm);
	return ret;
}

int mv_genl_reset_stats(struct mv_genl *g, uint32_t vm_id, int vcpu_id)
{
	struct mv_genl_req req = { 0 };
	struct nl_msg *msg = new_request(g, MV_CMD_RESET_STATS, false);
	char what[64];

	if (!msg)
		return -ENOMEM;
	if (nla_put_u32(msg, MV_A_VM_ID, vm_id) ||
	    (vcpu_id >= 0 && nla_put_u32(msg, MV_A_VCPU_ID, vcpu_id))) {
		nlmsg_free(msg);
		snprintf(g->err, sizeof(g->err), "out of memory");
		return -ENOMEM;
	}
	snprintf(what, sizeof(what), "resetting the statistics of VM %u", vm_id);
	return transact(g, msg, NULL, &req, what);
}

int mv_genl_set_sampling(struct mv_genl *g, uint32_t period)
{
	struct mv_genl_req req = { 0 };
	struct nl_msg *msg = new_request(g, MV_CMD_SET_SAMPLING, false);

	if (!msg)
		return -ENOMEM;
	if (nla_put_u32(msg, MV_A_SAMPLE_PERIOD, period)) {
		nlmsg_free(msg);
		snprintf(g->err, sizeof(g->err), "out of memory");
		return -ENOMEM;
	}
	return transact(g, msg, NULL, &req, "setting the sampling period");
}

int mv_genl_subscribe(struct mv_genl *g)
{
	int grp, ret;

	grp = genl_ctrl_resolve_grp(g->sk, MV_GENL_NAME, MV_GENL_MCGRP_EVENTS);
	if (grp < 0) {
		snprintf(g->err, sizeof(g->err),
			 "the minivisor module has no \"%s\" multicast group (%s): rebuild the tool and the module from the same tree",
			 MV_GENL_MCGRP_EVENTS, nl_geterror(grp));
		return -ENOENT;
	}
	ret = nl_socket_add_membership(g->sk, grp);
	if (ret < 0) {
		snprintf(g->err, sizeof(g->err),
			 "cannot join the minivisor events group: %s",
			 nl_geterror(ret));
		return -EIO;
	}
	/* Events are not replies: no sequence numbers to check. */
	nl_socket_disable_seq_check(g->sk);
	return 0;
}

int mv_genl_recv_events(struct mv_genl *g,
			int (*fn)(const struct mv_event *ev, void *arg),
			void *arg)
{
	struct mv_genl_req req = { .g = g, .fn = fn, .fn_arg = arg };
	struct nl_cb *cb = nl_cb_alloc(NL_CB_DEFAULT);
	int ret;

	if (!cb) {
		snprintf(g->err, sizeof(g->err), "out of memory");
		return -ENOMEM;
	}
	nl_cb_set(cb, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, seq_ok_cb, NULL);
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, mv_genl_event_cb, &req);
	ret = nl_recvmsgs(g->sk, cb);
	nl_cb_put(cb);
	if (req.error)
		return req.error;
	if (ret < 0 && ret != -NLE_NOMEM) {
		snprintf(g->err, sizeof(g->err), "receiving events: %s",
			 nl_geterror(ret));
		return -EIO;
	}
	if (ret == -NLE_NOMEM)	/* ENOBUFS: the socket overran */
		fprintf(stderr, "minivisor: some events were lost (receive buffer overrun)\n");
	return req.done ? 1 : 0;
}

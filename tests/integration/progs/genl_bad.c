// SPDX-License-Identifier: GPL-2.0
/*
 * genl_bad: the rejection rules of the "minivisor" generic netlink family
 * (uapi/minivisor.h, "Generic netlink: statistics and events"), checked
 * against the running module with libnl, printed as TAP.
 *
 * Every negative case asserts the exact errno of the NLMSG_ERROR the
 * kernel answers with and, where the family (not the generic netlink
 * core) rejects the request, that the error carries an extended-ack
 * message (NETLINK_EXT_ACK is set on the socket; the message is the
 * NLMSGERR_ATTR_MSG attribute after the echoed request). Rejections made
 * by the genl core before the family sees the request (an unknown
 * command, a missing CAP_NET_ADMIN) carry no message: for those it is
 * only printed if present. Where the uapi leaves room (an attribute of
 * the wrong size: EINVAL from strict validation or ERANGE; a wrong
 * version: EOPNOTSUPP per the uapi, EINVAL accepted) the errno seen is
 * printed as a diagnostic.
 *
 * Positive cases: the family and its "events" group resolve, LIST_VMS
 * dumps zero VMs, SET_SAMPLING 0 is acknowledged (and leaves sampling
 * off for whoever runs next).
 *
 * Needs the module loaded, root (CAP_NET_ADMIN; the EPERM case drops to
 * uid/gid 65534 in a child) and no VM alive. Exit status 0 if every case
 * passed, 1 otherwise ("Bail out!" if it could not go on).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/netlink.h>
#include <netlink/attr.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>
#include <minivisor.h>

#include "tap.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

#ifndef SOL_NETLINK
#define SOL_NETLINK	270
#endif

/* A command number no family op has. */
#define BOGUS_CMD	200
/* VM ids start at 1: 0 never exists; nor does this one in a test run. */
#define NO_SUCH_VM	0x7ffffff0u
/* The uid/gid of the unprivileged child ("nobody"). */
#define NOBODY		65534
/* How long to wait for the kernel's answer to one request. */
#define REPLY_TIMEOUT_MS	10000

static const char *errno_name(int err)
{
	switch (err) {
	case 0:		return "0";
	case EPERM:	return "EPERM";
	case ENOENT:	return "ENOENT";
	case EINVAL:	return "EINVAL";
	case ERANGE:	return "ERANGE";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	case EMSGSIZE:	return "EMSGSIZE";
	case ENOMEM:	return "ENOMEM";
	case EACCES:	return "EACCES";
	case E2BIG:	return "E2BIG";
	default:	return strerror(err);
	}
}

/* ---------------------------------------------------------------------- */
/* One request, one answer                                                 */
/* ---------------------------------------------------------------------- */

struct reply {
	bool done;		/* an ACK, an error or the end of a dump came */
	bool is_error;		/* it was an NLMSG_ERROR with error != 0 */
	int err;		/* that error as a positive errno, else 0 */
	bool has_extack;	/* the error carried NLMSGERR_ATTR_MSG */
	char extack[256];	/* its text */
	unsigned int nmsgs;	/* data messages (a dump's entries) */
	unsigned int bad_cmd;	/* of those, with a genl cmd other than req */
	uint8_t cmd;		/* the request's command */
	uint32_t seq;		/* the request's sequence number */
	int lib_err;		/* a libnl error sending or receiving, else 0 */
};

static int family_id;

/* Only the answers to the request in flight: a late one is skipped. */
static int seq_cb(struct nl_msg *msg, void *arg)
{
	const struct reply *r = arg;

	return nlmsg_hdr(msg)->nlmsg_seq == r->seq ? NL_OK : NL_SKIP;
}

static int valid_cb(struct nl_msg *msg, void *arg)
{
	struct reply *r = arg;
	struct nlmsghdr *nlh = nlmsg_hdr(msg);

	r->nmsgs++;
	if (nlh->nlmsg_type != family_id ||
	    nlmsg_datalen(nlh) < (int)GENL_HDRLEN ||
	    ((struct genlmsghdr *)nlmsg_data(nlh))->cmd != r->cmd)
		r->bad_cmd++;
	return NL_OK;
}

static int ack_cb(struct nl_msg *msg, void *arg)
{
	struct reply *r = arg;

	(void)msg;
	r->done = true;
	return NL_STOP;
}

static void parse_msg_attrs(const struct nlmsghdr *nlh, size_t off,
			    struct reply *r);

/*
 * NLMSG_DONE carries the dump's status (an int), negative on an error,
 * then, with NLM_F_ACK_TLVS, the extended ack attributes: the module
 * reports a bad dump request this way (kmod/genl.c, DUMP_CHECKED).
 */
static int finish_cb(struct nl_msg *msg, void *arg)
{
	struct reply *r = arg;
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	int status;

	r->done = true;
	if (nlmsg_datalen(nlh) >= (int)sizeof(status)) {
		memcpy(&status, nlmsg_data(nlh), sizeof(status));
		if (status < 0) {
			r->is_error = true;
			r->err = -status;
		}
		if (nlh->nlmsg_flags & NLM_F_ACK_TLVS)
			parse_msg_attrs(nlh, NLMSG_HDRLEN +
					NLMSG_ALIGN(sizeof(status)), r);
	}
	return NL_STOP;
}

/* The NLMSGERR_ATTR_MSG among the attributes from @off to the end. */
static void parse_msg_attrs(const struct nlmsghdr *nlh, size_t off,
			    struct reply *r)
{
	struct nlattr *a;
	int rem;

	if (off >= nlh->nlmsg_len)
		return;
	nla_for_each_attr(a, (struct nlattr *)((char *)nlh + off),
			  (int)(nlh->nlmsg_len - off), rem) {
		if (nla_type(a) != NLMSGERR_ATTR_MSG || nla_len(a) < 1)
			continue;
		r->has_extack = true;
		snprintf(r->extack, sizeof(r->extack), "%.*s", nla_len(a),
			 (const char *)nla_data(a));
	}
}

/*
 * The extended ack after the echoed request (uapi linux/netlink.h): the
 * request's payload is there unless NLM_F_CAPPED, padded to 4 bytes,
 * then the NLMSGERR_ATTR_* attributes, if NLM_F_ACK_TLVS.
 */
static void parse_extack(const struct nlmsghdr *nlh, const struct nlmsgerr *e,
			 struct reply *r)
{
	size_t off = NLMSG_HDRLEN + sizeof(*e);

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED)) {
		if (e->msg.nlmsg_len < NLMSG_HDRLEN)
			return;
		off += NLMSG_ALIGN(e->msg.nlmsg_len - NLMSG_HDRLEN);
	}
	parse_msg_attrs(nlh, off, r);
}

static int err_cb(struct sockaddr_nl *who, struct nlmsgerr *e, void *arg)
{
	struct reply *r = arg;
	/* libnl hands us the payload of the NLMSG_ERROR message. */
	const struct nlmsghdr *nlh =
		(const struct nlmsghdr *)((char *)e - NLMSG_HDRLEN);

	(void)who;
	r->done = true;
	r->is_error = e->error != 0;
	r->err = -e->error;
	parse_extack(nlh, e, r);
	return NL_STOP;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* A socket of the family with extended acks and a receive timeout. */
static struct nl_sock *open_genl(const char **what)
{
	struct timeval tv = { .tv_sec = 2 };
	struct nl_sock *sk = nl_socket_alloc();
	int one = 1;

	*what = "nl_socket_alloc";
	if (!sk)
		return NULL;
	*what = "genl_connect";
	if (genl_connect(sk))
		goto fail;
	*what = "setsockopt(NETLINK_EXT_ACK)";
	if (setsockopt(nl_socket_get_fd(sk), SOL_NETLINK, NETLINK_EXT_ACK,
		       &one, sizeof(one)))
		goto fail;
	*what = "setsockopt(SO_RCVTIMEO)";
	if (setsockopt(nl_socket_get_fd(sk), SOL_SOCKET, SO_RCVTIMEO, &tv,
		       sizeof(tv)))
		goto fail;
	*what = "genl_ctrl_resolve(\"" MV_GENL_NAME "\")";
	family_id = genl_ctrl_resolve(sk, MV_GENL_NAME);
	if (family_id < 0)
		goto fail;
	return sk;
fail:
	nl_socket_free(sk);
	return NULL;
}

/* A request of the family: @dump adds NLM_F_DUMP. */
static struct nl_msg *new_req(uint8_t cmd, uint8_t version, bool dump)
{
	struct nl_msg *m = nlmsg_alloc();

	if (!m)
		bail("nlmsg_alloc failed");
	if (!genlmsg_put(m, NL_AUTO_PORT, NL_AUTO_SEQ, family_id, 0,
			 dump ? NLM_F_DUMP : 0, cmd, version))
		bail("genlmsg_put failed");
	return m;
}

/*
 * Sends @m (freeing it; libnl adds NLM_F_REQUEST | NLM_F_ACK) and
 * collects the answer in @r. Returns false if none came in time.
 */
static bool transact(struct nl_sock *sk, struct nl_msg *m, struct reply *r)
{
	long long deadline = now_ms() + REPLY_TIMEOUT_MS;
	struct nl_cb *cb;
	int ret;

	memset(r, 0, sizeof(*r));
	r->cmd = ((struct genlmsghdr *)nlmsg_data(nlmsg_hdr(m)))->cmd;
	ret = nl_send_auto(sk, m);
	r->seq = nlmsg_hdr(m)->nlmsg_seq;
	nlmsg_free(m);
	if (ret < 0) {
		r->lib_err = ret;
		return false;
	}
	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!cb)
		bail("nl_cb_alloc failed");
	nl_cb_set(cb, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, seq_cb, r);
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, valid_cb, r);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, ack_cb, r);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, finish_cb, r);
	nl_cb_err(cb, NL_CB_CUSTOM, err_cb, r);
	while (!r->done && now_ms() < deadline) {
		ret = nl_recvmsgs(sk, cb);
		/* With an error callback returning NL_STOP, libnl returns
		 * the kernel's error too: not a failure of ours. */
		if (ret < 0 && !r->done) {
			r->lib_err = ret;
			break;
		}
	}
	nl_cb_put(cb);
	return r->done;
}

/* What @r was, for a failure message. */
static const char *describe(const struct reply *r, char *buf, size_t len)
{
	if (!r->done)
		snprintf(buf, len, "no answer (%s)",
			 r->lib_err ? nl_geterror(r->lib_err) : "timed out");
	else if (r->is_error)
		snprintf(buf, len, "errno %s, extack \"%s\"",
			 errno_name(r->err), r->has_extack ? r->extack : "(none)");
	else
		snprintf(buf, len, "success, %u messages", r->nmsgs);
	return buf;
}

enum ext { EXT_REQUIRED, EXT_OPTIONAL };

/*
 * One negative case: the answer to @m must be an error with errno @want
 * or, if non-zero, @alt (then which one is printed); with EXT_REQUIRED
 * it must carry an extended-ack message.
 */
__attribute__((format(printf, 6, 7)))
static bool expect_err(struct nl_sock *sk, struct nl_msg *m, int want, int alt,
		       enum ext ext, const char *fmt, ...)
{
	struct reply r;
	char name[160], buf[400];
	bool pass;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(name, sizeof(name), fmt, ap);
	va_end(ap);
	transact(sk, m, &r);
	pass = r.done && r.is_error && (r.err == want || (alt && r.err == alt));
	if (!tap_result(pass, "%s -> %s%s%s", name, errno_name(want),
			alt ? "|" : "", alt ? errno_name(alt) : ""))
		diag("  got %s", describe(&r, buf, sizeof(buf)));
	else if (alt)
		diag("  got %s", errno_name(r.err));
	if (!r.done || !r.is_error)
		return false;
	if (ext == EXT_REQUIRED) {
		if (!tap_result(r.has_extack, "%s: extended ack message present",
				name))
			diag("  the error has no NLMSGERR_ATTR_MSG");
		else
			diag("  extack: \"%s\"", r.extack);
	} else if (r.has_extack) {
		diag("  extack: \"%s\"", r.extack);
	}
	return pass;
}

/* The answer to @m must be success; returns the reply for more checks. */
__attribute__((format(printf, 4, 5)))
static bool expect_success(struct nl_sock *sk, struct nl_msg *m,
			   struct reply *r, const char *fmt, ...)
{
	char name[160], buf[400];
	bool pass;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(name, sizeof(name), fmt, ap);
	va_end(ap);
	transact(sk, m, r);
	pass = r->done && !r->is_error;
	if (!tap_result(pass, "%s succeeds", name))
		diag("  got %s", describe(r, buf, sizeof(buf)));
	return pass;
}

/* ---------------------------------------------------------------------- */
/* Cases                                                                   */
/* ---------------------------------------------------------------------- */

/* A nest that is no REASON nest: junk that is not even attributes. */
static void put_garbage_reason(struct nl_msg *m)
{
	static const uint8_t junk[] = { 0xff, 0xff, 0xff, 0x7f, 0xde, 0xad, 0xbe };

	if (nla_put(m, MV_A_REASON | NLA_F_NESTED, sizeof(junk), junk))
		bail("nla_put failed");
}

static void test_positive(struct nl_sock *sk)
{
	struct nl_msg *m;
	struct reply r;
	int grp;

	grp = genl_ctrl_resolve_grp(sk, MV_GENL_NAME, MV_GENL_MCGRP_EVENTS);
	if (!tap_result(grp >= 0, "multicast group \"%s\" resolves",
			MV_GENL_MCGRP_EVENTS))
		diag("  genl_ctrl_resolve_grp: %s", nl_geterror(grp));

	m = new_req(MV_CMD_LIST_VMS, MV_GENL_VERSION, true);
	if (expect_success(sk, m, &r, "LIST_VMS dump")) {
		tap_result(r.nmsgs == 0, "LIST_VMS lists 0 VMs when none is alive");
		if (r.nmsgs)
			diag("  got %u messages: is a VM alive?", r.nmsgs);
	}

	m = new_req(MV_CMD_SET_SAMPLING, MV_GENL_VERSION, false);
	if (nla_put_u32(m, MV_A_SAMPLE_PERIOD, 0))
		bail("nla_put failed");
	expect_success(sk, m, &r, "SET_SAMPLING 0");
}

static void test_get_stats(struct nl_sock *sk)
{
	static const uint32_t missing[] = { 0, NO_SUCH_VM };
	struct nl_msg *m;
	unsigned int i;

	m = new_req(MV_CMD_GET_STATS, MV_GENL_VERSION, true);
	expect_err(sk, m, EINVAL, 0, EXT_REQUIRED,
		   "GET_STATS dump without VM_ID");

	m = new_req(MV_CMD_GET_STATS, MV_GENL_VERSION, true);
	if (nla_put_u8(m, MV_A_VM_ID, 1))
		bail("nla_put failed");
	expect_err(sk, m, EINVAL, ERANGE, EXT_REQUIRED,
		   "GET_STATS dump with a 1-byte VM_ID");

	m = new_req(MV_CMD_GET_STATS, MV_GENL_VERSION, true);
	if (nla_put_u64(m, MV_A_VM_ID, 1))
		bail("nla_put failed");
	expect_err(sk, m, EINVAL, ERANGE, EXT_REQUIRED,
		   "GET_STATS dump with an 8-byte VM_ID");

	for (i = 0; i < ARRAY_SIZE(missing); i++) {
		m = new_req(MV_CMD_GET_STATS, MV_GENL_VERSION, true);
		if (nla_put_u32(m, MV_A_VM_ID, missing[i]))
			bail("nla_put failed");
		expect_err(sk, m, ENOENT, 0, EXT_REQUIRED,
			   "GET_STATS dump of VM %u, which does not exist",
			   missing[i]);
	}

	/* GET_STATS is a dump only: a "do" has no handler. */
	m = new_req(MV_CMD_GET_STATS, MV_GENL_VERSION, false);
	if (nla_put_u32(m, MV_A_VM_ID, 1))
		bail("nla_put failed");
	expect_err(sk, m, EOPNOTSUPP, 0, EXT_OPTIONAL,
		   "GET_STATS without NLM_F_DUMP");

	m = new_req(MV_CMD_GET_STATS, MV_GENL_VERSION, true);
	if (nla_put_u32(m, MV_A_VM_ID, 1))
		bail("nla_put failed");
	put_garbage_reason(m);
	expect_err(sk, m, EINVAL, 0, EXT_REQUIRED,
		   "GET_STATS dump with a (garbage) REASON nest in the request");
}

static void test_reset_and_sampling(struct nl_sock *sk)
{
	struct nl_msg *m;

	m = new_req(MV_CMD_RESET_STATS, MV_GENL_VERSION, false);
	expect_err(sk, m, EINVAL, 0, EXT_REQUIRED, "RESET_STATS without VM_ID");

	m = new_req(MV_CMD_RESET_STATS, MV_GENL_VERSION, false);
	if (nla_put_u32(m, MV_A_VM_ID, NO_SUCH_VM))
		bail("nla_put failed");
	expect_err(sk, m, ENOENT, 0, EXT_REQUIRED,
		   "RESET_STATS of VM %u, which does not exist", NO_SUCH_VM);

	m = new_req(MV_CMD_SET_SAMPLING, MV_GENL_VERSION, false);
	expect_err(sk, m, EINVAL, 0, EXT_REQUIRED,
		   "SET_SAMPLING without SAMPLE_PERIOD");

	m = new_req(MV_CMD_SET_SAMPLING, MV_GENL_VERSION, false);
	if (nla_put_u8(m, MV_A_SAMPLE_PERIOD, 0))
		bail("nla_put failed");
	expect_err(sk, m, EINVAL, ERANGE, EXT_REQUIRED,
		   "SET_SAMPLING with a 1-byte SAMPLE_PERIOD");

	/* Otherwise valid (period 0): only the nest is wrong. */
	m = new_req(MV_CMD_SET_SAMPLING, MV_GENL_VERSION, false);
	if (nla_put_u32(m, MV_A_SAMPLE_PERIOD, 0))
		bail("nla_put failed");
	put_garbage_reason(m);
	expect_err(sk, m, EINVAL, 0, EXT_REQUIRED,
		   "SET_SAMPLING 0 with a (garbage) REASON nest in the request");

	m = new_req(MV_CMD_SET_SAMPLING, MV_GENL_VERSION, false);
	if (nla_put_u32(m, MV_A_SAMPLE_PERIOD, 0) ||
	    nla_put_u64(m, MV_A_COUNT, 1))
		bail("nla_put failed");
	expect_err(sk, m, EINVAL, 0, EXT_REQUIRED,
		   "SET_SAMPLING 0 with COUNT (a reply-only attribute)");

	m = new_req(MV_CMD_LIST_VMS, MV_GENL_VERSION, true);
	put_garbage_reason(m);
	expect_err(sk, m, EINVAL, 0, EXT_REQUIRED,
		   "LIST_VMS dump with a (garbage) REASON nest in the request");
}

static void test_commands_and_versions(struct nl_sock *sk)
{
	struct nl_msg *m;

	m = new_req(BOGUS_CMD, MV_GENL_VERSION, false);
	expect_err(sk, m, EOPNOTSUPP, 0, EXT_OPTIONAL,
		   "unknown command %d", BOGUS_CMD);

	m = new_req(BOGUS_CMD, MV_GENL_VERSION, true);
	expect_err(sk, m, EOPNOTSUPP, 0, EXT_OPTIONAL,
		   "unknown command %d as a dump", BOGUS_CMD);

	/* Event commands are sent by the kernel, never requests. */
	m = new_req(MV_CMD_VM_CREATED, MV_GENL_VERSION, false);
	if (nla_put_u32(m, MV_A_VM_ID, 1))
		bail("nla_put failed");
	expect_err(sk, m, EOPNOTSUPP, 0, EXT_OPTIONAL,
		   "MV_CMD_VM_CREATED (an event) as a request");

	m = new_req(MV_CMD_UNSPEC, MV_GENL_VERSION, false);
	expect_err(sk, m, EOPNOTSUPP, 0, EXT_OPTIONAL, "MV_CMD_UNSPEC");

	/* Another version: the dump path (start) and the do path (pre_doit). */
	m = new_req(MV_CMD_LIST_VMS, MV_GENL_VERSION + 1, true);
	expect_err(sk, m, EOPNOTSUPP, EINVAL, EXT_REQUIRED,
		   "LIST_VMS dump with genl version %d", MV_GENL_VERSION + 1);

	m = new_req(MV_CMD_GET_STATS, 0, true);
	if (nla_put_u32(m, MV_A_VM_ID, NO_SUCH_VM))
		bail("nla_put failed");
	expect_err(sk, m, EOPNOTSUPP, EINVAL, EXT_REQUIRED,
		   "GET_STATS dump with genl version 0");

	m = new_req(MV_CMD_SET_SAMPLING, 0, false);
	if (nla_put_u32(m, MV_A_SAMPLE_PERIOD, 0))
		bail("nla_put failed");
	expect_err(sk, m, EOPNOTSUPP, EINVAL, EXT_REQUIRED,
		   "SET_SAMPLING 0 with genl version 0");

	m = new_req(MV_CMD_RESET_STATS, MV_GENL_VERSION + 1, false);
	if (nla_put_u32(m, MV_A_VM_ID, NO_SUCH_VM))
		bail("nla_put failed");
	expect_err(sk, m, EOPNOTSUPP, EINVAL, EXT_REQUIRED,
		   "RESET_STATS with genl version %d", MV_GENL_VERSION + 1);
}

/* ---------------------------------------------------------------------- */
/* Without CAP_NET_ADMIN                                                   */
/* ---------------------------------------------------------------------- */

enum { UNPRIV_LIST, UNPRIV_SAMPLING, UNPRIV_NR };

/* What the child saw of one request. */
struct unpriv_result {
	int state;		/* 0 answered, 1 no answer, -1 not sent */
	int is_error;
	int err;
};

struct unpriv_report {
	char setup_err[160];	/* "" if the child got to send */
	struct unpriv_result res[UNPRIV_NR];
};

/* In the child: drop to nobody, then open the socket and ask. */
static void unpriv_child(struct unpriv_report *rep)
{
	struct nl_sock *sk;
	struct nl_msg *m;
	struct reply r;
	const char *what;
	int i;

	for (i = 0; i < UNPRIV_NR; i++)
		rep->res[i].state = -1;
	if (setgroups(0, NULL) || setgid(NOBODY) || setuid(NOBODY)) {
		snprintf(rep->setup_err, sizeof(rep->setup_err),
			 "dropping to uid/gid %d: %s", NOBODY, strerror(errno));
		return;
	}
	if (geteuid() == 0) {
		snprintf(rep->setup_err, sizeof(rep->setup_err),
			 "still euid 0 after setuid(%d)", NOBODY);
		return;
	}
	sk = open_genl(&what);
	if (!sk) {
		snprintf(rep->setup_err, sizeof(rep->setup_err),
			 "as uid %d: %s failed", NOBODY, what);
		return;
	}

	m = nlmsg_alloc();
	if (!m || !genlmsg_put(m, NL_AUTO_PORT, NL_AUTO_SEQ, family_id, 0,
			       NLM_F_DUMP, MV_CMD_LIST_VMS, MV_GENL_VERSION)) {
		snprintf(rep->setup_err, sizeof(rep->setup_err), "building a request failed");
		goto out;
	}
	rep->res[UNPRIV_LIST].state = transact(sk, m, &r) ? 0 : 1;
	rep->res[UNPRIV_LIST].is_error = r.is_error;
	rep->res[UNPRIV_LIST].err = r.err;

	m = nlmsg_alloc();
	if (!m || !genlmsg_put(m, NL_AUTO_PORT, NL_AUTO_SEQ, family_id, 0, 0,
			       MV_CMD_SET_SAMPLING, MV_GENL_VERSION) ||
	    nla_put_u32(m, MV_A_SAMPLE_PERIOD, 0)) {
		snprintf(rep->setup_err, sizeof(rep->setup_err), "building a request failed");
		goto out;
	}
	rep->res[UNPRIV_SAMPLING].state = transact(sk, m, &r) ? 0 : 1;
	rep->res[UNPRIV_SAMPLING].is_error = r.is_error;
	rep->res[UNPRIV_SAMPLING].err = r.err;
out:
	nl_socket_free(sk);
}

static void test_unprivileged(void)
{
	static const char *const names[UNPRIV_NR] = {
		[UNPRIV_LIST]		= "LIST_VMS dump",
		[UNPRIV_SAMPLING]	= "SET_SAMPLING 0",
	};
	struct unpriv_report rep;
	int pfd[2], status, i;
	ssize_t n;
	pid_t pid;

	if (pipe(pfd))
		bail("pipe: %s", strerror(errno));
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		bail("fork: %s", strerror(errno));
	if (pid == 0) {
		close(pfd[0]);
		memset(&rep, 0, sizeof(rep));
		unpriv_child(&rep);
		n = write(pfd[1], &rep, sizeof(rep));
		_exit(n == (ssize_t)sizeof(rep) ? 0 : 1);
	}
	close(pfd[1]);
	memset(&rep, 0, sizeof(rep));
	n = read(pfd[0], &rep, sizeof(rep));
	close(pfd[0]);
	if (waitpid(pid, &status, 0) < 0)
		bail("waitpid: %s", strerror(errno));
	if (n != (ssize_t)sizeof(rep)) {
		tap_result(false, "unprivileged child reported back");
		diag("  read %zd bytes, child status 0x%x", n, status);
		return;
	}
	if (rep.setup_err[0]) {
		tap_result(false, "unprivileged child could send its requests");
		diag("  %s", rep.setup_err);
	}
	for (i = 0; i < UNPRIV_NR; i++) {
		const struct unpriv_result *u = &rep.res[i];
		bool pass = u->state == 0 && u->is_error && u->err == EPERM;

		if (u->state < 0)
			continue;
		if (!tap_result(pass, "%s as uid %d (no CAP_NET_ADMIN) -> EPERM",
				names[i], NOBODY))
			diag("  got %s", u->state ? "no answer" :
			     u->is_error ? errno_name(u->err) : "success");
	}
}

int main(int argc, char **argv)
{
	struct nl_sock *sk;
	const char *what;

	if (argc > 1) {
		printf("usage: genl_bad\n"
		       "Sends malformed and unauthorised requests to the \""
		       MV_GENL_NAME "\" generic\n"
		       "netlink family; prints TAP, exits 0 if every case passed.\n"
		       "Needs the module loaded, root, and no VM alive.\n");
		return strcmp(argv[1], "--help") ? 1 : 0;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);

	sk = open_genl(&what);
	if (!sk)
		bail("%s failed (is the module loaded?)", what);
	diag("family \"%s\" has id %d", MV_GENL_NAME, family_id);

	test_positive(sk);
	test_get_stats(sk);
	test_reset_and_sampling(sk);
	test_commands_and_versions(sk);
	nl_socket_free(sk);
	test_unprivileged();

	printf("1..%u\n", tap_count);
	if (tap_failed)
		diag("%u of %u checks failed", tap_failed, tap_count);
	return tap_failed ? 1 : 0;
}

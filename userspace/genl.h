/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The client of the module's generic netlink family "minivisor"
 * (uapi/minivisor.h, "Generic netlink: statistics and events"), on
 * libnl-genl-3. It lives in the tool, not in libminivisor.a, so that the
 * library stays free of libnl.
 *
 * Every function returns 0 or a negative errno and, on error, leaves a
 * message in g->err that names the cause and the fix, followed by the
 * kernel's extended-ack message when it sent one (also in g->extack).
 */
#ifndef MV_GENL_H
#define MV_GENL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stats_render.h"

struct nl_sock;
struct nl_msg;
struct nlmsgerr;
struct sockaddr_nl;

struct mv_genl {
	struct nl_sock *sk;
	int family;			/* resolved family id */
	char err[512];			/* the last error, for the user */
	char extack[256];		/* the kernel's ext-ack message, or "" */
};

/*
 * Connects and resolves the family. -ENOENT: the module is not loaded
 * (g->err says so and how to load it).
 */
int mv_genl_open(struct mv_genl *g);
void mv_genl_close(struct mv_genl *g);

/* MV_CMD_LIST_VMS: a malloc'd array (mv_stats_vms_free()) in *vms. */
int mv_genl_list_vms(struct mv_genl *g, struct mv_stats_vm **vms, size_t *nr);

/*
 * MV_CMD_GET_STATS for vm->id (and @vcpu_id if >= 0): fills vm->vcpus
 * and, for the whole VM, vm->total. -ENOENT: no such VM or vCPU.
 */
int mv_genl_get_stats(struct mv_genl *g, struct mv_stats_vm *vm, int vcpu_id);

/* MV_CMD_RESET_STATS of @vm_id (and @vcpu_id if >= 0). */
int mv_genl_reset_stats(struct mv_genl *g, uint32_t vm_id, int vcpu_id);

/* MV_CMD_SET_SAMPLING. */
int mv_genl_set_sampling(struct mv_genl *g, uint32_t period);

/*
 * Joins the events group (use a socket of its own: no requests on it) and
 * turns off sequence checks for it.
 */
int mv_genl_subscribe(struct mv_genl *g);

/*
 * Receives what is waiting (blocking for at least one message) and calls
 * @fn for each event; a non-zero return of @fn stops and is returned.
 */
int mv_genl_recv_events(struct mv_genl *g,
			int (*fn)(const struct mv_event *ev, void *arg),
			void *arg);

/* The socket's file descriptor (for poll()). */
int mv_genl_fd(const struct mv_genl *g);

/*
 * ---- Parsing, exposed for the unit tests ----
 * Each takes one message as libnl hands it to a callback, validates the
 * generic netlink header (command, version) and every attribute against
 * a policy, and returns 0 or a negative errno with a message in @err.
 * Unknown attributes are ignored.
 */
int mv_genl_parse_vm(struct nl_msg *msg, struct mv_stats_vm *vm,
		     char *err, size_t len);
/* @v gets the reasons (malloc'd); *vm_id the message's MV_A_VM_ID. */
int mv_genl_parse_stats(struct nl_msg *msg, struct mv_stats_vcpu *v,
			uint32_t *vm_id, char *err, size_t len);
int mv_genl_parse_event(struct nl_msg *msg, struct mv_event *ev,
			char *err, size_t len);

/*
 * What the receive callbacks below share. @vms/@nr: the VM list being
 * built (list_cb); @vm: the VM whose statistics are filled in (stats_cb);
 * @fn/@fn_arg: the event handler (event_cb). @error: the first error (a
 * negative errno), with @g->err describing it; @done: the reply is
 * complete (ack, NLMSG_DONE or an error).
 */
struct mv_genl_req {
	struct mv_genl *g;
	struct mv_stats_vm *vms;
	size_t nr;
	struct mv_stats_vm *vm;
	int (*fn)(const struct mv_event *ev, void *arg);
	void *fn_arg;
	int error;
	bool done;
};

/* NL_CB_VALID callbacks (arg: struct mv_genl_req). */
int mv_genl_list_cb(struct nl_msg *msg, void *arg);
int mv_genl_stats_cb(struct nl_msg *msg, void *arg);
int mv_genl_event_cb(struct nl_msg *msg, void *arg);
/* The error callback: records -error and the ext-ack message. */
int mv_genl_error_cb(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg);
/* NL_CB_FINISH: NLMSG_DONE, whose payload may carry a dump's error. */
int mv_genl_finish_cb(struct nl_msg *msg, void *arg);

#endif /* MV_GENL_H */

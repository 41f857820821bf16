// SPDX-License-Identifier: GPL-2.0
/* `minivisor stats`, `top` and `events` (stats_cmd.h). */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "exit.h"
#include "genl.h"
#include "stats_cmd.h"
#include "stats_render.h"

static const char *const cmd_names[] = {
	[MV_NLCMD_STATS] = "stats",
	[MV_NLCMD_TOP] = "top",
	[MV_NLCMD_EVENTS] = "events",
};

void mv_print_stats_usage(FILE *out)
{
	fputs("Usage: minivisor stats [--vm ID [--vcpu N]] [--json]\n"
	      "       minivisor stats --reset --vm ID [--vcpu N]\n"
	      "\n"
	      "Show the per-exit-reason statistics the minivisor module keeps for\n"
	      "every vCPU of every VM (over generic netlink; needs CAP_NET_ADMIN).\n"
	      "Without --vm: the VMs (id, pid of their VMM, vCPUs, memory), then the\n"
	      "statistics of each. With --vm: that VM's (or with --vcpu, that vCPU's).\n"
	      "\n"
	      "One table per vCPU, then the VM's totals over its vCPUs; one row per\n"
	      "exit reason seen since the last reset:\n"
	      "  REASON  basic exit reason number (SDM Vol. 3C App. C) and NAME\n"
	      "  COUNT   exits; CYCLES-TOTAL: host TSC cycles from the exit to the next\n"
	      "          entry, summed; MEAN: per handled exit (\"-\" if none yet);\n"
	      "          MAX: the longest\n"
	      "  HISTOGRAM  the non-zero log2 buckets as 2^K:N: N exits took\n"
	      "          [2^K, 2^(K+1)) cycles (2^0 includes 0; 2^31+ is everything\n"
	      "          longer)\n"
	      "\n"
	      "Options:\n"
	      "  --vm ID       only this VM\n"
	      "  --vcpu N      only this vCPU (with --vm; no totals then)\n"
	      "  --json        one JSON document instead of the tables:\n"
	      "                {\"vms\":[{\"id\",\"pid\",\"nr_vcpus\",\"mem_bytes\",\"vcpus\":[{\"id\",\n"
	      "                \"exits_total\",\"reasons\":[{\"id\",\"name\",\"count\",\"cycles_total\",\n"
	      "                \"cycles_max\",\"cycles_mean\",\"hist\":[32]}]}],\"totals\"}]}\n"
	      "  --reset       zero the statistics of --vm (required) [and --vcpu]\n"
	      "  -h, --help    show this help\n", out);
}

void mv_print_top_usage(FILE *out)
{
	fputs("Usage: minivisor top [--vm ID] [--interval SECONDS] [--iterations N]\n"
	      "\n"
	      "Every interval, the exits per second of each VM (or of --vm) by exit\n"
	      "reason, highest rate first, with the total rate and the rate of each\n"
	      "vCPU. Rates are the growth of the counters over the time elapsed between\n"
	      "two reads; a reset in between counts from zero. On a terminal the screen\n"
	      "is redrawn; otherwise each refresh is a block starting with a \"---\" line.\n"
	      "Ctrl-C (SIGINT) or SIGTERM quits.\n"
	      "\n"
	      "Options:\n"
	      "  --vm ID              only this VM\n"
	      "  --interval SECONDS   time between refreshes (default 1; may be\n"
	      "                       fractional, 0.01 .. 3600)\n"
	      "  --iterations N       quit after N refreshes (default: never)\n"
	      "  -h, --help           show this help\n", out);
}

void mv_print_events_usage(FILE *out)
{
	fputs("Usage: minivisor events [--sample N] [--count N]\n"
	      "\n"
	      "Print the minivisor module's events, one per line, until Ctrl-C:\n"
	      "  vm-created vm=ID pid=PID\n"
	      "  vm-destroyed vm=ID\n"
	      "  exit vm=ID vcpu=N reason=R NAME qual=0x.. rip=0x.. cycles=C\n"
	      "Exit samples only come while sampling is on (it is module-wide).\n"
	      "\n"
	      "Options:\n"
	      "  --sample N    announce every N-th exit of each vCPU while this runs\n"
	      "                (sampling is turned off again on exit; 0 turns it off)\n"
	      "  --count N     quit after N events\n"
	      "  -h, --help    show this help\n", out);
}

static int usage_error(FILE *err, enum mv_nl_cmd cmd, const char *fmt,
		       const char *arg)
{
	fprintf(err, "minivisor %s: ", cmd_names[cmd]);
	fprintf(err, fmt, arg);
	fprintf(err, "\nTry 'minivisor %s --help'.\n", cmd_names[cmd]);
	return -1;
}

static bool parse_ulong(const char *s, unsigned long max, unsigned long *v)
{
	char *end;

	if (!s || !*s || *s == '-' || *s == '+' || *s == ' ')
		return false;
	errno = 0;
	*v = strtoul(s, &end, 10);
	return !errno && !*end && *v <= max;
}

/*
 * If argv[*i] is @name ("--name VALUE" or "--name=VALUE"), *val gets
 * VALUE (NULL if missing) and true is returned.
 */
static bool match_opt(int argc, char *argv[], int *i, const char *name,
		      const char **val)
{
	size_t n = strlen(name);

	if (strncmp(argv[*i], name, n))
		return false;
	if (argv[*i][n] == '=') {
		*val = argv[*i] + n + 1;
		return true;
	}
	if (argv[*i][n])
		return false;
	*val = *i + 1 < argc ? argv[++*i] : NULL;
	return true;
}

int mv_nl_parse_args(enum mv_nl_cmd cmd, int argc, char *argv[],
		     struct mv_nl_opts *o, FILE *err)
{
	unsigned long v;
	const char *val;
	int i;

	memset(o, 0, sizeof(*o));
	o->vm = o->vcpu = -1;
	o->interval = 1.0;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			o->help = true;
			return 0;
		}
		if (cmd != MV_NLCMD_EVENTS && match_opt(argc, argv, &i, "--vm", &val)) {
			if (!parse_ulong(val, UINT32_MAX, &v))
				return usage_error(err, cmd, "--vm needs a VM id (a number, see 'minivisor stats'), not '%s'",
						   val ? val : "");
			o->vm = v;
		} else if (cmd == MV_NLCMD_STATS &&
			   match_opt(argc, argv, &i, "--vcpu", &val)) {
			if (!parse_ulong(val, UINT32_MAX, &v))
				return usage_error(err, cmd, "--vcpu needs a vCPU number, not '%s'",
						   val ? val : "");
			o->vcpu = v;
		} else if (cmd == MV_NLCMD_STATS && !strcmp(a, "--json")) {
			o->json = true;
		} else if (cmd == MV_NLCMD_STATS && !strcmp(a, "--reset")) {
			o->reset = true;
		} else if (cmd == MV_NLCMD_TOP &&
			   match_opt(argc, argv, &i, "--interval", &val)) {
			char *end = NULL;	/* stays NULL without a value */

			o->interval = val && *val ? strtod(val, &end) : NAN;
			if (!end || *end || !(o->interval >= 0.01 &&
					      o->interval <= 3600))
				return usage_error(err, cmd, "--interval needs seconds between 0.01 and 3600, not '%s'",
						   val ? val : "");
		} else if (cmd == MV_NLCMD_TOP &&
			   match_opt(argc, argv, &i, "--iterations", &val)) {
			if (!parse_ulong(val, ULONG_MAX, &v) || !v)
				return usage_error(err, cmd, "--iterations needs a number of refreshes (1 or more), not '%s'",
						   val ? val : "");
			o->iterations = v;
		} else if (cmd == MV_NLCMD_EVENTS &&
			   match_opt(argc, argv, &i, "--sample", &val)) {
			if (!parse_ulong(val, UINT32_MAX, &v))
				return usage_error(err, cmd, "--sample needs a period N (every N-th exit; 0 turns sampling off), not '%s'",
						   val ? val : "");
			o->sample = v;
			o->have_sample = true;
		} else if (cmd == MV_NLCMD_EVENTS &&
			   match_opt(argc, argv, &i, "--count", &val)) {
			if (!parse_ulong(val, ULONG_MAX, &v) || !v)
				return usage_error(err, cmd, "--count needs a number of events (1 or more), not '%s'",
						   val ? val : "");
			o->count = v;
		} else {
			return usage_error(err, cmd, a[0] == '-' ?
					   "unknown option '%s'" :
					   "unexpected argument '%s'", a);
		}
	}
	if (o->vcpu >= 0 && o->vm < 0)
		return usage_error(err, cmd, "%s--vcpu needs --vm", "");
	if (o->reset && o->vm < 0)
		return usage_error(err, cmd, "%s--reset needs --vm ID (and optionally --vcpu N)", "");
	if (o->reset && o->json)
		return usage_error(err, cmd, "%s--reset and --json do not go together", "");
	return 0;
}

/* The message for a failed request about --vm / --vcpu. */
static void report(const struct mv_genl *g, int ret, int64_t vm, int64_t vcpu)
{
	const char *k = g->extack;

	if (ret == -ENOENT && vm >= 0) {
		if (vcpu >= 0 && strstr(k, "vCPU"))
			fprintf(stderr, "minivisor: VM %lld has no vCPU %lld; `minivisor stats --vm %lld` shows its vCPUs%s%s%s\n",
				(long long)vm, (long long)vcpu, (long long)vm,
				*k ? " (kernel: " : "", k, *k ? ")" : "");
		else
			fprintf(stderr, "minivisor: no VM with id %lld; `minivisor stats` lists them%s%s%s\n",
				(long long)vm, *k ? " (kernel: " : "", k,
				*k ? ")" : "");
		return;
	}
	fprintf(stderr, "minivisor: %s\n", g->err);
}

/*
 * The VMs to show, with their statistics: all of them, or the one @vm.
 * A VM that disappears between the list and its statistics is dropped.
 */
static int snapshot(struct mv_genl *g, int64_t vm, int64_t vcpu,
		    struct mv_stats_vm **vms, size_t *nr)
{
	size_t i, kept = 0;
	int ret;

	ret = mv_genl_list_vms(g, vms, nr);
	if (ret) {
		report(g, ret, -1, -1);
		return ret;
	}
	if (vm >= 0) {
		for (i = 0; i < *nr && (*vms)[i].id != vm; i++)
			;
		if (i == *nr) {
			/* Not (or no longer) listed: let the kernel say why. */
			struct mv_stats_vm *one = realloc(*vms, sizeof(*one));

			if (!one) {
				mv_stats_vms_free(*vms, *nr);
				fprintf(stderr, "minivisor: out of memory\n");
				return -ENOMEM;
			}
			memset(one, 0, sizeof(*one));
			one->id = vm;
			*vms = one;
		} else if (i) {
			struct mv_stats_vm tmp = (*vms)[0];

			(*vms)[0] = (*vms)[i];
			(*vms)[i] = tmp;
		}
		for (i = 1; i < *nr; i++)
			mv_stats_vm_free_stats(&(*vms)[i]);
		*nr = 1;
	}
	for (i = 0; i < *nr; i++) {
		ret = mv_genl_get_stats(g, &(*vms)[i], vcpu);
		if (ret == -ENOENT && vm < 0)
			continue;	/* gone since the list */
		if (ret) {
			report(g, ret, (*vms)[i].id, vcpu);
			mv_stats_vms_free(*vms, *nr);
			*vms = NULL;
			*nr = 0;
			return ret;
		}
		(*vms)[kept++] = (*vms)[i];
	}
	*nr = kept;
	return 0;
}

static int open_genl(struct mv_genl *g)
{
	int ret = mv_genl_open(g);

	if (ret)
		fprintf(stderr, "minivisor: %s\n", g->err);
	return ret;
}

int mv_cmd_stats(int argc, char *argv[])
{
	struct mv_stats_vm *vms = NULL;
	struct mv_nl_opts o;
	struct mv_genl g;
	size_t nr = 0, i;
	int ret;

	if (mv_nl_parse_args(MV_NLCMD_STATS, argc, argv, &o, stderr))
		return MV_STATUS_USAGE;
	if (o.help) {
		mv_print_stats_usage(stdout);
		return 0;
	}
	if (open_genl(&g))
		return MV_STATUS_SETUP_ERROR;
	if (o.reset) {
		ret = mv_genl_reset_stats(&g, o.vm, o.vcpu);
		if (ret)
			report(&g, ret, o.vm, o.vcpu);
		else if (o.vcpu >= 0)
			printf("reset the exit statistics of vCPU %lld of VM %lld\n",
			       (long long)o.vcpu, (long long)o.vm);
		else
			printf("reset the exit statistics of every vCPU of VM %lld\n",
			       (long long)o.vm);
		mv_genl_close(&g);
		return ret ? MV_STATUS_SETUP_ERROR : 0;
	}
	ret = snapshot(&g, o.vm, o.vcpu, &vms, &nr);
	mv_genl_close(&g);
	if (ret)
		return MV_STATUS_SETUP_ERROR;
	if (o.json) {
		mv_stats_print_json(stdout, vms, nr);
	} else {
		if (o.vm < 0)
			mv_stats_print_vm_list(stdout, vms, nr);
		for (i = 0; i < nr; i++) {
			fputc('\n', stdout);
			mv_stats_print_vm(stdout, &vms[i]);
		}
	}
	mv_stats_vms_free(vms, nr);
	return 0;
}

static volatile sig_atomic_t mv_nl_stop;

static void on_signal(int sig)
{
	(void)sig;
	mv_nl_stop = 1;
}

/* SIGINT and SIGTERM set mv_nl_stop and interrupt sleeps (no SA_RESTART). */
static void catch_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Sleeps @seconds; false if a signal asked to stop. */
static bool nap(double seconds)
{
	struct timespec ts;

	ts.tv_sec = (time_t)seconds;
	ts.tv_nsec = (long)((seconds - ts.tv_sec) * 1e9);
	while (!mv_nl_stop && nanosleep(&ts, &ts) && errno == EINTR)
		;
	return !mv_nl_stop;
}

int mv_cmd_top(int argc, char *argv[])
{
	struct mv_stats_vm *prev = NULL, *cur = NULL;
	size_t nprev = 0, ncur = 0, i, j;
	bool tty = isatty(STDOUT_FILENO);
	unsigned long it;
	struct mv_nl_opts o;
	struct mv_genl g;
	double t0, t1;
	int status = 0;

	if (mv_nl_parse_args(MV_NLCMD_TOP, argc, argv, &o, stderr))
		return MV_STATUS_USAGE;
	if (o.help) {
		mv_print_top_usage(stdout);
		return 0;
	}
	if (open_genl(&g))
		return MV_STATUS_SETUP_ERROR;
	mv_nl_stop = 0;
	catch_signals();
	if (snapshot(&g, o.vm, -1, &prev, &nprev)) {
		mv_genl_close(&g);
		return MV_STATUS_SETUP_ERROR;
	}
	t0 = now();
	for (it = 0; !o.iterations || it < o.iterations; it++) {
		char stamp[32];
		time_t wall;

		if (!nap(o.interval))
			break;
		if (snapshot(&g, o.vm, -1, &cur, &ncur)) {
			status = MV_STATUS_SETUP_ERROR;
			break;
		}
		t1 = now();
		wall = time(NULL);
		strftime(stamp, sizeof(stamp), "%H:%M:%S", localtime(&wall));
		if (tty)
			fputs("\033[H\033[2J", stdout);
		else if (it)
			fputc('\n', stdout);
		printf("--- minivisor top %s, %.2f s, %zu VM%s%s ---\n", stamp,
		       t1 - t0, ncur, ncur == 1 ? "" : "s",
		       tty ? " (Ctrl-C quits)" : "");
		for (i = 0; i < ncur; i++) {
			const struct mv_stats_vm *p = NULL;

			for (j = 0; j < nprev; j++)
				if (prev[j].id == cur[i].id)
					p = &prev[j];
			mv_top_print_vm(stdout, p, &cur[i], t1 - t0);
		}
		fflush(stdout);
		mv_stats_vms_free(prev, nprev);
		prev = cur;
		nprev = ncur;
		cur = NULL;
		ncur = 0;
		t0 = t1;
	}
	mv_stats_vms_free(prev, nprev);
	mv_genl_close(&g);
	return status;
}

struct events_state {
	unsigned long seen;
	unsigned long count;
};

static int print_event(const struct mv_event *ev, void *arg)
{
	struct events_state *st = arg;

	mv_event_print(stdout, ev);
	fflush(stdout);
	st->seen++;
	return st->count && st->seen >= st->count ? 1 : 0;
}

int mv_cmd_events(int argc, char *argv[])
{
	struct events_state st = { 0 };
	struct mv_genl ev, ctl = { 0 };
	bool sampling = false;
	struct mv_nl_opts o;
	int ret = 0, status = 0;

	if (mv_nl_parse_args(MV_NLCMD_EVENTS, argc, argv, &o, stderr))
		return MV_STATUS_USAGE;
	if (o.help) {
		mv_print_events_usage(stdout);
		return 0;
	}
	st.count = o.count;
	if (open_genl(&ev))
		return MV_STATUS_SETUP_ERROR;
	/* Join first, so that no sample of the new period is missed. */
	ret = mv_genl_subscribe(&ev);
	if (ret) {
		fprintf(stderr, "minivisor: %s\n", ev.err);
		mv_genl_close(&ev);
		return MV_STATUS_SETUP_ERROR;
	}
	mv_nl_stop = 0;
	catch_signals();
	if (o.have_sample) {
		if (open_genl(&ctl)) {
			mv_genl_close(&ev);
			return MV_STATUS_SETUP_ERROR;
		}
		ret = mv_genl_set_sampling(&ctl, o.sample);
		if (ret) {
			fprintf(stderr, "minivisor: %s\n", ctl.err);
			status = MV_STATUS_SETUP_ERROR;
			goto out;
		}
		sampling = o.sample != 0;
		if (sampling)
			fprintf(stderr, "minivisor: sampling every %u-th exit of each vCPU (turned off again on exit)\n",
				o.sample);
	}
	while (!mv_nl_stop) {
		struct pollfd pfd = { .fd = mv_genl_fd(&ev), .events = POLLIN };

		/* A timeout, so that a signal between checks is not missed. */
		ret = poll(&pfd, 1, 200);
		if (ret < 0 && errno != EINTR) {
			perror("minivisor: poll");
			status = MV_STATUS_SETUP_ERROR;
			break;
		}
		if (ret <= 0)
			continue;
		ret = mv_genl_recv_events(&ev, print_event, &st);
		if (ret < 0) {
			fprintf(stderr, "minivisor: %s\n", ev.err);
			status = MV_STATUS_SETUP_ERROR;
			break;
		}
		if (ret > 0)
			break;
	}
out:
	if (sampling && mv_genl_set_sampling(&ctl, 0)) {
		fprintf(stderr, "minivisor: could not turn sampling off again: %s\n",
			ctl.err);
		status = MV_STATUS_SETUP_ERROR;
	}
	mv_genl_close(&ctl);
	mv_genl_close(&ev);
	return status;
}

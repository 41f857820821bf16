// SPDX-License-Identifier: GPL-2.0
/* The `minivisor` tool: subcommand dispatch (main.c only calls mv_main). */
#include <stdio.h>
#include <string.h>

#include <minivisor.h>

#include "caps.h"
#include "cli.h"
#include "exit.h"
#include "run.h"
#include "stats_cmd.h"

static void usage(FILE *out)
{
	fputs("Usage: minivisor COMMAND [OPTIONS]\n"
	      "\n"
	      "Commands:\n"
	      "  run [OPTIONS] GUEST.bin | run --kernel BZIMAGE [OPTIONS]\n"
	      "                 run a flat-binary guest or boot a Linux kernel\n"
	      "  caps [--hv kvm]\n"
	      "                 show what the minivisor module (or KVM) offers on this CPU\n"
	      "  stats [--vm ID] [--json]\n"
	      "                 per-vCPU exit statistics by reason, with histograms\n"
	      "  top [--vm ID]  live exit rates per reason, refreshed every second\n"
	      "  events         VM creation/destruction and sampled exits as they happen\n"
	      "\n"
	      "Options:\n"
	      "  -h, --help     show this help\n"
	      "  --version      show the API version this tool speaks\n"
	      "\n"
	      "Run 'minivisor COMMAND --help' for the options of a command.\n"
	      "The module must be loaded first: insmod kmod/minivisor.ko\n", out);
}

int mv_main(int argc, char *argv[])
{
	const char *cmd = argc > 1 ? argv[1] : NULL;

	if (!cmd) {
		fprintf(stderr, "minivisor: missing COMMAND\n");
		fprintf(stderr, "Try 'minivisor --help'.\n");
		return MV_STATUS_USAGE;
	}
	if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help") ||
	    !strcmp(cmd, "help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(cmd, "--version")) {
		printf("minivisor, API version %d\n", MV_API_VERSION);
		return 0;
	}
	if (!strcmp(cmd, "run"))
		return mv_cmd_run(argc - 1, argv + 1);
	if (!strcmp(cmd, "caps"))
		return mv_cmd_caps(argc - 1, argv + 1);
	if (!strcmp(cmd, "stats"))
		return mv_cmd_stats(argc - 1, argv + 1);
	if (!strcmp(cmd, "top"))
		return mv_cmd_top(argc - 1, argv + 1);
	if (!strcmp(cmd, "events"))
		return mv_cmd_events(argc - 1, argv + 1);

	fprintf(stderr, "minivisor: %s '%s'\nTry 'minivisor --help'.\n",
		cmd[0] == '-' ? "unknown option" : "unknown command", cmd);
	return MV_STATUS_USAGE;
}

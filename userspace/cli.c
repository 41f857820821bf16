// SPDX-License-Identifier: GPL-2.0
/* The `minivisor` tool: subcommand dispatch (main.c only calls mv_main). */
#include <stdio.h>
#include <string.h>

#include <minivisor.h>

#include "caps.h"
#include "cli.h"
#include "exit.h"
#include "run.h"

static void usage(FILE *out)
{
	fputs("Usage: minivisor COMMAND [OPTIONS]\n"
	      "\n"
	      "Commands:\n"
	      "  run [--mem SIZE] [--entry real|long] [--stats] GUEST.bin\n"
	      "                 run a flat-binary guest on one vCPU\n"
	      "  caps           show what the minivisor module offers on this CPU\n"
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

	fprintf(stderr, "minivisor: %s '%s'\nTry 'minivisor --help'.\n",
		cmd[0] == '-' ? "unknown option" : "unknown command", cmd);
	return MV_STATUS_USAGE;
}

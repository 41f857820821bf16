/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MV_CLI_H
#define MV_CLI_H

/* The whole tool: argv as main() gets it; returns the exit status. */
int mv_main(int argc, char *argv[]);

#endif /* MV_CLI_H */

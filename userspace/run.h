/* SPDX-License-Identifier: GPL-2.0 */
/* `minivisor run`: set up a VM, load the guest, run it to the end. */
#ifndef MV_RUN_H
#define MV_RUN_H

/* argv[0] is "run". Returns the tool's exit status (README.md). */
int mv_cmd_run(int argc, char *argv[]);

#endif /* MV_RUN_H */

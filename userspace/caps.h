/* SPDX-License-Identifier: GPL-2.0 */
/* `minivisor caps`: what the module and the CPU offer. */
#ifndef MV_CAPS_H
#define MV_CAPS_H

#include <stdio.h>
#include <minivisor.h>

void mv_print_caps(FILE *out, const struct mv_caps *caps);
void mv_print_caps_usage(FILE *out);
int mv_cmd_caps(int argc, char *argv[]);

#endif /* MV_CAPS_H */

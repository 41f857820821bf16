/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Debug-exit port: a guest write to port 0xf4 stops the VM, and the low
 * byte of the value becomes the tool's exit status, so a test guest can
 * report pass (0) or a failure code without a console. The device owns
 * ports 0xf4..0xf7 (like QEMU's isa-debug-exit with iobase=0xf4,iosize=4)
 * so a 16- or 32-bit OUT to 0xf4 is claimed too; writes to 0xf5..0xf7 are
 * ignored, reads return all-ones.
 */
#ifndef MV_DEBUG_EXIT_H
#define MV_DEBUG_EXIT_H

#include "bus.h"

#define MV_DEBUG_EXIT_PORT	0xf4
#define MV_DEBUG_EXIT_PORTS	4

__attribute__((warn_unused_result))
int mv_debug_exit_init(struct mv_bus *bus);

#endif /* MV_DEBUG_EXIT_H */

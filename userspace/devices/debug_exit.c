// SPDX-License-Identifier: GPL-2.0
#include <string.h>

#include "debug_exit.h"
#include "../vcpu_ctx.h"

static void debug_exit_access(void *opaque, struct mv_vcpu_ctx *vcpu,
			      uint64_t addr, void *data, unsigned int len,
			      bool is_write)
{
	uint8_t code;

	(void)opaque;
	if (!is_write) {
		memset(data, 0xff, len);
		return;
	}
	if (addr != MV_DEBUG_EXIT_PORT)
		return;
	code = *(const uint8_t *)data;	/* little-endian: the low byte */
	mv_vcpu_stop(vcpu, code,
		     "guest wrote 0x%02x to the debug-exit port 0x%x (exit status %u)",
		     code, MV_DEBUG_EXIT_PORT, code);
}

int mv_debug_exit_init(struct mv_bus *bus)
{
	return mv_bus_register(bus, MV_SPACE_PIO, MV_DEBUG_EXIT_PORT,
			       MV_DEBUG_EXIT_PORTS, debug_exit_access, NULL,
			       "debug-exit");
}

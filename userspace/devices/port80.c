// SPDX-License-Identifier: GPL-2.0
#include <string.h>

#include "port80.h"

/* Byte ports, registered one port each: the bus hands us 1-byte accesses. */
static void port80_access(void *opaque, struct mv_vcpu_ctx *vcpu,
			  uint64_t addr, void *data, unsigned int len,
			  bool is_write)
{
	struct mv_port80 *p = opaque;
	uint8_t *reg = addr == MV_PORT80_PORT ? &p->last : &p->last_ed;

	(void)vcpu;
	if (is_write) {
		*reg = *(const uint8_t *)data;
		return;
	}
	memset(data, 0xff, len);
	*(uint8_t *)data = *reg;
}

int mv_port80_init(struct mv_port80 *p, struct mv_bus *bus)
{
	int ret;

	memset(p, 0, sizeof(*p));
	ret = mv_bus_register(bus, MV_SPACE_PIO, MV_PORT80_PORT, 1,
			      port80_access, p, "port80");
	if (ret)
		return ret;
	return mv_bus_register(bus, MV_SPACE_PIO, MV_PORT80_DELAY_PORT, 1,
			       port80_access, p, "port-ed");
}

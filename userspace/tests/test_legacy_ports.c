// SPDX-License-Identifier: GPL-2.0
#include <stdint.h>

#include "test.h"
#include "devices/bus.h"
#include "devices/pci_none.h"
#include "devices/port80.h"

static uint32_t in(struct mv_bus *bus, uint16_t port, unsigned int len)
{
	uint32_t v = 0;

	mv_bus_access(bus, MV_SPACE_PIO, NULL, port, &v, len, false);
	return v;
}

static void out(struct mv_bus *bus, uint16_t port, uint32_t v,
		unsigned int len)
{
	mv_bus_access(bus, MV_SPACE_PIO, NULL, port, &v, len, true);
}

TEST(port80_keeps_last_value)
{
	struct mv_port80 p;
	struct mv_bus bus;

	mv_bus_init(&bus, NULL);
	CHECK_EQ(mv_port80_init(&p, &bus), 0);
	CHECK_EQ(in(&bus, 0x80, 1), 0);
	out(&bus, 0x80, 0x42, 1);
	out(&bus, 0xed, 0x17, 1);
	CHECK_EQ(in(&bus, 0x80, 1), 0x42);
	CHECK_EQ(in(&bus, 0xed, 1), 0x17);
	CHECK_EQ(p.last, 0x42);
	/* Neighbours are not claimed. */
	CHECK(!mv_bus_find(&bus, MV_SPACE_PIO, 0x81, 1));
	CHECK(!mv_bus_find(&bus, MV_SPACE_PIO, 0x80, 2));
	mv_bus_destroy(&bus);
}

/* arch/x86/pci/direct.c pci_check_type1(), then config reads. */
TEST(pci_none_type1_probe_and_empty_bus)
{
	struct mv_pci_none p;
	struct mv_bus bus;
	uint32_t saved;

	mv_bus_init(&bus, NULL);
	CHECK_EQ(mv_pci_none_init(&p, &bus), 0);
	out(&bus, 0xcfb, 0x01, 1);
	saved = in(&bus, 0xcf8, 4);
	out(&bus, 0xcf8, 0x80000000u, 4);
	CHECK_EQ(in(&bus, 0xcf8, 4), 0x80000000u);
	out(&bus, 0xcf8, saved, 4);
	CHECK_EQ(in(&bus, 0xcf8, 4), saved);

	/* Bus 0, device 0, vendor/device ID: nobody home. */
	out(&bus, 0xcf8, 0x80000000u, 4);
	CHECK_EQ(in(&bus, 0xcfc, 4), 0xffffffffu);
	CHECK_EQ(in(&bus, 0xcfc, 2), 0xffff);
	CHECK_EQ(in(&bus, 0xcfe, 2), 0xffff);
	CHECK_EQ(in(&bus, 0xcff, 1), 0xff);
	out(&bus, 0xcfc, 0x12345678, 4);
	CHECK_EQ(in(&bus, 0xcfc, 4), 0xffffffffu);
	/* Reserved bits read 0; narrow accesses to 0xcf8 are not latched. */
	out(&bus, 0xcf8, 0xffffffffu, 4);
	CHECK_EQ(in(&bus, 0xcf8, 4), MV_PCI_ADDRESS_MASK);
	out(&bus, 0xcf8, 0, 1);
	CHECK_EQ(in(&bus, 0xcf8, 4), MV_PCI_ADDRESS_MASK);
	CHECK_EQ(in(&bus, 0xcf8, 2), 0xffff);
	mv_bus_destroy(&bus);
}

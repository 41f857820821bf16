// SPDX-License-Identifier: GPL-2.0
#include <string.h>

#include "pci_none.h"

static void pci_none_access(void *opaque, struct mv_vcpu_ctx *vcpu,
			    uint64_t addr, void *data, unsigned int len,
			    bool is_write)
{
	struct mv_pci_none *p = opaque;
	uint32_t val;

	(void)vcpu;
	/* Only a dword access to 0xcf8 is a CONFIG_ADDRESS access. */
	if (addr == MV_PCI_CONFIG_ADDRESS && len == 4) {
		if (is_write) {
			memcpy(&val, data, 4);
			p->address = val & MV_PCI_ADDRESS_MASK;
		} else {
			memcpy(data, &p->address, 4);
		}
		return;
	}
	/* No device decodes the cycle: the bus floats high. */
	if (!is_write)
		memset(data, 0xff, len);
}

int mv_pci_none_init(struct mv_pci_none *p, struct mv_bus *bus)
{
	memset(p, 0, sizeof(*p));
	return mv_bus_register(bus, MV_SPACE_PIO, MV_PCI_CONFIG_ADDRESS,
			       MV_PCI_CONFIG_PORTS, pci_none_access, p,
			       "pci-none");
}

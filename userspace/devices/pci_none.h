/* SPDX-License-Identifier: GPL-2.0 */
/*
 * PCI configuration mechanism #1 (ports 0xcf8..0xcff) on a bus with no
 * devices, so Linux finds a working host bridge interface (its
 * pci_check_type1() writes 0x80000000 to 0xcf8 and expects it back) and
 * then an empty bus.
 *
 *   0xcf8  32-bit CONFIG_ADDRESS latch: reads back what was written
 *          (reserved bits 30:24 and 1:0 read as 0, as on Intel chipsets).
 *          A narrower access at 0xcf8..0xcfb is not a config address
 *          cycle: it reads all-ones and is ignored, as are writes there.
 *   0xcfc..0xcff  CONFIG_DATA: any read, of any width, returns all-ones
 *          (no device answers: vendor ID 0xffff); writes are dropped.
 */
#ifndef MV_PCI_NONE_H
#define MV_PCI_NONE_H

#include <stdint.h>

#include "bus.h"

#define MV_PCI_CONFIG_ADDRESS	0xcf8
#define MV_PCI_CONFIG_DATA	0xcfc
#define MV_PCI_CONFIG_PORTS	8
#define MV_PCI_ADDRESS_MASK	0x80fffffcu	/* enable, bus, dev, fn, reg */

struct mv_pci_none {
	uint32_t address;	/* the CONFIG_ADDRESS latch */
};

/* Registers 0xcf8..0xcff; 0 or the mv_bus_register error. */
__attribute__((warn_unused_result))
int mv_pci_none_init(struct mv_pci_none *p, struct mv_bus *bus);

#endif /* MV_PCI_NONE_H */

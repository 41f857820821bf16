/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The legacy PC a Linux guest expects, wired together: 8259 PIC pair
 * (delivering to vCPU 0 through the VMM's injector), 8254 PIT on IRQ 0,
 * 8250 UART at 0x3f8 on IRQ 4 (the guest's ttyS0: stdout, and stdin when
 * given), CMOS RTC, i8042 (its reset line ends the run), POST port 0x80
 * and PCI configuration ports with no devices. There is no local APIC:
 * the default CPUID table hides it, so Linux uses the PIC and the PIT.
 *
 * How the guest's end is told apart (mv_pc_outcome()): a reset through
 * the i8042 (`reboot`, or `panic=-1` after a panic) stops the VM with
 * status 0; `poweroff` ends in HLT with interrupts disabled, which the run
 * loop reports as a halt; a line "Kernel panic - not syncing" on the
 * console marks the run as a panic whatever came after it.
 */
#ifndef MV_PC_H
#define MV_PC_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "devices/bus.h"
#include "devices/i8042.h"
#include "devices/irq_test.h"
#include "devices/pci_none.h"
#include "devices/pic.h"
#include "devices/pit.h"
#include "devices/port80.h"
#include "devices/rtc.h"
#include "devices/uart8250.h"

#define MV_PC_COM1		0x3f8
#define MV_PC_COM1_IRQ		4
#define MV_PC_TIMER_IRQ		0
#define MV_PC_PANIC_MARK	"Kernel panic - not syncing"
/* What Linux prints when it starts the first process: "booted". */
#define MV_PC_INIT_MARK		"Run /init as init process"

struct mv_pc {
	struct mv_pic pic;
	struct mv_pit pit;
	struct mv_uart uart;
	struct mv_rtc rtc;
	struct mv_i8042 kbd;
	struct mv_port80 port80;
	struct mv_pci_none pci;
	bool pit_up, uart_up;
	atomic_bool rebooted;		/* the i8042 reset line was pulsed */
	atomic_bool panicked;		/* the console showed a panic */
	char panic_line[256];		/* that line (set before panicked) */
	/* Host TSC at mv_pc_init() and when MV_PC_INIT_MARK was printed. */
	uint64_t tsc_start;
	atomic_uint_fast64_t tsc_init_mark;	/* 0: not seen */
};

/*
 * Registers every device on @bus. Interrupts go to @inject(@arg, vector);
 * the console writes to @out and, if @in_fd >= 0, reads the guest's
 * input from it. 0 or -errno (then mv_pc_destroy() undoes it).
 */
__attribute__((warn_unused_result))
int mv_pc_init(struct mv_pc *pc, struct mv_bus *bus, mv_irq_inject_fn *inject,
	       void *arg, FILE *out, int in_fd);
/* Stops the device threads and flushes the console. */
void mv_pc_destroy(struct mv_pc *pc);

/*
 * Host TSC cycles from setup to the console's MV_PC_INIT_MARK line, or 0
 * if the guest never got there. (In the emulated test PC the TSC counts
 * emulated cycles, so the figure repeats from run to run.)
 */
uint64_t mv_pc_cycles_to_init(struct mv_pc *pc);

#endif /* MV_PC_H */

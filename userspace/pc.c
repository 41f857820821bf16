// SPDX-License-Identifier: GPL-2.0
/* The legacy PC for Linux guests; see pc.h. */
#include <errno.h>
#include <string.h>

#include "exit.h"
#include "pc.h"
#include "vcpu_ctx.h"

/* i8042 reset (pulse of output port bit 0): the guest asked to reboot. */
static void on_reset(void *arg, struct mv_vcpu_ctx *vcpu)
{
	struct mv_pc *pc = arg;

	atomic_store(&pc->rebooted, true);
	if (vcpu)
		mv_vcpu_stop(vcpu, MV_STATUS_HALT,
			     "the guest rebooted (reset through the i8042)");
}

static uint64_t host_tsc(void)
{
	return __builtin_ia32_rdtsc();
}

/* Every console line: note when init starts and the first panic. */
static void on_console_line(void *arg, const char *line)
{
	struct mv_pc *pc = arg;
	uint_fast64_t none = 0;

	if (strstr(line, MV_PC_INIT_MARK))
		atomic_compare_exchange_strong(&pc->tsc_init_mark, &none,
					       host_tsc());
	if (atomic_load(&pc->panicked) || !strstr(line, MV_PC_PANIC_MARK))
		return;
	snprintf(pc->panic_line, sizeof(pc->panic_line), "%s", line);
	atomic_store(&pc->panicked, true);
}

int mv_pc_init(struct mv_pc *pc, struct mv_bus *bus, mv_irq_inject_fn *inject,
	       void *arg, FILE *out, int in_fd)
{
	int ret;

	memset(pc, 0, sizeof(*pc));
	atomic_init(&pc->rebooted, false);
	atomic_init(&pc->panicked, false);
	atomic_init(&pc->tsc_init_mark, 0);
	pc->tsc_start = host_tsc();
	ret = mv_pic_init(&pc->pic, bus, inject, arg);
	if (ret)
		return ret;
	ret = mv_rtc_init(&pc->rtc, bus);
	if (!ret)
		ret = mv_port80_init(&pc->port80, bus);
	if (!ret)
		ret = mv_pci_none_init(&pc->pci, bus);
	if (!ret)
		ret = mv_i8042_init(&pc->kbd, bus, on_reset, pc);
	if (ret)
		return ret;
	/* A keyboard without keys answers Linux's probe on IRQ 1. */
	mv_i8042_set_kbd_irq(&pc->kbd, mv_pic_irq_line(&pc->pic, 1));
	ret = mv_uart_init(&pc->uart, bus, MV_PC_COM1,
			   mv_pic_irq_line(&pc->pic, MV_PC_COM1_IRQ), out,
			   in_fd);
	if (ret)
		return ret;
	pc->uart_up = true;
	mv_uart_set_line_tap(&pc->uart, on_console_line, pc);
	ret = mv_pit_init(&pc->pit, bus,
			  mv_pic_irq_line(&pc->pic, MV_PC_TIMER_IRQ));
	if (ret)
		return ret;
	pc->pit_up = true;
	return 0;
}

void mv_pc_destroy(struct mv_pc *pc)
{
	if (pc->pit_up)
		mv_pit_destroy(&pc->pit);
	pc->pit_up = false;
	if (pc->uart_up)
		mv_uart_destroy(&pc->uart);
	pc->uart_up = false;
}

uint64_t mv_pc_cycles_to_init(struct mv_pc *pc)
{
	uint64_t mark = atomic_load(&pc->tsc_init_mark);

	return mark ? mark - pc->tsc_start : 0;
}

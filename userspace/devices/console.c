// SPDX-License-Identifier: GPL-2.0
#include <stdbool.h>
#include <string.h>

#include "console.h"

static uint8_t console_read(struct mv_console *con, unsigned int reg)
{
	bool dlab = con->lcr & MV_UART_LCR_DLAB;

	switch (reg) {
	case MV_UART_RBR:	/* == DLL */
		return dlab ? con->dll : 0;	/* no input: RBR is empty */
	case MV_UART_IER:	/* == DLM */
		return dlab ? con->dlm : con->ier;
	case MV_UART_IIR:
		return MV_UART_IIR_NO_INT;
	case MV_UART_LCR:
		return con->lcr;
	case MV_UART_MCR:
		return con->mcr;
	case MV_UART_LSR:
		/* Always ready to send; nothing received. */
		return MV_UART_LSR_THRE | MV_UART_LSR_TEMT;
	case MV_UART_SCR:
		return con->scr;
	default:		/* MSR: no modem lines asserted */
		return 0;
	}
}

static void console_write(struct mv_console *con, unsigned int reg,
			  uint8_t val)
{
	bool dlab = con->lcr & MV_UART_LCR_DLAB;

	switch (reg) {
	case MV_UART_THR:	/* == DLL */
		if (dlab) {
			con->dll = val;
		} else {
			fputc(val, con->out);
			if (val == '\n')
				fflush(con->out);
		}
		break;
	case MV_UART_IER:	/* == DLM */
		if (dlab)
			con->dlm = val;
		else
			con->ier = val & 0x0f;	/* bits 7:4 are reserved */
		break;
	case MV_UART_LCR:
		con->lcr = val;
		break;
	case MV_UART_MCR:
		con->mcr = val & 0x1f;		/* bits 7:5 are reserved */
		break;
	case MV_UART_SCR:
		con->scr = val;
		break;
	default:		/* FCR, LSR, MSR: nothing to do */
		break;
	}
}

/* A 2- or 4-byte access is that many byte accesses to consecutive ports. */
static void console_access(void *opaque, struct mv_vcpu_ctx *vcpu,
			   uint64_t addr, void *data, unsigned int len,
			   bool is_write)
{
	struct mv_console *con = opaque;
	uint8_t *bytes = data;
	unsigned int i;

	(void)vcpu;
	for (i = 0; i < len; i++) {
		unsigned int reg = (unsigned int)(addr - con->base) + i;

		if (is_write)
			console_write(con, reg, bytes[i]);
		else
			bytes[i] = console_read(con, reg);
	}
}

int mv_console_init(struct mv_console *con, struct mv_bus *bus, FILE *out)
{
	memset(con, 0, sizeof(*con));
	con->out = out;
	con->base = MV_CONSOLE_BASE;
	return mv_bus_register(bus, MV_SPACE_PIO, con->base, MV_CONSOLE_PORTS,
			       console_access, con, "console");
}

void mv_console_flush(struct mv_console *con)
{
	if (con->out)
		fflush(con->out);
}

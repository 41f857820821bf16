// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "uart8250.h"

/* Modem inputs seen from a ready host: CTS, DSR, DCD asserted. */
#define HOST_MODEM_LINES (MV_8250_MSR_CTS | MV_8250_MSR_DSR | MV_8250_MSR_DCD)

static bool fifo_enabled(const struct mv_uart *u)
{
	return u->fcr & MV_8250_FCR_ENABLE;
}

static bool loopback(const struct mv_uart *u)
{
	return u->mcr & MV_8250_MCR_LOOP;
}

/*
 * Without FIFOs the receiver holds one byte (the 16450's RBR); with them,
 * sixteen.
 */
static unsigned int rx_capacity(const struct mv_uart *u)
{
	return fifo_enabled(u) ? MV_UART_FIFO_SIZE : 1;
}

/* FCR bits 7:6 select the receive FIFO trigger level: 1, 4, 8 or 14. */
static unsigned int rx_trigger(const struct mv_uart *u)
{
	static const unsigned int levels[4] = { 1, 4, 8, 14 };

	return levels[(u->fcr & MV_8250_FCR_TRIGGER) >> 6];
}

/*
 * The highest-priority pending and enabled interrupt, as IIR bits 3:0
 * (MV_8250_IIR_NO_INT if none). Priorities from the 16550A datasheet.
 */
static uint8_t pending_source(const struct mv_uart *u)
{
	if ((u->ier & MV_8250_IER_ELSI) && u->lsr_errors)
		return MV_8250_IIR_RLSI;
	if ((u->ier & MV_8250_IER_ERDAI) && u->rx_count) {
		/*
		 * Below the trigger level a real FIFO reports a character
		 * timeout after four character times of silence; we have no
		 * character time, so it is reported at once.
		 */
		if (fifo_enabled(u) && u->rx_count < rx_trigger(u))
			return MV_8250_IIR_TIMEOUT;
		return MV_8250_IIR_RDI;
	}
	if ((u->ier & MV_8250_IER_ETBEI) && u->thri_pending)
		return MV_8250_IIR_THRI;
	if ((u->ier & MV_8250_IER_EDSSI) && (u->msr & 0x0f))
		return MV_8250_IIR_MSI;
	return MV_8250_IIR_NO_INT;
}

/*
 * The INTR pin reaches the PC's interrupt controller only through the
 * OUT2-controlled buffer, and loopback mode forces OUT2 inactive.
 */
static void update_irq(struct mv_uart *u)
{
	bool level = pending_source(u) != MV_8250_IIR_NO_INT &&
		     (u->mcr & MV_8250_MCR_OUT2) && !loopback(u);

	if (level == u->irq_level)
		return;
	u->irq_level = level;
	mv_irq_line_set(&u->irq, level);
}

/*
 * MSR bits 7:4 from the modem inputs: the host's lines, or in loopback
 * the MCR outputs wired back (RTS->CTS, DTR->DSR, OUT1->RI, OUT2->DCD).
 * A change sets the delta bits (TERI only on RI's trailing edge).
 */
static void update_modem_inputs(struct mv_uart *u)
{
	uint8_t lines = HOST_MODEM_LINES, changed;

	if (loopback(u)) {
		lines = 0;
		if (u->mcr & MV_8250_MCR_RTS)
			lines |= MV_8250_MSR_CTS;
		if (u->mcr & MV_8250_MCR_DTR)
			lines |= MV_8250_MSR_DSR;
		if (u->mcr & MV_8250_MCR_OUT1)
			lines |= MV_8250_MSR_RI;
		if (u->mcr & MV_8250_MCR_OUT2)
			lines |= MV_8250_MSR_DCD;
	}
	changed = (u->msr ^ lines) & 0xf0;
	if (changed & MV_8250_MSR_CTS)
		u->msr |= MV_8250_MSR_DCTS;
	if (changed & MV_8250_MSR_DSR)
		u->msr |= MV_8250_MSR_DDSR;
	if ((changed & MV_8250_MSR_RI) && !(lines & MV_8250_MSR_RI))
		u->msr |= MV_8250_MSR_TERI;
	if (changed & MV_8250_MSR_DCD)
		u->msr |= MV_8250_MSR_DDCD;
	u->msr = (u->msr & 0x0f) | lines;
}

static void rx_clear(struct mv_uart *u)
{
	u->rx_head = 0;
	u->rx_count = 0;
	pthread_cond_broadcast(&u->rx_space);
}

static bool rx_push(struct mv_uart *u, uint8_t byte)
{
	if (u->rx_count >= rx_capacity(u))
		return false;
	u->rx[(u->rx_head + u->rx_count) % MV_UART_FIFO_SIZE] = byte;
	u->rx_count++;
	return true;
}

static uint8_t rx_pop(struct mv_uart *u)
{
	uint8_t byte;

	if (!u->rx_count)
		return 0;	/* an empty RBR reads its last value; 0 will do */
	byte = u->rx[u->rx_head];
	u->rx_head = (u->rx_head + 1) % MV_UART_FIFO_SIZE;
	u->rx_count--;
	pthread_cond_broadcast(&u->rx_space);
	return byte;
}

size_t mv_uart_receive(struct mv_uart *u, const uint8_t *buf, size_t len)
{
	size_t n = 0;

	if (loopback(u))
		return 0;
	while (n < len && rx_push(u, buf[n]))
		n++;
	if (n)
		update_irq(u);
	return n;
}

static void tap_byte(struct mv_uart *u, uint8_t byte)
{
	if (!u->on_line)
		return;
	if (byte != '\n') {
		/* Keep the start of an overlong line; drop the rest. */
		if (u->line_len < sizeof(u->line) - 1)
			u->line[u->line_len++] = (char)byte;
		return;
	}
	/* Linux's console ends lines with "\r\n". */
	if (u->line_len && u->line[u->line_len - 1] == '\r')
		u->line_len--;
	u->line[u->line_len] = '\0';
	u->line_len = 0;
	u->on_line(u->line_arg, u->line);
}

static void transmit(struct mv_uart *u, uint8_t byte)
{
	/*
	 * Writing THR clears a pending THRE interrupt; the byte then leaves
	 * at once, THR is empty again and the interrupt is re-armed. The
	 * line thus drops and rises again, a fresh edge for the 8259.
	 */
	u->thri_pending = false;
	update_irq(u);
	if (loopback(u)) {
		/* Back into the receiver; a full FIFO is an overrun. */
		if (!rx_push(u, byte))
			u->lsr_errors |= MV_8250_LSR_OE;
	} else {
		if (u->out) {
			fputc(byte, u->out);
			if (byte == '\n')
				fflush(u->out);
		}
		tap_byte(u, byte);
	}
	u->thri_pending = true;
	update_irq(u);
}

static uint8_t uart_read(struct mv_uart *u, unsigned int reg)
{
	bool dlab = u->lcr & MV_8250_LCR_DLAB;
	uint8_t val, src;

	switch (reg) {
	case MV_8250_RBR:
		if (dlab)
			return u->dll;
		val = rx_pop(u);
		update_irq(u);
		return val;
	case MV_8250_IER:
		return dlab ? u->dlm : u->ier;
	case MV_8250_IIR:
		src = pending_source(u);
		/* Reading IIR acknowledges a THRE interrupt it reports. */
		if (src == MV_8250_IIR_THRI) {
			u->thri_pending = false;
			update_irq(u);
		}
		return src | (fifo_enabled(u) ? MV_8250_IIR_FIFO : 0);
	case MV_8250_LCR:
		return u->lcr;
	case MV_8250_MCR:
		return u->mcr;
	case MV_8250_LSR:
		val = MV_8250_LSR_THRE | MV_8250_LSR_TEMT | u->lsr_errors;
		if (u->rx_count)
			val |= MV_8250_LSR_DR;
		/* Errors are latched until LSR is read. */
		u->lsr_errors = 0;
		update_irq(u);
		return val;
	case MV_8250_MSR:
		val = u->msr;
		u->msr &= 0xf0;		/* reading clears the deltas */
		update_irq(u);
		return val;
	default:
		return u->scr;
	}
}

static void write_fcr(struct mv_uart *u, uint8_t val)
{
	/* Toggling FIFO enable resets both FIFOs (16550A datasheet). */
	if ((val ^ u->fcr) & MV_8250_FCR_ENABLE)
		val |= MV_8250_FCR_CLEAR_RX | MV_8250_FCR_CLEAR_TX;
	/* With FIFO enable clear, the other bits are not programmed. */
	u->fcr = val & MV_8250_FCR_ENABLE ?
		 val & (MV_8250_FCR_ENABLE | MV_8250_FCR_TRIGGER) : 0;
	if (val & MV_8250_FCR_CLEAR_RX)
		rx_clear(u);
	/* The transmit FIFO is always empty: nothing to clear. */
	update_irq(u);
}

static void uart_write(struct mv_uart *u, unsigned int reg, uint8_t val)
{
	bool dlab = u->lcr & MV_8250_LCR_DLAB;
	uint8_t old;

	switch (reg) {
	case MV_8250_THR:
		if (dlab)
			u->dll = val;
		else
			transmit(u, val);
		break;
	case MV_8250_IER:
		if (dlab) {
			u->dlm = val;
			break;
		}
		old = u->ier;
		u->ier = val & 0x0f;	/* bits 7:4 are reserved, read 0 */
		/*
		 * Enabling ETBEI while THR is empty raises the interrupt
		 * at once, even if an IIR read had acknowledged it: Linux's
		 * THRE test and its transmit start rely on this.
		 */
		if ((u->ier & ~old) & MV_8250_IER_ETBEI)
			u->thri_pending = true;
		update_irq(u);
		/* The end of an interrupt-driven burst: show it now. */
		if ((old & ~u->ier) & MV_8250_IER_ETBEI)
			mv_uart_flush(u);
		break;
	case MV_8250_FCR:
		write_fcr(u, val);
		break;
	case MV_8250_LCR:
		u->lcr = val;
		break;
	case MV_8250_MCR:
		old = u->mcr;
		u->mcr = val & 0x1f;	/* bits 7:5 are reserved */
		update_modem_inputs(u);
		/* Leaving loopback reconnects the input: wake the reader. */
		if ((old & ~u->mcr) & MV_8250_MCR_LOOP)
			pthread_cond_broadcast(&u->rx_space);
		update_irq(u);
		break;
	case MV_8250_SCR:
		u->scr = val;
		break;
	default:		/* LSR, MSR: read-only (factory test only) */
		break;
	}
}

/* A 2- or 4-byte access is that many byte accesses to consecutive ports. */
static void uart_access(void *opaque, struct mv_vcpu_ctx *vcpu, uint64_t addr,
			void *data, unsigned int len, bool is_write)
{
	struct mv_uart *u = opaque;
	uint8_t *bytes = data;
	unsigned int i;

	(void)vcpu;
	for (i = 0; i < len; i++) {
		unsigned int reg = (unsigned int)(addr - u->base) + i;

		if (reg >= MV_UART8250_PORTS) {
			if (!is_write)
				bytes[i] = 0xff;
			continue;
		}
		if (is_write)
			uart_write(u, reg, bytes[i]);
		else
			bytes[i] = uart_read(u, reg);
	}
}

/*
 * Feeds @n bytes to the receiver, waiting while the FIFO is full (or the
 * UART is in loopback). Returns false once the device is being torn down.
 */
static bool feed(struct mv_uart *u, const uint8_t *buf, size_t n)
{
	bool alive;

	pthread_mutex_lock(&u->bus->lock);
	while (n && !u->stopping) {
		size_t done = mv_uart_receive(u, buf, n);

		buf += done;
		n -= done;
		if (n && !u->stopping)
			pthread_cond_wait(&u->rx_space, &u->bus->lock);
	}
	alive = !u->stopping;
	pthread_mutex_unlock(&u->bus->lock);
	return alive;
}

static void *uart_reader(void *arg)
{
	struct mv_uart *u = arg;
	struct pollfd fds[2] = {
		{ .fd = u->in_fd, .events = POLLIN },
		{ .fd = u->wake_fd, .events = POLLIN },
	};
	uint8_t buf[MV_UART_FIFO_SIZE];

	for (;;) {
		ssize_t n;

		if (poll(fds, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (fds[1].revents)
			break;
		n = read(u->in_fd, buf, sizeof(buf));
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0)
			break;		/* EOF or error: no more input */
		if (!feed(u, buf, (size_t)n))
			break;
	}
	return NULL;
}

int mv_uart_init(struct mv_uart *u, struct mv_bus *bus, uint16_t base,
		 struct mv_irq_line irq, FILE *out, int in_fd)
{
	int ret;

	memset(u, 0, sizeof(*u));
	u->bus = bus;
	u->base = base;
	u->irq = irq;
	u->out = out;
	u->in_fd = in_fd;
	u->wake_fd = -1;
	u->msr = HOST_MODEM_LINES;
	/* THR starts empty: enabling ETBEI raises the interrupt at once. */
	u->thri_pending = true;
	ret = mv_bus_register(bus, MV_SPACE_PIO, base, MV_UART8250_PORTS,
			      uart_access, u, "uart8250");
	if (ret)
		return ret;
	pthread_cond_init(&u->rx_space, NULL);
	if (in_fd < 0)
		return 0;
	u->wake_fd = eventfd(0, EFD_CLOEXEC);
	if (u->wake_fd < 0) {
		ret = -errno;
		goto err;
	}
	ret = pthread_create(&u->reader, NULL, uart_reader, u);
	if (ret) {
		ret = -ret;
		close(u->wake_fd);
		u->wake_fd = -1;
		goto err;
	}
	u->reader_started = true;
	return 0;
err:
	pthread_cond_destroy(&u->rx_space);
	return ret;
}

void mv_uart_set_line_tap(struct mv_uart *u, mv_uart_line_fn *fn, void *arg)
{
	u->on_line = fn;
	u->line_arg = arg;
	u->line_len = 0;
}

void mv_uart_flush(struct mv_uart *u)
{
	if (u->out)
		fflush(u->out);
}

void mv_uart_destroy(struct mv_uart *u)
{
	if (u->reader_started) {
		uint64_t one = 1;

		pthread_mutex_lock(&u->bus->lock);
		u->stopping = true;
		pthread_cond_broadcast(&u->rx_space);
		pthread_mutex_unlock(&u->bus->lock);
		if (write(u->wake_fd, &one, sizeof(one)) < 0)
			perror("minivisor: uart: eventfd write");
		pthread_join(u->reader, NULL);
		u->reader_started = false;
	}
	if (u->wake_fd >= 0) {
		close(u->wake_fd);
		u->wake_fd = -1;
	}
	pthread_cond_destroy(&u->rx_space);
	mv_uart_flush(u);
}

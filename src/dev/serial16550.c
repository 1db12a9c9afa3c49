/*
 * NS16550A UART, after the National Semiconductor PC16550D datasheet
 * (register set, FCR/IIR/LSR/MSR bit meanings, interrupt priorities).
 *
 * Output is immediate: a THR write goes straight to the character backend,
 * so THR and the transmitter are always empty (LSR.THRE and TEMT stay set)
 * and the THRE interrupt re-arms after every write, as it would once the
 * byte had left.
 *
 * Not emulated: baud-rate timing, parity/framing/break errors on input, the
 * TX FIFO (not needed with immediate output), DMA mode signalling, and a
 * timed character-timeout: data below the FIFO trigger level is reported at
 * once as a character timeout (IIR 0xc), which drivers treat like "data
 * available".  OUT2 does not gate the interrupt line: a pending interrupt
 * always drives the line, which is what Linux and SeaBIOS expect from a PC
 * and saves modelling the board-level gate.
 */
#include "dev/serial16550.h"

#include <stdlib.h>
#include <string.h>

/* Register offsets (DLAB = 0 unless noted) */
#define UART_RBR	0	/* read */
#define UART_THR	0	/* write */
#define UART_DLL	0	/* DLAB = 1 */
#define UART_IER	1
#define UART_DLM	1	/* DLAB = 1 */
#define UART_IIR	2	/* read */
#define UART_FCR	2	/* write */
#define UART_LCR	3
#define UART_MCR	4
#define UART_LSR	5
#define UART_MSR	6
#define UART_SCR	7

#define UART_IER_ERBFI	0x01
#define UART_IER_ETBEI	0x02
#define UART_IER_ELSI	0x04
#define UART_IER_EDSSI	0x08

#define UART_IIR_NO_INT	0x01
#define UART_IIR_MSI	0x00
#define UART_IIR_THRI	0x02
#define UART_IIR_RDI	0x04
#define UART_IIR_RLSI	0x06
#define UART_IIR_CTI	0x0c
#define UART_IIR_FIFO	0xc0

#define UART_FCR_ENABLE	0x01
#define UART_FCR_CLR_RX	0x02
#define UART_FCR_TRIG	0xc0

#define UART_LCR_DLAB	0x80

#define UART_MCR_DTR	0x01
#define UART_MCR_RTS	0x02
#define UART_MCR_OUT1	0x04
#define UART_MCR_OUT2	0x08
#define UART_MCR_LOOP	0x10

#define UART_LSR_DR	0x01
#define UART_LSR_OE	0x02
#define UART_LSR_PE	0x04
#define UART_LSR_FE	0x08
#define UART_LSR_BI	0x10
#define UART_LSR_THRE	0x20
#define UART_LSR_TEMT	0x40
#define UART_LSR_ERRS	(UART_LSR_OE | UART_LSR_PE | UART_LSR_FE | UART_LSR_BI)

#define UART_MSR_DCTS	0x01
#define UART_MSR_DDSR	0x02
#define UART_MSR_TERI	0x04
#define UART_MSR_DDCD	0x08
#define UART_MSR_DELTAS	0x0f
#define UART_MSR_CTS	0x10
#define UART_MSR_DSR	0x20
#define UART_MSR_RI	0x40
#define UART_MSR_DCD	0x80

/* With no modem lines on the host side, the other end looks present and ready. */
#define UART_MSR_IDLE	(UART_MSR_DCD | UART_MSR_DSR | UART_MSR_CTS)

struct serial {
	struct chr *chr;
	struct irq_line irq;
	uint8_t rx[UART_RX_FIFO];
	unsigned rx_head, rx_count;
	uint8_t ier, lcr, mcr, lsr, msr, scr, fcr;
	uint8_t dll, dlm;
	int thr_ipending;
};

static unsigned rx_capacity(const struct serial *s)
{
	return (s->fcr & UART_FCR_ENABLE) ? UART_RX_FIFO : 1;
}

static unsigned rx_trigger(const struct serial *s)
{
	static const unsigned levels[4] = { 1, 4, 8, 14 };
	return levels[(s->fcr & UART_FCR_TRIG) >> 6];
}

static uint8_t serial_iir(const struct serial *s)
{
	uint8_t fifo = (s->fcr & UART_FCR_ENABLE) ? UART_IIR_FIFO : 0;

	if ((s->ier & UART_IER_ELSI) && (s->lsr & UART_LSR_ERRS))
		return fifo | UART_IIR_RLSI;
	if ((s->ier & UART_IER_ERBFI) && s->rx_count) {
		if (!fifo || s->rx_count >= rx_trigger(s))
			return fifo | UART_IIR_RDI;
		return fifo | UART_IIR_CTI;
	}
	if ((s->ier & UART_IER_ETBEI) && s->thr_ipending)
		return fifo | UART_IIR_THRI;
	if ((s->ier & UART_IER_EDSSI) && (s->msr & UART_MSR_DELTAS))
		return fifo | UART_IIR_MSI;
	return fifo | UART_IIR_NO_INT;
}

static void serial_update_irq(struct serial *s)
{
	irq_set(&s->irq, !(serial_iir(s) & UART_IIR_NO_INT));
}

static void rx_clear(struct serial *s)
{
	int was_full = s->rx_count >= rx_capacity(s);
	s->rx_head = 0;
	s->rx_count = 0;
	s->lsr &= ~UART_LSR_DR;
	if (was_full)
		chr_accept_input(s->chr);
}

static void rx_push(struct serial *s, uint8_t b)
{
	if (s->rx_count >= rx_capacity(s)) {
		/* The byte in the shift register is lost; the FIFO keeps its contents. */
		s->lsr |= UART_LSR_OE;
		return;
	}
	s->rx[(s->rx_head + s->rx_count) % UART_RX_FIFO] = b;
	s->rx_count++;
	s->lsr |= UART_LSR_DR;
}

static uint8_t rx_pop(struct serial *s)
{
	if (!s->rx_count)
		return 0;
	int was_full = s->rx_count >= rx_capacity(s);
	uint8_t b = s->rx[s->rx_head];
	s->rx_head = (s->rx_head + 1) % UART_RX_FIFO;
	s->rx_count--;
	if (!s->rx_count)
		s->lsr &= ~UART_LSR_DR;
	if (was_full)
		chr_accept_input(s->chr);
	return b;
}

/* In loopback the modem outputs feed the modem inputs (datasheet MCR bit 4). */
static uint8_t msr_lines(const struct serial *s)
{
	if (!(s->mcr & UART_MCR_LOOP))
		return UART_MSR_IDLE;
	uint8_t m = 0;
	if (s->mcr & UART_MCR_RTS)
		m |= UART_MSR_CTS;
	if (s->mcr & UART_MCR_DTR)
		m |= UART_MSR_DSR;
	if (s->mcr & UART_MCR_OUT1)
		m |= UART_MSR_RI;
	if (s->mcr & UART_MCR_OUT2)
		m |= UART_MSR_DCD;
	return m;
}

static void msr_update(struct serial *s)
{
	uint8_t old = s->msr, now = msr_lines(s);
	uint8_t delta = s->msr & UART_MSR_DELTAS;

	if ((old ^ now) & UART_MSR_CTS)
		delta |= UART_MSR_DCTS;
	if ((old ^ now) & UART_MSR_DSR)
		delta |= UART_MSR_DDSR;
	if ((old & UART_MSR_RI) && !(now & UART_MSR_RI))
		delta |= UART_MSR_TERI;
	if ((old ^ now) & UART_MSR_DCD)
		delta |= UART_MSR_DDCD;
	s->msr = now | delta;
}

static void serial_tx(struct serial *s, uint8_t b)
{
	if (s->mcr & UART_MCR_LOOP)
		rx_push(s, b);
	else
		chr_write(s->chr, &b, 1);
	/* The byte is gone at once: THR is empty again and THRE re-arms. */
	s->thr_ipending = 1;
}

static uint64_t serial_read(void *opaque, uint64_t off, unsigned size)
{
	struct serial *s = opaque;
	uint8_t v = 0xff, iir;

	switch (off) {
	case UART_RBR:
		if (s->lcr & UART_LCR_DLAB)
			return s->dll;
		v = rx_pop(s);
		break;
	case UART_IER:
		if (s->lcr & UART_LCR_DLAB)
			return s->dlm;
		return s->ier;
	case UART_IIR:
		iir = serial_iir(s);
		/* Reading IIR acknowledges a THRE interrupt (datasheet table 4). */
		if ((iir & 0x0f) == UART_IIR_THRI)
			s->thr_ipending = 0;
		v = iir;
		break;
	case UART_LCR:
		return s->lcr;
	case UART_MCR:
		return s->mcr;
	case UART_LSR:
		v = s->lsr;
		s->lsr &= ~UART_LSR_ERRS;
		break;
	case UART_MSR:
		v = s->msr;
		s->msr &= ~UART_MSR_DELTAS;
		break;
	case UART_SCR:
		return s->scr;
	default:
		return 0xff;
	}
	serial_update_irq(s);
	return v;
}

static void serial_write(void *opaque, uint64_t off, unsigned size, uint64_t val)
{
	struct serial *s = opaque;
	uint8_t v = (uint8_t)val;

	switch (off) {
	case UART_THR:
		if (s->lcr & UART_LCR_DLAB) {
			s->dll = v;
			return;
		}
		serial_tx(s, v);
		break;
	case UART_IER:
		if (s->lcr & UART_LCR_DLAB) {
			s->dlm = v;
			return;
		}
		/* Enabling ETBEI with THR empty raises THRE at once, as on the chip. */
		if ((v & UART_IER_ETBEI) && !(s->ier & UART_IER_ETBEI))
			s->thr_ipending = 1;
		s->ier = v & 0x0f;
		break;
	case UART_FCR:
		if (!(v & UART_FCR_ENABLE)) {
			if (s->fcr & UART_FCR_ENABLE)
				rx_clear(s);
			s->fcr = 0;
			break;
		}
		if (!(s->fcr & UART_FCR_ENABLE) || (v & UART_FCR_CLR_RX))
			rx_clear(s);
		s->fcr = v & (UART_FCR_ENABLE | UART_FCR_TRIG);
		break;
	case UART_LCR:
		s->lcr = v;
		return;
	case UART_MCR: {
		int was_loop = s->mcr & UART_MCR_LOOP;
		s->mcr = v & 0x1f;
		msr_update(s);
		if (was_loop && !(s->mcr & UART_MCR_LOOP))
			chr_accept_input(s->chr);
		break;
	}
	case UART_LSR:
	case UART_MSR:
		return;		/* read-only (factory test use only) */
	case UART_SCR:
		s->scr = v;
		return;
	default:
		return;
	}
	serial_update_irq(s);
}

static void serial_reset(void *opaque)
{
	struct serial *s = opaque;
	s->rx_head = s->rx_count = 0;
	s->ier = s->lcr = s->mcr = s->scr = s->fcr = 0;
	s->lsr = UART_LSR_THRE | UART_LSR_TEMT;
	s->msr = UART_MSR_IDLE;
	s->dll = 12;		/* 9600 baud: any value works, the chip's is undefined */
	s->dlm = 0;
	s->thr_ipending = 0;
	serial_update_irq(s);
	chr_accept_input(s->chr);
}

static size_t serial_can_receive(void *opaque)
{
	struct serial *s = opaque;
	if (s->mcr & UART_MCR_LOOP)
		return 0;	/* the receiver listens to the transmitter only */
	return rx_capacity(s) - s->rx_count;
}

static void serial_receive(void *opaque, const uint8_t *buf, size_t len)
{
	struct serial *s = opaque;
	if (s->mcr & UART_MCR_LOOP)
		return;
	for (size_t i = 0; i < len; i++)
		rx_push(s, buf[i]);
	serial_update_irq(s);
}

struct serial *serial_new(struct chr *chr, const struct irq_line *irq)
{
	struct serial *s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->chr = chr;
	if (irq)
		s->irq = *irq;
	serial_reset(s);
	if (chr) {
		struct chr_frontend fe = {
			.can_receive = serial_can_receive,
			.receive = serial_receive,
			.opaque = s,
		};
		chr_set_frontend(chr, &fe);
	}
	return s;
}

void serial_free(struct serial *s)
{
	if (!s)
		return;
	if (s->chr) {
		struct chr_frontend none = { 0 };
		chr_set_frontend(s->chr, &none);
	}
	free(s);
}

const struct io_ops serial_ops = {
	.name = "serial16550",
	.read = serial_read,
	.write = serial_write,
	.reset = serial_reset,
};

/*
 * Intel 82093AA I/O APIC (datasheet sections 3.0-3.2): IOREGSEL at 0x00,
 * IOWIN at 0x10; ID, version 0x11 with 24 entries, arbitration ID and the
 * redirection table.  Edge inputs deliver on a rising (asserted) edge; level
 * inputs set remote IRR on delivery and are delivered again after the local
 * APIC's EOI if still asserted.
 *
 * Not emulated: the IOAPIC EOI register of later versions (0x20), the
 * delivery-status bit (delivery is immediate, so it always reads idle),
 * APIC-bus arbitration priorities beyond reporting the ID.
 */
#include "dev/ioapic.h"

#include <stdlib.h>
#include <string.h>

#define IOAPIC_VERSION		0x11
#define REG_ID			0x00
#define REG_VER			0x01
#define REG_ARB			0x02
#define REG_REDIR		0x10

#define RE_VECTOR		0xffULL
#define RE_DELIVERY_SHIFT	8
#define RE_DEST_LOGICAL		(1ULL << 11)
#define RE_DELIVERY_STATUS	(1ULL << 12)
#define RE_POLARITY_LOW		(1ULL << 13)
#define RE_REMOTE_IRR		(1ULL << 14)
#define RE_LEVEL		(1ULL << 15)
#define RE_MASKED		(1ULL << 16)
#define RE_DEST_SHIFT		56
/* Bits software may write: low dword except the two status bits, and the destination. */
#define RE_WRITABLE		(0x1afffULL | (0xffULL << RE_DEST_SHIFT))

struct ioapic {
	uint32_t id;		/* bits 24-27 as in the register */
	uint8_t regsel;
	uint32_t line;		/* electrical input levels, one bit per pin */
	uint64_t redir[IOAPIC_PINS];
	ioapic_deliver_fn deliver;
	void *opaque;
};

static int asserted(const struct ioapic *io, unsigned pin)
{
	int lvl = (io->line >> pin) & 1;
	return (io->redir[pin] & RE_POLARITY_LOW) ? !lvl : lvl;
}

static void send(struct ioapic *io, unsigned pin)
{
	uint64_t e = io->redir[pin];
	struct apic_msg m = {
		.dest = (uint32_t)(e >> RE_DEST_SHIFT),
		.vector = (uint8_t)(e & RE_VECTOR),
		.delivery = (e >> RE_DELIVERY_SHIFT) & 7,
		.logical = !!(e & RE_DEST_LOGICAL),
		.level_trig = !!(e & RE_LEVEL),
	};
	/* Remote IRR only means something for level interrupts that an EOI will answer. */
	if ((e & RE_LEVEL) && (m.delivery == APIC_DM_FIXED || m.delivery == APIC_DM_LOWEST))
		io->redir[pin] |= RE_REMOTE_IRR;
	else
		m.level_trig = 0;
	if (io->deliver)
		io->deliver(io->opaque, &m);
}

/* Deliver a level interrupt if it is asserted, unmasked and not already in service. */
static void service_level(struct ioapic *io, unsigned pin)
{
	uint64_t e = io->redir[pin];
	if ((e & RE_LEVEL) && !(e & (RE_MASKED | RE_REMOTE_IRR)) && asserted(io, pin))
		send(io, pin);
}

void ioapic_set_irq(struct ioapic *io, unsigned pin, int level)
{
	if (pin >= IOAPIC_PINS)
		return;
	int was = asserted(io, pin);
	if (level)
		io->line |= 1u << pin;
	else
		io->line &= ~(1u << pin);
	uint64_t e = io->redir[pin];
	if (e & RE_LEVEL)
		service_level(io, pin);
	else if (!was && asserted(io, pin) && !(e & RE_MASKED))
		send(io, pin);
}

void ioapic_eoi(struct ioapic *io, uint8_t vector)
{
	for (unsigned pin = 0; pin < IOAPIC_PINS; pin++) {
		uint64_t e = io->redir[pin];
		if ((e & RE_REMOTE_IRR) && (e & RE_VECTOR) == vector) {
			io->redir[pin] &= ~RE_REMOTE_IRR;
			service_level(io, pin);
		}
	}
}

uint64_t ioapic_redir(const struct ioapic *io, unsigned pin)
{
	return pin < IOAPIC_PINS ? io->redir[pin] : 0;
}

static uint32_t read_reg(struct ioapic *io)
{
	unsigned r = io->regsel;
	switch (r) {
	case REG_ID:
		return io->id;
	case REG_VER:
		return ((IOAPIC_PINS - 1) << 16) | IOAPIC_VERSION;
	case REG_ARB:
		return io->id;
	}
	if (r >= REG_REDIR && r < REG_REDIR + 2 * IOAPIC_PINS) {
		uint64_t e = io->redir[(r - REG_REDIR) / 2];
		return (r & 1) ? (uint32_t)(e >> 32) : (uint32_t)e;
	}
	return 0;
}

static void write_reg(struct ioapic *io, uint32_t v)
{
	unsigned r = io->regsel;
	if (r == REG_ID) {
		io->id = v & 0x0f000000;
		return;
	}
	if (r < REG_REDIR || r >= REG_REDIR + 2 * IOAPIC_PINS)
		return;		/* version, arbitration and unknown registers are read-only */
	unsigned pin = (r - REG_REDIR) / 2;
	uint64_t old = io->redir[pin], e;
	if (r & 1)
		e = (old & 0xffffffffULL) | ((uint64_t)v << 32);
	else
		e = (old & ~0xffffffffULL) | v;
	e = (e & RE_WRITABLE) | (old & RE_REMOTE_IRR);
	/* Switching to edge drops a stale remote IRR (guests use this to unstick a pin). */
	if (!(e & RE_LEVEL))
		e &= ~RE_REMOTE_IRR;
	io->redir[pin] = e;
	service_level(io, pin);
}

static uint64_t ioapic_read(void *o, uint64_t off, unsigned size)
{
	struct ioapic *io = o;
	uint64_t v;
	if (off < 4)
		v = (uint64_t)io->regsel << 0;
	else if (off >= 0x10 && off < 0x14)
		v = read_reg(io);
	else
		return 0;
	unsigned sh = 8 * (off & 3);
	v >>= sh;
	return size >= 8 ? v : v & ((1ULL << (8 * size)) - 1);
}

static void ioapic_write(void *o, uint64_t off, unsigned size, uint64_t val)
{
	struct ioapic *io = o;
	if (off == 0) {
		io->regsel = (uint8_t)val;
	} else if (off == 0x10) {
		if (size < 4) {
			/* A narrow write merges into the current register value. */
			uint32_t mask = (uint32_t)((1ULL << (8 * size)) - 1);
			val = (read_reg(io) & ~mask) | (val & mask);
		}
		write_reg(io, (uint32_t)val);
	}
}

void ioapic_reset(struct ioapic *io)
{
	io->id = 0;
	io->regsel = 0;
	for (unsigned i = 0; i < IOAPIC_PINS; i++)
		io->redir[i] = RE_MASKED;
}

static void ioapic_reset_op(void *o)
{
	ioapic_reset(o);
}

struct ioapic *ioapic_new(ioapic_deliver_fn deliver, void *opaque)
{
	struct ioapic *io = calloc(1, sizeof(*io));
	if (!io)
		return NULL;
	io->deliver = deliver;
	io->opaque = opaque;
	ioapic_reset(io);
	return io;
}

void ioapic_free(struct ioapic *io)
{
	free(io);
}

const struct io_ops ioapic_ops = {
	.name = "ioapic", .read = ioapic_read, .write = ioapic_write, .reset = ioapic_reset_op,
};

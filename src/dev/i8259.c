/*
 * Intel 8259A PIC pair, following the 8259A datasheet (ICW1-4, OCW1-3,
 * priority rotation, special mask and special fully nested modes, poll mode)
 * and the PIIX ELCR registers (edge/level per IRQ, IRQ 0/1/2/8/13 always edge).
 *
 * Not emulated: 8080/8085 call-address mode (ICW1 ADI, ICW4 uPM=0 are
 * accepted and treated as 8086 mode), buffered mode, single mode on the slave
 * side, and more than one slave.
 */
#include "dev/i8259.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* IRQs that the PIIX wires as edge only: IRQ 0, 1, 2 on the master, 8 and 13 on the slave. */
#define ELCR_MASTER_MASK	0xf8
#define ELCR_SLAVE_MASK		0xde

struct pic_chip {
	uint8_t irr, isr, imr;
	uint8_t line;		/* current input levels */
	uint8_t elcr;		/* 1 = level triggered */
	uint8_t elcr_mask;	/* writable ELCR bits */
	uint8_t base;		/* ICW2 vector base */
	uint8_t prio_add;	/* IRQ with the highest priority */
	uint8_t init_step;	/* 0 = ready, 2..4 = expecting ICW2..ICW4 */
	uint8_t icw4_needed, single, ltim;
	uint8_t auto_eoi, rotate_aeoi, sfnm, smm;
	uint8_t read_isr, poll;
	uint8_t icw3;
};

struct i8259 {
	struct pic_chip c[2];	/* 0 = master, 1 = slave */
	int int_out;
	void (*notify)(void *opaque);
	void *opaque;
};

static uint8_t level_mask(const struct pic_chip *p)
{
	return p->ltim ? 0xff : p->elcr;
}

/* Priority (0 = highest) of the highest bit set in mask, or 8 if none. */
static int best_prio(const struct pic_chip *p, uint8_t mask)
{
	for (int i = 0; i < 8; i++)
		if (mask & (1u << ((i + p->prio_add) & 7)))
			return i;
	return 8;
}

/* IRQ 0..7 this chip would present on INTA, or -1. */
static int chip_pending(const struct pic_chip *p, int is_master)
{
	uint8_t req = p->irr & ~p->imr;
	int pr = best_prio(p, req);
	if (pr == 8)
		return -1;
	uint8_t in_service = p->isr;
	/* Special mask mode: masked levels do not block lower priorities. */
	if (p->smm)
		in_service &= ~p->imr;
	/* Special fully nested: a slave request may nest over the slave's own service. */
	if (is_master && p->sfnm)
		in_service &= ~(1u << 2);
	if (pr < best_prio(p, in_service))
		return (pr + p->prio_add) & 7;
	return -1;
}

static void chip_set_input(struct pic_chip *p, int irq, int level)
{
	uint8_t m = 1u << irq;
	if (level) {
		if (!(p->line & m) || (level_mask(p) & m))
			p->irr |= m;
		p->line |= m;
	} else {
		p->line &= ~m;
		if (level_mask(p) & m)
			p->irr &= ~m;
	}
}

static void update(struct i8259 *pic)
{
	/*
	 * The cascade input follows the slave's INT as a level whatever the
	 * master's trigger mode: an edge latch there could only add stale
	 * spurious IRQ 15s after the slave's request has been masked.
	 */
	struct pic_chip *m = &pic->c[0];
	if (chip_pending(&pic->c[1], 0) >= 0) {
		m->line |= 1u << 2;
		m->irr |= 1u << 2;
	} else {
		m->line &= ~(1u << 2);
		m->irr &= ~(1u << 2);
	}
	int out = chip_pending(m, 1) >= 0;
	if (out != pic->int_out) {
		pic->int_out = out;
		if (pic->notify)
			pic->notify(pic->opaque);
	}
}

static void chip_reset(struct pic_chip *p, uint8_t elcr_mask)
{
	memset(p, 0, sizeof(*p));
	p->imr = 0xff;
	p->elcr_mask = elcr_mask;
}

void i8259_reset(struct i8259 *pic)
{
	chip_reset(&pic->c[0], ELCR_MASTER_MASK);
	chip_reset(&pic->c[1], ELCR_SLAVE_MASK);
	pic->int_out = 0;
	update(pic);
}

struct i8259 *i8259_new(void (*notify)(void *opaque), void *opaque)
{
	struct i8259 *pic = calloc(1, sizeof(*pic));
	if (!pic)
		return NULL;
	pic->notify = notify;
	pic->opaque = opaque;
	i8259_reset(pic);
	return pic;
}

void i8259_free(struct i8259 *pic)
{
	free(pic);
}

void i8259_set_irq(struct i8259 *pic, unsigned irq, int level)
{
	if (irq >= 16 || irq == 2)	/* IR2 of the master is the cascade */
		return;
	chip_set_input(&pic->c[irq >> 3], irq & 7, !!level);
	update(pic);
}

int i8259_has_int(const struct i8259 *pic)
{
	return pic->int_out;
}

/* INTA on one chip for irq (already resolved): ISR/IRR bookkeeping. */
static void chip_ack(struct pic_chip *p, int irq)
{
	uint8_t m = 1u << irq;
	if (!(level_mask(p) & m))
		p->irr &= ~m;
	if (p->auto_eoi) {
		if (p->rotate_aeoi)
			p->prio_add = (irq + 1) & 7;
	} else {
		p->isr |= m;
	}
}

int i8259_ack(struct i8259 *pic)
{
	struct pic_chip *m = &pic->c[0], *s = &pic->c[1];
	int vec;
	int irq = chip_pending(m, 1);
	if (irq < 0) {
		vec = m->base | 7;	/* request went away before INTA: spurious IRQ 7 */
	} else {
		chip_ack(m, irq);
		if (irq == 2 && !m->single) {
			int sirq = chip_pending(s, 0);
			if (sirq < 0) {
				vec = s->base | 7;	/* spurious IRQ 15 */
			} else {
				chip_ack(s, sirq);
				vec = s->base | sirq;
			}
		} else {
			vec = m->base | irq;
		}
	}
	update(pic);
	return vec;
}

/* Poll command: a read that acts as INTA for this chip and returns 0x80|level. */
static uint8_t chip_poll(struct i8259 *pic, int idx)
{
	struct pic_chip *p = &pic->c[idx];
	p->poll = 0;
	int irq = chip_pending(p, idx == 0);
	if (irq < 0)
		return 0;
	chip_ack(p, irq);
	update(pic);
	return 0x80 | irq;
}

static void eoi_irq(struct pic_chip *p, int irq, int rotate)
{
	p->isr &= ~(1u << irq);
	if (rotate)
		p->prio_add = (irq + 1) & 7;
}

static void write_ocw2(struct pic_chip *p, uint8_t v)
{
	int l = v & 7;
	switch (v >> 5) {
	case 1:	/* non-specific EOI */
	case 5: {	/* rotate on non-specific EOI */
		int pr = best_prio(p, p->isr);
		if (pr < 8)
			eoi_irq(p, (pr + p->prio_add) & 7, (v >> 5) == 5);
		break;
	}
	case 3:	/* specific EOI */
		eoi_irq(p, l, 0);
		break;
	case 7:	/* rotate on specific EOI */
		eoi_irq(p, l, 1);
		break;
	case 4:
		p->rotate_aeoi = 1;
		break;
	case 0:
		p->rotate_aeoi = 0;
		break;
	case 6:	/* set priority: l becomes the lowest */
		p->prio_add = (l + 1) & 7;
		break;
	default:	/* 2: no operation */
		break;
	}
}

static void write_cmd(struct i8259 *pic, int idx, uint8_t v)
{
	struct pic_chip *p = &pic->c[idx];
	if (v & 0x10) {		/* ICW1 */
		p->init_step = 2;
		p->icw4_needed = v & 1;
		p->single = (v >> 1) & 1;
		p->ltim = (v >> 3) & 1;
		/* Datasheet: mask cleared, edge-sense reset, IR7 lowest, SMM off, read IRR. */
		p->imr = 0;
		p->isr = 0;
		p->irr = p->line & level_mask(p);
		p->prio_add = 0;
		p->smm = 0;
		p->read_isr = 0;
		p->poll = 0;
		p->auto_eoi = p->rotate_aeoi = p->sfnm = 0;
	} else if (v & 0x08) {	/* OCW3 */
		if (v & 0x04)
			p->poll = 1;
		if (v & 0x02)
			p->read_isr = v & 1;
		if (v & 0x40)
			p->smm = (v >> 5) & 1;
	} else {		/* OCW2 */
		write_ocw2(p, v);
	}
	update(pic);
}

static void write_data(struct i8259 *pic, int idx, uint8_t v)
{
	struct pic_chip *p = &pic->c[idx];
	switch (p->init_step) {
	case 2:
		p->base = v & 0xf8;
		p->init_step = p->single ? (p->icw4_needed ? 4 : 0) : 3;
		break;
	case 3:
		p->icw3 = v;
		p->init_step = p->icw4_needed ? 4 : 0;
		break;
	case 4:
		p->auto_eoi = (v >> 1) & 1;
		p->sfnm = (v >> 4) & 1;
		p->init_step = 0;
		break;
	default:	/* OCW1 */
		p->imr = v;
		break;
	}
	update(pic);
}

static uint64_t pic_read(struct i8259 *pic, int idx, uint64_t off)
{
	struct pic_chip *p = &pic->c[idx];
	if (p->poll)
		return chip_poll(pic, idx);
	if (off & 1)
		return p->imr;
	return p->read_isr ? p->isr : p->irr;
}

static void pic_write(struct i8259 *pic, int idx, uint64_t off, uint64_t val)
{
	if (off & 1)
		write_data(pic, idx, (uint8_t)val);
	else
		write_cmd(pic, idx, (uint8_t)val);
}

/* Wider accesses are split into byte accesses at successive ports. */
static uint64_t master_read(void *o, uint64_t off, unsigned size)
{
	uint64_t v = 0;
	for (unsigned i = 0; i < size && i < 8; i++)
		v |= pic_read(o, 0, off + i) << (8 * i);
	return v;
}

static void master_write(void *o, uint64_t off, unsigned size, uint64_t val)
{
	for (unsigned i = 0; i < size && i < 8; i++)
		pic_write(o, 0, off + i, val >> (8 * i));
}

static uint64_t slave_read(void *o, uint64_t off, unsigned size)
{
	uint64_t v = 0;
	for (unsigned i = 0; i < size && i < 8; i++)
		v |= pic_read(o, 1, off + i) << (8 * i);
	return v;
}

static void slave_write(void *o, uint64_t off, unsigned size, uint64_t val)
{
	for (unsigned i = 0; i < size && i < 8; i++)
		pic_write(o, 1, off + i, val >> (8 * i));
}

static void pic_reset_op(void *o)
{
	i8259_reset(o);
}

static uint64_t elcr_read(void *o, uint64_t off, unsigned size)
{
	struct i8259 *pic = o;
	uint64_t v = 0;
	for (unsigned i = 0; i < size && i < 8; i++)
		if (off + i < 2)
			v |= (uint64_t)pic->c[off + i].elcr << (8 * i);
	return v;
}

static void elcr_write(void *o, uint64_t off, unsigned size, uint64_t val)
{
	struct i8259 *pic = o;
	for (unsigned i = 0; i < size && i < 8; i++) {
		if (off + i >= 2)
			continue;
		struct pic_chip *p = &pic->c[off + i];
		p->elcr = (uint8_t)(val >> (8 * i)) & p->elcr_mask;
		/* A line switched to level: its IRR follows the line from now on. */
		p->irr = (p->irr & ~p->elcr) | (p->line & p->elcr);
	}
	update(pic);
}

const struct io_ops i8259_master_ops = {
	.name = "i8259-master", .read = master_read, .write = master_write, .reset = pic_reset_op,
};
const struct io_ops i8259_slave_ops = {
	.name = "i8259-slave", .read = slave_read, .write = slave_write,
};
const struct io_ops i8259_elcr_ops = {
	.name = "elcr", .read = elcr_read, .write = elcr_write,
};

/*
 * Intel 8254 programmable interval timer (8254 datasheet: modes 0-5, binary
 * and BCD counting, LSB/MSB/both access, counter latch, read-back command
 * with status byte and null count) plus the PC's port 0x61 (channel 2 gate,
 * speaker enable, OUT2, refresh toggle).
 *
 * Counters are computed from clock_now() at 1.193182 MHz, never from how
 * often they are read.  Channel 0's OUT drives IRQ 0 through clock timers:
 * its level in mode 0, one pulse per terminal count in modes 1/4/5 and per
 * period in modes 2/3 (timer period clamped to PIT_MIN_PERIOD_NS).
 *
 * Not emulated: the speaker's sound, the half-clock details of odd counts in
 * mode 3, and the delayed take-over of a new count at the end of a period in
 * modes 2/3 (a new count restarts the counter at once).
 */
#include "dev/i8254.h"

#include <stdlib.h>
#include <string.h>

#define PIT_MIN_PERIOD_NS	1000ULL
#define REFRESH_HALF_NS		15085ULL	/* DRAM refresh toggle half period */

enum { RW_LATCH = 0, RW_LSB = 1, RW_MSB = 2, RW_WORD = 3 };

struct pit_chan {
	uint8_t mode, rw, bcd;
	uint8_t gate;
	uint8_t loaded;		/* a count has been written since the control word */
	uint8_t counting;	/* counting element is running */
	uint8_t write_hi;	/* next RW_WORD write is the MSB */
	uint8_t read_hi;	/* next RW_WORD read is the MSB */
	uint8_t wlatch;		/* LSB waiting for its MSB */
	uint8_t count_latched, status_latched, latch_read_hi;
	uint8_t status;
	uint16_t latch;
	uint32_t n;		/* reload value in counts: 1..65536 (10000 in BCD) */
	uint64_t start_ns;	/* when counting (re)started */
	uint64_t tick0;		/* ticks already counted before start_ns (resumed after gate low) */
	int irq_level;
};

struct i8254 {
	struct clock *clk;
	struct irq_line irq0;
	struct timer *timer;
	struct pit_chan ch[3];
	uint8_t port61;		/* bits 0-3 as written */
	uint64_t last_fire_ns;
};

static uint64_t ns_to_ticks(uint64_t ns)
{
	return (uint64_t)((unsigned __int128)ns * PIT_FREQ_HZ / 1000000000ULL);
}

static uint64_t ticks_to_ns(uint64_t t)
{
	return (uint64_t)(((unsigned __int128)t * 1000000000ULL + PIT_FREQ_HZ - 1) / PIT_FREQ_HZ);
}

/* Ticks counted since the count was loaded (or the trigger). */
static uint64_t ch_ticks(struct i8254 *pit, const struct pit_chan *c)
{
	if (!c->counting)
		return c->tick0;
	uint64_t now = clock_now(pit->clk);
	return c->tick0 + (now > c->start_ns ? ns_to_ticks(now - c->start_ns) : 0);
}

static uint32_t modulus(const struct pit_chan *c)
{
	return c->bcd ? 10000 : 65536;
}

/* Value of the counting element (in counts, binary). */
static uint32_t ch_value(struct i8254 *pit, const struct pit_chan *c)
{
	if (!c->loaded)
		return 0;
	if (!c->counting && (c->mode == 1 || c->mode == 5 || c->tick0 == 0))
		return c->n % modulus(c);
	uint64_t d = ch_ticks(pit, c);
	switch (c->mode) {
	case 2:
		return (uint32_t)(c->n - d % c->n) % modulus(c);
	case 3: {
		uint64_t p = d % c->n, high = (c->n + 1) / 2;
		uint64_t v = c->n - 2 * (p < high ? p : p - high);
		return (uint32_t)((v ? v : 2) & ~1u) % modulus(c);
	}
	default: {	/* 0, 1, 4, 5: count down and wrap */
		uint32_t m = modulus(c);
		return (uint32_t)(((uint64_t)c->n % m + m - d % m) % m);
	}
	}
}

static int ch_out(struct i8254 *pit, const struct pit_chan *c)
{
	if (!c->loaded)
		return c->mode != 0;
	uint64_t d = ch_ticks(pit, c);
	switch (c->mode) {
	case 0:
		return c->counting || c->tick0 ? d >= c->n : 0;
	case 1:
		return !c->counting || d >= c->n;
	case 2:
		return !c->counting || d % c->n != c->n - 1;
	case 3:
		return !c->counting || d % c->n < (c->n + 1) / 2;
	default:	/* 4, 5: low for one clock at terminal count */
		return !c->counting || d != c->n;
	}
}

static void ch0_set_irq(struct i8254 *pit, int level)
{
	struct pit_chan *c = &pit->ch[0];
	if (c->irq_level != level) {
		c->irq_level = level;
		irq_set(&pit->irq0, level);
	}
}

/* Program the clock timer for channel 0's next OUT event. */
static void ch0_arm(struct i8254 *pit)
{
	struct pit_chan *c = &pit->ch[0];
	if (!pit->timer)
		return;
	timer_del(pit->timer);
	if (!c->loaded || !c->counting)
		return;
	uint64_t d = ch_ticks(pit, c), target;
	if (c->mode == 2 || c->mode == 3)
		target = (d / c->n + 1) * c->n;
	else if (d < c->n)
		target = c->n;
	else
		return;
	uint64_t ns = c->start_ns + ticks_to_ns(target - c->tick0);
	if ((c->mode == 2 || c->mode == 3) && ns < pit->last_fire_ns + PIT_MIN_PERIOD_NS)
		ns = pit->last_fire_ns + PIT_MIN_PERIOD_NS;
	timer_mod(pit->timer, ns);
}

static void ch0_timer_cb(void *opaque)
{
	struct i8254 *pit = opaque;
	struct pit_chan *c = &pit->ch[0];
	pit->last_fire_ns = clock_now(pit->clk);
	if (!c->loaded || !c->counting)
		return;
	if (c->mode == 0) {
		ch0_set_irq(pit, ch_out(pit, c));
	} else if (ch_ticks(pit, c) >= c->n) {
		ch0_set_irq(pit, 1);
		ch0_set_irq(pit, 0);
	}
	ch0_arm(pit);
}

/* Start counting now from the full count (load, retrigger, gate reload). */
static void ch_start(struct i8254 *pit, struct pit_chan *c)
{
	c->start_ns = clock_now(pit->clk);
	c->tick0 = 0;
	c->counting = 1;
}

/*
 * Modes 1-5 idle with OUT high and signal with a short low/high blip; the
 * line carries that as 0 between pulses so every event is a rising edge.
 */
static void ch_update(struct i8254 *pit, struct pit_chan *c)
{
	if (c == &pit->ch[0]) {
		ch0_set_irq(pit, c->mode == 0 ? ch_out(pit, c) : 0);
		ch0_arm(pit);
	}
}

static void ch_load(struct i8254 *pit, struct pit_chan *c, uint16_t raw)
{
	uint32_t n = raw;
	if (c->bcd)
		n = (raw & 0xf) + ((raw >> 4) & 0xf) * 10 + ((raw >> 8) & 0xf) * 100 +
		    ((raw >> 12) & 0xf) * 1000;
	if (!n)
		n = modulus(c);
	c->n = n;
	c->loaded = 1;
	c->counting = 0;
	c->tick0 = 0;
	/* Modes 1 and 5 wait for a gate trigger; the others start on load if the gate is high. */
	if (c->mode != 1 && c->mode != 5 && c->gate)
		ch_start(pit, c);
	ch_update(pit, c);
}

static void ch_set_gate(struct i8254 *pit, struct pit_chan *c, int gate)
{
	gate = !!gate;
	if (gate == c->gate)
		return;
	c->gate = gate;
	if (!c->loaded)
		return;
	switch (c->mode) {
	case 0:
	case 4:		/* gate low suspends counting */
		if (!gate) {
			c->tick0 = ch_ticks(pit, c);
			c->counting = 0;
		} else {
			c->start_ns = clock_now(pit->clk);
			c->counting = 1;
		}
		break;
	case 2:
	case 3:		/* gate low stops (OUT high); rising edge reloads */
		if (gate)
			ch_start(pit, c);
		else
			c->counting = 0, c->tick0 = 0;
		break;
	default:	/* 1, 5: rising edge triggers */
		if (gate)
			ch_start(pit, c);
		break;
	}
	ch_update(pit, c);
}

static uint16_t ch_readout(struct i8254 *pit, const struct pit_chan *c)
{
	uint32_t v = ch_value(pit, c);
	if (c->bcd)
		return (uint16_t)((v % 10) | ((v / 10 % 10) << 4) | ((v / 100 % 10) << 8) |
				  ((v / 1000 % 10) << 12));
	return (uint16_t)v;
}

static void ch_latch_count(struct i8254 *pit, struct pit_chan *c)
{
	if (c->count_latched)
		return;		/* datasheet: further latches ignored until read */
	c->latch = ch_readout(pit, c);
	c->count_latched = 1;
	c->latch_read_hi = 0;
}

static void ch_latch_status(struct i8254 *pit, struct pit_chan *c)
{
	if (c->status_latched)
		return;
	int null_count = !c->loaded || (c->counting ? ch_ticks(pit, c) == 0 :
					 (c->mode == 1 || c->mode == 5 || !c->tick0));
	c->status = (uint8_t)((ch_out(pit, c) << 7) | (null_count << 6) | (c->rw << 4) |
			      (c->mode << 1) | c->bcd);
	c->status_latched = 1;
}

static void write_control(struct i8254 *pit, uint8_t v)
{
	unsigned sel = v >> 6;
	if (sel == 3) {		/* read-back */
		for (int i = 0; i < 3; i++) {
			if (!(v & (2u << i)))
				continue;
			if (!(v & 0x20))
				ch_latch_count(pit, &pit->ch[i]);
			if (!(v & 0x10))
				ch_latch_status(pit, &pit->ch[i]);
		}
		return;
	}
	struct pit_chan *c = &pit->ch[sel];
	unsigned rw = (v >> 4) & 3;
	if (rw == RW_LATCH) {
		ch_latch_count(pit, c);
		return;
	}
	c->rw = rw;
	c->mode = (v >> 1) & 7;
	if (c->mode > 5)
		c->mode -= 4;	/* 6, 7 are aliases of 2, 3 */
	c->bcd = v & 1;
	c->loaded = 0;
	c->counting = 0;
	c->tick0 = 0;
	c->write_hi = c->read_hi = 0;
	c->count_latched = c->status_latched = 0;
	ch_update(pit, c);
}

static void write_counter(struct i8254 *pit, struct pit_chan *c, uint8_t v)
{
	switch (c->rw) {
	case RW_LSB:
		ch_load(pit, c, v);
		break;
	case RW_MSB:
		ch_load(pit, c, (uint16_t)(v << 8));
		break;
	case RW_WORD:
		if (!c->write_hi) {
			c->wlatch = v;
			c->write_hi = 1;
			/* Mode 0: writing the first byte stops the count. */
			if (c->mode == 0 && c->loaded) {
				c->tick0 = ch_ticks(pit, c);
				c->counting = 0;
				ch_update(pit, c);
			}
		} else {
			c->write_hi = 0;
			ch_load(pit, c, (uint16_t)(c->wlatch | (v << 8)));
		}
		break;
	default:	/* no control word yet */
		break;
	}
}

static uint8_t read_counter(struct i8254 *pit, struct pit_chan *c)
{
	if (c->status_latched) {
		c->status_latched = 0;
		return c->status;
	}
	uint16_t v;
	int hi;
	if (c->count_latched) {
		v = c->latch;
		if (c->rw == RW_WORD) {
			hi = c->latch_read_hi;
			c->latch_read_hi ^= 1;
			if (hi)
				c->count_latched = 0;
		} else {
			hi = c->rw == RW_MSB;
			c->count_latched = 0;
		}
	} else {
		v = ch_readout(pit, c);
		if (c->rw == RW_WORD) {
			hi = c->read_hi;
			c->read_hi ^= 1;
		} else {
			hi = c->rw == RW_MSB;
		}
	}
	return hi ? v >> 8 : v & 0xff;
}

static uint64_t pit_read(void *o, uint64_t off, unsigned size)
{
	struct i8254 *pit = o;
	uint64_t v = 0;
	for (unsigned i = 0; i < size && i < 8; i++) {
		uint64_t p = off + i;
		uint8_t b = 0xff;	/* the control port is write-only */
		if (p < 3)
			b = read_counter(pit, &pit->ch[p]);
		v |= (uint64_t)b << (8 * i);
	}
	return v;
}

static void pit_write(void *o, uint64_t off, unsigned size, uint64_t val)
{
	struct i8254 *pit = o;
	for (unsigned i = 0; i < size && i < 8; i++) {
		uint64_t p = off + i;
		uint8_t b = (uint8_t)(val >> (8 * i));
		if (p < 3)
			write_counter(pit, &pit->ch[p], b);
		else if (p == 3)
			write_control(pit, b);
	}
}

static uint64_t port61_read(void *o, uint64_t off, unsigned size)
{
	struct i8254 *pit = o;
	if (off)
		return 0xff;
	uint64_t now = clock_now(pit->clk);
	uint8_t v = pit->port61 & 0x0f;
	if ((now / REFRESH_HALF_NS) & 1)
		v |= 0x10;
	if (ch_out(pit, &pit->ch[2]))
		v |= 0x20;
	return v;
}

static void port61_write(void *o, uint64_t off, unsigned size, uint64_t val)
{
	struct i8254 *pit = o;
	if (off)
		return;
	pit->port61 = val & 0x0f;
	ch_set_gate(pit, &pit->ch[2], val & 1);
}

void i8254_reset(struct i8254 *pit)
{
	if (pit->timer)
		timer_del(pit->timer);
	if (pit->ch[0].irq_level)
		irq_lower(&pit->irq0);
	memset(pit->ch, 0, sizeof(pit->ch));
	for (int i = 0; i < 3; i++) {
		pit->ch[i].n = 65536;
		pit->ch[i].gate = i != 2;
	}
	pit->port61 = 0;
	pit->last_fire_ns = 0;
}

static void pit_reset_op(void *o)
{
	i8254_reset(o);
}

struct i8254 *i8254_new(struct clock *clk, const struct irq_line *irq0)
{
	struct i8254 *pit = calloc(1, sizeof(*pit));
	if (!pit)
		return NULL;
	pit->clk = clk;
	if (irq0)
		pit->irq0 = *irq0;
	pit->timer = timer_new(clk, ch0_timer_cb, pit);
	if (!pit->timer) {
		free(pit);
		return NULL;
	}
	i8254_reset(pit);
	return pit;
}

void i8254_free(struct i8254 *pit)
{
	if (!pit)
		return;
	timer_free(pit->timer);
	free(pit);
}

const struct io_ops i8254_ops = {
	.name = "i8254", .read = pit_read, .write = pit_write, .reset = pit_reset_op,
};
const struct io_ops i8254_port61_ops = {
	.name = "port61", .read = port61_read, .write = port61_write,
};

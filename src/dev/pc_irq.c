/*
 * The PC interrupt router for the emu engine, wired as a PIIX board with an
 * MP-spec "virtual wire" 8259: ISA IRQ n drives 8259 input n and IOAPIC pin
 * n, except IRQ 0 which goes to IOAPIC pin 2 (the MADT interrupt source
 * override); the 8259's INTR reaches the BSP through LINT0 (ExtINT, or
 * directly while the APIC is disabled) and IOAPIC pin 0 (for an ExtINT
 * redirection entry).  Local APICs exchange messages here: fixed, lowest
 * priority (given to the lowest-numbered target), NMI, INIT, SIPI, ExtINT.
 * MSIs follow the SDM vol. 3A 11.11 address/data format.
 *
 * Not emulated: SMI, LINT1 as an NMI pin, interrupt remapping, the MSI
 * redirection hint.
 */
#include "dev/pc_irq.h"

#include <errno.h>
#include <stdlib.h>

#include "dev/i8254.h"
#include "dev/i8259.h"
#include "dev/ioapic.h"
#include "layout.h"

struct pc_irq {
	int nr_cpus;
	struct pc_irq_host h;
	struct i8259 *pic;
	struct i8254 *pit;
	struct ioapic *ioapic;
	struct lapic *lapic[MAX_VCPUS];
	uint8_t extint[MAX_VCPUS];	/* an ExtINT message is waiting for INTA */
	struct irq_line lines[NR_GSI];
};

static void kick(struct pc_irq *pi, int cpu)
{
	if (pi->h.kick)
		pi->h.kick(pi->h.opaque, cpu);
}

static int in_range(const struct pc_irq *pi, int cpu)
{
	return cpu >= 0 && cpu < pi->nr_cpus;
}

static void deliver_one(struct pc_irq *pi, int cpu, const struct apic_msg *m)
{
	struct lapic *l = pi->lapic[cpu];
	switch (m->delivery) {
	case APIC_DM_FIXED:
	case APIC_DM_LOWEST:
		lapic_accept(l, m->vector, m->level_trig);
		break;
	case APIC_DM_NMI:
		if (pi->h.nmi)
			pi->h.nmi(pi->h.opaque, cpu);
		break;
	case APIC_DM_INIT:
		lapic_init(l);
		if (pi->h.init)
			pi->h.init(pi->h.opaque, cpu);
		break;
	case APIC_DM_STARTUP:
		if (pi->h.sipi)
			pi->h.sipi(pi->h.opaque, cpu, m->vector);
		break;
	case APIC_DM_EXTINT:
		pi->extint[cpu] = 1;
		kick(pi, cpu);
		break;
	default:	/* SMI and reserved modes */
		break;
	}
}

/* Deliver one message; src is the sending cpu, or -1 for the IOAPIC and MSIs. */
static void deliver(struct pc_irq *pi, int src, const struct apic_msg *m)
{
	for (int cpu = 0; cpu < pi->nr_cpus; cpu++) {
		const struct lapic *l = pi->lapic[cpu];
		int hit;
		switch (m->shorthand) {
		case APIC_SH_SELF:
			hit = cpu == src;
			break;
		case APIC_SH_ALL:
			hit = lapic_hw_enabled(l);
			break;
		case APIC_SH_OTHERS:
			hit = cpu != src && lapic_hw_enabled(l);
			break;
		default:
			hit = lapic_match_dest(l, m);
			break;
		}
		if (!hit)
			continue;
		deliver_one(pi, cpu, m);
		if (m->delivery == APIC_DM_LOWEST)
			break;	/* lowest priority: the lowest-numbered target takes it */
	}
}

static void lapic_send(void *opaque, int src, const struct apic_msg *m)
{
	deliver(opaque, src, m);
}

static void lapic_eoi(void *opaque, uint8_t vector)
{
	struct pc_irq *pi = opaque;
	ioapic_eoi(pi->ioapic, vector);
}

static void lapic_kick(void *opaque, int cpu)
{
	kick(opaque, cpu);
}

static uint64_t lapic_tsc(void *opaque, int cpu)
{
	struct pc_irq *pi = opaque;
	return pi->h.guest_tsc(pi->h.opaque, cpu);
}

static void ioapic_deliver(void *opaque, const struct apic_msg *m)
{
	deliver(opaque, -1, m);
}

/* The 8259's INTR changed: it is LINT0 of the BSP and IOAPIC pin 0. */
static void pic_notify(void *opaque)
{
	struct pc_irq *pi = opaque;
	int level = i8259_has_int(pi->pic);
	if (!level)	/* an ExtINT message only stands for a request that is still there */
		for (int i = 0; i < pi->nr_cpus; i++)
			pi->extint[i] = 0;
	if (pi->ioapic)
		ioapic_set_irq(pi->ioapic, 0, level);
	kick(pi, 0);
}

void pc_irq_set(struct pc_irq *pi, unsigned gsi, int level)
{
	if (gsi >= NR_GSI)
		return;
	if (gsi < 16)
		i8259_set_irq(pi->pic, gsi, level);
	ioapic_set_irq(pi->ioapic, gsi == 0 ? 2 : gsi, level);
}

static void line_set(void *opaque, unsigned line, int level)
{
	pc_irq_set(opaque, line, level);
}

const struct irq_line *pc_irq_line(struct pc_irq *pi, unsigned gsi)
{
	return gsi < NR_GSI ? &pi->lines[gsi] : NULL;
}

static int pic_reaches(struct pc_irq *pi, int cpu)
{
	if (pi->extint[cpu])
		return 1;
	return cpu == 0 && lapic_accepts_pic(pi->lapic[0]);
}

int pc_irq_pending(struct pc_irq *pi, int cpu)
{
	if (!in_range(pi, cpu))
		return 0;
	if (lapic_pending(pi->lapic[cpu]) >= 0)
		return 1;
	return pic_reaches(pi, cpu) && i8259_has_int(pi->pic);
}

int pc_irq_ack(struct pc_irq *pi, int cpu)
{
	if (!in_range(pi, cpu))
		return -1;
	int v = lapic_ack(pi->lapic[cpu]);
	if (v >= 0)
		return v;
	if (pic_reaches(pi, cpu) && i8259_has_int(pi->pic)) {
		pi->extint[cpu] = 0;
		return i8259_ack(pi->pic);
	}
	return -1;
}

struct lapic *pc_irq_lapic(struct pc_irq *pi, int cpu)
{
	return in_range(pi, cpu) ? pi->lapic[cpu] : NULL;
}

void pc_irq_set_phys_bits(struct pc_irq *pi, unsigned bits)
{
	for (int i = 0; i < pi->nr_cpus; i++)
		lapic_set_phys_bits(pi->lapic[i], bits);
}

struct i8259 *pc_irq_pic(struct pc_irq *pi) { return pi->pic; }
struct i8254 *pc_irq_pit(struct pc_irq *pi) { return pi->pit; }
struct ioapic *pc_irq_ioapic(struct pc_irq *pi) { return pi->ioapic; }

void pc_irq_msi(struct pc_irq *pi, uint64_t addr, uint32_t data)
{
	if ((addr >> 20) != (LAYOUT_LAPIC_BASE >> 20))
		return;
	struct apic_msg m = {
		.dest = (addr >> 12) & 0xff,
		.logical = (addr >> 2) & 1,
		.vector = data & 0xff,
		.delivery = (data >> 8) & 7,
	};
	/* MSIs are edge: a level trigger would wait for an EOI broadcast nobody answers. */
	deliver(pi, -1, &m);
}

void pc_irq_reset(struct pc_irq *pi)
{
	for (int i = 0; i < pi->nr_cpus; i++) {
		pi->extint[i] = 0;
		lapic_reset(pi->lapic[i]);
	}
	ioapic_reset(pi->ioapic);
	i8254_reset(pi->pit);
	i8259_reset(pi->pic);
}

int pc_irq_map(struct pc_irq *pi, struct bus *pio, struct bus *mmio)
{
	int r;
	if ((r = bus_add(pio, PORT_PIC_MASTER, 2, &i8259_master_ops, pi->pic)) ||
	    (r = bus_add(pio, PORT_PIC_SLAVE, 2, &i8259_slave_ops, pi->pic)) ||
	    (r = bus_add(pio, PORT_ELCR, 2, &i8259_elcr_ops, pi->pic)) ||
	    (r = bus_add(pio, PORT_PIT, 4, &i8254_ops, pi->pit)) ||
	    (r = bus_add(pio, PORT_SYS_CTRL_B, 1, &i8254_port61_ops, pi->pit)) ||
	    (r = bus_add(mmio, LAYOUT_IOAPIC_BASE, IOAPIC_MMIO_LEN, &ioapic_ops, pi->ioapic)))
		return r;
	return 0;
}

void pc_irq_free(struct pc_irq *pi)
{
	if (!pi)
		return;
	for (int i = 0; i < pi->nr_cpus; i++)
		lapic_free(pi->lapic[i]);
	i8254_free(pi->pit);
	ioapic_free(pi->ioapic);
	i8259_free(pi->pic);
	free(pi);
}

struct pc_irq *pc_irq_new_flags(int nr_cpus, struct clock *clk, uint64_t tsc_hz,
				unsigned flags, const struct pc_irq_host *h)
{
	if (nr_cpus < 1 || nr_cpus > MAX_VCPUS || !clk)
		return NULL;
	struct pc_irq *pi = calloc(1, sizeof(*pi));
	if (!pi)
		return NULL;
	if (h)
		pi->h = *h;
	for (unsigned i = 0; i < NR_GSI; i++)
		pi->lines[i] = (struct irq_line){ .set = line_set, .opaque = pi, .line = i };
	pi->ioapic = ioapic_new(ioapic_deliver, pi);
	pi->pic = i8259_new(pic_notify, pi);
	pi->pit = i8254_new(clk, &pi->lines[IRQ_PIT]);
	if (!pi->ioapic || !pi->pic || !pi->pit)
		goto fail;
	struct lapic_host lh = {
		.send = lapic_send, .eoi = lapic_eoi, .kick = lapic_kick,
		.guest_tsc = pi->h.guest_tsc ? lapic_tsc : NULL, .opaque = pi,
	};
	unsigned lf = (flags & PC_IRQ_F_X2APIC) ? LAPIC_F_X2APIC : 0;
	for (int i = 0; i < nr_cpus; i++) {
		pi->lapic[i] = lapic_new(i, clk, tsc_hz, lf | (i == 0 ? LAPIC_F_BSP : 0), &lh);
		if (!pi->lapic[i])
			goto fail;
		pi->nr_cpus = i + 1;
	}
	return pi;
fail:
	pc_irq_free(pi);
	return NULL;
}

struct pc_irq *pc_irq_new(int nr_cpus, struct clock *clk, uint64_t tsc_hz,
			  const struct pc_irq_host *h)
{
	return pc_irq_new_flags(nr_cpus, clk, tsc_hz, 0, h);
}

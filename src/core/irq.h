/*
 * An interrupt line: a device drives its current level; whoever is wired to
 * the other end (the PIC/IOAPIC models under emu, KVM_IRQ_LINE under kvm, a
 * fake in unit tests) receives (line, level).  Edge-triggered devices pulse.
 */
#ifndef HVM_IRQ_H
#define HVM_IRQ_H

struct irq_line {
	void (*set)(void *opaque, unsigned line, int level);
	void *opaque;
	unsigned line;
};

static inline void irq_set(const struct irq_line *l, int level)
{
	if (l && l->set)
		l->set(l->opaque, l->line, level);
}

static inline void irq_raise(const struct irq_line *l) { irq_set(l, 1); }
static inline void irq_lower(const struct irq_line *l) { irq_set(l, 0); }
static inline void irq_pulse(const struct irq_line *l) { irq_set(l, 1); irq_set(l, 0); }

#endif

/*
 * Intel 82093AA I/O APIC with 24 redirection entries, at LAYOUT_IOAPIC_BASE.
 * Map ioapic_ops with len IOAPIC_MMIO_LEN there, with the ioapic as opaque.
 * Delivery goes through a callback (the router, dev/pc_irq.c).  Callers hold
 * the device-model lock.
 */
#ifndef HVM_DEV_IOAPIC_H
#define HVM_DEV_IOAPIC_H

#include <stdint.h>

#include "core/bus.h"
#include "dev/lapic.h"

#define IOAPIC_PINS	24
#define IOAPIC_MMIO_LEN	0x1000

struct ioapic;

/* deliver(opaque, msg): send one interrupt message to the local APICs. */
typedef void (*ioapic_deliver_fn)(void *opaque, const struct apic_msg *m);

struct ioapic *ioapic_new(ioapic_deliver_fn deliver, void *opaque);
void ioapic_free(struct ioapic *io);
void ioapic_reset(struct ioapic *io);

/* Drive input pin 0..23 to level (electrical level; polarity applied inside). */
void ioapic_set_irq(struct ioapic *io, unsigned pin, int level);
/* A local APIC EOIed a level-triggered vector: clear remote IRR, re-deliver if still asserted. */
void ioapic_eoi(struct ioapic *io, uint8_t vector);

/* Raw 64-bit redirection entry (tests, debugging); 0 for a bad pin. */
uint64_t ioapic_redir(const struct ioapic *io, unsigned pin);

extern const struct io_ops ioapic_ops;

#endif

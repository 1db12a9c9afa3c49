/*
 * QEMU's pc-testdev, as kvm-unit-tests uses it.  One struct testdev, four
 * mappings (all with the testdev as opaque):
 *   testdev_latch_ops  PORT_TESTDEV_LATCH  len 4   32-bit scratch latch
 *   testdev_flush_ops  PORT_TESTDEV_FLUSH  len 4   flush-page (no-op)
 *   testdev_irq_ops    PORT_TESTDEV_IRQ    len TESTDEV_NR_IRQ  outb(level) drives GSI n
 *   testdev_mmio_ops   LAYOUT_TESTDEV_MMIO LAYOUT_TESTDEV_MMIO_LEN (MMIO bus)  RAM-like
 */
#ifndef HVM_DEV_TESTDEV_H
#define HVM_DEV_TESTDEV_H

#include "core/bus.h"
#include "core/irq.h"

#define TESTDEV_NR_IRQ	24

struct testdev;

/* gsi: array of TESTDEV_NR_IRQ lines (e.g. vm->gsi), copied. */
struct testdev *testdev_new(const struct irq_line gsi[TESTDEV_NR_IRQ]);
void testdev_free(struct testdev *t);

extern const struct io_ops testdev_latch_ops;
extern const struct io_ops testdev_flush_ops;
extern const struct io_ops testdev_irq_ops;
extern const struct io_ops testdev_mmio_ops;

#endif

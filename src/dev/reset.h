/*
 * Reset-related ports of the PC chipset:
 *  - System Control Port A at 0x92 (fast reset, A20): port92_ops, len 1;
 *  - Reset Control Register at 0xcf9: cf9_ops, len 1 — it sits inside the PCI
 *    config-address dword, so the board hands it to the PCI host with
 *    pci_bus_set_cf9() instead of mapping it itself;
 *  - POST code port 0x80: post_ops, len 1, opaque may be NULL.
 * port92_ops and cf9_ops share one struct reset_ctl as opaque.
 */
#ifndef HVM_DEV_RESET_H
#define HVM_DEV_RESET_H

#include "core/bus.h"
#include "core/irq.h"
#include "core/vmctl.h"

struct reset_ctl;

struct reset_ctl *reset_new(const struct vm_ctl *ctl);
void reset_free(struct reset_ctl *r);
/* A20 as last set through port 0x92 bit 1. */
int reset_a20(const struct reset_ctl *r);
/* Drive a20 with port 0x92 bit 1 on every change (and 0 on reset). */
void reset_set_a20_line(struct reset_ctl *r, const struct irq_line *a20);

extern const struct io_ops port92_ops;
extern const struct io_ops cf9_ops;
extern const struct io_ops post_ops;

#endif

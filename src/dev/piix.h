/*
 * i440FX host bridge (00:00.0) and PIIX3 PCI-to-ISA bridge (00:01.0): the
 * PCI identity of QEMU's "pc" board, which firmware and Linux look for.
 * They live on the PCI bus; there is nothing to map on the I/O buses.
 */
#ifndef HVM_DEV_PIIX_H
#define HVM_DEV_PIIX_H

#include "dev/pci.h"

#define PIIX3_PIRQRC		0x60	/* PIRQA..D route control, 0x60..0x63 */
#define PIIX3_PIRQ_DISABLE	0x80

struct piix {
	struct pci_dev host;	/* 8086:1237 */
	struct pci_dev isa;	/* 8086:7000 */
};

/* Initialise both functions and add them to `bus`.  0 or -errno. */
int piix_init(struct piix *p, struct pci_bus *bus);
/* ISA IRQ that PIRQ `pin` (0 = A .. 3 = D) is routed to, or -1 if disabled/invalid. */
int piix3_pirq_route(const struct piix *p, unsigned pin);

#endif

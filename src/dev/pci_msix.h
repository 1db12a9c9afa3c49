/*
 * MSI-X capability helper (PCI Local Bus spec 3.0, 6.8.2): the capability
 * in config space, the vector table and the pending bit array, which the
 * owning device maps inside one of its memory BARs and forwards accesses to.
 */
#ifndef HVM_DEV_PCI_MSIX_H
#define HVM_DEV_PCI_MSIX_H

#include <stdint.h>

#include "dev/pci.h"

#define PCI_CAP_ID_MSIX		0x11
#define PCI_MSIX_MAX_VECTORS	2048
#define PCI_MSIX_ENTRY_SIZE	16
#define PCI_MSIX_NO_VECTOR	0xffff
/* Message Control bits */
#define PCI_MSIX_FLAGS_MASKALL	0x4000
#define PCI_MSIX_FLAGS_ENABLE	0x8000

/* Deliver one message (a DWORD write of data to addr by the device). */
typedef void (*pci_msi_fn)(void *opaque, uint64_t addr, uint32_t data);

struct pci_msix {
	struct pci_dev *dev;
	int cap;			/* config offset of the capability */
	unsigned nr;			/* table entries */
	uint8_t *table;			/* nr x 16 bytes: addr lo, addr hi, data, control (LE) */
	uint64_t *pba;			/* pending bits */
	pci_msi_fn msi;
	void *opaque;
};

/*
 * Add the capability to d: nr vectors, table at table_off and PBA at pba_off
 * (both 8-byte aligned) inside BAR `bar`.  The caller registers that BAR,
 * forwards accesses with pci_msix_table_read/write and pci_msix_pba_read, and
 * calls pci_msix_cfg_write from its cfg_write hook.  0 or -errno.
 */
int pci_msix_init(struct pci_msix *m, struct pci_dev *d, unsigned nr, int bar,
		  uint32_t table_off, uint32_t pba_off, pci_msi_fn msi, void *opaque);
void pci_msix_free(struct pci_msix *m);
/* Power-on state: every vector masked, nothing pending (config bits are reset by pci.c). */
void pci_msix_reset(struct pci_msix *m);

/* MSI-X Enable set in Message Control. */
int pci_msix_enabled(const struct pci_msix *m);
/* Signal vector v: send it, or set its pending bit while masked.  Ignores v >= nr. */
void pci_msix_notify(struct pci_msix *m, unsigned v);
int pci_msix_is_pending(const struct pci_msix *m, unsigned v);

/* Accesses relative to the table / PBA start (1..8 bytes; wider than the entry is cut). */
uint64_t pci_msix_table_read(struct pci_msix *m, uint64_t off, unsigned size);
void pci_msix_table_write(struct pci_msix *m, uint64_t off, unsigned size, uint64_t val);
uint64_t pci_msix_pba_read(struct pci_msix *m, uint64_t off, unsigned size);
/* After a config write: an unmask of the function delivers what is pending. */
void pci_msix_cfg_write(struct pci_msix *m, unsigned off, unsigned size);

/* Table and PBA sizes in bytes for nr vectors. */
static inline uint32_t pci_msix_table_size(unsigned nr) { return nr * PCI_MSIX_ENTRY_SIZE; }
static inline uint32_t pci_msix_pba_size(unsigned nr) { return ((nr + 63) / 64) * 8; }

#endif

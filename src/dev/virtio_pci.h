/*
 * virtio over PCI, modern (1.x) interface only (virtio spec 1.2, 4.1):
 * vendor 0x1af4, device 0x1040 + virtio ID, revision 1.
 *
 * BAR 1 (32-bit memory, 4 KiB): MSI-X table at 0, PBA at 0x800.
 * BAR 4 (64-bit memory, 16 KiB): common cfg 0x0000, ISR 0x1000, device
 * cfg 0x2000, notifications 0x3000 (queue q at 0x3000 + 4 q).
 */
#ifndef HVM_DEV_VIRTIO_PCI_H
#define HVM_DEV_VIRTIO_PCI_H

#include <stdint.h>

#include "core/bus.h"
#include "core/irq.h"
#include "dev/pci.h"
#include "dev/pci_msix.h"
#include "dev/virtio.h"

#define VIRTIO_PCI_VENDOR	0x1af4
#define VIRTIO_PCI_DEVICE_BASE	0x1040
#define VIRTIO_PCI_MSIX_BAR	1
#define VIRTIO_PCI_BAR		4
#define VIRTIO_PCI_BAR_SIZE	0x4000
#define VIRTIO_PCI_COMMON	0x0000
#define VIRTIO_PCI_ISR		0x1000
#define VIRTIO_PCI_DEVCFG	0x2000
#define VIRTIO_PCI_NOTIFY	0x3000
#define VIRTIO_PCI_NOTIFY_MULT	4
#define VIRTIO_PCI_MSIX_PBA	0x800

/* Common configuration registers (4.1.4.3) */
#define VPCI_DFSELECT		0x00
#define VPCI_DF			0x04
#define VPCI_GFSELECT		0x08
#define VPCI_GF			0x0c
#define VPCI_MSIX_CONFIG	0x10
#define VPCI_NUM_QUEUES		0x12
#define VPCI_STATUS		0x14
#define VPCI_CFG_GENERATION	0x15
#define VPCI_Q_SELECT		0x16
#define VPCI_Q_SIZE		0x18
#define VPCI_Q_MSIX		0x1a
#define VPCI_Q_ENABLE		0x1c
#define VPCI_Q_NOTIFY_OFF	0x1e
#define VPCI_Q_DESC		0x20
#define VPCI_Q_AVAIL		0x28
#define VPCI_Q_USED		0x30
#define VPCI_Q_NOTIFY_DATA	0x38
#define VPCI_Q_RESET		0x3a
#define VPCI_COMMON_LEN		0x3c

/* Vendor capability cfg_type (4.1.4) */
#define VIRTIO_PCI_CAP_COMMON_CFG	1
#define VIRTIO_PCI_CAP_NOTIFY_CFG	2
#define VIRTIO_PCI_CAP_ISR_CFG		3
#define VIRTIO_PCI_CAP_DEVICE_CFG	4
#define VIRTIO_PCI_CAP_PCI_CFG		5

#define VIRTIO_ISR_QUEUE	1
#define VIRTIO_ISR_CONFIG	2

struct virtio_pci {
	struct pci_dev pci;
	struct virtio_dev *vd;
	struct bus *mmio;		/* where BARs are mapped (NULL: not mapped, tests) */
	struct pci_msix msix;
	int has_msix;
	struct irq_line intx;		/* INTx# level, routed by the board */
	int intx_level;
	uint32_t dfselect, gfselect;
	uint16_t qsel, config_vector;
	uint8_t isr;
	uint8_t pcicfg_cap;		/* config offset of the PCI_CFG access window */
};

/*
 * Set up the PCI function for vd (already virtio_dev_init'ed) with
 * class_code.  msi == NULL: no MSI-X capability (INTx and the ISR only).
 * mmio: the bus BARs are mapped on when the guest places them.  The caller
 * sets vp->intx, adds &vp->pci to a bus and frees with virtio_pci_free.
 * 0 or -errno.
 */
int virtio_pci_init(struct virtio_pci *vp, struct virtio_dev *vd, const char *name,
		    uint32_t class_code, unsigned nr_vectors, struct bus *mmio,
		    pci_msi_fn msi, void *msi_opaque);
void virtio_pci_free(struct virtio_pci *vp);

/* BAR accesses (offsets within the BAR), for tests and the BAR mapping. */
extern const struct io_ops virtio_pci_bar_ops;	/* BAR 4, opaque = vp */
extern const struct io_ops virtio_pci_msix_ops;	/* BAR 1, opaque = vp */

#endif

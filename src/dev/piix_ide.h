/*
 * The PIIX3 IDE function (00:01.1, 8086:7010) in legacy ("compatibility")
 * mode: two channels at the ISA ports 0x1f0/0x3f6 (IRQ 14) and 0x170/0x376
 * (IRQ 15), and the bus-master registers in BAR4.
 */
#ifndef HVM_DEV_PIIX_IDE_H
#define HVM_DEV_PIIX_IDE_H

#include <stddef.h>

#include "core/bus.h"
#include "core/irq.h"
#include "core/mem.h"
#include "dev/ide.h"
#include "dev/ide_bmdma.h"
#include "dev/pci.h"

#define PIIX_IDE_PRI_CMD	0x1f0
#define PIIX_IDE_PRI_CTL	0x3f6
#define PIIX_IDE_SEC_CMD	0x170
#define PIIX_IDE_SEC_CTL	0x376
#define PIIX_IDE_IDETIM		0x40	/* primary 0x40, secondary 0x42 */
#define  PIIX_IDETIM_IDE	0x8000	/* IDE decode enable */
#define PIIX_IDE_BAR		4
#define PIIX_IDE_BAR_SIZE	16

struct piix_ide {
	struct pci_dev pci;
	struct ide_channel ch[2];
	struct ide_bmdma bm[2];
	struct bus *pio;
	uint64_t bar4;		/* where the bus master decodes now, or PCI_BAR_UNMAPPED */
};

/*
 * Set up the function with empty channels, map the legacy ports on pio and
 * add it to `bus` at 00:01.1.  Attach drives with ide_attach(&p->ch[n], ...).
 * 0 or -errno with a reason in err.
 */
int piix_ide_init(struct piix_ide *p, struct pci_bus *bus, struct bus *pio,
		  const struct guest_mem *mem, const struct irq_line *irq14,
		  const struct irq_line *irq15, char *err, size_t errlen);
/* Free the drive buffers (the block backends belong to the caller). */
void piix_ide_free(struct piix_ide *p);

#endif

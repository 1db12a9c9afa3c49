/*
 * PIIX3 IDE interface (82371SB datasheet, the IDE interface's PCI
 * configuration registers, function 1): class 01h/01h with programming
 * interface 80h (bus master capable, both channels fixed in compatibility
 * mode, so BAR0-3 are not implemented), BMIBA in BAR4, IDETIM/SIDETIM.
 *
 * The channels interrupt on ISA IRQ 14 and 15, not through INTx.  The
 * legacy ports decode whatever the command register says, since a
 * directly booted kernel probes them before anything enables the function.
 * IDETIM resets with IDE decode enabled on both channels, as firmware
 * leaves it, because Linux's driver skips channels without it.  Not
 * emulated: timing registers' effect, the SMI/IDE power features, USB.
 */
#include "dev/piix_ide.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define PIIX3_IDE_DEVICE	0x7010
#define PCI_CLASS_IDE_LEGACY_BM	0x010180

static void map_bm(struct piix_ide *p, uint64_t base)
{
	for (int i = 0; i < 2; i++)
		if (bus_add(p->pio, base + BM_PORTS * (unsigned)i, BM_PORTS, &ide_bmdma_ops, &p->bm[i]))
			fprintf(stderr, "hvm: piix-ide: cannot map bus master at %#llx\n",
				(unsigned long long)(base + BM_PORTS * (unsigned)i));
}

static void bar_change(struct pci_dev *d, int n, uint64_t old, uint64_t now)
{
	struct piix_ide *p = d->opaque;

	if (n != PIIX_IDE_BAR)
		return;
	if (old != PCI_BAR_UNMAPPED)
		for (int i = 0; i < 2; i++)
			bus_remove(p->pio, old + BM_PORTS * (unsigned)i, &p->bm[i]);
	p->bar4 = now;
	if (now != PCI_BAR_UNMAPPED)
		map_bm(p, now);
}

static void set_defaults(struct pci_dev *d)
{
	struct piix_ide *p = d->opaque;

	d->cfg[PIIX_IDE_IDETIM + 1] = PIIX_IDETIM_IDE >> 8;
	d->cfg[PIIX_IDE_IDETIM + 3] = PIIX_IDETIM_IDE >> 8;
	for (int i = 0; i < 2; i++) {
		ide_bmdma_reset(&p->bm[i]);
		ide_channel_reset(&p->ch[i]);
	}
}

int piix_ide_init(struct piix_ide *p, struct pci_bus *bus, struct bus *pio,
		  const struct guest_mem *mem, const struct irq_line *irq14,
		  const struct irq_line *irq15, char *err, size_t errlen)
{
	static const struct { uint16_t cmd, ctl; } ports[2] = {
		{ PIIX_IDE_PRI_CMD, PIIX_IDE_PRI_CTL }, { PIIX_IDE_SEC_CMD, PIIX_IDE_SEC_CTL },
	};
	struct pci_dev *d = &p->pci;
	int r;

	memset(p, 0, sizeof(*p));
	p->pio = pio;
	p->bar4 = PCI_BAR_UNMAPPED;
	pci_dev_init(d, "piix3-ide", 0x8086, PIIX3_IDE_DEVICE, PCI_CLASS_IDE_LEGACY_BM, 0x00);
	d->opaque = p;
	d->on_bar_change = bar_change;
	d->reset = set_defaults;
	memset(d->wmask + PIIX_IDE_IDETIM, 0xff, 5);	/* IDETIM x2, SIDETIM */
	pci_register_bar(d, PIIX_IDE_BAR, PIIX_IDE_BAR_SIZE, PCI_BAR_IO);
	ide_channel_init(&p->ch[0], "ide0", irq14);
	ide_channel_init(&p->ch[1], "ide1", irq15);
	for (int i = 0; i < 2; i++)
		ide_bmdma_init(&p->bm[i], mem, &p->ch[i], &d->cfg[PCI_COMMAND]);
	set_defaults(d);

	for (int i = 0; i < 2; i++) {
		if ((r = bus_add(pio, ports[i].cmd, 8, &ide_cmd_ops, &p->ch[i])) ||
		    (r = bus_add(pio, ports[i].ctl, 1, &ide_ctl_ops, &p->ch[i]))) {
			snprintf(err, errlen, "piix-ide: cannot map ports %#x/%#x: %s",
				 ports[i].cmd, ports[i].ctl, strerror(-r));
			return r;
		}
	}
	r = pci_bus_add(bus, d, 1, 1);
	if (r)
		snprintf(err, errlen, "piix-ide: PCI 00:01.1: %s", strerror(-r));
	return r;
}

void piix_ide_free(struct piix_ide *p)
{
	for (int i = 0; i < 2; i++)
		ide_channel_free(&p->ch[i]);
}

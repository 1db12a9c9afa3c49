/*
 * The PCI functions of QEMU's "pc" chipset: the Intel 82441FX (i440FX)
 * host bridge at 00:00.0 and the 82371SB (PIIX3) PCI-to-ISA bridge at
 * 00:01.0, after the 440FX and PIIX3 datasheets (configuration register
 * tables).  Firmware and Linux identify the board by these IDs and read the
 * PIRQ route registers to learn how PCI INTx reaches the ISA IRQs.
 *
 * The device-specific registers are plain storage with their datasheet
 * reset values.  PAM shadowing lives in pam.c, wired by the board for
 * firmware boots.  Not emulated: SMRAM on the host bridge, ISA clock/DMA/APIC
 * chip-select controls on PIIX3 — and the PIIX3 IDE/USB functions.  The ELCR (0x4d0) belongs to the PIC model.
 */
#include "dev/piix.h"

#include <string.h>

#define I440FX_VENDOR		0x8086
#define I440FX_DEVICE		0x1237
#define PIIX3_DEVICE		0x7000
#define PCI_CLASS_BRIDGE_HOST	0x060000
#define PCI_CLASS_BRIDGE_ISA	0x060100

#define I440FX_REGS_START	0x50	/* PMCCFG .. SMRAM and the rest */
#define PIIX3_REGS_START	0x4c	/* IORT .. */
#define PIIX3_PIRQ_WMASK	0x8f	/* IRQRTEN + IRQ number; bits 4-6 reserved */

/* PIIX3 registers with a non-zero reset value (datasheet section 2.2). */
static const struct { uint8_t reg, val; } piix3_defaults[] = {
	{ 0x4c, 0x4d },		/* IORT: ISA I/O recovery timer */
	{ 0x4e, 0x03 },		/* XBCS: BIOS chip select enables */
	{ 0x60, PIIX3_PIRQ_DISABLE }, { 0x61, PIIX3_PIRQ_DISABLE },
	{ 0x62, PIIX3_PIRQ_DISABLE }, { 0x63, PIIX3_PIRQ_DISABLE },
	{ 0x69, 0x02 },		/* TOM: top of memory */
	{ 0x70, 0x80 },		/* MBIRQ0: disabled */
	{ 0x76, 0x0c }, { 0x77, 0x0c },	/* MBDMA: disabled */
	{ 0x78, 0x02 },		/* PCSC */
	{ 0xa0, 0x08 },		/* SMICNTL */
	{ 0xa8, 0x0f },		/* SMIREQ */
};

static void piix3_set_defaults(struct pci_dev *d)
{
	for (size_t i = 0; i < sizeof(piix3_defaults) / sizeof(piix3_defaults[0]); i++)
		d->cfg[piix3_defaults[i].reg] = piix3_defaults[i].val;
}

int piix_init(struct piix *p, struct pci_bus *bus)
{
	struct pci_dev *h = &p->host, *isa = &p->isa;
	int r;

	pci_dev_init(h, "i440fx", I440FX_VENDOR, I440FX_DEVICE, PCI_CLASS_BRIDGE_HOST, 0x02);
	memset(h->wmask + I440FX_REGS_START, 0xff, PCI_CFG_SIZE - I440FX_REGS_START);
	/* PAM0 holds only the 0xf0000 attributes (5:4); PAM1-6 two segments each (1:0, 5:4). */
	h->wmask[0x59] = 0x30;
	memset(h->wmask + 0x5a, 0x33, 6);
	/* QEMU's subsystem ID, by which SeaBIOS recognises the board as QEMU's "pc". */
	h->cfg[PCI_SUBSYSTEM_VENDOR_ID] = 0xf4;
	h->cfg[PCI_SUBSYSTEM_VENDOR_ID + 1] = 0x1a;
	h->cfg[PCI_SUBSYSTEM_ID] = 0x00;
	h->cfg[PCI_SUBSYSTEM_ID + 1] = 0x11;

	pci_dev_init(isa, "piix3", I440FX_VENDOR, PIIX3_DEVICE, PCI_CLASS_BRIDGE_ISA, 0x00);
	/* Multi-function: IDE/USB/PM would sit at 00:01.1.. */
	isa->cfg[PCI_HEADER_TYPE] = PCI_HEADER_TYPE_MULTI;
	memset(isa->wmask + PIIX3_REGS_START, 0xff, PCI_CFG_SIZE - PIIX3_REGS_START);
	for (unsigned pin = 0; pin < 4; pin++)
		isa->wmask[PIIX3_PIRQRC + pin] = PIIX3_PIRQ_WMASK;
	piix3_set_defaults(isa);
	isa->reset = piix3_set_defaults;

	r = pci_bus_add(bus, h, 0, 0);
	if (r)
		return r;
	return pci_bus_add(bus, isa, 1, 0);
}

int piix3_pirq_route(const struct piix *p, unsigned pin)
{
	if (pin >= 4)
		return -1;
	uint8_t v = p->isa.cfg[PIIX3_PIRQRC + pin];
	if (v & PIIX3_PIRQ_DISABLE)
		return -1;
	unsigned irq = v & 0x0f;
	/* IRQ 0, 1, 2, 8 and 13 are reserved routing values (datasheet 2.2.9). */
	if (irq <= 2 || irq == 8 || irq == 13)
		return -1;
	return (int)irq;
}

/*
 * ACPI tables for the PC board (ACPI spec 6.x, chapter 5): RSDP (rev 0),
 * RSDT, FADT (rev 3), FACS, MADT, DSDT with \_S5 (and optionally a PCI0
 * root bridge).  All in [LAYOUT_BIOS_START, LAYOUT_BIOS_END), where an OS
 * scans for the RSDP.
 */
#ifndef HVM_ACPI_H
#define HVM_ACPI_H

#include <stdint.h>

#include "core/mem.h"

/* Where acpi_build puts the RSDP (16-byte aligned, in the 0xe0000 scan area). */
#define ACPI_RSDP_ADDR		0xE0000ULL
/* SLP_TYP value in \_S5 that the acpi_pm device treats as power off. */
#define ACPI_S5_SLP_TYP		5

struct acpi_config {
	int nr_cpus;		/* 1..MAX_VCPUS; processor UID and APIC ID = index */
	uint8_t ioapic_id;	/* must match the IOAPIC model's ID register */
	/*
	 * 0: no PCI in the DSDT (Linux then finds no PCI bus unless booted
	 * with pci=noacpi).  Else a \_SB.PCI0 (PNP0A03, bus 0) is described
	 * with _CRS windows: buses 0-255, I/O [0, 0xcf8) and [0xd00, 0x10000),
	 * MMIO [0xa0000, 0xc0000) and [LAYOUT_PCI_MMIO_START, LAYOUT_PCI_MMIO_END).
	 * If pci_gsi_base is nonzero, a _PRT routes slot s pin p (INTA = 0)
	 * to GSI pci_gsi_base + ((s + p) & 3), level, active low, in APIC
	 * mode, and to link device LNKA + ((s + p) & 3) over the PIIX3 PIRQ
	 * route registers in PIC mode (boot/acpi_irq.h); without it Linux
	 * falls back to each function's Interrupt Line register.
	 */
	int pci;
	unsigned pci_gsi_base;
};

/* Write all tables.  0, or -EINVAL (bad config) / -EFAULT (area not RAM). */
int acpi_build(struct guest_mem *m, const struct acpi_config *c);

/*
 * The same tables for firmware that places them itself (SeaBIOS): the fw_cfg
 * files ACPI_FW_RSDP and ACPI_FW_TABLES, whose pointers hold offsets into the
 * tables file, and "etc/table-loader", QEMU's linker/loader script of
 * ACPI_LOADER_ENTRY-byte commands: allocate both files (RSDP in the F
 * segment, tables 64-byte aligned high), add the tables' base to every
 * pointer, then fix the checksums.
 */
#define ACPI_FW_RSDP		"etc/acpi/rsdp"
#define ACPI_FW_TABLES		"etc/acpi/tables"
#define ACPI_FW_LOADER		"etc/table-loader"
#define ACPI_LOADER_ENTRY	128
#define ACPI_LOADER_NAME	56	/* file name field */
#define ACPI_FW_MAX_CMDS	10

struct acpi_fw_tables {
	uint8_t rsdp[20];
	uint8_t tables[0x2000];
	uint32_t tables_len;
	uint8_t loader[ACPI_FW_MAX_CMDS * ACPI_LOADER_ENTRY];
	uint32_t loader_len;
};

/* 0, or -EINVAL (bad config) / -ENOSPC (DSDT too large). */
int acpi_build_fw(const struct acpi_config *c, struct acpi_fw_tables *o);

/* Sum of bytes mod 256; a table is valid when this is 0. */
uint8_t acpi_checksum(const void *p, unsigned len);

#endif

/*
 * The PC board's fixed addresses, ports and IRQs, in one place.
 */
#ifndef HVM_LAYOUT_H
#define HVM_LAYOUT_H

/* Guest physical memory */
#define LAYOUT_PCI_HOLE_START	0xC0000000ULL	/* RAM above this moves to 4 GiB */
#define LAYOUT_4G		0x100000000ULL
#define LAYOUT_VGA_START	0xA0000ULL	/* legacy VGA window, not RAM */
#define LAYOUT_VGA_END		0xC0000ULL
#define LAYOUT_BIOS_START	0xE0000ULL	/* ACPI RSDP search area */
#define LAYOUT_BIOS_END		0x100000ULL
#define LAYOUT_EBDA_START	0x9FC00ULL
#define LAYOUT_HIGH_MEM		0x100000ULL	/* 1 MiB */

/* Linux direct boot */
#define LAYOUT_BOOT_GDT		0x500ULL
#define LAYOUT_BOOT_IDT		0x520ULL
#define LAYOUT_ZERO_PAGE	0x7000ULL
#define LAYOUT_BOOT_STACK	0x8000ULL
#define LAYOUT_PML4		0x9000ULL	/* + PDPT at 0xa000, PDs at 0xb000.. */
#define LAYOUT_CMDLINE		0x20000ULL
#define LAYOUT_CMDLINE_MAX	0x10000ULL
#define LAYOUT_KERNEL_LOAD	0x100000ULL	/* protected-mode kernel */
#define LAYOUT_MB_INFO		0x10000ULL	/* multiboot info + strings + mmap */

/* MMIO */
#define LAYOUT_IOAPIC_BASE	0xFEC00000ULL
#define LAYOUT_LAPIC_BASE	0xFEE00000ULL
#define LAYOUT_TESTDEV_MMIO	0xFF000000ULL
#define LAYOUT_TESTDEV_MMIO_LEN	0x10000ULL
#define LAYOUT_PCI_MMIO_START	0xC0000000ULL	/* 32-bit BAR window */
#define LAYOUT_PCI_MMIO_END	0xFEC00000ULL

/* Ports */
#define PORT_PIC_MASTER		0x20
#define PORT_PIT		0x40
#define PORT_I8042_DATA		0x60
#define PORT_I8042_CMD		0x64
#define PORT_RTC		0x70
#define PORT_POST		0x80
#define PORT_A20_RESET		0x92
#define PORT_PIC_SLAVE		0xA0
#define PORT_TESTDEV_LATCH	0xE0	/* 0xe0-0xe3 */
#define PORT_TESTDEV_FLUSH	0xE4
#define PORT_DEBUG_EXIT		0xF4
#define PORT_COM1		0x3F8
#define PORT_ELCR		0x4D0
#define PORT_DEBUGCON		0x402	/* QEMU isa-debugcon (SeaBIOS log) */
#define PORT_FW_CFG		0x510
#define PORT_FW_CFG_DMA		0x514	/* 0x514-0x51b, big-endian 64-bit address */
#define PORT_ACPI_PM_BASE	0x600	/* PM1a_EVT 0x600, PM1a_CNT 0x604, PM_TMR 0x608 */
#define PORT_ACPI_PM1A_EVT	0x600
#define PORT_ACPI_PM1A_CNT	0x604
#define PORT_ACPI_PM_TMR	0x608
#define PORT_PCI_CONFIG_ADDR	0xCF8
#define PORT_PCI_CONFIG_DATA	0xCFC
#define PORT_RESET_CF9		0xCF9
#define PORT_TESTDEV_IRQ	0x2000	/* 0x2000-0x2017 */

/* ISA IRQs / GSIs */
#define IRQ_PIT			0
#define IRQ_KBD			1
#define IRQ_COM2		3
#define IRQ_COM1		4
#define IRQ_RTC			8
#define IRQ_ACPI_SCI		9
#define IRQ_MOUSE		12
#define IRQ_IDE0		14
#define IRQ_IDE1		15
#define NR_GSI			24
#define IRQ_PCI_GSI_BASE	16	/* PCI PIRQA-D -> GSI 16-19 (ACPI _PRT), level, active low */

#define MAX_VCPUS		64

#endif

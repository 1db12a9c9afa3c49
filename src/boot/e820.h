/*
 * The BIOS memory map (ACPI spec 6.x, 15 "System Address Map Interfaces",
 * INT 15h E820h), derived from the guest RAM layout.  One map feeds both the
 * Linux zero page and the multiboot mmap.
 */
#ifndef HVM_E820_H
#define HVM_E820_H

#include <stdint.h>

#include "core/mem.h"

#define E820_RAM	1
#define E820_RESERVED	2
#define E820_ACPI	3
#define E820_NVS	4
#define E820_MAX	128	/* zero page e820_table capacity */

/* Layout of the zero page table entry (20 bytes, packed). */
struct e820_entry {
	uint64_t addr;
	uint64_t size;
	uint32_t type;
} __attribute__((packed));

/*
 * Fill out[0..max) sorted by address: RAM [0, 0x9fc00), reserved EBDA
 * [0x9fc00, 0xa0000), reserved BIOS/ACPI [0xe0000, 0x100000), RAM
 * [1M, low_end), reserved IOAPIC and LAPIC pages, RAM [4G, high_end).
 * Returns the entry count, or -ENOSPC if max is too small, -EINVAL if m has
 * less than 1 MiB + 1 byte of RAM.
 */
int e820_build(const struct guest_mem *m, struct e820_entry *out, int max);

#endif

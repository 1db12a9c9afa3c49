/*
 * The PC memory map as the BIOS E820h call reports it (ACPI spec 6.x,
 * 15.1 and table 15.374 address range types).  Derived from struct
 * guest_mem; the low 1 MiB follows the classic PC: conventional memory up to
 * the EBDA, then the VGA window (not listed: a hole) and the BIOS area,
 * which holds the ACPI tables and is reported reserved.
 * Not modelled: ACPI reclaimable/NVS ranges, persistent memory.
 */
#include "boot/e820.h"
#include "layout.h"

#include <errno.h>

static int add(struct e820_entry *out, int *n, int max, uint64_t addr, uint64_t end, uint32_t type)
{
	if (end <= addr)
		return 0;
	if (*n >= max)
		return -ENOSPC;
	out[*n].addr = addr;
	out[*n].size = end - addr;
	out[*n].type = type;
	(*n)++;
	return 0;
}

int e820_build(const struct guest_mem *m, struct e820_entry *out, int max)
{
	int n = 0, rc = 0;
	if (!m || !out || max < 0 || m->low_end <= LAYOUT_HIGH_MEM)
		return -EINVAL;
	rc |= add(out, &n, max, 0, LAYOUT_EBDA_START, E820_RAM);
	rc |= add(out, &n, max, LAYOUT_EBDA_START, LAYOUT_VGA_START, E820_RESERVED);
	rc |= add(out, &n, max, LAYOUT_BIOS_START, LAYOUT_BIOS_END, E820_RESERVED);
	rc |= add(out, &n, max, LAYOUT_HIGH_MEM, m->low_end, E820_RAM);
	/* So the OS does not place PCI BARs over the interrupt controllers. */
	rc |= add(out, &n, max, LAYOUT_IOAPIC_BASE, LAYOUT_IOAPIC_BASE + 0x1000, E820_RESERVED);
	rc |= add(out, &n, max, LAYOUT_LAPIC_BASE, LAYOUT_LAPIC_BASE + 0x1000, E820_RESERVED);
	if (m->high_end > LAYOUT_4G)
		rc |= add(out, &n, max, LAYOUT_4G, m->high_end, E820_RAM);
	return rc ? -ENOSPC : n;
}

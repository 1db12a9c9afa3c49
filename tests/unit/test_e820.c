/*
 * e820 map from the guest RAM layout: the ranges a PC BIOS would report,
 * sorted, non-overlapping, RAM entries backed by real RAM, and the total
 * RAM equal to what was asked for minus the legacy holes below 1 MiB.
 */
#include "test.h"

#include "boot/e820.h"
#include "layout.h"

#include <errno.h>

static int check_map(const struct guest_mem *m, const struct e820_entry *e, int n)
{
	uint64_t ram = 0;
	for (int i = 0; i < n; i++) {
		if (!e[i].size)
			return 0;
		if (i && e[i].addr < e[i - 1].addr + e[i - 1].size)
			return 0;	/* unsorted or overlapping */
		if (e[i].type == E820_RAM) {
			if (!gpa_valid(m, e[i].addr, e[i].size))
				return 0;
			ram += e[i].size;
		}
	}
	/* All RAM but the EBDA and [0xa0000, 1 MiB) is reported usable. */
	return ram == m->ram_size - (LAYOUT_HIGH_MEM - LAYOUT_EBDA_START);
}

static int find(const struct e820_entry *e, int n, uint64_t addr, uint64_t size, uint32_t type)
{
	for (int i = 0; i < n; i++)
		if (e[i].addr == addr && e[i].size == size && e[i].type == type)
			return 1;
	return 0;
}

TEST(ram_256m)
{
	struct guest_mem m;
	struct e820_entry e[E820_MAX];
	int n;
	CHECK_EQ(mem_init(&m, 256ULL << 20), 0);
	n = e820_build(&m, e, E820_MAX);
	CHECK(n > 0);
	CHECK(check_map(&m, e, n));
	CHECK(find(e, n, 0, LAYOUT_EBDA_START, E820_RAM));
	CHECK(find(e, n, LAYOUT_EBDA_START, LAYOUT_VGA_START - LAYOUT_EBDA_START, E820_RESERVED));
	CHECK(find(e, n, LAYOUT_BIOS_START, LAYOUT_BIOS_END - LAYOUT_BIOS_START, E820_RESERVED));
	CHECK(find(e, n, LAYOUT_HIGH_MEM, (256ULL << 20) - LAYOUT_HIGH_MEM, E820_RAM));
	CHECK(find(e, n, LAYOUT_IOAPIC_BASE, 0x1000, E820_RESERVED));
	CHECK(find(e, n, LAYOUT_LAPIC_BASE, 0x1000, E820_RESERVED));
	for (int i = 0; i < n; i++)
		CHECK(e[i].addr < LAYOUT_4G);
	mem_destroy(&m);
}

TEST(ram_3g_stops_at_hole)
{
	struct guest_mem m;
	struct e820_entry e[E820_MAX];
	int n;
	CHECK_EQ(mem_init(&m, 3ULL << 30), 0);
	n = e820_build(&m, e, E820_MAX);
	CHECK(n > 0);
	CHECK(check_map(&m, e, n));
	CHECK(find(e, n, LAYOUT_HIGH_MEM, LAYOUT_PCI_HOLE_START - LAYOUT_HIGH_MEM, E820_RAM));
	for (int i = 0; i < n; i++)
		CHECK(e[i].type != E820_RAM || e[i].addr + e[i].size <= LAYOUT_PCI_HOLE_START);
	mem_destroy(&m);
}

TEST(ram_5g_above_4g)
{
	struct guest_mem m;
	struct e820_entry e[E820_MAX];
	int n;
	CHECK_EQ(mem_init(&m, 5ULL << 30), 0);
	n = e820_build(&m, e, E820_MAX);
	CHECK(n > 0);
	CHECK(check_map(&m, e, n));
	CHECK(find(e, n, LAYOUT_HIGH_MEM, LAYOUT_PCI_HOLE_START - LAYOUT_HIGH_MEM, E820_RAM));
	/* 5G - 3G below the hole = 2G relocated to 4G */
	CHECK(find(e, n, LAYOUT_4G, 2ULL << 30, E820_RAM));
	CHECK_EQ(e[n - 1].addr, LAYOUT_4G);
	mem_destroy(&m);
}

TEST(small_table_and_bad_input)
{
	struct guest_mem m, empty;
	struct e820_entry e[E820_MAX];
	CHECK_EQ(mem_init(&m, 16ULL << 20), 0);
	CHECK_EQ(e820_build(&m, e, 2), -ENOSPC);
	CHECK_EQ(e820_build(&m, e, 0), -ENOSPC);
	CHECK_EQ(e820_build(&m, e, -1), -EINVAL);
	CHECK_EQ(e820_build(&m, NULL, 8), -EINVAL);
	memset(&empty, 0, sizeof(empty));
	CHECK_EQ(e820_build(&empty, e, E820_MAX), -EINVAL);
	CHECK_EQ(sizeof(struct e820_entry), 20);
	mem_destroy(&m);
}

TEST_MAIN_BEGIN("e820")
	RUN(ram_256m);
	RUN(ram_3g_stops_at_hole);
	RUN(ram_5g_above_4g);
	RUN(small_table_and_bad_input);
TEST_MAIN_END()

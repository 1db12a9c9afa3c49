/* Guest memory layout and checked accessors. */
#include "test.h"
#include "core/mem.h"
#include "layout.h"

#include <errno.h>

TEST(layout_small)
{
	struct guest_mem m;
	CHECK_EQ(mem_init(&m, 256 << 20), 0);
	CHECK_EQ(m.low_end, 256 << 20);
	CHECK_EQ(m.high_end, 0);
	CHECK(gpa_ptr(&m, 0, 4096) != NULL);
	CHECK(gpa_ptr(&m, (256 << 20) - 8, 8) != NULL);
	CHECK(gpa_ptr(&m, (256 << 20) - 8, 9) == NULL);	/* crosses the end of RAM */
	CHECK(gpa_ptr(&m, 256 << 20, 1) == NULL);
	/* the legacy VGA window is not RAM */
	CHECK(gpa_ptr(&m, LAYOUT_VGA_START, 1) == NULL);
	CHECK(gpa_ptr(&m, LAYOUT_VGA_START - 4, 8) == NULL);
	CHECK(gpa_ptr(&m, LAYOUT_VGA_END, 1) != NULL);
	mem_destroy(&m);
}

TEST(layout_above_4g)
{
	struct guest_mem m;
	uint64_t size = 5ULL << 30;
	CHECK_EQ(mem_init(&m, size), 0);
	CHECK_EQ(m.low_end, LAYOUT_PCI_HOLE_START);
	CHECK_EQ(m.high_end, LAYOUT_4G + size - LAYOUT_PCI_HOLE_START);
	/* the PCI/APIC hole has no RAM */
	CHECK(gpa_ptr(&m, LAYOUT_PCI_HOLE_START, 1) == NULL);
	CHECK(gpa_ptr(&m, LAYOUT_LAPIC_BASE, 4) == NULL);
	CHECK(gpa_ptr(&m, LAYOUT_4G, 8) != NULL);
	CHECK(gpa_ptr(&m, m.high_end - 1, 1) != NULL);
	CHECK(gpa_ptr(&m, m.high_end, 1) == NULL);
	/* a range crossing from low RAM into the hole is refused whole */
	CHECK(gpa_ptr(&m, LAYOUT_PCI_HOLE_START - 2, 4) == NULL);
	CHECK(!gpa_valid(&m, LAYOUT_PCI_HOLE_START - 2, 4));
	uint8_t buf[4] = { 1, 2, 3, 4 };
	CHECK_EQ(gpa_write(&m, LAYOUT_PCI_HOLE_START - 2, buf, 4), -EFAULT);
	mem_destroy(&m);
}

TEST(overflow)
{
	struct guest_mem m;
	uint8_t buf[16];
	CHECK_EQ(mem_init(&m, 64 << 20), 0);
	CHECK(gpa_ptr(&m, ~0ULL, 2) == NULL);
	CHECK(gpa_ptr(&m, 4096, ~0ULL) == NULL);
	CHECK(gpa_ptr(&m, 1, ~0ULL) == NULL);
	CHECK_EQ(gpa_read(&m, ~0ULL - 3, buf, 16), -EFAULT);
	CHECK_EQ(gpa_read(&m, 0x1000, buf, ~0ULL), -EFAULT);
	CHECK(!gpa_valid(&m, 0, ~0ULL));
	mem_destroy(&m);
}

TEST(copy_across_regions)
{
	struct guest_mem m;
	static uint8_t rom[4096];
	uint8_t in[32], out[32];
	CHECK_EQ(mem_init(&m, 64 << 20), 0);
	/* a ROM right at the end of RAM: copies may span both; writes into ROM fail whole */
	CHECK_EQ(mem_add_region(&m, 64 << 20, sizeof(rom), rom, MEM_F_READONLY), 0);
	for (int i = 0; i < 32; i++)
		in[i] = i + 1;
	CHECK_EQ(gpa_write(&m, (64 << 20) - 16, in, 32), -EFAULT);
	CHECK_EQ(gpa_write(&m, (64 << 20) - 32, in, 32), 0);
	memset(rom, 0xaa, 16);
	CHECK_EQ(gpa_read(&m, (64 << 20) - 16, out, 32), 0);
	CHECK(!memcmp(out, in + 16, 16));
	CHECK_EQ(out[16], 0xaa);
	CHECK(gpa_ptr_w(&m, 64 << 20, 1) == NULL);
	CHECK(gpa_ptr(&m, 64 << 20, 1) != NULL);
	/* overlapping regions are refused */
	CHECK_EQ(mem_add_region(&m, (64 << 20) - 4096, 8192, rom, 0), -EEXIST);
	mem_destroy(&m);
}

static uint64_t notified_gpa, notified_len;
static void on_write(void *o, uint64_t gpa, uint64_t len)
{
	(void)o;
	notified_gpa = gpa;
	notified_len = len;
}

TEST(write_notify)
{
	struct guest_mem m;
	uint32_t v = 0x12345678;
	CHECK_EQ(mem_init(&m, 16 << 20), 0);
	m.on_write = on_write;
	CHECK_EQ(gpa_write(&m, 0x2000, &v, 4), 0);
	CHECK_EQ(notified_gpa, 0x2000);
	CHECK_EQ(notified_len, 4);
	CHECK(gpa_ptr_w(&m, 0x5000, 100) != NULL);
	CHECK_EQ(notified_gpa, 0x5000);
	CHECK_EQ(notified_len, 100);
	mem_destroy(&m);
}

TEST(zero)
{
	struct guest_mem m;
	static uint8_t rom[8192];
	uint8_t *p;
	CHECK_EQ(mem_init(&m, 16 << 20), 0);
	p = gpa_ptr(&m, 0x1000, 0x10000);
	memset(p, 0x5a, 0x10000);
	/* unaligned head and tail around whole pages */
	CHECK_EQ(gpa_zero(&m, 0x1003, 0x8000), 0);
	CHECK_EQ(p[2], 0x5a);
	for (int i = 3; i < 0x8003; i++)
		if (p[i]) { CHECK_EQ(p[i], 0); }
	CHECK_EQ(p[0x8003], 0x5a);
	/* spanning RAM into a ROM fails without touching anything */
	CHECK_EQ(mem_add_region(&m, 16 << 20, sizeof(rom), rom, MEM_F_READONLY), 0);
	p = gpa_ptr(&m, (16 << 20) - 16, 16);
	memset(p, 0x77, 16);
	CHECK_EQ(gpa_zero(&m, (16 << 20) - 16, 32), -EFAULT);
	CHECK_EQ(gpa_zero(&m, (16 << 20) - 16, ~0ULL), -EFAULT);
	mem_destroy(&m);
}

TEST(too_small)
{
	struct guest_mem m;
	CHECK_EQ(mem_init(&m, 4096), -EINVAL);
}

TEST_MAIN_BEGIN("mem")
	RUN(layout_small);
	RUN(layout_above_4g);
	RUN(overflow);
	RUN(copy_across_regions);
	RUN(write_notify);
	RUN(zero);
	RUN(too_small);
TEST_MAIN_END()

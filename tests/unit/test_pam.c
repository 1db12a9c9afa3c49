/*
 * i440FX PAM shadowing (dev/pam.c) on a real guest_mem: register decoding,
 * what reads and writes reach in each RE/WE state through the checked
 * accessors (as engines and devices see memory) and through the MMIO
 * fallback, the map generation, and hostile register values and offsets.
 */
#include "test.h"
#include "core/mem.h"
#include "dev/pam.h"
#include "layout.h"

#include <errno.h>

static struct guest_mem m;
static struct pam p;
static uint8_t rom[0x20000];	/* 128 KiB: 0xe0000-0xfffff */

static void setup(void)
{
	for (unsigned i = 0; i < sizeof(rom); i++)
		rom[i] = (uint8_t)(0xa0 ^ (i >> 12));
	mem_init(&m, 32 << 20);
	pam_init(&p, &m, rom, sizeof(rom));
}

static void teardown(void)
{
	mem_destroy(&m);
}

static uint8_t rd(uint64_t gpa)
{
	uint8_t b = 0x5a;
	if (gpa_read(&m, gpa, &b, 1))
		return (uint8_t)pam_mmio_ops.read(&p, gpa - PAM_START, 1);
	return b;
}

/* A CPU write: memory if a writable region takes it, else the MMIO fallback. */
static void wr(uint64_t gpa, uint8_t v)
{
	const struct mem_region *r = mem_find(&m, gpa);
	/* Read-only regions: emu drops the write, KVM exits to MMIO: same result. */
	if (r && !(r->flags & MEM_F_READONLY))
		gpa_write(&m, gpa, &v, 1);
	else
		pam_mmio_ops.write(&p, gpa - PAM_START, 1, v);
}

TEST(decode)
{
	uint8_t regs[7] = { 0x30, 0x21, 0x00, 0x00, 0x00, 0x00, 0x13 };
	CHECK_EQ(pam_decode(regs, 0), 3);		/* 0xf0000 from PAM0[5:4] */
	CHECK_EQ(pam_decode(regs, 1), 1);		/* 0xc0000 PAM1[1:0] */
	CHECK_EQ(pam_decode(regs, 2), 2);		/* 0xc4000 PAM1[5:4] */
	CHECK_EQ(pam_decode(regs, 11), 3);		/* 0xe8000 PAM6[1:0] */
	CHECK_EQ(pam_decode(regs, 12), 1);		/* 0xec000 PAM6[5:4] */
	CHECK_EQ(pam_decode(regs, 13), 0);		/* out of range */
	CHECK_EQ(pam_decode(regs, 1000), 0);
	CHECK_EQ(pam_seg_base(0), 0xf0000);
	CHECK_EQ(pam_seg_size(0), 0x10000);
	CHECK_EQ(pam_seg_base(1), 0xc0000);
	CHECK_EQ(pam_seg_base(12), 0xec000);
	CHECK_EQ(pam_seg_size(12), 0x4000);
	/* PAM0's low nibble is reserved: no segment reads it */
	uint8_t r2[7] = { 0x0f, 0, 0, 0, 0, 0, 0 };
	for (unsigned i = 0; i < PAM_NR_SEGS; i++)
		CHECK_EQ(pam_decode(r2, i), 0);
}

TEST(reset_state_reads_rom)
{
	setup();
	CHECK(p.mem == &m);
	/* flash decodes 0xe0000-0xfffff; nothing at 0xc0000-0xdffff */
	CHECK_EQ(rd(0xffff0), rom[0x1fff0]);
	CHECK_EQ(rd(0xe0000), rom[0]);
	CHECK_EQ(rd(0xc0000), 0xff);
	CHECK_EQ(rd(0xdffff), 0xff);
	/* writes vanish: the flash is read-only, RAM behind it not written */
	wr(0xf0000, 0x11);
	wr(0xc1000, 0x22);
	CHECK_EQ(rd(0xf0000), rom[0x10000]);
	CHECK_EQ(m.low_host[0xf0000], 0);
	CHECK_EQ(m.low_host[0xc1000], 0);
	/* the rest of RAM is untouched by the split */
	CHECK(mem_find(&m, 0x9ffff) != NULL);
	CHECK(mem_find(&m, 0x100000) != NULL);
	CHECK_EQ(mem_find(&m, 0x100000)->host, m.low_host + 0x100000);
	teardown();
}

TEST(shadow_sequence_as_seabios)
{
	uint8_t regs[7] = { 0 };
	unsigned gen;
	setup();
	/* enable RAM read/write everywhere, copy the BIOS, then write-protect */
	regs[0] = 0x30;
	for (int i = 1; i < 7; i++)
		regs[i] = 0x33;
	gen = m.gen;
	pam_update(&p, regs);
	CHECK(m.gen != gen);		/* engines see the change */
	CHECK_EQ(rd(0xf0000), 0);	/* fresh RAM */
	for (unsigned i = 0; i < 0x20000; i += 0x1000)
		wr(0xe0000 + i, rom[i]);
	wr(0xc0000, 0x77);
	CHECK_EQ(rd(0xe0000), rom[0]);
	CHECK_EQ(rd(0xc0000), 0x77);
	regs[0] = 0x10;			/* F segment read-only */
	pam_update(&p, regs);
	wr(0xf0000, 0x99);
	CHECK_EQ(rd(0xf0000), rom[0x10000]);
	CHECK(gpa_ptr_w(&m, 0xf0000, 1) == NULL);
	CHECK(gpa_ptr(&m, 0xf0000, 0x10000) != NULL);
	/* unchanged registers: no map change */
	gen = m.gen;
	pam_update(&p, regs);
	CHECK_EQ(m.gen, gen);
	/* reset (all zero): the flash again, RAM contents kept behind it */
	memset(regs, 0, sizeof(regs));
	pam_update(&p, regs);
	CHECK_EQ(rd(0xc0000), 0xff);
	CHECK_EQ(m.low_host[0xc0000], 0x77);
	CHECK_EQ(rd(0xf0000), rom[0x10000]);
	teardown();
}

TEST(write_only_shadow)
{
	uint8_t regs[7] = { 0x20, 0x02, 0, 0, 0, 0, 0 };	/* WE only: F segment, 0xc0000 */
	setup();
	pam_update(&p, regs);
	CHECK(mem_find(&m, 0xf0000) == NULL);
	wr(0xf1234, 0x5c);
	CHECK_EQ(m.low_host[0xf1234], 0x5c);	/* the write reached RAM */
	CHECK_EQ(rd(0xf1234), rom[0x11234]);	/* reads still come from the flash */
	wr(0xc0010, 0x42);
	CHECK_EQ(m.low_host[0xc0010], 0x42);
	CHECK_EQ(rd(0xc0010), 0xff);
	/* read-only RAM drops writes, also through the MMIO path (KVM read-only slots exit there) */
	regs[1] = 0x01;
	pam_update(&p, regs);
	CHECK_EQ(rd(0xc0010), 0x42);
	pam_mmio_ops.write(&p, 0x10, 1, 0x43);
	CHECK_EQ(m.low_host[0xc0010], 0x42);
	teardown();
}

TEST(hostile_offsets_and_widths)
{
	uint8_t regs[7] = { 0x20, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22 };
	setup();
	pam_update(&p, regs);
	/* past the window: all ones, writes ignored, no out-of-bounds access */
	CHECK_EQ(pam_mmio_ops.read(&p, PAM_END - PAM_START, 1), 0xff);
	CHECK_EQ(pam_mmio_ops.read(&p, ~0ULL - 2, 8), ~0ULL);
	pam_mmio_ops.write(&p, PAM_END - PAM_START, 8, ~0ULL);
	pam_mmio_ops.write(&p, ~0ULL - 2, 8, ~0ULL);
	CHECK_EQ(m.low_host[PAM_END], 0);
	/* an 8-byte access straddling the end only touches the window */
	pam_mmio_ops.write(&p, PAM_END - PAM_START - 4, 8, 0x1122334455667788ULL);
	CHECK_EQ(m.low_host[PAM_END - 1], 0x55);
	CHECK_EQ(m.low_host[PAM_END], 0);
	/* a width above 8 is cut to 8 */
	CHECK_EQ(pam_mmio_ops.read(&p, 0x10000, 16) & 0xff, 0xff);
	/* reserved bits set: only RE/WE count */
	uint8_t junk[7] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	pam_update(&p, junk);
	for (unsigned i = 0; i < PAM_NR_SEGS; i++)
		CHECK(mem_find(&m, pam_seg_base(i)) != NULL);
	teardown();
}

TEST(init_errors)
{
	struct guest_mem m2;
	struct pam p2;
	CHECK_EQ(mem_init(&m2, 32 << 20), 0);
	CHECK_EQ(pam_init(&p2, &m2, rom, 0x30000), -EINVAL);	/* > 128 KiB */
	CHECK_EQ(pam_init(&p2, &m2, rom, 0x8000), -EINVAL);	/* not 64 KiB units */
	CHECK_EQ(pam_init(&p2, &m2, rom, 0x10000), 0);		/* 64 KiB: F segment only */
	CHECK_EQ(pam_init(&p2, &m2, rom, 0x10000), -EINVAL);	/* already split */
	mem_destroy(&m2);
	CHECK_EQ(mem_init(&m2, 32 << 20), 0);
	CHECK_EQ(pam_init(&p2, &m2, rom, 0x10000), 0);
	/* 0xe0000 has no flash behind it with a 64 KiB image */
	CHECK(mem_find(&m2, 0xe0000) == NULL);
	CHECK_EQ(pam_mmio_ops.read(&p2, 0x20000, 1), 0xff);
	CHECK(mem_find(&m2, 0xf0000) != NULL);
	mem_destroy(&m2);
}

TEST_MAIN_BEGIN("pam")
	RUN(decode);
	RUN(reset_state_reads_rom);
	RUN(shadow_sequence_as_seabios);
	RUN(write_only_shadow);
	RUN(hostile_offsets_and_widths);
	RUN(init_errors);
TEST_MAIN_END()

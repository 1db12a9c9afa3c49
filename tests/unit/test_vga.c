/*
 * std-vga: PCI function and BARs, VGA register semantics, planar write and
 * read modes, chain-4 and odd/even paths, the Bochs VBE interface with
 * hostile values, and what render()/text() show.
 */
#include "test.h"

#include <errno.h>

#include "core/mem.h"
#include "dev/pci.h"
#include "dev/vga.h"

static void outb(struct vga *v, unsigned port, uint8_t val)
{
	vga_port_ops.write(v, port - VGA_PORT_BASE, 1, val);
}

static void outw(struct vga *v, unsigned port, uint16_t val)
{
	vga_port_ops.write(v, port - VGA_PORT_BASE, 2, val);
}

static uint8_t inb(struct vga *v, unsigned port)
{
	return (uint8_t)vga_port_ops.read(v, port - VGA_PORT_BASE, 1);
}

static void mw(struct vga *v, uint32_t addr, uint8_t val)
{
	vga_mem_ops.write(v, addr - VGA_MEM_BASE, 1, val);
}

static uint8_t mr(struct vga *v, uint32_t addr)
{
	return (uint8_t)vga_mem_ops.read(v, addr - VGA_MEM_BASE, 1);
}

static void vbe(struct vga *v, unsigned idx, uint16_t val)
{
	vga_vbe_ops.write(v, 0, 2, idx);
	vga_vbe_ops.write(v, 1, 2, val);
}

static uint16_t vbe_get(struct vga *v, unsigned idx)
{
	vga_vbe_ops.write(v, 0, 2, idx);
	return (uint16_t)vga_vbe_ops.read(v, 1, 2);
}

static void seq(struct vga *v, unsigned i, uint8_t val) { outb(v, 0x3c4, i); outb(v, 0x3c5, val); }
static void gc(struct vga *v, unsigned i, uint8_t val) { outb(v, 0x3ce, i); outb(v, 0x3cf, val); }

/* Planar access to the whole 64 KiB window at 0xa0000, as a BIOS loads fonts. */
static void planar_mode(struct vga *v, uint8_t map_mask)
{
	seq(v, 2, map_mask);
	seq(v, 4, 0x06);		/* sequential (odd/even off), extended memory */
	gc(v, 5, 0x00);			/* write mode 0, read mode 0, no odd/even */
	gc(v, 6, 0x04);			/* graphics off, 0xa0000 64 KiB */
	gc(v, 1, 0x00);
	gc(v, 3, 0x00);
	gc(v, 8, 0xff);
}

TEST(pci_ids_bars_and_lfb_mapping)
{
	struct guest_mem mem;
	uint8_t rom[5000];
	struct vga *v;

	CHECK_EQ(mem_init(&mem, 64 << 20), 0);
	for (unsigned i = 0; i < sizeof(rom); i++)
		rom[i] = (uint8_t)(i * 7);
	rom[0] = 0x55;
	rom[1] = 0xaa;
	v = vga_new(&mem, NULL, rom, sizeof(rom));
	CHECK(v);
	CHECK_EQ(pci_cfg_read(&v->pci, PCI_VENDOR_ID, 4), 0x11111234);
	CHECK_EQ(pci_cfg_read(&v->pci, PCI_REVISION_ID, 4) >> 8, 0x030000);
	pci_cfg_write(&v->pci, PCI_BAR0, 4, 0xffffffff);
	CHECK_EQ(pci_cfg_read(&v->pci, PCI_BAR0, 4), 0xff000008);	/* 16 MiB, prefetchable */
	pci_cfg_write(&v->pci, PCI_BAR0 + 8, 4, 0xffffffff);
	CHECK_EQ(pci_cfg_read(&v->pci, PCI_BAR0 + 8, 4), 0xfffff000);	/* 4 KiB MMIO */
	pci_cfg_write(&v->pci, PCI_ROM_ADDRESS, 4, 0xffffffff);
	CHECK_EQ(pci_cfg_read(&v->pci, PCI_ROM_ADDRESS, 4), 0xffffe001);	/* 8 KiB ROM */

	/* Placed and enabled: the framebuffer is guest memory backed by vram. */
	pci_cfg_write(&v->pci, PCI_BAR0, 4, 0xe0000000);
	CHECK(!gpa_ptr(&mem, 0xe0000000, 1));			/* memory decode still off */
	pci_cfg_write(&v->pci, PCI_COMMAND, 2, PCI_COMMAND_MEMORY);
	CHECK(gpa_ptr(&mem, 0xe0000000, 1) == v->vram);
	CHECK(gpa_ptr(&mem, 0xe0000000 + VGA_VRAM_SIZE - 4, 4) == v->vram + VGA_VRAM_SIZE - 4);
	/* The ROM BAR decodes only with its enable bit; reads the image, ignores writes. */
	pci_cfg_write(&v->pci, PCI_ROM_ADDRESS, 4, 0xe1000000);
	CHECK(!gpa_ptr(&mem, 0xe1000000, 1));
	pci_cfg_write(&v->pci, PCI_ROM_ADDRESS, 4, 0xe1000001);
	uint8_t buf[4] = { 0 };
	CHECK_EQ(gpa_read(&mem, 0xe1000000, buf, 4), 0);
	CHECK_EQ(buf[0], 0x55);
	CHECK_EQ(buf[1], 0xaa);
	CHECK_EQ(buf[3], 21);
	gpa_write(&mem, 0xe1000000, "\0", 1);
	CHECK_EQ(gpa_read(&mem, 0xe1000000, buf, 1), 0);
	CHECK_EQ(buf[0], 0x55);
	CHECK(!gpa_ptr_w(&mem, 0xe1000000, 1));
	/* Moving the BAR moves the region; disabling memory removes both. */
	pci_cfg_write(&v->pci, PCI_BAR0, 4, 0xd0000000);
	CHECK(!gpa_ptr(&mem, 0xe0000000, 1));
	CHECK(gpa_ptr(&mem, 0xd0000000, 1) == v->vram);
	/* A BAR over RAM is refused by the memory map and not mapped. */
	pci_cfg_write(&v->pci, PCI_BAR0, 4, 0x01000000);
	CHECK(gpa_ptr(&mem, 0x01000000, 1) != v->vram);
	pci_cfg_write(&v->pci, PCI_BAR0, 4, 0xd0000000);
	CHECK(gpa_ptr(&mem, 0xd0000000, 1) == v->vram);
	pci_cfg_write(&v->pci, PCI_COMMAND, 2, 0);
	CHECK(!gpa_ptr(&mem, 0xd0000000, 1));
	CHECK(!gpa_ptr(&mem, 0xe1000000, 1));
	pci_cfg_write(&v->pci, PCI_COMMAND, 2, PCI_COMMAND_MEMORY);
	CHECK(gpa_ptr(&mem, 0xd0000000, 1) == v->vram);
	vga_free(v);
	CHECK(!gpa_ptr(&mem, 0xd0000000, 1));
	CHECK(!gpa_ptr(&mem, 0xe1000000, 1));
	mem_destroy(&mem);
}

TEST(register_semantics)
{
	struct vga *v = vga_new(NULL, NULL, NULL, 0);
	CHECK(v);
	/* index/data with masks; a word write is index then data */
	outw(v, 0x3c4, 0xff02);
	CHECK_EQ(inb(v, 0x3c4), 2);
	CHECK_EQ(inb(v, 0x3c5), 0x0f);
	outw(v, 0x3ce, 0xff05);
	CHECK_EQ(inb(v, 0x3cf), 0x7b);
	outb(v, 0x3c2, 0x67);
	CHECK_EQ(inb(v, 0x3cc), 0x67);
	/* colour: CRTC at 0x3d4; the mono ports are not decoded */
	outw(v, 0x3d4, 0x120e);
	CHECK_EQ(inb(v, 0x3d5), 0x12);
	CHECK_EQ(inb(v, 0x3b5), 0xff);
	outb(v, 0x3c2, 0x66);
	CHECK_EQ(inb(v, 0x3d5), 0xff);
	outw(v, 0x3b4, 0x340e);
	CHECK_EQ(inb(v, 0x3b5), 0x34);
	outb(v, 0x3c2, 0x67);
	/* CRTC 11h bit 7 write-protects 00h-07h except 07h bit 4 */
	outw(v, 0x3d4, 0x5501);
	outw(v, 0x3d4, 0x8011);
	outw(v, 0x3d4, 0xaa01);
	outb(v, 0x3d4, 0x01);
	CHECK_EQ(inb(v, 0x3d5), 0x55);
	outw(v, 0x3d4, 0xff07);
	outb(v, 0x3d4, 0x07);
	CHECK_EQ(inb(v, 0x3d5), 0x10);
	outb(v, 0x3d4, 0x3f);			/* out-of-range index */
	outb(v, 0x3d5, 0x99);
	CHECK_EQ(inb(v, 0x3d5), 0xff);
	/* attribute controller: a 0x3da read resets the flip-flop to index */
	outb(v, 0x3c0, 0x05);
	inb(v, 0x3da);
	outb(v, 0x3c0, 0x03);			/* index 3 */
	outb(v, 0x3c0, 0x2a);			/* data */
	outb(v, 0x3c0, 0x23);			/* index 3, palette source on */
	CHECK_EQ(inb(v, 0x3c0), 0x23);
	CHECK_EQ(inb(v, 0x3c1), 0x2a);
	/* input status 1 toggles retrace so polling loops finish */
	uint8_t a = inb(v, 0x3da), b = inb(v, 0x3da);
	CHECK_EQ((a ^ b) & 0x08, 0x08);
	/* DAC: index auto-increments after three 6-bit components */
	outb(v, 0x3c8, 0x10);
	for (int i = 0; i < 6; i++)
		outb(v, 0x3c9, (uint8_t)(0xc0 | (i * 9)));
	CHECK_EQ(inb(v, 0x3c8), 0x12);
	outb(v, 0x3c7, 0x11);
	CHECK_EQ(inb(v, 0x3c7), 3);
	CHECK_EQ(inb(v, 0x3c9), 27);
	CHECK_EQ(inb(v, 0x3c9), 36);
	CHECK_EQ(inb(v, 0x3c9), 45);
	/* BAR 2: ports 0x3c0-0x3df at 0x400, DISPI register i at 0x500 + 2 i */
	vga_mmio_ops.write(v, 0x400 + 4, 2, 0x0302);	/* 0x3c4/0x3c5: map mask 3 */
	CHECK_EQ(inb(v, 0x3c5), 0x03);
	CHECK_EQ(vga_mmio_ops.read(v, 0x405, 1), 0x03);
	vga_mmio_ops.write(v, 0x500 + 2 * VBE_XRES, 2, 800);
	CHECK_EQ(vbe_get(v, VBE_XRES), 800);
	CHECK_EQ(vga_mmio_ops.read(v, 0x500 + 2 * VBE_ID, 2), VBE_ID5);
	CHECK_EQ(vga_mmio_ops.read(v, 0x500 + 2 * VBE_NR_REGS, 2), 0);
	CHECK_EQ(vga_mmio_ops.read(v, 0xffe, 2), 0);
	vga_free(v);
}

TEST(planar_write_and_read_modes)
{
	struct vga *v = vga_new(NULL, NULL, NULL, 0);
	CHECK(v);
	planar_mode(v, 0x0f);
	/* mode 0: the byte to all planes */
	mw(v, 0xa0010, 0x5a);
	for (int p = 0; p < 4; p++) {
		gc(v, 4, (uint8_t)p);
		CHECK_EQ(mr(v, 0xa0010), 0x5a);
	}
	/* map mask: only planes 1 and 3 */
	seq(v, 2, 0x0a);
	mw(v, 0xa0010, 0x11);
	seq(v, 2, 0x0f);
	gc(v, 4, 0);
	CHECK_EQ(mr(v, 0xa0010), 0x5a);
	gc(v, 4, 3);
	CHECK_EQ(mr(v, 0xa0010), 0x11);
	/* set/reset on planes 0-1 (value 01b), rotate 4, bit mask 0xf0 */
	mr(v, 0xa0010);				/* latches: 5a 11 5a 11 */
	gc(v, 0, 0x01);
	gc(v, 1, 0x03);
	gc(v, 3, 0x04);
	gc(v, 8, 0xf0);
	mw(v, 0xa0010, 0x3c);			/* rotated: 0xc3 */
	static const uint8_t want0[4] = { 0xfa, 0x01, 0xca, 0xc1 };
	for (int p = 0; p < 4; p++) {
		gc(v, 4, (uint8_t)p);
		CHECK_EQ(mr(v, 0xa0010), want0[p]);
	}
	/* logical op XOR with the latches, set/reset off, no rotate */
	gc(v, 1, 0);
	gc(v, 3, 0x18);
	gc(v, 8, 0xff);
	gc(v, 4, 0);
	mr(v, 0xa0010);
	mw(v, 0xa0010, 0xff);
	static const uint8_t want_x[4] = { 0x05, 0xfe, 0x35, 0x3e };
	for (int p = 0; p < 4; p++) {
		gc(v, 4, (uint8_t)p);
		CHECK_EQ(mr(v, 0xa0010), want_x[p]);
	}
	/* mode 1: copy the latches to another address */
	gc(v, 3, 0);
	mr(v, 0xa0010);
	gc(v, 5, 0x01);
	mw(v, 0xa0020, 0x00);
	gc(v, 5, 0x00);
	for (int p = 0; p < 4; p++) {
		gc(v, 4, (uint8_t)p);
		CHECK_EQ(mr(v, 0xa0020), want_x[p]);
	}
	/* mode 2: colour 0101b through bit mask 0x0f */
	gc(v, 5, 0x02);
	gc(v, 8, 0x0f);
	mr(v, 0xa0020);
	mw(v, 0xa0020, 0x05);
	gc(v, 5, 0x00);
	static const uint8_t want2[4] = { 0x0f, 0xf0, 0x3f, 0x30 };
	for (int p = 0; p < 4; p++) {
		gc(v, 4, (uint8_t)p);
		CHECK_EQ(mr(v, 0xa0020), want2[p]);
	}
	/* mode 3: set/reset colour 1010b, data AND bit mask as the mask */
	gc(v, 5, 0x03);
	gc(v, 0, 0x0a);
	gc(v, 8, 0xff);
	mr(v, 0xa0020);
	mw(v, 0xa0020, 0x81);
	gc(v, 5, 0x00);
	static const uint8_t want3[4] = { 0x0e, 0xf1, 0x3e, 0xb1 };
	for (int p = 0; p < 4; p++) {
		gc(v, 4, (uint8_t)p);
		CHECK_EQ(mr(v, 0xa0020), want3[p]);
	}
	/* read mode 1: colour compare 1010b, all planes cared for */
	gc(v, 5, 0x08);
	gc(v, 2, 0x0a);
	gc(v, 7, 0x0f);
	CHECK_EQ(mr(v, 0xa0020), 0x81);
	gc(v, 7, 0x00);				/* nothing cared for: all match */
	CHECK_EQ(mr(v, 0xa0020), 0xff);
	vga_free(v);
}

TEST(chain4_and_odd_even)
{
	struct vga *v = vga_new(NULL, NULL, NULL, 0);
	CHECK(v);
	seq(v, 2, 0x0f);
	seq(v, 4, 0x0e);			/* chain-4 */
	gc(v, 6, 0x05);
	gc(v, 5, 0x40);
	for (unsigned i = 0; i < 8; i++)
		mw(v, 0xa0000 + i, (uint8_t)(0x10 + i));
	CHECK_EQ(mr(v, 0xa0005), 0x15);
	CHECK_EQ(v->vram[5], 0x15);
	/* map mask applies to the plane a chain-4 byte falls in */
	seq(v, 2, 0x0e);
	mw(v, 0xa0004, 0x99);
	CHECK_EQ(mr(v, 0xa0004), 0x14);
	/* odd/even text memory at 0xb8000 */
	seq(v, 2, 0x03);
	seq(v, 4, 0x02);
	gc(v, 5, 0x10);
	gc(v, 6, 0x0e);
	mw(v, 0xb8000, 'A');
	mw(v, 0xb8001, 0x1f);
	mw(v, 0xb8002, 'B');
	CHECK_EQ(mr(v, 0xb8000), 'A');
	CHECK_EQ(mr(v, 0xb8001), 0x1f);
	CHECK_EQ(mr(v, 0xb8002), 'B');
	CHECK_EQ(mr(v, 0xa0000), 0xff);		/* outside the selected map */
	mw(v, 0xa0000, 0x77);			/* dropped */
	gc(v, 6, 0x02);
	gc(v, 4, 0x00);
	vga_free(v);
}

TEST(vbe_registers_and_hostile_values)
{
	struct vga *v = vga_new(NULL, NULL, NULL, 0);
	struct vbe_geom g;
	CHECK(v);
	CHECK_EQ(vbe_get(v, VBE_ID), VBE_ID5);
	vbe(v, VBE_ID, 0x1234);
	CHECK_EQ(vbe_get(v, VBE_ID), VBE_ID5);
	vbe(v, VBE_ID, VBE_ID0 + 2);
	CHECK_EQ(vbe_get(v, VBE_ID), VBE_ID0 + 2);
	CHECK_EQ(vbe_get(v, VBE_VIDEO_MEMORY_64K), 256);
	vbe(v, VBE_ENABLE, VBE_GETCAPS);
	CHECK_EQ(vbe_get(v, VBE_XRES), VBE_MAX_XRES);
	CHECK_EQ(vbe_get(v, VBE_BPP), 32);
	vbe(v, VBE_ENABLE, 0);
	CHECK(!vga_vbe_geom(v, &g));

	vbe(v, VBE_XRES, 640);
	vbe(v, VBE_YRES, 480);
	vbe(v, VBE_BPP, 32);
	memset(v->vram, 0xab, 640 * 4);
	vbe(v, VBE_ENABLE, VBE_ENABLED | VBE_LFB_ENABLED);
	CHECK(vga_vbe_geom(v, &g));
	CHECK_EQ(g.w, 640);
	CHECK_EQ(g.line, 2560);
	CHECK_EQ(v->vram[0], 0);			/* cleared on enable */
	CHECK_EQ(vbe_get(v, VBE_VIRT_WIDTH), 640);
	CHECK_EQ(vbe_get(v, VBE_VIRT_HEIGHT), VGA_VRAM_SIZE / 2560);

	/* Hostile geometry while enabled: clamped so the frame stays inside vram. */
	static const uint16_t bad[][2] = {
		{ VBE_XRES, 0xffff }, { VBE_YRES, 0xffff }, { VBE_BPP, 0xffff }, { VBE_BPP, 4 },
		{ VBE_VIRT_WIDTH, 0xffff }, { VBE_Y_OFFSET, 0xffff }, { VBE_X_OFFSET, 0xffff },
		{ VBE_XRES, 0 }, { VBE_YRES, 0 }, { VBE_BPP, 24 }, { VBE_XRES, 2560 },
		{ VBE_YRES, 1600 }, { VBE_BPP, 32 }, { VBE_Y_OFFSET, 0x8000 }, { VBE_X_OFFSET, 77 },
	};
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		vbe(v, bad[i][0], bad[i][1]);
		CHECK(vga_vbe_geom(v, &g));
		CHECK(g.w >= 8 && g.w <= VBE_MAX_XRES && g.h >= 1 && g.h <= VBE_MAX_YRES);
		CHECK((uint64_t)g.start + (uint64_t)(g.h - 1) * g.line + g.w * g.bytes <= VGA_VRAM_SIZE);
		struct fb fb = { 0 };
		vga_render(v, &fb);
		CHECK_EQ(fb.w, g.w);
		CHECK_EQ(fb.h, g.h);
		fb_free(&fb);
	}
	CHECK_EQ(vbe_get(v, VBE_BPP), 32);
	/* 2560x1600x32: 1638 whole lines fit in vram, so at most 38 lines of scrolling */
	CHECK_EQ(vbe_get(v, VBE_Y_OFFSET), 38);
	CHECK_EQ(vbe_get(v, VBE_X_OFFSET), 0);
	/* bank: masked to the 256 banks of 64 KiB; the window reaches that bank */
	vbe(v, VBE_BANK, 0xffff);
	CHECK_EQ(vbe_get(v, VBE_BANK), 0xff);
	mw(v, 0xaffff, 0x42);
	CHECK_EQ(v->vram[VGA_VRAM_SIZE - 1], 0x42);
	CHECK_EQ(mr(v, 0xaffff), 0x42);
	CHECK_EQ(mr(v, 0xb0000), 0xff);
	vbe(v, VBE_BANK, 3);
	mw(v, 0xa0001, 0x24);
	CHECK_EQ(v->vram[3 * 0x10000 + 1], 0x24);
	/* disabling drops back to VGA */
	vbe(v, VBE_ENABLE, 0);
	CHECK(!vga_vbe_geom(v, &g));
	CHECK_EQ(vbe_get(v, VBE_BANK), 0);
	/* enabling a hostile mode that was set while disabled */
	vbe(v, VBE_XRES, 60000);
	vbe(v, VBE_YRES, 60000);
	vbe(v, VBE_BPP, 33);
	vbe(v, VBE_ENABLE, VBE_ENABLED | VBE_NOCLEARMEM);
	CHECK(vga_vbe_geom(v, &g));
	CHECK_EQ(g.bpp, 8);
	CHECK_EQ(g.w, VBE_MAX_XRES);
	/* unknown registers and byte accesses are harmless */
	vbe(v, 0x7fff, 1);
	CHECK_EQ(vbe_get(v, 0x7fff), 0);
	vga_vbe_ops.write(v, 2, 1, 0xff);
	CHECK_EQ(vga_vbe_ops.read(v, 2, 1), 0xff);
	vga_free(v);
}

TEST(vbe_render_pixels)
{
	struct vga *v = vga_new(NULL, NULL, NULL, 0);
	struct fb fb = { 0 };
	CHECK(v);
	vbe(v, VBE_XRES, 64);
	vbe(v, VBE_YRES, 32);
	vbe(v, VBE_BPP, 32);
	vbe(v, VBE_ENABLE, VBE_ENABLED | VBE_LFB_ENABLED);
	uint32_t *p = (uint32_t *)v->vram;
	p[0] = 0x00123456;
	p[64 * 31 + 63] = 0x00abcdef;
	CHECK_EQ(vga_render(v, &fb), 1);
	CHECK_EQ(fb.w, 64);
	CHECK_EQ(fb.h, 32);
	CHECK_EQ(fb.px[0], 0x123456);
	CHECK_EQ(fb.px[64 * 32 - 1], 0xabcdef);
	CHECK_EQ(vga_render(v, &fb), 0);		/* nothing changed */
	p[5] = 0xffffff;
	CHECK_EQ(vga_render(v, &fb), 1);
	/* y offset scrolls by lines */
	vbe(v, VBE_Y_OFFSET, 1);
	vga_render(v, &fb);
	CHECK_EQ(fb.px[0], 0);
	CHECK_EQ(fb.px[64 * 30 + 63], 0xabcdef);
	/* 16 bpp 5:6:5, and 8 bpp through the (8-bit) DAC */
	vbe(v, VBE_ENABLE, 0);
	vbe(v, VBE_BPP, 16);
	vbe(v, VBE_ENABLE, VBE_ENABLED);
	v->vram[0] = 0x1f;
	v->vram[1] = 0xf8;				/* 0xf81f: red + blue */
	vga_render(v, &fb);
	CHECK_EQ(fb.px[0], 0xff00ff);
	vbe(v, VBE_ENABLE, 0);
	vbe(v, VBE_BPP, 8);
	vbe(v, VBE_ENABLE, VBE_ENABLED | VBE_8BIT_DAC);
	outb(v, 0x3c8, 7);
	outb(v, 0x3c9, 0x80);
	outb(v, 0x3c9, 0x40);
	outb(v, 0x3c9, 0xc0);
	v->vram[0] = 7;
	vga_render(v, &fb);
	CHECK_EQ(fb.px[0], 0x8040c0);
	fb_free(&fb);
	vga_free(v);
}

/* Mode 3 with a two-glyph font: 0x01 solid, 'A' a bar in its top row. */
static void text_screen(struct vga *v)
{
	vga_post_state(v);
	planar_mode(v, 0x04);
	for (unsigned y = 0; y < 32; y++) {
		mw(v, 0xa0000 + 0x01 * 32 + y, 0xff);
		mw(v, 0xa0000 + 'A' * 32 + y, y == 0 ? 0xff : 0x00);
	}
	vga_post_state(v);			/* registers back to mode 3; planes kept */
	v->ar_idx = 0x20;
	const char *l0 = "Hello, VGA";
	for (unsigned i = 0; l0[i]; i++) {
		mw(v, 0xb8000 + 2 * i, (uint8_t)l0[i]);
		mw(v, 0xb8001 + 2 * i, 0x1e);		/* yellow on blue */
	}
	mw(v, 0xb8000 + 160 * 2, 0x01);		/* row 2: solid block, then 'A' */
	mw(v, 0xb8001 + 160 * 2, 0x0c);		/* light red on black */
	mw(v, 0xb8002 + 160 * 2, 'A');
	mw(v, 0xb8003 + 160 * 2, 0x0a);
	mw(v, 0xb8004 + 160 * 2, 0xb3);		/* CP437 box drawing */
	mw(v, 0xb8000 + 160 * 24 + 158, '!');	/* last cell */
}

TEST(text_mode_text_and_pixels)
{
	struct vga *v = vga_new(NULL, NULL, NULL, 0);
	struct fb fb = { 0 };
	char buf[4096];
	CHECK(v);
	text_screen(v);
	int n = vga_text(v, buf, sizeof(buf));
	CHECK(n > 0);
	CHECK_EQ((size_t)n, strlen(buf));
	CHECK(!strncmp(buf, "Hello, VGA\n\n.A.\n", 16));
	int lines = 0;
	for (char *p = buf; *p; p++)
		lines += *p == '\n';
	CHECK_EQ(lines, 24);
	CHECK_EQ(buf[n - 1], '!');
	CHECK_EQ(n, 16 + 21 + 80);			/* 21 empty rows, then 80 cells */
	/* a short buffer: cut, still terminated */
	CHECK_EQ(vga_text(v, buf, 6), 5);
	CHECK_STR(buf, "Hello");

	CHECK_EQ(vga_render(v, &fb), 1);
	CHECK_EQ(fb.w, 720);
	CHECK_EQ(fb.h, 400);
	/* 'H' has no glyph: blue background */
	CHECK_EQ(fb.px[0], 0x0000aa);
	/* row 2 (y 32..47): solid block in light red, 9th column background */
	CHECK_EQ(fb.px[32 * 720 + 0], 0xff5555);
	CHECK_EQ(fb.px[47 * 720 + 7], 0xff5555);
	CHECK_EQ(fb.px[32 * 720 + 8], 0x000000);
	/* 'A': top scan line light green, second black */
	CHECK_EQ(fb.px[32 * 720 + 9], 0x55ff55);
	CHECK_EQ(fb.px[33 * 720 + 9], 0x000000);
	/* the cursor (lines 13-14 of cell 0) is drawn in the foreground */
	CHECK_EQ(fb.px[13 * 720 + 3], 0xffff55);
	CHECK_EQ(vga_render(v, &fb), 0);
	mw(v, 0xb8002, 0x01);			/* 'e' becomes a block */
	CHECK_EQ(vga_render(v, &fb), 1);
	CHECK_EQ(fb.px[5 * 720 + 9], 0xffff55);
	/* 8-dot clocking makes it 640 wide; the screen-off bit blanks it */
	seq(v, 1, 0x01);
	vga_render(v, &fb);
	CHECK_EQ(fb.w, 640);
	seq(v, 1, 0x21);
	vga_render(v, &fb);
	CHECK_EQ(fb.px[0], 0);
	/* graphics modes have no text */
	outb(v, 0x3c0, 0x30);
	outb(v, 0x3c0, 0x41);
	CHECK_EQ(vga_text(v, buf, sizeof(buf)), -1);
	fb_free(&fb);
	vga_free(v);
}

/*
 * A VGA BIOS's 8x16 font found by its first two glyphs and loaded into
 * plane 2 by vga_post_state; ROMs without one (or cut short) are refused.
 */
TEST(font_from_rom)
{
	static const uint8_t smiley[16] = { 0, 0, 0x7e, 0x81, 0xa5, 0x81, 0x81, 0xbd,
					    0x99, 0x81, 0x81, 0x7e, 0, 0, 0, 0 };
	size_t at = 1001, len = at + 256 * 16;
	uint8_t *rom = calloc(1, len + 64);
	struct vga *v = vga_new(NULL, NULL, NULL, 0);
	struct fb fb = { 0 };
	CHECK(rom && v);
	memset(rom, 0x5a, at);
	CHECK_EQ(vga_set_font_from_rom(v, rom, len), -ENOENT);	/* no font in it */
	memcpy(rom + at + 16, smiley, 16);
	for (unsigned row = 0; row < 16; row++)
		rom[at + 'E' * 16 + row] = (uint8_t)(row == 2 ? 0xfe : 0x80 >> (row & 7));
	CHECK_EQ(vga_set_font_from_rom(v, rom, len - 1), -ENOENT);	/* cut short */
	CHECK_EQ(vga_set_font_from_rom(NULL, NULL, 0), -ENOENT);
	CHECK_EQ(vga_set_font_from_rom(v, rom, len), 0);
	vga_post_state(v);
	CHECK_EQ(v->vram[4 * (32 * 1 + 2) + 2], 0x7e);
	CHECK_EQ(v->vram[4 * (32 * 'E' + 2) + 2], 0xfe);
	CHECK_EQ(v->vram[4 * (32 * 'E' + 16) + 2], 0);		/* rows 16-31 left blank */
	mw(v, 0xb8000, 'E');
	mw(v, 0xb8001, 0x07);
	CHECK_EQ(vga_render(v, &fb), 1);
	CHECK_EQ(fb.px[2 * 720 + 0], 0xaaaaaa);			/* the 0xfe row */
	CHECK_EQ(fb.px[2 * 720 + 7], 0x000000);
	CHECK_EQ(fb.px[3 * 720 + 3], 0xaaaaaa);			/* row 3: 0x10 */
	CHECK_EQ(fb.px[3 * 720 + 2], 0x000000);
	fb_free(&fb);
	vga_free(v);
	free(rom);
}

TEST(mode13h_render)
{
	struct vga *v = vga_new(NULL, NULL, NULL, 0);
	struct fb fb = { 0 };
	CHECK(v);
	vga_post_state(v);
	/* mode 13h as the BIOS tables set it */
	outb(v, 0x3c2, 0x63);
	seq(v, 1, 0x01);
	seq(v, 2, 0x0f);
	seq(v, 4, 0x0e);
	gc(v, 5, 0x40);
	gc(v, 6, 0x05);
	outw(v, 0x3d4, 0x0e11);			/* unprotect */
	outw(v, 0x3d4, 0x4f01);
	outw(v, 0x3d4, 0x4109);
	outw(v, 0x3d4, 0x8f12);
	outw(v, 0x3d4, 0x2813);
	outw(v, 0x3d4, 0x1f07);
	inb(v, 0x3da);
	outb(v, 0x3c0, 0x10);
	outb(v, 0x3c0, 0x41);
	outb(v, 0x3c0, 0x20);
	outb(v, 0x3c8, 0x20);
	outb(v, 0x3c9, 63);
	outb(v, 0x3c9, 0);
	outb(v, 0x3c9, 32);
	mw(v, 0xa0000 + 320 * 199 + 319, 0x20);
	mw(v, 0xa0000 + 1, 0x20);
	CHECK_EQ(vga_render(v, &fb), 1);
	CHECK_EQ(fb.w, 320);
	CHECK_EQ(fb.h, 200);
	CHECK_EQ(fb.px[1], 0xff0082);
	CHECK_EQ(fb.px[320 * 200 - 1], 0xff0082);
	CHECK_EQ(fb.px[2], 0);
	fb_free(&fb);
	vga_free(v);
}

TEST(planar16_render)
{
	struct vga *v = vga_new(NULL, NULL, NULL, 0);
	struct fb fb = { 0 };
	CHECK(v);
	vga_post_state(v);
	/* 640x480 16 colours (mode 12h) */
	outb(v, 0x3c2, 0xe3);
	seq(v, 1, 0x01);
	seq(v, 4, 0x06);
	gc(v, 5, 0x00);
	gc(v, 6, 0x05);
	outw(v, 0x3d4, 0x0e11);
	outw(v, 0x3d4, 0x4f01);
	outw(v, 0x3d4, 0x4009);
	outw(v, 0x3d4, 0xdf12);
	outw(v, 0x3d4, 0x3e07);			/* VDE bit 8: 479 */
	outw(v, 0x3d4, 0x2813);
	inb(v, 0x3da);
	outb(v, 0x3c0, 0x10);
	outb(v, 0x3c0, 0x01);
	outb(v, 0x3c0, 0x20);
	/* pixel 0 of row 1: colour 9 (light blue) via write mode 2 */
	seq(v, 2, 0x0f);
	gc(v, 5, 0x02);
	gc(v, 8, 0x80);
	mr(v, 0xa0000 + 80);
	mw(v, 0xa0000 + 80, 9);
	CHECK_EQ(vga_render(v, &fb), 1);
	CHECK_EQ(fb.w, 640);
	CHECK_EQ(fb.h, 480);
	CHECK_EQ(fb.px[640], 0x5555ff);
	CHECK_EQ(fb.px[641], 0);
	fb_free(&fb);
	vga_free(v);
}

/* Random register and memory traffic: rendering stays bounded and in range. */
TEST(hostile_register_soup)
{
	struct vga *v = vga_new(NULL, NULL, NULL, 0);
	struct fb fb = { 0 };
	char buf[256];
	uint32_t s = 12345;
	CHECK(v);
	for (int round = 0; round < 3000; round++) {
		s = s * 1103515245 + 12345;
		unsigned port = VGA_PORT_BASE + (s >> 8) % VGA_PORT_LEN;
		uint8_t val = (uint8_t)(s >> 20);
		switch ((s >> 28) % 5) {
		case 0: outb(v, port, val); break;
		case 1: inb(v, port); break;
		case 2: mw(v, VGA_MEM_BASE + (s >> 4) % VGA_MEM_LEN, val); break;
		case 3: vbe(v, (s >> 5) % 12, (uint16_t)(s >> 12)); break;
		default: vga_mmio_ops.write(v, (s >> 3) % 0x1000, 1 + (s & 1), val); break;
		}
		if (round % 100 == 0) {
			vga_render(v, &fb);
			CHECK(fb.w <= 2560 && fb.h <= 1600 && (fb.w == 0 || fb.h > 0));
			CHECK((size_t)fb.w * fb.h <= fb.cap || !fb.w);
			vga_text(v, buf, sizeof(buf));
			CHECK(strlen(buf) < sizeof(buf));
		}
	}
	fb_free(&fb);
	vga_free(v);
}

TEST_MAIN_BEGIN("vga")
	RUN(pci_ids_bars_and_lfb_mapping);
	RUN(register_semantics);
	RUN(planar_write_and_read_modes);
	RUN(chain4_and_odd_even);
	RUN(vbe_registers_and_hostile_values);
	RUN(vbe_render_pixels);
	RUN(text_mode_text_and_pixels);
	RUN(font_from_rom);
	RUN(mode13h_render);
	RUN(planar16_render);
	RUN(hostile_register_soup);
TEST_MAIN_END()

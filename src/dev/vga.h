/*
 * The PCI "std-vga" card (QEMU's vendor 1234 device 1111, class 0300): a
 * VGA core (registers at ports 0x3b0-0x3df, 256 KiB of planar memory behind
 * 0xa0000-0xbffff) with the Bochs VBE DISPI extension (ports 0x1ce/0x1cf).
 *
 * BAR 0: 16 MiB prefetchable linear framebuffer, host memory mapped into
 *        the guest (the VGA planes are its first 256 KiB, interleaved: byte
 *        4*offset + plane).
 * BAR 2: 4 KiB MMIO: VGA ports 0x3c0-0x3df at 0x400, DISPI registers at
 *        0x500 + 2*index.
 * ROM:   the VGA BIOS image given to vga_new (SeaVGABIOS under SeaBIOS).
 *
 * Every entry point runs with the device-model lock held.
 */
#ifndef HVM_DEV_VGA_H
#define HVM_DEV_VGA_H

#include <stddef.h>
#include <stdint.h>

#include "core/bus.h"
#include "core/display.h"
#include "dev/pci.h"

#define VGA_VENDOR		0x1234
#define VGA_DEVICE		0x1111
#define VGA_VRAM_SIZE		(16u << 20)
#define VGA_PLANE_SIZE		0x10000u	/* bytes per plane */
#define VGA_FONT_H		16		/* rows of the font vga_post_state loads */
#define VGA_LFB_BAR		0
#define VGA_MMIO_BAR		2
#define VGA_MMIO_SIZE		0x1000
#define VGA_MMIO_PORTS		0x400		/* ports 0x3c0-0x3df */
#define VGA_MMIO_DISPI		0x500		/* DISPI register i at 0x500 + 2 i */

#define VGA_PORT_BASE		0x3b0		/* vga_port_ops: 0x3b0-0x3df */
#define VGA_PORT_LEN		0x30
#define VGA_MEM_BASE		0xa0000		/* vga_mem_ops: the legacy window */
#define VGA_MEM_LEN		0x20000
#define VBE_PORT_BASE		0x1ce		/* vga_vbe_ops: index 0x1ce, data 0x1cf */
#define VBE_PORT_LEN		3

/* Bochs VBE DISPI registers */
enum {
	VBE_ID, VBE_XRES, VBE_YRES, VBE_BPP, VBE_ENABLE, VBE_BANK, VBE_VIRT_WIDTH,
	VBE_VIRT_HEIGHT, VBE_X_OFFSET, VBE_Y_OFFSET, VBE_VIDEO_MEMORY_64K, VBE_NR_REGS
};
#define VBE_ID0			0xb0c0
#define VBE_ID5			0xb0c5
#define VBE_ENABLED		0x01
#define VBE_GETCAPS		0x02
#define VBE_8BIT_DAC		0x20
#define VBE_LFB_ENABLED		0x40
#define VBE_NOCLEARMEM		0x80
#define VBE_MAX_XRES		2560
#define VBE_MAX_YRES		1600
#define VBE_MAX_BPP		32

struct guest_mem;

struct vga {
	struct pci_dev pci;
	struct guest_mem *mem;		/* where BAR 0 is mapped (NULL: not mapped) */
	struct bus *mmio;		/* where BAR 2 is mapped (NULL: not mapped) */
	uint8_t *vram;			/* VGA_VRAM_SIZE bytes */
	uint64_t lfb_addr;		/* BAR 0 region in mem, or PCI_BAR_UNMAPPED */
	uint64_t mmio_addr;		/* BAR 2 on mmio, or PCI_BAR_UNMAPPED */

	uint8_t misc;			/* miscellaneous output */
	uint8_t seq_idx, seq[8];	/* sequencer */
	uint8_t gc_idx, gc[16];		/* graphics controller */
	uint8_t crtc_idx, crtc[32];	/* CRT controller */
	uint8_t ar_idx, ar[32], ar_flip; /* attribute controller, flip-flop 1 = data */
	uint8_t dac_mask, dac_rd, dac_wr, dac_sub, dac_state, dac_tmp[3];
	uint8_t dac[768];		/* 6-bit (or 8-bit with VBE_8BIT_DAC) R, G, B */
	uint8_t st1, fcr;		/* input status 1, feature control */
	uint32_t latch;			/* planes 0-3 in bytes 0-3 */
	uint16_t vbe_idx, vbe[VBE_NR_REGS];
	uint8_t *font;			/* 256 8x16 glyphs vga_post_state loads (NULL: none) */

	/* The last rendered frame, to tell front ends whether it changed. */
	uint32_t *last;
	size_t last_cap;
	unsigned last_w, last_h;
	int last_valid;
};

/* Geometry of an enabled VBE mode, checked to lie inside vram. */
struct vbe_geom {
	unsigned w, h, bpp, bytes;	/* bytes per pixel (bpp 15 -> 2) */
	uint32_t line, start;		/* bytes per line, first visible byte */
};

/*
 * A card with its VGA BIOS (rom/romlen, copied; NULL: none).  mem and mmio
 * are where BAR 0 / BAR 2 / the ROM go when the guest places them (NULL in
 * tests).  The caller maps the port and legacy-memory ops and adds &v->pci to
 * a bus.  NULL on allocation failure.
 */
struct vga *vga_new(struct guest_mem *mem, struct bus *mmio, const void *rom, size_t romlen);
void vga_free(struct vga *v);
/*
 * What a BIOS leaves after setting mode 3 (80x25 colour text): the
 * registers, a blank screen and, once vga_set_font_from_rom found one, the
 * BIOS's 8x16 font in plane 2.
 */
void vga_post_state(struct vga *v);
/*
 * Finds the 8x16 code page 437 font in a VGA BIOS image (rom/romlen) and
 * keeps a copy for vga_post_state, so that direct kernel boots, which run
 * no VGA BIOS, still get readable text.  0, or -ENOENT / -ENOMEM.
 */
int vga_set_font_from_rom(struct vga *v, const void *rom, size_t romlen);
/* The render/text callbacks of a display source for this card. */
void vga_display_src(struct vga *v, struct display_src *src);

int vga_render(void *opaque, struct fb *fb);
int vga_text(void *opaque, char *buf, size_t len);

/* The enabled VBE mode's geometry: 1, or 0 when VBE is off (VGA modes). */
int vga_vbe_geom(const struct vga *v, struct vbe_geom *g);

extern const struct io_ops vga_port_ops;	/* at VGA_PORT_BASE */
extern const struct io_ops vga_vbe_ops;		/* at VBE_PORT_BASE */
extern const struct io_ops vga_mem_ops;		/* at VGA_MEM_BASE */
extern const struct io_ops vga_mmio_ops;	/* BAR 2 */

#endif

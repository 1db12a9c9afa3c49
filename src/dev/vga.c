/*
 * VGA registers and memory (IBM VGA technical reference; FreeVGA's register
 * descriptions), the Bochs VBE DISPI interface (Bochs vbe_display_api.txt)
 * and the PCI function of QEMU's std-vga.  Rendering is in vga_render.c.
 *
 * Memory model: plane p's byte at offset o is vram[4 o + p].  CPU accesses
 * to the legacy window take one of three paths (sequencer memory mode,
 * graphics mode register):
 *   chain-4   byte a is plane a & 3 at offset a >> 2 (vram[a]);
 *   odd/even  byte a is plane (a & 1) (| 2 from the map mask/read map) at
 *             offset a >> 1;
 *   planar    offset a in the planes the map mask enables, through the
 *             latches, write modes 0-3 and read modes 0-1.
 * The CRTC/renderer use the same addressing, so what is written is what is
 * shown.  (Real chips scatter chain-4 and odd/even bytes differently in the
 * planes; only software that mixes the paths could tell.)
 *
 * With VBE enabled the legacy window is a 64 KiB bank of the linear
 * framebuffer (bank register) and the VGA core is not displayed.
 *
 * Not emulated: light pen, vertical retrace interrupts, CGA/Hercules
 * addressing quirks, DAC pixel-mask effect on display.
 */
#include "dev/vga.h"
#include "core/log.h"
#include "core/mem.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/* Writable bits of each register (others read back as 0). */
static const uint8_t seq_mask[8] = { 0x03, 0x3d, 0x0f, 0x3f, 0x0e };
static const uint8_t gc_mask[16] = { 0x0f, 0x0f, 0x0f, 0x1f, 0x03, 0x7b, 0x0f, 0x0f, 0xff };
#define NR_CRTC		0x19
#define NR_AR		0x15
#define ST1_DISP	0x01
#define ST1_VRETRACE	0x08

static uint32_t expand4(unsigned bits)		/* bit p -> byte p all ones */
{
	uint32_t v = 0;
	for (int p = 0; p < 4; p++)
		if (bits & (1u << p))
			v |= 0xffu << (8 * p);
	return v;
}

static int vbe_on(const struct vga *v)
{
	return v->vbe[VBE_ENABLE] & VBE_ENABLED;
}

/* ---- memory ---- */

static uint32_t plane_get(const struct vga *v, uint32_t off)
{
	uint32_t x;
	memcpy(&x, v->vram + 4 * (off & (VGA_PLANE_SIZE - 1)), 4);
	return x;
}

static void plane_put(struct vga *v, uint32_t off, uint32_t val, uint32_t mask)
{
	uint8_t *p = v->vram + 4 * (off & (VGA_PLANE_SIZE - 1));
	uint32_t x;
	memcpy(&x, p, 4);
	x = (x & ~mask) | (val & mask);
	memcpy(p, &x, 4);
}

/* Window offset a (from 0xa0000) -> offset in the selected map, or -1. */
static int32_t window(const struct vga *v, uint32_t a)
{
	switch ((v->gc[6] >> 2) & 3) {
	case 0: return (int32_t)a;
	case 1: return a < 0x10000 ? (int32_t)a : -1;
	case 2: return a >= 0x10000 && a < 0x18000 ? (int32_t)(a - 0x10000) : -1;
	default: return a >= 0x18000 ? (int32_t)(a - 0x18000) : -1;
	}
}

static uint8_t mem_readb(struct vga *v, uint32_t a)
{
	int32_t o;

	if (vbe_on(v))
		return a < 0x10000 ? v->vram[((uint32_t)v->vbe[VBE_BANK] << 16) + a] : 0xff;
	if ((o = window(v, a)) < 0)
		return 0xff;
	if (v->seq[4] & 0x08)				/* chain-4 */
		return v->vram[o];
	if (v->gc[5] & 0x10) {				/* odd/even read */
		unsigned plane = (v->gc[4] & 2) | (o & 1);
		return v->vram[4 * (((uint32_t)o >> 1) & (VGA_PLANE_SIZE - 1)) + plane];
	}
	v->latch = plane_get(v, (uint32_t)o);
	if (!(v->gc[5] & 0x08))				/* read mode 0 */
		return (uint8_t)(v->latch >> (8 * (v->gc[4] & 3)));
	/* read mode 1: 1 where every plane in colour don't-care matches colour compare */
	uint32_t diff = (v->latch ^ expand4(v->gc[2])) & expand4(v->gc[7]);
	diff |= diff >> 16;
	diff |= diff >> 8;
	return (uint8_t)~diff;
}

static void mem_writeb(struct vga *v, uint32_t a, uint8_t val)
{
	uint32_t mask = expand4(v->seq[2] & 0x0f), x, bm;
	unsigned rot, op;
	int32_t o;

	if (vbe_on(v)) {
		if (a < 0x10000)
			v->vram[((uint32_t)v->vbe[VBE_BANK] << 16) + a] = val;
		return;
	}
	if ((o = window(v, a)) < 0)
		return;
	if (v->seq[4] & 0x08) {				/* chain-4 */
		if (v->seq[2] & (1u << (o & 3)))
			v->vram[o] = val;
		return;
	}
	if (!(v->seq[4] & 0x04)) {			/* odd/even write */
		mask &= (o & 1) ? 0xff00ff00u : 0x00ff00ffu;
		plane_put(v, (uint32_t)o >> 1, val * 0x01010101u, mask);
		return;
	}
	rot = v->gc[3] & 7;
	op = (v->gc[3] >> 3) & 3;
	bm = v->gc[8];
	switch (v->gc[5] & 3) {
	case 1:						/* latches as they are */
		plane_put(v, (uint32_t)o, v->latch, mask);
		return;
	case 2:
		x = expand4(val);
		break;
	case 3:
		val = (uint8_t)((val >> rot) | (val << (8 - rot)));
		bm &= val;
		x = expand4(v->gc[0]);
		break;
	default:
		val = (uint8_t)((val >> rot) | (val << (8 - rot)));
		x = val * 0x01010101u;
		/* set/reset replaces the data in the planes enable set/reset names */
		x = (x & ~expand4(v->gc[1])) | (expand4(v->gc[0]) & expand4(v->gc[1]));
		break;
	}
	switch (op) {
	case 1: x &= v->latch; break;
	case 2: x |= v->latch; break;
	case 3: x ^= v->latch; break;
	}
	bm *= 0x01010101u;
	x = (x & bm) | (v->latch & ~bm);
	plane_put(v, (uint32_t)o, x, mask);
}

static uint64_t mem_read(void *opaque, uint64_t off, unsigned size)
{
	uint64_t r = 0;
	for (unsigned i = 0; i < size && i < 8; i++)
		r |= (uint64_t)mem_readb(opaque, (uint32_t)((off + i) & (VGA_MEM_LEN - 1))) << (8 * i);
	return r;
}

static void mem_write(void *opaque, uint64_t off, unsigned size, uint64_t val)
{
	for (unsigned i = 0; i < size && i < 8; i++)
		mem_writeb(opaque, (uint32_t)((off + i) & (VGA_MEM_LEN - 1)), (uint8_t)(val >> (8 * i)));
}

/* ---- VBE DISPI ---- */

int vga_vbe_geom(const struct vga *v, struct vbe_geom *g)
{
	if (!vbe_on(v))
		return 0;
	g->w = v->vbe[VBE_XRES];
	g->h = v->vbe[VBE_YRES];
	g->bpp = v->vbe[VBE_BPP];
	g->bytes = (g->bpp + 7) / 8;
	g->line = (uint32_t)v->vbe[VBE_VIRT_WIDTH] * g->bytes;
	g->start = v->vbe[VBE_Y_OFFSET] * g->line + v->vbe[VBE_X_OFFSET] * g->bytes;
	/* vbe_fixup keeps this true; checked again because vram reads depend on it. */
	if (!g->w || !g->h || g->w > VBE_MAX_XRES || g->h > VBE_MAX_YRES || g->line < g->w * g->bytes ||
	    (uint64_t)g->start + (uint64_t)(g->h - 1) * g->line + g->w * g->bytes > VGA_VRAM_SIZE)
		return 0;
	return 1;
}

static unsigned valid_bpp(unsigned bpp)
{
	return bpp == 8 || bpp == 15 || bpp == 16 || bpp == 24 || bpp == 32 ? bpp : 8;
}

/* Make the enabled mode's registers consistent and keep it inside vram. */
static void vbe_fixup(struct vga *v)
{
	uint16_t *r = v->vbe;
	unsigned bpp = valid_bpp(r[VBE_BPP]), bytes = (bpp + 7) / 8;
	unsigned w = r[VBE_XRES], h = r[VBE_YRES], vw = r[VBE_VIRT_WIDTH], line, vh;

	w = w < 8 ? 8 : w > VBE_MAX_XRES ? VBE_MAX_XRES : w;
	h = h < 1 ? 1 : h > VBE_MAX_YRES ? VBE_MAX_YRES : h;
	if (vw < w || (uint64_t)vw * bytes * h > VGA_VRAM_SIZE)
		vw = w;
	line = vw * bytes;
	if ((uint64_t)line * h > VGA_VRAM_SIZE)		/* 2560 x 1600 x 32 still fits */
		h = VGA_VRAM_SIZE / line;
	vh = VGA_VRAM_SIZE / line;
	r[VBE_BPP] = (uint16_t)bpp;
	r[VBE_XRES] = (uint16_t)w;
	r[VBE_YRES] = (uint16_t)h;
	r[VBE_VIRT_WIDTH] = (uint16_t)vw;
	r[VBE_VIRT_HEIGHT] = (uint16_t)(vh > 0xffff ? 0xffff : vh);
	if (r[VBE_X_OFFSET] > vw - w)
		r[VBE_X_OFFSET] = (uint16_t)(vw - w);
	if (r[VBE_Y_OFFSET] > vh - h)
		r[VBE_Y_OFFSET] = (uint16_t)(vh - h);
}

static uint16_t vbe_read(struct vga *v, unsigned idx)
{
	if (idx >= VBE_NR_REGS)
		return 0;
	if (v->vbe[VBE_ENABLE] & VBE_GETCAPS) {
		if (idx == VBE_XRES)
			return VBE_MAX_XRES;
		if (idx == VBE_YRES)
			return VBE_MAX_YRES;
		if (idx == VBE_BPP)
			return VBE_MAX_BPP;
	}
	return v->vbe[idx];
}

static void vbe_write(struct vga *v, unsigned idx, uint16_t val)
{
	uint16_t *r = v->vbe;

	switch (idx) {
	case VBE_ID:
		if (val >= VBE_ID0 && val <= VBE_ID5)
			r[VBE_ID] = val;
		return;
	case VBE_XRES: case VBE_YRES: case VBE_BPP: case VBE_VIRT_WIDTH:
	case VBE_X_OFFSET: case VBE_Y_OFFSET:
		r[idx] = val;
		if (vbe_on(v))
			vbe_fixup(v);
		return;
	case VBE_BANK:
		r[VBE_BANK] = val & (VGA_VRAM_SIZE / 0x10000 - 1);
		return;
	case VBE_ENABLE:
		val &= VBE_ENABLED | VBE_GETCAPS | VBE_8BIT_DAC | VBE_LFB_ENABLED | VBE_NOCLEARMEM;
		if ((val & VBE_ENABLED) && !vbe_on(v)) {
			r[VBE_VIRT_WIDTH] = 0;
			r[VBE_X_OFFSET] = r[VBE_Y_OFFSET] = 0;
			r[VBE_ENABLE] = val;
			vbe_fixup(v);
			if (!(val & VBE_NOCLEARMEM))
				memset(v->vram, 0, (size_t)r[VBE_VIRT_WIDTH] * ((r[VBE_BPP] + 7) / 8) *
				       r[VBE_YRES]);
		} else if (!(val & VBE_ENABLED)) {
			r[VBE_BANK] = 0;
		}
		r[VBE_ENABLE] = val;
		return;
	}
}

static uint64_t vbe_port_read(void *opaque, uint64_t off, unsigned size)
{
	struct vga *v = opaque;
	uint64_t mask = size >= 8 ? ~0ULL : (1ULL << (8 * size)) - 1;
	if (off == 0)
		return v->vbe_idx & mask;
	if (off == 1)
		return vbe_read(v, v->vbe_idx) & mask;
	return mask;
}

static void vbe_port_write(void *opaque, uint64_t off, unsigned size, uint64_t val)
{
	struct vga *v = opaque;
	if (off == 0)
		v->vbe_idx = (uint16_t)(size == 1 ? (v->vbe_idx & 0xff00) | (val & 0xff) : val);
	else if (off == 1)
		vbe_write(v, v->vbe_idx, (uint16_t)(size == 1 ? val & 0xff : val));
}

/* ---- VGA registers ---- */

static int port_decoded(const struct vga *v, unsigned port)
{
	int colour = v->misc & 1;
	if (port >= 0x3b0 && port < 0x3c0)
		return !colour;
	if (port >= 0x3d0 && port < 0x3e0)
		return colour;
	return 1;
}

static uint8_t port_readb(struct vga *v, unsigned port)
{
	uint8_t r = 0xff;

	if (!port_decoded(v, port))
		return 0xff;
	switch (port) {
	case 0x3c0: return v->ar_idx;
	case 0x3c1: return (v->ar_idx & 0x1f) < NR_AR ? v->ar[v->ar_idx & 0x1f] : 0;
	case 0x3c2: return 0x00;			/* input status 0 */
	case 0x3c4: return v->seq_idx;
	case 0x3c5: return v->seq_idx < 8 ? v->seq[v->seq_idx] : 0xff;
	case 0x3c6: return v->dac_mask;
	case 0x3c7: return v->dac_state;
	case 0x3c8: return v->dac_wr;
	case 0x3c9:
		r = v->dac[v->dac_rd * 3 + v->dac_sub];
		if (++v->dac_sub == 3) {
			v->dac_sub = 0;
			v->dac_rd++;
		}
		return r;
	case 0x3ca: return v->fcr;
	case 0x3cc: return v->misc;
	case 0x3ce: return v->gc_idx;
	case 0x3cf: return v->gc_idx < 16 ? v->gc[v->gc_idx] : 0xff;
	case 0x3b4: case 0x3d4: return v->crtc_idx;
	case 0x3b5: case 0x3d5: return v->crtc_idx < NR_CRTC ? v->crtc[v->crtc_idx] : 0xff;
	case 0x3ba: case 0x3da:
		/* Toggle retrace and display enable so polling loops move on. */
		v->st1 ^= ST1_DISP | ST1_VRETRACE;
		v->ar_flip = 0;
		return v->st1;
	}
	return r;
}

static void port_writeb(struct vga *v, unsigned port, uint8_t val)
{
	if (!port_decoded(v, port))
		return;
	switch (port) {
	case 0x3c0:
		if (!v->ar_flip) {
			v->ar_idx = val & 0x3f;
		} else {
			unsigned i = v->ar_idx & 0x1f;
			static const uint8_t m[NR_AR] = {
				0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f,
				0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f,
				0xef, 0xff, 0x3f, 0x0f, 0x0f,
			};
			if (i < NR_AR)
				v->ar[i] = val & m[i];
		}
		v->ar_flip ^= 1;
		return;
	case 0x3c2: v->misc = val; return;
	case 0x3c4: v->seq_idx = val & 7; return;
	case 0x3c5:
		if (v->seq_idx < 8)
			v->seq[v->seq_idx] = val & seq_mask[v->seq_idx];
		return;
	case 0x3c6: v->dac_mask = val; return;
	case 0x3c7: v->dac_rd = val; v->dac_sub = 0; v->dac_state = 3; return;
	case 0x3c8: v->dac_wr = val; v->dac_sub = 0; v->dac_state = 0; return;
	case 0x3c9:
		v->dac_tmp[v->dac_sub] = (v->vbe[VBE_ENABLE] & VBE_8BIT_DAC) ? val : val & 0x3f;
		if (++v->dac_sub == 3) {
			memcpy(v->dac + 3 * v->dac_wr, v->dac_tmp, 3);
			v->dac_sub = 0;
			v->dac_wr++;
		}
		return;
	case 0x3ce: v->gc_idx = val & 0x0f; return;
	case 0x3cf:
		if (v->gc_idx < 16)
			v->gc[v->gc_idx] = val & gc_mask[v->gc_idx];
		return;
	case 0x3b4: case 0x3d4: v->crtc_idx = val & 0x3f; return;
	case 0x3b5: case 0x3d5:
		if (v->crtc_idx >= NR_CRTC)
			return;
		/* CRTC 11h bit 7 protects 00h-07h, except the line compare bit of 07h. */
		if ((v->crtc[0x11] & 0x80) && v->crtc_idx <= 7) {
			if (v->crtc_idx == 7)
				v->crtc[7] = (uint8_t)((v->crtc[7] & ~0x10) | (val & 0x10));
			return;
		}
		v->crtc[v->crtc_idx] = val;
		return;
	case 0x3ba: case 0x3da: v->fcr = val & 0x03; return;
	}
}

static uint64_t port_read(void *opaque, uint64_t off, unsigned size)
{
	uint64_t r = 0;
	for (unsigned i = 0; i < size && i < 8; i++)
		r |= (uint64_t)port_readb(opaque, (unsigned)(VGA_PORT_BASE + off + i)) << (8 * i);
	return r;
}

/* A word write to an index port is index then data, as on the real chips. */
static void port_write(void *opaque, uint64_t off, unsigned size, uint64_t val)
{
	for (unsigned i = 0; i < size && i < 8; i++)
		port_writeb(opaque, (unsigned)(VGA_PORT_BASE + off + i), (uint8_t)(val >> (8 * i)));
}

static uint64_t mmio_read(void *opaque, uint64_t off, unsigned size)
{
	struct vga *v = opaque;
	if (off >= VGA_MMIO_PORTS && off + size <= VGA_MMIO_PORTS + 0x20)
		return port_read(v, off - VGA_MMIO_PORTS + 0x10, size);
	if (off >= VGA_MMIO_DISPI && off < VGA_MMIO_DISPI + 2 * VBE_NR_REGS && size == 2 && !(off & 1))
		return vbe_read(v, (unsigned)(off - VGA_MMIO_DISPI) / 2);
	return 0;
}

static void mmio_write(void *opaque, uint64_t off, unsigned size, uint64_t val)
{
	struct vga *v = opaque;
	if (off >= VGA_MMIO_PORTS && off + size <= VGA_MMIO_PORTS + 0x20)
		port_write(v, off - VGA_MMIO_PORTS + 0x10, size, val);
	else if (off >= VGA_MMIO_DISPI && off < VGA_MMIO_DISPI + 2 * VBE_NR_REGS && size == 2 &&
		 !(off & 1))
		vbe_write(v, (unsigned)(off - VGA_MMIO_DISPI) / 2, (uint16_t)val);
}

/* ---- reset, PCI, setup ---- */

static void vga_reset_regs(struct vga *v)
{
	v->misc = 0;
	v->seq_idx = v->gc_idx = v->crtc_idx = v->ar_idx = 0;
	memset(v->seq, 0, sizeof(v->seq));
	memset(v->gc, 0, sizeof(v->gc));
	memset(v->crtc, 0, sizeof(v->crtc));
	memset(v->ar, 0, sizeof(v->ar));
	v->ar_flip = 0;
	v->dac_mask = 0xff;
	v->dac_rd = v->dac_wr = v->dac_sub = v->dac_state = 0;
	v->st1 = v->fcr = 0;
	v->latch = 0;
	memset(v->vbe, 0, sizeof(v->vbe));
	v->vbe[VBE_ID] = VBE_ID5;
	v->vbe[VBE_BPP] = 8;
	v->vbe[VBE_VIDEO_MEMORY_64K] = VGA_VRAM_SIZE / 0x10000;
	v->vbe_idx = 0;
	v->last_valid = 0;
}

void vga_post_state(struct vga *v)
{
	static const uint8_t seq[5] = { 0x03, 0x00, 0x03, 0x00, 0x02 };
	static const uint8_t crtc[NR_CRTC] = {
		0x5f, 0x4f, 0x50, 0x82, 0x55, 0x81, 0xbf, 0x1f, 0x00, 0x4f, 0x0d, 0x0e, 0x00, 0x00,
		0x00, 0x00, 0x9c, 0x8e, 0x8f, 0x28, 0x1f, 0x96, 0xb9, 0xa3, 0xff,
	};
	static const uint8_t gc[9] = { 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x0e, 0x00, 0xff };
	static const uint8_t ar[NR_AR] = {
		0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x14, 0x07, 0x38, 0x39, 0x3a, 0x3b, 0x3c, 0x3d,
		0x3e, 0x3f, 0x0c, 0x00, 0x0f, 0x08, 0x00,
	};

	vga_reset_regs(v);
	v->misc = 0x67;
	memcpy(v->seq, seq, sizeof(seq));
	memcpy(v->crtc, crtc, sizeof(crtc));
	memcpy(v->gc, gc, sizeof(gc));
	memcpy(v->ar, ar, sizeof(ar));
	v->ar_idx = 0x20;			/* palette address source: display on */
	/* DAC 0-63: the EGA colours, bit 0/1/2 = 2/3 B/G/R, bit 3/4/5 = 1/3 b/g/r */
	for (unsigned i = 0; i < 64; i++) {
		v->dac[3 * i + 0] = (uint8_t)(((i >> 2) & 1) * 0x2a + ((i >> 5) & 1) * 0x15);
		v->dac[3 * i + 1] = (uint8_t)(((i >> 1) & 1) * 0x2a + ((i >> 4) & 1) * 0x15);
		v->dac[3 * i + 2] = (uint8_t)((i & 1) * 0x2a + ((i >> 3) & 1) * 0x15);
	}
	/* A blank screen: spaces, light grey on black. */
	for (uint32_t o = 0; o < 80 * 25; o++)
		plane_put(v, o, 0x0720, 0xffff);
	/* Character map 0 in plane 2: glyph c at 32 * c, 16 rows used */
	if (v->font) {
		for (unsigned c = 0; c < 256; c++)
			for (unsigned row = 0; row < VGA_FONT_H; row++)
				v->vram[4 * (32 * c + row) + 2] = v->font[VGA_FONT_H * c + row];
	}
}

int vga_set_font_from_rom(struct vga *v, const void *rom, size_t romlen)
{
	/*
	 * Glyph 0 (blank) followed by glyph 1 (the smiling face) of the IBM
	 * 8x16 character set marks the start of the table.
	 */
	static const uint8_t start[2 * VGA_FONT_H] = {
		[VGA_FONT_H + 2] = 0x7e, 0x81, 0xa5, 0x81, 0x81, 0xbd, 0x99, 0x81, 0x81, 0x7e,
	};
	const uint8_t *p = rom;
	size_t size = 256 * VGA_FONT_H;

	if (!rom || romlen < size)
		return -ENOENT;
	for (size_t o = 0; o + size <= romlen; o++) {
		if (memcmp(p + o, start, sizeof(start)))
			continue;
		if (!v->font && !(v->font = malloc(size)))
			return -ENOMEM;
		memcpy(v->font, p + o, size);
		return 0;
	}
	return -ENOENT;
}

static void bar_change(struct pci_dev *d, int n, uint64_t old, uint64_t now)
{
	struct vga *v = d->opaque;

	if (n == VGA_LFB_BAR && v->mem) {
		if (v->lfb_addr != PCI_BAR_UNMAPPED)
			mem_remove_region(v->mem, v->lfb_addr);
		v->lfb_addr = PCI_BAR_UNMAPPED;
		if (now == PCI_BAR_UNMAPPED)
			return;
		if (mem_add_region(v->mem, now, VGA_VRAM_SIZE, v->vram, 0))
			pr_warn("vga: framebuffer BAR at %#llx overlaps memory; not mapped",
				(unsigned long long)now);
		else
			v->lfb_addr = now;
	} else if (n == VGA_MMIO_BAR && v->mmio) {
		if (v->mmio_addr != PCI_BAR_UNMAPPED)
			bus_remove(v->mmio, v->mmio_addr, v);
		v->mmio_addr = PCI_BAR_UNMAPPED;
		if (now == PCI_BAR_UNMAPPED)
			return;
		if (bus_add(v->mmio, now, VGA_MMIO_SIZE, &vga_mmio_ops, v))
			pr_warn("vga: MMIO BAR at %#llx overlaps another device; not mapped",
				(unsigned long long)now);
		else
			v->mmio_addr = now;
	}
	(void)old;
}

static void pci_reset(struct pci_dev *d)
{
	vga_reset_regs(d->opaque);
}

struct vga *vga_new(struct guest_mem *mem, struct bus *mmio, const void *rom, size_t romlen)
{
	struct vga *v = calloc(1, sizeof(*v));
	void *p;

	if (!v)
		return NULL;
	p = mmap(NULL, VGA_VRAM_SIZE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED) {
		free(v);
		return NULL;
	}
	v->vram = p;
	v->mem = mem;
	v->mmio = mmio;
	v->lfb_addr = v->mmio_addr = PCI_BAR_UNMAPPED;
	pci_dev_init(&v->pci, "vga", VGA_VENDOR, VGA_DEVICE, 0x030000, 0x02);
	v->pci.opaque = v;
	v->pci.on_bar_change = bar_change;
	v->pci.reset = pci_reset;
	pci_register_bar(&v->pci, VGA_LFB_BAR, VGA_VRAM_SIZE, PCI_BAR_MEM32 | PCI_BAR_PREFETCH);
	pci_register_bar(&v->pci, VGA_MMIO_BAR, VGA_MMIO_SIZE, PCI_BAR_MEM32);
	if (rom && romlen && pci_set_rom(&v->pci, mem, rom, romlen)) {
		vga_free(v);
		return NULL;
	}
	vga_reset_regs(v);
	return v;
}

void vga_free(struct vga *v)
{
	if (!v)
		return;
	if (v->mem && v->lfb_addr != PCI_BAR_UNMAPPED)
		mem_remove_region(v->mem, v->lfb_addr);
	if (v->mmio && v->mmio_addr != PCI_BAR_UNMAPPED)
		bus_remove(v->mmio, v->mmio_addr, v);
	pci_free_rom(&v->pci);
	munmap(v->vram, VGA_VRAM_SIZE);
	free(v->font);
	free(v->last);
	free(v);
}

void vga_display_src(struct vga *v, struct display_src *src)
{
	src->opaque = v;
	src->render = vga_render;
	src->text = vga_text;
}

const struct io_ops vga_port_ops = { .name = "vga", .read = port_read, .write = port_write };
const struct io_ops vga_vbe_ops = {
	.name = "vga-vbe", .read = vbe_port_read, .write = vbe_port_write,
};
const struct io_ops vga_mem_ops = { .name = "vga-mem", .read = mem_read, .write = mem_write };
const struct io_ops vga_mmio_ops = { .name = "vga-mmio", .read = mmio_read, .write = mmio_write };

/*
 * Turning the card's state into pixels and text (struct display_src).
 *
 * Which picture: VBE enabled -> the linear framebuffer (8/15/16/24/32 bpp,
 * virtual width and x/y offsets); else the VGA core by its registers:
 * attribute mode control bit 0 clear -> text (8 or 9 dots per character
 * from sequencer 01h, glyphs of 32 bytes per character in plane 2, character
 * maps from sequencer 03h, cursor from CRTC 0Ah-0Fh), graphics mode 256-colour
 * shift -> one byte per pixel (mode 13h, mode X), else 16-colour planar
 * (modes 0Dh-12h).  Sizes come from the CRTC (horizontal display end,
 * vertical display end, maximum scan line/double scan) and are bounded by
 * the registers' widths: at most 2304 x 1024 for VGA modes.  The screen is
 * black while the attribute controller's palette address source bit is clear
 * or sequencer 01h's screen-off bit is set.
 *
 * Text as text: cells in 0x20-0x7e are themselves, 0x00, 0xff and cells in
 * graphics modes aside, other CP437 codes become '.'; rows end at their last
 * non-blank cell and are joined by '\n'.
 */
#include "dev/vga.h"

#include <stdlib.h>
#include <string.h>

static uint32_t dac_rgb(const struct vga *v, unsigned idx)
{
	const uint8_t *c = v->dac + 3 * (idx & 0xff);
	uint32_t r = c[0], g = c[1], b = c[2];
	if (!(v->vbe[VBE_ENABLE] & VBE_8BIT_DAC)) {
		r = (r & 0x3f) << 2 | (r & 0x3f) >> 4;
		g = (g & 0x3f) << 2 | (g & 0x3f) >> 4;
		b = (b & 0x3f) << 2 | (b & 0x3f) >> 4;
	}
	return r << 16 | g << 8 | b;
}

/* A 4-bit attribute colour through the palette registers and colour select. */
static uint32_t ar_rgb(const struct vga *v, unsigned c)
{
	unsigned p = v->ar[c & 0x0f], idx;
	if (v->ar[0x10] & 0x80)
		idx = (p & 0x0f) | (v->ar[0x14] & 0x0f) << 4;
	else
		idx = (p & 0x3f) | (v->ar[0x14] & 0x0c) << 4;
	return dac_rgb(v, idx);
}

static uint8_t plane_byte(const struct vga *v, uint32_t off, unsigned plane)
{
	return v->vram[4 * (off & (VGA_PLANE_SIZE - 1)) + plane];
}

static unsigned vde_lines(const struct vga *v)
{
	return (v->crtc[0x12] | (v->crtc[7] & 0x02) << 7 | (v->crtc[7] & 0x40) << 3) + 1u;
}

static uint32_t start_addr(const struct vga *v)
{
	return (uint32_t)v->crtc[0x0c] << 8 | v->crtc[0x0d];
}

struct text_geom {
	unsigned cols, rows, cw, ch;
};

static void text_geom(const struct vga *v, struct text_geom *t)
{
	t->cols = v->crtc[1] + 1u;
	t->ch = (v->crtc[9] & 0x1f) + 1u;
	t->cw = (v->seq[1] & 1) ? 8 : 9;
	t->rows = vde_lines(v) / ((v->crtc[9] & 0x80) ? 2 : 1) / t->ch;
	if (!t->rows)
		t->rows = 1;
}

static int is_text(const struct vga *v)
{
	return !(v->ar[0x10] & 0x01);
}

static int blanked(const struct vga *v)
{
	return !(v->ar_idx & 0x20) || (v->seq[1] & 0x20);
}

static int render_text(const struct vga *v, struct fb *fb)
{
	struct text_geom t;
	uint32_t start = start_addr(v), pitch = v->crtc[0x13] * 2u;
	uint32_t cursor = (uint32_t)v->crtc[0x0e] << 8 | v->crtc[0x0f];
	unsigned cs = v->crtc[0x0a] & 0x1f, ce = v->crtc[0x0b] & 0x1f;
	int cursor_on = !(v->crtc[0x0a] & 0x20);
	/* Character map A (attribute bit 3 set) and B: 8 KiB steps in plane 2. */
	static const uint32_t map_base[8] = {
		0x0000, 0x4000, 0x8000, 0xc000, 0x2000, 0x6000, 0xa000, 0xe000,
	};
	uint32_t font_a = map_base[(v->seq[3] >> 2 & 3) | (v->seq[3] >> 3 & 4)];
	uint32_t font_b = map_base[(v->seq[3] & 3) | (v->seq[3] >> 2 & 4)];
	int blink = v->ar[0x10] & 0x08, lge = v->ar[0x10] & 0x04;

	text_geom(v, &t);
	if (fb_resize(fb, t.cols * t.cw, t.rows * t.ch))
		return -1;
	for (unsigned r = 0; r < t.rows; r++) {
		for (unsigned c = 0; c < t.cols; c++) {
			uint32_t cell = start + r * pitch + c;
			unsigned chr = plane_byte(v, cell, 0), attr = plane_byte(v, cell, 1);
			unsigned bgc = attr >> 4;
			uint32_t font = (attr & 0x08) ? font_a : font_b;
			if (blink)
				bgc &= 7;
			uint32_t fg = ar_rgb(v, attr & 0x0f), bg = ar_rgb(v, bgc);
			int is_cursor = cursor_on && (cell & (VGA_PLANE_SIZE - 1)) ==
					(cursor & (VGA_PLANE_SIZE - 1));
			for (unsigned y = 0; y < t.ch; y++) {
				unsigned bits = plane_byte(v, font + chr * 32 + (y & 31), 2);
				uint32_t *px = fb->px + (size_t)(r * t.ch + y) * fb->w + c * t.cw;
				if (is_cursor && y >= cs && y <= ce)
					bits = 0xff;
				for (unsigned x = 0; x < 8; x++)
					px[x] = (bits & (0x80 >> x)) ? fg : bg;
				if (t.cw == 9)
					px[8] = (lge && chr >= 0xc0 && chr <= 0xdf && (bits & 1)) ? fg : bg;
			}
		}
	}
	return 0;
}

static int render_graphics(const struct vga *v, struct fb *fb)
{
	unsigned rep = (v->crtc[9] & 0x1f) + 1u, lines = vde_lines(v);
	unsigned w, h;
	uint32_t start = start_addr(v), pitch = v->crtc[0x13] * 2u;
	int c256 = v->gc[5] & 0x40;

	if (v->crtc[9] & 0x80)
		rep *= 2;
	h = lines / rep ? lines / rep : 1;
	w = (v->crtc[1] + 1u) * (c256 ? 4 : 8);
	if (fb_resize(fb, w, h))
		return -1;
	for (unsigned y = 0; y < h; y++) {
		uint32_t *px = fb->px + (size_t)y * w;
		uint32_t row = start + y * pitch;
		if (c256) {
			/* 256 colours: byte x of the row in interleaved plane order */
			uint32_t base = 4 * row;
			for (unsigned x = 0; x < w; x++)
				px[x] = dac_rgb(v, v->vram[(base + x) & (4 * VGA_PLANE_SIZE - 1)]);
			continue;
		}
		for (unsigned x = 0; x < w; x += 8) {
			uint8_t p[4];
			for (unsigned k = 0; k < 4; k++)
				p[k] = plane_byte(v, row + x / 8, k);
			for (unsigned b = 0; b < 8; b++) {
				unsigned c = 0;
				for (unsigned k = 0; k < 4; k++)
					c |= ((p[k] >> (7 - b)) & 1u) << k;
				px[x + b] = ar_rgb(v, c & v->ar[0x12] & 0x0f);
			}
		}
	}
	return 0;
}

static int render_vbe(const struct vga *v, const struct vbe_geom *g, struct fb *fb)
{
	if (fb_resize(fb, g->w, g->h))
		return -1;
	for (unsigned y = 0; y < g->h; y++) {
		const uint8_t *s = v->vram + g->start + (size_t)y * g->line;
		uint32_t *px = fb->px + (size_t)y * g->w;
		for (unsigned x = 0; x < g->w; x++, s += g->bytes) {
			uint32_t c;
			switch (g->bpp) {
			case 8: px[x] = dac_rgb(v, s[0]); break;
			case 15:
				c = s[0] | s[1] << 8;
				px[x] = ((c >> 10 & 0x1f) * 255 / 31) << 16 | ((c >> 5 & 0x1f) * 255 / 31) << 8 |
					(c & 0x1f) * 255 / 31;
				break;
			case 16:
				c = s[0] | s[1] << 8;
				px[x] = ((c >> 11 & 0x1f) * 255 / 31) << 16 | ((c >> 5 & 0x3f) * 255 / 63) << 8 |
					(c & 0x1f) * 255 / 31;
				break;
			default:			/* 24 and 32: B, G, R(, X) */
				px[x] = (uint32_t)s[2] << 16 | (uint32_t)s[1] << 8 | s[0];
				break;
			}
		}
	}
	return 0;
}

int vga_render(void *opaque, struct fb *fb)
{
	struct vga *v = opaque;
	struct vbe_geom g;
	size_t n;
	int r;

	if (vga_vbe_geom(v, &g))
		r = render_vbe(v, &g, fb);
	else if (is_text(v))
		r = render_text(v, fb);
	else
		r = render_graphics(v, fb);
	if (r)
		return 1;
	n = (size_t)fb->w * fb->h;
	if (!vga_vbe_geom(v, &g) && blanked(v))
		memset(fb->px, 0, n * sizeof(*fb->px));
	if (v->last_valid && v->last_w == fb->w && v->last_h == fb->h &&
	    !memcmp(v->last, fb->px, n * sizeof(*fb->px)))
		return 0;
	v->last_valid = 0;
	if (n > v->last_cap) {
		uint32_t *p = realloc(v->last, n * sizeof(*p));
		if (!p)
			return 1;
		v->last = p;
		v->last_cap = n;
	}
	memcpy(v->last, fb->px, n * sizeof(*fb->px));
	v->last_w = fb->w;
	v->last_h = fb->h;
	v->last_valid = 1;
	return 1;
}

int vga_text(void *opaque, char *buf, size_t len)
{
	struct vga *v = opaque;
	struct vbe_geom g;
	struct text_geom t;
	uint32_t start = start_addr(v), pitch = v->crtc[0x13] * 2u;
	size_t n = 0;

	if (!len)
		return -1;
	buf[0] = 0;
	if (vga_vbe_geom(v, &g) || !is_text(v))
		return -1;
	text_geom(v, &t);
	for (unsigned r = 0; r < t.rows; r++) {
		unsigned end = 0;
		for (unsigned c = 0; c < t.cols; c++) {
			unsigned ch = plane_byte(v, start + r * pitch + c, 0);
			if (ch != 0x20 && ch != 0x00 && ch != 0xff)
				end = c + 1;
		}
		if (r && n + 1 < len)
			buf[n++] = '\n';
		for (unsigned c = 0; c < end && n + 1 < len; c++) {
			unsigned ch = plane_byte(v, start + r * pitch + c, 0);
			buf[n++] = ch > 0x20 && ch < 0x7f ? (char)ch : ch == 0x20 || !ch || ch == 0xff ? ' ' : '.';
		}
	}
	buf[n] = 0;
	return (int)n;
}

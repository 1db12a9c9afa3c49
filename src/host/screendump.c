/*
 * PNG (libpng) and text dumps of a display source.
 */
#include "host/screendump.h"

#include <errno.h>
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n > m && !strcasecmp(s + n - m, suffix);
}

int screendump_kind_ok(const char *path)
{
	return ends_with(path, ".png") || ends_with(path, ".txt");
}

int png_write_fb(const char *path, const struct fb *fb, char *err, size_t errlen)
{
	png_structp png = NULL;
	png_infop info = NULL;
	uint8_t *row = NULL;
	FILE *f;
	volatile int r = 0;

	if (!fb->w || !fb->h) {
		snprintf(err, errlen, "empty picture");
		return -EINVAL;
	}
	row = malloc((size_t)fb->w * 3);
	f = fopen(path, "wb");
	if (!f || !row) {
		r = f ? -ENOMEM : -errno;
		snprintf(err, errlen, "%s", strerror(-r));
		goto out;
	}
	png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
	info = png ? png_create_info_struct(png) : NULL;
	if (!info) {
		r = -ENOMEM;
		snprintf(err, errlen, "libpng: out of memory");
		goto out;
	}
	if (setjmp(png_jmpbuf(png))) {
		r = -EIO;
		snprintf(err, errlen, "libpng could not write the file");
		goto out;
	}
	png_init_io(png, f);
	png_set_IHDR(png, info, fb->w, fb->h, 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
		     PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
	png_write_info(png, info);
	for (unsigned y = 0; y < fb->h; y++) {
		const uint32_t *px = fb->px + (size_t)y * fb->w;
		for (unsigned x = 0; x < fb->w; x++) {
			row[3 * x + 0] = (uint8_t)(px[x] >> 16);
			row[3 * x + 1] = (uint8_t)(px[x] >> 8);
			row[3 * x + 2] = (uint8_t)px[x];
		}
		png_write_row(png, row);
	}
	png_write_end(png, NULL);
out:
	if (png)
		png_destroy_write_struct(&png, info ? &info : NULL);
	if (f && fclose(f) && !r) {
		r = -errno;
		snprintf(err, errlen, "%s", strerror(-r));
	}
	free(row);
	return r;
}

static int text_dump(const char *path, const struct display_src *src, char *err, size_t errlen)
{
	size_t cap = 1 << 16;
	char *buf = malloc(cap);
	FILE *f;
	int n, r = 0;

	if (!buf) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	n = src->text(src->opaque, buf, cap);
	if (n < 0) {
		free(buf);
		snprintf(err, errlen, "the screen is in a graphics mode (no text to dump)");
		return -ENOTSUP;
	}
	f = fopen(path, "w");
	if (!f || fwrite(buf, 1, (size_t)n, f) != (size_t)n || fputc('\n', f) == EOF)
		r = -errno;
	if (f && fclose(f) && !r)
		r = -errno;
	if (r)
		snprintf(err, errlen, "%s", strerror(-r));
	free(buf);
	return r;
}

int screendump(const char *path, const struct display_src *src, char *err, size_t errlen)
{
	struct fb fb = { 0 };
	int r;

	if (ends_with(path, ".txt"))
		return src->text ? text_dump(path, src, err, errlen) : -ENOTSUP;
	if (!src->render) {
		snprintf(err, errlen, "no display");
		return -ENOTSUP;
	}
	src->render(src->opaque, &fb);
	r = png_write_fb(path, &fb, err, errlen);
	fb_free(&fb);
	return r;
}

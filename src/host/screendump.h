/*
 * Screen dumps: a frame as a PNG file, the text screen as a text file.
 */
#ifndef HVM_SCREENDUMP_H
#define HVM_SCREENDUMP_H

#include <stddef.h>

#include "core/display.h"

/* Write fb as an 8-bit RGB PNG.  0, or -errno with a reason in err. */
int png_write_fb(const char *path, const struct fb *fb, char *err, size_t errlen);

/* 1 if path names a kind of dump we can write (*.png or *.txt), else 0. */
int screendump_kind_ok(const char *path);

/*
 * Dump src to path: *.png renders the screen, *.txt writes the text screen
 * (one '\n' after the last row).  The caller holds the device-model lock.
 * 0, or -errno with a reason in err (-ENOTSUP: a text dump of a graphics mode).
 */
int screendump(const char *path, const struct display_src *src, char *err, size_t errlen);

#endif

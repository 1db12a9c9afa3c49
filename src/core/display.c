/*
 * Frames shared by the display sources (VGA) and front ends (VNC, screendump).
 */
#include "core/display.h"

#include <errno.h>
#include <stdlib.h>

int fb_resize(struct fb *fb, unsigned w, unsigned h)
{
	size_t n = (size_t)w * h;

	if (w && n / w != h)
		return -ENOMEM;
	if (n > fb->cap) {
		uint32_t *p = realloc(fb->px, (n ? n : 1) * sizeof(*p));
		if (!p)
			return -ENOMEM;
		fb->px = p;
		fb->cap = n;
	}
	fb->w = w;
	fb->h = h;
	return 0;
}

void fb_free(struct fb *fb)
{
	free(fb->px);
	fb->px = NULL;
	fb->w = fb->h = 0;
	fb->cap = 0;
}

/*
 * What a display front end (VNC, screendump) sees of the board: a way to
 * render the screen and a way to send keys and pointer motion.  The board
 * fills one in from its VGA card and i8042; front ends in src/host use it
 * and never see the devices themselves.  Front ends call every callback
 * with the device-model lock held (the VNC server takes it on its own
 * thread just for the call).
 */
#ifndef HVM_DISPLAY_H
#define HVM_DISPLAY_H

#include <stddef.h>
#include <stdint.h>

/* A frame: w*h pixels, 0x00RRGGBB, rows packed (stride == w). */
struct fb {
	uint32_t *px;
	unsigned w, h;
	size_t cap;		/* pixels allocated in px */
};

/* Make fb w x h (contents undefined after a size change).  0 or -ENOMEM. */
int fb_resize(struct fb *fb, unsigned w, unsigned h);
void fb_free(struct fb *fb);

struct display_src {
	void *opaque;
	/*
	 * Render the current screen into fb (resizing it to the mode).
	 * Returns 1 if the picture may differ from the last render, 0 if not.
	 */
	int (*render)(void *opaque, struct fb *fb);
	/*
	 * The screen as text when in a text mode: rows joined by '\n', trailing
	 * blanks trimmed, NUL-terminated in buf.  Returns the length, or -1 in a
	 * graphics mode.
	 */
	int (*text)(void *opaque, char *buf, size_t len);
	/*
	 * A key went down/up.  code: PC scancode set 1 make code; extended keys
	 * as 0xe000 | code (e.g. right ctrl 0xe01d); Pause as 0xe11d45.
	 */
	void (*key)(void *opaque, unsigned code, int down);
	/* Relative pointer motion; buttons bit 0 left, 1 right, 2 middle; dz wheel (+ = down). */
	void (*pointer)(void *opaque, int dx, int dy, int dz, unsigned buttons);
};

#endif

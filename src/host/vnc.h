/*
 * VNC server for the board's display (core/display.h), on libvncserver.
 * --vnc :N (127.0.0.1:5900+N), --vnc HOST:N, --vnc unix:PATH.
 */
#ifndef HVM_HOST_VNC_H
#define HVM_HOST_VNC_H

#include <stddef.h>

#include "core/clock.h"
#include "core/display.h"
#include "core/loop.h"

struct vnc;

/* Check a --vnc value without opening anything.  0, or -1 with a reason in why. */
int vnc_check_spec(const char *spec, char *why, size_t whylen);
/*
 * Listen on spec and serve src from the I/O loop: a ~30 Hz timer on clk
 * renders, sends what changed and handles the viewers' input.  Call before
 * loop_start (or with the device-model lock held).  0, or -errno with a
 * reason in err (-ENOTSUP: libvncserver missing).
 */
int vnc_start(struct vnc **out, const char *spec, const struct display_src *src,
	      struct clock *clk, struct loop *loop, char *err, size_t errlen);

/* Set-1 key code (core/display.h) for an X keysym on a US layout, or 0. */
unsigned vnc_keysym_to_code(unsigned keysym);

#endif

/*
 * VNC server for the board's display (core/display.h), on libvncserver.
 * --vnc :N (127.0.0.1:5900+N), --vnc HOST:N, --vnc unix:PATH.
 */
#ifndef HVM_HOST_VNC_H
#define HVM_HOST_VNC_H

#include <pthread.h>
#include <stddef.h>

#include "core/display.h"

struct vnc;

/* Check a --vnc value without opening anything.  0, or -1 with a reason in why. */
int vnc_check_spec(const char *spec, char *why, size_t whylen);
/*
 * Listen on spec and serve src from a thread of its own: ~30 times a second
 * while a viewer is connected it renders src, sends what changed and hands
 * the viewers' input to src.  It holds dm_lock (the device-model lock) only
 * around src's callbacks, never while talking to a viewer.  0, or -errno
 * with a reason in err (-ENOTSUP: libvncserver missing).
 */
int vnc_start(struct vnc **out, const char *spec, const struct display_src *src,
	      pthread_mutex_t *dm_lock, char *err, size_t errlen);
/*
 * Stop the thread (shutting down the viewers' sockets, so that it cannot
 * stay stuck on one), drop the viewers and free v.  NULL is a no-op.
 */
void vnc_stop(struct vnc *v);

/* Set-1 key code (core/display.h) for an X keysym on a US layout, or 0. */
unsigned vnc_keysym_to_code(unsigned keysym);

#endif

/*
 * PS/2 mouse with the IntelliMouse wheel extension: the device behind the
 * 8042's aux port.  Takes command bytes, answers into its own queue, and
 * turns host motion into 3-byte (ID 0) or 4-byte (ID 3) movement packets.
 */
#ifndef HVM_DEV_PS2MOUSE_H
#define HVM_DEV_PS2MOUSE_H

#include <stdint.h>

#include "dev/ps2.h"

struct ps2mouse {
	struct ps2_queue q;
	uint8_t wait;		/* command waiting for its parameter, or 0 */
	uint8_t enabled;	/* data reporting (0xf4/0xf5) */
	uint8_t remote;		/* remote mode (0xf0) instead of stream (0xea) */
	uint8_t wrap;		/* echo mode (0xee until 0xec) */
	uint8_t scale21;	/* 2:1 scaling (0xe7) */
	uint8_t rate;		/* samples/s (0xf3) */
	uint8_t res;		/* resolution 0..3 (0xe8) */
	uint8_t id;		/* 0, or 3 after the 200/100/80 rate sequence */
	uint8_t rates[3];	/* last three sample rates set */
	uint8_t buttons;	/* bit 0 left, 1 right, 2 middle */
	uint8_t sent_buttons;	/* buttons in the last packet */
	uint8_t last;		/* last byte handed to the controller, for 0xfe */
	int dx, dy, dz;		/* motion not yet reported, PS/2 sense (y up) */
};

void ps2mouse_reset(struct ps2mouse *m);
void ps2mouse_write(struct ps2mouse *m, uint8_t v);
/* Next byte for the controller, or -1.  Refills from pending motion. */
int ps2mouse_read(struct ps2mouse *m);
static inline int ps2mouse_pending(const struct ps2mouse *m) { return m->q.count != 0; }
/*
 * Host pointer event: dx right, dy down (screen sense), dz wheel (+ down),
 * buttons bit 0 left, 1 right, 2 middle.  In stream mode with reporting on,
 * packets are queued while there is room; the rest waits in the motion
 * counters.
 */
void ps2mouse_move(struct ps2mouse *m, int dx, int dy, int dz, unsigned buttons);

#endif

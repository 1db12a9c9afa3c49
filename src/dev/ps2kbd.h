/*
 * PS/2 (MF2) keyboard: the device behind the 8042's first port.  It takes
 * command bytes from the controller, answers into its own queue, and turns
 * host key events (scan-code set 1 make codes, as in core/display.h) into
 * bytes of the active scan-code set (1, 2 or 3).
 */
#ifndef HVM_DEV_PS2KBD_H
#define HVM_DEV_PS2KBD_H

#include <stdint.h>

#include "dev/ps2.h"

/* Key events held while the device queue is full (a host pastes faster than a guest reads). */
#define PS2KBD_TYPEAHEAD	64

struct ps2kbd {
	struct ps2_queue q;
	uint8_t wait;		/* command waiting for its parameter byte, or 0 */
	uint8_t scanning;	/* enabled (0xf4), disabled (0xf5) */
	uint8_t set;		/* scan-code set 1..3 */
	uint8_t leds;		/* 0xed: bit 0 scroll, 1 num, 2 caps */
	uint8_t typematic;	/* 0xf3 parameter */
	uint8_t last;		/* last byte handed to the controller, for 0xfe */
	/* type-ahead: events in arrival order; code 0 is an overrun marker */
	uint32_t ahead_code[PS2KBD_TYPEAHEAD];
	uint8_t ahead_down[PS2KBD_TYPEAHEAD];
	unsigned ahead_head, ahead_count;
};

/* Power-on state: set 2, scanning, LEDs off, queue empty. */
void ps2kbd_reset(struct ps2kbd *kb);
/* A byte from the controller (command or parameter). */
void ps2kbd_write(struct ps2kbd *kb, uint8_t v);
/* Next byte for the controller, or -1. */
int ps2kbd_read(struct ps2kbd *kb);
static inline int ps2kbd_pending(const struct ps2kbd *kb) { return kb->q.count != 0; }
/*
 * Host key event: code is a set-1 make code, 0xe0xx for extended keys,
 * 0xe11d45 for Pause.  Unknown codes are ignored; nothing is queued while
 * scanning is disabled.  Events that find the 16-byte queue full wait in a
 * type-ahead of PS2KBD_TYPEAHEAD events and move into the queue as the
 * controller reads it, whole sequences at a time; past that the overrun
 * code takes their place.
 */
void ps2kbd_key(struct ps2kbd *kb, unsigned code, int down);
/* The 8042 translation of a set-2 byte to set 1 (without the 0xf0 break prefix). */
uint8_t ps2_xlate_set2(uint8_t v);

#endif

/*
 * PS/2 (MF2) keyboard, after the IBM PS/2 keyboard command set (as described
 * in IBM's Keyboard and Auxiliary Device Controller reference and the PS/2
 * keyboard interface notes):
 *
 * 0xff reset (ack, then 0xaa self test passed), 0xfe resend, 0xf6 defaults,
 * 0xf5 disable + defaults, 0xf4 enable, 0xf3 typematic rate/delay, 0xf2
 * identify (ack, 0xab 0x83), 0xf0 get/set scan-code set 1..3, 0xee echo,
 * 0xed LEDs, 0xf7-0xfd set-3 key attributes (acknowledged, ignored).
 * Every command clears the keyboard's output queue first; unknown commands
 * and bad parameters get 0xfe.
 *
 * Key events are made from one table: set-1 code, set-2 code, set-3 code for
 * each key of a US 104/105-key keyboard.  Break codes: set 1 sets bit 7,
 * sets 2 and 3 prefix 0xf0.  Not emulated: typematic repeat (the host sends
 * its own repeats as further key-downs), set-3 per-key make/break modes, the
 * fake shifts real keyboards add around the navigation keys and Print Screen.
 */
#include "dev/ps2kbd.h"

#include <stddef.h>

struct key {
	uint16_t s1;		/* set 1 make: 0x00xx, or 0xe0xx for extended keys */
	uint8_t s2;		/* set 2 make (after 0xe0 for extended keys) */
	uint8_t s3;		/* set 3 make (never prefixed); 0 = none */
};

static const struct key keys[] = {
	{ 0x01, 0x76, 0x08 }, { 0x02, 0x16, 0x16 }, { 0x03, 0x1e, 0x1e }, { 0x04, 0x26, 0x26 },
	{ 0x05, 0x25, 0x25 }, { 0x06, 0x2e, 0x2e }, { 0x07, 0x36, 0x36 }, { 0x08, 0x3d, 0x3d },
	{ 0x09, 0x3e, 0x3e }, { 0x0a, 0x46, 0x46 }, { 0x0b, 0x45, 0x45 }, { 0x0c, 0x4e, 0x4e },
	{ 0x0d, 0x55, 0x55 }, { 0x0e, 0x66, 0x66 }, { 0x0f, 0x0d, 0x0d }, { 0x10, 0x15, 0x15 },
	{ 0x11, 0x1d, 0x1d }, { 0x12, 0x24, 0x24 }, { 0x13, 0x2d, 0x2d }, { 0x14, 0x2c, 0x2c },
	{ 0x15, 0x35, 0x35 }, { 0x16, 0x3c, 0x3c }, { 0x17, 0x43, 0x43 }, { 0x18, 0x44, 0x44 },
	{ 0x19, 0x4d, 0x4d }, { 0x1a, 0x54, 0x54 }, { 0x1b, 0x5b, 0x5b }, { 0x1c, 0x5a, 0x5a },
	{ 0x1d, 0x14, 0x11 }, { 0x1e, 0x1c, 0x1c }, { 0x1f, 0x1b, 0x1b }, { 0x20, 0x23, 0x23 },
	{ 0x21, 0x2b, 0x2b }, { 0x22, 0x34, 0x34 }, { 0x23, 0x33, 0x33 }, { 0x24, 0x3b, 0x3b },
	{ 0x25, 0x42, 0x42 }, { 0x26, 0x4b, 0x4b }, { 0x27, 0x4c, 0x4c }, { 0x28, 0x52, 0x52 },
	{ 0x29, 0x0e, 0x0e }, { 0x2a, 0x12, 0x12 }, { 0x2b, 0x5d, 0x5c }, { 0x2c, 0x1a, 0x1a },
	{ 0x2d, 0x22, 0x22 }, { 0x2e, 0x21, 0x21 }, { 0x2f, 0x2a, 0x2a }, { 0x30, 0x32, 0x32 },
	{ 0x31, 0x31, 0x31 }, { 0x32, 0x3a, 0x3a }, { 0x33, 0x41, 0x41 }, { 0x34, 0x49, 0x49 },
	{ 0x35, 0x4a, 0x4a }, { 0x36, 0x59, 0x59 }, { 0x37, 0x7c, 0x7e }, { 0x38, 0x11, 0x19 },
	{ 0x39, 0x29, 0x29 }, { 0x3a, 0x58, 0x14 }, { 0x3b, 0x05, 0x07 }, { 0x3c, 0x06, 0x0f },
	{ 0x3d, 0x04, 0x17 }, { 0x3e, 0x0c, 0x1f }, { 0x3f, 0x03, 0x27 }, { 0x40, 0x0b, 0x2f },
	{ 0x41, 0x83, 0x37 }, { 0x42, 0x0a, 0x3f }, { 0x43, 0x01, 0x47 }, { 0x44, 0x09, 0x4f },
	{ 0x45, 0x77, 0x76 }, { 0x46, 0x7e, 0x5f }, { 0x47, 0x6c, 0x6c }, { 0x48, 0x75, 0x75 },
	{ 0x49, 0x7d, 0x7d }, { 0x4a, 0x7b, 0x84 }, { 0x4b, 0x6b, 0x6b }, { 0x4c, 0x73, 0x73 },
	{ 0x4d, 0x74, 0x74 }, { 0x4e, 0x79, 0x7c }, { 0x4f, 0x69, 0x69 }, { 0x50, 0x72, 0x72 },
	{ 0x51, 0x7a, 0x7a }, { 0x52, 0x70, 0x70 }, { 0x53, 0x71, 0x71 }, { 0x54, 0x84, 0x57 },
	{ 0x56, 0x61, 0x13 }, { 0x57, 0x78, 0x56 }, { 0x58, 0x07, 0x5e },
	/* extended */
	{ 0xe01c, 0x5a, 0x79 }, { 0xe01d, 0x14, 0x58 }, { 0xe035, 0x4a, 0x77 },
	{ 0xe037, 0x7c, 0x57 }, { 0xe038, 0x11, 0x39 }, { 0xe047, 0x6c, 0x6e },
	{ 0xe048, 0x75, 0x63 }, { 0xe049, 0x7d, 0x6f }, { 0xe04b, 0x6b, 0x61 },
	{ 0xe04d, 0x74, 0x6a }, { 0xe04f, 0x69, 0x65 }, { 0xe050, 0x72, 0x60 },
	{ 0xe051, 0x7a, 0x6d }, { 0xe052, 0x70, 0x67 }, { 0xe053, 0x71, 0x64 },
	{ 0xe05b, 0x1f, 0x8b }, { 0xe05c, 0x27, 0x8c }, { 0xe05d, 0x2f, 0x8d },
};

#define NKEYS (sizeof(keys) / sizeof(keys[0]))
#define PAUSE_CODE 0xe11d45

static const struct key *find_s1(unsigned code)
{
	for (size_t i = 0; i < NKEYS; i++)
		if (keys[i].s1 == code)
			return &keys[i];
	return NULL;
}

uint8_t ps2_xlate_set2(uint8_t v)
{
	/* Not key codes, but what the 8042's table gives for replies the keyboard sends. */
	if (v == 0x00)
		return 0xff;		/* overrun */
	if (v == 0x02)
		return 0x41;		/* "set 2" answer to 0xf0 0x00 */
	for (size_t i = 0; i < NKEYS; i++)
		if (keys[i].s2 == v)
			return (uint8_t)keys[i].s1;
	return v;			/* acks, 0xaa, 0xe0, 0xe1, ... pass unchanged */
}

static void set_defaults(struct ps2kbd *kb)
{
	kb->wait = 0;
	kb->typematic = 0x2b;	/* 10.9 cps, 500 ms */
	kb->scanning = 1;
	kb->ahead_head = kb->ahead_count = 0;
}

void ps2kbd_reset(struct ps2kbd *kb)
{
	ps2q_clear(&kb->q);
	set_defaults(kb);
	kb->set = 2;
	kb->leds = 0;
	kb->last = 0;
}

static void put(struct ps2kbd *kb, uint8_t v)
{
	(void)ps2q_push(&kb->q, v);
}

/* Parameter byte for kb->wait; 0 if taken, -1 if it is a new command instead. */
static int param(struct ps2kbd *kb, uint8_t v)
{
	uint8_t cmd = kb->wait;

	switch (cmd) {
	case 0xed:		/* LEDs: bits 0-2 */
		if (v & 0xf8)
			break;
		kb->leds = v;
		kb->wait = 0;
		put(kb, PS2_ACK);
		return 0;
	case 0xf3:		/* typematic: bit 7 must be clear */
		if (v & 0x80)
			break;
		kb->typematic = v;
		kb->wait = 0;
		put(kb, PS2_ACK);
		return 0;
	case 0xf0:
		if (v > 3)
			break;
		kb->wait = 0;
		put(kb, PS2_ACK);
		if (!v)
			put(kb, kb->set);
		else
			kb->set = v;
		return 0;
	case 0xfb: case 0xfc: case 0xfd:	/* set-3 key lists: until the next command */
		if (v >= 0xed)
			break;
		put(kb, PS2_ACK);
		return 0;
	}
	kb->wait = 0;
	if (v >= 0xed)
		return -1;		/* a command cancels the pending one */
	put(kb, PS2_RESEND);
	return 0;
}

void ps2kbd_write(struct ps2kbd *kb, uint8_t v)
{
	if (kb->wait && !param(kb, v))
		return;
	if (v == 0xfe) {	/* resend: the last byte again, queue untouched */
		put(kb, kb->last);
		return;
	}
	ps2q_clear(&kb->q);
	switch (v) {
	case 0xff:
		ps2kbd_reset(kb);
		put(kb, PS2_ACK);
		put(kb, PS2_BAT_OK);
		break;
	case 0xf6:
		set_defaults(kb);
		put(kb, PS2_ACK);
		break;
	case 0xf5:
		set_defaults(kb);
		kb->scanning = 0;
		put(kb, PS2_ACK);
		break;
	case 0xf4:
		kb->scanning = 1;
		put(kb, PS2_ACK);
		break;
	case 0xf2:		/* MF2 keyboard; the 8042 translates 0x83 to 0x41 */
		put(kb, PS2_ACK);
		put(kb, 0xab);
		put(kb, 0x83);
		break;
	case 0xee:
		put(kb, 0xee);
		break;
	case 0xed: case 0xf3: case 0xf0:
	case 0xfb: case 0xfc: case 0xfd:
		kb->wait = v;
		put(kb, PS2_ACK);
		break;
	case 0xf7: case 0xf8: case 0xf9: case 0xfa:
		put(kb, PS2_ACK);
		break;
	default:
		put(kb, PS2_RESEND);
		break;
	}
}

static void ahead_flush(struct ps2kbd *kb);

int ps2kbd_read(struct ps2kbd *kb)
{
	int v = ps2q_pop(&kb->q);
	if (v >= 0)
		kb->last = (uint8_t)v;
	ahead_flush(kb);
	return v;
}

/* The bytes for one key event in the active set; returns the count (0: none). */
static unsigned encode(const struct ps2kbd *kb, unsigned code, int down, uint8_t *o)
{
	const struct key *k;
	unsigned n = 0;

	if (code == PAUSE_CODE) {	/* make only, no break */
		static const uint8_t p1[] = { 0xe1, 0x1d, 0x45, 0xe1, 0x9d, 0xc5 };
		static const uint8_t p2[] = { 0xe1, 0x14, 0x77, 0xe1, 0xf0, 0x14, 0xf0, 0x77 };
		const uint8_t *p = kb->set == 1 ? p1 : p2;
		unsigned len = kb->set == 1 ? sizeof(p1) : sizeof(p2);
		if (kb->set == 3) {
			o[n++] = down ? 0x62 : 0xf0;
			if (!down)
				o[n++] = 0x62;
			return n;
		}
		if (!down)
			return 0;
		for (unsigned i = 0; i < len; i++)
			o[n++] = p[i];
		return n;
	}
	if (code > 0x7f && (code & ~0x7fu) != 0xe000)
		return 0;
	if (kb->set == 1) {
		if (!(code & 0x7f))
			return 0;
		if (code & 0xe000)
			o[n++] = 0xe0;
		o[n++] = (uint8_t)((code & 0x7f) | (down ? 0 : 0x80));
		return n;
	}
	k = find_s1(code);
	if (!k)
		return 0;
	if (kb->set == 3) {
		if (!down)
			o[n++] = 0xf0;
		o[n++] = k->s3;
		return n;
	}
	if (code & 0xe000)
		o[n++] = 0xe0;
	if (!down)
		o[n++] = 0xf0;
	o[n++] = k->s2;
	return n;
}

/* Queue one event's bytes if they all fit: 1 done, 0 no room. */
static int queue_event(struct ps2kbd *kb, uint32_t code, int down)
{
	uint8_t o[8];
	unsigned n;

	if (!code) {	/* overrun marker, once in a row */
		uint8_t mark = kb->set == 1 ? 0xff : 0x00;
		const struct ps2_queue *q = &kb->q;
		if (!ps2q_space(q))
			return 0;
		if (!q->count || q->b[(q->head + q->count - 1) % PS2_QUEUE] != mark)
			put(kb, mark);
		return 1;
	}
	n = encode(kb, code, down, o);
	if (ps2q_space(&kb->q) < n)
		return 0;
	for (unsigned i = 0; i < n; i++)
		put(kb, o[i]);
	return 1;
}

/* Move waiting events into the queue while whole sequences fit. */
static void ahead_flush(struct ps2kbd *kb)
{
	while (kb->ahead_count) {
		unsigned i = kb->ahead_head;
		if (!queue_event(kb, kb->ahead_code[i], kb->ahead_down[i]))
			return;
		kb->ahead_head = (i + 1) % PS2KBD_TYPEAHEAD;
		kb->ahead_count--;
	}
}

static void ahead_push(struct ps2kbd *kb, uint32_t code, int down)
{
	unsigned i = (kb->ahead_head + kb->ahead_count) % PS2KBD_TYPEAHEAD;
	kb->ahead_code[i] = code;
	kb->ahead_down[i] = (uint8_t)!!down;
	kb->ahead_count++;
}

void ps2kbd_key(struct ps2kbd *kb, unsigned code, int down)
{
	uint8_t o[8];

	if (!kb->scanning || !code || !encode(kb, code, down, o))
		return;
	if (!kb->ahead_count && queue_event(kb, code, down))
		return;
	if (kb->ahead_count < PS2KBD_TYPEAHEAD - 1) {
		ahead_push(kb, code, down);
	} else if (kb->ahead_count == PS2KBD_TYPEAHEAD - 1) {
		/* Overrun: the last slot holds one marker; later events are lost. */
		ahead_push(kb, 0, 0);
	}
}

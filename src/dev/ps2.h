/*
 * What the PS/2 keyboard and mouse share: the byte queue each device keeps
 * for the controller (the device's own output buffer) and the reply codes.
 * The queue is bounded; a full queue drops bytes, it never grows.
 */
#ifndef HVM_DEV_PS2_H
#define HVM_DEV_PS2_H

#include <stdint.h>

#define PS2_QUEUE	16

#define PS2_ACK		0xfa
#define PS2_RESEND	0xfe
#define PS2_ERROR	0xfc
#define PS2_BAT_OK	0xaa

struct ps2_queue {
	uint8_t b[PS2_QUEUE];
	unsigned head, count;
};

static inline unsigned ps2q_space(const struct ps2_queue *q)
{
	return PS2_QUEUE - q->count;
}

/* 0, or -1 when full (the byte is dropped). */
static inline int ps2q_push(struct ps2_queue *q, uint8_t v)
{
	if (q->count >= PS2_QUEUE)
		return -1;
	q->b[(q->head + q->count) % PS2_QUEUE] = v;
	q->count++;
	return 0;
}

/* The oldest byte, or -1 when empty. */
static inline int ps2q_pop(struct ps2_queue *q)
{
	uint8_t v;
	if (!q->count)
		return -1;
	v = q->b[q->head];
	q->head = (q->head + 1) % PS2_QUEUE;
	q->count--;
	return v;
}

static inline void ps2q_clear(struct ps2_queue *q)
{
	q->head = q->count = 0;
}

#endif

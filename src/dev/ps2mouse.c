/*
 * PS/2 mouse after the IBM PS/2 auxiliary device command set, with the
 * Microsoft IntelliMouse wheel extension:
 *
 * 0xff reset (ack, 0xaa, ID), 0xfe resend, 0xf6 defaults, 0xf5/0xf4 data
 * reporting off/on, 0xf3 sample rate, 0xf2 get ID (0; 3 after setting the
 * rates 200, 100, 80 in a row), 0xf0 remote mode, 0xee wrap (echo) mode until
 * 0xec or 0xff, 0xeb read data (one packet), 0xea stream mode, 0xe9 status
 * (flags, resolution, rate), 0xe8 resolution 0..3, 0xe7/0xe6 scaling 2:1/1:1.
 * Every command but resend clears the output queue, and all but 0xe9/0xeb
 * (which report them) the motion counters.
 *
 * Packets: byte 0 = buttons | 0x08 | X sign (0x10) | Y sign (0x20) | X
 * overflow (0x40) | Y overflow (0x80), then X and Y as 9-bit two's
 * complement (Y positive = up), then for ID 3 the wheel as -8..7.  A counter
 * beyond -256..255 is reported as overflow, clamped, and the excess lost.
 * Host motion bigger than one packet is split over several while the queue
 * has room.  Not emulated: sample-rate pacing (host events drive packets),
 * resolution scaling of host motion.
 */
#include "dev/ps2mouse.h"

#define COUNTER_MAX	(1 << 20)	/* bound on pending host motion */

static int clampi(int v, int lo, int hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

static void put(struct ps2mouse *m, uint8_t v)
{
	(void)ps2q_push(&m->q, v);
}

static void set_defaults(struct ps2mouse *m)
{
	m->wait = 0;
	m->enabled = 0;
	m->remote = 0;
	m->scale21 = 0;
	m->rate = 100;
	m->res = 2;		/* 4 counts/mm */
	m->dx = m->dy = m->dz = 0;
}

void ps2mouse_reset(struct ps2mouse *m)
{
	ps2q_clear(&m->q);
	set_defaults(m);
	m->wrap = 0;
	m->id = 0;
	m->rates[0] = m->rates[1] = m->rates[2] = 0;
	m->buttons = m->sent_buttons = 0;
	m->last = 0;
}

static unsigned packet_len(const struct ps2mouse *m)
{
	return m->id == 3 ? 4 : 3;
}

/* 2:1 scaling as the PS/2 mouse applies it in stream mode. */
static int scale(int v)
{
	static const int small[6] = { 0, 1, 1, 3, 6, 9 };
	int a = v < 0 ? -v : v;
	a = a <= 5 ? small[a] : 2 * a;
	return v < 0 ? -a : a;
}

/* Queue one packet from the counters (the caller checked the room). */
static void packet(struct ps2mouse *m, int stream)
{
	int x = m->dx, y = m->dy, z = clampi(m->dz, -8, 7);
	uint8_t b0 = (uint8_t)(0x08 | (m->buttons & 7));

	if (stream && m->scale21) {
		x = scale(x);
		y = scale(y);
	}
	if (x < -256 || x > 255) {
		b0 |= 0x40;
		x = clampi(x, -256, 255);
		m->dx = 0;		/* overflow: the rest is lost */
	} else {
		m->dx = 0;
	}
	if (y < -256 || y > 255) {
		b0 |= 0x80;
		y = clampi(y, -256, 255);
	}
	m->dy = 0;
	m->dz -= z;
	if (x < 0)
		b0 |= 0x10;
	if (y < 0)
		b0 |= 0x20;
	put(m, b0);
	put(m, (uint8_t)x);
	put(m, (uint8_t)y);
	if (m->id == 3)
		put(m, (uint8_t)(int8_t)z);
	else
		m->dz = 0;
	m->sent_buttons = m->buttons;
}

static int has_news(const struct ps2mouse *m)
{
	return m->dx || m->dy || (m->id == 3 && m->dz) || m->buttons != m->sent_buttons;
}

static int streaming(const struct ps2mouse *m)
{
	return m->enabled && !m->remote && !m->wrap && !m->wait;
}

/* Stream mode: send what the counters hold while the queue has room. */
static void flush(struct ps2mouse *m)
{
	while (streaming(m) && has_news(m) && ps2q_space(&m->q) >= packet_len(m))
		packet(m, 1);
}

void ps2mouse_move(struct ps2mouse *m, int dx, int dy, int dz, unsigned buttons)
{
	dx = clampi(dx, -COUNTER_MAX, COUNTER_MAX);
	dy = clampi(dy, -COUNTER_MAX, COUNTER_MAX);
	dz = clampi(dz, -COUNTER_MAX, COUNTER_MAX);
	m->buttons = (uint8_t)(buttons & 7);
	if (!m->enabled && !m->remote) {
		m->sent_buttons = m->buttons;	/* a disabled mouse in stream mode counts nothing */
		return;
	}
	dy = -dy;		/* screen down is PS/2 negative */
	/* Split big motion into packets that fit, while there is room. */
	while (streaming(m) && (dx || dy || dz) && ps2q_space(&m->q) >= packet_len(m) &&
	       !m->dx && !m->dy && !m->dz) {
		int sx = clampi(dx, -255, 255), sy = clampi(dy, -255, 255);
		int sz = m->id == 3 ? clampi(dz, -8, 7) : dz;
		if (m->scale21)
			break;	/* scaled motion goes through the counters as one */
		m->dx = sx;
		m->dy = sy;
		m->dz = sz;
		dx -= sx;
		dy -= sy;
		dz -= sz;
		packet(m, 1);
	}
	m->dx = clampi(m->dx + dx, -COUNTER_MAX, COUNTER_MAX);
	m->dy = clampi(m->dy + dy, -COUNTER_MAX, COUNTER_MAX);
	m->dz = clampi(m->dz + dz, -COUNTER_MAX, COUNTER_MAX);
	flush(m);
}

int ps2mouse_read(struct ps2mouse *m)
{
	int v = ps2q_pop(&m->q);
	if (v >= 0)
		m->last = (uint8_t)v;
	if (!m->q.count)
		flush(m);
	return v;
}

static int valid_rate(uint8_t r)
{
	return r == 10 || r == 20 || r == 40 || r == 60 || r == 80 || r == 100 || r == 200;
}

static void param(struct ps2mouse *m, uint8_t v)
{
	uint8_t cmd = m->wait;

	m->wait = 0;
	if (cmd == 0xf3) {
		if (!valid_rate(v)) {
			put(m, PS2_RESEND);
			return;
		}
		m->rate = v;
		m->rates[0] = m->rates[1];
		m->rates[1] = m->rates[2];
		m->rates[2] = v;
		if (m->rates[0] == 200 && m->rates[1] == 100 && m->rates[2] == 80)
			m->id = 3;
	} else {		/* 0xe8 */
		if (v > 3) {
			put(m, PS2_RESEND);
			return;
		}
		m->res = v;
	}
	put(m, PS2_ACK);
}

void ps2mouse_write(struct ps2mouse *m, uint8_t v)
{
	if (m->wait) {
		param(m, v);
		return;
	}
	if (v == 0xfe) {
		put(m, m->last);
		return;
	}
	if (m->wrap && v != 0xff && v != 0xec) {
		put(m, v);
		return;
	}
	ps2q_clear(&m->q);
	if (v != 0xeb && v != 0xe9)
		m->dx = m->dy = m->dz = 0;
	switch (v) {
	case 0xff:
		ps2mouse_reset(m);
		put(m, PS2_ACK);
		put(m, PS2_BAT_OK);
		put(m, m->id);
		return;
	case 0xf6:
		set_defaults(m);
		break;
	case 0xf5:
		m->enabled = 0;
		break;
	case 0xf4:
		m->enabled = 1;
		break;
	case 0xf3:
	case 0xe8:
		m->wait = v;
		break;
	case 0xf2:
		put(m, PS2_ACK);
		put(m, m->id);
		return;
	case 0xf0:
		m->remote = 1;
		break;
	case 0xee:
		m->wrap = 1;
		break;
	case 0xec:
		m->wrap = 0;
		break;
	case 0xea:
		m->remote = 0;
		break;
	case 0xeb:		/* one packet, whatever the mode */
		put(m, PS2_ACK);
		packet(m, 0);
		return;
	case 0xe9:
		put(m, PS2_ACK);
		put(m, (uint8_t)((m->remote ? 0x40 : 0) | (m->enabled ? 0x20 : 0) |
				 (m->scale21 ? 0x10 : 0) | ((m->buttons & 1) << 2) |
				 ((m->buttons & 4) >> 1) | ((m->buttons & 2) >> 1)));
		put(m, m->res);
		put(m, m->rate);
		return;
	case 0xe7:
		m->scale21 = 1;
		break;
	case 0xe6:
		m->scale21 = 0;
		break;
	default:
		put(m, PS2_RESEND);
		return;
	}
	put(m, PS2_ACK);
}

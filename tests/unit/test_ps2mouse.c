/* PS/2 mouse: commands, IntelliMouse ID, packets, signs, overflow, splitting, hostile streams. */
#include "test.h"
#include "dev/ps2mouse.h"

static unsigned drain(struct ps2mouse *m, uint8_t *out, unsigned max)
{
	unsigned n = 0;
	int v;
	while (n < max && (v = ps2mouse_read(m)) >= 0)
		out[n++] = (uint8_t)v;
	return n;
}

#define EXPECT(m, ...) do { \
	static const uint8_t _w[] = { __VA_ARGS__ }; \
	uint8_t _g[64]; \
	unsigned _n = drain(m, _g, sizeof(_g)); \
	CHECK_EQ(_n, sizeof(_w)); \
	for (unsigned _i = 0; _i < _n; _i++) \
		CHECK_EQ(_g[_i], _w[_i]); \
} while (0)

#define EMPTY(m) CHECK_EQ(ps2mouse_read(m), -1)

static void cmd2(struct ps2mouse *m, uint8_t c, uint8_t p)
{
	ps2mouse_write(m, c);
	ps2mouse_write(m, p);
}

TEST(reset_id_status)
{
	struct ps2mouse m;
	ps2mouse_reset(&m);
	ps2mouse_write(&m, 0xff);
	EXPECT(&m, 0xfa, 0xaa, 0x00);
	ps2mouse_write(&m, 0xf2);
	EXPECT(&m, 0xfa, 0x00);
	ps2mouse_write(&m, 0xe9);
	EXPECT(&m, 0xfa, 0x00, 0x02, 100);	/* stream, disabled, 1:1, res 2, 100/s */
	cmd2(&m, 0xf3, 40);
	cmd2(&m, 0xe8, 3);
	ps2mouse_write(&m, 0xe7);
	ps2mouse_write(&m, 0xf0);
	ps2mouse_write(&m, 0xf4);
	EXPECT(&m, 0xfa);			/* each command cleared the queue */
	ps2mouse_move(&m, 0, 0, 0, 5);		/* left + middle */
	ps2mouse_write(&m, 0xe9);
	EXPECT(&m, 0xfa, 0x40 | 0x20 | 0x10 | 0x04 | 0x02, 0x03, 40);
	cmd2(&m, 0xe8, 4);			/* bad resolution */
	EXPECT(&m, 0xfa, 0xfe);
	cmd2(&m, 0xf3, 7);			/* bad rate */
	EXPECT(&m, 0xfa, 0xfe);
	ps2mouse_write(&m, 0xe9);
	EXPECT(&m, 0xfa, 0x76, 0x03, 40);
	ps2mouse_write(&m, 0xfe);		/* resend */
	EXPECT(&m, 40);
	ps2mouse_write(&m, 0x00);		/* unknown */
	EXPECT(&m, 0xfe);
	ps2mouse_write(&m, 0xf6);		/* defaults */
	ps2mouse_write(&m, 0xe9);
	EXPECT(&m, 0xfa, 0x04 | 0x02, 0x02, 100);
}

TEST(intellimouse_sequence)
{
	struct ps2mouse m;
	ps2mouse_reset(&m);
	cmd2(&m, 0xf3, 200);
	cmd2(&m, 0xf3, 100);
	cmd2(&m, 0xf3, 60);			/* wrong third rate */
	ps2mouse_write(&m, 0xf2);
	EXPECT(&m, 0xfa, 0x00);
	cmd2(&m, 0xf3, 200);
	cmd2(&m, 0xf3, 100);
	cmd2(&m, 0xf3, 80);
	ps2mouse_write(&m, 0xf2);
	EXPECT(&m, 0xfa, 0x03);
	ps2mouse_write(&m, 0xf4);
	EXPECT(&m, 0xfa);
	ps2mouse_move(&m, -1, -2, 3, 2);	/* left 1, up 2, wheel down 3, right button */
	EXPECT(&m, 0x08 | 0x02 | 0x10, 0xff, 0x02, 0x03);
	ps2mouse_move(&m, 0, 0, -20, 2);	/* wheel clamps to -8 per packet */
	EXPECT(&m, 0x0a, 0, 0, 0xf8, 0x0a, 0, 0, 0xf8, 0x0a, 0, 0, 0xfc);
	ps2mouse_write(&m, 0xff);		/* reset: back to ID 0, 3-byte packets */
	EXPECT(&m, 0xfa, 0xaa, 0x00);
}

TEST(stream_packets_split_and_queue)
{
	struct ps2mouse m;
	uint8_t g[64];
	ps2mouse_reset(&m);
	ps2mouse_move(&m, 10, 10, 0, 0);	/* disabled: nothing, nothing kept */
	EMPTY(&m);
	ps2mouse_write(&m, 0xf4);
	EXPECT(&m, 0xfa);
	ps2mouse_move(&m, 0, 0, 0, 1);		/* a button alone makes a packet */
	EXPECT(&m, 0x09, 0, 0);
	ps2mouse_move(&m, 0, 0, 0, 1);		/* nothing new: nothing */
	EMPTY(&m);
	ps2mouse_move(&m, 600, -300, 0, 0);	/* split: 255+255+90 right, 255+45 up */
	EXPECT(&m, 0x08, 0xff, 0xff, 0x08, 0xff, 0x2d, 0x08, 0x5a, 0x00);
	ps2mouse_move(&m, -256, 256, 0, 0);
	EXPECT(&m, 0x38, 0x01, 0x01, 0x38, 0xff, 0xff);	/* left 255+1, down 255+1 */
	/* Queue full: motion waits in the counters and comes out as reads make room. */
	for (int i = 0; i < 10; i++)
		ps2mouse_move(&m, 1, 0, 0, 0);
	CHECK_EQ(m.q.count, 15);		/* five packets fit in 16 bytes */
	unsigned n = drain(&m, g, 64);
	CHECK_EQ(n, 18);			/* then one with the other five counts */
	CHECK_EQ(g[15], 0x08);
	CHECK_EQ(g[16], 0x05);
	/* Beyond a packet while the queue is full: overflow bit, the rest lost. */
	for (int i = 0; i < 5; i++)
		ps2mouse_move(&m, 1, 0, 0, 0);
	ps2mouse_move(&m, 1000, 0, 0, 0);
	n = drain(&m, g, 64);
	CHECK_EQ(n, 18);
	CHECK_EQ(g[15], 0x08 | 0x40);
	CHECK_EQ(g[16], 0xff);
	EMPTY(&m);
}

TEST(remote_mode_overflow_and_scaling)
{
	struct ps2mouse m;
	ps2mouse_reset(&m);
	ps2mouse_write(&m, 0xf0);
	EXPECT(&m, 0xfa);
	ps2mouse_move(&m, 300, 400, 0, 0);	/* remote: counted, not sent */
	EMPTY(&m);
	ps2mouse_write(&m, 0xeb);
	EXPECT(&m, 0xfa, 0x08 | 0x40 | 0x80 | 0x20, 0xff, 0x00);
	ps2mouse_write(&m, 0xeb);		/* counters were reset */
	EXPECT(&m, 0xfa, 0x08, 0, 0);
	ps2mouse_write(&m, 0xea);
	ps2mouse_write(&m, 0xf4);
	ps2mouse_write(&m, 0xe7);
	EXPECT(&m, 0xfa);
	ps2mouse_move(&m, 3, 0, 0, 0);		/* 2:1 scaling: 3 -> 3, 4 -> 6, 5 -> 9, 7 -> 14 */
	ps2mouse_move(&m, 4, 0, 0, 0);
	ps2mouse_move(&m, -5, 0, 0, 0);
	ps2mouse_move(&m, 7, 0, 0, 0);
	EXPECT(&m, 0x08, 3, 0, 0x08, 6, 0, 0x18, 0xf7, 0, 0x08, 14, 0);
}

TEST(wrap_mode_echoes)
{
	struct ps2mouse m;
	ps2mouse_reset(&m);
	ps2mouse_write(&m, 0xf4);
	ps2mouse_write(&m, 0xee);
	EXPECT(&m, 0xfa);
	ps2mouse_move(&m, 5, 5, 0, 0);		/* no packets while wrapping */
	ps2mouse_write(&m, 0xf2);
	ps2mouse_write(&m, 0x12);
	EXPECT(&m, 0xf2, 0x12);
	ps2mouse_write(&m, 0xec);
	EXPECT(&m, 0xfa);
	ps2mouse_write(&m, 0xf2);
	EXPECT(&m, 0xfa, 0x00);
}

TEST(hostile_command_streams)
{
	struct ps2mouse m;
	uint32_t s = 7;
	ps2mouse_reset(&m);
	for (int i = 0; i < 100000; i++) {
		s = s * 1103515245 + 12345;
		ps2mouse_write(&m, (uint8_t)(s >> 16));
		if (s & 0x80000000)
			ps2mouse_move(&m, (int)s, (int)(s * 7), (int)(s >> 1), s);
		if (s & 0x40000000)
			(void)ps2mouse_read(&m);
		CHECK(m.q.count <= PS2_QUEUE);
		CHECK(m.id == 0 || m.id == 3);
		CHECK(m.dx >= -(1 << 20) && m.dx <= (1 << 20));
	}
}

TEST_MAIN_BEGIN("test_ps2mouse")
	RUN(reset_id_status);
	RUN(intellimouse_sequence);
	RUN(stream_packets_split_and_queue);
	RUN(remote_mode_overflow_and_scaling);
	RUN(wrap_mode_echoes);
	RUN(hostile_command_streams);
TEST_MAIN_END()

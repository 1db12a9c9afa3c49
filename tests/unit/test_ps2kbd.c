/* PS/2 keyboard: commands, parameters, scan-code sets, the 8042 translation table, overrun. */
#include "test.h"
#include "dev/ps2kbd.h"

static unsigned drain(struct ps2kbd *kb, uint8_t *out, unsigned max)
{
	unsigned n = 0;
	int v;
	while (n < max && (v = ps2kbd_read(kb)) >= 0)
		out[n++] = (uint8_t)v;
	return n;
}

#define EXPECT(kb, ...) do { \
	static const uint8_t _w[] = { __VA_ARGS__ }; \
	uint8_t _g[64]; \
	unsigned _n = drain(kb, _g, sizeof(_g)); \
	CHECK_EQ(_n, sizeof(_w)); \
	for (unsigned _i = 0; _i < _n; _i++) \
		CHECK_EQ(_g[_i], _w[_i]); \
} while (0)

#define EMPTY(kb) CHECK_EQ(ps2kbd_read(kb), -1)

TEST(reset_identify_echo)
{
	struct ps2kbd kb;
	ps2kbd_reset(&kb);
	EMPTY(&kb);
	ps2kbd_write(&kb, 0xff);
	EXPECT(&kb, 0xfa, 0xaa);
	ps2kbd_write(&kb, 0xf2);
	EXPECT(&kb, 0xfa, 0xab, 0x83);
	ps2kbd_write(&kb, 0xee);
	EXPECT(&kb, 0xee);
	ps2kbd_write(&kb, 0xfe);		/* resend: the last byte */
	EXPECT(&kb, 0xee);
	ps2kbd_write(&kb, 0x00);		/* not a command */
	EXPECT(&kb, 0xfe);
	ps2kbd_write(&kb, 0xf7);		/* set-3 attribute commands: acked */
	EXPECT(&kb, 0xfa);
}

TEST(parameters)
{
	struct ps2kbd kb;
	ps2kbd_reset(&kb);
	ps2kbd_write(&kb, 0xed);
	ps2kbd_write(&kb, 0x05);
	EXPECT(&kb, 0xfa, 0xfa);
	CHECK_EQ(kb.leds, 5);
	ps2kbd_write(&kb, 0xed);
	ps2kbd_write(&kb, 0x40);		/* bad LED bits: resend, LEDs kept */
	EXPECT(&kb, 0xfa, 0xfe);
	CHECK_EQ(kb.leds, 5);
	ps2kbd_write(&kb, 0x40);		/* the wait is over: unknown command */
	EXPECT(&kb, 0xfe);
	ps2kbd_write(&kb, 0xf3);
	ps2kbd_write(&kb, 0xf2);		/* a command instead: it clears the queue */
	EXPECT(&kb, 0xfa, 0xab, 0x83);
	ps2kbd_write(&kb, 0xf3);
	ps2kbd_write(&kb, 0x7f);
	EXPECT(&kb, 0xfa, 0xfa);
	CHECK_EQ(kb.typematic, 0x7f);
	ps2kbd_write(&kb, 0xf0);
	ps2kbd_write(&kb, 0x04);		/* no set 4 */
	EXPECT(&kb, 0xfa, 0xfe);
	CHECK_EQ(kb.set, 2);
	ps2kbd_write(&kb, 0xf0);
	ps2kbd_write(&kb, 0x03);
	ps2kbd_write(&kb, 0xf0);
	ps2kbd_write(&kb, 0x00);
	EXPECT(&kb, 0xfa, 0xfa, 0x03);		/* the second 0xf0 cleared the first acks */
	ps2kbd_write(&kb, 0xfb);		/* key list: acked until a command */
	ps2kbd_write(&kb, 0x1c);
	ps2kbd_write(&kb, 0x1b);
	ps2kbd_write(&kb, 0xf4);
	EXPECT(&kb, 0xfa);			/* 0xf4 cleared the queue, then acked */
	ps2kbd_write(&kb, 0xf6);		/* defaults keep the set */
	EXPECT(&kb, 0xfa);
	CHECK_EQ(kb.set, 3);
}

TEST(enable_disable_and_queue_clearing)
{
	struct ps2kbd kb;
	ps2kbd_reset(&kb);
	ps2kbd_key(&kb, 0x1e, 1);
	ps2kbd_write(&kb, 0xf5);		/* a command drops what was queued */
	EXPECT(&kb, 0xfa);
	ps2kbd_key(&kb, 0x1e, 1);
	EMPTY(&kb);
	ps2kbd_write(&kb, 0xf4);
	EXPECT(&kb, 0xfa);
	ps2kbd_key(&kb, 0x1e, 1);
	ps2kbd_key(&kb, 0x1e, 0);
	EXPECT(&kb, 0x1c, 0xf0, 0x1c);
	ps2kbd_key(&kb, 0x55, 1);		/* no such key */
	ps2kbd_key(&kb, 0x1234, 1);
	ps2kbd_key(&kb, 0xe0ff, 1);
	ps2kbd_key(&kb, 0xffffffff, 1);
	EMPTY(&kb);
}

/* What the 8042 hands the guest for keyboard bytes with translation on. */
static unsigned xlate(const uint8_t *in, unsigned n, uint8_t *out)
{
	unsigned m = 0;
	int brk = 0;
	for (unsigned i = 0; i < n; i++) {
		if (in[i] == 0xf0) {
			brk = 1;
			continue;
		}
		out[m++] = ps2_xlate_set2(in[i]) | (brk ? 0x80 : 0);
		brk = 0;
	}
	return m;
}

TEST(set2_translates_to_set1_for_every_key)
{
	struct ps2kbd k1, k2, k3;
	unsigned keys = 0;
	ps2kbd_reset(&k1);
	ps2kbd_reset(&k2);
	ps2kbd_reset(&k3);
	k1.set = 1;
	k3.set = 3;
	for (unsigned i = 0; i < 256; i++) {
		unsigned code = i < 128 ? i : 0xe000 | (i - 128);
		for (int down = 0; down < 2; down++) {
			uint8_t b1[16], b2[16], b3[16], t[16];
			ps2kbd_key(&k2, code, down);
			unsigned n2 = drain(&k2, b2, 16);
			if (!n2)
				continue;	/* not a key of this keyboard */
			ps2kbd_key(&k1, code, down);
			ps2kbd_key(&k3, code, down);
			unsigned n1 = drain(&k1, b1, 16), n3 = drain(&k3, b3, 16);
			unsigned nt = xlate(b2, n2, t);
			CHECK_EQ(nt, n1);
			for (unsigned j = 0; j < n1; j++)
				CHECK_EQ(t[j], b1[j]);
			CHECK_EQ(n3, down ? 1 : 2);	/* every key has a set-3 code */
			CHECK(b3[n3 - 1] != 0);
			keys += down;
		}
	}
	CHECK(keys >= 100);			/* a full 104-key board */
	/* Replies the keyboard sends through the translation. */
	CHECK_EQ(ps2_xlate_set2(0xfa), 0xfa);
	CHECK_EQ(ps2_xlate_set2(0xaa), 0xaa);
	CHECK_EQ(ps2_xlate_set2(0x83), 0x41);
	CHECK_EQ(ps2_xlate_set2(0x00), 0xff);
}

TEST(pause_and_overrun)
{
	struct ps2kbd kb;
	ps2kbd_reset(&kb);
	ps2kbd_key(&kb, 0xe11d45, 1);
	ps2kbd_key(&kb, 0xe11d45, 0);
	EXPECT(&kb, 0xe1, 0x14, 0x77, 0xe1, 0xf0, 0x14, 0xf0, 0x77);
	for (int i = 0; i < 100; i++)
		ps2kbd_key(&kb, 0xe048, 1);	/* 2 bytes each */
	uint8_t g[1024];
	unsigned n = drain(&kb, g, sizeof(g));
	/* 8 events in the queue, 63 waiting in the type-ahead, then one overrun byte */
	CHECK_EQ(n, PS2_QUEUE + 2 * (PS2KBD_TYPEAHEAD - 1) + 1);
	for (unsigned i = 0; i + 1 < n; i++)
		CHECK_EQ(g[i], i & 1 ? 0x75 : 0xe0);	/* whole sequences only */
	CHECK_EQ(g[n - 1], 0x00);
	ps2kbd_key(&kb, 0xe048, 1);
	for (int i = 0; i < 100; i++)
		ps2kbd_key(&kb, 0xe11d45, 1);	/* 8 bytes each */
	n = drain(&kb, g, sizeof(g));
	/* the 2-byte event and one 8-byte one in the queue, 63 waiting, one overrun byte */
	CHECK_EQ(n, 2 + 8 + 8 * (PS2KBD_TYPEAHEAD - 1) + 1);
	CHECK_EQ(g[2], 0xe1);
	CHECK_EQ(g[10], 0xe1);
	CHECK_EQ(g[n - 1], 0x00);
	kb.set = 1;
	ps2kbd_key(&kb, 0x1e, 1);
	for (int i = 0; i < 100; i++)
		ps2kbd_key(&kb, 0xe048, 1);
	n = drain(&kb, g, sizeof(g));
	CHECK_EQ(g[n - 1], 0xff);		/* set-1 overrun */
}

TEST(hostile_command_streams)
{
	struct ps2kbd kb;
	uint32_t s = 1;
	ps2kbd_reset(&kb);
	for (int i = 0; i < 100000; i++) {
		s = s * 1103515245 + 12345;
		ps2kbd_write(&kb, (uint8_t)(s >> 16));
		if (s & 0x80000000)
			ps2kbd_key(&kb, (s >> 3) & 0xe07f, s & 1);
		if (s & 0x40000000)
			(void)ps2kbd_read(&kb);
		CHECK(kb.q.count <= PS2_QUEUE);
		CHECK(kb.set >= 1 && kb.set <= 3);
	}
}

TEST_MAIN_BEGIN("test_ps2kbd")
	RUN(reset_identify_echo);
	RUN(parameters);
	RUN(enable_disable_and_queue_clearing);
	RUN(set2_translates_to_set1_for_every_key);
	RUN(pause_and_overrun);
	RUN(hostile_command_streams);
TEST_MAIN_END()

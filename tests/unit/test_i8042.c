/* 8042 keyboard controller: status, commands, reset line, translation, keyboard and mouse through it. */
#include "test.h"
#include "fake/fake.h"
#include "dev/i8042.h"
#include "dev/ps2kbd.h"
#include "layout.h"

static struct fake_vmctl vc;
static struct fake_irq irq;

static struct i8042 *mk(void)
{
	fake_vmctl_init(&vc);
	fake_irq_init(&irq);
	return i8042_new(&vc.ctl, &irq.line[IRQ_KBD], &irq.line[IRQ_MOUSE]);
}

static uint8_t st(struct i8042 *k) { return (uint8_t)i8042_cmd_ops.read(k, 0, 1); }
static void cmd(struct i8042 *k, uint8_t v) { i8042_cmd_ops.write(k, 0, 1, v); }
static uint8_t rd(struct i8042 *k) { return (uint8_t)i8042_data_ops.read(k, 0, 1); }
static void wr(struct i8042 *k, uint8_t v) { i8042_data_ops.write(k, 0, 1, v); }

TEST(status_after_reset)
{
	struct i8042 *k = mk();
	uint8_t s = st(k);
	CHECK_EQ(s & 0x01, 0);		/* output buffer empty */
	CHECK_EQ(s & 0x02, 0);		/* input buffer empty: writes never wait */
	CHECK_EQ(s & 0x04, 0x04);	/* system flag */
	CHECK_EQ(rd(k), 0);		/* nothing queued */
	CHECK_EQ(irq.level[IRQ_KBD], 0);
	i8042_free(k);
}

TEST(reset_command_0xfe)
{
	struct i8042 *k = mk();
	cmd(k, 0xff);			/* pulse nothing */
	CHECK_EQ(vc.count, 0);
	cmd(k, 0xfe);
	CHECK_EQ(vc.count, 1);
	CHECK_EQ(vc.last, VMREQ_RESET);
	i8042_free(k);
}

TEST(self_test_and_command_byte)
{
	struct i8042 *k = mk();
	cmd(k, 0xaa);
	CHECK_EQ(st(k) & 0x01, 0x01);
	CHECK_EQ(irq.level[IRQ_KBD], 1);
	CHECK_EQ(rd(k), 0x55);
	CHECK_EQ(st(k) & 0x01, 0);
	CHECK_EQ(irq.level[IRQ_KBD], 0);
	cmd(k, 0x60);
	CHECK_EQ(st(k) & 0x08, 0x08);	/* last write was a command */
	wr(k, 0x00);			/* interrupts off, SYS clear */
	CHECK_EQ(st(k) & 0x08, 0);
	CHECK_EQ(st(k) & 0x04, 0);
	cmd(k, 0x20);
	CHECK_EQ(irq.level[IRQ_KBD], 0);	/* disabled in the command byte */
	CHECK_EQ(st(k) & 0x01, 0x01);
	CHECK_EQ(rd(k), 0x00);
	cmd(k, 0x60);
	wr(k, 0x65);
	cmd(k, 0xad);
	cmd(k, 0x20);
	CHECK_EQ(rd(k), 0x75);		/* 0xad sets the keyboard-disable bit */
	cmd(k, 0xae);
	cmd(k, 0xa7);
	cmd(k, 0x20);
	CHECK_EQ(rd(k), 0x65 | 0x20);
	cmd(k, 0xab);
	CHECK_EQ(rd(k), 0x00);
	i8042_free(k);
}

TEST(output_port_reset_and_a20)
{
	struct i8042 *k = mk();
	struct fake_irq a20;
	fake_irq_init(&a20);
	i8042_set_a20_line(k, &a20.line[3]);
	CHECK_EQ(i8042_a20(k), 1);
	cmd(k, 0xd1);
	wr(k, 0x01);			/* A20 off, reset line high */
	CHECK_EQ(vc.count, 0);
	CHECK_EQ(i8042_a20(k), 0);
	CHECK_EQ(a20.level[3], 0);	/* the board's A20 line follows bit 1 */
	i8042_data_ops.reset(k);
	CHECK_EQ(a20.level[3], 1);	/* reset opens the gate again */
	CHECK_EQ(i8042_a20(k), 1);
	cmd(k, 0xd1);
	wr(k, 0x01);
	cmd(k, 0xd0);
	CHECK_EQ(rd(k), 0x01);
	cmd(k, 0xd1);
	wr(k, 0x03);
	CHECK_EQ(i8042_a20(k), 1);
	cmd(k, 0xd1);
	wr(k, 0x02);			/* bit 0 low: reset */
	CHECK_EQ(vc.count, 1);
	CHECK_EQ(vc.last, VMREQ_RESET);
	i8042_free(k);
}

TEST(keyboard_commands)
{
	struct i8042 *k = mk();
	wr(k, 0xff);
	CHECK_EQ(rd(k), 0xfa);
	CHECK_EQ(irq.level[IRQ_KBD], 1);	/* next byte raises again */
	CHECK_EQ(rd(k), 0xaa);
	wr(k, 0xf2);
	CHECK_EQ(rd(k), 0xfa);
	CHECK_EQ(rd(k), 0xab);
	CHECK_EQ(rd(k), 0x41);			/* translated, as the command byte says */
	wr(k, 0xf5);
	CHECK_EQ(rd(k), 0xfa);
	i8042_key(k, 0x1e, 1);
	CHECK_EQ(st(k) & 0x01, 0);		/* not scanning */
	wr(k, 0xf4);
	CHECK_EQ(rd(k), 0xfa);
	wr(k, 0xed);
	CHECK_EQ(rd(k), 0xfa);
	wr(k, 0x07);			/* LED parameter, not a command */
	CHECK_EQ(rd(k), 0xfa);
	wr(k, 0xee);
	CHECK_EQ(rd(k), 0xee);
	CHECK_EQ(st(k) & 0x01, 0);
	wr(k, 0xf0);
	CHECK_EQ(rd(k), 0xfa);
	wr(k, 0x00);
	CHECK_EQ(rd(k), 0xfa);
	CHECK_EQ(rd(k), 0x41);		/* set 2, through the translation as on a PC */
	wr(k, 0x42);			/* unknown */
	CHECK_EQ(rd(k), 0xfe);
	i8042_key(k, 0x1e, 1);
	i8042_key(k, 0x1e, 0);
	CHECK_EQ(rd(k), 0x1e);
	CHECK_EQ(rd(k), 0x9e);
	CHECK_EQ(st(k) & 0x01, 0);
	CHECK_EQ(rd(k), 0x9e);		/* an empty buffer reads its last byte again */
	i8042_free(k);
}

/* Read everything queued (at most max bytes) into out; returns the count. */
static unsigned drain(struct i8042 *k, uint8_t *out, unsigned max)
{
	unsigned n = 0;
	while ((st(k) & 1) && n < max)
		out[n++] = rd(k);
	return n;
}

#define EXPECT(k, ...) do { \
	static const uint8_t _w[] = { __VA_ARGS__ }; \
	uint8_t _g[64]; \
	unsigned _n = drain(k, _g, sizeof(_g)); \
	CHECK_EQ(_n, sizeof(_w)); \
	for (unsigned _i = 0; _i < _n; _i++) \
		CHECK_EQ(_g[_i], _w[_i]); \
} while (0)

static void set_cb(struct i8042 *k, uint8_t v) { cmd(k, 0x60); wr(k, v); }

TEST(translation_and_scan_sets)
{
	struct i8042 *k = mk();
	i8042_key(k, 0xe048, 1);		/* up arrow, set 2 translated */
	i8042_key(k, 0xe048, 0);
	EXPECT(k, 0xe0, 0x48, 0xe0, 0xc8);
	i8042_key(k, 0xe11d45, 1);		/* Pause */
	i8042_key(k, 0xe11d45, 0);		/* no break code */
	EXPECT(k, 0xe1, 0x1d, 0x45, 0xe1, 0x9d, 0xc5);
	set_cb(k, 0x01);			/* translation off: raw set 2 */
	i8042_key(k, 0x1e, 1);
	i8042_key(k, 0x1e, 0);
	i8042_key(k, 0xe048, 0);
	EXPECT(k, 0x1c, 0xf0, 0x1c, 0xe0, 0xf0, 0x75);
	wr(k, 0xf2);
	EXPECT(k, 0xfa, 0xab, 0x83);
	wr(k, 0xf0);
	wr(k, 0x01);
	EXPECT(k, 0xfa, 0xfa);
	i8042_key(k, 0x2a, 1);			/* set 1 itself */
	i8042_key(k, 0xe01d, 0);
	EXPECT(k, 0x2a, 0xe0, 0x9d);
	wr(k, 0xf0);
	wr(k, 0x03);
	EXPECT(k, 0xfa, 0xfa);
	i8042_key(k, 0x3b, 1);			/* F1 in set 3 */
	i8042_key(k, 0xe048, 0);		/* up, break, no prefix */
	EXPECT(k, 0x07, 0xf0, 0x63);
	wr(k, 0xf0);
	wr(k, 0x00);
	EXPECT(k, 0xfa, 0xfa, 0x03);
	wr(k, 0xff);				/* reset: back to set 2 */
	EXPECT(k, 0xfa, 0xaa);
	i8042_key(k, 0x10, 1);
	EXPECT(k, 0x15);
	i8042_free(k);
}

TEST(mouse_through_the_controller)
{
	struct i8042 *k = mk();
	set_cb(k, 0x47);			/* both IRQs, translation */
	cmd(k, 0xa8);
	cmd(k, 0xd4);
	wr(k, 0xff);
	CHECK_EQ(st(k) & 0x21, 0x21);		/* AUX OBF */
	CHECK_EQ(irq.level[IRQ_MOUSE], 1);
	CHECK_EQ(irq.level[IRQ_KBD], 0);
	EXPECT(k, 0xfa, 0xaa, 0x00);
	i8042_mouse(k, 5, 3, 0, 1);		/* not reporting yet */
	CHECK_EQ(st(k) & 1, 0);
	cmd(k, 0xd4);
	wr(k, 0xf4);
	EXPECT(k, 0xfa);
	i8042_mouse(k, 5, 3, 0, 1);		/* right 5, down 3, left button */
	EXPECT(k, 0x29, 0x05, 0xfd);
	cmd(k, 0xa7);				/* aux disabled: held back */
	i8042_mouse(k, -2, 0, 0, 0);
	i8042_key(k, 0x1e, 1);
	CHECK_EQ(st(k) & 0x21, 0x01);		/* the key, from the keyboard */
	EXPECT(k, 0x1e);
	cmd(k, 0xa8);
	CHECK_EQ(st(k) & 0x21, 0x21);
	EXPECT(k, 0x18, 0xfe, 0x00);
	set_cb(k, 0x45);			/* IRQ 12 off: bytes still readable */
	i8042_mouse(k, 1, 0, 0, 0);
	CHECK_EQ(irq.level[IRQ_MOUSE], 0);
	EXPECT(k, 0x08, 0x01, 0x00);
	cmd(k, 0xd3);				/* write aux output buffer */
	wr(k, 0x77);
	CHECK_EQ(st(k) & 0x21, 0x21);
	EXPECT(k, 0x77);
	i8042_free(k);
}

TEST(controller_ram_and_ports)
{
	struct i8042 *k = mk();
	cmd(k, 0x7f);
	wr(k, 0x5a);
	cmd(k, 0x3f);
	EXPECT(k, 0x5a);
	cmd(k, 0x20);
	EXPECT(k, 0x45);			/* default command byte */
	cmd(k, 0xc0);
	EXPECT(k, 0x80);
	cmd(k, 0xa4);
	EXPECT(k, 0xf1);
	cmd(k, 0xa9);
	EXPECT(k, 0x00);
	for (unsigned v = 0xf0; v <= 0xff; v++) {	/* only even pulses reset */
		unsigned before = vc.count;
		cmd(k, (uint8_t)v);
		CHECK_EQ(vc.count - before, (v & 1) ? 0 : 1);
	}
	i8042_free(k);
}

TEST(host_key_flood_overruns)
{
	struct i8042 *k = mk();
	uint8_t got[256];
	for (int i = 0; i < 1000; i++)
		i8042_key(k, 0x1e, i & 1 ? 0 : 1);
	unsigned n = drain(k, got, sizeof(got));
	/*
	 * the queue (set-2 breaks are 2 bytes: f0 1e), then the type-ahead's
	 * events in order, then one overrun code
	 */
	CHECK(n > PS2KBD_TYPEAHEAD + 8 && n < PS2KBD_TYPEAHEAD + 18);
	CHECK_EQ(got[n - 1], 0xff);		/* set-2 overrun 0x00, translated */
	for (unsigned i = 0; i + 1 < n; i++)
		CHECK_EQ(got[i], i & 1 ? 0x9e : 0x1e);
	/* after the flood, keys flow again */
	i8042_key(k, 0x2c, 1);
	CHECK_EQ(drain(k, got, sizeof(got)), 1);
	CHECK_EQ(got[0], 0x2c);
	for (int i = 0; i < 1000; i++)
		i8042_mouse(k, 1000, -1000, 3, 7);	/* reporting off: nothing */
	CHECK_EQ(st(k) & 1, 0);
	i8042_free(k);
}

/* A small deterministic PRNG for the hostile streams. */
static uint32_t rng_state = 12345;
static uint32_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 17;
	rng_state ^= rng_state << 5;
	return rng_state;
}

TEST(hostile_random_streams)
{
	struct i8042 *k = mk();
	for (int i = 0; i < 200000; i++) {
		uint32_t r = rnd();
		uint8_t v = (uint8_t)(r >> 8);
		switch (r % 7) {
		case 0: case 1:
			if (v >= 0xf0 && !(v & 1))
				v |= 1;		/* keep resets out: they only count */
			cmd(k, v);
			break;
		case 2: case 3:
			wr(k, v);
			break;
		case 4:
			(void)rd(k);
			CHECK_EQ(st(k) & 0x02, 0);
			break;
		case 5:
			i8042_key(k, (r & 0x100) ? 0xe000 | (v & 0x7f) : v, r & 0x200);
			break;
		default:
			i8042_mouse(k, (int)(r >> 4) - (1 << 27), (int)(r >> 6) - (1 << 25),
				    (int)(v) - 128, r >> 28);
			break;
		}
		/* IRQs never claim a byte that is not there. */
		if (irq.level[IRQ_KBD] || irq.level[IRQ_MOUSE])
			CHECK(st(k) & 1);
	}
	unsigned n = 0;				/* and the output always drains */
	while ((st(k) & 1) && n < 1000) {
		(void)rd(k);
		n++;
	}
	CHECK(n < 1000);
	i8042_free(k);
}

TEST(aux_bytes_use_irq12_and_queue_bounds)
{
	struct i8042 *k = mk();
	cmd(k, 0x60);
	wr(k, 0x47);			/* both interrupts on */
	cmd(k, 0xd3);
	wr(k, 0x5a);
	CHECK_EQ(st(k) & 0x21, 0x21);
	CHECK_EQ(irq.level[IRQ_MOUSE], 1);
	CHECK_EQ(irq.level[IRQ_KBD], 0);
	CHECK_EQ(rd(k), 0x5a);
	CHECK_EQ(irq.level[IRQ_MOUSE], 0);
	for (int i = 0; i < 100; i++)	/* hostile: flood the output buffer */
		cmd(k, 0xaa);
	int n = 0;
	while (st(k) & 1) {
		CHECK_EQ(rd(k), 0x55);
		CHECK(++n <= 100);
	}
	CHECK(n >= 1);
	for (unsigned v = 0; v < 256; v++) {	/* every command, then every data byte */
		cmd(k, (uint8_t)v);
		if (v == 0xd1)
			wr(k, 0x03);
		while (st(k) & 1)
			(void)rd(k);
	}
	i8042_free(k);
}

TEST_MAIN_BEGIN("test_i8042")
	RUN(status_after_reset);
	RUN(reset_command_0xfe);
	RUN(self_test_and_command_byte);
	RUN(output_port_reset_and_a20);
	RUN(keyboard_commands);
	RUN(translation_and_scan_sets);
	RUN(mouse_through_the_controller);
	RUN(controller_ram_and_ports);
	RUN(host_key_flood_overruns);
	RUN(hostile_random_streams);
	RUN(aux_bytes_use_irq12_and_queue_bounds);
TEST_MAIN_END()

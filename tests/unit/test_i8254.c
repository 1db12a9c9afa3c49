/* 8254 PIT and port 0x61: modes, latch, read-back, gate, OUT2, BCD, IRQ 0 timing. */
#include "test.h"

#include "fake/fake.h"
#include "dev/i8254.h"

static struct fake_clock fc;
static struct fake_irq fi;

static struct i8254 *pit_setup(void)
{
	fake_clock_init(&fc, 0);
	fake_irq_init(&fi);
	fc.now = 1000000;	/* not at zero, so nothing depends on time 0 */
	return i8254_new(&fc.c, &fi.line[0]);
}

static void outb(struct i8254 *p, unsigned port, uint8_t v)
{
	if (port == 0x61)
		i8254_port61_ops.write(p, 0, 1, v);
	else
		i8254_ops.write(p, port - 0x40, 1, v);
}

static uint8_t inb(struct i8254 *p, unsigned port)
{
	if (port == 0x61)
		return (uint8_t)i8254_port61_ops.read(p, 0, 1);
	return (uint8_t)i8254_ops.read(p, port - 0x40, 1);
}

static uint16_t latch_read(struct i8254 *p, int ch)
{
	outb(p, 0x43, (uint8_t)(ch << 6));	/* counter latch command */
	uint8_t lo = inb(p, 0x40 + ch);
	return (uint16_t)(lo | inb(p, 0x40 + ch) << 8);
}

/* ns for exactly `ticks` PIT clocks to have elapsed. */
static uint64_t tick_ns(uint64_t ticks)
{
	return (ticks * 1000000000ULL + PIT_FREQ_HZ - 1) / PIT_FREQ_HZ;
}

TEST(mode2_periodic_irq_count)
{
	struct i8254 *p = pit_setup();
	outb(p, 0x43, 0x34);			/* ch0, LSB then MSB, mode 2, binary */
	outb(p, 0x40, 11932 & 0xff);
	outb(p, 0x40, 11932 >> 8);		/* ~100 Hz */
	CHECK_EQ(fi.raises[0], 0);
	fake_clock_advance(&fc, 105000000);	/* 105 ms: 10 periods */
	CHECK_EQ(fi.raises[0], 10);
	fake_clock_advance(&fc, 1000000000);
	CHECK_EQ(fi.raises[0], 110);
	CHECK_EQ(fi.level[0], 0);		/* each period is a pulse */
	i8254_free(p);
}

TEST(mode3_square_wave_irqs)
{
	struct i8254 *p = pit_setup();
	outb(p, 0x43, 0x36);
	outb(p, 0x40, 0); outb(p, 0x40, 0);	/* 0 = 65536: 18.2 Hz */
	fake_clock_advance(&fc, 1000000000);
	CHECK_EQ(fi.raises[0], 18);
	i8254_free(p);
}

TEST(counter_readout_is_time_based)
{
	struct i8254 *p = pit_setup();
	outb(p, 0x43, 0x34);
	outb(p, 0x40, 11932 & 0xff);
	outb(p, 0x40, 11932 >> 8);
	CHECK_EQ(latch_read(p, 0), 11932);
	CHECK_EQ(latch_read(p, 0), 11932);	/* reading doesn't make it count */
	fake_clock_advance(&fc, tick_ns(1000));
	CHECK_EQ(latch_read(p, 0), 11932 - 1000);
	fake_clock_advance(&fc, tick_ns(11932) - tick_ns(1000));
	CHECK_EQ(latch_read(p, 0), 11932);	/* reloaded */
	/* A latched value stays until read, however much time passes. */
	outb(p, 0x43, 0x00);
	fake_clock_advance(&fc, tick_ns(500));
	uint8_t lo = inb(p, 0x40);
	CHECK_EQ(lo | inb(p, 0x40) << 8, 11932);
	i8254_free(p);
}

TEST(mode0_one_shot)
{
	struct i8254 *p = pit_setup();
	outb(p, 0x43, 0x30);			/* ch0, mode 0 */
	CHECK_EQ(fi.level[0], 0);
	outb(p, 0x40, 1000 & 0xff);
	outb(p, 0x40, 1000 >> 8);
	fake_clock_advance(&fc, tick_ns(999));
	CHECK_EQ(fi.level[0], 0);
	fake_clock_advance(&fc, tick_ns(1000) - tick_ns(999));
	CHECK_EQ(fi.level[0], 1);		/* OUT goes high at terminal count and stays */
	fake_clock_advance(&fc, 1000000000);
	CHECK_EQ(fi.raises[0], 1);
	CHECK_EQ(fake_clock_armed(&fc), 0);	/* nothing polls */
	/* The counter wraps on past zero. */
	uint16_t v = latch_read(p, 0);
	CHECK(v != 0);
	/* A new control word drops OUT. */
	outb(p, 0x43, 0x30);
	CHECK_EQ(fi.level[0], 0);
	i8254_free(p);
}

TEST(readback_status_and_null_count)
{
	struct i8254 *p = pit_setup();
	outb(p, 0x43, 0xb0);			/* ch2, LSB/MSB, mode 0 */
	outb(p, 0x43, 0xe8);			/* read-back: status only, ch2 */
	CHECK_EQ(inb(p, 0x42), 0x70);		/* OUT low, null count, RW=3, mode 0 */
	outb(p, 0x61, 0x01);			/* gate 2 high */
	outb(p, 0x42, 0x34); outb(p, 0x42, 0x12);
	fake_clock_advance(&fc, tick_ns(0x10));
	outb(p, 0x43, 0xc8);			/* read-back: count and status, ch2 */
	CHECK_EQ(inb(p, 0x42), 0x30);		/* count loaded: null count clear */
	uint8_t lo = inb(p, 0x42);
	CHECK_EQ(lo | inb(p, 0x42) << 8, 0x1234 - 0x10);
	i8254_free(p);
}

TEST(port61_gate_and_out2)
{
	struct i8254 *p = pit_setup();
	outb(p, 0x61, 0x00);			/* gate low */
	outb(p, 0x43, 0xb0);
	outb(p, 0x42, 100); outb(p, 0x42, 0);
	fake_clock_advance(&fc, tick_ns(200));
	CHECK_EQ(inb(p, 0x61) & 0x20, 0);	/* gate low: not counting */
	CHECK_EQ(latch_read(p, 2), 100);
	outb(p, 0x61, 0x01);
	CHECK_EQ(inb(p, 0x61) & 0x01, 0x01);
	fake_clock_advance(&fc, tick_ns(50));
	outb(p, 0x61, 0x00);			/* suspend at 50 */
	fake_clock_advance(&fc, tick_ns(500));
	CHECK_EQ(latch_read(p, 2), 50);
	outb(p, 0x61, 0x01);
	fake_clock_advance(&fc, tick_ns(49));
	CHECK_EQ(inb(p, 0x61) & 0x20, 0);
	fake_clock_advance(&fc, tick_ns(2));
	CHECK_EQ(inb(p, 0x61) & 0x20, 0x20);	/* OUT2 high at terminal count */
	CHECK_EQ(fi.raises[0], 0);		/* channel 2 has no IRQ */
	i8254_free(p);
}

TEST(mode1_gate_triggered_one_shot)
{
	struct i8254 *p = pit_setup();
	outb(p, 0x61, 0x00);
	outb(p, 0x43, 0xb2);			/* ch2, mode 1 */
	outb(p, 0x42, 50); outb(p, 0x42, 0);
	fake_clock_advance(&fc, tick_ns(100));
	CHECK_EQ(inb(p, 0x61) & 0x20, 0x20);	/* waits for a trigger with OUT high */
	CHECK_EQ(latch_read(p, 2), 50);
	outb(p, 0x61, 0x01);			/* rising gate triggers */
	fake_clock_advance(&fc, tick_ns(10));
	CHECK_EQ(inb(p, 0x61) & 0x20, 0);
	CHECK_EQ(latch_read(p, 2), 40);
	outb(p, 0x61, 0x00);
	outb(p, 0x61, 0x01);			/* retrigger reloads */
	fake_clock_advance(&fc, tick_ns(49));
	CHECK_EQ(inb(p, 0x61) & 0x20, 0);
	fake_clock_advance(&fc, tick_ns(2));
	CHECK_EQ(inb(p, 0x61) & 0x20, 0x20);
	i8254_free(p);
}

TEST(port61_refresh_toggles)
{
	struct i8254 *p = pit_setup();
	int flips = 0;
	uint8_t last = inb(p, 0x61) & 0x10;
	for (int i = 0; i < 100; i++) {
		fake_clock_advance(&fc, 15085);
		uint8_t b = inb(p, 0x61) & 0x10;
		flips += b != last;
		last = b;
	}
	CHECK(flips >= 90);
	i8254_free(p);
}

TEST(bcd)
{
	struct i8254 *p = pit_setup();
	outb(p, 0x43, 0x35);			/* ch0, LSB/MSB, mode 2, BCD */
	outb(p, 0x40, 0x00); outb(p, 0x40, 0x10);	/* 1000 decimal */
	CHECK_EQ(latch_read(p, 0), 0x1000);
	fake_clock_advance(&fc, tick_ns(100));
	CHECK_EQ(latch_read(p, 0), 0x0900);
	fake_clock_advance(&fc, tick_ns(1000) - tick_ns(100));
	CHECK_EQ(fi.raises[0], 1);		/* period is 1000 clocks, not 0x1000 */
	outb(p, 0x43, 0x31);			/* mode 0 BCD, count 0 = 10000 */
	outb(p, 0x40, 0); outb(p, 0x40, 0);
	fake_clock_advance(&fc, tick_ns(1));
	CHECK_EQ(latch_read(p, 0), 0x9999);
	i8254_free(p);
}

TEST(access_modes)
{
	struct i8254 *p = pit_setup();
	outb(p, 0x43, 0x14);			/* LSB only, mode 2 */
	outb(p, 0x40, 0x80);
	CHECK_EQ(inb(p, 0x40), 0x80);
	CHECK_EQ(inb(p, 0x40), 0x80);
	outb(p, 0x43, 0x24);			/* MSB only */
	outb(p, 0x40, 0x12);
	CHECK_EQ(inb(p, 0x40), 0x12);
	i8254_free(p);
}

TEST(tiny_reload_no_storm)
{
	struct i8254 *p = pit_setup();
	outb(p, 0x43, 0x34);
	outb(p, 0x40, 1); outb(p, 0x40, 0);
	fake_clock_advance(&fc, 1000000);	/* 1 ms */
	CHECK(fi.raises[0] > 100);
	CHECK(fi.raises[0] <= 1001);		/* clamped to 1 us */
	i8254_free(p);
}

TEST(mode0_then_periodic)
{
	/* Linux's PIT shutdown leaves mode 0 with OUT high; periodic mode must still tick later. */
	struct i8254 *p = pit_setup();
	outb(p, 0x43, 0x30);
	outb(p, 0x40, 10); outb(p, 0x40, 0);
	fake_clock_advance(&fc, tick_ns(20));
	CHECK_EQ(fi.level[0], 1);
	outb(p, 0x43, 0x34);
	CHECK_EQ(fi.level[0], 0);
	outb(p, 0x40, 11932 & 0xff);
	outb(p, 0x40, 11932 >> 8);
	fake_clock_advance(&fc, 30500000);
	CHECK_EQ(fi.raises[0], 1 + 3);
	outb(p, 0x43, 0x38);			/* mode 4: one strobe at terminal count */
	outb(p, 0x40, 100); outb(p, 0x40, 0);
	fake_clock_advance(&fc, tick_ns(99));
	CHECK_EQ(fi.raises[0], 4);
	fake_clock_advance(&fc, tick_ns(2));
	CHECK_EQ(fi.raises[0], 5);
	fake_clock_advance(&fc, 100000000);
	CHECK_EQ(fi.raises[0], 5);
	i8254_free(p);
}

TEST(hostile)
{
	struct i8254 *p = pit_setup();
	uint32_t x = 777;
	for (int i = 0; i < 20000; i++) {
		x = x * 1103515245 + 12345;
		unsigned sz = 1u << ((x >> 8) & 3);
		uint64_t off = (x >> 12) & 7, val = x ^ ((uint64_t)x << 29);
		switch ((x >> 16) % 5) {
		case 0: case 1: i8254_ops.write(p, off, sz, val); break;
		case 2: (void)i8254_ops.read(p, off, sz); break;
		case 3:
			i8254_port61_ops.write(p, off & 1, sz, val);
			(void)i8254_port61_ops.read(p, off & 1, sz);
			break;
		default: fake_clock_advance(&fc, x % 50000); break;
		}
	}
	i8254_reset(p);
	fake_clock_advance(&fc, 1000000000);
	CHECK_EQ(fake_clock_armed(&fc), 0);
	i8254_free(p);
}

TEST_MAIN_BEGIN("i8254")
	RUN(mode2_periodic_irq_count);
	RUN(mode3_square_wave_irqs);
	RUN(counter_readout_is_time_based);
	RUN(mode0_one_shot);
	RUN(readback_status_and_null_count);
	RUN(port61_gate_and_out2);
	RUN(mode1_gate_triggered_one_shot);
	RUN(port61_refresh_toggles);
	RUN(bcd);
	RUN(access_modes);
	RUN(tiny_reload_no_storm);
	RUN(mode0_then_periodic);
	RUN(hostile);
TEST_MAIN_END()

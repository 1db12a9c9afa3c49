/* MC146818 RTC + CMOS with a fake wall clock. */
#include "test.h"
#include "fake/fake.h"
#include "dev/rtc_cmos.h"
#include "layout.h"

#define SEC 1000000000LL
#define T_2024_02_29_134530 1709214330LL	/* a Thursday */
#define T_1999_12_31_235959 946684799LL

static struct fake_clock clk;
static struct fake_irq irq;

static struct rtc *mk_at(int64_t unix_sec, uint64_t below, uint64_t above)
{
	fake_clock_init(&clk, unix_sec * SEC);
	fake_irq_init(&irq);
	return rtc_new(&clk.c, &irq.line[IRQ_RTC], below, above);
}

static uint8_t cmos(struct rtc *r, uint8_t idx)
{
	rtc_ops.write(r, 0, 1, idx);
	return (uint8_t)rtc_ops.read(r, 1, 1);
}

static void cmos_w(struct rtc *r, uint8_t idx, uint8_t v)
{
	rtc_ops.write(r, 0, 1, idx);
	rtc_ops.write(r, 1, 1, v);
}

TEST(bcd_time)
{
	struct rtc *r = mk_at(T_2024_02_29_134530, 128 << 20, 0);
	CHECK(r);
	CHECK_EQ(cmos(r, 0x0b) & 0x06, 0x02);	/* BCD, 24 h */
	CHECK_EQ(cmos(r, 0x00), 0x30);
	CHECK_EQ(cmos(r, 0x02), 0x45);
	CHECK_EQ(cmos(r, 0x04), 0x13);
	CHECK_EQ(cmos(r, 0x06), 0x05);
	CHECK_EQ(cmos(r, 0x07), 0x29);
	CHECK_EQ(cmos(r, 0x08), 0x02);
	CHECK_EQ(cmos(r, 0x09), 0x24);
	CHECK_EQ(cmos(r, 0x32), 0x20);
	CHECK_EQ(cmos(r, 0x0d), 0x80);		/* VRT */
	fake_clock_advance(&clk, 31 * SEC);
	CHECK_EQ(cmos(r, 0x00), 0x01);
	CHECK_EQ(cmos(r, 0x02), 0x46);
	rtc_free(r);
}

TEST(binary_and_12h)
{
	struct rtc *r = mk_at(T_2024_02_29_134530, 128 << 20, 0);
	cmos_w(r, 0x0b, 0x06);			/* binary, 24 h */
	CHECK_EQ(cmos(r, 0x00), 30);
	CHECK_EQ(cmos(r, 0x02), 45);
	CHECK_EQ(cmos(r, 0x04), 13);
	CHECK_EQ(cmos(r, 0x09), 24);
	CHECK_EQ(cmos(r, 0x32), 20);
	cmos_w(r, 0x0b, 0x04);			/* binary, 12 h: 1 PM */
	CHECK_EQ(cmos(r, 0x04), 0x80 | 1);
	cmos_w(r, 0x0b, 0x00);			/* BCD, 12 h */
	CHECK_EQ(cmos(r, 0x04), 0x81);
	fake_clock_advance(&clk, 11 * 3600 * SEC);	/* 00:45 next day: 12 AM */
	CHECK_EQ(cmos(r, 0x04), 0x12);
	CHECK_EQ(cmos(r, 0x07), 0x01);		/* March 1st: 2024 is a leap year */
	CHECK_EQ(cmos(r, 0x08), 0x03);
	rtc_free(r);
}

TEST(guest_sets_time)
{
	struct rtc *r = mk_at(T_2024_02_29_134530, 128 << 20, 0);
	/* SET, write 1999-12-31 23:59:58, clear SET: the clock runs from there. */
	cmos_w(r, 0x0b, 0x82);
	fake_clock_advance(&clk, 5 * SEC);
	CHECK_EQ(cmos(r, 0x00), 0x30);		/* frozen while SET */
	cmos_w(r, 0x00, 0x58);
	cmos_w(r, 0x02, 0x59);
	cmos_w(r, 0x04, 0x23);
	cmos_w(r, 0x07, 0x31);
	cmos_w(r, 0x08, 0x12);
	cmos_w(r, 0x09, 0x99);
	cmos_w(r, 0x32, 0x19);
	cmos_w(r, 0x0b, 0x02);
	CHECK_EQ(cmos(r, 0x00), 0x58);
	CHECK_EQ(cmos(r, 0x09), 0x99);
	fake_clock_advance(&clk, 2 * SEC);
	CHECK_EQ(cmos(r, 0x00), 0x00);		/* rolled into 2000 */
	CHECK_EQ(cmos(r, 0x09), 0x00);
	CHECK_EQ(cmos(r, 0x32), 0x20);
	CHECK_EQ(cmos(r, 0x08), 0x01);
	CHECK_EQ(cmos(r, 0x06), 0x07);		/* Saturday */
	/* A single field written without SET moves only that field. */
	cmos_w(r, 0x02, 0x30);
	CHECK_EQ(cmos(r, 0x02), 0x30);
	CHECK_EQ(cmos(r, 0x04), 0x00);
	CHECK_EQ(cmos(r, 0x00), 0x00);
	/* Hostile values: garbage BCD never crashes and time keeps running. */
	cmos_w(r, 0x0b, 0x82);
	for (uint8_t i = 0; i < 10; i++)
		cmos_w(r, i, 0xff);
	cmos_w(r, 0x32, 0xff);
	cmos_w(r, 0x0b, 0x02);
	uint8_t cent = cmos(r, 0x32);
	CHECK(cent == 0x19 || cent == 0x20 || cent == 0x21);	/* clamped to 1970..2199 */
	rtc_free(r);
}

TEST(uip_timing)
{
	struct rtc *r = mk_at(T_1999_12_31_235959, 128 << 20, 0);
	CHECK_EQ(cmos(r, 0x0a) & 0x80, 0);	/* start of a second */
	fake_clock_advance(&clk, SEC - 300000);	/* 300 us before the update */
	CHECK_EQ(cmos(r, 0x0a) & 0x80, 0);
	fake_clock_advance(&clk, 100000);	/* 200 us before: inside the 244 us window */
	CHECK_EQ(cmos(r, 0x0a) & 0x80, 0x80);
	CHECK_EQ(cmos(r, 0x00), 0x59);
	fake_clock_advance(&clk, 1900000);	/* 1.7 ms into the 1984 us update cycle */
	CHECK_EQ(cmos(r, 0x0a) & 0x80, 0x80);
	fake_clock_advance(&clk, 300000);	/* update done */
	CHECK_EQ(cmos(r, 0x0a) & 0x80, 0);
	CHECK_EQ(cmos(r, 0x00), 0x00);
	CHECK_EQ(cmos(r, 0x0a) & 0x7f, 0x26);
	cmos_w(r, 0x0a, 0xa6);			/* UIP is read-only */
	CHECK_EQ(cmos(r, 0x0a), 0x26);
	rtc_free(r);
}

TEST(reg_c_clear_on_read_and_irq)
{
	struct rtc *r = mk_at(T_1999_12_31_235959, 128 << 20, 0);
	(void)cmos(r, 0x0c);
	cmos_w(r, 0x0b, 0x12);			/* UIE */
	CHECK_EQ(irq.level[IRQ_RTC], 0);
	fake_clock_advance(&clk, SEC);
	CHECK_EQ(irq.level[IRQ_RTC], 1);
	uint8_t c = cmos(r, 0x0c);
	CHECK_EQ(c & 0x90, 0x90);		/* IRQF | UF */
	CHECK_EQ(irq.level[IRQ_RTC], 0);
	CHECK_EQ(cmos(r, 0x0c), 0);		/* cleared by the read */
	fake_clock_advance(&clk, SEC);
	CHECK_EQ(irq.level[IRQ_RTC], 1);
	cmos_w(r, 0x0b, 0x02);			/* disable: timers stop */
	(void)cmos(r, 0x0c);
	CHECK_EQ(fake_clock_armed(&clk), 0);
	/* UF is still visible to a polling guest once a second has passed. */
	fake_clock_advance(&clk, SEC);
	CHECK_EQ(cmos(r, 0x0c) & 0x10, 0x10);
	CHECK_EQ(irq.level[IRQ_RTC], 0);
	rtc_free(r);
}

TEST(periodic_interrupt_rate)
{
	struct rtc *r = mk_at(T_1999_12_31_235959, 128 << 20, 0);
	cmos_w(r, 0x0a, 0x26);			/* RS 6: 1024 Hz */
	cmos_w(r, 0x0b, 0x42);			/* PIE */
	unsigned n = 0;
	for (int i = 0; i < 1000; i++) {	/* 100 ms in 100 us steps */
		fake_clock_advance(&clk, 100000);
		if (irq.level[IRQ_RTC]) {
			CHECK_EQ(cmos(r, 0x0c) & 0xc0, 0xc0);
			n++;
		}
	}
	CHECK(n >= 101 && n <= 103);		/* 102.4 per 100 ms */
	cmos_w(r, 0x0a, 0x2f);			/* RS 15: 2 Hz */
	n = 0;
	for (int i = 0; i < 100; i++) {
		fake_clock_advance(&clk, 10000000);
		if (irq.level[IRQ_RTC]) {
			(void)cmos(r, 0x0c);
			n++;
		}
	}
	CHECK_EQ(n, 2);
	cmos_w(r, 0x0a, 0x20);			/* RS 0: off */
	(void)cmos(r, 0x0c);
	CHECK_EQ(fake_clock_armed(&clk), 0);
	rtc_free(r);
}

TEST(alarm)
{
	struct rtc *r = mk_at(T_1999_12_31_235959 - 59, 128 << 20, 0);	/* 23:59:00 */
	cmos_w(r, 0x01, 0x05);			/* alarm at hh:mm:05, any minute/hour */
	cmos_w(r, 0x03, 0xc0);
	cmos_w(r, 0x05, 0xff);
	cmos_w(r, 0x0b, 0x22);			/* AIE */
	(void)cmos(r, 0x0c);
	fake_clock_advance(&clk, 4 * SEC);
	CHECK_EQ(irq.level[IRQ_RTC], 0);
	fake_clock_advance(&clk, SEC);
	CHECK_EQ(irq.level[IRQ_RTC], 1);
	CHECK_EQ(cmos(r, 0x0c) & 0xa0, 0xa0);	/* IRQF | AF */
	fake_clock_advance(&clk, SEC);
	CHECK_EQ(irq.level[IRQ_RTC], 0);	/* UF alone does not interrupt */
	rtc_free(r);
}

TEST(memory_size_256m)
{
	struct rtc *r = mk_at(0, 256ULL << 20, 0);
	CHECK_EQ(cmos(r, 0x15) | cmos(r, 0x16) << 8, 640);
	CHECK_EQ(cmos(r, 0x17) | cmos(r, 0x18) << 8, 0xffff);	/* 255 MiB in KiB, capped */
	CHECK_EQ(cmos(r, 0x30) | cmos(r, 0x31) << 8, 0xffff);
	CHECK_EQ(cmos(r, 0x34) | cmos(r, 0x35) << 8, (256 - 16) * 16);	/* 64 KiB units */
	CHECK_EQ(cmos(r, 0x5b) | cmos(r, 0x5c) << 8 | cmos(r, 0x5d) << 16, 0);
	rtc_free(r);
	r = mk_at(0, 32ULL << 20, 0);
	CHECK_EQ(cmos(r, 0x17) | cmos(r, 0x18) << 8, 31 * 1024);
	CHECK_EQ(cmos(r, 0x34) | cmos(r, 0x35) << 8, 16 * 16);
	rtc_free(r);
}

TEST(memory_size_5g)
{
	/* 5 GiB with the hole at 3 GiB: 3 GiB low, 2 GiB high. */
	struct rtc *r = mk_at(0, LAYOUT_PCI_HOLE_START, (5ULL << 30) - LAYOUT_PCI_HOLE_START);
	CHECK_EQ(cmos(r, 0x34) | cmos(r, 0x35) << 8, (3072 - 16) * 16);
	CHECK_EQ(cmos(r, 0x5b) | cmos(r, 0x5c) << 8 | cmos(r, 0x5d) << 16, 2048 * 16);
	CHECK_EQ(cmos(r, 0x14), 0x02);
	rtc_free(r);
	r = mk_at(0, 1ULL << 40, 1ULL << 50);	/* absurd sizes saturate */
	CHECK_EQ(cmos(r, 0x34) | cmos(r, 0x35) << 8, 0xffff);
	CHECK_EQ(cmos(r, 0x5b) | cmos(r, 0x5c) << 8 | cmos(r, 0x5d) << 16, 0xffffff);
	rtc_free(r);
}

TEST(hostile_index_and_plain_cmos)
{
	struct rtc *r = mk_at(T_2024_02_29_134530, 128 << 20, 0);
	cmos_w(r, 0x40, 0x12);
	CHECK_EQ(cmos(r, 0x40), 0x12);
	CHECK_EQ(cmos(r, 0xc0), 0x12);		/* NMI bit is not part of the index */
	cmos_w(r, 0xff, 0x34);			/* index 0x7f */
	CHECK_EQ(cmos(r, 0x7f), 0x34);
	CHECK_EQ(rtc_cmos_get(r, 0x7f), 0x34);
	CHECK_EQ(rtc_cmos_get(r, 200), 0);
	rtc_cmos_set(r, 1000, 1);
	rtc_cmos_set(r, 0x5f, 3);
	CHECK_EQ(cmos(r, 0x5f), 3);
	CHECK_EQ(rtc_ops.read(r, 0, 1), 0xff);	/* index port is write-only */
	cmos_w(r, 0x0c, 0xff);			/* C and D are read-only */
	cmos_w(r, 0x0d, 0x00);
	CHECK_EQ(cmos(r, 0x0d), 0x80);
	rtc_ops.write(r, 5, 1, 0);		/* outside the two ports */
	CHECK_EQ(rtc_ops.read(r, 5, 1), 0xff);
	cmos_w(r, 0x0b, 0x72);
	rtc_ops.reset(r);
	CHECK_EQ(cmos(r, 0x0b), 0x02);		/* enables cleared, mode kept */
	CHECK_EQ(irq.level[IRQ_RTC], 0);
	rtc_free(r);
}

TEST_MAIN_BEGIN("test_rtc")
	RUN(bcd_time);
	RUN(binary_and_12h);
	RUN(guest_sets_time);
	RUN(uip_timing);
	RUN(reg_c_clear_on_read_and_irq);
	RUN(periodic_interrupt_rate);
	RUN(alarm);
	RUN(memory_size_256m);
	RUN(memory_size_5g);
	RUN(hostile_index_and_plain_cmos);
TEST_MAIN_END()

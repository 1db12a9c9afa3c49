/* 16550A UART, spoken in datasheet terms. */
#include "test.h"
#include "fake/fake.h"
#include "dev/serial16550.h"
#include "layout.h"

static struct fake_irq irq;
static struct fake_chr chr;

static struct serial *mk(void)
{
	fake_irq_init(&irq);
	fake_chr_init(&chr);
	return serial_new(&chr.c, &irq.line[IRQ_COM1]);
}

static uint8_t rd(struct serial *s, unsigned reg) { return (uint8_t)serial_ops.read(s, reg, 1); }
static void wr(struct serial *s, unsigned reg, uint8_t v) { serial_ops.write(s, reg, 1, v); }

TEST(dlab_divisor_round_trip)
{
	struct serial *s = mk();
	wr(s, 3, 0x83);			/* DLAB + 8N1 */
	wr(s, 0, 0x01);
	wr(s, 1, 0x02);
	CHECK_EQ(rd(s, 0), 0x01);
	CHECK_EQ(rd(s, 1), 0x02);
	wr(s, 3, 0x03);			/* DLAB off: offsets 0/1 are RBR/IER again */
	CHECK_EQ(rd(s, 1), 0x00);
	CHECK_EQ(chr.out_len, 0);	/* divisor writes did not transmit */
	wr(s, 3, 0x83);
	CHECK_EQ(rd(s, 0), 0x01);
	CHECK_EQ(rd(s, 3), 0x83);
	serial_free(s);
}

TEST(lcr_mcr_scr)
{
	struct serial *s = mk();
	wr(s, 3, 0x1b);
	CHECK_EQ(rd(s, 3), 0x1b);
	wr(s, 4, 0xff);
	CHECK_EQ(rd(s, 4), 0x1f);	/* bits 5-7 are always 0 */
	wr(s, 7, 0x5a);
	CHECK_EQ(rd(s, 7), 0x5a);
	wr(s, 7, 0xa5);
	CHECK_EQ(rd(s, 7), 0xa5);
	serial_free(s);
}

TEST(transmit_and_lsr)
{
	struct serial *s = mk();
	CHECK_EQ(rd(s, 5) & 0x60, 0x60);	/* THRE | TEMT */
	wr(s, 0, 'h');
	wr(s, 0, 'i');
	CHECK_EQ(chr.out_len, 2);
	CHECK(!memcmp(chr.out, "hi", 2));
	CHECK_EQ(rd(s, 5) & 0x60, 0x60);
	serial_free(s);
}

TEST(thre_interrupt_raise_and_clear_by_iir)
{
	struct serial *s = mk();
	CHECK_EQ(irq.level[IRQ_COM1], 0);
	CHECK_EQ(rd(s, 2) & 0x0f, 0x01);	/* no interrupt */
	wr(s, 1, 0x02);				/* ETBEI */
	CHECK_EQ(irq.level[IRQ_COM1], 1);
	CHECK_EQ(rd(s, 2) & 0x0f, 0x02);	/* THRE; this read acknowledges it */
	CHECK_EQ(irq.level[IRQ_COM1], 0);
	CHECK_EQ(rd(s, 2) & 0x0f, 0x01);
	wr(s, 0, 'x');				/* byte leaves, THR empty again */
	CHECK_EQ(irq.level[IRQ_COM1], 1);
	wr(s, 1, 0x00);				/* masking drops the line */
	CHECK_EQ(irq.level[IRQ_COM1], 0);
	serial_free(s);
}

TEST(rx_no_fifo_holds_one_byte)
{
	struct serial *s = mk();
	wr(s, 1, 0x01);				/* ERBFI */
	CHECK_EQ(fake_chr_input(&chr, "ab", 2), 1);
	CHECK_EQ(irq.level[IRQ_COM1], 1);
	CHECK_EQ(rd(s, 2), 0x04);		/* data available, no FIFO bits */
	CHECK_EQ(rd(s, 5) & 1, 1);
	CHECK_EQ(rd(s, 0), 'a');
	CHECK_EQ(rd(s, 5) & 1, 0);
	CHECK_EQ(irq.level[IRQ_COM1], 0);
	CHECK(chr.kicks > 0);			/* backend told to resend */
	serial_free(s);
}

TEST(rx_fifo_fill_and_overflow_sets_oe)
{
	struct serial *s = mk();
	uint8_t buf[20];
	for (int i = 0; i < 20; i++)
		buf[i] = (uint8_t)('A' + i);
	wr(s, 2, 0x07);				/* enable + clear */
	CHECK_EQ(rd(s, 2) & 0xc0, 0xc0);
	CHECK_EQ(fake_chr_input(&chr, buf, 20), 16);	/* never more than the FIFO holds */
	CHECK_EQ(fake_chr_input(&chr, buf, 20), 0);
	CHECK_EQ(rd(s, 5) & 0x02, 0);
	/* A backend that ignores can_receive loses bytes and sets OE, nothing else. */
	chr.c.fe.receive(chr.c.fe.opaque, buf + 16, 4);
	wr(s, 1, 0x04);				/* ELSI */
	CHECK_EQ(rd(s, 2) & 0x0f, 0x06);	/* line status has top priority */
	CHECK_EQ(rd(s, 5) & 0x03, 0x03);	/* OE | DR */
	CHECK_EQ(rd(s, 5) & 0x02, 0);		/* OE clears on read */
	unsigned kicks = chr.kicks;
	for (int i = 0; i < 16; i++)
		CHECK_EQ(rd(s, 0), 'A' + i);
	CHECK(chr.kicks > kicks);
	CHECK_EQ(rd(s, 5) & 1, 0);
	CHECK_EQ(rd(s, 0), 0);			/* empty FIFO reads 0, no underflow */
	CHECK_EQ(rd(s, 5) & 1, 0);
	serial_free(s);
}

TEST(fifo_trigger_levels)
{
	static const uint8_t fcr[4] = { 0x01, 0x41, 0x81, 0xc1 };
	static const unsigned level[4] = { 1, 4, 8, 14 };
	for (int t = 0; t < 4; t++) {
		struct serial *s = mk();
		wr(s, 2, fcr[t]);
		wr(s, 1, 0x01);
		for (unsigned n = 1; n <= level[t]; n++) {
			CHECK_EQ(fake_chr_input(&chr, "z", 1), 1);
			uint8_t iir = rd(s, 2) & 0x0f;
			if (n < level[t])
				CHECK_EQ(iir, 0x0c);	/* below trigger: character timeout */
			else
				CHECK_EQ(iir, 0x04);	/* at trigger: data available */
			CHECK_EQ(irq.level[IRQ_COM1], 1);
		}
		wr(s, 2, 0x03);				/* clear RX FIFO */
		CHECK_EQ(rd(s, 5) & 1, 0);
		CHECK_EQ(irq.level[IRQ_COM1], 0);
		serial_free(s);
	}
}

TEST(loopback)
{
	struct serial *s = mk();
	wr(s, 2, 0x01);
	wr(s, 4, 0x10);				/* LOOP, all outputs off */
	CHECK_EQ(rd(s, 6) & 0xf0, 0x00);
	CHECK_EQ(fake_chr_input(&chr, "q", 1), 0);	/* outside input ignored */
	wr(s, 0, 0x55);
	CHECK_EQ(chr.out_len, 0);		/* nothing reaches the backend */
	CHECK_EQ(rd(s, 5) & 1, 1);
	CHECK_EQ(rd(s, 0), 0x55);
	wr(s, 4, 0x10 | 0x02);			/* RTS -> CTS */
	uint8_t msr = rd(s, 6);
	CHECK_EQ(msr & 0x10, 0x10);
	CHECK_EQ(msr & 0x01, 0x01);		/* DCTS */
	CHECK_EQ(rd(s, 6) & 0x01, 0);		/* deltas clear on read */
	wr(s, 4, 0x10 | 0x01 | 0x04 | 0x08);	/* DTR, OUT1, OUT2 */
	CHECK_EQ(rd(s, 6) & 0xf0, 0x20 | 0x40 | 0x80);
	wr(s, 1, 0x08);				/* EDSSI */
	wr(s, 4, 0x10);				/* RI falls: TERI */
	CHECK_EQ(irq.level[IRQ_COM1], 1);
	CHECK_EQ(rd(s, 2) & 0x0f, 0x00);	/* modem status */
	CHECK_EQ(rd(s, 6) & 0x04, 0x04);
	CHECK_EQ(irq.level[IRQ_COM1], 0);
	for (int i = 0; i < 17; i++)
		wr(s, 0, (uint8_t)i);
	CHECK_EQ(rd(s, 5) & 0x02, 0x02);	/* 17th byte overran */
	wr(s, 4, 0x00);
	CHECK_EQ(rd(s, 6) & 0xb0, 0xb0);	/* back to the idle line state */
	serial_free(s);
}

TEST(hostile_offsets_and_reset)
{
	struct serial *s = mk();
	for (unsigned off = 0; off < 16; off++) {
		serial_ops.write(s, off, 4, ~0ULL);
		(void)serial_ops.read(s, off, 4);
	}
	serial_ops.reset(s);
	CHECK_EQ(rd(s, 1), 0);
	CHECK_EQ(rd(s, 3), 0);
	CHECK_EQ(rd(s, 2), 0x01);
	CHECK_EQ(rd(s, 5), 0x60);
	CHECK_EQ(irq.level[IRQ_COM1], 0);
	serial_free(s);
	serial_free(NULL);
	struct serial *n = serial_new(NULL, NULL);	/* no backend: writes are dropped */
	CHECK(n);
	serial_ops.write(n, 0, 1, 'x');
	serial_free(n);
}

TEST_MAIN_BEGIN("test_serial")
	RUN(dlab_divisor_round_trip);
	RUN(lcr_mcr_scr);
	RUN(transmit_and_lsr);
	RUN(thre_interrupt_raise_and_clear_by_iir);
	RUN(rx_no_fifo_holds_one_byte);
	RUN(rx_fifo_fill_and_overflow_sets_oe);
	RUN(fifo_trigger_levels);
	RUN(loopback);
	RUN(hostile_offsets_and_reset);
TEST_MAIN_END()

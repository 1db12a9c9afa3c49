/* 8259A pair: init sequence, masks, priority, EOI, cascade, spurious, ELCR. */
#include "test.h"

#include "dev/i8259.h"

static int notified;

static void on_notify(void *opaque)
{
	(void)opaque;
	notified++;
}

static void outb(struct i8259 *p, unsigned port, uint8_t v)
{
	if (port == 0x20 || port == 0x21)
		i8259_master_ops.write(p, port - 0x20, 1, v);
	else if (port == 0xa0 || port == 0xa1)
		i8259_slave_ops.write(p, port - 0xa0, 1, v);
	else
		i8259_elcr_ops.write(p, port - 0x4d0, 1, v);
}

static uint8_t inb(struct i8259 *p, unsigned port)
{
	if (port == 0x20 || port == 0x21)
		return (uint8_t)i8259_master_ops.read(p, port - 0x20, 1);
	if (port == 0xa0 || port == 0xa1)
		return (uint8_t)i8259_slave_ops.read(p, port - 0xa0, 1);
	return (uint8_t)i8259_elcr_ops.read(p, port - 0x4d0, 1);
}

/* The PC BIOS/Linux sequence: ICW1 edge+ICW4, vectors 0x20/0x28, cascade on IR2, 8086 mode. */
static struct i8259 *pic_setup(uint8_t icw4)
{
	struct i8259 *p = i8259_new(on_notify, NULL);
	outb(p, 0x20, 0x11); outb(p, 0x21, 0x20); outb(p, 0x21, 0x04); outb(p, 0x21, icw4);
	outb(p, 0xa0, 0x11); outb(p, 0xa1, 0x28); outb(p, 0xa1, 0x02); outb(p, 0xa1, icw4);
	return p;
}

static void eoi(struct i8259 *p, int slave)
{
	if (slave)
		outb(p, 0xa0, 0x20);
	outb(p, 0x20, 0x20);
}

TEST(init_mask_ack_eoi)
{
	struct i8259 *p = pic_setup(0x01);
	CHECK_EQ(inb(p, 0x21), 0);		/* ICW1 clears the mask */
	outb(p, 0x21, 0xfe);
	CHECK_EQ(inb(p, 0x21), 0xfe);
	i8259_set_irq(p, 1, 1);			/* masked */
	CHECK(!i8259_has_int(p));
	notified = 0;
	i8259_set_irq(p, 0, 1);
	CHECK(i8259_has_int(p));
	CHECK(notified > 0);
	CHECK_EQ(i8259_ack(p), 0x20);
	CHECK(!i8259_has_int(p));
	outb(p, 0x20, 0x0b);			/* OCW3: read ISR */
	CHECK_EQ(inb(p, 0x20), 0x01);
	outb(p, 0x20, 0x0a);			/* OCW3: read IRR: IRQ1 is still requested */
	CHECK_EQ(inb(p, 0x20), 0x02);
	eoi(p, 0);
	outb(p, 0x20, 0x0b);
	CHECK_EQ(inb(p, 0x20), 0);
	/* Edge: a line that stays high does not interrupt again. */
	CHECK(!i8259_has_int(p));
	i8259_set_irq(p, 0, 0);
	i8259_set_irq(p, 0, 1);
	CHECK(i8259_has_int(p));
	i8259_free(p);
}

TEST(priority_and_nesting)
{
	struct i8259 *p = pic_setup(0x01);
	i8259_set_irq(p, 5, 1);
	i8259_set_irq(p, 3, 1);
	CHECK_EQ(i8259_ack(p), 0x23);
	CHECK(!i8259_has_int(p));		/* 5 is lower than 3 in service */
	eoi(p, 0);
	CHECK_EQ(i8259_ack(p), 0x25);
	/* Now with 5 in service a higher IRQ 1 nests. */
	i8259_set_irq(p, 1, 1);
	CHECK(i8259_has_int(p));
	CHECK_EQ(i8259_ack(p), 0x21);
	eoi(p, 0);				/* non-specific EOI clears 1 first */
	outb(p, 0x20, 0x0b);
	CHECK_EQ(inb(p, 0x20), 0x20);
	outb(p, 0x20, 0x65);			/* specific EOI for 5 */
	CHECK_EQ(inb(p, 0x20), 0);
	i8259_free(p);
}

TEST(rotation_set_priority)
{
	struct i8259 *p = pic_setup(0x01);
	outb(p, 0x20, 0xc4);			/* IRQ4 lowest, so IRQ5 highest */
	i8259_set_irq(p, 3, 1);
	i8259_set_irq(p, 6, 1);
	CHECK_EQ(i8259_ack(p), 0x26);
	outb(p, 0x20, 0xa0);			/* rotate on non-specific EOI: 6 becomes lowest */
	CHECK_EQ(i8259_ack(p), 0x23);
	i8259_free(p);
}

TEST(cascade)
{
	struct i8259 *p = pic_setup(0x01);
	i8259_set_irq(p, 10, 1);
	CHECK(i8259_has_int(p));
	CHECK_EQ(i8259_ack(p), 0x2a);
	outb(p, 0x20, 0x0b);
	CHECK_EQ(inb(p, 0x20), 0x04);		/* master IR2 in service */
	outb(p, 0xa0, 0x0b);
	CHECK_EQ(inb(p, 0xa0), 0x04);		/* slave IR2 = IRQ10 */
	/* Masking the slave's input on the master blocks the slave. */
	eoi(p, 1);
	outb(p, 0x21, 0x04);
	i8259_set_irq(p, 12, 1);
	CHECK(!i8259_has_int(p));
	outb(p, 0x21, 0x00);
	CHECK(i8259_has_int(p));
	CHECK_EQ(i8259_ack(p), 0x2c);
	i8259_free(p);
}

TEST(spurious)
{
	struct i8259 *p = pic_setup(0x01);
	/* A level request that goes away before INTA gives IRQ 7, with no ISR bit. */
	outb(p, 0x4d0, 0x08);
	i8259_set_irq(p, 3, 1);
	CHECK(i8259_has_int(p));
	i8259_set_irq(p, 3, 0);
	CHECK(!i8259_has_int(p));
	CHECK_EQ(i8259_ack(p), 0x27);
	outb(p, 0x20, 0x0b);
	CHECK_EQ(inb(p, 0x20), 0);
	/* An edge request masked before INTA: same. */
	i8259_set_irq(p, 4, 1);
	outb(p, 0x21, 0x10);
	CHECK_EQ(i8259_ack(p), 0x27);
	/* Nothing at all on a fresh pair. */
	struct i8259 *q = i8259_new(NULL, NULL);
	CHECK_EQ(i8259_ack(q) & 7, 7);
	i8259_free(q);
	i8259_free(p);
}

TEST(elcr_level)
{
	struct i8259 *p = pic_setup(0x01);
	outb(p, 0x4d0, 0xff);
	outb(p, 0x4d1, 0xff);
	CHECK_EQ(inb(p, 0x4d0), 0xf8);		/* IRQ 0-2 are always edge */
	CHECK_EQ(inb(p, 0x4d1), 0xde);		/* IRQ 8 and 13 too */
	outb(p, 0x4d0, 0); outb(p, 0x4d1, 0x02);	/* IRQ 9 level */
	i8259_set_irq(p, 9, 1);
	CHECK_EQ(i8259_ack(p), 0x29);
	eoi(p, 1);
	CHECK(i8259_has_int(p));		/* still asserted: asks again */
	CHECK_EQ(i8259_ack(p), 0x29);
	i8259_set_irq(p, 9, 0);
	eoi(p, 1);
	CHECK(!i8259_has_int(p));
	i8259_free(p);
}

TEST(auto_eoi_and_poll)
{
	struct i8259 *p = pic_setup(0x03);
	i8259_set_irq(p, 6, 1);
	CHECK_EQ(i8259_ack(p), 0x26);
	outb(p, 0x20, 0x0b);
	CHECK_EQ(inb(p, 0x20), 0);		/* AEOI: nothing in service */
	i8259_set_irq(p, 5, 1);
	outb(p, 0x20, 0x0c);			/* poll command */
	CHECK_EQ(inb(p, 0x20), 0x85);
	outb(p, 0x20, 0x0c);
	CHECK_EQ(inb(p, 0x20), 0);		/* nothing left */
	i8259_free(p);
}

TEST(special_mask_mode)
{
	struct i8259 *p = pic_setup(0x01);
	i8259_set_irq(p, 3, 1);
	CHECK_EQ(i8259_ack(p), 0x23);
	i8259_set_irq(p, 5, 1);
	CHECK(!i8259_has_int(p));
	outb(p, 0x21, 0x08);			/* mask the in-service IRQ 3 */
	outb(p, 0x20, 0x68);			/* set special mask mode */
	CHECK(i8259_has_int(p));
	CHECK_EQ(i8259_ack(p), 0x25);
	i8259_free(p);
}

TEST(hostile)
{
	struct i8259 *p = i8259_new(on_notify, NULL);
	uint32_t x = 12345;
	for (int i = 0; i < 20000; i++) {
		x = x * 1103515245 + 12345;
		unsigned sz = 1u << ((x >> 8) & 3);
		uint64_t off = (x >> 12) & 7, val = x ^ ((uint64_t)x << 32);
		switch ((x >> 16) % 7) {
		case 0: i8259_master_ops.write(p, off, sz, val); break;
		case 1: i8259_slave_ops.write(p, off, sz, val); break;
		case 2: i8259_elcr_ops.write(p, off, sz, val); break;
		case 3:
			(void)i8259_master_ops.read(p, off, sz);
			(void)i8259_elcr_ops.read(p, off, sz);
			break;
		case 4: i8259_set_irq(p, (x >> 3) % 40, x & 1); break;
		case 5: { int v = i8259_ack(p); CHECK(v >= 0 && v < 256); break; }
		default: (void)i8259_slave_ops.read(p, off, sz); break;
		}
	}
	i8259_free(p);
}

TEST_MAIN_BEGIN("i8259")
	RUN(init_mask_ack_eoi);
	RUN(priority_and_nesting);
	RUN(rotation_set_priority);
	RUN(cascade);
	RUN(spurious);
	RUN(elcr_level);
	RUN(auto_eoi_and_poll);
	RUN(special_mask_mode);
	RUN(hostile);
TEST_MAIN_END()

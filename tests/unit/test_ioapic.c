/* 82093AA IOAPIC: registers, redirection entries, edge/level delivery, remote IRR + EOI. */
#include "test.h"

#include "dev/ioapic.h"

static struct apic_msg msgs[64];
static int nmsgs;

static void capture(void *opaque, const struct apic_msg *m)
{
	(void)opaque;
	if (nmsgs < 64)
		msgs[nmsgs] = *m;
	nmsgs++;
}

static uint32_t rd(struct ioapic *io, uint8_t reg)
{
	ioapic_ops.write(io, 0x00, 4, reg);
	return (uint32_t)ioapic_ops.read(io, 0x10, 4);
}

static void wr(struct ioapic *io, uint8_t reg, uint32_t v)
{
	ioapic_ops.write(io, 0x00, 4, reg);
	ioapic_ops.write(io, 0x10, 4, v);
}

static void redir(struct ioapic *io, unsigned pin, uint32_t lo, uint8_t dest)
{
	wr(io, (uint8_t)(0x11 + 2 * pin), (uint32_t)dest << 24);
	wr(io, (uint8_t)(0x10 + 2 * pin), lo);
}

static struct ioapic *setup(void)
{
	nmsgs = 0;
	return ioapic_new(capture, NULL);
}

TEST(id_version_arbitration)
{
	struct ioapic *io = setup();
	CHECK_EQ(rd(io, 1), 0x00170011);	/* 24 entries, version 0x11 */
	wr(io, 1, 0xffffffff);
	CHECK_EQ(rd(io, 1), 0x00170011);	/* read-only */
	wr(io, 0, 0xffffffff);
	CHECK_EQ(rd(io, 0), 0x0f000000);	/* only the 4 ID bits */
	CHECK_EQ(rd(io, 2), 0x0f000000);	/* arbitration ID follows */
	ioapic_ops.write(io, 0, 4, 0x13);
	CHECK_EQ(ioapic_ops.read(io, 0, 4), 0x13);	/* IOREGSEL reads back */
	ioapic_free(io);
}

TEST(redirection_table)
{
	struct ioapic *io = setup();
	for (unsigned pin = 0; pin < 24; pin++)
		CHECK_EQ(rd(io, (uint8_t)(0x10 + 2 * pin)), 0x00010000);	/* masked */
	wr(io, 0x10 + 2 * 23, 0xffffffff);
	wr(io, 0x11 + 2 * 23, 0xffffffff);
	/* Delivery status and remote IRR are read-only; reserved bits read 0. */
	CHECK_EQ(rd(io, 0x10 + 2 * 23), 0x0001afff);
	CHECK_EQ(rd(io, 0x11 + 2 * 23), 0xff000000);
	CHECK_EQ(ioapic_redir(io, 23), 0xff0000000001afffULL);
	CHECK_EQ(ioapic_redir(io, 24), 0);
	CHECK_EQ(nmsgs, 0);
	ioapic_free(io);
}

TEST(edge_delivery)
{
	struct ioapic *io = setup();
	/* vector 0x40, lowest priority, logical */
	redir(io, 5, 0x40 | (1 << 11) | (1 << 8), 0x03);
	ioapic_set_irq(io, 5, 1);
	CHECK_EQ(nmsgs, 1);
	CHECK_EQ(msgs[0].vector, 0x40);
	CHECK_EQ(msgs[0].dest, 3);
	CHECK_EQ(msgs[0].logical, 1);
	CHECK_EQ(msgs[0].delivery, APIC_DM_LOWEST);
	CHECK_EQ(msgs[0].level_trig, 0);
	ioapic_set_irq(io, 5, 1);
	CHECK_EQ(nmsgs, 1);			/* no new edge */
	ioapic_set_irq(io, 5, 0);
	ioapic_set_irq(io, 5, 1);
	CHECK_EQ(nmsgs, 2);
	CHECK_EQ(ioapic_redir(io, 5) & (1 << 14), 0);	/* edge: no remote IRR */
	ioapic_free(io);
}

TEST(edge_masked_is_lost)
{
	struct ioapic *io = setup();
	redir(io, 14, 0x81 | (1 << 16), 0);
	ioapic_set_irq(io, 14, 1);
	ioapic_set_irq(io, 14, 0);
	redir(io, 14, 0x81, 0);
	CHECK_EQ(nmsgs, 0);
	ioapic_set_irq(io, 14, 1);
	CHECK_EQ(nmsgs, 1);
	ioapic_free(io);
}

TEST(level_remote_irr_and_eoi)
{
	struct ioapic *io = setup();
	redir(io, 9, 0x50 | (1 << 15), 0x01);
	ioapic_set_irq(io, 9, 1);
	CHECK_EQ(nmsgs, 1);
	CHECK_EQ(msgs[0].level_trig, 1);
	CHECK(ioapic_redir(io, 9) & (1 << 14));
	ioapic_set_irq(io, 9, 1);
	CHECK_EQ(nmsgs, 1);			/* in service: remote IRR holds it */
	ioapic_eoi(io, 0x51);			/* another vector: nothing */
	CHECK_EQ(nmsgs, 1);
	ioapic_eoi(io, 0x50);			/* still asserted: delivered again */
	CHECK_EQ(nmsgs, 2);
	ioapic_set_irq(io, 9, 0);
	ioapic_eoi(io, 0x50);
	CHECK_EQ(nmsgs, 2);
	CHECK_EQ(ioapic_redir(io, 9) & (1 << 14), 0);
	ioapic_free(io);
}

TEST(level_coalesce_and_mask)
{
	struct ioapic *io = setup();
	redir(io, 14, 0x82 | (1 << 15) | (1 << 16), 0);
	ioapic_set_irq(io, 14, 1);
	CHECK_EQ(nmsgs, 0);
	redir(io, 14, 0x82 | (1 << 15), 0);	/* unmask while asserted */
	CHECK_EQ(nmsgs, 1);
	ioapic_set_irq(io, 14, 0);		/* drop and re-raise while in service */
	ioapic_set_irq(io, 14, 1);
	ioapic_set_irq(io, 14, 0);
	ioapic_eoi(io, 0x82);
	CHECK_EQ(nmsgs, 1);
	/* A stale remote IRR goes away when the pin is switched to edge. */
	ioapic_set_irq(io, 14, 1);
	CHECK_EQ(nmsgs, 2);
	CHECK(ioapic_redir(io, 14) & (1 << 14));
	redir(io, 14, 0x82, 0);
	CHECK_EQ(ioapic_redir(io, 14) & (1 << 14), 0);
	ioapic_free(io);
}

TEST(polarity_low)
{
	struct ioapic *io = setup();
	ioapic_set_irq(io, 10, 1);		/* idle high */
	redir(io, 10, 0x60 | (1 << 13) | (1 << 15), 0);
	CHECK_EQ(nmsgs, 0);
	ioapic_set_irq(io, 10, 0);		/* active low */
	CHECK_EQ(nmsgs, 1);
	ioapic_free(io);
}

TEST(hostile)
{
	struct ioapic *io = setup();
	uint32_t x = 99;
	for (int i = 0; i < 30000; i++) {
		x = x * 1103515245 + 12345;
		unsigned sz = 1u << ((x >> 8) & 3);
		uint64_t off = (x >> 11) % (IOAPIC_MMIO_LEN + 16), val = x ^ ((uint64_t)x << 31);
		switch ((x >> 20) % 5) {
		case 0: case 1: ioapic_ops.write(io, off & 0x1f, sz, val); break;
		case 2: (void)ioapic_ops.read(io, off, sz); break;
		case 3: ioapic_set_irq(io, (x >> 3) % 40, x & 1); break;
		default: ioapic_eoi(io, (uint8_t)x); break;
		}
	}
	CHECK_EQ(rd(io, 1), 0x00170011);
	ioapic_free(io);
}

TEST_MAIN_BEGIN("ioapic")
	RUN(id_version_arbitration);
	RUN(redirection_table);
	RUN(edge_delivery);
	RUN(edge_masked_is_lost);
	RUN(level_remote_irr_and_eoi);
	RUN(level_coalesce_and_mask);
	RUN(polarity_low);
	RUN(hostile);
TEST_MAIN_END()

/* pc-testdev: latch, IRQ ports, MMIO RAM. */
#include "test.h"
#include "fake/fake.h"
#include "dev/testdev.h"
#include "layout.h"

static struct fake_irq irq;

static struct testdev *mk(void)
{
	fake_irq_init(&irq);
	return testdev_new(irq.line);
}

TEST(latch_byte_word_dword)
{
	struct testdev *t = mk();
	testdev_latch_ops.write(t, 0, 4, 0x12345678);
	CHECK_EQ(testdev_latch_ops.read(t, 0, 4), 0x12345678);
	CHECK_EQ(testdev_latch_ops.read(t, 0, 1), 0x78);
	CHECK_EQ(testdev_latch_ops.read(t, 1, 1), 0x56);
	CHECK_EQ(testdev_latch_ops.read(t, 2, 2), 0x1234);
	CHECK_EQ(testdev_latch_ops.read(t, 3, 1), 0x12);
	testdev_latch_ops.write(t, 1, 1, 0xab);
	CHECK_EQ(testdev_latch_ops.read(t, 0, 4), 0x1234ab78);
	testdev_latch_ops.write(t, 2, 2, 0xcdef);
	CHECK_EQ(testdev_latch_ops.read(t, 0, 4), 0xcdefab78);
	testdev_latch_ops.write(t, 0, 2, 0xffff1111);	/* only the word's bytes */
	CHECK_EQ(testdev_latch_ops.read(t, 0, 4), 0xcdef1111);
	testdev_latch_ops.write(t, 3, 4, 0x99887766);	/* hostile: runs past the latch */
	CHECK_EQ(testdev_latch_ops.read(t, 0, 4), 0x66ef1111);
	testdev_latch_ops.write(t, 9, 4, 0);		/* outside: ignored */
	CHECK_EQ(testdev_latch_ops.read(t, 0, 4), 0x66ef1111);
	testdev_latch_ops.reset(t);
	CHECK_EQ(testdev_latch_ops.read(t, 0, 4), 0);
	testdev_flush_ops.write(t, 0, 4, 0x12345000);	/* no-op, must not crash */
	testdev_free(t);
}

TEST(irq_lines)
{
	struct testdev *t = mk();
	testdev_irq_ops.write(t, 10, 1, 1);
	CHECK_EQ(irq.level[10], 1);
	CHECK_EQ(irq.level[9], 0);
	testdev_irq_ops.write(t, 10, 1, 0);
	CHECK_EQ(irq.level[10], 0);
	testdev_irq_ops.write(t, 23, 1, 5);
	CHECK_EQ(irq.level[23], 1);
	testdev_irq_ops.write(t, 24, 1, 1);		/* past the last GSI: ignored */
	testdev_irq_ops.write(t, 0xffff, 1, 1);
	CHECK_EQ(irq.sets[24], 0);
	CHECK_EQ(irq.sets[25], 0);
	testdev_free(t);
}

TEST(mmio_ram_bounds)
{
	struct testdev *t = mk();
	uint64_t last = LAYOUT_TESTDEV_MMIO_LEN;
	testdev_mmio_ops.write(t, 0x100, 8, 0x1122334455667788ULL);
	CHECK_EQ(testdev_mmio_ops.read(t, 0x100, 8), 0x1122334455667788ULL);
	CHECK_EQ(testdev_mmio_ops.read(t, 0x100, 1), 0x88);	/* little endian */
	CHECK_EQ(testdev_mmio_ops.read(t, 0x101, 2), 0x6677);
	CHECK_EQ(testdev_mmio_ops.read(t, 0x104, 4), 0x11223344);
	testdev_mmio_ops.write(t, 0x103, 2, 0xaaaa);
	CHECK_EQ(testdev_mmio_ops.read(t, 0x100, 8), 0x112233aaaa667788ULL);
	testdev_mmio_ops.write(t, last - 8, 8, ~0ULL);
	CHECK_EQ(testdev_mmio_ops.read(t, last - 8, 8), ~0ULL);
	testdev_mmio_ops.write(t, last - 2, 8, 0x0102030405060708ULL);	/* cut at the end */
	CHECK_EQ(testdev_mmio_ops.read(t, last - 2, 2), 0x0708);
	CHECK_EQ(testdev_mmio_ops.read(t, last - 2, 8), 0x0708);
	testdev_mmio_ops.write(t, last, 4, 0);		/* outside: dropped */
	testdev_mmio_ops.write(t, ~0ULL - 3, 8, 0);
	CHECK_EQ(testdev_mmio_ops.read(t, ~0ULL - 3, 8), ~0ULL);
	testdev_mmio_ops.write(t, 0, 16, 0);		/* bad size */
	testdev_free(t);
}

TEST_MAIN_BEGIN("test_testdev")
	RUN(latch_byte_word_dword);
	RUN(irq_lines);
	RUN(mmio_ram_bounds);
TEST_MAIN_END()

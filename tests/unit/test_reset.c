/* Port 0x92, 0xcf9 and POST port 0x80. */
#include "test.h"
#include "fake/fake.h"
#include "dev/reset.h"

static struct fake_vmctl vc;

TEST(port92_fast_reset_on_rising_edge)
{
	fake_vmctl_init(&vc);
	struct reset_ctl *r = reset_new(&vc.ctl);
	CHECK(r);
	CHECK_EQ(port92_ops.read(r, 0, 1) & 0x03, 0);
	port92_ops.write(r, 0, 1, 0x02);		/* A20 only */
	CHECK_EQ(vc.count, 0);
	CHECK_EQ(port92_ops.read(r, 0, 1) & 0x02, 0x02);
	CHECK_EQ(reset_a20(r), 1);
	port92_ops.write(r, 0, 1, 0x03);		/* 0 -> 1 on bit 0 */
	CHECK_EQ(vc.count, 1);
	CHECK_EQ(vc.last, VMREQ_RESET);
	port92_ops.write(r, 0, 1, 0x03);		/* no new edge */
	CHECK_EQ(vc.count, 1);
	{
		struct fake_irq a20;
		fake_irq_init(&a20);
		reset_set_a20_line(r, &a20.line[2]);
		port92_ops.write(r, 0, 1, 0x00);
		CHECK_EQ(a20.level[2], 0);
		CHECK_EQ(a20.sets[2], 1);	/* driven on the change */
		port92_ops.write(r, 0, 1, 0x02);
		CHECK_EQ(a20.level[2], 1);
		port92_ops.write(r, 0, 1, 0x00);
		CHECK_EQ(a20.level[2], 0);
		reset_set_a20_line(r, NULL);
	}
	CHECK_EQ(reset_a20(r), 0);
	port92_ops.write(r, 0, 1, 0x01);
	CHECK_EQ(vc.count, 2);
	port92_ops.reset(r);
	CHECK_EQ(port92_ops.read(r, 0, 1), 0);
	reset_free(r);
}

TEST(cf9_reset_and_readback)
{
	fake_vmctl_init(&vc);
	struct reset_ctl *r = reset_new(&vc.ctl);
	cf9_ops.write(r, 0, 1, 0x02);			/* SYS_RST alone: no reset */
	CHECK_EQ(vc.count, 0);
	CHECK_EQ(cf9_ops.read(r, 0, 1), 0x02);
	cf9_ops.write(r, 0, 1, 0x06);
	CHECK_EQ(vc.count, 1);
	CHECK_EQ(vc.last, VMREQ_RESET);
	cf9_ops.write(r, 0, 1, 0x0e);
	CHECK_EQ(vc.count, 2);
	CHECK_EQ(cf9_ops.read(r, 0, 1), 0x0e);
	port92_ops.reset(r);
	CHECK_EQ(cf9_ops.read(r, 0, 1), 0);
	reset_free(r);
}

TEST(post_port)
{
	post_ops.write(NULL, 0, 1, 0x42);
	CHECK_EQ(post_ops.read(NULL, 0, 1) & 0xff, 0xff);
}

TEST(no_vmctl_is_harmless)
{
	struct reset_ctl *r = reset_new(NULL);
	port92_ops.write(r, 0, 1, 0x01);
	cf9_ops.write(r, 0, 1, 0x06);
	reset_free(r);
	CHECK(1);
}

TEST_MAIN_BEGIN("test_reset")
	RUN(port92_fast_reset_on_rising_edge);
	RUN(cf9_reset_and_readback);
	RUN(post_port);
	RUN(no_vmctl_is_harmless);
TEST_MAIN_END()

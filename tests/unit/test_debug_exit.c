/* isa-debug-exit: status (v << 1) | 1. */
#include "test.h"
#include "fake/fake.h"
#include "dev/debug_exit.h"

TEST(status_encoding)
{
	struct fake_vmctl vc;
	static const uint32_t vals[] = { 0, 1, 0x3f, 0x4d, 0x7f };
	for (unsigned i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
		fake_vmctl_init(&vc);
		debug_exit_ops.write(&vc.ctl, 0, 4, vals[i]);
		CHECK_EQ(vc.count, 1);
		CHECK_EQ(vc.last, VMREQ_EXIT);
		CHECK_EQ(vc.code, (vals[i] << 1) | 1);
		CHECK_EQ(vc.code & 1, 1);		/* never 0: guest cannot fake success */
	}
	fake_vmctl_init(&vc);
	debug_exit_ops.write(&vc.ctl, 0, 1, 0x01);	/* byte write works too */
	CHECK_EQ(vc.code, 3);
}

TEST(reads_all_ones)
{
	struct fake_vmctl vc;
	fake_vmctl_init(&vc);
	CHECK_EQ(debug_exit_ops.read(&vc.ctl, 0, 4) & 0xffffffff, 0xffffffff);
	CHECK_EQ(vc.count, 0);
}

TEST_MAIN_BEGIN("test_debug_exit")
	RUN(status_encoding);
	RUN(reads_all_ones);
TEST_MAIN_END()

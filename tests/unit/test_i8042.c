/* 8042 keyboard controller: status, commands, reset line, keyboard replies. */
#include "test.h"
#include "fake/fake.h"
#include "dev/i8042.h"
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
	CHECK_EQ(i8042_a20(k), 1);
	cmd(k, 0xd1);
	wr(k, 0x01);			/* A20 off, reset line high */
	CHECK_EQ(vc.count, 0);
	CHECK_EQ(i8042_a20(k), 0);
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
	CHECK_EQ(i8042_kbd_input(k, (const uint8_t *)"\x1e", 1), 0);	/* not scanning */
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
	CHECK_EQ(rd(k), 0x02);		/* scan-code set 2 */
	wr(k, 0x42);			/* unknown */
	CHECK_EQ(rd(k), 0xfe);
	CHECK_EQ(i8042_kbd_input(k, (const uint8_t *)"\x1e\x9e", 2), 2);
	CHECK_EQ(rd(k), 0x1e);
	CHECK_EQ(rd(k), 0x9e);
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
	RUN(aux_bytes_use_irq12_and_queue_bounds);
TEST_MAIN_END()

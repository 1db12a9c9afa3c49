/* VNC front end: --vnc values, X keysyms to set-1 scan codes (US layout). */
#include "test.h"
#include "host/vnc.h"

TEST(specs)
{
	char why[160];
	static const char *good[] = { ":0", ":1", "127.0.0.1:5", "localhost:99", "[::1]:3",
				      "0.0.0.0:0", ":59635", "unix:/tmp/x.sock", "unix:rel" };
	static const char *bad[] = { "", "0", "foo", ":", ":x", ":-1", ":59636", ":1x",
				     "unix:", "h:99999999999999999999" };
	for (unsigned i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		CHECK_EQ(vnc_check_spec(good[i], why, sizeof(why)), 0);
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why[0] = 0;
		CHECK_EQ(vnc_check_spec(bad[i], why, sizeof(why)), -1);
		CHECK(why[0] != 0);
	}
	char longpath[300] = "unix:";
	memset(longpath + 5, 'a', 200);
	longpath[205] = 0;
	CHECK_EQ(vnc_check_spec(longpath, why, sizeof(why)), -1);
	char longhost[400];
	memset(longhost, 'h', 300);
	strcpy(longhost + 300, ":1");
	CHECK_EQ(vnc_check_spec(longhost, why, sizeof(why)), -1);
}

TEST(keysyms)
{
	CHECK_EQ(vnc_keysym_to_code('a'), 0x1e);
	CHECK_EQ(vnc_keysym_to_code('A'), 0x1e);
	CHECK_EQ(vnc_keysym_to_code('z'), 0x2c);
	CHECK_EQ(vnc_keysym_to_code('q'), 0x10);
	CHECK_EQ(vnc_keysym_to_code('m'), 0x32);
	CHECK_EQ(vnc_keysym_to_code(' '), 0x39);
	CHECK_EQ(vnc_keysym_to_code('1'), 0x02);
	CHECK_EQ(vnc_keysym_to_code('!'), 0x02);	/* shifted symbols: their key */
	CHECK_EQ(vnc_keysym_to_code('0'), 0x0b);
	CHECK_EQ(vnc_keysym_to_code(')'), 0x0b);
	CHECK_EQ(vnc_keysym_to_code('@'), 0x03);
	CHECK_EQ(vnc_keysym_to_code('^'), 0x07);
	CHECK_EQ(vnc_keysym_to_code('_'), 0x0c);
	CHECK_EQ(vnc_keysym_to_code('+'), 0x0d);
	CHECK_EQ(vnc_keysym_to_code('{'), 0x1a);
	CHECK_EQ(vnc_keysym_to_code('|'), 0x2b);
	CHECK_EQ(vnc_keysym_to_code(':'), 0x27);
	CHECK_EQ(vnc_keysym_to_code('"'), 0x28);
	CHECK_EQ(vnc_keysym_to_code('~'), 0x29);
	CHECK_EQ(vnc_keysym_to_code('<'), 0x33);
	CHECK_EQ(vnc_keysym_to_code('?'), 0x35);
	CHECK_EQ(vnc_keysym_to_code(0xff0d), 0x1c);	/* Return */
	CHECK_EQ(vnc_keysym_to_code(0xff1b), 0x01);	/* Escape */
	CHECK_EQ(vnc_keysym_to_code(0xff52), 0xe048);	/* Up */
	CHECK_EQ(vnc_keysym_to_code(0xff54), 0xe050);	/* Down */
	CHECK_EQ(vnc_keysym_to_code(0xff51), 0xe04b);	/* Left */
	CHECK_EQ(vnc_keysym_to_code(0xff53), 0xe04d);	/* Right */
	CHECK_EQ(vnc_keysym_to_code(0xffbe), 0x3b);	/* F1 */
	CHECK_EQ(vnc_keysym_to_code(0xffc7), 0x44);	/* F10 */
	CHECK_EQ(vnc_keysym_to_code(0xffc8), 0x57);	/* F11 */
	CHECK_EQ(vnc_keysym_to_code(0xffc9), 0x58);	/* F12 */
	CHECK_EQ(vnc_keysym_to_code(0xffe1), 0x2a);	/* Shift_L */
	CHECK_EQ(vnc_keysym_to_code(0xffe2), 0x36);	/* Shift_R */
	CHECK_EQ(vnc_keysym_to_code(0xffe3), 0x1d);	/* Control_L */
	CHECK_EQ(vnc_keysym_to_code(0xffe4), 0xe01d);	/* Control_R */
	CHECK_EQ(vnc_keysym_to_code(0xffe9), 0x38);	/* Alt_L */
	CHECK_EQ(vnc_keysym_to_code(0xffea), 0xe038);	/* Alt_R */
	CHECK_EQ(vnc_keysym_to_code(0xffff), 0xe053);	/* Delete */
	CHECK_EQ(vnc_keysym_to_code(0xff13), 0xe11d45);	/* Pause */
	CHECK_EQ(vnc_keysym_to_code(0xffb5), 0x4c);	/* KP_5 */
	CHECK_EQ(vnc_keysym_to_code(0xff8d), 0xe01c);	/* KP_Enter */
	CHECK_EQ(vnc_keysym_to_code(0), 0);
	CHECK_EQ(vnc_keysym_to_code(0x7f), 0);
	CHECK_EQ(vnc_keysym_to_code(0xe9), 0);		/* eacute: no US key */
	CHECK_EQ(vnc_keysym_to_code(0x1000000), 0);
	CHECK_EQ(vnc_keysym_to_code(0xffffffff), 0);
}

TEST_MAIN_BEGIN("test_vnc")
	RUN(specs);
	RUN(keysyms);
TEST_MAIN_END()

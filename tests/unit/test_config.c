/* Command-line parsing: sizes, engines, serial modes, and clear errors. */
#include "test.h"
#include "config.h"

static int parse(struct vm_config *c, const char *a1, const char *a2, const char *a3, const char *a4)
{
	char *argv[8] = { "run" };
	int n = 1;
	const char *a[] = { a1, a2, a3, a4 };
	for (int i = 0; i < 4; i++)
		if (a[i])
			argv[n++] = (char *)a[i];
	FILE *saved = stderr;
	stderr = fopen("/dev/null", "w");
	int r = config_parse_run(c, n, argv);
	fclose(stderr);
	stderr = saved;
	return r;
}

TEST(sizes)
{
	uint64_t v;
	CHECK_EQ(config_parse_size("256M", &v), 0);
	CHECK_EQ(v, 256ULL << 20);
	CHECK_EQ(config_parse_size("1G", &v), 0);
	CHECK_EQ(v, 1ULL << 30);
	CHECK_EQ(config_parse_size("4096k", &v), 0);
	CHECK_EQ(v, 4096ULL << 10);
	CHECK_EQ(config_parse_size("1048576", &v), 0);
	CHECK_EQ(v, 1048576);
	CHECK(config_parse_size("", &v) < 0);
	CHECK(config_parse_size("abc", &v) < 0);
	CHECK(config_parse_size("12X", &v) < 0);
	CHECK(config_parse_size("-5M", &v) < 0);
	CHECK(config_parse_size("99999999999999999999", &v) < 0);
	CHECK(config_parse_size("99999999999G", &v) < 0);	/* overflows 64 bits */
}

TEST(defaults)
{
	struct vm_config c;
	CHECK_EQ(parse(&c, "--kernel", "k", NULL, NULL), 0);
	CHECK_EQ(c.mem_size, 256ULL << 20);
	CHECK_EQ(c.nr_cpus, 1);
	CHECK_EQ(c.engine, ENGINE_AUTO);
	CHECK_EQ(c.serial, SERIAL_STDIO);
	CHECK_STR(c.append, "");
}

TEST(options)
{
	struct vm_config c;
	CHECK_EQ(parse(&c, "--kernel=k", "--engine=emu", "--serial=file:/tmp/x", "--cpus=4"), 0);
	CHECK_EQ(c.engine, ENGINE_EMU);
	CHECK_EQ(c.serial, SERIAL_FILE);
	CHECK_STR(c.serial_path, "/tmp/x");
	CHECK_EQ(c.nr_cpus, 4);
	CHECK_EQ(parse(&c, "--kernel", "k", "--memory", "1G"), 0);
	CHECK_EQ(c.mem_size, 1ULL << 30);
}

TEST(errors)
{
	struct vm_config c;
	CHECK_EQ(parse(&c, NULL, NULL, NULL, NULL), 2);			/* no kernel */
	CHECK_EQ(parse(&c, "--kernel", "k", "--memory", "lots"), 2);
	CHECK_EQ(parse(&c, "--kernel", "k", "--memory", "1K"), 2);	/* too small */
	CHECK_EQ(parse(&c, "--kernel", "k", "--cpus", "0"), 2);
	CHECK_EQ(parse(&c, "--kernel", "k", "--cpus", "2x"), 2);
	CHECK_EQ(parse(&c, "--kernel", "k", "--cpus", "100000"), 2);
	CHECK_EQ(parse(&c, "--kernel", "k", "--engine", "xen"), 2);
	CHECK_EQ(parse(&c, "--kernel", "k", "--serial", "file:"), 2);
	CHECK_EQ(parse(&c, "--kernel", "k", "--bogus", NULL), 2);
	CHECK_EQ(parse(&c, "--kernel", "k", "extra", NULL), 2);
	CHECK_EQ(parse(&c, "--kernel", NULL, NULL, NULL), 2);		/* missing value */
}

TEST_MAIN_BEGIN("config")
	RUN(sizes);
	RUN(defaults);
	RUN(options);
	RUN(errors);
TEST_MAIN_END()

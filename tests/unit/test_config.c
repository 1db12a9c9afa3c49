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

TEST(firmware)
{
	struct vm_config c;
	/* No --kernel: the default BIOS, disk first, no debug port. */
	CHECK_EQ(parse(&c, NULL, NULL, NULL, NULL), 0);
	CHECK_STR(c.bios, BIOS_DEFAULT_PATH);
	CHECK(c.kernel == NULL);
	CHECK_EQ(c.boot, 'c');
	CHECK_EQ(c.debugcon, SERIAL_NONE);
	/* Only a CD-ROM: boot from it */
	CHECK_EQ(parse(&c, "--cdrom", "x.iso", NULL, NULL), 0);
	CHECK_EQ(c.boot, 'd');
	CHECK_EQ(parse(&c, "--cdrom", "x.iso", "--disk", "d.img"), 0);
	CHECK_EQ(c.boot, 'c');
	CHECK_EQ(parse(&c, "--bios", "my.bin", "--boot", "d"), 0);
	CHECK_STR(c.bios, "my.bin");
	CHECK_EQ(c.boot, 'd');
	CHECK_EQ(parse(&c, "--debugcon", "file:/tmp/log", NULL, NULL), 0);
	CHECK_EQ(c.debugcon, SERIAL_FILE);
	CHECK_STR(c.debugcon_path, "/tmp/log");
	CHECK_EQ(parse(&c, "--debugcon", "stdio", NULL, NULL), 0);
	CHECK_EQ(c.debugcon, SERIAL_STDIO);
	/* --kernel: no BIOS */
	CHECK_EQ(parse(&c, "--kernel", "k", NULL, NULL), 0);
	CHECK(c.bios == NULL);
}

TEST(errors)
{
	struct vm_config c;
	CHECK_EQ(parse(&c, "--kernel", "k", "--bios", "b"), 2);		/* one or the other */
	CHECK_EQ(parse(&c, "--kernel", "k", "--boot", "c"), 2);		/* --boot is for firmware */
	CHECK_EQ(parse(&c, "--initrd", "i", NULL, NULL), 2);		/* needs --kernel */
	CHECK_EQ(parse(&c, "--append", "x", NULL, NULL), 2);
	CHECK_EQ(parse(&c, "--boot", "a", NULL, NULL), 2);
	CHECK_EQ(parse(&c, "--boot", "cd", NULL, NULL), 2);
	CHECK_EQ(parse(&c, "--bios", "", NULL, NULL), 2);
	CHECK_EQ(parse(&c, "--debugcon", "tcp:1", NULL, NULL), 2);
	CHECK_EQ(parse(&c, "--debugcon", "file:", NULL, NULL), 2);
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

TEST(disks)
{
	struct vm_config c;
	/* --disk cuts its argument at commas, so it gets writable copies. */
	char d1[] = "a.img", d2[] = "b.img,readonly=on,format=raw", d3[] = "c.img,if=ide,readonly=off";
	char *argv[] = { "run", "--kernel", "k", "--disk", d1, "--disk", d2, "--disk", d3, "--rng" };
	FILE *saved = stderr;
	CHECK_EQ(config_parse_run(&c, 10, argv), 0);
	CHECK_EQ(c.nr_disks, 3);
	CHECK_STR(c.disks[0].path, "a.img");
	CHECK_EQ(c.disks[0].iface, DISK_IF_VIRTIO);
	CHECK_EQ(c.disks[0].readonly, 0);
	CHECK_STR(c.disks[1].path, "b.img");
	CHECK_EQ(c.disks[1].readonly, 1);
	CHECK_STR(c.disks[2].path, "c.img");
	CHECK_EQ(c.disks[2].iface, DISK_IF_IDE);
	CHECK_EQ(c.disks[2].readonly, 0);
	CHECK_EQ(c.virtio_rng, 1);

	static const char *badv[] = { "x.img,format=qcow2", "x.img,bogus=1", ",readonly=on",
				      "x.img,readonly=maybe", "x.img,if=scsi" };
	stderr = fopen("/dev/null", "w");
	for (unsigned i = 0; i < sizeof(badv) / sizeof(badv[0]); i++) {
		char buf[64];
		snprintf(buf, sizeof(buf), "%s", badv[i]);
		char *a[] = { "run", "--kernel", "k", "--disk", buf };
		if (config_parse_run(&c, 5, a) != 2) {
			fclose(stderr);
			stderr = saved;
			CHECK(!badv[i]);
		}
	}
	/* More disks than the board has room for. */
	char many[MAX_DISKS + 1][16];
	char *a[3 + 2 * (MAX_DISKS + 1)];
	int n = 0;
	a[n++] = "run"; a[n++] = "--kernel"; a[n++] = "k";
	for (int i = 0; i <= MAX_DISKS; i++) {
		snprintf(many[i], sizeof(many[i]), "d%d", i);
		a[n++] = "--disk";
		a[n++] = many[i];
	}
	int r = config_parse_run(&c, n, a);
	fclose(stderr);
	stderr = saved;
	CHECK_EQ(r, 2);
}

TEST(cdrom)
{
	struct vm_config c;

	CHECK_EQ(parse(&c, "--kernel", "k", NULL, NULL), 0);
	CHECK(c.cdrom == NULL);
	CHECK_EQ(parse(&c, "--kernel", "k", "--cdrom", "x.iso"), 0);
	CHECK_STR(c.cdrom, "x.iso");
	CHECK_EQ(parse(&c, "--kernel", "k", "--cdrom", ""), 2);
	CHECK_EQ(parse(&c, "--kernel", "k", "--cdrom", NULL), 2);
}

/* ,model=virtio|e1000 picks the NIC and leaves the backend spec without it. */
TEST(nic_models)
{
	struct vm_config c;
	char n1[] = "user,model=e1000,hostfwd=tcp::8080-:80", n2[] = "tap:tap0,model=e1000";
	char n3[] = "user,model=virtio", n4[] = "user", n5[] = "user,model=rtl8139";
	char n6[] = "tap:tap0,model=";
	char *ok[] = { "run", "--kernel", "k", "--net", n1, "--net", n2, "--net", n3, "--net", n4 };

	CHECK_EQ(config_parse_run(&c, 11, ok), 0);
	CHECK_EQ(c.nr_nics, 4);
	CHECK_STR(c.nics[0].spec, "user,hostfwd=tcp::8080-:80");
	CHECK_EQ(c.nics[0].model, NIC_E1000);
	CHECK_STR(c.nics[1].spec, "tap:tap0");
	CHECK_EQ(c.nics[1].model, NIC_E1000);
	CHECK_STR(c.nics[2].spec, "user");
	CHECK_EQ(c.nics[2].model, NIC_VIRTIO);
	CHECK_EQ(c.nics[3].model, NIC_VIRTIO);
	CHECK_EQ(parse(&c, "--kernel", "k", "--net", n5), 2);
	CHECK_EQ(parse(&c, "--kernel", "k", "--net", n6), 2);
}

TEST(nics)
{
	struct vm_config c;
	FILE *saved = stderr;
	char *ok[] = { "run", "--kernel", "k", "--net", "user", "--net",
		       "user,hostfwd=tcp::8080-:80,hostfwd=udp:127.0.0.1:5353-10.0.2.15:53",
		       "--mac", "52:54:00:aa:bb:cc" };
	CHECK_EQ(config_parse_run(&c, 9, ok), 0);
	CHECK_EQ(c.nr_nics, 2);
	CHECK_STR(c.nics[0].spec, "user");
	CHECK(!c.nics[0].mac);
	CHECK_STR(c.nics[1].mac, "52:54:00:aa:bb:cc");

	static const char *bad_nets[] = { "bogus", "user,foo=1", "user,hostfwd=tcp:8080:80",
					  "user,hostfwd=icmp::1-:2", "user,hostfwd=tcp::99999-:80",
					  "user,hostfwd=tcp::80-:0", "userx" };
	stderr = fopen("/dev/null", "w");
	for (unsigned i = 0; i < sizeof(bad_nets) / sizeof(bad_nets[0]); i++) {
		char *a[] = { "run", "--kernel", "k", "--net", (char *)bad_nets[i] };
		if (config_parse_run(&c, 5, a) != 2) {
			fclose(stderr);
			stderr = saved;
			CHECK(!bad_nets[i]);
		}
	}
	static const char *bad_macs[] = { "52:54:00:aa:bb", "52:54:00:aa:bb:cc:dd", "zz:54:00:aa:bb:cc",
					  "01:00:5e:00:00:01" };
	for (unsigned i = 0; i < sizeof(bad_macs) / sizeof(bad_macs[0]); i++) {
		char *a[] = { "run", "--kernel", "k", "--net", "user", "--mac", (char *)bad_macs[i] };
		if (config_parse_run(&c, 7, a) != 2) {
			fclose(stderr);
			stderr = saved;
			CHECK(!bad_macs[i]);
		}
	}
	/* --mac before any --net has nothing to apply to. */
	char *early[] = { "run", "--kernel", "k", "--mac", "52:54:00:aa:bb:cc" };
	int r = config_parse_run(&c, 5, early);
	fclose(stderr);
	stderr = saved;
	CHECK_EQ(r, 2);
}

TEST_MAIN_BEGIN("config")
	RUN(sizes);
	RUN(defaults);
	RUN(options);
	RUN(firmware);
	RUN(errors);
	RUN(disks);
	RUN(nics);
	RUN(nic_models);
	RUN(cdrom);
TEST_MAIN_END()

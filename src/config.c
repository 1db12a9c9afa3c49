/*
 * `hvm run` option parsing.  Every bad value gets one line naming the option
 * and exit status 2.
 */
#include "config.h"
#include "layout.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char run_usage[] =
	"usage: hvm run --kernel FILE [options]\n"
	"  --kernel FILE        multiboot v1 ELF32, Linux bzImage or ELF vmlinux (detected by content)\n"
	"  --initrd FILE        initial ramdisk (Linux) or module 0 (multiboot)\n"
	"  --append STRING      kernel command line\n"
	"  --memory SIZE        guest RAM, with K/M/G suffix (default 256M)\n"
	"  --cpus N             number of vCPUs (default 1)\n"
	"  --engine ENGINE      kvm, emu or auto (default auto: kvm when /dev/kvm answers)\n"
	"  --serial MODE        stdio (default), file:PATH or none\n"
	"  --no-reboot          exit (status 0) instead of resetting the guest\n"
	"  --testdev            add QEMU's pc-testdev (ports 0xe0-0xe4, 0x2000, MMIO 0xff000000)\n"
	"  -v, --verbose        more log lines (repeat for more)\n"
	"  -h, --help           this text\n"
	"Console keys on a terminal: Ctrl-A x quits, Ctrl-A h lists the keys.\n";

int config_parse_size(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;
	uint64_t mul = 1;

	if (!s || !isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		return -1;
	switch (*end) {
	case 0: break;
	case 'k': case 'K': mul = 1ULL << 10; end++; break;
	case 'm': case 'M': mul = 1ULL << 20; end++; break;
	case 'g': case 'G': mul = 1ULL << 30; end++; break;
	case 't': case 'T': mul = 1ULL << 40; end++; break;
	default: return -1;
	}
	if ((*end == 'b' || *end == 'B') && mul > 1)
		end++;
	if (*end || (v && mul > UINT64_MAX / v))
		return -1;
	*out = v * mul;
	return 0;
}

static int bad(const char *opt, const char *val, const char *why)
{
	fprintf(stderr, "hvm: %s '%s': %s\n", opt, val ? val : "", why);
	return 2;
}

int config_parse_run(struct vm_config *c, int argc, char **argv)
{
	enum { O_KERNEL = 256, O_INITRD, O_APPEND, O_MEMORY, O_CPUS, O_ENGINE, O_SERIAL,
	       O_NOREBOOT, O_TESTDEV };
	static const struct option opts[] = {
		{ "kernel", required_argument, NULL, O_KERNEL },
		{ "initrd", required_argument, NULL, O_INITRD },
		{ "append", required_argument, NULL, O_APPEND },
		{ "memory", required_argument, NULL, O_MEMORY },
		{ "cpus", required_argument, NULL, O_CPUS },
		{ "engine", required_argument, NULL, O_ENGINE },
		{ "serial", required_argument, NULL, O_SERIAL },
		{ "no-reboot", no_argument, NULL, O_NOREBOOT },
		{ "testdev", no_argument, NULL, O_TESTDEV },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int o;

	memset(c, 0, sizeof(*c));
	c->append = "";
	c->mem_size = 256ULL << 20;
	c->nr_cpus = 1;
	c->engine = ENGINE_AUTO;
	c->serial = SERIAL_STDIO;

	optind = 1;
	opterr = 0;
	while ((o = getopt_long(argc, argv, ":vh", opts, NULL)) != -1) {
		char *end;
		long n;
		switch (o) {
		case O_KERNEL: c->kernel = optarg; break;
		case O_INITRD: c->initrd = optarg; break;
		case O_APPEND: c->append = optarg; break;
		case O_MEMORY:
			if (config_parse_size(optarg, &c->mem_size))
				return bad("--memory", optarg, "not a size (use e.g. 256M or 1G)");
			if (c->mem_size < (2ULL << 20))
				return bad("--memory", optarg, "too small (at least 2M)");
			if (c->mem_size > (1ULL << 40))
				return bad("--memory", optarg, "too large (at most 1T)");
			break;
		case O_CPUS:
			errno = 0;
			n = strtol(optarg, &end, 10);
			if (errno || *end || end == optarg || n < 1 || n > MAX_VCPUS) {
				char why[64];
				snprintf(why, sizeof(why), "must be a number from 1 to %d", MAX_VCPUS);
				return bad("--cpus", optarg, why);
			}
			c->nr_cpus = (int)n;
			break;
		case O_ENGINE:
			if (!strcmp(optarg, "kvm"))
				c->engine = ENGINE_KVM;
			else if (!strcmp(optarg, "emu"))
				c->engine = ENGINE_EMU;
			else if (!strcmp(optarg, "auto"))
				c->engine = ENGINE_AUTO;
			else
				return bad("--engine", optarg, "must be kvm, emu or auto");
			break;
		case O_SERIAL:
			if (!strcmp(optarg, "stdio")) {
				c->serial = SERIAL_STDIO;
			} else if (!strcmp(optarg, "none")) {
				c->serial = SERIAL_NONE;
			} else if (!strncmp(optarg, "file:", 5) && optarg[5]) {
				c->serial = SERIAL_FILE;
				c->serial_path = optarg + 5;
			} else {
				return bad("--serial", optarg, "must be stdio, file:PATH or none");
			}
			break;
		case O_NOREBOOT: c->no_reboot = 1; break;
		case O_TESTDEV: c->testdev = 1; break;
		case 'v': c->verbose++; break;
		case 'h':
			fputs(run_usage, stdout);
			return 1;
		case ':':
			fprintf(stderr, "hvm: option '%s' needs a value\n", argv[optind - 1]);
			return 2;
		default:
			fprintf(stderr, "hvm: unknown option '%s' (see hvm run --help)\n",
				argv[optind - 1]);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "hvm: unexpected argument '%s' (see hvm run --help)\n", argv[optind]);
		return 2;
	}
	if (!c->kernel) {
		fprintf(stderr, "hvm: --kernel is required (see hvm run --help)\n");
		return 2;
	}
	return 0;
}

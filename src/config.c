/*
 * `hvm run` option parsing.  Every bad value gets one line naming the option
 * and exit status 2.
 */
#include "config.h"
#include "host/net_slirp.h"
#include "host/net_tap.h"
#include "host/screendump.h"
#include "host/vnc.h"
#include "layout.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char run_usage[] =
	"usage: hvm run [--kernel FILE | --bios FILE] [options]\n"
	"  --kernel FILE        multiboot v1 ELF32, Linux bzImage or ELF vmlinux (detected by content)\n"
	"  --bios FILE          boot through this BIOS image (default without --kernel:\n"
	"                       " BIOS_DEFAULT_PATH ", Debian's SeaBIOS)\n"
	"  --boot c|d           BIOS boot order: disk (c) or CD-ROM (d) first (default c;\n"
	"                       d when only --cdrom is given)\n"
	"  --debugcon MODE      QEMU debug port 0x402 (SeaBIOS log): stdio, file:PATH or none\n"
	"                       (default none)\n"
	"  --initrd FILE        initial ramdisk (Linux) or module 0 (multiboot)\n"
	"  --append STRING      kernel command line\n"
	"  --memory SIZE        guest RAM, with K/M/G suffix (default 256M)\n"
	"  --cpus N             number of vCPUs (default 1)\n"
	"  --engine ENGINE      kvm, emu or auto (default auto: kvm when /dev/kvm works at hardware\n"
	"                       speed, else emu; hvm probe tells which and why)\n"
	"  --serial MODE        stdio (default), file:PATH or none\n"
	"  --no-reboot          exit (status 0) instead of resetting the guest\n"
	"  --testdev            add QEMU's pc-testdev (ports 0xe0-0xe4, 0x2000, MMIO 0xff000000)\n"
	"  --disk FILE[,format=raw][,readonly=on][,if=virtio|ide]\n"
	"                       a raw disk image (repeatable; virtio-blk unless if=ide)\n"
	"  --rng                a virtio-rng device fed by the host's getrandom()\n"
	"  --net user[,hostfwd=tcp:HOSTPORT-:GUESTPORT...][,model=virtio|e1000]\n"
	"                       a NIC on libslirp user networking (repeatable; virtio-net\n"
	"                       unless model=e1000, an Intel 82540EM)\n"
	"  --net tap:IFNAME[,model=virtio|e1000]  a NIC on an existing tap device (repeatable)\n"
	"  --mac XX:XX:XX:XX:XX:XX  MAC address of the NIC of the previous --net\n"
	"  --cdrom FILE         an ISO image on the ATAPI CD-ROM (secondary IDE master)\n"
	"  --vga std|none       the PCI VGA card with Bochs VBE (default std) or none\n"
	"  --display none       no display window (default)\n"
	"  --screendump FILE    at exit, write the screen to FILE.png, or its text to FILE.txt\n"
	"  --vnc :N|HOST:N|unix:PATH  a VNC server for the screen, keyboard and mouse on TCP port\n"
	"                       5900+N (127.0.0.1 unless HOST is given) or a unix socket\n"
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

/* Take every ",model=virtio|e1000" out of a --net spec, in place.  0 or -1 with why. */
static int take_model(char *arg, enum nic_model *model, char *why, size_t n)
{
	char *p = arg;

	*model = NIC_VIRTIO;
	while ((p = strchr(p, ','))) {
		char *v = p + 7;
		size_t len;
		if (strncmp(p + 1, "model=", 6)) {
			p++;
			continue;
		}
		len = strcspn(v, ",");
		if (len == 6 && !strncmp(v, "virtio", 6))
			*model = NIC_VIRTIO;
		else if (len == 5 && !strncmp(v, "e1000", 5))
			*model = NIC_E1000;
		else {
			snprintf(why, n, "unknown NIC model '%.*s' (virtio or e1000)", (int)len, v);
			return -1;
		}
		memmove(p, v + len, strlen(v + len) + 1);
	}
	return 0;
}

static int parse_net(struct vm_config *c, char *arg)
{
	char why[160];
	enum nic_model model;
	if (take_model(arg, &model, why, sizeof(why)))
		return bad("--net", arg, why);
	if (c->nr_nics >= MAX_NICS) {
		snprintf(why, sizeof(why), "at most %d NICs", MAX_NICS);
		return bad("--net", arg, why);
	}
	if (!strncmp(arg, "tap:", 4)) {
		if (net_tap_check_spec(arg, why, sizeof(why)))
			return bad("--net", arg, why);
	} else if (net_slirp_check_spec(arg, why, sizeof(why)))
		return bad("--net", arg, why);
	c->nics[c->nr_nics].spec = arg;
	c->nics[c->nr_nics].mac = NULL;
	c->nics[c->nr_nics].model = model;
	c->nr_nics++;
	return 0;
}

static int parse_mac(struct vm_config *c, const char *arg)
{
	unsigned b[6];
	char tail;
	if (!c->nr_nics)
		return bad("--mac", arg, "give it after the --net it belongs to");
	if (strlen(arg) != 17 || sscanf(arg, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2],
					&b[3], &b[4], &b[5], &tail) != 6)
		return bad("--mac", arg, "not a MAC address (XX:XX:XX:XX:XX:XX)");
	if (b[0] & 1)
		return bad("--mac", arg, "a multicast address cannot be a NIC's address");
	c->nics[c->nr_nics - 1].mac = arg;
	return 0;
}

/* FILE[,format=raw][,readonly=on|off][,if=virtio|ide]; arg is cut at the first comma. */
static int parse_disk(struct vm_config *c, char *arg)
{
	struct disk_config *d;
	char *opt, *next;

	if (c->nr_disks >= MAX_DISKS) {
		char why[48];
		snprintf(why, sizeof(why), "at most %d disks", MAX_DISKS);
		return bad("--disk", arg, why);
	}
	d = &c->disks[c->nr_disks];
	memset(d, 0, sizeof(*d));
	d->iface = DISK_IF_VIRTIO;
	d->path = arg;
	opt = strchr(arg, ',');
	if (opt)
		*opt++ = 0;
	if (!*arg)
		return bad("--disk", arg, "needs a file name");
	for (; opt; opt = next) {
		next = strchr(opt, ',');
		if (next)
			*next++ = 0;
		if (!strcmp(opt, "format=raw"))
			continue;
		if (!strncmp(opt, "format=", 7))
			return bad("--disk", opt, "only format=raw is supported");
		if (!strcmp(opt, "readonly=on") || !strcmp(opt, "readonly"))
			d->readonly = 1;
		else if (!strcmp(opt, "readonly=off"))
			d->readonly = 0;
		else if (!strcmp(opt, "if=virtio"))
			d->iface = DISK_IF_VIRTIO;
		else if (!strcmp(opt, "if=ide"))
			d->iface = DISK_IF_IDE;
		else
			return bad("--disk", opt, "unknown option (format=raw, readonly=on|off, if=virtio|ide)");
	}
	c->nr_disks++;
	return 0;
}

int config_parse_run(struct vm_config *c, int argc, char **argv)
{
	enum { O_KERNEL = 256, O_INITRD, O_APPEND, O_MEMORY, O_CPUS, O_ENGINE, O_SERIAL,
	       O_NOREBOOT, O_TESTDEV, O_DISK, O_RNG, O_CDROM, O_NET, O_MAC, O_BIOS, O_BOOT,
	       O_DEBUGCON, O_VGA, O_DISPLAY, O_SCREENDUMP, O_VNC };
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
		{ "disk", required_argument, NULL, O_DISK },
		{ "rng", no_argument, NULL, O_RNG },
		{ "net", required_argument, NULL, O_NET },
		{ "mac", required_argument, NULL, O_MAC },
		{ "cdrom", required_argument, NULL, O_CDROM },
		{ "bios", required_argument, NULL, O_BIOS },
		{ "boot", required_argument, NULL, O_BOOT },
		{ "debugcon", required_argument, NULL, O_DEBUGCON },
		{ "vga", required_argument, NULL, O_VGA },
		{ "display", required_argument, NULL, O_DISPLAY },
		{ "screendump", required_argument, NULL, O_SCREENDUMP },
		{ "vnc", required_argument, NULL, O_VNC },
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
	c->debugcon = SERIAL_NONE;

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
		case O_DISK:
			if (parse_disk(c, optarg))
				return 2;
			break;
		case O_RNG: c->virtio_rng = 1; break;
		case O_NET:
			if (parse_net(c, optarg))
				return 2;
			break;
		case O_MAC:
			if (parse_mac(c, optarg))
				return 2;
			break;
		case O_CDROM:
			if (!*optarg)
				return bad("--cdrom", optarg, "needs a file name");
			c->cdrom = optarg;
			break;
		case O_BIOS:
			if (!*optarg)
				return bad("--bios", optarg, "needs a file name");
			c->bios = optarg;
			break;
		case O_BOOT:
			if (strcmp(optarg, "c") && strcmp(optarg, "d"))
				return bad("--boot", optarg, "must be c (disk first) or d (CD-ROM first)");
			c->boot = optarg[0];
			break;
		case O_DEBUGCON:
			if (!strcmp(optarg, "stdio")) {
				c->debugcon = SERIAL_STDIO;
			} else if (!strcmp(optarg, "none")) {
				c->debugcon = SERIAL_NONE;
			} else if (!strncmp(optarg, "file:", 5) && optarg[5]) {
				c->debugcon = SERIAL_FILE;
				c->debugcon_path = optarg + 5;
			} else {
				return bad("--debugcon", optarg, "must be stdio, file:PATH or none");
			}
			break;
		case O_VGA:
			if (!strcmp(optarg, "none"))
				c->no_vga = 1;
			else if (!strcmp(optarg, "std"))
				c->no_vga = 0;
			else
				return bad("--vga", optarg, "must be std or none");
			break;
		case O_DISPLAY:
			if (strcmp(optarg, "none"))
				return bad("--display", optarg, "must be none");
			break;
		case O_SCREENDUMP:
			if (!screendump_kind_ok(optarg))
				return bad("--screendump", optarg, "must end in .png or .txt");
			c->screendump = optarg;
			break;
		case O_VNC: {
			char why[160];
			if (vnc_check_spec(optarg, why, sizeof(why)))
				return bad("--vnc", optarg, why);
			c->vnc = optarg;
			break;
		}
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
	/* --kernel loads the guest directly; without it a BIOS boots from the disks. */
	if (c->kernel && c->bios) {
		fprintf(stderr, "hvm: --kernel and --bios exclude each other (a BIOS boots from "
			"--disk/--cdrom)\n");
		return 2;
	}
	if (c->kernel && c->boot) {
		fprintf(stderr, "hvm: --boot needs firmware boot (leave out --kernel)\n");
		return 2;
	}
	if (!c->kernel && (c->initrd || *c->append)) {
		fprintf(stderr, "hvm: --%s needs --kernel\n", c->initrd ? "initrd" : "append");
		return 2;
	}
	if (c->vnc && c->no_vga) {
		fprintf(stderr, "hvm: --vnc needs the VGA card (leave out --vga none)\n");
		return 2;
	}
	if (c->screendump && c->no_vga) {
		fprintf(stderr, "hvm: --screendump needs the VGA card (leave out --vga none)\n");
		return 2;
	}
	if (!c->kernel && !c->bios)
		c->bios = BIOS_DEFAULT_PATH;
	if (!c->kernel && !c->boot)
		c->boot = c->cdrom && !c->nr_disks ? 'd' : 'c';
	return 0;
}

/*
 * The machine configuration that the command line produces.
 */
#ifndef HVM_CONFIG_H
#define HVM_CONFIG_H

#include <stdint.h>

enum engine_choice { ENGINE_AUTO, ENGINE_KVM, ENGINE_EMU };
enum serial_mode { SERIAL_STDIO, SERIAL_FILE, SERIAL_NONE };

enum disk_if { DISK_IF_VIRTIO, DISK_IF_IDE };

#define MAX_DISKS 8
#define BIOS_DEFAULT_PATH "/usr/share/seabios/bios.bin"
#define MAX_NICS 4

struct disk_config {
	const char *path;
	enum disk_if iface;		/* --disk ...,if=virtio|ide (default virtio) */
	int readonly;			/* readonly=on */
};

enum nic_model { NIC_VIRTIO, NIC_E1000 };

struct net_config {
	const char *spec;		/* the --net argument without model=: "user[,hostfwd=...]", "tap:IF" */
	const char *mac;		/* --mac for this NIC (NULL: stable default) */
	enum nic_model model;		/* ,model=virtio|e1000 (default virtio) */
};

struct vm_config {
	const char *kernel;
	const char *initrd;
	const char *append;		/* kernel command line, "" if none */
	uint64_t mem_size;		/* bytes */
	int nr_cpus;
	enum engine_choice engine;
	enum serial_mode serial;
	const char *serial_path;	/* SERIAL_FILE */
	int no_reboot;
	int testdev;
	int verbose;

	/* Storage, network and other devices (issues 5 and 6). */
	struct disk_config disks[MAX_DISKS];
	int nr_disks;
	const char *cdrom;		/* --cdrom FILE.iso: ATAPI on the secondary master */
	struct net_config nics[MAX_NICS];
	int nr_nics;
	int virtio_rng;			/* --rng: add a virtio-rng device */

	/* Firmware boot (no --kernel): SeaBIOS-style BIOS image. */
	const char *bios;		/* --bios FILE (default BIOS_DEFAULT_PATH without --kernel) */
	char boot;			/* --boot c (disk first) or d (CD-ROM first) */
	enum serial_mode debugcon;	/* --debugcon: QEMU debug port 0x402 (default none) */
	const char *debugcon_path;	/* SERIAL_FILE */

	/* Display (issue 6). */
	int no_vga;			/* --vga none: no VGA card */
	const char *screendump;		/* --screendump FILE.png|FILE.txt: the screen at exit */
	const char *vnc;		/* --vnc :N | HOST:N | unix:PATH */
};

/*
 * Parse `hvm run` options (argv[0] is "run").  Returns 0, or 2 after printing
 * a one-line error naming the bad option; 1 if --help was printed.
 */
int config_parse_run(struct vm_config *c, int argc, char **argv);
/* "256M", "1G", "4096K", "1048576" -> bytes.  -1 if malformed or overflows. */
int config_parse_size(const char *s, uint64_t *out);

#endif

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
#define MAX_NICS 4

struct disk_config {
	const char *path;
	enum disk_if iface;		/* --disk ...,if=virtio|ide (default virtio) */
	int readonly;			/* readonly=on */
};

struct net_config {
	const char *spec;		/* the --net argument as given: "user[,hostfwd=...]", "tap:IF" */
	const char *mac;		/* --mac for this NIC (NULL: stable default) */
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
};

/*
 * Parse `hvm run` options (argv[0] is "run").  Returns 0, or 2 after printing
 * a one-line error naming the bad option; 1 if --help was printed.
 */
int config_parse_run(struct vm_config *c, int argc, char **argv);
/* "256M", "1G", "4096K", "1048576" -> bytes.  -1 if malformed or overflows. */
int config_parse_size(const char *s, uint64_t *out);

#endif

/*
 * The machine configuration that the command line produces.
 */
#ifndef HVM_CONFIG_H
#define HVM_CONFIG_H

#include <stdint.h>

enum engine_choice { ENGINE_AUTO, ENGINE_KVM, ENGINE_EMU };
enum serial_mode { SERIAL_STDIO, SERIAL_FILE, SERIAL_NONE };

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
};

/*
 * Parse `hvm run` options (argv[0] is "run").  Returns 0, or 2 after printing
 * a one-line error naming the bad option; 1 if --help was printed.
 */
int config_parse_run(struct vm_config *c, int argc, char **argv);
/* "256M", "1G", "4096K", "1048576" -> bytes.  -1 if malformed or overflows. */
int config_parse_size(const char *s, uint64_t *out);

#endif

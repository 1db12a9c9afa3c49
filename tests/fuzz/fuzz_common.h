/*
 * Shared by the boot-loader libFuzzer harnesses: one 16 MiB guest, reused
 * across inputs, and a loader call that splits the input into kernel,
 * initrd and cmdline.  Anything but a clean return is a bug.
 */
#ifndef HVM_FUZZ_COMMON_H
#define HVM_FUZZ_COMMON_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "boot/boot.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct guest_mem *fuzz_mem(void)
{
	static struct guest_mem m;
	static int ready;
	if (!ready) {
		if (mem_init(&m, 16ULL << 20))
			abort();
		ready = 1;
	}
	return &m;
}

/*
 * The last byte picks the initrd length (a slice of the input, or "too
 * big" to hit the size checks without reading past the buffer) and the
 * cmdline length.
 */
static void fuzz_load(const uint8_t *img, size_t len, uint8_t knob)
{
	static char cmd[300];
	struct cpu_state st;
	char err[128];
	size_t clen = (size_t)(knob & 0x0f) * 19;
	struct boot_params_in in = {
		.kernel = img, .kernel_len = len, .cmdline = cmd,
		.kernel_name = "fuzz", .nr_cpus = 1, .acpi_rsdp = 0xe0000,
	};
	memset(cmd, 'c', clen);
	cmd[clen] = 0;
	if (knob & 0x10) {
		in.initrd = img;
		in.initrd_len = (knob & 0x20) ? ((size_t)1 << 40) + 1 : len / 2;
		/* "too big" must be refused before it is read: never pass it otherwise */
		if (in.initrd_len > len)
			in.initrd_len = (knob & 0x40) ? ((size_t)1 << 40) : len;
	}
	(void)boot_detect(img, len);
	if (boot_load(fuzz_mem(), &in, &st, err, sizeof(err)) == 0 && in.initrd_len > len)
		abort();	/* accepted an initrd larger than RAM */
}

#endif

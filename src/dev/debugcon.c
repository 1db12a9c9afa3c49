/*
 * isa-debugcon as QEMU documents it: each byte written to the port goes to
 * the host backend; reads return 0xe9 so firmware can tell the port exists
 * (SeaBIOS stops logging when it reads anything else).  Wider writes send
 * their low byte only, as the device is one byte wide.
 */
#include "dev/debugcon.h"
#include "host/chr.h"

static uint64_t debugcon_read(void *opaque, uint64_t off, unsigned size)
{
	(void)opaque;
	(void)off;
	(void)size;
	return DEBUGCON_READBACK;
}

static void debugcon_write(void *opaque, uint64_t off, unsigned size, uint64_t val)
{
	uint8_t b = (uint8_t)val;
	(void)off;
	(void)size;
	chr_write(opaque, &b, 1);
}

const struct io_ops debugcon_ops = {
	.name = "debugcon",
	.read = debugcon_read,
	.write = debugcon_write,
};

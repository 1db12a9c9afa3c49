/*
 * isa-debug-exit, compatible with QEMU's device of that name as
 * kvm-unit-tests and other test guests use it: writing v ends hvm with
 * status (v << 1) | 1, so a guest can never make hvm exit 0.
 * Any offset and width is accepted, as QEMU does; reads return all ones.
 */
#include "dev/debug_exit.h"

#include "core/vmctl.h"

static uint64_t debug_exit_read(void *opaque, uint64_t off, unsigned size)
{
	return ~0ULL;
}

static void debug_exit_write(void *opaque, uint64_t off, unsigned size, uint64_t val)
{
	const struct vm_ctl *ctl = opaque;
	/* The status is computed in int as QEMU does; only its low 8 bits survive exit(). */
	int code = (int)(((uint32_t)val << 1) | 1);
	vmctl_request(ctl, VMREQ_EXIT, code, "debug-exit");
}

const struct io_ops debug_exit_ops = {
	.name = "debug-exit",
	.read = debug_exit_read,
	.write = debug_exit_write,
};

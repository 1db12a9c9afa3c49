/*
 * Reset paths of the PC chipset, after the PIIX3/PIIX4 datasheets:
 *  - System Control Port A (0x92): bit 0 fast reset on a 0->1 transition,
 *    bit 1 A20 gate; reads return bit 1 (and bit 0 as written, cleared by reset).
 *  - Reset Control Register (0xcf9): a write with bit 2 (RST_CPU) set
 *    resets the machine; bit 1 (SYS_RST, hard vs soft) makes no difference
 *    here.  Reads return the last value written (0 after reset).
 *  - POST port 0x80: writes are discarded (firmware uses it as a delay),
 *    reads return 0xff.
 * The A20 bit drives a line to the board, which gates the CPU's address
 * bit 20 with it and the keyboard controller's.  Not emulated: INIT-only
 * soft reset distinctions.
 */
#include "dev/reset.h"

#include <stdint.h>
#include <stdlib.h>

#define PORT92_FAST_RESET	0x01
#define PORT92_A20		0x02
#define CF9_SYS_RST		0x02
#define CF9_RST_CPU		0x04

struct reset_ctl {
	const struct vm_ctl *ctl;
	uint8_t port92;
	uint8_t cf9;
	const struct irq_line *a20;	/* port 0x92 bit 1, to the board's A20 gate */
};

static uint64_t port92_read(void *opaque, uint64_t off, unsigned size)
{
	struct reset_ctl *r = opaque;
	return r->port92 & (PORT92_A20 | PORT92_FAST_RESET);
}

static void port92_write(void *opaque, uint64_t off, unsigned size, uint64_t val)
{
	struct reset_ctl *r = opaque;
	uint8_t old = r->port92, v = (uint8_t)val;

	r->port92 = v & (PORT92_A20 | PORT92_FAST_RESET);
	if ((v ^ old) & PORT92_A20)
		irq_set(r->a20, !!(v & PORT92_A20));
	if ((v & PORT92_FAST_RESET) && !(old & PORT92_FAST_RESET))
		vmctl_request(r->ctl, VMREQ_RESET, 0, "port 0x92 fast reset");
}

static uint64_t cf9_read(void *opaque, uint64_t off, unsigned size)
{
	struct reset_ctl *r = opaque;
	return r->cf9;
}

static void cf9_write(void *opaque, uint64_t off, unsigned size, uint64_t val)
{
	struct reset_ctl *r = opaque;
	uint8_t v = (uint8_t)val;

	/* Kept as written; the machine reset that follows clears it. */
	r->cf9 = v;
	if (v & CF9_RST_CPU)
		vmctl_request(r->ctl, VMREQ_RESET, 0, "port 0xcf9 reset");
}

static void reset_reset(void *opaque)
{
	struct reset_ctl *r = opaque;
	r->port92 = 0;
	r->cf9 = 0;
	irq_set(r->a20, 0);
}

struct reset_ctl *reset_new(const struct vm_ctl *ctl)
{
	struct reset_ctl *r = calloc(1, sizeof(*r));
	if (r)
		r->ctl = ctl;
	return r;
}

void reset_free(struct reset_ctl *r)
{
	free(r);
}

void reset_set_a20_line(struct reset_ctl *r, const struct irq_line *a20)
{
	r->a20 = a20;
}

int reset_a20(const struct reset_ctl *r)
{
	return !!(r->port92 & PORT92_A20);
}

static uint64_t post_read(void *opaque, uint64_t off, unsigned size)
{
	return ~0ULL;
}

static void post_write(void *opaque, uint64_t off, unsigned size, uint64_t val)
{
}

const struct io_ops port92_ops = {
	.name = "port92",
	.read = port92_read,
	.write = port92_write,
	.reset = reset_reset,
};

/* Shares port92's state; its reset runs from port92_ops. */
const struct io_ops cf9_ops = {
	.name = "reset-cf9",
	.read = cf9_read,
	.write = cf9_write,
};

const struct io_ops post_ops = {
	.name = "post",
	.read = post_read,
	.write = post_write,
};

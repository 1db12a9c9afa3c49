/*
 * pc-testdev, the test device of QEMU's PC board that kvm-unit-tests
 * drives (see /work/shared/kvm-unit-tests/README.md for the contract):
 *   0xe0-0xe3  a 32-bit scratch latch; byte/word accesses hit their bytes;
 *   0xe4       "flush page" with a guest-physical address: there is no
 *              cached translation to drop in a VMM's device model, so no-op;
 *   0x2000+n   outb(level) drives GSI n (0 <= n < 24);
 *   MMIO       64 KiB of RAM-like memory reached through the MMIO exit path.
 * Not emulated: QEMU's other testdev ports (0xe8 iomem window, 0xe9 console).
 */
#include "dev/testdev.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "layout.h"

struct testdev {
	struct irq_line gsi[TESTDEV_NR_IRQ];
	uint32_t latch;
	uint8_t mem[LAYOUT_TESTDEV_MMIO_LEN];
};

static uint64_t size_mask(unsigned size)
{
	return size >= 8 ? ~0ULL : (1ULL << (size * 8)) - 1;
}

static uint64_t latch_read(void *opaque, uint64_t off, unsigned size)
{
	struct testdev *t = opaque;
	if (off >= 4)
		return ~0ULL;
	return (t->latch >> (off * 8)) & size_mask(size);
}

static void latch_write(void *opaque, uint64_t off, unsigned size, uint64_t val)
{
	struct testdev *t = opaque;
	if (off >= 4)
		return;
	/* Bytes that fall past the latch are dropped. */
	uint64_t mask = (size_mask(size) << (off * 8)) & 0xffffffffULL;
	t->latch = (uint32_t)((t->latch & ~mask) | ((val << (off * 8)) & mask));
}

static uint64_t flush_read(void *opaque, uint64_t off, unsigned size)
{
	return ~0ULL;
}

static void flush_write(void *opaque, uint64_t off, unsigned size, uint64_t val)
{
}

static uint64_t irq_read(void *opaque, uint64_t off, unsigned size)
{
	return ~0ULL;
}

static void irq_write(void *opaque, uint64_t off, unsigned size, uint64_t val)
{
	struct testdev *t = opaque;
	if (off >= TESTDEV_NR_IRQ)
		return;
	irq_set(&t->gsi[off], (val & 0xff) != 0);
}

static uint64_t mmio_read(void *opaque, uint64_t off, unsigned size)
{
	struct testdev *t = opaque;
	uint8_t b[8] = { 0 };
	uint64_t v = 0;

	if (off >= sizeof(t->mem) || size > 8)
		return ~0ULL;
	size_t n = sizeof(t->mem) - off < size ? sizeof(t->mem) - off : size;
	memcpy(b, t->mem + off, n);
	for (int i = 7; i >= 0; i--)
		v = (v << 8) | b[i];
	return v;
}

static void mmio_write(void *opaque, uint64_t off, unsigned size, uint64_t val)
{
	struct testdev *t = opaque;
	if (off >= sizeof(t->mem) || size > 8)
		return;
	size_t n = sizeof(t->mem) - off < size ? sizeof(t->mem) - off : size;
	for (size_t i = 0; i < n; i++)
		t->mem[off + i] = (uint8_t)(val >> (i * 8));
}

static void testdev_reset(void *opaque)
{
	struct testdev *t = opaque;
	t->latch = 0;
}

struct testdev *testdev_new(const struct irq_line gsi[TESTDEV_NR_IRQ])
{
	struct testdev *t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	if (gsi)
		memcpy(t->gsi, gsi, sizeof(t->gsi));
	return t;
}

void testdev_free(struct testdev *t)
{
	free(t);
}

const struct io_ops testdev_latch_ops = {
	.name = "testdev-latch",
	.read = latch_read,
	.write = latch_write,
	.reset = testdev_reset,
};

const struct io_ops testdev_flush_ops = {
	.name = "testdev-flush",
	.read = flush_read,
	.write = flush_write,
};

const struct io_ops testdev_irq_ops = {
	.name = "testdev-irq",
	.read = irq_read,
	.write = irq_write,
};

/* Contents survive a reset, like RAM. */
const struct io_ops testdev_mmio_ops = {
	.name = "testdev-mmio",
	.read = mmio_read,
	.write = mmio_write,
};

/*
 * Range map for port I/O and MMIO.  Lookups are a binary search over a
 * sorted array; mapping changes (BAR moves) are rare.
 */
#include "core/bus.h"
#include "core/log.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void bus_init(struct bus *b, const char *name)
{
	memset(b, 0, sizeof(*b));
	b->name = name;
}

void bus_destroy(struct bus *b)
{
	free(b->r);
	b->r = NULL;
	b->nr = b->cap = 0;
}

int bus_add(struct bus *b, uint64_t base, uint64_t len, const struct io_ops *ops, void *opaque)
{
	int i;
	if (!len || base + len - 1 < base || !ops)
		return -EINVAL;
	for (i = 0; i < b->nr; i++) {
		const struct bus_range *r = &b->r[i];
		if (base <= r->base + r->len - 1 && r->base <= base + len - 1)
			return -EEXIST;
	}
	if (b->nr == b->cap) {
		int cap = b->cap ? b->cap * 2 : 16;
		struct bus_range *n = realloc(b->r, cap * sizeof(*n));
		if (!n)
			return -ENOMEM;
		b->r = n;
		b->cap = cap;
	}
	for (i = b->nr; i > 0 && b->r[i - 1].base > base; i--)
		b->r[i] = b->r[i - 1];
	b->r[i] = (struct bus_range){ base, len, ops, opaque };
	b->nr++;
	return 0;
}

int bus_remove(struct bus *b, uint64_t base, void *opaque)
{
	for (int i = 0; i < b->nr; i++) {
		if (b->r[i].base == base && b->r[i].opaque == opaque) {
			memmove(&b->r[i], &b->r[i + 1], (b->nr - i - 1) * sizeof(b->r[0]));
			b->nr--;
			return 0;
		}
	}
	return -ENOENT;
}

const struct bus_range *bus_find(const struct bus *b, uint64_t addr)
{
	int lo = 0, hi = b->nr - 1;
	while (lo <= hi) {
		int mid = (lo + hi) / 2;
		const struct bus_range *r = &b->r[mid];
		if (addr < r->base)
			hi = mid - 1;
		else if (addr - r->base >= r->len)
			lo = mid + 1;
		else
			return r;
	}
	return NULL;
}

static int fits(const struct bus_range *r, uint64_t addr, unsigned size)
{
	return r && addr - r->base + size <= r->len && addr + size - 1 >= addr;
}

static uint64_t size_mask(unsigned size)
{
	return size >= 8 ? ~0ULL : (1ULL << (size * 8)) - 1;
}

int bus_read(struct bus *b, uint64_t addr, unsigned size, uint64_t *val)
{
	const struct bus_range *r = bus_find(b, addr);
	if (size != 1 && size != 2 && size != 4 && size != 8)
		size = 1;
	if (fits(r, addr, size)) {
		*val = r->ops->read ? r->ops->read(r->opaque, addr - r->base, size) & size_mask(size)
				    : size_mask(size);
		return 1;
	}
	if (!r && !bus_find(b, addr + size - 1)) {
		/* Guests probe for absent hardware all the time: only shown with -v. */
		if (log_verbosity >= LOG_INFO)
			log_ratelimited(&b->unmapped_log, "unmapped %s read at %#llx size %u",
				b->name, (unsigned long long)addr, size);
		*val = size_mask(size);
		return 0;
	}
	/* Straddles a range edge: one byte at a time. */
	uint64_t v = 0;
	int all = 1;
	for (unsigned i = 0; i < size; i++) {
		uint64_t byte;
		all &= bus_read(b, addr + i, 1, &byte);
		v |= (byte & 0xff) << (8 * i);
	}
	*val = v;
	return all;
}

int bus_write(struct bus *b, uint64_t addr, unsigned size, uint64_t val)
{
	const struct bus_range *r = bus_find(b, addr);
	if (size != 1 && size != 2 && size != 4 && size != 8)
		size = 1;
	if (fits(r, addr, size)) {
		if (r->ops->write)
			r->ops->write(r->opaque, addr - r->base, size, val & size_mask(size));
		return 1;
	}
	if (!r && !bus_find(b, addr + size - 1)) {
		if (log_verbosity >= LOG_INFO)
			log_ratelimited(&b->unmapped_log, "unmapped %s write at %#llx size %u value %#llx",
				b->name, (unsigned long long)addr, size, (unsigned long long)val);
		return 0;
	}
	int all = 1;
	for (unsigned i = 0; i < size; i++)
		all &= bus_write(b, addr + i, 1, (val >> (8 * i)) & 0xff);
	return all;
}

void bus_reset(struct bus *b)
{
	for (int i = 0; i < b->nr; i++)
		if (b->r[i].ops->reset)
			b->r[i].ops->reset(b->r[i].opaque);
}

/*
 * PIO and MMIO buses: a sorted map of non-overlapping ranges.  A device sees
 * the offset from its base, an access size of 1/2/4/8 and the value in a
 * uint64_t.  Unmapped reads return all ones; unmapped writes are dropped.
 *
 * The buses are not locked: callers hold the machine's device-model lock.
 */
#ifndef HVM_BUS_H
#define HVM_BUS_H

#include <stdint.h>

struct io_ops {
	const char *name;
	uint64_t (*read)(void *opaque, uint64_t off, unsigned size);
	void (*write)(void *opaque, uint64_t off, unsigned size, uint64_t val);
	void (*reset)(void *opaque);
};

struct bus_range {
	uint64_t base, len;
	const struct io_ops *ops;
	void *opaque;
};

struct bus {
	const char *name;	/* "pio" or "mmio", for log lines */
	struct bus_range *r;
	int nr, cap;
	unsigned unmapped_log;	/* rate-limit state */
};

void bus_init(struct bus *b, const char *name);
void bus_destroy(struct bus *b);

/* Map [base, base+len).  -EEXIST if it overlaps a mapped range, -EINVAL for len 0/overflow. */
int bus_add(struct bus *b, uint64_t base, uint64_t len, const struct io_ops *ops, void *opaque);
/* Unmap the range starting at base owned by opaque.  -ENOENT if none. */
int bus_remove(struct bus *b, uint64_t base, void *opaque);
/* Range containing addr, or NULL. */
const struct bus_range *bus_find(const struct bus *b, uint64_t addr);

/*
 * Dispatch one access.  An access that runs past the end of the range it
 * starts in is split into byte accesses, each dispatched on its own.
 * Return 1 if (all of) the access hit a device, 0 if any part was unmapped.
 */
int bus_read(struct bus *b, uint64_t addr, unsigned size, uint64_t *val);
int bus_write(struct bus *b, uint64_t addr, unsigned size, uint64_t val);

/* Call every device's reset hook. */
void bus_reset(struct bus *b);

#endif

/* PIO/MMIO bus: overlap rejection, offset dispatch, edges, unmapped accesses. */
#include "test.h"
#include "core/bus.h"

#include <errno.h>

struct rec {
	uint64_t last_off, last_val;
	unsigned last_size, reads, writes;
	uint8_t mem[16];
};

static uint64_t rec_read(void *o, uint64_t off, unsigned size)
{
	struct rec *r = o;
	uint64_t v = 0;
	r->reads++;
	r->last_off = off;
	r->last_size = size;
	for (unsigned i = 0; i < size && off + i < 16; i++)
		v |= (uint64_t)r->mem[off + i] << (8 * i);
	return v;
}

static void rec_write(void *o, uint64_t off, unsigned size, uint64_t val)
{
	struct rec *r = o;
	r->writes++;
	r->last_off = off;
	r->last_size = size;
	r->last_val = val;
	for (unsigned i = 0; i < size && off + i < 16; i++)
		r->mem[off + i] = val >> (8 * i);
}

static const struct io_ops rec_ops = { "rec", rec_read, rec_write, NULL };

TEST(overlap)
{
	struct bus b;
	struct rec a = { 0 };
	bus_init(&b, "pio");
	CHECK_EQ(bus_add(&b, 0x100, 8, &rec_ops, &a), 0);
	CHECK_EQ(bus_add(&b, 0x107, 1, &rec_ops, &a), -EEXIST);
	CHECK_EQ(bus_add(&b, 0xf8, 9, &rec_ops, &a), -EEXIST);
	CHECK_EQ(bus_add(&b, 0xf0, 0x20, &rec_ops, &a), -EEXIST);	/* covers it */
	CHECK_EQ(bus_add(&b, 0x108, 8, &rec_ops, &a), 0);		/* adjacent is fine */
	CHECK_EQ(bus_add(&b, 0xf8, 8, &rec_ops, &a), 0);
	CHECK_EQ(bus_add(&b, 0x200, 0, &rec_ops, &a), -EINVAL);
	CHECK_EQ(bus_add(&b, ~0ULL - 2, 8, &rec_ops, &a), -EINVAL);	/* wraps */
	CHECK_EQ(bus_add(&b, ~0ULL, 1, &rec_ops, &a), 0);		/* last byte is legal */
	bus_destroy(&b);
}

TEST(offset_dispatch)
{
	struct bus b;
	struct rec a = { 0 }, c = { 0 };
	uint64_t v;
	bus_init(&b, "pio");
	CHECK_EQ(bus_add(&b, 0x3f8, 8, &rec_ops, &a), 0);
	CHECK_EQ(bus_add(&b, 0x60, 1, &rec_ops, &c), 0);
	CHECK_EQ(bus_write(&b, 0x3fb, 1, 0x83), 1);
	CHECK_EQ(a.last_off, 3);
	CHECK_EQ(a.last_val, 0x83);
	CHECK_EQ(bus_read(&b, 0x3fb, 1, &v), 1);
	CHECK_EQ(v, 0x83);
	CHECK_EQ(c.writes, 0);
	CHECK_EQ(bus_write(&b, 0x3f8, 4, 0xdeadbeef), 1);
	CHECK_EQ(a.last_size, 4);
	CHECK_EQ(bus_read(&b, 0x3f8, 2, &v), 1);
	CHECK_EQ(v, 0xbeef);
	/* the value handed to a device is truncated to the access size */
	CHECK_EQ(bus_write(&b, 0x3f9, 1, 0x1234), 1);
	CHECK_EQ(a.last_val, 0x34);
	bus_destroy(&b);
}

TEST(unmapped)
{
	struct bus b;
	uint64_t v = 0;
	bus_init(&b, "pio");
	CHECK_EQ(bus_read(&b, 0x1234, 1, &v), 0);
	CHECK_EQ(v, 0xff);
	CHECK_EQ(bus_read(&b, 0x1234, 2, &v), 0);
	CHECK_EQ(v, 0xffff);
	CHECK_EQ(bus_read(&b, 0x1234, 4, &v), 0);
	CHECK_EQ(v, 0xffffffff);
	CHECK_EQ(bus_read(&b, 0x1234, 8, &v), 0);
	CHECK_EQ(v, ~0ULL);
	CHECK_EQ(bus_write(&b, 0x1234, 4, 5), 0);
	bus_destroy(&b);
}

TEST(edges)
{
	struct bus b;
	struct rec a = { 0 }, c = { 0 };
	uint64_t v;
	bus_init(&b, "mmio");
	CHECK_EQ(bus_add(&b, 0x1000, 4, &rec_ops, &a), 0);
	CHECK_EQ(bus_add(&b, 0x1004, 4, &rec_ops, &c), 0);
	memset(a.mem, 0x11, 4);
	memset(c.mem, 0x22, 4);
	/* a read straddling two devices is split into bytes: each sees its own offset */
	CHECK_EQ(bus_read(&b, 0x1002, 4, &v), 1);
	CHECK_EQ(v, 0x22221111);
	CHECK_EQ(c.last_off, 1);
	CHECK_EQ(c.last_size, 1);
	/* straddling a device and unmapped space: the unmapped bytes read 0xff */
	CHECK_EQ(bus_read(&b, 0x1006, 4, &v), 0);
	CHECK_EQ(v, 0xffff2222);
	CHECK_EQ(bus_write(&b, 0x0ffe, 4, 0xa1b2c3d4), 0);
	CHECK_EQ(a.mem[0], 0xb2);
	CHECK_EQ(a.mem[1], 0xa1);
	/* an odd size is treated as a byte access, never passed through */
	CHECK_EQ(bus_read(&b, 0x1000, 3, &v), 1);
	CHECK_EQ(a.last_size, 1);
	bus_destroy(&b);
}

TEST(remove_and_find)
{
	struct bus b;
	struct rec a = { 0 }, c = { 0 };
	bus_init(&b, "mmio");
	for (int i = 0; i < 40; i++)
		CHECK_EQ(bus_add(&b, 0x10000 + 0x100 * (39 - i), 0x10, &rec_ops, i == 20 ? &c : &a), 0);
	CHECK(bus_find(&b, 0x10000 + 0x100 * 19 + 0xf)->opaque == &c);
	CHECK(bus_find(&b, 0x10000 + 0x100 * 19 + 0x10) == NULL);
	CHECK_EQ(bus_remove(&b, 0x10000 + 0x100 * 19, &a), -ENOENT);	/* wrong owner */
	CHECK_EQ(bus_remove(&b, 0x10000 + 0x100 * 19, &c), 0);
	CHECK(bus_find(&b, 0x10000 + 0x100 * 19) == NULL);
	CHECK(bus_find(&b, 0x10000 + 0x100 * 39) != NULL);
	/* re-mapping where it was is now allowed */
	CHECK_EQ(bus_add(&b, 0x10000 + 0x100 * 19, 0x10, &rec_ops, &c), 0);
	bus_destroy(&b);
}

TEST_MAIN_BEGIN("bus")
	RUN(overlap);
	RUN(offset_dispatch);
	RUN(unmapped);
	RUN(edges);
	RUN(remove_and_find);
TEST_MAIN_END()

/*
 * Split virtqueue walking, device side: well-formed chains, and hostile
 * rings (addresses outside RAM, length overflow, loops, indices out of
 * range, nested indirect tables, an avail index running ahead), each of
 * which must end in NEEDS_RESET, never a crash or a hang.
 */
#include "test.h"
#include "core/mem.h"
#include "dev/virtio.h"
#include "dev/virtio_rng.h"

#include <errno.h>

#define QSZ	8
#define DESC	0x10000ULL
#define AVAIL	0x11000ULL
#define USED	0x12000ULL
#define BUF	0x20000ULL
#define ITAB	0x30000ULL

static struct guest_mem mem;
static struct virtio_dev vd;
static int cfg_irqs, queue_irqs;

static void irq_queue(struct virtio_dev *d, unsigned q) { (void)d; (void)q; queue_irqs++; }
static void irq_config(struct virtio_dev *d) { (void)d; cfg_irqs++; }

static void put_desc(uint64_t table, unsigned i, uint64_t addr, uint32_t len, uint16_t flags,
		     uint16_t next)
{
	struct { uint64_t a; uint32_t l; uint16_t f, n; } d = { addr, len, flags, next };
	gpa_write(&mem, table + 16ULL * i, &d, 16);
}

static void w16(uint64_t gpa, uint16_t v) { gpa_write(&mem, gpa, &v, 2); }
static uint16_t r16(uint64_t gpa) { uint16_t v = 0; gpa_read(&mem, gpa, &v, 2); return v; }
static uint32_t r32(uint64_t gpa) { uint32_t v = 0; gpa_read(&mem, gpa, &v, 4); return v; }

/* Post head as the next avail entry (avail idx += 1). */
static void post(uint16_t head)
{
	uint16_t idx = r16(AVAIL + 2);
	w16(AVAIL + 4 + 2 * (idx % QSZ), head);
	w16(AVAIL + 2, (uint16_t)(idx + 1));
}

/* A live device with one queue; features = the device's offer minus `drop`. */
static void setup(uint64_t drop)
{
	if (!mem.nr)
		CHECK_EQ(mem_init(&mem, 16 << 20), 0);
	CHECK_EQ(gpa_zero(&mem, DESC, 0x40000), 0);
	virtio_dev_init(&vd, &mem, 2, 0, 1, QSZ, NULL, NULL);
	vd.irq_queue = irq_queue;
	vd.irq_config = irq_config;
	cfg_irqs = queue_irqs = 0;
	vd.guest_features = vd.host_features & ~drop;
	virtio_set_status(&vd, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	virtio_set_status(&vd, vd.status | VIRTIO_STATUS_FEATURES_OK);
	CHECK(vd.status & VIRTIO_STATUS_FEATURES_OK);
	vd.vq[0].size = QSZ;
	vd.vq[0].desc = DESC;
	vd.vq[0].avail = AVAIL;
	vd.vq[0].used = USED;
	CHECK_EQ(virtq_check(&vd, &vd.vq[0]), 0);
	vd.vq[0].ready = 1;
	virtio_set_status(&vd, vd.status | VIRTIO_STATUS_DRIVER_OK);
	CHECK(virtio_dev_running(&vd));
}

static struct virtq_elem e;

/* The chain must be refused: -EINVAL, NEEDS_RESET, one config interrupt, no more pops. */
#define CHECK_REFUSED() do { \
	CHECK_EQ(virtq_pop(&vd, 0, &e), -EINVAL); \
	CHECK(vd.status & VIRTIO_STATUS_NEEDS_RESET); \
	CHECK_EQ(cfg_irqs, 1); \
	CHECK_EQ(virtq_pop(&vd, 0, &e), 0); \
} while (0)

TEST(simple_chain)
{
	setup(0);
	CHECK_EQ(virtq_pop(&vd, 0, &e), 0);
	put_desc(DESC, 0, BUF, 16, VIRTQ_DESC_F_NEXT, 3);
	put_desc(DESC, 3, BUF + 0x100, 512, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 5);
	put_desc(DESC, 5, BUF + 0x400, 1, VIRTQ_DESC_F_WRITE, 0);
	post(0);
	CHECK_EQ(virtq_pop(&vd, 0, &e), 1);
	CHECK_EQ(e.head, 0);
	CHECK_EQ(e.nr_out, 1);
	CHECK_EQ(e.nr_in, 2);
	CHECK_EQ(e.out_len, 16);
	CHECK_EQ(e.in_len, 513);
	CHECK_EQ(e.buf[2].gpa, BUF + 0x400);
	CHECK_EQ(virtq_pop(&vd, 0, &e), 0);
	/* EVENT_IDX: the device asks to hear about the next entry. */
	CHECK_EQ(r16(USED + 4 + 8 * QSZ), 1);
	virtq_push(&vd, 0, 0, 513);
	CHECK_EQ(r16(USED + 2), 1);
	CHECK_EQ(r32(USED + 4), 0);
	CHECK_EQ(r32(USED + 8), 513);
	CHECK(!(vd.status & VIRTIO_STATUS_NEEDS_RESET));
}

TEST(copy_helpers_span_buffers)
{
	uint8_t in[40], out[40];
	setup(0);
	for (int i = 0; i < 40; i++)
		in[i] = (uint8_t)(i * 7 + 1);
	gpa_write(&mem, BUF, in, 10);
	gpa_write(&mem, BUF + 0x100, in + 10, 30);
	put_desc(DESC, 0, BUF, 10, VIRTQ_DESC_F_NEXT, 1);
	put_desc(DESC, 1, BUF + 0x100, 30, VIRTQ_DESC_F_NEXT, 2);
	put_desc(DESC, 2, BUF + 0x200, 5, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 3);
	put_desc(DESC, 3, BUF + 0x300, 5, VIRTQ_DESC_F_WRITE, 0);
	post(0);
	CHECK_EQ(virtq_pop(&vd, 0, &e), 1);
	CHECK_EQ(virtq_elem_read(&vd, &e, 5, out, 30), 0);
	CHECK(!memcmp(out, in + 5, 30));
	CHECK_EQ(virtq_elem_read(&vd, &e, 35, out, 6), -EFAULT);	/* past the end */
	CHECK_EQ(virtq_elem_write(&vd, &e, 3, "abcdef", 6), 0);
	gpa_read(&mem, BUF + 0x203, out, 2);
	gpa_read(&mem, BUF + 0x300, out + 2, 4);
	CHECK(!memcmp(out, "abcdef", 6));
	CHECK_EQ(virtq_elem_write(&vd, &e, 8, "abc", 3), -EFAULT);
	struct iovec iov[4];
	CHECK_EQ(virtq_elem_iov(&vd, &e, 0, 8, 4, iov, 4), 2);
	CHECK_EQ(iov[0].iov_len, 2);
	CHECK_EQ(iov[1].iov_len, 2);
	CHECK_EQ(virtq_elem_iov(&vd, &e, 0, 0, 40, iov, 1), -ENOSPC);
}

TEST(desc_outside_ram)
{
	setup(0);
	put_desc(DESC, 0, 0xF0000000ULL, 16, 0, 0);
	post(0);
	CHECK_REFUSED();
}

TEST(length_overflow)
{
	setup(0);
	put_desc(DESC, 0, 0xFFFFFFFFFFFFF000ULL, 0x2000, 0, 0);
	post(0);
	CHECK_REFUSED();
}

TEST(huge_length)
{
	setup(0);
	put_desc(DESC, 0, BUF, 0xFFFFFFFFu, VIRTQ_DESC_F_WRITE, 0);
	post(0);
	CHECK_REFUSED();
}

TEST(zero_length_is_skipped)
{
	setup(0);
	put_desc(DESC, 0, 0xF0000000ULL, 0, VIRTQ_DESC_F_NEXT, 1);
	put_desc(DESC, 1, BUF, 8, 0, 0);
	post(0);
	CHECK_EQ(virtq_pop(&vd, 0, &e), 1);
	CHECK_EQ(e.nr_out, 1);
	CHECK_EQ(e.buf[0].gpa, BUF);
}

TEST(descriptor_loop)
{
	setup(0);
	put_desc(DESC, 0, BUF, 8, VIRTQ_DESC_F_NEXT, 1);
	put_desc(DESC, 1, BUF, 8, VIRTQ_DESC_F_NEXT, 0);
	post(0);
	CHECK_REFUSED();
}

TEST(self_loop)
{
	setup(0);
	put_desc(DESC, 4, BUF, 8, VIRTQ_DESC_F_NEXT, 4);
	post(4);
	CHECK_REFUSED();
}

TEST(next_out_of_range)
{
	setup(0);
	put_desc(DESC, 0, BUF, 8, VIRTQ_DESC_F_NEXT, QSZ);
	post(0);
	CHECK_REFUSED();
}

TEST(head_out_of_range)
{
	setup(0);
	post(QSZ + 3);
	CHECK_REFUSED();
}

TEST(avail_idx_runs_ahead)
{
	setup(0);
	put_desc(DESC, 0, BUF, 8, 0, 0);
	w16(AVAIL + 2, QSZ + 1);
	CHECK_REFUSED();
}

TEST(avail_idx_full_ring_ok)
{
	setup(0);
	for (unsigned i = 0; i < QSZ; i++) {
		put_desc(DESC, i, BUF + 16 * i, 16, 0, 0);
		post((uint16_t)i);
	}
	for (unsigned i = 0; i < QSZ; i++) {
		CHECK_EQ(virtq_pop(&vd, 0, &e), 1);
		CHECK_EQ(e.head, i);
	}
	CHECK_EQ(virtq_pop(&vd, 0, &e), 0);
}

TEST(readable_after_writable)
{
	setup(0);
	put_desc(DESC, 0, BUF, 8, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 1);
	put_desc(DESC, 1, BUF, 8, 0, 0);
	post(0);
	CHECK_REFUSED();
}

TEST(indirect_ok)
{
	setup(0);
	put_desc(ITAB, 0, BUF, 16, VIRTQ_DESC_F_NEXT, 2);
	put_desc(ITAB, 2, BUF + 0x100, 4096, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 1);
	put_desc(ITAB, 1, BUF + 0x2000, 1, VIRTQ_DESC_F_WRITE, 0);
	put_desc(DESC, 6, ITAB, 3 * 16, VIRTQ_DESC_F_INDIRECT, 0);
	post(6);
	CHECK_EQ(virtq_pop(&vd, 0, &e), 1);
	CHECK_EQ(e.head, 6);
	CHECK_EQ(e.nr_out, 1);
	CHECK_EQ(e.nr_in, 2);
	CHECK_EQ(e.in_len, 4097);
}

TEST(indirect_inside_indirect)
{
	setup(0);
	put_desc(ITAB, 0, ITAB + 0x100, 16, VIRTQ_DESC_F_INDIRECT, 0);
	put_desc(ITAB + 0x100, 0, BUF, 16, 0, 0);
	put_desc(DESC, 0, ITAB, 16, VIRTQ_DESC_F_INDIRECT, 0);
	post(0);
	CHECK_REFUSED();
}

TEST(indirect_loop)
{
	setup(0);
	put_desc(ITAB, 0, BUF, 8, VIRTQ_DESC_F_NEXT, 1);
	put_desc(ITAB, 1, BUF, 8, VIRTQ_DESC_F_NEXT, 0);
	put_desc(DESC, 0, ITAB, 32, VIRTQ_DESC_F_INDIRECT, 0);
	post(0);
	CHECK_REFUSED();
}

TEST(indirect_bad_table)
{
	setup(0);
	put_desc(DESC, 0, ITAB, 17, VIRTQ_DESC_F_INDIRECT, 0);	/* not a multiple of 16 */
	post(0);
	CHECK_REFUSED();
	setup(0);
	put_desc(DESC, 0, ITAB, 0, VIRTQ_DESC_F_INDIRECT, 0);	/* empty */
	post(0);
	CHECK_REFUSED();
	setup(0);
	put_desc(DESC, 0, 0xFFFFFFFFFFFFFFF0ULL, 32, VIRTQ_DESC_F_INDIRECT, 0);
	post(0);
	CHECK_REFUSED();
	setup(0);
	put_desc(DESC, 0, ITAB, 16 * (VIRTQ_MAX_SEGS + 1), VIRTQ_DESC_F_INDIRECT, 0);
	post(0);
	CHECK_REFUSED();
	setup(0);
	put_desc(DESC, 0, ITAB, 16, VIRTQ_DESC_F_INDIRECT | VIRTQ_DESC_F_NEXT, 1);
	post(0);
	CHECK_REFUSED();
}

TEST(indirect_without_feature)
{
	setup(1ULL << VIRTIO_F_INDIRECT_DESC);
	put_desc(ITAB, 0, BUF, 16, 0, 0);
	put_desc(DESC, 0, ITAB, 16, VIRTQ_DESC_F_INDIRECT, 0);
	post(0);
	CHECK_REFUSED();
}

TEST(queue_check_refuses_bad_rings)
{
	setup(0);
	struct virtq q = vd.vq[0];
	q.used = 0xFFFFFFF0ULL;
	CHECK_EQ(virtq_check(&vd, &q), -EINVAL);
	q = vd.vq[0];
	q.size = 6;					/* not a power of two */
	CHECK_EQ(virtq_check(&vd, &q), -EINVAL);
	q.size = 2 * QSZ;				/* above the maximum */
	CHECK_EQ(virtq_check(&vd, &q), -EINVAL);
	q = vd.vq[0];
	q.desc = DESC + 8;				/* misaligned */
	CHECK_EQ(virtq_check(&vd, &q), -EINVAL);
	q = vd.vq[0];
	q.avail = (16ULL << 20) - 4;			/* runs off the end of RAM */
	CHECK_EQ(virtq_check(&vd, &q), -EINVAL);
}

TEST(features_negotiation)
{
	setup(0);
	virtio_set_status(&vd, 0);
	CHECK_EQ(vd.status, 0);
	CHECK(!vd.vq[0].ready);
	/* Without VERSION_1, or with a feature not offered, FEATURES_OK does not stick. */
	vd.guest_features = vd.host_features & ~(1ULL << VIRTIO_F_VERSION_1);
	virtio_set_status(&vd, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
			  VIRTIO_STATUS_FEATURES_OK);
	CHECK(!(vd.status & VIRTIO_STATUS_FEATURES_OK));
	virtio_set_status(&vd, 0);
	vd.guest_features = vd.host_features | 1ULL << 40;
	virtio_set_status(&vd, VIRTIO_STATUS_FEATURES_OK);
	CHECK(!(vd.status & VIRTIO_STATUS_FEATURES_OK));
	/* The driver cannot set NEEDS_RESET itself. */
	virtio_set_status(&vd, VIRTIO_STATUS_NEEDS_RESET | VIRTIO_STATUS_ACKNOWLEDGE);
	CHECK(!(vd.status & VIRTIO_STATUS_NEEDS_RESET));
}

TEST(interrupt_suppression_flags)
{
	setup(1ULL << VIRTIO_F_EVENT_IDX);
	put_desc(DESC, 0, BUF, 8, VIRTQ_DESC_F_WRITE, 0);
	post(0);
	CHECK_EQ(virtq_pop(&vd, 0, &e), 1);
	virtq_push(&vd, 0, 0, 0);
	virtq_notify(&vd, 0);
	CHECK_EQ(queue_irqs, 1);
	w16(AVAIL, VIRTQ_AVAIL_F_NO_INTERRUPT);
	post(0);
	CHECK_EQ(virtq_pop(&vd, 0, &e), 1);
	virtq_push(&vd, 0, 0, 0);
	virtq_notify(&vd, 0);
	CHECK_EQ(queue_irqs, 1);
	/* Without EVENT_IDX the device does not write avail_event. */
	CHECK_EQ(r16(USED + 4 + 8 * QSZ), 0);
}

TEST(interrupt_suppression_event_idx)
{
	setup(0);
	for (unsigned i = 0; i < 4; i++) {
		put_desc(DESC, i, BUF, 8, VIRTQ_DESC_F_WRITE, 0);
		post((uint16_t)i);
	}
	/* used_event = 2: interrupt only once used.idx passes 2 (i.e. becomes 3). */
	w16(AVAIL + 4 + 2 * QSZ, 2);
	for (unsigned i = 0; i < 4; i++) {
		CHECK_EQ(virtq_pop(&vd, 0, &e), 1);
		virtq_push(&vd, 0, e.head, 0);
		virtq_notify(&vd, 0);
		/* The first check always interrupts (nothing signalled yet). */
		CHECK_EQ(queue_irqs, i < 2 ? 1 : 2);
	}
}

TEST(broken_device_stays_quiet_until_reset)
{
	setup(0);
	post(QSZ);
	CHECK_EQ(virtq_pop(&vd, 0, &e), -EINVAL);
	put_desc(DESC, 0, BUF, 8, 0, 0);
	post(0);
	CHECK_EQ(virtq_pop(&vd, 0, &e), 0);
	virtq_push(&vd, 0, 0, 0);		/* ignored */
	CHECK_EQ(r16(USED + 2), 0);
	virtio_set_status(&vd, 0);
	CHECK(!(vd.status & VIRTIO_STATUS_NEEDS_RESET));
}

static int fake_fill(void *opaque, void *buf, size_t len)
{
	unsigned *calls = opaque;
	(*calls)++;
	memset(buf, 0x5a, len);
	return 0;
}

/* virtio-rng: fills the writable part, never more than a chunk, reports the length. */
TEST(rng_fills_writable_buffers)
{
	unsigned calls = 0;
	struct virtio_rng *vr = virtio_rng_new(&mem, fake_fill, &calls);
	struct virtio_dev *rd = virtio_rng_dev(vr);
	uint8_t b[4];
	uint32_t used[2];

	CHECK(mem.nr || mem_init(&mem, 16 << 20) == 0);
	CHECK_EQ(gpa_zero(&mem, DESC, 0x40000), 0);
	rd->guest_features = rd->host_features;
	virtio_set_status(rd, VIRTIO_STATUS_FEATURES_OK);
	rd->vq[0].size = QSZ;
	rd->vq[0].desc = DESC;
	rd->vq[0].avail = AVAIL;
	rd->vq[0].used = USED;
	CHECK_EQ(virtq_check(rd, &rd->vq[0]), 0);
	rd->vq[0].ready = 1;
	virtio_set_status(rd, rd->status | VIRTIO_STATUS_DRIVER_OK);
	CHECK_EQ(rd->device_id, VIRTIO_ID_RNG);

	/* A readable buffer (left alone), then 16 writable bytes. */
	put_desc(DESC, 0, BUF, 4, VIRTQ_DESC_F_NEXT, 1);
	put_desc(DESC, 1, BUF + 0x100, 16, VIRTQ_DESC_F_WRITE, 0);
	post(0);
	rd->ops->queue_notify(rd, 0);
	CHECK_EQ(r16(USED + 2), 1);
	gpa_read(&mem, USED + 4, used, 8);
	CHECK_EQ(used[1], 16);
	gpa_read(&mem, BUF, b, 4);
	CHECK_EQ(b[0], 0);
	gpa_read(&mem, BUF + 0x10f, b, 2);
	CHECK_EQ(b[0], 0x5a);
	CHECK_EQ(b[1], 0);
	/* A 1 MiB request gets one chunk. */
	put_desc(DESC, 2, 0x100000, 1 << 20, VIRTQ_DESC_F_WRITE, 0);
	post(2);
	rd->ops->queue_notify(rd, 0);
	gpa_read(&mem, USED + 4 + 8, used, 8);
	CHECK_EQ(used[0], 2);
	CHECK_EQ(used[1], VIRTIO_RNG_MAX_CHUNK);
	gpa_read(&mem, 0x100000 + VIRTIO_RNG_MAX_CHUNK, b, 1);
	CHECK_EQ(b[0], 0);
	/* Only readable buffers: used length 0. */
	put_desc(DESC, 3, BUF, 4, 0, 0);
	post(3);
	rd->ops->queue_notify(rd, 0);
	gpa_read(&mem, USED + 4 + 16, used, 8);
	CHECK_EQ(used[1], 0);
	virtio_rng_free(vr);
}

TEST_MAIN_BEGIN("test_virtio")
	RUN(simple_chain);
	RUN(copy_helpers_span_buffers);
	RUN(desc_outside_ram);
	RUN(length_overflow);
	RUN(huge_length);
	RUN(zero_length_is_skipped);
	RUN(descriptor_loop);
	RUN(self_loop);
	RUN(next_out_of_range);
	RUN(head_out_of_range);
	RUN(avail_idx_runs_ahead);
	RUN(avail_idx_full_ring_ok);
	RUN(readable_after_writable);
	RUN(indirect_ok);
	RUN(indirect_inside_indirect);
	RUN(indirect_loop);
	RUN(indirect_bad_table);
	RUN(indirect_without_feature);
	RUN(queue_check_refuses_bad_rings);
	RUN(features_negotiation);
	RUN(interrupt_suppression_flags);
	RUN(interrupt_suppression_event_idx);
	RUN(broken_device_stays_quiet_until_reset);
	RUN(rng_fills_writable_buffers);
TEST_MAIN_END()

/*
 * virtio-net: a transmitted chain reaches the backend without its header,
 * a received frame lands after a zeroed header with num_buffers 1, no
 * posted buffer drops it, a short buffer returns len 0, and a backend that
 * answers from inside the transmit callback (as slirp does) is safe.
 */
#include "test.h"
#include "core/mem.h"
#include "dev/virtio_net.h"

#include <errno.h>

#define QSZ	16
#define RXQ	0x10000ULL	/* desc, avail, used at +0, +0x1000, +0x2000 */
#define TXQ	0x20000ULL
#define BUF	0x40000ULL

static struct guest_mem mem;
static struct virtio_net *vn;
static struct virtio_dev *vd;
static uint8_t sent[2048];
static size_t sent_len;
static int sends, irqs, echo;

static void irq_queue(struct virtio_dev *d, unsigned q) { (void)d; (void)q; irqs++; }

static void tx(void *opaque, const void *frame, size_t len)
{
	(void)opaque;
	sends++;
	sent_len = len < sizeof(sent) ? len : sizeof(sent);
	memcpy(sent, frame, sent_len);
	/* Answer at once, from inside the transmit path. */
	if (echo)
		virtio_net_receive(vn, "reply-frame", 11);
}

static void put_desc(uint64_t q, unsigned i, uint64_t addr, uint32_t len, uint16_t flags)
{
	struct { uint64_t a; uint32_t l; uint16_t f, n; } d = { addr, len, flags, 0 };
	gpa_write(&mem, q + 16ULL * i, &d, 16);
}

static uint16_t r16(uint64_t gpa) { uint16_t v = 0; gpa_read(&mem, gpa, &v, 2); return v; }
static void w16(uint64_t gpa, uint16_t v) { gpa_write(&mem, gpa, &v, 2); }

static void post(uint64_t q, uint16_t head)
{
	uint16_t idx = r16(q + 0x1000 + 2);
	w16(q + 0x1000 + 4 + 2 * (idx % QSZ), head);
	w16(q + 0x1000 + 2, (uint16_t)(idx + 1));
}

static void setup(void)
{
	static const uint8_t mac[6] = { 0x52, 0x54, 0, 0x12, 0x34, 0x56 };
	if (!mem.nr)
		CHECK_EQ(mem_init(&mem, 16 << 20), 0);
	CHECK_EQ(gpa_zero(&mem, RXQ, 0x40000), 0);
	if (vn)
		virtio_net_free(vn);
	vn = virtio_net_new(&mem, mac, tx, NULL);
	CHECK(vn);
	vd = virtio_net_dev(vn);
	vd->irq_queue = irq_queue;
	sends = irqs = echo = 0;
	vd->guest_features = vd->host_features;
	virtio_set_status(vd, VIRTIO_STATUS_FEATURES_OK);
	for (unsigned q = 0; q < 2; q++) {
		uint64_t base = q ? TXQ : RXQ;
		vd->vq[q].size = QSZ;
		vd->vq[q].desc = base;
		vd->vq[q].avail = base + 0x1000;
		vd->vq[q].used = base + 0x2000;
		CHECK_EQ(virtq_check(vd, &vd->vq[q]), 0);
		vd->vq[q].ready = 1;
	}
	virtio_set_status(vd, vd->status | VIRTIO_STATUS_DRIVER_OK);
}

TEST(config_has_mac_and_link)
{
	setup();
	CHECK_EQ(vd->device_id, VIRTIO_ID_NET);
	CHECK_EQ(vd->ops->cfg_read(vd, 0, 4), 0x12005452);
	CHECK_EQ(vd->ops->cfg_read(vd, 4, 2), 0x5634);
	CHECK_EQ(vd->ops->cfg_read(vd, 6, 2), 1);		/* VIRTIO_NET_S_LINK_UP */
	CHECK(vd->host_features & (1ULL << VIRTIO_NET_F_MAC));
}

TEST(transmit_strips_header)
{
	setup();
	uint8_t pkt[VIRTIO_NET_HDR_LEN + 6] = { 0 };
	memcpy(pkt + VIRTIO_NET_HDR_LEN, "frame!", 6);
	gpa_write(&mem, BUF, pkt, sizeof(pkt));
	put_desc(TXQ, 0, BUF, sizeof(pkt), 0);
	post(TXQ, 0);
	vd->ops->queue_notify(vd, 1);
	CHECK_EQ(sends, 1);
	CHECK_EQ(sent_len, 6);
	CHECK(!memcmp(sent, "frame!", 6));
	CHECK_EQ(r16(TXQ + 0x2000 + 2), 1);
	/* Header only: consumed, nothing sent. */
	put_desc(TXQ, 1, BUF, VIRTIO_NET_HDR_LEN, 0);
	post(TXQ, 1);
	vd->ops->queue_notify(vd, 1);
	CHECK_EQ(sends, 1);
	CHECK_EQ(r16(TXQ + 0x2000 + 2), 2);
}

TEST(receive)
{
	uint8_t got[VIRTIO_NET_HDR_LEN + 5];
	uint32_t used[2];
	setup();
	CHECK_EQ(virtio_net_receive(vn, "hello", 5), -EAGAIN);	/* nothing posted */
	put_desc(RXQ, 0, BUF, 1526, VIRTQ_DESC_F_WRITE);
	post(RXQ, 0);
	gpa_write(&mem, BUF, "\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff", 12);
	CHECK_EQ(virtio_net_receive(vn, "hello", 5), 0);
	gpa_read(&mem, BUF, got, sizeof(got));
	CHECK_EQ(got[0], 0);
	CHECK_EQ(got[10], 1);					/* num_buffers */
	CHECK(!memcmp(got + VIRTIO_NET_HDR_LEN, "hello", 5));
	gpa_read(&mem, RXQ + 0x2000 + 4, used, 8);
	CHECK_EQ(used[1], VIRTIO_NET_HDR_LEN + 5);
	CHECK(irqs >= 1);
	/* A buffer too small for the frame: returned with length 0. */
	put_desc(RXQ, 1, BUF, 8, VIRTQ_DESC_F_WRITE);
	post(RXQ, 1);
	CHECK_EQ(virtio_net_receive(vn, "hello", 5), -EINVAL);
	gpa_read(&mem, RXQ + 0x2000 + 12, used, 8);
	CHECK_EQ(used[0], 1);
	CHECK_EQ(used[1], 0);
	static uint8_t big[VIRTIO_NET_MAX_FRAME + 1];
	CHECK_EQ(virtio_net_receive(vn, big, sizeof(big)), -EINVAL);
}

TEST(reply_from_inside_transmit)
{
	uint8_t pkt[VIRTIO_NET_HDR_LEN + 4] = { 0 };
	uint32_t used[2];
	char got[11];
	setup();
	echo = 1;
	put_desc(RXQ, 3, BUF + 0x1000, 1526, VIRTQ_DESC_F_WRITE);
	post(RXQ, 3);
	gpa_write(&mem, BUF, pkt, sizeof(pkt));
	put_desc(TXQ, 5, BUF, sizeof(pkt), 0);
	post(TXQ, 5);
	vd->ops->queue_notify(vd, 1);
	CHECK_EQ(sends, 1);
	/* Each queue got back its own chain. */
	gpa_read(&mem, TXQ + 0x2000 + 4, used, 8);
	CHECK_EQ(used[0], 5);
	gpa_read(&mem, RXQ + 0x2000 + 4, used, 8);
	CHECK_EQ(used[0], 3);
	CHECK_EQ(used[1], VIRTIO_NET_HDR_LEN + 11);
	gpa_read(&mem, BUF + 0x1000 + VIRTIO_NET_HDR_LEN, got, 11);
	CHECK(!memcmp(got, "reply-frame", 11));
	CHECK(!(vd->status & VIRTIO_STATUS_NEEDS_RESET));
}

TEST_MAIN_BEGIN("test_virtio_net")
	RUN(config_has_mac_and_link);
	RUN(transmit_strips_header);
	RUN(receive);
	RUN(reply_from_inside_transmit);
	virtio_net_free(vn);
TEST_MAIN_END()

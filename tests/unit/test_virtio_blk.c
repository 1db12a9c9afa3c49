/*
 * virtio-blk request handling: read, write, flush, get-id, discard, bad
 * sector ranges and short buffers, on a real raw image (inline backend),
 * driven through a virtqueue built in guest RAM.
 */
#include "test.h"
#include "core/mem.h"
#include "dev/virtio_blk.h"
#include "host/blk.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#define QSZ	16
#define DESC	0x10000ULL
#define AVAIL	0x11000ULL
#define USED	0x12000ULL
#define HDR	0x20000ULL
#define DATA	0x30000ULL
#define STATUS	0x28000ULL
#define IMG_SECTORS 128

static struct guest_mem mem;
static struct virtio_blk *vb;
static struct virtio_dev *vd;
static struct blk *bk;
static char path[64];
static int irqs, cfg_irqs;

static void irq_queue(struct virtio_dev *d, unsigned q) { (void)d; (void)q; irqs++; }
static void irq_config(struct virtio_dev *d) { (void)d; cfg_irqs++; }

static void put_desc(unsigned i, uint64_t addr, uint32_t len, uint16_t flags, uint16_t next)
{
	struct { uint64_t a; uint32_t l; uint16_t f, n; } d = { addr, len, flags, next };
	gpa_write(&mem, DESC + 16ULL * i, &d, 16);
}

static uint16_t r16(uint64_t gpa) { uint16_t v = 0; gpa_read(&mem, gpa, &v, 2); return v; }
static void w16(uint64_t gpa, uint16_t v) { gpa_write(&mem, gpa, &v, 2); }

static void setup(int readonly)
{
	char err[128];
	int fd;
	if (!mem.nr)
		CHECK_EQ(mem_init(&mem, 16 << 20), 0);
	CHECK_EQ(gpa_zero(&mem, DESC, 0x40000), 0);
	if (vb) {
		virtio_blk_free(vb);
		blk_close(bk);
		unlink(path);
	}
	snprintf(path, sizeof(path), "/tmp/hvm-test-vblk-XXXXXX");
	fd = mkstemp(path);
	CHECK(fd >= 0);
	/* Sector n is filled with byte n. */
	for (int s = 0; s < IMG_SECTORS; s++) {
		uint8_t sec[512];
		memset(sec, s, sizeof(sec));
		CHECK(write(fd, sec, sizeof(sec)) == 512);
	}
	close(fd);
	CHECK_EQ(blk_open(&bk, path, readonly, err, sizeof(err)), 0);
	vb = virtio_blk_new(&mem, bk, "hvm-disk-0");
	CHECK(vb);
	vd = virtio_blk_dev(vb);
	vd->irq_queue = irq_queue;
	vd->irq_config = irq_config;
	irqs = cfg_irqs = 0;
	vd->guest_features = vd->host_features;
	virtio_set_status(vd, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
			  VIRTIO_STATUS_FEATURES_OK);
	vd->vq[0].size = QSZ;
	vd->vq[0].desc = DESC;
	vd->vq[0].avail = AVAIL;
	vd->vq[0].used = USED;
	CHECK_EQ(virtq_check(vd, &vd->vq[0]), 0);
	vd->vq[0].ready = 1;
	virtio_set_status(vd, vd->status | VIRTIO_STATUS_DRIVER_OK);
}

/* Submit header + data + status as three descriptors; returns the status byte. */
static int request(uint32_t type, uint64_t sector, uint32_t data_len, int data_writable,
		   uint32_t *used_len)
{
	struct { uint32_t type, reserved; uint64_t sector; } h = { type, 0, sector };
	uint8_t st = 0xee;
	uint16_t idx = r16(AVAIL + 2), used = r16(USED + 2);
	unsigned n = 0;

	gpa_write(&mem, HDR, &h, sizeof(h));
	gpa_write(&mem, STATUS, &st, 1);
	put_desc(n, HDR, sizeof(h), VIRTQ_DESC_F_NEXT, (uint16_t)(n + 1));
	n++;
	if (data_len) {
		put_desc(n, DATA, data_len, VIRTQ_DESC_F_NEXT | (data_writable ? VIRTQ_DESC_F_WRITE : 0),
			 (uint16_t)(n + 1));
		n++;
	}
	put_desc(n, STATUS, 1, VIRTQ_DESC_F_WRITE, 0);
	w16(AVAIL + 4 + 2 * (idx % QSZ), 0);
	w16(AVAIL + 2, (uint16_t)(idx + 1));
	vd->ops->queue_notify(vd, 0);
	if (r16(USED + 2) != (uint16_t)(used + 1))
		return -1;
	uint32_t ent[2];
	gpa_read(&mem, USED + 4 + 8 * (used % QSZ), ent, 8);
	if (used_len)
		*used_len = ent[1];
	gpa_read(&mem, STATUS, &st, 1);
	return st;
}

TEST(config_space)
{
	setup(0);
	CHECK_EQ(vd->ops->cfg_read(vd, 0, 8), IMG_SECTORS);
	CHECK_EQ(vd->ops->cfg_read(vd, 20, 4), 512);
	CHECK(vd->ops->cfg_read(vd, 12, 4) >= 1);
	CHECK_EQ(vd->ops->cfg_read(vd, 200, 4), 0);
	CHECK(vd->host_features & (1ULL << VIRTIO_BLK_F_FLUSH));
	CHECK(!(vd->host_features & (1ULL << VIRTIO_BLK_F_RO)));
}

TEST(read_write_flush)
{
	uint8_t buf[1024];
	uint32_t used;
	setup(0);
	CHECK_EQ(request(VIRTIO_BLK_T_IN, 5, 1024, 1, &used), VIRTIO_BLK_S_OK);
	CHECK_EQ(used, 1025);
	gpa_read(&mem, DATA, buf, sizeof(buf));
	CHECK_EQ(buf[0], 5);
	CHECK_EQ(buf[511], 5);
	CHECK_EQ(buf[512], 6);
	CHECK(irqs >= 1);
	memset(buf, 0xab, sizeof(buf));
	gpa_write(&mem, DATA, buf, 512);
	CHECK_EQ(request(VIRTIO_BLK_T_OUT, 9, 512, 0, &used), VIRTIO_BLK_S_OK);
	CHECK_EQ(used, 1);
	CHECK_EQ(request(VIRTIO_BLK_T_FLUSH, 0, 0, 0, NULL), VIRTIO_BLK_S_OK);
	int fd = open(path, O_RDONLY);
	uint8_t x = 0;
	CHECK(pread(fd, &x, 1, 9 * 512 + 100) == 1);
	close(fd);
	CHECK_EQ(x, 0xab);
	CHECK_EQ(virtio_blk_inflight(vb), 0);
}

TEST(bad_ranges_and_lengths)
{
	setup(0);
	/* Last sector is fine, one past is not; a sector number that overflows bytes. */
	CHECK_EQ(request(VIRTIO_BLK_T_IN, IMG_SECTORS - 1, 512, 1, NULL), VIRTIO_BLK_S_OK);
	CHECK_EQ(request(VIRTIO_BLK_T_IN, IMG_SECTORS - 1, 1024, 1, NULL), VIRTIO_BLK_S_IOERR);
	CHECK_EQ(request(VIRTIO_BLK_T_IN, IMG_SECTORS, 512, 1, NULL), VIRTIO_BLK_S_IOERR);
	CHECK_EQ(request(VIRTIO_BLK_T_OUT, 1ULL << 60, 512, 0, NULL), VIRTIO_BLK_S_IOERR);
	CHECK_EQ(request(VIRTIO_BLK_T_IN, ~0ULL, 512, 1, NULL), VIRTIO_BLK_S_IOERR);
	/* Not a whole number of sectors. */
	CHECK_EQ(request(VIRTIO_BLK_T_IN, 0, 100, 1, NULL), VIRTIO_BLK_S_IOERR);
	/* Unknown type. */
	CHECK_EQ(request(77, 0, 0, 0, NULL), VIRTIO_BLK_S_UNSUPP);
	CHECK_EQ(request(VIRTIO_BLK_T_WRITE_ZEROES, 0, 0, 0, NULL), VIRTIO_BLK_S_UNSUPP);
	CHECK(!(vd->status & VIRTIO_STATUS_NEEDS_RESET));
}

TEST(short_header)
{
	uint8_t st = 0xee;
	setup(0);
	/* An 8-byte header: IOERR, not a read of whatever follows. */
	put_desc(0, HDR, 8, VIRTQ_DESC_F_NEXT, 1);
	put_desc(1, STATUS, 1, VIRTQ_DESC_F_WRITE, 0);
	gpa_write(&mem, STATUS, &st, 1);
	w16(AVAIL + 4, 0);
	w16(AVAIL + 2, 1);
	vd->ops->queue_notify(vd, 0);
	gpa_read(&mem, STATUS, &st, 1);
	CHECK_EQ(st, VIRTIO_BLK_S_IOERR);
	/* No writable byte at all: the chain comes back with length 0. */
	put_desc(0, HDR, 16, 0, 0);
	w16(AVAIL + 6, 0);
	w16(AVAIL + 2, 2);
	vd->ops->queue_notify(vd, 0);
	CHECK_EQ(r16(USED + 2), 2);
	uint32_t len = 99;
	gpa_read(&mem, USED + 4 + 8 + 4, &len, 4);
	CHECK_EQ(len, 0);
}

TEST(split_header_and_data)
{
	/* Header split over two buffers, data + status in one writable buffer. */
	struct { uint32_t type, reserved; uint64_t sector; } h = { VIRTIO_BLK_T_IN, 0, 3 };
	uint8_t buf[513];
	setup(0);
	gpa_write(&mem, HDR, &h, 4);
	gpa_write(&mem, HDR + 0x100, (uint8_t *)&h + 4, 12);
	put_desc(0, HDR, 4, VIRTQ_DESC_F_NEXT, 1);
	put_desc(1, HDR + 0x100, 12, VIRTQ_DESC_F_NEXT, 2);
	put_desc(2, DATA, 513, VIRTQ_DESC_F_WRITE, 0);
	w16(AVAIL + 4, 0);
	w16(AVAIL + 2, 1);
	vd->ops->queue_notify(vd, 0);
	gpa_read(&mem, DATA, buf, sizeof(buf));
	CHECK_EQ(buf[0], 3);
	CHECK_EQ(buf[511], 3);
	CHECK_EQ(buf[512], VIRTIO_BLK_S_OK);
}

TEST(get_id)
{
	char id[21] = { 0 };
	uint32_t used;
	setup(0);
	CHECK_EQ(request(VIRTIO_BLK_T_GET_ID, 0, 20, 1, &used), VIRTIO_BLK_S_OK);
	CHECK_EQ(used, 21);
	gpa_read(&mem, DATA, id, 20);
	CHECK_STR(id, "hvm-disk-0");
	/* A short buffer gets a truncated id, not an overrun. */
	gpa_zero(&mem, DATA, 4096);
	CHECK_EQ(request(VIRTIO_BLK_T_GET_ID, 0, 4, 1, &used), VIRTIO_BLK_S_OK);
	CHECK_EQ(used, 5);
	gpa_read(&mem, DATA, id, 8);
	CHECK(!memcmp(id, "hvm-\0\0\0\0", 8));
}

TEST(discard)
{
	struct { uint64_t sector; uint32_t num, flags; } seg = { 4, 2, 0 };
	setup(0);
	gpa_write(&mem, DATA, &seg, sizeof(seg));
	CHECK_EQ(request(VIRTIO_BLK_T_DISCARD, 0, sizeof(seg), 0, NULL), VIRTIO_BLK_S_OK);
	seg = (typeof(seg)){ IMG_SECTORS - 1, 2, 0 };
	gpa_write(&mem, DATA, &seg, sizeof(seg));
	CHECK_EQ(request(VIRTIO_BLK_T_DISCARD, 0, sizeof(seg), 0, NULL), VIRTIO_BLK_S_IOERR);
	seg = (typeof(seg)){ 0, 1, 1 };		/* unmap flag is for write-zeroes only */
	gpa_write(&mem, DATA, &seg, sizeof(seg));
	CHECK_EQ(request(VIRTIO_BLK_T_DISCARD, 0, sizeof(seg), 0, NULL), VIRTIO_BLK_S_UNSUPP);
	CHECK_EQ(request(VIRTIO_BLK_T_DISCARD, 0, 8, 0, NULL), VIRTIO_BLK_S_IOERR);
}

TEST(readonly_disk)
{
	setup(1);
	CHECK(vd->host_features & (1ULL << VIRTIO_BLK_F_RO));
	CHECK_EQ(request(VIRTIO_BLK_T_OUT, 0, 512, 0, NULL), VIRTIO_BLK_S_IOERR);
	CHECK_EQ(request(VIRTIO_BLK_T_IN, 0, 512, 1, NULL), VIRTIO_BLK_S_OK);
}

TEST(data_buffer_outside_ram)
{
	setup(0);
	struct { uint32_t type, reserved; uint64_t sector; } h = { VIRTIO_BLK_T_IN, 0, 0 };
	gpa_write(&mem, HDR, &h, sizeof(h));
	/* Spans the end of RAM: the ring walker refuses it, device needs reset. */
	put_desc(0, HDR, 16, VIRTQ_DESC_F_NEXT, 1);
	put_desc(1, (16 << 20) - 512, 1024, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 2);
	put_desc(2, STATUS, 1, VIRTQ_DESC_F_WRITE, 0);
	w16(AVAIL + 4, 0);
	w16(AVAIL + 2, 1);
	vd->ops->queue_notify(vd, 0);
	CHECK(vd->status & VIRTIO_STATUS_NEEDS_RESET);
	CHECK_EQ(r16(USED + 2), 0);
}

TEST_MAIN_BEGIN("test_virtio_blk")
	RUN(config_space);
	RUN(read_write_flush);
	RUN(bad_ranges_and_lengths);
	RUN(short_header);
	RUN(split_header_and_data);
	RUN(get_id);
	RUN(discard);
	RUN(readonly_disk);
	RUN(data_buffer_outside_ram);
	if (vb) {
		virtio_blk_free(vb);
		blk_close(bk);
		unlink(path);
	}
TEST_MAIN_END()

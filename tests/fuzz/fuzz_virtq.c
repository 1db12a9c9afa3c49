/*
 * libFuzzer harness for the virtqueue walker and virtio-blk/-net request
 * parsing: the input becomes guest RAM around the rings (descriptor table,
 * avail ring, indirect tables, request headers), then the devices take
 * every chain.  Anything but a clean return (NEEDS_RESET is fine) is a bug.
 * Build: clang -std=gnu11 -g -O1 -fsanitize=fuzzer,address,undefined -Isrc -Itests \
 *   tests/fuzz/fuzz_virtq.c src/dev/virtio.c src/dev/virtio_blk.c src/dev/virtio_net.c \
 *   src/host/blk.c src/core/mem.c src/core/log.c src/core/loop.c src/core/clock.c
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/mem.h"
#include "dev/virtio_blk.h"
#include "dev/virtio_net.h"
#include "host/blk.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define QSZ	16
#define AREA	0x10000ULL	/* input lands here; rings at its start */

static void tx(void *o, const void *f, size_t len) { (void)o; (void)f; (void)len; }

static void setup_q(struct virtio_dev *vd, unsigned q, uint64_t base)
{
	vd->guest_features = vd->host_features;
	virtio_set_status(vd, VIRTIO_STATUS_FEATURES_OK);
	vd->vq[q].size = QSZ;
	vd->vq[q].desc = base;
	vd->vq[q].avail = base + 16 * QSZ;
	vd->vq[q].used = base + 0x1000;
	vd->vq[q].ready = !virtq_check(vd, &vd->vq[q]);
	virtio_set_status(vd, vd->status | VIRTIO_STATUS_DRIVER_OK);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct guest_mem m;
	static struct blk *bk;
	static char path[] = "/tmp/hvm-fuzz-virtq-XXXXXX";
	char err[128];

	if (!m.nr) {
		int fd = mkstemp(path);
		if (mem_init(&m, 4ULL << 20) || fd < 0 || ftruncate(fd, 1 << 20))
			abort();
		close(fd);
		if (blk_open(&bk, path, 0, err, sizeof(err)))
			abort();
		unlink(path);
	}
	if (size > 0x10000)
		size = 0x10000;
	gpa_zero(&m, AREA, 0x20000);
	gpa_write(&m, AREA, data, size);

	struct virtio_blk *vb = virtio_blk_new(&m, bk, "fuzz");
	struct virtio_dev *vd = virtio_blk_dev(vb);
	setup_q(vd, 0, AREA);
	vd->ops->queue_notify(vd, 0);
	virtio_blk_free(vb);

	static const uint8_t mac[6] = { 0x52, 0x54, 0, 0, 0, 1 };
	struct virtio_net *vn = virtio_net_new(&m, mac, tx, NULL);
	vd = virtio_net_dev(vn);
	setup_q(vd, 1, AREA);
	setup_q(vd, 0, AREA + 0x2000);
	vd->ops->queue_notify(vd, 1);
	virtio_net_receive(vn, data, size < 1514 ? size : 1514);
	virtio_net_free(vn);
	return 0;
}

/*
 * virtio-rng (virtio spec 1.2, 5.4): each chain on the request queue gets
 * its writable buffers filled, up to VIRTIO_RNG_MAX_CHUNK bytes, so one
 * huge request cannot hold a vCPU for long; the used length says how much
 * was written (5.4.6).  Readable buffers are ignored.
 *
 * Not emulated: rate limiting beyond the per-request bound (the host
 * entropy source does not run dry).
 */
#define _GNU_SOURCE
#include "dev/virtio_rng.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/random.h>

struct virtio_rng {
	struct virtio_dev vd;
	virtio_rng_fill_fn fill;
	void *opaque;
	struct virtq_elem elem;
};

static int host_fill(void *opaque, void *buf, size_t len)
{
	(void)opaque;
	while (len) {
		ssize_t n = getrandom(buf, len, 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		buf = (char *)buf + n;
		len -= (size_t)n;
	}
	return 0;
}

static void queue_notify(struct virtio_dev *vd, unsigned q)
{
	struct virtio_rng *vr = vd->opaque;
	struct iovec iov[VIRTQ_MAX_SEGS];
	int popped = 0, r;

	if (q != 0)
		return;
	while ((r = virtq_pop(vd, 0, &vr->elem)) > 0) {
		uint64_t len = vr->elem.in_len < VIRTIO_RNG_MAX_CHUNK ? vr->elem.in_len
								     : VIRTIO_RNG_MAX_CHUNK;
		uint32_t done = 0;
		int n = virtq_elem_iov(vd, &vr->elem, 1, 0, len, iov, VIRTQ_MAX_SEGS);
		for (int i = 0; i < n; i++) {
			if (vr->fill(vr->opaque, iov[i].iov_base, iov[i].iov_len))
				break;
			done += (uint32_t)iov[i].iov_len;
		}
		virtq_push(vd, 0, vr->elem.head, done);
		popped = 1;
	}
	if (popped)
		virtq_notify(vd, 0);
}

static const struct virtio_dev_ops vrng_ops = {
	.queue_notify = queue_notify,
};

struct virtio_rng *virtio_rng_new(const struct guest_mem *mem, virtio_rng_fill_fn fill, void *opaque)
{
	struct virtio_rng *vr = calloc(1, sizeof(*vr));
	if (!vr)
		return NULL;
	vr->fill = fill ? fill : host_fill;
	vr->opaque = opaque;
	virtio_dev_init(&vr->vd, mem, VIRTIO_ID_RNG, 0, 1, VIRTQ_MAX_SIZE, &vrng_ops, vr);
	return vr;
}

void virtio_rng_free(struct virtio_rng *vr)
{
	free(vr);
}

struct virtio_dev *virtio_rng_dev(struct virtio_rng *vr) { return &vr->vd; }

/*
 * virtio-net (virtio spec 1.2, 5.1): receiveq1 (0) and transmitq1 (1).
 * Each transmitted chain is a 12-byte virtio_net_hdr followed by one frame;
 * each receive chain gets the header (no offloads, num_buffers 1) and one
 * frame (5.1.6).  A frame that does not fit the posted buffer, or arrives
 * while none is posted, is dropped, as on a NIC whose ring is full.
 *
 * Not emulated: checksum and segmentation offloads, mergeable receive
 * buffers, the control queue (filtering, VLANs, announce), multiqueue.
 */
#include "dev/virtio_net.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct virtio_net {
	struct virtio_dev vd;
	uint8_t mac[6];
	virtio_net_tx_fn tx;
	void *tx_opaque;
	/* Separate: a backend may answer a transmitted frame at once, from inside tx(). */
	struct virtq_elem tx_elem, rx_elem;
	uint8_t frame[VIRTIO_NET_HDR_LEN + VIRTIO_NET_MAX_FRAME];
};

static uint64_t cfg_read(struct virtio_dev *vd, unsigned off, unsigned size)
{
	struct virtio_net *vn = vd->opaque;
	/* mac[6], status (LINK_UP), max_virtqueue_pairs 1 */
	uint8_t c[10] = { vn->mac[0], vn->mac[1], vn->mac[2], vn->mac[3], vn->mac[4], vn->mac[5],
			  1, 0, 1, 0 };
	uint64_t v = 0;
	for (unsigned i = 0; i < size && i < 8; i++)
		if (off + i < sizeof(c))
			v |= (uint64_t)c[off + i] << (8 * i);
	return v;
}

static void transmit(struct virtio_net *vn)
{
	struct virtio_dev *vd = &vn->vd;
	int done = 0;

	while (virtq_pop(vd, 1, &vn->tx_elem) > 0) {
		struct virtq_elem *e = &vn->tx_elem;
		uint64_t len = e->out_len;
		/* A chain without a whole header or with an oversized frame is consumed and dropped. */
		if (len > VIRTIO_NET_HDR_LEN && len <= sizeof(vn->frame) &&
		    !virtq_elem_read(vd, e, 0, vn->frame, len) && vn->tx)
			vn->tx(vn->tx_opaque, vn->frame + VIRTIO_NET_HDR_LEN, len - VIRTIO_NET_HDR_LEN);
		virtq_push(vd, 1, e->head, 0);
		done = 1;
	}
	if (done)
		virtq_notify(vd, 1);
}

int virtio_net_receive(struct virtio_net *vn, const void *frame, size_t len)
{
	struct virtio_dev *vd = &vn->vd;
	struct virtq_elem *e = &vn->rx_elem;
	uint8_t hdr[VIRTIO_NET_HDR_LEN] = { 0 };

	if (len > VIRTIO_NET_MAX_FRAME)
		return -EINVAL;
	if (virtq_pop(vd, 0, e) <= 0)
		return -EAGAIN;
	hdr[10] = 1;				/* num_buffers */
	if (e->in_len < VIRTIO_NET_HDR_LEN + len ||
	    virtq_elem_write(vd, e, 0, hdr, sizeof(hdr)) ||
	    virtq_elem_write(vd, e, VIRTIO_NET_HDR_LEN, frame, len)) {
		virtq_push(vd, 0, e->head, 0);
		virtq_notify(vd, 0);
		return -EINVAL;
	}
	virtq_push(vd, 0, e->head, (uint32_t)(VIRTIO_NET_HDR_LEN + len));
	virtq_notify(vd, 0);
	return 0;
}

static void queue_notify(struct virtio_dev *vd, unsigned q)
{
	/* Receive buffers are used when frames come; only transmit needs work now. */
	if (q == 1)
		transmit(vd->opaque);
}

static const struct virtio_dev_ops vnet_ops = {
	.queue_notify = queue_notify,
	.cfg_read = cfg_read,
};

struct virtio_net *virtio_net_new(const struct guest_mem *mem, const uint8_t mac[6],
				  virtio_net_tx_fn tx, void *tx_opaque)
{
	struct virtio_net *vn = calloc(1, sizeof(*vn));
	if (!vn)
		return NULL;
	memcpy(vn->mac, mac, 6);
	vn->tx = tx;
	vn->tx_opaque = tx_opaque;
	virtio_dev_init(&vn->vd, mem, VIRTIO_ID_NET,
			1ULL << VIRTIO_NET_F_MAC | 1ULL << VIRTIO_NET_F_STATUS, 2, VIRTQ_MAX_SIZE,
			&vnet_ops, vn);
	return vn;
}

void virtio_net_free(struct virtio_net *vn)
{
	free(vn);
}

struct virtio_dev *virtio_net_dev(struct virtio_net *vn) { return &vn->vd; }

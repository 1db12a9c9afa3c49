/*
 * virtio network device (virtio spec 1.2, 5.1): one receive and one
 * transmit queue, a MAC address and link status in configuration space.
 * Frames go to and come from a backend (host/net_slirp.c, a test).
 */
#ifndef HVM_DEV_VIRTIO_NET_H
#define HVM_DEV_VIRTIO_NET_H

#include <stddef.h>
#include <stdint.h>

#include "core/mem.h"
#include "dev/virtio.h"

#define VIRTIO_ID_NET		1
#define VIRTIO_NET_F_MAC	5
#define VIRTIO_NET_F_STATUS	16
#define VIRTIO_NET_HDR_LEN	12	/* struct virtio_net_hdr with num_buffers (1.x) */
#define VIRTIO_NET_MAX_FRAME	65536	/* largest Ethernet frame either way, header excluded */

/* Send one Ethernet frame to the host side (device-model lock held). */
typedef void (*virtio_net_tx_fn)(void *opaque, const void *frame, size_t len);

struct virtio_net;

struct virtio_net *virtio_net_new(const struct guest_mem *mem, const uint8_t mac[6],
				  virtio_net_tx_fn tx, void *tx_opaque);
void virtio_net_free(struct virtio_net *vn);
struct virtio_dev *virtio_net_dev(struct virtio_net *vn);
/*
 * A frame from the host side for the guest (device-model lock held).
 * 0 if delivered, -EAGAIN if the guest has no receive buffer posted (the
 * frame is dropped, as a real NIC's full ring would), -EINVAL if too big.
 */
int virtio_net_receive(struct virtio_net *vn, const void *frame, size_t len);

#endif

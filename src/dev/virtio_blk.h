/*
 * virtio block device (virtio spec 1.2, 5.2) over a host/blk.h backend.
 * One request queue.  The transport (virtio_pci) wraps &vb->vd.
 */
#ifndef HVM_DEV_VIRTIO_BLK_H
#define HVM_DEV_VIRTIO_BLK_H

#include <stdint.h>

#include "core/mem.h"
#include "dev/virtio.h"
#include "host/blk.h"

#define VIRTIO_ID_BLOCK		2

/* Request types and status values (5.2.6) */
#define VIRTIO_BLK_T_IN		0
#define VIRTIO_BLK_T_OUT	1
#define VIRTIO_BLK_T_FLUSH	4
#define VIRTIO_BLK_T_GET_ID	8
#define VIRTIO_BLK_T_DISCARD	11
#define VIRTIO_BLK_T_WRITE_ZEROES 13
#define VIRTIO_BLK_S_OK		0
#define VIRTIO_BLK_S_IOERR	1
#define VIRTIO_BLK_S_UNSUPP	2
#define VIRTIO_BLK_ID_BYTES	20

/* Feature bits (5.2.3) */
#define VIRTIO_BLK_F_SEG_MAX	2
#define VIRTIO_BLK_F_RO		5
#define VIRTIO_BLK_F_BLK_SIZE	6
#define VIRTIO_BLK_F_FLUSH	9
#define VIRTIO_BLK_F_DISCARD	13

struct virtio_blk;

/* blk is borrowed (the caller closes it after freeing the device).  NULL on ENOMEM. */
struct virtio_blk *virtio_blk_new(const struct guest_mem *mem, struct blk *blk, const char *serial);
void virtio_blk_free(struct virtio_blk *vb);
struct virtio_dev *virtio_blk_dev(struct virtio_blk *vb);
/* Requests submitted and not yet completed. */
unsigned virtio_blk_inflight(const struct virtio_blk *vb);

#endif

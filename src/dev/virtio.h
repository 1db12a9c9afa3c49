/*
 * virtio 1.x device core (virtio spec 1.2): device status and feature
 * negotiation (2.1, 2.2), split virtqueues (2.7) with indirect descriptors
 * (2.7.5.3) and VIRTIO_F_EVENT_IDX (2.7.7, 2.7.10), independent of the
 * transport.  A transport (virtio_pci.c, or a test) fills the hooks that
 * raise interrupts; a device (virtio_blk.c, virtio_rng.c) fills the ops.
 *
 * Every ring and buffer access goes through gpa_read/gpa_write/gpa_ptr: a
 * chain longer than the queue, a loop, a nested indirect table, a buffer
 * outside RAM or an avail index that runs more than the queue size ahead
 * makes the device NEEDS_RESET instead of being followed.
 */
#ifndef HVM_DEV_VIRTIO_H
#define HVM_DEV_VIRTIO_H

#include <stdint.h>
#include <sys/uio.h>

#include "core/mem.h"

/* Device status (2.1) */
#define VIRTIO_STATUS_ACKNOWLEDGE	1
#define VIRTIO_STATUS_DRIVER		2
#define VIRTIO_STATUS_DRIVER_OK		4
#define VIRTIO_STATUS_FEATURES_OK	8
#define VIRTIO_STATUS_NEEDS_RESET	0x40
#define VIRTIO_STATUS_FAILED		0x80

/* Reserved feature bits (6) */
#define VIRTIO_F_INDIRECT_DESC		28
#define VIRTIO_F_EVENT_IDX		29
#define VIRTIO_F_VERSION_1		32

/* Descriptor flags (2.7.5) */
#define VIRTQ_DESC_F_NEXT		1
#define VIRTQ_DESC_F_WRITE		2
#define VIRTQ_DESC_F_INDIRECT		4
#define VIRTQ_AVAIL_F_NO_INTERRUPT	1
#define VIRTQ_USED_F_NO_NOTIFY		1

#define VIRTQ_MAX_SIZE			256	/* largest queue we offer */
#define VIRTQ_MAX_SEGS			VIRTQ_MAX_SIZE	/* buffers in one chain, indirect included */
#define VIRTQ_MAX_TOTAL			0xffffffffULL	/* bytes in one chain (used.len is 32-bit) */
#define VIRTIO_MAX_QUEUES		8

struct virtq {
	uint16_t size;			/* queue_size as negotiated (power of 2) */
	uint16_t max_size;
	int ready;			/* queue_enable */
	uint64_t desc, avail, used;	/* guest physical addresses of the three parts */
	uint16_t last_avail;		/* next avail ring slot to take */
	uint16_t used_idx;		/* our copy of used.idx */
	uint16_t signalled_used;	/* used.idx at the last interrupt (EVENT_IDX) */
	int signalled_valid;
	uint16_t msix_vector;		/* transport's business; kept here per queue */
};

struct virtq_buf {
	uint64_t gpa;
	uint32_t len;
};

/* One descriptor chain, as popped: readable (out) buffers first, then writable (in). */
struct virtq_elem {
	uint16_t head;
	unsigned nr_out, nr_in;
	uint64_t out_len, in_len;	/* bytes */
	struct virtq_buf buf[VIRTQ_MAX_SEGS];	/* out [0, nr_out), in [nr_out, nr_out+nr_in) */
};

struct virtio_dev;

struct virtio_dev_ops {
	/* The driver wrote queue q's notification (device-model lock held). */
	void (*queue_notify)(struct virtio_dev *vd, unsigned q);
	/* Device-specific configuration (transport's device cfg window). */
	uint64_t (*cfg_read)(struct virtio_dev *vd, unsigned off, unsigned size);
	void (*cfg_write)(struct virtio_dev *vd, unsigned off, unsigned size, uint64_t val);
	/* Device reset (status 0 written, or machine reset); queues are already reset. */
	void (*reset)(struct virtio_dev *vd);
};

struct virtio_dev {
	const struct guest_mem *mem;
	uint32_t device_id;		/* virtio device ID (5): 2 blk, 4 rng, 1 net */
	uint64_t host_features;		/* offered, VERSION_1 and ring features included */
	uint64_t guest_features;	/* accepted by the driver */
	uint8_t status;
	uint8_t config_generation;
	unsigned nr_queues;
	struct virtq vq[VIRTIO_MAX_QUEUES];
	unsigned reset_gen;		/* bumps on every reset: late completions check it */

	const struct virtio_dev_ops *ops;
	void *opaque;			/* the device */

	/* Transport hooks: used buffers on queue q / configuration changed. */
	void (*irq_queue)(struct virtio_dev *vd, unsigned q);
	void (*irq_config)(struct virtio_dev *vd);
	void *transport;
};

/* Fill the common part; features are the device's own (ring/VERSION_1 bits are added). */
void virtio_dev_init(struct virtio_dev *vd, const struct guest_mem *mem, uint32_t device_id,
		     uint64_t features, unsigned nr_queues, uint16_t queue_size,
		     const struct virtio_dev_ops *ops, void *opaque);
/* Status 0: queues and negotiation back to their initial state, then ops->reset. */
void virtio_dev_reset(struct virtio_dev *vd);
/* The driver writes status; FEATURES_OK sticks only if the feature set is acceptable. */
void virtio_set_status(struct virtio_dev *vd, uint8_t status);
/* Something the driver did is unusable: set NEEDS_RESET and say so with a config interrupt. */
void virtio_dev_fail(struct virtio_dev *vd, const char *why);
/* DRIVER_OK set and not NEEDS_RESET: queues may be processed. */
int virtio_dev_running(const struct virtio_dev *vd);
int virtio_has_feature(const struct virtio_dev *vd, unsigned bit);

/*
 * Check a queue's three parts lie in RAM (called when the driver enables it).
 * 0 or -EINVAL.
 */
int virtq_check(const struct virtio_dev *vd, const struct virtq *vq);

/*
 * Take the next available chain from queue q.  1 with *e filled, 0 if the
 * ring is empty (or the queue is not live), -EINVAL if the ring is broken
 * (the device has been marked NEEDS_RESET).
 */
int virtq_pop(struct virtio_dev *vd, unsigned q, struct virtq_elem *e);
/* Return a chain with `len` bytes written to its writable buffers. */
void virtq_push(struct virtio_dev *vd, unsigned q, uint16_t head, uint32_t len);
/* After pushes: interrupt the driver if it wants one (EVENT_IDX or the NO_INTERRUPT flag). */
void virtq_notify(struct virtio_dev *vd, unsigned q);

/* Copy from the readable buffers at byte offset off / to the writable ones.  0 or -EFAULT. */
int virtq_elem_read(const struct virtio_dev *vd, const struct virtq_elem *e, uint64_t off,
		    void *dst, uint64_t len);
int virtq_elem_write(const struct virtio_dev *vd, const struct virtq_elem *e, uint64_t off,
		     const void *src, uint64_t len);
/*
 * Host iovecs for [off, off+len) of the readable (writable = 0) or writable
 * buffers, for I/O straight into guest memory.  Returns the count, or
 * -EFAULT (a buffer not inside one RAM region) / -ENOSPC (more than max).
 */
int virtq_elem_iov(const struct virtio_dev *vd, const struct virtq_elem *e, int writable,
		   uint64_t off, uint64_t len, struct iovec *iov, int max);

#endif

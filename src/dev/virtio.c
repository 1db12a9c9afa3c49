/*
 * virtio 1.x device core: status and feature negotiation (virtio spec 1.2,
 * 2.1-2.2, 3.1) and the device side of split virtqueues (2.7): descriptor
 * chains, indirect tables (2.7.5.3), the used ring and interrupt
 * suppression with VIRTIO_F_EVENT_IDX (2.7.7, 2.7.10).
 *
 * The guest owns the rings and may change them under our feet: every entry
 * is read once into a local copy, every index is reduced or range-checked,
 * chains are bounded by the table they live in (so a loop ends), an
 * indirect table inside an indirect table is refused, and the total length
 * of a chain is bounded.  Anything wrong marks the device NEEDS_RESET
 * (2.1.1) rather than being guessed at.
 *
 * Not emulated: packed virtqueues (2.8), VIRTIO_F_NOTIFICATION_DATA,
 * in-order use, queue reset.  The host is little-endian, as the rings are.
 */
#include "dev/virtio.h"
#include "core/log.h"

#include <errno.h>
#include <string.h>

struct vdesc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};

_Static_assert(sizeof(struct vdesc) == 16, "virtq descriptor is 16 bytes");

void virtio_dev_init(struct virtio_dev *vd, const struct guest_mem *mem, uint32_t device_id,
		     uint64_t features, unsigned nr_queues, uint16_t queue_size,
		     const struct virtio_dev_ops *ops, void *opaque)
{
	memset(vd, 0, sizeof(*vd));
	vd->mem = mem;
	vd->device_id = device_id;
	vd->host_features = features | 1ULL << VIRTIO_F_VERSION_1 |
			    1ULL << VIRTIO_F_INDIRECT_DESC | 1ULL << VIRTIO_F_EVENT_IDX;
	vd->nr_queues = nr_queues > VIRTIO_MAX_QUEUES ? VIRTIO_MAX_QUEUES : nr_queues;
	if (!queue_size || queue_size > VIRTQ_MAX_SIZE || (queue_size & (queue_size - 1)))
		queue_size = VIRTQ_MAX_SIZE;
	for (unsigned q = 0; q < VIRTIO_MAX_QUEUES; q++)
		vd->vq[q].max_size = queue_size;
	vd->ops = ops;
	vd->opaque = opaque;
	virtio_dev_reset(vd);
}

void virtio_dev_reset(struct virtio_dev *vd)
{
	vd->status = 0;
	vd->guest_features = 0;
	vd->reset_gen++;
	for (unsigned q = 0; q < VIRTIO_MAX_QUEUES; q++) {
		struct virtq *vq = &vd->vq[q];
		uint16_t max = vq->max_size;
		memset(vq, 0, sizeof(*vq));
		vq->max_size = max;
		vq->size = max;
		vq->msix_vector = 0xffff;
	}
	if (vd->ops && vd->ops->reset)
		vd->ops->reset(vd);
}

int virtio_has_feature(const struct virtio_dev *vd, unsigned bit)
{
	return bit < 64 && ((vd->guest_features >> bit) & 1);
}

void virtio_set_status(struct virtio_dev *vd, uint8_t status)
{
	if (!status) {
		virtio_dev_reset(vd);
		return;
	}
	if ((status & VIRTIO_STATUS_FEATURES_OK) && !(vd->status & VIRTIO_STATUS_FEATURES_OK)) {
		/* 3.1.1: a legacy-free device wants VERSION_1 and nothing it did not offer. */
		if ((vd->guest_features & ~vd->host_features) ||
		    !virtio_has_feature(vd, VIRTIO_F_VERSION_1))
			status &= (uint8_t)~VIRTIO_STATUS_FEATURES_OK;
	}
	vd->status = (uint8_t)((status & ~VIRTIO_STATUS_NEEDS_RESET) |
			       (vd->status & VIRTIO_STATUS_NEEDS_RESET));
}

void virtio_dev_fail(struct virtio_dev *vd, const char *why)
{
	if (vd->status & VIRTIO_STATUS_NEEDS_RESET)
		return;
	pr_warn("virtio (device %u): %s; device needs reset", vd->device_id, why);
	vd->status |= VIRTIO_STATUS_NEEDS_RESET;
	vd->config_generation++;
	if (vd->irq_config && (vd->status & VIRTIO_STATUS_DRIVER_OK))
		vd->irq_config(vd);
}

int virtio_dev_running(const struct virtio_dev *vd)
{
	return (vd->status & (VIRTIO_STATUS_DRIVER_OK | VIRTIO_STATUS_NEEDS_RESET)) ==
	       VIRTIO_STATUS_DRIVER_OK;
}

/* Byte sizes of the three parts for a queue of n entries (2.7, with the event fields). */
static uint64_t desc_bytes(unsigned n) { return 16ULL * n; }
static uint64_t avail_bytes(unsigned n) { return 6 + 2ULL * n; }
static uint64_t used_bytes(unsigned n) { return 6 + 8ULL * n; }

int virtq_check(const struct virtio_dev *vd, const struct virtq *vq)
{
	unsigned n = vq->size;
	if (!n || n > vq->max_size || (n & (n - 1)))
		return -EINVAL;
	/* 2.7: alignment 16 / 2 / 4. */
	if ((vq->desc & 15) || (vq->avail & 1) || (vq->used & 3))
		return -EINVAL;
	if (!gpa_valid(vd->mem, vq->desc, desc_bytes(n)) ||
	    !gpa_valid(vd->mem, vq->avail, avail_bytes(n)) ||
	    !gpa_valid(vd->mem, vq->used, used_bytes(n)))
		return -EINVAL;
	return 0;
}

static struct virtq *live_queue(struct virtio_dev *vd, unsigned q)
{
	if (q >= vd->nr_queues || !virtio_dev_running(vd))
		return NULL;
	struct virtq *vq = &vd->vq[q];
	return vq->ready ? vq : NULL;
}

static int fail(struct virtio_dev *vd, const char *why)
{
	virtio_dev_fail(vd, why);
	return -EINVAL;
}

/* Walk the chain at head into e.  0 or -EINVAL (device failed). */
static int walk_chain(struct virtio_dev *vd, struct virtq *vq, uint16_t head, struct virtq_elem *e)
{
	uint64_t table = vq->desc, total = 0;
	unsigned table_n = vq->size, steps = 0, nbuf = 0, idx = head;
	int indirect = 0;
	struct vdesc d;

	e->head = head;
	e->nr_out = e->nr_in = 0;
	e->out_len = e->in_len = 0;
	for (;;) {
		/* A chain visits each slot of its table at most once, so longer means a loop. */
		if (++steps > table_n)
			return fail(vd, "descriptor chain loops or is longer than its table");
		if (gpa_read(vd->mem, table + 16ULL * idx, &d, sizeof(d)))
			return fail(vd, "descriptor table outside RAM");
		if (d.flags & VIRTQ_DESC_F_INDIRECT) {
			if (!virtio_has_feature(vd, VIRTIO_F_INDIRECT_DESC))
				return fail(vd, "indirect descriptor without the feature");
			if (indirect)
				return fail(vd, "indirect table inside an indirect table");
			if (d.flags & VIRTQ_DESC_F_NEXT)
				return fail(vd, "indirect descriptor with NEXT");
			if (!d.len || (d.len % 16) || d.len / 16 > VIRTQ_MAX_SEGS)
				return fail(vd, "bad indirect table length");
			if (!gpa_valid(vd->mem, d.addr, d.len))
				return fail(vd, "indirect table outside RAM");
			indirect = 1;
			table = d.addr;
			table_n = d.len / 16;
			steps = 0;
			idx = 0;
			continue;
		}
		if (d.len) {
			if (!gpa_valid(vd->mem, d.addr, d.len))
				return fail(vd, "buffer outside RAM");
			total += d.len;
			if (total > VIRTQ_MAX_TOTAL)
				return fail(vd, "chain longer than 4 GiB");
			if (nbuf >= VIRTQ_MAX_SEGS)
				return fail(vd, "too many buffers in one chain");
			if (d.flags & VIRTQ_DESC_F_WRITE) {
				e->nr_in++;
				e->in_len += d.len;
			} else {
				/* 2.7.4.2: readable buffers come first. */
				if (e->nr_in)
					return fail(vd, "readable buffer after a writable one");
				e->nr_out++;
				e->out_len += d.len;
			}
			e->buf[nbuf].gpa = d.addr;
			e->buf[nbuf].len = d.len;
			nbuf++;
		}
		if (!(d.flags & VIRTQ_DESC_F_NEXT))
			return 0;
		idx = d.next;
		if (idx >= table_n)
			return fail(vd, "next index out of range");
	}
}

static int read16(struct virtio_dev *vd, uint64_t gpa, uint16_t *v)
{
	if (gpa_read(vd->mem, gpa, v, 2))
		return fail(vd, "ring outside RAM");
	return 0;
}

static int write16(struct virtio_dev *vd, uint64_t gpa, uint16_t v)
{
	if (gpa_write(vd->mem, gpa, &v, 2))
		return fail(vd, "ring outside RAM");
	return 0;
}

int virtq_pop(struct virtio_dev *vd, unsigned q, struct virtq_elem *e)
{
	struct virtq *vq = live_queue(vd, q);
	uint16_t avail_idx, head, pending;

	if (!vq)
		return 0;
	if (read16(vd, vq->avail + 2, &avail_idx))
		return -EINVAL;
	if (avail_idx == vq->last_avail && virtio_has_feature(vd, VIRTIO_F_EVENT_IDX)) {
		/* Ask to be notified of the next one, then look again (it may have just come). */
		if (write16(vd, vq->used + 4 + 8ULL * vq->size, vq->last_avail))
			return -EINVAL;
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		if (read16(vd, vq->avail + 2, &avail_idx))
			return -EINVAL;
	}
	pending = (uint16_t)(avail_idx - vq->last_avail);
	if (!pending)
		return 0;
	if (pending > vq->size)
		return fail(vd, "avail index ran more than the queue size ahead");
	/* The ring entries are read after the index that published them. */
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	if (read16(vd, vq->avail + 4 + 2ULL * (vq->last_avail % vq->size), &head))
		return -EINVAL;
	if (head >= vq->size)
		return fail(vd, "avail ring names a descriptor beyond the queue");
	vq->last_avail++;
	if (virtio_has_feature(vd, VIRTIO_F_EVENT_IDX) &&
	    write16(vd, vq->used + 4 + 8ULL * vq->size, vq->last_avail))
		return -EINVAL;
	if (walk_chain(vd, vq, head, e))
		return -EINVAL;
	return 1;
}

void virtq_push(struct virtio_dev *vd, unsigned q, uint16_t head, uint32_t len)
{
	struct virtq *vq = live_queue(vd, q);
	uint32_t ent[2] = { head, len };

	if (!vq)
		return;
	if (gpa_write(vd->mem, vq->used + 4 + 8ULL * (vq->used_idx % vq->size), ent, sizeof(ent))) {
		fail(vd, "used ring outside RAM");
		return;
	}
	/* The entry is visible before the index that publishes it. */
	__atomic_thread_fence(__ATOMIC_RELEASE);
	vq->used_idx++;
	write16(vd, vq->used + 2, vq->used_idx);
}

void virtq_notify(struct virtio_dev *vd, unsigned q)
{
	struct virtq *vq = live_queue(vd, q);
	uint16_t v;
	int need;

	if (!vq)
		return;
	/* Our used.idx store is ordered before reading the driver's suppression fields. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (virtio_has_feature(vd, VIRTIO_F_EVENT_IDX)) {
		uint16_t old = vq->signalled_used, now = vq->used_idx;
		int valid = vq->signalled_valid;
		if (read16(vd, vq->avail + 4 + 2ULL * vq->size, &v))
			return;
		vq->signalled_used = now;
		vq->signalled_valid = 1;
		/* 2.7.10: interrupt when used_event lies in [old, now). */
		need = !valid || (uint16_t)(now - v - 1) < (uint16_t)(now - old);
	} else {
		if (read16(vd, vq->avail, &v))
			return;
		need = !(v & VIRTQ_AVAIL_F_NO_INTERRUPT);
	}
	if (need && vd->irq_queue)
		vd->irq_queue(vd, q);
}

/* Walk [off, off+len) of one side of e, calling fn on each piece.  0 or -EFAULT. */
static int elem_span(const struct virtq_elem *e, int writable, uint64_t off, uint64_t len,
		     int (*fn)(void *ctx, uint64_t gpa, uint64_t n, uint64_t pos), void *ctx)
{
	unsigned first = writable ? e->nr_out : 0;
	unsigned count = writable ? e->nr_in : e->nr_out;
	uint64_t pos = 0;

	for (unsigned i = first; i < first + count && len; i++) {
		uint64_t blen = e->buf[i].len;
		if (off >= blen) {
			off -= blen;
			continue;
		}
		uint64_t n = blen - off < len ? blen - off : len;
		int r = fn(ctx, e->buf[i].gpa + off, n, pos);
		if (r)
			return r;
		pos += n;
		len -= n;
		off = 0;
	}
	return len ? -EFAULT : 0;
}

struct copy_ctx {
	const struct guest_mem *mem;
	uint8_t *dst;
	const uint8_t *src;
	struct iovec *iov;
	int nr, max, writable;
};

static int do_read(void *c, uint64_t gpa, uint64_t n, uint64_t pos)
{
	struct copy_ctx *x = c;
	return gpa_read(x->mem, gpa, x->dst + pos, n);
}

static int do_write(void *c, uint64_t gpa, uint64_t n, uint64_t pos)
{
	struct copy_ctx *x = c;
	return gpa_write(x->mem, gpa, x->src + pos, n);
}

static int do_iov(void *c, uint64_t gpa, uint64_t n, uint64_t pos)
{
	struct copy_ctx *x = c;
	void *p;
	(void)pos;
	if (x->nr >= x->max)
		return -ENOSPC;
	p = x->writable ? gpa_ptr_w(x->mem, gpa, n) : gpa_ptr(x->mem, gpa, n);
	if (!p)
		return -EFAULT;
	x->iov[x->nr].iov_base = p;
	x->iov[x->nr].iov_len = n;
	x->nr++;
	return 0;
}

int virtq_elem_read(const struct virtio_dev *vd, const struct virtq_elem *e, uint64_t off,
		    void *dst, uint64_t len)
{
	struct copy_ctx x = { .mem = vd->mem, .dst = dst };
	return elem_span(e, 0, off, len, do_read, &x);
}

int virtq_elem_write(const struct virtio_dev *vd, const struct virtq_elem *e, uint64_t off,
		     const void *src, uint64_t len)
{
	struct copy_ctx x = { .mem = vd->mem, .src = src };
	return elem_span(e, 1, off, len, do_write, &x);
}

int virtq_elem_iov(const struct virtio_dev *vd, const struct virtq_elem *e, int writable,
		   uint64_t off, uint64_t len, struct iovec *iov, int max)
{
	struct copy_ctx x = { .mem = vd->mem, .iov = iov, .max = max, .writable = writable };
	int r = elem_span(e, writable, off, len, do_iov, &x);
	return r ? r : x.nr;
}

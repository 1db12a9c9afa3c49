/*
 * virtio-blk (virtio spec 1.2, 5.2): read, write, flush, get-id and
 * discard on one queue.  Each request is parsed from its chain without
 * assuming how the driver split it into buffers: a 16-byte header at the
 * start of the readable part, the status byte at the end of the writable
 * part (5.2.6).  Data moves straight between the image and guest RAM on the
 * backend's worker threads; the status byte and the used ring are written
 * when the completion comes back under the device-model lock.
 *
 * A bad request (short header, range beyond the disk, write to a read-only
 * disk, odd length) completes with IOERR/UNSUPP; a broken ring makes the
 * device NEEDS_RESET (virtio.c).  In-flight requests are bounded by the
 * queue size, and completions from before a device reset are dropped.
 *
 * Not emulated: write-zeroes, secure erase, zoned devices, multiqueue, the
 * writeback toggle (the cache is always write-back: data is durable after
 * FLUSH), geometry and topology hints.
 */
#include "dev/virtio_blk.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define SECTOR			512ULL
#define BLK_SEG_MAX		(VIRTQ_MAX_SEGS - 2)	/* header and status take two */
#define BLK_CFG_LEN		60
#define DISCARD_MAX_SECTORS	0x3fffffu

struct vblk_req {
	struct blk_req br;
	struct virtio_blk *vb;
	unsigned gen;
	uint16_t head;
	uint64_t status_gpa;
	uint32_t used_len;
	struct iovec iov[BLK_MAX_IOV];
};

struct virtio_blk {
	struct virtio_dev vd;
	struct blk *blk;
	char id[VIRTIO_BLK_ID_BYTES];
	unsigned inflight;
	int throttled;			/* stopped popping at the in-flight bound */
	struct virtq_elem elem;		/* scratch for the chain being parsed */
};

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t cfg_read(struct virtio_dev *vd, unsigned off, unsigned size)
{
	struct virtio_blk *vb = vd->opaque;
	uint8_t c[BLK_CFG_LEN] = { 0 };
	uint64_t cap = blk_size(vb->blk) / SECTOR, v = 0;

	put32(c + 0, (uint32_t)cap);
	put32(c + 4, (uint32_t)(cap >> 32));
	put32(c + 12, BLK_SEG_MAX);
	put32(c + 20, (uint32_t)SECTOR);
	c[32] = 1;				/* writeback */
	c[34] = 1;				/* num_queues */
	put32(c + 36, DISCARD_MAX_SECTORS);
	put32(c + 40, 1);			/* max_discard_seg */
	put32(c + 44, 1);			/* discard_sector_alignment */
	for (unsigned i = 0; i < size && i < 8; i++)
		if (off + i < BLK_CFG_LEN)
			v |= (uint64_t)c[off + i] << (8 * i);
	return v;
}

static void cfg_write(struct virtio_dev *vd, unsigned off, unsigned size, uint64_t val)
{
	/* writeback (offset 32) is only writable with CONFIG_WCE, which is not offered. */
	(void)vd; (void)off; (void)size; (void)val;
}

static void process(struct virtio_blk *vb);

/* Finish a chain: status byte, used entry, interrupt if wanted. */
static void finish(struct virtio_blk *vb, uint16_t head, uint64_t status_gpa, uint8_t status,
		   uint32_t used_len)
{
	if (status_gpa && gpa_write(vb->vd.mem, status_gpa, &status, 1))
		used_len = 0;
	virtq_push(&vb->vd, 0, head, used_len);
	virtq_notify(&vb->vd, 0);
}

static void req_done(struct blk_req *br)
{
	struct vblk_req *r = (struct vblk_req *)br;
	struct virtio_blk *vb = r->vb;

	vb->inflight--;
	/* The driver reset the device since: the chain is no longer ours to return. */
	if (r->gen == vb->vd.reset_gen)
		finish(vb, r->head, r->status_gpa, br->result ? VIRTIO_BLK_S_IOERR : VIRTIO_BLK_S_OK,
		       br->result ? 1 : r->used_len);
	free(r);
	if (vb->throttled) {
		vb->throttled = 0;
		process(vb);
	}
}

/* The status byte: the last byte of the writable part (0 if there is none). */
static uint64_t status_gpa(const struct virtq_elem *e)
{
	if (!e->nr_in)
		return 0;
	const struct virtq_buf *last = &e->buf[e->nr_out + e->nr_in - 1];
	return last->gpa + last->len - 1;
}

/* Parse and start one request; completes it at once when it needs no I/O. */
static void handle(struct virtio_blk *vb, struct virtq_elem *e)
{
	struct { uint32_t type, reserved; uint64_t sector; } hdr;
	uint64_t sgpa = status_gpa(e), len, off;
	struct vblk_req *r;
	int n, writable;

	if (!sgpa) {
		/* No room for a status: nothing can be reported, give the chain back. */
		finish(vb, e->head, 0, 0, 0);
		return;
	}
	if (virtq_elem_read(&vb->vd, e, 0, &hdr, sizeof(hdr))) {
		finish(vb, e->head, sgpa, VIRTIO_BLK_S_IOERR, 1);
		return;
	}
	if (hdr.type == VIRTIO_BLK_T_GET_ID) {
		uint64_t room = e->in_len - 1;
		uint32_t n_id = room < VIRTIO_BLK_ID_BYTES ? (uint32_t)room : VIRTIO_BLK_ID_BYTES;
		if (virtq_elem_write(&vb->vd, e, 0, vb->id, n_id))
			finish(vb, e->head, sgpa, VIRTIO_BLK_S_IOERR, 1);
		else
			finish(vb, e->head, sgpa, VIRTIO_BLK_S_OK, n_id + 1);
		return;
	}
	r = calloc(1, sizeof(*r));
	if (!r) {
		finish(vb, e->head, sgpa, VIRTIO_BLK_S_IOERR, 1);
		return;
	}
	r->vb = vb;
	r->gen = vb->vd.reset_gen;
	r->head = e->head;
	r->status_gpa = sgpa;
	r->used_len = 1;
	r->br.done = req_done;
	r->br.opaque = r;

	switch (hdr.type) {
	case VIRTIO_BLK_T_IN:
	case VIRTIO_BLK_T_OUT:
		writable = hdr.type == VIRTIO_BLK_T_IN;
		len = writable ? e->in_len - 1 : e->out_len - sizeof(hdr);
		off = writable ? 0 : sizeof(hdr);
		if (len % SECTOR || hdr.sector > UINT64_MAX / SECTOR)
			goto ioerr;
		n = virtq_elem_iov(&vb->vd, e, writable, off, len, r->iov, BLK_MAX_IOV);
		if (n < 0)
			goto ioerr;
		r->br.op = writable ? BLK_READ : BLK_WRITE;
		r->br.off = hdr.sector * SECTOR;
		r->br.len = len;
		r->br.iov = r->iov;
		r->br.iovcnt = n;
		if (writable)
			r->used_len = (uint32_t)(len + 1);
		break;
	case VIRTIO_BLK_T_FLUSH:
		r->br.op = BLK_FLUSH;
		break;
	case VIRTIO_BLK_T_DISCARD: {
		struct { uint64_t sector; uint32_t num, flags; } seg;
		if (e->out_len - sizeof(hdr) != sizeof(seg) ||
		    virtq_elem_read(&vb->vd, e, sizeof(hdr), &seg, sizeof(seg)))
			goto ioerr;
		if (seg.flags) {
			free(r);
			finish(vb, e->head, sgpa, VIRTIO_BLK_S_UNSUPP, 1);
			return;
		}
		if (seg.sector > UINT64_MAX / SECTOR || seg.num > DISCARD_MAX_SECTORS)
			goto ioerr;
		r->br.op = BLK_DISCARD;
		r->br.off = seg.sector * SECTOR;
		r->br.len = (uint64_t)seg.num * SECTOR;
		break;
	}
	default:
		free(r);
		finish(vb, e->head, sgpa, VIRTIO_BLK_S_UNSUPP, 1);
		return;
	}
	vb->inflight++;
	blk_submit(vb->blk, &r->br);
	return;
ioerr:
	free(r);
	finish(vb, e->head, sgpa, VIRTIO_BLK_S_IOERR, 1);
}

static void process(struct virtio_blk *vb)
{
	for (;;) {
		/* At most a queue's worth in flight, however fast the driver re-posts. */
		if (vb->inflight >= vb->vd.vq[0].size) {
			vb->throttled = 1;
			return;
		}
		if (virtq_pop(&vb->vd, 0, &vb->elem) <= 0)
			return;
		handle(vb, &vb->elem);
	}
}

static void queue_notify(struct virtio_dev *vd, unsigned q)
{
	if (q == 0)
		process(vd->opaque);
}

static void dev_reset(struct virtio_dev *vd)
{
	struct virtio_blk *vb = vd->opaque;
	vb->throttled = 0;
}

static const struct virtio_dev_ops vblk_ops = {
	.queue_notify = queue_notify,
	.cfg_read = cfg_read,
	.cfg_write = cfg_write,
	.reset = dev_reset,
};

struct virtio_blk *virtio_blk_new(const struct guest_mem *mem, struct blk *blk, const char *serial)
{
	struct virtio_blk *vb = calloc(1, sizeof(*vb));
	uint64_t f = 1ULL << VIRTIO_BLK_F_SEG_MAX | 1ULL << VIRTIO_BLK_F_BLK_SIZE |
		     1ULL << VIRTIO_BLK_F_FLUSH;

	if (!vb)
		return NULL;
	vb->blk = blk;
	if (blk_readonly(blk))
		f |= 1ULL << VIRTIO_BLK_F_RO;
	else
		f |= 1ULL << VIRTIO_BLK_F_DISCARD;
	if (serial)
		memcpy(vb->id, serial, strnlen(serial, sizeof(vb->id)));
	virtio_dev_init(&vb->vd, mem, VIRTIO_ID_BLOCK, f, 1, VIRTQ_MAX_SIZE, &vblk_ops, vb);
	return vb;
}

void virtio_blk_free(struct virtio_blk *vb)
{
	free(vb);
}

struct virtio_dev *virtio_blk_dev(struct virtio_blk *vb) { return &vb->vd; }
unsigned virtio_blk_inflight(const struct virtio_blk *vb) { return vb->inflight; }

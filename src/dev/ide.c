/*
 * ATA channel with two drives, after ATA/ATAPI-6 (T13/1410D): the taskfile
 * and its 48-bit "previous content" bytes (register descriptions), the PIO
 * data-in and data-out protocols with DRQ blocks, DMA through the PIIX3 bus
 * master, software reset and device signatures (protocol clauses), and the
 * rule that device 0 answers for an absent device 1 with status 00h.
 *
 * Commands: IDENTIFY DEVICE, READ/WRITE SECTOR(S) (EXT), READ/WRITE
 * MULTIPLE (EXT), SET MULTIPLE MODE, READ/WRITE DMA (EXT), READ VERIFY
 * (EXT), FLUSH CACHE (EXT), SET FEATURES, INITIALIZE DEVICE PARAMETERS,
 * EXECUTE DEVICE DIAGNOSTIC, CHECK POWER MODE, IDLE/STANDBY (IMMEDIATE),
 * SEEK, RECALIBRATE; everything else is aborted.  ATAPI drives get PACKET,
 * IDENTIFY PACKET DEVICE and DEVICE RESET (atapi.c runs the packets).
 *
 * Image I/O goes through the block backend one request at a time: BSY
 * while it is in flight (on the backend's workers when it has a loop, else
 * inside the register access), then the command's next step.  A reset
 * that arrives meanwhile is applied when the request completes, since the
 * request still points into the drive's buffer.  Not emulated: timing, power states, security, SMART, HPA, queued
 * commands, CHS beyond the translation in INITIALIZE DEVICE PARAMETERS.
 */
#include "dev/ide.h"
#include "dev/ide_bmdma.h"
#include "host/blk.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void io_done(struct blk_req *r);

static struct ide_drive *sel(struct ide_channel *ch)
{
	return &ch->drive[ch->cur];
}

static void update_irq(struct ide_channel *ch)
{
	struct ide_drive *d = sel(ch);
	int lvl = d->present && d->intrq && !(ch->devctl & ATA_DC_NIEN);

	if (lvl != ch->irq_level) {
		ch->irq_level = lvl;
		irq_set(ch->irq, lvl);
	}
}

void ide_set_irq(struct ide_channel *ch, struct ide_drive *d)
{
	d->intrq = 1;
	if (ch->bm && d == sel(ch) && !(ch->devctl & ATA_DC_NIEN))
		ide_bmdma_irq(ch->bm);
	update_irq(ch);
}

static uint8_t ready_status(const struct ide_drive *d)
{
	return d->atapi ? ATA_SR_DRDY : (ATA_SR_DRDY | ATA_SR_DSC);
}

void ide_cmd_done(struct ide_channel *ch, struct ide_drive *d, uint8_t err)
{
	d->xfer = IDE_XFER_NONE;
	d->on_end = IDE_END_NONE;
	d->error = err;
	d->status = (uint8_t)(ready_status(d) | (err ? ATA_SR_ERR : 0));
	ide_set_irq(ch, d);
}

void ide_pio_block(struct ide_channel *ch, struct ide_drive *d, unsigned len,
		   enum ide_xfer dir, enum ide_end on_end, int irq)
{
	d->drq_end = d->pos + len;
	d->xfer = dir;
	d->on_end = on_end;
	d->status = (uint8_t)(ready_status(d) | ATA_SR_DRQ);
	if (irq)
		ide_set_irq(ch, d);
}

/* Store IDENTIFY words little-endian in the data buffer, as the data port delivers them. */
static void id_to_buf(struct ide_drive *d, const uint16_t *id)
{
	for (int i = 0; i < 256; i++) {
		d->buf[2 * i] = (uint8_t)id[i];
		d->buf[2 * i + 1] = (uint8_t)(id[i] >> 8);
	}
}

static void drive_reset(struct ide_drive *d, int power_on)
{
	d->xfer = IDE_XFER_NONE;
	d->on_end = IDE_END_NONE;
	d->pos = d->drq_end = d->end = 0;
	memset(d->feature, 0, sizeof(d->feature));
	memset(d->lbam, 0, sizeof(d->lbam));
	memset(d->lbah, 0, sizeof(d->lbah));
	d->nsect[0] = d->lbal[0] = 1;
	d->nsect[1] = d->lbal[1] = 0;
	d->device = 0;
	d->error = 0x01;		/* diagnostic code: no error */
	d->intrq = 0;
	d->at.read_left = 0;
	d->at.check = 0;
	if (power_on) {
		d->mult = 0;
		d->xfer_mode = 0;
		d->wcache = 1;
		d->cur_heads = d->heads;
		d->cur_spt = d->spt;
		d->at.sense_key = d->at.asc = d->at.ascq = 0;
		d->at.locked = 0;
	}
	if (d->atapi) {
		atapi_signature(d);
		d->status = 0;
	} else {
		d->status = ATA_SR_DRDY | ATA_SR_DSC;
	}
}

void ide_channel_init(struct ide_channel *ch, const char *name, const struct irq_line *irq)
{
	memset(ch, 0, sizeof(*ch));
	ch->name = name;
	ch->irq = irq;
}

int ide_attach(struct ide_channel *ch, int unit, struct blk *blk, int atapi, const char *serial)
{
	struct ide_drive *d;
	uint64_t size;

	if (unit < 0 || unit > 1 || !blk)
		return -EINVAL;
	size = blk_size(blk);
	d = &ch->drive[unit];
	if (d->present)
		return -EEXIST;
	d->buf = calloc(1, IDE_BUF_SIZE);
	if (!d->buf)
		return -ENOMEM;
	d->present = 1;
	d->ch = ch;
	d->atapi = atapi;
	d->blk = blk;
	d->readonly = atapi || blk_readonly(blk);
	d->nsectors = size / (atapi ? ATAPI_BLOCK : IDE_SECTOR);
	snprintf(d->serial, sizeof(d->serial), "%s", serial ? serial : "HVM00000000");
	snprintf(d->model, sizeof(d->model), "%s", atapi ? "HVM DVD-ROM" : "HVM HARDDISK");
	d->heads = 16;
	d->spt = 63;
	d->cyls = (unsigned)(d->nsectors / (16 * 63) > 16383 ? 16383 : d->nsectors / (16 * 63));
	drive_reset(d, 1);
	return 0;
}

void ide_channel_free(struct ide_channel *ch)
{
	for (int i = 0; i < 2; i++) {
		free(ch->drive[i].buf);
		ch->drive[i].buf = NULL;
		ch->drive[i].present = 0;
	}
}

void ide_channel_reset(struct ide_channel *ch)
{
	for (int i = 0; i < 2; i++) {
		struct ide_drive *d = &ch->drive[i];
		if (d->busy)
			d->reset_pending = 2;
		else if (d->present)
			drive_reset(d, 1);
	}
	ch->cur = 0;
	ch->devctl = 0;
	update_irq(ch);
}

/* --- addressing ----------------------------------------------------------- */

static int tf_lba(const struct ide_drive *d, int lba48, uint64_t *lba)
{
	if (lba48) {
		*lba = (uint64_t)d->lbal[0] | (uint64_t)d->lbam[0] << 8 | (uint64_t)d->lbah[0] << 16 |
		       (uint64_t)d->lbal[1] << 24 | (uint64_t)d->lbam[1] << 32 |
		       (uint64_t)d->lbah[1] << 40;
		return 0;
	}
	if (d->device & ATA_DEV_LBA) {
		*lba = (uint64_t)d->lbal[0] | (uint64_t)d->lbam[0] << 8 |
		       (uint64_t)d->lbah[0] << 16 | (uint64_t)(d->device & 0xf) << 24;
		return 0;
	}
	unsigned cyl = d->lbam[0] | d->lbah[0] << 8, head = d->device & 0xf, sect = d->lbal[0];
	if (!sect || sect > d->cur_spt || head >= d->cur_heads)
		return -1;
	*lba = ((uint64_t)cyl * d->cur_heads + head) * d->cur_spt + sect - 1;
	return 0;
}

static uint64_t tf_count(const struct ide_drive *d, int lba48)
{
	if (lba48) {
		unsigned n = d->nsect[0] | d->nsect[1] << 8;
		return n ? n : 65536;
	}
	return d->nsect[0] ? d->nsect[0] : 256;
}

/* Set up lba/left for a read or write; 0, or aborts the command with IDNF. */
static int rw_setup(struct ide_channel *ch, struct ide_drive *d, int lba48)
{
	uint64_t lba, n = tf_count(d, lba48);

	if (tf_lba(d, lba48, &lba) || lba > d->nsectors || n > d->nsectors - lba) {
		ide_cmd_done(ch, d, ATA_ER_IDNF);
		return -1;
	}
	d->lba = lba;
	d->left = n;
	return 0;
}

/* --- PIO reads and writes ------------------------------------------------ */

/* Queue a request; the lba/left bookkeeping of a read or write is done by the caller. */
void ide_submit(struct ide_drive *d, enum ide_io io, enum blk_op op, void *buf,
		uint64_t off, uint64_t len)
{
	d->io = io;
	d->io_len = len;
	d->io_flushed = 0;
	d->busy = 1;
	d->status = ATA_SR_BSY;
	d->iov.iov_base = buf;
	d->iov.iov_len = len;
	d->req = (struct blk_req){
		.op = op, .off = off, .len = len,
		.iov = len ? &d->iov : NULL, .iovcnt = len ? 1 : 0,
		.done = io_done, .opaque = d,
	};
	blk_submit(d->blk, &d->req);
}

int ide_read_next(struct ide_drive *d, enum ide_io io)
{
	uint64_t n, off, max = IDE_BUF_SIZE / (d->atapi ? ATAPI_BLOCK : IDE_SECTOR);

	if (d->atapi) {
		n = d->at.read_left < max ? d->at.read_left : max;
		off = d->at.read_lba * ATAPI_BLOCK;
		d->at.read_lba += n;
		d->at.read_left -= n;
	} else {
		n = d->left < max ? d->left : max;
		off = d->lba * IDE_SECTOR;
		d->lba += n;
		d->left -= n;
	}
	if (!n)
		return 0;
	ide_submit(d, io, BLK_READ, d->buf, off, n * (d->atapi ? ATAPI_BLOCK : IDE_SECTOR));
	return 1;
}

static void ata_read_block(struct ide_channel *ch, struct ide_drive *d)
{
	unsigned n = d->left < d->block ? (unsigned)d->left : d->block;
	uint64_t off = d->lba * IDE_SECTOR;

	d->lba += n;
	d->left -= n;
	ide_submit(d, IDE_IO_PIO_READ, BLK_READ, d->buf, off, (uint64_t)n * IDE_SECTOR);
}

static void ata_read_done(struct ide_channel *ch, struct ide_drive *d, int err)
{
	if (err) {
		ide_cmd_done(ch, d, ATA_ER_UNC);
		return;
	}
	d->pos = 0;
	ide_pio_block(ch, d, (unsigned)d->io_len, IDE_XFER_PIO_IN, IDE_END_READ, 1);
}

static void ata_write_block(struct ide_channel *ch, struct ide_drive *d, int irq)
{
	unsigned n = d->left < d->block ? (unsigned)d->left : d->block;
	d->pos = 0;
	ide_pio_block(ch, d, n * IDE_SECTOR, IDE_XFER_PIO_OUT, IDE_END_WRITE, irq);
}

static void ata_write_end(struct ide_channel *ch, struct ide_drive *d)
{
	unsigned n = d->drq_end / IDE_SECTOR;
	uint64_t off = d->lba * IDE_SECTOR;

	d->lba += n;
	d->left -= n;
	ide_submit(d, IDE_IO_PIO_WRITE, BLK_WRITE, d->buf, off, (uint64_t)n * IDE_SECTOR);
}

static void ata_write_done(struct ide_channel *ch, struct ide_drive *d, int err)
{
	if (err) {
		ide_cmd_done(ch, d, ATA_ER_ABRT);
		return;
	}
	if (d->left)
		ata_write_block(ch, d, 1);
	else
		ide_cmd_done(ch, d, 0);
}

static void pio_end(struct ide_channel *ch, struct ide_drive *d)
{
	enum ide_end e = d->on_end;

	d->xfer = IDE_XFER_NONE;
	d->on_end = IDE_END_NONE;
	d->status &= (uint8_t)~ATA_SR_DRQ;
	switch (e) {
	case IDE_END_IDENTIFY:
		d->status = ready_status(d);
		break;
	case IDE_END_READ:
		if (d->left)
			ata_read_block(ch, d);
		else
			d->status = ready_status(d);
		break;
	case IDE_END_WRITE:
		ata_write_end(ch, d);
		break;
	case IDE_END_PACKET:
		atapi_packet_exec(ch, d);
		break;
	case IDE_END_ATAPI_DATA:
		atapi_data_end(ch, d);
		break;
	case IDE_END_NONE:
		break;
	}
}

static uint32_t data_read(struct ide_channel *ch, unsigned size)
{
	struct ide_drive *d = sel(ch);
	uint32_t v = 0;

	if (!d->present || d->xfer != IDE_XFER_PIO_IN)
		return size >= 4 ? 0xffffffffu : (1u << (8 * size)) - 1;
	for (unsigned i = 0; i < size && d->pos < d->drq_end; i++)
		v |= (uint32_t)d->buf[d->pos++] << (8 * i);
	if (d->pos >= d->drq_end)
		pio_end(ch, d);
	return v;
}

static void data_write(struct ide_channel *ch, unsigned size, uint32_t v)
{
	struct ide_drive *d = sel(ch);

	if (!d->present || d->xfer != IDE_XFER_PIO_OUT)
		return;
	for (unsigned i = 0; i < size && d->pos < d->drq_end; i++)
		d->buf[d->pos++] = (uint8_t)(v >> (8 * i));
	if (d->pos >= d->drq_end)
		pio_end(ch, d);
}

/* --- completions ----------------------------------------------------- */

static void io_done(struct blk_req *r)
{
	struct ide_drive *d = r->opaque;
	struct ide_channel *ch = d->ch;
	int err = r->result != 0;

	/* Write cache off: the command ends only when the data is on stable storage. */
	if (!err && !d->wcache && !d->io_flushed &&
	    (d->io == IDE_IO_PIO_WRITE || d->io == IDE_IO_DMA_WRITE)) {
		d->io_flushed = 1;
		d->req.op = BLK_FLUSH;
		d->req.off = d->req.len = 0;
		d->req.iov = NULL;
		d->req.iovcnt = 0;
		blk_submit(d->blk, &d->req);
		return;
	}
	d->busy = 0;
	if (d->reset_pending) {
		drive_reset(d, d->reset_pending > 1);
		d->reset_pending = 0;
		update_irq(ch);
		return;
	}
	switch (d->io) {
	case IDE_IO_PIO_READ: ata_read_done(ch, d, err); break;
	case IDE_IO_PIO_WRITE: ata_write_done(ch, d, err); break;
	case IDE_IO_FLUSH: ide_cmd_done(ch, d, err ? ATA_ER_ABRT : 0); break;
	case IDE_IO_DMA_READ: case IDE_IO_DMA_WRITE: ide_dma_io_done(ch, d, err); break;
	case IDE_IO_ATAPI_PIO: atapi_read_done(ch, d, err); break;
	case IDE_IO_NONE: break;
	}
}

/* --- commands ------------------------------------------------------------- */

static void set_features(struct ide_channel *ch, struct ide_drive *d)
{
	uint8_t v = d->nsect[0];

	switch (d->feature[0]) {
	case 0x03:	/* transfer mode */
		switch (v >> 3) {
		case 0: if ((v & 7) > 1) goto abort; break;	/* PIO default */
		case 1: if ((v & 7) > 4) goto abort; break;	/* PIO n */
		case 4: if ((v & 7) > 2) goto abort; break;	/* multiword DMA n */
		case 8: if ((v & 7) > 5) goto abort; break;	/* Ultra DMA n */
		default: goto abort;
		}
		d->xfer_mode = v;
		break;
	case 0x02: d->wcache = 1; break;
	case 0x82: d->wcache = 0; break;
	case 0x66: case 0xcc: case 0xaa: case 0x55:	/* defaults, read look-ahead */
		break;
	default:
		goto abort;
	}
	ide_cmd_done(ch, d, 0);
	return;
abort:
	ide_cmd_done(ch, d, ATA_ER_ABRT);
}

static void identify(struct ide_channel *ch, struct ide_drive *d, int packet)
{
	uint16_t id[256];

	if (packet)
		atapi_identify(d, id);
	else
		ide_ata_identify(d, id);
	id_to_buf(d, id);
	d->pos = 0;
	ide_pio_block(ch, d, IDE_SECTOR, IDE_XFER_PIO_IN, IDE_END_IDENTIFY, 1);
}

static void diagnostic(struct ide_channel *ch)
{
	for (int i = 0; i < 2; i++)
		if (ch->drive[i].present && !ch->drive[i].busy)
			drive_reset(&ch->drive[i], 0);
	ch->cur = 0;
	ide_set_irq(ch, sel(ch));
}

static void atapi_cmd(struct ide_channel *ch, struct ide_drive *d, uint8_t cmd)
{
	switch (cmd) {
	case 0xa0:
		atapi_packet_cmd(ch, d);
		break;
	case 0xa1:
		identify(ch, d, 1);
		break;
	case 0x08:	/* DEVICE RESET: no interrupt */
		drive_reset(d, 0);
		break;
	case 0xec:	/* the signature tells the host to use IDENTIFY PACKET DEVICE */
		atapi_signature(d);
		ide_cmd_done(ch, d, ATA_ER_ABRT);
		break;
	default:
		ide_cmd_done(ch, d, ATA_ER_ABRT);
		break;
	}
}

static void ata_cmd(struct ide_channel *ch, struct ide_drive *d, uint8_t cmd)
{
	int ext = 0;

	switch (cmd) {
	case 0xec:
		identify(ch, d, 0);
		return;
	case 0x24: ext = 1; /* fall through */
	case 0x20: case 0x21:	/* READ SECTOR(S) */
		if (rw_setup(ch, d, ext))
			return;
		d->block = 1;
		ata_read_block(ch, d);
		return;
	case 0x29: ext = 1; /* fall through */
	case 0xc4:		/* READ MULTIPLE */
		if (!d->mult)
			break;
		if (rw_setup(ch, d, ext))
			return;
		d->block = d->mult;
		ata_read_block(ch, d);
		return;
	case 0x34: ext = 1; /* fall through */
	case 0x30: case 0x31:	/* WRITE SECTOR(S) */
		if (d->readonly)
			break;
		if (rw_setup(ch, d, ext))
			return;
		d->block = 1;
		ata_write_block(ch, d, 0);
		return;
	case 0x39: ext = 1; /* fall through */
	case 0xc5:		/* WRITE MULTIPLE */
		if (!d->mult || d->readonly)
			break;
		if (rw_setup(ch, d, ext))
			return;
		d->block = d->mult;
		ata_write_block(ch, d, 0);
		return;
	case 0x25: ext = 1; /* fall through */
	case 0xc8: case 0xc9:	/* READ DMA */
		if (!rw_setup(ch, d, ext)) {
			d->pos = d->end = 0;
			ide_dma_cmd(ch, d, IDE_XFER_DMA_IN);
		}
		return;
	case 0x35: ext = 1; /* fall through */
	case 0xca: case 0xcb:	/* WRITE DMA */
		if (d->readonly)
			break;
		if (!rw_setup(ch, d, ext)) {
			d->pos = d->end = 0;
			ide_dma_cmd(ch, d, IDE_XFER_DMA_OUT);
		}
		return;
	case 0x42: ext = 1; /* fall through */
	case 0x40: case 0x41:	/* READ VERIFY SECTOR(S) */
		if (!rw_setup(ch, d, ext))
			ide_cmd_done(ch, d, 0);
		return;
	case 0xc6: {		/* SET MULTIPLE MODE */
		unsigned n = d->nsect[0];
		if (n > IDE_MAX_MULT || (n & (n - 1)))
			break;
		d->mult = n;
		ide_cmd_done(ch, d, 0);
		return;
	}
	case 0xe7: case 0xea:	/* FLUSH CACHE (EXT) */
		if (d->readonly)
			ide_cmd_done(ch, d, 0);
		else
			ide_submit(d, IDE_IO_FLUSH, BLK_FLUSH, NULL, 0, 0);
		return;
	case 0x91:		/* INITIALIZE DEVICE PARAMETERS */
		d->cur_spt = d->nsect[0];
		d->cur_heads = (d->device & 0xf) + 1u;
		ide_cmd_done(ch, d, 0);
		return;
	case 0x70:		/* SEEK */
		ide_cmd_done(ch, d, 0);
		return;
	default:
		if (cmd >= 0x10 && cmd <= 0x1f) {	/* RECALIBRATE */
			ide_cmd_done(ch, d, 0);
			return;
		}
		break;
	}
	ide_cmd_done(ch, d, ATA_ER_ABRT);
}

static void exec_cmd(struct ide_channel *ch, uint8_t cmd)
{
	struct ide_drive *d = sel(ch);

	if (!d->present || (ch->devctl & ATA_DC_SRST))
		return;
	if (d->busy) {		/* BSY: only DEVICE RESET gets through */
		if (d->atapi && cmd == 0x08)
			d->reset_pending = d->reset_pending ? d->reset_pending : 1;
		return;
	}
	/* A new command ends whatever was in progress and clears the pending interrupt. */
	d->xfer = IDE_XFER_NONE;
	d->on_end = IDE_END_NONE;
	d->at.read_left = 0;
	d->cmd = cmd;
	d->intrq = 0;
	update_irq(ch);
	switch (cmd) {		/* both device types */
	case 0x90:
		diagnostic(ch);
		return;
	case 0xef:
		set_features(ch, d);
		return;
	case 0xe5:		/* CHECK POWER MODE: active or idle */
		d->nsect[0] = 0xff;
		ide_cmd_done(ch, d, 0);
		return;
	case 0xe0: case 0xe1: case 0xe2: case 0xe3:	/* STANDBY/IDLE (IMMEDIATE) */
		ide_cmd_done(ch, d, 0);
		return;
	}
	if (d->atapi)
		atapi_cmd(ch, d, cmd);
	else
		ata_cmd(ch, d, cmd);
}

/* --- register file -------------------------------------------------------- */

static uint8_t status_of(struct ide_channel *ch, int clear_irq)
{
	struct ide_drive *d = sel(ch);

	if (!d->present)
		return ch->drive[!ch->cur].present ? 0 : 0xff;
	if (ch->devctl & ATA_DC_SRST)
		return ATA_SR_BSY;
	if (clear_irq && d->intrq) {
		d->intrq = 0;
		update_irq(ch);
	}
	return d->status;
}

static uint8_t tf_read(struct ide_channel *ch, unsigned off)
{
	struct ide_drive *d = sel(ch);
	int hob = (ch->devctl & ATA_DC_HOB) ? 1 : 0;

	if (off == ATA_REG_STATUS)
		return status_of(ch, 1);
	if (!d->present)
		return ch->drive[!ch->cur].present ? 0 : 0xff;
	switch (off) {
	case ATA_REG_ERROR: return d->error;
	case ATA_REG_NSECT: return d->nsect[hob];
	case ATA_REG_LBAL: return d->lbal[hob];
	case ATA_REG_LBAM: return d->lbam[hob];
	case ATA_REG_LBAH: return d->lbah[hob];
	case ATA_REG_DEVICE: return d->device;
	}
	return 0xff;
}

static void push(uint8_t *r, uint8_t v)
{
	r[1] = r[0];
	r[0] = v;
}

static void tf_write(struct ide_channel *ch, unsigned off, uint8_t v)
{
	if (off == ATA_REG_STATUS) {
		exec_cmd(ch, v);
		return;
	}
	/* Writing the command block clears HOB (ATA-6, Device Control register). */
	ch->devctl &= (uint8_t)~ATA_DC_HOB;
	for (int i = 0; i < 2; i++) {
		struct ide_drive *d = &ch->drive[i];
		switch (off) {
		case ATA_REG_ERROR: push(d->feature, v); break;
		case ATA_REG_NSECT: push(d->nsect, v); break;
		case ATA_REG_LBAL: push(d->lbal, v); break;
		case ATA_REG_LBAM: push(d->lbam, v); break;
		case ATA_REG_LBAH: push(d->lbah, v); break;
		case ATA_REG_DEVICE: d->device = v; break;
		}
	}
	if (off == ATA_REG_DEVICE) {
		ch->cur = (v & ATA_DEV_DEV) ? 1 : 0;
		update_irq(ch);
	}
}

static uint64_t cmd_read(void *opaque, uint64_t off, unsigned size)
{
	struct ide_channel *ch = opaque;
	uint64_t v = 0;

	if (off == ATA_REG_DATA)
		return data_read(ch, size > 4 ? 4 : size);
	for (unsigned i = 0; i < size && i < 8; i++)
		v |= (uint64_t)tf_read(ch, (unsigned)(off + i) & 7) << (8 * i);
	return v;
}

static void cmd_write(void *opaque, uint64_t off, unsigned size, uint64_t val)
{
	struct ide_channel *ch = opaque;

	if (off == ATA_REG_DATA) {
		data_write(ch, size > 4 ? 4 : size, (uint32_t)val);
		return;
	}
	for (unsigned i = 0; i < size && i < 8; i++)
		tf_write(ch, (unsigned)(off + i) & 7, (uint8_t)(val >> (8 * i)));
}

static void ctl_write_byte(struct ide_channel *ch, uint8_t v)
{
	uint8_t old = ch->devctl;

	ch->devctl = v;
	if ((v & ATA_DC_SRST) && !(old & ATA_DC_SRST)) {
		for (int i = 0; i < 2; i++) {
			struct ide_drive *d = &ch->drive[i];
			if (d->busy) {
				d->reset_pending = d->reset_pending ? d->reset_pending : 1;
				continue;
			}
			d->xfer = IDE_XFER_NONE;
			d->on_end = IDE_END_NONE;
			d->intrq = 0;
		}
	} else if (!(v & ATA_DC_SRST) && (old & ATA_DC_SRST)) {
		for (int i = 0; i < 2; i++)
			if (ch->drive[i].present && !ch->drive[i].busy)
				drive_reset(&ch->drive[i], 0);
		ch->cur = 0;
	}
	update_irq(ch);
}

static uint64_t ctl_read(void *opaque, uint64_t off, unsigned size)
{
	struct ide_channel *ch = opaque;
	uint64_t v = status_of(ch, 0);
	for (unsigned i = 1; i < size && i < 8; i++)
		v |= 0xffull << (8 * i);
	return v;
}

static void ctl_write(void *opaque, uint64_t off, unsigned size, uint64_t val)
{
	if (off == 0)
		ctl_write_byte(opaque, (uint8_t)val);
}

static void chan_reset(void *opaque)
{
	ide_channel_reset(opaque);
}

const struct io_ops ide_cmd_ops = {
	.name = "ide",
	.read = cmd_read,
	.write = cmd_write,
	.reset = chan_reset,
};

const struct io_ops ide_ctl_ops = {
	.name = "ide-ctl",
	.read = ctl_read,
	.write = ctl_write,
};

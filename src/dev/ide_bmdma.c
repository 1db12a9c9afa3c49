/*
 * PIIX3 bus-master IDE (82371SB datasheet, "Bus Master IDE I/O registers"
 * and the bus master IDE function description): BMICX start/direction,
 * BMISX active/error/interrupt, BMIDTPX, and the PRD format: a dword
 * address (bit 0 ignored), a 16-bit byte count (bit 0 ignored, 0 meaning
 * 64 KiB) and EOT in bit 31 of the second dword.
 *
 * The data phase of a drive's DMA command lives here too: once the drive
 * and the start bit are both ready, the drive's buffer is filled from the
 * image (or from guest memory) one buffer-full at a time, each image
 * request going through the block backend.  A table entry outside RAM, a
 * table crossing its 64 KiB boundary or a table shorter than the transfer
 * ends the command with the error bit, where hardware would hang or master
 * abort.  Not emulated: transfer timing, the PIIX3's 64-byte FIFO, PCI
 * retries.
 */
#include "dev/ide_bmdma.h"
#include "dev/ide.h"
#include "dev/pci.h"

#include <errno.h>
#include <string.h>

void ide_bmdma_init(struct ide_bmdma *bm, const struct guest_mem *mem, struct ide_channel *ch,
		    const uint8_t *pci_cmd)
{
	memset(bm, 0, sizeof(*bm));
	bm->mem = mem;
	bm->ch = ch;
	bm->pci_cmd = pci_cmd;
	if (ch)
		ch->bm = bm;
}

void ide_bmdma_reset(struct ide_bmdma *bm)
{
	bm->cmd = 0;
	bm->status = 0;
	bm->prd = 0;
	bm->idx = bm->off = 0;
	bm->table_done = 0;
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

int ide_bmdma_rw(struct ide_bmdma *bm, void *buf, uint32_t len, int to_mem)
{
	uint8_t *p = buf;

	if (!(bm->cmd & BM_CMD_START))
		return -EPERM;
	if (bm->pci_cmd && !(*bm->pci_cmd & PCI_COMMAND_MASTER))
		return -EPERM;
	while (len) {
		uint8_t e[8];
		uint64_t ent = (uint64_t)bm->prd + 8ull * bm->idx;
		uint32_t addr, count, chunk;

		if (bm->table_done)
			return -ENOSPC;
		/* The descriptor pointer counts only within its 64 KiB page. */
		if ((bm->prd & (BM_PRD_TABLE_SPAN - 1)) + 8ull * (bm->idx + 1) > BM_PRD_TABLE_SPAN)
			return -EFAULT;
		if (gpa_read(bm->mem, ent, e, sizeof(e)))
			return -EFAULT;
		addr = le32(e) & ~1u;
		count = le32(e + 4) & 0xfffe;
		if (!(le32(e + 4) & 0xffff))
			count = 0x10000;
		if (bm->off < count) {
			chunk = count - bm->off;
			if (chunk > len)
				chunk = len;
			uint64_t gpa = (uint64_t)addr + bm->off;
			int r = to_mem ? gpa_write(bm->mem, gpa, p, chunk) : gpa_read(bm->mem, gpa, p, chunk);
			if (r)
				return -EFAULT;
			p += chunk;
			len -= chunk;
			bm->off += chunk;
		}
		if (bm->off >= count) {
			if (le32(e + 4) & BM_PRD_EOT) {
				bm->table_done = 1;
			} else {
				bm->idx++;
				bm->off = 0;
			}
		}
	}
	return 0;
}

void ide_bmdma_done(struct ide_bmdma *bm, int error)
{
	if (error)
		bm->status |= BM_ST_ERR;
	if (error || bm->table_done)
		bm->status &= (uint8_t)~BM_ST_ACTIVE;
	bm->status |= BM_ST_INTR;
}

void ide_bmdma_irq(struct ide_bmdma *bm)
{
	bm->status |= BM_ST_INTR;
}

/* --- the drive side of a DMA command --------------------------------------- */

static void dma_finish(struct ide_channel *ch, struct ide_drive *d, int dma_err, int io_err)
{
	ide_bmdma_done(ch->bm, dma_err);
	if (d->atapi) {
		if (dma_err || io_err) {
			/* ABORTED COMMAND, or MEDIUM ERROR / unrecovered read error */
			d->at.sense_key = dma_err ? 0x0b : 0x03;
			d->at.asc = dma_err ? 0x00 : 0x11;
			d->at.ascq = 0;
			d->at.check = 1;
		}
		atapi_cmd_end(ch, d);
		return;
	}
	ide_cmd_done(ch, d, dma_err ? ATA_ER_ABRT : io_err ? ATA_ER_UNC : 0);
}

/* Move what the buffer holds, then queue the next image request or finish. */
static void dma_step(struct ide_channel *ch, struct ide_drive *d)
{
	struct ide_bmdma *bm = ch->bm;

	if (d->xfer == IDE_XFER_DMA_IN) {
		if (d->pos < d->end) {
			int r = ide_bmdma_rw(bm, d->buf + d->pos, d->end - d->pos, 1);
			d->pos = d->end;
			if (r) {
				dma_finish(ch, d, 1, 0);
				return;
			}
		}
		if (!ide_read_next(d, IDE_IO_DMA_READ))
			dma_finish(ch, d, 0, 0);
		return;
	}
	if (!d->left) {
		dma_finish(ch, d, 0, 0);
		return;
	}
	unsigned n = d->left < IDE_BUF_SIZE / IDE_SECTOR ? (unsigned)d->left : IDE_BUF_SIZE / IDE_SECTOR;
	if (ide_bmdma_rw(bm, d->buf, n * IDE_SECTOR, 0)) {
		dma_finish(ch, d, 1, 0);
		return;
	}
	uint64_t off = d->lba * IDE_SECTOR;
	d->lba += n;
	d->left -= n;
	ide_submit(d, IDE_IO_DMA_WRITE, BLK_WRITE, d->buf, off, (uint64_t)n * IDE_SECTOR);
}

void ide_dma_io_done(struct ide_channel *ch, struct ide_drive *d, int err)
{
	if (err) {
		dma_finish(ch, d, 0, 1);
		return;
	}
	if (d->io == IDE_IO_DMA_READ) {
		d->pos = 0;
		d->end = (unsigned)d->io_len;
	}
	d->status = ATA_SR_DRDY | ATA_SR_DRQ;
	dma_step(ch, d);
}

void ide_dma_start(struct ide_channel *ch)
{
	struct ide_drive *d = &ch->drive[ch->cur];
	if (d->present && !d->busy && (d->xfer == IDE_XFER_DMA_IN || d->xfer == IDE_XFER_DMA_OUT))
		dma_step(ch, d);
}

void ide_dma_cmd(struct ide_channel *ch, struct ide_drive *d, enum ide_xfer dir)
{
	if (!ch->bm) {
		if (d->atapi) {
			d->at.sense_key = 0x0b;
			d->at.asc = d->at.ascq = 0;
			d->at.check = 1;
			atapi_cmd_end(ch, d);
		} else {
			ide_cmd_done(ch, d, ATA_ER_ABRT);
		}
		return;
	}
	d->xfer = dir;
	d->status = ATA_SR_DRDY | ATA_SR_DRQ;
	if (ch->bm->cmd & BM_CMD_START)
		dma_step(ch, d);
}

static uint64_t bm_read(void *opaque, uint64_t off, unsigned size)
{
	struct ide_bmdma *bm = opaque;
	uint64_t v = 0;

	for (unsigned i = 0; i < size && i < 8; i++) {
		uint64_t o = off + i;
		uint8_t b;
		switch (o) {
		case BM_REG_CMD: b = bm->cmd; break;
		case BM_REG_STATUS: b = bm->status; break;
		case 4: case 5: case 6: case 7: b = (uint8_t)(bm->prd >> (8 * (o - 4))); break;
		default: b = 0; break;
		}
		v |= (uint64_t)b << (8 * i);
	}
	return v;
}

static void bm_write_cmd(struct ide_bmdma *bm, uint8_t v)
{
	uint8_t old = bm->cmd;

	bm->cmd = v & (BM_CMD_START | BM_CMD_WRITE);
	if (!(v & BM_CMD_START)) {
		bm->status &= (uint8_t)~BM_ST_ACTIVE;
		return;
	}
	if (old & BM_CMD_START)
		return;
	bm->status |= BM_ST_ACTIVE;
	bm->status &= (uint8_t)~BM_ST_ERR;
	bm->idx = bm->off = 0;
	bm->table_done = 0;
	if (bm->ch)
		ide_dma_start(bm->ch);
}

static void bm_write(void *opaque, uint64_t off, unsigned size, uint64_t val)
{
	struct ide_bmdma *bm = opaque;

	for (unsigned i = 0; i < size && i < 8; i++) {
		uint64_t o = off + i;
		uint8_t b = (uint8_t)(val >> (8 * i));
		switch (o) {
		case BM_REG_CMD:
			bm_write_cmd(bm, b);
			break;
		case BM_REG_STATUS:
			bm->status = (uint8_t)((bm->status & ~(BM_ST_DMA0 | BM_ST_DMA1)) |
					       (b & (BM_ST_DMA0 | BM_ST_DMA1)));
			bm->status &= (uint8_t)~(b & (BM_ST_ERR | BM_ST_INTR));
			break;
		case 4: case 5: case 6: case 7: {
			unsigned sh = 8 * (unsigned)(o - 4);
			bm->prd = (bm->prd & ~(0xffu << sh)) | (uint32_t)b << sh;
			bm->prd &= ~3u;
			break;
		}
		default:
			break;
		}
	}
}

static void bm_reset(void *opaque)
{
	ide_bmdma_reset(opaque);
}

const struct io_ops ide_bmdma_ops = {
	.name = "ide-bmdma",
	.read = bm_read,
	.write = bm_write,
	.reset = bm_reset,
};

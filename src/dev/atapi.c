/*
 * ATAPI CD-ROM: the PACKET command protocol of ATA/ATAPI-6 (command packet,
 * byte-count-limited DRQ chunks with the interrupt reason in the sector
 * count register, DMA) and the MMC-2/SPC
 * commands a PC operating system and firmware use: TEST UNIT READY,
 * REQUEST SENSE, INQUIRY, READ CAPACITY, READ(10/12), SEEK(10), MODE
 * SENSE(10) (capabilities page 2Ah), READ TOC (formats 0 and 1, LBA and
 * MSF), GET CONFIGURATION, GET EVENT STATUS NOTIFICATION (polled, media
 * class), START STOP UNIT, PREVENT ALLOW MEDIUM REMOVAL, MECHANISM STATUS,
 * SET CD SPEED.
 *
 * The medium is one data track of 2048-byte blocks that is always present.
 * Not emulated: eject and media change, audio, READ CD / subchannels,
 * writing, overlapped commands, DMADIR, unit attention after reset.
 */
#include "dev/ide.h"
#include "dev/ide_bmdma.h"
#include "host/blk.h"

#include <errno.h>
#include <string.h>

#define SK_NO_SENSE		0x00
#define SK_MEDIUM_ERROR		0x03
#define SK_ILLEGAL_REQUEST	0x05
#define ASC_INVALID_OPCODE	0x20
#define ASC_LBA_OUT_OF_RANGE	0x21
#define ASC_INVALID_FIELD	0x24
#define ASC_SAVING_UNSUPPORTED	0x39

#define PROFILE_CDROM		0x0008

static void put16be(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32be(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static unsigned get16be(const uint8_t *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

static uint32_t get32be(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

void atapi_signature(struct ide_drive *d)
{
	d->nsect[0] = 1;
	d->lbal[0] = 1;
	d->lbam[0] = 0x14;
	d->lbah[0] = 0xeb;
}

void atapi_identify(const struct ide_drive *d, uint16_t *id)
{
	unsigned mode = d->xfer_mode;

	memset(id, 0, 512);
	/* ATAPI, CD-ROM, removable, DRQ within 50 us, 12-byte packets. */
	id[0] = 0x8000 | 0x0500 | 0x0080 | 0x0040;
	ide_id_string(id + 10, d->serial, 10);
	ide_id_string(id + 23, "1.0", 4);
	ide_id_string(id + 27, d->model, 20);
	id[49] = 0x0300;			/* LBA, DMA */
	id[53] = 0x0007;
	id[63] = 0x0007 | ((mode >> 3) == 4 ? 0x100 << (mode & 7) : 0);
	id[64] = 0x0003;
	id[65] = id[66] = id[67] = id[68] = 120;
	id[80] = 0x007e;
	id[82] = 0x4000 | 0x0010;		/* PACKET feature set */
	id[83] = 0x4000;
	id[84] = 0x4000;
	id[85] = 0x0010;
	id[87] = 0x4000;
	id[88] = 0x003f | ((mode >> 3) == 8 ? 0x100 << (mode & 7) : 0);
	id[93] = 0x4000 | 0x2000 | 0x0001;
	ide_id_checksum(id);
}

static int fail(struct ide_drive *d, uint8_t key, uint8_t asc)
{
	d->at.sense_key = key;
	d->at.asc = asc;
	d->at.ascq = 0;
	return -1;
}

/* Data of `n` bytes, cut to the allocation length the host gave. */
static int data(unsigned n, unsigned alloc, unsigned *len)
{
	*len = n < alloc ? n : alloc;
	return 0;
}

static void lba_to_msf(uint8_t *p, uint64_t lba)
{
	uint64_t f = lba + 150;		/* the 2-second pregap */
	p[0] = 0;
	p[1] = (uint8_t)(f / (75 * 60));
	p[2] = (uint8_t)(f / 75 % 60);
	p[3] = (uint8_t)(f % 75);
}

static void toc_addr(uint8_t *p, uint64_t lba, int msf)
{
	if (msf)
		lba_to_msf(p, lba);
	else
		put32be(p, (uint32_t)lba);
}

static int read_toc(struct ide_drive *d, const uint8_t *cdb, unsigned *len)
{
	uint8_t *b = d->buf;
	int msf = cdb[1] & 2;
	unsigned fmt = cdb[2] & 0xf, track = cdb[6], n = 4;

	if (!fmt)
		fmt = cdb[9] >> 6;	/* the older place for the format */
	memset(b, 0, 32);
	switch (fmt) {
	case 0:
		if (track > 1 && track != 0xaa)
			return fail(d, SK_ILLEGAL_REQUEST, ASC_INVALID_FIELD);
		if (track <= 1) {
			b[n + 1] = 0x14;	/* ADR 1, data track */
			b[n + 2] = 1;
			toc_addr(b + n + 4, 0, msf);
			n += 8;
		}
		b[n + 1] = 0x14;
		b[n + 2] = 0xaa;	/* lead-out */
		toc_addr(b + n + 4, d->nsectors, msf);
		n += 8;
		break;
	case 1:		/* session info: one session starting at track 1 */
		b[n + 1] = 0x14;
		b[n + 2] = 1;
		toc_addr(b + n + 4, 0, msf);
		n += 8;
		break;
	default:
		return fail(d, SK_ILLEGAL_REQUEST, ASC_INVALID_FIELD);
	}
	put16be(b, n - 2);
	b[2] = 1;
	b[3] = 1;
	return data(n, get16be(cdb + 7), len);
}

static int mode_sense10(struct ide_drive *d, const uint8_t *cdb, unsigned *len)
{
	uint8_t *b = d->buf, *p = b + 8;
	unsigned pc = cdb[2] >> 6, page = cdb[2] & 0x3f;

	if (pc == 3)
		return fail(d, SK_ILLEGAL_REQUEST, ASC_SAVING_UNSUPPORTED);
	if (page != 0x2a && page != 0x3f)
		return fail(d, SK_ILLEGAL_REQUEST, ASC_INVALID_FIELD);
	memset(b, 0, 28);
	put16be(b, 28 - 2);
	b[2] = 0x01;		/* medium type: 120 mm data disc */
	/* MM capabilities and mechanical status page. */
	p[0] = 0x2a;
	p[1] = 0x12;
	if (pc != 1) {		/* changeable values are all zero */
		p[4] = 0x70;	/* mode 2 form 1/2, multisession */
		p[6] = (uint8_t)(0x20 | 0x08 | 0x01 | (d->at.locked ? 0x02 : 0));	/* tray, eject, lock */
		put16be(p + 8, 706);	/* 4x, kB/s */
		put16be(p + 12, 512);	/* buffer, KiB */
		put16be(p + 14, 706);
	}
	return data(28, get16be(cdb + 7), len);
}

/* Append a feature descriptor when its code is wanted; returns the new length. */
static unsigned feature(uint8_t *b, unsigned n, unsigned code, const uint8_t *body, unsigned blen,
			unsigned rt, unsigned start)
{
	if (code < start || (rt == 2 && code != start))
		return n;
	put16be(b + n, code);
	b[n + 2] = 0x03;	/* persistent, current */
	b[n + 3] = (uint8_t)blen;
	memcpy(b + n + 4, body, blen);
	return n + 4 + blen;
}

static int get_configuration(struct ide_drive *d, const uint8_t *cdb, unsigned *len)
{
	static const uint8_t profiles[] = { 0x00, 0x08, 0x01, 0x00 };
	static const uint8_t core[] = { 0, 0, 0, 2, 0x01, 0, 0, 0 };	/* ATAPI, DBE */
	static const uint8_t removable[] = { 0x29, 0, 0, 0 };		/* tray, eject, lock */
	static const uint8_t random_read[] = { 0, 0, 0x08, 0x00, 0, 1, 0, 0 };	/* 2048, blocking 1 */
	static const uint8_t cd_read[] = { 0, 0, 0, 0 };
	unsigned rt = cdb[1] & 3, start = get16be(cdb + 2), n = 8;
	uint8_t *b = d->buf;

	if (rt == 3)
		return fail(d, SK_ILLEGAL_REQUEST, ASC_INVALID_FIELD);
	memset(b, 0, 8);
	n = feature(b, n, 0x0000, profiles, sizeof(profiles), rt, start);
	n = feature(b, n, 0x0001, core, sizeof(core), rt, start);
	n = feature(b, n, 0x0003, removable, sizeof(removable), rt, start);
	n = feature(b, n, 0x0010, random_read, sizeof(random_read), rt, start);
	n = feature(b, n, 0x001e, cd_read, sizeof(cd_read), rt, start);
	put32be(b, n - 4);
	put16be(b + 6, PROFILE_CDROM);
	return data(n, get16be(cdb + 7), len);
}

static int event_status(struct ide_drive *d, const uint8_t *cdb, unsigned *len)
{
	uint8_t *b = d->buf;

	if (!(cdb[1] & 1))	/* asynchronous notification is not supported */
		return fail(d, SK_ILLEGAL_REQUEST, ASC_INVALID_FIELD);
	memset(b, 0, 8);
	b[3] = 0x10;		/* supported: media class */
	if (cdb[4] & 0x10) {
		put16be(b, 6);
		b[2] = 0x04;	/* media class, no change */
		b[5] = 0x02;	/* media present, door closed */
		return data(8, get16be(cdb + 7), len);
	}
	put16be(b, 2);
	b[2] = 0x80;		/* no event available */
	return data(4, get16be(cdb + 7), len);
}

static int inquiry(struct ide_drive *d, const uint8_t *cdb, unsigned *len)
{
	uint8_t *b = d->buf;

	if (cdb[1] & 1)		/* no vital product data pages */
		return fail(d, SK_ILLEGAL_REQUEST, ASC_INVALID_FIELD);
	memset(b, 0, 36);
	b[0] = 0x05;		/* CD/DVD device */
	b[1] = 0x80;		/* removable */
	b[2] = 0x05;		/* SPC-3 */
	b[3] = 0x02;		/* response data format */
	b[4] = 36 - 5;
	memcpy(b + 8, "HVM     ", 8);
	memcpy(b + 16, "HVM DVD-ROM     ", 16);
	memcpy(b + 32, "1.0 ", 4);
	return data(36, get16be(cdb + 3), len);
}

static int read_blocks(struct ide_drive *d, uint64_t lba, uint64_t n)
{
	if (lba > d->nsectors || n > d->nsectors - lba)
		return fail(d, SK_ILLEGAL_REQUEST, ASC_LBA_OUT_OF_RANGE);
	d->at.read_lba = lba;
	d->at.read_left = n;
	return 0;
}

int atapi_scsi(struct ide_drive *d, const uint8_t *cdb, unsigned *len)
{
	uint8_t *b = d->buf;

	*len = 0;
	d->at.read_left = 0;
	if (cdb[0] == 0x03) {	/* REQUEST SENSE reports the last sense, then clears it */
		memset(b, 0, 18);
		b[0] = 0x70;
		b[2] = d->at.sense_key;
		b[7] = 10;
		b[12] = d->at.asc;
		b[13] = d->at.ascq;
		d->at.sense_key = d->at.asc = d->at.ascq = 0;
		return data(18, cdb[4], len);
	}
	d->at.sense_key = d->at.asc = d->at.ascq = SK_NO_SENSE;
	switch (cdb[0]) {
	case 0x00:	/* TEST UNIT READY */
	case 0x1b:	/* START STOP UNIT: the tray never opens */
	case 0xbb:	/* SET CD SPEED */
		return 0;
	case 0x1e:	/* PREVENT ALLOW MEDIUM REMOVAL */
		d->at.locked = cdb[4] & 1;
		return 0;
	case 0x12:
		return inquiry(d, cdb, len);
	case 0x25: {	/* READ CAPACITY */
		uint64_t last = d->nsectors ? d->nsectors - 1 : 0;
		put32be(b, last > 0xffffffffu ? 0xffffffffu : (uint32_t)last);
		put32be(b + 4, ATAPI_BLOCK);
		*len = 8;
		return 0;
	}
	case 0x28:	/* READ(10) */
		return read_blocks(d, get32be(cdb + 2), get16be(cdb + 7));
	case 0xa8:	/* READ(12) */
		return read_blocks(d, get32be(cdb + 2), get32be(cdb + 6));
	case 0x2b:	/* SEEK(10) */
		if (get32be(cdb + 2) >= d->nsectors)
			return fail(d, SK_ILLEGAL_REQUEST, ASC_LBA_OUT_OF_RANGE);
		return 0;
	case 0x43:
		return read_toc(d, cdb, len);
	case 0x5a:
		return mode_sense10(d, cdb, len);
	case 0x46:
		return get_configuration(d, cdb, len);
	case 0x4a:
		return event_status(d, cdb, len);
	case 0xbd:	/* MECHANISM STATUS: no changer, idle, door closed */
		memset(b, 0, 8);
		return data(8, get16be(cdb + 8), len);
	default:
		return fail(d, SK_ILLEGAL_REQUEST, ASC_INVALID_OPCODE);
	}
}

/* --- the PACKET protocol ------------------------------------------------- */

void atapi_packet_cmd(struct ide_channel *ch, struct ide_drive *d)
{
	d->at.dma = d->feature[0] & 1;
	d->at.bcl = d->lbam[0] | d->lbah[0] << 8;
	d->at.check = 0;
	d->at.read_left = 0;
	d->nsect[0] = ATAPI_IR_COD;
	d->pos = 0;
	ide_pio_block(ch, d, 12, IDE_XFER_PIO_OUT, IDE_END_PACKET, 0);
}

void atapi_cmd_end(struct ide_channel *ch, struct ide_drive *d)
{
	uint8_t err = 0;

	d->nsect[0] = ATAPI_IR_IO | ATAPI_IR_COD;
	d->at.read_left = 0;
	if (d->at.check) {
		err = (uint8_t)(d->at.sense_key << 4);
		if (!err)
			err = ATA_ER_ABRT;
	}
	ide_cmd_done(ch, d, err);
}

/* Present the next byte-count-limited chunk, or end the command. */
static void next_chunk(struct ide_channel *ch, struct ide_drive *d)
{
	unsigned avail, lim, chunk;

	if (d->pos >= d->end) {
		if (!ide_read_next(d, IDE_IO_ATAPI_PIO))
			atapi_cmd_end(ch, d);
		return;
	}
	avail = d->end - d->pos;
	/* 0 and FFFFh are not valid limits; an odd limit is rounded down unless it ends the data. */
	lim = d->at.bcl;
	if (!lim || lim > 0xfffe)
		lim = 0xfffe;
	chunk = avail < lim ? avail : lim;
	if (chunk < avail && (chunk & 1))
		chunk--;
	if (!chunk)
		chunk = avail < 2 ? avail : 2;
	d->lbam[0] = (uint8_t)chunk;
	d->lbah[0] = (uint8_t)(chunk >> 8);
	d->nsect[0] = ATAPI_IR_IO;
	ide_pio_block(ch, d, chunk, IDE_XFER_PIO_IN, IDE_END_ATAPI_DATA, 1);
}

void atapi_data_end(struct ide_channel *ch, struct ide_drive *d)
{
	next_chunk(ch, d);
}

void atapi_read_done(struct ide_channel *ch, struct ide_drive *d, int err)
{
	if (err) {
		fail(d, SK_MEDIUM_ERROR, 0x11);	/* unrecovered read error */
		d->at.check = 1;
		atapi_cmd_end(ch, d);
		return;
	}
	d->pos = 0;
	d->end = (unsigned)d->io_len;
	next_chunk(ch, d);
}

void atapi_packet_exec(struct ide_channel *ch, struct ide_drive *d)
{
	uint8_t cdb[12];
	unsigned len = 0;

	memcpy(cdb, d->buf, sizeof(cdb));
	if (atapi_scsi(d, cdb, &len)) {
		d->at.check = 1;
		atapi_cmd_end(ch, d);
		return;
	}
	d->pos = 0;
	d->end = len;
	if (!len && !d->at.read_left) {
		atapi_cmd_end(ch, d);
		return;
	}
	if (d->at.dma) {
		ide_dma_cmd(ch, d, IDE_XFER_DMA_IN);
		return;
	}
	next_chunk(ch, d);
}

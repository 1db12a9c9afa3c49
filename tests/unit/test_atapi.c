/*
 * ATAPI CD-ROM through the PACKET protocol as a host driver runs it: the
 * signature, IDENTIFY PACKET DEVICE, byte-count-limited PIO chunks with the
 * interrupt reason, sense data, and DMA through the bus master.
 */
#include "test.h"
#include "fake/fake.h"
#include "core/mem.h"
#include "dev/ide.h"
#include "dev/ide_bmdma.h"
#include "host/blk.h"

#include <unistd.h>

#define IRQ 15
#define BLOCKS 100

struct rig {
	struct fake_irq irq;
	struct ide_channel ch;
	struct ide_bmdma bm;
	struct guest_mem mem;
	struct blk *blk;
	char path[64];
	uint8_t data[256 * 1024];
	unsigned chunks, last_chunk, odd_chunks;
};

static uint8_t pat(uint64_t off)
{
	return (uint8_t)(off * 13 + (off >> 11) * 5 + 1);
}

static int rig_init(struct rig *r)
{
	static uint8_t img[BLOCKS * ATAPI_BLOCK];
	char err[128];
	int fd;

	memset(r, 0, sizeof(*r));
	for (size_t i = 0; i < sizeof(img); i++)
		img[i] = pat(i);
	snprintf(r->path, sizeof(r->path), "/tmp/hvm-test-atapi-XXXXXX");
	fd = mkstemp(r->path);
	if (fd < 0 || write(fd, img, sizeof(img)) != (ssize_t)sizeof(img))
		return -1;
	close(fd);
	if (mem_init(&r->mem, 16 << 20))
		return -1;
	fake_irq_init(&r->irq);
	if (blk_open(&r->blk, r->path, 1, err, sizeof(err)))
		return -1;
	ide_channel_init(&r->ch, "cd", &r->irq.line[IRQ]);
	ide_bmdma_init(&r->bm, &r->mem, &r->ch, NULL);
	return ide_attach(&r->ch, 0, r->blk, 1, "CD-1");
}

static void rig_free(struct rig *r)
{
	ide_channel_free(&r->ch);
	blk_close(r->blk);
	mem_destroy(&r->mem);
	unlink(r->path);
}

static uint8_t inb(struct rig *r, unsigned reg)
{
	return (uint8_t)ide_cmd_ops.read(&r->ch, reg, 1);
}

static void outb(struct rig *r, unsigned reg, uint8_t v)
{
	ide_cmd_ops.write(&r->ch, reg, 1, v);
}

/*
 * Run one packet command by PIO with byte count limit bcl; the data lands
 * in r->data.  Returns the bytes received, or -1 if the protocol went wrong.
 * The final status is left in *status.
 */
static int packet(struct rig *r, const uint8_t *cdb, unsigned bcl, uint8_t *status)
{
	unsigned total = 0, guard = 0;

	r->chunks = r->odd_chunks = 0;
	outb(r, ATA_REG_DEVICE, 0xa0);
	outb(r, ATA_REG_ERROR, 0);			/* PIO */
	outb(r, ATA_REG_LBAM, (uint8_t)bcl);
	outb(r, ATA_REG_LBAH, (uint8_t)(bcl >> 8));
	outb(r, ATA_REG_STATUS, 0xa0);
	if ((inb(r, ATA_REG_STATUS) & (ATA_SR_DRQ | ATA_SR_BSY)) != ATA_SR_DRQ)
		return -1;
	if ((inb(r, ATA_REG_NSECT) & 3) != ATAPI_IR_COD)
		return -1;
	for (int i = 0; i < 12; i += 2)
		ide_cmd_ops.write(&r->ch, ATA_REG_DATA, 2, cdb[i] | cdb[i + 1] << 8);
	for (;;) {
		uint8_t st;
		if (++guard > 100000)
			return -1;
		if (!r->irq.level[IRQ])
			return -1;			/* every phase change interrupts */
		st = inb(r, ATA_REG_STATUS);
		if (!(st & ATA_SR_DRQ)) {
			*status = st;
			if ((inb(r, ATA_REG_NSECT) & 3) != (ATAPI_IR_IO | ATAPI_IR_COD))
				return -1;
			return (int)total;
		}
		if ((inb(r, ATA_REG_NSECT) & 3) != ATAPI_IR_IO)
			return -1;
		unsigned n = inb(r, ATA_REG_LBAM) | inb(r, ATA_REG_LBAH) << 8;
		if (!n || total + n > sizeof(r->data))
			return -1;
		r->chunks++;
		r->last_chunk = n;
		if (n & 1)
			r->odd_chunks++;
		for (unsigned i = 0; i < n; i += 2) {
			uint16_t w = (uint16_t)ide_cmd_ops.read(&r->ch, ATA_REG_DATA, 2);
			r->data[total + i] = (uint8_t)w;
			if (i + 1 < n)
				r->data[total + i + 1] = (uint8_t)(w >> 8);
		}
		total += n;
	}
}

static void cdb_read10(uint8_t *c, uint32_t lba, uint16_t n)
{
	memset(c, 0, 12);
	c[0] = 0x28;
	c[2] = (uint8_t)(lba >> 24); c[3] = (uint8_t)(lba >> 16);
	c[4] = (uint8_t)(lba >> 8); c[5] = (uint8_t)lba;
	c[7] = (uint8_t)(n >> 8); c[8] = (uint8_t)n;
}

static int data_matches(const struct rig *r, uint32_t lba, unsigned len)
{
	for (unsigned i = 0; i < len; i++)
		if (r->data[i] != pat((uint64_t)lba * ATAPI_BLOCK + i))
			return 0;
	return 1;
}

TEST(signature_and_identify)
{
	struct rig r;
	uint16_t id[256];

	CHECK(!rig_init(&r));
	CHECK_EQ(inb(&r, ATA_REG_LBAM), 0x14);
	CHECK_EQ(inb(&r, ATA_REG_LBAH), 0xeb);
	CHECK_EQ(inb(&r, ATA_REG_STATUS) & ATA_SR_DRDY, 0);
	outb(&r, ATA_REG_LBAM, 0);
	outb(&r, ATA_REG_LBAH, 0);
	ide_ctl_ops.write(&r.ch, 0, 1, ATA_DC_SRST);
	ide_ctl_ops.write(&r.ch, 0, 1, 0);
	CHECK_EQ(inb(&r, ATA_REG_LBAM), 0x14);
	CHECK_EQ(inb(&r, ATA_REG_LBAH), 0xeb);
	CHECK_EQ(inb(&r, ATA_REG_NSECT), 1);
	CHECK_EQ(inb(&r, ATA_REG_LBAL), 1);
	/* IDENTIFY DEVICE is aborted with the signature in place. */
	outb(&r, ATA_REG_LBAM, 0);
	outb(&r, ATA_REG_STATUS, 0xec);
	CHECK_EQ(inb(&r, ATA_REG_STATUS) & ATA_SR_ERR, ATA_SR_ERR);
	CHECK_EQ(inb(&r, ATA_REG_ERROR), ATA_ER_ABRT);
	CHECK_EQ(inb(&r, ATA_REG_LBAM), 0x14);
	outb(&r, ATA_REG_STATUS, 0xa1);
	CHECK_EQ(inb(&r, ATA_REG_STATUS) & ATA_SR_DRQ, ATA_SR_DRQ);
	for (int i = 0; i < 256; i++)
		id[i] = (uint16_t)ide_cmd_ops.read(&r.ch, ATA_REG_DATA, 2);
	CHECK_EQ(id[0] >> 14, 2);			/* ATAPI */
	CHECK_EQ((id[0] >> 8) & 0x1f, 5);		/* CD-ROM */
	CHECK_EQ(id[0] & 3, 0);				/* 12-byte packets */
	CHECK(id[49] & 0x0100);				/* DMA */
	/* READ SECTORS is not an ATAPI command. */
	outb(&r, ATA_REG_STATUS, 0x20);
	CHECK_EQ(inb(&r, ATA_REG_ERROR), ATA_ER_ABRT);
	rig_free(&r);
}

TEST(inquiry_and_capacity)
{
	struct rig r;
	uint8_t c[12] = { 0x12, 0, 0, 0, 96 }, st;

	CHECK(!rig_init(&r));
	CHECK_EQ(packet(&r, c, 0x2000, &st), 36);
	CHECK_EQ(st & ATA_SR_ERR, 0);
	CHECK_EQ(r.data[0] & 0x1f, 5);
	CHECK_EQ(r.data[1], 0x80);
	CHECK(!memcmp(r.data + 8, "HVM     ", 8));
	c[4] = 5;					/* allocation length cuts the data */
	CHECK_EQ(packet(&r, c, 0x2000, &st), 5);
	c[4] = 0;
	CHECK_EQ(packet(&r, c, 0x2000, &st), 0);
	CHECK_EQ(st & ATA_SR_ERR, 0);
	memset(c, 0, sizeof(c));
	c[0] = 0x25;
	CHECK_EQ(packet(&r, c, 0x2000, &st), 8);
	CHECK_EQ(r.data[0] << 24 | r.data[1] << 16 | r.data[2] << 8 | r.data[3], BLOCKS - 1);
	CHECK_EQ(r.data[4] << 24 | r.data[5] << 16 | r.data[6] << 8 | r.data[7], 2048);
	memset(c, 0, sizeof(c));			/* TEST UNIT READY */
	CHECK_EQ(packet(&r, c, 0, &st), 0);
	CHECK_EQ(st & ATA_SR_ERR, 0);
	rig_free(&r);
}

TEST(read10_and_read12_data)
{
	struct rig r;
	uint8_t c[12], st;

	CHECK(!rig_init(&r));
	cdb_read10(c, 3, 2);
	CHECK_EQ(packet(&r, c, 0x8000, &st), 2 * 2048);
	CHECK_EQ(st & ATA_SR_ERR, 0);
	CHECK(data_matches(&r, 3, 2 * 2048));
	memset(c, 0, sizeof(c));
	c[0] = 0xa8;
	c[5] = 97;
	c[9] = 3;
	CHECK_EQ(packet(&r, c, 0x8000, &st), 3 * 2048);
	CHECK(data_matches(&r, 97, 3 * 2048));
	rig_free(&r);
}

TEST(read_toc_lba_and_msf)
{
	struct rig r;
	uint8_t c[12] = { 0x43, 0, 0, 0, 0, 0, 0, 0, 100 }, st;

	CHECK(!rig_init(&r));
	CHECK_EQ(packet(&r, c, 0x2000, &st), 20);
	CHECK_EQ(r.data[0] << 8 | r.data[1], 18);
	CHECK_EQ(r.data[2], 1);
	CHECK_EQ(r.data[3], 1);
	CHECK_EQ(r.data[6], 1);				/* track 1 */
	CHECK_EQ(r.data[14], 0xaa);			/* lead-out */
	CHECK_EQ(r.data[16] << 24 | r.data[17] << 16 | r.data[18] << 8 | r.data[19], BLOCKS);
	c[1] = 2;					/* MSF: lead-out at 100 + 150 frames = 00:03:25 */
	CHECK_EQ(packet(&r, c, 0x2000, &st), 20);
	CHECK_EQ(r.data[17], 0);
	CHECK_EQ(r.data[18], 3);
	CHECK_EQ(r.data[19], 25);
	CHECK_EQ(r.data[11], 2 * 75 % 75);		/* track 1 at 00:02:00 */
	CHECK_EQ(r.data[10], 2);
	c[1] = 0;
	c[2] = 1;					/* format 1: sessions */
	CHECK_EQ(packet(&r, c, 0x2000, &st), 12);
	CHECK_EQ(r.data[0] << 8 | r.data[1], 10);
	c[2] = 0;
	c[6] = 5;					/* no track 5 */
	CHECK_EQ(packet(&r, c, 0x2000, &st), 0);
	CHECK_EQ(st & ATA_SR_ERR, ATA_SR_ERR);
	rig_free(&r);
}

TEST(bad_lba_sets_sense)
{
	struct rig r;
	uint8_t c[12], st, sense[12] = { 0x03, 0, 0, 0, 18 };

	CHECK(!rig_init(&r));
	cdb_read10(c, BLOCKS, 1);
	CHECK_EQ(packet(&r, c, 0x8000, &st), 0);
	CHECK_EQ(st & ATA_SR_ERR, ATA_SR_ERR);
	CHECK_EQ(inb(&r, ATA_REG_ERROR) >> 4, 5);	/* ILLEGAL REQUEST */
	CHECK_EQ(packet(&r, sense, 0x100, &st), 18);
	CHECK_EQ(st & ATA_SR_ERR, 0);
	CHECK_EQ(r.data[0], 0x70);
	CHECK_EQ(r.data[2] & 0xf, 5);
	CHECK_EQ(r.data[12], 0x21);			/* LBA out of range */
	CHECK_EQ(packet(&r, sense, 0x100, &st), 18);	/* sense is cleared once reported */
	CHECK_EQ(r.data[2] & 0xf, 0);
	cdb_read10(c, BLOCKS - 1, 2);			/* runs off the end */
	packet(&r, c, 0x8000, &st);
	CHECK_EQ(st & ATA_SR_ERR, ATA_SR_ERR);
	cdb_read10(c, 0xffffffffu, 0xffff);
	packet(&r, c, 0x8000, &st);
	CHECK_EQ(st & ATA_SR_ERR, ATA_SR_ERR);
	memset(c, 0, sizeof(c));
	c[0] = 0xff;					/* unknown opcode */
	packet(&r, c, 0x8000, &st);
	CHECK_EQ(st & ATA_SR_ERR, ATA_SR_ERR);
	CHECK_EQ(packet(&r, sense, 0x100, &st), 18);
	CHECK_EQ(r.data[12], 0x20);
	rig_free(&r);
}

TEST(byte_count_limit_hostile_values)
{
	struct rig r;
	uint8_t c[12], st;

	CHECK(!rig_init(&r));
	cdb_read10(c, 10, 40);				/* 80 KiB */
	CHECK_EQ(packet(&r, c, 0, &st), 40 * 2048);	/* 0: treated as the largest limit */
	CHECK(data_matches(&r, 10, 40 * 2048));
	CHECK(r.chunks >= 2);
	CHECK_EQ(r.odd_chunks, 0);
	CHECK_EQ(packet(&r, c, 0xffff, &st), 40 * 2048);	/* huge and odd */
	CHECK_EQ(r.odd_chunks, 0);
	CHECK(data_matches(&r, 10, 40 * 2048));
	cdb_read10(c, 1, 2);
	CHECK_EQ(packet(&r, c, 2047, &st), 2 * 2048);	/* odd: rounded down to 2046 */
	CHECK_EQ(r.odd_chunks, 0);
	CHECK_EQ(r.chunks, 3);
	CHECK(data_matches(&r, 1, 2 * 2048));
	cdb_read10(c, 7, 1);
	CHECK_EQ(packet(&r, c, 1, &st), 2048);		/* 1: two bytes at a time, never stuck */
	CHECK_EQ(r.chunks, 1024);
	CHECK(data_matches(&r, 7, 2048));
	/* An odd allocation length with a small limit: the last chunk carries the odd byte. */
	uint8_t inq[12] = { 0x12, 0, 0, 0, 35 };
	CHECK_EQ(packet(&r, inq, 16, &st), 35);
	CHECK_EQ(r.last_chunk, 3);
	rig_free(&r);
}

TEST(mode_sense_config_events)
{
	struct rig r;
	uint8_t ms[12] = { 0x5a, 0, 0x2a, 0, 0, 0, 0, 0, 64 }, st;
	uint8_t gc[12] = { 0x46, 0, 0, 0, 0, 0, 0, 0, 255 };
	uint8_t ev[12] = { 0x4a, 1, 0, 0, 0x10, 0, 0, 0, 8 };
	uint8_t mech[12] = { 0xbd, 0, 0, 0, 0, 0, 0, 0, 0, 8 };
	uint8_t ssu[12] = { 0x1b, 0, 0, 0, 1 }, pa[12] = { 0x1e, 0, 0, 0, 1 };

	CHECK(!rig_init(&r));
	CHECK_EQ(packet(&r, ms, 0x1000, &st), 28);
	CHECK_EQ(r.data[8] & 0x3f, 0x2a);
	ms[2] = 0x05;					/* unsupported page */
	packet(&r, ms, 0x1000, &st);
	CHECK_EQ(st & ATA_SR_ERR, ATA_SR_ERR);
	CHECK(packet(&r, gc, 0x1000, &st) > 8);
	CHECK_EQ(r.data[6] << 8 | r.data[7], 0x0008);	/* current profile: CD-ROM */
	CHECK_EQ(r.data[8] << 8 | r.data[9], 0x0000);	/* profile list first */
	gc[1] = 2;					/* one feature: random readable */
	gc[3] = 0x10;
	CHECK_EQ(packet(&r, gc, 0x1000, &st), 8 + 12);
	CHECK_EQ(r.data[9], 0x10);
	CHECK_EQ(packet(&r, ev, 0x1000, &st), 8);
	CHECK_EQ(r.data[2] & 7, 4);			/* media class */
	CHECK_EQ(r.data[5] & 2, 2);			/* media present */
	ev[1] = 0;					/* asynchronous: refused */
	packet(&r, ev, 0x1000, &st);
	CHECK_EQ(st & ATA_SR_ERR, ATA_SR_ERR);
	CHECK_EQ(packet(&r, mech, 0x1000, &st), 8);
	CHECK_EQ(packet(&r, ssu, 0x1000, &st), 0);
	CHECK_EQ(st & ATA_SR_ERR, 0);
	CHECK_EQ(packet(&r, pa, 0x1000, &st), 0);
	ms[2] = 0x2a;
	CHECK_EQ(packet(&r, ms, 0x1000, &st), 28);
	CHECK_EQ(r.data[8 + 6] & 2, 2);			/* locked */
	rig_free(&r);
}

TEST(read10_by_dma)
{
	struct rig r;
	uint8_t c[12];
	uint32_t prd[4] = { 0x20000, 4096, 0x30000, 2048 | BM_PRD_EOT };
	const uint8_t *p;

	CHECK(!rig_init(&r));
	gpa_write(&r.mem, 0x10000, prd, sizeof(prd));
	ide_bmdma_ops.write(&r.bm, BM_REG_PRD, 4, 0x10000);
	ide_bmdma_ops.write(&r.bm, BM_REG_CMD, 1, BM_CMD_WRITE);
	outb(&r, ATA_REG_DEVICE, 0xa0);
	outb(&r, ATA_REG_ERROR, 1);			/* DMA */
	outb(&r, ATA_REG_STATUS, 0xa0);
	cdb_read10(c, 50, 3);
	for (int i = 0; i < 12; i += 2)
		ide_cmd_ops.write(&r.ch, ATA_REG_DATA, 2, c[i] | c[i + 1] << 8);
	ide_bmdma_ops.write(&r.bm, BM_REG_CMD, 1, BM_CMD_WRITE | BM_CMD_START);
	CHECK_EQ(r.irq.level[IRQ], 1);
	CHECK_EQ(ide_bmdma_ops.read(&r.bm, BM_REG_STATUS, 1) & 7, BM_ST_INTR);
	CHECK_EQ(inb(&r, ATA_REG_STATUS) & (ATA_SR_ERR | ATA_SR_DRQ), 0);
	CHECK_EQ(inb(&r, ATA_REG_NSECT) & 3, 3);
	p = gpa_ptr(&r.mem, 0x20000, 4096);
	for (unsigned i = 0; i < 4096; i++)
		CHECK_EQ(p[i], pat(50 * 2048 + i));
	p = gpa_ptr(&r.mem, 0x30000, 2048);
	for (unsigned i = 0; i < 2048; i++)
		CHECK_EQ(p[i], pat(52 * 2048 + i));
	rig_free(&r);
}

TEST(scsi_allocation_lengths_are_bounded)
{
	struct rig r;
	uint8_t c[12];
	unsigned len;

	CHECK(!rig_init(&r));
	/* Every opcode with every length byte at its maximum: data never exceeds the buffer. */
	for (unsigned op = 0; op < 256; op++) {
		memset(c, 0xff, sizeof(c));
		c[0] = (uint8_t)op;
		ide_cmd_ops.write(&r.ch, ATA_REG_DEVICE, 1, 0xa0);
		atapi_scsi(&r.ch.drive[0], c, &len);
		CHECK(len <= IDE_BUF_SIZE);
		CHECK(len <= 64);
	}
	rig_free(&r);
}

TEST_MAIN_BEGIN("test_atapi")
	RUN(signature_and_identify);
	RUN(inquiry_and_capacity);
	RUN(read10_and_read12_data);
	RUN(read_toc_lba_and_msf);
	RUN(bad_lba_sets_sense);
	RUN(byte_count_limit_hostile_values);
	RUN(mode_sense_config_events);
	RUN(read10_by_dma);
	RUN(scsi_allocation_lengths_are_bounded);
TEST_MAIN_END()

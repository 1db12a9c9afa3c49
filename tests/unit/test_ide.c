/*
 * ATA drive on a channel, driven through its ports as a host driver would:
 * IDENTIFY, PIO reads/writes with DRQ blocks and interrupts, LBA48 register
 * pairs, CHS, SRST signatures, nIEN, and hostile taskfile values.
 */
#include "test.h"
#include "fake/fake.h"
#include "dev/ide.h"
#include "host/blk.h"

#include <fcntl.h>
#include <unistd.h>

#define IRQ 14

struct rig {
	struct fake_irq irq;
	struct ide_channel ch;
	struct blk *blk;
	char path[64];
};

static uint8_t pat(uint64_t off)
{
	return (uint8_t)(off * 131 + (off >> 9) * 7 + 3);
}

/* An image of `sectors` sectors; the first `filled` carry pat(), the rest is sparse. */
static int rig_init(struct rig *r, uint64_t sectors, uint64_t filled, int readonly)
{
	char err[128];
	uint8_t buf[IDE_SECTOR];
	int fd;

	memset(r, 0, sizeof(*r));
	snprintf(r->path, sizeof(r->path), "/tmp/hvm-test-ide-XXXXXX");
	fd = mkstemp(r->path);
	if (fd < 0)
		return -1;
	if (ftruncate(fd, (off_t)(sectors * IDE_SECTOR)))
		return -1;
	for (uint64_t s = 0; s < filled; s++) {
		for (int i = 0; i < IDE_SECTOR; i++)
			buf[i] = pat(s * IDE_SECTOR + (uint64_t)i);
		if (pwrite(fd, buf, sizeof(buf), (off_t)(s * IDE_SECTOR)) != (ssize_t)sizeof(buf))
			return -1;
	}
	close(fd);
	fake_irq_init(&r->irq);
	if (blk_open(&r->blk, r->path, readonly, err, sizeof(err)))
		return -1;
	ide_channel_init(&r->ch, "test", &r->irq.line[IRQ]);
	return ide_attach(&r->ch, 0, r->blk, 0, "SER-1234");
}

static void rig_free(struct rig *r)
{
	ide_channel_free(&r->ch);
	blk_close(r->blk);
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

static uint16_t inw(struct rig *r)
{
	return (uint16_t)ide_cmd_ops.read(&r->ch, ATA_REG_DATA, 2);
}

static void outw(struct rig *r, uint16_t v)
{
	ide_cmd_ops.write(&r->ch, ATA_REG_DATA, 2, v);
}

static uint8_t altstatus(struct rig *r)
{
	return (uint8_t)ide_ctl_ops.read(&r->ch, 0, 1);
}

static void devctl(struct rig *r, uint8_t v)
{
	ide_ctl_ops.write(&r->ch, 0, 1, v);
}

/* LBA28 taskfile for the master. */
static void tf28(struct rig *r, uint32_t lba, uint8_t count)
{
	outb(r, ATA_REG_NSECT, count);
	outb(r, ATA_REG_LBAL, (uint8_t)lba);
	outb(r, ATA_REG_LBAM, (uint8_t)(lba >> 8));
	outb(r, ATA_REG_LBAH, (uint8_t)(lba >> 16));
	outb(r, ATA_REG_DEVICE, (uint8_t)(0xe0 | ((lba >> 24) & 0xf)));
}

/* LBA48 taskfile: previous (high) bytes first, as the register pairs require. */
static void tf48(struct rig *r, uint64_t lba, uint16_t count)
{
	outb(r, ATA_REG_NSECT, (uint8_t)(count >> 8));
	outb(r, ATA_REG_LBAL, (uint8_t)(lba >> 24));
	outb(r, ATA_REG_LBAM, (uint8_t)(lba >> 32));
	outb(r, ATA_REG_LBAH, (uint8_t)(lba >> 40));
	outb(r, ATA_REG_NSECT, (uint8_t)count);
	outb(r, ATA_REG_LBAL, (uint8_t)lba);
	outb(r, ATA_REG_LBAM, (uint8_t)(lba >> 8));
	outb(r, ATA_REG_LBAH, (uint8_t)(lba >> 16));
	outb(r, ATA_REG_DEVICE, 0x40);
}

/* Read one DRQ block of n sectors and compare it with the image pattern at lba. */
static int read_block_ok(struct rig *r, uint64_t lba, unsigned n)
{
	for (uint64_t off = lba * IDE_SECTOR; off < (lba + n) * IDE_SECTOR; off += 2) {
		uint16_t w = inw(r);
		if (w != (uint16_t)(pat(off) | pat(off + 1) << 8))
			return 0;
	}
	return 1;
}

static void identify(struct rig *r, uint16_t *id)
{
	outb(r, ATA_REG_DEVICE, 0xa0);
	outb(r, ATA_REG_STATUS, 0xec);
	for (int i = 0; i < 256; i++)
		id[i] = inw(r);
}

static void id_str(const uint16_t *id, int first, int words, char *out)
{
	for (int i = 0; i < words; i++) {
		out[2 * i] = (char)(id[first + i] >> 8);
		out[2 * i + 1] = (char)id[first + i];
	}
	out[2 * words] = 0;
	for (int i = 2 * words - 1; i >= 0 && out[i] == ' '; i--)
		out[i] = 0;
}

TEST(identify_words)
{
	struct rig r;
	uint16_t id[256];
	char s[41];
	uint8_t sum = 0;

	CHECK(!rig_init(&r, 20000, 0, 0));
	outb(&r, ATA_REG_DEVICE, 0xa0);
	outb(&r, ATA_REG_STATUS, 0xec);
	CHECK_EQ(r.irq.level[IRQ], 1);
	CHECK_EQ(altstatus(&r) & (ATA_SR_BSY | ATA_SR_DRQ | ATA_SR_DRDY), ATA_SR_DRQ | ATA_SR_DRDY);
	CHECK_EQ(r.irq.level[IRQ], 1);			/* alternate status leaves INTRQ alone */
	CHECK_EQ(inb(&r, ATA_REG_STATUS) & ATA_SR_DRQ, ATA_SR_DRQ);
	CHECK_EQ(r.irq.level[IRQ], 0);			/* status read acknowledges */
	for (int i = 0; i < 256; i++)
		id[i] = inw(&r);
	CHECK_EQ(inb(&r, ATA_REG_STATUS) & (ATA_SR_DRQ | ATA_SR_ERR), 0);
	CHECK_EQ(id[0] & 0x8000, 0);			/* ATA device */
	id_str(id, 27, 20, s);
	CHECK_STR(s, "HVM HARDDISK");
	id_str(id, 10, 10, s);
	CHECK_STR(s, "SER-1234");
	CHECK_EQ(id[60] | (uint32_t)id[61] << 16, 20000);
	CHECK_EQ(id[100] | (uint64_t)id[101] << 16 | (uint64_t)id[102] << 32, 20000);
	CHECK(id[49] & 0x0200);				/* LBA */
	CHECK(id[49] & 0x0100);				/* DMA */
	CHECK(id[83] & 0x0400);				/* 48-bit */
	CHECK_EQ(id[63] & 0x7, 0x7);			/* multiword DMA 0-2 */
	CHECK_EQ(id[88] & 0x3f, 0x3f);			/* Ultra DMA 0-5 */
	CHECK_EQ(id[47] & 0xff, IDE_MAX_MULT);
	CHECK_EQ(id[255] & 0xff, 0xa5);
	for (int i = 0; i < 256; i++)
		sum = (uint8_t)(sum + (id[i] & 0xff) + (id[i] >> 8));
	CHECK_EQ(sum, 0);
	rig_free(&r);
}

TEST(identify_big_disk_caps_lba28)
{
	struct rig r;
	uint16_t id[256];
	uint64_t n = 200ull << 21;	/* 200 GiB, sparse */

	CHECK(!rig_init(&r, n, 0, 0));
	identify(&r, id);
	CHECK_EQ(id[60] | (uint32_t)id[61] << 16, 0x0fffffff);
	CHECK_EQ(id[100] | (uint64_t)id[101] << 16 | (uint64_t)id[102] << 32 | (uint64_t)id[103] << 48, n);
	CHECK_EQ(id[1], 16383);
	rig_free(&r);
}

TEST(set_features_transfer_mode)
{
	struct rig r;
	uint16_t id[256];

	CHECK(!rig_init(&r, 100, 0, 0));
	outb(&r, ATA_REG_ERROR, 0x03);
	outb(&r, ATA_REG_NSECT, 0x22);			/* multiword DMA 2 */
	outb(&r, ATA_REG_STATUS, 0xef);
	CHECK_EQ(inb(&r, ATA_REG_STATUS) & ATA_SR_ERR, 0);
	identify(&r, id);
	CHECK_EQ(id[63], 0x0407);
	outb(&r, ATA_REG_ERROR, 0x03);
	outb(&r, ATA_REG_NSECT, 0x50);			/* no such mode */
	outb(&r, ATA_REG_STATUS, 0xef);
	CHECK_EQ(inb(&r, ATA_REG_STATUS) & ATA_SR_ERR, ATA_SR_ERR);
	CHECK_EQ(inb(&r, ATA_REG_ERROR), ATA_ER_ABRT);
	rig_free(&r);
}

TEST(pio_read_sectors_irq_per_sector)
{
	struct rig r;

	CHECK(!rig_init(&r, 100, 100, 0));
	tf28(&r, 5, 3);
	outb(&r, ATA_REG_STATUS, 0x20);
	for (int s = 0; s < 3; s++) {
		CHECK_EQ(r.irq.level[IRQ], 1);
		CHECK_EQ(inb(&r, ATA_REG_STATUS) & (ATA_SR_DRQ | ATA_SR_BSY), ATA_SR_DRQ);
		CHECK_EQ(r.irq.level[IRQ], 0);
		CHECK(read_block_ok(&r, 5 + (unsigned)s, 1));
	}
	CHECK_EQ(r.irq.raises[IRQ], 3);
	CHECK_EQ(r.irq.level[IRQ], 0);			/* no interrupt after the last block of a read */
	CHECK_EQ(inb(&r, ATA_REG_STATUS) & (ATA_SR_DRQ | ATA_SR_ERR | ATA_SR_DRDY), ATA_SR_DRDY);
	rig_free(&r);
}

TEST(pio_write_sectors_reach_image)
{
	struct rig r;
	uint8_t back[2 * IDE_SECTOR];
	int fd;

	CHECK(!rig_init(&r, 100, 0, 0));
	tf28(&r, 10, 2);
	outb(&r, ATA_REG_STATUS, 0x30);
	CHECK_EQ(r.irq.raises[IRQ], 0);			/* first block: DRQ without an interrupt */
	for (int s = 0; s < 2; s++) {
		CHECK_EQ(altstatus(&r) & ATA_SR_DRQ, ATA_SR_DRQ);
		for (int i = 0; i < IDE_SECTOR; i += 2)
			outw(&r, (uint16_t)(s * 1000 + i));
		CHECK_EQ(r.irq.raises[IRQ], (unsigned)s + 1);
		CHECK_EQ(inb(&r, ATA_REG_STATUS) & ATA_SR_ERR, 0);
	}
	CHECK_EQ(altstatus(&r) & ATA_SR_DRQ, 0);
	fd = open(r.path, O_RDONLY);
	CHECK(fd >= 0);
	CHECK_EQ(pread(fd, back, sizeof(back), 10 * IDE_SECTOR), sizeof(back));
	close(fd);
	CHECK_EQ(back[0] | back[1] << 8, 0);
	CHECK_EQ(back[IDE_SECTOR + 2] | back[IDE_SECTOR + 3] << 8, 1002);
	outb(&r, ATA_REG_STATUS, 0xe7);			/* FLUSH CACHE */
	CHECK_EQ(inb(&r, ATA_REG_STATUS) & ATA_SR_ERR, 0);
	rig_free(&r);
}

TEST(read_multiple_blocks)
{
	struct rig r;

	CHECK(!rig_init(&r, 100, 100, 0));
	tf28(&r, 0, 6);
	outb(&r, ATA_REG_STATUS, 0xc4);			/* multiple mode not set yet */
	CHECK_EQ(inb(&r, ATA_REG_STATUS) & ATA_SR_ERR, ATA_SR_ERR);
	CHECK_EQ(inb(&r, ATA_REG_ERROR), ATA_ER_ABRT);
	outb(&r, ATA_REG_NSECT, 3);			/* not a power of two */
	outb(&r, ATA_REG_STATUS, 0xc6);
	CHECK_EQ(inb(&r, ATA_REG_STATUS) & ATA_SR_ERR, ATA_SR_ERR);
	outb(&r, ATA_REG_NSECT, 4);
	outb(&r, ATA_REG_STATUS, 0xc6);
	CHECK_EQ(inb(&r, ATA_REG_STATUS) & ATA_SR_ERR, 0);
	r.irq.raises[IRQ] = 0;
	tf28(&r, 7, 6);
	outb(&r, ATA_REG_STATUS, 0xc4);
	inb(&r, ATA_REG_STATUS);
	CHECK(read_block_ok(&r, 7, 4));
	inb(&r, ATA_REG_STATUS);
	CHECK(read_block_ok(&r, 11, 2));
	CHECK_EQ(r.irq.raises[IRQ], 2);
	CHECK_EQ(altstatus(&r) & ATA_SR_DRQ, 0);
	rig_free(&r);
}

TEST(write_multiple_then_read_back)
{
	struct rig r;

	CHECK(!rig_init(&r, 100, 100, 0));
	outb(&r, ATA_REG_NSECT, 2);
	outb(&r, ATA_REG_STATUS, 0xc6);
	inb(&r, ATA_REG_STATUS);
	r.irq.raises[IRQ] = 0;
	tf28(&r, 20, 3);
	outb(&r, ATA_REG_STATUS, 0xc5);
	for (int i = 0; i < 3 * IDE_SECTOR / 2; i++) {
		if (i == 2 * IDE_SECTOR / 2) {
			CHECK_EQ(r.irq.raises[IRQ], 1);	/* one interrupt per 2-sector block */
			inb(&r, ATA_REG_STATUS);
		}
		outw(&r, (uint16_t)i);
	}
	CHECK_EQ(r.irq.raises[IRQ], 2);
	tf28(&r, 20, 3);
	outb(&r, ATA_REG_STATUS, 0x20);
	for (int i = 0; i < 3 * IDE_SECTOR / 2; i++)
		CHECK_EQ(inw(&r), (uint16_t)i);
	rig_free(&r);
}

TEST(lba48_register_pairs_and_hob)
{
	struct rig r;
	uint64_t n = 200ull << 21, lba = 0x10000005ull;	/* beyond LBA28 */
	uint8_t buf[IDE_SECTOR];
	int fd;

	CHECK(!rig_init(&r, n, 0, 0));
	for (int i = 0; i < IDE_SECTOR; i++)
		buf[i] = pat(lba * IDE_SECTOR + (uint64_t)i);
	fd = open(r.path, O_WRONLY);
	CHECK(fd >= 0);
	CHECK_EQ(pwrite(fd, buf, sizeof(buf), (off_t)(lba * IDE_SECTOR)), sizeof(buf));
	close(fd);

	tf48(&r, lba, 1);
	devctl(&r, ATA_DC_HOB);
	CHECK_EQ(inb(&r, ATA_REG_LBAL), 0x10);		/* previous content */
	CHECK_EQ(inb(&r, ATA_REG_NSECT), 0);
	devctl(&r, 0);
	CHECK_EQ(inb(&r, ATA_REG_LBAL), 0x05);
	CHECK_EQ(inb(&r, ATA_REG_NSECT), 1);
	outb(&r, ATA_REG_STATUS, 0x24);			/* READ SECTOR(S) EXT */
	CHECK_EQ(inb(&r, ATA_REG_STATUS) & (ATA_SR_DRQ | ATA_SR_ERR), ATA_SR_DRQ);
	CHECK(read_block_ok(&r, lba, 1));
	/* The same LBA through LBA28 READ SECTORS wraps to a different sector: zeros. */
	tf28(&r, (uint32_t)lba & 0x0fffffff, 1);
	outb(&r, ATA_REG_STATUS, 0x20);
	CHECK_EQ(inw(&r), 0);
	rig_free(&r);
}

TEST(out_of_range_lba_is_idnf)
{
	struct rig r;

	CHECK(!rig_init(&r, 100, 100, 0));
	tf28(&r, 100, 1);
	outb(&r, ATA_REG_STATUS, 0x20);
	CHECK_EQ(r.irq.level[IRQ], 1);
	CHECK_EQ(inb(&r, ATA_REG_STATUS) & (ATA_SR_ERR | ATA_SR_DRQ), ATA_SR_ERR);
	CHECK_EQ(inb(&r, ATA_REG_ERROR), ATA_ER_IDNF);
	tf28(&r, 99, 2);				/* runs one past the end */
	outb(&r, ATA_REG_STATUS, 0x30);
	CHECK_EQ(inb(&r, ATA_REG_STATUS) & (ATA_SR_ERR | ATA_SR_DRQ), ATA_SR_ERR);
	tf28(&r, 0, 0);					/* 0 = 256 sectors, past a 100-sector disk */
	outb(&r, ATA_REG_STATUS, 0xc8);
	CHECK_EQ(inb(&r, ATA_REG_ERROR), ATA_ER_IDNF);
	tf48(&r, 0xffffffffffffull, 0);			/* huge LBA and 65536 sectors */
	outb(&r, ATA_REG_STATUS, 0x24);
	CHECK_EQ(inb(&r, ATA_REG_ERROR), ATA_ER_IDNF);
	tf28(&r, 0, 1);					/* a good command still works */
	outb(&r, ATA_REG_STATUS, 0x20);
	CHECK(read_block_ok(&r, 0, 1));
	rig_free(&r);
}

TEST(chs_after_initialize_device_parameters)
{
	struct rig r;

	CHECK(!rig_init(&r, 2000, 2000, 0));
	outb(&r, ATA_REG_NSECT, 63);
	outb(&r, ATA_REG_DEVICE, 0xa0 | 15);		/* 16 heads */
	outb(&r, ATA_REG_STATUS, 0x91);
	CHECK_EQ(inb(&r, ATA_REG_STATUS) & ATA_SR_ERR, 0);
	/* C/H/S 1/2/3 = (1 * 16 + 2) * 63 + 2 */
	outb(&r, ATA_REG_NSECT, 1);
	outb(&r, ATA_REG_LBAL, 3);
	outb(&r, ATA_REG_LBAM, 1);
	outb(&r, ATA_REG_LBAH, 0);
	outb(&r, ATA_REG_DEVICE, 0xa0 | 2);
	outb(&r, ATA_REG_STATUS, 0x20);
	CHECK(read_block_ok(&r, 18 * 63 + 2, 1));
	outb(&r, ATA_REG_LBAL, 0);			/* sector 0 does not exist */
	outb(&r, ATA_REG_DEVICE, 0xa0);
	outb(&r, ATA_REG_STATUS, 0x20);
	CHECK_EQ(inb(&r, ATA_REG_ERROR), ATA_ER_IDNF);
	rig_free(&r);
}

TEST(srst_signature_and_busy)
{
	struct rig r;

	CHECK(!rig_init(&r, 100, 0, 0));
	outb(&r, ATA_REG_LBAM, 0x55);
	outb(&r, ATA_REG_DEVICE, 0xa0);
	outb(&r, ATA_REG_STATUS, 0xec);			/* mid-transfer */
	devctl(&r, ATA_DC_SRST);
	CHECK_EQ(altstatus(&r) & ATA_SR_BSY, ATA_SR_BSY);
	CHECK_EQ(r.irq.level[IRQ], 0);
	devctl(&r, 0);
	CHECK_EQ(altstatus(&r), ATA_SR_DRDY | ATA_SR_DSC);
	CHECK_EQ(inb(&r, ATA_REG_NSECT), 1);
	CHECK_EQ(inb(&r, ATA_REG_LBAL), 1);
	CHECK_EQ(inb(&r, ATA_REG_LBAM), 0);
	CHECK_EQ(inb(&r, ATA_REG_LBAH), 0);
	CHECK_EQ(inb(&r, ATA_REG_ERROR), 0x01);
	CHECK_EQ(ide_cmd_ops.read(&r.ch, ATA_REG_DATA, 2), 0xffff);	/* the transfer is gone */
	outb(&r, ATA_REG_STATUS, 0x90);			/* EXECUTE DEVICE DIAGNOSTIC */
	CHECK_EQ(inb(&r, ATA_REG_ERROR), 0x01);
	CHECK_EQ(r.irq.raises[IRQ], 2);
	rig_free(&r);
}

TEST(nien_masks_intrq)
{
	struct rig r;

	CHECK(!rig_init(&r, 100, 100, 0));
	devctl(&r, ATA_DC_NIEN);
	tf28(&r, 0, 1);
	outb(&r, ATA_REG_STATUS, 0x20);
	CHECK_EQ(r.irq.level[IRQ], 0);
	CHECK_EQ(altstatus(&r) & ATA_SR_DRQ, ATA_SR_DRQ);
	devctl(&r, 0);					/* still pending: the line rises now */
	CHECK_EQ(r.irq.level[IRQ], 1);
	inb(&r, ATA_REG_STATUS);
	CHECK_EQ(r.irq.level[IRQ], 0);
	rig_free(&r);
}

TEST(absent_slave_and_empty_channel)
{
	struct rig r;
	struct ide_channel empty;
	struct fake_irq fi;

	CHECK(!rig_init(&r, 100, 0, 0));
	outb(&r, ATA_REG_DEVICE, 0xb0);			/* slave */
	CHECK_EQ(inb(&r, ATA_REG_STATUS), 0);		/* device 0 answers for device 1 */
	outb(&r, ATA_REG_NSECT, 0x55);
	CHECK_EQ(inb(&r, ATA_REG_NSECT), 0);
	outb(&r, ATA_REG_STATUS, 0xec);			/* nobody runs it */
	CHECK_EQ(r.irq.raises[IRQ], 0);
	outb(&r, ATA_REG_DEVICE, 0xa0);
	CHECK_EQ(inb(&r, ATA_REG_NSECT), 0x55);		/* the master latched the write */
	rig_free(&r);

	fake_irq_init(&fi);
	ide_channel_init(&empty, "empty", &fi.line[15]);
	CHECK_EQ(ide_cmd_ops.read(&empty, ATA_REG_STATUS, 1), 0xff);
	CHECK_EQ(ide_ctl_ops.read(&empty, 0, 1), 0xff);
	ide_cmd_ops.write(&empty, ATA_REG_STATUS, 1, 0xec);
	CHECK_EQ(fi.raises[15], 0);
	ide_channel_free(&empty);
}

TEST(hostile_port_traffic)
{
	struct rig r;

	CHECK(!rig_init(&r, 100, 100, 0));
	/* Data with no transfer, wide and odd accesses, every command byte. */
	CHECK_EQ(ide_cmd_ops.read(&r.ch, ATA_REG_DATA, 4), 0xffffffffu);
	ide_cmd_ops.write(&r.ch, ATA_REG_DATA, 4, 0x12345678);
	ide_cmd_ops.write(&r.ch, ATA_REG_NSECT, 8, ~0ull);
	ide_cmd_ops.read(&r.ch, ATA_REG_LBAH, 8);
	for (unsigned c = 0; c < 256; c++) {
		tf28(&r, 0, 1);
		outb(&r, ATA_REG_ERROR, (uint8_t)c);
		outb(&r, ATA_REG_STATUS, (uint8_t)c);
		for (int i = 0; i < 300; i++)
			ide_cmd_ops.read(&r.ch, ATA_REG_DATA, (unsigned)(1 + i % 4));
		devctl(&r, ATA_DC_SRST);
		devctl(&r, 0);
	}
	CHECK_EQ(altstatus(&r), ATA_SR_DRDY | ATA_SR_DSC);
	outb(&r, ATA_REG_STATUS, 0x00);			/* NOP is always aborted */
	CHECK_EQ(inb(&r, ATA_REG_ERROR), ATA_ER_ABRT);
	tf28(&r, 0, 1);
	outb(&r, ATA_REG_STATUS, 0x20);
	CHECK(read_block_ok(&r, 0, 1));
	rig_free(&r);
}

TEST(readonly_image_refuses_writes)
{
	struct rig r;

	CHECK(!rig_init(&r, 100, 100, 1));
	tf28(&r, 0, 1);
	outb(&r, ATA_REG_STATUS, 0x30);
	CHECK_EQ(inb(&r, ATA_REG_STATUS) & (ATA_SR_ERR | ATA_SR_DRQ), ATA_SR_ERR);
	CHECK_EQ(inb(&r, ATA_REG_ERROR), ATA_ER_ABRT);
	outb(&r, ATA_REG_STATUS, 0xe7);
	CHECK_EQ(inb(&r, ATA_REG_STATUS) & ATA_SR_ERR, 0);
	rig_free(&r);
}

TEST_MAIN_BEGIN("test_ide")
	RUN(identify_words);
	RUN(identify_big_disk_caps_lba28);
	RUN(set_features_transfer_mode);
	RUN(pio_read_sectors_irq_per_sector);
	RUN(pio_write_sectors_reach_image);
	RUN(read_multiple_blocks);
	RUN(write_multiple_then_read_back);
	RUN(lba48_register_pairs_and_hob);
	RUN(out_of_range_lba_is_idnf);
	RUN(chs_after_initialize_device_parameters);
	RUN(srst_signature_and_busy);
	RUN(nien_masks_intrq);
	RUN(absent_slave_and_empty_channel);
	RUN(hostile_port_traffic);
	RUN(readonly_image_refuses_writes);
TEST_MAIN_END()

/*
 * PIIX3 bus-master DMA with an ATA drive and a PRD table in guest RAM:
 * READ/WRITE DMA (EXT) as a driver does them (table pointer, direction,
 * command, start), the status bits at the end, and hostile tables.
 */
#include "test.h"
#include "fake/fake.h"
#include "core/mem.h"
#include "dev/ide.h"
#include "dev/ide_bmdma.h"
#include "dev/pci.h"
#include "host/blk.h"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#define IRQ 14
#define TABLE 0x10000ull

struct rig {
	struct fake_irq irq;
	struct guest_mem mem;
	struct ide_channel ch;
	struct ide_bmdma bm;
	uint8_t pci_cmd;
	struct blk *blk;
	char path[64];
};

static uint8_t pat(uint64_t off)
{
	return (uint8_t)(off * 131 + (off >> 9) * 7 + 3);
}

static int rig_init(struct rig *r, uint64_t sectors)
{
	char err[128];
	uint8_t buf[IDE_SECTOR];
	int fd;

	memset(r, 0, sizeof(*r));
	snprintf(r->path, sizeof(r->path), "/tmp/hvm-test-bmdma-XXXXXX");
	fd = mkstemp(r->path);
	if (fd < 0 || ftruncate(fd, (off_t)(sectors * IDE_SECTOR)))
		return -1;
	for (uint64_t s = 0; s < sectors && s < 512; s++) {
		for (int i = 0; i < IDE_SECTOR; i++)
			buf[i] = pat(s * IDE_SECTOR + (uint64_t)i);
		if (pwrite(fd, buf, sizeof(buf), (off_t)(s * IDE_SECTOR)) != (ssize_t)sizeof(buf))
			return -1;
	}
	close(fd);
	if (mem_init(&r->mem, 16 << 20))
		return -1;
	fake_irq_init(&r->irq);
	if (blk_open(&r->blk, r->path, 0, err, sizeof(err)))
		return -1;
	ide_channel_init(&r->ch, "test", &r->irq.line[IRQ]);
	r->pci_cmd = PCI_COMMAND_IO | PCI_COMMAND_MASTER;
	ide_bmdma_init(&r->bm, &r->mem, &r->ch, &r->pci_cmd);
	return ide_attach(&r->ch, 0, r->blk, 0, NULL);
}

static void rig_free(struct rig *r)
{
	ide_channel_free(&r->ch);
	blk_close(r->blk);
	mem_destroy(&r->mem);
	unlink(r->path);
}

static void outb(struct rig *r, unsigned reg, uint8_t v)
{
	ide_cmd_ops.write(&r->ch, reg, 1, v);
}

static uint8_t inb(struct rig *r, unsigned reg)
{
	return (uint8_t)ide_cmd_ops.read(&r->ch, reg, 1);
}

static void prd(struct rig *r, unsigned i, uint32_t addr, uint32_t count_flags)
{
	uint32_t e[2] = { addr, count_flags };
	gpa_write(&r->mem, TABLE + 8 * i, e, sizeof(e));
}

static uint8_t bm_status(struct rig *r)
{
	return (uint8_t)ide_bmdma_ops.read(&r->bm, BM_REG_STATUS, 1);
}

/* Driver order: table pointer, direction, ATA command, start. */
static void dma_cmd(struct rig *r, uint64_t table, uint8_t cmd, uint32_t lba, uint8_t count, int to_mem)
{
	ide_bmdma_ops.write(&r->bm, BM_REG_PRD, 4, table);
	ide_bmdma_ops.write(&r->bm, BM_REG_CMD, 1, to_mem ? BM_CMD_WRITE : 0);
	ide_bmdma_ops.write(&r->bm, BM_REG_STATUS, 1, BM_ST_INTR | BM_ST_ERR);
	outb(r, ATA_REG_NSECT, count);
	outb(r, ATA_REG_LBAL, (uint8_t)lba);
	outb(r, ATA_REG_LBAM, (uint8_t)(lba >> 8));
	outb(r, ATA_REG_LBAH, (uint8_t)(lba >> 16));
	outb(r, ATA_REG_DEVICE, 0xe0);
	outb(r, ATA_REG_STATUS, cmd);
	ide_bmdma_ops.write(&r->bm, BM_REG_CMD, 1, (to_mem ? BM_CMD_WRITE : 0) | BM_CMD_START);
}

static int mem_matches(struct rig *r, uint64_t gpa, uint64_t disk_off, uint32_t len)
{
	const uint8_t *p = gpa_ptr(&r->mem, gpa, len);
	if (!p)
		return 0;
	for (uint32_t i = 0; i < len; i++)
		if (p[i] != pat(disk_off + i))
			return 0;
	return 1;
}

TEST(registers)
{
	struct rig r;

	CHECK(!rig_init(&r, 64));
	ide_bmdma_ops.write(&r.bm, BM_REG_PRD, 4, 0x12345677);
	CHECK_EQ(ide_bmdma_ops.read(&r.bm, BM_REG_PRD, 4), 0x12345674);	/* dword aligned */
	ide_bmdma_ops.write(&r.bm, BM_REG_STATUS, 1, 0xff);
	CHECK_EQ(bm_status(&r), BM_ST_DMA0 | BM_ST_DMA1);	/* only the capable bits stick */
	ide_bmdma_ops.write(&r.bm, BM_REG_CMD, 1, 0xff);
	CHECK_EQ(ide_bmdma_ops.read(&r.bm, BM_REG_CMD, 1), BM_CMD_START | BM_CMD_WRITE);
	CHECK_EQ(bm_status(&r) & BM_ST_ACTIVE, BM_ST_ACTIVE);
	ide_bmdma_ops.write(&r.bm, BM_REG_CMD, 1, 0);
	CHECK_EQ(bm_status(&r) & BM_ST_ACTIVE, 0);
	rig_free(&r);
}

TEST(read_dma_two_regions)
{
	struct rig r;

	CHECK(!rig_init(&r, 64));
	prd(&r, 0, 0x20000, 1024);
	prd(&r, 1, 0x30000, 512 | BM_PRD_EOT);
	dma_cmd(&r, TABLE, 0xc8, 4, 3, 1);
	CHECK_EQ(r.irq.level[IRQ], 1);
	CHECK_EQ(bm_status(&r) & (BM_ST_ACTIVE | BM_ST_ERR | BM_ST_INTR), BM_ST_INTR);
	CHECK_EQ(inb(&r, ATA_REG_STATUS) & (ATA_SR_ERR | ATA_SR_DRQ | ATA_SR_BSY), 0);
	CHECK(mem_matches(&r, 0x20000, 4 * IDE_SECTOR, 1024));
	CHECK(mem_matches(&r, 0x30000, 6 * IDE_SECTOR, 512));
	rig_free(&r);
}

TEST(start_before_command_and_table_longer_than_transfer)
{
	struct rig r;

	CHECK(!rig_init(&r, 64));
	prd(&r, 0, 0x40000, 0 | BM_PRD_EOT);	/* 0 = 64 KiB */
	ide_bmdma_ops.write(&r.bm, BM_REG_PRD, 4, TABLE);
	ide_bmdma_ops.write(&r.bm, BM_REG_CMD, 1, BM_CMD_WRITE | BM_CMD_START);
	outb(&r, ATA_REG_NSECT, 2);
	outb(&r, ATA_REG_LBAL, 0);
	outb(&r, ATA_REG_LBAM, 0);
	outb(&r, ATA_REG_LBAH, 0);
	outb(&r, ATA_REG_DEVICE, 0xe0);
	outb(&r, ATA_REG_STATUS, 0xc8);
	/* The device finished first: interrupt, still active (the driver stops it). */
	CHECK_EQ(bm_status(&r) & (BM_ST_ACTIVE | BM_ST_ERR | BM_ST_INTR), BM_ST_ACTIVE | BM_ST_INTR);
	CHECK(mem_matches(&r, 0x40000, 0, 1024));
	rig_free(&r);
}

TEST(write_dma_ext_reaches_image)
{
	struct rig r;
	uint8_t *p, back[2048];
	int fd;

	CHECK(!rig_init(&r, 64));
	p = gpa_ptr(&r.mem, 0x50000, 2048);
	CHECK(p != NULL);
	for (int i = 0; i < 2048; i++)
		p[i] = (uint8_t)(i ^ 0x5a);
	prd(&r, 0, 0x50000, 2048 | BM_PRD_EOT);
	ide_bmdma_ops.write(&r.bm, BM_REG_PRD, 4, TABLE);
	ide_bmdma_ops.write(&r.bm, BM_REG_CMD, 1, 0);
	outb(&r, ATA_REG_NSECT, 0);			/* HOB count */
	outb(&r, ATA_REG_LBAL, 0);
	outb(&r, ATA_REG_LBAM, 0);
	outb(&r, ATA_REG_LBAH, 0);
	outb(&r, ATA_REG_NSECT, 4);
	outb(&r, ATA_REG_LBAL, 8);
	outb(&r, ATA_REG_LBAM, 0);
	outb(&r, ATA_REG_LBAH, 0);
	outb(&r, ATA_REG_DEVICE, 0x40);
	outb(&r, ATA_REG_STATUS, 0x35);			/* WRITE DMA EXT */
	ide_bmdma_ops.write(&r.bm, BM_REG_CMD, 1, BM_CMD_START);
	CHECK_EQ(bm_status(&r) & (BM_ST_ACTIVE | BM_ST_ERR | BM_ST_INTR), BM_ST_INTR);
	CHECK_EQ(inb(&r, ATA_REG_STATUS) & ATA_SR_ERR, 0);
	fd = open(r.path, O_RDONLY);
	CHECK(fd >= 0);
	CHECK_EQ(pread(fd, back, sizeof(back), 8 * IDE_SECTOR), sizeof(back));
	close(fd);
	CHECK(!memcmp(back, p, sizeof(back)));
	rig_free(&r);
}

TEST(region_outside_ram_is_an_error)
{
	struct rig r;

	CHECK(!rig_init(&r, 64));
	prd(&r, 0, 0xf0000000u, 512 | BM_PRD_EOT);	/* in the PCI hole */
	dma_cmd(&r, TABLE, 0xc8, 0, 1, 1);
	CHECK_EQ(bm_status(&r) & (BM_ST_ACTIVE | BM_ST_ERR | BM_ST_INTR), BM_ST_ERR | BM_ST_INTR);
	CHECK_EQ(inb(&r, ATA_REG_STATUS) & ATA_SR_ERR, ATA_SR_ERR);
	CHECK_EQ(r.irq.level[IRQ], 0);
	/* A region that starts in RAM and runs out of it. */
	prd(&r, 0, (16 << 20) - 256, 512 | BM_PRD_EOT);
	dma_cmd(&r, TABLE, 0xc8, 0, 1, 1);
	CHECK_EQ(bm_status(&r) & BM_ST_ERR, BM_ST_ERR);
	/* The table itself outside RAM. */
	dma_cmd(&r, 0xfff00000u, 0xc8, 0, 1, 1);
	CHECK_EQ(bm_status(&r) & BM_ST_ERR, BM_ST_ERR);
	CHECK_EQ(inb(&r, ATA_REG_ERROR), ATA_ER_ABRT);
	rig_free(&r);
}

TEST(table_shorter_than_transfer)
{
	struct rig r;

	CHECK(!rig_init(&r, 64));
	prd(&r, 0, 0x20000, 512 | BM_PRD_EOT);
	dma_cmd(&r, TABLE, 0xc8, 0, 2, 1);
	CHECK_EQ(bm_status(&r) & (BM_ST_ACTIVE | BM_ST_ERR), BM_ST_ERR);
	CHECK_EQ(inb(&r, ATA_REG_STATUS) & ATA_SR_ERR, ATA_SR_ERR);
	rig_free(&r);
}

TEST(table_without_eot_stops_at_64k_boundary)
{
	struct rig r;
	uint64_t table = 0x1fff0;	/* two entries below the 64 KiB boundary */
	uint32_t e[4] = { 0x60000, 512, 0x60200, 512 };
	uint32_t beyond[2] = { 0x70000, 512 | BM_PRD_EOT };

	CHECK(!rig_init(&r, 64));
	gpa_write(&r.mem, table, e, sizeof(e));
	gpa_write(&r.mem, 0x20000, beyond, sizeof(beyond));	/* must not be used */
	dma_cmd(&r, table, 0xc8, 0, 3, 1);
	CHECK_EQ(bm_status(&r) & BM_ST_ERR, BM_ST_ERR);
	CHECK_EQ(inb(&r, ATA_REG_STATUS) & ATA_SR_ERR, ATA_SR_ERR);
	CHECK(mem_matches(&r, 0x60000, 0, 1024));
	CHECK_EQ(*(uint8_t *)gpa_ptr(&r.mem, 0x70000, 1), 0);
	rig_free(&r);
}

TEST(huge_transfer_with_small_table)
{
	struct rig r;

	CHECK(!rig_init(&r, 200000));
	prd(&r, 0, 0x20000, 0 | BM_PRD_EOT);
	/* READ DMA EXT of 65536 sectors: one 64 KiB region, then the table is over. */
	ide_bmdma_ops.write(&r.bm, BM_REG_PRD, 4, TABLE);
	outb(&r, ATA_REG_NSECT, 0);
	outb(&r, ATA_REG_NSECT, 0);
	outb(&r, ATA_REG_LBAL, 0);
	outb(&r, ATA_REG_LBAL, 0);
	outb(&r, ATA_REG_DEVICE, 0x40);
	outb(&r, ATA_REG_STATUS, 0x25);
	ide_bmdma_ops.write(&r.bm, BM_REG_CMD, 1, BM_CMD_WRITE | BM_CMD_START);
	CHECK_EQ(bm_status(&r) & BM_ST_ERR, BM_ST_ERR);
	CHECK_EQ(inb(&r, ATA_REG_STATUS) & ATA_SR_ERR, ATA_SR_ERR);
	CHECK(mem_matches(&r, 0x20000, 0, 0x10000));
	/* Zero-length entries (count 1 rounds to 0) only move the walk on. */
	prd(&r, 0, 0x20000, 1);
	prd(&r, 1, 0x30000, 512 | BM_PRD_EOT);
	dma_cmd(&r, TABLE, 0xc8, 2, 1, 1);
	CHECK_EQ(bm_status(&r) & (BM_ST_ERR | BM_ST_ACTIVE), 0);
	CHECK(mem_matches(&r, 0x30000, 2 * IDE_SECTOR, 512));
	rig_free(&r);
}

TEST(bus_master_disabled)
{
	struct rig r;

	CHECK(!rig_init(&r, 64));
	r.pci_cmd = PCI_COMMAND_IO;
	prd(&r, 0, 0x20000, 512 | BM_PRD_EOT);
	dma_cmd(&r, TABLE, 0xc8, 0, 1, 1);
	CHECK_EQ(bm_status(&r) & BM_ST_ERR, BM_ST_ERR);
	CHECK_EQ(*(uint8_t *)gpa_ptr(&r.mem, 0x20000, 1), 0);
	rig_free(&r);
}

TEST(dma_without_bus_master_aborts)
{
	struct rig r;

	CHECK(!rig_init(&r, 64));
	r.ch.bm = NULL;
	outb(&r, ATA_REG_NSECT, 1);
	outb(&r, ATA_REG_DEVICE, 0xe0);
	outb(&r, ATA_REG_STATUS, 0xc8);
	CHECK_EQ(inb(&r, ATA_REG_ERROR), ATA_ER_ABRT);
	rig_free(&r);
}

/* Wait for the backend's worker and deliver its completions, as the loop would. */
static void complete(struct rig *r)
{
	struct pollfd p = { .fd = blk_completion_fd(r->blk), .events = POLLIN };
	poll(&p, 1, 5000);
	blk_complete(r->blk);
}

/* With the backend on a worker thread, the drive is BSY until the completion arrives. */
TEST(async_requests_show_bsy)
{
	struct rig r;
	int rounds = 0;

	CHECK(!rig_init(&r, 1024));
	CHECK(!blk_attach(r.blk, NULL, 1));
	outb(&r, ATA_REG_NSECT, 1);
	outb(&r, ATA_REG_LBAL, 9);
	outb(&r, ATA_REG_LBAM, 0);
	outb(&r, ATA_REG_LBAH, 0);
	outb(&r, ATA_REG_DEVICE, 0xe0);
	outb(&r, ATA_REG_STATUS, 0x20);
	CHECK_EQ(inb(&r, ATA_REG_STATUS), ATA_SR_BSY);
	CHECK_EQ(r.irq.level[IRQ], 0);
	complete(&r);
	CHECK_EQ(r.irq.level[IRQ], 1);
	CHECK_EQ(inb(&r, ATA_REG_STATUS) & (ATA_SR_BSY | ATA_SR_DRQ), ATA_SR_DRQ);
	for (int i = 0; i < IDE_SECTOR; i += 2) {
		uint16_t w = (uint16_t)ide_cmd_ops.read(&r.ch, ATA_REG_DATA, 2);
		CHECK_EQ(w, pat(9 * IDE_SECTOR + (unsigned)i) | pat(9 * IDE_SECTOR + (unsigned)i + 1) << 8);
	}

	/* SRST while a read is in flight: applied when the request completes. */
	outb(&r, ATA_REG_STATUS, 0x20);
	ide_ctl_ops.write(&r.ch, 0, 1, ATA_DC_SRST);
	ide_ctl_ops.write(&r.ch, 0, 1, 0);
	CHECK_EQ(inb(&r, ATA_REG_STATUS), ATA_SR_BSY);
	outb(&r, ATA_REG_STATUS, 0xec);			/* ignored while BSY */
	complete(&r);
	CHECK_EQ(inb(&r, ATA_REG_STATUS), ATA_SR_DRDY | ATA_SR_DSC);
	CHECK_EQ(inb(&r, ATA_REG_ERROR), 0x01);
	CHECK_EQ(ide_cmd_ops.read(&r.ch, ATA_REG_DATA, 2), 0xffff);

	/* READ DMA of 300 sectors: two image requests, then the interrupt. */
	prd(&r, 0, 0x100000, 0);
	prd(&r, 1, 0x110000, 0);
	prd(&r, 2, 0x120000, (300 * IDE_SECTOR - 0x20000) | BM_PRD_EOT);
	ide_bmdma_ops.write(&r.bm, BM_REG_PRD, 4, TABLE);
	for (int k = 0; k < 2; k++) {			/* previous (high) bytes, then current */
		outb(&r, ATA_REG_NSECT, k ? 300 & 0xff : 300 >> 8);
		outb(&r, ATA_REG_LBAL, 0);
		outb(&r, ATA_REG_LBAM, 0);
		outb(&r, ATA_REG_LBAH, 0);
	}
	outb(&r, ATA_REG_DEVICE, 0x40);
	outb(&r, ATA_REG_STATUS, 0x25);
	ide_bmdma_ops.write(&r.bm, BM_REG_CMD, 1, BM_CMD_WRITE | BM_CMD_START);
	while (r.ch.drive[0].busy && rounds < 10) {
		CHECK_EQ(r.irq.level[IRQ], 0);
		complete(&r);
		rounds++;
	}
	CHECK_EQ(rounds, 2);
	CHECK_EQ(r.irq.level[IRQ], 1);
	CHECK_EQ(bm_status(&r) & (BM_ST_ACTIVE | BM_ST_ERR | BM_ST_INTR), BM_ST_INTR);
	CHECK(mem_matches(&r, 0x100000, 0, 300 * IDE_SECTOR));
	rig_free(&r);
}

static uint64_t rnd(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

/*
 * A hostile guest: random commands, taskfile values, data-port traffic,
 * resets and bus-master programming, with random PRD tables in RAM, against
 * an ATA master and an ATAPI slave.  Nothing may crash (run under ASan in
 * make check-asan) and the channel must still work afterwards.
 */
TEST(random_storm)
{
	static const uint8_t cmds[] = { 0x20, 0x24, 0x29, 0x30, 0x34, 0x39, 0xc4, 0xc5, 0xc6, 0xc8,
					0x25, 0xca, 0x35, 0xa0, 0xa1, 0xec, 0x08, 0x90, 0x91, 0xef,
					0xe7, 0x40, 0x42 };
	struct rig r;
	struct blk *cd;
	char err[128];
	uint64_t x = 0x1234567887654321ull;

	char cdpath[] = "/tmp/hvm-test-bmdma-cd-XXXXXX";
	int fd = mkstemp(cdpath);

	CHECK(fd >= 0);
	CHECK(!ftruncate(fd, 64 * ATAPI_BLOCK));
	close(fd);
	CHECK(!rig_init(&r, 256));
	CHECK(!blk_open(&cd, cdpath, 1, err, sizeof(err)));
	CHECK(!ide_attach(&r.ch, 1, cd, 1, NULL));
	for (int i = 0; i < 200000; i++) {
		uint64_t v = rnd(&x);
		unsigned op = (unsigned)(v % 17);
		uint8_t b = (uint8_t)(v >> 8);
		switch (op) {
		case 0:
			outb(&r, ATA_REG_STATUS, cmds[(v >> 16) % sizeof(cmds)]);
			break;
		case 1:
			outb(&r, ATA_REG_STATUS, b);
			break;
		case 2: case 3: case 4:
			outb(&r, 1 + (unsigned)((v >> 16) % 6), b);
			break;
		case 5: case 6:
			for (int k = (int)((v >> 20) % 600); k > 0; k--)
				ide_cmd_ops.read(&r.ch, ATA_REG_DATA, 2);
			break;
		case 7:
			for (int k = (int)((v >> 20) % 600); k > 0; k--)
				ide_cmd_ops.write(&r.ch, ATA_REG_DATA, 2, rnd(&x));
			break;
		case 8:
			ide_ctl_ops.write(&r.ch, 0, 1, b & 0x86);
			break;
		case 9:
			prd(&r, (unsigned)((v >> 16) % 4), (uint32_t)(rnd(&x) % (20 << 20)),
			    (uint32_t)rnd(&x) & (0xffff | BM_PRD_EOT));
			break;
		case 10:
			ide_bmdma_ops.write(&r.bm, BM_REG_PRD, 4, (v >> 16) % 2 ? TABLE : (uint32_t)rnd(&x));
			break;
		case 11:
			ide_bmdma_ops.write(&r.bm, BM_REG_CMD, 1, b);
			break;
		case 12:
			ide_bmdma_ops.write(&r.bm, BM_REG_STATUS, 1, b);
			break;
		case 13:
			r.pci_cmd = (v >> 16) % 8 ? PCI_COMMAND_MASTER : 0;
			break;
		case 14: {	/* a packet with a real opcode and random fields */
			static const uint8_t ops[] = { 0x00, 0x03, 0x12, 0x1b, 0x1e, 0x25, 0x28,
						       0xa8, 0x2b, 0x43, 0x5a, 0x46, 0x4a, 0xbd };
			uint8_t c[12];
			for (int k = 0; k < 12; k++)
				c[k] = (uint8_t)rnd(&x);
			c[0] = ops[(v >> 16) % sizeof(ops)];
			if ((v >> 24) & 1) {	/* small LBAs and counts, so reads succeed */
				c[2] = c[3] = c[4] = c[6] = c[7] = 0;
				c[5] &= 63;
				c[8] &= 7;
			}
			outb(&r, ATA_REG_DEVICE, 0xb0);
			outb(&r, ATA_REG_ERROR, (uint8_t)((v >> 32) & 1));
			outb(&r, ATA_REG_LBAM, (uint8_t)(v >> 40));
			outb(&r, ATA_REG_LBAH, (uint8_t)(v >> 48));
			outb(&r, ATA_REG_STATUS, 0xa0);
			for (int k = 0; k < 12; k += 2)
				ide_cmd_ops.write(&r.ch, ATA_REG_DATA, 2, c[k] | c[k + 1] << 8);
			break;
		}
		default:
			ide_cmd_ops.read(&r.ch, (unsigned)((v >> 16) % 8), 1);
			ide_ctl_ops.read(&r.ch, 0, 1);
			ide_bmdma_ops.read(&r.bm, (unsigned)((v >> 16) % 8), 1);
			break;
		}
	}
	/* Reset, then a plain PIO read still works. */
	ide_ctl_ops.write(&r.ch, 0, 1, ATA_DC_SRST);
	ide_ctl_ops.write(&r.ch, 0, 1, 0);
	outb(&r, ATA_REG_NSECT, 1);
	outb(&r, ATA_REG_LBAL, 200);
	outb(&r, ATA_REG_LBAM, 0);
	outb(&r, ATA_REG_LBAH, 0);
	outb(&r, ATA_REG_DEVICE, 0xe0);
	outb(&r, ATA_REG_STATUS, 0x20);
	CHECK_EQ(inb(&r, ATA_REG_STATUS) & (ATA_SR_DRQ | ATA_SR_ERR), ATA_SR_DRQ);
	rig_free(&r);
	blk_close(cd);
	unlink(cdpath);
}

TEST_MAIN_BEGIN("test_ide_bmdma")
	RUN(registers);
	RUN(read_dma_two_regions);
	RUN(start_before_command_and_table_longer_than_transfer);
	RUN(write_dma_ext_reaches_image);
	RUN(region_outside_ram_is_an_error);
	RUN(table_shorter_than_transfer);
	RUN(table_without_eot_stops_at_64k_boundary);
	RUN(huge_transfer_with_small_table);
	RUN(bus_master_disabled);
	RUN(dma_without_bus_master_aborts);
	RUN(random_storm);
	RUN(async_requests_show_bsy);
TEST_MAIN_END()

/*
 * IDENTIFY DEVICE data (ATA/ATAPI-6, 8.15: the 256 words a drive reports) and
 * the helpers IDENTIFY PACKET DEVICE shares with it (src/dev/atapi.c).
 */
#include "dev/ide.h"

#include <string.h>

void ide_id_string(uint16_t *w, const char *s, unsigned words)
{
	size_t n = strlen(s);
	for (unsigned i = 0; i < words; i++) {
		uint8_t hi = 2 * i < n ? (uint8_t)s[2 * i] : ' ';
		uint8_t lo = 2 * i + 1 < n ? (uint8_t)s[2 * i + 1] : ' ';
		w[i] = (uint16_t)(hi << 8 | lo);
	}
}

void ide_id_checksum(uint16_t *id)
{
	uint8_t sum = 0xa5;
	for (int i = 0; i < 255; i++)
		sum = (uint8_t)(sum + (id[i] & 0xff) + (id[i] >> 8));
	id[255] = (uint16_t)(0xa5 | (uint8_t)-sum << 8);
}

void ide_ata_identify(const struct ide_drive *d, uint16_t *id)
{
	uint64_t n = d->nsectors;
	uint32_t lba28 = n > 0x0fffffff ? 0x0fffffff : (uint32_t)n;
	uint32_t chs = d->cur_heads * d->cur_spt;
	uint32_t cur_cyls = chs ? (uint32_t)(n / chs) : 0;
	unsigned mode = d->xfer_mode;

	memset(id, 0, 512);
	if (cur_cyls > 65535)
		cur_cyls = 65535;
	chs *= cur_cyls;
	id[0] = 0x0040;				/* fixed device */
	id[1] = (uint16_t)d->cyls;
	id[3] = (uint16_t)d->heads;
	id[6] = (uint16_t)d->spt;
	ide_id_string(id + 10, d->serial, 10);
	ide_id_string(id + 23, "1.0", 4);
	ide_id_string(id + 27, d->model, 20);
	id[47] = 0x8000 | IDE_MAX_MULT;
	id[49] = 0x0300;			/* LBA, DMA */
	id[50] = 0x4000;
	id[51] = 0x0200;			/* PIO timing mode 2 */
	id[53] = 0x0007;			/* words 54-58, 64-70, 88 valid */
	id[54] = (uint16_t)cur_cyls;
	id[55] = (uint16_t)d->cur_heads;
	id[56] = (uint16_t)d->cur_spt;
	id[57] = (uint16_t)chs;
	id[58] = (uint16_t)(chs >> 16);
	id[59] = (uint16_t)(d->mult ? 0x100 | d->mult : 0);
	id[60] = (uint16_t)lba28;
	id[61] = (uint16_t)(lba28 >> 16);
	id[63] = 0x0007 | ((mode >> 3) == 4 ? 0x100 << (mode & 7) : 0);
	id[64] = 0x0003;			/* PIO 3 and 4 */
	id[65] = id[66] = id[67] = id[68] = 120;
	id[80] = 0x007e;			/* ATA-1 .. ATA-6 */
	id[82] = 0x4000 | 0x0020;		/* write cache */
	id[83] = 0x4000 | 0x2000 | 0x1000 | 0x0400;	/* FLUSH CACHE (EXT), 48-bit */
	id[84] = 0x4000;
	id[85] = (uint16_t)(d->wcache ? 0x0020 : 0);
	id[86] = 0x2000 | 0x1000 | 0x0400;
	id[87] = 0x4000;
	id[88] = 0x003f | ((mode >> 3) == 8 ? 0x100 << (mode & 7) : 0);
	id[93] = 0x4000 | 0x2000 | 0x0001;	/* 80-conductor cable detected */
	for (int i = 0; i < 4; i++)
		id[100 + i] = (uint16_t)(n >> (16 * i));
	ide_id_checksum(id);
}

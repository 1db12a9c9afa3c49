/*
 * PIIX3 IDE bus-master DMA: per channel a command register (BMICX), a status
 * register (BMISX) and a descriptor table pointer (BMIDTPX), 8 ports per
 * channel in BAR4.  The engine walks the Physical Region Descriptor table
 * that the guest built; every entry and every region goes through the
 * checked guest-memory helpers.
 */
#ifndef HVM_DEV_IDE_BMDMA_H
#define HVM_DEV_IDE_BMDMA_H

#include <stdint.h>

#include "core/bus.h"
#include "core/mem.h"

struct ide_channel;

#define BM_REG_CMD	0
#define BM_REG_STATUS	2
#define BM_REG_PRD	4	/* dword, 4..7 */
#define BM_PORTS	8

#define BM_CMD_START	0x01
#define BM_CMD_WRITE	0x08	/* bus master writes memory: device-to-memory transfers */
#define BM_ST_ACTIVE	0x01
#define BM_ST_ERR	0x02
#define BM_ST_INTR	0x04
#define BM_ST_DMA0	0x20	/* drive 0 DMA capable (software-set) */
#define BM_ST_DMA1	0x40
#define BM_ST_SIMPLEX	0x80

#define BM_PRD_EOT	0x80000000u
#define BM_PRD_TABLE_SPAN 0x10000u	/* a table may not cross a 64 KiB boundary */

struct ide_bmdma {
	uint8_t cmd, status;
	uint32_t prd;			/* table base (dword aligned) */
	const struct guest_mem *mem;
	struct ide_channel *ch;
	const uint8_t *pci_cmd;		/* PCI command register low byte; NULL: master always on */
	/* Where the engine is in the table. */
	uint32_t idx;			/* entry */
	uint32_t off;			/* bytes of that entry already moved */
	int table_done;			/* the EOT entry was used up */
};

void ide_bmdma_init(struct ide_bmdma *bm, const struct guest_mem *mem, struct ide_channel *ch,
		    const uint8_t *pci_cmd);
void ide_bmdma_reset(struct ide_bmdma *bm);
/*
 * Move len bytes between buf and guest memory along the PRD table,
 * continuing where the previous call stopped.  to_mem: device-to-memory.
 * 0; -EFAULT if the table or a region is outside RAM or the table crosses
 * its 64 KiB boundary; -ENOSPC if the table ends first; -EPERM if bus
 * mastering is off or the engine is stopped.
 */
int ide_bmdma_rw(struct ide_bmdma *bm, void *buf, uint32_t len, int to_mem);
/* The drive finished the command: interrupt bit; active cleared when the table is used up. */
void ide_bmdma_done(struct ide_bmdma *bm, int error);
/* The channel's INTRQ rose. */
void ide_bmdma_irq(struct ide_bmdma *bm);

/* 8 ports; opaque = struct ide_bmdma. */
extern const struct io_ops ide_bmdma_ops;

#endif

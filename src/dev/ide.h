/*
 * An ATA/ATAPI channel (two drives behind one taskfile) as the PIIX3 IDE
 * function exposes it at the legacy ports: the command block at
 * 0x1f0/0x170 (8 ports) and the control block at 0x3f6/0x376 (1 port).
 * ide.c holds the ATA state machine, atapi.c the packet commands,
 * ide_bmdma.c the bus-master DMA engine.
 */
#ifndef HVM_DEV_IDE_H
#define HVM_DEV_IDE_H

#include <stddef.h>
#include <stdint.h>

#include "core/bus.h"
#include "core/irq.h"
#include "host/blk.h"

struct ide_bmdma;
struct ide_channel;

/* Status register */
#define ATA_SR_ERR	0x01
#define ATA_SR_DRQ	0x08
#define ATA_SR_DSC	0x10
#define ATA_SR_DF	0x20
#define ATA_SR_DRDY	0x40
#define ATA_SR_BSY	0x80
/* Error register */
#define ATA_ER_AMNF	0x01
#define ATA_ER_ABRT	0x04
#define ATA_ER_IDNF	0x10
#define ATA_ER_UNC	0x40
/* Device control register */
#define ATA_DC_NIEN	0x02
#define ATA_DC_SRST	0x04
#define ATA_DC_HOB	0x80
/* Device register */
#define ATA_DEV_LBA	0x40
#define ATA_DEV_DEV	0x10
/* Command block register offsets */
#define ATA_REG_DATA	0
#define ATA_REG_ERROR	1	/* read; FEATURE on write */
#define ATA_REG_NSECT	2
#define ATA_REG_LBAL	3
#define ATA_REG_LBAM	4
#define ATA_REG_LBAH	5
#define ATA_REG_DEVICE	6
#define ATA_REG_STATUS	7	/* read; COMMAND on write */
/* ATAPI interrupt reason (in the sector count register) */
#define ATAPI_IR_COD	0x01
#define ATAPI_IR_IO	0x02

#define IDE_SECTOR	512
#define ATAPI_BLOCK	2048
#define IDE_BUF_SIZE	(128 * 1024)	/* staging buffer: PIO blocks, DMA chunks */
#define IDE_MAX_MULT	16		/* READ/WRITE MULTIPLE sectors per DRQ block */

enum ide_xfer {
	IDE_XFER_NONE,
	IDE_XFER_PIO_IN,	/* device -> host through the data port */
	IDE_XFER_PIO_OUT,
	IDE_XFER_DMA_IN,	/* device -> guest memory through the bus master */
	IDE_XFER_DMA_OUT,
};

/* What happens when the current PIO block has been moved. */
enum ide_end {
	IDE_END_NONE,
	IDE_END_IDENTIFY,	/* one block, then the command is done */
	IDE_END_READ,		/* next block of a READ SECTORS/MULTIPLE */
	IDE_END_WRITE,		/* commit the block of a WRITE SECTORS/MULTIPLE */
	IDE_END_PACKET,		/* 12 command bytes arrived */
	IDE_END_ATAPI_DATA,	/* next byte-count chunk of a packet command */
};

/* What a request in flight to the image is for: where its completion goes on. */
enum ide_io {
	IDE_IO_NONE,
	IDE_IO_PIO_READ,
	IDE_IO_PIO_WRITE,
	IDE_IO_FLUSH,
	IDE_IO_DMA_READ,
	IDE_IO_DMA_WRITE,
	IDE_IO_ATAPI_PIO,
};

struct atapi_state {
	uint8_t sense_key, asc, ascq;
	int locked;		/* PREVENT ALLOW MEDIUM REMOVAL */
	int dma;		/* the PACKET command asked for DMA (feature bit 0) */
	unsigned bcl;		/* byte count limit of the PACKET command */
	uint64_t read_lba;	/* READ(10/12) still to stage into the buffer */
	uint64_t read_left;	/* blocks */
	int check;		/* the command ends with CHECK CONDITION */
};

struct ide_drive {
	int present, atapi;
	struct ide_channel *ch;
	struct blk *blk;
	uint64_t nsectors;	/* ATA: 512-byte sectors; ATAPI: 2048-byte blocks */
	int readonly;
	char serial[21], model[41];

	/* Taskfile: every register written goes to both drives; [1] is the HOB byte. */
	uint8_t feature[2], nsect[2], lbal[2], lbam[2], lbah[2];
	uint8_t device, status, error;
	int intrq;		/* interrupt pending (cleared by reading status) */

	unsigned cyls, heads, spt;	/* default geometry */
	unsigned cur_heads, cur_spt;	/* INITIALIZE DEVICE PARAMETERS */
	unsigned mult;		/* SET MULTIPLE MODE; 0 = disabled */
	uint8_t xfer_mode;	/* SET FEATURES 03h value */
	int wcache;		/* write cache enabled */

	/* Current transfer: buf[pos, drq_end) is the DRQ block the host moves. */
	uint8_t *buf;
	unsigned pos, drq_end, end;
	enum ide_xfer xfer;
	enum ide_end on_end;
	uint8_t cmd;
	uint64_t lba;		/* next sector of a read/write */
	uint64_t left;		/* sectors still to move, including the current block */
	unsigned block;		/* sectors per DRQ block */

	/* One request at a time; the drive shows BSY while it is in flight. */
	struct blk_req req;
	struct iovec iov;
	enum ide_io io;
	uint64_t io_len;
	int busy;
	int io_flushed;		/* write-through: the flush after a write was issued */
	int reset_pending;	/* 1: SRST/DEVICE RESET, 2: power-on, applied at completion */

	struct atapi_state at;
};

struct ide_channel {
	struct ide_drive drive[2];
	int cur;		/* selected drive */
	uint8_t devctl;
	const struct irq_line *irq;
	int irq_level;
	struct ide_bmdma *bm;	/* may be NULL: no DMA */
	const char *name;
};

/* Initialise an empty channel that drives `irq` (ISA line). */
void ide_channel_init(struct ide_channel *ch, const char *name, const struct irq_line *irq);
/*
 * Attach a disk (atapi = 0) or a CD-ROM (atapi = 1) image on drive `unit`
 * (0 master, 1 slave).  The channel does not own blk: close it (which
 * stops its workers) BEFORE ide_channel_free releases the buffers that
 * requests in flight point into.  With blk attached to a loop, transfers
 * run on its workers and the drive is BSY meanwhile; without, they
 * complete inside the register access.  0 or -errno.
 */
int ide_attach(struct ide_channel *ch, int unit, struct blk *blk, int atapi, const char *serial);
void ide_channel_free(struct ide_channel *ch);
/* Power-on / hardware reset of both drives. */
void ide_channel_reset(struct ide_channel *ch);

/* Command block (8 ports) and control block (1 port); opaque = ide_channel. */
extern const struct io_ops ide_cmd_ops;
extern const struct io_ops ide_ctl_ops;

/* --- for ide_bmdma.c and atapi.c ------------------------------------ */
/* The bus master's start bit went 0 -> 1: run a pending DMA command. */
void ide_dma_start(struct ide_channel *ch);
/* The drive is ready to move its data by DMA in direction dir (ide_bmdma.c). */
void ide_dma_cmd(struct ide_channel *ch, struct ide_drive *d, enum ide_xfer dir);
/* A DMA_READ/DMA_WRITE request finished (ide_bmdma.c). */
void ide_dma_io_done(struct ide_channel *ch, struct ide_drive *d, int err);
/* Queue a request to the image; its completion goes on according to io. */
void ide_submit(struct ide_drive *d, enum ide_io io, enum blk_op op, void *buf,
		uint64_t off, uint64_t len);
/* Queue a read of the next buffer-full of the current command; 0 if nothing is left. */
int ide_read_next(struct ide_drive *d, enum ide_io io);
/* Finish the command on d: status (DRDY | extra), error, interrupt. */
void ide_cmd_done(struct ide_channel *ch, struct ide_drive *d, uint8_t err);
void ide_set_irq(struct ide_channel *ch, struct ide_drive *d);
/* Present buf[pos, pos+len) as the next PIO block (DRQ, interrupt if irq). */
void ide_pio_block(struct ide_channel *ch, struct ide_drive *d, unsigned len,
		   enum ide_xfer dir, enum ide_end on_end, int irq);

/* --- atapi.c ---------------------------------------------------------- */
/* PACKET command accepted: wait for the 12 command bytes. */
void atapi_packet_cmd(struct ide_channel *ch, struct ide_drive *d);
/* The 12 bytes are in d->buf: run the command and start its data phase. */
void atapi_packet_exec(struct ide_channel *ch, struct ide_drive *d);
/* The host moved one chunk: present the next one or end the command. */
void atapi_data_end(struct ide_channel *ch, struct ide_drive *d);
/* The read that ide_read_next queued for a PIO data phase finished. */
void atapi_read_done(struct ide_channel *ch, struct ide_drive *d, int err);
/* End a packet command after its data (good or CHECK CONDITION). */
void atapi_cmd_end(struct ide_channel *ch, struct ide_drive *d);
/* Fill IDENTIFY PACKET DEVICE data (256 words) into buf. */
void atapi_identify(const struct ide_drive *d, uint16_t *id);
/* Signature in the taskfile after a reset or an aborted IDENTIFY DEVICE. */
void atapi_signature(struct ide_drive *d);
/* SCSI command on its own (for tests): data in d->buf[0, *len); 0 good, -1 check condition. */
int atapi_scsi(struct ide_drive *d, const uint8_t *cdb, unsigned *len);

/* ide_identify.c, shared with atapi.c: ATA string (byte-swapped words, space padded). */
void ide_id_string(uint16_t *w, const char *s, unsigned words);
void ide_id_checksum(uint16_t *id);
/* IDENTIFY DEVICE words for an ATA drive (ide_identify.c). */
void ide_ata_identify(const struct ide_drive *d, uint16_t *id);

#endif

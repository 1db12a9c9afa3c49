/*
 * i440FX Programmable Attribute Map (PAM): shadow RAM control for the
 * legacy BIOS area [0xc0000, 0x100000), driven by host bridge config
 * registers 0x59..0x5f (82441FX datasheet, "PAM0-PAM6").
 *
 * The board maps pam_mmio_ops over [PAM_START, PAM_END) on the MMIO bus; it
 * serves the accesses that no memory region takes (see pam.c).
 */
#ifndef HVM_DEV_PAM_H
#define HVM_DEV_PAM_H

#include <stdint.h>

#include "core/bus.h"
#include "core/mem.h"

#define PAM_START		0xc0000ULL
#define PAM_END			0x100000ULL
#define PAM_ROM_MAX		0x20000ULL	/* the flash decodes at most 0xe0000-0xfffff */
#define PAM_NR_SEGS		13	/* 0xf0000 (64 KiB) + 12 x 16 KiB from 0xc0000 */
#define I440FX_PAM0		0x59	/* PAM0..PAM6: 0x59..0x5f */
#define I440FX_PAM_NR_REGS	7
#define PAM_RE			0x1	/* reads go to DRAM */
#define PAM_WE			0x2	/* writes go to DRAM */

struct pam {
	struct guest_mem *mem;
	uint8_t *ram;		/* host address of guest RAM at gpa 0 (covers PAM_END) */
	const uint8_t *rom;	/* BIOS bytes that decode at [rom_base, PAM_END), or NULL */
	uint64_t rom_base;
	uint8_t attr[PAM_NR_SEGS];	/* PAM_RE | PAM_WE of each segment */
	uint8_t mapped[PAM_NR_SEGS];	/* what memory region sits there now */
};

/* Base and size of segment i (0: 0xf0000, 64 KiB; 1..12: 0xc0000 + 16 KiB * (i-1)). */
uint64_t pam_seg_base(unsigned i);
uint64_t pam_seg_size(unsigned i);
/* Attributes of segment i in the seven PAM register bytes. */
unsigned pam_decode(const uint8_t regs[I440FX_PAM_NR_REGS], unsigned i);

/*
 * Take over [PAM_START, PAM_END) of m: the RAM region that covers it is split
 * so each segment is its own region, then all segments start with RE=WE=0
 * (reads from the ROM where rom covers them).  rom (rom_len bytes, a multiple
 * of 64 KiB, <= PAM_ROM_MAX) ends at PAM_END; NULL for none.  Must be called
 * before the engine runs code.  0 or -errno.
 */
int pam_init(struct pam *p, struct guest_mem *m, const uint8_t *rom, uint64_t rom_len);
/* Apply new register values (PAM0..PAM6); remaps the segments that changed. */
void pam_update(struct pam *p, const uint8_t regs[I440FX_PAM_NR_REGS]);

/* opaque = struct pam *: accesses to segments that have no region mapped. */
extern const struct io_ops pam_mmio_ops;

#endif

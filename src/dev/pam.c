/*
 * i440FX PAM shadowing, after the 82441FX datasheet (PAM registers 59h-5Fh):
 * each of 13 segments of the legacy BIOS area has a read-enable (RE) and a
 * write-enable (WE) bit.  Accesses with the bit set go to DRAM; the others
 * are forwarded to PCI/ISA, where the BIOS flash decodes [0xe0000, 0x100000)
 * and nothing else answers (reads all ones, writes vanish).
 *
 *   PAM0 (59h) bits 5:4   0xf0000-0xfffff
 *   PAM1 (5Ah) bits 1:0   0xc0000-0xc3fff, bits 5:4 0xc4000-0xc7fff
 *   ...
 *   PAM6 (5Fh) bits 1:0   0xe8000-0xebfff, bits 5:4 0xec000-0xeffff
 *
 * Each segment is its own memory region, so the engines run from it at
 * full speed: RE=1 maps the RAM (read-only when WE=0: writes dropped);
 * RE=0 WE=0 maps the ROM bytes read-only where the flash decodes, else
 * nothing.  RE=0 WE=1 (write-only shadow) maps nothing: pam_mmio_ops then
 * reads from the flash (or all ones) and writes into the RAM behind it, as
 * the chipset does, at MMIO speed.  Code fetched from such a segment comes
 * through the MMIO path too.  Not modelled: SMRAM (72h), the cache-enable
 * side of the attributes.
 */
#include "dev/pam.h"
#include "layout.h"

#include <errno.h>
#include <string.h>

enum { MAP_NONE, MAP_RAM, MAP_RAM_RO, MAP_ROM };

#define SEG0_BASE	0xf0000ULL
#define SEG_SMALL	0x4000ULL

uint64_t pam_seg_base(unsigned i)
{
	return i == 0 ? SEG0_BASE : PAM_START + (uint64_t)(i - 1) * SEG_SMALL;
}

uint64_t pam_seg_size(unsigned i)
{
	return i == 0 ? 0x10000ULL : SEG_SMALL;
}

unsigned pam_decode(const uint8_t regs[I440FX_PAM_NR_REGS], unsigned i)
{
	if (i >= PAM_NR_SEGS)
		return 0;
	if (i == 0)
		return (regs[0] >> 4) & 3;
	unsigned r = 1 + (i - 1) / 2;
	return (regs[r] >> ((i - 1) % 2 ? 4 : 0)) & 3;
}

static unsigned seg_of(uint64_t gpa)
{
	return gpa >= SEG0_BASE ? 0 : 1 + (unsigned)((gpa - PAM_START) / SEG_SMALL);
}

static int rom_covers(const struct pam *p, unsigned i)
{
	return p->rom && pam_seg_base(i) >= p->rom_base;
}

static int wanted(const struct pam *p, unsigned i)
{
	unsigned a = p->attr[i];
	if (a & PAM_RE)
		return a & PAM_WE ? MAP_RAM : MAP_RAM_RO;
	return !(a & PAM_WE) && rom_covers(p, i) ? MAP_ROM : MAP_NONE;
}

static void remap(struct pam *p, unsigned i)
{
	uint64_t base = pam_seg_base(i), size = pam_seg_size(i);
	int w = wanted(p, i);

	if (w == p->mapped[i])
		return;
	if (p->mapped[i] != MAP_NONE)
		mem_remove_region(p->mem, base);
	p->mapped[i] = MAP_NONE;
	/* The region was free a moment ago, so these cannot overlap or run out. */
	if (w == MAP_RAM || w == MAP_RAM_RO) {
		if (!mem_add_region(p->mem, base, size, p->ram + base,
				    MEM_F_ANON | (w == MAP_RAM_RO ? MEM_F_READONLY : 0)))
			p->mapped[i] = (uint8_t)w;
	} else if (w == MAP_ROM) {
		if (!mem_add_region(p->mem, base, size, (void *)(p->rom + (base - p->rom_base)),
				    MEM_F_READONLY))
			p->mapped[i] = MAP_ROM;
	}
}

int pam_init(struct pam *p, struct guest_mem *m, const uint8_t *rom, uint64_t rom_len)
{
	const struct mem_region *r = mem_find(m, PAM_START);
	int err;

	memset(p, 0, sizeof(*p));
	if (rom && (!rom_len || rom_len > PAM_ROM_MAX || rom_len % 0x10000))
		return -EINVAL;
	/* mem_init's RAM region [0xc0000, low_end) from the one low mapping. */
	if (!r || r->gpa != PAM_START || !m->low_host || m->low_end <= PAM_END ||
	    r->host != m->low_host + PAM_START || r->gpa + r->size != m->low_end)
		return -EINVAL;
	if (m->nr + PAM_NR_SEGS + 1 > MEM_MAX_REGIONS)
		return -ENOSPC;
	p->mem = m;
	p->ram = m->low_host;
	p->rom = rom;
	p->rom_base = rom ? PAM_END - rom_len : PAM_END;
	err = mem_remove_region(m, PAM_START);
	if (!err)
		err = mem_add_region(m, PAM_END, m->low_end - PAM_END, m->low_host + PAM_END,
				     MEM_F_ANON);
	if (err)
		return err;
	for (unsigned i = 0; i < PAM_NR_SEGS; i++)
		remap(p, i);
	return 0;
}

void pam_update(struct pam *p, const uint8_t regs[I440FX_PAM_NR_REGS])
{
	if (!p->mem)
		return;
	for (unsigned i = 0; i < PAM_NR_SEGS; i++) {
		p->attr[i] = (uint8_t)pam_decode(regs, i);
		remap(p, i);
	}
}

/* Guest address of byte k of an access at off, or 0 if outside the window. */
static uint64_t byte_gpa(uint64_t off, unsigned k)
{
	const uint64_t len = PAM_END - PAM_START;
	if (off >= len || k >= len - off)
		return 0;
	return PAM_START + off + k;
}

static uint64_t pam_mmio_read(void *opaque, uint64_t off, unsigned size)
{
	struct pam *p = opaque;
	uint64_t v = 0;
	for (unsigned k = 0; k < 8; k++) {
		uint64_t gpa = byte_gpa(off, k);
		uint8_t b = 0xff;
		if (k >= size)
			break;
		if (gpa && p->mem) {
			unsigned i = seg_of(gpa);
			if (p->attr[i] & PAM_RE)
				b = p->ram[gpa];
			else if (rom_covers(p, i))
				b = p->rom[gpa - p->rom_base];
		}
		v |= (uint64_t)b << (8 * k);
	}
	return v;
}

static void pam_mmio_write(void *opaque, uint64_t off, unsigned size, uint64_t val)
{
	struct pam *p = opaque;
	for (unsigned k = 0; k < size && k < 8; k++) {
		uint64_t gpa = byte_gpa(off, k);
		if (!gpa || !p->mem || !(p->attr[seg_of(gpa)] & PAM_WE))
			continue;
		p->ram[gpa] = (uint8_t)(val >> (8 * k));
		if (p->mem->on_write)
			p->mem->on_write(p->mem->on_write_opaque, gpa, 1);
	}
}

const struct io_ops pam_mmio_ops = {
	.name = "pam",
	.read = pam_mmio_read,
	.write = pam_mmio_write,
};

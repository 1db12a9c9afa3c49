/*
 * PCI bus 0 and type-0 configuration space, after the PCI Local Bus
 * Specification 3.0: configuration mechanism #1 (3.2.2.3.2), the header
 * (6.1, 6.2), BAR sizing (6.2.5.1), capability lists (6.7).
 *
 * Each config byte has a write mask and a write-1-to-clear mask, so
 * read-only fields stay read-only and BAR sizing falls out of the masks:
 * writing all ones to a BAR reads back ~(size-1) with the type bits.
 *
 * The expansion ROM BAR (6.2.5.2) decodes when its enable bit and Memory
 * Space are both set; the image is then a read-only guest-memory region.
 *
 * Not emulated: buses other than 0 (no bridges), extended (4 KiB) config
 * space, configuration mechanism #2, parity/SERR
 * signalling.  Only dword accesses at 0xcf8 reach the address register;
 * a byte at 0xcf9 goes to the Reset Control Register when the board hands
 * one over (pci_bus_set_cf9), other narrow accesses there are ignored.
 */
#include "dev/pci.h"
#include "core/log.h"
#include "core/mem.h"

#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#define PCI_CONFIG_ENABLE	0x80000000u
#define PCI_CONFIG_ADDR_MASK	0x80fffffcu	/* enable, bus, dev, fn, dword register */
#define PCI_CAP_FIRST		0x40
#define PCI_STATUS_W1C		0xf900	/* parity, target/master aborts, SERR, parity error */
#define PCI_COMMAND_WMASK	(PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER | \
				 0x0040 | 0x0100 | PCI_COMMAND_INTX_DISABLE)

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

void pci_dev_init(struct pci_dev *d, const char *name, uint16_t vendor, uint16_t device,
		  uint32_t class_code, uint8_t revision)
{
	memset(d, 0, sizeof(*d));
	d->name = name;
	d->devfn = -1;
	d->cap_end = PCI_CAP_FIRST;
	put16(d->cfg + PCI_VENDOR_ID, vendor);
	put16(d->cfg + PCI_DEVICE_ID, device);
	d->cfg[PCI_REVISION_ID] = revision;
	d->cfg[PCI_CLASS_PROG] = (uint8_t)class_code;
	put16(d->cfg + PCI_CLASS_DEVICE, (uint16_t)(class_code >> 8));
	put16(d->wmask + PCI_COMMAND, PCI_COMMAND_WMASK);
	put16(d->w1cmask + PCI_STATUS, PCI_STATUS_W1C);
	d->wmask[PCI_CACHE_LINE_SIZE] = 0xff;
	d->wmask[PCI_LATENCY_TIMER] = 0xff;
	d->wmask[PCI_INTERRUPT_LINE] = 0xff;
	for (int i = 0; i < PCI_NUM_BARS; i++)
		d->bar[i].addr = PCI_BAR_UNMAPPED;
	d->rom.addr = PCI_BAR_UNMAPPED;
}

void pci_set_irq_pin(struct pci_dev *d, unsigned pin)
{
	d->cfg[PCI_INTERRUPT_PIN] = pin <= 4 ? (uint8_t)pin : 0;
}

int pci_add_capability(struct pci_dev *d, uint8_t id, unsigned len)
{
	if (len < 2)
		return -EINVAL;
	unsigned off = (d->cap_end + 3u) & ~3u;
	if (off + len > PCI_CFG_SIZE)
		return -ENOSPC;
	d->cfg[off] = id;
	d->cfg[off + 1] = 0;
	if (!d->cfg[PCI_CAPABILITY_LIST]) {
		d->cfg[PCI_CAPABILITY_LIST] = (uint8_t)off;
	} else {
		unsigned p = d->cfg[PCI_CAPABILITY_LIST];
		/* Our own list, but bound the walk anyway. */
		for (int n = 0; n < 64 && d->cfg[p + 1]; n++)
			p = d->cfg[p + 1];
		d->cfg[p + 1] = (uint8_t)off;
	}
	d->cfg[PCI_STATUS] |= PCI_STATUS_CAP_LIST;
	d->cap_end = (uint8_t)(off + len > 0xff ? 0xff : off + len);
	return (int)off;
}

static int bar_is_upper_half(const struct pci_dev *d, int n)
{
	return n > 0 && d->bar[n - 1].size && (d->bar[n - 1].type & PCI_BAR_MEM64);
}

int pci_register_bar(struct pci_dev *d, int n, uint64_t size, unsigned type)
{
	if (n < 0 || n >= PCI_NUM_BARS || !size || (size & (size - 1)))
		return -EINVAL;
	if (d->bar[n].size || bar_is_upper_half(d, n))
		return -EINVAL;
	unsigned off = PCI_BAR0 + 4 * (unsigned)n;
	if (type & PCI_BAR_IO) {
		if (type != PCI_BAR_IO || size < 4 || size > 0x10000)
			return -EINVAL;
		put32(d->cfg + off, PCI_BAR_IO);
		put32(d->wmask + off, (uint32_t)~(size - 1) & ~3u);
	} else if (type & PCI_BAR_MEM64) {
		if ((type & ~(PCI_BAR_MEM64 | PCI_BAR_PREFETCH)) || n == PCI_NUM_BARS - 1 ||
		    d->bar[n + 1].size || size < 16)
			return -EINVAL;
		put32(d->cfg + off, type);
		put32(d->wmask + off, (uint32_t)~(size - 1) & ~0xfu);
		put32(d->cfg + off + 4, 0);
		put32(d->wmask + off + 4, (uint32_t)(~(size - 1) >> 32));
	} else {
		if ((type & ~PCI_BAR_PREFETCH) || size < 16 || size > 0x80000000ULL)
			return -EINVAL;
		put32(d->cfg + off, type);
		put32(d->wmask + off, (uint32_t)~(size - 1) & ~0xfu);
	}
	d->bar[n].size = size;
	d->bar[n].type = type;
	d->bar[n].addr = PCI_BAR_UNMAPPED;
	return 0;
}

/* Where BAR n would decode given its register and the command register. */
static uint64_t bar_decode(const struct pci_dev *d, int n)
{
	const struct pci_bar *b = &d->bar[n];
	unsigned off = PCI_BAR0 + 4 * (unsigned)n;
	uint16_t cmd = (uint16_t)(d->cfg[PCI_COMMAND] | d->cfg[PCI_COMMAND + 1] << 8);
	uint64_t addr;

	if (!b->size)
		return PCI_BAR_UNMAPPED;
	if (b->type & PCI_BAR_IO) {
		if (!(cmd & PCI_COMMAND_IO))
			return PCI_BAR_UNMAPPED;
		addr = get32(d->cfg + off) & ~3u;
		/* x86 has 64 KiB of ports; the sizing pattern lands beyond them. */
		if (!addr || addr + b->size > 0x10000)
			return PCI_BAR_UNMAPPED;
		return addr;
	}
	if (!(cmd & PCI_COMMAND_MEMORY))
		return PCI_BAR_UNMAPPED;
	addr = get32(d->cfg + off) & ~0xfu;
	if (b->type & PCI_BAR_MEM64) {
		addr |= (uint64_t)get32(d->cfg + off + 4) << 32;
		if (!addr || addr + b->size < addr || addr + b->size == 0)
			return PCI_BAR_UNMAPPED;
		return addr;
	}
	/* Ending at 4 GiB is the sizing pattern, not a place anything lives. */
	if (!addr || addr + b->size >= 0x100000000ULL)
		return PCI_BAR_UNMAPPED;
	return addr;
}

uint64_t pci_bar_address(const struct pci_dev *d, int n)
{
	if (n == PCI_ROM_BAR)
		return d->rom.addr;
	if (n < 0 || n >= PCI_NUM_BARS)
		return PCI_BAR_UNMAPPED;
	return d->bar[n].addr;
}

static uint64_t rom_decode(const struct pci_dev *d)
{
	uint32_t v = get32(d->cfg + PCI_ROM_ADDRESS);
	uint64_t addr = v & PCI_ROM_ADDR_MASK;

	if (!d->rom.size || !(v & PCI_ROM_ENABLE) || !(d->cfg[PCI_COMMAND] & PCI_COMMAND_MEMORY))
		return PCI_BAR_UNMAPPED;
	if (!addr || addr + d->rom.size >= 0x100000000ULL)
		return PCI_BAR_UNMAPPED;
	return addr;
}

static void update_rom(struct pci_dev *d)
{
	uint64_t now = rom_decode(d), old = d->rom.addr;

	if (now == old)
		return;
	if (d->rom_mapped)
		mem_remove_region(d->rom_mem, old);
	d->rom_mapped = 0;
	d->rom.addr = now;
	if (now != PCI_BAR_UNMAPPED && d->rom_mem) {
		if (mem_add_region(d->rom_mem, now, d->rom.size, d->rom_host, MEM_F_READONLY))
			pr_warn("%s: expansion ROM at %#llx overlaps memory; not mapped", d->name,
				(unsigned long long)now);
		else
			d->rom_mapped = 1;
	}
	if (d->on_bar_change)
		d->on_bar_change(d, PCI_ROM_BAR, old, now);
}

int pci_set_rom(struct pci_dev *d, struct guest_mem *mem, const void *data, size_t len)
{
	uint64_t size = 0x1000;
	void *p;

	if (!len || len > 0x1000000 || d->rom.size)
		return -EINVAL;
	while (size < len)
		size <<= 1;
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return -ENOMEM;
	memcpy(p, data, len);
	d->rom_host = p;
	d->rom_mem = mem;
	d->rom.size = size;
	d->rom.type = PCI_BAR_MEM32;
	d->rom.addr = PCI_BAR_UNMAPPED;
	put32(d->wmask + PCI_ROM_ADDRESS, ((uint32_t)~(size - 1) & PCI_ROM_ADDR_MASK) | PCI_ROM_ENABLE);
	return 0;
}

void pci_free_rom(struct pci_dev *d)
{
	if (!d->rom_host)
		return;
	if (d->rom_mapped)
		mem_remove_region(d->rom_mem, d->rom.addr);
	d->rom_mapped = 0;
	munmap(d->rom_host, d->rom.size);
	d->rom_host = NULL;
	d->rom.size = 0;
	d->rom.addr = PCI_BAR_UNMAPPED;
	put32(d->wmask + PCI_ROM_ADDRESS, 0);
	put32(d->cfg + PCI_ROM_ADDRESS, 0);
}

static void update_bars(struct pci_dev *d)
{
	for (int n = 0; n < PCI_NUM_BARS; n++) {
		uint64_t now = bar_decode(d, n);
		uint64_t old = d->bar[n].addr;
		if (now == old)
			continue;
		d->bar[n].addr = now;
		if (d->on_bar_change)
			d->on_bar_change(d, n, old, now);
	}
	update_rom(d);
}

uint32_t pci_cfg_read(struct pci_dev *d, unsigned off, unsigned size)
{
	uint32_t v = 0;
	if (size > 4)
		size = 4;
	if (off >= PCI_CFG_SIZE)
		return size == 4 ? 0xffffffffu : (1u << (8 * size)) - 1;
	if (d->cfg_read)
		d->cfg_read(d, off, size);
	for (unsigned i = 0; i < size; i++) {
		uint8_t b = off + i < PCI_CFG_SIZE ? d->cfg[off + i] : 0xff;
		v |= (uint32_t)b << (8 * i);
	}
	return v;
}

static int touches(unsigned off, unsigned size, unsigned lo, unsigned hi)
{
	return off < hi && off + size > lo;
}

void pci_cfg_write(struct pci_dev *d, unsigned off, unsigned size, uint32_t val)
{
	if (size > 4)
		size = 4;
	if (off >= PCI_CFG_SIZE)
		return;
	for (unsigned i = 0; i < size && off + i < PCI_CFG_SIZE; i++) {
		unsigned o = off + i;
		uint8_t b = (uint8_t)(val >> (8 * i));
		d->cfg[o] = (uint8_t)((d->cfg[o] & ~d->wmask[o]) | (b & d->wmask[o]));
		d->cfg[o] &= (uint8_t)~(b & d->w1cmask[o]);
	}
	if (touches(off, size, PCI_COMMAND, PCI_COMMAND + 2) ||
	    touches(off, size, PCI_BAR0, PCI_BAR0 + 4 * PCI_NUM_BARS) ||
	    touches(off, size, PCI_ROM_ADDRESS, PCI_ROM_ADDRESS + 4))
		update_bars(d);
	if (d->cfg_write)
		d->cfg_write(d, off, size, val);
}

void pci_dev_reset(struct pci_dev *d)
{
	for (unsigned o = 0; o < PCI_CFG_SIZE; o++)
		d->cfg[o] &= (uint8_t)~(d->wmask[o] | d->w1cmask[o]);
	update_bars(d);
	if (d->reset)
		d->reset(d);
}

void pci_bus_init(struct pci_bus *b)
{
	memset(b, 0, sizeof(*b));
}

int pci_bus_add(struct pci_bus *b, struct pci_dev *d, unsigned dev, unsigned fn)
{
	if (dev >= 32 || fn >= 8 || !d)
		return -EINVAL;
	unsigned devfn = PCI_DEVFN(dev, fn);
	if (b->dev[devfn])
		return -EEXIST;
	b->dev[devfn] = d;
	d->devfn = (int)devfn;
	return 0;
}

void pci_bus_set_cf9(struct pci_bus *b, const struct io_ops *ops, void *opaque)
{
	b->cf9_ops = ops;
	b->cf9_opaque = opaque;
}

struct pci_dev *pci_bus_find(const struct pci_bus *b, unsigned devfn)
{
	return devfn < PCI_MAX_DEVFN ? b->dev[devfn] : NULL;
}

/* The device the address register selects, or NULL (disabled, other bus, empty slot). */
static struct pci_dev *selected(const struct pci_bus *b)
{
	uint32_t a = b->config_addr;
	if (!(a & PCI_CONFIG_ENABLE) || ((a >> 16) & 0xff))
		return NULL;
	return b->dev[(a >> 8) & 0xff];
}

static uint64_t ones(unsigned size)
{
	return size >= 8 ? ~0ULL : (1ULL << (8 * size)) - 1;
}

static uint64_t pci_host_read(void *opaque, uint64_t off, unsigned size)
{
	struct pci_bus *b = opaque;

	if (off < 4) {
		if (off == 0 && size == 4)
			return b->config_addr;
		if (off == 1 && size == 1 && b->cf9_ops)
			return b->cf9_ops->read(b->cf9_opaque, 0, 1);
		return ones(size);
	}
	struct pci_dev *d = selected(b);
	unsigned byte = (unsigned)(off - 4);
	if (!d || size > 4 || byte + size > 4)
		return ones(size);
	return pci_cfg_read(d, (b->config_addr & 0xfc) + byte, size);
}

static void pci_host_write(void *opaque, uint64_t off, unsigned size, uint64_t val)
{
	struct pci_bus *b = opaque;

	if (off < 4) {
		if (off == 0 && size == 4)
			b->config_addr = (uint32_t)val & PCI_CONFIG_ADDR_MASK;
		else if (off == 1 && size == 1 && b->cf9_ops)
			b->cf9_ops->write(b->cf9_opaque, 0, 1, val);
		return;
	}
	struct pci_dev *d = selected(b);
	unsigned byte = (unsigned)(off - 4);
	if (!d || size > 4 || byte + size > 4)
		return;
	pci_cfg_write(d, (b->config_addr & 0xfc) + byte, size, (uint32_t)val);
}

static void pci_host_reset(void *opaque)
{
	struct pci_bus *b = opaque;
	b->config_addr = 0;
	for (unsigned i = 0; i < PCI_MAX_DEVFN; i++)
		if (b->dev[i])
			pci_dev_reset(b->dev[i]);
	if (b->cf9_ops && b->cf9_ops->reset)
		b->cf9_ops->reset(b->cf9_opaque);
}

const struct io_ops pci_host_ops = {
	.name = "pci-host",
	.read = pci_host_read,
	.write = pci_host_write,
	.reset = pci_host_reset,
};

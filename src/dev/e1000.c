/*
 * Intel 82540EM (8254x SDM): PCI function, register file, interrupts and
 * receive.  Transmit is in e1000_tx.c, the EEPROM and PHY in e1000_phy.c.
 *
 * Registers the device does not model read back what was written, which
 * covers the flow-control, LED, wake-up and management registers drivers
 * program.  Statistics (0x4000-0x40ff) clear on read; the device counts
 * good/total packets and octets both ways, broadcasts, multicasts and
 * missed packets.  Interrupt throttling (ITR, SDM 13.4.18) holds a new
 * interrupt back until ITR x 256 ns after the last one was signalled; the
 * per-cause delays (RDTR, RADV, TIDV, TADV) are stored only, their causes
 * are raised at once.
 *
 * Receive (SDM 3.2): a frame passes the filters (RAL/RAH exact matches,
 * UPE, broadcast with BAM, multicast through the MTA hash or MPE), is
 * padded to 60 bytes, gets its CRC appended unless RCTL.SECRC, and is
 * written over as many descriptors from RDH as its buffer size needs.  Too
 * few free descriptors (or a ring that lies outside RAM or has RDH/RDT
 * beyond its end) drops the frame and raises RXO, as an overrun would.
 */
#include "dev/e1000_regs.h"
#include "core/log.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define E1000_REVISION	0x03
#define E1000_SUBSYS_ID	0x001e

static void update_irq(struct e1000 *e)
{
	int level = (*e1k_reg(e, E1K_ICR) & *e1k_reg(e, E1K_IMS)) != 0;
	uint16_t cmd = (uint16_t)(e->pci.cfg[PCI_COMMAND] | e->pci.cfg[PCI_COMMAND + 1] << 8);
	uint32_t itr = *e1k_reg(e, E1K_ITR) & 0xffff;

	if (level)
		e->pci.cfg[PCI_STATUS] |= PCI_STATUS_INTERRUPT;
	else
		e->pci.cfg[PCI_STATUS] &= (uint8_t)~PCI_STATUS_INTERRUPT;
	if (cmd & PCI_COMMAND_INTX_DISABLE)
		level = 0;
	if (level && !e->intx_level && itr && e->itr_timer) {
		uint64_t now = clock_now(e->clock);
		if (now < e->itr_next) {
			timer_mod(e->itr_timer, e->itr_next);	/* update_irq again then */
			return;
		}
		e->itr_next = now + (uint64_t)itr * 256;
	}
	if (level != e->intx_level) {
		e->intx_level = level;
		irq_set(&e->intx, level);
	}
}

void e1000_raise(struct e1000 *e, uint32_t causes)
{
	*e1k_reg(e, E1K_ICR) |= causes & ICR_VALID;
	update_irq(e);
}

/* Add n to a statistics counter (a 64-bit pair when lo is the low half of one). */
void e1000_stat_add(struct e1000 *e, uint32_t lo, uint64_t n)
{
	uint32_t *r = e1k_reg(e, lo);
	uint64_t v = *r + n;
	int pair = lo == E1K_GORCL || lo == E1K_GOTCL || lo == E1K_TORL || lo == E1K_TOTL;

	if (pair) {
		v += (uint64_t)r[1] << 32;
		r[1] = (uint32_t)(v >> 32);
		r[0] = (uint32_t)v;
	} else {
		r[0] = v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
	}
}

/* Power-on / CTRL.RST state of everything but the PCI function. */
static void mac_reset(struct e1000 *e)
{
	memset(e->regs, 0, sizeof(e->regs));
	*e1k_reg(e, E1K_CTRL) = CTRL_FD | CTRL_SLU | CTRL_SPEED_1000;
	*e1k_reg(e, E1K_EECD) = EECD_PRES;
	*e1k_reg(e, E1K_PBA) = 0x00100030;	/* 48 KiB receive, 16 KiB transmit */
	*e1k_reg(e, E1K_VET) = 0x8100;
	/* Receive address 0 comes from the EEPROM. */
	*e1k_reg(e, E1K_RA) = (uint32_t)(e->mac[0] | e->mac[1] << 8 | e->mac[2] << 16 |
					   (uint32_t)e->mac[3] << 24);
	*e1k_reg(e, E1K_RA + 4) = (uint32_t)(e->mac[4] | e->mac[5] << 8) | RAH_AV;
	e1000_eeprom_init(e);
	e1000_phy_reset(e);
	e1000_tx_reset(e);
	e->ioaddr = 0;
	e->itr_next = 0;
	if (e->itr_timer)
		timer_del(e->itr_timer);
	update_irq(e);
}

static void itr_expired(void *opaque)
{
	update_irq(opaque);
}

/* ---- receive ---- */

static unsigned rx_buf_size(uint32_t rctl)
{
	static const unsigned sz[2][4] = { { 2048, 1024, 512, 256 }, { 2048, 16384, 8192, 4096 } };
	return sz[!!(rctl & RCTL_BSEX)][(rctl >> RCTL_BSIZE_SHIFT) & 3];
}

static int rx_accept(struct e1000 *e, const uint8_t *d)
{
	uint32_t rctl = *e1k_reg(e, E1K_RCTL);
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

	if (!memcmp(d, bcast, 6))
		return !!(rctl & RCTL_BAM) || (rctl & RCTL_MPE);
	if (d[0] & 1) {
		/* MTA hash: 12 bits of the address picked by RCTL.MO (SDM 13.5.1). */
		static const unsigned shift[4] = { 4, 3, 2, 0 };
		unsigned s = shift[(rctl >> RCTL_MO_SHIFT) & 3];
		unsigned h = ((unsigned)d[4] >> s | (unsigned)d[5] << (8 - s)) & 0xfff;
		if (rctl & RCTL_MPE)
			return 1;
		return (*e1k_reg(e, E1K_MTA + 4 * (h >> 5)) >> (h & 31)) & 1;
	}
	if (rctl & RCTL_UPE)
		return 1;
	for (unsigned i = 0; i < 16; i++) {
		uint32_t lo = *e1k_reg(e, E1K_RA + 8 * i), hi = *e1k_reg(e, E1K_RA + 8 * i + 4);
		if ((hi & RAH_AV) && d[0] == (uint8_t)lo && d[1] == (uint8_t)(lo >> 8) &&
		    d[2] == (uint8_t)(lo >> 16) && d[3] == (uint8_t)(lo >> 24) &&
		    d[4] == (uint8_t)hi && d[5] == (uint8_t)(hi >> 8))
			return 1;
	}
	return 0;
}

static uint32_t crc32_le(const uint8_t *p, size_t n)
{
	uint32_t c = 0xffffffff;
	while (n--) {
		c ^= *p++;
		for (int k = 0; k < 8; k++)
			c = c >> 1 ^ (0xedb88320 & -(c & 1));
	}
	return ~c;
}

int e1000_receive(struct e1000 *e, const void *frame, size_t len)
{
	uint32_t rctl = *e1k_reg(e, E1K_RCTL);
	uint32_t n = (*e1k_reg(e, E1K_RDLEN) & 0xfff80) / 16;
	uint32_t rdh = *e1k_reg(e, E1K_RDH), rdt = *e1k_reg(e, E1K_RDT), avail, need;
	uint64_t base = (uint64_t)*e1k_reg(e, E1K_RDBAH) << 32 | (*e1k_reg(e, E1K_RDBAL) & ~0xfu);
	size_t max = (rctl & RCTL_LPE) ? E1000_MAX_FRAME : 1522, total, bsz = rx_buf_size(rctl);
	const uint8_t *f = frame;
	uint32_t causes = ICR_RXT0;

	if (len < 14 || len > max)
		return -EINVAL;
	if (!(rctl & RCTL_EN) || !(e->pci.cfg[PCI_COMMAND] & PCI_COMMAND_MASTER))
		return -EAGAIN;
	if (!rx_accept(e, f))
		return 0;
	memcpy(e->rxbuf, f, len);
	total = len;
	if (total < 60) {
		memset(e->rxbuf + total, 0, 60 - total);
		total = 60;
	}
	if (!(rctl & RCTL_SECRC)) {
		uint32_t crc = crc32_le(e->rxbuf, total);
		for (int i = 0; i < 4; i++)
			e->rxbuf[total++] = (uint8_t)(crc >> (8 * i));
	}
	need = (uint32_t)((total + bsz - 1) / bsz);
	avail = (n && rdh < n && rdt < n) ? (rdt + n - rdh) % n : 0;
	if (avail < need) {
		e1000_stat_add(e, E1K_MPC, 1);
		e1000_raise(e, ICR_RXO);
		return -EAGAIN;
	}
	for (size_t off = 0; off < total; off += bsz) {
		uint64_t da = base + 16ULL * rdh, buf;
		size_t chunk = total - off < bsz ? total - off : bsz;
		uint8_t wb[8] = { 0 };

		if (gpa_read(e->mem, da, &buf, 8)) {
			/* Ring outside RAM: as good as no descriptors. */
			e1000_stat_add(e, E1K_MPC, 1);
			e1000_raise(e, ICR_RXO);
			return -EAGAIN;
		}
		wb[0] = (uint8_t)chunk;
		wb[1] = (uint8_t)(chunk >> 8);
		wb[4] = RXD_STAT_DD | RXD_STAT_IXSM | (off + chunk == total ? RXD_STAT_EOP : 0);
		if (gpa_write(e->mem, buf, e->rxbuf + off, chunk))
			wb[5] = RXD_ERR_RXE;	/* buffer outside RAM: nothing written */
		gpa_write(e->mem, da + 8, wb, sizeof(wb));
		rdh = (rdh + 1) % n;
	}
	*e1k_reg(e, E1K_RDH) = rdh;
	e1000_stat_add(e, E1K_GPRC, 1);
	e1000_stat_add(e, E1K_TPR, 1);
	e1000_stat_add(e, E1K_GORCL, total);
	e1000_stat_add(e, E1K_TORL, total);
	if (f[0] == 0xff && !memcmp(f, f + 1, 5))
		e1000_stat_add(e, E1K_BPRC, 1);
	else if (f[0] & 1)
		e1000_stat_add(e, E1K_MPRC, 1);
	/* Free descriptors at or below RCTL.RDMTS (1/2, 1/4, 1/8 of the ring). */
	if ((rdt + n - rdh) % n <= n >> (((rctl >> RCTL_RDMTS_SHIFT) & 3) + 1))
		causes |= ICR_RXDMT0;
	e1000_raise(e, causes);
	return 0;
}

/* ---- register file ---- */

static uint32_t reg_read(struct e1000 *e, uint32_t off)
{
	uint32_t *r = e1k_reg(e, off), v = *r;

	switch (off) {
	case E1K_STATUS:
		return STATUS_FD | STATUS_LU | STATUS_SPEED_1000;
	case E1K_ICR:
		*r = 0;
		update_irq(e);
		return v;
	case E1K_ICS: case E1K_IMC:
		return 0;	/* write-only */
	default:
		if (off >= E1K_STATS && off < E1K_STATS_END)
			*r = 0;
		return v;
	}
}

static void reg_write(struct e1000 *e, uint32_t off, uint32_t val)
{
	uint32_t *r = e1k_reg(e, off);

	switch (off) {
	case E1K_CTRL:
		if (val & CTRL_RST) {
			mac_reset(e);
			return;
		}
		*r = val;
		return;
	case E1K_STATUS:
		return;
	case E1K_EECD:
		e1000_eecd_write(e, val);
		return;
	case E1K_EERD:
		*r = e1000_eerd_write(e, val);
		return;
	case E1K_MDIC:
		*r = e1000_mdic_write(e, val);
		return;
	case E1K_ICR:		/* writing 1s clears them */
		*r &= ~val;
		update_irq(e);
		return;
	case E1K_ICS:
		e1000_raise(e, val);
		return;
	case E1K_IMS:
		*r |= val & ICR_VALID;
		update_irq(e);
		return;
	case E1K_IMC:
		*e1k_reg(e, E1K_IMS) &= ~val;
		update_irq(e);
		return;
	case E1K_RDBAL: case E1K_TDBAL:
		*r = val & ~0xfu;
		return;
	case E1K_RDLEN: case E1K_TDLEN:
		*r = val & 0xfff80;
		return;
	case E1K_RDH: case E1K_RDT: case E1K_TDH:
		*r = val & 0xffff;
		return;
	case E1K_TDT:
		*r = val & 0xffff;
		e1000_tx_kick(e);
		return;
	case E1K_TCTL:
		*r = val;
		e1000_tx_kick(e);
		return;
	default:
		if (off >= E1K_STATS && off < E1K_STATS_END)
			return;		/* counters are read-only */
		*r = val;
	}
}

static uint64_t mmio_read(void *opaque, uint64_t off, unsigned size)
{
	struct e1000 *e = opaque;
	uint64_t v;

	if (off >= E1000_MMIO_SIZE)
		return ~0ULL;
	if (size == 8 && off + 8 <= E1000_MMIO_SIZE && !(off & 7))
		return reg_read(e, (uint32_t)off) | (uint64_t)reg_read(e, (uint32_t)off + 4) << 32;
	v = reg_read(e, (uint32_t)off & ~3u) >> (8 * (off & 3));
	return size >= 4 ? (uint32_t)v : v & ((1ULL << (8 * size)) - 1);
}

static void mmio_write(void *opaque, uint64_t off, unsigned size, uint64_t val)
{
	struct e1000 *e = opaque;
	uint32_t a = (uint32_t)off & ~3u, sh = 8 * (uint32_t)(off & 3), v;

	if (off >= E1000_MMIO_SIZE)
		return;
	if (size == 8 && off + 8 <= E1000_MMIO_SIZE && !(off & 7)) {
		reg_write(e, a, (uint32_t)val);
		reg_write(e, a + 4, (uint32_t)(val >> 32));
		return;
	}
	if (size >= 4 && !sh) {
		reg_write(e, a, (uint32_t)val);
		return;
	}
	/* Narrow writes merge into the stored dword (no read side effects). */
	{
		uint32_t mask = size >= 4 ? ~0u << sh : (uint32_t)((1ULL << (8 * size)) - 1) << sh;
		v = (*e1k_reg(e, a) & ~mask) | ((uint32_t)(val << sh) & mask);
	}
	reg_write(e, a, v);
}

const struct io_ops e1000_mmio_ops = {
	.name = "e1000",
	.read = mmio_read,
	.write = mmio_write,
};

/* BAR 1: IOADDR at 0 selects a register, IODATA at 4 accesses it (SDM 13.2.1). */
static uint64_t io_read(void *opaque, uint64_t off, unsigned size)
{
	struct e1000 *e = opaque;
	uint32_t v;

	if (off < 4)
		v = e->ioaddr;
	else if (off < 8)
		v = e->ioaddr < E1000_MMIO_SIZE ? reg_read(e, e->ioaddr & ~3u) : ~0u;
	else
		return ~0ULL;
	v >>= 8 * (off & 3);
	return size >= 4 ? v : v & ((1u << (8 * size)) - 1);
}

static void io_write(void *opaque, uint64_t off, unsigned size, uint64_t val)
{
	struct e1000 *e = opaque;

	if (size != 4 || (off != 0 && off != 4))
		return;		/* the window takes dword accesses only */
	if (!off)
		e->ioaddr = (uint32_t)val & ~3u;
	else if (e->ioaddr < E1000_MMIO_SIZE)
		reg_write(e, e->ioaddr, (uint32_t)val);
}

const struct io_ops e1000_io_ops = {
	.name = "e1000-io",
	.read = io_read,
	.write = io_write,
};

/* ---- PCI function ---- */

static void on_bar_change(struct pci_dev *d, int n, uint64_t old, uint64_t now)
{
	struct e1000 *e = d->opaque;
	struct bus *b = n == 0 ? e->mmio : n == 1 ? e->pio : NULL;
	const struct io_ops *ops = n == 0 ? &e1000_mmio_ops : &e1000_io_ops;

	if (!b)
		return;
	if (old != PCI_BAR_UNMAPPED)
		bus_remove(b, old, e);
	if (now != PCI_BAR_UNMAPPED && bus_add(b, now, d->bar[n].size, ops, e))
		pr_warn("e1000: BAR %d at %#llx overlaps another device; not mapped", n,
			(unsigned long long)now);
}

static void cfg_write(struct pci_dev *d, unsigned off, unsigned size, uint32_t val)
{
	(void)off; (void)size; (void)val;
	update_irq(d->opaque);		/* INTx disable may have changed */
}

static void pci_reset(struct pci_dev *d)
{
	mac_reset(d->opaque);
}

struct e1000 *e1000_new(const struct guest_mem *mem, const uint8_t mac[6], e1000_tx_fn tx,
			void *tx_opaque, struct bus *mmio, struct bus *pio, struct clock *clock)
{
	struct e1000 *e = calloc(1, sizeof(*e));
	struct pci_dev *d;

	if (!e)
		return NULL;
	e->mem = mem;
	memcpy(e->mac, mac, 6);
	e->tx = tx;
	e->tx_opaque = tx_opaque;
	e->mmio = mmio;
	e->pio = pio;
	e->clock = clock;
	if (clock && (!(e->tx_timer = timer_new(clock, e1000_tx_timer, e)) ||
		      !(e->itr_timer = timer_new(clock, itr_expired, e)))) {
		timer_free(e->tx_timer);
		free(e);
		return NULL;
	}
	d = &e->pci;
	pci_dev_init(d, "e1000", E1000_VENDOR, E1000_DEVICE_82540EM, 0x020000, E1000_REVISION);
	d->cfg[PCI_SUBSYSTEM_VENDOR_ID] = E1000_VENDOR & 0xff;
	d->cfg[PCI_SUBSYSTEM_VENDOR_ID + 1] = E1000_VENDOR >> 8;
	d->cfg[PCI_SUBSYSTEM_ID] = E1000_SUBSYS_ID;
	pci_set_irq_pin(d, 1);
	d->opaque = e;
	d->on_bar_change = on_bar_change;
	d->cfg_write = cfg_write;
	d->reset = pci_reset;
	if (pci_register_bar(d, 0, E1000_MMIO_SIZE, PCI_BAR_MEM32) ||
	    pci_register_bar(d, 1, E1000_IO_SIZE, PCI_BAR_IO)) {
		e1000_free(e);
		return NULL;
	}
	mac_reset(e);
	return e;
}

void e1000_free(struct e1000 *e)
{
	if (!e)
		return;
	timer_free(e->tx_timer);
	timer_free(e->itr_timer);
	free(e);
}

struct pci_dev *e1000_pci(struct e1000 *e) { return &e->pci; }

void e1000_set_intx(struct e1000 *e, const struct irq_line *line)
{
	e->intx = *line;
	e->intx_level = 0;
	update_irq(e);
}

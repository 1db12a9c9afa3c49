/*
 * 82540EM transmit (8254x SDM 3.3): the ring from TDH to TDT, with legacy
 * descriptors, TCP/IP context descriptors and data descriptors.
 *
 * A packet's buffers are gathered until a descriptor with EOP; then the
 * checksums the descriptors ask for are inserted (legacy CSO/CSS, or the
 * IP and TCP/UDP fields of the context with POPTS.IXSM/TXSM) and, for a
 * data descriptor with TSE, the packet is cut into MSS-sized segments,
 * each with the context's HDRLEN bytes of headers fixed up: IPv4 total
 * length and identification (or the IPv6 payload length), the TCP sequence
 * number with FIN and PSH only on the last segment (or the UDP length), and
 * the TCP/UDP checksum from the driver's length-less pseudo-header sum.
 * Two contexts are kept, one loaded with TSE and one without, and a
 * packet uses the one that matches its TSE bit.  VLE inserts an 802.1Q tag
 * (VET, then the descriptor's special field) when CTRL.VME is set.
 *
 * Hostile rings: a packet that grows past 64 KiB plus headers, or whose
 * buffer lies outside RAM, is consumed and dropped at EOP; a ring outside
 * RAM or with TDH/TDT past its end stops the engine where it is.  One
 * doorbell processes at most TX_BUDGET bytes and then, with a clock,
 * resumes from a timer.  Interrupt delays are not modelled.
 */
#include "dev/e1000_regs.h"

#include <string.h>

#define TX_BUDGET	(4u << 20)

static uint16_t get16be(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static void put16be(uint8_t *p, uint32_t v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }
static uint32_t get32be(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}
static void put32be(uint8_t *p, uint32_t v)
{
	put16be(p, v >> 16);
	put16be(p + 2, v);
}
static uint32_t get32le(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint32_t fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return s;
}

static uint32_t sum16(const uint8_t *p, size_t n)
{
	uint32_t s = 0;
	for (size_t i = 0; i + 1 < n; i += 2)
		s += get16be(p + i);
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	return fold(s);
}

/* Checksum bytes css..cse (inclusive; 0: to the end) into the 16 bits at cso. */
static void insert_csum(uint8_t *p, size_t len, unsigned css, unsigned cso, unsigned cse)
{
	size_t end = cse ? (size_t)cse + 1 : len;

	if (end > len)
		end = len;
	if (css >= end || (size_t)cso + 2 > len)
		return;
	put16be(p + cso, ~sum16(p + css, end - css) & 0xffff);
}

/* Hand one frame (in e->seg or e->txbuf) to the backend, with a VLAN tag if asked. */
static void out_frame(struct e1000 *e, uint8_t *p, size_t len, uint64_t *budget)
{
	if (e->tx_vle && (*e1k_reg(e, E1K_CTRL) & CTRL_VME) && len >= 12) {
		if (p != e->seg)
			memcpy(e->seg, p, len);
		p = e->seg;
		memmove(p + 16, p + 12, len - 12);
		put16be(p + 12, *e1k_reg(e, E1K_VET));
		put16be(p + 14, e->tx_vlan);
		len += 4;
	}
	if (e->tx)
		e->tx(e->tx_opaque, p, len);
	*budget += len;
	e1000_stat_add(e, E1K_GPTC, 1);
	e1000_stat_add(e, E1K_TPT, 1);
	e1000_stat_add(e, E1K_GOTCL, len);
	e1000_stat_add(e, E1K_TOTL, len);
}

static void tso_send(struct e1000 *e, uint64_t *budget)
{
	const struct e1000_txctx *c = &e->ctx[1];
	const uint8_t *src = e->txbuf;
	unsigned hdr = c->hdrlen, mss = c->mss;
	int ip4 = !!(c->tucmd & TXD_CMD_IP), tcp = !!(c->tucmd & TXD_CMD_TCP);
	size_t payload, off = 0;
	uint32_t pseudo, seq;
	uint16_t ipid;

	/* Headers must hold the IP and TCP/UDP fields the segments rewrite. */
	if (!mss || hdr > e->tx_len || (size_t)c->ipcss + (ip4 ? 20 : 40) > hdr ||
	    (size_t)c->tucss + (tcp ? 20 : 8) > hdr || (size_t)c->ipcso + 2 > hdr ||
	    (size_t)c->tucso + 2 > hdr)
		return;
	payload = e->tx_len - hdr;
	pseudo = get16be(src + c->tucso);
	seq = get32be(src + c->tucss + 4);
	ipid = get16be(src + c->ipcss + 4);
	for (unsigned n = 0; n == 0 || off < payload; n++) {
		size_t chunk = payload - off < mss ? payload - off : mss, len = hdr + chunk;
		int last = off + chunk >= payload;
		uint8_t *s = e->seg;

		memcpy(s, src, hdr);
		memcpy(s + hdr, src + hdr + off, chunk);
		if (ip4) {
			put16be(s + c->ipcss + 2, (uint32_t)(len - c->ipcss));
			put16be(s + c->ipcss + 4, (uint16_t)(ipid + n));
		} else {
			put16be(s + c->ipcss + 4, (uint32_t)(len - c->ipcss - 40));
		}
		if (tcp) {
			put32be(s + c->tucss + 4, seq + (uint32_t)off);
			if (!last)
				s[c->tucss + 13] &= (uint8_t)~0x09;	/* FIN, PSH */
		} else {
			put16be(s + c->tucss + 4, (uint32_t)(len - c->tucss));
		}
		if (e->tx_popts & TXD_POPTS_IXSM)
			insert_csum(s, len, c->ipcss, c->ipcso, c->ipcse);
		if (e->tx_popts & TXD_POPTS_TXSM) {
			put16be(s + c->tucso, fold(pseudo + (uint32_t)(len - c->tucss)));
			insert_csum(s, len, c->tucss, c->tucso, c->tucse);
		}
		out_frame(e, s, len, budget);
		off += chunk;
	}
}

static void send_packet(struct e1000 *e, uint64_t *budget)
{
	const struct e1000_txctx *c = &e->ctx[0];
	uint8_t *p = e->txbuf;
	size_t len = e->tx_len;

	if (e->tx_overflow || !len)
		return;
	if (!e->tx_legacy && e->tx_tse) {
		tso_send(e, budget);
		return;
	}
	if (e->tx_legacy) {
		if (e->tx_ic)
			insert_csum(p, len, e->tx_css, e->tx_cso, 0);
	} else {
		if (e->tx_popts & TXD_POPTS_IXSM)
			insert_csum(p, len, c->ipcss, c->ipcso, c->ipcse);
		if (e->tx_popts & TXD_POPTS_TXSM)
			insert_csum(p, len, c->tucss, c->tucso, c->tucse);
	}
	out_frame(e, p, len, budget);
}

static void load_context(struct e1000 *e, const uint8_t *d, uint32_t cmd)
{
	struct e1000_txctx *c = &e->ctx[!!(cmd & TXD_CMD_TSE)];

	c->ipcss = d[0];
	c->ipcso = d[1];
	c->ipcse = (uint16_t)(d[2] | d[3] << 8);
	c->tucss = d[4];
	c->tucso = d[5];
	c->tucse = (uint16_t)(d[6] | d[7] << 8);
	c->tucmd = cmd;
	c->hdrlen = d[13];
	c->mss = (uint16_t)(d[14] | d[15] << 8);
}

/* Process one descriptor (its status write-back is the caller's). */
static void tx_desc(struct e1000 *e, const uint8_t *d, uint64_t *budget)
{
	uint64_t addr = get32le(d) | (uint64_t)get32le(d + 4) << 32;
	uint32_t cmd = get32le(d + 8), upper = get32le(d + 12);
	size_t len;

	if (cmd & TXD_CMD_DEXT) {
		unsigned dtyp = (cmd >> TXD_DTYP_SHIFT) & 0xf;
		if (dtyp == TXD_DTYP_CTX) {
			load_context(e, d, cmd);
			return;
		}
		if (dtyp != TXD_DTYP_DATA)
			return;		/* reserved type: skipped */
		len = cmd & 0xfffff;
		if (!e->tx_started) {
			e->tx_legacy = 0;
			e->tx_tse = !!(cmd & TXD_CMD_TSE);
			e->tx_popts = (uint8_t)(upper >> 8);
		}
	} else {
		len = cmd & 0xffff;
		if (!e->tx_started)
			e->tx_legacy = 1;
		e->tx_ic = !!(cmd & TXD_CMD_IC);
		e->tx_cso = (uint8_t)(cmd >> 16);
		e->tx_css = (uint8_t)(upper >> 8);
	}
	e->tx_started = 1;
	if (!e->tx_overflow) {
		if (len > sizeof(e->txbuf) - e->tx_len ||
		    (len && gpa_read(e->mem, addr, e->txbuf + e->tx_len, len)))
			e->tx_overflow = 1;
		else
			e->tx_len += len;
		*budget += len;
	}
	if (cmd & TXD_CMD_EOP) {
		e->tx_vle = !!(cmd & TXD_CMD_VLE);
		e->tx_vlan = (uint16_t)(upper >> 16);
		send_packet(e, budget);
		e->tx_len = 0;
		e->tx_started = e->tx_overflow = 0;
	}
}

void e1000_tx_kick(struct e1000 *e)
{
	uint32_t n = *e1k_reg(e, E1K_TDLEN) / 16, head = *e1k_reg(e, E1K_TDH);
	uint32_t tail = *e1k_reg(e, E1K_TDT), causes = 0;
	uint64_t base = (uint64_t)*e1k_reg(e, E1K_TDBAH) << 32 | *e1k_reg(e, E1K_TDBAL);
	uint64_t budget = 0;

	if (e->tx_busy || !(*e1k_reg(e, E1K_TCTL) & TCTL_EN) ||
	    !(e->pci.cfg[PCI_COMMAND] & PCI_COMMAND_MASTER) || !n || head >= n || tail >= n)
		return;
	e->tx_busy = 1;
	while (head != tail) {
		uint64_t da = base + 16ULL * head;
		uint8_t d[16];

		if (budget >= TX_BUDGET) {
			if (e->tx_timer)
				timer_mod(e->tx_timer, clock_now(e->clock));
			break;
		}
		if (gpa_read(e->mem, da, d, sizeof(d)))
			break;		/* ring outside RAM: the engine stalls here */
		tx_desc(e, d, &budget);
		budget += sizeof(d);
		if (get32le(d + 8) & TXD_CMD_RS) {
			d[12] |= TXD_STAT_DD;
			gpa_write(e->mem, da + 12, &d[12], 1);
			causes |= ICR_TXDW;
		}
		head = (head + 1) % n;
		*e1k_reg(e, E1K_TDH) = head;
	}
	e->tx_busy = 0;
	if (head == tail && budget)
		causes |= ICR_TXQE;
	if (causes)
		e1000_raise(e, causes);
}

void e1000_tx_timer(void *opaque)
{
	e1000_tx_kick(opaque);
}

void e1000_tx_reset(struct e1000 *e)
{
	memset(e->ctx, 0, sizeof(e->ctx));
	e->tx_len = 0;
	e->tx_started = e->tx_overflow = e->tx_tse = e->tx_legacy = e->tx_vle = e->tx_ic = 0;
	e->tx_popts = e->tx_cso = e->tx_css = 0;
	if (e->tx_timer)
		timer_del(e->tx_timer);
}

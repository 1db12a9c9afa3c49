/*
 * e1000 (82540EM): PCI identity and BARs, the EEPROM through EERD and by
 * bit-banging EECD as a driver does (MAC, checksum 0xbaba), PHY access
 * through MDIC, link status, ICR/ICS/IMS/IMC and the INTx line, CTRL.RST,
 * the I/O window, transmit (legacy descriptors, checksum offload, TCP
 * segmentation), receive (filters, CRC, multi-descriptor frames, full
 * ring), and hostile rings: bases outside RAM, RDLEN/TDLEN huge or 0,
 * head/tail past the end, buffers wrapping 2^64, chains without EOP,
 * oversized packets, and the per-doorbell work budget.
 */
#include "test.h"
#include "fake/fake.h"
#include "core/mem.h"
#include "dev/e1000.h"

#include <errno.h>

#define TXR	0x10000ULL	/* transmit ring */
#define RXR	0x18000ULL	/* receive ring */
#define TXB	0x20000ULL	/* transmit buffers */
#define RXB	0x40000ULL	/* receive buffers, 16 KiB apart */
#define IRQ	5

enum {
	CTRL = 0x0, STATUS = 0x8, EECD = 0x10, EERD = 0x14, MDIC = 0x20, ICR = 0xc0,
	ICS = 0xc8, IMS = 0xd0, IMC = 0xd8, RCTL = 0x100, TCTL = 0x400, RDBAL = 0x2800,
	RDBAH = 0x2804, RDLEN = 0x2808, RDH = 0x2810, RDT = 0x2818, TDBAL = 0x3800,
	TDBAH = 0x3804, TDLEN = 0x3808, TDH = 0x3810, TDT = 0x3818, GPRC = 0x4074,
	GPTC = 0x4080, MTA = 0x5200, RAL0 = 0x5400, RAH0 = 0x5404,
};

static const uint8_t mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
static struct guest_mem mem;
static struct fake_irq irqs;
static struct fake_clock clk;
static struct e1000 *e;
static uint8_t sent[8][2048];
static size_t sent_len[8];
static int sends, echo;

static void tx(void *opaque, const void *frame, size_t len)
{
	(void)opaque;
	if (sends < 8) {
		sent_len[sends] = len < sizeof(sent[0]) ? len : sizeof(sent[0]);
		memcpy(sent[sends], frame, sent_len[sends]);
	}
	sends++;
	if (echo)	/* a backend that answers from inside transmit, as slirp does */
		e1000_receive(e, frame, len);
}

static uint32_t rd(uint32_t off) { return (uint32_t)e1000_mmio_ops.read(e, off, 4); }
static void wr(uint32_t off, uint32_t v) { e1000_mmio_ops.write(e, off, 4, v); }

static void setup(void)
{
	if (!mem.nr)
		CHECK_EQ(mem_init(&mem, 16 << 20), 0);
	CHECK_EQ(gpa_zero(&mem, TXR, 0x80000 - TXR), 0);
	e1000_free(e);		/* before the clock its timer belongs to is reset */
	fake_irq_init(&irqs);
	fake_clock_init(&clk, 0);
	e = e1000_new(&mem, mac, tx, NULL, NULL, NULL, &clk.c);
	CHECK(e);
	e1000_set_intx(e, &irqs.line[IRQ]);
	pci_cfg_write(e1000_pci(e), PCI_COMMAND, 2, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	sends = echo = 0;
	memset(sent_len, 0, sizeof(sent_len));
}

static void w64(uint64_t gpa, uint64_t v) { gpa_write(&mem, gpa, &v, 8); }
static void w32(uint64_t gpa, uint32_t v) { gpa_write(&mem, gpa, &v, 4); }
static uint8_t r8(uint64_t gpa) { uint8_t v = 0; gpa_read(&mem, gpa, &v, 1); return v; }
static uint16_t r16(uint64_t gpa) { uint16_t v = 0; gpa_read(&mem, gpa, &v, 2); return v; }

/* A transmit descriptor: buffer, the length/cmd dword, the status/popts/special dword. */
static void txd(unsigned i, uint64_t buf, uint32_t cmd, uint32_t upper)
{
	w64(TXR + 16 * i, buf);
	w32(TXR + 16 * i + 8, cmd);
	w32(TXR + 16 * i + 12, upper);
}

static void tx_ring(unsigned ndesc)
{
	wr(TDBAL, (uint32_t)TXR);
	wr(TDBAH, 0);
	wr(TDLEN, ndesc * 16);
	wr(TDH, 0);
	wr(TDT, 0);
	wr(TCTL, 1u << 1 | 1u << 3);	/* EN, PSP */
}

/* Receive ring of n descriptors with buffers at RXB + 16 KiB i, all but one posted. */
static void rx_ring(unsigned n, uint32_t rctl)
{
	for (unsigned i = 0; i < n; i++) {
		w64(RXR + 16 * i, RXB + 0x4000ULL * i);
		w64(RXR + 16 * i + 8, 0);
	}
	wr(RDBAL, (uint32_t)RXR);
	wr(RDBAH, 0);
	wr(RDLEN, n * 16);
	wr(RDH, 0);
	wr(RDT, n - 1);
	wr(RCTL, rctl | 1u << 1);	/* EN */
}

#define CMD_EOP		(1u << 24)
#define CMD_IFCS	(1u << 25)
#define CMD_TSE		(1u << 26)
#define CMD_RS		(1u << 27)
#define CMD_DEXT	(1u << 29)
#define DTYP_DATA	(1u << 20)
#define CTX_TCP		(1u << 24)
#define CTX_IP		(1u << 25)

TEST(pci_identity)
{
	struct pci_dev *d;
	setup();
	d = e1000_pci(e);
	CHECK_EQ(pci_cfg_read(d, PCI_VENDOR_ID, 2), 0x8086);
	CHECK_EQ(pci_cfg_read(d, PCI_DEVICE_ID, 2), 0x100e);
	CHECK_EQ(pci_cfg_read(d, PCI_REVISION_ID, 4) >> 8, 0x020000);
	CHECK_EQ(pci_cfg_read(d, PCI_INTERRUPT_PIN, 1), 1);
	pci_cfg_write(d, PCI_BAR0, 4, 0xffffffff);
	CHECK_EQ(pci_cfg_read(d, PCI_BAR0, 4), 0xfffe0000);	/* 128 KiB, 32-bit memory */
	pci_cfg_write(d, PCI_BAR0 + 4, 4, 0xffffffff);
	CHECK_EQ(pci_cfg_read(d, PCI_BAR0 + 4, 4) & 0xffff, 0xffc1);	/* 64 bytes of I/O */
}

TEST(eeprom_eerd)
{
	uint16_t w[64], sum = 0;
	setup();
	for (unsigned i = 0; i < 64; i++) {
		uint32_t v;
		wr(EERD, i << 8 | 1);
		v = rd(EERD);
		CHECK(v & (1u << 4));		/* DONE */
		w[i] = (uint16_t)(v >> 16);
		sum = (uint16_t)(sum + w[i]);
	}
	CHECK_EQ(w[0], 0x5452);
	CHECK_EQ(w[1], 0x1200);
	CHECK_EQ(w[2], 0x5634);
	CHECK_EQ(sum, 0xbaba);
}

/* The Microwire sequence a driver bit-bangs through EECD (SK 0, CS 1, DI 2, DO 3). */
static void ee_clock(uint32_t *eecd)
{
	wr(EECD, *eecd | 1);
	*eecd = rd(EECD);
	wr(EECD, *eecd & ~1u);
}

static uint16_t ee_read(unsigned addr)
{
	uint32_t eecd = rd(EECD);
	uint16_t v = 0;
	unsigned cmd = 6u << 6 | addr;		/* start bit, READ (10), 6 address bits */

	eecd = (eecd & ~0xfu) | 1u << 6;	/* EE_REQ */
	wr(EECD, eecd);
	eecd = rd(EECD);
	if (!(eecd & (1u << 7)))		/* EE_GNT */
		return 0xdead;
	eecd |= 2;				/* CS */
	wr(EECD, eecd);
	for (int i = 8; i >= 0; i--) {
		eecd = (eecd & ~4u) | ((cmd >> i) & 1 ? 4 : 0);
		wr(EECD, eecd);
		ee_clock(&eecd);
	}
	for (int i = 0; i < 16; i++) {
		wr(EECD, eecd | 1);
		eecd = rd(EECD);
		v = (uint16_t)(v << 1 | !!(eecd & 8));
		wr(EECD, eecd & ~1u);
		eecd &= ~1u;
	}
	wr(EECD, eecd & ~(2u | 1u << 6));	/* deselect, release */
	return v;
}

TEST(eeprom_microwire)
{
	uint16_t sum = 0;
	setup();
	CHECK(rd(EECD) & (1u << 8));		/* EEPROM present */
	CHECK_EQ(ee_read(0), 0x5452);
	CHECK_EQ(ee_read(1), 0x1200);
	CHECK_EQ(ee_read(2), 0x5634);
	for (unsigned i = 0; i < 64; i++) {
		uint16_t w = ee_read(i);
		wr(EERD, i << 8 | 1);
		CHECK_EQ(w, rd(EERD) >> 16);
		sum = (uint16_t)(sum + w);
	}
	CHECK_EQ(sum, 0xbaba);
	CHECK_EQ(rd(EECD) & (1u << 7), 0);	/* grant follows the request */
}

static uint32_t mdic(uint32_t op, unsigned phy, unsigned reg, uint16_t data)
{
	wr(MDIC, op << 26 | phy << 21 | reg << 16 | data);
	return rd(MDIC);
}

TEST(phy_mdic)
{
	uint32_t v;
	setup();
	v = mdic(2, 1, 2, 0);
	CHECK(v & (1u << 28));			/* ready */
	CHECK_EQ(v & (1u << 30), 0);
	CHECK_EQ(v & 0xffff, 0x0141);
	CHECK_EQ(mdic(2, 1, 3, 0) & 0xfff0, 0x0c20);
	v = mdic(2, 1, 1, 0);
	CHECK(v & (1u << 2));			/* link up */
	CHECK(v & (1u << 5));			/* autonegotiation complete */
	mdic(1, 1, 4, 0x01e1);
	CHECK_EQ(mdic(2, 1, 4, 0) & 0xffff, 0x01e1);
	mdic(1, 1, 0, 0x9340);			/* reset + restart autoneg */
	CHECK_EQ(mdic(2, 1, 0, 0) & 0x8200, 0);	/* both self-clear */
	CHECK_EQ(mdic(2, 1, 4, 0) & 0xffff, 0x0de1);	/* reset restored the default */
	mdic(1, 1, 2, 0x1234);			/* ID is read-only */
	CHECK_EQ(mdic(2, 1, 2, 0) & 0xffff, 0x0141);
	CHECK(mdic(2, 2, 2, 0) & (1u << 30));	/* no PHY at address 2 */
	CHECK_EQ(rd(STATUS) & 0xc3, 0x83);	/* FD, LU, 1000 Mb/s */
}

TEST(interrupts)
{
	setup();
	wr(ICS, 0x4);				/* LSC, masked */
	CHECK_EQ(irqs.level[IRQ], 0);
	CHECK_EQ(pci_cfg_read(e1000_pci(e), PCI_STATUS, 2) & PCI_STATUS_INTERRUPT, 0);
	wr(IMS, 0x84);
	CHECK_EQ(rd(IMS), 0x84);
	CHECK_EQ(irqs.level[IRQ], 1);
	CHECK(pci_cfg_read(e1000_pci(e), PCI_STATUS, 2) & PCI_STATUS_INTERRUPT);
	/* INTx disable hides the pin, not the status. */
	pci_cfg_write(e1000_pci(e), PCI_COMMAND, 2, PCI_COMMAND_MASTER | PCI_COMMAND_INTX_DISABLE);
	CHECK_EQ(irqs.level[IRQ], 0);
	pci_cfg_write(e1000_pci(e), PCI_COMMAND, 2, PCI_COMMAND_MASTER);
	CHECK_EQ(irqs.level[IRQ], 1);
	CHECK_EQ(rd(ICR), 0x4);			/* read clears */
	CHECK_EQ(irqs.level[IRQ], 0);
	CHECK_EQ(rd(ICR), 0);
	wr(ICS, 0x80);
	CHECK_EQ(irqs.level[IRQ], 1);
	wr(IMC, 0x80);
	CHECK_EQ(irqs.level[IRQ], 0);
	CHECK_EQ(rd(IMS), 0x4);
	wr(ICR, 0x80);				/* writing 1 clears */
	CHECK_EQ(rd(ICR), 0);
}

TEST(reset_and_io_window)
{
	setup();
	wr(IMS, 0xff);
	wr(RDLEN, 0x1000);
	wr(RAL0, 0);
	wr(CTRL, rd(CTRL) | 1u << 26);
	CHECK_EQ(rd(CTRL) & (1u << 26), 0);
	CHECK_EQ(rd(IMS), 0);
	CHECK_EQ(rd(RDLEN), 0);
	CHECK_EQ(rd(RAL0), 0x12005452);
	CHECK_EQ(rd(RAH0), 0x80005634);		/* AV */
	/* IOADDR at 0, IODATA at 4. */
	e1000_io_ops.write(e, 0, 4, STATUS);
	CHECK_EQ(e1000_io_ops.read(e, 0, 4), STATUS);
	CHECK_EQ(e1000_io_ops.read(e, 4, 4) & 3, 3);
	e1000_io_ops.write(e, 0, 4, IMS);
	e1000_io_ops.write(e, 4, 4, 0x10);
	CHECK_EQ(rd(IMS), 0x10);
	e1000_io_ops.write(e, 0, 4, 0xfffffffc);	/* out of the register file */
	CHECK_EQ(e1000_io_ops.read(e, 4, 4), 0xffffffff);
	e1000_io_ops.write(e, 4, 4, 1);
	CHECK_EQ(e1000_io_ops.read(e, 8, 4), 0xffffffffffffffffULL);
}

TEST(tx_legacy)
{
	uint8_t frame[100];
	setup();
	for (unsigned i = 0; i < sizeof(frame); i++)
		frame[i] = (uint8_t)(i * 7);
	gpa_write(&mem, TXB, frame, 40);
	gpa_write(&mem, TXB + 0x1000, frame + 40, 60);
	tx_ring(8);
	wr(IMS, 0x3);
	txd(0, TXB, 40, 0);
	txd(1, TXB + 0x1000, 60 | CMD_EOP | CMD_IFCS | CMD_RS, 0);
	wr(TDT, 2);
	CHECK_EQ(sends, 1);
	CHECK_EQ(sent_len[0], 100);
	CHECK(!memcmp(sent[0], frame, 100));
	CHECK_EQ(rd(TDH), 2);
	CHECK_EQ(r8(TXR + 16 + 12) & 1, 1);	/* DD written back */
	CHECK_EQ(r8(TXR + 12) & 1, 0);		/* no RS, no write-back */
	CHECK_EQ(irqs.level[IRQ], 1);
	CHECK_EQ(rd(ICR), 0x3);			/* TXDW, TXQE */
	CHECK_EQ(rd(GPTC), 1);
	CHECK_EQ(rd(GPTC), 0);			/* statistics clear on read */
	/* Disabled transmitter: nothing moves. */
	wr(TCTL, 0);
	txd(2, TXB, 60 | CMD_EOP, 0);
	wr(TDT, 3);
	CHECK_EQ(sends, 1);
	CHECK_EQ(rd(TDH), 2);
}

/* Ones'-complement sum, for checking checksums independently. */
static uint32_t csum_add(uint32_t s, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		s += i & 1 ? p[i] : (uint32_t)p[i] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return s;
}

/* A TCP/IPv4 frame with `pay` payload bytes at TXB; returns its length. */
static size_t make_tcp(uint8_t *f, size_t pay)
{
	static const uint8_t hdr[54] = {
		0x52, 0x55, 0x0a, 0x00, 0x02, 0x02, 0x52, 0x54, 0x00, 0x12, 0x34, 0x56, 0x08, 0x00,
		0x45, 0x00, 0x00, 0x00, 0x12, 0x34, 0x40, 0x00, 0x40, 0x06, 0x00, 0x00,
		10, 0, 2, 15, 10, 0, 2, 2,
		0x30, 0x39, 0x00, 0x50, 0x00, 0x00, 0x10, 0x00, 0, 0, 0, 0, 0x50, 0x19, 0xff, 0xff,
		0, 0, 0, 0,
	};
	memcpy(f, hdr, sizeof(hdr));
	for (size_t i = 0; i < pay; i++)
		f[54 + i] = (uint8_t)(i * 13 + 1);
	return 54 + pay;
}

/* 1 if the IPv4 header and TCP checksums of frame f are right. */
static int tcp_ok(const uint8_t *f, size_t len)
{
	uint8_t ph[12];
	size_t tl = len - 34;
	if (csum_add(0, f + 14, 20) != 0xffff)
		return 0;
	memcpy(ph, f + 26, 8);
	ph[8] = 0;
	ph[9] = 6;
	ph[10] = (uint8_t)(tl >> 8);
	ph[11] = (uint8_t)tl;
	return csum_add(csum_add(0, ph, 12), f + 34, tl) == 0xffff;
}

/* Context descriptor at ring slot i. */
static void ctxd(unsigned i, uint8_t ipcss, uint8_t ipcso, uint16_t ipcse, uint8_t tucss,
		 uint8_t tucso, uint16_t tucse, uint32_t cmd, uint8_t hdrlen, uint16_t mss)
{
	w64(TXR + 16 * i, ipcss | ipcso << 8 | (uint64_t)ipcse << 16 | (uint64_t)tucss << 32 |
			  (uint64_t)tucso << 40 | (uint64_t)tucse << 48);
	w32(TXR + 16 * i + 8, cmd | CMD_DEXT);
	w32(TXR + 16 * i + 12, (uint32_t)hdrlen << 8 | (uint32_t)mss << 16);
}

TEST(tx_checksum_offload)
{
	uint8_t f[200];
	size_t len;
	uint8_t ph[12];
	setup();
	len = make_tcp(f, 100);
	/* The driver leaves the pseudo-header sum (with length) in the TCP checksum. */
	f[16] = 0;
	f[17] = (uint8_t)(len - 14);
	f[24] = f[25] = 0;
	f[24 - 0] = (uint8_t)(~csum_add(0, f + 14, 20) >> 8);
	f[25] = (uint8_t)~csum_add(0, f + 14, 20);
	memcpy(ph, f + 26, 8);
	ph[8] = 0; ph[9] = 6; ph[10] = 0; ph[11] = (uint8_t)(len - 34);
	f[50] = (uint8_t)(csum_add(0, ph, 12) >> 8);
	f[51] = (uint8_t)csum_add(0, ph, 12);
	gpa_write(&mem, TXB, f, len);
	tx_ring(8);
	ctxd(0, 14, 24, 33, 34, 50, 0, CTX_TCP | CTX_IP, 0, 0);
	txd(1, TXB, (uint32_t)len | DTYP_DATA | CMD_DEXT | CMD_EOP | CMD_RS, 0x02u << 8);	/* TXSM */
	wr(TDT, 2);
	CHECK_EQ(sends, 1);
	CHECK_EQ(sent_len[0], len);
	CHECK(tcp_ok(sent[0], len));
	CHECK_EQ(r8(TXR + 16 + 12) & 1, 1);
}

TEST(tx_tso)
{
	static uint8_t f[3200];
	size_t len, pay = 2500;
	uint8_t ph[12];
	uint32_t s;
	setup();
	len = make_tcp(f, pay);
	/* As Linux prepares TSO: IP length and checksum 0, pseudo-header sum without length. */
	memcpy(ph, f + 26, 8);
	ph[8] = 0; ph[9] = 6; ph[10] = 0; ph[11] = 0;
	s = csum_add(0, ph, 12);
	f[50] = (uint8_t)(s >> 8);
	f[51] = (uint8_t)s;
	gpa_write(&mem, TXB, f, len);
	tx_ring(8);
	ctxd(0, 14, 24, 33, 34, 50, 0, CTX_TCP | CTX_IP | CMD_TSE | (uint32_t)pay, 54, 1000);
	/* Headers in one descriptor, payload in two. */
	txd(1, TXB, 54 | DTYP_DATA | CMD_DEXT | CMD_TSE, 0x03u << 8);
	txd(2, TXB + 54, 1200 | DTYP_DATA | CMD_DEXT | CMD_TSE, 0);
	txd(3, TXB + 54 + 1200, (uint32_t)(pay - 1200) | DTYP_DATA | CMD_DEXT | CMD_TSE |
	    CMD_EOP | CMD_RS, 0);
	wr(TDT, 4);
	CHECK_EQ(sends, 3);
	for (int i = 0; i < 3; i++) {
		size_t want = 54 + (i < 2 ? 1000 : 500);
		uint8_t *g = sent[i];
		CHECK_EQ(sent_len[i], want);
		CHECK_EQ(g[16] << 8 | g[17], want - 14);		/* IP total length */
		CHECK_EQ(g[18] << 8 | g[19], 0x1234 + i);		/* IP identification */
		CHECK_EQ((uint32_t)g[38] << 24 | g[39] << 16 | g[40] << 8 | g[41],
			 0x1000 + 1000 * i);				/* sequence number */
		CHECK_EQ(g[47] & 0x09, i == 2 ? 0x09 : 0);		/* FIN, PSH last only */
		CHECK(!memcmp(g + 54, f + 54 + 1000 * i, want - 54));
		CHECK(tcp_ok(g, want));
	}
}

TEST(rx_unicast_and_filters)
{
	uint8_t f[64] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56, 0x52, 0x55, 0x0a, 0, 2, 2, 0x08, 0x06 };
	uint8_t got[64];
	setup();
	for (int i = 14; i < 42; i++)
		f[i] = (uint8_t)i;
	rx_ring(8, 0);
	wr(IMS, 0x80);
	CHECK_EQ(e1000_receive(e, f, 42), 0);
	CHECK_EQ(rd(RDH), 1);
	CHECK_EQ(r16(RXR + 8), 64);			/* padded to 60, plus CRC */
	CHECK_EQ(r8(RXR + 12), 0x07);			/* DD, EOP, IXSM */
	gpa_read(&mem, RXB, got, 64);
	CHECK(!memcmp(got, f, 42));
	CHECK_EQ(got[59], 0);
	/* The appended CRC makes the whole frame's CRC-32 residue 0x2144df1c. */
	{
		uint32_t c = 0xffffffff;
		for (int i = 0; i < 64; i++) {
			c ^= got[i];
			for (int k = 0; k < 8; k++)
				c = c >> 1 ^ (0xedb88320 & -(c & 1));
		}
		CHECK_EQ(c, 0xdebb20e3);
	}
	CHECK_EQ(irqs.level[IRQ], 1);
	CHECK_EQ(rd(ICR) & 0x80, 0x80);
	CHECK_EQ(rd(GPRC), 1);
	/* Another station's unicast is filtered; so is broadcast without BAM. */
	f[5] = 0x57;
	CHECK_EQ(e1000_receive(e, f, 42), 0);
	memset(f, 0xff, 6);
	CHECK_EQ(e1000_receive(e, f, 42), 0);
	CHECK_EQ(rd(RDH), 1);
	wr(RCTL, rd(RCTL) | 1u << 15);			/* BAM */
	CHECK_EQ(e1000_receive(e, f, 42), 0);
	CHECK_EQ(rd(RDH), 2);
	/* Multicast through the MTA (MO 0: hash = bits 47:36). */
	f[0] = 0x01; f[1] = 0x00; f[2] = 0x5e; f[3] = 0x00; f[4] = 0x00; f[5] = 0xfb;
	CHECK_EQ(e1000_receive(e, f, 42), 0);
	CHECK_EQ(rd(RDH), 2);
	{
		unsigned h = (0x00 >> 4 | 0xfb << 4) & 0xfff;
		wr(MTA + 4 * (h >> 5), 1u << (h & 31));
	}
	CHECK_EQ(e1000_receive(e, f, 42), 0);
	CHECK_EQ(rd(RDH), 3);
	/* Promiscuous unicast. */
	f[0] = 0x02; f[5] = 0x99;
	wr(RCTL, rd(RCTL) | 1u << 3);
	CHECK_EQ(e1000_receive(e, f, 42), 0);
	CHECK_EQ(rd(RDH), 4);
	/* SECRC strips the CRC. */
	wr(RCTL, rd(RCTL) | 1u << 26);
	CHECK_EQ(e1000_receive(e, f, 42), 0);
	CHECK_EQ(r16(RXR + 16 * 4 + 8), 60);
}

TEST(rx_multi_descriptor_and_full_ring)
{
	static uint8_t f[1000], got[1004];
	setup();
	memcpy(f, mac, 6);
	for (size_t i = 6; i < sizeof(f); i++)
		f[i] = (uint8_t)(i ^ 0x5a);
	rx_ring(8, 3u << 16);				/* 256-byte buffers */
	wr(IMS, 0xd0);
	CHECK_EQ(e1000_receive(e, f, sizeof(f)), 0);	/* 1004 bytes: 4 buffers */
	CHECK_EQ(rd(RDH), 4);
	for (int i = 0; i < 4; i++) {
		CHECK_EQ(r16(RXR + 16 * i + 8), i < 3 ? 256 : 1004 - 768);
		CHECK_EQ(r8(RXR + 16 * i + 12) & 3, i < 3 ? 1 : 3);
		gpa_read(&mem, RXB + 0x4000ULL * i, got + 256 * i, i < 3 ? 256 : 1004 - 768);
	}
	CHECK(!memcmp(got, f, sizeof(f)));
	CHECK(rd(ICR) & 0x10);				/* RXDMT0: 3 of 8 left */
	/* 3 free descriptors, 4 needed: dropped with RXO. */
	CHECK_EQ(e1000_receive(e, f, sizeof(f)), -EAGAIN);
	CHECK_EQ(rd(RDH), 4);
	CHECK_EQ(rd(ICR) & 0x40, 0x40);
	/* Too long without LPE. */
	CHECK_EQ(e1000_receive(e, f, 1600), -EINVAL);
	/* Receiver off. */
	wr(RCTL, 0);
	CHECK_EQ(e1000_receive(e, f, 60), -EAGAIN);
}

TEST(rx_echo_from_transmit)
{
	uint8_t f[60] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
	setup();
	rx_ring(8, 0);
	tx_ring(8);
	gpa_write(&mem, TXB, f, 60);
	echo = 1;
	txd(0, TXB, 60 | CMD_EOP | CMD_RS, 0);
	wr(TDT, 1);
	CHECK_EQ(sends, 1);
	CHECK_EQ(rd(RDH), 1);
	CHECK_EQ(rd(TDH), 1);
}

TEST(hostile_rings)
{
	uint8_t f[60] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
	setup();
	/* Transmit ring outside RAM: the engine stalls, nothing is sent. */
	tx_ring(8);
	wr(TDBAL, 0xf0000000);
	wr(TDBAH, 0xffffffff);
	wr(TDT, 3);
	CHECK_EQ(sends, 0);
	CHECK_EQ(rd(TDH), 0);
	/* Huge TDLEN is cut to the register's 20 bits; head/tail beyond the ring: nothing. */
	wr(TDBAL, (uint32_t)TXR);
	wr(TDBAH, 0);
	wr(TDLEN, 0xffffffff);
	CHECK_EQ(rd(TDLEN), 0xfff80);
	wr(TDLEN, 128);
	wr(TDH, 100);
	wr(TDT, 5);
	CHECK_EQ(rd(TDH), 100);
	wr(TDH, 0);
	wr(TDT, 0xffff);
	CHECK_EQ(rd(TDH), 0);
	wr(TDLEN, 0);
	wr(TDT, 3);
	CHECK_EQ(rd(TDH), 0);
	/* Receive: ring outside RAM, RDLEN 0, RDT past the end. */
	rx_ring(8, 0);
	wr(RDBAL, 0xfffffff0);
	wr(RDBAH, 0xffffffff);
	CHECK_EQ(e1000_receive(e, f, 60), -EAGAIN);
	wr(RDBAL, (uint32_t)RXR);
	wr(RDBAH, 0);
	wr(RDLEN, 0);
	CHECK_EQ(e1000_receive(e, f, 60), -EAGAIN);
	wr(RDLEN, 128);
	wr(RDT, 200);
	CHECK_EQ(e1000_receive(e, f, 60), -EAGAIN);
	wr(RDH, 300);
	wr(RDT, 2);
	CHECK_EQ(e1000_receive(e, f, 60), -EAGAIN);
	/* A receive buffer outside RAM: the descriptor reports an error. */
	wr(RDH, 0);
	w64(RXR, 0xfffffffffffffff0ULL);
	CHECK_EQ(e1000_receive(e, f, 60), 0);
	CHECK_EQ(r8(RXR + 13), 0x80);
	CHECK_EQ(rd(RDH), 1);
}

TEST(hostile_tx_buffers)
{
	uint8_t f[60] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
	setup();
	gpa_write(&mem, TXB, f, 60);
	tx_ring(16);
	/* A buffer wrapping 2^64 and one past the end of RAM: dropped, the ring moves on. */
	txd(0, 0xffffffffffffff00ULL, 0x200 | CMD_EOP | CMD_RS, 0);
	txd(1, (16 << 20) - 100, 0xffff | CMD_EOP | CMD_RS, 0);
	/* A chain whose data (17 x 60000 bytes) outgrows any packet: dropped at EOP. */
	for (unsigned i = 2; i < 14; i++)
		txd(i, TXB, 60000, 0);
	txd(14, TXB, 60 | CMD_EOP | CMD_RS, 0);
	wr(TDT, 15);
	CHECK_EQ(sends, 0);
	CHECK_EQ(rd(TDH), 15);
	CHECK_EQ(r8(TXR + 12) & 1, 1);
	/* The next packet goes out whole. */
	txd(15, TXB, 60 | CMD_EOP | CMD_RS, 0);
	wr(TDT, 0);
	CHECK_EQ(sends, 1);
	CHECK_EQ(sent_len[0], 60);
	/* A chain without EOP around the whole ring sends nothing and leaves it idle. */
	for (unsigned i = 0; i < 16; i++)
		txd(i, TXB, 60, 0);
	wr(TDT, 15);
	CHECK_EQ(rd(TDH), 15);
	CHECK_EQ(sends, 1);
	/* Hostile TSO contexts: MSS 0, or headers longer than the packet: dropped. */
	setup();
	gpa_write(&mem, TXB, f, 60);
	tx_ring(8);
	ctxd(0, 14, 24, 33, 34, 50, 0, CTX_TCP | CTX_IP | CMD_TSE, 54, 0);
	txd(1, TXB, 60 | DTYP_DATA | CMD_DEXT | CMD_TSE | CMD_EOP, 0x03u << 8);
	ctxd(2, 250, 255, 0, 255, 255, 0, CTX_TCP | CTX_IP | CMD_TSE, 255, 1);
	txd(3, TXB, 60 | DTYP_DATA | CMD_DEXT | CMD_TSE | CMD_EOP, 0x03u << 8);
	wr(TDT, 4);
	CHECK_EQ(sends, 0);
	CHECK_EQ(rd(TDH), 4);
}

TEST(tx_budget_resumes_from_timer)
{
	static uint8_t big[60000];
	setup();
	memcpy(big, mac, 6);
	gpa_write(&mem, TXB, big, sizeof(big));
	/* 128 packets of 60000 bytes: more than one doorbell's budget. */
	wr(TDBAL, (uint32_t)TXR);
	wr(TDLEN, 256 * 16);
	wr(TCTL, 1u << 1);
	for (unsigned i = 0; i < 128; i++)
		txd(i, TXB, 60000 | CMD_EOP, 0);
	wr(TDT, 128);
	CHECK(sends > 0 && sends < 128);
	CHECK(rd(TDH) < 128);
	CHECK_EQ(fake_clock_armed(&clk), 1);
	for (int i = 0; i < 10 && rd(TDH) != 128; i++)
		fake_clock_advance(&clk, 1000);
	CHECK_EQ(rd(TDH), 128);
	CHECK_EQ(sends, 128);
}

/* ITR: a new interrupt waits until ITR x 256 ns after the last one was signalled. */
TEST(interrupt_throttling)
{
	setup();
	wr(0xc4, 1000);				/* ITR: 256 us */
	wr(IMS, 0x80);
	wr(ICS, 0x80);
	CHECK_EQ(irqs.level[IRQ], 1);		/* the first is not held back */
	CHECK_EQ(rd(ICR), 0x80);
	CHECK_EQ(irqs.level[IRQ], 0);
	fake_clock_advance(&clk, 100000);
	wr(ICS, 0x80);
	CHECK_EQ(irqs.level[IRQ], 0);		/* 100 us later: held */
	CHECK(pci_cfg_read(e1000_pci(e), PCI_STATUS, 2) & PCI_STATUS_INTERRUPT);
	CHECK_EQ(fake_clock_armed(&clk), 1);
	fake_clock_advance(&clk, 155999);
	CHECK_EQ(irqs.level[IRQ], 0);
	fake_clock_advance(&clk, 1);
	CHECK_EQ(irqs.level[IRQ], 1);		/* at 256 us */
	CHECK_EQ(rd(ICR), 0x80);
	/* a cause acknowledged while held back raises nothing when the time comes */
	wr(ICS, 0x80);
	CHECK_EQ(irqs.level[IRQ], 0);
	wr(ICR, 0x80);
	fake_clock_advance(&clk, 300000);
	CHECK_EQ(irqs.level[IRQ], 0);
	/* ITR 0: no throttling; CTRL.RST clears ITR and the hold-back */
	wr(0xc4, 0);
	wr(ICS, 0x80);
	CHECK_EQ(irqs.level[IRQ], 1);
	rd(ICR);
	wr(0xc4, 0xffff);
	wr(ICS, 0x80);
	CHECK_EQ(irqs.level[IRQ], 1);
	rd(ICR);
	wr(ICS, 0x80);
	CHECK_EQ(irqs.level[IRQ], 0);
	wr(CTRL, 1u << 26);
	CHECK_EQ(fake_clock_armed(&clk), 0);
	CHECK_EQ(rd(0xc4), 0);
	wr(IMS, 0x80);
	wr(ICS, 0x80);
	CHECK_EQ(irqs.level[IRQ], 1);
}

TEST_MAIN_BEGIN("e1000")
	RUN(pci_identity);
	RUN(eeprom_eerd);
	RUN(eeprom_microwire);
	RUN(phy_mdic);
	RUN(interrupts);
	RUN(interrupt_throttling);
	RUN(reset_and_io_window);
	RUN(tx_legacy);
	RUN(tx_checksum_offload);
	RUN(tx_tso);
	RUN(rx_unicast_and_filters);
	RUN(rx_multi_descriptor_and_full_ring);
	RUN(rx_echo_from_transmit);
	RUN(hostile_rings);
	RUN(hostile_tx_buffers);
	RUN(tx_budget_resumes_from_timer);
	e1000_free(e);
	mem_destroy(&mem);
TEST_MAIN_END()

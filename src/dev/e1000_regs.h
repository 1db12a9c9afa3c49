/*
 * 82540EM internals shared by e1000.c (registers, interrupts, receive),
 * e1000_tx.c (transmit, checksum offload, TCP segmentation) and
 * e1000_phy.c (EEPROM and PHY).  Offsets and bits: 8254x SDM chapter 13.
 */
#ifndef HVM_DEV_E1000_REGS_H
#define HVM_DEV_E1000_REGS_H

#include "dev/e1000.h"

/* Registers (byte offsets in BAR 0) */
#define E1K_CTRL	0x0000
#define E1K_STATUS	0x0008
#define E1K_EECD	0x0010
#define E1K_EERD	0x0014
#define E1K_CTRL_EXT	0x0018
#define E1K_MDIC	0x0020
#define E1K_VET		0x0038
#define E1K_ICR		0x00c0
#define E1K_ITR		0x00c4
#define E1K_ICS		0x00c8
#define E1K_IMS		0x00d0
#define E1K_IMC		0x00d8
#define E1K_RCTL	0x0100
#define E1K_TCTL	0x0400
#define E1K_TIPG	0x0410
#define E1K_PBA		0x1000
#define E1K_RDBAL	0x2800
#define E1K_RDBAH	0x2804
#define E1K_RDLEN	0x2808
#define E1K_RDH		0x2810
#define E1K_RDT		0x2818
#define E1K_RDTR	0x2820
#define E1K_RADV	0x282c
#define E1K_TDBAL	0x3800
#define E1K_TDBAH	0x3804
#define E1K_TDLEN	0x3808
#define E1K_TDH		0x3810
#define E1K_TDT		0x3818
#define E1K_TIDV	0x3820
#define E1K_TADV	0x382c
#define E1K_STATS	0x4000		/* statistics, 0x4000-0x40ff, clear on read */
#define E1K_STATS_END	0x4100
#define E1K_MTA		0x5200		/* 128 x 32 bits */
#define E1K_RA		0x5400		/* 16 x (RAL, RAH) */
#define E1K_MANC	0x5820

/* Statistics counters the device keeps (offsets) */
#define E1K_MPC		0x4010
#define E1K_GPRC	0x4074
#define E1K_BPRC	0x4078
#define E1K_MPRC	0x407c
#define E1K_GPTC	0x4080
#define E1K_GORCL	0x4088
#define E1K_GORCH	0x408c
#define E1K_GOTCL	0x4090
#define E1K_GOTCH	0x4094
#define E1K_TORL	0x40c0
#define E1K_TORH	0x40c4
#define E1K_TOTL	0x40c8
#define E1K_TOTH	0x40cc
#define E1K_TPR		0x40d0
#define E1K_TPT		0x40d4

/* CTRL */
#define CTRL_FD		(1u << 0)
#define CTRL_SLU	(1u << 6)
#define CTRL_SPEED_1000	(2u << 8)
#define CTRL_RST	(1u << 26)
#define CTRL_VME	(1u << 30)
#define CTRL_PHY_RST	(1u << 31)
/* STATUS */
#define STATUS_FD	(1u << 0)
#define STATUS_LU	(1u << 1)
#define STATUS_SPEED_1000 (2u << 6)
/* EECD */
#define EECD_SK		(1u << 0)
#define EECD_CS		(1u << 1)
#define EECD_DI		(1u << 2)
#define EECD_DO		(1u << 3)
#define EECD_REQ	(1u << 6)
#define EECD_GNT	(1u << 7)
#define EECD_PRES	(1u << 8)
/* EERD */
#define EERD_START	(1u << 0)
#define EERD_DONE	(1u << 4)
/* MDIC */
#define MDIC_OP_WRITE	(1u << 26)
#define MDIC_OP_READ	(2u << 26)
#define MDIC_READY	(1u << 28)
#define MDIC_INT	(1u << 29)
#define MDIC_ERROR	(1u << 30)
/* Interrupt causes (ICR, ICS, IMS, IMC) */
#define ICR_TXDW	(1u << 0)
#define ICR_TXQE	(1u << 1)
#define ICR_LSC		(1u << 2)
#define ICR_RXDMT0	(1u << 4)
#define ICR_RXO		(1u << 6)
#define ICR_RXT0	(1u << 7)
#define ICR_MDAC	(1u << 9)
#define ICR_VALID	0x0001f6dfu	/* causes an 82540EM has */
/* RCTL */
#define RCTL_EN		(1u << 1)
#define RCTL_SBP	(1u << 2)
#define RCTL_UPE	(1u << 3)
#define RCTL_MPE	(1u << 4)
#define RCTL_LPE	(1u << 5)
#define RCTL_RDMTS_SHIFT 8
#define RCTL_MO_SHIFT	12
#define RCTL_BAM	(1u << 15)
#define RCTL_BSIZE_SHIFT 16
#define RCTL_BSEX	(1u << 25)
#define RCTL_SECRC	(1u << 26)
/* TCTL */
#define TCTL_EN		(1u << 1)
#define TCTL_PSP	(1u << 3)
/* RAH */
#define RAH_AV		(1u << 31)

/* Transmit descriptor bits (in the second dword: length/cmd, third: status/popts) */
#define TXD_CMD_EOP	(1u << 24)
#define TXD_CMD_IC	(1u << 26)
#define TXD_CMD_TSE	(1u << 26)	/* in extended descriptors */
#define TXD_CMD_RS	(1u << 27)
#define TXD_CMD_DEXT	(1u << 29)
#define TXD_CMD_VLE	(1u << 30)
#define TXD_CMD_TCP	(1u << 24)	/* context TUCMD */
#define TXD_CMD_IP	(1u << 25)
#define TXD_DTYP_SHIFT	20
#define TXD_DTYP_CTX	0
#define TXD_DTYP_DATA	1
#define TXD_STAT_DD	0x01
#define TXD_POPTS_IXSM	0x01
#define TXD_POPTS_TXSM	0x02
/* Receive descriptor status */
#define RXD_STAT_DD	0x01
#define RXD_STAT_EOP	0x02
#define RXD_STAT_IXSM	0x04
#define RXD_ERR_RXE	0x80

#define E1K_NREGS	(E1000_MMIO_SIZE / 4)
#define E1K_EE_WORDS	64
#define E1K_TX_MAX	(65536 + 256)	/* a whole TSO packet: 64 KiB payload and headers */

/* A TCP/IP context descriptor (8254x SDM 3.3.6). */
struct e1000_txctx {
	uint8_t ipcss, ipcso, tucss, tucso, hdrlen;
	uint16_t ipcse, tucse, mss;
	uint32_t tucmd;			/* the context's cmd dword (TCP, IP, TSE bits) */
};

struct e1000 {
	struct pci_dev pci;
	const struct guest_mem *mem;
	struct bus *mmio, *pio;
	struct clock *clock;
	struct timer *tx_timer;
	struct timer *itr_timer;	/* asserts an interrupt ITR held back */
	uint64_t itr_next;		/* no new interrupt before this (clock ns) */
	struct irq_line intx;
	int intx_level;
	uint64_t bar0, bar1;		/* where the BARs are mapped now */
	uint8_t mac[6];
	e1000_tx_fn tx;
	void *tx_opaque;
	uint32_t ioaddr;		/* BAR 1 IOADDR */

	/* EEPROM: Microwire serial interface through EECD, or EERD */
	uint16_t ee[E1K_EE_WORDS];
	unsigned ee_bits, ee_nbits;	/* command bits shifted in */
	int ee_reading;			/* shifting data out */
	unsigned ee_addr, ee_outbit;
	uint16_t phy[32];

	/* Transmit: contexts for checksum-only [0] and segmentation [1] packets */
	struct e1000_txctx ctx[2];
	size_t tx_len;			/* bytes gathered for the packet in progress */
	int tx_started, tx_overflow, tx_tse, tx_legacy, tx_vle, tx_ic;
	uint8_t tx_popts, tx_cso, tx_css;
	uint16_t tx_vlan;
	int tx_busy;			/* inside the transmit loop */

	uint32_t regs[E1K_NREGS];
	uint8_t txbuf[E1K_TX_MAX];
	uint8_t seg[E1K_TX_MAX + 4];
	uint8_t rxbuf[E1000_MAX_FRAME + 4];
};

static inline uint32_t *e1k_reg(struct e1000 *e, uint32_t off) { return &e->regs[off >> 2]; }

/* e1000.c */
void e1000_raise(struct e1000 *e, uint32_t causes);
void e1000_stat_add(struct e1000 *e, uint32_t lo, uint64_t n);
/* e1000_tx.c: process the transmit ring from TDH to TDT. */
void e1000_tx_kick(struct e1000 *e);
void e1000_tx_reset(struct e1000 *e);
void e1000_tx_timer(void *opaque);
/* e1000_phy.c */
void e1000_eeprom_init(struct e1000 *e);
void e1000_eecd_write(struct e1000 *e, uint32_t val);
uint32_t e1000_eerd_write(struct e1000 *e, uint32_t val);
void e1000_phy_reset(struct e1000 *e);
uint32_t e1000_mdic_write(struct e1000 *e, uint32_t val);

#endif

/*
 * 82540EM EEPROM and PHY (8254x SDM chapters 5 and 8 and 13.4).
 *
 * EEPROM: 64 words of a Microwire 93C46 part, read by bit-banging EECD
 * (start bit, opcode 10 = READ, 6 address bits, then 16 data bits out
 * MSB first, sequentially on to the next word) or through EERD.  Words 0-2
 * hold the MAC address and word 0x3f makes the 64 words sum to 0xbaba, which
 * drivers check.  Writes and erases are accepted and ignored.
 *
 * PHY: the integrated Marvell 88E1011-compatible PHY at MDIO address 1,
 * through MDIC, which completes at once.  The link is always up at
 * 1000 Mb/s full duplex with autonegotiation complete; reset and
 * restart-autonegotiation bits clear themselves.
 */
#include "dev/e1000_regs.h"

#include <string.h>

/* EEPROM words (8254x SDM table 5-1) */
#define EE_COMPAT	0x03
#define EE_PBA0		0x08
#define EE_PBA1		0x09
#define EE_ICW1		0x0a
#define EE_SUBSYS	0x0b
#define EE_SUBVEND	0x0c
#define EE_DEVID	0x0d
#define EE_VENDID	0x0e
#define EE_ICW2		0x0f
#define EE_CHECKSUM	0x3f
#define EE_SUM		0xbaba
#define EE_OP_READ	2
#define EE_ADDR_BITS	6

/* PHY registers (IEEE 802.3 clause 22, then 88E1011 specific) */
enum {
	PHY_CTRL = 0, PHY_STATUS = 1, PHY_ID1 = 2, PHY_ID2 = 3, PHY_ANAR = 4, PHY_ANLPAR = 5,
	PHY_ANER = 6, PHY_1000T_CTRL = 9, PHY_1000T_STATUS = 10, PHY_EXT_STATUS = 15,
	PHY_SPEC_CTRL = 16, PHY_SPEC_STATUS = 17, PHY_EXT_SPEC_CTRL = 20,
};
#define PHY_CTRL_RESET		0x8000
#define PHY_CTRL_RESTART_AN	0x0200

void e1000_eeprom_init(struct e1000 *e)
{
	uint16_t sum = 0;

	memset(e->ee, 0, sizeof(e->ee));
	for (int i = 0; i < 3; i++)
		e->ee[i] = (uint16_t)(e->mac[2 * i] | e->mac[2 * i + 1] << 8);
	e->ee[EE_COMPAT] = 0x0000;
	e->ee[EE_PBA0] = 0xffff;	/* no PBA number */
	e->ee[EE_PBA1] = 0xffff;
	e->ee[EE_ICW1] = 0x0003;	/* load subsystem and device IDs from here */
	e->ee[EE_SUBSYS] = 0x001e;
	e->ee[EE_SUBVEND] = E1000_VENDOR;
	e->ee[EE_DEVID] = E1000_DEVICE_82540EM;
	e->ee[EE_VENDID] = E1000_VENDOR;
	e->ee[EE_ICW2] = 0x0000;	/* no PAUSE advertised */
	for (int i = 0; i < EE_CHECKSUM; i++)
		sum = (uint16_t)(sum + e->ee[i]);
	e->ee[EE_CHECKSUM] = (uint16_t)(EE_SUM - sum);
	e->ee_nbits = e->ee_bits = 0;
	e->ee_reading = 0;
}

/* A write to EECD: the driver drives SK, CS and DI; DO answers on SK's rising edge. */
void e1000_eecd_write(struct e1000 *e, uint32_t val)
{
	uint32_t old = *e1k_reg(e, E1K_EECD);
	uint32_t now = (val & (EECD_SK | EECD_CS | EECD_DI | EECD_REQ)) | EECD_PRES;

	if (now & EECD_REQ)
		now |= EECD_GNT;
	now |= old & EECD_DO;
	if (!(now & EECD_CS)) {
		/* Deselected: the part goes back to waiting for a start bit. */
		e->ee_nbits = e->ee_bits = 0;
		e->ee_reading = 0;
		now &= ~EECD_DO;
	} else if ((now & EECD_SK) && !(old & EECD_SK)) {
		if (e->ee_reading) {
			uint16_t w = e->ee[e->ee_addr % E1K_EE_WORDS];
			now = (now & ~EECD_DO) | ((w >> (15 - e->ee_outbit)) & 1 ? EECD_DO : 0);
			if (++e->ee_outbit == 16) {
				e->ee_outbit = 0;
				e->ee_addr = (e->ee_addr + 1) % E1K_EE_WORDS;
			}
		} else if (e->ee_nbits || (now & EECD_DI)) {	/* leading zeros before the start bit */
			e->ee_bits = (e->ee_bits << 1 | !!(now & EECD_DI)) & 0x1ff;
			if (++e->ee_nbits == 3 + EE_ADDR_BITS) {
				unsigned op = (e->ee_bits >> EE_ADDR_BITS) & 3;
				e->ee_addr = e->ee_bits & (E1K_EE_WORDS - 1);
				e->ee_outbit = 0;
				/* READ shifts out a dummy 0 now, the data on the next edges. */
				e->ee_reading = op == EE_OP_READ;
				now &= ~EECD_DO;
			} else if (e->ee_nbits > 3 + EE_ADDR_BITS) {
				e->ee_nbits = 3 + EE_ADDR_BITS + 1;	/* write data: ignored */
			}
		}
	}
	*e1k_reg(e, E1K_EECD) = now;
}

uint32_t e1000_eerd_write(struct e1000 *e, uint32_t val)
{
	unsigned addr = (val >> 8) & 0xff;

	if (!(val & EERD_START))
		return val & 0xff00;
	return EERD_DONE | addr << 8 |
	       (uint32_t)(addr < E1K_EE_WORDS ? e->ee[addr] : 0) << 16;
}

void e1000_phy_reset(struct e1000 *e)
{
	memset(e->phy, 0, sizeof(e->phy));
	e->phy[PHY_CTRL] = 0x1140;		/* autoneg enabled, full duplex, 1000 Mb/s */
	e->phy[PHY_STATUS] = 0x796d;		/* link up, autoneg complete, extended status */
	e->phy[PHY_ID1] = 0x0141;		/* Marvell OUI */
	e->phy[PHY_ID2] = 0x0c20;		/* 88E1011, revision 0 */
	e->phy[PHY_ANAR] = 0x0de1;
	e->phy[PHY_ANLPAR] = 0x45e1;		/* partner: ack, pause, 10/100 half and full */
	e->phy[PHY_ANER] = 0x0001;
	e->phy[PHY_1000T_CTRL] = 0x0300;
	e->phy[PHY_1000T_STATUS] = 0x3c00;	/* receivers OK, partner 1000 half and full */
	e->phy[PHY_EXT_STATUS] = 0x3000;
	e->phy[PHY_SPEC_CTRL] = 0x0068;
	e->phy[PHY_SPEC_STATUS] = 0xac00;	/* 1000 Mb/s, full duplex, resolved, link */
	e->phy[PHY_EXT_SPEC_CTRL] = 0x0c60;
}

static int phy_read_only(unsigned reg)
{
	return reg == PHY_STATUS || reg == PHY_ID1 || reg == PHY_ID2 || reg == PHY_ANLPAR ||
	       reg == PHY_ANER || reg == PHY_1000T_STATUS || reg == PHY_EXT_STATUS ||
	       reg == PHY_SPEC_STATUS;
}

/* A write to MDIC: one PHY register access, done by the time the driver looks. */
uint32_t e1000_mdic_write(struct e1000 *e, uint32_t val)
{
	unsigned reg = (val >> 16) & 0x1f, phyaddr = (val >> 21) & 0x1f;
	uint32_t op = val & (3u << 26);

	val &= ~(MDIC_READY | MDIC_ERROR);
	if (phyaddr != 1 || (op != MDIC_OP_READ && op != MDIC_OP_WRITE))
		return val | MDIC_READY | MDIC_ERROR;
	if (op == MDIC_OP_READ) {
		val = (val & ~0xffffu) | e->phy[reg];
	} else if (!phy_read_only(reg)) {
		uint16_t v = (uint16_t)val;
		if (reg == PHY_CTRL && (v & PHY_CTRL_RESET)) {
			e1000_phy_reset(e);
			v &= (uint16_t)~PHY_CTRL_RESET;
		}
		if (reg == PHY_CTRL)
			v &= (uint16_t)~PHY_CTRL_RESTART_AN;	/* autonegotiation completes at once */
		e->phy[reg] = v;
	}
	if (val & MDIC_INT)
		e1000_raise(e, ICR_MDAC);
	return val | MDIC_READY;
}

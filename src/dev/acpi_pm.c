/*
 * ACPI fixed-hardware registers (ACPI 6.4, 4.8.3): PM1a event block
 * (PM1_STS with write-1-to-clear bits, PM1_EN), PM1a control block and the
 * power-management timer, laid out as on QEMU's PIIX4 PM at 0x600:
 *   +0 PM1_STS  +2 PM1_EN  +4 PM1_CNT  +8 PM_TMR.
 *
 * The PM timer counts at 3.579545 MHz from the monotonic clock and is 24
 * bits wide (FADT TMR_VAL_EXT = 0): the narrower choice every OS handles.
 * TMR_STS is derived when read: it is set once bit 23 of the counter has
 * flipped since the guest last cleared it.
 * There is no SMI command port (FADT SMI_CMD = 0), so the board starts in
 * ACPI mode: SCI_EN is set at reset.  SLP_EN with SLP_TYP = ACPI_SLP_TYP_S5
 * powers the machine off.
 *
 * Not emulated: sleep states other than S5 (the request is ignored), an SCI
 * on timer carry (no timer is armed for TMR_EN), GPE blocks, PM1b.
 */
#include "dev/acpi_pm.h"

#include <stdlib.h>

#define PM1_STS		0
#define PM1_EN		2
#define PM1_CNT		4
#define PM_TMR		8

#define PM1_STS_W1C	(ACPI_PM1_TMR_STS | ACPI_PM1_GBL_STS | ACPI_PM1_PWRBTN_STS | \
			 0x0200 /* SLPBTN */ | ACPI_PM1_RTC_STS | ACPI_PM1_WAK_STS)
#define PM1_EN_MASK	(ACPI_PM1_TMR_STS | ACPI_PM1_GBL_STS | ACPI_PM1_PWRBTN_STS | \
			 0x0200 | ACPI_PM1_RTC_STS)
/* SCI_EN, BM_RLD, GBL_RLS and SLP_TYP are kept; SLP_EN is write-only. */
#define PM1_CNT_KEEP	(ACPI_PM1_SCI_EN | 0x0002 | 0x0004 | ACPI_PM1_SLP_TYP_MASK)
#define PM_TMR_MASK	0xffffffu

struct acpi_pm {
	struct clock *clk;
	const struct vm_ctl *ctl;
	struct irq_line sci;
	uint16_t sts, en, cnt;
	uint64_t tmr_carry_seen;	/* counter >> 23 when TMR_STS was last cleared */
};

static uint64_t pm_ticks(struct acpi_pm *pm)
{
	uint64_t ns = clock_now(pm->clk);
	/* Split so the product cannot overflow for any uptime. */
	return (ns / 1000000000ULL) * ACPI_PM_TMR_HZ +
	       (ns % 1000000000ULL) * ACPI_PM_TMR_HZ / 1000000000ULL;
}

static uint16_t pm_sts(struct acpi_pm *pm)
{
	uint16_t s = pm->sts;
	if ((pm_ticks(pm) >> 23) != pm->tmr_carry_seen)
		s |= ACPI_PM1_TMR_STS;
	return s;
}

static void pm_update_sci(struct acpi_pm *pm)
{
	int level = (pm->cnt & ACPI_PM1_SCI_EN) && (pm_sts(pm) & pm->en);
	irq_set(&pm->sci, level);
}

static void pm_sleep(struct acpi_pm *pm)
{
	unsigned typ = (pm->cnt & ACPI_PM1_SLP_TYP_MASK) >> ACPI_PM1_SLP_TYP_SHIFT;
	if (typ == ACPI_SLP_TYP_S5)
		vmctl_request(pm->ctl, VMREQ_POWEROFF, 0, "ACPI S5 (PM1a_CNT SLP_EN)");
}

static uint64_t acpi_pm_read(void *opaque, uint64_t off, unsigned size)
{
	struct acpi_pm *pm = opaque;
	uint8_t regs[ACPI_PM_LEN] = { 0 };
	uint16_t sts = pm_sts(pm);
	uint32_t tmr = (uint32_t)(pm_ticks(pm) & PM_TMR_MASK);
	uint64_t v = 0;

	regs[PM1_STS] = (uint8_t)sts;
	regs[PM1_STS + 1] = (uint8_t)(sts >> 8);
	regs[PM1_EN] = (uint8_t)pm->en;
	regs[PM1_EN + 1] = (uint8_t)(pm->en >> 8);
	regs[PM1_CNT] = (uint8_t)pm->cnt;
	regs[PM1_CNT + 1] = (uint8_t)(pm->cnt >> 8);
	for (int i = 0; i < 4; i++)
		regs[PM_TMR + i] = (uint8_t)(tmr >> (8 * i));
	for (unsigned i = 0; i < size && i < 8; i++)
		v |= (uint64_t)(off + i < ACPI_PM_LEN ? regs[off + i] : 0xff) << (8 * i);
	return v;
}

/* One byte of a 16-bit register at a time: SLP_TYP and SLP_EN share the high byte. */
static void pm_write_byte(struct acpi_pm *pm, unsigned off, uint8_t b)
{
	unsigned shift = (off & 1) * 8;
	uint16_t v = (uint16_t)(b << shift), lane = (uint16_t)(0xff << shift);

	switch (off & ~1u) {
	case PM1_STS:
		if (v & ACPI_PM1_TMR_STS)
			pm->tmr_carry_seen = pm_ticks(pm) >> 23;
		pm->sts &= (uint16_t)~(v & PM1_STS_W1C);
		break;
	case PM1_EN:
		pm->en = (uint16_t)((pm->en & ~lane) | (v & lane & PM1_EN_MASK));
		break;
	case PM1_CNT:
		pm->cnt = (uint16_t)((pm->cnt & ~lane) | (v & lane & PM1_CNT_KEEP));
		if (v & ACPI_PM1_SLP_EN)
			pm_sleep(pm);
		break;
	default:
		break;		/* PM_TMR and the reserved word are read-only */
	}
}

static void acpi_pm_write(void *opaque, uint64_t off, unsigned size, uint64_t val)
{
	struct acpi_pm *pm = opaque;
	for (unsigned i = 0; i < size && i < 8 && off + i < ACPI_PM_LEN; i++)
		pm_write_byte(pm, (unsigned)(off + i), (uint8_t)(val >> (8 * i)));
	pm_update_sci(pm);
}

static void acpi_pm_reset(void *opaque)
{
	struct acpi_pm *pm = opaque;
	pm->sts = 0;
	pm->en = 0;
	pm->cnt = ACPI_PM1_SCI_EN;
	pm->tmr_carry_seen = pm_ticks(pm) >> 23;
	pm_update_sci(pm);
}

void acpi_pm_power_button(struct acpi_pm *pm)
{
	pm->sts |= ACPI_PM1_PWRBTN_STS;
	pm_update_sci(pm);
}

struct acpi_pm *acpi_pm_new(struct clock *clk, const struct vm_ctl *ctl,
			    const struct irq_line *sci)
{
	struct acpi_pm *pm = calloc(1, sizeof(*pm));
	if (!pm)
		return NULL;
	pm->clk = clk;
	pm->ctl = ctl;
	if (sci)
		pm->sci = *sci;
	acpi_pm_reset(pm);
	return pm;
}

void acpi_pm_free(struct acpi_pm *pm)
{
	free(pm);
}

const struct io_ops acpi_pm_ops = {
	.name = "acpi-pm",
	.read = acpi_pm_read,
	.write = acpi_pm_write,
	.reset = acpi_pm_reset,
};

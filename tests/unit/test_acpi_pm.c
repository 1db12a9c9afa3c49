/* ACPI PM1a event/control blocks and the PM timer. */
#include "test.h"
#include "fake/fake.h"
#include "dev/acpi_pm.h"
#include "layout.h"

static struct fake_clock clk;
static struct fake_vmctl vc;
static struct fake_irq irq;

static struct acpi_pm *mk(void)
{
	fake_clock_init(&clk, 0);
	fake_vmctl_init(&vc);
	fake_irq_init(&irq);
	return acpi_pm_new(&clk.c, &vc.ctl, &irq.line[IRQ_ACPI_SCI]);
}

static uint32_t tmr(struct acpi_pm *pm)
{
	return (uint32_t)acpi_pm_ops.read(pm, PORT_ACPI_PM_TMR - PORT_ACPI_PM_BASE, 4);
}

TEST(layout_matches_ports)
{
	CHECK_EQ(PORT_ACPI_PM1A_EVT - PORT_ACPI_PM_BASE, 0);
	CHECK_EQ(PORT_ACPI_PM1A_CNT - PORT_ACPI_PM_BASE, 4);
	CHECK_EQ(PORT_ACPI_PM_TMR - PORT_ACPI_PM_BASE, 8);
	CHECK(PORT_ACPI_PM_TMR + ACPI_PM_TMR_LEN <= PORT_ACPI_PM_BASE + ACPI_PM_LEN);
}

TEST(timer_rate)
{
	struct acpi_pm *pm = mk();
	uint32_t t0 = tmr(pm);
	fake_clock_advance(&clk, 1000000000ULL);	/* one second */
	uint32_t t1 = tmr(pm);
	CHECK_EQ((t1 - t0) & 0xffffff, 3579545);
	fake_clock_advance(&clk, 1000);			/* 1 us = 3.58 ticks */
	uint32_t t2 = tmr(pm);
	CHECK(((t2 - t1) & 0xffffff) >= 3 && ((t2 - t1) & 0xffffff) <= 4);
	CHECK_EQ(t2 >> 24, 0);				/* 24-bit counter */
	/* It wraps at 2^24 and stays monotonic modulo that. */
	fake_clock_advance(&clk, 4000000000ULL);
	CHECK_EQ(tmr(pm) >> 24, 0);
	/* Far in the future the arithmetic must not overflow. */
	fake_clock_advance(&clk, 100000ULL * 3600 * 1000000000ULL);
	uint32_t a = tmr(pm);
	fake_clock_advance(&clk, 1000000ULL);		/* 1 ms */
	uint32_t d = (tmr(pm) - a) & 0xffffff;
	CHECK(d == 3579 || d == 3580);			/* floor of the phase either side */
	/* Byte reads see the same counter. */
	uint32_t b0 = (uint32_t)acpi_pm_ops.read(pm, 8, 1);
	CHECK_EQ(b0, tmr(pm) & 0xff);
	acpi_pm_ops.write(pm, 8, 4, 0);			/* read-only */
	CHECK(tmr(pm) != 0);
	acpi_pm_free(pm);
}

TEST(s5_request)
{
	struct acpi_pm *pm = mk();
	CHECK_EQ(acpi_pm_ops.read(pm, 4, 2) & ACPI_PM1_SCI_EN, ACPI_PM1_SCI_EN);
	acpi_pm_ops.write(pm, 4, 2, ACPI_PM1_SCI_EN | (ACPI_SLP_TYP_S5 << 10));	/* no SLP_EN */
	CHECK_EQ(vc.count, 0);
	acpi_pm_ops.write(pm, 4, 2, ACPI_PM1_SCI_EN | (1 << 10) | ACPI_PM1_SLP_EN);	/* S3-ish */
	CHECK_EQ(vc.count, 0);
	CHECK_EQ(acpi_pm_ops.read(pm, 4, 2) & ACPI_PM1_SLP_EN, 0);	/* write-only bit */
	acpi_pm_ops.write(pm, 4, 2, ACPI_PM1_SCI_EN | (ACPI_SLP_TYP_S5 << 10) | ACPI_PM1_SLP_EN);
	CHECK_EQ(vc.count, 1);
	CHECK_EQ(vc.last, VMREQ_POWEROFF);
	/* Same request as a byte write to the high half (0x605), as some OSes do. */
	fake_vmctl_init(&vc);
	acpi_pm_ops.write(pm, 5, 1, (ACPI_SLP_TYP_S5 << 2) | 0x20);
	CHECK_EQ(vc.count, 1);
	CHECK_EQ(vc.last, VMREQ_POWEROFF);
	acpi_pm_free(pm);
}

TEST(status_write_one_to_clear_and_sci)
{
	struct acpi_pm *pm = mk();
	CHECK_EQ(acpi_pm_ops.read(pm, 0, 2), 0);
	acpi_pm_power_button(pm);
	CHECK_EQ(acpi_pm_ops.read(pm, 0, 2) & ACPI_PM1_PWRBTN_STS, ACPI_PM1_PWRBTN_STS);
	CHECK_EQ(irq.level[IRQ_ACPI_SCI], 0);		/* not enabled */
	acpi_pm_ops.write(pm, 2, 2, ACPI_PM1_PWRBTN_STS);
	CHECK_EQ(acpi_pm_ops.read(pm, 2, 2), ACPI_PM1_PWRBTN_STS);
	CHECK_EQ(irq.level[IRQ_ACPI_SCI], 1);
	acpi_pm_ops.write(pm, 0, 2, 0);			/* writing 0 clears nothing */
	CHECK_EQ(acpi_pm_ops.read(pm, 0, 2) & ACPI_PM1_PWRBTN_STS, ACPI_PM1_PWRBTN_STS);
	acpi_pm_ops.write(pm, 0, 2, ACPI_PM1_PWRBTN_STS);
	CHECK_EQ(acpi_pm_ops.read(pm, 0, 2) & ACPI_PM1_PWRBTN_STS, 0);
	CHECK_EQ(irq.level[IRQ_ACPI_SCI], 0);
	/* SCI_EN gates the line. */
	acpi_pm_power_button(pm);
	CHECK_EQ(irq.level[IRQ_ACPI_SCI], 1);
	acpi_pm_ops.write(pm, 4, 2, 0);
	CHECK_EQ(irq.level[IRQ_ACPI_SCI], 0);
	acpi_pm_ops.write(pm, 4, 2, ACPI_PM1_SCI_EN);
	CHECK_EQ(irq.level[IRQ_ACPI_SCI], 1);
	acpi_pm_ops.reset(pm);
	CHECK_EQ(irq.level[IRQ_ACPI_SCI], 0);
	CHECK_EQ(acpi_pm_ops.read(pm, 0, 4), 0);
	acpi_pm_free(pm);
}

TEST(timer_carry_status)
{
	struct acpi_pm *pm = mk();
	CHECK_EQ(acpi_pm_ops.read(pm, 0, 2) & ACPI_PM1_TMR_STS, 0);
	/* Bit 23 flips every 2^23 ticks = ~2.34 s. */
	fake_clock_advance(&clk, 2400000000ULL);
	CHECK_EQ(acpi_pm_ops.read(pm, 0, 2) & ACPI_PM1_TMR_STS, ACPI_PM1_TMR_STS);
	acpi_pm_ops.write(pm, 0, 2, ACPI_PM1_TMR_STS);
	CHECK_EQ(acpi_pm_ops.read(pm, 0, 2) & ACPI_PM1_TMR_STS, 0);
	fake_clock_advance(&clk, 100000000ULL);
	CHECK_EQ(acpi_pm_ops.read(pm, 0, 2) & ACPI_PM1_TMR_STS, 0);
	acpi_pm_free(pm);
}

TEST(hostile_offsets)
{
	struct acpi_pm *pm = mk();
	for (unsigned off = 0; off < 16; off++) {
		acpi_pm_ops.write(pm, off, 8, 0);
		(void)acpi_pm_ops.read(pm, off, 8);
	}
	CHECK_EQ(acpi_pm_ops.read(pm, 12, 1), 0xff);
	CHECK_EQ(vc.count, 0);
	acpi_pm_free(pm);
}

TEST_MAIN_BEGIN("test_acpi_pm")
	RUN(layout_matches_ports);
	RUN(timer_rate);
	RUN(s5_request);
	RUN(status_write_one_to_clear_and_sci);
	RUN(timer_carry_status);
	RUN(hostile_offsets);
TEST_MAIN_END()

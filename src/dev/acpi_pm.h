/*
 * ACPI fixed hardware (ACPI 6.4 section 4.8): PM1a event block, PM1a control
 * block and the 24-bit PM timer.  Map acpi_pm_ops at PORT_ACPI_PM_BASE with
 * len ACPI_PM_LEN; the FADT describes it with the constants below.
 */
#ifndef HVM_DEV_ACPI_PM_H
#define HVM_DEV_ACPI_PM_H

#include <stdint.h>

#include "core/bus.h"
#include "core/clock.h"
#include "core/irq.h"
#include "core/vmctl.h"

#define ACPI_PM_LEN		12
#define ACPI_PM1_EVT_LEN	4	/* FADT PM1_EVT_LEN: STS(2) + EN(2) */
#define ACPI_PM1_CNT_LEN	2	/* FADT PM1_CNT_LEN */
#define ACPI_PM_TMR_LEN		4	/* FADT PM_TMR_LEN; TMR_VAL_EXT = 0 (24-bit) */
#define ACPI_PM_TMR_HZ		3579545ULL
#define ACPI_SLP_TYP_S5		5	/* \_S5 package value the DSDT must use */

/* PM1 status / enable bits */
#define ACPI_PM1_TMR_STS	0x0001
#define ACPI_PM1_GBL_STS	0x0020
#define ACPI_PM1_PWRBTN_STS	0x0100
#define ACPI_PM1_RTC_STS	0x0400
#define ACPI_PM1_WAK_STS	0x8000
/* PM1 control bits */
#define ACPI_PM1_SCI_EN		0x0001
#define ACPI_PM1_SLP_TYP_SHIFT	10
#define ACPI_PM1_SLP_TYP_MASK	0x1c00
#define ACPI_PM1_SLP_EN		0x2000

struct acpi_pm;

/* sci (IRQ 9, may be NULL) is copied. */
struct acpi_pm *acpi_pm_new(struct clock *clk, const struct vm_ctl *ctl,
			    const struct irq_line *sci);
void acpi_pm_free(struct acpi_pm *pm);
/* Press the power button: sets PWRBTN_STS (SCI if enabled). */
void acpi_pm_power_button(struct acpi_pm *pm);

extern const struct io_ops acpi_pm_ops;

#endif

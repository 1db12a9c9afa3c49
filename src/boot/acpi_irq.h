/*
 * The DSDT's PCI interrupt routing (ACPI 6.x 6.2.13 _PRT, 6.2.12 _PIC,
 * 6.2.16 _PRS, 6.2.2 _CRS, 6.2.17 _SRS, 6.2.3 _DIS): slot s pin p (INTA = 0)
 * drives PIRQ (s + p) & 3.
 *   APIC mode (_PIC(1)): \_SB.PCI0._PRT returns PRTA, PIRQ n = GSI
 *                        gsi_base + n (the IOAPIC pins the board drives).
 *   PIC mode (_PIC(0) or never called): PRTP, PIRQ n = link device
 *                        \_SB.LNKA..LNKD (PNP0C0F), whose _CRS/_SRS/_DIS read
 *                        and write the PIIX3 PIRQ route register 0x60 + n
 *                        (\_SB.PCI0.ISA_, 00:01.0), which the board follows -
 *                        whatever the firmware or the OS programmed there.
 */
#ifndef HVM_ACPI_IRQ_H
#define HVM_ACPI_IRQ_H

#include "boot/aml.h"

/* Root scope: Name(PICF, 0) and Method(\_PIC, 1). */
void acpi_aml_pic(struct aml *root);
/* Inside Device(PCI0): PRTA, PRTP, Method(_PRT) and Device(ISA_) with the PIRQ fields. */
void acpi_aml_pci_prt(struct aml *pci0, unsigned gsi_base);
/* Inside Scope(\_SB): Device(LNKA) .. Device(LNKD). */
void acpi_aml_pci_links(struct aml *sb);

/* IRQs a link may be set to (_PRS): 5, 10 and 11. */
#define ACPI_LINK_IRQ_MASK	0x0c20u

#endif

/*
 * PCI interrupt routing in the DSDT, for APIC mode (fixed GSIs) and PIC mode
 * (link devices over the PIIX3 PIRQ route registers); see acpi_irq.h.  The
 * AML is hand-encoded from ACPI 6.x chapter 20; the ASL it corresponds to
 * is quoted above each builder.
 */
#include "boot/acpi_irq.h"

static const uint8_t op_pkg = AML_PACKAGE_OP, op_buf = AML_BUFFER_OP, op_method = AML_METHOD_OP,
		     op_if = AML_IF_OP, op_else = AML_ELSE_OP;
static const uint8_t op_device[2] = { AML_EXT_PREFIX, AML_DEVICE_OP };
static const uint8_t op_field[2] = { AML_EXT_PREFIX, AML_FIELD_OP };

#define PIRQ_DISABLE	0x80		/* PIIX3 PIRQRC IRQEN# bit */
#define PCI_CONFIG_SPACE 0x02		/* OperationRegion space PCI_Config */
#define FIELD_BYTE_ACC	0x01		/* ByteAcc, NoLock, Preserve */
/* Small IRQ descriptor (6.4.2.1) with flags level, active low, shared; end tag. */
#define IRQ_DESC(lo, hi) { 0x23, (lo), (hi), 0x18, 0x79, 0x00 }

/* Method(name, flags) { body } */
static void method(struct aml *out, const char *name, uint8_t flags, const struct aml *body)
{
	uint8_t b[256];
	struct aml m;

	aml_init(&m, b, sizeof(b));
	aml_name(&m, name);
	aml_byte(&m, flags);
	aml_bytes(&m, body->buf, body->len);
	if (body->overflow)
		m.overflow = 1;
	aml_wrap(out, &op_method, 1, &m);
}

/* Name(name, Buffer() { bytes }) */
static void name_buffer(struct aml *out, const char *name, const uint8_t *p, size_t n)
{
	uint8_t b[32];
	struct aml d;

	aml_init(&d, b, sizeof(b));
	aml_int(&d, n);
	aml_bytes(&d, p, n);
	aml_byte(out, AML_NAME_OP);
	aml_name(out, name);
	aml_wrap(out, &op_buf, 1, &d);
}

/* Name(PICF, Zero)  Method(\_PIC, 1) { Store(Arg0, PICF) } */
void acpi_aml_pic(struct aml *root)
{
	uint8_t b[16];
	struct aml m;

	aml_name_int(root, "PICF", 0);
	aml_init(&m, b, sizeof(b));
	aml_byte(&m, AML_STORE_OP);
	aml_byte(&m, AML_ARG0);
	aml_name(&m, "PICF");
	method(root, "\\_PIC", 1, &m);
}

/* Name(name, Package(128) { Package() { slot << 16 | 0xffff, pin, source, index } ... }) */
static void build_table(struct aml *out, const char *name, unsigned gsi_base, int links)
{
	uint8_t eb[32], lb[3072];
	struct aml list, e;

	aml_init(&list, lb, sizeof(lb));
	aml_byte(&list, 128);			/* NumElements: 32 slots x 4 pins */
	for (unsigned slot = 0; slot < 32; slot++)
		for (unsigned pin = 0; pin < 4; pin++) {
			unsigned pirq = (slot + pin) & 3;
			char link[] = "\\_SB_.LNKA";

			aml_init(&e, eb, sizeof(eb));
			aml_byte(&e, 4);
			aml_int(&e, (slot << 16) | 0xffff);	/* any function of the slot */
			aml_int(&e, pin);
			if (links) {
				link[sizeof(link) - 2] = (char)('A' + pirq);
				aml_name(&e, link);		/* Source: the link device */
				aml_int(&e, 0);
			} else {
				aml_int(&e, 0);			/* Source 0: GSI in SourceIndex */
				aml_int(&e, gsi_base + pirq);
			}
			aml_wrap(&list, &op_pkg, 1, &e);
		}
	aml_byte(out, AML_NAME_OP);
	aml_name(out, name);
	aml_wrap(out, &op_pkg, 1, &list);
}

/*
 * Name(PRTA, ...)  Name(PRTP, ...)
 * Method(_PRT) { If (PICF) { Return (PRTA) } Return (PRTP) }
 * Device(ISA_) {
 *	Name(_ADR, 0x00010000)
 *	OperationRegion(PIRQ, PCI_Config, 0x60, 4)
 *	Field(PIRQ, ByteAcc, NoLock, Preserve) { PRQA, 8, PRQB, 8, PRQC, 8, PRQD, 8 }
 * }
 */
void acpi_aml_pci_prt(struct aml *pci0, unsigned gsi_base)
{
	uint8_t mb[32], ib[16], db[96], fb[48];
	struct aml m, i, d, f;

	build_table(pci0, "PRTA", gsi_base, 0);
	build_table(pci0, "PRTP", gsi_base, 1);

	aml_init(&i, ib, sizeof(ib));
	aml_name(&i, "PICF");
	aml_byte(&i, AML_RETURN_OP);
	aml_name(&i, "PRTA");
	aml_init(&m, mb, sizeof(mb));
	aml_wrap(&m, &op_if, 1, &i);
	aml_byte(&m, AML_RETURN_OP);
	aml_name(&m, "PRTP");
	method(pci0, "_PRT", 0, &m);

	aml_init(&d, db, sizeof(db));
	aml_name(&d, "ISA_");
	aml_name_int(&d, "_ADR", 0x00010000);		/* 00:01.0, the PIIX3 */
	aml_byte(&d, AML_EXT_PREFIX);
	aml_byte(&d, AML_OPREGION_OP);
	aml_name(&d, "PIRQ");
	aml_byte(&d, PCI_CONFIG_SPACE);
	aml_int(&d, 0x60);
	aml_int(&d, 4);
	aml_init(&f, fb, sizeof(fb));
	aml_name(&f, "PIRQ");
	aml_byte(&f, FIELD_BYTE_ACC);
	for (unsigned n = 0; n < 4; n++) {
		char fld[] = "PRQA";
		fld[3] = (char)('A' + n);
		aml_name(&f, fld);
		aml_byte(&f, 8);			/* PkgLength: 8 bits */
	}
	aml_wrap(&d, op_field, 2, &f);
	aml_wrap(pci0, op_device, 2, &d);
}

/*
 * Device(LNKx) {
 *	Name(_HID, EisaId("PNP0C0F"))  Name(_UID, n + 1)
 *	Name(_PRS, ResourceTemplate() { IRQ(Level, ActiveLow, Shared) { 5, 10, 11 } })
 *	Method(_CRS, 0, Serialized) {
 *		Name(BUFR, ResourceTemplate() { IRQ(Level, ActiveLow, Shared) {} })
 *		CreateWordField(BUFR, One, IRQW)
 *		Store(PRQx, Local0)
 *		If (LLess(Local0, 0x80)) { ShiftLeft(One, And(Local0, 0x0f), IRQW) }
 *		Return (BUFR)
 *	}
 *	Method(_SRS, 1, Serialized) {
 *		CreateWordField(Arg0, One, IRQW)
 *		FindSetRightBit(IRQW, Local0)
 *		If (Local0) { Decrement(Local0)  Store(Local0, PRQx) }
 *		Else { Store(0x80, PRQx) }
 *	}
 *	Method(_DIS) { Or(PRQx, 0x80, PRQx) }
 * }
 * where PRQx is \_SB.PCI0.ISA_.PRQA + n.
 */
static void build_link(struct aml *sb, unsigned n)
{
	static const uint8_t prs[] = IRQ_DESC(ACPI_LINK_IRQ_MASK & 0xff, ACPI_LINK_IRQ_MASK >> 8);
	static const uint8_t crs[] = IRQ_DESC(0, 0);
	char reg[] = "\\_SB_.PCI0.ISA_.PRQA", dev[] = "LNKA";
	uint8_t db[512], mb[128], ib[48], eb[48];
	struct aml d, m, i, e;

	reg[sizeof(reg) - 2] = (char)('A' + n);
	dev[3] = (char)('A' + n);
	aml_init(&d, db, sizeof(db));
	aml_name(&d, dev);
	aml_name_int(&d, "_HID", aml_eisaid("PNP0C0F"));
	aml_name_int(&d, "_UID", n + 1);
	name_buffer(&d, "_PRS", prs, sizeof(prs));

	aml_init(&m, mb, sizeof(mb));
	name_buffer(&m, "BUFR", crs, sizeof(crs));
	aml_byte(&m, AML_CREATE_WORD_FIELD_OP);
	aml_name(&m, "BUFR");
	aml_byte(&m, AML_ONE);
	aml_name(&m, "IRQW");
	aml_byte(&m, AML_STORE_OP);
	aml_name(&m, reg);
	aml_byte(&m, AML_LOCAL0);
	aml_init(&i, ib, sizeof(ib));
	aml_byte(&i, AML_LLESS_OP);
	aml_byte(&i, AML_LOCAL0);
	aml_int(&i, PIRQ_DISABLE);
	aml_byte(&i, AML_SHIFT_LEFT_OP);
	aml_byte(&i, AML_ONE);
	aml_byte(&i, AML_AND_OP);
	aml_byte(&i, AML_LOCAL0);
	aml_int(&i, 0x0f);
	aml_byte(&i, AML_ZERO);				/* And's Target: none */
	aml_name(&i, "IRQW");
	aml_wrap(&m, &op_if, 1, &i);
	aml_byte(&m, AML_RETURN_OP);
	aml_name(&m, "BUFR");
	method(&d, "_CRS", 0x08, &m);

	aml_init(&m, mb, sizeof(mb));
	aml_byte(&m, AML_CREATE_WORD_FIELD_OP);
	aml_byte(&m, AML_ARG0);
	aml_byte(&m, AML_ONE);
	aml_name(&m, "IRQW");
	aml_byte(&m, AML_FIND_SET_RIGHT_BIT_OP);
	aml_name(&m, "IRQW");
	aml_byte(&m, AML_LOCAL0);
	aml_init(&i, ib, sizeof(ib));
	aml_byte(&i, AML_LOCAL0);			/* predicate */
	aml_byte(&i, AML_DECREMENT_OP);
	aml_byte(&i, AML_LOCAL0);
	aml_byte(&i, AML_STORE_OP);
	aml_byte(&i, AML_LOCAL0);
	aml_name(&i, reg);
	aml_wrap(&m, &op_if, 1, &i);
	aml_init(&e, eb, sizeof(eb));
	aml_byte(&e, AML_STORE_OP);
	aml_int(&e, PIRQ_DISABLE);
	aml_name(&e, reg);
	aml_wrap(&m, &op_else, 1, &e);
	method(&d, "_SRS", 0x09, &m);

	aml_init(&m, mb, sizeof(mb));
	aml_byte(&m, AML_OR_OP);
	aml_name(&m, reg);
	aml_int(&m, PIRQ_DISABLE);
	aml_name(&m, reg);
	method(&d, "_DIS", 0, &m);

	aml_wrap(sb, op_device, 2, &d);
}

void acpi_aml_pci_links(struct aml *sb)
{
	for (unsigned n = 0; n < 4; n++)
		build_link(sb, n);
}

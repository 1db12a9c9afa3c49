/*
 * ACPI tables for the PC board, per ACPI spec 6.x chapter 5: RSDP (5.2.5,
 * revision 0), RSDT (5.2.7), FADT (5.2.9, revision 3), FACS (5.2.10),
 * MADT (5.2.12) and a DSDT (5.2.11.1).  They go into the BIOS area
 * [0xe0000, 0x100000), which e820 reports reserved, with the RSDP at its
 * start where an OS's RSDP scan finds it.
 *
 * Fixed hardware: PM1a event/control and the 24-bit PM timer at
 * PORT_ACPI_PM_BASE, SCI on IRQ 9, reset through 0xcf9.  ACPI is always
 * enabled (SMI_CMD = 0): no SMM.  Not described: GPE blocks, sleep states
 * other than S5, processor objects (the MADT is enough for Linux), XSDT,
 * HPET, MCFG.
 */
#include "boot/acpi.h"
#include "boot/acpi_irq.h"
#include "boot/aml.h"
#include "boot/boot.h"
#include "layout.h"

#include <errno.h>
#include <string.h>

/* Offsets inside the 8 KiB block written at ACPI_RSDP_ADDR. */
#define OFF_RSDP	0x0000
#define OFF_FACS	0x0040		/* 64-byte aligned (5.2.10) */
#define OFF_RSDT	0x0080
#define OFF_FADT	0x0100
#define OFF_MADT	0x0200
#define OFF_DSDT	0x0600
#define BLOCK_SIZE	0x2000

#define HDR_LEN		36
#define FADT_LEN	244		/* revision 3/4 layout */
#define FACS_LEN	64

/* FADT flags (5.2.9, table 5.10) and IA-PC boot architecture flags (table 5.11). */
#define FADT_WBINVD		(1u << 0)
#define FADT_PROC_C1		(1u << 2)
#define FADT_PWR_BUTTON		(1u << 4)	/* no fixed-feature power button */
#define FADT_SLP_BUTTON		(1u << 5)	/* no fixed-feature sleep button */
#define FADT_FIX_RTC		(1u << 6)	/* RTC wake status not in PM1 */
#define FADT_RESET_REG_SUP	(1u << 10)
#define BOOT_ARCH_LEGACY	(1u << 0)
#define BOOT_ARCH_8042		(1u << 1)

#define GAS_SYSTEM_IO		1
#define RESET_VALUE		0x06		/* 0xcf9: full reset, reset CPU */

/* MADT entry types (5.2.12, table 5.21) and MPS INTI flags (table 5.26). */
#define MADT_LAPIC		0
#define MADT_IOAPIC		1
#define MADT_ISO		2
#define MADT_LAPIC_NMI		4
#define MADT_PCAT_COMPAT	1u
#define MPS_HIGH_EDGE		0x0005
#define MPS_HIGH_LEVEL		0x000d

uint8_t acpi_checksum(const void *p, unsigned len)
{
	const uint8_t *b = p;
	uint8_t s = 0;
	while (len--)
		s += *b++;
	return s;
}

static void header(uint8_t *t, const char *sig, uint32_t len, uint8_t rev)
{
	memcpy(t, sig, 4);
	put_le32(t + 4, len);
	t[8] = rev;
	memcpy(t + 10, "HVM   ", 6);
	memcpy(t + 16, "HVM", 3);
	memcpy(t + 19, sig, 4);
	memcpy(t + 23, " ", 1);
	put_le32(t + 24, 1);
	memcpy(t + 28, "HVM ", 4);
	put_le32(t + 32, 1);
	t[9] = 0;
	t[9] = (uint8_t)-acpi_checksum(t, len);
}

static void gas_io(uint8_t *g, unsigned bits, uint64_t port)
{
	g[0] = GAS_SYSTEM_IO;
	g[1] = (uint8_t)bits;
	g[2] = 0;
	g[3] = bits == 8 ? 1 : bits == 16 ? 2 : 3;	/* access size: byte/word/dword */
	put_le64(g + 4, port);
}

static void build_fadt(uint8_t *t, uint32_t dsdt, uint32_t facs)
{
	put_le32(t + 36, facs);
	put_le32(t + 40, dsdt);
	t[45] = 0;				/* preferred PM profile: unspecified */
	put_le16(t + 46, IRQ_ACPI_SCI);
	put_le32(t + 48, 0);			/* SMI_CMD: no SMM, ACPI always on */
	put_le32(t + 56, PORT_ACPI_PM1A_EVT);
	put_le32(t + 64, PORT_ACPI_PM1A_CNT);
	put_le32(t + 76, PORT_ACPI_PM_TMR);
	t[88] = 4;				/* PM1_EVT_LEN */
	t[89] = 2;				/* PM1_CNT_LEN */
	t[91] = 4;				/* PM_TMR_LEN */
	put_le16(t + 96, 101);			/* P_LVL2_LAT > 100: no C2 */
	put_le16(t + 98, 1001);			/* P_LVL3_LAT > 1000: no C3 */
	put_le16(t + 109, BOOT_ARCH_LEGACY | BOOT_ARCH_8042);
	put_le32(t + 112, FADT_WBINVD | FADT_PROC_C1 | FADT_PWR_BUTTON | FADT_SLP_BUTTON |
			  FADT_FIX_RTC | FADT_RESET_REG_SUP);	/* TMR_VAL_EXT clear: 24-bit */
	gas_io(t + 116, 8, PORT_RESET_CF9);
	t[128] = RESET_VALUE;
	/* X_ fields stay 0: OSPM then uses the 32-bit ones (5.2.9). */
	header(t, "FACP", FADT_LEN, 3);
}

static unsigned build_madt(uint8_t *t, const struct acpi_config *c)
{
	unsigned o = 44;
	put_le32(t + 36, (uint32_t)LAYOUT_LAPIC_BASE);
	put_le32(t + 40, MADT_PCAT_COMPAT);
	for (int i = 0; i < c->nr_cpus; i++) {
		t[o] = MADT_LAPIC;
		t[o + 1] = 8;
		t[o + 2] = (uint8_t)i;		/* ACPI processor UID */
		t[o + 3] = (uint8_t)i;		/* APIC ID */
		put_le32(t + o + 4, 1);		/* enabled */
		o += 8;
	}
	t[o] = MADT_IOAPIC;
	t[o + 1] = 12;
	t[o + 2] = c->ioapic_id;
	t[o + 3] = 0;
	put_le32(t + o + 4, (uint32_t)LAYOUT_IOAPIC_BASE);
	put_le32(t + o + 8, 0);			/* GSI base */
	o += 12;
	/* The PIT drives IOAPIC pin 2 (pin 0 is the 8259's INTR), as on PC chipsets. */
	t[o] = MADT_ISO;
	t[o + 1] = 10;
	t[o + 2] = 0;				/* ISA */
	t[o + 3] = IRQ_PIT;
	put_le32(t + o + 4, 2);
	put_le16(t + o + 8, MPS_HIGH_EDGE);
	o += 10;
	t[o] = MADT_ISO;
	t[o + 1] = 10;
	t[o + 2] = 0;
	t[o + 3] = IRQ_ACPI_SCI;
	put_le32(t + o + 4, IRQ_ACPI_SCI);
	put_le16(t + o + 8, MPS_HIGH_LEVEL);
	o += 10;
	/* LINT1 of every CPU is NMI (virtual wire mode). */
	t[o] = MADT_LAPIC_NMI;
	t[o + 1] = 6;
	t[o + 2] = 0xff;			/* all processors */
	put_le16(t + o + 3, 0);
	t[o + 5] = 1;
	o += 6;
	header(t, "APIC", o, 3);
	return o;
}

/* Word (0x88) / DWord (0x87) Address Space Descriptors, 6.4.3.5.3 and .2: bridge windows. */
static void crs_word(struct aml *a, uint8_t type, uint8_t tflags, uint16_t min, uint16_t max)
{
	uint8_t d[16];
	d[0] = 0x88;
	put_le16(d + 1, 13);
	d[3] = type;
	d[4] = 0x0c;				/* producer, min and max fixed */
	d[5] = tflags;
	put_le16(d + 6, 0);			/* granularity */
	put_le16(d + 8, min);
	put_le16(d + 10, max);
	put_le16(d + 12, 0);			/* translation */
	put_le16(d + 14, (uint16_t)(max - min + 1));
	aml_bytes(a, d, sizeof(d));
}

static void crs_dword_mem(struct aml *a, uint32_t min, uint32_t max)
{
	uint8_t d[26];
	d[0] = 0x87;
	put_le16(d + 1, 23);
	d[3] = 0;				/* memory */
	d[4] = 0x0c;
	d[5] = 0x03;				/* read-write, cacheable */
	put_le32(d + 6, 0);
	put_le32(d + 10, min);
	put_le32(d + 14, max);
	put_le32(d + 18, 0);
	put_le32(d + 22, max - min + 1);
	aml_bytes(a, d, sizeof(d));
}

/* Name(_CRS, ResourceTemplate() { bus 0-255, the config ports, I/O and MMIO windows }) */
static void build_crs(struct aml *out)
{
	static const uint8_t buf_op = AML_BUFFER_OP;
	static const uint8_t cfg_io[8] = { 0x47, 0x01, 0xf8, 0x0c, 0xf8, 0x0c, 0x01, 0x08 };
	static const uint8_t end_tag[2] = { 0x79, 0x00 };
	uint8_t rb[160], bb[170];
	struct aml r, b;

	aml_init(&r, rb, sizeof(rb));
	crs_word(&r, 2, 0, 0, 0xff);			/* bus numbers */
	aml_bytes(&r, cfg_io, sizeof(cfg_io));		/* 0xcf8-0xcff, consumed */
	crs_word(&r, 1, 0x03, 0x0000, PORT_PCI_CONFIG_ADDR - 1);
	crs_word(&r, 1, 0x03, 0x0d00, 0xffff);
	crs_dword_mem(&r, (uint32_t)LAYOUT_VGA_START, (uint32_t)LAYOUT_VGA_END - 1);
	crs_dword_mem(&r, (uint32_t)LAYOUT_PCI_MMIO_START, (uint32_t)LAYOUT_PCI_MMIO_END - 1);
	aml_bytes(&r, end_tag, sizeof(end_tag));

	aml_init(&b, bb, sizeof(bb));
	aml_int(&b, r.len);				/* BufferSize */
	aml_bytes(&b, r.buf, r.len);
	if (r.overflow)
		b.overflow = 1;
	aml_byte(out, AML_NAME_OP);
	aml_name(out, "_CRS");
	aml_wrap(out, &buf_op, 1, &b);
}

/*
 * Scope(\_SB) { Device(PCI0) { _HID PNP0A03, _ADR, _UID, _BBN, _CRS [, _PRT, ISA_] }
 *		[LNKA .. LNKD] }
 */
static void build_pci(struct aml *out, const struct acpi_config *c)
{
	static const uint8_t scope = AML_SCOPE_OP, dev[2] = { AML_EXT_PREFIX, AML_DEVICE_OP };
	uint8_t db[6144], sb[6144];
	struct aml d, s;

	aml_init(&d, db, sizeof(db));
	aml_name(&d, "PCI0");
	aml_name_int(&d, "_HID", aml_eisaid("PNP0A03"));
	aml_name_int(&d, "_ADR", 0);
	aml_name_int(&d, "_UID", 0);
	aml_name_int(&d, "_BBN", 0);
	build_crs(&d);
	if (c->pci_gsi_base)
		acpi_aml_pci_prt(&d, c->pci_gsi_base);

	aml_init(&s, sb, sizeof(sb));
	aml_name(&s, "\\_SB_");
	aml_wrap(&s, dev, 2, &d);
	if (c->pci_gsi_base)
		acpi_aml_pci_links(&s);
	aml_wrap(out, &scope, 1, &s);
}

static int build_dsdt(uint8_t *t, size_t cap, const struct acpi_config *c)
{
	static const uint8_t pkg = AML_PACKAGE_OP;
	uint8_t s5b[16];
	struct aml a, s5;

	aml_init(&a, t + HDR_LEN, cap - HDR_LEN);
	/* Name(_S5, Package() { SLP_TYPa, SLP_TYPb, 0, 0 }) */
	aml_init(&s5, s5b, sizeof(s5b));
	aml_byte(&s5, 4);
	aml_int(&s5, ACPI_S5_SLP_TYP);
	aml_int(&s5, ACPI_S5_SLP_TYP);
	aml_int(&s5, 0);
	aml_int(&s5, 0);
	aml_byte(&a, AML_NAME_OP);
	aml_name(&a, "_S5_");
	aml_wrap(&a, &pkg, 1, &s5);
	if (c->pci && c->pci_gsi_base)
		acpi_aml_pic(&a);
	if (c->pci)
		build_pci(&a, c);
	if (a.overflow)
		return -ENOSPC;
	/* Revision 2: 64-bit AML integers. */
	header(t, "DSDT", (uint32_t)(HDR_LEN + a.len), 2);
	return 0;
}

/*
 * All tables in blk[BLOCK_SIZE], as if blk[0] were at guest address `base`
 * (32-bit arithmetic: a base below zero gives offsets relative to a later
 * part of the block).  Returns the DSDT's length or -errno.
 */
static int build_block(uint8_t *blk, const struct acpi_config *c, uint32_t base)
{
	uint8_t *rsdp = blk + OFF_RSDP, *rsdt = blk + OFF_RSDT, *facs = blk + OFF_FACS;
	int rc;

	if (!c || c->nr_cpus < 1 || c->nr_cpus > MAX_VCPUS)
		return -EINVAL;
	memset(blk, 0, BLOCK_SIZE);
	rc = build_dsdt(blk + OFF_DSDT, BLOCK_SIZE - OFF_DSDT, c);
	if (rc)
		return rc;
	build_madt(blk + OFF_MADT, c);
	build_fadt(blk + OFF_FADT, base + OFF_DSDT, base + OFF_FACS);

	memcpy(facs, "FACS", 4);
	put_le32(facs + 4, FACS_LEN);
	facs[32] = 1;				/* version */

	put_le32(rsdt + 36, base + OFF_FADT);
	put_le32(rsdt + 40, base + OFF_MADT);
	header(rsdt, "RSDT", HDR_LEN + 8, 1);

	memcpy(rsdp, "RSD PTR ", 8);
	memcpy(rsdp + 9, "HVM   ", 6);
	rsdp[15] = 0;				/* revision 0: ACPI 1.0 RSDP, 20 bytes */
	put_le32(rsdp + 16, base + OFF_RSDT);
	rsdp[8] = (uint8_t)-acpi_checksum(rsdp, 20);
	return (int)get_le32(blk + OFF_DSDT + 4);
}

int acpi_build(struct guest_mem *m, const struct acpi_config *c)
{
	uint8_t blk[BLOCK_SIZE];
	int rc;

	if (!m)
		return -EINVAL;
	rc = build_block(blk, c, (uint32_t)ACPI_RSDP_ADDR);
	if (rc < 0)
		return rc;
	return gpa_write(m, ACPI_RSDP_ADDR, blk, sizeof(blk)) ? -EFAULT : 0;
}

/* ---- QEMU's linker/loader script (docs: hw/acpi/bios-linker-loader.c) ---- */

static uint8_t *loader_cmd(struct acpi_fw_tables *o, uint32_t cmd)
{
	uint8_t *e = o->loader + (size_t)o->loader_len;
	memset(e, 0, ACPI_LOADER_ENTRY);
	put_le32(e, cmd);
	o->loader_len += ACPI_LOADER_ENTRY;
	return e + 4;
}

static void loader_alloc(struct acpi_fw_tables *o, const char *file, uint32_t align, uint8_t zone)
{
	uint8_t *e = loader_cmd(o, 1);
	strcpy((char *)e, file);
	put_le32(e + ACPI_LOADER_NAME, align);
	e[ACPI_LOADER_NAME + 4] = zone;
}

static void loader_pointer(struct acpi_fw_tables *o, const char *dst, const char *src, uint32_t off)
{
	uint8_t *e = loader_cmd(o, 2);
	strcpy((char *)e, dst);
	strcpy((char *)e + ACPI_LOADER_NAME, src);
	put_le32(e + 2 * ACPI_LOADER_NAME, off);
	e[2 * ACPI_LOADER_NAME + 4] = 4;
}

static void loader_checksum(struct acpi_fw_tables *o, const char *file, uint32_t start, uint32_t len)
{
	uint8_t *e = loader_cmd(o, 3);
	strcpy((char *)e, file);
	put_le32(e + ACPI_LOADER_NAME, start + 9);	/* the header's checksum byte */
	put_le32(e + ACPI_LOADER_NAME + 4, start);
	put_le32(e + ACPI_LOADER_NAME + 8, len);
}

int acpi_build_fw(const struct acpi_config *c, struct acpi_fw_tables *o)
{
	/* The tables file starts at the FACS, so its 64-byte alignment is the file's. */
	const uint32_t t0 = OFF_FACS;
	uint8_t blk[BLOCK_SIZE];
	int dsdt_len;

	if (!o)
		return -EINVAL;
	memset(o, 0, sizeof(*o));
	dsdt_len = build_block(blk, c, (uint32_t)0 - t0);
	if (dsdt_len < 0)
		return dsdt_len;
	o->tables_len = OFF_DSDT + (uint32_t)dsdt_len - t0;
	memcpy(o->tables, blk + t0, o->tables_len);
	memcpy(o->rsdp, blk + OFF_RSDP, sizeof(o->rsdp));

	loader_alloc(o, ACPI_FW_RSDP, 16, 2);		/* FSEG, where OSes scan */
	loader_alloc(o, ACPI_FW_TABLES, 64, 1);		/* HIGH */
	/* Every 32-bit pointer holds an offset into the tables file. */
	loader_pointer(o, ACPI_FW_TABLES, ACPI_FW_TABLES, OFF_FADT - t0 + 36);	/* FIRMWARE_CTRL */
	loader_pointer(o, ACPI_FW_TABLES, ACPI_FW_TABLES, OFF_FADT - t0 + 40);	/* DSDT */
	loader_pointer(o, ACPI_FW_TABLES, ACPI_FW_TABLES, OFF_RSDT - t0 + 36);	/* -> FADT */
	loader_pointer(o, ACPI_FW_TABLES, ACPI_FW_TABLES, OFF_RSDT - t0 + 40);	/* -> MADT */
	loader_pointer(o, ACPI_FW_RSDP, ACPI_FW_TABLES, 16);			/* RsdtAddress */
	loader_checksum(o, ACPI_FW_TABLES, OFF_FADT - t0, get_le32(blk + OFF_FADT + 4));
	loader_checksum(o, ACPI_FW_TABLES, OFF_RSDT - t0, get_le32(blk + OFF_RSDT + 4));
	{
		/* The RSDP's checksum byte is at 8, over its 20 bytes. */
		uint8_t *e = loader_cmd(o, 3);
		strcpy((char *)e, ACPI_FW_RSDP);
		put_le32(e + ACPI_LOADER_NAME, 8);
		put_le32(e + ACPI_LOADER_NAME + 4, 0);
		put_le32(e + ACPI_LOADER_NAME + 8, 20);
	}
	return 0;
}

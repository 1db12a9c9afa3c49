/*
 * ACPI tables read back the way an OS finds them: scan 0xe0000-0xfffff on
 * 16-byte boundaries for "RSD PTR " with a valid checksum, follow RSDT to
 * FADT/MADT, FADT to DSDT/FACS; every table's bytes sum to 0 and the fields
 * describe the board's PM block, interrupt controllers and CPUs.
 */
#include "test.h"

#include "boot/acpi.h"
#include "boot/aml.h"
#include "boot/boot.h"
#include "layout.h"

#include <errno.h>

static const uint8_t *g(const struct guest_mem *m, uint64_t gpa, uint64_t len)
{
	return gpa_ptr(m, gpa, len);
}

/* What Linux's acpi_find_root_pointer does over the BIOS area. */
static uint64_t scan_rsdp(const struct guest_mem *m)
{
	for (uint64_t a = LAYOUT_BIOS_START; a < LAYOUT_BIOS_END; a += 16) {
		const uint8_t *p = g(m, a, 20);
		if (p && !memcmp(p, "RSD PTR ", 8) && acpi_checksum(p, 20) == 0)
			return a;
	}
	return 0;
}

/* Table at gpa with signature sig, whole length inside the BIOS area, checksum 0. */
static const uint8_t *table(const struct guest_mem *m, uint64_t gpa, const char *sig)
{
	const uint8_t *t = g(m, gpa, 36);
	uint32_t len;
	if (!t || memcmp(t, sig, 4))
		return NULL;
	len = get_le32(t + 4);
	if (len < 36 || gpa + len > LAYOUT_BIOS_END || acpi_checksum(g(m, gpa, len), len))
		return NULL;
	return t;
}

static const uint8_t *rsdt_find(const struct guest_mem *m, const uint8_t *rsdt, const char *sig)
{
	uint32_t n = (get_le32(rsdt + 4) - 36) / 4;
	for (uint32_t i = 0; i < n; i++) {
		const uint8_t *t = table(m, get_le32(rsdt + 36 + 4 * i), sig);
		if (t)
			return t;
	}
	return NULL;
}

struct tables {
	const uint8_t *rsdt, *fadt, *madt, *dsdt, *facs;
};

static int find_all(const struct guest_mem *m, struct tables *t)
{
	uint64_t r = scan_rsdp(m);
	memset(t, 0, sizeof(*t));
	if (!r)
		return 0;
	t->rsdt = table(m, get_le32(g(m, r, 20) + 16), "RSDT");
	if (!t->rsdt)
		return 0;
	t->fadt = rsdt_find(m, t->rsdt, "FACP");
	t->madt = rsdt_find(m, t->rsdt, "APIC");
	if (!t->fadt || !t->madt)
		return 0;
	t->dsdt = table(m, get_le32(t->fadt + 40), "DSDT");
	t->facs = g(m, get_le32(t->fadt + 36), 64);
	return t->dsdt && t->facs && !memcmp(t->facs, "FACS", 4) &&
	       get_le32(t->fadt + 36) % 64 == 0 && get_le32(t->facs + 4) == 64;
}

static int build(struct guest_mem *m, int cpus, int pci)
{
	struct acpi_config c = { .nr_cpus = cpus, .ioapic_id = 0, .pci = pci,
				 .pci_gsi_base = pci ? 16 : 0 };
	if (mem_init(m, 32ULL << 20))
		return -1;
	/* Garbage first, so nothing passes by virtue of zeroed RAM. */
	memset(gpa_ptr(m, LAYOUT_BIOS_START, LAYOUT_BIOS_END - LAYOUT_BIOS_START), 0x5a,
	       LAYOUT_BIOS_END - LAYOUT_BIOS_START);
	return acpi_build(m, &c);
}

TEST(rsdp_found_by_scan)
{
	struct guest_mem m;
	struct tables t;
	CHECK_EQ(build(&m, 1, 0), 0);
	CHECK_EQ(scan_rsdp(&m), ACPI_RSDP_ADDR);
	CHECK_EQ(g(&m, ACPI_RSDP_ADDR, 20)[15], 0);	/* revision 0: RSDT only */
	CHECK(find_all(&m, &t));
	mem_destroy(&m);
}

TEST(fadt_pm_block)
{
	struct guest_mem m;
	struct tables t;
	const uint8_t *f;
	CHECK_EQ(build(&m, 2, 0), 0);
	CHECK(find_all(&m, &t));
	f = t.fadt;
	CHECK(get_le32(f + 4) >= 244);
	CHECK_EQ(get_le16(f + 46), 9);			/* SCI_INT */
	CHECK_EQ(get_le32(f + 48), 0);			/* SMI_CMD: already in ACPI mode */
	CHECK_EQ(get_le32(f + 56), 0x600);		/* PM1a_EVT_BLK */
	CHECK_EQ(get_le32(f + 64), 0x604);		/* PM1a_CNT_BLK */
	CHECK_EQ(get_le32(f + 76), 0x608);		/* PM_TMR_BLK */
	CHECK_EQ(f[88], 4);
	CHECK_EQ(f[89], 2);
	CHECK_EQ(f[91], 4);
	CHECK_EQ(get_le32(f + 112) & (1u << 8), 0);	/* TMR_VAL_EXT: 24-bit timer */
	CHECK(get_le32(f + 112) & (1u << 10));		/* RESET_REG_SUP */
	CHECK_EQ(f[116], 1);				/* RESET_REG in system I/O */
	CHECK_EQ(get_le64(f + 120), 0xcf9);
	CHECK_EQ(f[128], 6);
	CHECK(get_le16(f + 109) & 2);			/* 8042 present */
	mem_destroy(&m);
}

TEST(madt_cpus_and_ioapic)
{
	for (int cpus = 1; cpus <= MAX_VCPUS; cpus += 7) {
		struct guest_mem m;
		struct tables t;
		int lapics = 0, ioapics = 0, iso0 = 0, iso9 = 0;
		uint32_t len, o;
		CHECK_EQ(build(&m, cpus, 0), 0);
		CHECK(find_all(&m, &t));
		CHECK_EQ(get_le32(t.madt + 36), 0xfee00000);
		CHECK(get_le32(t.madt + 40) & 1);		/* PCAT_COMPAT */
		len = get_le32(t.madt + 4);
		for (o = 44; o + 2 <= len; o += t.madt[o + 1]) {
			const uint8_t *e = t.madt + o;
			CHECK(e[1] >= 2 && o + e[1] <= len);
			if (e[0] == 0) {
				CHECK_EQ(e[3], lapics);		/* APIC IDs 0..n-1 */
				CHECK(get_le32(e + 4) & 1);
				lapics++;
			} else if (e[0] == 1) {
				CHECK_EQ(get_le32(e + 4), 0xfec00000);
				CHECK_EQ(get_le32(e + 8), 0);
				ioapics++;
			} else if (e[0] == 2 && e[3] == 0) {
				CHECK_EQ(get_le32(e + 4), 2);
				iso0++;
			} else if (e[0] == 2 && e[3] == 9) {
				CHECK_EQ(get_le32(e + 4), 9);
				CHECK_EQ(get_le16(e + 8), 0x000d);	/* level, active high */
				iso9++;
			}
		}
		CHECK_EQ(o, len);
		CHECK_EQ(lapics, cpus);
		CHECK_EQ(ioapics, 1);
		CHECK_EQ(iso0, 1);
		CHECK_EQ(iso9, 1);
		mem_destroy(&m);
	}
}

/* Decode a PkgLength at p (ACPI 20.2.4); returns its value and byte count in *n. */
static uint32_t pkglen(const uint8_t *p, unsigned *n)
{
	unsigned extra = p[0] >> 6;
	uint32_t v;
	*n = 1 + extra;
	if (!extra)
		return p[0] & 0x3f;
	v = p[0] & 0xf;
	for (unsigned i = 0; i < extra; i++)
		v |= (uint32_t)p[1 + i] << (4 + 8 * i);
	return v;
}

TEST(dsdt_s5)
{
	struct guest_mem m;
	struct tables t;
	const uint8_t *d, *p;
	unsigned n;
	CHECK_EQ(build(&m, 1, 0), 0);
	CHECK(find_all(&m, &t));
	d = t.dsdt;
	/* Name(_S5_, Package(4) { 5, 5, 0, 0 }) right after the header */
	CHECK_EQ(d[36], AML_NAME_OP);
	CHECK(!memcmp(d + 37, "_S5_", 4));
	CHECK_EQ(d[41], AML_PACKAGE_OP);
	p = d + 42;
	CHECK_EQ(42 + pkglen(p, &n), get_le32(d + 4));	/* the only object */
	CHECK_EQ(p[n], 4);
	CHECK_EQ(p[n + 1], AML_BYTE_PREFIX);
	CHECK_EQ(p[n + 2], ACPI_S5_SLP_TYP);
	mem_destroy(&m);
}

/* Decode an AML integer term at p; returns bytes used, 0 if not an integer. */
static unsigned aml_get_int(const uint8_t *p, uint64_t *v)
{
	switch (p[0]) {
	case AML_ZERO: *v = 0; return 1;
	case AML_ONE: *v = 1; return 1;
	case AML_BYTE_PREFIX: *v = p[1]; return 2;
	case AML_WORD_PREFIX: *v = get_le16(p + 1); return 3;
	case AML_DWORD_PREFIX: *v = get_le32(p + 1); return 5;
	default: return 0;
	}
}

/* Find a 4-byte name in the table; offset of the byte after it, or 0. */
static uint32_t find_name(const uint8_t *d, uint32_t len, const char *name)
{
	for (uint32_t o = 36; o + 4 <= len; o++)
		if (!memcmp(d + o, name, 4))
			return o + 4;
	return 0;
}

TEST(dsdt_prt_routing)
{
	struct guest_mem m;
	struct tables t;
	const uint8_t *d;
	uint32_t len, o, end;
	unsigned n, seen = 0;
	CHECK_EQ(build(&m, 1, 1), 0);
	CHECK(find_all(&m, &t));
	d = t.dsdt;
	len = get_le32(d + 4);
	o = find_name(d, len, "_PRT");
	CHECK(o);
	CHECK_EQ(d[o], AML_PACKAGE_OP);
	end = o + 1 + pkglen(d + o + 1, &n);
	CHECK(end <= len);
	o += 1 + n;
	CHECK_EQ(d[o], 128);
	o++;
	while (o < end) {
		uint64_t v[4];
		uint32_t e_end;
		CHECK_EQ(d[o], AML_PACKAGE_OP);
		e_end = o + 1 + pkglen(d + o + 1, &n);
		o += 1 + n;
		CHECK_EQ(d[o], 4);
		o++;
		for (int i = 0; i < 4; i++) {
			unsigned k = aml_get_int(d + o, &v[i]);
			CHECK(k);
			o += k;
		}
		CHECK_EQ(o, e_end);
		CHECK_EQ(v[0] & 0xffff, 0xffff);
		CHECK_EQ(v[0] >> 16, seen / 4);		/* slot */
		CHECK_EQ(v[1], seen % 4);		/* pin */
		CHECK_EQ(v[2], 0);
		CHECK_EQ(v[3], 16 + ((seen / 4 + seen % 4) & 3));
		seen++;
	}
	CHECK_EQ(o, end);
	CHECK_EQ(seen, 128);
	CHECK(find_name(d, len, "_CRS"));
	mem_destroy(&m);
}

TEST(dsdt_pci_structure)
{
	struct guest_mem m;
	struct tables t;
	const uint8_t *d;
	uint32_t len, o, l;
	unsigned n;
	CHECK_EQ(build(&m, 4, 1), 0);
	CHECK(find_all(&m, &t));
	d = t.dsdt;
	len = get_le32(d + 4);
	/* Top level: Name(_S5_, pkg) then Scope(\_SB_) spanning exactly to the end. */
	o = 42 + pkglen(d + 42, &n);
	CHECK_EQ(d[o], AML_SCOPE_OP);
	l = pkglen(d + o + 1, &n);
	CHECK_EQ(o + 1 + l, len);
	CHECK(!memcmp(d + o + 1 + n, "\\_SB_", 5));
	o += 1 + n + 5;
	CHECK_EQ(d[o], AML_EXT_PREFIX);
	CHECK_EQ(d[o + 1], AML_DEVICE_OP);
	l = pkglen(d + o + 2, &n);
	CHECK_EQ(o + 2 + l, len);
	CHECK(!memcmp(d + o + 2 + n, "PCI0", 4));
	/* _HID EisaId("PNP0A03") = 0x030AD041 */
	o += 2 + n + 4;
	CHECK_EQ(d[o], AML_NAME_OP);
	CHECK(!memcmp(d + o + 1, "_HID", 4));
	CHECK_EQ(d[o + 5], AML_DWORD_PREFIX);
	CHECK_EQ(get_le32(d + o + 6), 0x030AD041);
	CHECK_EQ(aml_eisaid("PNP0A03"), 0x030AD041);
	mem_destroy(&m);
}

TEST(pkglen_encoding)
{
	uint8_t ob[8192], bb[5000];
	static const uint8_t op = AML_PACKAGE_OP;
	struct aml o, b;
	unsigned sizes[] = { 0, 1, 62, 63, 64, 4000, 4093, 4094, 4999 };
	for (unsigned i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		unsigned n;
		aml_init(&b, bb, sizeof(bb));
		memset(bb, 0x77, sizes[i]);
		b.len = sizes[i];
		aml_init(&o, ob, sizeof(ob));
		aml_wrap(&o, &op, 1, &b);
		CHECK(!o.overflow);
		CHECK_EQ(pkglen(ob + 1, &n), sizes[i] + n);
		CHECK_EQ(o.len, 1 + n + sizes[i]);
	}
	/* overflow is sticky, never writes past the buffer */
	aml_init(&o, ob, 4);
	aml_int(&o, 0x12345678);
	CHECK(o.overflow);
	CHECK_EQ(o.len, 0);
}

TEST(bad_config)
{
	struct guest_mem m, empty;
	struct acpi_config c = { .nr_cpus = 0 };
	CHECK_EQ(mem_init(&m, 16ULL << 20), 0);
	CHECK_EQ(acpi_build(&m, &c), -EINVAL);
	c.nr_cpus = MAX_VCPUS + 1;
	CHECK_EQ(acpi_build(&m, &c), -EINVAL);
	c.nr_cpus = -5;
	CHECK_EQ(acpi_build(&m, &c), -EINVAL);
	CHECK_EQ(acpi_build(&m, NULL), -EINVAL);
	c.nr_cpus = 1;
	memset(&empty, 0, sizeof(empty));
	CHECK_EQ(acpi_build(&empty, &c), -EFAULT);
	mem_destroy(&m);
}

TEST_MAIN_BEGIN("acpi")
	RUN(rsdp_found_by_scan);
	RUN(fadt_pm_block);
	RUN(madt_cpus_and_ioapic);
	RUN(dsdt_s5);
	RUN(dsdt_pci_structure);
	RUN(dsdt_prt_routing);
	RUN(pkglen_encoding);
	RUN(bad_config);
TEST_MAIN_END()

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

/*
 * Name(NAME, Package(128) { ... }) in the DSDT: *first is the offset of its
 * first entry (0 if the package is not there or malformed), *end the offset
 * after it.
 */
static void prt_package(const uint8_t *d, uint32_t len, const char *name, uint32_t *first,
			uint32_t *end)
{
	uint32_t o = find_name(d, len, name);
	unsigned n;
	*first = 0;
	CHECK(o);
	CHECK_EQ(d[o - 5], AML_NAME_OP);
	CHECK_EQ(d[o], AML_PACKAGE_OP);
	*end = o + 1 + pkglen(d + o + 1, &n);
	CHECK(*end <= len);
	o += 1 + n;
	CHECK_EQ(d[o], 128);
	*first = o + 1;
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
	/* Name(PRTA, Package(128) { ... }): the APIC-mode table */
	prt_package(d, len, "PRTA", &o, &end);
	CHECK(o);
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
	/* Top level: Name(_S5_, pkg), Name(PICF, 0), Method(\_PIC, 1), then
	 * Scope(\_SB_) spanning exactly to the end. */
	o = 42 + pkglen(d + 42, &n);
	CHECK_EQ(d[o], AML_NAME_OP);
	CHECK(!memcmp(d + o + 1, "PICF", 4));
	CHECK_EQ(d[o + 5], AML_ZERO);
	o += 6;
	CHECK_EQ(d[o], AML_METHOD_OP);
	l = pkglen(d + o + 1, &n);
	CHECK(!memcmp(d + o + 1 + n, "\\_PIC\x01\x70\x68PICF", 12));	/* Store(Arg0, PICF) */
	CHECK_EQ(l, n + 12);
	o += 1 + l;
	CHECK_EQ(d[o], AML_SCOPE_OP);
	l = pkglen(d + o + 1, &n);
	CHECK_EQ(o + 1 + l, len);
	CHECK(!memcmp(d + o + 1 + n, "\\_SB_", 5));
	o += 1 + n + 5;
	CHECK_EQ(d[o], AML_EXT_PREFIX);
	CHECK_EQ(d[o + 1], AML_DEVICE_OP);
	l = pkglen(d + o + 2, &n);
	CHECK(o + 2 + l < len);				/* LNKA-D follow PCI0 */
	CHECK(!memcmp(d + o + 2 + n, "PCI0", 4));
	{
		uint32_t lo = o + 2 + l, ll;
		unsigned k;
		for (int i = 0; i < 4; i++) {
			char nm[5] = "LNKA";
			nm[3] = (char)('A' + i);
			CHECK_EQ(d[lo], AML_EXT_PREFIX);
			CHECK_EQ(d[lo + 1], AML_DEVICE_OP);
			ll = pkglen(d + lo + 2, &k);
			CHECK(!memcmp(d + lo + 2 + k, nm, 4));
			lo += 2 + ll;
		}
		CHECK_EQ(lo, len);
	}
	/* _HID EisaId("PNP0A03") = 0x030AD041 */
	o += 2 + n + 4;
	CHECK_EQ(d[o], AML_NAME_OP);
	CHECK(!memcmp(d + o + 1, "_HID", 4));
	CHECK_EQ(d[o + 5], AML_DWORD_PREFIX);
	CHECK_EQ(get_le32(d + o + 6), 0x030AD041);
	CHECK_EQ(aml_eisaid("PNP0A03"), 0x030AD041);
	mem_destroy(&m);
}

/* Package(4) { slot << 16 | 0xffff, pin, \_SB_.LNKx, 0 } entries of PRTP. */
TEST(dsdt_prt_pic_links)
{
	static const uint8_t link[] = { '\\', AML_DUAL_NAME_PREFIX, '_', 'S', 'B', '_', 'L', 'N', 'K' };
	struct guest_mem m;
	struct tables t;
	const uint8_t *d;
	uint32_t len, o, end;
	unsigned n, seen = 0;
	CHECK_EQ(build(&m, 1, 1), 0);
	CHECK(find_all(&m, &t));
	d = t.dsdt;
	len = get_le32(d + 4);
	prt_package(d, len, "PRTP", &o, &end);
	CHECK(o);
	while (o < end) {
		uint64_t v;
		uint32_t e_end;
		unsigned k;
		CHECK_EQ(d[o], AML_PACKAGE_OP);
		e_end = o + 1 + pkglen(d + o + 1, &n);
		o += 1 + n;
		CHECK_EQ(d[o], 4);
		o++;
		CHECK((k = aml_get_int(d + o, &v)));
		CHECK_EQ(v, ((uint64_t)(seen / 4) << 16) | 0xffff);
		o += k;
		CHECK((k = aml_get_int(d + o, &v)));
		CHECK_EQ(v, seen % 4);
		o += k;
		CHECK(!memcmp(d + o, link, sizeof(link)));
		CHECK_EQ(d[o + sizeof(link)], 'A' + ((seen / 4 + seen % 4) & 3));
		o += sizeof(link) + 1;
		CHECK((k = aml_get_int(d + o, &v)));
		CHECK_EQ(v, 0);
		o += k;
		CHECK_EQ(o, e_end);
		seen++;
	}
	CHECK_EQ(o, end);
	CHECK_EQ(seen, 128);
	/* Method(_PRT) { If (PICF) { Return (PRTA) } Return (PRTP) } */
	o = find_name(d, len, "_PRT");
	CHECK(o);
	CHECK_EQ(d[o], 0);				/* no arguments */
	CHECK(!memcmp(d + o + 1, "\xa0\x0aPICF\xa4PRTA\xa4PRTP", 16));
	CHECK_EQ(pkglen(d + o - 5, &n), 4 + 1 + 16 + n);
	mem_destroy(&m);
}

/* Device(name): offset after its name and the device's end in *end, or 0. */
static uint32_t find_device(const uint8_t *d, uint32_t len, const char *name, uint32_t *end)
{
	for (uint32_t o = 36; o + 8 <= len; o++) {
		unsigned n;
		uint32_t l;
		if (d[o] != AML_EXT_PREFIX || d[o + 1] != AML_DEVICE_OP)
			continue;
		l = pkglen(d + o + 2, &n);
		if (o + 2 + n + 4 <= len && !memcmp(d + o + 2 + n, name, 4)) {
			*end = o + 2 + l;
			return o + 2 + n + 4;
		}
	}
	return 0;
}

/* The link devices read and write the PIIX3 PIRQ route registers of 00:01.0. */
TEST(dsdt_link_devices)
{
	static const uint8_t prs[] = { AML_NAME_OP, '_', 'P', 'R', 'S', AML_BUFFER_OP, 9,
				       AML_BYTE_PREFIX, 6, 0x23, 0x20, 0x0c, 0x18, 0x79, 0x00 };
	static const uint8_t region[] = { AML_EXT_PREFIX, AML_OPREGION_OP, 'P', 'I', 'R', 'Q',
					  0x02, AML_BYTE_PREFIX, 0x60, AML_BYTE_PREFIX, 4 };
	static const uint8_t field[] = { 'P', 'I', 'R', 'Q', 0x01, 'P', 'R', 'Q', 'A', 8,
					 'P', 'R', 'Q', 'B', 8, 'P', 'R', 'Q', 'C', 8,
					 'P', 'R', 'Q', 'D', 8 };
	struct guest_mem m;
	struct tables t;
	const uint8_t *d;
	uint32_t len, o;
	unsigned n;
	CHECK_EQ(build(&m, 1, 1), 0);
	CHECK(find_all(&m, &t));
	d = t.dsdt;
	len = get_le32(d + 4);
	o = find_name(d, len, "ISA_");
	CHECK(o);
	CHECK_EQ(d[o], AML_NAME_OP);
	CHECK(!memcmp(d + o + 1, "_ADR", 4));
	CHECK_EQ(d[o + 5], AML_DWORD_PREFIX);
	CHECK_EQ(get_le32(d + o + 6), 0x00010000);
	CHECK(!memcmp(d + o + 10, region, sizeof(region)));
	o += 10 + sizeof(region);
	CHECK_EQ(d[o], AML_EXT_PREFIX);
	CHECK_EQ(d[o + 1], AML_FIELD_OP);
	CHECK_EQ(pkglen(d + o + 2, &n), n + sizeof(field));
	CHECK(!memcmp(d + o + 2 + n, field, sizeof(field)));
	for (int i = 0; i < 4; i++) {
		char nm[5] = "LNKA";
		uint8_t reg[] = { '\\', AML_MULTI_NAME_PREFIX, 4, '_', 'S', 'B', '_', 'P', 'C', 'I', '0',
				  'I', 'S', 'A', '_', 'P', 'R', 'Q', (uint8_t)('A' + i) };
		uint32_t dev_end, uses = 0;
		nm[3] = (char)('A' + i);
		o = find_device(d, len, nm, &dev_end);
		CHECK(o);
		CHECK(dev_end <= len);
		CHECK_EQ(d[o], AML_NAME_OP);
		CHECK(!memcmp(d + o + 1, "_HID", 4));
		CHECK_EQ(get_le32(d + o + 6), aml_eisaid("PNP0C0F"));
		CHECK_EQ(d[o + 10], AML_NAME_OP);
		CHECK(!memcmp(d + o + 11, "_UID", 4));
		{
			uint64_t uid;
			unsigned k = aml_get_int(d + o + 15, &uid);
			CHECK(k);
			CHECK_EQ(uid, (uint64_t)i + 1);
			CHECK(!memcmp(d + o + 15 + k, prs, sizeof(prs)));
		}
		for (uint32_t p = o; p + sizeof(reg) <= len && p < dev_end; p++)
			if (!memcmp(d + p, reg, sizeof(reg)))
				uses++;
		CHECK_EQ(uses, 5);	/* _CRS reads it, _SRS writes it twice, _DIS twice */
	}
	mem_destroy(&m);
}

TEST(aml_name_paths)
{
	uint8_t b[32];
	struct aml a;
	aml_init(&a, b, sizeof(b));
	aml_name(&a, "\\_SB_.PCI0");
	CHECK(!a.overflow);
	CHECK_EQ(a.len, 10);
	CHECK(!memcmp(b, "\\\x2e_SB_PCI0", 10));
	aml_init(&a, b, sizeof(b));
	aml_name(&a, "AAAA.BBBB.CCCC");
	CHECK(!a.overflow);
	CHECK_EQ(a.len, 14);
	CHECK(!memcmp(b, "\x2f\x03" "AAAABBBBCCCC", 14));
	const char *bad[] = { "ABC", "ABCDE", "ABCD.", "ABCD.EF", "ABCD_EFGH", "\\", "" };
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		aml_init(&a, b, sizeof(b));
		aml_name(&a, bad[i]);
		CHECK(a.overflow);
	}
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
	RUN(dsdt_prt_pic_links);
	RUN(dsdt_link_devices);
	RUN(aml_name_paths);
	RUN(pkglen_encoding);
	RUN(bad_config);
TEST_MAIN_END()

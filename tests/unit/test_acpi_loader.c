/*
 * acpi_build_fw: the tables SeaBIOS places through QEMU's linker/loader
 * script.  A small interpreter here plays the firmware: it allocates each
 * file at an address honouring the requested alignment, patches pointers and
 * fixes checksums, then the result is walked like an OS would (RSDP ->
 * RSDT -> FADT -> DSDT/FACS, MADT).
 */
#define _GNU_SOURCE
#include "test.h"
#include "boot/acpi.h"
#include "boot/boot.h"

#include <errno.h>

#define MEMSZ 0x20000

struct img {
	uint8_t mem[MEMSZ];	/* guest "memory"; address = offset */
	uint32_t rsdp_at, tables_at;
	int bad;
};

static const uint8_t *file_data(const struct acpi_fw_tables *t, const char *name, uint32_t *len)
{
	if (!strcmp(name, ACPI_FW_RSDP)) {
		*len = sizeof(t->rsdp);
		return t->rsdp;
	}
	if (!strcmp(name, ACPI_FW_TABLES)) {
		*len = t->tables_len;
		return t->tables;
	}
	return NULL;
}

static uint32_t *file_addr(struct img *im, const char *name)
{
	if (!strcmp(name, ACPI_FW_RSDP))
		return &im->rsdp_at;
	if (!strcmp(name, ACPI_FW_TABLES))
		return &im->tables_at;
	return NULL;
}

/* Run the script; FSEG files go at 0xf010 + 16k, HIGH files at 0x10008 rounded up. */
static void run_loader(const struct acpi_fw_tables *t, struct img *im)
{
	uint32_t fseg = 0x1004, high = 0x10008;
	memset(im, 0, sizeof(*im));
	for (uint32_t o = 0; o + ACPI_LOADER_ENTRY <= t->loader_len; o += ACPI_LOADER_ENTRY) {
		const uint8_t *e = t->loader + o, *b = e + 4;
		uint32_t cmd = get_le32(e), len;
		const char *f = (const char *)b;
		if (memchr(b, 0, ACPI_LOADER_NAME) == NULL) {
			im->bad = 1;
			return;
		}
		if (cmd == 1) {
			uint32_t align = get_le32(b + ACPI_LOADER_NAME), *at = file_addr(im, f);
			uint8_t zone = b[ACPI_LOADER_NAME + 4];
			const uint8_t *d = file_data(t, f, &len);
			uint32_t *next = zone == 2 ? &fseg : &high;
			if (!at || !d || !align || (align & (align - 1)) || (zone != 1 && zone != 2)) {
				im->bad = 2;
				return;
			}
			*at = (*next + align - 1) & ~(align - 1);
			memcpy(im->mem + *at, d, len);
			*next = *at + len;
		} else if (cmd == 2) {
			const char *src = f + ACPI_LOADER_NAME;
			uint32_t off = get_le32(b + 2 * ACPI_LOADER_NAME), *dat = file_addr(im, f),
				 *sat = file_addr(im, src);
			if (!dat || !sat || !*dat || !*sat || b[2 * ACPI_LOADER_NAME + 4] != 4) {
				im->bad = 3;
				return;
			}
			put_le32(im->mem + *dat + off, get_le32(im->mem + *dat + off) + *sat);
		} else if (cmd == 3) {
			uint32_t *at = file_addr(im, f), off = get_le32(b + ACPI_LOADER_NAME),
				 start = get_le32(b + ACPI_LOADER_NAME + 4),
				 n = get_le32(b + ACPI_LOADER_NAME + 8);
			if (!at || !*at) {
				im->bad = 4;
				return;
			}
			im->mem[*at + off] = (uint8_t)(im->mem[*at + off] - acpi_checksum(im->mem + *at + start, n));
		} else {
			im->bad = 5;
			return;
		}
	}
}

static const uint8_t *table(struct img *im, uint32_t addr, const char *sig)
{
	if (addr < 0x1000 || addr + 36 > MEMSZ || memcmp(im->mem + addr, sig, 4))
		return NULL;
	uint32_t len = get_le32(im->mem + addr + 4);
	if (len < 36 || addr + len > MEMSZ || acpi_checksum(im->mem + addr, len))
		return NULL;
	return im->mem + addr;
}

static struct acpi_fw_tables t;
static struct img im;

TEST(loader_places_valid_tables)
{
	struct acpi_config c = { .nr_cpus = 2, .pci = 1, .pci_gsi_base = 16 };
	const uint8_t *rsdt, *fadt, *dsdt, *madt;

	CHECK_EQ(acpi_build_fw(&c, &t), 0);
	CHECK(t.loader_len > 0 && t.loader_len % ACPI_LOADER_ENTRY == 0);
	CHECK(t.loader_len <= sizeof(t.loader));
	run_loader(&t, &im);
	CHECK_EQ(im.bad, 0);
	CHECK_EQ(im.rsdp_at % 16, 0);
	CHECK_EQ(im.tables_at % 64, 0);
	/* RSDP: signature, checksum over 20 bytes, our OEM */
	CHECK(!memcmp(im.mem + im.rsdp_at, "RSD PTR ", 8));
	CHECK_EQ(acpi_checksum(im.mem + im.rsdp_at, 20), 0);
	CHECK(!memcmp(im.mem + im.rsdp_at + 9, "HVM   ", 6));
	rsdt = table(&im, get_le32(im.mem + im.rsdp_at + 16), "RSDT");
	CHECK(rsdt);
	fadt = table(&im, get_le32(rsdt + 36), "FACP");
	madt = table(&im, get_le32(rsdt + 40), "APIC");
	CHECK(fadt);
	CHECK(madt);
	dsdt = table(&im, get_le32(fadt + 40), "DSDT");
	CHECK(dsdt);
	/* FACS: 64-byte aligned, signature, no checksum */
	uint32_t facs = get_le32(fadt + 36);
	CHECK_EQ(facs % 64, 0);
	CHECK(!memcmp(im.mem + facs, "FACS", 4));
	/* the MADT lists both CPUs */
	CHECK_EQ(madt[44], 0);
	CHECK_EQ(madt[44 + 3], 0);
	CHECK_EQ(madt[52], 0);
	CHECK_EQ(madt[52 + 3], 1);
	/* the DSDT carries the _PRT of the PCI root */
	CHECK(memmem(dsdt, get_le32(dsdt + 4), "_PRT", 4) != NULL);
}

TEST(same_tables_as_direct_boot)
{
	/* Apart from addresses and checksums, the MADT and DSDT match what acpi_build writes. */
	struct acpi_config c = { .nr_cpus = 3, .pci = 1, .pci_gsi_base = 16 };
	CHECK_EQ(acpi_build_fw(&c, &t), 0);
	run_loader(&t, &im);
	CHECK_EQ(im.bad, 0);
	const uint8_t *rsdt = table(&im, get_le32(im.mem + im.rsdp_at + 16), "RSDT");
	CHECK(rsdt);
	const uint8_t *madt = table(&im, get_le32(rsdt + 40), "APIC");
	CHECK(madt);
	CHECK_EQ(get_le32(madt + 36), 0xfee00000u);
	CHECK_EQ(madt[44 + 2 * 8 + 3], 2);
}

TEST(bad_config)
{
	struct acpi_config c = { .nr_cpus = 0 };
	CHECK_EQ(acpi_build_fw(&c, &t), -EINVAL);
	c.nr_cpus = 1000;
	CHECK_EQ(acpi_build_fw(&c, &t), -EINVAL);
	CHECK_EQ(acpi_build_fw(NULL, &t), -EINVAL);
	c.nr_cpus = 1;
	CHECK_EQ(acpi_build_fw(&c, NULL), -EINVAL);
}

TEST_MAIN_BEGIN("acpi_loader")
	RUN(loader_places_valid_tables);
	RUN(same_tables_as_direct_boot);
	RUN(bad_config);
TEST_MAIN_END()

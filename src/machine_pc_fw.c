/*
 * Firmware boot on the PC board (machine_pc_load_bios): the BIOS image
 * below 4 GiB and, through i440FX PAM shadowing, at 0xe0000-0xfffff; the
 * fw_cfg keys and files SeaBIOS reads (etc/e820, bootorder, ACPI tables
 * through the table loader); the CMOS bytes it looks at.
 */
#include "machine_pc_priv.h"
#include "boot/acpi.h"
#include "dev/fw_cfg.h"
#include "dev/rtc_cmos.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

static void host_bridge_pam(struct pci_dev *d)
{
	struct pc_board *pc = d->opaque;
	pam_update(&pc->pam, d->cfg + I440FX_PAM0);
}

static void host_bridge_cfg_write(struct pci_dev *d, unsigned off, unsigned size, uint32_t val)
{
	(void)val;
	if (off < I440FX_PAM0 + I440FX_PAM_NR_REGS && off + size > I440FX_PAM0)
		host_bridge_pam(d);
}

/* "etc/e820" as QEMU documents it: packed { u64 address, u64 length, u32 type } entries. */
static int fw_cfg_e820(struct pc_board *pc)
{
	const struct guest_mem *m = &pc->vm->mem;
	uint8_t buf[2 * 20] = { 0 };
	unsigned n = 0;
	uint64_t ent[2][2] = { { 0, m->low_end }, { LAYOUT_4G, m->high_end - LAYOUT_4G } };

	for (unsigned i = 0; i < 2; i++) {
		uint8_t *e = buf + 20 * n;
		if (i == 1 && m->high_end <= LAYOUT_4G)
			break;
		for (unsigned k = 0; k < 8; k++) {
			e[k] = (uint8_t)(ent[i][0] >> (8 * k));
			e[8 + k] = (uint8_t)(ent[i][1] >> (8 * k));
		}
		e[16] = 1;	/* E820_RAM */
		n++;
	}
	return fw_cfg_add_file(pc->fw, "etc/e820", buf, 20 * n) < 0 ? -ENOMEM : 0;
}

/* "bootorder": one device path per line, the --boot choice first. */
static int fw_cfg_bootorder(struct pc_board *pc)
{
	const struct vm_config *cfg = pc->vm->cfg;
	char buf[(MAX_DISKS + 1) * 49 + 1] = "";
	size_t len = 0;

	for (int pass = 0; pass < 2; pass++) {
		int cd_pass = (cfg->boot == 'd') == (pass == 0);
		if (cd_pass) {
			if (pc->cdrom_path[0])
				len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s\n", pc->cdrom_path);
			continue;
		}
		for (int i = 0; i < cfg->nr_disks; i++)
			if (pc->disk_path[i][0])
				len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s\n", pc->disk_path[i]);
	}
	if (!len)
		return 0;	/* nothing to order: SeaBIOS's defaults */
	return fw_cfg_add_file(pc->fw, "bootorder", buf, len + 1) < 0 ? -ENOMEM : 0;
}

int machine_pc_load_bios(struct vm *vm, const void *img, size_t len, char *err, size_t errlen)
{
	struct pc_board *pc = vm->board;
	const struct vm_config *cfg = vm->cfg;
	size_t legacy = len < PAM_ROM_MAX ? len : PAM_ROM_MAX;
	uint8_t *rom;
	int r;

	if (!len || len % BIOS_ALIGN || len > BIOS_MAX_SIZE) {
		snprintf(err, errlen, "a BIOS image is a multiple of 64 KiB and at most 16 MiB "
			 "(this one has %zu bytes)", len);
		return -EINVAL;
	}
	/* Page-aligned host copy, so KVM can map it; it lives as long as the process. */
	rom = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (rom == MAP_FAILED) {
		snprintf(err, errlen, "cannot map the BIOS image: %s", strerror(errno));
		return -ENOMEM;
	}
	memcpy(rom, img, len);
	pthread_mutex_lock(&vm->dm_lock);
	/* The whole flash just below 4 GiB (the reset vector is its last 16 bytes). */
	r = mem_add_region(&vm->mem, LAYOUT_4G - len, len, rom, MEM_F_READONLY);
	if (r) {
		snprintf(err, errlen, "BIOS at %#llx: %s", (unsigned long long)(LAYOUT_4G - len),
			 strerror(-r));
		goto out;
	}
	/* Its last 128 KiB also decode at 0xe0000 while PAM leaves that to the flash. */
	r = pam_init(&pc->pam, &vm->mem, rom + len - legacy, legacy);
	if (!r)
		r = bus_add(&vm->mmio, PAM_START, PAM_END - PAM_START, &pam_mmio_ops, &pc->pam);
	if (r) {
		snprintf(err, errlen, "BIOS shadow area: %s", strerror(-r));
		goto out;
	}
	pc->piix.host.opaque = pc;
	pc->piix.host.cfg_write = host_bridge_cfg_write;
	pc->piix.host.reset = host_bridge_pam;

	/* Legacy keys and files SeaBIOS reads (QEMU's docs/specs/fw_cfg.rst). */
	{
		const uint8_t zero16[2] = { 0, 0 }, irq0_override = 1;
		const uint8_t fail_wait[4] = { 0xd0, 0x07, 0, 0 };	/* retry after 2 s */
		if (fw_cfg_add_bytes(pc->fw, FW_CFG_BOOT_MENU, zero16, 2) ||
		    fw_cfg_add_bytes(pc->fw, FW_CFG_IRQ0_OVERRIDE, &irq0_override, 1) ||
		    fw_cfg_add_file(pc->fw, "etc/boot-fail-wait", fail_wait, 4) < 0 ||
		    fw_cfg_e820(pc) || fw_cfg_bootorder(pc)) {
			snprintf(err, errlen, "fw_cfg: out of memory");
			r = -ENOMEM;
			goto out;
		}
	}
	/* hvm's ACPI tables (as for --kernel), placed by the firmware's table loader. */
	{
		struct acpi_config ac = { .nr_cpus = cfg->nr_cpus, .ioapic_id = 0,
					  .pci = 1, .pci_gsi_base = IRQ_PCI_GSI_BASE };
		struct acpi_fw_tables *t = calloc(1, sizeof(*t));
		r = t ? acpi_build_fw(&ac, t) : -ENOMEM;
		if (!r && (fw_cfg_add_file(pc->fw, ACPI_FW_RSDP, t->rsdp, sizeof(t->rsdp)) < 0 ||
			   fw_cfg_add_file(pc->fw, ACPI_FW_TABLES, t->tables, t->tables_len) < 0 ||
			   fw_cfg_add_file(pc->fw, ACPI_FW_LOADER, t->loader, t->loader_len) < 0))
			r = -ENOMEM;
		free(t);
		if (r) {
			snprintf(err, errlen, "ACPI tables for fw_cfg: %s", strerror(-r));
			goto out;
		}
	}
	/* CMOS: CPUs beyond the first, boot order (2 = disk, 3 = CD; no floppy signature check). */
	rtc_cmos_set(pc->rtc, 0x5f, (uint8_t)(cfg->nr_cpus - 1));
	rtc_cmos_set(pc->rtc, 0x3d, cfg->boot == 'd' ? 0x23 : 0x32);
	rtc_cmos_set(pc->rtc, 0x38, 0x01);
out:
	pthread_mutex_unlock(&vm->dm_lock);
	return r;
}

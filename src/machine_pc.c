/*
 * The PC board, wired in reading order: chipset and PCI, legacy ISA devices
 * at their ports and IRQs, firmware interfaces, then optional test devices.
 * The interrupt controllers belong to the engine (in-kernel under kvm,
 * user-space models under emu); devices here only drive vm->gsi[] lines.
 */
#include "machine_pc_priv.h"
#include "boot/acpi.h"
#include "config.h"
#include "core/log.h"
#include "dev/acpi_pm.h"
#include "dev/debug_exit.h"
#include "dev/e1000.h"
#include "dev/debugcon.h"
#include "dev/fw_cfg.h"
#include "dev/i8042.h"
#include "dev/pam.h"
#include "dev/pci.h"
#include "dev/piix.h"
#include "dev/piix_ide.h"
#include "dev/reset.h"
#include "dev/rtc_cmos.h"
#include "dev/serial16550.h"
#include "dev/testdev.h"
#include "dev/vga.h"
#include "dev/virtio_blk.h"
#include "dev/virtio_pci.h"
#include "dev/virtio_net.h"
#include "dev/virtio_rng.h"
#include "host/blk.h"
#include "host/net_slirp.h"
#include "host/net_tap.h"

#include <errno.h>
#include <stdio.h>
#include <sys/mman.h>
#include <stdlib.h>
#include <string.h>

static void a20_set(void *opaque, unsigned line, int level)
{
	struct pc_board *pc = opaque;
	int on;
	pc->a20_in[line & 1] = !!level;
	on = pc->a20_in[0] || pc->a20_in[1];
	if (on == pc->a20_on)
		return;
	pc->a20_on = on;
	if (pc->vm->eng_ops->set_a20)
		pc->vm->eng_ops->set_a20(pc->vm, on);
	else if (!on)
		pr_debug("board: A20 gate closed, but the %s engine cannot mask address bit 20",
			 pc->vm->eng_ops->name);
}

static int map(struct bus *b, uint64_t base, uint64_t len, const struct io_ops *ops, void *o,
	       char *err, size_t errlen)
{
	int r = bus_add(b, base, len, ops, o);
	if (r)
		snprintf(err, errlen, "board: cannot map %s at %#llx: %s", ops->name,
			 (unsigned long long)base, strerror(-r));
	return r;
}

/* PIIX3 PIRQ routes that firmware would program: PIRQA-D -> IRQ 10, 11, 10, 11. */
static const uint8_t pirq_default_irq[4] = { 10, 11, 10, 11 };

/* Drive the GSI and ISA lines from the PIRQ states and the current PIIX3 routes. */
static void pci_intx_refresh(struct pc_board *pc)
{
	int isa[16] = { 0 };

	for (unsigned n = 0; n < 4; n++) {
		int asserted = pc->pirq_count[n] > 0;
		/* PCI INTx# is active low; an irqchip that models pins sees the wire. */
		int level = pc->intx_active_low ? !asserted : asserted;
		if (level != pc->pirq_gsi_level[n]) {
			pc->pirq_gsi_level[n] = level;
			irq_set(&pc->vm->gsi[IRQ_PCI_GSI_BASE + n], level);
		}
		int irq = piix3_pirq_route(&pc->piix, n);
		if (irq > 0 && irq < 16 && asserted)
			isa[irq] = 1;
	}
	for (unsigned irq = 0; irq < 16; irq++)
		if (isa[irq] != pc->isa_driven[irq]) {
			pc->isa_driven[irq] = isa[irq];
			irq_set(&pc->vm->gsi[irq], isa[irq]);
		}
}

/* irq_line callback of a device's INTx pin: line = PIRQ index. */
static void pci_intx_set(void *opaque, unsigned pirq, int level)
{
	struct pc_board *pc = opaque;
	if (pirq >= 4)
		return;
	if (level)
		pc->pirq_count[pirq]++;
	else if (pc->pirq_count[pirq])
		pc->pirq_count[pirq]--;
	pci_intx_refresh(pc);
}

static void piix3_cfg_write(struct pci_dev *d, unsigned off, unsigned size, uint32_t val)
{
	(void)val;
	if (off < PIIX3_PIRQRC + 4 && off + size > PIIX3_PIRQRC)
		pci_intx_refresh(d->opaque);
}

/*
 * What firmware does before the OS: PIRQ routes and each function's Interrupt
 * Line.  Under --bios the BIOS does it (SeaBIOS: PIRQA-D -> 10, 10, 11, 11):
 * the registers keep their reset values (routes disabled) until it does.
 */
static void pci_firmware_setup(struct pc_board *pc)
{
	if (pc->vm->cfg->bios) {
		pci_intx_refresh(pc);
		return;
	}
	for (unsigned n = 0; n < 4; n++)
		pc->piix.isa.cfg[PIIX3_PIRQRC + n] = pirq_default_irq[n];
	for (int i = 0; i < pc->nr_pcidev; i++) {
		struct pci_dev *d = pc->pcidev[i]->e1000 ? e1000_pci(pc->pcidev[i]->e1000) :
							   &pc->pcidev[i]->vp.pci;
		unsigned pin = d->cfg[PCI_INTERRUPT_PIN];
		if (pin)
			d->cfg[PCI_INTERRUPT_LINE] =
				pirq_default_irq[((unsigned)d->devfn / 8 + pin - 1) & 3];
	}
	pci_intx_refresh(pc);
}

static void board_msi(void *opaque, uint64_t addr, uint32_t data)
{
	struct vm *vm = opaque;
	if (vm->eng_ops->msi)
		vm->eng_ops->msi(vm, addr, data);
}

static int free_slot(const struct pc_board *pc)
{
	for (unsigned s = PC_PCI_FIRST_SLOT; s < 32; s++)
		if (!pci_bus_find(&pc->pci, PCI_DEVFN(s, 0)))
			return (int)s;
	return -1;
}

/* Put vd on the PCI bus behind a virtio-pci transport.  0 or -errno. */
static int add_virtio_pci(struct pc_board *pc, struct pc_virtio *v, struct virtio_dev *vd,
			  const char *name, uint32_t class_code, char *err, size_t errlen)
{
	struct vm *vm = pc->vm;
	int slot = free_slot(pc), r;

	if (slot < 0 || pc->nr_pcidev >= PC_MAX_PCI_DEVS) {
		snprintf(err, errlen, "board: no free PCI slot for %s", name);
		return -ENOSPC;
	}
	/* MSI-X only where the engine can deliver messages; else INTx through the ISR. */
	r = virtio_pci_init(&v->vp, vd, name, class_code, vd->nr_queues + 1, &vm->mmio,
			    vm->eng_ops->msi ? board_msi : NULL, vm);
	if (!r)
		r = pci_bus_add(&pc->pci, &v->vp.pci, (unsigned)slot, 0);
	if (r) {
		snprintf(err, errlen, "board: %s: %s", name, strerror(-r));
		return r;
	}
	v->vp.intx = (struct irq_line){ pci_intx_set, pc, ((unsigned)slot + 0) & 3 };
	pc->pcidev[pc->nr_pcidev++] = v;
	return 0;
}

/* Open a disk image and give it `workers` I/O threads on the event loop (none without a loop). */
static int board_blk_open(struct pc_board *pc, struct blk **b, const char *path, int ro,
			  int workers, char *e, size_t elen)
{
	int r = blk_open(b, path, ro, e, elen);
	if (!r && pc->vm->loop && (r = blk_attach(*b, pc->vm->loop, workers)))
		snprintf(e, elen, "cannot start I/O threads: %s", strerror(-r));
	return r;
}

static int add_disks(struct pc_board *pc, char *err, size_t errlen)
{
	const struct vm_config *cfg = pc->vm->cfg;
	char e[160];
	int r;

	for (int i = 0; i < cfg->nr_disks; i++) {
		const struct disk_config *dc = &cfg->disks[i];
		struct pc_virtio *v;
		char serial[24];

		if (dc->iface != DISK_IF_VIRTIO)
			continue;
		v = calloc(1, sizeof(*v));
		if (!v)
			return -ENOMEM;
		r = board_blk_open(pc, &v->blk, dc->path, dc->readonly, 2, e, sizeof(e));
		if (r) {
			snprintf(err, errlen, "--disk '%s': %s", dc->path, e);
			if (!v->blk)
				free(v);
			return r;
		}
		snprintf(serial, sizeof(serial), "hvm-disk%d", i);
		v->blk_dev = virtio_blk_new(&pc->vm->mem, v->blk, serial);
		if (!v->blk_dev)
			return -ENOMEM;
		/* Class 01/80: other mass storage, as virtio-blk is neither SCSI nor IDE. */
		r = add_virtio_pci(pc, v, virtio_blk_dev(v->blk_dev), "virtio-blk", 0x018000, err, errlen);
		if (r)
			return r;
		/* As QEMU names it in "bootorder"; SeaBIOS matches the PCI slot. */
		snprintf(pc->disk_path[i], sizeof(pc->disk_path[i]), "/pci@i0cf8/scsi@%x/disk@0,0",
			 (unsigned)v->vp.pci.devfn >> 3);
	}
	return 0;
}

/* Open an IDE image; with a loop its requests run on one worker thread. */
/*
 * PIIX3 IDE at 00:01.1 when an IDE disk or a CD-ROM is configured: if=ide
 * disks take primary master, primary slave, then the free secondary
 * positions; the CD-ROM is the secondary master.  Image I/O runs on one
 * worker per image (the drive is BSY meanwhile), synchronously without a
 * loop.
 */
static int add_ide(struct pc_board *pc, char *err, size_t errlen)
{
	const struct vm_config *cfg = pc->vm->cfg;
	static const int pos[4][2] = { { 0, 0 }, { 0, 1 }, { 1, 0 }, { 1, 1 } };
	int n = 0, nb = 0, r;
	char e[160], serial[24];

	for (int i = 0; i < cfg->nr_disks; i++)
		n += cfg->disks[i].iface == DISK_IF_IDE;
	if (!n && !cfg->cdrom)
		return 0;
	if (n > (cfg->cdrom ? 3 : 4)) {
		snprintf(err, errlen, "board: at most %d IDE disks%s", cfg->cdrom ? 3 : 4,
			 cfg->cdrom ? " with a CD-ROM" : "");
		return -EINVAL;
	}
	pc->ide = calloc(1, sizeof(*pc->ide));
	if (!pc->ide)
		return -ENOMEM;
	r = piix_ide_init(pc->ide, &pc->pci, &pc->vm->pio, &pc->vm->mem, &pc->vm->gsi[IRQ_IDE0],
			  &pc->vm->gsi[IRQ_IDE1], err, errlen);
	if (r)
		return r;
	if (cfg->cdrom) {
		r = board_blk_open(pc, &pc->ide_blk[nb], cfg->cdrom, 1, 1, e, sizeof(e));
		if (r) {
			snprintf(err, errlen, "--cdrom '%s': %s", cfg->cdrom, e);
			return r;
		}
		r = ide_attach(&pc->ide->ch[1], 0, pc->ide_blk[nb++], 1, "hvm-cdrom0");
		if (r)
			return r;
		snprintf(pc->cdrom_path, sizeof(pc->cdrom_path), "/pci@i0cf8/ide@1,1/drive@1/disk@0");
	}
	for (int i = 0, p = 0; i < cfg->nr_disks; i++) {
		const struct disk_config *dc = &cfg->disks[i];
		if (dc->iface != DISK_IF_IDE)
			continue;
		if (cfg->cdrom && p == 2)
			p++;
		r = board_blk_open(pc, &pc->ide_blk[nb], dc->path, dc->readonly, 1, e, sizeof(e));
		if (r) {
			snprintf(err, errlen, "--disk '%s': %s", dc->path, e);
			return r;
		}
		snprintf(serial, sizeof(serial), "hvm-ide%d", p);
		r = ide_attach(&pc->ide->ch[pos[p][0]], pos[p][1], pc->ide_blk[nb++], 0, serial);
		if (r)
			return r;
		snprintf(pc->disk_path[i], sizeof(pc->disk_path[i]), "/pci@i0cf8/ide@1,1/drive@%d/disk@%d",
			 pos[p][0], pos[p][1]);
		p++;
	}
	return 0;
}

static void slirp_to_guest(void *opaque, const void *frame, size_t len)
{
	struct pc_virtio *v = opaque;
	if (v->net_dev)
		virtio_net_receive(v->net_dev, frame, len);
	else if (v->e1000)
		e1000_receive(v->e1000, frame, len);
}

/* An Intel 82540EM in the next free slot, its INTA# routed like a virtio device's. */
static int add_e1000(struct pc_board *pc, struct pc_virtio *v, const uint8_t mac[6],
		     e1000_tx_fn tx, void *tx_opaque, char *err, size_t errlen)
{
	struct vm *vm = pc->vm;
	int slot = free_slot(pc), r;

	if (slot < 0 || pc->nr_pcidev >= PC_MAX_PCI_DEVS) {
		snprintf(err, errlen, "board: no free PCI slot for e1000");
		return -ENOSPC;
	}
	v->e1000 = e1000_new(&vm->mem, mac, tx, tx_opaque, &vm->mmio, &vm->pio, vm->clock);
	if (!v->e1000)
		return -ENOMEM;
	r = pci_bus_add(&pc->pci, e1000_pci(v->e1000), (unsigned)slot, 0);
	if (r) {
		snprintf(err, errlen, "board: e1000: %s", strerror(-r));
		return r;
	}
	e1000_set_intx(v->e1000, &(struct irq_line){ pci_intx_set, pc, (unsigned)slot & 3 });
	pc->pcidev[pc->nr_pcidev++] = v;
	return 0;
}

static int add_nics(struct pc_board *pc, char *err, size_t errlen)
{
	const struct vm_config *cfg = pc->vm->cfg;
	char e[160];
	int r;

	for (int i = 0; i < cfg->nr_nics; i++) {
		const struct net_config *nc = &cfg->nics[i];
		/* A stable default that differs per NIC, in the locally administered 52:54:00 range. */
		uint8_t mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, (uint8_t)(0x56 + i) };
		struct pc_virtio *v;

		if (nc->mac) {
			unsigned b[6];
			if (sscanf(nc->mac, "%2x:%2x:%2x:%2x:%2x:%2x", &b[0], &b[1], &b[2], &b[3],
				   &b[4], &b[5]) != 6) {
				snprintf(err, errlen, "--mac '%s': not a MAC address", nc->mac);
				return -EINVAL;
			}
			for (int k = 0; k < 6; k++)
				mac[k] = (uint8_t)b[k];
		}
		v = calloc(1, sizeof(*v));
		if (!v)
			return -ENOMEM;
		if (!strncmp(nc->spec, "tap:", 4))
			r = net_tap_new(&v->tap, nc->spec, pc->vm->loop, slirp_to_guest, v, e, sizeof(e));
		else
			r = net_slirp_new(&v->slirp, nc->spec, &pc->vm->dm_lock, slirp_to_guest, v, e,
					  sizeof(e));
		if (r) {
			snprintf(err, errlen, "--net '%s': %s", nc->spec, e);
			free(v);
			return r == -ENOTSUP ? -EINVAL : r;
		}
		if (nc->model == NIC_E1000)
			r = add_e1000(pc, v, mac, v->tap ? net_tap_input : net_slirp_input,
				      v->tap ? (void *)v->tap : (void *)v->slirp, err, errlen);
		else if (!(v->net_dev = virtio_net_new(&pc->vm->mem, mac,
						      v->tap ? net_tap_input : net_slirp_input,
						      v->tap ? (void *)v->tap : (void *)v->slirp)))
			r = -ENOMEM;
		else
			r = add_virtio_pci(pc, v, virtio_net_dev(v->net_dev), "virtio-net", 0x020000,
					   err, errlen);
		if (r)
			return r;
		if (v->tap)
			continue;
		r = net_slirp_start(v->slirp);
		if (r) {
			snprintf(err, errlen, "--net '%s': cannot start its thread: %s", nc->spec, strerror(-r));
			return r;
		}
	}
	return 0;
}

static int add_rng(struct pc_board *pc, char *err, size_t errlen)
{
	struct pc_virtio *v = calloc(1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	v->rng_dev = virtio_rng_new(&pc->vm->mem, NULL, NULL);
	if (!v->rng_dev) {
		free(v);
		return -ENOMEM;
	}
	/* Class 00/ff: no better fit for an entropy source. */
	return add_virtio_pci(pc, v, virtio_rng_dev(v->rng_dev), "virtio-rng", 0x00ff00, err, errlen);
}

/* The board's display_src: the picture from the VGA card, keys and pointer to the i8042. */
static int pc_render(void *opaque, struct fb *fb)
{
	struct pc_board *pc = opaque;
	return pc->vga_src.render(pc->vga_src.opaque, fb);
}

static int pc_text(void *opaque, char *buf, size_t len)
{
	struct pc_board *pc = opaque;
	return pc->vga_src.text(pc->vga_src.opaque, buf, len);
}

static void pc_key(void *opaque, unsigned code, int down)
{
	struct pc_board *pc = opaque;
	i8042_key(pc->kbd, code, down);
}

static void pc_pointer(void *opaque, int dx, int dy, int dz, unsigned buttons)
{
	struct pc_board *pc = opaque;
	i8042_mouse(pc->kbd, dx, dy, dz, buttons);
}

/* Debian's SeaVGABIOS for the std-vga card (package seabios). */
#define VGA_BIOS_PATH "/usr/share/seabios/vgabios-stdvga.bin"
#define VGA_BIOS_MAX (256u << 10)

/*
 * The std-vga card in slot 2 (as on QEMU's PC), with its legacy ports and
 * window.  Under firmware boot it carries SeaVGABIOS as its expansion ROM;
 * direct kernel boots run no VGA BIOS, but take its font for the text mode
 * hvm leaves them in.
 */
static int add_vga(struct pc_board *pc, char *err, size_t errlen)
{
	struct vm *vm = pc->vm;
	uint8_t *rom = malloc(VGA_BIOS_MAX);
	FILE *f = fopen(VGA_BIOS_PATH, "rb");
	size_t romlen = 0;
	int r;

	if (f && rom)
		romlen = fread(rom, 1, VGA_BIOS_MAX, f);
	if (f)
		fclose(f);
	if (!romlen && vm->cfg->bios)
		pr_warn("vga: no VGA BIOS (%s): the screen stays blank until the OS sets a mode",
			VGA_BIOS_PATH);
	pc->vga = vga_new(&vm->mem, &vm->mmio, rom, vm->cfg->bios ? romlen : 0);
	if (pc->vga && !vm->cfg->bios && vga_set_font_from_rom(pc->vga, rom, romlen))
		pr_debug("vga: no font from %s: text cells show without glyphs", VGA_BIOS_PATH);
	free(rom);
	if (!pc->vga) {
		snprintf(err, errlen, "board: vga: out of memory");
		return -ENOMEM;
	}
	r = pci_bus_add(&pc->pci, &pc->vga->pci, 2, 0);
	if (r) {
		snprintf(err, errlen, "board: vga: PCI 00:02.0: %s", strerror(-r));
		return r;
	}
	vga_display_src(pc->vga, &pc->vga_src);
	pc->display = (struct display_src){ .opaque = pc, .render = pc_render, .text = pc_text,
					    .key = pc_key, .pointer = pc_pointer };
	if ((r = map(&vm->pio, VGA_PORT_BASE, VGA_PORT_LEN, &vga_port_ops, pc->vga, err, errlen)) ||
	    (r = map(&vm->pio, VBE_PORT_BASE, VBE_PORT_LEN, &vga_vbe_ops, pc->vga, err, errlen)) ||
	    (r = map(&vm->mmio, VGA_MEM_BASE, VGA_MEM_LEN, &vga_mem_ops, pc->vga, err, errlen)))
		return r;
	return 0;
}

struct display_src *machine_pc_display(struct vm *vm)
{
	struct pc_board *pc = vm->board;
	return pc && pc->vga ? &pc->display : NULL;
}

int machine_pc_build(struct vm *vm, struct chr *console, char *err, size_t errlen)
{
	struct pc_board *pc = calloc(1, sizeof(*pc));
	const struct vm_config *cfg = vm->cfg;
	uint64_t below4g = vm->mem.low_end, above4g = vm->mem.high_end ? vm->mem.high_end - LAYOUT_4G : 0;
	int r = 0;

	if (!pc)
		return -ENOMEM;
	pc->vm = vm;
	pc->intx_active_low = vm->eng_ops == &emu_engine;
	vm->board = pc;
	pthread_mutex_lock(&vm->dm_lock);

	/* PCI: i440FX host bridge and PIIX3 ISA bridge behind mechanism #1. */
	pci_bus_init(&pc->pci);
	r = piix_init(&pc->piix, &pc->pci);
	if (r) {
		snprintf(err, errlen, "board: PCI bridges: %s", strerror(-r));
		goto out;
	}
	pc->rst = reset_new(&vm->ctl);
	pc->com1 = serial_new(console, &vm->gsi[IRQ_COM1]);
	pc->rtc = rtc_new(vm->clock, &vm->gsi[IRQ_RTC], below4g, above4g);
	pc->kbd = i8042_new(&vm->ctl, &vm->gsi[IRQ_KBD], &vm->gsi[IRQ_MOUSE]);
	pc->fw = fw_cfg_new(cfg->mem_size, cfg->nr_cpus, cfg->nr_cpus);
	pc->pm = acpi_pm_new(vm->clock, &vm->ctl, &vm->gsi[IRQ_ACPI_SCI]);
	if (!pc->rst || !pc->com1 || !pc->rtc || !pc->kbd || !pc->fw || !pc->pm) {
		snprintf(err, errlen, "board: out of memory");
		r = -ENOMEM;
		goto out;
	}
	pci_bus_set_cf9(&pc->pci, &cf9_ops, pc->rst);
	/* Both gates start as a PC leaves them: 8042 output port A20 on, port 0x92 off. */
	for (int i = 0; i < 2; i++)
		pc->a20_line[i] = (struct irq_line){ .set = a20_set, .opaque = pc, .line = (unsigned)i };
	pc->a20_in[0] = pc->a20_on = 1;
	i8042_set_a20_line(pc->kbd, &pc->a20_line[0]);
	reset_set_a20_line(pc->rst, &pc->a20_line[1]);
	pc->piix.isa.opaque = pc;
	pc->piix.isa.cfg_write = piix3_cfg_write;
	if (!cfg->no_vga && (r = add_vga(pc, err, errlen)))
		goto out;
	if ((r = add_disks(pc, err, errlen)))
		goto out;
	if (cfg->virtio_rng && (r = add_rng(pc, err, errlen)))
		goto out;
	if ((r = add_nics(pc, err, errlen)))
		goto out;
	if ((r = add_ide(pc, err, errlen)))
		goto out;
	pci_firmware_setup(pc);

	if ((r = map(&vm->pio, PORT_PCI_CONFIG_ADDR, PCI_HOST_LEN, &pci_host_ops, &pc->pci, err, errlen)) ||
	    (r = map(&vm->pio, PORT_COM1, 8, &serial_ops, pc->com1, err, errlen)) ||
	    (r = map(&vm->pio, PORT_RTC, 2, &rtc_ops, pc->rtc, err, errlen)) ||
	    (r = map(&vm->pio, PORT_I8042_DATA, 1, &i8042_data_ops, pc->kbd, err, errlen)) ||
	    (r = map(&vm->pio, PORT_I8042_CMD, 1, &i8042_cmd_ops, pc->kbd, err, errlen)) ||
	    (r = map(&vm->pio, PORT_A20_RESET, 1, &port92_ops, pc->rst, err, errlen)) ||
	    (r = map(&vm->pio, PORT_POST, 1, &post_ops, pc->rst, err, errlen)) ||
	    (r = map(&vm->pio, PORT_DEBUG_EXIT, DEBUG_EXIT_LEN, &debug_exit_ops, &vm->ctl, err, errlen)) ||
	    (r = map(&vm->pio, PORT_FW_CFG, FW_CFG_LEN, &fw_cfg_ops, pc->fw, err, errlen)) ||
	    (r = map(&vm->pio, PORT_ACPI_PM_BASE, ACPI_PM_LEN, &acpi_pm_ops, pc->pm, err, errlen)))
		goto out;

	if (cfg->testdev) {
		pc->td = testdev_new(vm->gsi);
		if (!pc->td) {
			r = -ENOMEM;
			goto out;
		}
		if ((r = map(&vm->pio, PORT_TESTDEV_LATCH, 4, &testdev_latch_ops, pc->td, err, errlen)) ||
		    (r = map(&vm->pio, PORT_TESTDEV_FLUSH, 4, &testdev_flush_ops, pc->td, err, errlen)) ||
		    (r = map(&vm->pio, PORT_TESTDEV_IRQ, TESTDEV_NR_IRQ, &testdev_irq_ops, pc->td, err, errlen)) ||
		    (r = map(&vm->mmio, LAYOUT_TESTDEV_MMIO, LAYOUT_TESTDEV_MMIO_LEN, &testdev_mmio_ops, pc->td, err, errlen)))
			goto out;
	}
out:
	pthread_mutex_unlock(&vm->dm_lock);
	return r;
}

void machine_pc_post_state(struct vm *vm)
{
	/* port, value: 8259 pair initialised to vectors 0x08 / 0x70 (ICW1-4, 8086
	 * mode), timer, keyboard and cascade unmasked; PIT channel 0 in mode 2
	 * with count 65536 (18.2 Hz), as a PC BIOS programs them. */
	static const uint16_t seq[][2] = {
		{ 0x20, 0x11 }, { 0x21, 0x08 }, { 0x21, 0x04 }, { 0x21, 0x01 },
		{ 0xa0, 0x11 }, { 0xa1, 0x70 }, { 0xa1, 0x02 }, { 0xa1, 0x01 },
		{ 0x21, 0xf8 }, { 0xa1, 0xff },
		{ 0x43, 0x34 }, { 0x40, 0x00 }, { 0x40, 0x00 },
	};
	pthread_mutex_lock(&vm->dm_lock);
	if (bus_find(&vm->pio, PORT_PIC_MASTER) && bus_find(&vm->pio, PORT_PIT)) {
		for (unsigned i = 0; i < sizeof(seq) / sizeof(seq[0]); i++)
			bus_write(&vm->pio, seq[i][0], 1, seq[i][1]);
	}
	/* The VGA card in 80x25 text mode, as the BIOS leaves it. */
	if (vm->board && ((struct pc_board *)vm->board)->vga)
		vga_post_state(((struct pc_board *)vm->board)->vga);
	pthread_mutex_unlock(&vm->dm_lock);
}

void machine_pc_reset(struct vm *vm)
{
	struct pc_board *pc = vm->board;
	pthread_mutex_lock(&vm->dm_lock);
	/* The PCI host's reset hook resets every PCI function. */
	bus_reset(&vm->pio);
	bus_reset(&vm->mmio);
	if (pc)
		pci_firmware_setup(pc);
	pthread_mutex_unlock(&vm->dm_lock);
}

int machine_pc_add_debugcon(struct vm *vm, struct chr *out, char *err, size_t errlen)
{
	int r;
	pthread_mutex_lock(&vm->dm_lock);
	r = map(&vm->pio, PORT_DEBUGCON, 1, &debugcon_ops, out, err, errlen);
	pthread_mutex_unlock(&vm->dm_lock);
	return r;
}

void machine_pc_free(struct vm *vm)
{
	struct pc_board *pc = vm->board;
	if (!pc)
		return;
	serial_free(pc->com1);
	rtc_free(pc->rtc);
	i8042_free(pc->kbd);
	reset_free(pc->rst);
	fw_cfg_free(pc->fw);
	acpi_pm_free(pc->pm);
	testdev_free(pc->td);
	vga_free(pc->vga);
	/* Stop the image workers first: requests in flight point into the drive buffers. */
	for (int i = 0; i < 4; i++)
		blk_close(pc->ide_blk[i]);
	if (pc->ide) {
		piix_ide_free(pc->ide);
		free(pc->ide);
	}
	for (int i = 0; i < pc->nr_pcidev; i++) {
		struct pc_virtio *v = pc->pcidev[i];
		virtio_pci_free(&v->vp);
		if (v->blk_dev)
			virtio_blk_free(v->blk_dev);
		if (v->blk)
			blk_close(v->blk);
		if (v->rng_dev)
			virtio_rng_free(v->rng_dev);
		/* The tap's fd leaves the I/O loop before the device it feeds goes. */
		net_tap_free(v->tap);
		/* The slirp thread lives until the process exits; only the device goes. */
		if (v->net_dev && !v->slirp)
			virtio_net_free(v->net_dev);
		if (v->e1000 && !v->slirp)
			e1000_free(v->e1000);
		free(v);
	}
	free(pc);
	vm->board = NULL;
}

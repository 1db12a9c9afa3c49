/*
 * The PC board's state, shared by machine_pc.c (the board and its devices)
 * and machine_pc_fw.c (what firmware boot adds: the BIOS flash, PAM
 * shadowing and the fw_cfg files SeaBIOS reads).  Private to those files.
 */
#ifndef HVM_MACHINE_PC_PRIV_H
#define HVM_MACHINE_PC_PRIV_H

#include "machine_pc.h"
#include "config.h"
#include "core/display.h"
#include "dev/pam.h"
#include "dev/pci.h"
#include "dev/piix.h"
#include "dev/virtio_pci.h"

/* A virtio device on PCI with its backend (a disk for now). */
struct pc_virtio {
	struct virtio_pci vp;
	struct virtio_blk *blk_dev;
	struct blk *blk;
	struct virtio_rng *rng_dev;
	struct virtio_net *net_dev;
	struct e1000 *e1000;		/* an e1000 NIC instead of a virtio device (vp unused) */
	struct net_slirp *slirp;
	struct net_tap *tap;
};

#define PC_MAX_PCI_DEVS	(MAX_DISKS + MAX_NICS + 1)
#define PC_PCI_FIRST_SLOT 3		/* 0: host bridge, 1: PIIX3, 2: left for a display */

struct pc_board {
	struct vm *vm;
	/*
	 * PCI INTx: device pin p in slot s drives PIRQ (s + p) & 3, which goes
	 * to IOAPIC GSI IRQ_PCI_GSI_BASE + n (what the ACPI _PRT names) and to
	 * the ISA IRQ the PIIX3 PIRQ route register selects (for the PIC).
	 */
	unsigned pirq_count[4];		/* devices asserting each PIRQ */
	int pirq_gsi_level[4];		/* electrical level last driven on GSI 16+n */
	int isa_driven[16];		/* level we last drove on an ISA IRQ */
	int intx_active_low;		/* the irqchip takes electrical levels (emu's IOAPIC) */
	struct pc_virtio *pcidev[PC_MAX_PCI_DEVS];
	int nr_pcidev;

	struct piix_ide *ide;		/* 00:01.1, only with IDE disks or a CD-ROM */
	struct blk *ide_blk[4];
	struct serial *com1;
	struct rtc *rtc;
	struct i8042 *kbd;
	struct reset_ctl *rst;
	/* A20 gate: on while the 8042 output port (line 0) or port 0x92 (line 1) enables it */
	struct irq_line a20_line[2];
	int a20_in[2], a20_on;
	struct pci_bus pci;
	struct piix piix;
	struct fw_cfg *fw;
	struct acpi_pm *pm;
	struct testdev *td;
	struct vga *vga;		/* 00:02.0 unless --vga none */
	struct display_src display;	/* what front ends see of the VGA card and i8042 */
	struct display_src vga_src;	/* the VGA card's half, which display forwards to */

	/* Firmware boot (machine_pc_load_bios): shadow RAM and boot device paths. */
	struct pam pam;
	char disk_path[MAX_DISKS][48];	/* OpenFirmware path of cfg->disks[i] */
	char cdrom_path[48];
};

#endif

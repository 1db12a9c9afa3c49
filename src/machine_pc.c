/*
 * The PC board, wired in reading order: chipset and PCI, legacy ISA devices
 * at their ports and IRQs, firmware interfaces, then optional test devices.
 * The interrupt controllers belong to the engine (in-kernel under kvm,
 * user-space models under emu); devices here only drive vm->gsi[] lines.
 */
#include "machine_pc.h"
#include "config.h"
#include "core/log.h"
#include "dev/acpi_pm.h"
#include "dev/debug_exit.h"
#include "dev/fw_cfg.h"
#include "dev/i8042.h"
#include "dev/pci.h"
#include "dev/piix.h"
#include "dev/reset.h"
#include "dev/rtc_cmos.h"
#include "dev/serial16550.h"
#include "dev/testdev.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct pc_board {
	struct serial *com1;
	struct rtc *rtc;
	struct i8042 *kbd;
	struct reset_ctl *rst;
	struct pci_bus pci;
	struct piix piix;
	struct fw_cfg *fw;
	struct acpi_pm *pm;
	struct testdev *td;
};

static int map(struct bus *b, uint64_t base, uint64_t len, const struct io_ops *ops, void *o,
	       char *err, size_t errlen)
{
	int r = bus_add(b, base, len, ops, o);
	if (r)
		snprintf(err, errlen, "board: cannot map %s at %#llx: %s", ops->name,
			 (unsigned long long)base, strerror(-r));
	return r;
}

int machine_pc_build(struct vm *vm, struct chr *console, char *err, size_t errlen)
{
	struct pc_board *pc = calloc(1, sizeof(*pc));
	const struct vm_config *cfg = vm->cfg;
	uint64_t below4g = vm->mem.low_end, above4g = vm->mem.high_end ? vm->mem.high_end - LAYOUT_4G : 0;
	int r = 0;

	if (!pc)
		return -ENOMEM;
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

void machine_pc_reset(struct vm *vm)
{
	struct pc_board *pc = vm->board;
	pthread_mutex_lock(&vm->dm_lock);
	bus_reset(&vm->pio);
	bus_reset(&vm->mmio);
	for (int i = 0; pc && i < PCI_MAX_DEVFN; i++)
		if (pc->pci.dev[i])
			pci_dev_reset(pc->pci.dev[i]);
	pthread_mutex_unlock(&vm->dm_lock);
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
	free(pc);
	vm->board = NULL;
}

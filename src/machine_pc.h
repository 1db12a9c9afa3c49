/*
 * The PC board: which devices sit at which port, address and IRQ.
 */
#ifndef HVM_MACHINE_PC_H
#define HVM_MACHINE_PC_H

#include <stddef.h>

#include "core/display.h"
#include "core/vm.h"
#include "host/chr.h"

/* Wire every device onto vm's buses.  0 or -errno with a reason in err. */
int machine_pc_build(struct vm *vm, struct chr *console, char *err, size_t errlen);
/*
 * For direct kernel boots (no firmware runs): leave the VGA card in text
 * mode 3 and the user-space 8259 and 8254 as a PC BIOS leaves them after
 * POST, as guests written for BIOS-booted machines expect (the 8259/8254
 * part is a no-op where the interrupt controllers are in the kernel).
 */
void machine_pc_post_state(struct vm *vm);
/*
 * Firmware boot: map the BIOS image (len a multiple of BIOS_ALIGN, at most
 * BIOS_MAX_SIZE) just below 4 GiB and its last 128 KiB at 0xe0000 behind the
 * i440FX PAM registers, and give fw_cfg what SeaBIOS reads.  0 or -errno
 * with a reason in err.
 */
#define BIOS_ALIGN	0x10000
#define BIOS_MAX_SIZE	(16u << 20)
int machine_pc_load_bios(struct vm *vm, const void *img, size_t len, char *err, size_t errlen);
/* QEMU's debug port 0x402 writing to `out`. */
int machine_pc_add_debugcon(struct vm *vm, struct chr *out, char *err, size_t errlen);
/* The screen and input of the board for front ends, or NULL with --vga none. */
struct display_src *machine_pc_display(struct vm *vm);
/* Device reset (guest reboot). */
void machine_pc_reset(struct vm *vm);
void machine_pc_free(struct vm *vm);

#endif

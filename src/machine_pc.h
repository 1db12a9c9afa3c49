/*
 * The PC board: which devices sit at which port, address and IRQ.
 */
#ifndef HVM_MACHINE_PC_H
#define HVM_MACHINE_PC_H

#include <stddef.h>

#include "core/vm.h"
#include "host/chr.h"

/* Wire every device onto vm's buses.  0 or -errno with a reason in err. */
int machine_pc_build(struct vm *vm, struct chr *console, char *err, size_t errlen);
/*
 * For direct kernel boots (no firmware runs): leave the user-space 8259 and
 * 8254 as a PC BIOS leaves them after POST, as guests written for BIOS-booted
 * machines expect.  No-op where the interrupt controllers are in the kernel.
 */
void machine_pc_post_state(struct vm *vm);
/* Device reset (guest reboot). */
void machine_pc_reset(struct vm *vm);
void machine_pc_free(struct vm *vm);

#endif

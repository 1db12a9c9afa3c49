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
/* Device reset (guest reboot). */
void machine_pc_reset(struct vm *vm);
void machine_pc_free(struct vm *vm);

#endif

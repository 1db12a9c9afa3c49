/*
 * QEMU's isa-debugcon: a write-only byte port for firmware logs (SeaBIOS
 * writes its debug output to 0x402).  Map debugcon_ops at PORT_DEBUGCON with
 * len 1 and a `struct chr *` as opaque.
 */
#ifndef HVM_DEV_DEBUGCON_H
#define HVM_DEV_DEBUGCON_H

#include "core/bus.h"

/* What a read returns: firmware checks it to see that the port is there. */
#define DEBUGCON_READBACK	0xe9

extern const struct io_ops debugcon_ops;

#endif

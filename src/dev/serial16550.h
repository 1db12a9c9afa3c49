/*
 * NS16550A UART (one port).  Map serial_ops over 8 ports at the UART's base
 * (PORT_COM1); offsets are the datasheet's register numbers.
 */
#ifndef HVM_DEV_SERIAL16550_H
#define HVM_DEV_SERIAL16550_H

#include <stddef.h>
#include <stdint.h>

#include "core/bus.h"
#include "core/irq.h"
#include "host/chr.h"

#define UART_RX_FIFO	16

struct serial;

/*
 * `chr` may be NULL (output dropped, no input).  The UART installs itself as
 * chr's frontend; the backend must call its callbacks with the device-model
 * lock held.  `irq` is copied.
 */
struct serial *serial_new(struct chr *chr, const struct irq_line *irq);
void serial_free(struct serial *s);

extern const struct io_ops serial_ops;

#endif

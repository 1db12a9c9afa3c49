/*
 * Intel 8042 keyboard controller, minimal: enough for firmware and Linux to
 * probe it, to reset the machine (command 0xfe) and to gate A20.  Map
 * i8042_data_ops at PORT_I8042_DATA (len 1) and i8042_cmd_ops at
 * PORT_I8042_CMD (len 1), both with the same opaque.
 */
#ifndef HVM_DEV_I8042_H
#define HVM_DEV_I8042_H

#include <stddef.h>
#include <stdint.h>

#include "core/bus.h"
#include "core/irq.h"
#include "core/vmctl.h"

struct i8042;

/* kbd_irq (IRQ 1) and aux_irq (IRQ 12, may be NULL) are copied. */
struct i8042 *i8042_new(const struct vm_ctl *ctl, const struct irq_line *kbd_irq,
			const struct irq_line *aux_irq);
void i8042_free(struct i8042 *k);

/* Seam for a keyboard backend: queue scan-code bytes for the guest.  Returns bytes queued. */
size_t i8042_kbd_input(struct i8042 *k, const uint8_t *codes, size_t n);
/* A20 gate as last set through the output port (command 0xd1). */
int i8042_a20(const struct i8042 *k);

extern const struct io_ops i8042_data_ops;
extern const struct io_ops i8042_cmd_ops;

#endif

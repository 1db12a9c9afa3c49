/*
 * Intel 8042 keyboard controller with a PS/2 keyboard (dev/ps2kbd.c) on its
 * first port and a PS/2 mouse (dev/ps2mouse.c) on its aux port.  Map
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

/*
 * Host keyboard: a key went down/up.  code is a scan-code set 1 make code,
 * 0xe0xx for extended keys, 0xe11d45 for Pause (as in core/display.h); the
 * keyboard sends it in its active scan-code set.
 */
void i8042_key(struct i8042 *k, unsigned code, int down);
/* Host mouse: relative motion (dy + = down, dz + = wheel down), buttons bit 0 left, 1 right, 2 middle. */
void i8042_mouse(struct i8042 *k, int dx, int dy, int dz, unsigned buttons);
/* A20 gate as last set through the output port (command 0xd1). */
int i8042_a20(const struct i8042 *k);
/* Drive a20 with output port bit 1 on every change (and 1 on reset). */
void i8042_set_a20_line(struct i8042 *k, const struct irq_line *a20);

extern const struct io_ops i8042_data_ops;
extern const struct io_ops i8042_cmd_ops;

#endif

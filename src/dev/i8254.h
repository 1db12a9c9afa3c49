/*
 * Intel 8254 programmable interval timer at 0x40-0x43 and the PC's port 0x61
 * (speaker gate / OUT2 / refresh toggle; no sound).  Map i8254_ops (len 4) at
 * PORT_PIT and i8254_port61_ops (len 1) at 0x61, with the pit as opaque.
 * Callers hold the device-model lock; timer callbacks run with it held.
 */
#ifndef HVM_DEV_I8254_H
#define HVM_DEV_I8254_H

#include <stdint.h>

#include "core/bus.h"
#include "core/clock.h"
#include "core/irq.h"

#define PIT_FREQ_HZ	1193182ULL
#define PORT_SYS_CTRL_B	0x61

struct i8254;

/* irq0 (copied) is driven by counter 0's OUT.  NULL on allocation failure. */
struct i8254 *i8254_new(struct clock *clk, const struct irq_line *irq0);
void i8254_free(struct i8254 *pit);
void i8254_reset(struct i8254 *pit);

extern const struct io_ops i8254_ops;
extern const struct io_ops i8254_port61_ops;

#endif

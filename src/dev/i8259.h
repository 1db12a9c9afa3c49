/*
 * Intel 8259A programmable interrupt controller pair (master at 0x20, slave at
 * 0xa0 cascaded on IRQ 2) plus the PIIX ELCR edge/level registers at 0x4d0.
 * Map i8259_master_ops (len 2) at PORT_PIC_MASTER, i8259_slave_ops (len 2) at
 * PORT_PIC_SLAVE and i8259_elcr_ops (len 2) at PORT_ELCR, all with the pic as
 * opaque.  Callers hold the device-model lock.
 */
#ifndef HVM_DEV_I8259_H
#define HVM_DEV_I8259_H

#include "core/bus.h"

struct i8259;

/*
 * notify(opaque) is called whenever the master's INT output may have changed
 * (either direction); the router uses it to kick the CPU.  NULL is allowed.
 */
struct i8259 *i8259_new(void (*notify)(void *opaque), void *opaque);
void i8259_free(struct i8259 *pic);
void i8259_reset(struct i8259 *pic);

/* Drive IRQ input 0..15 (8..15 are the slave's) to level; others ignored. */
void i8259_set_irq(struct i8259 *pic, unsigned irq, int level);
/* Level of the master's INT output. */
int i8259_has_int(const struct i8259 *pic);
/* One INTA cycle: the vector the CPU would read (spurious IRQ 7/15 if the request went away). */
int i8259_ack(struct i8259 *pic);

extern const struct io_ops i8259_master_ops;
extern const struct io_ops i8259_slave_ops;
extern const struct io_ops i8259_elcr_ops;

#endif

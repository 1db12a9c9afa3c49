/*
 * Intel 8042 keyboard controller with a PS/2 keyboard behind it, after the
 * IBM PC/AT Technical Reference (8042 commands, status register, command
 * byte, output port) and the usual PS/2 keyboard command set.
 *
 * Implemented: status register (OBF, SYS, CMD/DATA, unlocked), command byte
 * read/write (0x20/0x60), keyboard/aux enable and disable (0xad/0xae,
 * 0xa7/0xa8), self tests (0xaa -> 0x55, 0xab/0xa9 -> 0x00), output port
 * read/write (0xd0/0xd1: bit 0 low resets, bit 1 is A20), writes into the
 * output buffer (0xd2/0xd3), pulse output lines (0xf0-0xff: reset when bit 0
 * is pulsed, e.g. 0xfe).  Keyboard commands answer as an MF2 keyboard:
 * 0xff reset, 0xf2 identify, 0xf4/0xf5/0xf6, 0xed LEDs, 0xf3 typematic,
 * 0xf0 scan-code set, 0xee echo; unknown ones get 0xfe (resend).
 * IRQ 1 / IRQ 12 follow the output buffer when the command byte enables them.
 *
 * Not emulated (seams left for the full keyboard/mouse work): the PS/2
 * mouse (bytes written with 0xd4 are dropped), scan-code translation (bit 6
 * of the command byte is stored only), typematic repeat, the A20 mask itself.
 */
#include "dev/i8042.h"

#include <stdlib.h>

#define I8042_QUEUE	16

#define STAT_OBF	0x01
#define STAT_SYS	0x04
#define STAT_CMD	0x08	/* last write went to the command port */
#define STAT_UNLOCKED	0x10
#define STAT_AUX_OBF	0x20

#define CB_KBD_INT	0x01
#define CB_AUX_INT	0x02
#define CB_SYS		0x04
#define CB_KBD_DISABLE	0x10
#define CB_AUX_DISABLE	0x20
#define CB_XLATE	0x40
#define CB_DEFAULT	(CB_KBD_INT | CB_SYS | CB_XLATE)

#define OUT_RESET	0x01	/* low = hold the CPU in reset */
#define OUT_A20		0x02
#define OUT_DEFAULT	(OUT_RESET | OUT_A20)

#define KBD_ACK		0xfa
#define KBD_RESEND	0xfe
#define KBD_BAT_OK	0xaa

struct i8042 {
	const struct vm_ctl *ctl;
	struct irq_line kbd_irq, aux_irq;
	uint8_t q[I8042_QUEUE];
	uint8_t q_aux[I8042_QUEUE];	/* 1 if the byte came from the aux side */
	unsigned q_head, q_count;
	uint8_t cb;		/* command byte */
	uint8_t outport;
	uint8_t cmd_wait;	/* controller command waiting for its data byte, or 0 */
	uint8_t kbd_wait;	/* keyboard command waiting for its parameter, or 0 */
	uint8_t last_port_cmd;	/* STAT_CMD state */
	uint8_t scanning;	/* keyboard enabled by 0xf4 */
	uint8_t scan_set;
};

static void i8042_update_irq(struct i8042 *k)
{
	int kbd = 0, aux = 0;
	if (k->q_count) {
		if (k->q_aux[k->q_head])
			aux = !!(k->cb & CB_AUX_INT);
		else
			kbd = !!(k->cb & CB_KBD_INT);
	}
	irq_set(&k->kbd_irq, kbd);
	irq_set(&k->aux_irq, aux);
}

static void q_push(struct i8042 *k, uint8_t b, int aux)
{
	if (k->q_count >= I8042_QUEUE)
		return;		/* a real keyboard would report overrun; dropping is enough */
	unsigned i = (k->q_head + k->q_count) % I8042_QUEUE;
	k->q[i] = b;
	k->q_aux[i] = (uint8_t)aux;
	k->q_count++;
}

static uint8_t i8042_status(const struct i8042 *k)
{
	uint8_t s = STAT_UNLOCKED | k->last_port_cmd;
	if (k->cb & CB_SYS)
		s |= STAT_SYS;
	if (k->q_count) {
		s |= STAT_OBF;
		if (k->q_aux[k->q_head])
			s |= STAT_AUX_OBF;
	}
	return s;
}

static void kbd_reset_state(struct i8042 *k)
{
	k->scanning = 1;
	k->scan_set = 2;
	k->kbd_wait = 0;
}

static void kbd_param(struct i8042 *k, uint8_t v)
{
	uint8_t cmd = k->kbd_wait;
	k->kbd_wait = 0;
	q_push(k, KBD_ACK, 0);
	if (cmd == 0xf0) {
		if (v == 0)
			q_push(k, k->scan_set, 0);
		else if (v <= 3)
			k->scan_set = v;
	}
	/* 0xed LEDs and 0xf3 typematic: nothing to show or repeat. */
}

static void kbd_command(struct i8042 *k, uint8_t v)
{
	if (k->kbd_wait) {
		kbd_param(k, v);
		return;
	}
	switch (v) {
	case 0xff:		/* reset and self test */
		kbd_reset_state(k);
		q_push(k, KBD_ACK, 0);
		q_push(k, KBD_BAT_OK, 0);
		break;
	case 0xf2:		/* identify: MF2, as the controller reports it */
		q_push(k, KBD_ACK, 0);
		q_push(k, 0xab, 0);
		q_push(k, (k->cb & CB_XLATE) ? 0x41 : 0x83, 0);
		break;
	case 0xf4:
		k->scanning = 1;
		q_push(k, KBD_ACK, 0);
		break;
	case 0xf5:		/* disable and restore defaults */
		kbd_reset_state(k);
		k->scanning = 0;
		q_push(k, KBD_ACK, 0);
		break;
	case 0xf6:
		kbd_reset_state(k);
		q_push(k, KBD_ACK, 0);
		break;
	case 0xed:
	case 0xf3:
	case 0xf0:
		k->kbd_wait = v;
		q_push(k, KBD_ACK, 0);
		break;
	case 0xee:
		q_push(k, 0xee, 0);	/* echo is answered without an ack */
		break;
	default:
		q_push(k, KBD_RESEND, 0);
		break;
	}
}

static void write_outport(struct i8042 *k, uint8_t v)
{
	k->outport = v;
	if (!(v & OUT_RESET))
		vmctl_request(k->ctl, VMREQ_RESET, 0, "i8042 reset (output port)");
}

static void data_write(struct i8042 *k, uint8_t v)
{
	uint8_t cmd = k->cmd_wait;
	k->cmd_wait = 0;
	k->last_port_cmd = 0;

	switch (cmd) {
	case 0x60:
		k->cb = v;
		break;
	case 0xd1:
		write_outport(k, v);
		break;
	case 0xd2:
		q_push(k, v, 0);
		break;
	case 0xd3:
		q_push(k, v, 1);
		break;
	case 0xd4:
		break;		/* no mouse yet */
	default:
		kbd_command(k, v);
		break;
	}
}

static void cmd_write(struct i8042 *k, uint8_t v)
{
	k->last_port_cmd = STAT_CMD;
	k->cmd_wait = 0;

	if (v >= 0xf0) {
		/* Pulse output-port lines whose bit is 0; line 0 is the CPU reset. */
		if (!(v & 1))
			vmctl_request(k->ctl, VMREQ_RESET, 0, "i8042 reset (0xfe)");
		return;
	}
	switch (v) {
	case 0x20:
		q_push(k, k->cb, 0);
		break;
	case 0x60:
	case 0xd1:
	case 0xd2:
	case 0xd3:
	case 0xd4:
		k->cmd_wait = v;
		break;
	case 0xa7:
		k->cb |= CB_AUX_DISABLE;
		break;
	case 0xa8:
		k->cb &= (uint8_t)~CB_AUX_DISABLE;
		break;
	case 0xa9:		/* aux interface test: no fault */
	case 0xab:		/* keyboard interface test: no fault */
		q_push(k, 0x00, 0);
		break;
	case 0xaa:		/* controller self test */
		q_push(k, 0x55, 0);
		break;
	case 0xad:
		k->cb |= CB_KBD_DISABLE;
		break;
	case 0xae:
		k->cb &= (uint8_t)~CB_KBD_DISABLE;
		break;
	case 0xd0:
		q_push(k, k->outport, 0);
		break;
	default:
		break;		/* unknown controller commands are ignored */
	}
}

static uint64_t i8042_data_read(void *opaque, uint64_t off, unsigned size)
{
	struct i8042 *k = opaque;
	if (!k->q_count)
		return 0;	/* nothing queued */
	uint8_t b = k->q[k->q_head];
	k->q_head = (k->q_head + 1) % I8042_QUEUE;
	k->q_count--;
	/* Drop the line first so the next byte makes a fresh edge at the PIC. */
	irq_lower(&k->kbd_irq);
	irq_lower(&k->aux_irq);
	i8042_update_irq(k);
	return b;
}

static void i8042_data_write(void *opaque, uint64_t off, unsigned size, uint64_t val)
{
	struct i8042 *k = opaque;
	data_write(k, (uint8_t)val);
	i8042_update_irq(k);
}

static uint64_t i8042_cmd_read(void *opaque, uint64_t off, unsigned size)
{
	return i8042_status(opaque);
}

static void i8042_cmd_write(void *opaque, uint64_t off, unsigned size, uint64_t val)
{
	struct i8042 *k = opaque;
	cmd_write(k, (uint8_t)val);
	i8042_update_irq(k);
}

static void i8042_reset(void *opaque)
{
	struct i8042 *k = opaque;
	k->q_head = k->q_count = 0;
	k->cb = CB_DEFAULT;
	k->outport = OUT_DEFAULT;
	k->cmd_wait = 0;
	k->last_port_cmd = 0;
	kbd_reset_state(k);
	i8042_update_irq(k);
}

size_t i8042_kbd_input(struct i8042 *k, const uint8_t *codes, size_t n)
{
	size_t done = 0;
	if (!k->scanning || (k->cb & CB_KBD_DISABLE))
		return 0;
	while (done < n && k->q_count < I8042_QUEUE)
		q_push(k, codes[done++], 0);
	i8042_update_irq(k);
	return done;
}

int i8042_a20(const struct i8042 *k)
{
	return !!(k->outport & OUT_A20);
}

struct i8042 *i8042_new(const struct vm_ctl *ctl, const struct irq_line *kbd_irq,
			const struct irq_line *aux_irq)
{
	struct i8042 *k = calloc(1, sizeof(*k));
	if (!k)
		return NULL;
	k->ctl = ctl;
	if (kbd_irq)
		k->kbd_irq = *kbd_irq;
	if (aux_irq)
		k->aux_irq = *aux_irq;
	i8042_reset(k);
	return k;
}

void i8042_free(struct i8042 *k)
{
	free(k);
}

const struct io_ops i8042_data_ops = {
	.name = "i8042-data",
	.read = i8042_data_read,
	.write = i8042_data_write,
	.reset = i8042_reset,
};

/* Same state as i8042_data_ops; its reset runs from there. */
const struct io_ops i8042_cmd_ops = {
	.name = "i8042-cmd",
	.read = i8042_cmd_read,
	.write = i8042_cmd_write,
};

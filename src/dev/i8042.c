/*
 * Intel 8042 keyboard controller, after the IBM PC/AT and PS/2 technical
 * references (8042 commands, status register, command byte, output port).
 * The keyboard and the mouse are separate devices (ps2kbd.c, ps2mouse.c),
 * each with its own queue; the controller has one output buffer byte, which
 * it fills from its own replies first, then from the keyboard, then from the
 * mouse, each only while its interface is enabled in the command byte.
 *
 * Status: OBF (bit 0), IBF (bit 1, always clear: writes never wait), SYS
 * (command byte bit 2), CMD/DATA (last write went to port 0x64), unlocked,
 * AUX OBF (bit 5).  Command byte (controller RAM byte 0): bit 0 IRQ 1, bit 1
 * IRQ 12, bit 2 SYS, bit 4 keyboard disabled, bit 5 aux disabled, bit 6
 * translate set 2 to set 1.
 *
 * Commands: 0x20-0x3f read RAM (0x20 = command byte), 0x60-0x7f write RAM,
 * 0xa4 password test (none), 0xa7/0xa8 aux disable/enable, 0xa9 aux test,
 * 0xaa self test (0x55), 0xab keyboard test, 0xad/0xae keyboard
 * disable/enable, 0xc0 input port, 0xd0/0xd1 output port (bit 0 low resets,
 * bit 1 is A20), 0xd2/0xd3 write the keyboard/aux output buffer, 0xd4 next
 * byte to the mouse, 0xf0-0xff pulse output lines (bit 0 clear: reset).
 * Anything else is ignored.  Output port bit 1 drives the board's A20 line.
 * Not emulated: timeouts and parity errors.
 */
#include "dev/i8042.h"
#include "dev/ps2kbd.h"
#include "dev/ps2mouse.h"

#include <stdlib.h>

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

#define RAM_SIZE	32
#define CTL_QUEUE	16

struct i8042 {
	const struct vm_ctl *ctl;
	struct irq_line kbd_irq, aux_irq;
	struct ps2kbd kbd;
	struct ps2mouse mouse;
	/* Controller replies and 0xd2/0xd3 bytes, ahead of the devices. */
	uint8_t cq[CTL_QUEUE], cq_aux[CTL_QUEUE];
	unsigned cq_head, cq_count;
	uint8_t out, out_full, out_aux;	/* the output buffer */
	uint8_t ram[RAM_SIZE];		/* ram[0] is the command byte */
	uint8_t outport;
	const struct irq_line *a20;	/* output port bit 1, to the board's A20 gate */
	uint8_t cmd_wait;	/* controller command waiting for its data byte, or 0 */
	uint8_t last_port_cmd;	/* STAT_CMD state */
	uint8_t xlate_break;	/* translation saw 0xf0: set bit 7 of the next byte */
};

#define CB(k) ((k)->ram[0])

static void cq_push(struct i8042 *k, uint8_t b, int aux)
{
	if (k->cq_count >= CTL_QUEUE)
		return;		/* the guest floods its own replies: drop */
	unsigned i = (k->cq_head + k->cq_count) % CTL_QUEUE;
	k->cq[i] = b;
	k->cq_aux[i] = (uint8_t)aux;
	k->cq_count++;
}

static void update_irq(struct i8042 *k)
{
	irq_set(&k->kbd_irq, k->out_full && !k->out_aux && (CB(k) & CB_KBD_INT));
	irq_set(&k->aux_irq, k->out_full && k->out_aux && (CB(k) & CB_AUX_INT));
}

static void set_out(struct i8042 *k, uint8_t v, int aux)
{
	k->out = v;
	k->out_full = 1;
	k->out_aux = (uint8_t)aux;
}

/* Fill an empty output buffer from the controller, keyboard or mouse. */
static void fill(struct i8042 *k)
{
	while (!k->out_full) {
		if (k->cq_count) {
			set_out(k, k->cq[k->cq_head], k->cq_aux[k->cq_head]);
			k->cq_head = (k->cq_head + 1) % CTL_QUEUE;
			k->cq_count--;
		} else if (!(CB(k) & CB_KBD_DISABLE) && ps2kbd_pending(&k->kbd)) {
			uint8_t v = (uint8_t)ps2kbd_read(&k->kbd);
			if (CB(k) & CB_XLATE) {
				if (v == 0xf0) {
					k->xlate_break = 1;
					continue;
				}
				v = ps2_xlate_set2(v) | (k->xlate_break ? 0x80 : 0);
				k->xlate_break = 0;
			}
			set_out(k, v, 0);
		} else if (!(CB(k) & CB_AUX_DISABLE) && ps2mouse_pending(&k->mouse)) {
			set_out(k, (uint8_t)ps2mouse_read(&k->mouse), 1);
		} else {
			break;
		}
	}
	update_irq(k);
}

static uint8_t i8042_status(const struct i8042 *k)
{
	uint8_t s = STAT_UNLOCKED | k->last_port_cmd;
	if (CB(k) & CB_SYS)
		s |= STAT_SYS;
	if (k->out_full) {
		s |= STAT_OBF;
		if (k->out_aux)
			s |= STAT_AUX_OBF;
	}
	return s;
}

static void write_outport(struct i8042 *k, uint8_t v)
{
	k->outport = v;
	irq_set(k->a20, !!(v & OUT_A20));
	if (!(v & OUT_RESET))
		vmctl_request(k->ctl, VMREQ_RESET, 0, "i8042 reset (output port)");
}

static void data_write(struct i8042 *k, uint8_t v)
{
	uint8_t cmd = k->cmd_wait;
	k->cmd_wait = 0;
	k->last_port_cmd = 0;

	if (cmd >= 0x60 && cmd < 0x60 + RAM_SIZE) {
		k->ram[cmd - 0x60] = v;
		return;
	}
	switch (cmd) {
	case 0xd1:
		write_outport(k, v);
		break;
	case 0xd2:
		cq_push(k, v, 0);
		break;
	case 0xd3:
		cq_push(k, v, 1);
		break;
	case 0xd4:
		ps2mouse_write(&k->mouse, v);
		break;
	default:
		ps2kbd_write(&k->kbd, v);
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
	if (v >= 0x20 && v < 0x20 + RAM_SIZE) {
		cq_push(k, k->ram[v - 0x20], 0);
		return;
	}
	if ((v >= 0x60 && v < 0x60 + RAM_SIZE) || (v >= 0xd1 && v <= 0xd4)) {
		k->cmd_wait = v;
		return;
	}
	switch (v) {
	case 0xa4:		/* password installed? 0xf1: no */
		cq_push(k, 0xf1, 0);
		break;
	case 0xa7:
		CB(k) |= CB_AUX_DISABLE;
		break;
	case 0xa8:
		CB(k) &= (uint8_t)~CB_AUX_DISABLE;
		break;
	case 0xa9:		/* aux interface test: no fault */
	case 0xab:		/* keyboard interface test: no fault */
		cq_push(k, 0x00, 0);
		break;
	case 0xaa:		/* controller self test */
		CB(k) |= CB_SYS;
		cq_push(k, 0x55, 0);
		break;
	case 0xad:
		CB(k) |= CB_KBD_DISABLE;
		break;
	case 0xae:
		CB(k) &= (uint8_t)~CB_KBD_DISABLE;
		break;
	case 0xc0:		/* input port: keyboard not inhibited */
		cq_push(k, 0x80, 0);
		break;
	case 0xd0:
		cq_push(k, k->outport, 0);
		break;
	default:
		break;		/* unknown controller commands are ignored */
	}
}

static uint64_t i8042_data_read(void *opaque, uint64_t off, unsigned size)
{
	struct i8042 *k = opaque;
	uint8_t b = k->out;	/* an empty buffer reads the last byte again */

	if (k->out_full) {
		k->out_full = 0;
		/* Drop the lines first so the next byte makes a fresh edge at the PIC. */
		irq_lower(&k->kbd_irq);
		irq_lower(&k->aux_irq);
		fill(k);
	}
	return b;
}

static void i8042_data_write(void *opaque, uint64_t off, unsigned size, uint64_t val)
{
	struct i8042 *k = opaque;
	data_write(k, (uint8_t)val);
	fill(k);
}

static uint64_t i8042_cmd_read(void *opaque, uint64_t off, unsigned size)
{
	return i8042_status(opaque);
}

static void i8042_cmd_write(void *opaque, uint64_t off, unsigned size, uint64_t val)
{
	struct i8042 *k = opaque;
	cmd_write(k, (uint8_t)val);
	fill(k);
}

static void i8042_reset(void *opaque)
{
	struct i8042 *k = opaque;
	k->cq_head = k->cq_count = 0;
	k->out = k->out_full = k->out_aux = 0;
	for (unsigned i = 0; i < RAM_SIZE; i++)
		k->ram[i] = 0;
	CB(k) = CB_DEFAULT;
	k->outport = OUT_DEFAULT;
	irq_set(k->a20, 1);
	k->cmd_wait = 0;
	k->last_port_cmd = 0;
	k->xlate_break = 0;
	ps2kbd_reset(&k->kbd);
	ps2mouse_reset(&k->mouse);
	update_irq(k);
}

void i8042_key(struct i8042 *k, unsigned code, int down)
{
	ps2kbd_key(&k->kbd, code, down);
	fill(k);
}

void i8042_mouse(struct i8042 *k, int dx, int dy, int dz, unsigned buttons)
{
	ps2mouse_move(&k->mouse, dx, dy, dz, buttons);
	fill(k);
}

void i8042_set_a20_line(struct i8042 *k, const struct irq_line *a20)
{
	k->a20 = a20;
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

/*
 * Character backend: what a UART (or any byte-stream device) talks to.
 * Output is pushed with chr_write; input is delivered to the frontend's
 * receive callback, never more bytes than its can_receive said it accepts.
 */
#ifndef HVM_CHR_H
#define HVM_CHR_H

#include <stddef.h>
#include <stdint.h>

struct chr;

struct chr_frontend {
	/* How many bytes the device can take now (e.g. free RX FIFO slots). */
	size_t (*can_receive)(void *opaque);
	void (*receive)(void *opaque, const uint8_t *buf, size_t len);
	void *opaque;
};

struct chr_ops {
	/* Write all of buf (blocking if the host side is slow: output is never dropped). */
	void (*write)(struct chr *c, const uint8_t *buf, size_t len);
	void (*close)(struct chr *c);
};

struct chr {
	const struct chr_ops *ops;
	struct chr_frontend fe;
	/* Set by the frontend when can_receive goes from 0 to >0; the backend retries input. */
	void (*kick)(struct chr *c);
};

static inline void chr_write(struct chr *c, const uint8_t *buf, size_t len)
{
	if (c && c->ops->write)
		c->ops->write(c, buf, len);
}

static inline void chr_set_frontend(struct chr *c, const struct chr_frontend *fe)
{
	if (c)
		c->fe = *fe;
}

/* Called by the device when it can accept input again. */
static inline void chr_accept_input(struct chr *c)
{
	if (c && c->kick)
		c->kick(c);
}

#endif

/* A character backend that keeps what the device wrote and feeds scripted input. */
#include "fake/fake.h"

#include <string.h>

static void fake_chr_write(struct chr *c, const uint8_t *buf, size_t len)
{
	struct fake_chr *fc = (struct fake_chr *)c;
	for (size_t i = 0; i < len && fc->out_len < FAKE_CHR_OUT; i++)
		fc->out[fc->out_len++] = buf[i];
}

static void fake_chr_kick(struct chr *c)
{
	((struct fake_chr *)c)->kicks++;
}

static const struct chr_ops fake_chr_ops = {
	.write = fake_chr_write,
};

void fake_chr_init(struct fake_chr *fc)
{
	memset(fc, 0, sizeof(*fc));
	fc->c.ops = &fake_chr_ops;
	fc->c.kick = fake_chr_kick;
}

size_t fake_chr_input(struct fake_chr *fc, const void *buf, size_t len)
{
	struct chr_frontend *fe = &fc->c.fe;
	if (!fe->can_receive || !fe->receive)
		return 0;
	size_t n = fe->can_receive(fe->opaque);
	if (n > len)
		n = len;
	if (n)
		fe->receive(fe->opaque, buf, n);
	return n;
}

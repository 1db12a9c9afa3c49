/*
 * emu: MMX/SSE2 packed-integer arithmetic (Intel SDM vol. 2, the PADD..PXOR,
 * PCMP, PUNPCK, PACK, PMUL, PAVG, PMIN/PMAX, PSADBW and shift pages).  Pure
 * C on a 16-byte union; width 8 is the MMX form, 16 the 66-prefixed XMM form.
 * Operand fetch, alignment and register files are sse.c's job.
 */
#include "engine/emu/fpu.h"

static int16_t sat16(int32_t v)
{
	return v > 32767 ? 32767 : v < -32768 ? -32768 : (int16_t)v;
}

static int8_t sat8(int32_t v)
{
	return v > 127 ? 127 : v < -128 ? -128 : (int8_t)v;
}

static uint8_t usat8(int32_t v)
{
	return v > 255 ? 255 : v < 0 ? 0 : (uint8_t)v;
}

static uint16_t usat16(int32_t v)
{
	return v > 65535 ? 65535 : v < 0 ? 0 : (uint16_t)v;
}

/* Interleave the low (hi = 0) or high halves of d and s in esize-byte units. */
static void unpack(union vec *d, const union vec *s, unsigned w, unsigned esize, int hi)
{
	union vec r;
	unsigned half = w / 2, n = half / esize;

	for (unsigned i = 0; i < n; i++) {
		memcpy(&r.b[2 * i * esize], &d->b[(hi ? half : 0) + i * esize], esize);
		memcpy(&r.b[(2 * i + 1) * esize], &s->b[(hi ? half : 0) + i * esize], esize);
	}
	memcpy(d->b, r.b, w);
}

static void pack(union vec *d, const union vec *s, unsigned w, int kind)
{
	union vec r;

	switch (kind) {
	case 0:		/* PACKSSWB */
		for (unsigned i = 0; i < w / 2; i++) {
			r.sb[i] = sat8(d->sw[i]);
			r.sb[i + w / 2] = sat8(s->sw[i]);
		}
		break;
	case 1:		/* PACKUSWB */
		for (unsigned i = 0; i < w / 2; i++) {
			r.b[i] = usat8(d->sw[i]);
			r.b[i + w / 2] = usat8(s->sw[i]);
		}
		break;
	default:	/* PACKSSDW */
		for (unsigned i = 0; i < w / 4; i++) {
			r.sw[i] = sat16(d->sd[i]);
			r.sw[i + w / 4] = sat16(s->sd[i]);
		}
		break;
	}
	memcpy(d->b, r.b, w);
}

int sse_int_op(uint8_t op, unsigned w, union vec *d, const union vec *s, uint8_t imm)
{
	unsigned nb = w, nw = w / 2, nd = w / 4, nq = w / 8;
	union vec r;

	switch (op) {
	case 0x60: unpack(d, s, w, 1, 0); break;
	case 0x61: unpack(d, s, w, 2, 0); break;
	case 0x62: unpack(d, s, w, 4, 0); break;
	case 0x63: pack(d, s, w, 0); break;
	case 0x64: for (unsigned i = 0; i < nb; i++) d->b[i] = d->sb[i] > s->sb[i] ? 0xff : 0; break;
	case 0x65: for (unsigned i = 0; i < nw; i++) d->w[i] = d->sw[i] > s->sw[i] ? 0xffff : 0; break;
	case 0x66: for (unsigned i = 0; i < nd; i++) d->d[i] = d->sd[i] > s->sd[i] ? ~0u : 0; break;
	case 0x67: pack(d, s, w, 1); break;
	case 0x68: unpack(d, s, w, 1, 1); break;
	case 0x69: unpack(d, s, w, 2, 1); break;
	case 0x6a: unpack(d, s, w, 4, 1); break;
	case 0x6b: pack(d, s, w, 2); break;
	case 0x6c: if (w != 16) return -1; unpack(d, s, w, 8, 0); break;
	case 0x6d: if (w != 16) return -1; unpack(d, s, w, 8, 1); break;
	case 0x74: for (unsigned i = 0; i < nb; i++) d->b[i] = d->b[i] == s->b[i] ? 0xff : 0; break;
	case 0x75: for (unsigned i = 0; i < nw; i++) d->w[i] = d->w[i] == s->w[i] ? 0xffff : 0; break;
	case 0x76: for (unsigned i = 0; i < nd; i++) d->d[i] = d->d[i] == s->d[i] ? ~0u : 0; break;
	case 0xd4: for (unsigned i = 0; i < nq; i++) d->q[i] += s->q[i]; break;
	case 0xd5: for (unsigned i = 0; i < nw; i++) d->w[i] = (uint16_t)(d->sw[i] * s->sw[i]); break;
	case 0xd8: for (unsigned i = 0; i < nb; i++) d->b[i] = usat8(d->b[i] - s->b[i]); break;
	case 0xd9: for (unsigned i = 0; i < nw; i++) d->w[i] = usat16(d->w[i] - s->w[i]); break;
	case 0xda: for (unsigned i = 0; i < nb; i++) if (s->b[i] < d->b[i]) d->b[i] = s->b[i]; break;
	case 0xdb: for (unsigned i = 0; i < nq; i++) d->q[i] &= s->q[i]; break;
	case 0xdc: for (unsigned i = 0; i < nb; i++) d->b[i] = usat8(d->b[i] + s->b[i]); break;
	case 0xdd: for (unsigned i = 0; i < nw; i++) d->w[i] = usat16(d->w[i] + s->w[i]); break;
	case 0xde: for (unsigned i = 0; i < nb; i++) if (s->b[i] > d->b[i]) d->b[i] = s->b[i]; break;
	case 0xdf: for (unsigned i = 0; i < nq; i++) d->q[i] = ~d->q[i] & s->q[i]; break;
	case 0xe0: for (unsigned i = 0; i < nb; i++) d->b[i] = (uint8_t)((d->b[i] + s->b[i] + 1) >> 1); break;
	case 0xe3: for (unsigned i = 0; i < nw; i++) d->w[i] = (uint16_t)((d->w[i] + s->w[i] + 1u) >> 1); break;
	case 0xe4: for (unsigned i = 0; i < nw; i++) d->w[i] = (uint16_t)(((uint32_t)d->w[i] * s->w[i]) >> 16); break;
	case 0xe5: for (unsigned i = 0; i < nw; i++) d->w[i] = (uint16_t)(((int32_t)d->sw[i] * s->sw[i]) >> 16); break;
	case 0xe8: for (unsigned i = 0; i < nb; i++) d->sb[i] = sat8(d->sb[i] - s->sb[i]); break;
	case 0xe9: for (unsigned i = 0; i < nw; i++) d->sw[i] = sat16(d->sw[i] - s->sw[i]); break;
	case 0xea: for (unsigned i = 0; i < nw; i++) if (s->sw[i] < d->sw[i]) d->sw[i] = s->sw[i]; break;
	case 0xeb: for (unsigned i = 0; i < nq; i++) d->q[i] |= s->q[i]; break;
	case 0xec: for (unsigned i = 0; i < nb; i++) d->sb[i] = sat8(d->sb[i] + s->sb[i]); break;
	case 0xed: for (unsigned i = 0; i < nw; i++) d->sw[i] = sat16(d->sw[i] + s->sw[i]); break;
	case 0xee: for (unsigned i = 0; i < nw; i++) if (s->sw[i] > d->sw[i]) d->sw[i] = s->sw[i]; break;
	case 0xef: for (unsigned i = 0; i < nq; i++) d->q[i] ^= s->q[i]; break;
	case 0xf4: for (unsigned i = 0; i < nq; i++) d->q[i] = (uint64_t)d->d[2 * i] * s->d[2 * i]; break;
	case 0xf5:
		for (unsigned i = 0; i < nd; i++)
			d->d[i] = (uint32_t)((int32_t)d->sw[2 * i] * s->sw[2 * i] +
					     (uint32_t)((int32_t)d->sw[2 * i + 1] * s->sw[2 * i + 1]));
		break;
	case 0xf6:
		for (unsigned i = 0; i < nq; i++) {
			unsigned sum = 0;
			for (unsigned j = 0; j < 8; j++) {
				int v = d->b[8 * i + j] - s->b[8 * i + j];
				sum += v < 0 ? -v : v;
			}
			d->q[i] = sum;
		}
		break;
	case 0xf8: for (unsigned i = 0; i < nb; i++) d->b[i] -= s->b[i]; break;
	case 0xf9: for (unsigned i = 0; i < nw; i++) d->w[i] -= s->w[i]; break;
	case 0xfa: for (unsigned i = 0; i < nd; i++) d->d[i] -= s->d[i]; break;
	case 0xfb: for (unsigned i = 0; i < nq; i++) d->q[i] -= s->q[i]; break;
	case 0xfc: for (unsigned i = 0; i < nb; i++) d->b[i] += s->b[i]; break;
	case 0xfd: for (unsigned i = 0; i < nw; i++) d->w[i] += s->w[i]; break;
	case 0xfe: for (unsigned i = 0; i < nd; i++) d->d[i] += s->d[i]; break;
	case 0x70:	/* PSHUFW (w 8) / PSHUFD (w 16); the F3/F2 halves are sse.c's */
		if (w == 8)
			for (unsigned i = 0; i < 4; i++)
				r.w[i] = s->w[(imm >> (2 * i)) & 3];
		else
			for (unsigned i = 0; i < 4; i++)
				r.d[i] = s->d[(imm >> (2 * i)) & 3];
		memcpy(d->b, r.b, w);
		break;
	default:
		return -1;
	}
	return 0;
}

void sse_shift(int kind, unsigned esize, unsigned w, union vec *d, uint64_t count)
{
	unsigned bits = esize * 8, n = w / esize;

	if (kind == SH_SRLDQ || kind == SH_SLLDQ) {
		union vec r = { .q = { 0, 0 } };
		unsigned c = count > 16 ? 16 : (unsigned)count;

		if (kind == SH_SRLDQ)
			memcpy(r.b, d->b + c, 16 - c);
		else
			memcpy(r.b + c, d->b, 16 - c);
		*d = r;
		return;
	}
	for (unsigned i = 0; i < n; i++) {
		uint64_t v = 0;
		int64_t sv;

		memcpy(&v, d->b + i * esize, esize);
		switch (kind) {
		case SH_SRL:
			v = count >= bits ? 0 : v >> count;
			break;
		case SH_SLL:
			v = count >= bits ? 0 : v << count;
			break;
		default:	/* SRA: a count past the width fills with the sign */
			sv = (int64_t)(v << (64 - bits)) >> (64 - bits);
			v = (uint64_t)(sv >> (count >= bits ? bits - 1 : count));
			break;
		}
		memcpy(d->b + i * esize, &v, esize);
	}
}

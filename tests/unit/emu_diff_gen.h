/*
 * Differential CPU test: random user-mode instructions (64-bit mode) with
 * random registers, flags, memory and x87/SSE state.  Each template names an
 * opcode, its operand shapes and which flags the SDM leaves undefined; the
 * generator picks operand size, REX bits, a register or memory operand (base,
 * SIB, RIP-relative) aimed into the data window, immediates and interesting
 * values (shift counts around the width, divisors that mostly avoid #DE).
 *
 * Used only by tests/unit/test_emu_diff.c.
 */
#ifndef EMU_DIFF_GEN_H
#define EMU_DIFF_GEN_H

#include "emu_diff_native.h"

/* ---- random numbers (xorshift64*) ---- */
static uint64_t rng_next(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545F4914F6CDD1DULL;
}

static unsigned rng_below(uint64_t *s, unsigned n)
{
	return (unsigned)(rng_next(s) % n);
}

/* A register value: mostly random, often a boundary. */
static uint64_t rng_value(uint64_t *s)
{
	static const uint64_t special[] = {
		0, 1, 2, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff, 0x7fffffff, 0x80000000,
		0xffffffff, 0x100000000ULL, 0x7fffffffffffffffULL, 0x8000000000000000ULL, ~0ULL,
		~0ULL - 1, 0x8000000000000001ULL, 0xffffffff80000000ULL,
	};
	switch (rng_below(s, 8)) {
	case 0: case 1:
		return special[rng_below(s, sizeof(special) / sizeof(special[0]))];
	case 2:
		return rng_next(s) & 0xff;
	case 3:
		return (uint64_t)(int64_t)(int8_t)rng_next(s);
	case 4:
		return rng_next(s) & 0xffffffff;
	default:
		return rng_next(s);
	}
}

#include "emu_diff_tpl.h"

/* ---- one generated case ---- */
struct tcase {
	uint8_t code[DIFF_CODE_MAX];
	unsigned len;
	struct diff_regs in;
	uint8_t data[DIFF_DATA_LEN];
	const char *name;
	uint8_t cls, osz, ext, op, map, has_mem, modrm_reg, modrm_rm, x87, sse;
	uint8_t imm8;		/* first immediate byte (shift counts) */
	uint64_t target;	/* memory operand address */
	uint16_t skip_regs;	/* GPRs whose result the SDM leaves undefined */
	uint8_t skip_mem;
	uint16_t skip_lo, skip_hi;	/* data window bytes [lo, hi) not compared */
	uint8_t a32;		/* 67 prefix: addresses wrap at 4 GiB, upper register halves ignored */
	uint16_t lo32_regs;	/* GPRs compared in their low 32 bits only */
	uint64_t undef;		/* RFLAGS bits left undefined */
};

struct enc {
	uint8_t *b;
	unsigned n;
	int disp_at;		/* RIP-relative disp32 position to fix up, or -1 */
};

static void put(struct enc *e, uint64_t v, unsigned bytes)
{
	for (unsigned i = 0; i < bytes; i++)
		e->b[e->n++] = (uint8_t)(v >> (8 * i));
}

/* 80-bit extended from a double (exact), for x87 register contents. */
static void f80_from_double(uint8_t *out, double d)
{
	long double ld = d;
	memset(out, 0, 16);
	memcpy(out, &ld, 10);
}

static void rand_f80(uint64_t *rs, uint8_t *out)
{
	static const double nice[] = { 0.0, -0.0, 1.0, -1.0, 0.5, 2.0, 3.0, 10.0, 1e300, -1e-300,
				       1.5, 3.14159, 1e10, 65535.0, 4294967296.0, 1e19, -2.5 };
	uint64_t m;
	uint16_t se;

	switch (rng_below(rs, 6)) {
	case 0: case 1:
		f80_from_double(out, nice[rng_below(rs, sizeof(nice) / sizeof(nice[0]))]);
		return;
	case 2: {
		union { uint64_t u; double d; } u = { .u = rng_next(rs) };
		if ((u.u & 0x7ff0000000000000ULL) == 0x7ff0000000000000ULL)
			u.u &= ~0x4000000000000000ULL;
		f80_from_double(out, u.d);
		return;
	}
	case 3: {
		double d = (double)(int64_t)(rng_next(rs) >> rng_below(rs, 60)) / (1 + rng_below(rs, 1000));
		f80_from_double(out, d);
		return;
	}
	default:	/* raw: specials, denormals, unnormals, NaNs */
		m = rng_next(rs);
		se = (uint16_t)rng_next(rs);
		switch (rng_below(rs, 4)) {
		case 0: se |= 0x7fff; break;
		case 1: se &= 0x8000; break;
		case 2: m |= 1ULL << 63; break;
		}
		memset(out, 0, 16);
		memcpy(out, &m, 8);
		memcpy(out + 8, &se, 2);
	}
}

static void rand_xmm(uint64_t *rs, uint8_t *x)
{
	for (unsigned l = 0; l < 4; l++) {
		uint32_t v;
		float f;

		switch (rng_below(rs, 6)) {
		case 0: f = (float)(int32_t)rng_next(rs) / (float)(1 + rng_below(rs, 100)); memcpy(&v, &f, 4); break;
		case 1: { static const uint32_t sp[] = { 0, 0x80000000, 0x3f800000, 0x7f800000, 0xff800000,
							 0x7fc00000, 0x7fa00000, 0x00000001, 0x807fffff, 0x4f000000,
							 0xcf000000, 0x5f000000, 0x7f7fffff };
			  v = sp[rng_below(rs, sizeof(sp) / sizeof(sp[0]))]; break; }
		default: v = (uint32_t)rng_value(rs); break;
		}
		memcpy(x + 4 * l, &v, 4);
	}
	if (rng_below(rs, 3) == 0) {	/* a pair of doubles */
		for (unsigned l = 0; l < 2; l++) {
			double d = (double)(int64_t)rng_next(rs) / (double)(1 + rng_below(rs, 1000000));
			if (rng_below(rs, 8) == 0)
				d = rng_below(rs, 2) ? 0.0 / 0.0 : 1e308 * 10;
			memcpy(x + 8 * l, &d, 8);
		}
	}
}

/* Random architectural state: GPRs, flags, x87 stack, MXCSR, XMM, data window. */
static void gen_state(uint64_t *rs, struct tcase *c)
{
	uint8_t *fx = c->in.fx;
	uint16_t cw = 0x037f, sw;
	uint32_t mx = 0x1f80;

	for (unsigned i = 0; i < 16; i++)
		c->in.gpr[i] = rng_value(rs);
	c->in.rflags = 0x202 | (rng_next(rs) & (FL_CF | FL_PF | FL_AF | FL_ZF | FL_SF | FL_OF));
	if (rng_below(rs, 4) == 0)
		c->in.rflags |= FL_DF;
	memset(fx, 0, 512);
	if (rng_below(rs, 4) == 0)
		cw = (uint16_t)(0x037f & ~0x0f00) | (uint16_t)(rng_below(rs, 16) << 8);	/* PC, RC */
	if (cw & 0x100)
		cw &= (uint16_t)~0x300;	/* PC = 01 is reserved */
	if (rng_below(rs, 8) == 0)	/* unmask some exceptions: ES/B, #MF, #XM paths */
		cw &= (uint16_t)~(rng_next(rs) & 0x3f);
	sw = (uint16_t)(rng_below(rs, 8) << 11) | (uint16_t)(rng_next(rs) & 0x3f & (rng_below(rs, 2) ? 0x3f : 0));
	if (sw & ~cw & 0x3f)	/* a consistent image: ES/B follow the unmasked flags */
		sw |= 0x8080;
	memcpy(fx + 0, &cw, 2);
	memcpy(fx + 2, &sw, 2);
	fx[4] = (uint8_t)(rng_below(rs, 3) ? rng_next(rs) : rng_below(rs, 2) ? 0xff : 0);
	if (rng_below(rs, 4) == 0)
		mx |= (uint32_t)rng_below(rs, 4) << 13;
	if (rng_below(rs, 8) == 0)
		mx |= 0x8040 & (uint32_t)rng_next(rs);
	if (rng_below(rs, 4) == 0)
		mx |= (uint32_t)rng_next(rs) & 0x3f;
	if (rng_below(rs, 8) == 0)
		mx &= ~((uint32_t)rng_next(rs) & 0x1f80);
	memcpy(fx + 24, &mx, 4);
	mx = 0xffff;
	memcpy(fx + 28, &mx, 4);
	for (unsigned i = 0; i < 8; i++)
		rand_f80(rs, fx + 32 + 16 * i);
	for (unsigned i = 0; i < 16; i++)
		rand_xmm(rs, fx + 160 + 16 * i);
	for (unsigned i = 0; i < DIFF_DATA_LEN; i += 8) {
		uint64_t v = rng_below(rs, 4) ? rng_next(rs) : rng_value(rs);
		memcpy(c->data + i, &v, 8);
	}
	/* scatter some floats and doubles among the random bits */
	for (unsigned i = 0; i < 64; i++) {
		unsigned at = rng_below(rs, DIFF_DATA_LEN / 16) * 16;
		rand_xmm(rs, c->data + at);
	}
}

/* With a 32-bit address size only the low halves of address registers count. */
static uint64_t hi32(uint64_t *rs, const struct tcase *c, uint64_t v)
{
	return c->a32 ? (uint32_t)v | (rng_next(rs) << 32) : v;
}

/* A memory operand aimed at the data window.  rex gets X/B; pins base/index registers. */
static void gen_mem(uint64_t *rs, struct tcase *c, struct enc *e, unsigned reg, uint8_t *rex,
		    unsigned msize, int aligned, uint16_t *pinned)
{
	uint64_t off = 512 + rng_below(rs, DIFF_DATA_LEN - 1024);
	uint64_t target;
	int form = rng_below(rs, 8);
	unsigned mod;
	int64_t disp = 0;

	if (aligned) {		/* 1: aligned, now and then not (#GP); 2: always */
		off &= ~15ULL;
		if (aligned == 1 && rng_below(rs, 24) == 0)
			off += 1 + rng_below(rs, 15);
	} else if (msize > 1 && rng_below(rs, 2)) {
		off &= ~(uint64_t)(msize - 1);
	}
	target = DIFF_DATA_VA + off;
	c->target = target;
	c->has_mem = 1;
	reg &= 7;
	if (form == 0) {	/* RIP-relative */
		put(e, (0u << 6) | (reg << 3) | 5, 1);
		e->disp_at = (int)e->n;
		put(e, 0, 4);
		return;
	}
	mod = rng_below(rs, 3);
	if (mod == 1)
		disp = (int8_t)rng_next(rs);
	else if (mod == 2)
		disp = (int32_t)(rng_next(rs) % 0x20000) - 0x10000;
	if (form <= 4) {	/* base register only */
		unsigned b;
		do
			b = rng_below(rs, 16);
		while ((b & 7) == 4 || (mod == 0 && (b & 7) == 5));
		*rex |= (uint8_t)((b >> 3) & 1);
		put(e, (mod << 6) | (reg << 3) | (b & 7), 1);
		put(e, (uint64_t)disp, mod == 1 ? 1 : mod == 2 ? 4 : 0);
		c->in.gpr[b] = hi32(rs, c, target - (uint64_t)disp);
		*pinned |= (uint16_t)(1u << b);
		return;
	}
	{	/* SIB */
		unsigned b = rng_below(rs, 16), x = rng_below(rs, 16), s = rng_below(rs, 4);
		int nobase = mod == 0 && (b & 7) == 5;
		int noindex = x == 4;
		int64_t idx = (int64_t)rng_below(rs, 33) - 16;

		if (x == b)
			noindex = 1, x = 4;
		*rex |= (uint8_t)(((x >> 3) & 1) << 1 | ((b >> 3) & 1));
		put(e, (mod << 6) | (reg << 3) | 4, 1);
		put(e, (s << 6) | ((x & 7) << 3) | (b & 7), 1);
		if (nobase) {
			if (noindex)
				idx = 0;
			disp = (int64_t)target - idx * (1 << s);
			put(e, (uint64_t)disp, 4);
		} else {
			put(e, (uint64_t)disp, mod == 1 ? 1 : mod == 2 ? 4 : 0);
		}
		if (!noindex) {
			c->in.gpr[x] = hi32(rs, c, (uint64_t)idx);
			*pinned |= (uint16_t)(1u << x);
		} else {
			idx = 0;
		}
		if (!nobase) {
			c->in.gpr[b] = hi32(rs, c, target - (uint64_t)disp - (uint64_t)(idx * (1 << s)));
			*pinned |= (uint16_t)(1u << b);
		}
	}
}

static unsigned pick_osz(uint64_t *rs, uint8_t sz)
{
	switch (sz) {
	case SZ_B: return 1;
	case SZ_V: return (unsigned[]){ 2, 4, 8 }[rng_below(rs, 3)];
	case SZ_V32: return rng_below(rs, 2) ? 8 : 4;
	case SZ_W: return 2;
	case SZ_Q: return 8;
	default: return 4;
	}
}

/* Read an operand value of the final inputs (register rm or memory target). */
static uint64_t src_value(const struct tcase *c, unsigned size)
{
	uint64_t v = 0;

	if (c->has_mem)
		memcpy(&v, c->data + (c->target - DIFF_DATA_VA), size);
	else
		v = c->in.gpr[c->modrm_rm];
	return size == 8 ? v : v & ((1ULL << (8 * size)) - 1);
}

/* The flags (and results) the SDM leaves undefined for this case. */
static void finalize_masks(struct tcase *c)
{
	unsigned w = c->osz * 8, cnt;
	const uint64_t all = FL_CF | FL_PF | FL_AF | FL_ZF | FL_SF | FL_OF;

	switch (c->cls) {
	case C_LOGIC: c->undef = FL_AF; break;
	case C_MUL: c->undef = FL_SF | FL_ZF | FL_AF | FL_PF; break;
	case C_DIV: c->undef = all; break;
	case C_BT: c->undef = FL_OF | FL_SF | FL_AF | FL_PF; break;
	case C_BSX:
		c->undef = FL_CF | FL_OF | FL_SF | FL_AF | FL_PF;
		if (src_value(c, c->osz) == 0)
			c->skip_regs |= (uint16_t)(1u << c->modrm_reg);
		break;
	case C_SHIFT: case C_ROT: case C_RC: case C_SHXD:
		if (c->op == 0xd0 || c->op == 0xd1)
			cnt = 1;
		else if (c->op == 0xd2 || c->op == 0xd3 || c->op == 0xa5 || c->op == 0xad)
			cnt = c->in.gpr[1] & 0xff;
		else
			cnt = c->imm8;
		cnt &= c->osz == 8 ? 63 : 31;
		if (cnt == 0)
			break;
		if (cnt != 1)
			c->undef |= FL_OF;
		if (c->cls == C_SHIFT || c->cls == C_SHXD)
			c->undef |= FL_AF;
		if (c->cls == C_SHIFT && c->ext != 7 && cnt >= w)
			c->undef |= FL_CF;
		if (c->cls == C_SHXD && cnt > w) {
			c->undef = all;
			if (c->has_mem)
				c->skip_mem = 1;
			else
				c->skip_regs |= (uint16_t)(1u << c->modrm_rm);
		}
		break;
	}
}

static void gen_int(uint64_t *rs, struct tcase *c, const struct tpl *t)
{
	struct enc e = { c->code, 0, -1 };
	uint8_t rex = 0, pfx[3];
	unsigned npfx = 0, osz = pick_osz(rs, t->sz), reg = rng_below(rs, 16), rm = rng_below(rs, 16);
	uint16_t pinned = 0;
	int memform = t->mem == M_MEM || (t->mem == M_ANY && t->ext != -2 && t->ext != -3 && rng_below(rs, 2));
	uint8_t body[24];
	struct enc b = { body, 0, -1 };
	int rel_at = -1;

	c->name = t->name; c->cls = t->cls; c->osz = (uint8_t)osz; c->op = t->op; c->map = t->map;
	c->ext = (uint8_t)t->ext;
	if (osz == 2)
		pfx[npfx++] = 0x66;
	if ((memform || t->kind == K_STR) && t->cls != C_BT && rng_below(rs, 8) == 0) {
		c->a32 = 1;
		pfx[npfx++] = 0x67;
	}
	if (t->kind == K_STR && rng_below(rs, 3))
		pfx[npfx++] = rng_below(rs, 3) ? 0xf3 : 0xf2;
	if (osz == 8)
		rex |= 8;
	if (t->ext >= 0)
		reg = (unsigned)t->ext | (rng_below(rs, 2) << 3);
	if (t->map)
		put(&b, 0x0f, 1);
	if (t->kind == K_BR && (t->op == 0x70 || t->op == 0x80)) {
		put(&b, t->op + rng_below(rs, 16), 1);	/* Jcc: any condition */
	} else if (t->ext == -3) {
		put(&b, t->op + (rm & 7), 1);
		rex |= (uint8_t)(rm >> 3);
		c->modrm_reg = c->modrm_rm = (uint8_t)rm;
	} else {
		put(&b, t->op, 1);
	}
	c->modrm_reg = (uint8_t)reg;
	if (t->ext != -2 && t->ext != -3) {
		rex |= (uint8_t)((reg >> 3) << 2);
		if (memform) {
			gen_mem(rs, c, &b, reg, &rex, osz, 0, &pinned);
		} else {
			put(&b, 0xc0 | ((reg & 7) << 3) | (rm & 7), 1);
			rex |= (uint8_t)(rm >> 3);
			c->modrm_rm = (uint8_t)rm;
		}
	}
	if (t->kind == K_BR && t->imm != 2) {	/* rel8/rel32 to the branch stub, patched below */
		rel_at = (int)b.n;
		put(&b, 0, t->imm);
	} else if (t->imm == 1) {
		c->imm8 = (uint8_t)(rng_below(rs, 2) ? rng_below(rs, 72) : rng_next(rs));
		put(&b, c->imm8, 1);
	} else if (t->imm == 2) {
		put(&b, rng_below(rs, 4) ? rng_below(rs, 64) : rng_next(rs), 2);
	} else if (t->imm == 4) {
		put(&b, rng_value(rs), osz == 2 ? 2 : t->op == 0xb8 && osz == 8 ? 8 : 4);
	}
	if (t->kind == K_BR || t->kind == K_STK) {
		uint64_t sp = DIFF_DATA_VA + 1024 + (rng_below(rs, 1024) & ~7u), br = DIFF_BRANCH_VA;

		if (pinned & (1u << R_SP)) {
			c->len = 0;	/* the stack pointer is also the address: can't aim both */
			return;
		}
		c->in.gpr[R_SP] = sp;
		c->has_mem = 1;
		if (t->op == 0xc3 || t->op == 0xc2)	/* RET pops the stub's address */
			memcpy(c->data + (sp - DIFF_DATA_VA), &br, 8);
		if (t->op == 0xff && (t->ext == 2 || t->ext == 4)) {	/* CALL/JMP r/m */
			if (memform) {
				memcpy(c->data + (c->target - DIFF_DATA_VA), &br, 8);
			} else if (rm == R_SP) {
				c->len = 0;	/* CALL RSP would push into the code page */
				return;
			} else {
				c->in.gpr[rm] = br;
			}
		}
		if (t->op == 0x9d) {	/* POPF: no single-step trap */
			c->data[sp - DIFF_DATA_VA + 1] &= (uint8_t)~1;
		}
		if (t->op == 0xc9 && !(pinned & (1u << R_BP)))	/* LEAVE */
			c->in.gpr[R_BP] = DIFF_DATA_VA + 1024 + (rng_below(rs, 1024) & ~7u);
		if (t->op >= 0xe0 && t->op <= 0xe3)
			c->in.gpr[R_CX] = rng_below(rs, 2) ? rng_below(rs, 3) : rng_value(rs);
		if (!memform)
			c->target = sp;
	}
	/* Interesting values for the implicit operands (skipped where an address lives). */
	if ((t->op == 0xd2 || t->op == 0xd3 || t->op == 0xa5 || t->op == 0xad) && !(pinned & 2))
		c->in.gpr[1] = (c->in.gpr[1] & ~0xffULL) | (rng_below(rs, 2) ? rng_below(rs, 72) : rng_next(rs) & 0xff);
	if (c->cls == C_BT && t->ext < 0 && memform) {
		if (pinned & (1u << reg)) {
			c->len = 0;	/* bit offset register is also the address: can't aim it */
			return;
		}
		c->in.gpr[reg] = (uint64_t)((int64_t)rng_below(rs, 512) - 256);
	}
	if (t->kind == K_STR) {
		c->in.gpr[R_SI] = hi32(rs, c, DIFF_DATA_VA + 1024 + rng_below(rs, 1024));
		c->in.gpr[R_DI] = hi32(rs, c, DIFF_DATA_VA + 2048 + rng_below(rs, 1024));
		if (npfx && (pfx[npfx - 1] == 0xf3 || pfx[npfx - 1] == 0xf2)) {
			c->in.gpr[R_CX] = hi32(rs, c, rng_below(rs, 20));
			/* REP with ECX = 0 writes nothing: whether the upper halves still
			 * clear is model specific (AMD clears them) */
			if (c->a32 && (uint32_t)c->in.gpr[R_CX] == 0)
				c->lo32_regs = 1u << R_CX | 1u << R_SI | 1u << R_DI;
		}
		c->has_mem = 1;
		c->target = DIFF_DATA_VA + 1024;
	}
	if (t->kind == K_DIV) {
		unsigned dw = osz * 8;
		uint64_t mask = dw == 64 ? ~0ULL : (1ULL << dw) - 1, dv;
		unsigned hi = osz == 1 ? R_AX : R_DX;

		do
			dv = rng_value(rs) & mask;
		while (dv == 0 && rng_below(rs, 16));
		if (memform)
			memcpy(c->data + (c->target - DIFF_DATA_VA), &dv, osz);
		else if (!(pinned & (1u << rm)))
			c->in.gpr[rm] = (c->in.gpr[rm] & ~mask) | dv;
		if (!(pinned & (1u << hi)) && rng_below(rs, 10)) {
			uint64_t h;

			if (t->ext == 6) {
				h = dv ? rng_next(rs) % dv : 0;
			} else {	/* sign extension of the low half */
				uint64_t lo = osz == 1 ? c->in.gpr[R_AX] & 0xff : c->in.gpr[R_AX] & mask;
				h = (lo >> (dw - 1)) & 1 ? mask : 0;
			}
			if (osz == 1)
				c->in.gpr[R_AX] = (c->in.gpr[R_AX] & ~0xff00ULL) | ((h & 0xff) << 8);
			else
				c->in.gpr[R_DX] = (c->in.gpr[R_DX] & ~mask) | h;
		}
	}
	if (rex || rng_below(rs, 8) == 0)
		rex |= 0x40;
	memcpy(e.b, pfx, npfx);
	e.n = npfx;
	if (rex)
		put(&e, rex, 1);
	memcpy(e.b + e.n, body, b.n);
	if (b.disp_at >= 0)
		e.disp_at = (int)(e.n + (unsigned)b.disp_at);
	e.n += b.n;
	c->len = e.n;
	if (e.disp_at >= 0) {
		int32_t d = (int32_t)(c->target - (DIFF_CODE_VA + e.n));
		memcpy(c->code + e.disp_at, &d, 4);
	}
	if (rel_at >= 0) {
		int32_t d = (int32_t)(DIFF_BRANCH_VA - (DIFF_CODE_VA + e.n));
		memcpy(c->code + (e.n - b.n) + rel_at, &d, t->imm);
	}
	finalize_masks(c);
}

/* SSE/MMX: K_XX/K_XG/K_GX/K_MM with mandatory prefix `pfx`. */
static void gen_sse(uint64_t *rs, struct tcase *c, const char *name, uint8_t pfx, uint8_t op,
		    uint8_t msize, int imm, int ext, uint8_t mem)
{
	uint8_t body[24], rex = 0;
	struct enc b = { body, 0, -1 };
	unsigned reg = rng_below(rs, 16), rm = rng_below(rs, 16);
	uint16_t pinned = 0;
	int memform = mem == M_MEM || (mem == M_ANY && rng_below(rs, 2));
	unsigned n = 0;

	c->name = name; c->cls = C_NONE; c->op = op; c->map = 1; c->sse = 1;
	if (ext >= 0)
		reg = (unsigned)ext;
	if (ext == -2)	/* no operands (EMMS) */
		memform = 0, reg = rng_below(rs, 8), rm = rng_below(rs, 8);
	if (rng_below(rs, 4) == 0)
		rex |= 8;
	put(&b, 0x0f, 1);
	put(&b, op, 1);
	rex |= (uint8_t)((reg >> 3) << 2);
	if ((memform || op == 0xf7) && rng_below(rs, 8) == 0)
		c->a32 = 1;
	if (memform) {
		gen_mem(rs, c, &b, reg, &rex, msize & 0x3f, (msize & 0x80) ? 1 + ((msize & 0x40) != 0) : 0,
			&pinned);
	} else {
		put(&b, 0xc0 | ((reg & 7) << 3) | (rm & 7), 1);
		rex |= (uint8_t)(rm >> 3);
	}
	if (op == 0xc2)	/* CMPxx predicates beyond 7 are AVX-only */
		put(&b, rng_below(rs, 8), 1);
	else if (imm)
		put(&b, rng_below(rs, 2) ? rng_below(rs, 8) : rng_next(rs), 1);
	if (ext == -2)
		b.n = 2;	/* 0F op, no modrm */
	if (op == 0xf7) {	/* MASKMOV*: the store goes to DS:rDI */
		c->target = DIFF_DATA_VA + 512 + rng_below(rs, 2048);
		c->in.gpr[R_DI] = hi32(rs, c, c->target);
		c->has_mem = 1;
	}
	if (op == 0xae && memform) {
		unsigned off = (unsigned)(c->target - DIFF_DATA_VA);
		uint32_t mx;

		if (ext == 0) {		/* FXSAVE: FOP/FIP/FDP and MXCSR_MASK are model specific */
			c->skip_lo = (uint16_t)(off + 6);
			c->skip_hi = (uint16_t)(off + 32);
		} else if (ext == 1 && off + 512 <= DIFF_DATA_LEN) {	/* FXRSTOR a sane image */
			struct tcase *tmp = malloc(sizeof(*tmp));

			if (tmp) {
				gen_state(rs, tmp);
				memcpy(c->data + off, tmp->in.fx, 416);
				free(tmp);
			}
		} else if (ext == 2 && rng_below(rs, 8)) {	/* LDMXCSR a valid value */
			mx = (uint32_t)rng_next(rs) & 0xffff;
			memcpy(c->data + off, &mx, 4);
		}
	}
	if (c->a32)
		c->code[n++] = 0x67;
	if (pfx)
		c->code[n++] = pfx;
	if (rex || rng_below(rs, 8) == 0)
		c->code[n++] = 0x40 | rex;
	memcpy(c->code + n, body, b.n);
	if (b.disp_at >= 0) {
		int32_t d = (int32_t)(c->target - (DIFF_CODE_VA + n + b.n));
		memcpy(c->code + n + b.disp_at, &d, 4);
	}
	c->len = n + b.n;
}

/* Documented register forms (no aliases, no reserved encodings). */
static int x87_reg_ok(unsigned esc, unsigned m)
{
	switch (esc) {
	case 0: return 1;
	case 1: return m <= 0xd0 || m == 0xe0 || m == 0xe1 || m == 0xe4 || m == 0xe5 ||
		       (m >= 0xe8 && m <= 0xee) || m >= 0xf0;
	case 2: return m <= 0xdf || m == 0xe9;
	case 3: return m <= 0xdf || m == 0xe2 || m == 0xe3 || (m >= 0xe8 && m <= 0xf7);
	case 4: return m <= 0xcf || m >= 0xe0;
	case 5: return m <= 0xc7 || (m >= 0xd0 && m <= 0xef);
	case 6: return m <= 0xcf || m == 0xd9 || m >= 0xe0;
	default: return m == 0xe0 || (m >= 0xe8 && m <= 0xf7);
	}
}

/* x87: a random valid escape, register or memory form. */
static void gen_x87(uint64_t *rs, struct tcase *c)
{
	static const uint8_t memok[8] = {
		0xff,		/* D8: all */
		0xfd,		/* D9: /0 /2-/7 */
		0xff,		/* DA */
		0xad,		/* DB: /0 /2 /3 /5 /7 */
		0xff,		/* DC */
		0xdd,		/* DD: /0 /2 /3 /4 /6 /7 */
		0xff,		/* DE */
		0xfd,		/* DF: /0 /2-/7 */
	};
	uint8_t body[24], rex = 0;
	struct enc b = { body, 0, -1 };
	unsigned esc, modrm, reg;
	uint16_t pinned = 0;

	c->name = "x87"; c->cls = C_NONE; c->x87 = 1;
	esc = rng_below(rs, 8);
	c->op = (uint8_t)(0xd8 + esc);
	put(&b, c->op, 1);
	if (rng_below(rs, 3) == 0) {
		do
			reg = rng_below(rs, 8);
		while (!((memok[esc] >> reg) & 1));
		gen_mem(rs, c, &b, reg, &rex, 8, 0, &pinned);
		if (reg == 6 && (esc == 1 || esc == 5)) {	/* FNSTENV/FNSAVE: FIP..FDS are model specific */
			unsigned off = (unsigned)(c->target - DIFF_DATA_VA);
			c->skip_lo = (uint16_t)(off + 12);
			c->skip_hi = (uint16_t)(off + 28);
		}
	} else {
		do
			modrm = 0xc0 | rng_below(rs, 64);
		while (!x87_reg_ok(esc, modrm));
		put(&b, modrm, 1);
	}
	if (rex || rng_below(rs, 8) == 0)
		c->code[0] = 0x40 | rex;
	{
		unsigned n = c->code[0] ? 1 : 0;

		memcpy(c->code + n, body, b.n);
		if (b.disp_at >= 0) {
			int32_t d = (int32_t)(c->target - (DIFF_CODE_VA + n + b.n));
			memcpy(c->code + n + b.disp_at, &d, 4);
		}
		c->len = n + b.n;
	}
}

static void gen_case(uint64_t *rs, struct tcase *c)
{
	unsigned k = rng_below(rs, 100);

	do {
		memset(c, 0, sizeof(*c));
		c->name = "";
		gen_state(rs, c);
		if (k < 55) {
			gen_int(rs, c, &tpls[rng_below(rs, sizeof(tpls) / sizeof(tpls[0]))]);
		} else if (k < 70) {
			const struct sse_tpl *t = &sse_tpls[rng_below(rs, sizeof(sse_tpls) / sizeof(sse_tpls[0]))];
			gen_sse(rs, c, t->name, t->pfx, t->op, t->msize, t->imm, t->ext, t->mem);
		} else if (k < 85) {
			gen_sse(rs, c, "sse2-int", 0x66, sse_int_ops[rng_below(rs, sizeof(sse_int_ops))],
				A16, 0, -1, M_ANY);
		} else {
			gen_x87(rs, c);
		}
	} while (c->len == 0);
}

#endif

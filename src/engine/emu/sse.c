/*
 * emu: MMX/SSE/SSE2 dispatcher (Intel SDM vol. 2, 0F-map opcodes of table A-3;
 * vol. 1 ch. 9-11 for the MMX state, MXCSR and SIMD exceptions).
 *
 * Decodes the mandatory prefix, fetches operands (alignment #GP for the
 * aligned 128-bit forms, CR4.OSFXSR #UD), runs the operation (sse_int.c,
 * sse_fp.c) and writes the destination last, so a fault leaves no trace.
 * Unmasked SIMD FP exceptions raise #XM (CR4.OSXMMEXCPT) or #UD and leave the
 * destination unchanged.
 *
 * Not emulated: SSE3 and later (0F38/0F3A maps, MOVDDUP, LDDQU, HADD...):
 * #UD, which is what the CPUID profile promises.  Non-temporal hints are
 * plain stores.  Post-computation flags of a packed op whose other lane took
 * an unmasked pre-computation exception are dropped (as the SDM says) but
 * lanes are not evaluated in the hardware's exact order.
 */
#include "engine/emu/fpu.h"

static uint8_t mpfx(const struct emu_insn *in)
{
	if (in->rep == 0xf3 || in->rep == 0xf2)
		return in->rep;
	return in->pfx_66 ? 0x66 : 0;
}

static void need_sse(struct emu_cpu *cpu)
{
	if (!(cpu->st->cr4 & CR4_OSFXSR))
		emu_raise(cpu, EXC_UD, 0);
}

static void mem_rd(struct emu_cpu *cpu, struct emu_insn *in, void *buf, unsigned len, int align)
{
	uint64_t off = emu_ea(cpu, in);

	if (align && (emu_linear(cpu, in->seg, off, len, 0) & (len - 1)))
		emu_gp(cpu, 0);
	emu_read_buf(cpu, in->seg, off, buf, len);
}

static void mem_wr(struct emu_cpu *cpu, struct emu_insn *in, const void *buf, unsigned len,
		   int align)
{
	uint64_t off = emu_ea(cpu, in);

	if (align && (emu_linear(cpu, in->seg, off, len, 1) & (len - 1)))
		emu_gp(cpu, 0);
	if ((off & 0xfff) + len > 0x1000)
		emu_check_write(cpu, in->seg, off, len);
	emu_write_buf(cpu, in->seg, off, buf, len);
}

/* XMM source: register rm, or len bytes of memory zero-extended to 16. */
static void xmm_src(struct emu_cpu *cpu, struct emu_insn *in, union vec *s, unsigned len, int align)
{
	if (in->mod == 3) {
		memcpy(s->b, fx_xmm(cpu, in->rm), 16);
		return;
	}
	memset(s->b, 0, 16);
	mem_rd(cpu, in, s->b, len, align);
}

static void mmx_src(struct emu_cpu *cpu, struct emu_insn *in, union vec *s)
{
	memset(s->b, 0, 16);
	if (in->mod == 3)
		memcpy(s->b, fx_st(cpu, in->rm & 7), 8);
	else
		mem_rd(cpu, in, s->b, 8, 0);
}

/* An MMX register write also sets the exponent field of the aliased x87 register to all ones. */
static void mmx_put(struct emu_cpu *cpu, unsigned r, const void *v)
{
	uint8_t *p = fx_st(cpu, r & 7);

	memcpy(p, v, 8);
	p[8] = p[9] = 0xff;
}

static void mmx_pre(struct emu_cpu *cpu)
{
	fpu_check_pending(cpu);
	fpu_mmx_enter(cpu);
}

/* Merge the raised flags into MXCSR; unmasked ones fault with the destination untouched. */
static void fp_flags(struct emu_cpu *cpu, int raised)
{
	uint32_t mx = fx_mxcsr(cpu);
	uint32_t flags = (uint32_t)raised & MXCSR_FLAGS;
	uint32_t unmasked = flags & ~(mx >> 7) & MXCSR_FLAGS;

	if (unmasked & (MXCSR_IE | MXCSR_DE | MXCSR_ZE))
		flags &= MXCSR_IE | MXCSR_DE | MXCSR_ZE;
	fx_set_mxcsr(cpu, mx | flags);
	if (unmasked)
		emu_raise(cpu, (cpu->st->cr4 & CR4_OSXMMEXCPT) ? EXC_XM : EXC_UD, 0);
}

static uint64_t gpr_or_mem(struct emu_cpu *cpu, struct emu_insn *in, unsigned size)
{
	uint64_t v = 0;

	if (in->mod == 3)
		return emu_reg_get(cpu, in, in->rm, size);
	mem_rd(cpu, in, &v, size, 0);
	return v;
}

/* 0F AE /0-/3 */
static int group15(struct emu_cpu *cpu, struct emu_insn *in)
{
	uint32_t v;

	if (in->mod == 3)
		return -1;
	switch (in->reg & 7) {
	case 0:
		fpu_fxsave(cpu, in);
		return 0;
	case 1:
		fpu_fxrstor(cpu, in);
		return 0;
	case 2:
		need_sse(cpu);
		v = 0;
		mem_rd(cpu, in, &v, 4, 0);
		if (v & ~MXCSR_VALID)
			emu_gp(cpu, 0);
		fx_set_mxcsr(cpu, v);
		return 0;
	case 3:
		need_sse(cpu);
		v = fx_mxcsr(cpu);
		mem_wr(cpu, in, &v, 4, 0);
		return 0;
	}
	return -1;
}

/* MMX-or-SSE2 integer ops: no prefix = MMX (8 bytes), 66 = XMM (16 bytes). */
static int int_ops(struct emu_cpu *cpu, struct emu_insn *in, uint8_t p)
{
	uint8_t op = in->op;
	unsigned w = p == 0x66 ? 16 : 8;
	union vec d, s;
	int kind = -1;
	unsigned es = 0;

	int fetch = (op < 0x71 || op > 0x73) && op != 0xc4;

	if (p != 0 && p != 0x66)
		return -1;
	if (in->mod != 3 && ((op >= 0x71 && op <= 0x73) || op == 0xc5 || op == 0xd7 || op == 0xf7))
		return -1;
	memset(s.b, 0, 16);
	if (p == 0x66) {
		need_sse(cpu);
		memcpy(d.b, fx_xmm(cpu, in->reg), 16);
		if (fetch)
			xmm_src(cpu, in, &s, 16, 1);
	} else {
		mmx_pre(cpu);
		memset(d.b, 0, 16);
		memcpy(d.b, fx_st(cpu, in->reg & 7), 8);
		if (fetch)
			mmx_src(cpu, in, &s);
	}

	switch (op) {
	case 0x71: case 0x72: case 0x73: {
		static const signed char kinds[8] = { -1, -1, SH_SRL, SH_SRLDQ, SH_SRA, -1, SH_SLL, SH_SLLDQ };
		unsigned r = in->reg & 7;

		if (in->mod != 3)
			return -1;
		kind = kinds[r];
		if (kind < 0 || (op == 0x73 && kind == SH_SRA) || (op != 0x73 && r == 3) ||
		    (op != 0x73 && r == 7) || ((r == 3 || r == 7) && w != 16))
			return -1;
		es = op == 0x71 ? 2 : op == 0x72 ? 4 : 8;
		if (p == 0x66)
			memcpy(d.b, fx_xmm(cpu, in->rm), 16);
		else
			memcpy(d.b, fx_st(cpu, in->rm & 7), 8);
		sse_shift(kind, es, w, &d, in->imm & 0xff);
		if (p == 0x66)
			memcpy(fx_xmm(cpu, in->rm), d.b, 16);
		else
			mmx_put(cpu, in->rm, d.b);
		return 0;
	}
	case 0xd1: kind = SH_SRL; es = 2; break;
	case 0xd2: kind = SH_SRL; es = 4; break;
	case 0xd3: kind = SH_SRL; es = 8; break;
	case 0xe1: kind = SH_SRA; es = 2; break;
	case 0xe2: kind = SH_SRA; es = 4; break;
	case 0xf1: kind = SH_SLL; es = 2; break;
	case 0xf2: kind = SH_SLL; es = 4; break;
	case 0xf3: kind = SH_SLL; es = 8; break;
	case 0xd7: {	/* PMOVMSKB */
		uint32_t m = 0;

		if (in->mod != 3)
			return -1;
		for (unsigned i = 0; i < w; i++)
			m |= (uint32_t)(s.b[i] >> 7) << i;
		emu_reg_set(cpu, in, in->reg, 4, m);
		return 0;
	}
	case 0xc4:	/* PINSRW */
		s.w[0] = (uint16_t)gpr_or_mem(cpu, in, 2);
		d.w[in->imm & (w / 2 - 1)] = s.w[0];
		break;
	case 0xc5:	/* PEXTRW */
		if (in->mod != 3)
			return -1;
		if (p == 0x66)
			memcpy(s.b, fx_xmm(cpu, in->rm), 16);
		emu_reg_set(cpu, in, in->reg, 4, s.w[in->imm & (w / 2 - 1)]);
		return 0;
	case 0xf7: {	/* MASKMOVQ / MASKMOVDQU: byte stores to DS:rDI */
		uint64_t amask = in->asz == 8 ? ~0ULL : in->asz == 4 ? 0xffffffffULL : 0xffff;
		uint64_t base = emu_reg_get(cpu, in, R_DI, 8) & amask;
		int seg = in->seg_ovr ? in->seg : S_DS;

		if (in->mod != 3)
			return -1;
		emu_check_write(cpu, seg, base, w);
		for (unsigned i = 0; i < w; i++)
			if (s.b[i] & 0x80)
				emu_write(cpu, seg, (base + i) & amask, 1, d.b[i]);
		return 0;
	}
	default:
		if (sse_int_op(op, w, &d, &s, (uint8_t)in->imm) < 0)
			return -1;
		break;
	}
	if (kind >= 0)
		sse_shift(kind, es, w, &d, s.q[0]);
	if (p == 0x66)
		memcpy(fx_xmm(cpu, in->reg), d.b, 16);
	else
		mmx_put(cpu, in->reg, d.b);
	return 0;
}

static int is_int_op(uint8_t op)
{
	return (op >= 0x60 && op <= 0x6d) || (op >= 0x71 && op <= 0x76) ||
	       (op >= 0xd1 && op <= 0xd5) || (op >= 0xd7 && op <= 0xe5) ||
	       (op >= 0xe8 && op <= 0xef) || (op >= 0xf1 && op <= 0xfe) ||
	       op == 0xc4 || op == 0xc5 || (op == 0x70);
}

/* MOVD/MOVQ/MOVDQA/MOVDQU/MOVNTQ/MOVNTDQ/MOVQ2DQ/MOVDQ2Q and the PSHUF family. */
static int int_moves(struct emu_cpu *cpu, struct emu_insn *in, uint8_t p)
{
	unsigned sz = (in->rex & REX_W) ? 8 : 4;
	union vec v;
	uint64_t q;

	memset(v.b, 0, 16);
	switch (in->op) {
	case 0x6e:
		if (p == 0) {
			mmx_pre(cpu);
			v.q[0] = gpr_or_mem(cpu, in, sz);
			mmx_put(cpu, in->reg, v.b);
		} else if (p == 0x66) {
			need_sse(cpu);
			v.q[0] = gpr_or_mem(cpu, in, sz);
			memcpy(fx_xmm(cpu, in->reg), v.b, 16);
		} else {
			return -1;
		}
		return 0;
	case 0x7e:
		if (p == 0xf3) {	/* MOVQ xmm, xmm/m64 */
			need_sse(cpu);
			xmm_src(cpu, in, &v, 8, 0);
			v.q[1] = 0;
			memcpy(fx_xmm(cpu, in->reg), v.b, 16);
			return 0;
		}
		if (p == 0) {
			mmx_pre(cpu);
			memcpy(&q, fx_st(cpu, in->reg & 7), 8);
		} else if (p == 0x66) {
			need_sse(cpu);
			memcpy(&q, fx_xmm(cpu, in->reg), 8);
		} else {
			return -1;
		}
		if (in->mod == 3)
			emu_reg_set(cpu, in, in->rm, sz, q);
		else
			mem_wr(cpu, in, &q, sz, 0);
		return 0;
	case 0x6f:
		if (p == 0) {
			mmx_pre(cpu);
			mmx_src(cpu, in, &v);
			mmx_put(cpu, in->reg, v.b);
			return 0;
		}
		if (p == 0x66 || p == 0xf3) {
			need_sse(cpu);
			xmm_src(cpu, in, &v, 16, p == 0x66);
			memcpy(fx_xmm(cpu, in->reg), v.b, 16);
			return 0;
		}
		return -1;
	case 0x7f:
	case 0xe7:
		if (in->op == 0xe7 && in->mod == 3)
			return -1;
		if (p == 0) {
			mmx_pre(cpu);
			memcpy(v.b, fx_st(cpu, in->reg & 7), 8);
			if (in->mod == 3)
				mmx_put(cpu, in->rm, v.b);
			else
				mem_wr(cpu, in, v.b, 8, 0);
			return 0;
		}
		if (p == 0x66 || (p == 0xf3 && in->op == 0x7f)) {
			need_sse(cpu);
			memcpy(v.b, fx_xmm(cpu, in->reg), 16);
			if (in->mod == 3)
				memcpy(fx_xmm(cpu, in->rm), v.b, 16);
			else
				mem_wr(cpu, in, v.b, 16, p == 0x66);
			return 0;
		}
		return -1;
	case 0xd6:
		if (p == 0x66) {	/* MOVQ xmm/m64, xmm */
			need_sse(cpu);
			memcpy(v.b, fx_xmm(cpu, in->reg), 8);
			if (in->mod == 3)
				memcpy(fx_xmm(cpu, in->rm), v.b, 16);
			else
				mem_wr(cpu, in, v.b, 8, 0);
			return 0;
		}
		if (in->mod != 3 || (p != 0xf3 && p != 0xf2))
			return -1;
		need_sse(cpu);
		mmx_pre(cpu);
		if (p == 0xf3) {	/* MOVQ2DQ xmm, mm */
			memcpy(v.b, fx_st(cpu, in->rm & 7), 8);
			memcpy(fx_xmm(cpu, in->reg), v.b, 16);
		} else {		/* MOVDQ2Q mm, xmm */
			mmx_put(cpu, in->reg, fx_xmm(cpu, in->rm));
		}
		return 0;
	case 0x70:
		if (p == 0 || p == 0x66)
			return int_ops(cpu, in, p);
		need_sse(cpu);
		{
			union vec s, r;
			unsigned imm = in->imm & 0xff, hi = p == 0xf3 ? 4 : 0;

			xmm_src(cpu, in, &s, 16, 1);
			r = s;
			for (unsigned i = 0; i < 4; i++)
				r.w[hi + i] = s.w[hi + ((imm >> (2 * i)) & 3)];
			memcpy(fx_xmm(cpu, in->reg), r.b, 16);
		}
		return 0;
	}
	return -1;
}

/* Float moves 10-17, 28/29, 2B, 50, C6 and the logical ops 54-57. */
static int fp_moves(struct emu_cpu *cpu, struct emu_insn *in, uint8_t p)
{
	uint8_t *dx = fx_xmm(cpu, in->reg);
	union vec d, s;
	unsigned sl = p == 0xf3 ? 4 : 8;

	need_sse(cpu);
	memcpy(d.b, dx, 16);
	switch (in->op) {
	case 0x10:
		if (p == 0 || p == 0x66) {
			xmm_src(cpu, in, &s, 16, 0);
			d = s;
		} else if (in->mod == 3) {
			memcpy(s.b, fx_xmm(cpu, in->rm), 16);
			memcpy(d.b, s.b, sl);
		} else {
			xmm_src(cpu, in, &d, sl, 0);
		}
		break;
	case 0x11:
	case 0x29:
	case 0x2b:
		if (in->op != 0x11 && p != 0 && p != 0x66)
			return -1;
		if (in->op == 0x2b && in->mod == 3)
			return -1;
		if (in->mod == 3) {
			uint8_t *rx = fx_xmm(cpu, in->rm);

			memcpy(rx, d.b, (p == 0 || p == 0x66) ? 16 : sl);
		} else {
			mem_wr(cpu, in, d.b, (p == 0 || p == 0x66) ? 16 : sl, in->op != 0x11);
		}
		return 0;
	case 0x28:
		if (p != 0 && p != 0x66)
			return -1;
		xmm_src(cpu, in, &d, 16, 1);
		break;
	case 0x12:
	case 0x16: {
		unsigned lane = in->op == 0x16;

		if (p == 0 && in->mod == 3) {	/* MOVHLPS / MOVLHPS */
			memcpy(s.b, fx_xmm(cpu, in->rm), 16);
			d.q[lane] = s.q[!lane];
		} else if ((p == 0 || p == 0x66) && in->mod != 3) {
			mem_rd(cpu, in, &d.q[lane], 8, 0);
		} else {
			return -1;
		}
		break;
	}
	case 0x13:
	case 0x17:
		if ((p != 0 && p != 0x66) || in->mod == 3)
			return -1;
		mem_wr(cpu, in, &d.q[in->op == 0x17], 8, 0);
		return 0;
	case 0x14:
	case 0x15:
		if (p != 0 && p != 0x66)
			return -1;
		xmm_src(cpu, in, &s, 16, 1);
		sse_int_op(p ? (in->op == 0x14 ? 0x6c : 0x6d) : (in->op == 0x14 ? 0x62 : 0x6a),
			   16, &d, &s, 0);
		break;
	case 0x50: {
		uint32_t m = 0;

		if (in->mod != 3 || (p != 0 && p != 0x66))
			return -1;
		memcpy(s.b, fx_xmm(cpu, in->rm), 16);
		if (p == 0)
			for (unsigned i = 0; i < 4; i++)
				m |= (s.d[i] >> 31) << i;
		else
			m = (uint32_t)(s.q[0] >> 63) | (uint32_t)(s.q[1] >> 63) << 1;
		emu_reg_set(cpu, in, in->reg, 4, m);
		return 0;
	}
	case 0x54: case 0x55: case 0x56: case 0x57:
		if (p != 0 && p != 0x66)
			return -1;
		xmm_src(cpu, in, &s, 16, 1);
		for (unsigned i = 0; i < 2; i++)
			d.q[i] = in->op == 0x54 ? d.q[i] & s.q[i] :
				 in->op == 0x55 ? ~d.q[i] & s.q[i] :
				 in->op == 0x56 ? d.q[i] | s.q[i] : d.q[i] ^ s.q[i];
		break;
	case 0xc6: {
		union vec r;
		unsigned imm = in->imm & 0xff;

		if (p != 0 && p != 0x66)
			return -1;
		xmm_src(cpu, in, &s, 16, 1);
		if (p == 0) {
			r.d[0] = d.d[imm & 3];
			r.d[1] = d.d[(imm >> 2) & 3];
			r.d[2] = s.d[(imm >> 4) & 3];
			r.d[3] = s.d[(imm >> 6) & 3];
		} else {
			r.q[0] = d.q[imm & 1];
			r.q[1] = s.q[(imm >> 1) & 1];
		}
		d = r;
		break;
	}
	default:
		return -1;
	}
	memcpy(dx, d.b, 16);
	return 0;
}

/* 2A, 2C, 2D: conversions between floats and MMX / general registers. */
static int fp_cvt_int(struct emu_cpu *cpu, struct emu_insn *in, uint8_t p)
{
	uint32_t mx = fx_mxcsr(cpu);
	int q = (in->rex & REX_W) != 0, fl;
	union vec d, s, t;
	uint64_t r;

	need_sse(cpu);
	if (in->op == 0x2a) {
		memcpy(d.b, fx_xmm(cpu, in->reg), 16);
		if (p == 0xf3 || p == 0xf2) {
			fl = sse_fp_cvtsi(p == 0xf2, q, &d, gpr_or_mem(cpu, in, q ? 8 : 4), mx);
		} else {
			if (in->mod == 3)
				mmx_pre(cpu);
			mmx_src(cpu, in, &s);
			t = d;
			fl = sse_fp_op(p ? 0xe6 : 0x5b, p ? 0xf3 : 0, &t, &s, 0, mx);
			if (p)
				d = t;
			else
				d.q[0] = t.q[0];
		}
		fp_flags(cpu, fl);
		memcpy(fx_xmm(cpu, in->reg), d.b, 16);
		return 0;
	}
	/* 2C truncates, 2D rounds per MXCSR.RC */
	if (p == 0xf3 || p == 0xf2) {
		xmm_src(cpu, in, &s, p == 0xf2 ? 8 : 4, 0);
		fl = sse_fp_cvt2si(in->op == 0x2c, p == 0xf2, q, &s, mx, &r);
		fp_flags(cpu, fl);
		emu_reg_set(cpu, in, in->reg, q ? 8 : 4, r);
		return 0;
	}
	xmm_src(cpu, in, &s, p ? 16 : 8, p == 0x66);
	if (p == 0)
		s.q[1] = 0;	/* CVT(T)PS2PI converts two lanes only */
	mmx_pre(cpu);
	memset(t.b, 0, 16);
	if (p == 0)
		fl = sse_fp_op(0x5b, in->op == 0x2c ? 0xf3 : 0x66, &t, &s, 0, mx);
	else
		fl = sse_fp_op(0xe6, in->op == 0x2c ? 0x66 : 0xf2, &t, &s, 0, mx);
	fp_flags(cpu, fl);
	mmx_put(cpu, in->reg, t.b);
	return 0;
}

/* Arithmetic, compares and packed conversions through sse_fp_op. */
static int fp_arith(struct emu_cpu *cpu, struct emu_insn *in, uint8_t p)
{
	uint8_t op = in->op;
	union vec d, s;
	unsigned len;
	int fl, packed_src;

	need_sse(cpu);
	if (op == 0x2e || op == 0x2f) {
		uint64_t zpc, fl64;

		if (p != 0 && p != 0x66)
			return -1;
		memcpy(d.b, fx_xmm(cpu, in->reg), 16);
		xmm_src(cpu, in, &s, p ? 8 : 4, 0);
		fl = sse_fp_comi(op, p == 0x66, &d, &s, fx_mxcsr(cpu), &zpc);
		fp_flags(cpu, fl);
		fl64 = emu_get_rflags(cpu) & ~(uint64_t)(FL_ZF | FL_PF | FL_CF | FL_OF | FL_SF | FL_AF);
		emu_set_rflags(cpu, fl64 | zpc);
		return 0;
	}
	/* Source width: scalar ops read 4/8 bytes, the rest 16 aligned, but see 5A/E6. */
	packed_src = p == 0 || p == 0x66;
	len = packed_src ? 16 : p == 0xf3 ? 4 : 8;
	if (op == 0x5a && p == 0)
		len = 8, packed_src = 0;	/* CVTPS2PD m64 */
	if (op == 0x5b)
		len = 16, packed_src = 1;
	if (op == 0xe6)
		len = p == 0xf3 ? 8 : 16, packed_src = p != 0xf3;
	memcpy(d.b, fx_xmm(cpu, in->reg), 16);
	xmm_src(cpu, in, &s, len, packed_src);
	fl = sse_fp_op(op, p, &d, &s, (uint8_t)in->imm, fx_mxcsr(cpu));
	if (fl < 0)
		return -1;
	fp_flags(cpu, fl);
	memcpy(fx_xmm(cpu, in->reg), d.b, 16);
	return 0;
}

int emu_exec_sse(struct emu_cpu *cpu, struct emu_insn *in)
{
	uint8_t p = mpfx(in), op = in->op;

	if (in->map != MAP_0F)
		return -1;
	if (op == 0xae)
		return group15(cpu, in);
	if (op == 0x77) {	/* EMMS */
		if (p != 0)
			return -1;
		fpu_check_pending(cpu);
		fpu_retop(cpu, 0);	/* as every MMX instruction, then all tags empty */
		cpu->st->fxsave[FX_FTW] = 0;
		return 0;
	}
	if ((op >= 0x10 && op <= 0x17) || op == 0x28 || op == 0x29 || op == 0x2b ||
	    op == 0x50 || (op >= 0x54 && op <= 0x57) || op == 0xc6)
		return fp_moves(cpu, in, p);
	if (op == 0x2a || op == 0x2c || op == 0x2d)
		return fp_cvt_int(cpu, in, p);
	if (op == 0x2e || op == 0x2f || op == 0x51 || op == 0x52 || op == 0x53 ||
	    (op >= 0x58 && op <= 0x5f) || op == 0xc2 || op == 0xe6) {
		if ((op == 0xe6 && p == 0) || ((op == 0x52 || op == 0x53) && p != 0 && p != 0xf3) ||
		    (op == 0x5b && p == 0xf2))
			return -1;
		return fp_arith(cpu, in, p);
	}
	if (op == 0x6e || op == 0x6f || op == 0x7e || op == 0x7f || op == 0xe7 || op == 0xd6 ||
	    op == 0x70)
		return int_moves(cpu, in, p);
	if (is_int_op(op) || op == 0xf7)
		return int_ops(cpu, in, p);
	return -1;
}

/*
 * emu: lazy RFLAGS.  Arithmetic records (op, size, result, operands) and the
 * six status flags (SDM vol. 1, 3.4.3.1) are computed only when read.  The
 * other RFLAGS bits always live in st->rflags.
 */
#include "engine/emu/emu_priv.h"

static int parity(uint64_t v)
{
	return !__builtin_parity((unsigned)(v & 0xff));
}

/* The last bit shifted out (alu.c's emu_shift) */
static int shift_cf(const struct emu_cpu *c)
{
	unsigned size = c->lf_op & 0xf, bits = size * 8, cnt = (unsigned)c->lf_b;
	uint64_t v = c->lf_a;
	switch (c->lf_op >> 4) {
	case LF_SHL: return cnt <= bits ? (int)((v >> (bits - cnt)) & 1) : 0;
	case LF_SHR: return (int)((v >> (cnt - 1)) & 1);
	default: return (int)((uint64_t)((int64_t)sext(v, size) >> (cnt - 1)) & 1);
	}
}

static int lazy_cf(const struct emu_cpu *c, uint64_t m)
{
	uint64_t a = c->lf_a & m, b = c->lf_b & m, r = c->lf_res & m;
	switch (c->lf_op >> 4) {
	case LF_ADD: return r < a;
	case LF_ADC: return c->lf_aux ? r <= a : r < a;
	case LF_SUB: return a < b;
	case LF_SBB: return c->lf_aux ? a <= b : a < b;
	case LF_INC: case LF_DEC: return (int)c->lf_aux;
	case LF_MUL: return c->lf_aux != 0;
	case LF_SHL: case LF_SHR: case LF_SAR: return shift_cf(c);
	default: return 0;
	}
}

static int lazy_of(const struct emu_cpu *c, uint64_t sb)
{
	uint64_t a = c->lf_a, b = c->lf_b, r = c->lf_res;
	switch (c->lf_op >> 4) {
	case LF_ADD: case LF_ADC: return !!((a ^ r) & (b ^ r) & sb);
	case LF_SUB: case LF_SBB: return !!((a ^ b) & (a ^ r) & sb);
	case LF_INC: return (r & (sb | (sb - 1))) == sb;
	case LF_DEC: return (r & (sb | (sb - 1))) == sb - 1;
	case LF_MUL: return c->lf_aux != 0;
	/* by the count-1 rule for every count, as emu_shift */
	case LF_SHL: return !!(r & sb) ^ shift_cf(c);
	case LF_SHR: return !!(a & sb);
	default: return 0;
	}
}

static uint64_t lazy_flags(const struct emu_cpu *c)
{
	unsigned size = c->lf_op & 0xf;
	uint64_t m = size_mask(size), sb = sign_bit(size), r = c->lf_res & m, f = 0;
	unsigned op = c->lf_op >> 4;
	if (lazy_cf(c, m))
		f |= FL_CF;
	if (lazy_of(c, sb))
		f |= FL_OF;
	if ((op <= LF_SBB || op == LF_INC || op == LF_DEC) && ((c->lf_a ^ c->lf_b ^ c->lf_res) & 0x10))
		f |= FL_AF;
	if (!r)
		f |= FL_ZF;
	if (r & sb)
		f |= FL_SF;
	if (parity(r))
		f |= FL_PF;
	return f;
}

uint64_t emu_get_rflags(struct emu_cpu *cpu)
{
	if (cpu->lf_op) {
		cpu->st->rflags = (cpu->st->rflags & ~(uint64_t)FL_ARITH) | lazy_flags(cpu);
		cpu->lf_op = 0;
	}
	return cpu->st->rflags;
}

void emu_set_rflags(struct emu_cpu *cpu, uint64_t v)
{
	cpu->lf_op = 0;
	cpu->st->rflags = (v & 0x3f7fd5) | 2;
}

int emu_get_cf(struct emu_cpu *cpu)
{
	if (cpu->lf_op)
		return lazy_cf(cpu, size_mask(cpu->lf_op & 0xf));
	return cpu->st->rflags & FL_CF;
}

void emu_flags_set(struct emu_cpu *cpu, uint64_t res, unsigned size, int cf, int of, int af)
{
	uint64_t m = size_mask(size), f = cpu->st->rflags & ~(uint64_t)FL_ARITH;
	res &= m;
	if (cf)
		f |= FL_CF;
	if (of)
		f |= FL_OF;
	if (af)
		f |= FL_AF;
	if (!res)
		f |= FL_ZF;
	if (res & sign_bit(size))
		f |= FL_SF;
	if (parity(res))
		f |= FL_PF;
	cpu->st->rflags = f;
	cpu->lf_op = 0;
}

void emu_flags_modify(struct emu_cpu *cpu, uint64_t mask, uint64_t val)
{
	uint64_t f = emu_get_rflags(cpu);
	cpu->st->rflags = (f & ~mask) | (val & mask);
}

int emu_cond(struct emu_cpu *cpu, unsigned cc)
{
	return emu_cond_inline(cpu, cc);
}

int emu_cond_flags(struct emu_cpu *cpu, unsigned cc)
{
	uint64_t f = emu_get_rflags(cpu);
	int r;
	switch (cc >> 1) {
	case 0: r = !!(f & FL_OF); break;
	case 1: r = !!(f & FL_CF); break;
	case 2: r = !!(f & FL_ZF); break;
	case 3: r = !!(f & (FL_CF | FL_ZF)); break;
	case 4: r = !!(f & FL_SF); break;
	case 5: r = !!(f & FL_PF); break;
	case 6: r = !(f & FL_SF) != !(f & FL_OF); break;
	default: r = (!(f & FL_SF) != !(f & FL_OF)) || (f & FL_ZF); break;
	}
	return (cc & 1) ? !r : r;
}

/*
 * emu: integer ALU -- the eight group-1 operations and the shift/rotate group
 * with RFLAGS exactly as the SDM vol. 2 pseudo-code (SAL/SAR/SHL/SHR,
 * RCL/RCR/ROL/ROR, SHLD/SHRD).  Where the SDM leaves a flag undefined we
 * produce what current Intel cores do for the common cases (AF = 0 after
 * shifts, OF computed by the count-1 rule for every count), plus MUL/DIV and
 * the BCD adjusts.
 */
#include "engine/emu/emu_priv.h"

uint64_t emu_alu(struct emu_cpu *cpu, unsigned op, unsigned size, uint64_t a, uint64_t b)
{
	uint64_t m = size_mask(size), r, c;
	a &= m;
	b &= m;
	switch (op & 7) {
	case 0: r = (a + b) & m; lf_set(cpu, LF_ADD, size, r, a, b); break;
	case 1: r = a | b; lf_set(cpu, LF_LOGIC, size, r, 0, 0); break;
	case 2:
		c = emu_get_cf(cpu);
		r = (a + b + c) & m;
		lf_set(cpu, LF_ADC, size, r, a, b);
		cpu->lf_aux = c;
		break;
	case 3:
		c = emu_get_cf(cpu);
		r = (a - b - c) & m;
		lf_set(cpu, LF_SBB, size, r, a, b);
		cpu->lf_aux = c;
		break;
	case 4: r = a & b; lf_set(cpu, LF_LOGIC, size, r, 0, 0); break;
	case 6: r = a ^ b; lf_set(cpu, LF_LOGIC, size, r, 0, 0); break;
	default: r = (a - b) & m; lf_set(cpu, LF_SUB, size, r, a, b); break;	/* SUB, CMP */
	}
	return r;
}

uint64_t emu_shift(struct emu_cpu *cpu, unsigned op, unsigned size, uint64_t v, unsigned cnt)
{
	unsigned bits = size * 8;
	uint64_t m = size_mask(size), sb = sign_bit(size), r;
	int cf, of;
	v &= m;
	cnt &= size == 8 ? 0x3f : 0x1f;
	if (!cnt)
		return v;
	switch (op & 7) {
	case 0: {	/* ROL */
		unsigned c = cnt % bits;
		r = c ? ((v << c) | (v >> (bits - c))) & m : v;
		cf = r & 1;
		emu_flags_modify(cpu, FL_CF | FL_OF, (cf ? FL_CF : 0) | ((!!(r & sb) ^ cf) ? FL_OF : 0));
		return r;
	}
	case 1: {	/* ROR */
		unsigned c = cnt % bits;
		r = c ? ((v >> c) | (v << (bits - c))) & m : v;
		cf = !!(r & sb);
		of = cf ^ !!(r & (sb >> 1));
		emu_flags_modify(cpu, FL_CF | FL_OF, (cf ? FL_CF : 0) | (of ? FL_OF : 0));
		return r;
	}
	case 2: {	/* RCL: rotate the (bits+1)-bit quantity CF:v */
		unsigned c = size < 4 ? cnt % (bits + 1) : cnt;
		int oc = emu_get_cf(cpu);
		r = v;
		cf = oc;
		for (unsigned i = 0; i < c; i++) {
			int out = !!(r & sb);
			r = ((r << 1) | (unsigned)cf) & m;
			cf = out;
		}
		of = !!(r & sb) ^ cf;
		emu_flags_modify(cpu, FL_CF | FL_OF, (cf ? FL_CF : 0) | (of ? FL_OF : 0));
		return r;
	}
	case 3: {	/* RCR */
		unsigned c = size < 4 ? cnt % (bits + 1) : cnt;
		int oc = emu_get_cf(cpu);
		of = !!(v & sb) ^ oc;
		r = v;
		cf = oc;
		for (unsigned i = 0; i < c; i++) {
			int out = r & 1;
			r = (r >> 1) | (cf ? sb : 0);
			cf = out;
		}
		emu_flags_modify(cpu, FL_CF | FL_OF, (cf ? FL_CF : 0) | (of ? FL_OF : 0));
		return r;
	}
	case 4: case 6:	/* SHL/SAL */
		r = cnt >= 64 ? 0 : (v << cnt) & m;
		cf = cnt <= bits ? (int)((v >> (bits - cnt)) & 1) : 0;
		of = !!(r & sb) ^ cf;
		emu_flags_set(cpu, r, size, cf, of, 0);
		return r;
	case 5:		/* SHR */
		r = cnt >= 64 ? 0 : v >> cnt;
		cf = cnt <= 64 ? (int)((v >> (cnt - 1)) & 1) : 0;
		emu_flags_set(cpu, r, size, cf, !!(v & sb), 0);
		return r;
	default: {	/* SAR */
		int64_t s = (int64_t)sext(v, size);
		unsigned c = cnt > 63 ? 63 : cnt;
		r = (uint64_t)(s >> c) & m;
		cf = (int)(((uint64_t)(s >> (c - 1))) & 1);
		emu_flags_set(cpu, r, size, cf, 0, 0);
		return r;
	}
	}
}

uint64_t emu_shld(struct emu_cpu *cpu, unsigned size, uint64_t dst, uint64_t src, unsigned cnt,
		  int right)
{
	unsigned bits = size * 8;
	uint64_t m = size_mask(size), sb = sign_bit(size), r;
	int cf;
	dst &= m;
	src &= m;
	cnt &= size == 8 ? 0x3f : 0x1f;
	if (!cnt)
		return dst;
	if (size == 2 && cnt > 16) {
		/* Undefined; Intel cores shift the 48-bit dst:src:dst pattern. */
		uint64_t t = right ? (dst | src << 16 | dst << 32) : (dst << 32 | src << 16 | dst);
		if (right) {
			r = (t >> cnt) & m;
			cf = (int)((t >> (cnt - 1)) & 1);
		} else {
			r = (t >> (32 - cnt)) & m;
			cf = (int)((t >> (48 - cnt)) & 1);
		}
	} else if (right) {
		r = ((dst >> cnt) | (cnt < 64 ? src << (bits - cnt) : 0)) & m;
		if (cnt == bits)
			r = src;
		cf = (int)((dst >> (cnt - 1)) & 1);
	} else {
		r = ((dst << cnt) | (src >> (bits - cnt))) & m;
		if (cnt == bits)
			r = src;
		cf = (int)((dst >> (bits - cnt)) & 1);
	}
	emu_flags_set(cpu, r, size, cf, !!((r ^ dst) & sb), 0);
	return r;
}

/* MUL/IMUL/DIV/IDIV of group 3 (F6/F7 /4-/7). */
void emu_muldiv(struct emu_cpu *cpu, struct emu_insn *in, unsigned size, unsigned op)
{
	uint64_t *r = cpu->st->regs, m = size_mask(size), src = emu_rm_read(cpu, in, size);
	unsigned bits = size * 8;
	if (op < 6) {
		unsigned __int128 p;
		uint64_t lo, hi;
		int ovf;
		if (op == 4) {
			p = (unsigned __int128)(r[R_AX] & m) * src;
			lo = (uint64_t)p & m;
			hi = size == 8 ? (uint64_t)(p >> 64) : (uint64_t)(p >> bits) & m;
			ovf = hi != 0;
		} else {
			__int128 sp = (__int128)(int64_t)sext(r[R_AX], size) * (int64_t)sext(src, size);
			lo = (uint64_t)sp & m;
			hi = size == 8 ? (uint64_t)((unsigned __int128)sp >> 64) : (uint64_t)(sp >> bits) & m;
			ovf = (__int128)(int64_t)sext(lo, size) != sp;
		}
		if (size == 1)
			reg_set(cpu, in, R_AX, 2, lo | hi << 8);
		else {
			reg_set(cpu, in, R_AX, size, lo);
			reg_set(cpu, in, R_DX, size, hi);
		}
		emu_flags_set(cpu, lo, size, ovf, ovf, 0);
		return;
	}
	if (!src)
		emu_raise(cpu, EXC_DE, 0);
	{
		uint64_t lo = size == 1 ? (r[R_AX] & 0xff) : r[R_AX] & m;
		uint64_t hi = size == 1 ? ((r[R_AX] >> 8) & 0xff) : r[R_DX] & m;
		uint64_t q, rem;
		if (op == 6) {
			unsigned __int128 n = size == 8 ? ((unsigned __int128)hi << 64 | lo) :
					      (unsigned __int128)(hi << bits | lo);
			unsigned __int128 qq = n / src;
			if (qq > m)
				emu_raise(cpu, EXC_DE, 0);
			q = (uint64_t)qq;
			rem = (uint64_t)(n % src);
		} else {
			__int128 n = size == 8 ? (__int128)((unsigned __int128)hi << 64 | lo) :
				     (__int128)(int64_t)sext(hi << bits | lo, size * 2);
			__int128 d = (int64_t)sext(src, size), qq;
			__int128 maxq = (__int128)1 << (bits - 1);
			if (size == 8 && (unsigned __int128)n == (unsigned __int128)1 << 127 && d == -1)
				emu_raise(cpu, EXC_DE, 0);
			qq = n / d;
			if (qq >= maxq || qq < -maxq)
				emu_raise(cpu, EXC_DE, 0);
			q = (uint64_t)qq & m;
			rem = (uint64_t)(n % d) & m;
		}
		if (size == 1)
			reg_set(cpu, in, R_AX, 2, (q & 0xff) | (rem & 0xff) << 8);
		else {
			reg_set(cpu, in, R_AX, size, q);
			reg_set(cpu, in, R_DX, size, rem);
		}
	}
}

/* BCD / ASCII adjusts (27 2F 37 3F D4 D5), SDM vol. 2 pseudo-code. */
void emu_bcd(struct emu_cpu *cpu, struct emu_insn *in)
{
	uint64_t f = emu_get_rflags(cpu);
	unsigned al = cpu->st->regs[R_AX] & 0xff, ah = (cpu->st->regs[R_AX] >> 8) & 0xff;
	int cf = !!(f & FL_CF), af = !!(f & FL_AF), ocf = cf;
	unsigned oal = al;
	switch (in->op) {
	case 0x27: case 0x2f: {
		int sub = in->op == 0x2f;
		cf = 0;
		if ((al & 0xf) > 9 || af) {
			cf = ocf || (sub ? al < 6 : al > 0xf9);
			al = (al + (sub ? -6 : 6)) & 0xff;
			af = 1;
		} else {
			af = 0;
		}
		if (oal > 0x99 || ocf) {
			al = (al + (sub ? -0x60 : 0x60)) & 0xff;
			cf = 1;
		}
		reg_set(cpu, in, R_AX, 1, al);
		emu_flags_set(cpu, al, 1, cf, 0, af);
		return;
	}
	case 0x37: case 0x3f: {
		uint64_t ax = cpu->st->regs[R_AX] & 0xffff;
		if ((al & 0xf) > 9 || af) {
			ax = in->op == 0x37 ? ax + 0x106 : ax - 6;
			if (in->op == 0x3f)
				ax = (ax & 0xff) | ((((ax >> 8) - 1) & 0xff) << 8);
			af = cf = 1;
		} else {
			af = cf = 0;
		}
		ax = (ax & 0xff0f);
		reg_set(cpu, in, R_AX, 2, ax);
		emu_flags_set(cpu, ax & 0xff, 1, cf, 0, af);
		return;
	}
	case 0xd4: {
		unsigned base = in->imm & 0xff;
		if (!base)
			emu_raise(cpu, EXC_DE, 0);
		ah = al / base;
		al = al % base;
		reg_set(cpu, in, R_AX, 2, al | ah << 8);
		emu_flags_set(cpu, al, 1, 0, 0, 0);
		return;
	}
	default: {	/* D5 AAD */
		unsigned base = in->imm & 0xff;
		al = (al + ah * base) & 0xff;
		reg_set(cpu, in, R_AX, 2, al);
		emu_flags_set(cpu, al, 1, 0, 0, 0);
		return;
	}
	}
}

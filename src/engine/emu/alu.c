/*
 * emu: integer ALU -- the eight group-1 operations and the shift/rotate group
 * with RFLAGS exactly as the SDM vol. 2 pseudo-code (SAL/SAR/SHL/SHR,
 * RCL/RCR/ROL/ROR, SHLD/SHRD).  Where the SDM leaves a flag undefined we
 * produce what current Intel cores do for the common cases (AF = 0 after
 * shifts, OF computed by the count-1 rule for every count).
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

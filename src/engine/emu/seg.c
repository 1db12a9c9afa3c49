/*
 * emu: segmentation -- descriptor fetch, segment register loads with the
 * protected-mode checks of SDM vol. 3 ch. 5 (type, DPL/RPL/CPL, present),
 * far JMP/CALL/RET including call gates (16/32-bit and 64-bit) with the
 * stack switch through the TSS, and the mode cache.
 *
 * Not emulated: task switches (JMP/CALL to a TSS or task gate gives #GP),
 * the LDT in 64-bit call gates' parameter copy (64-bit gates copy nothing,
 * as the SDM says).
 */
#include "engine/emu/emu_priv.h"

void emu_update_mode(struct emu_cpu *cpu)
{
	struct cpu_state *st = cpu->st;
	uint32_t csa = st->seg[S_CS].attr;
	if (!(st->cr0 & CR0_PE)) {
		cpu->mode = MODE_REAL;
		cpu->cpl = 0;
	} else if (st->rflags & FL_VM) {
		cpu->mode = MODE_VM86;
		cpu->cpl = 3;
	} else if (st->efer & EFER_LMA) {
		cpu->mode = (csa & SEG_L) ? MODE_LONG64 : (csa & SEG_DB) ? MODE_COMPAT32 : MODE_COMPAT16;
	} else {
		cpu->mode = (csa & SEG_DB) ? MODE_PROT32 : MODE_PROT16;
	}
	if (cpu->mode == MODE_LONG64) {
		cpu->def_osz = 4;
		cpu->def_asz = 8;
	} else if (cpu->mode == MODE_VM86) {
		cpu->def_osz = cpu->def_asz = 2;
	} else {
		cpu->def_osz = cpu->def_asz = (csa & SEG_DB) ? 4 : 2;
	}
	cpu->paging = !!(st->cr0 & CR0_PG);
}

void emu_seg_from_desc(struct seg *s, uint16_t sel, uint32_t lo, uint32_t hi)
{
	uint32_t limit = (lo & 0xffff) | (hi & 0xf0000);
	s->sel = sel;
	s->base = (lo >> 16) | ((hi & 0xff) << 16) | (hi & 0xff000000u);
	if (hi & (1u << 23))
		limit = (limit << 12) | 0xfff;
	s->limit = limit;
	s->attr = (hi >> 8) & 0xf0ff;
}

int emu_read_desc(struct emu_cpu *cpu, uint16_t sel, uint32_t *lo, uint32_t *hi, int exc_vec)
{
	struct cpu_state *st = cpu->st;
	uint64_t base, limit, off = sel & ~7u, v;
	if (sel & 4) {
		if ((st->ldt.attr & SEG_UNUSABLE) || !(st->ldt.attr & SEG_P) || !(st->ldt.sel & ~3))
			goto bad;
		base = st->ldt.base;
		limit = st->ldt.limit;
	} else {
		base = st->gdt.base;
		limit = st->gdt.limit;
	}
	if (off + 7 > limit)
		goto bad;
	if (cpu->mode != MODE_LONG64 && !(st->efer & EFER_LMA))
		base &= 0xffffffffULL;
	v = emu_read_lin(cpu, base + off, 8, 1);
	*lo = (uint32_t)v;
	*hi = (uint32_t)(v >> 32);
	return 0;
bad:
	if (exc_vec >= 0)
		emu_raise(cpu, exc_vec, sel & 0xfffc);
	return -1;
}

/* Upper half of a 16-byte system descriptor (long mode). */
static uint32_t read_desc_hi64(struct emu_cpu *cpu, uint16_t sel, int exc_vec)
{
	uint32_t lo, hi;
	emu_read_desc(cpu, (uint16_t)(sel + 8), &lo, &hi, -1) ? emu_raise(cpu, exc_vec, sel & 0xfffc) : (void)0;
	/* The upper half's type field must be 0 (SDM 5.8.3.1). */
	if ((hi >> 8) & 0x1f)
		emu_raise(cpu, exc_vec, sel & 0xfffc);
	return lo;
}

void emu_set_desc_accessed(struct emu_cpu *cpu, uint16_t sel, uint32_t hi)
{
	struct cpu_state *st = cpu->st;
	uint64_t base = (sel & 4) ? st->ldt.base : st->gdt.base;
	if (hi & 0x100)
		return;
	emu_write_lin(cpu, base + (sel & ~7u) + 5, 1, ((hi >> 8) & 0xff) | 1, 1);
}

void emu_set_cs_real(struct emu_cpu *cpu, uint16_t sel)
{
	struct seg *cs = &cpu->st->seg[S_CS];
	cs->sel = sel;
	cs->base = (uint64_t)sel << 4;
	if (cpu->mode == MODE_VM86) {
		cs->limit = 0xffff;
		cs->attr = 0xfb;
	} else {
		cs->attr = (cs->attr & ~SEG_UNUSABLE) | SEG_P | SEG_S | 0xb;
	}
	emu_update_mode(cpu);
}

void emu_load_cs(struct emu_cpu *cpu, uint16_t sel, uint32_t lo, uint32_t hi, unsigned cpl)
{
	struct seg *cs = &cpu->st->seg[S_CS];
	emu_set_desc_accessed(cpu, sel, hi);
	emu_seg_from_desc(cs, (uint16_t)((sel & ~3u) | cpl), lo, hi | 0x100);
	cpu->cpl = (uint8_t)cpl;
	emu_update_mode(cpu);
}

void emu_load_ss_for(struct emu_cpu *cpu, uint16_t sel, unsigned cpl, int vec)
{
	struct cpu_state *st = cpu->st;
	uint32_t lo, hi, a;
	if (!(sel & ~3u)) {
		/* A null SS is legal in 64-bit mode below ring 3. */
		if ((st->efer & EFER_LMA) && cpl != 3 && (sel & 3) == cpl) {
			st->seg[S_SS].sel = sel;
			st->seg[S_SS].base = 0;
			st->seg[S_SS].limit = 0xffffffff;
			st->seg[S_SS].attr = SEG_UNUSABLE | (cpl << 5) | SEG_DB | SEG_S | SEG_P | 3;
			return;
		}
		emu_raise(cpu, vec, 0);
	}
	emu_read_desc(cpu, sel, &lo, &hi, vec);
	a = (hi >> 8) & 0xf0ff;
	if ((sel & 3) != cpl || SEG_DPL(a) != cpl || !(a & SEG_S) || (a & 8) || !(a & 2))
		emu_raise(cpu, vec, sel & 0xfffc);
	if (!(a & SEG_P))
		emu_raise(cpu, vec == EXC_TS ? EXC_TS : EXC_SS, sel & 0xfffc);
	emu_set_desc_accessed(cpu, sel, hi);
	emu_seg_from_desc(&st->seg[S_SS], sel, lo, hi | 0x100);
}

void emu_load_seg(struct emu_cpu *cpu, int seg, uint16_t sel)
{
	struct cpu_state *st = cpu->st;
	struct seg *s = &st->seg[seg];
	uint32_t lo, hi, a;
	if (!emu_prot(cpu)) {
		s->sel = sel;
		s->base = (uint64_t)sel << 4;
		if (cpu->mode == MODE_VM86) {
			s->limit = 0xffff;
			s->attr = 0xf3;
		} else {
			/* Real mode keeps the cached limit (unreal mode) but the segment is usable. */
			s->attr = (s->attr & ~SEG_UNUSABLE) | SEG_P | SEG_S;
			if (seg != S_CS && !(s->attr & 2))
				s->attr |= 2;
		}
		return;
	}
	if (seg == S_SS) {
		emu_load_ss_for(cpu, sel, cpu->cpl, EXC_GP);
		return;
	}
	if (!(sel & ~3u)) {
		s->sel = sel;
		s->base = 0;
		s->limit = 0;
		s->attr = SEG_UNUSABLE;
		return;
	}
	emu_read_desc(cpu, sel, &lo, &hi, EXC_GP);
	a = (hi >> 8) & 0xf0ff;
	if (!(a & SEG_S) || (a & 0xa) == 0x8)
		emu_raise(cpu, EXC_GP, sel & 0xfffc);
	if ((!(a & 8) || !(a & 4)) && ((sel & 3) > SEG_DPL(a) || cpu->cpl > SEG_DPL(a)))
		emu_raise(cpu, EXC_GP, sel & 0xfffc);
	if (!(a & SEG_P))
		emu_raise(cpu, EXC_NP, sel & 0xfffc);
	emu_set_desc_accessed(cpu, sel, hi);
	emu_seg_from_desc(s, sel, lo, hi | 0x100);
}

void emu_null_outer_segs(struct emu_cpu *cpu)
{
	static const int segs[] = { S_ES, S_DS, S_FS, S_GS };
	for (unsigned i = 0; i < 4; i++) {
		struct seg *s = &cpu->st->seg[segs[i]];
		unsigned t = SEG_TYPE(s->attr);
		if (s->attr & SEG_UNUSABLE)
			continue;
		/* data or non-conforming code with DPL < CPL becomes unusable */
		if ((!(t & 8) || !(t & 4)) && SEG_DPL(s->attr) < cpu->cpl) {
			s->sel = 0;
			s->attr = SEG_UNUSABLE;
		}
	}
}

void emu_tss_stack(struct emu_cpu *cpu, unsigned dpl, uint16_t *ss, uint64_t *sp)
{
	struct seg *tr = &cpu->st->tr;
	unsigned type = SEG_TYPE(tr->attr);
	if (type == 0x9 || type == 0xb) {
		uint64_t off = 4 + dpl * 8;
		if (off + 5 > tr->limit)
			emu_raise(cpu, EXC_TS, tr->sel & 0xfffc);
		*sp = emu_read_lin(cpu, tr->base + off, 4, 1);
		*ss = (uint16_t)emu_read_lin(cpu, tr->base + off + 4, 2, 1);
	} else {
		uint64_t off = 2 + dpl * 4;
		if (off + 3 > tr->limit)
			emu_raise(cpu, EXC_TS, tr->sel & 0xfffc);
		*sp = emu_read_lin(cpu, tr->base + off, 2, 1);
		*ss = (uint16_t)emu_read_lin(cpu, tr->base + off + 2, 2, 1);
	}
}

uint64_t emu_tss64_rsp(struct emu_cpu *cpu, unsigned idx)
{
	struct seg *tr = &cpu->st->tr;
	/* RSP0-2 at 4, 12, 20; IST1-7 at 36.. */
	uint64_t off = idx < 3 ? 4 + idx * 8 : 36 + (idx - 3) * 8;
	if (off + 7 > tr->limit)
		emu_raise(cpu, EXC_TS, tr->sel & 0xfffc);
	return emu_read_lin(cpu, tr->base + off, 8, 1);
}

static int is_call_gate(struct emu_cpu *cpu, unsigned type)
{
	if (cpu->st->efer & EFER_LMA)
		return type == 0xc;
	return type == 0x4 || type == 0xc;
}

/* Far JMP/CALL through a call gate (SDM vol. 3, 5.8.4-5.8.6). */
static void via_gate(struct emu_cpu *cpu, uint16_t gsel, uint32_t glo, uint32_t ghi, int call,
		     unsigned osz)
{
	struct cpu_state *st = cpu->st;
	int lm = !!(st->efer & EFER_LMA);
	unsigned gsz = lm ? 8 : (SEG_TYPE(ghi >> 8) == 0xc ? 4 : 2);
	uint16_t tsel = (uint16_t)(glo >> 16);
	uint32_t lo, hi, a;
	uint64_t off;
	unsigned dpl;

	if (SEG_DPL(ghi >> 8) < cpu->cpl || SEG_DPL(ghi >> 8) < (gsel & 3u))
		emu_raise(cpu, EXC_GP, gsel & 0xfffc);
	if (!(ghi & (1u << 15)))
		emu_raise(cpu, EXC_NP, gsel & 0xfffc);
	off = (glo & 0xffff) | (gsz > 2 ? (ghi & 0xffff0000u) : 0);
	if (lm)
		off |= (uint64_t)read_desc_hi64(cpu, gsel, EXC_GP) << 32;
	if (!(tsel & ~3u))
		emu_raise(cpu, EXC_GP, 0);
	emu_read_desc(cpu, tsel, &lo, &hi, EXC_GP);
	a = (hi >> 8) & 0xf0ff;
	dpl = SEG_DPL(a);
	if (!(a & SEG_S) || !(a & 8) || dpl > cpu->cpl)
		emu_raise(cpu, EXC_GP, tsel & 0xfffc);
	if (lm && (!(a & SEG_L) || (a & SEG_DB)))
		emu_raise(cpu, EXC_GP, tsel & 0xfffc);
	if (!call && !(a & 4) && dpl != cpu->cpl)
		emu_raise(cpu, EXC_GP, tsel & 0xfffc);
	if (!(a & SEG_P))
		emu_raise(cpu, EXC_NP, tsel & 0xfffc);

	if (call && !(a & 4) && dpl < cpu->cpl) {
		/* Inner call: new stack from the TSS, old SS:SP (and parameters) pushed on it. */
		uint64_t osp = st->regs[R_SP], nsp, oss = st->seg[S_SS].sel;
		uint16_t nss;
		struct seg old_ss = st->seg[S_SS];
		unsigned ocpl = cpu->cpl, nparam = ghi & 0x1f, ossz = emu_stack_size(cpu);
		uint64_t params[32];
		uint64_t ocs = st->seg[S_CS].sel, orip = cpu->next_rip;
		if (lm) {
			nss = (uint16_t)dpl;
			nsp = emu_tss64_rsp(cpu, dpl);
			nparam = 0;
		} else {
			emu_tss_stack(cpu, dpl, &nss, &nsp);
		}
		for (unsigned i = 0; i < nparam; i++)
			params[i] = emu_read(cpu, S_SS, (osp + i * gsz) & size_mask(ossz), gsz);
		emu_load_ss_for(cpu, nss, dpl, EXC_TS);
		cpu->cpl = (uint8_t)dpl;
		st->regs[R_SP] = nsp;
		/* The stack size now follows the new SS (or 8 in long mode). */
		if (lm)
			cpu->mode = MODE_LONG64;
		emu_stack_push(cpu, gsz, oss);
		emu_stack_push(cpu, gsz, osp);
		for (unsigned i = nparam; i-- > 0;)
			emu_stack_push(cpu, gsz, params[i]);
		emu_stack_push(cpu, gsz, ocs);
		emu_stack_push(cpu, gsz, orip);
		(void)old_ss;
		(void)ocpl;
		emu_load_cs(cpu, tsel, lo, hi, dpl);
	} else {
		if (call) {
			emu_check_write(cpu, S_SS, (st->regs[R_SP] - 2 * gsz) & emu_sp_mask(cpu), 2 * gsz);
			emu_stack_push(cpu, gsz, st->seg[S_CS].sel);
			emu_stack_push(cpu, gsz, cpu->next_rip);
		}
		emu_load_cs(cpu, tsel, lo, hi, cpu->cpl);
	}
	(void)osz;
	if (cpu->mode != MODE_LONG64 && off > st->seg[S_CS].limit)
		emu_raise(cpu, EXC_GP, 0);
	cpu->next_rip = off;
}

void emu_far_jmp(struct emu_cpu *cpu, uint16_t sel, uint64_t off, int call, unsigned osz)
{
	struct cpu_state *st = cpu->st;
	uint32_t lo, hi, a;
	if (!emu_prot(cpu)) {
		if (call) {
			emu_check_write(cpu, S_SS, (st->regs[R_SP] - 2 * osz) & emu_sp_mask(cpu), 2 * osz);
			emu_stack_push(cpu, osz, st->seg[S_CS].sel);
			emu_stack_push(cpu, osz, cpu->next_rip);
		}
		emu_set_cs_real(cpu, sel);
		cpu->next_rip = off & size_mask(osz);
		return;
	}
	if (!(sel & ~3u))
		emu_raise(cpu, EXC_GP, 0);
	emu_read_desc(cpu, sel, &lo, &hi, EXC_GP);
	a = (hi >> 8) & 0xf0ff;
	if (!(a & SEG_S)) {
		if (is_call_gate(cpu, SEG_TYPE(a))) {
			via_gate(cpu, sel, lo, hi, call, osz);
			return;
		}
		pr_guest_ts:
		emu_raise(cpu, EXC_GP, sel & 0xfffc);	/* TSS / task gate: task switches not emulated */
	}
	if (!(a & 8))
		goto pr_guest_ts;
	if (a & 4) {
		if (SEG_DPL(a) > cpu->cpl)
			emu_raise(cpu, EXC_GP, sel & 0xfffc);
	} else if ((sel & 3u) > cpu->cpl || SEG_DPL(a) != cpu->cpl) {
		emu_raise(cpu, EXC_GP, sel & 0xfffc);
	}
	if (!(a & SEG_P))
		emu_raise(cpu, EXC_NP, sel & 0xfffc);
	if ((st->efer & EFER_LMA) && (a & SEG_L) && (a & SEG_DB))
		emu_raise(cpu, EXC_GP, sel & 0xfffc);
	if (!((st->efer & EFER_LMA) && (a & SEG_L))) {
		struct seg tmp;
		emu_seg_from_desc(&tmp, sel, lo, hi);
		off &= size_mask(osz);
		if (off > tmp.limit)
			emu_raise(cpu, EXC_GP, 0);
	}
	if (call) {
		emu_check_write(cpu, S_SS, (st->regs[R_SP] - 2 * osz) & emu_sp_mask(cpu), 2 * osz);
		emu_stack_push(cpu, osz, st->seg[S_CS].sel);
		emu_stack_push(cpu, osz, cpu->next_rip);
	}
	emu_load_cs(cpu, sel, lo, hi, cpu->cpl);
	cpu->next_rip = off;
}

void emu_far_ret(struct emu_cpu *cpu, unsigned osz, unsigned imm)
{
	struct cpu_state *st = cpu->st;
	uint64_t rip = emu_stack_read(cpu, osz, 0) & size_mask(osz);
	uint16_t sel = (uint16_t)emu_stack_read(cpu, osz, osz);
	uint64_t m = emu_sp_mask(cpu);
	uint32_t lo, hi, a;
	unsigned rpl = sel & 3;
	if (!emu_prot(cpu)) {
		emu_set_cs_real(cpu, sel);
		st->regs[R_SP] = (st->regs[R_SP] & ~m) | ((st->regs[R_SP] + 2 * osz + imm) & m);
		cpu->next_rip = rip;
		return;
	}
	if (!(sel & ~3u))
		emu_raise(cpu, EXC_GP, 0);
	emu_read_desc(cpu, sel, &lo, &hi, EXC_GP);
	a = (hi >> 8) & 0xf0ff;
	if (!(a & SEG_S) || !(a & 8) || rpl < cpu->cpl)
		emu_raise(cpu, EXC_GP, sel & 0xfffc);
	if ((a & 4) ? SEG_DPL(a) > rpl : SEG_DPL(a) != rpl)
		emu_raise(cpu, EXC_GP, sel & 0xfffc);
	if (!(a & SEG_P))
		emu_raise(cpu, EXC_NP, sel & 0xfffc);
	if (rpl == cpu->cpl) {
		emu_load_cs(cpu, sel, lo, hi, rpl);
		m = emu_sp_mask(cpu);
		st->regs[R_SP] = (st->regs[R_SP] & ~m) | ((st->regs[R_SP] + 2 * osz + imm) & m);
	} else {
		uint64_t nsp = emu_stack_read(cpu, osz, 2 * osz + imm);
		uint16_t nss = (uint16_t)emu_stack_read(cpu, osz, 3 * osz + imm);
		emu_load_ss_for(cpu, nss, rpl, EXC_GP);
		emu_load_cs(cpu, sel, lo, hi, rpl);
		m = emu_sp_mask(cpu);
		st->regs[R_SP] = (osz == 8 || cpu->mode == MODE_LONG64) ? nsp + imm :
				 (st->regs[R_SP] & ~m) | ((nsp + imm) & m);
		emu_null_outer_segs(cpu);
	}
	cpu->next_rip = rip;
}

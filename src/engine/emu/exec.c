/*
 * emu: the one-byte opcode map (SDM vol. 2, appendix A, table A-2) --
 * integer ALU, moves, stack, branches, group 1-5 and the legacy BCD/ASCII
 * adjusts.  String instructions and port I/O are in string.c, the 0F map in
 * exec0f.c, system instructions in sys.c.
 */
#include "engine/emu/emu_priv.h"

#include "core/log.h"

uint64_t emu_host_load(const void *p, unsigned size)
{
	switch (size) {
	case 1: return *(const uint8_t *)p;
	case 2: { uint16_t v; __builtin_memcpy(&v, p, 2); return v; }
	case 4: { uint32_t v; __builtin_memcpy(&v, p, 4); return v; }
	default: { uint64_t v; __builtin_memcpy(&v, p, 8); return v; }
	}
}

void emu_host_store(void *p, unsigned size, uint64_t v)
{
	__builtin_memcpy(p, &v, size);
}

int emu_cas(void *p, unsigned size, uint64_t *old, uint64_t nv)
{
	int ok;
	switch (size) {
	case 1: { uint8_t o = (uint8_t)*old; ok = __atomic_compare_exchange_n((uint8_t *)p, &o, (uint8_t)nv, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST); *old = o; break; }
	case 2: { uint16_t o = (uint16_t)*old; ok = __atomic_compare_exchange_n((uint16_t *)p, &o, (uint16_t)nv, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST); *old = o; break; }
	case 4: { uint32_t o = (uint32_t)*old; ok = __atomic_compare_exchange_n((uint32_t *)p, &o, (uint32_t)nv, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST); *old = o; break; }
	default: ok = __atomic_compare_exchange_n((uint64_t *)p, old, nv, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST); break;
	}
	return ok;
}

uint64_t emu_ea(struct emu_cpu *cpu, const struct emu_insn *in)
{
	return ea_of(cpu, in);
}

uint64_t emu_rm_read(struct emu_cpu *cpu, struct emu_insn *in, unsigned size)
{
	if (!in->has_mem)
		return reg_get(cpu, in, in->rm, size);
	return mem_read(cpu, in->seg, emu_ea(cpu, in), size);
}

void emu_rm_write(struct emu_cpu *cpu, struct emu_insn *in, unsigned size, uint64_t v)
{
	if (!in->has_mem)
		reg_set(cpu, in, in->rm, size, v);
	else
		mem_write(cpu, in->seg, emu_ea(cpu, in), size, v);
}

void emu_branch(struct emu_cpu *cpu, const struct emu_insn *in, uint64_t t)
{
	if (cpu->mode == MODE_LONG64) {
		if (!emu_is_canon(t))
			emu_raise(cpu, EXC_GP, 0);
	} else {
		t &= size_mask(in->osz);
		if (t > cpu->st->seg[S_CS].limit)
			emu_raise(cpu, EXC_GP, 0);
	}
	cpu->next_rip = t;
}

typedef uint64_t (*rmw_fn)(struct emu_cpu *cpu, unsigned op, unsigned size, uint64_t a, uint64_t b);

/* Read-modify-write of the rm operand; LOCKed forms are atomic on RAM. */
static void rmw(struct emu_cpu *cpu, struct emu_insn *in, unsigned size, rmw_fn fn, unsigned op,
		uint64_t b)
{
	uint64_t off, a, r;
	void *p;
	if (!in->has_mem) {
		a = reg_get(cpu, in, in->rm, size);
		reg_set(cpu, in, in->rm, size, fn(cpu, op, size, a, b));
		return;
	}
	off = ea_of(cpu, in);
	p = ptr_rw(cpu, in->seg, off, size);
	if (p) {
		a = host_ld(p, size);
		if (in->lock) {
			do {
				r = fn(cpu, op, size, a, b);
			} while (!emu_cas(p, size, &a, r));
		} else {
			host_st(p, size, fn(cpu, op, size, a, b));
		}
		return;
	}
	a = emu_read(cpu, in->seg, off, size);
	r = fn(cpu, op, size, a, b);
	emu_write(cpu, in->seg, off, size, r);
}

static uint64_t fn_alu(struct emu_cpu *cpu, unsigned op, unsigned size, uint64_t a, uint64_t b)
{
	return emu_alu(cpu, op, size, a, b);
}

static uint64_t fn_incdec(struct emu_cpu *cpu, unsigned op, unsigned size, uint64_t a, uint64_t b)
{
	uint64_t cf = emu_get_cf(cpu), r = (op ? a - 1 : a + 1) & size_mask(size);
	lf_set(cpu, op ? LF_DEC : LF_INC, size, r, a, 1);
	cpu->lf_aux = cf;
	return r;
}

static uint64_t fn_not(struct emu_cpu *cpu, unsigned op, unsigned size, uint64_t a, uint64_t b)
{
	return ~a & size_mask(size);
}

static uint64_t fn_neg(struct emu_cpu *cpu, unsigned op, unsigned size, uint64_t a, uint64_t b)
{
	return emu_alu(cpu, 5, size, 0, a);
}

static uint64_t fn_shift(struct emu_cpu *cpu, unsigned op, unsigned size, uint64_t a, uint64_t b)
{
	return emu_shift(cpu, op, size, a, (unsigned)b);
}

static uint64_t fn_xchg(struct emu_cpu *cpu, unsigned op, unsigned size, uint64_t a, uint64_t b)
{
	cpu->lf_aux = a;	/* hand the old value back */
	return b;
}

static void push_seg(struct emu_cpu *cpu, struct emu_insn *in, int seg)
{
	unsigned so = stk_osz(cpu, in);
	uint64_t sp = (cpu->st->regs[R_SP] - so) & emu_sp_mask(cpu);
	/* Recent Intel cores store only the 16-bit selector into the wider slot. */
	emu_check_write(cpu, S_SS, sp, so);
	emu_write(cpu, S_SS, sp, 2, cpu->st->seg[seg].sel);
	cpu->st->regs[R_SP] = (cpu->st->regs[R_SP] & ~emu_sp_mask(cpu)) | sp;
}

static void pop_seg(struct emu_cpu *cpu, struct emu_insn *in, int seg)
{
	unsigned so = stk_osz(cpu, in);
	uint16_t sel = (uint16_t)emu_stack_read(cpu, so, 0);
	emu_load_seg(cpu, seg, sel);
	emu_stack_pop(cpu, so);
	if (seg == S_SS)
		cpu->shadow_next = 2;
}

static void lxs(struct emu_cpu *cpu, struct emu_insn *in, int seg)
{
	uint64_t off, v;
	uint16_t sel;
	if (!in->has_mem)
		emu_ud(cpu);
	off = ea_of(cpu, in);
	v = emu_read(cpu, in->seg, off, in->osz);
	sel = (uint16_t)emu_read(cpu, in->seg, (off + in->osz) & size_mask(in->asz), 2);
	emu_load_seg(cpu, seg, sel);
	reg_set(cpu, in, in->reg, in->osz, v);
	if (seg == S_SS)
		cpu->shadow_next = 2;
}

static void enter(struct emu_cpu *cpu, struct emu_insn *in)
{
	struct cpu_state *st = cpu->st;
	unsigned so = stk_osz(cpu, in), level = in->imm2 & 0x1f;
	uint64_t m = emu_sp_mask(cpu), sp = st->regs[R_SP], bp = st->regs[R_BP], frame;
	sp = (sp - so) & m;
	emu_write(cpu, S_SS, sp, so, bp);
	frame = sp;
	if (level) {
		for (unsigned i = 1; i < level; i++) {
			bp = (bp - so) & (cpu->mode == MODE_LONG64 ? ~0ULL : size_mask(cpu->def_asz == 2 && !(st->seg[S_SS].attr & SEG_DB) ? 2 : 4));
			sp = (sp - so) & m;
			emu_write(cpu, S_SS, sp, so, emu_read(cpu, S_SS, bp & m, so));
		}
		sp = (sp - so) & m;
		emu_write(cpu, S_SS, sp, so, frame);
	}
	sp = (sp - (in->imm & 0xffff)) & m;
	emu_check_write(cpu, S_SS, sp, 1);
	reg_set(cpu, in, R_BP, so, frame);
	st->regs[R_SP] = (st->regs[R_SP] & ~m) | sp;
}

static void far_ptr_op(struct emu_cpu *cpu, struct emu_insn *in, int call)
{
	unsigned osz = in->osz;
	uint64_t off, ea;
	uint16_t sel;
	if (!in->has_mem)
		emu_ud(cpu);
	ea = ea_of(cpu, in);
	off = emu_read(cpu, in->seg, ea, osz);
	sel = (uint16_t)emu_read(cpu, in->seg, (ea + osz) & size_mask(in->asz), 2);
	emu_far_jmp(cpu, sel, off, call, osz);
}

static int lock_ok(const struct emu_insn *in)
{
	unsigned op = in->op, r = (in->modrm >> 3) & 7;
	if (!in->has_mem)
		return 0;
	if (in->map == MAP_1B) {
		if (op < 0x38 && (op & 7) < 2)
			return 1;
		if (op == 0x80 || op == 0x81 || op == 0x82 || op == 0x83)
			return r != 7;
		if (op == 0x86 || op == 0x87)
			return 1;
		if (op == 0xf6 || op == 0xf7)
			return r == 2 || r == 3;
		if (op == 0xfe || op == 0xff)
			return r < 2;
		return 0;
	}
	if (in->map == MAP_0F) {
		switch (op) {
		case 0xab: case 0xb3: case 0xbb: case 0xb0: case 0xb1: case 0xc0: case 0xc1: return 1;
		case 0xba: return r >= 5;
		case 0xc7: return r == 1;
		default: return 0;
		}
	}
	return 0;
}

void emu_exec(struct emu_cpu *cpu, struct emu_insn *in)
{
	struct cpu_state *st = cpu->st;
	uint64_t *R = st->regs;
	unsigned op = in->op, osz = in->osz, sz = (op & 1) ? osz : 1, rop = (in->modrm >> 3) & 7;
	int m64 = cpu->mode == MODE_LONG64;
	uint64_t v;

	if (unlikely(in->lock) && !lock_ok(in))
		emu_ud(cpu);
	if (in->map != MAP_1B) {
		if (in->map == MAP_0F)
			emu_exec_0f(cpu, in);
		else {
			if (st->cr0 & CR0_EM)
				emu_ud(cpu);
			if (st->cr0 & CR0_TS)
				emu_raise(cpu, EXC_NM, 0);
			if (emu_exec_sse(cpu, in))
				emu_ud(cpu);
		}
		return;
	}
	switch (op) {
	case 0x00 ... 0x05: case 0x08 ... 0x0d: case 0x10 ... 0x15: case 0x18 ... 0x1d:
	case 0x20 ... 0x25: case 0x28 ... 0x2d: case 0x30 ... 0x35: case 0x38 ... 0x3d: {
		unsigned aop = op >> 3;
		switch (op & 7) {
		case 0: case 1:
			if (aop == 7) {
				emu_alu(cpu, 7, sz, rm_read(cpu, in, sz), reg_get(cpu, in, in->reg, sz));
				return;
			}
			rmw(cpu, in, sz, fn_alu, aop, reg_get(cpu, in, in->reg, sz));
			return;
		case 2: case 3:
			v = emu_alu(cpu, aop, sz, reg_get(cpu, in, in->reg, sz), rm_read(cpu, in, sz));
			if (aop != 7)
				reg_set(cpu, in, in->reg, sz, v);
			return;
		default:
			sz = (op & 1) ? osz : 1;
			v = emu_alu(cpu, aop, sz, reg_get(cpu, in, R_AX, sz), in->imm);
			if (aop != 7)
				reg_set(cpu, in, R_AX, sz, v);
			return;
		}
	}
	case 0x40 ... 0x4f: {	/* INC/DEC r (not reached in 64-bit mode: REX) */
		unsigned r = op & 7;
		reg_set(cpu, in, r, osz, fn_incdec(cpu, op >= 0x48, osz, reg_get(cpu, in, r, osz), 0));
		return;
	}
	case 0x50 ... 0x57: {
		unsigned so = stk_osz(cpu, in), r = (op & 7) | ((in->rex & REX_B) ? 8 : 0);
		emu_stack_push(cpu, so, R[r]);
		return;
	}
	case 0x58 ... 0x5f: {
		unsigned so = stk_osz(cpu, in), r = (op & 7) | ((in->rex & REX_B) ? 8 : 0);
		v = emu_stack_pop(cpu, so);
		reg_set(cpu, in, r, so, v);
		return;
	}
	case 0x70 ... 0x7f: {
		if (emu_cond(cpu, op & 0xf))
			emu_branch(cpu, in, cpu->next_rip + in->imm);
		return;
	}
	case 0x91 ... 0x97: {
		unsigned r = (op & 7) | ((in->rex & REX_B) ? 8 : 0);
		v = reg_get(cpu, in, r, osz);
		reg_set(cpu, in, r, osz, reg_get(cpu, in, R_AX, osz));
		reg_set(cpu, in, R_AX, osz, v);
		return;
	}
	case 0xb0 ... 0xb7: {
		reg_set(cpu, in, (op & 7) | ((in->rex & REX_B) ? 8 : 0), 1, in->imm);
		return;
	}
	case 0xb8 ... 0xbf: {
		reg_set(cpu, in, (op & 7) | ((in->rex & REX_B) ? 8 : 0), osz, in->imm);
		return;
	}
	case 0xd8 ... 0xdf: {
		if (st->cr0 & (CR0_EM | CR0_TS))
			emu_raise(cpu, EXC_NM, 0);
		if (emu_exec_x87(cpu, in))
			emu_ud(cpu);
		return;
	}
	case 0xa4 ... 0xa7: case 0xaa ... 0xaf: case 0x6c ... 0x6f: case 0xe4 ... 0xe7: case 0xec ... 0xef: {
		emu_exec_string(cpu, in);
		return;
	}
	case 0x06: case 0x0e: case 0x16: case 0x1e:
		if (m64)
			emu_ud(cpu);
		push_seg(cpu, in, op >> 3);
		return;
	case 0x07: case 0x17: case 0x1f:
		if (m64)
			emu_ud(cpu);
		pop_seg(cpu, in, op >> 3);
		return;
	case 0x27: case 0x2f: case 0x37: case 0x3f:
		if (m64)
			emu_ud(cpu);
		emu_bcd(cpu, in);
		return;
	case 0x60: {	/* PUSHA */
		uint64_t sp0 = R[R_SP], m = emu_sp_mask(cpu);
		if (m64)
			emu_ud(cpu);
		emu_check_write(cpu, S_SS, (sp0 - 8 * osz) & m, 8 * osz);
		for (int r = 0; r < 8; r++)
			emu_stack_push(cpu, osz, r == R_SP ? sp0 : R[r]);
		return;
	}
	case 0x61: {	/* POPA */
		uint64_t vals[8];
		if (m64)
			emu_ud(cpu);
		for (int r = 7; r >= 0; r--)
			vals[r] = emu_stack_read(cpu, osz, (7 - r) * osz);
		for (int r = 0; r < 8; r++)
			if (r != R_SP)
				reg_set(cpu, in, r, osz, vals[r]);
		v = emu_sp_mask(cpu);
		R[R_SP] = (R[R_SP] & ~v) | ((R[R_SP] + 8 * osz) & v);
		return;
	}
	case 0x62: {	/* BOUND */
		uint64_t ea;
		int64_t idx, lo, hi;
		if (m64 || !in->has_mem)
			emu_ud(cpu);
		ea = ea_of(cpu, in);
		lo = (int64_t)sext(emu_read(cpu, in->seg, ea, osz), osz);
		hi = (int64_t)sext(emu_read(cpu, in->seg, (ea + osz) & size_mask(in->asz), osz), osz);
		idx = (int64_t)sext(reg_get(cpu, in, in->reg, osz), osz);
		if (idx < lo || idx > hi)
			emu_raise(cpu, EXC_BR, 0);
		return;
	}
	case 0x63:
		if (m64) {	/* MOVSXD */
			v = rm_read(cpu, in, 4);
			reg_set(cpu, in, in->reg, osz, osz == 8 ? sext(v, 4) : v);
			return;
		}
		if (!emu_prot(cpu))
			emu_ud(cpu);
		{	/* ARPL */
			uint64_t d = rm_read(cpu, in, 2), s = reg_get(cpu, in, in->reg, 2);
			if ((d & 3) < (s & 3)) {
				rm_write(cpu, in, 2, (d & ~3ULL) | (s & 3));
				emu_flags_modify(cpu, FL_ZF, FL_ZF);
			} else {
				emu_flags_modify(cpu, FL_ZF, 0);
			}
		}
		return;
	case 0x68: case 0x6a:
		emu_stack_push(cpu, stk_osz(cpu, in), in->imm);
		return;
	case 0x69: case 0x6b: {
		int64_t a = (int64_t)sext(rm_read(cpu, in, osz), osz), b = (int64_t)sext(in->imm, osz);
		__int128 p = (__int128)a * b;
		uint64_t r = (uint64_t)p & size_mask(osz);
		int ovf = (__int128)(int64_t)sext(r, osz) != p;
		reg_set(cpu, in, in->reg, osz, r);
		emu_flags_set(cpu, r, osz, ovf, ovf, 0);
		return;
	}
	case 0x80: case 0x81: case 0x82: case 0x83:
		if (op == 0x82 && m64)
			emu_ud(cpu);
		sz = op == 0x81 || op == 0x83 ? osz : 1;
		if (rop == 7)
			emu_alu(cpu, 7, sz, rm_read(cpu, in, sz), in->imm);
		else
			rmw(cpu, in, sz, fn_alu, rop, in->imm);
		return;
	case 0x84: case 0x85:
		emu_alu(cpu, 4, sz, rm_read(cpu, in, sz), reg_get(cpu, in, in->reg, sz));
		return;
	case 0x86: case 0x87:
		if (in->has_mem) {
			uint64_t off = ea_of(cpu, in);
			void *p = emu_ptr_rw(cpu, in->seg, off, sz);
			uint64_t nv = reg_get(cpu, in, in->reg, sz);
			if (p) {
				uint64_t old = emu_host_load(p, sz);
				while (!emu_cas(p, sz, &old, nv))
					;
				v = old;
			} else {
				v = emu_read(cpu, in->seg, off, sz);
				emu_write(cpu, in->seg, off, sz, nv);
			}
		} else {
			v = reg_get(cpu, in, in->rm, sz);
			reg_set(cpu, in, in->rm, sz, reg_get(cpu, in, in->reg, sz));
		}
		reg_set(cpu, in, in->reg, sz, v);
		return;
	case 0x88: case 0x89:
		rm_write(cpu, in, sz, reg_get(cpu, in, in->reg, sz));
		return;
	case 0x8a: case 0x8b:
		reg_set(cpu, in, in->reg, sz, rm_read(cpu, in, sz));
		return;
	case 0x8c:
		if (rop > 5)
			emu_ud(cpu);
		if (in->has_mem)
			rm_write(cpu, in, 2, st->seg[rop].sel);
		else
			reg_set(cpu, in, in->rm, osz, st->seg[rop].sel);
		return;
	case 0x8d:
		if (!in->has_mem)
			emu_ud(cpu);
		reg_set(cpu, in, in->reg, osz, ea_of(cpu, in));
		return;
	case 0x8e:
		if (rop > 5 || rop == S_CS)
			emu_ud(cpu);
		emu_load_seg(cpu, rop, (uint16_t)rm_read(cpu, in, 2));
		if (rop == S_SS)
			cpu->shadow_next = 2;
		return;
	case 0x8f: {	/* POP Ev: rSP is incremented before the address is computed */
		unsigned so = stk_osz(cpu, in);
		uint64_t m = emu_sp_mask(cpu), osp = R[R_SP];
		if (rop)
			emu_ud(cpu);
		v = emu_stack_read(cpu, so, 0);
		R[R_SP] = (osp & ~m) | ((osp + so) & m);
		rm_write(cpu, in, so, v);
		return;
	}
	case 0x90:
		if (in->rex & REX_B) {
			v = R[R_R8] & size_mask(osz);
			reg_set(cpu, in, R_R8, osz, reg_get(cpu, in, R_AX, osz));
			reg_set(cpu, in, R_AX, osz, v);
		}
		return;	/* NOP, PAUSE */
	case 0x98:
		reg_set(cpu, in, R_AX, osz, sext(R[R_AX], osz / 2));
		return;
	case 0x99:
		reg_set(cpu, in, R_DX, osz, (R[R_AX] & sign_bit(osz)) ? ~0ULL : 0);
		return;
	case 0x9a:
		emu_far_jmp(cpu, (uint16_t)in->imm2, in->imm & size_mask(osz), 1, osz);
		return;
	case 0x9b:
		if ((st->cr0 & (CR0_TS | CR0_MP)) == (CR0_TS | CR0_MP))
			emu_raise(cpu, EXC_NM, 0);
		if (emu_exec_x87(cpu, in))
			emu_ud(cpu);
		return;
	case 0x9c: {
		uint64_t f = emu_get_rflags(cpu);
		if (cpu->mode == MODE_VM86 && ((f >> 12) & 3) != 3)
			emu_raise(cpu, EXC_GP, 0);
		emu_stack_push(cpu, stk_osz(cpu, in), f & ~(uint64_t)(FL_VM | FL_RF));
		return;
	}
	case 0x9d: {
		unsigned so = stk_osz(cpu, in), iopl;
		uint64_t f = emu_get_rflags(cpu), mask = 0x244dd5;
		iopl = (f >> 12) & 3;
		if (cpu->mode == MODE_VM86 && iopl != 3)
			emu_raise(cpu, EXC_GP, 0);
		v = emu_stack_pop(cpu, so);
		if (cpu->cpl == 0 && cpu->mode != MODE_VM86)
			mask |= FL_IOPL;
		if (cpu->cpl <= iopl)
			mask |= FL_IF;
		if (so == 2)
			mask &= 0xffff;
		emu_set_rflags(cpu, ((f & ~mask) | (v & mask)) & ~(uint64_t)FL_RF);
		return;
	}
	case 0x9e:
		emu_flags_modify(cpu, FL_SF | FL_ZF | FL_AF | FL_PF | FL_CF, (R[R_AX] >> 8) & 0xff);
		return;
	case 0x9f:
		/* AH even with a REX prefix */
		R[R_AX] = (R[R_AX] & ~0xff00ULL) | (((emu_get_rflags(cpu) & 0xd7) | 2) << 8);
		return;
	case 0xa0: case 0xa1:
		reg_set(cpu, in, R_AX, sz, emu_read(cpu, in->seg, in->imm & size_mask(in->asz), sz));
		return;
	case 0xa2: case 0xa3:
		emu_write(cpu, in->seg, in->imm & size_mask(in->asz), sz, reg_get(cpu, in, R_AX, sz));
		return;
	case 0xa8: case 0xa9:
		emu_alu(cpu, 4, sz, reg_get(cpu, in, R_AX, sz), in->imm);
		return;
	case 0xc0: case 0xc1: case 0xd0: case 0xd1: case 0xd2: case 0xd3: {
		unsigned cnt = op <= 0xc1 ? (unsigned)(in->imm & 0xff) : op <= 0xd1 ? 1 : (unsigned)(R[R_CX] & 0xff);
		rmw(cpu, in, sz, fn_shift, rop, cnt);
		return;
	}
	case 0xc2: case 0xc3: {
		unsigned so = stk_osz(cpu, in);
		uint64_t m = emu_sp_mask(cpu), t = emu_stack_read(cpu, so, 0);
		emu_branch(cpu, in, t);
		R[R_SP] = (R[R_SP] & ~m) | ((R[R_SP] + so + (op == 0xc2 ? (in->imm & 0xffff) : 0)) & m);
		return;
	}
	case 0xc4: case 0xc5:
		lxs(cpu, in, op == 0xc4 ? S_ES : S_DS);
		return;
	case 0xc6: case 0xc7:
		if (rop)
			emu_ud(cpu);
		rm_write(cpu, in, sz, in->imm);
		return;
	case 0xc8:
		enter(cpu, in);
		return;
	case 0xc9: {
		unsigned so = stk_osz(cpu, in);
		uint64_t m = emu_sp_mask(cpu), bp = R[R_BP] & m;
		v = emu_read(cpu, S_SS, bp, so);
		R[R_SP] = (R[R_SP] & ~m) | ((bp + so) & m);
		reg_set(cpu, in, R_BP, so, v);
		return;
	}
	case 0xca: case 0xcb:
		emu_far_ret(cpu, osz, op == 0xca ? (unsigned)(in->imm & 0xffff) : 0);
		return;
	case 0xcc:
		emu_soft_int(cpu, EXC_BP, 1);
		return;
	case 0xcd:
		emu_soft_int(cpu, (int)(in->imm & 0xff), 0);
		return;
	case 0xce:
		if (m64)
			emu_ud(cpu);
		if (emu_cond(cpu, 0))
			emu_soft_int(cpu, EXC_OF, 1);
		return;
	case 0xcf:
		emu_iret(cpu, osz);
		return;
	case 0xd4: case 0xd5:
		if (m64)
			emu_ud(cpu);
		emu_bcd(cpu, in);
		return;
	case 0xd6:
		if (m64)
			emu_ud(cpu);
		reg_set(cpu, in, R_AX, 1, emu_get_cf(cpu) ? 0xff : 0);
		return;
	case 0xd7:
		reg_set(cpu, in, R_AX, 1, emu_read(cpu, in->seg, (R[R_BX] + (R[R_AX] & 0xff)) & size_mask(in->asz), 1));
		return;
	case 0xe0: case 0xe1: case 0xe2: case 0xe3: {
		uint64_t am = size_mask(in->asz), c = R[R_CX] & am;
		int take;
		if (op == 0xe3) {
			take = c == 0;
		} else {
			c = (c - 1) & am;
			R[R_CX] = am == 0xffffffffULL ? c : (R[R_CX] & ~am) | c;
			take = c != 0 && (op == 0xe2 || (op == 0xe1 ? emu_cond(cpu, 4) : !emu_cond(cpu, 4)));
		}
		if (take)
			emu_branch(cpu, in, cpu->next_rip + in->imm);
		return;
	}
	case 0xe8: {
		unsigned so = stk_osz(cpu, in);
		uint64_t ret = cpu->next_rip;
		emu_branch(cpu, in, ret + in->imm);
		emu_stack_push(cpu, so, ret);
		return;
	}
	case 0xe9: case 0xeb:
		emu_branch(cpu, in, cpu->next_rip + in->imm);
		return;
	case 0xea:
		emu_far_jmp(cpu, (uint16_t)in->imm2, in->imm & size_mask(osz), 0, osz);
		return;
	case 0xf1:
		emu_soft_int(cpu, EXC_DB, 2);
		return;
	case 0xf4:
		if (cpu->cpl)
			emu_raise(cpu, EXC_GP, 0);
		st->run_state = CPU_HALTED;
		cpu->stop_req = EMU_STOP_HLT;
		return;
	case 0xf5:
		emu_flags_modify(cpu, FL_CF, emu_get_cf(cpu) ? 0 : FL_CF);
		return;
	case 0xf6: case 0xf7:
		switch (rop) {
		case 0: case 1:
			emu_alu(cpu, 4, sz, rm_read(cpu, in, sz), in->imm);
			return;
		case 2: rmw(cpu, in, sz, fn_not, 0, 0); return;
		case 3: rmw(cpu, in, sz, fn_neg, 0, 0); return;
		default: emu_muldiv(cpu, in, sz, rop); return;
		}
	case 0xf8: case 0xf9:
		emu_flags_modify(cpu, FL_CF, op & 1 ? FL_CF : 0);
		return;
	case 0xfa: case 0xfb: {
		uint64_t f = emu_get_rflags(cpu);
		if (emu_prot(cpu) ? cpu->cpl > ((f >> 12) & 3) : (cpu->mode == MODE_VM86 && ((f >> 12) & 3) != 3))
			emu_raise(cpu, EXC_GP, 0);
		if (op == 0xfb && !(f & FL_IF))
			cpu->shadow_next = 1;
		emu_flags_modify(cpu, FL_IF, op & 1 ? FL_IF : 0);
		return;
	}
	case 0xfc: case 0xfd:
		emu_flags_modify(cpu, FL_DF, op & 1 ? FL_DF : 0);
		return;
	case 0xfe:
		if (rop > 1)
			emu_ud(cpu);
		rmw(cpu, in, 1, fn_incdec, rop, 0);
		return;
	case 0xff:
		switch (rop) {
		case 0: case 1:
			rmw(cpu, in, osz, fn_incdec, rop, 0);
			return;
		case 2: case 4: {
			unsigned so = stk_osz(cpu, in);
			uint64_t t = rm_read(cpu, in, m64 ? 8 : so), ret = cpu->next_rip;
			emu_branch(cpu, in, t);
			if (rop == 2)
				emu_stack_push(cpu, m64 ? 8 : so, ret);
			return;
		}
		case 3: case 5:
			far_ptr_op(cpu, in, rop == 3);
			return;
		case 6:
			emu_stack_push(cpu, stk_osz(cpu, in), rm_read(cpu, in, stk_osz(cpu, in)));
			return;
		default:
			emu_ud(cpu);
		}
	default:
		emu_ud(cpu);
	}
	(void)fn_xchg;
}

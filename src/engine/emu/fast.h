/*
 * emu: fast paths for the commonest 64-bit mode instructions (MOV, LEA,
 * MOVZX, MOVSXD, the ALU group with ADC/SBB, IMUL, group 3, TEST, Jcc, JMP,
 * CALL/RET, PUSH/POP, NOP), run by the instruction loop without emu_exec's
 * generic dispatch.
 *
 * emu_fast_kind() classifies a decode once (the kind is cached with it);
 * only encodings whose whole behaviour is the one below get a kind: no LOCK
 * or F2/F3 prefix, operand size 4 or 8 (and the few byte/word forms listed),
 * 64-bit mode.  Everything else is 0
 * and goes through emu_exec, which stays the reference.  A fast handler
 * follows the same fault rule as the rest of the core: no architectural
 * change before its last access that can fault.
 */
#ifndef HVM_EMU_FAST_H
#define HVM_EMU_FAST_H

#include "engine/emu/emu_priv.h"

enum {
	FK_NONE,
	FK_MOV_ST,	/* 89: rm = reg */
	FK_MOV_LD,	/* 8B: reg = rm */
	FK_MOV_RI,	/* B8+r: reg = imm */
	FK_MOV_MI,	/* C7 /0: rm = imm */
	FK_ALU_ST,	/* 01/09/11/19/21/29/31/39: rm op= reg (register rm, or CMP) */
	FK_ALU_LD,	/* 03/0B/13/1B/23/2B/33/3B: reg op= rm */
	FK_ALU_I,	/* 81/83: rm op= imm (register rm, or CMP) */
	FK_TEST,	/* 85: rm & reg */
	FK_LEA,		/* 8D */
	FK_MOVZX,	/* 0F B6/B7 */
	FK_MOVSXD,	/* 63 with REX.W */
	FK_JCC,		/* 70-7F, 0F 80-8F */
	FK_JMP,		/* E9, EB */
	FK_CALL,	/* E8 */
	FK_RET,		/* C3 */
	FK_PUSH,	/* 50+r */
	FK_POP,		/* 58+r */
	FK_NOP,		/* 0F 1F, 90 without REX.B */
	FK_ALU8_ST,	/* 00/08/10/18/20/28/30/38: rm8 op= reg8 (register rm, or CMP) */
	FK_ALU8_LD,	/* 02/0A/12/1A/22/2A/32/3A: reg8 op= rm8 */
	FK_ALU8_I,	/* 80: rm8 op= imm8 (register rm, or CMP) */
	FK_ALU8_AL,	/* 04/0C/14/1C/24/2C/34/3C: AL op= imm8 */
	FK_TEST8,	/* 84: rm8 & reg8 */
	FK_TEST8_I,	/* F6 /0, A8: rm8 & imm8 */
	FK_MOV8_ST,	/* 88: rm8 = reg8 */
	FK_MOV8_LD,	/* 8A: reg8 = rm8 */
	FK_MOV8_MI,	/* C6 /0: rm8 = imm8 */
	FK_SHIFT,	/* C1/D1/D3 with a register operand */
	FK_CMOV,	/* 0F 40-4F */
	FK_SETCC,	/* 0F 90-9F */
	FK_MOVSX,	/* 0F BE/BF */
	FK_ALU_AX,	/* 05/0D/15/1D/25/2D/35/3D: rAX op= imm */
	FK_TEST_I,	/* A9, F7 /0: rm & imm */
	FK_INCDEC,	/* FF /0, /1 with a register operand */
	FK_IMUL,	/* 0F AF, 69, 6B */
	FK_GRP3,	/* F7 /2-/7: NOT, NEG (register operand), MUL, IMUL, DIV, IDIV */
	FK_MOV16_ST,	/* 66 89 with a memory operand */
};

/* The fast kind of a decoded 64-bit mode instruction, or FK_NONE. */
static inline uint8_t emu_fast_kind(const struct emu_insn *in)
{
	unsigned op = in->op, osz = in->osz, aop = (op >> 3) & 7, rop = (in->modrm >> 3) & 7;
	int wide = osz == 4 || osz == 8;
	if (in->lock || in->rep)
		return FK_NONE;
	if (in->map == MAP_0F) {
		if (in->pfx_66)
			return FK_NONE;
		if (op >= 0x80 && op <= 0x8f)
			return FK_JCC;
		if ((op == 0xb6 || op == 0xb7) && wide)
			return FK_MOVZX;
		if ((op == 0xbe || op == 0xbf) && wide)
			return FK_MOVSX;
		if (op >= 0x40 && op <= 0x4f && wide)
			return FK_CMOV;
		if (op >= 0x90 && op <= 0x9f)
			return FK_SETCC;
		if (op == 0x1f)
			return FK_NOP;
		if (op == 0xaf && wide)
			return FK_IMUL;
		return FK_NONE;
	}
	if (in->map != MAP_1B)
		return FK_NONE;
	switch (op) {
	case 0x89: return wide ? FK_MOV_ST : osz == 2 && in->has_mem ? FK_MOV16_ST : FK_NONE;
	case 0x8b: return wide ? FK_MOV_LD : FK_NONE;
	case 0xb8 ... 0xbf: return wide ? FK_MOV_RI : FK_NONE;
	case 0xc7: return wide && rop == 0 ? FK_MOV_MI : FK_NONE;
	case 0x01: case 0x09: case 0x11: case 0x19: case 0x21: case 0x29: case 0x31: case 0x39:
		return wide && (!in->has_mem || aop == 7) ? FK_ALU_ST : FK_NONE;
	case 0x03: case 0x0b: case 0x13: case 0x1b: case 0x23: case 0x2b: case 0x33: case 0x3b:
		return wide ? FK_ALU_LD : FK_NONE;
	case 0x81: case 0x83:
		return wide && (!in->has_mem || rop == 7) ? FK_ALU_I : FK_NONE;
	case 0x85: return wide ? FK_TEST : FK_NONE;
	case 0x8d: return wide && in->has_mem ? FK_LEA : FK_NONE;
	case 0x63: return osz == 8 ? FK_MOVSXD : FK_NONE;
	case 0x70 ... 0x7f: return FK_JCC;
	case 0xe9: case 0xeb: return FK_JMP;
	case 0xe8: return in->pfx_66 ? FK_NONE : FK_CALL;
	case 0xc3: return in->pfx_66 ? FK_NONE : FK_RET;
	case 0x50 ... 0x57: return in->pfx_66 ? FK_NONE : FK_PUSH;
	case 0x58 ... 0x5f: return in->pfx_66 ? FK_NONE : FK_POP;
	case 0x90: return in->rex & REX_B ? FK_NONE : FK_NOP;
	case 0x00: case 0x08: case 0x10: case 0x18: case 0x20: case 0x28: case 0x30: case 0x38:
		return !in->has_mem || aop == 7 ? FK_ALU8_ST : FK_NONE;
	case 0x02: case 0x0a: case 0x12: case 0x1a: case 0x22: case 0x2a: case 0x32: case 0x3a:
		return FK_ALU8_LD;
	case 0x04: case 0x0c: case 0x14: case 0x1c: case 0x24: case 0x2c: case 0x34: case 0x3c:
		return FK_ALU8_AL;
	case 0x80:
		return !in->has_mem || rop == 7 ? FK_ALU8_I : FK_NONE;
	case 0x84: return FK_TEST8;
	case 0xa8: return FK_TEST8_I;
	case 0xf6: return rop == 0 ? FK_TEST8_I : FK_NONE;
	case 0x88: return FK_MOV8_ST;
	case 0x8a: return FK_MOV8_LD;
	case 0xc6: return rop == 0 ? FK_MOV8_MI : FK_NONE;
	case 0xc1: case 0xd1: case 0xd3: return wide && !in->has_mem ? FK_SHIFT : FK_NONE;
	case 0x05: case 0x0d: case 0x15: case 0x1d: case 0x25: case 0x2d: case 0x35: case 0x3d:
		return wide ? FK_ALU_AX : FK_NONE;
	case 0xa9: return wide ? FK_TEST_I : FK_NONE;
	case 0xf7:
		if (!wide || rop == 1)
			return FK_NONE;
		return rop == 0 ? FK_TEST_I : rop >= 4 || !in->has_mem ? FK_GRP3 : FK_NONE;
	case 0x69: case 0x6b: return wide ? FK_IMUL : FK_NONE;
	case 0xff: return wide && rop < 2 && !in->has_mem ? FK_INCDEC : FK_NONE;
	default: return FK_NONE;
	}
}

/*
 * Operand access forced inline, 64-bit mode only (no segment checks: a TLB tag
 * is always canonical); a miss or page crossing goes to emu_read/emu_write.
 */
#define FAST_INLINE static inline __attribute__((always_inline))

FAST_INLINE uint64_t fast_ld(const void *p, unsigned size)
{
	if (size == 8) { uint64_t v; __builtin_memcpy(&v, p, 8); return v; }
	if (size == 4) { uint32_t v; __builtin_memcpy(&v, p, 4); return v; }
	if (size == 2) { uint16_t v; __builtin_memcpy(&v, p, 2); return v; }
	return *(const uint8_t *)p;
}

FAST_INLINE uint64_t fast_lin(struct emu_cpu *cpu, int seg, uint64_t off)
{
	return off + (seg >= S_FS ? cpu->st->seg[seg].base : 0);
}

FAST_INLINE uint64_t fast_mem_read(struct emu_cpu *cpu, int seg, uint64_t off, unsigned size)
{
	uint64_t lin = fast_lin(cpu, seg, off);
	const struct emu_tlb_entry *e = &cpu->tlb[TLB_READ][(lin >> 12) & (EMU_TLB_SIZE - 1)];
	if (likely(e->tag == ((lin & ~0xfffULL) | (uint64_t)(cpu->cpl == 3)) &&
		   (lin & 0xfff) + size <= 4096))
		return fast_ld((const void *)(uintptr_t)(lin + e->addend), size);
	return emu_read(cpu, seg, off, size);
}

/* size 1, 2, 4 or 8 */
FAST_INLINE void fast_mem_write(struct emu_cpu *cpu, int seg, uint64_t off, unsigned size,
				uint64_t v)
{
	uint64_t lin = fast_lin(cpu, seg, off);
	const struct emu_tlb_entry *e = &cpu->tlb[TLB_WRITE][(lin >> 12) & (EMU_TLB_SIZE - 1)];
	if (likely(e->tag == ((lin & ~0xfffULL) | (uint64_t)(cpu->cpl == 3)) &&
		   (lin & 0xfff) + size <= 4096)) {
		void *p = (void *)(uintptr_t)(lin + e->addend);
		if (size == 8) {
			__builtin_memcpy(p, &v, 8);
		} else if (size == 1) {
			*(uint8_t *)p = (uint8_t)v;
		} else if (size == 2) {
			uint16_t x = (uint16_t)v;
			__builtin_memcpy(p, &x, 2);
		} else {
			uint32_t x = (uint32_t)v;
			__builtin_memcpy(p, &x, 4);
		}
		return;
	}
	emu_write(cpu, seg, off, size, v);
}

FAST_INLINE uint64_t fast_ea(struct emu_cpu *cpu, const struct emu_insn *in)
{
	return ea_of(cpu, in);
}

/* size 1, 2 (MOVZX) or osz */
FAST_INLINE uint64_t fast_rm_read(struct emu_cpu *cpu, const struct emu_insn *in, unsigned size)
{
	if (!in->has_mem) {
		uint64_t v = cpu->st->regs[in->rm];
		if (size == 8)
			return v;
		if (size == 4)
			return (uint32_t)v;
		if (size == 2)
			return (uint16_t)v;
		/* AH-BH without REX */
		if (!in->rex && in->rm >= 4 && in->rm < 8)
			return (cpu->st->regs[in->rm - 4] >> 8) & 0xff;
		return v & 0xff;
	}
	return fast_mem_read(cpu, in->seg, fast_ea(cpu, in), size);
}

/* size 1, 4 or 8 */
FAST_INLINE void fast_rm_write(struct emu_cpu *cpu, const struct emu_insn *in, unsigned size,
			       uint64_t v)
{
	if (!in->has_mem && size == 1)
		reg_set(cpu, in, in->rm, 1, v);
	else if (!in->has_mem)
		cpu->st->regs[in->rm] = size == 8 ? v : (uint32_t)v;
	else
		fast_mem_write(cpu, in->seg, fast_ea(cpu, in), size, v);
}

/* A 4- or 8-byte register write: 32-bit writes zero-extend. */
FAST_INLINE void fast_reg_set(uint64_t *R, unsigned r, unsigned osz, uint64_t v)
{
	R[r] = osz == 8 ? v : (uint32_t)v;
}

/* The group-1 operation aop (0-7) with lazy flags as emu_alu records them; osz 1, 4 or 8 */
FAST_INLINE uint64_t fast_alu(struct emu_cpu *cpu, unsigned aop, unsigned osz, uint64_t a,
				uint64_t b)
{
	uint64_t m = size_mask(osz), r, c;
	a &= m;
	b &= m;
	switch (aop) {
	case 0: r = (a + b) & m; lf_set(cpu, LF_ADD, osz, r, a, b); return r;
	case 2:
		c = emu_get_cf(cpu);
		r = (a + b + c) & m;
		lf_set(cpu, LF_ADC, osz, r, a, b);
		cpu->lf_aux = c;
		return r;
	case 3:
		c = emu_get_cf(cpu);
		r = (a - b - c) & m;
		lf_set(cpu, LF_SBB, osz, r, a, b);
		cpu->lf_aux = c;
		return r;
	case 1: r = a | b; break;
	case 4: r = a & b; break;
	case 6: r = a ^ b; break;
	default: r = (a - b) & m; lf_set(cpu, LF_SUB, osz, r, a, b); return r;
	}
	lf_set(cpu, LF_LOGIC, osz, r, 0, 0);
	return r;
}

/* The 4/8-byte forms with the size a constant in each branch, so that masks fold. */
FAST_INLINE uint64_t fast_rm_read_w(struct emu_cpu *cpu, const struct emu_insn *in, unsigned osz)
{
	return osz == 8 ? fast_rm_read(cpu, in, 8) : fast_rm_read(cpu, in, 4);
}

FAST_INLINE uint64_t fast_alu_w(struct emu_cpu *cpu, unsigned aop, unsigned osz, uint64_t a,
				uint64_t b)
{
	return osz == 8 ? fast_alu(cpu, aop, 8, a, b) : fast_alu(cpu, aop, 4, a, b);
}

/* Next RIP after a taken near branch to t: #GP(0) if t is not canonical. */
FAST_INLINE uint64_t fast_branch(struct emu_cpu *cpu, uint64_t t)
{
	if (unlikely((uint64_t)((int64_t)(t << 16) >> 16) != t))
		emu_raise(cpu, EXC_GP, 0);
	return t;
}

/* Run a fast-kind instruction; nrip is the RIP after it, the result the RIP to go on at. */
FAST_INLINE uint64_t emu_exec_fast(struct emu_cpu *cpu, struct emu_insn *in, uint64_t nrip)
{
	uint64_t *R = cpu->st->regs, v, sp;
	unsigned osz = in->osz;
	switch (in->fast) {
	case FK_MOV_ST:
		fast_rm_write(cpu, in, osz, osz == 8 ? R[in->reg] : (uint32_t)R[in->reg]);
		break;
	case FK_MOV_LD:
		fast_reg_set(R, in->reg, osz, fast_rm_read_w(cpu, in, osz));
		break;
	case FK_MOV_RI:
		fast_reg_set(R, (in->op & 7) | ((in->rex & REX_B) ? 8 : 0), osz, in->imm);
		break;
	case FK_MOV_MI:
		fast_rm_write(cpu, in, osz, in->imm);
		break;
	case FK_ALU_ST: {
		unsigned aop = (in->op >> 3) & 7;
		v = fast_alu_w(cpu, aop, osz, fast_rm_read_w(cpu, in, osz), R[in->reg]);
		if (aop != 7)
			fast_reg_set(R, in->rm, osz, v);
		break;
	}
	case FK_ALU_LD: {
		unsigned aop = (in->op >> 3) & 7;
		v = fast_rm_read_w(cpu, in, osz);
		v = fast_alu_w(cpu, aop, osz, R[in->reg], v);
		if (aop != 7)
			fast_reg_set(R, in->reg, osz, v);
		break;
	}
	case FK_ALU_I: {
		unsigned aop = (in->modrm >> 3) & 7;
		v = fast_alu_w(cpu, aop, osz, fast_rm_read_w(cpu, in, osz), in->imm);
		if (aop != 7)
			fast_reg_set(R, in->rm, osz, v);
		break;
	}
	case FK_TEST:
		v = fast_rm_read_w(cpu, in, osz);
		fast_alu_w(cpu, 4, osz, v, R[in->reg]);
		break;
	case FK_LEA:
		fast_reg_set(R, in->reg, osz, fast_ea(cpu, in));
		break;
	case FK_MOVZX:
		fast_reg_set(R, in->reg, osz, fast_rm_read(cpu, in, in->op == 0xb7 ? 2 : 1));
		break;
	case FK_MOVSXD:
		R[in->reg] = sext(fast_rm_read(cpu, in, 4), 4);
		break;
	case FK_JCC:
		if (emu_cond_inline(cpu, in->op & 0xf))
			return fast_branch(cpu, nrip + in->imm);
		break;
	case FK_JMP:
		return fast_branch(cpu, nrip + in->imm);
	case FK_CALL:
		v = fast_branch(cpu, nrip + in->imm);
		sp = R[R_SP] - 8;
		fast_mem_write(cpu, S_SS, sp, 8, nrip);
		R[R_SP] = sp;
		return v;
	case FK_RET:
		sp = R[R_SP];
		v = fast_branch(cpu, fast_mem_read(cpu, S_SS, sp, 8));
		R[R_SP] = sp + 8;
		return v;
	case FK_PUSH:
		v = R[(in->op & 7) | ((in->rex & REX_B) ? 8 : 0)];
		sp = R[R_SP] - 8;
		fast_mem_write(cpu, S_SS, sp, 8, v);
		R[R_SP] = sp;
		break;
	case FK_POP:
		sp = R[R_SP];
		v = fast_mem_read(cpu, S_SS, sp, 8);
		R[R_SP] = sp + 8;
		R[(in->op & 7) | ((in->rex & REX_B) ? 8 : 0)] = v;
		break;
	case FK_ALU8_ST: {
		unsigned aop = (in->op >> 3) & 7;
		v = fast_alu(cpu, aop, 1, fast_rm_read(cpu, in, 1), reg_get(cpu, in, in->reg, 1));
		if (aop != 7)
			reg_set(cpu, in, in->rm, 1, v);
		break;
	}
	case FK_ALU8_LD: {
		unsigned aop = (in->op >> 3) & 7;
		v = fast_rm_read(cpu, in, 1);
		v = fast_alu(cpu, aop, 1, reg_get(cpu, in, in->reg, 1), v);
		if (aop != 7)
			reg_set(cpu, in, in->reg, 1, v);
		break;
	}
	case FK_ALU8_I: {
		unsigned aop = (in->modrm >> 3) & 7;
		v = fast_alu(cpu, aop, 1, fast_rm_read(cpu, in, 1), in->imm);
		if (aop != 7)
			reg_set(cpu, in, in->rm, 1, v);
		break;
	}
	case FK_ALU8_AL: {
		unsigned aop = (in->op >> 3) & 7;
		v = fast_alu(cpu, aop, 1, R[R_AX], in->imm);
		if (aop != 7)
			R[R_AX] = (R[R_AX] & ~0xffULL) | v;
		break;
	}
	case FK_TEST8:
		v = fast_rm_read(cpu, in, 1);
		fast_alu(cpu, 4, 1, v, reg_get(cpu, in, in->reg, 1));
		break;
	case FK_TEST8_I:
		fast_alu(cpu, 4, 1, in->op == 0xa8 ? R[R_AX] : fast_rm_read(cpu, in, 1), in->imm);
		break;
	case FK_MOV8_ST:
		fast_rm_write(cpu, in, 1, reg_get(cpu, in, in->reg, 1));
		break;
	case FK_MOV8_LD:
		reg_set(cpu, in, in->reg, 1, fast_rm_read(cpu, in, 1));
		break;
	case FK_MOV8_MI:
		fast_rm_write(cpu, in, 1, in->imm);
		break;
	case FK_SHIFT: {
		unsigned cnt = in->op == 0xc1 ? (unsigned)in->imm : in->op == 0xd1 ? 1 : (unsigned)R[R_CX];
		unsigned sop = (in->modrm >> 3) & 7;
		if (sop < 4) {
			v = emu_shift(cpu, sop, osz, R[in->rm], cnt & 0xff);
		} else {
			/* SHL/SAL, SHR, SAR with lazy flags (as emu_shift); a 0 count leaves them */
			uint64_t m = size_mask(osz), a = R[in->rm] & m;
			cnt &= osz == 8 ? 0x3f : 0x1f;
			v = a;
			if (cnt) {
				if (sop == 5)
					v = a >> cnt;
				else if (sop == 7)
					v = (uint64_t)((int64_t)sext(a, osz) >> cnt) & m;
				else
					v = (a << cnt) & m;
				lf_set(cpu, sop == 5 ? LF_SHR : sop == 7 ? LF_SAR : LF_SHL, osz, v, a, cnt);
			}
		}
		fast_reg_set(R, in->rm, osz, v);
		break;
	}
	case FK_CMOV:
		/* the source is read (and may fault) whatever the condition */
		v = fast_rm_read_w(cpu, in, osz);
		if (emu_cond(cpu, in->op & 0xf))
			fast_reg_set(R, in->reg, osz, v);
		else
			fast_reg_set(R, in->reg, osz, R[in->reg]);
		break;
	case FK_SETCC:
		fast_rm_write(cpu, in, 1, emu_cond(cpu, in->op & 0xf));
		break;
	case FK_MOVSX:
		v = in->op == 0xbf ? sext(fast_rm_read(cpu, in, 2), 2) : sext(fast_rm_read(cpu, in, 1), 1);
		fast_reg_set(R, in->reg, osz, v);
		break;
	case FK_ALU_AX: {
		unsigned aop = (in->op >> 3) & 7;
		v = fast_alu_w(cpu, aop, osz, R[R_AX], in->imm);
		if (aop != 7)
			fast_reg_set(R, R_AX, osz, v);
		break;
	}
	case FK_TEST_I:
		fast_alu_w(cpu, 4, osz, in->op == 0xa9 ? R[R_AX] : fast_rm_read_w(cpu, in, osz), in->imm);
		break;
	case FK_INCDEC: {
		/* as exec.c's fn_incdec: CF kept in lf_aux */
		uint64_t m = size_mask(osz), a = R[in->rm] & m, cf = emu_get_cf(cpu);
		int dec = (in->modrm >> 3) & 1;
		v = (dec ? a - 1 : a + 1) & m;
		lf_set(cpu, dec ? LF_DEC : LF_INC, osz, v, a, 1);
		cpu->lf_aux = cf;
		fast_reg_set(R, in->rm, osz, v);
		break;
	}
	case FK_IMUL: {
		/* CF = OF = the product does not fit osz; SF/ZF/PF from it, AF = 0 (as emu_exec) */
		uint64_t a = in->op == 0xaf ? R[in->reg] : in->imm;
		int ovf;
		v = fast_rm_read_w(cpu, in, osz);
		if (osz == 8) {
			int64_t p;
			ovf = __builtin_mul_overflow((int64_t)a, (int64_t)v, &p);
			v = (uint64_t)p;
		} else {
			int32_t p;
			ovf = __builtin_mul_overflow((int32_t)a, (int32_t)v, &p);
			v = (uint32_t)p;
		}
		lf_set(cpu, LF_MUL, osz, v, 0, 0);
		cpu->lf_aux = ovf;
		R[in->reg] = v;
		break;
	}
	case FK_GRP3: {
		unsigned rop = (in->modrm >> 3) & 7;
		if (rop >= 4) {
			emu_muldiv(cpu, in, osz, rop);
		} else if (rop == 2) {
			fast_reg_set(R, in->rm, osz, ~R[in->rm]);
		} else {
			/* NEG: flags as SUB 0 - v */
			v = fast_alu_w(cpu, 5, osz, 0, R[in->rm]);
			fast_reg_set(R, in->rm, osz, v);
		}
		break;
	}
	case FK_MOV16_ST:
		fast_mem_write(cpu, in->seg, fast_ea(cpu, in), 2, R[in->reg]);
		break;
	default:	/* FK_NOP */
		break;
	}
	return nrip;
}

#endif

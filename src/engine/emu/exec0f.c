/*
 * emu: the two-byte opcode map 0F xx (SDM vol. 2, appendix A, table A-3) for
 * integer instructions -- CMOVcc/SETcc/Jcc, bit tests, SHLD/SHRD, CMPXCHG,
 * XADD, MOVZX/MOVSX, BSF/BSR, BSWAP, fences and hints -- and the routing of
 * the MMX/SSE rows to sse.c and of system rows to sys.c.
 *
 * Not emulated: POPCNT, LZCNT/TZCNT semantics (not advertised: F3 0F BC/BD
 * run as BSF/BSR like CPUs without them), RDRAND/RDSEED, XSAVE, MONITOR/MWAIT,
 * FSGSBASE.  CMPXCHG16B is not atomic across vCPUs (CPUID hides CX16).
 */
#include "engine/emu/emu_priv.h"

static void sse(struct emu_cpu *cpu, struct emu_insn *in)
{
	if (cpu->st->cr0 & CR0_EM)
		emu_ud(cpu);
	if (cpu->st->cr0 & CR0_TS)
		emu_raise(cpu, EXC_NM, 0);
	if (emu_exec_sse(cpu, in))
		emu_ud(cpu);
}

/* BT/BTS/BTR/BTC: op 0 test, 1 set, 2 reset, 3 complement. */
static void bittest(struct emu_cpu *cpu, struct emu_insn *in, unsigned op, uint64_t bitoff, int is_imm)
{
	unsigned osz = in->osz, bits = osz * 8;
	uint64_t v, nv, mask;
	int cf;
	if (!in->has_mem) {
		unsigned b = (unsigned)(bitoff & (bits - 1));
		v = reg_get(cpu, in, in->rm, osz);
		mask = 1ULL << b;
		cf = !!(v & mask);
		nv = op == 1 ? v | mask : op == 2 ? v & ~mask : op == 3 ? v ^ mask : v;
		if (op)
			reg_set(cpu, in, in->rm, osz, nv);
	} else {
		uint64_t off = ea_of(cpu, in);
		int64_t disp = 0;
		unsigned b;
		void *p;
		if (is_imm) {
			b = (unsigned)(bitoff & (bits - 1));
		} else {
			int64_t s = (int64_t)sext(bitoff, osz);
			disp = (s >> (osz == 2 ? 4 : osz == 4 ? 5 : 6)) * (int64_t)osz;
			b = (unsigned)(bitoff & (bits - 1));
		}
		off = (off + (uint64_t)disp) & size_mask(in->asz);
		/* Access the byte that holds the bit: same result, fewer split accesses. */
		off = (off + b / 8) & size_mask(in->asz);
		b &= 7;
		mask = 1ULL << b;
		if (!op) {
			cf = !!(emu_read(cpu, in->seg, off, 1) & mask);
		} else if ((p = emu_ptr_rw(cpu, in->seg, off, 1)) != NULL) {
			uint8_t *bp = p, old;
			if (op == 1)
				old = __atomic_fetch_or(bp, (uint8_t)mask, __ATOMIC_SEQ_CST);
			else if (op == 2)
				old = __atomic_fetch_and(bp, (uint8_t)~mask, __ATOMIC_SEQ_CST);
			else
				old = __atomic_fetch_xor(bp, (uint8_t)mask, __ATOMIC_SEQ_CST);
			cf = !!(old & mask);
		} else {
			v = emu_read(cpu, in->seg, off, 1);
			cf = !!(v & mask);
			nv = op == 1 ? v | mask : op == 2 ? v & ~mask : v ^ mask;
			emu_write(cpu, in->seg, off, 1, nv);
		}
	}
	emu_flags_modify(cpu, FL_CF, cf ? FL_CF : 0);
}

static void cmpxchg(struct emu_cpu *cpu, struct emu_insn *in, unsigned sz)
{
	uint64_t acc = reg_get(cpu, in, R_AX, sz), src = reg_get(cpu, in, in->reg, sz), cur;
	if (!in->has_mem) {
		cur = reg_get(cpu, in, in->rm, sz);
		emu_alu(cpu, 7, sz, acc, cur);
		if (cur == acc)
			reg_set(cpu, in, in->rm, sz, src);
		else
			reg_set(cpu, in, R_AX, sz, cur);
		return;
	} else {
		uint64_t off = ea_of(cpu, in);
		void *p = emu_ptr_rw(cpu, in->seg, off, sz);
		if (p) {
			cur = acc;
			if (!emu_cas(p, sz, &cur, src))
				cur &= size_mask(sz);
		} else {
			cur = emu_read(cpu, in->seg, off, sz);
			emu_write(cpu, in->seg, off, sz, cur == acc ? src : cur);
		}
		emu_alu(cpu, 7, sz, acc, cur);
		if (cur != acc)
			reg_set(cpu, in, R_AX, sz, cur);
	}
}

static void cmpxchg8b(struct emu_cpu *cpu, struct emu_insn *in)
{
	uint64_t *R = cpu->st->regs, off;
	if (!in->has_mem)
		emu_ud(cpu);
	off = ea_of(cpu, in);
	if (in->rex & REX_W) {
		uint64_t lo, hi;
		if ((emu_linear(cpu, in->seg, off, 16, 1)) & 15)
			emu_raise(cpu, EXC_GP, 0);
		emu_check_write(cpu, in->seg, off, 16);
		lo = emu_read(cpu, in->seg, off, 8);
		hi = emu_read(cpu, in->seg, off + 8, 8);
		if (lo == R[R_AX] && hi == R[R_DX]) {
			emu_write(cpu, in->seg, off, 8, R[R_BX]);
			emu_write(cpu, in->seg, off + 8, 8, R[R_CX]);
			emu_flags_modify(cpu, FL_ZF, FL_ZF);
		} else {
			emu_write(cpu, in->seg, off, 8, lo);
			emu_write(cpu, in->seg, off + 8, 8, hi);
			R[R_AX] = lo;
			R[R_DX] = hi;
			emu_flags_modify(cpu, FL_ZF, 0);
		}
		return;
	}
	{
		uint64_t expect = (R[R_AX] & 0xffffffff) | (R[R_DX] << 32);
		uint64_t nv = (R[R_BX] & 0xffffffff) | (R[R_CX] << 32), cur;
		void *p = emu_ptr_rw(cpu, in->seg, off, 8);
		int ok;
		if (p) {
			cur = expect;
			ok = emu_cas(p, 8, &cur, nv);
		} else {
			cur = emu_read(cpu, in->seg, off, 8);
			ok = cur == expect;
			emu_write(cpu, in->seg, off, 8, ok ? nv : cur);
		}
		if (ok) {
			emu_flags_modify(cpu, FL_ZF, FL_ZF);
		} else {
			R[R_AX] = cur & 0xffffffff;
			R[R_DX] = cur >> 32;
			emu_flags_modify(cpu, FL_ZF, 0);
		}
	}
}

static void xadd(struct emu_cpu *cpu, struct emu_insn *in, unsigned sz)
{
	uint64_t src = reg_get(cpu, in, in->reg, sz), old;
	if (!in->has_mem) {
		old = reg_get(cpu, in, in->rm, sz);
		reg_set(cpu, in, in->reg, sz, old);
		reg_set(cpu, in, in->rm, sz, emu_alu(cpu, 0, sz, old, src));
		return;
	} else {
		uint64_t off = ea_of(cpu, in);
		void *p = emu_ptr_rw(cpu, in->seg, off, sz);
		if (p) {
			old = emu_host_load(p, sz);
			while (!emu_cas(p, sz, &old, (old + src) & size_mask(sz)))
				;
		} else {
			old = emu_read(cpu, in->seg, off, sz);
			emu_write(cpu, in->seg, off, sz, old + src);
		}
		emu_alu(cpu, 0, sz, old, src);
		reg_set(cpu, in, in->reg, sz, old);
	}
}

static void push_pop_fsgs(struct emu_cpu *cpu, struct emu_insn *in, int seg, int pop)
{
	unsigned so = stk_osz(cpu, in);
	uint64_t m = emu_sp_mask(cpu), sp;
	if (pop) {
		emu_load_seg(cpu, seg, (uint16_t)emu_stack_read(cpu, so, 0));
		emu_stack_pop(cpu, so);
		return;
	}
	sp = (cpu->st->regs[R_SP] - so) & m;
	emu_check_write(cpu, S_SS, sp, so);
	emu_write(cpu, S_SS, sp, 2, cpu->st->seg[seg].sel);
	cpu->st->regs[R_SP] = (cpu->st->regs[R_SP] & ~m) | sp;
}

static void lxs(struct emu_cpu *cpu, struct emu_insn *in, int seg)
{
	uint64_t off, v;
	if (!in->has_mem)
		emu_ud(cpu);
	off = ea_of(cpu, in);
	v = emu_read(cpu, in->seg, off, in->osz);
	emu_load_seg(cpu, seg, (uint16_t)emu_read(cpu, in->seg, (off + in->osz) & size_mask(in->asz), 2));
	reg_set(cpu, in, in->reg, in->osz, v);
	if (seg == S_SS)
		cpu->shadow_next = 2;
}

static void grp15(struct emu_cpu *cpu, struct emu_insn *in)
{
	unsigned r = (in->modrm >> 3) & 7;
	if (in->mod == 3) {
		if (in->pfx_f3 || r < 5)
			emu_ud(cpu);	/* RDFSBASE & co, not advertised */
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		return;
	}
	switch (r) {
	case 0: case 1:
		if (cpu->st->cr0 & (CR0_EM | CR0_TS))
			emu_raise(cpu, EXC_NM, 0);
		if (emu_exec_sse(cpu, in))
			emu_ud(cpu);
		return;
	case 2: case 3:
		sse(cpu, in);
		return;
	case 7:		/* CLFLUSH: faults like a byte read */
		if (in->pfx_66)
			emu_ud(cpu);
		emu_read(cpu, in->seg, ea_of(cpu, in), 1);
		return;
	default:
		emu_ud(cpu);
	}
}

void emu_exec_0f(struct emu_cpu *cpu, struct emu_insn *in)
{
	struct cpu_state *st = cpu->st;
	unsigned op = in->op, osz = in->osz, r = (in->modrm >> 3) & 7;
	uint64_t v;

	if ((op >= 0x10 && op <= 0x17) || (op >= 0x28 && op <= 0x2f) || (op >= 0x50 && op <= 0x7f) ||
	    op == 0xc2 || (op >= 0xc4 && op <= 0xc6) || (op >= 0xd0 && op <= 0xfe)) {
		sse(cpu, in);
		return;
	}
	if (op >= 0x40 && op <= 0x4f) {
		v = rm_read(cpu, in, osz);
		if (emu_cond(cpu, op & 0xf))
			reg_set(cpu, in, in->reg, osz, v);
		else if (osz == 4)
			reg_set(cpu, in, in->reg, 4, reg_get(cpu, in, in->reg, 4));
		return;
	}
	if (op >= 0x80 && op <= 0x8f) {
		if (emu_cond(cpu, op & 0xf))
			emu_branch(cpu, in, cpu->next_rip + in->imm);
		return;
	}
	if (op >= 0x90 && op <= 0x9f) {
		rm_write(cpu, in, 1, emu_cond(cpu, op & 0xf));
		return;
	}
	if (op >= 0xc8) {	/* BSWAP */
		unsigned reg = (op & 7) | ((in->rex & REX_B) ? 8 : 0);
		v = reg_get(cpu, in, reg, osz);
		v = osz == 8 ? __builtin_bswap64(v) : osz == 4 ? __builtin_bswap32((uint32_t)v) : 0;
		reg_set(cpu, in, reg, osz, v);
		return;
	}
	switch (op) {
	case 0x00: emu_exec_sys_0f00(cpu, in); return;
	case 0x01: emu_exec_sys_0f01(cpu, in); return;
	case 0x02: case 0x03: emu_exec_sys_0f00(cpu, in); return;
	case 0x05: emu_syscall(cpu); return;
	case 0x06:
		if (cpu->cpl)
			emu_raise(cpu, EXC_GP, 0);
		st->cr0 &= ~(uint64_t)CR0_TS;
		return;
	case 0x07: emu_sysret(cpu, in); return;
	case 0x08: case 0x09:
		if (cpu->cpl)
			emu_raise(cpu, EXC_GP, 0);
		return;
	case 0x0d: case 0x18: case 0x19: case 0x1a: case 0x1b: case 0x1c: case 0x1d: case 0x1e: case 0x1f:
		return;	/* prefetch hints and multi-byte NOPs */
	case 0x20: case 0x22: emu_mov_cr(cpu, in, op == 0x22); return;
	case 0x21: case 0x23: emu_mov_dr(cpu, in, op == 0x23); return;
	case 0x30: emu_wrmsr(cpu); return;
	case 0x31: {
		if ((st->cr4 & CR4_TSD) && cpu->cpl && emu_prot(cpu))
			emu_raise(cpu, EXC_GP, 0);
		v = emu_rdtsc(cpu);
		st->regs[R_AX] = v & 0xffffffff;
		st->regs[R_DX] = v >> 32;
		return;
	}
	case 0x32: emu_rdmsr(cpu); return;
	case 0x33: emu_raise(cpu, EXC_GP, 0);
	case 0x34: emu_sysenter(cpu); return;
	case 0x35: emu_sysexit(cpu, in); return;
	case 0xa0: case 0xa8: push_pop_fsgs(cpu, in, op == 0xa0 ? S_FS : S_GS, 0); return;
	case 0xa1: case 0xa9: push_pop_fsgs(cpu, in, op == 0xa1 ? S_FS : S_GS, 1); return;
	case 0xa2: emu_cpuid(cpu); return;
	case 0xa3: bittest(cpu, in, 0, reg_get(cpu, in, in->reg, osz), 0); return;
	case 0xab: bittest(cpu, in, 1, reg_get(cpu, in, in->reg, osz), 0); return;
	case 0xb3: bittest(cpu, in, 2, reg_get(cpu, in, in->reg, osz), 0); return;
	case 0xbb: bittest(cpu, in, 3, reg_get(cpu, in, in->reg, osz), 0); return;
	case 0xba:
		if (r < 4)
			emu_ud(cpu);
		bittest(cpu, in, r - 4, in->imm & 0xff, 1);
		return;
	case 0xa4: case 0xa5: case 0xac: case 0xad: {
		unsigned cnt = (op & 1) ? (unsigned)(st->regs[R_CX] & 0xff) : (unsigned)(in->imm & 0xff);
		uint64_t src = reg_get(cpu, in, in->reg, osz);
		uint64_t d = rm_read(cpu, in, osz);
		if (in->has_mem)
			emu_check_write(cpu, in->seg, ea_of(cpu, in), osz);
		rm_write(cpu, in, osz, emu_shld(cpu, osz, d, src, cnt, op >= 0xac));
		return;
	}
	case 0xae: grp15(cpu, in); return;
	case 0xaf: {
		int64_t a = (int64_t)sext(reg_get(cpu, in, in->reg, osz), osz);
		int64_t b = (int64_t)sext(rm_read(cpu, in, osz), osz);
		__int128 p = (__int128)a * b;
		uint64_t res = (uint64_t)p & size_mask(osz);
		int ovf = (__int128)(int64_t)sext(res, osz) != p;
		reg_set(cpu, in, in->reg, osz, res);
		emu_flags_set(cpu, res, osz, ovf, ovf, 0);
		return;
	}
	case 0xb0: case 0xb1: cmpxchg(cpu, in, op & 1 ? osz : 1); return;
	case 0xb2: lxs(cpu, in, S_SS); return;
	case 0xb4: lxs(cpu, in, S_FS); return;
	case 0xb5: lxs(cpu, in, S_GS); return;
	case 0xb6: case 0xb7: case 0xbe: case 0xbf: {
		unsigned ssz = (op & 1) ? 2 : 1;
		v = rm_read(cpu, in, ssz);
		reg_set(cpu, in, in->reg, osz, op >= 0xbe ? sext(v, ssz) : v);
		return;
	}
	case 0xbc: case 0xbd:
		v = rm_read(cpu, in, osz);
		if (!v) {
			emu_flags_modify(cpu, FL_ZF, FL_ZF);
			return;
		}
		reg_set(cpu, in, in->reg, osz, op == 0xbc ? (uint64_t)__builtin_ctzll(v) : (uint64_t)(63 - __builtin_clzll(v)));
		emu_flags_modify(cpu, FL_ZF, 0);
		return;
	case 0xc0: case 0xc1: xadd(cpu, in, op & 1 ? osz : 1); return;
	case 0xc3:
		if (!in->has_mem)
			emu_ud(cpu);
		rm_write(cpu, in, osz == 8 ? 8 : 4, reg_get(cpu, in, in->reg, osz == 8 ? 8 : 4));
		return;
	case 0xc7:
		if (r == 1) {
			cmpxchg8b(cpu, in);
			return;
		}
		emu_ud(cpu);
	default:
		emu_ud(cpu);
	}
}

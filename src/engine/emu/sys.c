/*
 * emu: system instructions -- descriptor tables (LGDT/LIDT/SGDT/SIDT,
 * LLDT/LTR/SLDT/STR, LAR/LSL/VERR/VERW), control and debug registers with
 * their reserved-bit #GP rules (SDM vol. 3, 2.5), MSRs, CPUID, the TSC, and
 * the fast system calls SYSCALL/SYSRET, SYSENTER/SYSEXIT, SWAPGS (SDM vol. 2).
 *
 * Not emulated: debug-register breakpoints (DR0-3 are storage, DR7.GD is
 * ignored), PCID, XSAVE (XGETBV/XSETBV #UD), MONITOR/MWAIT, performance
 * counters (RDPMC #GP), machine-check banks.  MTRRs and PAT are storage.
 */
#include "engine/emu/emu_priv.h"

#include <time.h>

static void need_cpl0(struct emu_cpu *cpu)
{
	if (cpu->cpl)
		emu_raise(cpu, EXC_GP, 0);
}

static void need_prot(struct emu_cpu *cpu)
{
	if (!emu_prot(cpu))
		emu_ud(cpu);
}

/* ---- 0F 00 (and LAR/LSL) ---- */

static void lldt_ltr(struct emu_cpu *cpu, uint16_t sel, int tr)
{
	struct cpu_state *st = cpu->st;
	uint32_t lo, hi, a;
	uint64_t base_hi = 0;
	int lm = !!(st->efer & EFER_LMA);
	need_cpl0(cpu);
	if (!(sel & ~3u)) {
		if (tr)
			emu_raise(cpu, EXC_GP, 0);
		st->ldt.sel = sel;
		st->ldt.base = 0;
		st->ldt.limit = 0;
		st->ldt.attr = SEG_UNUSABLE;
		return;
	}
	if (sel & 4)
		emu_raise(cpu, EXC_GP, sel & 0xfffc);
	emu_read_desc(cpu, sel, &lo, &hi, EXC_GP);
	a = (hi >> 8) & 0xf0ff;
	if ((a & SEG_S) || (tr ? !(SEG_TYPE(a) == 9 || (!lm && SEG_TYPE(a) == 1)) : SEG_TYPE(a) != 2))
		emu_raise(cpu, EXC_GP, sel & 0xfffc);
	if (!(a & SEG_P))
		emu_raise(cpu, EXC_NP, sel & 0xfffc);
	if (lm) {
		uint32_t l2, h2;
		if (emu_read_desc(cpu, (uint16_t)(sel + 8), &l2, &h2, -1) || ((h2 >> 8) & 0x1f))
			emu_raise(cpu, EXC_GP, sel & 0xfffc);
		base_hi = (uint64_t)l2 << 32;
	}
	if (tr) {
		/* mark the TSS busy */
		uint64_t dt = st->gdt.base + (sel & ~7u) + 5;
		emu_write_lin(cpu, dt, 1, ((hi >> 8) & 0xff) | 2, 1);
		emu_seg_from_desc(&st->tr, sel, lo, hi | 0x200);
		st->tr.base |= base_hi;
	} else {
		emu_seg_from_desc(&st->ldt, sel, lo, hi);
		st->ldt.base |= base_hi;
	}
}

/* LAR / LSL / VERR / VERW: 1 and *out when accessible. */
static int probe_sel(struct emu_cpu *cpu, uint16_t sel, int kind, uint64_t *out)
{
	uint32_t lo, hi, a;
	unsigned t, dpl;
	int lm = !!(cpu->st->efer & EFER_LMA);
	if (!(sel & ~3u) || emu_read_desc(cpu, sel, &lo, &hi, -1))
		return 0;
	a = (hi >> 8) & 0xf0ff;
	t = SEG_TYPE(a);
	dpl = SEG_DPL(a);
	if (!(a & SEG_S)) {
		static const uint16_t lar_ok = 0x1a3e, lsl_ok = 0x0a0e, lar_lm = 0x1a04, lsl_lm = 0x0a04;
		uint16_t ok = kind == 0 ? (lm ? lar_lm : lar_ok) : kind == 1 ? (lm ? lsl_lm : lsl_ok) : 0;
		if (!((ok >> t) & 1))
			return 0;
	} else if (kind == 2) {		/* VERR: readable */
		if ((t & 0xa) == 0x8)
			return 0;
	} else if (kind == 3) {		/* VERW: writable data */
		if ((t & 8) || !(t & 2))
			return 0;
	}
	/* conforming code skips the privilege check */
	if (!((a & SEG_S) && (t & 0xc) == 0xc) && (dpl < cpu->cpl || dpl < (sel & 3u)))
		return 0;
	if (kind == 0) {
		*out = hi & 0x00f0ff00u;
	} else if (kind == 1) {
		struct seg s;
		emu_seg_from_desc(&s, sel, lo, hi);
		*out = s.limit;
	}
	return 1;
}

void emu_exec_sys_0f00(struct emu_cpu *cpu, struct emu_insn *in)
{
	struct cpu_state *st = cpu->st;
	unsigned r = (in->modrm >> 3) & 7;
	uint64_t v;
	need_prot(cpu);
	if (in->op == 0x02 || in->op == 0x03) {
		uint16_t sel = (uint16_t)emu_rm_read(cpu, in, 2);
		if (probe_sel(cpu, sel, in->op == 0x02 ? 0 : 1, &v)) {
			reg_set(cpu, in, in->reg, in->osz == 2 ? 2 : in->osz, in->osz == 2 ? v & 0xffff : v);
			emu_flags_modify(cpu, FL_ZF, FL_ZF);
		} else {
			emu_flags_modify(cpu, FL_ZF, 0);
		}
		return;
	}
	switch (r) {
	case 0: case 1:
		v = r ? st->tr.sel : st->ldt.sel;
		if (in->has_mem)
			emu_rm_write(cpu, in, 2, v);
		else
			reg_set(cpu, in, in->rm, in->osz, v);
		return;
	case 2: case 3:
		lldt_ltr(cpu, (uint16_t)emu_rm_read(cpu, in, 2), r == 3);
		return;
	case 4: case 5:
		emu_flags_modify(cpu, FL_ZF, probe_sel(cpu, (uint16_t)emu_rm_read(cpu, in, 2), r == 4 ? 2 : 3, &v) ? FL_ZF : 0);
		return;
	default:
		emu_ud(cpu);
	}
}

/* ---- 0F 01 ---- */

static void swapgs(struct emu_cpu *cpu)
{
	struct cpu_state *st = cpu->st;
	uint64_t t;
	if (cpu->mode != MODE_LONG64)
		emu_ud(cpu);
	need_cpl0(cpu);
	t = st->seg[S_GS].base;
	st->seg[S_GS].base = st->kernel_gs_base;
	st->kernel_gs_base = t;
}

void emu_exec_sys_0f01(struct emu_cpu *cpu, struct emu_insn *in)
{
	struct cpu_state *st = cpu->st;
	unsigned r = (in->modrm >> 3) & 7;
	int m64 = cpu->mode == MODE_LONG64;
	if (in->mod == 3) {
		switch (in->modrm) {
		case 0xf8: swapgs(cpu); return;
		case 0xf9: {	/* RDTSCP */
			uint64_t t;
			if ((st->cr4 & CR4_TSD) && cpu->cpl && emu_prot(cpu))
				emu_raise(cpu, EXC_GP, 0);
			t = emu_rdtsc(cpu);
			st->regs[R_AX] = t & 0xffffffff;
			st->regs[R_DX] = t >> 32;
			st->regs[R_CX] = st->tsc_aux & 0xffffffff;
			return;
		}
		default:
			break;
		}
		if (r == 4) {
			reg_set(cpu, in, in->rm, in->osz, st->cr0 & size_mask(in->osz));
			return;
		}
		if (r == 6)
			goto lmsw;
		emu_ud(cpu);
	}
	switch (r) {
	case 0: case 1: {
		uint64_t off = emu_ea(cpu, in);
		struct dtable *t = r ? &st->idt : &st->gdt;
		if (emu_prot(cpu) && (st->cr4 & CR4_UMIP) && cpu->cpl)
			emu_raise(cpu, EXC_GP, 0);
		emu_check_write(cpu, in->seg, off, m64 ? 10 : 6);
		emu_write(cpu, in->seg, off, 2, t->limit);
		emu_write(cpu, in->seg, (off + 2) & size_mask(in->asz), m64 ? 8 : 4, t->base);
		return;
	}
	case 2: case 3: {
		uint64_t off = emu_ea(cpu, in), base;
		uint16_t limit;
		struct dtable *t = r == 3 ? &st->idt : &st->gdt;
		need_cpl0(cpu);
		limit = (uint16_t)emu_read(cpu, in->seg, off, 2);
		base = emu_read(cpu, in->seg, (off + 2) & size_mask(in->asz), m64 ? 8 : 4);
		if (!m64 && in->osz == 2)
			base &= 0xffffff;
		if (m64 && !emu_is_canon(base))
			emu_raise(cpu, EXC_GP, 0);
		t->base = base;
		t->limit = limit;
		return;
	}
	case 4:
		emu_rm_write(cpu, in, 2, st->cr0 & 0xffff);
		return;
	case 6:
lmsw: {
		uint64_t v = emu_rm_read(cpu, in, 2), cr0 = st->cr0;
		need_cpl0(cpu);
		/* LMSW can set PE but never clear it */
		cr0 = (cr0 & ~0xeULL) | (v & 0xe) | ((v | cr0) & 1);
		if ((cr0 ^ st->cr0) & CR0_PE) {
			st->cr0 = cr0;
			emu_update_mode(cpu);
		}
		st->cr0 = cr0;
		return;
	}
	case 7: {
		uint64_t lin;
		need_cpl0(cpu);
		lin = emu_ea(cpu, in) + (m64 && in->seg < S_FS ? 0 : st->seg[in->seg].base);
		if (!m64)
			lin &= 0xffffffff;
		emu_tlb_flush_page(cpu, lin);
		return;
	}
	default:
		emu_ud(cpu);
	}
}

/* ---- control / debug registers ---- */

/* What the CPUID profile lets a guest enable; VME/PVI, PCIDE, OSXSAVE, SMEP... are reserved. */
#define CR4_KNOWN (CR4_TSD | CR4_DE | CR4_PSE | CR4_PAE | CR4_MCE | CR4_PGE | CR4_PCE | \
		   CR4_OSFXSR | CR4_OSXMMEXCPT)

static void write_cr0(struct emu_cpu *cpu, uint64_t v)
{
	struct cpu_state *st = cpu->st;
	uint64_t old = st->cr0;
	if (v >> 32)
		emu_raise(cpu, EXC_GP, 0);
	if ((v & CR0_PG) && !(v & CR0_PE))
		emu_raise(cpu, EXC_GP, 0);
	if ((v & CR0_NW) && !(v & CR0_CD))
		emu_raise(cpu, EXC_GP, 0);
	if ((v & CR0_PG) && !(old & CR0_PG) && (st->efer & EFER_LME)) {
		if (!(st->cr4 & CR4_PAE))
			emu_raise(cpu, EXC_GP, 0);
		st->efer |= EFER_LMA;
	}
	if (!(v & CR0_PG) && (old & CR0_PG) && (st->efer & EFER_LMA)) {
		if (cpu->mode == MODE_LONG64)
			emu_raise(cpu, EXC_GP, 0);
		st->efer &= ~(uint64_t)EFER_LMA;
	}
	st->cr0 = v | CR0_ET;
	if ((old ^ v) & (CR0_PG | CR0_WP | CR0_PE))
		emu_tlb_flush(cpu);
	emu_update_mode(cpu);
}

static void write_cr4(struct emu_cpu *cpu, uint64_t v)
{
	struct cpu_state *st = cpu->st;
	if (v & ~(uint64_t)CR4_KNOWN)
		emu_raise(cpu, EXC_GP, 0);
	if ((st->efer & EFER_LMA) && !(v & CR4_PAE))
		emu_raise(cpu, EXC_GP, 0);
	if ((v ^ st->cr4) & (CR4_PSE | CR4_PAE | CR4_PGE))
		emu_tlb_flush(cpu);
	st->cr4 = v;
}

void emu_mov_cr(struct emu_cpu *cpu, struct emu_insn *in, int to_cr)
{
	struct cpu_state *st = cpu->st;
	unsigned cr = in->reg, sz = cpu->mode == MODE_LONG64 ? 8 : 4;
	uint64_t v;
	if (cr != 0 && cr != 2 && cr != 3 && cr != 4 && cr != 8)
		emu_ud(cpu);
	need_cpl0(cpu);
	if (!to_cr) {
		switch (cr) {
		case 0: v = st->cr0; break;
		case 2: v = st->cr2; break;
		case 3: v = st->cr3; break;
		case 4: v = st->cr4; break;
		default:
			v = cpu->io && cpu->io->get_cr8 ? cpu->io->get_cr8(cpu->io_opaque) : st->cr8;
			break;
		}
		reg_set(cpu, in, in->rm, sz, v);
		return;
	}
	v = reg_get(cpu, in, in->rm, sz);
	switch (cr) {
	case 0: write_cr0(cpu, v); break;
	case 2: st->cr2 = v; break;
	case 3:
		if ((st->efer & EFER_LMA) && (v & cpu->rsvd_mask))
			emu_raise(cpu, EXC_GP, 0);
		st->cr3 = v;
		emu_tlb_flush(cpu);
		break;
	case 4: write_cr4(cpu, v); break;
	default:
		if (v >> 4)
			emu_raise(cpu, EXC_GP, 0);
		st->cr8 = v;
		if (cpu->io && cpu->io->set_cr8)
			cpu->io->set_cr8(cpu->io_opaque, v);
		break;
	}
}

void emu_mov_dr(struct emu_cpu *cpu, struct emu_insn *in, int to_dr)
{
	struct cpu_state *st = cpu->st;
	unsigned dr = in->reg, sz = cpu->mode == MODE_LONG64 ? 8 : 4;
	uint64_t v;
	if (dr > 7)
		emu_ud(cpu);
	if (dr == 4 || dr == 5) {
		if (st->cr4 & CR4_DE)
			emu_ud(cpu);
		dr += 2;
	}
	need_cpl0(cpu);
	if (st->dr[7] & (1u << 13)) {
		/* DR7.GD: general-detect fault, BD in DR6 */
		st->dr[7] &= ~(1ULL << 13);
		st->dr[6] |= 1u << 13;
		/* the faulting instruction re-runs: a single step held over MOV SS starts afresh */
		cpu->db_deferred = 0;
		emu_raise(cpu, EXC_DB, 0);
	}
	if (!to_dr) {
		v = st->dr[dr];
		if (dr == 6)
			v = (v & 0x1e00f) | 0xffff0ff0;
		else if (dr == 7)
			v = (v & 0xffff2fff) | 0x400;
		reg_set(cpu, in, in->rm, sz, v);
		return;
	}
	v = reg_get(cpu, in, in->rm, sz);
	if ((dr == 6 || dr == 7) && (v >> 32))
		emu_raise(cpu, EXC_GP, 0);
	st->dr[dr] = v;
	emu_dr7_changed(cpu);
}

void emu_dr7_changed(struct emu_cpu *cpu)
{
	uint64_t dr7 = cpu->st->dr[7];
	int armed = 0;
	for (int i = 0; i < 4; i++)
		if (((dr7 >> (i * 2)) & 3) && (((dr7 >> (16 + i * 4)) & 3) & 1))
			armed = 1;
	if (armed || cpu->data_bp)
		emu_tlb_flush(cpu);
	cpu->data_bp = (uint8_t)armed;
}

/* ---- TSC, CPUID, MSRs ---- */

uint64_t emu_rdtsc(struct emu_cpu *cpu)
{
	struct timespec ts;
	uint64_t ns;
	if (cpu->io && cpu->io->rdtsc)
		return cpu->io->rdtsc(cpu->io_opaque);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	ns = (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec - cpu->tsc_base_ns;
	/* 2.4 GHz guest TSC */
	return ns * 12 / 5 + (uint64_t)cpu->st->tsc_offset;
}

void emu_cpuid(struct emu_cpu *cpu)
{
	uint64_t *R = cpu->st->regs;
	uint32_t out[4] = { 0, 0, 0, 0 }, fn = (uint32_t)R[R_AX], idx = (uint32_t)R[R_CX];
	if (cpu->io && cpu->io->cpuid) {
		cpu->io->cpuid(cpu->io_opaque, fn, idx, out);
	} else if (fn == 0) {
		out[0] = 1;
		out[1] = 0x756e6547;	/* "GenuineIntel" */
		out[3] = 0x49656e69;
		out[2] = 0x6c65746e;
	} else if (fn == 1) {
		out[0] = 0x663;
		out[3] = 0x0789abf9 & ~(1u << 9);	/* FPU..CMOV, MMX, FXSR, SSE, SSE2 */
		out[2] = 1 | (1u << 13);		/* SSE3, CX16 */
	} else if (fn == 0x80000000) {
		out[0] = 0x80000008;
	} else if (fn == 0x80000001) {
		out[3] = (1u << 11) | (1u << 20) | (1u << 29);	/* SYSCALL, NX, LM */
		out[2] = 1;					/* LAHF */
	} else if (fn == 0x80000008) {
		out[0] = 0x3000 | cpu->maxphy;
	}
	R[R_AX] = out[0];
	R[R_BX] = out[1];
	R[R_CX] = out[2];
	R[R_DX] = out[3];
}

static int mtrr_idx(uint32_t msr)
{
	static const uint32_t fixed[11] = { 0x250, 0x258, 0x259, 0x268, 0x269, 0x26a, 0x26b,
					    0x26c, 0x26d, 0x26e, 0x26f };
	for (int i = 0; i < 11; i++)
		if (fixed[i] == msr)
			return i;
	return -1;
}

static int pat_ok(uint64_t v)
{
	for (int i = 0; i < 8; i++) {
		unsigned t = (v >> (i * 8)) & 0xff;
		if (t == 2 || t == 3 || t > 7)
			return 0;
	}
	return 1;
}

void emu_rdmsr(struct emu_cpu *cpu)
{
	struct cpu_state *st = cpu->st;
	uint32_t msr = (uint32_t)st->regs[R_CX];
	uint64_t v = 0;
	need_cpl0(cpu);
	if (cpu->io && cpu->io->msr_read) {
		int r = cpu->io->msr_read(cpu->io_opaque, msr, &v);
		if (r < 0)
			emu_raise(cpu, EXC_GP, 0);
		if (r == 0)
			goto out;
	}
	switch (msr) {
	case MSR_EFER: v = st->efer; break;
	case MSR_STAR: v = st->star; break;
	case MSR_LSTAR: v = st->lstar; break;
	case MSR_CSTAR: v = st->cstar; break;
	case MSR_SFMASK: v = st->sfmask; break;
	case MSR_FS_BASE: v = st->seg[S_FS].base; break;
	case MSR_GS_BASE: v = st->seg[S_GS].base; break;
	case MSR_KERNEL_GS_BASE: v = st->kernel_gs_base; break;
	case MSR_TSC_AUX: v = st->tsc_aux; break;
	case MSR_IA32_SYSENTER_CS: v = st->sysenter_cs; break;
	case MSR_IA32_SYSENTER_ESP: v = st->sysenter_esp; break;
	case MSR_IA32_SYSENTER_EIP: v = st->sysenter_eip; break;
	case MSR_IA32_TSC: v = emu_rdtsc(cpu); break;
	case MSR_IA32_APIC_BASE: v = st->apic_base; break;
	case MSR_IA32_TSC_DEADLINE: v = st->tsc_deadline; break;
	case MSR_IA32_PAT: v = st->pat; break;
	case MSR_IA32_MISC_ENABLE: v = st->misc_enable; break;
	case MSR_IA32_MTRRCAP: v = 0x508; break;	/* 8 variable ranges, fixed, WC */
	case MSR_IA32_MTRR_DEF_TYPE: v = cpu->mtrr_def; break;
	case MSR_IA32_MCG_CAP: case MSR_IA32_MCG_STATUS: case MSR_IA32_BIOS_SIGN_ID: case 0x17:
		v = 0;
		break;
	case MSR_IA32_FEATURE_CONTROL: v = 1; break;	/* locked, VMX off */
	default:
		if (msr >= 0x200 && msr < 0x210)
			v = cpu->mtrr_var[msr - 0x200];
		else if (mtrr_idx(msr) >= 0)
			v = cpu->mtrr_fixed[mtrr_idx(msr)];
		else
			emu_raise(cpu, EXC_GP, 0);
	}
out:
	st->regs[R_AX] = v & 0xffffffff;
	st->regs[R_DX] = v >> 32;
}

void emu_wrmsr(struct emu_cpu *cpu)
{
	struct cpu_state *st = cpu->st;
	uint32_t msr = (uint32_t)st->regs[R_CX];
	uint64_t v = (st->regs[R_AX] & 0xffffffff) | (st->regs[R_DX] << 32);
	need_cpl0(cpu);
	switch (msr) {
	case MSR_EFER:
		if (v & ~(uint64_t)(EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE))
			emu_raise(cpu, EXC_GP, 0);
		if ((st->cr0 & CR0_PG) && ((v ^ st->efer) & EFER_LME))
			emu_raise(cpu, EXC_GP, 0);
		v = (v & ~(uint64_t)EFER_LMA) | (st->efer & EFER_LMA);
		if ((v ^ st->efer) & EFER_NXE)
			emu_tlb_flush(cpu);
		st->efer = v;
		emu_update_mode(cpu);
		return;
	case MSR_STAR: st->star = v; return;
	case MSR_LSTAR: case MSR_CSTAR: case MSR_FS_BASE: case MSR_GS_BASE: case MSR_KERNEL_GS_BASE:
		if (!emu_is_canon(v))
			emu_raise(cpu, EXC_GP, 0);
		if (msr == MSR_LSTAR) st->lstar = v;
		else if (msr == MSR_CSTAR) st->cstar = v;
		else if (msr == MSR_FS_BASE) st->seg[S_FS].base = v;
		else if (msr == MSR_GS_BASE) st->seg[S_GS].base = v;
		else st->kernel_gs_base = v;
		return;
	case MSR_SFMASK: st->sfmask = v & 0xffffffff; return;
	case MSR_TSC_AUX:
		if (v >> 32)
			emu_raise(cpu, EXC_GP, 0);
		st->tsc_aux = v;
		return;
	case MSR_IA32_SYSENTER_CS: st->sysenter_cs = v & 0xffff; return;
	case MSR_IA32_SYSENTER_ESP: case MSR_IA32_SYSENTER_EIP:
		if (!emu_is_canon(v))
			emu_raise(cpu, EXC_GP, 0);
		if (msr == MSR_IA32_SYSENTER_ESP) st->sysenter_esp = v;
		else st->sysenter_eip = v;
		return;
	case MSR_IA32_TSC:
		st->tsc_offset += (int64_t)(v - emu_rdtsc(cpu));
		return;
	case MSR_IA32_PAT:
		if (!pat_ok(v))
			emu_raise(cpu, EXC_GP, 0);
		st->pat = v;
		return;
	case MSR_IA32_MISC_ENABLE: st->misc_enable = v; return;
	case MSR_IA32_MTRR_DEF_TYPE:
		if (v & ~0xcffULL)
			emu_raise(cpu, EXC_GP, 0);
		cpu->mtrr_def = v;
		return;
	case MSR_IA32_BIOS_SIGN_ID: case MSR_IA32_MCG_STATUS:
		return;
	default:
		break;
	}
	if (cpu->io && cpu->io->msr_write) {
		int r = cpu->io->msr_write(cpu->io_opaque, msr, v);
		if (r < 0)
			emu_raise(cpu, EXC_GP, 0);
		if (!r)
			return;
	}
	if (msr == MSR_IA32_APIC_BASE) {
		st->apic_base = v;
		return;
	} else if (msr == MSR_IA32_TSC_DEADLINE) {
		st->tsc_deadline = v;
		return;
	}
	if (msr >= 0x200 && msr < 0x210) {
		cpu->mtrr_var[msr - 0x200] = v;
		return;
	}
	if (mtrr_idx(msr) >= 0) {
		cpu->mtrr_fixed[mtrr_idx(msr)] = v;
		return;
	}
	emu_raise(cpu, EXC_GP, 0);
}

/* ---- fast system calls ---- */

static void flat_seg(struct seg *s, uint16_t sel, unsigned dpl, int code, int l)
{
	s->sel = sel;
	s->base = 0;
	s->limit = 0xffffffff;
	s->attr = SEG_P | SEG_S | SEG_G | (dpl << 5) | (code ? 0xb : 0x3) |
		  (l ? SEG_L : SEG_DB);
}

void emu_syscall(struct emu_cpu *cpu)
{
	struct cpu_state *st = cpu->st;
	uint64_t fl = emu_get_rflags(cpu);
	uint16_t sel = (uint16_t)(st->star >> 32);
	uint64_t target = cpu->mode == MODE_LONG64 ? st->lstar : st->cstar;
	if (!(st->efer & EFER_SCE) || !(st->efer & EFER_LMA))
		emu_ud(cpu);
	st->regs[R_CX] = cpu->next_rip;
	st->regs[R_R11] = fl & ~(uint64_t)FL_RF;
	flat_seg(&st->seg[S_CS], sel & 0xfffc, 0, 1, 1);
	flat_seg(&st->seg[S_SS], (uint16_t)((sel + 8) & 0xfffc), 0, 0, 0);
	st->seg[S_SS].attr |= SEG_DB;
	emu_set_rflags(cpu, fl & ~st->sfmask & ~(uint64_t)FL_RF);
	cpu->cpl = 0;
	emu_update_mode(cpu);
	cpu->next_rip = target;
	cpu->tf_at_end = 1;
}

void emu_sysret(struct emu_cpu *cpu, struct emu_insn *in)
{
	struct cpu_state *st = cpu->st;
	uint16_t sel = (uint16_t)(st->star >> 48);
	int w = !!(in->rex & REX_W);
	if (!(st->efer & EFER_SCE) || !(st->efer & EFER_LMA))
		emu_ud(cpu);
	if (cpu->cpl || cpu->mode != MODE_LONG64)
		emu_raise(cpu, EXC_GP, 0);
	if (w && !emu_is_canon(st->regs[R_CX]))
		emu_raise(cpu, EXC_GP, 0);
	if (w)
		flat_seg(&st->seg[S_CS], (uint16_t)((sel + 16) | 3), 3, 1, 1);
	else
		flat_seg(&st->seg[S_CS], (uint16_t)(sel | 3), 3, 1, 0);
	/* SS keeps a flat writable descriptor; only the selector is reloaded. */
	flat_seg(&st->seg[S_SS], (uint16_t)((sel + 8) | 3), 3, 0, 0);
	emu_set_rflags(cpu, (st->regs[R_R11] & 0x3c7fd7) | 2);
	cpu->cpl = 3;
	emu_update_mode(cpu);
	cpu->next_rip = w ? st->regs[R_CX] : st->regs[R_CX] & 0xffffffff;
	cpu->tf_at_end = 1;
}

void emu_sysenter(struct emu_cpu *cpu)
{
	struct cpu_state *st = cpu->st;
	uint16_t cs = (uint16_t)st->sysenter_cs;
	int lm = !!(st->efer & EFER_LMA);
	if (!emu_prot(cpu) && cpu->mode != MODE_VM86)
		emu_raise(cpu, EXC_GP, 0);
	if (!(cs & 0xfffc))
		emu_raise(cpu, EXC_GP, 0);
	emu_set_rflags(cpu, emu_get_rflags(cpu) & ~(uint64_t)(FL_VM | FL_IF | FL_RF));
	flat_seg(&st->seg[S_CS], cs & 0xfffc, 0, 1, lm);
	flat_seg(&st->seg[S_SS], (uint16_t)((cs + 8) & 0xfffc), 0, 0, 0);
	cpu->cpl = 0;
	emu_update_mode(cpu);
	st->regs[R_SP] = lm ? st->sysenter_esp : st->sysenter_esp & 0xffffffff;
	cpu->next_rip = lm ? st->sysenter_eip : st->sysenter_eip & 0xffffffff;
}

void emu_sysexit(struct emu_cpu *cpu, struct emu_insn *in)
{
	struct cpu_state *st = cpu->st;
	uint16_t cs = (uint16_t)st->sysenter_cs;
	int w = !!(in->rex & REX_W);
	if (!emu_prot(cpu) || cpu->cpl || !(cs & 0xfffc))
		emu_raise(cpu, EXC_GP, 0);
	if (w && (!emu_is_canon(st->regs[R_CX]) || !emu_is_canon(st->regs[R_DX])))
		emu_raise(cpu, EXC_GP, 0);
	flat_seg(&st->seg[S_CS], (uint16_t)((cs + (w ? 32 : 16)) | 3), 3, 1, w);
	flat_seg(&st->seg[S_SS], (uint16_t)((cs + (w ? 40 : 24)) | 3), 3, 0, 0);
	cpu->cpl = 3;
	emu_update_mode(cpu);
	st->regs[R_SP] = w ? st->regs[R_CX] : st->regs[R_CX] & 0xffffffff;
	cpu->next_rip = w ? st->regs[R_DX] : st->regs[R_DX] & 0xffffffff;
}

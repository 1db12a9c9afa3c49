/*
 * emu: events -- exceptions, external interrupts, NMI and software INT n,
 * delivered through the real-mode IVT, the protected-mode IDT (16/32-bit
 * interrupt and trap gates, stack switch through the TSS, virtual-8086
 * exits) or the IA-32e IDT (64-bit gates, IST), and IRET back (SDM vol. 3,
 * ch. 6, "Interrupt and Exception Handling", and IRET in vol. 2).  Faults
 * during delivery escalate per table 6-5 to #DF and then to shutdown.
 *
 * Not emulated: task gates and the NT-flag task return (#GP), virtual-8086
 * mode extensions (CR4.VME), the EXT bit on descriptor-fetch error codes.
 */
#include "engine/emu/emu_priv.h"

#include "core/log.h"

#include <stdio.h>

void emu_raise(struct emu_cpu *cpu, int vector, uint32_t error_code)
{
	cpu->exc_vector = vector;
	cpu->exc_error = error_code;
	longjmp(cpu->jb, 1);
}

void emu_ud(struct emu_cpu *cpu)
{
	struct cpu_state *st = cpu->st;
	if (!cpu->test_mode) {
		/* name the bytes at rip, read without faulting */
		uint64_t lin = cpu->mode == MODE_LONG64 ? st->rip : (st->seg[S_CS].base + st->rip) & 0xffffffffULL;
		uint64_t gpa;
		uint8_t b[8] = { 0 };
		int n = 0;
		if (!emu_translate(cpu, lin, ACC_X, &gpa)) {
			n = (int)(4096 - (lin & 0xfff));
			if (n > 8)
				n = 8;
			if (gpa_read(cpu->mem, gpa, b, (uint64_t)n))
				n = 0;
		}
		log_ratelimited(&cpu->ud_log, "emu: #UD at %04x:%llx, bytes %02x %02x %02x %02x %02x %02x %02x %02x (%d valid)",
				st->seg[S_CS].sel, (unsigned long long)st->rip, b[0], b[1], b[2], b[3],
				b[4], b[5], b[6], b[7], n);
	}
	emu_raise(cpu, EXC_UD, 0);
}

static int has_error_code(int v)
{
	return v == EXC_DF || (v >= EXC_TS && v <= EXC_PF) || v == EXC_AC;
}

static int contributory(int v)
{
	return v == EXC_DE || (v >= EXC_TS && v <= EXC_GP);
}

void emu_set_rflags_priv(struct emu_cpu *cpu, uint64_t v, uint64_t mask)
{
	uint64_t f = emu_get_rflags(cpu);
	emu_set_rflags(cpu, (f & ~mask) | (v & mask));
}

static void snapshot(struct emu_cpu *cpu)
{
	struct cpu_state *st = cpu->st;
	cpu->snap.rsp = st->regs[R_SP];
	cpu->snap.rflags = emu_get_rflags(cpu);
	for (int i = 0; i < NR_SEGS; i++)
		cpu->snap.seg[i] = st->seg[i];
	cpu->snap.cpl = cpu->cpl;
}

static void restore(struct emu_cpu *cpu)
{
	struct cpu_state *st = cpu->st;
	st->regs[R_SP] = cpu->snap.rsp;
	emu_set_rflags(cpu, cpu->snap.rflags);
	for (int i = 0; i < NR_SEGS; i++)
		st->seg[i] = cpu->snap.seg[i];
	cpu->cpl = cpu->snap.cpl;
	emu_update_mode(cpu);
	if (emu_prot(cpu))
		cpu->cpl = cpu->snap.cpl;
}

/* Push on the (new) stack with the access rights of the CPL being entered. */
static void push_lin(struct emu_cpu *cpu, unsigned size, uint64_t v)
{
	emu_stack_push(cpu, size, v);
}

/*
 * Deliver vector through the IDT.  soft: INT n (gate DPL checked, no EXT);
 * ret: the return address pushed.  Returns the handler's rip.
 */
static uint64_t deliver(struct emu_cpu *cpu, int vec, int has_err, uint32_t err, int soft,
			uint64_t ret)
{
	struct cpu_state *st = cpu->st;
	uint64_t fl = emu_get_rflags(cpu);
	uint32_t ext = soft ? 0 : 1, idt_err = ((uint32_t)vec << 3) | 2 | ext;
	uint32_t glo, ghi, lo, hi, a;
	unsigned gtype, dpl, gsz;
	uint16_t sel;
	uint64_t off;

	if (cpu->mode == MODE_REAL) {
		uint64_t ent = (uint64_t)vec * 4;
		uint16_t ip, cs;
		if (ent + 3 > st->idt.limit)
			emu_raise(cpu, EXC_GP, idt_err);
		ip = (uint16_t)emu_read_lin(cpu, (st->idt.base + ent) & 0xffffffff, 2, 1);
		cs = (uint16_t)emu_read_lin(cpu, (st->idt.base + ent + 2) & 0xffffffff, 2, 1);
		push_lin(cpu, 2, fl);
		push_lin(cpu, 2, st->seg[S_CS].sel);
		push_lin(cpu, 2, ret);
		emu_set_rflags(cpu, fl & ~(uint64_t)(FL_IF | FL_TF | FL_AC | FL_RF));
		emu_set_cs_real(cpu, cs);
		return ip;
	}
	if (cpu->mode == MODE_VM86 && soft && ((fl >> 12) & 3) != 3)
		emu_raise(cpu, EXC_GP, 0);

	if (st->efer & EFER_LMA) {
		uint64_t ent = (uint64_t)vec * 16, v, rsp;
		unsigned ist, ocpl = cpu->cpl;
		uint16_t oss = st->seg[S_SS].sel, ocs = st->seg[S_CS].sel;
		uint64_t orsp = st->regs[R_SP];
		if (ent + 15 > st->idt.limit)
			emu_raise(cpu, EXC_GP, idt_err);
		v = emu_read_lin(cpu, st->idt.base + ent, 8, 1);
		glo = (uint32_t)v;
		ghi = (uint32_t)(v >> 32);
		off = (glo & 0xffff) | (ghi & 0xffff0000u) |
		      ((uint64_t)(uint32_t)emu_read_lin(cpu, st->idt.base + ent + 8, 4, 1) << 32);
		gtype = (ghi >> 8) & 0x1f;
		if (gtype != 0xe && gtype != 0xf)
			emu_raise(cpu, EXC_GP, idt_err);
		if (soft && SEG_DPL(ghi >> 8) < cpu->cpl)
			emu_raise(cpu, EXC_GP, idt_err);
		if (!(ghi & (1u << 15)))
			emu_raise(cpu, EXC_NP, idt_err);
		sel = (uint16_t)(glo >> 16);
		if (!(sel & ~3u))
			emu_raise(cpu, EXC_GP, ext);
		emu_read_desc(cpu, sel, &lo, &hi, EXC_GP);
		a = (hi >> 8) & 0xf0ff;
		dpl = SEG_DPL(a);
		if (!(a & SEG_S) || !(a & 8) || !(a & SEG_L) || (a & SEG_DB) || dpl > cpu->cpl)
			emu_raise(cpu, EXC_GP, (sel & 0xfffc) | ext);
		if (!(a & SEG_P))
			emu_raise(cpu, EXC_NP, (sel & 0xfffc) | ext);
		ist = ghi & 7;
		if (!(a & 4) && dpl < cpu->cpl) {
			rsp = emu_tss64_rsp(cpu, ist ? 2 + ist : dpl);
			st->seg[S_SS].sel = (uint16_t)dpl;
			st->seg[S_SS].base = 0;
			st->seg[S_SS].limit = 0xffffffff;
			st->seg[S_SS].attr = SEG_UNUSABLE | (dpl << 5) | SEG_DB | SEG_S | SEG_P | 3;
			cpu->cpl = (uint8_t)dpl;
		} else {
			rsp = ist ? emu_tss64_rsp(cpu, 2 + ist) : st->regs[R_SP];
			dpl = ocpl;
		}
		st->regs[R_SP] = rsp & ~0xfULL;
		cpu->mode = MODE_LONG64;	/* 8-byte pushes, no limit checks */
		push_lin(cpu, 8, oss);
		push_lin(cpu, 8, orsp);
		push_lin(cpu, 8, fl);
		push_lin(cpu, 8, ocs);
		push_lin(cpu, 8, ret);
		if (has_err)
			push_lin(cpu, 8, err);
		emu_load_cs(cpu, sel, lo, hi, dpl);
		fl &= ~(uint64_t)(FL_TF | FL_NT | FL_RF | FL_VM);
		if (!(gtype & 1))
			fl &= ~(uint64_t)FL_IF;
		emu_set_rflags(cpu, fl);
		return off;
	}

	/* Legacy protected mode */
	{
		uint64_t ent = (uint64_t)vec * 8, v;
		int from_vm86 = cpu->mode == MODE_VM86;
		if (ent + 7 > st->idt.limit)
			emu_raise(cpu, EXC_GP, idt_err);
		v = emu_read_lin(cpu, (st->idt.base + ent) & 0xffffffff, 8, 1);
		glo = (uint32_t)v;
		ghi = (uint32_t)(v >> 32);
		gtype = (ghi >> 8) & 0x1f;
		if (gtype != 0x6 && gtype != 0x7 && gtype != 0xe && gtype != 0xf)
			emu_raise(cpu, EXC_GP, idt_err);	/* includes task gates (0x5) */
		if (soft && SEG_DPL(ghi >> 8) < cpu->cpl)
			emu_raise(cpu, EXC_GP, idt_err);
		if (!(ghi & (1u << 15)))
			emu_raise(cpu, EXC_NP, idt_err);
		gsz = (gtype & 8) ? 4 : 2;
		off = (glo & 0xffff) | (gsz == 4 ? (ghi & 0xffff0000u) : 0);
		sel = (uint16_t)(glo >> 16);
		if (!(sel & ~3u))
			emu_raise(cpu, EXC_GP, ext);
		emu_read_desc(cpu, sel, &lo, &hi, EXC_GP);
		a = (hi >> 8) & 0xf0ff;
		dpl = SEG_DPL(a);
		if (!(a & SEG_S) || !(a & 8) || dpl > cpu->cpl)
			emu_raise(cpu, EXC_GP, (sel & 0xfffc) | ext);
		if (!(a & SEG_P))
			emu_raise(cpu, EXC_NP, (sel & 0xfffc) | ext);
		if (!(a & 4) && dpl < cpu->cpl) {
			uint16_t nss, oss = st->seg[S_SS].sel;
			uint64_t nsp, osp = st->regs[R_SP];
			struct seg ods = st->seg[S_DS], oes = st->seg[S_ES], ofs = st->seg[S_FS],
				   ogs = st->seg[S_GS];
			uint16_t ocs = st->seg[S_CS].sel;
			if (from_vm86 && dpl != 0)
				emu_raise(cpu, EXC_GP, sel & 0xfffc);
			emu_tss_stack(cpu, dpl, &nss, &nsp);
			cpu->mode = MODE_PROT32;	/* descriptor rules while switching */
			emu_load_ss_for(cpu, nss, dpl, EXC_TS);
			cpu->cpl = (uint8_t)dpl;
			st->regs[R_SP] = nsp;
			if (from_vm86) {
				push_lin(cpu, gsz, ogs.sel);
				push_lin(cpu, gsz, ofs.sel);
				push_lin(cpu, gsz, ods.sel);
				push_lin(cpu, gsz, oes.sel);
			}
			push_lin(cpu, gsz, oss);
			push_lin(cpu, gsz, osp);
			push_lin(cpu, gsz, fl);
			push_lin(cpu, gsz, ocs);
			push_lin(cpu, gsz, ret);
			if (has_err)
				push_lin(cpu, gsz, err);
			if (from_vm86) {
				static const int segs[] = { S_ES, S_DS, S_FS, S_GS };
				for (int i = 0; i < 4; i++) {
					st->seg[segs[i]].sel = 0;
					st->seg[segs[i]].attr = SEG_UNUSABLE;
				}
			}
		} else {
			if (from_vm86)
				emu_raise(cpu, EXC_GP, sel & 0xfffc);
			dpl = cpu->cpl;
			push_lin(cpu, gsz, fl);
			push_lin(cpu, gsz, st->seg[S_CS].sel);
			push_lin(cpu, gsz, ret);
			if (has_err)
				push_lin(cpu, gsz, err);
		}
		fl &= ~(uint64_t)(FL_TF | FL_NT | FL_RF | FL_VM);
		if (!(gtype & 1))
			fl &= ~(uint64_t)FL_IF;
		emu_set_rflags(cpu, fl);
		emu_load_cs(cpu, sel, lo, hi, dpl);
		if (off > st->seg[S_CS].limit)
			emu_raise(cpu, EXC_GP, 0);
		return off;
	}
}

/* Deliver an exception/interrupt with cpu->jb armed by emu_run; nested faults come back there. */
static void deliver_event(struct emu_cpu *cpu, int vec, int has_err, uint32_t err, int first)
{
	struct cpu_state *st = cpu->st;
	snapshot(cpu);
	/* Faults push RFLAGS.RF = 1 so the restarted instruction skips its breakpoint. */
	if (first >= 0 && vec != EXC_DB && vec != EXC_BP && vec != EXC_OF)
		emu_set_rflags(cpu, emu_get_rflags(cpu) | FL_RF);
	cpu->in_delivery = 1;
	cpu->first_vector = first;
	st->rip = deliver(cpu, vec, has_err, err, 0, st->rip);
	cpu->in_delivery = 0;
	st->int_shadow = 0;
	st->run_state = CPU_RUNNABLE;
}

int emu_deliver_exception(struct emu_cpu *cpu, int vec, uint32_t err)
{
	struct cpu_state *st = cpu->st;
	if (cpu->in_delivery) {
		int first = cpu->first_vector;
		cpu->in_delivery = 0;
		restore(cpu);
		if (first == EXC_DF) {
			snprintf(cpu->err, sizeof(cpu->err), "triple fault (vector %d)", vec);
			return EMU_STOP_SHUTDOWN;
		}
		if ((contributory(first) && contributory(vec)) ||
		    (first == EXC_PF && (vec == EXC_PF || contributory(vec)))) {
			vec = EXC_DF;
			err = 0;
		}
	} else {
		st->regs[R_SP] = cpu->saved_rsp;
	}
	cpu->exc_vector = vec;
	cpu->exc_error = err;
	if (cpu->test_mode)
		return EMU_STOP_EXCEPTION;
	if (vec == EXC_DB)
		st->dr[7] &= ~(1ULL << 13);	/* GD is cleared on any #DB */
	deliver_event(cpu, vec, has_error_code(vec), err, vec);
	return 0;
}

int emu_deliver_irq(struct emu_cpu *cpu, int vector)
{
	/* Injected at the next emu_run() entry, inside its fault handling. */
	cpu->st->pending_vector = (int16_t)vector;
	cpu->st->pending_has_error = 0;
	return 0;
}

int emu_deliver_nmi(struct emu_cpu *cpu)
{
	cpu->st->nmi_pending = 1;
	return 0;
}

/* Called by emu_run at an instruction boundary; the caller checked the window. */

void emu_do_irq(struct emu_cpu *cpu, int vector)
{
	deliver_event(cpu, vector, 0, 0, -1);
}


void emu_do_nmi(struct emu_cpu *cpu)
{
	cpu->st->nmi_pending = 0;
	deliver_event(cpu, EXC_NMI, 0, 0, -1);
	cpu->nmi_blocked = 1;
}

int emu_irq_window(struct emu_cpu *cpu)
{
	return (cpu->st->rflags & FL_IF) && !cpu->st->int_shadow;
}

void emu_soft_int(struct emu_cpu *cpu, int vector, int kind)
{
	/* The INT instruction itself faults (rip unchanged) if delivery fails. */
	if (kind == 2 && cpu->bp_deferred) {
		/* ICEBP's #DB carries the data breakpoints held over a MOV SS */
		cpu->st->dr[6] = (cpu->st->dr[6] & ~0xfULL) | cpu->bp_deferred;
		cpu->bp_deferred = 0;
	}
	snapshot(cpu);
	cpu->in_delivery = 1;
	cpu->first_vector = -1;
	cpu->next_rip = deliver(cpu, vector, 0, 0, kind != 2, cpu->next_rip);
	cpu->in_delivery = 0;
	/* the handler starts with TF clear: no single-step trap for this instruction */
	cpu->tf_at_end = 1;
	cpu->db_deferred = 0;
}

void emu_iret(struct emu_cpu *cpu, unsigned osz)
{
	struct cpu_state *st = cpu->st;
	uint64_t fl = emu_get_rflags(cpu), nrip, nfl, m;
	uint16_t sel;
	unsigned iopl = (fl >> 12) & 3, rpl;
	uint32_t lo, hi, a;

	if (cpu->mode == MODE_REAL || cpu->mode == MODE_VM86) {
		if (cpu->mode == MODE_VM86 && iopl != 3)
			emu_raise(cpu, EXC_GP, 0);
		nrip = emu_stack_read(cpu, osz, 0);
		sel = (uint16_t)emu_stack_read(cpu, osz, osz);
		nfl = emu_stack_read(cpu, osz, 2 * osz);
		if (osz == 4 && cpu->mode == MODE_REAL && (nrip >> 16))
			emu_raise(cpu, EXC_GP, 0);
		m = emu_sp_mask(cpu);
		st->regs[R_SP] = (st->regs[R_SP] & ~m) | ((st->regs[R_SP] + 3 * osz) & m);
		{
			uint64_t mask = osz == 2 ? 0xffff : 0x257fd5;
			if (cpu->mode == MODE_VM86)
				mask &= ~(uint64_t)FL_IOPL;
			emu_set_rflags(cpu, (fl & ~mask) | (nfl & mask));
		}
		emu_set_cs_real(cpu, sel);
		cpu->next_rip = nrip & size_mask(osz);
		cpu->nmi_blocked = 0;
		return;
	}
	if ((fl & FL_NT) || ((st->efer & EFER_LMA) && (fl & FL_NT)))
		emu_raise(cpu, EXC_GP, 0);	/* task return: not emulated */
	nrip = emu_stack_read(cpu, osz, 0);
	sel = (uint16_t)emu_stack_read(cpu, osz, osz);
	nfl = emu_stack_read(cpu, osz, 2 * osz);
	if (osz == 2)
		nfl = (fl & ~0xffffULL) | (nfl & 0xffff);
	rpl = sel & 3;

	if (!(st->efer & EFER_LMA) && (nfl & FL_VM) && cpu->cpl == 0 && osz == 4) {
		/* Return to virtual-8086 mode. */
		uint64_t nsp = emu_stack_read(cpu, 4, 12);
		uint16_t nss = (uint16_t)emu_stack_read(cpu, 4, 16);
		uint16_t es = (uint16_t)emu_stack_read(cpu, 4, 20), ds = (uint16_t)emu_stack_read(cpu, 4, 24);
		uint16_t fs = (uint16_t)emu_stack_read(cpu, 4, 28), gs = (uint16_t)emu_stack_read(cpu, 4, 32);
		emu_set_rflags(cpu, nfl & 0x3f7fd5);
		emu_update_mode(cpu);
		emu_set_cs_real(cpu, sel);
		emu_load_seg(cpu, S_SS, nss);
		emu_load_seg(cpu, S_ES, es);
		emu_load_seg(cpu, S_DS, ds);
		emu_load_seg(cpu, S_FS, fs);
		emu_load_seg(cpu, S_GS, gs);
		st->regs[R_SP] = nsp & 0xffffffff;
		cpu->next_rip = nrip & 0xffff;
		cpu->nmi_blocked = 0;
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
	if ((st->efer & EFER_LMA) && (a & SEG_L) && (a & SEG_DB))
		emu_raise(cpu, EXC_GP, sel & 0xfffc);
	if (!(a & SEG_P))
		emu_raise(cpu, EXC_NP, sel & 0xfffc);
	{
		uint64_t mask = 0x254dd5, ocpl = cpu->cpl;
		if (ocpl <= iopl)
			mask |= FL_IF;
		if (ocpl == 0)
			mask |= FL_IOPL | FL_VIF | FL_VIP;
		if (osz == 2)
			mask &= 0xffff;
		if (cpu->mode == MODE_LONG64 || rpl > ocpl) {
			uint64_t nsp = emu_stack_read(cpu, osz, 3 * osz);
			uint16_t nss = (uint16_t)emu_stack_read(cpu, osz, 4 * osz);
			emu_load_ss_for(cpu, nss, rpl, EXC_GP);
			emu_load_cs(cpu, sel, lo, hi, rpl);
			if (cpu->mode == MODE_LONG64 || osz == 8)
				st->regs[R_SP] = nsp;
			else {
				m = emu_sp_mask(cpu);
				st->regs[R_SP] = (st->regs[R_SP] & ~m) | (nsp & m);
			}
			if (rpl > ocpl)
				emu_null_outer_segs(cpu);
		} else {
			emu_load_cs(cpu, sel, lo, hi, rpl);
			m = emu_sp_mask(cpu);
			st->regs[R_SP] = (st->regs[R_SP] & ~m) | ((st->regs[R_SP] + 3 * osz) & m);
		}
		emu_set_rflags(cpu, (fl & ~mask) | (nfl & mask));
	}
	if (cpu->mode != MODE_LONG64) {
		nrip &= size_mask(osz);
		if (nrip > st->seg[S_CS].limit)
			emu_raise(cpu, EXC_GP, 0);
	} else if (!emu_is_canon(nrip)) {
		emu_raise(cpu, EXC_GP, 0);
	}
	cpu->next_rip = nrip;
	cpu->nmi_blocked = 0;
}

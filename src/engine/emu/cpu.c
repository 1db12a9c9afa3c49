/*
 * emu: the instruction loop -- fetch/decode, execute, retire, with events
 * (external interrupts, NMI, single-step traps, injected vectors) taken at
 * instruction boundaries per SDM vol. 3, 6.9 ("Priority among simultaneous
 * exceptions and interrupts") -- plus the emu_cpu set-up and the test entry.
 */
#include "engine/emu/fast.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

uint64_t emu_reg_get(struct emu_cpu *cpu, const struct emu_insn *in, unsigned r, unsigned size)
{
	return reg_get(cpu, in, r & 15, size);
}

void emu_reg_set(struct emu_cpu *cpu, const struct emu_insn *in, unsigned r, unsigned size, uint64_t v)
{
	reg_set(cpu, in, r & 15, size, v);
}

void emu_cpu_init(struct emu_cpu *cpu, struct cpu_state *st, struct guest_mem *mem,
		  const struct emu_io_ops *io, void *io_opaque)
{
	struct timespec ts;
	memset(cpu, 0, sizeof(*cpu));
	cpu->st = st;
	cpu->mem = mem;
	cpu->io = io;
	cpu->io_opaque = io_opaque;
	cpu->exc_vector = -1;
	cpu->a20_mask = ~0ULL;
	cpu->maxphy = 40;
	if (io && io->cpuid) {
		uint32_t out[4];
		io->cpuid(io_opaque, 0x80000008, 0, out);
		if ((out[0] & 0xff) >= 32 && (out[0] & 0xff) <= 52)
			cpu->maxphy = (uint8_t)(out[0] & 0xff);
	}
	cpu->rsvd_mask = ((1ULL << 52) - 1) & ~((1ULL << cpu->maxphy) - 1);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	cpu->tsc_base_ns = (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
	emu_cpu_reload(cpu);
	cpu->dcache = emu_dcache_new();
	if (getenv("HVM_EMU_TRACE"))
		cpu->trace = strtoull(getenv("HVM_EMU_TRACE"), NULL, 0);
}

void emu_cpu_fini(struct emu_cpu *cpu)
{
	emu_dcache_free(cpu->dcache);
	cpu->dcache = NULL;
	cpu->dc_last = NULL;
}

void emu_cpu_reload(struct emu_cpu *cpu)
{
	struct cpu_state *st = cpu->st;
	cpu->lf_op = 0;
	st->rflags = (st->rflags & 0x3f7fd5) | 2;
	emu_tlb_flush(cpu);
	emu_update_mode(cpu);
	emu_dr7_changed(cpu);
	/* As VMX does: the CPL is SS.DPL in protected mode. */
	if (emu_prot(cpu))
		cpu->cpl = (uint8_t)SEG_DPL(st->seg[S_SS].attr);
	cpu->in_delivery = 0;
}

/* DR0-3 execute breakpoints: a fault before the instruction (SDM vol. 3, 17.3.1.1). */
static void insn_breakpoint(struct emu_cpu *cpu)
{
	struct cpu_state *st = cpu->st;
	uint64_t lin = cpu->mode == MODE_LONG64 ? st->rip : (st->seg[S_CS].base + st->rip) & 0xffffffffULL;
	uint64_t dr7 = st->dr[7], hit = 0;
	for (int i = 0; i < 4; i++)
		if (((dr7 >> (i * 2)) & 3) && !((dr7 >> (16 + i * 4)) & 3) && st->dr[i] == lin)
			hit |= 1u << i;
	if (!hit)
		return;
	st->dr[6] = (st->dr[6] & ~0xfULL) | hit;
	/* the pushed RFLAGS.RF lets the handler's IRET execute the instruction */
	st->rflags |= FL_RF;
	emu_raise(cpu, EXC_DB, 0);
}

static int inject_pending(struct emu_cpu *cpu)
{
	struct cpu_state *st = cpu->st;
	int v = st->pending_vector;
	st->pending_vector = -1;
	if (v < 32 && (st->pending_has_error || v == EXC_DB || v == EXC_UD || v == EXC_BP ||
		       v == EXC_DE || v == EXC_NM || v == EXC_MF || v == EXC_XM || v == EXC_BR || v == EXC_OF))
		return emu_deliver_exception(cpu, v, st->pending_error);
	emu_do_irq(cpu, v);
	return 0;
}

/* Interrupts, NMI and the halt state at an instruction boundary; EMU_STOP_* or 0. */
static int boundary_events(struct emu_cpu *cpu)
{
	struct cpu_state *st = cpu->st;
	unsigned gen = __atomic_load_n(&cpu->mem->gen, __ATOMIC_ACQUIRE);
	if (unlikely(gen != cpu->map_gen)) {
		/* the memory map changed: cached host pointers may be stale */
		emu_tlb_flush(cpu);
		cpu->map_gen = gen;
	}
	if (cpu->kick)
		return EMU_STOP_KICK;
	if (st->nmi_pending && !cpu->nmi_blocked && !st->int_shadow) {
		emu_do_nmi(cpu);
	} else if (cpu->irq_hint && emu_irq_window(cpu) && cpu->io && cpu->io->irq_ack) {
		int v;
		cpu->irq_hint = 0;
		v = cpu->io->irq_ack(cpu->io_opaque);
		if (v >= 0) {
			emu_do_irq(cpu, v);
			/* more may be pending behind this one: look again later */
			cpu->irq_hint = 1;
		}
	}
	return 0;
}

static void trace_insn(struct emu_cpu *cpu, const struct emu_insn *in)
{
	struct cpu_state *st = cpu->st;
	cpu->trace--;
	fprintf(stderr, "emu: %04x:%016llx m%d op %02x/%02x len %u ax %llx cx %llx dx %llx bx %llx sp %llx si %llx di %llx fl %llx\n",
		st->seg[S_CS].sel, (unsigned long long)st->rip, in->map, in->op, in->modrm, in->len,
		(unsigned long long)st->regs[0], (unsigned long long)st->regs[1],
		(unsigned long long)st->regs[2], (unsigned long long)st->regs[3],
		(unsigned long long)st->regs[4], (unsigned long long)st->regs[6],
		(unsigned long long)st->regs[7], (unsigned long long)emu_get_rflags(cpu));
}

/* One instruction with the debug machinery: TF, RF, DR0-7, MOV SS deferral, tracing. */
static void step_debug(struct emu_cpu *cpu, struct emu_insn *scratch)
{
	struct cpu_state *st = cpu->st;
	struct emu_insn *in;
	int tf;
	uint64_t rf;
	if ((st->dr[7] & 0xff) && !(st->rflags & FL_RF) && !cpu->movss_blocking)
		insn_breakpoint(cpu);
	tf = !!(st->rflags & FL_TF);
	rf = st->rflags & FL_RF;
	in = emu_fetch_insn(cpu, scratch);
	cpu->insn = in;
	cpu->next_rip = st->rip + in->len;
	cpu->shadow_next = 0;
	cpu->tf_at_end = 0;
	cpu->bp_hits = 0;
	if (cpu->trace)
		trace_insn(cpu, in);
	emu_exec(cpu, in);
	st->rip = cpu->mode == MODE_LONG64 ? cpu->next_rip : cpu->next_rip & 0xffffffffULL;
	st->int_shadow = !!cpu->shadow_next;
	cpu->movss_blocking = cpu->shadow_next == 2;
	cpu->icount++;
	/* RF lasts for one completed instruction (IRET/POPF setting it start afresh) */
	if (rf)
		st->rflags &= ~(uint64_t)FL_RF;
	if (cpu->tf_at_end)
		tf = !!(st->rflags & FL_TF);
	if (cpu->bp_hits | cpu->bp_deferred) {
		/* data breakpoint: a trap after the instruction, or after the next one past MOV SS */
		if (cpu->bp_hits && cpu->shadow_next == 2) {
			cpu->bp_deferred |= cpu->bp_hits;
			cpu->bp_hits = 0;
		} else {
			st->dr[6] = (st->dr[6] & ~0xfULL) | cpu->bp_hits | cpu->bp_deferred |
				    (tf ? 1u << 14 : 0);
			cpu->bp_hits = cpu->bp_deferred = 0;
			cpu->saved_rsp = st->regs[R_SP];
			emu_raise(cpu, EXC_DB, 0);
		}
	}
	if (tf | cpu->db_deferred) {
		/* single-step trap after the instruction (SDM vol. 3, 17.3.1.4) */
		if (cpu->shadow_next == 2 && !cpu->db_deferred) {
			cpu->db_deferred = 1;
		} else {
			cpu->db_deferred = 0;
			st->dr[6] |= 1u << 14;
			cpu->saved_rsp = st->regs[R_SP];
			emu_raise(cpu, EXC_DB, 0);
		}
	}
}

/* One instruction through emu_exec, when no debug machinery is armed. */
static inline void step_generic(struct emu_cpu *cpu, struct emu_insn *in)
{
	struct cpu_state *st = cpu->st;
	cpu->insn = in;
	cpu->next_rip = st->rip + in->len;
	cpu->shadow_next = 0;
	cpu->tf_at_end = 0;
	emu_exec(cpu, in);
	st->rip = cpu->mode == MODE_LONG64 ? cpu->next_rip : cpu->next_rip & 0xffffffffULL;
	st->int_shadow = !!cpu->shadow_next;
	cpu->movss_blocking = cpu->shadow_next == 2;
	cpu->icount++;
	if (unlikely(cpu->tf_at_end) && (st->rflags & FL_TF)) {
		/* SYSRET set TF: it traps right after (SDM vol. 2, SYSRET) */
		st->dr[6] |= 1u << 14;
		cpu->saved_rsp = st->regs[R_SP];
		emu_raise(cpu, EXC_DB, 0);
	}
}

/*
 * A run of fast-kind instructions (64-bit mode), the first one `in`, until the
 * budget is spent, another thread wants attention (NULL returned) or the next
 * instruction is not a fast kind (returned, for emu_exec).  Fast kinds change
 * nothing the loop's other checks look at (RFLAGS.TF/RF, DR7, the run state,
 * the shadows, the stop request), so they need no look between them.  RIP and
 * the decode cache entry stay in registers: emu_fetch_fast, inline; a stale
 * cpu->dc_last after a fault is harmless, it is only a hint.  saved_rsp is
 * not kept per instruction: cpu->in_fast tells emu_run's fault path that RSP
 * itself is still the faulting instruction's.
 */
static inline struct emu_insn *run_fast(struct emu_cpu *cpu, struct emu_insn *in, uint64_t end,
					struct emu_insn *scratch)
{
	struct cpu_state *st = cpu->st;
	struct emu_dc_entry *d = cpu->dc_last;
	uint64_t n = cpu->icount, rip = st->rip, nrip, page;
	uintptr_t host;
	/* fast kinds leave RFLAGS.IF alone: while it is clear, an irq_hint only
	 * matters to boundary_events for a memory map change */
	int if_on = !!(st->rflags & FL_IF);
	/* only boundary_events moves map_gen, so it is fixed for the run */
	const unsigned *gen = &cpu->mem->gen;
	unsigned map_gen = cpu->map_gen;

	cpu->in_fast = 1;
	nrip = rip + in->len;
	rip = emu_exec_fast(cpu, in, nrip);
	st->rip = rip;
	st->int_shadow = 0;
	cpu->movss_blocking = 0;
	cpu->icount = ++n;
	/* The CPL is fixed for the run: the page of the last fetch, if it was
	 * remembered at this CPL, stays in registers until a fetch misses it. */
	page = d && cpu->fc_cpl == cpu->cpl ? cpu->fc_page : ~0ULL;
	host = cpu->fc_host;
	for (;;) {
		/* A kick or an NMI is looked at after taken branches only: every loop
		 * has one, and they are asynchronous anyway.  irq_hint also stands
		 * for a memory map change (engine.c), which must not wait. */
		if (unlikely(n >= end) ||
		    unlikely(cpu->irq_hint &&
			     (if_on || __atomic_load_n(gen, __ATOMIC_ACQUIRE) != map_gen)) ||
		    (rip != nrip && unlikely(cpu->kick | st->nmi_pending))) {
			in = NULL;
			break;
		}
		if (likely((rip & ~0xfffULL) == page && (rip & 0xfff) <= 4096 - 16)) {
			const uint8_t *p = (const uint8_t *)(host + (rip & 0xfff));
			if (likely(emu_dc_valid(d + 1, p, EMU_DC_KEY64)))
				d++;
			else if (emu_dc_valid(d + d->tgt, p, EMU_DC_KEY64))
				d += d->tgt;
			else
				goto slow;
			in = &d->in;
		} else {
slow:
			cpu->dc_last = d;
			in = emu_fetch_insn(cpu, scratch);
			d = cpu->dc_last;
			page = d && cpu->fc_cpl == cpu->cpl ? cpu->fc_page : ~0ULL;
			host = cpu->fc_host;
		}
		if (!in->fast)
			break;
		nrip = rip + in->len;
		rip = emu_exec_fast(cpu, in, nrip);
		st->rip = rip;
		cpu->icount = ++n;
	}
	cpu->dc_last = d;
	/* for the emu_exec instruction returned */
	cpu->saved_rsp = st->regs[R_SP];
	cpu->in_fast = 0;
	return in;
}

/*
 * The loop proper, outside emu_run's setjmp frame so the compiler can keep
 * its state in registers; faults longjmp back to emu_run, which re-enters.
 */
static __attribute__((noinline)) enum emu_stop run_loop(struct emu_cpu *cpu, uint64_t end)
{
	struct cpu_state *st = cpu->st;
	struct emu_insn scratch, *in;
	while (cpu->icount < end) {
		if (unlikely(cpu->kick | cpu->irq_hint | st->nmi_pending)) {
			int r = boundary_events(cpu);
			if (r)
				return (enum emu_stop)r;
		}
		if (unlikely(st->run_state != CPU_RUNNABLE))
			return EMU_STOP_HLT;
		cpu->saved_rsp = st->regs[R_SP];
		if (unlikely((st->rflags & (FL_TF | FL_RF)) | (st->dr[7] & 0xff) | cpu->trace |
			     cpu->db_deferred | cpu->bp_deferred)) {
			step_debug(cpu, &scratch);
		} else {
			in = emu_fetch_fast(cpu, &scratch);
			if (likely(in->fast)) {
				in = run_fast(cpu, in, end, &scratch);
				if (!in)
					continue;
			}
			step_generic(cpu, in);
		}
		if (unlikely(cpu->stop_req))
			return (enum emu_stop)cpu->stop_req;
	}
	return EMU_STOP_NONE;
}

enum emu_stop emu_run(struct emu_cpu *cpu, uint64_t max_insns)
{
	struct cpu_state *st = cpu->st;
	uint64_t end = cpu->icount + max_insns;

	cpu->stop_req = 0;
	if (setjmp(cpu->jb)) {
		int r;
		if (cpu->in_fast) {
			/* the faulting fast kind left RSP as it was at its start */
			cpu->saved_rsp = st->regs[R_SP];
			cpu->in_fast = 0;
		}
		/* a delivery counts against the budget, so fault loops still end the run */
		if (!cpu->test_mode)
			cpu->icount++;
		r = emu_deliver_exception(cpu, cpu->exc_vector, cpu->exc_error);
		if (r)
			return (enum emu_stop)r;
		if (cpu->stop_req)
			return (enum emu_stop)cpu->stop_req;
		if (cpu->icount >= end)
			return EMU_STOP_NONE;
	}
	if (unlikely(st->pending_vector >= 0)) {
		int r = inject_pending(cpu);
		if (r)
			return (enum emu_stop)r;
	}
	return run_loop(cpu, end);
}

struct emu_cpu *emu_test_new(struct guest_mem *m, struct cpu_state *st)
{
	struct emu_cpu *cpu = malloc(sizeof(*cpu));
	if (!cpu)
		return NULL;
	emu_cpu_init(cpu, st, m, NULL, NULL);
	cpu->test_mode = 1;
	return cpu;
}

void emu_test_free(struct emu_cpu *cpu)
{
	if (cpu)
		emu_cpu_fini(cpu);
	free(cpu);
}

int emu_test_run(struct emu_cpu *cpu, uint64_t max_insns, int *vector)
{
	enum emu_stop r;
	cpu->exc_vector = -1;
	/* a test resumes a halted CPU */
	if (cpu->st->run_state == CPU_HALTED)
		cpu->st->run_state = CPU_RUNNABLE;
	r = emu_run(cpu, max_insns);
	/* leave the architectural flags readable in st->rflags */
	emu_get_rflags(cpu);
	if (vector)
		*vector = r == EMU_STOP_EXCEPTION ? cpu->exc_vector : -1;
	return (int)r;
}

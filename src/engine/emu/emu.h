/*
 * emu: hvm's software x86-64 CPU -- internal API shared by the files of
 * src/engine/emu/ (integer core, MMU, segmentation, interrupts) and the
 * x87/SSE units (fpu.c, sse.c).
 *
 * Architectural state lives in struct cpu_state (cpu->st, == &vcpu->st), read
 * and written directly, so a vCPU moves to/from the kvm engine without
 * conversion.  Only engine-private things live in struct emu_cpu: the lazy
 * arithmetic flags (emu_get_rflags()/emu_set_rflags() materialise/restore),
 * the software TLB, the mode cache and the exception longjmp target.
 *
 * Faults: every helper below that can fault calls emu_raise(), which does not
 * return (it longjmps out of the instruction).  The instruction is restarted
 * from cpu->st->rip, so an instruction must not change architectural state
 * before its last faulting access (stores go last; use emu_check_write()).
 *
 * Stable once written: changes are additive.
 */
#ifndef HVM_EMU_H
#define HVM_EMU_H

#include <setjmp.h>
#include <stdint.h>

#include "core/cpu_state.h"
#include "core/mem.h"

/* Exception vectors (SDM vol. 3, table 6-1). */
enum {
	EXC_DE = 0, EXC_DB = 1, EXC_NMI = 2, EXC_BP = 3, EXC_OF = 4, EXC_BR = 5, EXC_UD = 6,
	EXC_NM = 7, EXC_DF = 8, EXC_TS = 10, EXC_NP = 11, EXC_SS = 12, EXC_GP = 13,
	EXC_PF = 14, EXC_MF = 16, EXC_AC = 17, EXC_MC = 18, EXC_XM = 19,
};

/* #PF error code bits */
#define PFEC_P		(1u << 0)
#define PFEC_W		(1u << 1)
#define PFEC_U		(1u << 2)
#define PFEC_RSVD	(1u << 3)
#define PFEC_I		(1u << 4)

/* ------------------------------------------------------------------------ */
/* Decoded instruction                                                       */
/* ------------------------------------------------------------------------ */

enum emu_map { MAP_1B = 0, MAP_0F = 1, MAP_0F38 = 2, MAP_0F3A = 3 };

/* REX bits as in the prefix byte. */
#define REX_B	1
#define REX_X	2
#define REX_R	4
#define REX_W	8

#define EA_NOREG 0xff	/* ea_base / ea_index: none */

struct emu_insn {
	uint8_t len;		/* bytes, prefixes included (max 15) */
	uint8_t map;		/* enum emu_map */
	uint8_t op;		/* opcode byte within map */
	uint8_t osz;		/* operand size in bytes: 2, 4, 8 (1 for byte ops is the handler's business) */
	uint8_t asz;		/* address size: 2, 4, 8 */
	uint8_t seg;		/* segment of the memory operand: S_DS/S_SS default or override */
	uint8_t seg_ovr;	/* 1 if a segment override prefix was present */
	uint8_t rex;		/* REX byte (0x40-0x4f) or 0 */
	uint8_t lock;		/* F0 */
	uint8_t rep;		/* 0, 0xf3 (REP/REPE) or 0xf2 (REPNE): the last of F2/F3 seen */
	uint8_t pfx_66;		/* 66 seen (mandatory prefix for SSE) */
	uint8_t pfx_f2, pfx_f3;	/* F2 / F3 seen (mandatory prefix for SSE) */

	uint8_t has_modrm;
	uint8_t modrm;
	uint8_t mod;		/* modrm bits 7:6 */
	uint8_t reg;		/* modrm bits 5:3, + 8 with REX.R */
	uint8_t rm;		/* modrm bits 2:0, + 8 with REX.B (register operand when mod == 3) */
	uint8_t has_mem;	/* modrm names memory (mod != 3) */

	/* Memory operand: offset = base + index*scale + disp (+ next rip when rip_rel), masked to asz */
	uint8_t ea_base;	/* register number or EA_NOREG */
	uint8_t ea_index;	/* register number or EA_NOREG */
	uint8_t ea_scale;	/* 1, 2, 4, 8 */
	uint8_t rip_rel;
	uint8_t imm_len;	/* bytes of the first immediate (0 if none) */
	uint8_t fast;		/* fast-path kind (fast.h), 0 for emu_exec */
	int64_t disp;

	uint64_t imm;		/* first immediate, sign-extended per the opcode's convention */
	uint64_t imm2;		/* second immediate (ENTER ib, far pointer selector) */
};

/* ------------------------------------------------------------------------ */
/* Software TLB                                                              */
/* ------------------------------------------------------------------------ */

#define EMU_TLB_BITS	8
#define EMU_TLB_SIZE	(1u << EMU_TLB_BITS)
enum { TLB_READ, TLB_WRITE, TLB_EXEC, TLB_NR };

struct emu_tlb_entry {
	uint64_t tag;		/* linear page | user-access bit 0; ~0 when empty */
	uintptr_t addend;	/* host = linear + addend (RAM pages only) */
	uint64_t gpa;		/* guest physical page */
};

/* ------------------------------------------------------------------------ */
/* Per-vCPU engine state                                                     */
/* ------------------------------------------------------------------------ */

/* Everything the core needs from the world outside RAM; set by engine.c or the test entry. */
struct emu_io_ops {
	/* Port I/O, size 1/2/4. */
	uint32_t (*pio_in)(void *opaque, uint16_t port, unsigned size);
	void (*pio_out)(void *opaque, uint16_t port, unsigned size, uint32_t val);
	/* MMIO (any physical address that is not RAM/ROM), size 1/2/4/8. */
	uint64_t (*mmio_read)(void *opaque, uint64_t gpa, unsigned size);
	void (*mmio_write)(void *opaque, uint64_t gpa, unsigned size, uint64_t val);
	/* MSRs the core does not own (APIC): 0 handled, <0 #GP, >0 not mine.  May be NULL. */
	int (*msr_read)(void *opaque, uint32_t msr, uint64_t *val);
	int (*msr_write)(void *opaque, uint32_t msr, uint64_t val);
	/* CPUID (answers from the VM's profile); NULL: built-in minimal profile. */
	void (*cpuid)(void *opaque, uint32_t fn, uint32_t idx, uint32_t out[4]);
	/* Guest TSC; NULL: host CLOCK_MONOTONIC based. */
	uint64_t (*rdtsc)(void *opaque);
	/* INTA when an interrupt can be taken (IF=1, no shadow): vector or -1.  NULL: none. */
	int (*irq_ack)(void *opaque);
	/* CR8 <-> local APIC TPR; NULL: plain st->cr8. */
	uint64_t (*get_cr8)(void *opaque);
	void (*set_cr8)(void *opaque, uint64_t v);
};

/* cpu->mode */
enum emu_mode { MODE_REAL, MODE_VM86, MODE_PROT16, MODE_PROT32, MODE_COMPAT16, MODE_COMPAT32, MODE_LONG64 };

/* Results of emu_step()/emu_run() */
enum emu_stop {
	EMU_STOP_NONE,		/* budget spent */
	EMU_STOP_HLT,		/* HLT executed (st->run_state = CPU_HALTED) */
	EMU_STOP_SHUTDOWN,	/* triple fault */
	EMU_STOP_EXCEPTION,	/* test mode: exception not delivered (cpu->exc_vector/exc_error) */
	EMU_STOP_IO,		/* test mode: port I/O executed (cpu->test_io_*) */
	EMU_STOP_ERROR,		/* internal error, message in cpu->err */
	EMU_STOP_KICK,		/* cpu->kick was set */
};

struct emu_cpu {
	struct cpu_state *st;
	struct guest_mem *mem;
	const struct emu_io_ops *io;
	void *io_opaque;

	/* Lazy arithmetic flags: the six status flags of st->rflags are stale while lf_op != 0. */
	uint32_t lf_op;		/* internal op code (flags.c); 0 = st->rflags is current */
	uint64_t lf_res, lf_a, lf_b;
	uint64_t lf_aux;

	/* Mode cache, refreshed by emu_update_mode() after CR0/EFER/CS/RFLAGS.VM changes. */
	uint8_t mode;		/* enum emu_mode */
	uint8_t cpl;
	uint8_t def_osz;	/* default operand size from CS: 2 or 4 (4 in 64-bit mode) */
	uint8_t def_asz;	/* default address size: 2, 4 or 8 */
	uint8_t paging;		/* CR0.PG */

	/* Current instruction */
	struct emu_insn *insn;
	uint64_t next_rip;	/* rip after the current instruction; branches write it */
	uint8_t fetch_buf[16];

	jmp_buf jb;		/* emu_raise() target, set by the instruction loop */
	int exc_vector;		/* last exception raised (-1 none) */
	uint32_t exc_error;
	int exc_nesting;	/* for #DF / triple fault while delivering */

	struct emu_tlb_entry tlb[TLB_NR][EMU_TLB_SIZE];

	uint64_t icount;	/* instructions retired */
	volatile int kick;	/* set by another thread: return from emu_run() soon */
	volatile int irq_hint;	/* an interrupt may be pending: poll the controller */
	unsigned map_gen;	/* mem->gen the TLBs were filled under */
	uint64_t a20_mask;	/* ~0, or ~(1 << 20) while the A20 gate is closed */

	/* Test mode: exceptions/port I/O stop emu_run instead of being delivered/dispatched. */
	int test_mode;
	uint16_t test_io_port;
	uint8_t test_io_size, test_io_write;
	uint32_t test_io_val;

	char err[160];		/* EMU_STOP_ERROR message */
	void *eng;		/* engine.c private (struct vcpu glue) */

	/* Core-private bookkeeping (integer core only). */
	int stop_req;		/* enum emu_stop to return after this instruction */
	uint8_t shadow_next;	/* interrupts blocked after this instruction: 1 STI, 2 MOV/POP SS */
	uint8_t db_deferred;	/* single-step trap held over a MOV SS (SDM vol. 3, 6.8.3) */
	uint8_t movss_blocking;	/* the previous instruction loaded SS: no #DB at this boundary */
	uint8_t data_bp;	/* DR7 arms a data breakpoint: every data access takes the slow path */
	uint8_t bp_hits;	/* data breakpoints hit by this instruction (DR6 B0-B3) */
	uint8_t bp_deferred;	/* hits held over a MOV SS */
	uint8_t nmi_blocked;	/* between NMI delivery and IRET */
	uint8_t in_delivery;	/* delivering an event: nested faults escalate */
	uint8_t maxphy;		/* physical address bits */
	uint8_t tf_at_end;	/* SYSCALL/SYSRET: single-step follows TF after the instruction */
	int first_vector;	/* vector being delivered when a nested fault hits */
	uint64_t rsvd_mask;	/* page-table entry bits above MAXPHYADDR */
	unsigned ud_log;	/* rate-limit state for unknown opcodes */
	uint64_t tsc_base_ns;	/* host ns at which the built-in TSC was 0 */
	uint64_t saved_rsp;	/* RSP at instruction start: restored when it faults */
	uint8_t in_fast;	/* cpu.c: in run_fast, where saved_rsp is left stale: fast kinds
				 * move RSP only after their last access that can fault */
	uint64_t mtrr_var[16], mtrr_fixed[11], mtrr_def;	/* plain storage */
	uint64_t trace;		/* debug: log this many instructions (HVM_EMU_TRACE) */
	void *dcache;		/* decoded-instruction cache (mmu.c), NULL if none */
	void *dc_last;		/* mmu.c: the cache entry fetched last (a hint), or NULL */
	uint64_t fc_page;	/* mmu.c: linear page of the last 64-bit fetch (~0: none) */
	uintptr_t fc_host;	/* its host address, valid until a TLB flush or a CPL change */
	uint8_t fc_cpl;
	struct {		/* state before an event delivery, restored if it faults */
		uint64_t rsp, rflags;
		struct seg seg[NR_SEGS];
		uint8_t cpl;
	} snap;
};

/* ------------------------------------------------------------------------ */
/* Exceptions                                                                */
/* ------------------------------------------------------------------------ */

/*
 * Raise exception `vector` with `error_code` (ignored for vectors that have
 * none: 8, 10-14, 17 push one).  Does not return.  #PF callers set st->cr2.
 */
__attribute__((noreturn)) void emu_raise(struct emu_cpu *cpu, int vector, uint32_t error_code);
__attribute__((noreturn)) void emu_ud(struct emu_cpu *cpu);	/* logs the opcode bytes, rate-limited */
#define emu_gp(cpu, e) emu_raise((cpu), EXC_GP, (e))

/* ------------------------------------------------------------------------ */
/* Flags                                                                     */
/* ------------------------------------------------------------------------ */

uint64_t emu_get_rflags(struct emu_cpu *cpu);	/* full RFLAGS, lazy bits materialised */
void emu_set_rflags(struct emu_cpu *cpu, uint64_t v);	/* raw store (bit 1 forced); no privilege rules */

/* ------------------------------------------------------------------------ */
/* Registers                                                                 */
/* ------------------------------------------------------------------------ */

/* Read general register r (0-15) at size 1/2/4/8; size 1 honours AH..BH without REX. */
uint64_t emu_reg_get(struct emu_cpu *cpu, const struct emu_insn *in, unsigned r, unsigned size);
/* Write with x86-64 rules: 32-bit writes zero-extend, 8/16-bit writes merge. */
void emu_reg_set(struct emu_cpu *cpu, const struct emu_insn *in, unsigned r, unsigned size, uint64_t v);

/* ------------------------------------------------------------------------ */
/* Memory                                                                    */
/* ------------------------------------------------------------------------ */

/* Offset (within in->seg) of the modrm memory operand, masked to the address size. */
uint64_t emu_ea(struct emu_cpu *cpu, const struct emu_insn *in);

/*
 * seg:off -> linear with segment checks (limit, type, canonical in 64-bit
 * mode; #GP(0) or #SS(0)).  write: check for a write access.
 */
uint64_t emu_linear(struct emu_cpu *cpu, int seg, uint64_t off, unsigned len, int write);

/* Data accesses at the current CPL.  len 1..4096 for the buffer forms; may cross pages. */
uint64_t emu_read(struct emu_cpu *cpu, int seg, uint64_t off, unsigned size);	/* size 1/2/4/8 */
void emu_write(struct emu_cpu *cpu, int seg, uint64_t off, unsigned size, uint64_t val);
void emu_read_buf(struct emu_cpu *cpu, int seg, uint64_t off, void *buf, unsigned len);
void emu_write_buf(struct emu_cpu *cpu, int seg, uint64_t off, const void *buf, unsigned len);
/* Fault now if a later write of len bytes at seg:off would fault (checks all pages). */
void emu_check_write(struct emu_cpu *cpu, int seg, uint64_t off, unsigned len);

/* Linear-address accesses; sys = 1 for implicit supervisor accesses (GDT, IDT, TSS). */
uint64_t emu_read_lin(struct emu_cpu *cpu, uint64_t lin, unsigned size, int sys);
void emu_write_lin(struct emu_cpu *cpu, uint64_t lin, unsigned size, uint64_t val, int sys);

/*
 * Host pointer for an aligned-enough RMW of `size` bytes at seg:off (checked
 * for write, A/D set), or NULL when it is MMIO/ROM or crosses a page: then use
 * emu_read + emu_write.  LOCKed instructions use __atomic on the pointer.
 */
void *emu_ptr_rw(struct emu_cpu *cpu, int seg, uint64_t off, unsigned size);

/* Drop every TLB entry (CR0/CR3/CR4 writes) / the entries for one linear page (INVLPG). */
void emu_tlb_flush(struct emu_cpu *cpu);
void emu_tlb_flush_page(struct emu_cpu *cpu, uint64_t lin);

/* ------------------------------------------------------------------------ */
/* x87 / SSE units (fpu.c, sse.c; owned by emu-B)                            */
/* ------------------------------------------------------------------------ */

/*
 * Both units must treat *in as read-only: it may be a cached decode shared
 * by every later execution of the same bytes.
 *
 * x87: opcodes D8-DF (map MAP_1B) and 9B (FWAIT).  The dispatcher already
 * raised #NM for CR0.EM|CR0.TS (D8-DF) and CR0.TS&CR0.MP (9B).  State lives in
 * st->fxsave (FXSAVE layout).  Returns 0 if executed, -1 if the encoding is
 * unknown (the dispatcher then raises #UD); may emu_raise() itself.
 */
int emu_exec_x87(struct emu_cpu *cpu, struct emu_insn *in);

/*
 * SSE/SSE2/MMX: map MAP_0F opcodes 10-17, 28-2F, 50-7F, C2, C4-C6, D0-FF;
 * 0F AE with reg 0-3 and mod != 3 (FXSAVE/FXRSTOR/LDMXCSR/STMXCSR); every
 * opcode of MAP_0F38 and MAP_0F3A.  The dispatcher already raised #UD for
 * CR0.EM and #NM for CR0.TS; the unit itself raises #UD when an XMM/MXCSR
 * instruction runs with CR4.OSFXSR clear, #GP for misaligned movaps & co,
 * #XM/#UD per CR4.OSXMMEXCPT.  Return values as emu_exec_x87.
 */
int emu_exec_sse(struct emu_cpu *cpu, struct emu_insn *in);

/* ------------------------------------------------------------------------ */
/* Core entry points                                                         */
/* ------------------------------------------------------------------------ */

/* Initialise an emu_cpu over st/mem (TLB empty, mode from st). */
void emu_cpu_init(struct emu_cpu *cpu, struct cpu_state *st, struct guest_mem *mem,
		  const struct emu_io_ops *io, void *io_opaque);
/* Free what emu_cpu_init allocated (the emu_cpu itself is the caller's). */
void emu_cpu_fini(struct emu_cpu *cpu);
/* Recompute cpu->mode/def_osz/def_asz (and CPL in real/v86 mode) after a mode change. */
void emu_update_mode(struct emu_cpu *cpu);
/* st was changed from outside: drop the TLB and lazy state, CPL from SS.DPL. */
void emu_cpu_reload(struct emu_cpu *cpu);
/* Execute up to max_insns instructions (interrupt delivery is the caller's). */
enum emu_stop emu_run(struct emu_cpu *cpu, uint64_t max_insns);
/*
 * Deliver an external interrupt / NMI now (the caller checked IF and the
 * shadow).  Returns 0, or an emu_stop value on triple fault / test stop.
 */
int emu_deliver_irq(struct emu_cpu *cpu, int vector);
int emu_deliver_nmi(struct emu_cpu *cpu);
/* True if RFLAGS.IF is set and no STI/MOV SS shadow blocks interrupts. */
int emu_irq_window(struct emu_cpu *cpu);

/* ------------------------------------------------------------------------ */
/* Test entry (unit and differential tests; no struct vm needed)            */
/* ------------------------------------------------------------------------ */

/*
 * A test CPU over `m`/`st` in test mode: exceptions stop the run
 * (EMU_STOP_EXCEPTION, vector in *vector, error in cpu->exc_error, st->rip at
 * the faulting instruction), port I/O stops after the access (reads return
 * all ones; the access is in cpu->test_io_*), MMIO reads return all ones.
 */
struct emu_cpu *emu_test_new(struct guest_mem *m, struct cpu_state *st);
void emu_test_free(struct emu_cpu *cpu);
/*
 * Run until max_insns retired, HLT, an exception or port I/O (a halted CPU
 * is resumed first).  Returns an
 * enum emu_stop; *vector (may be NULL) gets the exception vector or -1.
 * Set cpu->test_mode = 0 to have exceptions delivered through the IDT instead.
 */
int emu_test_run(struct emu_cpu *cpu, uint64_t max_insns, int *vector);

#endif

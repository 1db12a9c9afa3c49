/*
 * emu: helpers shared by the integer-core files of src/engine/emu/ only
 * (not part of the API emu.h offers to the x87/SSE units).
 */
#ifndef HVM_EMU_PRIV_H
#define HVM_EMU_PRIV_H

#include "engine/emu/emu.h"

#define likely(x)	__builtin_expect(!!(x), 1)
#define unlikely(x)	__builtin_expect(!!(x), 0)

/* ---- lazy flags (flags.c) ---- */
/* LF_MUL (two- and three-operand IMUL): CF = OF = lf_aux, AF = 0, SF/ZF/PF from the result.
 * LF_SHL/SHR/SAR (a count of 1-63, already masked, in lf_b; the operand in lf_a): flags as
 * emu_shift sets them. */
enum { LF_NONE, LF_ADD, LF_ADC, LF_SUB, LF_SBB, LF_LOGIC, LF_INC, LF_DEC, LF_MUL,
       LF_SHL, LF_SHR, LF_SAR };
#define LF(op, size)	((uint32_t)(op) << 4 | (size))
#define FL_ARITH	(FL_CF | FL_PF | FL_AF | FL_ZF | FL_SF | FL_OF)

static inline uint64_t size_mask(unsigned size)
{
	return size >= 8 ? ~0ULL : (1ULL << (size * 8)) - 1;
}

static inline uint64_t sign_bit(unsigned size)
{
	return 1ULL << (size * 8 - 1);
}

static inline uint64_t sext(uint64_t v, unsigned size)
{
	switch (size) {
	case 1: return (uint64_t)(int64_t)(int8_t)v;
	case 2: return (uint64_t)(int64_t)(int16_t)v;
	case 4: return (uint64_t)(int64_t)(int32_t)v;
	default: return v;
	}
}

static inline void lf_set(struct emu_cpu *cpu, unsigned op, unsigned size, uint64_t res,
			  uint64_t a, uint64_t b)
{
	cpu->lf_op = LF(op, size);
	cpu->lf_res = res;
	cpu->lf_a = a;
	cpu->lf_b = b;
}

int emu_get_cf(struct emu_cpu *cpu);
int emu_cond(struct emu_cpu *cpu, unsigned cc);
int emu_cond_flags(struct emu_cpu *cpu, unsigned cc);	/* from the materialised RFLAGS */
/* Set the six status flags: SF/ZF/PF from res; CF/OF/AF given. */
void emu_flags_set(struct emu_cpu *cpu, uint64_t res, unsigned size, int cf, int of, int af);
/* Replace only the bits in mask (lazy state materialised first). */
void emu_flags_modify(struct emu_cpu *cpu, uint64_t mask, uint64_t val);

/* Jcc/SETcc/CMOVcc condition cc (0-15), inline for the loop's fast paths. */
static inline __attribute__((always_inline)) int emu_cond_inline(struct emu_cpu *cpu, unsigned cc)
{
	int r;
	/* The common compare-and-branch shapes straight from the recorded operands
	 * (size is 1, 2, 4 or 8 there: masks and sign extension by shifts). */
	if (cpu->lf_op && (cpu->lf_op >> 4) == LF_SUB) {
		unsigned sh = 64 - 8 * (cpu->lf_op & 0xf);
		uint64_t a = cpu->lf_a << sh, b = cpu->lf_b << sh;
		/* operands moved to the top bits: unsigned and signed order are kept */
		int64_t sa = (int64_t)a, sbv = (int64_t)b;
		switch (cc >> 1) {
		case 1: r = a < b; goto out;
		case 2: r = a == b; goto out;
		case 3: r = a <= b; goto out;
		case 6: r = sa < sbv; goto out;
		case 7: r = sa <= sbv; goto out;
		default: break;
		}
	} else if (cpu->lf_op) {
		/* ZF and SF come straight from the result for every recorded op; after a
		 * logic op (TEST/AND/OR/XOR) CF = OF = 0 as well */
		uint64_t res = cpu->lf_res << (64 - 8 * (cpu->lf_op & 0xf));
		int s = (int64_t)res < 0;
		if ((cc >> 1) == 2) {
			r = !res;
			goto out;
		}
		if ((cc >> 1) == 4) {
			r = s;
			goto out;
		}
		if ((cpu->lf_op >> 4) == LF_LOGIC) {
			switch (cc >> 1) {
			case 0: case 1: r = 0; goto out;
			case 3: r = !res; goto out;
			case 6: r = s; goto out;
			case 7: r = s || !res; goto out;
			default: break;
			}
		}
	}
	return emu_cond_flags(cpu, cc);
out:
	return (cc & 1) ? !r : r;
}

/* ---- ALU (alu.c) ---- */
uint64_t emu_alu(struct emu_cpu *cpu, unsigned op, unsigned size, uint64_t a, uint64_t b);
uint64_t emu_shift(struct emu_cpu *cpu, unsigned op, unsigned size, uint64_t v, unsigned cnt);
/* Group 3 MUL/IMUL/DIV/IDIV (op = modrm.reg 4-7) and DAA/DAS/AAA/AAS/AAM/AAD. */
void emu_muldiv(struct emu_cpu *cpu, struct emu_insn *in, unsigned size, unsigned op);
void emu_bcd(struct emu_cpu *cpu, struct emu_insn *in);
uint64_t emu_shld(struct emu_cpu *cpu, unsigned size, uint64_t dst, uint64_t src, unsigned cnt,
		  int right);

/* ---- modes ---- */
static inline int emu_long64(const struct emu_cpu *cpu) { return cpu->mode == MODE_LONG64; }
static inline int emu_prot(const struct emu_cpu *cpu) { return cpu->mode != MODE_REAL && cpu->mode != MODE_VM86; }

/* ---- memory (mmu.c) ---- */
/* Decode the instruction at cs:rip: a cached decode, or `scratch` filled. */
struct emu_insn *emu_fetch_insn(struct emu_cpu *cpu, struct emu_insn *scratch);
void *emu_dcache_new(void);
void emu_dcache_free(void *dc);
int emu_translate(struct emu_cpu *cpu, uint64_t lin, int acc, uint64_t *gpa);	/* 0 or pfec|0x100 */
#define ACC_W	1
#define ACC_U	2
#define ACC_X	4
#define ACC_SYS	8
/* Host pointer for linear lin (translating, may fault), NULL if not RAM (or ROM for writes). */
void *emu_lin_hostptr(struct emu_cpu *cpu, uint64_t lin, int write);
void emu_stack_push(struct emu_cpu *cpu, unsigned size, uint64_t v);
uint64_t emu_stack_pop(struct emu_cpu *cpu, unsigned size);
uint64_t emu_stack_read(struct emu_cpu *cpu, unsigned size, unsigned depth_bytes);
unsigned emu_stack_size(struct emu_cpu *cpu);	/* SS.B: 2/4, or 8 in 64-bit mode */
static inline uint64_t emu_sp_mask(struct emu_cpu *cpu)
{
	return size_mask(emu_stack_size(cpu));
}

/*
 * A decoded-instruction cache entry (mmu.c), here for the inline successor
 * check of the instruction loop: valid while the bytes at hp still match.
 */
struct emu_dc_entry {
	const uint8_t *hp;
	uint64_t b0, b1;	/* the instruction's bytes at decode time, masked by m0/m1 */
	uint64_t m0, m1;
	uint32_t key;		/* mode | def_osz << 4 | def_asz << 8 */
	int32_t tgt;		/* the entry that followed last time other than this + 1, as an offset */
	struct emu_insn in;
};
#define EMU_DC_KEY64	(MODE_LONG64 | 4 << 4 | 8 << 8)

/* Two branches for the caller: the address (a cheap miss), then the key and
 * the bytes or-ed together. */
static inline int emu_dc_valid(const struct emu_dc_entry *d, const uint8_t *p, uint32_t key)
{
	uint64_t b0, b1;
	if (unlikely(d->hp != p))
		return 0;
	__builtin_memcpy(&b0, p, 8);
	__builtin_memcpy(&b1, p + 8, 8);
	return !((d->key ^ key) | ((b0 & d->m0) ^ d->b0) | ((b1 & d->m1) ^ d->b1));
}

/*
 * emu_fetch_insn's commonest cases inline: 64-bit code on the page of the last
 * fetch, whose decode sits in the cache entry after the last one used or in
 * the one that followed it last time (a taken branch).
 */
static inline struct emu_insn *emu_fetch_fast(struct emu_cpu *cpu, struct emu_insn *scratch)
{
	struct emu_dc_entry *d = cpu->dc_last;
	uint64_t lin = cpu->st->rip;
	if (likely(cpu->mode == MODE_LONG64 && d && (lin & ~0xfffULL) == cpu->fc_page &&
		   cpu->cpl == cpu->fc_cpl && (lin & 0xfff) <= 4096 - 16)) {
		const uint8_t *p = (const uint8_t *)(cpu->fc_host + (lin & 0xfff));
		if (likely(emu_dc_valid(d + 1, p, EMU_DC_KEY64))) {
			cpu->dc_last = d + 1;
			return &d[1].in;
		}
		if (emu_dc_valid(d + d->tgt, p, EMU_DC_KEY64)) {
			cpu->dc_last = d + d->tgt;
			return &d[d->tgt].in;
		}
	}
	return emu_fetch_insn(cpu, scratch);
}

/* ---- decode (decode.c) ---- */
/* Decode from bytes buf[0..avail); -1 if more bytes needed (need > avail), -2 #UD, else 0. */
int emu_decode(struct emu_cpu *cpu, struct emu_insn *in, const uint8_t *buf, unsigned avail);

/* ---- segments (seg.c) ---- */
void emu_load_seg(struct emu_cpu *cpu, int seg, uint16_t sel);	/* MOV/POP Sreg rules */
void emu_seg_from_desc(struct seg *s, uint16_t sel, uint32_t lo, uint32_t hi);
/* Read the 8-byte descriptor for sel (GDT/LDT); err_code on failure (#GP(sel)) unless noexc. */
int emu_read_desc(struct emu_cpu *cpu, uint16_t sel, uint32_t *lo, uint32_t *hi, int exc_vec);
void emu_set_desc_accessed(struct emu_cpu *cpu, uint16_t sel, uint32_t hi);
void emu_far_jmp(struct emu_cpu *cpu, uint16_t sel, uint64_t off, int call, unsigned osz);
void emu_far_ret(struct emu_cpu *cpu, unsigned osz, unsigned imm);
void emu_set_cs_real(struct emu_cpu *cpu, uint16_t sel);
/* Legacy TSS ring-n stack (#TS on a bad TSS); 64-bit TSS RSPn (idx 0-2) or IST n (idx 3+n-1). */
void emu_tss_stack(struct emu_cpu *cpu, unsigned dpl, uint16_t *ss, uint64_t *sp);
uint64_t emu_tss64_rsp(struct emu_cpu *cpu, unsigned idx);
/* Validate sel as the stack segment for privilege level cpl and load it (vector: #TS or #GP). */
void emu_load_ss_for(struct emu_cpu *cpu, uint16_t sel, unsigned cpl, int vector);
/* Load CS from a checked descriptor with RPL = cpl; updates cpu->cpl and the mode. */
void emu_load_cs(struct emu_cpu *cpu, uint16_t sel, uint32_t lo, uint32_t hi, unsigned cpl);
/* After a privilege drop: null DS/ES/FS/GS that the new CPL may not use. */
void emu_null_outer_segs(struct emu_cpu *cpu);

/* ---- interrupts (intr.c) ---- */
void emu_iret(struct emu_cpu *cpu, unsigned osz);
/* Deliver an external interrupt / NMI at a boundary (from emu_run, window checked). */
void emu_do_irq(struct emu_cpu *cpu, int vector);
void emu_do_nmi(struct emu_cpu *cpu);
/* Software INT n / INT3 / INTO / INT1 (kind: 0 INT n, 1 INT3/INTO, 2 ICEBP). */
void emu_soft_int(struct emu_cpu *cpu, int vector, int kind);
/* Deliver exception (the loop's catch); returns EMU_STOP_* or 0. */
int emu_deliver_exception(struct emu_cpu *cpu, int vector, uint32_t err);
uint64_t emu_canon(uint64_t v);
static inline int emu_is_canon(uint64_t v) { return emu_canon(v) == v; }
void emu_set_rflags_priv(struct emu_cpu *cpu, uint64_t v, uint64_t mask);

/* ---- system (sys.c) ---- */
void emu_exec_sys_0f01(struct emu_cpu *cpu, struct emu_insn *in);
void emu_exec_sys_0f00(struct emu_cpu *cpu, struct emu_insn *in);
void emu_mov_cr(struct emu_cpu *cpu, struct emu_insn *in, int to_cr);
void emu_mov_dr(struct emu_cpu *cpu, struct emu_insn *in, int to_dr);
void emu_dr7_changed(struct emu_cpu *cpu);	/* re-arm data breakpoints */
void emu_rdmsr(struct emu_cpu *cpu);
void emu_wrmsr(struct emu_cpu *cpu);
void emu_cpuid(struct emu_cpu *cpu);
void emu_syscall(struct emu_cpu *cpu);
void emu_sysret(struct emu_cpu *cpu, struct emu_insn *in);
void emu_sysenter(struct emu_cpu *cpu);
void emu_sysexit(struct emu_cpu *cpu, struct emu_insn *in);
uint64_t emu_rdtsc(struct emu_cpu *cpu);
int emu_io_allowed(struct emu_cpu *cpu, uint16_t port, unsigned size);	/* raises #GP if not */

/* ---- execution ---- */
void emu_exec(struct emu_cpu *cpu, struct emu_insn *in);	/* exec.c */
void emu_exec_0f(struct emu_cpu *cpu, struct emu_insn *in);	/* exec0f.c */
void emu_exec_string(struct emu_cpu *cpu, struct emu_insn *in);	/* string.c */
uint32_t emu_port_in(struct emu_cpu *cpu, uint16_t port, unsigned size);
void emu_port_out(struct emu_cpu *cpu, uint16_t port, unsigned size, uint32_t val);

/* cpu->stop_reason: set by an instruction to end emu_run after it retires */
#define EMU_REQ_STOP(cpu, r) ((cpu)->stop_req = (r))

static inline uint64_t reg_get(struct emu_cpu *cpu, const struct emu_insn *in, unsigned r,
			       unsigned size)
{
	uint64_t *regs = cpu->st->regs;
	switch (size) {
	case 1:
		if (!in->rex && r >= 4 && r < 8)
			return (regs[r - 4] >> 8) & 0xff;
		return regs[r] & 0xff;
	case 2: return regs[r] & 0xffff;
	case 4: return regs[r] & 0xffffffffULL;
	default: return regs[r];
	}
}

static inline void reg_set(struct emu_cpu *cpu, const struct emu_insn *in, unsigned r,
			   unsigned size, uint64_t v)
{
	uint64_t *regs = cpu->st->regs;
	switch (size) {
	case 1:
		if (!in->rex && r >= 4 && r < 8)
			regs[r - 4] = (regs[r - 4] & ~0xff00ULL) | ((v & 0xff) << 8);
		else
			regs[r] = (regs[r] & ~0xffULL) | (v & 0xff);
		break;
	case 2: regs[r] = (regs[r] & ~0xffffULL) | (v & 0xffff); break;
	case 4: regs[r] = v & 0xffffffffULL; break;
	default: regs[r] = v; break;
	}
}

/* Operand size of stack operations and near branches: 64 by default in 64-bit mode. */
static inline unsigned stk_osz(const struct emu_cpu *cpu, const struct emu_insn *in)
{
	if (cpu->mode == MODE_LONG64)
		return in->pfx_66 ? 2 : 8;
	return in->osz;
}

/* Jump to target (already computed) with the CS limit / canonical checks. */
void emu_branch(struct emu_cpu *cpu, const struct emu_insn *in, uint64_t target);
/* Compare-and-swap on a host pointer of size 1/2/4/8. */
int emu_cas(void *p, unsigned size, uint64_t *old, uint64_t nv);
uint64_t emu_host_load(const void *p, unsigned size);
void emu_host_store(void *p, unsigned size, uint64_t v);

/* Loads/stores of 1/2/4/8 bytes at an unaligned host address, without a libc call. */
static inline uint64_t host_ld(const void *p, unsigned size)
{
	switch (size) {
	case 1: return *(const uint8_t *)p;
	case 2: { uint16_t v; __builtin_memcpy(&v, p, 2); return v; }
	case 4: { uint32_t v; __builtin_memcpy(&v, p, 4); return v; }
	default: { uint64_t v; __builtin_memcpy(&v, p, 8); return v; }
	}
}

static inline void host_st(void *p, unsigned size, uint64_t v)
{
	switch (size) {
	case 1: *(uint8_t *)p = (uint8_t)v; break;
	case 2: { uint16_t x = (uint16_t)v; __builtin_memcpy(p, &x, 2); break; }
	case 4: { uint32_t x = (uint32_t)v; __builtin_memcpy(p, &x, 4); break; }
	default: __builtin_memcpy(p, &v, 8); break;
	}
}

/*
 * Inline fast paths for 64-bit mode data accesses that hit the TLB; anything
 * else (segment checks, misses, page crossings, MMIO) goes to emu_read/emu_write.
 * A TLB tag only ever holds a canonical page, so no canonical check is needed.
 */
static inline uint64_t mem_read(struct emu_cpu *cpu, int seg, uint64_t off, unsigned size)
{
	if (likely(cpu->mode == MODE_LONG64)) {
		uint64_t lin = off + (seg >= S_FS ? cpu->st->seg[seg].base : 0);
		const struct emu_tlb_entry *e = &cpu->tlb[TLB_READ][(lin >> 12) & (EMU_TLB_SIZE - 1)];
		if (likely(e->tag == ((lin & ~0xfffULL) | (uint64_t)(cpu->cpl == 3)) &&
			   (lin & 0xfff) + size <= 4096)) {
			return host_ld((const void *)(uintptr_t)(lin + e->addend), size);
		}
	}
	return emu_read(cpu, seg, off, size);
}

static inline void mem_write(struct emu_cpu *cpu, int seg, uint64_t off, unsigned size, uint64_t v)
{
	if (likely(cpu->mode == MODE_LONG64)) {
		uint64_t lin = off + (seg >= S_FS ? cpu->st->seg[seg].base : 0);
		const struct emu_tlb_entry *e = &cpu->tlb[TLB_WRITE][(lin >> 12) & (EMU_TLB_SIZE - 1)];
		if (likely(e->tag == ((lin & ~0xfffULL) | (uint64_t)(cpu->cpl == 3)) &&
			   (lin & 0xfff) + size <= 4096)) {
			host_st((void *)(uintptr_t)(lin + e->addend), size, v);
			return;
		}
	}
	emu_write(cpu, seg, off, size, v);
}

/* emu_ptr_rw with mem_write's inline TLB hit (write entries are filled with D set). */
static inline void *ptr_rw(struct emu_cpu *cpu, int seg, uint64_t off, unsigned size)
{
	if (likely(cpu->mode == MODE_LONG64)) {
		uint64_t lin = off + (seg >= S_FS ? cpu->st->seg[seg].base : 0);
		const struct emu_tlb_entry *e = &cpu->tlb[TLB_WRITE][(lin >> 12) & (EMU_TLB_SIZE - 1)];
		if (likely(e->tag == ((lin & ~0xfffULL) | (uint64_t)(cpu->cpl == 3)) &&
			   (lin & 0xfff) + size <= 4096))
			return (void *)(uintptr_t)(lin + e->addend);
	}
	return emu_ptr_rw(cpu, seg, off, size);
}

/* The modrm memory operand's offset and the rm operand itself, inline for the hot paths. */
static inline __attribute__((always_inline)) uint64_t ea_of(struct emu_cpu *cpu, const struct emu_insn *in)
{
	uint64_t ea = (uint64_t)in->disp;
	if (in->ea_base != EA_NOREG)
		ea += cpu->st->regs[in->ea_base];
	if (in->ea_index != EA_NOREG)
		ea += cpu->st->regs[in->ea_index] * in->ea_scale;
	if (in->rip_rel)
		ea += cpu->st->rip + in->len;
	return ea & size_mask(in->asz);
}

static inline uint64_t rm_read(struct emu_cpu *cpu, struct emu_insn *in, unsigned size)
{
	if (!in->has_mem)
		return reg_get(cpu, in, in->rm, size);
	return mem_read(cpu, in->seg, ea_of(cpu, in), size);
}

static inline void rm_write(struct emu_cpu *cpu, struct emu_insn *in, unsigned size, uint64_t v)
{
	if (!in->has_mem)
		reg_set(cpu, in, in->rm, size, v);
	else
		mem_write(cpu, in->seg, ea_of(cpu, in), size, v);
}

/* rm operand helpers (exec.c) */
uint64_t emu_rm_read(struct emu_cpu *cpu, struct emu_insn *in, unsigned size);
void emu_rm_write(struct emu_cpu *cpu, struct emu_insn *in, unsigned size, uint64_t v);

#endif

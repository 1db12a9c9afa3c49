/*
 * emu x87/SSE units: definitions shared by fpu.c, sse.c, sse_int.c and
 * sse_fp.c.  The state is cpu->st->fxsave in the 64-bit FXSAVE layout of the
 * Intel SDM vol. 1, table 10-2 (FIP/FDP as 64-bit fields), so it moves between
 * engines unchanged.
 */
#ifndef HVM_EMU_FPU_H
#define HVM_EMU_FPU_H

#include <stdint.h>
#include <string.h>

#include "engine/emu/emu.h"

/* FXSAVE image offsets */
#define FX_FCW		0
#define FX_FSW		2
#define FX_FTW		4	/* abridged: bit i = physical register Ri valid */
#define FX_FOP		6
#define FX_FIP		8
#define FX_FDP		16
#define FX_MXCSR	24
#define FX_MXCSR_MASK	28
#define FX_ST0		32	/* ST(i) / MMi at 32 + 16*i */
#define FX_XMM0		160	/* XMMi at 160 + 16*i */

/* MXCSR */
#define MXCSR_IE	0x0001
#define MXCSR_DE	0x0002
#define MXCSR_ZE	0x0004
#define MXCSR_OE	0x0008
#define MXCSR_UE	0x0010
#define MXCSR_PE	0x0020
#define MXCSR_FLAGS	0x003f
#define MXCSR_DAZ	0x0040
#define MXCSR_MASKS	0x1f80
#define MXCSR_RC	0x6000
#define MXCSR_FZ	0x8000
#define MXCSR_VALID	0xffffu	/* MXCSR_MASK reported by FXSAVE */
#define MXCSR_RESET	0x1f80

/* x87 control word: bits 7 and 13-15 read as 0, bit 6 as 1 */
#define FCW_FIX(w)	((uint16_t)(((w) & 0x1f3f) | 0x0040))

/* x87 status word */
#define FSW_IE		0x0001
#define FSW_DE		0x0002
#define FSW_ZE		0x0004
#define FSW_OE		0x0008
#define FSW_UE		0x0010
#define FSW_PE		0x0020
#define FSW_SF		0x0040
#define FSW_ES		0x0080
#define FSW_C0		0x0100
#define FSW_C1		0x0200
#define FSW_C2		0x0400
#define FSW_TOP		0x3800
#define FSW_C3		0x4000
#define FSW_B		0x8000
#define FSW_CC		(FSW_C0 | FSW_C1 | FSW_C2 | FSW_C3)

union vec {
	uint8_t b[16];
	int8_t sb[16];
	uint16_t w[8];
	int16_t sw[8];
	uint32_t d[4];
	int32_t sd[4];
	uint64_t q[2];
	int64_t sq[2];
	float f[4];
	double df[2];
};

static inline uint8_t *fx_xmm(struct emu_cpu *cpu, unsigned n)
{
	return cpu->st->fxsave + FX_XMM0 + 16 * (n & 15);
}

static inline uint8_t *fx_st(struct emu_cpu *cpu, unsigned i)
{
	return cpu->st->fxsave + FX_ST0 + 16 * (i & 7);
}

static inline uint16_t fx_get16(const struct emu_cpu *cpu, unsigned off)
{
	uint16_t v;
	memcpy(&v, cpu->st->fxsave + off, 2);
	return v;
}

static inline void fx_put16(struct emu_cpu *cpu, unsigned off, uint16_t v)
{
	memcpy(cpu->st->fxsave + off, &v, 2);
}

static inline uint32_t fx_mxcsr(const struct emu_cpu *cpu)
{
	uint32_t v;
	memcpy(&v, cpu->st->fxsave + FX_MXCSR, 4);
	return v;
}

static inline void fx_set_mxcsr(struct emu_cpu *cpu, uint32_t v)
{
	memcpy(cpu->st->fxsave + FX_MXCSR, &v, 4);
}

/* x87 stack state in the FXSAVE image */
static inline uint16_t fcw(struct emu_cpu *cpu) { return fx_get16(cpu, FX_FCW); }
static inline uint16_t fsw(struct emu_cpu *cpu) { return fx_get16(cpu, FX_FSW); }
static inline void set_fsw(struct emu_cpu *cpu, uint16_t v) { fx_put16(cpu, FX_FSW, v); }
static inline unsigned top(struct emu_cpu *cpu) { return (fsw(cpu) >> 11) & 7; }

static inline void set_top(struct emu_cpu *cpu, unsigned t)
{
	set_fsw(cpu, (uint16_t)((fsw(cpu) & ~FSW_TOP) | ((t & 7) << 11)));
}

static inline int valid(struct emu_cpu *cpu, unsigned i)
{
	return (cpu->st->fxsave[FX_FTW] >> ((top(cpu) + i) & 7)) & 1;
}

static inline void set_valid(struct emu_cpu *cpu, unsigned i, int v)
{
	uint8_t bit = (uint8_t)(1u << ((top(cpu) + i) & 7));

	if (v)
		cpu->st->fxsave[FX_FTW] |= bit;
	else
		cpu->st->fxsave[FX_FTW] &= (uint8_t)~bit;
}

static inline void set_c1(struct emu_cpu *cpu, int c1)
{
	set_fsw(cpu, (uint16_t)((fsw(cpu) & ~FSW_C1) | (c1 ? FSW_C1 : 0)));
}

/* fpu.c: MMX instructions make the x87 stack flat (TOP = 0, all tags valid). */
void fpu_mmx_enter(struct emu_cpu *cpu);
/* fpu.c: raise #MF now if an unmasked x87 exception is pending (FSW.ES). */
void fpu_check_pending(struct emu_cpu *cpu);
/* fpu.c: FXSAVE / FXRSTOR (0F AE /0 /1) at the modrm operand; REX.W picks the 64-bit image. */
void fpu_fxsave(struct emu_cpu *cpu, struct emu_insn *in);
void fpu_fxrstor(struct emu_cpu *cpu, struct emu_insn *in);
/* fpu_env.c: FNINIT; ES/B from the unmasked flags (after FLDCW); FNSTENV/FLDENV/FNSAVE/FRSTOR. */
void fpu_fninit(struct emu_cpu *cpu);
/* fpu_env.c: set TOP keeping each physical register's contents (the slots rotate). */
void fpu_retop(struct emu_cpu *cpu, unsigned t);
void fpu_update_es(struct emu_cpu *cpu);
void fpu_env_insn(struct emu_cpu *cpu, struct emu_insn *in, uint64_t ea, int save, int regs);

/*
 * sse_int.c: packed integer op `op` (0F map opcode) on w = 8 (MMX) or 16 (XMM)
 * bytes: d = d op s.  imm for shuffles.  Returns -1 for an opcode it lacks.
 */
int sse_int_op(uint8_t op, unsigned w, union vec *d, const union vec *s, uint8_t imm);
/* sse_int.c: shift d by count per op (psrl/psra/psll w/d/q, psrldq/pslldq by bytes). */
void sse_shift(int kind, unsigned esize, unsigned w, union vec *d, uint64_t count);
enum { SH_SRL, SH_SRA, SH_SLL, SH_SRLDQ, SH_SLLDQ };

/*
 * sse_fp.c: float op `op` (0F opcode) with mandatory prefix pfx (0, 0x66,
 * 0xf3, 0xf2) on d/s under the guest MXCSR, via the host's SSE unit.
 * Returns the MXCSR exception flags raised, or -1 for an opcode it lacks.
 */
int sse_fp_op(uint8_t op, uint8_t pfx, union vec *d, const union vec *s, uint8_t imm,
	      uint32_t mxcsr);
/* sse_fp.c: COMISS/UCOMISS/COMISD/UCOMISD: ZF/PF/CF in *zpc; returns flags raised. */
int sse_fp_comi(uint8_t op, int dbl, const union vec *a, const union vec *b, uint32_t mxcsr,
		uint64_t *zpc);
/* sse_fp.c: float -> int (CVT[T]SS2SI/SD2SI, 32 or 64-bit result); returns flags raised. */
int sse_fp_cvt2si(int trunc, int dbl, int q, const union vec *s, uint32_t mxcsr, uint64_t *out);
/* sse_fp.c: int -> float into the low element of d (CVTSI2SS/SD). */
int sse_fp_cvtsi(int dbl, int q, union vec *d, uint64_t v, uint32_t mxcsr);

#endif

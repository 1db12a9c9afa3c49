/*
 * emu: x87 FPU (Intel SDM vol. 1 ch. 8, vol. 2 pages of F2XM1..FYL2XP1 and
 * FXSAVE/FXRSTOR; opcode map vol. 2 appendix A.4).
 *
 * The register stack lives in cpu->st->fxsave as FXSAVE keeps it: ST(i) in
 * slot i, so a push rotates the slots.  The abridged tag byte marks physical
 * registers valid; the full tag word is derived from the contents when
 * FNSTENV/FNSAVE need it.  Stack overflow/underflow set IE+SF and C1 and give
 * the masked response (QNaN indefinite); numeric work goes to fpu_host.c,
 * the environment and FXSAVE images to fpu_env.c.
 * An unmasked exception sets ES/B and leaves the operands alone; the next
 * waiting instruction raises #MF when CR0.NE is set.
 *
 * Not emulated: FERR#/IGNNE# (IRQ 13) when CR0.NE is clear (the exception is
 * just left pending); FISTTP (SSE3, not advertised: #UD); FCS/FDS are stored
 * as 0, as on CPUs that deprecate them.
 */
#include "engine/emu/fpu.h"
#include "engine/emu/fpu_host.h"

static const uint8_t indefinite[10] = { 0, 0, 0, 0, 0, 0, 0, 0xc0, 0xff, 0xff };

/* Stack rotations: a push makes ST(7) the new ST(0); a pop the reverse. */
static void rot_push(struct emu_cpu *cpu)
{
	uint8_t t[16];

	memcpy(t, fx_st(cpu, 7), 16);
	memmove(fx_st(cpu, 1), fx_st(cpu, 0), 7 * 16);
	memcpy(fx_st(cpu, 0), t, 16);
	set_top(cpu, top(cpu) - 1);
}

static void rot_pop(struct emu_cpu *cpu)
{
	uint8_t t[16];

	memcpy(t, fx_st(cpu, 0), 16);
	memmove(fx_st(cpu, 0), fx_st(cpu, 1), 7 * 16);
	memcpy(fx_st(cpu, 7), t, 16);
	set_top(cpu, top(cpu) + 1);
}

static void st_put(struct emu_cpu *cpu, unsigned i, const void *v)
{
	uint8_t *p = fx_st(cpu, i);

	memcpy(p, v, 10);
	memset(p + 10, 0, 6);
	set_valid(cpu, i, 1);
}

static void push(struct emu_cpu *cpu, const void *v)
{
	rot_push(cpu);
	st_put(cpu, 0, v);
}

static void pop(struct emu_cpu *cpu)
{
	set_valid(cpu, 0, 0);
	rot_pop(cpu);
}

/* Record exception flags (and SF); returns the unmasked ones. */
static unsigned raise_fl(struct emu_cpu *cpu, unsigned flags)
{
	unsigned unm = flags & ~fcw(cpu) & 0x3f;
	uint16_t sw = (uint16_t)(fsw(cpu) | (flags & 0x7f));

	if (unm)
		sw |= FSW_ES | FSW_B;
	set_fsw(cpu, sw);
	return unm;
}

/* Stack underflow / overflow: IE+SF, C1 says which.  Nonzero: unmasked, abort. */
static unsigned stack_fault(struct emu_cpu *cpu, int overflow)
{
	set_c1(cpu, overflow);
	return raise_fl(cpu, FSW_IE | FSW_SF);
}

/* Take the condition codes in ccmask and the exception flags from a host status word. */
static unsigned host_fl(struct emu_cpu *cpu, uint16_t hsw, uint16_t ccmask)
{
	set_fsw(cpu, (uint16_t)((fsw(cpu) & ~ccmask) | (hsw & ccmask)));
	return raise_fl(cpu, hsw & 0x3f);
}

#define ABORT_REG (FSW_IE | FSW_DE | FSW_ZE)	/* unmasked: register destination untouched */
#define ABORT_MEM (FSW_IE | FSW_OE | FSW_UE)	/* unmasked: memory destination untouched */

void fpu_check_pending(struct emu_cpu *cpu)
{
	if ((fsw(cpu) & FSW_ES) && (cpu->st->cr0 & CR0_NE))
		emu_raise(cpu, EXC_MF, 0);
}

void fpu_mmx_enter(struct emu_cpu *cpu)
{
	fpu_retop(cpu, 0);
	cpu->st->fxsave[FX_FTW] = 0xff;
}

static void note_op(struct emu_cpu *cpu, const struct emu_insn *in, int mem, uint64_t ea)
{
	uint16_t fop = (uint16_t)(((in->op & 7) << 8) | in->modrm);
	uint64_t rip = cpu->st->rip;

	fx_put16(cpu, FX_FOP, fop);
	memcpy(cpu->st->fxsave + FX_FIP, &rip, 8);
	if (mem)
		memcpy(cpu->st->fxsave + FX_FDP, &ea, 8);
}

/* ---------------------------------------------------------------------- */
/* Arithmetic                                                             */
/* ---------------------------------------------------------------------- */

/* The D8-group operations for reg field r: add mul com comp sub subr div divr. */
static const int8_t arith_op[8] = { XH_ADD, XH_MUL, XH_COM, XH_COM, XH_SUB, XH_SUBR, XH_DIV, XH_DIVR };

/*
 * ST(di) = a op b, then pop if asked.  pre_fl: flags already raised by
 * converting a memory operand.
 */
static void arith(struct emu_cpu *cpu, int xop, unsigned di, const uint8_t *a, const uint8_t *b,
		  int npop, unsigned pre_fl)
{
	uint8_t r0[16], r1[16], m[16];
	uint16_t hsw;
	unsigned unm;

	memcpy(m, b, 16);	/* the XH_M32/XH_M64 forms take b as a memory image */
	hsw = fpu_host(xop, fcw(cpu), a, b, r0, r1, m);

	if (xop == XH_COM || xop == XH_UCOM || xop == XH_M32 + 2 || xop == XH_M32 + 3 ||
	    xop == XH_M64 + 2 || xop == XH_M64 + 3) {
		unm = host_fl(cpu, (uint16_t)(hsw | pre_fl), FSW_CC);
		if (unm & ABORT_REG)
			return;
	} else {
		unm = host_fl(cpu, (uint16_t)(hsw | pre_fl), FSW_CC);
		if (unm & ABORT_REG)
			return;
		st_put(cpu, di, r0);
	}
	while (npop-- > 0)
		pop(cpu);
}

/* Masked underflow response of a two-operand op: indefinite result / unordered compare. */
static void arith_underflow(struct emu_cpu *cpu, int xop, unsigned di, int npop)
{
	int cmp = xop == XH_COM || xop == XH_UCOM;

	/* compares report "unordered" even when the fault is unmasked */
	if (cmp)
		set_fsw(cpu, fsw(cpu) | FSW_C0 | FSW_C2 | FSW_C3);
	if (stack_fault(cpu, 0))
		return;
	if (!cmp)
		st_put(cpu, di, indefinite);
	while (npop-- > 0)
		pop(cpu);
}

/* Memory operand of D8/DA/DC/DE converted to extended; returns the flags raised. */
static unsigned load_conv(struct emu_cpu *cpu, int xop, const void *img, uint8_t *out)
{
	uint8_t r1[16], m[16] = { 0 }, z[16] = { 0 };

	memcpy(m, img, 8);
	return fpu_host(xop, fcw(cpu), z, z, out, r1, m) & 0x3f;
}

static void arith_mem(struct emu_cpu *cpu, struct emu_insn *in, uint64_t ea)
{
	static const int8_t conv[4] = { XH_LDS, XH_ILDL, XH_LDL, XH_ILDS };	/* D8 DA DC DE */
	static const uint8_t size[4] = { 4, 4, 8, 2 };
	unsigned k = (in->op >> 1) & 3, r = in->reg & 7;
	uint8_t img[8] = { 0 }, b[16];
	unsigned fl;
	int xop = arith_op[r];

	emu_read_buf(cpu, in->seg, ea, img, size[k]);
	note_op(cpu, in, 1, ea);
	if (!valid(cpu, 0)) {
		arith_underflow(cpu, xop, 0, r == 3);
		return;
	}
	if (k == 0 || k == 2) {	/* floating-point operand: the host reads it as such */
		memset(b, 0, 16);
		memcpy(b, img, size[k]);
		arith(cpu, (k ? XH_M64 : XH_M32) + (int)r, 0, fx_st(cpu, 0), b, r == 3, 0);
		return;
	}
	fl = load_conv(cpu, conv[k], img, b);	/* integers convert exactly */
	arith(cpu, xop, 0, fx_st(cpu, 0), b, r == 3, fl);
}

/* Register forms of D8 (ST0 = ST0 op STi), DC (STi = STi op' ST0), DE (and pop). */
static void arith_reg(struct emu_cpu *cpu, struct emu_insn *in)
{
	unsigned r = in->reg & 7, i = in->rm & 7;
	int xop = arith_op[r], npop = 0;
	unsigned di = 0;
	uint8_t a[16], b[16];

	if (in->op == 0xdc || in->op == 0xde) {
		static const int8_t swapped[8] = { XH_ADD, XH_MUL, XH_COM, XH_COM,
						   XH_SUBR, XH_SUB, XH_DIVR, XH_DIV };
		xop = swapped[r];
		di = i;
		if (in->op == 0xde)
			npop = 1;
	}
	if (r == 3)
		npop = 1;	/* FCOMP */
	if (!valid(cpu, 0) || !valid(cpu, i)) {
		arith_underflow(cpu, xop, di, npop);
		return;
	}
	memcpy(a, fx_st(cpu, di), 16);
	memcpy(b, fx_st(cpu, di ? 0 : i), 16);
	arith(cpu, xop, di, a, b, npop, 0);
}

/* FCOMI/FUCOMI(P): the result goes to ZF/PF/CF. */
static void comi(struct emu_cpu *cpu, unsigned i, int unordered_ok, int npop)
{
	uint8_t r0[16], r1[16], m[16];
	uint64_t fl = emu_get_rflags(cpu) & ~(uint64_t)(FL_ZF | FL_PF | FL_CF | FL_OF | FL_SF | FL_AF);
	uint16_t hsw;

	set_c1(cpu, 0);
	/* EFLAGS get the result ("unordered" on a fault) even when the fault is unmasked */
	if (!valid(cpu, 0) || !valid(cpu, i)) {
		emu_set_rflags(cpu, fl | FL_ZF | FL_PF | FL_CF);
		if (stack_fault(cpu, 0))
			return;
	} else {
		hsw = fpu_host(unordered_ok ? XH_UCOM : XH_COM, fcw(cpu), fx_st(cpu, 0), fx_st(cpu, i),
			       r0, r1, m);
		emu_set_rflags(cpu, fl | ((hsw & FSW_C3) ? FL_ZF : 0) | ((hsw & FSW_C2) ? FL_PF : 0) |
				     ((hsw & FSW_C0) ? FL_CF : 0));
		if (raise_fl(cpu, hsw & 0x3f) & ABORT_REG)
			return;
	}
	if (npop)
		pop(cpu);
}

/* ---------------------------------------------------------------------- */
/* Loads and stores                                                       */
/* ---------------------------------------------------------------------- */

/* Push a value converted by fpu_host (xop) or raw (xop < 0) with overflow check. */
static void load_push(struct emu_cpu *cpu, int xop, const void *img)
{
	uint8_t v[16] = { 0 };
	unsigned fl = 0;

	if (valid(cpu, 7)) {
		if (stack_fault(cpu, 1))
			return;
		push(cpu, indefinite);
		return;
	}
	if (xop < 0) {
		memcpy(v, img, 10);
	} else {
		uint8_t r1[16], m[16] = { 0 }, z[16] = { 0 };

		memcpy(m, img, 10);
		fl = fpu_host(xop, fcw(cpu), z, z, v, r1, m) & 0x3f;
	}
	if (raise_fl(cpu, fl) & FSW_IE)	/* an unmasked #D still loads */
		return;
	set_c1(cpu, 0);
	push(cpu, v);
}

/* Store ST0 to memory as `size` bytes via xop (or raw 80-bit when xop < 0); pop if asked. */
static void store_mem(struct emu_cpu *cpu, struct emu_insn *in, uint64_t ea, int xop,
		      unsigned size, const void *indef, int npop)
{
	uint8_t r0[16], r1[16], m[16] = { 0 };
	uint16_t hsw;

	emu_check_write(cpu, in->seg, ea, size);
	note_op(cpu, in, 1, ea);
	if (!valid(cpu, 0)) {
		if (stack_fault(cpu, 0))
			return;
		emu_write_buf(cpu, in->seg, ea, indef, size);
	} else if (xop < 0) {
		set_c1(cpu, 0);
		emu_write_buf(cpu, in->seg, ea, fx_st(cpu, 0), size);
	} else {
		hsw = fpu_host(xop, fcw(cpu), fx_st(cpu, 0), fx_st(cpu, 0), r0, r1, m);
		if (host_fl(cpu, hsw, FSW_C1) & ABORT_MEM)
			return;
		emu_write_buf(cpu, in->seg, ea, m, size);
	}
	if (npop)
		pop(cpu);
}

/* ---------------------------------------------------------------------- */
/* Dispatch                                                               */
/* ---------------------------------------------------------------------- */

static int cmov_cond(struct emu_cpu *cpu, unsigned op, unsigned r)
{
	uint64_t f = emu_get_rflags(cpu);
	int c;

	switch (r & 3) {
	case 0: c = !!(f & FL_CF); break;
	case 1: c = !!(f & FL_ZF); break;
	case 2: c = !!(f & (FL_CF | FL_ZF)); break;
	default: c = !!(f & FL_PF); break;
	}
	return op == 0xda ? c : !c;
}

/* D9 E0-FF: no-operand group. */
static int d9_group(struct emu_cpu *cpu, unsigned low)
{
	static const int8_t consts[8] = { XH_LD1, XH_LDL2T, XH_LDL2E, XH_LDPI, XH_LDLG2, XH_LDLN2, XH_LDZ, -1 };
	uint8_t r0[16], r1[16], m[16], z[16] = { 0 };
	uint16_t hsw;

	if (low >= 0x28 && low <= 0x2e) {	/* FLD1 .. FLDZ */
		if (valid(cpu, 7)) {
			if (!stack_fault(cpu, 1))
				push(cpu, indefinite);
			return 0;
		}
		hsw = fpu_host(consts[low - 0x28], fcw(cpu), z, z, r0, r1, m);
		set_c1(cpu, 0);
		push(cpu, r0);
		(void)hsw;
		return 0;
	}
	switch (low) {
	case 0x20: case 0x21:	/* FCHS, FABS */
		if (!valid(cpu, 0)) {
			if (!stack_fault(cpu, 0))
				st_put(cpu, 0, indefinite);
			return 0;
		}
		memcpy(r0, fx_st(cpu, 0), 10);
		r0[9] = low == 0x20 ? r0[9] ^ 0x80 : r0[9] & 0x7f;
		set_c1(cpu, 0);
		st_put(cpu, 0, r0);
		return 0;
	case 0x24: case 0x25:	/* FTST, FXAM */
		if (low == 0x24 && !valid(cpu, 0)) {
			set_fsw(cpu, fsw(cpu) | FSW_C0 | FSW_C2 | FSW_C3);
			stack_fault(cpu, 0);
			return 0;
		}
		hsw = fpu_host(low == 0x24 ? XH_TST : XH_XAM, fcw(cpu), fx_st(cpu, 0), z, r0, r1, m);
		if (low == 0x25) {
			if (!valid(cpu, 0))
				hsw = (uint16_t)((hsw & ~FSW_CC) | (hsw & FSW_C1) | FSW_C3 | FSW_C0);
			set_fsw(cpu, (uint16_t)((fsw(cpu) & ~FSW_CC) | (hsw & FSW_CC)));
		} else {
			host_fl(cpu, hsw, FSW_CC);
		}
		return 0;
	case 0x30: case 0x3a: case 0x3c: case 0x3e: case 0x3f:	/* F2XM1 FSQRT FRNDINT FSIN FCOS */
	case 0x32: case 0x34: case 0x3b: {			/* FPTAN FXTRACT FSINCOS */
		int xop = low == 0x30 ? XH_F2XM1 : low == 0x3a ? XH_SQRT : low == 0x3c ? XH_RNDINT :
			  low == 0x3e ? XH_SIN : low == 0x3f ? XH_COS : low == 0x32 ? XH_PTAN :
			  low == 0x34 ? XH_XTRACT : XH_SINCOS;
		int pushes = low == 0x32 || low == 0x34 || low == 0x3b;

		if (!valid(cpu, 0)) {
			if (stack_fault(cpu, 0))
				return 0;
			st_put(cpu, 0, indefinite);
			if (pushes)
				push(cpu, indefinite);
			return 0;
		}
		if (pushes && valid(cpu, 7)) {
			if (stack_fault(cpu, 1))
				return 0;
			st_put(cpu, 0, indefinite);
			push(cpu, indefinite);
			return 0;
		}
		hsw = fpu_host(xop, fcw(cpu), fx_st(cpu, 0), z, r0, r1, m);
		if (host_fl(cpu, hsw, FSW_CC) & ABORT_REG)
			return 0;
		if ((hsw & FSW_C2) && xop != XH_XTRACT && xop != XH_SQRT && xop != XH_RNDINT &&
		    xop != XH_F2XM1)
			return 0;	/* operand out of range: ST0 unchanged */
		if (pushes) {
			st_put(cpu, 0, r1);
			push(cpu, r0);
		} else {
			st_put(cpu, 0, r0);
		}
		return 0;
	}
	case 0x31: case 0x33: case 0x35: case 0x38: case 0x39: case 0x3d: {
		/* FYL2X FPATAN FPREM1 FPREM FYL2XP1 FSCALE */
		int xop = low == 0x31 ? XH_YL2X : low == 0x33 ? XH_PATAN : low == 0x35 ? XH_PREM1 :
			  low == 0x38 ? XH_PREM : low == 0x39 ? XH_YL2XP1 : XH_SCALE;
		int popping = low == 0x31 || low == 0x33 || low == 0x39;

		if (!valid(cpu, 0) || !valid(cpu, 1)) {
			if (stack_fault(cpu, 0))
				return 0;
			st_put(cpu, popping, indefinite);
			if (popping)
				pop(cpu);
			return 0;
		}
		hsw = fpu_host(xop, fcw(cpu), fx_st(cpu, 0), fx_st(cpu, 1), r0, r1, m);
		if (host_fl(cpu, hsw, FSW_CC) & ABORT_REG)
			return 0;
		st_put(cpu, popping, r0);
		if (popping)
			pop(cpu);
		return 0;
	}
	case 0x36:	/* FDECSTP */
		set_c1(cpu, 0);
		rot_push(cpu);
		return 0;
	case 0x37:	/* FINCSTP */
		set_c1(cpu, 0);
		rot_pop(cpu);
		return 0;
	}
	return -1;
}

static int exec_reg(struct emu_cpu *cpu, struct emu_insn *in)
{
	unsigned op = in->op, r = in->reg & 7, i = in->rm & 7, low = in->modrm & 0x3f;
	uint8_t t[16];

	switch (op) {
	case 0xd8: case 0xdc:
		arith_reg(cpu, in);
		return 0;
	case 0xde:
		if (r == 3 && i != 1)
			return -1;	/* only FCOMPP (DE D9) */
		if (r == 3) {	/* FCOMPP: compare ST0, ST1, pop twice */
			if (!valid(cpu, 0) || !valid(cpu, 1))
				arith_underflow(cpu, XH_COM, 0, 2);
			else
				arith(cpu, XH_COM, 0, fx_st(cpu, 0), fx_st(cpu, 1), 2, 0);
			return 0;
		}
		if (r == 2)
			return -1;
		arith_reg(cpu, in);
		return 0;
	case 0xd9:
		if (r == 0) {	/* FLD ST(i) */
			if (!valid(cpu, i)) {	/* underflow wins over a full stack */
				if (!stack_fault(cpu, 0))
					push(cpu, indefinite);
				return 0;
			}
			memcpy(t, fx_st(cpu, i), 16);
			load_push(cpu, -1, t);
			return 0;
		}
		if (r == 1) {	/* FXCH */
			uint8_t u[16];

			set_c1(cpu, 0);
			if (!valid(cpu, 0) || !valid(cpu, i)) {
				if (stack_fault(cpu, 0))
					return 0;
				if (!valid(cpu, 0))
					st_put(cpu, 0, indefinite);
				if (!valid(cpu, i))
					st_put(cpu, i, indefinite);
			}
			memcpy(t, fx_st(cpu, 0), 16);
			memcpy(u, fx_st(cpu, i), 16);
			st_put(cpu, 0, u);
			st_put(cpu, i, t);
			return 0;
		}
		if (low == 0x10)	/* FNOP */
			return 0;
		if (r == 3)
			goto fstp;	/* D9 D8+i: FSTP1 alias */
		if (r >= 4)
			return d9_group(cpu, low);
		return -1;
	case 0xda: case 0xdb:
		if (r < 4) {	/* FCMOVcc */
			int c = cmov_cond(cpu, op, r);

			if (!valid(cpu, 0) || !valid(cpu, i)) {
				/* the masked response loads the indefinite whatever the condition */
				if (!stack_fault(cpu, 0))
					st_put(cpu, 0, indefinite);
				return 0;
			}
			set_c1(cpu, 0);
			if (c) {
				memcpy(t, fx_st(cpu, i), 16);
				st_put(cpu, 0, t);
			}
			return 0;
		}
		if (op == 0xda) {
			if (low != 0x29)
				return -1;
			/* FUCOMPP */
			if (!valid(cpu, 0) || !valid(cpu, 1))
				arith_underflow(cpu, XH_UCOM, 0, 2);
			else
				arith(cpu, XH_UCOM, 0, fx_st(cpu, 0), fx_st(cpu, 1), 2, 0);
			return 0;
		}
		if (r == 5 || r == 6) {	/* FUCOMI / FCOMI */
			comi(cpu, i, r == 5, 0);
			return 0;
		}
		return -1;	/* DB E0-E4 handled before; the rest is reserved */
	case 0xdd:
		switch (r) {
		case 0:	/* FFREE */
			set_valid(cpu, i, 0);
			return 0;
		case 1:	/* FXCH4 alias */
			return exec_reg(cpu, &(struct emu_insn){ .op = 0xd9, .modrm = in->modrm,
							      .reg = 1, .rm = in->rm, .mod = 3 });
		case 2: case 3:
fstp:
			if (!valid(cpu, 0)) {
				if (stack_fault(cpu, 0))
					return 0;
				st_put(cpu, i, indefinite);
			} else {
				set_c1(cpu, 0);
				memcpy(t, fx_st(cpu, 0), 16);
				st_put(cpu, i, t);
			}
			if (r == 3 || op != 0xdd)
				pop(cpu);
			return 0;
		case 4: case 5:	/* FUCOM / FUCOMP */
			if (!valid(cpu, 0) || !valid(cpu, i))
				arith_underflow(cpu, XH_UCOM, 0, r == 5);
			else
				arith(cpu, XH_UCOM, 0, fx_st(cpu, 0), fx_st(cpu, i), r == 5, 0);
			return 0;
		}
		return -1;
	case 0xdf:
		switch (r) {
		case 0:	/* FFREEP */
			set_valid(cpu, i, 0);
			rot_pop(cpu);
			return 0;
		case 1:
			return exec_reg(cpu, &(struct emu_insn){ .op = 0xd9, .modrm = in->modrm,
							      .reg = 1, .rm = in->rm, .mod = 3 });
		case 2: case 3:
			goto fstp;
		case 5: case 6:	/* FUCOMIP / FCOMIP */
			comi(cpu, i, r == 5, 1);
			return 0;
		}
		return -1;
	}
	return -1;
}

static int exec_mem(struct emu_cpu *cpu, struct emu_insn *in)
{
	static const uint8_t indef32[4] = { 0, 0, 0xc0, 0xff };
	static const uint8_t indef64[8] = { 0, 0, 0, 0, 0, 0, 0xf8, 0xff };
	static const uint8_t iindef[8] = { 0, 0, 0, 0, 0, 0, 0, 0x80 };
	static const uint8_t bcd_indef[10] = { 0, 0, 0, 0, 0, 0, 0, 0xc0, 0xff, 0xff };
	unsigned op = in->op, r = in->reg & 7;
	uint64_t ea = emu_ea(cpu, in);
	uint8_t buf[16] = { 0 };
	uint16_t w;

	if (op == 0xd8 || op == 0xda || op == 0xdc || op == 0xde) {
		arith_mem(cpu, in, ea);
		return 0;
	}
	switch ((op & 7) << 3 | r) {
	case 1 << 3 | 0:	/* FLD m32 */
		emu_read_buf(cpu, in->seg, ea, buf, 4);
		note_op(cpu, in, 1, ea);
		load_push(cpu, XH_LDS, buf);
		return 0;
	case 1 << 3 | 2: case 1 << 3 | 3:
		store_mem(cpu, in, ea, XH_STS, 4, indef32, r == 3);
		return 0;
	case 1 << 3 | 4:
		fpu_env_insn(cpu, in, ea, 0, 0);
		return 0;
	case 1 << 3 | 5:	/* FLDCW */
		emu_read_buf(cpu, in->seg, ea, &w, 2);
		fx_put16(cpu, FX_FCW, FCW_FIX(w));
		fpu_update_es(cpu);
		return 0;
	case 1 << 3 | 6:
		fpu_env_insn(cpu, in, ea, 1, 0);
		return 0;
	case 1 << 3 | 7:	/* FNSTCW */
		w = fcw(cpu);
		emu_write_buf(cpu, in->seg, ea, &w, 2);
		return 0;
	case 3 << 3 | 0:	/* FILD m32 */
		emu_read_buf(cpu, in->seg, ea, buf, 4);
		note_op(cpu, in, 1, ea);
		load_push(cpu, XH_ILDL, buf);
		return 0;
	case 3 << 3 | 2: case 3 << 3 | 3:
		store_mem(cpu, in, ea, XH_ISTL, 4, iindef + 4, r == 3);
		return 0;
	case 3 << 3 | 5:	/* FLD m80 */
		emu_read_buf(cpu, in->seg, ea, buf, 10);
		note_op(cpu, in, 1, ea);
		load_push(cpu, -1, buf);
		return 0;
	case 3 << 3 | 7:
		store_mem(cpu, in, ea, -1, 10, indefinite, 1);
		return 0;
	case 5 << 3 | 0:	/* FLD m64 */
		emu_read_buf(cpu, in->seg, ea, buf, 8);
		note_op(cpu, in, 1, ea);
		load_push(cpu, XH_LDL, buf);
		return 0;
	case 5 << 3 | 2: case 5 << 3 | 3:
		store_mem(cpu, in, ea, XH_STL, 8, indef64, r == 3);
		return 0;
	case 5 << 3 | 4:
		fpu_env_insn(cpu, in, ea, 0, 1);
		return 0;
	case 5 << 3 | 6:
		fpu_env_insn(cpu, in, ea, 1, 1);
		return 0;
	case 5 << 3 | 7:	/* FNSTSW m16 */
		w = fsw(cpu);
		emu_write_buf(cpu, in->seg, ea, &w, 2);
		return 0;
	case 7 << 3 | 0:	/* FILD m16 */
		emu_read_buf(cpu, in->seg, ea, buf, 2);
		note_op(cpu, in, 1, ea);
		load_push(cpu, XH_ILDS, buf);
		return 0;
	case 7 << 3 | 2: case 7 << 3 | 3:
		store_mem(cpu, in, ea, XH_ISTS, 2, iindef + 6, r == 3);
		return 0;
	case 7 << 3 | 4:	/* FBLD */
		emu_read_buf(cpu, in->seg, ea, buf, 10);
		note_op(cpu, in, 1, ea);
		load_push(cpu, XH_BLD, buf);
		return 0;
	case 7 << 3 | 5:	/* FILD m64 */
		emu_read_buf(cpu, in->seg, ea, buf, 8);
		note_op(cpu, in, 1, ea);
		load_push(cpu, XH_ILDLL, buf);
		return 0;
	case 7 << 3 | 6:
		store_mem(cpu, in, ea, XH_BSTP, 10, bcd_indef, 1);
		return 0;
	case 7 << 3 | 7:
		store_mem(cpu, in, ea, XH_ISTLL, 8, iindef, 1);
		return 0;
	}
	return -1;
}

/* Control instructions that do not wait for pending exceptions. */
static int no_wait(const struct emu_insn *in)
{
	unsigned r = in->reg & 7;

	if (in->mod == 3)
		return (in->op == 0xdb && (in->modrm >= 0xe0 && in->modrm <= 0xe4)) ||
		       (in->op == 0xdf && in->modrm == 0xe0);
	return (in->op == 0xd9 && (r == 6 || r == 7)) || (in->op == 0xdd && (r == 6 || r == 7));
}

int emu_exec_x87(struct emu_cpu *cpu, struct emu_insn *in)
{
	if (in->map != MAP_1B)
		return -1;
	if (in->op == 0x9b) {	/* FWAIT */
		fpu_check_pending(cpu);
		return 0;
	}
	if (in->op < 0xd8 || in->op > 0xdf)
		return -1;
	if (!no_wait(in))
		fpu_check_pending(cpu);
	if (in->mod != 3)
		return exec_mem(cpu, in);
	if (in->op == 0xdb && in->modrm >= 0xe0 && in->modrm <= 0xe4) {
		if (in->modrm == 0xe2)	/* FNCLEX */
			set_fsw(cpu, fsw(cpu) & (uint16_t)~(0x00ff | FSW_B));
		else if (in->modrm == 0xe3)
			fpu_fninit(cpu);
		return 0;	/* FENI/FDISI/FSETPM: no-ops since the 287 */
	}
	if (in->op == 0xdf && in->modrm == 0xe0) {	/* FNSTSW AX */
		emu_reg_set(cpu, in, R_AX, 2, fsw(cpu));
		return 0;
	}
	note_op(cpu, in, 0, 0);
	return exec_reg(cpu, in);
}

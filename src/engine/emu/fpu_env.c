/*
 * emu x87: control state -- FNINIT, the FSTENV/FLDENV/FSAVE/FRSTOR images
 * (Intel SDM vol. 1, 8.1.10 and figures 8-9 to 8-12: real and protected,
 * 16- and 32-bit formats) and FXSAVE/FXRSTOR (vol. 1 table 10-2).
 *
 * The full tag word is derived from the register contents; FLDENV keeps only
 * empty/non-empty.  The reserved halves of the 32-bit environment are written
 * as ones, as Intel CPUs do.  FXSAVE leaves bytes 416-511 (288-511 outside
 * 64-bit mode) untouched; FCS/FDS are 0.
 */
#include "engine/emu/fpu.h"

/* After FLDCW/FLDENV: ES and B follow the unmasked exception flags. */
void fpu_update_es(struct emu_cpu *cpu)
{
	uint16_t sw = fsw(cpu);

	if (sw & ~fcw(cpu) & 0x3f)
		sw |= FSW_ES | FSW_B;
	else
		sw &= (uint16_t)~(FSW_ES | FSW_B);
	set_fsw(cpu, sw);
}

/* ---------------------------------------------------------------------- */
/* Environment                                                            */
/* ---------------------------------------------------------------------- */

static unsigned tag_of(const uint8_t *v)
{
	uint16_t se;
	uint64_t mant;

	memcpy(&mant, v, 8);
	memcpy(&se, v + 8, 2);
	if ((se & 0x7fff) == 0x7fff)
		return 2;
	if ((se & 0x7fff) == 0)
		return mant ? 2 : 1;
	return (mant >> 63) ? 0 : 2;
}

static uint16_t full_tag(struct emu_cpu *cpu)
{
	unsigned t = top(cpu);
	uint16_t tw = 0;

	for (unsigned p = 0; p < 8; p++) {
		unsigned tag = 3;

		if ((cpu->st->fxsave[FX_FTW] >> p) & 1)
			tag = tag_of(fx_st(cpu, (p - t) & 7));
		tw |= (uint16_t)(tag << (2 * p));
	}
	return tw;
}

static int real_format(struct emu_cpu *cpu)
{
	return cpu->mode == MODE_REAL || cpu->mode == MODE_VM86;
}

/* FNSTENV image: 14 bytes (16-bit operand size) or 28 bytes. */
static unsigned env_build(struct emu_cpu *cpu, struct emu_insn *in, uint8_t *e)
{
	uint64_t fip, fdp;
	uint16_t fop = fx_get16(cpu, FX_FOP) & 0x7ff;
	uint16_t v[3] = { fcw(cpu), fsw(cpu), full_tag(cpu) };
	int w16 = in->osz == 2;
	unsigned step = w16 ? 2 : 4, n = w16 ? 14 : 28;

	memcpy(&fip, cpu->st->fxsave + FX_FIP, 8);
	memcpy(&fdp, cpu->st->fxsave + FX_FDP, 8);
	memset(e, 0, 28);
	for (unsigned i = 0; i < 3; i++) {
		memcpy(e + i * step, &v[i], 2);
		if (!w16)
			e[i * step + 2] = e[i * step + 3] = 0xff;
	}
	if (real_format(cpu)) {
		uint32_t ip = (uint32_t)fip, dp = (uint32_t)fdp;
		uint32_t w[4] = { ip & 0xffff, ((ip >> 16) << 12) | fop, dp & 0xffff, (dp >> 16) << 12 };

		for (unsigned i = 0; i < 4; i++)
			memcpy(e + (3 + i) * step, &w[i], w16 ? 2 : 4);
		if (w16) {	/* 16-bit real format keeps only IP/DP 19:16 */
			uint16_t x = (uint16_t)(((ip >> 16) & 0xf) << 12 | fop);
			memcpy(e + 8, &x, 2);
			x = (uint16_t)(((dp >> 16) & 0xf) << 12);
			memcpy(e + 12, &x, 2);
		}
	} else if (w16) {
		uint16_t w[4] = { (uint16_t)fip, 0, (uint16_t)fdp, 0 };

		memcpy(e + 6, w, 8);
	} else {
		uint32_t w[4] = { (uint32_t)fip, (uint32_t)fop << 16, (uint32_t)fdp, 0xffff0000u };

		memcpy(e + 12, w, 16);
	}
	return n;
}

static void env_load(struct emu_cpu *cpu, struct emu_insn *in, const uint8_t *e)
{
	int w16 = in->osz == 2;
	unsigned step = w16 ? 2 : 4;
	uint16_t cw, sw, tw;
	uint64_t fip = 0, fdp = 0;
	uint16_t fop = 0;
	uint8_t ftw = 0;

	memcpy(&cw, e, 2);
	memcpy(&sw, e + step, 2);
	memcpy(&tw, e + 2 * step, 2);
	if (real_format(cpu)) {
		uint32_t w[4] = { 0, 0, 0, 0 };

		for (unsigned i = 0; i < 4; i++)
			memcpy(&w[i], e + (3 + i) * step, w16 ? 2 : 4);
		fip = (w[0] & 0xffff) | ((uint64_t)(w[1] >> 12) << 16);
		fop = (uint16_t)(w[1] & 0x7ff);
		fdp = (w[2] & 0xffff) | ((uint64_t)(w[3] >> 12) << 16);
	} else if (w16) {
		uint16_t w[4];

		memcpy(w, e + 6, 8);
		fip = w[0];
		fdp = w[2];
	} else {
		uint32_t w[4];

		memcpy(w, e + 12, 16);
		fip = w[0];
		fop = (uint16_t)((w[1] >> 16) & 0x7ff);
		fdp = w[2];
	}
	for (unsigned p = 0; p < 8; p++)
		if (((tw >> (2 * p)) & 3) != 3)
			ftw |= (uint8_t)(1u << p);
	fx_put16(cpu, FX_FCW, FCW_FIX(cw));
	fpu_retop(cpu, (sw >> 11) & 7);
	set_fsw(cpu, sw);
	cpu->st->fxsave[FX_FTW] = ftw;
	fx_put16(cpu, FX_FOP, fop);
	memcpy(cpu->st->fxsave + FX_FIP, &fip, 8);
	memcpy(cpu->st->fxsave + FX_FDP, &fdp, 8);
	fpu_update_es(cpu);
}

void fpu_retop(struct emu_cpu *cpu, unsigned t)
{
	unsigned old = top(cpu);
	uint8_t tmp[128];

	if ((t & 7) == old)
		return;
	/* new slot k holds physical register t+k, which was old slot t+k-old */
	for (unsigned k = 0; k < 8; k++)
		memcpy(tmp + 16 * k, fx_st(cpu, (t + k - old) & 7), 16);
	memcpy(fx_st(cpu, 0), tmp, sizeof(tmp));
	set_top(cpu, t);
}

void fpu_fninit(struct emu_cpu *cpu)
{
	uint8_t *fx = cpu->st->fxsave;

	fpu_retop(cpu, 0);
	fx_put16(cpu, FX_FCW, 0x037f);
	set_fsw(cpu, 0);
	fx[FX_FTW] = 0;
	fx[FX_FTW + 1] = 0;
	fx_put16(cpu, FX_FOP, 0);
	memset(fx + FX_FIP, 0, 16);
}

void fpu_env_insn(struct emu_cpu *cpu, struct emu_insn *in, uint64_t ea, int save, int regs)
{
	uint8_t buf[28 + 80];
	unsigned n;

	if (save) {
		n = env_build(cpu, in, buf);
		if (regs)
			for (unsigned i = 0; i < 8; i++)
				memcpy(buf + n + 10 * i, fx_st(cpu, i), 10);
		emu_write_buf(cpu, in->seg, ea, buf, n + (regs ? 80 : 0));
		if (regs)
			fpu_fninit(cpu);
		else {	/* FNSTENV masks all exceptions, so nothing is pending any more */
			fx_put16(cpu, FX_FCW, fcw(cpu) | 0x3f);
			fpu_update_es(cpu);
		}
		return;
	}
	n = in->osz == 2 ? 14 : 28;
	emu_read_buf(cpu, in->seg, ea, buf, n + (regs ? 80 : 0));
	env_load(cpu, in, buf);
	if (regs)
		for (unsigned i = 0; i < 8; i++) {
			uint8_t *p = fx_st(cpu, i);

			memcpy(p, buf + n + 10 * i, 10);
			memset(p + 10, 0, 6);
		}
}

/* ---------------------------------------------------------------------- */
/* FXSAVE / FXRSTOR                                                       */
/* ---------------------------------------------------------------------- */

/* 64-bit mode saves XMM8-15 too; REX.W selects 64-bit FIP/FDP fields. */
static unsigned fx_len(struct emu_cpu *cpu)
{
	return cpu->mode == MODE_LONG64 ? 416 : 288;
}

static uint64_t fx_ea(struct emu_cpu *cpu, struct emu_insn *in, int write)
{
	uint64_t ea = emu_ea(cpu, in);

	if (emu_linear(cpu, in->seg, ea, 512, write) & 15)
		emu_gp(cpu, 0);
	return ea;
}

void fpu_fxsave(struct emu_cpu *cpu, struct emu_insn *in)
{
	uint64_t ea = fx_ea(cpu, in, 1);
	uint8_t img[512];
	uint32_t mask = MXCSR_VALID;

	memcpy(img, cpu->st->fxsave, 512);
	img[FX_FTW + 1] = 0;
	memcpy(img + FX_MXCSR_MASK, &mask, 4);
	if (!(in->rex & REX_W)) {	/* FIP/FDP 32-bit, FCS/FDS 0 */
		memset(img + FX_FIP + 4, 0, 4);
		memset(img + FX_FDP + 4, 0, 4);
	}
	for (unsigned i = 0; i < 8; i++)
		memset(img + FX_ST0 + 16 * i + 10, 0, 6);
	emu_write_buf(cpu, in->seg, ea, img, fx_len(cpu));
}

void fpu_fxrstor(struct emu_cpu *cpu, struct emu_insn *in)
{
	uint64_t ea = fx_ea(cpu, in, 0);
	uint8_t img[512];
	uint32_t mx;
	unsigned len = fx_len(cpu);

	emu_read_buf(cpu, in->seg, ea, img, len);
	memcpy(&mx, img + FX_MXCSR, 4);
	if (mx & ~MXCSR_VALID)
		emu_gp(cpu, 0);
	if (!(in->rex & REX_W)) {
		memset(img + FX_FIP + 4, 0, 4);
		memset(img + FX_FDP + 4, 0, 4);
	}
	img[FX_FTW + 1] = 0;
	memset(img + FX_MXCSR_MASK, 0, 4);
	for (unsigned i = 0; i < 8; i++)
		memset(img + FX_ST0 + 16 * i + 10, 0, 6);
	memcpy(cpu->st->fxsave, img, len);
	fx_put16(cpu, FX_FCW, FCW_FIX(fx_get16(cpu, FX_FCW)));
	fpu_update_es(cpu);
}


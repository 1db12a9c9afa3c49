/*
 * emu x87: the arithmetic itself, run on the host's x87 unit.
 *
 * An x86-64 host has the same 80-bit extended format, so each guest
 * operation is replayed on the host under the guest's control word (precision
 * and rounding control, exception masks) on copies of the operands: results,
 * condition codes, exception flags and even the bias-adjusted results of
 * unmasked overflow/underflow are exactly what the hardware gives.  fnstsw
 * reads the outcome before fnclex discards the pending exception, and the
 * host stack is emptied with fninit, so no host trap can follow.  The stack,
 * tags and exception policy stay in fpu.c.
 */
#include "engine/emu/fpu_host.h"

struct f80 { uint8_t b[16]; };

#define HOST_X87(loads_insn) \
	__asm__ volatile("fnstcw %[save]\n\t" \
			 "fninit\n\t" \
			 "fldcw %[cw]\n\t" \
			 loads_insn "\n\t" \
			 "fnstsw %[sw]\n\t" \
			 "fnclex\n\t" \
			 "fldcw %[masked]\n\t" \
			 "fstpt %[r0]\n\t" \
			 "fstpt %[r1]\n\t" \
			 "fninit\n\t" \
			 "fldcw %[save]" \
			 : [sw] "=m"(sw), [save] "=m"(save), [r0] "=m"(*(struct f80 *)r0), \
			   [r1] "=m"(*(struct f80 *)r1), [m] "+m"(*(struct f80 *)mem) \
			 : [cw] "m"(cw), [masked] "m"(masked), [a] "m"(*(const struct f80 *)a), \
			   [b] "m"(*(const struct f80 *)b) \
			 : "memory", "st", "st(1)", "st(2)", "st(3)", "st(4)", "st(5)", "st(6)", \
			   "st(7)")

#define C(op, s) case op: HOST_X87(s); break

uint16_t fpu_host(int op, uint16_t cw, const void *a, const void *b, void *r0, void *r1,
		  void *mem)
{
	uint16_t sw = 0, save, masked = 0x037f;

	switch (op) {
	/* ST0 = a, ST1 = b; result in ST0 (r0), ST1 (r1) */
	C(XH_ADD, "fldt %[b]\n\tfldt %[a]\n\tfadd %%st(1), %%st");
	C(XH_SUB, "fldt %[b]\n\tfldt %[a]\n\tfsub %%st(1), %%st");
	C(XH_SUBR, "fldt %[b]\n\tfldt %[a]\n\tfsubr %%st(1), %%st");
	C(XH_MUL, "fldt %[b]\n\tfldt %[a]\n\tfmul %%st(1), %%st");
	C(XH_DIV, "fldt %[b]\n\tfldt %[a]\n\tfdiv %%st(1), %%st");
	C(XH_DIVR, "fldt %[b]\n\tfldt %[a]\n\tfdivr %%st(1), %%st");
	C(XH_COM, "fldt %[b]\n\tfldt %[a]\n\tfcom %%st(1)");
	C(XH_UCOM, "fldt %[b]\n\tfldt %[a]\n\tfucom %%st(1)");
	C(XH_PREM, "fldt %[b]\n\tfldt %[a]\n\tfprem");
	C(XH_PREM1, "fldt %[b]\n\tfldt %[a]\n\tfprem1");
	C(XH_SCALE, "fldt %[b]\n\tfldt %[a]\n\tfscale");
	C(XH_YL2X, "fldt %[b]\n\tfldt %[a]\n\tfyl2x");
	C(XH_YL2XP1, "fldt %[b]\n\tfldt %[a]\n\tfyl2xp1");
	C(XH_PATAN, "fldt %[b]\n\tfldt %[a]\n\tfpatan");
	/* one input */
	C(XH_SQRT, "fldt %[a]\n\tfsqrt");
	C(XH_SIN, "fldt %[a]\n\tfsin");
	C(XH_COS, "fldt %[a]\n\tfcos");
	C(XH_SINCOS, "fldt %[a]\n\tfsincos");
	C(XH_PTAN, "fldt %[a]\n\tfptan");
	C(XH_RNDINT, "fldt %[a]\n\tfrndint");
	C(XH_F2XM1, "fldt %[a]\n\tf2xm1");
	C(XH_XTRACT, "fldt %[a]\n\tfxtract");
	C(XH_TST, "fldt %[a]\n\tftst");
	C(XH_XAM, "fldt %[a]\n\tfxam");
	/* constants */
	C(XH_LD1, "fld1");
	C(XH_LDL2T, "fldl2t");
	C(XH_LDL2E, "fldl2e");
	C(XH_LDPI, "fldpi");
	C(XH_LDLG2, "fldlg2");
	C(XH_LDLN2, "fldln2");
	C(XH_LDZ, "fldz");
	/* memory image in mem -> extended in r0 */
	C(XH_LDS, "flds %[m]");
	C(XH_LDL, "fldl %[m]");
	C(XH_ILDS, "filds %[m]");
	C(XH_ILDL, "fildl %[m]");
	C(XH_ILDLL, "fildll %[m]");
	C(XH_BLD, "fbld %[m]");
	/* extended a -> memory image in mem */
	C(XH_STS, "fldt %[a]\n\tfstps %[m]");
	C(XH_STL, "fldt %[a]\n\tfstpl %[m]");
	C(XH_ISTS, "fldt %[a]\n\tfistps %[m]");
	C(XH_ISTL, "fldt %[a]\n\tfistpl %[m]");
	C(XH_ISTLL, "fldt %[a]\n\tfistpll %[m]");
	C(XH_BSTP, "fldt %[a]\n\tfbstp %[m]");
	/* memory-operand forms: the host sees the same denormal/NaN operand rules */
	C(XH_M32 + 0, "fldt %[a]\n\tfadds %[m]");
	C(XH_M32 + 1, "fldt %[a]\n\tfmuls %[m]");
	C(XH_M32 + 2, "fldt %[a]\n\tfcoms %[m]");
	C(XH_M32 + 3, "fldt %[a]\n\tfcoms %[m]");
	C(XH_M32 + 4, "fldt %[a]\n\tfsubs %[m]");
	C(XH_M32 + 5, "fldt %[a]\n\tfsubrs %[m]");
	C(XH_M32 + 6, "fldt %[a]\n\tfdivs %[m]");
	C(XH_M32 + 7, "fldt %[a]\n\tfdivrs %[m]");
	C(XH_M64 + 0, "fldt %[a]\n\tfaddl %[m]");
	C(XH_M64 + 1, "fldt %[a]\n\tfmull %[m]");
	C(XH_M64 + 2, "fldt %[a]\n\tfcoml %[m]");
	C(XH_M64 + 3, "fldt %[a]\n\tfcoml %[m]");
	C(XH_M64 + 4, "fldt %[a]\n\tfsubl %[m]");
	C(XH_M64 + 5, "fldt %[a]\n\tfsubrl %[m]");
	C(XH_M64 + 6, "fldt %[a]\n\tfdivl %[m]");
	C(XH_M64 + 7, "fldt %[a]\n\tfdivrl %[m]");
	default:
		return 0xffff;
	}
	return sw;
}

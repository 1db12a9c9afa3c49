/*
 * emu x87: replay one x87 operation on the host's x87 unit (fpu_host.c).
 */
#ifndef HVM_EMU_FPU_HOST_H
#define HVM_EMU_FPU_HOST_H

#include <stdint.h>

enum {
	/* two inputs: a = ST0, b = ST1 */
	XH_ADD, XH_SUB, XH_SUBR, XH_MUL, XH_DIV, XH_DIVR, XH_COM, XH_UCOM,
	XH_PREM, XH_PREM1, XH_SCALE, XH_YL2X, XH_YL2XP1, XH_PATAN,
	/* one input: a */
	XH_SQRT, XH_SIN, XH_COS, XH_SINCOS, XH_PTAN, XH_RNDINT, XH_F2XM1, XH_XTRACT,
	XH_TST, XH_XAM,
	/* constants */
	XH_LD1, XH_LDL2T, XH_LDL2E, XH_LDPI, XH_LDLG2, XH_LDLN2, XH_LDZ,
	/* memory image (mem) -> extended (r0) */
	XH_LDS, XH_LDL, XH_ILDS, XH_ILDL, XH_ILDLL, XH_BLD,
	/* extended (a) -> memory image (mem) */
	XH_STS, XH_STL, XH_ISTS, XH_ISTL, XH_ISTLL, XH_BSTP,
	/* a op m32fp / m64fp (mem), in arith_op order: add mul com com sub subr div divr */
	XH_M32 = 64,
	XH_M64 = XH_M32 + 8,
};

/*
 * Run `op` under control word cw.  a, b: 80-bit inputs (16-byte buffers);
 * r0, r1: the host ST0/ST1 afterwards (16-byte buffers, garbage where the op
 * leaves fewer values); mem: 16-byte buffer for memory images.  Returns the
 * host status word right after the op (exception flags, C0-C3).
 */
uint16_t fpu_host(int op, uint16_t cw, const void *a, const void *b, void *r0, void *r1,
		  void *mem);

#endif

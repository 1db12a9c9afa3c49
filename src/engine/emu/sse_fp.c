/*
 * emu: SSE/SSE2 floating point (Intel SDM vol. 1 ch. 10-11, vol. 2 pages of
 * ADDPS..MAXSD, SQRT*, RCP*, RSQRT*, CMP*, COMIS*, CVT*).
 *
 * The host is x86-64, so the arithmetic runs on the host's own SSE unit: the
 * guest MXCSR (rounding, FTZ, DAZ) is loaded with every exception masked, the
 * instruction runs on register copies, and the raised flags are read back.
 * Results are therefore bit-exact to the host CPU, including RCP/RSQRT
 * approximations (which differ between CPU vendors anyway).  Deciding about
 * unmasked exceptions (#XM/#UD) is sse.c's job.
 */
#include "engine/emu/fpu.h"

typedef long long v2di __attribute__((vector_size(16)));

/*
 * MXCSR bits the host accepts (DAZ is missing on some early x86-64 parts):
 * loading others would fault in hvm itself.  Computed once; a racing second
 * computation writes the same value.
 */
static uint32_t host_mask(void)
{
	static volatile uint32_t mask;
	uint8_t img[512] __attribute__((aligned(16)));
	uint32_t m;

	if (mask)
		return mask;
	memset(img, 0, sizeof(img));
	__asm__ volatile("fxsave %0" : "=m"(img));
	memcpy(&m, img + FX_MXCSR_MASK, 4);
	mask = m ? m : 0xffbf;	/* 0 means the architectural default: no DAZ */
	return mask;
}

/* The host MXCSR for a guest one: guest rounding, FTZ and DAZ, every exception masked. */
static uint32_t host_mxcsr(uint32_t guest)
{
	return ((guest & ~MXCSR_FLAGS) | MXCSR_MASKS) & host_mask();
}

/* Run `insn src, dst` on the host under mxcsr m; ret gets the flags raised. */
#define HOST2(insn) do { \
	__asm__ volatile("stmxcsr %[save]\n\t" \
			 "ldmxcsr %[m]\n\t" \
			 insn " %[s], %[d]\n\t" \
			 "stmxcsr %[o]\n\t" \
			 "ldmxcsr %[save]" \
			 : [d] "+x"(dv), [o] "=m"(out), [save] "=m"(save) \
			 : [s] "x"(sv), [m] "m"(m)); \
} while (0)

#define OP4(opc, name) \
	case opc: \
		switch (pfx) { \
		case 0: HOST2(name "ps"); break; \
		case 0x66: HOST2(name "pd"); break; \
		case 0xf3: HOST2(name "ss"); break; \
		default: HOST2(name "sd"); break; \
		} \
		break

#define CMPCASE(i, sfx) case i: HOST2("cmp" sfx " $" #i ","); break

#define CMP8(sfx) \
	switch (imm & 7) { \
	CMPCASE(0, sfx); CMPCASE(1, sfx); CMPCASE(2, sfx); CMPCASE(3, sfx); \
	CMPCASE(4, sfx); CMPCASE(5, sfx); CMPCASE(6, sfx); default: HOST2("cmp" sfx " $7,"); break; \
	}

/*
 * With underflow unmasked, tininess alone raises #U even for an exact result,
 * which a masked host run does not report: look for denormal results.
 */
static uint32_t tiny_result(uint8_t op, uint8_t pfx, const v2di *dv)
{
	union vec r;
	int dbl = pfx == 0x66 || pfx == 0xf2;
	unsigned lanes = pfx == 0 ? 4 : pfx == 0x66 ? 2 : 1;

	if (op == 0x5a) {	/* only the narrowing conversions can underflow */
		if (pfx != 0x66 && pfx != 0xf2)
			return 0;
		dbl = 0;
		lanes = pfx == 0x66 ? 2 : 1;
	} else if (op != 0x58 && op != 0x59 && op != 0x5c && op != 0x5e) {
		return 0;
	}
	memcpy(r.b, dv, 16);
	for (unsigned i = 0; i < lanes; i++) {
		if (dbl ? ((r.q[i] & 0x7ff0000000000000ULL) == 0 && (r.q[i] << 1))
			: ((r.d[i] & 0x7f800000u) == 0 && (r.d[i] << 1)))
			return MXCSR_UE;
	}
	return 0;
}

int sse_fp_op(uint8_t op, uint8_t pfx, union vec *d, const union vec *s, uint8_t imm,
	      uint32_t mxcsr)
{
	uint32_t m = host_mxcsr(mxcsr), out = 0, save;
	int um_open = !(mxcsr & (MXCSR_UE << 7));
	v2di dv, sv;

	if (um_open)	/* FTZ only applies while underflow is masked */
		m &= ~(uint32_t)MXCSR_FZ;

	memcpy(&dv, d->b, 16);
	memcpy(&sv, s->b, 16);
	switch (op) {
	OP4(0x51, "sqrt");
	OP4(0x58, "add");
	OP4(0x59, "mul");
	OP4(0x5c, "sub");
	OP4(0x5d, "min");
	OP4(0x5e, "div");
	OP4(0x5f, "max");
	case 0x52:
		if (pfx == 0) HOST2("rsqrtps");
		else if (pfx == 0xf3) HOST2("rsqrtss");
		else return -1;
		break;
	case 0x53:
		if (pfx == 0) HOST2("rcpps");
		else if (pfx == 0xf3) HOST2("rcpss");
		else return -1;
		break;
	case 0x5a:
		switch (pfx) {
		case 0: HOST2("cvtps2pd"); break;
		case 0x66: HOST2("cvtpd2ps"); break;
		case 0xf3: HOST2("cvtss2sd"); break;
		default: HOST2("cvtsd2ss"); break;
		}
		break;
	case 0x5b:
		switch (pfx) {
		case 0: HOST2("cvtdq2ps"); break;
		case 0x66: HOST2("cvtps2dq"); break;
		case 0xf3: HOST2("cvttps2dq"); break;
		default: return -1;
		}
		break;
	case 0xe6:
		switch (pfx) {
		case 0x66: HOST2("cvttpd2dq"); break;
		case 0xf3: HOST2("cvtdq2pd"); break;
		case 0xf2: HOST2("cvtpd2dq"); break;
		default: return -1;
		}
		break;
	case 0xc2:
		switch (pfx) {
		case 0: CMP8("ps"); break;
		case 0x66: CMP8("pd"); break;
		case 0xf3: CMP8("ss"); break;
		default: CMP8("sd"); break;
		}
		break;
	default:
		return -1;
	}
	if (um_open)
		out |= tiny_result(op, pfx, &dv);
	memcpy(d->b, &dv, 16);
	return (int)(out & MXCSR_FLAGS);
}

int sse_fp_comi(uint8_t op, int dbl, const union vec *a, const union vec *b, uint32_t mxcsr,
		uint64_t *zpc)
{
	uint32_t m = host_mxcsr(mxcsr), out = 0, save;
	v2di av, bv;
	uint8_t z, p, c;

	memcpy(&av, a->b, 16);
	memcpy(&bv, b->b, 16);
#define COMI(insn) \
	__asm__ volatile("stmxcsr %[save]\n\tldmxcsr %[m]\n\t" insn " %[b], %[a]\n\t" \
			 "stmxcsr %[o]\n\tldmxcsr %[save]" \
			 : "=@ccz"(z), "=@ccp"(p), "=@ccc"(c), [o] "=m"(out), [save] "=m"(save) \
			 : [a] "x"(av), [b] "x"(bv), [m] "m"(m))
	if (op == 0x2e) {
		if (dbl) COMI("ucomisd");
		else COMI("ucomiss");
	} else {
		if (dbl) COMI("comisd");
		else COMI("comiss");
	}
#undef COMI
	*zpc = (z ? FL_ZF : 0) | (p ? FL_PF : 0) | (c ? FL_CF : 0);
	return (int)(out & MXCSR_FLAGS);
}

int sse_fp_cvt2si(int trunc, int dbl, int q, const union vec *s, uint32_t mxcsr, uint64_t *res)
{
	uint32_t m = host_mxcsr(mxcsr), out = 0, save;
	v2di sv;
	uint64_t r = 0;

	memcpy(&sv, s->b, 16);
#define CVT(insn) \
	__asm__ volatile("stmxcsr %[save]\n\tldmxcsr %[m]\n\t" insn " %[s], %[r]\n\t" \
			 "stmxcsr %[o]\n\tldmxcsr %[save]" \
			 : [r] "=r"(r), [o] "=m"(out), [save] "=m"(save) \
			 : [s] "x"(sv), [m] "m"(m))
	switch ((trunc << 2) | (dbl << 1) | q) {
	case 0: CVT("cvtss2si %[s], %k[r]\n\t#"); break;
	case 1: CVT("cvtss2si"); break;
	case 2: CVT("cvtsd2si %[s], %k[r]\n\t#"); break;
	case 3: CVT("cvtsd2si"); break;
	case 4: CVT("cvttss2si %[s], %k[r]\n\t#"); break;
	case 5: CVT("cvttss2si"); break;
	case 6: CVT("cvttsd2si %[s], %k[r]\n\t#"); break;
	default: CVT("cvttsd2si"); break;
	}
#undef CVT
	*res = q ? r : (uint32_t)r;
	return (int)(out & MXCSR_FLAGS);
}

int sse_fp_cvtsi(int dbl, int q, union vec *d, uint64_t v, uint32_t mxcsr)
{
	uint32_t m = host_mxcsr(mxcsr), out = 0, save;
	v2di dv;

	memcpy(&dv, d->b, 16);
#define CVT(insn, val) \
	__asm__ volatile("stmxcsr %[save]\n\tldmxcsr %[m]\n\t" insn " %[s], %[d]\n\t" \
			 "stmxcsr %[o]\n\tldmxcsr %[save]" \
			 : [d] "+x"(dv), [o] "=m"(out), [save] "=m"(save) \
			 : [s] "r"(val), [m] "m"(m))
	switch ((dbl << 1) | q) {
	case 0: CVT("cvtsi2ssl", (uint32_t)v); break;
	case 1: CVT("cvtsi2ssq", v); break;
	case 2: CVT("cvtsi2sdl", (uint32_t)v); break;
	default: CVT("cvtsi2sdq", v); break;
	}
#undef CVT
	memcpy(d->b, &dv, 16);
	return (int)(out & MXCSR_FLAGS);
}

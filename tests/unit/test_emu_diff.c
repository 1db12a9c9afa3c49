/*
 * Differential test of the emu CPU against the host CPU: random user-mode
 * instructions (integer, SSE/SSE2, MMX, x87) run natively in a forked child
 * (emu_diff_native.h) and in emu on a 64-bit CPL-3 guest with identity
 * paging, then registers, flags (less the SDM's undefined ones), x87/SSE
 * state and the data window are compared.
 *
 * EMU_DIFF_SEED=n picks the seed (printed; fixed by default so `make check`
 * is repeatable), EMU_DIFF_CASES=n the number of cases (default 100000;
 * `make fuzz-cpu` runs millions with a fresh seed).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/mem.h"
#include "engine/emu/emu.h"
#include "test.h"

#include "emu_diff_gen.h"

#define BATCH 512
#define PT_BASE 0x300000ULL
#define GUEST_RAM (4ULL << 20)

struct emu_env {
	struct guest_mem mem;
	struct cpu_state st;
	struct emu_cpu *cpu;
};

static int env_init(struct emu_env *e)
{
	uint64_t pml4e = (PT_BASE + 0x1000) | 7, pdpte = (PT_BASE + 0x2000) | 7;
	uint64_t pde[2] = { 0x000000 | 0x87, 0x200000 | 0x87 };	/* 2 MiB user pages */
	struct seg code = { .sel = 0x33, .base = 0, .limit = 0xffffffff,
			    .attr = 0xb | SEG_S | (3 << 5) | SEG_P | SEG_L | SEG_G };
	struct seg data = { .sel = 0x2b, .base = 0, .limit = 0xffffffff,
			    .attr = 0x3 | SEG_S | (3 << 5) | SEG_P | SEG_DB | SEG_G };
	int r;

	memset(e, 0, sizeof(*e));
	r = mem_init(&e->mem, GUEST_RAM);
	if (r < 0)
		return r;
	if (gpa_write(&e->mem, PT_BASE, &pml4e, 8) || gpa_write(&e->mem, PT_BASE + 0x1000, &pdpte, 8) ||
	    gpa_write(&e->mem, PT_BASE + 0x2000, pde, sizeof(pde)))
		return -EFAULT;
	cpu_state_reset(&e->st, 1);
	e->st.cr0 = CR0_PE | CR0_MP | CR0_ET | CR0_NE | CR0_WP | CR0_PG;
	e->st.cr3 = PT_BASE;
	e->st.cr4 = CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT;
	e->st.efer = EFER_LME | EFER_LMA | EFER_NXE | EFER_SCE;
	e->st.seg[S_CS] = code;
	e->st.seg[S_SS] = data;
	e->st.seg[S_DS] = data;
	e->st.seg[S_ES] = data;
	e->st.seg[S_FS] = data;
	e->st.seg[S_GS] = data;
	e->st.tr = (struct seg){ .sel = 0x40, .base = 0, .limit = 0x67, .attr = 0xb | SEG_P };
	e->cpu = emu_test_new(&e->mem, &e->st);
	return e->cpu ? 0 : -ENOMEM;
}

static void env_fini(struct emu_env *e)
{
	emu_test_free(e->cpu);
	mem_destroy(&e->mem);
}

static int vec_class(int v)
{
	switch (v) {
	case -1: return DX_NONE;
	case EXC_DE: return DX_DE;
	case EXC_UD: return DX_UD;
	case EXC_GP: case EXC_SS: return DX_GP;
	case EXC_PF: return DX_PF;
	case EXC_AC: return DX_AC;
	case EXC_XM: case EXC_MF: return DX_XM;
	default: return DX_OTHER;
	}
}

/* Run one case in emu; fills *out like the native side.  Returns -1 on an internal error. */
static int emu_run_case(struct emu_env *e, const struct tcase *c, struct diff_native_out *out,
			char *err, size_t errlen)
{
	struct cpu_state *st = &e->st;
	uint8_t zero[16] = { 0 };
	int vec = -1, r = EMU_STOP_NONE;

	memcpy(st->regs, c->in.gpr, sizeof(st->regs));
	st->rip = DIFF_CODE_VA;
	memcpy(st->fxsave, c->in.fx, 512);
	emu_set_rflags(e->cpu, c->in.rflags);
	gpa_write(&e->mem, DIFF_CODE_VA, c->code, c->len);
	gpa_write(&e->mem, DIFF_CODE_VA + c->len, zero, sizeof(zero));
	gpa_write(&e->mem, DIFF_DATA_VA, c->data, DIFF_DATA_LEN);
	/* REP string instructions may retire one iteration per step. */
	for (unsigned i = 0; i < 100000; i++) {
		r = emu_test_run(e->cpu, 1, &vec);
		if (r != EMU_STOP_NONE || st->rip != DIFF_CODE_VA)
			break;
	}
	if (r == EMU_STOP_ERROR) {
		snprintf(err, errlen, "emu error: %s", e->cpu->err);
		return -1;
	}
	out->exc = r == EMU_STOP_EXCEPTION ? vec_class(vec) : DX_NONE;
	memcpy(out->r.gpr, st->regs, sizeof(st->regs));
	out->r.rflags = emu_get_rflags(e->cpu);
	out->r.rip = st->rip;
	memcpy(out->r.fx, st->fxsave, 512);
	gpa_read(&e->mem, DIFF_DATA_VA, out->data, DIFF_DATA_LEN);
	return 0;
}

static const char *const gpr_names[16] = {
	"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
	"r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15",
};

static const char *const exc_names[] = {
	"none", "#DE", "#UD", "#GP", "#PF", "#AC", "#XM", "#MF", "other", "crash",
};

/* FXSAVE bytes compared: FCW, FSW, FTW, MXCSR, ST0-7, XMM0-15 (not FOP/FIP/FDP/MXCSR_MASK). */
static int fx_cmp_byte(unsigned i)
{
	return i < 5 || (i >= 24 && i < 28) || (i >= 32 && i < 416);
}

/* Compare; returns 0 when equal, else writes a description. */
static int compare(const struct tcase *c, const struct diff_native_out *n,
		   const struct diff_native_out *m, char *why, size_t len)
{
	uint64_t fmask = (FL_CF | FL_PF | FL_AF | FL_ZF | FL_SF | FL_OF | FL_DF) & ~c->undef;

	if (n->exc != m->exc) {
		snprintf(why, len, "exception: native %s, emu %s", exc_names[n->exc], exc_names[m->exc]);
		return 1;
	}
	if (n->r.rip != m->r.rip) {
		snprintf(why, len, "rip: native %#llx, emu %#llx", (unsigned long long)n->r.rip,
			 (unsigned long long)m->r.rip);
		return 1;
	}
	if (n->exc != DX_NONE)
		return 0;	/* the signal path keeps no registers */
	for (unsigned i = 0; i < 16; i++) {
		uint64_t mask = ((c->lo32_regs >> i) & 1) ? 0xffffffffULL : ~0ULL;

		if (!((c->skip_regs >> i) & 1) && ((n->r.gpr[i] ^ m->r.gpr[i]) & mask)) {
			snprintf(why, len, "%s: native %#llx, emu %#llx", gpr_names[i],
				 (unsigned long long)n->r.gpr[i], (unsigned long long)m->r.gpr[i]);
			return 1;
		}
	}
	if ((n->r.rflags ^ m->r.rflags) & fmask) {
		snprintf(why, len, "rflags: native %#llx, emu %#llx (compared %#llx)",
			 (unsigned long long)n->r.rflags, (unsigned long long)m->r.rflags,
			 (unsigned long long)fmask);
		return 1;
	}
	for (unsigned i = 0; i < 512; i++)
		if (fx_cmp_byte(i) && n->r.fx[i] != m->r.fx[i]) {
			const char *what = i < 2 ? "fcw" : i < 4 ? "fsw" : i < 5 ? "ftw" : i < 28 ? "mxcsr" :
					   i < 160 ? "st" : "xmm";
			unsigned idx = i < 160 ? (i - 32) / 16 : (i - 160) / 16;
			snprintf(why, len, "%s%s%u byte %u: native %02x, emu %02x", what,
				 i >= 32 ? "" : "", i >= 32 ? idx : 0, i, n->r.fx[i], m->r.fx[i]);
			return 1;
		}
	for (unsigned i = 0; !c->skip_mem && i < DIFF_DATA_LEN; i++) {
		if (n->data[i] == m->data[i] || (i >= c->skip_lo && i < c->skip_hi))
			continue;
		snprintf(why, len, "memory at %#llx: native %02x, emu %02x",
			 (unsigned long long)(DIFF_DATA_VA + i), n->data[i], m->data[i]);
		return 1;
	}
	return 0;
}

static void dump_case(const struct tcase *c, const struct diff_native_out *n,
		      const struct diff_native_out *m, const char *why)
{
	printf("  MISMATCH %s [", c->name);
	for (unsigned i = 0; i < c->len; i++)
		printf("%s%02x", i ? " " : "", c->code[i]);
	printf("]: %s\n", why);
	printf("    in : rflags %#llx", (unsigned long long)c->in.rflags);
	if (c->has_mem)
		printf(" mem@%#llx", (unsigned long long)c->target);
	printf("\n");
	for (unsigned i = 0; i < 16; i++)
		printf("    %-4s in %016llx  native %016llx  emu %016llx\n", gpr_names[i],
		       (unsigned long long)c->in.gpr[i], (unsigned long long)n->r.gpr[i],
		       (unsigned long long)m->r.gpr[i]);
	printf("    rflags native %#llx emu %#llx; exc native %s emu %s\n",
	       (unsigned long long)n->r.rflags, (unsigned long long)m->r.rflags,
	       exc_names[n->exc], exc_names[m->exc]);
	{
		uint32_t mi, mn, mm;
		uint16_t ci, si, sn, sm;

		memcpy(&mi, c->in.fx + 24, 4); memcpy(&mn, n->r.fx + 24, 4); memcpy(&mm, m->r.fx + 24, 4);
		memcpy(&ci, c->in.fx, 2); memcpy(&si, c->in.fx + 2, 2);
		memcpy(&sn, n->r.fx + 2, 2); memcpy(&sm, m->r.fx + 2, 2);
		printf("    mxcsr in %#x native %#x emu %#x; fcw %#x fsw in %#x native %#x emu %#x ftw %#x\n",
		       mi, mn, mm, ci, si, sn, sm, c->in.fx[4]);
	}
	for (unsigned i = 0; i < 16; i++) {
		const uint8_t *a = c->in.fx + 160 + 16 * i;
		const uint8_t *b = n->r.fx + 160 + 16 * i, *d = m->r.fx + 160 + 16 * i;

		if (!memcmp(a, b, 16) && !memcmp(b, d, 16))
			continue;
		printf("    xmm%-2u in ", i);
		for (int k = 15; k >= 0; k--) printf("%02x", a[k]);
		printf(" native ");
		for (int k = 15; k >= 0; k--) printf("%02x", b[k]);
		printf(" emu ");
		for (int k = 15; k >= 0; k--) printf("%02x", d[k]);
		printf("\n");
	}
}

/* ---- driving ---- */

static struct tcase *g_cases;

static void get_case(void *ctx, unsigned i, const uint8_t **code, unsigned *len,
		     const struct diff_regs **in, const uint8_t **data)
{
	(void)ctx;
	*code = g_cases[i].code;
	*len = g_cases[i].len;
	*in = &g_cases[i].in;
	*data = g_cases[i].data;
}

static uint64_t env_u64(const char *name, uint64_t def)
{
	const char *s = getenv(name);

	return s && *s ? strtoull(s, NULL, 0) : def;
}

TEST(native_harness)
{
	/* The harness itself: add rax, rbx natively, and a #DE. */
	struct diff_native_out *out = mmap(NULL, 2 * sizeof(*out), PROT_READ | PROT_WRITE,
					   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	volatile unsigned *prog = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	static struct tcase tc[2];
	int r;

	CHECK(out != MAP_FAILED && prog != MAP_FAILED);
	memset(tc, 0, sizeof(tc));
	tc[0].code[0] = 0x48; tc[0].code[1] = 0x01; tc[0].code[2] = 0xd8;	/* add rax, rbx */
	tc[0].len = 3;
	tc[0].in.gpr[R_AX] = 0xffffffffffffffffULL;
	tc[0].in.gpr[R_BX] = 2;
	tc[0].in.gpr[R_SP] = 0x1234;
	tc[0].in.rflags = 0x202;
	tc[0].in.fx[24] = 0x80; tc[0].in.fx[25] = 0x1f;
	tc[0].in.fx[0] = 0x7f; tc[0].in.fx[1] = 0x03;
	tc[1] = tc[0];
	tc[1].code[0] = 0x48; tc[1].code[1] = 0xf7; tc[1].code[2] = 0xf1;	/* div rcx (= 0) */
	g_cases = tc;
	r = diffx_run_batch(2, get_case, NULL, out, prog);
	CHECK_EQ(r, 0);
	CHECK_EQ(out[0].exc, DX_NONE);
	CHECK_EQ(out[0].r.gpr[R_AX], 1);
	CHECK_EQ(out[0].r.gpr[R_SP], 0x1234);
	CHECK_EQ(out[0].r.rflags & FL_CF, FL_CF);
	CHECK_EQ(out[0].r.rip, DIFF_CODE_VA + 3);
	CHECK_EQ(out[1].exc, DX_DE);
	CHECK_EQ(out[1].r.rip, DIFF_CODE_VA);
	munmap(out, 2 * sizeof(*out));
	munmap((void *)prog, 4096);
}

TEST(random_vs_host)
{
	uint64_t seed = env_u64("EMU_DIFF_SEED", 0x5eed);	/* fixed: make check is repeatable */
	uint64_t ncases = env_u64("EMU_DIFF_CASES", 100000), done = 0, bad = 0, crashes = 0;
	uint64_t excs[DX_CRASH + 1] = { 0 };
	uint64_t rs = seed | 1;
	struct diff_native_out *nat, mine;
	volatile unsigned *prog;
	struct emu_env env;
	char why[200];
	int r;

	printf("emu_diff: seed %#llx (EMU_DIFF_SEED), %llu cases (EMU_DIFF_CASES)\n",
	       (unsigned long long)seed, (unsigned long long)ncases);
	g_cases = calloc(BATCH, sizeof(*g_cases));
	nat = mmap(NULL, BATCH * sizeof(*nat), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	prog = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	CHECK(g_cases && nat != MAP_FAILED && prog != MAP_FAILED);
	r = env_init(&env);
	CHECK_EQ(r, 0);
	while (done < ncases) {
		unsigned n = ncases - done < BATCH ? (unsigned)(ncases - done) : BATCH;

		for (unsigned i = 0; i < n; i++)
			gen_case(&rs, &g_cases[i]);
		r = diffx_run_batch(n, get_case, NULL, nat, prog);
		CHECK_EQ(r, 0);
		for (unsigned i = 0; i < n; i++) {
			if (nat[i].exc == DX_CRASH) {
				crashes++;
				continue;
			}
			excs[nat[i].exc]++;
			if (emu_run_case(&env, &g_cases[i], &mine, why, sizeof(why)) < 0 ||
			    compare(&g_cases[i], &nat[i], &mine, why, sizeof(why))) {
				if (bad < 20)
					dump_case(&g_cases[i], &nat[i], &mine, why);
				bad++;
			}
		}
		done += n;
	}
	env_fini(&env);
	printf("emu_diff: native outcomes:");
	for (unsigned i = 0; i < DX_CRASH; i++)
		printf(" %s %llu", exc_names[i], (unsigned long long)excs[i]);
	printf("\n");
	printf("emu_diff: %llu cases, %llu mismatches, %llu native crashes (seed %#llx)\n",
	       (unsigned long long)done, (unsigned long long)bad, (unsigned long long)crashes,
	       (unsigned long long)seed);
	free(g_cases);
	munmap(nat, BATCH * sizeof(*nat));
	munmap((void *)prog, 4096);
	CHECK_EQ(bad, 0);
	CHECK(crashes * 1000 <= done);
}

/* ---- targeted checks in emu alone: modes and faults the random run keeps away from ---- */

static struct emu_env g_env;

/* Run `code` once from a clean state; returns the vector (-1 none). */
static int emu_once(const void *code, unsigned len)
{
	struct cpu_state *st = &g_env.st;
	uint8_t zero[16] = { 0 };
	int vec = -1;

	st->rip = DIFF_CODE_VA;
	gpa_write(&g_env.mem, DIFF_CODE_VA, code, len);
	gpa_write(&g_env.mem, DIFF_CODE_VA + len, zero, sizeof(zero));
	emu_test_run(g_env.cpu, 1, &vec);
	return vec;
}

static void emu_reset_fpu(void)
{
	struct cpu_state *st = &g_env.st;
	uint16_t cw = 0x037f;
	uint32_t mx = 0x1f80;

	memset(st->fxsave, 0, sizeof(st->fxsave));
	memcpy(st->fxsave, &cw, 2);
	memcpy(st->fxsave + 24, &mx, 4);
	st->cr0 |= CR0_NE;
	st->cr4 |= CR4_OSFXSR | CR4_OSXMMEXCPT;
	emu_set_rflags(g_env.cpu, 0x202);
}

TEST(sse_needs_osfxsr)
{
	static const uint8_t movaps[] = { 0x0f, 0x28, 0xc1 };		/* movaps xmm0, xmm1 */
	static const uint8_t stmxcsr[] = { 0x0f, 0xae, 0x1f };		/* stmxcsr [rdi] */

	emu_reset_fpu();
	g_env.st.regs[R_DI] = DIFF_DATA_VA;
	CHECK_EQ(emu_once(movaps, sizeof(movaps)), -1);
	g_env.st.cr4 &= ~(uint64_t)CR4_OSFXSR;
	CHECK_EQ(emu_once(movaps, sizeof(movaps)), EXC_UD);
	CHECK_EQ(emu_once(stmxcsr, sizeof(stmxcsr)), EXC_UD);
	CHECK_EQ(g_env.st.rip, DIFF_CODE_VA);
	emu_reset_fpu();
}

TEST(simd_exceptions)
{
	static const uint8_t divss[] = { 0xf3, 0x0f, 0x5e, 0xc1 };	/* divss xmm0, xmm1 */
	static const uint8_t ldmxcsr[] = { 0x0f, 0xae, 0x17 };		/* ldmxcsr [rdi] */
	static const uint8_t fxsave[] = { 0x48, 0x0f, 0xae, 0x07 };	/* fxsave64 [rdi] */
	struct cpu_state *st = &g_env.st;
	float one = 1.0f, zero = 0.0f, got;
	uint32_t mx = 0x1f80 & ~0x200u, bad = 0x10000;		/* ZM clear */

	emu_reset_fpu();
	memcpy(st->fxsave + 160, &one, 4);
	memcpy(st->fxsave + 176, &zero, 4);
	memcpy(st->fxsave + 24, &mx, 4);
	CHECK_EQ(emu_once(divss, sizeof(divss)), EXC_XM);
	memcpy(&got, st->fxsave + 160, 4);
	CHECK(got == 1.0f);				/* destination untouched */
	memcpy(&mx, st->fxsave + 24, 4);
	CHECK_EQ(mx & 0x3f, 0x4);			/* ZE recorded */
	st->cr4 &= ~(uint64_t)CR4_OSXMMEXCPT;
	CHECK_EQ(emu_once(divss, sizeof(divss)), EXC_UD);
	/* masked: infinity, no fault */
	emu_reset_fpu();
	memcpy(st->fxsave + 160, &one, 4);
	memcpy(st->fxsave + 176, &zero, 4);
	CHECK_EQ(emu_once(divss, sizeof(divss)), -1);
	memcpy(&got, st->fxsave + 160, 4);
	CHECK(got > 1e38f);
	/* reserved MXCSR bits and misaligned FXSAVE fault */
	st->regs[R_DI] = DIFF_DATA_VA;
	gpa_write(&g_env.mem, DIFF_DATA_VA, &bad, 4);
	CHECK_EQ(emu_once(ldmxcsr, sizeof(ldmxcsr)), EXC_GP);
	st->regs[R_DI] = DIFF_DATA_VA + 8;
	CHECK_EQ(emu_once(fxsave, sizeof(fxsave)), EXC_GP);
	/* a 512-byte image running off the end of RAM faults, it does not crash */
	st->regs[R_DI] = GUEST_RAM - 256;
	CHECK(emu_once(fxsave, sizeof(fxsave)) >= 0);
}

TEST(x87_pending_exception)
{
	static const uint8_t fdivz[] = { 0xd8, 0xf1 };	/* fdiv st0, st1 */
	static const uint8_t fwait[] = { 0x9b };
	static const uint8_t fnclex[] = { 0xdb, 0xe2 };
	struct cpu_state *st = &g_env.st;
	uint16_t cw = 0x037f & ~0x4, sw;			/* ZM clear */
	long double one = 1.0L, zero = 0.0L;

	emu_reset_fpu();
	memcpy(st->fxsave, &cw, 2);
	memcpy(st->fxsave + 32, &one, 10);
	memcpy(st->fxsave + 48, &zero, 10);
	st->fxsave[4] = 0xff;
	CHECK_EQ(emu_once(fdivz, sizeof(fdivz)), -1);	/* x87 faults are deferred */
	memcpy(&sw, st->fxsave + 2, 2);
	CHECK_EQ(sw & 0x80ff, 0x8084);			/* B, ES, ZE */
	CHECK(!memcmp(st->fxsave + 32, &one, 10));	/* ST0 untouched */
	CHECK_EQ(emu_once(fwait, sizeof(fwait)), EXC_MF);
	st->cr0 &= ~(uint64_t)CR0_NE;			/* legacy FERR#: not emulated, no fault */
	CHECK_EQ(emu_once(fwait, sizeof(fwait)), -1);
	st->cr0 |= CR0_NE;
	CHECK_EQ(emu_once(fnclex, sizeof(fnclex)), -1);	/* no-wait form clears it */
	CHECK_EQ(emu_once(fwait, sizeof(fwait)), -1);
}

TEST(x87_save_formats)
{
	static const uint8_t fnsave32[] = { 0xdd, 0x37 };		/* fnsave [rdi] */
	static const uint8_t fnsave16[] = { 0x66, 0xdd, 0x37 };		/* 94-byte form */
	static const uint8_t frstor32[] = { 0xdd, 0x27 };
	static const uint8_t fld1[] = { 0xd9, 0xe8 };
	struct cpu_state *st = &g_env.st;
	uint8_t img[128], back[512];
	uint16_t w;

	emu_reset_fpu();
	st->regs[R_DI] = DIFF_DATA_VA;
	CHECK_EQ(emu_once(fld1, sizeof(fld1)), -1);
	CHECK_EQ(emu_once(fld1, sizeof(fld1)), -1);
	memcpy(back, st->fxsave, 512);
	memset(img, 0xcc, sizeof(img));
	gpa_write(&g_env.mem, DIFF_DATA_VA, img, sizeof(img));
	CHECK_EQ(emu_once(fnsave32, sizeof(fnsave32)), -1);
	gpa_read(&g_env.mem, DIFF_DATA_VA, img, sizeof(img));
	memcpy(&w, img + 4, 2);
	CHECK_EQ((w >> 11) & 7, 6);			/* TOP after two pushes */
	memcpy(&w, img + 8, 2);
	CHECK_EQ(w, 0x0fff);				/* R6, R7 valid, the rest empty */
	CHECK_EQ(img[108], 0xcc);			/* 108 bytes, no more */
	CHECK_EQ(img[28 + 9], 0x3f);			/* ST0 = 1.0: exponent 0x3fff */
	memcpy(&w, st->fxsave + 2, 2);
	CHECK_EQ(w, 0);					/* FNSAVE reinitialises */
	CHECK_EQ(emu_once(frstor32, sizeof(frstor32)), -1);
	CHECK(!memcmp(st->fxsave, back, 4));		/* FCW, FSW, FTW back */
	CHECK(!memcmp(st->fxsave + 32, back + 32, 2 * 16));
	memset(img, 0xcc, sizeof(img));
	gpa_write(&g_env.mem, DIFF_DATA_VA, img, sizeof(img));
	CHECK_EQ(emu_once(fnsave16, sizeof(fnsave16)), -1);
	gpa_read(&g_env.mem, DIFF_DATA_VA, img, sizeof(img));
	CHECK_EQ(img[94], 0xcc);			/* 14 + 80 bytes */
	CHECK(img[93] != 0xcc);
}

TEST(fxsave_round_trip)
{
	static const uint8_t fxsave[] = { 0x48, 0x0f, 0xae, 0x07 };
	static const uint8_t fxrstor[] = { 0x48, 0x0f, 0xae, 0x0f };
	struct cpu_state *st = &g_env.st;
	struct tcase *c = calloc(1, sizeof(*c));
	uint64_t rs = 99;
	uint8_t before[512], img[512];

	CHECK(c != NULL);
	gen_state(&rs, c);
	emu_reset_fpu();
	memcpy(st->fxsave, c->in.fx, 512);
	st->fxsave[1] &= 0x1f;
	memcpy(before, st->fxsave, 512);
	st->regs[R_DI] = DIFF_DATA_VA;
	CHECK_EQ(emu_once(fxsave, sizeof(fxsave)), -1);
	gpa_read(&g_env.mem, DIFF_DATA_VA, img, 512);
	CHECK(!memcmp(img + 32, before + 32, 416 - 32));	/* registers as stored */
	memset(st->fxsave, 0, 512);
	CHECK_EQ(emu_once(fxrstor, sizeof(fxrstor)), -1);
	CHECK(!memcmp(st->fxsave + 32, before + 32, 416 - 32));
	CHECK(!memcmp(st->fxsave + 24, before + 24, 4));	/* MXCSR */
	CHECK_EQ(st->fxsave[4], before[4]);
	free(c);
}

TEST_MAIN_BEGIN("emu_diff")
	if (diffx_map() < 0) {
		printf("TEST SKIP emu_diff/all: cannot map %#llx\n", (unsigned long long)DIFF_CODE_VA);
		return 0;
	}
	RUN(native_harness);
	if (env_init(&g_env) == 0) {
		RUN(sse_needs_osfxsr);
		RUN(simd_exceptions);
		RUN(x87_pending_exception);
		RUN(x87_save_formats);
		RUN(fxsave_round_trip);
		env_fini(&g_env);
	} else {
		printf("TEST FAIL emu_diff/env: cannot set up the emu guest\n");
		test_failed_total++;
	}
	RUN(random_vs_host);
TEST_MAIN_END()

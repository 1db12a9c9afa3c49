/*
 * Differential test of the emu CPU against the host CPU: random user-mode
 * instructions (integer, SSE/SSE2, MMX, x87) run natively in a forked child
 * (emu_diff_native.h) and in emu on a 64-bit CPL-3 guest with identity
 * paging, then registers, flags (less the SDM's undefined ones), x87/SSE
 * state and the data window are compared.
 *
 * EMU_DIFF_SEED=n fixes the seed (printed), EMU_DIFF_CASES=n the number of
 * cases (default 100000; `make fuzz-cpu` runs millions).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

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
	for (unsigned i = 0; i < 16; i++)
		if (!((c->skip_regs >> i) & 1) && n->r.gpr[i] != m->r.gpr[i]) {
			snprintf(why, len, "%s: native %#llx, emu %#llx", gpr_names[i],
				 (unsigned long long)n->r.gpr[i], (unsigned long long)m->r.gpr[i]);
			return 1;
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
	uint64_t seed = env_u64("EMU_DIFF_SEED", (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32));
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

TEST_MAIN_BEGIN("emu_diff")
	if (diffx_map() < 0) {
		printf("TEST SKIP emu_diff/all: cannot map %#llx\n", (unsigned long long)DIFF_CODE_VA);
		return 0;
	}
	RUN(native_harness);
	RUN(random_vs_host);
TEST_MAIN_END()

/*
 * Differential CPU test, host side: run one instruction on the real CPU.
 *
 * The instruction is written to a fixed RWX page followed by an indirect
 * jump back to diffx_exit.  diffx_enter loads every GPR, RFLAGS and the
 * FXSAVE image (x87, MXCSR, XMM) from a struct diff_regs; diffx_exit stores
 * them back.  A fault in the instruction is caught by a signal handler on
 * an alternate stack and turned into an exception class, so RSP and every
 * other register can hold any value.  Cases run in batches in a forked
 * child that writes results to shared memory: if the child dies in a way
 * the handler could not catch, the parent marks that case and restarts
 * after it.
 *
 * Used only by tests/unit/test_emu_diff.c (static functions in a header on
 * purpose: one translation unit, no library code).
 */
#ifndef EMU_DIFF_NATIVE_H
#define EMU_DIFF_NATIVE_H

#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <ucontext.h>
#include <unistd.h>

/* Fixed virtual addresses, identical natively and in the emu guest. */
#define DIFF_CODE_VA	0x200000ULL	/* instruction + exit stub */
#define DIFF_DATA_VA	0x201000ULL	/* memory operands */
#define DIFF_DATA_LEN	0x1000ULL
#define DIFF_CODE_MAX	32		/* instruction bytes */
#define DIFF_BRANCH_VA	(DIFF_CODE_VA + 0x40)	/* where generated branches go */
#define DIFF_TOOK_OFF	0xff0		/* code-page byte the branch stub sets */
#define DIFF_EXIT_OFF	0xfe0		/* code-page quad: &diffx_exit */

struct diff_regs {
	uint64_t gpr[16];
	uint64_t rflags;
	uint64_t rip;			/* out: where execution stopped */
	uint8_t fx[512] __attribute__((aligned(16)));
};

/* Exception classes comparable across engines (signals lose detail). */
enum diff_exc {
	DX_NONE = 0, DX_DE, DX_UD, DX_GP, DX_PF, DX_AC, DX_XM, DX_MF, DX_OTHER, DX_CRASH,
};

struct diff_native_out {
	struct diff_regs r;
	uint8_t data[DIFF_DATA_LEN];
	int exc;			/* enum diff_exc */
};

/* Layout offsets used by the assembly below. */
#define DR_RFLAGS	128
#define DR_RIP		136
#define DR_FX		144
_Static_assert(offsetof(struct diff_regs, rflags) == DR_RFLAGS, "layout");
_Static_assert(offsetof(struct diff_regs, rip) == DR_RIP, "layout");
_Static_assert(offsetof(struct diff_regs, fx) == DR_FX, "layout");

void diffx_enter(struct diff_regs *r, uint64_t code);
void diffx_exit(void);
uint64_t diffx_host_rsp, diffx_guest_rsp, diffx_target;
struct diff_regs *diffx_cur;
uint8_t diffx_host_fx[512] __attribute__((aligned(16)));

__asm__(
	".text\n"
	".p2align 4\n"
	".globl diffx_enter\n"
	".type diffx_enter,@function\n"
	"diffx_enter:\n"
	"	push %rbx\n push %rbp\n push %r12\n push %r13\n push %r14\n push %r15\n"
	"	fxsave64 diffx_host_fx(%rip)\n"
	"	mov %rsp, diffx_host_rsp(%rip)\n"
	"	mov %rdi, diffx_cur(%rip)\n"
	"	mov %rsi, diffx_target(%rip)\n"
	"	fxrstor64 144(%rdi)\n"
	"	pushq 128(%rdi)\n popfq\n"
	"	mov 0(%rdi), %rax\n mov 8(%rdi), %rcx\n mov 16(%rdi), %rdx\n mov 24(%rdi), %rbx\n"
	"	mov 40(%rdi), %rbp\n mov 48(%rdi), %rsi\n"
	"	mov 64(%rdi), %r8\n mov 72(%rdi), %r9\n mov 80(%rdi), %r10\n mov 88(%rdi), %r11\n"
	"	mov 96(%rdi), %r12\n mov 104(%rdi), %r13\n mov 112(%rdi), %r14\n mov 120(%rdi), %r15\n"
	"	mov 32(%rdi), %rsp\n"
	"	mov 56(%rdi), %rdi\n"
	"	jmp *diffx_target(%rip)\n"
	".globl diffx_exit\n"
	"diffx_exit:\n"
	"	mov %rsp, diffx_guest_rsp(%rip)\n"
	"	mov diffx_host_rsp(%rip), %rsp\n"
	"	pushfq\n"
	"	push %rax\n"
	"	mov diffx_cur(%rip), %rax\n"
	"	popq 0(%rax)\n"
	"	popq 128(%rax)\n"
	"	mov %rcx, 8(%rax)\n mov %rdx, 16(%rax)\n mov %rbx, 24(%rax)\n"
	"	mov %rbp, 40(%rax)\n mov %rsi, 48(%rax)\n mov %rdi, 56(%rax)\n"
	"	mov %r8, 64(%rax)\n mov %r9, 72(%rax)\n mov %r10, 80(%rax)\n mov %r11, 88(%rax)\n"
	"	mov %r12, 96(%rax)\n mov %r13, 104(%rax)\n mov %r14, 112(%rax)\n mov %r15, 120(%rax)\n"
	"	mov diffx_guest_rsp(%rip), %rcx\n mov %rcx, 32(%rax)\n"
	"	fxsave64 144(%rax)\n"
	"	pushq $0x202\n popfq\n"	/* DF, AC (POPF may set it) off for C */
	"	fxrstor64 diffx_host_fx(%rip)\n"
	"	pop %r15\n pop %r14\n pop %r13\n pop %r12\n pop %rbp\n pop %rbx\n"
	"	ret\n"
	".size diffx_enter, .-diffx_enter\n");

static sigjmp_buf diffx_jb;
static volatile int diffx_sig_exc;
static volatile uint64_t diffx_sig_rip;

static int diffx_classify(int sig, const siginfo_t *si)
{
	switch (sig) {
	case SIGILL:
		return DX_UD;
	case SIGFPE:
		if (si->si_code == FPE_INTDIV || si->si_code == FPE_INTOVF)
			return DX_DE;
		return DX_XM;	/* x87 and SIMD FP faults both land here; callers keep them masked */
	case SIGSEGV:
		return si->si_code == SI_KERNEL ? DX_GP : DX_PF;
	case SIGBUS:
		return si->si_code == BUS_ADRALN ? DX_AC : DX_GP;	/* #SS -> SIGBUS */
	default:
		return DX_OTHER;
	}
}

static void diffx_handler(int sig, siginfo_t *si, void *uc_)
{
	ucontext_t *uc = uc_;

	__asm__ volatile("pushq $0x202\n\tpopfq" ::: "cc");	/* AC/DF off before any C runs */
	diffx_sig_exc = diffx_classify(sig, si);
	diffx_sig_rip = (uint64_t)uc->uc_mcontext.gregs[REG_RIP];
	siglongjmp(diffx_jb, 1);
}

/* Map the code and data pages at their fixed addresses.  0 or -errno. */
static int diffx_map(void)
{
	void *p = mmap((void *)DIFF_CODE_VA, 0x1000 + DIFF_DATA_LEN,
		       PROT_READ | PROT_WRITE | PROT_EXEC,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	if (p == MAP_FAILED)
		return -errno;
	if (p != (void *)DIFF_CODE_VA) {
		munmap(p, 0x1000 + DIFF_DATA_LEN);
		return -EEXIST;
	}
	return 0;
}

static void diffx_signals(void)
{
	static uint8_t altstack[64 * 1024];
	stack_t ss = { .ss_sp = altstack, .ss_size = sizeof(altstack) };
	struct sigaction sa;
	int sigs[] = { SIGILL, SIGFPE, SIGSEGV, SIGBUS, SIGTRAP };

	sigaltstack(&ss, NULL);
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = diffx_handler;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	for (unsigned i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
}

/*
 * Execute `code` (len bytes) with registers `in` and data window `data`;
 * fills *out.  Must run in the child (it installs signal handlers).
 */
static void diffx_run_one(const uint8_t *code, unsigned len, const struct diff_regs *in,
			  const uint8_t *data, struct diff_native_out *out)
{
	uint8_t *cp = (uint8_t *)DIFF_CODE_VA;
	uint64_t ex = (uint64_t)(uintptr_t)diffx_exit;
	static struct diff_regs r __attribute__((aligned(16)));

	uint8_t *bp = (uint8_t *)DIFF_BRANCH_VA;
	int32_t took = (int32_t)(DIFF_TOOK_OFF - (DIFF_BRANCH_VA - DIFF_CODE_VA) - 7);

	int32_t rel;

	/* The address of diffx_exit sits aligned: POPF may have turned on alignment checks. */
	memcpy(cp + DIFF_EXIT_OFF, &ex, 8);
	memcpy(cp, code, len);
	/* jmp *exit(%rip) */
	rel = (int32_t)(DIFF_EXIT_OFF - (len + 6));
	cp[len] = 0xff; cp[len + 1] = 0x25;
	memcpy(cp + len + 2, &rel, 4);
	/* branch target: movb $1, took(%rip) (no flags touched); jmp *exit(%rip) */
	bp[0] = 0xc6; bp[1] = 0x05;
	memcpy(bp + 2, &took, 4);
	bp[6] = 1;
	rel = (int32_t)(DIFF_EXIT_OFF - (DIFF_BRANCH_VA - DIFF_CODE_VA + 13));
	bp[7] = 0xff; bp[8] = 0x25;
	memcpy(bp + 9, &rel, 4);
	cp[DIFF_TOOK_OFF] = 0;
	memcpy((void *)DIFF_DATA_VA, data, DIFF_DATA_LEN);
	r = *in;
	diffx_sig_exc = DX_NONE;
	if (sigsetjmp(diffx_jb, 1) == 0) {
		diffx_enter(&r, DIFF_CODE_VA);
		r.rip = cp[DIFF_TOOK_OFF] ? DIFF_BRANCH_VA : DIFF_CODE_VA + len;
		out->exc = DX_NONE;
	} else {
		__asm__ volatile("pushq $0x202\n\tpopfq\n\tfxrstor64 %0" :: "m"(diffx_host_fx) : "cc");
		r = *in;
		r.rip = diffx_sig_rip;
		out->exc = diffx_sig_exc;
	}
	out->r = r;
	memcpy(out->data, (void *)DIFF_DATA_VA, DIFF_DATA_LEN);
}

/*
 * Run n cases in forked children.  code/len/in/data describe case i through
 * the callback `get`; results go to the shared array `out` (n entries,
 * MAP_SHARED).  A case whose child died uncaught gets exc = DX_CRASH.
 * Returns 0 or -errno.
 */
typedef void (*diffx_get_fn)(void *ctx, unsigned i, const uint8_t **code, unsigned *len,
			     const struct diff_regs **in, const uint8_t **data);

static int diffx_run_batch(unsigned n, diffx_get_fn get, void *ctx, struct diff_native_out *out,
			   volatile unsigned *progress)
{
	unsigned start = 0;

	while (start < n) {
		pid_t pid;
		int st;

		*progress = start;
		pid = fork();
		if (pid < 0)
			return -errno;
		if (pid == 0) {
			diffx_signals();
			alarm(60);
			for (unsigned i = start; i < n; i++) {
				const uint8_t *code, *data;
				const struct diff_regs *in;
				unsigned len;

				*progress = i;
				get(ctx, i, &code, &len, &in, &data);
				diffx_run_one(code, len, in, data, &out[i]);
			}
			*progress = n;
			_exit(0);
		}
		if (waitpid(pid, &st, 0) < 0)
			return -errno;
		if (WIFEXITED(st) && WEXITSTATUS(st) == 0 && *progress == n)
			return 0;
		if (*progress >= n)
			return -EIO;
		out[*progress].exc = DX_CRASH;
		start = *progress + 1;
	}
	return 0;
}

#endif

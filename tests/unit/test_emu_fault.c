/*
 * emu faults and privilege: #PF error codes for every P/W/U/RSVD/I
 * combination, A/D updates, #GP/#SS/#NP with selector error codes, IST stack
 * switch, IRETQ to CPL 3 and back through an interrupt gate, SYSCALL/SYSRET,
 * #DF and triple fault, port I/O exits and IOPL, and hostile instruction
 * streams (random bytes, over-long instructions, fetch past the end of RAM).
 * Expected values follow SDM vol. 3 ch. 4-6.
 */
#include "test.h"

#include "core/cpu_state.h"
#include "core/mem.h"
#include "engine/emu/emu.h"

struct fx {
	struct guest_mem m;
	struct cpu_state st;
	struct emu_cpu *cpu;
};

#define CODE	0x200000ULL	/* 2 MiB user page, identity mapped */
#define HANDLER	0x201000ULL
#define PT	0x13000ULL

static void w64(struct fx *f, uint64_t gpa, uint64_t v)
{
	gpa_write(&f->m, gpa, &v, 8);
}

static uint64_t r64(struct fx *f, uint64_t gpa)
{
	uint64_t v = 0;
	gpa_read(&f->m, gpa, &v, 8);
	return v;
}

static void set_seg(struct seg *s, uint16_t sel, uint32_t attr)
{
	s->sel = sel;
	s->base = 0;
	s->limit = 0xffffffff;
	s->attr = attr;
}

static void gate(struct fx *f, int vec, uint64_t off, int dpl, int ist, int present)
{
	uint64_t lo = (off & 0xffff) | (0x08ULL << 16) | ((uint64_t)ist << 32) |
		      ((uint64_t)(0x0e | dpl << 5 | (present ? 0x80 : 0)) << 40) |
		      ((off >> 16) & 0xffff) << 48;
	w64(f, 0x2000 + vec * 16, lo);
	w64(f, 0x2000 + vec * 16 + 8, off >> 32);
}

/* 64-bit long mode, identity paging; the first 2 MiB through 4 KiB PTEs. */
static void lm_state(struct fx *f, int cpl3)
{
	static const uint64_t gdt[9] = {
		0, 0x00af9b000000ffffULL, 0x00cf93000000ffffULL, 0x00cffb000000ffffULL,
		0x00cff3000000ffffULL, 0x00affb000000ffffULL, 0x0000890030000067ULL, 0,
		0x00cf13000000ffffULL,	/* 0x40: data segment, not present */
	};
	struct cpu_state *st = &f->st;
	gpa_write(&f->m, 0x500, gdt, sizeof(gdt));
	w64(f, 0x10000, 0x11000 | 7);
	w64(f, 0x11000, 0x12000 | 7);
	w64(f, 0x12000, PT | 7);
	w64(f, 0x12008, 0x200000 | 0x87);
	for (uint64_t i = 0; i < 512; i++)
		w64(f, PT + i * 8, (i << 12) | 7);
	/* TSS: RSP0 0xa000, IST1 0x9008 (unaligned on purpose), no I/O bitmap */
	w64(f, 0x3000 + 4, 0xa000);
	w64(f, 0x3000 + 36, 0x9008);
	w64(f, 0x3000 + 100, 0x00680000ULL << 16);
	cpu_state_reset(st, 1);
	st->cr0 = CR0_PE | CR0_PG | CR0_ET | CR0_NE | CR0_WP;
	st->cr4 = CR4_PAE;
	st->cr3 = 0x10000;
	st->efer = EFER_LME | EFER_LMA | EFER_NXE | EFER_SCE;
	if (cpl3) {
		set_seg(&st->seg[S_CS], 0x2b, 0xa0fb);
		for (int i = 0; i < NR_SEGS; i++)
			if (i != S_CS)
				set_seg(&st->seg[i], 0x23, 0xc0f3);
	} else {
		set_seg(&st->seg[S_CS], 0x08, 0xa09b);
		for (int i = 0; i < NR_SEGS; i++)
			if (i != S_CS)
				set_seg(&st->seg[i], 0x10, 0xc093);
	}
	st->tr.sel = 0x30;
	st->tr.base = 0x3000;
	st->tr.limit = 0x67;
	st->tr.attr = 0x8b;
	st->gdt.base = 0x500;
	st->gdt.limit = 0x47;
	st->idt.base = 0x2000;
	st->idt.limit = 0xfff;
	st->ldt.attr = SEG_UNUSABLE;
	st->ldt.sel = 0;
	st->rflags = 2;
	st->rip = CODE;
	st->regs[R_SP] = 0x8000;
	if (f->cpu)
		emu_cpu_reload(f->cpu);
}

static int fx_init(struct fx *f, int cpl3)
{
	memset(f, 0, sizeof(*f));
	if (mem_init(&f->m, 16 << 20))
		return -1;
	lm_state(f, cpl3);
	f->cpu = emu_test_new(&f->m, &f->st);
	return f->cpu ? 0 : -1;
}

static void fx_fini(struct fx *f)
{
	emu_test_free(f->cpu);
	mem_destroy(&f->m);
}

/* Run `code` at CODE in long mode at CPL 0 or 3 with rbx = addr. */
static int run_at(struct fx *f, int cpl3, const uint8_t *code, size_t len, uint64_t rbx, int *vec)
{
	lm_state(f, cpl3);
	gpa_write(&f->m, CODE, code, len);
	f->st.regs[R_BX] = rbx;
	return emu_test_run(f->cpu, 1000, vec);
}

/* mov eax, [rbx] ; hlt */
static const uint8_t rd[] = {
	0x8b, 0x03, 0xf4,
};

/* mov [rbx], eax ; hlt */
static const uint8_t wr[] = {
	0x89, 0x03, 0xf4,
};


#define PG_A	0x100000ULL	/* not present */
#define PG_B	0x101000ULL	/* present, read-only, supervisor */
#define PG_C	0x102000ULL	/* user read/write */
#define PG_D	0x103000ULL	/* user read-only */
#define PG_E	0x104000ULL	/* reserved bit 45 set */
#define PG_F	0x105000ULL	/* no-execute */

static void set_test_ptes(struct fx *f)
{
	w64(f, PT + (PG_A >> 12) * 8, PG_A);
	w64(f, PT + (PG_B >> 12) * 8, PG_B | 1);
	w64(f, PT + (PG_C >> 12) * 8, PG_C | 7);
	w64(f, PT + (PG_D >> 12) * 8, PG_D | 5);
	w64(f, PT + (PG_E >> 12) * 8, PG_E | 7 | (1ULL << 45));
	w64(f, PT + (PG_F >> 12) * 8, PG_F | 7 | (1ULL << 63));
}

/* One access; returns the #PF error code, or -1 for no #PF. */
static int pf(struct fx *f, int cpl3, int write, uint64_t addr)
{
	int v;
	lm_state(f, cpl3);
	set_test_ptes(f);
	gpa_write(&f->m, CODE, write ? wr : rd, write ? sizeof(wr) : sizeof(rd));
	f->st.regs[R_BX] = addr;
	f->st.cr2 = 0;
	emu_cpu_reload(f->cpu);
	emu_test_run(f->cpu, 10, &v);
	if (v != EXC_PF)
		return -1;
	if (f->st.cr2 != addr || f->st.rip != CODE)
		return -2;
	return (int)f->cpu->exc_error;
}

TEST(pf_error_codes)
{
	struct fx f;
	int v;
	CHECK(fx_init(&f, 0) == 0);
	CHECK_EQ(pf(&f, 0, 0, PG_A), 0);
	CHECK_EQ(pf(&f, 0, 1, PG_A), PFEC_W);
	CHECK_EQ(pf(&f, 3, 0, PG_A), PFEC_U);
	CHECK_EQ(pf(&f, 0, 1, PG_B), PFEC_P | PFEC_W);		/* CR0.WP=1 */
	CHECK_EQ(pf(&f, 3, 0, PG_B), PFEC_P | PFEC_U);
	CHECK_EQ(pf(&f, 3, 1, PG_D), PFEC_P | PFEC_W | PFEC_U);
	CHECK_EQ(pf(&f, 3, 1, PG_C), -1);
	CHECK_EQ(pf(&f, 0, 0, PG_E), PFEC_P | PFEC_RSVD);
	CHECK_EQ(pf(&f, 3, 1, PG_E), PFEC_P | PFEC_RSVD | PFEC_W | PFEC_U);
	/* CR0.WP=0: supervisor writes ignore R/W */
	lm_state(&f, 0);
	set_test_ptes(&f);
	gpa_write(&f.m, CODE, wr, sizeof(wr));
	f.st.cr0 &= ~(uint64_t)CR0_WP;
	f.st.regs[R_BX] = PG_B;
	emu_cpu_reload(f.cpu);
	CHECK_EQ(emu_test_run(f.cpu, 10, &v), EMU_STOP_HLT);
	/* instruction fetch from a no-execute page: P | I */
	lm_state(&f, 0);
	set_test_ptes(&f);
	f.st.rip = PG_F;
	emu_cpu_reload(f.cpu);
	CHECK_EQ(emu_test_run(f.cpu, 10, &v), EMU_STOP_EXCEPTION);
	CHECK_EQ(v, EXC_PF);
	CHECK_EQ(f.cpu->exc_error, PFEC_P | PFEC_I);
	CHECK_EQ(f.st.cr2, PG_F);
	fx_fini(&f);
}

TEST(accessed_dirty_bits)
{
	struct fx f;
	CHECK(fx_init(&f, 0) == 0);
	CHECK_EQ(pf(&f, 3, 1, PG_C), -1);
	CHECK_EQ(r64(&f, PT + (PG_C >> 12) * 8) & 0x60, 0x60);
	CHECK_EQ(pf(&f, 3, 0, PG_D), -1);
	CHECK_EQ(r64(&f, PT + (PG_D >> 12) * 8) & 0x60, 0x20);
	/* a faulting access sets neither */
	CHECK_EQ(pf(&f, 3, 1, PG_D), PFEC_P | PFEC_W | PFEC_U);
	CHECK_EQ(r64(&f, PT + (PG_D >> 12) * 8) & 0x60, 0);
	fx_fini(&f);
}

/* mov ax, 0x48 ; mov ds, ax ; hlt */
static const uint8_t ldsbig[] = {
	0x66, 0xb8, 0x48, 0x00, 0x8e, 0xd8, 0xf4,
};

/* mov ax, 0x40 ; mov ds, ax ; hlt */
static const uint8_t ldsnp[] = {
	0x66, 0xb8, 0x40, 0x00, 0x8e, 0xd8, 0xf4,
};

/* mov ax, 0x0c ; mov ds, ax ; hlt */
static const uint8_t ldsldt[] = {
	0x66, 0xb8, 0x0c, 0x00, 0x8e, 0xd8, 0xf4,
};

/* mov ax, 0x08 ; mov ss, ax ; hlt */
static const uint8_t ldsscode[] = {
	0x66, 0xb8, 0x08, 0x00, 0x8e, 0xd0, 0xf4,
};

/* xor eax, eax ; mov ss, ax ; hlt */
static const uint8_t ssnull[] = {
	0x31, 0xc0, 0x8e, 0xd0, 0xf4,
};

/* mov rbx, 0x0000800000000000 ; mov eax, [rbx] ; hlt */
static const uint8_t noncanon[] = {
	0x48, 0xbb, 0x00, 0x00, 0x00, 0x00, 0x00, 0x80, 0x00, 0x00, 0x8b, 0x03,
	0xf4,
};

/* mov rsp, 0x0000800000000008 ; push rax ; hlt */
static const uint8_t noncanonsp[] = {
	0x48, 0xbc, 0x08, 0x00, 0x00, 0x00, 0x00, 0x80, 0x00, 0x00, 0x50, 0xf4,
};


TEST(segment_faults_64)
{
	struct fx f;
	int v;
	CHECK(fx_init(&f, 0) == 0);
	CHECK_EQ(run_at(&f, 0, ldsbig, sizeof(ldsbig), 0, &v), EMU_STOP_EXCEPTION);
	CHECK_EQ(v, EXC_GP);
	CHECK_EQ(f.cpu->exc_error, 0x48);
	CHECK_EQ(run_at(&f, 0, ldsnp, sizeof(ldsnp), 0, &v), EMU_STOP_EXCEPTION);
	CHECK_EQ(v, EXC_NP);
	CHECK_EQ(f.cpu->exc_error, 0x40);
	CHECK_EQ(run_at(&f, 0, ldsldt, sizeof(ldsldt), 0, &v), EMU_STOP_EXCEPTION);
	CHECK_EQ(v, EXC_GP);
	CHECK_EQ(f.cpu->exc_error, 0x0c);
	/* SS must be writable data */
	CHECK_EQ(run_at(&f, 0, ldsscode, sizeof(ldsscode), 0, &v), EMU_STOP_EXCEPTION);
	CHECK_EQ(v, EXC_GP);
	CHECK_EQ(f.cpu->exc_error, 0x08);
	/* a null SS is fine in 64-bit mode at CPL 0 */
	CHECK_EQ(run_at(&f, 0, ssnull, sizeof(ssnull), 0, &v), EMU_STOP_HLT);
	CHECK(f.st.seg[S_SS].attr & SEG_UNUSABLE);
	/* non-canonical: #GP(0) through DS, #SS(0) through the stack */
	CHECK_EQ(run_at(&f, 0, noncanon, sizeof(noncanon), 0, &v), EMU_STOP_EXCEPTION);
	CHECK_EQ(v, EXC_GP);
	CHECK_EQ(f.cpu->exc_error, 0);
	CHECK_EQ(run_at(&f, 0, noncanonsp, sizeof(noncanonsp), 0, &v), EMU_STOP_EXCEPTION);
	CHECK_EQ(v, EXC_SS);
	CHECK_EQ(f.cpu->exc_error, 0);
	/* the faulting MOV left RSP as it was */
	CHECK_EQ(f.st.regs[R_SP], 0x0000800000000008ULL);
	fx_fini(&f);
}

/* mov esp, 0x1002 ; push eax ; hlt */
static const uint8_t pushss[] = {
	0xbc, 0x02, 0x10, 0x00, 0x00, 0x50, 0xf4,
};

/* xor eax, eax ; mov ss, ax ; hlt */
static const uint8_t ssnull32[] = {
	0x31, 0xc0, 0x8e, 0xd0, 0xf4,
};


TEST(segment_faults_32)
{
	struct fx f;
	int v;
	CHECK(fx_init(&f, 0) == 0);
	cpu_state_reset(&f.st, 1);
	cpu_state_flat32(&f.st);
	f.st.seg[S_SS].limit = 0xfff;
	f.st.seg[S_SS].attr = 0x4093;
	f.st.rip = 0x1000;
	gpa_write(&f.m, 0x1000, pushss, sizeof(pushss));
	emu_cpu_reload(f.cpu);
	CHECK_EQ(emu_test_run(f.cpu, 10, &v), EMU_STOP_EXCEPTION);
	CHECK_EQ(v, EXC_SS);
	CHECK_EQ(f.cpu->exc_error, 0);
	CHECK_EQ(f.st.regs[R_SP], 0x1002);
	/* a null SS is not allowed outside 64-bit mode */
	cpu_state_flat32(&f.st);
	f.st.rip = 0x1000;
	gpa_write(&f.m, 0x1000, ssnull32, sizeof(ssnull32));
	emu_cpu_reload(f.cpu);
	CHECK_EQ(emu_test_run(f.cpu, 10, &v), EMU_STOP_EXCEPTION);
	CHECK_EQ(v, EXC_GP);
	CHECK_EQ(f.cpu->exc_error, 0);
	fx_fini(&f);
}

/* int3 ; hlt */
static const uint8_t int3[] = {
	0xcc, 0xf4,
};

/* hlt */
static const uint8_t hlt[] = {
	0xf4,
};


TEST(ist_stack_switch)
{
	struct fx f;
	int v;
	CHECK(fx_init(&f, 0) == 0);
	f.cpu->test_mode = 0;
	gate(&f, 3, HANDLER, 3, 1, 1);
	gpa_write(&f.m, HANDLER, hlt, sizeof(hlt));
	CHECK_EQ(run_at(&f, 0, int3, sizeof(int3), 0, &v), EMU_STOP_HLT);
	CHECK_EQ(f.st.rip, HANDLER + 1);
	/* IST1 = 0x9008, aligned down to 16 before the 5-quadword frame */
	CHECK_EQ(f.st.regs[R_SP], 0x9000 - 40);
	CHECK_EQ(r64(&f, 0x9000 - 40), CODE + 1);
	CHECK_EQ(r64(&f, 0x9000 - 32), 0x08);
	CHECK_EQ(r64(&f, 0x9000 - 16), 0x8000);
	CHECK_EQ(r64(&f, 0x9000 - 8), 0x10);
	fx_fini(&f);
}

/* push 0x23 ; push 0x7000 ; push 0x202 ; push 0x2b ; push 0x200100 ; iretq */
static const uint8_t toring3[] = {
	0x6a, 0x23, 0x68, 0x00, 0x70, 0x00, 0x00, 0x68, 0x02, 0x02, 0x00, 0x00,
	0x6a, 0x2b, 0x68, 0x00, 0x01, 0x20, 0x00, 0x48, 0xcf,
};

/* int 0x80 ; hlt */
static const uint8_t user80[] = {
	0xcd, 0x80, 0xf4,
};


TEST(iretq_to_cpl3_and_back)
{
	struct fx f;
	int v;
	CHECK(fx_init(&f, 0) == 0);
	f.cpu->test_mode = 0;
	gate(&f, 0x80, HANDLER, 3, 0, 1);
	gpa_write(&f.m, HANDLER, hlt, sizeof(hlt));
	gpa_write(&f.m, CODE + 0x100, user80, sizeof(user80));
	CHECK_EQ(run_at(&f, 0, toring3, sizeof(toring3), 0, &v), EMU_STOP_HLT);
	CHECK_EQ(f.cpu->cpl, 0);
	CHECK_EQ(f.st.seg[S_CS].sel, 0x08);
	CHECK_EQ(f.st.seg[S_SS].sel, 0);	/* null SS, RPL = new CPL */
	CHECK_EQ(f.st.regs[R_SP], 0xa000 - 40);	/* TSS.RSP0 */
	CHECK_EQ(r64(&f, 0xa000 - 40), CODE + 0x102);
	CHECK_EQ(r64(&f, 0xa000 - 32), 0x2b);
	CHECK(r64(&f, 0xa000 - 24) & FL_IF);
	CHECK_EQ(r64(&f, 0xa000 - 16), 0x7000);
	CHECK_EQ(r64(&f, 0xa000 - 8), 0x23);
	/* the gate was an interrupt gate: IF is clear in the handler */
	CHECK(!(f.st.rflags & FL_IF));
	/* INT to a DPL 0 gate from CPL 3: #GP(vector * 8 + 2) */
	f.cpu->test_mode = 1;
	gate(&f, 0x80, HANDLER, 0, 0, 1);
	CHECK_EQ(run_at(&f, 0, toring3, sizeof(toring3), 0, &v), EMU_STOP_EXCEPTION);
	CHECK_EQ(v, EXC_GP);
	CHECK_EQ(f.cpu->exc_error, 0x80 * 8 + 2);
	CHECK_EQ(f.st.rip, CODE + 0x100);
	CHECK_EQ(f.cpu->cpl, 3);
	fx_fini(&f);
}

/* syscall ; hlt */
static const uint8_t usersys[] = {
	0x0f, 0x05, 0xf4,
};

/* mov r12, rcx ; mov r13, cs ; pushfq ; pop r14 ; .byte 0x48, 0x0f, 0x07 */
static const uint8_t ksys[] = {
	0x49, 0x89, 0xcc, 0x41, 0x8c, 0xcd, 0x9c, 0x41, 0x5e, 0x48, 0x0f, 0x07,
};


TEST(syscall_sysret)
{
	struct fx f;
	int v;
	CHECK(fx_init(&f, 1) == 0);
	gpa_write(&f.m, HANDLER, ksys, sizeof(ksys));
	f.st.star = (0x18ULL << 48) | (0x08ULL << 32);
	f.st.lstar = HANDLER;
	f.st.sfmask = FL_IF;
	f.st.rflags = 0x202;
	lm_state(&f, 1);
	f.st.star = (0x18ULL << 48) | (0x08ULL << 32);
	f.st.lstar = HANDLER;
	f.st.sfmask = FL_IF;
	f.st.rflags = 0x202;
	gpa_write(&f.m, CODE, usersys, sizeof(usersys));
	emu_cpu_reload(f.cpu);
	/* the user HLT after the round trip faults at CPL 3 */
	CHECK_EQ(emu_test_run(f.cpu, 100, &v), EMU_STOP_EXCEPTION);
	CHECK_EQ(v, EXC_GP);
	CHECK_EQ(f.st.rip, CODE + 2);
	CHECK_EQ(f.st.seg[S_CS].sel, 0x2b);
	CHECK_EQ(f.st.seg[S_SS].sel, 0x23);
	CHECK_EQ(f.cpu->cpl, 3);
	CHECK_EQ(f.st.regs[R_R12], CODE + 2);	/* RCX as the kernel saw it */
	CHECK_EQ(f.st.regs[R_R13], 0x08);	/* CS in the kernel */
	CHECK_EQ(f.st.regs[R_R14] & FL_IF, 0);	/* SFMASK applied */
	CHECK(f.st.rflags & FL_IF);		/* restored from R11 */
	fx_fini(&f);
}

TEST(double_and_triple_fault)
{
	struct fx f;
	int v;
	CHECK(fx_init(&f, 0) == 0);
	f.cpu->test_mode = 0;
	/* #PF whose gate is not present: #NP while delivering #PF -> #DF */
	gate(&f, 14, HANDLER, 0, 0, 0);
	gate(&f, 8, HANDLER, 0, 0, 1);
	gpa_write(&f.m, HANDLER, hlt, sizeof(hlt));
	lm_state(&f, 0);
	set_test_ptes(&f);
	gpa_write(&f.m, CODE, rd, sizeof(rd));
	f.st.regs[R_BX] = PG_A;
	emu_cpu_reload(f.cpu);
	CHECK_EQ(emu_test_run(f.cpu, 10, &v), EMU_STOP_HLT);
	CHECK_EQ(f.st.rip, HANDLER + 1);
	CHECK_EQ(r64(&f, f.st.regs[R_SP]), 0);		/* #DF error code */
	CHECK_EQ(r64(&f, f.st.regs[R_SP] + 8), CODE);	/* faulting instruction */
	/* no usable IDT at all: shutdown */
	lm_state(&f, 0);
	set_test_ptes(&f);
	f.st.regs[R_BX] = PG_A;
	f.st.idt.limit = 0;
	emu_cpu_reload(f.cpu);
	CHECK_EQ(emu_test_run(f.cpu, 10, &v), EMU_STOP_SHUTDOWN);
	fx_fini(&f);
}

/* mov dx, 0x3f8 ; mov al, 0x41 ; out dx, al ; hlt */
static const uint8_t outb[] = {
	0x66, 0xba, 0xf8, 0x03, 0xb0, 0x41, 0xee, 0xf4,
};

/* mov dx, 0x80 ; in al, dx ; hlt */
static const uint8_t inb[] = {
	0x66, 0xba, 0x80, 0x00, 0xec, 0xf4,
};


TEST(port_io_and_iopl)
{
	struct fx f;
	int v;
	CHECK(fx_init(&f, 0) == 0);
	CHECK_EQ(run_at(&f, 0, outb, sizeof(outb), 0, &v), EMU_STOP_IO);
	CHECK_EQ(f.cpu->test_io_port, 0x3f8);
	CHECK_EQ(f.cpu->test_io_val, 'A');
	CHECK_EQ(f.cpu->test_io_write, 1);
	CHECK_EQ(f.cpu->test_io_size, 1);
	CHECK_EQ(emu_test_run(f.cpu, 10, &v), EMU_STOP_HLT);
	CHECK_EQ(run_at(&f, 0, inb, sizeof(inb), 0, &v), EMU_STOP_IO);
	CHECK_EQ(f.st.regs[R_AX] & 0xff, 0xff);
	CHECK_EQ(f.cpu->test_io_port, 0x80);
	/* CPL 3 > IOPL 0 and no I/O bitmap in the TSS: #GP(0) */
	CHECK_EQ(run_at(&f, 1, outb, sizeof(outb), 0, &v), EMU_STOP_EXCEPTION);
	CHECK_EQ(v, EXC_GP);
	CHECK_EQ(f.st.rip, CODE + 6);
	/* IOPL 3 lets CPL 3 through */
	lm_state(&f, 1);
	f.st.rflags |= FL_IOPL;
	emu_cpu_reload(f.cpu);
	CHECK_EQ(emu_test_run(f.cpu, 10, &v), EMU_STOP_IO);
	fx_fini(&f);
}

/* .byte 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x90 ; hlt */
static const uint8_t longinsn[] = {
	0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
	0x66, 0x66, 0x66, 0x90, 0xf4,
};


TEST(hostile_streams)
{
	struct fx f;
	uint8_t page[4096], nop = 0x90;
	uint32_t seed = 12345;
	int v, n = 0;
	CHECK(fx_init(&f, 0) == 0);
	/* more than 15 bytes: #GP(0) */
	CHECK_EQ(run_at(&f, 0, longinsn, sizeof(longinsn), 0, &v), EMU_STOP_EXCEPTION);
	CHECK_EQ(v, EXC_GP);
	/* fetch running off the end of RAM reads all ones and faults cleanly */
	cpu_state_reset(&f.st, 1);
	cpu_state_flat32(&f.st);
	f.st.rip = (16 << 20) - 1;
	gpa_write(&f.m, f.st.rip, &nop, 1);
	emu_cpu_reload(f.cpu);
	CHECK_EQ(emu_test_run(f.cpu, 10, &v), EMU_STOP_EXCEPTION);
	CHECK_EQ(f.st.rip, 16 << 20);
	/* random bytes in real, 32-bit and 64-bit CPL 3 mode: must stop, never crash */
	for (int iter = 0; iter < 300; iter++) {
		int mode = iter % 3;
		for (unsigned i = 0; i < sizeof(page); i++) {
			seed = seed * 1103515245u + 12345u;
			page[i] = (uint8_t)(seed >> 16);
		}
		if (mode == 2) {
			lm_state(&f, 1);
			gpa_write(&f.m, CODE, page, sizeof(page));
		} else {
			cpu_state_reset(&f.st, 1);
			if (mode == 1)
				cpu_state_flat32(&f.st);
			f.st.seg[S_CS].sel = 0;
			f.st.seg[S_CS].base = 0;
			f.st.rip = 0x1000;
			gpa_write(&f.m, 0x1000, page, sizeof(page));
		}
		for (int r = 0; r < 16; r++)
			f.st.regs[r] = (uint64_t)seed * (r + 1);
		f.st.regs[R_SP] = 0x8000;
		emu_cpu_reload(f.cpu);
		for (int k = 0; k < 8; k++) {
			int s = emu_test_run(f.cpu, 2000, &v);
			if (s != EMU_STOP_IO)
				break;
		}
		n++;
	}
	CHECK_EQ(n, 300);
	fx_fini(&f);
}

TEST_MAIN_BEGIN("test_emu_fault")
	RUN(pf_error_codes);
	RUN(accessed_dirty_bits);
	RUN(segment_faults_64);
	RUN(segment_faults_32);
	RUN(ist_stack_switch);
	RUN(iretq_to_cpl3_and_back);
	RUN(syscall_sysret);
	RUN(double_and_triple_fault);
	RUN(port_io_and_iopl);
	RUN(hostile_streams);
TEST_MAIN_END()

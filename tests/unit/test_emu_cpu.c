/*
 * emu integer core, hand-assembled sequences run through the test entry:
 * ADC/SBB and shift/rotate flags at boundary counts, MUL/DIV faults, string
 * instructions with REP and segment overrides, CMPXCHG8B, and the real ->
 * protected -> long mode transition, single-step and DR0-3 breakpoints.  Expected values follow the SDM vol. 2
 * pseudo-code for each instruction.
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

static int fx_init(struct fx *f)
{
	memset(f, 0, sizeof(*f));
	if (mem_init(&f->m, 16 << 20))
		return -1;
	cpu_state_reset(&f->st, 1);
	cpu_state_flat32(&f->st);
	f->st.rip = 0x1000;
	f->st.regs[R_SP] = 0x8000;
	f->cpu = emu_test_new(&f->m, &f->st);
	return f->cpu ? 0 : -1;
}

static void fx_fini(struct fx *f)
{
	emu_test_free(f->cpu);
	mem_destroy(&f->m);
}

/* Load code at 0x1000 (flat 32-bit) and run to HLT; returns the stop reason. */
static int run32(struct fx *f, const uint8_t *code, size_t len, int *vec)
{
	gpa_write(&f->m, 0x1000, code, len);
	f->st.rip = 0x1000;
	emu_cpu_reload(f->cpu);
	return emu_test_run(f->cpu, 100000, vec);
}

#define FLAGS6 (FL_CF | FL_PF | FL_AF | FL_ZF | FL_SF | FL_OF)

/* mov eax, 0xffffffff ; stc ; adc eax, 0 ; hlt */
static const uint8_t adc32[] = {
	0xb8, 0xff, 0xff, 0xff, 0xff, 0xf9, 0x83, 0xd0, 0x00, 0xf4,
};

/* mov eax, 0 ; stc ; sbb eax, 0 ; hlt */
static const uint8_t sbb32[] = {
	0xb8, 0x00, 0x00, 0x00, 0x00, 0xf9, 0x83, 0xd8, 0x00, 0xf4,
};

/* mov al, 0x7f ; stc ; adc al, 0 ; hlt */
static const uint8_t adc8[] = {
	0xb0, 0x7f, 0xf9, 0x14, 0x00, 0xf4,
};

/* mov al, 0x80 ; stc ; sbb al, 0 ; hlt */
static const uint8_t sbb8[] = {
	0xb0, 0x80, 0xf9, 0x1c, 0x00, 0xf4,
};


TEST(adc_sbb_flags)
{
	struct fx f;
	int v;
	CHECK(fx_init(&f) == 0);
	CHECK_EQ(run32(&f, adc32, sizeof(adc32), &v), EMU_STOP_HLT);
	CHECK_EQ(f.st.regs[R_AX], 0);
	CHECK_EQ(f.st.rflags & FLAGS6, FL_CF | FL_ZF | FL_AF | FL_PF);
	CHECK_EQ(run32(&f, sbb32, sizeof(sbb32), &v), EMU_STOP_HLT);
	CHECK_EQ(f.st.regs[R_AX], 0xffffffff);
	CHECK_EQ(f.st.rflags & FLAGS6, FL_CF | FL_SF | FL_AF | FL_PF);
	CHECK_EQ(run32(&f, adc8, sizeof(adc8), &v), EMU_STOP_HLT);
	CHECK_EQ(f.st.regs[R_AX] & 0xff, 0x80);
	CHECK_EQ(f.st.rflags & (FL_CF | FL_OF | FL_SF | FL_ZF | FL_AF), FL_OF | FL_SF | FL_AF);
	CHECK_EQ(run32(&f, sbb8, sizeof(sbb8), &v), EMU_STOP_HLT);
	CHECK_EQ(f.st.regs[R_AX] & 0xff, 0x7f);
	CHECK_EQ(f.st.rflags & (FL_CF | FL_OF | FL_SF | FL_ZF), FL_OF);
	fx_fini(&f);
}

/* mov eax, 0x80000000 ; shl eax, 1 ; hlt */
static const uint8_t shl1[] = {
	0xb8, 0x00, 0x00, 0x00, 0x80, 0xd1, 0xe0, 0xf4,
};

/* stc ; mov eax, 1 ; .byte 0xc1, 0xe0, 0x00 ; mov cl, 0 ; shr eax, cl ; hlt */
static const uint8_t shl0[] = {
	0xf9, 0xb8, 0x01, 0x00, 0x00, 0x00, 0xc1, 0xe0, 0x00, 0xb1, 0x00, 0xd3,
	0xe8, 0xf4,
};

/* mov al, 0x80 ; clc ; rcl al, 1 ; hlt */
static const uint8_t rcl1[] = {
	0xb0, 0x80, 0xf8, 0xd0, 0xd0, 0xf4,
};

/* mov al, 1 ; stc ; rcr al, 1 ; hlt */
static const uint8_t rcr1[] = {
	0xb0, 0x01, 0xf9, 0xd0, 0xd8, 0xf4,
};

/* mov al, 0x55 ; stc ; mov cl, 9 ; rcl al, cl ; hlt */
static const uint8_t rcl9[] = {
	0xb0, 0x55, 0xf9, 0xb1, 0x09, 0xd2, 0xd0, 0xf4,
};

/* mov eax, 0x80000001 ; sar eax, 31 ; hlt */
static const uint8_t sar31[] = {
	0xb8, 0x01, 0x00, 0x00, 0x80, 0xc1, 0xf8, 0x1f, 0xf4,
};

/* mov eax, 0x40000000 ; sar eax, 31 ; hlt */
static const uint8_t sar31b[] = {
	0xb8, 0x00, 0x00, 0x00, 0x40, 0xc1, 0xf8, 0x1f, 0xf4,
};

/* mov al, 0x81 ; rol al, 8 ; hlt */
static const uint8_t rol8[] = {
	0xb0, 0x81, 0xc0, 0xc0, 0x08, 0xf4,
};

/* mov eax, 0x40000000 ; mov edx, 0x80000000 ; shld eax, edx, 1 ; hlt */
static const uint8_t shld1[] = {
	0xb8, 0x00, 0x00, 0x00, 0x40, 0xba, 0x00, 0x00, 0x00, 0x80, 0x0f, 0xa4,
	0xd0, 0x01, 0xf4,
};

/* mov eax, 1 ; mov edx, 1 ; shrd eax, edx, 1 ; hlt */
static const uint8_t shrd1[] = {
	0xb8, 0x01, 0x00, 0x00, 0x00, 0xba, 0x01, 0x00, 0x00, 0x00, 0x0f, 0xac,
	0xd0, 0x01, 0xf4,
};


TEST(shift_rotate_flags)
{
	struct fx f;
	int v;
	CHECK(fx_init(&f) == 0);
	/* SHL by 1: CF = bit shifted out, OF = MSB(result) ^ CF */
	CHECK_EQ(run32(&f, shl1, sizeof(shl1), &v), EMU_STOP_HLT);
	CHECK_EQ(f.st.regs[R_AX], 0);
	CHECK_EQ(f.st.rflags & (FL_CF | FL_OF | FL_ZF | FL_SF), FL_CF | FL_OF | FL_ZF);
	/* count 0 (immediate and CL): flags untouched */
	CHECK_EQ(run32(&f, shl0, sizeof(shl0), &v), EMU_STOP_HLT);
	CHECK_EQ(f.st.regs[R_AX], 1);
	CHECK(f.st.rflags & FL_CF);
	/* RCL/RCR by 1 through CF */
	CHECK_EQ(run32(&f, rcl1, sizeof(rcl1), &v), EMU_STOP_HLT);
	CHECK_EQ(f.st.regs[R_AX] & 0xff, 0);
	CHECK_EQ(f.st.rflags & (FL_CF | FL_OF), FL_CF | FL_OF);
	CHECK_EQ(run32(&f, rcr1, sizeof(rcr1), &v), EMU_STOP_HLT);
	CHECK_EQ(f.st.regs[R_AX] & 0xff, 0x80);
	CHECK_EQ(f.st.rflags & (FL_CF | FL_OF), FL_CF | FL_OF);
	/* 8-bit RCL by 9 rotates a full 9-bit circle: value and CF come back */
	CHECK_EQ(run32(&f, rcl9, sizeof(rcl9), &v), EMU_STOP_HLT);
	CHECK_EQ(f.st.regs[R_AX] & 0xff, 0x55);
	CHECK(f.st.rflags & FL_CF);
	/* SAR 31: CF is bit 30 of the source */
	CHECK_EQ(run32(&f, sar31, sizeof(sar31), &v), EMU_STOP_HLT);
	CHECK_EQ(f.st.regs[R_AX], 0xffffffff);
	CHECK(!(f.st.rflags & FL_CF));
	CHECK_EQ(run32(&f, sar31b, sizeof(sar31b), &v), EMU_STOP_HLT);
	CHECK_EQ(f.st.regs[R_AX], 0);
	CHECK(f.st.rflags & FL_CF);
	CHECK(f.st.rflags & FL_ZF);
	/* 8-bit ROL by 8: value unchanged, CF = LSB */
	CHECK_EQ(run32(&f, rol8, sizeof(rol8), &v), EMU_STOP_HLT);
	CHECK_EQ(f.st.regs[R_AX] & 0xff, 0x81);
	CHECK(f.st.rflags & FL_CF);
	/* SHLD/SHRD by 1 */
	CHECK_EQ(run32(&f, shld1, sizeof(shld1), &v), EMU_STOP_HLT);
	CHECK_EQ(f.st.regs[R_AX], 0x80000001);
	CHECK_EQ(f.st.rflags & (FL_CF | FL_OF | FL_SF), FL_OF | FL_SF);
	CHECK_EQ(run32(&f, shrd1, sizeof(shrd1), &v), EMU_STOP_HLT);
	CHECK_EQ(f.st.regs[R_AX], 0x80000000);
	CHECK_EQ(f.st.rflags & (FL_CF | FL_OF), FL_CF | FL_OF);
	fx_fini(&f);
}

/* mov eax, 7 ; xor ecx, ecx ; div ecx ; hlt */
static const uint8_t div0[] = {
	0xb8, 0x07, 0x00, 0x00, 0x00, 0x31, 0xc9, 0xf7, 0xf1, 0xf4,
};

/* mov edx, 0xffffffff ; mov eax, 0x80000000 ; mov ecx, -1 ; idiv ecx ; hlt */
static const uint8_t idivov[] = {
	0xba, 0xff, 0xff, 0xff, 0xff, 0xb8, 0x00, 0x00, 0x00, 0x80, 0xb9, 0xff,
	0xff, 0xff, 0xff, 0xf7, 0xf9, 0xf4,
};

/* mov ecx, 5 ; imul eax, ecx, -3 ; hlt */
static const uint8_t imul3[] = {
	0xb9, 0x05, 0x00, 0x00, 0x00, 0x6b, 0xc1, 0xfd, 0xf4,
};

/* mov eax, 0x40000000 ; mov ecx, 4 ; mul ecx ; hlt */
static const uint8_t mul1[] = {
	0xb8, 0x00, 0x00, 0x00, 0x40, 0xb9, 0x04, 0x00, 0x00, 0x00, 0xf7, 0xe1,
	0xf4,
};


TEST(mul_div)
{
	struct fx f;
	int v;
	CHECK(fx_init(&f) == 0);
	CHECK_EQ(run32(&f, div0, sizeof(div0), &v), EMU_STOP_EXCEPTION);
	CHECK_EQ(v, EXC_DE);
	CHECK_EQ(f.st.rip, 0x1007);	/* the faulting DIV itself */
	CHECK_EQ(f.st.regs[R_AX], 7);
	CHECK_EQ(run32(&f, idivov, sizeof(idivov), &v), EMU_STOP_EXCEPTION);
	CHECK_EQ(v, EXC_DE);
	CHECK_EQ(run32(&f, imul3, sizeof(imul3), &v), EMU_STOP_HLT);
	CHECK_EQ(f.st.regs[R_AX], 0xfffffff1);
	CHECK_EQ(f.st.rflags & (FL_CF | FL_OF), 0);
	CHECK_EQ(run32(&f, mul1, sizeof(mul1), &v), EMU_STOP_HLT);
	CHECK_EQ(f.st.regs[R_AX], 0);
	CHECK_EQ(f.st.regs[R_DX], 1);
	CHECK_EQ(f.st.rflags & (FL_CF | FL_OF), FL_CF | FL_OF);
	fx_fini(&f);
}

/* mov esi, 0x2000 ; mov edi, 0x3000 ; mov ecx, 10 ; rep movs byte ptr es:[edi], byte ptr fs:[esi] ; hlt */
static const uint8_t movsfs[] = {
	0xbe, 0x00, 0x20, 0x00, 0x00, 0xbf, 0x00, 0x30, 0x00, 0x00, 0xb9, 0x0a,
	0x00, 0x00, 0x00, 0x64, 0xf3, 0xa4, 0xf4,
};

/* std ; mov eax, 0x11223344 ; mov edi, 0x4010 ; mov ecx, 3 ; rep stosd ; cld ; hlt */
static const uint8_t stosstd[] = {
	0xfd, 0xb8, 0x44, 0x33, 0x22, 0x11, 0xbf, 0x10, 0x40, 0x00, 0x00, 0xb9,
	0x03, 0x00, 0x00, 0x00, 0xf3, 0xab, 0xfc, 0xf4,
};

/* mov esi, 0x2000 ; mov edi, 0x3000 ; mov ecx, 6 ; repe cmpsb ; hlt */
static const uint8_t cmpsrep[] = {
	0xbe, 0x00, 0x20, 0x00, 0x00, 0xbf, 0x00, 0x30, 0x00, 0x00, 0xb9, 0x06,
	0x00, 0x00, 0x00, 0xf3, 0xa6, 0xf4,
};


TEST(string_rep_overrides)
{
	struct fx f;
	uint8_t src[16], dst[16];
	uint32_t d[5];
	int v;
	CHECK(fx_init(&f) == 0);
	for (int i = 0; i < 16; i++)
		src[i] = (uint8_t)(0xa0 + i);
	gpa_write(&f.m, 0x2100, src, 16);
	/* FS base 0x100: rep movsb fs:[esi] reads 0x2100.. */
	f.st.seg[S_FS].base = 0x100;
	CHECK_EQ(run32(&f, movsfs, sizeof(movsfs), &v), EMU_STOP_HLT);
	gpa_read(&f.m, 0x3000, dst, 16);
	CHECK(!memcmp(dst, src, 10));
	CHECK_EQ(dst[10], 0);
	CHECK_EQ(f.st.regs[R_CX], 0);
	CHECK_EQ(f.st.regs[R_SI], 0x200a);
	CHECK_EQ(f.st.regs[R_DI], 0x300a);
	/* DF=1 stosd goes down */
	CHECK_EQ(run32(&f, stosstd, sizeof(stosstd), &v), EMU_STOP_HLT);
	gpa_read(&f.m, 0x4004, d, sizeof(d));
	CHECK_EQ(d[0], 0);
	CHECK_EQ(d[1], 0x11223344);
	CHECK_EQ(d[2], 0x11223344);
	CHECK_EQ(d[3], 0x11223344);
	CHECK_EQ(d[4], 0);
	CHECK_EQ(f.st.regs[R_DI], 0x4004);
	/* REPE CMPSB stops after the first mismatch */
	gpa_write(&f.m, 0x2000, "abcdef", 6);
	gpa_write(&f.m, 0x3000, "abcXef", 6);
	CHECK_EQ(run32(&f, cmpsrep, sizeof(cmpsrep), &v), EMU_STOP_HLT);
	CHECK_EQ(f.st.regs[R_CX], 2);
	CHECK_EQ(f.st.regs[R_SI], 0x2004);
	CHECK(!(f.st.rflags & FL_ZF));
	fx_fini(&f);
}

/* mov eax, 0x55667788 ; mov edx, 0x11223344 ; mov ebx, 0xaabbccdd ; mov ecx, 0x99887766 ; lock cmpxchg8b [0x5000] ; hlt */
static const uint8_t cx8[] = {
	0xb8, 0x88, 0x77, 0x66, 0x55, 0xba, 0x44, 0x33, 0x22, 0x11, 0xbb, 0xdd,
	0xcc, 0xbb, 0xaa, 0xb9, 0x66, 0x77, 0x88, 0x99, 0xf0, 0x0f, 0xc7, 0x0d,
	0x00, 0x50, 0x00, 0x00, 0xf4,
};


TEST(cmpxchg8b)
{
	struct fx f;
	uint64_t m;
	int v;
	CHECK(fx_init(&f) == 0);
	m = 0x1122334455667788ULL;
	gpa_write(&f.m, 0x5000, &m, 8);
	CHECK_EQ(run32(&f, cx8, sizeof(cx8), &v), EMU_STOP_HLT);
	gpa_read(&f.m, 0x5000, &m, 8);
	CHECK_EQ(m, 0x99887766aabbccddULL);
	CHECK(f.st.rflags & FL_ZF);
	/* mismatch: EDX:EAX gets memory, memory unchanged */
	m = 0x0102030405060708ULL;
	gpa_write(&f.m, 0x5000, &m, 8);
	CHECK_EQ(run32(&f, cx8, sizeof(cx8), &v), EMU_STOP_HLT);
	CHECK_EQ(f.st.regs[R_DX], 0x01020304);
	CHECK_EQ(f.st.regs[R_AX], 0x05060708);
	CHECK(!(f.st.rflags & FL_ZF));
	gpa_read(&f.m, 0x5000, &m, 8);
	CHECK_EQ(m, 0x0102030405060708ULL);
	fx_fini(&f);
}

/* cli ; lgdt [0x600] ; mov eax, cr0 ; or eax, 1 ; mov cr0, eax ; jmp 0x18:pm32 ; .code32 ; pm32: ; mov ax, 0x10 ; mov ds, ax ; mov ss, ax ; mov eax, cr4 ; or eax, 0x20 ; mov cr4, eax ; mov eax, 0x10000 ; mov cr3, eax ; mov ecx, 0xc0000080 ; rdmsr ; or eax, 0x100 ; wrmsr ; mov eax, cr0 ; or eax, 0x8000 */
static const uint8_t rm2lm[] = {
	0xfa, 0x0f, 0x01, 0x16, 0x00, 0x06, 0x0f, 0x20, 0xc0, 0x66, 0x83, 0xc8,
	0x01, 0x0f, 0x22, 0xc0, 0xea, 0x15, 0x7c, 0x18, 0x00, 0x66, 0xb8, 0x10,
	0x00, 0x8e, 0xd8, 0x8e, 0xd0, 0x0f, 0x20, 0xe0, 0x83, 0xc8, 0x20, 0x0f,
	0x22, 0xe0, 0xb8, 0x00, 0x00, 0x01, 0x00, 0x0f, 0x22, 0xd8, 0xb9, 0x80,
	0x00, 0x00, 0xc0, 0x0f, 0x32, 0x0d, 0x00, 0x01, 0x00, 0x00, 0x0f, 0x30,
	0x0f, 0x20, 0xc0, 0x0d, 0x00, 0x00, 0x00, 0x80, 0x0f, 0x22, 0xc0, 0xea,
	0x4e, 0x7c, 0x00, 0x00, 0x08, 0x00, 0x48, 0xb8, 0xf0, 0xde, 0xbc, 0x9a,
	0x78, 0x56, 0x34, 0x12, 0xf4,
};


TEST(real_to_long_mode)
{
	struct fx f;
	static const uint64_t gdt[4] = { 0, 0x00af9a000000ffffULL, 0x00cf92000000ffffULL,
					  0x00cf9a000000ffffULL };
	uint8_t gdtr[6] = { 0x1f, 0, 0x00, 0x05, 0, 0 };
	uint64_t pte;
	int v;
	CHECK(fx_init(&f) == 0);
	cpu_state_reset(&f.st, 1);
	f.st.seg[S_CS].sel = 0;
	f.st.seg[S_CS].base = 0;
	f.st.rip = 0x7c00;
	gpa_write(&f.m, 0x500, gdt, sizeof(gdt));
	gpa_write(&f.m, 0x600, gdtr, sizeof(gdtr));
	pte = 0x11000 | 7;
	gpa_write(&f.m, 0x10000, &pte, 8);
	pte = 0x12000 | 7;
	gpa_write(&f.m, 0x11000, &pte, 8);
	pte = 0x87;
	gpa_write(&f.m, 0x12000, &pte, 8);
	gpa_write(&f.m, 0x7c00, rm2lm, sizeof(rm2lm));
	emu_cpu_reload(f.cpu);
	CHECK_EQ(f.cpu->mode, MODE_REAL);
	CHECK_EQ(emu_test_run(f.cpu, 1000, &v), EMU_STOP_HLT);
	CHECK_EQ(f.cpu->mode, MODE_LONG64);
	CHECK_EQ(f.st.regs[R_AX], 0x123456789abcdef0ULL);
	CHECK(f.st.efer & EFER_LMA);
	CHECK_EQ(f.st.seg[S_CS].sel, 0x08);
	CHECK_EQ(f.st.seg[S_SS].sel, 0x10);
	/* the 2 MiB page's PDE got its accessed bit */
	gpa_read(&f.m, 0x12000, &pte, 8);
	CHECK(pte & 0x20);
	fx_fini(&f);
}

/* mov eax, 0x12345678 ; mov [0x5000], eax ; nop ; hlt */
static const uint8_t dbgcode[] = {
	0xb8, 0x78, 0x56, 0x34, 0x12, 0xa3, 0x00, 0x50, 0x00, 0x00, 0x90, 0xf4,
};


TEST(debug_traps)
{
	struct fx f;
	int v;
	CHECK(fx_init(&f) == 0);
	/* TF: a trap after the first instruction, DR6.BS */
	f.st.rflags |= FL_TF;
	CHECK_EQ(run32(&f, dbgcode, sizeof(dbgcode), &v), EMU_STOP_EXCEPTION);
	CHECK_EQ(v, EXC_DB);
	CHECK_EQ(f.st.rip, 0x1005);
	CHECK(f.st.dr[6] & (1u << 14));
	/* DR0 execute breakpoint on the second instruction: a fault before it */
	f.st.rflags = 2;
	f.st.dr[6] = 0;
	f.st.dr[0] = 0x1005;
	f.st.dr[7] = 0x401;
	CHECK_EQ(run32(&f, dbgcode, sizeof(dbgcode), &v), EMU_STOP_EXCEPTION);
	CHECK_EQ(v, EXC_DB);
	CHECK_EQ(f.st.rip, 0x1005);
	CHECK_EQ(f.st.dr[6] & 0xf, 1);
	CHECK_EQ(f.st.regs[R_AX], 0x12345678);	/* the first instruction ran */
	/* DR1 4-byte write watchpoint: a trap after the store */
	f.st.dr[6] = 0;
	f.st.dr[1] = 0x5000;
	f.st.dr[7] = 0x400 | 0x4 | (0x1u << 20) | (0x3u << 22);
	CHECK_EQ(run32(&f, dbgcode, sizeof(dbgcode), &v), EMU_STOP_EXCEPTION);
	CHECK_EQ(v, EXC_DB);
	CHECK_EQ(f.st.rip, 0x100a);
	CHECK_EQ(f.st.dr[6] & 0xf, 2);
	fx_fini(&f);
}

TEST_MAIN_BEGIN("test_emu_cpu")
	RUN(adc_sbb_flags);
	RUN(shift_rotate_flags);
	RUN(mul_div);
	RUN(string_rep_overrides);
	RUN(cmpxchg8b);
	RUN(real_to_long_mode);
	RUN(debug_traps);
TEST_MAIN_END()

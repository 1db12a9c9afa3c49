/*
 * Architectural reset state (SDM vol. 3, table 9-1 "IA-32 Processor States
 * Following Power-up, Reset, or INIT") and a register dump for fatal errors.
 */
#include "core/cpu_state.h"

#include <stdio.h>
#include <string.h>

static void seg_set(struct seg *s, uint16_t sel, uint64_t base, uint32_t limit, uint32_t attr)
{
	s->sel = sel;
	s->base = base;
	s->limit = limit;
	s->attr = attr;
}

void cpu_state_reset(struct cpu_state *s, int is_bsp)
{
	memset(s, 0, sizeof(*s));
	s->rip = 0xfff0;
	s->rflags = 0x2;
	s->regs[R_DX] = 0x600;	/* processor signature (family 6) */
	/* CS base 0xffff0000 so the first fetch hits the reset vector under 4 GiB. */
	seg_set(&s->seg[S_CS], 0xf000, 0xffff0000, 0xffff, 0x9b);
	for (int i = 0; i < NR_SEGS; i++)
		if (i != S_CS)
			seg_set(&s->seg[i], 0, 0, 0xffff, 0x93);
	seg_set(&s->ldt, 0, 0, 0xffff, 0x82);
	seg_set(&s->tr, 0, 0, 0xffff, 0x8b);
	s->gdt.limit = 0xffff;
	s->idt.limit = 0xffff;
	s->cr0 = CR0_ET | CR0_NW | CR0_CD;
	s->xcr0 = 1;
	s->dr[6] = 0xffff0ff0;
	s->dr[7] = 0x400;
	s->pat = 0x0007040600070406ULL;
	s->apic_base = 0xfee00000ULL | APIC_BASE_ENABLE | (is_bsp ? APIC_BASE_BSP : 0);
	s->misc_enable = 1;	/* fast strings */
	/* FCW = 0x037f, MXCSR = 0x1f80 (FXSAVE image offsets 0 and 24) */
	s->fxsave[0] = 0x7f;
	s->fxsave[1] = 0x03;
	s->fxsave[24] = 0x80;
	s->fxsave[25] = 0x1f;
	s->run_state = is_bsp ? CPU_RUNNABLE : CPU_WAIT_SIPI;
	s->pending_vector = -1;
}

void cpu_state_flat32(struct cpu_state *s)
{
	/* 32-bit, 4 GiB flat code (type 0xb: execute/read, accessed) and data (0x3). */
	seg_set(&s->seg[S_CS], 0x08, 0, 0xffffffff, 0x9b | SEG_DB | SEG_G);
	for (int i = 0; i < NR_SEGS; i++)
		if (i != S_CS)
			seg_set(&s->seg[i], 0x10, 0, 0xffffffff, 0x93 | SEG_DB | SEG_G);
	seg_set(&s->tr, 0, 0, 0xffff, 0x8b);
	seg_set(&s->ldt, 0, 0, 0xffff, 0x82);
	s->cr0 = CR0_PE | CR0_ET;
	s->cr4 = 0;
	s->efer = 0;
	s->rflags = 0x2;
	s->run_state = CPU_RUNNABLE;
}

static int dump_seg(char *b, unsigned len, const char *name, const struct seg *s)
{
	return snprintf(b, len, "%-3s %04x base %016llx limit %08x attr %05x\n", name, s->sel,
			(unsigned long long)s->base, s->limit, s->attr);
}

void cpu_state_dump(const struct cpu_state *s, char *buf, unsigned len)
{
	static const char *const rn[16] = { "rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
					    "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15" };
	static const char *const sn[NR_SEGS] = { "es", "cs", "ss", "ds", "fs", "gs" };
	unsigned n = 0;
#define P(...) do { int k = snprintf(buf + n, n < len ? len - n : 0, __VA_ARGS__); if (k > 0) n += k; } while (0)
	if (!len)
		return;
	buf[0] = 0;
	for (int i = 0; i < 16; i++)
		P("%-3s %016llx%s", rn[i], (unsigned long long)s->regs[i], i % 4 == 3 ? "\n" : "  ");
	P("rip %016llx  rflags %08llx\n", (unsigned long long)s->rip, (unsigned long long)s->rflags);
	for (int i = 0; i < NR_SEGS && n < len; i++)
		n += dump_seg(buf + n, len - n, sn[i], &s->seg[i]);
	if (n < len)
		n += dump_seg(buf + n, len - n, "ldt", &s->ldt);
	if (n < len)
		n += dump_seg(buf + n, len - n, "tr", &s->tr);
	P("gdt %016llx/%04x  idt %016llx/%04x\n", (unsigned long long)s->gdt.base, s->gdt.limit,
	  (unsigned long long)s->idt.base, s->idt.limit);
	P("cr0 %016llx cr2 %016llx cr3 %016llx cr4 %016llx\n", (unsigned long long)s->cr0,
	  (unsigned long long)s->cr2, (unsigned long long)s->cr3, (unsigned long long)s->cr4);
	P("efer %016llx  apic_base %016llx\n", (unsigned long long)s->efer,
	  (unsigned long long)s->apic_base);
#undef P
	if (n >= len)
		buf[len - 1] = 0;
}

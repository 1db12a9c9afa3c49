/*
 * Architectural state of one x86-64 vCPU, shared by the kvm and emu engines
 * so a vCPU can move between them (e.g. emu executes one instruction KVM
 * could not).  Field meanings follow the Intel SDM vol. 3.
 */
#ifndef HVM_CPU_STATE_H
#define HVM_CPU_STATE_H

#include <stdint.h>

enum { R_AX, R_CX, R_DX, R_BX, R_SP, R_BP, R_SI, R_DI,
       R_R8, R_R9, R_R10, R_R11, R_R12, R_R13, R_R14, R_R15 };
enum { S_ES, S_CS, S_SS, S_DS, S_FS, S_GS, NR_SEGS };

/*
 * Segment attributes, packed as the descriptor's bits 40-55 (VMX access-rights
 * layout): type 0-3, S 4, DPL 5-6, P 7, AVL 12, L 13, D/B 14, G 15.
 * SEG_UNUSABLE marks a null-loaded segment.
 */
#define SEG_TYPE(a)	((a) & 0xf)
#define SEG_S		(1u << 4)
#define SEG_DPL(a)	(((a) >> 5) & 3)
#define SEG_P		(1u << 7)
#define SEG_AVL		(1u << 12)
#define SEG_L		(1u << 13)
#define SEG_DB		(1u << 14)
#define SEG_G		(1u << 15)
#define SEG_UNUSABLE	(1u << 16)

struct seg {
	uint16_t sel;
	uint64_t base;
	uint32_t limit;		/* byte granular (already scaled by G) */
	uint32_t attr;
};

struct dtable {
	uint64_t base;
	uint16_t limit;
};

/* RFLAGS */
#define FL_CF	(1u << 0)
#define FL_PF	(1u << 2)
#define FL_AF	(1u << 4)
#define FL_ZF	(1u << 6)
#define FL_SF	(1u << 7)
#define FL_TF	(1u << 8)
#define FL_IF	(1u << 9)
#define FL_DF	(1u << 10)
#define FL_OF	(1u << 11)
#define FL_IOPL	(3u << 12)
#define FL_NT	(1u << 14)
#define FL_RF	(1u << 16)
#define FL_VM	(1u << 17)
#define FL_AC	(1u << 18)
#define FL_VIF	(1u << 19)
#define FL_VIP	(1u << 20)
#define FL_ID	(1u << 21)

/* CR0 / CR4 / EFER bits used across engines and boot code */
#define CR0_PE	(1u << 0)
#define CR0_MP	(1u << 1)
#define CR0_EM	(1u << 2)
#define CR0_TS	(1u << 3)
#define CR0_ET	(1u << 4)
#define CR0_NE	(1u << 5)
#define CR0_WP	(1u << 16)
#define CR0_AM	(1u << 18)
#define CR0_NW	(1u << 29)
#define CR0_CD	(1u << 30)
#define CR0_PG	(1u << 31)

#define CR4_VME		(1u << 0)
#define CR4_PVI		(1u << 1)
#define CR4_TSD		(1u << 2)
#define CR4_DE		(1u << 3)
#define CR4_PSE		(1u << 4)
#define CR4_PAE		(1u << 5)
#define CR4_MCE		(1u << 6)
#define CR4_PGE		(1u << 7)
#define CR4_PCE		(1u << 8)
#define CR4_OSFXSR	(1u << 9)
#define CR4_OSXMMEXCPT	(1u << 10)
#define CR4_UMIP	(1u << 11)
#define CR4_FSGSBASE	(1u << 16)
#define CR4_PCIDE	(1u << 17)
#define CR4_OSXSAVE	(1u << 18)
#define CR4_SMEP	(1u << 20)
#define CR4_SMAP	(1u << 21)

#define EFER_SCE	(1u << 0)
#define EFER_LME	(1u << 8)
#define EFER_LMA	(1u << 10)
#define EFER_NXE	(1u << 11)

/* MSR numbers */
#define MSR_IA32_TSC			0x10
#define MSR_IA32_APIC_BASE		0x1b
#define MSR_IA32_FEATURE_CONTROL	0x3a
#define MSR_IA32_TSC_ADJUST		0x3b
#define MSR_IA32_SPEC_CTRL		0x48
#define MSR_IA32_BIOS_SIGN_ID		0x8b
#define MSR_IA32_MTRRCAP		0xfe
#define MSR_IA32_SYSENTER_CS		0x174
#define MSR_IA32_SYSENTER_ESP		0x175
#define MSR_IA32_SYSENTER_EIP		0x176
#define MSR_IA32_MCG_CAP		0x179
#define MSR_IA32_MCG_STATUS		0x17a
#define MSR_IA32_MISC_ENABLE		0x1a0
#define MSR_IA32_PAT			0x277
#define MSR_IA32_MTRR_DEF_TYPE		0x2ff
#define MSR_IA32_TSC_DEADLINE		0x6e0
#define MSR_EFER			0xc0000080
#define MSR_STAR			0xc0000081
#define MSR_LSTAR			0xc0000082
#define MSR_CSTAR			0xc0000083
#define MSR_SFMASK			0xc0000084
#define MSR_FS_BASE			0xc0000100
#define MSR_GS_BASE			0xc0000101
#define MSR_KERNEL_GS_BASE		0xc0000102
#define MSR_TSC_AUX			0xc0000103

#define APIC_BASE_BSP		(1u << 8)
#define APIC_BASE_ENABLE	(1u << 11)

/* What a vCPU is doing, as KVM's mp_state. */
enum cpu_run_state {
	CPU_RUNNABLE,
	CPU_HALTED,		/* HLT: waits for an interrupt */
	CPU_WAIT_SIPI,		/* AP after INIT, before SIPI */
};

struct cpu_state {
	uint64_t regs[16];
	uint64_t rip;
	uint64_t rflags;

	struct seg seg[NR_SEGS];
	struct seg ldt, tr;
	struct dtable gdt, idt;

	uint64_t cr0, cr2, cr3, cr4, cr8;
	uint64_t efer;
	uint64_t xcr0;
	uint64_t dr[8];		/* dr4/dr5 unused */

	/* MSRs */
	uint64_t star, lstar, cstar, sfmask, kernel_gs_base;
	uint64_t sysenter_cs, sysenter_esp, sysenter_eip;
	uint64_t pat, apic_base, misc_enable, tsc_aux, tsc_deadline;
	int64_t tsc_offset;	/* guest TSC = host TSC-clock + tsc_offset */

	/* x87/SSE state in FXSAVE layout (Intel SDM vol. 1, table 10-2). */
	uint8_t fxsave[512] __attribute__((aligned(16)));

	enum cpu_run_state run_state;
	uint8_t int_shadow;	/* STI / MOV SS blocking for the next instruction */
	uint8_t nmi_pending;
	int16_t pending_vector;	/* exception/interrupt to inject on entry, -1 none */
	uint32_t pending_error;
	uint8_t pending_has_error;
};

/* Reset values of SDM vol. 3 table 9-1; the engine sets vendor-specific bits. */
void cpu_state_reset(struct cpu_state *s, int is_bsp);

/* Flat 32-bit protected mode, paging off (multiboot entry state). */
void cpu_state_flat32(struct cpu_state *s);

/* Multiline register dump into buf (for fatal errors). */
void cpu_state_dump(const struct cpu_state *s, char *buf, unsigned len);

#endif

/*
 * hvm's CPU model: the CPUID leaves a guest sees.  One profile for both
 * engines; the kvm engine intersects it with KVM_GET_SUPPORTED_CPUID, the emu
 * engine answers from it directly.  The profile hides what the PVM hosts here
 * cannot emulate (CX16, XSAVE/AVX, MOVBE, ...) and what emu does not implement.
 */
#ifndef HVM_CPUID_H
#define HVM_CPUID_H

#include <stdint.h>

struct cpuid_entry {
	uint32_t function, index;
	uint32_t flags;		/* CPUID_F_INDEXED: index is significant */
	uint32_t eax, ebx, ecx, edx;
};

#define CPUID_F_INDEXED 1
#define CPUID_MAX_ENTRIES 64

struct cpuid_profile {
	int nr;
	struct cpuid_entry e[CPUID_MAX_ENTRIES];
};

/* Build the profile for a VM with nr_cpus vCPUs. */
void cpuid_profile_build(struct cpuid_profile *p, int nr_cpus);

/*
 * Answer CPUID(function, index) for vCPU apic_id the way the SDM says a CPU
 * does: out-of-range leaves return the highest basic leaf's values.
 */
void cpuid_lookup(const struct cpuid_profile *p, uint32_t apic_id, uint32_t function,
		  uint32_t index, uint32_t out[4]);

/* --- additions: options, feature bits, editing ---------------------- */

enum { CPUID_EAX, CPUID_EBX, CPUID_ECX, CPUID_EDX };

/* Leaf 1 */
#define CPUID_1_EDX_FPU		(1u << 0)
#define CPUID_1_EDX_DE		(1u << 2)
#define CPUID_1_EDX_PSE		(1u << 3)
#define CPUID_1_EDX_TSC		(1u << 4)
#define CPUID_1_EDX_MSR		(1u << 5)
#define CPUID_1_EDX_PAE		(1u << 6)
#define CPUID_1_EDX_MCE		(1u << 7)
#define CPUID_1_EDX_CX8		(1u << 8)
#define CPUID_1_EDX_APIC	(1u << 9)
#define CPUID_1_EDX_SEP		(1u << 11)
#define CPUID_1_EDX_MTRR	(1u << 12)
#define CPUID_1_EDX_PGE		(1u << 13)
#define CPUID_1_EDX_MCA		(1u << 14)
#define CPUID_1_EDX_CMOV	(1u << 15)
#define CPUID_1_EDX_PAT		(1u << 16)
#define CPUID_1_EDX_PSE36	(1u << 17)
#define CPUID_1_EDX_CLFSH	(1u << 19)
#define CPUID_1_EDX_MMX		(1u << 23)
#define CPUID_1_EDX_FXSR	(1u << 24)
#define CPUID_1_EDX_SSE		(1u << 25)
#define CPUID_1_EDX_SSE2	(1u << 26)
#define CPUID_1_EDX_HTT		(1u << 28)
#define CPUID_1_ECX_SSE3	(1u << 0)
#define CPUID_1_ECX_PCLMUL	(1u << 1)
#define CPUID_1_ECX_MONITOR	(1u << 3)
#define CPUID_1_ECX_VMX		(1u << 5)
#define CPUID_1_ECX_SSSE3	(1u << 9)
#define CPUID_1_ECX_FMA		(1u << 12)
#define CPUID_1_ECX_CX16	(1u << 13)
#define CPUID_1_ECX_PCID	(1u << 17)
#define CPUID_1_ECX_SSE41	(1u << 19)
#define CPUID_1_ECX_SSE42	(1u << 20)
#define CPUID_1_ECX_X2APIC	(1u << 21)
#define CPUID_1_ECX_MOVBE	(1u << 22)
#define CPUID_1_ECX_POPCNT	(1u << 23)
#define CPUID_1_ECX_TSC_DEADLINE (1u << 24)
#define CPUID_1_ECX_AES		(1u << 25)
#define CPUID_1_ECX_XSAVE	(1u << 26)
#define CPUID_1_ECX_OSXSAVE	(1u << 27)
#define CPUID_1_ECX_AVX		(1u << 28)
#define CPUID_1_ECX_F16C	(1u << 29)
#define CPUID_1_ECX_RDRAND	(1u << 30)
#define CPUID_1_ECX_HYPERVISOR	(1u << 31)
/* Leaf 7 subleaf 0 */
#define CPUID_7_EBX_FSGSBASE	(1u << 0)
#define CPUID_7_EBX_SMEP	(1u << 7)
#define CPUID_7_EBX_INVPCID	(1u << 10)
#define CPUID_7_EBX_SMAP	(1u << 20)
#define CPUID_7_EBX_CLWB	(1u << 24)
#define CPUID_7_ECX_RDPID	(1u << 22)
/* Leaf 0x80000001 */
#define CPUID_81_ECX_LAHF	(1u << 0)
#define CPUID_81_EDX_SYSCALL	(1u << 11)
#define CPUID_81_EDX_NX		(1u << 20)
#define CPUID_81_EDX_RDTSCP	(1u << 27)
#define CPUID_81_EDX_LM		(1u << 29)
/* Leaf 0x80000007 */
#define CPUID_87_EDX_INVTSC	(1u << 8)
/* Leaf 0x80000008 EBX (AMD) */
#define CPUID_88_EBX_RDPRU	(1u << 4)

/* cpuid_opts.flags */
#define CPUID_OPT_TSC_DEADLINE	(1u << 0)	/* leaf 1 ECX[24]: the LAPIC has it */
#define CPUID_OPT_SSE_EXT	(1u << 1)	/* SSE3, SSSE3, SSE4.1/4.2, POPCNT (kvm only) */

struct cpuid_opts {
	int nr_cpus;
	unsigned flags;		/* CPUID_OPT_* */
	/*
	 * Optional leaves 0x15/0x16 (max basic leaf rises to 0x16): TSC rate and
	 * the LAPIC timer's input clock, as a guest reads them.  0 leaves them out.
	 */
	uint32_t tsc_khz;
	uint32_t crystal_khz;
};

/* cpuid_profile_build() is this with flags CPUID_OPT_TSC_DEADLINE and no timing leaves. */
void cpuid_profile_build_opts(struct cpuid_profile *p, const struct cpuid_opts *o);

/* The profile's entry for (function, index), or NULL. */
struct cpuid_entry *cpuid_profile_find(struct cpuid_profile *p, uint32_t function, uint32_t index);

/*
 * Clear `bits` of register reg (CPUID_EAX..CPUID_EDX) in leaf (fn, idx):
 * an engine hides what it lacks.  No-op for an absent leaf or bad reg.
 */
void cpuid_profile_clear(struct cpuid_profile *p, uint32_t fn, uint32_t idx, int reg,
			 uint32_t bits);

/* Add or replace an entry.  0, or -ENOSPC when the table is full. */
int cpuid_profile_set(struct cpuid_profile *p, const struct cpuid_entry *e);

#endif

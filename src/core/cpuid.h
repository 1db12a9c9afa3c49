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

#endif

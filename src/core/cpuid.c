/*
 * hvm's CPU model as CPUID shows it (Intel SDM vol. 2A, CPUID, and vol. 3A
 * 8.9 for the topology leaves).  A family 6 model 0x3a "GenuineIntel" part
 * with the general-purpose, x87, MMX, SSE and SSE2 sets, long mode, NX,
 * SYSCALL and SYSENTER.
 *
 * Not advertised, on purpose: CX16, XSAVE/OSXSAVE/AVX (leaf 0xd is absent),
 * MOVBE, x2APIC, PCID, RDRAND, MTRR, MCA, VME, MONITOR, and every
 * leaf 7 feature.  The emu engine does not implement them and the PVM hosts
 * the kvm engine meets fail to emulate several of them.  The hypervisor
 * leaf names hvm, never KVM: no paravirtual interface is offered.
 */
#include "core/cpuid.h"

#include <errno.h>
#include <string.h>

#define MAX_BASIC	 0xbu
#define MAX_BASIC_TIMING 0x16u
#define MAX_EXT		 0x80000008u
#define HV_BASE		 0x40000000u

static uint32_t str4(const char *s)
{
	return (uint32_t)(uint8_t)s[0] | (uint32_t)(uint8_t)s[1] << 8 |
	       (uint32_t)(uint8_t)s[2] << 16 | (uint32_t)(uint8_t)s[3] << 24;
}

static void add(struct cpuid_profile *p, uint32_t fn, uint32_t idx, uint32_t flags,
		uint32_t a, uint32_t b, uint32_t c, uint32_t d)
{
	struct cpuid_entry e = { fn, idx, flags, a, b, c, d };
	cpuid_profile_set(p, &e);
}

/* Smallest power of two >= n, so APIC IDs 0..n-1 fit the topology fields. */
static unsigned pow2_at_least(unsigned n)
{
	unsigned v = 1;
	while (v < n)
		v <<= 1;
	return v;
}

static unsigned log2u(unsigned v)
{
	unsigned s = 0;
	while ((1u << s) < v)
		s++;
	return s;
}

/*
 * Leaf 4 deterministic cache parameters.  The package has `ids` APIC IDs
 * (one core per vCPU, no SMT): L1/L2 are per core, L3 is shared by all.
 */
static void add_cache(struct cpuid_profile *p, uint32_t idx, unsigned type, unsigned level,
		      unsigned kib, unsigned ways, unsigned sharing, unsigned ids, int inclusive)
{
	unsigned line = 64, sets = kib * 1024 / (ways * line);
	uint32_t a = type | level << 5 | 1u << 8 /* self-initialising */ |
		     (sharing - 1) << 14 | (ids - 1) << 26;
	uint32_t b = (line - 1) | 0u << 12 /* one partition */ | (ways - 1) << 22;
	add(p, 4, idx, CPUID_F_INDEXED, a, b, sets - 1, inclusive ? 2 : 0);
}

void cpuid_profile_build_opts(struct cpuid_profile *p, const struct cpuid_opts *o)
{
	unsigned nr = o->nr_cpus < 1 ? 1 : o->nr_cpus > 64 ? 64 : (unsigned)o->nr_cpus;
	unsigned ids = pow2_at_least(nr);
	int timing = o->tsc_khz && o->crystal_khz && o->crystal_khz <= 4000000;
	uint32_t max_basic = timing ? MAX_BASIC_TIMING : MAX_BASIC;
	uint32_t edx1, ecx1;

	memset(p, 0, sizeof(*p));
	add(p, 0, 0, 0, max_basic, str4("Genu"), str4("ntel"), str4("ineI"));

	/* Stepping 9, model 0x3a (ext model 3, model 0xa), family 6. */
	edx1 = CPUID_1_EDX_FPU | CPUID_1_EDX_DE | CPUID_1_EDX_PSE | CPUID_1_EDX_TSC |
	       CPUID_1_EDX_MSR | CPUID_1_EDX_PAE | CPUID_1_EDX_MCE | CPUID_1_EDX_CX8 |
	       CPUID_1_EDX_APIC | CPUID_1_EDX_SEP | CPUID_1_EDX_PGE | CPUID_1_EDX_CMOV |
	       CPUID_1_EDX_PAT | CPUID_1_EDX_PSE36 | CPUID_1_EDX_CLFSH | CPUID_1_EDX_MMX |
	       CPUID_1_EDX_FXSR | CPUID_1_EDX_SSE | CPUID_1_EDX_SSE2;
	if (nr > 1)
		edx1 |= CPUID_1_EDX_HTT;
	ecx1 = CPUID_1_ECX_HYPERVISOR;
	if (o->flags & CPUID_OPT_TSC_DEADLINE)
		ecx1 |= CPUID_1_ECX_TSC_DEADLINE;
	if (o->flags & CPUID_OPT_SSE_EXT)
		ecx1 |= CPUID_1_ECX_SSE3 | CPUID_1_ECX_SSSE3 | CPUID_1_ECX_SSE41 |
			CPUID_1_ECX_SSE42 | CPUID_1_ECX_POPCNT;
	/* EBX: CLFLUSH line 8 quadwords, logical IDs per package; APIC ID per vCPU. */
	add(p, 1, 0, 0, 0x000306a9, 8u << 8 | ids << 16, ecx1, edx1);

	/* Descriptor 0xff: "no descriptors here, read leaf 4". */
	add(p, 2, 0, 0, 0x0000ff01, 0, 0, 0);

	add_cache(p, 0, 1, 1, 32, 8, 1, ids, 0);	/* L1d */
	add_cache(p, 1, 2, 1, 32, 8, 1, ids, 0);	/* L1i */
	add_cache(p, 2, 3, 2, 256, 8, 1, ids, 0);	/* L2 */
	add_cache(p, 3, 3, 3, 8192, 16, ids, ids, 1);	/* L3 */
	add(p, 4, 4, CPUID_F_INDEXED, 0, 0, 0, 0);	/* type 0: no more caches */

	/* Leaf 6: ARAT, the LAPIC timer keeps counting in every C-state. */
	add(p, 6, 0, 0, 1u << 2, 0, 0, 0);
	/* Leaf 7: max subleaf 0, no structured extended features. */
	add(p, 7, 0, CPUID_F_INDEXED, 0, 0, 0, 0);

	/*
	 * Leaf 0xb: SMT level (1 thread per core), core level (nr cores).
	 * ECX[7:0] echoes the subleaf; EDX (x2APIC ID) is filled per vCPU.
	 */
	add(p, 0xb, 0, CPUID_F_INDEXED, 0, 1, 0 | 1u << 8, 0);
	add(p, 0xb, 1, CPUID_F_INDEXED, log2u(ids), nr, 1 | 2u << 8, 0);
	add(p, 0xb, 2, CPUID_F_INDEXED, 0, 0, 2, 0);

	if (timing) {
		/* TSC = crystal * EBX / EAX; ECX = crystal Hz (the LAPIC timer's input). */
		add(p, 0x15, 0, 0, o->crystal_khz, o->tsc_khz, o->crystal_khz * 1000u, 0);
		add(p, 0x16, 0, 0, o->tsc_khz / 1000, o->tsc_khz / 1000,
		    o->crystal_khz / 1000, 0);
	}

	add(p, HV_BASE, 0, 0, HV_BASE, str4("hvmh"), str4("vmhv"), str4("m\0\0\0"));

	add(p, 0x80000000, 0, 0, MAX_EXT, 0, 0, 0);
	add(p, 0x80000001, 0, 0, 0, 0, CPUID_81_ECX_LAHF,
	    CPUID_81_EDX_SYSCALL | CPUID_81_EDX_NX | CPUID_81_EDX_LM | CPUID_81_EDX_RDTSCP);
	{
		/* Brand string: 48 bytes, NUL padded, over leaves 0x80000002-4. */
		char brand[48] = "hvm virtual CPU";
		for (uint32_t i = 0; i < 3; i++) {
			const char *b = brand + 16 * i;
			add(p, 0x80000002 + i, 0, 0, str4(b), str4(b + 4), str4(b + 8),
			    str4(b + 12));
		}
	}
	add(p, 0x80000005, 0, 0, 0, 0, 0, 0);	/* reserved on Intel */
	/* L2: 256 KiB, 8-way (encoding 6), 64-byte lines. */
	add(p, 0x80000006, 0, 0, 0, 0, 256u << 16 | 6u << 12 | 64, 0);
	add(p, 0x80000007, 0, 0, 0, 0, 0, CPUID_87_EDX_INVTSC);
	/* 40 physical, 48 linear address bits. */
	add(p, 0x80000008, 0, 0, 48u << 8 | 40, 0, 0, 0);
}

void cpuid_profile_build(struct cpuid_profile *p, int nr_cpus)
{
	struct cpuid_opts o = { .nr_cpus = nr_cpus, .flags = CPUID_OPT_TSC_DEADLINE };
	cpuid_profile_build_opts(p, &o);
}

static const struct cpuid_entry *find(const struct cpuid_profile *p, uint32_t fn, uint32_t idx)
{
	int n = p->nr < 0 ? 0 : p->nr > CPUID_MAX_ENTRIES ? CPUID_MAX_ENTRIES : p->nr;
	for (int i = 0; i < n; i++) {
		const struct cpuid_entry *e = &p->e[i];
		if (e->function == fn && (!(e->flags & CPUID_F_INDEXED) || e->index == idx))
			return e;
	}
	return NULL;
}

struct cpuid_entry *cpuid_profile_find(struct cpuid_profile *p, uint32_t function, uint32_t index)
{
	return (struct cpuid_entry *)find(p, function, index);
}

void cpuid_profile_clear(struct cpuid_profile *p, uint32_t fn, uint32_t idx, int reg,
			 uint32_t bits)
{
	struct cpuid_entry *e = cpuid_profile_find(p, fn, idx);
	if (!e)
		return;
	switch (reg) {
	case CPUID_EAX: e->eax &= ~bits; break;
	case CPUID_EBX: e->ebx &= ~bits; break;
	case CPUID_ECX: e->ecx &= ~bits; break;
	case CPUID_EDX: e->edx &= ~bits; break;
	}
}

int cpuid_profile_set(struct cpuid_profile *p, const struct cpuid_entry *e)
{
	int n = p->nr < 0 ? 0 : p->nr;
	for (int i = 0; i < n && i < CPUID_MAX_ENTRIES; i++) {
		struct cpuid_entry *x = &p->e[i];
		if (x->function == e->function &&
		    (!(e->flags & CPUID_F_INDEXED) || x->index == e->index)) {
			*x = *e;
			return 0;
		}
	}
	if (n >= CPUID_MAX_ENTRIES)
		return -ENOSPC;
	p->e[n] = *e;
	p->nr = n + 1;
	return 0;
}

/*
 * The highest leaf of the range `fn` falls in, or 0 when the range does not
 * exist.  The hypervisor range is only present when its base leaf is.
 */
static int in_range(const struct cpuid_profile *p, uint32_t fn)
{
	uint32_t base = fn >= 0x80000000u ? 0x80000000u
		      : (fn & 0xf0000000u) == HV_BASE ? (fn & 0xffffff00u) : 0;
	const struct cpuid_entry *e = find(p, base, 0);
	return e && fn <= e->eax && (base != HV_BASE || e->eax >= base);
}

void cpuid_lookup(const struct cpuid_profile *p, uint32_t apic_id, uint32_t function,
		  uint32_t index, uint32_t out[4])
{
	const struct cpuid_entry *e;

	out[0] = out[1] = out[2] = out[3] = 0;
	/* SDM: a leaf above its range's maximum reads as the highest basic leaf. */
	if (!in_range(p, function)) {
		const struct cpuid_entry *l0 = find(p, 0, 0);
		if (!l0)
			return;
		function = l0->eax;
	}
	e = find(p, function, index);
	if (e) {
		out[0] = e->eax;
		out[1] = e->ebx;
		out[2] = e->ecx;
		out[3] = e->edx;
	}
	switch (function) {
	case 1:
		out[1] = (out[1] & 0x00ffffffu) | (apic_id & 0xff) << 24;
		break;
	case 0xb:
		/* Every subleaf, listed or not, echoes CL and reports the x2APIC ID. */
		out[2] = (out[2] & ~0xffu) | (index & 0xff);
		out[3] = apic_id;
		break;
	}
}

/*
 * hvm's CPUID profile (core/cpuid.c) as KVM_SET_CPUID2 wants it for one
 * vCPU: feature leaves ANDed with KVM_GET_SUPPORTED_CPUID, descriptive
 * leaves (vendor, caches, topology, brand) taken from the profile.
 *
 * Hidden whatever KVM says: the PVM hosts hvm meets fail to emulate MOVBE,
 * CLWB, XGETBV, INVPCID, CLAC/STAC and RDPRU, and CX16/XSAVE/AVX state is not
 * carried between engines.  x2APIC is hidden so both engines show one LAPIC
 * model.  TSC-deadline is shown only with KVM_CAP_TSC_DEADLINE_TIMER, which
 * KVM reports as a capability rather than in the supported table.
 *
 * Vendor: the profile says GenuineIntel even on AMD hosts.  KVM's emulator
 * follows the guest's vendor for SYSCALL in compatibility mode and for
 * SYSENTER in long mode (intercepting the #UD AMD raises), so guests get
 * Intel semantics; KVM_CPUID_HOST_VENDOR shows the host's string instead.
 */
#include "engine/kvm/kvm_int.h"

#include <string.h>

struct feature_leaf {
	uint32_t fn, idx;
	uint8_t regs;		/* bit r: register r is a feature mask */
	uint32_t keep[4];	/* kept without KVM listing them (topology, virtual bits) */
	uint32_t hide[4];	/* never shown */
};

#define R(r) (1u << (r))

/* Leaf 7.0 EBX: AVX2, the AVX-512 family, SMEP/SMAP, INVPCID, CLWB, FSGSBASE, MPX, ... */
#define HIDE_7_EBX (CPUID_7_EBX_FSGSBASE | 1u << 5 | CPUID_7_EBX_SMEP | CPUID_7_EBX_INVPCID | \
		    1u << 14 | 1u << 16 | 1u << 17 | CPUID_7_EBX_SMAP | 1u << 21 | \
		    CPUID_7_EBX_CLWB | 1u << 26 | 1u << 27 | 1u << 28 | 1u << 30 | 1u << 31)

static const struct feature_leaf features[] = {
	{ 1, 0, R(CPUID_ECX) | R(CPUID_EDX),
	  { 0, 0, CPUID_1_ECX_HYPERVISOR, CPUID_1_EDX_HTT | CPUID_1_EDX_APIC },
	  { 0, 0, CPUID_1_ECX_CX16 | CPUID_1_ECX_XSAVE | CPUID_1_ECX_OSXSAVE |
		  CPUID_1_ECX_AVX | CPUID_1_ECX_FMA | CPUID_1_ECX_F16C | CPUID_1_ECX_MOVBE |
		  CPUID_1_ECX_PCID | CPUID_1_ECX_X2APIC | CPUID_1_ECX_VMX |
		  CPUID_1_ECX_MONITOR, 0 } },
	{ 6, 0, R(CPUID_EAX), { 0 }, { 0 } },
	{ 7, 0, R(CPUID_EBX) | R(CPUID_ECX) | R(CPUID_EDX), { 0 },
	  { 0, HIDE_7_EBX, CPUID_7_ECX_RDPID, 0 } },
	{ 0x80000001, 0, R(CPUID_ECX) | R(CPUID_EDX), { 0 }, { 0 } },
	{ 0x80000007, 0, R(CPUID_EDX), { 0 }, { 0 } },
	{ 0x80000008, 0, R(CPUID_EBX), { 0 }, { 0, CPUID_88_EBX_RDPRU, 0, 0 } },
};

#define NR_FEATURES ((int)(sizeof(features) / sizeof(features[0])))

static const struct kvm_cpuid_entry2 *sup_find(const struct kvm_cpuid_entry2 *sup, int n,
					       uint32_t fn, uint32_t idx)
{
	for (int i = 0; i < n; i++)
		if (sup[i].function == fn &&
		    (!(sup[i].flags & KVM_CPUID_FLAG_SIGNIFCANT_INDEX) || sup[i].index == idx))
			return &sup[i];
	return NULL;
}

static const struct feature_leaf *feature_find(uint32_t fn, uint32_t idx)
{
	for (int i = 0; i < NR_FEATURES; i++)
		if (features[i].fn == fn && features[i].idx == idx)
			return &features[i];
	return NULL;
}

static uint32_t min_u8(uint32_t a, uint32_t b)
{
	a &= 0xff;
	b &= 0xff;
	return a < b ? a : b;
}

int kvm_cpuid_build(const struct cpuid_profile *p, const struct kvm_cpuid_entry2 *sup,
		    int nr_sup, uint32_t apic_id, unsigned flags,
		    struct kvm_cpuid_entry2 *out, int max)
{
	int np = p->nr < 0 ? 0 : p->nr > CPUID_MAX_ENTRIES ? CPUID_MAX_ENTRIES : p->nr;
	int n = 0;

	if (!sup || nr_sup < 0)
		nr_sup = 0;
	for (int i = 0; i < np && n < max; i++) {
		const struct cpuid_entry *pe = &p->e[i];
		const struct feature_leaf *f = feature_find(pe->function, pe->index);
		const struct kvm_cpuid_entry2 *s = sup_find(sup, nr_sup, pe->function, pe->index);
		struct kvm_cpuid_entry2 *o = &out[n++];
		uint32_t r[4];

		cpuid_lookup(p, apic_id, pe->function, pe->index, r);
		if (f) {
			uint32_t sv[4] = { 0, 0, 0, 0 };
			if (s) {
				sv[0] = s->eax; sv[1] = s->ebx; sv[2] = s->ecx; sv[3] = s->edx;
			}
			for (int k = 0; k < 4; k++) {
				if (f->regs & R(k))
					r[k] &= sv[k] | f->keep[k];
				r[k] &= ~f->hide[k];
			}
		}
		switch (pe->function) {
		case 0:
			if ((flags & KVM_CPUID_HOST_VENDOR) && s) {
				r[1] = s->ebx;
				r[2] = s->ecx;
				r[3] = s->edx;
			}
			break;
		case 1:
			if (!(flags & KVM_CPUID_TSC_DEADLINE))
				r[2] &= ~CPUID_1_ECX_TSC_DEADLINE;
			break;
		case 7:
			/* EAX is the highest subleaf, not a mask. */
			if (pe->index == 0)
				r[0] = s && s->eax < r[0] ? s->eax : r[0];
			break;
		case 0x80000008:
			/* Never promise more address bits than the host has. */
			if (s)
				r[0] = (r[0] & ~0xffffu) | min_u8(r[0], s->eax) |
				       min_u8(r[0] >> 8, s->eax >> 8) << 8;
			break;
		}
		memset(o, 0, sizeof(*o));
		o->function = pe->function;
		o->index = pe->index;
		o->flags = (pe->flags & CPUID_F_INDEXED) ? KVM_CPUID_FLAG_SIGNIFCANT_INDEX : 0;
		o->eax = r[0];
		o->ebx = r[1];
		o->ecx = r[2];
		o->edx = r[3];
	}
	return n;
}

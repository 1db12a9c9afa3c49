/*
 * The model-specific registers that travel between cpu_state and KVM
 * (KVM_GET_MSR_INDEX_LIST, KVM_GET/SET_MSRS; MSR meanings per SDM vol. 4).
 *
 * Not carried: EFER, FS/GS base and APIC base (they ride in kvm_sregs), the
 * TSC (KVM keeps its own; sync_state derives tsc_offset), MTRRs and
 * machine-check banks (hvm's CPU advertises neither), performance counters.
 */
#include "engine/kvm/kvm_int.h"

#include <stddef.h>
#include <string.h>

struct msr_map {
	uint32_t index;
	uint16_t off;		/* uint64_t field in struct cpu_state */
	uint8_t always;		/* KVM handles it whether or not the index list says so */
};

#define F(field) (uint16_t)offsetof(struct cpu_state, field)

static const struct msr_map msr_table[] = {
	{ MSR_IA32_SYSENTER_CS,  F(sysenter_cs),    1 },
	{ MSR_IA32_SYSENTER_ESP, F(sysenter_esp),   1 },
	{ MSR_IA32_SYSENTER_EIP, F(sysenter_eip),   1 },
	{ MSR_IA32_PAT,          F(pat),            1 },
	{ MSR_IA32_MISC_ENABLE,  F(misc_enable),    0 },
	{ MSR_STAR,              F(star),           0 },
	{ MSR_LSTAR,             F(lstar),          0 },
	{ MSR_CSTAR,             F(cstar),          0 },
	{ MSR_SFMASK,            F(sfmask),         0 },
	{ MSR_KERNEL_GS_BASE,    F(kernel_gs_base), 0 },
	{ MSR_TSC_AUX,           F(tsc_aux),        0 },
	{ MSR_IA32_TSC_DEADLINE, F(tsc_deadline),   0 },
};

#undef F

#define NR_MSR_TABLE ((int)(sizeof(msr_table) / sizeof(msr_table[0])))

static const struct msr_map *msr_lookup(uint32_t index)
{
	for (int i = 0; i < NR_MSR_TABLE; i++)
		if (msr_table[i].index == index)
			return &msr_table[i];
	return NULL;
}

static int listed(const uint32_t *list, int n, uint32_t index)
{
	for (int i = 0; i < n; i++)
		if (list[i] == index)
			return 1;
	return 0;
}

int kvm_msrs_select(const uint32_t *supported, int nr_supported, uint32_t *out, int max)
{
	int n = 0;
	if (!supported || nr_supported < 0)
		nr_supported = 0;
	for (int i = 0; i < NR_MSR_TABLE && n < max; i++)
		if (msr_table[i].always || listed(supported, nr_supported, msr_table[i].index))
			out[n++] = msr_table[i].index;
	return n;
}

void kvm_msrs_from_state(struct kvm_msr_entry *ents, int n, const struct cpu_state *s)
{
	for (int i = 0; i < n; i++) {
		const struct msr_map *m = msr_lookup(ents[i].index);
		uint64_t v = 0;
		if (m)
			memcpy(&v, (const uint8_t *)s + m->off, sizeof(v));
		ents[i].reserved = 0;
		ents[i].data = v;
	}
}

void kvm_msrs_to_state(struct cpu_state *s, const struct kvm_msr_entry *ents, int n)
{
	for (int i = 0; i < n; i++) {
		const struct msr_map *m = msr_lookup(ents[i].index);
		if (m) {
			uint64_t v = ents[i].data;
			memcpy((uint8_t *)s + m->off, &v, sizeof(v));
		}
	}
}

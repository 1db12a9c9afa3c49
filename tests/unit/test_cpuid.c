/* hvm's CPUID profile, read the way a guest reads it (SDM vol. 2A, CPUID). */
#include "test.h"

#include "core/cpuid.h"

static struct cpuid_profile prof;

static void q(uint32_t apic, uint32_t fn, uint32_t idx, uint32_t r[4])
{
	cpuid_lookup(&prof, apic, fn, idx, r);
}

TEST(vendor_string)
{
	uint32_t r[4];
	char v[13];
	cpuid_profile_build(&prof, 1);
	q(0, 0, 0, r);
	memcpy(v, &r[1], 4);
	memcpy(v + 4, &r[3], 4);
	memcpy(v + 8, &r[2], 4);
	v[12] = 0;
	CHECK_STR(v, "GenuineIntel");
	CHECK(r[0] >= 0xb && r[0] < 0xd);
}

TEST(family_model)
{
	uint32_t r[4];
	cpuid_profile_build(&prof, 1);
	q(0, 1, 0, r);
	CHECK_EQ((r[0] >> 8) & 0xf, 6);
	CHECK_EQ(((r[0] >> 4) & 0xf) | ((r[0] >> 12) & 0xf0), 0x3a);
	CHECK_EQ((r[1] >> 8) & 0xff, 8);	/* CLFLUSH: 8 quadwords */
}

TEST(features_present)
{
	uint32_t r[4];
	uint32_t want = CPUID_1_EDX_FPU | CPUID_1_EDX_TSC | CPUID_1_EDX_MSR | CPUID_1_EDX_PAE |
			CPUID_1_EDX_CX8 | CPUID_1_EDX_APIC | CPUID_1_EDX_SEP | CPUID_1_EDX_PGE |
			CPUID_1_EDX_CMOV | CPUID_1_EDX_PAT | CPUID_1_EDX_CLFSH | CPUID_1_EDX_MMX |
			CPUID_1_EDX_FXSR | CPUID_1_EDX_SSE | CPUID_1_EDX_SSE2 | CPUID_1_EDX_PSE;
	cpuid_profile_build(&prof, 1);
	q(0, 1, 0, r);
	CHECK_EQ(r[3] & want, want);
	CHECK(r[2] & CPUID_1_ECX_HYPERVISOR);
	CHECK(r[2] & CPUID_1_ECX_TSC_DEADLINE);
	CHECK(!(r[3] & CPUID_1_EDX_HTT));	/* one vCPU */
	q(0, 0x80000001, 0, r);
	CHECK(r[3] & CPUID_81_EDX_LM);
	CHECK(r[3] & CPUID_81_EDX_NX);
	CHECK(r[3] & CPUID_81_EDX_SYSCALL);
	CHECK(r[2] & CPUID_81_ECX_LAHF);
	q(0, 0x80000007, 0, r);
	CHECK(r[3] & CPUID_87_EDX_INVTSC);
	q(0, 0x80000008, 0, r);
	CHECK_EQ(r[0] & 0xff, 40);
	CHECK_EQ((r[0] >> 8) & 0xff, 48);
}

TEST(features_absent)
{
	uint32_t r[4];
	uint32_t never = CPUID_1_ECX_CX16 | CPUID_1_ECX_XSAVE | CPUID_1_ECX_OSXSAVE |
			 CPUID_1_ECX_AVX | CPUID_1_ECX_MOVBE | CPUID_1_ECX_X2APIC |
			 CPUID_1_ECX_PCID | CPUID_1_ECX_RDRAND | CPUID_1_ECX_VMX |
			 CPUID_1_ECX_MONITOR | CPUID_1_ECX_SSE3 | CPUID_1_ECX_SSSE3 |
			 CPUID_1_ECX_SSE41 | CPUID_1_ECX_SSE42 | CPUID_1_ECX_POPCNT;
	cpuid_profile_build(&prof, 4);
	q(0, 1, 0, r);
	CHECK_EQ(r[2] & never, 0);
	q(0, 7, 0, r);
	CHECK_EQ(r[0] | r[1] | r[2] | r[3], 0);
	q(0, 0, 0, r);
	CHECK(r[0] < 0xd);			/* no XSAVE leaf */
	q(0, 0x80000001, 0, r);
	CHECK(r[3] & CPUID_81_EDX_RDTSCP);	/* emu implements RDTSCP and TSC_AUX */
}

TEST(options)
{
	uint32_t r[4];
	struct cpuid_opts o = { .nr_cpus = 1, .flags = CPUID_OPT_SSE_EXT };
	cpuid_profile_build_opts(&prof, &o);
	q(0, 1, 0, r);
	CHECK(r[2] & CPUID_1_ECX_SSE3);
	CHECK(r[2] & CPUID_1_ECX_SSE42);
	CHECK(r[2] & CPUID_1_ECX_POPCNT);
	CHECK(!(r[2] & CPUID_1_ECX_TSC_DEADLINE));
	CHECK(!(r[2] & CPUID_1_ECX_CX16));
	q(0, 0, 0, r);
	CHECK_EQ(r[0], 0xb);

	o.tsc_khz = 2500000;
	o.crystal_khz = 1000000;
	cpuid_profile_build_opts(&prof, &o);
	q(0, 0, 0, r);
	CHECK_EQ(r[0], 0x16);
	q(0, 0x15, 0, r);
	/* TSC = crystal * EBX / EAX */
	CHECK_EQ((uint64_t)r[2] / 1000 * r[1] / r[0], 2500000);
	q(0, 0x16, 0, r);
	CHECK_EQ(r[0], 2500);
}

TEST(out_of_range_leaf)
{
	uint32_t top[4], r[4];
	cpuid_profile_build(&prof, 2);
	q(1, 0, 0, r);
	q(1, r[0], 1, top);		/* highest basic leaf, subleaf 1 */
	q(1, 0x1000, 1, r);		/* above the basic range */
	CHECK(!memcmp(r, top, sizeof(r)));
	q(1, 0x80000009, 1, r);		/* above the extended range */
	CHECK(!memcmp(r, top, sizeof(r)));
	q(1, 0x40000001, 1, r);		/* above the hypervisor range */
	CHECK(!memcmp(r, top, sizeof(r)));
	q(1, 0xffffffff, 1, r);
	CHECK(!memcmp(r, top, sizeof(r)));
	/* In range but undefined: zeros. */
	q(1, 3, 0, r);
	CHECK_EQ(r[0] | r[1] | r[2] | r[3], 0);
}

TEST(hypervisor_leaf)
{
	uint32_t r[4];
	char sig[13];
	cpuid_profile_build(&prof, 1);
	q(0, 0x40000000, 0, r);
	memcpy(sig, &r[1], 4);
	memcpy(sig + 4, &r[2], 4);
	memcpy(sig + 8, &r[3], 4);
	sig[12] = 0;
	CHECK_STR(sig, "hvmhvmhvm");
	CHECK(memcmp(sig, "KVMKVMKVM", 9));
	CHECK_EQ(r[0], 0x40000000);
}

TEST(brand_string)
{
	uint32_t r[4];
	char b[49];
	cpuid_profile_build(&prof, 1);
	q(0, 0x80000000, 0, r);
	CHECK_EQ(r[0], 0x80000008);
	for (int i = 0; i < 3; i++) {
		q(0, 0x80000002 + i, 0, r);
		memcpy(b + 16 * i, r, 16);
	}
	b[48] = 0;
	CHECK_STR(b, "hvm virtual CPU");
}

TEST(apic_id_per_cpu)
{
	uint32_t r[4];
	cpuid_profile_build(&prof, 6);
	for (uint32_t id = 0; id < 6; id++) {
		q(id, 1, 0, r);
		CHECK_EQ(r[1] >> 24, id);
		CHECK_EQ((r[1] >> 16) & 0xff, 8);	/* 6 rounded up to 8 IDs */
		CHECK(r[3] & CPUID_1_EDX_HTT);
		q(id, 0xb, 0, r);
		CHECK_EQ(r[3], id);
		q(id, 0xb, 7, r);			/* unlisted subleaf */
		CHECK_EQ(r[3], id);
		CHECK_EQ(r[2], 7);
	}
	q(5, 0xb, 1, r);
	CHECK_EQ(r[0] & 0x1f, 3);			/* shift to the package ID */
	CHECK_EQ(r[1] & 0xffff, 6);
	CHECK_EQ((r[2] >> 8) & 0xff, 2);		/* core level */
}

TEST(cache_leaf4)
{
	uint32_t r[4];
	int n = 0;
	cpuid_profile_build(&prof, 4);
	for (uint32_t i = 0; i < 16; i++) {
		q(0, 4, i, r);
		if (!(r[0] & 0x1f))
			break;
		n++;
		CHECK_EQ(r[0] >> 26, 3);		/* cores per package - 1 */
		/* size = ways * partitions * line * sets; all sane */
		uint64_t size = (uint64_t)((r[1] >> 22) + 1) * (((r[1] >> 12) & 0x3ff) + 1) *
				((r[1] & 0xfff) + 1) * (r[2] + 1);
		CHECK(size >= 16 * 1024 && size <= 64u << 20);
	}
	CHECK_EQ(n, 4);
	q(0, 2, 0, r);
	CHECK_EQ(r[0] & 0xff, 1);
}

TEST(clear_and_set)
{
	uint32_t r[4];
	struct cpuid_entry e = { 0x80000001, 0, 0, 0, 0, 0, 0 };
	cpuid_profile_build(&prof, 1);
	cpuid_profile_clear(&prof, 1, 0, CPUID_ECX, CPUID_1_ECX_TSC_DEADLINE);
	q(0, 1, 0, r);
	CHECK(!(r[2] & CPUID_1_ECX_TSC_DEADLINE));
	CHECK(r[2] & CPUID_1_ECX_HYPERVISOR);
	cpuid_profile_clear(&prof, 0x12345678, 0, CPUID_EAX, ~0u);	/* absent: no-op */
	cpuid_profile_clear(&prof, 1, 0, 9, ~0u);			/* bad reg: no-op */
	q(0, 1, 0, r);
	CHECK(r[3] & CPUID_1_EDX_FPU);
	CHECK_EQ(cpuid_profile_set(&prof, &e), 0);
	q(0, 0x80000001, 0, r);
	CHECK_EQ(r[3], 0);
	/* Fill the table: set refuses, nothing overflows. */
	int rc = 0;
	for (uint32_t i = 0; i < CPUID_MAX_ENTRIES + 4 && !rc; i++) {
		struct cpuid_entry x = { 0x4000 + i, 0, 0, 1, 2, 3, 4 };
		rc = cpuid_profile_set(&prof, &x);
	}
	CHECK(rc < 0);
	CHECK_EQ(prof.nr, CPUID_MAX_ENTRIES);
}

TEST(hostile_counts)
{
	uint32_t r[4];
	cpuid_profile_build(&prof, 1000);	/* clamped to 64 */
	q(63, 1, 0, r);
	CHECK_EQ((r[1] >> 16) & 0xff, 64);
	cpuid_profile_build(&prof, -3);
	q(0, 1, 0, r);
	CHECK(!(r[3] & CPUID_1_EDX_HTT));
	prof.nr = 1000;				/* corrupt count: lookups stay in bounds */
	q(0, 0x80000008, 0, r);
	prof.nr = -1;
	q(0, 1, 0, r);
	CHECK_EQ(r[0] | r[2] | r[3], 0);
}

TEST_MAIN_BEGIN("cpuid")
	RUN(vendor_string);
	RUN(family_model);
	RUN(features_present);
	RUN(features_absent);
	RUN(options);
	RUN(out_of_range_leaf);
	RUN(hypervisor_leaf);
	RUN(brand_string);
	RUN(apic_id_per_cpu);
	RUN(cache_leaf4);
	RUN(clear_and_set);
	RUN(hostile_counts);
TEST_MAIN_END()

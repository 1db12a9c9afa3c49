/* Local APIC: defaults, TPR/PPR, IRR/ISR/EOI, timer modes, ICR, destinations, MSRs. */
#include "test.h"

#include "fake/fake.h"
#include "dev/lapic.h"

static struct fake_clock fc;
static struct apic_msg sent[16];
static int nsent, neoi, nkick;
static uint8_t last_eoi;

static void h_send(void *o, int src, const struct apic_msg *m)
{
	(void)o; (void)src;
	if (nsent < 16)
		sent[nsent] = *m;
	nsent++;
}

static void h_eoi(void *o, uint8_t v) { (void)o; neoi++; last_eoi = v; }
static void h_kick(void *o, int cpu) { (void)o; (void)cpu; nkick++; }

static const struct lapic_host host = { .send = h_send, .eoi = h_eoi, .kick = h_kick };

static struct lapic *setup(int cpu, unsigned flags)
{
	fake_clock_init(&fc, 0);
	fc.now = 5000000;
	nsent = neoi = nkick = 0;
	return lapic_new(cpu, &fc.c, 1000000000ULL, flags, &host);
}

static uint32_t rd(struct lapic *l, unsigned off) { return (uint32_t)lapic_mmio_read(l, off, 4); }
static void wr(struct lapic *l, unsigned off, uint32_t v) { lapic_mmio_write(l, off, 4, v); }

static void enable(struct lapic *l) { wr(l, 0xf0, 0x1ff); }

TEST(defaults)
{
	struct lapic *l = setup(0, LAPIC_F_BSP);
	uint64_t base;
	CHECK_EQ(lapic_msr_read(l, MSR_IA32_APICBASE, &base), 0);
	CHECK_EQ(base, 0xfee00900);
	CHECK_EQ(rd(l, 0x20), 0);
	CHECK_EQ(rd(l, 0x30), 0x00050014);
	CHECK_EQ(rd(l, 0x80), 0);
	CHECK_EQ(rd(l, 0xe0), 0xffffffff);
	CHECK_EQ(rd(l, 0xf0), 0xff);
	for (unsigned off = 0x320; off <= 0x370; off += 0x10)
		CHECK_EQ(rd(l, off), 0x10000);
	lapic_free(l);
	l = setup(3, 0);
	CHECK_EQ(lapic_msr_read(l, MSR_IA32_APICBASE, &base), 0);
	CHECK_EQ(base, 0xfee00800);
	CHECK_EQ(rd(l, 0x20), 3u << 24);
	lapic_free(l);
}

TEST(tpr_ppr_isr_eoi)
{
	struct lapic *l = setup(0, LAPIC_F_BSP);
	lapic_accept(l, 0x40, 0);
	CHECK_EQ(lapic_pending(l), -1);		/* software-disabled APIC drops it */
	enable(l);
	lapic_accept(l, 0x40, 0);
	CHECK_EQ(lapic_pending(l), 0x40);
	CHECK(rd(l, 0x200 + 0x20) & 1);		/* IRR bit 0x40 */
	wr(l, 0x80, 0x40);
	CHECK_EQ(lapic_pending(l), -1);		/* class 4 is not above TPR 4 */
	CHECK_EQ(rd(l, 0xa0), 0x40);
	lapic_set_cr8(l, 3);
	CHECK_EQ(rd(l, 0x80), 0x30);
	CHECK_EQ(lapic_get_cr8(l), 3);
	CHECK_EQ(lapic_pending(l), 0x40);
	CHECK_EQ(lapic_ack(l), 0x40);
	CHECK(rd(l, 0x100 + 0x20) & 1);		/* ISR */
	CHECK_EQ(rd(l, 0xa0), 0x40);		/* PPR = ISR class */
	lapic_accept(l, 0x45, 0);
	CHECK_EQ(lapic_pending(l), -1);		/* same class as in service */
	lapic_accept(l, 0x51, 0);
	CHECK_EQ(lapic_ack(l), 0x51);
	wr(l, 0xb0, 0);				/* EOI clears the highest: 0x51 */
	CHECK_EQ(rd(l, 0x100 + 0x20), 1);
	CHECK_EQ(rd(l, 0x100 + 0x20 + 0x10 * 0), 1);
	wr(l, 0xb0, 0);
	CHECK_EQ(lapic_pending(l), 0x45);
	CHECK_EQ(neoi, 0);			/* edge: no broadcast */
	lapic_free(l);
}

TEST(level_eoi_broadcast)
{
	struct lapic *l = setup(0, LAPIC_F_BSP);
	enable(l);
	lapic_accept(l, 0x61, 1);
	CHECK(rd(l, 0x180 + 0x30) & 2);		/* TMR */
	CHECK_EQ(lapic_ack(l), 0x61);
	wr(l, 0xb0, 0);
	CHECK_EQ(neoi, 1);
	CHECK_EQ(last_eoi, 0x61);
	lapic_free(l);
}

TEST(timer_one_shot_divide)
{
	struct lapic *l = setup(0, LAPIC_F_BSP);
	enable(l);
	wr(l, 0x3e0, 0xb);			/* divide by 1 */
	wr(l, 0x320, 0x70);			/* one-shot, vector 0x70 */
	wr(l, 0x380, 1000);
	fake_clock_advance(&fc, 400);
	CHECK_EQ(rd(l, 0x390), 600);
	fake_clock_advance(&fc, 599);
	CHECK_EQ(lapic_pending(l), -1);
	fake_clock_advance(&fc, 1);
	CHECK_EQ(lapic_pending(l), 0x70);
	CHECK_EQ(rd(l, 0x390), 0);
	fake_clock_advance(&fc, 100000);
	CHECK_EQ(fake_clock_armed(&fc), 0);
	lapic_ack(l);
	wr(l, 0xb0, 0);
	wr(l, 0x3e0, 0x0);			/* divide by 2 */
	wr(l, 0x380, 1000);
	fake_clock_advance(&fc, 1000);
	CHECK_EQ(rd(l, 0x390), 500);
	CHECK_EQ(lapic_pending(l), -1);
	fake_clock_advance(&fc, 1000);
	CHECK_EQ(lapic_pending(l), 0x70);
	CHECK_EQ(rd(l, 0x3e0), 0);
	lapic_free(l);
}

TEST(timer_periodic_and_mask)
{
	struct lapic *l = setup(0, LAPIC_F_BSP);
	enable(l);
	wr(l, 0x3e0, 0xb);
	wr(l, 0x320, 0x20072);			/* periodic */
	wr(l, 0x380, 100000);			/* 100 us */
	int n = 0;
	for (int i = 0; i < 10; i++) {
		fake_clock_advance(&fc, 100000);
		if (lapic_ack(l) == 0x72) {
			n++;
			wr(l, 0xb0, 0);
		}
	}
	CHECK_EQ(n, 10);
	fake_clock_advance(&fc, 30000);
	CHECK_EQ(rd(l, 0x390), 70000);
	wr(l, 0x320, 0x30072);			/* masked: keeps counting, no IRQ */
	fake_clock_advance(&fc, 500000);
	CHECK_EQ(lapic_pending(l), -1);
	CHECK(rd(l, 0x390) > 0);
	wr(l, 0x380, 0);			/* stops */
	CHECK_EQ(rd(l, 0x390), 0);
	lapic_free(l);
}

TEST(timer_mode_change_keeps_count)
{
	struct lapic *l = setup(0, LAPIC_F_BSP);
	enable(l);
	wr(l, 0x3e0, 0xb);
	wr(l, 0x320, 0x20074);			/* periodic */
	wr(l, 0x380, 50000);
	fake_clock_advance(&fc, 120000);	/* two periods and 20 us */
	CHECK_EQ(rd(l, 0x390), 30000);
	while (lapic_ack(l) >= 0)
		wr(l, 0xb0, 0);
	wr(l, 0x320, 0x00074);			/* to one-shot: runs down, fires once, stays 0 */
	CHECK_EQ(rd(l, 0x380), 50000);
	CHECK_EQ(rd(l, 0x390), 30000);
	fake_clock_advance(&fc, 30000);
	CHECK_EQ(lapic_ack(l), 0x74);
	wr(l, 0xb0, 0);
	fake_clock_advance(&fc, 200000);
	CHECK_EQ(lapic_pending(l), -1);
	CHECK_EQ(rd(l, 0x390), 0);
	wr(l, 0x320, 0x20074);			/* expired one-shot -> periodic: stays at 0 */
	CHECK_EQ(rd(l, 0x390), 0);
	fake_clock_advance(&fc, 200000);
	CHECK_EQ(lapic_pending(l), -1);
	/* Same, when the guest sees zero before the clock has run the timer callback. */
	wr(l, 0x320, 0x00074);
	wr(l, 0x380, 1000);
	fc.now += 5000;				/* time passes, no callbacks yet */
	CHECK_EQ(rd(l, 0x390), 0);
	wr(l, 0x320, 0x20074);
	CHECK_EQ(rd(l, 0x390), 0);
	CHECK_EQ(lapic_ack(l), 0x74);		/* the one-shot still fired, once */
	wr(l, 0xb0, 0);
	fake_clock_advance(&fc, 200000);
	CHECK_EQ(lapic_pending(l), -1);
	wr(l, 0x320, 0x00074);
	wr(l, 0x380, 1000);
	wr(l, 0x320, 0x40074);			/* to TSC-deadline: count dropped */
	CHECK_EQ(rd(l, 0x390), 0);
	fake_clock_advance(&fc, 5000);
	CHECK_EQ(lapic_pending(l), -1);
	lapic_free(l);
}

TEST(timer_tiny_periodic_clamped)
{
	struct lapic *l = setup(0, LAPIC_F_BSP);
	enable(l);
	wr(l, 0x3e0, 0xb);
	wr(l, 0x320, 0x20072);
	wr(l, 0x380, 1);
	int n = 0;
	for (int i = 0; i < 1000; i++) {
		fake_clock_advance(&fc, 1000);
		if (lapic_ack(l) == 0x72) {
			n++;
			wr(l, 0xb0, 0);
		}
	}
	CHECK(n >= 50 && n <= 101);		/* 1 ms of 1 ns periods, clamped */
	lapic_free(l);
}

TEST(tsc_deadline)
{
	struct lapic *l = setup(0, LAPIC_F_BSP);
	enable(l);
	uint64_t v;
	lapic_msr_write(l, MSR_IA32_TSC_DEADLINE, fc.now + 10);
	CHECK_EQ(lapic_msr_read(l, MSR_IA32_TSC_DEADLINE, &v), 0);
	CHECK_EQ(v, 0);				/* ignored outside deadline mode */
	wr(l, 0x320, 0x40073);
	uint64_t dl = fc.now + 5000;		/* tsc_hz = 1 GHz, guest TSC = ns */
	lapic_set_tsc_deadline(l, dl);
	CHECK_EQ(lapic_msr_read(l, MSR_IA32_TSC_DEADLINE, &v), 0);
	CHECK_EQ(v, dl);
	CHECK_EQ(rd(l, 0x390), 0);
	fake_clock_advance(&fc, 4999);
	CHECK_EQ(lapic_pending(l), -1);
	fake_clock_advance(&fc, 1);
	CHECK_EQ(lapic_pending(l), 0x73);
	CHECK_EQ(lapic_msr_read(l, MSR_IA32_TSC_DEADLINE, &v), 0);
	CHECK_EQ(v, 0);
	lapic_ack(l);
	wr(l, 0xb0, 0);
	lapic_msr_write(l, MSR_IA32_TSC_DEADLINE, fc.now - 1);	/* already past: at once */
	CHECK_EQ(lapic_pending(l), 0x73);
	lapic_free(l);
}

TEST(icr_ipis)
{
	struct lapic *l = setup(0, LAPIC_F_BSP);
	enable(l);
	wr(l, 0x310, 0x01000000);
	wr(l, 0x300, 0x4031);
	CHECK_EQ(nsent, 1);
	CHECK_EQ(sent[0].dest, 1);
	CHECK_EQ(sent[0].vector, 0x31);
	CHECK_EQ(sent[0].delivery, APIC_DM_FIXED);
	wr(l, 0x300, 0x5031);			/* delivery status is read-only */
	CHECK_EQ(nsent, 2);
	CHECK_EQ(rd(l, 0x300), 0x4031);
	nsent = 1;
	wr(l, 0x300, 0x8500);			/* INIT level de-assert: nothing */
	CHECK_EQ(nsent, 1);
	wr(l, 0x300, 0xc4500);			/* INIT to all but self */
	CHECK_EQ(nsent, 2);
	CHECK_EQ(sent[1].delivery, APIC_DM_INIT);
	CHECK_EQ(sent[1].shorthand, APIC_SH_OTHERS);
	wr(l, 0x300, 0x4605);			/* SIPI vector 5 */
	CHECK_EQ(sent[2].delivery, APIC_DM_STARTUP);
	CHECK_EQ(sent[2].vector, 5);
	wr(l, 0x300, 0x4005);			/* fixed with an illegal vector */
	CHECK_EQ(nsent, 3);
	wr(l, 0x280, 0);
	CHECK_EQ(rd(l, 0x280), 0x20);		/* send illegal vector */
	wr(l, 0x280, 0);
	CHECK_EQ(rd(l, 0x280), 0);
	lapic_free(l);
}

TEST(destinations)
{
	struct lapic *l = setup(2, 0);
	enable(l);
	struct apic_msg m = { .dest = 2 };
	CHECK(lapic_match_dest(l, &m));
	m.dest = 1;
	CHECK(!lapic_match_dest(l, &m));
	m.dest = 0xff;
	CHECK(lapic_match_dest(l, &m));		/* physical broadcast */
	wr(l, 0xd0, 0x04000000);		/* flat, bit 2 */
	CHECK_EQ(rd(l, 0xd0), 0x04000000);
	m = (struct apic_msg){ .logical = 1, .dest = 0x06 };
	CHECK(lapic_match_dest(l, &m));
	m.dest = 0x03;
	CHECK(!lapic_match_dest(l, &m));
	wr(l, 0xe0, 0x0fffffff);		/* cluster model */
	CHECK_EQ(rd(l, 0xe0), 0x0fffffff);
	wr(l, 0xd0, 0x12000000);		/* cluster 1, member bit 1 */
	m.dest = 0x12; CHECK(lapic_match_dest(l, &m));
	m.dest = 0x13; CHECK(lapic_match_dest(l, &m));
	m.dest = 0x22; CHECK(!lapic_match_dest(l, &m));
	m.dest = 0x11; CHECK(!lapic_match_dest(l, &m));
	lapic_free(l);
}

TEST(pic_wire_lint0)
{
	struct lapic *l = setup(0, LAPIC_F_BSP);
	CHECK(lapic_accepts_pic(l));		/* software-disabled after reset */
	enable(l);
	CHECK(!lapic_accepts_pic(l));		/* LINT0 masked */
	wr(l, 0x350, 0x700);			/* LINT0 ExtINT: virtual wire */
	CHECK(lapic_accepts_pic(l));
	wr(l, 0xf0, 0xff);			/* software disable masks the LVTs */
	CHECK_EQ(rd(l, 0x350), 0x10700);
	wr(l, 0x350, 0x700);
	CHECK_EQ(rd(l, 0x350), 0x10700);	/* can't unmask while disabled */
	lapic_free(l);
}

TEST(apicbase_disable_and_x2apic)
{
	struct lapic *l = setup(1, 0);
	enable(l);
	CHECK_EQ(lapic_msr_write(l, MSR_IA32_APICBASE, 0xfee00c00), -1);	/* no x2APIC */
	CHECK_EQ(lapic_msr_write(l, MSR_IA32_APICBASE, 0xfee00000), 0);
	CHECK(!lapic_hw_enabled(l));
	CHECK_EQ(rd(l, 0x30), 0xffffffff);	/* page gone */
	CHECK(lapic_accepts_pic(l));
	CHECK_EQ(lapic_msr_write(l, MSR_IA32_APICBASE, 0xfed40800), 0);	/* relocated */
	CHECK_EQ(lapic_mmio_base(l), 0xfed40000);
	CHECK_EQ(rd(l, 0xf0), 0xff);		/* came back in reset state */
	CHECK_EQ(rd(l, 0x20), 1u << 24);
	lapic_free(l);

	l = setup(1, LAPIC_F_X2APIC);
	uint64_t v;
	CHECK_EQ(lapic_msr_read(l, 0x802, &v), -1);	/* x2APIC MSRs #GP in xAPIC mode */
	CHECK_EQ(lapic_msr_write(l, MSR_IA32_APICBASE, 0xfee00c00), 0);
	CHECK(lapic_x2apic_mode(l));
	CHECK_EQ(rd(l, 0x30), 0xffffffff);	/* MMIO off in x2APIC mode */
	CHECK_EQ(lapic_msr_read(l, 0x802, &v), 0);
	CHECK_EQ(v, 1);
	CHECK_EQ(lapic_msr_read(l, 0x80d, &v), 0);
	CHECK_EQ(v, 0x2);			/* cluster 0, bit 1 */
	CHECK_EQ(lapic_msr_read(l, 0x80e, &v), -1);	/* no DFR */
	CHECK_EQ(lapic_msr_write(l, 0x802, 5), -1);	/* read-only ID */
	CHECK_EQ(lapic_msr_read(l, 0x80b, &v), -1);	/* EOI is write-only */
	CHECK_EQ(lapic_msr_write(l, 0x80b, 1), -1);	/* EOI must be 0 */
	CHECK_EQ(lapic_msr_write(l, 0x80f, 0x1ff), 0);
	CHECK_EQ(lapic_msr_write(l, 0x830, (7ULL << 32) | 0x4042), 0);
	CHECK_EQ(nsent, 1);
	CHECK_EQ(sent[0].dest, 7);
	CHECK_EQ(sent[0].x2apic, 1);
	CHECK_EQ(lapic_msr_write(l, 0x83f, 0x44), 0);	/* self IPI */
	CHECK_EQ(lapic_pending(l), 0x44);
	struct apic_msg m = { .dest = 1, .x2apic = 1 };
	CHECK(lapic_match_dest(l, &m));
	m = (struct apic_msg){ .dest = 0x00000002, .logical = 1, .x2apic = 1 };
	CHECK(lapic_match_dest(l, &m));
	m.dest = 0x00010002;
	CHECK(!lapic_match_dest(l, &m));
	/* x2APIC -> xAPIC directly is invalid; via disabled is fine. */
	CHECK_EQ(lapic_msr_write(l, MSR_IA32_APICBASE, 0xfee00800), -1);
	CHECK_EQ(lapic_msr_write(l, MSR_IA32_APICBASE, 0xfee00400), -1);
	CHECK_EQ(lapic_msr_write(l, MSR_IA32_APICBASE, 0xfee00000), 0);
	CHECK_EQ(lapic_msr_write(l, MSR_IA32_APICBASE, 0xfee00c00), -1);
	CHECK_EQ(lapic_msr_write(l, MSR_IA32_APICBASE, 0xfee00800), 0);
	CHECK_EQ(lapic_msr_write(l, MSR_IA32_APICBASE, 0xfee00801), -1);	/* reserved */
	lapic_set_phys_bits(l, 40);
	CHECK_EQ(lapic_msr_write(l, MSR_IA32_APICBASE, 0xfee00800 | (1ULL << 40)), -1);
	CHECK_EQ(lapic_msr_write(l, MSR_IA32_APICBASE, 0xfee00800 | (1ULL << 39)), 0);
	lapic_free(l);
}

TEST(hostile)
{
	struct lapic *l = setup(0, LAPIC_F_BSP | LAPIC_F_X2APIC);
	uint32_t x = 4242;
	for (int i = 0; i < 40000; i++) {
		x = x * 1103515245 + 12345;
		unsigned sz = 1u << ((x >> 8) & 3);
		uint64_t off = (x >> 10) % 0x1100, val = x ^ ((uint64_t)x << 27);
		uint64_t v;
		switch ((x >> 24) % 8) {
		case 0: case 1: lapic_mmio_write(l, off & ~0xfULL, 4, val); break;
		case 2: lapic_mmio_write(l, off, sz, val); break;
		case 3: (void)lapic_mmio_read(l, off, sz); break;
		case 4:
			(void)lapic_msr_write(l, 0x800 + (x & 0xff), val);
			(void)lapic_msr_read(l, 0x800 + (x >> 3 & 0xff), &v);
			break;
		case 5: (void)lapic_msr_write(l, (x & 1) ? 0x6e0 : 0x1b, val); break;
		case 6: lapic_accept(l, (uint8_t)x, x & 1); (void)lapic_ack(l); break;
		default: fake_clock_advance(&fc, x % 100000); break;
		}
	}
	lapic_reset(l);
	CHECK_EQ(rd(l, 0x30), 0x00050014);
	lapic_free(l);
}

TEST_MAIN_BEGIN("lapic")
	RUN(defaults);
	RUN(tpr_ppr_isr_eoi);
	RUN(level_eoi_broadcast);
	RUN(timer_one_shot_divide);
	RUN(timer_periodic_and_mask);
	RUN(timer_mode_change_keeps_count);
	RUN(timer_tiny_periodic_clamped);
	RUN(tsc_deadline);
	RUN(icr_ipis);
	RUN(destinations);
	RUN(pic_wire_lint0);
	RUN(apicbase_disable_and_x2apic);
	RUN(hostile);
TEST_MAIN_END()

/* The PC interrupt router: PIT -> PIC/IOAPIC -> LAPIC -> CPU, IPIs, MSI, ExtINT. */
#include "test.h"

#include <errno.h>

#include "fake/fake.h"
#include "core/bus.h"
#include "dev/pc_irq.h"
#include "layout.h"

#define NCPU 4

static struct fake_clock fc;
static int kicks[NCPU], inits[NCPU], sipis[NCPU], sipi_vec[NCPU], nmis[NCPU];

static void h_kick(void *o, int cpu) { (void)o; if (cpu >= 0 && cpu < NCPU) kicks[cpu]++; }
static void h_init(void *o, int cpu) { (void)o; if (cpu >= 0 && cpu < NCPU) inits[cpu]++; }
static void h_sipi(void *o, int cpu, int v)
{
	(void)o;
	if (cpu >= 0 && cpu < NCPU) {
		sipis[cpu]++;
		sipi_vec[cpu] = v;
	}
}
static void h_nmi(void *o, int cpu) { (void)o; if (cpu >= 0 && cpu < NCPU) nmis[cpu]++; }

static const struct pc_irq_host host = {
	.kick = h_kick, .init = h_init, .sipi = h_sipi, .nmi = h_nmi,
};

static struct bus pio, mmio;

static struct pc_irq *setup(void)
{
	fake_clock_init(&fc, 0);
	fc.now = 1000000;
	memset(kicks, 0, sizeof(kicks)); memset(inits, 0, sizeof(inits));
	memset(sipis, 0, sizeof(sipis)); memset(nmis, 0, sizeof(nmis));
	struct pc_irq *pi = pc_irq_new(NCPU, &fc.c, 1000000000ULL, &host);
	bus_init(&pio, "pio");
	bus_init(&mmio, "mmio");
	if (pi && pc_irq_map(pi, &pio, &mmio))
		return NULL;
	return pi;
}

static void teardown(struct pc_irq *pi)
{
	pc_irq_free(pi);
	bus_destroy(&pio);
	bus_destroy(&mmio);
}

static void outb(uint16_t port, uint8_t v) { bus_write(&pio, port, 1, v); }

static void ioapic_wr(uint8_t reg, uint32_t v)
{
	bus_write(&mmio, LAYOUT_IOAPIC_BASE, 4, reg);
	bus_write(&mmio, LAYOUT_IOAPIC_BASE + 0x10, 4, v);
}

static void apic_wr(struct pc_irq *pi, int cpu, unsigned off, uint32_t v)
{
	lapic_mmio_write(pc_irq_lapic(pi, cpu), off, 4, v);
}

static void pic_init(void)
{
	outb(0x20, 0x11); outb(0x21, 0x20); outb(0x21, 0x04); outb(0x21, 0x01);
	outb(0xa0, 0x11); outb(0xa1, 0x28); outb(0xa1, 0x02); outb(0xa1, 0x01);
}

static void pit_periodic_100hz(void)
{
	outb(0x43, 0x34);
	outb(0x40, 11932 & 0xff);
	outb(0x40, 11932 >> 8);
}

TEST(pit_via_pic_when_apic_disabled)
{
	struct pc_irq *pi = setup();
	CHECK(pi);
	pic_init();
	outb(0x21, 0xfe);
	outb(0xa1, 0xff);
	pit_periodic_100hz();
	CHECK(!pc_irq_pending(pi, 0));
	fake_clock_advance(&fc, 10500000);
	CHECK(kicks[0] > 0);
	CHECK(pc_irq_pending(pi, 0));
	CHECK(!pc_irq_pending(pi, 1));		/* the 8259 is wired to the BSP only */
	CHECK_EQ(pc_irq_ack(pi, 0), 0x20);
	CHECK(!pc_irq_pending(pi, 0));
	outb(0x20, 0x20);
	/* Hardware-disabled APIC: still straight through. */
	CHECK_EQ(lapic_msr_write(pc_irq_lapic(pi, 0), MSR_IA32_APICBASE, 0xfee00000), 0);
	fake_clock_advance(&fc, 10000000);
	CHECK_EQ(pc_irq_ack(pi, 0), 0x20);
	teardown(pi);
}

TEST(pit_via_ioapic_pin2)
{
	struct pc_irq *pi = setup();
	CHECK(pi);
	pic_init();
	outb(0x21, 0xff); outb(0xa1, 0xff);	/* PIC masked, as Linux with the IOAPIC */
	apic_wr(pi, 0, 0xf0, 0x1ff);
	apic_wr(pi, 1, 0xf0, 0x1ff);
	ioapic_wr(0x10 + 2 * 2 + 1, 0x01000000);	/* pin 2 -> APIC 1 */
	ioapic_wr(0x10 + 2 * 2, 0x30);
	pit_periodic_100hz();
	fake_clock_advance(&fc, 10500000);
	CHECK(!pc_irq_pending(pi, 0));
	CHECK(pc_irq_pending(pi, 1));
	CHECK_EQ(pc_irq_ack(pi, 1), 0x30);
	CHECK_EQ(pc_irq_ack(pi, 1), -1);
	teardown(pi);
}

TEST(virtual_wire_lint0)
{
	struct pc_irq *pi = setup();
	pic_init();
	outb(0x21, 0xfd);
	apic_wr(pi, 0, 0xf0, 0x1ff);		/* APIC on, LINT0 masked: PIC cut off */
	pc_irq_set(pi, 1, 1);
	CHECK(!pc_irq_pending(pi, 0));
	apic_wr(pi, 0, 0x350, 0x700);		/* LINT0 ExtINT */
	CHECK(pc_irq_pending(pi, 0));
	CHECK_EQ(pc_irq_ack(pi, 0), 0x21);
	teardown(pi);
}

TEST(extint_via_ioapic_pin0)
{
	struct pc_irq *pi = setup();
	pic_init();
	outb(0x21, 0xf7);
	apic_wr(pi, 0, 0xf0, 0x1ff);
	ioapic_wr(0x10, 0x700);			/* pin 0: ExtINT to APIC 0 */
	pc_irq_set(pi, 3, 1);
	CHECK(pc_irq_pending(pi, 0));
	CHECK_EQ(pc_irq_ack(pi, 0), 0x23);
	teardown(pi);
}

TEST(level_gsi_eoi_roundtrip)
{
	struct pc_irq *pi = setup();
	apic_wr(pi, 2, 0xf0, 0x1ff);
	ioapic_wr(0x10 + 2 * 11 + 1, 0x02000000);
	ioapic_wr(0x10 + 2 * 11, 0x8000 | 0x5a);	/* level, vector 0x5a */
	const struct irq_line *l11 = pc_irq_line(pi, 11);
	CHECK(l11);
	irq_raise(l11);
	CHECK_EQ(pc_irq_ack(pi, 2), 0x5a);
	apic_wr(pi, 2, 0xb0, 0);		/* EOI while still asserted: again */
	CHECK_EQ(pc_irq_ack(pi, 2), 0x5a);
	irq_lower(l11);
	apic_wr(pi, 2, 0xb0, 0);
	CHECK(!pc_irq_pending(pi, 2));
	bus_write(&mmio, LAYOUT_IOAPIC_BASE, 4, 0x10 + 2 * 11);
	uint64_t v = 0;
	bus_read(&mmio, LAYOUT_IOAPIC_BASE + 0x10, 4, &v);
	CHECK_EQ(v & 0x4000, 0);		/* remote IRR cleared by the EOI broadcast */
	teardown(pi);
}

TEST(ipi_fixed_init_sipi_nmi)
{
	struct pc_irq *pi = setup();
	for (int i = 0; i < NCPU; i++)
		apic_wr(pi, i, 0xf0, 0x1ff);
	apic_wr(pi, 0, 0x310, 0x01000000);
	apic_wr(pi, 0, 0x300, 0x4041);
	CHECK(kicks[1] > 0);
	CHECK(pc_irq_pending(pi, 1));
	CHECK(!pc_irq_pending(pi, 2));
	CHECK_EQ(pc_irq_ack(pi, 1), 0x41);
	apic_wr(pi, 0, 0x300, 0xc4500);		/* INIT all but self */
	CHECK_EQ(inits[0], 0);
	CHECK_EQ(inits[1], 1); CHECK_EQ(inits[3], 1);
	CHECK_EQ(lapic_ack(pc_irq_lapic(pi, 1)), -1);	/* INIT cleared its APIC */
	apic_wr(pi, 0, 0x300, 0xc4608);		/* SIPI all but self, vector 8 */
	CHECK_EQ(sipis[2], 1);
	CHECK_EQ(sipi_vec[2], 8);
	CHECK_EQ(sipis[0], 0);
	apic_wr(pi, 0, 0x310, 0x03000000);
	apic_wr(pi, 0, 0x300, 0x4400);		/* NMI to APIC 3 */
	CHECK_EQ(nmis[3], 1);
	apic_wr(pi, 0, 0x300, 0x44052);		/* fixed to self */
	CHECK_EQ(pc_irq_ack(pi, 0), 0x52);
	teardown(pi);
}

TEST(logical_and_lowest_priority)
{
	struct pc_irq *pi = setup();
	for (int i = 0; i < NCPU; i++) {
		apic_wr(pi, i, 0xf0, 0x1ff);
		apic_wr(pi, i, 0xd0, (1u << i) << 24);	/* flat: one bit per CPU */
	}
	apic_wr(pi, 0, 0x310, 0x06000000);
	apic_wr(pi, 0, 0x300, 0x4800 | 0x61);	/* logical fixed to CPUs 1 and 2 */
	CHECK(!pc_irq_pending(pi, 0));
	CHECK_EQ(pc_irq_ack(pi, 1), 0x61);
	CHECK_EQ(pc_irq_ack(pi, 2), 0x61);
	CHECK(!pc_irq_pending(pi, 3));
	apic_wr(pi, 1, 0xb0, 0);
	apic_wr(pi, 2, 0xb0, 0);
	apic_wr(pi, 0, 0x310, 0x0c000000);
	apic_wr(pi, 0, 0x300, 0x4900 | 0x62);	/* lowest priority to {2, 3} */
	CHECK_EQ(pc_irq_ack(pi, 2), 0x62);
	CHECK(!pc_irq_pending(pi, 3));
	teardown(pi);
}

TEST(msi)
{
	struct pc_irq *pi = setup();
	apic_wr(pi, 1, 0xf0, 0x1ff);
	pc_irq_msi(pi, 0xfee01000, 0x4055);
	CHECK_EQ(pc_irq_ack(pi, 1), 0x55);
	pc_irq_msi(pi, 0xfed01000, 0x4056);	/* not the APIC window */
	CHECK(!pc_irq_pending(pi, 1));
	teardown(pi);
}

TEST(map_and_hostile)
{
	struct pc_irq *pi = setup();
	CHECK_EQ(pc_irq_map(pi, &pio, &mmio), -EEXIST);
	CHECK(pc_irq_new(0, &fc.c, 1, &host) == NULL);
	CHECK(pc_irq_new(MAX_VCPUS + 1, &fc.c, 1, &host) == NULL);
	pc_irq_set(pi, 1000, 1);
	CHECK(!pc_irq_pending(pi, -1));
	CHECK(!pc_irq_pending(pi, NCPU));
	CHECK_EQ(pc_irq_ack(pi, 99), -1);
	CHECK(pc_irq_lapic(pi, NCPU) == NULL);
	CHECK(pc_irq_line(pi, NR_GSI) == NULL);
	static const uint16_t ports[12] = {
		0x20, 0x21, 0xa0, 0xa1, 0x40, 0x41, 0x42, 0x43, 0x61, 0x4d0, 0x4d1, 0x4d1,
	};
	uint32_t x = 31337;
	for (int i = 0; i < 30000; i++) {
		x = x * 1103515245 + 12345;
		uint64_t v = x ^ ((uint64_t)x << 30), r;
		switch ((x >> 24) % 8) {
		case 0: bus_write(&pio, ports[(x >> 4) % 12], 1, v); break;
		case 1: bus_read(&pio, ports[(x >> 4) % 12], 1, &r); break;
		case 2: bus_write(&mmio, LAYOUT_IOAPIC_BASE + ((x >> 4) & 0x1f), 4, v); break;
		case 3: pc_irq_set(pi, (x >> 5) % 30, x & 1); break;
		case 4: pc_irq_msi(pi, 0xfee00000 | (x & 0xffff0), (uint32_t)v); break;
		case 5: apic_wr(pi, x % NCPU, (x >> 8) & 0xff0, (uint32_t)v); break;
		case 6: (void)pc_irq_ack(pi, x % NCPU); break;
		default: fake_clock_advance(&fc, x % 200000); break;
		}
	}
	pc_irq_reset(pi);
	CHECK_EQ(lapic_mmio_read(pc_irq_lapic(pi, 0), 0xf0, 4), 0xff);
	teardown(pi);
}

TEST_MAIN_BEGIN("pc_irq")
	RUN(pit_via_pic_when_apic_disabled);
	RUN(pit_via_ioapic_pin2);
	RUN(virtual_wire_lint0);
	RUN(extint_via_ioapic_pin0);
	RUN(level_gsi_eoi_roundtrip);
	RUN(ipi_fixed_init_sipi_nmi);
	RUN(logical_and_lowest_priority);
	RUN(msi);
	RUN(map_and_hostile);
TEST_MAIN_END()

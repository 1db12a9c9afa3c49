/*
 * Local APIC (xAPIC MMIO page and x2APIC MSRs), one per vCPU, following the
 * Intel SDM vol. 3 ch. 11 (numbered ch. 10 in older editions).  The emu engine
 * routes accesses to the APIC page (at lapic_mmio_base(), 0xfee00000 unless
 * the guest relocates it) from vCPU n to lapic n itself: the page is per-CPU,
 * so it is not on the shared MMIO bus.  Interrupt messages leave
 * through struct lapic_host (the router, dev/pc_irq.c).  Every function is
 * called with the device-model lock held.
 */
#ifndef HVM_DEV_LAPIC_H
#define HVM_DEV_LAPIC_H

#include <stdint.h>

#include "core/bus.h"
#include "core/clock.h"

#define LAPIC_MMIO_LEN		0x1000
#define MSR_IA32_APICBASE	0x1b
#define MSR_IA32_TSC_DEADLINE	0x6e0
#define MSR_X2APIC_FIRST	0x800
#define MSR_X2APIC_LAST		0x8ff

#define APICBASE_BSP		(1ULL << 8)
#define APICBASE_EXTD		(1ULL << 10)	/* x2APIC mode */
#define APICBASE_EN		(1ULL << 11)

/* Delivery modes (ICR, LVT, IOAPIC redirection entry, MSI data bits 8-10) */
enum {
	APIC_DM_FIXED = 0, APIC_DM_LOWEST = 1, APIC_DM_SMI = 2, APIC_DM_NMI = 4,
	APIC_DM_INIT = 5, APIC_DM_STARTUP = 6, APIC_DM_EXTINT = 7,
};
/* ICR destination shorthands */
enum { APIC_SH_NONE = 0, APIC_SH_SELF = 1, APIC_SH_ALL = 2, APIC_SH_OTHERS = 3 };

/* One interrupt message on the (virtual) APIC bus. */
struct apic_msg {
	uint32_t dest;		/* APIC ID or logical mask; 8 bits in xAPIC mode */
	uint8_t vector;
	uint8_t delivery;	/* APIC_DM_* */
	uint8_t logical;	/* destination mode: 1 = logical */
	uint8_t level_trig;	/* trigger mode: 1 = level (EOI goes back to the IOAPIC) */
	uint8_t shorthand;	/* APIC_SH_* (ICR only) */
	uint8_t x2apic;		/* dest is a 32-bit x2APIC destination */
};

struct lapic_host {
	/* An ICR write: deliver m to the addressed CPUs.  src is the sender's cpu index. */
	void (*send)(void *opaque, int src, const struct apic_msg *m);
	/* EOI of a level-triggered vector: broadcast to the IOAPIC(s). */
	void (*eoi)(void *opaque, uint8_t vector);
	/* cpu's deliverable-interrupt state may have changed: re-check it. */
	void (*kick)(void *opaque, int cpu);
	/* Current guest TSC of cpu; NULL means clock_now * tsc_hz / 1e9. */
	uint64_t (*guest_tsc)(void *opaque, int cpu);
	void *opaque;
};

enum { LAPIC_F_BSP = 1, LAPIC_F_X2APIC = 2 /* x2APIC mode may be enabled */ };

struct lapic;

/*
 * cpu: index passed back in callbacks, also the initial APIC ID.  tsc_hz:
 * the guest TSC frequency (for TSC-deadline mode).  h is copied.
 */
struct lapic *lapic_new(int cpu, struct clock *clk, uint64_t tsc_hz, unsigned flags,
			const struct lapic_host *h);
void lapic_free(struct lapic *l);
/* Power-on RESET: base MSR back to 0xfee00000|EN(|BSP), registers to defaults. */
void lapic_reset(struct lapic *l);
/* INIT (INIT IPI or INIT signal): like reset but keeps the APIC ID and base MSR. */
void lapic_init(struct lapic *l);

/*
 * The xAPIC page: off 0..0xfff, size 1/2/4/8.  Reads all ones (and drops
 * writes) when hardware-disabled or in x2APIC mode.
 */
uint64_t lapic_mmio_read(struct lapic *l, uint64_t off, unsigned size);
void lapic_mmio_write(struct lapic *l, uint64_t off, unsigned size, uint64_t val);
extern const struct io_ops lapic_mmio_ops;	/* opaque = the lapic */

/* 1 for MSRs handled here: IA32_APICBASE, IA32_TSC_DEADLINE, 0x800-0x8ff. */
int lapic_is_msr(uint32_t msr);
/* 0, or -1 when the guest must get #GP. */
int lapic_msr_read(struct lapic *l, uint32_t msr, uint64_t *val);
int lapic_msr_write(struct lapic *l, uint32_t msr, uint64_t val);

/* MAXPHYADDR as CPUID reports it (default 52): base MSR bits above it #GP. */
void lapic_set_phys_bits(struct lapic *l, unsigned bits);

/* CR8 <-> TPR[7:4] */
uint64_t lapic_get_cr8(const struct lapic *l);
void lapic_set_cr8(struct lapic *l, uint64_t cr8);

/* Arm TSC-deadline mode's deadline (the guest TSC value); 0 disarms. */
void lapic_set_tsc_deadline(struct lapic *l, uint64_t tsc);

/* --- for the router ---------------------------------------------------- */
/* Accept a fixed interrupt into IRR (level_trig sets TMR). */
void lapic_accept(struct lapic *l, uint8_t vector, int level_trig);
/* Highest IRR vector whose class beats PPR, or -1 (also -1 when hw-disabled). */
int lapic_pending(const struct lapic *l);
/* Move that vector IRR -> ISR and return it; -1 if none. */
int lapic_ack(struct lapic *l);
/* 1 if m's destination (without shorthand) names this APIC. */
int lapic_match_dest(const struct lapic *l, const struct apic_msg *m);
/* 1 if the 8259's INTR reaches this CPU: APIC hw/sw disabled, or LINT0 unmasked ExtINT. */
int lapic_accepts_pic(const struct lapic *l);
int lapic_hw_enabled(const struct lapic *l);	/* IA32_APICBASE.EN: mirror in CPUID.1:EDX[9] */
/* Where this CPU's xAPIC page is (IA32_APICBASE[51:12]); 0xfee00000 unless the guest moved it. */
uint64_t lapic_mmio_base(const struct lapic *l);
int lapic_x2apic_mode(const struct lapic *l);
uint32_t lapic_id(const struct lapic *l);
int lapic_cpu(const struct lapic *l);

#endif

/*
 * The PC's interrupt plumbing for the emu engine: 8259 pair, 8254 PIT,
 * IOAPIC and one local APIC per vCPU, wired as on a PIIX board with the MADT
 * override IRQ0 -> GSI 2.  The emu engine implements struct pc_irq_host and
 * asks pc_irq_pending()/pc_irq_ack() at instruction boundaries with
 * RFLAGS.IF=1 and no interrupt shadow.
 *
 * Wiring it into the emu engine: emu_io_ops.irq_ack -> pc_irq_ack; host.kick
 * sets the vCPU's irq_hint (and wakes it from HLT); get_cr8/set_cr8 ->
 * lapic_get_cr8/lapic_set_cr8; MSRs for which lapic_is_msr() is true go to
 * lapic_msr_read/write (-1 means #GP); physical accesses to the page at
 * lapic_mmio_base() go to lapic_mmio_read/write of that vCPU's lapic;
 * CPUID.1:EDX[9] follows lapic_hw_enabled(); machine reset calls
 * pc_irq_reset() (the LAPICs are not on a bus, so bus_reset misses them).
 *
 * Locking: every function here is called with the device-model lock held.
 * host->kick() is called (with that lock held, from a vCPU thread or the
 * timer thread) whenever pc_irq_pending() for that cpu may have changed, so
 * the engine may poll a cheap flag of its own without the lock.
 */
#ifndef HVM_DEV_PC_IRQ_H
#define HVM_DEV_PC_IRQ_H

#include <stdint.h>

#include "core/bus.h"
#include "core/clock.h"
#include "core/irq.h"
#include "dev/lapic.h"

struct pc_irq_host {
	/* cpu's interrupt state changed (pc_irq_pending may now say 1): wake it. */
	void (*kick)(void *opaque, int cpu);
	/* INIT IPI: put cpu in wait-for-SIPI (its LAPIC has already been INIT-reset). */
	void (*init)(void *opaque, int cpu);
	/* Start-up IPI: if cpu waits for SIPI, start it at vector<<12 in real mode. */
	void (*sipi)(void *opaque, int cpu, int vector);
	void (*nmi)(void *opaque, int cpu);
	/* Current guest TSC of cpu; NULL means clock_now * tsc_hz / 1e9. */
	uint64_t (*guest_tsc)(void *opaque, int cpu);
	void *opaque;
};

enum { PC_IRQ_F_X2APIC = 1 };	/* let the guest enable x2APIC mode */

struct pc_irq;

/* h is copied.  NULL on allocation failure or a bad nr_cpus. */
struct pc_irq *pc_irq_new(int nr_cpus, struct clock *clk, uint64_t tsc_hz,
			  const struct pc_irq_host *h);
/* Same with PC_IRQ_F_* flags. */
struct pc_irq *pc_irq_new_flags(int nr_cpus, struct clock *clk, uint64_t tsc_hz,
				unsigned flags, const struct pc_irq_host *h);
void pc_irq_free(struct pc_irq *pi);
/* Machine reset: every chip back to power-on state. */
void pc_irq_reset(struct pc_irq *pi);

/*
 * Map PIC (0x20, 0xa0), ELCR (0x4d0), PIT (0x40), port 0x61 on pio and the
 * IOAPIC on mmio.  The LAPIC page is per-CPU: the engine routes it through
 * pc_irq_lapic().  0 or -errno.
 */
int pc_irq_map(struct pc_irq *pi, struct bus *pio, struct bus *mmio);

/* GSI 0..23 to level: ISA IRQ n (n < 16) goes to PIC n and IOAPIC pin n (IRQ0 -> pin 2). */
void pc_irq_set(struct pc_irq *pi, unsigned gsi, int level);
/* An irq_line for devices: line n drives pc_irq_set(pi, n, level).  NULL if n >= NR_GSI. */
const struct irq_line *pc_irq_line(struct pc_irq *pi, unsigned gsi);

/* 1 if an external interrupt (APIC or PIC) is deliverable to cpu. */
int pc_irq_pending(struct pc_irq *pi, int cpu);
/* The vector to deliver now (INTA), or -1 if nothing after all. */
int pc_irq_ack(struct pc_irq *pi, int cpu);

struct lapic *pc_irq_lapic(struct pc_irq *pi, int cpu);
/* Tell every LAPIC the guest's MAXPHYADDR (CPUID 0x80000008 EAX[7:0]). */
void pc_irq_set_phys_bits(struct pc_irq *pi, unsigned bits);
/* A memory write to 0xfeexxxxx by a device: an MSI. */
void pc_irq_msi(struct pc_irq *pi, uint64_t addr, uint32_t data);

/* The chips, for tests and the machine's reset/debug paths. */
struct i8259 *pc_irq_pic(struct pc_irq *pi);
struct i8254 *pc_irq_pit(struct pc_irq *pi);
struct ioapic *pc_irq_ioapic(struct pc_irq *pi);

#endif

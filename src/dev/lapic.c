/*
 * Local APIC, Intel SDM vol. 3A ch. 11 ("Advanced Programmable Interrupt
 * Controller"; ch. 10 in older editions): xAPIC MMIO registers, x2APIC MSR
 * interface (11.12), IRR/ISR/TMR priority logic (11.8), IPIs through the ICR
 * (11.6), LVT and the APIC timer in one-shot, periodic and TSC-deadline modes
 * (11.5.4).  The timer runs at a 1 GHz "bus clock" divided by the DCR, is
 * computed from clock_now(), and never fires a periodic interrupt more often
 * than every LAPIC_MIN_PERIOD_NS (the current count stays exact).
 *
 * Not emulated: focus processor checking, SMI
 * delivery, the thermal/performance/CMCI interrupt sources, LINT0/LINT1 as
 * physical pins (the router treats LINT0 ExtINT as the 8259 wire), directed
 * EOI, and delivery-status (sends are immediate).
 */
#include "dev/lapic.h"
#include "layout.h"

#include <stdlib.h>
#include <string.h>

#define LAPIC_VERSION		0x14
#define LAPIC_MAX_LVT		5
#define LAPIC_MIN_PERIOD_NS	10000ULL

/* Register offsets in the xAPIC page (x2APIC MSR = 0x800 + off / 16) */
enum {
	R_ID = 0x20, R_VER = 0x30, R_TPR = 0x80, R_APR = 0x90, R_PPR = 0xa0, R_EOI = 0xb0,
	R_RRD = 0xc0, R_LDR = 0xd0, R_DFR = 0xe0, R_SVR = 0xf0, R_ISR = 0x100, R_TMR = 0x180,
	R_IRR = 0x200, R_ESR = 0x280, R_CMCI = 0x2f0, R_ICR = 0x300, R_ICR2 = 0x310,
	R_LVT_TIMER = 0x320, R_LVT_THERMAL = 0x330, R_LVT_PERF = 0x340, R_LVT_LINT0 = 0x350,
	R_LVT_LINT1 = 0x360, R_LVT_ERROR = 0x370, R_TMICT = 0x380, R_TMCCT = 0x390,
	R_TDCR = 0x3e0, R_SELF_IPI = 0x3f0,
};

enum { LVT_TIMER, LVT_THERMAL, LVT_PERF, LVT_LINT0, LVT_LINT1, LVT_ERROR, NR_LVT };

#define LVT_MASKED		(1u << 16)
#define LVT_TIMER_MODE(v)	(((v) >> 17) & 3)
enum { TIMER_ONESHOT = 0, TIMER_PERIODIC = 1, TIMER_TSC_DEADLINE = 2 };
#define SVR_ENABLE		(1u << 8)
#define ESR_SEND_ILLEGAL	(1u << 5)
#define ESR_RECV_ILLEGAL	(1u << 6)
#define ESR_ILLEGAL_REG		(1u << 7)

static const uint32_t lvt_writable[NR_LVT] = {
	[LVT_TIMER] = 0x700ff, [LVT_THERMAL] = 0x107ff, [LVT_PERF] = 0x107ff,
	[LVT_LINT0] = 0x1a7ff, [LVT_LINT1] = 0x1a7ff, [LVT_ERROR] = 0x100ff,
};

struct lapic {
	int cpu;
	unsigned flags;
	uint64_t base;		/* IA32_APIC_BASE */
	uint32_t id;		/* full APIC ID; xAPIC shows the low 8 bits at 24-31 */
	uint32_t tpr, ldr, dfr, svr;
	uint32_t irr[8], isr[8], tmr[8];
	uint32_t esr, esr_pending;
	uint32_t icr_lo, icr_hi;
	uint32_t lvt[NR_LVT];
	uint32_t tmict, tdcr;
	unsigned div_shift;	/* timer ticks = bus ns >> div_shift */
	uint64_t timer_start;	/* ns at which the count was (re)loaded */
	int timer_running;
	uint64_t tsc_deadline;
	uint64_t tsc_hz;
	unsigned phys_bits;	/* MAXPHYADDR, for the base MSR's reserved bits */
	struct clock *clk;
	struct timer *timer;
	struct lapic_host h;
};

/* --- small helpers ----------------------------------------------------- */

static int vec_test(const uint32_t *r, unsigned v) { return (r[v >> 5] >> (v & 31)) & 1; }
static void vec_set(uint32_t *r, unsigned v) { r[v >> 5] |= 1u << (v & 31); }
static void vec_clr(uint32_t *r, unsigned v) { r[v >> 5] &= ~(1u << (v & 31)); }

/* Highest set vector, or -1. */
static int vec_highest(const uint32_t *r)
{
	for (int i = 7; i >= 0; i--)
		if (r[i])
			return i * 32 + 31 - __builtin_clz(r[i]);
	return -1;
}

static int sw_enabled(const struct lapic *l) { return (l->svr & SVR_ENABLE) != 0; }
int lapic_hw_enabled(const struct lapic *l) { return (l->base & APICBASE_EN) != 0; }
uint64_t lapic_mmio_base(const struct lapic *l) { return l->base & 0x000ffffffffff000ULL; }
int lapic_x2apic_mode(const struct lapic *l) { return (l->base & APICBASE_EXTD) != 0; }
uint32_t lapic_id(const struct lapic *l) { return l->id; }
int lapic_cpu(const struct lapic *l) { return l->cpu; }

static void kick(struct lapic *l)
{
	if (l->h.kick)
		l->h.kick(l->h.opaque, l->cpu);
}

static uint32_t ppr(const struct lapic *l)
{
	int isrv = vec_highest(l->isr);
	uint32_t isr_class = isrv < 0 ? 0 : (uint32_t)isrv & 0xf0;
	return (l->tpr & 0xf0) >= isr_class ? l->tpr & 0xff : isr_class;
}

static uint32_t apr(const struct lapic *l)
{
	int irrv = vec_highest(l->irr), isrv = vec_highest(l->isr);
	uint32_t t = l->tpr & 0xf0;
	uint32_t ic = irrv < 0 ? 0 : (uint32_t)irrv & 0xf0;
	uint32_t sc = isrv < 0 ? 0 : (uint32_t)isrv & 0xf0;
	if (t >= ic && t > sc)
		return l->tpr & 0xff;
	uint32_t m = t > ic ? t : ic;
	return m > sc ? m : sc;
}

static uint32_t x2apic_ldr(uint32_t id)
{
	return ((id >> 4) << 16) | (1u << (id & 0xf));
}

/* --- interrupt acceptance ---------------------------------------------- */

static void raise_error(struct lapic *l, uint32_t bit);

void lapic_accept(struct lapic *l, uint8_t vector, int level_trig)
{
	if (!lapic_hw_enabled(l) || !sw_enabled(l))
		return;		/* a disabled APIC drops fixed interrupts */
	if (vector < 16) {
		raise_error(l, ESR_RECV_ILLEGAL);
		return;
	}
	vec_set(l->irr, vector);
	if (level_trig)
		vec_set(l->tmr, vector);
	else
		vec_clr(l->tmr, vector);
	kick(l);
}

static void raise_error(struct lapic *l, uint32_t bit)
{
	l->esr_pending |= bit;
	uint32_t lvt = l->lvt[LVT_ERROR];
	if (!(lvt & LVT_MASKED) && (lvt & 0xff) >= 16)
		lapic_accept(l, lvt & 0xff, 0);
}

int lapic_pending(const struct lapic *l)
{
	if (!lapic_hw_enabled(l))
		return -1;
	int v = vec_highest(l->irr);
	if (v < 0 || ((uint32_t)v & 0xf0) <= (ppr(l) & 0xf0))
		return -1;
	return v;
}

int lapic_ack(struct lapic *l)
{
	int v = lapic_pending(l);
	if (v < 0)
		return -1;
	vec_clr(l->irr, v);
	vec_set(l->isr, v);
	return v;
}

static void do_eoi(struct lapic *l)
{
	int v = vec_highest(l->isr);
	if (v < 0)
		return;
	vec_clr(l->isr, v);
	if (vec_test(l->tmr, v) && l->h.eoi)
		l->h.eoi(l->h.opaque, (uint8_t)v);
	kick(l);
}

/* --- timer ------------------------------------------------------------- */

static uint32_t timer_mode(const struct lapic *l)
{
	return LVT_TIMER_MODE(l->lvt[LVT_TIMER]);
}

static uint64_t count_ns(const struct lapic *l, uint64_t counts)
{
	return counts << l->div_shift;
}

static void timer_fire_lvt(struct lapic *l)
{
	uint32_t lvt = l->lvt[LVT_TIMER];
	if (!(lvt & LVT_MASKED))
		lapic_accept(l, lvt & 0xff, 0);
}

static void timer_arm_count(struct lapic *l)
{
	uint64_t now = clock_now(l->clk);
	uint64_t period = count_ns(l, l->tmict);
	uint64_t when = l->timer_start + period;
	if (timer_mode(l) == TIMER_PERIODIC) {
		if (period < LAPIC_MIN_PERIOD_NS)
			period = LAPIC_MIN_PERIOD_NS;
		when = l->timer_start + period;
		if (when <= now) {
			uint64_t k = (now - l->timer_start) / period + 1;
			when = l->timer_start + k * period;
		}
	}
	timer_mod(l->timer, when);
}

static void lapic_timer_cb(void *opaque)
{
	struct lapic *l = opaque;
	uint64_t now = clock_now(l->clk);
	switch (timer_mode(l)) {
	case TIMER_TSC_DEADLINE:
		if (l->tsc_deadline) {
			l->tsc_deadline = 0;
			timer_fire_lvt(l);
		}
		break;
	case TIMER_PERIODIC:
		if (l->timer_running && l->tmict) {
			timer_fire_lvt(l);
			/* Keep the phase of the current count: restart from the last boundary. */
			uint64_t period = count_ns(l, l->tmict);
			if (period && now >= l->timer_start)
				l->timer_start += (now - l->timer_start) / period * period;
			timer_arm_count(l);
		}
		break;
	default:
		if (l->timer_running) {
			l->timer_running = 0;
			timer_fire_lvt(l);
		}
		break;
	}
}

static uint32_t current_count(const struct lapic *l)
{
	if (!l->timer_running || !l->tmict || timer_mode(l) == TIMER_TSC_DEADLINE)
		return 0;
	uint64_t now = clock_now(l->clk);
	uint64_t elapsed = now > l->timer_start ? (now - l->timer_start) >> l->div_shift : 0;
	if (timer_mode(l) == TIMER_PERIODIC)
		return l->tmict - (uint32_t)(elapsed % l->tmict);
	return elapsed >= l->tmict ? 0 : l->tmict - (uint32_t)elapsed;
}

static void timer_stop(struct lapic *l)
{
	l->timer_running = 0;
	if (l->timer)
		timer_del(l->timer);
}

static void write_tmict(struct lapic *l, uint32_t v)
{
	if (timer_mode(l) == TIMER_TSC_DEADLINE)
		return;		/* ignored in TSC-deadline mode */
	l->tmict = v;
	timer_stop(l);
	if (!v)
		return;
	l->timer_start = clock_now(l->clk);
	l->timer_running = 1;
	timer_arm_count(l);
}

static void write_tdcr(struct lapic *l, uint32_t v)
{
	uint32_t cur = current_count(l);
	l->tdcr = v & 0xb;
	unsigned code = ((l->tdcr & 8) >> 1) | (l->tdcr & 3);
	l->div_shift = (code + 1) & 7;
	if (l->timer_running && timer_mode(l) != TIMER_TSC_DEADLINE) {
		/* Keep the count where it is, and let it run on at the new rate. */
		uint64_t done = count_ns(l, l->tmict - cur), now = clock_now(l->clk);
		l->timer_start = now > done ? now - done : 0;
		timer_arm_count(l);
	}
}

static uint64_t guest_tsc_now(struct lapic *l)
{
	if (l->h.guest_tsc)
		return l->h.guest_tsc(l->h.opaque, l->cpu);
	return (uint64_t)((unsigned __int128)clock_now(l->clk) * l->tsc_hz / 1000000000ULL);
}

void lapic_set_tsc_deadline(struct lapic *l, uint64_t tsc)
{
	if (timer_mode(l) != TIMER_TSC_DEADLINE)
		return;		/* SDM: writes ignored outside TSC-deadline mode */
	l->tsc_deadline = tsc;
	timer_del(l->timer);
	if (!tsc)
		return;
	uint64_t now_tsc = guest_tsc_now(l), now = clock_now(l->clk);
	if (tsc <= now_tsc || !l->tsc_hz) {
		/* Already due: deliver before the WRMSR retires, as hardware would. */
		l->tsc_deadline = 0;
		timer_fire_lvt(l);
		return;
	}
	unsigned __int128 ns = ((unsigned __int128)(tsc - now_tsc) * 1000000000ULL + l->tsc_hz - 1)
			       / l->tsc_hz;
	if (ns > UINT64_MAX - now)
		ns = UINT64_MAX - now;
	timer_mod(l->timer, now + (uint64_t)ns);
}

static void write_lvt_timer(struct lapic *l, uint32_t v)
{
	uint32_t old = timer_mode(l);
	/*
	 * A one-shot count that has run out but whose clock callback has not
	 * run yet is settled now, so a switch to periodic cannot revive it.
	 */
	if (old == TIMER_ONESHOT && l->timer_running && !current_count(l)) {
		timer_stop(l);
		timer_fire_lvt(l);
	}
	l->lvt[LVT_TIMER] = v;
	if (LVT_TIMER_MODE(v) == 3)	/* reserved mode: keep the old one */
		l->lvt[LVT_TIMER] = (v & ~(3u << 17)) | (old << 17);
	uint32_t mode = timer_mode(l);
	if (mode == old)
		return;
	if (mode == TIMER_TSC_DEADLINE || old == TIMER_TSC_DEADLINE) {
		/* Into or out of TSC-deadline mode: both count and deadline are dropped. */
		timer_stop(l);
		l->tmict = 0;
		l->tsc_deadline = 0;
	} else if (l->timer_running) {
		/* One-shot <-> periodic: the count runs on, only what happens at zero changes. */
		uint64_t period = count_ns(l, l->tmict), now = clock_now(l->clk);
		if (old == TIMER_PERIODIC && period && now > l->timer_start)
			l->timer_start += (now - l->timer_start) / period * period;
		timer_arm_count(l);
	}
}

/* --- register file ----------------------------------------------------- */

static void write_lvt(struct lapic *l, unsigned idx, uint32_t v)
{
	v &= lvt_writable[idx];
	if (!sw_enabled(l))
		v |= LVT_MASKED;	/* SDM: LVT masks stay set while software-disabled */
	if (idx == LVT_LINT0 || idx == LVT_LINT1)
		v |= l->lvt[idx] & (1u << 14);	/* remote IRR is read-only */
	if (idx == LVT_TIMER)
		write_lvt_timer(l, v);
	else
		l->lvt[idx] = v;
	if (idx == LVT_LINT0)
		kick(l);	/* the 8259 may have become (un)wired to this CPU */
}

static void write_svr(struct lapic *l, uint32_t v)
{
	l->svr = v & 0x3ff;
	if (!sw_enabled(l))
		for (int i = 0; i < NR_LVT; i++)
			l->lvt[i] |= LVT_MASKED;
	kick(l);
}

static void send_ipi(struct lapic *l, uint32_t lo, uint32_t dest, int x2)
{
	struct apic_msg m = {
		.dest = dest,
		.vector = lo & 0xff,
		.delivery = (lo >> 8) & 7,
		.logical = (lo >> 11) & 1,
		.level_trig = (lo >> 15) & 1,
		.shorthand = (lo >> 18) & 3,
		.x2apic = (uint8_t)x2,
	};
	int assert = (lo >> 14) & 1;
	if (m.delivery == APIC_DM_INIT && !assert && m.level_trig)
		return;		/* INIT level de-assert: no effect on modern processors */
	if ((m.delivery == APIC_DM_FIXED || m.delivery == APIC_DM_LOWEST) && m.vector < 16) {
		raise_error(l, ESR_SEND_ILLEGAL);
		return;
	}
	/* Only fixed IPIs keep a level trigger (they come back through the EOI broadcast). */
	if (m.delivery != APIC_DM_FIXED)
		m.level_trig = 0;
	if (l->h.send)
		l->h.send(l->h.opaque, l->cpu, &m);
}

/* Read register `off` (16-byte aligned).  -1 for a hole (#GP in x2APIC mode). */
static int reg_read(struct lapic *l, unsigned off, uint32_t *out)
{
	uint32_t v;
	int x2 = lapic_x2apic_mode(l);
	if (off >= R_ISR && off < R_ISR + 0x80) {
		*out = l->isr[(off - R_ISR) >> 4];
		return 0;
	}
	if (off >= R_TMR && off < R_TMR + 0x80) {
		*out = l->tmr[(off - R_TMR) >> 4];
		return 0;
	}
	if (off >= R_IRR && off < R_IRR + 0x80) {
		*out = l->irr[(off - R_IRR) >> 4];
		return 0;
	}
	switch (off) {
	case R_ID:	v = x2 ? l->id : (l->id & 0xff) << 24; break;
	case R_VER:	v = (LAPIC_MAX_LVT << 16) | LAPIC_VERSION; break;
	case R_TPR:	v = l->tpr; break;
	case R_APR:	if (x2) return -1; v = apr(l); break;
	case R_PPR:	v = ppr(l); break;
	case R_LDR:	v = x2 ? x2apic_ldr(l->id) : l->ldr; break;
	case R_DFR:	if (x2) return -1; v = l->dfr; break;
	case R_SVR:	v = l->svr; break;
	case R_ESR:	v = l->esr; break;
	case R_ICR:	v = l->icr_lo; break;
	case R_ICR2:	if (x2) return -1; v = l->icr_hi; break;
	case R_LVT_TIMER: case R_LVT_THERMAL: case R_LVT_PERF:
	case R_LVT_LINT0: case R_LVT_LINT1: case R_LVT_ERROR:
		v = l->lvt[(off - R_LVT_TIMER) >> 4];
		break;
	case R_TMICT:	v = l->tmict; break;
	case R_TMCCT:	v = current_count(l); break;
	case R_TDCR:	v = l->tdcr; break;
	case R_EOI:
	case R_SELF_IPI:
		if (x2) return -1;	/* write-only in x2APIC mode */
		v = 0;
		break;
	default:
		if (x2) return -1;
		v = 0;
		break;
	}
	*out = v;
	return 0;
}

/* Write register `off`.  -1 if the x2APIC interface must #GP. */
static int reg_write(struct lapic *l, unsigned off, uint32_t v)
{
	int x2 = lapic_x2apic_mode(l);
	switch (off) {
	case R_ID:
		if (x2) return -1;
		l->id = v >> 24;
		break;
	case R_TPR:
		l->tpr = v & 0xff;
		kick(l);
		break;
	case R_EOI:
		if (x2 && v) return -1;
		do_eoi(l);
		break;
	case R_LDR:
		if (x2) return -1;
		l->ldr = v & 0xff000000;
		break;
	case R_DFR:
		if (x2) return -1;
		l->dfr = v | 0x0fffffff;
		break;
	case R_SVR:
		write_svr(l, v);
		break;
	case R_ESR:
		if (x2 && v) return -1;
		l->esr = l->esr_pending;
		l->esr_pending = 0;
		break;
	case R_ICR:
		l->icr_lo = v & 0xccfff;
		send_ipi(l, v, x2 ? 0 : l->icr_hi >> 24, 0);
		break;
	case R_ICR2:
		if (x2) return -1;
		l->icr_hi = v & 0xff000000;
		break;
	case R_LVT_TIMER: case R_LVT_THERMAL: case R_LVT_PERF:
	case R_LVT_LINT0: case R_LVT_LINT1: case R_LVT_ERROR:
		write_lvt(l, (off - R_LVT_TIMER) >> 4, v);
		break;
	case R_TMICT:
		write_tmict(l, v);
		break;
	case R_TDCR:
		write_tdcr(l, v);
		break;
	case R_SELF_IPI:
		if (!x2) return 0;	/* x2APIC only; a hole in the xAPIC page */
		lapic_accept(l, v & 0xff, 0);
		break;
	default:
		/* Read-only registers and holes */
		if (x2) return -1;
		break;
	}
	return 0;
}

/* --- xAPIC MMIO --------------------------------------------------------- */

uint64_t lapic_mmio_read(struct lapic *l, uint64_t off, unsigned size)
{
	if (!lapic_hw_enabled(l) || lapic_x2apic_mode(l) || off >= LAPIC_MMIO_LEN || !size)
		return size >= 8 ? ~0ULL : (1ULL << (8 * size)) - 1;
	uint32_t v = 0;
	if ((off & 0xf) < 4)
		reg_read(l, (unsigned)off & ~0xfu, &v);
	uint64_t r = (uint64_t)v >> (8 * (off & 3));
	return size >= 8 ? r : r & ((1ULL << (8 * size)) - 1);
}

void lapic_mmio_write(struct lapic *l, uint64_t off, unsigned size, uint64_t val)
{
	if (!lapic_hw_enabled(l) || lapic_x2apic_mode(l) || off >= LAPIC_MMIO_LEN)
		return;
	/* SDM 11.4.1: registers take 32-bit aligned accesses; anything else is dropped. */
	if ((off & 0xf) || size < 4)
		return;
	reg_write(l, (unsigned)off, (uint32_t)val);
}

static uint64_t mmio_read_op(void *o, uint64_t off, unsigned size)
{
	return lapic_mmio_read(o, off, size);
}

static void mmio_write_op(void *o, uint64_t off, unsigned size, uint64_t val)
{
	lapic_mmio_write(o, off, size, val);
}

const struct io_ops lapic_mmio_ops = {
	.name = "lapic", .read = mmio_read_op, .write = mmio_write_op,
};

/* --- MSRs --------------------------------------------------------------- */

int lapic_is_msr(uint32_t msr)
{
	return msr == MSR_IA32_APICBASE || msr == MSR_IA32_TSC_DEADLINE ||
	       (msr >= MSR_X2APIC_FIRST && msr <= MSR_X2APIC_LAST);
}

static void regs_reset(struct lapic *l)
{
	timer_stop(l);
	l->tpr = l->ldr = 0;
	l->dfr = 0xffffffff;
	l->svr = 0xff;
	memset(l->irr, 0, sizeof(l->irr));
	memset(l->isr, 0, sizeof(l->isr));
	memset(l->tmr, 0, sizeof(l->tmr));
	l->esr = l->esr_pending = 0;
	l->icr_lo = l->icr_hi = 0;
	for (int i = 0; i < NR_LVT; i++)
		l->lvt[i] = LVT_MASKED;
	l->tmict = l->tdcr = 0;
	l->div_shift = 1;
	l->tsc_deadline = 0;
	kick(l);
}

static int write_apicbase(struct lapic *l, uint64_t v)
{
	uint64_t old = l->base;
	/* Reserved: bits 0-7, 9, and address bits from MAXPHYADDR up. */
	if ((v & 0x2ffULL) || (v >> l->phys_bits))
		return -1;
	if ((v & APICBASE_EXTD) && !(l->flags & LAPIC_F_X2APIC))
		return -1;
	int was_en = !!(old & APICBASE_EN), was_x2 = !!(old & APICBASE_EXTD);
	int en = !!(v & APICBASE_EN), x2 = !!(v & APICBASE_EXTD);
	if (x2 && !en)
		return -1;		/* invalid state */
	if (was_x2 && en && !x2)
		return -1;		/* x2APIC -> xAPIC must go through disabled */
	if (!was_en && x2)
		return -1;		/* disabled -> x2APIC must go through xAPIC */
	l->base = (v & ~APICBASE_BSP) | (old & APICBASE_BSP);
	if (was_en && !en) {
		regs_reset(l);
		l->id = (uint32_t)l->cpu;
	}
	if (!was_x2 && x2)
		l->id = (uint32_t)l->cpu;	/* x2APIC ID is the initial APIC ID */
	kick(l);
	return 0;
}

int lapic_msr_read(struct lapic *l, uint32_t msr, uint64_t *val)
{
	if (msr == MSR_IA32_APICBASE) {
		*val = l->base;
		return 0;
	}
	if (msr == MSR_IA32_TSC_DEADLINE) {
		*val = timer_mode(l) == TIMER_TSC_DEADLINE ? l->tsc_deadline : 0;
		return 0;
	}
	if (msr < MSR_X2APIC_FIRST || msr > MSR_X2APIC_LAST || !lapic_x2apic_mode(l))
		return -1;
	unsigned off = (msr - MSR_X2APIC_FIRST) << 4;
	uint32_t v;
	if (off == R_ICR) {
		*val = ((uint64_t)l->icr_hi << 32) | l->icr_lo;
		return 0;
	}
	if (reg_read(l, off, &v))
		return -1;
	*val = v;
	return 0;
}

int lapic_msr_write(struct lapic *l, uint32_t msr, uint64_t val)
{
	if (msr == MSR_IA32_APICBASE)
		return write_apicbase(l, val);
	if (msr == MSR_IA32_TSC_DEADLINE) {
		lapic_set_tsc_deadline(l, val);
		return 0;
	}
	if (msr < MSR_X2APIC_FIRST || msr > MSR_X2APIC_LAST || !lapic_x2apic_mode(l))
		return -1;
	unsigned off = (msr - MSR_X2APIC_FIRST) << 4;
	if (off == R_ICR) {
		if (val & 0xfff32000ULL)	/* reserved low bits, delivery status */
			return -1;
		l->icr_lo = (uint32_t)val & 0xccfff;
		l->icr_hi = (uint32_t)(val >> 32);
		send_ipi(l, (uint32_t)val, l->icr_hi, 1);
		return 0;
	}
	if (val >> 32)
		return -1;
	return reg_write(l, off, (uint32_t)val);
}

void lapic_set_phys_bits(struct lapic *l, unsigned bits)
{
	if (bits >= 32 && bits <= 52)
		l->phys_bits = bits;
}

uint64_t lapic_get_cr8(const struct lapic *l)
{
	return (l->tpr >> 4) & 0xf;
}

void lapic_set_cr8(struct lapic *l, uint64_t cr8)
{
	l->tpr = (uint32_t)(cr8 & 0xf) << 4;
	kick(l);
}

/* --- routing queries ---------------------------------------------------- */

int lapic_match_dest(const struct lapic *l, const struct apic_msg *m)
{
	if (!lapic_hw_enabled(l))
		return 0;
	if (lapic_x2apic_mode(l)) {
		uint32_t bcast = m->x2apic ? 0xffffffffu : 0xffu;
		if (m->dest == bcast)
			return 1;
		if (!m->logical)
			return m->dest == l->id;
		uint32_t ldr = x2apic_ldr(l->id);
		return (m->dest >> 16) == (ldr >> 16) && (m->dest & ldr & 0xffff);
	}
	uint32_t d = m->dest & 0xff;
	if (d == 0xff)
		return 1;	/* broadcast, physical or logical */
	if (!m->logical)
		return d == (l->id & 0xff);
	uint32_t ldr = l->ldr >> 24;
	if ((l->dfr >> 28) == 0xf)	/* flat model */
		return (ldr & d) != 0;
	/* cluster model: high nibble is the cluster, low nibble a mask */
	return (ldr >> 4) == (d >> 4) && (ldr & d & 0xf);
}

int lapic_accepts_pic(const struct lapic *l)
{
	if (!lapic_hw_enabled(l) || !sw_enabled(l))
		return 1;
	uint32_t lint0 = l->lvt[LVT_LINT0];
	return !(lint0 & LVT_MASKED) && ((lint0 >> 8) & 7) == APIC_DM_EXTINT;
}

/* --- life cycle --------------------------------------------------------- */

void lapic_init(struct lapic *l)
{
	uint32_t id = l->id;
	regs_reset(l);
	l->id = id;
}

void lapic_reset(struct lapic *l)
{
	l->base = LAYOUT_LAPIC_BASE | APICBASE_EN |
		  ((l->flags & LAPIC_F_BSP) ? APICBASE_BSP : 0);
	l->id = (uint32_t)l->cpu;
	regs_reset(l);
}

struct lapic *lapic_new(int cpu, struct clock *clk, uint64_t tsc_hz, unsigned flags,
			const struct lapic_host *h)
{
	struct lapic *l = calloc(1, sizeof(*l));
	if (!l)
		return NULL;
	l->cpu = cpu;
	l->flags = flags;
	l->clk = clk;
	l->tsc_hz = tsc_hz;
	l->phys_bits = 52;
	if (h)
		l->h = *h;
	l->timer = timer_new(clk, lapic_timer_cb, l);
	if (!l->timer) {
		free(l);
		return NULL;
	}
	lapic_reset(l);
	return l;
}

void lapic_free(struct lapic *l)
{
	if (!l)
		return;
	timer_free(l->timer);
	free(l);
}

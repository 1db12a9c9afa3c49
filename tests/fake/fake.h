/*
 * Fakes shared by the unit tests: an interrupt sink that records levels, a
 * clock advanced by hand, a character backend that captures output, and a
 * vm_ctl that records requests.  Extend additively: other tests use these.
 */
#ifndef HVM_FAKE_H
#define HVM_FAKE_H

#include <stddef.h>
#include <stdint.h>

#include "core/clock.h"
#include "core/irq.h"
#include "core/vmctl.h"
#include "host/chr.h"

/* --- interrupt lines -------------------------------------------------- */
#define FAKE_IRQ_LINES 32

struct fake_irq {
	int level[FAKE_IRQ_LINES];	/* current level per line */
	unsigned raises[FAKE_IRQ_LINES];	/* 0 -> 1 transitions */
	unsigned sets[FAKE_IRQ_LINES];	/* every call, even with an unchanged level */
	struct irq_line line[FAKE_IRQ_LINES];	/* line[n] drives level[n] */
};

void fake_irq_init(struct fake_irq *f);

/* --- clock ------------------------------------------------------------ */
#define FAKE_CLOCK_TIMERS 16

struct fake_timer {
	struct timer t;		/* must be first */
	timer_cb cb;
	void *opaque;
	uint64_t expire;
	int armed, used;
};

struct fake_clock {
	struct clock c;		/* pass &fc.c to devices */
	uint64_t now;		/* monotonic ns */
	int64_t wall0;		/* wall ns at now == 0; wall = wall0 + now */
	struct fake_timer timers[FAKE_CLOCK_TIMERS];
};

void fake_clock_init(struct fake_clock *fc, int64_t wall_ns);
/* Move time forward to now+ns, firing expired timers in deadline order. */
void fake_clock_advance(struct fake_clock *fc, uint64_t ns);
/* Number of timers currently armed. */
int fake_clock_armed(const struct fake_clock *fc);

/* --- character backend ------------------------------------------------ */
#define FAKE_CHR_OUT 8192

struct fake_chr {
	struct chr c;		/* pass &fc.c to devices */
	uint8_t out[FAKE_CHR_OUT];
	size_t out_len;
	unsigned kicks;		/* times the frontend called chr_accept_input */
};

void fake_chr_init(struct fake_chr *fc);
/* Offer input the way a backend does: no more than can_receive.  Returns bytes taken. */
size_t fake_chr_input(struct fake_chr *fc, const void *buf, size_t len);

/* --- vm_ctl ------------------------------------------------------------ */
struct fake_vmctl {
	struct vm_ctl ctl;	/* pass &fv.ctl to devices */
	unsigned count;
	enum vm_request last;
	int code;
	char reason[160];
};

void fake_vmctl_init(struct fake_vmctl *fv);

#endif

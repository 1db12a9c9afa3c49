/*
 * Time for devices: a monotonic clock, wall-clock time, and one-shot timers.
 * The host implementation (core/clock.c) runs timer callbacks on the I/O
 * thread with the device-model lock held; tests use a fake that they advance
 * by hand (tests/fake/fake_clock.c).
 */
#ifndef HVM_CLOCK_H
#define HVM_CLOCK_H

#include <stdint.h>

struct clock;
struct timer;

typedef void (*timer_cb)(void *opaque);

struct clock_ops {
	uint64_t (*now_ns)(struct clock *c);		/* monotonic */
	int64_t (*wall_ns)(struct clock *c);		/* realtime, ns since the epoch */
	struct timer *(*timer_new)(struct clock *c, timer_cb cb, void *opaque);
	void (*timer_mod)(struct timer *t, uint64_t expire_ns);	/* absolute, monotonic */
	void (*timer_del)(struct timer *t);		/* cancel; may be re-armed later */
	void (*timer_free)(struct timer *t);
};

struct clock {
	const struct clock_ops *ops;
};

static inline uint64_t clock_now(struct clock *c) { return c->ops->now_ns(c); }
static inline int64_t clock_wall(struct clock *c) { return c->ops->wall_ns(c); }
static inline struct timer *timer_new(struct clock *c, timer_cb cb, void *o) { return c->ops->timer_new(c, cb, o); }

/* Host clock (CLOCK_MONOTONIC / CLOCK_REALTIME) with timers run by the event loop. */
struct clock *host_clock_new(void);
/* Run expired timers; returns ns until the next deadline or -1.  Called by the event loop. */
int64_t host_clock_run_timers(struct clock *c);
/* fd that becomes readable when a timer is (re)armed earlier than before. */
int host_clock_fd(struct clock *c);

/* Every implementation's timer starts with this header. */
struct timer {
	struct clock *clock;
};

static inline void timer_mod(struct timer *t, uint64_t ns) { t->clock->ops->timer_mod(t, ns); }
static inline void timer_del(struct timer *t) { t->clock->ops->timer_del(t); }
static inline void timer_free(struct timer *t) { if (t) t->clock->ops->timer_free(t); }

#endif

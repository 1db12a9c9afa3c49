/* A clock that only moves when a test calls fake_clock_advance. */
#include "fake/fake.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct fake_clock *fc_of(struct clock *c)
{
	return (struct fake_clock *)c;
}

static uint64_t fc_now(struct clock *c)
{
	return fc_of(c)->now;
}

static int64_t fc_wall(struct clock *c)
{
	return fc_of(c)->wall0 + (int64_t)fc_of(c)->now;
}

static struct timer *fc_timer_new(struct clock *c, timer_cb cb, void *opaque)
{
	struct fake_clock *fc = fc_of(c);
	for (int i = 0; i < FAKE_CLOCK_TIMERS; i++) {
		struct fake_timer *t = &fc->timers[i];
		if (!t->used) {
			memset(t, 0, sizeof(*t));
			t->t.clock = c;
			t->cb = cb;
			t->opaque = opaque;
			t->used = 1;
			return &t->t;
		}
	}
	fprintf(stderr, "fake_clock: out of timers\n");
	abort();
}

static void fc_timer_mod(struct timer *t, uint64_t expire)
{
	struct fake_timer *ft = (struct fake_timer *)t;
	ft->expire = expire;
	ft->armed = 1;
}

static void fc_timer_del(struct timer *t)
{
	((struct fake_timer *)t)->armed = 0;
}

static void fc_timer_free(struct timer *t)
{
	struct fake_timer *ft = (struct fake_timer *)t;
	ft->armed = 0;
	ft->used = 0;
}

static const struct clock_ops fake_clock_ops = {
	.now_ns = fc_now,
	.wall_ns = fc_wall,
	.timer_new = fc_timer_new,
	.timer_mod = fc_timer_mod,
	.timer_del = fc_timer_del,
	.timer_free = fc_timer_free,
};

void fake_clock_init(struct fake_clock *fc, int64_t wall_ns)
{
	memset(fc, 0, sizeof(*fc));
	fc->c.ops = &fake_clock_ops;
	fc->wall0 = wall_ns;
}

void fake_clock_advance(struct fake_clock *fc, uint64_t ns)
{
	uint64_t end = fc->now + ns;
	for (;;) {
		struct fake_timer *next = NULL;
		for (int i = 0; i < FAKE_CLOCK_TIMERS; i++) {
			struct fake_timer *t = &fc->timers[i];
			if (t->used && t->armed && t->expire <= end &&
			    (!next || t->expire < next->expire))
				next = t;
		}
		if (!next)
			break;
		if (next->expire > fc->now)
			fc->now = next->expire;
		next->armed = 0;
		next->cb(next->opaque);
	}
	fc->now = end;
}

int fake_clock_armed(const struct fake_clock *fc)
{
	int n = 0;
	for (int i = 0; i < FAKE_CLOCK_TIMERS; i++)
		n += fc->timers[i].used && fc->timers[i].armed;
	return n;
}

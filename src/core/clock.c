/*
 * Host clock: CLOCK_MONOTONIC / CLOCK_REALTIME, and one-shot timers kept in a
 * sorted list.  A timerfd armed at the earliest deadline wakes the event loop,
 * which calls host_clock_run_timers() with the device-model lock held.
 */
#include "core/clock.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

struct host_timer {
	struct timer t;		/* must be first */
	timer_cb cb;
	void *opaque;
	uint64_t expire;
	int armed;
	struct host_timer *next;
};

struct host_clock {
	struct clock c;		/* must be first */
	pthread_mutex_t lock;
	struct host_timer *head;	/* armed timers, earliest first */
	int tfd;
	uint64_t armed_at;	/* deadline the timerfd is set to, 0 = none */
};

static uint64_t ts_ns(clockid_t id)
{
	struct timespec ts;
	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static uint64_t hc_now(struct clock *c)
{
	(void)c;
	return ts_ns(CLOCK_MONOTONIC);
}

static int64_t hc_wall(struct clock *c)
{
	(void)c;
	return (int64_t)ts_ns(CLOCK_REALTIME);
}

static struct timer *hc_timer_new(struct clock *c, timer_cb cb, void *opaque)
{
	struct host_timer *t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->t.clock = c;
	t->cb = cb;
	t->opaque = opaque;
	return &t->t;
}

static void unlink_timer(struct host_clock *hc, struct host_timer *t)
{
	struct host_timer **pp;
	if (!t->armed)
		return;
	for (pp = &hc->head; *pp; pp = &(*pp)->next) {
		if (*pp == t) {
			*pp = t->next;
			break;
		}
	}
	t->armed = 0;
	t->next = NULL;
}

/* Arm the timerfd for the earliest deadline (lock held). */
static void rearm(struct host_clock *hc)
{
	struct itimerspec its = { 0 };
	uint64_t when = hc->head ? hc->head->expire : 0;
	if (when == hc->armed_at)
		return;
	if (when) {
		its.it_value.tv_sec = when / 1000000000ULL;
		its.it_value.tv_nsec = when % 1000000000ULL;
	}
	timerfd_settime(hc->tfd, TFD_TIMER_ABSTIME, &its, NULL);
	hc->armed_at = when;
}

static void hc_timer_mod(struct timer *tt, uint64_t expire)
{
	struct host_timer *t = (struct host_timer *)tt, **pp;
	struct host_clock *hc = (struct host_clock *)tt->clock;
	if (!expire)
		expire = 1;
	pthread_mutex_lock(&hc->lock);
	unlink_timer(hc, t);
	t->expire = expire;
	for (pp = &hc->head; *pp && (*pp)->expire <= expire; pp = &(*pp)->next)
		;
	t->next = *pp;
	*pp = t;
	t->armed = 1;
	rearm(hc);
	pthread_mutex_unlock(&hc->lock);
}

static void hc_timer_del(struct timer *tt)
{
	struct host_clock *hc = (struct host_clock *)tt->clock;
	pthread_mutex_lock(&hc->lock);
	unlink_timer(hc, (struct host_timer *)tt);
	rearm(hc);
	pthread_mutex_unlock(&hc->lock);
}

static void hc_timer_free(struct timer *tt)
{
	hc_timer_del(tt);
	free(tt);
}

static const struct clock_ops host_clock_ops = {
	.now_ns = hc_now,
	.wall_ns = hc_wall,
	.timer_new = hc_timer_new,
	.timer_mod = hc_timer_mod,
	.timer_del = hc_timer_del,
	.timer_free = hc_timer_free,
};

struct clock *host_clock_new(void)
{
	struct host_clock *hc = calloc(1, sizeof(*hc));
	if (!hc)
		return NULL;
	hc->c.ops = &host_clock_ops;
	pthread_mutex_init(&hc->lock, NULL);
	hc->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (hc->tfd < 0) {
		free(hc);
		return NULL;
	}
	return &hc->c;
}

int host_clock_fd(struct clock *c)
{
	return ((struct host_clock *)c)->tfd;
}

int64_t host_clock_run_timers(struct clock *c)
{
	struct host_clock *hc = (struct host_clock *)c;
	uint64_t buf;
	int64_t next = -1;

	while (read(hc->tfd, &buf, sizeof(buf)) > 0)
		;
	for (;;) {
		struct host_timer *t;
		uint64_t now = hc_now(c);
		pthread_mutex_lock(&hc->lock);
		t = hc->head;
		if (!t || t->expire > now) {
			hc->armed_at = 0;	/* force a re-arm: the fd may have fired */
			rearm(hc);
			next = t ? (int64_t)(t->expire - now) : -1;
			pthread_mutex_unlock(&hc->lock);
			break;
		}
		hc->head = t->next;
		t->armed = 0;
		t->next = NULL;
		pthread_mutex_unlock(&hc->lock);
		t->cb(t->opaque);	/* may re-arm t */
	}
	return next;
}

/*
 * epoll event loop on its own thread.
 */
#include "core/loop.h"
#include "core/log.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#define LOOP_MAX_FDS 32

struct loop_fd {
	int fd;
	loop_fd_cb cb;
	void *opaque;
};

struct loop {
	int epfd, stopfd;
	pthread_mutex_t *dm_lock;
	struct clock *clk;
	pthread_t thread;
	int running;
	volatile int stop;
	struct loop_fd fds[LOOP_MAX_FDS];
};

struct loop *loop_new(pthread_mutex_t *dm_lock, struct clock *clk)
{
	struct loop *l = calloc(1, sizeof(*l));
	struct epoll_event ev = { .events = EPOLLIN };
	if (!l)
		return NULL;
	l->dm_lock = dm_lock;
	l->clk = clk;
	l->epfd = epoll_create1(EPOLL_CLOEXEC);
	l->stopfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (l->epfd < 0 || l->stopfd < 0)
		goto fail;
	ev.data.ptr = NULL;
	if (epoll_ctl(l->epfd, EPOLL_CTL_ADD, l->stopfd, &ev) < 0)
		goto fail;
	ev.data.ptr = l;	/* marks the clock's timerfd */
	if (clk && epoll_ctl(l->epfd, EPOLL_CTL_ADD, host_clock_fd(clk), &ev) < 0)
		goto fail;
	return l;
fail:
	loop_free(l);
	return NULL;
}

int loop_add_fd(struct loop *l, int fd, uint32_t events, loop_fd_cb cb, void *opaque)
{
	for (int i = 0; i < LOOP_MAX_FDS; i++) {
		if (!l->fds[i].cb) {
			struct epoll_event ev = { .events = events, .data.ptr = &l->fds[i] };
			l->fds[i] = (struct loop_fd){ fd, cb, opaque };
			if (epoll_ctl(l->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
				l->fds[i].cb = NULL;
				return -errno;
			}
			return 0;
		}
	}
	return -ENOSPC;
}

int loop_mod_fd(struct loop *l, int fd, uint32_t events)
{
	for (int i = 0; i < LOOP_MAX_FDS; i++) {
		if (l->fds[i].cb && l->fds[i].fd == fd) {
			struct epoll_event ev = { .events = events, .data.ptr = &l->fds[i] };
			return epoll_ctl(l->epfd, EPOLL_CTL_MOD, fd, &ev) < 0 ? -errno : 0;
		}
	}
	return -ENOENT;
}

void loop_del_fd(struct loop *l, int fd)
{
	for (int i = 0; i < LOOP_MAX_FDS; i++) {
		if (l->fds[i].cb && l->fds[i].fd == fd) {
			epoll_ctl(l->epfd, EPOLL_CTL_DEL, fd, NULL);
			l->fds[i].cb = NULL;
		}
	}
}

static void *loop_thread(void *arg)
{
	struct loop *l = arg;
	while (!l->stop) {
		struct epoll_event evs[16];
		int n = epoll_wait(l->epfd, evs, 16, -1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			pr_err("event loop: epoll_wait: %m");
			break;
		}
		pthread_mutex_lock(l->dm_lock);
		for (int i = 0; i < n && !l->stop; i++) {
			if (evs[i].data.ptr == l) {
				host_clock_run_timers(l->clk);
			} else if (evs[i].data.ptr) {
				struct loop_fd *f = evs[i].data.ptr;
				if (f->cb)
					f->cb(f->opaque, f->fd, evs[i].events);
			}
		}
		pthread_mutex_unlock(l->dm_lock);
	}
	return NULL;
}

int loop_start(struct loop *l)
{
	int err = pthread_create(&l->thread, NULL, loop_thread, l);
	if (err)
		return -err;
	l->running = 1;
	return 0;
}

void loop_stop(struct loop *l)
{
	uint64_t one = 1;
	if (!l->running)
		return;
	l->stop = 1;
	if (write(l->stopfd, &one, sizeof(one)) < 0)
		pr_warn("event loop: cannot wake: %m");
	pthread_join(l->thread, NULL);
	l->running = 0;
}

void loop_free(struct loop *l)
{
	if (!l)
		return;
	loop_stop(l);
	if (l->epfd >= 0)
		close(l->epfd);
	if (l->stopfd >= 0)
		close(l->stopfd);
	free(l);
}

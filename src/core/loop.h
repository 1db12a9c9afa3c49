/*
 * The host I/O thread: an epoll loop over file descriptors (tty, later tap,
 * disk completions) and the clock's timerfd.  Every callback runs with the
 * device-model lock held, so devices never see concurrent host events.
 */
#ifndef HVM_LOOP_H
#define HVM_LOOP_H

#include <pthread.h>
#include <stdint.h>

#include "core/clock.h"

struct loop;
typedef void (*loop_fd_cb)(void *opaque, int fd, uint32_t events);

struct loop *loop_new(pthread_mutex_t *dm_lock, struct clock *clk);
/* events: EPOLLIN/EPOLLOUT... */
int loop_add_fd(struct loop *l, int fd, uint32_t events, loop_fd_cb cb, void *opaque);
int loop_mod_fd(struct loop *l, int fd, uint32_t events);
void loop_del_fd(struct loop *l, int fd);
int loop_start(struct loop *l);
void loop_stop(struct loop *l);
void loop_free(struct loop *l);

#endif

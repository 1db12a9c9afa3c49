/*
 * libslirp backend for a virtio-net NIC.  libslirp is dlopen'ed
 * ("libslirp.so.0"), so the build needs only its header and the binary
 * needs it only when --net user is used.  Slirp is single-threaded: the
 * device-model lock serialises the vCPU's transmit path (slirp_input) and
 * the poll thread (slirp_pollfds_fill/poll and timers), and frames for the
 * guest are handed over inside those calls.
 *
 * Not here: IPv6, TFTP/bootp, guestfwd, restricting outbound traffic.
 */
#define _GNU_SOURCE
#include "host/net_slirp.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if __has_include(<slirp/libslirp.h>)
#include <slirp/libslirp.h>
#define HAVE_SLIRP_HEADER 1
#endif

#include <arpa/inet.h>
#include <dlfcn.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#define MAX_FWD 16

struct fwd {
	int udp;
	struct in_addr haddr, gaddr;
	int hport, gport;
};

/* Parse "hostfwd=" value: tcp|udp:[HADDR]:HPORT-[GADDR]:GPORT. */
static int parse_fwd(const char *v, struct fwd *f)
{
	char buf[128], *hport, *dash, *gaddr, *gport, *end;
	long n;

	if (strlen(v) >= sizeof(buf))
		return -1;
	strcpy(buf, v);
	if (!strncmp(buf, "tcp:", 4))
		f->udp = 0;
	else if (!strncmp(buf, "udp:", 4))
		f->udp = 1;
	else
		return -1;
	dash = strchr(buf + 4, '-');
	if (!dash)
		return -1;
	*dash = 0;
	hport = strrchr(buf + 4, ':');
	if (hport) {
		*hport++ = 0;
		if (!buf[4])
			inet_aton("127.0.0.1", &f->haddr);
		else if (!inet_aton(buf + 4, &f->haddr))
			return -1;
	} else {
		hport = buf + 4;
		inet_aton("127.0.0.1", &f->haddr);
	}
	gaddr = dash + 1;
	gport = strrchr(gaddr, ':');
	if (!gport)
		return -1;
	*gport++ = 0;
	if (!*gaddr)
		inet_aton("10.0.2.15", &f->gaddr);
	else if (!inet_aton(gaddr, &f->gaddr))
		return -1;
	n = strtol(hport, &end, 10);
	if (*end || end == hport || n < 0 || n > 65535)
		return -1;
	f->hport = (int)n;
	n = strtol(gport, &end, 10);
	if (*end || end == gport || n < 1 || n > 65535)
		return -1;
	f->gport = (int)n;
	return 0;
}

static int parse_spec(const char *spec, struct fwd *fwd, int *nfwd, char *err, size_t errlen)
{
	const char *p;
	*nfwd = 0;
	if (strncmp(spec, "user", 4) || (spec[4] && spec[4] != ',')) {
		snprintf(err, errlen, "not a user network spec");
		return -EINVAL;
	}
	for (p = spec + 4; *p == ','; ) {
		const char *opt = p + 1, *next = strchr(opt, ',');
		size_t len = next ? (size_t)(next - opt) : strlen(opt);
		char o[160];
		if (len >= sizeof(o)) {
			snprintf(err, errlen, "option too long");
			return -EINVAL;
		}
		memcpy(o, opt, len);
		o[len] = 0;
		if (!strncmp(o, "hostfwd=", 8)) {
			if (*nfwd >= MAX_FWD) {
				snprintf(err, errlen, "at most %d hostfwd rules", MAX_FWD);
				return -EINVAL;
			}
			if (parse_fwd(o + 8, &fwd[*nfwd])) {
				snprintf(err, errlen, "bad '%s' (want hostfwd=tcp:HOSTPORT-:GUESTPORT)", o);
				return -EINVAL;
			}
			(*nfwd)++;
		} else {
			snprintf(err, errlen, "unknown option '%s' (user networking takes hostfwd=)", o);
			return -EINVAL;
		}
		p = opt + len;
	}
	return 0;
}

int net_slirp_check_spec(const char *spec, char *err, size_t errlen)
{
	struct fwd f[MAX_FWD];
	int n;
	return parse_spec(spec, f, &n, err, errlen);
}

#ifndef HAVE_SLIRP_HEADER

int net_slirp_new(struct net_slirp **out, const char *spec, pthread_mutex_t *dm_lock,
		  net_rx_fn rx, void *rx_opaque, char *err, size_t errlen)
{
	(void)spec; (void)dm_lock; (void)rx; (void)rx_opaque;
	*out = NULL;
	snprintf(err, errlen, "hvm was built without libslirp headers (libslirp-dev)");
	return -ENOTSUP;
}
int net_slirp_start(struct net_slirp *ns) { (void)ns; return -ENOTSUP; }
void net_slirp_input(void *ns, const void *frame, size_t len) { (void)ns; (void)frame; (void)len; }

#else

#define MAX_TIMERS 16

struct slirp_api {
	__typeof__(slirp_new) *new_;
	__typeof__(slirp_pollfds_fill) *pollfds_fill;
	__typeof__(slirp_pollfds_poll) *pollfds_poll;
	__typeof__(slirp_input) *input;
	__typeof__(slirp_add_hostfwd) *add_hostfwd;
};

struct stimer {
	SlirpTimerCb cb;
	void *cb_opaque;
	int64_t expire_ms;		/* -1: not armed */
	int used;
};

struct net_slirp {
	struct slirp_api api;
	Slirp *slirp;
	pthread_mutex_t *dm_lock;
	net_rx_fn rx;
	void *rx_opaque;
	int wakefd;
	pthread_t thread;
	int started;
	struct pollfd *pfd;
	int npfd, cap;
	struct stimer timers[MAX_TIMERS];
};

static int64_t now_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

static ssize_t cb_send(const void *buf, size_t len, void *opaque)
{
	struct net_slirp *ns = opaque;
	ns->rx(ns->rx_opaque, buf, len);
	return (ssize_t)len;
}

static void cb_guest_error(const char *msg, void *opaque)
{
	(void)opaque;
	fprintf(stderr, "hvm: slirp: guest error: %s\n", msg);
}

static int64_t cb_clock(void *opaque) { (void)opaque; return now_ns(); }

static void *cb_timer_new(SlirpTimerCb cb, void *cb_opaque, void *opaque)
{
	struct net_slirp *ns = opaque;
	for (int i = 0; i < MAX_TIMERS; i++)
		if (!ns->timers[i].used) {
			ns->timers[i] = (struct stimer){ cb, cb_opaque, -1, 1 };
			return &ns->timers[i];
		}
	return NULL;
}

static void cb_timer_free(void *t, void *opaque)
{
	(void)opaque;
	if (t)
		((struct stimer *)t)->used = 0;
}

static void wake(struct net_slirp *ns)
{
	uint64_t one = 1;
	/* The poll thread recomputes fds and timers each round: waking itself would spin. */
	if (ns->started && pthread_equal(pthread_self(), ns->thread))
		return;
	if (write(ns->wakefd, &one, sizeof(one)) < 0) {
		/* The counter is already non-zero: the thread will wake anyway. */
	}
}

static void cb_timer_mod(void *t, int64_t expire_ms, void *opaque)
{
	if (t)
		((struct stimer *)t)->expire_ms = expire_ms;
	wake(opaque);
}

static void cb_register(int fd, void *opaque) { (void)fd; (void)opaque; }
static void cb_unregister(int fd, void *opaque) { (void)fd; (void)opaque; }
static void cb_notify(void *opaque) { wake(opaque); }

static const SlirpCb callbacks = {
	.send_packet = cb_send,
	.guest_error = cb_guest_error,
	.clock_get_ns = cb_clock,
	.timer_new = cb_timer_new,
	.timer_free = cb_timer_free,
	.timer_mod = cb_timer_mod,
	.register_poll_fd = cb_register,
	.unregister_poll_fd = cb_unregister,
	.notify = cb_notify,
};

static int add_poll(int fd, int events, void *opaque)
{
	struct net_slirp *ns = opaque;
	short ev = 0;
	if (ns->npfd == ns->cap) {
		int cap = ns->cap ? ns->cap * 2 : 32;
		struct pollfd *p = realloc(ns->pfd, sizeof(*p) * (size_t)cap);
		if (!p)
			return -1;
		ns->pfd = p;
		ns->cap = cap;
	}
	if (events & SLIRP_POLL_IN) ev |= POLLIN;
	if (events & SLIRP_POLL_OUT) ev |= POLLOUT;
	if (events & SLIRP_POLL_PRI) ev |= POLLPRI;
	ns->pfd[ns->npfd] = (struct pollfd){ .fd = fd, .events = ev };
	return ns->npfd++;
}

static int get_revents(int idx, void *opaque)
{
	struct net_slirp *ns = opaque;
	short r;
	int ev = 0;
	if (idx < 0 || idx >= ns->npfd)
		return 0;
	r = ns->pfd[idx].revents;
	if (r & POLLIN) ev |= SLIRP_POLL_IN;
	if (r & POLLOUT) ev |= SLIRP_POLL_OUT;
	if (r & POLLPRI) ev |= SLIRP_POLL_PRI;
	if (r & POLLERR) ev |= SLIRP_POLL_ERR;
	if (r & POLLHUP) ev |= SLIRP_POLL_HUP;
	return ev;
}

static void *poll_thread(void *opaque)
{
	struct net_slirp *ns = opaque;
	pthread_mutex_lock(ns->dm_lock);
	for (;;) {
		uint32_t timeout = 1000;
		int64_t now_ms = now_ns() / 1000000;
		int r;

		ns->npfd = 0;
		add_poll(ns->wakefd, SLIRP_POLL_IN, ns);
		ns->api.pollfds_fill(ns->slirp, &timeout, add_poll, ns);
		for (int i = 0; i < MAX_TIMERS; i++) {
			struct stimer *t = &ns->timers[i];
			if (t->used && t->expire_ms >= 0) {
				int64_t d = t->expire_ms - now_ms;
				if (d < 0)
					d = 0;
				if ((uint64_t)d < timeout)
					timeout = (uint32_t)d;
			}
		}
		pthread_mutex_unlock(ns->dm_lock);
		r = poll(ns->pfd, (nfds_t)ns->npfd, timeout > 1000 ? 1000 : (int)timeout);
		pthread_mutex_lock(ns->dm_lock);
		if (r > 0 && (ns->pfd[0].revents & POLLIN)) {
			uint64_t v;
			if (read(ns->wakefd, &v, sizeof(v)) < 0) {
				/* EAGAIN: another read got it. */
			}
		}
		ns->api.pollfds_poll(ns->slirp, r < 0, get_revents, ns);
		now_ms = now_ns() / 1000000;
		for (int i = 0; i < MAX_TIMERS; i++) {
			struct stimer *t = &ns->timers[i];
			if (t->used && t->expire_ms >= 0 && t->expire_ms <= now_ms) {
				t->expire_ms = -1;
				t->cb(t->cb_opaque);
			}
		}
	}
	return NULL;
}

int net_slirp_new(struct net_slirp **out, const char *spec, pthread_mutex_t *dm_lock,
		  net_rx_fn rx, void *rx_opaque, char *err, size_t errlen)
{
	struct fwd fwd[MAX_FWD];
	int nfwd, r;
	SlirpConfig cfg = { .version = 1, .in_enabled = true };
	struct net_slirp *ns;
	void *lib;

	*out = NULL;
	r = parse_spec(spec, fwd, &nfwd, err, errlen);
	if (r)
		return r;
	lib = dlopen("libslirp.so.0", RTLD_NOW | RTLD_LOCAL);
	if (!lib) {
		snprintf(err, errlen, "user networking needs libslirp (libslirp0): %s", dlerror());
		return -ENOTSUP;
	}
	ns = calloc(1, sizeof(*ns));
	if (!ns)
		return -ENOMEM;
	ns->api.new_ = (__typeof__(ns->api.new_))dlsym(lib, "slirp_new");
	ns->api.pollfds_fill = (__typeof__(ns->api.pollfds_fill))dlsym(lib, "slirp_pollfds_fill");
	ns->api.pollfds_poll = (__typeof__(ns->api.pollfds_poll))dlsym(lib, "slirp_pollfds_poll");
	ns->api.input = (__typeof__(ns->api.input))dlsym(lib, "slirp_input");
	ns->api.add_hostfwd = (__typeof__(ns->api.add_hostfwd))dlsym(lib, "slirp_add_hostfwd");
	if (!ns->api.new_ || !ns->api.pollfds_fill || !ns->api.pollfds_poll || !ns->api.input ||
	    !ns->api.add_hostfwd) {
		snprintf(err, errlen, "libslirp.so.0 lacks the functions hvm needs");
		free(ns);
		return -ENOTSUP;
	}
	ns->dm_lock = dm_lock;
	ns->rx = rx;
	ns->rx_opaque = rx_opaque;
	ns->wakefd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (ns->wakefd < 0) {
		free(ns);
		return -errno;
	}
	inet_aton("10.0.2.0", &cfg.vnetwork);
	inet_aton("255.255.255.0", &cfg.vnetmask);
	inet_aton("10.0.2.2", &cfg.vhost);
	inet_aton("10.0.2.15", &cfg.vdhcp_start);
	inet_aton("10.0.2.3", &cfg.vnameserver);
	cfg.vhostname = "hvm";
	ns->slirp = ns->api.new_(&cfg, &callbacks, ns);
	if (!ns->slirp) {
		snprintf(err, errlen, "slirp_new failed");
		close(ns->wakefd);
		free(ns);
		return -EIO;
	}
	for (int i = 0; i < nfwd; i++) {
		if (ns->api.add_hostfwd(ns->slirp, fwd[i].udp, fwd[i].haddr, fwd[i].hport,
					fwd[i].gaddr, fwd[i].gport) < 0) {
			snprintf(err, errlen, "hostfwd: cannot listen on %s:%d", inet_ntoa(fwd[i].haddr),
				 fwd[i].hport);
			return -EADDRINUSE;
		}
	}
	*out = ns;
	return 0;
}

int net_slirp_start(struct net_slirp *ns)
{
	int r = pthread_create(&ns->thread, NULL, poll_thread, ns);
	if (r)
		return -r;
	ns->started = 1;
	return 0;
}

void net_slirp_input(void *opaque, const void *frame, size_t len)
{
	struct net_slirp *ns = opaque;
	ns->api.input(ns->slirp, frame, (int)len);
	/* New connections may have new sockets for the poll thread to watch. */
	wake(ns);
}

#endif

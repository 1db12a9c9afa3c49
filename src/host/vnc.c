/*
 * VNC server on libvncserver (Debian's libvncserver1, 0.9.14).  Like
 * net_slirp.c, the library is dlopen'ed ("libvncserver.so.1"): the build
 * needs only its header (and compiles the front end out without it), and the
 * hvm binary needs the library only when --vnc is given.  Its data
 * structures come from the header; the soname pins their ABI.
 *
 * The server runs on a thread of its own, and everything the library does
 * happens there.  The thread polls the listening socket, the viewers'
 * sockets and a wake-up eventfd, with a ~30 Hz tick while a viewer is
 * connected.  On a tick it takes the device-model lock only to render the
 * display source into a private frame; comparing that frame with the last
 * one, converting the changed bands into the library's framebuffer and
 * marking them happen after the lock is dropped.  Then libvncserver reads
 * the viewers' messages and sends their updates (rfbProcessEvents with a
 * zero timeout), all without the lock; its key and pointer callbacks take
 * the lock just to hand the event to the display source.  So a viewer that
 * stops reading (or stalls mid-message) holds up only this thread, for at
 * most rfbMaxClientWait (set to 500 ms) before libvncserver drops it; the
 * guest and its devices run on.
 *
 * hvm listens itself, for TCP (--vnc [HOST]:N, port 5900 + N, 127.0.0.1
 * by default) and for unix sockets (--vnc unix:PATH; 0.9.14 has no unix
 * listener), and hands each accepted socket to rfbNewClient.  A viewer that
 * goes away is just a closed client; the guest runs on.  vnc_stop wakes
 * the thread, joins it and then tears the library's state down.
 *
 * Not here: authentication or TLS (keep it on loopback or a private unix
 * socket), clipboard, audio, a cursor of our own (the guest draws its own).
 */
#define _GNU_SOURCE
#include "host/vnc.h"
#include "core/log.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <dlfcn.h>
#include <netdb.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#if __has_include(<rfb/rfb.h>)
#include <rfb/rfb.h>
#define HAVE_VNC_HEADER 1
#endif

#define VNC_PORT_BASE	5900
#define VNC_TICK_MS	33		/* ~30 Hz */
#define VNC_BAND	16		/* rows compared and marked together */
#define VNC_MAX_CLIENTS	8

struct vnc_spec {
	int is_unix;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	char host[256];
	int port;
};

static int parse_spec(const char *spec, struct vnc_spec *s, char *why, size_t whylen)
{
	const char *colon;
	char *end;
	long n;

	memset(s, 0, sizeof(*s));
	if (!strncmp(spec, "unix:", 5)) {
		if (!spec[5]) {
			snprintf(why, whylen, "unix: needs a socket path");
			return -1;
		}
		if (strlen(spec + 5) >= sizeof(s->path)) {
			snprintf(why, whylen, "socket path longer than %zu bytes", sizeof(s->path) - 1);
			return -1;
		}
		s->is_unix = 1;
		strcpy(s->path, spec + 5);
		return 0;
	}
	colon = strrchr(spec, ':');
	if (!colon) {
		snprintf(why, whylen, "must be :N, HOST:N or unix:PATH");
		return -1;
	}
	if ((size_t)(colon - spec) >= sizeof(s->host)) {
		snprintf(why, whylen, "host name too long");
		return -1;
	}
	errno = 0;
	n = strtol(colon + 1, &end, 10);
	if (!colon[1] || *end || errno || n < 0 || n > 65535 - VNC_PORT_BASE) {
		snprintf(why, whylen, "display number must be 0..%d", 65535 - VNC_PORT_BASE);
		return -1;
	}
	memcpy(s->host, spec, (size_t)(colon - spec));
	s->host[colon - spec] = 0;
	if (s->host[0] == '[' && s->host[strlen(s->host) - 1] == ']') {	/* [v6addr]:N */
		memmove(s->host, s->host + 1, strlen(s->host));
		s->host[strlen(s->host) - 1] = 0;
	}
	if (!s->host[0])
		strcpy(s->host, "127.0.0.1");
	s->port = VNC_PORT_BASE + (int)n;
	return 0;
}

int vnc_check_spec(const char *spec, char *why, size_t whylen)
{
	struct vnc_spec s;
	return parse_spec(spec, &s, why, whylen);
}

#ifndef HAVE_VNC_HEADER

int vnc_start(struct vnc **out, const char *spec, const struct display_src *src,
	      struct clock *clk, struct loop *loop, char *err, size_t errlen)
{
	snprintf(err, errlen, "hvm was built without libvncserver's header (libvncserver-dev)");
	return -ENOTSUP;
}

#else

#define VNC_STR2(x) #x
#define VNC_STR(x) VNC_STR2(x)

/* The library's entry points, looked up once. */
struct vnc_lib {
	__typeof__(rfbGetScreen) *get_screen;
	__typeof__(rfbInitServer) *init_server;
	__typeof__(rfbProcessEvents) *process_events;
	__typeof__(rfbMarkRectAsModified) *mark_rect;
	__typeof__(rfbNewFramebuffer) *new_framebuffer;
	__typeof__(rfbNewClient) *new_client;
	__typeof__(rfbShutdownServer) *shutdown_server;
	__typeof__(rfbScreenCleanup) *screen_cleanup;
	rfbLogProc *log, *err;
	int *max_client_wait;
};

/*
 * After vnc_start returns, every field but dm_lock, src and the stop
 * handshake (stop, wake_fd) belongs to the server thread.
 */
struct vnc {
	struct vnc_lib lib;
	const struct display_src *src;
	pthread_mutex_t *dm_lock;
	rfbScreenInfoPtr screen;
	int listen_fd, wake_fd;
	char unix_path[sizeof(((struct sockaddr_un *)0)->sun_path)];	/* "" for TCP */
	pthread_t thread;
	int running;
	int stop;			/* __atomic: vnc_stop asks the thread to end */
	struct fb cur;			/* the last render */
	uint32_t *vfb;			/* the library's framebuffer, in its pixel format */
	unsigned w, h;
	int nr_clients;
	int last_x, last_y;		/* pointer position last seen, -1: none yet */
	unsigned last_mask;		/* VNC button mask last seen */
};

static void vnc_log(const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	size_t n;

	if (log_verbosity < LOG_INFO)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	n = strlen(buf);
	while (n && buf[n - 1] == '\n')
		buf[--n] = 0;
	pr_info("vnc: %s", buf);
}

static int load_lib(struct vnc_lib *l, char *err, size_t errlen)
{
	void *h = dlopen("libvncserver.so.1", RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		snprintf(err, errlen, "cannot load libvncserver.so.1 (install libvncserver1): %s",
			 dlerror());
		return -ENOTSUP;
	}
#define SYM(field, name) \
	if (!(*(void **)&l->field = dlsym(h, name))) { \
		snprintf(err, errlen, "libvncserver.so.1 lacks %s", name); \
		return -ENOTSUP; \
	}
	SYM(get_screen, "rfbGetScreen");
	SYM(init_server, VNC_STR(rfbInitServer));
	SYM(process_events, "rfbProcessEvents");
	SYM(mark_rect, "rfbMarkRectAsModified");
	SYM(new_framebuffer, "rfbNewFramebuffer");
	SYM(new_client, "rfbNewClient");
	SYM(shutdown_server, "rfbShutdownServer");
	SYM(screen_cleanup, "rfbScreenCleanup");
	SYM(log, "rfbLog");
	SYM(err, "rfbErr");
	SYM(max_client_wait, "rfbMaxClientWait");
#undef SYM
	return 0;
}

/* 0x00RRGGBB -> the server pixel format (32 bpp, 8 bits per colour). */
static inline uint32_t conv(const rfbPixelFormat *f, uint32_t p)
{
	return ((p >> 16) & 0xff) << f->redShift | ((p >> 8) & 0xff) << f->greenShift |
	       (p & 0xff) << f->blueShift;
}

/* Copy the changed parts of cur into vfb and mark them. */
static void diff_and_mark(struct vnc *v)
{
	const rfbPixelFormat *f = &v->screen->serverFormat;

	for (unsigned y0 = 0; y0 < v->h; y0 += VNC_BAND) {
		unsigned y1 = y0 + VNC_BAND < v->h ? y0 + VNC_BAND : v->h;
		unsigned x0 = v->w, x1 = 0;
		for (unsigned y = y0; y < y1; y++) {
			const uint32_t *s = v->cur.px + (size_t)y * v->w;
			uint32_t *d = v->vfb + (size_t)y * v->w;
			for (unsigned x = 0; x < v->w; x++) {
				uint32_t p = conv(f, s[x]);
				if (d[x] != p) {
					d[x] = p;
					if (x < x0)
						x0 = x;
					if (x >= x1)
						x1 = x + 1;
				}
			}
		}
		if (x1 > x0)
			v->lib.mark_rect(v->screen, (int)x0, (int)y0, (int)x1, (int)y1);
	}
}

/* A new mode size: a new framebuffer for the library (it tells the clients). */
static int resize(struct vnc *v, unsigned w, unsigned h)
{
	uint32_t *nfb = calloc((size_t)w * h, sizeof(*nfb));
	const rfbPixelFormat *f;

	if (!nfb)
		return -ENOMEM;
	v->lib.new_framebuffer(v->screen, (char *)nfb, (int)w, (int)h, 8, 3, 4);
	free(v->vfb);
	v->vfb = nfb;
	v->w = w;
	v->h = h;
	f = &v->screen->serverFormat;
	for (size_t i = 0; i < (size_t)w * h; i++)
		nfb[i] = conv(f, v->cur.px[i]);
	v->lib.mark_rect(v->screen, 0, 0, (int)w, (int)h);
	return 0;
}

/*
 * Render and hand what changed to the library.  Only the render holds the
 * device-model lock: it writes cur, which nothing else touches.
 */
static void refresh(struct vnc *v)
{
	int changed;

	pthread_mutex_lock(v->dm_lock);
	changed = v->src->render(v->src->opaque, &v->cur);
	pthread_mutex_unlock(v->dm_lock);
	if (!v->cur.w || !v->cur.h || !v->cur.px)
		return;
	if (v->cur.w != v->w || v->cur.h != v->h) {
		if (resize(v, v->cur.w, v->cur.h))
			pr_warn("vnc: no memory for a %ux%u frame", v->cur.w, v->cur.h);
	} else if (changed) {
		diff_and_mark(v);
	}
}

static void vnc_key(rfbBool down, rfbKeySym sym, rfbClientPtr cl)
{
	struct vnc *v = cl->screen->screenData;
	unsigned code = vnc_keysym_to_code((unsigned)sym);

	if (!code || !v->src->key)
		return;
	pthread_mutex_lock(v->dm_lock);
	v->src->key(v->src->opaque, code, !!down);
	pthread_mutex_unlock(v->dm_lock);
}

static void vnc_pointer(int mask, int x, int y, rfbClientPtr cl)
{
	struct vnc *v = cl->screen->screenData;
	unsigned m = (unsigned)mask, pressed = m & ~v->last_mask;
	/* VNC: 1 left, 2 middle, 4 right, 8 wheel up, 16 wheel down. */
	unsigned buttons = (m & 1) | (m & 4 ? 2 : 0) | (m & 2 ? 4 : 0);
	int dz = (pressed & 16 ? 1 : 0) - (pressed & 8 ? 1 : 0);
	int dx = v->last_x < 0 ? 0 : x - v->last_x, dy = v->last_y < 0 ? 0 : y - v->last_y;

	v->last_x = x;
	v->last_y = y;
	v->last_mask = m;
	if (!v->src->pointer)
		return;
	pthread_mutex_lock(v->dm_lock);
	v->src->pointer(v->src->opaque, dx, dy, dz, buttons);
	pthread_mutex_unlock(v->dm_lock);
}

static void vnc_client_gone(rfbClientPtr cl)
{
	struct vnc *v = cl->screen->screenData;
	v->nr_clients--;
	pr_info("vnc: viewer left (%d left)", v->nr_clients);
}

static enum rfbNewClientAction vnc_new_client(rfbClientPtr cl)
{
	struct vnc *v = cl->screen->screenData;
	if (v->nr_clients >= VNC_MAX_CLIENTS)
		return RFB_CLIENT_REFUSE;
	v->nr_clients++;
	cl->clientGoneHook = vnc_client_gone;
	pr_info("vnc: viewer connected (%d)", v->nr_clients);
	return RFB_CLIENT_ACCEPT;
}

static void vnc_accept(struct vnc *v)
{
	int c = accept4(v->listen_fd, NULL, NULL, SOCK_CLOEXEC);

	if (c < 0)
		return;
	/* The size the viewer is told must be the mode's: not every viewer can resize. */
	refresh(v);
	if (!v->lib.new_client(v->screen, c))
		pr_info("vnc: viewer refused");
}

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Room for the wake-up and listening sockets and every viewer's. */
#define VNC_POLL_FDS	(2 + 2 * VNC_MAX_CLIENTS)

static void *vnc_thread(void *opaque)
{
	struct vnc *v = opaque;
	uint64_t next_tick = now_ms();

	while (!__atomic_load_n(&v->stop, __ATOMIC_ACQUIRE)) {
		struct pollfd pfd[VNC_POLL_FDS];
		int n = 0, timeout = -1;
		uint64_t now;

		pfd[n++] = (struct pollfd){ .fd = v->wake_fd, .events = POLLIN };
		pfd[n++] = (struct pollfd){ .fd = v->listen_fd, .events = POLLIN };
		/* Only this thread adds or drops clients: the list is stable here. */
		for (rfbClientPtr cl = v->screen->clientHead; cl && n < VNC_POLL_FDS; cl = cl->next)
			if (cl->sock >= 0)
				pfd[n++] = (struct pollfd){ .fd = cl->sock, .events = POLLIN };
		if (v->nr_clients) {
			now = now_ms();
			timeout = next_tick > now ? (int)(next_tick - now) : 0;
		}
		if (poll(pfd, (nfds_t)n, timeout) < 0 && errno != EINTR) {
			pr_err("vnc: poll: %m");
			break;
		}
		if (pfd[0].revents) {
			uint64_t cnt;
			if (read(v->wake_fd, &cnt, sizeof(cnt)) < 0 && errno != EAGAIN)
				pr_warn("vnc: wake-up: %m");
			continue;	/* check stop */
		}
		if (pfd[1].revents & POLLIN)
			vnc_accept(v);
		now = now_ms();
		if (!v->nr_clients) {
			next_tick = now;
		} else if (now >= next_tick) {
			refresh(v);
			next_tick = now + VNC_TICK_MS;
		}
		/* Viewers' messages in, updates out; may block on a slow viewer, without the lock. */
		if (v->screen->clientHead)
			v->lib.process_events(v->screen, 0);
	}
	return NULL;
}

static int listen_unix(const char *path, char *err, size_t errlen)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	struct stat st;
	int fd;

	if (!lstat(path, &st)) {
		if (!S_ISSOCK(st.st_mode)) {
			snprintf(err, errlen, "%s exists and is not a socket", path);
			return -EEXIST;
		}
		unlink(path);	/* a stale socket from an earlier run */
	}
	strcpy(a.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) || listen(fd, 4)) {
		int e = errno;
		snprintf(err, errlen, "cannot listen on %s: %s", path, strerror(e));
		if (fd >= 0)
			close(fd);
		return -e;
	}
	return fd;
}

static int listen_tcp(const char *host, int port, char *err, size_t errlen)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICSERV };
	struct addrinfo *res, *ai;
	char ps[8];
	int fd = -1, e = 0, r, one = 1;

	snprintf(ps, sizeof(ps), "%d", port);
	r = getaddrinfo(host, ps, &hints, &res);
	if (r) {
		snprintf(err, errlen, "%s: %s", host, gai_strerror(r));
		return -EINVAL;
	}
	for (ai = res; ai; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
		if (fd < 0) {
			e = errno;
			continue;
		}
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (!bind(fd, ai->ai_addr, ai->ai_addrlen) && !listen(fd, 4))
			break;
		e = errno;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0) {
		snprintf(err, errlen, "cannot listen on %s port %d: %s", host, port, strerror(e));
		return -(e ? e : EINVAL);
	}
	return fd;
}

int vnc_start(struct vnc **out, const char *spec, const struct display_src *src,
	      struct clock *clk, struct loop *loop, char *err, size_t errlen)
{
	struct vnc_spec s;
	struct vnc *v;
	int argc = 1, r;
	char *argv[] = { (char *)"hvm", NULL };

	if (parse_spec(spec, &s, err, errlen))
		return -EINVAL;
	if (!src || !src->render) {
		snprintf(err, errlen, "there is no display (leave out --vga none)");
		return -EINVAL;
	}
	v = calloc(1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	v->src = src;
	v->clk = clk;
	v->listen_fd = -1;
	v->last_x = v->last_y = -1;
	r = load_lib(&v->lib, err, errlen);
	if (r)
		goto fail;
	*v->lib.log = vnc_log;
	*v->lib.err = vnc_log;
	*v->lib.max_client_wait = 500;
	/* A viewer closing its socket must not kill hvm. */
	signal(SIGPIPE, SIG_IGN);

	v->listen_fd = s.is_unix ? listen_unix(s.path, err, errlen) :
				   listen_tcp(s.host, s.port, err, errlen);
	if (v->listen_fd < 0) {
		r = v->listen_fd;
		goto fail;
	}
	/* Start at 640x480 black until the first render says otherwise. */
	v->w = 640;
	v->h = 480;
	v->vfb = calloc((size_t)v->w * v->h, sizeof(*v->vfb));
	v->screen = v->vfb ? v->lib.get_screen(&argc, argv, (int)v->w, (int)v->h, 8, 3, 4) : NULL;
	if (!v->screen) {
		snprintf(err, errlen, "out of memory");
		r = -ENOMEM;
		goto fail;
	}
	v->screen->frameBuffer = (char *)v->vfb;
	v->screen->desktopName = "hvm";
	v->screen->screenData = v;
	v->screen->autoPort = FALSE;
	v->screen->port = 0;		/* hvm listens itself */
	v->screen->ipv6port = 0;
	v->screen->httpPort = 0;
	v->screen->alwaysShared = TRUE;
	v->screen->cursor = NULL;
	v->screen->kbdAddEvent = vnc_key;
	v->screen->ptrAddEvent = vnc_pointer;
	v->screen->newClientHook = vnc_new_client;
	v->lib.init_server(v->screen);

	v->tick = timer_new(clk, vnc_tick, v);
	if (!v->tick || (r = loop_add_fd(loop, v->listen_fd, EPOLLIN, vnc_accept, v)) < 0) {
		snprintf(err, errlen, "cannot watch the listening socket");
		r = -ENOMEM;
		goto fail;
	}
	timer_mod(v->tick, clock_now(clk) + VNC_TICK_NS);
	if (s.is_unix)
		pr_info("vnc: listening on unix:%s", s.path);
	else
		pr_info("vnc: listening on %s port %d", s.host, s.port);
	*out = v;
	return 0;
fail:
	if (v->listen_fd >= 0)
		close(v->listen_fd);
	free(v->vfb);
	free(v);
	return r;
}

#endif

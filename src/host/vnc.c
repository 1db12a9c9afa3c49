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
 * stops reading (or stalls mid-message) holds up only this thread and the
 * other viewers, never the guest: libvncserver drops a viewer after a
 * message stalled half-read for rfbMaxClientWait (set to 500 ms), or after
 * 5 s in which a write made no progress (its fixed select step).
 *
 * hvm listens itself, for TCP (--vnc [HOST]:N, port 5900 + N, 127.0.0.1
 * by default) and for unix sockets (--vnc unix:PATH; 0.9.14 has no unix
 * listener), and hands each accepted socket to rfbNewClient.  A viewer that
 * goes away is just a closed client; the guest runs on.  vnc_stop wakes
 * the thread, shuts the viewers' sockets down (through dups kept for the
 * purpose) and, until it ends, kicks it with a signal: a write libvncserver
 * is waiting on (select, which no signal restarts) then fails with EPIPE
 * at once, even on a unix socket, whose select never reports a shut-down
 * socket writable.  Then it tears the library's state down.
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
#include <fcntl.h>
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
#define VNC_KICK_SIGNAL	SIGUSR2	/* interrupts the thread's select (SIGUSR1: KVM kicks) */
#define VNC_KICK_MS	20

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
	      pthread_mutex_t *dm_lock, char *err, size_t errlen)
{
	snprintf(err, errlen, "hvm was built without libvncserver's header (libvncserver-dev)");
	return -ENOTSUP;
}

void vnc_stop(struct vnc *v)
{
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
	/*
	 * A dup of each viewer's socket, so that vnc_stop can shut the
	 * connections down under a thread stuck writing to one (libvncserver
	 * waits on a full socket in 5 s steps).  Under fds_lock: the thread
	 * fills and closes them, vnc_stop shuts them down.
	 */
	pthread_mutex_t fds_lock;
	int dup_fd[VNC_MAX_CLIENTS];
	int pending_fd;			/* the dup for the client being added, or -1 */
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
	int *slot = cl->clientData;

	pthread_mutex_lock(&v->fds_lock);
	if (slot && *slot >= 0) {
		close(*slot);
		*slot = -1;
	}
	pthread_mutex_unlock(&v->fds_lock);
	v->nr_clients--;
	pr_info("vnc: viewer left (%d left)", v->nr_clients);
}

static enum rfbNewClientAction vnc_new_client(rfbClientPtr cl)
{
	struct vnc *v = cl->screen->screenData;
	int i;

	if (v->nr_clients >= VNC_MAX_CLIENTS)
		return RFB_CLIENT_REFUSE;
	pthread_mutex_lock(&v->fds_lock);
	for (i = 0; i < VNC_MAX_CLIENTS && v->dup_fd[i] >= 0; i++)
		;
	if (v->pending_fd >= 0 && i < VNC_MAX_CLIENTS) {	/* at most one slot per client */
		v->dup_fd[i] = v->pending_fd;
		v->pending_fd = -1;
		cl->clientData = &v->dup_fd[i];
	}
	pthread_mutex_unlock(&v->fds_lock);
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
	v->pending_fd = fcntl(c, F_DUPFD_CLOEXEC, 0);
	if (!v->lib.new_client(v->screen, c))
		pr_info("vnc: viewer refused");
	if (v->pending_fd >= 0) {	/* not taken by vnc_new_client */
		close(v->pending_fd);
		v->pending_fd = -1;
	}
}

static void vnc_kick(int sig)
{
	(void)sig;	/* only there to interrupt a system call */
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

/* Undo vnc_start; the thread, if any, has ended. */
static void vnc_free(struct vnc *v)
{
	if (v->screen) {
		v->lib.shutdown_server(v->screen, TRUE);	/* drops the viewers */
		v->lib.screen_cleanup(v->screen);
	}
	if (v->listen_fd >= 0) {
		close(v->listen_fd);
		if (v->unix_path[0])
			unlink(v->unix_path);
	}
	if (v->wake_fd >= 0)
		close(v->wake_fd);
	fb_free(&v->cur);
	free(v->vfb);
	pthread_mutex_destroy(&v->fds_lock);
	free(v);
}

int vnc_start(struct vnc **out, const char *spec, const struct display_src *src,
	      pthread_mutex_t *dm_lock, char *err, size_t errlen)
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
	v->dm_lock = dm_lock;
	v->listen_fd = -1;
	v->last_x = v->last_y = -1;
	v->pending_fd = -1;
	for (int i = 0; i < VNC_MAX_CLIENTS; i++)
		v->dup_fd[i] = -1;
	pthread_mutex_init(&v->fds_lock, NULL);
	v->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (v->wake_fd < 0) {
		r = -errno;
		snprintf(err, errlen, "eventfd: %s", strerror(-r));
		goto fail;
	}
	r = load_lib(&v->lib, err, errlen);
	if (r)
		goto fail;
	*v->lib.log = vnc_log;
	*v->lib.err = vnc_log;
	*v->lib.max_client_wait = 500;
	/* A viewer closing its socket must not kill hvm. */
	signal(SIGPIPE, SIG_IGN);
	{
		struct sigaction sa = { .sa_handler = vnc_kick };
		sigemptyset(&sa.sa_mask);
		sigaction(VNC_KICK_SIGNAL, &sa, NULL);
	}

	v->listen_fd = s.is_unix ? listen_unix(s.path, err, errlen) :
				   listen_tcp(s.host, s.port, err, errlen);
	if (v->listen_fd < 0) {
		r = v->listen_fd;
		goto fail;
	}
	if (s.is_unix)
		strcpy(v->unix_path, s.path);
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
	v->screen->deferUpdateTime = 0;	/* the tick paces updates already */
	v->screen->kbdAddEvent = vnc_key;
	v->screen->ptrAddEvent = vnc_pointer;
	v->screen->newClientHook = vnc_new_client;
	v->lib.init_server(v->screen);

	r = -pthread_create(&v->thread, NULL, vnc_thread, v);
	if (r) {
		snprintf(err, errlen, "cannot start the VNC thread: %s", strerror(-r));
		goto fail;
	}
	v->running = 1;
	if (s.is_unix)
		pr_info("vnc: listening on unix:%s", s.path);
	else
		pr_info("vnc: listening on %s port %d", s.host, s.port);
	*out = v;
	return 0;
fail:
	vnc_free(v);
	return r;
}

void vnc_stop(struct vnc *v)
{
	uint64_t one = 1;

	if (!v)
		return;
	if (v->running) {
		__atomic_store_n(&v->stop, 1, __ATOMIC_RELEASE);
		if (write(v->wake_fd, &one, sizeof(one)) < 0)
			pr_warn("vnc: cannot wake the server thread: %m");
		/* Fail whatever read or write the thread may be stuck in... */
		pthread_mutex_lock(&v->fds_lock);
		for (int i = 0; i < VNC_MAX_CLIENTS; i++)
			if (v->dup_fd[i] >= 0)
				shutdown(v->dup_fd[i], SHUT_RDWR);
		pthread_mutex_unlock(&v->fds_lock);
		/* ...and get it out of a select on one: a kick until it has ended. */
		for (;;) {
			struct timespec ts;
			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_nsec += VNC_KICK_MS * 1000000L;
			if (ts.tv_nsec >= 1000000000L) {
				ts.tv_sec++;
				ts.tv_nsec -= 1000000000L;
			}
			if (pthread_timedjoin_np(v->thread, NULL, &ts) != ETIMEDOUT)
				break;
			pthread_kill(v->thread, VNC_KICK_SIGNAL);
		}
	}
	vnc_free(v);
}

#endif

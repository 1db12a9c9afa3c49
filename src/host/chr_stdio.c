/*
 * Console backends.  On a terminal stdin is put in raw mode (restored at
 * exit, including on fatal signals) and Ctrl-A starts a command key, like
 * QEMU's -nographic: x quits, h lists the keys, Ctrl-A sends a literal Ctrl-A.
 * Output is written synchronously from the vCPU thread, so it is never lost
 * or reordered; a slow terminal slows the guest instead.
 */
#include "host/chr_host.h"
#include "core/log.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <termios.h>
#include <unistd.h>

#define ESC_KEY 0x01	/* Ctrl-A */

struct chr_fd {
	struct chr c;		/* must be first */
	int in_fd, out_fd;
	int is_tty, escape, in_paused, in_eof;
	struct loop *loop;
	const struct vm_ctl *ctl;
};

static struct termios saved_tio;
static int tio_saved;

static void tty_restore(void)
{
	if (tio_saved)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved_tio);
}

static void fatal_signal(int sig)
{
	tty_restore();
	signal(sig, SIG_DFL);
	raise(sig);
}

static void tty_raw(void)
{
	struct termios t;
	if (tcgetattr(STDIN_FILENO, &saved_tio))
		return;
	tio_saved = 1;
	atexit(tty_restore);
	signal(SIGTERM, fatal_signal);
	signal(SIGHUP, fatal_signal);
	signal(SIGSEGV, fatal_signal);
	signal(SIGABRT, fatal_signal);
	t = saved_tio;
	cfmakeraw(&t);
	t.c_oflag |= OPOST | ONLCR;	/* host-side messages still get CR-LF */
	tcsetattr(STDIN_FILENO, TCSANOW, &t);
}

static void write_all(int fd, const uint8_t *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN) {
				usleep(1000);
				continue;
			}
			return;	/* closed pipe: nothing more can be shown */
		}
		buf += n;
		len -= n;
	}
}

static void fd_write(struct chr *c, const uint8_t *buf, size_t len)
{
	struct chr_fd *f = (struct chr_fd *)c;
	if (f->out_fd >= 0)
		write_all(f->out_fd, buf, len);
}

static void fd_close(struct chr *c)
{
	struct chr_fd *f = (struct chr_fd *)c;
	if (f->loop && f->in_fd >= 0)
		loop_del_fd(f->loop, f->in_fd);
	if (f->out_fd > STDERR_FILENO)
		close(f->out_fd);
}

static const struct chr_ops fd_ops = { .write = fd_write, .close = fd_close };

static void help(struct chr_fd *f)
{
	static const char msg[] =
		"\r\nC-a h    print this help\r\n"
		"C-a x    quit hvm\r\n"
		"C-a C-a  send C-a to the guest\r\n";
	write_all(STDERR_FILENO, (const uint8_t *)msg, sizeof(msg) - 1);
	(void)f;
}

/* Escape processing: returns the number of bytes left in buf for the guest. */
static size_t filter_escapes(struct chr_fd *f, uint8_t *buf, size_t n)
{
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		uint8_t ch = buf[i];
		if (f->escape) {
			f->escape = 0;
			switch (ch) {
			case 'x': case 'X':
				write_all(STDERR_FILENO, (const uint8_t *)"\r\nhvm: terminated by C-a x\r\n", 28);
				vmctl_request(f->ctl, VMREQ_QUIT, 0, "C-a x");
				return o;
			case 'h': case 'H': case '?':
				help(f);
				continue;
			case ESC_KEY:
				buf[o++] = ESC_KEY;
				continue;
			default:
				continue;
			}
		}
		if (ch == ESC_KEY) {
			f->escape = 1;
			continue;
		}
		buf[o++] = ch;
	}
	return o;
}

static void fd_input(void *opaque, int fd, uint32_t events)
{
	struct chr_fd *f = opaque;
	uint8_t buf[64];
	size_t room = f->c.fe.can_receive ? f->c.fe.can_receive(f->c.fe.opaque) : 0;
	ssize_t n;

	if (!room) {
		/* The device is full: stop polling until it asks for more. */
		loop_mod_fd(f->loop, fd, 0);
		f->in_paused = 1;
		return;
	}
	if (room > sizeof(buf))
		room = sizeof(buf);
	n = read(fd, buf, room);
	if (n <= 0) {
		if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
			loop_del_fd(f->loop, fd);
			f->in_eof = 1;
		}
		return;
	}
	if (f->is_tty)
		n = filter_escapes(f, buf, n);
	if (n > 0 && f->c.fe.receive)
		f->c.fe.receive(f->c.fe.opaque, buf, n);
	(void)events;
}

static void fd_kick(struct chr *c)
{
	struct chr_fd *f = (struct chr_fd *)c;
	if (f->in_paused && !f->in_eof) {
		f->in_paused = 0;
		loop_mod_fd(f->loop, f->in_fd, EPOLLIN);
	}
}

struct chr *chr_stdio_new(struct loop *loop, const struct vm_ctl *ctl)
{
	struct chr_fd *f = calloc(1, sizeof(*f));
	if (!f)
		return NULL;
	f->c.ops = &fd_ops;
	f->c.kick = fd_kick;
	f->out_fd = STDOUT_FILENO;
	f->in_fd = STDIN_FILENO;
	f->loop = loop;
	f->ctl = ctl;
	f->is_tty = isatty(STDIN_FILENO);
	if (f->is_tty)
		tty_raw();
	/* Non-blocking input so a short read never stalls the I/O thread. */
	fcntl(STDIN_FILENO, F_SETFL, fcntl(STDIN_FILENO, F_GETFL) | O_NONBLOCK);
	if (loop_add_fd(loop, STDIN_FILENO, EPOLLIN, fd_input, f) < 0) {
		/* e.g. stdin is a regular file or /dev/null: epoll refuses it; no input. */
		f->in_fd = -1;
		f->in_eof = 1;
	}
	return &f->c;
}

struct chr *chr_file_new(const char *path)
{
	struct chr_fd *f = calloc(1, sizeof(*f));
	if (!f)
		return NULL;
	f->c.ops = &fd_ops;
	f->in_fd = -1;
	f->in_eof = 1;
	f->out_fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (f->out_fd < 0) {
		int e = errno;
		free(f);
		errno = e;
		return NULL;
	}
	return &f->c;
}

void chr_free(struct chr *c)
{
	if (!c)
		return;
	if (c->ops->close)
		c->ops->close(c);
	free(c);
}

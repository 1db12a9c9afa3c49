/*
 * tap backend for a virtio-net NIC, through the Linux tun/tap driver's
 * character device (/dev/net/tun, TUNSETIFF with IFF_TAP | IFF_NO_PI): each
 * read() is one Ethernet frame from the host side, each write() sends one.
 * The fd is non-blocking and watched by the host I/O thread; frames the
 * guest cannot take (no receive buffer posted) are dropped, and so are
 * frames for a full tap queue, as a real NIC's would be.
 *
 * Not here: IFF_VNET_HDR offloads (checksum, TSO), multiqueue, creating or
 * bridging the device (the user's network setup does that).
 */
#define _GNU_SOURCE
#include "host/net_tap.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "core/log.h"
#include "core/loop.h"

/* Largest frame read from the tap: a 64 KiB MTU plus the Ethernet header. */
#define TAP_FRAME_MAX	(65536 + 14)
/* Frames handled per wake-up, so the I/O thread's other fds get their turn. */
#define TAP_RX_BURST	64

struct net_tap {
	int fd;
	struct loop *loop;
	net_rx_fn rx;
	void *rx_opaque;
	char ifname[IFNAMSIZ];
	unsigned char buf[TAP_FRAME_MAX];
};

int net_tap_check_spec(const char *spec, char *err, size_t errlen)
{
	const char *name;
	size_t len;

	if (strncmp(spec, "tap:", 4)) {
		snprintf(err, errlen, "not a tap network spec (tap:IFNAME)");
		return -EINVAL;
	}
	name = spec + 4;
	len = strlen(name);
	if (!len || len >= IFNAMSIZ) {
		snprintf(err, errlen, "want tap:IFNAME with a name of 1 to %d characters", IFNAMSIZ - 1);
		return -EINVAL;
	}
	/* The kernel's own rule for interface names. */
	if (!strcmp(name, ".") || !strcmp(name, "..") || strpbrk(name, "/: \t\n")) {
		snprintf(err, errlen, "'%s' is not a valid interface name", name);
		return -EINVAL;
	}
	return 0;
}

static void tap_readable(void *opaque, int fd, uint32_t events)
{
	struct net_tap *nt = opaque;
	(void)events;
	for (int i = 0; i < TAP_RX_BURST; i++) {
		ssize_t n = read(fd, nt->buf, sizeof(nt->buf));
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		if (n <= 0) {
			/* The device was deleted under us: stop, or level-triggered epoll would spin. */
			pr_err("tap '%s': %s; the NIC is cut off", nt->ifname,
			       n ? strerror(errno) : "end of file");
			loop_del_fd(nt->loop, fd);
			return;
		}
		nt->rx(nt->rx_opaque, nt->buf, (size_t)n);
	}
}

void net_tap_input(void *opaque, const void *frame, size_t len)
{
	struct net_tap *nt = opaque;
	if (write(nt->fd, frame, len) < 0) {
		/* EAGAIN (queue full) or EIO (link down): the frame is lost on the wire. */
	}
}

static void setiff_error(int e, const char *name, char *err, size_t errlen)
{
	switch (e) {
	case EPERM:
	case EACCES:
		snprintf(err, errlen, "tap '%s': permission denied (needs CAP_NET_ADMIN, or "
			 "`ip tuntap add %s mode tap user $USER` beforehand)", name, name);
		break;
	case EBUSY:
		snprintf(err, errlen, "tap '%s': in use by another process", name);
		break;
	case EINVAL:
		snprintf(err, errlen, "'%s' exists and is not a tap device", name);
		break;
	default:
		snprintf(err, errlen, "tap '%s': TUNSETIFF: %s", name, strerror(e));
	}
}

int net_tap_new(struct net_tap **out, const char *spec, struct loop *loop, net_rx_fn rx,
		void *rx_opaque, char *err, size_t errlen)
{
	struct ifreq ifr;
	struct net_tap *nt;
	int r;

	*out = NULL;
	r = net_tap_check_spec(spec, err, errlen);
	if (r)
		return r;
	if (!loop) {
		snprintf(err, errlen, "tap networking needs the host I/O thread");
		return -EINVAL;
	}
	nt = calloc(1, sizeof(*nt));
	if (!nt)
		return -ENOMEM;
	snprintf(nt->ifname, sizeof(nt->ifname), "%s", spec + 4);
	nt->loop = loop;
	nt->rx = rx;
	nt->rx_opaque = rx_opaque;
	nt->fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (nt->fd < 0) {
		r = -errno;
		if (r == -ENOENT || r == -ENODEV || r == -ENXIO)
			snprintf(err, errlen, "no /dev/net/tun (is the tun module loaded?)");
		else if (r == -EACCES || r == -EPERM)
			snprintf(err, errlen, "/dev/net/tun: permission denied");
		else
			snprintf(err, errlen, "/dev/net/tun: %s", strerror(-r));
		free(nt);
		return r;
	}
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	memcpy(ifr.ifr_name, nt->ifname, sizeof(ifr.ifr_name));
	if (ioctl(nt->fd, TUNSETIFF, &ifr) < 0) {
		r = -errno;
		setiff_error(-r, nt->ifname, err, errlen);
		close(nt->fd);
		free(nt);
		return r;
	}
	r = loop_add_fd(loop, nt->fd, EPOLLIN, tap_readable, nt);
	if (r) {
		snprintf(err, errlen, "tap '%s': cannot watch its fd: %s", nt->ifname, strerror(-r));
		close(nt->fd);
		free(nt);
		return r;
	}
	*out = nt;
	return 0;
}

void net_tap_free(struct net_tap *nt)
{
	if (!nt)
		return;
	loop_del_fd(nt->loop, nt->fd);
	close(nt->fd);
	free(nt);
}

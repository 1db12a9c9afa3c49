/*
 * tap backend: --net tap:IFNAME specs are checked (empty, too long, names
 * the kernel refuses); without an I/O loop it refuses.  When the test may
 * make a network namespace (root), a tap created there carries a frame each
 * way: one written by the "guest" appears on a packet socket bound to the
 * interface, and one sent on that socket reaches the rx callback through the
 * event loop.
 */
#define _GNU_SOURCE
#include "test.h"
#include "core/loop.h"
#include "host/net_tap.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <pthread.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static char err[200];

TEST(spec_check)
{
	CHECK_EQ(net_tap_check_spec("tap:tap0", err, sizeof(err)), 0);
	CHECK_EQ(net_tap_check_spec("tap:abcdefghijklmno", err, sizeof(err)), 0);	/* 15 */
	CHECK_EQ(net_tap_check_spec("tap:abcdefghijklmnop", err, sizeof(err)), -EINVAL);	/* 16 */
	CHECK_EQ(net_tap_check_spec("tap:", err, sizeof(err)), -EINVAL);
	CHECK(err[0]);
	CHECK_EQ(net_tap_check_spec("tap", err, sizeof(err)), -EINVAL);
	CHECK_EQ(net_tap_check_spec("user", err, sizeof(err)), -EINVAL);
	CHECK_EQ(net_tap_check_spec("tap:a/b", err, sizeof(err)), -EINVAL);
	CHECK_EQ(net_tap_check_spec("tap:a b", err, sizeof(err)), -EINVAL);
	CHECK_EQ(net_tap_check_spec("tap:a:b", err, sizeof(err)), -EINVAL);
	CHECK_EQ(net_tap_check_spec("tap:.", err, sizeof(err)), -EINVAL);
	CHECK_EQ(net_tap_check_spec("tap:..", err, sizeof(err)), -EINVAL);
}

static void rx_none(void *o, const void *f, size_t l) { (void)o; (void)f; (void)l; }

TEST(needs_loop)
{
	struct net_tap *nt = (struct net_tap *)&nt;
	CHECK_EQ(net_tap_new(&nt, "tap:tap0", NULL, rx_none, NULL, err, sizeof(err)), -EINVAL);
	CHECK(nt == NULL);
	CHECK_EQ(net_tap_new(&nt, "tap:", NULL, rx_none, NULL, err, sizeof(err)), -EINVAL);
}

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned char got[2048];
static volatile size_t got_len;

static void rx_keep(void *o, const void *f, size_t l)
{
	(void)o;
	/* Only our test frame: the kernel may send its own (IPv6 router solicitations). */
	if (l >= 14 && !memcmp((const unsigned char *)f + 12, "\x88\xb5", 2) && l <= sizeof(got)) {
		memcpy(got, f, l);
		got_len = l;
	}
}

static void make_frame(unsigned char *f, unsigned char tag)
{
	memset(f, 0, 60);
	memset(f, 0xff, 6);			/* broadcast */
	memcpy(f + 6, "\x02\x00\x00\x00\x00\x01", 6);
	memcpy(f + 12, "\x88\xb5", 2);		/* local experimental ethertype */
	memset(f + 14, tag, 46);
}

TEST(frames_both_ways)
{
	struct loop *l;
	struct net_tap *nt;
	struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_protocol = htons(0x88b5) };
	struct ifreq ifr = { 0 };
	unsigned char f[60], in[2048];
	int ps, ctl, r;
	ssize_t n;

	if (geteuid() != 0 || unshare(CLONE_NEWNET) < 0) {
		printf("  (skipped frames_both_ways: needs root for a network namespace)\n");
		return;
	}
	l = loop_new(&lock, NULL);
	CHECK(l != NULL);
	r = net_tap_new(&nt, "tap:hvmt0", l, rx_keep, NULL, err, sizeof(err));
	if (r == -ENOENT || r == -ENODEV) {
		printf("  (skipped frames_both_ways: %s)\n", err);
		loop_free(l);
		return;
	}
	CHECK_EQ(r, 0);
	ctl = socket(AF_INET, SOCK_DGRAM, 0);
	CHECK(ctl >= 0);
	strcpy(ifr.ifr_name, "hvmt0");
	CHECK_EQ(ioctl(ctl, SIOCGIFFLAGS, &ifr), 0);
	ifr.ifr_flags |= IFF_UP;
	CHECK_EQ(ioctl(ctl, SIOCSIFFLAGS, &ifr), 0);
	ps = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK, htons(0x88b5));
	CHECK(ps >= 0);
	sll.sll_ifindex = (int)if_nametoindex("hvmt0");
	CHECK(sll.sll_ifindex > 0);
	CHECK_EQ(bind(ps, (struct sockaddr *)&sll, sizeof(sll)), 0);
	CHECK_EQ(loop_start(l), 0);

	/* Guest to host. */
	make_frame(f, 0x5a);
	net_tap_input(nt, f, sizeof(f));
	n = -1;
	for (int i = 0; i < 200 && n < 0; i++) {
		n = recv(ps, in, sizeof(in), 0);
		if (n < 0)
			usleep(10000);
	}
	CHECK_EQ(n, 60);
	CHECK(!memcmp(in, f, 60));

	/* Host to guest, through the loop thread. */
	make_frame(f, 0xa5);
	sll.sll_halen = 6;
	memset(sll.sll_addr, 0xff, 6);
	CHECK_EQ(sendto(ps, f, sizeof(f), 0, (struct sockaddr *)&sll, sizeof(sll)), 60);
	for (int i = 0; i < 200 && !got_len; i++)
		usleep(10000);
	pthread_mutex_lock(&lock);
	n = (ssize_t)got_len;
	memcpy(in, got, sizeof(got));
	pthread_mutex_unlock(&lock);
	CHECK_EQ(n, 60);
	CHECK(!memcmp(in, f, 60));

	loop_stop(l);
	net_tap_free(nt);
	loop_free(l);
	close(ps);
	close(ctl);
}

TEST_MAIN_BEGIN("net_tap")
	RUN(spec_check);
	RUN(needs_loop);
	RUN(frames_both_ways);
TEST_MAIN_END()

/*
 * User-mode networking through libslirp (loaded at run time with dlopen, so
 * hvm builds and runs without it): the guest sits on 10.0.2.0/24 with the
 * host as 10.0.2.2 (gateway; its loopback is reachable there), DNS at
 * 10.0.2.3 and DHCP handing out 10.0.2.15.  Every slirp call runs under the
 * device-model lock; a thread of its own polls slirp's sockets.
 */
#ifndef HVM_HOST_NET_SLIRP_H
#define HVM_HOST_NET_SLIRP_H

#include <pthread.h>
#include <stddef.h>

/* A frame for the guest (device-model lock held). */
typedef void (*net_rx_fn)(void *opaque, const void *frame, size_t len);

struct net_slirp;

/*
 * spec: "user[,hostfwd=tcp|udp:[HOSTADDR]:HOSTPORT-[GUESTADDR]:GUESTPORT]..."
 * (host address default 127.0.0.1, guest 10.0.2.15).  0 or -errno with a
 * one-line reason in err (-ENOTSUP: libslirp not installed).
 */
int net_slirp_new(struct net_slirp **out, const char *spec, pthread_mutex_t *dm_lock,
		  net_rx_fn rx, void *rx_opaque, char *err, size_t errlen);
/* Start the polling thread.  0 or -errno. */
int net_slirp_start(struct net_slirp *ns);
/* A frame from the guest (device-model lock held). */
void net_slirp_input(void *ns, const void *frame, size_t len);
/* Parse the spec only (for option checking).  0 or -EINVAL with err. */
int net_slirp_check_spec(const char *spec, char *err, size_t errlen);

#endif

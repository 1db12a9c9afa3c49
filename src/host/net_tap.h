/*
 * A virtio-net NIC's frames through a Linux tap device (--net tap:IFNAME):
 * plain Ethernet frames, no packet-info prefix and no virtio-net header on
 * the tap side.  The tap fd is read on the host I/O thread (core/loop.h),
 * so frames reach the guest with the device-model lock held, as slirp's do.
 */
#ifndef HVM_HOST_NET_TAP_H
#define HVM_HOST_NET_TAP_H

#include <stddef.h>

#include "host/net_slirp.h"	/* net_rx_fn */

struct loop;
struct net_tap;

/*
 * spec: "tap:IFNAME".  An existing tap device of that name (`ip tuntap add
 * IFNAME mode tap`, then bridged and set up by the user) is attached; a
 * missing one is created by the kernel, non-persistent and down, so it is
 * of use only if something configures it while hvm runs.  Needs
 * CAP_NET_ADMIN, or a persistent tap whose owner is the caller.  0 or
 * -errno with a one-line reason in err.
 */
int net_tap_new(struct net_tap **out, const char *spec, struct loop *loop, net_rx_fn rx,
		void *rx_opaque, char *err, size_t errlen);
/* A frame from the guest (device-model lock held); dropped if the tap queue is full. */
void net_tap_input(void *nt, const void *frame, size_t len);
/* Stop reading and close the device. */
void net_tap_free(struct net_tap *nt);
/* Parse the spec only (for option checking).  0 or -EINVAL with err. */
int net_tap_check_spec(const char *spec, char *err, size_t errlen);

#endif

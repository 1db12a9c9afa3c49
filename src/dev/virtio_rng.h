/*
 * virtio entropy device (virtio spec 1.2, 5.4): one request queue whose
 * writable buffers are filled with random bytes.
 */
#ifndef HVM_DEV_VIRTIO_RNG_H
#define HVM_DEV_VIRTIO_RNG_H

#include <stddef.h>

#include "core/mem.h"
#include "dev/virtio.h"

#define VIRTIO_ID_RNG		4
#define VIRTIO_RNG_MAX_CHUNK	65536	/* bytes filled per request at most */

/* Fill buf with len random bytes; 0 or -errno.  NULL: the host's getrandom(2). */
typedef int (*virtio_rng_fill_fn)(void *opaque, void *buf, size_t len);

struct virtio_rng;

struct virtio_rng *virtio_rng_new(const struct guest_mem *mem, virtio_rng_fill_fn fill, void *opaque);
void virtio_rng_free(struct virtio_rng *vr);
struct virtio_dev *virtio_rng_dev(struct virtio_rng *vr);

#endif

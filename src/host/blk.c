/*
 * Raw image backend: pread/pwrite, fdatasync for flush and
 * fallocate(PUNCH_HOLE) for discard, on worker threads.  Completions travel
 * back over an eventfd to the event loop, which runs each request's done
 * callback under the device-model lock.
 *
 * Not here: image formats other than raw, O_DIRECT, io_uring.
 */
#define _GNU_SOURCE
#include "host/blk.h"
#include "core/loop.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <unistd.h>

#define BLK_MAX_WORKERS 8

struct blk {
	int fd, efd;
	int readonly;
	uint64_t size;
	struct loop *loop;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct blk_req *queue, **queue_tail;	/* waiting for a worker */
	struct blk_req *done, **done_tail;	/* finished, waiting for blk_complete */
	int stop;
	int nr_workers;
	pthread_t workers[BLK_MAX_WORKERS];
};

int blk_open(struct blk **out, const char *path, int readonly, char *err, size_t errlen)
{
	struct flock fl = { .l_type = readonly ? F_RDLCK : F_WRLCK, .l_whence = SEEK_SET };
	struct stat st;
	struct blk *b;
	int fd, r;

	*out = NULL;
	fd = open(path, (readonly ? O_RDONLY : O_RDWR) | O_CLOEXEC);
	if (fd < 0) {
		r = -errno;
		snprintf(err, errlen, "%s", strerror(errno));
		return r;
	}
	if (fstat(fd, &st) < 0 || (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode))) {
		r = S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;
		snprintf(err, errlen, "not a regular file or block device");
		close(fd);
		return r;
	}
	/* OFD locks belong to this open, so they also conflict within one process. */
	if (fcntl(fd, F_OFD_SETLK, &fl) < 0) {
		r = -errno;
		if (errno == EAGAIN || errno == EACCES) {
			snprintf(err, errlen, "image is in use (locked by another hvm or process)");
			r = -EBUSY;
		} else {
			snprintf(err, errlen, "cannot lock the image: %s", strerror(errno));
		}
		close(fd);
		return r;
	}
	b = calloc(1, sizeof(*b));
	if (!b) {
		close(fd);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	b->fd = fd;
	b->efd = -1;
	b->readonly = readonly;
	if (S_ISBLK(st.st_mode)) {
		off_t end = lseek(fd, 0, SEEK_END);
		b->size = end > 0 ? (uint64_t)end : 0;
	} else {
		b->size = (uint64_t)st.st_size;
	}
	pthread_mutex_init(&b->lock, NULL);
	pthread_cond_init(&b->cond, NULL);
	b->queue_tail = &b->queue;
	b->done_tail = &b->done;
	*out = b;
	return 0;
}

uint64_t blk_size(const struct blk *b) { return b->size; }
int blk_readonly(const struct blk *b) { return b->readonly; }
int blk_completion_fd(const struct blk *b) { return b->efd; }

/* Whole-iovec positional I/O, retrying short transfers.  0 or -errno. */
static int rw_all(int fd, int write, struct iovec *iov, int cnt, uint64_t off)
{
	struct iovec local[BLK_MAX_IOV];
	int i = 0;

	if (cnt > BLK_MAX_IOV)
		return -EINVAL;
	memcpy(local, iov, sizeof(*iov) * (size_t)cnt);
	while (i < cnt) {
		ssize_t n = write ? pwritev(fd, local + i, cnt - i, (off_t)off)
				  : preadv(fd, local + i, cnt - i, (off_t)off);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0) {
			/* Reading past a file that shrank: the rest reads as zeros. */
			if (write)
				return -EIO;
			for (; i < cnt; i++) {
				memset(local[i].iov_base, 0, local[i].iov_len);
			}
			return 0;
		}
		off += (uint64_t)n;
		while (n > 0 && i < cnt) {
			if ((size_t)n >= local[i].iov_len) {
				n -= (ssize_t)local[i].iov_len;
				i++;
			} else {
				local[i].iov_base = (char *)local[i].iov_base + n;
				local[i].iov_len -= (size_t)n;
				n = 0;
			}
		}
	}
	return 0;
}

static int execute(struct blk *b, struct blk_req *r)
{
	switch (r->op) {
	case BLK_READ:
		return rw_all(b->fd, 0, r->iov, r->iovcnt, r->off);
	case BLK_WRITE:
		return rw_all(b->fd, 1, r->iov, r->iovcnt, r->off);
	case BLK_FLUSH:
		return fdatasync(b->fd) < 0 ? -errno : 0;
	case BLK_DISCARD:
		if (!r->len)
			return 0;
		if (fallocate(b->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, (off_t)r->off,
			      (off_t)r->len) < 0) {
			/* Discard is a hint: a filesystem without hole punching just keeps the data. */
			return errno == EOPNOTSUPP ? 0 : -errno;
		}
		return 0;
	}
	return -EINVAL;
}

/* Refuse what can be refused without I/O.  0 or -errno. */
static int precheck(const struct blk *b, const struct blk_req *r)
{
	if ((r->op == BLK_WRITE || r->op == BLK_DISCARD) && b->readonly)
		return -EROFS;
	if (r->op == BLK_FLUSH)
		return 0;
	if (r->off > b->size || r->len > b->size - r->off)
		return -EIO;
	if ((r->op == BLK_READ || r->op == BLK_WRITE) && (r->iovcnt < 0 || r->iovcnt > BLK_MAX_IOV))
		return -EINVAL;
	return 0;
}

static void *worker(void *opaque)
{
	struct blk *b = opaque;
	pthread_mutex_lock(&b->lock);
	for (;;) {
		struct blk_req *r;
		while (!b->queue && !b->stop)
			pthread_cond_wait(&b->cond, &b->lock);
		if (!b->queue)
			break;
		r = b->queue;
		b->queue = r->next;
		if (!b->queue)
			b->queue_tail = &b->queue;
		pthread_mutex_unlock(&b->lock);

		r->result = execute(b, r);

		pthread_mutex_lock(&b->lock);
		r->next = NULL;
		*b->done_tail = r;
		b->done_tail = &r->next;
		uint64_t one = 1;
		if (write(b->efd, &one, sizeof(one)) < 0) {
			/* The counter cannot overflow in practice; the next write wakes the loop. */
		}
	}
	pthread_mutex_unlock(&b->lock);
	return NULL;
}

void blk_complete(struct blk *b)
{
	struct blk_req *list;
	uint64_t n;

	if (b->efd >= 0 && read(b->efd, &n, sizeof(n)) < 0) {
		/* EAGAIN: nothing new since the last drain; the list says what is done. */
	}
	pthread_mutex_lock(&b->lock);
	list = b->done;
	b->done = NULL;
	b->done_tail = &b->done;
	pthread_mutex_unlock(&b->lock);
	while (list) {
		struct blk_req *r = list;
		list = r->next;
		r->next = NULL;
		r->done(r);
	}
}

static void on_completion(void *opaque, int fd, uint32_t events)
{
	(void)fd;
	(void)events;
	blk_complete(opaque);
}

int blk_attach(struct blk *b, struct loop *l, int nr_workers)
{
	int r;

	if (nr_workers < 1 || nr_workers > BLK_MAX_WORKERS || b->efd >= 0)
		return -EINVAL;
	b->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (b->efd < 0)
		return -errno;
	for (int i = 0; i < nr_workers; i++) {
		r = pthread_create(&b->workers[i], NULL, worker, b);
		if (r)
			return -r;
		b->nr_workers++;
	}
	b->loop = l;
	if (l) {
		r = loop_add_fd(l, b->efd, EPOLLIN, on_completion, b);
		if (r < 0)
			return r;
	}
	return 0;
}

void blk_submit(struct blk *b, struct blk_req *r)
{
	r->next = NULL;
	r->result = precheck(b, r);
	if (r->result || !b->nr_workers) {
		if (!r->result)
			r->result = execute(b, r);
		if (!b->nr_workers) {
			r->done(r);
			return;
		}
		/* Refused without I/O: still complete from the loop, never re-entrantly. */
		pthread_mutex_lock(&b->lock);
		*b->done_tail = r;
		b->done_tail = &r->next;
		uint64_t one = 1;
		if (write(b->efd, &one, sizeof(one)) < 0) {
			/* see worker() */
		}
		pthread_mutex_unlock(&b->lock);
		return;
	}
	pthread_mutex_lock(&b->lock);
	*b->queue_tail = r;
	b->queue_tail = &r->next;
	pthread_cond_signal(&b->cond);
	pthread_mutex_unlock(&b->lock);
}

void blk_close(struct blk *b)
{
	if (!b)
		return;
	pthread_mutex_lock(&b->lock);
	b->stop = 1;
	pthread_cond_broadcast(&b->cond);
	pthread_mutex_unlock(&b->lock);
	for (int i = 0; i < b->nr_workers; i++)
		pthread_join(b->workers[i], NULL);
	if (b->loop && b->efd >= 0)
		loop_del_fd(b->loop, b->efd);
	if (b->efd >= 0)
		close(b->efd);
	close(b->fd);
	pthread_mutex_destroy(&b->lock);
	pthread_cond_destroy(&b->cond);
	free(b);
}

/*
 * Raw disk image backend.  The image is opened O_CLOEXEC and locked with an
 * open-file-description lock (write lock read-write, read lock read-only),
 * so a second hvm on the same image is refused.  Requests run on a small
 * pool of worker threads; finished requests are handed back through an
 * eventfd that the event loop watches, and their `done` callbacks run
 * there, with the device-model lock held.  Without a loop (unit tests)
 * blk_submit runs the request at once and calls done before returning.
 */
#ifndef HVM_HOST_BLK_H
#define HVM_HOST_BLK_H

#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

struct loop;
struct blk;

enum blk_op { BLK_READ, BLK_WRITE, BLK_FLUSH, BLK_DISCARD };

#define BLK_MAX_IOV 256

struct blk_req {
	enum blk_op op;
	uint64_t off, len;		/* bytes; len is the iovec total for read/write */
	struct iovec *iov;
	int iovcnt;
	int result;			/* 0 or -errno, set before done */
	void (*done)(struct blk_req *r);
	void *opaque;			/* the submitter's */
	struct blk_req *next;		/* the backend's */
};

/* Open path; 0 or -errno with a one-line reason in err (lock conflicts say so). */
int blk_open(struct blk **out, const char *path, int readonly, char *err, size_t errlen);
/* Finish queued requests (their done callbacks are not called), stop workers, close. */
void blk_close(struct blk *b);
uint64_t blk_size(const struct blk *b);
int blk_readonly(const struct blk *b);

/*
 * Start nr worker threads and deliver completions through loop (its
 * callbacks run with the device-model lock held).  0 or -errno.
 */
int blk_attach(struct blk *b, struct loop *l, int nr_workers);
/*
 * Queue r.  Checks the range first: a request past the end of the image or
 * a write to a read-only image completes with -EIO / -EROFS.  Never blocks
 * on I/O when attached.
 */
void blk_submit(struct blk *b, struct blk_req *r);

/* For tests and custom loops: the completion eventfd, and draining it. */
int blk_completion_fd(const struct blk *b);
void blk_complete(struct blk *b);

#endif

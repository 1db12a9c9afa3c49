/*
 * Raw image backend: image locks (a second open is refused, read locks
 * share), read-only refusal, range checks, read/write/flush/discard both
 * inline and through the worker pool and the completion eventfd.
 */
#include "test.h"
#include "host/blk.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <unistd.h>

static char path[64];

static void make_image(uint64_t size)
{
	int fd;
	snprintf(path, sizeof(path), "/tmp/hvm-test-blk-XXXXXX");
	fd = mkstemp(path);
	if (fd < 0 || ftruncate(fd, (off_t)size) < 0)
		abort();
	close(fd);
}

static int done_count, last_result;
static void on_done(struct blk_req *r) { done_count++; last_result = r->result; }

static int do_io(struct blk *b, enum blk_op op, uint64_t off, void *buf, uint64_t len)
{
	struct iovec iov = { buf, len };
	struct blk_req r = { .op = op, .off = off, .len = len, .iov = &iov, .iovcnt = 1, .done = on_done };
	int before = done_count;
	blk_submit(b, &r);
	if (done_count != before + 1)
		return -1000;
	return r.result;
}

TEST(lock_conflicts)
{
	struct blk *a, *b;
	char err[128] = "";
	make_image(1 << 20);
	CHECK_EQ(blk_open(&a, path, 0, err, sizeof(err)), 0);
	CHECK_EQ(blk_open(&b, path, 0, err, sizeof(err)), -EBUSY);
	CHECK(strstr(err, "locked"));
	CHECK_EQ(blk_open(&b, path, 1, err, sizeof(err)), -EBUSY);
	blk_close(a);
	/* Two read-only users share; a writer is then refused. */
	CHECK_EQ(blk_open(&a, path, 1, err, sizeof(err)), 0);
	CHECK_EQ(blk_open(&b, path, 1, err, sizeof(err)), 0);
	struct blk *c;
	CHECK_EQ(blk_open(&c, path, 0, err, sizeof(err)), -EBUSY);
	blk_close(a);
	blk_close(b);
	CHECK_EQ(blk_open(&c, path, 0, err, sizeof(err)), 0);
	blk_close(c);
	CHECK(blk_open(&c, "/nonexistent/img", 0, err, sizeof(err)) < 0);
	CHECK(blk_open(&c, "/tmp", 0, err, sizeof(err)) < 0);
	unlink(path);
}

TEST(inline_io_and_ranges)
{
	struct blk *b;
	char err[128];
	uint8_t buf[4096], back[4096];
	make_image(64 * 1024);
	CHECK_EQ(blk_open(&b, path, 0, err, sizeof(err)), 0);
	CHECK_EQ(blk_size(b), 64 * 1024);
	for (unsigned i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i * 13);
	CHECK_EQ(do_io(b, BLK_WRITE, 8192, buf, sizeof(buf)), 0);
	CHECK_EQ(do_io(b, BLK_FLUSH, 0, NULL, 0), 0);
	memset(back, 0, sizeof(back));
	CHECK_EQ(do_io(b, BLK_READ, 8192, back, sizeof(back)), 0);
	CHECK(!memcmp(buf, back, sizeof(buf)));
	/* Past the end, or wrapping around: -EIO, nothing read. */
	CHECK_EQ(do_io(b, BLK_READ, 64 * 1024 - 512, back, 1024), -EIO);
	CHECK_EQ(do_io(b, BLK_READ, ~0ULL - 100, back, 1024), -EIO);
	CHECK_EQ(do_io(b, BLK_WRITE, 64 * 1024, buf, 1), -EIO);
	/* Discard zeroes (or at least keeps the size). */
	CHECK_EQ(do_io(b, BLK_DISCARD, 8192, NULL, 4096), 0);
	CHECK_EQ(blk_size(b), 64 * 1024);
	blk_close(b);
	unlink(path);
}

TEST(readonly_refuses_writes)
{
	struct blk *b;
	char err[128];
	uint8_t buf[512] = { 1 };
	make_image(4096);
	CHECK_EQ(blk_open(&b, path, 1, err, sizeof(err)), 0);
	CHECK(blk_readonly(b));
	CHECK_EQ(do_io(b, BLK_WRITE, 0, buf, sizeof(buf)), -EROFS);
	CHECK_EQ(do_io(b, BLK_DISCARD, 0, NULL, 512), -EROFS);
	CHECK_EQ(do_io(b, BLK_READ, 0, buf, sizeof(buf)), 0);
	CHECK_EQ(buf[0], 0);
	blk_close(b);
	unlink(path);
}

TEST(worker_pool_completions)
{
	struct blk *b;
	char err[128];
	static uint8_t bufs[16][4096];
	static struct iovec iov[16];
	static struct blk_req reqs[16];
	make_image(1 << 20);
	CHECK_EQ(blk_open(&b, path, 0, err, sizeof(err)), 0);
	CHECK_EQ(blk_attach(b, NULL, 3), 0);
	done_count = 0;
	for (int i = 0; i < 16; i++) {
		memset(bufs[i], i + 1, sizeof(bufs[i]));
		iov[i] = (struct iovec){ bufs[i], sizeof(bufs[i]) };
		reqs[i] = (struct blk_req){ .op = BLK_WRITE, .off = (uint64_t)i * 4096, .len = 4096,
					    .iov = &iov[i], .iovcnt = 1, .done = on_done };
		blk_submit(b, &reqs[i]);
	}
	/* Nothing completes until the completion fd is drained. */
	CHECK_EQ(done_count, 0);
	for (int spins = 0; done_count < 16 && spins < 1000; spins++) {
		struct pollfd p = { blk_completion_fd(b), POLLIN, 0 };
		poll(&p, 1, 100);
		blk_complete(b);
	}
	CHECK_EQ(done_count, 16);
	for (int i = 0; i < 16; i++)
		CHECK_EQ(reqs[i].result, 0);
	/* An out-of-range request still completes through the fd, with -EIO. */
	struct blk_req bad = { .op = BLK_READ, .off = 1 << 20, .len = 4096, .iov = &iov[0],
			       .iovcnt = 1, .done = on_done };
	blk_submit(b, &bad);
	CHECK_EQ(done_count, 16);
	for (int spins = 0; done_count < 17 && spins < 100; spins++) {
		struct pollfd p = { blk_completion_fd(b), POLLIN, 0 };
		poll(&p, 1, 100);
		blk_complete(b);
	}
	CHECK_EQ(bad.result, -EIO);
	blk_close(b);
	/* The data is in the file. */
	int fd = open(path, O_RDONLY);
	uint8_t x = 0;
	CHECK(pread(fd, &x, 1, 5 * 4096 + 7) == 1);
	close(fd);
	CHECK_EQ(x, 6);
	unlink(path);
}

TEST_MAIN_BEGIN("test_blk")
	RUN(lock_conflicts);
	RUN(inline_io_and_ranges);
	RUN(readonly_refuses_writes);
	RUN(worker_pool_completions);
TEST_MAIN_END()

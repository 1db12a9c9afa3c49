/*
 * Host-side unpacking of bzImage payloads: each format round-trips through
 * its library's own compressor, and hostile streams (truncated, corrupt,
 * bigger than the limit) are errors, never crashes.
 */
#include "test.h"

#include <lz4.h>
#include <lzma.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

#include "boot/payload.h"

#define N (3u << 20)	/* bytes of sample data */

static uint8_t *sample(size_t n)
{
	uint8_t *p = malloc(n);
	uint32_t x = 12345;
	for (size_t i = 0; i < n; i++) {
		x = x * 1103515245 + 12345;
		p[i] = (i & 64) ? (uint8_t)(x >> 24) : (uint8_t)i;	/* half noise, half pattern */
	}
	return p;
}

static size_t gzip(const uint8_t *in, size_t n, uint8_t *out, size_t cap)
{
	z_stream z;
	memset(&z, 0, sizeof(z));
	if (deflateInit2(&z, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return 0;
	z.next_in = (Bytef *)(uintptr_t)in;
	z.avail_in = (uInt)n;
	z.next_out = out;
	z.avail_out = (uInt)cap;
	if (deflate(&z, Z_FINISH) != Z_STREAM_END)
		n = 0;
	else
		n = z.total_out;
	deflateEnd(&z);
	return n;
}

/* The kernel's lz4 legacy frame: magic, then [le32 size][block]..., then the size. */
static size_t lz4_legacy(const uint8_t *in, size_t n, uint8_t *out, size_t cap, size_t block)
{
	size_t at = 4;
	memcpy(out, "\x02\x21\x4c\x18", 4);
	for (size_t off = 0; off < n; off += block) {
		size_t len = n - off < block ? n - off : block;
		int c = LZ4_compress_default((const char *)in + off, (char *)out + at + 4, (int)len,
					     (int)(cap - at - 4));
		if (c <= 0)
			return 0;
		out[at] = (uint8_t)c; out[at + 1] = (uint8_t)(c >> 8);
		out[at + 2] = (uint8_t)(c >> 16); out[at + 3] = (uint8_t)(c >> 24);
		at += 4 + (size_t)c;
	}
	/* the kernel build appends the uncompressed size */
	out[at] = (uint8_t)n; out[at + 1] = (uint8_t)(n >> 8);
	out[at + 2] = (uint8_t)(n >> 16); out[at + 3] = (uint8_t)(n >> 24);
	return at + 4;
}

static void roundtrip(enum payload_format want, const uint8_t *c, size_t clen, const uint8_t *orig,
		      size_t n, int *ok)
{
	uint8_t *out = NULL;
	size_t out_len = 0;
	char why[160];
	*ok = 0;
	if (payload_format(c, clen) != want)
		return;
	if (payload_unpack(want, c, clen, 64u << 20, &out, &out_len, why, sizeof(why)))
		return;
	*ok = out_len == n && !memcmp(out, orig, n);
	free(out);
}

TEST(gzip_roundtrip)
{
	uint8_t *in = sample(N), *c = malloc(N * 2);
	size_t clen = gzip(in, N, c, N * 2);
	int ok;
	CHECK(clen > 0);
	roundtrip(PAYLOAD_GZIP, c, clen, in, N, &ok);
	CHECK(ok);
	free(in);
	free(c);
}

TEST(xz_and_lzma_roundtrip)
{
	uint8_t *in = sample(N), *c = malloc(N * 2);
	size_t clen = 0;
	lzma_options_lzma opt;
	lzma_stream z = LZMA_STREAM_INIT;
	int ok;
	CHECK(lzma_easy_buffer_encode(1, LZMA_CHECK_CRC32, NULL, in, N, c, &clen, N * 2) == LZMA_OK);
	roundtrip(PAYLOAD_XZ, c, clen, in, N, &ok);
	CHECK(ok);
	/* legacy .lzma ("alone") stream, as CONFIG_KERNEL_LZMA makes */
	CHECK(!lzma_lzma_preset(&opt, 1));
	CHECK(lzma_alone_encoder(&z, &opt) == LZMA_OK);
	z.next_in = in; z.avail_in = N; z.next_out = c; z.avail_out = N * 2;
	CHECK(lzma_code(&z, LZMA_FINISH) == LZMA_STREAM_END);
	clen = z.total_out;
	lzma_end(&z);
	roundtrip(PAYLOAD_LZMA, c, clen, in, N, &ok);
	CHECK(ok);
	free(in);
	free(c);
}

TEST(lz4_legacy_roundtrip)
{
	uint8_t *in = sample(N), *c = malloc(N * 2);
	int ok;
	/* one block, as the kernel writes 8 MiB blocks... */
	size_t clen = lz4_legacy(in, N, c, N * 2, 8u << 20);
	CHECK(clen > 0);
	roundtrip(PAYLOAD_LZ4, c, clen, in, N, &ok);
	CHECK(ok);
	/* ...and several smaller ones */
	clen = lz4_legacy(in, N, c, N * 2, 1u << 20);
	roundtrip(PAYLOAD_LZ4, c, clen, in, N, &ok);
	CHECK(ok);
	free(in);
	free(c);
}

TEST(zstd_roundtrip)
{
	uint8_t *in = sample(N), *c = malloc(N * 2);
	size_t clen = ZSTD_compress(c, N * 2, in, N, 3);
	int ok;
	CHECK(!ZSTD_isError(clen));
	roundtrip(PAYLOAD_ZSTD, c, clen, in, N, &ok);
	CHECK(ok);
	free(in);
	free(c);
}

/* Truncated, bit-flipped and over-limit streams of every format: an error, no crash. */
TEST(hostile_streams)
{
	uint8_t *in = sample(N), *c[4], *out;
	size_t clen[4], out_len;
	enum payload_format f[4] = { PAYLOAD_GZIP, PAYLOAD_XZ, PAYLOAD_LZ4, PAYLOAD_ZSTD };
	char why[160];
	for (int i = 0; i < 4; i++)
		c[i] = malloc(N * 2);
	clen[0] = gzip(in, N, c[0], N * 2);
	clen[1] = 0;
	CHECK(lzma_easy_buffer_encode(1, LZMA_CHECK_CRC32, NULL, in, N, c[1], &clen[1], N * 2) == LZMA_OK);
	clen[2] = lz4_legacy(in, N, c[2], N * 2, 1u << 20);
	clen[3] = ZSTD_compress(c[3], N * 2, in, N, 3);
	for (int i = 0; i < 4; i++) {
		/* over the limit */
		CHECK(payload_unpack(f[i], c[i], clen[i], N / 2, &out, &out_len, why, sizeof(why)) < 0);
		CHECK(out == NULL && why[0]);
		/* truncated */
		CHECK(payload_unpack(f[i], c[i], clen[i] / 2, 64u << 20, &out, &out_len, why,
				     sizeof(why)) < 0 || out_len < N);
		free(out);
		/* corrupt bytes in the middle */
		for (int k = 0; k < 64; k++)
			c[i][clen[i] / 3 + (size_t)k * 7] ^= 0x5a;
		if (!payload_unpack(f[i], c[i], clen[i], 64u << 20, &out, &out_len, why, sizeof(why)))
			CHECK(out_len <= 64u << 20);	/* lz4 has no checksum: garbage, but bounded */
		free(out);
		free(c[i]);
	}
	/* random bytes behind each magic */
	for (int i = 0; i < 4; i++) {
		static const uint8_t magic[4][6] = { { 0x1f, 0x8b }, { 0xfd, '7', 'z', 'X', 'Z', 0 },
						     { 0x02, 0x21, 0x4c, 0x18 }, { 0x28, 0xb5, 0x2f, 0xfd } };
		uint8_t junk[4096];
		for (size_t k = 0; k < sizeof(junk); k++)
			junk[k] = in[k * 13 % N];
		memcpy(junk, magic[i], 6);
		if (!payload_unpack(f[i], junk, sizeof(junk), 64u << 20, &out, &out_len, why,
				    sizeof(why)))
			free(out);
	}
	CHECK(payload_format((const uint8_t *)"BZh9", 4) == PAYLOAD_NONE);
	CHECK(payload_unpack(PAYLOAD_NONE, in, 16, 1024, &out, &out_len, why, sizeof(why)) < 0);
	free(in);
}

TEST_MAIN_BEGIN("payload")
	RUN(gzip_roundtrip);
	RUN(xz_and_lzma_roundtrip);
	RUN(lz4_legacy_roundtrip);
	RUN(zstd_roundtrip);
	RUN(hostile_streams);
TEST_MAIN_END()

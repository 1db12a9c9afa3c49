/*
 * Host-side unpacking of a bzImage payload with the libraries made for
 * each format: zlib (gzip), liblzma (xz, lzma), liblz4 (lz4 legacy frames),
 * libzstd (zstd).  The kernel's other formats (bzip2, lzo) are left to its
 * own decompressor.  Every stream is untrusted: output is bounded by the
 * caller's limit and a corrupt stream is an error, never a crash.
 */
#include "boot/payload.h"

#include <errno.h>
#include <lz4.h>
#include <lzma.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

#define LZ4_LEGACY_MAGIC	0x184c2102u
#define LZ4_LEGACY_BLOCK	(8u << 20)	/* legacy frames decode to at most 8 MiB a block */

enum payload_format payload_format(const uint8_t *d, size_t len)
{
	if (len >= 2 && d[0] == 0x1f && (d[1] == 0x8b || d[1] == 0x9e))
		return PAYLOAD_GZIP;
	if (len >= 6 && !memcmp(d, "\xfd" "7zXZ\0", 6))
		return PAYLOAD_XZ;
	if (len >= 3 && d[0] == 0x5d && d[1] == 0 && d[2] == 0)
		return PAYLOAD_LZMA;
	if (len >= 4 && d[0] == 0x02 && d[1] == 0x21 && d[2] == 0x4c && d[3] == 0x18)
		return PAYLOAD_LZ4;
	if (len >= 4 && d[0] == 0x28 && d[1] == 0xb5 && d[2] == 0x2f && d[3] == 0xfd)
		return PAYLOAD_ZSTD;
	return PAYLOAD_NONE;
}

const char *payload_format_name(enum payload_format f)
{
	static const char *const names[] = { "none", "gzip", "xz", "lzma", "lz4", "zstd" };
	return (unsigned)f < sizeof(names) / sizeof(names[0]) ? names[f] : "?";
}

struct outbuf {
	uint8_t *p;
	size_t len, cap, limit;
};

/* Room for at least `more` bytes past len, within the limit.  0 or -EFBIG/-ENOMEM. */
static int grow(struct outbuf *o, size_t more)
{
	size_t cap = o->cap ? o->cap : 16u << 20;
	uint8_t *n;
	if (o->len + more <= o->cap)
		return 0;
	if (more > o->limit - o->len)
		return -EFBIG;
	while (cap < o->len + more)
		cap *= 2;
	if (cap > o->limit)
		cap = o->limit;
	n = realloc(o->p, cap);
	if (!n)
		return -ENOMEM;
	o->p = n;
	o->cap = cap;
	return 0;
}

static int unpack_gzip(const uint8_t *d, size_t len, struct outbuf *o, char *why, size_t wl)
{
	z_stream z;
	int r;
	memset(&z, 0, sizeof(z));
	if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK)
		return snprintf(why, wl, "zlib: init failed"), -ENOMEM;
	z.next_in = (Bytef *)(uintptr_t)d;
	z.avail_in = len > UINT32_MAX ? UINT32_MAX : (uInt)len;
	do {
		size_t room;
		if ((r = grow(o, 1 << 20)) < 0)
			break;
		room = o->cap - o->len;
		z.next_out = o->p + o->len;
		z.avail_out = room > UINT32_MAX ? UINT32_MAX : (uInt)room;
		r = inflate(&z, Z_NO_FLUSH);
		o->len = (size_t)(z.next_out - o->p);
		if (r == Z_STREAM_END) {
			r = 0;
			break;
		}
		if (r != Z_OK) {
			snprintf(why, wl, "gzip: %s", z.msg ? z.msg : "corrupt stream");
			r = -EINVAL;
			break;
		}
	} while (1);
	inflateEnd(&z);
	return r;
}

static int unpack_lzma(int xz, const uint8_t *d, size_t len, struct outbuf *o, char *why,
		       size_t wl)
{
	lzma_stream z = LZMA_STREAM_INIT;
	lzma_ret lr = xz ? lzma_stream_decoder(&z, UINT64_MAX, 0)
			 : lzma_alone_decoder(&z, UINT64_MAX);
	int r = 0;
	if (lr != LZMA_OK)
		return snprintf(why, wl, "liblzma: init failed (%d)", (int)lr), -ENOMEM;
	z.next_in = d;
	z.avail_in = len;
	for (;;) {
		if ((r = grow(o, 1 << 20)) < 0)
			break;
		z.next_out = o->p + o->len;
		z.avail_out = o->cap - o->len;
		/* LZMA_FINISH: the whole input is here; the kernel pads after the stream */
		lr = lzma_code(&z, LZMA_FINISH);
		o->len = (size_t)(z.next_out - o->p);
		if (lr == LZMA_STREAM_END)
			break;
		if (lr != LZMA_OK) {
			snprintf(why, wl, "%s: corrupt stream (liblzma error %d)", xz ? "xz" : "lzma",
				 (int)lr);
			r = -EINVAL;
			break;
		}
	}
	lzma_end(&z);
	return r;
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* magic, then blocks of [le32 compressed size][data], until the input ends or a new magic */
static int unpack_lz4(const uint8_t *d, size_t len, struct outbuf *o, char *why, size_t wl)
{
	size_t at = 4;
	int r;
	while (at + 4 <= len) {
		uint32_t n = le32(d + at);
		int got;
		if (n == LZ4_LEGACY_MAGIC) {	/* concatenated frame */
			at += 4;
			continue;
		}
		at += 4;
		if (n > len - at || n > (uint32_t)LZ4_compressBound(LZ4_LEGACY_BLOCK)) {
			/* the kernel appends its size after the last block: stop there */
			if (o->len)
				return 0;
			return snprintf(why, wl, "lz4: block of %u bytes past the end", n), -EINVAL;
		}
		if ((r = grow(o, LZ4_LEGACY_BLOCK)) < 0)
			return r;
		got = LZ4_decompress_safe((const char *)d + at, (char *)o->p + o->len, (int)n,
					  (int)LZ4_LEGACY_BLOCK);
		if (got < 0)
			return snprintf(why, wl, "lz4: corrupt block at offset %zu", at), -EINVAL;
		o->len += (size_t)got;
		at += n;
	}
	return o->len ? 0 : (snprintf(why, wl, "lz4: empty stream"), -EINVAL);
}

static int unpack_zstd(const uint8_t *d, size_t len, struct outbuf *o, char *why, size_t wl)
{
	ZSTD_DStream *z = ZSTD_createDStream();
	ZSTD_inBuffer in = { d, len, 0 };
	int r = 0;
	if (!z)
		return snprintf(why, wl, "zstd: init failed"), -ENOMEM;
	/* the kernel's zstd streams use a window up to 2^27 (8 MiB default in lib/) */
	ZSTD_DCtx_setParameter(z, ZSTD_d_windowLogMax, 27);
	for (;;) {
		ZSTD_outBuffer out;
		size_t ret;
		if ((r = grow(o, 1 << 20)) < 0)
			break;
		out = (ZSTD_outBuffer){ o->p + o->len, o->cap - o->len, 0 };
		ret = ZSTD_decompressStream(z, &out, &in);
		o->len += out.pos;
		if (ZSTD_isError(ret)) {
			snprintf(why, wl, "zstd: %s", ZSTD_getErrorName(ret));
			r = -EINVAL;
			break;
		}
		if (ret == 0)
			break;	/* frame complete */
		if (in.pos == in.size && out.pos < out.size) {
			snprintf(why, wl, "zstd: truncated stream");
			r = -EINVAL;
			break;
		}
	}
	ZSTD_freeDStream(z);
	return r;
}

int payload_unpack(enum payload_format f, const uint8_t *data, size_t len, size_t limit,
		   uint8_t **out, size_t *out_len, char *why, size_t whylen)
{
	struct outbuf o = { .limit = limit };
	int r;

	*out = NULL;
	*out_len = 0;
	if (whylen)
		why[0] = 0;
	switch (f) {
	case PAYLOAD_GZIP: r = unpack_gzip(data, len, &o, why, whylen); break;
	case PAYLOAD_XZ: r = unpack_lzma(1, data, len, &o, why, whylen); break;
	case PAYLOAD_LZMA: r = unpack_lzma(0, data, len, &o, why, whylen); break;
	case PAYLOAD_LZ4: r = unpack_lz4(data, len, &o, why, whylen); break;
	case PAYLOAD_ZSTD: r = unpack_zstd(data, len, &o, why, whylen); break;
	default:
		snprintf(why, whylen, "payload format not unpacked by hvm");
		return -ENOTSUP;
	}
	if (r == -EFBIG)
		snprintf(why, whylen, "%s: unpacks to more than %zu bytes", payload_format_name(f),
			 limit);
	else if (r == -ENOMEM && !why[0])
		snprintf(why, whylen, "out of memory");
	if (r < 0) {
		free(o.p);
		return r;
	}
	*out = o.p;
	*out_len = o.len;
	return 0;
}

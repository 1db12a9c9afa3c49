/*
 * A bzImage's compressed kernel (the setup header's payload_offset /
 * payload_length, boot protocol 2.08+), unpacked on the host.  Booting the
 * unpacked vmlinux directly skips the kernel's own decompressor, which under
 * the emu engine costs billions of guest instructions for an xz kernel.
 */
#ifndef HVM_BOOT_PAYLOAD_H
#define HVM_BOOT_PAYLOAD_H

#include <stddef.h>
#include <stdint.h>

enum payload_format {
	PAYLOAD_NONE,		/* no payload fields, or a format hvm does not unpack */
	PAYLOAD_GZIP,
	PAYLOAD_XZ,
	PAYLOAD_LZMA,
	PAYLOAD_LZ4,		/* the LZ4 "legacy" frame the kernel uses */
	PAYLOAD_ZSTD,
};

/* Which format data[0..len) is in, by its magic. */
enum payload_format payload_format(const uint8_t *data, size_t len);
const char *payload_format_name(enum payload_format f);

/*
 * Unpack data[0..len) in format f into a malloc()ed buffer of at most `limit`
 * bytes.  0 with *out and *out_len set, or -errno with a reason in why (corrupt
 * stream, output over the limit, format not supported).
 */
int payload_unpack(enum payload_format f, const uint8_t *data, size_t len, size_t limit,
		   uint8_t **out, size_t *out_len, char *why, size_t whylen);

#endif

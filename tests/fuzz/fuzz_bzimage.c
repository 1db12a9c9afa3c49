/*
 * libFuzzer: the bzImage path.  The input is a setup header from 0x1f1 on;
 * the boot flag and "HdrS" are stamped in so every input reaches the
 * protocol checks, and the first byte adds up to 31 sectors of kernel body
 * so small inputs can get past setup_sects.  The image buffer is exactly
 * its size, so a read past the end is caught by ASan.
 */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t len, pad;
	uint8_t *img;
	if (size < 3 || size > (1u << 20))
		return 0;
	pad = (size_t)(data[0] & 0x1f) * 512;
	len = 0x1f1 + (size - 2) + pad;
	img = calloc(1, len);
	if (!img)
		return 0;
	memcpy(img + 0x1f1, data + 1, size - 2);
	memset(img + 0x1f1 + (size - 2), 0x90, pad);
	if (len >= 0x206) {
		put_le16(img + 0x1fe, 0xAA55);
		memcpy(img + 0x202, "HdrS", 4);
	}
	fuzz_load(img, len, data[size - 1]);
	free(img);
	return 0;
}

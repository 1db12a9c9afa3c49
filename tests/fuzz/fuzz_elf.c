/*
 * libFuzzer: the ELF paths.  The ELF identification is stamped in (class
 * from the first byte: ELF32 i386 with a valid multiboot header, or ELF64
 * x86-64 for vmlinux), so inputs go straight to program header parsing.
 */
#include "fuzz_common.h"

#define MB_OFF 0x200	/* inside the first 8 KiB, where loaders search */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t len;
	uint8_t *img;
	int is64;
	if (size < 3 || size > (1u << 20))
		return 0;
	is64 = data[0] & 1;
	len = size - 2;
	if (!is64 && len < MB_OFF + 12)
		len = MB_OFF + 12;
	img = calloc(1, len);
	if (!img)
		return 0;
	memcpy(img, data + 1, size - 2);
	if (len >= 20) {
		memcpy(img, "\x7f" "ELF", 4);
		img[4] = is64 ? 2 : 1;
		img[5] = 1;
		put_le16(img + 18, is64 ? 62 : 3);
	}
	if (!is64) {
		uint32_t flags = get_le32(img + MB_OFF + 4) & ~(1u << 16);
		put_le32(img + MB_OFF, 0x1BADB002);
		put_le32(img + MB_OFF + 4, flags);
		put_le32(img + MB_OFF + 8, (uint32_t)-(0x1BADB002u + flags));
	}
	fuzz_load(img, len, data[size - 1]);
	free(img);
	return 0;
}

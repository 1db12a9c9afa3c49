/*
 * Multiboot v1 loader (Multiboot Specification 0.6.96): ELF32 images and the
 * a.out kludge (header flag bit 16).  Not supported: video mode requests
 * (flag bit 2 is accepted, no VBE info is given), boot_device, symbol
 * tables, drives, APM.
 */
#ifndef HVM_MULTIBOOT_H
#define HVM_MULTIBOOT_H

#include <stddef.h>
#include <stdint.h>

#include "boot/boot.h"

#define MB_HEADER_MAGIC		0x1BADB002u
#define MB_BOOT_MAGIC		0x2BADB002u	/* EAX at entry */
#define MB_SEARCH_LEN		8192
#define MB_HDR_AOUT_KLUDGE	(1u << 16)

/* Info struct flags */
#define MB_INFO_MEM		(1u << 0)
#define MB_INFO_CMDLINE		(1u << 2)
#define MB_INFO_MODS		(1u << 3)
#define MB_INFO_MMAP		(1u << 6)
#define MB_INFO_LOADER_NAME	(1u << 9)

/* Size of the area at LAYOUT_MB_INFO holding info, module list, mmap, strings. */
#define MB_INFO_AREA		0x10000u

/*
 * Offset of a valid multiboot header (magic, checksum, 4-aligned, first
 * 8 KiB), or -1.
 */
long multiboot_find_header(const uint8_t *img, size_t len);

int multiboot_load(struct guest_mem *m, const struct boot_params_in *in, struct cpu_state *bsp,
		   char *err, size_t errlen);

#endif

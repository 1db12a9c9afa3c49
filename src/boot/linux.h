/*
 * Linux x86 boot protocol (Documentation/arch/x86/boot.rst), protocol
 * >= 2.06: bzImage (64-bit entry when XLF_KERNEL_64, else 32-bit entry) and
 * vmlinux ELF64 (64-bit entry, zero page built from scratch).  The
 * real-mode setup code is not loaded and never run.
 */
#ifndef HVM_LINUX_H
#define HVM_LINUX_H

#include <stddef.h>
#include <stdint.h>

#include "boot/boot.h"

/* Zero page (struct boot_params) offsets used here. */
/* screen_info at the start of the zero page: what the setup code's BIOS calls would find */
#define ZP_ORIG_X		0x000	/* u8 cursor column */
#define ZP_ORIG_Y		0x001	/* u8 cursor row */
#define ZP_ORIG_VIDEO_MODE	0x006	/* u8 */
#define ZP_ORIG_VIDEO_COLS	0x007	/* u8 */
#define ZP_ORIG_VIDEO_EGA_BX	0x00a	/* u16: int 10h ah=12h bl=10h: bh colour, bl memory */
#define ZP_ORIG_VIDEO_LINES	0x00e	/* u8 */
#define ZP_ORIG_VIDEO_ISVGA	0x00f	/* u8: 1 = VGA */
#define ZP_ORIG_VIDEO_POINTS	0x010	/* u16: font height */
#define ZP_ACPI_RSDP		0x070	/* u64 */
#define ZP_EXT_RAMDISK_IMAGE	0x0c0
#define ZP_EXT_RAMDISK_SIZE	0x0c4
#define ZP_EXT_CMD_LINE_PTR	0x0c8
#define ZP_E820_ENTRIES		0x1e8	/* u8 */
#define ZP_SETUP_SECTS		0x1f1
#define ZP_BOOT_FLAG		0x1fe	/* 0xAA55 */
#define ZP_JUMP			0x200
#define ZP_HEADER		0x202	/* "HdrS" */
#define ZP_VERSION		0x206
#define ZP_TYPE_OF_LOADER	0x210
#define ZP_LOADFLAGS		0x211
#define ZP_CODE32_START		0x214
#define ZP_RAMDISK_IMAGE	0x218
#define ZP_RAMDISK_SIZE		0x21c
#define ZP_HEAP_END_PTR		0x224
#define ZP_CMD_LINE_PTR		0x228
#define ZP_INITRD_ADDR_MAX	0x22c
#define ZP_KERNEL_ALIGNMENT	0x230
#define ZP_RELOCATABLE		0x234
#define ZP_XLOADFLAGS		0x236
#define ZP_CMDLINE_SIZE		0x238
#define ZP_PAYLOAD_OFFSET	0x248
#define ZP_PAYLOAD_LENGTH	0x24c
#define ZP_PREF_ADDRESS		0x258
#define ZP_INIT_SIZE		0x260
#define ZP_E820_TABLE		0x2d0	/* 20-byte entries, E820_MAX of them */

#define LOADFLAG_LOADED_HIGH	0x01
#define LOADFLAG_CAN_USE_HEAP	0x80
#define XLF_KERNEL_64		0x01

#define LINUX_MIN_PROTOCOL	0x0206

int linux_load_bzimage(struct guest_mem *m, const struct boot_params_in *in,
		       struct cpu_state *bsp, char *err, size_t errlen);
int linux_load_vmlinux(struct guest_mem *m, const struct boot_params_in *in,
		       struct cpu_state *bsp, char *err, size_t errlen);

#endif

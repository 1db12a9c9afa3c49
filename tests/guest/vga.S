/*
 * vga: the std-vga card as a guest without a VGA BIOS sees it.  The
 * multiboot command line picks what is left on the screen for
 * tests/guest/vga.sh to check in hvm's --screendump:
 *   text - 80x25 text mode as hvm leaves it for direct boots: a glyph (a
 *          solid block for code 0xdb) loaded into plane 2 through the
 *          planar path, then text and attributes written at 0xb8000;
 *   vbe  - the card found by a PCI scan (1234:1111, class 0300), BAR 0
 *          sized and placed, Bochs VBE DISPI (ports 0x1ce/0x1cf) set to
 *          640x480x32 with the linear framebuffer, a pattern drawn in it
 *          and read back through the banked window at 0xa0000;
 *   hang - vbe, then "ready" and spin until hvm is killed.
 */
#include "guest.h"

#define CFG_ADDR	0xcf8
#define CFG_DATA	0xcfc
#define VBE_INDEX	0x1ce
#define VBE_DATA	0x1cf
#define LFB		0xe0000000

.macro VBE_SET idx, val
	mov $\idx, %eax
	mov $\val, %ecx
	call vbe_write
.endm

	.text
	.globl main
main:
	mov mb_info, %esi
	testl $4, (%esi)		/* cmdline present */
	jz do_text
	mov 16(%esi), %esi
	mov $str_hang, %edx
	call strstr
	jnz do_hang
	mov $str_vbe, %edx
	call strstr
	jnz do_vbe
	/* fall through: text */

do_text:
	/* Plane 2 by the planar path: map mask 4, sequential addressing, 0xa0000 */
	mov $0x3c4, %dx
	mov $0x0402, %ax
	out %ax, %dx
	mov $0x0604, %ax
	out %ax, %dx
	mov $0x3ce, %dx
	mov $0x0005, %ax
	out %ax, %dx
	mov $0x0406, %ax
	out %ax, %dx
	mov $0x0204, %ax		/* read map 2 */
	out %ax, %dx
	mov $0xa0000 + 0xdb * 32, %edi
	mov $16, %ecx
	mov $0xff, %al
	rep stosb
	mov $0xa0000 + 0xdb * 32 + 3, %esi
	xor %eax, %eax
	movb (%esi), %al
	CHECK_EQ $0xff, "glyph byte reads back from plane 2"
	/* Back to mode 3's odd/even text addressing */
	mov $0x3c4, %dx
	mov $0x0302, %ax
	out %ax, %dx
	mov $0x0204, %ax
	out %ax, %dx
	mov $0x3ce, %dx
	mov $0x1005, %ax
	out %ax, %dx
	mov $0x0e06, %ax
	out %ax, %dx
	mov $0x0004, %ax
	out %ax, %dx
	/* Row 0: the message in yellow on blue; row 1: eight blocks in light red */
	mov $text_msg, %esi
	mov $0xb8000, %edi
	mov $0x1e, %ah
1:	lodsb
	test %al, %al
	jz 2f
	stosw
	jmp 1b
2:	mov $0xb8000 + 160, %edi
	mov $0x0cdb, %ax
	mov $8, %ecx
	rep stosw
	mov $0xb8000 + 24 * 160, %edi	/* last row: CP437 box drawing and a word */
	mov $0x07c9, %ax
	stosw
	mov $0x07cd, %ax
	stosw
	mov $0x0745, %ax		/* 'E' */
	stosw
	mov $0x0753, %ax		/* 'S' */
	stosw
	xor %eax, %eax
	movw 0xb8002, %ax
	CHECK_EQ $0x1e76, "text cell reads back ('v', 0x1e)"
	ret

do_hang:
	call setup_vbe
	PRINT "ready\n"
3:	pause
	jmp 3b

do_vbe:
	call setup_vbe
	ret

/* Find the card, place BAR 0, set 640x480x32 and draw the pattern. */
setup_vbe:
	xor %ebx, %ebx			/* device number */
1:	mov %ebx, %eax
	shl $11, %eax
	or $0x80000000, %eax
	call cfg_read
	cmp $0x11111234, %eax
	je 2f
	inc %ebx
	cmp $32, %ebx
	jb 1b
	PRINT "FAIL no 1234:1111 on bus 0\n"
	incl fail_count
	ret
2:	PRINT "std-vga on bus 0\n"
	mov %ebx, %eax
	shl $11, %eax
	or $0x80000008, %eax
	call cfg_read
	shr $8, %eax
	CHECK_EQ $0x030000, "class is VGA"
	/* size BAR 0 */
	mov %ebx, %eax
	shl $11, %eax
	or $0x80000010, %eax
	mov %eax, %esi
	mov $0xffffffff, %ecx
	call cfg_write
	mov %esi, %eax
	call cfg_read
	CHECK_EQ $0xff000008, "BAR 0 is 16 MiB prefetchable memory"
	mov %esi, %eax
	mov $LFB, %ecx
	call cfg_write
	mov %esi, %eax
	and $~0xff, %eax
	or $0x04, %eax			/* command: memory space on */
	mov $0x00000002, %ecx
	call cfg_write

	mov $0, %eax
	call vbe_read
	CHECK_EQ $0xb0c5, "DISPI ID"
	mov $10, %eax
	call vbe_read
	CHECK_EQ $256, "video memory in 64 KiB units"
	VBE_SET 4, 0			/* disable */
	VBE_SET 1, 640
	VBE_SET 2, 480
	VBE_SET 3, 32
	VBE_SET 4, 0x41			/* enabled, LFB */
	mov $1, %eax
	call vbe_read
	CHECK_EQ $640, "XRES reads back"
	mov $6, %eax
	call vbe_read
	CHECK_EQ $640, "virtual width follows XRES"

	/* quadrants: red, green / blue, white; row 240 a grey ramp (x & 0xff) */
	mov $LFB, %edi
	xor %edx, %edx			/* y */
4:	xor %ecx, %ecx			/* x */
5:	mov $0x00ff0000, %eax
	cmp $320, %ecx
	jb 6f
	mov $0x0000ff00, %eax
6:	cmp $240, %edx
	jb 7f
	mov $0x000000ff, %eax
	cmp $320, %ecx
	jb 7f
	mov $0x00ffffff, %eax
7:	cmp $240, %edx
	jne 8f
	movzbl %cl, %eax
	imul $0x010101, %eax
8:	stosl
	inc %ecx
	cmp $640, %ecx
	jb 5b
	inc %edx
	cmp $480, %edx
	jb 4b
	/* bank 1 through the window at 0xa0000 = LFB byte 0x10000 (row 25, x 384: green) */
	VBE_SET 5, 1
	mov 0xa0000, %eax
	CHECK_EQ $0x0000ff00, "bank 1 window reads the framebuffer"
	VBE_SET 5, 0
	ret

/* eax = register, ecx = value */
vbe_write:
	push %edx
	mov $VBE_INDEX, %dx
	out %ax, %dx
	mov $VBE_DATA, %dx
	mov %ecx, %eax
	out %ax, %dx
	pop %edx
	ret

/* eax = register -> eax = value */
vbe_read:
	push %edx
	mov $VBE_INDEX, %dx
	out %ax, %dx
	mov $VBE_DATA, %dx
	xor %eax, %eax
	in %dx, %ax
	pop %edx
	ret

/* eax = config address -> eax = dword */
cfg_read:
	push %edx
	mov $CFG_ADDR, %dx
	out %eax, %dx
	mov $CFG_DATA, %dx
	in %dx, %eax
	pop %edx
	ret

/* eax = config address, ecx = dword */
cfg_write:
	push %edx
	push %eax
	mov $CFG_ADDR, %dx
	out %eax, %dx
	mov $CFG_DATA, %dx
	mov %ecx, %eax
	out %eax, %dx
	pop %eax
	pop %edx
	ret

/* esi = haystack, edx = needle -> ZF clear if found */
strstr:
	push %esi
	push %edi
	push %eax
1:	mov %esi, %edi
	push %edx
2:	mov (%edx), %al
	test %al, %al
	jz 4f
	cmp (%edi), %al
	jne 3f
	inc %edi
	inc %edx
	jmp 2b
3:	pop %edx
	cmpb $0, (%esi)
	je 5f
	inc %esi
	jmp 1b
4:	pop %edx
	or $1, %eax
	jmp 6f
5:	xor %eax, %eax
6:	pop %eax
	pop %edi
	pop %esi
	ret

	.section .rodata
text_msg:	.asciz "hvm vga text screen"
str_vbe:	.asciz "vbe"
str_hang:	.asciz "hang"

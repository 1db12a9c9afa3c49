/*
 * pci: configuration mechanism #1 (PCI Local Bus Specification 3.0,
 * 3.2.2.3.2): CONFIG_ADDRESS at 0xcf8 reads back, CONFIG_DATA at 0xcfc
 * answers dword, word and byte reads, absent functions read all ones, and
 * a scan of bus 0 lists every function (multi-function devices via header
 * type bit 7).  Expected: i440FX 8086:1237 at 00:00.0, PIIX3 8086:7000 at
 * 00:01.0, the std-vga card 1234:1111 at 00:02.0.
 * Not covered: buses behind bridges, BAR sizing, writes to config space.
 */
#include "guest.h"

#define CFG_ADDR	0xcf8
#define CFG_DATA	0xcfc
#define ENABLE		0x80000000

	.text
	.globl main
main:
	mov $CFG_ADDR, %dx
	mov $ENABLE | 0x808, %eax
	out %eax, %dx
	in %dx, %eax
	CHECK_EQ $ENABLE | 0x808, "config address reads back"

	mov $ENABLE, %eax
	call cfg_read
	CHECK_EQ $0x12378086, "00:00.0 vendor:device dword"
	mov $CFG_ADDR, %dx
	mov $ENABLE, %eax
	out %eax, %dx
	mov $CFG_DATA + 2, %dx
	xor %eax, %eax
	in %dx, %ax
	CHECK_EQ $0x1237, "device id by word read at 0xcfe"
	mov $CFG_DATA + 1, %dx
	xor %eax, %eax
	in %dx, %al
	CHECK_EQ $0x80, "vendor high byte by byte read at 0xcfd"

	mov $ENABLE | (31 << 11), %eax
	call cfg_read
	CHECK_EQ $0xffffffff, "absent 00:1f.0 reads ffffffff"
	mov $ENABLE | (1 << 16), %eax
	call cfg_read
	CHECK_EQ $0xffffffff, "absent bus 1 reads ffffffff"
	mov $CFG_ADDR, %dx	/* enable bit clear: no config cycle */
	xor %eax, %eax
	out %eax, %dx
	mov $CFG_DATA, %dx
	in %dx, %eax
	CHECK_EQ $0xffffffff, "data port with enable clear reads ffffffff"

	/* scan bus 0 */
	xor %ebx, %ebx		/* device */
1:	xor %edi, %edi		/* function */
2:	mov %ebx, %eax
	shl $11, %eax
	mov %edi, %ecx
	shl $8, %ecx
	or %ecx, %eax
	or $ENABLE, %eax
	mov %eax, %esi
	call cfg_read
	cmp $0xffff, %ax
	je 3f
	push %eax
	PRINT "pci 00:"
	mov %ebx, %eax
	call puthex8
	mov $'.', %al
	call putc
	mov %edi, %eax
	add $'0', %al
	call putc
	mov $' ', %al
	call putc
	pop %eax
	push %eax
	call puthex16
	mov $':', %al
	call putc
	pop %eax
	shr $16, %eax
	call puthex16
	PRINT " class "
	mov %esi, %eax
	or $0x08, %eax
	call cfg_read
	shr $8, %eax
	call puthex_24
	call nl
	test %edi, %edi
	jnz 4f
	mov %esi, %eax		/* function 0: single-function stops here */
	or $0x0c, %eax
	call cfg_read
	test $0x00800000, %eax
	jz 5f
	jmp 4f
3:	test %edi, %edi		/* no function 0: no device */
	jz 5f
4:	inc %edi
	cmp $8, %edi
	jb 2b
5:	inc %ebx
	cmp $32, %ebx
	jb 1b
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

puthex_24:
	push %eax
	shr $16, %eax
	call puthex8
	pop %eax
	jmp puthex16

/*
 * reset: the three PC reset paths.  The multiboot command line picks one:
 *   kbd - i8042 command 0xfe, pulse the reset line (8042 datasheet / IBM
 *         PC AT technical reference, "keyboard controller commands");
 *   p92 - port 0x92 bit 0, fast reset (PIIX3 datasheet, port 92h);
 *   cf9 - port 0xcf9 = 0x06, hard reset (PIIX3 datasheet, RC register).
 * The VMM is run with --no-reboot, so it must exit 0 right there: nothing
 * after "reset: now" may appear.  If the reset is ignored the guest says
 * so and fails.
 */
#include "guest.h"

	.text
	.globl main
main:
	mov mb_info, %esi
	mov $method_kbd, %edi	/* default */
	testl $4, (%esi)	/* cmdline present */
	jz 1f
	mov 16(%esi), %esi
	mov $str_p92, %edx
	call strstr
	jz 2f
	mov $method_p92, %edi
	jmp 1f
2:	mov $str_cf9, %edx
	call strstr
	jz 1f
	mov $method_cf9, %edi
1:	jmp *%edi

method_kbd:
	PRINT "reset: via i8042 command 0xfe\n"
	call wait_ibf
	PRINT "reset: now\n"
	mov $0xfe, %al
	out %al, $0x64
	jmp survived

method_p92:
	PRINT "reset: via port 0x92 bit 0\n"
	in $0x92, %al
	and $0xfe, %al		/* the reset fires on the 0 -> 1 edge */
	out %al, $0x92
	PRINT "reset: now\n"
	or $1, %al
	out %al, $0x92
	jmp survived

method_cf9:
	PRINT "reset: via port 0xcf9 = 0x06\n"
	PRINT "reset: now\n"
	mov $0x06, %al
	mov $0xcf9, %dx
	out %al, %dx
	/* fall through */

survived:
	mov $100000, %eax	/* give an asynchronous reset time to land */
	call delay_us
	PRINT "FAIL reset was ignored\n"
	mov $1, %eax
	jmp exit

/* until the 8042 input buffer is empty (status bit 1), bounded */
wait_ibf:
	push %ecx
	mov $100000, %ecx
1:	in $0x64, %al
	test $2, %al
	jz 2f
	loop 1b
2:	pop %ecx
	ret

/* esi = haystack, edx = needle; ZF clear when found */
strstr:
	push %esi
	push %edi
	push %eax
1:	mov %esi, %edi
	push %edx
2:	mov (%edx), %al
	test %al, %al
	jz 4f			/* whole needle matched */
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
	or $1, %eax		/* ZF=0 */
	jmp 6f
5:	xor %eax, %eax		/* ZF=1 */
6:	pop %eax
	pop %edi
	pop %esi
	ret

	.section .rodata
str_p92: .asciz "p92"
str_cf9: .asciz "cf9"

/*
 * compute: a CPU-bound guest for the benchmark (emu MIPS), not a check.
 * 20 M rounds of xorshift32 plus an accumulate, 12 instructions each (240 M
 * instructions), then the result is printed so every engine must agree.
 */
#include "guest.h"

#define ROUNDS	20000000

	.text
	.globl main
main:
	PRINT "compute: start\n"
	mov $2463534242, %eax
	xor %ebx, %ebx
	mov $ROUNDS, %ecx
	.balign 16
1:	mov %eax, %edx		/* xorshift32: 13, 17, 5 */
	shl $13, %edx
	xor %edx, %eax
	mov %eax, %edx
	shr $17, %edx
	xor %edx, %eax
	mov %eax, %edx
	shl $5, %edx
	xor %edx, %eax
	lea 7(%ebx,%eax,2), %ebx
	dec %ecx
	jnz 1b
	PRINT "compute: xorshift 0x"
	call puthex32
	PRINT " sum 0x"
	mov %ebx, %eax
	call puthex32
	call nl
	ret

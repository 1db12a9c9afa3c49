/*
 * a20: the A20 gate as a PC has it: address bit 20 is forced to 0 while
 * both the 8042 output port (bit 1, command 0xd1) and System Control Port A
 * (0x92 bit 1) have it off; either one turns it back on.  The guest runs at
 * 1 MiB, so the part that runs with the gate closed is copied below 1 MiB and
 * uses no stack; it leaves its readings in registers.
 */
#include "guest.h"

#define LOW_CODE	0x7000
#define LOW		0x7f000		/* a word below 1 MiB ... */
#define HIGH		0x17f000	/* ... and its alias with bit 20 set */

	.text
	.globl main
main:
	cli
	movl $0x11111111, LOW
	movl $0x44444444, HIGH
	mov LOW, %eax
	CHECK_EQ $0x11111111, "gate open: low and high words are distinct"

	/* copy the closed-gate part below 1 MiB and run it */
	mov $low_start, %esi
	mov $LOW_CODE, %edi
	mov $(low_end - low_start), %ecx
	rep movsb
	mov $LOW_CODE, %eax
	jmp *%eax
back:
	push %ebx
	push %edx
	push %edi
	mov %esi, %eax
	CHECK_EQ $0x22222222, "gate closed: a write 1 MiB up lands on the low word"
	pop %eax
	CHECK_EQ $0x22222222, "port 0x92 opens the gate: the low word keeps its value"
	pop %eax
	CHECK_EQ $0x33333333, "port 0x92 opens the gate: the high word is its own"
	pop %eax
	CHECK_EQ $0x33333333, "8042 output port opens the gate alone"
	mov HIGH, %eax
	CHECK_EQ $0x33333333, "high word after the gate opened again"
	jmp finish

/* Position-independent, no stack: runs at LOW_CODE with the gate closed. */
low_start:
	mov $0xd1, %al			/* 8042: write output port */
	out %al, $0x64
	mov $0xdd, %al			/* A20 (bit 1) off, reset line (bit 0) high */
	out %al, $0x60
	xor %al, %al			/* port 0x92: A20 off */
	out %al, $0x92
	movl $0x22222222, HIGH		/* lands on LOW */
	mov LOW, %esi

	mov $0x02, %al			/* port 0x92 alone opens the gate */
	out %al, $0x92
	movl $0x33333333, HIGH
	mov LOW, %edi
	mov HIGH, %edx

	xor %al, %al			/* close 0x92 again, open through the 8042 */
	out %al, $0x92
	mov $0xd1, %al
	out %al, $0x64
	mov $0xdf, %al
	out %al, $0x60
	mov HIGH, %ebx
	mov $back, %eax
	jmp *%eax
low_end:

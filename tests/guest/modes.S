/*
 * modes: the x86 operating-mode ladder (Intel SDM vol. 3, 9.9 "Mode
 * switching" and 9.8.5 "Initializing IA-32e mode").  Multiboot 32-bit
 * protected mode -> 16-bit protected mode -> real mode (PE cleared) with a
 * real-mode IVT interrupt -> protected mode -> PAE + long mode.
 * Not covered: virtual-8086 mode, SMM, returning from long mode.
 */
#include "guest.h"

#define RM_BASE		0x8000	/* real-mode code lives below 1 MiB */
#define RM_ADDR(sym)	(RM_BASE + ((sym) - rm_blob))
#define RM_INT_VEC	0x30
#define EFER		0xc0000080

	.text
	.globl main
main:
	PRINT "pm32: entered from multiboot\n"
	mov %cr0, %eax
	and $0x80000001, %eax
	CHECK_EQ $1, "pm32 cr0 pe=1 pg=0"

	mov $rm_blob, %esi
	mov $RM_BASE, %edi
	mov $rm_blob_end - rm_blob, %ecx
	rep movsb
	mov %esp, saved_esp
	ljmp $SEL_CODE16, $RM_ADDR(rm_entry16)

back32:
	mov $SEL_DATA32, %eax
	mov %eax, %ds
	mov %eax, %es
	mov %eax, %ss
	mov saved_esp, %esp
	lidt idt_desc
	PRINT "pm32: back from real mode\n"
	movzwl RM_ADDR(rm_pe), %eax
	CHECK_EQ $0, "real mode msw.pe=0"
	movzwl RM_ADDR(rm_seg), %eax
	CHECK_EQ $0xbeef, "real mode segment arithmetic"
	movzwl RM_ADDR(rm_intflag), %eax
	CHECK_EQ $0x5a5a, "real mode ivt interrupt"
	mov RM_ADDR(rm_op32), %eax
	CHECK_EQ $0x34567812, "real mode 32-bit operand"
	movzwl RM_ADDR(rm_cs), %eax
	CHECK_EQ $(RM_BASE >> 4), "real mode cs"

	/* identity-map the first GiB with 2 MiB pages */
	mov $pd, %edi
	mov $0x83, %eax		/* present, writable, 2 MiB */
	mov $512, %ecx
1:	mov %eax, (%edi)
	movl $0, 4(%edi)
	add $0x200000, %eax
	add $8, %edi
	loop 1b
	movl $pd + 3, pdpt
	movl $pdpt + 3, pml4

	mov %cr4, %eax
	or $0x20, %eax		/* PAE */
	mov %eax, %cr4
	mov $pml4, %eax
	mov %eax, %cr3
	mov $EFER, %ecx
	rdmsr
	or $0x100, %eax		/* LME */
	wrmsr
	mov %cr0, %eax
	or $0x80000000, %eax
	mov %eax, %cr0
	ljmp $SEL_CODE64, $long64

/* ---- 64-bit part ------------------------------------------------------ */
	.code64
long64:
	mov %esp, %esp		/* zero-extend: upper halves are undefined here */
	PRINT64 "long64: running 64-bit code\n"
	mov $EFER, %ecx
	rdmsr
	and $0x400, %eax	/* LMA */
	CHECK64 "efer.lma=1"
	movabs $0x123456789abcdef0, %rax
	mov $0x0fedcba987654321, %rbx
	add %rbx, %rax		/* carries across bit 32 only in 64-bit mode */
	PRINT64 "long64: 64-bit sum 0x"
	call puthex64
	call nl64
	mov fail_count(%rip), %eax	/* failures from the 32-bit part */
	add %eax, fails64(%rip)
	jmp finish64

#include "lib64.inc"

	.text
/* ---- real-mode blob, copied to RM_BASE -------------------------------- */
	.text
	.code16
rm_blob:
rm_entry16:	/* 16-bit protected mode, CS base 0 */
	mov $SEL_DATA16, %ax
	mov %ax, %ds
	mov %ax, %es
	mov %ax, %ss
	mov %cr0, %eax
	and $~1, %eax
	mov %eax, %cr0
	ljmp $(RM_BASE >> 4), $(rm_real - rm_blob)
rm_real:
	xor %ax, %ax
	mov %ax, %ds
	mov %ax, %es
	mov %ax, %ss
	mov $RM_BASE, %sp
	lidt RM_ADDR(rm_ivt_desc)
	mov $RM_ADDR(rm_msg), %si
	call rm_puts

	smsw %ax
	and $1, %ax
	mov %ax, RM_ADDR(rm_pe)
	mov %cs, %ax
	mov %ax, RM_ADDR(rm_cs)

	/* 0x0900:0x0010 and 0x0000:0x9010 are the same byte */
	mov $0x0900, %ax
	mov %ax, %es
	movw $0xbeef, %es:0x10
	mov 0x9010, %ax
	mov %ax, RM_ADDR(rm_seg)
	xor %ax, %ax
	mov %ax, %es

	/* a real-mode interrupt through the IVT at 0 */
	movw $(rm_isr - rm_blob), RM_INT_VEC * 4
	movw $(RM_BASE >> 4), RM_INT_VEC * 4 + 2
	int $RM_INT_VEC

	mov $0x12345678, %eax
	rol $8, %eax
	mov %eax, RM_ADDR(rm_op32)

	mov $RM_ADDR(rm_msg2), %si
	call rm_puts
	cli
	mov %cr0, %eax
	or $1, %eax
	mov %eax, %cr0
	ljmpl $SEL_CODE32, $back32

rm_isr:
	movw $0x5a5a, %cs:(rm_intflag - rm_blob)
	iret

rm_puts:
	push %ax
	push %dx
1:	lodsb
	test %al, %al
	jz 3f
	mov %al, %ah
	mov $COM1 + UART_LSR, %dx
2:	in %dx, %al
	test $0x20, %al
	jz 2b
	mov %ah, %al
	mov $COM1, %dx
	out %al, %dx
	jmp 1b
3:	pop %dx
	pop %ax
	ret

	.balign 4
rm_ivt_desc:	.word 0x3ff
		.long 0
rm_op32:	.long 0
rm_pe:		.word 0xffff
rm_seg:		.word 0
rm_intflag:	.word 0
rm_cs:		.word 0
rm_msg:		.asciz "real: hello from real mode\n"
rm_msg2:	.asciz "real: returning to protected mode\n"
rm_blob_end:
	.code32

	.data
saved_esp:	.long 0

	.bss
	.balign 4096
pml4:	.space 4096
pdpt:	.space 4096
pd:	.space 4096

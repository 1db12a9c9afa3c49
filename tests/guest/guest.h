/*
 * Shared definitions for the guest test programs (GNU as, preprocessed by
 * cpp).  Ports and addresses follow the PC board in src/layout.h; they are
 * repeated here because guests are built with a different toolchain mode.
 *
 * Calling convention of lib.S: arguments in eax/edx/esi, every other
 * register preserved, results in eax.
 */
#ifndef GUEST_H
#define GUEST_H

#define COM1		0x3f8
#define UART_THR	0
#define UART_RBR	0
#define UART_DLL	0
#define UART_IER	1
#define UART_DLM	1
#define UART_IIR	2
#define UART_FCR	2
#define UART_LCR	3
#define UART_MCR	4
#define UART_LSR	5
#define UART_MSR	6
#define UART_SCR	7

#define DEBUG_EXIT	0xf4
#define PM_TMR		0x608
#define PM_TMR_HZ	3579545
#define FW_CFG_SEL	0x510
#define FW_CFG_DATA	0x511
#define LAPIC_BASE	0xfee00000
#define MB_MAGIC	0x2badb002

/* GDT selectors set up by lib.S */
#define SEL_CODE32	0x08
#define SEL_DATA32	0x10
#define SEL_CODE16	0x18
#define SEL_DATA16	0x20
#define SEL_CODE64	0x28

/* Vector base the PIC is remapped to by pic_init. */
#define PIC_VEC		0x20

#ifdef __ASSEMBLER__
/* Print a literal string: PRINT "text\n" */
.macro PRINT str
	.pushsection .rodata
.Lpstr\@: .asciz "\str"
	.popsection
	push %esi
	mov $.Lpstr\@, %esi
	call puts
	pop %esi
.endm

/* Compare eax with an expected value; prints "ok name" or a FAIL line. */
.macro CHECK_EQ want, name
	.pushsection .rodata
.Lcname\@: .asciz "\name"
	.popsection
	push %edx
	push %esi
	mov \want, %edx
	mov $.Lcname\@, %esi
	call check_eq
	pop %esi
	pop %edx
.endm

/* eax != 0 means success. */
.macro CHECK_TRUE name
	.pushsection .rodata
.Lctname\@: .asciz "\name"
	.popsection
	push %esi
	mov $.Lctname\@, %esi
	call check_true
	pop %esi
.endm

/* For 64-bit code using lib64.inc. */
/* CHECK64 name: eax != 0 passes */
.macro CHECK64 name
	.pushsection .rodata
.Lc64\@: .asciz "\name"
	.popsection
	push %rsi
	lea .Lc64\@(%rip), %rsi
	call check64
	pop %rsi
.endm

.macro PRINT64 str
	.pushsection .rodata
.Lp64\@: .asciz "\str"
	.popsection
	push %rsi
	lea .Lp64\@(%rip), %rsi
	call puts64
	pop %rsi
.endm
#endif

#endif

/*
 * Runtime shared by the multiboot guest tests: multiboot v1 header and
 * entry (Multiboot Specification 0.6.96, section 3), flat GDT, an IDT whose
 * 256 stubs dispatch to per-vector handlers, COM1 output, the 8259 pair,
 * the ACPI PM timer and the debug-exit port.  32-bit protected mode only;
 * programs that switch modes bring their own code for the other modes.
 *
 * A program defines `main`; lib prints "result: PASS" or "result: FAIL (n)"
 * after it returns and leaves through port 0xf4 with 0 (status 1) when no
 * check failed, 1 (status 3) otherwise.
 */
#include "guest.h"

#define MB_HDR_MAGIC	0x1badb002
#define MB_HDR_FLAGS	0x00000002	/* ask for mem_lower/mem_upper */

	.section .mbheader, "a"
	.balign 4
	.long MB_HDR_MAGIC, MB_HDR_FLAGS, -(MB_HDR_MAGIC + MB_HDR_FLAGS)

	.text
	.code32
	.globl _start
_start:
	cli
	cld
	mov %eax, %ebp
	/* The loader zeroes bss, but a stale bss must not decide a result. */
	mov $__bss_start, %edi
	mov $__bss_end, %ecx
	sub %edi, %ecx
	xor %eax, %eax
	rep stosb
	mov %ebp, mb_magic
	mov %ebx, mb_info
	/* Multiboot leaves GDTR undefined (spec 3.2). */
	lgdt gdt_desc
	ljmp $SEL_CODE32, $1f
1:	mov $SEL_DATA32, %eax
	mov %eax, %ds
	mov %eax, %es
	mov %eax, %fs
	mov %eax, %gs
	mov %eax, %ss
	mov $stack_top, %esp
	call idt_init
	mov $COM1 + UART_LCR, %dx
	mov $0x03, %al
	out %al, %dx
	cmpl $MB_MAGIC, mb_magic
	je 2f
	PRINT "FAIL bad multiboot magic\n"
	incl fail_count
2:	call main
	.globl finish
finish:
	mov fail_count, %eax
	test %eax, %eax
	jnz 3f
	PRINT "result: PASS\n"
	xor %eax, %eax
	jmp exit
3:	PRINT "result: FAIL ("
	call putdec
	PRINT ")\n"
	mov $1, %eax
	/* fall through */

	.globl exit
exit:	/* eax = value for the debug-exit port */
	mov $DEBUG_EXIT, %dx
	out %eax, %dx
	cli
4:	hlt
	jmp 4b

/* ---- COM1 output --------------------------------------------------- */
	.globl putc
putc:	/* al = byte */
	push %ecx
	push %edx
	push %eax
	mov $100000, %ecx	/* a stuck THRE must not hang the guest */
	mov $COM1 + UART_LSR, %dx
1:	in %dx, %al
	test $0x20, %al
	jnz 2f
	pause
	loop 1b
2:	pop %eax
	mov $COM1 + UART_THR, %dx
	out %al, %dx
	pop %edx
	pop %ecx
	ret

	.globl puts
puts:	/* esi = NUL-terminated string */
	push %eax
	push %esi
1:	lodsb
	test %al, %al
	jz 2f
	call putc
	jmp 1b
2:	pop %esi
	pop %eax
	ret

	.globl nl
nl:	push %eax
	mov $'\n', %al
	call putc
	pop %eax
	ret

/* puthex32/16/8: eax printed as 0x-less hex, with leading zeroes */
	.globl puthex32, puthex16, puthex8
puthex32:
	push %ecx
	mov $8, %ecx
	jmp puthex_n
puthex16:
	push %ecx
	mov $4, %ecx
	jmp puthex_n
puthex8:
	push %ecx
	mov $2, %ecx
puthex_n:
	push %eax
	push %edx
	mov %eax, %edx
	/* rotate the wanted digits to the top */
	push %ecx
	neg %ecx
	add $8, %ecx
	shl $2, %ecx
	rol %cl, %edx
	pop %ecx
1:	rol $4, %edx
	mov %edx, %eax
	and $0xf, %eax
	mov hexdigits(%eax), %al
	call putc
	loop 1b
	pop %edx
	pop %eax
	pop %ecx
	ret

	.globl putdec
putdec:	/* unsigned eax in decimal */
	push %eax
	push %ecx
	push %edx
	push %ebx
	mov $10, %ebx
	xor %ecx, %ecx
1:	xor %edx, %edx
	div %ebx
	push %edx
	inc %ecx
	test %eax, %eax
	jnz 1b
2:	pop %eax
	add $'0', %al
	call putc
	loop 2b
	pop %ebx
	pop %edx
	pop %ecx
	pop %eax
	ret

/* ---- checks ----------------------------------------------------------- */
	.globl check_eq
check_eq:	/* eax = got, edx = want, esi = name */
	cmp %edx, %eax
	jne 1f
	PRINT "ok "
	call puts
	jmp nl
1:	incl fail_count
	PRINT "FAIL "
	call puts
	PRINT ": got 0x"
	call puthex32
	PRINT " want 0x"
	push %eax
	mov %edx, %eax
	call puthex32
	pop %eax
	jmp nl

	.globl check_true
check_true:	/* eax != 0 passes, esi = name */
	test %eax, %eax
	jz 1f
	PRINT "ok "
	call puts
	jmp nl
1:	incl fail_count
	PRINT "FAIL "
	call puts
	jmp nl

/* ---- interrupts ------------------------------------------------------- */
/*
 * Each stub is 16 bytes apart; it pushes a dummy error code where the CPU
 * pushes none and calls isr_common, which derives the vector from the
 * return address.
 */
	.balign 16
isr_stubs:
	.set vec, 0
	.rept 256
	.balign 16
	.if (vec == 8) || ((vec >= 10) && (vec <= 14)) || (vec == 17) || (vec == 21) || (vec == 29) || (vec == 30)
	.else
	push $0
	.endif
	call isr_common
	.set vec, vec + 1
	.endr

isr_common:
	/* stack: stub return, error code, eip, cs, eflags */
	pusha
	mov 32(%esp), %eax
	sub $isr_stubs, %eax
	shr $4, %eax
	mov handlers(,%eax,4), %edx
	test %edx, %edx
	jz unexpected
	lea 36(%esp), %ebx	/* ebx -> error code, eip, cs, eflags */
	call *%edx
	popa
	add $8, %esp
	iret

unexpected:
	PRINT "FAIL unexpected vector 0x"
	call puthex8
	PRINT " err 0x"
	mov 36(%esp), %eax
	call puthex32
	PRINT " eip 0x"
	mov 40(%esp), %eax
	call puthex32
	call nl
	mov $0x7f, %eax
	jmp exit

	.globl set_handler
set_handler:	/* eax = vector, edx = handler (0 = none) */
	push %eax
	and $0xff, %eax
	mov %edx, handlers(,%eax,4)
	pop %eax
	ret

idt_init:
	push %eax
	push %ecx
	push %edx
	push %edi
	mov $idt, %edi
	mov $isr_stubs, %edx
	mov $256, %ecx
1:	mov %edx, %eax
	mov %ax, (%edi)
	movw $SEL_CODE32, 2(%edi)
	movw $0x8e00, 4(%edi)	/* present, DPL 0, 32-bit interrupt gate */
	shr $16, %eax
	mov %ax, 6(%edi)
	add $8, %edi
	add $16, %edx
	loop 1b
	lidt idt_desc
	pop %edi
	pop %edx
	pop %ecx
	pop %eax
	ret

/* ---- 8259 pair --------------------------------------------------------- */
	.globl pic_init
pic_init:	/* remap to PIC_VEC/PIC_VEC+8, everything masked but the cascade */
	push %eax
	mov $0x11, %al
	out %al, $0x20
	out %al, $0xa0
	mov $PIC_VEC, %al
	out %al, $0x21
	mov $PIC_VEC + 8, %al
	out %al, $0xa1
	mov $0x04, %al
	out %al, $0x21
	mov $0x02, %al
	out %al, $0xa1
	mov $0x01, %al
	out %al, $0x21
	out %al, $0xa1
	mov $0xfb, %al
	out %al, $0x21
	mov $0xff, %al
	out %al, $0xa1
	pop %eax
	ret

	.globl pic_unmask
pic_unmask:	/* eax = irq 0..15 */
	push %eax
	push %ecx
	push %edx
	mov %eax, %ecx
	mov $0x21, %dx
	cmp $8, %ecx
	jb 1f
	mov $0xa1, %dx
	sub $8, %ecx
1:	in %dx, %al
	mov $1, %ah
	shl %cl, %ah
	not %ah
	and %ah, %al
	out %al, %dx
	pop %edx
	pop %ecx
	pop %eax
	ret

	.globl pic_eoi
pic_eoi:	/* eax = irq */
	push %eax
	cmp $8, %eax
	mov $0x20, %al
	jb 1f
	out %al, $0xa0
1:	out %al, $0x20
	pop %eax
	ret

/* ---- ACPI PM timer ---------------------------------------------------- */
	.globl pmtimer_read
pmtimer_read:	/* eax = 24-bit tick count */
	push %edx
	mov $PM_TMR, %dx
	in %dx, %eax
	and $0xffffff, %eax
	pop %edx
	ret

	.globl pm_elapsed
pm_elapsed:	/* eax = start tick -> eax = ticks since then (mod 2^24) */
	push %edx
	mov %eax, %edx
	call pmtimer_read
	sub %edx, %eax
	and $0xffffff, %eax
	pop %edx
	ret

	.globl us_to_ticks
us_to_ticks:	/* eax = microseconds (< 4e6) -> PM timer ticks */
	push %edx
	push %ecx
	mov $3580, %ecx
	mul %ecx
	mov $1000, %ecx
	div %ecx
	pop %ecx
	pop %edx
	ret

	.globl delay_us
delay_us:	/* eax = microseconds, at most ~4 s; gives up if the timer is stuck */
	push %eax
	push %ecx
	push %edx
	call us_to_ticks
	mov %eax, %ecx
	call pmtimer_read
	mov %eax, %edx
	push %esi
	mov $20000000, %esi
1:	mov %edx, %eax
	call pm_elapsed
	cmp %ecx, %eax
	jae 2f
	pause
	dec %esi
	jnz 1b
2:	pop %esi
	pop %edx
	pop %ecx
	pop %eax
	ret

/* ---- fw_cfg (QEMU docs/specs/fw_cfg.rst, port interface) ------------- */
	.globl fw_select, fw_read
fw_select:	/* eax = key */
	push %edx
	mov $FW_CFG_SEL, %dx
	out %ax, %dx
	pop %edx
	ret

fw_read:	/* ecx = 1..4 bytes -> eax, little-endian */
	push %ecx
	push %edx
	push %ebx
	xor %ebx, %ebx
	xor %edx, %edx
1:	push %edx
	mov $FW_CFG_DATA, %dx
	xor %eax, %eax
	in %dx, %al
	pop %edx
	push %ecx
	mov %edx, %ecx
	shl %cl, %eax
	pop %ecx
	or %eax, %ebx
	add $8, %edx
	loop 1b
	mov %ebx, %eax
	pop %ebx
	pop %edx
	pop %ecx
	ret

/* ---- data ------------------------------------------------------------- */
	.section .rodata
hexdigits: .ascii "0123456789abcdef"

	.data
	.balign 8
	.globl gdt
gdt:	.quad 0
	.quad 0x00cf9a000000ffff	/* 0x08 code32 */
	.quad 0x00cf92000000ffff	/* 0x10 data32 */
	.quad 0x00009a000000ffff	/* 0x18 code16, base 0, 64 KiB */
	.quad 0x000092000000ffff	/* 0x20 data16 */
	.quad 0x00af9a000000ffff	/* 0x28 code64 */
gdt_end:
	.globl gdt_desc
	.balign 4
	.word 0
gdt_desc:
	.word gdt_end - gdt - 1
	.long gdt
	.balign 4
	.word 0
	.globl idt_desc
idt_desc:
	.word 256 * 8 - 1
	.long idt

	.bss
	.balign 4096
	.globl idt
idt:	.space 256 * 8
handlers: .space 256 * 4
	.globl mb_magic, mb_info, fail_count
mb_magic: .long 0
mb_info: .long 0
fail_count: .long 0
	.balign 16
	.space 16384
	.globl stack_top
stack_top:

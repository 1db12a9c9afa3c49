/*
 * uart: COM1 as a 16550A (National PC16550D datasheet, "Registers"):
 * divisor latch behind DLAB, scratch and line-control round trips, IER/IIR
 * defaults, loopback (MCR bit 4) echo with and without the FIFO, the modem
 * status mirror of MCR in loopback, and the THRE interrupt (IER bit 1)
 * raised on IRQ 4 through the master 8259.
 * Not covered: baud-rate timing, line-status errors, break, modem inputs.
 */
#include "guest.h"

#define IRQ_COM1	4

/* rd reg -> al (eax zero-extended); wr reg, value */
.macro RD reg
	mov $COM1 + \reg, %dx
	xor %eax, %eax
	in %dx, %al
.endm
.macro WR reg, val
	mov $COM1 + \reg, %dx
	mov \val, %al
	out %al, %dx
.endm

/*
 * While DLAB or loopback is set, COM1 output would land in the divisor latch
 * or the receiver, so checks made then are recorded and printed later.
 */
.macro DCHECK want, name
	.pushsection .rodata
.Ldname\@: .asciz "\name"
	.popsection
	push %edx
	push %esi
	mov \want, %edx
	mov $.Ldname\@, %esi
	call defer_check
	pop %esi
	pop %edx
.endm

	.text
	.globl main
main:
	PRINT "uart: register round trips\n"
	WR UART_IER, $0
	WR UART_FCR, $0
	RD UART_LSR
	and $0x60, %eax
	CHECK_EQ $0x60, "lsr thre+temt idle"
	RD UART_IIR
	and $0x0f, %eax
	CHECK_EQ $0x01, "iir no interrupt pending"

	WR UART_LCR, $0x83	/* DLAB */
	WR UART_DLL, $0x0c
	WR UART_DLM, $0x34
	RD UART_DLL
	DCHECK $0x0c, "dll readback"
	RD UART_DLM
	DCHECK $0x34, "dlm readback"
	RD UART_LCR
	DCHECK $0x83, "lcr readback with dlab"
	WR UART_DLL, $0x01	/* 115200 */
	WR UART_DLM, $0x00
	WR UART_LCR, $0x1b	/* 8 bits, even parity, DLAB off */
	RD UART_LCR
	DCHECK $0x1b, "lcr readback"
	WR UART_IER, $0x05
	RD UART_IER
	DCHECK $0x05, "ier readback (dlab off)"
	WR UART_IER, $0x00
	WR UART_LCR, $0x83
	RD UART_DLL
	DCHECK $0x01, "dll kept across dlab toggle"
	WR UART_LCR, $0x03
	call flush_checks
	WR UART_SCR, $0x5a
	RD UART_SCR
	CHECK_EQ $0x5a, "scr 5a"
	WR UART_SCR, $0xa5
	RD UART_SCR
	CHECK_EQ $0xa5, "scr a5"

	PRINT "uart: loopback\n"
	WR UART_MCR, $0x1f	/* LOOP | OUT2 | OUT1 | RTS | DTR */
	RD UART_MSR
	and $0xf0, %eax
	DCHECK $0xf0, "msr mirrors mcr in loopback"
	WR UART_MCR, $0x12	/* LOOP | RTS */
	RD UART_MSR
	and $0xf0, %eax
	DCHECK $0x10, "msr cts follows rts"
	WR UART_THR, $0x42
	call wait_dr
	DCHECK $1, "lsr dr after loopback write"
	RD UART_RBR
	DCHECK $0x42, "loopback echo"
	RD UART_LSR
	and $0x01, %eax
	DCHECK $0, "lsr dr clear after read"

	WR UART_FCR, $0x07	/* enable and clear both FIFOs */
	RD UART_IIR
	and $0xc0, %eax
	DCHECK $0xc0, "iir fifo enabled bits"
	WR UART_THR, $'a'
	WR UART_THR, $'b'
	WR UART_THR, $'c'
	call wait_dr
	RD UART_RBR
	mov %eax, %ebx
	RD UART_RBR
	shl $8, %ebx
	or %eax, %ebx
	RD UART_RBR
	shl $8, %ebx
	or %ebx, %eax
	DCHECK $0x616263, "fifo loopback abc in order"
	RD UART_LSR
	and $0x01, %eax
	DCHECK $0, "fifo drained"
	WR UART_FCR, $0x00
	WR UART_MCR, $0x08	/* OUT2 gates the IRQ on a PC */
	call flush_checks

	PRINT "uart: thre interrupt\n"
	call pic_init
	mov $PIC_VEC + IRQ_COM1, %eax
	mov $com1_isr, %edx
	call set_handler
	mov $IRQ_COM1, %eax
	call pic_unmask
	sti
	/* every byte printed would interrupt too: print only after IER=0 */
	WR UART_IER, $0x02	/* ETBEI: THR is empty, so this interrupts at once */
	mov $1, %eax
	call wait_irqs
	mov irq_count, %eax
	DCHECK $1, "one thre interrupt after etbei"
	mov irq_iir, %eax
	and $0x0f, %eax
	DCHECK $0x02, "iir says thre"
	RD UART_IIR
	and $0x0f, %eax
	DCHECK $0x01, "iir read cleared thre"
	/* a transmitted byte raises THRE again once it has gone */
	WR UART_THR, $'*'
	mov $2, %eax
	call wait_irqs
	mov irq_count, %eax
	DCHECK $2, "second thre interrupt after a write"
	WR UART_IER, $0x00
	cli
	call nl
	call flush_checks
	WR UART_MCR, $0x03
	ret

defer_check:	/* eax = got, edx = want, esi = name */
	push %edi
	mov ndefer, %edi
	cmp $32, %edi
	jae 1f
	imul $12, %edi
	mov %eax, deferred(%edi)
	mov %edx, deferred+4(%edi)
	mov %esi, deferred+8(%edi)
	incl ndefer
1:	pop %edi
	ret

flush_checks:
	push %eax
	push %edx
	push %esi
	push %edi
	xor %edi, %edi
1:	cmp ndefer, %edi
	jae 2f
	push %edi
	imul $12, %edi
	mov deferred(%edi), %eax
	mov deferred+4(%edi), %edx
	mov deferred+8(%edi), %esi
	call check_eq
	pop %edi
	inc %edi
	jmp 1b
2:	movl $0, ndefer
	pop %edi
	pop %esi
	pop %edx
	pop %eax
	ret

/* eax=1 when LSR.DR rises within a bounded poll */
wait_dr:
	push %ecx
	mov $100000, %ecx
1:	RD UART_LSR
	test $1, %al
	jnz 2f
	loop 1b
	xor %eax, %eax
	pop %ecx
	ret
2:	mov $1, %eax
	pop %ecx
	ret

/* wait up to ~200 ms for irq_count >= eax */
wait_irqs:
	push %ebx
	push %ecx
	mov %eax, %ebx
	call pmtimer_read
	mov %eax, %ecx
	push %esi
	mov $2000000, %esi	/* and a cap in case the PM timer is stuck */
1:	cmp %ebx, irq_count
	jae 2f
	mov %ecx, %eax
	call pm_elapsed
	cmp $716000, %eax
	jae 2f
	dec %esi
	jnz 1b
2:	pop %esi
	pop %ecx
	pop %ebx
	ret

com1_isr:
	push %edx
	RD UART_IIR		/* reading IIR acknowledges THRE */
	mov %eax, irq_iir
	incl irq_count
	mov $IRQ_COM1, %eax
	call pic_eoi
	pop %edx
	ret

	.bss
irq_count:	.long 0
irq_iir:	.long 0
ndefer:		.long 0
deferred:	.space 32 * 12

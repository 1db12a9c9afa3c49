/*
 * timer: 8254 PIT (Intel 82C54 datasheet: control word, modes 0 and 2,
 * counter latch and read-back commands).  Channel 0 in mode 2 at ~1 kHz
 * drives IRQ 0 through the master 8259; the guest halts between ticks and
 * times 50 ticks with the ACPI PM timer.  Then a mode-0 one-shot must
 * interrupt exactly once.
 * Not covered: channels 1/2, BCD counting, modes 1/3/4/5, gate input.
 */
#include "guest.h"

#define PIT_CH0		0x40
#define PIT_CMD		0x43
#define DIVISOR		1193		/* 1193182 Hz / 1193 = ~1000 Hz */
#define TICKS		50
#define MIN_PM		(TICKS - 5) * 3580	/* 45 ms: ticks cannot come faster */
#define MAX_PM		(4 * PM_TMR_HZ)	/* generous: emulation may be slow */

	.text
	.globl main
main:
	call pic_init
	mov $PIC_VEC + 0, %eax
	mov $pit_isr, %edx
	call set_handler

	mov $0x34, %al		/* ch0, lo/hi, mode 2, binary */
	out %al, $PIT_CMD
	mov $DIVISOR & 0xff, %al
	out %al, $PIT_CH0
	mov $DIVISOR >> 8, %al
	out %al, $PIT_CH0

	mov $0xe2, %al		/* read-back: status only, ch0 */
	out %al, $PIT_CMD
	xor %eax, %eax
	in $PIT_CH0, %al
	and $0x3f, %eax
	CHECK_EQ $0x34, "read-back status: lo/hi, mode 2, binary"

	mov $0x00, %al		/* counter latch ch0 */
	out %al, $PIT_CMD
	xor %eax, %eax
	in $PIT_CH0, %al
	mov %al, %bl
	in $PIT_CH0, %al
	mov %al, %ah
	mov %bl, %al
	cmp $DIVISOR, %eax
	setbe %al
	movzbl %al, %eax
	CHECK_TRUE "latched count within divisor"

	call pmtimer_read
	mov %eax, %esi
	xor %eax, %eax
	call pic_unmask
1:	sti
	hlt
	cli
	cmpl $TICKS, ticks
	jae 2f
	mov %esi, %eax
	call pm_elapsed
	cmp $MAX_PM, %eax
	jb 1b
2:	mov %esi, %eax
	call pm_elapsed
	mov %eax, %edi
	mov ticks, %eax
	cmp $TICKS, %eax
	setae %al
	movzbl %al, %eax
	CHECK_TRUE "50 periodic ticks with hlt between"
	PRINT "# pm timer ticks for 50 pit ticks: "
	mov %edi, %eax
	call putdec
	call nl
	cmp $MIN_PM, %edi
	setae %al
	movzbl %al, %eax
	CHECK_TRUE "50 ticks took at least 45 ms"
	cmp $MAX_PM, %edi
	setb %al
	movzbl %al, %eax
	CHECK_TRUE "50 ticks took under 4 s"

	/* mode 0: one interrupt at terminal count, then silence */
	mov $0x30, %al		/* OUT goes low and stays there until a count */
	out %al, $PIT_CMD
	/*
	 * A first count of 65536 (55 ms) ends the periodic ticks for a PIT
	 * that only stops its old period when a count is loaded (KVM's), then
	 * 3 ms drain a tick already latched in the 8259; the control word and
	 * the count below restart the one-shot long before it would fire.
	 */
	xor %al, %al
	out %al, $PIT_CH0
	out %al, $PIT_CH0
	sti
	mov $3000, %eax
	call delay_us
	cli
	mov $0x30, %al
	out %al, $PIT_CMD
	movl $0, ticks
	mov $11932 & 0xff, %al	/* 10 ms */
	out %al, $PIT_CH0
	mov $11932 >> 8, %al
	out %al, $PIT_CH0
	sti
	mov $60000, %eax
	call delay_us
	cli
	mov ticks, %eax
	CHECK_EQ $1, "mode 0 one-shot interrupts once"
	ret

pit_isr:
	incl ticks
	xor %eax, %eax
	jmp pic_eoi

	.bss
ticks:	.long 0

/*
 * input: the 8042 keyboard controller with a PS/2 keyboard and mouse, for
 * tests/display/vnc.sh.  Puts a banner on the VGA text screen (0xb8000),
 * checks the controller self test, resets the keyboard (scan-code set 2,
 * translated to set 1 by the controller) and the mouse, switches the mouse
 * to IntelliMouse (ID 3, 4-byte packets) with the 200/100/80 sample-rate
 * sequence, enables both, prints "ready", then echoes every byte the
 * controller delivers as "K xx" (keyboard) or "M xx" (aux) on COM1, polling
 * the status register (no interrupts).  The V key's make code (0x2f) switches
 * to a 320x200x32 Bochs VBE mode and paints the first 64 KiB bank orange.
 * The P key's make code (0x19) powers the machine off (ACPI S5) 3 s later,
 * without polling the controller meanwhile.
 * Ends after the Escape key's break code (0x81), or after 30 s without input.
 *
 * Freeze watch (for vnc/stuck-viewer): the polling loop comes round every
 * few microseconds, so a gap of FREEZE_MS or more between two rounds means
 * the vCPU was held up, e.g. in a port access waiting for the device-model
 * lock.  Each such gap prints "FREEZE n ms" (measured with the TSC,
 * calibrated against the ACPI PM timer); the guest does not fail for it.
 */
#include "guest.h"

#define KBC_DATA	0x60
#define KBC_STAT	0x64
#define ST_OBF		0x01
#define ST_IBF		0x02
#define ST_AUX		0x20
#define IDLE_SECONDS	30
#define FREEZE_MS	1000
#define PM1A_CNT	0x604
#define PM1_S5		(5 << 10 | 0x2000)	/* SLP_TYP = 5 (the DSDT's \_S5), SLP_EN */
#define POWEROFF_US	3000000
#define CALIB_TICKS	(PM_TMR_HZ / 20)	/* 50 ms of PM timer */

	.text
	.globl main
main:
	/* The banner: white on blue, rows 0 and 2. */
	mov $banner, %esi
	mov $0xb8000, %edi
	call vputs
	mov $banner2, %esi
	mov $0xb8000 + 2 * 160, %edi
	call vputs

	call kbc_flush
	mov $0xaa, %al			/* controller self test */
	call kbc_cmd
	call kbc_byte
	CHECK_EQ $0x55, "8042 self test"
	mov $0x60, %al			/* command byte: translate, SYS, no IRQs */
	call kbc_cmd
	mov $0x44, %al
	call kbc_write
	mov $0xae, %al
	call kbc_cmd
	mov $0xa8, %al
	call kbc_cmd

	mov $0xff, %al			/* keyboard reset */
	call kbc_write
	call kbc_byte
	CHECK_EQ $0xfa, "keyboard reset ack"
	call kbc_byte
	CHECK_EQ $0xaa, "keyboard self test passed"
	mov $0xf4, %al
	call kbc_write
	call kbc_byte
	CHECK_EQ $0xfa, "keyboard enable ack"

	mov $0xff, %al			/* mouse reset */
	call aux_write
	call kbc_byte
	CHECK_EQ $0xfa, "mouse reset ack"
	call kbc_byte
	CHECK_EQ $0xaa, "mouse self test passed"
	call kbc_byte
	CHECK_EQ $0x00, "mouse id after reset"
	mov $200, %al
	call aux_rate
	mov $100, %al
	call aux_rate
	mov $80, %al
	call aux_rate
	mov $0xf2, %al
	call aux_write
	call kbc_byte
	CHECK_EQ $0xfa, "get id ack"
	call kbc_byte
	CHECK_EQ $0x03, "IntelliMouse id"
	mov $0xf4, %al
	call aux_write
	call kbc_byte
	CHECK_EQ $0xfa, "mouse enable ack"
	mov fail_count, %eax
	test %eax, %eax
	jnz 9f
	call tsc_calibrate
	PRINT "ready\n"

	xor %ebx, %ebx			/* seconds without input */
1:	call kbc_read
	cmp $-1, %eax
	jne 2f
	inc %ebx
	cmp $IDLE_SECONDS, %ebx
	jb 1b
	PRINT "FAIL no input for 30 s\n"
	incl fail_count
	jmp 9f
2:	xor %ebx, %ebx
	test $ST_AUX << 8, %eax
	jnz 3f
	PRINT "K "
	call puthex8
	call nl
	cmp $0x81, %al			/* Escape released: done */
	je 9f
	cmp $0x19, %al			/* P pressed: power off soon */
	je 4f
	cmp $0x2f, %al			/* V pressed: a graphics mode */
	jne 1b
	call vbe_mode
	jmp 1b
4:	mov $POWEROFF_US, %eax
	call delay_us
	mov $PM1A_CNT, %dx
	mov $PM1_S5, %ax
	outw %ax, %dx
	mov $2000000, %eax		/* the machine stops in the meantime */
	call delay_us
	PRINT "FAIL still running 2 s after ACPI S5\n"
	incl fail_count
	jmp 9f
3:	PRINT "M "
	call puthex8
	call nl
	jmp 1b
9:	ret

/* Bochs VBE register ecx = eax. */
vbe_write:
	push %edx
	push %eax
	mov $0x1ce, %dx
	mov %ecx, %eax
	outw %ax, %dx
	pop %eax
	mov $0x1cf, %dx
	outw %ax, %dx
	pop %edx
	ret

/* 320x200, 32 bpp, banked; bank 0 (51.2 rows) painted 0xff8000. */
vbe_mode:
	push %eax
	push %ecx
	push %edi
	mov $4, %ecx			/* disable */
	xor %eax, %eax
	call vbe_write
	mov $1, %ecx			/* xres */
	mov $320, %eax
	call vbe_write
	mov $2, %ecx			/* yres */
	mov $200, %eax
	call vbe_write
	mov $3, %ecx			/* bpp */
	mov $32, %eax
	call vbe_write
	mov $4, %ecx			/* enable */
	mov $1, %eax
	call vbe_write
	mov $5, %ecx			/* bank 0 */
	xor %eax, %eax
	call vbe_write
	mov $0xa0000, %edi
	mov $0x4000, %ecx
	mov $0x00ff8000, %eax
	rep stosl
	pop %edi
	pop %ecx
	pop %eax
	ret

/* Write the string at esi to the text screen at edi, attribute 0x1f. */
vputs:
	lodsb
	test %al, %al
	jz 1f
	mov $0x1f, %ah
	mov %ax, (%edi)
	add $2, %edi
	jmp vputs
1:	ret

/* Wait until the controller takes input (IBF clear). */
kbc_wait_in:
	push %eax
	push %ecx
	mov $1000000, %ecx
1:	in $KBC_STAT, %al
	test $ST_IBF, %al
	jz 2f
	pause
	loop 1b
2:	pop %ecx
	pop %eax
	ret

kbc_cmd:	/* al = controller command */
	call kbc_wait_in
	out %al, $KBC_STAT
	ret

kbc_write:	/* al = byte for the keyboard (or a command's parameter) */
	call kbc_wait_in
	out %al, $KBC_DATA
	ret

aux_write:	/* al = byte for the mouse */
	push %eax
	mov $0xd4, %al
	call kbc_cmd
	pop %eax
	jmp kbc_write

aux_rate:	/* al = sample rate: 0xf3, rate, two acks */
	push %eax
	mov $0xf3, %al
	call aux_write
	call kbc_read
	pop %eax
	call aux_write
	jmp kbc_read

/*
 * Next byte from the controller within ~1 s: eax = byte | status << 8,
 * or -1.
 */
kbc_read:
	push %edx
	push %ecx
	call freeze_start
	call pmtimer_read
	mov %eax, %edx
	mov $PM_TMR_HZ, %ecx
1:	in $KBC_STAT, %al
	call freeze_check
	test $ST_OBF, %al
	jnz 2f
	mov %edx, %eax
	call pm_elapsed
	cmp %ecx, %eax
	jb 1b
	mov $-1, %eax
	jmp 3f
2:	movzbl %al, %ecx
	shl $8, %ecx
	xor %eax, %eax
	in $KBC_DATA, %al
	or %ecx, %eax
3:	pop %ecx
	pop %edx
	ret

/* The next byte alone (0xff on a timeout). */
kbc_byte:
	call kbc_read
	movzbl %al, %eax
	ret

/* Drop whatever the firmware (or nobody) left in the output buffer. */
kbc_flush:
	push %eax
	push %ecx
	mov $32, %ecx
1:	in $KBC_STAT, %al
	test $ST_OBF, %al
	jz 2f
	in $KBC_DATA, %al
	loop 1b
2:	pop %ecx
	pop %eax
	ret

/* tsc_per_ms from 50 ms of PM timer. */
tsc_calibrate:
	push %eax
	push %ebx
	push %ecx
	push %edx
	push %esi
	call pmtimer_read
	mov %eax, %ebx
	rdtsc
	mov %eax, %esi
	mov %edx, %ecx
1:	mov %ebx, %eax
	call pm_elapsed
	cmp $CALIB_TICKS, %eax
	jb 1b
	rdtsc
	sub %esi, %eax
	sbb %ecx, %edx
	mov $50, %ecx
	div %ecx
	mov %eax, tsc_per_ms
	pop %esi
	pop %edx
	pop %ecx
	pop %ebx
	pop %eax
	ret

/* A polling loop starts: what came before is not a gap. */
freeze_start:
	push %eax
	push %edx
	rdtsc
	mov %eax, last_tsc
	mov %edx, last_tsc + 4
	pop %edx
	pop %eax
	ret

/* One more round of the polling loop: report a gap of FREEZE_MS or more. */
freeze_check:
	push %eax
	push %edx
	mov tsc_per_ms, %eax
	test %eax, %eax
	jz 9f				/* not calibrated yet */
	rdtsc
	push %edx
	push %eax
	sub last_tsc, %eax
	sbb last_tsc + 4, %edx
	popl last_tsc
	popl last_tsc + 4
	cmp tsc_per_ms, %edx
	jae 1f				/* too long to divide: surely a freeze */
	divl tsc_per_ms			/* eax = ms */
	cmp $FREEZE_MS, %eax
	jb 9f
	PRINT "FREEZE "
	call putdec
	PRINT " ms\n"
	jmp 9f
1:	PRINT "FREEZE long\n"
9:	pop %edx
	pop %eax
	ret

	.data
	.balign 8
last_tsc:	.quad 0
tsc_per_ms:	.long 0

	.section .rodata
banner:	.asciz "HVM INPUT TEST: keyboard and mouse through the 8042"
banner2: .asciz "0123456789 abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ"

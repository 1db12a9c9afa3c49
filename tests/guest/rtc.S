/*
 * rtc: MC146818A CMOS clock as on a PC (Motorola MC146818A datasheet:
 * registers A-D, "Update Cycle", "Data Mode"; PC CMOS layout for the
 * memory-size bytes 0x30/0x31 and 0x34/0x35).  Reads the time in BCD and in
 * binary, checks ranges and that both agree, sees UIP rise and fall with
 * the seconds advancing, UF in register C, CMOS RAM scratch, the NMI-mask
 * bit of the index port, and that the memory-size bytes agree with the
 * multiboot mem_upper (which may stop up to 1 MiB short of the top of RAM
 * when firmware keeps tables there).
 * Not covered: alarms, periodic interrupt rates, 12-hour mode, SET bit.
 */
#include "guest.h"

#define RTC_IDX		0x70
#define RTC_DATA	0x71

	.text
	.globl main
main:
	mov $0x0c, %eax		/* clear pending flags */
	call cmos_read
	mov $0x0b, %eax
	mov $0x02, %edx		/* 24 h, BCD, no interrupts */
	call cmos_write
	mov $0x0b, %eax
	call cmos_read
	CHECK_EQ $0x02, "reg b readback"
	mov $0x0d, %eax
	call cmos_read
	and $0x80, %eax
	CHECK_EQ $0x80, "reg d vrt"
	mov $0x8b, %eax		/* bit 7 of the index only masks NMI */
	call cmos_read
	CHECK_EQ $0x02, "index with nmi-mask bit selects reg b"

	/* ---- BCD ---- */
	call read_time
	mov $1, %eax
	mov $tm, %esi
	mov $7, %ecx
1:	movzbl (%esi), %edx
	mov %edx, %ebx
	and $0x0f, %ebx
	cmp $9, %ebx
	jbe 2f
	xor %eax, %eax
2:	shr $4, %edx
	cmp $9, %edx
	jbe 3f
	xor %eax, %eax
3:	inc %esi
	loop 1b
	CHECK_TRUE "bcd digits valid"
	mov $tm, %esi
	mov $tm_bcd, %edi
	mov $7, %ecx
4:	movzbl (%esi), %eax	/* convert for range checks */
	mov %eax, %edx
	shr $4, %edx
	and $0xf, %eax
	imul $10, %edx
	add %edx, %eax
	mov %al, (%edi)
	inc %esi
	inc %edi
	loop 4b
	mov $tm_bcd, %esi
	call check_ranges
	CHECK_TRUE "bcd time in range"
	PRINT "# time "
	mov $tm_bcd, %esi
	call print_time

	/* ---- binary ---- */
	mov $0x0b, %eax
	mov $0x06, %edx		/* DM: binary */
	call cmos_write
	call read_time
	mov $tm, %esi
	call check_ranges
	CHECK_TRUE "binary time in range"
	PRINT "# time "
	mov $tm, %esi
	call print_time
	mov $tm_bcd, %esi
	call sec_of_day
	mov %eax, %ebx
	mov $tm, %esi
	call sec_of_day
	sub %ebx, %eax
	jns 5f
	add $86400, %eax	/* midnight passed in between */
5:	cmp $3, %eax
	setbe %al
	movzbl %al, %eax
	CHECK_TRUE "binary and bcd reads agree within 3 s"
	mov $0x0b, %eax
	mov $0x02, %edx
	call cmos_write

	/* ---- update cycle ---- */
	call pmtimer_read
	mov %eax, %edi
	/*
	 * Seconds, then register A: a clear UIP read after the seconds vouches
	 * that they predate the update, even if the vCPU stalls between the
	 * reads.  ebx: the seconds of the last such pair (-1: none yet, so a
	 * window already open at the start is waited out).
	 */
	mov $-1, %ebx
6:	xor %eax, %eax
	call cmos_read
	push %eax
	mov $0x0a, %eax
	call cmos_read
	test $0x80, %al
	pop %eax		/* the seconds; flags kept */
	jz 5f
	cmp $-1, %ebx
	jne 7f
	jmp 6b
5:	mov %eax, %ebx
	mov %edi, %eax
	call pm_elapsed
	cmp $(3 * PM_TMR_HZ / 2), %eax
	jb 6b
	xor %eax, %eax
	CHECK_TRUE "uip seen within 1.5 s"
	jmp 9f
7:	mov $1, %eax
	CHECK_TRUE "uip seen within 1.5 s"
	call pmtimer_read
	mov %eax, %edi
8:	mov $0x0a, %eax		/* the cycle lasts ~2 ms at most */
	call cmos_read
	test $0x80, %al
	jz 10f
	mov %edi, %eax
	call pm_elapsed
	cmp $(PM_TMR_HZ / 10), %eax
	jb 8b
	xor %eax, %eax
	CHECK_TRUE "uip falls within 100 ms"
	jmp 9f
10:	mov $1, %eax
	CHECK_TRUE "uip falls within 100 ms"
	xor %eax, %eax
	call cmos_read
	mov %ebx, %edx		/* BCD seconds + 1, with 59 -> 00 */
	inc %edx
	mov %edx, %ecx
	and $0x0f, %ecx
	cmp $0x0a, %ecx
	jb 11f
	add $6, %edx
11:	cmp $0x60, %edx
	jb 12f
	xor %edx, %edx
12:	CHECK_EQ %edx, "seconds advanced by one across the update"
	mov $0x0c, %eax
	call cmos_read
	and $0x10, %eax
	CHECK_EQ $0x10, "reg c uf set after an update"
	mov $0x0c, %eax
	call cmos_read
	and $0x10, %eax
	CHECK_EQ $0, "reg c cleared by reading it"
9:
	/* ---- CMOS RAM and memory size ---- */
	mov $0x50, %eax
	mov $0xa5, %edx
	call cmos_write
	mov $0x50, %eax
	call cmos_read
	CHECK_EQ $0xa5, "cmos ram scratch"

	mov mb_info, %esi
	testl $1, (%esi)
	setnz %al
	movzbl %al, %eax
	CHECK_TRUE "multiboot mem fields present"
	mov 8(%esi), %ebx	/* mem_upper, KiB above 1 MiB */
	PRINT "# mem_upper KiB "
	mov %ebx, %eax
	call putdec
	call nl
	mov $0x35, %eax
	call cmos_read
	mov %eax, %ecx
	shl $8, %ecx
	mov $0x34, %eax
	call cmos_read
	or %ecx, %eax
	shl $6, %eax		/* 64 KiB units above 16 MiB */
	add $15 * 1024, %eax
	/* firmware may keep tables at the top of RAM, out of mem_upper */
	sub %ebx, %eax
	cmp $1024, %eax
	setbe %al
	movzbl %al, %eax
	CHECK_TRUE "cmos 0x34/0x35 within 1 MiB above mem_upper"
	mov $0x31, %eax
	call cmos_read
	mov %eax, %ecx
	shl $8, %ecx
	mov $0x30, %eax
	call cmos_read
	or %ecx, %eax
	mov %ebx, %edx
	cmp $0xffff, %edx
	jbe 13f
	mov $0xffff, %edx
13:	CHECK_EQ %edx, "cmos 0x30/0x31 agrees with mem_upper"
	ret

/* eax = register -> eax = value */
cmos_read:
	out %al, $RTC_IDX
	xor %eax, %eax
	in $RTC_DATA, %al
	ret

/* eax = register, edx = value */
cmos_write:
	out %al, $RTC_IDX
	push %eax
	mov %edx, %eax
	out %al, $RTC_DATA
	pop %eax
	ret

/* Reads the 7 time bytes into tm once UIP is clear (bounded). */
read_time:
	push %ecx
	push %esi
	mov $1000000, %ecx
1:	mov $0x0a, %eax
	call cmos_read
	test $0x80, %al
	jz 2f
	loop 1b
2:	mov $regs, %esi
	xor %ecx, %ecx
3:	movzbl (%esi,%ecx), %eax
	call cmos_read
	mov %al, tm(%ecx)
	inc %ecx
	cmp $7, %ecx
	jb 3b
	pop %esi
	pop %ecx
	ret

/* esi = binary time (sec, min, hour, day, month, year, century); eax=1 ok */
check_ranges:
	push %esi
	xor %eax, %eax
	cmpb $59, 0(%esi)
	ja 1f
	cmpb $59, 1(%esi)
	ja 1f
	cmpb $23, 2(%esi)
	ja 1f
	cmpb $1, 3(%esi)
	jb 1f
	cmpb $31, 3(%esi)
	ja 1f
	cmpb $1, 4(%esi)
	jb 1f
	cmpb $12, 4(%esi)
	ja 1f
	cmpb $99, 5(%esi)
	ja 1f
	inc %eax
1:	pop %esi
	ret

/* esi = binary time -> eax = seconds since midnight */
sec_of_day:
	push %edx
	movzbl 2(%esi), %eax
	imul $60, %eax
	movzbl 1(%esi), %edx
	add %edx, %eax
	imul $60, %eax
	movzbl 0(%esi), %edx
	add %edx, %eax
	pop %edx
	ret

/* esi = binary time; prints hh:mm:ss */
print_time:
	push %eax
	movzbl 2(%esi), %eax
	call putdec
	mov $':', %al
	call putc
	movzbl 1(%esi), %eax
	call putdec
	mov $':', %al
	call putc
	movzbl 0(%esi), %eax
	call putdec
	call nl
	pop %eax
	ret

	.section .rodata
regs:	.byte 0x00, 0x02, 0x04, 0x07, 0x08, 0x09, 0x32

	.bss
tm:	.space 8
tm_bcd:	.space 8

/*
 * smp: multiprocessor bring-up (Intel MultiProcessor Specification 1.4,
 * B.4 "Application Processor Startup"; SDM vol. 3, 10.6 "Issuing
 * Interprocessor Interrupts").  The BSP checks IA32_APIC_BASE, enables its
 * local APIC, copies a real-mode trampoline below 1 MiB and sends INIT,
 * then two STARTUP IPIs to all-but-self.  Each AP switches to protected
 * mode, prints its APIC ID under a spinlock, adds to a shared counter with
 * LOCK while the BSP does the same, and halts.  The second SIPI must not
 * restart an AP that is already running.
 * Not covered: x2APIC, logical destinations, AP shutdown/INIT again.
 */
#include "guest.h"

#define TRAMP		0x8000	/* SIPI vector 0x08 */
#define TR_ADDR(sym)	(TRAMP + ((sym) - tramp))
#define APIC_ID		0x020
#define APIC_SVR	0x0f0
#define APIC_ICR_LO	0x300
#define APIC_ICR_HI	0x310
#define ADDS		1000
#define MAX_APS		15

	.text
	.globl main
main:
	mov $0x05, %eax		/* fw_cfg NB_CPUS */
	call fw_select
	mov $2, %ecx
	call fw_read
	mov %eax, ncpus
	PRINT "smp: fw_cfg cpus "
	call putdec
	call nl

	mov $0x1b, %ecx
	rdmsr
	and $0xfffff900, %eax
	CHECK_EQ $LAPIC_BASE | 0x900, "apic base msr: fee00000, enabled, bsp"
	movl $0x1ff, LAPIC_BASE + APIC_SVR
	mov LAPIC_BASE + APIC_ID, %eax
	shr $24, %eax
	PRINT "bsp: apic id "
	call putdec
	call nl

	mov $tramp, %esi
	mov $TRAMP, %edi
	mov $tramp_end - tramp, %ecx
	rep movsb
	sgdt TR_ADDR(tr_gdt_desc)

	movl $0, LAPIC_BASE + APIC_ICR_HI
	movl $0x000c4500, LAPIC_BASE + APIC_ICR_LO	/* INIT, all but self */
	call icr_wait
	mov $10000, %eax
	call delay_us
	movl $0x000c4600 | (TRAMP >> 12), LAPIC_BASE + APIC_ICR_LO
	call icr_wait
	mov $200, %eax
	call delay_us
	movl $0x000c4600 | (TRAMP >> 12), LAPIC_BASE + APIC_ICR_LO
	call icr_wait

	mov $ADDS, %ecx
1:	lock incl shared
	loop 1b

	mov ncpus, %ebx
	dec %ebx		/* APs expected */
	call pmtimer_read
	mov %eax, %esi
2:	cmp %ebx, ap_count
	jae 3f
	pause
	mov %esi, %eax
	call pm_elapsed
	cmp $2 * PM_TMR_HZ, %eax
	jb 2b
3:	mov $200, %eax		/* a second start would show up by now */
	call delay_us
	call lock_serial
	mov ap_count, %eax
	PRINT "smp: "
	call putdec
	PRINT " APs started\n"
	CHECK_EQ %ebx, "every AP started exactly once"
	mov ncpus, %eax
	imul $ADDS, %eax
	mov %eax, %edx
	mov shared, %eax
	CHECK_EQ %edx, "locked adds from all cpus"
	ret

icr_wait:	/* until delivery status is idle, bounded */
	push %ecx
	mov $100000, %ecx
1:	testl $0x1000, LAPIC_BASE + APIC_ICR_LO
	jz 2f
	pause
	loop 1b
2:	pop %ecx
	ret

lock_serial:
	push %eax
1:	mov $1, %eax
	xchg %eax, serial_lock
	test %eax, %eax
	jz 2f
	pause
	jmp 1b
2:	pop %eax
	ret

/* ---- AP side ---------------------------------------------------------- */
ap_entry32:
	mov $SEL_DATA32, %eax
	mov %eax, %ds
	mov %eax, %es
	mov %eax, %ss
	mov $1, %eax
	lock xadd %eax, ap_next
	cmp $MAX_APS, %eax
	jae ap_halt
	inc %eax
	shl $12, %eax
	lea ap_stacks(%eax), %esp
	lidt idt_desc
	mov LAPIC_BASE + APIC_ID, %ebx
	shr $24, %ebx
	call lock_serial
	PRINT "ap: apic id "
	mov %ebx, %eax
	call putdec
	PRINT " in protected mode\n"
	movl $0, serial_lock
	mov $ADDS, %ecx
1:	lock incl shared
	loop 1b
	lock incl ap_count
ap_halt:
	cli
	hlt
	jmp ap_halt

/* ---- trampoline, copied to TRAMP; starts at TRAMP>>4:0 in real mode --- */
	.code16
tramp:
	cli
	xor %ax, %ax
	mov %ax, %ds
	lgdtl TR_ADDR(tr_gdt_desc)
	mov %cr0, %eax
	or $1, %eax
	mov %eax, %cr0
	ljmpl $SEL_CODE32, $ap_entry32
	.balign 4
	.word 0
tr_gdt_desc:
	.word 0
	.long 0
tramp_end:
	.code32

	.bss
ncpus:		.long 0
ap_count:	.long 0
ap_next:	.long 0
shared:		.long 0
serial_lock:	.long 0
	.balign 4096
ap_stacks:	.space 4096 * (MAX_APS + 1)

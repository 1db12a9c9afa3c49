/*
 * fwcfg: QEMU's firmware configuration device, I/O port interface
 * (QEMU docs/specs/fw_cfg.rst: 16-bit selector at 0x510, byte data at
 * 0x511, items little-endian, reads past an item's end return 0).
 * Checks the "QEMU" signature, that selecting restarts at offset 0,
 * prints NB_CPUS and RAM_SIZE for the harness to compare with --cpus and
 * --memory, checks RAM_SIZE against multiboot mem_upper and that key 0x11
 * reads 0 (QEMU's own multiboot loader puts the kernel there; hvm must not).
 * Not covered: the DMA interface, the file directory, writes.
 */
#include "guest.h"

#define KEY_SIGNATURE	0x00
#define KEY_ID		0x01
#define KEY_RAM_SIZE	0x03
#define KEY_NB_CPUS	0x05

	.text
	.globl main
main:
	mov $KEY_SIGNATURE, %eax
	call fw_select
	mov $4, %ecx
	call fw_read
	CHECK_EQ $0x554d4551, "signature QEMU"
	mov $2, %ecx
	call fw_read
	CHECK_EQ $0, "reads past the end return 0"
	mov $KEY_SIGNATURE, %eax
	call fw_select
	mov $1, %ecx
	call fw_read
	CHECK_EQ $'Q', "reselect restarts at offset 0"

	mov $KEY_ID, %eax
	call fw_select
	mov $4, %ecx
	call fw_read
	PRINT "# fw_cfg id 0x"
	call puthex32
	call nl

	mov $KEY_NB_CPUS, %eax
	call fw_select
	mov $2, %ecx
	call fw_read
	PRINT "fw_cfg: cpus "
	call putdec
	call nl

	mov $KEY_RAM_SIZE, %eax
	call fw_select
	mov $4, %ecx
	call fw_read
	mov %eax, %ebx
	mov $4, %ecx
	call fw_read
	mov %eax, %edx		/* edx:ebx = bytes */
	PRINT "fw_cfg: ram "
	mov %ebx, %eax
	shrd $20, %edx, %eax
	call putdec
	PRINT " MiB\n"
	test %edx, %edx
	jnz 1f
	cmp $0xc0000000, %ebx	/* below the PCI hole mem_upper sees it all */
	ja 1f
	shr $10, %ebx
	sub $1024, %ebx
	mov mb_info, %esi
	sub 8(%esi), %ebx
	cmp $1024, %ebx
	setbe %al
	movzbl %al, %eax
	CHECK_TRUE "ram size within 1 MiB above 1 MiB + mem_upper"
1:
	mov $0x11, %eax
	call fw_select
	mov $4, %ecx
	call fw_read
	CHECK_EQ $0, "key 0x11 reads 0"
	ret

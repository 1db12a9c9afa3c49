/*
 * bzimage: a hand-made kernel image in the Linux x86 boot protocol format
 * (Documentation/arch/x86/boot.rst, protocol 2.15: "The Real-Mode Kernel
 * Header", "64-bit Boot Protocol", "The zero page").  The header asks for
 * a 64-bit entry (xloadflags XLF_KERNEL_64), which starts 0x200 bytes into
 * the protected-mode part loaded at 1 MiB, with RSI = boot_params.
 *
 * The 64-bit code checks the zero page the way Linux reads it: e820 table
 * (count at 0x1e8, entries at 0x2d0), cmd_line_ptr (0x228, high half at
 * 0xc8), ramdisk_image/size (0x218/0x21c, high halves 0xc0/0xc4, FNV-1a of
 * its bytes printed for the harness), the copied setup header, the boot
 * segments and the identity map (walking the page tables from CR3).
 *
 * For use under other loaders the image also has the older entries: 16-bit
 * setup (collects e820 with INT 15h, enters protected mode) and 32-bit
 * startup (builds an identity map of 4 GiB, enters long mode).  Those run
 * only when a loader does not use the 64-bit entry (QEMU with SeaBIOS).
 */
#include "guest.h"

#define BP_EXT_RAMDISK_IMAGE	0x0c0
#define BP_EXT_RAMDISK_SIZE	0x0c4
#define BP_EXT_CMD_LINE_PTR	0x0c8
#define BP_E820_ENTRIES		0x1e8
#define BP_SETUP_SECTS		0x1f1
#define BP_HEADER		0x202
#define BP_TYPE_OF_LOADER	0x210
#define BP_RAMDISK_IMAGE	0x218
#define BP_RAMDISK_SIZE		0x21c
#define BP_CMD_LINE_PTR		0x228
#define BP_E820_TABLE		0x2d0
#define E820_MAX		128
#define BOOT_CS			0x10
#define BOOT_DS			0x18
#define EFER			0xc0000080

/* ===== real-mode part: boot sector, setup header, 16-bit setup ===== */
	.section .setup, "ax"
	.code16
	.org 0x1f1
setup_sects:	.byte 1
root_flags:	.word 0
syssize:	.long _syssize
ram_size:	.word 0
vid_mode:	.word 0xffff
root_dev:	.word 0
boot_flag:	.word 0xaa55
	/* 0x200: the 16-bit entry, CS = setup segment + 0x20 */
	.byte 0xeb, start16 - 0x202
	.ascii "HdrS"
version:	.word 0x020f
realmode_swtch:	.long 0
start_sys_seg:	.word 0x1000
kernel_version:	.word 0
type_of_loader:	.byte 0
loadflags:	.byte 0x01		/* LOADED_HIGH */
setup_move_size: .word 0x8000
code32_start:	.long 0x100000
ramdisk_image:	.long 0
ramdisk_size:	.long 0
bootsect_kludge: .long 0
heap_end_ptr:	.word 0
ext_loader_ver:	.byte 0
ext_loader_type: .byte 0
cmd_line_ptr:	.long 0
initrd_addr_max: .long 0x7fffffff
kernel_alignment: .long 0x1000
relocatable_kernel: .byte 0
min_alignment:	.byte 12
xloadflags:	.word 0x0001		/* XLF_KERNEL_64 */
cmdline_size:	.long 2047
hardware_subarch: .long 0
hardware_subarch_data: .quad 0
payload_offset:	.long 0
payload_length:	.long 0
setup_data:	.quad 0
pref_address:	.quad 0x100000
init_size:	.long _init_size
handover_offset: .long 0
kernel_info_offset: .long 0

/*
 * DS = ES = SS = setup segment.  The loader's header sits at its usual
 * offset, but the rest of the zero page would overlap this code, so a fresh
 * boot_params is built 4 KiB further on, as Linux's own setup does.
 */
#define BP16	0x1000
start16:
	cli
	cld
	xor %ebp, %ebp
	mov %ds, %bp
	shl $4, %ebp		/* linear address of the setup segment */
	push %ds
	pop %es
	mov $BP16, %di
	mov $4096 / 2, %cx
	xor %ax, %ax
	rep stosw
	mov $0x1f1, %si
	mov $BP16 + 0x1f1, %di
	mov $0x290 - 0x1f1, %cx
	rep movsb
	mov $BP16 + BP_E820_TABLE, %di
	xor %ebx, %ebx
1:	mov $0xe820, %eax
	mov $0x534d4150, %edx	/* "SMAP" */
	mov $20, %ecx
	int $0x15
	jc 2f
	cmp $0x534d4150, %eax
	jne 2f
	incb BP16 + BP_E820_ENTRIES
	add $20, %di
	cmpb $E820_MAX, BP16 + BP_E820_ENTRIES
	jae 2f
	test %ebx, %ebx
	jnz 1b
2:	mov %ebp, %eax
	add $gdt16, %eax
	mov %eax, gdt16_desc + 2
	lgdtl gdt16_desc
	mov %cr0, %eax
	or $1, %eax
	mov %eax, %cr0
	lea BP16(%ebp), %esi
	ljmpl $BOOT_CS, $0x100000

	.balign 8
gdt16:	.quad 0, 0
	.quad 0x00cf9a000000ffff	/* 0x10 __BOOT_CS, 32-bit */
	.quad 0x00cf92000000ffff	/* 0x18 __BOOT_DS */
gdt16_desc:
	.word 4 * 8 - 1
	.long 0
	.org 0x400

/* ===== protected-mode part at 1 MiB ===== */
	.text
	.code32
startup_32:	/* ESI = boot_params, paging off, flat __BOOT_CS/__BOOT_DS */
	cli
	mov $BOOT_DS, %eax
	mov %eax, %ds
	mov %eax, %es
	mov %eax, %ss
	/* identity map of 4 GiB with 2 MiB pages */
	mov $pd, %edi
	mov $0x83, %eax
	xor %edx, %edx
	mov $2048, %ecx
1:	mov %eax, (%edi)
	mov %edx, 4(%edi)
	add $0x200000, %eax
	adc $0, %edx
	add $8, %edi
	loop 1b
	mov $pdpt, %edi
	mov $pd + 3, %eax
	mov $4, %ecx
2:	mov %eax, (%edi)
	movl $0, 4(%edi)
	add $4096, %eax
	add $8, %edi
	loop 2b
	movl $pdpt + 3, pml4
	mov %cr4, %eax
	or $0x20, %eax
	mov %eax, %cr4
	mov $pml4, %eax
	mov %eax, %cr3
	mov $EFER, %ecx
	rdmsr
	or $0x100, %eax
	wrmsr
	lgdt gdt64_desc
	mov %cr0, %eax
	or $0x80000000, %eax
	mov %eax, %cr0
	ljmp $BOOT_CS, $startup_64

	.balign 8
gdt64:	.quad 0, 0
	.quad 0x00af9a000000ffff	/* 0x10 __BOOT_CS, 64-bit */
	.quad 0x00cf92000000ffff	/* 0x18 __BOOT_DS */
gdt64_desc:
	.word 4 * 8 - 1
	.long gdt64

	.org 0x200
	.code64
	.globl startup_64
startup_64:
	/* boot.rst: interrupts off, RSI = boot_params; no stack promised */
	lea stack_top(%rip), %rsp
	mov %rsi, %r15
	lea startup_64(%rip), %r14
	pushf
	pop %rax
	PRINT64 "bz: 64-bit entry\n"
	not %eax
	and $0x200, %eax
	CHECK64 "interrupts disabled at entry"

	mov $EFER, %ecx
	rdmsr
	and $0x400, %eax
	CHECK64 "long mode active (efer.lma)"
	mov %cr4, %rax
	and $0x20, %eax
	CHECK64 "cr4.pae"
	mov %cs, %eax
	cmp $BOOT_CS, %eax
	sete %al
	movzbl %al, %eax
	CHECK64 "cs is __BOOT_CS (0x10)"
	mov %ds, %eax
	cmp $BOOT_DS, %eax
	sete %al
	mov %ss, %ecx
	cmp $BOOT_DS, %ecx
	sete %cl
	and %ecx, %eax
	movzbl %al, %eax
	CHECK64 "ds and ss are __BOOT_DS (0x18)"
	lea startup_64(%rip), %rax
	cmp $0x100200, %rax
	sete %al
	movzbl %al, %eax
	CHECK64 "64-bit entry at load address + 0x200 = 0x100200"

	/* identity map: kernel, stack, zero page */
	mov %r14, %rdi
	call is_identity
	CHECK64 "kernel identity-mapped"
	mov %r15, %rdi
	call is_identity
	CHECK64 "boot_params identity-mapped"

	cmpl $0x53726448, BP_HEADER(%r15)
	sete %al
	movzbl %al, %eax
	CHECK64 "setup header copied into boot_params (HdrS)"
	movzbl BP_SETUP_SECTS(%r15), %eax
	cmp $1, %eax
	sete %al
	CHECK64 "setup_sects copied"
	movzbl BP_TYPE_OF_LOADER(%r15), %eax
	CHECK64 "type_of_loader set"

	/* ---- e820 ---- */
	movzbl BP_E820_ENTRIES(%r15), %ecx
	PRINT64 "# e820 entries "
	mov %rcx, %rax
	call putdec64
	call nl64
	cmp $E820_MAX, %ecx
	jbe 1f
	mov $E820_MAX, %ecx
1:	lea BP_E820_TABLE(%r15), %rbx
	xor %r8, %r8		/* RAM at 0 seen */
	xor %r9, %r9		/* RAM at 1 MiB seen */
	xor %r10, %r10		/* highest RAM end */
	xor %r11, %r11		/* total RAM */
	xor %r12, %r12		/* entries that are sane */
	test %ecx, %ecx
	jz 5f
2:	mov (%rbx), %rax	/* addr */
	mov 8(%rbx), %rdx	/* size */
	cmpl $1, 16(%rbx)
	jne 4f
	add %rdx, %r11
	test %rax, %rax
	jnz 3f
	cmp $0x9f000, %rdx	/* 636 KiB of low RAM at least */
	jb 3f
	inc %r8
3:	cmp $0x100000, %rax
	jne 31f
	inc %r9
31:	lea (%rax,%rdx), %rdi
	cmp %r10, %rdi
	jbe 4f
	mov %rdi, %r10
4:	add $20, %rbx
	loop 2b
5:	mov %r8, %rax
	CHECK64 "e820: ram at 0"
	mov %r9, %rax
	CHECK64 "e820: ram at 1 MiB"
	PRINT64 "e820: ram ends at "
	lea 0xfffff(%r10), %rax		/* round up: firmware keeps some at the top */
	shr $20, %rax
	call putdec64
	PRINT64 " MiB\ne820: ram total "
	lea 0xfffff(%r11), %rax
	shr $20, %rax
	call putdec64
	PRINT64 " MiB\n"

	/* ---- command line ---- */
	mov BP_CMD_LINE_PTR(%r15), %eax
	mov BP_EXT_CMD_LINE_PTR(%r15), %edx
	shl $32, %rdx
	or %rdx, %rax
	mov %rax, %rdi
	test %rax, %rax
	jz 6f
	call is_identity
	CHECK64 "cmdline identity-mapped"
	test %eax, %eax
	jz 6f
	PRINT64 "cmdline: "
	mov $2047, %ecx		/* cmdline_size */
	mov %rdi, %rsi
7:	lodsb
	test %al, %al
	jz 8f
	call putc64
	loop 7b
8:	call nl64
	jmp 9f
6:	PRINT64 "cmdline: (none)\n"
9:
	/* ---- initrd ---- */
	mov BP_RAMDISK_IMAGE(%r15), %eax
	mov BP_EXT_RAMDISK_IMAGE(%r15), %edx
	shl $32, %rdx
	or %rdx, %rax
	mov %rax, %rbx
	mov BP_RAMDISK_SIZE(%r15), %eax
	mov BP_EXT_RAMDISK_SIZE(%r15), %edx
	shl $32, %rdx
	or %rdx, %rax
	mov %rax, %rcx
	test %rcx, %rcx
	jz 12f
	mov %rbx, %rdi
	call is_identity
	mov %eax, %r8d
	lea -1(%rbx,%rcx), %rdi
	call is_identity
	and %r8d, %eax
	CHECK64 "initrd identity-mapped"
	test %eax, %eax
	jz 12f
	PRINT64 "initrd: "
	mov %rcx, %rax
	call putdec64
	PRINT64 " bytes fnv1a "
	mov $0x811c9dc5, %eax
	mov %rbx, %rsi
10:	movzbl (%rsi), %edx
	xor %edx, %eax
	imul $0x01000193, %eax, %eax
	inc %rsi
	dec %rcx
	jnz 10b
	call puthex64_32
	call nl64
	jmp 13f
12:	PRINT64 "initrd: (none)\n"
13:	jmp finish64

/*
 * rdi = virtual address -> eax = 1 if the 4-level tables map it to the
 * same physical address.  Tables are read through the identity map the
 * protocol promises for low memory.
 */
is_identity:
	push %rbx
	push %rcx
	push %rdx
	mov %cr3, %rbx
	movabs $0x000ffffffffff000, %rdx
	and %rdx, %rbx
	mov $39, %ecx
1:	mov %rdi, %rax
	shr %cl, %rax
	and $511, %eax
	mov (%rbx,%rax,8), %rbx
	test $1, %bl
	jz 8f
	cmp $12, %ecx
	je 4f
	cmp $39, %ecx
	je 2f
	test $0x80, %bl		/* 1 GiB or 2 MiB page */
	jnz 3f
2:	and %rdx, %rbx
	sub $9, %ecx
	jmp 1b
3:	mov $1, %eax		/* frame bits above the page offset */
	shl %cl, %rax
	dec %rax
	not %rax
	and %rdx, %rax
	and %rax, %rbx
	not %rax
	and %rdi, %rax
	jmp 5f
4:	and %rdx, %rbx
	mov %rdi, %rax
	and $0xfff, %eax
5:	or %rbx, %rax
	cmp %rdi, %rax
	sete %al
	movzbl %al, %eax
	jmp 9f
8:	xor %eax, %eax
9:	pop %rdx
	pop %rcx
	pop %rbx
	ret

#include "lib64.inc"

	.bss
	.balign 4096
pml4:	.space 4096
pdpt:	.space 4096
pd:	.space 4 * 4096
	.space 8192
stack_top:

; A 512-byte MBR boot sector for tests/firmware/run.sh.  The BIOS loads it at
; 0000:7c00 and jumps there with DL = boot drive.  It prints MSG through
; INT 10h teletype (what a screen shows) and to COM1 (0x3f8, polled THR
; empty), then the BIOS drive number it booted from, then what it finds of
; ACPI: " RSDP=OEMID@RSDT" for the first valid RSDP (16-byte aligned, "RSD PTR ",
; 20-byte checksum 0) in the F segment, else " RSDP=none"; then powers off
; through the isa-debug-exit port (0xf4, hvm exits with (0x21 << 1) | 1 = 67).
	bits 16
	org 0x7c00

start:
	cli
	xor ax, ax
	mov ds, ax
	mov es, ax
	mov ss, ax
	mov sp, 0x7c00
	sti
	mov [drive], dl
	mov si, msg
	call puts
	mov al, [drive]
	shr al, 4
	call hexdigit
	mov al, [drive]
	and al, 0x0f
	call hexdigit
	call rsdp
	mov al, 13
	call putc
	mov al, 10
	call putc
	mov dx, 0xf4
	mov al, 0x21
	out dx, al
.hang:	hlt
	jmp .hang

rsdp:				; scan f000:0000-f000:fff0 for the RSDP
	mov si, rsdp_msg
	call puts
	mov ax, 0xf000
	mov es, ax
	xor bp, bp
.next:	cmp dword [es:bp], 'RSD '
	jne .skip
	cmp dword [es:bp + 4], 'PTR '
	jne .skip
	xor bx, bx		; checksum of 20 bytes
	xor si, si
.sum:	add bl, [es:bp + si]
	inc si
	cmp si, 20
	jb .sum
	test bl, bl
	jz .found
.skip:	add bp, 16
	jnz .next
	mov si, none_msg
	jmp puts
.found:	mov si, 9		; OEMID
.oem:	mov al, [es:bp + si]
	call putc
	inc si
	cmp si, 15
	jb .oem
	mov al, '@'
	call putc
	mov si, 19		; RsdtAddress, most significant byte first
.hex:	mov al, [es:bp + si]
	shr al, 4
	call hexdigit
	mov al, [es:bp + si]
	and al, 0x0f
	call hexdigit
	dec si
	cmp si, 16
	jae .hex
	ret

hexdigit:			; AL = 0..15
	add al, '0'
	cmp al, '9'
	jbe putc
	add al, 'a' - '9' - 1
	; fall through
putc:				; AL = character
	push ax
	mov ah, 0x0e		; teletype output
	mov bx, 0x0007
	int 0x10
	pop ax
	mov ah, al
	mov dx, 0x3fd		; line status: wait for THR empty
.wait:	in al, dx
	test al, 0x20
	jz .wait
	mov dx, 0x3f8
	mov al, ah
	out dx, al
	ret

puts:				; DS:SI = NUL-terminated string
	lodsb
	test al, al
	jz .done
	call putc
	jmp puts
.done:	ret

msg:	db "HVM MBR BOOT OK drive=", 0
rsdp_msg: db " RSDP=", 0
none_msg: db "none", 0
drive:	db 0

	times 510 - ($ - $$) db 0
	dw 0xaa55

/*
 * Kernel image detection, the shared ELF segment loader and the entry-state
 * helpers (Linux boot GDT, identity page tables, long mode).  ELF layout per
 * the System V ABI (gABI) and its i386 / x86-64 supplements; page table and
 * descriptor formats per Intel SDM vol. 3, 3.4.5 and 4.5.
 * Not handled: ELF relocation (ET_DYN), section headers, program headers
 * other than PT_LOAD.
 */
#include "boot/boot.h"
#include "boot/linux.h"
#include "boot/multiboot.h"
#include "layout.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define EM_386		3
#define EM_X86_64	62
#define ET_EXEC		2
#define PT_LOAD		1

int boot_err(char *err, size_t errlen, int code, const char *fmt, ...)
{
	va_list ap;
	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return code;
}

static int elf_ident(const uint8_t *img, size_t len, int is64)
{
	size_t ehsize = is64 ? 64 : 52;
	return len >= ehsize && !memcmp(img, "\x7f" "ELF", 4) && img[4] == (is64 ? 2 : 1) &&
	       img[5] == 1 && get_le16(img + 18) == (is64 ? EM_X86_64 : EM_386);
}

enum kernel_kind boot_detect(const uint8_t *img, size_t len)
{
	long mb;
	if (!img)
		return KERNEL_UNKNOWN;
	if (len >= ZP_HEADER + 4 && get_le16(img + ZP_BOOT_FLAG) == 0xAA55 &&
	    !memcmp(img + ZP_HEADER, "HdrS", 4))
		return KERNEL_BZIMAGE;
	mb = multiboot_find_header(img, len);
	if (mb >= 0 && ((get_le32(img + mb + 4) & MB_HDR_AOUT_KLUDGE) || elf_ident(img, len, 0)))
		return KERNEL_MULTIBOOT;
	if (elf_ident(img, len, 1))
		return KERNEL_VMLINUX;
	/* A multiboot header we cannot act on: let the loader say why. */
	return mb >= 0 ? KERNEL_MULTIBOOT : KERNEL_UNKNOWN;
}

const char *boot_kind_name(enum kernel_kind k)
{
	switch (k) {
	case KERNEL_MULTIBOOT: return "multiboot";
	case KERNEL_BZIMAGE: return "bzImage";
	case KERNEL_VMLINUX: return "vmlinux";
	default: return "unknown";
	}
}

int boot_load(struct guest_mem *m, const struct boot_params_in *in, struct cpu_state *bsp,
	      char *err, size_t errlen)
{
	if (err && errlen)
		err[0] = 0;
	if (!m || !in || !bsp)
		return boot_err(err, errlen, -EINVAL, "boot: missing argument");
	if (!in->kernel || !in->kernel_len)
		return boot_err(err, errlen, -ENOEXEC, "kernel: empty file");
	if (in->initrd_len && !in->initrd)
		return boot_err(err, errlen, -EINVAL, "initrd: no data");
	cpu_state_reset(bsp, 1);
	switch (boot_detect(in->kernel, in->kernel_len)) {
	case KERNEL_MULTIBOOT:
		return multiboot_load(m, in, bsp, err, errlen);
	case KERNEL_BZIMAGE:
		return linux_load_bzimage(m, in, bsp, err, errlen);
	case KERNEL_VMLINUX:
		return linux_load_vmlinux(m, in, bsp, err, errlen);
	default:
		return boot_err(err, errlen, -ENOEXEC,
				"kernel: unknown format (not multiboot, bzImage or x86-64 ELF)");
	}
}

int boot_elf_parse(const uint8_t *img, size_t len, int is64, struct boot_seg *segs,
		   int *nsegs, uint64_t *entry, char *err, size_t errlen)
{
	uint64_t phoff;
	unsigned phentsize, phnum, minent = is64 ? 56 : 32;
	int n = 0;

	*nsegs = 0;
	if (!elf_ident(img, len, is64))
		return boot_err(err, errlen, -ENOEXEC, "kernel: not an %s ELF file",
				is64 ? "x86-64" : "i386");
	if (get_le16(img + 16) != ET_EXEC)
		return boot_err(err, errlen, -ENOEXEC, "kernel: ELF is not an executable (ET_EXEC)");
	*entry = is64 ? get_le64(img + 24) : get_le32(img + 24);
	phoff = is64 ? get_le64(img + 32) : get_le32(img + 28);
	phentsize = get_le16(img + (is64 ? 54 : 42));
	phnum = get_le16(img + (is64 ? 56 : 44));
	if (phentsize < minent)
		return boot_err(err, errlen, -ENOEXEC, "kernel: bad ELF program header size %u",
				phentsize);
	/* phnum * phentsize < 2^32: no overflow in 64 bits */
	if (phoff > len || (uint64_t)phnum * phentsize > len - phoff)
		return boot_err(err, errlen, -ENOEXEC, "kernel: truncated ELF program header");
	for (unsigned i = 0; i < phnum; i++) {
		const uint8_t *ph = img + phoff + (uint64_t)i * phentsize;
		struct boot_seg s;
		if (get_le32(ph) != PT_LOAD)
			continue;
		if (is64) {
			s.off = get_le64(ph + 8);
			s.vaddr = get_le64(ph + 16);
			s.paddr = get_le64(ph + 24);
			s.filesz = get_le64(ph + 32);
			s.memsz = get_le64(ph + 40);
		} else {
			s.off = get_le32(ph + 4);
			s.vaddr = get_le32(ph + 8);
			s.paddr = get_le32(ph + 12);
			s.filesz = get_le32(ph + 16);
			s.memsz = get_le32(ph + 20);
		}
		if (s.filesz > s.memsz)
			return boot_err(err, errlen, -ENOEXEC,
					"kernel: ELF segment %u has filesz > memsz", i);
		if (s.off > len || s.filesz > len - s.off)
			return boot_err(err, errlen, -ENOEXEC,
					"kernel: ELF segment %u lies past the end of the file", i);
		if (s.paddr + s.memsz < s.paddr || (!is64 && s.paddr + s.memsz > LAYOUT_4G))
			return boot_err(err, errlen, -ENOEXEC,
					"kernel: ELF segment %u overflows the address space", i);
		if (!s.memsz)
			continue;
		if (n == BOOT_MAX_SEGS)
			return boot_err(err, errlen, -ENOEXEC, "kernel: more than %d PT_LOAD segments",
					BOOT_MAX_SEGS);
		segs[n++] = s;
	}
	if (!n)
		return boot_err(err, errlen, -ENOEXEC, "kernel: ELF has no loadable segment");
	*nsegs = n;
	return 0;
}

int boot_elf_load(struct guest_mem *m, const uint8_t *img, const struct boot_seg *segs,
		  int nsegs, uint64_t limit, uint64_t *lo, uint64_t *hi, char *err, size_t errlen)
{
	uint64_t l = UINT64_MAX, h = 0;
	/* Check everything before writing anything. */
	for (int i = 0; i < nsegs; i++) {
		const struct boot_seg *s = &segs[i];
		if (s->paddr + s->memsz > limit || !gpa_valid(m, s->paddr, s->memsz))
			return boot_err(err, errlen, -ENOMEM,
					"kernel: segment [%#llx, %#llx) is outside guest RAM",
					(unsigned long long)s->paddr,
					(unsigned long long)(s->paddr + s->memsz));
		if (s->paddr < l)
			l = s->paddr;
		if (s->paddr + s->memsz > h)
			h = s->paddr + s->memsz;
	}
	for (int i = 0; i < nsegs; i++) {
		const struct boot_seg *s = &segs[i];
		if (gpa_write(m, s->paddr, img + s->off, s->filesz) ||
		    gpa_zero(m, s->paddr + s->filesz, s->memsz - s->filesz))
			return boot_err(err, errlen, -EFAULT, "kernel: cannot write segment %d", i);
	}
	if (lo)
		*lo = l;
	if (hi)
		*hi = h;
	return 0;
}

uint64_t boot_elf_virt_to_phys(const struct boot_seg *segs, int nsegs, uint64_t va)
{
	for (int i = 0; i < nsegs; i++)
		if (va >= segs[i].vaddr && va - segs[i].vaddr < segs[i].memsz)
			return segs[i].paddr + (va - segs[i].vaddr);
	return va;
}

int boot_write_gdt(struct guest_mem *m, struct cpu_state *s, int long64)
{
	/* null, unused, __BOOT_CS, __BOOT_DS: flat 4 GiB, as the boot protocol asks */
	uint8_t gdt[32] = { 0 };
	put_le64(gdt + BOOT_CS, long64 ? 0x00af9b000000ffffULL : 0x00cf9b000000ffffULL);
	put_le64(gdt + BOOT_DS, 0x00cf93000000ffffULL);
	if (gpa_write(m, LAYOUT_BOOT_GDT, gdt, sizeof(gdt)))
		return -EFAULT;
	s->gdt.base = LAYOUT_BOOT_GDT;
	s->gdt.limit = sizeof(gdt) - 1;
	/* Empty IDT: any fault before the kernel sets its own is a clean triple fault. */
	s->idt.base = LAYOUT_BOOT_IDT;
	s->idt.limit = 0;
	return 0;
}

uint64_t boot_write_identity_pt(struct guest_mem *m)
{
	uint8_t page[4096];
	const uint64_t pml4 = LAYOUT_PML4, pdpt = pml4 + 0x1000, pd = pml4 + 0x2000;

	memset(page, 0, sizeof(page));
	put_le64(page, pdpt | 3);		/* present, writable */
	if (gpa_write(m, pml4, page, sizeof(page)))
		return 0;
	memset(page, 0, sizeof(page));
	for (int i = 0; i < 4; i++)
		put_le64(page + 8 * i, (pd + 0x1000 * i) | 3);
	if (gpa_write(m, pdpt, page, sizeof(page)))
		return 0;
	for (uint64_t i = 0; i < 4; i++) {
		for (uint64_t j = 0; j < 512; j++)	/* 2 MiB pages: PS | RW | P */
			put_le64(page + 8 * j, (i << 30) | (j << 21) | 0x83);
		if (gpa_write(m, pd + 0x1000 * i, page, sizeof(page)))
			return 0;
	}
	return pml4;
}

static void set_seg(struct seg *sg, uint16_t sel, uint32_t attr)
{
	sg->sel = sel;
	sg->base = 0;
	sg->limit = 0xffffffff;
	sg->attr = attr;
}

void cpu_state_long64(struct cpu_state *s, uint64_t cr3)
{
	cpu_state_flat32(s);
	set_seg(&s->seg[S_CS], BOOT_CS, 0x9b | SEG_L | SEG_G);
	for (int i = 0; i < NR_SEGS; i++)
		if (i != S_CS)
			set_seg(&s->seg[i], BOOT_DS, 0x93 | SEG_DB | SEG_G);
	s->cr0 = CR0_PE | CR0_ET | CR0_NE | CR0_PG;
	s->cr3 = cr3;
	s->cr4 = CR4_PAE;
	s->efer = EFER_LME | EFER_LMA;
}

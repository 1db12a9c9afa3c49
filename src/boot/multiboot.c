/*
 * Multiboot v1 loader, following the Multiboot Specification 0.6.96:
 * 3.1 (OS image format: header, a.out kludge), 3.2 (machine state at entry)
 * and 3.3 (boot information format).
 *
 * Not provided: boot_device, a.out/ELF symbol tables, drive and APM tables,
 * VBE/framebuffer info (a video-mode request, header flag 2, is accepted and
 * ignored).  Modules: at most one, the initrd.
 */
#include "boot/multiboot.h"
#include "boot/e820.h"
#include "layout.h"

#include <errno.h>
#include <string.h>

/* The info area at LAYOUT_MB_INFO, laid out so the pieces can never overlap. */
#define MBI_INFO	0x0000u		/* struct multiboot_info, 88 bytes */
#define MBI_MODS	0x0080u		/* one module entry, 16 bytes */
#define MBI_GDT		0x00a0u		/* null, code 0x08, data 0x10 */
#define MBI_NAME	0x00c0u		/* boot_loader_name */
#define MBI_MMAP	0x0100u		/* E820_MAX entries of 24 bytes */
#define MBI_MODSTR	0x0d00u
#define MBI_MODSTR_MAX	0x0300u
#define MBI_CMDLINE	0x1000u
#define MBI_CMDLINE_MAX	(MB_INFO_AREA - MBI_CMDLINE)
#define MBI_SIZE	88u

/* Header requirement bits (0-15) that we can honour. */
#define MB_HDR_PAGE_ALIGN	(1u << 0)	/* modules are always page aligned */
#define MB_HDR_MEMINFO		(1u << 1)	/* always provided */
#define MB_HDR_VIDEO		(1u << 2)	/* accepted, no video info */

long multiboot_find_header(const uint8_t *img, size_t len)
{
	size_t end = len < MB_SEARCH_LEN ? len : MB_SEARCH_LEN;
	if (!img)
		return -1;
	for (size_t off = 0; off + 12 <= end; off += 4) {
		uint32_t magic = get_le32(img + off), flags = get_le32(img + off + 4);
		if (magic == MB_HEADER_MAGIC &&
		    (uint32_t)(magic + flags + get_le32(img + off + 8)) == 0)
			return (long)off;
	}
	return -1;
}

/* The a.out kludge: header fields give file offset, load range, bss and entry. */
static int aout_segment(const uint8_t *img, size_t len, size_t hoff, struct boot_seg *s,
			uint64_t *entry, char *err, size_t errlen)
{
	uint32_t haddr, laddr, lend, bend;
	uint64_t foff, flen;

	if (hoff + 32 > len)
		return boot_err(err, errlen, -ENOEXEC, "multiboot: truncated a.out kludge header");
	haddr = get_le32(img + hoff + 12);
	laddr = get_le32(img + hoff + 16);
	lend = get_le32(img + hoff + 20);
	bend = get_le32(img + hoff + 24);
	*entry = get_le32(img + hoff + 28);
	if (haddr < laddr || haddr - laddr > hoff)
		return boot_err(err, errlen, -ENOEXEC,
				"multiboot: header_addr/load_addr put the load before the file start");
	foff = hoff - (haddr - laddr);
	if (lend == 0) {
		flen = len - foff;
	} else {
		if (lend < laddr)
			return boot_err(err, errlen, -ENOEXEC,
					"multiboot: load_end_addr below load_addr");
		flen = lend - laddr;
		if (flen > len - foff)
			return boot_err(err, errlen, -ENOEXEC,
					"multiboot: load_end_addr lies past the end of the file");
	}
	if (laddr + flen > LAYOUT_4G)
		return boot_err(err, errlen, -ENOEXEC, "multiboot: load range overflows 4 GiB");
	s->off = foff;
	s->filesz = flen;
	s->memsz = flen;
	s->paddr = s->vaddr = laddr;
	if (bend) {
		if (bend < laddr + flen)
			return boot_err(err, errlen, -ENOEXEC,
					"multiboot: bss_end_addr below load_end_addr");
		s->memsz = bend - laddr;
	}
	if (!s->memsz)
		return boot_err(err, errlen, -ENOEXEC, "multiboot: nothing to load");
	return 0;
}

static int overlaps(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a < b + blen && b < a + alen;
}

/* Copy s (NUL-terminated, at most max-1 bytes of it) into the info area. */
static int put_str(struct guest_mem *m, uint64_t gpa, const char *s, size_t max)
{
	size_t n = strnlen(s, max - 1);
	char nul = 0;
	if (gpa_write(m, gpa, s, n) || gpa_write(m, gpa + n, &nul, 1))
		return -EFAULT;
	return 0;
}

static const char *base_name(const char *path, const char *dflt)
{
	const char *s;
	if (!path || !*path)
		return dflt;
	s = strrchr(path, '/');
	return s && s[1] ? s + 1 : path;
}

static int write_cmdline(struct guest_mem *m, const struct boot_params_in *in, char *err,
			 size_t errlen)
{
	const char *name = base_name(in->kernel_name, "kernel");
	const char *args = in->cmdline ? in->cmdline : "";
	size_t nlen = strlen(name), alen = strlen(args);
	uint64_t gpa = LAYOUT_MB_INFO + MBI_CMDLINE;
	char sp = ' ', nul = 0;

	if (nlen + 1 + alen + 1 > MBI_CMDLINE_MAX)
		return boot_err(err, errlen, -E2BIG, "cmdline: longer than %u bytes",
				MBI_CMDLINE_MAX - 1);
	if (gpa_write(m, gpa, name, nlen))
		return -EFAULT;
	gpa += nlen;
	if (alen) {
		if (gpa_write(m, gpa, &sp, 1) || gpa_write(m, gpa + 1, args, alen))
			return -EFAULT;
		gpa += 1 + alen;
	}
	return gpa_write(m, gpa, &nul, 1) ? -EFAULT : 0;
}

static int write_info(struct guest_mem *m, const struct boot_params_in *in, uint64_t mod_start,
		      char *err, size_t errlen)
{
	const uint64_t b = LAYOUT_MB_INFO;
	struct e820_entry map[E820_MAX];
	uint8_t info[MBI_SIZE], ent[24], mod[16];
	uint32_t flags = MB_INFO_MEM | MB_INFO_CMDLINE | MB_INFO_MMAP | MB_INFO_LOADER_NAME;
	uint64_t upper = m->low_end - LAYOUT_HIGH_MEM;
	int n = e820_build(m, map, E820_MAX), rc;

	if (n < 0)
		return boot_err(err, errlen, n, "multiboot: cannot build the memory map");
	memset(info, 0, sizeof(info));
	if (in->initrd) {
		const char *ms = in->initrd_name ? in->initrd_name : "initrd";
		flags |= MB_INFO_MODS;
		put_le32(mod, (uint32_t)mod_start);
		put_le32(mod + 4, (uint32_t)(mod_start + in->initrd_len));
		put_le32(mod + 8, (uint32_t)(b + MBI_MODSTR));
		put_le32(mod + 12, 0);
		if (gpa_write(m, b + MBI_MODS, mod, sizeof(mod)) ||
		    put_str(m, b + MBI_MODSTR, ms, MBI_MODSTR_MAX))
			return boot_err(err, errlen, -EFAULT, "multiboot: cannot write module list");
		put_le32(info + 20, 1);
	}
	put_le32(info + 0, flags);
	/* Both from the e820 map: conventional memory, then RAM from 1 MiB to the first hole. */
	put_le32(info + 4, (uint32_t)(LAYOUT_EBDA_START / 1024));
	put_le32(info + 8, (uint32_t)(upper / 1024));
	put_le32(info + 16, (uint32_t)(b + MBI_CMDLINE));
	put_le32(info + 24, (uint32_t)(b + MBI_MODS));
	put_le32(info + 44, (uint32_t)(n * sizeof(ent)));
	put_le32(info + 48, (uint32_t)(b + MBI_MMAP));
	put_le32(info + 64, (uint32_t)(b + MBI_NAME));
	for (int i = 0; i < n; i++) {
		put_le32(ent, 20);	/* size of the entry, not counting this field */
		put_le64(ent + 4, map[i].addr);
		put_le64(ent + 12, map[i].size);
		put_le32(ent + 20, map[i].type);
		if (gpa_write(m, b + MBI_MMAP + i * sizeof(ent), ent, sizeof(ent)))
			return boot_err(err, errlen, -EFAULT, "multiboot: cannot write mmap");
	}
	rc = write_cmdline(m, in, err, errlen);
	if (rc == -EFAULT)
		return boot_err(err, errlen, rc, "multiboot: cannot write cmdline");
	if (rc)
		return rc;
	if (put_str(m, b + MBI_NAME, "hvm", 16) || gpa_write(m, b + MBI_INFO, info, sizeof(info)))
		return boot_err(err, errlen, -EFAULT, "multiboot: cannot write info");
	return 0;
}

/* A flat GDT the OS may keep using until it loads its own (spec 3.2 leaves GDTR undefined). */
static int write_gdt(struct guest_mem *m, struct cpu_state *s)
{
	uint8_t gdt[24] = { 0 };
	put_le64(gdt + 8, 0x00cf9b000000ffffULL);
	put_le64(gdt + 16, 0x00cf93000000ffffULL);
	if (gpa_write(m, LAYOUT_MB_INFO + MBI_GDT, gdt, sizeof(gdt)))
		return -EFAULT;
	s->gdt.base = LAYOUT_MB_INFO + MBI_GDT;
	s->gdt.limit = sizeof(gdt) - 1;
	return 0;
}

int multiboot_load(struct guest_mem *m, const struct boot_params_in *in, struct cpu_state *bsp,
		   char *err, size_t errlen)
{
	struct boot_seg segs[BOOT_MAX_SEGS];
	int nsegs = 0, rc;
	uint64_t entry = 0, hi = 0, mod_start = 0;
	long hoff = multiboot_find_header(in->kernel, in->kernel_len);
	uint32_t flags;

	if (hoff < 0)
		return boot_err(err, errlen, -ENOEXEC, "multiboot: no valid header in the first 8 KiB");
	flags = get_le32(in->kernel + hoff + 4);
	if (flags & 0xffffu & ~(MB_HDR_PAGE_ALIGN | MB_HDR_MEMINFO | MB_HDR_VIDEO))
		return boot_err(err, errlen, -ENOEXEC,
				"multiboot: unsupported required features (flags %#x)", flags);
	if (flags & MB_HDR_AOUT_KLUDGE) {
		rc = aout_segment(in->kernel, in->kernel_len, (size_t)hoff, &segs[0], &entry, err,
				  errlen);
		nsegs = 1;
	} else {
		rc = boot_elf_parse(in->kernel, in->kernel_len, 0, segs, &nsegs, &entry, err,
				    errlen);
		if (rc == -ENOEXEC && nsegs == 0 && in->kernel_len >= 4 &&
		    memcmp(in->kernel, "\x7f" "ELF", 4))
			return boot_err(err, errlen, -ENOEXEC,
					"multiboot: not ELF32 and no a.out kludge");
		entry = boot_elf_virt_to_phys(segs, nsegs, entry);
	}
	if (rc)
		return rc;
	for (int i = 0; i < nsegs; i++)
		if (overlaps(segs[i].paddr, segs[i].memsz, LAYOUT_MB_INFO, MB_INFO_AREA))
			return boot_err(err, errlen, -ENOEXEC,
					"multiboot: kernel overlaps the boot info area [%#llx, %#llx)",
					LAYOUT_MB_INFO, LAYOUT_MB_INFO + MB_INFO_AREA);
	rc = boot_elf_load(m, in->kernel, segs, nsegs, LAYOUT_4G, NULL, &hi, err, errlen);
	if (rc)
		return rc;
	if (in->initrd) {
		/* Page aligned, above the kernel and everything below 1 MiB. */
		mod_start = hi > LAYOUT_HIGH_MEM ? hi : LAYOUT_HIGH_MEM;
		mod_start = (mod_start + 0xfff) & ~0xfffULL;
		if (in->initrd_len > m->low_end || mod_start > m->low_end - in->initrd_len)
			return boot_err(err, errlen, -ENOMEM,
					"initrd: %zu bytes do not fit in RAM above the kernel",
					in->initrd_len);
		if (gpa_write(m, mod_start, in->initrd, in->initrd_len))
			return boot_err(err, errlen, -EFAULT, "initrd: cannot write to RAM");
	}
	rc = write_info(m, in, mod_start, err, errlen);
	if (rc)
		return rc;
	cpu_state_flat32(bsp);
	if (write_gdt(m, bsp))
		return boot_err(err, errlen, -EFAULT, "multiboot: cannot write GDT");
	bsp->regs[R_AX] = MB_BOOT_MAGIC;
	bsp->regs[R_BX] = LAYOUT_MB_INFO;
	bsp->rip = (uint32_t)entry;
	return 0;
}

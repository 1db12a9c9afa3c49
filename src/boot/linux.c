/*
 * Linux x86 boot protocol loader (Documentation/arch/x86/boot.rst,
 * protocol 2.06 and later): bzImage and ELF64 vmlinux, with the 64-bit entry
 * ("64-bit boot protocol") or, for bzImages without XLF_KERNEL_64, the
 * 32-bit entry ("32-bit boot protocol").  We play the part of the real-mode
 * setup code: the zero page comes from the image's setup header, the e820
 * map from e820_build.
 * A bzImage whose payload (protocol 2.08+) hvm can unpack on the host and
 * that holds an ELF64 vmlinux boots that vmlinux directly through its 64-bit
 * entry, with the bzImage's setup header: the kernel's own decompressor,
 * slow under the emu engine, never runs.  Anything else boots the usual way.
 * Not supported: protocols before 2.06, zImage (not LOADED_HIGH), the
 * real-mode entry, EFI handover, setup_data, ext_* fields (cmdline and
 * initrd always sit below 4 GiB), loading above 4 GiB.
 */
#include "boot/linux.h"
#include "boot/e820.h"
#include "boot/payload.h"
#include "core/log.h"
#include "layout.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define ZERO_PAGE_SIZE		4096u
#define HEAP_END		0xfe00u		/* heap_end_ptr: setup's heap ends at 0x10000 - 0x200 */
#define DEFAULT_INITRD_MAX	0x37ffffffu	/* boot.rst: for kernels that do not say */
#define STACK_TOP		LAYOUT_PML4	/* stack is [LAYOUT_BOOT_STACK, LAYOUT_PML4) */

struct linux_load {
	uint64_t kernel_end;	/* initrd must lie above this */
	uint32_t initrd_max;	/* highest byte the initrd may use */
	uint32_t cmdline_max;	/* longest cmdline, not counting the NUL */
};

static int write_cmdline(struct guest_mem *m, const char *cmdline, uint32_t max, uint8_t *zp,
			 char *err, size_t errlen)
{
	const char *s = cmdline ? cmdline : "";
	size_t n = strlen(s);
	char nul = 0;

	if (max > LAYOUT_CMDLINE_MAX - 1)
		max = LAYOUT_CMDLINE_MAX - 1;
	/* Reject rather than truncate: a cut-off cmdline can boot something else silently. */
	if (n > max)
		return boot_err(err, errlen, -E2BIG,
				"cmdline: %zu bytes, the kernel accepts at most %u", n, max);
	if (gpa_write(m, LAYOUT_CMDLINE, s, n) || gpa_write(m, LAYOUT_CMDLINE + n, &nul, 1))
		return boot_err(err, errlen, -EFAULT, "cmdline: cannot write to RAM");
	put_le32(zp + ZP_CMD_LINE_PTR, (uint32_t)LAYOUT_CMDLINE);
	return 0;
}

static int write_initrd(struct guest_mem *m, const struct boot_params_in *in,
			const struct linux_load *ld, uint8_t *zp, char *err, size_t errlen)
{
	uint64_t top = (uint64_t)ld->initrd_max + 1, addr;

	if (!in->initrd)
		return 0;
	if (top > m->low_end)
		top = m->low_end;
	/* As high as possible, page aligned, above the kernel's working area. */
	if (in->initrd_len > top || ((top - in->initrd_len) & ~0xfffULL) < ld->kernel_end)
		return boot_err(err, errlen, -ENOMEM,
				"initrd: %zu bytes do not fit below initrd_addr_max %#x "
				"and above the kernel", in->initrd_len, ld->initrd_max);
	addr = (top - in->initrd_len) & ~0xfffULL;
	if (gpa_write(m, addr, in->initrd, in->initrd_len))
		return boot_err(err, errlen, -EFAULT, "initrd: cannot write to RAM");
	put_le32(zp + ZP_RAMDISK_IMAGE, (uint32_t)addr);
	put_le32(zp + ZP_RAMDISK_SIZE, (uint32_t)in->initrd_len);
	return 0;
}

/* The loader-owned zero page fields, then the page itself. */
static int finish_zero_page(struct guest_mem *m, const struct boot_params_in *in,
			    const struct linux_load *ld, uint8_t *zp, char *err, size_t errlen)
{
	struct e820_entry map[E820_MAX];
	int n, rc;

	zp[ZP_TYPE_OF_LOADER] = 0xff;
	zp[ZP_LOADFLAGS] |= LOADFLAG_LOADED_HIGH | LOADFLAG_CAN_USE_HEAP;
	put_le16(zp + ZP_HEAP_END_PTR, HEAP_END);
	put_le64(zp + ZP_ACPI_RSDP, in->acpi_rsdp);
	if (in->vga_text) {
		zp[ZP_ORIG_X] = 0;
		zp[ZP_ORIG_Y] = 0;
		zp[ZP_ORIG_VIDEO_MODE] = 3;
		zp[ZP_ORIG_VIDEO_COLS] = 80;
		zp[ZP_ORIG_VIDEO_LINES] = 25;
		zp[ZP_ORIG_VIDEO_ISVGA] = 1;
		put_le16(zp + ZP_ORIG_VIDEO_EGA_BX, 0x0003);	/* colour, 256 KiB */
		put_le16(zp + ZP_ORIG_VIDEO_POINTS, 16);
	}
	rc = write_cmdline(m, in->cmdline, ld->cmdline_max, zp, err, errlen);
	if (!rc)
		rc = write_initrd(m, in, ld, zp, err, errlen);
	if (rc)
		return rc;
	n = e820_build(m, map, E820_MAX);
	if (n < 0)
		return boot_err(err, errlen, n, "linux: cannot build the e820 map");
	zp[ZP_E820_ENTRIES] = (uint8_t)n;
	memcpy(zp + ZP_E820_TABLE, map, n * sizeof(map[0]));
	if (gpa_write(m, LAYOUT_ZERO_PAGE, zp, ZERO_PAGE_SIZE))
		return boot_err(err, errlen, -EFAULT, "linux: cannot write the zero page");
	return 0;
}

static int enter64(struct guest_mem *m, struct cpu_state *bsp, uint64_t entry, char *err,
		   size_t errlen)
{
	uint64_t cr3 = boot_write_identity_pt(m);
	if (!cr3)
		return boot_err(err, errlen, -EFAULT, "linux: cannot write page tables");
	cpu_state_long64(bsp, cr3);
	if (boot_write_gdt(m, bsp, 1))
		return boot_err(err, errlen, -EFAULT, "linux: cannot write the boot GDT");
	bsp->rip = entry;
	bsp->regs[R_SI] = LAYOUT_ZERO_PAGE;
	bsp->regs[R_SP] = STACK_TOP;
	return 0;
}

/* 32-bit boot protocol: flat __BOOT_CS/__BOOT_DS, paging off; EBP, EDI, EBX zero. */
static int enter32(struct guest_mem *m, struct cpu_state *bsp, uint64_t entry, char *err,
		   size_t errlen)
{
	cpu_state_flat32(bsp);
	bsp->seg[S_CS].sel = BOOT_CS;
	for (int i = 0; i < NR_SEGS; i++)
		if (i != S_CS)
			bsp->seg[i].sel = BOOT_DS;
	if (boot_write_gdt(m, bsp, 0))
		return boot_err(err, errlen, -EFAULT, "linux: cannot write the boot GDT");
	memset(bsp->regs, 0, sizeof(bsp->regs));
	bsp->rip = entry;
	bsp->regs[R_SI] = LAYOUT_ZERO_PAGE;
	bsp->regs[R_SP] = STACK_TOP;
	return 0;
}

/* vmlinux's e_entry is physical (phys_startup_64); accept a virtual one too. */
static uint64_t vmlinux_entry(const struct boot_seg *segs, int n, uint64_t e)
{
	for (int i = 0; i < n; i++)
		if (e >= segs[i].paddr && e - segs[i].paddr < segs[i].memsz)
			return e;
	return boot_elf_virt_to_phys(segs, n, e);
}

/*
 * Boot the vmlinux inside the payload of the protected-mode part pm[0..pm_len)
 * (zp already holds the setup header).  0: booted; 1: not possible (format
 * hvm doesn't unpack, not an ELF64 inside): boot the bzImage as it is;
 * <0: error.
 */
static int boot_unpacked(struct guest_mem *m, const struct boot_params_in *in,
			 const uint8_t *pm, size_t pm_len, struct linux_load *ld, uint8_t *zp,
			 struct cpu_state *bsp, char *err, size_t errlen)
{
	uint32_t off = get_le32(zp + ZP_PAYLOAD_OFFSET), len = get_le32(zp + ZP_PAYLOAD_LENGTH);
	struct boot_seg segs[BOOT_MAX_SEGS];
	enum payload_format f;
	uint8_t *elf;
	size_t elf_len;
	uint64_t entry, hi;
	char why[160];
	int n, rc;

	if (!len || off > pm_len || len > pm_len - off)
		return 1;
	f = payload_format(pm + off, len);
	if (f == PAYLOAD_NONE)
		return 1;
	/* The unpacked kernel fits in what the kernel asks for to run (init_size). */
	rc = payload_unpack(f, pm + off, len, 1u << 30, &elf, &elf_len, why, sizeof(why));
	if (rc < 0) {
		pr_warn("kernel: %s payload not unpacked on the host (%s); the kernel unpacks itself",
			payload_format_name(f), why);
		return 1;
	}
	rc = boot_elf_parse(elf, elf_len, 1, segs, &n, &entry, why, sizeof(why));
	for (int i = 0; !rc && i < n; i++)
		if (segs[i].paddr < LAYOUT_HIGH_MEM)
			rc = -ENOEXEC;
	if (rc) {
		free(elf);
		return 1;
	}
	rc = boot_elf_load(m, elf, segs, n, m->low_end, NULL, &hi, err, errlen);
	free(elf);
	if (rc)
		return rc;
	if (hi > ld->kernel_end)
		ld->kernel_end = hi;
	pr_debug("kernel: %s payload unpacked on the host (%zu KiB); 64-bit entry at %#llx",
		 payload_format_name(f), elf_len >> 10,
		 (unsigned long long)vmlinux_entry(segs, n, entry));
	rc = finish_zero_page(m, in, ld, zp, err, errlen);
	if (rc)
		return rc;
	return enter64(m, bsp, vmlinux_entry(segs, n, entry), err, errlen);
}

int linux_load_bzimage(struct guest_mem *m, const struct boot_params_in *in,
		       struct cpu_state *bsp, char *err, size_t errlen)
{
	const uint8_t *k = in->kernel;
	size_t len = in->kernel_len, hdr_end, setup_size, pm_len;
	uint8_t zp[ZERO_PAGE_SIZE];
	struct linux_load ld;
	uint64_t load = LAYOUT_KERNEL_LOAD, need, init_size = 0, pref = 0;
	uint16_t ver;
	unsigned sects;
	int rc;

	if (len < ZP_VERSION + 2)
		return boot_err(err, errlen, -ENOEXEC, "bzImage: truncated setup header");
	ver = get_le16(k + ZP_VERSION);
	if (ver < LINUX_MIN_PROTOCOL)
		return boot_err(err, errlen, -ENOEXEC,
				"bzImage: boot protocol %u.%02u is older than 2.06", ver >> 8,
				ver & 0xff);
	/* The header runs to 0x202 + the jump's 8-bit displacement (boot.rst). */
	hdr_end = ZP_HEADER + k[ZP_JUMP + 1];
	if (hdr_end < ZP_CMDLINE_SIZE + 4)
		return boot_err(err, errlen, -ENOEXEC, "bzImage: setup header too short for 2.06");
	if (hdr_end > len)
		return boot_err(err, errlen, -ENOEXEC, "bzImage: truncated setup header");
	if (hdr_end > ZP_E820_TABLE)
		hdr_end = ZP_E820_TABLE;
	sects = k[ZP_SETUP_SECTS] ? k[ZP_SETUP_SECTS] : 4;
	setup_size = (size_t)(sects + 1) * 512;
	if (setup_size >= len)
		return boot_err(err, errlen, -ENOEXEC,
				"bzImage: setup_sects (%u) points past the end of the file", sects);
	if (!(k[ZP_LOADFLAGS] & LOADFLAG_LOADED_HIGH))
		return boot_err(err, errlen, -ENOEXEC, "bzImage: zImage (not loaded high) unsupported");
	pm_len = len - setup_size;
	if (ver >= 0x020a && hdr_end >= ZP_INIT_SIZE + 4) {
		init_size = get_le32(k + ZP_INIT_SIZE);
		pref = get_le64(k + ZP_PREF_ADDRESS);
	}
	/*
	 * The kernel needs init_size bytes where it runs: at the load address,
	 * or, if relocatable, possibly at pref_address (it moves itself up).
	 */
	need = pm_len > init_size ? pm_len : init_size;
	if (need > m->low_end || load > m->low_end - need ||
	    (pref && (pref > m->low_end || init_size > m->low_end - pref)))
		return boot_err(err, errlen, -ENOMEM,
				"kernel: larger than RAM (needs %#llx bytes at %#llx, RAM ends at %#llx)",
				(unsigned long long)need,
				(unsigned long long)(pref > load ? pref : load),
				(unsigned long long)m->low_end);
	ld.kernel_end = load + need;
	if (pref + init_size > ld.kernel_end)
		ld.kernel_end = pref + init_size;
	ld.initrd_max = get_le32(k + ZP_INITRD_ADDR_MAX);
	if (!ld.initrd_max)
		ld.initrd_max = DEFAULT_INITRD_MAX;
	ld.cmdline_max = get_le32(k + ZP_CMDLINE_SIZE);
	memset(zp, 0, sizeof(zp));
	memcpy(zp + ZP_SETUP_SECTS, k + ZP_SETUP_SECTS, hdr_end - ZP_SETUP_SECTS);
	put_le32(zp + ZP_CODE32_START, (uint32_t)load);
	if (ver >= 0x0208 && hdr_end >= ZP_PAYLOAD_LENGTH + 4 && !in->no_unpack) {
		rc = boot_unpacked(m, in, k + setup_size, pm_len, &ld, zp, bsp, err, errlen);
		if (rc <= 0)
			return rc;
	}
	if (gpa_write(m, load, k + setup_size, pm_len))
		return boot_err(err, errlen, -EFAULT, "kernel: cannot write to RAM");
	rc = finish_zero_page(m, in, &ld, zp, err, errlen);
	if (rc)
		return rc;
	if (ver >= 0x020c && hdr_end >= ZP_XLOADFLAGS + 2 &&
	    (get_le16(k + ZP_XLOADFLAGS) & XLF_KERNEL_64))
		return enter64(m, bsp, load + 0x200, err, errlen);
	return enter32(m, bsp, load, err, errlen);
}

int linux_load_vmlinux(struct guest_mem *m, const struct boot_params_in *in,
		       struct cpu_state *bsp, char *err, size_t errlen)
{
	struct boot_seg segs[BOOT_MAX_SEGS];
	uint8_t zp[ZERO_PAGE_SIZE];
	struct linux_load ld;
	uint64_t entry, hi;
	int n, rc;

	rc = boot_elf_parse(in->kernel, in->kernel_len, 1, segs, &n, &entry, err, errlen);
	if (rc)
		return rc;
	/* Below 1 MiB live the zero page, page tables and cmdline that we write. */
	for (int i = 0; i < n; i++)
		if (segs[i].paddr < LAYOUT_HIGH_MEM)
			return boot_err(err, errlen, -ENOEXEC,
					"kernel: vmlinux segment at %#llx is below 1 MiB",
					(unsigned long long)segs[i].paddr);
	/* Our identity map covers 4 GiB; RAM below the PCI hole is what is contiguous. */
	rc = boot_elf_load(m, in->kernel, segs, n, m->low_end, NULL, &hi, err, errlen);
	if (rc)
		return rc;
	memset(zp, 0, sizeof(zp));
	put_le16(zp + ZP_BOOT_FLAG, 0xAA55);
	memcpy(zp + ZP_HEADER, "HdrS", 4);
	put_le16(zp + ZP_VERSION, 0x020f);
	put_le32(zp + ZP_INITRD_ADDR_MAX, 0x7fffffff);
	put_le32(zp + ZP_CMDLINE_SIZE, (uint32_t)(LAYOUT_CMDLINE_MAX - 1));
	ld.kernel_end = hi;
	ld.initrd_max = 0x7fffffff;
	ld.cmdline_max = LAYOUT_CMDLINE_MAX - 1;
	rc = finish_zero_page(m, in, &ld, zp, err, errlen);
	if (rc)
		return rc;
	return enter64(m, bsp, vmlinux_entry(segs, n, entry), err, errlen);
}

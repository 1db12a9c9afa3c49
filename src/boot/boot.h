/*
 * Kernel loading: recognise an image by its content and put it, its initrd
 * and its command line into guest memory, then set the boot vCPU's entry
 * state.  Formats: multiboot v1 (ELF32 or a.out kludge), Linux bzImage
 * (boot protocol >= 2.06, 64-bit entry or 32-bit entry) and Linux vmlinux
 * (ELF64, 64-bit entry).  Firmware (SeaBIOS) boot is elsewhere.
 *
 * Every offset and size read from an image is checked against the image
 * length and guest RAM: a hostile image gets an error, never a crash.
 */
#ifndef HVM_BOOT_H
#define HVM_BOOT_H

#include <stddef.h>
#include <stdint.h>

#include "core/cpu_state.h"
#include "core/mem.h"

enum kernel_kind {
	KERNEL_UNKNOWN,
	KERNEL_MULTIBOOT,	/* multiboot v1 header in the first 8 KiB */
	KERNEL_BZIMAGE,		/* "HdrS" at 0x202 and 0xAA55 at 0x1fe */
	KERNEL_VMLINUX,		/* ELF64 x86-64 */
};

struct boot_params_in {
	const uint8_t *kernel;
	size_t kernel_len;
	const uint8_t *initrd;		/* NULL if none */
	size_t initrd_len;
	const char *cmdline;		/* NULL or "" for none */
	/*
	 * Multiboot: argv[0] that precedes cmdline in the info's command line
	 * (kvm-unit-tests takes argv[0] from the first word), e.g. the kernel
	 * file's basename.  NULL gives "kernel".  Linux ignores it.
	 */
	const char *kernel_name;
	const char *initrd_name;	/* multiboot module string; NULL gives "initrd" */
	int nr_cpus;
	/* Linux: zero page acpi_rsdp_addr (0x070); 0 leaves it 0 (Linux scans). */
	uint64_t acpi_rsdp;
	/* Linux bzImage: boot it as it is, even when hvm could unpack its payload. */
	int no_unpack;
	/*
	 * Linux: the board has a VGA card left in 80x25 colour text mode, so
	 * the zero page's screen_info describes it (as the setup code would),
	 * and the kernel's VGA console can use it.
	 */
	int vga_text;
};

/* What the image is, from its bytes only. */
enum kernel_kind boot_detect(const uint8_t *img, size_t len);
const char *boot_kind_name(enum kernel_kind k);

/*
 * Load in->kernel (of any supported kind) and friends into m and set *bsp to
 * the entry state (boot_load calls cpu_state_reset(bsp, 1) first).  Returns 0,
 * or -errno with a one-line reason in err ("kernel: truncated ELF program
 * header", "initrd does not fit below initrd_addr_max", ...).
 *
 * Guest memory used: multiboot info, strings and mmap in
 * [LAYOUT_MB_INFO, LAYOUT_MB_INFO + 64K); Linux: GDT at LAYOUT_BOOT_GDT,
 * zero page at LAYOUT_ZERO_PAGE, stack [LAYOUT_BOOT_STACK, LAYOUT_PML4),
 * page tables [LAYOUT_PML4, LAYOUT_PML4 + 24K), cmdline at LAYOUT_CMDLINE.
 * ACPI tables are separate (acpi_build) and live in [0xe0000, 0x100000).
 */
int boot_load(struct guest_mem *m, const struct boot_params_in *in, struct cpu_state *bsp,
	      char *err, size_t errlen);

/* Linux boot GDT selectors (boot protocol: __BOOT_CS, __BOOT_DS). */
#define BOOT_CS			0x10
#define BOOT_DS			0x18

/*
 * Entry-state helpers shared by the loaders.  boot_write_gdt() writes the
 * Linux boot GDT at LAYOUT_BOOT_GDT (0x10 = __BOOT_CS, 0x18 = __BOOT_DS,
 * code 64-bit if long64 else 32-bit) and points s->gdt at it.
 * boot_write_identity_pt() maps [0, 4 GiB) 1:1 with 2 MiB pages at
 * LAYOUT_PML4 and returns the CR3 value (0 on failure: RAM too small).
 */
int boot_write_gdt(struct guest_mem *m, struct cpu_state *s, int long64);
uint64_t boot_write_identity_pt(struct guest_mem *m);
/* Long mode, paging on with cr3, CS=0x10 (L=1), data 0x18: the Linux 64-bit entry. */
void cpu_state_long64(struct cpu_state *s, uint64_t cr3);

/*
 * ELF PT_LOAD segments, normalised from ELF32 or ELF64, shared by the
 * multiboot and vmlinux loaders.  boot_elf_parse checks the ELF header
 * (class, little-endian, machine EM_386 or EM_X86_64 per `is64`), every
 * program header and every segment's file range against len, and
 * filesz <= memsz.  boot_elf_load copies each segment to its p_paddr and
 * zeroes the rest up to memsz; every byte must be RAM below `limit`.
 * lo/hi receive the lowest address and the end of the highest segment.
 */
#define BOOT_MAX_SEGS 16
struct boot_seg {
	uint64_t off, filesz, memsz, paddr, vaddr;
};
int boot_elf_parse(const uint8_t *img, size_t len, int is64, struct boot_seg *segs,
		   int *nsegs, uint64_t *entry, char *err, size_t errlen);
int boot_elf_load(struct guest_mem *m, const uint8_t *img, const struct boot_seg *segs,
		  int nsegs, uint64_t limit, uint64_t *lo, uint64_t *hi, char *err, size_t errlen);
/* Physical address of virtual `va` via the segment containing it; va itself if none. */
uint64_t boot_elf_virt_to_phys(const struct boot_seg *segs, int nsegs, uint64_t va);

/* snprintf into err if err != NULL; returns `code` (a -errno) for tail calls. */
int boot_err(char *err, size_t errlen, int code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Little-endian field access into byte buffers (images, zero page). */
static inline uint16_t get_le16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static inline uint32_t get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static inline uint64_t get_le64(const uint8_t *p)
{
	return get_le32(p) | (uint64_t)get_le32(p + 4) << 32;
}
static inline void put_le16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static inline void put_le32(uint8_t *p, uint32_t v)
{
	put_le16(p, (uint16_t)v);
	put_le16(p + 2, (uint16_t)(v >> 16));
}
static inline void put_le64(uint8_t *p, uint64_t v)
{
	put_le32(p, (uint32_t)v);
	put_le32(p + 4, (uint32_t)(v >> 32));
}

#endif

/*
 * Linux boot protocol, checked the way the kernel reads what the loader
 * left: zero page fields (setup header copy, type_of_loader, cmd_line_ptr,
 * ramdisk_image/size, e820 table), the protected-mode kernel at 1 MiB, the
 * 64-bit entry state (long mode, __BOOT_CS/__BOOT_DS, RSI = zero page) and
 * page tables mapping 0..4 GiB 1:1.  Hostile headers must give an error.
 */
#include "test.h"

#include "boot/boot.h"
#include "boot/e820.h"
#include "boot/linux.h"
#include "layout.h"

#include <errno.h>

#define SETUP_SECTS	2
#define SETUP_SIZE	((SETUP_SECTS + 1) * 512)
#define PM_SIZE		0x2000
#define BZ_SIZE		(SETUP_SIZE + PM_SIZE)
#define RAM		(64ULL << 20)
#define PREF		0x1000000ULL
#define INIT_SIZE	0x400000u

static uint8_t bz[BZ_SIZE];
static char err[256];

static void make_bz(uint16_t version, uint16_t xlf)
{
	memset(bz, 0, sizeof(bz));
	bz[ZP_SETUP_SECTS] = SETUP_SECTS;
	put_le16(bz + ZP_BOOT_FLAG, 0xAA55);
	bz[ZP_JUMP] = 0xeb;
	bz[ZP_JUMP + 1] = 0x268 - ZP_HEADER;		/* header ends at 0x268 */
	memcpy(bz + ZP_HEADER, "HdrS", 4);
	put_le16(bz + ZP_VERSION, version);
	bz[ZP_LOADFLAGS] = LOADFLAG_LOADED_HIGH;
	put_le32(bz + ZP_CODE32_START, 0x100000);
	put_le32(bz + ZP_INITRD_ADDR_MAX, 0x7fffffff);
	put_le32(bz + ZP_KERNEL_ALIGNMENT, 0x200000);
	bz[ZP_RELOCATABLE] = 1;
	put_le16(bz + ZP_XLOADFLAGS, xlf);
	put_le32(bz + ZP_CMDLINE_SIZE, 2047);
	put_le64(bz + ZP_PREF_ADDRESS, PREF);
	put_le32(bz + ZP_INIT_SIZE, INIT_SIZE);
	for (int i = 0; i < PM_SIZE; i++)
		bz[SETUP_SIZE + i] = (uint8_t)(i * 7 + 1);
}

static int vga_text;	/* boot_params_in.vga_text for load() */

static int load(struct guest_mem *m, const uint8_t *k, size_t len, const void *initrd,
		size_t ilen, const char *cmdline, struct cpu_state *st)
{
	struct boot_params_in in = {
		.kernel = k, .kernel_len = len, .initrd = initrd, .initrd_len = ilen,
		.cmdline = cmdline, .nr_cpus = 1, .acpi_rsdp = 0xe0000, .vga_text = vga_text,
	};
	err[0] = 0;
	return boot_load(m, &in, st, err, sizeof(err));
}

static const uint8_t *g(const struct guest_mem *m, uint64_t gpa, uint64_t len)
{
	return gpa_ptr(m, gpa, len);
}

/* Translate va through the guest's 4-level tables at cr3, as the MMU would (2M/1G/4K). */
static int walk(const struct guest_mem *m, uint64_t cr3, uint64_t va, uint64_t *pa)
{
	uint64_t table = cr3 & ~0xfffULL;
	for (int level = 3; level >= 0; level--) {
		const uint8_t *p = g(m, table + 8 * ((va >> (12 + 9 * level)) & 511), 8);
		uint64_t e;
		if (!p)
			return -1;
		e = get_le64(p);
		if (!(e & 1))
			return -1;
		if (level == 0 || (level <= 2 && (e & 0x80))) {
			uint64_t size = 1ULL << (12 + 9 * level);
			*pa = (e & 0x000ffffffffff000ULL & ~(size - 1)) | (va & (size - 1));
			return 0;
		}
		table = e & 0x000ffffffffff000ULL;
	}
	return -1;
}

static int check_long_mode(const struct guest_mem *m, const struct cpu_state *st)
{
	static const uint64_t probes[] = { 0, 0x7000, 0x100200, 0x1fffff, 0x200000, 0x3fffffff,
					   0x40000000, 0xbfffffff, 0xfec00000, 0xfee00123,
					   0xffffffff };
	const uint8_t *gdt;
	if (!(st->efer & EFER_LME) || !(st->efer & EFER_LMA) || !(st->cr0 & CR0_PG) ||
	    !(st->cr0 & CR0_PE) || !(st->cr4 & CR4_PAE) || (st->rflags & FL_IF))
		return 0;
	if (st->seg[S_CS].sel != BOOT_CS || !(st->seg[S_CS].attr & SEG_L) ||
	    (st->seg[S_CS].attr & SEG_DB))
		return 0;
	for (int i = 0; i < NR_SEGS; i++)
		if (i != S_CS && st->seg[i].sel != BOOT_DS)
			return 0;
	/* The GDT in memory agrees with the cached descriptors. */
	gdt = g(m, st->gdt.base, st->gdt.limit + 1);
	if (!gdt || st->gdt.limit < BOOT_DS + 7 ||
	    !(get_le64(gdt + BOOT_CS) & (1ULL << 53)) ||		/* L */
	    ((get_le64(gdt + BOOT_DS) >> 40) & 0x9a) != 0x92)		/* present data, writable */
		return 0;
	for (unsigned i = 0; i < sizeof(probes) / sizeof(probes[0]); i++) {
		uint64_t pa;
		if (walk(m, st->cr3, probes[i], &pa) || pa != probes[i])
			return 0;
	}
	return 1;
}

TEST(bzimage_64bit)
{
	static const char initrd[] = "070701 fake cpio";
	static const char cmd[] = "console=ttyS0 root=/dev/ram0";
	struct guest_mem m;
	struct cpu_state st;
	struct e820_entry map[E820_MAX];
	const uint8_t *zp;
	uint32_t rd, rdsz;
	int n;

	make_bz(0x020f, XLF_KERNEL_64 | 2);
	CHECK_EQ(boot_detect(bz, sizeof(bz)), KERNEL_BZIMAGE);
	CHECK_EQ(mem_init(&m, RAM), 0);
	memset(gpa_ptr(&m, LAYOUT_ZERO_PAGE, 4096), 0xee, 4096);
	CHECK_EQ(load(&m, bz, sizeof(bz), initrd, sizeof(initrd), cmd, &st), 0);

	CHECK(!memcmp(g(&m, LAYOUT_KERNEL_LOAD, PM_SIZE), bz + SETUP_SIZE, PM_SIZE));
	CHECK(check_long_mode(&m, &st));
	CHECK_EQ(st.rip, LAYOUT_KERNEL_LOAD + 0x200);
	CHECK_EQ(st.regs[R_SI], LAYOUT_ZERO_PAGE);
	CHECK(st.regs[R_SP] > LAYOUT_BOOT_STACK && st.regs[R_SP] <= LAYOUT_PML4);

	zp = g(&m, LAYOUT_ZERO_PAGE, 4096);
	CHECK(!memcmp(zp + ZP_HEADER, "HdrS", 4));
	CHECK_EQ(get_le16(zp + ZP_VERSION), 0x020f);
	CHECK_EQ(get_le16(zp + ZP_BOOT_FLAG), 0xAA55);
	CHECK_EQ(zp[ZP_SETUP_SECTS], SETUP_SECTS);
	CHECK_EQ(get_le32(zp + ZP_INIT_SIZE), INIT_SIZE);	/* header copied to its end */
	CHECK_EQ(zp[ZP_TYPE_OF_LOADER], 0xff);
	CHECK(zp[ZP_LOADFLAGS] & LOADFLAG_LOADED_HIGH);
	CHECK(zp[ZP_LOADFLAGS] & LOADFLAG_CAN_USE_HEAP);
	CHECK_EQ(get_le64(zp + ZP_ACPI_RSDP), 0xe0000);
	CHECK_EQ(get_le32(zp + ZP_EXT_RAMDISK_IMAGE), 0);
	CHECK_EQ(get_le32(zp + ZP_EXT_RAMDISK_SIZE), 0);
	CHECK_EQ(get_le32(zp + ZP_EXT_CMD_LINE_PTR), 0);
	CHECK_EQ(zp[0x000], 0);					/* rest of the page zeroed */
	CHECK_EQ(zp[0x1ef], 0);
	CHECK_STR((const char *)g(&m, get_le32(zp + ZP_CMD_LINE_PTR), 1), cmd);

	rd = get_le32(zp + ZP_RAMDISK_IMAGE);
	rdsz = get_le32(zp + ZP_RAMDISK_SIZE);
	CHECK_EQ(rdsz, sizeof(initrd));
	CHECK_EQ(rd & 0xfff, 0);
	CHECK(rd >= PREF + INIT_SIZE);			/* clear of the decompressed kernel */
	CHECK(rd + rdsz <= RAM);
	CHECK(RAM - (rd + rdsz) < 0x1000);		/* as high as possible */
	CHECK(!memcmp(g(&m, rd, rdsz), initrd, rdsz));

	n = e820_build(&m, map, E820_MAX);
	CHECK(n > 0);
	CHECK_EQ(zp[ZP_E820_ENTRIES], n);
	CHECK(!memcmp(zp + ZP_E820_TABLE, map, n * 20));
	mem_destroy(&m);
}

/* A board with a VGA card in mode 3: screen_info as the setup code would fill it. */
TEST(bzimage_screen_info)
{
	struct guest_mem m;
	struct cpu_state st;
	const uint8_t *zp;

	make_bz(0x020f, XLF_KERNEL_64);
	CHECK_EQ(mem_init(&m, RAM), 0);
	vga_text = 1;
	CHECK_EQ(load(&m, bz, sizeof(bz), NULL, 0, "", &st), 0);
	vga_text = 0;
	zp = g(&m, LAYOUT_ZERO_PAGE, 4096);
	CHECK_EQ(zp[ZP_ORIG_X], 0);
	CHECK_EQ(zp[ZP_ORIG_Y], 0);
	CHECK_EQ(zp[ZP_ORIG_VIDEO_MODE], 3);
	CHECK_EQ(zp[ZP_ORIG_VIDEO_COLS], 80);
	CHECK_EQ(zp[ZP_ORIG_VIDEO_LINES], 25);
	CHECK_EQ(zp[ZP_ORIG_VIDEO_ISVGA], 1);
	CHECK_EQ(get_le16(zp + ZP_ORIG_VIDEO_EGA_BX) & 0xff, 3);	/* not 0x10: EGA/VGA */
	CHECK_EQ(get_le16(zp + ZP_ORIG_VIDEO_POINTS), 16);
	CHECK_EQ(zp[0x040], 0);				/* nothing else of the page */
	mem_destroy(&m);
}

TEST(bzimage_initrd_addr_max)
{
	struct guest_mem m;
	struct cpu_state st;
	static uint8_t rdbuf[0x3000];
	const uint8_t *zp;
	make_bz(0x020f, XLF_KERNEL_64);
	put_le32(bz + ZP_INITRD_ADDR_MAX, 0x1ffffff);		/* last byte below 32 MiB */
	CHECK_EQ(mem_init(&m, RAM), 0);
	CHECK_EQ(load(&m, bz, sizeof(bz), rdbuf, sizeof(rdbuf), "", &st), 0);
	zp = g(&m, LAYOUT_ZERO_PAGE, 4096);
	CHECK_EQ(get_le32(zp + ZP_RAMDISK_IMAGE), 0x2000000 - 0x3000);
	/* below the kernel's working area: refused */
	put_le32(bz + ZP_INITRD_ADDR_MAX, PREF + INIT_SIZE);
	CHECK(load(&m, bz, sizeof(bz), rdbuf, sizeof(rdbuf), "", &st) < 0);
	CHECK(strstr(err, "initrd_addr_max"));
	mem_destroy(&m);
}

TEST(bzimage_32bit_entry)
{
	struct guest_mem m;
	struct cpu_state st;
	make_bz(0x020a, 0);
	CHECK_EQ(mem_init(&m, RAM), 0);
	CHECK_EQ(load(&m, bz, sizeof(bz), NULL, 0, "", &st), 0);
	CHECK_EQ(st.rip, LAYOUT_KERNEL_LOAD);
	CHECK_EQ(st.regs[R_SI], LAYOUT_ZERO_PAGE);
	CHECK_EQ(st.regs[R_BX] | st.regs[R_BP] | st.regs[R_DI], 0);
	CHECK(st.cr0 & CR0_PE);
	CHECK(!(st.cr0 & CR0_PG));
	CHECK_EQ(st.efer, 0);
	CHECK_EQ(st.seg[S_CS].sel, BOOT_CS);
	CHECK(st.seg[S_CS].attr & SEG_DB);
	CHECK_EQ(st.seg[S_DS].sel, BOOT_DS);
	CHECK_EQ(get_le32(g(&m, LAYOUT_ZERO_PAGE + ZP_RAMDISK_IMAGE, 4)), 0);
	mem_destroy(&m);
}

TEST(bzimage_hostile)
{
	struct guest_mem m;
	struct cpu_state st;
	char longcmd[64];
	CHECK_EQ(mem_init(&m, RAM), 0);

	make_bz(0x0205, XLF_KERNEL_64);				/* protocol too old */
	CHECK_EQ(load(&m, bz, sizeof(bz), NULL, 0, "", &st), -ENOEXEC);
	CHECK(strstr(err, "2.05"));

	make_bz(0x020f, XLF_KERNEL_64);
	bz[ZP_SETUP_SECTS] = 255;					/* setup past EOF */
	CHECK(load(&m, bz, sizeof(bz), NULL, 0, "", &st) < 0);
	CHECK(strstr(err, "setup_sects"));

	make_bz(0x020f, XLF_KERNEL_64);
	CHECK_EQ(boot_detect(bz, 0x210), KERNEL_BZIMAGE);
	CHECK(load(&m, bz, 0x210, NULL, 0, "", &st) < 0);		/* header cut off */
	CHECK(strstr(err, "truncated"));
	CHECK_EQ(boot_detect(bz, 0x205), KERNEL_UNKNOWN);

	make_bz(0x020f, XLF_KERNEL_64);
	bz[ZP_JUMP + 1] = 0x10;						/* header too short */
	CHECK(load(&m, bz, sizeof(bz), NULL, 0, "", &st) < 0);

	make_bz(0x020f, XLF_KERNEL_64);
	bz[ZP_JUMP + 1] = 0xff;					/* long header: clamped, fine */
	CHECK_EQ(load(&m, bz, sizeof(bz), NULL, 0, "", &st), 0);

	make_bz(0x020f, XLF_KERNEL_64);
	bz[ZP_LOADFLAGS] = 0;						/* zImage */
	CHECK(load(&m, bz, sizeof(bz), NULL, 0, "", &st) < 0);

	make_bz(0x020f, XLF_KERNEL_64);
	put_le32(bz + ZP_INIT_SIZE, 0x10000000);			/* needs 256 MiB */
	CHECK_EQ(load(&m, bz, sizeof(bz), NULL, 0, "", &st), -ENOMEM);
	CHECK(strstr(err, "larger than RAM"));

	make_bz(0x020f, XLF_KERNEL_64);
	put_le64(bz + ZP_PREF_ADDRESS, 0xfffffffffffff000ULL);	/* wraps */
	CHECK(load(&m, bz, sizeof(bz), NULL, 0, "", &st) < 0);

	make_bz(0x020f, XLF_KERNEL_64);
	put_le32(bz + ZP_CMDLINE_SIZE, 16);				/* cmdline too long */
	memset(longcmd, 'c', sizeof(longcmd) - 1);
	longcmd[sizeof(longcmd) - 1] = 0;
	CHECK_EQ(load(&m, bz, sizeof(bz), NULL, 0, longcmd, &st), -E2BIG);
	longcmd[16] = 0;						/* exactly cmdline_size: ok */
	CHECK_EQ(load(&m, bz, sizeof(bz), NULL, 0, longcmd, &st), 0);

	make_bz(0x020f, XLF_KERNEL_64);					/* initrd > RAM */
	CHECK(load(&m, bz, sizeof(bz), "x", (size_t)1 << 33, "", &st) < 0);
	CHECK(strstr(err, "initrd"));
	mem_destroy(&m);
}

/* ELF64 x86-64 vmlinux: one text segment linked high, loaded at its p_paddr. */
static uint8_t vm[0x3000];

static void make_vmlinux(uint64_t entry, uint64_t paddr)
{
	uint8_t *ph = vm + 64;
	memset(vm, 0, sizeof(vm));
	memcpy(vm, "\x7f" "ELF\x02\x01\x01", 7);
	put_le16(vm + 16, 2);
	put_le16(vm + 18, 62);
	put_le32(vm + 20, 1);
	put_le64(vm + 24, entry);
	put_le64(vm + 32, 64);			/* e_phoff */
	put_le16(vm + 52, 64);
	put_le16(vm + 54, 56);
	put_le16(vm + 56, 1);
	put_le32(ph, 1);
	put_le32(ph + 4, 5);
	put_le64(ph + 8, 0x1000);		/* p_offset */
	put_le64(ph + 16, 0xffffffff81000000ULL);
	put_le64(ph + 24, paddr);
	put_le64(ph + 32, 0x2000);
	put_le64(ph + 40, 0x4000);
	memset(vm + 0x1000, 0xc3, 0x2000);
}

TEST(vmlinux)
{
	struct guest_mem m;
	struct cpu_state st;
	static const char initrd[] = "rd";
	const uint8_t *zp;
	make_vmlinux(0x1000000, 0x1000000);
	CHECK_EQ(boot_detect(vm, sizeof(vm)), KERNEL_VMLINUX);
	CHECK_EQ(mem_init(&m, RAM), 0);
	memset(gpa_ptr(&m, 0x1000000, 0x5000), 0xee, 0x5000);
	CHECK_EQ(load(&m, vm, sizeof(vm), initrd, 2, "quiet", &st), 0);
	CHECK_EQ(st.rip, 0x1000000);
	CHECK(check_long_mode(&m, &st));
	CHECK_EQ(st.regs[R_SI], LAYOUT_ZERO_PAGE);
	CHECK_EQ(g(&m, 0x1001fff, 1)[0], 0xc3);
	CHECK_EQ(g(&m, 0x1002000, 1)[0], 0);			/* bss */
	CHECK_EQ(g(&m, 0x1004000, 1)[0], 0xee);
	zp = g(&m, LAYOUT_ZERO_PAGE, 4096);
	CHECK(!memcmp(zp + ZP_HEADER, "HdrS", 4));
	CHECK_EQ(get_le16(zp + ZP_BOOT_FLAG), 0xAA55);
	CHECK(get_le16(zp + ZP_VERSION) >= 0x0206);
	CHECK_EQ(zp[ZP_TYPE_OF_LOADER], 0xff);
	CHECK_STR((const char *)g(&m, get_le32(zp + ZP_CMD_LINE_PTR), 1), "quiet");
	CHECK_EQ(get_le32(zp + ZP_RAMDISK_SIZE), 2);
	CHECK(get_le32(zp + ZP_RAMDISK_IMAGE) >= 0x1004000);
	CHECK(zp[ZP_E820_ENTRIES] > 0);

	/* virtual entry translated through its segment */
	make_vmlinux(0xffffffff81000100ULL, 0x1000000);
	CHECK_EQ(load(&m, vm, sizeof(vm), NULL, 0, "", &st), 0);
	CHECK_EQ(st.rip, 0x1000100);

	make_vmlinux(0x1000000, 0x8000);			/* over our boot structures */
	CHECK(load(&m, vm, sizeof(vm), NULL, 0, "", &st) < 0);
	make_vmlinux(0x1000000, RAM - 0x1000);			/* past RAM end */
	CHECK(load(&m, vm, sizeof(vm), NULL, 0, "", &st) < 0);
	CHECK(strstr(err, "outside guest RAM"));
	make_vmlinux(0x1000000, 0xfffffffffffff000ULL);		/* wraps */
	CHECK(load(&m, vm, sizeof(vm), NULL, 0, "", &st) < 0);
	make_vmlinux(0x1000000, 0x1000000);
	put_le64(vm + 64 + 8, 0x2800);				/* segment past EOF */
	CHECK(load(&m, vm, sizeof(vm), NULL, 0, "", &st) < 0);
	make_vmlinux(0x1000000, 0x1000000);
	CHECK(load(&m, vm, 100, NULL, 0, "", &st) < 0);		/* truncated phdrs */
	mem_destroy(&m);
}

TEST(mutations_do_not_crash)
{
	struct guest_mem m;
	struct cpu_state st;
	uint32_t x = 777;
	int ok = 0;
	CHECK_EQ(mem_init(&m, 32ULL << 20), 0);
	for (int it = 0; it < 3000; it++) {
		int vml = it & 1;
		uint8_t *p = vml ? vm : bz;
		if (vml)
			make_vmlinux(0x1000000, 0x1000000);
		else
			make_bz(0x020f, XLF_KERNEL_64);
		for (int j = 0; j < 3; j++) {
			x = x * 1103515245 + 12345;
			uint32_t off = vml ? (x >> 8) % 128 : 0x1f0 + (x >> 8) % 0x80;
			p[off] = (uint8_t)(x >> 24);
		}
		if (load(&m, p, vml ? sizeof(vm) : sizeof(bz), "rd", 2, "c", &st) == 0)
			ok++;
	}
	CHECK(ok > 0);
	mem_destroy(&m);
}

TEST_MAIN_BEGIN("linux_boot")
	RUN(bzimage_64bit);
	RUN(bzimage_screen_info);
	RUN(bzimage_initrd_addr_max);
	RUN(bzimage_32bit_entry);
	RUN(bzimage_hostile);
	RUN(vmlinux);
	RUN(mutations_do_not_crash);
TEST_MAIN_END()

/*
 * Multiboot v1 loading, checked the way a multiboot kernel (kvm-unit-tests)
 * reads its state: EAX/EBX at entry, flat 32-bit protected mode with paging
 * off, the info struct's mem/cmdline/mods/mmap fields, segments copied and
 * bss zeroed.  Hostile images (truncated, bad offsets, overflowing or
 * out-of-RAM segments) must give an error, never a crash.
 */
#include "test.h"

#include "boot/boot.h"
#include "boot/e820.h"
#include "boot/multiboot.h"
#include "layout.h"

#include <errno.h>

#define IMG_SIZE	0x3000
#define TEXT_PADDR	0x400000u
#define DATA_PADDR	0x401000u
#define DATA_FILESZ	0x800u
#define DATA_MEMSZ	0x5000u
#define HDR_OFF		0x1000u
#define RAM		(64ULL << 20)

static uint8_t img[IMG_SIZE];
static char err[256];

static void mb_header(uint8_t *p, uint32_t flags)
{
	put_le32(p, MB_HEADER_MAGIC);
	put_le32(p + 4, flags);
	put_le32(p + 8, (uint32_t)-(MB_HEADER_MAGIC + flags));
}

static void phdr32(uint8_t *ph, uint32_t off, uint32_t paddr, uint32_t filesz, uint32_t memsz)
{
	put_le32(ph, 1);		/* PT_LOAD */
	put_le32(ph + 4, off);
	put_le32(ph + 8, paddr);
	put_le32(ph + 12, paddr);
	put_le32(ph + 16, filesz);
	put_le32(ph + 20, memsz);
	put_le32(ph + 24, 7);
	put_le32(ph + 28, 0x1000);
}

/* ELF32 i386 executable: text with the multiboot header, then data + bss. */
static void make_elf(void)
{
	memset(img, 0, sizeof(img));
	memcpy(img, "\x7f" "ELF\x01\x01\x01", 7);
	put_le16(img + 16, 2);			/* ET_EXEC */
	put_le16(img + 18, 3);			/* EM_386 */
	put_le32(img + 20, 1);
	put_le32(img + 24, TEXT_PADDR + 0x10);	/* e_entry */
	put_le32(img + 28, 52);			/* e_phoff */
	put_le16(img + 40, 52);
	put_le16(img + 42, 32);			/* e_phentsize */
	put_le16(img + 44, 2);			/* e_phnum */
	phdr32(img + 52, 0x1000, TEXT_PADDR, 0x1000, 0x1000);
	phdr32(img + 84, 0x2000, DATA_PADDR, DATA_FILESZ, DATA_MEMSZ);
	memset(img + 0x1000, 0x90, 0x1000);
	mb_header(img + HDR_OFF, 0);
	memset(img + 0x2000, 0xcd, 0x1000);
}

static int load(struct guest_mem *m, const uint8_t *k, size_t len, const void *initrd,
		size_t ilen, const char *cmdline, struct cpu_state *st)
{
	struct boot_params_in in = {
		.kernel = k, .kernel_len = len, .initrd = initrd, .initrd_len = ilen,
		.cmdline = cmdline, .kernel_name = "/some/dir/test.flat", .nr_cpus = 1,
	};
	err[0] = 0;
	return boot_load(m, &in, st, err, sizeof(err));
}

static const uint8_t *g(const struct guest_mem *m, uint64_t gpa, uint64_t len)
{
	return gpa_ptr(m, gpa, len);
}

TEST(elf_entry_state_and_info)
{
	static const char env[] = "TESTNAME=foo\nX=1\n";
	struct guest_mem m;
	struct cpu_state st;
	struct e820_entry map[E820_MAX];
	const uint8_t *info, *mod, *mm;
	uint32_t flags, mmlen, mstart;
	int n;

	make_elf();
	CHECK_EQ(mem_init(&m, RAM), 0);
	/* garbage where the bss goes, to see it zeroed */
	memset(gpa_ptr(&m, DATA_PADDR, DATA_MEMSZ), 0xee, DATA_MEMSZ);
	CHECK_EQ(boot_detect(img, sizeof(img)), KERNEL_MULTIBOOT);
	CHECK_EQ(load(&m, img, sizeof(img), env, sizeof(env) - 1, "arg1 arg2", &st), 0);

	/* Machine state, Multiboot spec 3.2 */
	CHECK_EQ(st.regs[R_AX], 0x2BADB002);
	CHECK_EQ(st.regs[R_BX], LAYOUT_MB_INFO);
	CHECK_EQ(st.rip, TEXT_PADDR + 0x10);
	CHECK(st.cr0 & CR0_PE);
	CHECK(!(st.cr0 & CR0_PG));
	CHECK(!(st.rflags & FL_IF));
	CHECK(!(st.rflags & FL_VM));
	CHECK(st.seg[S_CS].attr & SEG_DB);
	CHECK_EQ(SEG_TYPE(st.seg[S_CS].attr) & 0x8, 0x8);	/* code */
	for (int i = 0; i < NR_SEGS; i++) {
		CHECK_EQ(st.seg[i].base, 0);
		CHECK_EQ(st.seg[i].limit, 0xffffffff);
	}
	CHECK_EQ(SEG_TYPE(st.seg[S_DS].attr) & 0xa, 0x2);	/* data, writable */

	/* Segments */
	CHECK_EQ(get_le32(g(&m, TEXT_PADDR, 4)), MB_HEADER_MAGIC);
	CHECK_EQ(g(&m, TEXT_PADDR + 0xfff, 1)[0], 0x90);
	CHECK_EQ(g(&m, DATA_PADDR + DATA_FILESZ - 1, 1)[0], 0xcd);
	for (uint32_t i = DATA_FILESZ; i < DATA_MEMSZ; i++)
		CHECK_EQ(g(&m, DATA_PADDR + i, 1)[0], 0);

	/* Info, spec 3.3 */
	info = g(&m, LAYOUT_MB_INFO, 88);
	flags = get_le32(info);
	CHECK(flags & MB_INFO_MEM);
	CHECK(flags & MB_INFO_CMDLINE);
	CHECK(flags & MB_INFO_MODS);
	CHECK(flags & MB_INFO_MMAP);
	CHECK(get_le32(info + 4) >= 639 && get_le32(info + 4) <= 640);
	CHECK_EQ(get_le32(info + 8), (RAM - LAYOUT_HIGH_MEM) / 1024);
	CHECK_STR((const char *)g(&m, get_le32(info + 16), 1), "test.flat arg1 arg2");

	CHECK_EQ(get_le32(info + 20), 1);
	mod = g(&m, get_le32(info + 24), 16);
	mstart = get_le32(mod);
	CHECK_EQ(mstart & 0xfff, 0);
	CHECK(mstart >= DATA_PADDR + DATA_MEMSZ);		/* above the bss */
	CHECK_EQ(get_le32(mod + 4) - mstart, sizeof(env) - 1);
	CHECK(!memcmp(g(&m, mstart, sizeof(env) - 1), env, sizeof(env) - 1));
	CHECK_STR((const char *)g(&m, get_le32(mod + 8), 1), "initrd");

	/* mmap: size-prefixed entries equal to the e820 map */
	n = e820_build(&m, map, E820_MAX);
	CHECK(n > 0);
	mmlen = get_le32(info + 44);
	mm = g(&m, get_le32(info + 48), mmlen);
	CHECK(mm);
	{
		int i = 0;
		for (uint32_t o = 0; o < mmlen; o += get_le32(mm + o) + 4, i++) {
			CHECK(i < n);
			CHECK_EQ(get_le32(mm + o), 20);
			CHECK_EQ(get_le64(mm + o + 4), map[i].addr);
			CHECK_EQ(get_le64(mm + o + 12), map[i].size);
			CHECK_EQ(get_le32(mm + o + 20), map[i].type);
		}
		CHECK_EQ(i, n);
	}
	mem_destroy(&m);
}

TEST(no_initrd_no_cmdline)
{
	struct guest_mem m;
	struct cpu_state st;
	const uint8_t *info;
	make_elf();
	CHECK_EQ(mem_init(&m, RAM), 0);
	CHECK_EQ(load(&m, img, sizeof(img), NULL, 0, NULL, &st), 0);
	info = g(&m, LAYOUT_MB_INFO, 88);
	CHECK_EQ(get_le32(info) & MB_INFO_MODS, 0);
	CHECK_EQ(get_le32(info + 20), 0);
	CHECK_STR((const char *)g(&m, get_le32(info + 16), 1), "test.flat");
	mem_destroy(&m);
}

TEST(aout_kludge)
{
	struct guest_mem m;
	struct cpu_state st;
	uint8_t k[0x2000];
	const uint32_t load_addr = 0x200000;
	memset(k, 0x41, sizeof(k));
	/* header at file offset 0x40, which is load_addr + 0x40 in memory */
	mb_header(k + 0x40, MB_HDR_AOUT_KLUDGE);
	put_le32(k + 0x40 + 12, load_addr + 0x40);	/* header_addr */
	put_le32(k + 0x40 + 16, load_addr);		/* load_addr */
	put_le32(k + 0x40 + 20, load_addr + 0x1000);	/* load_end_addr */
	put_le32(k + 0x40 + 24, load_addr + 0x3000);	/* bss_end_addr */
	put_le32(k + 0x40 + 28, load_addr + 0x80);	/* entry_addr */
	k[0xfff] = 0x99;
	CHECK_EQ(boot_detect(k, sizeof(k)), KERNEL_MULTIBOOT);
	CHECK_EQ(mem_init(&m, RAM), 0);
	memset(gpa_ptr(&m, load_addr, 0x4000), 0xee, 0x4000);
	CHECK_EQ(load(&m, k, sizeof(k), NULL, 0, "", &st), 0);
	CHECK_EQ(st.rip, load_addr + 0x80);
	CHECK_EQ(g(&m, load_addr + 0xfff, 1)[0], 0x99);
	CHECK_EQ(g(&m, load_addr + 0x1000, 1)[0], 0);		/* bss */
	CHECK_EQ(g(&m, load_addr + 0x2fff, 1)[0], 0);
	CHECK_EQ(g(&m, load_addr + 0x3000, 1)[0], 0xee);	/* past bss untouched */

	/* load_end past EOF, header_addr below load_addr, bss_end below load_end */
	put_le32(k + 0x40 + 20, load_addr + 0x3000);
	CHECK(load(&m, k, sizeof(k), NULL, 0, "", &st) < 0);
	CHECK(err[0]);
	put_le32(k + 0x40 + 20, load_addr + 0x1000);
	put_le32(k + 0x40 + 12, load_addr - 4);
	CHECK(load(&m, k, sizeof(k), NULL, 0, "", &st) < 0);
	put_le32(k + 0x40 + 12, load_addr + 0x1000);	/* load would start before the file */
	CHECK(load(&m, k, sizeof(k), NULL, 0, "", &st) < 0);
	put_le32(k + 0x40 + 12, load_addr + 0x40);
	put_le32(k + 0x40 + 24, load_addr + 0x10);
	CHECK(load(&m, k, sizeof(k), NULL, 0, "", &st) < 0);
	/* whole file to the top of 4 GiB: overflows */
	put_le32(k + 0x40 + 24, 0);
	put_le32(k + 0x40 + 20, 0);
	put_le32(k + 0x40 + 16, 0xfffff000);
	put_le32(k + 0x40 + 12, 0xfffff040);
	CHECK(load(&m, k, sizeof(k), NULL, 0, "", &st) < 0);
	mem_destroy(&m);
}

TEST(header_search)
{
	uint8_t k[MB_SEARCH_LEN + 64];
	memset(k, 0, sizeof(k));
	memcpy(k, "\x7f" "ELF\x01\x01\x01", 7);
	put_le16(k + 18, 3);
	CHECK_EQ(multiboot_find_header(k, sizeof(k)), -1);
	mb_header(k + 0x100, 0);
	CHECK_EQ(multiboot_find_header(k, sizeof(k)), 0x100);
	put_le32(k + 0x108, 0);				/* bad checksum */
	CHECK_EQ(multiboot_find_header(k, sizeof(k)), -1);
	mb_header(k + 0x102, 0);			/* not 4-aligned */
	CHECK_EQ(multiboot_find_header(k, sizeof(k)), -1);
	memset(k + 0x100, 0, 16);
	mb_header(k + MB_SEARCH_LEN, 0);		/* past the first 8 KiB */
	CHECK_EQ(multiboot_find_header(k, sizeof(k)), -1);
	mb_header(k + MB_SEARCH_LEN - 12, 0);		/* last slot that fits */
	CHECK_EQ(multiboot_find_header(k, sizeof(k)), MB_SEARCH_LEN - 12);
	CHECK_EQ(multiboot_find_header(k, 11), -1);
	CHECK_EQ(multiboot_find_header(NULL, 100), -1);
}

TEST(hostile_images)
{
	struct guest_mem m;
	struct cpu_state st;
	CHECK_EQ(mem_init(&m, RAM), 0);

	CHECK_EQ(load(&m, img, 0, NULL, 0, "", &st), -ENOEXEC);	/* empty */
	CHECK(err[0]);
	CHECK(load(&m, (const uint8_t *)"hello", 5, NULL, 0, "", &st) < 0);

	make_elf();
	put_le32(img + HDR_OFF, 0x1BADB003);				/* wrong magic */
	CHECK_EQ(boot_detect(img, sizeof(img)), KERNEL_UNKNOWN);
	CHECK(load(&m, img, sizeof(img), NULL, 0, "", &st) < 0);

	make_elf();
	put_le32(img + HDR_OFF + 8, 0);					/* bad checksum */
	CHECK_EQ(boot_detect(img, sizeof(img)), KERNEL_UNKNOWN);

	make_elf();
	mb_header(img + HDR_OFF, 1u << 3);				/* unknown requirement */
	CHECK(load(&m, img, sizeof(img), NULL, 0, "", &st) < 0);
	CHECK(strstr(err, "flags"));

	make_elf();
	phdr32(img + 84, IMG_SIZE + 0x1000, DATA_PADDR, 0x10, 0x10);	/* offset past EOF */
	CHECK(load(&m, img, sizeof(img), NULL, 0, "", &st) < 0);
	CHECK(strstr(err, "past the end"));

	make_elf();
	phdr32(img + 84, 0x2000, DATA_PADDR, 0xfffff000, 0xfffff000);	/* filesz past EOF, huge */
	CHECK(load(&m, img, sizeof(img), NULL, 0, "", &st) < 0);

	make_elf();
	phdr32(img + 84, 0x2000, DATA_PADDR, 0x800, 0x100);		/* filesz > memsz */
	CHECK(load(&m, img, sizeof(img), NULL, 0, "", &st) < 0);
	CHECK(strstr(err, "filesz > memsz"));

	make_elf();
	phdr32(img + 84, 0x2000, 0xF0000000, 0x800, 0x800);		/* outside RAM (PCI hole) */
	CHECK(load(&m, img, sizeof(img), NULL, 0, "", &st) < 0);
	CHECK(strstr(err, "outside guest RAM"));

	make_elf();
	phdr32(img + 84, 0x2000, 0xFFFFF000, 0x800, 0x2000);		/* overflows u32 */
	CHECK(load(&m, img, sizeof(img), NULL, 0, "", &st) < 0);

	make_elf();
	phdr32(img + 84, 0x2000, 0x0A0000, 0x800, 0x800);		/* VGA hole */
	CHECK(load(&m, img, sizeof(img), NULL, 0, "", &st) < 0);

	make_elf();
	phdr32(img + 84, 0x2000, LAYOUT_MB_INFO + 0x100, 0x800, 0x800);	/* over the info area */
	CHECK(load(&m, img, sizeof(img), NULL, 0, "", &st) < 0);

	make_elf();
	put_le32(img + 28, IMG_SIZE - 40);				/* phdrs past EOF */
	CHECK(load(&m, img, sizeof(img), NULL, 0, "", &st) < 0);
	CHECK(strstr(err, "truncated"));

	make_elf();
	put_le16(img + 44, 0xffff);					/* phnum huge */
	CHECK(load(&m, img, sizeof(img), NULL, 0, "", &st) < 0);

	make_elf();
	put_le16(img + 42, 8);						/* phentsize too small */
	CHECK(load(&m, img, sizeof(img), NULL, 0, "", &st) < 0);

	make_elf();
	put_le16(img + 44, 0);						/* nothing to load */
	CHECK(load(&m, img, sizeof(img), NULL, 0, "", &st) < 0);

	make_elf();
	put_le16(img + 18, 62);			/* ELF32 claiming x86-64, no kludge */
	CHECK(load(&m, img, sizeof(img), NULL, 0, "", &st) < 0);

	/* ELF image truncated right after its program headers */
	make_elf();
	CHECK(load(&m, img, 0x1008, NULL, 0, "", &st) < 0);
	mem_destroy(&m);
}

TEST(initrd_and_cmdline_limits)
{
	struct guest_mem m;
	struct cpu_state st;
	static char big[0x10000];
	make_elf();
	CHECK_EQ(mem_init(&m, 16ULL << 20), 0);
	/* initrd bigger than RAM: no write happens, no crash (the data is never read) */
	CHECK(load(&m, img, sizeof(img), big, (size_t)1 << 40, "", &st) < 0);
	CHECK(strstr(err, "initrd"));
	CHECK_EQ(load(&m, img, sizeof(img), big, sizeof(big), "", &st), 0);
	/* 12 MiB fits in 16 MiB RAM, but not above a kernel that ends past 4 MiB */
	{
		size_t len = 12u << 20;
		uint8_t *p = calloc(1, len);
		CHECK(p);
		CHECK(load(&m, img, sizeof(img), p, len, "", &st) < 0);
		CHECK(strstr(err, "initrd"));
		free(p);
	}
	memset(big, 'a', sizeof(big) - 1);
	CHECK_EQ(load(&m, img, sizeof(img), NULL, 0, big, &st), -E2BIG);
	mem_destroy(&m);
}

/* Random byte flips over a valid image: every outcome is fine except a crash. */
TEST(mutations_do_not_crash)
{
	struct guest_mem m;
	struct cpu_state st;
	uint32_t x = 12345;
	int ok = 0;
	CHECK_EQ(mem_init(&m, 16ULL << 20), 0);
	for (int it = 0; it < 3000; it++) {
		make_elf();
		for (int j = 0; j < 4; j++) {
			x = x * 1103515245 + 12345;
			/* mostly the ELF and multiboot headers */
			uint32_t off = (x >> 8) % ((j & 1) ? 128 : 0x1010);
			img[off] = (uint8_t)(x >> 24);
		}
		if (load(&m, img, sizeof(img), "x", 1, "a", &st) == 0)
			ok++;
	}
	CHECK(ok > 0);		/* some survive: the mutator is not just breaking magic */
	mem_destroy(&m);
}

/* The kvm-unit-tests images beside the project, when present (see shared/kvm-unit-tests). */
TEST(real_kut_images)
{
	static const char *const names[] = { "realmode.flat", "sieve.flat", "apic.flat" };
	struct guest_mem m;
	CHECK_EQ(mem_init(&m, 128ULL << 20), 0);
	for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		char path[256];
		struct cpu_state st;
		static uint8_t buf[1 << 20];
		size_t len;
		FILE *f;
		snprintf(path, sizeof(path), "/work/shared/kvm-unit-tests/%s", names[i]);
		f = fopen(path, "rb");
		if (!f)
			continue;
		len = fread(buf, 1, sizeof(buf), f);
		fclose(f);
		CHECK_EQ(boot_detect(buf, len), KERNEL_MULTIBOOT);
		CHECK_EQ(load(&m, buf, len, "A=1\n", 4, "x", &st), 0);
		CHECK_EQ(st.rip, get_le32(buf + 24));
	}
	mem_destroy(&m);
}

TEST_MAIN_BEGIN("multiboot")
	RUN(elf_entry_state_and_info);
	RUN(no_initrd_no_cmdline);
	RUN(aout_kludge);
	RUN(header_search);
	RUN(hostile_images);
	RUN(initrd_and_cmdline_limits);
	RUN(mutations_do_not_crash);
	RUN(real_kut_images);
TEST_MAIN_END()

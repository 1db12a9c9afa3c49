/*
 * libFuzzer harness for the emulated PC devices a guest talks to through
 * ports, MMIO registers and DMA: PIIX3 IDE (ATA disk, two ATAPI CD-ROMs,
 * bus-master DMA), e1000, std-vga with VBE, the i8042 with its PS/2
 * keyboard and mouse, and i440FX PAM shadowing, alone or all on one
 * board.  Each input builds its devices afresh on a fresh 2 MiB guest, so
 * a crash reproduces from its input alone.  Anything but a clean return, a hang (-timeout) or memory
 * growth (-rss_limit_mb) is a bug.  HVM_FUZZ_DEV=n in the environment
 * keeps a run on device n (other inputs are rejected, so what it finds
 * reproduces without the variable).
 *
 * Input:
 *   byte 0        device (bits 5:0 modulo the number of devices:
 *                 0 IDE, 1 e1000, 2 VGA, 3 i8042, 4 PAM, 5 all of them
 *                 on one guest: DMA into each other's BARs, ROM and
 *                 framebuffer BARs over PAM segments);
 *                 bit 6: IDE images on worker threads, as hvm runs
 *                 them, so a drive is BSY until the harness completes
 *                 its request (clock operations, and before teardown);
 *                 and every frame the e1000 sends comes straight back in,
 *                 from inside transmit, as slirp answers;
 *                 bit 7: start with the PCI command register on (I/O,
 *                 memory, bus master) and the BARs placed, as firmware
 *                 leaves them, so short inputs get past the enables
 *   bytes 1-2     n, little endian: the next n bytes (as many as there
 *                 are) become guest RAM from gpa 0 (rings, PRD tables,
 *                 descriptors, packets)
 *   the rest      operations, each an opcode byte and its arguments
 *                 (missing argument bytes read as 0), see run_op()
 */
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "core/bus.h"
#include "core/display.h"
#include "core/mem.h"
#include "dev/e1000.h"
#include "dev/i8042.h"
#include "dev/ide.h"
#include "dev/ide_bmdma.h"
#include "dev/pam.h"
#include "dev/pci.h"
#include "dev/piix_ide.h"
#include "dev/vga.h"
#include "fake/fake.h"
#include "host/blk.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/*
 * Built with -fsanitize=memory instead of address: whatever the guest can
 * read (register values, guest RAM after DMA) must not hold host bytes
 * nobody initialised.
 */
#if defined(__has_feature)
#if __has_feature(memory_sanitizer)
#include <sanitizer/msan_interface.h>
#define guest_sees(p, n) __msan_check_mem_is_initialized((p), (n))
#endif
#endif
#ifndef guest_sees
#define guest_sees(p, n) ((void)(p), (void)(n))
#endif

#define RAM_SIZE	(2ULL << 20)
#define RAM_CHUNK_MAX	0x10000u
#define MAX_OPS		512
#define DISK_SECTORS	256		/* 128 KiB: one full IDE_BUF_SIZE DMA chunk */
#define CD_BLOCKS	2048		/* 4 MiB, sparse */

enum { DEV_IDE, DEV_E1000, DEV_VGA, DEV_I8042, DEV_PAM, DEV_BOARD, NR_DEVS };

/* The input, consumed front to back; reads past the end give zeros. */
struct in {
	const uint8_t *p;
	size_t left;
};

static uint8_t in_u8(struct in *in)
{
	if (!in->left)
		return 0;
	in->left--;
	return *in->p++;
}

static uint16_t in_u16(struct in *in)
{
	uint16_t lo = in_u8(in);
	return (uint16_t)(lo | in_u8(in) << 8);
}

static uint32_t in_u32(struct in *in)
{
	uint32_t lo = in_u16(in);
	return lo | (uint32_t)in_u16(in) << 16;
}

/* A value for an access of size bytes: 8-byte accesses take 8 bytes of input. */
static uint64_t in_val(struct in *in, unsigned size)
{
	uint64_t lo = in_u32(in);
	return size == 8 ? lo | (uint64_t)in_u32(in) << 32 : lo;
}

/* Up to len bytes of the input into buf, the rest zero. */
static void in_bytes(struct in *in, void *buf, size_t len)
{
	size_t n = len < in->left ? len : in->left;
	memcpy(buf, in->p, n);
	memset((uint8_t *)buf + n, 0, len - n);
	in->p += n;
	in->left -= n;
}

/* A register window the guest reaches: ops at offsets [0, len). */
struct region {
	const struct io_ops *ops;
	void *opaque;
	uint64_t len;
};

#define MAX_REGIONS 16

/* One device under test and what surrounds it. */
struct rig {
	int dev;
	int async;			/* IDE images on worker threads */
	struct guest_mem mem;
	struct bus pio, mmio;
	struct pci_bus pci;
	struct fake_irq irq;
	struct fake_clock clk;
	struct fake_vmctl vmctl;
	struct pci_dev *pdev;		/* the function whose config space ops reach */
	struct pci_dev *pdevs[4];	/* DEV_BOARD: all of them */
	int nr_pdev;
	struct region reg[MAX_REGIONS];
	int nr_reg;

	struct piix_ide *ide;
	struct e1000 *e1000;
	struct vga *vga;
	struct fb fb;
	struct i8042 *kbc;
	struct pam pam;
	uint8_t pam_regs[I440FX_PAM_NR_REGS];
	struct pci_dev pam_host;	/* stands in for the i440FX: PAM0-6 in its config */
};

static void add_region(struct rig *r, const struct io_ops *ops, void *opaque, uint64_t len)
{
	if (r->nr_reg < MAX_REGIONS)
		r->reg[r->nr_reg++] = (struct region){ ops, opaque, len };
}

/* ---- backing images, opened once ---- */

/* [0]: requests complete inside the access; [1]: on a worker thread */
static struct blk *disk[2], *cd[2];
static int disk_fd[2] = { -1, -1 };
static uint8_t disk_img[DISK_SECTORS * IDE_SECTOR];

static struct blk *open_image(int cdrom, int async, int *fd_out)
{
	char path[] = "/tmp/hvm-fuzz-dev-XXXXXX", err[128];
	struct blk *b;
	int fd = mkstemp(path);

	if (fd < 0)
		abort();
	if (cdrom ? ftruncate(fd, (off_t)CD_BLOCKS * ATAPI_BLOCK) ||
		    pwrite(fd, disk_img, sizeof(disk_img), 16 * ATAPI_BLOCK) != (ssize_t)sizeof(disk_img)
		  : pwrite(fd, disk_img, sizeof(disk_img), 0) != (ssize_t)sizeof(disk_img))
		abort();
	if (blk_open(&b, path, cdrom, err, sizeof(err)) || (async && blk_attach(b, NULL, 1))) {
		fprintf(stderr, "fuzz_devices: %s\n", err);
		abort();
	}
	unlink(path);
	if (fd_out)
		*fd_out = fd;
	else
		close(fd);
	return b;
}

static void open_images(void)
{
	for (size_t i = 0; i < sizeof(disk_img); i++)
		disk_img[i] = (uint8_t)(i * 7 + (i >> 9));
	for (int a = 0; a < 2; a++) {
		disk[a] = open_image(0, a, &disk_fd[a]);
		cd[a] = open_image(1, a, NULL);
	}
}

/* Guest writes to the disk are undone before each input, for reproducible runs. */
static void reset_disk(int async)
{
	if (pwrite(disk_fd[async], disk_img, sizeof(disk_img), 0) != (ssize_t)sizeof(disk_img))
		abort();
}

/* ---- devices ---- */

/* Firmware-like start: BARs placed, decoding and bus mastering on. */
static void pci_preset(struct pci_dev *d, const uint32_t bars[PCI_NUM_BARS])
{
	for (int i = 0; i < PCI_NUM_BARS; i++)
		if (bars[i])
			pci_cfg_write(d, PCI_BAR0 + 4 * i, 4, bars[i]);
	pci_cfg_write(d, PCI_COMMAND, 2,
		      PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
}

static void tx_sink(void *opaque, const void *frame, size_t len)
{
	struct rig *r = opaque;
	/* Read every byte, so a frame outside its buffer shows under ASan. */
	volatile uint8_t sum = 0;
	for (size_t i = 0; i < len; i++)
		sum += ((const uint8_t *)frame)[i];
	(void)sum;
	/* A backend that answers from inside transmit, as slirp does (ARP, ICMP). */
	if (r->async)
		e1000_receive(r->e1000, frame, len);
}

static void pam_cfg_write(struct pci_dev *d, unsigned off, unsigned size, uint32_t val)
{
	struct rig *r = d->opaque;
	(void)off; (void)size; (void)val;
	memcpy(r->pam_regs, &d->cfg[I440FX_PAM0], I440FX_PAM_NR_REGS);
	pam_update(&r->pam, r->pam_regs);
}

static int add_dev(struct rig *r, int dev, int preset, int async)
{
	static const uint8_t mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
	static uint8_t rom[0x8000];	/* the VGA BIOS: 32 KiB, a 32 KiB ROM BAR */
	char err[128];

	r->pdev = NULL;
	switch (dev) {
	case DEV_IDE: {
		static const uint32_t bars[PCI_NUM_BARS] = { [PIIX_IDE_BAR] = 0xc040 };
		struct piix_ide *p = calloc(1, sizeof(*p));
		if (!p)
			return -1;
		r->ide = p;
		if (piix_ide_init(p, &r->pci, &r->pio, &r->mem, &r->irq.line[14],
				  &r->irq.line[15], err, sizeof(err)))
			return -1;
		reset_disk(async);
		if (ide_attach(&p->ch[0], 0, disk[async], 0, "FUZZ-HD") ||
		    ide_attach(&p->ch[0], 1, cd[async], 1, "FUZZ-CD0") ||
		    ide_attach(&p->ch[1], 0, cd[async], 1, "FUZZ-CD1"))
			return -1;
		r->pdev = &p->pci;
		add_region(r, &ide_cmd_ops, &p->ch[0], 8);
		add_region(r, &ide_ctl_ops, &p->ch[0], 1);
		add_region(r, &ide_cmd_ops, &p->ch[1], 8);
		add_region(r, &ide_ctl_ops, &p->ch[1], 1);
		add_region(r, &ide_bmdma_ops, &p->bm[0], BM_PORTS);
		add_region(r, &ide_bmdma_ops, &p->bm[1], BM_PORTS);
		if (preset)
			pci_preset(r->pdev, bars);
		break;
	}
	case DEV_E1000: {
		static const uint32_t bars[PCI_NUM_BARS] = { 0xfebc0000, 0xc000 };
		r->e1000 = e1000_new(&r->mem, mac, tx_sink, r, &r->mmio, &r->pio, &r->clk.c);
		if (!r->e1000)
			return -1;
		e1000_set_intx(r->e1000, &r->irq.line[11]);
		r->pdev = e1000_pci(r->e1000);
		add_region(r, &e1000_mmio_ops, r->e1000, E1000_MMIO_SIZE);
		add_region(r, &e1000_io_ops, r->e1000, E1000_IO_SIZE);
		if (preset)
			pci_preset(r->pdev, bars);
		break;
	}
	case DEV_VGA: {
		static const uint32_t bars[PCI_NUM_BARS] = { 0xfd000000, 0, 0xfebf0000 };
		if (rom[0] != 0x55) {
			for (size_t i = 0; i < sizeof(rom); i++)
				rom[i] = (uint8_t)(i * 13 + (i >> 11));
			rom[0] = 0x55;
			rom[1] = 0xaa;
		}
		r->vga = vga_new(&r->mem, &r->mmio, rom, sizeof(rom));
		if (!r->vga)
			return -1;
		r->pdev = &r->vga->pci;
		add_region(r, &vga_port_ops, r->vga, VGA_PORT_LEN);
		add_region(r, &vga_vbe_ops, r->vga, VBE_PORT_LEN);
		add_region(r, &vga_mem_ops, r->vga, VGA_MEM_LEN);
		add_region(r, &vga_mmio_ops, r->vga, VGA_MMIO_SIZE);
		bus_add(&r->pio, VGA_PORT_BASE, VGA_PORT_LEN, &vga_port_ops, r->vga);
		bus_add(&r->pio, VBE_PORT_BASE, VBE_PORT_LEN, &vga_vbe_ops, r->vga);
		bus_add(&r->mmio, VGA_MEM_BASE, VGA_MEM_LEN, &vga_mem_ops, r->vga);
		if (preset) {
			pci_preset(r->pdev, bars);
			vga_post_state(r->vga);
		}
		break;
	}
	case DEV_I8042:
		r->kbc = i8042_new(&r->vmctl.ctl, &r->irq.line[1], &r->irq.line[12]);
		if (!r->kbc)
			return -1;
		i8042_set_a20_line(r->kbc, &r->irq.line[20]);
		add_region(r, &i8042_data_ops, r->kbc, 1);
		add_region(r, &i8042_cmd_ops, r->kbc, 1);
		bus_add(&r->pio, 0x60, 1, &i8042_data_ops, r->kbc);
		bus_add(&r->pio, 0x64, 1, &i8042_cmd_ops, r->kbc);
		break;
	case DEV_PAM: {
		/* the flash is read-only: a write that reaches it faults */
		static uint8_t *flash;
		if (!flash) {
			flash = mmap(NULL, PAM_ROM_MAX, PROT_READ | PROT_WRITE,
				     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			if (flash == MAP_FAILED)
				abort();
			for (size_t i = 0; i < PAM_ROM_MAX; i++)
				flash[i] = (uint8_t)(0xa0 ^ (i >> 12));
			mprotect(flash, PAM_ROM_MAX, PROT_READ);
		}
		if (preset ? pam_init(&r->pam, &r->mem, flash + 0x10000, 0x10000)
			   : pam_init(&r->pam, &r->mem, flash, PAM_ROM_MAX))
			return -1;
		pci_dev_init(&r->pam_host, "i440fx", 0x8086, 0x1237, 0x060000, 2);
		r->pam_host.wmask[I440FX_PAM0] = 0x30;
		memset(r->pam_host.wmask + I440FX_PAM0 + 1, 0x33, I440FX_PAM_NR_REGS - 1);
		r->pam_host.opaque = r;
		r->pam_host.cfg_write = pam_cfg_write;
		r->pdev = &r->pam_host;
		add_region(r, &pam_mmio_ops, &r->pam, PAM_END - PAM_START);
		bus_add(&r->mmio, PAM_START, PAM_END - PAM_START, &pam_mmio_ops, &r->pam);
		break;
	}
	}
	if (r->pdev && r->nr_pdev < 4)
		r->pdevs[r->nr_pdev++] = r->pdev;
	return 0;
}

static int rig_init(struct rig *r, int dev, int preset, int async)
{
	/* the board: PAM first, while the RAM below 1 MiB is still one region */
	static const int board[] = { DEV_PAM, DEV_IDE, DEV_E1000, DEV_VGA, DEV_I8042 };

	r->dev = dev;
	r->async = async;
	if (mem_init(&r->mem, RAM_SIZE))
		return -1;
	bus_init(&r->pio, "pio");
	bus_init(&r->mmio, "mmio");
	pci_bus_init(&r->pci);
	fake_irq_init(&r->irq);
	fake_clock_init(&r->clk, 0);
	fake_vmctl_init(&r->vmctl);
	if (dev != DEV_BOARD)
		return add_dev(r, dev, preset, async);
	for (unsigned i = 0; i < sizeof(board) / sizeof(board[0]); i++)
		if (add_dev(r, board[i], preset, async))
			return -1;
	return 0;
}

/* Drives of r whose image is b and that wait for a request. */
static unsigned busy_on(struct rig *r, struct blk *b)
{
	unsigned n = 0;
	for (int c = 0; c < 2; c++)
		for (int u = 0; u < 2; u++) {
			struct ide_drive *d = &r->ide->ch[c].drive[u];
			n += d->present && d->blk == b && d->busy;
		}
	return n;
}

/*
 * Let every request in flight finish, then run their completions (which
 * may queue the next ones), as the event loop would.  A drive that stays
 * BSY with nothing in flight would be stuck for good: a bug.
 */
static void ide_complete(struct rig *r)
{
	struct blk *bs[2] = { disk[1], cd[1] };

	if (!r->ide || !r->async)
		return;
	for (int i = 0; i < 2; i++) {
		unsigned want = busy_on(r, bs[i]);
		uint64_t got = 0, n;
		struct pollfd pfd = { .fd = blk_completion_fd(bs[i]), .events = POLLIN };

		while (got < want) {
			if (poll(&pfd, 1, 3000) != 1) {
				fprintf(stderr, "fuzz_devices: drive BSY with no request in flight\n");
				abort();
			}
			if (read(pfd.fd, &n, sizeof(n)) == (ssize_t)sizeof(n))
				got += n;
		}
		if (want)
			blk_complete(bs[i]);
	}
}

static void rig_free(struct rig *r)
{
	if (r->ide) {
		/* requests in flight point into the drives' buffers */
		for (int i = 0; i < 100000 && (busy_on(r, disk[1]) || busy_on(r, cd[1])); i++)
			ide_complete(r);
		if (busy_on(r, disk[1]) || busy_on(r, cd[1]))
			abort();
		piix_ide_free(r->ide);
		free(r->ide);
	}
	e1000_free(r->e1000);
	vga_free(r->vga);
	fb_free(&r->fb);
	if (r->kbc)
		i8042_free(r->kbc);
	bus_destroy(&r->pio);
	bus_destroy(&r->mmio);
	mem_destroy(&r->mem);
}

/* ---- operations ---- */

static const unsigned sizes[4] = { 1, 2, 4, 8 };

/* A guest CPU access to guest-physical memory, as an engine makes it. */
static void cpu_mem(struct rig *r, uint64_t gpa, unsigned size, int write, uint64_t val)
{
	const struct mem_region *mr = mem_find(&r->mem, gpa);
	uint64_t v;

	if (write) {
		if (mr && !(mr->flags & MEM_F_READONLY) && !gpa_write(&r->mem, gpa, &val, size))
			return;
		if (!mr || !(mr->flags & MEM_F_READONLY))
			bus_write(&r->mmio, gpa, size, val);
	} else {
		if (!gpa_read(&r->mem, gpa, &val, size))
			return;
		bus_read(&r->mmio, gpa, size, &v);
		guest_sees(&v, sizeof(v));
	}
}

static void dev_event(struct rig *r, struct in *in)
{
	static uint8_t frame[E1000_MAX_FRAME + 64];
	int dev = r->dev == DEV_BOARD ? in_u8(in) % DEV_BOARD : r->dev;
	uint8_t sub = in_u8(in);

	switch (dev) {
	case DEV_IDE:
		if (sub & 1)
			pci_dev_reset(&r->ide->pci);
		else
			ide_channel_reset(&r->ide->ch[(sub >> 1) & 1]);
		break;
	case DEV_E1000:
		if (sub == 0xff) {
			pci_dev_reset(e1000_pci(r->e1000));
		} else {
			size_t len = in_u16(in) % sizeof(frame);
			in_bytes(in, frame, len);
			e1000_receive(r->e1000, frame, len);
		}
		break;
	case DEV_VGA:
		switch (sub % 6) {
		case 0:
		case 1:
			vga_render(r->vga, &r->fb);
			break;
		case 2: {
			/* exactly the size asked for, so ASan sees one byte too far */
			size_t len = in_u16(in) % 8192;
			char *buf = malloc(len ? len : 1);
			if (buf) {
				vga_text(r->vga, buf, len);
				free(buf);
			}
			break;
		}
		case 3:
			vga_post_state(r->vga);
			break;
		case 4: {
			size_t len = in_u16(in);
			uint8_t *rom = malloc(len ? len : 1);
			if (rom) {
				in_bytes(in, rom, len);
				vga_set_font_from_rom(r->vga, rom, len);
				free(rom);
			}
			break;
		}
		case 5:
			pci_dev_reset(&r->vga->pci);
			break;
		}
		break;
	case DEV_I8042:
		switch (sub % 4) {
		case 0:
			i8042_key(r->kbc, in_u8(in), sub & 0x80);
			break;
		case 1:
			i8042_key(r->kbc, 0xe000 | in_u8(in), sub & 0x80);
			break;
		case 2:
			i8042_key(r->kbc, in_u32(in), sub & 0x80);
			break;
		case 3: {
			/* small moves mostly, host-sized ones when bit 7 says so */
			int dx, dy, dz;
			if (sub & 0x80) {
				dx = (int32_t)in_u32(in);
				dy = (int32_t)in_u32(in);
				dz = (int32_t)in_u32(in);
			} else {
				dx = (int8_t)in_u8(in);
				dy = (int8_t)in_u8(in);
				dz = (int8_t)in_u8(in);
			}
			i8042_mouse(r->kbc, dx, dy, dz, in_u8(in));
			break;
		}
		}
		if (sub == 0x7f)
			i8042_data_ops.reset(r->kbc);
		break;
	case DEV_PAM: {
		uint8_t regs[I440FX_PAM_NR_REGS];
		in_bytes(in, regs, sizeof(regs));
		pam_update(&r->pam, regs);
		break;
	}
	}
}

/*
 * One operation.  Opcode bits 2:0 the kind, 4:3 the access size (1, 2, 4, 8),
 * 7:5 kind-specific.
 *   0 write   region, offset (le32, modulo its length), value (le32, le64
 *             for 8-byte accesses)
 *   1 read    region, offset
 *   2 PCI     config write (bit 5 clear) or read: offset byte, (board: a
 *             function byte), value le32
 *   3 clock   advance le32 << (bits 7:5 * 3) ns, firing timers; IDE
 *             requests in flight complete
 *   4 repeat  region, offset, count byte: (count + 1) * 8 reads (bits 6:5
 *             00) or writes of value le32 (bit 5 set) (PIO data phases);
 *             bits 6:5 10: count + 1 writes of values that follow in the
 *             input (ATAPI packets, EEPROM bit-banging)
 *   5 event   device-specific host event (dev_event; board: a device byte first)
 *   6 RAM     patch guest RAM: gpa le16 << (bits 7:5 * 2), length byte, bytes
 *   7 bus     access through the buses at le32 address as a CPU would
 *             (bit 5: write, bit 6: port I/O, else memory/MMIO)
 */
static void run_op(struct rig *r, struct in *in)
{
	uint8_t op = in_u8(in);
	unsigned size = sizes[(op >> 3) & 3];
	const struct region *g;
	uint64_t off, v, val;

	switch (op & 7) {
	case 0:
	case 1:
	case 4: {
		g = &r->reg[in_u8(in) % r->nr_reg];
		off = in_u32(in) % g->len;
		if ((op & 7) == 1) {
			v = g->ops->read(g->opaque, off, size);
			guest_sees(&v, sizeof(v));
			break;
		}
		if ((op & 7) == 0) {
			val = in_val(in, size);
			g->ops->write(g->opaque, off, size, val);
			break;
		}
		if ((op & 0x60) == 0x40) {	/* a stream of values from the input */
			unsigned n = in_u8(in) + 1u;
			for (unsigned i = 0; i < n && in->left; i++) {
				val = size == 1 ? in_u8(in) : size == 2 ? in_u16(in) : in_val(in, size);
				g->ops->write(g->opaque, off, size, val);
			}
			break;
		}
		unsigned n = (in_u8(in) + 1u) * 8;
		int write = op & 0x20;
		val = write ? in_val(in, size) : 0;
		for (unsigned i = 0; i < n; i++) {
			if (write)
				g->ops->write(g->opaque, off, size, val);
			else
				v = g->ops->read(g->opaque, off, size);
		}
		if (!write)
			guest_sees(&v, sizeof(v));
		break;
	}
	case 2: {
		unsigned reg = in_u8(in);
		struct pci_dev *pd = r->pdev;
		if (r->dev == DEV_BOARD)
			pd = r->pdevs[in_u8(in) % r->nr_pdev];
		if (!pd)		/* the i8042 is an ISA device */
			break;
		if (op & 0x20) {
			uint32_t c = pci_cfg_read(pd, reg, size);
			guest_sees(&c, sizeof(c));
		} else {
			pci_cfg_write(pd, reg, size, in_u32(in));	/* cuts size to 4 */
		}
		break;
	}
	case 3:
		fake_clock_advance(&r->clk, (uint64_t)in_u32(in) << (((op >> 5) & 7) * 3));
		ide_complete(r);
		break;
	case 5:
		dev_event(r, in);
		break;
	case 6: {
		uint64_t gpa = (uint64_t)in_u16(in) << (((op >> 5) & 7) * 2);
		uint8_t buf[256];
		size_t len = in_u8(in);
		in_bytes(in, buf, len);
		gpa_write(&r->mem, gpa, buf, len);
		break;
	}
	case 7: {
		uint32_t addr = in_u32(in);
		int write = op & 0x20;
		val = write ? in_val(in, size) : 0;
		if (op & 0x40) {
			if (write) {
				bus_write(&r->pio, addr & 0xffff, size, val);
			} else {
				bus_read(&r->pio, addr & 0xffff, size, &v);
				guest_sees(&v, sizeof(v));
			}
		} else {
			cpu_mem(r, addr, size, write, val);
		}
		break;
	}
	}
}

static int only_dev = -1;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *s = getenv("HVM_FUZZ_DEV");
	(void)argc; (void)argv;
	if (s && *s)
		only_dev = atoi(s) % NR_DEVS;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct rig r;
	struct in in = { data, size };
	uint8_t sel;
	size_t n;

	if (!disk[0])
		open_images();
	if (size < 1)
		return 0;
	sel = in_u8(&in);
	if (only_dev >= 0 && (sel & 0x3f) % NR_DEVS != only_dev)
		return -1;
	memset(&r, 0, sizeof(r));
	if (rig_init(&r, (sel & 0x3f) % NR_DEVS, sel & 0x80, !!(sel & 0x40))) {
		rig_free(&r);
		return 0;
	}

	n = in_u16(&in) % (RAM_CHUNK_MAX + 1);
	if (n > in.left)
		n = in.left;
	gpa_write(&r.mem, 0, in.p, n);
	in.p += n;
	in.left -= n;

	for (int i = 0; i < MAX_OPS && in.left; i++)
		run_op(&r, &in);
	/* what a front end would show at the end */
	if (r.vga)
		vga_render(r.vga, &r.fb);
	guest_sees(r.mem.low_host, r.mem.low_end);
	rig_free(&r);
	return 0;
}

/*
 * PCI bus 0 with configuration mechanism #1 (PCI Local Bus spec 3.0, 3.2.2.3.2)
 * and type-0 configuration headers (chapter 6).
 *
 * A device embeds a struct pci_dev, fills it with pci_dev_init(), registers
 * BARs and capabilities, then joins a bus with pci_bus_add().  Config space is
 * usable without a bus (pci_cfg_read/pci_cfg_write) for unit tests.
 * Map pci_host_ops at PORT_PCI_CONFIG_ADDR with len PCI_HOST_LEN (0xcf8-0xcff).
 */
#ifndef HVM_DEV_PCI_H
#define HVM_DEV_PCI_H

#include <stddef.h>
#include <stdint.h>

#include "core/bus.h"

#define PCI_HOST_LEN		8
#define PCI_CFG_SIZE		256
#define PCI_NUM_BARS		6
#define PCI_MAX_DEVFN		256	/* bus 0 only: 32 devices x 8 functions */
#define PCI_DEVFN(dev, fn)	((((dev) & 0x1f) << 3) | ((fn) & 7))

/* Header registers */
#define PCI_VENDOR_ID		0x00
#define PCI_DEVICE_ID		0x02
#define PCI_COMMAND		0x04
#define  PCI_COMMAND_IO		0x0001
#define  PCI_COMMAND_MEMORY	0x0002
#define  PCI_COMMAND_MASTER	0x0004
#define  PCI_COMMAND_INTX_DISABLE 0x0400
#define PCI_STATUS		0x06
#define  PCI_STATUS_INTERRUPT	0x0008
#define  PCI_STATUS_CAP_LIST	0x0010
#define PCI_REVISION_ID		0x08
#define PCI_CLASS_PROG		0x09
#define PCI_CLASS_DEVICE	0x0a
#define PCI_CACHE_LINE_SIZE	0x0c
#define PCI_LATENCY_TIMER	0x0d
#define PCI_HEADER_TYPE		0x0e
#define  PCI_HEADER_TYPE_MULTI	0x80
#define PCI_BAR0		0x10
#define PCI_SUBSYSTEM_VENDOR_ID	0x2c
#define PCI_SUBSYSTEM_ID	0x2e
#define PCI_ROM_ADDRESS		0x30
#define  PCI_ROM_ENABLE		0x1
#define  PCI_ROM_ADDR_MASK	0xfffff800u
#define PCI_CAPABILITY_LIST	0x34
#define PCI_INTERRUPT_LINE	0x3c
#define PCI_INTERRUPT_PIN	0x3d

/* BAR types (the low bits the BAR reads back with) */
#define PCI_BAR_IO		0x1
#define PCI_BAR_MEM32		0x0
#define PCI_BAR_MEM64		0x4
#define PCI_BAR_PREFETCH	0x8	/* or'ed with MEM32/MEM64 */

#define PCI_BAR_UNMAPPED	(~0ULL)
#define PCI_ROM_BAR		PCI_NUM_BARS	/* on_bar_change's n for the expansion ROM */

struct pci_dev;
struct guest_mem;

struct pci_bar {
	uint64_t size;		/* 0: not implemented */
	unsigned type;		/* PCI_BAR_* */
	uint64_t addr;		/* where it decodes now, or PCI_BAR_UNMAPPED */
};

struct pci_dev {
	uint8_t cfg[PCI_CFG_SIZE];
	uint8_t wmask[PCI_CFG_SIZE];	/* bits the guest can write */
	uint8_t w1cmask[PCI_CFG_SIZE];	/* bits the guest clears by writing 1 */
	struct pci_bar bar[PCI_NUM_BARS];
	struct pci_bar rom;		/* expansion ROM BAR (size 0: none) */
	struct guest_mem *rom_mem;	/* where the ROM image is mapped read-only */
	uint8_t *rom_host;		/* the image, rom.size bytes */
	int rom_mapped;			/* rom_host is a region at rom.addr */
	uint8_t cap_end;		/* next free offset for a capability */
	int devfn;			/* -1 until on a bus */
	const char *name;

	/* Optional hooks, all with the device-model lock held. */
	/* Before a config read: refresh cfg[] bytes that live elsewhere. */
	void (*cfg_read)(struct pci_dev *d, unsigned off, unsigned size);
	/* After a config write has been applied to cfg[] (with masks). */
	void (*cfg_write)(struct pci_dev *d, unsigned off, unsigned size, uint32_t val);
	/* BAR n moved, or started/stopped decoding (addresses may be PCI_BAR_UNMAPPED). */
	void (*on_bar_change)(struct pci_dev *d, int n, uint64_t old_addr, uint64_t new_addr);
	/* On machine reset, after the generic reset (command/BARs/status cleared). */
	void (*reset)(struct pci_dev *d);
	void *opaque;			/* for the hooks */
};

/* class_code: 24-bit class << 16 | subclass << 8 | prog-if. */
void pci_dev_init(struct pci_dev *d, const char *name, uint16_t vendor, uint16_t device,
		  uint32_t class_code, uint8_t revision);
/* pin: 1 = INTA# .. 4 = INTD#, 0 = none. */
void pci_set_irq_pin(struct pci_dev *d, unsigned pin);
/*
 * Append a capability of `len` bytes (id + next pointer included) to the
 * list; returns its offset, or -ENOSPC / -EINVAL.  Sets status bit 4.  The
 * body is read-only until the caller sets wmask bits.
 */
int pci_add_capability(struct pci_dev *d, uint8_t id, unsigned len);
/*
 * Register BAR n (size a power of two; IO >= 4, memory >= 16).  A 64-bit BAR
 * also takes BAR n+1.  Returns 0 or -EINVAL.
 */
int pci_register_bar(struct pci_dev *d, int n, uint64_t size, unsigned type);
/* Where BAR n decodes now (command register enables it), or PCI_BAR_UNMAPPED. */
uint64_t pci_bar_address(const struct pci_dev *d, int n);
/*
 * Give the function an expansion ROM (config 0x30, PCI 3.0 6.2.5.2) holding a
 * copy of data[0..len): the BAR is len rounded up to a power of two, at
 * least 4 KiB.  While the guest enables it (ROM enable bit and Memory Space)
 * at an address in 32-bit space, the image is a read-only region of mem
 * there; pci_bar_address(d, PCI_ROM_BAR) says where.  0, -EINVAL or -ENOMEM.
 */
int pci_set_rom(struct pci_dev *d, struct guest_mem *mem, const void *data, size_t len);
/* Unmap and free the ROM image (no-op without one). */
void pci_free_rom(struct pci_dev *d);

/* Config access as the guest sees it (off < 256; size 1/2/4; crossing the end is cut). */
uint32_t pci_cfg_read(struct pci_dev *d, unsigned off, unsigned size);
void pci_cfg_write(struct pci_dev *d, unsigned off, unsigned size, uint32_t val);
/* Power-on state: command, status, BARs, interrupt line cleared; then d->reset. */
void pci_dev_reset(struct pci_dev *d);

struct pci_bus {
	struct pci_dev *dev[PCI_MAX_DEVFN];
	uint32_t config_addr;		/* 0xcf8 */
	/* Byte accesses to 0xcf9 (Reset Control Register) go here when set. */
	const struct io_ops *cf9_ops;
	void *cf9_opaque;
};

void pci_bus_init(struct pci_bus *b);
/* -EEXIST if the slot is taken, -EINVAL for a bad dev/fn. */
int pci_bus_add(struct pci_bus *b, struct pci_dev *d, unsigned dev, unsigned fn);
void pci_bus_set_cf9(struct pci_bus *b, const struct io_ops *ops, void *opaque);
struct pci_dev *pci_bus_find(const struct pci_bus *b, unsigned devfn);

/* opaque = struct pci_bus *; reset resets every device on the bus. */
extern const struct io_ops pci_host_ops;

#endif

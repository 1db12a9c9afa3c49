/* MSI-X capability: table/PBA layout, masking, pending bits, delivery through a fake. */
#include "test.h"
#include "dev/pci.h"
#include "dev/pci_msix.h"

struct msi_log {
	int count;
	uint64_t addr;
	uint32_t data;
};

static void fake_msi(void *opaque, uint64_t addr, uint32_t data)
{
	struct msi_log *l = opaque;
	l->count++;
	l->addr = addr;
	l->data = data;
}

static struct pci_dev dev;
static struct pci_msix mx;
static struct msi_log log_;

static void setup(unsigned nr)
{
	pci_msix_free(&mx);
	memset(&log_, 0, sizeof(log_));
	pci_dev_init(&dev, "t", 0x1af4, 0x1042, 0x018000, 1);
	CHECK_EQ(pci_register_bar(&dev, 1, 0x1000, PCI_BAR_MEM32), 0);
	CHECK_EQ(pci_msix_init(&mx, &dev, nr, 1, 0, 0x800, fake_msi, &log_), 0);
}

static void program(unsigned v, uint64_t addr, uint32_t data, int masked)
{
	pci_msix_table_write(&mx, v * 16 + 0, 4, (uint32_t)addr);
	pci_msix_table_write(&mx, v * 16 + 4, 4, (uint32_t)(addr >> 32));
	pci_msix_table_write(&mx, v * 16 + 8, 4, data);
	pci_msix_table_write(&mx, v * 16 + 12, 4, masked ? 1 : 0);
}

static void enable(int on, int maskall)
{
	uint16_t v = (on ? PCI_MSIX_FLAGS_ENABLE : 0) | (maskall ? PCI_MSIX_FLAGS_MASKALL : 0);
	pci_cfg_write(&dev, (unsigned)mx.cap + 2, 2, v);
	pci_msix_cfg_write(&mx, (unsigned)mx.cap + 2, 2);
}

TEST(capability_layout)
{
	setup(3);
	CHECK_EQ(dev.cfg[PCI_CAPABILITY_LIST], mx.cap);
	CHECK_EQ(pci_cfg_read(&dev, (unsigned)mx.cap, 1), PCI_CAP_ID_MSIX);
	/* Table size is N-1; table at offset 0 of BAR 1, PBA at 0x800 of BAR 1. */
	CHECK_EQ(pci_cfg_read(&dev, (unsigned)mx.cap + 2, 2) & 0x7ff, 2);
	CHECK_EQ(pci_cfg_read(&dev, (unsigned)mx.cap + 4, 4), 0x00000001);
	CHECK_EQ(pci_cfg_read(&dev, (unsigned)mx.cap + 8, 4), 0x00000801);
	/* The table size field is read-only. */
	pci_cfg_write(&dev, (unsigned)mx.cap + 2, 2, 0x07ff);
	CHECK_EQ(pci_cfg_read(&dev, (unsigned)mx.cap + 2, 2) & 0x7ff, 2);
	/* Entries start masked. */
	CHECK_EQ(pci_msix_table_read(&mx, 12, 4), 1);
	CHECK_EQ(pci_msix_table_read(&mx, 2 * 16 + 12, 4), 1);
}

TEST(bar_sizing)
{
	setup(2);
	pci_cfg_write(&dev, PCI_BAR0 + 4, 4, 0xffffffff);
	CHECK_EQ(pci_cfg_read(&dev, PCI_BAR0 + 4, 4), 0xfffff000);
}

TEST(delivery_and_masking)
{
	setup(4);
	program(1, 0xfee00000, 0x4041, 0);
	/* Not enabled: nothing sent, nothing pending. */
	pci_msix_notify(&mx, 1);
	CHECK_EQ(log_.count, 0);
	CHECK(!pci_msix_is_pending(&mx, 1));
	enable(1, 0);
	pci_msix_notify(&mx, 1);
	CHECK_EQ(log_.count, 1);
	CHECK_EQ(log_.addr, 0xfee00000);
	CHECK_EQ(log_.data, 0x4041);
	/* Vector masked: pending bit, delivered on unmask. */
	pci_msix_table_write(&mx, 16 + 12, 4, 1);
	pci_msix_notify(&mx, 1);
	CHECK_EQ(log_.count, 1);
	CHECK(pci_msix_is_pending(&mx, 1));
	CHECK_EQ(pci_msix_pba_read(&mx, 0, 8), 2);
	pci_msix_table_write(&mx, 16 + 12, 4, 0);
	CHECK_EQ(log_.count, 2);
	CHECK_EQ(pci_msix_pba_read(&mx, 0, 8), 0);
	/* Function mask: pending, sent when the function is unmasked. */
	enable(1, 1);
	pci_msix_notify(&mx, 1);
	CHECK_EQ(log_.count, 2);
	CHECK(pci_msix_is_pending(&mx, 1));
	enable(1, 0);
	CHECK_EQ(log_.count, 3);
	CHECK(!pci_msix_is_pending(&mx, 1));
}

TEST(hostile_accesses)
{
	setup(2);
	enable(1, 0);
	/* Beyond the table, vectors that do not exist, reserved control bits. */
	pci_msix_table_write(&mx, 0x7f8, 8, ~0ULL);
	CHECK_EQ(pci_msix_table_read(&mx, 0x7f8, 8), 0);
	pci_msix_notify(&mx, 2);
	pci_msix_notify(&mx, 0xffff);
	CHECK_EQ(log_.count, 0);
	pci_msix_table_write(&mx, 12, 4, 0xfffffffe);
	CHECK_EQ(pci_msix_table_read(&mx, 12, 4), 0);
	CHECK_EQ(pci_msix_pba_read(&mx, 0x100, 4), 0);
	/* A 64-bit write of the address pair lands in both dwords. */
	pci_msix_table_write(&mx, 16, 8, 0x00000001fee01000ULL);
	CHECK_EQ(pci_msix_table_read(&mx, 16, 4), 0xfee01000);
	CHECK_EQ(pci_msix_table_read(&mx, 20, 4), 1);
	CHECK(pci_msix_init(&mx, &dev, 0, 1, 0, 0x800, fake_msi, &log_) < 0);
}

TEST(reset_masks_everything)
{
	setup(2);
	program(0, 0xfee00000, 0x30, 0);
	enable(1, 0);
	pci_msix_table_write(&mx, 12, 4, 1);
	pci_msix_notify(&mx, 0);
	CHECK(pci_msix_is_pending(&mx, 0));
	pci_dev_reset(&dev);
	pci_msix_reset(&mx);
	CHECK(!pci_msix_enabled(&mx));
	CHECK(!pci_msix_is_pending(&mx, 0));
	CHECK_EQ(pci_msix_table_read(&mx, 12, 4), 1);
	CHECK_EQ(pci_msix_table_read(&mx, 0, 4), 0);
}

TEST_MAIN_BEGIN("test_pci_msix")
	RUN(capability_layout);
	RUN(bar_sizing);
	RUN(delivery_and_masking);
	RUN(hostile_accesses);
	RUN(reset_masks_everything);
	pci_msix_free(&mx);
TEST_MAIN_END()

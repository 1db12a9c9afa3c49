/*
 * virtio modern PCI transport: BAR sizing, the vendor capabilities, the
 * common configuration window (feature negotiation, queue setup), notify,
 * ISR/INTx, MSI-X vectors, BAR mapping on the bus when the guest moves it.
 */
#include "test.h"
#include "fake/fake.h"
#include "core/bus.h"
#include "core/mem.h"
#include "dev/virtio_pci.h"

static struct guest_mem mem;
static struct virtio_dev vd;
static struct virtio_pci vp;
static struct fake_irq irqs;
static struct bus mmio;
static int notified[VIRTIO_MAX_QUEUES];
static struct { int count; uint64_t addr; uint32_t data; } msi;

static void fake_msi(void *o, uint64_t addr, uint32_t data)
{
	(void)o;
	msi.count++;
	msi.addr = addr;
	msi.data = data;
}

static void qnotify(struct virtio_dev *d, unsigned q) { (void)d; notified[q]++; }
static uint64_t dcfg_read(struct virtio_dev *d, unsigned off, unsigned size)
{
	(void)d;
	return off == 0 && size == 4 ? 0xcafe1234 : 0;
}

static const struct virtio_dev_ops ops = { .queue_notify = qnotify, .cfg_read = dcfg_read };

static void setup(int with_msix)
{
	if (!mem.nr)
		CHECK_EQ(mem_init(&mem, 16 << 20), 0);
	memset(notified, 0, sizeof(notified));
	memset(&msi, 0, sizeof(msi));
	fake_irq_init(&irqs);
	bus_destroy(&mmio);
	bus_init(&mmio, "mmio");
	virtio_dev_init(&vd, &mem, 2, 1ULL << 9, 2, 64, &ops, NULL);
	virtio_pci_free(&vp);
	CHECK_EQ(virtio_pci_init(&vp, &vd, "vblk", 0x018000, 3, &mmio,
				 with_msix ? fake_msi : NULL, NULL), 0);
	vp.intx = irqs.line[11];
}

static uint64_t rd(uint64_t off, unsigned size) { return virtio_pci_bar_ops.read(&vp, off, size); }
static void wr(uint64_t off, unsigned size, uint64_t v) { virtio_pci_bar_ops.write(&vp, off, size, v); }

/* Capability of virtio cfg_type `type`: its config offset, or 0. */
static unsigned find_vcap(uint8_t type)
{
	unsigned p = pci_cfg_read(&vp.pci, PCI_CAPABILITY_LIST, 1);
	for (int n = 0; p && n < 48; n++) {
		if (pci_cfg_read(&vp.pci, p, 1) == 0x09 && pci_cfg_read(&vp.pci, p + 3, 1) == type)
			return p;
		p = pci_cfg_read(&vp.pci, p + 1, 1);
	}
	return 0;
}

TEST(ids_and_bar_sizing)
{
	setup(1);
	CHECK_EQ(pci_cfg_read(&vp.pci, PCI_VENDOR_ID, 2), 0x1af4);
	CHECK_EQ(pci_cfg_read(&vp.pci, PCI_DEVICE_ID, 2), 0x1042);
	CHECK_EQ(pci_cfg_read(&vp.pci, PCI_REVISION_ID, 1), 1);
	CHECK(pci_cfg_read(&vp.pci, PCI_SUBSYSTEM_ID, 2) >= 0x40);
	CHECK_EQ(pci_cfg_read(&vp.pci, PCI_INTERRUPT_PIN, 1), 1);
	/* BAR 4: 64-bit memory, 16 KiB; BAR 5 is its upper half. */
	CHECK_EQ(pci_cfg_read(&vp.pci, PCI_BAR0 + 16, 4), PCI_BAR_MEM64);
	pci_cfg_write(&vp.pci, PCI_BAR0 + 16, 4, 0xffffffff);
	pci_cfg_write(&vp.pci, PCI_BAR0 + 20, 4, 0xffffffff);
	CHECK_EQ(pci_cfg_read(&vp.pci, PCI_BAR0 + 16, 4), (uint32_t)~(VIRTIO_PCI_BAR_SIZE - 1) | 4);
	CHECK_EQ(pci_cfg_read(&vp.pci, PCI_BAR0 + 20, 4), 0xffffffff);
	/* BAR 1: MSI-X, 32-bit, 4 KiB. */
	pci_cfg_write(&vp.pci, PCI_BAR0 + 4, 4, 0xffffffff);
	CHECK_EQ(pci_cfg_read(&vp.pci, PCI_BAR0 + 4, 4), 0xfffff000);
	/* Unused BARs read 0 whatever is written. */
	pci_cfg_write(&vp.pci, PCI_BAR0, 4, 0xffffffff);
	CHECK_EQ(pci_cfg_read(&vp.pci, PCI_BAR0, 4), 0);
}

TEST(capabilities)
{
	static const struct { uint8_t type; uint32_t off; } want[] = {
		{ VIRTIO_PCI_CAP_COMMON_CFG, VIRTIO_PCI_COMMON }, { VIRTIO_PCI_CAP_ISR_CFG, VIRTIO_PCI_ISR },
		{ VIRTIO_PCI_CAP_DEVICE_CFG, VIRTIO_PCI_DEVCFG }, { VIRTIO_PCI_CAP_NOTIFY_CFG, VIRTIO_PCI_NOTIFY },
	};
	setup(1);
	CHECK(pci_cfg_read(&vp.pci, PCI_STATUS, 2) & PCI_STATUS_CAP_LIST);
	for (unsigned i = 0; i < 4; i++) {
		unsigned c = find_vcap(want[i].type);
		CHECK(c);
		CHECK_EQ(pci_cfg_read(&vp.pci, c + 4, 1), VIRTIO_PCI_BAR);
		CHECK_EQ(pci_cfg_read(&vp.pci, c + 8, 4), want[i].off);
		CHECK(pci_cfg_read(&vp.pci, c + 12, 4) > 0);
	}
	unsigned n = find_vcap(VIRTIO_PCI_CAP_NOTIFY_CFG);
	CHECK_EQ(pci_cfg_read(&vp.pci, n + 2, 1), 20);
	CHECK_EQ(pci_cfg_read(&vp.pci, n + 16, 4), VIRTIO_PCI_NOTIFY_MULT);
	CHECK(pci_cfg_read(&vp.pci, find_vcap(VIRTIO_PCI_CAP_COMMON_CFG) + 12, 4) >= 56);
}

/* The driver's initialisation sequence (3.1.1) through the common window. */
static void bring_up(unsigned q, uint64_t base)
{
	wr(VPCI_STATUS, 1, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	wr(VPCI_DFSELECT, 4, 0);
	uint32_t lo = (uint32_t)rd(VPCI_DF, 4);
	wr(VPCI_DFSELECT, 4, 1);
	uint32_t hi = (uint32_t)rd(VPCI_DF, 4);
	CHECK_EQ(hi & 1, 1);				/* VERSION_1 */
	wr(VPCI_GFSELECT, 4, 0);
	wr(VPCI_GF, 4, lo);
	wr(VPCI_GFSELECT, 4, 1);
	wr(VPCI_GF, 4, hi);
	wr(VPCI_STATUS, 1, rd(VPCI_STATUS, 1) | VIRTIO_STATUS_FEATURES_OK);
	CHECK(rd(VPCI_STATUS, 1) & VIRTIO_STATUS_FEATURES_OK);
	wr(VPCI_Q_SELECT, 2, q);
	CHECK_EQ(rd(VPCI_Q_SIZE, 2), 64);
	wr(VPCI_Q_SIZE, 2, 16);
	wr(VPCI_Q_DESC, 8, base);
	wr(VPCI_Q_AVAIL, 4, (uint32_t)(base + 0x1000));
	wr(VPCI_Q_AVAIL + 4, 4, 0);
	wr(VPCI_Q_USED, 8, base + 0x2000);
	wr(VPCI_Q_ENABLE, 2, 1);
	CHECK_EQ(rd(VPCI_Q_ENABLE, 2), 1);
	wr(VPCI_STATUS, 1, rd(VPCI_STATUS, 1) | VIRTIO_STATUS_DRIVER_OK);
}

TEST(common_config_and_notify)
{
	setup(1);
	CHECK_EQ(rd(VPCI_NUM_QUEUES, 2), 2);
	bring_up(1, 0x40000);
	CHECK(virtio_dev_running(&vd));
	CHECK_EQ(vd.vq[1].size, 16);
	CHECK_EQ(vd.vq[1].desc, 0x40000);
	CHECK_EQ(vd.vq[1].avail, 0x41000);
	CHECK_EQ(rd(VPCI_Q_DESC, 8), 0x40000);
	CHECK_EQ(rd(VPCI_Q_NOTIFY_OFF, 2), 1);
	/* Queue registers are frozen once enabled. */
	wr(VPCI_Q_DESC, 8, 0x80000);
	CHECK_EQ(vd.vq[1].desc, 0x40000);
	/* Notify for queue 1; queue 0 is not enabled and queue 7 does not exist. */
	wr(VIRTIO_PCI_NOTIFY + 1 * VIRTIO_PCI_NOTIFY_MULT, 2, 1);
	wr(VIRTIO_PCI_NOTIFY + 0 * VIRTIO_PCI_NOTIFY_MULT, 2, 0);
	wr(VIRTIO_PCI_NOTIFY + 7 * VIRTIO_PCI_NOTIFY_MULT, 2, 7);
	wr(VIRTIO_PCI_BAR_SIZE - 2, 2, 0);
	CHECK_EQ(notified[1], 1);
	CHECK_EQ(notified[0], 0);
	CHECK_EQ(rd(VIRTIO_PCI_DEVCFG, 4), 0xcafe1234);
	/* A non-existent queue reads size 0. */
	wr(VPCI_Q_SELECT, 2, 5);
	CHECK_EQ(rd(VPCI_Q_SIZE, 2), 0);
	wr(VPCI_Q_ENABLE, 2, 1);
	/* Driver features are frozen after FEATURES_OK. */
	wr(VPCI_GFSELECT, 4, 0);
	wr(VPCI_GF, 4, 0);
	CHECK(vd.guest_features != 0);
	/* Status 0 resets. */
	wr(VPCI_STATUS, 1, 0);
	CHECK_EQ(rd(VPCI_STATUS, 1), 0);
	CHECK_EQ(vd.vq[1].ready, 0);
}

TEST(bad_queue_enable)
{
	setup(1);
	wr(VPCI_STATUS, 1, VIRTIO_STATUS_ACKNOWLEDGE);
	wr(VPCI_Q_SELECT, 2, 0);
	wr(VPCI_Q_SIZE, 2, 48);				/* not a power of two */
	wr(VPCI_Q_DESC, 8, 0x40000);
	wr(VPCI_Q_AVAIL, 8, 0x41000);
	wr(VPCI_Q_USED, 8, 0x42000);
	wr(VPCI_Q_ENABLE, 2, 1);
	CHECK_EQ(rd(VPCI_Q_ENABLE, 2), 0);
	CHECK(rd(VPCI_STATUS, 1) & VIRTIO_STATUS_NEEDS_RESET);
	wr(VPCI_STATUS, 1, 0);
	wr(VPCI_Q_SELECT, 2, 0);
	wr(VPCI_Q_DESC, 8, 0xFFFFFFFFFFFFF000ULL);	/* outside RAM */
	wr(VPCI_Q_AVAIL, 8, 0x41000);
	wr(VPCI_Q_USED, 8, 0x42000);
	wr(VPCI_Q_ENABLE, 2, 1);
	CHECK_EQ(rd(VPCI_Q_ENABLE, 2), 0);
	CHECK(rd(VPCI_STATUS, 1) & VIRTIO_STATUS_NEEDS_RESET);
}

TEST(intx_and_isr)
{
	setup(0);
	bring_up(0, 0x40000);
	CHECK_EQ(irqs.level[11], 0);
	vd.irq_queue(&vd, 0);
	CHECK_EQ(irqs.level[11], 1);
	CHECK(pci_cfg_read(&vp.pci, PCI_STATUS, 2) & PCI_STATUS_INTERRUPT);
	/* INTx disable hides it, but status still shows it. */
	pci_cfg_write(&vp.pci, PCI_COMMAND, 2, PCI_COMMAND_INTX_DISABLE);
	CHECK_EQ(irqs.level[11], 0);
	CHECK(pci_cfg_read(&vp.pci, PCI_STATUS, 2) & PCI_STATUS_INTERRUPT);
	pci_cfg_write(&vp.pci, PCI_COMMAND, 2, 0);
	CHECK_EQ(irqs.level[11], 1);
	CHECK_EQ(rd(VIRTIO_PCI_ISR, 1), VIRTIO_ISR_QUEUE);
	CHECK_EQ(irqs.level[11], 0);
	CHECK_EQ(rd(VIRTIO_PCI_ISR, 1), 0);
	vd.irq_config(&vd);
	CHECK_EQ(rd(VIRTIO_PCI_ISR, 1), VIRTIO_ISR_CONFIG);
	/* Without MSI-X, vectors read back NO_VECTOR. */
	wr(VPCI_MSIX_CONFIG, 2, 0);
	CHECK_EQ(rd(VPCI_MSIX_CONFIG, 2), 0xffff);
}

TEST(msix_vectors)
{
	setup(1);
	bring_up(0, 0x40000);
	wr(VPCI_MSIX_CONFIG, 2, 2);
	CHECK_EQ(rd(VPCI_MSIX_CONFIG, 2), 2);
	wr(VPCI_Q_SELECT, 2, 0);
	wr(VPCI_Q_MSIX, 2, 1);
	CHECK_EQ(rd(VPCI_Q_MSIX, 2), 1);
	wr(VPCI_Q_MSIX, 2, 3);				/* only 3 vectors: refused */
	CHECK_EQ(rd(VPCI_Q_MSIX, 2), 0xffff);
	wr(VPCI_Q_MSIX, 2, 1);
	/* Program vector 1, enable MSI-X; a queue interrupt is a message, not INTx. */
	virtio_pci_msix_ops.write(&vp, 16, 4, 0xfee00000);
	virtio_pci_msix_ops.write(&vp, 24, 4, 0x41);
	virtio_pci_msix_ops.write(&vp, 28, 4, 0);
	int cap = vp.msix.cap;
	pci_cfg_write(&vp.pci, (unsigned)cap + 2, 2, PCI_MSIX_FLAGS_ENABLE);
	vd.irq_queue(&vd, 0);
	CHECK_EQ(msi.count, 1);
	CHECK_EQ(msi.data, 0x41);
	CHECK_EQ(irqs.raises[11], 0);
	CHECK_EQ(rd(VIRTIO_PCI_ISR, 1), 0);
	/* Config vector 2 is masked: pending, then sent on unmask. */
	vd.irq_config(&vd);
	CHECK_EQ(msi.count, 1);
	CHECK_EQ(virtio_pci_msix_ops.read(&vp, VIRTIO_PCI_MSIX_PBA, 8), 4);
	virtio_pci_msix_ops.write(&vp, 32 + 12, 4, 0);
	CHECK_EQ(msi.count, 2);
	/* NO_VECTOR: nothing at all. */
	wr(VPCI_Q_MSIX, 2, 0xffff);
	vd.irq_queue(&vd, 0);
	CHECK_EQ(msi.count, 2);
	CHECK_EQ(irqs.raises[11], 0);
}

TEST(bar_mapping_follows_guest)
{
	uint64_t v;
	setup(1);
	pci_cfg_write(&vp.pci, PCI_BAR0 + 16, 4, 0xd0000000);
	pci_cfg_write(&vp.pci, PCI_BAR0 + 20, 4, 0);
	pci_cfg_write(&vp.pci, PCI_BAR0 + 4, 4, 0xd0010000);
	CHECK(!bus_find(&mmio, 0xd0000000));		/* memory decoding still off */
	pci_cfg_write(&vp.pci, PCI_COMMAND, 2, PCI_COMMAND_MEMORY);
	CHECK(bus_find(&mmio, 0xd0000000));
	CHECK(bus_find(&mmio, 0xd0010000));
	CHECK(bus_read(&mmio, 0xd0000000 + VPCI_NUM_QUEUES, 2, &v));
	CHECK_EQ(v, 2);
	/* Move BAR 4: the old range goes away. */
	pci_cfg_write(&vp.pci, PCI_BAR0 + 16, 4, 0xd0100000);
	CHECK(!bus_find(&mmio, 0xd0000000));
	CHECK(bus_find(&mmio, 0xd0100000 + VIRTIO_PCI_NOTIFY));
	pci_cfg_write(&vp.pci, PCI_COMMAND, 2, 0);
	CHECK(!bus_find(&mmio, 0xd0100000));
	CHECK(!bus_find(&mmio, 0xd0010000));
}

TEST(odd_accesses_are_harmless)
{
	setup(1);
	/* Wrong widths on the common window read 0 and write nothing. */
	CHECK_EQ(rd(VPCI_NUM_QUEUES, 4), 0);
	wr(VPCI_STATUS, 4, 0xffffffff);
	CHECK_EQ(rd(VPCI_STATUS, 1), 0);
	CHECK_EQ(rd(0xfff, 1), 0);
	wr(0x3c, 4, 0xffffffff);
	CHECK_EQ(rd(0x1001, 1), 0);
	wr(VPCI_Q_SELECT, 2, 0xffff);
	wr(VPCI_Q_SIZE, 2, 8);
	wr(VPCI_Q_MSIX, 2, 0);
	CHECK_EQ(rd(VPCI_Q_SIZE, 2), 0);
	pci_dev_reset(&vp.pci);
	CHECK_EQ(rd(VPCI_Q_SELECT, 2), 0);
}

/* 4.1.4.9: BAR 4 through config space. */
TEST(pci_cfg_window)
{
	setup(1);
	unsigned c = find_vcap(VIRTIO_PCI_CAP_PCI_CFG);
	CHECK(c);
	CHECK_EQ(pci_cfg_read(&vp.pci, c + 2, 1), 20);
	pci_cfg_write(&vp.pci, c + 4, 1, VIRTIO_PCI_BAR);
	pci_cfg_write(&vp.pci, c + 8, 4, VPCI_NUM_QUEUES);
	pci_cfg_write(&vp.pci, c + 12, 4, 2);
	CHECK_EQ(pci_cfg_read(&vp.pci, c + 16, 4), 2);
	/* A write through the window reaches the common config. */
	pci_cfg_write(&vp.pci, c + 8, 4, VPCI_STATUS);
	pci_cfg_write(&vp.pci, c + 12, 4, 1);
	pci_cfg_write(&vp.pci, c + 16, 1, VIRTIO_STATUS_ACKNOWLEDGE);
	CHECK_EQ(vd.status, VIRTIO_STATUS_ACKNOWLEDGE);
	/* Bad length, misaligned offset, out of the BAR, another BAR: no access. */
	pci_cfg_write(&vp.pci, c + 12, 4, 3);
	pci_cfg_write(&vp.pci, c + 16, 1, 0);
	CHECK_EQ(vd.status, VIRTIO_STATUS_ACKNOWLEDGE);
	pci_cfg_write(&vp.pci, c + 8, 4, VPCI_Q_SELECT + 1);
	pci_cfg_write(&vp.pci, c + 12, 4, 2);
	pci_cfg_write(&vp.pci, c + 16, 2, 5);
	CHECK_EQ(vp.qsel, 0);
	pci_cfg_write(&vp.pci, c + 8, 4, 0xfffffffc);
	pci_cfg_write(&vp.pci, c + 12, 4, 4);
	pci_cfg_write(&vp.pci, c + 16, 4, 5);
	pci_cfg_write(&vp.pci, c + 4, 1, 0);
	pci_cfg_write(&vp.pci, c + 8, 4, VPCI_STATUS);
	pci_cfg_write(&vp.pci, c + 12, 4, 1);
	pci_cfg_write(&vp.pci, c + 16, 1, 0);
	CHECK_EQ(vd.status, VIRTIO_STATUS_ACKNOWLEDGE);
}

TEST_MAIN_BEGIN("test_virtio_pci")
	RUN(ids_and_bar_sizing);
	RUN(capabilities);
	RUN(common_config_and_notify);
	RUN(bad_queue_enable);
	RUN(intx_and_isr);
	RUN(msix_vectors);
	RUN(bar_mapping_follows_guest);
	RUN(odd_accesses_are_harmless);
	RUN(pci_cfg_window);
TEST_MAIN_END()

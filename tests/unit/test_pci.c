/* PCI configuration mechanism #1, type-0 header, BARs, capabilities; i440FX/PIIX3. */
#include "test.h"
#include "fake/fake.h"
#include "dev/pci.h"
#include "dev/piix.h"
#include "dev/reset.h"

#include <errno.h>

static struct pci_bus bus;

static uint32_t cfg_addr(unsigned dev, unsigned fn, unsigned reg)
{
	return 0x80000000u | dev << 11 | fn << 8 | (reg & 0xfc);
}

/* Guest view: outl 0xcf8, then in/out at 0xcfc + (reg & 3). */
static uint32_t cfgr(unsigned dev, unsigned fn, unsigned reg, unsigned size)
{
	pci_host_ops.write(&bus, 0, 4, cfg_addr(dev, fn, reg));
	return (uint32_t)pci_host_ops.read(&bus, 4 + (reg & 3), size);
}

static void cfgw(unsigned dev, unsigned fn, unsigned reg, unsigned size, uint32_t v)
{
	pci_host_ops.write(&bus, 0, 4, cfg_addr(dev, fn, reg));
	pci_host_ops.write(&bus, 4 + (reg & 3), size, v);
}

struct bar_log {
	int calls, n;
	uint64_t old, now;
};

static void on_bar(struct pci_dev *d, int n, uint64_t old, uint64_t now)
{
	struct bar_log *l = d->opaque;
	l->calls++;
	l->n = n;
	l->old = old;
	l->now = now;
}

TEST(config_mechanism_and_absent_devices)
{
	struct pci_dev d;
	pci_bus_init(&bus);
	pci_dev_init(&d, "t", 0x1af4, 0x1000, 0x020000, 0x01);
	CHECK_EQ(pci_bus_add(&bus, &d, 3, 0), 0);
	CHECK_EQ(pci_bus_add(&bus, &d, 3, 0), -EEXIST);
	CHECK_EQ(pci_bus_add(&bus, &d, 32, 0), -EINVAL);

	pci_host_ops.write(&bus, 0, 4, 0x80001803);	/* low bits do not stick */
	CHECK_EQ(pci_host_ops.read(&bus, 0, 4), 0x80001800);
	CHECK_EQ(cfgr(3, 0, 0, 4), 0x10001af4);
	CHECK_EQ(cfgr(3, 0, 0, 2), 0x1af4);
	CHECK_EQ(cfgr(3, 0, 2, 2), 0x1000);
	CHECK_EQ(cfgr(3, 0, 1, 1), 0x1a);
	CHECK_EQ(cfgr(3, 0, 8, 4), 0x02000001);	/* class + revision */
	CHECK_EQ(cfgr(3, 0, 0xb, 1), 0x02);
	CHECK_EQ(cfgr(4, 0, 0, 4), 0xffffffff);		/* empty slot */
	CHECK_EQ(cfgr(3, 1, 0, 2), 0xffff);		/* other function */
	CHECK_EQ(cfgr(4, 0, 0, 1), 0xff);
	/* Disabled address register or another bus: nothing answers. */
	pci_host_ops.write(&bus, 0, 4, 0x00001800);
	CHECK_EQ(pci_host_ops.read(&bus, 4, 4), 0xffffffff);
	pci_host_ops.write(&bus, 0, 4, 0x80011800);
	CHECK_EQ(pci_host_ops.read(&bus, 4, 4), 0xffffffff);
	pci_host_ops.write(&bus, 4, 4, 0);		/* dropped */
	/* Narrow accesses to 0xcf8..0xcfb don't touch the address register. */
	pci_host_ops.write(&bus, 0, 4, 0x80001800);
	pci_host_ops.write(&bus, 0, 1, 0);
	pci_host_ops.write(&bus, 2, 2, 0);
	CHECK_EQ(pci_host_ops.read(&bus, 0, 4), 0x80001800);
}

TEST(readonly_fields_and_w1c)
{
	struct pci_dev d;
	pci_bus_init(&bus);
	pci_dev_init(&d, "t", 0x8086, 0x100e, 0x020000, 0x03);
	pci_set_irq_pin(&d, 1);
	pci_bus_add(&bus, &d, 2, 0);
	cfgw(2, 0, 0, 4, 0);				/* IDs are read-only */
	CHECK_EQ(cfgr(2, 0, 0, 4), 0x100e8086);
	cfgw(2, 0, 8, 4, 0xffffffff);
	CHECK_EQ(cfgr(2, 0, 8, 4), 0x02000003);
	cfgw(2, 0, 0x3c, 2, 0xffff);			/* line writable, pin not */
	CHECK_EQ(cfgr(2, 0, 0x3c, 1), 0xff);
	CHECK_EQ(cfgr(2, 0, 0x3d, 1), 1);
	cfgw(2, 0, 4, 2, 0xffff);
	CHECK_EQ(cfgr(2, 0, 4, 2), 0x0547);		/* only implemented command bits */
	d.cfg[PCI_STATUS + 1] = 0x20;			/* device reports a master abort */
	cfgw(2, 0, 6, 2, 0x0000);			/* writing 0 keeps it */
	CHECK_EQ(cfgr(2, 0, 7, 1), 0x20);
	cfgw(2, 0, 6, 2, 0x2000);			/* write 1 clears */
	CHECK_EQ(cfgr(2, 0, 7, 1), 0x00);
	cfgw(2, 0, 0x0e, 1, 0x80);			/* header type read-only */
	CHECK_EQ(cfgr(2, 0, 0x0e, 1), 0);
}

TEST(odd_offsets)
{
	struct pci_dev d;
	pci_bus_init(&bus);
	pci_dev_init(&d, "t", 0x1234, 0x5678, 0xff0000, 0);
	pci_bus_add(&bus, &d, 0, 0);
	cfgw(0, 0, 0x3c, 4, 0);
	cfgw(0, 0, 0x0d, 1, 0x40);			/* latency via byte 1 of the dword */
	CHECK_EQ(cfgr(0, 0, 0x0c, 4) & 0xff00, 0x4000);
	CHECK_EQ(cfgr(0, 0, 0x0d, 2), 0x0040);		/* word at offset 1 */
	CHECK_EQ(cfgr(0, 0, 0x01, 2), 0x7812);		/* straddles vendor/device */
	CHECK_EQ(cfgr(0, 0, 0x03, 1), 0x56);
	/* Direct config API: reads past 256 are cut, never out of bounds. */
	CHECK_EQ(pci_cfg_read(&d, 0xff, 4), 0xffffff00);
	CHECK_EQ(pci_cfg_read(&d, 0x100, 4), 0xffffffff);
	pci_cfg_write(&d, 0xfe, 4, 0xffffffff);
	pci_cfg_write(&d, 0x1000, 4, 0xffffffff);
	CHECK_EQ(pci_cfg_read(&d, 0, 4), 0x56781234);
}

TEST(bar_sizing_mem32_io)
{
	struct pci_dev d;
	struct bar_log log = { 0 };
	pci_dev_init(&d, "t", 1, 2, 0x010000, 0);
	d.on_bar_change = on_bar;
	d.opaque = &log;
	CHECK_EQ(pci_register_bar(&d, 0, 0x1000, PCI_BAR_MEM32), 0);
	CHECK_EQ(pci_register_bar(&d, 1, 0x20, PCI_BAR_IO), 0);
	CHECK_EQ(pci_register_bar(&d, 2, 0x1000000, PCI_BAR_MEM32 | PCI_BAR_PREFETCH), 0);
	CHECK_EQ(pci_register_bar(&d, 0, 0x1000, PCI_BAR_MEM32), -EINVAL);	/* taken */
	CHECK_EQ(pci_register_bar(&d, 3, 0x1001, PCI_BAR_MEM32), -EINVAL);	/* not pow2 */
	CHECK_EQ(pci_register_bar(&d, 6, 0x1000, PCI_BAR_MEM32), -EINVAL);
	CHECK_EQ(pci_register_bar(&d, 3, 2, PCI_BAR_IO), -EINVAL);

	CHECK_EQ(pci_cfg_read(&d, 0x10, 4), 0);
	pci_cfg_write(&d, 0x10, 4, 0xffffffff);
	CHECK_EQ(pci_cfg_read(&d, 0x10, 4), ~(0x1000u - 1));
	pci_cfg_write(&d, 0x14, 4, 0xffffffff);
	CHECK_EQ(pci_cfg_read(&d, 0x14, 4), ~(0x20u - 1) | 1);
	pci_cfg_write(&d, 0x18, 4, 0xffffffff);
	CHECK_EQ(pci_cfg_read(&d, 0x18, 4), ~(0x1000000u - 1) | 8);
	CHECK_EQ(pci_cfg_read(&d, 0x1c, 4), 0);		/* unimplemented BAR */
	pci_cfg_write(&d, 0x1c, 4, 0xffffffff);
	CHECK_EQ(pci_cfg_read(&d, 0x1c, 4), 0);
	CHECK_EQ(log.calls, 0);				/* decode still off */

	pci_cfg_write(&d, 0x10, 4, 0xfebf1234);		/* low bits are not address bits */
	CHECK_EQ(pci_cfg_read(&d, 0x10, 4), 0xfebf1000);
	pci_cfg_write(&d, 0x14, 4, 0xc040);
	CHECK_EQ(pci_bar_address(&d, 0), PCI_BAR_UNMAPPED);
	pci_cfg_write(&d, 0x04, 2, PCI_COMMAND_MEMORY);
	CHECK_EQ(pci_bar_address(&d, 0), 0xfebf1000);
	CHECK_EQ(pci_bar_address(&d, 1), PCI_BAR_UNMAPPED);	/* IO decode off */
	CHECK_EQ(log.calls, 1);
	CHECK_EQ(log.n, 0);
	CHECK_EQ(log.old, PCI_BAR_UNMAPPED);
	CHECK_EQ(log.now, 0xfebf1000);
	pci_cfg_write(&d, 0x04, 2, PCI_COMMAND_MEMORY | PCI_COMMAND_IO);
	CHECK_EQ(pci_bar_address(&d, 1), 0xc040);
	CHECK_EQ(log.n, 1);
	pci_cfg_write(&d, 0x10, 4, 0xfe000000);		/* moved while enabled */
	CHECK_EQ(log.n, 0);
	CHECK_EQ(log.old, 0xfebf1000);
	CHECK_EQ(log.now, 0xfe000000);
	pci_cfg_write(&d, 0x10, 4, 0xffffffff);		/* sizing with decode on: unmapped */
	CHECK_EQ(pci_bar_address(&d, 0), PCI_BAR_UNMAPPED);
	pci_cfg_write(&d, 0x10, 4, 0xfe000000);
	int calls = log.calls;
	pci_cfg_write(&d, 0x04, 2, 0);
	CHECK_EQ(log.calls, calls + 2);			/* BAR 0 and BAR 1 go away */
	CHECK_EQ(pci_bar_address(&d, 1), PCI_BAR_UNMAPPED);
	CHECK_EQ(pci_bar_address(&d, 9), PCI_BAR_UNMAPPED);
}

TEST(bar_64bit_pair)
{
	struct pci_dev d;
	pci_dev_init(&d, "t", 1, 2, 0x010000, 0);
	CHECK_EQ(pci_register_bar(&d, 5, 0x4000, PCI_BAR_MEM64), -EINVAL);	/* no room */
	CHECK_EQ(pci_register_bar(&d, 2, 0x200000000ULL, PCI_BAR_MEM64 | PCI_BAR_PREFETCH), 0);
	CHECK_EQ(pci_register_bar(&d, 3, 0x1000, PCI_BAR_MEM32), -EINVAL);	/* upper half */
	pci_cfg_write(&d, 0x18, 4, 0xffffffff);
	pci_cfg_write(&d, 0x1c, 4, 0xffffffff);
	CHECK_EQ(pci_cfg_read(&d, 0x18, 4), 0x0000000c);
	CHECK_EQ(pci_cfg_read(&d, 0x1c, 4), 0xfffffffe);	/* ~(8G-1) >> 32 */
	pci_cfg_write(&d, 0x18, 4, 0);
	pci_cfg_write(&d, 0x1c, 4, 0x4);
	pci_cfg_write(&d, 0x04, 2, PCI_COMMAND_MEMORY);
	CHECK_EQ(pci_bar_address(&d, 2), 0x400000000ULL);
	CHECK_EQ(pci_bar_address(&d, 3), PCI_BAR_UNMAPPED);

	struct pci_dev e;
	pci_dev_init(&e, "t", 1, 2, 0x010000, 0);
	CHECK_EQ(pci_register_bar(&e, 0, 0x4000, PCI_BAR_MEM64), 0);
	pci_cfg_write(&e, 0x10, 4, 0xffffffff);
	pci_cfg_write(&e, 0x14, 4, 0xffffffff);
	CHECK_EQ(pci_cfg_read(&e, 0x10, 4), 0xffffc004);
	CHECK_EQ(pci_cfg_read(&e, 0x14, 4), 0xffffffff);
	pci_cfg_write(&e, 0x04, 2, PCI_COMMAND_MEMORY);
	CHECK_EQ(pci_bar_address(&e, 0), PCI_BAR_UNMAPPED);	/* the sizing pattern wraps */
}

TEST(capability_list_walk)
{
	struct pci_dev d;
	pci_dev_init(&d, "t", 1, 2, 0x010000, 0);
	CHECK_EQ(pci_cfg_read(&d, PCI_STATUS, 2) & PCI_STATUS_CAP_LIST, 0);
	int a = pci_add_capability(&d, 0x09, 5);	/* vendor specific, odd length */
	int b = pci_add_capability(&d, 0x11, 12);	/* MSI-X */
	int c = pci_add_capability(&d, 0x05, 10);	/* MSI */
	CHECK(a >= 0x40 && b > a && c > b);
	CHECK_EQ(b & 3, 0);
	CHECK_EQ(pci_cfg_read(&d, PCI_STATUS, 2) & PCI_STATUS_CAP_LIST, PCI_STATUS_CAP_LIST);
	unsigned ids[8], n = 0;
	unsigned p = pci_cfg_read(&d, PCI_CAPABILITY_LIST, 1);
	while (p && n < 8) {
		ids[n++] = pci_cfg_read(&d, p, 1);
		p = pci_cfg_read(&d, p + 1, 1);
	}
	CHECK_EQ(n, 3);
	CHECK_EQ(ids[0], 0x09);
	CHECK_EQ(ids[1], 0x11);
	CHECK_EQ(ids[2], 0x05);
	pci_cfg_write(&d, (unsigned)a, 2, 0);		/* list is read-only to the guest */
	CHECK_EQ(pci_cfg_read(&d, (unsigned)a, 1), 0x09);
	CHECK_EQ(pci_add_capability(&d, 0x10, 300), -ENOSPC);
	CHECK_EQ(pci_add_capability(&d, 0x10, 1), -EINVAL);
}

TEST(reset_clears_guest_state)
{
	struct pci_dev d;
	struct bar_log log = { 0 };
	pci_bus_init(&bus);
	pci_dev_init(&d, "t", 1, 2, 0x010000, 0);
	d.on_bar_change = on_bar;
	d.opaque = &log;
	pci_register_bar(&d, 0, 0x100, PCI_BAR_IO);
	pci_bus_add(&bus, &d, 5, 0);
	cfgw(5, 0, 0x10, 4, 0x1000);
	cfgw(5, 0, 0x04, 2, PCI_COMMAND_IO);
	cfgw(5, 0, 0x3c, 1, 11);
	CHECK_EQ(pci_bar_address(&d, 0), 0x1000);
	pci_host_ops.reset(&bus);
	CHECK_EQ(pci_host_ops.read(&bus, 0, 4), 0);
	CHECK_EQ(pci_bar_address(&d, 0), PCI_BAR_UNMAPPED);
	CHECK_EQ(log.now, PCI_BAR_UNMAPPED);
	CHECK_EQ(pci_cfg_read(&d, 0x10, 4), 1);		/* type bit survives */
	CHECK_EQ(pci_cfg_read(&d, 0x3c, 1), 0);
	CHECK_EQ(pci_cfg_read(&d, 0, 4), 0x00020001);
}

TEST(cf9_through_host)
{
	struct fake_vmctl vc;
	fake_vmctl_init(&vc);
	struct reset_ctl *r = reset_new(&vc.ctl);
	pci_bus_init(&bus);
	pci_host_ops.write(&bus, 1, 1, 0x06);		/* no cf9 handler: ignored */
	CHECK_EQ(vc.count, 0);
	pci_bus_set_cf9(&bus, &cf9_ops, r);
	pci_host_ops.write(&bus, 0, 4, 0x80000000);
	CHECK_EQ(vc.count, 0);				/* dword at 0xcf8 is not a reset */
	pci_host_ops.write(&bus, 1, 1, 0x02);
	CHECK_EQ(pci_host_ops.read(&bus, 1, 1), 0x02);
	pci_host_ops.write(&bus, 1, 1, 0x06);
	CHECK_EQ(vc.count, 1);
	CHECK_EQ(vc.last, VMREQ_RESET);
	CHECK_EQ(pci_host_ops.read(&bus, 0, 4), 0x80000000);
	reset_free(r);
}

TEST(piix_identity_and_pirq)
{
	struct piix p;
	pci_bus_init(&bus);
	CHECK_EQ(piix_init(&p, &bus), 0);
	CHECK_EQ(cfgr(0, 0, 0, 4), 0x12378086);
	CHECK_EQ(cfgr(0, 0, 0x0a, 2), 0x0600);
	CHECK_EQ(cfgr(1, 0, 0, 4), 0x70008086);
	CHECK_EQ(cfgr(1, 0, 0x0a, 2), 0x0601);
	CHECK_EQ(cfgr(1, 0, 0x0e, 1) & 0x80, 0x80);	/* multi-function */
	CHECK_EQ(cfgr(0, 0, 0x0e, 1) & 0x80, 0);
	CHECK_EQ(cfgr(2, 0, 0, 4), 0xffffffff);
	CHECK_EQ(cfgr(1, 0, 0x60, 4), 0x80808080);
	for (unsigned pin = 0; pin < 4; pin++)
		CHECK_EQ(piix3_pirq_route(&p, pin), -1);
	cfgw(1, 0, 0x60, 1, 0x0b);
	cfgw(1, 0, 0x62, 2, 0x0a05);			/* PIRQC = 5, PIRQD = 10 */
	CHECK_EQ(cfgr(1, 0, 0x60, 4), 0x0a05800b);
	CHECK_EQ(piix3_pirq_route(&p, 0), 11);
	CHECK_EQ(piix3_pirq_route(&p, 1), -1);
	CHECK_EQ(piix3_pirq_route(&p, 2), 5);
	CHECK_EQ(piix3_pirq_route(&p, 3), 10);
	CHECK_EQ(piix3_pirq_route(&p, 4), -1);
	cfgw(1, 0, 0x61, 1, 0x7d);			/* reserved bits dropped, IRQ 13 reserved */
	CHECK_EQ(cfgr(1, 0, 0x61, 1), 0x0d);
	CHECK_EQ(piix3_pirq_route(&p, 1), -1);
	cfgw(0, 0, 0x59, 1, 0x30);			/* PAM0 stores */
	CHECK_EQ(cfgr(0, 0, 0x59, 1), 0x30);
	pci_host_ops.reset(&bus);
	CHECK_EQ(cfgr(1, 0, 0x60, 4), 0x80808080);
	CHECK_EQ(cfgr(0, 0, 0x59, 1), 0);
	CHECK_EQ(cfgr(1, 0, 0x4c, 1), 0x4d);
}

TEST_MAIN_BEGIN("test_pci")
	RUN(config_mechanism_and_absent_devices);
	RUN(readonly_fields_and_w1c);
	RUN(odd_offsets);
	RUN(bar_sizing_mem32_io);
	RUN(bar_64bit_pair);
	RUN(capability_list_walk);
	RUN(reset_clears_guest_state);
	RUN(cf9_through_host);
	RUN(piix_identity_and_pirq);
TEST_MAIN_END()

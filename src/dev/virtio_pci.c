/*
 * virtio PCI transport, modern interface (virtio spec 1.2, 4.1): vendor
 * capabilities naming the common, notify, ISR and device configuration
 * windows in BAR 4 (4.1.4), MSI-X vectors for configuration changes and
 * each queue (4.1.4.3, 4.1.5.1.2), and INTx with the ISR status byte when
 * MSI-X is off (4.1.4.5).
 *
 * The VIRTIO_PCI_CAP_PCI_CFG window (4.1.4.9) reaches BAR 4 through config
 * space, for drivers that cannot map BARs.
 *
 * Not emulated: the legacy (0.9) I/O BAR interface, shared memory
 * capabilities, notification data and per-queue reset.
 */
#include "dev/virtio_pci.h"
#include "core/log.h"

#include <errno.h>
#include <string.h>

#define PCI_CAP_ID_VNDR		0x09
#define VCAP_LEN		16
#define VCAP_NOTIFY_LEN		20
#define VCAP_PCICFG_LEN		20

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* struct virtio_pci_cap (4.1.4): type, BAR, offset and length of one window. */
static int add_vcap(struct pci_dev *d, uint8_t type, uint32_t off, uint32_t len, unsigned caplen)
{
	int c = pci_add_capability(d, PCI_CAP_ID_VNDR, caplen);
	if (c < 0)
		return c;
	d->cfg[c + 2] = (uint8_t)caplen;
	d->cfg[c + 3] = type;
	d->cfg[c + 4] = VIRTIO_PCI_BAR;
	d->cfg[c + 5] = 0;			/* id */
	put32(d->cfg + c + 8, off);
	put32(d->cfg + c + 12, len);
	if (type == VIRTIO_PCI_CAP_NOTIFY_CFG)
		put32(d->cfg + c + 16, VIRTIO_PCI_NOTIFY_MULT);
	return c;
}

static void update_intx(struct virtio_pci *vp)
{
	int level = vp->isr && !pci_msix_enabled(&vp->msix);
	uint16_t cmd = (uint16_t)(vp->pci.cfg[PCI_COMMAND] | vp->pci.cfg[PCI_COMMAND + 1] << 8);

	/* Status.Interrupt shows the pending state even while INTx is disabled. */
	if (level)
		vp->pci.cfg[PCI_STATUS] |= PCI_STATUS_INTERRUPT;
	else
		vp->pci.cfg[PCI_STATUS] &= (uint8_t)~PCI_STATUS_INTERRUPT;
	if (cmd & PCI_COMMAND_INTX_DISABLE)
		level = 0;
	if (level != vp->intx_level) {
		vp->intx_level = level;
		irq_set(&vp->intx, level);
	}
}

static void raise_irq(struct virtio_pci *vp, uint16_t vector, uint8_t isr_bit)
{
	if (vp->has_msix && pci_msix_enabled(&vp->msix)) {
		/* 4.1.5.1.2: NO_VECTOR means no interrupt for this source. */
		if (vector != PCI_MSIX_NO_VECTOR)
			pci_msix_notify(&vp->msix, vector);
		return;
	}
	vp->isr |= isr_bit;
	update_intx(vp);
}

static void irq_queue(struct virtio_dev *vd, unsigned q)
{
	struct virtio_pci *vp = vd->transport;
	raise_irq(vp, q < VIRTIO_MAX_QUEUES ? vd->vq[q].msix_vector : PCI_MSIX_NO_VECTOR,
	       VIRTIO_ISR_QUEUE);
}

static void irq_config(struct virtio_dev *vd)
{
	struct virtio_pci *vp = vd->transport;
	raise_irq(vp, vp->config_vector, VIRTIO_ISR_CONFIG);
}

static struct virtq *selected_vq(struct virtio_pci *vp)
{
	return vp->qsel < vp->vd->nr_queues ? &vp->vd->vq[vp->qsel] : NULL;
}

/* A vector the driver may use, or NO_VECTOR (which tells it the mapping failed). */
static uint16_t valid_vector(const struct virtio_pci *vp, uint64_t v)
{
	return vp->has_msix && v < vp->msix.nr ? (uint16_t)v : PCI_MSIX_NO_VECTOR;
}

static uint64_t common_read(struct virtio_pci *vp, unsigned off)
{
	struct virtio_dev *vd = vp->vd;
	struct virtq *vq = selected_vq(vp);

	switch (off) {
	case VPCI_DFSELECT: return vp->dfselect;
	case VPCI_DF:
		return vp->dfselect < 2 ? (uint32_t)(vd->host_features >> (32 * vp->dfselect)) : 0;
	case VPCI_GFSELECT: return vp->gfselect;
	case VPCI_GF:
		return vp->gfselect < 2 ? (uint32_t)(vd->guest_features >> (32 * vp->gfselect)) : 0;
	case VPCI_MSIX_CONFIG: return vp->config_vector;
	case VPCI_NUM_QUEUES: return vd->nr_queues;
	case VPCI_STATUS: return vd->status;
	case VPCI_CFG_GENERATION: return vd->config_generation;
	case VPCI_Q_SELECT: return vp->qsel;
	case VPCI_Q_NOTIFY_OFF: return vq ? vp->qsel : 0;
	case VPCI_Q_NOTIFY_DATA: return vq ? vp->qsel : 0;
	case VPCI_Q_RESET: return 0;
	}
	if (!vq)
		return 0;
	switch (off) {
	case VPCI_Q_SIZE: return vq->size;
	case VPCI_Q_MSIX: return vq->msix_vector;
	case VPCI_Q_ENABLE: return vq->ready;
	case VPCI_Q_DESC: return (uint32_t)vq->desc;
	case VPCI_Q_DESC + 4: return (uint32_t)(vq->desc >> 32);
	case VPCI_Q_AVAIL: return (uint32_t)vq->avail;
	case VPCI_Q_AVAIL + 4: return (uint32_t)(vq->avail >> 32);
	case VPCI_Q_USED: return (uint32_t)vq->used;
	case VPCI_Q_USED + 4: return (uint32_t)(vq->used >> 32);
	}
	return 0;
}

static void set_half(uint64_t *reg, unsigned high, uint32_t v)
{
	if (high)
		*reg = (*reg & 0xffffffffULL) | (uint64_t)v << 32;
	else
		*reg = (*reg & ~0xffffffffULL) | v;
}

static void common_write(struct virtio_pci *vp, unsigned off, uint32_t val)
{
	struct virtio_dev *vd = vp->vd;
	struct virtq *vq = selected_vq(vp);

	switch (off) {
	case VPCI_DFSELECT: vp->dfselect = val; return;
	case VPCI_GFSELECT: vp->gfselect = val; return;
	case VPCI_GF:
		/* Features are fixed once FEATURES_OK was accepted (3.1.1). */
		if (vp->gfselect < 2 && !(vd->status & VIRTIO_STATUS_FEATURES_OK))
			set_half(&vd->guest_features, vp->gfselect, val);
		return;
	case VPCI_MSIX_CONFIG: vp->config_vector = valid_vector(vp, val & 0xffff); return;
	case VPCI_STATUS:
		virtio_set_status(vd, (uint8_t)val);
		if (!vd->status) {
			vp->isr = 0;
			vp->config_vector = PCI_MSIX_NO_VECTOR;
			vp->dfselect = vp->gfselect = 0;
			vp->qsel = 0;
			update_intx(vp);
		}
		return;
	case VPCI_Q_SELECT: vp->qsel = (uint16_t)val; return;
	}
	/* Queue registers: only before the queue is enabled (4.1.4.3.2), except the vector. */
	if (!vq)
		return;
	if (off == VPCI_Q_MSIX) {
		vq->msix_vector = valid_vector(vp, val & 0xffff);
		return;
	}
	if (vq->ready)
		return;
	switch (off) {
	case VPCI_Q_SIZE:
		/* A size we cannot use is kept, and refused when the queue is enabled. */
		vq->size = (uint16_t)val;
		return;
	case VPCI_Q_ENABLE:
		if (!(val & 1))
			return;
		if (virtq_check(vd, vq)) {
			virtio_dev_fail(vd, "queue enabled with a bad size or addresses");
			return;
		}
		vq->ready = 1;
		return;
	case VPCI_Q_DESC: case VPCI_Q_DESC + 4: set_half(&vq->desc, off & 4, val); return;
	case VPCI_Q_AVAIL: case VPCI_Q_AVAIL + 4: set_half(&vq->avail, off & 4, val); return;
	case VPCI_Q_USED: case VPCI_Q_USED + 4: set_half(&vq->used, off & 4, val); return;
	}
}

/* Which register an access at off of `size` bytes names (registers are 1, 2 or 4 wide). */
static int reg_width(unsigned off)
{
	if (off == VPCI_STATUS || off == VPCI_CFG_GENERATION)
		return 1;
	if (off >= VPCI_MSIX_CONFIG && off < VPCI_Q_DESC)
		return 2;
	if (off >= VPCI_Q_NOTIFY_DATA)
		return 2;
	return 4;
}

static uint64_t bar_read(void *opaque, uint64_t off, unsigned size)
{
	struct virtio_pci *vp = opaque;
	uint64_t v;

	if (off < VIRTIO_PCI_COMMON + VPCI_COMMON_LEN) {
		/* 4.1.3.1: the driver uses the register's own width; a 64-bit field is two dwords. */
		if (size == 8 && off >= VPCI_Q_DESC && off < VPCI_Q_NOTIFY_DATA && !(off & 7))
			return common_read(vp, (unsigned)off) | common_read(vp, (unsigned)off + 4) << 32;
		if ((int)size != reg_width((unsigned)off))
			return 0;
		return common_read(vp, (unsigned)off);
	}
	if (off == VIRTIO_PCI_ISR) {
		/* 4.1.4.5.1: reading the ISR acknowledges and deasserts. */
		v = vp->isr;
		vp->isr = 0;
		update_intx(vp);
		return v;
	}
	if (off >= VIRTIO_PCI_DEVCFG && off < VIRTIO_PCI_NOTIFY) {
		if (vp->vd->ops && vp->vd->ops->cfg_read)
			return vp->vd->ops->cfg_read(vp->vd, (unsigned)(off - VIRTIO_PCI_DEVCFG), size);
		return 0;
	}
	return 0;
}

static void bar_write(void *opaque, uint64_t off, unsigned size, uint64_t val)
{
	struct virtio_pci *vp = opaque;
	struct virtio_dev *vd = vp->vd;

	if (off < VIRTIO_PCI_COMMON + VPCI_COMMON_LEN) {
		if (size == 8 && off >= VPCI_Q_DESC && off < VPCI_Q_NOTIFY_DATA && !(off & 7)) {
			common_write(vp, (unsigned)off, (uint32_t)val);
			common_write(vp, (unsigned)off + 4, (uint32_t)(val >> 32));
			return;
		}
		if ((int)size == reg_width((unsigned)off))
			common_write(vp, (unsigned)off, (uint32_t)val);
		return;
	}
	if (off >= VIRTIO_PCI_DEVCFG && off < VIRTIO_PCI_NOTIFY) {
		if (vd->ops && vd->ops->cfg_write)
			vd->ops->cfg_write(vd, (unsigned)(off - VIRTIO_PCI_DEVCFG), size, val);
		return;
	}
	if (off >= VIRTIO_PCI_NOTIFY && off < VIRTIO_PCI_BAR_SIZE) {
		uint64_t q = (off - VIRTIO_PCI_NOTIFY) / VIRTIO_PCI_NOTIFY_MULT;
		if (q < vd->nr_queues && virtio_dev_running(vd) && vd->vq[q].ready &&
		    vd->ops && vd->ops->queue_notify)
			vd->ops->queue_notify(vd, (unsigned)q);
	}
}

const struct io_ops virtio_pci_bar_ops = {
	.name = "virtio-pci",
	.read = bar_read,
	.write = bar_write,
};

static uint64_t msix_bar_read(void *opaque, uint64_t off, unsigned size)
{
	struct virtio_pci *vp = opaque;
	if (!vp->has_msix)
		return 0;
	if (off >= VIRTIO_PCI_MSIX_PBA)
		return pci_msix_pba_read(&vp->msix, off - VIRTIO_PCI_MSIX_PBA, size);
	return pci_msix_table_read(&vp->msix, off, size);
}

static void msix_bar_write(void *opaque, uint64_t off, unsigned size, uint64_t val)
{
	struct virtio_pci *vp = opaque;
	/* The PBA is read-only. */
	if (vp->has_msix && off < VIRTIO_PCI_MSIX_PBA)
		pci_msix_table_write(&vp->msix, off, size, val);
}

const struct io_ops virtio_pci_msix_ops = {
	.name = "virtio-pci-msix",
	.read = msix_bar_read,
	.write = msix_bar_write,
};

/* 4.1.4.9: a 1/2/4-byte access at cap.offset of cap.bar, aligned and inside BAR 4; else none. */
static int cfg_window(struct virtio_pci *vp, uint64_t *off, unsigned *len)
{
	const uint8_t *c = vp->pci.cfg + vp->pcicfg_cap;
	uint32_t o = (uint32_t)c[8] | (uint32_t)c[9] << 8 | (uint32_t)c[10] << 16 | (uint32_t)c[11] << 24;
	uint32_t l = (uint32_t)c[12] | (uint32_t)c[13] << 8 | (uint32_t)c[14] << 16 | (uint32_t)c[15] << 24;
	if (c[4] != VIRTIO_PCI_BAR || (l != 1 && l != 2 && l != 4) || (o & (l - 1)) ||
	    o >= VIRTIO_PCI_BAR_SIZE)
		return 0;
	*off = o;
	*len = l;
	return 1;
}

static int touches_data(const struct virtio_pci *vp, unsigned off, unsigned size)
{
	unsigned d = (unsigned)vp->pcicfg_cap + 16;
	return vp->pcicfg_cap && off < d + 4 && off + size > d;
}

static void cfg_read(struct pci_dev *d, unsigned off, unsigned size)
{
	struct virtio_pci *vp = d->opaque;
	uint64_t o, v;
	unsigned len;
	if (!touches_data(vp, off, size) || !cfg_window(vp, &o, &len))
		return;
	v = bar_read(vp, o, len);
	for (unsigned i = 0; i < 4; i++)
		d->cfg[vp->pcicfg_cap + 16 + i] = i < len ? (uint8_t)(v >> (8 * i)) : 0;
}

static void on_bar_change(struct pci_dev *d, int n, uint64_t old, uint64_t now)
{
	struct virtio_pci *vp = d->opaque;
	const struct io_ops *ops = n == VIRTIO_PCI_BAR ? &virtio_pci_bar_ops :
				   n == VIRTIO_PCI_MSIX_BAR ? &virtio_pci_msix_ops : NULL;
	if (!vp->mmio || !ops)
		return;
	if (old != PCI_BAR_UNMAPPED)
		bus_remove(vp->mmio, old, vp);
	if (now != PCI_BAR_UNMAPPED) {
		int r = bus_add(vp->mmio, now, d->bar[n].size, ops, vp);
		if (r)
			pr_warn("%s: BAR %d at %#llx overlaps another device; not mapped", d->name, n,
				(unsigned long long)now);
	}
}

static void cfg_write(struct pci_dev *d, unsigned off, unsigned size, uint32_t val)
{
	struct virtio_pci *vp = d->opaque;
	uint64_t o;
	unsigned len;
	(void)val;
	if (touches_data(vp, off, size) && cfg_window(vp, &o, &len)) {
		uint64_t v = 0;
		for (unsigned i = 0; i < len; i++)
			v |= (uint64_t)d->cfg[vp->pcicfg_cap + 16 + i] << (8 * i);
		bar_write(vp, o, len, v);
	}
	if (vp->has_msix)
		pci_msix_cfg_write(&vp->msix, off, size);
	/* MSI-X enable and INTx disable both change what the INTx pin shows. */
	update_intx(vp);
}

static void pci_reset(struct pci_dev *d)
{
	struct virtio_pci *vp = d->opaque;
	virtio_dev_reset(vp->vd);
	if (vp->has_msix)
		pci_msix_reset(&vp->msix);
	vp->isr = 0;
	vp->config_vector = PCI_MSIX_NO_VECTOR;
	vp->dfselect = vp->gfselect = 0;
	vp->qsel = 0;
	update_intx(vp);
}

int virtio_pci_init(struct virtio_pci *vp, struct virtio_dev *vd, const char *name,
		    uint32_t class_code, unsigned nr_vectors, struct bus *mmio,
		    pci_msi_fn msi, void *msi_opaque)
{
	struct pci_dev *d = &vp->pci;
	int r;

	memset(vp, 0, sizeof(*vp));
	vp->vd = vd;
	vp->mmio = mmio;
	vp->config_vector = PCI_MSIX_NO_VECTOR;
	vd->transport = vp;
	vd->irq_queue = irq_queue;
	vd->irq_config = irq_config;

	pci_dev_init(d, name, VIRTIO_PCI_VENDOR, (uint16_t)(VIRTIO_PCI_DEVICE_BASE + vd->device_id),
		     class_code, 1);
	/* 4.1.2.1: subsystem device ID >= 0x40 for modern devices. */
	d->cfg[PCI_SUBSYSTEM_VENDOR_ID] = VIRTIO_PCI_VENDOR & 0xff;
	d->cfg[PCI_SUBSYSTEM_VENDOR_ID + 1] = VIRTIO_PCI_VENDOR >> 8;
	d->cfg[PCI_SUBSYSTEM_ID] = 0x40 + (uint8_t)vd->device_id;
	pci_set_irq_pin(d, 1);
	d->opaque = vp;
	d->on_bar_change = on_bar_change;
	d->cfg_write = cfg_write;
	d->cfg_read = cfg_read;
	d->reset = pci_reset;

	if ((r = pci_register_bar(d, VIRTIO_PCI_BAR, VIRTIO_PCI_BAR_SIZE, PCI_BAR_MEM64)) ||
	    (r = add_vcap(d, VIRTIO_PCI_CAP_COMMON_CFG, VIRTIO_PCI_COMMON, VPCI_COMMON_LEN, VCAP_LEN)) < 0 ||
	    (r = add_vcap(d, VIRTIO_PCI_CAP_ISR_CFG, VIRTIO_PCI_ISR, 1, VCAP_LEN)) < 0 ||
	    (r = add_vcap(d, VIRTIO_PCI_CAP_DEVICE_CFG, VIRTIO_PCI_DEVCFG, 0x1000, VCAP_LEN)) < 0 ||
	    (r = add_vcap(d, VIRTIO_PCI_CAP_NOTIFY_CFG, VIRTIO_PCI_NOTIFY,
			  VIRTIO_MAX_QUEUES * VIRTIO_PCI_NOTIFY_MULT, VCAP_NOTIFY_LEN)) < 0 ||
	    (r = add_vcap(d, VIRTIO_PCI_CAP_PCI_CFG, 0, 0, VCAP_PCICFG_LEN)) < 0)
		return r;
	/* The driver picks the window: bar, offset, length and the data bytes are writable. */
	vp->pcicfg_cap = (uint8_t)r;
	d->wmask[r + 4] = 0xff;
	memset(d->wmask + r + 8, 0xff, 12);
	if (msi) {
		if (!nr_vectors || nr_vectors > VIRTIO_PCI_MSIX_PBA / PCI_MSIX_ENTRY_SIZE)
			return -EINVAL;
		r = pci_register_bar(d, VIRTIO_PCI_MSIX_BAR, 0x1000, PCI_BAR_MEM32);
		if (!r)
			r = pci_msix_init(&vp->msix, d, nr_vectors, VIRTIO_PCI_MSIX_BAR, 0,
					  VIRTIO_PCI_MSIX_PBA, msi, msi_opaque);
		if (r)
			return r;
		vp->has_msix = 1;
	}
	return 0;
}

void virtio_pci_free(struct virtio_pci *vp)
{
	if (vp->has_msix)
		pci_msix_free(&vp->msix);
	vp->has_msix = 0;
}

/*
 * MSI-X (PCI Local Bus spec 3.0, 6.8.2): capability structure, vector table
 * and Pending Bit Array.  A vector is sent when it is signalled while MSI-X
 * is enabled and neither the function nor the vector is masked; otherwise
 * its pending bit is set, and it is sent when both masks clear (6.8.3.5).
 *
 * Not emulated: MSI (the plain capability), per-vector steering hints, the
 * requirement that accesses be DWORD/QWORD aligned (any access is taken
 * byte-wise, which is what aligned accesses give anyway).
 */
#include "dev/pci_msix.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define MSIX_CAP_LEN		12
#define MSIX_CTRL		2	/* Message Control, within the capability */
#define MSIX_TABLE		4	/* Table Offset / BIR */
#define MSIX_PBA		8	/* PBA Offset / BIR */
#define MSIX_ENTRY_CTRL		12	/* Vector Control, within an entry */
#define MSIX_ENTRY_MASKED	1

static uint16_t ctrl(const struct pci_msix *m)
{
	return (uint16_t)(m->dev->cfg[m->cap + MSIX_CTRL] | m->dev->cfg[m->cap + MSIX_CTRL + 1] << 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

int pci_msix_init(struct pci_msix *m, struct pci_dev *d, unsigned nr, int bar,
		  uint32_t table_off, uint32_t pba_off, pci_msi_fn msi, void *opaque)
{
	int cap;

	memset(m, 0, sizeof(*m));
	if (!nr || nr > PCI_MSIX_MAX_VECTORS || bar < 0 || bar >= PCI_NUM_BARS ||
	    (table_off & 7) || (pba_off & 7) || !msi)
		return -EINVAL;
	m->table = calloc(nr, PCI_MSIX_ENTRY_SIZE);
	m->pba = calloc((nr + 63) / 64, sizeof(uint64_t));
	if (!m->table || !m->pba) {
		pci_msix_free(m);
		return -ENOMEM;
	}
	cap = pci_add_capability(d, PCI_CAP_ID_MSIX, MSIX_CAP_LEN);
	if (cap < 0) {
		pci_msix_free(m);
		return cap;
	}
	m->dev = d;
	m->cap = cap;
	m->nr = nr;
	m->msi = msi;
	m->opaque = opaque;
	d->cfg[cap + MSIX_CTRL] = (uint8_t)(nr - 1);
	d->cfg[cap + MSIX_CTRL + 1] = (uint8_t)((nr - 1) >> 8);
	d->wmask[cap + MSIX_CTRL + 1] = (PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL) >> 8;
	put32(d->cfg + cap + MSIX_TABLE, table_off | (uint32_t)bar);
	put32(d->cfg + cap + MSIX_PBA, pba_off | (uint32_t)bar);
	pci_msix_reset(m);
	return 0;
}

void pci_msix_free(struct pci_msix *m)
{
	free(m->table);
	free(m->pba);
	m->table = NULL;
	m->pba = NULL;
	m->nr = 0;
}

void pci_msix_reset(struct pci_msix *m)
{
	if (!m->table)
		return;
	memset(m->table, 0, (size_t)m->nr * PCI_MSIX_ENTRY_SIZE);
	for (unsigned v = 0; v < m->nr; v++)
		m->table[v * PCI_MSIX_ENTRY_SIZE + MSIX_ENTRY_CTRL] = MSIX_ENTRY_MASKED;
	memset(m->pba, 0, ((m->nr + 63) / 64) * sizeof(uint64_t));
}

int pci_msix_enabled(const struct pci_msix *m)
{
	return m->table && (ctrl(m) & PCI_MSIX_FLAGS_ENABLE);
}

static int vector_masked(const struct pci_msix *m, unsigned v)
{
	return (ctrl(m) & PCI_MSIX_FLAGS_MASKALL) ||
	       (m->table[v * PCI_MSIX_ENTRY_SIZE + MSIX_ENTRY_CTRL] & MSIX_ENTRY_MASKED);
}

static void send(struct pci_msix *m, unsigned v)
{
	const uint8_t *e = m->table + (size_t)v * PCI_MSIX_ENTRY_SIZE;
	uint64_t addr = get32(e) | (uint64_t)get32(e + 4) << 32;
	m->msi(m->opaque, addr, get32(e + 8));
}

int pci_msix_is_pending(const struct pci_msix *m, unsigned v)
{
	return m->table && v < m->nr && ((m->pba[v / 64] >> (v % 64)) & 1);
}

void pci_msix_notify(struct pci_msix *m, unsigned v)
{
	if (!m->table || v >= m->nr || !pci_msix_enabled(m))
		return;
	if (vector_masked(m, v)) {
		m->pba[v / 64] |= 1ULL << (v % 64);
		return;
	}
	send(m, v);
}

/* Send whatever became deliverable after a mask bit cleared. */
static void flush_pending(struct pci_msix *m, unsigned first, unsigned last)
{
	if (!pci_msix_enabled(m))
		return;
	for (unsigned v = first; v <= last && v < m->nr; v++) {
		if (pci_msix_is_pending(m, v) && !vector_masked(m, v)) {
			m->pba[v / 64] &= ~(1ULL << (v % 64));
			send(m, v);
		}
	}
}

uint64_t pci_msix_table_read(struct pci_msix *m, uint64_t off, unsigned size)
{
	uint64_t v = 0, len = (uint64_t)m->nr * PCI_MSIX_ENTRY_SIZE;
	if (size > 8)
		size = 8;
	for (unsigned i = 0; i < size; i++) {
		uint64_t o = off + i;
		v |= (uint64_t)(o < len ? m->table[o] : 0) << (8 * i);
	}
	return v;
}

void pci_msix_table_write(struct pci_msix *m, uint64_t off, unsigned size, uint64_t val)
{
	uint64_t len = (uint64_t)m->nr * PCI_MSIX_ENTRY_SIZE;
	if (size > 8)
		size = 8;
	if (off >= len)
		return;
	for (unsigned i = 0; i < size && off + i < len; i++) {
		uint64_t o = off + i;
		uint8_t b = (uint8_t)(val >> (8 * i));
		/* Vector Control: only the mask bit is writable. */
		if (o % PCI_MSIX_ENTRY_SIZE >= MSIX_ENTRY_CTRL)
			b = (o % PCI_MSIX_ENTRY_SIZE == MSIX_ENTRY_CTRL) ? (b & MSIX_ENTRY_MASKED) : 0;
		m->table[o] = b;
	}
	unsigned first = (unsigned)(off / PCI_MSIX_ENTRY_SIZE);
	unsigned last = (unsigned)((off + size - 1) / PCI_MSIX_ENTRY_SIZE);
	flush_pending(m, first, last);
}

uint64_t pci_msix_pba_read(struct pci_msix *m, uint64_t off, unsigned size)
{
	uint64_t v = 0, len = ((m->nr + 63) / 64) * 8ULL;
	if (size > 8)
		size = 8;
	for (unsigned i = 0; i < size; i++) {
		uint64_t o = off + i;
		if (o < len)
			v |= ((m->pba[o / 8] >> (8 * (o % 8))) & 0xff) << (8 * i);
	}
	return v;
}

void pci_msix_cfg_write(struct pci_msix *m, unsigned off, unsigned size)
{
	if (!m->table || off >= (unsigned)m->cap + MSIX_CTRL + 2 || off + size <= (unsigned)m->cap + MSIX_CTRL)
		return;
	flush_pending(m, 0, m->nr - 1);
}

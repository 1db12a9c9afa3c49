/*
 * Guest physical memory: the PC layout and checked accessors.
 */
#include "core/mem.h"
#include "layout.h"

#include <errno.h>
#include <string.h>
#include <sys/mman.h>

static void *map_ram(uint64_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	madvise(p, size, MADV_MERGEABLE);
	return p;
}

static int ranges_overlap(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a < b + blen && b < a + alen;
}

static void map_changed(struct guest_mem *m)
{
	__atomic_add_fetch(&m->gen, 1, __ATOMIC_RELEASE);
	if (m->on_map_change)
		m->on_map_change(m->on_map_opaque);
}

int mem_add_region(struct guest_mem *m, uint64_t gpa, uint64_t size, void *host, unsigned flags)
{
	int i;
	if (!size || gpa + size < gpa)
		return -EINVAL;
	if (m->nr >= MEM_MAX_REGIONS)
		return -ENOSPC;
	for (i = 0; i < m->nr; i++)
		if (ranges_overlap(gpa, size, m->r[i].gpa, m->r[i].size))
			return -EEXIST;
	/* keep sorted by gpa */
	for (i = m->nr; i > 0 && m->r[i - 1].gpa > gpa; i--)
		m->r[i] = m->r[i - 1];
	m->r[i] = (struct mem_region){ .gpa = gpa, .size = size, .host = host, .flags = flags };
	m->nr++;
	map_changed(m);
	return 0;
}

static int region_at(const struct guest_mem *m, uint64_t gpa)
{
	for (int i = 0; i < m->nr; i++)
		if (m->r[i].gpa == gpa)
			return i;
	return -1;
}

int mem_remove_region(struct guest_mem *m, uint64_t gpa)
{
	int i = region_at(m, gpa);
	if (i < 0)
		return -ENOENT;
	memmove(&m->r[i], &m->r[i + 1], (size_t)(m->nr - i - 1) * sizeof(m->r[0]));
	m->nr--;
	map_changed(m);
	return 0;
}

int mem_move_region(struct guest_mem *m, uint64_t from, uint64_t to)
{
	int i = region_at(m, from);
	struct mem_region r;
	void (*cb)(void *) = m->on_map_change;
	int err;
	if (i < 0)
		return -ENOENT;
	if (from == to)
		return 0;
	r = m->r[i];
	/* one notification for the whole move */
	m->on_map_change = NULL;
	mem_remove_region(m, from);
	err = mem_add_region(m, to, r.size, r.host, r.flags);
	if (err)
		mem_add_region(m, from, r.size, r.host, r.flags);
	m->on_map_change = cb;
	map_changed(m);
	return err;
}

int mem_set_flags(struct guest_mem *m, uint64_t gpa, unsigned flags)
{
	int i = region_at(m, gpa);
	if (i < 0)
		return -ENOENT;
	if (m->r[i].flags != flags) {
		m->r[i].flags = flags;
		map_changed(m);
	}
	return 0;
}

int mem_init(struct guest_mem *m, uint64_t ram_size)
{
	int err;
	memset(m, 0, sizeof(*m));
	if (ram_size < LAYOUT_HIGH_MEM * 2)
		return -EINVAL;
	/* Below 4 GiB usable RAM stops at the PCI hole; the rest goes above 4 GiB. */
	m->ram_size = ram_size;
	m->low_end = ram_size < LAYOUT_PCI_HOLE_START ? ram_size : LAYOUT_PCI_HOLE_START;
	m->low_host = map_ram(m->low_end);
	if (!m->low_host)
		return -ENOMEM;
	/* The legacy VGA window [0xa0000, 0xc0000) is left to MMIO devices. */
	err = mem_add_region(m, 0, LAYOUT_VGA_START, m->low_host, MEM_F_ANON);
	if (!err)
		err = mem_add_region(m, LAYOUT_VGA_END, m->low_end - LAYOUT_VGA_END,
				     m->low_host + LAYOUT_VGA_END, MEM_F_ANON);
	if (!err && ram_size > m->low_end) {
		uint64_t hsize = ram_size - m->low_end;
		m->high_host = map_ram(hsize);
		if (!m->high_host)
			err = -ENOMEM;
		else {
			m->high_end = LAYOUT_4G + hsize;
			err = mem_add_region(m, LAYOUT_4G, hsize, m->high_host, MEM_F_ANON);
		}
	}
	if (err)
		mem_destroy(m);
	return err;
}

void mem_destroy(struct guest_mem *m)
{
	if (m->low_host)
		munmap(m->low_host, m->low_end);
	if (m->high_host)
		munmap(m->high_host, m->high_end - LAYOUT_4G);
	memset(m, 0, sizeof(*m));
}

const struct mem_region *mem_find(const struct guest_mem *m, uint64_t gpa)
{
	for (int i = 0; i < m->nr; i++)
		if (gpa >= m->r[i].gpa && gpa - m->r[i].gpa < m->r[i].size)
			return &m->r[i];
	return NULL;
}

void *gpa_ptr(const struct guest_mem *m, uint64_t gpa, uint64_t len)
{
	const struct mem_region *r;
	uint64_t off;
	if (!len)
		len = 1;
	if (gpa + len < gpa)
		return NULL;
	r = mem_find(m, gpa);
	if (!r)
		return NULL;
	off = gpa - r->gpa;
	if (len > r->size - off)
		return NULL;
	return r->host + off;
}

void *gpa_ptr_w(const struct guest_mem *m, uint64_t gpa, uint64_t len)
{
	const struct mem_region *r = mem_find(m, gpa);
	void *p = gpa_ptr(m, gpa, len);
	if (!p || (r->flags & MEM_F_READONLY))
		return NULL;
	if (m->on_write)
		m->on_write(m->on_write_opaque, gpa, len ? len : 1);
	return p;
}

int gpa_valid(const struct guest_mem *m, uint64_t gpa, uint64_t len)
{
	while (len) {
		const struct mem_region *r = mem_find(m, gpa);
		uint64_t chunk;
		if (!r)
			return 0;
		chunk = r->size - (gpa - r->gpa);
		if (chunk >= len)
			return 1;
		len -= chunk;
		gpa += chunk;
		if (!gpa)	/* wrapped past 2^64 */
			return 0;
	}
	return 1;
}

int gpa_read(const struct guest_mem *m, uint64_t gpa, void *dst, uint64_t len)
{
	uint8_t *d = dst;
	if (!gpa_valid(m, gpa, len))
		return -EFAULT;
	while (len) {
		const struct mem_region *r = mem_find(m, gpa);
		uint64_t off = gpa - r->gpa, chunk = r->size - off;
		if (chunk > len)
			chunk = len;
		memcpy(d, r->host + off, chunk);
		d += chunk;
		gpa += chunk;
		len -= chunk;
	}
	return 0;
}

int gpa_write(const struct guest_mem *m, uint64_t gpa, const void *src, uint64_t len)
{
	const uint8_t *s = src;
	uint64_t start = gpa, total = len;
	if (!gpa_valid(m, gpa, len))
		return -EFAULT;
	for (uint64_t g = gpa, l = len; l;) {
		const struct mem_region *r = mem_find(m, g);
		uint64_t chunk = r->size - (g - r->gpa);
		if (r->flags & MEM_F_READONLY)
			return -EFAULT;
		if (chunk >= l)
			break;
		l -= chunk;
		g += chunk;
	}
	while (len) {
		const struct mem_region *r = mem_find(m, gpa);
		uint64_t off = gpa - r->gpa, chunk = r->size - off;
		if (chunk > len)
			chunk = len;
		memcpy(r->host + off, s, chunk);
		s += chunk;
		gpa += chunk;
		len -= chunk;
	}
	if (m->on_write && total)
		m->on_write(m->on_write_opaque, start, total);
	return 0;
}

/*
 * Large zeroing (a kernel's bss, a reboot) drops whole pages of hvm's own
 * anonymous mappings instead of writing them: they read back as zero and
 * cost nothing until touched.
 */
int gpa_zero(const struct guest_mem *m, uint64_t gpa, uint64_t len)
{
	const uint64_t pg = 4096;
	if (!gpa_valid(m, gpa, len))
		return -EFAULT;
	while (len) {
		const struct mem_region *r = mem_find(m, gpa);
		uint64_t off = gpa - r->gpa, chunk = r->size - off;
		uint8_t *p = r->host + off;
		if (r->flags & MEM_F_READONLY)
			return -EFAULT;
		if (chunk > len)
			chunk = len;
		if (m->on_write)
			m->on_write(m->on_write_opaque, gpa, chunk);
		uint64_t head = (pg - ((uintptr_t)p & (pg - 1))) & (pg - 1);
		if ((r->flags & MEM_F_ANON) && chunk >= head + pg) {
			uint64_t mid = (chunk - head) & ~(pg - 1);
			memset(p, 0, head);
			if (madvise(p + head, mid, MADV_DONTNEED))
				memset(p + head, 0, mid);
			memset(p + head + mid, 0, chunk - head - mid);
		} else {
			memset(p, 0, chunk);
		}
		gpa += chunk;
		len -= chunk;
	}
	return 0;
}

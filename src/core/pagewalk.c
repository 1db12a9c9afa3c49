/*
 * Read-only page walk: 32-bit (with PSE), PAE and 4-level paging, SDM vol. 3
 * ch. 4.  Permission bits are ignored: this only answers "where is it".
 */
#include "core/pagewalk.h"

#include <errno.h>

static int rd(const struct guest_mem *m, uint64_t gpa, int size, uint64_t *v)
{
	uint32_t v32;
	if (size == 4) {
		if (gpa_read(m, gpa, &v32, 4))
			return -EFAULT;
		*v = v32;
		return 0;
	}
	return gpa_read(m, gpa, v, 8) ? -EFAULT : 0;
}

int pagewalk(const struct cpu_state *s, const struct guest_mem *m, uint64_t lin, uint64_t *gpa)
{
	const uint64_t pa_mask = 0x000ffffffffff000ULL;
	uint64_t e;
	if (!(s->cr0 & CR0_PG)) {
		*gpa = lin & 0xffffffffULL;
		return 0;
	}
	if (!(s->cr4 & CR4_PAE)) {
		lin &= 0xffffffffULL;
		if (rd(m, (s->cr3 & 0xfffff000) + ((lin >> 22) << 2), 4, &e) || !(e & 1))
			return -EFAULT;
		if ((e & 0x80) && (s->cr4 & CR4_PSE)) {
			*gpa = (e & 0xffc00000ULL) | ((e & 0x1fe000ULL) << 19) | (lin & 0x3fffff);
			return 0;
		}
		if (rd(m, (e & 0xfffff000) + (((lin >> 12) & 0x3ff) << 2), 4, &e) || !(e & 1))
			return -EFAULT;
		*gpa = (e & 0xfffff000) | (lin & 0xfff);
		return 0;
	}
	int levels = (s->efer & EFER_LMA) ? 4 : 3;
	uint64_t table = (levels == 4) ? (s->cr3 & pa_mask) : (s->cr3 & 0xffffffe0ULL);
	if (levels == 3) {
		lin &= 0xffffffffULL;
		if (rd(m, table + ((lin >> 30) & 3) * 8, 8, &e) || !(e & 1))
			return -EFAULT;
		table = e & pa_mask;
		levels = 2;
	}
	for (int l = levels; l >= 1; l--) {
		int shift = 12 + 9 * (l - 1);
		if (rd(m, table + ((lin >> shift) & 0x1ff) * 8, 8, &e) || !(e & 1))
			return -EFAULT;
		if (l == 1 || ((e & 0x80) && l <= 3)) {
			uint64_t page_mask = (1ULL << shift) - 1;
			*gpa = (e & pa_mask & ~page_mask) | (lin & page_mask);
			return 0;
		}
		table = e & pa_mask;
	}
	return -EFAULT;
}

int read_guest_linear(const struct cpu_state *s, const struct guest_mem *m, uint64_t lin,
		      void *buf, int len)
{
	uint8_t *b = buf;
	int n = 0;
	while (n < len) {
		uint64_t gpa;
		if (pagewalk(s, m, lin + n, &gpa) || gpa_read(m, gpa, b + n, 1))
			break;
		n++;
	}
	return n;
}

/*
 * emu: linear and physical memory -- segment limit/type checks (SDM vol. 3,
 * 5.3-5.4), the page walk for 32-bit, PAE and 4-level paging (SDM vol. 3,
 * ch. 4) with atomic A/D updates, and a direct-mapped software TLB per access
 * type holding host addends, so a RAM access that hits is compare + add.
 *
 * Not emulated: PCID (CR3 reloads flush everything), protection keys,
 * SMEP/SMAP (not advertised), 5-level paging, the A20 gate, caching types.
 * Global pages are honoured by flushing more than needed, which is allowed.
 */
#include "engine/emu/emu_priv.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

static inline unsigned tlb_idx(uint64_t lin)
{
	return (lin >> 12) & (EMU_TLB_SIZE - 1);
}

void emu_tlb_flush(struct emu_cpu *cpu)
{
	memset(cpu->tlb, 0xff, sizeof(cpu->tlb));
	cpu->fc_page = ~0ULL;
}

void emu_tlb_flush_page(struct emu_cpu *cpu, uint64_t lin)
{
	unsigned i = tlb_idx(lin);
	for (int t = 0; t < TLB_NR; t++)
		cpu->tlb[t][i].tag = ~0ULL;
	cpu->fc_page = ~0ULL;
}

__attribute__((noreturn)) static void page_fault(struct emu_cpu *cpu, uint64_t lin, uint32_t pfec)
{
	cpu->st->cr2 = lin;
	emu_raise(cpu, EXC_PF, pfec);
}

/* Host pointer to a page-table entry, or NULL (not RAM: treated as not present). */
static void *pte_ptr(struct emu_cpu *cpu, uint64_t gpa, unsigned size)
{
	return gpa_ptr(cpu->mem, gpa & cpu->a20_mask, size);
}

static uint64_t pte_load(void *p, unsigned size)
{
	if (!p)
		return 0;
	if (size == 4)
		return __atomic_load_n((uint32_t *)p, __ATOMIC_RELAXED);
	return __atomic_load_n((uint64_t *)p, __ATOMIC_RELAXED);
}

static void pte_set_bits(void *p, unsigned size, uint64_t bits)
{
	if (!p)
		return;
	if (size == 4) {
		if ((*(uint32_t *)p & bits) != bits)
			__atomic_fetch_or((uint32_t *)p, (uint32_t)bits, __ATOMIC_SEQ_CST);
	} else if ((*(uint64_t *)p & bits) != bits) {
		__atomic_fetch_or((uint64_t *)p, bits, __ATOMIC_SEQ_CST);
	}
}

#define PTE_P	1ULL
#define PTE_W	2ULL
#define PTE_U	4ULL
#define PTE_A	0x20ULL
#define PTE_D	0x40ULL
#define PTE_PS	0x80ULL
#define PTE_NX	(1ULL << 63)
#define ADDR_MASK 0x000ffffffffff000ULL

/*
 * Walk the page tables for lin.  Returns 0 and the physical address, or a
 * #PF error code with bit 16 set.
 */
static int translate(struct emu_cpu *cpu, uint64_t lin, int acc, uint64_t *gpa);

/* Linear to physical, then the A20 gate: closed, address bit 20 reads as 0. */
int emu_translate(struct emu_cpu *cpu, uint64_t lin, int acc, uint64_t *gpa)
{
	int r = translate(cpu, lin, acc, gpa);
	*gpa &= cpu->a20_mask;
	return r;
}

static int translate(struct emu_cpu *cpu, uint64_t lin, int acc, uint64_t *gpa)
{
	struct cpu_state *st = cpu->st;
	int w = acc & ACC_W, u = acc & ACC_U, x = acc & ACC_X;
	void *ptr[4];
	unsigned nlev = 0, esz;
	uint64_t e, base, pa = 0, rsvd, nx_rsvd;
	int all_u = 1, all_w = 1, nx = 0, nxe = !!(st->efer & EFER_NXE), leaf_shift;
	uint32_t pfec = (w ? PFEC_W : 0) | (u ? PFEC_U : 0);

	if (!(st->cr0 & CR0_PG)) {
		*gpa = (st->efer & EFER_LMA) ? lin : (lin & 0xffffffffULL);
		return 0;
	}
	if (!(st->cr4 & CR4_PAE)) {
		/* 32-bit paging: two levels of 4-byte entries. */
		esz = 4;
		base = st->cr3 & 0xfffff000ULL;
		ptr[0] = pte_ptr(cpu, base + ((lin >> 22) & 0x3ff) * 4, 4);
		e = pte_load(ptr[0], 4);
		nlev = 1;
		if (!(e & PTE_P))
			return (int)(pfec | 0x10000);
		all_u &= !!(e & PTE_U);
		all_w &= !!(e & PTE_W);
		if ((e & PTE_PS) && (st->cr4 & CR4_PSE)) {
			uint64_t hi = (e >> 13) & 0xff;
			if (cpu->maxphy < 40)
				hi &= (1u << (cpu->maxphy - 32)) - 1;
			if (e & (1u << 21) || ((e >> 13) & 0xff) != hi)
				return (int)(pfec | PFEC_P | PFEC_RSVD | 0x10000);
			pa = (e & 0xffc00000ULL) | (hi << 32) | (lin & 0x3fffff);
			goto check;
		}
		ptr[1] = pte_ptr(cpu, (e & 0xfffff000ULL) + ((lin >> 12) & 0x3ff) * 4, 4);
		e = pte_load(ptr[1], 4);
		nlev = 2;
		if (!(e & PTE_P))
			return (int)(pfec | 0x10000);
		all_u &= !!(e & PTE_U);
		all_w &= !!(e & PTE_W);
		pa = (e & 0xfffff000ULL) | (lin & 0xfff);
		goto check;
	}

	esz = 8;
	rsvd = cpu->rsvd_mask;
	nx_rsvd = nxe ? 0 : PTE_NX;
	if (x && nxe)
		pfec |= PFEC_I;
	if (st->efer & EFER_LMA) {
		base = st->cr3 & ADDR_MASK;
		leaf_shift = 39;
	} else {
		/* PAE: the PDPTE is not part of the permission chain. */
		void *p = pte_ptr(cpu, (st->cr3 & 0xffffffe0ULL) + ((lin >> 30) & 3) * 8, 8);
		e = pte_load(p, 8);
		if (!(e & PTE_P))
			return (int)(pfec | 0x10000);
		if (e & (rsvd | 0x1e6ULL | PTE_NX))
			return (int)(pfec | PFEC_P | PFEC_RSVD | 0x10000);
		base = e & ADDR_MASK;
		leaf_shift = 21;
	}
	for (int shift = leaf_shift; shift >= 12; shift -= 9) {
		void *p = pte_ptr(cpu, base + ((lin >> shift) & 0x1ff) * 8, 8);
		ptr[nlev++] = p;
		e = pte_load(p, 8);
		if (!(e & PTE_P))
			return (int)(pfec | 0x10000);
		if (e & (rsvd | nx_rsvd))
			return (int)(pfec | PFEC_P | PFEC_RSVD | 0x10000);
		all_u &= !!(e & PTE_U);
		all_w &= !!(e & PTE_W);
		nx |= !!(e & PTE_NX) && nxe;
		if (shift == 39 && (e & PTE_PS))
			return (int)(pfec | PFEC_P | PFEC_RSVD | 0x10000);
		if ((shift == 30 || shift == 21) && (e & PTE_PS)) {
			uint64_t lmask = (1ULL << shift) - 1;
			if (e & (lmask & ~0x1fffULL) & ADDR_MASK)
				return (int)(pfec | PFEC_P | PFEC_RSVD | 0x10000);
			pa = (e & ADDR_MASK & ~lmask) | (lin & lmask);
			goto check;
		}
		base = e & ADDR_MASK;
		if (shift == 12)
			pa = base | (lin & 0xfff);
	}
check:
	if (u && !all_u)
		return (int)(pfec | PFEC_P | 0x10000);
	if (w && !all_w && (u || (st->cr0 & CR0_WP)))
		return (int)(pfec | PFEC_P | 0x10000);
	if (x && nx)
		return (int)(pfec | PFEC_P | 0x10000);
	for (unsigned i = 0; i < nlev; i++)
		pte_set_bits(ptr[i], esz, PTE_A | ((w && i == nlev - 1) ? PTE_D : 0));
	*gpa = pa;
	return 0;
}

/* Translate or raise #PF; fill the TLB for RAM pages. */
static uint64_t xlate(struct emu_cpu *cpu, uint64_t lin, int acc, int type)
{
	uint64_t gpa, pg;
	int r = emu_translate(cpu, lin, acc, &gpa);
	const struct mem_region *reg;
	if (r)
		page_fault(cpu, lin, (uint32_t)r & 0xffff);
	pg = gpa & ~0xfffULL;
	if (unlikely(cpu->data_bp) && type != TLB_EXEC)
		return gpa;	/* watched: keep data accesses on the slow path */
	reg = mem_find(cpu->mem, pg);
	if (reg && pg - reg->gpa + 4096 <= reg->size &&
	    !(type == TLB_WRITE && (reg->flags & MEM_F_READONLY))) {
		struct emu_tlb_entry *e = &cpu->tlb[type][tlb_idx(lin)];
		e->tag = (lin & ~0xfffULL) | ((acc & ACC_U) ? 1 : 0);
		e->addend = (uintptr_t)(reg->host + (pg - reg->gpa)) - (uintptr_t)(lin & ~0xfffULL);
		e->gpa = pg;
	}
	return gpa;
}

static void phys_read(struct emu_cpu *cpu, uint64_t gpa, uint8_t *buf, unsigned len)
{
	const struct mem_region *r = mem_find(cpu->mem, gpa);
	if (r && len <= r->size - (gpa - r->gpa)) {
		memcpy(buf, r->host + (gpa - r->gpa), len);
		return;
	}
	while (len) {
		unsigned n = len >= 8 && !(gpa & 7) ? 8 : len >= 4 && !(gpa & 3) ? 4 :
			     len >= 2 && !(gpa & 1) ? 2 : 1;
		uint64_t v = ~0ULL;
		r = mem_find(cpu->mem, gpa);
		if (r) {
			n = 1;
			v = r->host[gpa - r->gpa];
		} else if (cpu->io && cpu->io->mmio_read) {
			v = cpu->io->mmio_read(cpu->io_opaque, gpa, n);
		}
		memcpy(buf, &v, n);
		buf += n;
		gpa += n;
		len -= n;
	}
}

static void phys_write(struct emu_cpu *cpu, uint64_t gpa, const uint8_t *buf, unsigned len)
{
	const struct mem_region *r = mem_find(cpu->mem, gpa);
	if (r && len <= r->size - (gpa - r->gpa)) {
		if (!(r->flags & MEM_F_READONLY))
			memcpy(r->host + (gpa - r->gpa), buf, len);
		return;
	}
	while (len) {
		unsigned n = len >= 8 && !(gpa & 7) ? 8 : len >= 4 && !(gpa & 3) ? 4 :
			     len >= 2 && !(gpa & 1) ? 2 : 1;
		uint64_t v = 0;
		r = mem_find(cpu->mem, gpa);
		if (r) {
			n = 1;
			if (!(r->flags & MEM_F_READONLY))
				r->host[gpa - r->gpa] = *buf;
		} else if (cpu->io && cpu->io->mmio_write) {
			memcpy(&v, buf, n);
			cpu->io->mmio_write(cpu->io_opaque, gpa, n, v);
		}
		buf += n;
		gpa += n;
		len -= n;
	}
}

static inline int acc_user(struct emu_cpu *cpu, int sys)
{
	return !sys && cpu->cpl == 3;
}

/* Slow path: translate every page first (all faults before any side effect), then copy. */
/* DR0-3 data breakpoints (RW = 01 write, 11 read/write): record hits for a trap after the instruction. */
static void check_data_bp(struct emu_cpu *cpu, uint64_t lin, unsigned len, int write)
{
	static const unsigned lens[4] = { 1, 2, 8, 4 };
	uint64_t dr7 = cpu->st->dr[7];
	for (int i = 0; i < 4; i++) {
		unsigned rw = (dr7 >> (16 + i * 4)) & 3, bl = lens[(dr7 >> (18 + i * 4)) & 3];
		uint64_t a = cpu->st->dr[i] & ~(uint64_t)(bl - 1);
		if (!((dr7 >> (i * 2)) & 3) || !(rw == 3 || (rw == 1 && write)))
			continue;
		if (lin < a + bl && a < lin + len)
			cpu->bp_hits |= (uint8_t)(1u << i);
	}
}

static void lin_access(struct emu_cpu *cpu, uint64_t lin, uint8_t *buf, unsigned len, int write,
		       int sys)
{
	if (unlikely(cpu->data_bp) && !sys)
		check_data_bp(cpu, lin, len, write);
	int acc = (write ? ACC_W : 0) | (acc_user(cpu, sys) ? ACC_U : 0);
	int type = write ? TLB_WRITE : TLB_READ;
	uint64_t gpas[2];
	unsigned first = 4096 - (unsigned)(lin & 0xfff);
	if (len <= first) {
		gpas[0] = xlate(cpu, lin, acc, type);
		if (write)
			phys_write(cpu, gpas[0], buf, len);
		else
			phys_read(cpu, gpas[0], buf, len);
		return;
	}
	if (len > 4096) {
		/* Long buffers: check every page, then go page by page. */
		for (uint64_t o = 0; o < len; o += 4096 - ((lin + o) & 0xfff))
			xlate(cpu, lin + o, acc, type);
		while (len) {
			unsigned n = 4096 - (unsigned)(lin & 0xfff);
			if (n > len)
				n = len;
			lin_access(cpu, lin, buf, n, write, sys);
			lin += n;
			buf += n;
			len -= n;
		}
		return;
	}
	gpas[0] = xlate(cpu, lin, acc, type);
	gpas[1] = xlate(cpu, lin + first, acc, type);
	if (write) {
		phys_write(cpu, gpas[0], buf, first);
		phys_write(cpu, gpas[1], buf + first, len - first);
	} else {
		phys_read(cpu, gpas[0], buf, first);
		phys_read(cpu, gpas[1], buf + first, len - first);
	}
}

uint64_t emu_read_lin(struct emu_cpu *cpu, uint64_t lin, unsigned size, int sys)
{
	struct emu_tlb_entry *e = &cpu->tlb[TLB_READ][tlb_idx(lin)];
	uint64_t v = 0;
	if (likely(e->tag == ((lin & ~0xfffULL) | (uint64_t)acc_user(cpu, sys)) &&
		   (lin & 0xfff) + size <= 4096 && size <= 8 && !(size & (size - 1))))
		return host_ld((void *)(uintptr_t)(lin + e->addend), size);
	lin_access(cpu, lin, (uint8_t *)&v, size, 0, sys);
	return v;
}

void emu_write_lin(struct emu_cpu *cpu, uint64_t lin, unsigned size, uint64_t val, int sys)
{
	struct emu_tlb_entry *e = &cpu->tlb[TLB_WRITE][tlb_idx(lin)];
	if (likely(e->tag == ((lin & ~0xfffULL) | (uint64_t)acc_user(cpu, sys)) &&
		   (lin & 0xfff) + size <= 4096 && size <= 8 && !(size & (size - 1)))) {
		host_st((void *)(uintptr_t)(lin + e->addend), size, val);
		return;
	}
	lin_access(cpu, lin, (uint8_t *)&val, size, 1, sys);
}

uint64_t emu_canon(uint64_t v)
{
	return (uint64_t)((int64_t)(v << 16) >> 16);
}

__attribute__((noreturn)) static void seg_fault(int seg, struct emu_cpu *cpu)
{
	emu_raise(cpu, seg == S_SS ? EXC_SS : EXC_GP, 0);
}

uint64_t emu_linear(struct emu_cpu *cpu, int seg, uint64_t off, unsigned len, int write)
{
	const struct seg *s = &cpu->st->seg[seg];
	uint64_t last;
	if (likely(cpu->mode == MODE_LONG64)) {
		uint64_t lin = off + (seg >= S_FS ? s->base : 0);
		if (unlikely(!emu_is_canon(lin) || !emu_is_canon(lin + (len ? len - 1 : 0))))
			seg_fault(seg, cpu);
		return lin;
	}
	if (emu_prot(cpu)) {
		unsigned type = SEG_TYPE(s->attr);
		if (unlikely(s->attr & SEG_UNUSABLE))
			seg_fault(seg, cpu);
		if (write ? ((type & 8) || !(type & 2)) : ((type & 0xa) == 0x8))
			seg_fault(seg, cpu);
		if ((type & 0xc) == 0x4) {
			/* expand-down data: valid offsets are (limit, top] */
			uint64_t top = (s->attr & SEG_DB) ? 0xffffffffULL : 0xffffULL;
			last = off + (len ? len - 1 : 0);
			if (off <= s->limit || last > top || last < off)
				seg_fault(seg, cpu);
			return (s->base + off) & 0xffffffffULL;
		}
	}
	last = off + (len ? len - 1 : 0);
	if (unlikely(last > s->limit || last < off))
		seg_fault(seg, cpu);
	return (s->base + off) & 0xffffffffULL;
}

uint64_t emu_read(struct emu_cpu *cpu, int seg, uint64_t off, unsigned size)
{
	return emu_read_lin(cpu, emu_linear(cpu, seg, off, size, 0), size, 0);
}

void emu_write(struct emu_cpu *cpu, int seg, uint64_t off, unsigned size, uint64_t val)
{
	emu_write_lin(cpu, emu_linear(cpu, seg, off, size, 1), size, val, 0);
}

void emu_read_buf(struct emu_cpu *cpu, int seg, uint64_t off, void *buf, unsigned len)
{
	if (!len)
		return;
	lin_access(cpu, emu_linear(cpu, seg, off, len, 0), buf, len, 0, 0);
}

void emu_write_buf(struct emu_cpu *cpu, int seg, uint64_t off, const void *buf, unsigned len)
{
	if (!len)
		return;
	lin_access(cpu, emu_linear(cpu, seg, off, len, 1), (uint8_t *)buf, len, 1, 0);
}

void emu_check_write(struct emu_cpu *cpu, int seg, uint64_t off, unsigned len)
{
	uint64_t lin;
	int acc = ACC_W | (acc_user(cpu, 0) ? ACC_U : 0);
	if (!len)
		return;
	lin = emu_linear(cpu, seg, off, len, 1);
	for (uint64_t o = 0; o < len; o += 4096 - ((lin + o) & 0xfff))
		xlate(cpu, lin + o, acc, TLB_WRITE);
	xlate(cpu, lin + len - 1, acc, TLB_WRITE);
}

void *emu_ptr_rw(struct emu_cpu *cpu, int seg, uint64_t off, unsigned size)
{
	uint64_t lin = emu_linear(cpu, seg, off, size, 1);
	int user = acc_user(cpu, 0);
	struct emu_tlb_entry *e = &cpu->tlb[TLB_WRITE][tlb_idx(lin)];
	if ((lin & 0xfff) + size > 4096)
		return NULL;
	if (e->tag != ((lin & ~0xfffULL) | (uint64_t)user)) {
		xlate(cpu, lin, ACC_W | (user ? ACC_U : 0), TLB_WRITE);
		if (e->tag != ((lin & ~0xfffULL) | (uint64_t)user))
			return NULL;
	}
	return (void *)(uintptr_t)(lin + e->addend);
}

/* ---- stack ---- */

unsigned emu_stack_size(struct emu_cpu *cpu)
{
	if (cpu->mode == MODE_LONG64)
		return 8;
	return (cpu->st->seg[S_SS].attr & SEG_DB) ? 4 : 2;
}

static void set_sp(struct emu_cpu *cpu, uint64_t sp)
{
	uint64_t m = emu_sp_mask(cpu);
	cpu->st->regs[R_SP] = (cpu->st->regs[R_SP] & ~m) | (sp & m);
}

void emu_stack_push(struct emu_cpu *cpu, unsigned size, uint64_t v)
{
	uint64_t sp = (cpu->st->regs[R_SP] - size) & emu_sp_mask(cpu);
	mem_write(cpu, S_SS, sp, size, v);
	set_sp(cpu, sp);
}

uint64_t emu_stack_read(struct emu_cpu *cpu, unsigned size, unsigned depth)
{
	uint64_t sp = (cpu->st->regs[R_SP] + depth) & emu_sp_mask(cpu);
	return mem_read(cpu, S_SS, sp, size);
}

uint64_t emu_stack_pop(struct emu_cpu *cpu, unsigned size)
{
	uint64_t sp = cpu->st->regs[R_SP] & emu_sp_mask(cpu);
	uint64_t v = mem_read(cpu, S_SS, sp, size);
	set_sp(cpu, sp + size);
	return v;
}

/* ---- instruction fetch ---- */

/*
 * Decoded instructions are cached by host address and mode.  A hit is
 * re-validated against the bytes in memory, so self- and cross-modifying
 * code needs no invalidation machinery.  Entries are allocated in order from
 * an arena, so straight-line code decoded in sequence lies in consecutive
 * entries: the fall-through successor is tried at prev + 1 (validated like
 * any hit) before the hash table, and the walk stays in the same cache lines.
 * When the arena is full, allocation wraps and old entries are reused; a
 * stale hash slot or successor simply fails validation.
 */
#define DC_BITS 16
#define DC_TAB_BITS 15
#define dc_entry emu_dc_entry

struct emu_dcache {
	uint32_t cursor;			/* next arena entry to allocate */
	uint32_t tab[1u << DC_TAB_BITS];	/* hash of the host address -> arena index */
	struct dc_entry e[(1u << DC_BITS) + 1];	/* + an entry that never validates (hp NULL) */
};

/*
 * The arena is a few MiB that the loop walks at random: on 2 MiB pages where
 * the host has transparent huge pages on request, so that walking it does
 * not keep missing the host's TLB.
 */
#define DC_ALIGN (2u << 20)
#define DC_MAP_SIZE ((sizeof(struct emu_dcache) + DC_ALIGN - 1) & ~(size_t)(DC_ALIGN - 1))

void *emu_dcache_new(void)
{
	void *p = mmap(NULL, DC_MAP_SIZE + DC_ALIGN, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uintptr_t a;
	if (p == MAP_FAILED)
		return NULL;
	/* keep only the 2 MiB aligned DC_MAP_SIZE bytes */
	a = ((uintptr_t)p + DC_ALIGN - 1) & ~(uintptr_t)(DC_ALIGN - 1);
	if (a > (uintptr_t)p)
		munmap(p, a - (uintptr_t)p);
	munmap((void *)(a + DC_MAP_SIZE), (uintptr_t)p + DC_ALIGN - a);
	madvise((void *)a, DC_MAP_SIZE, MADV_HUGEPAGE);
	return (void *)a;
}

void emu_dcache_free(void *dc)
{
	if (dc)
		munmap(dc, DC_MAP_SIZE);
}

static __attribute__((noinline)) struct dc_entry *dc_fill(struct emu_cpu *cpu, struct dc_entry *d,
							  const uint8_t *p, uint32_t key)
{
	unsigned len;
	int r;
	d->hp = NULL;
	d->tgt = 0;
	r = emu_decode(cpu, &d->in, p, 15);
	if (r == -2)
		emu_ud(cpu);
	if (r)
		emu_raise(cpu, EXC_GP, 0);
	len = d->in.len;
	d->m0 = len >= 8 ? ~0ULL : (1ULL << (len * 8)) - 1;
	d->m1 = len > 8 ? (1ULL << ((len - 8) * 8)) - 1 : 0;
	memcpy(&d->b0, p, 8);
	memcpy(&d->b1, p + 8, 8);
	d->b0 &= d->m0;
	d->b1 &= d->m1;
	d->hp = p;
	d->key = key;
	return d;
}

#define dc_valid emu_dc_valid

static inline struct emu_insn *fetch_cached(struct emu_cpu *cpu, const uint8_t *p, uint32_t key)
{
	struct emu_dcache *dc = cpu->dcache;
	struct dc_entry *prev = cpu->dc_last, *d;
	uintptr_t h;
	uint32_t *slot;
	/* dc_last is an arena entry, e[] has one spare entry after the arena, and
	 * tgt always names an arena entry (0 after a fill: the entry itself) */
	if (likely(prev != NULL)) {
		if (likely(dc_valid(prev + 1, p, key))) {
			cpu->dc_last = prev + 1;
			return &prev[1].in;
		}
		if (dc_valid(prev + prev->tgt, p, key)) {
			cpu->dc_last = prev + prev->tgt;
			return &prev[prev->tgt].in;
		}
	}
	h = (uintptr_t)p;
	slot = &dc->tab[(h ^ (h >> DC_TAB_BITS) ^ (h >> (2 * DC_TAB_BITS))) & ((1u << DC_TAB_BITS) - 1)];
	d = &dc->e[*slot];
	if (unlikely(!dc_valid(d, p, key))) {
		uint32_t i = dc->cursor;
		if (i >= 1u << DC_BITS)
			i = 0;
		d = dc_fill(cpu, &dc->e[i], p, key);
		dc->cursor = i + 1;
		*slot = i;
	}
	if (prev)
		prev->tgt = (int32_t)(d - prev);
	cpu->dc_last = d;
	return &d->in;
}

static inline uint32_t dc_key(const struct emu_cpu *cpu)
{
	return cpu->mode | (uint32_t)cpu->def_osz << 4 | (uint32_t)cpu->def_asz << 8;
}

static __attribute__((noinline)) struct emu_insn *fetch_slow(struct emu_cpu *cpu, struct emu_insn *in)
{
	struct cpu_state *st = cpu->st;
	uint64_t rip = st->rip, lin;
	unsigned lim = 15, avail, off;
	struct emu_tlb_entry *e;
	int user = cpu->cpl == 3, r;

	if (cpu->mode == MODE_LONG64) {
		lin = rip;
		if (!emu_is_canon(lin))
			emu_raise(cpu, EXC_GP, 0);
	} else {
		const struct seg *cs = &st->seg[S_CS];
		if (rip > cs->limit)
			emu_raise(cpu, EXC_GP, 0);
		if (cs->limit - rip + 1 < lim)
			lim = (unsigned)(cs->limit - rip + 1);
		lin = (cs->base + rip) & 0xffffffffULL;
	}
	off = lin & 0xfff;
	e = &cpu->tlb[TLB_EXEC][tlb_idx(lin)];
	if (e->tag != ((lin & ~0xfffULL) | (uint64_t)user)) {
		xlate(cpu, lin, ACC_X | (user ? ACC_U : 0), TLB_EXEC);
		if (e->tag != ((lin & ~0xfffULL) | (uint64_t)user))
			goto slow;	/* not RAM */
	}
	if (likely(lim == 15 && off <= 4096 - 16 && cpu->dcache))
		return fetch_cached(cpu, (const uint8_t *)(uintptr_t)(lin + e->addend), dc_key(cpu));
	avail = 4096 - off;
	if (avail > lim)
		avail = lim;
	r = emu_decode(cpu, in, (const uint8_t *)(uintptr_t)(lin + e->addend), avail);
	if (likely(r == 0))
		return in;
	if (r == -2)
		emu_ud(cpu);
	if (r == -3 || avail == lim)
		emu_raise(cpu, EXC_GP, 0);
slow:
	/* Crosses a page (or runs from MMIO): gather the bytes, faulting on the next page only now. */
	{
		unsigned n = 0;
		while (n < lim) {
			uint64_t l = lin + n, gpa;
			unsigned chunk = 4096 - (unsigned)(l & 0xfff);
			if (cpu->mode != MODE_LONG64)
				l &= 0xffffffffULL;
			if (chunk > lim - n)
				chunk = lim - n;
			gpa = xlate(cpu, l, ACC_X | (user ? ACC_U : 0), TLB_EXEC);
			phys_read(cpu, gpa, cpu->fetch_buf + n, chunk);
			n += chunk;
			r = emu_decode(cpu, in, cpu->fetch_buf, n);
			if (r == 0)
				return in;
			if (r == -2)
				emu_ud(cpu);
			if (r == -3)
				break;
		}
		emu_raise(cpu, EXC_GP, 0);
	}
}
struct emu_insn *emu_fetch_insn(struct emu_cpu *cpu, struct emu_insn *in)
{
	/* 64-bit code on a cached page, not within 16 bytes of its end: no segment to check,
	 * and a TLB tag is always canonical.  The page of the last fetch is remembered
	 * (until the TLB is flushed or the CPL changes) to skip the TLB lookup. */
	if (likely(cpu->mode == MODE_LONG64 && cpu->dcache)) {
		uint64_t lin = cpu->st->rip;
		const struct emu_tlb_entry *e;
		if (likely((lin & ~0xfffULL) == cpu->fc_page && cpu->cpl == cpu->fc_cpl &&
			   (lin & 0xfff) <= 4096 - 16))
			return fetch_cached(cpu, (const uint8_t *)(cpu->fc_host + (lin & 0xfff)),
					    EMU_DC_KEY64);
		e = &cpu->tlb[TLB_EXEC][tlb_idx(lin)];
		if (likely(e->tag == ((lin & ~0xfffULL) | (uint64_t)(cpu->cpl == 3)) &&
			   (lin & 0xfff) <= 4096 - 16)) {
			cpu->fc_page = lin & ~0xfffULL;
			cpu->fc_host = (uintptr_t)(lin & ~0xfffULL) + e->addend;
			cpu->fc_cpl = cpu->cpl;
			return fetch_cached(cpu, (const uint8_t *)(uintptr_t)(lin + e->addend),
					    EMU_DC_KEY64);
		}
	}
	return fetch_slow(cpu, in);
}

void *emu_lin_hostptr(struct emu_cpu *cpu, uint64_t lin, int write)
{
	int user = acc_user(cpu, 0), type = write ? TLB_WRITE : TLB_READ;
	struct emu_tlb_entry *e = &cpu->tlb[type][tlb_idx(lin)];
	uint64_t tag = (lin & ~0xfffULL) | (uint64_t)user;
	if (e->tag != tag) {
		xlate(cpu, lin, (write ? ACC_W : 0) | (user ? ACC_U : 0), type);
		if (e->tag != tag)
			return NULL;
	}
	return (void *)(uintptr_t)(lin + e->addend);
}

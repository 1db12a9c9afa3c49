/*
 * Guest physical memory.  RAM is one anonymous MAP_NORESERVE mapping per
 * region; the PCI/APIC hole [LAYOUT_PCI_HOLE_START, 4 GiB) has no RAM and RAM
 * above it is relocated to 4 GiB, as on a PC.
 *
 * Every guest-supplied address goes through gpa_ptr()/gpa_read()/gpa_write():
 * they check overflow and that the whole range lies inside one region.
 */
#ifndef HVM_MEM_H
#define HVM_MEM_H

#include <stddef.h>
#include <stdint.h>

#define MEM_MAX_REGIONS 48

enum {
	MEM_F_READONLY = 1,	/* ROM: guest writes are dropped */
	MEM_F_ANON = 2,		/* hvm's own anonymous mapping: pages can be dropped to zero them */
};

struct mem_region {
	uint64_t gpa;
	uint64_t size;
	uint8_t *host;
	unsigned flags;
};

struct guest_mem {
	struct mem_region r[MEM_MAX_REGIONS];
	int nr;
	uint64_t ram_size;	/* total RAM bytes the user asked for */
	uint64_t low_end;	/* end of RAM below the PCI hole */
	uint64_t high_end;	/* end of RAM above 4 GiB (0 if none) */
	uint8_t *low_host;	/* mapping backing [0, low_end) */
	uint8_t *high_host;	/* mapping backing [4G, high_end) */
	/*
	 * Called for writes that don't go through a CPU engine (device DMA,
	 * loaders), so the emu engine can drop translated code for the page.
	 */
	void (*on_write)(void *opaque, uint64_t gpa, uint64_t len);
	void *on_write_opaque;
	/*
	 * Called after the map changed (a region added, removed or its flags
	 * changed: a PCI BAR moved, PAM shadowing reprogrammed), so engines
	 * drop cached translations (emu's TLBs, KVM's memory slots).  Runs on
	 * the thread that made the change, with the device-model lock held.
	 * Other vCPUs may still be running: changes are meant for firmware-time
	 * reprogramming (BARs, PAM), not for RAM a running guest depends on.
	 */
	void (*on_map_change)(void *opaque);
	void *on_map_opaque;
	unsigned gen;		/* bumped by every map change */
};

/* Map `ram_size` bytes of RAM with the PC layout.  Returns 0 or -errno. */
int mem_init(struct guest_mem *m, uint64_t ram_size);
void mem_destroy(struct guest_mem *m);

/* Add a region backed by caller-owned `host` (ROM or extra RAM). -EEXIST on overlap. */
int mem_add_region(struct guest_mem *m, uint64_t gpa, uint64_t size, void *host, unsigned flags);

/* Remove the region that starts exactly at gpa.  0 or -ENOENT. */
int mem_remove_region(struct guest_mem *m, uint64_t gpa);
/* Move the region that starts at `from` to `to` (same size/host).  0, -ENOENT or -EEXIST. */
int mem_move_region(struct guest_mem *m, uint64_t from, uint64_t to);
/* Replace the flags of the region that starts exactly at gpa.  0 or -ENOENT. */
int mem_set_flags(struct guest_mem *m, uint64_t gpa, unsigned flags);

/* Region containing gpa, or NULL. */
const struct mem_region *mem_find(const struct guest_mem *m, uint64_t gpa);

/*
 * Host pointer to [gpa, gpa+len) if the whole range is inside one region,
 * else NULL.  len 0 is treated as 1.  gpa_ptr_w also refuses read-only
 * regions and reports the range to on_write.
 */
void *gpa_ptr(const struct guest_mem *m, uint64_t gpa, uint64_t len);
void *gpa_ptr_w(const struct guest_mem *m, uint64_t gpa, uint64_t len);

/* Copy helpers; the range may span adjacent regions.  0 or -EFAULT (nothing copied). */
int gpa_read(const struct guest_mem *m, uint64_t gpa, void *dst, uint64_t len);
int gpa_write(const struct guest_mem *m, uint64_t gpa, const void *src, uint64_t len);

/* Zero [gpa, gpa+len) of writable memory (may span regions).  0 or -EFAULT. */
int gpa_zero(const struct guest_mem *m, uint64_t gpa, uint64_t len);

/* True if [gpa, gpa+len) is all RAM/ROM. */
int gpa_valid(const struct guest_mem *m, uint64_t gpa, uint64_t len);

#endif

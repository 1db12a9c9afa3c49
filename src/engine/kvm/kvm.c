/*
 * The kvm engine, VM level: creating the VM with KVM's in-kernel
 * PIC/IOAPIC/LAPIC and PIT, memory slots, interrupt lines, and the
 * engine_ops table (Documentation/virt/kvm/api.rst, sections 4.x).
 * Probing lives in kvm_probe.c, vCPUs in vcpu_kvm.c.
 *
 * Not used: split irqchip, irqfd/ioeventfd,
 * coalesced MMIO, dirty logging, GSI routing beyond KVM's default (ISA IRQ
 * n == GSI n on both PIC and IOAPIC).
 */
#include "engine/kvm/kvm_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "core/log.h"
#include "core/vm.h"

/* ioctl that retries EINTR; returns the result or -errno. */
static int kioctl(int fd, unsigned long req, void *arg)
{
	int r;
	do
		r = ioctl(fd, req, arg);
	while (r < 0 && errno == EINTR);
	return r < 0 ? -errno : r;
}

/* KVM_GET_SUPPORTED_CPUID grows its buffer until KVM stops saying E2BIG. */
static int get_supported_cpuid(struct kvm_vm *k)
{
	for (int nent = 64; nent <= 4096; nent *= 2) {
		struct kvm_cpuid2 *c = calloc(1, sizeof(*c) + nent * sizeof(c->entries[0]));
		int r;
		if (!c)
			return -ENOMEM;
		c->nent = nent;
		r = kioctl(k->sys_fd, KVM_GET_SUPPORTED_CPUID, c);
		if (r == -E2BIG) {
			free(c);
			continue;
		}
		if (r < 0) {
			free(c);
			return r;
		}
		k->supported = malloc(c->nent * sizeof(c->entries[0]) + 1);
		if (!k->supported) {
			free(c);
			return -ENOMEM;
		}
		memcpy(k->supported, c->entries, c->nent * sizeof(c->entries[0]));
		k->nr_supported = (int)c->nent;
		free(c);
		return 0;
	}
	return -E2BIG;
}

static int get_msr_list(struct kvm_vm *k)
{
	struct kvm_msr_list probe = { .nmsrs = 0 };
	struct kvm_msr_list *l;
	int r = kioctl(k->sys_fd, KVM_GET_MSR_INDEX_LIST, &probe);

	/* The first call only reports the count, failing with E2BIG. */
	if (r < 0 && r != -E2BIG)
		return r;
	if (probe.nmsrs > 65536)
		return -E2BIG;
	l = calloc(1, sizeof(*l) + (probe.nmsrs + 1) * sizeof(l->indices[0]));
	if (!l)
		return -ENOMEM;
	l->nmsrs = probe.nmsrs;
	r = kioctl(k->sys_fd, KVM_GET_MSR_INDEX_LIST, l);
	if (r >= 0)
		k->nr_msrs = kvm_msrs_select(l->indices, (int)l->nmsrs, k->msrs, KVM_MAX_MSRS);
	free(l);
	return r < 0 ? r : 0;
}

static int set_slot(struct kvm_vm *k, int id, const struct mem_region *m)
{
	struct kvm_userspace_memory_region slot = {
		.slot = (uint32_t)id,
		.guest_phys_addr = m->gpa,
		.memory_size = m->size,
		.userspace_addr = (uintptr_t)m->host,
	};
	int r;
	if (m->size && (m->flags & MEM_F_READONLY)) {
		if (k->have_readonly_mem)
			slot.flags |= KVM_MEM_READONLY;
		else
			pr_warn("kvm: no KVM_CAP_READONLY_MEM: ROM at %#llx is writable",
				(unsigned long long)m->gpa);
	}
	r = kioctl(k->vm_fd, KVM_SET_USER_MEMORY_REGION, &slot);
	if (r < 0)
		pr_err("kvm: KVM_SET_USER_MEMORY_REGION %#llx+%#llx: %s",
		       (unsigned long long)m->gpa, (unsigned long long)m->size, strerror(-r));
	return r;
}

static int same_region(const struct mem_region *a, const struct mem_region *b)
{
	return a->gpa == b->gpa && a->size == b->size && a->host == b->host &&
	       a->flags == b->flags;
}

/*
 * Bring KVM's slots in line with vm->mem: slots whose region is gone or
 * changed are deleted first (KVM refuses overlapping slots), then new
 * regions take free slot numbers.
 */
int kvm_update_slots(struct vm *vm)
{
	struct kvm_vm *k = vm->eng;
	long page = sysconf(_SC_PAGESIZE);
	int i, j, r;

	if (!k)
		return -EINVAL;
	for (i = 0; i < MEM_MAX_REGIONS; i++) {
		int keep = 0;
		if (!k->slot[i].size)
			continue;
		for (j = 0; j < vm->mem.nr && !keep; j++)
			keep = same_region(&k->slot[i], &vm->mem.r[j]);
		if (!keep) {
			struct mem_region gone = k->slot[i];
			gone.size = 0;
			if ((r = set_slot(k, i, &gone)) < 0)
				return r;
			k->slot[i].size = 0;
		}
	}
	for (j = 0; j < vm->mem.nr; j++) {
		const struct mem_region *m = &vm->mem.r[j];
		int have = 0, free_id = -1;
		for (i = 0; i < MEM_MAX_REGIONS && !have; i++) {
			have = k->slot[i].size && same_region(&k->slot[i], m);
			if (!k->slot[i].size && free_id < 0)
				free_id = i;
		}
		if (have)
			continue;
		if ((m->gpa | m->size | (uintptr_t)m->host) & (uint64_t)(page - 1)) {
			pr_err("kvm: memory region %#llx+%#llx is not page aligned",
			       (unsigned long long)m->gpa, (unsigned long long)m->size);
			return -EINVAL;
		}
		if (free_id < 0)
			return -ENOSPC;
		if ((r = set_slot(k, free_id, m)) < 0)
			return r;
		k->slot[free_id] = *m;
	}
	return 0;
}

static void kvm_vm_free(struct kvm_vm *k)
{
	if (!k)
		return;
	if (k->vm_fd >= 0)
		close(k->vm_fd);
	if (k->sys_fd >= 0)
		close(k->sys_fd);
	free(k->supported);
	free(k);
}

/* The guest memory map changed (a BAR moved, PAM shadowing): resync KVM's slots. */
static void kvm_map_changed(void *opaque)
{
	struct vm *vm = opaque;
	if (vm->eng && kvm_update_slots(vm) < 0)
		pr_err("kvm: memory map change not applied");
}

static int kvm_vm_init(struct vm *vm)
{
	char why[160];
	struct kvm_vm *k = calloc(1, sizeof(*k));
	struct kvm_pit_config pit = { .flags = KVM_PIT_SPEAKER_DUMMY };
	uint64_t ident = KVM_IDENTITY_MAP_ADDR;
	int r;

	if (!k)
		return -ENOMEM;
	k->vm_fd = -1;
	k->sys_fd = kvm_open_dev(why, sizeof(why));
	if (k->sys_fd < 0) {
		r = k->sys_fd;
		pr_err("kvm: %s", why);
		goto fail;
	}
	k->have_readonly_mem = kvm_check_ext(k->sys_fd, KVM_CAP_READONLY_MEM);
	k->have_tsc_deadline = kvm_check_ext(k->sys_fd, KVM_CAP_TSC_DEADLINE_TIMER);
	k->have_vcpu_events = kvm_check_ext(k->sys_fd, KVM_CAP_VCPU_EVENTS);
	k->have_debugregs = kvm_check_ext(k->sys_fd, KVM_CAP_DEBUGREGS);
	k->run_size = kioctl(k->sys_fd, KVM_GET_VCPU_MMAP_SIZE, NULL);
	if (k->run_size < (long)sizeof(struct kvm_run)) {
		r = k->run_size < 0 ? (int)k->run_size : -EINVAL;
		pr_err("kvm: KVM_GET_VCPU_MMAP_SIZE: %s", strerror(-r));
		goto fail;
	}
	if ((r = get_supported_cpuid(k)) < 0) {
		pr_err("kvm: KVM_GET_SUPPORTED_CPUID: %s", strerror(-r));
		goto fail;
	}
	if ((r = get_msr_list(k)) < 0) {
		pr_err("kvm: KVM_GET_MSR_INDEX_LIST: %s", strerror(-r));
		goto fail;
	}
	k->vm_fd = kioctl(k->sys_fd, KVM_CREATE_VM, 0);
	if (k->vm_fd < 0) {
		r = k->vm_fd;
		pr_err("kvm: KVM_CREATE_VM: %s", strerror(-r));
		goto fail;
	}
	/* VMX needs these pages for real mode and unpaged protected mode without EPT-ug. */
	if ((r = kioctl(k->vm_fd, KVM_SET_TSS_ADDR, (void *)(uintptr_t)KVM_TSS_ADDR)) < 0) {
		pr_err("kvm: KVM_SET_TSS_ADDR: %s", strerror(-r));
		goto fail;
	}
	if (kvm_check_ext(k->sys_fd, KVM_CAP_SET_IDENTITY_MAP_ADDR) &&
	    (r = kioctl(k->vm_fd, KVM_SET_IDENTITY_MAP_ADDR, &ident)) < 0) {
		pr_err("kvm: KVM_SET_IDENTITY_MAP_ADDR: %s", strerror(-r));
		goto fail;
	}
	if ((r = kioctl(k->vm_fd, KVM_CREATE_IRQCHIP, NULL)) < 0) {
		pr_err("kvm: KVM_CREATE_IRQCHIP: %s", strerror(-r));
		goto fail;
	}
	if ((r = kioctl(k->vm_fd, KVM_CREATE_PIT2, &pit)) < 0) {
		pr_err("kvm: KVM_CREATE_PIT2: %s", strerror(-r));
		goto fail;
	}
	vm->eng = k;
	vm->mem.on_map_change = kvm_map_changed;
	vm->mem.on_map_opaque = vm;
	if ((r = kvm_update_slots(vm)) < 0) {
		vm->eng = NULL;
		goto fail;
	}
	return 0;
fail:
	kvm_vm_free(k);
	return r;
}

static void kvm_set_irq(struct vm *vm, unsigned gsi, int level)
{
	struct kvm_vm *k = vm->eng;
	struct kvm_irq_level irq = { .irq = gsi, .level = level ? 1 : 0 };
	int r;

	if (!k || gsi >= NR_GSI)
		return;
	r = kioctl(k->vm_fd, KVM_IRQ_LINE, &irq);
	if (r < 0)
		pr_guest("kvm: KVM_IRQ_LINE gsi %u level %d: %s", gsi, level, strerror(-r));
}

/* MSI/MSI-X from a device model: KVM_SIGNAL_MSI into the in-kernel LAPICs. */
static void kvm_msi(struct vm *vm, uint64_t addr, uint32_t data)
{
	struct kvm_vm *k = vm->eng;
	struct kvm_msi msi = { .address_lo = (uint32_t)addr, .address_hi = (uint32_t)(addr >> 32),
			       .data = data };
	int r;

	if (!k)
		return;
	r = kioctl(k->vm_fd, KVM_SIGNAL_MSI, &msi);
	if (r < 0)
		pr_guest("kvm: KVM_SIGNAL_MSI %#llx/%#x: %s", (unsigned long long)addr, data,
			 strerror(-r));
}

static void kvm_vm_destroy(struct vm *vm)
{
	kvm_vm_free(vm->eng);
	vm->mem.on_map_change = NULL;
	vm->eng = NULL;
}

const struct engine_ops kvm_engine = {
	.name = "kvm",
	.probe = kvm_probe,
	.vm_init = kvm_vm_init,
	.vm_reset = kvm_vm_reset,
	.vcpu_init = kvm_vcpu_init,
	.vcpu_run = kvm_vcpu_run,
	.vcpu_kick = kvm_vcpu_kick,
	.sync_state = kvm_sync_state,
	.set_irq = kvm_set_irq,
	.msi = kvm_msi,
	.vcpu_destroy = kvm_vcpu_destroy,
	.vm_destroy = kvm_vm_destroy,
};

/*
 * Per-instruction fallback: when KVM reports that it could not emulate an
 * instruction (KVM_INTERNAL_ERROR_EMULATION), hvm's own x86 core runs that
 * one instruction on the vCPU's state and KVM carries on.  Hosts whose KVM
 * runs guest kernel code through its instruction emulator (PVM) fail on
 * protected-mode IRET, CMPXCHG16B, XRSTOR and friends; the emu core has them.
 *
 * The instruction runs with the state read back from KVM; port I/O and MMIO
 * go to the same device buses as KVM exits do.  The interrupt controllers are
 * in the kernel, so an instruction that touches the LAPIC or IOAPIC page
 * cannot be completed here: the fallback reports failure and the original
 * error stands.
 */
#include "engine/kvm/kvm_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "core/log.h"
#include "core/vm.h"
#include "engine/emu/emu.h"
#include "layout.h"

struct kvm_fallback {
	struct emu_cpu cpu;
	struct vcpu *v;
	int bad;		/* the instruction needed something only KVM has */
};

static uint32_t fb_pio_in(void *opaque, uint16_t port, unsigned size)
{
	struct kvm_fallback *fb = opaque;
	return vm_pio_in(fb->v->vm, port, size);
}

static void fb_pio_out(void *opaque, uint16_t port, unsigned size, uint32_t val)
{
	struct kvm_fallback *fb = opaque;
	vm_pio_out(fb->v->vm, port, size, val);
}

/* The in-kernel LAPIC (at the vCPU's APIC base) and IOAPIC are out of reach. */
static int in_kernel_chip(struct kvm_fallback *fb, uint64_t gpa)
{
	uint64_t apic = fb->v->st.apic_base & 0xffffff000ULL;
	return (gpa & ~0xfffULL) == apic ||
	       (gpa >= LAYOUT_IOAPIC_BASE && gpa < LAYOUT_IOAPIC_BASE + 0x1000);
}

static uint64_t fb_mmio_read(void *opaque, uint64_t gpa, unsigned size)
{
	struct kvm_fallback *fb = opaque;
	if (in_kernel_chip(fb, gpa)) {
		fb->bad = 1;
		return 0;
	}
	return vm_mmio_read(fb->v->vm, gpa, size);
}

static void fb_mmio_write(void *opaque, uint64_t gpa, unsigned size, uint64_t val)
{
	struct kvm_fallback *fb = opaque;
	if (in_kernel_chip(fb, gpa)) {
		fb->bad = 1;
		return;
	}
	vm_mmio_write(fb->v->vm, gpa, size, val);
}

/* MSRs the emu core doesn't keep in cpu_state go to KVM itself. */
static int fb_msr(struct kvm_fallback *fb, unsigned long req, uint32_t msr, uint64_t *val)
{
	struct kvm_vcpu *kv = fb->v->eng;
	struct {
		struct kvm_msrs h;
		struct kvm_msr_entry e;
	} b = { .h.nmsrs = 1, .e.index = msr, .e.data = *val };
	int r = ioctl(kv->fd, req, &b);
	if (r != 1)
		return -1;	/* KVM refuses it: #GP, as hardware would */
	*val = b.e.data;
	return 0;
}

static int fb_msr_read(void *opaque, uint32_t msr, uint64_t *val)
{
	*val = 0;
	return fb_msr(opaque, KVM_GET_MSRS, msr, val);
}

static int fb_msr_write(void *opaque, uint32_t msr, uint64_t val)
{
	return fb_msr(opaque, KVM_SET_MSRS, msr, &val);
}

static void fb_cpuid(void *opaque, uint32_t fn, uint32_t idx, uint32_t out[4])
{
	struct kvm_fallback *fb = opaque;
	cpuid_lookup(&fb->v->vm->cpuid, (uint32_t)fb->v->id, fn, idx, out);
}

static uint64_t fb_rdtsc(void *opaque)
{
	struct kvm_fallback *fb = opaque;
	return __builtin_ia32_rdtsc() + (uint64_t)fb->v->st.tsc_offset;
}

static const struct emu_io_ops fb_io = {
	.pio_in = fb_pio_in, .pio_out = fb_pio_out,
	.mmio_read = fb_mmio_read, .mmio_write = fb_mmio_write,
	.msr_read = fb_msr_read, .msr_write = fb_msr_write,
	.cpuid = fb_cpuid, .rdtsc = fb_rdtsc,
};

int kvm_fallback_step(struct vcpu *v, char *why, size_t len)
{
	struct kvm_vcpu *kv = v->eng;
	struct kvm_fallback *fb = kv->fallback;
	enum emu_stop r;

	if (!fb) {
		fb = calloc(1, sizeof(*fb));
		if (!fb) {
			snprintf(why, len, "out of memory");
			return -ENOMEM;
		}
		fb->v = v;	/* before init: it asks CPUID */
		emu_cpu_init(&fb->cpu, &v->st, &v->vm->mem, &fb_io, fb);
		kv->fallback = fb;
	}
	fb->bad = 0;
	emu_cpu_reload(&fb->cpu);
	r = emu_run(&fb->cpu, 1);
	v->st.rflags = emu_get_rflags(&fb->cpu);
	if (fb->bad) {
		snprintf(why, len, "the instruction accesses the in-kernel LAPIC/IOAPIC");
		return -EOPNOTSUPP;
	}
	switch (r) {
	case EMU_STOP_NONE:
	case EMU_STOP_HLT:
	case EMU_STOP_KICK:
		return 0;
	case EMU_STOP_SHUTDOWN:
		snprintf(why, len, "triple fault");
		return -EFAULT;
	default:
		snprintf(why, len, "%s", fb->cpu.err[0] ? fb->cpu.err : "emu stopped");
		return -EIO;
	}
}

void kvm_fallback_free(struct kvm_vcpu *kv)
{
	if (kv->fallback) {
		emu_cpu_fini(&kv->fallback->cpu);
		free(kv->fallback);
		kv->fallback = NULL;
	}
}

/*
 * emu: the engine_ops glue -- one interpreter per vCPU thread, the user-space
 * interrupt controllers of dev/pc_irq.h, the per-vCPU xAPIC page, APIC MSRs,
 * CPUID from the VM's profile, HLT sleeping on a condition variable until an
 * interrupt or a kick, and INIT/SIPI for application processors.
 *
 * Locking: device-model calls take vm->dm_lock (recursive); a vCPU never
 * takes dm_lock while holding its own sleep lock (dm_lock -> ev->lock only).
 */
#include "engine/emu/emu_priv.h"

#include "core/log.h"
#include "core/vm.h"
#include "config.h"
#include "dev/lapic.h"
#include "dev/pc_irq.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define EMU_TSC_HZ	2400000000ULL
#define EMU_BATCH	200000		/* instructions between checks of the stop flag */

struct emu_vm {
	struct vm *vm;
	struct pc_irq *irq;
};

struct emu_vcpu {
	struct emu_cpu cpu;
	struct vcpu *v;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	volatile int lead_kick;		/* vcpu_kick: return to the vCPU loop */
	volatile int init_req;
	volatile int sipi_vec;		/* -1: none */
};

static struct emu_vm *evm(struct vm *vm) { return vm->eng; }

static void wake(struct emu_vcpu *ev)
{
	pthread_mutex_lock(&ev->lock);
	pthread_cond_broadcast(&ev->cond);
	pthread_mutex_unlock(&ev->lock);
}

static struct emu_vcpu *vcpu_of(struct emu_vm *ew, int cpu)
{
	if (cpu < 0 || cpu >= ew->vm->nr_vcpus || !ew->vm->vcpu[cpu])
		return NULL;
	return ew->vm->vcpu[cpu]->eng;
}

/* The guest memory map changed (BAR moved, PAM): every vCPU drops its TLB at its next boundary. */
static void map_changed(void *opaque)
{
	struct emu_vm *ew = opaque;
	for (int i = 0; i < ew->vm->nr_vcpus; i++) {
		struct emu_vcpu *ev = vcpu_of(ew, i);
		if (ev)
			ev->cpu.irq_hint = 1;	/* enter boundary_events, which sees the new gen */
	}
}

/* ---- pc_irq host callbacks (dm_lock held) ---- */

static void host_kick(void *opaque, int cpu)
{
	struct emu_vcpu *ev = vcpu_of(opaque, cpu);
	if (!ev)
		return;
	pthread_mutex_lock(&ev->lock);
	ev->cpu.irq_hint = 1;
	pthread_cond_broadcast(&ev->cond);
	pthread_mutex_unlock(&ev->lock);
}

static void host_init(void *opaque, int cpu)
{
	struct emu_vcpu *ev = vcpu_of(opaque, cpu);
	if (!ev)
		return;
	ev->init_req = 1;
	ev->cpu.kick = 1;
	wake(ev);
}

static void host_sipi(void *opaque, int cpu, int vector)
{
	struct emu_vcpu *ev = vcpu_of(opaque, cpu);
	if (!ev)
		return;
	ev->sipi_vec = vector & 0xff;
	ev->cpu.kick = 1;
	wake(ev);
}

static void host_nmi(void *opaque, int cpu)
{
	struct emu_vcpu *ev = vcpu_of(opaque, cpu);
	if (!ev)
		return;
	__atomic_store_n(&ev->v->st.nmi_pending, 1, __ATOMIC_SEQ_CST);
	wake(ev);
}

static uint64_t tsc_now(struct vm *vm, const struct cpu_state *st)
{
	unsigned __int128 t = (unsigned __int128)clock_now(vm->clock) * (EMU_TSC_HZ / 1000000);
	return (uint64_t)(t / 1000) + (uint64_t)st->tsc_offset;
}

static uint64_t host_guest_tsc(void *opaque, int cpu)
{
	struct emu_vm *ew = opaque;
	struct emu_vcpu *ev = vcpu_of(ew, cpu);
	return tsc_now(ew->vm, ev ? &ev->v->st : &(struct cpu_state){ .tsc_offset = 0 });
}

/* ---- emu_io_ops (vCPU thread) ---- */

static uint32_t io_pio_in(void *opaque, uint16_t port, unsigned size)
{
	struct emu_vcpu *ev = opaque;
	return vm_pio_in(ev->v->vm, port, size);
}

static void io_pio_out(void *opaque, uint16_t port, unsigned size, uint32_t val)
{
	struct emu_vcpu *ev = opaque;
	vm_pio_out(ev->v->vm, port, size, val);
}

static struct lapic *my_lapic(struct emu_vcpu *ev)
{
	return pc_irq_lapic(evm(ev->v->vm)->irq, ev->v->id);
}

static int is_apic_page(struct emu_vcpu *ev, uint64_t gpa)
{
	uint64_t b = ev->v->st.apic_base;
	return (b & APIC_BASE_ENABLE) && (gpa & ~0xfffULL) == (b & 0xffffff000ULL);
}

static uint64_t io_mmio_read(void *opaque, uint64_t gpa, unsigned size)
{
	struct emu_vcpu *ev = opaque;
	struct vm *vm = ev->v->vm;
	uint64_t v;
	if (is_apic_page(ev, gpa)) {
		pthread_mutex_lock(&vm->dm_lock);
		v = lapic_mmio_read(my_lapic(ev), gpa & 0xfff, size);
		pthread_mutex_unlock(&vm->dm_lock);
		return v;
	}
	return vm_mmio_read(vm, gpa, size);
}

static void io_mmio_write(void *opaque, uint64_t gpa, unsigned size, uint64_t val)
{
	struct emu_vcpu *ev = opaque;
	struct vm *vm = ev->v->vm;
	if (is_apic_page(ev, gpa)) {
		pthread_mutex_lock(&vm->dm_lock);
		lapic_mmio_write(my_lapic(ev), gpa & 0xfff, size, val);
		pthread_mutex_unlock(&vm->dm_lock);
		return;
	}
	vm_mmio_write(vm, gpa, size, val);
}

static int io_msr_read(void *opaque, uint32_t msr, uint64_t *val)
{
	struct emu_vcpu *ev = opaque;
	struct vm *vm = ev->v->vm;
	int r;
	if (!lapic_is_msr(msr))
		return 1;
	pthread_mutex_lock(&vm->dm_lock);
	r = lapic_msr_read(my_lapic(ev), msr, val);
	pthread_mutex_unlock(&vm->dm_lock);
	return r ? -1 : 0;
}

static int io_msr_write(void *opaque, uint32_t msr, uint64_t val)
{
	struct emu_vcpu *ev = opaque;
	struct vm *vm = ev->v->vm;
	int r;
	if (!lapic_is_msr(msr))
		return 1;
	pthread_mutex_lock(&vm->dm_lock);
	r = lapic_msr_write(my_lapic(ev), msr, val);
	pthread_mutex_unlock(&vm->dm_lock);
	if (r)
		return -1;
	if (msr == MSR_IA32_APIC_BASE)
		ev->v->st.apic_base = val;
	else if (msr == MSR_IA32_TSC_DEADLINE)
		ev->v->st.tsc_deadline = val;
	return 0;
}

static void io_cpuid(void *opaque, uint32_t fn, uint32_t idx, uint32_t out[4])
{
	struct emu_vcpu *ev = opaque;
	cpuid_lookup(&ev->v->vm->cpuid, (uint32_t)ev->v->id, fn, idx, out);
	if (fn == 1 && !(ev->v->st.apic_base & APIC_BASE_ENABLE))
		out[3] &= ~(1u << 9);
}

static uint64_t io_rdtsc(void *opaque)
{
	struct emu_vcpu *ev = opaque;
	return tsc_now(ev->v->vm, &ev->v->st);
}

static int io_irq_ack(void *opaque)
{
	struct emu_vcpu *ev = opaque;
	struct vm *vm = ev->v->vm;
	int v = -1;
	pthread_mutex_lock(&vm->dm_lock);
	if (pc_irq_pending(evm(vm)->irq, ev->v->id))
		v = pc_irq_ack(evm(vm)->irq, ev->v->id);
	pthread_mutex_unlock(&vm->dm_lock);
	return v;
}

static uint64_t io_get_cr8(void *opaque)
{
	struct emu_vcpu *ev = opaque;
	struct vm *vm = ev->v->vm;
	uint64_t v;
	pthread_mutex_lock(&vm->dm_lock);
	v = lapic_get_cr8(my_lapic(ev));
	pthread_mutex_unlock(&vm->dm_lock);
	return v;
}

static void io_set_cr8(void *opaque, uint64_t v)
{
	struct emu_vcpu *ev = opaque;
	struct vm *vm = ev->v->vm;
	pthread_mutex_lock(&vm->dm_lock);
	lapic_set_cr8(my_lapic(ev), v);
	pthread_mutex_unlock(&vm->dm_lock);
	/* a lower TPR may unmask a pending interrupt */
	ev->cpu.irq_hint = 1;
}

static const struct emu_io_ops emu_vm_io = {
	.pio_in = io_pio_in,
	.pio_out = io_pio_out,
	.mmio_read = io_mmio_read,
	.mmio_write = io_mmio_write,
	.msr_read = io_msr_read,
	.msr_write = io_msr_write,
	.cpuid = io_cpuid,
	.rdtsc = io_rdtsc,
	.irq_ack = io_irq_ack,
	.get_cr8 = io_get_cr8,
	.set_cr8 = io_set_cr8,
};

/* ---- engine_ops ---- */

static int emu_probe(char *why, size_t len)
{
	(void)why;
	(void)len;
	return 0;
}

static int emu_vm_init(struct vm *vm)
{
	struct emu_vm *ew = calloc(1, sizeof(*ew));
	struct pc_irq_host h = {
		.kick = host_kick, .init = host_init, .sipi = host_sipi, .nmi = host_nmi,
		.guest_tsc = host_guest_tsc, .opaque = ew,
	};
	int nr = vm->nr_vcpus > 0 ? vm->nr_vcpus : 1, err;
	uint32_t leaf1[4];
	if (!ew)
		return -ENOMEM;
	ew->vm = vm;
	vm->eng = ew;
	vm->mem.on_map_change = map_changed;
	vm->mem.on_map_opaque = ew;
	/* x2APIC mode is there exactly when the CPUID profile advertises it */
	cpuid_lookup(&vm->cpuid, 0, 1, 0, leaf1);
	ew->irq = pc_irq_new_flags(nr, vm->clock, EMU_TSC_HZ,
				   (leaf1[2] & (1u << 21)) ? PC_IRQ_F_X2APIC : 0, &h);
	if (!ew->irq)
		return -ENOMEM;
	err = pc_irq_map(ew->irq, &vm->pio, &vm->mmio);
	if (err)
		return err;
	return 0;
}

static int emu_vcpu_init(struct vcpu *v)
{
	struct emu_vcpu *ev = calloc(1, sizeof(*ev));
	if (!ev)
		return -ENOMEM;
	ev->v = v;
	ev->sipi_vec = -1;
	pthread_mutex_init(&ev->lock, NULL);
	pthread_cond_init(&ev->cond, NULL);
	v->eng = ev;
	emu_cpu_init(&ev->cpu, &v->st, &v->vm->mem, &emu_vm_io, ev);
	ev->cpu.eng = ev;
	return 0;
}

/* Sleep until something may have changed for this vCPU (50 ms cap: stop flag). */
static void vcpu_sleep(struct emu_vcpu *ev)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_nsec += 50 * 1000 * 1000;
	if (ts.tv_nsec >= 1000000000) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000;
	}
	pthread_mutex_lock(&ev->lock);
	if (!ev->cpu.irq_hint && !ev->lead_kick && !ev->init_req && ev->sipi_vec < 0 &&
	    !ev->v->st.nmi_pending && !ev->v->vm->stopping)
		pthread_cond_timedwait(&ev->cond, &ev->lock, &ts);
	pthread_mutex_unlock(&ev->lock);
}

static void do_init(struct emu_vcpu *ev)
{
	struct cpu_state *st = &ev->v->st;
	uint64_t apic_base = st->apic_base;
	int bsp = !!(apic_base & APIC_BASE_BSP);
	ev->init_req = 0;
	/* As hardware (and KVM): the BSP restarts at the reset vector, APs wait for SIPI. */
	cpu_state_reset(st, bsp);
	st->apic_base = apic_base;
	st->run_state = bsp ? CPU_RUNNABLE : CPU_WAIT_SIPI;
	emu_cpu_reload(&ev->cpu);
}

static void do_sipi(struct emu_vcpu *ev)
{
	struct cpu_state *st = &ev->v->st;
	int vec = ev->sipi_vec;
	ev->sipi_vec = -1;
	if (st->run_state != CPU_WAIT_SIPI)
		return;
	st->seg[S_CS].sel = (uint16_t)(vec << 8);
	st->seg[S_CS].base = (uint64_t)vec << 12;
	st->seg[S_CS].limit = 0xffff;
	st->rip = 0;
	st->run_state = CPU_RUNNABLE;
	emu_cpu_reload(&ev->cpu);
}

/* A halted vCPU wakes for an NMI, or an interrupt it can take now. */
static int halted_can_wake(struct emu_vcpu *ev)
{
	struct vm *vm = ev->v->vm;
	int pending;
	if (ev->v->st.nmi_pending)
		return 1;
	ev->cpu.irq_hint = 0;
	if (!(ev->v->st.rflags & FL_IF))
		return 0;
	pthread_mutex_lock(&vm->dm_lock);
	pending = pc_irq_pending(evm(vm)->irq, ev->v->id);
	pthread_mutex_unlock(&vm->dm_lock);
	if (pending)
		ev->cpu.irq_hint = 1;
	return pending;
}

static int emu_vcpu_run(struct vcpu *v, struct vm_exit *e)
{
	struct emu_vcpu *ev = v->eng;
	struct emu_cpu *cpu = &ev->cpu;
	struct cpu_state *st = &v->st;
	struct vm *vm = v->vm;

	e->reason = EXIT_NONE;
	if (v->st_dirty) {
		emu_cpu_reload(cpu);
		v->st_dirty = 0;
	}
	for (;;) {
		enum emu_stop r;
		if (__atomic_load_n(&vm->stopping, __ATOMIC_ACQUIRE))
			break;
		if (ev->lead_kick) {
			ev->lead_kick = 0;
			break;
		}
		if (ev->init_req)
			do_init(ev);
		if (ev->sipi_vec >= 0)
			do_sipi(ev);
		if (st->run_state == CPU_WAIT_SIPI) {
			vcpu_sleep(ev);
			continue;
		}
		if (st->run_state == CPU_HALTED) {
			if (!halted_can_wake(ev)) {
				vcpu_sleep(ev);
				continue;
			}
			st->run_state = CPU_RUNNABLE;
		}
		r = emu_run(cpu, EMU_BATCH);
		switch (r) {
		case EMU_STOP_NONE:
		case EMU_STOP_HLT:
			continue;
		case EMU_STOP_KICK:
			cpu->kick = 0;
			continue;
		case EMU_STOP_SHUTDOWN:
			e->reason = EXIT_SHUTDOWN;
			goto out;
		case EMU_STOP_ERROR:
			e->reason = EXIT_INTERNAL_ERROR;
			snprintf(e->err.msg, sizeof(e->err.msg), "emu: %.150s", cpu->err);
			goto out;
		default:
			e->reason = EXIT_INTERNAL_ERROR;
			snprintf(e->err.msg, sizeof(e->err.msg), "emu: unexpected stop %d", (int)r);
			goto out;
		}
	}
out:
	emu_get_rflags(cpu);
	if (vm->stopping && getenv("HVM_EMU_STATS"))
		fprintf(stderr, "emu: vcpu %d retired %llu instructions\n", v->id,
			(unsigned long long)cpu->icount);
	return 0;
}

static void emu_vcpu_kick(struct vcpu *v)
{
	struct emu_vcpu *ev = v->eng;
	if (!ev)
		return;
	ev->lead_kick = 1;
	ev->cpu.kick = 1;
	wake(ev);
}

static int emu_sync_state(struct vcpu *v)
{
	struct emu_vcpu *ev = v->eng;
	if (ev)
		emu_get_rflags(&ev->cpu);
	return 0;
}

static void emu_set_irq(struct vm *vm, unsigned gsi, int level)
{
	struct emu_vm *ew = evm(vm);
	if (!ew || !ew->irq)
		return;
	pthread_mutex_lock(&vm->dm_lock);
	pc_irq_set(ew->irq, gsi, level);
	pthread_mutex_unlock(&vm->dm_lock);
}

static void emu_vcpu_destroy(struct vcpu *v)
{
	struct emu_vcpu *ev = v->eng;
	if (!ev)
		return;
	pthread_mutex_destroy(&ev->lock);
	pthread_cond_destroy(&ev->cond);
	emu_cpu_fini(&ev->cpu);
	free(ev);
	v->eng = NULL;
}

static void emu_vm_destroy(struct vm *vm)
{
	struct emu_vm *ew = evm(vm);
	if (!ew)
		return;
	if (ew->irq)
		pc_irq_free(ew->irq);
	free(ew);
	vm->mem.on_map_change = NULL;
	vm->eng = NULL;
}

/* A device's MSI/MSI-X write to 0xfeexxxxx goes to the local APICs. */
static void emu_msi(struct vm *vm, uint64_t addr, uint32_t data)
{
	pthread_mutex_lock(&vm->dm_lock);
	pc_irq_msi(evm(vm)->irq, addr, data);
	pthread_mutex_unlock(&vm->dm_lock);
}

/* Machine reset: PIC, PIT, IOAPIC and every local APIC back to power-on state. */
/* The A20 gate: every vCPU masks address bit 20 from its next instruction on. */
static void emu_set_a20(struct vm *vm, int on)
{
	struct emu_vm *ew = evm(vm);
	for (int i = 0; i < vm->nr_vcpus; i++) {
		struct emu_vcpu *ev = vcpu_of(ew, i);
		if (ev)
			ev->cpu.a20_mask = on ? ~0ULL : ~(1ULL << 20);
	}
	/* cached translations hold unmasked addresses: flush them like a map change */
	__atomic_add_fetch(&vm->mem.gen, 1, __ATOMIC_RELEASE);
	map_changed(ew);
}

static int emu_vm_reset(struct vm *vm)
{
	pthread_mutex_lock(&vm->dm_lock);
	pc_irq_reset(evm(vm)->irq);
	pthread_mutex_unlock(&vm->dm_lock);
	return 0;
}

const struct engine_ops emu_engine = {
	.name = "emu",
	.probe = emu_probe,
	.vm_init = emu_vm_init,
	.vm_reset = emu_vm_reset,
	.set_a20 = emu_set_a20,
	.msi = emu_msi,
	.vcpu_init = emu_vcpu_init,
	.vcpu_run = emu_vcpu_run,
	.vcpu_kick = emu_vcpu_kick,
	.sync_state = emu_sync_state,
	.set_irq = emu_set_irq,
	.vcpu_destroy = emu_vcpu_destroy,
	.vm_destroy = emu_vm_destroy,
};

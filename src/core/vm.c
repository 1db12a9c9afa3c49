#define _GNU_SOURCE
/*
 * The VM object: vCPU threads running an engine-neutral exit loop, device
 * dispatch under the device-model lock, and the request channel through which
 * devices and vCPUs ask the main thread to reset, power off or exit.
 */
#include "core/vm.h"
#include "core/log.h"
#include "core/pagewalk.h"
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void vm_gsi_set(void *opaque, unsigned line, int level)
{
	struct vm *vm = opaque;
	if (vm->eng_ops->set_irq)
		vm->eng_ops->set_irq(vm, line, level);
}

static void vm_ctl_request(void *opaque, enum vm_request req, int code, const char *reason)
{
	vm_request(opaque, req, code, reason);
}

int vm_create(struct vm *vm, const struct vm_config *cfg, const struct engine_ops *eng)
{
	pthread_mutexattr_t ma;
	int err;

	memset(vm, 0, sizeof(*vm));
	vm->cfg = cfg;
	vm->eng_ops = eng;
	pthread_mutexattr_init(&ma);
	pthread_mutexattr_settype(&ma, PTHREAD_MUTEX_RECURSIVE);
	pthread_mutex_init(&vm->dm_lock, &ma);
	pthread_mutexattr_destroy(&ma);
	pthread_mutex_init(&vm->req_lock, NULL);
	pthread_cond_init(&vm->req_cond, NULL);
	bus_init(&vm->pio, "pio");
	bus_init(&vm->mmio, "mmio");
	vm->ctl = (struct vm_ctl){ vm_ctl_request, vm };
	for (int i = 0; i < NR_GSI; i++)
		vm->gsi[i] = (struct irq_line){ vm_gsi_set, vm, i };

	vm->clock = host_clock_new();
	if (!vm->clock)
		return -ENOMEM;
	err = mem_init(&vm->mem, cfg->mem_size);
	if (err)
		return err;
	vm->nr_vcpus = cfg->nr_cpus;
	cpuid_profile_build(&vm->cpuid, cfg->nr_cpus);
	err = eng->vm_init(vm);
	if (err)
		return err;
	for (int i = 0; i < vm->nr_vcpus; i++) {
		struct vcpu *v = calloc(1, sizeof(*v));
		if (!v)
			return -ENOMEM;
		v->vm = vm;
		v->id = i;
		cpu_state_reset(&v->st, i == 0);
		v->st_dirty = 1;
		vm->vcpu[i] = v;
		err = eng->vcpu_init(v);
		if (err)
			return err;
	}
	return 0;
}

void vm_destroy(struct vm *vm)
{
	for (int i = 0; i < vm->nr_vcpus; i++) {
		if (!vm->vcpu[i])
			continue;
		if (vm->eng_ops->vcpu_destroy)
			vm->eng_ops->vcpu_destroy(vm->vcpu[i]);
		free(vm->vcpu[i]);
		vm->vcpu[i] = NULL;
	}
	if (vm->eng_ops && vm->eng_ops->vm_destroy)
		vm->eng_ops->vm_destroy(vm);
	bus_destroy(&vm->pio);
	bus_destroy(&vm->mmio);
	mem_destroy(&vm->mem);
}

void vm_pio(struct vm *vm, struct vm_exit *e)
{
	uint64_t v;
	pthread_mutex_lock(&vm->dm_lock);
	if (e->io.is_write) {
		bus_write(&vm->pio, e->io.port, e->io.size, e->io.data);
	} else {
		bus_read(&vm->pio, e->io.port, e->io.size, &v);
		e->io.data = (uint32_t)v;
	}
	pthread_mutex_unlock(&vm->dm_lock);
}

uint32_t vm_pio_in(struct vm *vm, uint16_t port, unsigned size)
{
	uint64_t v;
	pthread_mutex_lock(&vm->dm_lock);
	bus_read(&vm->pio, port, size, &v);
	pthread_mutex_unlock(&vm->dm_lock);
	return (uint32_t)v;
}

void vm_pio_out(struct vm *vm, uint16_t port, unsigned size, uint32_t val)
{
	pthread_mutex_lock(&vm->dm_lock);
	bus_write(&vm->pio, port, size, val);
	pthread_mutex_unlock(&vm->dm_lock);
}

uint64_t vm_mmio_read(struct vm *vm, uint64_t addr, unsigned size)
{
	uint64_t v;
	pthread_mutex_lock(&vm->dm_lock);
	bus_read(&vm->mmio, addr, size, &v);
	pthread_mutex_unlock(&vm->dm_lock);
	return v;
}

void vm_mmio_write(struct vm *vm, uint64_t addr, unsigned size, uint64_t val)
{
	pthread_mutex_lock(&vm->dm_lock);
	bus_write(&vm->mmio, addr, size, val);
	pthread_mutex_unlock(&vm->dm_lock);
}

void vm_mmio(struct vm *vm, struct vm_exit *e)
{
	if (e->mmio.is_write)
		vm_mmio_write(vm, e->mmio.addr, e->mmio.size, e->mmio.data);
	else
		e->mmio.data = vm_mmio_read(vm, e->mmio.addr, e->mmio.size);
}

static void kick_all(struct vm *vm)
{
	for (int i = 0; i < vm->nr_vcpus; i++)
		if (vm->vcpu[i] && vm->eng_ops->vcpu_kick)
			vm->eng_ops->vcpu_kick(vm->vcpu[i]);
}

void vm_request(struct vm *vm, enum vm_request req, int code, const char *reason)
{
	pthread_mutex_lock(&vm->req_lock);
	if (vm->req == VMREQ_NONE) {
		vm->req = req;
		vm->req_code = code;
		snprintf(vm->req_reason, sizeof(vm->req_reason), "%s", reason ? reason : "");
		/* Nothing more runs in the guest once the machine is going away. */
		__atomic_store_n(&vm->stopping, 1, __ATOMIC_SEQ_CST);
		pthread_cond_broadcast(&vm->req_cond);
	}
	pthread_mutex_unlock(&vm->req_lock);
	kick_all(vm);
}

enum vm_request vm_wait_request(struct vm *vm)
{
	enum vm_request r;
	pthread_mutex_lock(&vm->req_lock);
	while (vm->req == VMREQ_NONE)
		pthread_cond_wait(&vm->req_cond, &vm->req_lock);
	r = vm->req;
	pthread_mutex_unlock(&vm->req_lock);
	return r;
}

static void vcpu_fatal(struct vcpu *v, const struct vm_exit *e)
{
	struct vm *vm = v->vm;
	char dump[2048], bytes[64] = "";
	uint8_t code[16];
	int n;

	if (vm->eng_ops->sync_state)
		vm->eng_ops->sync_state(v);
	cpu_state_dump(&v->st, dump, sizeof(dump));
	n = read_guest_linear(&v->st, &vm->mem, v->st.seg[S_CS].base + v->st.rip, code, sizeof(code));
	for (int i = 0, o = 0; i < n && o < (int)sizeof(bytes) - 4; i++)
		o += snprintf(bytes + o, sizeof(bytes) - o, "%02x ", code[i]);
	fprintf(stderr, "hvm: vcpu %d: %s\n%sbytes at rip: %s\n", v->id,
		e->err.msg[0] ? e->err.msg : "fatal engine error", dump,
		n ? bytes : "(not mapped)");
	vm_request(vm, VMREQ_FATAL, 125, e->err.msg);
}

static void *vcpu_thread(void *arg)
{
	struct vcpu *v = arg;
	struct vm *vm = v->vm;
	struct vm_exit e;

	memset(&e, 0, sizeof(e));
	while (!__atomic_load_n(&vm->stopping, __ATOMIC_ACQUIRE)) {
		int r = vm->eng_ops->vcpu_run(v, &e);
		if (r < 0) {
			snprintf(e.err.msg, sizeof(e.err.msg), "%s engine: run failed: %s",
				 vm->eng_ops->name, strerror(-r));
			vcpu_fatal(v, &e);
			break;
		}
		switch (e.reason) {
		case EXIT_NONE:
			break;
		case EXIT_IO:
			/* The engine finds a read's value in e.io.data on its next run. */
			vm_pio(vm, &e);
			break;
		case EXIT_MMIO:
			vm_mmio(vm, &e);
			break;
		case EXIT_HLT:
			/* Halted for good (interrupts off): like hardware, wait for the end. */
			pr_info("vcpu %d halted with interrupts disabled", v->id);
			pthread_mutex_lock(&vm->req_lock);
			while (!vm->stopping)
				pthread_cond_wait(&vm->req_cond, &vm->req_lock);
			pthread_mutex_unlock(&vm->req_lock);
			break;
		case EXIT_SHUTDOWN:
			vm_request(vm, VMREQ_RESET, 0, "triple fault");
			break;
		case EXIT_INTERNAL_ERROR:
		case EXIT_FAIL_ENTRY:
			vcpu_fatal(v, &e);
			break;
		}
	}
	return NULL;
}

int vm_start_vcpus(struct vm *vm)
{
	vm->stopping = 0;
	for (int i = 0; i < vm->nr_vcpus; i++) {
		int err = pthread_create(&vm->vcpu[i]->thread, NULL, vcpu_thread, vm->vcpu[i]);
		if (err) {
			vm_stop_vcpus(vm);
			return -err;
		}
	}
	return 0;
}

void vm_stop_vcpus(struct vm *vm)
{
	pthread_mutex_lock(&vm->req_lock);
	vm->stopping = 1;
	pthread_cond_broadcast(&vm->req_cond);
	pthread_mutex_unlock(&vm->req_lock);
	for (int i = 0; i < vm->nr_vcpus; i++) {
		if (!vm->vcpu[i] || !vm->vcpu[i]->thread)
			continue;
		/* Kick until the thread has left its loop. */
		for (;;) {
			struct timespec ts;
			kick_all(vm);
			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_nsec += 20 * 1000 * 1000;
			if (ts.tv_nsec >= 1000000000) {
				ts.tv_sec++;
				ts.tv_nsec -= 1000000000;
			}
			if (pthread_timedjoin_np(vm->vcpu[i]->thread, NULL, &ts) == 0)
				break;
		}
		vm->vcpu[i]->thread = 0;
	}
}

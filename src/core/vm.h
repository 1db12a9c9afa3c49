/*
 * The virtual machine: RAM, buses, vCPUs, the engine, and the request
 * channel by which devices and vCPUs ask for reset / power-off / exit.
 */
#ifndef HVM_VM_H
#define HVM_VM_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "core/bus.h"
#include "core/clock.h"
#include "core/cpu_state.h"
#include "core/cpuid.h"
#include "core/exit.h"
#include "core/irq.h"
#include "core/mem.h"
#include "core/vmctl.h"
#include "layout.h"

struct vm;
struct vcpu;
struct loop;

struct engine_ops {
	const char *name;
	/* 0 if usable on this host; else -errno and a reason in why. */
	int (*probe)(char *why, size_t len);
	/* After RAM exists, before devices: create the VM and its interrupt controllers. */
	int (*vm_init)(struct vm *vm);
	int (*vcpu_init)(struct vcpu *v);
	/*
	 * Run guest code until an exit needs the vCPU loop.  Returns 0 with *e
	 * filled, or -errno on a host-side failure.  Reads the guest state from
	 * v->st when v->st_dirty is set, and writes it back before returning
	 * when the loop asks (v->want_state) or on fatal exits.
	 */
	int (*vcpu_run)(struct vcpu *v, struct vm_exit *e);
	/* Make vcpu_run return soon (any thread). */
	void (*vcpu_kick)(struct vcpu *v);
	/* Copy engine state into v->st (for dumps, reset, engine hand-over). */
	int (*sync_state)(struct vcpu *v);
	/* Drive GSI `gsi` (ISA IRQ n == GSI n) to `level`. */
	void (*set_irq)(struct vm *vm, unsigned gsi, int level);
	/* Machine reset (vCPUs stopped): return interrupt controllers/timers to power-on state. */
	int (*vm_reset)(struct vm *vm);
	void (*vcpu_destroy)(struct vcpu *v);
	void (*vm_destroy)(struct vm *vm);
	/*
	 * A device's MSI/MSI-X message: a DWORD write of data to addr
	 * (0xfeexxxxx), with the device-model lock held.  NULL: the engine
	 * cannot take MSIs and the board offers no MSI-X capability.
	 */
	void (*msi)(struct vm *vm, uint64_t addr, uint32_t data);
	/*
	 * The A20 gate (A20M#): off, physical address bit 20 reads as 0 for
	 * every access the CPUs make.  Device-model lock held.  NULL: the engine
	 * cannot mask it (A20 stays on).
	 */
	void (*set_a20)(struct vm *vm, int on);
};

extern const struct engine_ops kvm_engine;
extern const struct engine_ops emu_engine;

struct vcpu {
	struct vm *vm;
	int id;			/* also the APIC ID */
	pthread_t thread;
	struct cpu_state st;	/* authoritative when st_dirty; else engine has newer */
	int st_dirty;		/* v->st was changed by hvm: engine must load it */
	void *eng;		/* engine-private */
};

struct vm_config;

struct vm {
	const struct vm_config *cfg;
	struct guest_mem mem;
	struct bus pio, mmio;
	pthread_mutex_t dm_lock;	/* device model; recursive */
	struct clock *clock;
	struct cpuid_profile cpuid;

	const struct engine_ops *eng_ops;
	void *eng;

	int nr_vcpus;
	struct vcpu *vcpu[MAX_VCPUS];

	/* GSI lines as devices see them: routed to eng_ops->set_irq. */
	struct irq_line gsi[NR_GSI];
	struct vm_ctl ctl;

	/* Requests from devices / vCPUs, consumed by the main thread. */
	pthread_mutex_t req_lock;
	pthread_cond_t req_cond;
	enum vm_request req;
	int req_code;
	char req_reason[160];
	volatile int stopping;		/* vCPU threads leave their loop */

	void *board;			/* machine_pc private */
	struct loop *loop;		/* host I/O thread (disk completions); NULL in tests */
};

int vm_create(struct vm *vm, const struct vm_config *cfg, const struct engine_ops *eng);
void vm_destroy(struct vm *vm);

/* Device-model dispatch with the dm lock held; used by every engine. */
void vm_pio(struct vm *vm, struct vm_exit *e);
void vm_mmio(struct vm *vm, struct vm_exit *e);
/* One port access (size 1/2/4) by an engine that decodes the instruction itself. */
uint32_t vm_pio_in(struct vm *vm, uint16_t port, unsigned size);
void vm_pio_out(struct vm *vm, uint16_t port, unsigned size, uint32_t val);
uint64_t vm_mmio_read(struct vm *vm, uint64_t addr, unsigned size);
void vm_mmio_write(struct vm *vm, uint64_t addr, unsigned size, uint64_t val);

/* Post a request (first one wins until consumed). */
void vm_request(struct vm *vm, enum vm_request req, int code, const char *reason);
/* Start / stop all vCPU threads. */
int vm_start_vcpus(struct vm *vm);
void vm_stop_vcpus(struct vm *vm);
/* Block until a request arrives; returns it. */
enum vm_request vm_wait_request(struct vm *vm);

#endif

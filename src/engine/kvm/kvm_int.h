/*
 * The kvm engine's insides.  The pure parts (state conversion, CPUID
 * intersection, MSR list choice, exit translation) take plain structs so
 * the unit tests can drive them without /dev/kvm; the ioctl parts are thin
 * callers in kvm.c and vcpu_kvm.c.
 */
#ifndef HVM_KVM_INT_H
#define HVM_KVM_INT_H

#include <linux/kvm.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "core/cpu_state.h"
#include "core/cpuid.h"
#include "core/mem.h"
#include "core/exit.h"
#include "core/vmctl.h"
#include "engine/kvm/kvm.h"

#define KVM_TSS_ADDR		0xfffbd000u	/* 3 pages VMX needs for real mode */
#define KVM_IDENTITY_MAP_ADDR	0xfffbc000u	/* 1 page, EPT identity table */
#define KVM_MAX_MSRS		32
#define KVM_MAX_CPUID		CPUID_MAX_ENTRIES

/* VM-wide engine data (vm->eng). */
struct kvm_vm {
	int sys_fd, vm_fd;
	long run_size;			/* KVM_GET_VCPU_MMAP_SIZE */
	int have_readonly_mem, have_tsc_deadline, have_vcpu_events, have_debugregs;
	struct mem_region slot[MEM_MAX_REGIONS];	/* what each KVM slot maps; size 0: free */
	struct kvm_cpuid_entry2 *supported;	/* KVM_GET_SUPPORTED_CPUID */
	int nr_supported;
	uint32_t msrs[KVM_MAX_MSRS];	/* MSRs we move between KVM and cpu_state */
	int nr_msrs;
};

/* Per-vCPU engine data (v->eng). */
struct kvm_vcpu {
	int fd;
	struct kvm_run *run;
	long run_size;
	volatile int thread_known;	/* tid is valid: kick may signal it */
	pthread_t tid;
	unsigned bad_msr_log;		/* rate limit for MSRs KVM refuses */
	struct kvm_fallback *fallback;	/* emu core for instructions KVM can't emulate */
	unsigned long fallbacks;	/* instructions it ran */
};

/* ---- kvm_fallback.c ------------------------------------------------------- */

struct kvm_fallback;
/*
 * Run the one instruction at v->st's RIP with hvm's own x86 core (v->st
 * must hold KVM's state).  0, or -errno with the reason in why.
 */
int kvm_fallback_step(struct vcpu *v, char *why, size_t len);
void kvm_fallback_free(struct kvm_vcpu *kv);

/* ---- kvm_probe.c ---------------------------------------------------------- */

/* KVM_CHECK_EXTENSION's answer, 0 on error. */
int kvm_check_ext(int fd, long cap);
/* Open /dev/kvm and check API version and required caps: fd, or -errno + why. */
int kvm_open_dev(char *why, size_t len);

/* ---- vcpu_kvm.c: the engine_ops vCPU hooks -------------------------------- */

struct vm;
struct vcpu;
int kvm_vcpu_init(struct vcpu *v);
int kvm_vcpu_run(struct vcpu *v, struct vm_exit *e);
void kvm_vcpu_kick(struct vcpu *v);
int kvm_sync_state(struct vcpu *v);
void kvm_vcpu_destroy(struct vcpu *v);

/* ---- kvm_state.c: cpu_state <-> KVM structures (pure) ------------------ */

void kvm_seg_from_state(struct kvm_segment *k, const struct seg *s);
void kvm_seg_to_state(struct seg *s, const struct kvm_segment *k);
void kvm_regs_from_state(struct kvm_regs *k, const struct cpu_state *s);
void kvm_regs_to_state(struct cpu_state *s, const struct kvm_regs *k);
/* interrupt_bitmap is cleared: pending events travel in kvm_vcpu_events. */
void kvm_sregs_from_state(struct kvm_sregs *k, const struct cpu_state *s);
void kvm_sregs_to_state(struct cpu_state *s, const struct kvm_sregs *k);
void kvm_fpu_from_state(struct kvm_fpu *k, const struct cpu_state *s);
void kvm_fpu_to_state(struct cpu_state *s, const struct kvm_fpu *k);
void kvm_debugregs_from_state(struct kvm_debugregs *k, const struct cpu_state *s);
void kvm_debugregs_to_state(struct cpu_state *s, const struct kvm_debugregs *k);
/*
 * int_shadow uses KVM's encoding (1 STI, 2 MOV SS); pending_vector < 32 is
 * an exception, >= 32 an external interrupt.
 */
void kvm_events_from_state(struct kvm_vcpu_events *k, const struct cpu_state *s);
void kvm_events_to_state(struct cpu_state *s, const struct kvm_vcpu_events *k);
uint32_t kvm_mp_state_from_state(enum cpu_run_state r);
enum cpu_run_state kvm_mp_state_to_state(uint32_t mp);

/* ---- kvm_msr.c: which MSRs travel, and their values (pure) -------------- */

/*
 * The MSRs hvm keeps in cpu_state that KVM lists as supported (a few that
 * KVM always handles are taken even when unlisted).  Returns the count
 * written to out (at most max).
 */
int kvm_msrs_select(const uint32_t *supported, int nr_supported, uint32_t *out, int max);
/* Fill ents[i].data from s for ents[i].index; unknown indexes get 0. */
void kvm_msrs_from_state(struct kvm_msr_entry *ents, int n, const struct cpu_state *s);
/* Store ents[0..n) into s; unknown indexes are ignored. */
void kvm_msrs_to_state(struct cpu_state *s, const struct kvm_msr_entry *ents, int n);

/* ---- kvm_cpuid.c: profile intersected with what KVM supports (pure) ----- */

#define KVM_CPUID_TSC_DEADLINE	(1u << 0)	/* KVM_CAP_TSC_DEADLINE_TIMER */
#define KVM_CPUID_HOST_VENDOR	(1u << 1)	/* show the host's vendor string */

/*
 * The CPUID table for vCPU apic_id: every profile leaf, feature leaves
 * ANDed with KVM's supported table and with the always-hidden set.
 * Returns the number of entries written to out (at most max).
 */
int kvm_cpuid_build(const struct cpuid_profile *p, const struct kvm_cpuid_entry2 *sup,
		    int nr_sup, uint32_t apic_id, unsigned flags,
		    struct kvm_cpuid_entry2 *out, int max);

/* ---- kvm_irqchip.c: reset values of the in-kernel chips (pure) --------- */

/* Keeps the version register; ID = apic_id; the BSP's LINT0 in virtual-wire mode. */
void kvm_lapic_reset_regs(struct kvm_lapic_state *l, uint32_t apic_id, int bsp);
void kvm_pic_reset_state(struct kvm_pic_state *p);
void kvm_ioapic_reset_state(struct kvm_ioapic_state *io);
void kvm_pit_reset_state(struct kvm_pit_state2 *s);

/* ---- kvm_exit.c: struct kvm_run -> struct vm_exit (pure but for the sink) */

struct kvm_exit_sink {
	void (*pio)(void *opaque, struct vm_exit *e);	/* one access; fills data on reads */
	void (*mmio)(void *opaque, struct vm_exit *e);
	void (*request)(void *opaque, enum vm_request req, const char *reason);
	void *opaque;
};

/*
 * Translate the exit in run (an area of run_size bytes).  Port I/O (string
 * forms element by element) and MMIO are completed through the sink, the
 * results written back into run for KVM; returns 1 so the caller re-enters
 * KVM_RUN.  Anything else fills *e and returns 0.
 */
int kvm_exit_translate(struct kvm_run *run, size_t run_size, const struct kvm_exit_sink *sink,
		       struct vm_exit *e);

#endif

/*
 * The kvm engine, vCPU level: KVM_CREATE_VCPU, the shared kvm_run page,
 * per-vCPU CPUID, moving cpu_state in and out, KVM_RUN and kicks
 * (Documentation/virt/kvm/api.rst 4.7-4.40, 5).
 *
 * A kick is SIGUSR1 (a no-op handler, SA_RESTART so device code on the vCPU
 * thread is not disturbed) plus kvm_run->immediate_exit, so a kick that
 * lands just before KVM_RUN is not lost.  APs are created waiting for INIT
 * and SIPI, which the in-kernel LAPIC delivers.
 *
 * Not carried between engines: XSAVE state (no XSAVE in hvm's CPU), the
 * in-kernel LAPIC's registers, nested state.
 */
#include "engine/kvm/kvm_int.h"

#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "core/log.h"
#include "core/vm.h"

#define KICK_SIGNAL SIGUSR1

static int vioctl(int fd, unsigned long req, void *arg)
{
	int r;
	do
		r = ioctl(fd, req, arg);
	while (r < 0 && errno == EINTR);
	return r < 0 ? -errno : r;
}

static void kick_handler(int sig)
{
	(void)sig;	/* only here so the signal interrupts KVM_RUN */
}

static pthread_once_t kick_once = PTHREAD_ONCE_INIT;

static void kick_install(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = kick_handler;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigaction(KICK_SIGNAL, &sa, NULL);
}

/* struct kvm_msrs with room for our entries (its array is flexible). */
struct msr_buf {
	uint32_t nmsrs, pad;
	struct kvm_msr_entry e[KVM_MAX_MSRS + 1];
};
_Static_assert(offsetof(struct msr_buf, e) == offsetof(struct kvm_msrs, entries),
	       "msr_buf must match struct kvm_msrs");

/*
 * KVM_GET/SET_MSRS stop at the first MSR KVM refuses and return how many
 * they did.  Skip the refused one (logged once per vCPU) and go on, so one
 * MSR a host lacks does not lose the rest.  done[i] says entry i worked.
 */
static void msrs_xfer(struct kvm_vcpu *kv, unsigned long req, struct msr_buf *b, int n,
		      uint8_t *done)
{
	int i = 0;
	while (i < n) {
		struct msr_buf part;
		int r, cnt = n - i;
		part.nmsrs = (uint32_t)cnt;
		part.pad = 0;
		memcpy(part.e, &b->e[i], (size_t)cnt * sizeof(part.e[0]));
		r = vioctl(kv->fd, req, &part);
		if (r < 0 || r > cnt)
			r = 0;
		memcpy(&b->e[i], part.e, (size_t)cnt * sizeof(part.e[0]));
		for (int k = 0; k < r; k++)
			done[i + k] = 1;
		i += r;
		if (i < n) {
			if (kv->bad_msr_log++ < 4)
				pr_warn("kvm: %s of MSR %#x refused",
					req == KVM_SET_MSRS ? "write" : "read", b->e[i].index);
			done[i++] = 0;
		}
	}
}

static int load_state(struct vcpu *v)
{
	struct kvm_vcpu *kv = v->eng;
	struct kvm_vm *k = v->vm->eng;
	const struct cpu_state *s = &v->st;
	struct kvm_regs regs;
	struct kvm_sregs sregs;
	struct kvm_fpu fpu;
	struct kvm_mp_state mp;
	struct msr_buf mb;
	uint8_t done[KVM_MAX_MSRS + 1];
	int r;

	kvm_sregs_from_state(&sregs, s);
	if ((r = vioctl(kv->fd, KVM_SET_SREGS, &sregs)) < 0)
		return pr_err("kvm: KVM_SET_SREGS: %s", strerror(-r)), r;
	kvm_regs_from_state(&regs, s);
	if ((r = vioctl(kv->fd, KVM_SET_REGS, &regs)) < 0)
		return pr_err("kvm: KVM_SET_REGS: %s", strerror(-r)), r;
	kvm_fpu_from_state(&fpu, s);
	if ((r = vioctl(kv->fd, KVM_SET_FPU, &fpu)) < 0)
		return pr_err("kvm: KVM_SET_FPU: %s", strerror(-r)), r;
	mb.nmsrs = mb.pad = 0;
	for (int i = 0; i < k->nr_msrs; i++) {
		memset(&mb.e[i], 0, sizeof(mb.e[i]));
		mb.e[i].index = k->msrs[i];
	}
	kvm_msrs_from_state(mb.e, k->nr_msrs, s);
	msrs_xfer(kv, KVM_SET_MSRS, &mb, k->nr_msrs, done);
	if (k->have_debugregs) {
		struct kvm_debugregs dr;
		kvm_debugregs_from_state(&dr, s);
		if ((r = vioctl(kv->fd, KVM_SET_DEBUGREGS, &dr)) < 0)
			return pr_err("kvm: KVM_SET_DEBUGREGS: %s", strerror(-r)), r;
	}
	if (k->have_vcpu_events) {
		struct kvm_vcpu_events ev;
		kvm_events_from_state(&ev, s);
		if ((r = vioctl(kv->fd, KVM_SET_VCPU_EVENTS, &ev)) < 0)
			return pr_err("kvm: KVM_SET_VCPU_EVENTS: %s", strerror(-r)), r;
	}
	mp.mp_state = kvm_mp_state_from_state(s->run_state);
	if ((r = vioctl(kv->fd, KVM_SET_MP_STATE, &mp)) < 0)
		return pr_err("kvm: KVM_SET_MP_STATE: %s", strerror(-r)), r;
	return 0;
}

int kvm_sync_state(struct vcpu *v)
{
	struct kvm_vcpu *kv = v->eng;
	struct kvm_vm *k = v->vm->eng;
	struct cpu_state *s = &v->st;
	struct kvm_regs regs;
	struct kvm_sregs sregs;
	struct kvm_fpu fpu;
	struct kvm_mp_state mp;
	struct msr_buf mb;
	uint8_t done[KVM_MAX_MSRS + 1];
	int r, n = k->nr_msrs;

	if (!kv)
		return -EINVAL;
	if (v->st_dirty)
		return 0;	/* hvm's copy is newer than KVM's */
	if ((r = vioctl(kv->fd, KVM_GET_REGS, &regs)) < 0)
		return r;
	if ((r = vioctl(kv->fd, KVM_GET_SREGS, &sregs)) < 0)
		return r;
	if ((r = vioctl(kv->fd, KVM_GET_FPU, &fpu)) < 0)
		return r;
	kvm_regs_to_state(s, &regs);
	kvm_sregs_to_state(s, &sregs);
	kvm_fpu_to_state(s, &fpu);

	mb.nmsrs = mb.pad = 0;
	for (int i = 0; i < n; i++) {
		memset(&mb.e[i], 0, sizeof(mb.e[i]));
		mb.e[i].index = k->msrs[i];
	}
	/* The TSC rides along only to express the guest's clock as an offset. */
	memset(&mb.e[n], 0, sizeof(mb.e[n]));
	mb.e[n].index = MSR_IA32_TSC;
	msrs_xfer(kv, KVM_GET_MSRS, &mb, n + 1, done);
	for (int i = 0; i < n; i++)
		if (done[i])
			kvm_msrs_to_state(s, &mb.e[i], 1);
	if (done[n])
		s->tsc_offset = (int64_t)(mb.e[n].data - __builtin_ia32_rdtsc());

	if (k->have_debugregs) {
		struct kvm_debugregs dr;
		if (vioctl(kv->fd, KVM_GET_DEBUGREGS, &dr) == 0)
			kvm_debugregs_to_state(s, &dr);
	}
	if (k->have_vcpu_events) {
		struct kvm_vcpu_events ev;
		if (vioctl(kv->fd, KVM_GET_VCPU_EVENTS, &ev) == 0)
			kvm_events_to_state(s, &ev);
	}
	if (vioctl(kv->fd, KVM_GET_MP_STATE, &mp) == 0)
		s->run_state = kvm_mp_state_to_state(mp.mp_state);
	return 0;
}

static int set_cpuid(struct vcpu *v, struct kvm_vcpu *kv)
{
	struct kvm_vm *k = v->vm->eng;
	struct kvm_cpuid2 *c = calloc(1, sizeof(*c) + KVM_MAX_CPUID * sizeof(c->entries[0]));
	unsigned flags = k->have_tsc_deadline ? KVM_CPUID_TSC_DEADLINE : 0;
	int r;

	if (!c)
		return -ENOMEM;
	c->nent = (uint32_t)kvm_cpuid_build(&v->vm->cpuid, k->supported, k->nr_supported,
					    (uint32_t)v->id, flags, c->entries, KVM_MAX_CPUID);
	r = vioctl(kv->fd, KVM_SET_CPUID2, c);
	free(c);
	if (r < 0)
		pr_err("kvm: KVM_SET_CPUID2: %s", strerror(-r));
	return r < 0 ? r : 0;
}

static void vcpu_free(struct kvm_vcpu *kv)
{
	kvm_fallback_free(kv);
	if (kv->run && kv->run != MAP_FAILED)
		munmap(kv->run, (size_t)kv->run_size);
	if (kv->fd >= 0)
		close(kv->fd);
	free(kv);
}

int kvm_vcpu_init(struct vcpu *v)
{
	struct kvm_vm *k = v->vm->eng;
	struct kvm_vcpu *kv;
	int r;

	if (!k)
		return -EINVAL;
	if ((r = kvm_update_slots(v->vm)) < 0)
		return r;
	kv = calloc(1, sizeof(*kv));
	if (!kv)
		return -ENOMEM;
	kv->run_size = k->run_size;
	kv->fd = vioctl(k->vm_fd, KVM_CREATE_VCPU, (void *)(uintptr_t)v->id);
	if (kv->fd < 0) {
		r = kv->fd;
		pr_err("kvm: KVM_CREATE_VCPU %d: %s", v->id, strerror(-r));
		goto fail;
	}
	kv->run = mmap(NULL, (size_t)kv->run_size, PROT_READ | PROT_WRITE, MAP_SHARED, kv->fd, 0);
	if (kv->run == MAP_FAILED) {
		r = -errno;
		kv->run = NULL;
		pr_err("kvm: mmap of vCPU %d run area: %s", v->id, strerror(-r));
		goto fail;
	}
	if ((r = set_cpuid(v, kv)) < 0)
		goto fail;
	pthread_once(&kick_once, kick_install);
	v->eng = kv;
	return 0;
fail:
	vcpu_free(kv);
	return r;
}

static void sink_pio(void *opaque, struct vm_exit *e)
{
	vm_pio(opaque, e);
}

static void sink_mmio(void *opaque, struct vm_exit *e)
{
	vm_mmio(opaque, e);
}

static void sink_request(void *opaque, enum vm_request req, const char *reason)
{
	vm_request(opaque, req, 0, reason);
}

/*
 * KVM could not emulate an instruction: run it with hvm's own core.
 * 0: done, KVM goes on; 1: it can't be done here (the exit stands, with the
 * reason logged); <0: KVM refused the state back.
 */
static int emulate_one(struct vcpu *v)
{
	struct kvm_vcpu *kv = v->eng;
	char why[160] = "";
	int r;

	if (kvm_sync_state(v) < 0)
		return 1;
	if (kvm_fallback_step(v, why, sizeof(why)) < 0) {
		pr_err("kvm: vCPU %d: emulating the instruction at %#llx in hvm failed: %s",
		       v->id, (unsigned long long)v->st.rip, why);
		v->st_dirty = 0;
		return 1;
	}
	if (kv->fallbacks++ == 0)
		pr_info("kvm: vCPU %d: KVM cannot emulate an instruction at %#llx; hvm's x86 core runs such instructions",
			v->id, (unsigned long long)v->st.rip);
	if ((r = load_state(v)) < 0)
		return r;
	return 0;
}

int kvm_vcpu_run(struct vcpu *v, struct vm_exit *e)
{
	struct kvm_vcpu *kv = v->eng;
	const struct kvm_exit_sink sink = { sink_pio, sink_mmio, sink_request, v->vm };
	int r;

	if (!kv)
		return -EINVAL;
	if (!__atomic_load_n(&kv->thread_known, __ATOMIC_ACQUIRE)) {
		kv->tid = pthread_self();
		__atomic_store_n(&kv->thread_known, 1, __ATOMIC_RELEASE);
	}
	if (v->st_dirty) {
		if ((r = load_state(v)) < 0)
			return r;
		v->st_dirty = 0;
	}
	for (;;) {
		if (v->vm->stopping) {
			memset(e, 0, sizeof(*e));
			e->reason = EXIT_NONE;
			return 0;
		}
		r = ioctl(kv->fd, KVM_RUN, 0);
		if (r < 0) {
			r = -errno;
			if (r == -EINTR || r == -EAGAIN) {
				__atomic_store_n(&kv->run->immediate_exit, 0, __ATOMIC_RELAXED);
				memset(e, 0, sizeof(*e));
				e->reason = EXIT_NONE;
				return 0;
			}
			pr_err("kvm: KVM_RUN on vCPU %d: %s", v->id, strerror(-r));
			return r;
		}
		if (kvm_exit_translate(kv->run, (size_t)kv->run_size, &sink, e))
			continue;
		if (e->reason == EXIT_INTERNAL_ERROR &&
		    kv->run->internal.suberror == KVM_INTERNAL_ERROR_EMULATION &&
		    (r = emulate_one(v)) <= 0) {
			if (r < 0)
				return r;
			continue;
		}
		if (e->reason == EXIT_INTERNAL_ERROR || e->reason == EXIT_FAIL_ENTRY ||
		    e->reason == EXIT_SHUTDOWN)
			kvm_sync_state(v);	/* registers for the dump */
		return 0;
	}
}

void kvm_vcpu_kick(struct vcpu *v)
{
	struct kvm_vcpu *kv = v->eng;
	if (!kv)
		return;
	__atomic_store_n(&kv->run->immediate_exit, 1, __ATOMIC_RELEASE);
	if (__atomic_load_n(&kv->thread_known, __ATOMIC_ACQUIRE))
		pthread_kill(kv->tid, KICK_SIGNAL);
}

void kvm_vcpu_destroy(struct vcpu *v)
{
	struct kvm_vcpu *kv = v->eng;
	if (!kv)
		return;
	__atomic_store_n(&kv->thread_known, 0, __ATOMIC_RELEASE);
	v->eng = NULL;
	vcpu_free(kv);
}

int kvm_read_guest_virt(struct vcpu *v, uint64_t lin, void *buf, size_t len)
{
	struct kvm_vcpu *kv = v->eng;
	uint8_t *out = buf;

	if (!kv)
		return -EINVAL;
	while (len) {
		struct kvm_translation t;
		size_t chunk = 4096 - (size_t)(lin & 4095);
		if (chunk > len)
			chunk = len;
		memset(&t, 0, sizeof(t));
		t.linear_address = lin;
		if (vioctl(kv->fd, KVM_TRANSLATE, &t) < 0 || !t.valid)
			return -EFAULT;
		if (gpa_read(&v->vm->mem, t.physical_address, out, chunk) < 0)
			return -EFAULT;
		out += chunk;
		lin += chunk;
		len -= chunk;
	}
	return 0;
}

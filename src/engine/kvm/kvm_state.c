/*
 * cpu_state <-> KVM's register structures (Documentation/virt/kvm/api.rst:
 * KVM_GET/SET_REGS, SREGS, FPU, DEBUGREGS, VCPU_EVENTS, MP_STATE).  Segment
 * attributes in cpu_state follow the VMX access-rights layout (SDM vol. 3,
 * 24.4.1); the x87/SSE image follows FXSAVE's 64-bit layout (SDM vol. 1,
 * table 10-2).
 *
 * Not carried: a soft interrupt (INT n) caught mid-injection becomes an
 * ordinary external interrupt; NMI-blocked state; SMM; XSAVE state beyond
 * SSE (hvm's CPU has no XSAVE).
 */
#include "engine/kvm/kvm_int.h"

#include <string.h>

/* FXSAVE image offsets */
#define FX_FCW	 0
#define FX_FSW	 2
#define FX_FTW	 4
#define FX_FOP	 6
#define FX_FIP	 8
#define FX_FDP	 16
#define FX_MXCSR 24
#define FX_ST0	 32
#define FX_XMM0	 160

void kvm_seg_from_state(struct kvm_segment *k, const struct seg *s)
{
	memset(k, 0, sizeof(*k));
	k->base = s->base;
	k->limit = s->limit;
	k->selector = s->sel;
	k->type = SEG_TYPE(s->attr);
	k->s = !!(s->attr & SEG_S);
	k->dpl = SEG_DPL(s->attr);
	k->present = !!(s->attr & SEG_P);
	k->avl = !!(s->attr & SEG_AVL);
	k->l = !!(s->attr & SEG_L);
	k->db = !!(s->attr & SEG_DB);
	k->g = !!(s->attr & SEG_G);
	k->unusable = !!(s->attr & SEG_UNUSABLE);
}

void kvm_seg_to_state(struct seg *s, const struct kvm_segment *k)
{
	s->base = k->base;
	s->limit = k->limit;
	s->sel = k->selector;
	s->attr = (k->type & 0xfu) | (k->s ? SEG_S : 0) | (k->dpl & 3u) << 5 |
		  (k->present ? SEG_P : 0) | (k->avl ? SEG_AVL : 0) | (k->l ? SEG_L : 0) |
		  (k->db ? SEG_DB : 0) | (k->g ? SEG_G : 0) | (k->unusable ? SEG_UNUSABLE : 0);
}

void kvm_regs_from_state(struct kvm_regs *k, const struct cpu_state *s)
{
	const uint64_t *r = s->regs;
	memset(k, 0, sizeof(*k));
	k->rax = r[R_AX]; k->rbx = r[R_BX]; k->rcx = r[R_CX]; k->rdx = r[R_DX];
	k->rsi = r[R_SI]; k->rdi = r[R_DI]; k->rsp = r[R_SP]; k->rbp = r[R_BP];
	k->r8 = r[R_R8]; k->r9 = r[R_R9]; k->r10 = r[R_R10]; k->r11 = r[R_R11];
	k->r12 = r[R_R12]; k->r13 = r[R_R13]; k->r14 = r[R_R14]; k->r15 = r[R_R15];
	k->rip = s->rip;
	k->rflags = s->rflags;
}

void kvm_regs_to_state(struct cpu_state *s, const struct kvm_regs *k)
{
	uint64_t *r = s->regs;
	r[R_AX] = k->rax; r[R_BX] = k->rbx; r[R_CX] = k->rcx; r[R_DX] = k->rdx;
	r[R_SI] = k->rsi; r[R_DI] = k->rdi; r[R_SP] = k->rsp; r[R_BP] = k->rbp;
	r[R_R8] = k->r8; r[R_R9] = k->r9; r[R_R10] = k->r10; r[R_R11] = k->r11;
	r[R_R12] = k->r12; r[R_R13] = k->r13; r[R_R14] = k->r14; r[R_R15] = k->r15;
	s->rip = k->rip;
	s->rflags = k->rflags;
}

void kvm_sregs_from_state(struct kvm_sregs *k, const struct cpu_state *s)
{
	memset(k, 0, sizeof(*k));
	kvm_seg_from_state(&k->es, &s->seg[S_ES]);
	kvm_seg_from_state(&k->cs, &s->seg[S_CS]);
	kvm_seg_from_state(&k->ss, &s->seg[S_SS]);
	kvm_seg_from_state(&k->ds, &s->seg[S_DS]);
	kvm_seg_from_state(&k->fs, &s->seg[S_FS]);
	kvm_seg_from_state(&k->gs, &s->seg[S_GS]);
	kvm_seg_from_state(&k->ldt, &s->ldt);
	kvm_seg_from_state(&k->tr, &s->tr);
	k->gdt.base = s->gdt.base;
	k->gdt.limit = s->gdt.limit;
	k->idt.base = s->idt.base;
	k->idt.limit = s->idt.limit;
	k->cr0 = s->cr0;
	k->cr2 = s->cr2;
	k->cr3 = s->cr3;
	k->cr4 = s->cr4;
	k->cr8 = s->cr8;
	k->efer = s->efer;
	k->apic_base = s->apic_base;
}

void kvm_sregs_to_state(struct cpu_state *s, const struct kvm_sregs *k)
{
	kvm_seg_to_state(&s->seg[S_ES], &k->es);
	kvm_seg_to_state(&s->seg[S_CS], &k->cs);
	kvm_seg_to_state(&s->seg[S_SS], &k->ss);
	kvm_seg_to_state(&s->seg[S_DS], &k->ds);
	kvm_seg_to_state(&s->seg[S_FS], &k->fs);
	kvm_seg_to_state(&s->seg[S_GS], &k->gs);
	kvm_seg_to_state(&s->ldt, &k->ldt);
	kvm_seg_to_state(&s->tr, &k->tr);
	s->gdt.base = k->gdt.base;
	s->gdt.limit = k->gdt.limit;
	s->idt.base = k->idt.base;
	s->idt.limit = k->idt.limit;
	s->cr0 = k->cr0;
	s->cr2 = k->cr2;
	s->cr3 = k->cr3;
	s->cr4 = k->cr4;
	s->cr8 = k->cr8;
	s->efer = k->efer;
	s->apic_base = k->apic_base;
}

void kvm_fpu_from_state(struct kvm_fpu *k, const struct cpu_state *s)
{
	const uint8_t *fx = s->fxsave;
	memset(k, 0, sizeof(*k));
	memcpy(&k->fcw, fx + FX_FCW, 2);
	memcpy(&k->fsw, fx + FX_FSW, 2);
	k->ftwx = fx[FX_FTW];		/* both use FXSAVE's abridged tag byte */
	memcpy(&k->last_opcode, fx + FX_FOP, 2);
	memcpy(&k->last_ip, fx + FX_FIP, 8);
	memcpy(&k->last_dp, fx + FX_FDP, 8);
	memcpy(&k->mxcsr, fx + FX_MXCSR, 4);
	for (int i = 0; i < 8; i++)
		memcpy(k->fpr[i], fx + FX_ST0 + 16 * i, 16);
	for (int i = 0; i < 16; i++)
		memcpy(k->xmm[i], fx + FX_XMM0 + 16 * i, 16);
}

/* MXCSR_MASK and the reserved tail of the image are left as they were. */
void kvm_fpu_to_state(struct cpu_state *s, const struct kvm_fpu *k)
{
	uint8_t *fx = s->fxsave;
	memcpy(fx + FX_FCW, &k->fcw, 2);
	memcpy(fx + FX_FSW, &k->fsw, 2);
	fx[FX_FTW] = k->ftwx;
	fx[FX_FTW + 1] = 0;
	memcpy(fx + FX_FOP, &k->last_opcode, 2);
	memcpy(fx + FX_FIP, &k->last_ip, 8);
	memcpy(fx + FX_FDP, &k->last_dp, 8);
	memcpy(fx + FX_MXCSR, &k->mxcsr, 4);
	for (int i = 0; i < 8; i++)
		memcpy(fx + FX_ST0 + 16 * i, k->fpr[i], 16);
	for (int i = 0; i < 16; i++)
		memcpy(fx + FX_XMM0 + 16 * i, k->xmm[i], 16);
}

void kvm_debugregs_from_state(struct kvm_debugregs *k, const struct cpu_state *s)
{
	memset(k, 0, sizeof(*k));
	for (int i = 0; i < 4; i++)
		k->db[i] = s->dr[i];
	k->dr6 = s->dr[6];
	k->dr7 = s->dr[7];
}

void kvm_debugregs_to_state(struct cpu_state *s, const struct kvm_debugregs *k)
{
	for (int i = 0; i < 4; i++)
		s->dr[i] = k->db[i];
	s->dr[6] = k->dr6;
	s->dr[7] = k->dr7;
}

void kvm_events_from_state(struct kvm_vcpu_events *k, const struct cpu_state *s)
{
	memset(k, 0, sizeof(*k));
	k->nmi.pending = !!s->nmi_pending;
	if (s->pending_vector == 2) {
		/* KVM refuses vector 2 as an exception: it is the NMI. */
		k->nmi.pending = 1;
	} else if (s->pending_vector >= 0 && s->pending_vector < 32) {
		k->exception.injected = 1;
		k->exception.nr = (uint8_t)s->pending_vector;
		k->exception.has_error_code = !!s->pending_has_error;
		k->exception.error_code = s->pending_error;
	} else if (s->pending_vector >= 32 && s->pending_vector <= 255) {
		k->interrupt.injected = 1;
		k->interrupt.nr = (uint8_t)s->pending_vector;
	}
	k->interrupt.shadow = s->int_shadow & (KVM_X86_SHADOW_INT_MOV_SS | KVM_X86_SHADOW_INT_STI);
	k->flags = KVM_VCPUEVENT_VALID_SHADOW | KVM_VCPUEVENT_VALID_NMI_PENDING;
}

void kvm_events_to_state(struct cpu_state *s, const struct kvm_vcpu_events *k)
{
	s->pending_vector = -1;
	s->pending_has_error = 0;
	s->pending_error = 0;
	if (k->exception.injected || k->exception.pending) {
		s->pending_vector = k->exception.nr & 0x1f;
		s->pending_has_error = !!k->exception.has_error_code;
		s->pending_error = k->exception.error_code;
	} else if (k->interrupt.injected) {
		s->pending_vector = k->interrupt.nr;
	}
	s->int_shadow = k->interrupt.shadow & (KVM_X86_SHADOW_INT_MOV_SS | KVM_X86_SHADOW_INT_STI);
	/* An NMI caught mid-delivery is delivered again from the start. */
	s->nmi_pending = k->nmi.pending || k->nmi.injected;
}

/*
 * An AP waiting for start-up is UNINITIALIZED to KVM: its in-kernel LAPIC
 * then takes INIT and SIPI itself, as the SDM's MP protocol expects.
 */
uint32_t kvm_mp_state_from_state(enum cpu_run_state r)
{
	switch (r) {
	case CPU_HALTED: return KVM_MP_STATE_HALTED;
	case CPU_WAIT_SIPI: return KVM_MP_STATE_UNINITIALIZED;
	case CPU_RUNNABLE: break;
	}
	return KVM_MP_STATE_RUNNABLE;
}

enum cpu_run_state kvm_mp_state_to_state(uint32_t mp)
{
	switch (mp) {
	case KVM_MP_STATE_HALTED:
		return CPU_HALTED;
	case KVM_MP_STATE_UNINITIALIZED:
	case KVM_MP_STATE_INIT_RECEIVED:
	case KVM_MP_STATE_SIPI_RECEIVED:	/* vector not yet applied: still waiting */
	case KVM_MP_STATE_AP_RESET_HOLD:
		return CPU_WAIT_SIPI;
	}
	return CPU_RUNNABLE;
}

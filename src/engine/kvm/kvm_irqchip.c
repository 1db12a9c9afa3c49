/*
 * Machine reset for KVM's in-kernel interrupt controllers and PIT
 * (KVM_GET/SET_IRQCHIP, KVM_GET/SET_PIT2, KVM_GET/SET_LAPIC).  The reset
 * values follow the datasheets: 8259A before its ICW sequence, 82093AA
 * IOAPIC (all redirection entries masked), 8254 counters unprogrammed,
 * local APIC per SDM vol. 3 10.4.7.1.  The BSP's LINT0 is left in
 * virtual-wire mode (ExtINT, unmasked; MP spec 1.4, 3.6.2.2), which a BIOS
 * sets up and a freshly created KVM vCPU already has, so a reset machine
 * looks like a new one.
 *
 * Not reset: the ELCR masks (fixed by the chipset), the IOAPIC's base
 * address, the LAPIC version register, the PIT's HPET-legacy flag.
 */
#include "engine/kvm/kvm_int.h"

#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>

#include "core/log.h"
#include "core/vm.h"

/* Local APIC register offsets (SDM vol. 3, table 10-1) */
#define LAPIC_ID	0x20
#define LAPIC_VER	0x30
#define LAPIC_DFR	0xe0
#define LAPIC_SVR	0xf0
#define LAPIC_LVT_CMCI	0x2f0
#define LAPIC_LVT_TIMER	0x320
#define LAPIC_LVT_LINT0	0x350
#define LAPIC_LVT_ERR	0x370
#define LVT_MASKED	(1u << 16)
#define LVT_EXTINT	(7u << 8)

static void reg_set(struct kvm_lapic_state *l, unsigned off, uint32_t v)
{
	memcpy(l->regs + off, &v, 4);
}

void kvm_lapic_reset_regs(struct kvm_lapic_state *l, uint32_t apic_id, int bsp)
{
	uint32_t ver;
	memcpy(&ver, l->regs + LAPIC_VER, 4);
	memset(l->regs, 0, sizeof(l->regs));
	reg_set(l, LAPIC_ID, apic_id << 24);
	reg_set(l, LAPIC_VER, ver);
	reg_set(l, LAPIC_DFR, 0xffffffffu);
	reg_set(l, LAPIC_SVR, 0xff);
	reg_set(l, LAPIC_LVT_CMCI, LVT_MASKED);
	for (unsigned off = LAPIC_LVT_TIMER; off <= LAPIC_LVT_ERR; off += 0x10)
		reg_set(l, off, LVT_MASKED);
	if (bsp)
		reg_set(l, LAPIC_LVT_LINT0, LVT_EXTINT);
}

void kvm_pic_reset_state(struct kvm_pic_state *p)
{
	uint8_t elcr_mask = p->elcr_mask;
	memset(p, 0, sizeof(*p));
	p->elcr_mask = elcr_mask;
}

void kvm_ioapic_reset_state(struct kvm_ioapic_state *io)
{
	uint64_t base = io->base_address;
	memset(io, 0, sizeof(*io));
	io->base_address = base;
	for (int i = 0; i < KVM_IOAPIC_NUM_PINS; i++)
		io->redirtbl[i].bits = 1ull << 16;	/* masked */
}

void kvm_pit_reset_state(struct kvm_pit_state2 *s)
{
	uint32_t flags = s->flags;
	memset(s, 0, sizeof(*s));
	s->flags = flags;
	for (int i = 0; i < 3; i++) {
		/*
		 * Count 0 means 65536; mode 0xff is "never programmed" to KVM,
		 * so no timer runs until the guest writes a control word.
		 */
		s->channels[i].mode = 0xff;
		s->channels[i].gate = i != 2;	/* channel 2's gate is port 0x61 bit 0 */
	}
}

static int xioctl(int fd, unsigned long req, void *arg)
{
	int r;
	do
		r = ioctl(fd, req, arg);
	while (r < 0 && errno == EINTR);
	return r < 0 ? -errno : 0;
}

int kvm_vm_reset(struct vm *vm)
{
	struct kvm_vm *k = vm->eng;
	struct kvm_pit_state2 pit;
	int r;

	if (!k)
		return -EINVAL;
	for (uint32_t chip = 0; chip < KVM_NR_IRQCHIPS; chip++) {
		struct kvm_irqchip c;
		memset(&c, 0, sizeof(c));
		c.chip_id = chip;
		if ((r = xioctl(k->vm_fd, KVM_GET_IRQCHIP, &c)) < 0)
			return pr_err("kvm: KVM_GET_IRQCHIP %u: %s", chip, strerror(-r)), r;
		if (chip == KVM_IRQCHIP_IOAPIC)
			kvm_ioapic_reset_state(&c.chip.ioapic);
		else
			kvm_pic_reset_state(&c.chip.pic);
		if ((r = xioctl(k->vm_fd, KVM_SET_IRQCHIP, &c)) < 0)
			return pr_err("kvm: KVM_SET_IRQCHIP %u: %s", chip, strerror(-r)), r;
	}
	if ((r = xioctl(k->vm_fd, KVM_GET_PIT2, &pit)) < 0)
		return pr_err("kvm: KVM_GET_PIT2: %s", strerror(-r)), r;
	kvm_pit_reset_state(&pit);
	if ((r = xioctl(k->vm_fd, KVM_SET_PIT2, &pit)) < 0)
		return pr_err("kvm: KVM_SET_PIT2: %s", strerror(-r)), r;
	for (int i = 0; i < vm->nr_vcpus; i++) {
		struct vcpu *v = vm->vcpu[i];
		struct kvm_vcpu *kv = v ? v->eng : NULL;
		struct kvm_lapic_state l;
		if (!kv)
			continue;
		if ((r = xioctl(kv->fd, KVM_GET_LAPIC, &l)) < 0)
			return pr_err("kvm: KVM_GET_LAPIC: %s", strerror(-r)), r;
		kvm_lapic_reset_regs(&l, (uint32_t)v->id, v->id == 0);
		if ((r = xioctl(kv->fd, KVM_SET_LAPIC, &l)) < 0)
			return pr_err("kvm: KVM_SET_LAPIC: %s", strerror(-r)), r;
	}
	return 0;
}

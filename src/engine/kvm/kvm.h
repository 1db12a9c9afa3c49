/*
 * The kvm engine's public extras beyond `kvm_engine` (core/vm.h): what the
 * vCPU loop and the board call directly.
 */
#ifndef HVM_KVM_H
#define HVM_KVM_H

#include <stddef.h>
#include <stdint.h>

struct vm;
struct vcpu;

/* 0 if /dev/kvm is usable (API 12, required caps, a VM can be created); else -errno + why. */
int kvm_probe(char *why, size_t len);

/*
 * Give KVM a memory slot for every vm->mem region it does not have yet
 * (e.g. a ROM added after vm_init).  vcpu_init calls it too.  0 or -errno.
 */
int kvm_update_slots(struct vm *vm);

/*
 * Copy len bytes of guest memory at linear address lin, as vCPU v's page
 * tables map them now (KVM_TRANSLATE, page by page).  For the fatal dump:
 * bytes at cs.base + rip.  0, or -EFAULT if a page is unmapped or not RAM.
 */
int kvm_read_guest_virt(struct vcpu *v, uint64_t lin, void *buf, size_t len);

/*
 * Machine reset: put KVM's in-kernel PIC, IOAPIC, PIT and every vCPU's LAPIC
 * back to their reset state.  Call with the vCPU threads stopped, before
 * they run the reset cpu_state (e.g. from the board's reset path when the
 * engine is kvm).  0 or -errno.
 */
int kvm_vm_reset(struct vm *vm);

/*
 * Time a tiny guest loop: 1 (with the reason in why) when KVM emulates guest
 * kernel code in software here, 0 when it runs at hardware speed, -errno
 * when KVM is unusable.  Takes a few milliseconds.
 */
int kvm_speed_check(char *why, size_t len);

#endif

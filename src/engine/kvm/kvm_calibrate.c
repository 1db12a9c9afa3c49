/*
 * Is KVM fast here?  Some hosts (nested "PVM" setups among them) expose a
 * working /dev/kvm but run guest supervisor code through the host kernel's
 * instruction emulator, around 0.5 MIPS: slower than hvm's own emu engine by
 * two orders of magnitude.  `--engine auto` asks this before choosing kvm.
 *
 * The check runs a 2-instruction real-mode loop a few thousand times in a
 * throw-away VM (no irqchip, so HLT exits to us) and times it.  With
 * hardware virtualization that takes microseconds; emulated, milliseconds.
 */
#include "engine/kvm/kvm.h"
#include "engine/kvm/kvm_int.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define CAL_ITERS	2000
#define CAL_MEM		0x10000
#define CAL_CODE	0x1000
/* Below this many loop iterations per second, guest code is being emulated. */
#define CAL_MIN_RATE	1e6

static const uint8_t cal_code[] = {
	0x66, 0xb9, CAL_ITERS & 0xff, CAL_ITERS >> 8, 0, 0,	/* mov ecx, CAL_ITERS */
	0x66, 0x49,						/* 1: dec ecx */
	0x75, 0xfc,						/* jnz 1b */
	0xf4,							/* hlt */
};

static double now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

static int run_loop(int kvm, double *secs, char *why, size_t len)
{
	int vm = -1, cpu = -1, r = -EIO;
	long run_size;
	struct kvm_run *run = MAP_FAILED;
	uint8_t *mem = mmap(NULL, CAL_MEM, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct kvm_userspace_memory_region slot = { .slot = 0, .guest_phys_addr = 0,
						    .memory_size = CAL_MEM };
	struct kvm_sregs sregs;
	struct kvm_regs regs = { .rip = CAL_CODE, .rflags = 2 };
	double t0;

	if (mem == MAP_FAILED)
		return -ENOMEM;
	memcpy(mem + CAL_CODE, cal_code, sizeof(cal_code));
	slot.userspace_addr = (uintptr_t)mem;
	vm = ioctl(kvm, KVM_CREATE_VM, 0);
	if (vm < 0 || ioctl(vm, KVM_SET_USER_MEMORY_REGION, &slot) < 0 ||
	    ioctl(vm, KVM_SET_TSS_ADDR, 0xfffbd000UL) < 0)
		goto out;
	cpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	run_size = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (cpu < 0 || run_size <= 0)
		goto out;
	run = mmap(NULL, run_size, PROT_READ | PROT_WRITE, MAP_SHARED, cpu, 0);
	if (run == MAP_FAILED || ioctl(cpu, KVM_GET_SREGS, &sregs) < 0)
		goto out;
	sregs.cs.base = 0;
	sregs.cs.selector = 0;
	if (ioctl(cpu, KVM_SET_SREGS, &sregs) < 0 || ioctl(cpu, KVM_SET_REGS, &regs) < 0)
		goto out;
	t0 = now_s();
	for (int tries = 0; tries < 100; tries++) {
		if (ioctl(cpu, KVM_RUN, 0) < 0 && errno != EINTR)
			break;
		if (run->exit_reason == KVM_EXIT_HLT) {
			*secs = now_s() - t0;
			r = 0;
			break;
		}
		if (run->exit_reason != KVM_EXIT_INTR)
			break;
	}
out:
	if (r)
		snprintf(why, len, "calibration guest did not run: %s", strerror(errno ? errno : EIO));
	if (run != MAP_FAILED)
		munmap(run, run_size);
	if (cpu >= 0)
		close(cpu);
	if (vm >= 0)
		close(vm);
	munmap(mem, CAL_MEM);
	return r;
}

int kvm_speed_check(char *why, size_t len)
{
	double secs = 0, rate;
	int kvm = kvm_open_dev(why, len), r;
	if (kvm < 0)
		return kvm;
	r = run_loop(kvm, &secs, why, len);
	close(kvm);
	if (r)
		return r;
	rate = secs > 0 ? CAL_ITERS / secs : 1e12;
	if (rate < CAL_MIN_RATE) {
		snprintf(why, len, "kvm runs guest kernel code emulated on this host "
			 "(%.2f M loop iterations/s, hardware does >100)", rate / 1e6);
		return 1;
	}
	snprintf(why, len, "%.0f M loop iterations/s", rate / 1e6);
	return 0;
}

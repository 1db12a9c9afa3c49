/*
 * Is KVM usable here?  Asked only through KVM's own API (Documentation/
 * virt/kvm/api.rst 4.1-4.4): /dev/kvm opens, KVM_GET_API_VERSION is 12, the
 * capabilities hvm relies on are present, and a VM can be created.  Never
 * inferred from /proc/cpuinfo (nested and PVM hosts show vmx/svm or not
 * independently of whether /dev/kvm works).
 */
#include "engine/kvm/kvm_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define KVM_PATH "/dev/kvm"

int kvm_check_ext(int fd, long cap)
{
	int r;
	do
		r = ioctl(fd, KVM_CHECK_EXTENSION, cap);
	while (r < 0 && errno == EINTR);
	return r > 0 ? r : 0;
}

static const struct { long cap; const char *name; } required_caps[] = {
	{ KVM_CAP_IRQCHIP, "KVM_CAP_IRQCHIP" },
	{ KVM_CAP_USER_MEMORY, "KVM_CAP_USER_MEMORY" },
	{ KVM_CAP_PIT2, "KVM_CAP_PIT2" },
	{ KVM_CAP_SET_TSS_ADDR, "KVM_CAP_SET_TSS_ADDR" },
	{ KVM_CAP_EXT_CPUID, "KVM_CAP_EXT_CPUID" },
	{ KVM_CAP_MP_STATE, "KVM_CAP_MP_STATE" },
	{ KVM_CAP_IMMEDIATE_EXIT, "KVM_CAP_IMMEDIATE_EXIT" },
};

int kvm_open_dev(char *why, size_t len)
{
	int fd = open(KVM_PATH, O_RDWR | O_CLOEXEC), r;
	if (fd < 0) {
		r = -errno;
		snprintf(why, len, "%s: %s", KVM_PATH, strerror(-r));
		return r;
	}
	r = ioctl(fd, KVM_GET_API_VERSION, 0);
	if (r != KVM_API_VERSION) {
		snprintf(why, len, "%s: API version %d, need %d", KVM_PATH, r, KVM_API_VERSION);
		close(fd);
		return -ENOTSUP;
	}
	for (size_t i = 0; i < sizeof(required_caps) / sizeof(required_caps[0]); i++) {
		if (!kvm_check_ext(fd, required_caps[i].cap)) {
			snprintf(why, len, "%s: missing %s", KVM_PATH, required_caps[i].name);
			close(fd);
			return -ENOTSUP;
		}
	}
	return fd;
}

int kvm_probe(char *why, size_t len)
{
	int fd = kvm_open_dev(why, len), vm;
	if (fd < 0)
		return fd;
	do
		vm = ioctl(fd, KVM_CREATE_VM, 0);
	while (vm < 0 && errno == EINTR);
	if (vm < 0) {
		vm = -errno;
		snprintf(why, len, "%s: KVM_CREATE_VM: %s", KVM_PATH, strerror(-vm));
		close(fd);
		return vm;
	}
	close(vm);
	close(fd);
	return 0;
}

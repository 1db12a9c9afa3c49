/*
 * What a device may ask of the machine as a whole: reset, power off, or end
 * hvm with a status (isa-debug-exit).  Devices get a struct vm_ctl, never the
 * struct vm.
 */
#ifndef HVM_VMCTL_H
#define HVM_VMCTL_H

enum vm_request {
	VMREQ_NONE,
	VMREQ_RESET,		/* keyboard-controller/0x92/0xcf9 reset or triple fault */
	VMREQ_POWEROFF,		/* ACPI S5 */
	VMREQ_EXIT,		/* isa-debug-exit: hvm exits with `code` */
	VMREQ_QUIT,		/* user asked to quit (Ctrl-A x) */
	VMREQ_FATAL,		/* engine error: exit 125 */
};

struct vm_ctl {
	/* reason: a short human-readable cause, e.g. "i8042 reset (0xfe)" */
	void (*request)(void *opaque, enum vm_request req, int code, const char *reason);
	void *opaque;
};

static inline void vmctl_request(const struct vm_ctl *c, enum vm_request r, int code,
				 const char *reason)
{
	if (c && c->request)
		c->request(c->opaque, r, code, reason);
}

#endif

/*
 * Why an engine stopped running guest code: the engine-neutral exit that the
 * vCPU loop (core/vcpu.c) handles.  I/O and MMIO exits are single accesses;
 * an engine that gets a string/rep access from the hardware splits it.
 */
#ifndef HVM_EXIT_H
#define HVM_EXIT_H

#include <stdint.h>

enum vm_exit_reason {
	EXIT_NONE,		/* nothing to do (e.g. kicked by a signal): run again */
	EXIT_IO,		/* port I/O: handled by the PIO bus */
	EXIT_MMIO,		/* MMIO: handled by the MMIO bus */
	EXIT_HLT,		/* HLT with interrupts off and no wakeup possible */
	EXIT_SHUTDOWN,		/* triple fault: the machine resets */
	EXIT_INTERNAL_ERROR,	/* engine cannot go on: fatal, register dump */
	EXIT_FAIL_ENTRY,	/* hardware refused the guest state: fatal */
};

struct vm_exit {
	enum vm_exit_reason reason;
	union {
		struct {
			uint16_t port;
			uint8_t size;		/* 1, 2, 4 */
			uint8_t is_write;
			uint32_t data;		/* in: value written; out: value read */
		} io;
		struct {
			uint64_t addr;
			uint8_t size;		/* 1, 2, 4, 8 */
			uint8_t is_write;
			uint64_t data;
		} mmio;
		struct {
			char msg[160];		/* one line: what went wrong */
		} err;
	};
};

#endif

/*
 * Software page walk over a cpu_state (read-only: no A/D updates), for
 * diagnostics such as "bytes at the guest RIP" in fatal-error dumps.
 */
#ifndef HVM_PAGEWALK_H
#define HVM_PAGEWALK_H

#include <stdint.h>
#include "core/cpu_state.h"
#include "core/mem.h"

/* Linear -> guest physical per the current paging mode.  0 or -EFAULT. */
int pagewalk(const struct cpu_state *s, const struct guest_mem *m, uint64_t lin, uint64_t *gpa);
/* Copy up to len bytes at linear address lin; returns the number copied. */
int read_guest_linear(const struct cpu_state *s, const struct guest_mem *m, uint64_t lin,
		      void *buf, int len);

#endif

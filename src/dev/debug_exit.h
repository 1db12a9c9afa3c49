/*
 * isa-debug-exit, QEMU compatible: a write of v asks hvm to exit with status
 * (v << 1) | 1.  Map debug_exit_ops at PORT_DEBUG_EXIT with len 4 (the width
 * kvm-unit-tests uses) and a `const struct vm_ctl *` as opaque.
 */
#ifndef HVM_DEV_DEBUG_EXIT_H
#define HVM_DEV_DEBUG_EXIT_H

#include "core/bus.h"

#define DEBUG_EXIT_LEN	4

extern const struct io_ops debug_exit_ops;

#endif

/*
 * Host character backends: the stdio console (raw terminal with Ctrl-A
 * escapes when stdin is a tty), an output file, or nothing.
 */
#ifndef HVM_CHR_HOST_H
#define HVM_CHR_HOST_H

#include "core/loop.h"
#include "core/vmctl.h"
#include "host/chr.h"

/* Console on stdin/stdout.  Input is read on `loop`; Ctrl-A x asks ctl to quit. */
struct chr *chr_stdio_new(struct loop *loop, const struct vm_ctl *ctl);
/* Output appended to a new/truncated file; no input.  NULL + errno on failure. */
struct chr *chr_file_new(const char *path);
void chr_free(struct chr *c);

#endif

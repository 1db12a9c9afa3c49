#include "core/log.h"

#include <stdarg.h>
#include <stdio.h>

int log_verbosity = LOG_WARN;

#define RATELIMIT_BURST 10

static void vlog(const char *fmt, va_list ap)
{
	char buf[512];
	vsnprintf(buf, sizeof(buf), fmt, ap);
	fprintf(stderr, "hvm: %s\n", buf);
}

void log_msg(enum log_level lvl, const char *fmt, ...)
{
	va_list ap;
	if ((int)lvl > log_verbosity)
		return;
	va_start(ap, fmt);
	vlog(fmt, ap);
	va_end(ap);
}

void log_ratelimited(unsigned *state, const char *fmt, ...)
{
	va_list ap;
	unsigned n = __atomic_fetch_add(state, 1, __ATOMIC_RELAXED);
	if (n > RATELIMIT_BURST)
		return;
	if (n == RATELIMIT_BURST) {
		fprintf(stderr, "hvm: (further messages of this kind suppressed)\n");
		return;
	}
	va_start(ap, fmt);
	vlog(fmt, ap);
	va_end(ap);
}

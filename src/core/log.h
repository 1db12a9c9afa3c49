/*
 * Logging: one line per message on stderr, with rate limiting for anything a
 * guest can trigger (so a hostile guest cannot flood the host's log).
 */
#ifndef HVM_LOG_H
#define HVM_LOG_H

#include <stdint.h>

enum log_level { LOG_ERR, LOG_WARN, LOG_INFO, LOG_DEBUG };

extern int log_verbosity;	/* messages above this level are dropped */

void log_msg(enum log_level lvl, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * Rate-limited log for guest-triggered events: at most `burst` messages per
 * call site, then one "suppressed" note.  `state` is a per-call-site counter.
 */
void log_ratelimited(unsigned *state, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define pr_err(...)   log_msg(LOG_ERR, __VA_ARGS__)
#define pr_warn(...)  log_msg(LOG_WARN, __VA_ARGS__)
#define pr_info(...)  log_msg(LOG_INFO, __VA_ARGS__)
#define pr_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)

/* Guest-triggered warning, rate-limited per call site. */
#define pr_guest(...) do { static unsigned __rl; log_ratelimited(&__rl, __VA_ARGS__); } while (0)

#endif

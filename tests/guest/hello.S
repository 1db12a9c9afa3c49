/* hello: one line and a clean exit; the benchmark's tiny guest. */
#include "guest.h"
	.text
	.globl main
main:
	PRINT "hello from the hvm test guest\n"
	ret

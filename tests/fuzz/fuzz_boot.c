/* libFuzzer: boot_detect + boot_load on raw bytes (any format). */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!size)
		return 0;
	fuzz_load(data, size - 1, data[size - 1]);
	return 0;
}

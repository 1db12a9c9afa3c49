# emu-B: the emu CPU's long differential runs, with a fresh seed each time.
#   make fuzz-cpu [FUZZ_CPU_CASES=n] [FUZZ_SEED=s]
# (the top-level Makefile needs `-include tests/emu/emu.mk`)
FUZZ_CPU_CASES ?= 5000000
FUZZ_DECODE_CASES ?= 5000000
FUZZ_SEED ?= $(shell date +%s)

fuzz-cpu: $(B)/tests/test_emu_diff $(B)/tests/test_emu_decode
	EMU_DIFF_SEED=$(FUZZ_SEED) EMU_DIFF_CASES=$(FUZZ_CPU_CASES) $(B)/tests/test_emu_diff
	EMU_DECODE_SEED=$(FUZZ_SEED) EMU_DECODE_CASES=$(FUZZ_DECODE_CASES) $(B)/tests/test_emu_decode

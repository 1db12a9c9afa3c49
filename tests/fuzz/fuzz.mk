# libFuzzer harnesses for the kernel-image parsers (src/boot).
#   make fuzz-boot-build   build them (clang -fsanitize=fuzzer,address,undefined)
#   make fuzz-boot         run each for FUZZ_SECONDS (default 10)
# Works included from the top-level Makefile or alone:
#   make -f tests/fuzz/fuzz.mk fuzz-boot
# libFuzzer comes with clang's runtime (Debian: libclang-rt-<ver>-dev, which
# clang-14 pulls in as libclang-common-14-dev).

FUZZ_CC      ?= clang
FUZZ_B       ?= $(or $(B),build)/fuzz
FUZZ_SECONDS ?= 10
FUZZ_CFLAGS  := -std=gnu11 -g -O1 -fsanitize=fuzzer,address,undefined \
                -fno-sanitize-recover=undefined -Isrc -Itests -Itests/fuzz
FUZZ_BOOT_LIB := $(sort $(wildcard src/boot/*.c)) src/core/mem.c src/core/cpu_state.c
FUZZ_BOOT    := fuzz_boot fuzz_bzimage fuzz_elf
FUZZ_BOOT_BINS := $(FUZZ_BOOT:%=$(FUZZ_B)/%)

.PHONY: fuzz-boot fuzz-boot-build
fuzz-boot-build: $(FUZZ_BOOT_BINS)

$(FUZZ_B)/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz_common.h $(FUZZ_BOOT_LIB) $(wildcard src/boot/*.h)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $< $(FUZZ_BOOT_LIB)

fuzz-boot: $(FUZZ_BOOT_BINS)
	@for f in $(FUZZ_BOOT); do \
		mkdir -p $(FUZZ_B)/corpus/$$f; \
		echo "== $$f ($(FUZZ_SECONDS) s)"; \
		if $(FUZZ_B)/$$f -max_total_time=$(FUZZ_SECONDS) -dict=tests/fuzz/boot.dict \
			-rss_limit_mb=2048 $(FUZZ_B)/corpus/$$f > $(FUZZ_B)/$$f.log 2>&1; then \
			tail -1 $(FUZZ_B)/$$f.log; \
		else \
			tail -40 $(FUZZ_B)/$$f.log; echo "$$f: FAILED (log: $(FUZZ_B)/$$f.log)"; exit 1; \
		fi; \
	done

# hvm — see README.md.  Sources are found by wildcard: adding a file under
# src/ or tests/unit/ needs no Makefile edit.

CC      ?= gcc
OPT     ?= -O2
SAN     ?=
CFLAGS  := -std=gnu11 $(OPT) -g -Wall -Wextra -Werror -Wmissing-prototypes \
           -Wno-unused-parameter -Isrc -MMD -MP -pthread $(SAN) $(EXTRA_CFLAGS)
LDFLAGS := -pthread $(SAN)
LIBS    := -lrt
# Kernel payloads unpacked on the host (Debian: zlib1g-dev liblzma-dev liblz4-dev libzstd-dev).
LIBS    += -lz -llzma -llz4 -lzstd
# libpng for --screendump FILE.png (Debian: libpng-dev).
PNG_CFLAGS := $(shell pkg-config --cflags libpng 2>/dev/null)
PNG_LIBS   := $(shell pkg-config --libs libpng 2>/dev/null || echo -lpng)
CFLAGS  += $(PNG_CFLAGS)
LIBS    += $(PNG_LIBS)
B       ?= build

SRCS      := $(shell find src -name '*.c' ! -path src/main.c | sort)
OBJS      := $(SRCS:src/%.c=$(B)/obj/%.o)
UNIT_SRCS := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(B)/tests/%)
FAKE_SRCS := $(sort $(wildcard tests/fake/*.c))
FAKE_OBJS := $(FAKE_SRCS:tests/fake/%.c=$(B)/obj/fake/%.o)
# Unit tests may use a reference decoder when it is installed.
TEST_LIBS := $(shell test -e /usr/include/Zydis/Zydis.h && echo -lZydis)

.SECONDARY: $(FAKE_OBJS)
.PHONY: all check check-unit check-asan check-slow run deps guest bench clean unit fuzz-cpu
all: $(B)/hvm

$(B)/hvm: $(B)/obj/main.o $(B)/libhvm.a
	@$(if $(V),,echo "  LINK    $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

$(B)/libhvm.a: $(OBJS)
	@rm -f $@
	$(Q)ar rcs $@ $^

# V=1 shows the full commands.
Q := $(if $(V),,@)

$(B)/obj/%.o: src/%.c
	@mkdir -p $(dir $@)
	@$(if $(V),,echo "  CC      $<")
	$(Q)$(CC) $(CFLAGS) -c -o $@ $<

$(B)/obj/fake/%.o: tests/fake/%.c
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS) -Itests -c -o $@ $<

$(B)/tests/%: tests/unit/%.c $(FAKE_OBJS) $(B)/libhvm.a
	@mkdir -p $(dir $@)
	@$(if $(V),,echo "  TEST    $<")
	$(Q)$(CC) $(CFLAGS) -Itests -o $@ $< $(FAKE_OBJS) $(B)/libhvm.a $(LIBS) $(TEST_LIBS)

unit: $(UNIT_BINS)

# Guest programs, multiboot tests, boot tests and benchmarks add their rules here.
-include tests/guest/guest.mk
-include scripts/guest.mk
-include bench/bench.mk
-include tests/fuzz/fuzz.mk
-include tests/emu/emu.mk

check: $(B)/hvm unit $(CHECK_DEPS)
	@B=$(B) scripts/check.sh

check-unit: unit
	@B=$(B) ONLY=unit scripts/check.sh

# The unit tests again, built with AddressSanitizer and UBSan.
check-asan:
	@$(MAKE) --no-print-directory B=build-asan OPT=-O1 \
		SAN="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined" check-unit

# The Debian guest under kvm only (very slow where KVM emulates kernel code): not in CI.
# Also the kvm-unit-tests that take minutes under emu.
check-slow: $(B)/hvm guest
	@HVM_ENGINES=kvm BOOT_TIMEOUT_KVM=$${BOOT_TIMEOUT_KVM:-3600} B=$(B) tests/boot/run.sh
	@KUT_SLOW=1 KUT_ONLY='^sieve$$' B=$(B) tests/kut/run.sh

deps:
	@scripts/install-deps.sh

# Build hvm and the default guest (Debian's cloud kernel + busybox), then boot it.
run: deps
	@$(MAKE) --no-print-directory $(B)/hvm guest
	@scripts/run-default-guest.sh

clean:
	rm -rf $(B)

-include $(shell find $(B)/obj -name '*.d' 2>/dev/null)

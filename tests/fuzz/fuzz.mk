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

# libFuzzer harness for the PC devices a guest drives through ports, MMIO and
# DMA (IDE/ATAPI + bus master, e1000, std-vga/VBE, i8042 + PS/2, PAM, and all
# of them on one board); the input format is at the top of fuzz_devices.c.
#   make fuzz-dev-build   build it (ASan+UBSan, and an MSan twin)
#   make fuzz-dev         run it FUZZ_SECONDS per device (HVM_FUZZ_DEV=0..5), one
#                         process, from seeds that fuzz_devices_seeds.py writes
# Not part of make check.  Findings land in $(FUZZ_B)/fuzz_devices-<name>/
# (crash-*, timeout-*); replay one with $(FUZZ_B)/fuzz_devices FILE.
FUZZ_DEV_SRCS := $(addprefix src/dev/,ide.c ide_bmdma.c ide_identify.c atapi.c piix_ide.c \
                   pci.c e1000.c e1000_phy.c e1000_tx.c vga.c vga_render.c i8042.c ps2kbd.c \
                   ps2mouse.c pam.c) \
                 $(addprefix src/core/,mem.c bus.c log.c display.c loop.c clock.c) src/host/blk.c \
                 $(addprefix tests/fake/,fake_clock.c fake_irq.c fake_vmctl.c)
FUZZ_DEV_NAMES := ide e1000 vga i8042 pam board
FUZZ_DEV_FLAGS ?= -rss_limit_mb=2048 -timeout=5 -max_len=8192
, := ,

.PHONY: fuzz-dev fuzz-dev-build
fuzz-dev-build: $(FUZZ_B)/fuzz_devices $(FUZZ_B)/fuzz_devices_msan

# Pixel loops compare on every pixel: without comparison tracing there, big
# VBE modes render three times faster and the rest keeps its CMP feedback.
$(FUZZ_B)/vga_render.o: src/dev/vga_render.c $(wildcard src/dev/*.h src/core/*.h)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(subst -fsanitize=fuzzer,-fsanitize=fuzzer-no-link,$(FUZZ_CFLAGS)) \
		-fno-sanitize-coverage=trace-cmp -c -o $@ $<

$(FUZZ_B)/fuzz_devices: tests/fuzz/fuzz_devices.c $(filter-out src/dev/vga_render.c,$(FUZZ_DEV_SRCS)) \
		$(FUZZ_B)/vga_render.o $(wildcard src/dev/*.h src/core/*.h tests/fake/*.h)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -pthread -o $@ $< \
		$(filter-out src/dev/vga_render.c,$(FUZZ_DEV_SRCS)) $(FUZZ_B)/vga_render.o

# The same under MemorySanitizer (no ASan): register values and guest RAM the
# guest reads back must hold no uninitialised host bytes.  Replay a corpus:
#   $(FUZZ_B)/fuzz_devices_msan -runs=0 $(FUZZ_B)/corpus/fuzz_devices-ide
$(FUZZ_B)/fuzz_devices_msan: tests/fuzz/fuzz_devices.c $(FUZZ_DEV_SRCS) $(wildcard src/dev/*.h src/core/*.h tests/fake/*.h)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(subst address$(,)undefined,memory,$(FUZZ_CFLAGS)) -fsanitize-memory-track-origins \
		-pthread -o $@ $< $(FUZZ_DEV_SRCS)

fuzz-dev: $(FUZZ_B)/fuzz_devices
	@python3 tests/fuzz/fuzz_devices_seeds.py $(FUZZ_B)/corpus
	@n=0; for d in $(FUZZ_DEV_NAMES); do \
		c=$(FUZZ_B)/corpus/fuzz_devices-$$d; a=$(FUZZ_B)/fuzz_devices-$$d; \
		mkdir -p $$c $$a; \
		echo "== fuzz_devices $$d ($(FUZZ_SECONDS) s)"; \
		if HVM_FUZZ_DEV=$$n $(FUZZ_B)/fuzz_devices -max_total_time=$(FUZZ_SECONDS) \
			$(FUZZ_DEV_FLAGS) -artifact_prefix=$$a/ $$c > $$a.log 2>&1; then \
			grep -E '^#[0-9]+.*DONE' $$a.log | tail -1; \
		else \
			tail -40 $$a.log; echo "fuzz_devices $$d: FAILED (log: $$a.log)"; exit 1; \
		fi; \
		n=$$((n + 1)); \
	done

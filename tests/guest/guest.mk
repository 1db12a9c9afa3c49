# Guest test programs: multiboot v1 ELF32 images plus one hand-made bzImage.
# Included by the top Makefile; outputs go to $(B)/guest-tests.
GUEST_CC    ?= gcc
GUEST_LD    ?= ld
GUEST_B     := $(B)/guest-tests
GUEST_PROGS := modes uart timer rtc pci fwcfg smp reset hello compute vga input a20
GUEST_ELFS  := $(GUEST_PROGS:%=$(GUEST_B)/%.elf) $(GUEST_B)/bzimage.bin $(GUEST_B)/initrd.bin
GUEST_ASFLAGS := -nostdlib -fno-pic -ffreestanding -Itests/guest -Wa,--fatal-warnings
# Guests are one RWX segment on purpose; older ld lacks the switch.
GUEST_LDFLAGS := --build-id=none $(shell $(GUEST_LD) --help 2>/dev/null | grep -q no-warn-rwx-segments && echo --no-warn-rwx-segments)

.PHONY: guest-tests check-guest
guest-tests: $(GUEST_ELFS)
CHECK_DEPS += $(GUEST_ELFS)
.SECONDARY: $(GUEST_PROGS:%=$(GUEST_B)/%.o) $(GUEST_B)/lib.o $(GUEST_B)/bzimage.o

$(GUEST_B)/%.o: tests/guest/%.S tests/guest/guest.h tests/guest/lib64.inc
	@mkdir -p $(dir $@)
	$(GUEST_CC) -m32 $(GUEST_ASFLAGS) -c -o $@ $<

$(GUEST_B)/%.elf: $(GUEST_B)/%.o $(GUEST_B)/lib.o tests/guest/link.ld
	$(GUEST_LD) -m elf_i386 -T tests/guest/link.ld $(GUEST_LDFLAGS) -o $@ $< $(GUEST_B)/lib.o

# The bzImage is 64-bit code in a flat file: link as ELF64, then strip to binary.
$(GUEST_B)/bzimage.o: tests/guest/bzimage.S tests/guest/guest.h tests/guest/lib64.inc
	@mkdir -p $(dir $@)
	$(GUEST_CC) -m64 $(GUEST_ASFLAGS) -c -o $@ $<

$(GUEST_B)/bzimage.bin: $(GUEST_B)/bzimage.o tests/guest/bzimage.ld
	$(GUEST_LD) -m elf_x86_64 -T tests/guest/bzimage.ld $(GUEST_LDFLAGS) -o $(GUEST_B)/bzimage.elf $<
	objcopy -O binary $(GUEST_B)/bzimage.elf $@

# A deterministic initrd whose checksum the bzImage guest prints.
$(GUEST_B)/initrd.bin: tests/guest/guest.mk
	@mkdir -p $(dir $@)
	seq 1 1234 > $@

check-guest: $(B)/hvm $(GUEST_ELFS)
	B=$(B) tests/guest/run.sh

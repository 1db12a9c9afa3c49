#!/usr/bin/env bash
# Linux booted THROUGH SeaBIOS (no --kernel) under the emu engine: an isolinux
# CD holding the default guest's kernel and initramfs ($B/guest, `make guest`),
# --cdrom --boot d, plus a virtio-blk disk of random blocks.  SeaBIOS boots the
# CD, isolinux loads both files through INT 13h and starts Linux, whose
# hvm.cmd prints what only a firmware boot gives it.
#   firmware/linux-iso    (one boot, APIC mode)
#                         - ACPI: the RSDP in the F segment with OEM "HVM", the
#                           RSDT inside the e820 range SeaBIOS reserved at the
#                           top of RAM (etc/table-loader placed them); APIC,
#                           DSDT, FACP, FACS under /sys/firmware/acpi/tables
#                         - e820: RAM from etc/e820 as SeaBIOS passes it on
#                         - PCI INTx through the IOAPIC as the DSDT's _PRT says
#                           (pci=nomsi): /dev/vda's checksum equals the
#                           host's, its interrupts counted on GSI 16 + (slot & 3)
#                         - ACPI S5 power-off: hvm exits 0
#   firmware/linux-pic    (a second boot, with noapic) PCI INTx through the
#                         8259s: the _PRT's link devices LNKA-D report the
#                         PIIX3 PIRQ routes SeaBIOS programmed (config 0x60-
#                         0x63 of 00:01.0 as the guest reads them), and the
#                         board delivers virtio's interrupt on that ISA IRQ;
#                         IRQ 5, which Linux programs through _SRS
#                         (acpi_irq_balance acpi_irq_isa=10,11), not the firmware's 10/11
# FIRMWARE_LINUX_TESTS="iso pic" picks the boots.  Missing tools, SeaBIOS or
# the guest give SKIPs.
set -u
cd "$(dirname "$0")/../.." || exit 2
: "${B:=build}"
HVM=${HVM:-$B/hvm}
BIOS=${BIOS:-/usr/share/seabios/bios.bin}
TMO=${FIRMWARE_LINUX_TIMEOUT:-120}
TESTS=${FIRMWARE_LINUX_TESTS:-iso pic}
G=$B/guest
LOGDIR=$B/logs/firmware
W=$B/firmware/linux
mkdir -p "$LOGDIR" "$W"

pass() { echo "TEST PASS $1"; }
skip_all() {
	for t in $TESTS; do echo "TEST SKIP firmware/linux-$t: $1"; done
	exit 0
}

ISOLINUX=/usr/lib/ISOLINUX/isolinux.bin
LDLINUX=/usr/lib/syslinux/modules/bios/ldlinux.c32
[ -x "$HVM" ] || skip_all "$HVM not built"
[ -f "$BIOS" ] || skip_all "$BIOS missing (apt-get install seabios)"
command -v xorriso >/dev/null || skip_all "xorriso not installed"
{ [ -f "$ISOLINUX" ] && [ -f "$LDLINUX" ]; } ||
	skip_all "$ISOLINUX or $LDLINUX missing (apt-get install isolinux syslinux-common)"
if [ -f "$G/FAILED" ]; then
	for t in $TESTS; do echo "TEST FAIL firmware/linux-$t: make guest failed: $(cat "$G/FAILED")"; done
	exit 0
fi
{ [ -f "$G/vmlinuz" ] && [ -f "$G/initramfs.cpio.gz" ]; } ||
	skip_all "$G/vmlinuz or initramfs missing: run make guest first"

# A disk of random blocks: the guest must read back what the host wrote.
head -c 1048576 /dev/urandom > "$W/disk.img"
want_sum=$(md5sum < "$W/disk.img" | cut -d' ' -f1)

# The guest command: markers are built from %XX escapes or shell expansions so
# that the kernel's echo of its command line cannot fake them.
cmd='cd /sys/firmware/acpi/tables && echo ACPI-TABLES: $(ls);'
cmd+=' echo VDA-SUM: $(md5sum < /dev/vda);'
cmd+=' for d in /sys/bus/pci/devices/*; do echo PCI-DEV: ${d##*/} $(cat $d/vendor $d/device $d/irq); done;'
cmd+=' echo PIRQ-REGS: $(od -An -tu1 -j96 -N4 /sys/bus/pci/devices/0000:00:01.0/config);'
cmd+=' grep -E %22virtio|IO-APIC|XT-PIC%22 /proc/interrupts | sed s/^/IRQ-LINE:/'
append=$(cat "$G/append" 2>/dev/null || echo "console=ttyS0 panic=-1")

# boot NAME EXTRA_APPEND: build $W/NAME.iso and boot it; sets rc, out (the
# serial transcript without CRs), T, s (its log) and dc (SeaBIOS's log).
# Returns 1 after printing a FAIL when the boot did not get to the command.
boot() {
	local name=$1 extra=$2 iso=$W/$1.iso t0
	T=firmware/$name
	rm -rf "$W/iso"
	mkdir -p "$W/iso/isolinux"
	cp "$ISOLINUX" "$LDLINUX" "$W/iso/isolinux/"
	cp "$G/vmlinuz" "$W/iso/isolinux/vmlinuz"
	cp "$G/initramfs.cpio.gz" "$W/iso/isolinux/initrd.gz"
	# hvm.cmd="..." ends at the closing quote (guest/init); isolinux puts
	# BOOT_IMAGE=vmlinuz in front of the APPEND line.
	cat > "$W/iso/isolinux/isolinux.cfg" <<-CFG
	SERIAL 0 115200
	DEFAULT hvm
	PROMPT 0
	TIMEOUT 1
	LABEL hvm
	  KERNEL vmlinuz
	  APPEND initrd=initrd.gz $append cryptomgr.notests pci=nomsi $extra hvm.modules=virtio_pci,virtio_blk hvm.cmd="$cmd"
	CFG
	if ! xorriso -as mkisofs -quiet -o "$iso" -b isolinux/isolinux.bin \
		-c isolinux/boot.cat -no-emul-boot -boot-load-size 4 -boot-info-table \
		"$W/iso" >"$LOGDIR/$name.xorriso.log" 2>&1; then
		echo "TEST FAIL $T: xorriso: $(tail -n1 "$LOGDIR/$name.xorriso.log")"
		return 1
	fi
	rm -f "$LOGDIR/$name".{serial,debugcon,stdout,stderr}
	t0=$SECONDS
	timeout -k 5 "$TMO" "$HVM" run --engine emu --memory 256M --no-reboot --bios "$BIOS" \
		--cdrom "$iso" --boot d --disk "$W/disk.img" \
		--serial "file:$LOGDIR/$name.serial" --debugcon "file:$LOGDIR/$name.debugcon" \
		</dev/null >"$LOGDIR/$name.stdout" 2>"$LOGDIR/$name.stderr"
	rc=$?
	echo "$T: status $rc after $((SECONDS - t0)) s" >&2
	s=$LOGDIR/$name.serial
	dc=$LOGDIR/$name.debugcon
	out=$(tr -d '\r' < "$s" 2>/dev/null)
	if ! grep -q 'Booting from DVD/CD' "$dc" 2>/dev/null; then
		echo "TEST FAIL $T: SeaBIOS did not boot from the CD ($dc)"
	elif ! grep -q 'Command line: BOOT_IMAGE=vmlinuz initrd=initrd.gz' <<< "$out"; then
		echo "TEST FAIL $T: isolinux did not start the kernel ($s)"
	elif ! grep -q '^hvm guest: booted ' <<< "$out"; then
		echo "TEST FAIL $T: no 'hvm guest: booted' ($s, status $rc)"
	else
		return 0
	fi
	return 1
}

# check_disk_and_off IRQ_KIND: /dev/vda's sum, the virtio-blk function's irq
# in sysfs, its /proc/interrupts line on IRQ_KIND (IO-APIC or XT-PIC) with a
# nonzero count, then the power-off.  Sets slot and virq.  Prints a FAIL and
# returns 1 on the first mismatch.
check_disk_and_off() {
	local kind=$1 sum vline count
	sum=$(sed -n 's/^VDA-SUM: \([0-9a-f]*\).*/\1/p' <<< "$out")
	[ "$sum" = "$want_sum" ] || { echo "TEST FAIL $T: /dev/vda md5 '${sum:-none}', want $want_sum"; return 1; }
	slot=$(grep -oE '^PCI-DEV: 0000:00:[0-9a-f]{2}\.0 0x1af4 0x10(01|42) [0-9]+' <<< "$out" | cut -d: -f4 | cut -d. -f1)
	virq=$(grep -oE '^PCI-DEV: 0000:00:[0-9a-f]{2}\.0 0x1af4 0x10(01|42) [0-9]+' <<< "$out" | awk '{print $5}')
	if [ -z "$slot" ]; then
		echo "TEST FAIL $T: no virtio-blk (1af4:1001/1042) in /sys/bus/pci: $(grep '^PCI-DEV' <<< "$out" | tr '\n' ' ')"
		return 1
	fi
	vline=$(grep -E "^IRQ-LINE: *$virq: .* $kind .*fasteoi +virtio|^IRQ-LINE: *$virq: .* $kind +virtio" <<< "$out" | head -n1)
	if [ -z "$vline" ]; then
		echo "TEST FAIL $T: virtio-blk's irq $virq is not a $kind line in /proc/interrupts: $(grep '^IRQ-LINE' <<< "$out" | tr '\n' ' ')"
		return 1
	fi
	read -r _ _ count _ <<< "$vline"
	(( count > 0 )) || { echo "TEST FAIL $T: no interrupts counted on virtio's irq $virq"; return 1; }
	if ! grep -q 'hvm guest: command exited with status 0' <<< "$out"; then
		echo "TEST FAIL $T: the guest command failed: $(grep 'command exited' <<< "$out")"
	elif ! grep -q 'reboot: Power down' <<< "$out"; then
		echo "TEST FAIL $T: no 'reboot: Power down' ($s)"
	elif [ "$rc" -ne 0 ]; then
		echo "TEST FAIL $T: powered down but exit status $rc, want 0 (ACPI S5)"
	else
		return 0
	fi
	return 1
}

test_iso() {
	local tables t rsdp rsdt e820 top_res
	boot linux-iso "" || return
	tables=$(sed -n 's/^ACPI-TABLES: //p' <<< "$out")
	for t in APIC DSDT FACP FACS; do
		grep -qw "$t" <<< "$tables" || { echo "TEST FAIL $T: no $t in /sys/firmware/acpi/tables (have: ${tables:-nothing})"; return; }
	done
	rsdp=$(grep -oE 'ACPI: RSDP 0x[0-9A-F]{16} [0-9A-F]{6} \(v[0-9]+ HVM' <<< "$out" | awk '{print $3}')
	[ -n "$rsdp" ] || { echo "TEST FAIL $T: no 'ACPI: RSDP ... HVM' line"; return; }
	(( rsdp >= 0xe0000 && rsdp < 0x100000 )) || { echo "TEST FAIL $T: RSDP at $rsdp, not in the BIOS area"; return; }
	rsdt=$(grep -oE 'ACPI: RSDT 0x[0-9A-F]{16} [0-9A-F]{6} \(v[0-9]+ HVM' <<< "$out" | awk '{print $3}')
	[ -n "$rsdt" ] || { echo "TEST FAIL $T: no 'ACPI: RSDT ... HVM' line"; return; }
	# e820: usable RAM from 1 MiB up to a SeaBIOS reservation ending at 256 MiB
	e820=$(grep -oE 'BIOS-e820: \[mem 0x[0-9a-f]{16}-0x[0-9a-f]{16}\] [a-zA-Z ]+' <<< "$out")
	top_res=$(grep -E '0x000000000fffffff\] reserved' <<< "$e820" | grep -oE '0x[0-9a-f]{16}' | head -n1)
	if [ -z "$top_res" ]; then
		echo "TEST FAIL $T: no e820 reservation ending at 256 MiB (SeaBIOS's high zone): $(tr '\n' ' ' <<< "$e820")"
		return
	fi
	if ! grep -qE "\[mem 0x0000000000100000-0x[0-9a-f]{16}\] usable" <<< "$e820"; then
		echo "TEST FAIL $T: no usable e820 RAM from 1 MiB: $(tr '\n' ' ' <<< "$e820")"
		return
	fi
	if ! (( rsdt >= top_res && rsdt < 0x10000000 )); then
		echo "TEST FAIL $T: RSDT at $rsdt, outside SeaBIOS's reservation from $top_res (not placed by etc/table-loader?)"
		return
	fi
	check_disk_and_off IO-APIC || return
	# INTA# of slot S is PIRQ (S & 3), GSI 16 + (S & 3) in the _PRT
	if (( virq != 16 + (0x$slot & 3) )); then
		echo "TEST FAIL $T: virtio-blk in slot 0x$slot got GSI $virq, want $((16 + (0x$slot & 3))) (_PRT)"
		return
	fi
	pass "$T"
}

test_pic() {
	local regs want link
	# acpi_irq_isa= makes IRQs 10 and 11 (SeaBIOS's PIRQ routes) look taken
	# by ISA devices, and acpi_irq_balance makes Linux move the link it needs
	# (away from the IRQ its _CRS reports) to IRQ 5 through _SRS.
	boot linux-pic "noapic acpi_irq_balance acpi_irq_isa=10,11" || return
	grep -q 'ACPI: Using PIC for interrupt routing' <<< "$out" ||
		{ echo "TEST FAIL $T: Linux did not route through the PIC"; return; }
	check_disk_and_off XT-PIC || return
	# The PIRQ route register that slot's INTA# uses, as the guest reads it
	read -r -a regs <<< "$(sed -n 's/^PIRQ-REGS: //p' <<< "$out")"
	if [ "${#regs[@]}" -ne 4 ]; then
		echo "TEST FAIL $T: could not read the PIIX3 PIRQ routes: '${regs[*]}'"
		return
	fi
	want=${regs[$((0x$slot & 3))]}
	if (( want >= 128 || virq != want )); then
		echo "TEST FAIL $T: virtio-blk in slot 0x$slot on IRQ $virq, PIRQ routes are ${regs[*]}"
		return
	fi
	if (( virq != 5 )); then
		echo "TEST FAIL $T: Linux kept virtio-blk on IRQ $virq; want 5, which only _SRS can give it"
		return
	fi
	link=LNK$(printf "\\x$(printf %x $((65 + (0x$slot & 3))))")
	if ! grep -qE "ACPI: PCI: Interrupt link $link configured for IRQ $want\$|_SB_\.$link: Enabled at IRQ $want\$" <<< "$out"; then
		echo "TEST FAIL $T: no 'Interrupt link $link configured for IRQ $want' from Linux"
		return
	fi
	pass "$T"
}

for t in $TESTS; do
	case $t in
	iso) test_iso ;;
	pic) test_pic ;;
	*) echo "TEST FAIL firmware/linux-$t: no such test (FIRMWARE_LINUX_TESTS)" ;;
	esac
done
exit 0

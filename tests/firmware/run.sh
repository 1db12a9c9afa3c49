#!/usr/bin/env bash
# Firmware boot through Debian's SeaBIOS (no --kernel), under the emu engine:
#   firmware/banner       SeaBIOS logs its version line on the debug port
#                         (--debugcon) and finds nothing to boot
#   firmware/reboot       its "Rebooting." resets the guest and SeaBIOS runs
#                         again from the reset vector (the banner twice)
#   firmware/mbr-ide      a boot sector on --disk IMG,if=ide prints on INT 10h
#                         and COM1, finds hvm's ACPI RSDP (placed by SeaBIOS
#                         from etc/table-loader), then exits through port 0xf4
#   firmware/mbr-virtio   the same from virtio-blk (SeaBIOS's own driver)
#                         (where hvm has --screendump, both also check that the
#                         VGA BIOS from the card's ROM BAR put the SeaBIOS banner
#                         and the boot sector's INT 10h text on the screen)
#   firmware/iso          an isolinux CD (--cdrom, --boot d) whose default
#                         label runs cat.c32 on a file of the CD: the file's
#                         text reaches the serial port (isolinux SERIAL 0;
#                         its DISPLAY/SAY output at config time goes to the
#                         screen only); the VGA text screen (--screendump .txt
#                         on SIGTERM) shows the ISOLINUX banner and the file
# banner@kvm and mbr-ide@kvm run the same checks under --engine kvm where
# `hvm probe` says kvm is available (HVM_ENGINES=emu skips them);
# tests/firmware/expected-fail.txt turns a listed failure into a SKIP.
# The boot sector is assembled with nasm into $B/firmware/; the ISO is built
# with xorriso from Debian's isolinux.  Missing tools give SKIPs.
set -u
cd "$(dirname "$0")/../.." || exit 2
: "${B:=build}"
HVM=${HVM:-$B/hvm}
BIOS=${BIOS:-/usr/share/seabios/bios.bin}
TMO=${FIRMWARE_TIMEOUT:-40}
LOGDIR=$B/logs/firmware
W=$B/firmware
mkdir -p "$LOGDIR" "$W"

. tests/guest/harness.sh		# pass, fail NAME WHY [XFAIL], skip, probe_engines
XFAIL=tests/firmware/expected-fail.txt
ALL="banner banner@kvm reboot mbr-ide mbr-ide@kvm mbr-virtio iso"

if [ ! -x "$HVM" ]; then
	for n in $ALL; do skip "firmware/$n" "$HVM not built"; done
	exit 0
fi
if [ ! -f "$BIOS" ]; then
	for n in $ALL; do skip "firmware/$n" "$BIOS missing (apt-get install seabios)"; done
	exit 0
fi

probe_engines
# Engines for the tests that have @kvm variants: emu (unsuffixed) and kvm.
KVM_OK=
[ -z "${ENGINE_WHY[kvm]+x}" ] && KVM_OK=yes

# run NAME [hvm options...]: runs hvm under $ENGINE (default emu) with serial
# and debugcon logs; sets rc, leaves $LOGDIR/NAME.{serial,debugcon,stderr}.
run() {
	local name=$1; shift
	rm -f "$LOGDIR/$name".*
	timeout -k 5 "$TMO" "$HVM" run --engine "${ENGINE:-emu}" --memory 64M --bios "$BIOS" \
		--serial "file:$LOGDIR/$name.serial" --debugcon "file:$LOGDIR/$name.debugcon" "$@" \
		</dev/null >"$LOGDIR/$name.stdout" 2>"$LOGDIR/$name.stderr"
	rc=$?
}

# --- nothing bootable: banner, "No bootable device", reset with --no-reboot.
# 3.5 GiB: RAM above 4 GiB reaches SeaBIOS through etc/e820.
for ENGINE in emu kvm; do
	n=banner
	if [ "$ENGINE" = kvm ]; then
		n=banner@kvm
		[ -n "$KVM_OK" ] || { skip firmware/$n "engine kvm unavailable: ${ENGINE_WHY[kvm]}"; continue; }
	fi
	t0=$SECONDS
	run "$n" --no-reboot --memory 3584M
	echo "firmware/$n: status $rc after $((SECONDS - t0)) s" >&2
	d=$LOGDIR/$n.debugcon
	if [ "$rc" -ne 0 ]; then
		fail firmware/$n "exit status $rc, want 0 ($(tail -n2 "$LOGDIR/$n.stderr" | tr '\n' ' '))" "$XFAIL"
	elif ! grep -q '^SeaBIOS (version ' "$d"; then
		fail firmware/$n "no SeaBIOS version line in $d" "$XFAIL"
	elif ! grep -q 'No bootable device' "$d"; then
		fail firmware/$n "no 'No bootable device' in $d" "$XFAIL"
	elif ! grep -q 'qemu/e820: addr 0x0000000000000000 len 0x00000000c0000000 \[RAM\]' "$d" ||
	     ! grep -q 'qemu/e820: addr 0x0000000100000000 len 0x0000000020000000 \[RAM\]' "$d"; then
		fail firmware/$n "SeaBIOS did not get the RAM layout from etc/e820 (see $d)" "$XFAIL"
	elif ! grep -q 'guest reset' "$LOGDIR/$n.stderr"; then
		fail firmware/$n "hvm did not report the reset" "$XFAIL"
	else
		pass_note firmware/$n "$XFAIL"
	fi
done
ENGINE=emu

# --- reboot: without --no-reboot the reset re-runs SeaBIOS from scratch
name=reboot
rm -f "$LOGDIR/$name".*
"$HVM" run --engine emu --memory 64M --bios "$BIOS" --serial none \
	--debugcon "file:$LOGDIR/$name.debugcon" </dev/null >/dev/null 2>"$LOGDIR/$name.stderr" &
pid=$!
# SeaBIOS prints its version line twice per boot: count those after "Rebooting."
after_reboot() {
	sed -n '/^Rebooting\./,$p' "$LOGDIR/$name.debugcon" 2>/dev/null | grep -c '^SeaBIOS (version '
}
n=0
for _ in $(seq 1 $((TMO * 5))); do
	n=$(after_reboot)
	[ "${n:-0}" -ge 1 ] && break
	kill -0 "$pid" 2>/dev/null || break
	sleep 0.2
done
kill "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
if ! grep -q 'No bootable device' "$LOGDIR/$name.debugcon"; then
	fail firmware/$name "no 'No bootable device' in $LOGDIR/$name.debugcon"
elif [ "${n:-0}" -lt 1 ]; then
	fail firmware/$name "no SeaBIOS version line after 'Rebooting.'"
else
	pass firmware/$name
fi

# --- a boot sector on IDE and on virtio-blk
if ! command -v nasm >/dev/null; then
	skip firmware/mbr-ide "nasm not installed"
	skip firmware/mbr-virtio "nasm not installed"
	skip firmware/mbr-ide@kvm "nasm not installed"
elif ! nasm -f bin -o "$W/mbr.bin" tests/firmware/mbr.asm 2>"$LOGDIR/nasm.log"; then
	fail firmware/mbr-ide "nasm: $(head -n1 "$LOGDIR/nasm.log")"
	fail firmware/mbr-virtio "nasm: $(head -n1 "$LOGDIR/nasm.log")"
	fail firmware/mbr-ide@kvm "nasm: $(head -n1 "$LOGDIR/nasm.log")"
else
	cp "$W/mbr.bin" "$W/disk.img"
	truncate -s 1M "$W/disk.img"
	declare -A BOOTPATH=([ide]=/pci@i0cf8/ide@1,1/drive@0/disk@0 [virtio]=/pci@i0cf8/scsi@3/disk@0,0)
	# With a VGA card and --screendump, INT 10h output must be on the screen too.
	SCREEN=()
	"$HVM" run --help | grep -q -- '--screendump' && SCREEN=(yes)
	for tv in ide virtio ide@kvm; do
		v=${tv%@*} n=mbr-$tv ENGINE=emu
		if [ "$tv" != "$v" ]; then
			ENGINE=kvm
			[ -n "$KVM_OK" ] || { skip "firmware/$n" "engine kvm unavailable: ${ENGINE_WHY[kvm]}"; continue; }
		fi
		t0=$SECONDS
		if [ -n "${SCREEN[*]}" ]; then
			run "$n" --disk "$W/disk.img,if=$v" --screendump "$LOGDIR/$n.screen.txt"
		else
			run "$n" --disk "$W/disk.img,if=$v"
		fi
		echo "firmware/$n: status $rc after $((SECONDS - t0)) s" >&2
		s=$LOGDIR/$n.serial
		if [ "$rc" -ne 67 ]; then
			fail "firmware/$n" "exit status $rc, want 67 (port 0xf4 0x21); $(tail -n2 "$LOGDIR/$n.stderr" | tr '\n' ' ')" "$XFAIL"
		elif ! grep -q 'HVM MBR BOOT OK drive=80' "$s"; then
			fail "firmware/$n" "no 'HVM MBR BOOT OK drive=80' on the serial port ($s)" "$XFAIL"
		elif ! grep -qE 'RSDP=HVM   @[0-9a-f]{8}' "$s"; then
			# hvm's own tables, placed by SeaBIOS's table loader, not SeaBIOS's
			fail "firmware/$n" "no RSDP with OEM 'HVM' in the F segment: $(tail -c 80 "$s")" "$XFAIL"
		elif ! grep -qF "1: ${BOOTPATH[$v]}" "$LOGDIR/$n.debugcon"; then
			fail "firmware/$n" "bootorder does not start with ${BOOTPATH[$v]}" "$XFAIL"
		elif ! grep -q 'Booting from Hard Disk' "$LOGDIR/$n.debugcon"; then
			fail "firmware/$n" "SeaBIOS did not log 'Booting from Hard Disk'" "$XFAIL"
		elif [ -n "${SCREEN[*]}" ] && { ! grep -q 'HVM MBR BOOT OK drive=80' "$LOGDIR/$n.screen.txt" ||
						! grep -q 'SeaBIOS (version' "$LOGDIR/$n.screen.txt"; }; then
			fail "firmware/$n" "SeaBIOS banner or INT 10h text missing from the screen ($LOGDIR/$n.screen.txt)" "$XFAIL"
		else
			pass_note "firmware/$n" "$XFAIL"
		fi
	done
fi

# --- an isolinux CD
ISOLINUX=/usr/lib/ISOLINUX/isolinux.bin
LDLINUX=/usr/lib/syslinux/modules/bios/ldlinux.c32
if ! command -v xorriso >/dev/null; then
	skip firmware/iso "xorriso not installed"
elif [ ! -f "$ISOLINUX" ] || [ ! -f "$LDLINUX" ]; then
	skip firmware/iso "$ISOLINUX or $LDLINUX missing (apt-get install isolinux syslinux-common)"
else
	rm -rf "$W/iso"
	mkdir -p "$W/iso/isolinux"
	M=$(dirname "$LDLINUX")
	cp "$ISOLINUX" "$LDLINUX" "$M/cat.c32" "$M/libcom32.c32" "$M/libutil.c32" "$W/iso/isolinux/"
	echo "HVM ISOLINUX FILE TEXT" > "$W/iso/isolinux/msg.txt"
	# The default label (after 0.1 s) prints msg.txt through cat.c32, then
	# isolinux comes back to its prompt and runs it again.
	cat > "$W/iso/isolinux/isolinux.cfg" <<'CFG'
SERIAL 0 115200
DISPLAY msg.txt
SAY HVM ISOLINUX SAY LINE
DEFAULT hvmcat
LABEL hvmcat
  COM32 cat.c32
  APPEND msg.txt
PROMPT 0
TIMEOUT 1
CFG
	if ! xorriso -as mkisofs -quiet -o "$W/boot.iso" -b isolinux/isolinux.bin \
		-c isolinux/boot.cat -no-emul-boot -boot-load-size 4 -boot-info-table \
		"$W/iso" >"$LOGDIR/xorriso.log" 2>&1; then
		fail firmware/iso "xorriso: $(tail -n1 "$LOGDIR/xorriso.log")"
	else
		name=iso
		rm -f "$LOGDIR/$name".*
		"$HVM" run --engine emu --memory 64M --bios "$BIOS" --cdrom "$W/boot.iso" --boot d \
			--serial "file:$LOGDIR/$name.serial" --debugcon "file:$LOGDIR/$name.debugcon" \
			--screendump "$LOGDIR/$name.txt" \
			</dev/null >/dev/null 2>"$LOGDIR/$name.stderr" &
		pid=$!
		for _ in $(seq 1 $((TMO * 5))); do
			grep -q 'HVM ISOLINUX FILE TEXT' "$LOGDIR/$name.serial" 2>/dev/null && break
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.2
		done
		kill "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		s=$LOGDIR/$name.serial
		if ! grep -q 'Booting from DVD/CD' "$LOGDIR/$name.debugcon" 2>/dev/null; then
			fail firmware/iso "SeaBIOS did not boot from the CD ($LOGDIR/$name.debugcon)"
		elif ! grep -q '^ISOLINUX ' "$s"; then
			fail firmware/iso "no ISOLINUX banner on the serial port ($s)"
		elif ! grep -q 'HVM ISOLINUX FILE TEXT' "$s"; then
			fail firmware/iso "cat.c32 did not print msg.txt on the serial port ($s)"
		elif ! grep -q '^ISOLINUX ' "$LOGDIR/$name.txt" 2>/dev/null ||
		     ! grep -q 'HVM ISOLINUX FILE TEXT' "$LOGDIR/$name.txt"; then
			# the VGA text screen, dumped when the test stops hvm (SIGTERM)
			fail firmware/iso "ISOLINUX banner or msg.txt missing on the VGA text screen ($LOGDIR/$name.txt)"
		else
			pass firmware/iso
		fi
	fi
fi
exit 0

#!/usr/bin/env bash
# Boots the default Debian guest ($B/guest, built by `make guest`) under
# every available engine with a command that prints a marker, and passes
# when the marker line appears and hvm exits 0 (ACPI power-off).
# tests/boot/expected-fail.txt turns a listed failure into a SKIP.
# BOOT_TIMEOUT_KVM / BOOT_TIMEOUT_EMU override the timeouts (seconds).
set -u
cd "$(dirname "$0")/../.." || exit 2
. tests/guest/harness.sh
LOGDIR=$B/logs/boot
XFAIL=tests/boot/expected-fail.txt
G=$B/guest
declare -A TMO=([kvm]=${BOOT_TIMEOUT_KVM:-120} [emu]=${BOOT_TIMEOUT_EMU:-300})
mkdir -p "$LOGDIR"

if [ -f "$G/FAILED" ]; then
	echo "TEST FAIL boot/guest-build: make guest failed: $(cat "$G/FAILED")"
	exit 0
fi
if [ ! -f "$G/vmlinuz" ] || [ ! -f "$G/initramfs.cpio.gz" ]; then
	skip boot/linux "$G/vmlinuz or initramfs missing: run make guest first"
	exit 0
fi
probe_engines
heavy_guest_engines
append=$(cat "$G/append" 2>/dev/null || echo "console=ttyS0 panic=-1")
# %4f is "O": the kernel's echo of its command line cannot fake the marker.
cmd='echo HVM-MARKER-%4fK'

# boot_test NAME CPUS CMD WANT: boot with hvm.cmd=CMD, pass when a line equal
# to WANT appears and hvm exits 0 (ACPI power-off).
boot_test() {
	local name=$1 cpus=$2 cmd=$3 want=$4 e t base t0 out why last
	for e in "${ENGINES_ALL[@]}"; do
		t="boot/$name@$e"
		if [ -n "${ENGINE_WHY[$e]+x}" ]; then
			skip "$t" "engine $e unavailable: ${ENGINE_WHY[$e]}"
			continue
		fi
		base=$LOGDIR/$name@$e
		rm -f "$base".*
		t0=$SECONDS
		run_hvm "$base" "${TMO[$e]}" run --engine "$e" --memory 256M --cpus "$cpus" --no-reboot \
			--kernel "$G/vmlinuz" --initrd "$G/initramfs.cpio.gz" \
			--append "$append ${BOOT_EXTRA:-} hvm.cmd=$cmd" ${BOOT_ARGS:+${BOOT_ARGS//@E@/$e}}
		echo "boot/$name@$e: status $RC after $((SECONDS - t0)) s" >&2
		out=$(tr -d '\r' < "$base.out")
		if ! grep -qxF -- "$want" <<< "$out"; then
			why=$(why_not)
			last=$(grep -v '^[[:space:]]*$' <<< "$out" | tail -n1)
			fail "$t" "no line '$want'; $why; last line: ${last:-(no output)} (log $base.out)" "$XFAIL"
		elif grep -q '^\[ *[0-9.]*\] alg: .* failed' <<< "$out"; then
			fail "$t" "a crypto self-test failed: $(grep -m1 -o 'alg: .* failed.*' <<< "$out")" "$XFAIL"
		elif [ "$RC" -ne 0 ]; then
			fail "$t" "'$want' seen but exit status $RC, want 0 (ACPI power-off)" "$XFAIL"
		else
			pass_note "$t" "$XFAIL"
		fi
	done
}

boot_test linux 1 "$cmd" HVM-MARKER-OK
# The guest must see and bring up both CPUs.  The kernel's echo of its command
# line shows "CPUS=$(", never "CPUS=2".
BOOT_EXTRA=$FAST_APPEND boot_test linux-smp 2 'echo CPUS=$(grep -c ^processor /proc/cpuinfo) ONLINE=$(cat /sys/devices/system/cpu/online)' \
	'CPUS=2 ONLINE=0-1'
# The kernel's own decompressor (hvm normally unpacks the payload on the host
# and enters the vmlinux inside): the classic bzImage 64-bit entry path.
# It also runs the kernel's VGA console (console=tty0 beside the serial one,
# which stays /dev/console): hvm describes the text screen in the zero page.
rm -f "$LOGDIR"/vgacon@*.txt
HVM_GUEST_UNPACK=1 BOOT_EXTRA="$FAST_APPEND console=tty0 console=ttyS0" \
	BOOT_ARGS="--screendump $LOGDIR/vgacon@@E@.txt" \
	boot_test linux-guest-unpack 1 "$cmd" HVM-MARKER-OK
# boot/vgacon: the kernel's log on the VGA text screen, read back from the dump
for e in "${ENGINES_ALL[@]}"; do
	t="boot/vgacon@$e"
	dump=$LOGDIR/vgacon@$e.txt
	if [ -n "${ENGINE_WHY[$e]+x}" ]; then
		skip "$t" "engine $e unavailable: ${ENGINE_WHY[$e]}"
	elif [ ! -f "$dump" ]; then
		fail "$t" "no text screen dump $dump"
	elif [ "$(wc -l < "$dump")" -ne 25 ] || ! grep -q '\] Run /init as init process' "$dump" ||
	     ! grep -q 'reboot: Power down' "$dump"; then
		fail "$t" "no kernel log on the VGA screen: $(tail -n 3 "$dump" | tr '\n' '|')"
	else
		pass "$t"
	fi
done

#!/usr/bin/env bash
# The Debian guest ($B/guest, `make guest`) with an ext4 image on the IDE
# primary master (--disk IMG,if=ide) and an ISO on the ATAPI CD-ROM
# (--cdrom): the guest loads ata_piix, sd_mod, sr_mod and isofs, mounts
# both, prints checksums of a known file on each (compared with the host's),
# writes files to the disk (a small one and a 2 MiB copy), and powers off;
# the host reads them back from the image with debugfs.  One boot per engine gives three tests:
#   boot/ide-disk-read@ENGINE  boot/ide-disk-write@ENGINE  boot/ide-cdrom@ENGINE
# tests/boot/expected-fail.txt turns a listed failure into a SKIP.
# BOOT_TIMEOUT_KVM / BOOT_TIMEOUT_EMU override the timeouts (seconds).
set -u
cd "$(dirname "$0")/../.." || exit 2
. tests/guest/harness.sh
LOGDIR=$B/logs/boot
XFAIL=tests/boot/expected-fail.txt
G=$B/guest
declare -A TMO=([kvm]=${BOOT_TIMEOUT_KVM:-120} [emu]=${BOOT_TIMEOUT_EMU:-300})
NAMES=(ide-disk-read ide-disk-write ide-cdrom)
mkdir -p "$LOGDIR"

skip_all() {	# WHY [ENGINE...]
	local why=$1 n e; shift
	for e in "${@:-${ENGINES_ALL[@]}}"; do
		for n in "${NAMES[@]}"; do skip "boot/$n@$e" "$why"; done
	done
}

if [ -f "$G/FAILED" ]; then
	echo "TEST FAIL boot/guest-build: make guest failed: $(cat "$G/FAILED")"
	exit 0
fi
if [ ! -f "$G/vmlinuz" ] || [ ! -f "$G/initramfs.cpio.gz" ]; then
	skip_all "$G/vmlinuz or initramfs missing: run make guest first"
	exit 0
fi
for m in ata_piix sd_mod sr_mod isofs; do
	if ! ls "$G"/initramfs.d/lib/modules/*/hvm-order/"$m" >/dev/null 2>&1; then
		skip_all "module $m is not in the initramfs: run make guest again"
		exit 0
	fi
done
for tool in mke2fs xorriso; do
	if ! command -v "$tool" >/dev/null; then
		skip_all "$tool not installed (apt-get install e2fsprogs xorriso)"
		exit 0
	fi
done

W=$(mktemp -d "${TMPDIR:-/tmp}/hvm-ide.XXXXXX") || exit 2
trap 'rm -rf "$W"' EXIT
mkdir -p "$W/files"
# 2 MiB of data: several 128 KiB DMA rounds and many PRD entries.
head -c 2097152 /dev/urandom > "$W/files/data.bin"
echo "hvm ide test file" > "$W/files/hello.txt"
if ! mke2fs -q -t ext4 -d "$W/files" "$W/disk.img" 32M > "$W/mke2fs.log" 2>&1; then
	skip_all "mke2fs -d failed: $(tail -n1 "$W/mke2fs.log")"
	exit 0
fi
if ! xorriso -as mkisofs -quiet -o "$W/cd.iso" "$W/files" > "$W/xorriso.log" 2>&1; then
	skip_all "xorriso failed: $(tail -n1 "$W/xorriso.log")"
	exit 0
fi
sum=$(sha256sum < "$W/files/data.bin" | cut -d' ' -f1)

probe_engines
heavy_guest_engines
append="$(cat "$G/append" 2>/dev/null || echo "console=ttyS0 panic=-1") $FAST_APPEND"
# Expected lines are built from the output of commands, never from their
# text, so the kernel's echo of its command line cannot fake them.
cmd='mount /dev/sda /mnt && sha256sum /mnt/data.bin;'
# shellcheck disable=SC2016  # expanded by the guest's shell
cmd+=' cp /mnt/data.bin /mnt/copy.bin && echo hvm-ide-write-ok > /mnt/new.txt && sync && umount /mnt && echo DISK-WRITE-$((6*7));'
cmd+=' mkdir -p /cd && mount -t iso9660 -o ro /dev/sr0 /cd && sha256sum /cd/data.bin;'
cmd+=' grep . /sys/class/ata_device/dev*/xfer_mode'

for e in "${ENGINES_ALL[@]}"; do
	if [ -n "${ENGINE_WHY[$e]+x}" ]; then
		skip_all "engine $e unavailable: ${ENGINE_WHY[$e]}" "$e"
		continue
	fi
	base=$LOGDIR/ide@$e
	rm -f "$base".*
	cp "$W/disk.img" "$W/disk-$e.img"
	t0=$SECONDS
	run_hvm "$base" "${TMO[$e]}" run --engine "$e" --memory 256M --no-reboot \
		--kernel "$G/vmlinuz" --initrd "$G/initramfs.cpio.gz" \
		--disk "$W/disk-$e.img,if=ide" --cdrom "$W/cd.iso" \
		--append "$append hvm.modules=ata_piix,sd_mod,sr_mod,isofs hvm.cmd=$cmd"
	echo "boot/ide@$e: status $RC after $((SECONDS - t0)) s" >&2
	out=$(tr -d '\r' < "$base.out")
	why=$(why_not)
	last=$(grep -v '^[[:space:]]*$' <<< "$out" | tail -n1)
	# check NAME WANT-LINE: pass when the line is there and hvm powered off cleanly.
	check() {
		if ! grep -qxF -- "$2" <<< "$out"; then
			fail "boot/$1@$e" "no line '$2'; $why; last line: ${last:-(no output)} (log $base.out)" "$XFAIL"
		elif [ "$RC" -ne 0 ]; then
			fail "boot/$1@$e" "'$2' seen but exit status $RC, want 0 (ACPI power-off)" "$XFAIL"
		else
			pass_note "boot/$1@$e" "$XFAIL"
		fi
	}
	check ide-disk-read "$sum  /mnt/data.bin"
	if ! grep -qxF "DISK-WRITE-42" <<< "$out"; then
		fail "boot/ide-disk-write@$e" "the guest did not finish writing; $why (log $base.out)" "$XFAIL"
	elif ! command -v debugfs >/dev/null; then
		skip "boot/ide-disk-write@$e" "debugfs not installed (e2fsprogs)"
	else
		got=$(debugfs -R 'cat /new.txt' "$W/disk-$e.img" 2>/dev/null)
		rm -f "$W/copy.bin"
		debugfs -R "dump /copy.bin $W/copy.bin" "$W/disk-$e.img" >/dev/null 2>&1
		copy=$(sha256sum < "$W/copy.bin" 2>/dev/null | cut -d' ' -f1)
		if [ "$got" != "hvm-ide-write-ok" ]; then
			fail "boot/ide-disk-write@$e" "image has '${got:0:40}' in /new.txt, want hvm-ide-write-ok" "$XFAIL"
		elif [ "$copy" != "$sum" ]; then
			fail "boot/ide-disk-write@$e" "the 2 MiB copy the guest wrote differs in the image (sha256 ${copy:-none})" "$XFAIL"
		else
			pass_note "boot/ide-disk-write@$e" "$XFAIL"
		fi
	fi
	check ide-cdrom "$sum  /cd/data.bin"
done

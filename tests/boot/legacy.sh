#!/usr/bin/env bash
# Debian's GENERIC kernel (linux-image-amd64, nearly every driver a module;
# FLAVOUR=generic scripts/make-guest.sh builds $B/guest-generic) on the
# legacy devices, in one boot under the emu engine with an ext4 image on
# the IDE primary master, an ISO on the ATAPI CD-ROM and an e1000 NIC on
# user networking.  The guest loads the modules from that package
# (ata_piix, sd_mod, sr_mod, isofs, ext4 and its crc32c, e1000), and:
#   legacy/ide-ext4      mounts /dev/sda (ext4) and prints a file's sha256,
#                        which must match the host's;
#   legacy/cdrom         mounts /dev/sr0 (iso9660) and prints the same file's sha256;
#   legacy/e1000-dhcp    eth0 is driven by the e1000 driver and udhcpc gets a
#                        lease from slirp, which it applies;
#   legacy/e1000-fetch   wget fetches a page from an HTTP server on the host's
#                        loopback through 10.0.2.2.
# Everything SKIPs with the reason when the package cannot be downloaded or a
# host tool is missing.  The boot time goes to stderr and the log directory.
# LEGACY_TIMEOUT overrides the boot timeout (seconds).
set -u
cd "$(dirname "$0")/../.." || exit 2
. tests/guest/harness.sh
LOGDIR=$B/logs/legacy
XFAIL=tests/boot/expected-fail.txt
G=$B/guest-generic
TMO=${LEGACY_TIMEOUT:-480}
NAMES=(ide-ext4 cdrom e1000-dhcp e1000-fetch)
mkdir -p "$LOGDIR"

skip_all() { for n in "${NAMES[@]}"; do skip "legacy/$n" "$1"; done; }

export PATH=$PATH:/usr/sbin:/sbin
for tool in mke2fs xorriso python3; do
	if ! command -v "$tool" > /dev/null; then
		skip_all "$tool not installed (apt-get install e2fsprogs xorriso python3)"
		exit 0
	fi
done
if ! B=$B FLAVOUR=generic scripts/make-guest.sh 2> "$LOGDIR/make-guest.err"; then
	skip_all "cannot build the generic-kernel guest: $(tail -n1 "$LOGDIR/make-guest.err")"
	exit 0
fi
for m in ata_piix sd_mod sr_mod isofs ext4 e1000; do
	if ! ls "$G"/initramfs.d/lib/modules/*/hvm-order/"$m" > /dev/null 2>&1; then
		skip_all "module $m is not in $G's initramfs"
		exit 0
	fi
done

W=$(mktemp -d "${TMPDIR:-/tmp}/hvm-legacy.XXXXXX") || exit 2
hpid=
trap '[ -z "$hpid" ] || kill "$hpid" 2> /dev/null; rm -rf "$W"' EXIT
mkdir -p "$W/files" "$W/www"
head -c 262144 /dev/urandom > "$W/files/data.bin"
if ! mke2fs -q -t ext4 -d "$W/files" "$W/disk.img" 16M > "$W/mke2fs.log" 2>&1; then
	skip_all "mke2fs -d failed: $(tail -n1 "$W/mke2fs.log")"
	exit 0
fi
if ! xorriso -as mkisofs -quiet -o "$W/cd.iso" "$W/files" > "$W/xorriso.log" 2>&1; then
	skip_all "xorriso failed: $(tail -n1 "$W/xorriso.log")"
	exit 0
fi
sum=$(sha256sum < "$W/files/data.bin" | cut -d' ' -f1)
token="legacy-page-$RANDOM$RANDOM"
echo "$token" > "$W/www/page.txt"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
(cd "$W/www" && exec python3 -m http.server "$port" --bind 127.0.0.1) > /dev/null 2>&1 &
hpid=$!

# The udhcpc hook applies the lease; markers are computed by the guest, so
# the kernel's echo of its command line cannot fake them.
# shellcheck disable=SC2016  # expanded by the guest's shell
cmd='mount /dev/sda /mnt && sha256sum /mnt/data.bin;
mkdir -p /cd && mount -t iso9660 -o ro /dev/sr0 /cd && sha256sum /cd/data.bin;
echo NIC=$(basename $(readlink /sys/class/net/eth0/device/driver));
printf "#!/bin/sh\n[ \"\$1\" = bound ] && ip addr add \$ip/\$mask dev \$interface && ip route add default via \$router\nexit 0\n" > /tmp/dh; chmod +x /tmp/dh;
ip link set eth0 up; udhcpc -i eth0 -n -q -f -s /tmp/dh;
echo ADDR=$(ip -4 -o addr show eth0 | grep -o "inet [0-9./]*");
echo PAGE=$(wget -q -O - http://10.0.2.2:'"$port"'/page.txt)'
# enc: newlines to spaces, then spaces, quotes and % as %XX so hvm.cmd is one kernel
# word (guest/init decodes it).
enc() { printf '%s' "$1" | tr '\n' ' ' | sed 's/%/%25/g; s/ /%20/g; s/"/%22/g'; }
append="$(cat "$G/append") $FAST_APPEND hvm.modules=crc32c_generic,ext4,ata_piix,sd_mod,sr_mod,isofs,e1000 hvm.cmd=$(enc "$cmd")"

base=$LOGDIR/legacy@emu
rm -f "$base".*
t0=$(date +%s.%N)
run_hvm "$base" "$TMO" run --engine emu --memory 256M --no-reboot \
	--kernel "$G/vmlinuz" --initrd "$G/initramfs.cpio.gz" \
	--disk "$W/disk.img,if=ide" --cdrom "$W/cd.iso" --net user,model=e1000 \
	--append "$append"
secs=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
kill "$hpid" 2> /dev/null
wait "$hpid" 2> /dev/null
hpid=
echo "legacy@emu: exit status $RC after ${secs} s (boot, modules, mounts, DHCP, fetch)" | tee "$base.time" >&2
out=$(tr -d '\r' < "$base.out")
why=$(why_not)
last=$(grep -v '^[[:space:]]*$' <<< "$out" | tail -n1)

# check NAME WANT-LINE [WHAT]: pass when the line is there and hvm powered off cleanly.
check() {
	if ! grep -qxF -- "$2" <<< "$out"; then
		fail "legacy/$1" "no line '$2'${3:+ ($3)}; $why; last line: ${last:-(no output)} (log $base.out)" "$XFAIL"
	elif [ "$RC" -ne 0 ]; then
		fail "legacy/$1" "'$2' seen but exit status $RC, want 0 (ACPI power-off)" "$XFAIL"
	else
		pass_note "legacy/$1" "$XFAIL"
	fi
}
check ide-ext4 "$sum  /mnt/data.bin" "ext4 on IDE"
check cdrom "$sum  /cd/data.bin" "iso9660 on the ATAPI CD-ROM"
if grep -q "libslirp" "$base.err" 2> /dev/null; then
	skip legacy/e1000-dhcp "$(head -n1 "$base.err")"
	skip legacy/e1000-fetch "$(head -n1 "$base.err")"
	exit 0
fi
if ! grep -qxF "NIC=e1000" <<< "$out"; then
	fail legacy/e1000-dhcp "eth0 is not driven by e1000 (no line NIC=e1000); $why (log $base.out)" "$XFAIL"
elif ! grep -q "^udhcpc: lease of 10.0.2.15 obtained" <<< "$out" ||
     ! grep -qxF "ADDR=inet 10.0.2.15/24" <<< "$out"; then
	fail legacy/e1000-dhcp "no DHCP lease of 10.0.2.15 applied to eth0; $why (log $base.out)" "$XFAIL"
else
	pass_note legacy/e1000-dhcp "$XFAIL"
fi
check e1000-fetch "PAGE=$token" "fetch from the host via 10.0.2.2"

#!/usr/bin/env bash
# virtio-blk sequential read benchmark (not a test): the default Debian guest
# ($B/guest, from `make guest`) reads a 256 MiB raw disk from end to end
# (`dd if=/dev/vda of=/dev/null bs=1M iflag=direct`, timed inside the guest
# with /proc/uptime), against the host reading the same image file with
# `dd bs=1M iflag=direct` (both bypass their page cache, so both measure the
# image's storage plus the path to it).  Before each guest run the image's
# host page cache is dropped (dd iflag=nocache count=0), so hvm's pread()s
# start cold too.  Prints median MiB/s for each and guest/host as a ratio;
# the host's cached read is shown for reference.
# BENCH_RUNS (default 3) runs per configuration; HVM_ENGINE (default emu).
set -u
cd "$(dirname "$0")/.." || exit 2
. tests/guest/harness.sh
G=$B/guest
RUNS=${BENCH_RUNS:-3}
ENGINE=${HVM_ENGINE:-emu}
LOGDIR=$B/logs/bench
SIZE_MB=256
mkdir -p "$LOGDIR"
[ -f "$G/vmlinuz" ] && [ -f "$G/initramfs.cpio.gz" ] || { echo "bench: run make guest first" >&2; exit 1; }
[ -x "$HVM" ] || { echo "bench: $HVM not built" >&2; exit 1; }

# On the build directory's filesystem (not a tmpfs), so O_DIRECT means storage.
IMG=$B/bench-virtio-blk.img
trap 'rm -f "$IMG"' EXIT
# Random content: no sparse holes or zero pages for either side to skip.
head -c $((SIZE_MB << 20)) /dev/urandom > "$IMG" && sync "$IMG" ||
	{ echo "bench: cannot write $IMG" >&2; exit 1; }

median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
now() { date +%s.%N; }
drop_cache() { dd if="$IMG" iflag=nocache count=0 status=none 2> /dev/null; }

# host_read [DDFLAGS]: seconds for one dd of the whole image.
host_read() {
	local t0 t1
	t0=$(now)
	dd if="$IMG" of=/dev/null bs=1M "$@" status=none || return 1
	t1=$(now)
	echo "$t1 - $t0" | bc -l
}

direct=iflag=direct
if ! dd if="$IMG" of=/dev/null bs=1M count=1 iflag=direct status=none 2> /dev/null; then
	echo "bench: O_DIRECT unsupported on $(dirname "$IMG"); host reads after dropping its cache instead" >&2
	direct=""
fi
host_t=() cached_t=() guest_t=()
for i in $(seq "$RUNS"); do
	drop_cache
	host_t+=("$(host_read ${direct:+"$direct"})") || exit 1
	host_read > /dev/null		# warm the cache for the cached run
	cached_t+=("$(host_read)") || exit 1
done

# The markers are built at run time (%4f is "O") so the echoed command line never matches.
CMD='read a x < /proc/uptime; dd if=/dev/vda of=/dev/null bs=1M iflag=direct 2>/dev/null && read b x < /proc/uptime && echo BLK-READ-D%4fNE $a $b'
for i in $(seq "$RUNS"); do
	drop_cache
	base=$LOGDIR/virtio-blk-$ENGINE
	timeout -k 5 $((600 * TIMEOUT_SCALE)) "$HVM" run --engine "$ENGINE" --memory 512M --no-reboot \
		--kernel "$G/vmlinuz" --initrd "$G/initramfs.cpio.gz" --disk "$IMG,readonly=on" \
		--append "$(cat "$G/append") hvm.modules=virtio_pci,virtio_blk hvm.cmd=$CMD" \
		< /dev/null > "$base.out" 2> "$base.err"
	rc=$?
	t=$(tr -d '\r' < "$base.out" | awk '$1 == "BLK-READ-DONE" {print $3 - $2}')
	[ $rc -eq 0 ] && [ -n "$t" ] ||
		{ echo "bench: hvm run $i failed (status $rc, no BLK-READ-DONE line; $base.out)" >&2; exit 1; }
	guest_t+=("$t")
done

mbs() { echo "$SIZE_MB / $1" | bc -l; }
h=$(printf '%s\n' "${host_t[@]}" | median)
c=$(printf '%s\n' "${cached_t[@]}" | median)
g=$(printf '%s\n' "${guest_t[@]}" | median)
printf 'virtio-blk read  host dd %-13s %8.1f MiB/s  (%s s)\n' "${direct:-cache-dropped}" "$(mbs "$h")" "${host_t[*]}"
printf 'virtio-blk read  host dd page-cached   %8.1f MiB/s  (%s s)\n' "$(mbs "$c")" "${cached_t[*]}"
printf 'virtio-blk read  guest (hvm %s)       %8.1f MiB/s  (%s s)\n' "$ENGINE" "$(mbs "$g")" "${guest_t[*]}"
printf 'virtio-blk read  guest/host ratio %.3f (guest/cached-host %.3f), %d MiB, median of %d\n' \
	"$(echo "$h / $g" | bc -l)" "$(echo "$c / $g" | bc -l)" "$SIZE_MB" "$RUNS"

#!/usr/bin/env bash
# Linux boot benchmark (not a test): the default Debian guest ($B/guest, from
# `make guest`) boots to /init, runs `true` and powers off, under hvm's emu
# engine and under qemu-system-x86_64 -accel tcg, same kernel, initramfs,
# command line and RAM, in the same run.  Prints median wall times, the
# ratio, and emu's guest MIPS (instructions retired / wall time).
# BENCH_RUNS (default 3) runs per configuration.
set -u
cd "$(dirname "$0")/.." || exit 2
. tests/guest/harness.sh
G=$B/guest
RUNS=${BENCH_RUNS:-3}
LOGDIR=$B/logs/bench
mkdir -p "$LOGDIR"
[ -f "$G/vmlinuz" ] && [ -f "$G/initramfs.cpio.gz" ] || { echo "bench: run make guest first" >&2; exit 1; }
QEMU=$(command -v qemu-system-x86_64 || true)
APPEND="$(cat "$G/append") hvm.cmd=true"

median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
now() { date +%s.%N; }

hvm_times=() insns=()
for i in $(seq "$RUNS"); do
	t0=$(now)
	HVM_EMU_STATS=1 "$HVM" run --engine emu --memory 256M --kernel "$G/vmlinuz" \
		--initrd "$G/initramfs.cpio.gz" --append "$APPEND" </dev/null \
		>"$LOGDIR/linux-hvm.out" 2>"$LOGDIR/linux-hvm.err"
	rc=$?
	t1=$(now)
	[ $rc -eq 0 ] || { echo "bench: hvm run $i failed (status $rc, $LOGDIR/linux-hvm.err)" >&2; exit 1; }
	hvm_times+=("$(echo "$t1 - $t0" | bc)")
	insns+=("$(awk '/retired/ {s += $(NF-1)} END {print s + 0}' "$LOGDIR/linux-hvm.err")")
done
hvm_med=$(printf '%s\n' "${hvm_times[@]}" | median)
ins_med=$(printf '%s\n' "${insns[@]}" | median)
printf 'linux boot  hvm-emu   median %6.2f s  (%s)  %.0f M instructions, %.1f MIPS\n' \
	"$hvm_med" "${hvm_times[*]}" "$(echo "$ins_med / 1000000" | bc -l)" \
	"$(echo "$ins_med / $hvm_med / 1000000" | bc -l)"

if [ -z "$QEMU" ]; then
	echo "bench: qemu-system-x86_64 missing (scripts/install-deps.sh --bench installs it)" >&2
	exit 0
fi
q_times=()
for i in $(seq "$RUNS"); do
	t0=$(now)
	"$QEMU" -accel tcg -m 256 -nodefaults -display none -no-reboot -serial stdio \
		-kernel "$G/vmlinuz" -initrd "$G/initramfs.cpio.gz" -append "$APPEND" </dev/null \
		>"$LOGDIR/linux-qemu.out" 2>"$LOGDIR/linux-qemu.err"
	t1=$(now)
	grep -q "command exited with status 0" "$LOGDIR/linux-qemu.out" || \
		{ echo "bench: qemu run $i did not finish the guest command ($LOGDIR/linux-qemu.out)" >&2; exit 1; }
	q_times+=("$(echo "$t1 - $t0" | bc)")
done
q_med=$(printf '%s\n' "${q_times[@]}" | median)
printf 'linux boot  qemu-tcg  median %6.2f s  (%s)\n' "$q_med" "${q_times[*]}"
printf 'linux boot  ratio hvm-emu / qemu-tcg = %.2f\n' "$(echo "$hvm_med / $q_med" | bc -l)"

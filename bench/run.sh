#!/usr/bin/env bash
# Side-by-side benchmark of hvm and QEMU on the same guests (not a test):
#   hello    tiny multiboot guest: median wall time, time to the first
#            serial byte (startup), peak RSS;
#   compute  ~240 M instructions of integer work: wall time and MIPS, the
#            emu engine against QEMU's TCG.
# Every available hvm engine runs; QEMU runs with -accel tcg, and with KVM
# when /dev/kvm works.  QEMU gets the same RAM size and no default devices
# (-nodefaults, -display none) so both boot the same minimal board.
# BENCH_RUNS (default 5) runs per configuration; the median is printed.
set -u
cd "$(dirname "$0")/.." || exit 2
. tests/guest/harness.sh
G=$B/guest-tests
RUNS=${BENCH_RUNS:-5}
LOGDIR=$B/logs/bench
COMPUTE_INSNS=240	# million guest instructions in compute.elf's loop
mkdir -p "$LOGDIR"

for f in hello.elf compute.elf; do
	[ -f "$G/$f" ] || { echo "bench: $G/$f missing (make guest-tests)" >&2; exit 1; }
done

QEMU=$(command -v qemu-system-x86_64 || true)
if [ -z "$QEMU" ]; then
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
		echo "bench: installing qemu-system-x86" >&2
		DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
			qemu-system-x86 >&2 || true
		QEMU=$(command -v qemu-system-x86_64 || true)
	fi
	[ -n "$QEMU" ] || echo "bench: qemu-system-x86_64 not available; hvm only" >&2
fi
[ -x /usr/bin/time ] || echo "bench: GNU time (/usr/bin/time) missing: no RSS figures" >&2

probe_engines
CONFIGS=()
for e in "${ENGINES_OK[@]}"; do CONFIGS+=("hvm-$e"); done
for e in "${ENGINES_ALL[@]}"; do
	[ -n "${ENGINE_WHY[$e]+x}" ] && echo "bench: hvm engine $e skipped: ${ENGINE_WHY[$e]}" >&2
done
if [ -n "$QEMU" ]; then
	CONFIGS+=(qemu-tcg)
	# QEMU with KVM only when it can really run a guest here.
	if [ -r /dev/kvm ] && [ -w /dev/kvm ]; then
		timeout 30 "$QEMU" -accel kvm -nodefaults -display none -no-reboot -m 128 \
			-serial none -device isa-debug-exit,iobase=0xf4,iosize=4 \
			-kernel "$G/hello.elf" < /dev/null > /dev/null 2>&1
		if [ $? -eq 1 ]; then CONFIGS+=(qemu-kvm); else echo "bench: qemu -accel kvm does not work here" >&2; fi
	fi
fi

cmdline() {	# config kernel -> the command as words in CMD
	case $1 in
	hvm-*)	CMD=("$HVM" run --engine "${1#hvm-}" --memory 128M --kernel "$2") ;;
	qemu-*)	CMD=("$QEMU" -accel "${1#qemu-}" -nodefaults -display none -no-reboot -m 128
			-serial stdio -device isa-debug-exit,iobase=0xf4,iosize=4 -kernel "$2") ;;
	esac
}

now_ns() { date +%s%N; }

# one_run config kernel -> "wall_ms first_byte_ms rss_kb status"
one_run() {
	local log=$LOGDIR/$1.$(basename "$2" .elf) t0 t1 first rss st
	cmdline "$1" "$2"
	t0=$(now_ns)
	if [ -x /usr/bin/time ]; then
		/usr/bin/time -f '%M' -o "$log.time" "${CMD[@]}" < /dev/null 2> "$log.err" |
			{ head -c1 > "$log.out"; now_ns > "$log.first"; cat >> "$log.out"; }
		st=${PIPESTATUS[0]}
	else
		"${CMD[@]}" < /dev/null 2> "$log.err" |
			{ head -c1 > "$log.out"; now_ns > "$log.first"; cat >> "$log.out"; }
		st=${PIPESTATUS[0]}
	fi
	t1=$(now_ns)
	first=$(cat "$log.first")
	rss=$(tail -n1 "$log.time" 2>/dev/null | grep -E '^[0-9]+$' || echo 0)
	echo "$(( (t1 - t0) / 1000000 )) $(( (first - t0) / 1000000 )) $rss $st"
}

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) print 0; else print v[int((NR + 1) / 2)] }'; }

declare -A WALL FIRST RSS CWALL
for c in "${CONFIGS[@]}"; do
	: > "$LOGDIR/$c.hello.runs"
	: > "$LOGDIR/$c.compute.runs"
	for ((i = 0; i < RUNS; i++)); do
		one_run "$c" "$G/hello.elf" >> "$LOGDIR/$c.hello.runs"
	done
	for ((i = 0; i < RUNS; i++)); do
		one_run "$c" "$G/compute.elf" >> "$LOGDIR/$c.compute.runs"
	done
	WALL[$c]=$(awk '{ print $1 }' "$LOGDIR/$c.hello.runs" | median)
	FIRST[$c]=$(awk '{ print $2 }' "$LOGDIR/$c.hello.runs" | median)
	RSS[$c]=$(awk '{ print $3 }' "$LOGDIR/$c.hello.runs" | median)
	CWALL[$c]=$(awk '{ print $1 }' "$LOGDIR/$c.compute.runs" | median)
	bad=$(awk '$4 != 1' "$LOGDIR/$c.hello.runs" "$LOGDIR/$c.compute.runs" | wc -l)
	[ "$bad" -eq 0 ] || echo "bench: $c: $bad runs did not exit with status 1 (see $LOGDIR)" >&2
done

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }

echo "hvm benchmark, $RUNS runs each, medians ($(date -u +%Y-%m-%dT%H:%MZ), $(nproc) CPUs)"
printf '%-10s %12s %14s %10s %14s %10s\n' config "hello ms" "1st byte ms" "RSS KiB" "compute ms" "MIPS"
for c in "${CONFIGS[@]}"; do
	mips=$(awk -v n="$COMPUTE_INSNS" -v t="${CWALL[$c]}" -v h="${WALL[$c]}" \
		'BEGIN { d = (t - h) / 1000; if (d > 0) printf "%.0f", n / d; else print "-" }')
	printf '%-10s %12s %14s %10s %14s %10s\n' "$c" "${WALL[$c]}" "${FIRST[$c]}" "${RSS[$c]}" "${CWALL[$c]}" "$mips"
done
echo "(MIPS = compute's $COMPUTE_INSNS M loop instructions / (compute - hello) wall time)"
for peer in qemu-tcg qemu-kvm; do
	[ -n "${WALL[$peer]+x}" ] || continue
	for e in "${ENGINES_OK[@]}"; do
		c=hvm-$e
		echo "ratio $c / $peer: hello $(ratio "${WALL[$c]}" "${WALL[$peer]}"), first byte $(ratio "${FIRST[$c]}" "${FIRST[$peer]}"), RSS $(ratio "${RSS[$c]}" "${RSS[$peer]}"), compute $(ratio "${CWALL[$c]}" "${CWALL[$peer]}")"
	done
done

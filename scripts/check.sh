#!/usr/bin/env bash
# Runs every test suite and ends with "N passed, N failed, N skipped".
# Each suite prints lines "TEST PASS name", "TEST FAIL name: why" or
# "TEST SKIP name: why"; everything else it prints goes to $B/logs.
# After the unit tests, the real-guest suites run in two lanes at once (one
# per core): the small guests and kvm-unit-tests, and the Linux boots.
set -u
cd "$(dirname "$0")/.."
B=${B:-build}
ONLY=${ONLY:-}
export B
mkdir -p "$B/logs"
results="$B/logs/results.txt"
: > "$results"

run_suite() {	# name command...
	local name=$1; shift
	echo "== $name"
	"$@" 2>>"$B/logs/$name.stderr" | tee -a "$B/logs/$name.log" | grep -E '^TEST (PASS|FAIL|SKIP) '
}

lane() {	# scripts...
	local s
	for s in "$@"; do
		[ -x "$s" ] && run_suite "$(basename "$(dirname "$s")")-$(basename "$s" .sh)" "$s"
	done
	return 0
}

for t in "$B"/tests/test_*; do
	[ -x "$t" ] || continue
	run_suite unit "$t"
done | tee -a "$results"
if [ -z "$ONLY" ]; then
	laneb=$(mktemp)
	lane tests/boot/run.sh tests/boot/ide.sh tests/boot/virtio.sh tests/boot/legacy.sh > "$laneb" &
	pid=$!
	lane tests/cli/run.sh tests/firmware/run.sh tests/display/vnc.sh tests/guest/vga.sh tests/guest/run.sh tests/kut/run.sh tests/firmware/linux.sh | tee -a "$results"
	wait "$pid"
	tee -a "$results" < "$laneb"
	rm -f "$laneb"
fi

p=$(grep -c '^TEST PASS ' "$results")
f=$(grep -c '^TEST FAIL ' "$results")
s=$(grep -c '^TEST SKIP ' "$results")
if [ "$f" -gt 0 ]; then
	echo "failures:"
	grep '^TEST FAIL ' "$results"
fi
echo "$p passed, $f failed, $s skipped"
[ "$f" -eq 0 ]

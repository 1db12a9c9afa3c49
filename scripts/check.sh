#!/usr/bin/env bash
# Runs every test suite and ends with "N passed, N failed, N skipped".
# Each suite prints lines "TEST PASS name", "TEST FAIL name: why" or
# "TEST SKIP name: why"; everything else it prints goes to $B/logs.
set -u
cd "$(dirname "$0")/.."
B=${B:-build}
ONLY=${ONLY:-}
mkdir -p "$B/logs"
results="$B/logs/results.txt"
: > "$results"

run_suite() {	# name command...
	local name=$1; shift
	echo "== $name"
	"$@" 2>>"$B/logs/$name.stderr" | tee -a "$B/logs/$name.log" | grep -E '^TEST (PASS|FAIL|SKIP) ' | tee -a "$results"
}

for t in "$B"/tests/test_*; do
	[ -x "$t" ] || continue
	run_suite unit "$t"
done
if [ -z "$ONLY" ]; then
	for s in tests/cli/run.sh tests/guest/run.sh tests/kut/run.sh tests/boot/run.sh \
		 tests/boot/ide.sh tests/boot/virtio.sh; do
		[ -x "$s" ] && run_suite "$(basename "$(dirname "$s")")-$(basename "$s" .sh)" "$s"
	done
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

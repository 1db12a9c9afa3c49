#!/usr/bin/env bash
# Runs each guest test program (tests/guest/tests.list) under every engine
# that `hvm probe` reports available, compares transcript and exit status
# with tests/guest/<name>.expect, then compares the engines with each other.
# Builds nothing: `make check` (or `make guest-tests`) builds the images.
set -u
cd "$(dirname "$0")/../.." || exit 2
. tests/guest/harness.sh
G=$B/guest-tests
LOGDIR=$B/logs/guest
XFAIL=tests/guest/expected-fail.txt
mkdir -p "$LOGDIR"

probe_engines

initrd=$G/initrd.bin
fnv=""
if [ -f "$initrd" ]; then
	fnv=$(perl -e 'local $/; open(F, "<", $ARGV[0]) or die; binmode F; my $d = <F>;
		my $h = 0x811c9dc5; for my $c (unpack("C*", $d)) { $h ^= $c; $h = ($h * 0x01000193) & 0xffffffff }
		printf "%d bytes fnv1a %08x\n", length($d), $h' "$initrd")
fi

expect_text() {	# name -> expected transcript on stdout
	sed -e "s|@INITRD_SUM@|$fnv|g" "tests/guest/$1.expect"
}

while read -r name image status tmo rest; do
	case "$name" in ''|'#'*) continue ;; esac
	rest=${rest//@B@/$B}
	rest=${rest//@INITRD@/$initrd}
	args=()
	eval "args=($rest)"
	for e in "${ENGINES_ALL[@]}"; do
		t="guest/$name@$e"
		if [ -z "${ENGINE_WHY[$e]+x}" ]; then :; else
			skip "$t" "engine $e unavailable: ${ENGINE_WHY[$e]}"
			continue
		fi
		if [ ! -f "$G/$image" ]; then
			fail "$t" "$G/$image not built (make guest-tests)" "$XFAIL"
			continue
		fi
		base=$LOGDIR/$name@$e
		rm -f "$base".*
		run_hvm "$base" "$tmo" run --engine "$e" --kernel "$G/$image" "${args[@]}"
		echo "$RC" > "$base.rc"
		filtered "$base.out" > "$base.got"
		expect_text "$name" > "$base.want"
		if [ "$RC" -eq 124 ] || [ "$RC" -eq 137 ]; then
			fail "$t" "timed out after ${tmo}s; last line: $(tail -n1 "$base.got")" "$XFAIL"
		elif [ "$RC" -ne "$status" ]; then
			fail "$t" "exit status $RC, want $status; $(grep -m1 -E '^FAIL' "$base.got" || tail -n1 "$base.err")" "$XFAIL"
		elif ! diff -u "$base.want" "$base.got" > "$base.diff"; then
			fail "$t" "transcript differs: $(grep -m1 -E '^[-+][^-+]' "$base.diff")" "$XFAIL"
		elif [ "$status" -eq 0 ] && ! grep -qi 'reset' "$base.err"; then
			fail "$t" "exit 0 but no reset reason on stderr" "$XFAIL"
		else
			pass_note "$t" "$XFAIL"
		fi
	done
	# Two engines ran: they must agree with each other as well.
	k=$LOGDIR/$name@kvm e=$LOGDIR/$name@emu
	if [ -z "${ENGINE_WHY[kvm]+x}" ] && [ -z "${ENGINE_WHY[emu]+x}" ] && [ -f "$k.got" ] && [ -f "$e.got" ]; then
		t="guest/$name@kvm-vs-emu"
		if [ "$(cat "$k.rc")" != "$(cat "$e.rc")" ]; then
			fail "$t" "exit status kvm $(cat "$k.rc") emu $(cat "$e.rc")" "$XFAIL"
		elif ! diff -u "$k.got" "$e.got" > "$LOGDIR/$name.kvm-vs-emu.diff"; then
			fail "$t" "transcripts differ: $(grep -m1 -E '^[-+][^-+]' "$LOGDIR/$name.kvm-vs-emu.diff")" "$XFAIL"
		else
			pass_note "$t" "$XFAIL"
		fi
	fi
done < tests/guest/tests.list

#!/usr/bin/env bash
# Runs the prebuilt kvm-unit-tests x86 guests (../shared/kvm-unit-tests,
# see its README for the contract) under every available hvm engine.
# Result per run: exit status 1 = PASS, 155 = SKIP, anything else = FAIL
# with the guest's SUMMARY line; the serial log stays in build/logs/kut/.
# tests/kut/expected-fail.txt turns a listed failure into a SKIP.
#
# Environment (besides tests/guest/harness.sh's): KUT_DIR (default
# ../shared/kvm-unit-tests), KUT_BUDGET (seconds for the whole suite,
# default 900; later tests are skipped once it is spent), KUT_ONLY (a
# regex on test names).
set -u
cd "$(dirname "$0")/../.." || exit 2
. tests/guest/harness.sh
KUT_DIR=${KUT_DIR:-../shared/kvm-unit-tests}
KUT_BUDGET=${KUT_BUDGET:-900}
KUT_ONLY=${KUT_ONLY:-.}
LOGDIR=$B/logs/kut
XFAIL=tests/kut/expected-fail.txt

if [ ! -d "$KUT_DIR" ]; then
	skip kut "../shared/kvm-unit-tests not found"
	exit 0
fi
mkdir -p "$LOGDIR"
probe_engines

# Per-test parameters follow unittests.cfg as summarised in the README.
# name           file          engines   cpus  timeout  arguments
TESTS='
dummy            dummy         kvm,emu   1     60
idt_test         idt_test      kvm,emu   1     60
smptest          smptest       kvm,emu   2     60
setjmp           setjmp        kvm,emu   1     60
vmexit_cpuid     vmexit        kvm       1     60       cpuid
vmexit_ipi       vmexit        kvm       2     60       ipi
realmode         realmode      kvm,emu       1     60
emulator         emulator      emu       1     120
memory           memory        emu       1     60
tsc              tsc           emu       1     60
syscall          syscall       emu       1     60
sieve            sieve         emu       1     400
access_test      access_test   emu       1     120
apic             apic          emu       2     120
msr              msr           emu       1     60
debug            debug         emu       1     120
'

# Long runs left to `make check-slow` (KUT_SLOW=1): seconds of emu CPU each.
SLOW=' sieve@emu '

start=$SECONDS
while read -r name file engines cpus tmo args; do
	[ -n "$name" ] || continue
	[[ "$name" =~ $KUT_ONLY ]] || continue
	for e in ${engines//,/ }; do
		t="kut/$name@$e"
		if [ -n "${ENGINE_WHY[$e]+x}" ]; then
			skip "$t" "engine $e unavailable: ${ENGINE_WHY[$e]}"
			continue
		fi
		if [ ! -f "$KUT_DIR/$file.flat" ]; then
			fail "$t" "$KUT_DIR/$file.flat missing" "$XFAIL"
			continue
		fi
		if [[ "$SLOW" == *" $name@$e "* ]] && [ "${KUT_SLOW:-0}" != 1 ]; then
			skip "$t" "takes minutes under $e (about 2 min of CPU); make check-slow runs it"
			continue
		fi
		if [ $((SECONDS - start)) -ge "$KUT_BUDGET" ]; then
			skip "$t" "suite time budget of ${KUT_BUDGET}s spent"
			continue
		fi
		base=$LOGDIR/$name@$e
		rm -f "$base".*
		run_hvm "$base" "$tmo" run --engine "$e" --kernel "$KUT_DIR/$file.flat" \
			--cpus "$cpus" --testdev ${args:+--append "$args"}
		summary=$(tr -d '\r' < "$base.out" | grep -m1 '^SUMMARY:')
		case $RC in
		1)	pass_note "$t" "$XFAIL" ;;
		155)	skip "$t" "guest skipped: ${summary:-$(tr -d '\r' < "$base.out" | grep -m1 'SKIP')}" ;;
		124|137)
			fail "$t" "timed out after ${tmo}s; ${summary:-last line: $(tr -d '\r' < "$base.out" | tail -n1)}" "$XFAIL" ;;
		*)	fail "$t" "exit status $RC; ${summary:-no SUMMARY; $(tr -d '\r' < "$base.out" | grep -m1 -E '^(FAIL|Unhandled)' || tail -n1 "$base.err")}" "$XFAIL" ;;
		esac
	done
done <<< "$TESTS"

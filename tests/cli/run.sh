#!/usr/bin/env bash
# The command line as a user meets it, through the real binary: help and
# version, one-line errors with status 2 for bad options and files, and the
# engine that --engine auto picks on this host (printed with its reason).
set -u
cd "$(dirname "$0")/../.." || exit 2
B=${B:-build}
HVM=${HVM:-$B/hvm}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
HELLO=$B/guest-tests/hello.elf

pass() { echo "TEST PASS cli/$1"; }
fail() { echo "TEST FAIL cli/$1: $2"; }

# expect_err NAME STATUS PATTERN ARGS...: hvm exits STATUS with one stderr line matching PATTERN.
expect_err() {
	local name=$1 want=$2 pat=$3; shift 3
	"$HVM" "$@" >"$T/out" 2>"$T/err" </dev/null
	local rc=$? lines
	lines=$(wc -l < "$T/err")
	if [ "$rc" -ne "$want" ]; then
		fail "$name" "exit status $rc, want $want ($(head -c 200 "$T/err"))"
	elif [ "$lines" -ne 1 ] || ! grep -qE -- "$pat" "$T/err"; then
		fail "$name" "stderr not one line matching '$pat': $(head -c 300 "$T/err")"
	else
		pass "$name"
	fi
}

"$HVM" --version | grep -qE '^hvm [0-9]+\.[0-9]+' && pass version || fail version "no version line"
"$HVM" run --help | grep -q -- '--kernel FILE' && pass run-help || fail run-help "no usage"

: > "$T/empty"
head -c 4096 /dev/urandom > "$T/junk"
printf 'MZ' > "$T/tiny"
expect_err missing-bios 2 "^hvm: --bios '$T/nope': No such file" run --bios "$T/nope" --engine emu
expect_err kernel-and-bios 2 "exclude each other" run --kernel "$T/junk" --bios "$T/junk"
expect_err bios-size 2 "^hvm: --bios '$T/junk': a BIOS image is a multiple of 64 KiB" run --bios "$T/junk" --engine emu --serial none
expect_err bios-empty 2 "^hvm: --bios '$T/empty': empty file" run --bios "$T/empty"
expect_err bad-boot 2 "^hvm: --boot 'x'" run --boot x
expect_err bad-debugcon 2 "^hvm: --debugcon 'tcp:1'" run --debugcon tcp:1
expect_err no-such-file 2 "--kernel '$T/nope': No such file" run --kernel "$T/nope"
expect_err empty-kernel 2 "empty file" run --kernel "$T/empty"
expect_err junk-kernel 2 "not a multiboot, bzImage or ELF vmlinux" run --kernel "$T/junk"
expect_err dir-kernel 2 "not a regular file" run --kernel "$T"
expect_err bad-memory 2 "^hvm: --memory 'lots'" run --kernel "$T/junk" --memory lots
expect_err bad-cpus 2 "^hvm: --cpus '0'" run --kernel "$T/junk" --cpus 0
expect_err bad-engine 2 "^hvm: --engine 'xen'" run --kernel "$T/junk" --engine xen
expect_err bad-serial 2 "^hvm: --serial 'tcp:1'" run --kernel "$T/junk" --serial tcp:1
expect_err unknown-option 2 "unknown option '--frobnicate'" run --kernel "$T/junk" --frobnicate
expect_err unknown-command 2 "unknown command 'fly'" fly
if [ -f "$HELLO" ]; then
	expect_err no-initrd 2 "--initrd '$T/nope'" run --kernel "$HELLO" --initrd "$T/nope"
	expect_err serial-file-dir 2 "--serial file:/nonexistent/x" run --kernel "$HELLO" --serial file:/nonexistent/x
fi

# Without --no-reboot a guest reset restarts the machine: the guest runs again from its entry.
RESET=$B/guest-tests/reset.elf
if [ -f "$RESET" ]; then
	timeout 3 "$HVM" run --kernel "$RESET" --append kbd >"$T/out" 2>"$T/err" </dev/null
	rc=$?
	n=$(grep -c '^reset: now' "$T/out")
	if [ "$rc" -eq 124 ] && [ "$n" -ge 2 ]; then
		pass reset-reboots
	else
		fail reset-reboots "status $rc with $n boots in 3 s; want a timeout and at least 2 boots"
	fi
fi

KUT=../shared/kvm-unit-tests/dummy.flat
if [ -f "$KUT" ]; then	# linked at 4 MiB: does not fit in 2 MiB of RAM
	expect_err kernel-outside-ram 2 "outside guest RAM" run --kernel "$KUT" --memory 2M
fi

# --engine auto: kvm only when /dev/kvm works at hardware speed, else emu; print why.
probe=$("$HVM" probe 2>&1)
auto=$(printf '%s\n' "$probe" | grep '^auto: ')
echo "# $auto" >&2
echo "TEST-INFO engine auto chooses: ${auto#auto: }" >&2
case "$probe" in
*"kvm: unavailable"*)
	[[ "$auto" == "auto: emu (kvm unavailable: "* ]] && pass auto-engine || fail auto-engine "$auto" ;;
*"kvm: available"*)
	[[ "$auto" == "auto: emu ("*"emulated"* || "$auto" == "auto: kvm (kvm works at hardware speed"* ]] \
		&& pass auto-engine || fail auto-engine "$auto" ;;
*)	fail auto-engine "no engine lines from hvm probe: $probe" ;;
esac
if [ -f "$HELLO" ]; then
	"$HVM" run -v --engine auto --kernel "$HELLO" --serial none >/dev/null 2>"$T/err" </dev/null
	want=${auto#auto: }; want=${want%% *}
	if grep -q "^hvm: engine: $want (auto: " "$T/err"; then
		pass auto-engine-run
		echo "$(grep -m1 '^hvm: engine:' "$T/err")" >&2
	else
		fail auto-engine-run "run -v did not report 'engine: $want (auto: ...)': $(head -c 300 "$T/err")"
	fi
fi

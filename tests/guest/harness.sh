# shellcheck shell=bash
# Shell helpers shared by tests/guest/run.sh, tests/kut/run.sh and
# tests/boot/run.sh (sourced, not run).  Every result is one stdout line:
#   TEST PASS <name> | TEST FAIL <name>: <why> | TEST SKIP <name>: <why>
# Everything else goes to $LOGDIR or stderr.
#
# Environment:
#   B            build directory (default build)
#   HVM          the binary (default $B/hvm)
#   HVM_ENGINES  restrict to these engines, e.g. "emu" (default: kvm emu)
#   TIMEOUT_SCALE multiply every timeout by this integer (slow hosts)

: "${B:=build}"
HVM=${HVM:-$B/hvm}
TIMEOUT_SCALE=${TIMEOUT_SCALE:-1}
declare -A ENGINE_WHY=()
ENGINES_OK=()
ENGINES_ALL=(kvm emu)

pass() { echo "TEST PASS $1"; }
skip() { echo "TEST SKIP $1: $2"; }

# fail NAME WHY [EXPECTED_FAIL_FILE]: a listed known failure becomes a SKIP.
fail() {
	local reason
	if [ -n "${3:-}" ] && reason=$(known_failure "$3" "$1"); then
		echo "TEST SKIP $1: known failure: $reason"
	else
		echo "TEST FAIL $1: $2"
	fi
}

# pass_or_note NAME [EXPECTED_FAIL_FILE]: a pass, with a note when the list
# still calls it a known failure (so the entry gets removed).
pass_note() {
	if [ -n "${2:-}" ] && known_failure "$2" "$1" >/dev/null; then
		echo "note: $1 passes but is listed in $2; remove the entry" >&2
	fi
	pass "$1"
}

# known_failure FILE NAME: print the reason and succeed when FILE lists NAME
# ("name  # reason" per line; '#' lines and blank lines are ignored).
known_failure() {
	local file=$1 name=$2 line entry reason
	[ -f "$file" ] || return 1
	while IFS= read -r line || [ -n "$line" ]; do
		entry=${line%%#*}
		entry=${entry//[[:space:]]/}
		[ -n "$entry" ] || continue
		if [ "$entry" = "$name" ]; then
			reason=${line#*#}
			[ "$reason" = "$line" ] && reason="listed in $(basename "$file")"
			reason=${reason#"${reason%%[![:space:]]*}"}
			echo "${reason:-listed in $(basename "$file")}"
			return 0
		fi
	done < "$file"
	return 1
}

# probe_engines: fill ENGINES_OK and ENGINE_WHY from `hvm probe`.
probe_engines() {
	local e line out want=" ${HVM_ENGINES:-${ENGINES_ALL[*]}} "
	ENGINES_OK=()
	if [ ! -x "$HVM" ]; then
		for e in "${ENGINES_ALL[@]}"; do ENGINE_WHY[$e]="$HVM not built"; done
		return
	fi
	out=$("$HVM" probe 2>&1)
	for e in "${ENGINES_ALL[@]}"; do
		line=$(printf '%s\n' "$out" | grep -m1 "^$e: ")
		if [[ "$want" != *" $e "* ]]; then
			ENGINE_WHY[$e]="not selected by HVM_ENGINES"
		elif [ "$line" = "$e: available" ]; then
			ENGINES_OK+=("$e")
		elif [ -n "$line" ]; then
			line=${line#"$e: "}
			ENGINE_WHY[$e]=${line#unavailable: }
		else
			ENGINE_WHY[$e]="not reported by '$HVM probe'"
		fi
	done
	PROBE_AUTO=$(printf '%s\n' "$out" | grep -m1 '^auto: ')
}

# Kernel arguments for Linux test boots that check devices, not the CPU: the
# crypto self-tests (RSA/ECDSA bignum code) are ~900M of a cloud kernel's 1.4G
# boot instructions under emu.  boot/linux keeps them, and fails on any
# "alg: ... failed", as a check of the emu CPU.
FAST_APPEND="cryptomgr.notests"

# heavy_guest_engines: for guests of billions of instructions (Linux), keep
# kvm only where it runs guest kernel code at hardware speed, i.e. where
# `hvm probe` says --engine auto picks kvm.  A KVM that emulates kernel code
# (PVM) takes many minutes per boot: those runs belong to `make check-slow`,
# which names the engine in HVM_ENGINES.
heavy_guest_engines() {
	local why
	[ -n "${HVM_ENGINES:-}" ] && return
	[ -n "${ENGINE_WHY[kvm]+x}" ] && return
	case "${PROBE_AUTO:-}" in
	"auto: emu ("*)
		why=${PROBE_AUTO#"auto: emu ("}
		ENGINE_WHY[kvm]="too slow for a Linux boot here: ${why%)} (make check-slow runs it)"
		;;
	esac
}

# run_hvm LOGBASE TIMEOUT ARGS...: run hvm with stdout to LOGBASE.out and
# stderr to LOGBASE.err; sets RC (124 on timeout) and RUN_TMO (the limit used).
run_hvm() {
	local base=$1 t=$(( $2 * TIMEOUT_SCALE )); shift 2
	RUN_TMO=$t
	mkdir -p "$(dirname "$base")"
	printf '%q ' "$HVM" "$@" > "$base.cmd"
	echo >> "$base.cmd"
	timeout -k 5 "$t" "$HVM" "$@" < /dev/null > "$base.out" 2> "$base.err"
	RC=$?
}

# why_not: how the last run_hvm ended, for a failure reason.
why_not() {
	if [ "$RC" -eq 124 ] || [ "$RC" -eq 137 ]; then
		echo "timed out after ${RUN_TMO}s"
	else
		echo "exit status $RC"
	fi
}

# The transcript the checks compare: CRs and "# " info lines removed.
filtered() { tr -d '\r' < "$1" | grep -v '^# '; }

#!/usr/bin/env bash
# The VNC display (--vnc) through the real binary, with tests/guest/input.S as
# the guest (it echoes every byte the 8042 delivers on COM1):
#   vnc/snapshot   vncsnapshot's capture equals hvm's own --screendump PNG
#   vnc/frame      a raw RFB frame (tests/display/rfb.py) equals it pixel for pixel
#   vnc/keys       RFB KeyEvents arrive as the set-1 scancodes a US keyboard sends
#   vnc/mouse      RFB PointerEvents arrive as IntelliMouse packets
#   vnc/unix       --vnc unix:PATH; a viewer that leaves does not stop the guest
#   vnc/resize     a mode change (text -> 320x200x32 VBE, on the V key) reaches the
#                  viewer as a DesktopSize change, and the new frame equals the screendump
#   vnc/stuck-viewer  a viewer that asks for frames and stops reading holds up the
#                  VNC server (libvncserver gives up on it after 5 s) but not the guest:
#                  the guest's polling loop sees no freeze (input.S "FREEZE" lines), and a
#                  second viewer's keys still arrive
#   vnc/exit-stuck the guest powers off (P key, ACPI S5 3 s later) while a viewer is stuck:
#                  hvm exits with 0 without waiting for libvncserver's 5 s write timeout
#   vnc/bad-spec   bad --vnc values: exit 2 with one "hvm: --vnc ..." line
#   vnc/port-busy  a port in use: exit 2 with one line
#   vnc/linux-console  Debian's kernel (make guest) on a direct boot with console=tty0:
#                  keys typed through VNC reach a shell reading the VGA console's tty1
#                  (i8042 + atkbd + the VT), and the echo shows on the text screen
set -u
cd "$(dirname "$0")/../.." || exit 2
. tests/guest/harness.sh
LOGDIR=$B/logs/display
GUEST=$B/guest-tests/input.elf
RFB=tests/display/rfb.py
mkdir -p "$LOGDIR"
T=$(mktemp -d)
HPID=
STUCK=
cleanup() {
	[ -n "$HPID" ] && kill "$HPID" 2>/dev/null
	[ -n "$STUCK" ] && kill "$STUCK" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT

all=(vnc/snapshot vnc/frame vnc/keys vnc/mouse vnc/unix vnc/resize vnc/stuck-viewer vnc/exit-stuck
     vnc/bad-spec vnc/port-busy vnc/linux-console)
skip_all() { for t in "${all[@]}"; do skip "$t" "$1"; done; exit 0; }
[ -x "$HVM" ] || skip_all "$HVM not built"
[ -f "$GUEST" ] || skip_all "$GUEST not built (make guest-tests)"
command -v python3 >/dev/null || skip_all "python3 not installed"
"$HVM" run --help | grep -q -- '--vnc' || skip_all "hvm has no --vnc"
# The picture (and so --vnc itself) needs the VGA card.
"$HVM" run --help | grep -q -- '--screendump' || skip_all "no VGA card in this tree (hvm has no --screendump)"
have_vga=1

# wait_for FILE PATTERN SECONDS
wait_for() {
	local i
	for ((i = 0; i < $3 * 10; i++)); do
		grep -q "$2" "$1" 2>/dev/null && return 0
		kill -0 "$HPID" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

# wait_exit SECONDS: sets RC to hvm's exit status (124 if it had to be killed)
wait_exit() {
	local i
	for ((i = 0; i < $1 * 10; i++)); do
		kill -0 "$HPID" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$HPID" 2>/dev/null; then
		kill -9 "$HPID"
		wait "$HPID" 2>/dev/null
		RC=124
	else
		wait "$HPID"
		RC=$?
	fi
	HPID=
}

# A free display number: port 5900+N nobody listens on.
free_display() {
	python3 -c '
import random, socket
for n in random.sample(range(40, 99), 59):
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", 5900 + n))
    except OSError:
        continue
    s.close()
    print(n)
    break'
}

# --- TCP: picture, keys, mouse ---------------------------------------------
N=$(free_display)
dumpopt=()
[ "$have_vga" = 1 ] && dumpopt=(--screendump "$T/dump.png")
"$HVM" run --engine emu --kernel "$GUEST" --serial "file:$T/serial.log" --vnc ":$N" \
	"${dumpopt[@]}" > "$LOGDIR/tcp.out" 2> "$LOGDIR/tcp.err" < /dev/null &
HPID=$!
ready=0
wait_for "$T/serial.log" '^ready' 10 && ready=1
snap_ok=0
if [ "$ready" = 1 ] && command -v vncsnapshot >/dev/null && command -v djpeg >/dev/null; then
	# The default JPEG transmission and quality 100 keep this picture exact enough.
	timeout 10 vncsnapshot -quiet -nocursor "127.0.0.1:$N" "$T/snap.jpg" \
		> "$LOGDIR/vncsnapshot.log" 2>&1 && djpeg -pnm "$T/snap.jpg" > "$T/snap.ppm" && snap_ok=1
fi
client_ok=0
[ "$ready" = 1 ] && timeout 20 python3 "$RFB" script "127.0.0.1:$((5900 + N))" "$T/rfb.ppm" \
	> "$LOGDIR/rfb-tcp.log" 2>&1 && client_ok=1
wait_exit 10
cp "$T/serial.log" "$LOGDIR/tcp.serial" 2>/dev/null
[ -f "$T/dump.png" ] && cp "$T/dump.png" "$LOGDIR/dump.png"

if [ "$ready" != 1 ]; then
	for t in vnc/snapshot vnc/frame vnc/keys vnc/mouse; do
		fail "$t" "the guest never said ready ($(why_not)); see $LOGDIR/tcp.*"
	done
else
	if [ "$have_vga" != 1 ]; then
		skip vnc/snapshot "no VGA card in this tree (hvm has no --screendump)"
		skip vnc/frame "no VGA card in this tree (hvm has no --screendump)"
	elif ! command -v vncsnapshot >/dev/null || ! command -v djpeg >/dev/null; then
		skip vnc/snapshot "vncsnapshot or djpeg missing (apt-get install vncsnapshot libjpeg-turbo-progs)"
	elif [ "$snap_ok" != 1 ]; then
		fail vnc/snapshot "vncsnapshot failed: $(tail -n1 "$LOGDIR/vncsnapshot.log")"
	elif [ ! -f "$T/dump.png" ]; then
		fail vnc/snapshot "hvm wrote no --screendump PNG ($(why_not))"
	elif why=$(python3 "$RFB" compare "$T/dump.png" "$T/snap.ppm" 1.0); then
		pass vnc/snapshot
	else
		fail vnc/snapshot "$why"
	fi
	if [ "$have_vga" = 1 ]; then
		if [ "$client_ok" != 1 ]; then
			fail vnc/frame "RFB client: $(tail -n1 "$LOGDIR/rfb-tcp.log")"
		elif [ ! -f "$T/dump.png" ]; then
			fail vnc/frame "hvm wrote no --screendump PNG ($(why_not))"
		elif why=$(python3 "$RFB" compare "$T/dump.png" "$T/rfb.ppm" 0); then
			pass vnc/frame
		else
			fail vnc/frame "$why"
		fi
	fi
	# a, Shift+!, Up, F1, right Ctrl, Escape: set 2 through the 8042's translation.
	want_k="1e 9e 2a 02 82 aa e0 48 e0 c8 3b bb e0 1d e0 9d 01 81"
	got_k=$(tr -d '\r' < "$T/serial.log" | sed -n 's/^K //p' | tr '\n' ' ' | sed 's/ $//')
	if [ "$client_ok" != 1 ]; then
		fail vnc/keys "RFB client: $(tail -n1 "$LOGDIR/rfb-tcp.log")"
	elif [ "$got_k" != "$want_k" ]; then
		fail vnc/keys "scancodes '$got_k', want '$want_k'"
	elif [ "$RC" -ne 1 ]; then
		fail vnc/keys "exit status $RC after Escape, want 1 (guest PASS); $(grep -m1 FAIL "$T/serial.log")"
	else
		pass vnc/keys
	fi
	# right 10 up 5 with the left button; release; wheel down; right 300 (255 + 45).
	want_m="09 0a 05 00 08 00 00 00 08 00 00 01 08 ff 00 00 08 2d 00 00"
	got_m=$(tr -d '\r' < "$T/serial.log" | sed -n 's/^M //p' | tr '\n' ' ' | sed 's/ $//')
	if [ "$client_ok" != 1 ]; then
		fail vnc/mouse "RFB client: $(tail -n1 "$LOGDIR/rfb-tcp.log")"
	elif [ "$got_m" != "$want_m" ]; then
		fail vnc/mouse "packets '$got_m', want '$want_m'"
	else
		pass vnc/mouse
	fi
fi

# --- unix socket; viewers come and go -----------------------------------------
SOCK=$T/vnc.sock
"$HVM" run --engine emu --kernel "$GUEST" --serial "file:$T/serial2.log" --vnc "unix:$SOCK" \
	--screendump "$T/dump2.png" > "$LOGDIR/unix.out" 2> "$LOGDIR/unix.err" < /dev/null &
HPID=$!
why=
if ! wait_for "$T/serial2.log" '^ready' 10; then
	why="the guest never said ready"
elif ! [ -S "$SOCK" ]; then
	why="no socket at $SOCK"
elif ! timeout 10 python3 "$RFB" hello "unix:$SOCK" > "$LOGDIR/rfb-unix.log" 2>&1; then
	why="first viewer: $(tail -n1 "$LOGDIR/rfb-unix.log")"
elif sleep 0.3; ! kill -0 "$HPID" 2>/dev/null; then
	why="hvm ended when the first viewer left"
elif ! timeout 20 python3 "$RFB" resize "unix:$SOCK" "$T/rfb2.ppm" >> "$LOGDIR/rfb-unix.log" 2>&1; then
	why="second viewer: $(tail -n1 "$LOGDIR/rfb-unix.log")"
fi
wait_exit 10
cp "$T/serial2.log" "$LOGDIR/unix.serial" 2>/dev/null
[ -f "$T/dump2.png" ] && cp "$T/dump2.png" "$LOGDIR/dump2.png"
if [ -n "$why" ]; then
	fail vnc/unix "$why; see $LOGDIR/unix.*"
elif [ "$RC" -ne 1 ]; then
	fail vnc/unix "exit status $RC after Escape, want 1"
elif ! grep -q '^K 2f' "$T/serial2.log" || ! grep -q '^K 81' "$T/serial2.log"; then
	fail vnc/unix "the keys did not reach the guest"
else
	pass vnc/unix
fi
if [ -n "$why" ]; then
	fail vnc/resize "$why"
elif ! grep -q '^720x400 -> 320x200$' "$LOGDIR/rfb-unix.log"; then
	fail vnc/resize "viewer saw: $(tail -n1 "$LOGDIR/rfb-unix.log"), want 720x400 -> 320x200"
elif [ ! -f "$T/dump2.png" ]; then
	fail vnc/resize "hvm wrote no --screendump PNG"
elif why=$(python3 "$RFB" compare "$T/dump2.png" "$T/rfb2.ppm" 0); then
	pass vnc/resize
else
	fail vnc/resize "$why"
fi

# --- a viewer that stops reading ------------------------------------------------
# stuck_viewer SOCK SECONDS: a viewer that gets stuck on SOCK in the background
# (STUCK: its pid), once it has asked for its frames; 1 if it never got that far.
stuck_viewer() {
	local i
	timeout 60 python3 "$RFB" stuck "unix:$1" "$2" > "$T/stuck.out" 2>> "$LOGDIR/rfb-stuck.log" &
	STUCK=$!
	for ((i = 0; i < 100; i++)); do
		grep -q '^stuck' "$T/stuck.out" 2>/dev/null && return 0
		kill -0 "$STUCK" 2>/dev/null || break
		sleep 0.1
	done
	return 1
}
end_stuck() { [ -n "$STUCK" ] && kill "$STUCK" 2>/dev/null; wait "$STUCK" 2>/dev/null; STUCK=; }

SOCK=$T/stuck.sock
: > "$LOGDIR/rfb-stuck.log"
"$HVM" run -v --engine emu --kernel "$GUEST" --serial "file:$T/serial3.log" --vnc "unix:$SOCK" \
	> "$LOGDIR/stuck.out" 2> "$LOGDIR/stuck.err" < /dev/null &
HPID=$!
why=
if ! wait_for "$T/serial3.log" '^ready' 10; then
	why="the guest never said ready"
elif ! stuck_viewer "$SOCK" 30; then
	why="the stuck viewer: $(tail -n1 "$LOGDIR/rfb-stuck.log")"
# Served once the server has given up on the stuck viewer.
elif ! timeout 30 python3 "$RFB" tap "unix:$SOCK" "a~" >> "$LOGDIR/rfb-stuck.log" 2>&1; then
	why="second viewer: $(tail -n1 "$LOGDIR/rfb-stuck.log")"
fi
wait_exit 15
end_stuck
cp "$T/serial3.log" "$LOGDIR/stuck.serial" 2>/dev/null
if [ -n "$why" ]; then
	fail vnc/stuck-viewer "$why; see $LOGDIR/stuck.*"
elif ! grep -q 'write: Connection timed out' "$LOGDIR/stuck.err"; then
	# Without it the test proves nothing: the server never waited on the viewer.
	fail vnc/stuck-viewer "the server never timed out writing to the stuck viewer; see $LOGDIR/stuck.err"
elif grep -q '^FREEZE' "$T/serial3.log"; then
	fail vnc/stuck-viewer "the guest froze while a viewer was stuck: $(grep -m1 '^FREEZE' "$T/serial3.log" | tr -d '\r')"
elif [ "$RC" -ne 1 ] || ! grep -q '^K 1e' "$T/serial3.log" || ! grep -q '^K 81' "$T/serial3.log"; then
	fail vnc/stuck-viewer "the second viewer's keys: exit status $RC, want 1 after a and Escape"
else
	pass vnc/stuck-viewer
fi

SOCK=$T/exit.sock
"$HVM" run -v --engine emu --kernel "$GUEST" --serial "file:$T/serial4.log" --vnc "unix:$SOCK" \
	> "$LOGDIR/exit.out" 2> "$LOGDIR/exit.err" < /dev/null &
HPID=$!
why=
if ! wait_for "$T/serial4.log" '^ready' 10; then
	why="the guest never said ready"
elif ! timeout 10 python3 "$RFB" tap "unix:$SOCK" "p" >> "$LOGDIR/rfb-stuck.log" 2>&1; then
	why="first viewer: $(tail -n1 "$LOGDIR/rfb-stuck.log")"
elif ! stuck_viewer "$SOCK" 30; then
	why="the stuck viewer: $(tail -n1 "$LOGDIR/rfb-stuck.log")"
fi
wait_exit 15
end_stuck
cp "$T/serial4.log" "$LOGDIR/exit.serial" 2>/dev/null
if [ -n "$why" ]; then
	fail vnc/exit-stuck "$why; see $LOGDIR/exit.*"
elif [ "$RC" -ne 0 ] || ! grep -q 'guest powered off' "$LOGDIR/exit.err"; then
	fail vnc/exit-stuck "exit status $RC, want 0 after the guest's power-off; $(grep -m1 FAIL "$T/serial4.log")"
elif grep -q 'write: Connection timed out' "$LOGDIR/exit.err"; then
	fail vnc/exit-stuck "hvm waited for libvncserver's write timeout before exiting"
elif ! grep -q 'write: Broken pipe' "$LOGDIR/exit.err"; then
	fail vnc/exit-stuck "the server was not stuck on the viewer at exit (no write error); see $LOGDIR/exit.err"
else
	pass vnc/exit-stuck
fi

# --- bad values ---------------------------------------------------------------
why=
for v in foo ":" ":x" ":70000" ":-1" "unix:" "host:1:x" "nosuchhost.invalid:1"; do
	"$HVM" run --engine emu --kernel "$GUEST" --serial none --vnc "$v" > "$T/o" 2> "$T/e" < /dev/null &
	HPID=$!
	wait_exit 10
	if [ "$RC" -ne 2 ] || [ "$(wc -l < "$T/e")" -ne 1 ] || ! grep -q '^hvm: --vnc' "$T/e"; then
		why="--vnc '$v': status $RC, stderr: $(head -c 200 "$T/e" | tr '\n' '|')"
		break
	fi
done
if [ -n "$why" ]; then fail vnc/bad-spec "$why"; else pass vnc/bad-spec; fi

N=$(free_display)
python3 -c '
import socket, sys, time
s = socket.socket()
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen(1)
print("bound", flush=True)
time.sleep(15)' $((5900 + N)) > "$T/busy" &
BUSY=$!
for _ in 1 2 3 4 5 6 7 8 9 10; do grep -q bound "$T/busy" && break; sleep 0.1; done
"$HVM" run --engine emu --kernel "$GUEST" --serial none --vnc ":$N" > "$T/o" 2> "$T/e" < /dev/null &
HPID=$!
wait_exit 10
kill "$BUSY" 2>/dev/null
if [ "$RC" -eq 2 ] && [ "$(wc -l < "$T/e")" -eq 1 ] && grep -q "^hvm: --vnc ':$N': cannot listen" "$T/e"; then
	pass vnc/port-busy
else
	fail vnc/port-busy "status $RC, stderr: $(head -c 200 "$T/e" | tr '\n' '|')"
fi

# --- a real guest: Linux's VGA console and keyboard ---------------------------
t=vnc/linux-console
G=$B/guest
if [ ! -f "$G/vmlinuz" ] || [ ! -f "$G/initramfs.cpio.gz" ]; then
	skip "$t" "$G/vmlinuz or initramfs missing: run make guest first"
	exit 0
fi
# tty1 (the VGA console's first VT) is opened before the marker, so no key
# is typed to a closed tty; %4f keeps the kernel's echo of its command line
# from matching the markers.
cmd='exec 3</dev/tty1; echo TTY1-%4fPEN; read L <&3; echo GOT-%4f-$L'
rm -f "$T/linux.serial" "$T/linux.txt"
"$HVM" run --engine emu --memory 256M --kernel "$G/vmlinuz" --initrd "$G/initramfs.cpio.gz" \
	--append "$(cat "$G/append") $FAST_APPEND console=tty0 console=ttyS0 hvm.cmd=$cmd" \
	--serial "file:$T/linux.serial" --vnc "unix:$T/linux.sock" --screendump "$T/linux.txt" \
	> "$LOGDIR/linux.out" 2> "$LOGDIR/linux.err" < /dev/null &
HPID=$!
typed=0
if wait_for "$T/linux.serial" '^TTY1-OPEN' $((120 * TIMEOUT_SCALE)); then
	timeout 20 python3 "$RFB" tap "unix:$T/linux.sock" $'hvm42 ok\n' > "$LOGDIR/linux-rfb.log" 2>&1 &&
		typed=1
fi
wait_exit $((30 * TIMEOUT_SCALE))
cp "$T/linux.serial" "$LOGDIR/linux.serial" 2>/dev/null
cp "$T/linux.txt" "$LOGDIR/linux.txt" 2>/dev/null
if ! grep -q '^TTY1-OPEN' "$LOGDIR/linux.serial" 2>/dev/null; then
	fail "$t" "the guest never opened tty1 ($(why_not)); see $LOGDIR/linux.*"
elif [ "$typed" != 1 ]; then
	fail "$t" "RFB client: $(tail -n1 "$LOGDIR/linux-rfb.log")"
elif ! tr -d '\r' < "$LOGDIR/linux.serial" | grep -qx 'GOT-O-hvm42 ok'; then
	fail "$t" "no line 'GOT-O-hvm42 ok' on serial: $(tr -d '\r' < "$LOGDIR/linux.serial" | grep '^GOT' | head -n1)"
elif [ "$RC" -ne 0 ]; then
	fail "$t" "exit status $RC, want 0 (ACPI power-off)"
elif ! grep -qx 'hvm42 ok' "$LOGDIR/linux.txt"; then
	fail "$t" "the typed line is not on the VGA text screen: $(tail -n 4 "$LOGDIR/linux.txt" | tr '\n' '|')"
else
	pass "$t"
fi

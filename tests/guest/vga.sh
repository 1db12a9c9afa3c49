#!/usr/bin/env bash
# The std-vga card and --screendump through the real binary, under emu:
# tests/guest/vga.S leaves a text screen or a 640x480x32 VBE picture, and
# the PNG (decoded here with python3's zlib) and text dumps must show it.
# Also: the dump when hvm is killed by SIGTERM, --vga none, bad dump names,
# and (when A's firmware boot and Debian's SeaBIOS are there) the SeaBIOS
# banner on the text screen that SeaVGABIOS sets up.
set -u
cd "$(dirname "$0")/../.." || exit 2
. tests/guest/harness.sh
G=$B/guest-tests
LOGDIR=$B/logs/vga
mkdir -p "$LOGDIR"
ELF=$G/vga.elf
ENG=(--engine emu)

if [ ! -x "$HVM" ] || [ ! -f "$ELF" ]; then
	for t in text vbe sigterm vga-none bad-name seabios-banner; do
		skip "vga/$t" "$HVM or $ELF not built (make guest-tests)"
	done
	exit 0
fi
if ! command -v python3 > /dev/null; then
	skip "vga/png" "python3 not installed"
	exit 0
fi

# png_check FILE W H X,Y=RRGGBB...: the PNG's size and pixels.
png_check() {
	python3 - "$@" <<'EOF'
import struct, sys, zlib
path, w, h, *want = sys.argv[1:]
d = open(path, 'rb').read()
if d[:8] != b'\x89PNG\r\n\x1a\n':
    sys.exit('not a PNG')
pos, idat, ihdr = 8, b'', None
while pos < len(d):
    n, kind = struct.unpack('>I4s', d[pos:pos + 8])
    body = d[pos + 8:pos + 8 + n]
    if zlib.crc32(kind + body) != struct.unpack('>I', d[pos + 8 + n:pos + 12 + n])[0]:
        sys.exit('bad CRC in ' + kind.decode())
    if kind == b'IHDR':
        ihdr = struct.unpack('>IIBBBBB', body)
    elif kind == b'IDAT':
        idat += body
    pos += 12 + n
W, H, depth, ctype = ihdr[:4]
if (W, H) != (int(w), int(h)) or depth != 8 or ctype != 2:
    sys.exit('PNG is %dx%d depth %d type %d, want %sx%s RGB8' % (W, H, depth, ctype, w, h))
raw, bpp, stride = zlib.decompress(idat), 3, W * 3
rows, prev = [], bytearray(stride)
for y in range(H):
    f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
    for i in range(stride):
        a = line[i - bpp] if i >= bpp else 0
        b, c = prev[i], prev[i - bpp] if i >= bpp else 0
        if f == 1: line[i] = (line[i] + a) & 255
        elif f == 2: line[i] = (line[i] + b) & 255
        elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
        elif f == 4:
            p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    rows.append(line); prev = line
for spec in want:
    xy, rgb = spec.split('=')
    x, y = map(int, xy.split(','))
    got = rows[y][3 * x:3 * x + 3].hex()
    if got != rgb:
        sys.exit('pixel %d,%d is %s, want %s' % (x, y, got, rgb))
EOF
}

# text mode: the .txt and the .png of the same screen
t=vga/text
run_hvm "$LOGDIR/text-txt" 30 run "${ENG[@]}" --kernel "$ELF" --append text --serial none \
	--screendump "$LOGDIR/text.txt"
rc1=$RC
run_hvm "$LOGDIR/text" 30 run "${ENG[@]}" --kernel "$ELF" --append text \
	--screendump "$LOGDIR/text.png"
if [ "$rc1" -ne 1 ] || [ "$RC" -ne 1 ] || ! grep -q '^result: PASS' "$LOGDIR/text.out"; then
	fail "$t" "$(why_not); $(grep -m1 FAIL "$LOGDIR/text.out" || tail -n1 "$LOGDIR/text.err")"
elif [ "$(wc -l < "$LOGDIR/text.txt")" -ne 25 ] ||
     [ "$(sed -n 1p "$LOGDIR/text.txt")" != "hvm vga text screen" ] ||
     [ "$(sed -n 2p "$LOGDIR/text.txt")" != "........" ] ||
     [ "$(sed -n 25p "$LOGDIR/text.txt")" != "..ES" ]; then
	fail "$t" "text dump: $(head -c 200 "$LOGDIR/text.txt" | tr '\n' '|')"
elif ! why=$(png_check "$LOGDIR/text.png" 720 400 4,4=0000aa 0,16=ff5555 8,31=ff5555 \
		71,20=ff5555 72,20=000000 200,200=000000 2>&1); then
	fail "$t" "text PNG: $why"
elif [ -f /usr/share/seabios/vgabios-stdvga.bin ] &&
     ! why=$(png_check "$LOGDIR/text.png" 720 400 0,2=ffff55 2,2=ffff55 3,2=0000aa \
		18,386=aaaaaa 24,386=aaaaaa 25,386=000000 18,387=000000 2>&1); then
	# no VGA BIOS runs on a direct boot; hvm loads the font of Debian's
	# SeaVGABIOS ('h' and 'E' of the CP437 8x16 set)
	fail "$t" "text PNG without the VGA BIOS's font: $why"
else
	pass "$t"
fi

# VBE 640x480x32 through the linear framebuffer
t=vga/vbe
rm -f "$LOGDIR/vbe.txt"
run_hvm "$LOGDIR/vbe-txt" 30 run "${ENG[@]}" --kernel "$ELF" --append vbe --screendump "$LOGDIR/vbe.txt"
rc1=$RC
run_hvm "$LOGDIR/vbe" 30 run "${ENG[@]}" --kernel "$ELF" --append vbe --screendump "$LOGDIR/vbe.png"
if [ "$RC" -ne 1 ] || ! grep -q '^result: PASS' "$LOGDIR/vbe.out"; then
	fail "$t" "$(why_not); $(grep -m1 FAIL "$LOGDIR/vbe.out" || tail -n1 "$LOGDIR/vbe.err")"
elif ! why=$(png_check "$LOGDIR/vbe.png" 640 480 10,10=ff0000 600,10=00ff00 10,400=0000ff \
		600,400=ffffff 319,239=ff0000 320,239=00ff00 100,240=646464 300,240=2c2c2c 2>&1); then
	fail "$t" "VBE PNG: $why"
elif [ "$rc1" -ne 1 ] || [ -e "$LOGDIR/vbe.txt" ] || ! grep -q 'graphics mode' "$LOGDIR/vbe-txt.err"; then
	fail "$t" "a text dump of a graphics screen: exit $rc1, $(tail -n1 "$LOGDIR/vbe-txt.err")"
else
	pass "$t"
fi

# SIGTERM: the guest spins after drawing; hvm still writes the dump and exits 128+15
t=vga/sigterm
rm -f "$LOGDIR/term.png" "$LOGDIR/term.serial"
"$HVM" run "${ENG[@]}" --kernel "$ELF" --append hang --serial "file:$LOGDIR/term.serial" \
	--screendump "$LOGDIR/term.png" > "$LOGDIR/term.out" 2> "$LOGDIR/term.err" &
pid=$!
for i in $(seq 1 $(( 300 * TIMEOUT_SCALE ))); do
	grep -q '^ready' "$LOGDIR/term.serial" 2> /dev/null && break
	sleep 0.1
done
kill -TERM "$pid" 2> /dev/null
for i in $(seq 1 100); do kill -0 "$pid" 2> /dev/null || break; sleep 0.1; done
kill -KILL "$pid" 2> /dev/null
wait "$pid"
RC=$?
if ! grep -q '^ready' "$LOGDIR/term.serial" 2> /dev/null; then
	fail "$t" "the guest never said ready: $(tail -n1 "$LOGDIR/term.err")"
elif [ "$RC" -ne 143 ]; then
	fail "$t" "exit status $RC after SIGTERM, want 143"
elif ! why=$(png_check "$LOGDIR/term.png" 640 480 10,10=ff0000 600,400=ffffff 2>&1); then
	fail "$t" "PNG after SIGTERM: $why"
else
	pass "$t"
fi

# --vga none: no card on the bus; a dump then needs one
t=vga/vga-none
run_hvm "$LOGDIR/none" 30 run "${ENG[@]}" --kernel "$ELF" --append vbe --vga none
rc1=$RC
run_hvm "$LOGDIR/none-dump" 10 run "${ENG[@]}" --kernel "$ELF" --vga none --screendump "$LOGDIR/x.png"
if [ "$rc1" -ne 3 ] || ! grep -q 'FAIL no 1234:1111' "$LOGDIR/none.out"; then
	fail "$t" "guest with --vga none: exit $rc1, $(grep -m1 -e FAIL -e std-vga "$LOGDIR/none.out")"
elif [ "$RC" -ne 2 ] || [ "$(wc -l < "$LOGDIR/none-dump.err")" -ne 1 ] ||
     ! grep -q '^hvm: --screendump' "$LOGDIR/none-dump.err"; then
	fail "$t" "--screendump with --vga none: exit $RC, $(head -n1 "$LOGDIR/none-dump.err")"
else
	pass "$t"
fi

t=vga/bad-name
run_hvm "$LOGDIR/badname" 10 run "${ENG[@]}" --kernel "$ELF" --screendump "$LOGDIR/x.bmp"
rc1=$RC
run_hvm "$LOGDIR/badvga" 10 run "${ENG[@]}" --kernel "$ELF" --vga cirrus
if [ "$rc1" -ne 2 ] || ! grep -q "^hvm: --screendump .*\.png or \.txt" "$LOGDIR/badname.err"; then
	fail "$t" "--screendump x.bmp: exit $rc1, $(head -n1 "$LOGDIR/badname.err")"
elif [ "$RC" -ne 2 ] || ! grep -q "^hvm: --vga 'cirrus'" "$LOGDIR/badvga.err"; then
	fail "$t" "--vga cirrus: exit $RC, $(head -n1 "$LOGDIR/badvga.err")"
else
	pass "$t"
fi

# Firmware boot: SeaBIOS runs SeaVGABIOS from the card's ROM BAR and prints its banner.
t=vga/seabios-banner
if [ ! -f /usr/share/seabios/bios.bin ] || [ ! -f /usr/share/seabios/vgabios-stdvga.bin ]; then
	skip "$t" "Debian's seabios package is not installed"
elif ! "$HVM" run --help | grep -q -- '--debugcon'; then
	skip "$t" "this hvm has no firmware boot (--bios, --debugcon)"
else
	# No disk: SeaBIOS prints its banner, finds nothing to boot and retries;
	# its debug log says when, then SIGTERM ends hvm and the dump is written.
	rm -f "$LOGDIR/seabios.txt" "$LOGDIR/seabios.log"
	"$HVM" run "${ENG[@]}" --serial none --debugcon "file:$LOGDIR/seabios.log" \
		--screendump "$LOGDIR/seabios.txt" > "$LOGDIR/seabios.out" 2> "$LOGDIR/seabios.err" &
	pid=$!
	for i in $(seq 1 $(( 600 * TIMEOUT_SCALE ))); do
		grep -q 'No bootable device' "$LOGDIR/seabios.log" 2> /dev/null && break
		kill -0 "$pid" 2> /dev/null || break
		sleep 0.1
	done
	kill -TERM "$pid" 2> /dev/null
	for i in $(seq 1 100); do kill -0 "$pid" 2> /dev/null || break; sleep 0.1; done
	kill -KILL "$pid" 2> /dev/null
	wait "$pid"
	if [ ! -f "$LOGDIR/seabios.txt" ]; then
		fail "$t" "no text dump: $(tail -n1 "$LOGDIR/seabios.err")"
	elif ! grep -q '^SeaBIOS (version ' "$LOGDIR/seabios.txt"; then
		fail "$t" "no SeaBIOS banner on the screen: $(head -c 160 "$LOGDIR/seabios.txt" | tr '\n' '|')"
	else
		pass "$t"
	fi
fi

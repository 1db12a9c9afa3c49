#!/usr/bin/env bash
# virtio-blk with the default Debian guest ($B/guest, built by `make guest`):
#   virtio/blk-rw         an ext4 image made on the host with mke2fs -d: the guest
#                         mounts /dev/vda, its sha256 of a known file matches the
#                         host's, it writes a file that the host then reads back
#                         with debugfs;
#   virtio/blk-durable    the guest writes and syncs, hvm is killed with SIGKILL
#                         right after the marker, the data is in the image;
#   virtio/blk-readonly   readonly=on: the guest reads, cannot write, image unchanged;
#   virtio/blk-locked     a second hvm on an image the first one holds exits 2
#                         with a one-line "in use" error;
#   virtio/rng            --rng: the guest's hw_random uses virtio_rng.0 and
#                         4 KiB from /dev/hwrng do not compress;
#   virtio/net-user       --net user (libslirp): udhcpc gets a lease, the guest
#                         pings the gateway and fetches a page from an HTTP
#                         server on the host's loopback through 10.0.2.2;
#   virtio/net-hostfwd    a host client reaches the guest's httpd through hostfwd;
#   virtio/net-tap        two hvm guests on --net tap:IF, both taps on one bridge in
#                         a network namespace the test makes (needs root, ip netns
#                         and /dev/net/tun): one pings the other and fetches a page
#                         from its httpd.
# Prints TEST PASS/FAIL/SKIP lines; logs in $B/logs/virtio.
# VIRTIO_TIMEOUT_KVM / VIRTIO_TIMEOUT_EMU override the boot timeouts (seconds);
# VIRTIO_ONLY="net-user rng" runs only those tests.
set -u
cd "$(dirname "$0")/../.." || exit 2
. tests/guest/harness.sh
LOGDIR=$B/logs/virtio
XFAIL=tests/boot/expected-fail.txt
G=$B/guest
declare -A TMO=([kvm]=${VIRTIO_TIMEOUT_KVM:-120} [emu]=${VIRTIO_TIMEOUT_EMU:-300})
mkdir -p "$LOGDIR"

if [ ! -f "$G/vmlinuz" ] || [ ! -f "$G/initramfs.cpio.gz" ]; then
	skip virtio/blk "$G/vmlinuz or initramfs missing: run make guest first"
	exit 0
fi
for tool in mke2fs debugfs e2fsck sha256sum; do
	if ! command -v "$tool" > /dev/null && [ ! -x "/usr/sbin/$tool" ] && [ ! -x "/sbin/$tool" ]; then
		skip virtio/blk "$tool not installed (e2fsprogs)"
		exit 0
	fi
done
export PATH=$PATH:/usr/sbin:/sbin
probe_engines
heavy_guest_engines
append="$(cat "$G/append" 2>/dev/null || echo "console=ttyS0 panic=-1") $FAST_APPEND hvm.modules=virtio_pci,virtio_blk"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/hvm-virtio.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

# make_image DIR IMG: a 32 MiB ext4 image holding a known 300 kB file.
make_image() {
	mkdir -p "$1" && head -c 300000 /dev/urandom > "$1/known.bin" &&
		mke2fs -q -F -t ext4 -d "$1" "$2" 32M > /dev/null 2>&1
}

# guest_cat IMG PATH: a file's content as the host sees it (journal replayed on a copy).
guest_cat() {
	cp --sparse=always "$1" "$1.check" && e2fsck -fy "$1.check" > /dev/null 2>&1
	debugfs -R "cat $2" "$1.check" 2> /dev/null
	rm -f "$1.check"
}

# boot NAME ENGINE CMD DISKOPTS: boot with the image at $WORK/NAME.img; sets RC and OUT.
boot() {
	local name=$1 e=$2 cmd=$3 opts=$4 base=$LOGDIR/$1@$2
	rm -f "$base".*
	run_hvm "$base" "${TMO[$e]}" run --engine "$e" --memory 256M --no-reboot \
		--kernel "$G/vmlinuz" --initrd "$G/initramfs.cpio.gz" \
		--disk "$WORK/$name.img$opts" --append "$append hvm.cmd=$cmd"
	OUT=$(tr -d '\r' < "$base.out")
	LOG=$base.out
}

# The kernel echoes its command line, so every marker the guest prints is
# built at run time (%4f is "O") and matched as a whole line.
test_blk_rw() {
	local e=$1 t=virtio/blk-rw@$1 want got
	make_image "$WORK/rw.d" "$WORK/rw.img" || { fail "$t" "mke2fs failed"; return; }
	want=$(sha256sum < "$WORK/rw.d/known.bin" | cut -d' ' -f1)
	boot rw "$e" 'mount /dev/vda /mnt && echo SUM=$(sha256sum < /mnt/known.bin) && echo written-by-guest-$((6*7)) > /mnt/new.txt && umount /mnt && echo RW-D%4fNE' ""
	if ! grep -qxF "SUM=$want -" <<< "$OUT"; then
		fail "$t" "no line 'SUM=$want -'; $(why_not) (log $LOG)" "$XFAIL"
	elif ! grep -qxF "RW-DONE" <<< "$OUT"; then
		fail "$t" "guest could not write or unmount; $(why_not) (log $LOG)" "$XFAIL"
	elif [ "$RC" -ne 0 ]; then
		fail "$t" "exit status $RC, want 0 (ACPI power-off)" "$XFAIL"
	elif [ "$(guest_cat "$WORK/rw.img" /new.txt)" != "written-by-guest-42" ]; then
		fail "$t" "host reads '$(guest_cat "$WORK/rw.img" /new.txt)' from /new.txt, want written-by-guest-42" "$XFAIL"
	else
		pass_note "$t" "$XFAIL"
	fi
}

test_blk_durable() {
	local e=$1 t=virtio/blk-durable@$1 base=$LOGDIR/durable@$1 pid i got
	make_image "$WORK/du.d" "$WORK/du.img" || { fail "$t" "mke2fs failed"; return; }
	rm -f "$base".*
	: > "$base.out"
	printf '%q ' "$HVM" run --engine "$e" --disk "$WORK/du.img" > "$base.cmd"
	"$HVM" run --engine "$e" --memory 256M --no-reboot --kernel "$G/vmlinuz" \
		--initrd "$G/initramfs.cpio.gz" --disk "$WORK/du.img" \
		--append "$append hvm.cmd=mount /dev/vda /mnt && seq 1 20000 > /mnt/seq.txt && sync && echo SYNCED-%4fK && sleep 600" \
		< /dev/null > "$base.out" 2> "$base.err" &
	pid=$!
	for ((i = 0; i < ${TMO[$e]} * TIMEOUT_SCALE * 2; i++)); do
		grep -qx 'SYNCED-OK' <(tr -d '\r' < "$base.out") && break
		kill -0 "$pid" 2> /dev/null || break
		sleep 0.5
	done
	kill -KILL "$pid" 2> /dev/null
	wait "$pid" 2> /dev/null
	if ! grep -qx 'SYNCED-OK' <(tr -d '\r' < "$base.out"); then
		fail "$t" "no SYNCED-OK marker (log $base.out)" "$XFAIL"
		return
	fi
	got=$(guest_cat "$WORK/du.img" /seq.txt | sha256sum | cut -d' ' -f1)
	if [ "$got" != "$(seq 1 20000 | sha256sum | cut -d' ' -f1)" ]; then
		fail "$t" "after SIGKILL the image lacks the synced /seq.txt" "$XFAIL"
	else
		pass_note "$t" "$XFAIL"
	fi
}

test_blk_readonly() {
	local e=$1 t=virtio/blk-readonly@$1 want before
	make_image "$WORK/ro.d" "$WORK/ro.img" || { fail "$t" "mke2fs failed"; return; }
	want=$(sha256sum < "$WORK/ro.d/known.bin" | cut -d' ' -f1)
	before=$(sha256sum < "$WORK/ro.img")
	boot ro "$e" 'mount -o ro /dev/vda /mnt && echo SUM=$(sha256sum < /mnt/known.bin); dd if=/dev/zero of=/dev/vda count=8 conv=fsync 2>/dev/null || echo WRITE-REFUSED-%4fK' ",readonly=on"
	if ! grep -qxF "SUM=$want -" <<< "$OUT"; then
		fail "$t" "no line 'SUM=$want -'; $(why_not) (log $LOG)" "$XFAIL"
	elif ! grep -qxF "WRITE-REFUSED-OK" <<< "$OUT"; then
		fail "$t" "a write to the read-only disk did not fail (log $LOG)" "$XFAIL"
	elif [ "$(sha256sum < "$WORK/ro.img")" != "$before" ]; then
		fail "$t" "the read-only image changed" "$XFAIL"
	elif [ "$RC" -ne 0 ]; then
		fail "$t" "exit status $RC, want 0" "$XFAIL"
	else
		pass_note "$t" "$XFAIL"
	fi
}

test_blk_locked() {
	local e=$1 t=virtio/blk-locked@$1 base=$LOGDIR/locked@$1 pid rc err
	make_image "$WORK/lk.d" "$WORK/lk.img" || { fail "$t" "mke2fs failed"; return; }
	"$HVM" run --engine "$e" --memory 256M --no-reboot --serial none --kernel "$G/vmlinuz" \
		--disk "$WORK/lk.img" < /dev/null > /dev/null 2> "$base.first.err" &
	pid=$!
	sleep 2
	if ! kill -0 "$pid" 2> /dev/null; then
		fail "$t" "the first hvm did not start: $(cat "$base.first.err")" "$XFAIL"
		return
	fi
	timeout 20 "$HVM" run --engine "$e" --memory 256M --no-reboot --serial none \
		--kernel "$G/vmlinuz" --disk "$WORK/lk.img,readonly=on" < /dev/null > /dev/null 2> "$base.err"
	rc=$?
	kill -KILL "$pid" 2> /dev/null
	wait "$pid" 2> /dev/null
	err=$(cat "$base.err")
	if [ "$rc" -ne 2 ]; then
		fail "$t" "second hvm exited $rc, want 2 ($err)" "$XFAIL"
	elif ! grep -q "in use" <<< "$err" || [ "$(wc -l < "$base.err")" -ne 1 ]; then
		fail "$t" "want one 'in use' line, got: $err" "$XFAIL"
	else
		pass_note "$t" "$XFAIL"
	fi
}

# enc CMD: spaces as %20 (and % as %25), so hvm.cmd is one kernel word (init decodes it).
enc() { printf '%s' "$1" | sed 's/%/%25/g; s/ /%20/g'; }

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# slirp_missing LOGBASE: true when hvm said it has no libslirp.
slirp_missing() { grep -q "libslirp" "$1.err" 2> /dev/null; }

test_net_user() {
	local e=$1 t=virtio/net-user@$1 base=$LOGDIR/net-user@$1 port hpid token out why
	mkdir -p "$WORK/www"
	token="host-page-$RANDOM$RANDOM"
	echo "$token" > "$WORK/www/page.txt"
	port=$(free_port)
	(cd "$WORK/www" && exec python3 -m http.server "$port" --bind 127.0.0.1) > /dev/null 2>&1 &
	hpid=$!
	rm -f "$base".*
	run_hvm "$base" "${TMO[$e]}" run --engine "$e" --memory 256M --no-reboot --net user \
		--kernel "$G/vmlinuz" --initrd "$G/initramfs.cpio.gz" \
		--append "$(cat "$G/append") $FAST_APPEND hvm.modules=virtio_pci,virtio_net hvm.cmd=$(enc "ip link set eth0 up; udhcpc -i eth0 -n -q -f -s /bin/true; ip addr add 10.0.2.15/24 dev eth0; ip route add default via 10.0.2.2; ping -c 1 -W 10 10.0.2.2 > /dev/null && echo PING-OK; echo PAGE=\$(wget -q -O - http://10.0.2.2:$port/page.txt)")"
	kill "$hpid" 2> /dev/null
	wait "$hpid" 2> /dev/null
	out=$(tr -d '\r' < "$base.out")
	if slirp_missing "$base"; then
		skip "$t" "$(head -n1 "$base.err")"
		return
	fi
	why=$(why_not)
	if ! grep -q "^udhcpc: lease of 10.0.2.15 obtained" <<< "$out"; then
		fail "$t" "no DHCP lease from slirp; $why (log $base.out)" "$XFAIL"
	elif ! grep -qx "PING-OK" <<< "$out"; then
		fail "$t" "no ping reply from 10.0.2.2; $why (log $base.out)" "$XFAIL"
	elif ! grep -qxF "PAGE=$token" <<< "$out"; then
		fail "$t" "no line 'PAGE=$token' (fetch from the host via 10.0.2.2); $why (log $base.out)" "$XFAIL"
	elif [ "$RC" -ne 0 ]; then
		fail "$t" "exit status $RC, want 0" "$XFAIL"
	else
		pass_note "$t" "$XFAIL"
	fi
}

test_net_hostfwd() {
	local e=$1 t=virtio/net-hostfwd@$1 base=$LOGDIR/net-hostfwd@$1 port pid i got=""
	port=$(free_port)
	rm -f "$base".*
	: > "$base.out"
	printf '%q ' "$HVM" run --engine "$e" --net "user,hostfwd=tcp::$port-:80" > "$base.cmd"
	"$HVM" run --engine "$e" --memory 256M --no-reboot --net "user,hostfwd=tcp::$port-:80" \
		--kernel "$G/vmlinuz" --initrd "$G/initramfs.cpio.gz" \
		--append "$(cat "$G/append") $FAST_APPEND hvm.modules=virtio_pci,virtio_net hvm.cmd=$(enc "ip link set eth0 up; ip addr add 10.0.2.15/24 dev eth0; mkdir -p /tmp/www; echo guest-page-\$((6*7)) > /tmp/www/index.html; httpd -p 80 -h /tmp/www && echo HTTPD-UP-OK; sleep 600")" \
		< /dev/null > "$base.out" 2> "$base.err" &
	pid=$!
	for ((i = 0; i < ${TMO[$e]} * TIMEOUT_SCALE * 2; i++)); do
		grep -qx 'HTTPD-UP-OK' <(tr -d '\r' < "$base.out") && break
		kill -0 "$pid" 2> /dev/null || break
		sleep 0.5
	done
	if grep -qx 'HTTPD-UP-OK' <(tr -d '\r' < "$base.out"); then
		for ((i = 0; i < 20; i++)); do
			got=$(python3 -c 'import sys, urllib.request; print(urllib.request.urlopen(sys.argv[1], timeout=15).read().decode().strip())' "http://127.0.0.1:$port/index.html" 2>> "$base.client") && break
			sleep 1
		done
	fi
	kill -KILL "$pid" 2> /dev/null
	wait "$pid" 2> /dev/null
	if slirp_missing "$base"; then
		skip "$t" "$(head -n1 "$base.err")"
	elif ! grep -qx 'HTTPD-UP-OK' <(tr -d '\r' < "$base.out"); then
		fail "$t" "the guest's httpd did not start (log $base.out)" "$XFAIL"
	elif [ "$got" != "guest-page-42" ]; then
		fail "$t" "host got '$got' from 127.0.0.1:$port, want guest-page-42 (log $base.client)" "$XFAIL"
	else
		pass_note "$t" "$XFAIL"
	fi
}

# tap_unusable: why `ip netns` with a bridge and tap devices can't be set up here (empty: it can).
tap_unusable() {
	local ns=hvm-tapprobe-$$ why=""
	command -v ip > /dev/null || { echo "ip (iproute2) not installed"; return; }
	[ -c /dev/net/tun ] || { echo "no /dev/net/tun"; return; }
	ip netns add "$ns" 2> /dev/null || { echo "ip netns add failed (not root?)"; return; }
	ip -n "$ns" tuntap add tp0 mode tap 2> /dev/null || why="cannot create a tap device"
	[ -n "$why" ] || ip -n "$ns" link add br0 type bridge 2> /dev/null || why="cannot create a bridge"
	ip netns del "$ns" 2> /dev/null
	echo "$why"
}

# The server guest (10.9.0.1) runs httpd until killed; the client (10.9.0.2)
# pings it until it answers (the two boot at their own pace), fetches its
# page and powers off.
test_net_tap() {
	local e=$1 t=virtio/net-tap@$1 base=$LOGDIR/net-tap@$1 ns=hvm-tap-$$ why spid out
	why=$(tap_unusable)
	if [ -n "$why" ]; then
		skip "$t" "$why"
		return
	fi
	rm -f "$base".*
	ip netns add "$ns" || { fail "$t" "ip netns add $ns failed"; return; }
	# shellcheck disable=SC2064  # $ns is fixed now
	trap "ip netns del $ns 2> /dev/null; rm -rf '$WORK'" EXIT
	if ! { ip -n "$ns" link add br0 type bridge && ip -n "$ns" link set br0 up &&
		ip -n "$ns" tuntap add tap0 mode tap && ip -n "$ns" link set tap0 master br0 &&
		ip -n "$ns" link set tap0 up && ip -n "$ns" tuntap add tap1 mode tap &&
		ip -n "$ns" link set tap1 master br0 && ip -n "$ns" link set tap1 up; } 2> "$base.setup"; then
		fail "$t" "cannot set up the bridge and taps in $ns: $(head -n1 "$base.setup")"
		ip netns del "$ns"
		return
	fi
	: > "$base.srv.out"
	printf '%q ' ip netns exec "$ns" "$HVM" run --engine "$e" --net tap:tap0 --mac 52:54:00:09:00:01 > "$base.srv.cmd"
	timeout -k 5 "$(( ${TMO[$e]} * 3 * TIMEOUT_SCALE ))" \
		ip netns exec "$ns" "$HVM" run --engine "$e" --memory 256M --no-reboot \
		--net tap:tap0 --mac 52:54:00:09:00:01 \
		--kernel "$G/vmlinuz" --initrd "$G/initramfs.cpio.gz" \
		--append "$(cat "$G/append") $FAST_APPEND hvm.modules=virtio_pci,virtio_net hvm.cmd=$(enc "ip link set eth0 up; ip addr add 10.9.0.1/24 dev eth0; mkdir -p /tmp/www; echo tap-page-\$((6*7)) > /tmp/www/index.html; httpd -p 80 -h /tmp/www && echo TAP-SERVER-UP; sleep 600")" \
		< /dev/null > "$base.srv.out" 2> "$base.srv.err" &
	spid=$!
	printf '%q ' ip netns exec "$ns" "$HVM" run --engine "$e" --net tap:tap1 --mac 52:54:00:09:00:02 > "$base.cmd"
	timeout -k 5 "$(( ${TMO[$e]} * 2 * TIMEOUT_SCALE ))" ip netns exec "$ns" "$HVM" run --engine "$e" --memory 256M --no-reboot \
		--net tap:tap1 --mac 52:54:00:09:00:02 \
		--kernel "$G/vmlinuz" --initrd "$G/initramfs.cpio.gz" \
		--append "$(cat "$G/append") $FAST_APPEND hvm.modules=virtio_pci,virtio_net hvm.cmd=$(enc "ip link set eth0 up; ip addr add 10.9.0.2/24 dev eth0; for i in \$(seq 1 90); do ping -c 1 -W 2 10.9.0.1 > /dev/null && echo TAP-PING-OK && break; done; for i in \$(seq 1 30); do p=\$(wget -q -O - http://10.9.0.1/index.html) && break; sleep 2; done; echo TAP-PAGE=\$p")" \
		< /dev/null > "$base.out" 2> "$base.err"
	RC=$?
	kill -TERM "$spid" 2> /dev/null	# timeout passes it on to hvm
	wait "$spid" 2> /dev/null
	ip netns del "$ns" 2> /dev/null
	trap 'rm -rf "$WORK"' EXIT
	out=$(tr -d '\r' < "$base.out")
	why=$(why_not)
	if grep -q "^hvm: " "$base.err" "$base.srv.err" 2> /dev/null && ! grep -qx "TAP-PING-OK" <<< "$out"; then
		fail "$t" "$(grep -h "^hvm: " "$base.err" "$base.srv.err" | head -n1)" "$XFAIL"
	elif ! grep -qx "TAP-PING-OK" <<< "$out"; then
		fail "$t" "10.9.0.2 got no ping reply from 10.9.0.1; $why (logs $base.out, $base.srv.out)" "$XFAIL"
	elif ! grep -qx "TAP-PAGE=tap-page-42" <<< "$out"; then
		fail "$t" "no line TAP-PAGE=tap-page-42 (fetch from the other guest); $why (log $base.out)" "$XFAIL"
	elif [ "$RC" -ne 0 ]; then
		fail "$t" "exit status $RC, want 0" "$XFAIL"
	else
		pass_note "$t" "$XFAIL"
	fi
}

test_rng() {
	local e=$1 t=virtio/rng@$1 base=$LOGDIR/rng@$1 out gz
	rm -f "$base".*
	run_hvm "$base" "${TMO[$e]}" run --engine "$e" --memory 256M --no-reboot --rng \
		--kernel "$G/vmlinuz" --initrd "$G/initramfs.cpio.gz" \
		--append "$(cat "$G/append") $FAST_APPEND hvm.modules=virtio_pci,virtio_rng hvm.cmd=echo RNG=\$(cat /sys/class/misc/hw_random/rng_current) GZ=\$(head -c 4096 /dev/hwrng | gzip -c | wc -c)"
	out=$(tr -d '\r' < "$base.out")
	gz=$(sed -n 's/^RNG=virtio_rng\.0 GZ=\([0-9]*\)$/\1/p' <<< "$out")
	if [ -z "$gz" ]; then
		fail "$t" "no line 'RNG=virtio_rng.0 GZ=N'; $(why_not) (log $base.out)" "$XFAIL"
	elif [ "$gz" -lt 4000 ]; then
		fail "$t" "4096 bytes from /dev/hwrng gzip to $gz: not random" "$XFAIL"
	elif [ "$RC" -ne 0 ]; then
		fail "$t" "exit status $RC, want 0" "$XFAIL"
	else
		pass_note "$t" "$XFAIL"
	fi
}

for e in "${ENGINES_ALL[@]}"; do
	if [ -n "${ENGINE_WHY[$e]+x}" ]; then
		for n in blk-rw blk-durable blk-readonly blk-locked rng net-user net-hostfwd net-tap; do
			skip "virtio/$n@$e" "engine $e unavailable: ${ENGINE_WHY[$e]}"
		done
		continue
	fi
	for n in blk-locked blk-rw blk-durable blk-readonly rng net-user net-hostfwd net-tap; do
		[ -z "${VIRTIO_ONLY:-}" ] || [[ " $VIRTIO_ONLY " == *" $n "* ]] || continue
		if [[ $n == net-[uh]* ]] && ! command -v python3 > /dev/null; then
			skip "virtio/$n@$e" "python3 (host-side HTTP server and client) not installed"
			continue
		fi
		"test_${n//-/_}" "$e"
	done
done

#!/usr/bin/env bash
# Boots the default guest (make guest builds it) on the console.
set -euo pipefail
cd "$(dirname "$0")/.."
B=${B:-build}
K=$B/guest/vmlinuz
I=$B/guest/initramfs.cpio.gz
[ -f "$K" ] && [ -f "$I" ] || { echo "hvm: default guest missing: run 'make guest'" >&2; exit 1; }
# cryptomgr.notests: the kernel's crypto self-tests are about two thirds of a
# boot's instructions under the emu engine (boot/linux still runs them).
APPEND=${APPEND:-$(cat "$B/guest/append" 2>/dev/null || echo "console=ttyS0 panic=-1") cryptomgr.notests}
engine_line=$("$B/hvm" probe | grep '^kvm:' || true)
echo "hvm: booting $K (engine ${ENGINE:-auto}; $engine_line)" >&2
echo "hvm: Ctrl-A x quits, Ctrl-A h lists the keys." >&2
case "$engine_line" in
	"kvm: available"*)
		echo "hvm: note: on hosts whose KVM emulates guest kernel code in software (PVM)," \
		     "a Linux boot under kvm takes many minutes; use ENGINE=emu to pick the software CPU." >&2 ;;
esac
exec "$B/hvm" run --kernel "$K" --initrd "$I" --append "$APPEND" --memory "${MEMORY:-512M}" \
	--cpus "${CPUS:-1}" --engine "${ENGINE:-auto}"

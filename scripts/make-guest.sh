#!/usr/bin/env bash
# Builds the default guest from Debian packages, cached under $B/guest:
#   $B/guest/vmlinuz             the Debian cloud kernel
#   $B/guest/initramfs.cpio.gz   busybox + guest/init + a few kernel modules
#   $B/guest/append              the default kernel command line
#   $B/guest/version             the kernel release (uname -r)
# Downloads happen once (debs are kept in $B/guest/debs); later runs only
# rebuild the initramfs when guest/ or this script changed.  No root needed.
# FLAVOUR=generic builds the same from Debian's generic kernel (linux-image-amd64,
# where nearly every driver is a module) under $B/guest-generic instead, with
# the modules for the legacy devices: IDE, CD-ROM, ext4, e1000.
# Exit status 0 on success; otherwise one line on stderr saying what to do.
set -eu
cd "$(dirname "$0")/.." || exit 2
B=${B:-build}
case ${FLAVOUR:-cloud} in
cloud)
	D=$B/guest
	KMETA=linux-image-cloud-amd64
	MODULES="virtio_pci virtio_blk virtio_net ata_piix sd_mod sr_mod isofs virtio_rng"
	;;
generic)
	D=$B/guest-generic
	KMETA=linux-image-amd64
	MODULES="ata_piix sd_mod sr_mod isofs crc32c_generic ext4 e1000 virtio_pci virtio_blk virtio_net"
	;;
*)
	echo "make-guest: FLAVOUR must be cloud or generic" >&2
	exit 1
	;;
esac
DEBS=$D/debs
APPEND="console=ttyS0 earlyprintk=ttyS0 panic=-1 no_timer_check i8042.noaux mitigations=off"

die() { echo "make-guest: $*" >&2; exit 1; }
for tool in apt-get dpkg-deb cpio gzip depmod modprobe; do
	command -v "$tool" >/dev/null || die "$tool not found (apt-get install apt dpkg cpio gzip kmod)"
done
mkdir -p "$DEBS"

# ---- download (cached) ----
fetch() {	# package: apt-get download into $DEBS unless a deb is already there
	local pkg=$1
	ls "$DEBS/${pkg}"_*.deb >/dev/null 2>&1 && return 0
	echo "make-guest: downloading $pkg" >&2
	if ! (cd "$DEBS" && apt-get download "$pkg" >&2); then
		die "apt-get download $pkg failed; run 'apt-get update' (as root) and retry"
	fi
}
fetch $KMETA
fetch busybox-static
meta=$(ls "$DEBS/${KMETA}"_*.deb | sort -V | tail -n1)
# The metapackage depends on the real versioned kernel package.
kpkg=$(dpkg-deb -f "$meta" Depends | tr ',|' '\n\n' | sed 's/[ (].*//; s/^ *//' |
	grep -m1 -E "^linux-image-[0-9].*${KMETA#linux-image}\$") ||
	die "cannot find the versioned kernel package in $meta's Depends"
fetch "$kpkg"
kdeb=$(ls "$DEBS/${kpkg}"_*.deb | sort -V | tail -n1)
bdeb=$(ls "$DEBS"/busybox-static_*.deb | sort -V | tail -n1)

# ---- unpack (cached by deb name) ----
unpack() {	# deb dir
	if [ ! -f "$2/.from" ] || [ "$(cat "$2/.from")" != "$(basename "$1")" ]; then
		rm -rf "$2"
		mkdir -p "$2"
		dpkg-deb -x "$1" "$2"
		basename "$1" > "$2/.from"
	fi
}
unpack "$kdeb" "$D/kernel-root"
unpack "$bdeb" "$D/busybox-root"
KVER=$(ls "$D/kernel-root/lib/modules" | head -n1)
[ -n "$KVER" ] || die "no lib/modules in $kdeb"
[ -f "$D/kernel-root/boot/vmlinuz-$KVER" ] || die "no boot/vmlinuz-$KVER in $kdeb"
BUSYBOX=$D/busybox-root/bin/busybox
[ -x "$BUSYBOX" ] || die "no bin/busybox in $bdeb"

# ---- outputs ----
if ! cmp -s "$D/kernel-root/boot/vmlinuz-$KVER" "$D/vmlinuz" 2>/dev/null; then
	cp "$D/kernel-root/boot/vmlinuz-$KVER" "$D/vmlinuz"
fi
echo "$KVER" > "$D/version.new"
cmp -s "$D/version.new" "$D/version" 2>/dev/null && rm "$D/version.new" || mv "$D/version.new" "$D/version"
echo "$APPEND" > "$D/append.new"
cmp -s "$D/append.new" "$D/append" 2>/dev/null && rm "$D/append.new" || mv "$D/append.new" "$D/append"

OUT=$D/initramfs.cpio.gz
if [ -f "$OUT" ] && [ "$OUT" -nt guest/init ] && [ "$OUT" -nt "$0" ] && [ "$OUT" -nt "$kdeb" ] && [ "$OUT" -nt "$bdeb" ]; then
	exit 0
fi

# ---- initramfs staging ----
S=$D/initramfs.d
rm -rf "$S"
mkdir -p "$S"/{bin,sbin,usr/bin,usr/sbin,dev,proc,sys,tmp,root,etc,mnt,run,lib/modules/"$KVER"}
cp "$BUSYBOX" "$S/bin/busybox"
for applet in $("$BUSYBOX" --list-full); do
	[ -e "$S/$applet" ] || ln -s /bin/busybox "$S/$applet"
done
install -m 0755 guest/init "$S/init"
echo "root:x:0:0:root:/root:/bin/sh" > "$S/etc/passwd"
echo "root:x:0:" > "$S/etc/group"

# Kernel modules: copy each module and its dependencies, and record the
# insmod order per module for /init (hvm.modules=...).
KR=$(cd "$D/kernel-root" && pwd)	# absolute: modprobe -d prints absolute paths
depmod -b "$KR" "$KVER"
ORDER=$S/lib/modules/$KVER/hvm-order
mkdir -p "$ORDER"
for m in $MODULES; do
	deps=$(modprobe -d "$KR" -S "$KVER" --show-depends "$m" 2>/dev/null) ||
		die "module $m not found in $kpkg"
	: > "$ORDER/$m"
	while read -r kind path _; do
		[ "$kind" = insmod ] || continue	# "builtin x" needs nothing
		rel=${path#"$KR"}
		mkdir -p "$S$(dirname "$rel")"
		cp "$path" "$S$rel"
		echo "$rel" >> "$ORDER/$m"
	done <<< "$deps"
done
cp "$KR/lib/modules/$KVER"/modules.{order,builtin} "$S/lib/modules/$KVER/" 2>/dev/null || true
depmod -b "$S" "$KVER" 2>/dev/null || true

# ---- cpio newc, owned by root without being root ----
(cd "$S" && find . -mindepth 1 | LC_ALL=C sort |
	cpio --quiet -o -H newc -R 0:0 --reproducible) | gzip -9n > "$OUT.tmp"
mv "$OUT.tmp" "$OUT"
echo "make-guest: built $OUT (kernel $KVER)" >&2

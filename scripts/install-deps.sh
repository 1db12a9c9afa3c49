#!/usr/bin/env bash
# Installs the Debian packages hvm needs to build, test and fetch its guests.
# Quiet and quick when everything is already there.
set -euo pipefail
PKGS="zlib1g-dev liblzma-dev liblz4-dev libzstd-dev build-essential binutils nasm pkg-config libzydis-dev cpio kmod e2fsprogs xz-utils zstd ca-certificates xorriso bc libslirp-dev python3 libpng-dev seabios isolinux syslinux-common libvncserver-dev vncsnapshot libjpeg-turbo-progs"
[ "${1:-}" = "--bench" ] && PKGS="$PKGS qemu-system-x86 time bc"
missing=()
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "hvm: installing ${missing[*]}" >&2
SUDO=
if [ "$(id -u)" -ne 0 ]; then
	command -v sudo >/dev/null || { echo "hvm: need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
	SUDO=sudo
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null

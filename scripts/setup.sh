#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Install everything minivisor's build and tests need, from Debian's own
# packages only, and unpack the Debian cloud kernel that the emulated PC
# boots. Idempotent: a second run only checks and takes a few seconds.
#
#   scripts/setup.sh            install / verify
#   MINIVISOR_CACHE=DIR         where the kernel image is unpacked
#                               (default ~/.cache/minivisor, outside the clone)
#
# Works as root without a terminal (CI=true); as another user it uses sudo.
set -euo pipefail

export DEBIAN_FRONTEND=noninteractive
MV_CACHE="${MINIVISOR_CACHE:-${HOME:-/root}/.cache/minivisor}"

PACKAGES=(
	build-essential bc bison flex libelf-dev libssl-dev dwarves kmod cpio
	python3 bochs bochsbios vgabios busybox-static isolinux syslinux-common
	xorriso qemu-system-x86 libnl-3-dev libnl-genl-3-dev linux-source-6.1
	valgrind gnuplot-nox
)

log() { printf 'setup: %s\n' "$*"; }
die() { printf 'setup: error: %s\n' "$*" >&2; exit 1; }

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
	command -v sudo >/dev/null 2>&1 || die "run as root (or install sudo)"
	SUDO=(sudo -n env DEBIAN_FRONTEND=noninteractive)
fi

# apt-get update at most once per run, and only when it is needed: no
# package lists at all, or a package we need has no candidate in them.
APT_UPDATED="${MV_SETUP_APT_UPDATED:-0}"
apt_update() {
	[ "$APT_UPDATED" -eq 1 ] && return 0
	log "apt-get update"
	"${SUDO[@]}" apt-get update -qq -o DPkg::Lock::Timeout=300
	APT_UPDATED=1
}
lists_present() {
	compgen -G '/var/lib/apt/lists/*_Packages*' >/dev/null
}

installed() {	# installed PKG: true if dpkg has it fully installed
	[ "$(dpkg-query -W -f='${db:Status-Abbrev}' "$1" 2>/dev/null)" = "ii " ]
}

# Resolve the ABI (e.g. 6.1.0-56) from the cloud metapackage.
resolve_abi() {
	apt-cache depends linux-image-cloud-amd64 2>/dev/null |
		sed -n 's/^ *Depends: linux-image-\(.*\)-cloud-amd64$/\1/p' |
		head -n1
}

lists_present || apt_update
MV_KABI="$(resolve_abi)"
if [ -z "$MV_KABI" ]; then
	apt_update
	MV_KABI="$(resolve_abi)"
fi

missing_packages() {
	[ -n "$MV_KABI" ] || die "cannot resolve linux-image-cloud-amd64 to an ABI (apt-cache depends gave nothing)"
	MV_KVER="$MV_KABI-cloud-amd64"
	missing=()
	for p in "${PACKAGES[@]}" "linux-headers-$MV_KVER"; do
		installed "$p" || missing+=("$p")
	done
}

# ---- packages ------------------------------------------------------------
missing_packages
log "cloud kernel ABI $MV_KABI ($MV_KVER)"
if [ "${#missing[@]}" -gt 0 ]; then
	log "installing: ${missing[*]}"
	# Stale lists may name versions the archive no longer has: on failure
	# refresh them once, resolve the ABI again and retry.
	if ! "${SUDO[@]}" apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=300 "${missing[@]}"; then
		[ "$APT_UPDATED" -eq 0 ] || die "apt-get install failed"
		apt_update
		MV_KABI="$(resolve_abi)"
		missing_packages
		log "retrying with ABI $MV_KABI: ${missing[*]}"
		[ "${#missing[@]}" -eq 0 ] ||
			"${SUDO[@]}" apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=300 "${missing[@]}"
	fi
else
	log "all $((${#PACKAGES[@]} + 1)) packages already installed"
fi

MV_KDIR="/usr/src/linux-headers-$MV_KVER"
[ -f "$MV_KDIR/Makefile" ] || die "headers tree $MV_KDIR missing after installing linux-headers-$MV_KVER"

# ---- the kernel image, unpacked (not installed) -----------------------------
kroot="$MV_CACHE/kernel/$MV_KVER"
MV_VMLINUZ="$kroot/boot/vmlinuz-$MV_KVER"
MV_KMODDIR="$kroot/lib/modules/$MV_KVER"
if [ -f "$kroot/.complete" ] && [ -f "$MV_VMLINUZ" ] && [ -d "$MV_KMODDIR" ]; then
	log "kernel image already unpacked in $kroot"
else
	pkg="linux-image-$MV_KVER-unsigned"
	debdir="$MV_CACHE/debs"
	mkdir -p "$debdir"
	deb="$(compgen -G "$debdir/${pkg}_*_amd64.deb" | head -n1 || true)"
	if [ -z "$deb" ]; then
		log "downloading $pkg"
		tmp="$(mktemp -d "$debdir/.dl.XXXXXX")"
		# apt's download sandbox user cannot write into root's home.
		if ! (cd "$tmp" && apt-get download -qq -o APT::Sandbox::User=root "$pkg"); then
			rm -rf "$tmp"
			[ "$APT_UPDATED" -eq 0 ] || die "apt-get download $pkg failed"
			# The lists are stale (the ABI may have moved on): refresh
			# them and start over, once.
			apt_update
			exec env MV_SETUP_APT_UPDATED=1 "$0" "$@"
		fi
		mv "$tmp"/*.deb "$debdir/"
		rmdir "$tmp"
		deb="$(compgen -G "$debdir/${pkg}_*_amd64.deb" | head -n1)"
	fi
	log "unpacking $(basename "$deb")"
	rm -rf "$kroot"
	mkdir -p "$kroot"
	dpkg-deb -x "$deb" "$kroot"
	[ -f "$MV_VMLINUZ" ] || die "$deb has no boot/vmlinuz-$MV_KVER"
	[ -d "$MV_KMODDIR" ] || die "$deb has no lib/modules/$MV_KVER"
	# Keep only the current kernel (and its .deb) around.
	find "$debdir" -name "linux-image-*-cloud-amd64-unsigned_*.deb" ! -path "$deb" -delete
	find "$MV_CACHE/kernel" -mindepth 1 -maxdepth 1 -type d ! -path "$kroot" -exec rm -rf {} +
	touch "$kroot/.complete"
fi

# ---- the resolved values for scripts/kernel-env.sh --------------------------
envfile="$MV_CACHE/kernel.env"
new="$(printf 'MV_KABI=%q\nMV_KVER=%q\nMV_VMLINUZ=%q\nMV_KMODDIR=%q\nMV_KDIR=%q\n' \
	"$MV_KABI" "$MV_KVER" "$MV_VMLINUZ" "$MV_KMODDIR" "$MV_KDIR")"
if [ ! -f "$envfile" ] || [ "$(cat "$envfile")" != "$new" ]; then
	printf '%s\n' "$new" >"$envfile"
fi
log "ready: kernel $MV_VMLINUZ, headers $MV_KDIR"

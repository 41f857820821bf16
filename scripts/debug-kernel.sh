#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the debug kernel that `make check-debug` boots in the emulated PC:
# Debian's linux-source-6.1 with KASAN, lockdep (PROVE_LOCKING), kmemleak,
# DEBUG_ATOMIC_SLEEP, the hung-task and soft-lockup detectors and a fully
# preemptible kernel, configured as `make allnoconfig` plus
# scripts/debug-kernel.config (only what the PC and the scenarios need).
#
#   scripts/debug-kernel.sh      build if needed, then write the env file
#
# Idempotent: the build is cached under $MV_CACHE/debug-kernel/KEY/, where
# KEY is a hash of the config fragment, the source tarball, the compiler
# and this script's recipe; a second run with nothing changed only checks
# and takes a second. Results (like $MV_CACHE/kernel.env of setup.sh):
#   $MV_CACHE/debug-kernel.env   MV_KABI MV_KVER MV_VMLINUZ MV_KMODDIR MV_KDIR
#   KEY/root/boot/vmlinuz-KVER   the bzImage
#   KEY/root/lib/modules/KVER/   modules_install (kvm.ko, kvm-intel.ko)
#   KEY/build/                   the O= build tree, a KDIR for
#                                `make -C KDIR M=... modules`
#   KEY/build-seconds            how long the build took
# scripts/kernel-env.sh loads the env file instead of kernel.env when
# MV_KERNEL=debug.
#
# Environment:
#   MINIVISOR_CACHE          cache root (default ~/.cache/minivisor)
#   MINIVISOR_KSRC_TARBALL   default /usr/src/linux-source-6.1.tar.xz
#   MV_DEBUG_KERNEL_JOBS     make jobs (default: number of CPUs)
set -euo pipefail

# shellcheck disable=SC2034 # read by common.sh
MV_PROG=debug-kernel
# shellcheck source=scripts/lib/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

# Bump when the build steps below change what gets built.
RECIPE=1
TARBALL="${MINIVISOR_KSRC_TARBALL:-/usr/src/linux-source-6.1.tar.xz}"
MV_CACHE="${MINIVISOR_CACHE:-${HOME:-/root}/.cache/minivisor}"
FRAGMENT="$MV_ROOT/scripts/debug-kernel.config"
TOP="$MV_CACHE/debug-kernel"
SRC="$TOP/src"			# the unpacked tarball, never built in
ENVFILE="$MV_CACHE/debug-kernel.env"
JOBS="${MV_DEBUG_KERNEL_JOBS:-$(nproc)}"
KMAKE=(make -s ARCH=x86_64)

if [ ! -f "$TARBALL" ]; then
	mv_log "$TARBALL missing: running scripts/setup.sh (package linux-source-6.1)"
	"$MV_ROOT/scripts/setup.sh"
fi
[ -f "$TARBALL" ] || mv_die "$TARBALL not found: install linux-source-6.1"
command -v gcc >/dev/null || mv_die "gcc not found: run scripts/setup.sh"

mkdir -p "$TOP"
# One build at a time (two `make check-debug` would share the cache).
exec 9>"$TOP/.lock"
flock 9

# ---- the cache key ------------------------------------------------------------
src_id="$(stat -c '%s %Y' "$TARBALL") $(dpkg-query -W -f='${Version}' linux-source-6.1 2>/dev/null || true)"
key="$({
	echo "recipe $RECIPE"
	echo "source $src_id"
	gcc --version | head -n1
	cat "$FRAGMENT"
} | sha256sum | cut -c1-12)"
OUT="$TOP/$key"
BUILD="$OUT/build"
ROOT="$OUT/root"

# ---- the source tree -----------------------------------------------------------
if [ ! -f "$SRC/Makefile" ] || [ "$(cat "$TOP/src.stamp" 2>/dev/null)" != "$src_id" ]; then
	mv_log "unpacking $TARBALL into $SRC"
	rm -rf "$SRC" "$SRC.tmp" "$TOP/src.stamp"
	mkdir -p "$SRC.tmp"
	tar -xf "$TARBALL" -C "$SRC.tmp" --strip-components=1
	mv "$SRC.tmp" "$SRC"
	echo "$src_id" >"$TOP/src.stamp"
fi

# ---- configure, build, install -------------------------------------------------
# check_config: every CONFIG_ line of the fragment is in .config as written,
# every "# CONFIG_X is not set" is unset.
check_config() {
	local line sym bad=0
	while IFS= read -r line; do
		case "$line" in
		CONFIG_*=*)
			grep -qxF "$line" "$BUILD/.config" && continue
			mv_warn "config: wanted $line, got: $(grep -E "^(# )?${line%%=*}[= ]" "$BUILD/.config" || echo "(absent)")"
			bad=1 ;;
		"# CONFIG_"*" is not set")
			sym="${line#\# }"
			sym="${sym%% *}"
			grep -q "^$sym=" "$BUILD/.config" || continue
			mv_warn "config: wanted $sym unset, got: $(grep "^$sym=" "$BUILD/.config")"
			bad=1 ;;
		esac
	done <"$FRAGMENT"
	return "$bad"
}

if [ -f "$OUT/.complete" ] && [ -f "$BUILD/Makefile" ]; then
	mv_log "up to date: $OUT (built in $(cat "$OUT/build-seconds" 2>/dev/null || echo '?')s)"
else
	rm -rf "$OUT"
	mkdir -p "$BUILD" "$ROOT/boot"
	start=$SECONDS
	mv_log "configuring (allnoconfig + $(basename "$FRAGMENT")) in $BUILD"
	"${KMAKE[@]}" -C "$SRC" O="$BUILD" KCONFIG_ALLCONFIG="$FRAGMENT" allnoconfig \
		>"$OUT/config.log" 2>&1 || { cat "$OUT/config.log" >&2; mv_die "allnoconfig failed"; }
	check_config || mv_die "the configuration differs from $FRAGMENT (see above)"
	mv_log "building with $JOBS jobs (about 25 minutes on 2 cores); log: $OUT/build.log"
	mv_run_logged kernel "$OUT/build.log" \
		nice -n 10 "${KMAKE[@]}" -C "$SRC" O="$BUILD" -j"$JOBS" bzImage modules ||
		mv_die "the kernel build failed"
	KVER="$("${KMAKE[@]}" -C "$SRC" O="$BUILD" kernelrelease)"
	mv_run_logged modules_install "$OUT/install.log" \
		"${KMAKE[@]}" -C "$SRC" O="$BUILD" INSTALL_MOD_PATH="$ROOT" modules_install ||
		mv_die "modules_install failed"
	cp "$BUILD/arch/x86/boot/bzImage" "$ROOT/boot/vmlinuz-$KVER"
	echo "$KVER" >"$OUT/kernelrelease"
	echo $((SECONDS - start)) >"$OUT/build-seconds"
	touch "$OUT/.complete"
	mv_log "built $KVER in $(cat "$OUT/build-seconds")s"
	# Keep only this build (each one is about 350 MB).
	find "$TOP" -mindepth 1 -maxdepth 1 -type d ! -path "$OUT" ! -path "$SRC" \
		-exec rm -rf {} +
fi

KVER="$(cat "$OUT/kernelrelease")"
MV_VMLINUZ="$ROOT/boot/vmlinuz-$KVER"
MV_KMODDIR="$ROOT/lib/modules/$KVER"
[ -f "$MV_VMLINUZ" ] || mv_die "$MV_VMLINUZ missing: remove $OUT and run again"
find "$MV_KMODDIR" -name kvm-intel.ko -o -name kvm_intel.ko | grep -q . ||
	mv_die "no kvm-intel.ko under $MV_KMODDIR"

new="$(printf 'MV_KABI=%q\nMV_KVER=%q\nMV_VMLINUZ=%q\nMV_KMODDIR=%q\nMV_KDIR=%q\n' \
	"${KVER%-mvdebug}" "$KVER" "$MV_VMLINUZ" "$MV_KMODDIR" "$BUILD")"
if [ ! -f "$ENVFILE" ] || [ "$(cat "$ENVFILE")" != "$new" ]; then
	printf '%s\n' "$new" >"$ENVFILE"
fi
mv_log "ready: kernel $MV_VMLINUZ, KDIR $BUILD ($ENVFILE)"

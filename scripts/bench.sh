#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# `make bench`: boot the emulated VMX PC once and, inside it, run every
# benchmark under minivisor (statistics on and off) and under KVM
# (scripts/lib/bench-init.sh); then print the table (operation, minivisor
# cycles, KVM cycles, ratio), check the goals of issue 7 and write
# build/bench/bench.json and build/bench/bench.png
# (scripts/bench-report.py). A benchmark reports figures; it does not
# pass or fail on speed. Exit status 0 if every figure was measured.
#
#   MV_EMULATOR=auto|bochs|qemu    as for tests/integration/run.sh
#   MV_OUT=DIR                     work dir (default build/bench)
set -euo pipefail

MV_PROG=bench
# shellcheck source=scripts/lib/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
# shellcheck source=scripts/lib/vm.sh
. "$MV_ROOT/scripts/lib/vm.sh"

OUT="${MV_OUT:-$MV_ROOT/build/bench}"
rm -rf "$OUT"
mkdir -p "$OUT"

"$MV_ROOT/scripts/setup.sh"
mv_kernel_env || mv_die "the Debian cloud kernel is not available"

MV_BUILD_FAILED=""
mv_build_parts "$OUT" module userspace guests progs
[ -z "$MV_BUILD_FAILED" ] || mv_die "build failed:$MV_BUILD_FAILED (logs in $OUT)"

root="$OUT/rootfs"
mv_initramfs_base "$root"
mv_initramfs_payload "$root"
install -m 0755 "$MV_ROOT/scripts/lib/bench-init.sh" "$root/init"
mv_initramfs_pack "$root" "$OUT/initrd.img"

mv_log "booting the emulated PC; every benchmark runs in this one boot (serial: $OUT/serial.log)"
rc=0
mv_boot --kernel "$MV_VMLINUZ" --initrd "$OUT/initrd.img" \
	--serial "$OUT/serial.log" --log "$OUT/emulator.log" \
	--timeout "${MV_TIMEOUT:-1200}" --done 'MVBENCH DONE' || rc=$?
mv_log "the benchmark boot took ${MV_BOOT_SECONDS}s"
case "$rc" in
0) ;;
2) mv_warn "the emulated PC did not finish in time" ;;
3) mv_warn "the emulated PC's kernel panicked" ;;
*) mv_warn "the emulated PC stopped early" ;;
esac
python3 "$MV_ROOT/scripts/bench-report.py" --serial "$OUT/serial.log" \
	--json "$OUT/bench.json" --png "$OUT/bench.png" || rc=1
exit "$rc"

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# `make demo`: set up, build, boot the emulated VMX PC once and, inside it,
# load minivisor and boot the Linux guest (the same Debian kernel with a
# busybox initramfs, guests/linux/init) with --stats: the guest's console,
# then a table of VM exits by reason. Then `minivisor caps`, rmmod, power
# off.
# The serial console is shown live. Exit status 0 only if the guest ran
# and exited 0.
#
#   MV_EMULATOR=auto|bochs|qemu    as for tests/integration/run.sh
#   MV_OUT=DIR                     work dir (default build/demo)
set -euo pipefail

MV_PROG=demo
# shellcheck source=scripts/lib/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
# shellcheck source=scripts/lib/vm.sh
. "$MV_ROOT/scripts/lib/vm.sh"

OUT="${MV_OUT:-$MV_ROOT/build/demo}"
rm -rf "$OUT"
mkdir -p "$OUT"

"$MV_ROOT/scripts/setup.sh"
mv_kernel_env || mv_die "the Debian cloud kernel is not available"

MV_BUILD_FAILED=""
mv_build_parts "$OUT" module userspace guests
[ -z "$MV_BUILD_FAILED" ] || mv_die "build failed:$MV_BUILD_FAILED (logs in $OUT)"

root="$OUT/rootfs"
mv_initramfs_base "$root"
mv_initramfs_payload "$root"
install -m 0755 "$MV_ROOT/scripts/lib/demo-init.sh" "$root/init"
mv_initramfs_pack "$root" "$OUT/initrd.img"

rc=0
mv_boot --kernel "$MV_VMLINUZ" --initrd "$OUT/initrd.img" \
	--serial "$OUT/serial.log" --log "$OUT/emulator.log" \
	--timeout "${MV_TIMEOUT:-600}" --done 'MVDEMO DONE' --live || rc=$?
echo
if grep -aqE '^MVDEMO GUEST EXIT 0[[:space:]]*$' "$OUT/serial.log" &&
	grep -aq -- '--- exit statistics ---' "$OUT/serial.log"; then
	mv_log "the guest ran (boot took ${MV_BOOT_SECONDS}s); serial log: $OUT/serial.log"
	exit 0
fi
case "$rc" in
0) mv_warn "the guest did not run to a clean exit with statistics" ;;
2) mv_warn "the emulated PC did not finish in time" ;;
3) mv_warn "the emulated PC's kernel panicked" ;;
*) mv_warn "the emulated PC stopped early" ;;
esac
mv_warn "serial log: $OUT/serial.log, emulator log: $OUT/emulator.log"
exit 1

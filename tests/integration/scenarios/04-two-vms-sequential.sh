# SPDX-License-Identifier: GPL-2.0
# Two VMs one after the other in the same module load (VMX goes off and on
# again in between); both must run; the module then unloads cleanly.
# timeout: 90
set -e
# shellcheck source=tests/integration/lib.sh
. /mv/lib.sh

need_tool
first=hello-real
second=hello-long
[ -f "$MV_GUESTS/$second.bin" ] || second=$first
mv_load
check_guest "$first" || fail "first VM ($first) failed"
check_guest "$second" || fail "second VM ($second) failed"
check_guest "$first" || fail "third VM ($first again) failed"
mv_unload
check_dmesg_clean

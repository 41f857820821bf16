# SPDX-License-Identifier: GPL-2.0
# Load and unload the module; the kernel log must stay clean.
# timeout: 30
set -e
# shellcheck source=tests/integration/lib.sh
. /mv/lib.sh

mv_load
grep -q '^minivisor ' /proc/modules || fail "minivisor not in /proc/modules"
ok "minivisor listed in /proc/modules"
mv_unload
[ ! -e /dev/minivisor ] || fail "/dev/minivisor still exists after rmmod"
ok "/dev/minivisor gone after rmmod"
check_dmesg_clean

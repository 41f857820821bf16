# SPDX-License-Identifier: GPL-2.0
# `minivisor caps` reports the VMX capabilities, including EPT and
# unrestricted guest (Bochs's Skylake-X has both).
# timeout: 30
set -e
# shellcheck source=tests/integration/lib.sh
. /mv/lib.sh

need_tool
mv_load
rc=0
minivisor caps >/tmp/caps.out 2>/tmp/caps.err || rc=$?
cat /tmp/caps.out
[ "$rc" -eq 0 ] || { cat /tmp/caps.err; fail "minivisor caps exited $rc"; }
ok "minivisor caps exited 0"
grep -qi 'ept' /tmp/caps.out || fail "caps output does not mention EPT"
ok "caps mentions EPT"
grep -Eqi 'unrestricted[ _-]guest' /tmp/caps.out || fail "caps output does not mention unrestricted guest"
ok "caps mentions unrestricted guest"
mv_unload
check_dmesg_clean

# SPDX-License-Identifier: GPL-2.0
# Every ioctl rejects bad input with the documented errno and leaves state
# unchanged (tests/integration/progs/ioctl_errors, TAP output).
# timeout: 90
set -e
# shellcheck source=tests/integration/lib.sh
. /mv/lib.sh

need_prog ioctl_errors
mv_load
rc=0
"$MV_PROGS/ioctl_errors" >/tmp/ioctl_errors.out 2>&1 || rc=$?
cat /tmp/ioctl_errors.out
passed=$(grep -c '^ok ' /tmp/ioctl_errors.out || true)
failed=$(grep -c '^not ok ' /tmp/ioctl_errors.out || true)
[ "$rc" -eq 0 ] || fail "ioctl_errors exited $rc ($failed TAP failures)"
[ "$failed" -eq 0 ] || fail "ioctl_errors exited 0 but printed $failed 'not ok' lines"
[ "$passed" -gt 0 ] || fail "ioctl_errors printed no 'ok' line"
ok "ioctl_errors: $passed checks passed"
mv_unload
check_dmesg_clean

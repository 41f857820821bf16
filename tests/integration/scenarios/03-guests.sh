# SPDX-License-Identifier: GPL-2.0
# Every guests/<name>.bin that has guests/<name>.expected runs with
# `minivisor run [$(cat <name>.args)] <name>.bin`; its stdout must equal
# <name>.expected and its exit status <name>.exitcode (default 0); every
# line of <name>.stderr, if present, is a pattern the tool's stderr matches.
# timeout: 180
set -e
# shellcheck source=tests/integration/lib.sh
. /mv/lib.sh

need_tool
mv_load
n=0
failed=""
for exp in "$MV_GUESTS"/*.expected; do
	[ -f "$exp" ] || continue
	name=$(basename "$exp" .expected)
	n=$((n + 1))
	if [ ! -f "$MV_GUESTS/$name.bin" ]; then
		echo "guest $name: $name.expected exists but $name.bin does not"
		failed="$failed $name"
		continue
	fi
	check_guest "$name" || failed="$failed $name"
done
[ "$n" -gt 0 ] || fail "no guests with a .expected file in the initramfs: $(why_missing guests)"
mv_unload
check_dmesg_clean
[ -z "$failed" ] || fail "$(echo "$failed" | wc -w) of $n guests failed:$failed"
ok "all $n guests ran as expected"

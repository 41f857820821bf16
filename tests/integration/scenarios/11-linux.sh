# SPDX-License-Identifier: GPL-2.0
# An unmodified Linux kernel as a guest: /mv/linux/vmlinuz is the very
# kernel this emulated PC runs, with a busybox initramfs whose /init is
# guests/linux/init. Checked: it boots to its marker and prints the CPU
# model and its uptime; a 1 s sleep ends (timer interrupts arrive); while
# busy, the PIT's tick arrives at Debian's HZ (250/s, +-40%) measured on
# the guest's own TSC clock; `poweroff` and `reboot` end the
# VMM with status 0 and say which; a line written to the VMM's stdin is
# read by the guest's shell through the UART; a kernel panic ends the VMM
# with status 4 and the panic on stdout. Then the module unloads and the
# host's kernel log is clean.
# timeout: 900
set -e
# shellcheck source=tests/integration/lib.sh
. /mv/lib.sh

need_tool
[ -f /mv/linux/vmlinuz ] && [ -f /mv/linux/initrd.gz ] ||
	fail "the Linux guest is missing: $(why_missing linux)"
mv_load

BOOT_TIMEOUT=240
OUT=/tmp/linux.out
ERR=/tmp/linux.err

# boot MVTEST_MODE [STDIN]: boots the guest with mvtest=MODE; stdout in
# $OUT, stderr in $ERR, status in $rc, elapsed host seconds in $secs.
boot() {
	mode=$1
	in=${2:-/dev/null}
	t0=$(cut -d. -f1 /proc/uptime)
	rc=0
	timeout "$BOOT_TIMEOUT" minivisor run --stats --kernel /mv/linux/vmlinuz \
		--initrd /mv/linux/initrd.gz \
		--cmdline "console=ttyS0 panic=-1 mvtest=$mode" \
		<"$in" >"$OUT" 2>"$ERR" || rc=$?
	secs=$(($(cut -d. -f1 /proc/uptime) - t0))
	say "mvtest=$mode: exit $rc after ${secs}s; $(tail -n 1 "$ERR")"
}
show() {
	tail -n 30 "$OUT" | sed 's/^/    out: /'
	tail -n 5 "$ERR" | sed 's/^/    err: /'
}
expect_out() {	# expect_out PATTERN WHAT
	grep -q -- "$1" "$OUT" || { show; fail "$2: no '$1' on the console"; }
}

# 1. Boot, marker, model, uptime, timer, console input, poweroff: one
# boot (mvtest=echo powers off after echoing the line), as each Linux boot
# costs about a minute of emulation. The line is written to the VMM's
# stdin once the guest asks for it.
rm -f /tmp/linux.in
mkfifo /tmp/linux.in
: >"$OUT"
(
	i=0
	while ! grep -q 'MVGUEST: type a line' "$OUT" 2>/dev/null; do
		i=$((i + 1))
		[ "$i" -le 1200 ] || exit 0
		sleep 0.2
	done
	echo "hello from the host"
	sleep 60
) >/tmp/linux.in &
writer=$!
boot echo /tmp/linux.in
kill "$writer" 2>/dev/null || true
wait "$writer" 2>/dev/null || true
[ "$rc" -eq 0 ] || { show; fail "echo, then poweroff: exit status $rc, expected 0"; }
expect_out "MVGUEST: Linux $(uname -r) booted under minivisor" "boot"
expect_out '^model name' "/proc/cpuinfo"
expect_out 'MVGUEST: uptime [0-9]' "uptime"
expect_out "MVGUEST: read 'hello from the host'" "console input"
ok "a line typed to the VMM reaches the guest's shell"
expect_out 'MVGUEST: powering off' "poweroff"
grep -q 'the guest powered off' "$ERR" || { show; fail "poweroff: no 'the guest powered off' message"; }
ok "boots to its marker: $(grep -m1 '^model name' "$OUT" | cut -d: -f2 | sed 's/^ *//')"
grep -m1 'MVGUEST: uptime' "$OUT" | sed 's/^/    /'
# The guest's 1 s sleep: at least 1 s on its clock (the timer works).
slept=$(sed -n 's/^MVGUEST: slept 1 s: uptime \([0-9.]*\) -> \([0-9.]*\) s.*/\1 \2/p' "$OUT")
[ -n "$slept" ] || { show; fail "the guest's sleep 1 did not end (no timer interrupts?)"; }
set -- $slept
d=$(awk -v a="$1" -v b="$2" 'BEGIN { printf "%d", (b - a) * 100 }')
[ "$d" -ge 100 ] && [ "$d" -le 1000 ] ||
	fail "the guest's sleep 1 took $d/100 s on its own clock"
ok "sleep 1 in the guest: $(awk -v d="$d" 'BEGIN { print d / 100 }') s of guest uptime"
timer=$(sed -n 's/^MVGUEST: timer: \([0-9]*\) interrupts in \([0-9.]*\) s busy.*/\1 \2/p' "$OUT")
[ -n "$timer" ] || { show; fail "no timer measurement from the guest"; }
set -- $timer
hz=$(awk -v n="$1" -v t="$2" 'BEGIN { if (t > 0) printf "%d", n / t; else print 0 }')
[ "$hz" -ge 150 ] && [ "$hz" -le 350 ] ||
	fail "timer: $1 interrupts in $2 s is ${hz}/s, expected about 250/s (CONFIG_HZ)"
ok "timer: $1 interrupts in $2 s of busy guest time: ${hz}/s (HZ 250)"
sed -n '/--- exit statistics ---/,$p' "$OUT" | sed 's/^/    /'

# 2. reboot
boot reboot
[ "$rc" -eq 0 ] || { show; fail "reboot: exit status $rc, expected 0"; }
expect_out 'MVGUEST: rebooting' "reboot"
grep -q 'the guest rebooted' "$ERR" || { show; fail "reboot: no 'the guest rebooted' message"; }
ok "reboot ends the VMM with status 0"

# 3. panic
boot panic
[ "$rc" -eq 4 ] || { show; fail "panic: exit status $rc, expected 4"; }
expect_out 'Kernel panic - not syncing' "panic"
grep -q 'the guest kernel panicked' "$ERR" || { show; fail "panic: no 'the guest kernel panicked' message"; }
ok "a guest panic ends the VMM with status 4: $(grep -m1 'Kernel panic' "$OUT")"

mv_unload
check_dmesg_clean

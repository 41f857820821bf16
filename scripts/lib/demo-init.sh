#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# /init of the demo boot (scripts/demo.sh), busybox sh in the emulated PC.
mount -t devtmpfs dev /dev 2>/dev/null
exec </dev/console >/dev/console 2>&1
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t tmpfs tmpfs /tmp
export PATH=/bin

run() {	# echo a command line, then run it
	echo "# $*"
	"$@"
}

echo
echo "=== minivisor demo: Linux $(uname -r) on an emulated $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//') ==="
guest=""
for g in hello-long hello-real; do
	if [ -f "/mv/guests/$g.bin" ]; then guest=$g; break; fi
done
if [ ! -f /mv/minivisor.ko ] || ! command -v minivisor >/dev/null || [ -z "$guest" ]; then
	echo "demo: missing: $(grep -v ' ok$' /mv/build-status | tr '\n' ' ')"
elif dmesg -c >/dev/null && run insmod /mv/minivisor.ko; then
	args=""
	[ -f "/mv/guests/$guest.args" ] && args=$(cat "/mv/guests/$guest.args")
	# shellcheck disable=SC2086 # .args holds several words
	run minivisor run --stats $args "/mv/guests/$guest.bin"
	echo "MVDEMO GUEST EXIT $?"
	echo
	run minivisor caps
	run rmmod minivisor
	dmesg | grep -E 'WARNING:|BUG:|Oops|Call Trace' && echo "demo: the kernel logged a problem"
fi
echo "MVDEMO DONE"
sleep 1
poweroff -f

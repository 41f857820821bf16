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
if [ ! -f /mv/minivisor.ko ] || ! command -v minivisor >/dev/null ||
	[ ! -f /mv/linux/vmlinuz ] || [ ! -f /mv/linux/initrd.gz ]; then
	echo "demo: missing: $(grep -v ' ok$' /mv/build-status | tr '\n' ' ')"
elif dmesg -c >/dev/null && run insmod /mv/minivisor.ko; then
	# The guest: this same Debian kernel, unmodified, with a busybox
	# initramfs (guests/linux/init) that prints a marker and powers off.
	run minivisor run --stats --kernel /mv/linux/vmlinuz \
		--initrd /mv/linux/initrd.gz --cmdline "console=ttyS0 panic=-1" </dev/null
	echo "MVDEMO GUEST EXIT $?"
	echo
	run minivisor caps
	run rmmod minivisor
	dmesg | grep -E 'WARNING:|BUG:|Oops|Call Trace' && echo "demo: the kernel logged a problem"
fi
echo "MVDEMO DONE"
sleep 1
poweroff -f

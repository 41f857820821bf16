#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# /init of the integration initramfs (busybox sh, inside the emulated PC).
# Runs the scenarios named in /mv/scenarios.list in order; for each prints
#   MVTEST BEGIN <name>
#   ...the scenario's output...
#   MVTEST PASS <name>   or   MVTEST FAIL <name>
# then MVTEST DONE, and powers off. tests/integration/run.sh reads that from
# the serial console.
#
# Around every scenario: the kernel log is cleared first (so `dmesg` in the
# scenario shows only its own lines; scenarios must not use `dmesg -c`), a
# time limit applies (`# timeout: N` in the scenario, default 60 s), and
# afterwards left-over processes are killed, left-over modules
# unloaded, and the scenario fails if the kernel logged a warning, BUG,
# Oops or call trace during it.

mount -t devtmpfs dev /dev 2>/dev/null
exec </dev/console >/dev/console 2>&1
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null ||
	echo "init: no tracefs"
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null || true
mount -t tmpfs tmpfs /tmp
export PATH=/bin:/mv/progs HOME=/root TERM=dumb
cd /

# Variables the host passed through (tests/integration/run.sh).
# shellcheck disable=SC1091 # written by run.sh
[ -f /mv/env ] && . /mv/env

echo "MVTEST BOOTED kernel $(uname -r), $(nproc) CPU(s), uptime $(cut -d' ' -f1 /proc/uptime)s, taint $(cat /proc/sys/kernel/tainted)"
grep -qw vmx /proc/cpuinfo || echo "init: warning: this CPU shows no vmx flag"

BAD_DMESG='WARNING:|BUG:|Oops|Call Trace|general protection|unable to handle|kernel BUG|refcount_t|UBSAN|KASAN|list_add corruption|list_del corruption|soft lockup|hard LOCKUP|rcu_sched self-detected|hung_task|blocked for more than'

# Kill every user process but init (kernel threads have ppid 2). The
# watcher process of busybox `timeout` lingers up to a second after its
# command ended: it goes silently; others are named.
kill_leftovers() {	# kill_leftovers NAME
	killed=0
	for d in /proc/[0-9]*; do
		p=${d#/proc/}
		[ "$p" -gt 2 ] || continue
		read -r _ comm state ppid _ <"$d/stat" 2>/dev/null || continue
		[ "$ppid" = 2 ] || [ "$state" = Z ] && continue
		kill -9 "$p" 2>/dev/null || continue
		[ "$comm" = "(timeout)" ] && continue
		echo "init: killed process $p $comm left over by $1"
		killed=1
	done
	[ "$killed" -eq 0 ] || sleep 1	# let them release their files
}

cleanup_after() {	# cleanup_after NAME
	kill_leftovers "$1"
	for m in minivisor kvm_intel kvm irqbypass; do
		if grep -q "^$m " /proc/modules; then
			echo "init: unloading left-over module $m"
			rmmod "$m" || echo "init: rmmod $m failed"
		fi
	done
}

# shellcheck disable=SC2013 # one name per line, no blanks
for name in $(cat /mv/scenarios.list); do
	script=/mv/scenarios/$name.sh
	echo "MVTEST BEGIN $name"
	dmesg -c >/dev/null
	limit=$(sed -n 's/^# *timeout: *\([0-9][0-9]*\).*/\1/p' "$script" | head -n1)
	[ -n "$limit" ] || limit=60
	limit=${MV_SCENARIO_TIMEOUT:-$limit}
	start=$(cut -d' ' -f1 /proc/uptime)
	timeout -s TERM "$limit" sh "$script" </dev/null
	rc=$?
	end=$(cut -d' ' -f1 /proc/uptime)
	result=PASS
	if [ "$rc" -eq 143 ] || [ "$rc" -eq 124 ]; then
		echo "init: $name did not finish within its ${limit}s limit (guest time)"
		result=FAIL
	elif [ "$rc" -ne 0 ]; then
		echo "init: $name exited with status $rc"
		result=FAIL
	fi
	cleanup_after "$name"
	if dmesg | grep -Eq "$BAD_DMESG"; then
		echo "init: the kernel logged a problem during $name:"
		dmesg | grep -E -B2 -A20 "$BAD_DMESG" | head -n 60
		result=FAIL
	fi
	if [ "$result" = FAIL ]; then
		echo "--- kernel log of $name (last 40 lines) ---"
		dmesg | tail -n 40
		echo "--- end of kernel log ---"
	fi
	echo "init: $name took $(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }')s (guest time)"
	echo "MVTEST $result $name"
done

echo "MVTEST DONE"
sleep 1
poweroff -f

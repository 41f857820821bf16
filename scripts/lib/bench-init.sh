#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# /init of the benchmark boot (scripts/bench.sh), busybox sh in the emulated
# PC: every exit microbenchmark (guests/bench-*.bin) under minivisor, with
# its exit statistics on and off, and under KVM, in this one boot; then the
# cost of creating a VM and its kernel memory (progs/vm_cost). One line per
# figure on the console:
#     MVBENCH HV OPERATION CYCLES_PER_OP OPS TOTAL_CYCLES
#     MVBENCH HV vm-create CYCLES open=.. vm=.. mem=.. vcpu=.. run=..
#     MVBENCH HV vm-mem|vcpu-mem BYTES
# HV is minivisor, minivisor-nostats or kvm. A benchmark that fails prints
#     MVBENCH-FAIL HV OPERATION reason
# and the host reports it. Ends with MVBENCH DONE and powers off.
mount -t devtmpfs dev /dev 2>/dev/null
exec </dev/console >/dev/console 2>&1
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t tmpfs tmpfs /tmp
export PATH=/bin:/mv/progs

STATS=/sys/module/minivisor/parameters/exit_stats

# bench HV OPERATION GUEST [RUN ARGS...]: run guests/bench-GUEST.bin.
bench() {
	hv=$1
	op=$2
	guest=$3
	shift 3
	case "$hv" in
	kvm) sel="--hv kvm" ;;
	*) sel="--hv minivisor" ;;
	esac
	rc=0
	# shellcheck disable=SC2086 # $sel is two words
	timeout 300 minivisor run $sel --entry long "$@" \
		"/mv/guests/bench-$guest.bin" >/tmp/bench.out 2>/tmp/bench.err || rc=$?
	line=$(grep "^bench $guest: [0-9]* ops, [0-9]* cycles\$" /tmp/bench.out)
	if [ "$rc" -ne 0 ] || [ -z "$line" ] ||
		! grep -q "^bench $guest: checksum ok\$" /tmp/bench.out; then
		echo "MVBENCH-FAIL $hv $op exit status $rc: $(tr '\n' ' ' </tmp/bench.out) $(tail -n 2 /tmp/bench.err | tr '\n' ' ')"
		return
	fi
	set -- $(echo "$line" | sed 's/^bench [^:]*: \([0-9]*\) ops, \([0-9]*\) cycles$/\1 \2/')
	echo "MVBENCH $hv $op $(($2 / $1)) $1 $2"
}

# The operations, as "OPERATION GUEST [ARGS]" for minivisor.
mv_benches() {
	bench "$1" cpuid cpuid
	bench "$1" vmcall vmcall
	bench "$1" floor floor
	bench "$1" pio-out pio-out
	bench "$1" pio-in pio-in
	bench "$1" mmio-write mmio-write
	bench "$1" mmio-read mmio-read
	bench "$1" ring-posted-write mmio-write --ring ring-test:posted
	bench "$1" ring-sync-read mmio-read --ring ring-test:sync
	bench "$1" hlt-irq hlt-irq
}

# Only what the benchmarks make the kernel log counts (Bochs's CPU model
# draws a warning from the PC's own boot).
dmesg -c >/dev/null
echo
echo "MVBENCH BOOTED $(uname -r), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
if ! insmod /mv/minivisor.ko; then
	echo "MVBENCH-FAIL minivisor all insmod minivisor.ko failed"
else
	echo 1 >"$STATS"
	mv_benches minivisor
	echo 0 >"$STATS"
	mv_benches minivisor-nostats
	echo 1 >"$STATS"
	vm_cost create mv 5 || echo "MVBENCH-FAIL minivisor vm-create vm_cost failed"
	vm_cost mem mv || echo "MVBENCH-FAIL minivisor vm-mem vm_cost failed"
	rmmod minivisor || echo "MVBENCH-FAIL minivisor all rmmod failed"
fi

if ! modprobe kvm_intel; then
	echo "MVBENCH-FAIL kvm all modprobe kvm_intel failed"
else
	bench kvm cpuid cpuid
	bench kvm vmcall vmcall
	bench kvm floor floor
	bench kvm pio-out pio-out
	bench kvm pio-in pio-in
	bench kvm mmio-write mmio-write
	bench kvm mmio-read mmio-read
	# KVM has no rings: its answer to posted writes is coalesced MMIO,
	# and a ring read is compared with its ordinary MMIO read.
	bench kvm ring-posted-write mmio-write --coalesced ring-test
	bench kvm ring-sync-read mmio-read
	bench kvm hlt-irq hlt-irq
	vm_cost create kvm 5 || echo "MVBENCH-FAIL kvm vm-create vm_cost failed"
	vm_cost mem kvm || echo "MVBENCH-FAIL kvm vm-mem vm_cost failed"
	rmmod kvm_intel kvm 2>/dev/null
fi
dmesg | grep -E 'WARNING:|BUG:|Oops|Call Trace' &&
	echo "MVBENCH-FAIL all all the kernel logged a problem: $(dmesg | grep -m1 -E 'WARNING:|BUG:|Oops')"
echo "MVBENCH DONE"
sleep 1
poweroff -f

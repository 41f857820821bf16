# SPDX-License-Identifier: GPL-2.0
# With two CPUs: VMX must be on on both (a guest pinned to each CPU runs),
# two VMs must run at the same time, one per CPU, and a vCPU whose thread
# is moved between CPUs while it runs (its VMCS VMCLEARed on one CPU and
# loaded on the other, SDM Vol. 3C 25.11.1) must finish with the right
# output. A VM with two vCPUs (the smp guest: one thread per vCPU, a
# shared counter incremented with LOCK XADD) runs alone and then two such
# VMs at once; SIGINT stops a VM whose two vCPUs spin or sleep in HLT.
# Then the module unloads cleanly.
# needs: smp
# timeout: 240
set -e
# shellcheck source=tests/integration/lib.sh
. /mv/lib.sh

need_tool
need_guest hello-long
need_guest mmio
need_guest smp
need_guest spin
need_guest idle
command -v taskset >/dev/null || fail "taskset is missing from the initramfs"
ncpu=$(grep -c '^processor' /proc/cpuinfo)
[ "$ncpu" -ge 2 ] || fail "this scenario needs 2 CPUs, the kernel sees $ncpu"
mv_load

# expect NAME OUTFILE: OUTFILE must equal guests/NAME.expected.
expect() {
	cmp -s "$MV_GUESTS/$1.expected" "$2" ||
		fail "$1: output differs: $(diff -u "$MV_GUESTS/$1.expected" "$2" | head -n 20)"
}

for mask in 1 2; do
	taskset "$mask" minivisor run "$MV_GUESTS/hello-long.bin" >/tmp/pinned.out ||
		fail "hello-long pinned to CPU mask $mask failed"
	expect hello-long /tmp/pinned.out
	ok "hello-long ran pinned to CPU mask $mask"
done

taskset 1 minivisor run "$MV_GUESTS/hello-long.bin" >/tmp/a.out &
pa=$!
taskset 2 minivisor run --entry long "$MV_GUESTS/mmio.bin" >/tmp/b.out &
pb=$!
wait "$pa" || fail "hello-long on CPU 0 failed while mmio ran on CPU 1"
wait "$pb" || fail "mmio on CPU 1 failed while hello-long ran on CPU 0"
expect hello-long /tmp/a.out
expect mmio /tmp/b.out
ok "two VMs ran at the same time on two CPUs"

minivisor run --entry long "$MV_GUESTS/mmio.bin" >/tmp/moved.out &
pm=$!
moves=0
while kill -0 "$pm" 2>/dev/null; do
	taskset -p 1 "$pm" >/dev/null 2>&1 || true
	taskset -p 2 "$pm" >/dev/null 2>&1 || true
	moves=$((moves + 2))
done
wait "$pm" || fail "mmio failed while its thread was moved between CPUs"
expect mmio /tmp/moved.out
ok "mmio ran while its CPU affinity was switched $moves times"

# uptime_cs: the kernel's uptime in hundredths of a second.
uptime_cs() {
	awk '{ sub(/\./, "", $1); print $1 + 0 }' /proc/uptime
}
# elapsed T0: seconds since uptime_cs said T0, as S.CC.
elapsed() {
	d=$(($(uptime_cs) - $1))
	printf '%d.%02d' $((d / 100)) $((d % 100))
}

# The smp guest: two vCPUs of one VM on two host CPUs, then both vCPU
# threads on one host CPU (time-shared: the barriers must still end).
t0=$(uptime_cs)
rc=0
minivisor run $(cat "$MV_GUESTS/smp.args") "$MV_GUESTS/smp.bin" >/tmp/smp.out 2>/tmp/smp.err || rc=$?
t=$(elapsed "$t0")
[ "$rc" -eq 0 ] || fail "smp --cpus 2 exited with $rc: $(cat /tmp/smp.err)"
expect smp /tmp/smp.out
grep -q "vCPU 0: guest wrote 0x00 to the debug-exit port" /tmp/smp.err ||
	fail "smp: unexpected stop message: $(cat /tmp/smp.err)"
ok "smp guest with --cpus 2 counted right in $t s"

t0=$(uptime_cs)
taskset 1 minivisor run $(cat "$MV_GUESTS/smp.args") "$MV_GUESTS/smp.bin" >/tmp/smp1.out 2>/tmp/smp1.err ||
	fail "smp --cpus 2 pinned to one host CPU failed: $(cat /tmp/smp1.err)"
t=$(elapsed "$t0")
expect smp /tmp/smp1.out
ok "smp guest with --cpus 2 pinned to one host CPU counted right in $t s"

# Two VMs with two vCPUs each, at the same time.
t0=$(uptime_cs)
minivisor run $(cat "$MV_GUESTS/smp.args") "$MV_GUESTS/smp.bin" >/tmp/smp-a.out 2>/tmp/smp-a.err &
pa=$!
minivisor run $(cat "$MV_GUESTS/smp.args") "$MV_GUESTS/smp.bin" >/tmp/smp-b.out 2>/tmp/smp-b.err &
pb=$!
wait "$pa" || fail "the first of two 2-vCPU VMs failed: $(cat /tmp/smp-a.err)"
wait "$pb" || fail "the second of two 2-vCPU VMs failed: $(cat /tmp/smp-b.err)"
t=$(elapsed "$t0")
expect smp /tmp/smp-a.out
expect smp /tmp/smp-b.out
ok "two VMs with two vCPUs each ran at the same time in $t s"

# SIGINT stops every vCPU: two vCPUs spinning with interrupts off, or
# both asleep in HLT with interrupts on. The signal reaches one vCPU
# thread, which stops the other. Each vCPU prints one line once it runs;
# the signal goes out as soon as both lines are there (no `sleep`: while a
# vCPU runs, time in this PC crawls, and `sleep 2` took minutes).
for g in spin idle; do
	minivisor run --cpus 2 "$MV_GUESTS/$g.bin" >"/tmp/$g-2.out" 2>"/tmp/$g-2.err" &
	pid=$!
	polls=0
	while [ "$(wc -l <"/tmp/$g-2.out")" -lt 2 ]; do
		kill -0 "$pid" 2>/dev/null || fail "$g --cpus 2 ended on its own: $(cat "/tmp/$g-2.err")"
		polls=$((polls + 1))
		[ "$polls" -lt 200000 ] || fail "$g --cpus 2: the two vCPUs did not both print"
	done
	kill -INT "$pid"
	rc=0
	wait "$pid" || rc=$?
	[ "$rc" -eq 130 ] || fail "$g --cpus 2: exit status $rc after SIGINT, expected 130: $(cat "/tmp/$g-2.err")"
	grep -q "minivisor: vCPU [01]: interrupted" "/tmp/$g-2.err" || fail "$g --cpus 2: no 'interrupted' in: $(cat "/tmp/$g-2.err")"
	ok "$g --cpus 2: both vCPUs running, both stopped by SIGINT with status 130"
done

# More vCPUs than the module allows is a setup error naming the limit.
max=$(minivisor caps | awk -F'  +' '/vCPUs per VM/ { print $3 }')
if [ -n "$max" ] && [ "$max" -lt 8 ]; then
	rc=0
	minivisor run --cpus $((max + 1)) "$MV_GUESTS/smp.bin" >/dev/null 2>/tmp/cpus.err || rc=$?
	[ "$rc" -eq 1 ] || fail "--cpus $((max + 1)) exited with $rc, expected 1"
	grep -q "exceeds the module's limit of $max vCPUs" /tmp/cpus.err ||
		fail "--cpus $((max + 1)): $(cat /tmp/cpus.err)"
	ok "--cpus $((max + 1)) refused: the module allows $max"
fi

mv_unload
check_dmesg_clean

# SPDX-License-Identifier: GPL-2.0
# CPU hotplug with minivisor loaded (kmod/vmx_cpu.c's cpuhp callbacks):
# CPU 1 taken offline and back with no VM, with an idle VM whose VMCS was
# last active on CPU 1 (VMCLEARed by the offline callback: the registers
# survive), under a vCPU running pinned to CPU 1 (it must go on on CPU 0
# without a glitch, then on CPU 1 again), under a vCPU asleep in HLT (an
# interrupt wakes it on CPU 0), with a VM created while CPU 1 was offline
# (VMXON in the online callback), after the last VM went while CPU 1 was
# offline, and in cycles under a running vCPU (progs/vmm_hostile
# hotplug). Then the module is unloaded and loaded while CPU 1 is offline
# and a guest runs on CPU 1 once it is back. Also vmm_hostile's ring
# races, with the racing threads on two CPUs. If this kernel cannot take
# CPU 1 offline the scenario says SKIP and fails: the harness has no
# skipped state, and a hotplug test that did not run must not pass.
# Bochs now and then loses the wake-up of an idle CPU (a thread runnable
# on it waits seconds; a CPU offline once soft-locked in stop_machine
# with no VM at all): `vmm_hostile keepbusy` keeps a SCHED_IDLE spinner
# on each CPU for the whole scenario, so that no CPU idles.
# needs: smp
# timeout: 180
set -e
# shellcheck source=tests/integration/lib.sh
. /mv/lib.sh

need_prog vmm_hostile
need_tool
need_guest hello-real
online=/sys/devices/system/cpu/cpu1/online
if [ ! -w "$online" ]; then
	echo "SKIP: $online is missing or not writable: this kernel cannot take CPU 1 offline"
	fail "CPU hotplug not tested (SKIP, reported as a failure: no skip state in run.sh)"
fi
[ "$(cat "$online")" = 1 ] || echo 1 >"$online" || fail "CPU 1 is offline and will not come online"

uptime_cs() {
	awk '{ sub(/\./, "", $1); print $1 + 0 }' /proc/uptime
}

vmm_hostile keepbusy >/tmp/keepbusy.out 2>&1 &
keepbusy=$!
mv_load
# vmm_hostile CLASS: run it, its TAP on the console, fail on a failed check.
vmm() {
	t0=$(uptime_cs)
	{
		rc=0
		vmm_hostile "$1" 2>&1 || rc=$?
		echo "$rc" >/tmp/vmm.rc
	} | tee "/tmp/vmm-$1.out"
	rc=$(cat /tmp/vmm.rc)
	t=$(($(uptime_cs) - t0))
	[ "$(cat "$online")" = 1 ] || echo 1 >"$online" || true
	[ "$rc" -eq 0 ] || fail "vmm_hostile $1 exited $rc"
	n=$(grep -c '^ok ' "/tmp/vmm-$1.out" || true)
	ok "vmm_hostile $1: $n checks passed ($((t / 100)).$((t % 100 / 10)) s guest time)"
}
vmm hotplug
# The ring races need two CPUs to be races: the run-page scribbler is
# pinned to CPU 0, the vCPU to CPU 1 (scenario 17 runs the other two on
# one CPU).
vmm ring
grep -h '^CASES ' /tmp/vmm-hotplug.out /tmp/vmm-ring.out | sed 's/^/  /'

# The module's own hotplug state while CPU 1 is offline.
echo 0 >"$online" || fail "CPU 1 did not go offline"
mv_unload
mv_load
ok "rmmod and insmod with CPU 1 offline"
echo 1 >"$online" || fail "CPU 1 did not come back online with the module loaded"
taskset 2 minivisor run --mem 2M "$MV_GUESTS/hello-real.bin" >/tmp/hp.out 2>/tmp/hp.err ||
	fail "hello-real pinned to CPU 1 failed after CPU 1 came back: $(cat /tmp/hp.err)"
cmp -s /tmp/hp.out "$MV_GUESTS/hello-real.expected" || fail "hello-real on CPU 1: wrong output"
ok "loaded while CPU 1 was offline: once it is back a guest runs pinned to it"
echo "CASES hotplug-module 1 tried, all as documented (rmmod + insmod with CPU 1 offline)"
mv_unload
kill "$keepbusy"
wait "$keepbusy" 2>/dev/null || true
check_dmesg_clean

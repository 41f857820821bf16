# SPDX-License-Identifier: GPL-2.0
# kvm_intel and minivisor take turns: while a KVM VM exists, minivisor's VM
# creation fails with EBUSY (one log line); once it is gone, minivisor runs.
# timeout: 120
set -e
# shellcheck source=tests/integration/lib.sh
. /mv/lib.sh

need_tool
need_prog kvm_hold
need_guest hello-real
modprobe kvm_intel || fail "modprobe kvm_intel failed"
ok "kvm and kvm_intel loaded"
mv_load

spawn /tmp/kvm_hold.out "$MV_PROGS/kvm_hold"
holder=$SPAWNED
if ! wait_for /tmp/kvm_hold.out '^kvm_hold: ready' 60; then
	cat /tmp/kvm_hold.out
	fail "kvm_hold did not print 'kvm_hold: ready' within 60 s"
fi
ok "kvm_hold holds a KVM VM (pid $holder)"

run_guest hello-real
cat /tmp/hello-real.err
[ "$RUN_RC" -ne 0 ] || fail "minivisor run succeeded while KVM holds VMX"
grep -Eqi 'EBUSY|busy' /tmp/hello-real.err ||
	fail "minivisor run failed (exit $RUN_RC) but its stderr does not mention EBUSY/busy"
ok "minivisor run refused with EBUSY while KVM holds VMX (exit $RUN_RC)"
lines=$(new_dmesg | grep -i 'minivisor' | grep -i 'vmx' | grep -Eic 'in use|busy' || true)
[ "$lines" -eq 1 ] || {
	new_dmesg | grep -i minivisor
	fail "expected exactly one minivisor log line about VMX in use, found $lines"
}
ok "exactly one minivisor log line about VMX being in use"

kill "$holder"
wait "$holder" 2>/dev/null || true
ok "kvm_hold stopped"

check_guest hello-real || fail "minivisor run failed after KVM let go of VMX"
ok "minivisor runs once KVM's VM is gone"

rmmod kvm_intel || fail "rmmod kvm_intel failed"
rmmod kvm || fail "rmmod kvm failed"
ok "rmmod kvm_intel kvm"
mv_unload
check_dmesg_clean

# SPDX-License-Identifier: GPL-2.0
# The module's lifetime against its users (tests/integration/progs/lifecycle):
# rmmod is refused while any reference is held (system, VM or vCPU fd, a
# run page or ring area still mapped with every fd closed); 1000 VM
# create/run/destroy cycles leave kernel memory where it was; kvm_intel and
# minivisor loaded in both orders, each running a guest while the other is
# loaded, and each refused (EBUSY) while the other holds VMX. (Scenario 05
# covers KVM holding VMX while minivisor asks; this one the other way round.)
# timeout: 240
set -e
# shellcheck source=tests/integration/lib.sh
. /mv/lib.sh

need_prog lifecycle
need_prog kvm_run
need_guest hello-real

refcount() { awk '$1 == "minivisor" { print $3 }' /proc/modules; }

# ---- rmmod while a reference is held -----------------------------------------
mv_load
for kind in sys vm vcpu runmap ringmap; do
	spawn /tmp/hold.out lifecycle hold "$kind"
	holder=$SPAWNED
	wait_for /tmp/hold.out '^lifecycle: holding' 30 || {
		cat /tmp/hold.out
		fail "lifecycle hold $kind did not get ready"
	}
	lifecycle try-unload || fail "the module could be unloaded while $kind was held"
	if rmmod minivisor 2>/tmp/rmmod.err; then
		fail "rmmod succeeded while $kind was held"
	fi
	grep -q '^minivisor ' /proc/modules || fail "minivisor gone after a refused rmmod ($kind)"
	ok "rmmod refused while a $kind reference is held (refcount $(refcount); rmmod: $(cat /tmp/rmmod.err))"
	kill "$holder"
	wait "$holder" 2>/dev/null || true
	grep -q '^lifecycle: released' /tmp/hold.out || fail "lifecycle hold $kind did not release"
	[ "$(refcount)" = 0 ] || fail "refcount $(refcount) after the $kind holder exited"
done
mv_unload
mv_load
ok "rmmod works once every reference is gone"

# ---- 1000 create/destroy cycles: no kernel memory left behind ---------------
# SUnreclaim may grow by 128 KiB (131 bytes a cycle: less than any object a
# cycle allocates, struct mv_vcpu alone is several KiB) and MemFree drop by
# 1 MiB (a quarter page a cycle), so a leak of one object or one page per
# cycle fails.
lifecycle cycles 1000 --slab-kb 128 --free-kb 1024 >/tmp/cycles.out 2>&1 || {
	cat /tmp/cycles.out
	fail "lifecycle cycles failed"
}
sed 's/^/  /' /tmp/cycles.out
ok "1000 VM create/run/destroy cycles: kernel memory back within tolerance, no VM count leaked"
mv_unload

# ---- kvm_intel and minivisor, both orders --------------------------------------
kvm_guest() {	# kvm_guest WHAT: hello-real under KVM must give its exact output
	rc=0
	kvm_run "$MV_GUESTS/hello-real.bin" >/tmp/kvm.out 2>/tmp/kvm.err || rc=$?
	if [ "$rc" -ne 0 ] || ! cmp -s /tmp/kvm.out "$MV_GUESTS/hello-real.expected"; then
		cat /tmp/kvm.out /tmp/kvm.err
		fail "KVM did not run hello-real $1 (exit $rc)"
	fi
	ok "KVM runs hello-real $1"
}
mv_guest() {	# mv_guest WHAT
	lifecycle run >/tmp/mv.out 2>&1 || { cat /tmp/mv.out; fail "minivisor did not run a guest $1"; }
	ok "minivisor runs a guest $1"
}

# Order 1: minivisor first, then kvm_intel; kvm_intel unloaded first.
mv_load
modprobe kvm_intel || fail "modprobe kvm_intel with minivisor loaded failed"
ok "kvm_intel loaded after minivisor"
kvm_guest "with minivisor loaded"
mv_guest "with kvm_intel loaded"
spawn /tmp/hold.out lifecycle hold vm
holder=$SPAWNED
wait_for /tmp/hold.out '^lifecycle: holding' 30 || fail "lifecycle hold vm did not get ready"
rc=0
kvm_run "$MV_GUESTS/hello-real.bin" >/tmp/kvm.out 2>/tmp/kvm.err || rc=$?
[ "$rc" -ne 0 ] || fail "KVM created a VM while minivisor holds VMX"
grep -qi 'busy' /tmp/kvm.err || { cat /tmp/kvm.err; fail "KVM failed (exit $rc) but not with EBUSY"; }
ok "KVM_CREATE_VM refused while a minivisor VM holds VMX ($(cat /tmp/kvm.err))"
kill "$holder"
wait "$holder" 2>/dev/null || true
kvm_guest "once minivisor's VM is gone"
mv_guest "after KVM ran"
rmmod kvm_intel || fail "rmmod kvm_intel failed"
rmmod kvm || fail "rmmod kvm failed"
ok "kvm_intel unloaded first"
mv_guest "after kvm_intel was unloaded"
mv_unload

# Order 2: kvm_intel first, then minivisor; minivisor unloaded first.
modprobe kvm_intel || fail "modprobe kvm_intel failed"
mv_load
ok "minivisor loaded after kvm_intel"
mv_guest "with kvm_intel loaded"
kvm_guest "with minivisor loaded"
spawn /tmp/kvmhold.out kvm_hold
holder=$SPAWNED
wait_for /tmp/kvmhold.out '^kvm_hold: ready' 60 || fail "kvm_hold did not get ready"
lifecycle run --expect-busy || fail "minivisor created a VM while KVM holds VMX"
ok "MV_CREATE_VM refused with EBUSY while a KVM VM holds VMX"
kill "$holder"
wait "$holder" 2>/dev/null || true
mv_guest "once KVM's VM is gone"
mv_unload
ok "minivisor unloaded first"
kvm_guest "after minivisor was unloaded"
rmmod kvm_intel || fail "rmmod kvm_intel failed"
rmmod kvm || fail "rmmod kvm failed"
ok "kvm_intel unloaded"
check_dmesg_clean

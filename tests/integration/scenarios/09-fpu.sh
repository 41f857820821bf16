# SPDX-License-Identifier: GPL-2.0
# Guest FPU state: guests/fpu.bin checks its own XMM/YMM, x87 and MXCSR
# survive 2000 exits and that XSETBV is emulated (its .expected is also
# run by 03-guests); here it runs under progs/fpu_host, which meanwhile
# keeps loading, yielding and checking its own XMM/YMM registers and MXCSR
# on the same CPU, so guest state leaking into another task, or a guest
# run with registers the kernel thinks are someone else's, is caught.
# Three runs, then dmesg must be clean (no FPU warnings from the kernel).
# timeout: 180
set -e
# shellcheck source=tests/integration/lib.sh
. /mv/lib.sh

need_tool
need_guest fpu
need_prog fpu_host

mv_load
for i in 1 2 3; do
	rc=0
	"$MV_PROGS/fpu_host" minivisor run --entry long "$MV_GUESTS/fpu.bin" \
		>/tmp/fpu_host.out 2>/tmp/fpu_host.err || rc=$?
	say "run $i: $(grep '^fpu_host:' /tmp/fpu_host.out)"
	[ "$rc" -eq 0 ] || fail "run $i: fpu_host exited $rc: $(cat /tmp/fpu_host.out /tmp/fpu_host.err)"
	grep -v '^fpu_host:' /tmp/fpu_host.out >/tmp/fpu.out
	if ! cmp -s "$MV_GUESTS/fpu.expected" /tmp/fpu.out; then
		diff -u "$MV_GUESTS/fpu.expected" /tmp/fpu.out | head -n 40 | sed 's/^/    /'
		fail "run $i: the guest's output differs from fpu.expected"
	fi
	ok "run $i: guest registers intact, host task's registers intact"
done
mv_unload
check_dmesg_clean

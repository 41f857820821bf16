# SPDX-License-Identifier: GPL-2.0
# Guests that never stop on their own are ended by a signal to the VMM:
# one spinning with interrupts off (the host's timer interrupt makes it
# exit, and RUN fails with EINTR once a signal is pending), and one halted
# with interrupts on, which sleeps in the kernel and must use (almost) no
# CPU time while it waits. Both end with status 130 after SIGINT.
# timeout: 60
set -e
# shellcheck source=tests/integration/lib.sh
. /mv/lib.sh

need_tool
need_guest spin
need_guest idle

# cpu_ticks PID: user + system time of the process, in clock ticks.
cpu_ticks() {
	awk '{ print $14 + $15 }' "/proc/$1/stat"
}

mv_load
for g in spin idle; do
	minivisor run "$MV_GUESTS/$g.bin" >"/tmp/$g.out" 2>"/tmp/$g.err" &
	pid=$!
	# Measure once the guest runs: creating the VM (pinning its 64 MiB)
	# alone takes about 2.5 s of the PC's time.
	wait_for "/tmp/$g.out" '^(spinning|idle) ' 30 ||
		fail "$g printed nothing in 30 s: $(cat "/tmp/$g.err")"
	sleep 1
	kill -0 "$pid" 2>/dev/null || fail "$g ended on its own: $(cat "/tmp/$g.err")"
	t0=$(cpu_ticks "$pid")
	sleep 2
	t1=$(cpu_ticks "$pid")
	used=$((t1 - t0))
	say "$g: $used clock ticks of CPU in 2 s"
	if [ "$g" = idle ] && [ "$used" -gt 10 ]; then
		fail "the halted guest burnt $used ticks of CPU in 2 s"
	fi
	if [ "$g" = spin ] && [ "$used" -lt 50 ]; then
		fail "the spinning guest got only $used ticks in 2 s: was it running?"
	fi
	kill -INT "$pid"
	rc=0
	wait "$pid" || rc=$?
	[ "$rc" -eq 130 ] || fail "$g: exit status $rc after SIGINT, expected 130: $(cat "/tmp/$g.err")"
	grep -q "interrupted" "/tmp/$g.err" || fail "$g: no 'interrupted' in: $(cat "/tmp/$g.err")"
	ok "$g: running for 3 s, ended by SIGINT with status 130"
done
mv_unload
check_dmesg_clean

# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# Helpers for the integration scenarios (busybox sh, inside the emulated
# PC; installed as /mv/lib.sh). A scenario starts with
#     set -e
#     . /mv/lib.sh
# and may declare, in its leading comment:
#     # needs: smp        run it in the boot with 2 CPUs
#     # timeout: N        time limit in (guest) seconds, default 60
# It prints what it checks and exits non-zero on the first failure.

MV_KO=/mv/minivisor.ko
MV_GUESTS=/mv/guests
MV_PROGS=/mv/progs

say() { echo "$*"; }
ok() { echo "ok: $*"; }
fail() {
	echo "FAILED: $*"
	exit 1
}

# Why a part of the build is not in the initramfs ("failed"/"missing"/"ok").
build_status() {
	sed -n "s/^$1 //p" /mv/build-status 2>/dev/null
}
why_missing() {	# why_missing PART
	case "$(build_status "$1")" in
	failed) echo "its build failed (see the build output above the results on the host)" ;;
	missing) echo "it was not built (no such file in the tree)" ;;
	*) echo "it is not in the initramfs" ;;
	esac
}

need_module() {
	[ -f "$MV_KO" ] || fail "minivisor.ko is missing: $(why_missing module)"
}
need_tool() {
	command -v minivisor >/dev/null 2>&1 ||
		fail "the minivisor tool is missing: $(why_missing userspace)"
}
need_prog() {	# need_prog NAME: tests/integration/progs/NAME
	[ -x "$MV_PROGS/$1" ] ||
		fail "tests/integration/progs/$1 is missing: $(why_missing progs)"
}
need_guest() {	# need_guest NAME: guests/NAME.bin
	[ -f "$MV_GUESTS/$1.bin" ] ||
		fail "guests/$1.bin is missing: $(why_missing guests)"
}

# insmod the module and wait for /dev/minivisor.
mv_load() {
	need_module
	insmod "$MV_KO" || fail "insmod minivisor.ko failed"
	i=0
	while [ ! -c /dev/minivisor ]; do
		i=$((i + 1))
		[ "$i" -le 20 ] || fail "/dev/minivisor did not appear after insmod"
		sleep 0.1
	done
	ok "insmod minivisor.ko; /dev/minivisor is a character device"
}
mv_unload() {
	rmmod minivisor || fail "rmmod minivisor failed"
	! grep -q '^minivisor ' /proc/modules || fail "minivisor still loaded after rmmod"
	ok "rmmod minivisor"
}

# Kernel log lines since the scenario began (init.sh cleared the log).
new_dmesg() { dmesg; }

# The kernel log must have no warning/bug/oops/trace and no taint message
# other than the out-of-tree / unsigned module one.
check_dmesg_clean() {
	bad=$(new_dmesg | grep -E 'WARNING:|BUG:|Oops|Call Trace|general protection|unable to handle' || true)
	[ -z "$bad" ] || { new_dmesg | tail -n 40; fail "kernel log has: $(echo "$bad" | head -n 3)"; }
	taint=$(new_dmesg | grep -i 'taint' |
		grep -v -e 'loading out-of-tree module taints kernel' \
			-e 'module verification failed: signature and/or required key missing - tainting kernel' || true)
	[ -z "$taint" ] || fail "unexpected taint message: $taint"
	ok "kernel log clean (no WARNING/BUG/Oops/Call Trace, no other taint)"
}

# Start a command in the background (init.sh kills whatever a scenario
# leaves running).   spawn OUTFILE CMD...   sets $SPAWNED to the pid.
spawn() {
	out=$1
	shift
	"$@" >"$out" 2>&1 &
	# shellcheck disable=SC2034 # read by the scenarios
	SPAWNED=$!
}

# wait_for FILE REGEX SECONDS: until FILE has a line matching REGEX.
wait_for() {
	i=0
	while ! grep -Eq "$2" "$1" 2>/dev/null; do
		i=$((i + 1))
		[ "$i" -le $(($3 * 10)) ] || return 1
		sleep 0.1
	done
}

# run_guest NAME [ARGS...]: runs `minivisor run ARGS $MV_GUESTS/NAME.bin`
# with guests/NAME.args prepended to ARGS; sets $RUN_RC, /tmp/NAME.out and
# /tmp/NAME.err.
run_guest() {
	name=$1
	shift
	need_guest "$name"
	args=""
	[ -f "$MV_GUESTS/$name.args" ] && args=$(cat "$MV_GUESTS/$name.args")
	RUN_RC=0
	# shellcheck disable=SC2086 # .args holds several words
	timeout -s TERM "${RUN_TIMEOUT:-30}" minivisor run $args "$@" "$MV_GUESTS/$name.bin" \
		>"/tmp/$name.out" 2>"/tmp/$name.err" || RUN_RC=$?
	echo "\$ minivisor run $args $* $MV_GUESTS/$name.bin  -> exit $RUN_RC"
}

# check_guest NAME: run_guest, then compare stdout with NAME.expected, the
# exit status with NAME.exitcode (default 0) and, if NAME.stderr exists,
# require every line of it (a grep -E pattern) to match the tool's stderr.
# Returns non-zero (and prints a diff) on a mismatch, without exiting.
check_guest() {
	name=$1
	want_rc=0
	[ -f "$MV_GUESTS/$name.exitcode" ] && want_rc=$(tr -d ' \n' <"$MV_GUESTS/$name.exitcode")
	run_guest "$name"
	good=1
	if [ "$RUN_RC" -ne "$want_rc" ]; then
		echo "  exit status $RUN_RC, expected $want_rc"
		good=0
	fi
	if [ -f "$MV_GUESTS/$name.expected" ]; then
		if ! cmp -s "$MV_GUESTS/$name.expected" "/tmp/$name.out"; then
			echo "  stdout differs from guests/$name.expected:"
			diff -u "$MV_GUESTS/$name.expected" "/tmp/$name.out" | head -n 40 | sed 's/^/    /'
			good=0
		fi
	fi
	if [ -f "$MV_GUESTS/$name.stderr" ]; then
		while IFS= read -r pat; do
			[ -n "$pat" ] || continue
			if ! grep -Eq -- "$pat" "/tmp/$name.err"; then
				echo "  stderr does not match /$pat/ (guests/$name.stderr)"
				good=0
			fi
		done <"$MV_GUESTS/$name.stderr"
	fi
	if [ "$good" -eq 1 ]; then
		ok "guest $name: output and exit status as expected"
		return 0
	fi
	echo "  stderr:"
	head -n 20 "/tmp/$name.err" | sed 's/^/    /'
	return 1
}

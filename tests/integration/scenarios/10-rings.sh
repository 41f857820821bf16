# SPDX-License-Identifier: GPL-2.0
# Exit forwarding through shared rings. guests/ringstream.bin streams
# 25001 writes and 1569 reads (MMIO and port I/O) to the ring-test device
# and checks the device's checksum against its own; its output must be
# guests/ringstream.expected whichever path serves the device: (a) classic
# exits, (b) posted writes through a 4-entry ring (it wraps and fills
# thousands of times), (c) synchronous requests with 2 vCPUs (each its own
# stream), (d) posted, the device thread busy-polling and the kernel
# spinning 50 us before it sleeps. The --stats ring counters must be
# exact: every write posted (25001) or waited for, every read waited for.
# Then progs/ring_hostile (TAP) corrupts the rings, kills and closes under
# a waiting vCPU, fills a 2-entry ring and feeds bad setup values; then
# the module must unload (nothing leaked) with a clean kernel log.
# timeout: 480
set -e
# shellcheck source=tests/integration/lib.sh
. /mv/lib.sh

# What guests/ringstream.S does on vCPU 0 (see its header).
WRITES=25001	# 20000 MMIO DATA + RESET + 5000 OUT
READS=1569	# CHECKSUM, COUNT, ERRORS reads and 312 INs
# Sync runs take a while in an emulator: more than run_guest's default.
# shellcheck disable=SC2034 # read by run_guest in lib.sh
RUN_TIMEOUT=240

need_tool
need_guest ringstream
need_prog ring_hostile
mv_load

# uptime_cs: the kernel's uptime in hundredths of a second.
uptime_cs() {
	awk '{ sub(/\./, "", $1); print $1 + 0 }' /proc/uptime
}
# elapsed T0: seconds since uptime_cs said T0, as S.CC.
elapsed() {
	d=$(($(uptime_cs) - $1))
	printf '%d.%02d' $((d / 100)) $((d % 100))
}

# stat_of LABEL FILE: the first "LABEL: N" line's N (vCPU 0's with --cpus).
stat_of() {
	awk -F': *' -v k="$1" '$1 == k { print $2; exit }' "$2"
}

# stream TAG ARGS...: runs ringstream with ARGS (and --stats); its guest
# output (stdout up to the blank line before the statistics) must equal
# ringstream.expected and it must end through the debug-exit port with 0.
# Leaves the whole stdout in /tmp/ring-TAG.out.
stream() {
	tag=$1
	shift
	t0=$(uptime_cs)
	run_guest ringstream --stats "$@"
	t=$(elapsed "$t0")
	cp /tmp/ringstream.out "/tmp/ring-$tag.out"
	sed '/^$/,$d' "/tmp/ring-$tag.out" >"/tmp/ring-$tag.guest"
	if ! cmp -s "$MV_GUESTS/ringstream.expected" "/tmp/ring-$tag.guest"; then
		diff -u "$MV_GUESTS/ringstream.expected" "/tmp/ring-$tag.guest" | head -n 20 | sed 's/^/    /'
		head -n 20 /tmp/ringstream.err | sed 's/^/    stderr: /'
		fail "($tag) the guest's output differs from ringstream.expected (exit $RUN_RC)"
	fi
	[ "$RUN_RC" -eq 0 ] || fail "($tag) exit status $RUN_RC: $(head -n 5 /tmp/ringstream.err)"
	grep -q "guest wrote 0x00 to the debug-exit port" /tmp/ringstream.err ||
		fail "($tag) unexpected stop: $(head -n 5 /tmp/ringstream.err)"
	ok "($tag) ringstream $* ran as expected in $t s"
	posted=$(stat_of "ring posted writes" "/tmp/ring-$tag.out")
	waited=$(stat_of "ring waited requests" "/tmp/ring-$tag.out")
	full=$(stat_of "ring full waits" "/tmp/ring-$tag.out")
	say "    exits to userspace: $(stat_of "exits to userspace" "/tmp/ring-$tag.out"), ring posted writes: ${posted:--}, ring waited requests: ${waited:--}, ring full waits: ${full:--}"
}

# expect_stats TAG POSTED WAITED FULL: FULL is "0", ">0" or "any".
expect_stats() {
	if [ -z "$posted" ] || [ -z "$waited" ] || [ -z "$full" ]; then
		fail "($1) --stats printed no ring lines: $(sed -n '/^$/,$p' "/tmp/ring-$1.out" | head -n 20)"
	fi
	[ "$posted" -eq "$2" ] || fail "($1) ring posted writes: $posted, expected $2"
	[ "$waited" -eq "$3" ] || fail "($1) ring waited requests: $waited, expected $3"
	case $4 in
	0) [ "$full" -eq 0 ] || fail "($1) ring full waits: $full, expected 0" ;;
	">0") [ "$full" -gt 0 ] || fail "($1) ring full waits: $full, expected > 0 (a 4-entry ring never filled?)" ;;
	esac
	ok "($1) stats: $posted posted writes, $waited waited requests, $full full waits"
}

# (a) Classic exits: the same output, and no ring statistics.
stream classic
[ -z "$posted$waited$full" ] ||
	fail "(classic) --stats printed ring lines without --ring"
[ "$(stat_of "exits to userspace" /tmp/ring-classic.out)" -ge $((WRITES + READS)) ] ||
	fail "(classic) fewer exits to userspace than the $((WRITES + READS)) device accesses"
ok "(classic) every device access was an exit to userspace"

# (b) Posted through a 4-entry ring.
stream posted --ring ring-test:posted --ring-entries 4
expect_stats posted "$WRITES" "$READS" ">0"

# (c) Synchronous: every access waits for its completion; vCPU 1 streams
# too (its own, shorter sequence, in the device's vCPU 1 state). vCPU 0's
# counters come first in the statistics.
stream sync --ring ring-test --cpus 2
expect_stats sync 0 $((WRITES + READS)) any

# (d) Posted, the device thread busy-polling, the kernel spinning first.
stream poll --ring ring-test:posted --ring-poll --ring-busy-poll 50
expect_stats poll "$WRITES" "$READS" any

# The hostile VMM.
rc=0
t0=$(uptime_cs)
"$MV_PROGS/ring_hostile" >/tmp/ring_hostile.out 2>&1 || rc=$?
t=$(elapsed "$t0")
cat /tmp/ring_hostile.out
passed=$(grep -c '^ok ' /tmp/ring_hostile.out || true)
failed=$(grep -c '^not ok ' /tmp/ring_hostile.out || true)
[ "$rc" -eq 0 ] || fail "ring_hostile exited $rc ($failed TAP failures)"
[ "$failed" -eq 0 ] || fail "ring_hostile exited 0 but printed $failed 'not ok' lines"
[ "$passed" -gt 0 ] || fail "ring_hostile printed no 'ok' line"
grep -q '^1\.\.[0-9]' /tmp/ring_hostile.out || fail "ring_hostile printed no TAP plan"
ok "ring_hostile: $passed checks passed in $t s"

mv_unload
check_dmesg_clean

# SPDX-License-Identifier: GPL-2.0
# Hostile guests (issue 8): nothing a guest does, and no invalid state its
# VMM loads, may crash, hang, corrupt or leak the host. Eight classes of
# attack (guests/hostile-*.S, progs/hostile_state), each asserting a real
# outcome: the tool's exit status and message, exact counts printed by
# the guest or in `--stats`, the host still running other work, no VM
# left behind (`minivisor stats`), the next VM running, a clean kernel
# log, the module unloading. Each class ends with a line
#   CASES <class> <n> tried, <outcome>
# that tests/integration/README.md quotes. A check that shows a known
# module or tool bug (listed in README's paragraph) prints "XFAIL ..." and
# counts as expected; once the bug is fixed it prints "XPASS ..." and the
# scenario fails at its end until the XFAIL is made a plain check.
# timeout: 150
# shellcheck disable=SC2086,SC2015 # $MEM is two words on purpose; every
# "A && B || fail" below means "unless A and B hold, fail"
set -e
# shellcheck source=tests/integration/lib.sh
. /mv/lib.sh

need_tool
need_prog hostile_state
for g in hostile-insn hostile-pae hostile-mem hostile-ports hostile-cr8-set \
	hostile-cr8-restore hostile-tf-real hostile-tf-smp hostile-spin-cpuid \
	hostile-irq-sync hostile-mmio-pt hostile-mmio-moffs spin idle hello-long; do
	need_guest "$g"
done

# Small guests: 2 MiB of RAM instead of the tool's default 64 MiB makes
# each VM's setup and teardown (pinning, EPT) a fraction of a second.
MEM="--mem 2M"
RUN_TIMEOUT=120

XFAILS=0
XPASSES=0
# xfail WHAT: a check that shows a known bug (see the README paragraph).
xfail() {
	XFAILS=$((XFAILS + 1))
	echo "XFAIL: $*"
}
# xpass WHAT: that bug is gone; the scenario fails at its end (so that
# one run shows every fixed bug) until the check is made plain.
xpass() {
	XPASSES=$((XPASSES + 1))
	echo "XPASS: $*"
}

# no_vms: the module keeps no VM after the tool ended, however it ended.
no_vms() {
	minivisor stats >/tmp/stats.out 2>&1 || fail "minivisor stats failed: $(cat /tmp/stats.out)"
	grep -qx 'no VMs' /tmp/stats.out || fail "a VM outlived its tool ($1): $(cat /tmp/stats.out)"
}

# stat_of FILE REASON: the count of a basic exit reason in --stats output.
stat_of() {
	awk -v r="$2" '$1 == r && NF == 3 { print $3; f = 1 } END { if (!f) print 0 }' "$1"
}
# unhandled_of FILE "port reads": the "unhandled port reads: N" counter.
unhandled_of() {
	sed -n "s/^unhandled $2: //p" "$1" | head -n1 | grep . || echo 0
}
# rip_of FILE: the rip in the tool's "at rip 0x..." message, as a number.
rip_of() {
	r=$(sed -n 's/.* at rip \(0x[0-9a-f]*\).*/\1/p' "$1" | head -n1)
	[ -n "$r" ] || return 1
	echo $((r))
}

# alive PID: the process runs (a child that exited is a zombie until
# `wait`, which kill -0 still finds). Shell builtins only: a fork per
# poll is slow in the emulated PC.
alive() {
	[ -r "/proc/$1/stat" ] || return 1
	read -r st <"/proc/$1/stat" || return 1
	case "$st" in
	*") Z "* | *") X "*) return 1 ;;
	esac
	return 0
}

# The waits below poll in a loop bounded by iterations, not by the PC's
# clock: a kill is seen at the first or second poll, a stuck process is
# found after a bounded number of them, however fast the emulator runs.

# wait_gone PID [MAX]: until PID has exited, at most MAX polls (default
# 300, far more than a kill needs: it is gone at the first or second).
# Sets $POLLS.
wait_gone() {
	POLLS=0
	while alive "$1"; do
		POLLS=$((POLLS + 1))
		[ "$POLLS" -le "${2:-300}" ] || return 1
	done
}

# wait_line FILE PATTERN: until a line of FILE matches the shell PATTERN
# (at most 100000 polls).
wait_line() {
	wl=0
	while :; do
		if [ -s "$1" ]; then
			while IFS= read -r l; do
				# shellcheck disable=SC2254 # $2 is a pattern on purpose
				case "$l" in $2) return 0 ;; esac
			done <"$1"
		fi
		wl=$((wl + 1))
		[ "$wl" -le 100000 ] || return 1
	done
}

# heartbeat N: a plain shell loop of N iterations (the "host keeps
# making progress" probe while a guest storms: on this one-CPU PC it only
# finishes if the scheduler keeps giving it time).
heartbeat() {
	hb=0
	while [ "$hb" -lt "$1" ]; do hb=$((hb + 1)); done
}

# next_vm_runs WHEN: a well-behaved guest still runs as before.
next_vm_runs() {
	run_guest hello-long $MEM
	[ "$RUN_RC" -eq 0 ] && cmp -s /tmp/hello-long.out "$MV_GUESTS/hello-long.expected" ||
		fail "hello-long did not run as before $1: status $RUN_RC, $(cat /tmp/hello-long.out /tmp/hello-long.err)"
	ok "hello-long ran as expected $1"
}

mv_load
no_vms "after insmod"

# ---- 1. triple faults --------------------------------------------------
n=0
for c in real long gate handler stack cr3 smp; do
	g=hostile-tf-$c
	args="$MEM --entry long"
	[ "$c" = real ] && args="$MEM"
	[ "$c" = smp ] && args="$args --cpus 2"
	# shellcheck disable=SC2086
	run_guest "$g" $args
	[ "$RUN_RC" -eq 2 ] || fail "$g: exit status $RUN_RC, expected 2: $(cat /tmp/$g.err)"
	grep -q 'guest triple-faulted (shutdown) at rip 0x' "/tmp/$g.err" ||
		fail "$g: no triple-fault message: $(cat /tmp/$g.err)"
	want=$(sed -n 's/.*fault at rip \(0x[0-9a-f]*\).*/\1/p' "/tmp/$g.out")
	if [ -n "$want" ]; then
		got=$(rip_of "/tmp/$g.err")
		[ "$got" = "$((want))" ] ||
			fail "$g: the tool reports rip $(sed -n 's/.*at rip //p' /tmp/$g.err), the guest faulted at $want"
	fi
	if [ "$c" = smp ]; then
		grep -q '^minivisor: vCPU 1: guest triple-faulted' "/tmp/$g.err" ||
			fail "$g: the stop is not vCPU 1's: $(cat /tmp/$g.err)"
	fi
	ok "$g: status 2, $(sed -n 's/^minivisor: //p' /tmp/$g.err)"
	n=$((n + 1))
done
no_vms "after the triple faults"
next_vm_runs "after the triple faults"
echo "CASES 1-triple-fault $n tried, every one status 2 with \"guest triple-faulted (shutdown) at rip\" naming the faulting instruction; no VM left, the next VM ran"

# ---- 2. invalid state ----------------------------------------------------
rc=0
"$MV_PROGS/hostile_state" >/tmp/hostile_state.out 2>&1 || rc=$?
grep -E '^(not ok|# CASES)' /tmp/hostile_state.out || true
bad=$(grep -c '^not ok' /tmp/hostile_state.out || true)
[ "$rc" -eq 0 ] && [ "$bad" -eq 0 ] ||
	{ cat /tmp/hostile_state.out; fail "hostile_state: exit $rc, $bad failed checks"; }
entry=$(sed -n 's/^# CASES entry \([0-9]*\) reject \([0-9]*\)/\1/p' /tmp/hostile_state.out)
reject=$(sed -n 's/^# CASES entry \([0-9]*\) reject \([0-9]*\)/\2/p' /tmp/hostile_state.out)
ok "hostile_state: $(grep -c '^ok' /tmp/hostile_state.out) checks passed"
# The guest makes its own state invalid: PAE paging with a bad PDPTE.
run_guest hostile-pae $MEM
[ "$RUN_RC" -eq 0 ] && grep -qx 'pae: MOV to CR0.PG raised #GP' /tmp/hostile-pae.out ||
	fail "hostile-pae: status $RUN_RC, no #GP: $(cat /tmp/hostile-pae.out /tmp/hostile-pae.err)"
ok "hostile-pae: the guest's MOV to CR0.PG with a reserved bit in a PAE PDPTE raised #GP in the guest"
no_vms "after the invalid states"
echo "CASES 2-invalid-state $((entry + reject + 1)) tried, $entry states VM entry refuses: RUN -> MV_EXIT_FAIL_ENTRY 0x80000021 twice, then the vCPU ran; $reject refused by SET_SREGS with EINVAL, state unchanged; 1 made by the guest (MOV to CR0.PG, bad PAE PDPTE): #GP in the guest"

# ---- 3. endless loops, killed -------------------------------------------
n=0
# kill_case GUEST SIGNAL ENTRY-ARGS: start, wait for the first line, check
# it still runs, signal it, and require the right end in bounded time.
kill_case() {
	g=$1
	sig=$2
	shift 2
	# Empty now: the child truncates them only when it gets to run.
	: >"/tmp/$g.out"
	# shellcheck disable=SC2086
	minivisor run $MEM "$@" "$MV_GUESTS/$g.bin" >"/tmp/$g.out" 2>"/tmp/$g.err" &
	pid=$!
	wait_line "/tmp/$g.out" '?*' || fail "$g printed nothing: $(cat /tmp/$g.err)"
	alive "$pid" || fail "$g ended by itself: $(cat /tmp/$g.err)"
	kill "-$sig" "$pid"
	wait_gone "$pid" || { kill -9 "$pid"; fail "$g: still running after SIG$sig"; }
	rc=0
	wait "$pid" || rc=$?
	if [ "$sig" = TERM ]; then
		[ "$rc" -eq 130 ] && grep -q 'minivisor: interrupted' "/tmp/$g.err" ||
			fail "$g: SIGTERM gave status $rc: $(cat /tmp/$g.err)"
	else
		[ "$rc" -eq 137 ] || fail "$g: SIGKILL gave status $rc"
	fi
	ok "$g ($(head -n1 /tmp/$g.out)): SIG$sig ended it in $POLLS polls, status $rc"
	n=$((n + 1))
}
kill_case spin TERM
kill_case hostile-spin-pause TERM --entry long
kill_case hostile-spin-pause KILL --entry long
kill_case hostile-spin-cpuid TERM --entry long
kill_case hostile-spin-cpuid KILL --entry long
kill_case hostile-spin-io TERM --entry long
kill_case hostile-spin-sti KILL --entry long
kill_case idle KILL
no_vms "after the kills"
echo "CASES 3-endless-loops $n tried, IF=0 JMP/PAUSE loops, a loop of kernel-handled CPUID exits, of IN exits, IF=1 JMP, STI;HLT: SIGTERM -> status 130, SIGKILL -> 137, each within a few polls; no VM left"

# ---- 4. VMX and odd instructions ----------------------------------------
g=hostile-insn
run_guest $g $MEM --entry long --stats
[ "$RUN_RC" -eq 0 ] || { cat /tmp/$g.out; fail "$g: status $RUN_RC: $(cat /tmp/$g.err)"; }
! grep -q FAIL /tmp/$g.out || { cat /tmp/$g.out; fail "$g: a check failed"; }
grep -qx 'insn: vmx: 16 of 16 as expected' /tmp/$g.out || fail "$g: no vmx summary"
grep -qx 'insn: odd: 17 of 17 as expected' /tmp/$g.out || fail "$g: no odd summary"
# Exactly one exit per VMX instruction that exits, turned into #UD.
for r in 18 19 20 21 22 23 24 25 26 27 50 53 13 36 39 55; do
	[ "$(stat_of /tmp/$g.out $r)" = 1 ] || { cat /tmp/$g.out; fail "$g: exit reason $r count $(stat_of /tmp/$g.out $r), expected 1"; }
done
[ "$(stat_of /tmp/$g.out 28)" = 2 ] || fail "$g: CR_ACCESS exits $(stat_of /tmp/$g.out 28), expected 2"
# RDPMC (twice, #GP) and WBINVD (1000 times, skipped) never reach the host CPU.
[ "$(stat_of /tmp/$g.out 15)" = 2 ] || fail "$g: RDPMC exits $(stat_of /tmp/$g.out 15), expected 2"
[ "$(stat_of /tmp/$g.out 54)" = 1000 ] || fail "$g: WBINVD exits $(stat_of /tmp/$g.out 54), expected 1000"
[ "$(stat_of /tmp/$g.out 48)" = 3 ] || fail "$g: EPT violations $(stat_of /tmp/$g.out 48), expected 3"
[ "$(unhandled_of /tmp/$g.out 'port writes')" = 3 ] &&
	[ "$(unhandled_of /tmp/$g.out 'MMIO reads')" = 1 ] &&
	[ "$(unhandled_of /tmp/$g.out 'MMIO writes')" = 2 ] ||
	{ cat /tmp/$g.out; fail "$g: unhandled counters differ from 3 port writes, 1 MMIO read, 2 MMIO writes"; }
ok "$g: 16 VMX cases and 17 odd instructions as expected; one exit each for VMXON..INVVPID, INVD, MONITOR, MWAIT, XSETBV; RDPMC and WBINVD intercepted"
echo "CASES 4-vmx-instructions 16 tried, VMXON VMXOFF VMREAD VMWRITE VMPTRLD VMPTRST VMCLEAR VMLAUNCH VMRESUME INVEPT INVVPID (one exit each, #UD injected), VMFUNC GETSEC (#UD from the CPU): #UD caught by the guest's IDT; CR4.VMXE/SMXE: #GP; VMCALL unknown: -EOPNOTSUPP"
# CR8 is the host's TPR unless the module intercepts it.
run_guest hostile-cr8-set $MEM --entry long
set_out=$(cat /tmp/hostile-cr8-set.out)
run_guest hostile-cr8-restore $MEM --entry long
restore_out=$(cat /tmp/hostile-cr8-restore.out)
echo "$set_out / $restore_out"
[ "$set_out" = "cr8: at entry 0, wrote 2, read back 2" ] &&
	[ "$restore_out" = "cr8: at entry 0, wrote 1, read back 1" ] ||
	fail "CR8 is not each VM's own (the host's TPR is 0x10: CR8 1): $set_out / $restore_out"
ok "CR8: each VM starts with its own CR8 = 0 and reads back what it wrote; the host's TPR is neither seen nor changed"
echo "CASES 4-odd-instructions 19 tried, INVD MONITOR MWAIT WBINVDx1000 (no-op exits), RDPMC(0) RDPMC(bad) (exits, #GP: no counters) XSETBV(ECX=1): #GP, XSETBV(no OSXSAVE) RSM: #UD, ICEBP: #DB, INT3: #BP, INIT/SIPI to 0xfee00300 and APIC ID read: unhandled MMIO, resets via 0xcf9/0x64/0x92: unhandled ports; CR8 in 2 VMs: 0 at each entry, the host's TPR untouched"

# ---- 5. MMIO storms and MMIO the module cannot emulate --------------------
g=hostile-mmio-storm
: >/tmp/$g.out
minivisor run $MEM --entry long --stats "$MV_GUESTS/$g.bin" >/tmp/$g.out 2>/tmp/$g.err &
pid=$!
wait_line /tmp/$g.out '*storm of*' || fail "$g did not start: $(cat /tmp/$g.err)"
heartbeat 3000
alive "$pid" || fail "$g ended before the host loop finished: $(cat /tmp/$g.out)"
kill -TERM "$pid"
wait_gone "$pid" || { kill -9 "$pid"; fail "$g: still running after SIGTERM"; }
rc=0
wait "$pid" || rc=$?
[ "$rc" -eq 130 ] || fail "$g: SIGTERM gave status $rc: $(cat /tmp/$g.err)"
! grep -q 'storm done' /tmp/$g.out || fail "$g finished before it was stopped: make the storm longer"
ept=$(stat_of /tmp/$g.out 48)
r=$(unhandled_of /tmp/$g.out 'MMIO reads')
w=$(unhandled_of /tmp/$g.out 'MMIO writes')
[ "$ept" -gt 0 ] && [ "$ept" -lt 200000 ] && [ "$ept" -eq $((r + w)) ] ||
	{ cat /tmp/$g.out; fail "$g: $ept EPT violations, $r + $w unhandled MMIO accesses"; }
ok "$g: stopped midway by SIGTERM after $ept of 200000 accesses ($r reads, $w writes, each one EPT-violation exit), while a 3000-iteration shell loop of the host ran to its end"
n=1
g=hostile-mmio-forms
run_guest $g $MEM --entry long --stats
[ "$RUN_RC" -eq 0 ] || { cat /tmp/$g.out; fail "$g: status $RUN_RC: $(cat /tmp/$g.err)"; }
grep -qx 'mmio: forms: every value as expected' /tmp/$g.out &&
	grep -qx 'mmio: device write counter 100' /tmp/$g.out || { cat /tmp/$g.out; fail "$g: output"; }
# 2400 accesses and the counter read; the write halves of ADD and XCHG
# (200) come back from the RUN that completes their read, without an exit.
total=$(sed -n 's/^total exits: //p' /tmp/$g.out)
user=$(sed -n 's/^exits to userspace: //p' /tmp/$g.out)
[ "$(stat_of /tmp/$g.out 48)" = 2201 ] && [ "$((user - total))" = 200 ] &&
	[ "$(unhandled_of /tmp/$g.out 'MMIO reads')" = 1100 ] &&
	[ "$(unhandled_of /tmp/$g.out 'MMIO writes')" = 1100 ] ||
	{ cat /tmp/$g.out; fail "$g: expected 2201 EPT violations, 200 more exits to userspace than VM exits, 1100 unhandled MMIO reads and 1100 writes"; }
ok "$g: 2201 EPT-violation exits for 2401 accesses (200 read-modify-write halves without one), 1100 unhandled reads (all-ones), 1100 ignored writes, 201 device accesses"
n=$((n + 1))
for c in exec:0xd0000000 sse:0xd0000000 stack:0xd0000ff8 idt:0xd0000060; do
	g=hostile-mmio-${c%%:*}
	gpa=${c#*:}
	run_guest "$g" $MEM --entry long
	[ "$RUN_RC" -eq 3 ] || fail "$g: status $RUN_RC, expected 3: $(cat /tmp/$g.err)"
	grep -q "could not emulate an access to guest-physical $gpa\$" /tmp/$g.err ||
		fail "$g: not the module's emulation failure at $gpa: $(cat /tmp/$g.err)"
	ok "$g: status 3, internal error: could not emulate an access to $gpa"
	n=$((n + 1))
done
g=hostile-mmio-pt
run_guest $g $MEM --entry long
[ "$RUN_RC" -eq 3 ] && grep -q 'could not emulate an access to guest-physical 0xd0000000$' /tmp/$g.err ||
	fail "$g: status $RUN_RC, expected the emulation failure at 0xd0000000: $(cat /tmp/$g.out /tmp/$g.err)"
ok "$g: a page walk through MMIO: status 3, could not emulate an access to 0xd0000000"
n=$((n + 1))
g=hostile-mmio-moffs
run_guest $g $MEM --entry long
[ "$RUN_RC" -eq 0 ] && grep -qx 'mmio: moffs load: 0x00000000ffffffff' /tmp/$g.out ||
	fail "$g: status $RUN_RC: $(cat /tmp/$g.out /tmp/$g.err)"
ok "$g: MOV EAX, moffs (A1) from unclaimed MMIO read all-ones"
n=$((n + 1))
no_vms "after the MMIO cases"
echo "CASES 5-mmio $n tried, storm of 200000 accesses stopped midway by SIGTERM (EPT exits = unhandled reads + writes, a host shell loop ran meanwhile), 2401 accesses of 13 forms with exact counts, 5 unemulatable (fetch, SSE, PUSH, IDT and page table in MMIO): status 3 naming the address; MOV moffs: all-ones"

# ---- 6. writes over all RAM and past its end ------------------------------
g=hostile-mem
run_guest $g $MEM --stats
cat /tmp/$g.out | grep '^mem:'
[ "$RUN_RC" -eq 0 ] || fail "$g: status $RUN_RC: $(cat /tmp/$g.err)"
grep -qx 'mem: page edges: dwords 0x00000400 written, read back and restored, sum 0xbffffc00' /tmp/$g.out ||
	fail "$g: page edges"
grep -q '^mem: RAM outside the image filled and checked, sum 0x[0-9a-f]*$' /tmp/$g.out || fail "$g: fill"
grep -qx 'mem: dword written at 0x200000 (past the end) reads 0xffffffff' /tmp/$g.out || fail "$g: past the end"
[ "$(unhandled_of /tmp/$g.out 'MMIO writes')" = 2 ] && [ "$(unhandled_of /tmp/$g.out 'MMIO reads')" = 2 ] ||
	fail "$g: expected 2 unhandled MMIO writes and 2 reads"
ok "$g: 512 pages' first and last dword, all RAM outside the image, a write past the end: as expected"
str=$(sed -n 's/^mem: straddling 0x1ffffe: //p' /tmp/$g.out)
case "$str" in
"RAM half after the store 0x00003344, load 0xffff3344")
	xpass "$g: a store and a load straddling the end of RAM were split" ;;
"RAM half after the store 0x00000000, load 0xffffffff")
	xfail "$g: a dword store straddling the end of RAM went all to MMIO (at 0x200000, 4 bytes) and its RAM half was never written; the straddling load read all-ones for the RAM half too (bug: the module emulates a page-crossing access as one MMIO access at the faulting page)" ;;
*) fail "$g: straddling: $str" ;;
esac
echo "CASES 6-memory 5 tried, first+last dword of all 512 pages (own code page included) written/read back/restored with the exact sum, 2 MiB minus the image filled and checked, a write past the end ignored and read as all-ones; straddling store and load: XFAIL"

# ---- 7. every port ----------------------------------------------------------
g=hostile-ports
run_guest $g $MEM --entry long --stats
[ "$RUN_RC" -eq 0 ] || fail "$g: status $RUN_RC: $(cat /tmp/$g.err)"
grep -qx 'ports: accesses 65535, all-ones INs of 1/2/4 bytes 10922/10922/10921' /tmp/$g.out ||
	{ cat /tmp/$g.out; fail "$g: output"; }
# Every access an exit: the sweep, plus an IN and an OUT per console byte
# the guest printed, plus its final OUT to 0xf4.
chars=$(grep '^ports:' /tmp/$g.out | wc -c)
want=$((65535 + 2 * chars + 1))
[ "$(stat_of /tmp/$g.out 30)" = "$want" ] || fail "$g: $(stat_of /tmp/$g.out 30) I/O exits, expected $want"
[ "$(unhandled_of /tmp/$g.out 'port reads')" = 32759 ] && [ "$(unhandled_of /tmp/$g.out 'port writes')" = 32754 ] ||
	{ cat /tmp/$g.out; fail "$g: expected 32759 unhandled port reads and 32754 writes"; }
ok "$g: $want I/O exits, 32759 unhandled INs read all-ones, 32754 unhandled OUTs ignored, the rest served by the console, irq-test and ring-test devices"
echo "CASES 7-ports 65535 tried, every port but 0xf4 once (IN/OUT of 1/2/4 bytes by port mod 6): unclaimed -> IN all-ones, OUT ignored, counted (32759 + 32754); one exit each; the run ended normally"

# ---- 8. interrupts masked forever --------------------------------------------
n=0
g=hostile-irq-hlt
run_guest $g $MEM --entry long
[ "$RUN_RC" -eq 0 ] && grep -q 'minivisor: guest halted at rip' /tmp/$g.err &&
	grep -qx 'irq: 256 queued, the rest refused, none delivered' /tmp/$g.out ||
	{ cat /tmp/$g.out; fail "$g: status $RUN_RC: $(cat /tmp/$g.err)"; }
ok "$g: the queue stopped at 256 of 100000 with IF=0, none delivered; cli; hlt -> MV_EXIT_HLT (status 0)"
n=$((n + 1))
g=hostile-irq-nmi
run_guest $g $MEM --entry long
[ "$RUN_RC" -eq 0 ] && grep -q 'minivisor: guest halted at rip' /tmp/$g.err &&
	grep -qx 'irq: NMI handler: no IRET, cli; hlt' /tmp/$g.out ||
	{ cat /tmp/$g.out; fail "$g: status $RUN_RC: $(cat /tmp/$g.err)"; }
ok "$g: cli; hlt inside the NMI handler with NMIs still queued -> MV_EXIT_HLT"
n=$((n + 1))
g=hostile-irq-spin
: >/tmp/$g.out
minivisor run $MEM --entry long "$MV_GUESTS/$g.bin" >/tmp/$g.out 2>/tmp/$g.err &
pid=$!
wait_line /tmp/$g.out '*spinning*' || fail "$g did not start: $(cat /tmp/$g.err)"
rss1=$(sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\).*/\1/p' /proc/$pid/status)
heartbeat 200
rss2=$(sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\).*/\1/p' /proc/$pid/status)
[ -n "$rss1" ] && [ -n "$rss2" ] || fail "$g: no VmRSS in /proc/$pid/status"
[ "$rss2" -le "$((rss1 + 8))" ] || fail "$g: the tool grew from $rss1 to $rss2 KiB"
kill -TERM "$pid"
wait_gone "$pid" || { kill -9 "$pid"; fail "$g: still running after SIGTERM"; }
rc=0
wait "$pid" || rc=$?
[ "$rc" -eq 130 ] || fail "$g: SIGTERM gave status $rc"
ok "$g: spinning with IF=0 while the device retries 100000 interrupts: VmRSS $rss1 -> $rss2 KiB, SIGTERM ended it in $POLLS polls"
n=$((n + 1))
g=hostile-irq-sync
: >/tmp/$g.out
minivisor run $MEM --entry long "$MV_GUESTS/$g.bin" >/tmp/$g.out 2>/tmp/$g.err &
pid=$!
# The OUT must complete (the device gives up on a queue that stays full)
# and SIGTERM must end the tool: bounded polls, each slow while its vCPU
# thread still retries.
wait_line /tmp/$g.out '*spinning*' || { kill -9 "$pid"; fail "$g: the OUT never completed: $(cat /tmp/$g.out /tmp/$g.err)"; }
kill -TERM "$pid"
wait_gone "$pid" 30 || { kill -9 "$pid"; fail "$g: still running after SIGTERM"; }
rc=0
wait "$pid" || rc=$?
[ "$rc" -eq 130 ] || fail "$g: SIGTERM gave status $rc: $(cat /tmp/$g.err)"
ok "$g: 1000 synchronous interrupts with IF=0: the OUT completed with the queue full, SIGTERM ended the tool in $POLLS polls"
n=$((n + 1))
no_vms "after the interrupt cases"
echo "CASES 8-masked-interrupts $n tried, queue bounded at 256 (EAGAIN beyond) with IF=0 and nothing delivered, cli;hlt -> MV_EXIT_HLT also with NMIs pending in a handler that never IRETs, no growth while spinning, SIGTERM ends it, also after a synchronous request beyond the queue"

# ---- the host afterwards ----------------------------------------------------
no_vms "at the end"
next_vm_runs "after all hostile guests"
mv_unload
check_dmesg_clean
[ "$XPASSES" -eq 0 ] ||
	fail "$XPASSES known bugs are fixed (XPASS above): turn those XFAILs into plain checks"
ok "$XFAILS known bugs shown (XFAIL), nothing else wrong"

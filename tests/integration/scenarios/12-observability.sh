# SPDX-License-Identifier: GPL-2.0
# Observability: the exit statistics read over generic netlink
# (`minivisor stats`, text and --json) match exactly the exits a guest is
# known to make (guests/exitcount.S), --reset zeroes them, `top` shows the
# live VM, `events` announces VM creation and destruction and sampled
# exits, malformed and unprivileged netlink requests are refused with the
# right errno and an extended-ack message (progs/genl_bad), and the
# minivisor_entry/exit/ring_post/ring_complete tracepoints fire with the
# right fields (read through tracefs).
# timeout: 300
set -e
# shellcheck source=tests/integration/lib.sh
. /mv/lib.sh

need_tool
need_prog genl_bad
need_guest exitcount
need_guest hypercall

# What exitcount makes on vCPU 0 (see its header), by basic exit reason.
WANT="10:1000 30:500 48:300 31:200 12:1"
# Exits the host may add while the guest runs: external interrupts and
# preemption-timer expiries.
HOST_REASONS="1 52"

# count_of FILE VCPU REASON: the COUNT column of REASON in the table of
# "vCPU VCPU:" (or "total" for the totals) of `minivisor stats` output.
count_of() {
	awk -v sect="$2" -v want="$3" '
		/^vCPU [0-9]+:/ { cur = $2; sub(":", "", cur); next }
		/^total / { cur = "total"; next }
		cur == sect && $1 == want && $1 ~ /^[0-9]+$/ { print $3; found = 1 }
		END { if (!found) print 0 }' "$1"
}

# The reason numbers in the table of section $2.
reasons_of() {
	awk -v sect="$2" '
		/^vCPU [0-9]+:/ { cur = $2; sub(":", "", cur); next }
		/^total / { cur = "total"; next }
		/^VM / { cur = "" }
		cur == sect && $1 ~ /^[0-9]+$/ { print $1 }' "$1"
}

mv_load

# ---- malformed requests -------------------------------------------------
rc=0
"$MV_PROGS/genl_bad" >/tmp/genl_bad.out 2>&1 || rc=$?
cat /tmp/genl_bad.out
passed=$(grep -c '^ok ' /tmp/genl_bad.out || true)
failed=$(grep -c '^not ok ' /tmp/genl_bad.out || true)
[ "$rc" -eq 0 ] || fail "genl_bad exited $rc ($failed TAP failures)"
[ "$failed" -eq 0 ] || fail "genl_bad exited 0 but printed $failed 'not ok' lines"
[ "$passed" -ge 10 ] || fail "genl_bad printed only $passed 'ok' lines"
ok "genl_bad: $passed checks of rejected requests passed"

minivisor stats >/tmp/stats0.out 2>&1 || fail "minivisor stats with no VM failed: $(cat /tmp/stats0.out)"
grep -qx 'no VMs' /tmp/stats0.out || fail "minivisor stats with no VM printed: $(cat /tmp/stats0.out)"
rc=0
minivisor stats --vm 4000 >/tmp/stats-novm.out 2>&1 || rc=$?
[ "$rc" -ne 0 ] || fail "minivisor stats --vm 4000 (no such VM) succeeded"
grep -q 'no VM with id 4000' /tmp/stats-novm.out ||
	fail "minivisor stats --vm 4000 did not name the problem: $(cat /tmp/stats-novm.out)"
ok "stats: 'no VMs' when none is alive; --vm of a missing VM fails naming it"

# ---- events: start listening before the VM exists -----------------------
spawn /tmp/events.out minivisor events
events_pid=$SPAWNED
sleep 1

# ---- exact counts -------------------------------------------------------
spawn /tmp/exitcount.out minivisor run --entry long "$MV_GUESTS/exitcount.bin"
guest_pid=$SPAWNED

# Wait for the VM to be listed, then for its one HLT (it then sleeps).
vm=""
i=0
while [ -z "$vm" ]; do
	i=$((i + 1))
	[ "$i" -le 100 ] || fail "the exitcount VM (pid $guest_pid) was never listed by 'minivisor stats'"
	sleep 0.2
	minivisor stats >/tmp/list.out 2>&1 || true
	vm=$(awk -v pid="$guest_pid" '$2 == pid && $1 ~ /^[0-9]+$/ { print $1; exit }' /tmp/list.out)
done
ok "VM $vm (pid $guest_pid) is listed"
i=0
while :; do
	minivisor stats --vm "$vm" >/tmp/stats.out 2>&1 || fail "minivisor stats --vm $vm failed: $(cat /tmp/stats.out)"
	[ "$(count_of /tmp/stats.out 0 12)" -ge 1 ] && break
	i=$((i + 1))
	[ "$i" -le 300 ] || { cat /tmp/stats.out; fail "exitcount never reached its HLT"; }
	sleep 0.2
done
cat /tmp/stats.out

for pair in $WANT; do
	r=${pair%%:*}
	n=${pair#*:}
	got=$(count_of /tmp/stats.out 0 "$r")
	[ "$got" -eq "$n" ] || fail "vCPU 0, reason $r: $got exits, the guest made exactly $n"
	got=$(count_of /tmp/stats.out total "$r")
	[ "$got" -eq "$n" ] || fail "VM totals, reason $r: $got exits, expected $n"
done
ok "vCPU 0 and the VM totals: exactly 1000 CPUID, 500 OUT, 300 MMIO, 200 RDMSR, 1 HLT"
for r in $(reasons_of /tmp/stats.out 0); do
	case " 10 30 48 31 12 $HOST_REASONS " in
	*" $r "*) ;;
	*) fail "vCPU 0 has exits of reason $r, which the guest never causes" ;;
	esac
done
ok "no exit reason other than the guest's and the host's own (1, 52)"
sum=0
for r in $(reasons_of /tmp/stats.out 0); do
	sum=$((sum + $(count_of /tmp/stats.out 0 "$r")))
done
total=$(sed -n 's/^vCPU 0: \([0-9]*\) exits$/\1/p' /tmp/stats.out)
[ "$total" = "$sum" ] || fail "vCPU 0 says $total exits, its rows add up to $sum"
ok "vCPU 0's exit total ($total) is the sum of its rows"

# The JSON document: the same counts, and a histogram per reason whose
# buckets add up to the count (minus the exit still in progress, the HLT).
minivisor stats --vm "$vm" --json >/tmp/stats.json 2>&1 || fail "stats --json failed: $(cat /tmp/stats.json)"
json_reason() {	# json_reason ID: "count hist-sum cycles_total" of vCPU 0
	sed 's/{"id":/\n&/g' /tmp/stats.json | grep -m1 "^{\"id\":$1,\"name\"" |
		sed -n 's/.*"count":\([0-9]*\),"cycles_total":\([0-9]*\),.*"hist":\[\([0-9,]*\)\].*/\1 \3 \2/p' |
		awk '{ n = split($2, h, ","); s = 0; for (i = 1; i <= n; i++) s += h[i]; print $1, s, $3 }'
}
grep -q "^{\"vms\":\[{\"id\":$vm,\"pid\":$guest_pid,\"nr_vcpus\":1," /tmp/stats.json ||
	fail "stats --json does not start with VM $vm of pid $guest_pid: $(head -c 200 /tmp/stats.json)"
for pair in $WANT; do
	r=${pair%%:*}
	n=${pair#*:}
	set -- $(json_reason "$r")
	[ "${1:-x}" = "$n" ] || fail "--json: reason $r has count '${1:-}', expected $n"
	want_hist=$n
	[ "$r" -eq 12 ] && want_hist=$((n - 1))
	[ "$2" = "$want_hist" ] || fail "--json: reason $r's histogram adds up to $2, expected $want_hist"
	if [ "$want_hist" -gt 0 ] && [ "$3" -eq 0 ]; then
		fail "--json: reason $r has $n handled exits but 0 cycles"
	fi
done
ok "--json: same counts; each histogram adds up to its handled exits; cycles recorded"

# top: two refreshes of the live VM.
minivisor top --vm "$vm" --interval 0.5 --iterations 2 >/tmp/top.out 2>&1 ||
	fail "minivisor top failed: $(cat /tmp/top.out)"
[ "$(grep -c '^--- minivisor top' /tmp/top.out)" -eq 2 ] ||
	fail "top did not print 2 refreshes: $(cat /tmp/top.out)"
grep -q "^VM $vm (pid $guest_pid, 1 vCPU" /tmp/top.out || fail "top does not show VM $vm: $(cat /tmp/top.out)"
ok "top: 2 refreshes of VM $vm"

# Reset: the counts start again from zero (the HLT still in progress may
# show as 1).
minivisor stats --reset --vm "$vm" >/tmp/reset.out 2>&1 || fail "stats --reset failed: $(cat /tmp/reset.out)"
minivisor stats --vm "$vm" >/tmp/stats2.out 2>&1 || fail "stats after reset failed"
for r in 10 30 48 31; do
	got=$(count_of /tmp/stats2.out 0 "$r")
	[ "$got" -eq 0 ] || fail "after --reset, reason $r still has $got exits"
done
[ "$(count_of /tmp/stats2.out 0 12)" -le 1 ] || fail "after --reset, HLT has more than the one in progress"
ok "--reset: the guest's counts are back to zero"
rc=0
minivisor stats --vm "$vm" --vcpu 7 >/tmp/stats-novcpu.out 2>&1 || rc=$?
[ "$rc" -ne 0 ] && grep -q "has no vCPU 7" /tmp/stats-novcpu.out ||
	fail "stats --vcpu 7 of a 1-vCPU VM: status $rc, $(cat /tmp/stats-novcpu.out)"
ok "--vcpu of a missing vCPU fails naming it"

kill -INT "$guest_pid"
rc=0
wait "$guest_pid" || rc=$?
[ "$rc" -eq 130 ] || fail "exitcount: status $rc after SIGINT, expected 130: $(cat /tmp/exitcount.out)"
minivisor stats >/tmp/stats3.out 2>&1
grep -qx 'no VMs' /tmp/stats3.out || fail "VM still listed after its VMM ended: $(cat /tmp/stats3.out)"
ok "the VM is gone from the list once its VMM ended"

wait_for /tmp/events.out "^vm-destroyed vm=$vm\$" 5 || fail "no vm-destroyed event: $(cat /tmp/events.out)"
grep -qx "vm-created vm=$vm pid=$guest_pid" /tmp/events.out || fail "no vm-created event for VM $vm: $(cat /tmp/events.out)"
grep -q '^exit ' /tmp/events.out && fail "exit samples arrived while sampling was off: $(grep -m3 '^exit ' /tmp/events.out)"
kill -INT "$events_pid"
wait "$events_pid" || fail "minivisor events did not end cleanly after SIGINT"
ok "events: vm-created and vm-destroyed for VM $vm, no exit sample while sampling is off"

# ---- sampled exits ------------------------------------------------------
# hypercall makes 1002 VMCALLs (reason 18): every 100th exit is announced.
spawn /tmp/events2.out minivisor events --sample 100
events_pid=$SPAWNED
wait_for /tmp/events2.out "sampling every 100" 10 || fail "events --sample did not start: $(cat /tmp/events2.out)"
check_guest hypercall || fail "the hypercall guest failed"
wait_for /tmp/events2.out '^vm-destroyed ' 5 || fail "no vm-destroyed event: $(cat /tmp/events2.out)"
kill -INT "$events_pid"
wait "$events_pid" || fail "minivisor events --sample did not end cleanly"
n=$(grep -c '^exit vm=[0-9]* vcpu=0 reason=18 VMCALL qual=0x0 rip=0x[0-9a-f]* cycles=[0-9]*$' /tmp/events2.out || true)
[ "$n" -ge 9 ] && [ "$n" -le 11 ] || { cat /tmp/events2.out; fail "$n VMCALL samples for 1002 VMCALLs at a period of 100"; }
ok "events --sample 100: $n VMCALL samples with reason, qualification, RIP and cycles"
# Sampling is off again: a second run announces no exit.
spawn /tmp/events3.out minivisor events
events_pid=$SPAWNED
sleep 1
check_guest hypercall || fail "the hypercall guest failed (second run)"
wait_for /tmp/events3.out '^vm-destroyed ' 5 || fail "no vm-destroyed event: $(cat /tmp/events3.out)"
kill -INT "$events_pid"
wait "$events_pid" || true
grep -q '^exit ' /tmp/events3.out && fail "events --sample left sampling on: $(grep -m3 '^exit ' /tmp/events3.out)"
ok "sampling is off again after 'events --sample' ended"

# ---- tracepoints --------------------------------------------------------
T=/sys/kernel/tracing
[ -d "$T/events/minivisor" ] || fail "no minivisor events in $T/events"
for e in minivisor_entry minivisor_exit minivisor_ring_post minivisor_ring_complete; do
	[ -d "$T/events/minivisor/$e" ] || fail "tracepoint $e missing"
done
echo 0 >"$T/tracing_on"
echo >"$T/trace"
echo 4096 >"$T/buffer_size_kb"
echo 1 >"$T/events/minivisor/enable"
echo 1 >"$T/tracing_on"
spawn /tmp/exitcount2.out minivisor run --entry long --ring ring-test:sync "$MV_GUESTS/exitcount.bin"
guest_pid=$SPAWNED
# 500 OUTs in the ring, then the MMIO and RDMSR loops, then HLT.
i=0
while [ "$(grep -c 'minivisor_exit:.* reason 12 ' "$T/trace")" -lt 1 ]; do
	i=$((i + 1))
	[ "$i" -le 300 ] || fail "exitcount (ring) never reached its HLT"
	sleep 0.2
done
echo 0 >"$T/tracing_on"
kill -INT "$guest_pid"
wait "$guest_pid" || true
echo 0 >"$T/events/minivisor/enable"
cp "$T/trace" /tmp/trace.txt
echo >"$T/trace"
grep -m3 'minivisor_' /tmp/trace.txt
n=$(grep -c 'minivisor_exit: vm [0-9]* vcpu 0 reason 10 qual 0x0 rip 0x1[0-9a-f]*$' /tmp/trace.txt || true)
[ "$n" -eq 1000 ] || fail "$n minivisor_exit events of reason 10 (CPUID), expected 1000"
rips=$(grep 'minivisor_exit:.* reason 10 ' /tmp/trace.txt | sed 's/.* rip //' | sort -u | wc -l)
[ "$rips" -eq 1 ] || fail "the 1000 CPUID exits have $rips different RIPs, expected the one CPUID instruction"
# OUT of 4 bytes to port 0xe0, immediate operand: port in bits 31:16,
# size - 1 in bits 2:0, bit 6 for the immediate (SDM Vol. 3C 28.2.1).
n=$(grep -c 'minivisor_exit: vm [0-9]* vcpu 0 reason 30 qual 0xe00043 ' /tmp/trace.txt || true)
[ "$n" -eq 500 ] || fail "$n minivisor_exit events of reason 30 with qualification 0xe00043, expected 500"
n=$(grep -c 'minivisor_exit:.* reason 31 ' /tmp/trace.txt || true)
[ "$n" -eq 200 ] || fail "$n RDMSR exits traced, expected 200"
n=$(grep -c 'minivisor_exit:.* reason 48 ' /tmp/trace.txt || true)
[ "$n" -eq 300 ] || fail "$n EPT-violation exits traced, expected 300"
ok "minivisor_exit: 1000 CPUID at one RIP, 500 OUT (qual 0xe00043), 300 EPT violations, 200 RDMSR"
entries=$(grep -c 'minivisor_entry: vm [0-9]* vcpu 0 rip 0x' /tmp/trace.txt || true)
exits=$(grep -c 'minivisor_exit: ' /tmp/trace.txt || true)
[ "$entries" -eq "$exits" ] || fail "$entries minivisor_entry events for $exits exits"
ok "minivisor_entry: one per exit ($entries)"
n=$(grep -c 'minivisor_ring_post: vm [0-9]* vcpu 0 seq [0-9]* addr 0xe0 len 4 ' /tmp/trace.txt || true)
[ "$n" -eq 500 ] || fail "$n minivisor_ring_post events for the 500 ring-served OUTs"
seqs=$(grep 'minivisor_ring_post:' /tmp/trace.txt | sed 's/.* seq \([0-9]*\) .*/\1/' | sort -n | uniq | wc -l)
[ "$seqs" -eq 500 ] || fail "ring_post sequence numbers: $seqs distinct for 500 requests"
n=$(grep -c 'minivisor_ring_complete: vm [0-9]* vcpu 0 seq ' /tmp/trace.txt || true)
[ "$n" -eq 500 ] || fail "$n minivisor_ring_complete events for 500 synchronous requests"
ok "minivisor_ring_post/complete: 500 each, distinct sequence numbers, port 0xe0, 4 bytes"

mv_unload
check_dmesg_clean

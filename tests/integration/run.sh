#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Integration tests: build the module, the tool, the guests and the test
# programs; pack them with busybox into an initramfs; boot Debian's cloud
# kernel on an emulated VMX PC (Bochs, or QEMU with nested KVM where the
# host offers it) and run tests/integration/scenarios/*.sh in it.
#
#   tests/integration/run.sh                 every scenario
#   tests/integration/run.sh '0[1-3]*' 05-kvm-coexist    a subset (globs)
#
# Prints "PASS <name>" / "FAIL <name>" per scenario (with the scenario's
# output, kernel log and the emulator's VMX messages for failures) and
# finally "N passed, N failed". Exit status 0 only if all passed.
#
# Environment:
#   MV_EMULATOR=auto|bochs|qemu   (default auto: qemu only with nested VMX)
#   MV_OUT=DIR                    work dir (default build/integration)
#   MV_TIMEOUT=SEC                per-boot limit (default 120 + the sum of
#                                 the scenarios' own limits, x1.5 for SMP);
#                                 a boot is also stopped after the longest
#                                 scenario limit + 120 s without console
#                                 output, and 5 s after a panic or lockup
#   MV_SKIP_BUILD=1               use what is already built
#   MV_SCENARIO_TIMEOUT=SEC       replaces every selected scenario's own
#                                 "# timeout:" (for long runs of one
#                                 scenario, e.g. a fuzzing campaign)
#   MV_FUZZ_*=...                 passed to the scenarios inside the PC
#                                 (see tests/integration/README.md)
#
# A scenario declares in its leading comment lines
#   # needs: smp     it runs in a second boot with 2 CPUs
#   # timeout: N     its limit in guest seconds (default 60)
set -euo pipefail

MV_PROG=integration
# shellcheck source=scripts/lib/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib/common.sh"
# shellcheck source=scripts/lib/vm.sh
. "$MV_ROOT/scripts/lib/vm.sh"

HERE="$MV_ROOT/tests/integration"
OUT="${MV_OUT:-$MV_ROOT/build/integration}"

# ---- which scenarios --------------------------------------------------------
patterns=("$@")
[ "${#patterns[@]}" -gt 0 ] || patterns=('*')
selected=()
for f in "$HERE"/scenarios/*.sh; do
	[ -f "$f" ] || continue
	name="$(basename "$f" .sh)"
	for pat in "${patterns[@]}"; do
		# shellcheck disable=SC2053 # $pat is a glob on purpose
		if [[ $name == ${pat%.sh} ]]; then
			selected+=("$name")
			break
		fi
	done
done
if [ "${#selected[@]}" -eq 0 ]; then
	mv_warn "no scenario matches: ${patterns[*]}"
	echo "0 passed, 1 failed"
	exit 1
fi

scenario_meta() {	# scenario_meta NAME KEY: value of "# KEY: value"
	if [ "$2" = timeout ] && [ -n "${MV_SCENARIO_TIMEOUT:-}" ]; then
		echo "$MV_SCENARIO_TIMEOUT"
		return
	fi
	sed -n "s/^# *$2: *//p" "$HERE/scenarios/$1.sh" | head -n1
}

PASSED=0
FAILED=0
declare -A REPORTED=()
report_pass() { echo "PASS $1"; PASSED=$((PASSED + 1)); REPORTED[$1]=1; }
report_fail() { echo "FAIL $1"; FAILED=$((FAILED + 1)); REPORTED[$1]=1; }
SUMMARY_DONE=0
summary() {
	SUMMARY_DONE=1
	echo "integration: logs in $OUT"
	echo "$PASSED passed, $FAILED failed"
	[ "$FAILED" -eq 0 ]
}
# Whatever stops this script early, every scenario gets a verdict and the
# summary line is printed.
on_exit() {
	local name
	[ "$SUMMARY_DONE" -eq 0 ] || return 0
	for name in "${selected[@]}"; do
		[ -n "${REPORTED[$name]:-}" ] && continue
		report_fail "$name"
		echo "    (not run: the harness stopped early, see the messages above)"
	done
	summary || true
	exit 1
}
trap on_exit EXIT

rm -rf "$OUT"
mkdir -p "$OUT"

# ---- kernel ------------------------------------------------------------------
mv_kernel_env || mv_die "the Debian cloud kernel is not available: run scripts/setup.sh"
mv_log "kernel $MV_KVER; emulator $(mv_emulator); scenarios: ${selected[*]}"

# ---- build -------------------------------------------------------------------
# A part that fails to build is left out of the initramfs (not copied stale);
# the scenarios needing it then fail and say why.
MV_BUILD_FAILED=""
[ "${MV_SKIP_BUILD:-0}" = 1 ] || mv_build_parts "$OUT" module userspace guests progs
export MV_BUILD_FAILED

# ---- initramfs common to every boot -----------------------------------------
base="$OUT/rootfs"
mv_initramfs_base "$base" || mv_die "cannot build the initramfs base"
mv_initramfs_payload "$base"
install -m 0755 "$HERE/init.sh" "$base/init"
install -m 0644 "$HERE/lib.sh" "$base/mv/lib.sh"
for name in "${selected[@]}"; do
	install -m 0644 "$HERE/scenarios/$name.sh" "$base/mv/scenarios/"
done
sed 's/^/integration: build: /' "$base/mv/build-status" >&2

# The environment the scenarios see: MV_FUZZ_* and MV_SCENARIO_TIMEOUT,
# written as shell assignments that init.sh sources.
mv_sh_quote() { printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"; }
: >"$base/mv/env"
if [ -n "${MV_SCENARIO_TIMEOUT:-}" ]; then
	[[ $MV_SCENARIO_TIMEOUT =~ ^[0-9]+$ ]] || mv_die "MV_SCENARIO_TIMEOUT must be a number of seconds"
	echo "MV_SCENARIO_TIMEOUT=$MV_SCENARIO_TIMEOUT" >>"$base/mv/env"
fi
for name in $(compgen -e); do
	case "$name" in
	MV_FUZZ_*) echo "export $name=$(mv_sh_quote "${!name}")" >>"$base/mv/env" ;;
	esac
done
[ ! -s "$base/mv/env" ] || sed 's/^/integration: env: /' "$base/mv/env" >&2

# ---- boots: one per CPU count ---------------------------------------------------
up=()
smp=()
for name in "${selected[@]}"; do
	if [[ " $(scenario_meta "$name" needs) " == *" smp "* ]]; then
		smp+=("$name")
	else
		up+=("$name")
	fi
done

# print_section SERIAL NAME: the serial lines from "MVTEST BEGIN NAME" to
# its PASS/FAIL (or to the end of the log if it never finished).
print_section() {
	awk -v n="$2" '
		!on && has($0, "MVTEST BEGIN " n) { on = 1; next }
		on && (has($0, "MVTEST PASS " n) || has($0, "MVTEST FAIL " n)) { exit }
		on { print "    | " $0 }
		# the marker ends the line (a kernel message may precede it)
		function has(line, m) {
			return length(line) >= length(m) &&
				substr(line, length(line) - length(m) + 1) == m
		}' "$1"
}

# print_vmx_log LOG: what the emulator reported as errors (Bochs logs every
# failed VM-entry check there, e.g. "VMFAIL: VMCS EXEC CTRL: ..."), minus
# the lines every boot has.
print_vmx_log() {
	local lines
	[ -s "$1" ] || return 0
	lines="$(grep -aE '^[0-9]+[ep]\[|VMFAIL|VMENTER|VMEXIT|VMABORT|VMLAUNCH|VMRESUME' "$1" |
		grep -avE 'soft power off|[RW][DR]MSR: Unknown register|[RW][DR]MSR .*not enabled in the cpu model|temporary disable VMX while in SMM' |
		tail -n 20 || true)"
	if [ -n "$lines" ]; then
		echo "--- emulator log of this boot: errors and VM-entry messages (last 20 of $1) ---"
		printf '%s\n' "$lines" | sed 's/^/    /'
	fi
}

run_boot() {	# run_boot LABEL CPUS NAME...
	local label="$1" cpus="$2" dir root limit=120 t tmax=0 name brc=0 status failed=0
	shift 2
	dir="$OUT/$label"
	root="$dir/rootfs"
	mkdir -p "$dir"
	cp -a "$base" "$root"
	printf '%s\n' "$@" >"$root/mv/scenarios.list"
	for name in "$@"; do
		t="$(scenario_meta "$name" timeout)"
		t="${t:-60}"
		limit=$((limit + t))
		[ "$t" -le "$tmax" ] || tmax="$t"
	done
	[ "$cpus" -gt 1 ] && limit=$((limit * 3 / 2 + 60))
	limit="${MV_TIMEOUT:-$limit}"
	mv_initramfs_pack "$root" "$dir/initrd.img"
	mv_boot --kernel "$MV_VMLINUZ" --initrd "$dir/initrd.img" \
		--serial "$dir/serial.log" --log "$dir/emulator.log" \
		--cpus "$cpus" --timeout "$limit" --idle "$((tmax + 120))" || brc=$?
	case "$brc" in
	0) status="" ;;
	2) status="the boot timed out (see the warning above)" ;;
	3) status="the guest kernel panicked or locked up" ;;
	*) status="the emulator stopped without MVTEST DONE" ;;
	esac
	if ! grep -aq '^MVTEST BOOTED' "$dir/serial.log"; then
		status="${status:-no MVTEST DONE}; the initramfs never started"
	fi

	# The console's lines end in CR LF; judge by a copy without the CRs.
	tr -d '\r' <"$dir/serial.log" >"$dir/serial.txt"
	for name in "$@"; do
		if grep -aqE "MVTEST PASS ${name}\$" "$dir/serial.txt"; then
			report_pass "$name"
		elif grep -aqE "MVTEST FAIL ${name}\$" "$dir/serial.txt"; then
			report_fail "$name"
			print_section "$dir/serial.txt" "$name"
			failed=1
		else
			report_fail "$name"
			failed=1
			if grep -aqE "MVTEST BEGIN ${name}\$" "$dir/serial.txt"; then
				echo "    (started but never finished: $status)"
				print_section "$dir/serial.txt" "$name" | tail -n 60
			else
				echo "    (not reached: ${status:-it was not reported})"
			fi
		fi
	done
	if [ "$brc" -ne 0 ] && ! grep -aq '^MVTEST BEGIN' "$dir/serial.log"; then
		echo "    --- last lines of the serial console ($dir/serial.log) ---"
		tail -n 30 "$dir/serial.txt" | sed 's/^/    /'
	fi
	[ "$failed" -eq 0 ] || print_vmx_log "$dir/emulator.log"
	mv_log "boot '$label' took ${MV_BOOT_SECONDS:-?}s"
}

[ "${#up[@]}" -eq 0 ] || run_boot up 1 "${up[@]}"
[ "${#smp[@]}" -eq 0 ] || run_boot smp 2 "${smp[@]}"

summary

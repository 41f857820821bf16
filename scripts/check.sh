#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# `make check`: every test suite of minivisor, in order, each with its own
# output shown:
#   setup        scripts/setup.sh (packages, the cloud kernel)
#   userspace    make -C userspace test        (native unit tests)
#   kunit        tests/kunit/run.sh            (KUnit kernel in QEMU)
#   integration  tests/integration/run.sh      (the module in Bochs/QEMU)
# Each suite ends in "N passed, N failed[, N skipped]"; those are summed. A
# suite that prints no such line counts as 1 failed, and so does one that
# exits non-zero while reporting no failure. The last line is the total,
# "N passed, N failed" (", N skipped" if any); the exit status is 0 only if
# nothing failed.
#
#   MV_CHECK_SUITES="userspace kunit"   run only those suites
set -euo pipefail

MV_PROG=check
# shellcheck source=scripts/lib/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
cd "$MV_ROOT" || exit 1

LOGDIR="$MV_ROOT/build/check"
mkdir -p "$LOGDIR"

TOTAL_P=0
TOTAL_F=0
TOTAL_S=0
SUMMARY=()

# run_suite NAME CMD...: run it with its output shown and kept, then count.
run_suite() {
	local name="$1" log="$LOGDIR/$1.log" rc line p f s note="" start secs
	shift
	case " ${MV_CHECK_SUITES:-setup userspace kunit integration} " in
	*" $name "*) ;;
	*) return 0 ;;
	esac
	echo "==== $name ===="
	start=$SECONDS
	{
		rc=0
		"$@" </dev/null 2>&1 || rc=$?
		echo "$rc" >"$log.rc"
	} | tee "$log"
	rc="$(cat "$log.rc")"
	secs=$((SECONDS - start))
	line="$(sed 's/\r$//' "$log" |
		grep -E '^([A-Za-z_-]+: )?[0-9]+ passed, [0-9]+ failed(, [0-9]+ skipped)?$' |
		tail -n1 || true)"
	if [ -z "$line" ]; then
		p=0 f=1 s=0
		note=" (no 'N passed, N failed' line; exit status $rc)"
	else
		line="${line#*: }"
		p="$(sed -E 's/^([0-9]+) passed.*/\1/' <<<"$line")"
		f="$(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"$line")"
		s=0
		[[ $line == *skipped ]] && s="$(sed -E 's/.* ([0-9]+) skipped$/\1/' <<<"$line")"
		if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
			f=1
			note=" (exited $rc although it reported no failure)"
		fi
	fi
	TOTAL_P=$((TOTAL_P + p))
	TOTAL_F=$((TOTAL_F + f))
	TOTAL_S=$((TOTAL_S + s))
	SUMMARY+=("$(printf '  %-12s %4d passed %4d failed %4d skipped  %5ds%s' \
		"$name" "$p" "$f" "$s" "$secs" "$note")")
	echo
}

# setup.sh has no counts of its own: it is no test, but its failure is one.
setup_suite() {
	if "$MV_ROOT/scripts/setup.sh"; then
		echo "0 passed, 0 failed"
	else
		echo "setup.sh failed"
		echo "0 passed, 1 failed"
		return 1
	fi
}

run_suite setup setup_suite
run_suite userspace make -C userspace test
run_suite kunit tests/kunit/run.sh
run_suite integration tests/integration/run.sh

echo "==== summary (logs in $LOGDIR) ===="
printf '%s\n' "${SUMMARY[@]}"
if [ "$TOTAL_S" -gt 0 ]; then
	echo "$TOTAL_P passed, $TOTAL_F failed, $TOTAL_S skipped"
else
	echo "$TOTAL_P passed, $TOTAL_F failed"
fi
[ "$TOTAL_F" -eq 0 ]

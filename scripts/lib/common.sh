# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Shared helpers of the host-side scripts (setup, check, demo, integration).
# Source it; it defines functions and MV_ROOT, and changes no shell option.

MV_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export MV_ROOT

mv_log() { printf '%s: %s\n' "${MV_PROG:-minivisor}" "$*" >&2; }
mv_warn() { printf '%s: warning: %s\n' "${MV_PROG:-minivisor}" "$*" >&2; }
mv_die() {
	printf '%s: error: %s\n' "${MV_PROG:-minivisor}" "$*" >&2
	exit 1
}

# Load scripts/kernel-env.sh, running scripts/setup.sh first if the kernel
# has not been unpacked yet.
mv_kernel_env() {
	# shellcheck source=scripts/kernel-env.sh
	if ! . "$MV_ROOT/scripts/kernel-env.sh" 2>/dev/null; then
		mv_log "kernel not unpacked yet: running scripts/setup.sh"
		"$MV_ROOT/scripts/setup.sh" || return 1
		# shellcheck source=scripts/kernel-env.sh
		. "$MV_ROOT/scripts/kernel-env.sh"
	fi
}

# Run "$@" with its output going to LOGFILE; on failure show the last lines.
#   mv_run_logged NAME LOGFILE CMD...
mv_run_logged() {
	local name="$1" logfile="$2" rc=0
	shift 2
	mv_log "building $name: $*"
	"$@" >"$logfile" 2>&1 || rc=$?
	if [ "$rc" -ne 0 ]; then
		mv_warn "$name failed (exit $rc); last lines of $logfile:"
		tail -n 40 "$logfile" | sed 's/^/    /' >&2
	fi
	return "$rc"
}

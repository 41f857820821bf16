# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Source this file (after scripts/setup.sh has run) to get the Debian cloud
# kernel that the emulated PC boots:
#   MV_CACHE    cache dir (${MINIVISOR_CACHE:-~/.cache/minivisor})
#   MV_KABI     e.g. 6.1.0-56
#   MV_KVER     e.g. 6.1.0-56-cloud-amd64
#   MV_VMLINUZ  the unpacked kernel image
#   MV_KMODDIR  the unpacked lib/modules/$MV_KVER
#   MV_KDIR     the headers build tree (make -C $MV_KDIR M=...)
# Returns non-zero (without exiting the caller) if setup.sh has not run.

MV_CACHE="${MINIVISOR_CACHE:-${HOME:-/root}/.cache/minivisor}"
export MV_CACHE

mv_kernel_env_load() {
	local envfile="$MV_CACHE/kernel.env" line
	if [ ! -f "$envfile" ]; then
		echo "kernel-env: $envfile missing: run scripts/setup.sh first" >&2
		return 1
	fi
	# Only the five known assignments, nothing else is evaluated.
	while IFS= read -r line; do
		case "$line" in
		MV_KABI=* | MV_KVER=* | MV_VMLINUZ=* | MV_KMODDIR=* | MV_KDIR=*)
			eval "export $line" ;;
		esac
	done <"$envfile"
	if [ ! -f "${MV_VMLINUZ:-}" ] || [ ! -d "${MV_KMODDIR:-}" ] ||
		[ ! -f "${MV_KDIR:-}/Makefile" ]; then
		echo "kernel-env: kernel image or headers missing: run scripts/setup.sh" >&2
		return 1
	fi
}
mv_kernel_env_load

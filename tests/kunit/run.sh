#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Run minivisor's KUnit suites in a KUnit kernel built from Debian's
# linux-source-6.1, booted in qemu-system-x86_64 (software emulation is
# enough: the suites test pure logic, nothing executes VMX instructions).
#
#   tests/kunit/run.sh [GLOB]     e.g. GLOB='minivisor_validate.*'
#
# Output: one line per test case, "PASS suite.case[.row]" (FAIL, SKIP), and
# last "N passed, N failed" (", N skipped" if any). Parameterized cases are
# reported row by row, as kunit.py counts them. Exit status 0 only if
# something ran and nothing failed. A run that could not build, crashed or
# produced no results ends in "0 passed, 1 failed" with the reason.
#
# Adding a suite: drop tests/kunit/<area>_test.c (suite named
# minivisor_<area>, see STYLE.md item 11) here; if it tests a kmod source
# that is not listed below yet, add that file to KMOD_SOURCES. Nothing else.
#
# How: the source tarball is extracted once into the cache (again only if
# the tarball changes); the suites and the kmod sources they test are
# copied into drivers/minivisor_kunit/ of that tree (only files whose
# content changed, so warm builds stay incremental), which gets its own
# Kconfig symbol CONFIG_MINIVISOR_KUNIT_TEST. The build directory stays in
# the cache, so only the first run builds the whole kernel.
#
# Environment:
#   MINIVISOR_CACHE          cache root (default ~/.cache/minivisor); this
#                            script uses $MINIVISOR_CACHE/kunit/
#   MINIVISOR_KSRC_TARBALL   default /usr/src/linux-source-6.1.tar.xz
#   MINIVISOR_KUNIT_JOBS     make jobs (default: number of CPUs)
#   MINIVISOR_KUNIT_TIMEOUT  seconds the test kernel may run (default 120)
set -euo pipefail

# kmod/ sources under test: pure logic only, no hardware access. Every
# kmod/*.h is copied along with them.
KMOD_SOURCES=(
	controls.c
	cpuid.c
	msr_rules.c
	insn_decode.c
	insn_emulate.c
	validate.c
	ring_proto.c
	stats.c
)

# shellcheck disable=SC2034 # read by common.sh
MV_PROG=kunit
# shellcheck source=scripts/lib/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib/common.sh"

TESTS_DIR="$MV_ROOT/tests/kunit"
TARBALL="${MINIVISOR_KSRC_TARBALL:-/usr/src/linux-source-6.1.tar.xz}"
CACHE="${MINIVISOR_CACHE:-$HOME/.cache/minivisor}/kunit"
SRC="$CACHE/src"			# the extracted kernel tree
BUILD="$CACHE/build"			# kunit.py --build_dir
STAMP="$CACHE/src.stamp"		# which tarball SRC came from
LOG="$CACHE/kunit.log"			# kunit.py's output of the last run
JSON="$CACHE/results.json"
INTREE_REL=drivers/minivisor_kunit
INTREE="$SRC/$INTREE_REL"
JOBS="${MINIVISOR_KUNIT_JOBS:-$(nproc)}"
TIMEOUT="${MINIVISOR_KUNIT_TIMEOUT:-120}"
GLOB="${1:-}"
START=$SECONDS

# A run that produced no per-test results still ends in a count line, so
# that scripts/check.sh can add it up like any other suite.
fail_run() {
	printf 'kunit: error: %s\n' "$*" >&2
	echo "0 passed, 1 failed"
	exit 1
}

[ $# -le 1 ] || fail_run "usage: $0 [GLOB]"

# ---- prerequisites ---------------------------------------------------------
[ -f "$TARBALL" ] ||
	fail_run "$TARBALL not found: install linux-source-6.1 with scripts/setup.sh"
for tool in python3 make gcc bc bison flex tar xz qemu-system-x86_64; do
	command -v "$tool" >/dev/null 2>&1 ||
		fail_run "$tool not found: run scripts/setup.sh"
done
if [ ! -f /usr/include/libelf.h ] || [ ! -f /usr/include/openssl/ssl.h ]; then
	fail_run "libelf-dev or libssl-dev missing: run scripts/setup.sh"
fi

mkdir -p "$CACHE"
# Two runs at once would overwrite each other's tree and build directory.
exec 9>"$CACHE/.lock"
if command -v flock >/dev/null 2>&1 && ! flock -n 9; then
	mv_log "waiting for another run.sh to finish"
	flock 9
fi

# ---- kernel source, extracted once -----------------------------------------
want_stamp="$(stat -c '%s %Y' "$TARBALL") $TARBALL"
if [ ! -f "$STAMP" ] || [ "$(cat "$STAMP")" != "$want_stamp" ] ||
	[ ! -f "$SRC/Makefile" ]; then
	mv_log "extracting $TARBALL into $SRC (only on the first run)"
	rm -rf "$SRC" "$BUILD" "$CACHE/extract.tmp" "$STAMP"
	mkdir "$CACHE/extract.tmp"
	tar -xJf "$TARBALL" -C "$CACHE/extract.tmp" ||
		fail_run "cannot extract $TARBALL"
	top="$(find "$CACHE/extract.tmp" -mindepth 1 -maxdepth 1 -type d)"
	[ -f "$top/tools/testing/kunit/kunit.py" ] ||
		fail_run "$TARBALL holds no kernel tree with tools/testing/kunit"
	mv "$top" "$SRC"
	rmdir "$CACHE/extract.tmp"
	echo "$want_stamp" >"$STAMP"
fi

# ---- hook drivers/minivisor_kunit into the tree (idempotent) ----------------
kconfig_line="source \"$INTREE_REL/Kconfig\""
if ! grep -qxF "$kconfig_line" "$SRC/drivers/Kconfig"; then
	# Inside the "Device Drivers" menu: before its closing endmenu.
	awk -v line="$kconfig_line" '
		{ l[NR] = $0 }
		$0 == "endmenu" { last = NR }
		END {
			for (i = 1; i <= NR; i++) {
				if (i == last)
					print line "\n"
				print l[i]
			}
		}' "$SRC/drivers/Kconfig" >"$SRC/drivers/Kconfig.tmp"
	grep -qxF "$kconfig_line" "$SRC/drivers/Kconfig.tmp" ||
		fail_run "no endmenu in $SRC/drivers/Kconfig"
	mv "$SRC/drivers/Kconfig.tmp" "$SRC/drivers/Kconfig"
fi
make_line="obj-\$(CONFIG_MINIVISOR_KUNIT_TEST) += minivisor_kunit/"
grep -qxF "$make_line" "$SRC/drivers/Makefile" ||
	echo "$make_line" >>"$SRC/drivers/Makefile"

# ---- copy the sources in, touching only what changed ------------------------
declare -A wanted=() origin=()
# sync SRC DST: copy if the content differs. No mtime preservation: a file
# that changed must look newer than its object, whatever its mtime in the
# clone.
sync_file() {
	wanted["$2"]=1
	origin["$2"]="${1#"$MV_ROOT"/}"
	cmp -s "$1" "$2" || cp "$1" "$2"
}
# Compiler and KUnit messages name the copies; point them at the clone.
path_map() {
	local dst
	for dst in "${!origin[@]}"; do
		printf '%s\t%s\n' "$dst" "${origin[$dst]}"
		printf '%s\t%s\n' "${dst#"$SRC"/}" "${origin[$dst]}"
	done
}
map_paths() {
	local args=() from to
	while IFS=$'\t' read -r from to; do
		args+=(-e "s|$from|$to|g")
	done < <(path_map)
	sed "${args[@]}"
}
# put DST: store stdin as DST if it differs.
put() {
	local tmp
	tmp="$(mktemp "$INTREE/.put.XXXXXX")"
	cat >"$tmp"
	wanted["$1"]=1
	if cmp -s "$tmp" "$1"; then
		rm -f "$tmp"
	else
		mv "$tmp" "$1"
	fi
}

mkdir -p "$INTREE/uapi"
objs=()
for f in "${KMOD_SOURCES[@]}"; do
	[ -f "$MV_ROOT/kmod/$f" ] || fail_run "KMOD_SOURCES names kmod/$f, which does not exist"
	sync_file "$MV_ROOT/kmod/$f" "$INTREE/$f"
	objs+=("${f%.c}.o")
done
for f in "$MV_ROOT"/kmod/*.h; do
	sync_file "$f" "$INTREE/$(basename "$f")"
done
sync_file "$MV_ROOT/uapi/minivisor.h" "$INTREE/uapi/minivisor.h"
suites=()
for f in "$TESTS_DIR"/*.c "$TESTS_DIR"/*.h; do
	[ -f "$f" ] || continue
	base="$(basename "$f")"
	[ -e "$MV_ROOT/kmod/$base" ] &&
		fail_run "tests/kunit/$base has the name of a kmod/ file"
	sync_file "$f" "$INTREE/$base"
	case "$base" in
	*.c)
		objs+=("${base%.c}.o")
		# Suite names (the first .name after "struct kunit_suite"), to
		# notice a suite that silently did not run.
		while IFS= read -r s; do
			suites+=("$s")
			[[ $s == minivisor_* ]] ||
				mv_warn "suite $s in tests/kunit/$base: name it minivisor_<area>"
		done < <(awk '
			/struct kunit_suite[^*]*=/ { in_suite = 1 }
			in_suite && match($0, /\.name[ \t]*=[ \t]*"[^"]*"/) {
				s = substr($0, RSTART, RLENGTH)
				sub(/^[^"]*"/, "", s)
				sub(/"$/, "", s)
				print s
				in_suite = 0
			}' "$f")
		;;
	esac
done
[ "${#suites[@]}" -gt 0 ] || fail_run "no KUnit suite in tests/kunit/*.c"

put "$INTREE/Kconfig" <<'EOF'
# SPDX-License-Identifier: GPL-2.0
# Copied in by minivisor's tests/kunit/run.sh; edit it there.
config MINIVISOR_KUNIT_TEST
	tristate "KUnit tests for minivisor's pure logic" if !KUNIT_ALL_TESTS
	depends on KUNIT && X86_64
	default KUNIT_ALL_TESTS
	help
	  The minivisor_* KUnit suites and the minivisor kmod/ sources they
	  test (no VMX instruction is executed).
EOF
put "$INTREE/Makefile" <<EOF
# SPDX-License-Identifier: GPL-2.0
# Generated by minivisor's tests/kunit/run.sh; edit it there.
# kmod/ sources say #include <minivisor.h> for the uapi header.
ccflags-y += -I\$(srctree)/\$(src)/uapi
obj-\$(CONFIG_MINIVISOR_KUNIT_TEST) += minivisor_kunit.o
minivisor_kunit-y := ${objs[*]}
EOF

# Files of earlier runs that are no longer wanted (a removed suite).
while IFS= read -r -d '' f; do
	[ -n "${wanted[$f]:-}" ] || rm -f "$f"
done < <(find "$INTREE" -type f -print0)

# ---- build and run ---------------------------------------------------------
glob_args=()
[ -z "$GLOB" ] || glob_args=("$GLOB")
rm -f "$JSON"
mv_log "building (jobs=$JOBS) and booting the KUnit kernel; log: $LOG"
rc=0
# An oops in a test would leave KUnit waiting 300 s for the dead test
# thread: panic and reboot (qemu runs with -no-reboot) at once instead.
(cd "$SRC" && python3 tools/testing/kunit/kunit.py run --arch=x86_64 \
	--jobs="$JOBS" --timeout="$TIMEOUT" \
	--kernel_args=oops=panic --kernel_args=panic=-1 \
	--kunitconfig="$TESTS_DIR/.kunitconfig" --build_dir="$BUILD" \
	--json="$JSON" "${glob_args[@]}") </dev/null >"$LOG" 2>&1 || rc=$?
mv_log "kunit.py exited $rc after $((SECONDS - START)) s"

if [ ! -s "$JSON" ]; then
	tail -n 40 "$LOG" | map_paths | sed 's/^/    /' >&2
	fail_run "kunit.py exited $rc without results (build error? see $LOG)"
fi

# Walk the kernelci-style JSON of kunit.py: groups (suites, parameterized
# cases) hold test_cases with a status PASS, FAIL, SKIP or ERROR (crash).
MV_PATH_MAP="$(path_map)" \
python3 - "$JSON" "$BUILD/test.log" "$rc" "$GLOB" "${suites[@]}" <<'EOF'
import fnmatch
import json
import os
import re
import sys

path, kernel_log, rc, glob = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
expected = sys.argv[5:]
counts = {"PASS": 0, "FAIL": 0, "SKIP": 0}


def explain_failures():
    """To stderr: what each failed check printed, and any oops or panic."""
    try:
        with open(kernel_log, errors="replace") as f:
            lines = [re.sub(r"^\[[ 0-9.]*\] ?", "", l.rstrip()) for l in f]
    except OSError:
        return
    out, block, crashed = [], None, False
    for i, line in enumerate(lines):
        if re.search(r"(EXPECTATION|ASSERTION) FAILED", line):
            block = block or []
        result = re.match(r"\s*not ok \d+ -? ?(.*)", line)
        if block is not None and result:
            out.append(f"  {result.group(1)}:")
            out += [f"    {l.strip()}" for l in block]
            block = None
        elif re.match(r"\s*ok \d+", line):
            block = None
        elif block is not None:
            block.append(line)
        if not crashed and re.search(
                r"Kernel panic|BUG:|Oops|general protection fault", line):
            crashed = True
            out.append("  kernel: " + line.strip())
            out += [f"    {l.strip()}" for l in lines[i + 1:i + 16]]
    text = "\n".join(out[:200])
    for pair in os.environ.get("MV_PATH_MAP", "").splitlines():
        src, dst = pair.split("\t")
        text = text.replace(src, dst)
    if text:
        print(f"kunit: failure details (full kernel log: {kernel_log}):",
              file=sys.stderr)
        print(text, file=sys.stderr)


def walk(group, prefix):
    for case in group.get("test_cases", []):
        status = case.get("status")
        status = status if status in ("PASS", "SKIP") else "FAIL"
        # kunit.py stands in for results that never came (the kernel
        # crashed or stopped) with an unnamed crashed test. At the top
        # level, the missing suites are reported by name below instead.
        if not case["name"] and not prefix and missing:
            continue
        counts[status] += 1
        print(f"{status} {prefix}{case['name'] or '(no result: crashed?)'}")
    for sub in group.get("sub_groups", []):
        walk(sub, f"{prefix}{sub['name']}.")


with open(path) as f:
    top = json.load(f)
ran = {g["name"] for g in top.get("sub_groups", [])}
ran |= {c["name"] for c in top.get("test_cases", [])}
suite_glob = glob.split(".")[0] if glob else "*"
missing = [s for s in expected
           if fnmatch.fnmatchcase(s, suite_glob) and s not in ran]

walk(top, "")
for suite in missing:
    counts["FAIL"] += 1
    print(f"FAIL {suite} (suite did not run)")

if sum(counts.values()) == 0:
    print(f"kunit: no test results (kunit.py exit status {rc})")
    counts["FAIL"] = 1
elif rc != 0 and counts["FAIL"] == 0:
    # Every case passed yet kunit.py failed: a crash after the last case,
    # or results it could not parse.
    print(f"kunit: kunit.py exited {rc} although no test case failed")
    counts["FAIL"] += 1

if counts["FAIL"]:
    sys.stdout.flush()
    explain_failures()
    sys.stderr.flush()

line = f"{counts['PASS']} passed, {counts['FAIL']} failed"
if counts["SKIP"]:
    line += f", {counts['SKIP']} skipped"
print(line)
sys.exit(1 if counts["FAIL"] else 0)
EOF

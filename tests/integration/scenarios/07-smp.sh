# SPDX-License-Identifier: GPL-2.0
# With two CPUs: VMX must be on on both (a guest pinned to each CPU runs),
# two VMs must run at the same time, one per CPU, and a vCPU whose thread
# is moved between CPUs while it runs (its VMCS VMCLEARed on one CPU and
# loaded on the other, SDM Vol. 3C 25.11.1) must finish with the right
# output. Then the module unloads cleanly.
# needs: smp
# timeout: 150
set -e
# shellcheck source=tests/integration/lib.sh
. /mv/lib.sh

need_tool
need_guest hello-long
need_guest mmio
command -v taskset >/dev/null || fail "taskset is missing from the initramfs"
ncpu=$(grep -c '^processor' /proc/cpuinfo)
[ "$ncpu" -ge 2 ] || fail "this scenario needs 2 CPUs, the kernel sees $ncpu"
mv_load

# expect NAME OUTFILE: OUTFILE must equal guests/NAME.expected.
expect() {
	cmp -s "$MV_GUESTS/$1.expected" "$2" ||
		fail "$1: output differs: $(diff -u "$MV_GUESTS/$1.expected" "$2" | head -n 20)"
}

for mask in 1 2; do
	taskset "$mask" minivisor run "$MV_GUESTS/hello-long.bin" >/tmp/pinned.out ||
		fail "hello-long pinned to CPU mask $mask failed"
	expect hello-long /tmp/pinned.out
	ok "hello-long ran pinned to CPU mask $mask"
done

taskset 1 minivisor run "$MV_GUESTS/hello-long.bin" >/tmp/a.out &
pa=$!
taskset 2 minivisor run --entry long "$MV_GUESTS/mmio.bin" >/tmp/b.out &
pb=$!
wait "$pa" || fail "hello-long on CPU 0 failed while mmio ran on CPU 1"
wait "$pb" || fail "mmio on CPU 1 failed while hello-long ran on CPU 0"
expect hello-long /tmp/a.out
expect mmio /tmp/b.out
ok "two VMs ran at the same time on two CPUs"

minivisor run --entry long "$MV_GUESTS/mmio.bin" >/tmp/moved.out &
pm=$!
moves=0
while kill -0 "$pm" 2>/dev/null; do
	taskset -p 1 "$pm" >/dev/null 2>&1 || true
	taskset -p 2 "$pm" >/dev/null 2>&1 || true
	moves=$((moves + 2))
done
wait "$pm" || fail "mmio failed while its thread was moved between CPUs"
expect mmio /tmp/moved.out
ok "mmio ran while its CPU affinity was switched $moves times"

mv_unload
check_dmesg_clean

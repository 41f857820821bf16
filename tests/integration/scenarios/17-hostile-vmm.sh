# SPDX-License-Identifier: GPL-2.0
# A hostile VMM (tests/integration/progs/vmm_hostile, TAP): guest memory
# munmap()ed, mapped over, mremap()ed, MADV_DONTNEED'd, mprotect()ed and
# its slots deleted / replaced under a running vCPU; fork() with every fd
# inherited; SIGKILL at each of 12 stages of a VM's life; the ring words
# only the kernel writes and a published completion record overwritten
# (the run-page race needs two CPUs: scenario 18). The host must not
# notice: the guest sees exactly what docs/memory.md promises, every pin
# and module reference is released, kernel memory comes back, rmmod
# works, the log stays clean. Each class prints a "CASES" line.
# timeout: 120
set -e
# shellcheck source=tests/integration/lib.sh
. /mv/lib.sh

need_prog vmm_hostile

# uptime_cs: the kernel's uptime in hundredths of a second.
uptime_cs() {
	awk '{ sub(/\./, "", $1); print $1 + 0 }' /proc/uptime
}
# Kernel memory after dropping caches and shrinking every slab cache, in
# KiB: free memory (MemFree plus the pages parked in the per-CPU page
# lists, the "count:" lines of /proc/zoneinfo, which MemFree leaves out:
# they alone moved it by 2 MiB between runs) and SUnreclaim.
mem() {
	sync
	echo 3 >/proc/sys/vm/drop_caches
	for f in /sys/kernel/slab/*/shrink; do echo 1 >"$f"; done 2>/dev/null || true
	pcp=$(awk '$1 == "count:" { n += $2 } END { print n + 0 }' /proc/zoneinfo)
	awk -v pcp="$pcp" '/^MemFree:/ { f = $2 } /^SUnreclaim:/ { s = $2 }
		END { print f + pcp * 4, s }' /proc/meminfo
}
# The runs pin and free about 22 MiB of guest memory in 23 VMs and a few
# thousand kernel objects (measured afterwards: free memory -60 KiB,
# SUnreclaim +20 KiB; after rmmod -80 KiB against before insmod). A data
# slot left pinned would be 1 MiB; the program counts the pins exactly
# besides.
FREE_TOL_KB=1024
SLAB_TOL_KB=256

m=$(mem)
free0=${m% *}
mv_load
m=$(mem)
free1=${m% *} slab1=${m#* }
ok "baseline after insmod: free $free1 KiB, SUnreclaim $slab1 KiB"

for class in memory fork kill ring; do
	t0=$(uptime_cs)
	{
		rc=0
		vmm_hostile "$class" 2>&1 || rc=$?
		echo "$rc" >/tmp/vmm.rc
	} | tee "/tmp/vmm-$class.out"
	rc=$(cat /tmp/vmm.rc)
	t=$(($(uptime_cs) - t0))
	[ "$rc" -eq 0 ] || fail "vmm_hostile $class exited $rc"
	n=$(grep -c '^ok ' "/tmp/vmm-$class.out" || true)
	ok "vmm_hostile $class: $n checks passed ($((t / 100)).$((t % 100 / 10)) s guest time)"
done
# The table the README quotes.
cat /tmp/vmm-*.out | grep '^CASES ' | sed 's/^/  /'

refs=$(cat /sys/module/minivisor/refcnt)
[ "$refs" = 0 ] || fail "the module's reference count is $refs after every run ended"
m=$(mem)
free2=${m% *} slab2=${m#* }
echo "  after the runs: free $free2 KiB ($((free2 - free1))), SUnreclaim $slab2 KiB ($((slab2 - slab1)))"
[ $((free1 - free2)) -le "$FREE_TOL_KB" ] ||
	fail "free memory is $((free1 - free2)) KiB below the baseline (tolerance $FREE_TOL_KB KiB): guest memory not freed?"
[ $((slab2 - slab1)) -le "$SLAB_TOL_KB" ] ||
	fail "SUnreclaim grew by $((slab2 - slab1)) KiB (tolerance $SLAB_TOL_KB KiB)"
ok "kernel memory back to the baseline (free memory within $FREE_TOL_KB KiB, SUnreclaim within $SLAB_TOL_KB KiB)"

mv_unload
m=$(mem)
free3=${m% *}
echo "  after rmmod: free $free3 KiB ($((free3 - free0)) against before insmod)"
[ $((free0 - free3)) -le "$FREE_TOL_KB" ] ||
	fail "after rmmod free memory is $((free0 - free3)) KiB below what it was before insmod"
ok "after rmmod, memory as before insmod"
check_dmesg_clean

# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Build an initramfs for the Debian cloud kernel, wrap it into a bootable
# ISO and boot it in Bochs (VMX emulated) or QEMU with nested KVM.
# Shared by tests/integration/run.sh and scripts/demo.sh.
#
# Needs scripts/lib/common.sh and scripts/kernel-env.sh sourced first
# (MV_ROOT, MV_KVER, MV_VMLINUZ, MV_KMODDIR).
#
# Layout of the initramfs made by mv_initramfs_base + mv_initramfs_payload:
#   /bin/busybox + one symlink per applet, /sbin, /usr/bin -> /bin
#   /lib/modules/$MV_KVER/   kvm, kvm-intel and deps, with depmod's indexes
#   /mv/minivisor.ko         the module (absent if it did not build)
#   /bin/minivisor           the tool (absent if it did not build)
#   /mv/guests/              guests/*.bin and their .expected/.args/.exitcode
#   /mv/progs/               executables of tests/integration/progs/
#   /mv/linux/vmlinuz, initrd.gz  the Linux guest: this same kernel and a
#                            busybox initramfs whose /init is guests/linux/init
#   /mv/build-status         "<part> ok|failed|missing" per built part
# The caller adds /init (and anything else) before mv_initramfs_pack.

# Kernel command line: serial console, little printk noise, and options
# that cut emulated boot time (no TSC calibration against the PIT, no
# speculative-execution mitigations, no Spectre retpoline patching...).
MV_CMDLINE_DEFAULT="console=ttyS0,115200 loglevel=4 quiet panic=0 \
mitigations=off tsc=reliable no_timer_check \
i8042.noaux i8042.nokbd i8042.nopnp nomodeset"

# ---------------------------------------------------------------------------
# initramfs

# mv_build_parts LOGDIR PART...: build the named parts of the project
# (module, userspace, guests, progs), each with its log in LOGDIR. A part
# that fails is added to MV_BUILD_FAILED (exported), so the initramfs
# leaves it out instead of packing a stale copy.
mv_build_parts() {
	local logdir="$1" part
	local -a cmd
	shift
	MV_BUILD_FAILED="${MV_BUILD_FAILED:-}"
	for part in "$@"; do
		case "$part" in
		module)	cmd=(make -C "$MV_ROOT" module KDIR="$MV_KDIR") ;;
		progs)	[ -f "$MV_ROOT/tests/integration/progs/Makefile" ] || continue
			cmd=(make -C "$MV_ROOT/tests/integration/progs") ;;
		*)	cmd=(make -C "$MV_ROOT" "$part") ;;
		esac
		mv_run_logged "$part" "$logdir/build-$part.log" "${cmd[@]}" ||
			MV_BUILD_FAILED+=" $part"
	done
	export MV_BUILD_FAILED
}

# mv_initramfs_base ROOT: busybox, directories, kvm modules.
mv_initramfs_base() {
	local root="$1" bb applet
	bb="$(command -v busybox)" || { mv_warn "busybox not found (package busybox-static)"; return 1; }
	if ! file_is_static "$bb"; then
		# /bin/busybox of busybox-static is static; another one may not be.
		[ -x /bin/busybox ] && file_is_static /bin/busybox && bb=/bin/busybox
	fi
	rm -rf "$root"
	mkdir -p "$root"/{bin,dev,proc,sys,tmp,run,etc,mv/guests,mv/progs,mv/scenarios,lib/modules,root}
	ln -s bin "$root/sbin"
	mkdir -p "$root/usr"
	ln -s ../bin "$root/usr/bin"
	ln -s ../bin "$root/usr/sbin"
	cp "$bb" "$root/bin/busybox"
	for applet in $("$root/bin/busybox" --list); do
		[ "$applet" = busybox ] && continue
		ln -sf busybox "$root/bin/$applet"
	done
	mv_initramfs_kmods "$root" kvm kvm-intel
}

file_is_static() {	# file_is_static ELF
	! LC_ALL=C readelf -l "$1" 2>/dev/null | grep -q 'Requesting program interpreter'
}

# mv_initramfs_kmods ROOT MODULE...: copy modules of the unpacked image and
# everything they depend on, then depmod, so that both `modprobe kvm_intel`
# and `insmod` in dependency order work.
mv_initramfs_kmods() {
	local root="$1" m f dep
	shift
	local -a todo=("$@")
	local -A seen=()
	while [ "${#todo[@]}" -gt 0 ]; do
		m="${todo[0]}"
		todo=("${todo[@]:1}")
		m="${m//_/-}"
		[ -n "${seen[$m]:-}" ] && continue
		seen[$m]=1
		f="$(find "$MV_KMODDIR/kernel" \( -name "$m.ko" -o -name "$m.ko.xz" \
			-o -name "${m//-/_}.ko" -o -name "${m//-/_}.ko.xz" \) -print -quit)"
		if [ -z "$f" ]; then
			mv_warn "module $m not found under $MV_KMODDIR"
			return 1
		fi
		mkdir -p "$root/lib/modules/$MV_KVER/$(dirname "${f#"$MV_KMODDIR"/}")"
		cp "$f" "$root/lib/modules/$MV_KVER/${f#"$MV_KMODDIR"/}"
		for dep in $(modinfo -F depends "$f" | tr ',' ' '); do
			todo+=("$dep")
		done
	done
	cp "$MV_KMODDIR"/modules.{order,builtin,builtin.modinfo} \
		"$root/lib/modules/$MV_KVER/" 2>/dev/null || true
	depmod -b "$root" "$MV_KVER"
}

# mv_copy_elf SRC DST: copy an executable; if it is dynamically linked, also
# copy its interpreter and libraries (the initramfs has no libc otherwise).
mv_copy_elf() {
	local src="$1" dst="$2" root lib
	cp "$src" "$dst"
	chmod +x "$dst"
	if head -c 4 "$src" | grep -q 'ELF' && ! file_is_static "$src"; then
		mv_warn "$src is dynamically linked; copying its libraries into the initramfs"
		root="$(mv_initramfs_root_of "$dst")"
		for lib in $(ldd "$src" 2>/dev/null | grep -o '/[^ ]*'); do
			[ -e "$root$lib" ] && continue
			mkdir -p "$root$(dirname "$lib")"
			cp -L "$lib" "$root$lib"
		done
	fi
}
mv_initramfs_root_of() {	# the initramfs root that contains path $1
	local d
	d="$(dirname "$1")"
	while [ "$d" != / ] && [ ! -e "$d/bin/busybox" ]; do d="$(dirname "$d")"; done
	printf '%s\n' "$d"
}

# mv_initramfs_payload ROOT: the project's artefacts, as far as they exist.
# Honours MV_BUILD_FAILED (space-separated parts whose build failed: those
# are left out rather than copied stale).
mv_initramfs_payload() {
	local root="$1" status="$1/mv/build-status" f name ext
	: >"$status"
	mv_part_failed() { case " ${MV_BUILD_FAILED:-} " in *" $1 "*) return 0 ;; esac; return 1; }

	if mv_part_failed module; then
		echo "module failed" >>"$status"
	elif [ -f "$MV_ROOT/kmod/minivisor.ko" ]; then
		cp "$MV_ROOT/kmod/minivisor.ko" "$root/mv/minivisor.ko"
		echo "module ok" >>"$status"
	else
		echo "module missing" >>"$status"
	fi

	if mv_part_failed userspace; then
		echo "userspace failed" >>"$status"
	elif [ -x "$MV_ROOT/userspace/minivisor" ]; then
		mv_copy_elf "$MV_ROOT/userspace/minivisor" "$root/bin/minivisor"
		echo "userspace ok" >>"$status"
	else
		echo "userspace missing" >>"$status"
	fi

	if mv_part_failed guests; then
		echo "guests failed" >>"$status"
	else
		for f in "$MV_ROOT"/guests/*.bin; do
			[ -f "$f" ] || continue
			name="$(basename "$f" .bin)"
			cp "$f" "$root/mv/guests/"
			for ext in expected args exitcode stderr; do
				[ -f "$MV_ROOT/guests/$name.$ext" ] && cp "$MV_ROOT/guests/$name.$ext" "$root/mv/guests/"
			done
		done
		if compgen -G "$root/mv/guests/*.bin" >/dev/null; then
			echo "guests ok" >>"$status"
		else
			echo "guests missing" >>"$status"
		fi
	fi

	# The Linux guest: the test kernel itself and a busybox initramfs.
	if [ -f "$MV_ROOT/guests/linux/init" ] && [ -f "${MV_VMLINUZ:-}" ]; then
		mkdir -p "$root/mv/linux"
		cp "$MV_VMLINUZ" "$root/mv/linux/vmlinuz"
		mv_linux_guest_initrd "$root/mv/linux/initrd.gz"
		echo "linux ok" >>"$status"
	else
		echo "linux missing" >>"$status"
	fi

	if mv_part_failed progs; then
		echo "progs failed" >>"$status"
	elif [ -d "$MV_ROOT/tests/integration/progs" ]; then
		for f in "$MV_ROOT"/tests/integration/progs/*; do
			if [ ! -f "$f" ] || [ ! -x "$f" ]; then continue; fi
			mv_copy_elf "$f" "$root/mv/progs/$(basename "$f")"
		done
		echo "progs ok" >>"$status"
	else
		echo "progs missing" >>"$status"
	fi
}

# mv_linux_guest_initrd OUT: the Linux guest's own initramfs: busybox and
# guests/linux/init, packed like ours.
mv_linux_guest_initrd() {
	local out="$1" groot applet
	groot="$(mktemp -d)"
	mkdir -p "$groot"/{bin,dev,proc,sys,tmp}
	cp "$(command -v busybox)" "$groot/bin/busybox"
	for applet in $("$groot/bin/busybox" --list); do
		[ "$applet" = busybox ] || ln -sf busybox "$groot/bin/$applet"
	done
	ln -s bin "$groot/sbin"
	cp "$MV_ROOT/guests/linux/init" "$groot/init"
	chmod +x "$groot/init"
	mv_initramfs_pack "$groot" "$out"
	rm -rf "$groot"
}

# mv_initramfs_pack ROOT OUT: newc cpio, owned by root, gzip'ed.
mv_initramfs_pack() {
	local root="$1" out="$2"
	(cd "$root" && find . -mindepth 1 | LC_ALL=C sort |
		cpio --quiet -o -H newc -R 0:0) | gzip -1 >"$out"
}

# ---------------------------------------------------------------------------
# ISO (Bochs has no direct kernel loading for 64-bit kernels)

# mv_make_iso KERNEL INITRD CMDLINE OUT
mv_make_iso() {
	local kernel="$1" initrd="$2" cmdline="$3" out="$4" dir
	dir="$(mktemp -d "${out%/*}/.iso.XXXXXX")"
	mkdir -p "$dir/isolinux"
	cp /usr/lib/ISOLINUX/isolinux.bin /usr/lib/syslinux/modules/bios/ldlinux.c32 "$dir/isolinux/"
	cp "$kernel" "$dir/vmlinuz"
	cp "$initrd" "$dir/initrd.img"
	cat >"$dir/isolinux/isolinux.cfg" <<-EOF
		DEFAULT mv
		PROMPT 0
		TIMEOUT 0
		LABEL mv
		  KERNEL /vmlinuz
		  APPEND initrd=/initrd.img $cmdline
	EOF
	xorriso -as mkisofs -quiet -o "$out" -R -J \
		-b isolinux/isolinux.bin -c isolinux/boot.cat \
		-no-emul-boot -boot-load-size 4 -boot-info-table "$dir" 2>/dev/null
	rm -rf "$dir"
}

# ---------------------------------------------------------------------------
# Emulators

# mv_emulator: "qemu" when QEMU can use nested VMX through /dev/kvm, else
# "bochs". MV_EMULATOR=bochs|qemu forces one. MV_QEMU_ACCEL replaces QEMU's
# "-enable-kvm -cpu host,+vmx" (e.g. "-accel tcg -cpu max" to debug the
# boot plumbing on a host without VMX: the module cannot load there).
mv_emulator() {
	case "${MV_EMULATOR:-auto}" in
	bochs | qemu) echo "$MV_EMULATOR"; return ;;
	esac
	if [ -c /dev/kvm ] && [ -r /dev/kvm ] && [ -w /dev/kvm ] &&
		grep -qw vmx /proc/cpuinfo && command -v qemu-system-x86_64 >/dev/null; then
		echo qemu
	else
		echo bochs
	fi
}

# mv_boot: boot a kernel + initramfs and wait for a marker on the serial port.
#   mv_boot --kernel K --initrd I --serial FILE --log FILE [--cmdline C]
#           [--cpus N] [--mem MB] [--timeout SEC] [--idle SEC]
#           [--done REGEX] [--live]
# Returns 0 when the serial output matched REGEX (default "MVTEST DONE")
# and the emulator ended (it is killed 5 s after the marker otherwise);
# 1 if the emulator exited without the marker; 2 on timeout (--timeout in
# all, or --idle seconds without any serial output); 3 when the guest kernel
# panicked or reported a soft/hard lockup or an RCU stall. Never relies on
# the emulator's exit status (Bochs exits 1 on `poweroff -f`). With --live,
# the serial output is copied to stdout as it arrives. The work files (ISO,
# bochsrc) go next to the serial file. Sets MV_BOOT_SECONDS.
mv_boot() {
	local kernel="" initrd="" serial="" log="" cmdline="$MV_CMDLINE_DEFAULT"
	local cpus=1 mem=512 timeout=600 idle=0 done_re="MVTEST DONE" live=0
	while [ "$#" -gt 0 ]; do
		case "$1" in
		--kernel) kernel="$2"; shift 2 ;;
		--initrd) initrd="$2"; shift 2 ;;
		--serial) serial="$2"; shift 2 ;;
		--log) log="$2"; shift 2 ;;
		--cmdline) cmdline="$2"; shift 2 ;;
		--cpus) cpus="$2"; shift 2 ;;
		--mem) mem="$2"; shift 2 ;;
		--timeout) timeout="$2"; shift 2 ;;
		--idle) idle="$2"; shift 2 ;;
		--done) done_re="$2"; shift 2 ;;
		--live) live=1; shift ;;
		*) mv_warn "mv_boot: unknown argument $1"; return 1 ;;
		esac
	done
	local dir emu pid
	dir="$(dirname "$serial")"
	emu="$(mv_emulator)"
	: >"$serial"
	: >"$log"
	case "$emu" in
	bochs)
		# Bochs's TSC counts instructions, MV_BOCHS_IPS per emulated
		# second, but its CPUID says 3.5 GHz: tell the kernel.
		mv_make_iso "$kernel" "$initrd" "$cmdline $(mv_bochs_clock_args)" "$dir/boot.iso" || return 1
		mv_bochsrc "$dir/boot.iso" "$serial" "$log" "$cpus" "$mem" >"$dir/bochsrc"
		printf 'c\nquit\n' >"$dir/bochs.rc"
		mv_log "booting in Bochs ($cpus CPU(s), ${mem} MB, timeout ${timeout}s); serial: $serial"
		bochs -q -f "$dir/bochsrc" -rc "$dir/bochs.rc" </dev/null >"$dir/bochs.out" 2>&1 &
		pid=$!
		;;
	qemu)
		mv_log "booting in QEMU with nested KVM ($cpus CPU(s), ${mem} MB, timeout ${timeout}s); serial: $serial"
		# shellcheck disable=SC2086 # MV_QEMU_ACCEL holds several words
		qemu-system-x86_64 ${MV_QEMU_ACCEL:--enable-kvm -cpu host,+vmx} -smp "$cpus" -m "$mem" \
			-kernel "$kernel" -initrd "$initrd" -append "$cmdline" \
			-display none -monitor none -serial "file:$serial" -no-reboot \
			-D "$log" </dev/null >"$dir/qemu.out" 2>&1 &
		pid=$!
		;;
	esac

	local start now rc=1 shown=0 size last_size=0 grew_at marker_at=0 fatal_at=0
	# Only the emulated PC's own kernel messages count: a printk line
	# starts with its timestamp. Scenarios print what a minivisor guest
	# said with a prefix ("ok: ...", "    out: ..."), so a Linux guest's
	# deliberate panic (11-linux) is not taken for the PC's.
	local fatal_re='^\[ *[0-9]+\.[0-9]+\] ([a-zA-Z ]*: )?(Kernel panic - not syncing|BUG: soft lockup|Watchdog detected hard LOCKUP|INFO: rcu_[a-z]* (self-)?detected stall)'
	start="$(date +%s)"
	grew_at="$start"
	while :; do
		now="$(date +%s)"
		size="$(stat -c %s "$serial")"
		if [ "$size" -ne "$last_size" ]; then
			last_size="$size"
			grew_at="$now"
		fi
		if [ "$live" -eq 1 ] && [ "$size" -gt "$shown" ]; then
			tail -c +"$((shown + 1))" "$serial" | head -c "$((size - shown))" | tr -d '\r'
			shown="$size"
		fi
		if [ "$marker_at" -eq 0 ] && grep -aEq "$done_re" "$serial"; then
			marker_at="$now"
			rc=0
		fi
		if [ "$fatal_at" -eq 0 ] && [ "$marker_at" -eq 0 ] &&
			grep -aEq "$fatal_re" "$serial"; then
			fatal_at="$now"
		fi
		if ! kill -0 "$pid" 2>/dev/null; then
			break
		fi
		if [ "$marker_at" -ne 0 ] && [ $((now - marker_at)) -ge 5 ]; then
			# poweroff -f with 2 CPUs does not always end Bochs.
			mv_log "$emu still running 5 s after the end marker: stopping it"
			break
		fi
		if [ "$fatal_at" -ne 0 ] && [ $((now - fatal_at)) -ge 5 ]; then
			mv_warn "the guest kernel panicked or locked up: stopping $emu"
			rc=3
			break
		fi
		if [ $((now - start)) -ge "$timeout" ]; then
			mv_warn "no end marker after ${timeout}s: stopping $emu"
			rc=2
			break
		fi
		if [ "$idle" -gt 0 ] && [ $((now - grew_at)) -ge "$idle" ]; then
			mv_warn "no serial output for ${idle}s: stopping $emu"
			rc=2
			break
		fi
		sleep 0.5
	done
	if kill -0 "$pid" 2>/dev/null; then
		kill "$pid" 2>/dev/null || true
		sleep 1
		kill -9 "$pid" 2>/dev/null || true
	fi
	wait "$pid" 2>/dev/null || true
	if [ "$live" -eq 1 ]; then
		size="$(stat -c %s "$serial")"
		[ "$size" -gt "$shown" ] && tail -c +"$((shown + 1))" "$serial" | tr -d '\r'
	fi
	if [ "$rc" -eq 0 ] || grep -aEq "$done_re" "$serial"; then
		rc=0
	fi
	MV_BOOT_SECONDS=$(($(date +%s) - start))
	mv_log "$emu ran ${MV_BOOT_SECONDS}s"
	return "$rc"
}

# mv_bochs_clock_args: kernel arguments that match the emulated PC's clocks.
# Bochs's TSC advances one tick per emulated instruction, MV_BOCHS_IPS
# (the bochsrc's ips) of them per emulated second, but its CPU model's
# CPUID leaf 0x16 reports a 3.5 GHz base frequency, which Linux takes as
# the TSC's. With that, the kernel's clock (TSC clocksource) ran 140 times
# slower than the emulated PIT, HPET and local APIC timer: every timer
# fired early, and was re-armed ~100 times before it expired (12,500
# local timer interrupts for one `sleep 1`), scenarios' time limits were
# 140 times longer than they read, and guests of the module took 3.4
# external-interrupt exits per port I/O exit. tsc_early_khz gives the
# true rate (the refined calibration against the HPET confirms it), and
# lpj the matching delay-loop count (HZ 250: ips / 250).
mv_bochs_clock_args() {
	local ips="${MV_BOCHS_IPS:-25000000}"
	echo "tsc_early_khz=$((ips / 1000)) lpj=$((ips / 250))"
}

# mv_bochsrc ISO SERIAL LOG CPUS MEM_MB
mv_bochsrc() {
	local iso="$1" serial="$2" log="$3" cpus="$4" mem="$5"
	cat <<-EOF
		# generated by scripts/lib/vm.sh
		memory: guest=$mem, host=$mem
		romimage: file=/usr/share/bochs/BIOS-bochs-latest
		vgaromimage: file=/usr/share/vgabios/vgabios.bin
		cpu: model=corei7_skylake_x, count=$cpus, ips=${MV_BOCHS_IPS:-25000000}, reset_on_triple_fault=0
		clock: sync=none, time0=1704067200
		display_library: rfb, options="timeout=0"
		boot: cdrom
		ata0: enabled=1, ioaddr1=0x1f0, ioaddr2=0x3f0, irq=14
		ata0-master: type=cdrom, path="$iso", status=inserted
		com1: enabled=1, mode=file, dev="$serial"
		mouse: enabled=0
		# No sound: where ALSA's libraries are installed but there is no
		# card, Debian's Bochs 2.7 aborts at start in its mixer thread
		# ("buffer overflow detected"); the PC speaker needs none anyway.
		speaker: enabled=0
		sound: waveoutdrv=dummy, waveindrv=dummy, midioutdrv=dummy
		log: $log
		panic: action=fatal
		error: action=report
		info: action=report
		debug: action=ignore
	EOF
}

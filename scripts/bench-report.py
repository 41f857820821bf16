#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Report of `make bench`: reads the MVBENCH lines that
scripts/lib/bench-init.sh printed on the emulated PC's console and prints
the table (operation, minivisor cycles, KVM cycles, ratio), the cost of the
exit statistics, the goals of issue 7 with their outcome, and writes the
same as JSON and as a PNG bar chart (gnuplot).

Exit status: 0 if every figure was measured, 1 if one is missing or a
benchmark failed (a figure that misses its goal is reported, not failed).
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

# (key, label) in table order; the cycles per operation of each.
OPS = [
    ("cpuid", "CPUID (kernel)"),
    ("vmcall", "VMCALL hypercall (kernel)"),
    ("floor", "floor: cheapest exit"),
    ("pio-out", "port OUT to userspace"),
    ("pio-in", "port IN from userspace"),
    ("mmio-write", "MMIO write to userspace"),
    ("mmio-read", "MMIO read from userspace"),
    ("ring-posted-write", "MMIO write, posted ring / KVM coalesced"),
    ("ring-sync-read", "MMIO read, sync ring / KVM classic"),
    ("hlt-irq", "HLT + injected interrupt"),
]
# Where KVM runs something else than minivisor's operation.
KVM_NOTE = {
    "floor": "KVM: VMCALL with an unknown number (KVM has no no-op exit)",
    "ring-posted-write": "KVM: KVM_REGISTER_COALESCED_MMIO",
    "ring-sync-read": "KVM: ordinary MMIO read exit",
}
HVS = ("minivisor", "minivisor-nostats", "kvm")


def parse(path):
    cycles = {hv: {} for hv in HVS}
    ops = {hv: {} for hv in HVS}
    create = {}
    mem = {hv: {} for hv in HVS}
    failures = []
    done = False
    with open(path, "rb") as f:
        for raw in f:
            line = raw.decode("utf-8", "replace").strip()
            if line == "MVBENCH DONE":
                done = True
            elif line.startswith("MVBENCH-FAIL "):
                failures.append(line[len("MVBENCH-FAIL "):])
            elif line.startswith("MVBENCH "):
                w = line.split()
                if len(w) < 4 or w[1] not in HVS:
                    continue
                hv, op = w[1], w[2]
                if op == "vm-create":
                    phases = dict(p.split("=", 1) for p in w[4:] if "=" in p)
                    create[hv] = {"total": int(w[3]),
                                  **{k: int(v) for k, v in phases.items()}}
                elif op in ("vm-mem", "vcpu-mem"):
                    mem[hv][op] = int(w[3])
                elif len(w) >= 6:
                    cycles[hv][op] = int(w[3])
                    ops[hv][op] = int(w[4])
    return cycles, ops, create, mem, failures, done


def ratio(a, b):
    return a / b if a is not None and b else None


def fmt(v, spec="{:,}"):
    return "-" if v is None else spec.format(v)


def goals(cyc):
    mv, kvm = cyc["minivisor"], cyc["kvm"]
    g = []

    def add(text, value, target):
        g.append({"goal": text, "value": value, "target": target,
                  "met": None if value is None else value <= target})
    add("CPUID at most 0.6x KVM", ratio(mv.get("cpuid"), kvm.get("cpuid")), 0.6)
    add("port OUT to userspace at most 0.7x KVM",
        ratio(mv.get("pio-out"), kvm.get("pio-out")), 0.7)
    add("port IN from userspace at most 0.7x KVM",
        ratio(mv.get("pio-in"), kvm.get("pio-in")), 0.7)
    add("posted ring write at most 0.25x KVM's MMIO write",
        ratio(mv.get("ring-posted-write"), kvm.get("mmio-write")), 0.25)
    add("posted ring write no worse than KVM's coalesced MMIO",
        ratio(mv.get("ring-posted-write"), kvm.get("ring-posted-write")), 1.0)
    add("ring read at most 0.8x KVM's MMIO read",
        ratio(mv.get("ring-sync-read"), kvm.get("mmio-read")), 0.8)
    add("CPUID within 1.3x minivisor's floor",
        ratio(mv.get("cpuid"), mv.get("floor")), 1.3)
    return g


def stats_overhead(cyc):
    """Per operation: minivisor with statistics over without, - 1."""
    on, off = cyc["minivisor"], cyc["minivisor-nostats"]
    return {op: (on[op] / off[op] - 1.0) if op in on and off.get(op) else None
            for op, _ in OPS}


def print_report(cyc, ops, create, mem, over, gl, out):
    w = max(len(label) for _, label in OPS) + 2
    out.write("\nExit microbenchmarks: guest TSC cycles per operation, same "
              "boot of the emulated PC\n\n")
    hdr = ("{:<%d}{:>12}{:>12}{:>8}{:>12}{:>9}\n" % w).format(
        "operation", "minivisor", "KVM", "ratio", "stats off", "stats")
    out.write(hdr)
    out.write("-" * (len(hdr) - 1) + "\n")
    for op, label in OPS:
        m = cyc["minivisor"].get(op)
        k = cyc["kvm"].get(op)
        r = None if op == "floor" else ratio(m, k)
        o = over.get(op)
        out.write(("{:<%d}{:>12}{:>12}{:>8}{:>12}{:>9}\n" % w).format(
            label, fmt(m), fmt(k), fmt(r, "{:.2f}x"),
            fmt(cyc["minivisor-nostats"].get(op)),
            fmt(None if o is None else 100 * o, "{:+.1f}%")))
    for op, note in KVM_NOTE.items():
        out.write("  %s: %s\n" % (op, note))
    out.write("  ratio: minivisor / KVM (lower is better); stats: minivisor "
              "with exit statistics on vs off\n")
    out.write("  iterations: %s\n" % ", ".join(
        "%s %d" % (op, ops["minivisor"][op]) for op, _ in OPS
        if op in ops["minivisor"]))

    out.write("\nCreating a VM (1 vCPU, 64 MiB) up to its first guest "
              "instruction, host TSC cycles (median of 5)\n\n")
    for hv in ("minivisor", "kvm"):
        c = create.get(hv)
        if not c:
            out.write("  %-10s -\n" % hv)
            continue
        out.write("  %-10s %14s   (%s)\n" % (hv, fmt(c["total"]), ", ".join(
            "%s %s" % (k, fmt(c[k])) for k in ("open", "vm", "mem", "vcpu", "run")
            if k in c)))
    r = ratio(create.get("minivisor", {}).get("total"),
              create.get("kvm", {}).get("total"))
    out.write("  ratio      %s\n" % fmt(r, "{:.2f}x"))

    out.write("\nKernel memory, guest memory excluded (free pages incl. per-CPU lists, median of 5)\n\n")
    for key, label in (("vm-mem", "per VM (1 vCPU)"), ("vcpu-mem", "per extra vCPU")):
        m, k = mem["minivisor"].get(key), mem["kvm"].get(key)
        out.write("  %-16s minivisor %10s   KVM %10s   ratio %s\n" % (
            label, fmt(m, "{:,} B"), fmt(k, "{:,} B"), fmt(ratio(m, k), "{:.2f}x")))

    out.write("\nGoals (issue 7, and issue 6's statistics overhead)\n\n")
    for g in gl:
        state = "not measured" if g["met"] is None else ("met" if g["met"] else "MISSED")
        if g.get("unit") == "%":
            value = fmt(None if g["value"] is None else 100 * g["value"], "{:+.1f}%")
            target = "%g%%" % (100 * g["target"])
        else:
            value, target = fmt(g["value"], "{:.2f}x"), "%gx" % g["target"]
        out.write("  %-56s %8s  (target %s)  %s\n" % (g["goal"], value, target, state))


def write_png(cyc, path):
    gnuplot = shutil.which("gnuplot")
    if not gnuplot:
        sys.stderr.write("bench-report: gnuplot is missing (scripts/setup.sh "
                         "installs gnuplot-nox); no PNG written\n")
        return False
    with tempfile.TemporaryDirectory() as d:
        data = os.path.join(d, "bench.dat")
        with open(data, "w") as f:
            for op, label in OPS:
                m = cyc["minivisor"].get(op)
                k = cyc["kvm"].get(op)
                f.write('"%s" %s %s\n' % (op, m if m else "NaN", k if k else "NaN"))
        script = os.path.join(d, "bench.gp")
        with open(script, "w") as f:
            f.write('set terminal png size 1100,560 font ",10"\n')
            f.write('set output "%s"\n' % path)
            f.write('set title "minivisor vs KVM: guest TSC cycles per exit '
                    '(Bochs, same boot; lower is better)"\n')
            f.write("set style data histograms\n")
            f.write("set style histogram clustered gap 1\n")
            f.write("set style fill solid 0.8 border -1\n")
            f.write("set logscale y\nset grid ytics\n")
            f.write('set ylabel "cycles per operation (log scale)"\n')
            f.write("set xtics rotate by -30\nset key top left\n")
            f.write('plot "%s" using 2:xtic(1) title "minivisor", '
                    "'' using 3 title \"KVM\"\n" % data)
        res = subprocess.run([gnuplot, script], capture_output=True, text=True)
        if res.returncode:
            sys.stderr.write("bench-report: gnuplot failed: %s\n" % res.stderr)
            return False
    return True


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--serial", required=True, help="the benchmark boot's console log")
    ap.add_argument("--json", help="write the figures here as JSON")
    ap.add_argument("--png", help="write a bar chart here (needs gnuplot)")
    a = ap.parse_args()

    cyc, ops, create, mem, failures, done = parse(a.serial)
    over = stats_overhead(cyc)
    gl = goals(cyc)
    gl.append({"goal": "exit statistics cost at most 3% (every operation)",
               "value": max((v for v in over.values() if v is not None),
                            default=None),
               "target": 0.03, "met": None, "unit": "%"})
    if gl[-1]["value"] is not None:
        gl[-1]["met"] = gl[-1]["value"] <= 0.03
    print_report(cyc, ops, create, mem, over, gl, sys.stdout)

    missing = ["%s %s" % (hv, op) for hv in ("minivisor", "minivisor-nostats", "kvm")
               for op, _ in OPS if op not in cyc[hv]]
    missing += ["%s vm-create" % hv for hv in ("minivisor", "kvm") if hv not in create]
    missing += ["%s %s" % (hv, k) for hv in ("minivisor", "kvm")
                for k in ("vm-mem", "vcpu-mem") if k not in mem[hv]]
    if a.json:
        doc = {
            "unit": "guest TSC cycles per operation (Bochs 2.7, clock sync=none)",
            "operations": [{
                "operation": op, "label": label,
                "minivisor": cyc["minivisor"].get(op),
                "minivisor_stats_off": cyc["minivisor-nostats"].get(op),
                "kvm": cyc["kvm"].get(op),
                "ratio": None if op == "floor" else ratio(cyc["minivisor"].get(op),
                                                          cyc["kvm"].get(op)),
                "stats_overhead": over.get(op),
                "iterations": ops["minivisor"].get(op),
                "kvm_note": KVM_NOTE.get(op),
            } for op, label in OPS],
            "vm_create_cycles": create,
            "kernel_memory_bytes": {hv: mem[hv] for hv in ("minivisor", "kvm")},
            "goals": gl,
            "failures": failures,
            "missing": missing,
        }
        with open(a.json, "w") as f:
            json.dump(doc, f, indent=2)
            f.write("\n")
        print("\nJSON: %s" % a.json)
    if a.png and write_png(cyc, a.png):
        print("chart: %s" % a.png)
    for fl in failures:
        print("bench: FAILED: %s" % fl)
    if missing:
        print("bench: not measured: %s" % ", ".join(missing))
    if not done:
        print("bench: the benchmark boot did not finish (no MVBENCH DONE)")
    return 0 if done and not failures and not missing else 1


if __name__ == "__main__":
    sys.exit(main())

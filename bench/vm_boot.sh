#!/bin/sh
# Boot-to-first-script of `synack run --kernel=IMAGE` under qemu's TCG
# (goal: 3 s at most), for each kernel package given (default: the ones
# tools/install-deps --vm fetched), RUNS times each, one VM at a time:
#  - prepare: unpacking the .deb's image and modules, the initramfs;
#  - boot: qemu's start to the guest agent's hello (the guest's kernel,
#    its init, 9p, the agent);
#  - first script: bench/scripts/trivial.pkt's run in the guest, from the
#    run's start on the host to its result (the host process, the keeper,
#    the serial port, the guest's run and its namespace);
#  - boot to first script: boot + plan + first script;
#  - qemu's CPU time for the boot: on a loaded machine the wall time says
#    more about the load than the boot; TCG runs the guest on one thread,
#    so this is about what an idle machine would take.
# Root; needs a build in build/.
#   bench/vm_boot.sh [--runs=N] [DEB...]
set -eu
cd "$(dirname "$0")/.."
runs=3
if [ "${1:-}" != "${1#--runs=}" ]; then runs=${1#--runs=}; shift; fi
[ $# -gt 0 ] || set -- /var/cache/synack/kernels/linux-image-*.deb
for deb in "$@"; do
  i=0
  while [ "$i" -lt "$runs" ]; do
    i=$((i + 1))
    out=$(build/cli/synack run -v --vm-accel=tcg --kernel="$deb" -4 \
      --tolerance_usecs=100000 bench/scripts/trivial.pkt 2>&1) || true
    echo "$out" | python3 -c '
import re, sys
text = sys.stdin.read()
boot = re.search(r"synack: (\S+): booted under (\S+) in ([\d.]+) s \(qemu.s CPU time ([\d.]+) s; prepared in ([\d.]+) s, planned in ([\d.]+) s\)", text)
run = re.search(r"^(ok|FAIL)\s.*trivial.pkt.* ([\d.]+) s$", text, re.M)
if not boot or not run:
    print("no figures in:\n" + text); sys.exit(1)
release, accel, b, cpu, p, plan = boot.groups()
verdict, first = run.groups()
print("%-22s %s  prepare %4.1f s  boot %4.1f s (qemu CPU %4.1f s)  plan %3.1f s  first script %3.1f s (%s)  boot to first script %4.1f s" % (
    release, accel, float(p), float(b), float(cpu), float(plan), float(first), verdict,
    float(b) + float(plan) + float(first)))
'
  done
done

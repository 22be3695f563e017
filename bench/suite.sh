#!/bin/sh
# Prints the suite runner's figures on this machine (issue 5): packetdrill's
# TCP corpus run by `synack run` at its default -j, first the ipv4 variant,
# then all three variants: the wall time (hyperfine, RUNS runs in a row, and
# /usr/bin/time for one run's CPU), the passes of each run, and whether the
# runs gave identical verdicts. With --sweep, also the wall time and passes
# of one ipv4 run at each -j in JOBS.
#
# Needs root, hyperfine, /usr/bin/time and a build of synack (build/, or
# the binary in $SYNACK). RUNS (default 5), JOBS (default "1 2 4 8 16").
# Example: SYNACK=build-h12/cli/synack bench/suite.sh --sweep
set -eu
cd "$(dirname "$0")/.."
synack=$(realpath "${SYNACK:-build/cli/synack}")
runs=${RUNS:-5}
jobs_list=${JOBS:-1 2 4 8 16}
sweep=0
[ "${1:-}" = --sweep ] && sweep=1
. bench/corpus_setup.sh

# verdicts NAME: one line per JUnit file of NAME: its pass count, then
# whether all of them hold the same verdict for every run.
verdicts() {
  python3 - "$out" "$1" <<'PY'
import glob, os, sys
import xml.etree.ElementTree as ET
files = sorted(glob.glob(os.path.join(sys.argv[1], sys.argv[2] + "-*.xml")))
seen = []
why = {}  # a differing run's first failure text, kept before the clean-up
for path in files:
    verdicts = {}
    for case in ET.parse(path).getroot().iter("testcase"):
        bad = [e for e in case if e.tag in ("failure", "error", "skipped")]
        key = (case.get("file"), case.get("name"))
        verdicts[key] = bad[0].tag if bad else "ok"
        if bad and key not in why:
            why[key] = (bad[0].text or bad[0].get("message") or "").strip()
    seen.append(verdicts)
passes = [sum(v == "ok" for v in s.values()) for s in seen]
total = len(seen[0]) if seen else 0
differ = sorted({k for s in seen for k in s if len({t.get(k) for t in seen}) > 1})
print("  passed: %s of %d" % (", ".join(map(str, passes)), total))
print("  verdicts identical in %d runs: %s" %
      (len(seen), "yes" if not differ else "no, %d differ:" % len(differ)))
for file, name in differ[:10]:
    print("    %s: %s" % (name, " ".join(s.get((file, name), "-") for s in seen)))
    text = why.get((file, name), "").splitlines()
    if text:
        print("      " + text[0][:200])
PY
}

# measure NAME FLAGS...: one run under /usr/bin/time, RUNS under hyperfine.
measure() {
  name=$1
  shift
  echo "$name: synack run $* (default -j)"
  /usr/bin/time -f "  one run: %e s wall, %U s user, %S s system CPU" \
    "$synack" run "$@" --junit="$out/$name-0.xml" "$corpus" \
    >"$out/$name.log" 2>"$out/$name.err" || true
  tail -1 "$out/$name.err"
  grep -E '^[0-9]+ passed' "$out/$name.log" | sed 's/^/  /'
  hyperfine --runs "$runs" --ignore-failure --style basic \
    --export-json "$out/$name.json" \
    "$synack run $* --junit=$out/$name-\$(date +%s%N).xml $corpus" \
    >/dev/null 2>&1
  python3 - "$out/$name.json" "$runs" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
print("  wall time, %s runs (hyperfine): mean %.1f s, sd %.1f s, min %.1f s, max %.1f s"
      % (sys.argv[2], r["mean"], r["stddev"] or 0, r["min"], r["max"]))
PY
  verdicts "$name"
}

echo "machine: $(nproc) cores, $(uname -r), load $(cut -d' ' -f1-3 /proc/loadavg)"
measure ipv4 -4 --timeout=120
measure all-variants --timeout=120

if [ "$sweep" = 1 ]; then
  # Lateness probes: scripts of 200 calls 10 ms apart that run among the
  # corpus's scripts; a call's lateness is how much more than 10 ms after
  # the previous one it came (the interpreter's wake-up and the call).
  mkdir -p "$out/probes"
  for p in 1 2 3 4; do
    {
      echo "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3"
      i=0
      while [ $i -lt 200 ]; do
        echo "+.01 setsockopt(3, SOL_SOCKET, SO_REUSEADDR, [1], 4) = 0"
        i=$((i + 1))
      done
    } >"$out/probes/probe-$p.pkt"
  done
  echo "ipv4 by -j (one run each; lateness of 4 x 200 probe calls among them):"
  for realtime in "" --no-realtime; do
    for j in $jobs_list; do
      /usr/bin/time -f "%e" -o "$out/time" "$synack" run -4 -j "$j" -v \
        $realtime --timeout=120 "$corpus" "$out/probes" \
        >"$out/sweep.log" 2>"$out/sweep.err" || true
      lateness=$(python3 - "$out/sweep.err" <<'PY'
import re, sys
line = re.compile(r"probe-(\d+)\.pkt: line (\d+): ([0-9.]+) ")
times = {}
for text in open(sys.argv[1], errors="replace"):
    m = line.search(text)
    if m:
        times.setdefault(m.group(1), []).append(float(m.group(3)))
late = sorted(max(0.0, b - a - 0.010) * 1000
              for t in times.values() for a, b in zip(t, t[1:]))
if not late:
    print("no probe events")
else:
    q = lambda f: late[min(len(late) - 1, int(f * len(late)))]
    print("late p50 %.2f ms, p99 %.2f ms, max %.1f ms" % (q(.5), q(.99), late[-1]))
PY
)
      passed=$(grep -E '^[0-9]+ passed' "$out/sweep.log" | cut -d';' -f1)
      printf '  -j %-3s %-14s %6.1f s  %-40s %s\n' "$j" "${realtime:-realtime}" \
        "$(cat "$out/time")" "$passed (4 probes incl.)" "$lateness"
    done
  done
fi

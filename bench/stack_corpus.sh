#!/bin/sh
# The own stack on packetdrill's corpus (issues 11 and 12), whole-process
# wall times: the whole corpus in all three variants (the target is at most
# 4 s on 2 cores) with its passes per variant; cubic/cubic-bulk-166k.pkt
# alone (20 s of real time on the kernel; the target is at most 200 ms);
# and whether it is deterministic: REPEAT runs of the whole corpus with
# --pcap-dir, every pcap identical byte for byte across them.
#
# Needs hyperfine, a build of synack (build/, or the binary in $SYNACK) and
# ../shared/corpus beside the checkout; not root. RUNS (default 5) timed runs
# of each, REPEAT (default 100) runs for determinism.
set -eu
cd "$(dirname "$0")/.."
synack=$(realpath "${SYNACK:-build/cli/synack}")
runs=${RUNS:-5}
repeat=${REPEAT:-100}
stack_only=1
. bench/corpus_setup.sh

echo "machine: $(nproc) cores, $(uname -r), load $(cut -d' ' -f1-3 /proc/loadavg)"
"$synack" run --backend=stack -4 -6 --ipv4-mapped --tap="$out/corpus.tap" \
  "$corpus" >/dev/null 2>&1 || true
python3 - "$out/corpus.tap" <<'PY'
import collections, re, sys
passed, total = collections.Counter(), collections.Counter()
for line in open(sys.argv[1]):
    m = re.match(r"(not ok|ok) \d+ - .* \(([^)]*)\)$", line)
    if m:
        total[m.group(2)] += 1
        passed[m.group(2)] += m.group(1) == "ok"
print("the corpus on the stack: " + ", ".join(
    "%s %d of %d" % (v, passed[v], total[v]) for v in sorted(total)))
PY
hyperfine --warmup 1 --runs "$runs" -N --style none --export-json "$out/t.json" \
  --ignore-failure \
  "$synack run --backend=stack -4 -6 --ipv4-mapped $corpus" \
  "$synack run --backend=stack -4 $corpus/cubic/cubic-bulk-166k.pkt" \
  >/dev/null 2>&1
python3 - "$out/t.json" "$runs" <<'PY'
import json, sys
names = ["whole corpus, 3 variants", "cubic/cubic-bulk-166k.pkt (ipv4)"]
for name, r in zip(names, json.load(open(sys.argv[1]))["results"]):
    print("%-34s mean %7.1f ms, min %7.1f ms, max %7.1f ms (%s runs)"
          % (name, r["mean"] * 1e3, r["min"] * 1e3, r["max"] * 1e3, sys.argv[2]))
PY

# Determinism: every run's pcaps hashed, each run's set compared with the first.
i=0
differ=0
while [ "$i" -lt "$repeat" ]; do
  rm -rf "$out/pcaps"
  "$synack" run --backend=stack -4 -6 --ipv4-mapped --pcap-dir="$out/pcaps" \
    "$corpus" >/dev/null 2>&1 || true
  (cd "$out/pcaps" && find . -type f -name '*.pcap' | sort | xargs sha256sum) \
    >"$out/sums.$i"
  if [ "$i" -gt 0 ] && ! cmp -s "$out/sums.0" "$out/sums.$i"; then
    differ=$((differ + 1))
  fi
  i=$((i + 1))
done
echo "determinism: $repeat runs of the corpus, $(wc -l <"$out/sums.0") pcaps each;" \
  "runs whose pcaps differ from the first's: $differ"
[ "$differ" -eq 0 ]

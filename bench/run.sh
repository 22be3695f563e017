#!/bin/sh
# Prints synack's benchmark figures on this machine:
#  - parsing (and checking) packetdrill's whole corpus, single-threaded;
#  - the whole-process wall time of `synack run` on a trivial script
#    (socket, close) from start to exit, with hyperfine: the median of 11
#    runs with the default --tick-phase and with it off, then the mean of
#    100 (packetdrill needs about 0.16 s for the same through its namespace
#    wrapper).
# Needs a build in build/ (./test.sh or cmake) and root for the second part.
set -eu
cd "$(dirname "$0")/.."
cmake --build build --target parse_bench synack >/dev/null
build/bench/parse_bench --benchmark_min_time=1
if [ "$(id -u)" -eq 0 ]; then
  # Issue 13's figure: the median of 11 whole runs, with the default tick
  # phase (the script starts at that phase of the kernel's tick) and without.
  json=$(mktemp)
  trap 'rm -f "$json"' EXIT
  trap 'exit 130' INT TERM HUP  # so that a signal runs the EXIT trap too
  hyperfine --warmup 3 --runs 11 -N --export-json "$json" \
    "build/cli/synack run -4 bench/scripts/trivial.pkt" \
    "build/cli/synack run -4 --tick-phase=off bench/scripts/trivial.pkt" >/dev/null
  python3 - "$json" <<'PY'
import json, sys
for r in json.load(open(sys.argv[1]))["results"]:
    print("%-70s median %5.1f ms  (min %5.1f, max %5.1f; 11 runs)" % (
        r["command"], r["median"] * 1000, r["min"] * 1000, r["max"] * 1000))
PY
  hyperfine --warmup 5 --runs 100 -N \
    "build/cli/synack run -4 bench/scripts/trivial.pkt"
else
  echo "not root: skipping the kernel run-time figure" >&2
fi

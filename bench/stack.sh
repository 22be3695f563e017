#!/bin/sh
# Prints the own stack's figures on this machine (issue 4), whole-process
# wall times from start to exit:
#  - an unanswered connect() with tcp_syn_retries=6
#    (bench/scripts/connect-timeout.pkt: 131 s of virtual time; the target
#    is under 10 ms);
#  - `synack run --backend=stack scripts/`, every script in every variant,
#    %{ }% blocks included (the target is under 1 s).
# Each is run once first and must pass. Needs hyperfine, /usr/bin/time and
# a build of synack (build/, or the binary in $SYNACK); not root. RUNS
# (default 20) runs of each. Example: SYNACK=build-hb/cli/synack bench/stack.sh
set -eu
cd "$(dirname "$0")/.."
synack=$(realpath "${SYNACK:-build/cli/synack}")
runs=${RUNS:-20}
if [ -z "${SYNACK:-}" ]; then
  cmake --build build --target synack >/dev/null
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
trap 'exit 130' INT TERM HUP  # so that a signal runs the EXIT trap too

# measure NAME ARGS...: `synack run ARGS` once under /usr/bin/time (it must
# pass), then RUNS times under hyperfine.
measure() {
  name=$1
  shift
  echo "$name: synack run $*"
  if ! /usr/bin/time -o "$out/time" \
      -f "  one run: %e s wall, %U s user, %S s system CPU" \
      "$synack" run "$@" >"$out/log" 2>&1; then
    cat "$out/log" >&2
    echo "bench/stack.sh: $name did not pass" >&2
    exit 1
  fi
  cat "$out/time"
  if ! hyperfine --warmup 2 --runs "$runs" -N --style none \
      --export-json "$out/$name.json" "$synack run $*" >"$out/hf" 2>&1; then
    cat "$out/hf" >&2
    exit 1
  fi
  python3 - "$out/$name.json" "$runs" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
print("  wall time, %s runs (hyperfine): mean %.1f ms, sd %.1f ms, "
      "min %.1f ms, max %.1f ms"
      % (sys.argv[2], r["mean"] * 1e3, (r["stddev"] or 0) * 1e3,
         r["min"] * 1e3, r["max"] * 1e3))
PY
}

echo "machine: $(nproc) cores, $(uname -r), load $(cut -d' ' -f1-3 /proc/loadavg)"
measure connect-timeout --backend=stack -4 bench/scripts/connect-timeout.pkt
measure scripts --backend=stack scripts

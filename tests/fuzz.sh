#!/bin/sh
# Runs synack's three libFuzzer targets for SECONDS each (built with clang in
# FUZZBUILD, configured with -DSYNACK_FUZZ=ON; SYNACK is a synack program to
# record the seed packets with), seeded from scripts/ and, when it
# is beside the checkout, packetdrill's corpus: the .pkt front end on the
# scripts' text, the packet parser on every packet the own stack sends for
# scripts/, the own stack on its own. Prints each target's executions and
# executions per second; fails on the first crash or broken property, whose
# input libFuzzer leaves in the checkout's root (crash-*), to become a
# regression test: a file in the target's fuzz/regressions/ directory, which
# every run replays first.
#   tests/fuzz.sh FUZZBUILD SYNACK SECONDS [ci|runs=N|-] [TARGET...]
# With `ci`, each target runs a fixed number of inputs from a fixed random
# seed (about a minute each on 2 cores), SECONDS only bounding it, so that CI
# gives the same verdict every time; with runs=N, N inputs each (a long run
# towards a total); TARGETs (pkt, packet, stack) pick targets, all three by
# default.
set -eu
build=$(realpath "$1")
synack=$(realpath "$2")
seconds=$3
mode=${4:-}
shift 3
[ $# -gt 0 ] && shift
targets=${*:-pkt packet stack}
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM HUP  # so that a signal runs the EXIT trap too

# Seeds: scripts as text, cut at line ends into pieces of at most 512 bytes
# (the .pkt target's -max_len): an input costs in proportion to its length,
# and whole scripts (3 KB on average, up to 11 KB) ran 3.7 times slower per
# input for no more coverage; packets split out of the own stack's pcaps.
mkdir -p "$tmp/pkt-seeds" "$tmp/packet-seeds" "$tmp/pcaps"
find scripts ../shared/corpus/packetdrill/tcp -name '*.pkt' 2>/dev/null |
  python3 -c '
import os, sys
limit, n = 512, 0
for path in sys.stdin.read().split("\n"):
    if not path:
        continue
    piece = b""
    for line in open(path, "rb").read().splitlines(keepends=True):
        if piece and len(piece) + len(line) > limit:
            n += 1
            open(os.path.join(sys.argv[1], "s%d" % n), "wb").write(piece)
            piece = b""
        piece += line[:limit]
    if piece:
        n += 1
        open(os.path.join(sys.argv[1], "s%d" % n), "wb").write(piece)
' "$tmp/pkt-seeds"
"$synack" run --backend=stack -4 --pcap-dir="$tmp/pcaps" scripts \
  >/dev/null 2>&1 || true
python3 - "$tmp/pcaps" "$tmp/packet-seeds" <<'PY'
import os, struct, sys
n = 0
for root, _, files in os.walk(sys.argv[1]):
    for name in files:
        data = open(os.path.join(root, name), "rb").read()
        at = 24
        while at + 16 <= len(data):
            length = struct.unpack_from("<I", data, at + 8)[0]
            packet = data[at + 16:at + 16 + length]
            at += 16 + length
            n += 1
            open(os.path.join(sys.argv[2], "p%d" % n), "wb").write(packet)
PY

status=0
for target in $targets; do
  work="$tmp/$target-corpus"
  mkdir -p "$work"
  seeds=""
  [ -d "$tmp/$target-seeds" ] && seeds="$tmp/$target-seeds"
  binary=$(find "$build" -name "synack_${target}_fuzz" -type f | head -1)
  # The inputs of crashes found before, each once, first.
  case $target in
    pkt) regressions=grammar/fuzz/regressions ;;
    packet) regressions=runtime/wire/fuzz/regressions ;;
    stack) regressions=runtime/stack/fuzz/regressions ;;
  esac
  if [ -d "$regressions" ] && ! "$binary" $(find "$regressions" -type f | sort) \
      >"$tmp/$target-regressions.log" 2>&1; then
    echo "FAIL fuzz target $target on a regression input of $regressions:"
    grep -E 'ERROR|property broken|SUMMARY|Running' "$tmp/$target-regressions.log" | head -20
    status=1
  fi
  fixed=""
  if [ "$mode" = ci ]; then
    case $target in
      pkt) runs=120000 ;;
      packet) runs=600000 ;;
      stack) runs=60000 ;;
    esac
    fixed="-runs=$runs -seed=1"
  fi
  case $mode in runs=*) fixed="-runs=${mode#runs=}" ;; esac
  [ "$target" = pkt ] && fixed="$fixed -max_len=512"
  # -rss_limit_mb: the stack's memory bound; -timeout: a hang is a finding.
  # shellcheck disable=SC2086
  if ! "$binary" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
      -print_final_stats=1 $fixed "$work" $seeds >"$tmp/$target.log" 2>&1; then
    echo "FAIL fuzz target $target (its input: crash-* or timeout-* here):"
    grep -E 'ERROR|property broken|SUMMARY|Test unit written' "$tmp/$target.log" | head -20
    status=1
  fi
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$tmp/$target.log")
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$tmp/$target.log")
  echo "fuzz $target: ${runs:-?} inputs without a crash (${rate:-?} a second)"
done
exit $status

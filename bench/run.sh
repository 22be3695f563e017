#!/bin/sh
# Prints synack's benchmark figures on this machine:
#  - parsing (and checking) packetdrill's whole corpus, single-threaded;
#  - the whole-process wall time of `synack run` on a trivial script
#    (socket, close) from start to exit, with hyperfine (packetdrill needs
#    about 0.16 s for the same through its namespace wrapper).
# Needs a build in build/ (./test.sh or cmake) and root for the second part.
set -eu
cd "$(dirname "$0")/.."
cmake --build build --target parse_bench synack >/dev/null
build/bench/parse_bench --benchmark_min_time=1
if [ "$(id -u)" -eq 0 ]; then
  hyperfine --warmup 5 --runs 100 -N \
    "build/cli/synack run -4 bench/scripts/trivial.pkt"
else
  echo "not root: skipping the kernel run-time figure" >&2
fi

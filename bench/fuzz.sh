#!/bin/sh
# Runs each libFuzzer target (the .pkt front end, the packet parser, the own
# stack) for SECONDS (default 600) and prints its inputs and inputs a second:
#   bench/fuzz.sh [SECONDS]
# Builds the targets with clang in build-fuzz and synack in build first.
set -eu
cd "$(dirname "$0")/.."
seconds=${1:-600}
tools/install-deps
cmake --build build --target synack >/dev/null
CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DSYNACK_FUZZ=ON \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build-fuzz --target synack_pkt_fuzz synack_packet_fuzz \
  synack_stack_fuzz >/dev/null
exec tests/fuzz.sh build-fuzz build/cli/synack "$seconds"

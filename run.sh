#!/bin/sh
# Builds synack and runs its main job: check, then run every shipped script
# against the Linux kernel (needs root for the run).
set -eu
cd "$(dirname "$0")"
tools/install-deps
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build --target synack
build/cli/synack check scripts
exec build/cli/synack run scripts

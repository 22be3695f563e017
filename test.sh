#!/bin/sh
# Builds synack and passes its tests: the unit tests with warnings as errors,
# the kernel tests (as root: they may not be skipped here), the unit tests
# again under AddressSanitizer and UndefinedBehaviorSanitizer, and, when
# packetdrill's corpus is beside the checkout, the corpus on the kernel.
set -eu
cd "$(dirname "$0")"
tools/install-deps
jobs=$(nproc)

cmake -S . -B build -G Ninja -DSYNACK_WERROR=ON >/dev/null
cmake --build build -j "$jobs"
SYNACK_REQUIRE_ROOT_TESTS=1 ctest --test-dir build --output-on-failure -j "$jobs"

cmake -S . -B build-sanitize -G Ninja -DSYNACK_WERROR=ON -DSYNACK_SANITIZE=ON \
  -DCMAKE_BUILD_TYPE=Debug >/dev/null
cmake --build build-sanitize -j "$jobs"
SYNACK_REQUIRE_ROOT_TESTS=1 ctest --test-dir build-sanitize -L unit \
  --output-on-failure -j "$jobs"

# packetdrill's corpus, compared with what packetdrill itself passes here:
# fails when a script that BASELINE.md marks OK fails twice in a row (one
# retry, alone, for a timing miss on a busy machine; retries are counted).
if [ -d ../shared/corpus/packetdrill/tcp ]; then
  tests/corpus.py --synack build/cli/synack -v \
    --corpus ../shared/corpus/packetdrill/tcp \
    --baseline ../shared/corpus/BASELINE.md
fi

#!/bin/sh
# Builds synack and passes its tests: the unit tests with warnings as errors,
# the kernel tests (as root: they may not be skipped here), the own stack's
# unit tests, scripts/ and the listed corpus runs on it as user nobody, the
# unit tests again under AddressSanitizer and UndefinedBehaviorSanitizer,
# the fuzz targets for a minute each, and, when packetdrill's corpus is
# beside the checkout, the corpus on the kernel.
set -eu
cd "$(dirname "$0")"
tools/install-deps --vm
jobs=$(nproc)

# The build type explicit too: run.sh shares build/ with a Release build.
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DSYNACK_WERROR=ON >/dev/null
cmake --build build -j "$jobs"
SYNACK_REQUIRE_ROOT_TESTS=1 ctest --test-dir build --output-on-failure -j "$jobs"

# The own stack needs no privileges: its unit tests, and scripts/ on it, as
# user nobody (run as root, setpriv drops to nobody; run as anyone else, the
# steps already run unprivileged). When nobody cannot reach the checkout (a
# clone under /root), the two programs, scripts/ and the corpus gate's
# files go to a temporary directory it can read.
unprivileged=""
if [ "$(id -u)" -eq 0 ]; then
  unprivileged="setpriv --reuid=nobody --regid=nogroup --clear-groups"
fi
where=$PWD
if ! $unprivileged test -x "$where/build/cli/synack" -a -r "$where/scripts"; then
  where=$(mktemp -d)
  trap 'rm -rf "$where"' EXIT
  mkdir -p "$where/build/cli" "$where/build/runtime/stack"
  cp build/cli/synack "$where/build/cli/"
  cp build/runtime/stack/synack_stack_test "$where/build/runtime/stack/"
  cp -r scripts "$where/"
  mkdir -p "$where/tests"
  cp tests/corpus.py tests/stack_corpus.py tests/stack_corpus_passing.txt \
    "$where/tests/"
  chmod -R a+rX "$where"
fi
(cd / && $unprivileged "$where/build/runtime/stack/synack_stack_test" --gtest_brief=1)
(cd / && $unprivileged "$where/build/cli/synack" run --backend=stack "$where/scripts")
# The corpus runs that tests/stack_corpus_passing.txt lists must pass on the
# own stack (a list that may only grow; the file says how to add to it).
corpus=../shared/corpus/packetdrill/tcp
if [ -d "$corpus" ]; then
  copy=""
  if ! $unprivileged test -r "$corpus/common/defaults.sh"; then
    copy=$(mktemp -d)
    cp -r "$corpus" "$copy/"
    chmod -R a+rX "$copy"
    corpus="$copy/tcp"
  fi
  corpus=$(cd "$corpus" && pwd)
  (cd / && $unprivileged "$where/tests/stack_corpus.py" \
    --synack "$where/build/cli/synack" --corpus "$corpus" -v)
  if [ -n "$copy" ]; then rm -rf "$copy"; fi
fi

cmake -S . -B build-sanitize -G Ninja -DSYNACK_WERROR=ON -DSYNACK_SANITIZE=ON \
  -DCMAKE_BUILD_TYPE=Debug >/dev/null
cmake --build build-sanitize -j "$jobs"
SYNACK_REQUIRE_ROOT_TESTS=1 ctest --test-dir build-sanitize -L unit \
  --output-on-failure -j "$jobs"

# The libFuzzer targets (clang, ASan and UBSan), about a minute each, a fixed
# number of inputs from a fixed seed: the .pkt front end, the packet parser,
# the own stack (tests/fuzz.sh).
CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DSYNACK_FUZZ=ON \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build-fuzz -j "$jobs" --target synack_pkt_fuzz \
  synack_packet_fuzz synack_stack_fuzz
tests/fuzz.sh build-fuzz build/cli/synack 180 ci

# packetdrill's corpus, compared with what packetdrill itself passes here:
# fails when a script that BASELINE.md marks OK fails twice in a row (one
# retry, alone, for a timing miss on a busy machine; retries are counted).
if [ -d ../shared/corpus/packetdrill/tcp ]; then
  tests/corpus.py --synack build/cli/synack -v \
    --corpus ../shared/corpus/packetdrill/tcp \
    --baseline ../shared/corpus/BASELINE.md
fi

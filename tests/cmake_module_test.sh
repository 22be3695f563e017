#!/bin/sh
# The CMake module (cmake/SynackTests.cmake) as its users use it: the small
# project in tests/cmake_module finds synack in an installed prefix and in
# the build tree, registers SCRIPTS on the own stack and a failing script;
# ctest then holds one test per script and variant with their labels, the
# scripts' tests pass and the failing one fails.
# Usage: cmake_module_test.sh BUILD_DIR SOURCE_DIR SCRIPTS
set -u
build=$1
source=$2
scripts=$3
failures=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM HUP
fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}
# Counts the tests `ctest -N ARGS...` lists in the project built in $1.
count_tests() {
  dir=$1
  shift
  ctest --test-dir "$dir" -N "$@" | sed -n 's/^Total Tests: //p'
}

# What the module must register, counted here without synack: packetdrill's
# name rule (v6.pkt: ipv6; v4.pkt: ipv4 and ipv4-mapped-ipv6; else all
# three), and the one failing script in ipv4.
expected=0
expected_v6=0
for f in $(find "$scripts" -name '*.pkt'); do
  case $f in
    *v6.pkt) expected=$((expected + 1)) expected_v6=$((expected_v6 + 1)) ;;
    *v4.pkt) expected=$((expected + 2)) ;;
    *) expected=$((expected + 3)) expected_v6=$((expected_v6 + 1)) ;;
  esac
done
expected_all=$((expected + 1))

# --- from an installed prefix, as find_package finds it
cmake --install "$build" --prefix "$tmp/prefix" >"$tmp/install.log" 2>&1 ||
  { cat "$tmp/install.log"; fail "cmake --install"; }
cmake -S "$source/tests/cmake_module" -B "$tmp/installed" -G Ninja \
  -DCMAKE_PREFIX_PATH="$tmp/prefix" -DSYNACK_SCRIPTS="$scripts" \
  >"$tmp/configure.log" 2>&1 ||
  { cat "$tmp/configure.log"; fail "configuring against the installed prefix"; }
got=$(count_tests "$tmp/installed")
[ "$got" = "$expected_all" ] ||
  fail "installed: $got tests registered, expected $expected_all"
grep -q "$tmp/prefix/bin/synack" "$tmp/installed/CTestTestfile.cmake" ||
  fail "installed: the tests do not run the installed synack"

# --- from the build tree; then the tests run
cmake -S "$source/tests/cmake_module" -B "$tmp/tree" -G Ninja -Dsynack_DIR="$build" \
  -DSYNACK_SCRIPTS="$scripts" >"$tmp/configure.log" 2>&1 ||
  { cat "$tmp/configure.log"; fail "configuring against the build tree"; }
got=$(count_tests "$tmp/tree")
[ "$got" = "$expected_all" ] ||
  fail "build tree: $got tests registered, expected $expected_all"
got=$(count_tests "$tmp/tree" -L '^ipv6$')
[ "$got" = "$expected_v6" ] ||
  fail "label ipv6: $got tests, expected $expected_v6"
got=$(count_tests "$tmp/tree" -L '^stack$')
[ "$got" = "$expected_all" ] || fail "label stack: $got tests, expected $expected_all"
one=$(find "$scripts" -name '*.pkt' | sort | head -n 1)
name="synack:$(basename "$scripts")/${one#"$scripts"/}"
ctest --test-dir "$tmp/tree" -N | grep -qF "$name (" ||
  fail "no test named '$name (VARIANT)'"

if ! ctest --test-dir "$tmp/tree" -L shipped -j 2 >"$tmp/shipped.log" 2>&1; then
  fail "the scripts' tests do not all pass:"
  grep -E 'Failed|Timeout|Not Run' "$tmp/shipped.log"
fi
grep -q "100% tests passed, 0 tests failed out of $expected\$" "$tmp/shipped.log" ||
  fail "the scripts' tests: $(grep 'tests passed' "$tmp/shipped.log")"

if ctest --test-dir "$tmp/tree" -L failing >"$tmp/failing.log" 2>&1; then
  fail "ctest passed the failing script"
fi
grep -q 'synack:failing/listen-unbound.pkt (ipv4) .*Failed' "$tmp/failing.log" ||
  { cat "$tmp/failing.log"; fail "the failing script is not a failed test"; }
grep -q '0% tests passed, 1 tests failed out of 1' "$tmp/failing.log" ||
  fail "the failing label: $(grep 'tests passed' "$tmp/failing.log")"

[ "$failures" -eq 0 ] || exit 1
echo "ok: $expected_all tests registered; $expected pass, the failing one fails"

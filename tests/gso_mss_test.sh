#!/bin/sh
# --mss=N on the kernel: tests/kernel_only/gso-mss.pkt, which sets
# --mss=1000 and asserts tcpi_rcv_mss == 1000 after one long packet, passes
# (kernel_only_scripts runs it) and fails with --mss=1200 given on the
# command line, where the kernel's estimate is 1200, as it is under
# packetdrill; the own stack does the same.
set -u
synack=$1
script=$2
failures=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$synack" run -4 -6 --mss=1200 "$script" >"$tmp/out" 2>&1
status=$?
if [ "$status" -ne 1 ] || [ "$(grep -c 'AssertionError: 1200' "$tmp/out")" -ne 2 ]; then
  echo "FAIL: with --mss=1200, exit status $status and not tcpi_rcv_mss 1200 in ipv4 and ipv6:"
  cat "$tmp/out"
  failures=$((failures + 1))
fi
"$synack" run --backend=stack -4 -6 "$script" >"$tmp/out" 2>&1
status=$?
if [ "$status" -ne 0 ]; then
  echo "FAIL: on the own stack with the script's --mss=1000, exit status $status:"
  cat "$tmp/out"
  failures=$((failures + 1))
fi
"$synack" run --backend=stack -4 -6 --mss=1200 "$script" >"$tmp/out" 2>&1
status=$?
if [ "$status" -ne 1 ] || [ "$(grep -c 'AssertionError: 1200' "$tmp/out")" -ne 2 ]; then
  echo "FAIL: on the own stack with --mss=1200, exit status $status and not tcpi_rcv_mss 1200 in ipv4 and ipv6:"
  cat "$tmp/out"
  failures=$((failures + 1))
fi
[ "$failures" -eq 0 ] && echo "--mss follows the command line, on the kernel and on the own stack"
exit "$failures"

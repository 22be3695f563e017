#!/bin/sh
# --mss=N on the kernel: tests/kernel_only/gso-mss.pkt, which sets
# --mss=1000 and asserts tcpi_rcv_mss == 1000 after one long packet, passes
# (kernel_only_scripts runs it) and fails with --mss=1200 given on the
# command line, where the kernel's estimate is 1200, as it is under
# packetdrill; the own stack refuses --mss with one line.
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
"$synack" run --backend=stack -4 "$script" >"$tmp/out" 2>&1
status=$?
if [ "$status" -ne 1 ] ||
   ! grep -q 'error: cannot inject inbound packet: --mss=1000 (injected packets as GSO segments of that size) is not modelled by the own stack; run it on the kernel' "$tmp/out"; then
  echo "FAIL: on the own stack, exit status $status:"
  cat "$tmp/out"
  failures=$((failures + 1))
fi
[ "$failures" -eq 0 ] && echo "--mss follows the command line; the own stack refuses it"
exit "$failures"

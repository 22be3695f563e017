#!/bin/sh
# synack run --update --backend=both writes the kernel's answers and says,
# line by line, where the own stack does otherwise. Two sketches of a
# passive open: on a link of MTU 1200 (the kernel's SYN-ACK offers MSS
# 1160; the own stack models `ip link set dev tun0 mtu N` alone and skips
# it with another change on the same line, here txqueuelen, so offers 1460
# and differs at that line: exit 1), and on the default link, where both
# agree (exit 0). The
# file gets the kernel's answer, and a second --update leaves it as it is.
#   update_both_test.sh SYNACK
set -u
synack=$(realpath "$1")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
fail() {
  echo "FAIL: $1"
  sed 's/^/    /' "$tmp/err" "$tmp/$2"
  failures=$((failures + 1))
}

# sketch NAME INIT: a passive open whose SYN-ACK (line 9) is a sketch.
sketch() {
  cat >"$tmp/$1" <<SKETCH
// A passive open, its SYN-ACK sketched.
$2

    0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
   +0 setsockopt(3, SOL_SOCKET, SO_REUSEADDR, [1], 4) = 0
   +0 bind(3, ..., ...) = 0
   +0 listen(3, 1) = 0
   +0 < S 0:0(0) win 65535 <mss 1460>
   +0 > S.   // the answer
   +0 < . 1:1(0) ack 1 win 65535
   +0 accept(3, ..., ...) = 4
SKETCH
}

# On MTU 1200: the kernel's answer is written, the stack's differs.
sketch mtu.pkt '`ip link set dev tun0 mtu 1200 txqueuelen 500`'
for round in 1 2; do
  cp "$tmp/mtu.pkt" "$tmp/before.pkt"
  (cd "$tmp" && "$synack" run --backend=both --update mtu.pkt) \
    >"$tmp/out" 2>"$tmp/err"
  status=$?
  [ "$status" -eq 1 ] || fail "mtu.pkt round $round: exit $status, not 1" mtu.pkt
  grep -q '^   +0 > S\. 0:0(0) ack 1 win [0-9]* <mss 1160> // the answer$' \
    "$tmp/mtu.pkt" || fail "mtu.pkt round $round: not the kernel's SYN-ACK" mtu.pkt
  grep -q '^mtu\.pkt:9: kernel: +0 > S\. .*<mss 1160>' "$tmp/err" &&
    grep -q '^ *stack: +0 > S\. .*<mss 1460>' "$tmp/err" &&
    grep -q 'differs from the kernel at 1 line' "$tmp/err" ||
    fail "mtu.pkt round $round: the stack's difference at line 9 not said" mtu.pkt
  # Only the sketched line changes, and the second round nothing.
  changed=$(diff "$tmp/before.pkt" "$tmp/mtu.pkt" | grep -c '^>')
  expected=1
  [ "$round" -eq 2 ] && expected=0
  [ "$changed" -eq "$expected" ] ||
    fail "mtu.pkt round $round: $changed lines changed, not $expected" mtu.pkt
done

# On the default link both answer alike.
sketch same.pkt '`true`'
(cd "$tmp" && "$synack" run --backend=both --update same.pkt) \
  >"$tmp/out" 2>"$tmp/err"
status=$?
[ "$status" -eq 0 ] || fail "same.pkt: exit $status, not 0" same.pkt
grep -q 'the own stack does as the kernel' "$tmp/err" &&
  grep -q '<mss 1460> // the answer$' "$tmp/same.pkt" ||
  fail "same.pkt: not updated, or a difference said" same.pkt

[ "$failures" -eq 0 ] && echo "update --backend=both: the kernel's answers written, the stack's difference said"
[ "$failures" -eq 0 ]

#!/bin/sh
# End-to-end tests of the synack program: exit statuses and the exact text of
# its diagnostics, against golden files in tests/cli/. As root it also shows
# that a killed run leaves no namespace, TUN device or process behind.
set -u
synack=$(realpath "$1")
golden=$2
failures=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# expect STATUS NAME ARGS...: runs synack, compares its exit status with
# STATUS and its stdout+stderr with $golden/NAME.out.
expect() {
  want=$1 name=$2
  shift 2
  (cd "$golden" && "$synack" "$@") >"$tmp/$name.out" 2>&1
  got=$?
  if [ "$got" -ne "$want" ]; then
    echo "FAIL $name: exit status $got, expected $want"
    cat "$tmp/$name.out"
    failures=$((failures + 1))
  elif ! diff -u "$golden/$name.out" "$tmp/$name.out"; then
    echo "FAIL $name: output differs from $golden/$name.out"
    failures=$((failures + 1))
  fi
}

expect 2 no-command
expect 2 unknown-command frob
expect 2 unknown-flag run --no_such_flag=1 good.pkt
expect 2 missing-file check no-such-file.pkt
expect 0 check-good check good.pkt
expect 1 check-bad check bad.pkt
expect 1 check-mixed check good.pkt bad.pkt
expect 0 fmt-good fmt good.pkt
expect 0 help-run help run

# fmt output is a fixed point: formatting it again changes nothing.
(cd "$golden" && "$synack" fmt good.pkt) >"$tmp/once.pkt" 2>&1
"$synack" fmt "$tmp/once.pkt" >"$tmp/twice.pkt" 2>&1
if ! cmp -s "$tmp/once.pkt" "$tmp/twice.pkt"; then
  echo "FAIL fmt-fixed-point: formatting the canonical form changed it"
  diff -u "$tmp/once.pkt" "$tmp/twice.pkt"
  failures=$((failures + 1))
fi

if [ "$(id -u)" -eq 0 ]; then
  # A run killed with SIGKILL in the middle of a script leaves nothing: the
  # backtick command it started dies, its namespace and device go with it.
  marker="synack-kill-test-$$"
  sed "s/MARKER/$marker/" "$golden/sleeper.pkt.in" >"$tmp/sleeper.pkt"
  tuns_before=$(ip -o link show type tun | wc -l)
  "$synack" run -4 "$tmp/sleeper.pkt" >/dev/null 2>&1 &
  runner=$!
  i=0
  while ! pgrep -f "$marker" >/dev/null && [ $i -lt 100 ]; do
    sleep 0.05
    i=$((i + 1))
  done
  if ! pgrep -f "$marker" >/dev/null; then
    echo "FAIL kill: the script's command never started"
    failures=$((failures + 1))
  fi
  kill -9 "$runner"
  wait "$runner" 2>/dev/null
  sleep 0.5
  if pgrep -f "$marker" >/dev/null; then
    echo "FAIL kill: a process of the killed run is still alive:"
    pgrep -af "$marker"
    pkill -9 -f "$marker"
    failures=$((failures + 1))
  fi
  if [ "$(ip -o link show type tun | wc -l)" -ne "$tuns_before" ]; then
    echo "FAIL kill: a TUN device was left in the host namespace"
    failures=$((failures + 1))
  fi
  if [ "$(ip netns list | wc -l)" -ne 0 ]; then
    echo "FAIL kill: a named network namespace exists"
    failures=$((failures + 1))
  fi
fi

[ "$failures" -eq 0 ] && echo "all cli tests passed"
exit "$failures"

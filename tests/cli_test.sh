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
trap 'exit 130' INT TERM HUP  # so that a signal runs the EXIT trap too

# expect STATUS NAME ARGS...: runs synack, compares its exit status with
# STATUS and its stdout+stderr with $golden/NAME.out. $run_env, when set,
# is added to synack's environment (NAME=value ...).
run_env=
expect() {
  want=$1 name=$2
  shift 2
  (cd "$golden" && env $run_env "$synack" "$@") >"$tmp/$name.out" 2>&1
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
expect 0 help-import help import
expect 1 import-not-pcap import good.pkt
expect 2 import-two-files import a.pcap b.pcap
expect 0 list list suite timing/late.pkt
expect 0 list-v6 list -6 suite
expect 0 list-unparsable list unparsable.pkt
expect 2 jobs-zero run -j 0 good.pkt
expect 2 filter-bad run --filter='(' good.pkt
expect 2 repeat-bad run --repeat=0 good.pkt
expect 2 shard-half run --shard-index=1 good.pkt
expect 2 shard-range run --shard-index=2 --shard-count=2 good.pkt
run_env="GTEST_SHARD_INDEX=0"
expect 2 shard-env-half run good.pkt
run_env="TEST_SHARD_INDEX=a TEST_TOTAL_SHARDS=2"
expect 2 shard-env-bad run good.pkt
run_env=

# fmt output is a fixed point: formatting it again changes nothing.
(cd "$golden" && "$synack" fmt good.pkt) >"$tmp/once.pkt" 2>&1
"$synack" fmt "$tmp/once.pkt" >"$tmp/twice.pkt" 2>&1
if ! cmp -s "$tmp/once.pkt" "$tmp/twice.pkt"; then
  echo "FAIL fmt-fixed-point: formatting the canonical form changed it"
  diff -u "$tmp/once.pkt" "$tmp/twice.pkt"
  failures=$((failures + 1))
fi

# normalize < OUTPUT: times, which vary, as X; the slowest runs, whose
# order varies, left out.
normalize() {
  sed -E 's/ [0-9]+\.[0-9]{3} s$/ X s/; s/ in [0-9]+\.[0-9] s \(/ in X s (/;
          s/seconds: [0-9.]+/seconds: X/' |
    awk '/^slowest:$/ { skip = 1; next } skip && /^  / { next } { skip = 0; print }'
}

# expect_run STATUS NAME ARGS...: as expect, on normalized output.
expect_run() {
  want=$1 name=$2
  shift 2
  (cd "$golden" && "$synack" "$@") >"$tmp/$name.raw" 2>&1
  got=$?
  normalize <"$tmp/$name.raw" >"$tmp/$name.out"
  if [ "$got" -ne "$want" ]; then
    echo "FAIL $name: exit status $got, expected $want"
    cat "$tmp/$name.out"
    failures=$((failures + 1))
  elif ! diff -u "$golden/$name.out" "$tmp/$name.out"; then
    echo "FAIL $name: output differs from $golden/$name.out"
    failures=$((failures + 1))
  fi
}

# check NAME CONDITION...: a failure named NAME unless the command succeeds.
check() {
  name=$1
  shift
  if ! "$@"; then
    echo "FAIL $name"
    failures=$((failures + 1))
  fi
}

# leftovers NAME MARKER: no process with MARKER in its command line, no TUN
# device or named namespace left in the host.
leftovers() {
  i=0
  while pgrep -f "$2" >/dev/null && [ $i -lt 20 ]; do
    sleep 0.05
    i=$((i + 1))
  done
  if pgrep -f "$2" >/dev/null; then
    echo "FAIL $1: a process of the run is still alive:"
    pgrep -af "$2"
    pkill -9 -f "$2"
    failures=$((failures + 1))
  fi
  if [ "$(ip -o link show type tun | wc -l)" -ne "$tuns_before" ]; then
    echo "FAIL $1: a TUN device was left in the host namespace"
    failures=$((failures + 1))
  fi
  if [ "$(ip netns list | wc -l)" -ne 0 ]; then
    echo "FAIL $1: a named network namespace exists"
    failures=$((failures + 1))
  fi
}

# gone PID: no such process, or one that has ended (a zombie whose parent,
# init after a kill, has not reaped it yet).
gone() {
  [ ! -e "/proc/$1" ] || grep -q '^[0-9]* (.*) Z ' "/proc/$1/stat"
}

# On the stack, the runs' %{ }% blocks go to one python3 for the suite:
# verdicts and diagnostics as a python3 of each run's own gives them.
expect_run 1 stack-blocks run --backend=stack -4 -j 1 blocks
# --html: one page for the suite. The failing run's ladder has a row per
# event and marks line 4, where listen() did not fail; the passing run is
# listed; the JUnit file links each run to its place in the page.
(cd "$golden" && "$synack" run --backend=stack -4 -j 1 --html="$tmp/html" \
  --junit="$tmp/html.xml" suite/fail.pkt suite/pass.pkt) >"$tmp/html.out" 2>&1
check html-status test $? -eq 1
check html-page python3 - "$tmp/html/index.html" "$tmp/html.xml" <<'PY'
import re
import sys
import xml.etree.ElementTree as ET
page = open(sys.argv[1], encoding="utf-8").read()
articles = re.findall(r'<article class="run failing" id="(run-\d+)"', page)
assert articles == ["run-1"], articles
rows = re.findall(r'<g class="row (\w+)" data-line="(\d+)"', page)
assert rows == [("ok", "3"), ("diverged", "4")], rows
assert "listen: expected -1 EINVAL, got 0" in page
assert re.search(r'<tr id="run-2" class="passed"><td>ok</td>'
                 r'<td>suite/pass.pkt \(ipv4\)</td><td class="seconds">'
                 r'\d+\.\d{3} s</td></tr>', page), page
assert 'data-passed="1" data-failed="1" data-skipped="0"' in page
links = [p.get("value") for p in ET.parse(sys.argv[2]).getroot().iter("property")
         if p.get("name") == "html"]
assert links == ["html/index.html#run-1", "html/index.html#run-2"], links
PY
# A suite killed while a block runs leaves neither that python3 nor the
# worker running the block behind.
(cd "$golden" && exec "$synack" run --backend=stack -4 blocks-loop.pkt) \
  >/dev/null 2>&1 &
runner=$!
i=0 server= worker=
while [ -z "$worker" ] && [ $i -lt 100 ]; do
  sleep 0.05
  i=$((i + 1))
  server=$(pgrep -P $runner python3 | head -1)
  [ -n "$server" ] && worker=$(pgrep -P "$server" python3 | head -1)
done
check block-server-started test -n "$worker"
kill -9 "$runner"
wait "$runner" 2>/dev/null
i=0
while ! { gone "${server:-0}" && gone "${worker:-0}"; } && [ $i -lt 40 ]; do
  sleep 0.05
  i=$((i + 1))
done
check block-server-gone gone "${server:-0}"
check block-worker-gone gone "${worker:-0}"

# unmatched BACKEND: a packet on a third flow that no line expects fails the
# run (issue 17); with the flow in --ignore_flows the run passes.
unmatched() {
  (cd "$golden" && "$synack" run --backend="$1" -4 \
    unmatched/third-flow-rst.pkt) >"$tmp/unmatched-$1.raw" 2>&1
  check "unmatched-$1-fails" test $? -eq 1
  check "unmatched-$1-message" grep -q '^unmatched/third-flow-rst.pkt:11: error: unexpected outbound packet on flow 8081>40003: no line matched it by the end of the script$' \
    "$tmp/unmatched-$1.raw"
  (cd "$golden" && "$synack" run --backend="$1" -4 \
    unmatched/third-flow-rst-ignored.pkt) >"$tmp/ignored-$1.raw" 2>&1
  check "unmatched-$1-ignored" test $? -eq 0
}
unmatched stack

# values BACKEND: a stated value the call's result differs from fails the
# run, for the reason given (issue 16); each twin, stating what the stack
# does, passes.
values() {
  for bad in "poll-no-revents-bad:poll: expected revents 0 for fd 3, got POLLIN" \
      "sendmsg-msg-flags-bad:sendmsg: msg_flags must be 0: sendmsg() ignores" \
      "getsockopt-string-bad:optlen 16 does not match the 5-byte string"; do
    script=${bad%%:*} why=${bad#*:}
    (cd "$golden" && "$synack" run --backend="$1" -4 "values/$script.pkt") \
      >"$tmp/$script-$1.raw" 2>&1
    check "values-$script-$1-fails" test $? -eq 1
    check "values-$script-$1-why" grep -qF "$why" "$tmp/$script-$1.raw"
  done
  for good in poll-revents-good sendmsg-msg-flags-good getsockopt-string-good \
      reconnect-after-unspec-good; do
    (cd "$golden" && "$synack" run --backend="$1" -4 "values/$good.pkt") \
      >"$tmp/$good-$1.raw" 2>&1 ||
      { echo "FAIL values-$good-$1-passes"; cat "$tmp/$good-$1.raw";
        failures=$((failures + 1)); }
  done
}
values stack

if [ "$(id -u)" -eq 0 ]; then
  tuns_before=$(ip -o link show type tun | wc -l)
  unmatched kernel
  values kernel

  # A run that fails on timing alone runs again, alone, after the others
  # (twice by default); its verdict is the last run's. --timing-retries=0:
  # no second run.
  (cd "$golden" && "$synack" run -4 -j 2 timing) >"$tmp/timing.raw" 2>&1
  check timing-retry-status test $? -eq 1
  check timing-retry-again grep -q \
    '^again timing/late.pkt (ipv4): timing/late.pkt:8: error: timing error' \
    "$tmp/timing.raw"
  check timing-retry-verdict grep -q \
    '^FAIL  timing/late.pkt (ipv4) [0-9.]* s (failed again, run alone)$' \
    "$tmp/timing.raw"
  check timing-retry-summary grep -q '^1 passed, 1 failed; 2 runs' \
    "$tmp/timing.raw"
  check timing-retry-twice test "$(grep -c '^again timing/late.pkt' "$tmp/timing.raw")" -eq 2
  (cd "$golden" && "$synack" run -4 -j 2 --timing-retries=0 timing) \
    >"$tmp/timing0.raw" 2>&1
  check timing-no-retry-status test $? -eq 1
  check timing-no-retry sh -c "! grep -q '^again\\|run alone' '$tmp/timing0.raw'"
  check timing-no-retry-verdict grep -q '^FAIL  timing/late.pkt (ipv4) [0-9.]* s$' \
    "$tmp/timing0.raw"

  # Each run's commands get an nstat history of their own, in a directory
  # of the suite's that is gone when synack is.
  mkdir "$tmp/nstat"
  printf '%s\n' '`echo "$NSTAT_HISTORY" >> "$SYNACK_TEST_OUT"`' \
    '0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3' >"$tmp/nstat/a.pkt"
  cp "$tmp/nstat/a.pkt" "$tmp/nstat/b.pkt"
  SYNACK_TEST_OUT="$tmp/nstat.txt" "$synack" run -4 "$tmp/nstat" \
    >"$tmp/nstat.raw" 2>&1
  check nstat-runs test "$(sort -u "$tmp/nstat.txt" | wc -l)" -eq 2
  check nstat-gone sh -c "! test -e \$(dirname \$(head -1 '$tmp/nstat.txt'))"

  # A suite: a line per run, each failure's diagnostic once, the summary;
  # TAP and JUnit files of the same runs.
  expect_run 1 suite-run run -j 1 --tap="$tmp/suite.tap" \
    --junit="$tmp/suite.xml" suite
  normalize <"$tmp/suite.tap" >"$tmp/suite.tap.out"
  check suite-tap diff -u "$golden/suite-tap.out" "$tmp/suite.tap.out"
  # The JUnit file parses as XML and says what the run said.
  check suite-junit python3 - "$tmp/suite.xml" <<'PY'
import sys
import xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
assert root.tag == "testsuites", root.tag
assert (root.get("tests"), root.get("failures"), root.get("errors"),
        root.get("skipped")) == ("8", "3", "0", "0"), root.attrib
suites = {s.get("name"): s for s in root.findall("testsuite")}
assert sorted(suites) == ["suite", "suite.sub"], sorted(suites)
cases = root.findall("testsuite/testcase")
names = [(c.get("classname"), c.get("name")) for c in cases]
assert len(names) == 8 and len(set(names)) == 8, names
assert ("suite.sub", "only-v4.pkt (ipv4-mapped-ipv6)") in names, names
for case in cases:
    failure = case.find("failure")
    assert (failure is not None) == case.get("name").startswith("fail.pkt")
    assert float(case.get("time")) >= 0
    if failure is not None:
        assert failure.get("type") == "FAIL"
        assert failure.text == (
            "suite/fail.pkt:4: error: listen: expected -1 EINVAL, got 0\n"
        ), failure.text
        assert failure.get("message") == failure.text.strip()
PY

  # --filter is a partial RE2 match on the path; --repeat runs each again.
  expect_run 0 suite-filter-repeat run -j 1 --filter='sub/' --repeat=2 suite
  # --fail-fast: after the first failure nothing else runs.
  expect_run 1 suite-fail-fast run -j 1 --fail-fast suite

  # Shards: every run in exactly one shard, for several counts, from flags
  # and from both drivers' environment variables. Runs are compared by
  # script and variant only: a verdict or a retry's note can differ on a
  # loaded machine, and is not what sharding decides.
  run_labels() {
    grep -E '^(ok|FAIL) ' | sed -E 's/^(ok|FAIL) +//; s/ [0-9]+\.[0-9]{3} s.*$//'
  }
  (cd "$golden" && "$synack" run -j 4 suite) 2>/dev/null | run_labels |
    sort >"$tmp/all-runs"
  for count in 1 2 3 5 9; do
    : >"$tmp/shard-runs"
    index=0
    while [ $index -lt $count ]; do
      case $index in
        0) how="--shard-index=$index --shard-count=$count" env="" ;;
        1) how="" env="GTEST_SHARD_INDEX=$index GTEST_TOTAL_SHARDS=$count" ;;
        *) how="" env="TEST_SHARD_INDEX=$index TEST_TOTAL_SHARDS=$count TEST_SHARD_STATUS_FILE=$tmp/status" ;;
      esac
      (cd "$golden" && env $env "$synack" run -j 4 $how suite) 2>/dev/null |
        run_labels >>"$tmp/shard-runs"
      index=$((index + 1))
    done
    sort "$tmp/shard-runs" >"$tmp/shard-runs.sorted"
    check "shards-$count" cmp -s "$tmp/all-runs" "$tmp/shard-runs.sorted"
  done
  check shard-status-file test -f "$tmp/status"
  check shard-all-runs test "$(wc -l <"$tmp/all-runs")" -eq 8

  # --pcap-dir: one capture per script and variant, named for both.
  (cd "$golden" && "$synack" run -4 --ipv4-mapped --pcap-dir="$tmp/pcaps" \
    good.pkt suite/sub) >/dev/null 2>&1
  (cd "$tmp/pcaps" && find . -type f | sort) >"$tmp/pcap-files"
  printf '%s\n' ./good.ipv4-mapped-ipv6.pcap ./good.ipv4.pcap \
    ./sub/only-v4.ipv4-mapped-ipv6.pcap ./sub/only-v4.ipv4.pcap \
    >"$tmp/pcap-files.want"
  check pcap-dir-files diff -u "$tmp/pcap-files.want" "$tmp/pcap-files"
  check pcap-dir-packets test "$(stat -c %s "$tmp/pcaps/good.ipv4.pcap")" -gt 100

  # --timeout: the script is killed with everything it started; the next
  # runs go on.
  marker="synack-timeout-test-$$"
  sed "s/MARKER/$marker/" "$golden/sleeper.pkt.in" >"$tmp/sleeper.pkt"
  start=$(date +%s)
  "$synack" run -4 -j 2 --timeout=1 "$tmp/sleeper.pkt" "$golden/suite/pass.pkt" \
    2>&1 | sed "s|$tmp/||; s|$golden/||" | normalize >"$tmp/timeout.out"
  check timeout-quick test $(($(date +%s) - start)) -lt 10
  check timeout-output diff -u "$golden/suite-timeout.out" "$tmp/timeout.out"
  leftovers timeout "$marker"

  # SIGTERM stops a suite: its runs are killed, their namespaces go.
  marker="synack-term-test-$$"
  sed "s/MARKER/$marker/" "$golden/sleeper.pkt.in" >"$tmp/sleeper.pkt"
  "$synack" run -j 3 "$tmp/sleeper.pkt" >"$tmp/term.out" 2>&1 &
  runner=$!
  i=0
  while [ "$(pgrep -f "$marker" | wc -l)" -lt 3 ] && [ $i -lt 100 ]; do
    sleep 0.05
    i=$((i + 1))
  done
  kill -TERM "$runner"
  wait "$runner"
  check term-status test $? -eq 130
  check term-summary grep -q "^0 passed, 3 failed (3 interrupted); 3 runs" "$tmp/term.out"
  leftovers term "$marker"

  # A run killed with SIGKILL in the middle of a script leaves nothing: the
  # backtick command it started dies, its namespace and device go with it.
  marker="synack-kill-test-$$"
  sed "s/MARKER/$marker/" "$golden/sleeper.pkt.in" >"$tmp/sleeper.pkt"
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
  leftovers kill "$marker"
fi

[ "$failures" -eq 0 ] && echo "all cli tests passed"
exit "$failures"

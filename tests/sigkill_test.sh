#!/bin/sh
# sigkill_test.sh SYNACK SCRIPTS_DIR BACKEND [SEED]: `synack run` killed with
# SIGKILL at moments drawn from SEED (set-up, mid-run, teardown; some rounds
# kill its whole process group) must leave nothing behind: no entry in its
# TMPDIR or in /tmp (as root, a /tmp of its own; else new synack-* entries),
# no process descended from it (and so no network namespace held by one),
# no named network namespace, no TUN device in the host. BACKEND is kernel
# (root) or stack (no root needed).
#
# A process is the suite's when its environment carries this test's marker,
# which everything synack starts inherits (forks, sh -c, python3, nstat):
# after a kill its orphans have another parent, but keep their environment.
set -u
synack=$(realpath "$1")
scripts=$(realpath "$2")
backend=$3
seed=${4:-13}
failures=0

work=$(mktemp -d "${TMPDIR:-/tmp}/sigkill-test-XXXXXX")
trap 'rm -rf "$work"' EXIT
mark="SYNACK_SIGKILL_TEST=$$.$seed"

# A suite of scripts that run backtick commands (sh, ss, nstat, sysctl) and
# %{ }% blocks (python3), for a few seconds at -j 4 (ipv4).
suite="close/active-close.pkt accept_queue/somaxconn.pkt rst/synchronized-rst.pkt
close/linger2.pkt close/user-timeout-fin.pkt syn_queue/syncookies-off.pkt
close/fin-wait-2-timeout.pkt syn_queue/max-syn-backlog.pkt"
files=
for script in $suite; do files="$files $scripts/$script"; done

# ours: the PIDs of live processes (not zombies) that carry the marker.
ours() {
  grep -lsxzF "$mark" /proc/[0-9]*/environ | sed 's|/proc/\([0-9]*\)/environ|\1|'
}

# Where synack's TMPDIR is, for synack and for this script. As root synack
# also gets a /tmp of its own (a bind mount in a mount namespace of its
# own), so that what it leaves there is not confused with other programs'
# files; its TMPDIR is a directory in there.
mkdir "$work/slash-tmp"
if [ "$(id -u)" -eq 0 ]; then
  own_tmp=1 tmpdir=/tmp/tmpdir tmpdir_here="$work/slash-tmp/tmpdir"
else
  own_tmp=0 tmpdir="$work/tmpdir" tmpdir_here="$work/tmpdir"
fi
mkdir "$tmpdir_here"

# launch [setsid]: becomes synack (exec only, so that $! is synack's PID),
# with the marker in its environment. setsid: synack leads a process group
# of its own, as a shell's job does.
launch() {
  if [ "$own_tmp" = 1 ]; then
    exec unshare -m -- sh -c 'mount --bind "$0" /tmp && exec "$@"' \
      "$work/slash-tmp" env "$mark" TMPDIR="$tmpdir" "$@" "$synack" run \
      --backend="$backend" -4 -j 4 $files
  fi
  exec env "$mark" TMPDIR="$tmpdir" "$@" "$synack" run \
    --backend="$backend" -4 -j 4 $files
}

# in_tmpdir: what is in synack's TMPDIR.
in_tmpdir() { ls -A "$tmpdir_here"; }

# new_in_tmp: what synack left in /tmp: in its own /tmp, anything; else
# synack-* entries that were not there before (other programs' too).
new_in_tmp() {
  if [ "$own_tmp" = 1 ]; then
    ls -A "$work/slash-tmp" | grep -vx tmpdir
  else
    ls -d /tmp/synack-* 2>/dev/null | sort | comm -13 "$work/tmp_before" -
  fi
}

tuns() { ip -o link show type tun 2>/dev/null | wc -l; }
named_netns() { ip netns list 2>/dev/null | wc -l; }
netns_count() { lsns -n -t net -o NS 2>/dev/null | wc -l; }

ls -d /tmp/synack-* 2>/dev/null | sort >"$work/tmp_before"
tuns_before=$(tuns)
named_before=$(named_netns)
netns_before=$(netns_count)

# check ROUND: waits up to 5 s for everything the killed suite made to go,
# then reports (and removes) whatever is left.
check() {
  round=$1
  i=0
  while [ $i -lt 100 ]; do
    if [ -z "$(ours)" ] && [ -z "$(in_tmpdir)" ] &&
        [ -z "$(new_in_tmp)" ] && [ "$(tuns)" -eq "$tuns_before" ] &&
        [ "$(named_netns)" -eq "$named_before" ]; then
      break
    fi
    sleep 0.05
    i=$((i + 1))
  done
  left=$(ours)
  if [ -n "$left" ]; then
    echo "FAIL $round: processes of the suite are alive:"
    for pid in $left; do
      echo "  $pid $(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | cut -c1-100)" \
        "(net $(readlink "/proc/$pid/ns/net" 2>/dev/null))"
    done
    kill -9 $left 2>/dev/null
    failures=$((failures + 1))
  fi
  if [ -n "$(in_tmpdir)" ]; then
    echo "FAIL $round: left in TMPDIR:" $(in_tmpdir)
    rm -rf "$tmpdir_here"/* "$tmpdir_here"/.[!.]* 2>/dev/null
    failures=$((failures + 1))
  fi
  if [ -n "$(new_in_tmp)" ]; then
    echo "FAIL $round: left in /tmp:" $(new_in_tmp)
    for entry in $(new_in_tmp); do rm -rf "$work/slash-tmp/$entry"; done
    # Outside a /tmp of its own, not removed: it could be another synack's.
    ls -d /tmp/synack-* 2>/dev/null | sort >"$work/tmp_before"
    failures=$((failures + 1))
  fi
  if [ "$(tuns)" -ne "$tuns_before" ]; then
    echo "FAIL $round: a TUN device was left in the host namespace:"
    ip -o link show type tun
    failures=$((failures + 1))
    tuns_before=$(tuns)
  fi
  if [ "$(named_netns)" -ne "$named_before" ]; then
    echo "FAIL $round: a named network namespace was left:" $(ip netns list)
    failures=$((failures + 1))
    named_before=$(named_netns)
  fi
}

# round NAME DELAY GROUP: starts the suite, kills it after DELAY seconds
# (synack alone, or its process group when GROUP is 1), checks.
round() {
  name=$1 delay=$2 group=$3
  (launch setsid) >"$work/out" 2>&1 &
  pid=$!
  sleep "$delay"
  seen=$(ours | wc -l)
  entries=$(in_tmpdir | wc -l)
  if [ "$group" = 1 ]; then
    kill -9 -"$pid" 2>/dev/null
  else
    kill -9 "$pid" 2>/dev/null
  fi
  wait "$pid" 2>/dev/null
  status=$?
  echo "$name: killed $([ "$group" = 1 ] && echo group || echo synack) at" \
    "$delay s: status $status, $seen processes and $entries TMPDIR entries then"
  check "$name"
}

# Round 0, not killed: how long the suite takes, and that a suite that ends
# leaves nothing either.
start=$(date +%s.%N)
(launch) >"$work/out" 2>&1
status=$?
duration=$(echo "$start $(date +%s.%N)" | awk '{ printf "%.3f", $2 - $1 }')
echo "whole suite: status $status in $duration s"
tail -1 "$work/out"
check whole

# Twelve kills: three in the set-up (the first 50 ms, or tenth of the
# suite), six mid-run, three about the end; every third one of the process
# group.
delays=$(awk -v seed="$seed" -v d="$duration" 'BEGIN {
  srand(seed)
  setup = d / 10 < 0.05 ? d / 10 : 0.05
  for (i = 0; i < 3; i++) printf "%.3f\n", setup * rand()
  for (i = 0; i < 6; i++) printf "%.3f\n", d * (0.1 + 0.8 * rand())
  for (i = 0; i < 3; i++) printf "%.3f\n", d * (0.9 + 0.15 * rand())
}')
n=0 caught=0
for delay in $delays; do
  n=$((n + 1))
  round "round-$n" "$delay" $((n % 3 == 0))
  [ "$entries" -gt 0 ] && caught=$((caught + 1))
done
# The test must be able to fail: enough kills must have caught the suite
# with its temporary directory made.
if [ "$caught" -lt 4 ]; then
  echo "FAIL only $caught of 12 kills came while the suite's TMPDIR held something"
  failures=$((failures + 1))
fi

if [ "$(netns_count)" -gt "$netns_before" ]; then
  # Other processes on the machine may hold namespaces of their own: only
  # a note, the rounds' checks above name the suite's.
  echo "note: $(netns_count) network namespaces now, $netns_before before"
fi
[ "$failures" -eq 0 ] && echo "nothing left behind in 13 rounds"
exit "$failures"

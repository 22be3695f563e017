#!/bin/sh
# sigkill_test.sh SYNACK SCRIPTS_DIR BACKEND [SEED]: `synack run` killed with
# SIGKILL at moments drawn from SEED (set-up, mid-run, teardown) must leave
# nothing behind: no entry in its TMPDIR or in /tmp (as root, a /tmp of its
# own; else new synack-* entries), no process descended from it (and so no
# network namespace held by one), no named network namespace, no TUN device
# in the host. The rounds take turns at what they kill: synack alone, its
# process group, every process named synack as `pkill -9 synack` does (its
# runs, and the reaper where there is one), and every process of the suite
# (commands and python3 too). BACKEND is kernel (root) or stack (no root
# needed; without root synack keeps its directory with a reaper, which a
# pkill kills: those rounds need root).
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

# suite_files PID: how many temporary files and directories the suite then
# held: in its TMPDIR, or (as root) the tmpfs mounted nowhere that synack
# (PID) holds a descriptor of, and what is in it.
suite_files() {
  {
    in_tmpdir
    for fd in /proc/"$1"/fd/*; do
      if [ -d "$fd" ] && [ "$(stat -f -c %T "$fd/" 2>/dev/null)" = tmpfs ]; then
        echo "$fd"
        ls -A "$fd/" 2>/dev/null
      fi
    done
  } | wc -l
}

# kill_every NAME: SIGKILLs every process of the suite whose name holds
# NAME (all of them when NAME is empty), again until none is left, as one
# that was forking may have made another.
kill_every() {
  i=0
  while [ $i -lt 20 ]; do
    victims=
    for p in $(ours); do
      case $(cat "/proc/$p/comm" 2>/dev/null) in
        *"$1"*) victims="$victims $p" ;;
      esac
    done
    [ -z "$victims" ] && return
    # shellcheck disable=SC2086
    kill -9 $victims 2>/dev/null
    i=$((i + 1))
  done
}

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

# round NAME DELAY HOW: starts the suite, kills it after DELAY seconds
# (HOW: synack, group, pkill (every process named synack) or all), checks.
round() {
  name=$1 delay=$2 how=$3
  (launch setsid) >"$work/out" 2>&1 &
  pid=$!
  sleep "$delay"
  seen=$(ours | wc -l)
  entries=$(suite_files "$pid")
  case $how in
    synack) kill -9 "$pid" 2>/dev/null ;;
    group) kill -9 -"$pid" 2>/dev/null ;;
    pkill) kill_every synack ;;
    all) kill_every "" ;;
  esac
  wait "$pid" 2>/dev/null
  status=$?
  echo "$name: killed $how at $delay s: status $status, $seen processes" \
    "and $entries temporary files then"
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

# Sixteen kills: four in the set-up (the first 50 ms, or tenth of the
# suite), eight mid-run, four about the end; each kind of kill in turn
# (without root only synack's and its group's: a pkill kills the reaper).
delays=$(awk -v seed="$seed" -v d="$duration" 'BEGIN {
  srand(seed)
  setup = d / 10 < 0.05 ? d / 10 : 0.05
  for (i = 0; i < 4; i++) printf "%.3f\n", setup * rand()
  for (i = 0; i < 8; i++) printf "%.3f\n", d * (0.1 + 0.8 * rand())
  for (i = 0; i < 4; i++) printf "%.3f\n", d * (0.9 + 0.15 * rand())
}')
if [ "$(id -u)" -eq 0 ]; then hows="synack group pkill all"; else hows="synack group"; fi
set -- $hows
n=0 caught=0
for delay in $delays; do
  n=$((n + 1))
  how=$1
  shift
  set -- "$@" "$how"
  round "round-$n" "$delay" "$how"
  [ "$entries" -gt 0 ] && caught=$((caught + 1))
done
# The test must be able to fail: enough kills must have caught the suite
# with temporary files made.
if [ "$caught" -lt 5 ]; then
  echo "FAIL only $caught of 16 kills came while the suite held temporary files"
  failures=$((failures + 1))
fi

if [ "$(netns_count)" -gt "$netns_before" ]; then
  # Other processes on the machine may hold namespaces of their own: only
  # a note, the rounds' checks above name the suite's.
  echo "note: $(netns_count) network namespaces now, $netns_before before"
fi
[ "$failures" -eq 0 ] && echo "nothing left behind in 17 rounds"
exit "$failures"

#!/bin/sh
# synack run --kernel: boots Debian's 6.1 kernel (a linux-image .deb that
# tools/install-deps --vm fetches) under qemu's TCG and runs two scripts
# there and on the host, side by side. What must hold:
#  - the guest boots under TCG and its runs are named with its release;
#  - handshake/passive-open-options.pkt passes in the guest (its times
#    loosened by --tolerance_usecs: a TCG guest on a loaded machine is slow,
#    and this test is about the plumbing, not timing);
#  - syn_retries/time-budget.pkt fails there at its init command (6.1 has
#    no tcp_syn_linear_timeouts, which came in 6.5) but not on the host,
#    and the closing table lists it, with the failure's first line;
#  - nothing is left behind: no qemu, no temporary directory, also when
#    synack is killed with SIGKILL while a run is under way in the guest.
# Without qemu, busybox-static or a kernel package: skipped (77), but a
# failure under test.sh (SYNACK_REQUIRE_ROOT_TESTS=1), whose install-deps
# --vm installs them.
set -u
synack=$1
scripts=$2
cache=${SYNACK_KERNEL_CACHE:-/var/cache/synack/kernels}
missing() {
  if [ "${SYNACK_REQUIRE_ROOT_TESTS:-}" = 1 ]; then
    echo "FAIL: $1 (tools/install-deps --vm installs it)"
    exit 1
  fi
  echo "SKIP: $1"
  exit 77
}
[ "$(id -u)" -eq 0 ] || missing "not root"
command -v qemu-system-x86_64 >/dev/null || missing "no qemu-system-x86_64"
[ -x /bin/busybox ] || missing "no /bin/busybox (busybox-static)"
deb=$(ls "$cache"/linux-image-6.1.*.deb 2>/dev/null | head -n 1)
[ -n "$deb" ] || missing "no linux-image-6.1.* .deb in $cache"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/tmp"
# TCG on two loaded cores: minutes are fine, nothing here is timed.
TMPDIR="$work/tmp" "$synack" run --vm-accel=tcg --kernel=host \
  --kernel="$deb" -4 --tolerance_usecs=500000 --timeout=600 \
  "$scripts/handshake/passive-open-options.pkt" \
  "$scripts/syn_retries/time-budget.pkt" >"$work/out" 2>&1
status=$?
cat "$work/out"
fail() {
  echo "FAIL: $1"
  exit 1
}
[ "$status" -eq 1 ] || fail "exit status $status, expected 1 (one run fails)"
grep -q '^synack: 6\.1\.[^ ]*: booted under TCG in ' "$work/out" ||
  fail "no 'booted under TCG' line"
grep -q '^ok .*passive-open-options.pkt (ipv4, 6\.1\.[^)]*)' "$work/out" ||
  fail "passive-open-options.pkt did not pass in the guest"
grep -q "^ok .*time-budget.pkt (ipv4, $(uname -r))" "$work/out" ||
  fail "time-budget.pkt did not pass on the host"
grep -q '^Verdicts that differ between kernels (1 of 2):' "$work/out" ||
  fail "no table of differing verdicts"
grep -A3 '^  .*time-budget.pkt (ipv4)$' "$work/out" |
  grep -q '^    6\.1\.[^:]*: FAIL .*tcp_syn_linear_timeouts' ||
  fail "the table does not give 6.1's failure of time-budget.pkt"
# Nothing left: the reaper has removed the VM's directory, and no qemu
# started for it runs.
[ -z "$(ls -A "$work/tmp")" ] || fail "left in TMPDIR: $(ls -A "$work/tmp")"
if pgrep -f "qemu-system-x86_64.*$work/tmp" >/dev/null; then
  fail "a qemu is still running"
fi

# SIGKILL while the guest runs a script (synack-retries.pkt lasts 8 s,
# when its times are loosened: at the default tolerance a slow TCG guest
# fails it on timing within a second of its start, and the guest is gone
# before it can be killed): the keeper and qemu die with synack
# (PR_SET_PDEATHSIG), the reaper removes the directory. Waits are polls
# with generous limits, not timings.
mkdir "$work/tmp2"
TMPDIR="$work/tmp2" "$synack" run --vm-accel=tcg --kernel="$deb" -4 \
  --tolerance_usecs=500000 --timeout=600 \
  "$scripts/synack_retries/synack-retries.pkt" >"$work/out2" 2>&1 &
victim=$!
i=0
until grep -q 'booted under TCG' "$work/out2"; do
  i=$((i + 1))
  [ "$i" -lt 1200 ] || fail "the second guest did not boot: $(cat "$work/out2")"
  sleep 0.5
done
sleep 1
pgrep -f "qemu-system-x86_64.*$work/tmp2" >/dev/null ||
  fail "no qemu running for the second guest"
kill -KILL "$victim"
wait "$victim" 2>/dev/null
i=0
while pgrep -f "qemu-system-x86_64.*$work/tmp2" >/dev/null ||
  [ -n "$(ls -A "$work/tmp2")" ]; do
  i=$((i + 1))
  [ "$i" -lt 120 ] || fail "left after SIGKILL: $(ls -A "$work/tmp2") $(pgrep -fa qemu-system)"
  sleep 0.5
done
echo "PASS"

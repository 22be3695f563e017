#!/bin/sh
# Prints how the start phase within the kernel's timer tick (--tick-phase)
# decides the verdicts of packetdrill's timer-driven scripts: for each phase
# in PHASES ("off" is packetdrill's way: wherever the init command ends),
# each script in SCRIPTS runs REPEAT times alone (-j 1, no timing retries)
# and its passes are counted. A phase where every script always passes, or
# always fails, makes the verdicts the same run after run; RunConfig's
# default tick_phase comes from this table.
#
# Needs root and a build of synack (build/, or the binary in $SYNACK).
# PHASES (default "off 0.1 0.2 0.3 0.4 0.5 0.7 0.9"), REPEAT (default 10),
# SCRIPTS (default: below, relative to packetdrill's tcp/ directory).
set -eu
cd "$(dirname "$0")/.."
synack=$(realpath "${SYNACK:-build/cli/synack}")
phases=${PHASES:-off 0.1 0.2 0.3 0.4 0.5 0.7 0.9}
repeat=${REPEAT:-10}
scripts=${SCRIPTS:-"close/close-remote-fin-then-close.pkt
fastopen/server/fin-close-socket.pkt
fastopen/server/opt34/fin-close-socket.pkt
sack/sack-shift-sacked-7-3-4-8-9-fack.pkt
sack/sack-shift-sacked-7-5-6-8-9-fack.pkt
shutdown/shutdown-rdwr-send-queue-ack-close.pkt
tcp_info/tcp-info-sndbuf-limited.pkt
eor/no-coalesce-retrans.pkt"}
. bench/corpus_setup.sh

echo "passes of $repeat runs alone (ipv4), by --tick-phase:"
printf '%-50s' "script"
for phase in $phases; do printf ' %5s' "$phase"; done
echo
for phase in $phases; do
  # shellcheck disable=SC2086
  (cd "$corpus" && "$synack" run -4 -j 1 --timing-retries=0 \
    --tick-phase="$phase" --repeat="$repeat" $scripts) \
    >"$out/$phase.log" 2>&1 || true
done
for script in $scripts; do
  printf '%-50s' "$script"
  for phase in $phases; do
    printf ' %5s' "$(grep -c "^ok    $script (ipv4)" "$out/$phase.log" || true)"
  done
  echo
done

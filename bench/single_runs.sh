#!/bin/sh
# How steady single runs are (issue 13): every ipv4 script that
# ../shared/corpus/BASELINE.md marks OK runs alone RUNS times with each
# tool, one process per run as a person would type it, the two tools taking
# turns run by run so that both see the same machine: `synack run -4
# SCRIPT` (no timing retries: a single run has none), and packetdrill in a
# fresh network namespace (packetdrill's own in_netns.sh way, `unshare -n`)
# with run_all.py's ipv4 arguments, from the script's directory. Prints the
# pass counts side by side for each script where either tool missed a
# pass, then the totals, into $OUT/single_runs.txt too.
#
# Needs root, a build of synack (build/, or the binary in $SYNACK) and of
# packetdrill ($PACKETDRILL, or built into build/packetdrill by
# ../shared/anchors/build-packetdrill). RUNS (default 10), FILTER (a grep
# -E pattern on the script's path, default every script), OUT (default
# build/bench-single-runs).
set -eu
cd "$(dirname "$0")/.."
runs=${RUNS:-10}
filter=${FILTER:-.}
synack=$(realpath "${SYNACK:-build/cli/synack}")
. bench/corpus_setup.sh
results=$(realpath -m "${OUT:-build/bench-single-runs}")
mkdir -p "$results"
packetdrill=${PACKETDRILL:-}
if [ -z "$packetdrill" ]; then
  packetdrill=build/packetdrill/packetdrill
  [ -x "$packetdrill" ] || ../shared/anchors/build-packetdrill build/packetdrill >/dev/null
fi
packetdrill=$(realpath "$packetdrill")

# The ipv4 variant's arguments, as packetdrill's run_all.py passes them.
pd_args="--send_omit_free --ip_version=ipv4 --local_ip=192.168.0.1
  --gateway_ip=192.168.0.1 --netmask_ip=255.255.0.0 --remote_ip=192.0.2.1
  -D TFO_COOKIE=3021b9d889017eeb -D CODE=host_unreachable
  -D CMSG_LEVEL_IP=SOL_IP -D CMSG_TYPE_RECVERR=IP_RECVERR"

scripts=$(awk -F'|' '$3 ~ /^ *OK *$/ { gsub(/ /, "", $2); print $2 }' \
  ../shared/corpus/BASELINE.md | grep -E "$filter")

: >"$out/counts"
for script in $scripts; do
  synack_ok=0
  pd_ok=0
  i=0
  while [ "$i" -lt "$runs" ]; do
    if "$synack" run -4 "$corpus/$script" >"$out/synack.log" 2>&1; then
      synack_ok=$((synack_ok + 1))
    else
      cp "$out/synack.log" "$results/$(echo "$script" | tr / _).synack.$i.log"
    fi
    # shellcheck disable=SC2086  # the arguments are words
    if (cd "$(dirname "$corpus/$script")" &&
        unshare -n "$packetdrill" $pd_args "$(basename "$script")") \
        >"$out/pd.log" 2>&1; then
      pd_ok=$((pd_ok + 1))
    else
      cp "$out/pd.log" "$results/$(echo "$script" | tr / _).packetdrill.$i.log"
    fi
    i=$((i + 1))
  done
  echo "$script $synack_ok $pd_ok" >>"$out/counts"
done

{
  echo "machine: $(nproc) cores, $(uname -r), load $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "passes of $runs single runs (ipv4), each tool in turn; the scripts where"
  echo "either missed one (logs of the failing runs in $results):"
  awk -v runs="$runs" '
    BEGIN { printf "%-58s %8s %11s\n", "script", "synack", "packetdrill" }
    {
      s += $2; p += $3; n++
      if ($2 < runs || $3 < runs) {
        printf "%-58s %8d %11d%s\n", $1, $2, $3, ($2 < $3 ? "  <- synack behind" : "")
        if ($2 < $3) behind++
      }
    }
    END {
      printf "%-58s %8d %11d\n", "total of " n " scripts x " runs " runs", s, p
      printf "scripts where synack passed less often than packetdrill: %d\n", behind
    }' "$out/counts"
} | tee "$results/single_runs.txt"

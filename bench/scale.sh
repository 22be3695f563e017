#!/bin/sh
# How a run's cost grows with the number of connections in one script
# (issue 18): bench/gen_flows.py writes N flows into one listener
# (handshake, accept, 10 bytes each way, active close; all at time 0), and
# each N runs once on the own stack and, as root, on the kernel; then
# gen_flows.py --active writes N flows the stack opens by connect() (each
# connect() choosing a port among the N - 1 held), run on the own stack
# (backend "connect" in the table). Prints per
# N the wall time, user and system CPU, peak memory (maximum resident set
# of the process tree, /usr/bin/time's %M) and peak memory per connection,
# the part of it that `synack check` alone takes (the parsed script: 14
# lines per flow), and the ratio to the previous N; draws the curve with
# gnuplot (installed from Debian when missing) into $OUT/scale.png beside
# $OUT/scale.txt. On a shared machine wall time follows the load (printed
# first): compare CPU.
#
# Environment: STACK_NS (default "1000 2000 5000 10000 20000 40000 60000"),
# KERNEL_NS (default "1000 2000 5000 10000"; empty skips the kernel, as
# does not being root), CONNECT_NS (default "1000 2000 5000 10000 20000";
# past half the port range, 32 256 flows, each connect() scans the even
# ports in use before the odd ones, as Linux's __inet_hash_connect() does), OUT (default build/bench-scale), SYNACK (a built
# synack; default build/cli/synack, built first).
set -eu
cd "$(dirname "$0")/.."
stack_ns=${STACK_NS:-"1000 2000 5000 10000 20000 40000 60000"}
kernel_ns=${KERNEL_NS-"1000 2000 5000 10000"}
connect_ns=${CONNECT_NS-"1000 2000 5000 10000 20000"}
out=$(realpath -m "${OUT:-build/bench-scale}")
mkdir -p "$out"
if [ -z "${SYNACK:-}" ]; then
  cmake --build build --target synack >/dev/null
fi
synack=$(realpath "${SYNACK:-build/cli/synack}")
if [ "$(id -u)" -ne 0 ] && [ -n "$kernel_ns" ]; then
  echo "bench/scale.sh: not root, the kernel is skipped" >&2
  kernel_ns=""
fi
if ! command -v gnuplot >/dev/null 2>&1; then
  if [ "$(id -u)" -eq 0 ]; then
    echo "bench/scale.sh: installing gnuplot-nox" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
      --no-install-recommends gnuplot-nox >/dev/null
  else
    echo "bench/scale.sh: no gnuplot (apt-get install gnuplot-nox as root); no picture" >&2
  fi
fi
# The kernel run holds one descriptor per connection.
ulimit -n 70000 2>/dev/null || ulimit -n "$(ulimit -Hn)"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM HUP  # so that a signal runs the EXIT trap too

# run BACKEND N: one run under /usr/bin/time; appends "backend n wall user
# sys kb check_kb" to $out/scale.dat. A run that fails stops the benchmark.
run() {
  backend=$1
  n=$2
  under_test=$backend
  if [ "$backend" = connect ]; then
    under_test=stack
    script=$tmp/connect-$n.pkt
    python3 bench/gen_flows.py --active "$n" "$script"
  else
    script=$tmp/flows-$n.pkt
    [ -f "$script" ] || python3 bench/gen_flows.py "$n" "$script"
  fi
  /usr/bin/time -o "$tmp/check" -f "%M" "$synack" check "$script" >/dev/null
  if ! /usr/bin/time -o "$tmp/time" -f "%e %U %S %M" \
      "$synack" run --backend="$under_test" -4 "$script" >"$tmp/log" 2>&1; then
    tail -5 "$tmp/log" >&2
    echo "bench/scale.sh: $n flows on $backend did not pass" >&2
    exit 1
  fi
  echo "$backend $n $(cat "$tmp/time") $(cat "$tmp/check")" >>"$out/scale.dat"
}

: >"$out/scale.dat"
for n in $stack_ns; do run stack "$n"; done
for n in $kernel_ns; do run kernel "$n"; done
for n in $connect_ns; do run connect "$n"; done

{
  echo "machine: $(nproc) cores, $(uname -r), load $(cut -d' ' -f1-3 /proc/loadavg)"
  awk '
    BEGIN {
      printf "%-7s %6s %7s %7s %7s %7s %8s %8s %8s %7s %6s\n", "backend", "N",
             "wall s", "user s", "sys s", "CPU s", "peak MB", "KB/conn",
             "KB/+conn", "script", "x CPU"
    }
    {
      cpu = $4 + $5
      ratio = "-"
      marginal = "-"
      if ($1 == last_backend && last_cpu > 0) ratio = sprintf("%.2f", cpu / last_cpu)
      if ($1 == last_backend) marginal = sprintf("%.2f", ($6 - last_kb) / ($2 - last_n))
      printf "%-7s %6d %7.2f %7.2f %7.2f %7.2f %8.1f %8.2f %8s %7.2f %6s\n", $1, $2,
             $3, $4, $5, cpu, $6 / 1024, $6 / $2, marginal, $7 / $2, ratio
      last_backend = $1
      last_cpu = cpu
      last_kb = $6
      last_n = $2
    }' "$out/scale.dat"
  echo "CPU: user + system. KB/conn: peak memory over N; KB/+conn: its growth from"
  echo "the previous N per added connection; script: the part of KB/conn that"
  echo "synack check (parsing and checking the script alone) peaks at. x CPU: CPU"
  echo "over the previous N's (N doubled: at most 2.2 for N log N). connect: the"
  echo "own stack with N flows opened by connect() (gen_flows.py --active)."
} | tee "$out/scale.txt"

if command -v gnuplot >/dev/null 2>&1; then
  grep '^stack ' "$out/scale.dat" >"$out/stack.dat" || true
  grep '^kernel ' "$out/scale.dat" >"$out/kernel.dat" || true
  grep '^connect ' "$out/scale.dat" >"$out/connect.dat" || true
  plots="'$out/stack.dat' using 2:(\$4+\$5) with linespoints title 'own stack, CPU (user+sys)'"
  plots="$plots, '$out/stack.dat' using 2:3 with linespoints title 'own stack, wall'"
  plots="$plots, '$out/stack.dat' using 2:(\$6/\$2) axes x1y2 with linespoints dashtype 2 title 'own stack, peak KB per connection'"
  if [ -s "$out/connect.dat" ]; then
    plots="$plots, '$out/connect.dat' using 2:(\$4+\$5) with linespoints title 'own stack, N connect()s, CPU'"
  fi
  if [ -s "$out/kernel.dat" ]; then
    plots="$plots, '$out/kernel.dat' using 2:3 with linespoints title 'kernel backend, wall'"
    plots="$plots, '$out/kernel.dat' using 2:(\$4+\$5) with linespoints title 'kernel backend, synack CPU'"
  fi
  gnuplot <<EOF
set terminal pngcairo size 900,600 noenhanced
set output '$out/scale.png'
set title 'N flows into one listener (bench/gen_flows.py)'
set xlabel 'connections in the script (N)'
set ylabel 'time, s'
set y2label 'peak memory per connection, KB'
set ytics nomirror
set y2tics
set key left top
set grid
plot $plots
EOF
  echo "picture: $out/scale.png"
fi

#!/bin/sh
# packetdrill's own runner, run_all.py (from ../shared/anchors/packetdrill),
# drives synack through a link named packetdrill, unchanged: every run's
# verdict must be the one `synack run` gives the same script and variant.
# Skipped (77) without the anchors, as the corpus tests are without the
# corpus.
set -u
synack=$(realpath "$1")
anchors=$2
shift 2
if [ ! -f "$anchors/run_all.py" ] || [ ! -f "$anchors/in_netns.sh" ]; then
  echo "skipped: no packetdrill runner at $anchors"
  exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM HUP

# run_all.py runs ./packetdrill/packetdrill through ./packetdrill/in_netns.sh.
mkdir "$tmp/packetdrill"
ln -s "$synack" "$tmp/packetdrill/packetdrill"
cp "$anchors/in_netns.sh" "$tmp/packetdrill/in_netns.sh"
failures=0
for dir in "$@"; do
  dir=$(realpath "$dir")
  # One run at a time (-S): the verdicts compared are the scripts', not
  # the load's.
  (cd "$tmp" && python3 "$anchors/run_all.py" -v -S "$dir") \
    >"$tmp/run_all.out" 2>&1
  "$synack" run --tap="$tmp/native.tap" "$dir" >"$tmp/native.out" 2>&1
  grep "^Ran" "$tmp/run_all.out"
  if ! python3 - "$tmp/run_all.out" "$tmp/native.tap" <<'PY'
import re, sys
# run_all.py: "OK   [/abs/dir/x.pkt (ipv4)]"; its mapped variant is
# "ipv4-mapped-v6", synack's "ipv4-mapped-ipv6".
packetdrill = {}
for line in open(sys.argv[1]):
    m = re.match(r'(OK|FAIL) +\[(.*) \((.*)\)\]$', line.rstrip('\n'))
    if m:
        variant = m.group(3).replace('ipv4-mapped-v6', 'ipv4-mapped-ipv6')
        packetdrill[(m.group(2), variant)] = m.group(1) == 'OK'
native = {}
for line in open(sys.argv[2]):
    m = re.match(r'(ok|not ok) \d+ - (.*) \((.*)\)$', line.rstrip('\n'))
    if m:
        native[(m.group(2), m.group(3))] = m.group(1) == 'ok'
if not native or len(native) != len(packetdrill):
    print('runs: %d by run_all.py, %d by synack run' % (len(packetdrill), len(native)))
    print(open(sys.argv[1]).read())
    sys.exit(1)
bad = 0
for (name, variant), passed in sorted(native.items()):
    # TAP names are relative; run_all.py's paths absolute.
    found = [v for (path, var), v in packetdrill.items()
             if var == variant and path.endswith('/' + name)]
    if found != [passed]:
        print('%s (%s): synack run %s, run_all.py %s' % (
            name, variant, 'ok' if passed else 'FAIL',
            found and ('ok' if found[0] else 'FAIL') or 'no run'))
        bad += 1
print('%d runs, %d verdicts differ' % (len(native), bad))
sys.exit(1 if bad else 0)
PY
  then
    echo "FAIL $dir"
    cat "$tmp/run_all.out"
    failures=$((failures + 1))
  fi
done
exit "$failures"

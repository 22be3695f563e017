#!/bin/sh
# `synack import` of synack's own captures: each script of scripts/ that
# passes on BACKEND is run with --pcap, its capture imported, and the
# imported draft run on the same backend in the same variant: it must pass.
# Scripts listed in tests/import_roundtrip_known.txt (with the reason their
# capture cannot give a passing draft) are expected to fail instead, and one
# that passes must leave the list, so that the list stays true.
#   import_roundtrip.sh SYNACK SCRIPTS_DIR stack|kernel [SCRIPT...]
# With SCRIPT arguments (paths under SCRIPTS_DIR) only those are tried.
set -u
synack=$(realpath "$1")
scripts=$(realpath "$2")
backend=$3
shift 3
known="$(dirname "$(realpath "$0")")/import_roundtrip_known.txt"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM HUP  # so that a signal runs the EXIT trap too

if [ $# -gt 0 ]; then
  list=$(for s in "$@"; do echo "$s"; done)
else
  list=$(cd "$scripts" && find . -name '*.pkt' | sed 's|^\./||' | sort)
fi

failures=0 passed=0 skipped=0 expected=0

# check_draft: imports $base.pcap (the connection $select names, if any),
# runs the draft with $base.config before it and counts the outcome of
# $this against the known list.
check_draft() {
  reason=$(grep -v "^#" "$known" | grep -F "$this " | head -1)
  if ! "$synack" import ${select:+--flow "$select"} "$base.pcap" \
      >"$base.draft" 2>"$base.import"; then
    outcome="import failed: $(head -3 "$base.import")"
  else
    cat "$base.config" "$base.draft" >"$base.pkt"
    if "$synack" run --backend="$backend" "$variant" "$base.pkt" \
        >"$base.rerun" 2>&1; then
      outcome=pass
    else
      outcome="imported draft failed: $(grep -m1 error "$base.rerun")"
    fi
  fi
  if [ "$outcome" = pass ] && [ -z "$reason" ]; then
    passed=$((passed + 1))
  elif [ "$outcome" != pass ] && [ -n "$reason" ]; then
    expected=$((expected + 1))
  elif [ "$outcome" = pass ]; then
    echo "FAIL $this: passes now; remove it from $known"
    failures=$((failures + 1))
  else
    echo "FAIL $this: $outcome"
    [ -f "$base.pkt" ] && sed 's/^/    /' "$base.pkt"
    failures=$((failures + 1))
  fi
}
for name in $list; do
  case $name in
    *v6.pkt) variants=-6 ;;
    *v4.pkt) variants=-4 ;;
    *) variants="-4 -6" ;;
  esac
  for variant in $variants; do
    id="$name $variant"
    base=$tmp/run
    rm -f "$base".*
    if ! "$synack" run --backend="$backend" "$variant" --pcap="$base.pcap" \
        "$scripts/$name" >"$base.original" 2>&1; then
      skipped=$((skipped + 1))  # not passing on this backend: nothing to compare
      continue
    fi
    # The configuration a capture cannot hold (option lines, the init
    # command's sysctls) is what a user adds to a draft: taken from the
    # original, everything before its first event.
    awk '/^[ \t]*[-+.*0-9]/ && !/^[ \t]*--/ {exit} {print}' \
      "$scripts/$name" >"$base.config"
    # A capture of several connections is imported one connection at a
    # time (--flow), each by an endpoint that names it alone.
    if "$synack" import "$base.pcap" >/dev/null 2>"$base.flows"; then
      flows=-
    else
      flows=$(awk '/ <-> / {print $1 "," $3}' "$base.flows")
      [ -n "$flows" ] || flows=-
    fi
    index=0
    for flow in $flows; do
      index=$((index + 1))
      case $flow in
        -) this=$id select= ;;
        *) this="$id #$index"
           select=$(for end in ${flow%,*} ${flow#*,}; do
             "$synack" import --flow "$end" "$base.pcap" >/dev/null 2>&1 &&
               echo "$end" && break
           done) ;;
      esac
      check_draft
    done
  done
done
echo "$passed round-tripped, $expected known not to (listed), $skipped not" \
     "passing on $backend to start with, $failures failed"
[ "$failures" -eq 0 ]

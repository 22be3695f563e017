# Sourced by the benchmarks on packetdrill's corpus (suite.sh,
# tick_phase.sh, single_runs.sh, stack_corpus.sh), from the checkout's root:
# checks for root (the kernel backend) unless $stack_only is 1, builds
# synack unless $SYNACK names a binary, and sets $corpus to a runnable copy
# of the corpus's tcp/ directory (its symlinks restored) and $out to a
# scratch directory, both removed on exit.
if [ "${stack_only:-0}" != 1 ] && [ "$(id -u)" -ne 0 ]; then
  echo "$0: needs root (the kernel backend)" >&2
  exit 1
fi
if [ -z "${SYNACK:-}" ]; then
  cmake --build build --target synack >/dev/null
fi
set -- $(python3 -c "
import sys
sys.path.insert(0, 'tests')
import corpus
root, tcp = corpus.prepare_corpus('../shared/corpus/packetdrill/tcp')
print(root, tcp)")
copy=$1 corpus=$2
out=$(mktemp -d)
trap 'rm -rf "$copy" "$out"' EXIT
trap 'exit 130' INT TERM HUP  # so that a signal runs the EXIT trap too

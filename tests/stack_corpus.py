#!/usr/bin/env python3
"""Gates the own stack on packetdrill's corpus: every (script, variant) that
stack_corpus_passing.txt lists must pass with --backend=stack.

The whole corpus runs in one `synack run --backend=stack` (seconds: the
stack's clock is virtual), so the report also names the runs that pass and
are not listed yet; --update adds those to the list (it never removes one:
the list may only grow). The stack is deterministic, so there are no
retries: a listed run that fails is a regression. Needs no privileges.
"""

import argparse
import collections
import os
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import corpus  # noqa: E402  (prepare_corpus, read_junit, run_synack, VARIANTS)

HEADER = """\
# The corpus runs that pass on synack's own stack (--backend=stack): one
# "script variant" per line, the script relative to packetdrill's tcp/
# directory. tests/stack_corpus.py (run by test.sh) fails when a listed run
# fails on the stack, so this list may only grow.
#
# To add what your change makes pass, after building build/cli/synack:
#   tests/stack_corpus.py --synack build/cli/synack \\
#     --corpus ../shared/corpus/packetdrill/tcp --update
# which appends every passing run not yet listed and keeps the file sorted;
# commit the list with the change. Never delete a line to make CI pass:
# fix the regression (or, if the kernel shows the script itself is wrong,
# say why in the commit that drops it).
"""


def read_list(path):
    """The listed (script, variant) pairs, in file order."""
    listed = []
    with open(path) as f:
        for number, line in enumerate(f, 1):
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            fields = line.split()
            if len(fields) != 2 or fields[1] not in dict(corpus.VARIANTS):
                sys.exit("%s:%d: expected 'script variant', got %r" %
                         (path, number, line))
            listed.append((fields[0], fields[1]))
    return listed


def write_list(path, runs):
    with open(path, "w") as f:
        f.write(HEADER)
        for script, variant in sorted(runs):
            f.write("%s %s\n" % (script, variant))


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--synack", required=True)
    parser.add_argument("--corpus", required=True)
    parser.add_argument("--list", default=os.path.join(
        here, "stack_corpus_passing.txt"))
    parser.add_argument("--timeout", type=int, default=60)
    parser.add_argument("--update", action="store_true",
                        help="add the passing runs that are not listed")
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="print each listed run's failure")
    args = parser.parse_args()

    listed = read_list(args.list)
    temp_root, tcp = corpus.prepare_corpus(args.corpus)
    scripts = sorted(os.path.relpath(os.path.join(d, name), tcp)
                     for d, _, names in os.walk(tcp)
                     for name in names if name.endswith(".pkt"))
    flags = ["--backend=stack"] + [flag for _, flag in corpus.VARIANTS]
    results, elapsed = corpus.run_synack(args.synack, tcp, flags, scripts,
                                         args.timeout)
    shutil.rmtree(temp_root, ignore_errors=True)

    passed = collections.Counter()
    runs = collections.Counter()
    for (_, variant), (verdict, _, _) in results.items():
        runs[variant] += 1
        passed[variant] += verdict == "ok"
    print("stack corpus: %d runs in %.1f s; passed: %s" % (
        len(results), elapsed, ", ".join(
            "%s %d of %d" % (v, passed[v], runs[v])
            for v, _ in corpus.VARIANTS)))

    failed = [run for run in listed
              if results.get(run, ("missing",))[0] != "ok"]
    listed_set = set(listed)
    new = sorted(run for run, (verdict, _, _) in results.items()
                 if verdict == "ok" and run not in listed_set)
    for script, variant in failed:
        verdict, _, text = results.get((script, variant), ("missing", 0, ""))
        print("listed, fails on the stack: %s (%s): %s" %
              (script, variant, verdict))
        if args.verbose and text:
            print("    " + text.strip().replace("\n", "\n    "))
    if args.update:
        write_list(args.list, listed_set | set(new))
        print("added %d runs to %s" % (len(new), args.list))
    elif new:
        print("%d runs pass and are not listed (add them with --update), "
              "e.g. %s (%s)" % (len(new), new[0][0], new[0][1]))
    print("stack corpus: %d listed, %d of them failed" %
          (len(listed), len(failed)))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

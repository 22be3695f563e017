#!/usr/bin/env python3
"""The matcher's mutation test: every field an outbound line states is compared.

For each script given, synack_mutate writes mutants that each change one
stated field of one `>` line (tests/mutation/mutate.cc); every mutant is run
on the backend and must fail, at the mutated line or later. Prints the score
and each mutant that passed (a survivor: a field the matcher does not
compare), failed at a later line, or failed before its line (not counted: a
set-up or timing failure says nothing of the mutation; such runs run once
more, two at a time, and only a second failure counts). Exit status 1 when a
mutant survives that is not explained (a TS val, which packetdrill compares
only with --tcp_ts_tick_usecs; the seq of a flow's first SYN, which names
the stack's ISN), or when more than 5 % of the runs fail before their line.

  run.py --synack BIN --mutate BIN --backend stack|kernel ROOT SCRIPT...

ROOT is copied (its helper files, e.g. common/defaults.sh) and the mutants
are written beside where each SCRIPT lies under it, so relative paths in the
scripts hold.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

EXPLAINED = {
    "(TS) val": "TS val is compared only with --tcp_ts_tick_usecs (as in "
                "packetdrill)",
    "names the stack's ISN": "the seq of the stack's first SYN or SYN-ACK "
                             "on a flow names its ISN (as in packetdrill): "
                             "any value passes, later ones are compared",
}


def explained(what):
    for key, why in EXPLAINED.items():
        if key in what:
            return why
    return None


def mutated_line(path):
    with open(path) as f:
        for number, line in enumerate(f, 1):
            if "// MUTATED" in line:
                return number
    return None


def parse_tap(text):
    """(path, variant) -> (passed, first error line number or None, text)."""
    results = {}
    entry = None
    for line in text.splitlines():
        m = re.match(r"^(not )?ok \d+ - (.*) \(([\w-]+)\)( # SKIP.*)?$", line)
        if m:
            entry = (m.group(2), m.group(3))
            results[entry] = [m.group(1) is None, None, ""]
            continue
        if entry is None or results[entry][0]:
            continue
        results[entry][2] += line.strip() + "\n"
        e = re.search(r":(\d+): error: ", line)
        if e and results[entry][1] is None:
            results[entry][1] = int(e.group(1))
    return results


def run_suite(args, paths, tap, jobs=None):
    """Runs the mutants at `paths` (a directory or files); their TAP results."""
    command = [args.synack, "run", "--backend=" + args.backend,
               "--timing-retries=0", "--tap=" + tap] + paths
    jobs = jobs or args.jobs
    if jobs:
        command.insert(2, "--jobs=" + jobs)
    for variant in args.variant:
        command.insert(2, variant)
    subprocess.run(command, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    with open(tap) as f:
        return parse_tap(f.read())


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--synack", required=True)
    parser.add_argument("--mutate", required=True)
    parser.add_argument("--backend", required=True)
    parser.add_argument("--jobs", default=None)
    parser.add_argument("--variant", action="append", default=[],
                        help="synack's variant flag (-4, -6, "
                             "--ipv4-mapped); default: every variant")
    parser.add_argument("--keep", action="store_true",
                        help="keep the mutants' directory")
    parser.add_argument("root")
    parser.add_argument("scripts", nargs="+")
    args = parser.parse_args()

    root = os.path.realpath(args.root)
    tmp = tempfile.mkdtemp(prefix="synack-mutants-")
    work = os.path.join(tmp, "root")
    try:
        shutil.copytree(root, work)
        for dirpath, _, files in os.walk(work):
            for name in files:
                if name.endswith(".pkt"):
                    os.unlink(os.path.join(dirpath, name))
        mutants = {}  # path -> (script, line, what, mutated line)
        for script in args.scripts:
            script = os.path.realpath(script)
            rel = os.path.relpath(os.path.dirname(script), root)
            out = subprocess.run(
                [args.mutate, script, os.path.join(work, rel)],
                capture_output=True, text=True)
            if out.returncode != 0:
                sys.stderr.write(out.stderr)
                return 2
            for row in out.stdout.splitlines():
                path, line, what = row.split("\t", 2)
                mutants[path] = (os.path.relpath(script, root), int(line),
                                 what, mutated_line(path))
        # The TAP file names a run by the end of its path.
        by_tail = {}
        for path in mutants:
            parts = path.split(os.sep)
            for n in range(1, len(parts) + 1):
                by_tail.setdefault(os.sep.join(parts[-n:]), []).append(path)

        def mutant_of(label):
            candidates = by_tail.get(label, by_tail.get(label.lstrip(os.sep), []))
            return candidates[0] if len(candidates) == 1 else None

        def failed_before(passed, line, path):
            at = mutants[path][3]
            return not passed and line != at and (line is None or at is None
                                                  or line < at)

        results = run_suite(args, [work], os.path.join(tmp, "tap"))
        # A run that failed before its mutated line (a timing miss on a busy
        # machine, most often) runs once more, two at a time: what fails again is
        # not counted.
        before = [label for (label, _), (passed, line, _) in results.items()
                  if mutant_of(label) and
                  failed_before(passed, line, mutant_of(label))]
        again = sorted({mutant_of(label) for label in before})
        first_runs_before, first_inconclusive = len(before), len(again)
        if again:
            rerun = run_suite(args, again, os.path.join(tmp, "tap-again"),
                              jobs="2")
            key_of = {(mutant_of(label), variant): (label, variant)
                      for (label, variant) in results}
            for (label, variant), result in rerun.items():
                key = key_of.get((mutant_of(label), variant))
                if key:
                    results[key] = result

        killed = elsewhere = 0
        survivors, unexplained, far, inconclusive = [], [], [], []
        matched = 0
        for (label, variant), (passed, line, text) in sorted(results.items()):
            path = mutant_of(label)
            if path is None:
                continue
            matched += 1
            script, orig_line, what, at = mutants[path]
            name = "%s:%d (%s): %s" % (script, orig_line, variant, what)
            if passed:
                why = explained(what)
                survivors.append(name + ("  [explained: %s]" % why if why
                                         else ""))
                if not why:
                    unexplained.append(name)
            elif line == at:
                killed += 1
            else:
                errors = [l for l in text.splitlines() if "error:" in l]
                first = errors[0] if errors else "?"
                if line is None or at is None or line < at:
                    # Failed before the mutated line (a set-up command, a
                    # timing miss on a busy machine): it says nothing of the
                    # mutation.
                    inconclusive.append("%s\n    %s" % (name, first))
                else:
                    elsewhere += 1
                    far.append("%s\n    %s" % (name, first))
        total = matched
        ran = {path for (label, _) in results
               for path in by_tail.get(label, [])}
        if total == 0 or len(ran) < len(mutants):
            print("error: %d runs reported for %d mutants, %d of them not "
                  "run (a variant flag that excludes them?)" %
                  (total, len(mutants), len(mutants) - len(ran)))
            return 2
        countable = (total - (len(survivors) - len(unexplained)) -
                     len(inconclusive))
        score = 100.0 * (killed + elsewhere) / countable if countable else 100
        print("mutants: %d runs of %d mutants of %d scripts on %s" %
              (total, len(mutants), len(args.scripts), args.backend))
        print("killed at the mutated line: %d; killed at a later line: %d; "
              "survived: %d (%d explained)" %
              (killed, elsewhere, len(survivors),
               len(survivors) - len(unexplained)))
        print("failed before the mutated line (not counted): %d (at first "
              "%d runs of %d mutants, which ran again, two at a time)" %
              (len(inconclusive), first_runs_before, first_inconclusive))
        print("mutation score: %.1f %% (explained survivors not counted)" %
              score)
        if survivors:
            print("\nsurvivors:")
            for name in survivors:
                print("  " + name)
        if far:
            print("\nkilled at a later line than the mutated one:")
            for name in far:
                print("  " + name)
        if inconclusive:
            print("\nfailed before the mutated line (not counted):")
            for name in inconclusive:
                print("  " + name)
        # Mutants that fail before their line prove nothing: when many do,
        # something breaks the runs themselves and the score means little.
        if len(inconclusive) * 20 > total:
            print("\nerror: more than 5 % of the runs failed before their "
                  "mutated line")
            return 1
        return 1 if unexplained else 0
    finally:
        if args.keep:
            print("mutants kept in " + tmp)
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

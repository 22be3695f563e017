#!/usr/bin/env python3
"""Runs packetdrill's corpus with synack on the kernel and compares the
verdicts with BASELINE.md (what packetdrill itself gets on this kind of
machine).

A script that BASELINE.md marks OK and fails is run once more (a timing miss
on a busy machine); it fails the suite only when it fails twice in a row.
Retries are counted and reported. Scripts that packetdrill fails are reported
when synack passes them, but do not fail the suite.
"""

import argparse
import collections
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

VARIANTS = [("ipv4", "-4"), ("ipv6", "-6"), ("ipv4-mapped-ipv6", "--ipv4-mapped")]
BASELINE_COLUMNS = {"ipv4": 1, "ipv6": 2, "ipv4-mapped-ipv6": 3}
RESULT_LINE = re.compile(r"^(ok|FAIL|ERROR|TIMEOUT)\s+(\S+) \((\S+)\) ([0-9.]+) s$")


def read_baseline(path):
    """{(script, variant): 'OK'|'FAIL'} from the BASELINE.md table."""
    baseline = {}
    with open(path) as f:
        for line in f:
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if len(cells) != 4 or not cells[0].endswith(".pkt"):
                continue
            for variant, column in BASELINE_COLUMNS.items():
                if cells[column] in ("OK", "FAIL"):
                    baseline[(cells[0], variant)] = cells[column]
    return baseline


def run_synack(synack, corpus, flag, paths, timeout):
    """Runs synack on paths (relative to corpus); {(script, variant): word}."""
    cmd = [synack, "run", flag, "--timeout=%d" % timeout]
    cmd += [os.path.join(corpus, p) for p in paths]
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True)
    results = {}
    for line in proc.stdout.splitlines():
        m = RESULT_LINE.match(line)
        if m:
            script = os.path.relpath(m.group(2), corpus)
            results[(script, m.group(3))] = (m.group(1), float(m.group(4)))
    return results, proc.stderr


def prepare_corpus(corpus):
    """A writable copy of the corpus's parent with its symlinks restored.

    packetdrill's repository has tcp/common/defaults.sh as a symlink to
    ../../common/defaults.sh; a copy made without symlink support holds a
    one-line text file naming the target instead. The copy gets the real
    symlink back so the scripts' init commands work as they do in
    packetdrill's checkout. Returns (temporary root, the corpus inside it).
    """
    corpus = os.path.abspath(corpus)
    parent = os.path.dirname(corpus)
    root = tempfile.mkdtemp(prefix="synack-corpus-")
    copy = os.path.join(root, os.path.basename(parent))
    shutil.copytree(parent, copy, symlinks=True)
    for dirpath, _, filenames in os.walk(copy):
        for name in filenames:
            path = os.path.join(dirpath, name)
            os.chmod(path, os.stat(path).st_mode | 0o200)
            if os.path.islink(path) or os.path.getsize(path) > 256:
                continue
            with open(path, "rb") as f:
                content = f.read()
            if b"\n" in content or not content.startswith(b"."):
                continue
            target = content.decode("ascii", "replace")
            if os.path.exists(os.path.join(dirpath, target)):
                os.remove(path)
                os.symlink(target, path)
    return root, os.path.join(copy, os.path.relpath(corpus, parent))


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--synack", required=True)
    parser.add_argument("--corpus", required=True)
    parser.add_argument("--baseline", required=True)
    parser.add_argument("--timeout", type=int, default=120)
    parser.add_argument("--variants", default="ipv4,ipv6,ipv4-mapped-ipv6")
    parser.add_argument("--report-only", action="store_true",
                        help="print the comparison but always exit 0")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args()

    baseline = read_baseline(args.baseline)
    temp_root, args.corpus = prepare_corpus(args.corpus)
    wanted = args.variants.split(",")
    exit_status = 0
    start = time.time()
    for variant, flag in VARIANTS:
        if variant not in wanted:
            continue
        scripts = sorted({s for (s, v) in baseline if v == variant})
        t0 = time.time()
        results, stderr = run_synack(args.synack, args.corpus, flag, scripts,
                                     args.timeout)
        elapsed = time.time() - t0
        missing = [s for s in scripts if (s, variant) not in results]
        if missing:
            print("%s: no verdict for %d scripts, e.g. %s" %
                  (variant, len(missing), missing[0]))
            print(stderr[-4000:])
            exit_status = 1
        expected_ok = [s for s in scripts if baseline[(s, variant)] == "OK"]
        first_fail = [s for s in expected_ok
                      if results.get((s, variant), ("?",))[0] != "ok"]
        retried = {}
        if first_fail:
            retried, _ = run_synack(args.synack, args.corpus, flag, first_fail,
                                    args.timeout)
        regressions = [s for s in first_fail
                       if retried.get((s, variant), ("?",))[0] != "ok"]
        passed = sum(1 for s in scripts
                     if results.get((s, variant), ("?",))[0] == "ok"
                     or s in first_fail and s not in regressions)
        beyond = [s for s in scripts if baseline[(s, variant)] == "FAIL"
                  and results.get((s, variant), ("?",))[0] == "ok"]
        print("%s: %d of %d scripts passed (packetdrill: %d), %d retried, "
              "%d OK-in-baseline failed twice, %.1f s" %
              (variant, passed, len(scripts), len(expected_ok),
               len(first_fail), len(regressions), elapsed))
        for s in first_fail:
            print("  retried: %s -> %s" % (s, "ok" if s not in regressions
                                            else "FAIL again"))
        for s in beyond:
            print("  passes here, fails for packetdrill: %s" % s)
        if regressions:
            exit_status = 1
            if args.verbose:
                print(stderr[-20000:])
    print("corpus: %.1f s in all" % (time.time() - start))
    shutil.rmtree(temp_root, ignore_errors=True)
    return 0 if args.report_only else exit_status


if __name__ == "__main__":
    sys.exit(main())

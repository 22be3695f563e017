#!/usr/bin/env python3
"""Runs packetdrill's corpus with synack on the kernel and compares the
verdicts with BASELINE.md (what packetdrill itself gets on this kind of
machine).

All the variants asked for run in one `synack run`, several scripts at once
(synack's -j), with the verdicts read back from its JUnit report; synack
itself runs a run that failed on timing again, alone (--timing-retries). A
script that BASELINE.md marks OK and still fails is run once more, alone, in
a `synack run` of its own; it fails the suite only when that fails too.
Retries are counted and reported. Scripts that packetdrill fails are
reported when synack passes them, but do not fail the suite.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET

VARIANTS = [("ipv4", "-4"), ("ipv6", "-6"), ("ipv4-mapped-ipv6", "--ipv4-mapped")]
BASELINE_COLUMNS = {"ipv4": 1, "ipv6": 2, "ipv4-mapped-ipv6": 3}
# A JUnit testcase's name: "close-on-syn-sent.pkt (ipv4)".
CASE_NAME = re.compile(r"^(.*) \(([a-z0-9-]+)\)$")


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


def read_junit(path, corpus):
    """{(script relative to corpus, variant): (verdict, seconds, text)}."""
    results = {}
    for case in ET.parse(path).getroot().iter("testcase"):
        m = CASE_NAME.match(case.get("name", ""))
        if not m:
            continue
        script = os.path.relpath(case.get("file"), corpus)
        verdict, text = "ok", ""
        for tag in ("failure", "error", "skipped"):
            element = case.find(tag)
            if element is not None:
                verdict = element.get("type") or tag.upper()
                text = element.text or element.get("message") or ""
        results[(script, m.group(2))] = (verdict, float(case.get("time", 0)),
                                         text)
    return results


def run_synack(synack, corpus, flags, paths, timeout, jobs=None):
    """Runs synack on paths (relative to corpus); (results, wall seconds)."""
    fd, junit = tempfile.mkstemp(prefix="synack-corpus-", suffix=".xml")
    os.close(fd)
    cmd = [synack, "run", "--timeout=%d" % timeout, "--junit=" + junit]
    if jobs:
        cmd.append("-j%d" % jobs)
    cmd += flags + [os.path.join(corpus, p) for p in paths]
    start = time.time()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    elapsed = time.time() - start
    try:
        results = read_junit(junit, corpus)
    except (ET.ParseError, OSError) as e:
        print("cannot read synack's JUnit report: %s" % e)
        results = {}
    os.remove(junit)
    return results, elapsed


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
        # A read-only checkout's modes came along: only root could edit.
        os.chmod(dirpath, os.stat(dirpath).st_mode | 0o700)
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
    parser.add_argument("-j", "--jobs", type=int, default=None,
                        help="runs at once (default: synack's default)")
    parser.add_argument("--report-only", action="store_true",
                        help="print the comparison but always exit 0")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args()

    start = time.time()
    baseline = read_baseline(args.baseline)
    temp_root, args.corpus = prepare_corpus(args.corpus)
    wanted = args.variants.split(",")
    flags = [flag for variant, flag in VARIANTS if variant in wanted]
    scripts = sorted({s for (s, v) in baseline if v in wanted})

    results, elapsed = run_synack(args.synack, args.corpus, flags, scripts,
                                  args.timeout, args.jobs)
    print("corpus: %d runs in %.1f s (%s)" %
          (len(results), elapsed, ", ".join(v for v, _ in VARIANTS
                                             if v in wanted)))
    exit_status = 0
    retries = 0
    for variant, flag in VARIANTS:
        if variant not in wanted:
            continue
        runs = sorted(s for (s, v) in baseline if v == variant)
        missing = [s for s in runs if (s, variant) not in results]
        if missing:
            print("%s: no verdict for %d scripts, e.g. %s" %
                  (variant, len(missing), missing[0]))
            exit_status = 1
        expected_ok = [s for s in runs if baseline[(s, variant)] == "OK"]
        first_fail = [s for s in expected_ok
                      if results.get((s, variant), ("?",))[0] != "ok"]
        # Each retry alone: no other script loads the machine meanwhile.
        retried = {}
        for s in first_fail:
            again, _ = run_synack(args.synack, args.corpus, [flag], [s],
                                  args.timeout, 1)
            retried.update(again)
        retries += len(first_fail)
        regressions = [s for s in first_fail
                       if retried.get((s, variant), ("?",))[0] != "ok"]
        passed = sum(1 for s in runs
                     if results.get((s, variant), ("?",))[0] == "ok"
                     or s in first_fail and s not in regressions)
        beyond = [s for s in runs if baseline[(s, variant)] == "FAIL"
                  and results.get((s, variant), ("?",))[0] == "ok"]
        print("%s: %d of %d scripts passed (packetdrill: %d), %d retried, "
              "%d OK-in-baseline failed twice" %
              (variant, passed, len(runs), len(expected_ok),
               len(first_fail), len(regressions)))
        for s in first_fail:
            print("  retried: %s -> %s" % (s, "ok" if s not in regressions
                                            else "FAIL again"))
            if args.verbose and s in regressions:
                text = retried.get((s, variant), ("", 0, ""))[2]
                print("    " + text.strip().replace("\n", "\n    "))
        for s in beyond:
            print("  passes here, fails for packetdrill: %s" % s)
        if regressions:
            exit_status = 1
    print("corpus: %d retried; %.1f s in all" % (retries, time.time() - start))
    shutil.rmtree(temp_root, ignore_errors=True)
    return 0 if args.report_only else exit_status


if __name__ == "__main__":
    sys.exit(main())

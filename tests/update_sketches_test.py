#!/usr/bin/env python3
"""synack run --update turns sketches into scripts that pass.

Each script named is copied into a temporary directory with its outbound
TCP lines blanked to their flags (`+0 > S. 0:0(0) ack 1 <...>` becomes
`+0 > S.`, a trailing comment kept). `synack run --update` must fill it in
so that a plain run passes, and a second --update must change nothing (a
fixed point). Prints one line per sketch and how many reached a passing
fixed point; all must.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

# An outbound TCP line: time, `>`, ports if written, flags, a segment, the
# rest up to an optional comment. Lines with IP fields or encapsulation
# stay as written.
OUTBOUND = re.compile(
    r'^(?P<head>\s*\S+\s+>\s+(\d+>\d+\s+)?)(?P<flags>[FSRPUEWA.]+|-)\s+'
    r'\d+:\d+\(\d+\)[^/]*?(?P<comment>\s*//.*)?$')


# A line as sketch() leaves an outbound line: time, `>`, ports, flags.
SKETCHED = re.compile(r'^\s*\S+\s+>\s+(\d+>\d+\s+)?[FSRPUEWA.-]+\s*(//.*)?$')


def sketch(text):
    """The script with its plain outbound lines cut to their flags."""
    lines, blanked = [], 0
    for line in text.split('\n'):
        match = OUTBOUND.match(line)
        if match:
            line = match['head'] + match['flags'] + (match['comment'] or '')
            blanked += 1
        lines.append(line)
    return '\n'.join(lines), blanked


def unchanged_lines_kept(sketch_text, updated):
    """'' when --update kept the sketch's layout: every line but the
    sketched ones (which it fills in) is in the updated text byte for byte
    and in order (comments, blank lines, spacing, the lines it had no
    reason to change)."""
    import difflib
    old, new = sketch_text.split('\n'), updated.split('\n')
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for tag, i1, i2, _, _ in matcher.get_opcodes():
        if tag in ('replace', 'delete'):
            for line in old[i1:i2]:
                if not SKETCHED.match(line):
                    return 'a line not sketched changed: ' + repr(line) + \
                        '\n' + updated
    return ''


def synack(args, binary, backend, path):
    return subprocess.run([binary, 'run', '--backend=' + backend, *args, path],
                          capture_output=True, text=True, timeout=600)


def try_sketch(source, temp, synack_bin, backend):
    """Sketches `source` into `temp` and updates it; a failure's text, or ''."""
    with open(source) as f:
        text, blanked = sketch(f.read())
    name = os.path.basename(os.path.dirname(source)) + '-' + \
        os.path.basename(source)
    path = os.path.join(temp, name)
    with open(path, 'w') as f:
        f.write(text)

    def output(run):
        return '\n' + run.stdout + run.stderr

    if blanked == 0:
        return 'no outbound line to blank'
    first = synack(['--update'], synack_bin, backend, path)
    if first.returncode != 0:
        return 'the first --update failed' + output(first)
    with open(path) as f:
        updated = f.read()
    if updated == text:
        return '--update wrote nothing'
    if re.search(r'>\s+(\d+>\d+\s+)?[FSRPUEWA.-]+\s*(//.*)?$', updated,
                 re.MULTILINE):
        return 'a sketch is left' + '\n' + updated
    kept = unchanged_lines_kept(text, updated)
    if kept:
        return kept
    plain = synack([], synack_bin, backend, path)
    if plain.returncode != 0:
        return 'the updated script fails' + output(plain)
    again = synack(['--update'], synack_bin, backend, path)
    with open(path) as f:
        if again.returncode != 0 or f.read() != updated:
            return 'a second --update changed the script' + output(again)
    print(f'ok   {name}: {blanked} lines filled in', flush=True)
    return ''


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--synack', required=True)
    parser.add_argument('--backend', default='stack')
    parser.add_argument('--attempts', type=int, default=1)
    parser.add_argument('scripts', nargs='+')
    options = parser.parse_args()
    synack_bin = os.path.abspath(options.synack)
    failures = []
    with tempfile.TemporaryDirectory(prefix='synack-update-') as temp:
        for source in options.scripts:
            # On the kernel a sketch is tried again once from the start: its
            # runs are real time, and a loaded machine can make any one of
            # them late, as synack's own suites run a timing failure again.
            for attempt in range(options.attempts):
                why = try_sketch(source, temp, synack_bin, options.backend)
                if not why:
                    break
                print(f'attempt {attempt + 1} of {source}: {why}', flush=True)
            if why:
                failures.append(source)
        passed = len(options.scripts) - len(failures)
        print(f'{passed} of {len(options.scripts)} sketches reach a passing '
              f'fixed point on the {options.backend}')
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())

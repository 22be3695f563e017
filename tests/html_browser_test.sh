#!/bin/sh
# The HTML report as a browser shows it: headless Chromium loads the page of
# a suite with one failing and one passing run (on the own stack), the
# page's own script reads what was drawn into the DOM (which ladder row is
# marked and in what colour, whether the rows go down in time order, the
# runs shown), and the DOM Chromium dumps must say: line 4 marked, in red,
# time going down, one failed and one passed.
# Without chromium: skipped (77), except where SYNACK_REQUIRE_ROOT_TESTS=1
# (test.sh, whose tools/install-deps installs it): there it fails.
set -u
synack=$(realpath "$1")
golden=$2
browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
  if [ "${SYNACK_REQUIRE_ROOT_TESTS:-0}" = 1 ]; then
    echo "FAIL: no chromium (tools/install-deps installs it), and" \
      "SYNACK_REQUIRE_ROOT_TESTS=1 forbids skipping" >&2
    exit 1
  fi
  echo "skipped: no chromium" >&2
  exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM HUP

(cd "$golden" && "$synack" run --backend=stack -4 -j 1 --html="$tmp/html" \
  suite/fail.pkt suite/pass.pkt) >"$tmp/run.out" 2>&1
if [ $? -ne 1 ]; then
  echo "FAIL: synack run did not exit 1:"
  cat "$tmp/run.out"
  exit 1
fi
# As root Chromium runs only without its sandbox; its profile goes in the
# temporary directory. The dump comes after the page's load, its script run.
# The timeout only bounds a browser that hangs: a loaded machine may take
# its time.
timeout 300 "$browser" --headless --no-sandbox --disable-gpu \
  --disable-dev-shm-usage --no-first-run --user-data-dir="$tmp/profile" \
  --dump-dom "file://$tmp/html/index.html" >"$tmp/dom.html" 2>"$tmp/browser.log"
status=$?
if [ $status -ne 0 ] || [ ! -s "$tmp/dom.html" ]; then
  echo "FAIL: chromium exited $status with no page:"
  cat "$tmp/browser.log"
  exit 1
fi
python3 - "$tmp/dom.html" <<'PY'
import sys
from html.parser import HTMLParser

class Shown(HTMLParser):
    def __init__(self):
        super().__init__()
        self.index = []     # the index's items, as the page's script made them
        self.counts = {}
        self.index_hidden = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "li" and "data-run" in attrs:
            self.index.append(attrs)
        elif tag == "p" and attrs.get("id") == "counts":
            self.counts = attrs
        elif tag == "nav" and attrs.get("id") == "index":
            self.index_hidden = "hidden" in attrs

page = Shown()
page.feed(open(sys.argv[1], encoding="utf-8").read())
failures = []
def expect(what, got, want):
    if got != want:
        failures.append(f"{what}: {got!r}, expected {want!r}")

expect("the index is shown", page.index_hidden, False)
expect("failing runs in the index", [i.get("data-run") for i in page.index],
       ["run-1"])
if page.index:
    item = page.index[0]
    expect("the marked row's line", item.get("data-marked"), "4")
    expect("the marked row's colour", item.get("data-stroke"), "rgb(204, 0, 0)")
    expect("rows go down in time order", item.get("data-time-goes-down"), "yes")
expect("failed runs shown", page.counts.get("data-shown-failed"), "1")
expect("passed runs shown", page.counts.get("data-shown-passed"), "1")
expect("failed runs counted", page.counts.get("data-failed"), "1")
for failure in failures:
    print("FAIL", failure)
sys.exit(1 if failures else 0)
PY

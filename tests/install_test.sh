#!/bin/sh
# `cmake --install` of a build into a temporary prefix gives bin/synack, which
# runs, and share/man/man1/synack.1, which groff renders without a warning;
# `cpack -G DEB` gives a .deb holding both, depending on the packages of the
# libraries synack links. Usage: install_test.sh BUILD_DIR
set -u
build=$1
failures=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM HUP
fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}

# --- cmake --install
cmake --install "$build" --prefix "$tmp/prefix" >"$tmp/install.log" 2>&1 ||
  { cat "$tmp/install.log"; fail "cmake --install"; }
for f in bin/synack share/man/man1/synack.1 share/synack/cmake/synack-config.cmake \
         share/synack/cmake/SynackTests.cmake; do
  [ -f "$tmp/prefix/$f" ] || fail "$f not installed"
done
if "$tmp/prefix/bin/synack" help run >"$tmp/help.out" 2>&1; then
  grep -q '^Usage: synack run' "$tmp/help.out" ||
    fail "the installed synack's 'help run' is not the run page"
else
  fail "the installed synack's 'help run' failed"
  cat "$tmp/help.out"
fi

# --- the man page: what man(1) runs, with every warning on
page=$tmp/prefix/share/man/man1/synack.1
groff -ww -z -Tutf8 -man "$page" >"$tmp/groff.out" 2>&1 ||
  fail "groff failed on synack.1"
if [ -s "$tmp/groff.out" ]; then
  fail "groff warns on synack.1:"
  cat "$tmp/groff.out"
fi
# Rendered, it holds what `synack help run` holds (an option of its page;
# the dashes are rendered as minus signs).
groff -Tutf8 -man -P-cbou "$page" 2>/dev/null >"$tmp/man.txt"
grep -q 'timeout=SECONDS' "$tmp/man.txt" ||
  fail "the rendered man page lacks the run page's --timeout"
grep -q 'SYNOPSIS' "$tmp/man.txt" || fail "the rendered man page has no SYNOPSIS"

# --- the Debian package
cpack -G DEB --config "$build/CPackConfig.cmake" -B "$tmp/deb" \
  >"$tmp/cpack.log" 2>&1 || { cat "$tmp/cpack.log"; fail "cpack -G DEB"; }
deb=$(ls "$tmp"/deb/*.deb 2>/dev/null | head -n 1)
if [ -z "$deb" ]; then
  fail "cpack made no .deb"
else
  dpkg-deb -c "$deb" >"$tmp/contents" || fail "dpkg-deb -c $deb"
  for f in ./usr/bin/synack ./usr/share/man/man1/synack.1 \
           ./usr/share/synack/cmake/SynackTests.cmake; do
    grep -q " $f\$" "$tmp/contents" || fail "the .deb lacks $f"
  done
  depends=$(dpkg-deb -f "$deb" Depends)
  echo "Depends: $depends"
  for p in libpcap0.8 libnet1 libre2-; do
    echo "$depends" | grep -q "$p" || fail "the .deb does not depend on $p"
  done
fi

[ "$failures" -eq 0 ] || exit 1
echo "ok: installed, man page clean, .deb $(basename "$deb")"

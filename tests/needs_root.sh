#!/bin/sh
# Runs a kernel test's command as root. Not root: exit 77 (ctest's skip), or
# fail when SYNACK_REQUIRE_ROOT_TESTS=1, so CI never passes untested.
if [ "$(id -u)" -ne 0 ]; then
  if [ "${SYNACK_REQUIRE_ROOT_TESTS:-0}" = 1 ]; then
    echo "kernel tests need root, and SYNACK_REQUIRE_ROOT_TESTS=1 forbids skipping them" >&2
    exit 1
  fi
  echo "skipped: kernel tests need root" >&2
  exit 77
fi
exec "$@"

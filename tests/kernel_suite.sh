#!/bin/sh
# Runs every script under DIR with synack on the kernel, in all its variants.
# Not root: exit 77 (ctest's skip), or fail when SYNACK_REQUIRE_ROOT_TESTS=1.
set -u
synack=$1
dir=$2
if [ "$(id -u)" -ne 0 ]; then
  if [ "${SYNACK_REQUIRE_ROOT_TESTS:-0}" = 1 ]; then
    echo "kernel tests need root, and SYNACK_REQUIRE_ROOT_TESTS=1 forbids skipping them" >&2
    exit 1
  fi
  echo "skipped: kernel tests need root" >&2
  exit 77
fi
exec "$synack" run "$dir"

#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Runs a GoogleTest binary as an unprivileged user (nobody, via setpriv), for the cases that skip
# themselves as root (transfer_fs.permission_errors_surface: root ignores directory permissions).
# Passes only when every selected test ran and passed: a skip counts as a failure here, since
# not being root is the point. No sockets are opened, so no namespace is needed.
# Usage: as_nobody.sh GTEST_BINARY [GTEST_ARGS...]
# Exit 0 pass, 1 fail, 77 skip (cannot switch to nobody, or nobody cannot execute the binary).
set -uo pipefail
bin=$(realpath "$1")
shift
run=()
if [ "$(id -u)" -eq 0 ]; then
  command -v setpriv >/dev/null || { echo "SKIP: setpriv (util-linux) not found" >&2; exit 77; }
  run=(setpriv --reuid=65534 --regid=65534 --clear-groups)
  "${run[@]}" test -x "$bin" || { echo "SKIP: uid 65534 cannot execute $bin (a private directory on the way?)" >&2; exit 77; }
fi
tmp=$(mktemp -d /tmp/pcp-nobody.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
chmod 0777 "$tmp"
out=$(TMPDIR=$tmp timeout 120 "${run[@]}" "$bin" "$@" 2>&1)
rc=$?
printf '%s\n' "$out" | grep -E '^\[ *(OK|FAILED|SKIPPED|PASSED) *\]'
if [ "$rc" -ne 0 ]; then
  echo "not ok - $(basename "$bin") unprivileged: exit $rc"
  exit 1
fi
if grep -q '^\[  SKIPPED \]' <<<"$out"; then
  echo "not ok - a test skipped itself although it ran unprivileged"
  exit 1
fi
grep -Eq '^\[  PASSED  \] [1-9]' <<<"$out" || { echo "not ok - no test ran"; exit 1; }
echo "ok - $(basename "$bin") passed unprivileged, nothing skipped"

#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `make demo`: runs pcp on an embedded default inside a network namespace of its own (only `lo`),
# so nothing leaves the machine. Until `pcp send`/`pcp receive` land, this is the engine's
# loopback demo: 1 GiB over TCP 127.0.0.1 through the per-core io_uring runtime.
set -euo pipefail
pcp="${1:-build/release/pcp}"
cd "$(dirname "$0")/.."

if [ "$(id -u)" -ne 0 ] && ! unshare -rn true 2>/dev/null; then
  echo "demo: needs root or unprivileged user namespaces to create a network namespace" >&2
  exit 1
fi
ns_flags=(-n)
[ "$(id -u)" -ne 0 ] && ns_flags=(-rn)

echo "demo: kernel $(uname -r); running inside a new network namespace (only lo)"
unshare "${ns_flags[@]}" bash -c '
  set -euo pipefail
  ip link set lo up
  "$0" doctor
  echo
  echo "$ pcp selftest loopback --bytes 1073741824"
  "$0" selftest loopback --bytes 1073741824
' "$pcp"

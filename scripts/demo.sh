#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `make demo`: runs pcp on an embedded default inside a network namespace of its own (only `lo`),
# so nothing leaves the machine. `pcp send`/`pcp receive` do not exist yet, so the demo shows what
# does: a libp2p node and a ping to it over TCP + Noise + yamux, then the engine's loopback
# throughput (1 GiB over TCP 127.0.0.1 through the per-core io_uring runtime).
set -euo pipefail
pcp="${1:-build/release/pcp}"
cd "$(dirname "$0")/.."

ns_flags=(-n)
if [ "$(id -u)" -ne 0 ]; then
  ns_flags=(-r -n)
  unshare "${ns_flags[@]}" true 2>/dev/null || {
    echo "demo: needs root or unprivileged user namespaces to create a network namespace" >&2
    exit 1
  }
fi

echo "demo: kernel $(uname -r); everything below runs in a new network namespace with only lo"
unshare "${ns_flags[@]}" bash -c '
  set -euo pipefail
  pcp="$0"
  ip link set lo up
  "$pcp" doctor
  echo
  out=$(mktemp)
  trap "kill \$node 2>/dev/null; wait \$node 2>/dev/null; rm -f $out" EXIT
  echo "$ pcp node --listen /ip4/127.0.0.1/tcp/0 &"
  "$pcp" node --listen /ip4/127.0.0.1/tcp/0 >"$out" &
  node=$!
  for _ in $(seq 1 50); do grep -q "/p2p/" "$out" && break; sleep 0.1; done
  cat "$out"
  addr=$(grep -m1 -o "/ip4/[^ ]*/p2p/[A-Za-z0-9]*" "$out")
  echo
  echo "$ pcp ping -c 3 $addr"
  "$pcp" ping -c 3 "$addr"
  kill -INT $node; wait $node || true
  echo
  echo "$ pcp selftest loopback --bytes 1073741824"
  "$pcp" selftest loopback --bytes 1073741824
' "$pcp"

#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `make demo`: a real `pcp send` and `pcp receive` of a generated sample (a 512 MiB file and a
# small folder) on this machine, inside a network namespace of its own with only `lo`, so nothing
# leaves the machine. Discovery is mDNS on lo; the output shows what a user sees, then the rate.
set -euo pipefail
pcp=$(realpath "${1:-build/release/pcp}")
cd "$(dirname "$0")/.."

ns_flags=(-n)
if [ "$(id -u)" -ne 0 ]; then
  ns_flags=(-r -n)
  unshare "${ns_flags[@]}" true 2>/dev/null || {
    echo "demo: needs root or unprivileged user namespaces to create a network namespace" >&2
    exit 1
  }
fi

work=$(mktemp -d /tmp/pcp-demo.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/sample/photos" "$work/received"
head -c $((512 * 1024 * 1024)) /dev/urandom >"$work/sample/video.bin"
for i in $(seq 1 20); do head -c $((i * 1000)) /dev/urandom >"$work/sample/photos/img-$i.jpg"; done
echo "pcp demo: sending $work/sample (512 MiB file + 20 small files) to $work/received"
echo "          kernel $(uname -r); both ends run in a new network namespace with only lo"
echo

unshare "${ns_flags[@]}" bash -c '
  set -euo pipefail
  pcp="$1"; work="$2"
  trap "kill \$(jobs -p) 2>/dev/null || true" EXIT
  ip link set lo multicast on up                        # mDNS needs a multicast-capable lo
  ip route add 224.0.0.0/4 dev lo 2>/dev/null || true
  echo "$ pcp send $work/sample"
  "$pcp" send "$work/sample" 2>"$work/send.err" &
  sender=$!
  for _ in $(seq 1 100); do grep -q "pcp receive" "$work/send.err" 2>/dev/null && break; sleep 0.1; done
  sed "s/^/  | /" "$work/send.err"
  code=$(grep -m1 -o "pcp receive [a-z-]*" "$work/send.err" | cut -d" " -f3)
  echo
  echo "$ pcp receive --yes -o $work/received $code"
  start=$(date +%s.%N)
  rc=0
  "$pcp" receive --yes -o "$work/received" "$code" 2>&1 | sed "s/^/  | /" || rc=$?
  end=$(date +%s.%N)
  if [ "$rc" -ne 0 ]; then
    kill $sender 2>/dev/null || true
    echo "demo: FAILED: pcp receive exited $rc" >&2
    exit 1
  fi
  wait $sender
  echo
  sed "1,/pcp receive/d" "$work/send.err" | grep -v "^\s*$" | sed "s/^/  sender | /" || true
  if diff -r "$work/sample" "$work/received/sample" >/dev/null; then
    awk -v a="$start" -v b="$end" "BEGIN { printf \"demo: all files arrived intact; receive took %.2f s (%.0f MB/s for 512 MiB, discovery and setup included)\n\", b - a, 536870912 / (b - a) / 1e6 }"
  else
    echo "demo: FAILED: the received files differ" >&2
    exit 1
  fi
' demo "$pcp" "$work"

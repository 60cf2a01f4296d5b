#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# pcp send → pcp receive of one file over loopback inside a private namespace (mDNS on lo),
# N runs each with the receiver writing to disk and with PCP_BENCH_SINK=discard (data path only).
# Reports the median rate from the receiver's own "done" event (transfer phase, after discovery and
# authentication), in MB/s. A first step toward the issue-5 harness (no scp/iperf3 comparison here).
#   bench/transfer/loopback_throughput.sh [PCP_BINARY] [SIZE_MIB] [RUNS]
set -uo pipefail
pcp=$(realpath "${1:-build/release/pcp}")
mib="${2:-1024}"
runs="${3:-3}"
if [ "${PCP_BENCH_INNER:-}" != "1" ]; then
  flags=(-n); [ "$(id -u)" -eq 0 ] || flags=(-r -n)
  exec unshare "${flags[@]}" env PCP_BENCH_INNER=1 bash "$0" "$@"
fi
ip link set lo multicast on up
ip route add 224.0.0.0/4 dev lo 2>/dev/null || true
work=$(mktemp -d /tmp/pcp-tput.XXXXXX)
trap 'rm -rf "$work"' EXIT
head -c $((mib * 1024 * 1024)) /dev/urandom >"$work/file.bin"
sync
one() { # MODE -> MB/s
  rm -rf "$work/out"; mkdir -p "$work/out"
  "$pcp" send --json "$work/file.bin" >"$work/send.out" 2>/dev/null &
  local s=$! code=""
  for _ in $(seq 1 100); do code=$(grep -m1 '"event":"code"' "$work/send.out" 2>/dev/null | jq -r .words); [ -n "$code" ] && break; sleep 0.05; done
  if [ "$1" = discard ]; then
    PCP_BENCH_SINK=discard "$pcp" receive --json -y -o "$work/out" "$code" >"$work/recv.out" 2>/dev/null
  else
    "$pcp" receive --json -y -o "$work/out" "$code" >"$work/recv.out" 2>/dev/null
  fi
  wait $s
  grep '"event":"done"' "$work/recv.out" | jq -r '.bytes / .seconds / 1e6 | floor'
}
median() { sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
disk=() discard=()
for i in $(seq 1 "$runs"); do
  disk+=("$(one disk)")
  discard+=("$(one discard)")
done
echo "| pcp send/receive ${mib} MiB, loopback, receiver writes to disk | $(printf '%s\n' "${disk[@]}" | median) MB/s | ${disk[*]} |"
echo "| pcp send/receive ${mib} MiB, loopback, PCP_BENCH_SINK=discard | $(printf '%s\n' "${discard[@]}" | median) MB/s | ${discard[*]} |"

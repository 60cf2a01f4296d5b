#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Time from `pcp receive` start to the end of a 1-byte transfer, on a two-namespace LAN (bridge,
# mDNS only), median, p95 (nearest rank) and min–max of N runs (default 7). The sender is started
# first and has printed its code; the clock runs from exec of `pcp receive` to its exit (discovery,
# TCP, Noise, yamux, CPace, offer, data, syncfs). Prints one Markdown table row.
# PCP_LAT_FLAGS: extra options for both sides (e.g. --no-dht); PCP_LAT_RAW=FILE: the times, one a line.
#   bench/transfer/small_latency.sh [PCP_BINARY] [RUNS]
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
pcp=$(realpath "${1:-build/release/pcp}")
runs="${2:-7}"
. "$here/../../tests/netns/netns.sh"
netns_require
work=$(mktemp -d /tmp/pcp-lat.XXXXXX)
netns_defer "rm -rf $work"
netns_lan 10.232.0 || { echo "the two namespaces cannot reach each other" >&2; exit 1; }
printf 'x' >"$work/one-byte"
times=()
for i in $(seq 1 "$runs"); do
  rm -rf "$work/out"; mkdir -p "$work/out"
  netns_bg a "$pcp" send --json ${PCP_LAT_FLAGS:-} "$work/one-byte" >"$work/send.out" 2>/dev/null
  spid=$NETNS_BG_PID
  code=""
  for _ in $(seq 1 100); do
    code=$(grep -m1 '"event":"code"' "$work/send.out" 2>/dev/null | jq -r .words)
    [ -n "$code" ] && break
    sleep 0.05
  done
  sleep 0.3 # let the sender's mDNS announcements settle, as a user typing the code would
  t0=$(date +%s.%N)
  netns_exec b timeout 30 "$pcp" receive -q -y ${PCP_LAT_FLAGS:-} -o "$work/out" "$code"
  rc=$?
  t1=$(date +%s.%N)
  wait "$spid"
  [ "$rc" -eq 0 ] && cmp -s "$work/one-byte" "$work/out/one-byte" || { echo "run $i failed (exit $rc)" >&2; exit 1; }
  times+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')")
done
sorted=$(printf '%s\n' "${times[@]}" | sort -g)
median=$(awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }' <<<"$sorted")
p95=$(awk '{ a[NR] = $1 } END { i = int(0.95 * NR); if (i < 0.95 * NR) i++; print a[i] }' <<<"$sorted")
[ -n "${PCP_LAT_RAW:-}" ] && printf '%s\n' "${times[@]}" >"$PCP_LAT_RAW"
echo "| pcp receive, 1-byte file, two-namespace LAN, mDNS${PCP_LAT_FLAGS:+, $PCP_LAT_FLAGS} | ${median} s | ${p95} s | $(head -1 <<<"$sorted")–$(tail -1 <<<"$sorted") s | ${runs} runs |"

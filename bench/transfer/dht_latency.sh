#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Time from `pcp receive` start to the connection with the sender (peer_found) when the only way to
# find it is a private DHT (issue 6 goal: <= 2 s): three `pcp node --dht-server` seeds in namespace
# d, the sender (--no-mdns) in a, the receiver (--no-mdns) in b, one bridge. The sender is started
# and has provided before each receive starts. Median and min–max of RUNS, plus the full time to
# receive exit for a 1-byte file.
#   bench/transfer/dht_latency.sh [PCP_BINARY] [RUNS]
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
pcp=$(realpath "${1:-build/release/pcp}")
runs="${2:-7}"
. "$here/../../tests/netns/netns.sh"
work=$(mktemp -d /tmp/pcp-dhtlat.XXXXXX)
netns_defer "rm -rf $work"
netns_create a b d
netns_switch_create sw
for ns in a b d; do netns_switch_attach "$ns" eth0 sw; done
netns_addr a eth0 10.233.0.1/24
netns_addr b eth0 10.233.0.2/24
netns_addr d eth0 10.233.0.3/24
netns_reach b 10.233.0.3 2 >/dev/null || { echo "namespaces cannot reach each other" >&2; exit 1; }
wait_line() { local i; for ((i = 0; i < $3; i++)); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.05; done; return 1; }
pids=()
netns_bg d "$pcp" node --dht-server --private-dht --no-mdns --json --listen /ip4/10.233.0.3/tcp/0 >"$work/seed0.out" 2>/dev/null
pids+=("$NETNS_BG_PID")
wait_line "$work/seed0.out" '"event":"listening"' 200 || exit 1
boot=$(grep -m1 '"event":"listening"' "$work/seed0.out" | jq -r '.addrs[0]')
for i in 1 2; do
  netns_bg d "$pcp" node --dht-server --no-mdns --json --listen /ip4/10.233.0.3/tcp/0 --bootstrap "$boot" >"$work/seed$i.out" 2>/dev/null
  pids+=("$NETNS_BG_PID")
  wait_line "$work/seed$i.out" '"event":"dht_bootstrap"' 300
done
netns_defer "kill ${pids[*]} 2>/dev/null"
printf x >"$work/one"
connect=() total=()
for r in $(seq 1 "$runs"); do
  rm -rf "$work/out"; mkdir -p "$work/out"
  netns_bg a "$pcp" send --json --no-mdns --bootstrap "$boot" "$work/one" >"$work/send.out" 2>/dev/null
  spid=$NETNS_BG_PID
  wait_line "$work/send.out" '"event":"dht_provide"' 300 || { echo "run $r: sender did not provide" >&2; kill "$spid"; continue; }
  code=$(grep -m1 '"event":"code"' "$work/send.out" | jq -r .words)
  t0=$(date +%s.%N)
  netns_exec b "$pcp" receive --json --no-mdns --bootstrap "$boot" -y -o "$work/out" "$code" 2>/dev/null |
    while IFS= read -r line; do printf '%s %s\n' "$(date +%s.%N)" "$line"; done >"$work/recv.out"
  t1=$(date +%s.%N)
  wait "$spid"
  found=$(grep -m1 '"event":"peer_found"' "$work/recv.out")
  [ -n "$found" ] || { echo "run $r: no peer_found" >&2; continue; }
  connect+=("$(awk -v a="$t0" -v b="${found%% *}" 'BEGIN{printf "%.3f", b-a}')")
  total+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.3f", b-a}')")
done
stats() { sort -g | awk '{a[NR]=$1} END {if (NR==0) {print "n/a"; exit} m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "median %.3f s (min %.3f, max %.3f, n=%d)", m, a[1], a[NR], NR}'; }
echo "DHT-only discovery on a private DHT of 3 pcp nodes, namespaces on a bridge, load $(cut -d' ' -f1-3 /proc/loadavg):"
echo "  receive start -> connected: $(printf '%s\n' "${connect[@]}" | stats)"
echo "  receive start -> exit (1-byte file): $(printf '%s\n' "${total[@]}" | stats)"

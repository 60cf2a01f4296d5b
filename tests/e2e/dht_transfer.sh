#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# End to end across "networks" with the DHT only (issue 6): a private DHT of three
# `pcp node --dht-server` processes in namespace d; `pcp send --no-mdns --bootstrap …` in namespace a
# and `pcp receive --no-mdns --bootstrap …` in namespace b, all on one bridge. mDNS is off on both
# ends, so the only way the receiver can find the sender is the provider record. Checks:
#   1. the seed nodes form a DHT (each later node's routing table has the others);
#   2. send provides the discovery key; receive finds it (peer_found via dht), transfers a 16 MiB
#      file + a small tree byte-identical, both exit 0; time from receive start to the connection
#      is printed (bench/transfer/dht_latency.sh records it in docs/benchmarks.md);
#   3. a wrong code over the DHT fails with exit 4 on both sides;
#   4. a receiver with --no-mdns and a dead bootstrap peer exits 3 quickly with a clear message;
#   5. --no-mdns with --no-dht is refused at once (exit 2 for send, 3 for receive).
# Usage: dht_transfer.sh PCP_BINARY      Exit 0 pass, 1 fail, 77 skip (no namespaces, not in CI).
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
pcp=$(realpath "$1")
. "$here/../netns/netns.sh"
netns_require nft

work=$(mktemp -d /tmp/pcp-e2e-dht.XXXXXX)
netns_defer "rm -rf $work"
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok - $*"; }
bad() { fail=$((fail + 1)); echo "not ok - $*"; }

netns_create a b d
netns_switch_create sw
for ns in a b d; do netns_switch_attach "$ns" eth0 sw; done
netns_addr a eth0 10.232.0.1/24
netns_addr b eth0 10.232.0.2/24
netns_addr d eth0 10.232.0.3/24
netns_reach a 10.232.0.3 2 >/dev/null && netns_reach b 10.232.0.3 2 >/dev/null ||
  { bad "the namespaces cannot reach each other"; exit 1; }

# ---- the private DHT: three server nodes in d
wait_line() { # FILE PATTERN TENTHS
  local i
  for ((i = 0; i < $3; i++)); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done
  return 1
}
seed_pids=()
netns_bg d "$pcp" node --dht-server --private-dht --no-mdns --json --listen /ip4/10.232.0.3/tcp/0 >"$work/seed0.out" 2>"$work/seed0.err"
seed_pids+=("$NETNS_BG_PID")
wait_line "$work/seed0.out" '"event":"listening"' 100 || { bad "seed node did not start"; cat "$work/seed0.err"; exit 1; }
boot=$(grep -m1 '"event":"listening"' "$work/seed0.out" | jq -r '.addrs[0]')
for i in 1 2; do # one after the other: the second must find the first through the seed
  netns_bg d "$pcp" node --dht-server --no-mdns --json --listen /ip4/10.232.0.3/tcp/0 --bootstrap "$boot" >"$work/seed$i.out" 2>"$work/seed$i.err"
  seed_pids+=("$NETNS_BG_PID")
  wait_line "$work/seed$i.out" '"event":"dht_bootstrap"' 150
done
if wait_line "$work/seed2.out" '"event":"dht_bootstrap"' 150 && [ "$(grep -m1 '"event":"dht_bootstrap"' "$work/seed2.out" | jq -r .routing_table)" -ge 2 ]; then
  ok "private DHT of 3 pcp nodes: the last one has $(grep -m1 '"event":"dht_bootstrap"' "$work/seed2.out" | jq -r .routing_table) peers in its table"
else
  bad "private DHT did not form"; tail -n 3 "$work"/seed*.out "$work"/seed*.err
fi
netns_defer "kill ${seed_pids[*]} 2>/dev/null"

# ---- data
mkdir -p "$work/src/tree/sub"
head -c $((16 << 20)) /dev/urandom >"$work/src/big.bin"
for i in $(seq 1 20); do head -c $((i * 100)) /dev/urandom >"$work/src/tree/sub/f$i"; done

start_send() { # NAME ARGS...
  local name="$1"; shift
  netns_bg a "$pcp" send --json --no-mdns --bootstrap "$boot" "$@" >"$work/$name.send.out" 2>"$work/$name.send.err"
  SPID=$NETNS_BG_PID
  CODE=""
  for _ in $(seq 1 100); do
    CODE=$(grep -m1 '"event":"code"' "$work/$name.send.out" 2>/dev/null | jq -r .words)
    [ -n "$CODE" ] && break
    sleep 0.1
  done
  [ -n "$CODE" ]
}

# ---- 2. transfer through the DHT
mkdir -p "$work/out1"
start_send t1 "$work/src/big.bin" "$work/src/tree" || { bad "sender printed no code"; tail -n 5 "$work/t1.send.out" "$work/t1.send.err"; }
wait_line "$work/t1.send.out" '"event":"dht_provide"' 150 || bad "sender never reported dht_provide"
grep -q '"event":"dht_provide","ok":true' "$work/t1.send.out" && ok "sender provided its discovery key ($(grep -m1 '"event":"dht_provide"' "$work/t1.send.out" | jq -c '{key,peers}'))" ||
  { bad "provide failed"; grep dht_ "$work/t1.send.out"; }
t0=$(date +%s.%N)
netns_exec b timeout 120 "$pcp" receive --json --no-mdns --bootstrap "$boot" -y -o "$work/out1" "$CODE" \
  2>"$work/t1.recv.err" | while IFS= read -r line; do printf '%s %s\n' "$(date +%s.%N)" "$line"; done >"$work/t1.recv.out"
rrc=${PIPESTATUS[0]}
wait "$SPID"; src=$?
if [ "$rrc" -eq 0 ] && [ "$src" -eq 0 ]; then ok "transfer over the DHT: both exit 0"; else
  bad "transfer: receiver exit $rrc, sender exit $src"; tail -n 5 "$work/t1.recv.out" "$work/t1.recv.err" "$work/t1.send.err"
fi
diff -r "$work/src" "$work/out1" >/dev/null && ok "received files are byte-identical" || bad "received files differ"
found=$(grep -m1 '"event":"peer_found"' "$work/t1.recv.out")
if grep -q '"via":"dht"' <<<"$found"; then
  secs=$(awk -v a="$t0" -v b="${found%% *}" 'BEGIN{printf "%.3f", b-a}')
  ok "receiver found the sender through the DHT and connected ${secs} s after start"
  echo "# dht_connect_seconds $secs"
else
  bad "no peer_found via dht: $found"
fi

# ---- 2b. bootstrap through /dnsaddr, resolved by a test DNS server (loopback of namespace b)
seed0_id=$(grep -m1 '"event":"listening"' "$work/seed0.out" | jq -r .peer_id)
seed1_addr=$(grep -m1 '"event":"listening"' "$work/seed1.out" | jq -r '.addrs[0]')
printf '{"_dnsaddr.bootstrap.pcp.test": {"TXT": ["dnsaddr=%s", "dnsaddr=%s", "unrelated=1"]}}\n' "$boot" "$seed1_addr" >"$work/zone.json"
netns_bg b python3 "$here/../tools/dns_server.py" --zone "$work/zone.json" --port 0 --port-file "$work/dns.port" --lifetime 120
dns_pid=$NETNS_BG_PID
netns_defer "kill $dns_pid 2>/dev/null"
wait_line "$work/dns.port" . 50 || bad "test DNS server did not start"
mkdir -p "$work/out1b"
netns_bg a "$pcp" send --json --no-mdns --bootstrap "$boot" "$work/src/tree/sub/f20" >"$work/t1b.send.out" 2>"$work/t1b.send.err"
SPID=$NETNS_BG_PID
wait_line "$work/t1b.send.out" '"event":"dht_provide"' 150
CODE=$(grep -m1 '"event":"code"' "$work/t1b.send.out" | jq -r .words)
netns_exec b timeout 60 "$pcp" receive --json -v --no-mdns --bootstrap "/dnsaddr/bootstrap.pcp.test/p2p/$seed0_id" \
  --dns-server "127.0.0.1:$(cat "$work/dns.port")" -y -o "$work/out1b" "$CODE" >"$work/t1b.recv.out" 2>"$work/t1b.recv.err"
rrc=$?
wait "$SPID"; src=$?
if [ "$rrc" -eq 0 ] && [ "$src" -eq 0 ] && cmp -s "$work/src/tree/sub/f20" "$work/out1b/f20" &&
  grep -q '"event":"dht_bootstrap_peer","peer_id":"'"$seed0_id"'"' "$work/t1b.recv.out"; then
  ok "bootstrap from /dnsaddr/bootstrap.pcp.test/p2p/... (TXT via --dns-server, suffix-matched): transfer done"
else
  bad "dnsaddr bootstrap: receiver exit $rrc, sender exit $src"; tail -n 5 "$work/t1b.recv.out" "$work/t1b.recv.err"
fi

# ---- 3. wrong code over the DHT
mkdir -p "$work/out2"
start_send t2 --attempts 1 "$work/src/tree/sub/f1" || bad "sender 2 printed no code"
wait_line "$work/t2.send.out" '"event":"dht_provide"' 150
wrong=$(awk -F- '{ $NF = ($NF == "abandon" ? "ability" : "abandon"); print }' OFS=- <<<"$CODE")
# A wrong last word keeps the channel (first word) but breaks the PAKE.
netns_exec b timeout 60 "$pcp" receive --json --no-mdns --bootstrap "$boot" -y -o "$work/out2" "$wrong" >"$work/t2.recv.out" 2>"$work/t2.recv.err"
rrc=$?
wait "$SPID"; src=$?
[ "$rrc" -eq 4 ] && [ "$src" -eq 4 ] && ok "wrong code over the DHT: receiver exit 4, sender exit 4" ||
  { bad "wrong code: receiver exit $rrc, sender exit $src"; tail -n 3 "$work/t2.recv.out" "$work/t2.send.out"; }
[ -z "$(ls -A "$work/out2")" ] && ok "wrong code wrote nothing" || bad "wrong code wrote files"

# ---- 4. dead bootstrap peer, no mDNS: exit 3 quickly
dead="/ip4/10.232.0.3/tcp/9/p2p/$(jq -r .peer_id <(grep -m1 '"event":"listening"' "$work/seed0.out"))"
s0=$(date +%s)
netns_exec b timeout 60 "$pcp" receive --json --no-mdns --bootstrap "$dead" -y -o "$work/out2" abandon-ability-able-about >"$work/t4.out" 2>"$work/t4.err"
rrc=$?
el=$(($(date +%s) - s0))
if [ "$rrc" -eq 3 ] && [ "$el" -le 15 ] && grep -q '"event":"error"' "$work/t4.out"; then
  ok "dead bootstrap peer and no mDNS: exit 3 after ${el} s ($(grep -m1 '"event":"error"' "$work/t4.out" | jq -r .message))"
else
  bad "dead bootstrap: exit $rrc after ${el} s"; tail -n 3 "$work/t4.out" "$work/t4.err"
fi

s0=$(date +%s)
netns_exec a timeout 60 "$pcp" send --json --no-mdns --bootstrap "$dead" "$work/src/tree/sub/f1" >"$work/t4s.out" 2>"$work/t4s.err"
src=$?
el=$(($(date +%s) - s0))
[ "$src" -eq 3 ] && [ "$el" -le 15 ] && ok "sender with a dead bootstrap peer and no mDNS: exit 3 after ${el} s" ||
  { bad "sender, dead bootstrap: exit $src after ${el} s"; tail -n 3 "$work/t4s.out"; }

# ---- 5. no discovery method at all
netns_exec a "$pcp" send --no-mdns --no-dht "$work/src/tree/sub/f1" >/dev/null 2>"$work/t5.err"
src=$?
netns_exec b timeout 10 "$pcp" receive --no-mdns --no-dht -y -o "$work/out2" abandon-ability-able-about >/dev/null 2>"$work/t5r.err"
rrc=$?
[ "$src" -eq 2 ] && [ "$rrc" -eq 3 ] && ok "--no-mdns --no-dht: send exit 2, receive exit 3, at once" ||
  bad "--no-mdns --no-dht: send exit $src, receive exit $rrc"

echo "# $pass passed, $fail failed"
[ "$fail" -eq 0 ]

#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# pcp <-> js-libp2p kad-dht interop (issue 6) inside a fresh lo-only network namespace: a private
# DHT of 5 js nodes (kad_net.mjs, @libp2p/kad-dht 15.1.11, server mode, Ed25519/RSA/secp256k1
# identities) plus two `pcp node --dht-server` nodes bootstrapped from js nodes.
#   1. pcp nodes fill their routing tables with js peers (RSA and secp256k1 keys verified in
#      Noise); every js node admits both pcp nodes (identify lists /ipfs/kad/1.0.0, ping answered).
#   2. `pcp dht provide` announces a CID; js find_providers returns the pcp peer with its
#      127.0.0.1 address, and a pcp DHT server answered js's GET_PROVIDERS with the record.
#   3. A js node provides another CID; `pcp dht find-providers` finds it (exit 0, right peer ID).
#   4. `pcp dht find-peer` finds a js node's address; js find_peer (no cache) finds a pcp node.
#   5. A CID nobody provides: `pcp dht find-providers` exits 3 within its --timeout.
# Usage: kad_interop.sh PCP_BINARY [JS_DIR]        (JS_DIR default build/interop-js)
# Exit 0 pass, 1 fail, 77 skip (node/npm/jq missing and PCP_REQUIRE_INTEROP!=1, or no namespaces
# and PCP_REQUIRE_NETNS!=1).
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# ---------------------------------------------------------------------------------------------
# Inner part: runs inside the namespace. $2 = harness dir, $3 = pcp binary.
if [ "${1:-}" = "--inner" ]; then
  dir="$2" pcp="$3"
  pass=0 fail=0
  ok() { pass=$((pass + 1)); echo "ok - $*"; }
  bad() { fail=$((fail + 1)); echo "not ok - $*"; }
  if [ "$(ip -o link | wc -l)" -ne 1 ]; then echo "not ok - namespace has interfaces other than lo; refusing" >&2; exit 1; fi
  . "$here/kad_lib.sh"
  tmp=$(mktemp -d)
  pids=()
  cleanup() {
    kad_stop >/dev/null 2>&1
    local p
    for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null; done
    for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
    rm -rf "$tmp"
  }
  trap cleanup EXIT
  trap 'exit 143' TERM INT
  now_ms() { date +%s%3N; }
  # wait_line FILE PATTERN SECONDS -> first matching line (bounded)
  wait_line() {
    local i
    for ((i = 0; i < $3 * 10; i++)); do
      if grep -q "$2" "$1" 2>/dev/null; then grep -m1 "$2" "$1"; return 0; fi
      sleep 0.1
    done
    return 1
  }
  # table_size FILE -> the largest routing table a pcp node reported so far (its dht_bootstrap
  # event, then its dht_routing_table events as the table fills after the bootstrap)
  table_size() {
    jq -s '[.[] | select(.event == "dht_bootstrap" and .ok) | .routing_table] + [.[] | select(.event == "dht_routing_table") | .size] | max // 0' "$1" 2>/dev/null || echo 0
  }
  # wait_table FILE MIN SECONDS -> the size reached (bounded; under load the bootstrap's own
  # lookup may end before every js node answered, later lookups and inbound peers fill the table)
  wait_table() {
    local i n=0
    for ((i = 0; i < $3 * 5; i++)); do
      n=$(table_size "$1"); [ "${n:-0}" -ge "$2" ] && break
      sleep 0.2
    done
    echo "${n:-0}"
  }
  # port_of MULTIADDR -> the TCP port of /ip4/127.0.0.1/tcp/P[/p2p/ID]
  port_of() { sed -n 's|^/ip4/127\.0\.0\.1/tcp/\([0-9]*\).*|\1|p' <<<"$1"; }
  # pcp_bg NAME ARGS... -> starts pcp in the background (stdout NAME.out, stderr NAME.err), PID in LAST_PID
  pcp_bg() {
    local name="$1"
    shift
    "$pcp" "$@" >"$tmp/$name.out" 2>"$tmp/$name.err" </dev/null {KAD_FD}>&- &
    LAST_PID=$!
    pids+=("$LAST_PID")
  }
  cid_pcp=bafkreie3wrepivvyckyey64sodjvgqfrndsebl2mwufm4dxkumodivsqz4   # CIDv1 raw of "pcp": pcp provides
  cid_js=bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e    # CIDv1 raw of "hello world": js provides
  cid_none=bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku  # CIDv1 raw of "": nobody provides
  t0=$(now_ms)

  # --- the js DHT: 5 nodes, every node dials every earlier one ---------------------------------
  if kad_start "$dir" "$tmp/kad" --nodes 5 --topology mesh --ready-timeout 30 --lifetime 170; then
    ok "5 js kad-dht nodes ready ($(jq -r .ms < <(grep '"net_ready"' "$tmp/kad/kad.out")) ms)"
  else
    bad "kad_net.mjs did not get ready"; tail -n 20 "$tmp/kad/kad.out" "$tmp/kad/kad.err"; exit 1
  fi
  declare -a jid jaddr jport jkt
  for i in 0 1 2 3 4; do
    jid[i]=$(kad_node "$i" id)
    jaddr[i]=$(kad_node "$i" 'addrs[0]')
    jport[i]=$(port_of "${jaddr[i]}")
    jkt[i]=$(kad_node "$i" key_type)
  done
  echo "# js nodes: $(for i in 0 1 2 3 4; do printf '%s=%s ' "${jkt[i]}" "${jid[i]}"; done)"
  if [ "${jkt[0]}:${jkt[1]}:${jkt[2]}" = "ed25519:rsa:secp256k1" ] && [[ ${jid[1]} == Qm* ]] && [[ ${jid[2]} == 16Uiu2HA* ]]; then
    ok "js identities: node 0 Ed25519, node 1 RSA (${jid[1]:0:8}…), node 2 secp256k1 (${jid[2]:0:12}…)"
  else
    bad "js identities: ${jkt[*]} / ${jid[*]}"
  fi

  # --- 1. two pcp DHT servers join ---------------------------------------------------------------
  # A knows only js node 0 (Ed25519): everything else it must learn through the DHT. While A
  # bootstraps the DHT holds only the 5 js nodes, so a table of >= 5 means all of them, the RSA
  # and secp256k1 ones included (pcp admits a peer only after it answered a DHT request over an
  # authenticated connection).
  t1=$(now_ms)
  pcp_bg nodeA node --dht-server --no-mdns --json --listen /ip4/127.0.0.1/tcp/0 --bootstrap "${jaddr[0]}"
  pidA=$LAST_PID
  la=$(wait_line "$tmp/nodeA.out" '"event":"listening"' 10)
  idA=$(jq -r .peer_id <<<"$la" 2>/dev/null)
  portA=$(port_of "$(jq -r '.addrs[0]' <<<"$la" 2>/dev/null)")
  ba=$(wait_line "$tmp/nodeA.out" '"event":"dht_bootstrap"' 35)
  nA=$(wait_table "$tmp/nodeA.out" 5 30)
  if jq -e '.ok' <<<"$ba" >/dev/null 2>&1 && [ "$nA" -ge 5 ]; then
    ok "pcp node A ($idA) bootstrapped from js node 0 only: routing table $(jq .routing_table <<<"$ba") at the bootstrap, $nA after ($(($(now_ms) - t1)) ms)"
  else
    bad "pcp node A bootstrap: ${ba:-no dht_bootstrap event}; routing table reached $nA (want 5)"; tail -n 5 "$tmp/nodeA.out" "$tmp/nodeA.err"
  fi
  idents=$(grep '"event":"peer_identified"' "$tmp/nodeA.out" | jq -r 'select(.agent | startswith("js-libp2p/")) | .peer_id' | sort -u)
  missing=""
  for i in 0 1 2 3 4; do grep -qx "${jid[i]}" <<<"$idents" || missing+=" ${jkt[i]}:${jid[i]}"; done
  if [ -z "$missing" ]; then
    ok "pcp node A completed Noise + identify with all 5 js nodes (found through the DHT, RSA and secp256k1 keys verified)"
  else
    bad "pcp node A has no identified connection to:$missing"
  fi
  # B is told about the RSA and the secp256k1 js node: both must answer as bootstrap peers.
  t1=$(now_ms)
  pcp_bg nodeB node --dht-server --no-mdns --json --listen /ip4/127.0.0.1/tcp/0 --bootstrap "${jaddr[1]}" --bootstrap "${jaddr[2]}"
  pidB=$LAST_PID
  lb=$(wait_line "$tmp/nodeB.out" '"event":"listening"' 10)
  idB=$(jq -r .peer_id <<<"$lb" 2>/dev/null)
  portB=$(port_of "$(jq -r '.addrs[0]' <<<"$lb" 2>/dev/null)")
  bb=$(wait_line "$tmp/nodeB.out" '"event":"dht_bootstrap"' 35)
  bootpeers=$(grep '"event":"dht_bootstrap_peer"' "$tmp/nodeB.out" | jq -r .peer_id | sort -u)
  nB=$(wait_table "$tmp/nodeB.out" 5 30)
  if jq -e '.ok' <<<"$bb" >/dev/null 2>&1 && [ "$nB" -ge 5 ] && grep -qx "${jid[1]}" <<<"$bootpeers" && grep -qx "${jid[2]}" <<<"$bootpeers"; then
    ok "pcp node B ($idB) bootstrapped from the RSA and secp256k1 js nodes (both answered): routing table $(jq .routing_table <<<"$bb") at the bootstrap, $nB after ($(($(now_ms) - t1)) ms)"
  else
    bad "pcp node B bootstrap: ${bb:-no dht_bootstrap event}; routing table reached $nB (want 5); bootstrap peers that answered: $(echo $bootpeers)"
    tail -n 5 "$tmp/nodeB.out" "$tmp/nodeB.err"
  fi
  # every js node admits both pcp nodes (identify lists the kad protocol, ping answered)
  admitted=0
  for _ in $(seq 1 30); do   # bounded: ~15 s
    admitted=1
    for i in 0 1 2 3 4; do
      rt=$(kad_cmd "{\"cmd\":\"routing_table\",\"node\":$i}" 10)
      jq -e --arg a "$idA" --arg b "$idB" '.peers | any(.[]; . == $a) and any(.[]; . == $b)' <<<"$rt" >/dev/null 2>&1 || { admitted=0; break; }
    done
    [ "$admitted" = 1 ] && break
    sleep 0.5
  done
  if [ "$admitted" = 1 ]; then
    ok "every js node has both pcp nodes in its routing table"
  else
    bad "js node $i routing table lacks a pcp node: $rt"
  fi
  # (js also records kad for a peer that merely opened kad streams to it, so this alone does not
  # show identify listed it; the routing tables above do: js admits on identify's protocols)
  a=$(kad_cmd "{\"cmd\":\"peer_store\",\"node\":3,\"id\":\"$idA\"}")
  if jq -e --arg ma "/ip4/127.0.0.1/tcp/$portA" '(.protocols | any(.[]; . == "/ipfs/kad/1.0.0")) and (.addrs | any(.[]; . == $ma))' <<<"$a" >/dev/null 2>&1; then
    ok "js node 3's peer store: pcp node A with /ipfs/kad/1.0.0 and its listen address /ip4/127.0.0.1/tcp/$portA"
  else
    bad "js peer store entry of pcp node A: $a"
  fi

  # --- 2. pcp provides, js finds -----------------------------------------------------------------
  t1=$(now_ms)
  pcp_bg provide dht provide "$cid_pcp" --bootstrap "${jaddr[3]}" --json --listen /ip4/127.0.0.1/tcp/0 --stay 60 --timeout 20
  pidP=$LAST_PID
  lp=$(wait_line "$tmp/provide.out" '"event":"listening"' 10)
  idP=$(jq -r .peer_id <<<"$lp" 2>/dev/null)
  portP=$(port_of "$(jq -r '.addrs[0]' <<<"$lp" 2>/dev/null)")
  pv=$(wait_line "$tmp/provide.out" '"event":"provided"' 30)
  if jq -e --arg k "$cid_pcp" '.key == $k and .peers >= 5' <<<"$pv" >/dev/null 2>&1; then
    ok "pcp dht provide ($idP): ADD_PROVIDER written to $(jq .peers <<<"$pv") DHT servers ($(($(now_ms) - t1)) ms)"
  else
    bad "pcp dht provide: ${pv:-no provided event}"; tail -n 5 "$tmp/provide.out" "$tmp/provide.err"
  fi
  a=$(kad_cmd "{\"cmd\":\"find_providers\",\"node\":4,\"cid\":\"$cid_pcp\",\"timeout_ms\":15000}" 25)
  p=$(jq -c --arg id "$idP" '.peers[]? | select(.id == $id)' <<<"$a" 2>/dev/null)
  if [ -n "$p" ] && jq -e --arg ma "/ip4/127.0.0.1/tcp/$portP" '.addrs | any(.[]; . == $ma)' <<<"$p" >/dev/null; then
    ok "js node 4 found pcp as provider of $cid_pcp at $(jq -c .addrs <<<"$p")"
  else
    bad "js find_providers of pcp's CID: $a"
  fi
  if [ -n "$p" ] && jq -e --arg a "$idA" --arg b "$idB" '.from | any(.[]; . == $a or . == $b)' <<<"$p" >/dev/null; then
    ok "a pcp DHT server answered js's GET_PROVIDERS with the record (from: $(jq -c '[.from[] | .[0:12]]' <<<"$p"))"
  else
    bad "no pcp DHT server named the provider in a GET_PROVIDERS answer to js: ${p:-none}"
  fi
  kill -TERM "$pidP" 2>/dev/null

  # --- 3. js provides, pcp finds -----------------------------------------------------------------
  a=$(kad_cmd "{\"cmd\":\"provide\",\"node\":2,\"cid\":\"$cid_js\",\"timeout_ms\":15000}" 25)
  if jq -e --arg a "$idA" --arg b "$idB" '.event == "provided" and .complete and (.to | any(.[]; . == $a)) and (.to | any(.[]; . == $b))' <<<"$a" >/dev/null 2>&1; then
    ok "js node 2 provided $cid_js to $(jq '.to | length' <<<"$a") peers, both pcp nodes among them"
  else
    bad "js provide: $a"
  fi
  t1=$(now_ms)
  "$pcp" dht find-providers "$cid_js" --bootstrap "${jaddr[0]}" --json --listen /ip4/127.0.0.1/tcp/0 -n 1 --timeout 20 \
    >"$tmp/findp.out" 2>"$tmp/findp.err" </dev/null {KAD_FD}>&-
  rc=$?
  pr=$(grep -m1 '"event":"provider"' "$tmp/findp.out")
  if [ "$rc" -eq 0 ] && [ "$(jq -r .peer_id <<<"$pr")" = "${jid[2]}" ] &&
    jq -e --arg ma "/ip4/127.0.0.1/tcp/${jport[2]}" '.addrs | any(.[]; . == $ma)' <<<"$pr" >/dev/null; then
    ok "pcp dht find-providers found js node 2 (secp256k1) at $(jq -c .addrs <<<"$pr") ($(($(now_ms) - t1)) ms)"
  else
    bad "pcp dht find-providers: exit $rc, ${pr:-no provider event}"; tail -n 5 "$tmp/findp.out" "$tmp/findp.err"
  fi

  # --- 4. find-peer both ways --------------------------------------------------------------------
  t1=$(now_ms)
  "$pcp" dht find-peer "${jid[4]}" --bootstrap "${jaddr[0]}" --json --listen /ip4/127.0.0.1/tcp/0 --timeout 20 \
    >"$tmp/findpeer.out" 2>"$tmp/findpeer.err" </dev/null {KAD_FD}>&-
  rc=$?
  pe=$(grep -m1 '"event":"peer"' "$tmp/findpeer.out")
  if [ "$rc" -eq 0 ] && [ "$(jq -r .peer_id <<<"$pe")" = "${jid[4]}" ] &&
    jq -e --arg ma "/ip4/127.0.0.1/tcp/${jport[4]}" '.addrs | any(.[]; . == $ma)' <<<"$pe" >/dev/null; then
    ok "pcp dht find-peer (knowing only js node 0) found js node 4 ($(jq -r .peer_id <<<"$pe" | cut -c1-8)…) at $(jq -c .addrs <<<"$pe") ($(($(now_ms) - t1)) ms)"
  else
    bad "pcp dht find-peer: exit $rc, ${pe:-no peer event}"; tail -n 5 "$tmp/findpeer.out" "$tmp/findpeer.err"
  fi
  a=$(kad_cmd "{\"cmd\":\"find_peer\",\"node\":1,\"id\":\"$idB\",\"use_cache\":false,\"timeout_ms\":15000}" 25)
  if jq -e --arg ma "/ip4/127.0.0.1/tcp/$portB" '.event == "peer" and .found and (.local | not) and (.addrs | any(.[]; . == $ma))' <<<"$a" >/dev/null 2>&1; then
    ok "js find_peer (no cache): node 1 found pcp node B at $(jq -c .addrs <<<"$a") via $(jq -r .from <<<"$a" | cut -c1-12)…"
  else
    bad "js find_peer of pcp node B: $a"
  fi

  # --- 5. nobody provides ------------------------------------------------------------------------
  t1=$(now_ms)
  "$pcp" dht find-providers "$cid_none" --bootstrap "${jaddr[0]}" --json --listen /ip4/127.0.0.1/tcp/0 --timeout 8 \
    >"$tmp/none.out" 2>"$tmp/none.err" </dev/null {KAD_FD}>&-
  rc=$?
  el=$(($(now_ms) - t1))
  if [ "$rc" -eq 3 ] && [ "$el" -lt 10000 ] && ! grep -q '"event":"provider"' "$tmp/none.out"; then
    ok "pcp dht find-providers of a CID nobody provides: exit 3 after $el ms (--timeout 8)"
  else
    bad "unprovided CID: exit $rc after $el ms: $(tail -n 3 "$tmp/none.out")"
  fi

  # --- pcp nodes end on SIGTERM --------------------------------------------------------------------
  for p in "$pidA" "$pidB"; do kill -TERM "$p" 2>/dev/null; done
  rcs=""
  for p in "$pidA" "$pidB"; do
    for _ in $(seq 1 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done   # bounded: 5 s
    if kill -0 "$p" 2>/dev/null; then rcs+=" still-running"; else wait "$p"; rcs+=" $?"; fi
  done
  if [ "$rcs" = " 143 143" ]; then
    ok "both pcp nodes stopped on SIGTERM (exit 143)"
  else
    bad "pcp nodes after SIGTERM:$rcs"
  fi

  echo "# inner took $(($(now_ms) - t0)) ms"
  echo "$pass passed, $fail failed"
  [ "$fail" -eq 0 ]
  exit $?
fi

# ---------------------------------------------------------------------------------------------
# Outer part (host namespace): setup (npm ci, registry only), then the inner part in a netns.
pcp="${1:-}"
[ -n "$pcp" ] && [ -x "$pcp" ] || { echo "usage: kad_interop.sh PCP_BINARY [JS_DIR]" >&2; exit 2; }
. "$here/harness.sh"
harness_prepare kad-interop "${2:-}" node npm jq
harness_run_inner "kad interop" "$here/kad_interop.sh" 150 "$(realpath "$pcp")"

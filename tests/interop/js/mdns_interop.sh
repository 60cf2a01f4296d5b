#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# pcp mDNS <-> js-libp2p 2.9.0 @libp2p/mdns 11.0.47, both directions, inside a fresh lo-only
# network namespace (IPv4 multicast over lo; js-libp2p mDNS is IPv4 only):
#   1. js discovers pcp: pcp_testpeer listens (a real libp2p node), pcp_mdns_tool advertises its
#      peer ID and address on _p2p._udp.local; `peer.mjs dial --mdns` finds it by mDNS, dials it
#      and pings it twice.
#   2. pcp discovers js: `peer.mjs listen --mdns`; `pcp_mdns_tool find` finds the js peer ID and
#      address; `pcp ping` dials the found address.
#   3. The js listener also reported the pcp advertisement (mdns_peer event).
# Usage: mdns_interop.sh PCP_BINARY TESTPEER_BINARY MDNS_TOOL_BINARY [JS_DIR]
# Exit 0 pass, 1 fail, 77 skip (node/npm/jq or namespaces missing, unless PCP_REQUIRE_* = 1).
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

if [ "${1:-}" = "--inner" ]; then
  dir="$2" pcp="$3" tp="$4" tool="$5"
  pass=0 fail=0
  ok() { pass=$((pass + 1)); echo "ok - $*"; }
  bad() { fail=$((fail + 1)); echo "not ok - $*"; }
  if [ "$(ip -o link | wc -l)" -ne 1 ]; then echo "not ok - namespace has interfaces other than lo" >&2; exit 1; fi
  tmp=$(mktemp -d)
  pids=()
  cleanup() {
    for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null; done
    for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
    rm -rf "$tmp"
  }
  trap cleanup EXIT
  wait_line() { # FILE PATTERN -> first matching line, bounded 20 s
    for _ in $(seq 1 200); do
      if grep -q "$2" "$1" 2>/dev/null; then grep -m1 "$2" "$1"; return 0; fi
      sleep 0.1
    done
    return 1
  }
  now_ms() { date +%s%3N; }

  # 1. js discovers pcp
  "$tp" listen >"$tmp/tp.out" 2>"$tmp/tp.err" &
  pids+=("$!")
  taddr=$(wait_line "$tmp/tp.out" '"listening"' | jq -r '.addrs[0]')
  tid=${taddr##*/p2p/}
  "$tool" advertise --peer "$tid" --addr "$taddr" --seconds 120 >"$tmp/adv.out" 2>"$tmp/adv.err" &
  pids+=("$!")
  if wait_line "$tmp/adv.out" '"advertising"' >/dev/null; then
    ok "pcp mDNS responder advertising $tid ($taddr)"
  else
    bad "pcp mDNS responder did not start"; cat "$tmp/adv.out" "$tmp/adv.err" | tail -5
  fi
  t0=$(now_ms)
  node "$dir/peer.mjs" dial --mdns --ping 2 --timeout 30 >"$tmp/d1.out" 2>"$tmp/d1.err"
  rc=$?
  found=$(grep -m1 '"event":"mdns_peer"' "$tmp/d1.out")
  if [ "$(jq -r .peer <<<"$found")" = "$tid" ]; then
    ok "js @libp2p/mdns discovered pcp: $(jq -c .addrs <<<"$found") ($(($(now_ms) - t0)) ms incl. node start and dial)"
  else
    bad "js did not discover pcp: ${found:-nothing}"; tail -5 "$tmp/d1.out" "$tmp/d1.err"
  fi
  if [ "$rc" -eq 0 ] && [ "$(grep -c '"event":"ping".*"ok":true' "$tmp/d1.out")" -eq 2 ]; then
    ok "js dialed the mDNS-discovered pcp peer and pinged it twice"
  else
    bad "js dial/ping of the discovered pcp peer (exit $rc)"; tail -5 "$tmp/d1.out"
  fi

  # 2. pcp discovers js
  node "$dir/peer.mjs" listen --mdns >"$tmp/jl.out" 2>"$tmp/jl.err" </dev/null &
  pids+=("$!")
  jl=$(wait_line "$tmp/jl.out" '"listening"')
  jid=$(jq -r .peer_id <<<"$jl")
  "$tool" find --timeout 10 >"$tmp/f.out" 2>"$tmp/f.err"
  rc=$?
  fl=$(grep '"event":"found"' "$tmp/f.out" | jq -c "select(.peer == \"$jid\")" | head -1)
  if [ "$rc" -eq 0 ] && [ -n "$fl" ]; then
    ok "pcp mDNS querier discovered js $jid at $(jq -c .addrs <<<"$fl") in $(jq -r .ms <<<"$fl") ms"
  else
    # The first find may have returned the pcp advertiser alone; ask again (bounded).
    for _ in 1 2 3; do
      "$tool" find --timeout 5 >"$tmp/f.out" 2>"$tmp/f.err"
      fl=$(grep '"event":"found"' "$tmp/f.out" | jq -c "select(.peer == \"$jid\")" | head -1)
      [ -n "$fl" ] && break
    done
    if [ -n "$fl" ]; then ok "pcp mDNS querier discovered js $jid at $(jq -c .addrs <<<"$fl")"
    else bad "pcp did not discover js $jid"; cat "$tmp/f.out" "$tmp/f.err" | tail -5; fi
  fi
  jaddr=$(jq -r '.addrs[0] // empty' <<<"${fl:-{\}}")
  if [ -n "$jaddr" ] && "$pcp" ping -c 1 --json "$jaddr" >"$tmp/ping.out" 2>&1 && grep -q '"event":"pong"' "$tmp/ping.out"; then
    ok "pcp ping of the mDNS-discovered js address $jaddr"
  else
    bad "pcp ping of the discovered js address '${jaddr}'"; tail -3 "$tmp/ping.out" 2>/dev/null
  fi

  # 3. the js listener saw the pcp advertisement too
  if ml=$(wait_line "$tmp/jl.out" "\"event\":\"mdns_peer\",\"peer\":\"$tid\""); then
    ok "js listener reported the pcp peer via mDNS: $(jq -c .addrs <<<"$ml")"
  else
    bad "js listener did not report the pcp peer"; tail -5 "$tmp/jl.out"
  fi

  # 4. js discovers `pcp node` itself (the CLI announces _p2p._udp.local like any libp2p node)
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
  pids=()
  sleep 0.3
  "$pcp" node --listen /ip4/127.0.0.1/tcp/0 --json >"$tmp/node.out" 2>"$tmp/node.err" &
  pids+=("$!")
  nid=$(wait_line "$tmp/node.out" '"listening"' | jq -r .peer_id)
  node "$dir/peer.mjs" dial --mdns --ping 1 --timeout 30 >"$tmp/d4.out" 2>"$tmp/d4.err"
  rc=$?
  found=$(grep -m1 '"event":"mdns_peer"' "$tmp/d4.out")
  if [ "$(jq -r .peer <<<"$found")" = "$nid" ] && [ "$rc" -eq 0 ]; then
    ok "js @libp2p/mdns discovered \`pcp node\` $nid and pinged it"
  else
    bad "js did not discover pcp node $nid: ${found:-nothing} (exit $rc)"; tail -3 "$tmp/d4.out" "$tmp/node.err"
  fi

  echo "$pass passed, $fail failed"
  [ "$fail" -eq 0 ]
  exit $?
fi

# Outer part (host namespace): setup (npm ci, registry only), then the inner part in a netns.
pcp="$1" tp="$2" tool="$3" jsdir="${4:-}"
skip() {
  if [ "${PCP_REQUIRE_INTEROP:-0}" = "1" ]; then echo "mdns-interop: FAIL (PCP_REQUIRE_INTEROP=1): $*" >&2; exit 1; fi
  echo "mdns-interop: SKIP: $*" >&2
  exit 77
}
command -v node >/dev/null 2>&1 || skip "node not found"
command -v npm >/dev/null 2>&1 || skip "npm not found"
command -v jq >/dev/null 2>&1 || skip "jq not found"
out=$(bash "$here/setup.sh" ${jsdir:+"$jsdir"}) || exit $?
dir=$(printf '%s\n' "$out" | sed -n 's/^PCP_INTEROP_JS_DIR=//p' | tail -1)
. "$here/../../netns/netns.sh"
netns_unshare timeout -k 5 110 bash "$here/mdns_interop.sh" --inner "$dir" "$(realpath "$pcp")" "$(realpath "$tp")" "$(realpath "$tool")"
